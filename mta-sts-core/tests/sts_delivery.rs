//! The delivery decision (RFC 8461 §4, §5, DANE precedence §2), table-driven.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mta_sts_core::sts::{
    Action, CertificateCheck as C, DaneFailure, DaneOutcome, GovernedBy, Mode, Policy,
    ResultType as R, TlsOutcome, decide_delivery,
};

/// Policy, MX host, TLS, DANE; then action, result type, what governed.
type Row<'a> = (
    Option<&'a Policy>,
    &'a str,
    TlsOutcome,
    Option<DaneOutcome>,
    Action,
    Option<R>,
    GovernedBy,
);

fn policy(mode: &str) -> Policy {
    let mx = if mode == "none" {
        ""
    } else {
        "mx: *.example.com\n"
    };
    Policy::parse(format!("version: STSv1\nmode: {mode}\n{mx}max_age: 604800\n").as_bytes())
        .unwrap()
}

#[test]
fn decision_table() {
    let enforce = policy("enforce");
    let testing = policy("testing");
    let none = policy("none");
    let ok = TlsOutcome::Negotiated(C::Valid);
    let good = "mx1.example.com";
    let bad = "mx1.example.org";
    #[rustfmt::skip]
    let table: Vec<Row<'_>> = vec![
        (None, good, TlsOutcome::NoStartTls, None, Action::Deliver, None, GovernedBy::Nothing),
        (Some(&none), bad, TlsOutcome::NoStartTls, None, Action::Deliver, None, GovernedBy::Nothing),
        (Some(&enforce), good, ok, None, Action::Deliver, None, GovernedBy::MtaSts(Mode::Enforce)),
        (Some(&enforce), "MX1.Example.Com.", ok, None, Action::Deliver, None, GovernedBy::MtaSts(Mode::Enforce)),
        (Some(&enforce), bad, ok, None, Action::DoNotDeliver, Some(R::ValidationFailure), GovernedBy::MtaSts(Mode::Enforce)),
        (Some(&enforce), good, TlsOutcome::NoStartTls, None, Action::DoNotDeliver, Some(R::StartTlsNotSupported), GovernedBy::MtaSts(Mode::Enforce)),
        (Some(&enforce), good, TlsOutcome::Negotiated(C::HostMismatch), None, Action::DoNotDeliver, Some(R::CertificateHostMismatch), GovernedBy::MtaSts(Mode::Enforce)),
        (Some(&enforce), good, TlsOutcome::Negotiated(C::Expired), None, Action::DoNotDeliver, Some(R::CertificateExpired), GovernedBy::MtaSts(Mode::Enforce)),
        (Some(&enforce), good, TlsOutcome::Negotiated(C::NotTrusted), None, Action::DoNotDeliver, Some(R::CertificateNotTrusted), GovernedBy::MtaSts(Mode::Enforce)),
        (Some(&enforce), good, TlsOutcome::Negotiated(C::Invalid), None, Action::DoNotDeliver, Some(R::ValidationFailure), GovernedBy::MtaSts(Mode::Enforce)),
        (Some(&testing), good, ok, None, Action::Deliver, None, GovernedBy::MtaSts(Mode::Testing)),
        (Some(&testing), bad, ok, None, Action::DeliverAndReport, Some(R::ValidationFailure), GovernedBy::MtaSts(Mode::Testing)),
        (Some(&testing), good, TlsOutcome::NoStartTls, None, Action::DeliverAndReport, Some(R::StartTlsNotSupported), GovernedBy::MtaSts(Mode::Testing)),
        (Some(&testing), good, TlsOutcome::Negotiated(C::HostMismatch), None, Action::DeliverAndReport, Some(R::CertificateHostMismatch), GovernedBy::MtaSts(Mode::Testing)),
        // DANE takes precedence, both ways.
        (Some(&enforce), bad, TlsOutcome::Negotiated(C::NotTrusted), Some(DaneOutcome::Validated), Action::Deliver, None, GovernedBy::Dane),
        (Some(&enforce), good, ok, Some(DaneOutcome::Failed(DaneFailure::TlsaInvalid)), Action::DoNotDeliver, Some(R::TlsaInvalid), GovernedBy::Dane),
        (Some(&testing), good, ok, Some(DaneOutcome::Failed(DaneFailure::DnssecInvalid)), Action::DoNotDeliver, Some(R::DnssecInvalid), GovernedBy::Dane),
        (None, good, ok, Some(DaneOutcome::Failed(DaneFailure::DaneRequired)), Action::DoNotDeliver, Some(R::DaneRequired), GovernedBy::Dane),
        (None, good, ok, Some(DaneOutcome::Failed(DaneFailure::Other)), Action::DoNotDeliver, Some(R::ValidationFailure), GovernedBy::Dane),
    ];
    for (i, (p, host, tls, dane, action, result, by)) in table.into_iter().enumerate() {
        let d = decide_delivery(p, host, tls, dane);
        assert_eq!(
            (d.action, d.result, d.governed_by),
            (action, result, by),
            "row {i}"
        );
    }
}

#[test]
fn result_type_words() {
    for (r, word) in [
        (R::StartTlsNotSupported, "starttls-not-supported"),
        (R::CertificateHostMismatch, "certificate-host-mismatch"),
        (R::CertificateExpired, "certificate-expired"),
        (R::CertificateNotTrusted, "certificate-not-trusted"),
        (R::ValidationFailure, "validation-failure"),
        (R::TlsaInvalid, "tlsa-invalid"),
        (R::DnssecInvalid, "dnssec-invalid"),
        (R::DaneRequired, "dane-required"),
        (R::StsPolicyFetchError, "sts-policy-fetch-error"),
        (R::StsPolicyInvalid, "sts-policy-invalid"),
        (R::StsWebpkiInvalid, "sts-webpki-invalid"),
    ] {
        assert_eq!(r.as_str(), word);
        assert_eq!(r.to_string(), word);
    }
}
