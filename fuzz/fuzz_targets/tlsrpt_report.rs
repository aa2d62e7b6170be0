//! TLS reports: arbitrary bytes go through gzip detection and bounded
//! decompression, then the tolerant JSON reader, under small limits; no
//! panic, no unbounded work. A report that reads is written as JSON and
//! read again: it must read back equal, and the writing must be stable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts_core::tlsrpt::{ReportLimits, parse_report, parse_report_json};

const LIMITS: ReportLimits = ReportLimits {
    max_json_size: 256 * 1024,
    max_json_values: 4_096,
    max_policies: 16,
    max_failure_details: 64,
    max_list_items: 16,
    max_string_len: 1024,
};

fuzz_target!(|data: &[u8]| {
    let Ok(report) = parse_report(data, &LIMITS) else {
        return;
    };
    let json = report.to_json().expect("a report read can be written");
    let again =
        parse_report_json(json.as_bytes(), &ReportLimits::default()).expect("our JSON reads");
    assert_eq!(again, report, "round trip\n{json}");
    assert_eq!(again.to_json().expect("written again"), json);
});
