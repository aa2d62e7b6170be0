#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The Public Suffix List's own registrable-domain checks
//! (`../shared/vectors/psl/test_psl.txt`) through our organizational-domain
//! function, with the list compiled in and with a caller-supplied list.

use mail_auth_core::dmarc::PublicSuffixList;

/// `checkPublicSuffix('input', 'expected')` lines: (input, expected).
fn checks(text: &str) -> Vec<(Option<String>, Option<String>)> {
    let arg = |s: &str| -> Option<String> {
        let s = s.trim();
        (s != "null").then(|| s.trim_matches('\'').to_string())
    };
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("checkPublicSuffix("))
        .map(|l| {
            let inner = l
                .trim_start_matches("checkPublicSuffix(")
                .trim_end_matches(';')
                .trim_end_matches(')');
            let (a, b) = inner.split_once(',').unwrap();
            (arg(a), arg(b))
        })
        .collect()
}

/// The domain in A-labels, as DMARC handles names.
fn to_ascii(domain: &str) -> Option<String> {
    idna::domain_to_ascii(domain).ok()
}

fn run(list: &PublicSuffixList) -> usize {
    let Some(bytes) = mailsec_testkit::vector("psl/test_psl.txt") else {
        return 0;
    };
    let text = String::from_utf8(bytes).unwrap();
    let cases = checks(&text);
    assert_eq!(cases.len(), 78, "the README counts 78 checks");
    let mut failures = Vec::new();
    for (input, expected) in &cases {
        let got = input.as_deref().and_then(|i| {
            // Inputs with a leading dot are not domain names.
            if i.starts_with('.') {
                return None;
            }
            let ascii = to_ascii(i)?;
            list.registrable_domain(&ascii)
        });
        let expected = expected.as_deref().and_then(to_ascii);
        if got != expected {
            failures.push(format!("{input:?}: got {got:?}, expected {expected:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    cases.len()
}

#[test]
fn embedded_list_passes_test_psl() {
    let n = run(&PublicSuffixList::embedded());
    eprintln!("{n} checks passed");
}

#[test]
fn supplied_list_is_used() {
    // A tiny list where only `example` is a suffix: `example.com` is then a
    // registrable domain of its own, unlike with the real list.
    let list = PublicSuffixList::parse("// ===BEGIN ICANN DOMAINS===\nexample\n").unwrap();
    assert_eq!(
        list.registrable_domain("a.b.example").as_deref(),
        Some("b.example")
    );
    assert_eq!(
        list.registrable_domain("a.b.c.com").as_deref(),
        Some("c.com")
    );
    assert_eq!(list.registrable_domain("example"), None);
}
