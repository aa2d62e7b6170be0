//! The `mailsec` command's contract: exit codes, JSON on standard output, the
//! `--dns` fixture format, standard input handling.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn mailsec(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailsec"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // A command that fails early never reads its input: a broken pipe here
    // is not the test's concern.
    let _ = input.write_all(stdin.unwrap_or_default());
    drop(input);
    child.wait_with_output().unwrap()
}

fn json(out: &Output) -> Value {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        text.ends_with('\n'),
        "JSON output ends with a newline: {text:?}"
    );
    assert_eq!(
        text.trim_end().lines().count(),
        1,
        "exactly one JSON line: {text:?}"
    );
    serde_json::from_str(&text).unwrap()
}

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mailsec-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// An input failure: exit 1, one line on standard error, `{"error"}` on stdout.
fn assert_input_failure(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one line on stderr: {stderr:?}"
    );
    let v = json(out);
    let msg = v["error"].as_str().unwrap();
    assert!(msg.contains(needle), "{msg:?} should mention {needle:?}");
    assert!(stderr.contains(needle));
}

const ZONE: &str = r#"
example.com:
  - A: 192.0.2.1
  - MX: [10, mx.example.com]
  - TXT: ["v=spf1 ", "-all"]
alias.example.com:
  - CNAME: example.com
slow.example.com:
  - TXT: fast
  - TIMEOUT
empty.example.com:
  - TXT: NONE
"1.2.0.192.in-addr.arpa":
  - PTR: mail.example.com
_dnssec: [example.com]
"#;

#[test]
fn help_and_version_exit_zero() {
    assert_eq!(mailsec(&["--help"], None).status.code(), Some(0));
    assert_eq!(mailsec(&["--version"], None).status.code(), Some(0));
    assert_eq!(mailsec(&["spf", "--help"], None).status.code(), Some(0));
}

#[test]
fn usage_errors_exit_two() {
    for args in [
        &[][..],
        &["no-such-command"],
        &["spf", "--helo", "h", "--sender", "s"],
        &["dkim", "verify", "--bogus"],
        &["dmarc", "--ip", "192.0.2.1"],
        &["smime", "encrypt"],
        &["mta-sts", "txt"],
        &["dns", "example.com", "TXT", "--now", "x"],
    ] {
        let out = mailsec(args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    }
}

#[test]
fn a_bad_ip_is_bad_input() {
    let out = mailsec(
        &["spf", "--ip", "192.0.2.300", "--helo", "h", "--sender", "s"],
        None,
    );
    assert_input_failure(&out, "invalid --ip");
    let out = mailsec(
        &["dmarc", "--ip", "x", "--helo", "h", "--sender", "s"],
        None,
    );
    assert_input_failure(&out, "invalid --ip");
}

#[test]
fn dns_commands_without_fixture_say_only_fixtures_are_supported() {
    let out = mailsec(
        &[
            "spf",
            "--ip",
            "192.0.2.1",
            "--helo",
            "h.example",
            "--sender",
            "",
        ],
        None,
    );
    assert_input_failure(&out, "only fixtures are");
    let out = mailsec(&["dns", "example.com"], None);
    assert_input_failure(&out, "only fixtures are");
}

#[test]
fn pending_commands_say_so_after_loading_their_fixture() {
    let zone = temp_file("pending.yaml", ZONE.as_bytes());
    let out = mailsec(&["dkim", "verify", "--dns"], None);
    assert_eq!(out.status.code(), Some(2), "--dns needs a value");
    let out = mailsec(
        &["mta-sts", "resolve", "--domain", "example.com", "--dns"],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "--dns needs a value");
    let out = mailsec(
        &[
            "mta-sts",
            "resolve",
            "--domain",
            "example.com",
            "--dns",
            zone.to_str().unwrap(),
        ],
        None,
    );
    assert_input_failure(&out, "not implemented yet");
    let bad = temp_file("bad-for-pending.yaml", b"x.example: [{A: nope}]\n");
    let out = mailsec(
        &["dkim", "verify", "--dns", bad.to_str().unwrap()],
        Some(b""),
    );
    assert_input_failure(&out, "DNS fixture");
}

#[test]
fn spf_verdicts_are_json_with_exit_zero() {
    let zone = temp_file(
        "spf.yaml",
        b"example.com:\n  - TXT: v=spf1 ip4:192.0.2.0/24 -all exp=why.example.com\n\
why.example.com:\n  - TXT: \"%{i} may not send for %{d}\"\n\
helo.example.net:\n  - TXT: v=spf1 a -all\n  - A: 198.51.100.7\n",
    );
    let z = zone.to_str().unwrap();
    let spf = |ip: &str, helo: &str, sender: &str| {
        let out = mailsec(
            &[
                "spf", "--ip", ip, "--helo", helo, "--sender", sender, "--dns", z,
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        json(&out)
    };
    let v = spf("192.0.2.5", "helo.example.net", "a@example.com");
    assert_eq!(v["result"], "pass");
    assert_eq!(v["mechanism"], "ip4:192.0.2.0/24");
    assert_eq!(v["identity"], "mailfrom");
    assert_eq!(v["dns_lookups"], 0);
    assert!(v.get("explanation").is_none(), "explanation only on fail");
    let v = spf("203.0.113.1", "helo.example.net", "a@example.com");
    assert_eq!(v["result"], "fail");
    assert_eq!(v["mechanism"], "-all");
    assert_eq!(v["explanation"], "203.0.113.1 may not send for example.com");
    let v = spf("198.51.100.7", "helo.example.net", "");
    assert_eq!(
        (v["result"].as_str(), v["identity"].as_str()),
        (Some("pass"), Some("helo"))
    );
    assert_eq!(v["dns_lookups"], 1);
    let v = spf("198.51.100.7", "helo.example.net", "a@nowhere.example");
    assert_eq!(v["result"], "none");
}

#[test]
fn dns_lookup_through_the_fixture() {
    let zone = temp_file("zone.yaml", ZONE.as_bytes());
    let z = zone.to_str().unwrap();
    let ask = |name: &str, t: &str| {
        let out = mailsec(&["dns", name, t, "--dns", z], None);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        json(&out)
    };
    let v = ask("EXAMPLE.COM.", "txt");
    assert_eq!(v["outcome"], "records");
    assert_eq!(
        v["records"],
        serde_json::json!([{"TXT": ["v=spf1 ", "-all"]}])
    );
    assert_eq!(v["authenticated"], true);
    assert_eq!(v["name"], "example.com");
    let v = ask("example.com", "MX");
    assert_eq!(
        v["records"],
        serde_json::json!([{"MX": [10, "mx.example.com"]}])
    );
    let v = ask("alias.example.com", "A");
    assert_eq!(v["records"], serde_json::json!([{"A": "192.0.2.1"}]));
    assert_eq!(
        v["authenticated"], false,
        "alias.example.com is not in _dnssec"
    );
    assert_eq!(ask("nowhere.example.com", "A")["outcome"], "nxdomain");
    assert_eq!(ask("example.com", "AAAA")["outcome"], "nodata");
    assert_eq!(ask("empty.example.com", "TXT")["outcome"], "nodata");
    assert_eq!(ask("slow.example.com", "A")["outcome"], "timeout");
    assert_eq!(
        ask("slow.example.com", "TXT")["records"],
        serde_json::json!([{"TXT": ["fast"]}])
    );
    let v = ask("1.2.0.192.in-addr.arpa", "PTR");
    assert_eq!(
        v["records"],
        serde_json::json!([{"PTR": "mail.example.com"}])
    );
}

#[test]
fn json_fixtures_are_accepted() {
    let zone = temp_file(
        "zone.json",
        br#"{"example.org": [{"AAAA": "2001:db8::25"}]}"#,
    );
    let out = mailsec(
        &[
            "dns",
            "example.org",
            "AAAA",
            "--dns",
            zone.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        json(&out)["records"],
        serde_json::json!([{"AAAA": "2001:db8::25"}])
    );
}

#[test]
fn bad_fixtures_exit_one_and_say_where() {
    let zone = temp_file("bad.yaml", b"example.com:\n  - A: 192.0.2.300\n");
    let out = mailsec(
        &["dns", "example.com", "A", "--dns", zone.to_str().unwrap()],
        None,
    );
    assert_input_failure(&out, "example.com");
    let zone = temp_file("notyaml.yaml", b"example.com: [\n");
    let out = mailsec(
        &["dns", "example.com", "A", "--dns", zone.to_str().unwrap()],
        None,
    );
    assert_input_failure(&out, "not valid YAML");
    let out = mailsec(
        &["dns", "example.com", "A", "--dns", "/nonexistent/zone.yaml"],
        None,
    );
    assert_input_failure(&out, "cannot read");
    let zone = temp_file("ok.yaml", ZONE.as_bytes());
    let out = mailsec(
        &["dns", "example.com", "NS", "--dns", zone.to_str().unwrap()],
        None,
    );
    assert_input_failure(&out, "unknown record type");
}

const MESSAGE: &[u8] = b"From: Alice <alice@example.com>\r\n\
Subject: multi\r\n line\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
\r\n\
preamble\r\n\
--b1\r\n\
Content-Type: text/plain\r\n\
\r\n\
one\r\n\
--b1\r\n\
\r\n\
two\r\n\
--b1--\r\n\
epilogue\r\n";

#[test]
fn message_from_file_stdin_and_dash() {
    let path = temp_file("message.eml", MESSAGE);
    let from_file = json(&mailsec(&["message", path.to_str().unwrap()], None));
    let from_stdin = json(&mailsec(&["message"], Some(MESSAGE)));
    let from_dash = json(&mailsec(&["message", "-"], Some(MESSAGE)));
    assert_eq!(from_file, from_stdin);
    assert_eq!(from_file, from_dash);
    let v = from_file;
    assert_eq!(v["fields"][1]["name"], "Subject");
    assert_eq!(v["fields"][1]["value"], "multi line");
    assert_eq!(v["fields"][1]["offset"], 33);
    assert_eq!(v["from"]["mailboxes"][0]["address"], "alice@example.com");
    assert_eq!(v["sender"], Value::Null);
    let mime = &v["mime"];
    assert_eq!(mime["content_type"], "multipart/mixed");
    assert_eq!(mime["closed"], true);
    let parts = mime["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    let range = |p: &Value| {
        let r = p["range"].as_array().unwrap();
        (
            usize::try_from(r[0].as_u64().unwrap()).unwrap(),
            usize::try_from(r[1].as_u64().unwrap()).unwrap(),
        )
    };
    let (s, e) = range(&parts[0]);
    assert_eq!(&MESSAGE[s..e], b"Content-Type: text/plain\r\n\r\none");
    let (s, e) = range(&parts[1]);
    assert_eq!(&MESSAGE[s..e], b"\r\ntwo");
    assert_eq!(parts[1]["content_type"], "text/plain");
    assert_eq!(parts[1]["transfer_encoding"], "7bit");
    assert_eq!(parts[1]["decoded_length"], 3);
}

#[test]
fn message_reports_transfer_encodings() {
    let msg = b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\
Content-Transfer-Encoding: base64\n\naGVsbG8=\n--b\n\
Content-Transfer-Encoding: Quoted-Printable\n\na=3Db=\nc\n--b\n\
Content-Transfer-Encoding: base64\n\n*bad*\n--b--\n";
    let v = json(&mailsec(&["message"], Some(msg)));
    let parts = v["mime"]["parts"].as_array().unwrap();
    assert_eq!(parts[0]["transfer_encoding"], "base64");
    assert_eq!(parts[0]["decoded_length"], 5);
    assert_eq!(parts[1]["transfer_encoding"], "quoted-printable");
    assert_eq!(parts[1]["decoded_length"], 4);
    assert!(
        parts[2]["decoded_length"]["error"]
            .as_str()
            .unwrap()
            .contains("invalid base64")
    );
}

#[test]
fn message_with_lf_line_ends_and_two_from_fields() {
    let msg = b"From: a@good.example\nFrom: b@evil.example\n\nbody\n";
    let v = json(&mailsec(&["message"], Some(msg)));
    assert_eq!(v["body_offset"], 43);
    assert!(
        v["from"]["error"]
            .as_str()
            .unwrap()
            .contains("2 From fields")
    );
}

#[test]
fn unreadable_message_exits_one() {
    let out = mailsec(&["message", "/nonexistent/message.eml"], None);
    assert_input_failure(&out, "cannot read");
}

#[test]
fn demo_runs_offline() {
    let out = mailsec(&["demo"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("nxdomain"));
    assert!(text.contains("xn--bcher-kva.example"));
    assert!(text.contains("the signed part is exactly"));
    // DMARC: the forwarded message passes on DKIM, the spoof gets reject,
    // the made-up subdomain gets np (lowered by t=y).
    let line = |label: &str| {
        let l = text.lines().find(|l| l.contains(label)).unwrap_or_default();
        l.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    assert!(
        line("forwarded (no SPF pass)").contains("dkim=pass -> dmarc=pass"),
        "{text}"
    );
    assert!(
        line("spoofed, unsigned").contains("dmarc=fail act on: reject"),
        "{text}"
    );
    assert!(
        line("made-up subdomain").contains("act on: quarantine"),
        "{text}"
    );
    // S/MIME: only the verified merchant's certificate is kept, and it is
    // the one selected for encryption; our Ed25519 signature verifies.
    assert!(
        line("RSA-2048, verified").ends_with("certificates kept: 1"),
        "{text}"
    );
    assert!(line("From changed ").contains("verified false"), "{text}");
    assert!(
        text.lines()
            .filter(|l| l.contains("certificates kept: 0"))
            .count()
            == 2,
        "{text}"
    );
    assert!(
        line("encrypt a reply to").contains("CN=Merchant (rsa)"),
        "{text}"
    );
    assert!(
        line("signed by mailsec (Ed25519").ends_with("micalg=sha-512 -> verified true"),
        "{text}"
    );
}
