//! Builds the report a receiver sends: evaluations go in one by one, and
//! identical ones become one row with a count.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::net::IpAddr;

use super::model::{
    AggregateReport, AlignedResult, AuthResults, DkimAuthResult, Identifiers, PolicyEvaluated,
    PolicyOverrideReason, PolicyPublished, Record, ReportMetadata, Row, SpfAuthResult,
};
use crate::dmarc::Policy;

/// Default [`AggregateReportBuilder::with_max_rows`].
pub const DEFAULT_MAX_ROWS: usize = 100_000;

/// What a receiver knows about one evaluated message, as the report needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationRecord {
    /// The connecting client's address.
    pub source_ip: IpAddr,
    /// The RFC 5322 From domain.
    pub header_from: String,
    /// The RFC 5321 MAIL FROM domain, when known.
    pub envelope_from: Option<String>,
    /// The RFC 5321 recipient domain, when the receiver reports it.
    pub envelope_to: Option<String>,
    /// The policy applied.
    pub disposition: Policy,
    /// The DMARC-aligned DKIM result.
    pub dkim_aligned_result: AlignedResult,
    /// The DMARC-aligned SPF result.
    pub spf_aligned_result: AlignedResult,
    /// Why the disposition differs from the policy.
    pub reasons: Vec<PolicyOverrideReason>,
    /// The DKIM signatures checked.
    pub dkim_results: Vec<DkimAuthResult>,
    /// The SPF checks made.
    pub spf_results: Vec<SpfAuthResult>,
}

/// The row an evaluation falls in: the record less its count.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RowKey {
    source_ip: IpAddr,
    disposition: Policy,
    dkim: AlignedResult,
    spf: AlignedResult,
    reasons: Vec<PolicyOverrideReason>,
    envelope_to: Option<String>,
    envelope_from: Option<String>,
    header_from: String,
    dkim_results: Vec<DkimAuthResult>,
    spf_results: Vec<SpfAuthResult>,
}

/// Accumulates evaluations into an [`AggregateReport`]. Identical
/// evaluations (every field equal) share a row whose `count` grows. The
/// number of distinct rows is capped ([`DEFAULT_MAX_ROWS`] unless set with
/// [`with_max_rows`](Self::with_max_rows)): an evaluation that would open a
/// row past the cap is counted in [`overflow`](Self::overflow) and not
/// reported, and [`build`](Self::build) says so in an `<error>` element.
/// Rows come out ordered by their fields, so a report is reproducible.
#[derive(Debug, Clone)]
pub struct AggregateReportBuilder {
    metadata: ReportMetadata,
    policy_published: PolicyPublished,
    rows: BTreeMap<RowKey, u64>,
    max_rows: usize,
    overflow: u64,
}

impl AggregateReportBuilder {
    /// A builder for the report described by `metadata` about the record
    /// `policy_published`.
    pub fn new(metadata: ReportMetadata, policy_published: PolicyPublished) -> Self {
        AggregateReportBuilder {
            metadata,
            policy_published,
            rows: BTreeMap::new(),
            max_rows: DEFAULT_MAX_ROWS,
            overflow: 0,
        }
    }

    /// Sets the cap on distinct rows.
    #[must_use]
    pub fn with_max_rows(mut self, max_rows: usize) -> Self {
        self.max_rows = max_rows;
        self
    }

    /// Counts one evaluated message.
    pub fn add(&mut self, evaluation: EvaluationRecord) {
        let key = RowKey {
            source_ip: evaluation.source_ip,
            disposition: evaluation.disposition,
            dkim: evaluation.dkim_aligned_result,
            spf: evaluation.spf_aligned_result,
            reasons: evaluation.reasons,
            envelope_to: evaluation.envelope_to,
            envelope_from: evaluation.envelope_from,
            header_from: evaluation.header_from,
            dkim_results: evaluation.dkim_results,
            spf_results: evaluation.spf_results,
        };
        if let Some(count) = self.rows.get_mut(&key) {
            *count = count.saturating_add(1);
        } else if self.rows.len() < self.max_rows {
            self.rows.insert(key, 1);
        } else {
            self.overflow = self.overflow.saturating_add(1);
        }
    }

    /// How many distinct rows there are.
    pub fn rows(&self) -> usize {
        self.rows.len()
    }

    /// How many messages were left out because the row cap was reached.
    pub fn overflow(&self) -> u64 {
        self.overflow
    }

    /// The report (RFC 9990 `version` 1.0).
    pub fn build(self) -> AggregateReport {
        let mut metadata = self.metadata;
        if self.overflow > 0 {
            metadata.errors.push(format!(
                "{} messages not reported: more than {} distinct rows",
                self.overflow, self.max_rows
            ));
        }
        let records = self
            .rows
            .into_iter()
            .map(|(key, count)| Record {
                row: Row {
                    source_ip: key.source_ip,
                    count,
                    policy_evaluated: PolicyEvaluated {
                        disposition: key.disposition,
                        dkim: key.dkim,
                        spf: key.spf,
                        reasons: key.reasons,
                    },
                },
                identifiers: Identifiers {
                    envelope_to: key.envelope_to,
                    envelope_from: key.envelope_from,
                    header_from: key.header_from,
                },
                auth_results: AuthResults {
                    dkim: key.dkim_results,
                    spf: key.spf_results,
                },
            })
            .collect();
        AggregateReport {
            version: Some(String::from("1.0")),
            metadata,
            policy_published: self.policy_published,
            records,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmarc::report::{DkimResult, SpfResult, SpfScope};

    fn evaluation(ip: &str, dkim: AlignedResult) -> EvaluationRecord {
        EvaluationRecord {
            source_ip: ip.parse().unwrap(),
            header_from: "example.com".into(),
            envelope_from: Some("example.com".into()),
            envelope_to: None,
            disposition: Policy::None,
            dkim_aligned_result: dkim,
            spf_aligned_result: AlignedResult::Pass,
            reasons: Vec::new(),
            dkim_results: vec![DkimAuthResult {
                domain: "example.com".into(),
                selector: Some("s1".into()),
                result: DkimResult::Pass,
                human_result: None,
            }],
            spf_results: vec![SpfAuthResult {
                domain: "example.com".into(),
                scope: Some(SpfScope::Mfrom),
                result: SpfResult::Pass,
                human_result: None,
            }],
        }
    }

    fn builder() -> AggregateReportBuilder {
        AggregateReportBuilder::new(
            ReportMetadata::default(),
            PolicyPublished::new("example.com", Policy::Reject),
        )
    }

    #[test]
    fn identical_evaluations_share_a_row() {
        let mut b = builder();
        for _ in 0..3 {
            b.add(evaluation("192.0.2.1", AlignedResult::Pass));
        }
        b.add(evaluation("192.0.2.1", AlignedResult::Fail));
        b.add(evaluation("2001:db8::1", AlignedResult::Pass));
        assert_eq!(b.rows(), 3);
        let report = b.build();
        let counts: Vec<(String, AlignedResult, u64)> = report
            .records
            .iter()
            .map(|r| {
                (
                    r.row.source_ip.to_string(),
                    r.row.policy_evaluated.dkim.clone(),
                    r.row.count,
                )
            })
            .collect();
        assert_eq!(
            counts,
            vec![
                ("192.0.2.1".into(), AlignedResult::Pass, 3),
                ("192.0.2.1".into(), AlignedResult::Fail, 1),
                ("2001:db8::1".into(), AlignedResult::Pass, 1),
            ]
        );
        assert!(report.metadata.errors.is_empty());
    }

    #[test]
    fn rows_past_the_cap_are_counted_not_kept() {
        let mut b = builder().with_max_rows(2);
        b.add(evaluation("192.0.2.1", AlignedResult::Pass));
        b.add(evaluation("192.0.2.2", AlignedResult::Pass));
        b.add(evaluation("192.0.2.3", AlignedResult::Pass));
        b.add(evaluation("192.0.2.3", AlignedResult::Pass));
        // An existing row still counts after the cap.
        b.add(evaluation("192.0.2.1", AlignedResult::Pass));
        assert_eq!((b.rows(), b.overflow()), (2, 2));
        let report = b.build();
        assert_eq!(report.records.len(), 2);
        assert_eq!(report.records[0].row.count, 2);
        assert_eq!(
            report.metadata.errors,
            vec!["2 messages not reported: more than 2 distinct rows".to_string()]
        );
    }
}
