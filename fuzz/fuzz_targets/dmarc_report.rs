//! DMARC aggregate reports: arbitrary bytes go through decompression (gzip,
//! zip or plain) and the XML reader under small limits; no panic, no
//! unbounded work. A report that reads is written in both formats and read
//! again: the RFC 9990 writing must read back equal (the version becomes
//! 1.0 and `pct` is dropped), and each writing must be stable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mail_auth_core::dmarc::report::{ReportFormat, ReportLimits, parse_report, parse_report_xml};

const LIMITS: ReportLimits = ReportLimits {
    max_xml_size: 256 * 1024,
    max_records: 64,
    max_depth: 16,
    max_text_len: 1024,
    max_list_items: 16,
    max_zip_entries: 4,
};

fuzz_target!(|data: &[u8]| {
    let Ok(report) = parse_report(data, &LIMITS) else {
        return;
    };
    let roomy = ReportLimits::default();
    let xml = report.to_xml(ReportFormat::Rfc9990);
    let again = parse_report_xml(xml.as_bytes(), &roomy).expect("our RFC 9990 output reads");
    let mut expected = report.clone();
    expected.version = Some("1.0".into());
    expected.policy_published.pct = None;
    assert_eq!(again, expected, "RFC 9990 round trip\n{xml}");
    assert_eq!(again.to_xml(ReportFormat::Rfc9990), xml);

    let xml = report.to_xml(ReportFormat::Rfc7489);
    let again = parse_report_xml(xml.as_bytes(), &roomy).expect("our RFC 7489 output reads");
    assert_eq!(again.to_xml(ReportFormat::Rfc7489), xml);
    assert_eq!(again.records.len(), report.records.len());
});
