//! Authentication-Results against RFC 8601: the Appendix B examples parse
//! to what they say, values that need quoting survive a round trip, built
//! fields render, parse and compare equal (proptest), and the parser returns
//! on any input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mail_auth_core::auth_results::{
    AuthenticationResults, MAX_FIELD_LEN, MethodResult, ParseErrorKind, authserv_id_of,
    is_for_authserv_id,
};
use proptest::prelude::*;

/// (method, result, reason, [(ptype, name, value)]).
type Expected<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    &'a [(&'a str, &'a str, &'a str)],
);

fn check(value: &str, id: &str, version: Option<u32>, expected: &[Expected<'_>]) {
    let ar = AuthenticationResults::parse(value).unwrap_or_else(|e| panic!("{value:?}: {e}"));
    assert_eq!(ar.authserv_id(), id, "{value:?}");
    assert_eq!(ar.version(), version, "{value:?}");
    assert_eq!(ar.results().len(), expected.len(), "{value:?}");
    for (r, (method, result, reason, props)) in ar.results().iter().zip(expected) {
        assert_eq!(
            (r.method(), r.result(), r.reason()),
            (*method, *result, *reason)
        );
        let got: Vec<_> = r
            .properties()
            .iter()
            .map(|p| (p.ptype(), p.name(), p.value()))
            .collect();
        assert_eq!(got, props.to_vec(), "{value:?}");
    }
    // And what we write of it reads back the same.
    assert_eq!(AuthenticationResults::parse(ar.to_string()).unwrap(), ar);
}

// RFC 8601 Appendix B. B.1 is a message without the field, so there is
// nothing to parse. The field values below are the examples' fields, with
// their folding kept (the RFC indents continuation lines).

#[test]
fn b2_service_provided_but_no_authentication_done() {
    check("example.org 1; none", "example.org", Some(1), &[]);
}

#[test]
fn b3_service_provided_authentication_done() {
    check(
        "example.com;\r\n          spf=pass smtp.mailfrom=example.net",
        "example.com",
        None,
        &[("spf", "pass", None, &[("smtp", "mailfrom", "example.net")])],
    );
}

#[test]
fn b4_several_authentications_single_mta() {
    check(
        "example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n          \
         spf=pass smtp.mailfrom=example.net",
        "example.com",
        None,
        &[
            (
                "auth",
                "pass",
                None,
                &[("smtp", "auth", "sender@example.net")],
            ),
            ("spf", "pass", None, &[("smtp", "mailfrom", "example.net")]),
        ],
    );
    check(
        "example.com; iprev=pass\r\n          policy.iprev=192.0.2.200",
        "example.com",
        None,
        &[("iprev", "pass", None, &[("policy", "iprev", "192.0.2.200")])],
    );
}

#[test]
fn b5_several_authentications_different_mtas() {
    check(
        "example.com;\r\n          dkim=pass (good signature) header.d=example.com",
        "example.com",
        None,
        &[("dkim", "pass", None, &[("header", "d", "example.com")])],
    );
    check(
        "example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.com;\r\n          \
         spf=fail smtp.mailfrom=example.com",
        "example.com",
        None,
        &[
            (
                "auth",
                "pass",
                None,
                &[("smtp", "auth", "sender@example.com")],
            ),
            ("spf", "fail", None, &[("smtp", "mailfrom", "example.com")]),
        ],
    );
}

#[test]
fn b6_multi_tiered_authentication() {
    check(
        "example.com;\r\n      dkim=pass reason=\"good signature\"\r\n        \
         header.i=@mail-router.example.net;\r\n      dkim=fail reason=\"bad signature\"\r\n        \
         header.i=@newyork.example.com",
        "example.com",
        None,
        &[
            (
                "dkim",
                "pass",
                Some("good signature"),
                &[("header", "i", "@mail-router.example.net")],
            ),
            (
                "dkim",
                "fail",
                Some("bad signature"),
                &[("header", "i", "@newyork.example.com")],
            ),
        ],
    );
    check(
        "example.net;\r\n      dkim=pass (good signature) header.i=@newyork.example.com",
        "example.net",
        None,
        &[(
            "dkim",
            "pass",
            None,
            &[("header", "i", "@newyork.example.com")],
        )],
    );
}

#[test]
fn b7_comment_heavy_example() {
    check(
        "foo.example.net (foobar) 1 (baz);\r\n    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n      \
         policy (A dot can go here) . (like that) expired\r\n      \
         (this surprised me) = (as I wasn't expecting it) 1362471462",
        "foo.example.net",
        Some(1),
        &[("dkim", "fail", None, &[("policy", "expired", "1362471462")])],
    );
    let ar = AuthenticationResults::parse(
        "foo.example.net (foobar) 1 (baz); dkim (Because I like it) / 1 (One yay) = (wait for it) fail \
         policy (A dot can go here) . (like that) expired (this surprised me) = (as I wasn't expecting it) 1362471462",
    )
    .unwrap();
    assert_eq!(ar.results()[0].method_version(), Some(1));
}

fn one_value(value: &str) -> AuthenticationResults {
    AuthenticationResults::new("mx.example.org")
        .unwrap()
        .with_result(
            MethodResult::new("x-test", "pass")
                .unwrap()
                .with_reason(value)
                .unwrap()
                .with_property("header", "x", value)
                .unwrap(),
        )
        .unwrap()
}

#[test]
fn values_that_need_quoting_survive() {
    for value in [
        "with spaces",
        "semi;colon",
        "quote\"inside",
        "back\\slash",
        "(paren) and )",
        "équipe@bücher.example",
        "日本語",
        "tab\tinside",
        "",
        "trailing\\",
        "\\\"",
        "a=b/c?d",
        "user@example.com",
    ] {
        let ar = one_value(value);
        let text = ar.to_string();
        assert!(!text.contains(['\r', '\n']), "{text:?}");
        let back = AuthenticationResults::parse(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(back, ar, "{text:?}");
        assert_eq!(back.results()[0].reason(), Some(value));
        assert_eq!(back.results()[0].property("header", "x"), Some(value));
        // Folded, too.
        let field = ar.to_header_field();
        let folded = field.strip_prefix("Authentication-Results:").unwrap();
        assert_eq!(
            AuthenticationResults::parse(folded).unwrap(),
            ar,
            "{field:?}"
        );
    }
    assert_eq!(
        one_value("say \"hi\"; (x)").to_string(),
        "mx.example.org; x-test=pass reason=\"say \\\"hi\\\"; (x)\" header.x=\"say \\\"hi\\\"; (x)\""
    );
}

#[test]
fn forged_fields_are_recognised_by_authserv_id() {
    let ours = "mx.example.org";
    // A forged field bearing our name, even a malformed one, is found.
    for forged in [
        "mx.example.org; dkim=pass header.d=bank.example",
        "MX.Example.Org 1; spf=pass",
        "(looks legit) mx.example.org; this is not ((( valid",
        "\r\n\tmx.example.org;\r\n\tdmarc=pass",
        "\"mx.example.org\"; none",
    ] {
        assert!(is_for_authserv_id(forged, ours), "{forged:?}");
    }
    for other in [
        "mx.example.org.evil.example; dkim=pass",
        "example.org; dkim=pass",
        "mail.example.net; mx.example.org",
        "",
        "spf=pass smtp.mailfrom=mx.example.org",
    ] {
        assert!(!is_for_authserv_id(other, ours), "{other:?}");
    }
    assert_eq!(
        authserv_id_of("example.com; none").as_deref(),
        Some("example.com")
    );
}

#[test]
fn oversized_input_is_refused() {
    let big = format!("mx; spf=pass reason=\"{}\"", "x".repeat(MAX_FIELD_LEN));
    assert_eq!(
        AuthenticationResults::parse(&big).unwrap_err().kind,
        ParseErrorKind::TooLong {
            limit: MAX_FIELD_LEN
        }
    );
}

// ---------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------

fn keyword() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("spf".to_string()),
        Just("dkim".to_string()),
        Just("DMARC".to_string()),
        Just("iprev".to_string()),
        "[A-Za-z][A-Za-z0-9_-]{0,12}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9.-]{1,20}",
        "[a-z0-9.+]{1,10}@[a-z]{1,8}\\.[a-z]{2,4}",
        "[ -~]{0,30}",
        "[ -~\t\u{a0}-\u{2fff}]{0,20}",
        Just("2001:db8::1".to_string()),
        Just("Ab/+cd==".to_string()),
    ]
}

prop_compose! {
    fn method_result()(
        method in keyword(),
        version in proptest::option::of(0u32..5),
        result in keyword(),
        reason in proptest::option::of(text()),
        props in proptest::collection::vec((keyword(), "[a-z][a-z0-9.-]{0,10}", text()), 0..5),
    ) -> MethodResult {
        let mut r = MethodResult::new(&method, &result).unwrap();
        if let Some(v) = version {
            r = r.with_method_version(v);
        }
        if let Some(reason) = reason {
            r = r.with_reason(&reason).unwrap();
        }
        for (ptype, name, value) in props {
            r = r.with_property(&ptype, &name, &value).unwrap();
        }
        r
    }
}

prop_compose! {
    fn field()(
        id in prop_oneof!["[a-z0-9.-]{1,20}", "[ -~]{1,20}", "[a-zé ]{1,12}"],
        version in proptest::option::of(0u32..3),
        results in proptest::collection::vec(method_result(), 0..6),
    ) -> AuthenticationResults {
        let mut ar = AuthenticationResults::new(&id).unwrap();
        if let Some(v) = version {
            ar = ar.with_version(v);
        }
        for r in results {
            ar.push(r).unwrap();
        }
        ar
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn built_fields_round_trip(ar in field()) {
        let text = ar.to_string();
        prop_assert!(!text.contains(['\r', '\n']));
        prop_assert_eq!(AuthenticationResults::parse(&text).unwrap(), ar.clone());
        let field = ar.to_header_field();
        let value = field.strip_prefix("Authentication-Results:").unwrap();
        prop_assert_eq!(AuthenticationResults::parse(value).unwrap(), ar.clone());
        let id = authserv_id_of(&text);
        prop_assert_eq!(id.as_deref(), Some(ar.authserv_id()));
        for line in field.trim_end_matches("\r\n").split("\r\n") {
            prop_assert!(line.bytes().any(|b| b != b' ' && b != b'\t'));
        }
    }

    #[test]
    fn parser_returns_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = AuthenticationResults::parse(&bytes);
        let _ = authserv_id_of(&bytes);
    }

    #[test]
    fn parsed_fields_render_and_reparse_equal(
        parts in proptest::collection::vec(
            prop_oneof![
                Just(";"), Just(" "), Just("\r\n "), Just("("), Just(")"), Just("\""), Just("\\"),
                Just("="), Just("."), Just("/"), Just("@"), Just("spf"), Just("pass"), Just("reason"),
                Just("smtp"), Just("mailfrom"), Just("none"), Just("1"), Just("é"), Just("\t"),
                Just("x.example"),
            ],
            0..40,
        )
    ) {
        let value: String = parts.concat();
        if let Ok(ar) = AuthenticationResults::parse(&value) {
            let again = AuthenticationResults::parse(ar.to_string());
            prop_assert_eq!(again, Ok(ar));
        }
    }
}
