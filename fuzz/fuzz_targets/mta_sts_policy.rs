//! MTA-STS policy bodies (RFC 8461 §3.2). Never panics; a policy that parses
//! renders to canonical text that parses to an equal policy; `max_age` stays
//! within the RFC maximum; MX matching on the input as a host never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts_core::sts::{MAX_MAX_AGE, MxPattern, Policy};

fuzz_target!(|data: &[u8]| {
    match Policy::parse_with_warnings(data) {
        Ok((p, _warnings)) => {
            assert!(p.max_age() <= MAX_MAX_AGE);
            let text = p.to_text();
            assert_eq!(Policy::parse(text.as_bytes()).as_ref(), Ok(&p));
            for m in p.mx() {
                assert!(MxPattern::parse(m.as_str()).is_ok());
                let host = m.as_str().replace('*', "x");
                assert!(p.mx_matches(&host));
            }
        }
        Err(_) => {}
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(pattern) = MxPattern::parse(text) {
            let _ = pattern.matches(text);
        }
        let p = MxPattern::parse("*.example.com").ok();
        if let Some(p) = p {
            let _ = p.matches(text);
        }
    }
});
