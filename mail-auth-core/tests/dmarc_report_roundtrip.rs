//! Round trips of aggregate reports: generated reports are written (RFC 9990
//! and RFC 7489 shapes, plain, gzip and zip) and read back equal, up to what
//! each format leaves out.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write as _;
use std::net::IpAddr;

use mail_auth_core::dmarc::report::{
    AggregateReport, AlignedResult, AuthResults, DateRange, DiscoveryMethod, DkimAuthResult,
    DkimResult, Identifiers, PolicyEvaluated, PolicyOverride, PolicyOverrideReason,
    PolicyPublished, Record, ReportFormat, ReportLimits, ReportMetadata, Row, SpfAuthResult,
    SpfResult, SpfScope, parse_report, parse_report_xml,
};
use mail_auth_core::dmarc::{AlignmentMode, Policy};
use proptest::prelude::*;

/// Text the reader gives back unchanged: XML characters, no white space at
/// either end (values are trimmed), markup characters and CR included.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 .@&<>'\"\r\n\t;é€😀_-]{0,16}".prop_map(|s| {
        s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
            .to_string()
    })
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text()).prop_map(|t| t.filter(|t| !t.is_empty()))
}

/// A word no schema lists.
fn unknown_word() -> impl Strategy<Value = String> {
    "x-[a-z]{1,8}"
}

fn policy() -> impl Strategy<Value = Policy> {
    prop_oneof![
        Just(Policy::None),
        Just(Policy::Quarantine),
        Just(Policy::Reject)
    ]
}

fn mode() -> impl Strategy<Value = AlignmentMode> {
    prop_oneof![Just(AlignmentMode::Relaxed), Just(AlignmentMode::Strict)]
}

fn aligned() -> impl Strategy<Value = AlignedResult> {
    prop_oneof![
        Just(AlignedResult::Pass),
        Just(AlignedResult::Fail),
        unknown_word().prop_map(AlignedResult::Other)
    ]
}

fn dkim_result() -> impl Strategy<Value = DkimResult> {
    prop_oneof![
        Just(DkimResult::None),
        Just(DkimResult::Pass),
        Just(DkimResult::Fail),
        Just(DkimResult::Policy),
        Just(DkimResult::Neutral),
        Just(DkimResult::TempError),
        Just(DkimResult::PermError),
        unknown_word().prop_map(DkimResult::Other)
    ]
}

fn spf_result() -> impl Strategy<Value = SpfResult> {
    prop_oneof![
        Just(SpfResult::None),
        Just(SpfResult::Neutral),
        Just(SpfResult::Pass),
        Just(SpfResult::Fail),
        Just(SpfResult::SoftFail),
        Just(SpfResult::TempError),
        Just(SpfResult::PermError),
        unknown_word().prop_map(SpfResult::Other)
    ]
}

fn reason() -> impl Strategy<Value = PolicyOverrideReason> {
    let kind = prop_oneof![
        Just(PolicyOverride::Forwarded),
        Just(PolicyOverride::SampledOut),
        Just(PolicyOverride::TrustedForwarder),
        Just(PolicyOverride::MailingList),
        Just(PolicyOverride::LocalPolicy),
        Just(PolicyOverride::PolicyTestMode),
        Just(PolicyOverride::Other("other".into())),
        unknown_word().prop_map(PolicyOverride::Other)
    ];
    (kind, opt_text()).prop_map(|(kind, comment)| PolicyOverrideReason { kind, comment })
}

fn record() -> impl Strategy<Value = Record> {
    let dkim = (text(), opt_text(), dkim_result(), opt_text()).prop_map(
        |(domain, selector, result, human_result)| DkimAuthResult {
            domain,
            selector,
            result,
            human_result,
        },
    );
    let scope = prop::option::of(prop_oneof![
        Just(SpfScope::Helo),
        Just(SpfScope::Mfrom),
        unknown_word().prop_map(SpfScope::Other)
    ]);
    let spf = (text(), scope, spf_result(), opt_text()).prop_map(
        |(domain, scope, result, human_result)| SpfAuthResult {
            domain,
            scope,
            result,
            human_result,
        },
    );
    (
        any::<IpAddr>(),
        any::<u64>(),
        (
            policy(),
            aligned(),
            aligned(),
            prop::collection::vec(reason(), 0..3),
        ),
        (opt_text(), opt_text(), text()),
        prop::collection::vec(dkim, 0..3),
        prop::collection::vec(spf, 0..3),
    )
        .prop_map(
            |(source_ip, count, (disposition, dkim, spf, reasons), ids, dkims, spfs)| Record {
                row: Row {
                    source_ip,
                    count,
                    policy_evaluated: PolicyEvaluated {
                        disposition,
                        dkim,
                        spf,
                        reasons,
                    },
                },
                identifiers: Identifiers {
                    envelope_to: ids.0,
                    envelope_from: ids.1,
                    header_from: ids.2,
                },
                auth_results: AuthResults {
                    dkim: dkims,
                    spf: spfs,
                },
            },
        )
}

fn report() -> impl Strategy<Value = AggregateReport> {
    let metadata = (
        (text(), text(), opt_text(), text()),
        (any::<u64>(), any::<u64>()),
        prop::collection::vec(text(), 0..3),
        opt_text(),
    )
        .prop_map(
            |(
                (org_name, email, extra_contact_info, report_id),
                (begin, end),
                errors,
                generator,
            )| {
                ReportMetadata {
                    org_name,
                    email,
                    extra_contact_info,
                    report_id,
                    date_range: DateRange { begin, end },
                    errors,
                    generator,
                }
            },
        );
    let discovery = prop::option::of(prop_oneof![
        Just(DiscoveryMethod::Psl),
        Just(DiscoveryMethod::Treewalk),
        unknown_word().prop_map(DiscoveryMethod::Other)
    ]);
    let policy_published = (
        (
            text(),
            discovery,
            prop::option::of(mode()),
            prop::option::of(mode()),
        ),
        (
            policy(),
            prop::option::of(policy()),
            prop::option::of(policy()),
        ),
        (
            prop::option::of(0u8..=100),
            prop::option::of(any::<bool>()),
            opt_text(),
        ),
    )
        .prop_map(
            |((domain, discovery_method, adkim, aspf), (p, sp, np), (pct, testing, fo))| {
                PolicyPublished {
                    domain,
                    discovery_method,
                    adkim,
                    aspf,
                    p,
                    sp,
                    np,
                    pct,
                    testing,
                    fo,
                }
            },
        );
    (
        prop::option::of(Just("1.0".to_string())),
        metadata,
        policy_published,
        prop::collection::vec(record(), 0..6),
    )
        .prop_map(
            |(version, metadata, policy_published, records)| AggregateReport {
                version,
                metadata,
                policy_published,
                records,
            },
        )
}

/// What a format keeps of a report.
fn as_written(report: &AggregateReport, format: ReportFormat) -> AggregateReport {
    let mut r = report.clone();
    match format {
        ReportFormat::Rfc9990 => {
            r.version = Some("1.0".into());
            r.policy_published.pct = None;
        }
        ReportFormat::Rfc7489 => {
            r.metadata.generator = None;
            r.policy_published.discovery_method = None;
            r.policy_published.np = None;
            r.policy_published.testing = None;
            for record in &mut r.records {
                for spf in &mut record.auth_results.spf {
                    spf.human_result = None;
                }
            }
        }
    }
    r
}

fn zip_of(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    zip.start_file(
        name,
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated),
    )
    .unwrap();
    zip.write_all(bytes).unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn written_reports_read_back_equal(report in report()) {
        let limits = ReportLimits::default();
        for format in [ReportFormat::Rfc9990, ReportFormat::Rfc7489] {
            let expected = as_written(&report, format);
            let xml = report.to_xml(format);
            let parsed = parse_report_xml(xml.as_bytes(), &limits)
                .unwrap_or_else(|e| panic!("{e}\n{xml}"));
            prop_assert_eq!(&parsed, &expected, "{}", xml);
            // Writing what was read gives the same document.
            prop_assert_eq!(parsed.to_xml(format), xml);
        }
    }

    #[test]
    fn compressed_reports_read_back_equal(report in report()) {
        let limits = ReportLimits::default();
        let expected = as_written(&report, ReportFormat::Rfc9990);
        let gz = report.to_gzip(ReportFormat::Rfc9990).unwrap();
        prop_assert_eq!(&parse_report(&gz, &limits).unwrap(), &expected);
        let zip = zip_of("report.xml", report.to_xml(ReportFormat::Rfc9990).as_bytes());
        prop_assert_eq!(&parse_report(&zip, &limits).unwrap(), &expected);
    }
}

#[test]
fn rfc9990_output_has_the_namespace_and_version() {
    let report = AggregateReport {
        version: None,
        metadata: ReportMetadata {
            org_name: "Receiver".into(),
            report_id: "1".into(),
            ..ReportMetadata::default()
        },
        policy_published: PolicyPublished {
            pct: Some(50),
            np: Some(Policy::Reject),
            ..PolicyPublished::new("example.com", Policy::Quarantine)
        },
        records: Vec::new(),
    };
    let xml = report.to_xml(ReportFormat::Rfc9990);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">\n  <version>1.0</version>\n"));
    assert!(xml.contains("<np>reject</np>"));
    assert!(!xml.contains("<pct>"));
    let xml = report.to_xml(ReportFormat::Rfc7489);
    assert!(xml.contains("<feedback>\n  <report_metadata>"));
    assert!(xml.contains("<pct>50</pct>"));
    assert!(!xml.contains("<np>"));
    assert!(!xml.contains("<version>"));
}
