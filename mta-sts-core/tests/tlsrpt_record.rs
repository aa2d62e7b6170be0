#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The `_smtp._tls` record parser: the RFC 8460 §3 examples, the record-set
//! rule over DNS answers, and property tests (round trip, never panics).

use mailsec_dns::Txt;
use mta_sts_core::tlsrpt::{
    RecordSetError, ReportUri, UriKind, parse_record, parse_record_set, parse_txt_set,
};
use proptest::prelude::*;

#[test]
fn rfc8460_section3_examples() {
    for (record, expected) in [
        (
            "v=TLSRPTv1;rua=mailto:reports@example.com",
            vec!["mailto:reports@example.com"],
        ),
        (
            "v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt",
            vec!["https://reporting.example.com/v1/tlsrpt"],
        ),
        (
            "v=TLSRPTv1; rua=mailto:reports@example.com,https://reporting.example.com/v1/tlsrpt",
            vec![
                "mailto:reports@example.com",
                "https://reporting.example.com/v1/tlsrpt",
            ],
        ),
    ] {
        let r = parse_record(record.as_bytes()).unwrap();
        let got: Vec<_> = r.usable_rua().map(ReportUri::as_str).collect();
        assert_eq!(got, expected, "{record}");
    }
}

#[test]
fn record_set_over_dns_answers() {
    let split = Txt::new(vec![
        b"v=TLSRPTv1; rua=mailto:tls".to_vec(),
        b"rpt@example.com".to_vec(),
    ]);
    let spf = Txt::from_bytes(b"v=spf1 -all");
    let r = parse_txt_set([&spf, &split]).unwrap();
    assert_eq!(
        r.rua[0].mailto_address().as_deref(),
        Some("tlsrpt@example.com")
    );
    let again = Txt::from_bytes(b"v=TLSRPTv1; rua=mailto:other@example.com");
    assert_eq!(
        parse_txt_set([&split, &again]),
        Err(RecordSetError::MultipleRecords { count: 2 })
    );
    // RFC 8460 §3: a record that does not begin with `v=TLSRPTv1;` is
    // discarded from the set, even one the grammar would read.
    let r = parse_record_set([
        &b"v=TLSRPTv1; rua=mailto:a@example.com"[..],
        b"v=TLSRPTv1",
        b"v=TLSRPTv1 ; rua=mailto:b@example.com",
    ])
    .unwrap();
    assert_eq!(r.rua[0].as_str(), "mailto:a@example.com");
    // Only usable URIs are listed: an https URI needs a host, a mailto URI
    // an address.
    let r = parse_record_set(["v=TLSRPTv1; rua=https://,mailto:a@example.com"]).unwrap();
    let usable: Vec<&str> = r.usable_rua().map(ReportUri::as_str).collect();
    assert_eq!(usable, ["mailto:a@example.com"]);
    // A record that begins with v=TLSRPTv1 but is broken still counts in
    // the set, and the set then yields nothing.
    assert!(matches!(
        parse_record_set(["v=TLSRPTv1; rua=bad uri"]),
        Err(RecordSetError::Invalid(_))
    ));
}

fn uri() -> impl Strategy<Value = (String, UriKind)> {
    let local = "[a-z0-9.]{1,8}|[a-z]{1,3}%2[cC][a-z]{1,3}|[a-z]{1,3}%21[a-z]{1,3}";
    prop_oneof![
        (local, "[a-z]{1,8}\\.example")
            .prop_map(|(l, d)| (format!("mailto:{l}@{d}"), UriKind::Mailto)),
        "[a-z]{1,8}(/[a-z0-9_~-]{0,6}){0,3}".prop_map(|p| (format!("https://{p}"), UriKind::Https)),
        "[a-z]{1,5}:[a-z/]{1,8}".prop_map(|u| {
            let kind = if u.starts_with("https:") {
                UriKind::Https
            } else if u.starts_with("mailto:") {
                UriKind::Mailto
            } else {
                UriKind::Other
            };
            (u, kind)
        }),
    ]
}

proptest! {
    #[test]
    fn written_records_read_back(
        uris in prop::collection::vec(uri(), 1..5),
        exts in prop::collection::vec(("[a-z][a-z0-9_.-]{0,8}", "[!-:<>-~]{1,8}"), 0..3),
        ws in "[ \t]{0,2}",
        trailing in any::<bool>(),
    ) {
        let exts: Vec<(String, String)> = exts.into_iter().filter(|(n, _)| n != "rua").collect();
        let mut record = String::from("v=TLSRPTv1");
        for (n, v) in &exts {
            record.push_str(&format!("{ws};{ws}{n}={v}"));
        }
        let list: Vec<&str> = uris.iter().map(|(u, _)| u.as_str()).collect();
        record.push_str(&format!("{ws};{ws}rua={}", list.join(&format!("{ws},{ws}"))));
        if trailing {
            record.push(';');
        }
        // The grammar allows white space before `;`; the record-set rule
        // (which wants `v=TLSRPTv1;` at the start) is tested apart.
        let r = parse_record(record.as_bytes()).unwrap();
        let got: Vec<&str> = r.rua.iter().map(ReportUri::as_str).collect();
        prop_assert_eq!(got, list);
        let kinds: Vec<UriKind> = r.rua.iter().map(ReportUri::kind).collect();
        let expected: Vec<UriKind> = uris.iter().map(|(_, k)| *k).collect();
        prop_assert_eq!(kinds, expected);
        prop_assert_eq!(r.extensions, exts);
    }

    #[test]
    fn never_panics(data in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut record = b"v=TLSRPTv1;".to_vec();
        record.extend_from_slice(&data);
        let _ = parse_record(&record);
        let _ = parse_record_set([&data[..], &record[..]]);
    }
}
