//! `verify_message` end to end on the OpenSSL-made samples
//! (`scripts/make-smime-samples`): the verdicts, the content handed back,
//! and the shapes that must never be presented as signed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

use smime_core::{
    Certificate, ChainStatus, SignatureFailure, SignatureStatus, SignedForm, TrustInputs,
    VerifyError, VerifyOptions, verify_message,
};

const CA: &[u8] = include_bytes!("../samples/ca.pem");
const RSA: &[u8] = include_bytes!("../samples/signed-rsa.eml");
const P256: &[u8] = include_bytes!("../samples/signed-p256.eml");
const ENTITY: &[u8] = include_bytes!("../samples/entity.txt");
const NOW: u64 = 1_800_000_000;

fn anchors() -> Vec<Certificate> {
    Certificate::from_pem(CA).unwrap()
}

fn verify(message: &[u8], anchors: &[Certificate], now: u64) -> smime_core::VerifyReport {
    let trust = TrustInputs {
        anchors,
        certificates: &[],
        crls: &[],
    };
    verify_message(message, &trust, now, &VerifyOptions::default()).unwrap()
}

#[test]
fn samples_verify_and_hand_back_the_signed_entity() {
    let anchors = anchors();
    for message in [RSA, P256] {
        let report = verify(message, &anchors, NOW);
        assert_eq!(report.form, SignedForm::Detached);
        assert!(report.verified, "{:?}", report.signers);
        assert_eq!(report.signers.len(), 1);
        let s = &report.signers[0];
        assert_eq!(s.signature, SignatureStatus::Valid);
        assert_eq!(s.chain, ChainStatus::Valid);
        assert!(s.sender_match);
        assert_eq!(s.emails, vec!["merchant@shop.example".to_owned()]);
        assert!(s.subject.as_deref().unwrap().contains("CN=Merchant"));
        assert_eq!(s.path.len(), 2, "end entity and anchor");
        assert!(s.attributes.as_ref().unwrap().signing_time.is_some());
        // The content is the entity OpenSSL signed, byte for byte.
        assert_eq!(report.content.as_deref(), Some(ENTITY));
    }
}

#[test]
fn lf_only_copies_still_verify() {
    let text = String::from_utf8(RSA.to_vec())
        .unwrap()
        .replace("\r\n", "\n");
    let report = verify(text.as_bytes(), &anchors(), NOW);
    assert!(report.verified, "{:?}", report.signers);
    assert_eq!(
        report.content.as_deref(),
        Some(ENTITY),
        "CRLF canonical form is what was signed"
    );
}

#[test]
fn tampering_time_trust_and_sender_each_fail_on_their_own() {
    let anchors = anchors();
    let tampered = String::from_utf8(RSA.to_vec())
        .unwrap()
        .replace("has shipped", "is lost");
    let r = verify(tampered.as_bytes(), &anchors, NOW);
    assert!(!r.verified);
    assert_eq!(r.signers[0].signature, SignatureStatus::Invalid);
    assert_eq!(r.signers[0].chain, ChainStatus::Valid);
    assert!(r.content.is_none(), "unsigned content is never handed back");
    assert!(
        r.signers[0].reason.contains("signature"),
        "{}",
        r.signers[0].reason
    );

    // Eleven years later the certificates have expired.
    let r = verify(RSA, &anchors, NOW + 11 * 365 * 86_400);
    assert_eq!(r.signers[0].chain, ChainStatus::Invalid);
    assert!(!r.verified);

    let r = verify(RSA, &[], NOW);
    assert_eq!(r.signers[0].chain, ChainStatus::Untrusted);
    assert_eq!(r.signers[0].signature, SignatureStatus::Valid);

    let spoofed = String::from_utf8(RSA.to_vec()).unwrap().replacen(
        "<merchant@shop.example>",
        "<ceo@shop.example>",
        1,
    );
    let r = verify(spoofed.as_bytes(), &anchors, NOW);
    assert!(!r.signers[0].sender_match);
    assert!(!r.verified);
    assert!(
        r.signers[0].reason.contains("ceo@shop.example"),
        "{}",
        r.signers[0].reason
    );

    // A Sender field naming the certificate's address binds the signer
    // even when From is someone else (RFC 8550 §3).
    let on_behalf = format!("Sender: merchant@shop.example\r\n{spoofed}");
    let r = verify(on_behalf.as_bytes(), &anchors, NOW);
    assert!(r.signers[0].sender_match);
    assert!(r.verified);
}

fn openssl(args: &[&str], dir: &std::path::Path) -> bool {
    std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// CVE-2018-18509: a multipart/signed whose signature part is a SignedData
/// carrying content of its own. The signature is valid over *that* content;
/// the first part, which a client would show, is not what was signed.
#[test]
fn detached_signature_with_its_own_content_is_not_presented_as_signed() {
    let dir = std::env::temp_dir().join(format!("smime-cve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
    std::fs::write(
        dir.join("other.txt"),
        b"Content-Type: text/plain\r\n\r\nsomething else\r\n",
    )
    .unwrap();
    if !openssl(
        &[
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-outform",
            "DER",
            "-in",
            "other.txt",
            "-signer",
            &format!("{samples}/merchant-rsa.pem"),
            "-inkey",
            &format!("{samples}/merchant-rsa.key"),
            "-out",
            "attached.der",
        ],
        &dir,
    ) {
        eprintln!("skipped: openssl not available");
        return;
    }
    use base64::Engine as _;
    let der = std::fs::read(dir.join("attached.der")).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut message = String::from(
        "From: merchant@shop.example\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nPay account 1234 now.\r\n--b\r\n\
         Content-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n",
    );
    for chunk in b64.as_bytes().chunks(76) {
        message.push_str(std::str::from_utf8(chunk).unwrap());
        message.push_str("\r\n");
    }
    message.push_str("--b--\r\n");
    let r = verify(message.as_bytes(), &anchors(), NOW);
    assert!(!r.verified);
    assert_eq!(r.signers[0].signature, SignatureStatus::Invalid);
    assert_eq!(
        r.signers[0].signature_error,
        Some(SignatureFailure::DetachedWithContent)
    );
    assert!(r.content.is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn certs_only_and_encrypted_messages() {
    let dir = std::env::temp_dir().join(format!("smime-certsonly-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
    let ok = openssl(
        &[
            "crl2pkcs7",
            "-nocrl",
            "-certfile",
            &format!("{samples}/merchant-rsa.pem"),
            "-outform",
            "DER",
            "-out",
            "certs.der",
        ],
        &dir,
    ) && openssl(
        &[
            "cms",
            "-encrypt",
            "-aes256",
            "-in",
            &format!("{samples}/entity.txt"),
            "-out",
            "enc.eml",
            &format!("{samples}/merchant-rsa.pem"),
        ],
        &dir,
    );
    if !ok {
        eprintln!("skipped: openssl not available");
        return;
    }
    use base64::Engine as _;
    let der = std::fs::read(dir.join("certs.der")).unwrap();
    let message = format!(
        "Content-Type: application/pkcs7-mime; smime-type=certs-only\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        base64::engine::general_purpose::STANDARD.encode(der)
    );
    let r = verify(message.as_bytes(), &anchors(), NOW);
    assert_eq!(r.form, SignedForm::CertsOnly);
    assert!(!r.verified);
    assert!(r.signers.is_empty());
    assert_eq!(r.certificates.len(), 1);

    let encrypted = std::fs::read(dir.join("enc.eml")).unwrap();
    let trust = TrustInputs::default();
    let e = verify_message(&encrypted, &trust, NOW, &VerifyOptions::default()).unwrap_err();
    assert!(matches!(e, VerifyError::Encrypted(_)), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn not_smime_is_an_error_not_a_verdict() {
    let trust = TrustInputs::default();
    for input in [
        &b""[..],
        b"From: a@b.example\r\n\r\nhello\r\n",
        b"\x30\x80garbage",
    ] {
        assert!(verify_message(input, &trust, NOW, &VerifyOptions::default()).is_err());
    }
}
