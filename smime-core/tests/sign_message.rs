//! `sign_message` end to end: every key kind, form, digest and RSA scheme
//! signs the sample entity, and `verify_message` verifies the result with
//! the sample CA; the signed attributes are what RFC 8551 §2.5 asks for;
//! misuse is refused with a reason.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

use smime_core::{
    Certificate, DigestAlgorithm, EncryptionKeyPreference, KeyKind, KeyPreference, RsaScheme,
    SignError, SignForm, SignOptions, SignatureStatus, SignedForm, Signer, SigningKey, TrustInputs,
    VerifyOptions, VerifyReport, sign_content, sign_message, verify_message,
};

const CA: &[u8] = include_bytes!("../samples/ca.pem");
const ENTITY: &[u8] = include_bytes!("../samples/entity.txt");
const NOW: u64 = 1_800_000_000;
const HEADER: &[u8] =
    b"From: Shop Example <merchant@shop.example>\r\nTo: customer@home.example\r\nSubject: Your order\r\n";

fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

fn sample(name: &str) -> (SigningKey, Certificate) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/");
    let key =
        SigningKey::from_pem(&std::fs::read(format!("{dir}merchant-{name}.key")).unwrap()).unwrap();
    let cert = Certificate::from_pem(&std::fs::read(format!("{dir}merchant-{name}.pem")).unwrap())
        .unwrap()
        .remove(0);
    (key, cert)
}

fn signer(name: &str) -> Signer {
    let (key, cert) = sample(name);
    Signer::new(key, cert, Vec::new()).unwrap()
}

fn message() -> Vec<u8> {
    [HEADER, ENTITY].concat()
}

fn verify(message: &[u8]) -> VerifyReport {
    let anchors = Certificate::from_pem(CA).unwrap();
    let trust = TrustInputs {
        anchors: &anchors,
        certificates: &[],
        crls: &[],
    };
    verify_message(message, &trust, NOW, &VerifyOptions::default()).unwrap()
}

#[test]
fn every_kind_form_digest_and_scheme_verifies() {
    let mut count = 0;
    for name in ["rsa", "p256", "ed25519"] {
        let digests: &[DigestAlgorithm] = if name == "ed25519" {
            &[DigestAlgorithm::Sha512]
        } else {
            &[
                DigestAlgorithm::Sha256,
                DigestAlgorithm::Sha384,
                DigestAlgorithm::Sha512,
            ]
        };
        let schemes: &[RsaScheme] = if name == "rsa" {
            &[RsaScheme::Pkcs1v15, RsaScheme::Pss]
        } else {
            &[RsaScheme::Pkcs1v15]
        };
        for &digest in digests {
            for &scheme in schemes {
                for form in [SignForm::Detached, SignForm::Opaque] {
                    let s = signer(name)
                        .with_digest(digest)
                        .unwrap()
                        .with_rsa_scheme(scheme)
                        .unwrap();
                    let options = SignOptions {
                        form,
                        ..SignOptions::default()
                    };
                    let signed = sign_message(&message(), &[s], &options, NOW, &mut rng()).unwrap();
                    let what = format!("{name} {digest:?} {scheme:?} {form:?}");
                    assert!(signed.starts_with(HEADER), "{what}");
                    assert!(
                        !signed.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'),
                        "{what}: bare LF in the output"
                    );
                    let report = verify(&signed);
                    assert!(report.verified, "{what}: {:?}", report.signers);
                    assert_eq!(report.content.as_deref(), Some(ENTITY), "{what}");
                    let expected_form = match form {
                        SignForm::Detached => SignedForm::Detached,
                        SignForm::Opaque => SignedForm::Opaque,
                    };
                    assert_eq!(report.form, expected_form, "{what}");
                    let text = String::from_utf8_lossy(&signed);
                    if form == SignForm::Detached {
                        assert!(
                            text.contains(&format!("micalg={};", digest.micalg())),
                            "{what}"
                        );
                        // Changing the signed text breaks the signature.
                        let tampered = text.replacen("Line 007", "Line 070", 1);
                        let report = verify(tampered.as_bytes());
                        assert!(!report.verified, "{what}: tampered");
                        assert_eq!(report.signers[0].signature, SignatureStatus::Invalid);
                    } else {
                        assert!(text.contains("smime-type=signed-data"), "{what}");
                    }
                    count += 1;
                }
            }
        }
    }
    assert_eq!(count, 2 * (3 * 2 + 3 + 1));
}

#[test]
fn signed_attributes_are_the_rfc_8551_set() {
    for (name, preference) in [("rsa", true), ("p256", true), ("ed25519", false)] {
        let signed = sign_message(
            &message(),
            &[signer(name)],
            &SignOptions::default(),
            NOW,
            &mut rng(),
        )
        .unwrap();
        let report = verify(&signed);
        let attrs = report.signers[0].attributes.as_ref().unwrap();
        assert_eq!(attrs.signing_time, Some(NOW), "{name}");
        assert_eq!(attrs.smime_capabilities.len(), 4, "{name}");
        assert_eq!(
            attrs.smime_capabilities[0].capability_id.to_string(),
            "2.16.840.1.101.3.4.1.46",
            "{name}: AES-256-GCM first"
        );
        // The dual-use RSA and P-256 certificates name themselves for
        // encryption; the Ed25519 one cannot receive encrypted mail.
        match &attrs.encryption_key_preference {
            Some(EncryptionKeyPreference::IssuerAndSerialNumber { serial, .. }) => {
                assert!(preference, "{name}");
                let cert = report.signers[0].certificate.as_ref().unwrap();
                assert_eq!(serial, cert.x509().tbs_certificate().serial_number());
            }
            Some(other) => panic!("{name}: {other:?}"),
            None => assert!(!preference, "{name}"),
        }
        // signingCertificateV2 names the signer's certificate (verify checks it).
        assert!(attrs.signing_certificate_v2.is_some(), "{name}");
        assert!(attrs.receipt_request.is_none());
    }
    // Options leave attributes out.
    let options = SignOptions {
        capabilities: Vec::new(),
        encryption_key_preference: KeyPreference::Omit,
        signing_certificate_v2: false,
        ..SignOptions::default()
    };
    let signed = sign_message(&message(), &[signer("rsa")], &options, NOW, &mut rng()).unwrap();
    let report = verify(&signed);
    assert!(report.verified);
    let attrs = report.signers[0].attributes.as_ref().unwrap();
    assert!(attrs.smime_capabilities.is_empty());
    assert!(attrs.encryption_key_preference.is_none());
    assert!(attrs.signing_certificate_v2.is_none());
    assert_eq!(attrs.attribute_types.len(), 3);
}

#[test]
fn two_signers_list_both_digests() {
    let signed = sign_message(
        &message(),
        &[signer("rsa"), signer("ed25519")],
        &SignOptions::default(),
        NOW,
        &mut rng(),
    )
    .unwrap();
    let text = String::from_utf8_lossy(&signed);
    assert!(text.contains("micalg=\"sha-256,sha-512\""), "{text}");
    let report = verify(&signed);
    assert!(report.verified);
    assert_eq!(report.signers.len(), 2);
    assert!(report.signers.iter().all(|s| s.is_verified()));
}

#[test]
fn lf_and_crlf_input_sign_the_same_entity() {
    let crlf = message();
    let lf: Vec<u8> = crlf.iter().copied().filter(|&b| b != b'\r').collect();
    for input in [crlf, lf] {
        let signed = sign_message(
            &input,
            &[signer("p256")],
            &SignOptions::default(),
            NOW,
            &mut rng(),
        )
        .unwrap();
        let report = verify(&signed);
        assert!(report.verified);
        assert_eq!(report.content.as_deref(), Some(ENTITY));
    }
}

#[test]
fn without_certificates_the_receiver_needs_them() {
    let options = SignOptions {
        include_certificates: false,
        ..SignOptions::default()
    };
    let signed = sign_message(&message(), &[signer("rsa")], &options, NOW, &mut rng()).unwrap();
    let report = verify(&signed);
    assert!(!report.verified);
    assert!(report.certificates.is_empty());
    let anchors = Certificate::from_pem(CA).unwrap();
    let (_, cert) = sample("rsa");
    let trust = TrustInputs {
        anchors: &anchors,
        certificates: std::slice::from_ref(&cert),
        crls: &[],
    };
    let report = verify_message(&signed, &trust, NOW, &VerifyOptions::default()).unwrap();
    assert!(report.verified, "{:?}", report.signers);
}

#[test]
fn cms_level_signing() {
    let content = b"raw CMS content, not MIME";
    for form in [SignForm::Detached, SignForm::Opaque] {
        let options = SignOptions {
            form,
            ..SignOptions::default()
        };
        let der = sign_content(content, &[signer("p256")], &options, NOW, &mut rng()).unwrap();
        let sd = smime_core::SignedData::from_ber(&der).unwrap();
        assert_eq!(sd.certificates.len(), 1);
        assert_eq!(
            sd.econtent.as_deref(),
            (form == SignForm::Opaque).then_some(&content[..])
        );
        let si = &sd.signers[0];
        let cert = si.find_certificate(sd.certificates.iter()).unwrap();
        si.verify(
            cert,
            content,
            &sd.econtent_type,
            &smime_core::AlgorithmPolicy::default(),
        )
        .unwrap();
    }
}

#[test]
fn misuse_is_refused() {
    let (rsa_key, _) = sample("rsa");
    let (_, p256_cert) = sample("p256");
    assert!(matches!(
        Signer::new(rsa_key, p256_cert, Vec::new()),
        Err(SignError::KeyMismatch(_))
    ));
    assert!(matches!(
        signer("ed25519").with_digest(DigestAlgorithm::Sha256),
        Err(SignError::Digest { .. })
    ));
    assert!(matches!(
        signer("rsa").with_digest(DigestAlgorithm::Sha1),
        Err(SignError::Digest { .. })
    ));
    assert!(matches!(
        signer("p256").with_rsa_scheme(RsaScheme::Pss),
        Err(SignError::PssNeedsRsa)
    ));
    assert_eq!(
        sign_message(&message(), &[], &SignOptions::default(), NOW, &mut rng()),
        Err(SignError::NoSigners)
    );
    // Another certificate's key (the CA's certificate, the merchant's key).
    let ca = Certificate::from_pem(CA).unwrap().remove(0);
    let (key, _) = sample("rsa");
    assert!(matches!(
        Signer::new(key, ca, Vec::new()),
        Err(SignError::KeyMismatch(_))
    ));
    assert!(
        signer("rsa")
            .certificate()
            .subject_string()
            .contains("Merchant")
    );
    assert_eq!(sample("p256").0.kind(), KeyKind::P256);
    assert_eq!(sample("ed25519").0.kind(), KeyKind::Ed25519);
    assert_eq!(sample("rsa").0.kind(), KeyKind::Rsa { bits: 2048 });
    assert!(matches!(
        SigningKey::from_pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        Err(smime_core::KeyError::NotFound)
    ));
    assert!(matches!(
        SigningKey::from_pem(b"garbage"),
        Err(smime_core::KeyError::NotFound)
    ));
    assert!(SigningKey::from_der(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
}

#[test]
fn a_separate_encryption_certificate_is_named_and_sent() {
    let (_, encryption) = sample("p256");
    let options = SignOptions {
        encryption_key_preference: KeyPreference::Certificate(Box::new(encryption.clone())),
        ..SignOptions::default()
    };
    let signed = sign_message(&message(), &[signer("ed25519")], &options, NOW, &mut rng()).unwrap();
    let report = verify(&signed);
    assert!(report.verified);
    assert_eq!(report.certificates.len(), 2);
    assert!(
        report
            .certificates
            .iter()
            .any(|c| c.der() == encryption.der())
    );
    match &report.signers[0]
        .attributes
        .as_ref()
        .unwrap()
        .encryption_key_preference
    {
        Some(EncryptionKeyPreference::IssuerAndSerialNumber { serial, .. }) => {
            assert_eq!(serial, encryption.x509().tbs_certificate().serial_number());
        }
        other => panic!("{other:?}"),
    }
}

/// The content a verifier hands back, decoded, is the body that was signed:
/// quoted-printable for 8-bit text (line breaks made CRLF), base64 for
/// binary data (byte for byte).
fn decoded_body(content: &[u8]) -> Vec<u8> {
    let split = content
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header and body");
    let (header, body) = (&content[..split], &content[split + 4..]);
    let header = String::from_utf8_lossy(header).to_ascii_lowercase();
    if header.contains("content-transfer-encoding: base64") {
        mailsec_message::decode_base64(body).unwrap()
    } else if header.contains("content-transfer-encoding: quoted-printable") {
        mailsec_message::decode_quoted_printable(body)
    } else {
        body.to_vec()
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn any_text_body_signs_verifies_and_round_trips(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
        // Text: line breaks are canonicalised, everything else kept.
        let message = [&b"From: merchant@shop.example\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"[..], &body].concat();
        let signed = sign_message(&message, &[signer("ed25519")], &SignOptions::default(), NOW, &mut rng()).unwrap();
        let report = verify(&signed);
        proptest::prop_assert!(report.verified, "{:?}", report.signers);
        let content = report.content.unwrap();
        let expected = mailsec_message::canonicalize_crlf(&body).into_owned();
        // A bare CR makes text unsafe for 7bit; it survives quoted-printable.
        proptest::prop_assert_eq!(decoded_body(&content), expected);
    }

    #[test]
    fn any_binary_body_round_trips_exactly(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600), opaque in proptest::prelude::any::<bool>()) {
        let message = [&b"From: merchant@shop.example\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\n"[..], &body].concat();
        let options = SignOptions {
            form: if opaque { SignForm::Opaque } else { SignForm::Detached },
            ..SignOptions::default()
        };
        let signed = sign_message(&message, &[signer("p256")], &options, NOW, &mut rng()).unwrap();
        let report = verify(&signed);
        proptest::prop_assert!(report.verified, "{:?}", report.signers);
        let content = report.content.unwrap();
        let decoded = decoded_body(&content);
        if String::from_utf8_lossy(&content).to_ascii_lowercase().contains("content-transfer-encoding: base64") {
            // Not 7-bit safe: base64, byte for byte.
            proptest::prop_assert_eq!(decoded, body);
        } else {
            // 7-bit safe already: sent as it is, in canonical form.
            proptest::prop_assert_eq!(decoded, mailsec_message::canonicalize_crlf(&body).into_owned());
        }
    }
}

/// The seeds' scenario end to end: a merchant signs with its Ed25519
/// certificate and names its P-256 certificate for encryption; the reader
/// verifies, harvests and later selects the P-256 certificate to encrypt to.
#[test]
fn signed_preference_is_harvested_and_selected() {
    let (_, encryption) = sample("p256");
    let options = SignOptions {
        encryption_key_preference: KeyPreference::Certificate(Box::new(encryption.clone())),
        ..SignOptions::default()
    };
    let signed = sign_message(&message(), &[signer("ed25519")], &options, NOW, &mut rng()).unwrap();
    let report = verify(&signed);
    assert!(report.verified);
    let anchors = Certificate::from_pem(CA).unwrap();
    let validation = smime_core::ValidationOptions::default();
    let harvested = smime_core::harvest(&report, &anchors, &[], NOW, &validation);
    assert_eq!(harvested.len(), 1);
    assert_eq!(harvested[0].addresses, ["merchant@shop.example"]);
    let preferred = harvested[0]
        .encryption
        .as_ref()
        .expect("the named certificate");
    assert_eq!(preferred.certificate.der(), encryption.der());
    let mut store = smime_core::MemoryCertificateStore::new();
    smime_core::store_harvest(&mut store, &harvested).unwrap();
    let selected = smime_core::select_encryption_certificate(
        &store,
        "merchant@SHOP.example", // domains compare case-insensitively
        &anchors,
        &[],
        NOW,
        &validation,
    )
    .unwrap();
    assert_eq!(selected.entry.certificate.der(), encryption.der());
    assert!(selected.by_preference);
    // The Ed25519 signing certificate itself cannot be encrypted to.
    assert!(
        selected
            .rejected
            .iter()
            .any(|r| matches!(r.reason, smime_core::RejectReason::UnsupportedKey { .. }))
    );
}
