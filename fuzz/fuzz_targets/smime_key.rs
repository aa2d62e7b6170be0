//! Arbitrary bytes as a private key file (PEM or DER: PKCS#8, PKCS#1,
//! SEC1): reading never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smime_core::SigningKey;

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = SigningKey::from_pem(data) {
        let _ = key.kind();
    }
    let _ = SigningKey::from_der(data);
});
