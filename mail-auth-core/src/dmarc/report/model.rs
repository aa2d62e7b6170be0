//! The data of an aggregate report (RFC 9990 §2 and its XML schema; RFC 7489
//! Appendix C), as the writer takes it and the parser returns it.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::net::IpAddr;

use crate::dmarc::{AlignmentMode, Policy};

/// Defines an enum of the lowercase words a schema lists, with an
/// `Other(String)` variant for words met in the wild. Reading is
/// case-insensitive and trims XML white space; `Other` keeps the text.
macro_rules! word_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $word:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A word the schema does not list, as written (trimmed).
            Other(String),
        }

        impl $name {
            /// Reads a word: the listed ones in any case, anything else as
            /// [`Self::Other`].
            pub fn from_word(word: &str) -> Self {
                let word = word.trim_matches(super::xml_read::is_xml_space);
                $(
                    if word.eq_ignore_ascii_case($word) {
                        return $name::$variant;
                    }
                )+
                $name::Other(String::from(word))
            }

            /// The word as the report writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $word, )+
                    $name::Other(word) => word,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word_enum! {
    /// A DMARC-aligned result of `<policy_evaluated>` (`DMARCResultType`).
    AlignedResult {
        /// `pass`: an aligned identifier passed.
        Pass => "pass",
        /// `fail`: no aligned identifier passed.
        Fail => "fail",
    }
}

word_enum! {
    /// A DKIM result of `<auth_results>` (`DKIMResultType`, RFC 8601 words).
    DkimResult {
        /// `none`.
        None => "none",
        /// `pass`.
        Pass => "pass",
        /// `fail`.
        Fail => "fail",
        /// `policy`.
        Policy => "policy",
        /// `neutral`.
        Neutral => "neutral",
        /// `temperror`.
        TempError => "temperror",
        /// `permerror`.
        PermError => "permerror",
    }
}

word_enum! {
    /// An SPF result of `<auth_results>` (`SPFResultType`, RFC 7208 words).
    SpfResult {
        /// `none`.
        None => "none",
        /// `neutral`.
        Neutral => "neutral",
        /// `pass`.
        Pass => "pass",
        /// `fail`.
        Fail => "fail",
        /// `softfail`.
        SoftFail => "softfail",
        /// `temperror`.
        TempError => "temperror",
        /// `permerror`.
        PermError => "permerror",
    }
}

word_enum! {
    /// The identity SPF checked (`SPFDomainScope`).
    SpfScope {
        /// `helo`: the HELO/EHLO name.
        Helo => "helo",
        /// `mfrom`: the MAIL FROM domain.
        Mfrom => "mfrom",
    }
}

word_enum! {
    /// Why the applied disposition differs from the policy
    /// (`PolicyOverrideType`). RFC 9990 keeps `local_policy`, `mailing_list`,
    /// `other`, `policy_test_mode` and `trusted_forwarder`; RFC 7489 also had
    /// `forwarded` and `sampled_out`. The word `other` is
    /// `PolicyOverride::Other("other")`.
    PolicyOverride {
        /// `forwarded` (RFC 7489).
        Forwarded => "forwarded",
        /// `sampled_out` (RFC 7489, `pct`).
        SampledOut => "sampled_out",
        /// `trusted_forwarder`.
        TrustedForwarder => "trusted_forwarder",
        /// `mailing_list`.
        MailingList => "mailing_list",
        /// `local_policy`.
        LocalPolicy => "local_policy",
        /// `policy_test_mode` (RFC 9990, `t=y`).
        PolicyTestMode => "policy_test_mode",
    }
}

word_enum! {
    /// How the policy record was found (RFC 9990 `discovery_method`).
    DiscoveryMethod {
        /// `psl`: the Public Suffix List (RFC 7489).
        Psl => "psl",
        /// `treewalk`: the DNS tree walk (RFC 9989).
        Treewalk => "treewalk",
    }
}

/// One aggregate report: `<feedback>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateReport {
    /// `<version>`: `Some("1.0")` in RFC 9990 reports, absent in RFC 7489
    /// ones (where the draft-era `<version>` is sometimes present too).
    pub version: Option<String>,
    /// `<report_metadata>`.
    pub metadata: ReportMetadata,
    /// `<policy_published>`.
    pub policy_published: PolicyPublished,
    /// The `<record>` elements, in document order.
    pub records: Vec<Record>,
}

/// `<report_metadata>`: who reports, about when.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportMetadata {
    /// `<org_name>`: the reporting organization.
    pub org_name: String,
    /// `<email>`: its contact address (empty when a report omits it).
    pub email: String,
    /// `<extra_contact_info>`.
    pub extra_contact_info: Option<String>,
    /// `<report_id>`: unique per reporter.
    pub report_id: String,
    /// `<date_range>`.
    pub date_range: DateRange,
    /// `<error>` elements (RFC 7489 allows several, RFC 9990 one).
    pub errors: Vec<String>,
    /// `<generator>` (RFC 9990): the software that wrote the report.
    pub generator: Option<String>,
}

/// `<date_range>`: unix seconds, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateRange {
    /// `<begin>`.
    pub begin: u64,
    /// `<end>`.
    pub end: u64,
}

/// `<policy_published>`: the DMARC record the receiver found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyPublished {
    /// `<domain>`: where the record was found.
    pub domain: String,
    /// `<discovery_method>` (RFC 9990).
    pub discovery_method: Option<DiscoveryMethod>,
    /// `<adkim>`.
    pub adkim: Option<AlignmentMode>,
    /// `<aspf>`.
    pub aspf: Option<AlignmentMode>,
    /// `<p>`.
    pub p: Policy,
    /// `<sp>`.
    pub sp: Option<Policy>,
    /// `<np>` (RFC 9990).
    pub np: Option<Policy>,
    /// `<pct>` (RFC 7489; RFC 9990 dropped it). Written only in the RFC 7489
    /// format.
    pub pct: Option<u8>,
    /// `<testing>` (RFC 9990): the record's `t=` flag, `y` as `true`.
    pub testing: Option<bool>,
    /// `<fo>`: the failure reporting options, as published.
    pub fo: Option<String>,
}

impl PolicyPublished {
    /// A record published at `domain` with policy `p` and nothing else.
    pub fn new(domain: impl Into<String>, p: Policy) -> PolicyPublished {
        PolicyPublished {
            domain: domain.into(),
            discovery_method: None,
            adkim: None,
            aspf: None,
            p,
            sp: None,
            np: None,
            pct: None,
            testing: None,
            fo: None,
        }
    }
}

/// One `<record>`: a row of messages that were evaluated alike.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Record {
    /// `<row>`.
    pub row: Row,
    /// `<identifiers>`.
    pub identifiers: Identifiers,
    /// `<auth_results>`.
    pub auth_results: AuthResults,
}

/// `<row>`: the source and what the receiver did.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Row {
    /// `<source_ip>`.
    pub source_ip: IpAddr,
    /// `<count>`: how many messages.
    pub count: u64,
    /// `<policy_evaluated>`.
    pub policy_evaluated: PolicyEvaluated,
}

/// `<policy_evaluated>`: the disposition applied and the aligned results.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PolicyEvaluated {
    /// `<disposition>`: the policy actually applied.
    pub disposition: Policy,
    /// `<dkim>`: the DMARC-aligned DKIM result.
    pub dkim: AlignedResult,
    /// `<spf>`: the DMARC-aligned SPF result.
    pub spf: AlignedResult,
    /// `<reason>` elements: why the disposition differs from the policy.
    pub reasons: Vec<PolicyOverrideReason>,
}

/// `<reason>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PolicyOverrideReason {
    /// `<type>`.
    pub kind: PolicyOverride,
    /// `<comment>`.
    pub comment: Option<String>,
}

/// `<identifiers>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Identifiers {
    /// `<envelope_to>`: the RFC 5321 recipient domain.
    pub envelope_to: Option<String>,
    /// `<envelope_from>`: the RFC 5321 MAIL FROM domain.
    pub envelope_from: Option<String>,
    /// `<header_from>`: the RFC 5322 From domain.
    pub header_from: String,
}

/// `<auth_results>`: the raw, unaligned results.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AuthResults {
    /// `<dkim>` elements, one per signature.
    pub dkim: Vec<DkimAuthResult>,
    /// `<spf>` elements.
    pub spf: Vec<SpfAuthResult>,
}

/// One `<auth_results><dkim>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DkimAuthResult {
    /// `<domain>`: the signature's `d=`.
    pub domain: String,
    /// `<selector>`: the signature's `s=` (required by RFC 9990).
    pub selector: Option<String>,
    /// `<result>`.
    pub result: DkimResult,
    /// `<human_result>`.
    pub human_result: Option<String>,
}

/// One `<auth_results><spf>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpfAuthResult {
    /// `<domain>`: the checked domain.
    pub domain: String,
    /// `<scope>`.
    pub scope: Option<SpfScope>,
    /// `<result>`.
    pub result: SpfResult,
    /// `<human_result>`.
    pub human_result: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_in_any_case_and_keep_unknown_ones() {
        assert_eq!(DkimResult::from_word(" Pass\n"), DkimResult::Pass);
        assert_eq!(SpfResult::from_word("SOFTFAIL"), SpfResult::SoftFail);
        assert_eq!(
            SpfResult::from_word("hardfail"),
            SpfResult::Other("hardfail".into())
        );
        assert_eq!(SpfResult::Other("hardfail".into()).as_str(), "hardfail");
        assert_eq!(
            PolicyOverride::from_word("other"),
            PolicyOverride::Other("other".into())
        );
        assert_eq!(AlignedResult::Fail.to_string(), "fail");
    }
}
