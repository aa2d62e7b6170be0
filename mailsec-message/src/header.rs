//! RFC 5322 §2.2 header fields, kept as the exact bytes that arrived.
//!
//! ```text
//! field       = field-name ":" unstructured CRLF
//! field-name  = 1*ftext
//! ftext       = %d33-57 / %d59-126   ; printable US-ASCII except ":"
//! obs-optional = field-name *WSP ":" unstructured CRLF   ; RFC 5322 §4.5.8
//! ```
//!
//! A field is one line plus the continuation lines that follow it (lines that
//! begin with a space or a tab: RFC 5322 §2.2.3 folding). Line endings may be
//! CRLF or a bare LF; both are kept as they were, so DKIM can canonicalize and
//! S/MIME can hash the exact bytes. The header section ends at the first empty
//! line; the body starts after that line's ending.
//!
//! Lines that are neither a field nor a continuation (no colon, a name with a
//! space or a control character, a continuation before any field) are not
//! dropped silently: they are listed in [`HeaderBlock::malformed`] with their
//! position, and the parser moves on to the next line.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use crate::error::{LimitKind, MessageError};
use crate::limits::Limits;

/// One header field: name, colon, value and its line ending, as they arrived.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HeaderField<'a> {
    raw: &'a [u8],
    offset: usize,
    name_len: usize,
    value_start: usize,
    value_end: usize,
}

impl<'a> HeaderField<'a> {
    /// The field name as written (without any white space before the colon).
    pub fn name(&self) -> &'a [u8] {
        let name = self.raw.get(..self.name_len).unwrap_or_default();
        trim_wsp_end(name)
    }

    /// The field name as text (field names are printable US-ASCII).
    pub fn name_str(&self) -> &'a str {
        core::str::from_utf8(self.name()).unwrap_or_default()
    }

    /// Whether this field's name is `name`, compared case-insensitively.
    pub fn is(&self, name: &str) -> bool {
        self.name().eq_ignore_ascii_case(name.as_bytes())
    }

    /// The raw value: every byte after the colon up to, not including, the
    /// field's final line ending. Folding line breaks are still in it.
    pub fn value(&self) -> &'a [u8] {
        self.raw
            .get(self.value_start..self.value_end)
            .unwrap_or_default()
    }

    /// The value with folding undone (RFC 5322 §2.2.3: every line break that
    /// is followed by white space is removed; the white space stays).
    pub fn unfolded_value(&self) -> Cow<'a, [u8]> {
        unfold(self.value())
    }

    /// The whole field: name, colon, value and the final line ending (absent
    /// only when the input ended inside the field).
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The field's final line ending (`b"\r\n"`, `b"\n"` or empty at end of input).
    pub fn line_ending(&self) -> &'a [u8] {
        self.raw.get(self.value_end..).unwrap_or_default()
    }

    /// Position of the field's first byte in the parsed input.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The byte range of the whole field in the parsed input.
    pub fn range(&self) -> Range<usize> {
        self.offset..self.offset.saturating_add(self.raw.len())
    }

    /// The byte range of the raw value in the parsed input.
    pub fn value_range(&self) -> Range<usize> {
        self.offset.saturating_add(self.value_start)..self.offset.saturating_add(self.value_end)
    }
}

impl core::fmt::Debug for HeaderField<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HeaderField")
            .field("name", &String::from_utf8_lossy(self.name()))
            .field("value", &String::from_utf8_lossy(self.value()))
            .field("offset", &self.offset)
            .finish()
    }
}

/// Why a line of the header section is not a header field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedKind {
    /// A line with no colon (an mbox `From ` line, stray text).
    NoColon,
    /// A field name that is empty or holds a byte outside printable US-ASCII.
    BadName,
    /// A line that begins with white space but follows no field.
    OrphanContinuation,
}

/// A line of the header section that is not part of any field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MalformedLine {
    /// What is wrong with it.
    pub kind: MalformedKind,
    /// Its byte range in the input, line ending included.
    pub range: Range<usize>,
}

/// The header section of a message or MIME entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderBlock<'a> {
    fields: Vec<HeaderField<'a>>,
    malformed: Vec<MalformedLine>,
    body_offset: usize,
    separator: Range<usize>,
}

impl<'a> HeaderBlock<'a> {
    /// Splits `input` into its header fields and finds where the body begins.
    ///
    /// Never fails on odd content (see [`HeaderBlock::malformed`]); fails only
    /// when a limit of `limits` is exceeded.
    pub fn parse(input: &'a [u8], limits: &Limits) -> Result<Self, MessageError> {
        let mut fields: Vec<HeaderField<'a>> = Vec::new();
        let mut malformed = Vec::new();
        let mut pos = 0usize;
        // The field being built: (start, name_len, value_start).
        let mut open: Option<(usize, usize, usize)> = None;
        let mut separator = input.len()..input.len();

        while pos < input.len() {
            if pos > limits.max_header_bytes {
                return Err(MessageError::Limit {
                    kind: LimitKind::HeaderBytes,
                    offset: pos,
                });
            }
            let (line_end, next) = line_bounds(input, pos);
            let line = input.get(pos..line_end).unwrap_or_default();
            if line.is_empty() {
                // The empty line that ends the header section.
                separator = pos..next;
                if let Some(f) = open.take() {
                    push_field(&mut fields, input, f, pos, limits)?;
                }
                pos = next;
                break;
            }
            let first = line.first().copied().unwrap_or_default();
            if first == b' ' || first == b'\t' {
                if open.is_none() {
                    malformed.push(MalformedLine {
                        kind: MalformedKind::OrphanContinuation,
                        range: pos..next,
                    });
                    push_malformed_limit(&malformed, limits, pos)?;
                }
                pos = next;
                continue;
            }
            if let Some(f) = open.take() {
                push_field(&mut fields, input, f, pos, limits)?;
            }
            match classify_line(line) {
                Ok((name_len, colon)) => {
                    open = Some((pos, name_len, colon.saturating_add(1)));
                }
                Err(kind) => {
                    malformed.push(MalformedLine {
                        kind,
                        range: pos..next,
                    });
                    push_malformed_limit(&malformed, limits, pos)?;
                }
            }
            pos = next;
        }
        if let Some(f) = open.take() {
            push_field(&mut fields, input, f, pos, limits)?;
        }
        if pos > limits.max_header_bytes {
            return Err(MessageError::Limit {
                kind: LimitKind::HeaderBytes,
                offset: pos,
            });
        }
        let body_offset = if separator.is_empty() {
            input.len()
        } else {
            pos
        };
        Ok(HeaderBlock {
            fields,
            malformed,
            body_offset,
            separator,
        })
    }

    /// Every field, in the order it appears.
    pub fn fields(&self) -> &[HeaderField<'a>] {
        &self.fields
    }

    /// The fields named `name` (case-insensitive), top to bottom.
    pub fn get_all<'s>(
        &'s self,
        name: &'s str,
    ) -> impl DoubleEndedIterator<Item = &'s HeaderField<'a>> + 's {
        self.fields.iter().filter(move |f| f.is(name))
    }

    /// The first field named `name`, if any.
    pub fn get(&self, name: &str) -> Option<&HeaderField<'a>> {
        self.fields.iter().find(|f| f.is(name))
    }

    /// How many fields are named `name`.
    pub fn count(&self, name: &str) -> usize {
        self.fields.iter().filter(|f| f.is(name)).count()
    }

    /// Lines of the header section that belong to no field.
    pub fn malformed(&self) -> &[MalformedLine] {
        &self.malformed
    }

    /// Where the body begins: after the empty line, or the input's length
    /// when there is no empty line.
    pub fn body_offset(&self) -> usize {
        self.body_offset
    }

    /// The empty line that ends the header section (`\r\n` or `\n`); an empty
    /// range at the end of the input when the section never ended.
    pub fn separator(&self) -> Range<usize> {
        self.separator.clone()
    }

    /// Whether the header section was closed by an empty line.
    pub fn has_separator(&self) -> bool {
        !self.separator.is_empty()
    }
}

/// Finds the end of the header section in the bytes seen so far: the offset
/// where the body begins, or `None` while no empty line has arrived yet.
///
/// Streaming callers (DKIM reads the header block, then the body in chunks)
/// buffer until this returns `Some` and parse only that prefix.
pub fn find_body_offset(input: &[u8]) -> Option<usize> {
    if input.starts_with(b"\n") {
        return Some(1);
    }
    if input.starts_with(b"\r\n") {
        return Some(2);
    }
    let mut from = 0usize;
    while let Some(i) = memchr(b'\n', input.get(from..)?) {
        let nl = from.saturating_add(i);
        let next = nl.saturating_add(1);
        let rest = input.get(next..)?;
        if rest.starts_with(b"\n") {
            return Some(next.saturating_add(1));
        }
        if rest.starts_with(b"\r\n") {
            return Some(next.saturating_add(2));
        }
        from = next;
    }
    None
}

/// Undoes RFC 5322 folding: removes every CR LF or LF that is followed by a
/// space or tab. Borrows when there is nothing to undo.
pub fn unfold(value: &[u8]) -> Cow<'_, [u8]> {
    if !value.contains(&b'\n') {
        return Cow::Borrowed(value);
    }
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0usize;
    while let Some(&b) = value.get(i) {
        if b == b'\r' && value.get(i.saturating_add(1)) == Some(&b'\n') {
            i = i.saturating_add(1);
            continue;
        }
        if b != b'\n' {
            out.push(b);
        }
        i = i.saturating_add(1);
    }
    Cow::Owned(out)
}

/// The end of the line's content (before CR LF or LF) and the start of the next line.
fn line_bounds(input: &[u8], pos: usize) -> (usize, usize) {
    let rest = input.get(pos..).unwrap_or_default();
    match memchr(b'\n', rest) {
        Some(i) => {
            let nl = pos.saturating_add(i);
            let end = if i > 0 && input.get(nl.saturating_sub(1)) == Some(&b'\r') {
                nl.saturating_sub(1)
            } else {
                nl
            };
            (end, nl.saturating_add(1))
        }
        None => (input.len(), input.len()),
    }
}

/// `(name length, colon index)` of a field's first line, or why it is not one.
fn classify_line(line: &[u8]) -> Result<(usize, usize), MalformedKind> {
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or(MalformedKind::NoColon)?;
    let name_area = line.get(..colon).unwrap_or_default();
    let name = trim_wsp_end(name_area);
    if name.is_empty() || !name.iter().all(|&b| (33..=126).contains(&b)) {
        return Err(MalformedKind::BadName);
    }
    Ok((colon, colon))
}

fn push_field<'a>(
    fields: &mut Vec<HeaderField<'a>>,
    input: &'a [u8],
    (start, name_len, value_start): (usize, usize, usize),
    end: usize,
    limits: &Limits,
) -> Result<(), MessageError> {
    if fields.len() >= limits.max_header_fields {
        return Err(MessageError::Limit {
            kind: LimitKind::HeaderFields,
            offset: start,
        });
    }
    let raw = input.get(start..end).unwrap_or_default();
    let value_end = if raw.ends_with(b"\r\n") {
        raw.len().saturating_sub(2)
    } else if raw.ends_with(b"\n") {
        raw.len().saturating_sub(1)
    } else {
        raw.len()
    };
    fields.push(HeaderField {
        raw,
        offset: start,
        name_len,
        value_start: value_start.min(value_end),
        value_end,
    });
    Ok(())
}

fn push_malformed_limit(
    malformed: &[MalformedLine],
    limits: &Limits,
    offset: usize,
) -> Result<(), MessageError> {
    if malformed.len() > limits.max_header_fields {
        return Err(MessageError::Limit {
            kind: LimitKind::HeaderFields,
            offset,
        });
    }
    Ok(())
}

fn trim_wsp_end(s: &[u8]) -> &[u8] {
    let end = s
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(0, |i| i.saturating_add(1));
    s.get(..end).unwrap_or_default()
}

pub(crate) fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn parse(input: &[u8]) -> HeaderBlock<'_> {
        HeaderBlock::parse(input, &Limits::default()).unwrap()
    }

    #[test]
    fn crlf_fields_and_body() {
        let m = b"From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n";
        let h = parse(m);
        assert_eq!(h.fields().len(), 2);
        assert_eq!(h.fields()[0].name(), b"From");
        assert_eq!(h.fields()[0].value(), b" a@example.com");
        assert_eq!(h.fields()[0].raw(), b"From: a@example.com\r\n");
        assert_eq!(h.fields()[0].line_ending(), b"\r\n");
        assert_eq!(h.fields()[1].offset(), 21);
        assert_eq!(&m[h.body_offset()..], b"body\r\n");
        assert_eq!(h.separator(), 34..36);
        assert!(h.has_separator());
    }

    #[test]
    fn lf_and_folding() {
        let m = b"Subject: one\n two\n\tthree\nTo: x\n\nbody";
        let h = parse(m);
        assert_eq!(h.fields().len(), 2);
        let s = &h.fields()[0];
        assert_eq!(s.value(), b" one\n two\n\tthree");
        assert_eq!(&*s.unfolded_value(), b" one two\tthree");
        assert_eq!(s.raw(), b"Subject: one\n two\n\tthree\n");
        assert_eq!(&m[h.body_offset()..], b"body");
    }

    #[test]
    fn repeated_fields_in_order() {
        let h = parse(b"Received: a\r\nReceived: b\r\nreceived: c\r\n\r\n");
        let v: Vec<_> = h.get_all("RECEIVED").map(|f| f.value()).collect();
        assert_eq!(v, vec![&b" a"[..], b" b", b" c"]);
        let last: Vec<_> = h.get_all("received").rev().map(|f| f.value()).collect();
        assert_eq!(last[0], b" c");
        assert_eq!(h.count("Received"), 3);
    }

    #[test]
    fn space_before_colon_is_obsolete_but_accepted() {
        let h = parse(b"Subject : x\r\n\r\n");
        assert_eq!(h.fields()[0].name(), b"Subject");
        assert_eq!(h.fields()[0].value(), b" x");
    }

    #[test]
    fn no_separator_and_no_final_newline() {
        let m = b"A: 1\r\nB: 2";
        let h = parse(m);
        assert_eq!(h.fields().len(), 2);
        assert_eq!(h.fields()[1].raw(), b"B: 2");
        assert_eq!(h.fields()[1].line_ending(), b"");
        assert_eq!(h.body_offset(), m.len());
        assert!(!h.has_separator());
    }

    #[test]
    fn empty_header_section() {
        let h = parse(b"\r\nbody");
        assert!(h.fields().is_empty());
        assert_eq!(h.body_offset(), 2);
    }

    #[test]
    fn malformed_lines_are_reported_not_fields() {
        let m = b" orphan\r\nFrom mbox line\r\nBad Name: x\r\n: empty\r\nOk: y\r\n\r\n";
        let h = parse(m);
        assert_eq!(h.fields().len(), 1);
        assert_eq!(h.fields()[0].name(), b"Ok");
        let kinds: Vec<_> = h.malformed().iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            vec![
                MalformedKind::OrphanContinuation,
                MalformedKind::NoColon,
                MalformedKind::BadName,
                MalformedKind::BadName
            ]
        );
        assert_eq!(h.malformed()[1].range, 9..25);
    }

    #[test]
    fn bare_cr_is_content() {
        let h = parse(b"A: x\ry\r\n\r\n");
        assert_eq!(h.fields()[0].value(), b" x\ry");
    }

    #[test]
    fn limits_are_enforced() {
        let limits = Limits {
            max_header_fields: 2,
            ..Limits::default()
        };
        let err = HeaderBlock::parse(b"A: 1\nB: 2\nC: 3\n\n", &limits).unwrap_err();
        assert!(matches!(
            err,
            MessageError::Limit {
                kind: LimitKind::HeaderFields,
                ..
            }
        ));
        let limits = Limits {
            max_header_bytes: 8,
            ..Limits::default()
        };
        let err = HeaderBlock::parse(b"A: 1\nB: 2\nC: 3\n\n", &limits).unwrap_err();
        assert!(matches!(
            err,
            MessageError::Limit {
                kind: LimitKind::HeaderBytes,
                ..
            }
        ));
    }

    #[test]
    fn find_body_offset_streaming() {
        assert_eq!(find_body_offset(b"A: 1\r\nB: 2\r\n"), None);
        assert_eq!(find_body_offset(b"A: 1\r\nB: 2\r\n\r\nxyz"), Some(14));
        assert_eq!(find_body_offset(b"A: 1\n\nxyz"), Some(6));
        assert_eq!(find_body_offset(b"\r\nxyz"), Some(2));
        assert_eq!(find_body_offset(b"A: 1\r\n\r"), None);
    }

    proptest::proptest! {
        #[test]
        fn fields_and_malformed_and_body_cover_the_input(input in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let h = HeaderBlock::parse(&input, &Limits::default()).unwrap();
            // Every byte before the body belongs to exactly one field, one
            // malformed line or the separator, in order.
            let mut ranges: Vec<Range<usize>> = h.fields().iter().map(|f| f.range()).collect();
            ranges.extend(h.malformed().iter().map(|m| m.range.clone()));
            if h.has_separator() { ranges.push(h.separator()); }
            ranges.sort_by_key(|r| r.start);
            let mut at = 0;
            for r in &ranges {
                proptest::prop_assert_eq!(r.start, at);
                at = r.end;
            }
            proptest::prop_assert_eq!(at, h.body_offset());
            for f in h.fields() {
                proptest::prop_assert_eq!(&input[f.range()], f.raw());
                proptest::prop_assert_eq!(&input[f.value_range()], f.value());
            }
        }

        #[test]
        fn find_body_offset_agrees_with_parse(input in proptest::collection::vec(proptest::sample::select(vec![b'a', b':', b' ', b'\r', b'\n']), 0..200)) {
            let h = HeaderBlock::parse(&input, &Limits::default()).unwrap();
            let found = find_body_offset(&input);
            if h.has_separator() {
                proptest::prop_assert_eq!(found, Some(h.body_offset()));
            } else {
                proptest::prop_assert_eq!(found, None);
            }
        }
    }
}
