//! MIME entities split with their exact raw bytes and offsets (RFC 2045,
//! RFC 2046 §5.1).
//!
//! [`parse_entity`] splits a message into a tree of [`Entity`] values. Every
//! entity keeps the bytes it was made of, untouched, and every range (entity,
//! header section, body, preamble, delimiters, epilogue) is an absolute offset
//! into the input given to [`parse_entity`]. DKIM hashes body bytes as they
//! arrived; an S/MIME verifier hashes the first part of a `multipart/signed`
//! exactly as it was sent (RFC 8551 §3.5), after [`canonicalize_crlf`] when the
//! message was stored with bare LF line ends.
//!
//! # The multipart grammar (RFC 2046 §5.1.1)
//!
//! ```text
//! boundary := 0*69<bchars> bcharsnospace
//! bchars := bcharsnospace / " "
//! bcharsnospace := DIGIT / ALPHA / "'" / "(" / ")" /
//!                  "+" / "_" / "," / "-" / "." /
//!                  "/" / ":" / "=" / "?"
//! body-part := MIME-part-headers [CRLF *OCTET]
//! close-delimiter := delimiter "--"
//! dash-boundary := "--" boundary
//! delimiter := CRLF dash-boundary
//! discard-text := *(*text CRLF) *text
//! encapsulation := delimiter transport-padding
//!                  CRLF body-part
//! epilogue := discard-text
//! multipart-body := [preamble CRLF]
//!                   dash-boundary transport-padding CRLF
//!                   body-part *encapsulation
//!                   close-delimiter transport-padding
//!                   [CRLF epilogue]
//! preamble := discard-text
//! transport-padding := *LWSP-char
//! ```
//!
//! How this module reads it:
//!
//! - A delimiter line is `--` boundary at the very start of a line, then
//!   optional transport padding (spaces and tabs), then CR LF, a bare LF or the
//!   end of the input. The close delimiter has `--` after the boundary. A line
//!   that starts with `--boundary` and goes on with anything else
//!   (`--boundaryX`) is content.
//! - The line break before a delimiter line belongs to the delimiter (the
//!   `delimiter := CRLF dash-boundary` rule): a part ends before it. The first
//!   delimiter may start the body with no line break before it.
//! - The delimiter ranges reported by [`Multipart::delimiters`] and
//!   [`Multipart::close_delimiter`] run from that line break (when there is
//!   one) to the end of the delimiter line's own line ending, so preamble,
//!   delimiters, parts and epilogue tile the body with no gaps or overlaps.
//! - Trailing spaces and tabs of the boundary parameter are removed before
//!   matching (`boundary="b "` is the boundary `b`), as CPython's `email`
//!   package does (`get_boundary()` strips them) and as RFC 2046 implies: a
//!   boundary may not end in a space (`bcharsnospace`). The stripped white
//!   space is then ordinary transport padding, so `--b \r\n` and `--b\r\n`
//!   are both delimiter lines. Without this, a `multipart/signed` verifier
//!   and a mail client could split the message differently and hash a part
//!   the client does not show. [`Multipart::boundary`] is the stripped value.
//! - Leniency, as real mail needs: bare LF line ends; no close delimiter (the
//!   last part runs to the end of the body, [`Multipart::is_closed`] is false);
//!   no delimiter at all (zero parts, the whole body is preamble); any boundary
//!   of 1 to 200 bytes (after stripping) without CR or LF.
//! - A multipart entity whose boundary is missing, empty, longer than 200
//!   bytes (RFC 2046 allows 70) or holds CR or LF is a
//!   [leaf](EntityKind::Leaf), silently: no error is reported for it
//!   ([`Entity::content_type_error`] is about syntax only). A caller that needs
//!   the parts treats `content_type().is_multipart()` with
//!   `multipart() == None` as a message it cannot read.
//! - A part's header section is read with [`HeaderBlock::parse`]: it ends at
//!   the first empty line or at the first line that is not a header field, so
//!   a part that starts with an empty line or with text has no header fields
//!   (the text is its body, as in CPython). The first Content-Type field
//!   counts; a missing one, or one whose type or subtype cannot be read, means
//!   `text/plain; charset=us-ascii` (RFC 2045 §5.2), or `message/rfc822`
//!   inside a `multipart/digest` (RFC 2046 §5.1.5). A syntax error after the
//!   type and subtype keeps them and the parameters read before the error
//!   (`multipart/mixed; boundary=b; name=foo bar` is still split at `b`, as
//!   CPython splits it); [`Entity::content_type_error`] reports it either way.
//! - `message/rfc822` parts are leaves: the parser does not descend into them.
//!
//! # Bounds
//!
//! The parser uses an explicit stack, not recursion. Each multipart body is
//! scanned once, so the work is linear in the input size per nesting level.
//! [`Limits::max_depth`] bounds the nesting of multipart entities (the top-level
//! multipart is depth 1) and [`Limits::max_parts`] the number of entities, the
//! top one included. The tree's `Drop`, `Clone`, `Debug` and `PartialEq` recurse
//! once per nesting level, which `max_depth` bounds as well.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use core::ops::Range;

use crate::content_type::{ContentType, ContentTypeError, parse_content_type_partial};
use crate::error::{LimitKind, MessageError};
use crate::header::{HeaderBlock, memchr, trim_wsp_end};
use crate::limits::Limits;

/// The longest boundary accepted (RFC 2046 allows 70; real mail is
/// sloppier). A multipart with a longer one is a leaf.
const MAX_BOUNDARY_LEN: usize = 200;

/// One MIME entity: a whole message, or one part of a multipart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity<'a> {
    raw: &'a [u8],
    start: usize,
    header: HeaderBlock<'a>,
    content_type: ContentType,
    content_type_error: Option<ContentTypeError>,
    kind: EntityKind<'a>,
}

/// What an entity holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntityKind<'a> {
    /// A body that is not split further: any non-multipart type (including
    /// `message/rfc822`), or a multipart with no usable boundary (missing,
    /// empty, over 200 bytes, or holding CR or LF; no error is reported).
    Leaf,
    /// A multipart body split into its parts.
    Multipart(Multipart<'a>),
}

/// A multipart body split at its boundary delimiters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Multipart<'a> {
    boundary: Vec<u8>,
    body: &'a [u8],
    body_start: usize,
    preamble: Range<usize>,
    delimiters: Vec<Range<usize>>,
    parts: Vec<Entity<'a>>,
    close_delimiter: Option<Range<usize>>,
    epilogue: Range<usize>,
}

impl<'a> Entity<'a> {
    /// The entity's bytes exactly as they arrived: header section and body.
    /// For a part, this ends before the line break that precedes the next
    /// delimiter.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Where [`Entity::raw`] lies in the input.
    pub fn range(&self) -> Range<usize> {
        self.start..self.start.saturating_add(self.raw.len())
    }

    /// Where the entity starts in the input (`self.range().start`).
    ///
    /// [`Entity::header`] was parsed from [`Entity::raw`], so its offsets are
    /// relative to the entity: a field's absolute offset is
    /// `entity.offset() + field.offset()`.
    pub fn offset(&self) -> usize {
        self.start
    }

    /// The header section. Its offsets (field offsets and ranges, the body
    /// offset, the separator, malformed lines) are relative to
    /// [`Entity::raw`]; add [`Entity::offset`] for positions in the input.
    pub fn header(&self) -> &HeaderBlock<'a> {
        &self.header
    }

    /// Where the header section, with the empty line that ends it, lies in the
    /// input.
    pub fn header_range(&self) -> Range<usize> {
        self.start..self.body_range().start
    }

    /// The body: everything after the empty line that ends the header section
    /// (empty when there is none).
    pub fn body(&self) -> &'a [u8] {
        self.raw
            .get(self.header.body_offset()..)
            .unwrap_or_default()
    }

    /// Where [`Entity::body`] lies in the input.
    pub fn body_range(&self) -> Range<usize> {
        let end = self.range().end;
        self.start
            .saturating_add(self.header.body_offset())
            .min(end)..end
    }

    /// The content type, with the defaults of RFC 2045 §5.2 and RFC 2046
    /// §5.1.5 applied when the field is missing or its type or subtype
    /// cannot be read. After a syntax error in the parameters, the type, the
    /// subtype and the parameters before the error (see
    /// [`Entity::content_type_error`]).
    pub fn content_type(&self) -> &ContentType {
        &self.content_type
    }

    /// Why the entity's Content-Type field could not be parsed, when it could
    /// not. Positions are relative to the field's value.
    ///
    /// When the error is in the type or subtype, the default type is in
    /// effect; when it comes later, [`Entity::content_type`] keeps the type,
    /// the subtype and the parameters read before the error, and a multipart
    /// is still split. A verifier that wants no doubt about a signed
    /// message's structure refuses it when this is `Some`.
    pub fn content_type_error(&self) -> Option<&ContentTypeError> {
        self.content_type_error.as_ref()
    }

    /// Leaf or multipart.
    pub fn kind(&self) -> &EntityKind<'a> {
        &self.kind
    }

    /// The multipart structure, when the entity is a multipart that was split.
    pub fn multipart(&self) -> Option<&Multipart<'a>> {
        match &self.kind {
            EntityKind::Multipart(m) => Some(m),
            EntityKind::Leaf => None,
        }
    }

    /// The parts of a multipart; empty for a leaf.
    pub fn parts(&self) -> &[Entity<'a>] {
        self.multipart()
            .map(|m| m.parts.as_slice())
            .unwrap_or_default()
    }
}

impl<'a> Multipart<'a> {
    /// The boundary the body was split at (without the leading `--`): the
    /// boundary parameter's value without its trailing spaces and tabs.
    pub fn boundary(&self) -> &[u8] {
        &self.boundary
    }

    /// The parts, in order.
    pub fn parts(&self) -> &[Entity<'a>] {
        &self.parts
    }

    /// Where the preamble lies in the input: the body before the first
    /// delimiter, without the line break that belongs to that delimiter. The
    /// whole body when there is no delimiter.
    pub fn preamble(&self) -> Range<usize> {
        self.preamble.clone()
    }

    /// The preamble's bytes.
    pub fn preamble_bytes(&self) -> &'a [u8] {
        self.slice(&self.preamble)
    }

    /// Where each delimiter lies in the input, one per part (delimiter `i`
    /// precedes part `i`): the line break before the delimiter line (absent
    /// only at the start of the body or right after another delimiter line),
    /// the line, and its own line ending (absent at the end of the input).
    pub fn delimiters(&self) -> &[Range<usize>] {
        &self.delimiters
    }

    /// Where the close delimiter lies in the input, measured like
    /// [`Multipart::delimiters`]; `None` when the body has none.
    pub fn close_delimiter(&self) -> Option<Range<usize>> {
        self.close_delimiter.clone()
    }

    /// Whether a close delimiter was seen. Without one, the last part runs
    /// to the end of the body.
    pub fn is_closed(&self) -> bool {
        self.close_delimiter.is_some()
    }

    /// Where the epilogue lies in the input: the body after the close
    /// delimiter's line ending (an empty range at the end of the body when
    /// there is no close delimiter).
    pub fn epilogue(&self) -> Range<usize> {
        self.epilogue.clone()
    }

    /// The epilogue's bytes.
    pub fn epilogue_bytes(&self) -> &'a [u8] {
        self.slice(&self.epilogue)
    }

    fn slice(&self, r: &Range<usize>) -> &'a [u8] {
        let start = r.start.saturating_sub(self.body_start);
        let end = r.end.saturating_sub(self.body_start);
        self.body.get(start..end).unwrap_or_default()
    }
}

/// Parses `input` as a MIME entity (normally a whole message) and splits
/// every multipart in it, nested ones included.
///
/// Fails only when a limit of `limits` is exceeded: a header section too
/// large or with too many fields, multiparts nested deeper than
/// [`Limits::max_depth`], or more than [`Limits::max_parts`] entities.
///
/// How the body is split follows RFC 2046 §5.1.1 as CPython's `email`
/// package reads it: trailing spaces and tabs of the boundary parameter are
/// removed ([`Multipart::boundary`]); delimiter lines may carry transport
/// padding and end in CR LF, LF or the end of the input; the line break
/// before a delimiter line belongs to the delimiter. A multipart whose
/// boundary is missing, empty, over 200 bytes or holds CR or LF is a
/// [leaf](EntityKind::Leaf), with no error. Each header section ends as
/// [`HeaderBlock::parse`] says (at the first non-header line at the latest),
/// and a syntax error after the type and subtype of a Content-Type field
/// keeps them and the parameters before it ([`Entity::content_type_error`]).
///
/// ```
/// use mailsec_message::{Limits, parse_entity};
///
/// let msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n\
///             --b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n";
/// let top = parse_entity(msg, &Limits::default())?;
/// let part = &top.parts()[0];
/// assert_eq!(part.raw(), b"Content-Type: text/plain\r\n\r\nhello");
/// assert_eq!(part.body(), b"hello");
/// assert_eq!(&msg[part.body_range()], b"hello");
/// # Ok::<(), mailsec_message::MessageError>(())
/// ```
pub fn parse_entity<'a>(input: &'a [u8], limits: &Limits) -> Result<Entity<'a>, MessageError> {
    let mut count = 1usize;
    if count > limits.max_parts {
        return Err(MessageError::Limit {
            kind: LimitKind::Parts,
            offset: 0,
        });
    }
    let top = Pending::parse(input, 0..input.len(), false, limits)?;
    let mut current = match open(top, 1, &mut count, limits)? {
        Opened::Leaf(entity) => return Ok(entity),
        Opened::Frame(frame) => frame,
    };
    let mut stack: Vec<Frame<'a>> = Vec::new();
    loop {
        if let Some(range) = current.part_ranges.get(current.next).cloned() {
            current.next = current.next.saturating_add(1);
            let pending = Pending::parse(input, range, current.digest, limits)?;
            // `current` is at depth `stack.len() + 1`.
            let depth = stack.len().saturating_add(2);
            match open(pending, depth, &mut count, limits)? {
                Opened::Leaf(entity) => current.parts.push(entity),
                Opened::Frame(frame) => stack.push(core::mem::replace(&mut current, frame)),
            }
        } else {
            let entity = current.finish();
            match stack.pop() {
                None => return Ok(entity),
                Some(parent) => {
                    current = parent;
                    current.parts.push(entity);
                }
            }
        }
    }
}

/// Converts every bare LF to CR LF, for the canonical form of RFC 8551
/// §3.1.1 (and RFC 5751 before it). Existing CR LF pairs and lone CRs are
/// kept. Borrows when there is no bare LF.
pub fn canonicalize_crlf(input: &[u8]) -> Cow<'_, [u8]> {
    let is_bare = |i: usize| i == 0 || input.get(i.wrapping_sub(1)) != Some(&b'\r');
    let bare_lfs = memchr::memchr_iter(b'\n', input)
        .filter(|&i| is_bare(i))
        .count();
    if bare_lfs == 0 {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len().saturating_add(bare_lfs));
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', input).filter(|&i| is_bare(i)) {
        out.extend_from_slice(input.get(start..i).unwrap_or_default());
        out.extend_from_slice(b"\r\n");
        start = i + 1;
    }
    out.extend_from_slice(input.get(start..).unwrap_or_default());
    Cow::Owned(out)
}

/// An entity whose header is parsed but whose body is not split yet.
struct Pending<'a> {
    raw: &'a [u8],
    start: usize,
    header: HeaderBlock<'a>,
    content_type: ContentType,
    content_type_error: Option<ContentTypeError>,
}

impl<'a> Pending<'a> {
    fn parse(
        input: &'a [u8],
        range: Range<usize>,
        in_digest: bool,
        limits: &Limits,
    ) -> Result<Self, MessageError> {
        let start = range.start;
        let raw = input.get(range).unwrap_or_default();
        let header = HeaderBlock::parse(raw, limits).map_err(|e| rebase(e, start))?;
        let default = || {
            if in_digest {
                ContentType::digest_default()
            } else {
                ContentType::default()
            }
        };
        let (content_type, content_type_error) = match header.get("content-type") {
            None => (default(), None),
            Some(field) => match parse_content_type_partial(field.value()) {
                Ok((ct, error)) => (ct, error),
                Err(e) => (default(), Some(e)),
            },
        };
        Ok(Pending {
            raw,
            start,
            header,
            content_type,
            content_type_error,
        })
    }

    fn into_entity(self, kind: EntityKind<'a>) -> Entity<'a> {
        Entity {
            raw: self.raw,
            start: self.start,
            header: self.header,
            content_type: self.content_type,
            content_type_error: self.content_type_error,
            kind,
        }
    }
}

/// A multipart entity whose parts are being parsed.
struct Frame<'a> {
    entity: Pending<'a>,
    boundary: Vec<u8>,
    digest: bool,
    split: Split,
    part_ranges: Vec<Range<usize>>,
    next: usize,
    parts: Vec<Entity<'a>>,
}

impl<'a> Frame<'a> {
    fn finish(self) -> Entity<'a> {
        let body_start = self
            .entity
            .start
            .saturating_add(self.entity.header.body_offset());
        let body = self
            .entity
            .raw
            .get(self.entity.header.body_offset()..)
            .unwrap_or_default();
        let multipart = Multipart {
            boundary: self.boundary,
            body,
            body_start,
            preamble: self.split.preamble,
            delimiters: self.split.delimiters,
            parts: self.parts,
            close_delimiter: self.split.close_delimiter,
            epilogue: self.split.epilogue,
        };
        self.entity.into_entity(EntityKind::Multipart(multipart))
    }
}

enum Opened<'a> {
    Leaf(Entity<'a>),
    Frame(Frame<'a>),
}

/// Makes a leaf of `entity`, or splits its body when it is a multipart with a
/// usable boundary. `depth` is the entity's multipart nesting depth if it is one.
fn open<'a>(
    entity: Pending<'a>,
    depth: usize,
    count: &mut usize,
    limits: &Limits,
) -> Result<Opened<'a>, MessageError> {
    // Trailing white space is not part of the boundary (CPython's
    // `get_boundary()` strips it; RFC 2046 forbids it).
    let boundary = match entity.content_type.boundary().map(trim_wsp_end) {
        Some(b) if entity.content_type.is_multipart() && usable_boundary(b) => b.to_vec(),
        _ => return Ok(Opened::Leaf(entity.into_entity(EntityKind::Leaf))),
    };
    if depth > limits.max_depth {
        return Err(MessageError::Limit {
            kind: LimitKind::Depth,
            offset: entity.start,
        });
    }
    let body_offset = entity.header.body_offset();
    let body = entity.raw.get(body_offset..).unwrap_or_default();
    let body_start = entity.start.saturating_add(body_offset);
    let (split, part_ranges) = split(body, body_start, &boundary, count, limits)?;
    let digest = entity.content_type.subtype == "digest";
    Ok(Opened::Frame(Frame {
        entity,
        boundary,
        digest,
        split,
        part_ranges,
        next: 0,
        parts: Vec::new(),
    }))
}

/// Whether a (stripped) boundary can be used: 1 to 200 bytes, no CR or LF.
fn usable_boundary(b: &[u8]) -> bool {
    !b.is_empty() && b.len() <= MAX_BOUNDARY_LEN && !b.iter().any(|&c| c == b'\r' || c == b'\n')
}

/// The delimiter structure of one multipart body, in absolute offsets.
struct Split {
    preamble: Range<usize>,
    delimiters: Vec<Range<usize>>,
    close_delimiter: Option<Range<usize>>,
    epilogue: Range<usize>,
}

/// Finds the delimiters of `body` (which starts at `base` in the input) in
/// one pass over its lines. Returns the structure and the parts' ranges.
fn split(
    body: &[u8],
    base: usize,
    boundary: &[u8],
    count: &mut usize,
    limits: &Limits,
) -> Result<(Split, Vec<Range<usize>>), MessageError> {
    let abs = |r: Range<usize>| base.saturating_add(r.start)..base.saturating_add(r.end);
    let len = body.len();
    let mut preamble: Option<Range<usize>> = None;
    let mut delimiters = Vec::new();
    let mut part_ranges = Vec::new();
    let mut close_delimiter = None;
    let mut epilogue = len..len;
    // Start of the part being read, once the first delimiter is behind.
    let mut part_start: Option<usize> = None;
    // Where the last delimiter line ended: a line break before it is taken.
    let mut claimed = 0usize;
    let mut line = 0usize;
    loop {
        if let Some((close, end)) = match_delimiter(body, line, boundary) {
            let start = line_break_start(body, line, claimed);
            match part_start {
                None => preamble = Some(0..start),
                Some(ps) => part_ranges.push(abs(ps..start)),
            }
            if close {
                close_delimiter = Some(abs(start..end));
                epilogue = end..len;
                part_start = None;
                break;
            }
            *count = count.saturating_add(1);
            if *count > limits.max_parts {
                return Err(MessageError::Limit {
                    kind: LimitKind::Parts,
                    offset: base.saturating_add(line),
                });
            }
            delimiters.push(abs(start..end));
            part_start = Some(end);
            claimed = end;
            if end >= len {
                break;
            }
            line = end;
            continue;
        }
        match body.get(line..).and_then(|rest| memchr(b'\n', rest)) {
            Some(i) => line = line.saturating_add(i).saturating_add(1),
            None => break,
        }
    }
    if let Some(ps) = part_start {
        // No close delimiter: the last part runs to the end of the body.
        part_ranges.push(abs(ps..len));
    }
    let split = Split {
        preamble: abs(preamble.unwrap_or(0..len)),
        delimiters,
        close_delimiter,
        epilogue: abs(epilogue),
    };
    Ok((split, part_ranges))
}

/// Whether a delimiter line starts at `line` (a line start in `body`):
/// `(is close delimiter, end of the line including its line ending)`.
fn match_delimiter(body: &[u8], line: usize, boundary: &[u8]) -> Option<(bool, usize)> {
    let rest = body.get(line..)?;
    let after = rest.strip_prefix(b"--")?.strip_prefix(boundary)?;
    let (close, after) = match after.strip_prefix(b"--") {
        Some(a) => (true, a),
        None => (false, after),
    };
    let padding = after
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let after = after.get(padding..)?;
    let eol = if after.is_empty() {
        0
    } else if after.starts_with(b"\r\n") {
        2
    } else if after.starts_with(b"\n") {
        1
    } else {
        return None;
    };
    let consumed = rest.len().saturating_sub(after.len()).saturating_add(eol);
    Some((close, line.saturating_add(consumed)))
}

/// Where the line break before the line at `line` starts, not reaching back
/// before `claimed` (the end of the previous delimiter line).
fn line_break_start(body: &[u8], line: usize, claimed: usize) -> usize {
    if line <= claimed || body.get(line.saturating_sub(1)) != Some(&b'\n') {
        return line;
    }
    let lf = line.saturating_sub(1);
    if lf > claimed && body.get(lf.saturating_sub(1)) == Some(&b'\r') {
        lf.saturating_sub(1)
    } else {
        lf
    }
}

/// Moves the offset of an error from a header parsed at `start` into the input.
fn rebase(e: MessageError, start: usize) -> MessageError {
    match e {
        MessageError::Limit { kind, offset } => MessageError::Limit {
            kind,
            offset: offset.saturating_add(start),
        },
        #[allow(unreachable_patterns, reason = "MessageError may gain variants")]
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content_type::ContentTypeErrorKind;
    use alloc::vec;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    fn parse(input: &[u8]) -> Entity<'_> {
        parse_entity(input, &Limits::default()).unwrap()
    }

    /// Every entity's ranges agree with its slices and nest properly.
    fn check_tree(input: &[u8], e: &Entity<'_>) {
        assert_eq!(&input[e.range()], e.raw());
        assert_eq!(&input[e.body_range()], e.body());
        assert_eq!(e.header_range().end, e.body_range().start);
        assert_eq!(e.range().start, e.header_range().start);
        if let Some(m) = e.multipart() {
            let body = e.body_range();
            let mut pieces = vec![m.preamble()];
            for (d, p) in m.delimiters().iter().zip(m.parts()) {
                pieces.push(d.clone());
                pieces.push(p.range());
            }
            assert_eq!(m.delimiters().len(), m.parts().len());
            pieces.extend(m.close_delimiter());
            pieces.push(m.epilogue());
            let mut at = body.start;
            for r in &pieces {
                assert_eq!(r.start, at, "gap or overlap in {pieces:?}");
                assert!(r.end >= r.start);
                at = r.end;
            }
            assert_eq!(at, body.end);
            assert_eq!(&input[m.preamble()], m.preamble_bytes());
            assert_eq!(&input[m.epilogue()], m.epilogue_bytes());
            for p in m.parts() {
                check_tree(input, p);
            }
        } else {
            assert!(e.parts().is_empty());
        }
    }

    const TWO_PARTS: &[u8] = b"From: a@example.com\r\n\
Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\
\r\n\
preamble text\r\n\
--XYZ\r\n\
Content-Type: text/plain\r\n\
\r\n\
hello\r\n\
--XYZ\r\n\
Content-Type: text/html\r\n\
\r\n\
<p>hi</p>\r\n\
\r\n\
--XYZ--\r\n\
epilogue\r\n";

    #[test]
    fn two_parts_crlf() {
        let top = parse(TWO_PARTS);
        check_tree(TWO_PARTS, &top);
        assert_eq!(top.content_type().essence(), "multipart/mixed");
        let m = top.multipart().unwrap();
        assert_eq!(m.boundary(), b"XYZ");
        assert!(m.is_closed());
        assert_eq!(m.preamble_bytes(), b"preamble text");
        assert_eq!(m.epilogue_bytes(), b"epilogue\r\n");
        assert_eq!(&TWO_PARTS[m.delimiters()[0].clone()], b"\r\n--XYZ\r\n");
        assert_eq!(&TWO_PARTS[m.close_delimiter().unwrap()], b"\r\n--XYZ--\r\n");
        let parts = top.parts();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].raw(), b"Content-Type: text/plain\r\n\r\nhello");
        assert_eq!(parts[0].body(), b"hello");
        assert_eq!(parts[0].content_type().essence(), "text/plain");
        assert_eq!(
            parts[1].raw(),
            b"Content-Type: text/html\r\n\r\n<p>hi</p>\r\n"
        );
        assert_eq!(parts[1].body(), b"<p>hi</p>\r\n");
        // Header offsets are relative to the entity.
        let f = parts[1].header().get("content-type").unwrap();
        let abs = parts[1].offset() + f.offset();
        assert_eq!(&TWO_PARTS[abs..abs + f.raw().len()], f.raw());
        assert_eq!(&TWO_PARTS[parts[0].body_range()], b"hello");
        assert_eq!(parts[0].header_range().len(), 28);
    }

    #[test]
    fn two_parts_lf() {
        let lf: Vec<u8> = TWO_PARTS.iter().copied().filter(|&b| b != b'\r').collect();
        let top = parse(&lf);
        check_tree(&lf, &top);
        let m = top.multipart().unwrap();
        assert_eq!(m.preamble_bytes(), b"preamble text");
        assert_eq!(m.epilogue_bytes(), b"epilogue\n");
        assert_eq!(top.parts()[0].raw(), b"Content-Type: text/plain\n\nhello");
        assert_eq!(
            top.parts()[1].raw(),
            b"Content-Type: text/html\n\n<p>hi</p>\n"
        );
        assert_eq!(&lf[m.delimiters()[1].clone()], b"\n--XYZ\n");
    }

    #[test]
    fn transport_padding_after_delimiters() {
        let msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n\
--b \t \r\nA: 1\r\n\r\none\r\n--b\t\r\n\r\ntwo\r\n--b--  \r\n";
        let top = parse(msg);
        check_tree(msg, &top);
        let parts = top.parts();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].raw(), b"A: 1\r\n\r\none");
        assert_eq!(parts[1].raw(), b"\r\ntwo");
        assert_eq!(parts[1].body(), b"two");
        assert!(top.multipart().unwrap().is_closed());
    }

    #[test]
    fn lookalike_lines_are_content() {
        let msg = b"Content-Type: multipart/mixed; boundary=b\n\n\
--b\n\n--bX\n --b\n--b x\n--b--x\nx--b\n--b\n\nlast\n--b--\n";
        let top = parse(msg);
        check_tree(msg, &top);
        let parts = top.parts();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].body(), b"--bX\n --b\n--b x\n--b--x\nx--b");
        assert_eq!(parts[1].body(), b"last");
    }

    #[test]
    fn delimiter_at_body_start_and_empty_preamble() {
        let msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--";
        let top = parse(msg);
        check_tree(msg, &top);
        let m = top.multipart().unwrap();
        assert!(m.preamble().is_empty());
        assert_eq!(m.preamble().start, top.body_range().start);
        assert_eq!(
            m.delimiters()[0],
            top.body_range().start..top.body_range().start + 5
        );
        assert_eq!(top.parts()[0].raw(), b"\r\nx");
        assert!(m.is_closed());
        assert!(m.epilogue().is_empty());
        assert_eq!(m.epilogue().start, msg.len());

        // A line break before the first delimiter belongs to it.
        let msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n\r\n--b\r\n\r\nx\r\n--b--";
        let m = parse(msg);
        check_tree(msg, &m);
        let mp = m.multipart().unwrap();
        assert!(mp.preamble().is_empty());
        assert_eq!(&msg[mp.delimiters()[0].clone()], b"\r\n--b\r\n");
    }

    #[test]
    fn missing_close_delimiter() {
        let msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n";
        let top = parse(msg);
        check_tree(msg, &top);
        let m = top.multipart().unwrap();
        assert!(!m.is_closed());
        assert_eq!(m.close_delimiter(), None);
        assert_eq!(top.parts()[1].raw(), b"\r\ntwo\r\n");
        assert_eq!(top.parts()[1].range().end, msg.len());
        assert_eq!(m.epilogue(), msg.len()..msg.len());
    }

    #[test]
    fn no_delimiter_at_all() {
        let msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\njust text\r\n--bb\r\n";
        let top = parse(msg);
        check_tree(msg, &top);
        let m = top.multipart().unwrap();
        assert!(m.parts().is_empty());
        assert!(!m.is_closed());
        assert_eq!(m.preamble_bytes(), b"just text\r\n--bb\r\n");
    }

    #[test]
    fn close_delimiter_first() {
        let msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\npre\r\n--b--\r\nepi";
        let top = parse(msg);
        check_tree(msg, &top);
        let m = top.multipart().unwrap();
        assert!(m.parts().is_empty());
        assert!(m.is_closed());
        assert_eq!(m.preamble_bytes(), b"pre");
        assert_eq!(m.epilogue_bytes(), b"epi");
    }

    #[test]
    fn unusable_boundaries_make_a_leaf() {
        let long = alloc::format!(
            "Content-Type: multipart/mixed; boundary={}\r\n\r\nbody",
            "x".repeat(201)
        );
        for msg in [
            &b"Content-Type: multipart/mixed\r\n\r\n--\r\n"[..],
            b"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n",
            b"Content-Type: multipart/mixed; boundary=\"a\\\rb\"\r\n\r\n--a\rb\r\n",
            long.as_bytes(),
        ] {
            let e = parse(msg);
            assert_eq!(e.kind(), &EntityKind::Leaf);
            assert!(e.content_type().is_multipart());
        }
        let ok = alloc::format!(
            "Content-Type: multipart/mixed; boundary={0}\r\n\r\n--{0}\r\n\r\nx",
            "x".repeat(200)
        );
        assert_eq!(parse(ok.as_bytes()).parts().len(), 1);
    }

    #[test]
    fn boundary_ending_in_white_space_is_stripped() {
        // CPython strips the boundary parameter; `--b` lines, with or without
        // padding, are delimiters.
        let msg = b"Content-Type: multipart/mixed; boundary=\"b \t\"\r\n\r\n\
--b \r\nA: 1\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b --\r\n--b --\r\n--b-- \r\nepi";
        let top = parse(msg);
        check_tree(msg, &top);
        let m = top.multipart().unwrap();
        assert_eq!(m.boundary(), b"b");
        // The raw parameter is unchanged.
        assert_eq!(top.content_type().boundary(), Some(&b"b \t"[..]));
        let parts = top.parts();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].raw(), b"A: 1\r\n\r\none");
        // `--b --` is not a delimiter line for the boundary `b`.
        assert_eq!(parts[1].raw(), b"\r\ntwo\r\n--b --\r\n--b --");
        assert!(m.is_closed());
        assert_eq!(m.epilogue_bytes(), b"epi");
        // Only white space: no boundary at all.
        let e = parse(b"Content-Type: multipart/mixed; boundary=\"  \"\r\n\r\n--  \r\n");
        assert_eq!(e.kind(), &EntityKind::Leaf);
    }

    #[test]
    fn bad_parameter_after_boundary_keeps_the_multipart() {
        let msg = b"Content-Type: multipart/mixed; boundary=b; name=foo bar\r\n\r\n\
--b\r\n\r\none\r\n--b--\r\n";
        let top = parse(msg);
        check_tree(msg, &top);
        assert_eq!(top.content_type().essence(), "multipart/mixed");
        assert_eq!(
            top.content_type().params,
            vec![("boundary".into(), b"b".to_vec())]
        );
        let e = top.content_type_error().unwrap();
        assert_eq!(e.kind(), ContentTypeErrorKind::ExpectedSemicolon);
        assert_eq!(top.parts().len(), 1);
        assert_eq!(top.parts()[0].body(), b"one");
        // A bad parameter before the boundary: the boundary is never read.
        let msg =
            b"Content-Type: multipart/mixed; name=foo bar; boundary=b\r\n\r\n--b\r\n\r\none\r\n";
        let top = parse(msg);
        assert_eq!(top.kind(), &EntityKind::Leaf);
        assert!(top.content_type().is_multipart());
        assert!(top.content_type_error().is_some());
        // An unreadable type: the default, inside a digest too.
        let msg = b"Content-Type: multipart/digest; boundary=d\r\n\r\n\
--d\r\nContent-Type: text/plain; x\r\n\r\na\r\n--d\r\nContent-Type: text; x=1\r\n\r\nb\r\n--d--\r\n";
        let top = parse(msg);
        check_tree(msg, &top);
        let parts = top.parts();
        assert_eq!(parts[0].content_type().essence(), "text/plain");
        assert_eq!(
            parts[0].content_type_error().unwrap().kind(),
            ContentTypeErrorKind::MissingEquals
        );
        assert_eq!(parts[1].content_type(), &ContentType::digest_default());
        assert_eq!(
            parts[1].content_type_error().unwrap().kind(),
            ContentTypeErrorKind::MissingSlash
        );
    }

    #[test]
    fn boundary_over_200_bytes_is_a_leaf_without_error() {
        let msg = alloc::format!(
            "Content-Type: multipart/mixed; boundary={0}\r\n\r\n--{0}\r\n\r\nx",
            "x".repeat(201)
        );
        let e = parse(msg.as_bytes());
        assert_eq!(e.kind(), &EntityKind::Leaf);
        assert!(e.content_type().is_multipart());
        assert!(e.content_type_error().is_none());
        // 200 bytes plus trailing white space is still usable.
        let msg = alloc::format!(
            "Content-Type: multipart/mixed; boundary=\"{0}  \"\r\n\r\n--{0}\r\n\r\nx",
            "x".repeat(200)
        );
        assert_eq!(parse(msg.as_bytes()).parts().len(), 1);
    }

    #[test]
    fn part_with_text_and_no_blank_line() {
        let msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/html\r\nsome text\r\nmore\r\n\
--b\r\nsome text\r\nmore: x\r\n\r\nz\r\n--b--\r\n";
        let top = parse(msg);
        check_tree(msg, &top);
        let parts = top.parts();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].header().fields().len(), 1);
        assert_eq!(parts[0].content_type().essence(), "text/html");
        assert_eq!(parts[0].body(), b"some text\r\nmore");
        assert!(!parts[0].header().has_separator());
        assert!(parts[1].header().fields().is_empty());
        assert_eq!(parts[1].body(), b"some text\r\nmore: x\r\n\r\nz");
        assert_eq!(parts[1].body_range(), parts[1].range());
    }

    #[test]
    fn empty_parts_and_part_without_header() {
        let msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\n--b\r\n\r\n--b\r\n\r\nno header\r\n--b\r\nX: y\r\n--b--\r\n";
        let top = parse(msg);
        check_tree(msg, &top);
        let parts = top.parts();
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0].raw(), b"");
        assert_eq!(parts[1].raw(), b"");
        assert_eq!(parts[2].raw(), b"\r\nno header");
        assert!(parts[2].header().fields().is_empty());
        assert_eq!(parts[2].body(), b"no header");
        assert_eq!(parts[2].content_type(), &ContentType::default());
        // A header with no empty line after it: the body is empty.
        assert_eq!(parts[3].raw(), b"X: y");
        assert_eq!(parts[3].body(), b"");
        assert_eq!(parts[3].header().fields().len(), 1);
    }

    #[test]
    fn nested_signed_inside_mixed() {
        let msg = b"Content-Type: multipart/mixed; boundary=outer\r\n\r\n\
--outer\r\n\
Content-Type: multipart/signed; boundary=inner; protocol=\"application/pkcs7-signature\"\r\n\
\r\n\
--inner\r\n\
\r\n\
signed\r\n\
--inner\r\n\
Content-Type: application/pkcs7-signature\r\n\
\r\n\
SIG\r\n\
--inner--\r\n\
--outer\r\n\
\r\n\
second\r\n\
--outer--\r\n";
        let top = parse(msg);
        check_tree(msg, &top);
        assert_eq!(top.parts().len(), 2);
        let signed = &top.parts()[0];
        assert_eq!(signed.content_type().essence(), "multipart/signed");
        assert_eq!(signed.parts().len(), 2);
        assert_eq!(signed.parts()[0].raw(), b"\r\nsigned");
        assert_eq!(signed.parts()[1].body(), b"SIG");
        assert!(signed.multipart().unwrap().is_closed());
        // The line break after the inner close delimiter belongs to the outer delimiter.
        assert!(signed.raw().ends_with(b"SIG\r\n--inner--"));
        assert!(signed.multipart().unwrap().epilogue().is_empty());
        assert_eq!(top.parts()[1].raw(), b"\r\nsecond");
    }

    #[test]
    fn inner_search_stays_inside_the_parent_part() {
        // The inner multipart has no close delimiter; its last part must stop
        // at the outer delimiter. Same boundary inside and out also works.
        for inner in ["inner", "outer"] {
            let msg = alloc::format!(
                "Content-Type: multipart/mixed; boundary=outer\r\n\r\n\
--outer\r\nContent-Type: multipart/mixed; boundary={inner}\r\n\r\n\
--{inner}\r\n\r\nin\r\n\
--outer\r\n\r\nout\r\n--outer--\r\n"
            );
            let msg = msg.as_bytes();
            let top = parse(msg);
            check_tree(msg, &top);
            let nested = &top.parts()[0];
            if inner == "inner" {
                assert_eq!(top.parts().len(), 2);
                assert_eq!(nested.parts().len(), 1);
                assert_eq!(nested.parts()[0].raw(), b"\r\nin");
                assert!(!nested.multipart().unwrap().is_closed());
                assert_eq!(top.parts()[1].raw(), b"\r\nout");
            } else {
                // The outer split takes every `--outer` line first; the nested
                // multipart keeps to its own part, whose body is empty.
                assert_eq!(top.parts().len(), 3);
                assert!(nested.multipart().unwrap().parts().is_empty());
                assert!(nested.body().is_empty());
                assert_eq!(top.parts()[1].raw(), b"\r\nin");
                assert_eq!(top.parts()[2].raw(), b"\r\nout");
            }
        }
    }

    #[test]
    fn digest_parts_default_to_message_rfc822() {
        let msg = b"Content-Type: multipart/digest; boundary=d\r\n\r\n\
--d\r\n\r\nFrom: x\r\n\r\nhi\r\n\
--d\r\nContent-Type: text/plain\r\n\r\nplain\r\n\
--d\r\nContent-Type: bogus\r\n\r\nbad\r\n--d--\r\n";
        let top = parse(msg);
        check_tree(msg, &top);
        let parts = top.parts();
        assert_eq!(parts[0].content_type().essence(), "message/rfc822");
        assert_eq!(parts[0].kind(), &EntityKind::Leaf);
        assert_eq!(parts[1].content_type().essence(), "text/plain");
        assert_eq!(parts[2].content_type().essence(), "message/rfc822");
        assert!(parts[2].content_type_error().is_some());
        // Outside a digest the default is text/plain.
        let e = parse(b"Content-Type: bogus\r\n\r\nx");
        assert_eq!(e.content_type(), &ContentType::default());
        assert!(e.content_type_error().is_some());
        let e = parse(b"Subject: none\r\n\r\nx");
        assert_eq!(e.content_type(), &ContentType::default());
        assert!(e.content_type_error().is_none());
    }

    #[test]
    fn message_rfc822_is_not_entered() {
        let msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Type: message/rfc822\r\n\r\n\
Content-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--\r\n\
--b--\r\n";
        let top = parse(msg);
        check_tree(msg, &top);
        assert_eq!(top.parts()[0].kind(), &EntityKind::Leaf);
    }

    fn nested(levels: usize) -> Vec<u8> {
        let mut msg = Vec::new();
        for i in 0..levels {
            msg.extend_from_slice(
                alloc::format!("Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n")
                    .as_bytes(),
            );
        }
        msg.extend_from_slice(b"\r\nleaf");
        msg
    }

    #[test]
    fn depth_limit() {
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        let ok = nested(3);
        let top = parse_entity(&ok, &limits).unwrap();
        check_tree(&ok, &top);
        assert_eq!(top.parts()[0].parts()[0].parts()[0].body(), b"leaf");
        let deep = nested(4);
        let err = parse_entity(&deep, &limits).unwrap_err();
        let third = deep.windows(5).filter(|w| w == b"--b2\r").count();
        assert_eq!(third, 1);
        let start_of_fourth = deep.windows(5).position(|w| w == b"--b2\r").unwrap() + 6;
        assert_eq!(
            err,
            MessageError::Limit {
                kind: LimitKind::Depth,
                offset: start_of_fourth
            }
        );
    }

    #[test]
    fn deep_nesting_is_iterative() {
        let msg = nested(2_000);
        let limits = Limits {
            max_depth: 2_000,
            ..Limits::default()
        };
        let top = parse_entity(&msg, &limits).unwrap();
        let mut e = &top;
        let mut depth = 0;
        while let Some(p) = e.parts().first() {
            e = p;
            depth += 1;
        }
        assert_eq!(depth, 2_000);
        assert_eq!(e.body(), b"leaf");
    }

    #[test]
    fn hundred_thousand_levels_fail_cleanly() {
        let msg = nested(100_000);
        let err = parse_entity(&msg, &Limits::default()).unwrap_err();
        assert!(matches!(
            err,
            MessageError::Limit {
                kind: LimitKind::Depth,
                ..
            }
        ));
    }

    #[test]
    fn part_limit() {
        let mut msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n".to_vec();
        for _ in 0..10 {
            msg.extend_from_slice(b"--b\r\n\r\nx\r\n");
        }
        let limits = Limits {
            max_parts: 11,
            ..Limits::default()
        };
        assert_eq!(parse_entity(&msg, &limits).unwrap().parts().len(), 10);
        let limits = Limits {
            max_parts: 10,
            ..Limits::default()
        };
        let err = parse_entity(&msg, &limits).unwrap_err();
        let last = msg.len() - 10;
        assert_eq!(
            err,
            MessageError::Limit {
                kind: LimitKind::Parts,
                offset: last
            }
        );
        let limits = Limits {
            max_parts: 0,
            ..Limits::default()
        };
        assert!(parse_entity(b"x", &limits).is_err());
    }

    #[test]
    fn header_limit_offsets_are_absolute() {
        let msg =
            b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
        let limits = Limits {
            max_header_fields: 2,
            ..Limits::default()
        };
        let err = parse_entity(msg, &limits).unwrap_err();
        let MessageError::Limit { kind, offset } = err;
        assert_eq!(kind, LimitKind::HeaderFields);
        assert_eq!(&msg[offset..offset + 4], b"C: 3");
    }

    const SIGNED: &[u8] = b"From: alice@example.com\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=outer\r\n\
\r\n\
--outer\r\n\
Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n\
\tmicalg=sha-256; boundary=\"----sig\"\r\n\
\r\n\
This is an S/MIME signed message\r\n\
\r\n\
------sig\r\n\
Content-Type: text/plain; charset=us-ascii\r\n\
\r\n\
Signed text\r\n\
\r\n\
------sig\r\n\
Content-Type: application/pkcs7-signature; name=smime.p7s\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
MIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n\
\r\n\
------sig--\r\n\
\r\n\
--outer--\r\n";

    #[test]
    fn smime_signed_content_bytes() {
        const SIGNED_CONTENT: &[u8] =
            b"Content-Type: text/plain; charset=us-ascii\r\n\r\nSigned text\r\n";
        let top = parse(SIGNED);
        check_tree(SIGNED, &top);
        let signed = &top.parts()[0];
        assert!(signed.content_type().is("multipart", "signed"));
        assert_eq!(signed.content_type().param("micalg"), Some(&b"sha-256"[..]));
        assert_eq!(signed.content_type().boundary(), Some(&b"----sig"[..]));
        let m = signed.multipart().unwrap();
        assert_eq!(m.preamble_bytes(), b"This is an S/MIME signed message\r\n");
        assert_eq!(m.parts()[0].raw(), SIGNED_CONTENT);
        assert_eq!(&SIGNED[m.parts()[0].range()], SIGNED_CONTENT);
        assert_eq!(m.parts()[1].body(), b"MIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n");
        assert!(m.is_closed());

        // The same message stored with bare LF: after canonicalization the
        // verifier hashes the same bytes.
        let lf: Vec<u8> = SIGNED.iter().copied().filter(|&b| b != b'\r').collect();
        let top = parse(&lf);
        check_tree(&lf, &top);
        let part = &top.parts()[0].parts()[0];
        assert_eq!(&*canonicalize_crlf(part.raw()), SIGNED_CONTENT);
    }

    #[test]
    fn canonicalize_crlf_cases() {
        assert!(matches!(canonicalize_crlf(b"a\r\nb\r\n"), Cow::Borrowed(_)));
        assert!(matches!(canonicalize_crlf(b""), Cow::Borrowed(_)));
        assert_eq!(
            &*canonicalize_crlf(b"a\nb\r\nc\rd\n\n"),
            b"a\r\nb\r\nc\rd\r\n\r\n"
        );
        assert_eq!(&*canonicalize_crlf(b"\n"), b"\r\n");
        assert_eq!(&*canonicalize_crlf(b"\r\r\n"), b"\r\r\n");
    }

    #[test]
    fn not_multipart_is_a_leaf() {
        let msg = b"Subject: x\r\n\r\n--b\r\nbody";
        let e = parse(msg);
        assert_eq!(e.kind(), &EntityKind::Leaf);
        assert!(e.parts().is_empty());
        assert_eq!(e.body(), b"--b\r\nbody");
        assert_eq!(e.range(), 0..msg.len());
        let e = parse(b"");
        assert_eq!(e.raw(), b"");
        assert_eq!(e.body_range(), 0..0);
    }

    // ---- property tests ----

    fn fragment() -> impl Strategy<Value = &'static [u8]> {
        prop::sample::select(vec![
            &b"a"[..],
            b"-",
            b"--",
            b" ",
            b"\t",
            b"\r",
            b"\n",
            b"\r\n",
            b"--BND",
            b"--BNDX",
            b"BND",
            b"--BND--x",
            b"X: y",
            b":",
        ])
    }

    fn chunk() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(fragment(), 0..10).prop_map(|v| v.concat())
    }

    /// An independent statement of "contains a BND delimiter line".
    fn has_delimiter_line(bytes: &[u8]) -> bool {
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        starts.into_iter().any(|s| {
            let rest = &bytes[s..];
            let line = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => rest[..i].strip_suffix(b"\r").unwrap_or(&rest[..i]),
                None => rest,
            };
            match line.strip_prefix(b"--BND") {
                Some(tail) => {
                    let tail = tail.strip_prefix(b"--").unwrap_or(tail);
                    tail.iter().all(|&b| b == b' ' || b == b'\t')
                }
                None => false,
            }
        })
    }

    fn eol() -> impl Strategy<Value = &'static [u8]> {
        prop::sample::select(vec![&b"\r\n"[..], b"\n"])
    }

    fn padding() -> impl Strategy<Value = &'static [u8]> {
        prop::sample::select(vec![&b""[..], b" ", b"\t ", b"  "])
    }

    /// A chunk that may sit before a line break `eol` that belongs to a
    /// delimiter: no delimiter line in it, and no CR that would join a bare LF.
    fn content_then_eol() -> impl Strategy<Value = (Vec<u8>, &'static [u8])> {
        (chunk(), eol()).prop_filter("holds a delimiter line", |(c, eol)| {
            !has_delimiter_line(c) && (*eol != b"\n" || !c.ends_with(b"\r"))
        })
    }

    proptest! {
        /// The fast canonicalisation equals the byte-by-byte definition.
        #[test]
        fn canonicalize_crlf_matches_the_definition(
            input in proptest::collection::vec(prop_oneof![Just(b'\r'), Just(b'\n'), Just(b'a')], 0..64)
        ) {
            let mut expected = Vec::new();
            let mut prev_cr = false;
            for &b in &input {
                if b == b'\n' && !prev_cr {
                    expected.push(b'\r');
                }
                expected.push(b);
                prev_cr = b == b'\r';
            }
            prop_assert_eq!(&*canonicalize_crlf(&input), &expected[..]);
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_bytes(input in prop::collection::vec(any::<u8>(), 0..600)) {
            if let Ok(e) = parse_entity(&input, &Limits::default()) {
                check_tree(&input, &e);
            }
        }

        #[test]
        fn never_panics_on_mime_like_input(frags in prop::collection::vec(prop::sample::select(vec![
            &b"Content-Type: multipart/mixed; boundary=b\r\n"[..],
            b"Content-Type: multipart/digest; boundary=\"c\"\n",
            b"Content-Type: multipart/signed; boundary=b\r\n",
            b"Content-Type: message/rfc822\r\n",
            b"Content-Type: text/plain\n",
            b"--b\r\n", b"--b--\r\n", b"--c\n", b"--c--", b"--b", b"\r\n", b"\n", b"\r",
            b"x", b" ", b"--", b"X: y\r\n",
        ]), 0..40)) {
            let input = frags.concat();
            let limits = Limits { max_depth: 4, max_parts: 20, ..Limits::default() };
            match parse_entity(&input, &limits) {
                Ok(e) => check_tree(&input, &e),
                Err(MessageError::Limit { kind, offset }) => {
                    prop_assert!(matches!(kind, LimitKind::Depth | LimitKind::Parts));
                    prop_assert!(offset <= input.len());
                }
            }
        }

        #[test]
        fn generated_multiparts_round_trip(
            top_eol in eol(),
            preamble in proptest::option::of(content_then_eol()),
            parts in prop::collection::vec(
                (padding(), eol(), content_then_eol()).prop_map(|(p, e, (c, a))| (p, e, c, a)),
                1..5,
            ),
            close in proptest::option::of((padding(), chunk(), eol())),
        ) {
            // parts[i] = (padding of its delimiter line, that line's ending,
            //             the part's bytes, the line break after the part)
            let mut msg = b"Content-Type: multipart/mixed; boundary=BND".to_vec();
            msg.extend_from_slice(top_eol);
            msg.extend_from_slice(top_eol);
            let body_start = msg.len();

            let mut expected_delims = Vec::new();
            let mut expected_parts = Vec::new();
            let mut before_first = b"".as_slice();
            let preamble_range = match &preamble {
                Some((p, e)) => {
                    msg.extend_from_slice(p);
                    before_first = e;
                    body_start..body_start + p.len()
                }
                None => body_start..body_start,
            };
            let mut pending_break = before_first;
            for (i, (pad, line_end, content, after)) in parts.iter().enumerate() {
                let d = msg.len();
                msg.extend_from_slice(pending_break);
                msg.extend_from_slice(b"--BND");
                msg.extend_from_slice(pad);
                msg.extend_from_slice(line_end);
                expected_delims.push(d..msg.len());
                let s = msg.len();
                msg.extend_from_slice(content);
                expected_parts.push(s..msg.len());
                pending_break = after;
                let last = i + 1 == parts.len();
                if last && close.is_none() {
                    // Unclosed: the last part runs to the end.
                    pending_break = b"";
                }
            }
            let mut expected_close = None;
            let mut expected_epilogue = msg.len()..msg.len();
            if let Some((pad, epilogue, close_eol)) = &close {
                let d = msg.len();
                msg.extend_from_slice(pending_break);
                msg.extend_from_slice(b"--BND--");
                msg.extend_from_slice(pad);
                if !epilogue.is_empty() || *close_eol == b"\r\n" {
                    msg.extend_from_slice(close_eol);
                }
                expected_close = Some(d..msg.len());
                let e = msg.len();
                msg.extend_from_slice(epilogue);
                expected_epilogue = e..msg.len();
            }

            let top = parse_entity(&msg, &Limits::default()).unwrap();
            check_tree(&msg, &top);
            let m = top.multipart().unwrap();
            prop_assert_eq!(m.preamble(), preamble_range);
            prop_assert_eq!(m.delimiters(), expected_delims.as_slice());
            let got: Vec<Range<usize>> = m.parts().iter().map(|p| p.range()).collect();
            prop_assert_eq!(got, expected_parts.clone());
            for (p, (_, _, content, _)) in m.parts().iter().zip(&parts) {
                prop_assert_eq!(p.raw(), content.as_slice());
            }
            prop_assert_eq!(m.close_delimiter(), expected_close);
            prop_assert_eq!(m.is_closed(), close.is_some());
            prop_assert_eq!(m.epilogue(), expected_epilogue);
        }

        #[test]
        fn canonicalize_is_idempotent_and_leaves_no_bare_lf(
            input in prop::collection::vec(prop::sample::select(vec![b'a', b'\r', b'\n']), 0..200)
        ) {
            let once = canonicalize_crlf(&input).into_owned();
            for (i, &b) in once.iter().enumerate() {
                if b == b'\n' {
                    prop_assert!(i > 0 && once[i - 1] == b'\r');
                }
            }
            prop_assert_eq!(&*canonicalize_crlf(&once), once.as_slice());
            // Only CRs were added.
            let strip = |v: &[u8]| v.iter().copied().filter(|&b| b != b'\r').collect::<Vec<u8>>();
            prop_assert_eq!(strip(&once), strip(&input));
        }
    }
}
