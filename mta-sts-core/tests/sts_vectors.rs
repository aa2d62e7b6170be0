//! RFC 8461 examples from `../shared/vectors/mta-sts/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mta_sts_core::sts::{Mode, Policy, StsRecord};

#[test]
fn section_3_2_example_lf_and_crlf() {
    for file in [
        "rfc8461-sec3.2-example.lf.txt",
        "rfc8461-sec3.2-example.crlf.txt",
    ] {
        let Some(body) = mailsec_testkit::vector(&format!("mta-sts/{file}")) else {
            return;
        };
        let (p, warnings) = Policy::parse_with_warnings(&body).unwrap();
        assert_eq!(p.mode(), Mode::Enforce, "{file}");
        assert_eq!(p.max_age(), 604_800);
        let mx: Vec<&str> = p.mx().iter().map(|m| m.as_str()).collect();
        assert_eq!(
            mx,
            ["mail.example.com", "*.example.net", "backupmx.example.com"]
        );
        assert!(p.extensions().is_empty());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(p.matches("mail.example.com"));
        assert!(p.matches("mx1.example.net"));
        assert!(!p.matches("example.net"));
        assert!(!p.matches("mx.example.org"));
    }
}

#[test]
fn appendix_a_lf_and_crlf_without_final_newline() {
    let mut seen = Vec::new();
    for file in [
        "rfc8461-appendixA.lf.txt",
        "rfc8461-appendixA.crlf-no-final-eol.txt",
    ] {
        let Some(body) = mailsec_testkit::vector(&format!("mta-sts/{file}")) else {
            return;
        };
        let p = Policy::parse(&body).unwrap();
        assert_eq!(p.mode(), Mode::Testing, "{file}");
        assert_eq!(p.max_age(), 1_296_000);
        assert_eq!(p.mx().len(), 3);
        assert!(p.matches("MX.BACKUP-EXAMPLE.COM."));
        seen.push(p);
    }
    if let [a, b] = seen.as_slice() {
        assert_eq!(a, b);
    }
}

#[test]
fn txt_record_examples() {
    let Some(text) = mailsec_testkit::vector("mta-sts/rfc8461-txt-examples.txt") else {
        return;
    };
    let text = String::from_utf8(text).unwrap();
    let records: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!records.is_empty());
    for line in records {
        let r = StsRecord::parse(line.as_bytes()).unwrap();
        assert_eq!(r.id(), "20160831085700Z");
        assert_eq!(StsRecord::from_set([line.as_bytes()]).unwrap(), r);
    }
}
