#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `mailsec dmarc` and `mailsec dmarc record` against the contract: one JSON
//! object with `spf`, `dkim`, `dmarc` and `authentication_results`; exit 0
//! whatever the verdict; exit 1 for bad input.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::mailsec;
use serde_json::Value;

const NOW: &str = "1700000000";

fn dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mailsec-dmarc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(text.trim_end().lines().count(), 1, "{text:?}");
    serde_json::from_str(&text).unwrap()
}

const MESSAGE: &[u8] = b"From: Joe <joe@example.com>\r\nTo: Suzie <suzie@example.net>\r\n\
Subject: dinner\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n\r\nHi.\r\n";

/// A key pair for `sel._domainkey.example.com`, and the message signed
/// with it; returns (signed message, the key's TXT record).
fn signed_message() -> (Vec<u8>, String) {
    let key = dir().join("sel.pem");
    let out = mailsec(
        &[
            "dkim",
            "keygen",
            "--algorithm",
            "ed25519-sha256",
            "--out",
            key.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let record = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let out = mailsec(
        &[
            "dkim",
            "sign",
            "--key",
            key.to_str().unwrap(),
            "--domain",
            "example.com",
            "--selector",
            "sel",
            "--now",
            NOW,
        ],
        Some(MESSAGE),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    (out.stdout, record)
}

fn fixture(name: &str, yaml: &str) -> PathBuf {
    let path = dir().join(name);
    std::fs::write(&path, yaml).unwrap();
    path
}

fn dmarc(fixture: &Path, ip: &str, sender: &str, extra: &[&str], message: &[u8]) -> Value {
    let mut args = vec![
        "dmarc",
        "--ip",
        ip,
        "--helo",
        "mx.example.net",
        "--sender",
        sender,
        "--dns",
        fixture.to_str().unwrap(),
        "--now",
        NOW,
        "--authserv-id",
        "mx.receiver.example",
    ];
    args.extend_from_slice(extra);
    json(&mailsec(&args, Some(message)))
}

const SPF_AND_DMARC: &str = "
example.com:
  - TXT: 'v=spf1 ip4:192.0.2.0/24 -all'
_dmarc.example.com:
  - TXT: 'v=DMARC1; p=reject; sp=quarantine; rua=mailto:agg@example.com'
";

#[test]
fn aligned_spf_passes() {
    let f = fixture("spf.yaml", SPF_AND_DMARC);
    let out = dmarc(&f, "192.0.2.7", "joe@example.com", &[], MESSAGE);
    assert_eq!(out["spf"]["result"], "pass");
    assert_eq!(out["dkim"]["signatures"], serde_json::json!([]));
    let d = &out["dmarc"];
    assert_eq!(d["result"], "pass");
    assert_eq!(d["domain"], "example.com");
    assert_eq!(d["policy"], "reject");
    assert_eq!(d["spf_aligned"], true);
    assert_eq!(d["dkim_aligned"], false);
    let ar = out["authentication_results"].as_str().unwrap();
    assert!(ar.starts_with("mx.receiver.example;"), "{ar}");
    assert!(ar.contains("spf=pass"), "{ar}");
    assert!(ar.contains("dmarc=pass"), "{ar}");
    assert!(ar.contains("header.from=example.com"), "{ar}");
    assert!(ar.contains("policy.dmarc=reject"), "{ar}");
    assert!(ar.contains("smtp.mailfrom=example.com"), "{ar}");
}

#[test]
fn aligned_dkim_passes_when_spf_fails() {
    let (signed, key) = signed_message();
    let f = fixture(
        "dkim.yaml",
        &format!("{SPF_AND_DMARC}sel._domainkey.example.com:\n  - TXT: '{key}'\n"),
    );
    let out = dmarc(&f, "198.51.100.1", "joe@example.com", &[], &signed);
    assert_eq!(out["spf"]["result"], "fail");
    assert_eq!(out["dkim"]["signatures"][0]["result"], "pass");
    assert_eq!(out["dmarc"]["result"], "pass");
    assert_eq!(out["dmarc"]["dkim_aligned"], true);
    assert_eq!(out["dmarc"]["spf_aligned"], false);
    let ar = out["authentication_results"].as_str().unwrap();
    assert!(ar.contains("dkim=pass"), "{ar}");
    // Tampered: the signature fails and nothing aligned passes.
    let tampered: Vec<u8> = String::from_utf8(signed)
        .unwrap()
        .replace("Hi.", "Bye.")
        .into_bytes();
    let out = dmarc(&f, "198.51.100.1", "joe@example.com", &[], &tampered);
    assert_eq!(out["dkim"]["signatures"][0]["result"], "fail");
    assert_eq!(out["dmarc"]["result"], "fail");
    assert_eq!(out["dmarc"]["policy"], "reject");
}

#[test]
fn subdomain_policy_and_null_sender() {
    let f = fixture(
        "sub.yaml",
        &format!("{SPF_AND_DMARC}mx.example.net:\n  - TXT: 'v=spf1 a -all'\n  - A: 198.51.100.9\n"),
    );
    let msg = b"From: a@news.example.com\r\n\r\nx\r\n";
    let out = dmarc(&f, "198.51.100.9", "", &[], msg);
    assert_eq!(out["spf"]["identity"], "helo");
    assert_eq!(out["spf"]["result"], "pass");
    assert_eq!(out["dmarc"]["result"], "fail", "HELO domain not aligned");
    assert_eq!(out["dmarc"]["policy"], "quarantine");
    assert_eq!(out["dmarc"]["domain"], "news.example.com");
}

#[test]
fn no_record_and_temperror() {
    let f = fixture("none.yaml", "example.org:\n  - TXT: 'v=spf1 -all'\n");
    let msg = b"From: a@example.org\r\n\r\nx\r\n";
    let out = dmarc(&f, "192.0.2.1", "a@example.org", &[], msg);
    assert_eq!(out["dmarc"]["result"], "none");
    assert_eq!(out["dmarc"]["policy"], "none");
    let f = fixture("temp.yaml", "_dmarc.example.org: [TIMEOUT]\n");
    let out = dmarc(&f, "192.0.2.1", "a@example.org", &[], msg);
    assert_eq!(out["dmarc"]["result"], "temperror");
}

#[test]
fn several_author_domains_are_permerror() {
    let f = fixture("perm.yaml", SPF_AND_DMARC);
    let msg = b"From: a@example.com, b@example.org\r\n\r\nx\r\n";
    let out = dmarc(&f, "192.0.2.7", "a@example.com", &[], msg);
    assert_eq!(out["dmarc"]["result"], "permerror");
    let out = dmarc(
        &f,
        "192.0.2.7",
        "a@example.com",
        &[],
        b"Subject: no from\r\n\r\nx\r\n",
    );
    assert_eq!(out["dmarc"]["result"], "permerror");
}

#[test]
fn testing_mode_and_pct() {
    let f = fixture(
        "t.yaml",
        "_dmarc.example.com:\n  - TXT: 'v=DMARC1; p=reject; t=y; pct=0'\n",
    );
    let out = dmarc(&f, "192.0.2.7", "a@example.com", &[], MESSAGE);
    assert_eq!(out["dmarc"]["result"], "fail");
    assert_eq!(out["dmarc"]["policy"], "quarantine", "t=y lowers reject");
    let out = dmarc(&f, "192.0.2.7", "a@example.com", &["--rfc7489"], MESSAGE);
    assert_eq!(
        out["dmarc"]["policy"], "quarantine",
        "pct=0 samples nothing"
    );
    let f = fixture(
        "pct.yaml",
        "_dmarc.example.com:\n  - TXT: 'v=DMARC1; p=reject; pct=50'\n",
    );
    let out = dmarc(
        &f,
        "192.0.2.7",
        "a@example.com",
        &["--rfc7489", "--pct-sample", "10"],
        MESSAGE,
    );
    assert_eq!(out["dmarc"]["policy"], "reject");
    let out = dmarc(
        &f,
        "192.0.2.7",
        "a@example.com",
        &["--rfc7489", "--pct-sample", "60"],
        MESSAGE,
    );
    assert_eq!(out["dmarc"]["policy"], "quarantine");
    // RFC 9989 ignores pct.
    let out = dmarc(
        &f,
        "192.0.2.7",
        "a@example.com",
        &["--pct-sample", "60"],
        MESSAGE,
    );
    assert_eq!(out["dmarc"]["policy"], "reject");
}

#[test]
fn rfc7489_and_rfc9989_differ_on_public_suffix_records() {
    let f = fixture(
        "psd.yaml",
        "_dmarc.co.uk:\n  - TXT: 'v=DMARC1; p=reject; psd=y'\n",
    );
    let msg = b"From: a@shop.co.uk\r\n\r\nx\r\n";
    let out = dmarc(&f, "192.0.2.7", "a@shop.co.uk", &[], msg);
    assert_eq!(out["dmarc"]["result"], "fail");
    assert_eq!(out["dmarc"]["policy"], "reject");
    let out = dmarc(&f, "192.0.2.7", "a@shop.co.uk", &["--rfc7489"], msg);
    assert_eq!(out["dmarc"]["result"], "none");
}

#[test]
fn record_prints_tags() {
    let out = mailsec(
        &[
            "dmarc",
            "record",
            "v=DMARC1; p=quarantine; sp=reject; np=reject; adkim=s; pct=25; t=y; psd=n; rua=mailto:a@example.com,mailto:b@example.net; fo=1:d; ri=3600",
        ],
        None,
    );
    let v = json(&out);
    assert_eq!(v["v"], "DMARC1");
    assert_eq!(v["p"], "quarantine");
    assert_eq!(v["sp"], "reject");
    assert_eq!(v["np"], "reject");
    assert_eq!(v["adkim"], "s");
    assert_eq!(v["pct"], 25);
    assert_eq!(v["t"], "y");
    assert_eq!(v["psd"], "n");
    assert_eq!(
        v["rua"],
        serde_json::json!(["mailto:a@example.com", "mailto:b@example.net"])
    );
    assert_eq!(v["fo"], "1:d");
    assert_eq!(v["ri"], 3600);
    assert!(v.get("aspf").is_none(), "absent tags are absent");
}

#[test]
fn record_rejects_what_does_not_parse() {
    for text in [
        "v=spf1 -all",
        "p=reject",
        "v=DMARC1; p=bogus",
        "v=DMARC1; sp=x",
        "v=DMARC1 p=none",
        "",
    ] {
        let out = mailsec(&["dmarc", "record", text], None);
        assert_eq!(out.status.code(), Some(1), "{text:?}: {out:?}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["error"].is_string(), "{text:?}");
    }
}

#[test]
fn record_discards_invalid_tags_as_a_receiver_does() {
    // RFC 9989 §4.8: an invalid value is ignored (named on standard error).
    let out = mailsec(
        &["dmarc", "record", "v=DMARC1; p=reject; adkim=x; p=none"],
        None,
    );
    let v = json(&out);
    assert_eq!(v["p"], "reject", "the first p counts");
    assert!(v.get("adkim").is_none());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("adkim"), "{err}");
    // An invalid p with a valid rua acts as p=none (§4.10.1).
    let v = json(&mailsec(
        &[
            "dmarc",
            "record",
            "v=DMARC1; p=bogus; rua=mailto:r@example.com",
        ],
        None,
    ));
    assert_eq!(v["p"], "none");
    assert_eq!(v["rua"], serde_json::json!(["mailto:r@example.com"]));
}

#[test]
fn bad_input_exits_one() {
    let f = fixture("bad.yaml", SPF_AND_DMARC);
    let base = [
        "dmarc",
        "--helo",
        "h.example",
        "--sender",
        "a@example.com",
        "--dns",
    ];
    let mut args: Vec<&str> = base.to_vec();
    args.extend_from_slice(&[f.to_str().unwrap(), "--ip", "999.1.1.1"]);
    assert_eq!(mailsec(&args, Some(MESSAGE)).status.code(), Some(1));
    let mut args: Vec<&str> = base.to_vec();
    args.extend_from_slice(&[
        f.to_str().unwrap(),
        "--ip",
        "192.0.2.1",
        "--pct-sample",
        "100",
    ]);
    assert_eq!(mailsec(&args, Some(MESSAGE)).status.code(), Some(1));
    let mut args: Vec<&str> = base.to_vec();
    args.extend_from_slice(&[
        f.to_str().unwrap(),
        "--ip",
        "192.0.2.1",
        "/nonexistent/message",
    ]);
    assert_eq!(mailsec(&args, None).status.code(), Some(1));
}

const REPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">
  <version>1.0</version>
  <report_metadata>
    <org_name>receiver.example</org_name>
    <email>noreply-dmarc@receiver.example</email>
    <report_id>abc-123</report_id>
    <date_range><begin>1700000000</begin><end>1700086400</end></date_range>
  </report_metadata>
  <policy_published>
    <domain>example.com</domain>
    <p>reject</p>
    <np>reject</np>
    <testing>n</testing>
  </policy_published>
  <record>
    <row>
      <source_ip>192.0.2.25</source_ip>
      <count>3</count>
      <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated>
    </row>
    <identifiers><header_from>example.com</header_from></identifiers>
    <auth_results>
      <dkim><domain>example.com</domain><selector>sel</selector><result>pass</result></dkim>
      <spf><domain>bounce.example.net</domain><scope>mfrom</scope><result>fail</result></spf>
    </auth_results>
  </record>
</feedback>
"#;

#[test]
fn report_reads_an_aggregate_report() {
    let v = json(&mailsec(&["dmarc", "report", "-"], Some(REPORT.as_bytes())));
    assert_eq!(v["version"], "1.0");
    assert_eq!(v["report_metadata"]["report_id"], "abc-123");
    assert_eq!(v["report_metadata"]["date_range"]["end"], 1_700_086_400);
    assert_eq!(v["policy_published"]["np"], "reject");
    let row = &v["record"][0]["row"];
    assert_eq!(row["source_ip"], "192.0.2.25");
    assert_eq!(row["count"], 3);
    assert_eq!(row["policy_evaluated"]["spf"], "fail");
    assert_eq!(v["record"][0]["auth_results"]["spf"][0]["scope"], "mfrom");
    // Hostile or broken input exits 1.
    let bomb = format!("<!DOCTYPE x [<!ENTITY a \"aaaa\">]>{REPORT}");
    assert_eq!(
        mailsec(&["dmarc", "report"], Some(bomb.as_bytes()))
            .status
            .code(),
        Some(1)
    );
    let cut = &REPORT.as_bytes()[..REPORT.len() / 2];
    assert_eq!(
        mailsec(&["dmarc", "report"], Some(cut)).status.code(),
        Some(1)
    );
}

/// The `authentication_results` value of several verdicts, read by the
/// Python `authres` package (with its DMARC extension): the same methods,
/// results and properties as our JSON says.
#[test]
fn authentication_results_parse_with_authres() {
    let Some(python) = mailsec_testkit::python(&["authres", "authres.dmarc"]) else {
        return;
    };
    let (signed, key) = signed_message();
    let f = fixture(
        "authres.yaml",
        &format!("{SPF_AND_DMARC}sel._domainkey.example.com:\n  - TXT: '{key}'\n"),
    );
    let runs = [
        dmarc(&f, "192.0.2.7", "joe@example.com", &[], &signed),
        dmarc(&f, "198.51.100.1", "joe@example.com", &[], MESSAGE),
        dmarc(
            &f,
            "198.51.100.1",
            "",
            &[],
            b"From: x@example.com, y@example.org\r\n\r\nx\r\n",
        ),
    ];
    let values: Vec<String> = runs
        .iter()
        .map(|r| r["authentication_results"].as_str().unwrap().to_string())
        .collect();
    let script = r#"
import json, sys, authres, authres.dmarc
out = []
for v in json.load(sys.stdin):
    h = authres.AuthenticationResultsHeader.parse('Authentication-Results: ' + v)
    out.append({"id": h.authserv_id, "results": [
        {"method": r.method, "result": r.result,
         "props": {p.type + "." + p.name: p.value for p in r.properties}}
        for r in h.results]})
print(json.dumps(out))
"#;
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&values).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let parsed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    for (run, seen) in runs.iter().zip(&parsed) {
        assert_eq!(seen["id"], "mx.receiver.example");
        let results = seen["results"].as_array().unwrap();
        let spf = &results[0];
        assert_eq!(spf["method"], "spf");
        assert_eq!(spf["result"], run["spf"]["result"]);
        let dmarc = results.last().unwrap();
        assert_eq!(dmarc["method"], "dmarc");
        assert_eq!(dmarc["result"], run["dmarc"]["result"]);
        let domain = run["dmarc"]["domain"].as_str().unwrap();
        if !domain.is_empty() {
            assert_eq!(dmarc["props"]["header.from"], domain);
        }
        if run["dmarc"]["policy_source"] != "none" {
            assert_eq!(dmarc["props"]["policy.dmarc"], run["dmarc"]["policy"]);
        }
        let signatures = run["dkim"]["signatures"].as_array().unwrap();
        assert_eq!(results.len(), signatures.len() + 2, "{seen}");
        for (sig, r) in signatures.iter().zip(&results[1..]) {
            assert_eq!(r["method"], "dkim");
            assert_eq!(r["result"], sig["result"]);
            assert_eq!(r["props"]["header.d"], sig["domain"]);
            assert_eq!(r["props"]["header.s"], sig["selector"]);
        }
    }
    assert_eq!(parsed[0]["results"][2]["result"], "pass");
    assert_eq!(parsed[1]["results"][1]["result"], "fail");
}

#[test]
fn a_supplied_public_suffix_list_is_used() {
    // With a list where only `uk` is a suffix, co.uk is a registrable domain:
    // shop.co.uk's organizational domain becomes co.uk, whose record applies.
    let f = fixture("psl.yaml", "_dmarc.co.uk:\n  - TXT: 'v=DMARC1; p=reject'\n");
    let list = dir().join("psl.dat");
    std::fs::write(&list, "// ===BEGIN ICANN DOMAINS===\nuk\n").unwrap();
    let msg = b"From: a@shop.co.uk\r\n\r\nx\r\n";
    let out = dmarc(&f, "192.0.2.7", "a@shop.co.uk", &["--rfc7489"], msg);
    assert_eq!(
        out["dmarc"]["result"], "none",
        "the built-in list knows co.uk"
    );
    let out = dmarc(
        &f,
        "192.0.2.7",
        "a@shop.co.uk",
        &["--rfc7489", "--public-suffix-list", list.to_str().unwrap()],
        msg,
    );
    assert_eq!(out["dmarc"]["result"], "fail");
    assert_eq!(out["dmarc"]["policy_domain"], "co.uk");
    let bad = dir().join("empty.dat");
    std::fs::write(&bad, "// nothing\n").unwrap();
    let args = [
        "dmarc",
        "--ip",
        "192.0.2.7",
        "--helo",
        "h.example",
        "--sender",
        "a@shop.co.uk",
        "--dns",
        f.to_str().unwrap(),
        "--rfc7489",
        "--public-suffix-list",
        bad.to_str().unwrap(),
    ];
    assert_eq!(mailsec(&args, Some(msg)).status.code(), Some(1));
}
