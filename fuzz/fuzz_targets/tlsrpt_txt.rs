//! The `_smtp._tls` record-set parser: arbitrary bytes, split into records
//! at NUL, go through the §3 record-set rule and the record parser; no
//! panic. A record that parses lists URIs that are non-empty, and its usable
//! URIs are `mailto:` or `https:`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts_core::tlsrpt::{UriKind, parse_record, parse_record_set};

fuzz_target!(|data: &[u8]| {
    let _ = parse_record(data);
    let records: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    if let Ok(record) = parse_record_set(&records) {
        assert!(!record.rua.is_empty());
        for uri in record.usable_rua() {
            assert!(matches!(uri.kind(), UriKind::Mailto | UriKind::Https));
            assert!(!uri.as_str().is_empty());
        }
    }
});
