//! CMS SignedData decoding and SignerInfo verification on arbitrary bytes:
//! `content_kind`, `SignedData::from_ber`, then for every signer the
//! certificate lookup and the signature check over the message's own
//! content. None of it may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smime_core::{AlgorithmPolicy, SignedData, content_kind};

fuzz_target!(|data: &[u8]| {
    let _ = content_kind(data);
    let Ok(sd) = SignedData::from_ber(data) else {
        return;
    };
    let content = sd.econtent.clone().unwrap_or_default();
    let policy = AlgorithmPolicy::legacy();
    for si in &sd.signers {
        if let Some(cert) = si.find_certificate(&sd.certificates) {
            let _ = si.verify(cert, &content, &sd.econtent_type, &policy);
        }
    }
});
