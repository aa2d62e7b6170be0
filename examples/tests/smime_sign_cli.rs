#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `mailsec smime sign` against the contract (../shared/docs/mailsec-cli.md,
//! S/MIME) and against OpenSSL: a fresh test PKI is made with the `openssl`
//! command line in every run (root CA, intermediate CA, end entities with
//! RSA, ECDSA P-256 and P-384, and Ed25519 keys), messages are signed by `mailsec`
//! and checked by `openssl cms -verify` and by `mailsec smime verify`.
//! Skipped when `openssl` is not on PATH.
//!
//! OpenSSL 3.0 and 3.1 cannot verify an Ed25519 CMS signature ("invalid
//! digest"): there, Ed25519 messages are checked by `mailsec` alone.

mod common;
mod openssl_support;

use std::path::Path;
use std::process::Command;

use common::mailsec;
use openssl_support::{TempDir, have_openssl, openssl, unix_now};
use serde_json::Value;

const EXTENSIONS: &str = "\
[req]
distinguished_name = dn
[dn]
[root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[inter]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ee]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection
subjectAltName = email:alice@example.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = email:alice@example.test
";

/// The message signed: RFC 5322 fields, then the MIME entity.
const MESSAGE: &str = "From: Alice <alice@example.test>\r\n\
To: bob@example.test\r\n\
Subject: signed by mailsec\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=us-ascii\r\n\
\r\n\
Hello Bob,\r\n\
\r\n\
this line ends with spaces   \r\n\
From the start of a line.\r\n\
.\r\n\
-- \r\n\
Alice\r\n";

/// What is signed: the entity of [`MESSAGE`], canonical.
const ENTITY: &str = "Content-Type: text/plain; charset=us-ascii\r\n\
\r\n\
Hello Bob,\r\n\
\r\n\
this line ends with spaces   \r\n\
From the start of a line.\r\n\
.\r\n\
-- \r\n\
Alice\r\n";

struct Pki {
    dir: TempDir,
    now: String,
}

impl Pki {
    fn new(tag: &str) -> Pki {
        let dir = TempDir::new(&format!("sign-{tag}"));
        let d = dir.0.as_path();
        std::fs::write(d.join("ext.cnf"), EXTENSIONS).unwrap();
        std::fs::write(d.join("message.eml"), MESSAGE).unwrap();
        std::fs::write(d.join("message-lf.eml"), MESSAGE.replace("\r\n", "\n")).unwrap();
        let cnf = ["-config", "ext.cnf"];
        openssl(
            d,
            &[
                &["req", "-x509", "-extensions", "root"][..],
                &cnf,
                &[
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-keyout",
                    "root.key",
                    "-out",
                    "root.pem",
                    "-days",
                    "3650",
                    "-subj",
                    "/O=Mailsec Sign Tests/CN=Sign Test Root",
                ],
            ]
            .concat(),
        );
        let issue =
            |name: &str, keygen: &[&str], subject: &str, ca: &str, ext: &str, serial: &str| {
                if !keygen.is_empty() {
                    openssl(
                        d,
                        &[&["genpkey"][..], keygen, &["-out", &format!("{name}.key")]].concat(),
                    );
                }
                openssl(
                    d,
                    &[
                        &["req", "-new", "-key", &format!("{name}.key")][..],
                        &cnf,
                        &["-subj", subject, "-out", &format!("{name}.csr")],
                    ]
                    .concat(),
                );
                openssl(
                    d,
                    &[
                        "x509",
                        "-req",
                        "-in",
                        &format!("{name}.csr"),
                        "-CA",
                        &format!("{ca}.pem"),
                        "-CAkey",
                        &format!("{ca}.key"),
                        "-set_serial",
                        serial,
                        "-days",
                        "365",
                        "-sha256",
                        "-extfile",
                        "ext.cnf",
                        "-extensions",
                        ext,
                        "-out",
                        &format!("{name}.pem"),
                    ],
                );
            };
        let rsa = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"];
        issue(
            "inter",
            &rsa,
            "/O=Mailsec Sign Tests/CN=Sign Test Intermediate",
            "root",
            "inter",
            "2",
        );
        issue("ee-rsa", &rsa, "/CN=Alice RSA", "inter", "ee", "10");
        issue(
            "ee-p256",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
            "/CN=Alice P-256",
            "inter",
            "ee",
            "11",
        );
        issue(
            "ee-p384",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
            "/CN=Alice P-384",
            "inter",
            "ee",
            "14",
        );
        issue(
            "ee-ed25519",
            &["-algorithm", "ED25519"],
            "/CN=Alice Ed25519",
            "inter",
            "ee",
            "12",
        );
        issue(
            "ee-server",
            &rsa,
            "/CN=Alice Server",
            "inter",
            "server",
            "13",
        );
        // The same keys in the other encodings the contract accepts.
        openssl(
            d,
            &[
                "pkey",
                "-in",
                "ee-rsa.key",
                "-traditional",
                "-out",
                "ee-rsa.pkcs1.pem",
            ],
        );
        openssl(d, &["ec", "-in", "ee-p256.key", "-out", "ee-p256.sec1.pem"]);
        openssl(
            d,
            &[
                "pkey",
                "-in",
                "ee-p256.key",
                "-outform",
                "DER",
                "-out",
                "ee-p256.der",
            ],
        );
        openssl(
            d,
            &[
                "pkey",
                "-in",
                "ee-rsa.key",
                "-aes256",
                "-passout",
                "pass:secret",
                "-out",
                "ee-rsa.enc.pem",
            ],
        );
        // Certificate and chain in one file.
        let both = [
            std::fs::read(d.join("ee-rsa.pem")).unwrap(),
            std::fs::read(d.join("inter.pem")).unwrap(),
        ]
        .concat();
        std::fs::write(d.join("ee-rsa-chain.pem"), both).unwrap();
        Pki {
            dir,
            now: (unix_now() + 60).to_string(),
        }
    }

    fn dir(&self) -> &Path {
        &self.dir.0
    }

    fn path(&self, name: &str) -> String {
        self.dir().join(name).to_str().unwrap().to_owned()
    }

    /// `mailsec smime sign` with `args` (paths relative to the PKI); the
    /// run's output.
    fn sign(&self, args: &[&str], message: &str) -> std::process::Output {
        let mut all = vec!["smime".to_owned(), "sign".to_owned()];
        let mut expect_path = false;
        for a in args {
            if expect_path {
                all.push(self.path(a));
                expect_path = false;
            } else {
                expect_path = matches!(*a, "--cert" | "--key" | "--chain");
                all.push((*a).to_owned());
            }
        }
        all.push("--now".to_owned());
        all.push(self.now.clone());
        all.push(self.path(message));
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        mailsec(&refs, None)
    }

    /// Signs and returns the message, panicking when signing fails.
    fn signed(&self, args: &[&str], message: &str, save_as: &str) -> Vec<u8> {
        let out = self.sign(args, message);
        assert_eq!(
            out.status.code(),
            Some(0),
            "sign {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(self.dir().join(save_as), &out.stdout).unwrap();
        out.stdout
    }

    /// `openssl cms -verify` against the root alone (the chain must come
    /// from the message); the verified content on success.
    fn openssl_verify(&self, file: &str) -> Result<Vec<u8>, String> {
        // Not -binary: OpenSSL's binary multipart reader keeps the CR of
        // the CRLF that belongs to the boundary delimiter (RFC 2046
        // §5.1.1), so CRLF mail (all mail on the wire) fails that way.
        let out = Command::new("openssl")
            .args(["cms", "-verify", "-CAfile", "root.pem", "-in", file])
            .args(["-purpose", "smimesign", "-out", "verified.out"])
            .current_dir(self.dir())
            .output()
            .unwrap();
        if out.status.success() {
            Ok(std::fs::read(self.dir().join("verified.out")).unwrap())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// `mailsec smime verify --trust root.pem`: the JSON.
    fn mailsec_verify(&self, file: &str) -> Value {
        let out = mailsec(
            &[
                "smime",
                "verify",
                "--trust",
                &self.path("root.pem"),
                "--now",
                &self.now,
                &self.path(file),
            ],
            None,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn openssl_verifies_ed25519() -> bool {
    let out = Command::new("openssl").arg("version").output().unwrap();
    let version = String::from_utf8_lossy(&out.stdout).into_owned();
    !(version.starts_with("OpenSSL 3.0") || version.starts_with("OpenSSL 3.1"))
}

fn skip(test: &str) -> bool {
    if have_openssl() {
        return false;
    }
    eprintln!("{test}: skipped: openssl not found");
    true
}

fn assert_verified(json: &Value, what: &str) {
    assert_eq!(json["verified"], Value::Bool(true), "{what}: {json}");
    let signer = &json["signers"][0];
    assert_eq!(signer["signature"], "valid", "{what}");
    assert_eq!(signer["chain"], "valid", "{what}");
    assert_eq!(signer["sender_match"], Value::Bool(true), "{what}");
}

/// RSA PKCS#1 v1.5, RSA-PSS, P-256 and P-384 × detached/opaque × SHA-256/384/512
/// × CRLF/LF input: OpenSSL verifies every one, with the intermediate taken
/// from the message, and hands back exactly the canonical entity; mailsec
/// verifies them too.
#[test]
fn openssl_verifies_what_we_sign() {
    if skip("openssl_verifies_what_we_sign") {
        return;
    }
    let pki = Pki::new("matrix");
    let mut count = 0;
    for (key, pss) in [
        ("rsa", false),
        ("rsa", true),
        ("p256", false),
        ("p384", false),
    ] {
        for opaque in [false, true] {
            for digest in ["sha256", "sha384", "sha512"] {
                for input in ["message.eml", "message-lf.eml"] {
                    let cert = format!("ee-{key}.pem");
                    let keyfile = format!("ee-{key}.key");
                    let mut args = vec![
                        "--cert",
                        &cert,
                        "--key",
                        &keyfile,
                        "--chain",
                        "inter.pem",
                        "--digest",
                        digest,
                    ];
                    if pss {
                        args.push("--pss");
                    }
                    if opaque {
                        args.push("--opaque");
                    }
                    let what = format!("{key} pss={pss} opaque={opaque} {digest} {input}");
                    let signed = pki.signed(&args, input, "signed.eml");
                    let text = String::from_utf8_lossy(&signed).into_owned();
                    assert!(
                        text.starts_with("From: Alice <alice@example.test>\r\n"),
                        "{what}"
                    );
                    assert!(
                        !text.contains("\r\nMIME-Version: 1.0\r\nMIME-Version"),
                        "{what}"
                    );
                    assert!(
                        !signed.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'),
                        "{what}: output has a bare LF"
                    );
                    if opaque {
                        assert!(text.contains("application/pkcs7-mime; smime-type=signed-data"));
                    } else {
                        let micalg = format!("micalg=sha-{};", &digest[3..]);
                        assert!(text.contains(&micalg), "{what}: {micalg}");
                        assert!(text.contains("protocol=\"application/pkcs7-signature\""));
                    }
                    let content = pki
                        .openssl_verify("signed.eml")
                        .unwrap_or_else(|e| panic!("{what}: openssl refused: {e}"));
                    assert_eq!(String::from_utf8_lossy(&content), ENTITY, "{what}");
                    if pss {
                        let printed = openssl(
                            pki.dir(),
                            &["cms", "-cmsout", "-print", "-noout", "-in", "signed.eml"],
                        );
                        let printed = String::from_utf8_lossy(&printed).to_lowercase();
                        assert!(printed.contains("rsassapss"), "{what}: not PSS");
                    }
                    assert_verified(&pki.mailsec_verify("signed.eml"), &what);
                    count += 1;
                }
            }
        }
    }
    assert_eq!(count, 48);
}

/// Ed25519 (RFC 8419, SHA-512): mailsec verifies detached and opaque; so
/// does OpenSSL from 3.2 on.
#[test]
fn ed25519_signatures() {
    if skip("ed25519_signatures") {
        return;
    }
    let pki = Pki::new("ed25519");
    for opaque in [false, true] {
        let mut args = vec![
            "--cert",
            "ee-ed25519.pem",
            "--key",
            "ee-ed25519.key",
            "--chain",
            "inter.pem",
        ];
        if opaque {
            args.push("--opaque");
        }
        let signed = pki.signed(&args, "message.eml", "ed.eml");
        if !opaque {
            assert!(String::from_utf8_lossy(&signed).contains("micalg=sha-512;"));
        }
        assert_verified(&pki.mailsec_verify("ed.eml"), "ed25519");
        let openssl = pki.openssl_verify("ed.eml");
        if openssl_verifies_ed25519() {
            assert_eq!(String::from_utf8_lossy(&openssl.unwrap()), ENTITY);
        } else {
            let error = openssl.unwrap_err();
            assert!(error.contains("invalid digest"), "{error}");
            eprintln!(
                "ed25519_signatures: OpenSSL 3.0/3.1 cannot verify Ed25519 CMS; mailsec only"
            );
        }
    }
    // sha512 may be named; any other digest is refused (RFC 8419).
    let args = [
        "--cert",
        "ee-ed25519.pem",
        "--key",
        "ee-ed25519.key",
        "--digest",
        "sha512",
    ];
    pki.signed(&args, "message.eml", "ed512.eml");
    let out = pki.sign(
        &[
            "--cert",
            "ee-ed25519.pem",
            "--key",
            "ee-ed25519.key",
            "--digest",
            "sha256",
        ],
        "message.eml",
    );
    assert_eq!(out.status.code(), Some(1));
}

/// PKCS#1 RSA, SEC1 EC and DER PKCS#8 keys; a certificate file that holds
/// the chain too.
#[test]
fn key_encodings_and_chain_in_the_cert_file() {
    if skip("key_encodings_and_chain_in_the_cert_file") {
        return;
    }
    let pki = Pki::new("keys");
    for (cert, key) in [
        ("ee-rsa.pem", "ee-rsa.pkcs1.pem"),
        ("ee-p256.pem", "ee-p256.sec1.pem"),
        ("ee-p256.pem", "ee-p256.der"),
        ("ee-rsa-chain.pem", "ee-rsa.key"),
    ] {
        let mut args = vec!["--cert", cert, "--key", key];
        if cert != "ee-rsa-chain.pem" {
            args.extend(["--chain", "inter.pem"]);
        }
        pki.signed(&args, "message.eml", "k.eml");
        let content = pki
            .openssl_verify("k.eml")
            .unwrap_or_else(|e| panic!("{cert} {key}: {e}"));
        assert_eq!(String::from_utf8_lossy(&content), ENTITY);
    }
    // Without the chain, OpenSSL (given only the root) cannot build the path.
    pki.signed(
        &["--cert", "ee-rsa.pem", "--key", "ee-rsa.key"],
        "message.eml",
        "nochain.eml",
    );
    assert!(pki.openssl_verify("nochain.eml").is_err());
}

/// Tampering after signing is caught by OpenSSL; bad inputs exit 1 with a
/// message, usage errors 2.
#[test]
fn refusals() {
    if skip("refusals") {
        return;
    }
    let pki = Pki::new("refusals");
    let signed = pki.signed(
        &[
            "--cert",
            "ee-rsa.pem",
            "--key",
            "ee-rsa.key",
            "--chain",
            "inter.pem",
        ],
        "message.eml",
        "good.eml",
    );
    let tampered = String::from_utf8_lossy(&signed).replacen("Hello Bob", "Hello Eve", 1);
    std::fs::write(pki.dir().join("tampered.eml"), tampered).unwrap();
    let error = pki.openssl_verify("tampered.eml").unwrap_err();
    assert!(
        error.contains("Verification failure") || error.contains("digest failure"),
        "{error}"
    );
    let json = pki.mailsec_verify("tampered.eml");
    assert_eq!(json["verified"], Value::Bool(false));
    assert_eq!(json["signers"][0]["signature"], "invalid");

    for (args, why) in [
        (
            vec!["--cert", "ee-p256.pem", "--key", "ee-rsa.key"],
            "does not belong",
        ),
        (
            vec!["--cert", "ee-server.pem", "--key", "ee-server.key"],
            "may not sign mail",
        ),
        (
            vec![
                "--cert",
                "ee-rsa.pem",
                "--key",
                "ee-rsa.key",
                "--digest",
                "md5",
            ],
            "--digest",
        ),
        (
            vec!["--cert", "ee-p256.pem", "--key", "ee-p256.key", "--pss"],
            "PSS",
        ),
        (
            vec!["--cert", "ee-rsa.pem", "--key", "ee-rsa.enc.pem"],
            "encrypted",
        ),
        (
            vec!["--cert", "ee-rsa.pem", "--key", "missing.key"],
            "missing.key",
        ),
        (
            vec!["--cert", "ee-rsa.key", "--key", "ee-rsa.key"],
            "--cert",
        ),
    ] {
        let out = pki.sign(&args, "message.eml");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(why), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // A usage error: --cert missing.
    let out = mailsec(
        &["smime", "sign", "--key", &pki.path("ee-rsa.key")],
        Some(MESSAGE.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(2));
    // Standard input works like a file.
    let out = mailsec(
        &[
            "smime",
            "sign",
            "--cert",
            &pki.path("ee-rsa.pem"),
            "--key",
            &pki.path("ee-rsa.key"),
            "--chain",
            &pki.path("inter.pem"),
            "--now",
            &pki.now,
        ],
        Some(MESSAGE.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0));
    std::fs::write(pki.dir().join("stdin.eml"), &out.stdout).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&pki.openssl_verify("stdin.eml").unwrap()),
        ENTITY
    );
}
