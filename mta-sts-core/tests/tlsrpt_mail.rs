#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg(feature = "reports")]
//! Sending: sessions gathered by the builder, written as JSON, named, and
//! wrapped in the RFC 8460 §5.3 report mail.

use mta_sts_core::tlsrpt::{
    DateRange, FailureDetail, MailError, Policy, PolicyType, Report, ReportBuilder, ReportHeader,
    ReportLimits, ReportMail, ResultType, parse_report,
};

fn report() -> Report {
    let policy = Policy {
        policy_type: PolicyType::Sts,
        policy_string: vec!["version: STSv1".into(), "mode: enforce".into()],
        policy_domain: "example.net".into(),
        mx_host: vec!["*.mx.example.net".into()],
    };
    let mut b = ReportBuilder::new();
    b.record_success(&policy, 41);
    let mut f = FailureDetail::new(ResultType::CertificateExpired);
    f.sending_mta_ip = Some("192.0.2.7".parse().unwrap());
    f.receiving_mx_hostname = Some("a.mx.example.net".into());
    f.failed_session_count = 1;
    b.record_failure(&policy, &f);
    b.record_failure(&policy, &f);
    b.build(
        ReportHeader {
            organization_name: "Sender Inc.".into(),
            contact_info: "tlsrpt@mail.sender.example.com".into(),
            report_id: "735ff.e317+bf22029@example.net".into(),
        },
        DateRange::previous_utc_day(1_494_377_670),
    )
}

fn mail() -> ReportMail {
    ReportMail {
        from: "tlsrpt@mail.sender.example.com".into(),
        to: vec!["mts-sts-tlsrpt@example.net".into()],
        submitter: "mail.sender.example.com".into(),
        policy_domain: "example.net".into(),
        date: 1_494_377_670,
        message_id: Some("r1@mail.sender.example.com".into()),
        unique_id: None,
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let mut out = Vec::new();
    for quad in clean.chunks(4) {
        let pad = quad.iter().filter(|&&b| b == b'=').count();
        let mut n = 0u32;
        for &b in quad {
            n = (n << 6) | if b == b'=' { 0 } else { u32::from(value(b)) };
        }
        let bytes = n.to_be_bytes();
        let bytes = &bytes[1..];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    out
}

#[test]
fn report_mail_shape_and_attachment() {
    let r = report();
    let bytes = mail().build(&r).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    for field in [
        "From: tlsrpt@mail.sender.example.com",
        "To: mts-sts-tlsrpt@example.net",
        "Date: Wed, 10 May 2017 00:54:30 +0000",
        "Subject: Report Domain: example.net\r\n Submitter: mail.sender.example.com\r\n Report-ID: <735ff.e317+bf22029@example.net>",
        "Message-ID: <r1@mail.sender.example.com>",
        "TLS-Report-Domain: example.net",
        "TLS-Report-Submitter: mail.sender.example.com",
        "MIME-Version: 1.0",
        "Content-Type: multipart/report; report-type=\"tlsrpt\";",
    ] {
        assert!(head.contains(field), "{field}\n{head}");
    }
    let boundary = head
        .split("boundary=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let parts: Vec<&str> = body.split(&format!("--{boundary}")).collect();
    assert_eq!(parts.len(), 4, "{body}");
    assert_eq!(parts[3], "--\r\n");
    assert!(parts[1].contains("Content-Type: text/plain"));
    let attachment = parts[2];
    let name = format!(
        "filename=\"mail.sender.example.com!example.net!{}!{}.json.gz\"",
        r.date_range.start, r.date_range.end
    );
    assert!(attachment.contains("Content-Type: application/tlsrpt+gzip"));
    assert!(attachment.contains("Content-Transfer-Encoding: base64"));
    assert!(attachment.contains(&name), "{attachment}");
    let (_, b64) = attachment.split_once("\r\n\r\n").unwrap();
    assert!(b64.lines().all(|l| l.len() <= 76));
    let gz = decode_base64(b64);
    assert_eq!(parse_report(&gz, &ReportLimits::default()).unwrap(), r);
    assert_eq!(r.date_range.start, 1_494_288_000); // 2017-05-09T00:00:00Z
    assert_eq!(r.policies[0].summary.total_failure_session_count, 2);
}

#[test]
fn signing_hook() {
    let r = report();
    let unsigned = mail().build(&r).unwrap();
    let signed = mail()
        .build_signed(&r, |m: &[u8]| {
            assert_eq!(m, &unsigned[..]);
            Ok::<_, String>("DKIM-Signature: v=1; d=mail.sender.example.com; b=x\r\n".into())
        })
        .unwrap();
    assert!(signed.starts_with(b"DKIM-Signature: v=1;"));
    assert!(signed.ends_with(&unsigned));
    let err = mail()
        .build_signed(&r, |_: &[u8]| Err::<String, _>("no key"))
        .unwrap_err();
    assert!(matches!(err, MailError::Sign(ref m) if m == "no key"));
}

#[test]
fn refuses_header_injection() {
    let r = report();
    let mut m = mail();
    m.from = "a@b\r\nBcc: x@y".into();
    assert!(matches!(
        m.build(&r),
        Err(MailError::Header { field: "from" })
    ));
    let mut m = mail();
    m.to.clear();
    assert!(matches!(m.build(&r), Err(MailError::NoRecipient)));
    let mut m = mail();
    m.policy_domain = "example.net\r\nX: y".into();
    assert!(matches!(m.build(&r), Err(MailError::FileName(_))));
    let mut m = mail();
    m.unique_id = Some("a b".into());
    assert!(matches!(m.build(&r), Err(MailError::FileName(_))));
}
