//! The DKIM-Signature tag-list parser on arbitrary bytes: a value or a typed
//! error, never a panic; a parsed `b=` range lies inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mail_auth_core::dkim::DkimSignature;

fuzz_target!(|data: &[u8]| {
    if let Ok(sig) = DkimSignature::parse(data) {
        assert!(sig.signature_value_range.end <= data.len());
        assert!(!sig.signed_headers.is_empty());
    }
});
