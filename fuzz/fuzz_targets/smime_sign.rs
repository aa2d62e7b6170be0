//! The signing path fed arbitrary messages: `sign_message` never panics,
//! and whatever it returns verifies (valid signature, valid chain to the
//! sample CA) and hands back a signed entity.
#![no_main]

use std::convert::Infallible;

use libfuzzer_sys::fuzz_target;
use smime_core::{
    Certificate, ChainStatus, SignForm, SignOptions, SignatureStatus, Signer, SigningKey,
    TrustInputs, VerifyOptions, sign_message, verify_message,
};

const CA: &[u8] = include_bytes!("../../smime-core/samples/ca.pem");
const ED25519_KEY: &[u8] = include_bytes!("../../smime-core/samples/merchant-ed25519.key");
const ED25519_CERT: &[u8] = include_bytes!("../../smime-core/samples/merchant-ed25519.pem");
const P256_KEY: &[u8] = include_bytes!("../../smime-core/samples/merchant-p256.key");
const P256_CERT: &[u8] = include_bytes!("../../smime-core/samples/merchant-p256.pem");
const NOW: u64 = 1_800_000_000;

/// A deterministic generator (xorshift): enough for fuzzing, never for keys.
struct TestRng(u64);

impl rand_core::TryRng for TestRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Ok(self.0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for TestRng {}

fn signer(key: &[u8], cert: &[u8]) -> Signer {
    let key = SigningKey::from_pem(key).expect("sample key");
    let cert = Certificate::from_pem(cert).expect("sample certificate").remove(0);
    Signer::new(key, cert, Vec::new()).expect("sample signer")
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, message)) = data.split_first() else { return };
    let signer = if mode & 1 == 0 {
        signer(ED25519_KEY, ED25519_CERT)
    } else {
        signer(P256_KEY, P256_CERT)
    };
    let options = SignOptions {
        form: if mode & 2 == 0 { SignForm::Detached } else { SignForm::Opaque },
        ..SignOptions::default()
    };
    let mut rng = TestRng(0x9e37_79b9_7f4a_7c15);
    let Ok(signed) = sign_message(message, &[signer], &options, NOW, &mut rng) else {
        return;
    };
    let anchors = Certificate::from_pem(CA).expect("the sample CA parses");
    let trust = TrustInputs { anchors: &anchors, certificates: &[], crls: &[] };
    let report = verify_message(&signed, &trust, NOW, &VerifyOptions::default())
        .expect("our own output is a signed message");
    assert_eq!(report.signers.len(), 1);
    let signer = &report.signers[0];
    assert_eq!(signer.signature, SignatureStatus::Valid, "{}", signer.reason);
    assert_eq!(signer.chain, ChainStatus::Valid, "{}", signer.reason);
    assert!(report.content.is_some());
});
