//! The `_mta-sts.<domain>` TXT record (RFC 8461 §3.1) and the rule that picks
//! the one record of a record set.
//!
//! ```text
//! sts-text-record = sts-version 1*(sts-sep sts-field) [sts-sep]
//! sts-field       = sts-id /        ; Note that sts-version record
//!                   sts-extension   ; components are not included here.
//! sts-version     = %s"v=STSv1"
//! sts-id          = %s"id=" 1*32(ALPHA / DIGIT)     ; id=...
//! sts-sep         = *WSP ";" *WSP
//! sts-extension   = sts-ext-name "=" sts-ext-value  ; name=value
//! sts-ext-name    = (ALPHA / DIGIT)
//!                   *31(ALPHA / DIGIT / "_" / "-" / ".")
//! sts-ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)
//!                   ; chars, excluding "=", ";", SP, and control chars
//! ```
//!
//! Readings of the RFC:
//!
//! - the grammar is applied as written: nothing (not even a space) may come
//!   before `v=STSv1`, and white space after the last field is only allowed
//!   as part of a final separator (`id=1; ` parses, `id=1 ` does not);
//! - a field named exactly `id` is the `sts-id` and its value must be 1 to 32
//!   letters and digits (the extension production would otherwise swallow a
//!   bad id); names are case-sensitive, so `ID=x` is an extension;
//! - `id` is required (§3.1: "id: ... (REQUIRED)"); when it is repeated the
//!   first one counts, like the policy file's fields;
//! - record set (§3.1): records not beginning with `v=STSv1;` are discarded;
//!   if not exactly one remains, or it is invalid, the domain has no policy.
//!   A record's character-strings are joined with nothing between them.
//!
//! Limits: the parser is linear and keeps at most [`MAX_EXTENSIONS`]
//! extensions (more is an error); a record longer than [`MAX_RECORD_LEN`]
//! bytes is refused before parsing.

use alloc::string::String;
use alloc::vec::Vec;

use mailsec_dns::Answer;

/// Longest record accepted, in bytes (DNS answers are far smaller; the limit
/// bounds what a caller can hand in from elsewhere).
pub const MAX_RECORD_LEN: usize = 4096;

/// Most extension fields kept from one record.
pub const MAX_EXTENSIONS: usize = 64;

/// A valid `_mta-sts` TXT record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StsRecord {
    id: String,
    extensions: Vec<(String, String)>,
}

/// Why a record does not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {position}")]
pub struct RecordError {
    /// What is wrong.
    pub kind: RecordErrorKind,
    /// Byte offset in the (joined) record.
    pub position: usize,
}

/// The kinds of [`RecordError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordErrorKind {
    /// The record does not start with `v=STSv1`.
    #[error("record does not start with v=STSv1")]
    Version,
    /// A `;` separator was expected.
    #[error("expected \";\"")]
    Separator,
    /// A field name is missing or malformed.
    #[error("malformed field name")]
    FieldName,
    /// A field has no `=`.
    #[error("expected \"=\" after the field name")]
    Equals,
    /// A field value is empty or has a forbidden character.
    #[error("malformed field value")]
    FieldValue,
    /// The `id` is not 1 to 32 letters and digits.
    #[error("id is not 1 to 32 letters and digits")]
    Id,
    /// No `id` field.
    #[error("missing id")]
    MissingId,
    /// `v=STSv1` is followed by no field at all.
    #[error("no field after v=STSv1")]
    NoField,
    /// Too many extension fields, or the record is too long.
    #[error("record too large")]
    TooLarge,
}

/// Why a record set gives no policy record (§3.1): the domain then has no
/// MTA-STS policy, as far as DNS says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordSetError {
    /// No record begins with `v=STSv1;`.
    #[error("no record begins with v=STSv1;")]
    NoRecord,
    /// More than one record begins with `v=STSv1;`.
    #[error("{0} records begin with v=STSv1;")]
    Multiple(usize),
    /// The one record is malformed.
    #[error("the v=STSv1 record is invalid: {0}")]
    Invalid(RecordError),
}

/// The prefix that keeps a record in the set (§3.1).
const SET_PREFIX: &[u8] = b"v=STSv1;";

impl StsRecord {
    /// Parses one record (its character-strings already joined).
    pub fn parse(text: &[u8]) -> Result<StsRecord, RecordError> {
        if text.len() > MAX_RECORD_LEN {
            return Err(err(RecordErrorKind::TooLarge, MAX_RECORD_LEN));
        }
        let mut p = Cursor { text, pos: 0 };
        if !p.eat(b"v=STSv1") {
            return Err(err(RecordErrorKind::Version, 0));
        }
        let mut id: Option<String> = None;
        let mut extensions = Vec::new();
        let mut fields = 0usize;
        loop {
            // sts-sep, or the end.
            p.skip_wsp();
            if p.at_end() {
                break;
            }
            if !p.eat(b";") {
                return Err(err(RecordErrorKind::Separator, p.pos));
            }
            p.skip_wsp();
            if p.at_end() {
                // The final optional separator.
                break;
            }
            let name_start = p.pos;
            let name = p.take_while(is_ext_name_char);
            if !valid_ext_name(name) {
                return Err(err(RecordErrorKind::FieldName, name_start));
            }
            if !p.eat(b"=") {
                return Err(err(RecordErrorKind::Equals, p.pos));
            }
            let value_start = p.pos;
            let value = p.take_while(is_ext_value_char);
            if value.is_empty() {
                return Err(err(RecordErrorKind::FieldValue, value_start));
            }
            fields = fields.saturating_add(1);
            if name == b"id" {
                if value.len() > 32 || !value.iter().all(u8::is_ascii_alphanumeric) {
                    return Err(err(RecordErrorKind::Id, value_start));
                }
                if id.is_none() {
                    id = Some(ascii(value));
                }
            } else {
                if extensions.len() >= MAX_EXTENSIONS {
                    return Err(err(RecordErrorKind::TooLarge, name_start));
                }
                extensions.push((ascii(name), ascii(value)));
            }
            // After a field: only WSP, ";" or the end may follow.
            if let Some(&b) = p.peek() {
                if b != b' ' && b != b'\t' && b != b';' {
                    let kind = if is_ext_value_char(b) || b == b'=' {
                        RecordErrorKind::FieldValue
                    } else {
                        RecordErrorKind::Separator
                    };
                    return Err(err(kind, p.pos));
                }
            } else {
                break;
            }
            // Trailing WSP with no ";" after it is not in the grammar.
            let before = p.pos;
            p.skip_wsp();
            if p.at_end() {
                return Err(err(RecordErrorKind::Separator, before));
            }
            p.pos = before;
        }
        if fields == 0 {
            return Err(err(RecordErrorKind::NoField, p.pos));
        }
        match id {
            Some(id) => Ok(StsRecord { id, extensions }),
            None => Err(err(RecordErrorKind::MissingId, text.len())),
        }
    }

    /// Applies §3.1 to a record set: keeps the records beginning with
    /// `v=STSv1;`, which must then be exactly one, and a valid one. Each item
    /// is one record with its character-strings already joined.
    pub fn from_set<'a, I>(records: I) -> Result<StsRecord, RecordSetError>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let mut found: Option<&[u8]> = None;
        let mut count = 0usize;
        for record in records {
            if record.starts_with(SET_PREFIX) {
                count = count.saturating_add(1);
                if found.is_none() {
                    found = Some(record);
                }
            }
        }
        match (found, count) {
            (Some(record), 1) => StsRecord::parse(record).map_err(RecordSetError::Invalid),
            (None, _) => Err(RecordSetError::NoRecord),
            (Some(_), n) => Err(RecordSetError::Multiple(n)),
        }
    }

    /// Applies §3.1 to the TXT records of a DNS answer (each record's
    /// character-strings joined without spaces). A failed lookup, NXDOMAIN
    /// and NODATA all give [`RecordSetError::NoRecord`]: tell them apart with
    /// [`Answer::failure`] first when it matters (it does for policy
    /// resolution, which [`PolicyResolver`](super::PolicyResolver) handles).
    pub fn from_answer(answer: &Answer) -> Result<StsRecord, RecordSetError> {
        let joined: Vec<Vec<u8>> = answer.txt().map(mailsec_dns::Txt::joined).collect();
        StsRecord::from_set(joined.iter().map(Vec::as_slice))
    }

    /// Always `STSv1`.
    pub fn version(&self) -> &'static str {
        "STSv1"
    }

    /// The policy id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The extension fields, in order, as written.
    pub fn extensions(&self) -> &[(String, String)] {
        &self.extensions
    }
}

fn err(kind: RecordErrorKind, position: usize) -> RecordError {
    RecordError { kind, position }
}

fn ascii(bytes: &[u8]) -> String {
    // Only called on bytes checked to be printable ASCII.
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn is_ext_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.'
}

fn valid_ext_name(name: &[u8]) -> bool {
    matches!(name.first(), Some(b) if b.is_ascii_alphanumeric()) && name.len() <= 32
}

fn is_ext_value_char(b: u8) -> bool {
    matches!(b, 0x21..=0x3a | 0x3c | 0x3e..=0x7e)
}

struct Cursor<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<&u8> {
        self.text.get(self.pos)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn eat(&mut self, s: &[u8]) -> bool {
        let rest = self.text.get(self.pos..).unwrap_or_default();
        if rest.starts_with(s) {
            self.pos = self.pos.saturating_add(s.len());
            true
        } else {
            false
        }
    }

    fn skip_wsp(&mut self) {
        let _ = self.take_while(|b| b == b' ' || b == b'\t');
    }

    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        while let Some(&b) = self.text.get(self.pos) {
            if !f(b) {
                break;
            }
            self.pos = self.pos.saturating_add(1);
        }
        self.text.get(start..self.pos).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> RecordErrorKind {
        StsRecord::parse(text.as_bytes()).unwrap_err().kind
    }

    #[test]
    fn valid_records() {
        for (text, id, ext) in [
            ("v=STSv1; id=20160831085700Z;", "20160831085700Z", 0),
            ("v=STSv1; id=20160831085700Z", "20160831085700Z", 0),
            ("v=STSv1;id=a", "a", 0),
            ("v=STSv1 ;\tid=a\t; ", "a", 0),
            (
                "v=STSv1; id=abcdefghijklmnopqrstuvwxyz012345",
                "abcdefghijklmnopqrstuvwxyz012345",
                0,
            ),
            ("v=STSv1; x-y.z_=~!:<>; id=1", "1", 1),
            ("v=STSv1; id=1; id=2", "1", 0),
            ("v=STSv1; ID=x; id=1", "1", 1),
        ] {
            let r = StsRecord::parse(text.as_bytes()).unwrap();
            assert_eq!(r.id(), id, "{text}");
            assert_eq!(r.extensions().len(), ext, "{text}");
            assert_eq!(r.version(), "STSv1");
        }
    }

    #[test]
    fn invalid_records() {
        use RecordErrorKind as K;
        for (text, want) in [
            ("", K::Version),
            (" v=STSv1; id=1", K::Version),
            ("v=STSv2; id=1", K::Version),
            ("V=STSv1; id=1", K::Version),
            ("v=stsv1; id=1", K::Version),
            ("v=STSv1", K::NoField),
            ("v=STSv1;", K::NoField),
            ("v=STSv1; ", K::NoField),
            ("v=STSv1; x=1", K::MissingId),
            ("v=STSv1 id=1", K::Separator),
            ("v=STSv1; id=1 ", K::Separator),
            ("v=STSv1; id=1;;", K::FieldName),
            ("v=STSv1; id=", K::FieldValue),
            ("v=STSv1; id=abc-def", K::Id),
            ("v=STSv1; id=abcdefghijklmnopqrstuvwxyz0123456", K::Id),
            ("v=STSv1; id=1; _x=1", K::FieldName),
            ("v=STSv1; id=1; x", K::Equals),
            ("v=STSv1; id=1; x=a=b", K::FieldValue),
            ("v=STSv1; id=1; x=\u{e9}", K::FieldValue),
            (
                "v=STSv1; id=1; aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1",
                K::FieldName,
            ),
            ("v=STSv1; id=1\n", K::Separator),
        ] {
            assert_eq!(kind(text), want, "{text:?}");
        }
        let long = alloc::format!("v=STSv1; id=1;{}", " ".repeat(MAX_RECORD_LEN));
        assert_eq!(kind(&long), K::TooLarge);
        let mut many = String::from("v=STSv1; id=1");
        for i in 0..=MAX_EXTENSIONS {
            many.push_str(&alloc::format!("; e{i}=v"));
        }
        assert_eq!(kind(&many), K::TooLarge);
    }

    #[test]
    fn extension_names_are_at_most_32_characters() {
        let ok = alloc::format!("v=STSv1; id=1; {}=v", "a".repeat(32));
        assert!(StsRecord::parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn record_set_rule() {
        let good: &[u8] = b"v=STSv1; id=1";
        assert_eq!(StsRecord::from_set([good]).unwrap().id(), "1");
        assert_eq!(
            StsRecord::from_set([good, b"v=spf1 -all".as_slice(), b"v=STSv1 ; id=2"])
                .unwrap()
                .id(),
            "1"
        );
        assert_eq!(
            StsRecord::from_set([good, b"v=STSv1;id=2".as_slice()]),
            Err(RecordSetError::Multiple(2))
        );
        assert_eq!(
            StsRecord::from_set([b"v=STSv1".as_slice()]),
            Err(RecordSetError::NoRecord)
        );
        assert_eq!(StsRecord::from_set([]), Err(RecordSetError::NoRecord));
        assert!(matches!(
            StsRecord::from_set([b"v=STSv1;".as_slice()]),
            Err(RecordSetError::Invalid(_))
        ));
    }

    #[test]
    fn strings_are_joined_without_spaces() {
        let txt = mailsec_dns::Txt::new(alloc::vec![b"v=STSv1; id=12".to_vec(), b"34".to_vec()]);
        let answer = Answer::records(alloc::vec![mailsec_dns::Record::Txt(txt)]);
        assert_eq!(StsRecord::from_answer(&answer).unwrap().id(), "1234");
        assert_eq!(
            StsRecord::from_answer(&Answer::nx_domain()),
            Err(RecordSetError::NoRecord)
        );
    }
}
