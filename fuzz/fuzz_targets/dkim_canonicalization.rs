//! Body and header canonicalization on arbitrary bytes: never a panic, the
//! streaming body canonicalizer gives the same bytes for every split of the
//! input, and canonicalizing canonical output changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mail_auth_core::dkim::{Canonicalization, canonical_body, canonical_body_chunked, canonical_header};

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    for c in [Canonicalization::Simple, Canonicalization::Relaxed] {
        let whole = canonical_body(c, rest);
        let at = usize::from(split).min(rest.len());
        let (a, b) = rest.split_at(at);
        assert_eq!(whole, canonical_body_chunked(c, &[a, b]));
        // Every byte on its own.
        let bytes: Vec<&[u8]> = rest.chunks(1).collect();
        assert_eq!(whole, canonical_body_chunked(c, &bytes));
        assert_eq!(canonical_body(c, &whole), whole, "canonical bodies are fixed points");
        let _ = canonical_header(c, rest);
    }
});
