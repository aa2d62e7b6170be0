#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `mailsec mta-sts txt|policy|match` against the contract.

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::mailsec;
use serde_json::{Value, json};

fn json(out: &Output) -> Value {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(text.lines().count(), 1, "one JSON line: {text:?}");
    serde_json::from_str(&text).unwrap()
}

fn ok(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    json(out)
}

fn fails(out: &Output) {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(json(out)["error"].is_string());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr)
            .trim_end()
            .lines()
            .count(),
        1
    );
}

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mailsec-mta-sts-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

const POLICY: &[u8] =
    b"version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n";

#[test]
fn txt_record_set() {
    let out = mailsec(&["mta-sts", "txt", "v=STSv1; id=20160831085700Z;"], None);
    assert_eq!(
        ok(&out),
        json!({"version": "STSv1", "id": "20160831085700Z"})
    );
    let out = mailsec(&["mta-sts", "txt", "v=spf1 -all", "v=STSv1;id=abc"], None);
    assert_eq!(ok(&out)["id"], "abc");
    for set in [
        vec!["v=STSv1; id=a", "v=STSv1; id=b"],
        vec!["v=spf1 -all"],
        vec!["v=STSv1; id=a-b"],
        vec!["v=STSv1 ; id=a"],
    ] {
        let mut args = vec!["mta-sts", "txt"];
        args.extend(set.iter());
        fails(&mailsec(&args, None));
    }
    assert_eq!(mailsec(&["mta-sts", "txt"], None).status.code(), Some(2));
}

#[test]
fn policy_from_file_and_stdin() {
    let path = temp_file("policy.txt", POLICY);
    let want = json!({
        "version": "STSv1",
        "mode": "enforce",
        "mx": ["mail.example.com", "*.example.net"],
        "max_age": 604800,
        "extensions": {},
        "warnings": [],
    });
    assert_eq!(
        ok(&mailsec(
            &["mta-sts", "policy", path.to_str().unwrap()],
            None
        )),
        want
    );
    assert_eq!(
        ok(&mailsec(&["mta-sts", "policy", "-"], Some(POLICY))),
        want
    );
    assert_eq!(ok(&mailsec(&["mta-sts", "policy"], Some(POLICY))), want);

    let out = mailsec(
        &["mta-sts", "policy"],
        Some(b"version: STSv1\nmode: none\nmax_age: 99999999\nfoo: bar baz\n"),
    );
    let v = ok(&out);
    assert_eq!(v["mode"], "none");
    assert_eq!(v["max_age"], 31_557_600);
    assert_eq!(v["mx"], json!([]));
    assert_eq!(v["extensions"], json!({"foo": "bar baz"}));
    assert_eq!(v["warnings"].as_array().unwrap().len(), 1);

    fails(&mailsec(&["mta-sts", "policy"], Some(b"version: STSv1\n")));
    fails(&mailsec(
        &["mta-sts", "policy", "/nonexistent/policy.txt"],
        None,
    ));
}

#[test]
fn oversized_policy_is_refused_without_reading_it_all() {
    let mut big = POLICY.to_vec();
    big.extend(std::iter::repeat_n(b'x', 10 << 20));
    let path = temp_file("big.txt", &big);
    let out = mailsec(&["mta-sts", "policy", path.to_str().unwrap()], None);
    fails(&out);
    assert!(json(&out)["error"].as_str().unwrap().contains("65536"));
    fails(&mailsec(&["mta-sts", "policy"], Some(&big)));
    // Exactly 64 KiB is accepted.
    let mut exact = b"version: STSv1\nmode: none\nmax_age: 1\nx: ".to_vec();
    exact.resize(65536, b'y');
    assert_eq!(
        ok(&mailsec(&["mta-sts", "policy"], Some(&exact)))["mode"],
        "none"
    );
}

#[test]
fn match_mx() {
    let path = temp_file("match.txt", POLICY);
    let p = path.to_str().unwrap();
    for (host, want) in [
        ("mail.example.com", true),
        ("MAIL.EXAMPLE.COM.", true),
        ("mx1.example.net", true),
        ("example.net", false),
        ("a.b.example.net", false),
        ("mail.example.org", false),
    ] {
        let out = mailsec(&["mta-sts", "match", "--policy", p, "--mx", host], None);
        assert_eq!(ok(&out), json!({"matches": want}), "{host}");
    }
    let none = temp_file(
        "none.txt",
        b"version: STSv1\nmode: none\nmx: mail.example.com\nmax_age: 1\n",
    );
    let out = mailsec(
        &[
            "mta-sts",
            "match",
            "--policy",
            none.to_str().unwrap(),
            "--mx",
            "mail.example.com",
        ],
        None,
    );
    assert_eq!(ok(&out), json!({"matches": false}));
    let bad = temp_file("bad.txt", b"version: STSv1\nmode: enforce\nmax_age: 1\n");
    fails(&mailsec(
        &[
            "mta-sts",
            "match",
            "--policy",
            bad.to_str().unwrap(),
            "--mx",
            "x",
        ],
        None,
    ));
}
