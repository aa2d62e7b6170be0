//! Report rows and `<policy_published>` from this crate's own verdicts, so
//! a receiver feeds its evaluations to [`super::AggregateReportBuilder`]
//! without mapping words by hand.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::IpAddr;

use super::EvaluationRecord;
use super::model::{
    AlignedResult, DiscoveryMethod, DkimAuthResult, DkimResult as ReportDkim, PolicyOverride,
    PolicyOverrideReason, PolicyPublished, SpfAuthResult, SpfResult as ReportSpf, SpfScope,
};
use crate::dkim::{DkimOutcome, DkimResult};
use crate::dmarc::{DmarcOutcome, DmarcRecord, DmarcResult, DmarcRules, Policy};
use crate::spf::{Identity, SpfOutcome, SpfResult};

impl EvaluationRecord {
    /// The row for one message: the client's address, the DMARC outcome
    /// and the SPF and DKIM outcomes it was computed from, and the
    /// recipient domain if the receiver reports it.
    ///
    /// The disposition is [`DmarcOutcome::disposition`]; when `t=y` or
    /// `pct` lowered the policy of a failing message, the override reason
    /// says so (`policy_test_mode` under RFC 9989, `sampled_out` under RFC
    /// 7489). A receiver that applied a local override (a trusted
    /// forwarder, a mailing list) changes `disposition` and adds its reason.
    pub fn from_outcomes(
        source_ip: IpAddr,
        dmarc: &DmarcOutcome,
        spf: Option<&SpfOutcome>,
        dkim: &[DkimOutcome],
        envelope_to: Option<&str>,
    ) -> EvaluationRecord {
        let aligned = |yes: bool| {
            if yes {
                AlignedResult::Pass
            } else {
                AlignedResult::Fail
            }
        };
        let mut reasons = Vec::new();
        if dmarc.result == DmarcResult::Fail && dmarc.policy_lowered {
            let kind = match dmarc.rules {
                DmarcRules::Rfc9989 => PolicyOverride::PolicyTestMode,
                DmarcRules::Rfc7489 => PolicyOverride::SampledOut,
            };
            reasons.push(PolicyOverrideReason {
                kind,
                comment: None,
            });
        }
        let spf_results = spf
            .map(|o| SpfAuthResult {
                domain: o.domain.clone(),
                scope: Some(match o.identity {
                    Identity::Helo => SpfScope::Helo,
                    Identity::MailFrom => SpfScope::Mfrom,
                }),
                result: spf_word(o.result),
                human_result: None,
            })
            .into_iter()
            .collect();
        let envelope_from = spf
            .filter(|o| o.identity == Identity::MailFrom)
            .map(|o| o.domain.clone());
        EvaluationRecord {
            source_ip,
            header_from: dmarc.author_domain.clone(),
            envelope_from,
            envelope_to: envelope_to.map(str::to_string),
            disposition: dmarc.disposition(),
            dkim_aligned_result: aligned(dmarc.dkim_aligned),
            spf_aligned_result: aligned(dmarc.spf_aligned),
            reasons,
            dkim_results: dkim
                .iter()
                .map(|o| DkimAuthResult {
                    domain: o.domain.clone(),
                    selector: (!o.selector.is_empty()).then(|| o.selector.clone()),
                    result: dkim_word(o.result),
                    human_result: (o.result != DkimResult::Pass).then(|| o.reason.to_string()),
                })
                .collect(),
            spf_results,
        }
    }
}

impl PolicyPublished {
    /// `<policy_published>` for the record an evaluation applied, found at
    /// `domain` under `rules`.
    pub fn from_record(domain: &str, record: &DmarcRecord, rules: DmarcRules) -> PolicyPublished {
        let fo: Vec<&str> = record.fo.iter().map(|o| o.as_str()).collect();
        PolicyPublished {
            domain: String::from(domain),
            discovery_method: Some(match rules {
                DmarcRules::Rfc9989 => DiscoveryMethod::Treewalk,
                DmarcRules::Rfc7489 => DiscoveryMethod::Psl,
            }),
            adkim: record.adkim,
            aspf: record.aspf,
            p: record.policy.unwrap_or(Policy::None),
            sp: record.subdomain_policy,
            np: record.nonexistent_policy,
            pct: record.pct,
            testing: record.testing,
            fo: (!fo.is_empty()).then(|| fo.join(":")),
        }
    }

    /// `<policy_published>` for an outcome that applied a record.
    pub fn from_outcome(outcome: &DmarcOutcome) -> Option<PolicyPublished> {
        let record = outcome.record.as_ref()?;
        let domain = outcome.policy_domain.as_deref()?;
        Some(PolicyPublished::from_record(domain, record, outcome.rules))
    }
}

fn spf_word(result: SpfResult) -> ReportSpf {
    match result {
        SpfResult::None => ReportSpf::None,
        SpfResult::Neutral => ReportSpf::Neutral,
        SpfResult::Pass => ReportSpf::Pass,
        SpfResult::Fail => ReportSpf::Fail,
        SpfResult::SoftFail => ReportSpf::SoftFail,
        SpfResult::TempError => ReportSpf::TempError,
        SpfResult::PermError => ReportSpf::from_word("permerror"),
    }
}

fn dkim_word(result: DkimResult) -> ReportDkim {
    ReportDkim::from_word(result.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmarc::report::{AggregateReportBuilder, DateRange, ReportFormat, ReportMetadata};
    use crate::dmarc::{DmarcConfig, DmarcEvaluator, DmarcInput, Identifier};
    use mailsec_dns::{MemoryResolver, Name, Record, Txt};

    fn outcome(record: &str, spf_pass: bool) -> DmarcOutcome {
        let mut zone = MemoryResolver::new();
        zone.add(
            Name::new("_dmarc.example.com").unwrap(),
            Record::Txt(Txt::from_bytes(record.as_bytes())),
        );
        let mut input = DmarcInput::new("example.com");
        input.spf = Some(Identifier {
            result: if spf_pass {
                SpfResult::Pass
            } else {
                SpfResult::Fail
            },
            domain: "example.com".into(),
        });
        let mut m = DmarcEvaluator::new(DmarcConfig::default(), input);
        mailsec_dns::drive(&mut m, &zone).unwrap()
    }

    #[test]
    fn rows_from_outcomes() {
        let out = outcome("v=DMARC1; p=reject; t=y; fo=1:d", false);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let row = EvaluationRecord::from_outcomes(ip, &out, None, &[], Some("example.net"));
        assert_eq!(row.disposition, Policy::Quarantine);
        assert_eq!(row.spf_aligned_result, AlignedResult::Fail);
        assert_eq!(row.reasons[0].kind, PolicyOverride::PolicyTestMode);
        assert_eq!(row.header_from, "example.com");
        let published = PolicyPublished::from_outcome(&out).unwrap();
        assert_eq!(published.p, Policy::Reject);
        assert_eq!(published.testing, Some(true));
        assert_eq!(published.fo.as_deref(), Some("1:d"));
        assert_eq!(published.discovery_method, Some(DiscoveryMethod::Treewalk));

        // Into a report and back out as XML.
        let meta = ReportMetadata {
            org_name: "receiver.example".into(),
            email: "dmarc@receiver.example".into(),
            extra_contact_info: None,
            report_id: "r1".into(),
            date_range: DateRange {
                begin: 0,
                end: 86_400,
            },
            errors: Vec::new(),
            generator: None,
        };
        let mut builder = AggregateReportBuilder::new(meta, published);
        builder.add(row.clone());
        builder.add(row);
        let passing = outcome("v=DMARC1; p=reject", true);
        builder.add(EvaluationRecord::from_outcomes(
            ip,
            &passing,
            None,
            &[],
            None,
        ));
        let report = builder.build();
        assert_eq!(report.records.len(), 2);
        assert_eq!(report.records[0].row.count + report.records[1].row.count, 3);
        let xml = report.to_xml(ReportFormat::Rfc9990);
        assert!(
            xml.contains("<disposition>quarantine</disposition>"),
            "{xml}"
        );
        assert!(xml.contains("policy_test_mode"), "{xml}");
    }
}
