#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]
//! Harvesting certificates from verified signed mail into a store, and
//! selecting the certificate to encrypt to, end to end:
//!
//! - `samples_*`: the OpenSSL-made samples (`scripts/make-smime-samples`),
//!   verified with the sample CA. Their certificates are for signing only
//!   (digitalSignature, nonRepudiation), so selection refuses them, saying so.
//! - `fresh_pki_*`: a test PKI made here with the `openssl` command line
//!   (root, intermediate, end entities with chosen keyUsage, EKU and
//!   lifetimes), messages signed with `openssl cms -sign`, verified at times
//!   after the root's notBefore (openssl's clock, not ours). Skipped when
//!   `openssl` is not on PATH.
//!
//! Each refusal (untrusted chain, From mismatch, tampered body, self-signed
//! or TLS-only signer) must give no harvest at all.

use std::path::PathBuf;
use std::process::Command;

use x509_cert::ext::pkix::KeyUsage;

use smime_core::{
    Certificate, CertificateStore, ChainStatus, Harvested, MemoryCertificateStore, RejectReason,
    RevocationMode, SelectError, SignatureStatus, StoredCertificate, TrustInputs,
    ValidationOptions, VerifyOptions, VerifyReport, harvest, select_encryption_certificate,
    store_harvest, verify_message,
};

use ChainStatus::Untrusted;
use SignatureStatus::{Invalid, Valid};

const CA: &[u8] = include_bytes!("../samples/ca.pem");
const RSA: &[u8] = include_bytes!("../samples/signed-rsa.eml");
const P256: &[u8] = include_bytes!("../samples/signed-p256.eml");
const NOW: u64 = 1_800_000_000;
const MERCHANT: &str = "merchant@shop.example";

fn opts() -> ValidationOptions {
    ValidationOptions {
        revocation: RevocationMode::Off,
        ..ValidationOptions::default()
    }
}

fn verify(message: &[u8], anchors: &[Certificate], now: u64) -> VerifyReport {
    let trust = TrustInputs {
        anchors,
        certificates: &[],
        crls: &[],
    };
    let options = VerifyOptions {
        validation: opts(),
        use_message_crls: false,
    };
    verify_message(message, &trust, now, &options).unwrap()
}

/// Verifies `message` with `anchors` at `now` and harvests it with the same inputs.
fn verify_and_harvest(message: &[u8], anchors: &[Certificate], now: u64) -> Vec<Harvested> {
    harvest(&verify(message, anchors, now), anchors, &[], now, &opts())
}

/// The one signer's (signature, chain, sender match).
fn verdict(report: &VerifyReport) -> (SignatureStatus, ChainStatus, bool) {
    assert_eq!(report.signers.len(), 1);
    let s = &report.signers[0];
    (s.signature, s.chain, s.sender_match)
}

/// Whether the certificate's keyUsage allows what encryption to its key
/// needs (keyEncipherment for RSA, keyAgreement for EC), read here with
/// x509-cert directly.
fn encryptable(c: &Certificate) -> bool {
    let tbs = c.x509().tbs_certificate();
    let rsa = tbs.subject_public_key_info().algorithm.oid.to_string() == "1.2.840.113549.1.1.1";
    match tbs.get_extension::<KeyUsage>().unwrap() {
        None => true,
        Some((_, ku)) if rsa => ku.key_encipherment(),
        Some((_, ku)) => ku.key_agreement(),
    }
}

fn edit(message: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(message.to_vec()).unwrap();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1).into_bytes()
}

#[test]
fn samples_are_harvested_but_their_signing_certificates_are_not_selected() {
    let anchors = Certificate::from_pem(CA).unwrap();
    let mut store = MemoryCertificateStore::new();
    for message in [RSA, P256] {
        let report = verify(message, &anchors, NOW);
        assert!(report.verified);
        let h = harvest(&report, &anchors, &[], NOW, &opts());
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].addresses, [MERCHANT]);
        let signer = &h[0].signer;
        assert_eq!(
            Some(&signer.certificate),
            report.signers[0].certificate.as_ref()
        );
        assert!(signer.chain.is_empty(), "issued by the root directly");
        assert!(!signer.capabilities.is_empty());
        assert!(signer.signing_time.is_some());
        assert!(!signer.preferred);
        assert_eq!(h[0].encryption, None);
        assert_eq!(store_harvest(&mut store, &h).unwrap(), 1);
    }
    assert_eq!(store.certificates_for(MERCHANT).len(), 2);
    assert_eq!(store.certificates_for("merchant@SHOP.Example").len(), 2);
    assert!(store.certificates_for("Merchant@shop.example").is_empty());
    // Harvesting the same message again updates, never duplicates.
    store_harvest(&mut store, &verify_and_harvest(RSA, &anchors, NOW + 5)).unwrap();
    let records = store.certificates_for(MERCHANT);
    assert_eq!(records.len(), 2);
    assert!(records.iter().any(|r| r.stored_at == NOW + 5));

    // Whether mail can be encrypted to the samples depends on their
    // keyUsage: signing only (digitalSignature, nonRepudiation) in the
    // first samples, dual-use (keyEncipherment for RSA, keyAgreement for
    // P-256) since they were regenerated for signing. The verdict must
    // follow the certificates either way.
    let fit: Vec<StoredCertificate> = records
        .iter()
        .filter(|r| encryptable(&r.certificate))
        .cloned()
        .collect();
    match select_encryption_certificate(&store, MERCHANT, &anchors, &[], NOW, &opts()) {
        Ok(s) => {
            let best = fit
                .iter()
                .max_by_key(|r| (r.signing_time, r.stored_at))
                .expect("selected, so one is fit");
            assert_eq!(s.entry.certificate, best.certificate);
            assert!(!s.by_preference);
            assert_eq!(s.path.len(), 2);
            assert_eq!(s.rejected.len(), 2 - fit.len());
            assert!(
                s.rejected
                    .iter()
                    .all(|r| matches!(r.reason, RejectReason::KeyUsage { .. }))
            );
        }
        Err(SelectError::NoneQualified { address, rejected }) => {
            assert!(fit.is_empty(), "{rejected:?}");
            assert_eq!(address, MERCHANT);
            let mut reasons: Vec<&RejectReason> = rejected.iter().map(|r| &r.reason).collect();
            reasons.sort_by_key(|r| r.to_string());
            assert_eq!(
                reasons,
                [
                    &RejectReason::KeyUsage {
                        needed: "keyAgreement"
                    },
                    &RejectReason::KeyUsage {
                        needed: "keyEncipherment"
                    },
                ]
            );
            let text = SelectError::NoneQualified { address, rejected }.to_string();
            assert!(text.contains("keyEncipherment"), "{text}");
        }
        Err(e) => panic!("{e:?}"),
    }
    assert_eq!(
        select_encryption_certificate(&store, "customer@home.example", &anchors, &[], NOW, &opts()),
        Err(SelectError::NoCertificate("customer@home.example".into()))
    );
}

#[test]
fn samples_refusal_table_gives_no_harvest() {
    let anchors = Certificate::from_pem(CA).unwrap();
    let from = "From: Shop Example <merchant@shop.example>";
    for message in [RSA, P256] {
        assert_eq!(verify_and_harvest(message, &anchors, NOW).len(), 1);
        let cases: Vec<(&str, Vec<u8>, Vec<Certificate>, u64)> = vec![
            ("no anchor", message.to_vec(), Vec::new(), NOW),
            (
                "From mismatch",
                edit(message, from, "From: Shop Example <merchant@evil.example>"),
                anchors.clone(),
                NOW,
            ),
            (
                "local part differs in case",
                edit(message, from, "From: Shop Example <Merchant@shop.example>"),
                anchors.clone(),
                NOW,
            ),
            (
                "tampered body",
                edit(message, "has shipped", "is lost"),
                anchors.clone(),
                NOW,
            ),
            (
                "expired",
                message.to_vec(),
                anchors.clone(),
                NOW + 20 * 365 * 86_400,
            ),
        ];
        // Each fails for its own reason only: (signature, chain, sender).
        let expected = [
            (Valid, Untrusted, true),
            (Valid, ChainStatus::Valid, false),
            (Valid, ChainStatus::Valid, false),
            (Invalid, ChainStatus::Valid, true),
            (Valid, ChainStatus::Invalid, true),
        ];
        for ((what, message, anchors_used, now), expected) in cases.into_iter().zip(expected) {
            let report = verify(&message, &anchors_used, now);
            assert!(!report.verified, "{what}");
            assert_eq!(verdict(&report), expected, "{what}");
            assert!(
                harvest(&report, &anchors, &[], now, &opts()).is_empty(),
                "{what}"
            );
        }
        // Verified without the anchor, harvested with it: the verdict stands.
        let untrusted = verify(message, &[], NOW);
        assert_eq!(untrusted.signers[0].chain, Untrusted);
        assert!(harvest(&untrusted, &anchors, &[], NOW, &opts()).is_empty());
    }
}

// ---------------------------------------------------------------------------
// A fresh PKI made with the openssl command line.

fn have_openssl() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

const EXTENSIONS: &str = "\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[inter]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[dual]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:alice@pki.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ec]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyAgreement
extendedKeyUsage = emailProtection
subjectAltName = email:alice@pki.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[sig]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
subjectAltName = email:alice@pki.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[tls]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = email:alice@pki.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[selfsigned]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:alice@pki.example
subjectKeyIdentifier = hash
";

const CONTENT: &str = "Content-Type: text/plain; charset=utf-8\r\n\r\nMeet at noon.\r\n";
const ALICE: &str = "alice@pki.example";

/// A temporary directory with the PKI, removed on drop.
struct Pki {
    dir: PathBuf,
    /// When the PKI was made: the root's notBefore (the others are a
    /// moment later). The test takes the present time from openssl.
    made: u64,
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Pki {
    fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(&self.dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("smime-store-harvest-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut pki = Self { dir, made: 0 };
        std::fs::write(pki.dir.join("ext.cnf"), EXTENSIONS).unwrap();
        std::fs::write(pki.dir.join("content.txt"), CONTENT).unwrap();
        for (key, args) in [
            (
                "root.key",
                &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"][..],
            ),
            (
                "inter.key",
                &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"][..],
            ),
            (
                "rsa.key",
                &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"][..],
            ),
            (
                "ec.key",
                &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"][..],
            ),
        ] {
            let mut all = vec!["genpkey"];
            all.extend_from_slice(args);
            all.extend_from_slice(&["-out", key]);
            pki.openssl(&all);
        }
        pki.openssl(&[
            "req",
            "-x509",
            "-new",
            "-key",
            "root.key",
            "-config",
            "ext.cnf",
            "-subj",
            "/O=store tests/CN=Fresh Root",
            "-extensions",
            "root",
            "-days",
            "3650",
            "-out",
            "root.pem",
        ]);
        pki.made = pki
            .cert("root")
            .x509()
            .tbs_certificate()
            .validity()
            .not_before
            .to_unix_duration()
            .as_secs();
        pki.issue("inter", "inter.key", "inter", "root", "3650");
        pki.issue("dual", "rsa.key", "dual", "inter", "3650");
        pki.issue("ec", "ec.key", "ec", "inter", "3650");
        pki.issue("sig", "rsa.key", "sig", "inter", "3650");
        pki.issue("short", "rsa.key", "dual", "inter", "1");
        pki.issue("tls", "rsa.key", "tls", "inter", "3650");
        pki.openssl(&[
            "req",
            "-x509",
            "-new",
            "-key",
            "rsa.key",
            "-config",
            "ext.cnf",
            "-subj",
            "/O=store tests/CN=Alice self-signed",
            "-extensions",
            "selfsigned",
            "-days",
            "3650",
            "-out",
            "selfsigned.pem",
        ]);
        pki
    }

    /// Issues `name.pem` for `key` with the extension section `ext`, signed by `ca`.
    fn issue(&self, name: &str, key: &str, ext: &str, ca: &str, days: &str) {
        let csr = format!("{name}.csr");
        let pem = format!("{name}.pem");
        let (ca_pem, ca_key) = (format!("{ca}.pem"), format!("{ca}.key"));
        let subject = format!("/O=store tests/CN={name}");
        self.openssl(&[
            "req", "-new", "-key", key, "-config", "ext.cnf", "-subj", &subject, "-out", &csr,
        ]);
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca_pem,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-days",
            days,
            "-sha256",
            "-extfile",
            "ext.cnf",
            "-extensions",
            ext,
            "-out",
            &pem,
        ]);
    }

    fn cert(&self, name: &str) -> Certificate {
        let pem = std::fs::read(self.dir.join(format!("{name}.pem"))).unwrap();
        Certificate::from_pem(&pem).unwrap().remove(0)
    }

    /// A message signed with certificate `name` (and `key`), carrying the
    /// intermediate, From `from`.
    fn sign(&self, name: &str, key: &str, from: &str) -> Vec<u8> {
        let cert = format!("{name}.pem");
        let raw = format!("{name}.signed");
        self.openssl(&[
            "cms",
            "-sign",
            "-in",
            "content.txt",
            "-signer",
            &cert,
            "-inkey",
            key,
            "-certfile",
            "inter.pem",
            "-md",
            "sha256",
            "-crlfeol",
            "-out",
            &raw,
        ]);
        let mut message =
            format!("From: Alice <{from}>\r\nTo: bob@pki.example\r\nSubject: {name}\r\n")
                .into_bytes();
        message.extend_from_slice(&std::fs::read(self.dir.join(&raw)).unwrap());
        message
    }

    fn root(&self) -> Vec<Certificate> {
        vec![self.cert("root")]
    }
}

fn skip_without_openssl(test: &str) -> bool {
    if have_openssl() {
        return false;
    }
    eprintln!("{test}: skipped: openssl is not on PATH");
    true
}

fn subject(c: &Certificate) -> String {
    c.subject_string()
}

#[test]
fn fresh_pki_harvest_and_select() {
    if skip_without_openssl("fresh_pki_harvest_and_select") {
        return;
    }
    let pki = Pki::new("select");
    let anchors = pki.root();
    let t0 = pki.made + 60;
    let mut store = MemoryCertificateStore::new();
    // Signed and harvested in this order: the last has the newest (or an
    // equal) signing time and the newest stored time.
    for (i, (name, key)) in [
        ("short", "rsa.key"),
        ("sig", "rsa.key"),
        ("ec", "ec.key"),
        ("dual", "rsa.key"),
    ]
    .into_iter()
    .enumerate()
    {
        let message = pki.sign(name, key, ALICE);
        let at = t0 + 10 * i as u64;
        let h = verify_and_harvest(&message, &anchors, at);
        assert_eq!(h.len(), 1, "{name}");
        assert_eq!(h[0].addresses, [ALICE]);
        assert_eq!(h[0].signer.certificate, pki.cert(name));
        assert_eq!(
            h[0].signer.chain,
            [pki.cert("inter")],
            "{name}: the intermediate"
        );
        assert_eq!(h[0].signer.stored_at, at);
        assert_eq!(store_harvest(&mut store, &h).unwrap(), 1);
    }
    assert_eq!(store.certificates_for(ALICE).len(), 4);

    // All valid: dual and ec can be encrypted to, short too; sig cannot.
    let t1 = t0 + 100;
    let s = select_encryption_certificate(&store, ALICE, &anchors, &[], t1, &opts()).unwrap();
    assert_eq!(subject(&s.entry.certificate), subject(&pki.cert("dual")));
    assert!(!s.by_preference);
    assert_eq!(
        s.path,
        [pki.cert("dual"), pki.cert("inter"), pki.cert("root")]
    );
    assert_eq!(s.rejected.len(), 1);
    assert_eq!(
        s.rejected[0].reason,
        RejectReason::KeyUsage {
            needed: "keyEncipherment"
        }
    );

    // Three days on, `short` has expired.
    let t3 = pki.made + 3 * 86_400;
    let s = select_encryption_certificate(&store, ALICE, &anchors, &[], t3, &opts()).unwrap();
    assert_eq!(s.entry.certificate, pki.cert("dual"));
    let mut reasons: Vec<String> = s.rejected.iter().map(|r| r.reason.to_string()).collect();
    reasons.sort();
    assert_eq!(
        reasons,
        ["expired", "its key usage does not allow keyEncipherment"]
    );

    // Without dual, the EC certificate (keyAgreement).
    assert!(store.remove(ALICE, &pki.cert("dual")).unwrap());
    let s = select_encryption_certificate(&store, ALICE, &anchors, &[], t3, &opts()).unwrap();
    assert_eq!(s.entry.certificate, pki.cert("ec"));

    // Without it, nothing qualifies, and each reason is given.
    assert!(store.remove(ALICE, &pki.cert("ec")).unwrap());
    let e = select_encryption_certificate(&store, ALICE, &anchors, &[], t3, &opts()).unwrap_err();
    let SelectError::NoneQualified { rejected, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(rejected.len(), 2);
    assert!(rejected.iter().any(|r| r.reason == RejectReason::Expired));

    // Another anchor: untrusted, every one.
    let other = vec![Certificate::from_pem(CA).unwrap().remove(0)];
    let e = select_encryption_certificate(&store, ALICE, &other, &[], t1, &opts()).unwrap_err();
    let SelectError::NoneQualified { rejected, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(
        rejected
            .iter()
            .filter(|r| r.reason
                != RejectReason::KeyUsage {
                    needed: "keyEncipherment"
                })
            .all(|r| matches!(r.reason, RejectReason::Untrusted(_))),
        "{e}"
    );
}

#[test]
fn fresh_pki_refusal_table_gives_no_harvest() {
    if skip_without_openssl("fresh_pki_refusal_table_gives_no_harvest") {
        return;
    }
    let pki = Pki::new("refusals");
    let anchors = pki.root();
    let at = pki.made + 60;
    // The control: dual from alice verifies and is harvested.
    let good = pki.sign("dual", "rsa.key", ALICE);
    assert_eq!(verify_and_harvest(&good, &anchors, at).len(), 1);

    let cases: Vec<(&str, Vec<u8>, Vec<Certificate>)> = vec![
        // A self-signed certificate claiming alice's address.
        (
            "self-signed",
            pki.sign("selfsigned", "rsa.key", ALICE),
            anchors.clone(),
        ),
        // Its chain is valid but its EKU is not for mail (RFC 8550 §4.4.4).
        (
            "TLS only",
            pki.sign("tls", "rsa.key", ALICE),
            anchors.clone(),
        ),
        // Signed by alice, sent as mallory.
        (
            "From mismatch",
            pki.sign("dual", "rsa.key", "mallory@pki.example"),
            anchors.clone(),
        ),
        (
            "tampered body",
            edit(&good, "Meet at noon.", "Meet at one."),
            anchors.clone(),
        ),
        // The right chain, but the caller does not trust its root.
        (
            "untrusted root",
            good.clone(),
            Certificate::from_pem(CA).unwrap(),
        ),
    ];
    let expected = [
        (Valid, Untrusted, true),
        (Valid, ChainStatus::Invalid, true),
        (Valid, ChainStatus::Valid, false),
        (Invalid, ChainStatus::Valid, true),
        (Valid, Untrusted, true),
    ];
    for ((what, message, anchors_used), expected) in cases.into_iter().zip(expected) {
        let report = verify(&message, &anchors_used, at);
        assert!(!report.verified, "{what}");
        assert_eq!(verdict(&report), expected, "{what}");
        let h = harvest(&report, &anchors, &[], at, &opts());
        assert!(h.is_empty(), "{what}: {h:?}");
        let mut store = MemoryCertificateStore::new();
        assert_eq!(store_harvest(&mut store, &h).unwrap(), 0);
        assert!(store.is_empty());
    }

    // The self-signed certificate is harvested only when the caller made
    // it an anchor itself.
    let selfsigned = pki.sign("selfsigned", "rsa.key", ALICE);
    let own = vec![pki.cert("selfsigned")];
    let h = verify_and_harvest(&selfsigned, &own, at);
    assert_eq!(h.len(), 1);
    assert!(h[0].signer.chain.is_empty());
}
