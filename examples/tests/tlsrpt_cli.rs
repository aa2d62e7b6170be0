#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `mailsec tlsrpt txt|report` against the contract: one JSON object, exit
//! 0; exit 1 with `{"error": ...}` when the input yields nothing valid.

mod common;

use std::process::Output;

use serde_json::Value;

fn mailsec(args: &[&str], stdin: &[u8]) -> Output {
    common::mailsec(args, Some(stdin))
}

fn json(out: &Output) -> Value {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(text.trim_end().lines().count(), 1, "{text:?}");
    serde_json::from_str(&text).unwrap()
}

fn ok(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    json(out)
}

fn fails(out: &Output) {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(json(out)["error"].is_string());
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

#[test]
fn txt_lists_usable_uris() {
    let out = mailsec(
        &[
            "tlsrpt",
            "txt",
            "v=spf1 -all",
            "v=TLSRPTv1; rua=mailto:tls%21rpt@example.com, ftp://x.example/r,https://r.example/v1",
        ],
        b"",
    );
    let v = ok(&out);
    assert_eq!(v["version"], "TLSRPTv1");
    assert_eq!(
        v["rua"],
        serde_json::json!(["mailto:tls%21rpt@example.com", "https://r.example/v1"])
    );
}

#[test]
fn txt_exits_1_without_a_record_or_uri() {
    for records in [
        &["v=spf1 -all"][..],
        &["v=TLSRPTv1; rua=mailto:a@x", "v=TLSRPTv1; rua=mailto:b@x"][..],
        &["v=TLSRPTv1; rua=ftp://x.example/"][..],
        &["v=TLSRPTv1"][..],
        &["v=TLSRPTv1; rua=mailto:a!b@x"][..],
    ] {
        let mut args = vec!["tlsrpt", "txt"];
        args.extend_from_slice(records);
        fails(&mailsec(&args, b""));
    }
    // No record at all is a usage error.
    assert_eq!(mailsec(&["tlsrpt", "txt"], b"").status.code(), Some(2));
}

const REPORT: &str = r#"{"organization-name":"Microsoft Corporation","date-range":{"start-datetime":"2024-03-01T00:00:00","end-datetime":"2024-03-01T23:59:59"},"contact-info":"tlsrpt-noreply@microsoft.com","report-id":"1+example.org","policies":[{"policy":{"policy-type":"tlsa","policy-string":["[\"3 1 1 AB\",\"3 1 1 CD\"]"],"policy-domain":"example.org","mx-host":"mx.example.org"},"summary":{"total-successful-session-count":5},"failure-details":[{"result-type":"x-new","sending-mta-ip":"","receiving-mx-hostname":"mx.example.org","failure-reason-code":""}]}]}"#;

#[test]
fn report_prints_normalised_json() {
    let v = ok(&mailsec(&["tlsrpt", "report"], REPORT.as_bytes()));
    assert_eq!(v["date-range"]["start-datetime"], "2024-03-01T00:00:00Z");
    assert_eq!(v["date-range"]["end-datetime"], "2024-03-01T23:59:59Z");
    let p = &v["policies"][0];
    assert_eq!(
        p["policy"]["policy-string"],
        serde_json::json!(["3 1 1 AB", "3 1 1 CD"])
    );
    assert_eq!(
        p["policy"]["mx-host"],
        serde_json::json!(["mx.example.org"])
    );
    assert_eq!(p["summary"]["total-failure-session-count"], 0);
    let d = &p["failure-details"][0];
    assert_eq!(d["result-type"], "x-new");
    assert_eq!(d["failed-session-count"], 0);
    assert!(d.get("sending-mta-ip").is_none());
    assert!(d.get("failure-reason-code").is_none());
}

#[test]
fn report_reads_gzip_and_files() {
    // The library's own gzip of the report (gzip is told by content).
    let report = mta_sts_core::tlsrpt::Report::from_json(REPORT.as_bytes()).unwrap();
    let gz = report.to_gzip().unwrap();
    let plain = ok(&mailsec(&["tlsrpt", "report", "-"], REPORT.as_bytes()));
    assert_eq!(ok(&mailsec(&["tlsrpt", "report"], &gz)), plain);
    if let Some(bytes) = mailsec_testkit::vector("tlsrpt/stalwart-mail-auth-rpt01.json") {
        let path = mailsec_testkit::vectors_dir().join("tlsrpt/stalwart-mail-auth-rpt01.json");
        let v = ok(&mailsec(&["tlsrpt", "report", path.to_str().unwrap()], b""));
        assert_eq!(
            v["policies"][0]["summary"]["total-failure-session-count"],
            303
        );
        assert_eq!(ok(&mailsec(&["tlsrpt", "report"], &bytes)), v);
    }
}

#[test]
fn report_exits_1_on_bad_input() {
    fails(&mailsec(&["tlsrpt", "report"], b"not json"));
    fails(&mailsec(&["tlsrpt", "report"], b"{}"));
    fails(&mailsec(&["tlsrpt", "report"], b"\x1f\x8b\x08\x00garbage"));
    fails(&mailsec(
        &["tlsrpt", "report", "/nonexistent/report.json"],
        b"",
    ));
    if let Some(bytes) = mailsec_testkit::vector("tlsrpt/rfc8460-appendixB-as-printed.txt") {
        fails(&mailsec(&["tlsrpt", "report"], &bytes));
    }
    // Larger than the library's limit (8 MiB).
    let mut big = b"{\"x\":\"".to_vec();
    big.resize(8 * 1024 * 1024 + 10, b'a');
    big.extend_from_slice(b"\"}");
    fails(&mailsec(&["tlsrpt", "report"], &big));
}
