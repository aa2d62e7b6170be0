//! Gathering sessions into a report: successes and failures counted per
//! policy, failures grouped into `failure-details` entries.
//!
//! A policy is told apart by all of its fields (type, policy strings,
//! domain, MX patterns); a failure-detail entry by all of its fields but the
//! count (result type, sending MTA IP, receiving MX host name and HELO,
//! receiving IP, additional information, reason code).
//!
//! # Limits
//!
//! At most `max_policies` distinct policies (default
//! [`DEFAULT_MAX_POLICY_ENTRIES`]): a session for one more is refused and
//! counted nowhere. At most `max_detail_entries` distinct failure-detail
//! entries in all (default [`DEFAULT_MAX_DETAIL_ENTRIES`]): past that a
//! failure still counts in its policy's `total-failure-session-count`, but
//! gets no entry of its own (`failure-details` is optional, and the summary
//! stays exact). Counts saturate at `u64::MAX`.
//!
//! # Not here
//!
//! Storing sessions between runs, and when to send: the caller keeps one
//! builder per policy domain and period, and calls
//! [`ReportBuilder::build`] with the period's [`DateRange`] (for instance
//! [`DateRange::previous_utc_day`] of the time it sends).

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use super::model::{DateRange, FailureDetail, Policy, PolicyResult, Report, Summary};

/// Default most distinct policies in one report.
pub const DEFAULT_MAX_POLICY_ENTRIES: usize = 100;
/// Default most distinct failure-detail entries in one report.
pub const DEFAULT_MAX_DETAIL_ENTRIES: usize = 1_000;

/// What became of one recorded session (or batch of sessions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Counted, with its failure detail if it is a failure.
    Counted,
    /// A failure counted in its policy's summary, without a detail entry:
    /// the cap on distinct entries was reached.
    CountedWithoutDetail,
    /// Not counted: the cap on distinct policies was reached.
    Refused,
}

/// The parts of a report that do not come from sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportHeader {
    /// `organization-name`.
    pub organization_name: String,
    /// `contact-info`.
    pub contact_info: String,
    /// `report-id`.
    pub report_id: String,
}

#[derive(Debug, Clone)]
struct Entry {
    policy: Policy,
    summary: Summary,
    details: Vec<FailureDetail>,
}

/// Counts sessions into a [`Report`].
#[derive(Debug, Clone)]
pub struct ReportBuilder {
    entries: Vec<Entry>,
    policy_index: BTreeMap<Policy, usize>,
    /// Key: the policy's index and the detail with a zero count.
    detail_index: BTreeMap<(usize, FailureDetail), usize>,
    max_policies: usize,
    max_detail_entries: usize,
    details_folded: u64,
}

impl Default for ReportBuilder {
    fn default() -> Self {
        ReportBuilder::new()
    }
}

impl ReportBuilder {
    /// A builder with the default caps.
    pub fn new() -> ReportBuilder {
        ReportBuilder::with_limits(DEFAULT_MAX_POLICY_ENTRIES, DEFAULT_MAX_DETAIL_ENTRIES)
    }

    /// A builder with these caps on distinct policies and distinct
    /// failure-detail entries.
    pub fn with_limits(max_policies: usize, max_detail_entries: usize) -> ReportBuilder {
        ReportBuilder {
            entries: Vec::new(),
            policy_index: BTreeMap::new(),
            detail_index: BTreeMap::new(),
            max_policies,
            max_detail_entries,
            details_folded: 0,
        }
    }

    fn entry(&mut self, policy: &Policy) -> Option<usize> {
        if let Some(&i) = self.policy_index.get(policy) {
            return Some(i);
        }
        if self.entries.len() >= self.max_policies {
            return None;
        }
        let i = self.entries.len();
        self.entries.push(Entry {
            policy: policy.clone(),
            summary: Summary::default(),
            details: Vec::new(),
        });
        self.policy_index.insert(policy.clone(), i);
        Some(i)
    }

    /// Counts `sessions` successful sessions under `policy`.
    pub fn record_success(&mut self, policy: &Policy, sessions: u64) -> Recorded {
        let Some(i) = self.entry(policy) else {
            return Recorded::Refused;
        };
        if let Some(e) = self.entries.get_mut(i) {
            let s = &mut e.summary.total_successful_session_count;
            *s = s.saturating_add(sessions);
        }
        Recorded::Counted
    }

    /// Counts failed sessions under `policy`: `failure.failed_session_count`
    /// of them (usually 1), sharing the other fields of `failure`.
    pub fn record_failure(&mut self, policy: &Policy, failure: &FailureDetail) -> Recorded {
        let Some(i) = self.entry(policy) else {
            return Recorded::Refused;
        };
        let sessions = failure.failed_session_count;
        let mut key = failure.clone();
        key.failed_session_count = 0;
        let existing = self.detail_index.get(&(i, key.clone())).copied();
        let room = self.detail_index.len() < self.max_detail_entries;
        let Some(entry) = self.entries.get_mut(i) else {
            return Recorded::Refused;
        };
        let total = &mut entry.summary.total_failure_session_count;
        *total = total.saturating_add(sessions);
        match existing {
            Some(j) => {
                if let Some(d) = entry.details.get_mut(j) {
                    d.failed_session_count = d.failed_session_count.saturating_add(sessions);
                }
                Recorded::Counted
            }
            None if room => {
                let j = entry.details.len();
                let mut detail = key.clone();
                detail.failed_session_count = sessions;
                entry.details.push(detail);
                self.detail_index.insert((i, key), j);
                Recorded::Counted
            }
            None => {
                self.details_folded = self.details_folded.saturating_add(sessions);
                Recorded::CountedWithoutDetail
            }
        }
    }

    /// Failed sessions counted without a detail entry so far.
    pub fn details_folded(&self) -> u64 {
        self.details_folded
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The report for `range`: policies and details in the order they were
    /// first seen.
    pub fn build(self, header: ReportHeader, range: DateRange) -> Report {
        Report {
            organization_name: header.organization_name,
            date_range: range,
            contact_info: header.contact_info,
            report_id: header.report_id,
            policies: self
                .entries
                .into_iter()
                .map(|e| PolicyResult {
                    policy: e.policy,
                    summary: e.summary,
                    failure_details: e.details,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlsrpt::{PolicyType, ResultType};

    fn sts(domain: &str) -> Policy {
        Policy {
            policy_type: PolicyType::Sts,
            policy_string: vec!["version: STSv1".into(), "mode: enforce".into()],
            policy_domain: domain.into(),
            mx_host: vec!["mx.example".into()],
        }
    }

    fn failure(result: ResultType, ip: &str) -> FailureDetail {
        let mut d = FailureDetail::new(result);
        d.sending_mta_ip = Some(ip.parse().unwrap());
        d.failed_session_count = 1;
        d
    }

    fn header() -> ReportHeader {
        ReportHeader {
            organization_name: "Org".into(),
            contact_info: "tls@org.example".into(),
            report_id: "r1".into(),
        }
    }

    #[test]
    fn counts_per_policy_and_detail() {
        let mut b = ReportBuilder::new();
        let p = sts("example.com");
        assert_eq!(b.record_success(&p, 3), Recorded::Counted);
        b.record_success(&p, 2);
        let f = failure(ResultType::CertificateExpired, "192.0.2.1");
        b.record_failure(&p, &f);
        b.record_failure(&p, &f);
        b.record_failure(&p, &failure(ResultType::CertificateExpired, "192.0.2.2"));
        let mut other = p.clone();
        other.mx_host.push("mx2.example".into());
        b.record_failure(&other, &f);
        let r = b.build(header(), DateRange::utc_day(0));
        assert_eq!(r.policies.len(), 2);
        let first = &r.policies[0];
        assert_eq!(first.summary.total_successful_session_count, 5);
        assert_eq!(first.summary.total_failure_session_count, 3);
        assert_eq!(first.failure_details.len(), 2);
        assert_eq!(first.failure_details[0].failed_session_count, 2);
        assert_eq!(first.failure_details[1].failed_session_count, 1);
        assert_eq!(r.policies[1].summary.total_failure_session_count, 1);
        assert_eq!(r.policies[1].summary.total_successful_session_count, 0);
    }

    #[test]
    fn caps() {
        let mut b = ReportBuilder::with_limits(1, 2);
        let p = sts("example.com");
        for i in 0..4u8 {
            let f = failure(ResultType::ValidationFailure, &format!("192.0.2.{i}"));
            let expected = if i < 2 {
                Recorded::Counted
            } else {
                Recorded::CountedWithoutDetail
            };
            assert_eq!(b.record_failure(&p, &f), expected);
        }
        // An entry already present still counts after the cap.
        let f = failure(ResultType::ValidationFailure, "192.0.2.0");
        assert_eq!(b.record_failure(&p, &f), Recorded::Counted);
        assert_eq!(
            b.record_success(&sts("other.example"), 1),
            Recorded::Refused
        );
        assert_eq!(b.details_folded(), 2);
        let r = b.build(header(), DateRange::utc_day(0));
        assert_eq!(r.policies[0].summary.total_failure_session_count, 5);
        assert_eq!(r.policies[0].failure_details.len(), 2);
        assert_eq!(r.policies[0].failure_details[0].failed_session_count, 2);
    }

    #[test]
    fn saturates() {
        let mut b = ReportBuilder::new();
        let p = sts("example.com");
        b.record_success(&p, u64::MAX);
        b.record_success(&p, 1);
        let r = b.build(header(), DateRange::utc_day(0));
        assert_eq!(
            r.policies[0].summary.total_successful_session_count,
            u64::MAX
        );
    }
}
