//! `_mta-sts` TXT records (RFC 8461 §3.1): one record, and a record set split
//! at NUL bytes. Never panics; a record that parses has a valid id and starts
//! with `v=STSv1`; the set rule keeps exactly one `v=STSv1;` record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts_core::sts::StsRecord;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = StsRecord::parse(data) {
        assert!(data.starts_with(b"v=STSv1"));
        assert!((1..=32).contains(&r.id().len()));
        assert!(r.id().bytes().all(|b| b.is_ascii_alphanumeric()));
    }
    let set: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    if let Ok(r) = StsRecord::from_set(set.iter().copied()) {
        let kept: Vec<&&[u8]> = set.iter().filter(|s| s.starts_with(b"v=STSv1;")).collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(StsRecord::parse(kept[0]).ok(), Some(r));
    }
});
