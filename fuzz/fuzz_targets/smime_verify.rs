//! Whole-message S/MIME verification on arbitrary bytes: MIME parsing,
//! base64, CMS, signature checks, path building and sender binding never
//! panic, and a message reported verified has a valid signer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smime_core::{
    Certificate, ChainStatus, RevocationMode, SignatureStatus, TrustInputs, VerifyOptions,
    verify_message,
};

const CA: &[u8] = include_bytes!("../../smime-core/samples/ca.pem");

fuzz_target!(|data: &[u8]| {
    let anchors = Certificate::from_pem(CA).expect("the sample CA parses");
    let trust = TrustInputs { anchors: &anchors, certificates: &[], crls: &[] };
    let mut options = VerifyOptions::default();
    if data.first().is_some_and(|b| b & 1 == 1) {
        options.validation.revocation = RevocationMode::Require;
        options.use_message_crls = true;
    }
    if let Ok(report) = verify_message(data, &trust, 1_800_000_000, &options) {
        let any = report.signers.iter().any(|s| {
            s.signature == SignatureStatus::Valid && s.chain == ChainStatus::Valid && s.sender_match
        });
        assert_eq!(report.verified, any);
        if report.content.is_some() {
            assert!(report.signers.iter().any(|s| s.signature == SignatureStatus::Valid));
        }
    }
});
