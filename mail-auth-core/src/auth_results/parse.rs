//! Reading a field value (RFC 8601 §2.2), leniently where real receivers
//! differ from the grammar, strictly where a value could smuggle a control
//! character.
//!
//! Read as the grammar says: CFWS (folding white space, CRLF or bare LF,
//! and comments, nested) between any two elements; an authserv-id (token or
//! quoted-string) with an optional version; `none` or results separated by
//! `;`; `method[/version]=result`; `reason=value`; `ptype.property=pvalue`.
//!
//! Read beyond the grammar, because receivers write it:
//!
//! - a bare value runs to white space, `;`, `(`, `)`, `"` or `\`, so
//!   `header.b=abc/+d=`, `policy.iprev=2001:db8::1` and
//!   `smtp.mailfrom=user@example.com` are read whole; it may be empty;
//!   a bare authserv-id may not hold `=`, so a field that starts with a
//!   result (Microsoft writes some without an authserv-id) is refused rather
//!   than attributed to the id `spf=pass`;
//! - `reason=` among the properties, not only before them (one per result);
//! - a bare `name=value` among the properties (Microsoft's `action=none`)
//!   becomes a [`Property`] with an empty ptype;
//! - a property name may hold dots; keywords may hold `_`;
//! - a field with no `none` and no results (`example.org;` or just
//!   `example.org`), empty results (`;;`), a trailing `;`, and `none` beside
//!   results all read as the results present.
//!
//! Keywords are lowercased (they are case-insensitive); values are kept as
//! written, unquoted, with line breaks inside quoted-strings removed
//! (unfolding).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::model::{
    AuthenticationResults, MethodResult, Property, forbidden_control, is_keyword_byte,
};
use super::{MAX_COMMENT_DEPTH, MAX_FIELD_LEN, MAX_RESULTS};

/// Why a field value does not parse, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {position}")]
pub struct ParseError {
    /// What is wrong.
    pub kind: ParseErrorKind,
    /// The byte offset in the value where it was found.
    pub position: usize,
}

/// The kinds of [`ParseError`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The value is longer than [`MAX_FIELD_LEN`].
    #[error("field value longer than {limit} bytes")]
    TooLong {
        /// The limit.
        limit: usize,
    },
    /// The value is not UTF-8 (RFC 6532 allows UTF-8, nothing else).
    #[error("invalid UTF-8")]
    InvalidUtf8,
    /// No authserv-id where the value starts.
    #[error("expected an authserv-id")]
    ExpectedAuthservId,
    /// The authserv-id is an empty quoted-string.
    #[error("empty authserv-id")]
    EmptyAuthservId,
    /// Something other than `;` where a result should start.
    #[error("expected ';'")]
    ExpectedSemicolon,
    /// No method keyword after `;`.
    #[error("expected a method")]
    ExpectedMethod,
    /// No `=` after a method or property.
    #[error("expected '='")]
    ExpectedEquals,
    /// No result keyword after `method=`.
    #[error("expected a result")]
    ExpectedResult,
    /// No digits where a version is due.
    #[error("expected a version number")]
    ExpectedNumber,
    /// A version number past `u32`.
    #[error("version number too large")]
    NumberTooLarge,
    /// Neither a property, a reason nor the end of the result.
    #[error("expected a property, a reason or ';'")]
    ExpectedProperty,
    /// No property name after `ptype.`.
    #[error("expected a property name")]
    ExpectedPropertyName,
    /// A second `reason=` in one result.
    #[error("second reason in one result")]
    DuplicateReason,
    /// No value after `=`.
    #[error("expected a value")]
    ExpectedValue,
    /// A comment is not closed.
    #[error("unterminated comment")]
    UnterminatedComment,
    /// Comments nested deeper than [`MAX_COMMENT_DEPTH`].
    #[error("comments nested deeper than {limit}")]
    CommentTooDeep {
        /// The limit.
        limit: usize,
    },
    /// A quoted-string is not closed.
    #[error("unterminated quoted-string")]
    UnterminatedQuotedString,
    /// A control character (other than a tab) inside a value.
    #[error("control character {0:?} in a value")]
    ControlCharacter(char),
    /// More than [`MAX_RESULTS`] results.
    #[error("more than {limit} results")]
    TooManyResults {
        /// The limit.
        limit: usize,
    },
}

impl AuthenticationResults {
    /// Parses a field value: what follows `Authentication-Results:`, folded
    /// or not (CRLF or LF before white space), with comments. See the
    /// module documentation for what is accepted beyond the grammar, and
    /// [`MAX_FIELD_LEN`], [`MAX_COMMENT_DEPTH`] and [`MAX_RESULTS`] for the
    /// limits.
    pub fn parse(value: impl AsRef<[u8]>) -> Result<Self, ParseError> {
        let input = value.as_ref();
        if input.len() > MAX_FIELD_LEN {
            return Err(ParseError {
                kind: ParseErrorKind::TooLong {
                    limit: MAX_FIELD_LEN,
                },
                position: MAX_FIELD_LEN,
            });
        }
        if let Err(e) = core::str::from_utf8(input) {
            return Err(ParseError {
                kind: ParseErrorKind::InvalidUtf8,
                position: e.valid_up_to(),
            });
        }
        let mut p = Parser { input, pos: 0 };
        p.field()
    }
}

/// The authserv-id of a field value, or `None` if it does not start with
/// one. Only the start is read, so this works on a field whose results are
/// malformed (a forged field need not be well formed). No length limit
/// applies: the scan is linear and stops after the first value.
pub fn authserv_id_of(value: impl AsRef<[u8]>) -> Option<String> {
    let mut p = Parser {
        input: value.as_ref(),
        pos: 0,
    };
    p.cfws().ok()?;
    p.authserv_id().ok()
}

/// Whether a field value bears `authserv_id` (compared ignoring ASCII case,
/// RFC 8601 §2.5). A receiver uses it to find fields claiming to be its
/// own that arrived with the message (RFC 8601 §5), to remove or rename
/// them: which ones, and what to do, is the caller's decision.
pub fn is_for_authserv_id(value: impl AsRef<[u8]>, authserv_id: &str) -> bool {
    authserv_id_of(value).is_some_and(|id| id.eq_ignore_ascii_case(authserv_id))
}

/// A cursor over the value.
struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
}

impl fmt::Debug for Parser<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parser").field("pos", &self.pos).finish()
    }
}

type Parsed<T> = Result<T, ParseError>;

/// Bytes that end a bare value.
fn ends_bare(b: u8) -> bool {
    b <= b' ' || b == 0x7f || matches!(b, b';' | b'(' | b')' | b'"' | b'\\')
}

impl Parser<'_> {
    fn err<T>(&self, kind: ParseErrorKind) -> Parsed<T> {
        Err(ParseError {
            kind,
            position: self.pos,
        })
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// Consumes `b` if it is next.
    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// The whole field.
    fn field(&mut self) -> Parsed<AuthenticationResults> {
        self.cfws()?;
        let authserv_id = self.authserv_id()?;
        self.cfws()?;
        let version = if self.peek().is_some_and(|b| b.is_ascii_digit()) {
            let v = self.number()?;
            self.cfws()?;
            Some(v)
        } else {
            None
        };
        let mut results = Vec::new();
        loop {
            match self.peek() {
                None => break,
                Some(b';') => {
                    self.pos += 1;
                    if let Some(r) = self.resinfo()? {
                        if results.len() >= MAX_RESULTS {
                            return self.err(ParseErrorKind::TooManyResults { limit: MAX_RESULTS });
                        }
                        results.push(r);
                    }
                }
                Some(_) => return self.err(ParseErrorKind::ExpectedSemicolon),
            }
        }
        Ok(AuthenticationResults {
            authserv_id,
            version,
            results,
        })
    }

    /// The authserv-id: a quoted-string, or a bare value without `=` (a
    /// field that starts with `spf=pass`, as Microsoft writes some, has no
    /// authserv-id rather than the id "spf=pass").
    fn authserv_id(&mut self) -> Parsed<String> {
        let start = self.pos;
        let quoted = self.peek() == Some(b'"');
        match self.value()? {
            Some(id) if quoted && id.is_empty() => Err(ParseError {
                kind: ParseErrorKind::EmptyAuthservId,
                position: start,
            }),
            Some(id) if quoted || !(id.is_empty() || id.contains('=')) => Ok(id),
            _ => Err(ParseError {
                kind: ParseErrorKind::ExpectedAuthservId,
                position: start,
            }),
        }
    }

    /// One result after its `;`: `None` for an empty one or `none`. Leaves
    /// the cursor at the next `;` or the end.
    fn resinfo(&mut self) -> Parsed<Option<MethodResult>> {
        self.cfws()?;
        if matches!(self.peek(), None | Some(b';')) {
            return Ok(None);
        }
        let Some(method) = self.keyword(false) else {
            return self.err(ParseErrorKind::ExpectedMethod);
        };
        self.cfws()?;
        if method == "none" && !matches!(self.peek(), Some(b'=' | b'/')) {
            return Ok(None);
        }
        let method_version = if self.eat(b'/') {
            self.cfws()?;
            let v = self.number()?;
            self.cfws()?;
            Some(v)
        } else {
            None
        };
        if !self.eat(b'=') {
            return self.err(ParseErrorKind::ExpectedEquals);
        }
        self.cfws()?;
        let Some(result) = self.keyword(false) else {
            return self.err(ParseErrorKind::ExpectedResult);
        };
        let mut r = MethodResult {
            method,
            method_version,
            result,
            reason: None,
            properties: Vec::new(),
        };
        loop {
            self.cfws()?;
            if matches!(self.peek(), None | Some(b';')) {
                return Ok(Some(r));
            }
            let start = self.pos;
            let Some(word) = self.keyword(false) else {
                return self.err(ParseErrorKind::ExpectedProperty);
            };
            self.cfws()?;
            if self.eat(b'.') {
                self.cfws()?;
                let Some(name) = self.keyword(true) else {
                    return self.err(ParseErrorKind::ExpectedPropertyName);
                };
                self.cfws()?;
                if !self.eat(b'=') {
                    return self.err(ParseErrorKind::ExpectedEquals);
                }
                let value = self.required_value()?;
                r.properties.push(Property {
                    ptype: word,
                    name,
                    value,
                });
            } else if self.eat(b'=') {
                let value = self.required_value()?;
                if word != "reason" {
                    r.properties.push(Property {
                        ptype: String::new(),
                        name: word,
                        value,
                    });
                } else if r.reason.is_some() {
                    return Err(ParseError {
                        kind: ParseErrorKind::DuplicateReason,
                        position: start,
                    });
                } else {
                    r.reason = Some(value);
                }
            } else {
                return self.err(ParseErrorKind::ExpectedEquals);
            }
        }
    }

    /// A value after `=` (CFWS around it); an empty bare value is allowed
    /// (`smtp.mailfrom=;`), the absence of anything before the end is not.
    fn required_value(&mut self) -> Parsed<String> {
        self.cfws()?;
        match self.value()? {
            Some(v) => Ok(v),
            None => self.err(ParseErrorKind::ExpectedValue),
        }
    }

    /// A keyword, lowercased; `dots` admits `.` after its first byte.
    fn keyword(&mut self, dots: bool) -> Option<String> {
        let start = self.pos;
        self.peek().filter(|&b| is_keyword_byte(b))?;
        self.pos += 1;
        while self
            .peek()
            .is_some_and(|b| is_keyword_byte(b) || dots && b == b'.')
        {
            self.pos += 1;
        }
        let bytes = self.input.get(start..self.pos)?;
        let mut word = String::with_capacity(bytes.len());
        word.extend(bytes.iter().map(|b| char::from(b.to_ascii_lowercase())));
        Some(word)
    }

    /// A decimal number that fits `u32`.
    fn number(&mut self) -> Parsed<u32> {
        let start = self.pos;
        let mut n: u32 = 0;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            n = match n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u32::from(d - b'0')))
            {
                Some(n) => n,
                None => return self.err(ParseErrorKind::NumberTooLarge),
            };
            self.pos += 1;
        }
        if self.pos == start {
            return self.err(ParseErrorKind::ExpectedNumber);
        }
        Ok(n)
    }

    /// A quoted-string or a bare value (see the module documentation);
    /// `None` when neither starts here or at the end. A bare value may be
    /// empty when it ends at once at `;` or white space.
    fn value(&mut self) -> Parsed<Option<String>> {
        match self.peek() {
            None => Ok(None),
            Some(b'"') => self.quoted_string().map(Some),
            Some(b'(' | b')' | b'\\') => Ok(None),
            Some(_) => {
                let start = self.pos;
                while self.peek().is_some_and(|b| !ends_bare(b)) {
                    self.pos += 1;
                }
                self.text(start, self.input.get(start..self.pos).unwrap_or_default())
                    .map(Some)
            }
        }
    }

    /// A quoted-string starting at `"`, unquoted and unfolded.
    fn quoted_string(&mut self) -> Parsed<String> {
        let start = self.pos;
        self.pos += 1;
        let mut bytes = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(ParseError {
                    kind: ParseErrorKind::UnterminatedQuotedString,
                    position: start,
                });
            };
            self.pos += 1;
            match b {
                b'"' => break,
                // Unfolding: the line break goes, the white space after it stays.
                b'\r' | b'\n' => {}
                b'\\' => match self.peek() {
                    Some(q) if q != b'\r' && q != b'\n' => {
                        bytes.push(q);
                        self.pos += 1;
                    }
                    _ => {
                        return Err(ParseError {
                            kind: ParseErrorKind::UnterminatedQuotedString,
                            position: start,
                        });
                    }
                },
                _ => bytes.push(b),
            }
        }
        self.text(start, &bytes)
    }

    /// Bytes read at `start` as a value's text: UTF-8 without control
    /// characters (but the tab).
    fn text(&self, start: usize, bytes: &[u8]) -> Parsed<String> {
        let text = core::str::from_utf8(bytes).map_err(|_| ParseError {
            kind: ParseErrorKind::InvalidUtf8,
            position: start,
        })?;
        if let Some(c) = forbidden_control(text) {
            return Err(ParseError {
                kind: ParseErrorKind::ControlCharacter(c),
                position: start,
            });
        }
        Ok(String::from(text))
    }

    /// Skips white space (line breaks included) and comments.
    fn cfws(&mut self) -> Parsed<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(b'(') => self.comment()?,
                _ => return Ok(()),
            }
        }
    }

    /// Skips a comment starting at `(`, nested up to [`MAX_COMMENT_DEPTH`].
    fn comment(&mut self) -> Parsed<()> {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    if depth > MAX_COMMENT_DEPTH {
                        return Err(ParseError {
                            kind: ParseErrorKind::CommentTooDeep {
                                limit: MAX_COMMENT_DEPTH,
                            },
                            position: self.pos - 1,
                        });
                    }
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                // A quoted-pair: the next byte is text, even `(` or `)`.
                b'\\' if self.peek().is_some() => self.pos += 1,
                _ => {}
            }
        }
        Err(ParseError {
            kind: ParseErrorKind::UnterminatedComment,
            position: start,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(value: &str) -> ParseErrorKind {
        AuthenticationResults::parse(value).unwrap_err().kind
    }

    #[test]
    fn real_world_shapes() {
        let ar = AuthenticationResults::parse(
            "mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=20230601 header.b=Ab/+cd=9;\r\n       \
             spf=pass (google.com: domain of bounce@example.com designates 192.0.2.1 as permitted sender) \
             smtp.mailfrom=bounce@example.com;\r\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com\r\n",
        )
        .unwrap();
        assert_eq!(ar.authserv_id(), "mx.google.com");
        let [dkim, spf, dmarc] = ar.results() else {
            panic!("{ar:?}")
        };
        assert_eq!(dkim.property("header", "b"), Some("Ab/+cd=9"));
        assert_eq!(dkim.property("header", "i"), Some("@example.com"));
        assert_eq!(spf.property("smtp", "mailfrom"), Some("bounce@example.com"));
        assert_eq!(dmarc.property("header", "from"), Some("example.com"));

        // Microsoft sometimes writes no authserv-id: a result is not one.
        let ms = AuthenticationResults::parse(
            "spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.com; dkim=none (message not signed) \
             header.d=none;dmarc=PASS action=none header.from=example.com;compauth=pass reason=100",
        );
        assert_eq!(
            ms,
            Err(ParseError {
                kind: ParseErrorKind::ExpectedAuthservId,
                position: 0
            })
        );
        let ms = AuthenticationResults::parse(
            "mx.microsoft.com; dmarc=PASS action=none header.from=example.com;compauth=pass reason=100",
        )
        .unwrap();
        assert_eq!(ms.results()[0].result(), "pass");
        assert_eq!(ms.results()[0].properties()[0].ptype(), "");
        assert_eq!(ms.results()[0].properties()[0].name(), "action");
        assert_eq!(ms.results()[1].reason(), Some("100"));

        let v6 = AuthenticationResults::parse("mx; iprev=pass policy.iprev=2001:db8::1;").unwrap();
        assert_eq!(
            v6.results()[0].property("policy", "iprev"),
            Some("2001:db8::1")
        );
    }

    #[test]
    fn versions_none_and_empty_results() {
        let ar = AuthenticationResults::parse("Example.ORG 1 (v); none").unwrap();
        assert_eq!((ar.authserv_id(), ar.version()), ("Example.ORG", Some(1)));
        assert!(ar.results().is_empty());
        for v in [
            "example.org",
            "example.org;",
            "example.org; ;; none ;",
            "example.org\r\n",
        ] {
            let ar = AuthenticationResults::parse(v).unwrap();
            assert!(ar.results().is_empty(), "{v:?}");
        }
        let ar = AuthenticationResults::parse("x; none=pass; dkim/1=pass").unwrap();
        assert_eq!(ar.results()[0].method(), "none");
        assert_eq!(ar.results()[1].method_version(), Some(1));
    }

    #[test]
    fn quoted_strings_unquote_and_unfold() {
        let ar = AuthenticationResults::parse(
            "\"my \\\"id\\\"\"; spf=fail reason=\"a\r\n b\\\\c\" smtp.mailfrom=\"x y\"@example.com",
        );
        // A quoted local-part before @ is not a pvalue we read bare: the
        // quoted-string ends the value and "@example.com" is unexpected.
        assert_eq!(ar.unwrap_err().kind, ParseErrorKind::ExpectedProperty);
        let ar = AuthenticationResults::parse(
            "\"my \\\"id\\\"\"; spf=fail reason=\"a\r\n b\\\\c\" smtp.mailfrom=\"x y@example.com\"",
        )
        .unwrap();
        assert_eq!(ar.authserv_id(), "my \"id\"");
        assert_eq!(ar.results()[0].reason(), Some("a b\\c"));
        assert_eq!(
            ar.results()[0].property("smtp", "mailfrom"),
            Some("x y@example.com")
        );
        let utf8 = AuthenticationResults::parse("mx; dkim=fail reason=\"clé révoquée\"").unwrap();
        assert_eq!(utf8.results()[0].reason(), Some("clé révoquée"));
    }

    #[test]
    fn errors_have_kinds_and_positions() {
        assert_eq!(kind(""), ParseErrorKind::ExpectedAuthservId);
        assert_eq!(kind("\"\"; none"), ParseErrorKind::EmptyAuthservId);
        assert_eq!(kind("a b; none"), ParseErrorKind::ExpectedSemicolon);
        assert_eq!(kind("a; =pass"), ParseErrorKind::ExpectedMethod);
        assert_eq!(kind("a; spf pass"), ParseErrorKind::ExpectedEquals);
        assert_eq!(kind("a; spf="), ParseErrorKind::ExpectedResult);
        assert_eq!(kind("a; spf/=pass"), ParseErrorKind::ExpectedNumber);
        assert_eq!(kind("a 99999999999; none"), ParseErrorKind::NumberTooLarge);
        assert_eq!(kind("a; spf=pass ."), ParseErrorKind::ExpectedProperty);
        assert_eq!(
            kind("a; spf=pass smtp.=x"),
            ParseErrorKind::ExpectedPropertyName
        );
        assert_eq!(
            kind("a; spf=pass smtp.mailfrom"),
            ParseErrorKind::ExpectedEquals
        );
        assert_eq!(
            kind("a; spf=pass smtp.mailfrom="),
            ParseErrorKind::ExpectedValue
        );
        assert_eq!(
            kind("a; spf=pass reason=x reason=y"),
            ParseErrorKind::DuplicateReason
        );
        assert_eq!(kind("a (b; none"), ParseErrorKind::UnterminatedComment);
        assert_eq!(
            kind("a; spf=pass reason=\"x"),
            ParseErrorKind::UnterminatedQuotedString
        );
        assert_eq!(
            kind("a; spf=pass reason=\"x\\"),
            ParseErrorKind::UnterminatedQuotedString
        );
        assert_eq!(
            kind("a; spf=pass reason=\"x\0\""),
            ParseErrorKind::ControlCharacter('\0')
        );
        assert_eq!(
            kind("a; spf=pass reason=x\u{85}"),
            ParseErrorKind::ControlCharacter('\u{85}')
        );
        assert_eq!(
            AuthenticationResults::parse(b"a; spf=pass reason=\xff"),
            Err(ParseError {
                kind: ParseErrorKind::InvalidUtf8,
                position: 19
            })
        );
        let e = AuthenticationResults::parse("example.org; spf=pass smtp.mailfrom=a; dkim pass")
            .unwrap_err();
        assert_eq!(e.position, 44);
        assert_eq!(e.to_string(), "expected '=' at byte 44");
    }

    #[test]
    fn limits() {
        let long = "a".repeat(MAX_FIELD_LEN + 1);
        assert_eq!(
            kind(&long),
            ParseErrorKind::TooLong {
                limit: MAX_FIELD_LEN
            }
        );
        let ok_depth = format!(
            "a {}{}; none",
            "(".repeat(MAX_COMMENT_DEPTH),
            ")".repeat(MAX_COMMENT_DEPTH)
        );
        assert!(AuthenticationResults::parse(&ok_depth).is_ok());
        let deep = format!(
            "a {}{}; none",
            "(".repeat(MAX_COMMENT_DEPTH + 1),
            ")".repeat(MAX_COMMENT_DEPTH + 1)
        );
        assert_eq!(
            kind(&deep),
            ParseErrorKind::CommentTooDeep {
                limit: MAX_COMMENT_DEPTH
            }
        );
        let at_cap = format!("a{}", "; spf=pass".repeat(MAX_RESULTS));
        assert_eq!(
            AuthenticationResults::parse(&at_cap)
                .unwrap()
                .results()
                .len(),
            MAX_RESULTS
        );
        let over = format!("a{}", "; spf=pass".repeat(MAX_RESULTS + 1));
        assert_eq!(
            kind(&over),
            ParseErrorKind::TooManyResults { limit: MAX_RESULTS }
        );
    }

    #[test]
    fn authserv_id_of_reads_only_the_start() {
        assert_eq!(
            authserv_id_of("  (c (nested)) Example.COM 1; spf=pass").as_deref(),
            Some("Example.COM")
        );
        assert_eq!(
            authserv_id_of("\r\n example.com; this is ((( broken").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            authserv_id_of("\"ex ample\"; none").as_deref(),
            Some("ex ample")
        );
        assert_eq!(
            authserv_id_of(b"mx.example.org; \xff\xfe"),
            Some("mx.example.org".into())
        );
        assert_eq!(authserv_id_of(""), None);
        assert_eq!(authserv_id_of("(unclosed"), None);
        assert_eq!(authserv_id_of("\"\"; none"), None);
        assert_eq!(authserv_id_of("; spf=pass"), None);
        assert_eq!(authserv_id_of("spf=pass smtp.mailfrom=example.com"), None);
        assert_eq!(authserv_id_of("\"a=b\"; none").as_deref(), Some("a=b"));
        assert!(is_for_authserv_id(
            "MX.Example.org; dkim=pass",
            "mx.example.ORG"
        ));
        assert!(!is_for_authserv_id(
            "mx.example.org.evil; dkim=pass",
            "mx.example.org"
        ));
        assert!(!is_for_authserv_id(
            "other.example; dkim=pass",
            "mx.example.org"
        ));
        let huge = format!("mx.example.org; {}", "x".repeat(MAX_FIELD_LEN * 2));
        assert!(is_for_authserv_id(&huge, "mx.example.org"));
    }
}
