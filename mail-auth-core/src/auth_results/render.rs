//! Writing a field: the value on one line (`Display`), or the whole field
//! folded for a message header.

use alloc::string::String;
use core::fmt::{self, Write as _};

use super::model::{AuthenticationResults, MethodResult, Property};
use super::quoting::{push_pvalue, push_value};

/// The field name, as RFC 8601 spells it.
const FIELD_NAME: &str = "Authentication-Results";

/// The line length folding aims at (RFC 5322 §2.1.1 recommends 78).
const FOLD_WIDTH: usize = 78;

impl fmt::Display for AuthenticationResults {
    /// The field value without the name, on one line:
    /// `mx.example.org; spf=pass smtp.mailfrom=example.com; dkim=...`, or
    /// `mx.example.org; none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut id = String::new();
        push_value(&mut id, &self.authserv_id);
        f.write_str(&id)?;
        if let Some(v) = self.version {
            write!(f, " {v}")?;
        }
        if self.results.is_empty() {
            return f.write_str("; none");
        }
        for r in &self.results {
            write!(f, "; {r}")?;
        }
        Ok(())
    }
}

impl fmt::Display for MethodResult {
    /// One `resinfo` without its `;`: `dkim=pass reason="..." header.d=...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.method)?;
        if let Some(v) = self.method_version {
            write!(f, "/{v}")?;
        }
        f.write_char('=')?;
        f.write_str(&self.result)?;
        if let Some(reason) = &self.reason {
            let mut text = String::from(" reason=");
            push_value(&mut text, reason);
            f.write_str(&text)?;
        }
        for p in &self.properties {
            write!(f, " {p}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Property {
    /// `ptype.name=value` (or `name=value` for a bare item).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        if !self.ptype.is_empty() {
            text.push_str(&self.ptype);
            text.push('.');
        }
        text.push_str(&self.name);
        text.push('=');
        push_pvalue(&mut text, &self.value);
        f.write_str(&text)
    }
}

impl AuthenticationResults {
    /// The whole field, `Authentication-Results: ...\r\n`, folded: a line
    /// break (CRLF) is put before a space wherever the line would pass 78
    /// characters. A single word longer than that (a long unbroken value) is
    /// left whole, so a line can be longer. Unfolding gives back exactly
    /// [`Display`](fmt::Display)'s text.
    pub fn to_header_field(&self) -> String {
        let value = alloc::format!("{self}");
        let mut out = String::with_capacity(value.len() + FIELD_NAME.len() + 16);
        out.push_str(FIELD_NAME);
        out.push(':');
        let mut line = out.len();
        for word in value.split(' ') {
            // Fold before this word's space when it would pass the width,
            // unless the new line would hold white space only.
            let fits = line + 1 + word.len() <= FOLD_WIDTH;
            let has_text = word.bytes().any(|b| b != b'\t');
            if !fits && has_text && line > 1 {
                out.push_str("\r\n");
                line = 0;
            }
            out.push(' ');
            out.push_str(word);
            line += 1 + word.len();
        }
        out.push_str("\r\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::MethodResult;
    use super::*;

    fn sample() -> AuthenticationResults {
        AuthenticationResults::new("mx.example.org")
            .unwrap()
            .with_result(
                MethodResult::new("spf", "pass")
                    .unwrap()
                    .with_property("smtp", "mailfrom", "example.com")
                    .unwrap(),
            )
            .unwrap()
            .with_result(
                MethodResult::new("dkim", "pass")
                    .unwrap()
                    .with_property("header", "d", "example.com")
                    .unwrap()
                    .with_property("header", "s", "sel")
                    .unwrap()
                    .with_property("header", "a", "rsa-sha256")
                    .unwrap()
                    .with_property("header", "b", "abcdefgh")
                    .unwrap(),
            )
            .unwrap()
            .with_result(
                MethodResult::new("dmarc", "pass")
                    .unwrap()
                    .with_property("header", "from", "example.com")
                    .unwrap(),
            )
            .unwrap()
    }

    #[test]
    fn value_on_one_line() {
        assert_eq!(
            sample().to_string(),
            "mx.example.org; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com \
             header.s=sel header.a=rsa-sha256 header.b=abcdefgh; dmarc=pass header.from=example.com"
        );
        let none = AuthenticationResults::new("example.org")
            .unwrap()
            .with_version(1);
        assert_eq!(none.to_string(), "example.org 1; none");
        let quoted = AuthenticationResults::new("my server")
            .unwrap()
            .with_result(
                MethodResult::new("iprev", "fail")
                    .unwrap()
                    .with_method_version(2)
                    .with_reason("no PTR; \"really\"")
                    .unwrap()
                    .with_property("policy", "iprev", "2001:db8::1")
                    .unwrap(),
            )
            .unwrap();
        assert_eq!(
            quoted.to_string(),
            "\"my server\"; iprev/2=fail reason=\"no PTR; \\\"really\\\"\" policy.iprev=\"2001:db8::1\""
        );
    }

    #[test]
    fn folded_field() {
        let field = sample().to_header_field();
        assert!(field.starts_with("Authentication-Results: mx.example.org;"));
        assert!(field.ends_with("\r\n"));
        for line in field.trim_end_matches("\r\n").split("\r\n") {
            assert!(line.len() <= FOLD_WIDTH, "{line:?}");
            assert!(line.bytes().any(|b| b != b' ' && b != b'\t'), "{line:?}");
        }
        assert!(field.matches("\r\n").count() > 1, "{field}");
        // Unfolding (removing each CRLF) gives the value back.
        let unfolded = field.replace("\r\n", "");
        assert_eq!(
            unfolded,
            alloc::format!("Authentication-Results: {}", sample())
        );
    }

    #[test]
    fn long_words_are_left_whole() {
        let long = "x".repeat(200);
        let ar = AuthenticationResults::new(&long)
            .unwrap()
            .with_result(
                MethodResult::new("spf", "pass")
                    .unwrap()
                    .with_reason("a  b  c")
                    .unwrap(),
            )
            .unwrap();
        let field = ar.to_header_field();
        assert_eq!(
            field.replace("\r\n", ""),
            alloc::format!("Authentication-Results: {ar}")
        );
        assert!(field.contains(&long));
    }
}
