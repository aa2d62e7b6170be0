//! RFC 2045 §5.1 Content-Type field values, with the RFC 2231 parameter
//! extensions (continuations and charset/language-tagged values).
//!
//! ```text
//! content    := "Content-Type" ":" type "/" subtype *(";" parameter)
//! parameter  := attribute "=" value
//! attribute  := token
//! value      := token / quoted-string
//! token      := 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>
//! tspecials  := "(" / ")" / "<" / ">" / "@" / "," / ";" / ":" / "\" / <">
//!               "/" / "[" / "]" / "?" / "="
//! ```
//!
//! Comments and folding white space (RFC 5322 CFWS) may appear between the
//! tokens. Comments nest; they are skipped with a depth counter, never by
//! recursion.
//!
//! Where this parser is lenient, on purpose (mail clients accept these, and a
//! verifier that reads a message differently from the client that shows it is
//! a way past the check):
//!
//! - an unquoted parameter value may hold tspecials other than `(`, `)`, `;`,
//!   `"` and `\`, and bytes above 127 (`boundary=----=_Part_1` is common);
//! - empty parameters (`text/plain;` and `;;`) are skipped;
//! - a malformed `%XX` escape in an RFC 2231 extended value is kept as it is,
//!   and an extended value without the `charset'language'` prefix is decoded
//!   as a whole.
//!
//! # Duplicate parameters
//!
//! When a name occurs more than once (after RFC 2231 sections are joined:
//! `boundary*0="x"; boundary="y"` is two `boundary` parameters), the first
//! occurrence wins, as with CPython's default policy (`email.policy.default`).
//! CPython's `compat32` policy does not agree: its `get_param` puts every RFC
//! 2231 form after all plain parameters, so it reads `y` there. Every such
//! name is listed by [`ContentType::duplicate_parameters`]; a verifier should
//! refuse a message whose boundary, protocol or micalg is ambiguous.
//!
//! # Errors after the type
//!
//! [`parse_content_type`] fails on any syntax error. [`crate::Entity`] is
//! more forgiving, as mail clients are (CPython still splits
//! `multipart/mixed; boundary=b; name=foo bar`): when the error comes after
//! the type and subtype, it keeps the type, the subtype and the parameters
//! read before the error, and reports the error beside them. A parameter
//! whose value is followed by anything but `;` or the end of the value (the
//! `name=foo bar` above) is not kept.

use alloc::string::String;
use alloc::vec::Vec;

/// A parsed Content-Type field value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentType {
    /// The media type (`text`, `multipart`, ...), lowercase.
    pub media_type: String,
    /// The subtype (`plain`, `mixed`, ...), lowercase.
    pub subtype: String,
    /// The parameters in the order they first appear: lowercase name (RFC 2231
    /// sections and `*` markers removed) and the value's bytes (quoting undone,
    /// continuations joined, `%XX` escapes of extended values decoded; the
    /// charset is not converted). A name appears at most once: the first
    /// occurrence wins (see [`ContentType::duplicate_parameters`]).
    pub params: Vec<(String, Vec<u8>)>,
    /// Names that occurred more than once, sorted.
    duplicates: Vec<String>,
}

impl Default for ContentType {
    /// `text/plain; charset=us-ascii`, the RFC 2045 §5.2 default for an entity
    /// with no Content-Type field or an invalid one.
    fn default() -> Self {
        ContentType {
            media_type: String::from("text"),
            subtype: String::from("plain"),
            params: alloc::vec![(String::from("charset"), b"us-ascii".to_vec())],
            duplicates: Vec::new(),
        }
    }
}

impl ContentType {
    /// `message/rfc822`, the default type of a part of a `multipart/digest`
    /// (RFC 2046 §5.1.5).
    pub fn digest_default() -> Self {
        ContentType {
            media_type: String::from("message"),
            subtype: String::from("rfc822"),
            params: Vec::new(),
            duplicates: Vec::new(),
        }
    }

    /// A content type with these parts, no duplicates recorded. Names are
    /// used as given (the parser gives them in lower case).
    pub fn new(media_type: String, subtype: String, params: Vec<(String, Vec<u8>)>) -> Self {
        ContentType {
            media_type,
            subtype,
            params,
            duplicates: Vec::new(),
        }
    }

    /// The names (lowercase, without RFC 2231 markers) of the parameters
    /// that occurred more than once, sorted, each listed once. Only the first
    /// occurrence is in [`ContentType::params`]. An RFC 2231 section number
    /// given twice (`x*0=a; x*0=b`) counts as a duplicate too.
    ///
    /// A verifier should refuse a message whose boundary, protocol or micalg
    /// is ambiguous: other parsers (CPython's `compat32` policy among them)
    /// may pick another occurrence, and so split or check the message
    /// differently.
    pub fn duplicate_parameters(&self) -> &[String] {
        &self.duplicates
    }

    /// The value of the parameter `name` (compared case-insensitively).
    pub fn param(&self, name: &str) -> Option<&[u8]> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// The `boundary` parameter.
    pub fn boundary(&self) -> Option<&[u8]> {
        self.param("boundary")
    }

    /// Whether the media type is `multipart`.
    pub fn is_multipart(&self) -> bool {
        self.media_type == "multipart"
    }

    /// Whether this is `media_type/subtype` (compared case-insensitively).
    pub fn is(&self, media_type: &str, subtype: &str) -> bool {
        self.media_type.eq_ignore_ascii_case(media_type)
            && self.subtype.eq_ignore_ascii_case(subtype)
    }

    /// `type/subtype`, without parameters.
    pub fn essence(&self) -> String {
        let mut s = String::with_capacity(
            self.media_type
                .len()
                .saturating_add(self.subtype.len())
                .saturating_add(1),
        );
        s.push_str(&self.media_type);
        s.push('/');
        s.push_str(&self.subtype);
        s
    }
}

/// What is wrong with a Content-Type value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContentTypeErrorKind {
    /// No media type token where one was expected.
    MissingType,
    /// No `/` after the media type.
    MissingSlash,
    /// No subtype token after the `/`.
    MissingSubtype,
    /// Something other than `;` or the end of the value after a type or parameter.
    ExpectedSemicolon,
    /// No parameter name after a `;`.
    MissingParameterName,
    /// No `=` after a parameter name.
    MissingEquals,
    /// No value after a parameter's `=`.
    MissingParameterValue,
    /// A quoted string that never ends.
    UnterminatedQuotedString,
    /// A comment that never ends.
    UnterminatedComment,
}

impl core::fmt::Display for ContentTypeErrorKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ContentTypeErrorKind::MissingType => "expected a media type",
            ContentTypeErrorKind::MissingSlash => "expected '/' after the media type",
            ContentTypeErrorKind::MissingSubtype => "expected a subtype",
            ContentTypeErrorKind::ExpectedSemicolon => "expected ';' or the end of the value",
            ContentTypeErrorKind::MissingParameterName => "expected a parameter name",
            ContentTypeErrorKind::MissingEquals => "expected '=' after the parameter name",
            ContentTypeErrorKind::MissingParameterValue => "expected a parameter value",
            ContentTypeErrorKind::UnterminatedQuotedString => "unterminated quoted string",
            ContentTypeErrorKind::UnterminatedComment => "unterminated comment",
        })
    }
}

/// A Content-Type value that does not follow RFC 2045 §5.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid content type: {kind} at byte {position}")]
pub struct ContentTypeError {
    kind: ContentTypeErrorKind,
    position: usize,
}

impl ContentTypeError {
    /// What is wrong.
    pub fn kind(&self) -> ContentTypeErrorKind {
        self.kind
    }

    /// Where, as an offset into the value that was parsed.
    pub fn position(&self) -> usize {
        self.position
    }
}

/// Parses a raw Content-Type field value (everything after the colon; it may
/// be folded). Any syntax error fails the whole value.
///
/// Callers that only want the type to use follow RFC 2045 §5.2 and take
/// [`ContentType::default`] when this fails. [`crate::Entity`] does that only
/// when the type or subtype cannot be read: after an error that comes later
/// it keeps the type, the subtype and the parameters read before the error
/// (CPython still splits `multipart/mixed; boundary=b; name=foo bar`), and
/// reports the error in [`crate::Entity::content_type_error`]. A parameter
/// whose value is followed by anything but `;` or the end (`name=foo` there)
/// is not kept.
///
/// A parameter name that occurs more than once keeps its first value (as
/// CPython's default policy does; its `compat32` policy puts RFC 2231 forms
/// after plain ones, so it reads `y` in `boundary*0="x"; boundary="y"`); see
/// [`ContentType::duplicate_parameters`].
///
/// ```
/// use mailsec_message::parse_content_type;
///
/// let ct = parse_content_type(b" Multipart/Mixed;\r\n boundary=\"a b\" (c)")?;
/// assert_eq!(ct.essence(), "multipart/mixed");
/// assert_eq!(ct.boundary(), Some(&b"a b"[..]));
/// # Ok::<(), mailsec_message::ContentTypeError>(())
/// ```
pub fn parse_content_type(value: &[u8]) -> Result<ContentType, ContentTypeError> {
    match parse_content_type_partial(value)? {
        (ct, None) => Ok(ct),
        (_, Some(e)) => Err(e),
    }
}

/// Parses a Content-Type value, keeping what was read before an error that
/// comes after the type and subtype: `Err` only when the type or subtype
/// cannot be read; otherwise the content type (type, subtype, the parameters
/// read before any error) and the error, if there was one.
pub(crate) fn parse_content_type_partial(
    value: &[u8],
) -> Result<(ContentType, Option<ContentTypeError>), ContentTypeError> {
    let mut c = Cursor { s: value, pos: 0 };
    c.skip_cfws()?;
    let media_type = c.token();
    if media_type.is_empty() {
        return Err(c.err(ContentTypeErrorKind::MissingType));
    }
    c.skip_cfws()?;
    if c.peek() != Some(b'/') {
        return Err(c.err(ContentTypeErrorKind::MissingSlash));
    }
    c.bump();
    c.skip_cfws()?;
    let subtype = c.token();
    if subtype.is_empty() {
        return Err(c.err(ContentTypeErrorKind::MissingSubtype));
    }

    let mut raw: Vec<(String, Vec<u8>)> = Vec::new();
    let error = read_params(&mut c, &mut raw).err();
    let (params, duplicates) = assemble(raw);
    let ct = ContentType {
        media_type: lowercase(media_type),
        subtype: lowercase(subtype),
        params,
        duplicates,
    };
    Ok((ct, error))
}

/// Reads `*(";" parameter)` into `raw` up to the end of the value or the
/// first error. A parameter is pushed only once it is followed by `;` or the
/// end of the value.
fn read_params(
    c: &mut Cursor<'_>,
    raw: &mut Vec<(String, Vec<u8>)>,
) -> Result<(), ContentTypeError> {
    loop {
        c.skip_cfws()?;
        match c.peek() {
            None => return Ok(()),
            Some(b';') => c.bump(),
            Some(_) => return Err(c.err(ContentTypeErrorKind::ExpectedSemicolon)),
        }
        c.skip_cfws()?;
        match c.peek() {
            None => return Ok(()),
            Some(b';') => continue,
            Some(_) => {}
        }
        let name = c.token();
        if name.is_empty() {
            return Err(c.err(ContentTypeErrorKind::MissingParameterName));
        }
        c.skip_cfws()?;
        if c.peek() != Some(b'=') {
            return Err(c.err(ContentTypeErrorKind::MissingEquals));
        }
        c.bump();
        c.skip_cfws()?;
        let value = if c.peek() == Some(b'"') {
            c.quoted_string()?
        } else {
            let v = c.value_token();
            if v.is_empty() {
                return Err(c.err(ContentTypeErrorKind::MissingParameterValue));
            }
            v.to_vec()
        };
        c.skip_cfws()?;
        match c.peek() {
            None | Some(b';') => raw.push((lowercase(name), value)),
            // `name=foo bar`: the value is not what the sender meant.
            Some(_) => return Err(c.err(ContentTypeErrorKind::ExpectedSemicolon)),
        }
    }
}

/// RFC 2231 allows at most this many sections per parameter here (indices 0 to 63).
const MAX_SECTIONS: usize = 64;

/// How a parameter name relates to RFC 2231.
enum NameForm {
    /// `name=`: the value as written.
    Plain,
    /// `name*=`: a `charset'language'` prefix and `%XX` escapes.
    Extended,
    /// `name*N=` or `name*N*=`: section `N`, extended or not.
    Section { index: usize, extended: bool },
    /// `name*N` with `N` of 64 or more: ignored.
    Ignored,
}

/// Splits an RFC 2231 name into its base name and form. Names that are not
/// valid RFC 2231 syntax (`a*01`, `*`) are plain names.
fn classify(name: &str) -> (&str, NameForm) {
    let (stem, extended) = match name.strip_suffix('*') {
        Some(stem) if !stem.is_empty() => (stem, true),
        _ => (name, false),
    };
    if let Some((base, digits)) = stem.rsplit_once('*') {
        let valid = !base.is_empty()
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        if valid {
            let index = if digits.len() <= 2 {
                digits.parse::<usize>().ok()
            } else {
                None
            };
            return match index {
                Some(index) if index < MAX_SECTIONS => {
                    (base, NameForm::Section { index, extended })
                }
                _ => (base, NameForm::Ignored),
            };
        }
    }
    if extended {
        (stem, NameForm::Extended)
    } else {
        (name, NameForm::Plain)
    }
}

/// One RFC 2231 section waiting to be joined.
struct Section {
    name: String,
    index: usize,
    extended: bool,
    order: usize,
    value: Vec<u8>,
}

/// Turns the parameters as written into the final list: sections joined,
/// extended values decoded, the first occurrence of each name kept. Also
/// returns the names that occurred more than once (sorted, each once).
/// `O(n log n)` in the number of parameters.
fn assemble(raw: Vec<(String, Vec<u8>)>) -> (Vec<(String, Vec<u8>)>, Vec<String>) {
    let mut duplicates: Vec<String> = Vec::new();
    // (name, order of first appearance, value)
    let mut candidates: Vec<(String, usize, Vec<u8>)> = Vec::with_capacity(raw.len());
    let mut sections: Vec<Section> = Vec::new();
    for (order, (name, value)) in raw.into_iter().enumerate() {
        let (base, form) = classify(&name);
        match form {
            NameForm::Plain => candidates.push((String::from(base), order, value)),
            NameForm::Extended => {
                candidates.push((String::from(base), order, decode_extended(&value, true)));
            }
            NameForm::Section { index, extended } => {
                sections.push(Section {
                    name: String::from(base),
                    index,
                    extended,
                    order,
                    value,
                });
            }
            NameForm::Ignored => {}
        }
    }

    // Join sections: sorted by name, then index, then position, so the first
    // of each index comes first; the join stops at the first missing index.
    sections.sort_by(|a, b| (&a.name, a.index, a.order).cmp(&(&b.name, b.index, b.order)));
    let mut iter = sections.into_iter().peekable();
    while let Some(first) = iter.next() {
        let mut name = String::new();
        let mut order = first.order;
        let mut joined = Vec::new();
        let mut expected = 0usize;
        let mut gap = false;
        let mut previous: Option<usize> = None;
        let mut section = Some(first);
        while let Some(s) = section {
            order = order.min(s.order);
            if previous == Some(s.index) {
                // The same section number again: only the first is used.
                duplicates.push(s.name.clone());
            }
            previous = Some(s.index);
            // Sections after a missing index are not used.
            if !gap && s.index == expected {
                if s.extended {
                    joined.extend_from_slice(&decode_extended(&s.value, s.index == 0));
                } else {
                    joined.extend_from_slice(&s.value);
                }
                expected = expected.saturating_add(1);
            } else if s.index > expected {
                gap = true;
            }
            section = iter.next_if(|n| n.name == s.name);
            name = s.name;
        }
        if expected > 0 {
            candidates.push((name, order, joined));
        }
    }

    // First occurrence of each name wins, then back to document order.
    candidates.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    candidates.dedup_by(|later, earlier| {
        let same = later.0 == earlier.0;
        if same {
            duplicates.push(later.0.clone());
        }
        same
    });
    candidates.sort_by_key(|c| c.1);
    duplicates.sort();
    duplicates.dedup();
    let params = candidates
        .into_iter()
        .map(|(name, _, value)| (name, value))
        .collect();
    (params, duplicates)
}

/// Decodes an RFC 2231 extended value: drops `charset'language'` when
/// `with_charset` (first section only) and decodes `%XX` escapes.
fn decode_extended(value: &[u8], with_charset: bool) -> Vec<u8> {
    let mut data = value;
    if with_charset {
        let mut quotes = value
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\'')
            .map(|(i, _)| i);
        if let (Some(_), Some(second)) = (quotes.next(), quotes.next()) {
            data = value.get(second.saturating_add(1)..).unwrap_or_default();
        }
    }
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0usize;
    while let Some(&b) = data.get(i) {
        if b == b'%' {
            let hi = data.get(i.saturating_add(1)).copied().and_then(hex_value);
            let lo = data.get(i.saturating_add(2)).copied().and_then(hex_value);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi << 4) | lo);
                i = i.saturating_add(3);
                continue;
            }
        }
        out.push(b);
        i = i.saturating_add(1);
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b.wrapping_sub(b'0')),
        b'a'..=b'f' => Some(b.wrapping_sub(b'a').wrapping_add(10)),
        b'A'..=b'F' => Some(b.wrapping_sub(b'A').wrapping_add(10)),
        _ => None,
    }
}

fn lowercase(token: &[u8]) -> String {
    token
        .iter()
        .map(|&b| char::from(b.to_ascii_lowercase()))
        .collect()
}

/// RFC 2045 token characters: printable US-ASCII except tspecials.
fn is_token_byte(b: u8) -> bool {
    (0x21..=0x7e).contains(&b) && !b"()<>@,;:\\\"/[]?=".contains(&b)
}

/// Bytes accepted in an unquoted value: printable US-ASCII except `( ) ; " \`,
/// and any byte above 127.
fn is_value_byte(b: u8) -> bool {
    ((0x21..=0x7e).contains(&b) && !b"();\"\\".contains(&b)) || b >= 0x80
}

struct Cursor<'v> {
    s: &'v [u8],
    pos: usize,
}

impl<'v> Cursor<'v> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn bump(&mut self) {
        if self.pos < self.s.len() {
            self.pos = self.pos.saturating_add(1);
        }
    }

    fn err(&self, kind: ContentTypeErrorKind) -> ContentTypeError {
        ContentTypeError {
            kind,
            position: self.pos,
        }
    }

    fn take_while(&mut self, pred: impl Fn(u8) -> bool) -> &'v [u8] {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.bump();
        }
        self.s.get(start..self.pos).unwrap_or_default()
    }

    fn token(&mut self) -> &'v [u8] {
        self.take_while(is_token_byte)
    }

    fn value_token(&mut self) -> &'v [u8] {
        self.take_while(is_value_byte)
    }

    /// Skips white space, line breaks (folding) and comments.
    fn skip_cfws(&mut self) -> Result<(), ContentTypeError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.bump(),
                Some(b'(') => self.skip_comment()?,
                _ => return Ok(()),
            }
        }
    }

    /// Skips a comment, nested comments and quoted pairs included, with a
    /// depth counter instead of recursion.
    fn skip_comment(&mut self) -> Result<(), ContentTypeError> {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.bump();
            match b {
                b'(' => depth = depth.saturating_add(1),
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(());
                    }
                }
                b'\\' => self.bump(),
                _ => {}
            }
        }
        Err(ContentTypeError {
            kind: ContentTypeErrorKind::UnterminatedComment,
            position: start,
        })
    }

    /// Reads a quoted string (the cursor is on its opening quote): quoted
    /// pairs resolved, folding line breaks removed.
    fn quoted_string(&mut self) -> Result<Vec<u8>, ContentTypeError> {
        let start = self.pos;
        self.bump();
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            self.bump();
            match b {
                b'"' => return Ok(out),
                b'\\' => match self.peek() {
                    Some(q) => {
                        out.push(q);
                        self.bump();
                    }
                    None => break,
                },
                b'\r' if self.peek() == Some(b'\n') => {}
                b'\n' => {}
                _ => out.push(b),
            }
        }
        Err(ContentTypeError {
            kind: ContentTypeErrorKind::UnterminatedQuotedString,
            position: start,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn ct(v: &str) -> ContentType {
        parse_content_type(v.as_bytes()).unwrap()
    }

    fn params(c: &ContentType) -> Vec<(&str, &[u8])> {
        c.params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect()
    }

    /// (input, expected essence, expected parameters)
    type Case = (
        &'static str,
        &'static str,
        &'static [(&'static str, &'static [u8])],
    );

    #[test]
    fn valid_values_table() {
        let table: &[Case] = &[
            ("text/plain", "text/plain", &[]),
            (
                "TEXT/Plain; Charset=UTF-8",
                "text/plain",
                &[("charset", b"UTF-8")],
            ),
            (
                " text (a (nested) comment) / plain (c) ; charset = \"us-ascii\" (x)",
                "text/plain",
                &[("charset", b"us-ascii")],
            ),
            (
                "multipart/mixed;\r\n\tboundary=\"abc def\";\r\n  type=x",
                "multipart/mixed",
                &[("boundary", b"abc def"), ("type", b"x")],
            ),
            (
                "multipart/mixed;\n boundary=abc",
                "multipart/mixed",
                &[("boundary", b"abc")],
            ),
            (r#"a/b; n="q\"u\\o\te""#, "a/b", &[("n", b"q\"u\\ote")]),
            ("a/b; n=\"fol\r\n ded\"", "a/b", &[("n", b"fol ded")]),
            ("a/b; n=\"\"", "a/b", &[("n", b"")]),
            (
                "multipart/alternative; boundary=----=_Part_12/3:4?",
                "multipart/alternative",
                &[("boundary", b"----=_Part_12/3:4?")],
            ),
            ("text/plain;", "text/plain", &[]),
            ("text/plain;; ;a=1;", "text/plain", &[("a", b"1")]),
            (
                "a/b; name=\"r\u{e9}sum\u{e9}.pdf\"",
                "a/b",
                &[("name", b"r\xc3\xa9sum\xc3\xa9.pdf")],
            ),
            // RFC 2231 §3 continuations, out of order.
            (
                "a/b; t*1=\" world\"; t*0=hello",
                "a/b",
                &[("t", b"hello world")],
            ),
            // RFC 2231 §4 extended value.
            (
                "application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A",
                "application/x-stuff",
                &[("title", b"This is ***fun***")],
            ),
            // RFC 2231 §4.1 combined.
            (
                "application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n \
                 title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
                "application/x-stuff",
                &[("title", b"This is even more ***fun*** isn't it!")],
            ),
            ("a/b; n*=utf-8''%E2%82%AC", "a/b", &[("n", b"\xe2\x82\xac")]),
            ("a/b; n*=\"utf-8''%41\"", "a/b", &[("n", b"A")]),
            ("a/b; n*=%41%zz%4", "a/b", &[("n", b"A%zz%4")]),
            // Duplicates: first wins, for plain names and for sections.
            ("a/b; charset=a; CHARSET=b", "a/b", &[("charset", b"a")]),
            ("a/b; x*0=a; x*0=b; x*1=c", "a/b", &[("x", b"ac")]),
            ("a/b; n=plain; n*=utf-8''ext", "a/b", &[("n", b"plain")]),
            ("a/b; n*=utf-8''ext; n=plain", "a/b", &[("n", b"ext")]),
            // Gaps stop the join; indices of 64 and more and lone sections are dropped.
            ("a/b; x*0=a; x*2=c", "a/b", &[("x", b"a")]),
            ("a/b; x*0=a; x*64=b; x*1=c", "a/b", &[("x", b"ac")]),
            ("a/b; x*1=b", "a/b", &[]),
            // Not RFC 2231 syntax: plain names.
            ("a/b; x*01=a; *=b", "a/b", &[("x*01", b"a"), ("*", b"b")]),
            ("a/b; z=1; y=2", "a/b", &[("z", b"1"), ("y", b"2")]),
        ];
        for (input, essence, expected) in table {
            let c = ct(input);
            assert_eq!(c.essence(), *essence, "{input}");
            assert_eq!(params(&c), expected.to_vec(), "{input}");
        }
    }

    #[test]
    fn sixty_four_sections_at_most() {
        let mut v = String::from("a/b");
        for i in (0..70).rev() {
            v.push_str(&alloc::format!("; x*{i}=s"));
        }
        let c = ct(&v);
        assert_eq!(c.param("x").unwrap().len(), 64);
    }

    #[test]
    fn invalid_values_table() {
        use ContentTypeErrorKind as K;
        let table: &[(&str, K, usize)] = &[
            ("", K::MissingType, 0),
            ("  (c) ", K::MissingType, 6),
            ("text", K::MissingSlash, 4),
            ("text/", K::MissingSubtype, 5),
            ("text/plain junk", K::ExpectedSemicolon, 11),
            ("text/plain; a=b c", K::ExpectedSemicolon, 16),
            ("text/plain; =x", K::MissingParameterName, 12),
            ("text/plain; a", K::MissingEquals, 13),
            ("text/plain; a=", K::MissingParameterValue, 14),
            ("text/plain; a=;", K::MissingParameterValue, 14),
            ("text/plain; a=\"x", K::UnterminatedQuotedString, 14),
            ("text/plain; a=\"x\\", K::UnterminatedQuotedString, 14),
            ("text/plain (x", K::UnterminatedComment, 11),
            ("text/plain (x (y)", K::UnterminatedComment, 11),
            ("text/plain (x\\)", K::UnterminatedComment, 11),
            ("te\u{e9}xt/plain", K::MissingSlash, 2),
            ("/plain", K::MissingType, 0),
        ];
        for (input, kind, position) in table {
            let e = parse_content_type(input.as_bytes()).unwrap_err();
            assert_eq!((e.kind(), e.position()), (*kind, *position), "{input}");
        }
    }

    #[test]
    fn error_message_format() {
        let e = parse_content_type(b"text").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid content type: expected '/' after the media type at byte 4"
        );
    }

    #[test]
    fn deeply_nested_comments_do_not_recurse() {
        let mut v = vec![b'('; 200_000];
        assert_eq!(
            parse_content_type(&v).unwrap_err().kind(),
            ContentTypeErrorKind::UnterminatedComment
        );
        v.extend(vec![b')'; 200_000]);
        v.extend_from_slice(b"text/plain");
        assert_eq!(parse_content_type(&v).unwrap().essence(), "text/plain");
    }

    #[test]
    fn accessors_and_defaults() {
        let c = ct("Multipart/Signed; Boundary=\"xyz\"; micalg=sha-256");
        assert!(c.is_multipart());
        assert!(c.is("MULTIPART", "signed"));
        assert_eq!(c.boundary(), Some(&b"xyz"[..]));
        assert_eq!(c.param("MICALG"), Some(&b"sha-256"[..]));
        assert_eq!(c.param("protocol"), None);
        let d = ContentType::default();
        assert_eq!(d.essence(), "text/plain");
        assert_eq!(d.param("charset"), Some(&b"us-ascii"[..]));
        assert!(!d.is_multipart());
        assert_eq!(ContentType::digest_default().essence(), "message/rfc822");
    }

    #[test]
    fn duplicate_parameters_are_recorded() {
        let c = ct("multipart/signed; boundary*0=\"x\"; boundary=\"y\"; micalg=a; MICALG=b; p=1");
        assert_eq!(c.boundary(), Some(&b"x"[..]));
        assert_eq!(c.param("micalg"), Some(&b"a"[..]));
        assert_eq!(c.duplicate_parameters(), ["boundary", "micalg"]);
        // Plain and extended forms of one name; a section number given twice.
        let c = ct("a/b; n=plain; n*=utf-8''ext");
        assert_eq!(c.duplicate_parameters(), ["n"]);
        let c = ct("a/b; x*0=a; x*0=b; x*1=c; x*1=d; x*1=e");
        assert_eq!(c.param("x"), Some(&b"ac"[..]));
        assert_eq!(c.duplicate_parameters(), ["x"]);
        // No duplicates.
        for v in ["a/b; x*0=a; x*1=b; y=c", "a/b", "a/b; x*0=a; x*2=b"] {
            assert!(ct(v).duplicate_parameters().is_empty(), "{v}");
        }
        assert!(ContentType::default().duplicate_parameters().is_empty());
        // Kept when a later error stops the parse.
        let (c, e) = parse_content_type_partial(b"a/b; q=1; q=2; r=x y").unwrap();
        assert_eq!(c.duplicate_parameters(), ["q"]);
        assert!(e.is_some());
    }

    /// (input, parameters kept, error kind, error position)
    type PartialCase = (
        &'static str,
        &'static [(&'static str, &'static [u8])],
        ContentTypeErrorKind,
        usize,
    );

    #[test]
    fn partial_parse_keeps_type_and_earlier_parameters() {
        use ContentTypeErrorKind as K;
        let table: &[PartialCase] = &[
            (
                "multipart/mixed; boundary=b; name=foo bar",
                &[("boundary", b"b")],
                K::ExpectedSemicolon,
                38,
            ),
            (
                "multipart/mixed junk; boundary=b",
                &[],
                K::ExpectedSemicolon,
                16,
            ),
            (
                "a/b; c=1; =x; d=2",
                &[("c", b"1")],
                K::MissingParameterName,
                10,
            ),
            ("a/b; c=1; d", &[("c", b"1")], K::MissingEquals, 11),
            ("a/b; c=1; d=", &[("c", b"1")], K::MissingParameterValue, 12),
            (
                "a/b; c=1; d=\"x",
                &[("c", b"1")],
                K::UnterminatedQuotedString,
                12,
            ),
            ("a/b; c=1 (x", &[], K::UnterminatedComment, 9),
            ("a/b; c=1; (x", &[("c", b"1")], K::UnterminatedComment, 10),
            ("a/b; c=\"1\" x; d=2", &[], K::ExpectedSemicolon, 11),
        ];
        for (input, params_before, kind, position) in table {
            let (c, e) = parse_content_type_partial(input.as_bytes()).unwrap();
            assert_eq!(params(&c), params_before.to_vec(), "{input}");
            let e = e.unwrap();
            assert_eq!((e.kind(), e.position()), (*kind, *position), "{input}");
            // The strict parser reports the same error.
            assert_eq!(parse_content_type(input.as_bytes()), Err(e));
        }
        let (c, _) = parse_content_type_partial(b"Multipart/Mixed; boundary=b; x").unwrap();
        assert_eq!(c.essence(), "multipart/mixed");
        // Before the subtype is read there is nothing to keep.
        for input in ["", "text", "text/", "(x", "text (x"] {
            let strict = parse_content_type(input.as_bytes()).unwrap_err();
            assert_eq!(parse_content_type_partial(input.as_bytes()), Err(strict));
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(input in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let _ = parse_content_type(&input);
        }

        #[test]
        fn never_panics_on_near_valid(parts in proptest::collection::vec(proptest::sample::select(vec![
            "a", "/", ";", "=", "\"", "\\", "(", ")", " ", "\r\n ", "*", "*0", "*1*", "'", "%4", "1",
        ]), 0..40)) {
            let s: String = parts.concat();
            // The strict parser is the partial one without its error.
            match (parse_content_type(s.as_bytes()), parse_content_type_partial(s.as_bytes())) {
                (Ok(strict), Ok((partial, None))) => proptest::prop_assert_eq!(strict, partial),
                (Err(strict), Ok((_, Some(e)))) | (Err(strict), Err(e)) => {
                    proptest::prop_assert_eq!(strict, e);
                }
                (a, b) => proptest::prop_assert!(false, "{:?} {:?}", a, b),
            }
            if let Ok((c, _)) = parse_content_type_partial(s.as_bytes()) {
                let mut sorted = c.duplicate_parameters().to_vec();
                sorted.sort();
                sorted.dedup();
                proptest::prop_assert_eq!(sorted.as_slice(), c.duplicate_parameters());
                // Names are unique.
                let mut names: Vec<&String> = c.params.iter().map(|(n, _)| n).collect();
                names.sort();
                let before = names.len();
                names.dedup();
                proptest::prop_assert_eq!(before, names.len());
            }
        }
    }
}
