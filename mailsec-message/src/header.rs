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
//! S/MIME can hash the exact bytes.
//!
//! # Where the header section ends
//!
//! The header section ends at the first line that is not part of a header
//! field, the rule of CPython's `email` package (and of the mail clients that
//! show the message): a verifier that read fields past that point would see a
//! From field that the reader never sees.
//!
//! - An empty line ends it; the body starts after that line's ending
//!   ([`HeaderBlock::separator`] is the empty line).
//! - A line with no colon, or whose name (the text before the colon, trailing
//!   spaces and tabs removed) holds a byte outside 33..=126, ends it too: that
//!   line is the first line of the body. It is listed in
//!   [`HeaderBlock::malformed`] (and given by [`HeaderBlock::non_header_line`]),
//!   [`HeaderBlock::body_offset`] is its start and [`HeaderBlock::separator`]
//!   is the empty range there. So `Subject: x\r\njunk\r\nFrom: a@b\r\n\r\n`
//!   has one field, and its body starts at `junk`.
//! - Otherwise the input ends the header section (no body).
//!
//! Three kinds of line are skipped instead, as CPython skips them: each is
//! listed in [`HeaderBlock::malformed`] and parsing goes on with the next line.
//!
//! - An mbox `From ` line (starting with the five bytes `From `) as the very
//!   first line ([`MalformedKind::NoColon`]). Later in the section such a line
//!   ends the section like any other line that is not a field (CPython skips
//!   it there too; ending the section shows fewer fields, never more).
//! - A line that starts with a colon: a field with an empty name
//!   ([`MalformedKind::BadName`]).
//! - A line that begins with white space but follows no field (at the start,
//!   or after one of the skipped lines above):
//!   [`MalformedKind::OrphanContinuation`].
//!
//! The obsolete form with white space between the name and the colon
//! (`Subject : x`, RFC 5322 §4.5.8) is accepted as a field; CPython ends the
//! header section there instead.

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
    /// A line with no colon (stray text: it ends the header section), or an
    /// mbox `From ` line at the very start (skipped, colon or not).
    NoColon,
    /// A field name that holds a byte outside printable US-ASCII (the line
    /// ends the header section), or that is empty: a line that starts with
    /// a colon (skipped).
    BadName,
    /// A line that begins with white space but follows no field (skipped).
    OrphanContinuation,
}

/// A line that is not part of any field: skipped inside the header section,
/// or the non-header line that ended it.
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
    /// The header section ends, as in CPython's `email` package and the mail
    /// clients that show the message, at the first line that is not part of
    /// a field:
    ///
    /// - an empty line (the [separator](HeaderBlock::separator)); the body
    ///   starts after it;
    /// - a line with no colon, or whose name (before the colon, trailing
    ///   spaces and tabs removed) holds a byte outside 33..=126: it is the
    ///   body's first line, listed in [`HeaderBlock::malformed`] and given by
    ///   [`HeaderBlock::non_header_line`]; [`HeaderBlock::body_offset`] is its
    ///   start and the separator is the empty range there. So
    ///   `Subject: x\r\njunk\r\nFrom: a@b\r\n\r\n` has no From field;
    /// - otherwise the end of the input.
    ///
    /// Skipped (listed in [`HeaderBlock::malformed`], parsing goes on, as in
    /// CPython): an mbox `From ` line as the very first line
    /// ([`MalformedKind::NoColon`]); a line that starts with a colon
    /// ([`MalformedKind::BadName`]); a line that begins with white space but
    /// follows no field ([`MalformedKind::OrphanContinuation`]). A `From `
    /// line anywhere else ends the section. The obsolete `Name WSP :` form
    /// (RFC 5322 §4.5.8) is a field (CPython ends the section there).
    ///
    /// Never fails on odd content; fails only when a limit of `limits` is
    /// exceeded.
    pub fn parse(input: &'a [u8], limits: &Limits) -> Result<Self, MessageError> {
        let mut fields: Vec<HeaderField<'a>> = Vec::new();
        let mut malformed = Vec::new();
        let mut pos = 0usize;
        // The field being built: (start, name_len, value_start).
        let mut open: Option<(usize, usize, usize)> = None;
        // Where the body starts and the empty line before it (empty when the
        // section ends at a non-header line or at the end of the input).
        let mut end: Option<(usize, Range<usize>)> = None;

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
                if let Some(f) = open.take() {
                    push_field(&mut fields, input, f, pos, limits)?;
                }
                end = Some((next, pos..next));
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
            let skipped = if pos == 0 && line.starts_with(b"From ") {
                // An mbox envelope line.
                Some(MalformedKind::NoColon)
            } else {
                match classify_line(line) {
                    Line::Field(colon) => {
                        open = Some((pos, colon, colon.saturating_add(1)));
                        None
                    }
                    Line::EmptyName => Some(MalformedKind::BadName),
                    Line::NotAField(kind) => {
                        // The first line of the body.
                        malformed.push(MalformedLine {
                            kind,
                            range: pos..next,
                        });
                        end = Some((pos, pos..pos));
                        break;
                    }
                }
            };
            if let Some(kind) = skipped {
                malformed.push(MalformedLine {
                    kind,
                    range: pos..next,
                });
                push_malformed_limit(&malformed, limits, pos)?;
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
        let (body_offset, separator) = end.unwrap_or((input.len(), input.len()..input.len()));
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

    /// Lines that belong to no field, in order: the lines that were skipped
    /// (an mbox `From ` first line, lines with an empty name, orphan
    /// continuation lines) and, last, the non-header line that ended the
    /// section, if one did (see [`HeaderBlock::non_header_line`]).
    pub fn malformed(&self) -> &[MalformedLine] {
        &self.malformed
    }

    /// The line that ended the header section because it is not a header
    /// field (no colon, or a bad byte in the name), when one did. It is the
    /// last entry of [`HeaderBlock::malformed`], it starts at
    /// [`HeaderBlock::body_offset`], and it is the first line of the body.
    pub fn non_header_line(&self) -> Option<&MalformedLine> {
        self.malformed
            .last()
            .filter(|m| m.range.start == self.body_offset && !m.range.is_empty())
    }

    /// Where the body begins: after the empty line; at the start of the
    /// non-header line that ended the section; or the input's length when
    /// the input ended first.
    pub fn body_offset(&self) -> usize {
        self.body_offset
    }

    /// The empty line that ends the header section (`\r\n` or `\n`); when
    /// no empty line ended it, the empty range at [`HeaderBlock::body_offset`]
    /// (the start of the non-header line that ended it, or the end of the
    /// input).
    pub fn separator(&self) -> Range<usize> {
        self.separator.clone()
    }

    /// Whether the header section was closed by an empty line.
    pub fn has_separator(&self) -> bool {
        !self.separator.is_empty()
    }
}

/// Finds the first empty line in the bytes seen so far: the offset just
/// after it, or `None` while no empty line has arrived yet.
///
/// For streaming callers (DKIM reads the header block, then the body in
/// chunks). [`HeaderBlock::parse`] ends the header section at the first empty
/// line *or earlier*, at the first line that is not a header field, so the
/// offset returned here is never before the real end of the header section,
/// but may be after it. A streaming caller:
///
/// 1. buffers until this returns `Some(n)` (or the input ends);
/// 2. parses `buffer[..n]` with [`HeaderBlock::parse`] (the result is the
///    same as for the whole message: only lines before `n` decide it);
/// 3. takes the body from [`HeaderBlock::body_offset`], which is `n` when
///    [`HeaderBlock::has_separator`] and less otherwise: `buffer[body_offset..]`
///    is then the start of the body, not part of the header.
///
/// A caller that must not buffer a long body while waiting for an empty line
/// can also run [`HeaderBlock::parse`] on the complete lines seen so far:
/// once it reports [`HeaderBlock::non_header_line`], the header section has
/// ended there.
pub fn find_body_offset(input: &[u8]) -> Option<usize> {
    find_body_offset_after(input, 0)
}

/// [`find_body_offset`] for a buffer that grows: `searched` is the length
/// the buffer had at the previous call, which returned `None`. Only the new
/// bytes (and the two before them) are looked at, so a header section that
/// arrives a few bytes at a time costs linear time, not quadratic. The
/// result is the one [`find_body_offset`] gives on the whole buffer.
pub fn find_body_offset_after(input: &[u8], searched: usize) -> Option<usize> {
    if input.starts_with(b"\n") {
        return Some(1);
    }
    if input.starts_with(b"\r\n") {
        return Some(2);
    }
    // A line break before `searched - 2` had its next two bytes in the
    // buffer already, and was not followed by an empty line.
    let mut from = searched.saturating_sub(2);
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

/// Undoes RFC 5322 folding (§2.2.3): removes every CR LF or bare LF that is
/// followed by a space or tab; the white space stays. Any other line break
/// is kept as it is. Borrows when there is nothing to undo.
pub fn unfold(value: &[u8]) -> Cow<'_, [u8]> {
    let folds = |i: usize| -> Option<usize> {
        // The length of a folding line break at `i`, if there is one.
        let len = match (value.get(i), value.get(i.saturating_add(1))) {
            (Some(b'\r'), Some(b'\n')) => 2,
            (Some(b'\n'), _) => 1,
            _ => return None,
        };
        matches!(value.get(i.saturating_add(len)), Some(b' ' | b'\t')).then_some(len)
    };
    let Some(first) = (0..value.len()).find(|&i| folds(i).is_some()) else {
        return Cow::Borrowed(value);
    };
    let mut out = Vec::with_capacity(value.len());
    out.extend_from_slice(value.get(..first).unwrap_or_default());
    let mut i = first;
    while let Some(&b) = value.get(i) {
        match folds(i) {
            Some(len) => i = i.saturating_add(len),
            None => {
                out.push(b);
                i = i.saturating_add(1);
            }
        }
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

/// What the first line of a field (a line that does not begin with white
/// space) is.
enum Line {
    /// A field line; the colon's index (the name is before it).
    Field(usize),
    /// A line that starts with a colon: skipped.
    EmptyName,
    /// Not a field line: the header section ends here.
    NotAField(MalformedKind),
}

fn classify_line(line: &[u8]) -> Line {
    let Some(colon) = memchr(b':', line) else {
        return Line::NotAField(MalformedKind::NoColon);
    };
    if colon == 0 {
        return Line::EmptyName;
    }
    let name = trim_wsp_end(line.get(..colon).unwrap_or_default());
    if name.is_empty() || !name.iter().all(|&b| (33..=126).contains(&b)) {
        return Line::NotAField(MalformedKind::BadName);
    }
    Line::Field(colon)
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

/// `s` without its trailing spaces and tabs.
pub(crate) fn trim_wsp_end(s: &[u8]) -> &[u8] {
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
        // Skipped: an mbox line first, an empty name, orphan continuations.
        let m = b"From mbox line\r\n orphan\r\n: empty\r\n\tcont\r\nOk: y\r\nBad Name: x\r\nLate: z\r\n\r\n";
        let h = parse(m);
        assert_eq!(h.fields().len(), 1);
        assert_eq!(h.fields()[0].name(), b"Ok");
        let kinds: Vec<_> = h.malformed().iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            vec![
                MalformedKind::NoColon,
                MalformedKind::OrphanContinuation,
                MalformedKind::BadName,
                MalformedKind::OrphanContinuation,
                MalformedKind::BadName,
            ]
        );
        assert_eq!(h.malformed()[0].range, 0..16);
        // `Bad Name: x` ends the header section: it is the body's first line.
        let bad = m.windows(3).position(|w| w == b"Bad").unwrap();
        assert_eq!(h.body_offset(), bad);
        assert_eq!(h.malformed()[4].range, bad..bad + 13);
        assert_eq!(h.non_header_line(), h.malformed().last());
        assert_eq!(h.separator(), bad..bad);
        assert!(!h.has_separator());
        assert!(h.get("late").is_none());
    }

    #[test]
    fn non_header_line_ends_the_header_section() {
        let m = b"Subject: x\r\njunk\r\nFrom: a@evil.example\r\n\r\nbody";
        let h = parse(m);
        assert_eq!(h.fields().len(), 1);
        assert_eq!(h.fields()[0].raw(), b"Subject: x\r\n");
        assert!(h.get("from").is_none());
        assert_eq!(h.body_offset(), 12);
        assert_eq!(
            &m[h.body_offset()..],
            b"junk\r\nFrom: a@evil.example\r\n\r\nbody"
        );
        assert_eq!(h.separator(), 12..12);
        assert!(!h.has_separator());
        assert_eq!(
            h.non_header_line(),
            Some(&MalformedLine {
                kind: MalformedKind::NoColon,
                range: 12..18
            })
        );
        // Bare LF, and a first line that is not a field: no header at all.
        let h = parse(b"just text\nA: 1\n\n");
        assert!(h.fields().is_empty());
        assert_eq!(h.body_offset(), 0);
        assert_eq!(h.separator(), 0..0);
        // A non-header last line without a line ending.
        let h = parse(b"A: 1\nxyz");
        assert_eq!(h.body_offset(), 5);
        assert_eq!(h.non_header_line().unwrap().range, 5..8);
        // Ended by the input or an empty line: no non-header line.
        assert_eq!(parse(b"A: 1\n").non_header_line(), None);
        assert_eq!(parse(b"From x\n").non_header_line(), None);
        assert_eq!(parse(b"A: 1\n\nxyz").non_header_line(), None);
    }

    #[test]
    fn bad_name_ends_the_header_section() {
        for line in [
            &b"Bad Name: x"[..],
            b"A\x01: x",
            b"R\xc3\xa9: x",
            b"A\x7f: x",
        ] {
            let mut m = b"Subject: x\r\n".to_vec();
            m.extend_from_slice(line);
            m.extend_from_slice(b"\r\nFrom: a@evil.example\r\n\r\n");
            let h = parse(&m);
            assert_eq!(h.fields().len(), 1, "{line:?}");
            assert_eq!(h.body_offset(), 12);
            assert_eq!(h.malformed().len(), 1);
            assert_eq!(h.malformed()[0].kind, MalformedKind::BadName);
            assert_eq!(h.malformed()[0].range, 12..14 + line.len());
        }
    }

    #[test]
    fn mbox_from_line_first_is_skipped() {
        let m = b"From alice@example.com Mon Jan  1 00:00:00 2024\nFrom: a@example.com\n\nbody";
        let h = parse(m);
        assert_eq!(h.fields().len(), 1);
        assert_eq!(h.fields()[0].name(), b"From");
        assert_eq!(h.malformed().len(), 1);
        assert_eq!(h.malformed()[0].kind, MalformedKind::NoColon);
        assert_eq!(h.malformed()[0].range, 0..48);
        assert_eq!(&m[h.body_offset()..], b"body");
        assert!(h.has_separator());
        // Anywhere else it ends the header section.
        let m = b"Subject: x\nFrom alice@example.com\nFrom: a@example.com\n\n";
        let h = parse(m);
        assert_eq!(h.fields().len(), 1);
        assert_eq!(h.body_offset(), 11);
        // Its continuation lines have no field to belong to.
        let h = parse(b"From x\n y\nA: 1\n\n");
        let kinds: Vec<_> = h.malformed().iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            vec![MalformedKind::NoColon, MalformedKind::OrphanContinuation]
        );
        assert_eq!(h.fields()[0].name(), b"A");
    }

    #[test]
    fn empty_name_line_is_skipped() {
        let h = parse(b"A: 1\r\n: empty\r\n folded\r\nB: 2\r\n\r\n");
        let names: Vec<_> = h.fields().iter().map(|f| f.name()).collect();
        assert_eq!(names, vec![&b"A"[..], b"B"]);
        // The field before it ends before it; its continuation is an orphan.
        assert_eq!(h.fields()[0].raw(), b"A: 1\r\n");
        let kinds: Vec<_> = h.malformed().iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            vec![MalformedKind::BadName, MalformedKind::OrphanContinuation]
        );
        assert_eq!(h.malformed()[0].range, 6..15);
        assert!(h.has_separator());
    }

    #[test]
    fn orphan_continuation_is_skipped() {
        let h = parse(b" orphan\r\n\tmore\r\nA: 1\r\n\r\n");
        assert_eq!(h.fields().len(), 1);
        assert_eq!(h.fields()[0].offset(), 16);
        assert_eq!(h.malformed().len(), 2);
        assert!(
            h.malformed()
                .iter()
                .all(|m| m.kind == MalformedKind::OrphanContinuation)
        );
        assert!(h.has_separator());
    }

    #[test]
    fn many_non_header_lines_do_not_hit_the_field_limit() {
        let limits = Limits {
            max_header_fields: 2,
            ..Limits::default()
        };
        let mut m = b"Content-Type: text/plain\r\n".to_vec();
        for _ in 0..100 {
            m.extend_from_slice(b"a line of text\r\n");
        }
        let h = HeaderBlock::parse(&m, &limits).unwrap();
        assert_eq!(h.fields().len(), 1);
        assert_eq!(h.malformed().len(), 1);
        assert_eq!(h.body_offset(), 26);
    }

    #[test]
    fn unfold_keeps_line_breaks_without_white_space() {
        assert_eq!(&*unfold(b"a\r\nb"), b"a\r\nb");
        assert_eq!(&*unfold(b"a\nb"), b"a\nb");
        assert!(matches!(unfold(b"a\r\nb\n"), Cow::Borrowed(_)));
        assert_eq!(&*unfold(b"a\r\n b\nc\n\td\r\n"), b"a b\nc\td\r\n");
        assert_eq!(&*unfold(b"a\r \r\n\r\n x"), b"a\r \r\n x");
        assert_eq!(&*unfold(b"\n \n"), b" \n");
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

    #[test]
    fn find_body_offset_is_never_before_the_header_end() {
        // The header section ends at `junk`; the first empty line comes later.
        let m = b"Subject: x\r\njunk\r\nFrom: a@evil.example\r\n\r\nbody";
        let n = find_body_offset(m).unwrap();
        assert_eq!(n, m.len() - 4);
        let prefix = parse(&m[..n]);
        let whole = parse(m);
        assert_eq!(prefix, whole);
        assert_eq!(whole.body_offset(), 12);
        assert!(whole.body_offset() <= n);
    }

    /// Where each kind of skipped line may be.
    fn check_skipped(input: &[u8], m: &MalformedLine) -> bool {
        let line = &input[m.range.clone()];
        match m.kind {
            MalformedKind::NoColon => m.range.start == 0 && line.starts_with(b"From "),
            MalformedKind::BadName => line.starts_with(b":"),
            MalformedKind::OrphanContinuation => line.starts_with(b" ") || line.starts_with(b"\t"),
        }
    }

    proptest::proptest! {
        #[test]
        fn fields_and_malformed_and_body_cover_the_input(input in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let h = HeaderBlock::parse(&input, &Limits::default()).unwrap();
            // Every byte before the body belongs to exactly one field, one
            // skipped malformed line or the separator, in order; the line
            // that ended the section, if any, starts the body.
            let ending = h.non_header_line().cloned();
            let skipped = match ending {
                Some(_) => &h.malformed()[..h.malformed().len() - 1],
                None => h.malformed(),
            };
            let mut ranges: Vec<Range<usize>> = h.fields().iter().map(|f| f.range()).collect();
            ranges.extend(skipped.iter().map(|m| m.range.clone()));
            if h.has_separator() { ranges.push(h.separator()); }
            ranges.sort_by_key(|r| r.start);
            let mut at = 0;
            for r in &ranges {
                proptest::prop_assert_eq!(r.start, at);
                at = r.end;
            }
            proptest::prop_assert_eq!(at, h.body_offset());
            proptest::prop_assert_eq!(h.separator().start, h.body_offset() - h.separator().len());
            for m in skipped {
                proptest::prop_assert!(check_skipped(&input, m), "{:?}", m);
            }
            match &ending {
                Some(e) => {
                    proptest::prop_assert!(!h.has_separator());
                    proptest::prop_assert_eq!(h.separator(), h.body_offset()..h.body_offset());
                    let line = &input[e.range.clone()];
                    proptest::prop_assert!(!line.starts_with(b" ") && !line.starts_with(b"\t"));
                    proptest::prop_assert!(!line.starts_with(b":"));
                    proptest::prop_assert!(matches!(e.kind, MalformedKind::NoColon | MalformedKind::BadName));
                }
                None => proptest::prop_assert!(h.has_separator() || h.body_offset() == input.len()),
            }
            for f in h.fields() {
                proptest::prop_assert_eq!(&input[f.range()], f.raw());
                proptest::prop_assert_eq!(&input[f.value_range()], f.value());
                proptest::prop_assert!(!f.name().is_empty());
                proptest::prop_assert!(f.name().iter().all(|b| (33..=126).contains(b) && *b != b':'));
            }
        }

        #[test]
        fn find_body_offset_after_growing_agrees_with_the_whole(
            input in proptest::collection::vec(proptest::sample::select(vec![b'a', b':', b'\r', b'\n']), 0..120),
            steps in proptest::collection::vec(1usize..7, 1..40),
        ) {
            // Grow the buffer in the given steps, resuming each search.
            let whole = find_body_offset(&input);
            let mut searched = 0;
            let mut len = 0;
            let mut found = None;
            for step in steps.iter().cycle() {
                len = (len + step).min(input.len());
                found = find_body_offset_after(&input[..len], searched);
                if found.is_some() || len == input.len() {
                    break;
                }
                searched = len;
            }
            let prefix_answer = find_body_offset(&input[..len]);
            proptest::prop_assert_eq!(found, prefix_answer);
            if found.is_none() {
                proptest::prop_assert_eq!(whole, None);
            } else {
                proptest::prop_assert_eq!(found, whole);
            }
        }

        #[test]
        fn find_body_offset_agrees_with_parse(input in proptest::collection::vec(proptest::sample::select(vec![b'a', b':', b' ', b'\r', b'\n']), 0..200)) {
            let h = HeaderBlock::parse(&input, &Limits::default()).unwrap();
            let found = find_body_offset(&input);
            if h.has_separator() {
                proptest::prop_assert_eq!(found, Some(h.body_offset()));
            }
            match found {
                // Never before the end of the header section, and the prefix
                // up to it parses exactly as the whole input does.
                Some(n) => {
                    proptest::prop_assert!(n >= h.body_offset());
                    let prefix = HeaderBlock::parse(&input[..n], &Limits::default()).unwrap();
                    proptest::prop_assert_eq!(prefix, h);
                }
                None => proptest::prop_assert!(!h.has_separator()),
            }
        }
    }
}
