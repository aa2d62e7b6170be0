//! How a value is written: bare when the grammar allows it, else as a
//! quoted-string.
//!
//! - authserv-id and `reason`: RFC 8601 `value`, i.e. an RFC 2045 token or a
//!   quoted-string;
//! - property values: `pvalue`, which also admits `[local-part] "@"
//!   domain-name` bare (`smtp.mailfrom=user@example.com`,
//!   `header.i=@example.com`).
//!
//! A quoted-string escapes `"` and `\` with a backslash and carries UTF-8 as
//! is (RFC 6532). The model holds no control characters but the tab, so no
//! line break is ever written.

use alloc::string::String;

/// RFC 2045 `tspecials`.
const TSPECIALS: &[u8] = b"()<>@,;:\\\"/[]?=";

/// An RFC 2045 token: printable US-ASCII, no space, no tspecials.
pub(super) fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_graphic() && !TSPECIALS.contains(&b))
}

/// RFC 5322 `atext`.
fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

/// RFC 5322 `dot-atom-text`.
fn is_dot_atom(text: &str) -> bool {
    !text.is_empty()
        && text
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(is_atext))
}

/// RFC 6376 `domain-name`: two or more labels of letters, digits and
/// hyphens, each starting and ending with a letter or digit.
fn is_domain_name(text: &str) -> bool {
    let label = |l: &str| {
        let b = l.as_bytes();
        match (b.first(), b.last()) {
            (Some(f), Some(e)) => {
                f.is_ascii_alphanumeric()
                    && e.is_ascii_alphanumeric()
                    && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            }
            _ => false,
        }
    };
    text.contains('.') && text.split('.').all(label)
}

/// The `[ [ local-part ] "@" ] domain-name` form of `pvalue`, with a
/// dot-atom local-part.
fn is_address_form(text: &str) -> bool {
    match text.rsplit_once('@') {
        Some((local, domain)) => (local.is_empty() || is_dot_atom(local)) && is_domain_name(domain),
        None => false,
    }
}

/// Appends `text` as a quoted-string.
pub(super) fn push_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// Appends a `value` (authserv-id, reason): a token, else a quoted-string.
pub(super) fn push_value(out: &mut String, text: &str) {
    if is_token(text) {
        out.push_str(text);
    } else {
        push_quoted(out, text);
    }
}

/// Appends a `pvalue`: a token or an address form, else a quoted-string.
pub(super) fn push_pvalue(out: &mut String, text: &str) {
    if is_token(text) || is_address_form(text) {
        out.push_str(text);
    } else {
        push_quoted(out, text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> String {
        let mut out = String::new();
        push_value(&mut out, text);
        out
    }

    fn pvalue(text: &str) -> String {
        let mut out = String::new();
        push_pvalue(&mut out, text);
        out
    }

    #[test]
    fn tokens_stay_bare() {
        assert_eq!(value("mx.example.org"), "mx.example.org");
        assert_eq!(value("good"), "good");
        assert_eq!(pvalue("rsa-sha256"), "rsa-sha256");
        assert_eq!(pvalue("192.0.2.1"), "192.0.2.1");
    }

    #[test]
    fn non_tokens_are_quoted_and_escaped() {
        assert_eq!(value("good signature"), "\"good signature\"");
        assert_eq!(value("a;b"), "\"a;b\"");
        assert_eq!(value("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(value("back\\slash"), "\"back\\\\slash\"");
        assert_eq!(value("(comment?)"), "\"(comment?)\"");
        assert_eq!(value(""), "\"\"");
        assert_eq!(value("bücher.example"), "\"bücher.example\"");
        assert_eq!(value("tab\there"), "\"tab\there\"");
        assert_eq!(pvalue("2001:db8::1"), "\"2001:db8::1\"");
        assert_eq!(pvalue("YkL8/+Vb"), "\"YkL8/+Vb\"");
        assert_eq!(pvalue("abc="), "\"abc=\"");
    }

    #[test]
    fn address_forms_stay_bare_when_valid() {
        assert_eq!(pvalue("user@example.com"), "user@example.com");
        assert_eq!(pvalue("@example.com"), "@example.com");
        assert_eq!(
            pvalue("first.last+tag@mail.example.com"),
            "first.last+tag@mail.example.com"
        );
        assert_eq!(pvalue("a/b=c@example.com"), "a/b=c@example.com");
        // Not a dot-atom local-part, not a domain-name, or no dot at all.
        assert_eq!(pvalue("a..b@example.com"), "\"a..b@example.com\"");
        assert_eq!(pvalue("a b@example.com"), "\"a b@example.com\"");
        assert_eq!(pvalue("user@localhost"), "\"user@localhost\"");
        assert_eq!(pvalue("user@-x.example"), "\"user@-x.example\"");
        assert_eq!(pvalue("user@ex_ample.com"), "\"user@ex_ample.com\"");
        assert_eq!(pvalue("@"), "\"@\"");
    }
}
