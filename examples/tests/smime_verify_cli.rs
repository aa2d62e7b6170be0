#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `mailsec smime verify` against the contract (../shared/docs/mailsec-cli.md,
//! S/MIME): one JSON object `{"verified", "signers": [{"signature", "chain",
//! "sender_match", "emails", "subject", "reason"}]}`; exit 0 whatever the
//! verdict, 1 for input that cannot be processed, 2 for usage errors.
//!
//! - `cli_openssl_*`: interoperability with OpenSSL. A fresh test PKI is made
//!   in every run under the system temporary directory (root CA, intermediate
//!   CA, end-entity certificates for RSA, RSA-PSS and ECDSA P-256), messages
//!   are signed with `openssl cms -sign`, and removed at the end. Skipped when
//!   `openssl` is not on PATH.
//! - `cli_rfc9216_*`, `cli_pkits_smime_subset`: the shared vectors under
//!   ../shared/vectors (skipped when absent).
//! - `cli_pkits_full`: the 224 NIST PKITS S/MIME messages of the PyPI package
//!   `cryptography-vectors` (scripts/peers-requirements.txt), found through
//!   `PKITS_DATA` or target/peers-venv; missing peers fail the test when
//!   `MAILSEC_REQUIRE_PEERS` is set (scripts/test sets it), else it is skipped.
//! - `fixtures_*`: the OpenSSL fixtures alone, checked with `openssl cms
//!   -verify`: they do not need the command.

mod common;
mod openssl_support;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::mailsec;
use openssl_support::{TempDir, have_openssl, openssl, openssl_ok, unix_now};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Helpers

/// Base64 with 64-character CRLF-terminated lines (RFC 2045 §6.8).
fn base64_lines(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut flat = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                flat.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                flat.push('=');
            }
        }
    }
    let mut out = String::new();
    for line in flat.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push_str("\r\n");
    }
    out
}

/// The result of one `mailsec smime verify` run.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    json: Value,
    stdout: String,
    stderr: String,
}

impl Run {
    fn signers(&self) -> &Vec<Value> {
        self.json["signers"]
            .as_array()
            .unwrap_or_else(|| panic!("no signers array: {self:?}"))
    }

    fn signer(&self) -> &Value {
        let signers = self.signers();
        assert_eq!(signers.len(), 1, "{self:?}");
        &signers[0]
    }

    fn verified(&self) -> bool {
        self.json["verified"]
            .as_bool()
            .unwrap_or_else(|| panic!("no verified boolean: {self:?}"))
    }
}

/// `mailsec smime verify ARGS` (the message is among ARGS, or `stdin`).
fn verify(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut all = vec!["smime", "verify"];
    all.extend_from_slice(args);
    let out = mailsec(&all, stdin);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    Run {
        code: out.status.code(),
        json,
        stdout,
        stderr,
    }
}

/// `verify` for a run that must succeed (exit 0, one JSON object).
fn verify_ok(args: &[&str]) -> Run {
    let run = verify(args, None);
    assert_eq!(run.code, Some(0), "mailsec smime verify {args:?}: {run:?}");
    assert_eq!(
        run.stdout.trim_end().lines().count(),
        1,
        "one JSON line expected: {run:?}"
    );
    assert!(run.json.is_object(), "{run:?}");
    run
}

fn field<'v>(signer: &'v Value, name: &str) -> &'v str {
    signer[name]
        .as_str()
        .unwrap_or_else(|| panic!("no string {name:?} in {signer}"))
}

/// A fully successful verdict for alice@example.test.
fn assert_all_valid(run: &Run, what: &str) {
    let s = run.signer();
    assert_eq!(field(s, "signature"), "valid", "{what}: {run:?}");
    assert_eq!(field(s, "chain"), "valid", "{what}: {run:?}");
    assert_eq!(s["sender_match"], Value::Bool(true), "{what}: {run:?}");
    let emails = s["emails"].as_array().unwrap();
    assert!(
        emails.iter().any(|e| e == "alice@example.test"),
        "{what}: {run:?}"
    );
    assert!(field(s, "subject").contains("CN=Alice"), "{what}: {run:?}");
    assert!(s["reason"].is_string(), "{what}: {run:?}");
    assert!(run.verified(), "{what}: {run:?}");
}

// ---------------------------------------------------------------------------
// The OpenSSL test PKI

const OPENSSL_CNF: &str = "\
[req]
distinguished_name = dn
[dn]
[v3_root]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_inter]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_ee]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = emailProtection
subjectAltName = email:alice@example.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_ee_server]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = email:alice@example.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ca]
default_ca = interca
[interca]
database = index.txt
crlnumber = crlnumber
certificate = inter.pem
private_key = inter.key
default_md = sha256
default_crl_days = 30
new_certs_dir = .
serial = serial
policy = anything
[anything]
commonName = supplied
";

/// The signed content: a MIME entity, CRLF line ends.
const CONTENT: &[u8] = b"Content-Type: text/plain; charset=us-ascii\r\n\r\nhello from alice\r\n";

/// The end-entity keys of the fixture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    /// RSA-2048, PKCS#1 v1.5 signatures.
    Rsa,
    /// The same RSA key, RSASSA-PSS signatures.
    Pss,
    /// ECDSA P-256.
    P256,
    /// RSA-2048 with extendedKeyUsage serverAuth only.
    Server,
    /// RSA-2048, revoked in inter.crl.
    Revoked,
}

impl Key {
    fn files(self) -> (&'static str, &'static str) {
        match self {
            Key::Rsa | Key::Pss => ("ee-rsa.pem", "ee-rsa.key"),
            Key::P256 => ("ee-p256.pem", "ee-p256.key"),
            Key::Server => ("ee-server.pem", "ee-server.key"),
            Key::Revoked => ("ee-revoked.pem", "ee-revoked.key"),
        }
    }
}

/// The fixture PKI in a temporary directory:
///
/// - `root.pem`/`root.key`: RSA-2048 self-signed root, basicConstraints
///   critical CA:true, keyUsage keyCertSign cRLSign, 10 years;
/// - `inter.pem`/`inter.key`: RSA-2048 intermediate CA issued by the root;
/// - `ee-rsa`, `ee-p256`, `ee-server` (EKU serverAuth only), `ee-revoked`:
///   end-entity certificates issued by the intermediate, 365 days, SAN
///   email:alice@example.test, keyUsage digitalSignature, EKU emailProtection;
/// - `other-root.pem`: an unrelated self-signed root;
/// - `inter.crl`: the intermediate's CRL, revoking `ee-revoked`;
/// - `content.txt`: [`CONTENT`].
struct Pki {
    dir: TempDir,
    /// A time inside every certificate's validity, for `--now`.
    now: u64,
}

impl Pki {
    fn new(tag: &str) -> Pki {
        let dir = TempDir::new(tag);
        let d = dir.0.as_path();
        std::fs::write(d.join("openssl.cnf"), OPENSSL_CNF).unwrap();
        std::fs::write(d.join("content.txt"), CONTENT).unwrap();
        std::fs::write(d.join("index.txt"), "").unwrap();
        std::fs::write(d.join("index.txt.attr"), "unique_subject = no\n").unwrap();
        std::fs::write(d.join("crlnumber"), "01\n").unwrap();
        std::fs::write(d.join("serial"), "7001\n").unwrap();
        for (name, cn) in [
            ("root", "Mailsec Test Root CA"),
            ("other-root", "Other Root CA"),
        ] {
            openssl(
                d,
                &[
                    "req",
                    "-x509",
                    "-config",
                    "openssl.cnf",
                    "-extensions",
                    "v3_root",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-keyout",
                    &format!("{name}.key"),
                    "-out",
                    &format!("{name}.pem"),
                    "-days",
                    "3650",
                    "-subj",
                    &format!("/O=Mailsec Tests/CN={cn}"),
                    "-set_serial",
                    "1",
                ],
            );
        }
        Self::issue(
            d,
            "inter",
            "rsa:2048",
            "/O=Mailsec Tests/CN=Mailsec Test Intermediate CA",
            "root",
            "v3_inter",
            "4096",
            "3650",
        );
        Self::issue(
            d,
            "ee-rsa",
            "rsa:2048",
            "/O=Mailsec Tests/CN=Alice RSA/emailAddress=alice@example.test",
            "inter",
            "v3_ee",
            "8193",
            "365",
        );
        openssl(
            d,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                "ee-p256.key",
            ],
        );
        Self::issue(
            d,
            "ee-p256",
            "",
            "/O=Mailsec Tests/CN=Alice P-256",
            "inter",
            "v3_ee",
            "8194",
            "365",
        );
        Self::issue(
            d,
            "ee-server",
            "rsa:2048",
            "/O=Mailsec Tests/CN=Alice Server",
            "inter",
            "v3_ee_server",
            "8195",
            "365",
        );
        Self::issue(
            d,
            "ee-revoked",
            "rsa:2048",
            "/O=Mailsec Tests/CN=Alice Revoked",
            "inter",
            "v3_ee",
            "8196",
            "365",
        );
        openssl(
            d,
            &[
                "ca",
                "-config",
                "openssl.cnf",
                "-revoke",
                "ee-revoked.pem",
                "-crl_reason",
                "keyCompromise",
            ],
        );
        openssl(
            d,
            &[
                "ca",
                "-config",
                "openssl.cnf",
                "-gencrl",
                "-out",
                "inter.crl",
            ],
        );
        // A minute later than now: after the CRL's thisUpdate and the
        // certificates' notBefore, whatever the clock's resolution.
        let now = unix_now() + 60;
        Pki { dir, now }
    }

    /// Issues `name.pem` (and `name.key`, unless `newkey` is empty: then
    /// `name.key` exists) signed by `issuer`.
    #[allow(clippy::too_many_arguments)]
    fn issue(
        d: &Path,
        name: &str,
        newkey: &str,
        subj: &str,
        issuer: &str,
        ext: &str,
        serial: &str,
        days: &str,
    ) {
        let key = format!("{name}.key");
        let csr = format!("{name}.csr");
        if newkey.is_empty() {
            openssl(
                d,
                &[
                    "req",
                    "-new",
                    "-config",
                    "openssl.cnf",
                    "-key",
                    &key,
                    "-out",
                    &csr,
                    "-subj",
                    subj,
                ],
            );
        } else {
            openssl(
                d,
                &[
                    "req",
                    "-new",
                    "-config",
                    "openssl.cnf",
                    "-newkey",
                    newkey,
                    "-nodes",
                    "-keyout",
                    &key,
                    "-out",
                    &csr,
                    "-subj",
                    subj,
                ],
            );
        }
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                &format!("{issuer}.pem"),
                "-CAkey",
                &format!("{issuer}.key"),
                "-set_serial",
                serial,
                "-days",
                days,
                "-sha256",
                "-extfile",
                "openssl.cnf",
                "-extensions",
                ext,
                "-out",
                &format!("{name}.pem"),
            ],
        );
    }

    fn dir(&self) -> &Path {
        &self.dir.0
    }

    /// An absolute path in the fixture directory, as a string.
    fn path(&self, name: &str) -> String {
        self.dir().join(name).to_str().unwrap().to_owned()
    }

    fn now(&self) -> String {
        self.now.to_string()
    }

    /// Signs [`CONTENT`] with `openssl cms -sign` and writes a full message
    /// (From, To, Subject prepended) as `file`; returns its path.
    fn sign(
        &self,
        file: &str,
        key: Key,
        opaque: bool,
        md: &str,
        with_intermediate: bool,
        from: &str,
    ) -> String {
        let (cert, k) = key.files();
        let raw = format!("{file}.openssl");
        let mut args = vec![
            "cms",
            "-sign",
            "-in",
            "content.txt",
            "-signer",
            cert,
            "-inkey",
            k,
            "-md",
            md,
            "-crlfeol",
            "-out",
            &raw,
        ];
        if opaque {
            args.push("-nodetach");
        }
        if with_intermediate {
            args.extend_from_slice(&["-certfile", "inter.pem"]);
        }
        if key == Key::Pss {
            args.extend_from_slice(&["-keyopt", "rsa_padding_mode:pss"]);
        }
        openssl(self.dir(), &args);
        let signed = std::fs::read(self.dir().join(&raw)).unwrap();
        let mut message =
            format!("From: {from}\r\nTo: bob@example.test\r\nSubject: signed ({key:?}, {md})\r\n")
                .into_bytes();
        message.extend_from_slice(&signed);
        std::fs::write(self.dir().join(file), &message).unwrap();
        self.path(file)
    }

    /// The fixture messages of the interop matrix: (file, key, opaque, digest).
    fn matrix(&self) -> Vec<(String, Key, bool, &'static str)> {
        let mut out = Vec::new();
        for key in [Key::Rsa, Key::Pss, Key::P256] {
            for opaque in [false, true] {
                for md in ["sha256", "sha384", "sha512"] {
                    let file = format!(
                        "{key:?}-{}-{md}.eml",
                        if opaque { "opaque" } else { "detached" }
                    );
                    let path =
                        self.sign(&file, key, opaque, md, true, "Alice <alice@example.test>");
                    out.push((path, key, opaque, md));
                }
            }
        }
        out
    }

    /// `--trust root.pem --now NOW`, then `extra`.
    fn args<'a>(&'a self, trust: &'a str, now: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut v = vec!["--trust", trust, "--now", now];
        v.extend_from_slice(extra);
        v
    }
}

/// A copy of `path` with `from` replaced by `to` (once), written as `name`.
fn tampered(pki: &Pki, path: &str, name: &str, from: &str, to: &str) -> String {
    let text = String::from_utf8(std::fs::read(path).unwrap()).unwrap();
    assert!(text.contains(from), "{from:?} not in {path}");
    std::fs::write(pki.dir().join(name), text.replacen(from, to, 1)).unwrap();
    pki.path(name)
}

fn skip_without_openssl(test: &str) -> bool {
    if have_openssl() {
        return false;
    }
    eprintln!("{test}: skipped: openssl is not on PATH");
    true
}

// ---------------------------------------------------------------------------
// The fixtures alone

/// OpenSSL itself accepts every fixture message, and rejects the tampered,
/// serverAuth-only and revoked ones: the fixtures are sound.
#[test]
fn fixtures_openssl_verifies_its_own_messages() {
    if skip_without_openssl("fixtures_openssl_verifies_its_own_messages") {
        return;
    }
    let pki = Pki::new("fixtures");
    let d = pki.dir();
    let matrix = pki.matrix();
    assert_eq!(matrix.len(), 18);
    for (path, ..) in &matrix {
        let out = openssl(
            d,
            &[
                "cms",
                "-verify",
                "-CAfile",
                "root.pem",
                "-purpose",
                "smimesign",
                "-in",
                path,
                "-out",
                "verified.txt",
            ],
        );
        assert!(out.is_empty());
        assert_eq!(
            std::fs::read(d.join("verified.txt")).unwrap(),
            CONTENT,
            "{path}"
        );
    }
    // Without the intermediate in the message: only with the intermediate
    // given (openssl 3.0 `cms` has no -untrusted: it joins the CA file).
    let both = [
        std::fs::read(d.join("root.pem")).unwrap(),
        std::fs::read(d.join("inter.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(d.join("root-and-inter.pem"), both).unwrap();
    let bare = pki.sign(
        "bare.eml",
        Key::Rsa,
        false,
        "sha256",
        false,
        "alice@example.test",
    );
    assert!(!openssl_ok(
        d,
        &[
            "cms", "-verify", "-CAfile", "root.pem", "-in", &bare, "-out", "x.txt"
        ]
    ));
    openssl(
        d,
        &[
            "cms",
            "-verify",
            "-CAfile",
            "root-and-inter.pem",
            "-in",
            &bare,
            "-out",
            "x.txt",
        ],
    );
    // Tampered content.
    let good = pki.sign(
        "good.eml",
        Key::Rsa,
        false,
        "sha256",
        true,
        "alice@example.test",
    );
    let bad = tampered(
        &pki,
        &good,
        "bad.eml",
        "hello from alice",
        "jello from alice",
    );
    assert!(!openssl_ok(
        d,
        &[
            "cms", "-verify", "-CAfile", "root.pem", "-in", &bad, "-out", "x.txt"
        ]
    ));
    // A different root.
    assert!(!openssl_ok(
        d,
        &[
            "cms",
            "-verify",
            "-CAfile",
            "other-root.pem",
            "-in",
            &good,
            "-out",
            "x.txt"
        ]
    ));
    // serverAuth only.
    let server = pki.sign(
        "server.eml",
        Key::Server,
        false,
        "sha256",
        true,
        "alice@example.test",
    );
    assert!(!openssl_ok(
        d,
        &[
            "cms",
            "-verify",
            "-CAfile",
            "root.pem",
            "-purpose",
            "smimesign",
            "-in",
            &server,
            "-out",
            "x.txt"
        ]
    ));
    // Revoked, with the intermediate's CRL (openssl 3.0 `cms` has no
    // -CRLfile: the CRL joins the CA file).
    let root_and_crl = [
        std::fs::read(d.join("root.pem")).unwrap(),
        std::fs::read(d.join("inter.crl")).unwrap(),
    ]
    .concat();
    std::fs::write(d.join("root-and-crl.pem"), root_and_crl).unwrap();
    let revoked = pki.sign(
        "revoked.eml",
        Key::Revoked,
        false,
        "sha256",
        true,
        "alice@example.test",
    );
    openssl(
        d,
        &[
            "cms", "-verify", "-CAfile", "root.pem", "-in", &revoked, "-out", "x.txt",
        ],
    );
    assert!(!openssl_ok(
        d,
        &[
            "cms",
            "-verify",
            "-CAfile",
            "root-and-crl.pem",
            "-crl_check",
            "-in",
            &revoked,
            "-out",
            "x.txt"
        ]
    ));
    openssl(
        d,
        &[
            "cms",
            "-verify",
            "-CAfile",
            "root-and-crl.pem",
            "-crl_check",
            "-in",
            &good,
            "-out",
            "x.txt",
        ],
    );
    // Expired two years from now.
    let later = (pki.now + 2 * 365 * 86400).to_string();
    assert!(!openssl_ok(
        d,
        &[
            "cms", "-verify", "-CAfile", "root.pem", "-attime", &later, "-in", &good, "-out",
            "x.txt"
        ]
    ));
    // Certs-only and encrypted messages parse.
    let certs_only = certs_only_message(&pki);
    let text = std::fs::read_to_string(&certs_only).unwrap();
    assert!(text.contains("smime-type=certs-only"));
    openssl(
        d,
        &[
            "pkcs7",
            "-inform",
            "DER",
            "-in",
            "certs.p7b",
            "-print_certs",
            "-noout",
        ],
    );
    let encrypted = encrypted_message(&pki);
    openssl(
        d,
        &[
            "cms",
            "-decrypt",
            "-recip",
            "ee-rsa.pem",
            "-inkey",
            "ee-rsa.key",
            "-in",
            &encrypted,
            "-out",
            "x.txt",
        ],
    );
    assert_eq!(std::fs::read(d.join("x.txt")).unwrap(), CONTENT);
    // The message module of smime-core finds the signed bytes openssl signed.
    let msg = std::fs::read(&good).unwrap();
    match smime_core::find_smime(&msg).unwrap() {
        smime_core::SmimeEntity::Detached {
            signed_canonical, ..
        } => {
            assert_eq!(&signed_canonical[..], CONTENT);
        }
        other => panic!("{other:?}"),
    }
}

/// `application/pkcs7-mime; smime-type=certs-only` holding ee-rsa.pem.
fn certs_only_message(pki: &Pki) -> String {
    openssl(
        pki.dir(),
        &[
            "crl2pkcs7",
            "-nocrl",
            "-certfile",
            "ee-rsa.pem",
            "-outform",
            "DER",
            "-out",
            "certs.p7b",
        ],
    );
    let der = std::fs::read(pki.dir().join("certs.p7b")).unwrap();
    let message = format!(
        "From: alice@example.test\r\nMIME-Version: 1.0\r\n\
Content-Type: application/pkcs7-mime; smime-type=certs-only; name=smime.p7c\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}",
        base64_lines(&der)
    );
    std::fs::write(pki.dir().join("certs-only.eml"), message).unwrap();
    pki.path("certs-only.eml")
}

/// [`CONTENT`] encrypted to ee-rsa.pem with `openssl cms -encrypt`.
fn encrypted_message(pki: &Pki) -> String {
    openssl(
        pki.dir(),
        &[
            "cms",
            "-encrypt",
            "-in",
            "content.txt",
            "-aes256",
            "-crlfeol",
            "-out",
            "enc.openssl",
            "ee-rsa.pem",
        ],
    );
    let mut message = b"From: bob@example.test\r\nTo: alice@example.test\r\n".to_vec();
    message.extend_from_slice(&std::fs::read(pki.dir().join("enc.openssl")).unwrap());
    std::fs::write(pki.dir().join("encrypted.eml"), message).unwrap();
    pki.path("encrypted.eml")
}

// ---------------------------------------------------------------------------
// OpenSSL interop through the command

#[test]
fn cli_openssl_matrix() {
    if skip_without_openssl("cli_openssl_matrix") {
        return;
    }
    let pki = Pki::new("matrix");
    let (root, now) = (pki.path("root.pem"), pki.now());
    for (path, key, opaque, md) in pki.matrix() {
        let run = verify_ok(&[pki.args(&root, &now, &[]), vec![path.as_str()]].concat());
        assert_all_valid(&run, &format!("{key:?} opaque={opaque} {md}"));
    }
    // The message on standard input.
    let path = pki.sign(
        "stdin.eml",
        Key::P256,
        false,
        "sha256",
        true,
        "alice@example.test",
    );
    let run = verify(
        &pki.args(&root, &now, &[]),
        Some(&std::fs::read(&path).unwrap()),
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_all_valid(&run, "standard input");
}

#[test]
fn cli_openssl_intermediate_from_certs_flag() {
    if skip_without_openssl("cli_openssl_intermediate_from_certs_flag") {
        return;
    }
    let pki = Pki::new("certs");
    let (root, now, inter) = (pki.path("root.pem"), pki.now(), pki.path("inter.pem"));
    for (file, key, opaque) in [
        ("bare-rsa.eml", Key::Rsa, false),
        ("bare-p256.eml", Key::P256, true),
        ("bare-pss.eml", Key::Pss, false),
    ] {
        let path = pki.sign(file, key, opaque, "sha256", false, "alice@example.test");
        let run = verify_ok(&[pki.args(&root, &now, &[]), vec![path.as_str()]].concat());
        let s = run.signer();
        assert_eq!(field(s, "signature"), "valid", "{file}: {run:?}");
        assert_eq!(field(s, "chain"), "untrusted", "{file}: {run:?}");
        assert!(!run.verified(), "{file}: {run:?}");
        let run = verify_ok(
            &[
                pki.args(&root, &now, &["--certs", &inter]),
                vec![path.as_str()],
            ]
            .concat(),
        );
        assert_all_valid(&run, file);
    }
    // A --trust file holding several certificates: all are anchors.
    let both = format!(
        "{}{}",
        std::fs::read_to_string(pki.dir().join("other-root.pem")).unwrap(),
        std::fs::read_to_string(pki.dir().join("root.pem")).unwrap()
    );
    std::fs::write(pki.dir().join("both-roots.pem"), both).unwrap();
    let path = pki.sign(
        "with-inter.eml",
        Key::Rsa,
        false,
        "sha256",
        true,
        "alice@example.test",
    );
    let run = verify_ok(&["--trust", &pki.path("both-roots.pem"), "--now", &now, &path]);
    assert_all_valid(&run, "two anchors in one --trust file");
    // The intermediate as an anchor of its own (DER).
    openssl(
        pki.dir(),
        &[
            "x509",
            "-in",
            "inter.pem",
            "-outform",
            "DER",
            "-out",
            "inter.der",
        ],
    );
    let run = verify_ok(&[
        "--trust",
        &pki.path("other-root.pem"),
        "--trust",
        &pki.path("inter.der"),
        "--now",
        &now,
        &path,
    ]);
    assert_all_valid(&run, "intermediate as DER anchor");
}

#[test]
fn cli_openssl_negative_cases() {
    if skip_without_openssl("cli_openssl_negative_cases") {
        return;
    }
    let pki = Pki::new("negative");
    let (root, now) = (pki.path("root.pem"), pki.now());
    let good = pki.sign(
        "good.eml",
        Key::Rsa,
        false,
        "sha256",
        true,
        "alice@example.test",
    );
    assert_all_valid(
        &verify_ok(&[pki.args(&root, &now, &[]), vec![good.as_str()]].concat()),
        "good",
    );

    // Content changed after signing.
    let bad = tampered(
        &pki,
        &good,
        "tampered.eml",
        "hello from alice",
        "jello from alice",
    );
    let run = verify_ok(&[pki.args(&root, &now, &[]), vec![bad.as_str()]].concat());
    assert_eq!(field(run.signer(), "signature"), "invalid", "{run:?}");
    assert!(!run.verified(), "{run:?}");

    // Extended key usage serverAuth only.
    let server = pki.sign(
        "server.eml",
        Key::Server,
        false,
        "sha256",
        true,
        "alice@example.test",
    );
    let run = verify_ok(&[pki.args(&root, &now, &[]), vec![server.as_str()]].concat());
    assert_eq!(field(run.signer(), "signature"), "valid", "{run:?}");
    assert_eq!(field(run.signer(), "chain"), "invalid", "{run:?}");
    assert!(!run.verified(), "{run:?}");

    // Another From address.
    for (file, from) in [
        ("mallory.eml", "mallory@example.test"),
        ("mallory-upper.eml", "Alice@example.test"),
    ] {
        let path = pki.sign(file, Key::P256, false, "sha256", true, from);
        let run = verify_ok(&[pki.args(&root, &now, &[]), vec![path.as_str()]].concat());
        let s = run.signer();
        assert_eq!(field(s, "signature"), "valid", "{run:?}");
        assert_eq!(field(s, "chain"), "valid", "{run:?}");
        assert_eq!(s["sender_match"], Value::Bool(false), "{from}: {run:?}");
        assert!(!run.verified(), "{run:?}");
    }
    // The domain compares case-insensitively; a second From mailbox matches.
    for (file, from) in [
        ("domain-case.eml", "alice@EXAMPLE.Test"),
        (
            "two-mailboxes.eml",
            "Mallory <mallory@example.test>, Alice <alice@example.test>",
        ),
    ] {
        let path = pki.sign(file, Key::P256, false, "sha256", true, from);
        let run = verify_ok(&[pki.args(&root, &now, &[]), vec![path.as_str()]].concat());
        assert_eq!(
            run.signer()["sender_match"],
            Value::Bool(true),
            "{from}: {run:?}"
        );
        assert!(run.verified(), "{run:?}");
    }

    // After the end-entity certificate's expiry.
    let later = (pki.now + 2 * 365 * 86400).to_string();
    let run = verify_ok(&[pki.args(&root, &later, &[]), vec![good.as_str()]].concat());
    assert_eq!(field(run.signer(), "signature"), "valid", "{run:?}");
    assert_eq!(field(run.signer(), "chain"), "invalid", "{run:?}");
    assert!(!run.verified(), "{run:?}");

    // Another trust anchor.
    let other = pki.path("other-root.pem");
    let run = verify_ok(&[pki.args(&other, &now, &[]), vec![good.as_str()]].concat());
    assert_eq!(field(run.signer(), "chain"), "untrusted", "{run:?}");
    assert!(!run.verified(), "{run:?}");
}

#[test]
fn cli_openssl_revocation() {
    if skip_without_openssl("cli_openssl_revocation") {
        return;
    }
    let pki = Pki::new("crl");
    let (root, now, crl) = (pki.path("root.pem"), pki.now(), pki.path("inter.crl"));
    let revoked = pki.sign(
        "revoked.eml",
        Key::Revoked,
        false,
        "sha256",
        true,
        "alice@example.test",
    );
    let good = pki.sign(
        "good.eml",
        Key::Rsa,
        false,
        "sha256",
        true,
        "alice@example.test",
    );

    let run = verify_ok(
        &[
            pki.args(&root, &now, &["--crl", &crl]),
            vec![revoked.as_str()],
        ]
        .concat(),
    );
    assert_eq!(field(run.signer(), "signature"), "valid", "{run:?}");
    assert_eq!(field(run.signer(), "chain"), "invalid", "{run:?}");
    assert!(!run.verified(), "{run:?}");

    // The CRL as DER works the same.
    openssl(
        pki.dir(),
        &[
            "crl",
            "-in",
            "inter.crl",
            "-outform",
            "DER",
            "-out",
            "inter-crl.der",
        ],
    );
    let crl_der = pki.path("inter-crl.der");
    let run = verify_ok(
        &[
            pki.args(&root, &now, &["--crl", &crl_der]),
            vec![revoked.as_str()],
        ]
        .concat(),
    );
    assert_eq!(field(run.signer(), "chain"), "invalid", "{run:?}");

    // A certificate not on the CRL passes; the root's CRL is not given, so
    // the intermediate is not checked and the reason says so.
    let run = verify_ok(&[pki.args(&root, &now, &["--crl", &crl]), vec![good.as_str()]].concat());
    assert_all_valid(&run, "good with --crl");
    let reason = field(run.signer(), "reason").to_lowercase();
    assert!(
        reason.contains("not checked") || reason.contains("revocation"),
        "{run:?}"
    );

    // Without --crl: no revocation check.
    let run = verify_ok(&[pki.args(&root, &now, &[]), vec![revoked.as_str()]].concat());
    assert_eq!(field(run.signer(), "chain"), "valid", "{run:?}");
    assert!(run.verified(), "{run:?}");
    let reason = field(run.signer(), "reason").to_lowercase();
    assert!(
        reason.contains("revocation") && reason.contains("not checked"),
        "{run:?}"
    );
}

#[test]
fn cli_openssl_content_out() {
    if skip_without_openssl("cli_openssl_content_out") {
        return;
    }
    let pki = Pki::new("content-out");
    let (root, now) = (pki.path("root.pem"), pki.now());
    for opaque in [false, true] {
        let good = pki.sign(
            &format!("good-{opaque}.eml"),
            Key::Rsa,
            opaque,
            "sha256",
            true,
            "alice@example.test",
        );
        let out = pki.path(&format!("content-{opaque}.out"));
        let run = verify_ok(
            &[
                pki.args(&root, &now, &["--content-out", &out]),
                vec![good.as_str()],
            ]
            .concat(),
        );
        assert_all_valid(&run, "content-out");
        assert_eq!(std::fs::read(&out).unwrap(), CONTENT, "opaque={opaque}");
    }
    // A signature that does not match the content: nothing written.
    let good = pki.path("good-false.eml");
    let bad = tampered(
        &pki,
        &good,
        "tampered.eml",
        "hello from alice",
        "jello from alice",
    );
    let out = pki.path("tampered.out");
    let run = verify_ok(
        &[
            pki.args(&root, &now, &["--content-out", &out]),
            vec![bad.as_str()],
        ]
        .concat(),
    );
    assert_eq!(field(run.signer(), "signature"), "invalid", "{run:?}");
    let written = std::fs::read(&out).unwrap_or_default();
    assert!(
        written.is_empty(),
        "content written for an invalid signature"
    );
}

#[test]
fn cli_openssl_line_endings() {
    if skip_without_openssl("cli_openssl_line_endings") {
        return;
    }
    let pki = Pki::new("lf");
    let (root, now) = (pki.path("root.pem"), pki.now());
    for (file, key, opaque) in [
        ("lf-detached.eml", Key::Rsa, false),
        ("lf-opaque.eml", Key::P256, true),
        ("lf-pss.eml", Key::Pss, false),
    ] {
        let crlf = pki.sign(file, key, opaque, "sha256", true, "alice@example.test");
        let lf: Vec<u8> = std::fs::read(&crlf)
            .unwrap()
            .into_iter()
            .filter(|&b| b != b'\r')
            .collect();
        let path = pki.path(&format!("{file}.lf"));
        std::fs::write(&path, lf).unwrap();
        let run = verify_ok(&[pki.args(&root, &now, &[]), vec![path.as_str()]].concat());
        assert_all_valid(&run, file);
    }
}

#[test]
fn cli_openssl_certs_only_encrypted_and_errors() {
    if skip_without_openssl("cli_openssl_certs_only_encrypted_and_errors") {
        return;
    }
    let pki = Pki::new("errors");
    let (root, now) = (pki.path("root.pem"), pki.now());

    let certs_only = certs_only_message(&pki);
    let run = verify_ok(&[pki.args(&root, &now, &[]), vec![certs_only.as_str()]].concat());
    assert_eq!(
        run.json,
        serde_json::json!({"verified": false, "signers": []}),
        "{run:?}"
    );

    let encrypted = encrypted_message(&pki);
    let run = verify(
        &[pki.args(&root, &now, &[]), vec![encrypted.as_str()]].concat(),
        None,
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_error(&run);

    // Not S/MIME at all.
    let plain = pki.path("plain.eml");
    std::fs::write(&plain, "From: alice@example.test\r\n\r\nhello\r\n").unwrap();
    let run = verify(
        &[pki.args(&root, &now, &[]), vec![plain.as_str()]].concat(),
        None,
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_error(&run);

    // Garbage and malformed PEM in --trust.
    let good = pki.sign(
        "good.eml",
        Key::Rsa,
        false,
        "sha256",
        true,
        "alice@example.test",
    );
    let garbage = pki.path("garbage.pem");
    std::fs::write(&garbage, "this is not a certificate\n").unwrap();
    let broken = pki.path("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\nMIIB!!notbase64\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    for trust in [&garbage, &broken] {
        let run = verify(&["--trust", trust, "--now", &now, &good], None);
        assert_eq!(run.code, Some(1), "{trust}: {run:?}");
        assert_error(&run);
    }
    // An unreadable message file.
    let missing = pki.path("no-such-file.eml");
    let run = verify(
        &[pki.args(&root, &now, &[]), vec![missing.as_str()]].concat(),
        None,
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_error(&run);
    // Usage errors.
    let run = verify(&["--no-such-flag", &good], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    let run = verify(&["--trust", &root, "--now", "not-a-number", &good], None);
    assert_eq!(run.code, Some(2), "{run:?}");
}

/// Exit-1 output: `{"error": "..."}` on stdout, one line on stderr.
fn assert_error(run: &Run) {
    assert!(
        run.json["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{run:?}"
    );
    assert_eq!(run.stderr.trim_end().lines().count(), 1, "{run:?}");
}

// ---------------------------------------------------------------------------
// Shared vectors

fn vectors() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/vectors is absent");
        None
    }
}

fn path_str(p: &Path) -> String {
    p.to_str().unwrap().to_owned()
}

/// An opaque signed-data message around a DER CMS file.
fn wrap_p7m(from: &str, der: &[u8]) -> Vec<u8> {
    format!(
        "From: {from}\r\nMIME-Version: 1.0\r\n\
Content-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}",
        base64_lines(der)
    )
    .into_bytes()
}

/// Inside the validity of every RFC 9216 certificate (2020-12-15 to 2052):
/// 2023-11-14.
const RFC9216_NOW: &str = "1700000000";

#[test]
fn cli_rfc9216_signed_data() {
    let Some(v) = vectors() else { return };
    let tmp = TempDir::new("rfc9216");
    let rsa_ca =
        path_str(&v.join("smime/rfc9216/Sample_LAMPS_RSA_Certification_Authority.selfsigned.pem"));
    let ed_ca = path_str(
        &v.join("smime/rfc9216/Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem"),
    );
    for (file, from, ca) in [
        ("signedByAliceRSA.p7m", "alice@smime.example", &rsa_ca),
        ("signedByAliceRSAPSS.p7m", "alice@smime.example", &rsa_ca),
        ("signedByCarlosEd25519.p7m", "carlos@smime.example", &ed_ca),
    ] {
        let der = std::fs::read(v.join("smime/examples-cms").join(file)).unwrap();
        let msg = tmp.0.join(format!("{file}.eml"));
        std::fs::write(&msg, wrap_p7m(from, &der)).unwrap();
        let run = verify_ok(&["--trust", ca, "--now", RFC9216_NOW, &path_str(&msg)]);
        let s = run.signer();
        assert_eq!(field(s, "signature"), "valid", "{file}: {run:?}");
        assert_eq!(field(s, "chain"), "valid", "{file}: {run:?}");
        assert_eq!(s["sender_match"], Value::Bool(true), "{file}: {run:?}");
        assert!(
            s["emails"].as_array().unwrap().iter().any(|e| e == from),
            "{file}: {run:?}"
        );
        assert!(run.verified(), "{file}: {run:?}");
    }
    // Two signers, no certificates in the message: they come from --certs.
    let der =
        std::fs::read(v.join("smime/examples-cms/signedByAliceAndCarlosNoCerts.p7m")).unwrap();
    let msg = tmp.0.join("two.eml");
    std::fs::write(&msg, wrap_p7m("alice@smime.example", &der)).unwrap();
    let alice = path_str(&v.join("smime/rfc9216/lamps-alice.crt"));
    let carlos = path_str(&v.join("smime/rfc9216/lamps-carlos.crt"));
    let run = verify_ok(&[
        "--trust",
        &rsa_ca,
        "--trust",
        &ed_ca,
        "--certs",
        &alice,
        "--certs",
        &carlos,
        "--now",
        RFC9216_NOW,
        &path_str(&msg),
    ]);
    assert_eq!(run.signers().len(), 2, "{run:?}");
    for s in run.signers() {
        assert_eq!(field(s, "signature"), "valid", "{run:?}");
        assert_eq!(field(s, "chain"), "valid", "{run:?}");
    }
    assert!(run.verified(), "{run:?}");
    // Without --certs the signers cannot be found: not a valid signature.
    let run = verify(
        &["--trust", &rsa_ca, "--now", RFC9216_NOW, &path_str(&msg)],
        None,
    );
    if run.code == Some(0) {
        assert!(!run.verified(), "{run:?}");
    }
}

// ---------------------------------------------------------------------------
// NIST PKITS

/// The PKITS clock: 2020-01-01, inside every PKITS validity period that the
/// tests mean to be valid.
const PKITS_NOW: &str = "1577836800";

/// PKITS messages whose outcome under the default settings (initial policy
/// set anyPolicy, no explicit policy required, policy mapping and anyPolicy
/// not inhibited) is not told by a `Valid`/`Invalid` prefix: the 4.8
/// certificate policy tests and 4.12.3, per the PKITS description (the first
/// sub-test of each, the default settings), and 4.4.1, which is invalid
/// because of `--require-crl`. `true`: the path is valid.
const EXPECTED: &[(&str, bool)] = &[
    ("SignedAllCertificatesSamePolicyTest1", true), // 4.8.1
    ("SignedAllCertificatesNoPoliciesTest2", true), // 4.8.2
    ("SignedDifferentPoliciesTest3", true),         // 4.8.3
    ("SignedDifferentPoliciesTest4", false),        // 4.8.4
    ("SignedDifferentPoliciesTest5", false),        // 4.8.5
    ("SignedOverlappingPoliciesTest6", true),       // 4.8.6
    ("SignedDifferentPoliciesTest7", false),        // 4.8.7
    ("SignedDifferentPoliciesTest8", false),        // 4.8.8
    ("SignedDifferentPoliciesTest9", false),        // 4.8.9
    ("SignedAllCertificatesSamePoliciesTest10", true), // 4.8.10
    ("SignedAllCertificatesAnyPolicyTest11", true), // 4.8.11
    ("SignedDifferentPoliciesTest12", false),       // 4.8.12
    ("SignedAllCertificatesSamePoliciesTest13", true), // 4.8.13
    ("SignedAnyPolicyTest14", true),                // 4.8.14
    ("SignedUserNoticeQualifierTest15", true),      // 4.8.15
    ("SignedUserNoticeQualifierTest16", true),      // 4.8.16
    ("SignedUserNoticeQualifierTest17", true),      // 4.8.17
    ("SignedUserNoticeQualifierTest18", true),      // 4.8.18
    ("SignedUserNoticeQualifierTest19", true),      // 4.8.19
    ("SignedCPSPointerQualifierTest20", true),      // 4.8.20
    ("SignedinhibitAnyPolicyTest3", true),          // 4.12.3
    ("SignedMissingCRLTest1", false),               // 4.4.1, with --require-crl
];

/// PKITS messages left out, with the reason: what the library does not
/// support (yet). Each is a known gap, listed in the smime-core docs.
const EXCLUSIONS: &[(&str, &str)] = &[
    // 4.2.3: notBefore 1950 in UTCTime; x509-cert 0.3's Time cannot hold a
    // date before 1970, so the certificate does not decode.
    (
        "SignedValidpre2000UTCnotBeforeDateTest3",
        "certificate dates before 1970 do not decode",
    ),
];

/// Whether a PKITS message (file stem) should validate: [`EXPECTED`], else
/// its name. `None`: the name says nothing (a new PKITS message).
fn pkits_expected(stem: &str) -> Option<bool> {
    if let Some((_, valid)) = EXPECTED.iter().find(|(n, _)| *n == stem) {
        return Some(*valid);
    }
    if stem.starts_with("SignedValid") {
        Some(true)
    } else if stem.starts_with("SignedInvalid") {
        Some(false)
    } else {
        None
    }
}

/// `.eml` files of a directory, sorted.
fn eml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    files
}

/// `--trust ANCHOR --crl ... --require-crl --now PKITS_NOW`.
fn pkits_args(anchor: &Path, crls: &Path) -> Vec<String> {
    let mut args = vec!["--trust".to_owned(), path_str(anchor)];
    let mut crl_files: Vec<PathBuf> = std::fs::read_dir(crls)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "crl"))
        .collect();
    crl_files.sort();
    for crl in crl_files {
        args.push("--crl".to_owned());
        args.push(path_str(&crl));
    }
    args.push("--require-crl".to_owned());
    args.push("--now".to_owned());
    args.push(PKITS_NOW.to_owned());
    args
}

/// Runs one PKITS message; `Err(description)` on a mismatch.
fn pkits_check(args: &[String], file: &Path, strict_invalid: bool) -> Result<(), String> {
    let stem = file.file_stem().unwrap().to_str().unwrap();
    let Some(expect_valid) = pkits_expected(stem) else {
        return Err(format!("{stem}: no expected outcome (add it to EXPECTED)"));
    };
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    let file_arg = path_str(file);
    // 4.1.4-4.1.6 are DSA with SHA-1: refused by default (RFC 8551 §2.2),
    // verified with the archive policy.
    if stem.contains("DSA") {
        all.push("--allow-legacy");
    }
    all.push(&file_arg);
    let run = verify(&all, None);
    if run.code != Some(0) {
        return Err(format!(
            "{stem}: exit {:?}: {}",
            run.code,
            run.stderr.trim()
        ));
    }
    let Some(signer) = run.json["signers"].as_array().and_then(|s| s.first()) else {
        return Err(format!("{stem}: no signer: {}", run.stdout.trim()));
    };
    let signature = signer["signature"].as_str().unwrap_or("?");
    let chain = signer["chain"].as_str().unwrap_or("?");
    if !matches!(signature, "valid" | "invalid")
        || !matches!(chain, "valid" | "invalid" | "untrusted")
    {
        return Err(format!("{stem}: bad fields: {}", run.stdout.trim()));
    }
    let ok = if expect_valid {
        signature == "valid" && chain == "valid"
    } else if strict_invalid {
        chain != "valid"
    } else {
        chain != "valid" || signature == "invalid"
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{stem}: expected {}, got signature={signature} chain={chain} ({})",
            if expect_valid { "valid" } else { "invalid" },
            signer["reason"].as_str().unwrap_or("")
        ))
    }
}

/// The pkits-smime subset of the shared vectors: `Valid*` gives a valid
/// chain and signature, `Invalid*` a chain that is not valid.
#[test]
fn cli_pkits_smime_subset() {
    let Some(v) = vectors() else { return };
    let root = v.join("smime/pkits-smime");
    let args = pkits_args(
        &root.join("certs/TrustAnchorRootCertificate.crt"),
        &root.join("crls"),
    );
    let files = eml_files(&root.join("smime"));
    assert!(!files.is_empty());
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| pkits_check(&args, f, true).err())
        .collect();
    assert!(
        failures.is_empty(),
        "pkits-smime: {} of {} failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

/// Where `cryptography_vectors/x509/PKITS_data` is: `PKITS_DATA`, else the
/// peers' virtual environment under target/.
fn pkits_data() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PKITS_DATA") {
        let dir = PathBuf::from(dir);
        return dir.is_dir().then_some(dir);
    }
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/peers-venv/lib");
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(&lib)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("python3"))
        })
        .map(|p| p.join("site-packages/cryptography_vectors/x509/PKITS_data"))
        .filter(|p| p.is_dir())
        .collect();
    candidates.sort();
    candidates.pop()
}

/// All NIST PKITS S/MIME messages (cryptography-vectors).
#[test]
fn cli_pkits_full() {
    let Some(data) = pkits_data() else {
        if std::env::var_os("MAILSEC_REQUIRE_PEERS").is_some() {
            panic!(
                "PKITS_data not found (PKITS_DATA, or cryptography-vectors in target/peers-venv): \
                 run scripts/test, which installs scripts/peers-requirements.txt"
            );
        }
        eprintln!(
            "cli_pkits_full: skipped: PKITS_data not found (set PKITS_DATA or run scripts/test)"
        );
        return;
    };
    let args = pkits_args(
        &data.join("certs/TrustAnchorRootCertificate.crt"),
        &data.join("crls"),
    );
    let files = eml_files(&data.join("smime"));
    assert!(
        files.len() >= 200,
        "only {} PKITS messages in {}",
        files.len(),
        data.display()
    );
    let (excluded, files): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|f| {
        let stem = f.file_stem().unwrap().to_str().unwrap();
        EXCLUSIONS.iter().any(|(n, _)| *n == stem)
    });
    let failures = std::sync::Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    if let Err(e) = pkits_check(&args, file, false) {
                        failures.lock().unwrap().push(e);
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    let summary = format!(
        "PKITS: {} passed, {} failed, {} excluded",
        files.len() - failures.len(),
        failures.len(),
        excluded.len()
    );
    eprintln!("{summary}");
    assert!(failures.is_empty(), "{}\n{summary}", failures.join("\n"));
}
