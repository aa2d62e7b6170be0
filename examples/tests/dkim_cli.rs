//! `mailsec dkim keygen|sign|verify` against the contract: key generation
//! prints the record, signing prepends one field and leaves the message
//! byte-identical, verification reports one object per signature with the
//! contract's words, and input errors exit 1.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const NOW: &str = "1700000000";

fn mailsec(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailsec"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let _ = input.write_all(stdin.unwrap_or_default());
    drop(input);
    child.wait_with_output().unwrap()
}

fn dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mailsec-dkim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(text.trim_end().lines().count(), 1, "{text:?}");
    serde_json::from_str(&text).unwrap()
}

/// Makes a key with `keygen`; returns its path and a fixture publishing it.
fn keygen(algorithm: &str, selector: &str) -> (PathBuf, PathBuf) {
    let key = dir().join(format!("{selector}.pem"));
    let out = mailsec(
        &[
            "dkim",
            "keygen",
            "--algorithm",
            algorithm,
            "--out",
            key.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let record = String::from_utf8(out.stdout).unwrap();
    let record = record.trim();
    assert!(record.starts_with("v=DKIM1; k="), "{record}");
    let fixture = dir().join(format!("{selector}.yaml"));
    std::fs::write(
        &fixture,
        format!("{selector}._domainkey.example.com:\n  - TXT: \"{record}\"\n"),
    )
    .unwrap();
    (key, fixture)
}

const MESSAGE: &[u8] = b"From: Joe <joe@example.com>\r\nTo: Suzie <suzie@example.net>\r\n\
Subject: dinner\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n\r\nHi.\r\n\r\nWe lost the game.\r\n";

fn sign(key: &Path, selector: &str, extra: &[&str], message: &[u8]) -> Output {
    let mut args = vec![
        "dkim",
        "sign",
        "--key",
        key.to_str().unwrap(),
        "--domain",
        "example.com",
        "--selector",
        selector,
        "--now",
        NOW,
    ];
    args.extend_from_slice(extra);
    mailsec(&args, Some(message))
}

fn verify(fixture: &Path, message: &[u8]) -> Vec<Value> {
    let out = mailsec(
        &[
            "dkim",
            "verify",
            "--dns",
            fixture.to_str().unwrap(),
            "--now",
            NOW,
        ],
        Some(message),
    );
    json(&out)["signatures"].as_array().unwrap().clone()
}

#[test]
fn keygen_sign_verify_round_trip_for_both_algorithms() {
    for (algorithm, selector) in [("ed25519-sha256", "ed"), ("rsa-sha256", "rsa")] {
        let (key, fixture) = keygen(algorithm, selector);
        let pem = std::fs::read_to_string(&key).unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "{pem}");
        for c in [
            "relaxed/relaxed",
            "simple/simple",
            "relaxed",
            "simple/relaxed",
        ] {
            let out = sign(&key, selector, &["--canonicalization", c], MESSAGE);
            assert_eq!(out.status.code(), Some(0), "{out:?}");
            let signed = out.stdout;
            // One field prepended, the message byte-identical after it.
            assert!(signed.starts_with(b"DKIM-Signature: v=1; a="));
            assert!(signed.ends_with(MESSAGE));
            let field = &signed[..signed.len() - MESSAGE.len()];
            let text = String::from_utf8_lossy(field);
            assert!(text.contains(&format!("a={algorithm};")), "{text}");
            assert!(text.contains("t=1700000000;"), "{text}");
            let expected_c = if c == "relaxed" { "relaxed/simple" } else { c };
            assert!(text.contains(&format!("c={expected_c};")), "{text}");
            let sigs = verify(&fixture, &signed);
            assert_eq!(sigs.len(), 1);
            assert_eq!(sigs[0]["result"], "pass", "{c}: {}", sigs[0]);
            assert_eq!(sigs[0]["domain"], "example.com");
            assert_eq!(sigs[0]["selector"], selector);
            assert_eq!(sigs[0]["algorithm"], algorithm);
            // A changed body fails.
            let mut tampered = signed.clone();
            let at = tampered.len() - 6;
            tampered[at] = b'G';
            let sigs = verify(&fixture, &tampered);
            assert_eq!(sigs[0]["result"], "fail", "{}", sigs[0]);
        }
    }
}

#[test]
fn lf_messages_keep_their_line_endings() {
    let (key, fixture) = keygen("ed25519-sha256", "edlf");
    let lf = String::from_utf8_lossy(MESSAGE)
        .replace("\r\n", "\n")
        .into_bytes();
    let out = sign(&key, "edlf", &[], &lf);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let signed = out.stdout;
    assert!(signed.ends_with(&lf));
    let field = &signed[..signed.len() - lf.len()];
    assert!(
        !field.contains(&b'\r'),
        "the field uses LF like the message"
    );
    assert!(field.ends_with(b"\n"));
    let sigs = verify(&fixture, &signed);
    assert_eq!(sigs[0]["result"], "pass", "{}", sigs[0]);
}

#[test]
fn headers_flag_and_default_oversigning() {
    let (key, fixture) = keygen("ed25519-sha256", "edh");
    let out = sign(&key, "edh", &["--headers", "to:subject"], MESSAGE);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let h = text.split("h=").nth(1).unwrap().split(';').next().unwrap();
    let h: String = h.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(h, "from:to:subject", "From is always signed");
    assert_eq!(verify(&fixture, text.as_bytes())[0]["result"], "pass");

    let out = sign(&key, "edh", &[], MESSAGE);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let h = text.split("h=").nth(1).unwrap().split(';').next().unwrap();
    let h: String = h.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(h.matches("from").count(), 2, "From oversigned: {h}");
    // A prepended second From: not a pass, whatever the crypto says.
    let mut two_froms = b"From: Mallory <m@evil.example>\r\n".to_vec();
    two_froms.extend_from_slice(text.as_bytes());
    let sigs = verify(&fixture, &two_froms);
    assert_ne!(sigs[0]["result"], "pass", "{}", sigs[0]);
}

#[test]
fn verify_reports_problems_in_the_contract_words() {
    let (key, fixture) = keygen("ed25519-sha256", "edw");
    let signed = sign(&key, "edw", &[], MESSAGE).stdout;
    // No signature at all.
    assert!(verify(&fixture, MESSAGE).is_empty());
    // No key record at that selector: permerror.
    let text = String::from_utf8_lossy(&signed).replace("s=edw;", "s=nokey;");
    let sigs = verify(&fixture, text.as_bytes());
    assert_eq!(sigs[0]["result"], "permerror", "{}", sigs[0]);
    assert_eq!(sigs[0]["selector"], "nokey");
    // A timeout: temperror.
    let timeout = dir().join("timeout.yaml");
    std::fs::write(&timeout, "edw._domainkey.example.com:\n  - TIMEOUT\n").unwrap();
    let sigs = verify(&timeout, &signed);
    assert_eq!(sigs[0]["result"], "temperror", "{}", sigs[0]);
    // A broken tag list: neutral, with the tags that could be read.
    let broken = b"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; b\r\nFrom: a@example.com\r\n\r\nbody\r\n";
    let sigs = verify(&fixture, broken);
    assert_eq!(sigs[0]["result"], "neutral", "{}", sigs[0]);
    assert_eq!(sigs[0]["domain"], "example.com");
    assert_eq!(sigs[0]["selector"], "sel");
    assert!(sigs[0]["reason"].as_str().unwrap().contains("malformed"));
    // Expired x=: policy.
    let text =
        String::from_utf8_lossy(&signed).replace("t=1700000000;", "t=1600000000; x=1600000100;");
    let sigs = verify(&fixture, text.as_bytes());
    assert_eq!(sigs[0]["result"], "policy", "{}", sigs[0]);
    // Not even a message: still results (none), exit 0.
    assert!(verify(&fixture, b"\x00\xff garbage without a colon").is_empty());
}

#[test]
fn input_errors_exit_one() {
    let (key, _) = keygen("ed25519-sha256", "ede");
    let bad = dir().join("bad.pem");
    std::fs::write(
        &bad,
        "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let out = sign(&bad, "x", &[], MESSAGE);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let out = sign(&key, "ede", &["--algorithm", "rsa-sha256"], MESSAGE);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a key that does not match --algorithm: {out:?}"
    );
    let out = sign(
        &key,
        "ede",
        &["--canonicalization", "loose/relaxed"],
        MESSAGE,
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let out = mailsec(
        &["dkim", "verify", "--dns", "/nonexistent/zone.yaml"],
        Some(MESSAGE),
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let out = mailsec(
        &[
            "dkim",
            "keygen",
            "--algorithm",
            "dsa",
            "--out",
            "/tmp/x.pem",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}
