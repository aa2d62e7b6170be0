#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg(feature = "reports")]
//! Reading and writing TLS reports: the RFC 8460 Appendix B vectors,
//! real-world shapes, the limits (a gzip bomb among them), and round trips.

use std::io::Write;

use mta_sts_core::tlsrpt::{
    DateRange, FailureDetail, Policy, PolicyResult, PolicyType, Report, ReportError, ReportLimits,
    ResultType, Summary, parse_report, parse_report_json,
};
use proptest::prelude::*;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn read(json: &str) -> Result<Report, ReportError> {
    parse_report_json(json.as_bytes(), &ReportLimits::default())
}

fn check_appendix_b(r: &Report) {
    assert_eq!(r.organization_name, "Company-X");
    assert_eq!(r.date_range.start, 1_459_468_800);
    assert_eq!(r.date_range.end, 1_459_555_199);
    assert_eq!(r.contact_info, "sts-reporting@company-x.example");
    assert_eq!(r.report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
    let p = &r.policies[0];
    assert_eq!(p.policy.policy_type, PolicyType::Sts);
    assert_eq!(p.policy.policy_string.len(), 4);
    assert_eq!(p.policy.mx_host, ["*.mail.company-y.example"]);
    assert_eq!(p.summary.total_successful_session_count, 5326);
    assert_eq!(p.summary.total_failure_session_count, 303);
    let d = &p.failure_details;
    assert_eq!(d.len(), 3);
    assert_eq!(d[0].result_type, ResultType::CertificateExpired);
    assert_eq!(
        d[0].sending_mta_ip,
        Some("2001:db8:abcd:12::1".parse().unwrap())
    );
    assert_eq!(d[1].receiving_ip, Some("203.0.113.56".parse().unwrap()));
    assert_eq!(d[1].failed_session_count, 200);
    assert_eq!(d[2].result_type, ResultType::ValidationFailure);
    assert_eq!(
        d[2].failure_reason_code.as_deref(),
        Some("X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED")
    );
}

#[test]
fn stalwart_rendering_of_appendix_b() {
    let Some(bytes) = mailsec_testkit::vector("tlsrpt/stalwart-mail-auth-rpt01.json") else {
        return;
    };
    let r = parse_report(&bytes, &ReportLimits::default()).unwrap();
    check_appendix_b(&r);
    // Kept as given, though it is not a valid URI.
    assert!(
        r.policies[0].failure_details[1]
            .additional_information
            .as_deref()
            .unwrap()
            .starts_with("https://reports.company-x.example/report_info ?")
    );
}

#[test]
fn appendix_b_as_printed() {
    let Some(bytes) = mailsec_testkit::vector("tlsrpt/rfc8460-appendixB-as-printed.txt") else {
        return;
    };
    // As printed it is not JSON: a line break inside a string.
    let err = parse_report(&bytes, &ReportLimits::default()).unwrap_err();
    assert!(matches!(err, ReportError::Json { line: 33, .. }), "{err:?}");
    // Mended (the line break and its indentation removed), it reads, with
    // `mx-host` as a string (erratum 6241) read into the list.
    let text = String::from_utf8(bytes).unwrap();
    let mended = text.replace("example/\n        report_info", "example/report_info");
    let r = read(&mended).unwrap();
    check_appendix_b(&r);
    if let Some(stalwart) = mailsec_testkit::vector("tlsrpt/stalwart-mail-auth-rpt01.json") {
        assert_eq!(
            r,
            parse_report(&stalwart, &ReportLimits::default()).unwrap()
        );
    }
}

/// Shapes seen from large senders, written here.
const MICROSOFT_TLSA: &str = r#"{
  "organization-name": "Microsoft Corporation",
  "date-range": {"start-datetime": "2024-03-01T00:00:00", "end-datetime": "2024-03-01T23:59:59"},
  "contact-info": "tlsrpt-noreply@microsoft.com",
  "report-id": "133540000000000000+example.org",
  "policies": [{
    "policy": {
      "policy-type": "tlsa",
      "policy-string": ["[\"3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6\",\"3 1 1 ABCDEF\"]"],
      "policy-domain": "example.org",
      "mx-host": ["mx.example.org"]
    },
    "summary": {"total-successful-session-count": 12, "total-failure-session-count": 2},
    "failure-details": [{
      "result-type": "tlsa-invalid",
      "sending-mta-ip": "",
      "receiving-mx-hostname": "mx.example.org",
      "receiving-ip": "2001:db8::25",
      "failed-session-count": 2
    }]
  }]
}"#;

const GOOGLE_STS: &str = r#"{"organization-name":"Google Inc.","date-range":{"start-datetime":"2024-03-01T00:00:00Z","end-datetime":"2024-03-01T23:59:59Z"},"contact-info":"smtp-tls-reporting@google.com","report-id":"2024-03-01T00:00:00Z_example.org","policies":[{"policy":{"policy-type":"sts","policy-string":["version: STSv1","mode: enforce","mx: mx.example.org","max_age: 604800"],"policy-domain":"example.org"},"summary":{"total-successful-session-count":1570}},{"policy":{"policy-type":"no-policy-found","policy-domain":"example.org"},"summary":{"total-successful-session-count":3,"total-failure-session-count":0}}]}"#;

#[test]
fn microsoft_tlsa_shape() {
    let r = read(MICROSOFT_TLSA).unwrap();
    assert_eq!(r.date_range, DateRange::utc_day(1_709_251_200));
    let p = &r.policies[0];
    assert_eq!(p.policy.policy_type, PolicyType::Tlsa);
    assert_eq!(
        p.policy.policy_string,
        [
            "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6",
            "3 1 1 ABCDEF"
        ]
    );
    let d = &p.failure_details[0];
    assert_eq!(d.result_type, ResultType::TlsaInvalid);
    assert_eq!(d.sending_mta_ip, None);
    // Normalised output.
    let out: serde_json::Value = serde_json::from_str(&r.to_json().unwrap()).unwrap();
    assert_eq!(out["date-range"]["start-datetime"], "2024-03-01T00:00:00Z");
    assert_eq!(
        out["policies"][0]["policy"]["policy-string"][1],
        "3 1 1 ABCDEF"
    );
    assert!(
        out["policies"][0]["failure-details"][0]
            .get("sending-mta-ip")
            .is_none()
    );
    // The JSON-in-a-string as a bare string, too.
    let bare = MICROSOFT_TLSA
        .replace(r#"["[\"3 1 1 0C72"#, r#""[\"3 1 1 0C72"#)
        .replace(r#"ABCDEF\"]"]"#, r#"ABCDEF\"]""#);
    assert_eq!(read(&bare).unwrap(), r);
}

#[test]
fn google_sts_shape() {
    let r = read(GOOGLE_STS).unwrap();
    assert_eq!(r.policies.len(), 2);
    assert_eq!(r.policies[0].summary.total_failure_session_count, 0);
    assert!(r.policies[0].policy.mx_host.is_empty());
    assert_eq!(r.policies[1].policy.policy_type, PolicyType::NoPolicyFound);
    assert!(r.policies[1].policy.policy_string.is_empty());
    let out: serde_json::Value = serde_json::from_str(&r.to_json().unwrap()).unwrap();
    assert_eq!(
        out["policies"][0]["summary"]["total-failure-session-count"],
        0
    );
    assert!(out["policies"][1]["policy"].get("policy-string").is_none());
    assert!(out["policies"][1].get("failure-details").is_none());
}

#[test]
fn tolerated_variations() {
    let r = read(
        r#"{"organization-name":"X","date-range":{"start-datetime":"2024-03-01 02:00:00+02:00",
        "end-datetime":"2024-03-01T23:59:59.999z"},"contact-info":"c@x","report-id":"1",
        "policies":[{"policy":{"policy-type":"x-future","policy-domain":"d.example",
        "mx-host-pattern":"mx.d.example","policy-string":"version: STSv1"},
        "failure-details":[{"result-type":"x-new-failure","failed-session-count":"7",
        "sending-mta-ip":"[192.0.2.1]","receiving-ip":"  ","additional-info-uri":"https://x/",
        "receiving-mx-helo":"","unknown":{"deep":[1,2]}}]}]}"#,
    )
    .unwrap();
    assert_eq!(r.date_range.start, 1_709_251_200);
    let p = &r.policies[0];
    assert_eq!(p.policy.policy_type, PolicyType::Other("x-future".into()));
    assert_eq!(p.policy.mx_host, ["mx.d.example"]);
    assert_eq!(p.policy.policy_string, ["version: STSv1"]);
    assert_eq!(p.summary, Summary::default());
    let d = &p.failure_details[0];
    assert_eq!(d.result_type, ResultType::Other("x-new-failure".into()));
    assert_eq!(d.failed_session_count, 7);
    assert_eq!(d.sending_mta_ip, Some("192.0.2.1".parse().unwrap()));
    assert_eq!(d.receiving_ip, None);
    assert_eq!(d.receiving_mx_helo, None);
    assert_eq!(d.additional_information.as_deref(), Some("https://x/"));
    let out: serde_json::Value = serde_json::from_str(&r.to_json().unwrap()).unwrap();
    assert_eq!(out["policies"][0]["policy"]["policy-type"], "x-future");
    assert_eq!(
        out["policies"][0]["failure-details"][0]["additional-information"],
        "https://x/"
    );
    // A non-TLSA policy string that looks like JSON is kept as given.
    let r = read(
        r#"{"organization-name":"X","date-range":{"start-datetime":"2024-03-01T00:00:00Z",
        "end-datetime":"2024-03-01T23:59:59Z"},"contact-info":"c","report-id":"1",
        "policies":[{"policy":{"policy-type":"sts","policy-domain":"d","policy-string":["[\"a\"]"]}}]}"#,
    )
    .unwrap();
    assert_eq!(r.policies[0].policy.policy_string, ["[\"a\"]"]);
}

#[test]
fn malformed_reports() {
    let base = GOOGLE_STS;
    for (broken, expect) in [
        (
            base.replace("\"report-id\"", "\"report-idx\""),
            "missing report-id",
        ),
        (
            base.replace("2024-03-01T00:00:00Z\",\"end", "yesterday\",\"end"),
            "invalid date-range.start-datetime",
        ),
        (
            base.replace(
                "\"total-successful-session-count\":1570",
                "\"total-successful-session-count\":-1",
            ),
            "invalid policies[0].summary.total-successful-session-count",
        ),
        (
            base.replace("\"policy-type\":\"sts\",", ""),
            "missing policies[0].policy.policy-type",
        ),
        (
            base.replace("\"policies\":[", "\"policies\":[7,"),
            "invalid policies[0]",
        ),
        ("[]".into(), "invalid report"),
        ("{".into(), "malformed json"),
    ] {
        let err = read(&broken).unwrap_err().to_string();
        assert!(err.starts_with(expect), "{err} / {expect}");
    }
    let err = read(&MICROSOFT_TLSA.replace("2001:db8::25", "mx.example.org")).unwrap_err();
    assert_eq!(
        err,
        ReportError::Invalid {
            path: "policies[0].failure-details[0].receiving-ip".into()
        }
    );
}

#[test]
fn limits() {
    let tight = ReportLimits {
        max_json_size: 100_000,
        max_json_values: 2_000,
        max_policies: 2,
        max_failure_details: 3,
        max_list_items: 4,
        max_string_len: 64,
    };
    let json = GOOGLE_STS.as_bytes();
    assert!(parse_report_json(json, &tight).is_ok());
    let small = ReportLimits {
        max_json_size: json.len() - 1,
        ..tight
    };
    assert_eq!(
        parse_report_json(json, &small),
        Err(ReportError::TooLarge {
            limit: json.len() - 1
        })
    );
    let few = ReportLimits {
        max_json_values: 20,
        ..tight
    };
    assert_eq!(
        parse_report_json(json, &few),
        Err(ReportError::TooManyValues { limit: 20 })
    );
    let one = ReportLimits {
        max_policies: 1,
        ..tight
    };
    assert!(matches!(
        parse_report_json(json, &one),
        Err(ReportError::TooMany { limit: 1, .. })
    ));
    let three = ReportLimits {
        max_list_items: 3,
        ..tight
    };
    assert!(matches!(
        parse_report_json(json, &three),
        Err(ReportError::TooMany { limit: 3, ref path }) if path == "policies[0].policy.policy-string"
    ));
    let short = ReportLimits {
        max_string_len: 20,
        ..tight
    };
    assert!(matches!(
        parse_report_json(json, &short),
        Err(ReportError::StringTooLong { limit: 20, .. })
    ));
    // Failure details count over all policies.
    let detail = r#"{"result-type":"validation-failure","failed-session-count":1}"#;
    let two_policies = format!(
        r#"{{"organization-name":"X","date-range":{{"start-datetime":"2024-03-01T00:00:00Z","end-datetime":"2024-03-01T23:59:59Z"}},"contact-info":"c","report-id":"1","policies":[{{"policy":{{"policy-type":"sts","policy-domain":"d"}},"failure-details":[{detail},{detail}]}},{{"policy":{{"policy-type":"sts","policy-domain":"d"}},"failure-details":[{detail},{detail}]}}]}}"#
    );
    assert!(matches!(
        parse_report_json(two_policies.as_bytes(), &tight),
        Err(ReportError::TooMany { limit: 3, ref path }) if path == "policies[1].failure-details"
    ));
    // Nesting is bounded by serde_json: an error, not a stack overflow.
    let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    let err = parse_report_json(
        deep.as_bytes(),
        &ReportLimits {
            max_json_values: 1_000_000,
            ..ReportLimits::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, ReportError::Json { .. }), "{err:?}");
}

#[test]
fn gzip_report_and_gzip_bomb() {
    let r = read(GOOGLE_STS).unwrap();
    let limits = ReportLimits::default();
    assert_eq!(
        parse_report(&gzip(GOOGLE_STS.as_bytes()), &limits).unwrap(),
        r
    );
    assert_eq!(parse_report(&r.to_gzip().unwrap(), &limits).unwrap(), r);
    // 256 MiB of spaces (32 times the limit), compressed chunk by chunk:
    // about 256 KiB of gzip. Never allocated whole, here or in the reader,
    // which stops one byte past the limit.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..256 {
        enc.write_all(&chunk).unwrap();
    }
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < limits.max_json_size);
    assert_eq!(
        parse_report(&bomb, &limits),
        Err(ReportError::TooLarge {
            limit: limits.max_json_size
        })
    );
}

#[test]
fn serde_deserialize_goes_through_the_reader() {
    let r: Report = serde_json::from_str(MICROSOFT_TLSA).unwrap();
    assert_eq!(r, read(MICROSOFT_TLSA).unwrap());
    assert!(serde_json::from_str::<Report>("{}").is_err());
}

fn text() -> impl Strategy<Value = String> {
    "[ -~\u{e9}\u{4e2d}]{0,12}".prop_filter("not blank", |s| !s.trim().is_empty())
}

fn ip() -> impl Strategy<Value = Option<std::net::IpAddr>> {
    prop::option::of(prop_oneof![
        any::<[u8; 4]>().prop_map(std::net::IpAddr::from),
        any::<[u8; 16]>().prop_map(std::net::IpAddr::from),
    ])
}

fn detail() -> impl Strategy<Value = FailureDetail> {
    (
        prop_oneof![
            Just(ResultType::CertificateExpired),
            Just(ResultType::StsPolicyFetchError),
            "[a-z-]{1,10}".prop_map(|w| ResultType::from_word(&w)),
        ],
        ip(),
        prop::option::of(text()),
        prop::option::of(text()),
        ip(),
        any::<u64>(),
        prop::option::of(text()),
        prop::option::of(text()),
    )
        .prop_map(|(rt, s, h, helo, r, n, a, c)| FailureDetail {
            result_type: rt,
            sending_mta_ip: s,
            receiving_mx_hostname: h,
            receiving_mx_helo: helo,
            receiving_ip: r,
            failed_session_count: n,
            additional_information: a,
            failure_reason_code: c,
        })
}

fn report() -> impl Strategy<Value = Report> {
    let policy = (
        prop_oneof![
            Just(PolicyType::Sts),
            Just(PolicyType::Tlsa),
            Just(PolicyType::NoPolicyFound),
            "[a-z]{1,8}".prop_map(|w| PolicyType::from_word(&w)),
        ],
        prop::collection::vec(text(), 0..4),
        text(),
        prop::collection::vec(text(), 0..3),
        any::<(u64, u64)>(),
        prop::collection::vec(detail(), 0..3),
    )
        .prop_map(|(t, ps, d, mx, (ok, ko), details)| {
            // A TLSA policy string of one item that is a JSON array is read
            // as that array: keep generated ones away from it.
            let ps = ps
                .into_iter()
                .filter(|s| !s.trim_start().starts_with('['))
                .collect();
            PolicyResult {
                policy: Policy {
                    policy_type: t,
                    policy_string: ps,
                    policy_domain: d,
                    mx_host: mx,
                },
                summary: Summary {
                    total_successful_session_count: ok,
                    total_failure_session_count: ko,
                },
                failure_details: details,
            }
        });
    (
        "[ -~]{0,10}",
        -62_167_219_200i64..253_402_300_799,
        0i64..1_000_000,
        "[ -~]{0,10}",
        "[ -~]{0,10}",
        prop::collection::vec(policy, 0..3),
    )
        .prop_map(|(org, start, len, contact, id, policies)| Report {
            organization_name: org,
            date_range: DateRange {
                start,
                end: (start + len).min(253_402_300_799),
            },
            contact_info: contact,
            report_id: id,
            policies,
        })
}

proptest! {
    #[test]
    fn written_reports_read_back_equal(r in report()) {
        let json = r.to_json().unwrap();
        prop_assert_eq!(&read(&json).unwrap(), &r);
        let gz = r.to_gzip().unwrap();
        prop_assert_eq!(parse_report(&gz, &ReportLimits::default()).unwrap(), r);
    }

    #[test]
    fn never_panics_on_bytes(data in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_report(&data, &ReportLimits::default());
    }

    #[test]
    fn never_panics_on_mutated_reports(pos in 0usize..2_000, byte in any::<u8>(), cut in 0usize..2_000) {
        let mut data = MICROSOFT_TLSA.as_bytes().to_vec();
        let n = data.len();
        data[pos % n] = byte;
        data.truncate(n - cut % n);
        if let Ok(r) = parse_report(&data, &ReportLimits::default()) {
            let again = read(&r.to_json().unwrap()).unwrap();
            prop_assert_eq!(again, r);
        }
    }
}

#[test]
fn tlsa_policy_string_decoded_once_and_stable() {
    let with = |ps: &str| {
        read(&format!(
            r#"{{"organization-name":"X","date-range":{{"start-datetime":"2024-03-01T00:00:00Z","end-datetime":"2024-03-01T23:59:59Z"}},"contact-info":"c","report-id":"1","policies":[{{"policy":{{"policy-type":"tlsa","policy-domain":"d","policy-string":{ps}}}}}]}}"#
        ))
    };
    // Encoded twice: refused, since the once-decoded list would decode again.
    assert!(matches!(
        with(r#"["[\"[\\\"x\\\"]\"]"]"#),
        Err(ReportError::Invalid { .. })
    ));
    // An empty item dropped leaves one encoded item: it is decoded.
    assert_eq!(
        with(r#"["", "[\"a\",\"b\"]"]"#).unwrap().policies[0]
            .policy
            .policy_string,
        ["a", "b"]
    );
    // Not JSON after all: kept as given, and stable.
    let r = with(r#"["[not json"]"#).unwrap();
    assert_eq!(r.policies[0].policy.policy_string, ["[not json"]);
    assert_eq!(read(&r.to_json().unwrap()).unwrap(), r);
}
