//! The field's parts, built through constructors that keep them writable.
//!
//! Every value held here is one the renderer can write without emitting a
//! line break or another control character: the constructors check, and the
//! parser applies the same checks to what it reads.

use alloc::string::String;
use alloc::vec::Vec;

use super::MAX_RESULTS;

/// An Authentication-Results field (RFC 8601 §2.2): who evaluated, and the
/// results. No results means `none`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthenticationResults {
    pub(super) authserv_id: String,
    pub(super) version: Option<u32>,
    pub(super) results: Vec<MethodResult>,
}

/// One `method=result` with its reason and properties (RFC 8601 §2.2
/// `resinfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodResult {
    pub(super) method: String,
    pub(super) method_version: Option<u32>,
    pub(super) result: String,
    pub(super) reason: Option<String>,
    pub(super) properties: Vec<Property>,
}

/// A property of a result: `ptype.name=value`, such as `smtp.mailfrom`,
/// `header.d` or `policy.iprev` (RFC 8601 §2.3, RFC 7410).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    pub(super) ptype: String,
    pub(super) name: String,
    pub(super) value: String,
}

/// Why a part of a field cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The authserv-id is empty.
    #[error("empty authserv-id")]
    EmptyAuthservId,
    /// A method, result, ptype or property name is not a keyword (letters,
    /// digits, `-` and `_`; a property name may also hold `.`).
    #[error("{what} {value:?} is not a keyword")]
    InvalidKeyword {
        /// Which part: `method`, `result`, `ptype` or `property`.
        what: &'static str,
        /// The text given.
        value: String,
    },
    /// A value holds a control character (other than a horizontal tab),
    /// which could end the field or forge another one.
    #[error("{what} holds the control character {character:?}")]
    ControlCharacter {
        /// Which part: `authserv-id`, `reason` or `property value`.
        what: &'static str,
        /// The first control character found.
        character: char,
    },
    /// The field would hold more than [`MAX_RESULTS`] results.
    #[error("more than {limit} results")]
    TooManyResults {
        /// The limit.
        limit: usize,
    },
}

/// A keyword (RFC 8601 `Keyword`, an ldh-str, with `_` admitted as some
/// receivers write it), lowercased: keywords are case-insensitive.
pub(super) fn keyword(what: &'static str, text: &str, dots: bool) -> Result<String, BuildError> {
    if is_keyword(text.as_bytes(), dots) {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(BuildError::InvalidKeyword {
            what,
            value: String::from(text),
        })
    }
}

/// Whether `bytes` is a keyword; `dots` admits `.` after the first byte.
pub(super) fn is_keyword(bytes: &[u8], dots: bool) -> bool {
    match bytes.split_first() {
        Some((first, rest)) => {
            is_keyword_byte(*first)
                && rest
                    .iter()
                    .all(|&b| is_keyword_byte(b) || dots && b == b'.')
        }
        None => false,
    }
}

/// A byte of a keyword.
pub(super) fn is_keyword_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// The first control character of `text` that a value may not hold (all but
/// the horizontal tab, which a quoted-string may carry).
pub(super) fn forbidden_control(text: &str) -> Option<char> {
    text.chars().find(|&c| c.is_control() && c != '\t')
}

/// `text` as a value, or the error naming `what`.
fn text_value(what: &'static str, text: &str) -> Result<String, BuildError> {
    match forbidden_control(text) {
        Some(character) => Err(BuildError::ControlCharacter { what, character }),
        None => Ok(String::from(text)),
    }
}

impl AuthenticationResults {
    /// An empty field (`none`) for `authserv_id`, usually the receiving
    /// host's name. It must not be empty or hold control characters; it is
    /// quoted when written if it is not a token.
    pub fn new(authserv_id: &str) -> Result<Self, BuildError> {
        if authserv_id.is_empty() {
            return Err(BuildError::EmptyAuthservId);
        }
        Ok(Self {
            authserv_id: text_value("authserv-id", authserv_id)?,
            version: None,
            results: Vec::new(),
        })
    }

    /// With an `authres-version` after the authserv-id (RFC 8601 is
    /// version 1, which is also what its absence means).
    #[must_use]
    pub fn with_version(mut self, version: u32) -> Self {
        self.version = Some(version);
        self
    }

    /// Appends a result; an error past [`MAX_RESULTS`].
    pub fn push(&mut self, result: MethodResult) -> Result<(), BuildError> {
        if self.results.len() >= MAX_RESULTS {
            return Err(BuildError::TooManyResults { limit: MAX_RESULTS });
        }
        self.results.push(result);
        Ok(())
    }

    /// With one more result; an error past [`MAX_RESULTS`].
    pub fn with_result(mut self, result: MethodResult) -> Result<Self, BuildError> {
        self.push(result)?;
        Ok(self)
    }

    /// The authserv-id, as written (compare it case-insensitively).
    pub fn authserv_id(&self) -> &str {
        &self.authserv_id
    }

    /// The version number after the authserv-id, if one was written.
    pub fn version(&self) -> Option<u32> {
        self.version
    }

    /// The results, in field order; empty for `none`.
    pub fn results(&self) -> &[MethodResult] {
        &self.results
    }
}

impl MethodResult {
    /// `method=result`, e.g. `("spf", "pass")`. Both are keywords and are
    /// lowercased.
    pub fn new(method: &str, result: &str) -> Result<Self, BuildError> {
        Ok(Self {
            method: keyword("method", method, false)?,
            method_version: None,
            result: keyword("result", result, false)?,
            reason: None,
            properties: Vec::new(),
        })
    }

    /// With a method version: `method/version=result`.
    #[must_use]
    pub fn with_method_version(mut self, version: u32) -> Self {
        self.method_version = Some(version);
        self
    }

    /// With `reason=...` (free text, quoted when written unless a token; no
    /// control characters but the tab). Replaces an earlier reason.
    pub fn with_reason(mut self, reason: &str) -> Result<Self, BuildError> {
        self.reason = Some(text_value("reason", reason)?);
        Ok(self)
    }

    /// With the property `ptype.name=value` appended, e.g.
    /// `("header", "from", "example.com")` or `("policy", "dmarc", "reject")`.
    /// `ptype` is a keyword, `name` a keyword that may hold dots; both are
    /// lowercased. `value` may be any text without control characters but
    /// the tab.
    pub fn with_property(
        mut self,
        ptype: &str,
        name: &str,
        value: &str,
    ) -> Result<Self, BuildError> {
        self.properties.push(Property {
            ptype: keyword("ptype", ptype, false)?,
            name: keyword("property", name, true)?,
            value: text_value("property value", value)?,
        });
        Ok(self)
    }

    /// The method, lowercase (`spf`, `dkim`, `dmarc`, `iprev`, ...).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The method's version, if written.
    pub fn method_version(&self) -> Option<u32> {
        self.method_version
    }

    /// The result word, lowercase (`pass`, `fail`, `temperror`, ...).
    pub fn result(&self) -> &str {
        &self.result
    }

    /// The `reason=` text, unquoted.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// The properties, in field order.
    pub fn properties(&self) -> &[Property] {
        &self.properties
    }

    /// The value of the first property `ptype.name` (give them lowercase).
    pub fn property(&self, ptype: &str, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|p| p.ptype == ptype && p.name == name)
            .map(|p| p.value.as_str())
    }
}

impl Property {
    /// The property type, lowercase (`smtp`, `header`, `body`, `policy`,
    /// ...). Empty for a bare `name=value` item that some receivers write
    /// beside the properties (Microsoft's `action=none`), which the parser
    /// keeps; the builder does not make such items.
    pub fn ptype(&self) -> &str {
        &self.ptype
    }

    /// The property name, lowercase (`mailfrom`, `d`, `from`, `iprev`, ...).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value, unquoted.
    pub fn value(&self) -> &str {
        &self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_checked_and_lowercased() {
        let r = MethodResult::new("DKIM", "Pass").unwrap();
        assert_eq!((r.method(), r.result()), ("dkim", "pass"));
        for bad in ["", "sp f", "spf;", "dkim=pass", "é", ".x", "a\r\nb"] {
            assert!(MethodResult::new(bad, "pass").is_err(), "{bad:?}");
            assert!(MethodResult::new("spf", bad).is_err(), "{bad:?}");
        }
        let r = MethodResult::new("dmarc", "pass")
            .unwrap()
            .with_property("POLICY", "published-domain-policy", "reject")
            .unwrap();
        assert_eq!(
            r.property("policy", "published-domain-policy"),
            Some("reject")
        );
        assert!(
            MethodResult::new("x", "y")
                .unwrap()
                .with_property("a.b", "c", "v")
                .is_err()
        );
        assert!(
            MethodResult::new("x", "y")
                .unwrap()
                .with_property("a", ".c", "v")
                .is_err()
        );
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(
            AuthenticationResults::new("mx\r\nX-Evil: 1"),
            Err(BuildError::ControlCharacter {
                what: "authserv-id",
                character: '\r'
            })
        );
        assert_eq!(
            AuthenticationResults::new(""),
            Err(BuildError::EmptyAuthservId)
        );
        let r = MethodResult::new("spf", "pass").unwrap();
        assert!(r.clone().with_reason("a\nb").is_err());
        assert!(r.clone().with_reason("a\u{85}b").is_err());
        assert!(r.clone().with_reason("tab\there").is_ok());
        assert!(r.with_property("smtp", "mailfrom", "a\0b").is_err());
    }

    #[test]
    fn results_are_capped() {
        let mut ar = AuthenticationResults::new("mx.example.org").unwrap();
        for _ in 0..MAX_RESULTS {
            ar.push(MethodResult::new("spf", "pass").unwrap()).unwrap();
        }
        assert_eq!(
            ar.push(MethodResult::new("spf", "pass").unwrap()),
            Err(BuildError::TooManyResults { limit: MAX_RESULTS })
        );
    }
}
