//! The report (RFC 8460 §4) as values, and its JSON shape (§4.4).
//!
//! Serializing gives the normalised JSON: §4.4's key names, date-times as
//! RFC 3339 UTC with `Z`, absent optional fields omitted (empty lists and
//! empty strings included), counts always written, `mx-host` as an array
//! (erratum 6241: a policy may name several MX patterns). Deserializing goes
//! through the tolerant reader with the default
//! [`ReportLimits`](super::ReportLimits), but the deserializer has built the
//! JSON tree before the reader sees it, so the size and value-count limits
//! cannot apply: for untrusted input use [`parse_report`](super::parse_report)
//! or [`Report::from_json`].

use alloc::string::String;
use alloc::vec::Vec;
use core::net::IpAddr;

use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::datetime;

/// One report: what one sending organisation saw for one policy domain over
/// one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// `organization-name`: who sends the report.
    #[serde(rename = "organization-name")]
    pub organization_name: String,
    /// `date-range`: the period covered.
    #[serde(rename = "date-range")]
    pub date_range: DateRange,
    /// `contact-info`: an address to write to about the report.
    #[serde(rename = "contact-info")]
    pub contact_info: String,
    /// `report-id`: unique to the sender.
    #[serde(rename = "report-id")]
    pub report_id: String,
    /// `policies`: one entry per policy applied.
    pub policies: Vec<PolicyResult>,
}

/// `date-range`: unix seconds, both ends included (a day is
/// `00:00:00Z`–`23:59:59Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DateRange {
    /// `start-datetime`.
    #[serde(rename = "start-datetime", serialize_with = "ser_time")]
    pub start: i64,
    /// `end-datetime`.
    #[serde(rename = "end-datetime", serialize_with = "ser_time")]
    pub end: i64,
}

impl DateRange {
    /// The UTC day holding `now` (unix seconds): `00:00:00` to `23:59:59`.
    pub fn utc_day(now: i64) -> DateRange {
        let start = now.div_euclid(86_400).saturating_mul(86_400);
        DateRange {
            start,
            end: start.saturating_add(86_399),
        }
    }

    /// The UTC day before the one holding `now`: the day a report sent at
    /// `now` covers (RFC 8460 §4.1 suggests full UTC days).
    pub fn previous_utc_day(now: i64) -> DateRange {
        DateRange::utc_day(now.saturating_sub(86_400))
    }
}

fn ser_time<S: Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    if !datetime::in_range(*t) {
        return Err(S::Error::custom("date-time outside years 0000-9999"));
    }
    s.serialize_str(&datetime::format(*t))
}

/// One entry of `policies`: a policy, its summary and its failures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyResult {
    /// `policy`.
    pub policy: Policy,
    /// `summary`.
    pub summary: Summary,
    /// `failure-details` (omitted when empty).
    #[serde(rename = "failure-details", skip_serializing_if = "Vec::is_empty")]
    pub failure_details: Vec<FailureDetail>,
}

/// `policy`: the policy that was applied.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Policy {
    /// `policy-type`.
    #[serde(rename = "policy-type")]
    pub policy_type: PolicyType,
    /// `policy-string`: the policy as lines (STS) or TLSA records.
    #[serde(rename = "policy-string", skip_serializing_if = "Vec::is_empty")]
    pub policy_string: Vec<String>,
    /// `policy-domain`.
    #[serde(rename = "policy-domain")]
    pub policy_domain: String,
    /// `mx-host`: MX host patterns the policy names.
    #[serde(rename = "mx-host", skip_serializing_if = "Vec::is_empty")]
    pub mx_host: Vec<String>,
}

/// `policy-type` (RFC 8460 §4.3.1.1). Other words are kept as given.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyType {
    /// `tlsa`: DANE.
    Tlsa,
    /// `sts`: MTA-STS.
    Sts,
    /// `no-policy-found`.
    NoPolicyFound,
    /// Any other word.
    Other(String),
}

impl PolicyType {
    /// The word as written in reports.
    pub fn as_str(&self) -> &str {
        match self {
            PolicyType::Tlsa => "tlsa",
            PolicyType::Sts => "sts",
            PolicyType::NoPolicyFound => "no-policy-found",
            PolicyType::Other(word) => word,
        }
    }

    /// The type a word names (exact, lower case).
    pub fn from_word(word: &str) -> PolicyType {
        match word {
            "tlsa" => PolicyType::Tlsa,
            "sts" => PolicyType::Sts,
            "no-policy-found" => PolicyType::NoPolicyFound,
            other => PolicyType::Other(other.into()),
        }
    }
}

impl Serialize for PolicyType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `summary`: session counts for the policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// `total-successful-session-count`.
    #[serde(rename = "total-successful-session-count")]
    pub total_successful_session_count: u64,
    /// `total-failure-session-count`.
    #[serde(rename = "total-failure-session-count")]
    pub total_failure_session_count: u64,
}

/// One entry of `failure-details`: failed sessions that share these facts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FailureDetail {
    /// `result-type`.
    #[serde(rename = "result-type")]
    pub result_type: ResultType,
    /// `sending-mta-ip`.
    #[serde(rename = "sending-mta-ip", skip_serializing_if = "Option::is_none")]
    pub sending_mta_ip: Option<IpAddr>,
    /// `receiving-mx-hostname`.
    #[serde(
        rename = "receiving-mx-hostname",
        skip_serializing_if = "Option::is_none"
    )]
    pub receiving_mx_hostname: Option<String>,
    /// `receiving-mx-helo`.
    #[serde(rename = "receiving-mx-helo", skip_serializing_if = "Option::is_none")]
    pub receiving_mx_helo: Option<String>,
    /// `receiving-ip`.
    #[serde(rename = "receiving-ip", skip_serializing_if = "Option::is_none")]
    pub receiving_ip: Option<IpAddr>,
    /// `failed-session-count`.
    #[serde(rename = "failed-session-count")]
    pub failed_session_count: u64,
    /// `additional-information`: a URI (kept as given).
    #[serde(
        rename = "additional-information",
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_information: Option<String>,
    /// `failure-reason-code`: free text.
    #[serde(
        rename = "failure-reason-code",
        skip_serializing_if = "Option::is_none"
    )]
    pub failure_reason_code: Option<String>,
}

impl FailureDetail {
    /// A detail with only its result type set and a count of zero.
    pub fn new(result_type: ResultType) -> FailureDetail {
        FailureDetail {
            result_type,
            sending_mta_ip: None,
            receiving_mx_hostname: None,
            receiving_mx_helo: None,
            receiving_ip: None,
            failed_session_count: 0,
            additional_information: None,
            failure_reason_code: None,
        }
    }
}

/// `result-type` (RFC 8460 §4.3). Other words are kept as given.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResultType {
    /// `starttls-not-supported`.
    StarttlsNotSupported,
    /// `certificate-host-mismatch`.
    CertificateHostMismatch,
    /// `certificate-expired`.
    CertificateExpired,
    /// `certificate-not-trusted`.
    CertificateNotTrusted,
    /// `validation-failure`.
    ValidationFailure,
    /// `tlsa-invalid`.
    TlsaInvalid,
    /// `dnssec-invalid`.
    DnssecInvalid,
    /// `dane-required`.
    DaneRequired,
    /// `sts-policy-fetch-error`.
    StsPolicyFetchError,
    /// `sts-policy-invalid`.
    StsPolicyInvalid,
    /// `sts-webpki-invalid`.
    StsWebpkiInvalid,
    /// Any other word.
    Other(String),
}

const RESULT_WORDS: [(ResultType, &str); 11] = [
    (ResultType::StarttlsNotSupported, "starttls-not-supported"),
    (
        ResultType::CertificateHostMismatch,
        "certificate-host-mismatch",
    ),
    (ResultType::CertificateExpired, "certificate-expired"),
    (ResultType::CertificateNotTrusted, "certificate-not-trusted"),
    (ResultType::ValidationFailure, "validation-failure"),
    (ResultType::TlsaInvalid, "tlsa-invalid"),
    (ResultType::DnssecInvalid, "dnssec-invalid"),
    (ResultType::DaneRequired, "dane-required"),
    (ResultType::StsPolicyFetchError, "sts-policy-fetch-error"),
    (ResultType::StsPolicyInvalid, "sts-policy-invalid"),
    (ResultType::StsWebpkiInvalid, "sts-webpki-invalid"),
];

impl ResultType {
    /// The word as written in reports.
    pub fn as_str(&self) -> &str {
        if let ResultType::Other(word) = self {
            return word;
        }
        RESULT_WORDS
            .iter()
            .find(|(t, _)| t == self)
            .map_or("", |(_, w)| w)
    }

    /// The type a word names (exact, lower case).
    pub fn from_word(word: &str) -> ResultType {
        RESULT_WORDS
            .iter()
            .find(|(_, w)| *w == word)
            .map_or_else(|| ResultType::Other(word.into()), |(t, _)| t.clone())
    }
}

impl Serialize for ResultType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Report {
    /// Reads through the tolerant reader with the default limits (but for
    /// the size and value count, see the module documentation).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        super::read::from_value(&value, &super::ReportLimits::default())
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for (t, w) in RESULT_WORDS.iter() {
            assert_eq!(t.as_str(), *w);
            assert_eq!(&ResultType::from_word(w), t);
        }
        assert_eq!(
            ResultType::from_word("Certificate-Expired"),
            ResultType::Other("Certificate-Expired".into())
        );
        for w in ["tlsa", "sts", "no-policy-found", "x-new"] {
            assert_eq!(PolicyType::from_word(w).as_str(), w);
        }
    }

    #[test]
    fn days() {
        assert_eq!(
            DateRange::utc_day(1_459_500_000),
            DateRange {
                start: 1_459_468_800,
                end: 1_459_555_199
            }
        );
        assert_eq!(
            DateRange::previous_utc_day(1_459_468_800).end,
            1_459_468_799
        );
        assert_eq!(DateRange::utc_day(-1).start, -86_400);
    }
}
