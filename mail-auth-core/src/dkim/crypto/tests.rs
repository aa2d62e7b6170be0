//! Tests of both crypto backends: the same suite runs against each provider,
//! and signatures made by one are checked by the other.

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use der::Encode as _;
use der::asn1::UintRef;
use proptest::prelude::*;
use rsa::pkcs1::{EncodeRsaPrivateKey as _, EncodeRsaPublicKey as _};
use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, EncodePublicKey as _, LineEnding};
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::Digest as _;

use super::encoding;
use super::*;
use crate::dkim::keys::{dns_record, generate_ed25519, generate_rsa, signing_key_from_pem};

const DATA: &[u8] = b"from:Joe SixPack <joe@football.example.com>\r\n\
to:Suzie Q <suzie@shopping.example.net>\r\n\
dkim-signature:v=1; a=rsa-sha256; d=example.com; s=sel; h=from:to; bh=x; b=";

fn providers() -> Vec<(&'static str, &'static dyn CryptoProvider)> {
    #[allow(unused_mut)]
    let mut list: Vec<(&'static str, &'static dyn CryptoProvider)> =
        vec![("rustcrypto", &RustCrypto)];
    #[cfg(feature = "ring")]
    list.push(("ring", &Ring));
    list
}

fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// The testkit's RSA-2048 key (PKCS#8 PEM).
fn rsa2048() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        RsaPrivateKey::from_pkcs8_pem(mailsec_testkit::dkimpy::RSA_2048.pem).unwrap()
    })
}

/// A 1024-bit key, generated once.
fn rsa1024() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rng(), 1024).unwrap())
}

fn spki(key: &RsaPrivateKey) -> Vec<u8> {
    key.to_public_key().to_public_key_der().unwrap().into_vec()
}

fn pkcs8_pem(key: &RsaPrivateKey) -> String {
    key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string()
}

/// The testkit's published `p=` of a TXT record.
fn txt_p(txt: &str) -> Vec<u8> {
    let p = txt.split("p=").nth(1).unwrap();
    STANDARD.decode(p.trim()).unwrap()
}

/// An odd modulus of exactly `bits` bits with e = 65537, as PKCS#1.
fn fake_rsa_pkcs1(bits: usize) -> Vec<u8> {
    let n = fake_modulus(bits);
    pkcs1::RsaPublicKeyRef {
        modulus: UintRef::new(&n).unwrap(),
        public_exponent: UintRef::new(&[1, 0, 1]).unwrap(),
    }
    .to_der()
    .unwrap()
}

fn fake_modulus(bits: usize) -> Vec<u8> {
    let len = bits.div_ceil(8);
    let mut n = vec![0xa5u8; len];
    let top_bits = bits - (len - 1) * 8;
    n[0] = (0xffu8 >> (8 - top_bits)) | (1 << (top_bits - 1));
    *n.last_mut().unwrap() |= 1;
    n
}

/// RFC 8410 PKCS#8 v1 for an Ed25519 seed.
fn ed25519_pkcs8(seed: &[u8; 32]) -> Vec<u8> {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(seed);
    der
}

fn load_pem(provider: &dyn CryptoProvider, pem: &str) -> Arc<dyn SigningKey> {
    signing_key_from_pem(pem, provider).unwrap()
}

#[test]
fn hashers_match_known_digests() {
    for (name, p) in providers() {
        let mut h = p.hasher(HashAlgorithm::Sha256);
        h.update(b"ab");
        h.update(b"c");
        assert_eq!(
            h.finish(),
            sha2::Sha256::digest(b"abc").to_vec(),
            "{name} sha256"
        );
        let mut h = p.hasher(HashAlgorithm::Sha1);
        h.update(b"abc");
        assert_eq!(
            h.finish(),
            sha1::Sha1::digest(b"abc").to_vec(),
            "{name} sha1"
        );
    }
}

#[test]
fn rsa2048_sign_verify_round_trip_and_tampering() {
    let pem = mailsec_testkit::dkimpy::RSA_2048.pem;
    let published = txt_p(mailsec_testkit::dkimpy::RSA_2048.txt);
    for (name, p) in providers() {
        let key = load_pem(p, pem);
        assert_eq!(key.key_type(), KeyType::Rsa, "{name}");
        assert_eq!(key.bits(), 2048, "{name}");
        assert_eq!(
            key.public_key(),
            published,
            "{name}: public key is the SPKI"
        );
        let sig = key.sign(DATA, &mut rng()).unwrap();
        assert_eq!(sig.len(), 256, "{name}");

        let vk = p.verifying_key(KeyType::Rsa, &published).unwrap();
        assert_eq!(vk.key_type(), KeyType::Rsa);
        assert_eq!(vk.bits(), 2048, "{name}");
        vk.verify(HashAlgorithm::Sha256, DATA, &sig).unwrap();
        // Wrong hash, tampered data, tampered signature, truncated, empty.
        assert_eq!(
            vk.verify(HashAlgorithm::Sha1, DATA, &sig),
            Err(SignatureInvalid)
        );
        let mut data = DATA.to_vec();
        data[3] ^= 1;
        assert_eq!(
            vk.verify(HashAlgorithm::Sha256, &data, &sig),
            Err(SignatureInvalid)
        );
        let mut bad = sig.clone();
        bad[100] ^= 0x40;
        assert_eq!(
            vk.verify(HashAlgorithm::Sha256, DATA, &bad),
            Err(SignatureInvalid)
        );
        assert_eq!(
            vk.verify(HashAlgorithm::Sha256, DATA, &sig[1..]),
            Err(SignatureInvalid)
        );
        assert_eq!(
            vk.verify(HashAlgorithm::Sha256, DATA, &[]),
            Err(SignatureInvalid)
        );
        let mut long = sig.clone();
        long.push(0);
        assert_eq!(
            vk.verify(HashAlgorithm::Sha256, DATA, &long),
            Err(SignatureInvalid)
        );
        // RSASSA-PKCS1-v1_5 is deterministic: both providers agree exactly.
        assert_eq!(
            sig,
            load_pem(&RustCrypto, pem).sign(DATA, &mut rng()).unwrap()
        );
    }
}

#[test]
fn ed25519_sign_verify_round_trip_and_tampering() {
    let pem = mailsec_testkit::dkimpy::ED25519.pem;
    let published = txt_p(mailsec_testkit::dkimpy::ED25519.txt);
    for (name, p) in providers() {
        let key = load_pem(p, pem);
        assert_eq!(key.key_type(), KeyType::Ed25519);
        assert_eq!(key.bits(), 256);
        assert_eq!(key.public_key(), published, "{name}");
        let sig = key.sign(DATA, &mut rng()).unwrap();
        assert_eq!(sig.len(), 64);

        let vk = p.verifying_key(KeyType::Ed25519, &published).unwrap();
        assert_eq!(vk.bits(), 256);
        assert_eq!(vk.key_type(), KeyType::Ed25519);
        vk.verify(HashAlgorithm::Sha256, DATA, &sig).unwrap();
        // Ed25519 in DKIM is only ever over SHA-256.
        assert_eq!(
            vk.verify(HashAlgorithm::Sha1, DATA, &sig),
            Err(SignatureInvalid)
        );
        assert_eq!(
            vk.verify(HashAlgorithm::Sha256, b"other", &sig),
            Err(SignatureInvalid)
        );
        let mut bad = sig.clone();
        bad[10] ^= 1;
        assert_eq!(
            vk.verify(HashAlgorithm::Sha256, DATA, &bad),
            Err(SignatureInvalid)
        );
        assert_eq!(
            vk.verify(HashAlgorithm::Sha256, DATA, &sig[..63]),
            Err(SignatureInvalid)
        );
        assert_eq!(
            vk.verify(HashAlgorithm::Sha256, DATA, &[]),
            Err(SignatureInvalid)
        );

        // Pure Ed25519 over SHA-256(data), not over data, not Ed25519ph.
        let dalek_key = ed25519_dalek::VerifyingKey::from_bytes(
            &<[u8; 32]>::try_from(published.as_slice()).unwrap(),
        )
        .unwrap();
        let signature = ed25519_dalek::Signature::from_slice(&sig).unwrap();
        dalek_key
            .verify_strict(&sha2::Sha256::digest(DATA), &signature)
            .unwrap();
        assert!(dalek_key.verify_strict(DATA, &signature).is_err());
    }
}

#[test]
fn ed25519_non_canonical_s_is_rejected_by_both() {
    // S + L (the group order) verifies under a lax check; RFC 8032 §5.1.7
    // requires S < L.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let key = load_pem(&RustCrypto, mailsec_testkit::dkimpy::ED25519.pem);
    let sig = key.sign(DATA, &mut rng()).unwrap();
    let mut s_plus_l = sig.clone();
    let mut carry = 0u16;
    for i in 0..32 {
        let [low, high] = (u16::from(sig[32 + i]) + u16::from(L[i]) + carry).to_le_bytes();
        s_plus_l[32 + i] = low;
        carry = u16::from(high);
    }
    for (name, p) in providers() {
        let vk = p
            .verifying_key(KeyType::Ed25519, &key.public_key())
            .unwrap();
        vk.verify(HashAlgorithm::Sha256, DATA, &sig).unwrap();
        assert_eq!(
            vk.verify(HashAlgorithm::Sha256, DATA, &s_plus_l),
            Err(SignatureInvalid),
            "{name}"
        );
    }
}

#[test]
fn rsa_sha1_signature_made_by_the_rsa_crate_verifies() {
    let key = rsa2048();
    let sig = key
        .sign_with_rng(
            &mut rng(),
            Pkcs1v15Sign::new::<sha1::Sha1>(),
            &sha1::Sha1::digest(DATA),
        )
        .unwrap();
    for (name, p) in providers() {
        let vk = p.verifying_key(KeyType::Rsa, &spki(key)).unwrap();
        vk.verify(HashAlgorithm::Sha1, DATA, &sig)
            .unwrap_or_else(|_| panic!("{name}"));
        assert_eq!(
            vk.verify(HashAlgorithm::Sha256, DATA, &sig),
            Err(SignatureInvalid)
        );
        assert_eq!(
            vk.verify(HashAlgorithm::Sha1, b"x", &sig),
            Err(SignatureInvalid)
        );
    }
}

#[test]
fn pkcs1_and_spki_public_key_forms_both_load() {
    let key = rsa2048();
    let spki = spki(key);
    let pkcs1 = key.to_public_key().to_pkcs1_der().unwrap().into_vec();
    assert_ne!(spki, pkcs1);
    let sig = load_pem(&RustCrypto, &pkcs8_pem(key))
        .sign(DATA, &mut rng())
        .unwrap();
    for (name, p) in providers() {
        for form in [&spki, &pkcs1] {
            let vk = p.verifying_key(KeyType::Rsa, form).unwrap();
            assert_eq!(vk.bits(), 2048, "{name}");
            vk.verify(HashAlgorithm::Sha256, DATA, &sig).unwrap();
        }
        // Trailing bytes after the DER are not a key.
        let mut trailing = spki.clone();
        trailing.push(0);
        assert!(matches!(
            p.verifying_key(KeyType::Rsa, &trailing),
            Err(KeyError::Malformed(_))
        ));
    }
}

#[test]
fn pkcs1_private_pem_loads_with_crlf() {
    let key = rsa2048();
    let pem = key.to_pkcs1_pem(LineEnding::CRLF).unwrap();
    assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----\r\n"));
    let pem = format!("some text before\r\n{}\r\ntrailing text\r\n", pem.as_str());
    for (name, p) in providers() {
        let signer = signing_key_from_pem(&pem, p).unwrap();
        assert_eq!(signer.bits(), 2048, "{name}");
        assert_eq!(signer.public_key(), spki(key));
        let sig = signer.sign(DATA, &mut rng()).unwrap();
        p.verifying_key(KeyType::Rsa, &spki(key))
            .unwrap()
            .verify(HashAlgorithm::Sha256, DATA, &sig)
            .unwrap();
    }
}

#[test]
fn rsa1024_signs_with_rustcrypto_and_verifies_with_both_but_ring_refuses_to_sign() {
    let key = rsa1024();
    let pem = pkcs8_pem(key);
    let signer = load_pem(&RustCrypto, &pem);
    assert_eq!(signer.bits(), 1024);
    let sig = signer.sign(DATA, &mut rng()).unwrap();
    for (name, p) in providers() {
        let vk = p.verifying_key(KeyType::Rsa, &spki(key)).unwrap();
        assert_eq!(vk.bits(), 1024, "{name}");
        vk.verify(HashAlgorithm::Sha256, DATA, &sig).unwrap();
    }
    #[cfg(feature = "ring")]
    assert_eq!(
        signing_key_from_pem(&pem, &Ring).unwrap_err(),
        KeyError::Size { bits: 1024 }
    );
}

#[test]
fn rfc6376_and_rfc8463_1024_bit_pkcs1_key_if_present() {
    // The RFCs' own 1024-bit RSA key (PKCS#1 PEM), from the shared vectors.
    let Some(pem) = mailsec_testkit::vector("dkim/rfc8463-appendix-a/rsa-test-private.pem") else {
        return;
    };
    let pem = String::from_utf8(pem).unwrap();
    let key = signing_key_from_pem(&pem, &RustCrypto).unwrap();
    assert_eq!(key.bits(), 1024);
    #[cfg(feature = "ring")]
    assert_eq!(
        signing_key_from_pem(&pem, &Ring).unwrap_err(),
        KeyError::Size { bits: 1024 }
    );
}

#[test]
fn rsa512_loads_for_verification_so_policy_can_judge_it() {
    let pkcs1 = fake_rsa_pkcs1(512);
    let spki = encoding::rsa_spki(&fake_modulus(512), &[1, 0, 1]).unwrap();
    for (name, p) in providers() {
        for form in [&pkcs1, &spki] {
            let vk = p.verifying_key(KeyType::Rsa, form).unwrap();
            assert_eq!(vk.bits(), 512, "{name}");
            assert_eq!(
                vk.verify(HashAlgorithm::Sha256, DATA, &[7u8; 64]),
                Err(SignatureInvalid)
            );
            assert_eq!(
                vk.verify(HashAlgorithm::Sha1, DATA, &[]),
                Err(SignatureInvalid)
            );
        }
        assert_eq!(
            p.verifying_key(KeyType::Rsa, &fake_rsa_pkcs1(511))
                .unwrap_err(),
            KeyError::Size { bits: 511 },
            "{name}"
        );
    }
}

#[test]
fn rsa_over_8192_bits_is_a_size_error() {
    for (name, p) in providers() {
        let vk = p
            .verifying_key(KeyType::Rsa, &fake_rsa_pkcs1(8192))
            .unwrap();
        assert_eq!(vk.bits(), 8192, "{name}");
        assert_eq!(
            p.verifying_key(KeyType::Rsa, &fake_rsa_pkcs1(8193))
                .unwrap_err(),
            KeyError::Size { bits: 8193 },
            "{name}"
        );
        let spki = encoding::rsa_spki(&fake_modulus(16384), &[1, 0, 1]).unwrap();
        assert_eq!(
            p.verifying_key(KeyType::Rsa, &spki).unwrap_err(),
            KeyError::Size { bits: 16384 },
            "{name}"
        );
    }
}

#[test]
fn bad_rsa_exponents_and_even_moduli_are_malformed() {
    let n = fake_modulus(1024);
    let mut even = n.clone();
    *even.last_mut().unwrap() &= 0xfe;
    let cases: [(&[u8], &[u8]); 5] = [
        (&n, &[1]),
        (&n, &[2]),
        (&n, &[1, 0, 0]),
        (&n, &[4, 0, 0, 0, 1]),
        (&even, &[1, 0, 1]),
    ];
    for (name, p) in providers() {
        for (n, e) in cases {
            let der = pkcs1::RsaPublicKeyRef {
                modulus: UintRef::new(n).unwrap(),
                public_exponent: UintRef::new(e).unwrap(),
            }
            .to_der()
            .unwrap();
            assert!(
                matches!(
                    p.verifying_key(KeyType::Rsa, &der),
                    Err(KeyError::Malformed(_))
                ),
                "{name} e={e:?}"
            );
        }
        // e = 3 is allowed.
        let der = pkcs1::RsaPublicKeyRef {
            modulus: UintRef::new(&n).unwrap(),
            public_exponent: UintRef::new(&[3]).unwrap(),
        }
        .to_der()
        .unwrap();
        p.verifying_key(KeyType::Rsa, &der).unwrap();
    }
}

#[test]
fn garbage_keys_are_malformed_or_unsupported_never_a_panic() {
    let ed_spki_for_rsa = {
        // An Ed25519 SubjectPublicKeyInfo (RFC 8410) in a k=rsa record.
        let mut der = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        der.extend_from_slice(&[9u8; 32]);
        der
    };
    for (name, p) in providers() {
        for bytes in [
            &b""[..],
            b"\x30",
            b"\x30\x00",
            b"hello world",
            &[0xffu8; 300],
        ] {
            assert!(
                matches!(
                    p.verifying_key(KeyType::Rsa, bytes),
                    Err(KeyError::Malformed(_))
                ),
                "{name} {bytes:?}"
            );
            if bytes.len() != 32 {
                assert!(
                    matches!(
                        p.verifying_key(KeyType::Ed25519, bytes),
                        Err(KeyError::Malformed(_))
                    ),
                    "{name}"
                );
            }
            for der in [PrivateKeyDer::Pkcs8(bytes), PrivateKeyDer::Pkcs1(bytes)] {
                assert!(
                    matches!(p.signing_key(&der), Err(KeyError::Malformed(_))),
                    "{name}"
                );
            }
        }
        assert_eq!(
            p.verifying_key(KeyType::Rsa, &ed_spki_for_rsa).unwrap_err(),
            KeyError::Unsupported
        );
        // An Ed25519 key in SPKI form is not what RFC 8463 publishes.
        assert!(matches!(
            p.verifying_key(KeyType::Ed25519, &ed_spki_for_rsa),
            Err(KeyError::Malformed(_))
        ));
        // An RSA key where Ed25519 is expected, and the other way round.
        assert!(matches!(
            p.verifying_key(KeyType::Ed25519, &spki(rsa2048())),
            Err(KeyError::Malformed(_))
        ));
        let ed = txt_p(mailsec_testkit::dkimpy::ED25519.txt);
        assert!(matches!(
            p.verifying_key(KeyType::Rsa, &ed),
            Err(KeyError::Malformed(_))
        ));
        // PKCS#1 wrapper around an Ed25519 key.
        let pkcs8 = ed25519_pkcs8(&[1; 32]);
        assert!(matches!(
            p.signing_key(&PrivateKeyDer::Pkcs1(&pkcs8)),
            Err(KeyError::Malformed(_))
        ));
    }
}

#[test]
fn ed25519_points_off_the_curve_are_rejected_alike() {
    let mut rejected = 0;
    for (name, p) in providers() {
        for b in 0..=255u8 {
            let mut bytes = [0u8; 32];
            bytes[0] = b;
            bytes[31] = 0x11;
            let reference = ed25519_dalek::VerifyingKey::from_bytes(&bytes).is_ok();
            let got = p.verifying_key(KeyType::Ed25519, &bytes);
            assert_eq!(got.is_ok(), reference, "{name} {b}");
            if let Err(e) = got {
                assert!(matches!(e, KeyError::Malformed(_)));
                rejected += 1;
            }
        }
    }
    assert!(rejected > 0);
}

#[test]
fn rfc8463_appendix_a_ed25519_key() {
    let seed = STANDARD
        .decode("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
        .unwrap();
    let expected = STANDARD
        .decode("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        .unwrap();
    let pkcs8 = ed25519_pkcs8(&seed.try_into().unwrap());
    for (name, p) in providers() {
        let key = p.signing_key(&PrivateKeyDer::Pkcs8(&pkcs8)).unwrap();
        assert_eq!(key.public_key(), expected, "{name}");
        let vk = p.verifying_key(KeyType::Ed25519, &expected).unwrap();
        vk.verify(
            HashAlgorithm::Sha256,
            DATA,
            &key.sign(DATA, &mut rng()).unwrap(),
        )
        .unwrap();
    }
}

#[test]
fn pkcs8_v2_ed25519_public_key_must_match() {
    // OneAsymmetricKey v2 (RFC 8410 §10.3 form) with the public key.
    let seed = [7u8; 32];
    let public = ed25519_dalek::SigningKey::from_bytes(&seed)
        .verifying_key()
        .to_bytes();
    let v2 = |public: &[u8; 32]| {
        let mut der = vec![
            0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        der.extend_from_slice(&seed);
        der.extend_from_slice(&[0x81, 0x21, 0x00]);
        der.extend_from_slice(public);
        der
    };
    let mut wrong = public;
    wrong[0] ^= 1;
    for (name, p) in providers() {
        let key = p.signing_key(&PrivateKeyDer::Pkcs8(&v2(&public))).unwrap();
        assert_eq!(key.public_key(), public, "{name}");
        assert!(matches!(
            p.signing_key(&PrivateKeyDer::Pkcs8(&v2(&wrong))),
            Err(KeyError::Malformed(_))
        ));
    }
}

#[test]
fn cross_provider_signatures_verify() {
    let rsa_pem = mailsec_testkit::dkimpy::RSA_2048.pem;
    let ed_pem = mailsec_testkit::dkimpy::ED25519.pem;
    for (signer_name, signer) in providers() {
        for (verifier_name, verifier) in providers() {
            for (pem, key_type) in [(rsa_pem, KeyType::Rsa), (ed_pem, KeyType::Ed25519)] {
                let key = load_pem(signer, pem);
                let sig = key.sign(DATA, &mut rng()).unwrap();
                verifier
                    .verifying_key(key_type, &key.public_key())
                    .unwrap()
                    .verify(HashAlgorithm::Sha256, DATA, &sig)
                    .unwrap_or_else(|_| {
                        panic!("{key_type:?} signed by {signer_name}, verified by {verifier_name}")
                    });
            }
        }
    }
}

#[test]
fn pem_parsing_edge_cases() {
    let ed = mailsec_testkit::dkimpy::ED25519.pem;
    let crlf = ed.replace('\n', "\r\n");
    let rewrapped = {
        // Base64 wrapped at another width, indented.
        let body: String = ed.lines().filter(|l| !l.starts_with("-----")).collect();
        let mut s = String::from("-----BEGIN PRIVATE KEY-----\n");
        for chunk in body.as_bytes().chunks(10) {
            s.push_str("  ");
            s.push_str(core::str::from_utf8(chunk).unwrap());
            s.push('\n');
        }
        s.push_str("-----END PRIVATE KEY-----");
        s
    };
    let after_cert = format!("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n{ed}");
    for (name, p) in providers() {
        for pem in [ed, crlf.as_str(), rewrapped.as_str(), after_cert.as_str()] {
            assert_eq!(
                signing_key_from_pem(pem, p).unwrap().key_type(),
                KeyType::Ed25519,
                "{name}: {pem}"
            );
        }
        let encrypted =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let legacy_encrypted = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        for pem in [encrypted, legacy_encrypted] {
            assert_eq!(
                signing_key_from_pem(pem, p).unwrap_err(),
                KeyError::Malformed("encrypted private keys are not supported")
            );
        }
        for pem in [
            "",
            "not a pem",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n",
            "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        ] {
            assert!(
                matches!(signing_key_from_pem(pem, p), Err(KeyError::Malformed(_))),
                "{name}: {pem:?}"
            );
        }
    }
}

#[test]
fn generated_keys_load_and_publish() {
    let ed = generate_ed25519(&mut rng()).unwrap();
    assert!(ed.pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert_eq!(ed.public_key.len(), 32);
    assert!(
        !format!("{ed:?}").contains("BEGIN"),
        "Debug must not show the key"
    );
    let record = dns_record(KeyType::Ed25519, &ed.public_key);
    assert_eq!(
        record,
        format!("v=DKIM1; k=ed25519; p={}", STANDARD.encode(&ed.public_key))
    );
    // Through a `dyn` generator too.
    let mut r = rng();
    let dyn_rng: &mut dyn rand_core::CryptoRng = &mut r;
    let other = generate_ed25519(dyn_rng).unwrap();
    assert_ne!(other.public_key, ed.public_key);

    let rsa = generate_rsa(1024, &mut rng()).unwrap();
    assert!(rsa.pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(rsa.pem.lines().all(|l| l.len() <= 64));
    assert!(dns_record(KeyType::Rsa, &rsa.public_key).starts_with("v=DKIM1; k=rsa; p=MIGf"));
    for (name, p) in providers() {
        let key = load_pem(p, &ed.pem);
        assert_eq!(key.public_key(), ed.public_key, "{name}");
        let vk = p.verifying_key(KeyType::Ed25519, &ed.public_key).unwrap();
        vk.verify(
            HashAlgorithm::Sha256,
            DATA,
            &key.sign(DATA, &mut rng()).unwrap(),
        )
        .unwrap();
        let vk = p.verifying_key(KeyType::Rsa, &rsa.public_key).unwrap();
        assert_eq!(vk.bits(), 1024);
    }
    let key = load_pem(&RustCrypto, &rsa.pem);
    assert_eq!(key.public_key(), rsa.public_key);

    for bits in [0, 512, 1023, 4097, 8192] {
        assert_eq!(
            generate_rsa(bits, &mut rng()).unwrap_err(),
            KeyError::Size { bits }
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn verifying_key_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        for (_, p) in providers() {
            for key_type in [KeyType::Rsa, KeyType::Ed25519] {
                if let Ok(vk) = p.verifying_key(key_type, &bytes) {
                    let _ = vk.verify(HashAlgorithm::Sha256, DATA, &bytes);
                }
            }
            let _ = p.signing_key(&PrivateKeyDer::Pkcs8(&bytes));
            let _ = p.signing_key(&PrivateKeyDer::Pkcs1(&bytes));
        }
    }

    #[test]
    fn mutated_rsa_keys_never_panic(index in 0usize..294, value in any::<u8>()) {
        let mut spki = txt_p(mailsec_testkit::dkimpy::RSA_2048.txt);
        let i = index % spki.len();
        spki[i] = value;
        for (_, p) in providers() {
            if let Ok(vk) = p.verifying_key(KeyType::Rsa, &spki) {
                let _ = vk.verify(HashAlgorithm::Sha256, DATA, &[1u8; 256]);
            }
        }
    }

    #[test]
    fn pem_text_never_panics(text in "\\PC{0,200}") {
        for (_, p) in providers() {
            let _ = signing_key_from_pem(&text, p);
            let wrapped = format!("-----BEGIN PRIVATE KEY-----\n{text}\n-----END PRIVATE KEY-----\n");
            let _ = signing_key_from_pem(&wrapped, p);
        }
    }
}
