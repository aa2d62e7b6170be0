//! The RFC 6376 Appendix A and RFC 8463 Appendix A messages verify with the
//! published keys, through both crypto backends; signing with the published
//! private keys gives signatures that verify; tampered copies fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mail_auth_core::dkim::crypto::{CryptoProvider, KeyError, RustCrypto};
use mail_auth_core::dkim::{
    Canonicalization, DkimResult, DkimSigner, VerifyConfig, signing_key_from_pem, verify_message,
};
use mailsec_dns::{MemoryResolver, Name, Record, Txt};

/// A time after both RFCs' messages were signed.
const NOW: u64 = 1_700_000_000;

fn providers() -> Vec<&'static dyn CryptoProvider> {
    let mut list: Vec<&'static dyn CryptoProvider> = vec![&RustCrypto];
    #[cfg(feature = "ring")]
    list.push(&mail_auth_core::dkim::crypto::Ring);
    list
}

/// Loads `dns-txt-records.txt` (`name text` per line) into a resolver.
fn zone(dir: &str) -> Option<MemoryResolver> {
    let text = mailsec_testkit::vector(&format!("{dir}/dns-txt-records.txt"))?;
    let mut zone = MemoryResolver::new();
    for line in String::from_utf8(text).unwrap().lines() {
        let Some((name, record)) = line.split_once(' ') else {
            continue;
        };
        zone.add(
            Name::new(name).unwrap(),
            Record::Txt(Txt::from_bytes(record.trim().as_bytes())),
        );
    }
    Some(zone)
}

struct Vectors {
    message: Vec<u8>,
    zone: MemoryResolver,
}

fn load(dir: &str) -> Option<Vectors> {
    Some(Vectors {
        message: mailsec_testkit::vector(&format!("{dir}/signed-message.eml"))?,
        zone: zone(dir)?,
    })
}

fn results(
    provider: &dyn CryptoProvider,
    message: &[u8],
    zone: &MemoryResolver,
) -> Vec<(DkimResult, String)> {
    let config = VerifyConfig::new(NOW).with_provider(provider);
    verify_message(config, message, zone)
        .unwrap()
        .into_iter()
        .map(|o| (o.result, o.reason.to_string()))
        .collect()
}

fn to_lf(message: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(message)
        .replace("\r\n", "\n")
        .into_bytes()
}

fn tamper_body(message: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(message).into_owned();
    text.replacen("hungry", "HUNGRY", 1).into_bytes()
}

#[test]
fn rfc6376_appendix_a_verifies() {
    let Some(v) = load("dkim/rfc6376-appendix-a") else {
        return;
    };
    for provider in providers() {
        let got = results(provider, &v.message, &v.zone);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, DkimResult::Pass, "{provider:?}: {}", got[0].1);
        // c=simple/simple: LF line endings are read as CRLF, so the LF copy
        // of the message verifies too.
        let got = results(provider, &to_lf(&v.message), &v.zone);
        assert_eq!(got[0].0, DkimResult::Pass, "{provider:?} LF: {}", got[0].1);
        let got = results(provider, &tamper_body(&v.message), &v.zone);
        assert_eq!(got[0].0, DkimResult::Fail);
        assert_eq!(got[0].1, "body hash did not verify");
    }
}

#[test]
fn rfc8463_appendix_a_verifies() {
    let Some(v) = load("dkim/rfc8463-appendix-a") else {
        return;
    };
    for provider in providers() {
        let config = VerifyConfig::new(NOW).with_provider(provider);
        let got = verify_message(config, &v.message, &v.zone).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].algorithm, "ed25519-sha256");
        assert_eq!(got[1].algorithm, "rsa-sha256");
        for o in &got {
            assert_eq!(o.result, DkimResult::Pass, "{provider:?}: {}", o.reason);
            assert_eq!(o.domain, "football.example.com");
        }
        assert_eq!(got[0].key_bits, Some(256));
        // A changed signed header breaks both signatures.
        let text = String::from_utf8_lossy(&v.message).replacen(
            "Subject: Is dinner ready?",
            "Subject: Is lunch ready?",
            1,
        );
        for (result, reason) in results(provider, text.as_bytes(), &v.zone) {
            assert_eq!(result, DkimResult::Fail);
            assert_eq!(reason, "signature did not verify");
        }
    }
}

#[test]
fn signing_with_the_published_keys_verifies() {
    let Some(v) = load("dkim/rfc8463-appendix-a") else {
        return;
    };
    let rsa_pem = mailsec_testkit::vector("dkim/rfc8463-appendix-a/rsa-test-private.pem").unwrap();
    let rsa_pem = String::from_utf8(rsa_pem).unwrap();
    // The unsigned message: the RFC's with its signatures removed.
    let text = String::from_utf8_lossy(&v.message).into_owned();
    let from = text.find("From:").unwrap();
    let unsigned = text.as_bytes()[from..].to_vec();
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    for provider in providers() {
        // ring signs only with RSA keys of 2048 bits or more; this one has 1024.
        let key = match signing_key_from_pem(&rsa_pem, provider) {
            Ok(key) => key,
            Err(KeyError::Size { bits: 1024 }) => continue,
            Err(e) => panic!("{provider:?}: {e}"),
        };
        for (h, b) in [
            (Canonicalization::Simple, Canonicalization::Simple),
            (Canonicalization::Simple, Canonicalization::Relaxed),
            (Canonicalization::Relaxed, Canonicalization::Simple),
            (Canonicalization::Relaxed, Canonicalization::Relaxed),
        ] {
            let signer = DkimSigner::new(provider, key.clone(), "football.example.com", "test")
                .unwrap()
                .canonicalization(h, b);
            let field = signer.sign(&unsigned, NOW - 10, &mut rng).unwrap();
            let mut signed = field.into_bytes();
            signed.extend_from_slice(&unsigned);
            let got = results(provider, &signed, &v.zone);
            assert_eq!(
                got,
                vec![(DkimResult::Pass, "signature and body hash verified".into())]
            );
            let got = results(provider, &tamper_body(&signed), &v.zone);
            assert_eq!(got[0].0, DkimResult::Fail);
        }
    }
}
