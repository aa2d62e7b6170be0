//! A bounded reader for BER and DER TLVs (X.690), and the conversion of one
//! BER element to DER (definite minimal lengths, constructed strings joined).
//!
//! Every walk here is bounded: nesting is capped at [`MAX_DEPTH`] (the
//! only recursion, in [`to_der`], stops there), and an indefinite length is
//! resolved by an iterative scan.

use alloc::vec::Vec;

/// Deepest nesting of constructed elements followed.
pub(crate) const MAX_DEPTH: usize = 32;

/// Why bytes are not a well-formed TLV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BerErrorKind {
    /// The input ends inside an element.
    Truncated,
    /// A length form that BER does not allow (reserved 0xFF, more than 4 octets,
    /// indefinite on a primitive).
    BadLength,
    /// A tag number form that is not supported (more than 4 octets).
    BadTag,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// An end-of-contents marker where an element was expected.
    UnexpectedEoc,
    /// A constructed string whose parts are not strings of the same type.
    BadStringSegment,
}

/// A TLV error at an absolute byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BerError {
    pub(crate) offset: usize,
    pub(crate) kind: BerErrorKind,
}

impl BerError {
    fn at(offset: usize, kind: BerErrorKind) -> Self {
        Self { offset, kind }
    }
}

impl core::fmt::Display for BerErrorKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Truncated => "input ends inside an element",
            Self::BadLength => "invalid length octets",
            Self::BadTag => "unsupported tag encoding",
            Self::TooDeep => "nesting too deep",
            Self::UnexpectedEoc => "unexpected end-of-contents",
            Self::BadStringSegment => "bad segment in a constructed string",
        })
    }
}

/// One element: its identifier, where it is, and its contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    /// The identifier octets (one for tag numbers below 31).
    pub(crate) tag_bytes: &'a [u8],
    /// Absolute offset of the first identifier octet.
    pub(crate) offset: usize,
    /// The whole element as received (with its end-of-contents when indefinite).
    pub(crate) raw: &'a [u8],
    /// The contents octets (without the end-of-contents).
    pub(crate) contents: &'a [u8],
    /// Absolute offset of the contents.
    pub(crate) contents_offset: usize,
    /// Whether the length was indefinite.
    pub(crate) indefinite: bool,
    depth: usize,
}

impl<'a> Tlv<'a> {
    /// The first identifier octet (class, constructed bit, low tag number).
    pub(crate) fn tag(&self) -> u8 {
        self.tag_bytes.first().copied().unwrap_or(0)
    }

    /// Whether the constructed bit is set.
    pub(crate) fn constructed(&self) -> bool {
        self.tag() & 0x20 != 0
    }

    /// A reader over the children of a constructed element.
    pub(crate) fn children(&self) -> Result<Reader<'a>, BerError> {
        let depth = self
            .depth
            .checked_add(1)
            .filter(|d| *d <= MAX_DEPTH)
            .ok_or(BerError::at(self.offset, BerErrorKind::TooDeep))?;
        Ok(Reader {
            data: self.contents,
            pos: 0,
            base: self.contents_offset,
            depth,
        })
    }

    /// Whether the element, or anything inside it, uses a BER-only form
    /// (an indefinite length or a constructed universal string).
    pub(crate) fn has_ber_forms(&self) -> Result<bool, BerError> {
        if self.indefinite || (self.constructed() && is_universal_string(self.tag())) {
            return Ok(true);
        }
        if !self.constructed() {
            return Ok(false);
        }
        // An iterative walk: a stack of readers, bounded by MAX_DEPTH.
        let mut stack: Vec<Reader<'a>> = alloc::vec![self.children()?];
        while let Some(top) = stack.last_mut() {
            match top.next()? {
                None => {
                    stack.pop();
                }
                Some(child) => {
                    if child.indefinite || (child.constructed() && is_universal_string(child.tag()))
                    {
                        return Ok(true);
                    }
                    if child.constructed() {
                        let r = child.children()?;
                        stack.push(r);
                    }
                }
            }
        }
        Ok(false)
    }
}

/// Reads sibling elements one after another.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader over a whole input (offsets count from its start).
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            pos: 0,
            base: 0,
            depth: 0,
        }
    }

    /// The absolute offset of the next element.
    pub(crate) fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    /// Whether every element has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The next element without consuming it.
    pub(crate) fn peek(&self) -> Result<Option<Tlv<'a>>, BerError> {
        self.clone().next()
    }

    /// The next element, `None` at the end.
    #[allow(clippy::should_implement_trait)]
    pub(crate) fn next(&mut self) -> Result<Option<Tlv<'a>>, BerError> {
        if self.is_empty() {
            return Ok(None);
        }
        let start = self.pos;
        let abs = self.offset();
        let h = read_header(self.data, start, self.base)?;
        if h.tag_bytes == [0] {
            return Err(BerError::at(abs, BerErrorKind::UnexpectedEoc));
        }
        let (contents_end, end) = match h.length {
            Some(len) => {
                let end = h
                    .contents_start
                    .checked_add(len)
                    .filter(|e| *e <= self.data.len())
                    .ok_or(BerError::at(abs, BerErrorKind::Truncated))?;
                (end, end)
            }
            None => {
                if h.tag_bytes.first().is_some_and(|t| t & 0x20 == 0) {
                    return Err(BerError::at(abs, BerErrorKind::BadLength));
                }
                let ce = find_eoc(self.data, h.contents_start, self.base, self.depth)?;
                (
                    ce,
                    ce.checked_add(2)
                        .ok_or(BerError::at(abs, BerErrorKind::Truncated))?,
                )
            }
        };
        let raw = self
            .data
            .get(start..end)
            .ok_or(BerError::at(abs, BerErrorKind::Truncated))?;
        let contents = self
            .data
            .get(h.contents_start..contents_end)
            .ok_or(BerError::at(abs, BerErrorKind::Truncated))?;
        self.pos = end;
        Ok(Some(Tlv {
            tag_bytes: h.tag_bytes,
            offset: abs,
            raw,
            contents,
            contents_offset: self.base.saturating_add(h.contents_start),
            indefinite: h.length.is_none(),
            depth: self.depth,
        }))
    }
}

struct Header<'a> {
    tag_bytes: &'a [u8],
    contents_start: usize,
    /// `None`: indefinite.
    length: Option<usize>,
}

fn read_header(data: &[u8], at: usize, base: usize) -> Result<Header<'_>, BerError> {
    let abs = base.saturating_add(at);
    let trunc = BerError::at(abs, BerErrorKind::Truncated);
    let first = *data.get(at).ok_or(trunc)?;
    let mut pos = at.checked_add(1).ok_or(trunc)?;
    if first & 0x1f == 0x1f {
        // High tag number form: base-128 octets, the last without bit 8.
        let mut n = 0;
        loop {
            let b = *data.get(pos).ok_or(trunc)?;
            pos = pos.checked_add(1).ok_or(trunc)?;
            n += 1;
            if n > 4 {
                return Err(BerError::at(abs, BerErrorKind::BadTag));
            }
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let tag_bytes = data.get(at..pos).ok_or(trunc)?;
    let l = *data.get(pos).ok_or(trunc)?;
    pos = pos.checked_add(1).ok_or(trunc)?;
    let length = if l < 0x80 {
        Some(usize::from(l))
    } else if l == 0x80 {
        None
    } else {
        let n = usize::from(l & 0x7f);
        if n > 4 {
            return Err(BerError::at(abs, BerErrorKind::BadLength));
        }
        let mut len = 0usize;
        for _ in 0..n {
            let b = *data.get(pos).ok_or(trunc)?;
            pos = pos.checked_add(1).ok_or(trunc)?;
            len = len
                .checked_mul(256)
                .and_then(|v| v.checked_add(usize::from(b)))
                .ok_or(BerError::at(abs, BerErrorKind::BadLength))?;
        }
        Some(len)
    };
    Ok(Header {
        tag_bytes,
        contents_start: pos,
        length,
    })
}

/// The position of the end-of-contents closing an indefinite element whose
/// contents start at `start`. Iterative: nested indefinite elements only
/// raise a counter (capped with the reader's depth at [`MAX_DEPTH`]).
fn find_eoc(data: &[u8], start: usize, base: usize, depth: usize) -> Result<usize, BerError> {
    let mut pos = start;
    let mut open = 1usize;
    loop {
        let abs = base.saturating_add(pos);
        let h = read_header(data, pos, base)?;
        if h.tag_bytes == [0] {
            if h.length != Some(0) {
                return Err(BerError::at(abs, BerErrorKind::BadLength));
            }
            open -= 1;
            if open == 0 {
                return Ok(pos);
            }
            pos = h.contents_start;
            continue;
        }
        match h.length {
            Some(len) => {
                pos = h
                    .contents_start
                    .checked_add(len)
                    .filter(|e| *e <= data.len())
                    .ok_or(BerError::at(abs, BerErrorKind::Truncated))?;
            }
            None => {
                if h.tag_bytes.first().is_some_and(|t| t & 0x20 == 0) {
                    return Err(BerError::at(abs, BerErrorKind::BadLength));
                }
                open += 1;
                if depth.saturating_add(open) > MAX_DEPTH {
                    return Err(BerError::at(abs, BerErrorKind::TooDeep));
                }
                pos = h.contents_start;
            }
        }
    }
}

/// Universal string types that BER may send constructed.
fn is_universal_string(tag: u8) -> bool {
    matches!(
        tag & 0xdf,
        0x04 | 0x0c
            | 0x12
            | 0x13
            | 0x14
            | 0x15
            | 0x16
            | 0x17
            | 0x18
            | 0x19
            | 0x1a
            | 0x1b
            | 0x1c
            | 0x1e
    )
}

/// Appends a DER length.
pub(crate) fn push_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len.to_be_bytes().last().copied().unwrap_or(0));
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..).unwrap_or_default();
    out.push(0x80 | significant.len().to_be_bytes().last().copied().unwrap_or(0));
    out.extend_from_slice(significant);
}

/// The value octets of a string element, primitive or constructed (BER):
/// the segments' values joined in order.
pub(crate) fn string_value(tlv: &Tlv<'_>) -> Result<Vec<u8>, BerError> {
    let mut out = Vec::new();
    append_string(tlv, &mut out)?;
    Ok(out)
}

fn append_string(tlv: &Tlv<'_>, out: &mut Vec<u8>) -> Result<(), BerError> {
    if !tlv.constructed() {
        out.extend_from_slice(tlv.contents);
        return Ok(());
    }
    let mut children = tlv.children()?;
    while let Some(seg) = children.next()? {
        // Segments are universal strings of the string's type (the outer
        // element may carry an implicit tag; its parts never do).
        if seg.tag() & 0xc0 != 0 || !is_universal_string(seg.tag()) {
            return Err(BerError::at(seg.offset, BerErrorKind::BadStringSegment));
        }
        append_string(&seg, out)?;
    }
    Ok(())
}

/// The DER form of one element: definite minimal lengths everywhere and
/// constructed universal strings made primitive. Element order is kept
/// (SET OF contents are not sorted). Recursion is bounded by [`MAX_DEPTH`].
pub(crate) fn to_der(tlv: &Tlv<'_>) -> Result<Vec<u8>, BerError> {
    let mut out = Vec::with_capacity(tlv.raw.len());
    append_der(tlv, &mut out)?;
    Ok(out)
}

fn append_der(tlv: &Tlv<'_>, out: &mut Vec<u8>) -> Result<(), BerError> {
    if !tlv.constructed() {
        out.extend_from_slice(tlv.tag_bytes);
        push_length(out, tlv.contents.len());
        out.extend_from_slice(tlv.contents);
        return Ok(());
    }
    if is_universal_string(tlv.tag()) {
        let value = string_value(tlv)?;
        out.push(tlv.tag() & !0x20);
        push_length(out, value.len());
        out.extend_from_slice(&value);
        return Ok(());
    }
    let mut inner = Vec::with_capacity(tlv.contents.len());
    let mut children = tlv.children()?;
    while let Some(child) = children.next()? {
        append_der(&child, &mut inner)?;
    }
    out.extend_from_slice(tlv.tag_bytes);
    push_length(out, inner.len());
    out.extend_from_slice(&inner);
    Ok(())
}

/// The received bytes when they use no BER-only form, else the DER form.
pub(crate) fn der_bytes<'a>(tlv: &Tlv<'a>) -> Result<alloc::borrow::Cow<'a, [u8]>, BerError> {
    if tlv.has_ber_forms()? {
        Ok(alloc::borrow::Cow::Owned(to_der(tlv)?))
    } else {
        Ok(alloc::borrow::Cow::Borrowed(tlv.raw))
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]
    use super::*;

    #[test]
    fn indefinite_and_constructed_strings_become_der() {
        // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "c" }, NULL }
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00, 0x05,
            0x00, 0x00, 0x00,
        ];
        let mut r = Reader::new(&ber);
        let tlv = r.next().unwrap().unwrap();
        assert!(r.is_empty());
        assert!(tlv.indefinite);
        assert!(tlv.has_ber_forms().unwrap());
        assert_eq!(
            to_der(&tlv).unwrap(),
            [0x30, 0x07, 0x04, 0x03, b'a', b'b', b'c', 0x05, 0x00]
        );
        let mut c = tlv.children().unwrap();
        let s = c.next().unwrap().unwrap();
        assert_eq!(string_value(&s).unwrap(), b"abc");
        assert_eq!(c.next().unwrap().unwrap().tag(), 0x05);
        assert!(c.next().unwrap().is_none());
    }

    #[test]
    fn der_is_kept_as_received() {
        // A SET whose members are not in DER order stays as received.
        let der = [0x31, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x01];
        let tlv = Reader::new(&der).next().unwrap().unwrap();
        assert_eq!(&*der_bytes(&tlv).unwrap(), &der[..]);
        assert_eq!(to_der(&tlv).unwrap(), der);
    }

    #[test]
    fn long_lengths() {
        let mut v = alloc::vec![0x04, 0x82, 0x01, 0x00];
        v.extend(core::iter::repeat_n(7u8, 256));
        let tlv = Reader::new(&v).next().unwrap().unwrap();
        assert_eq!(tlv.contents.len(), 256);
        let mut out = Vec::new();
        push_length(&mut out, 256);
        assert_eq!(out, [0x82, 0x01, 0x00]);
    }

    #[test]
    fn malformed_inputs_are_errors() {
        for bad in [
            &[0x30][..],
            &[0x30, 0x05, 0x01],
            &[0x30, 0x80, 0x05, 0x00],
            &[0x04, 0x80, 0x00, 0x00],
            &[0x30, 0x85, 1, 1, 1, 1, 1],
            &[0x00, 0x00],
            &[0x1f, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00],
        ] {
            let mut r = Reader::new(bad);
            let first = r.next();
            assert!(first.is_err(), "{bad:02x?}: {first:?}");
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut v = Vec::new();
        for _ in 0..100 {
            v.extend_from_slice(&[0x30, 0x80]);
        }
        for _ in 0..100 {
            v.extend_from_slice(&[0x00, 0x00]);
        }
        let e = Reader::new(&v).next().unwrap_err();
        assert_eq!(e.kind, BerErrorKind::TooDeep);
        // Definite nesting: refused when walked.
        let mut d = alloc::vec![0x05, 0x00];
        for _ in 0..60 {
            let mut outer = alloc::vec![0x30];
            push_length(&mut outer, d.len());
            outer.extend_from_slice(&d);
            d = outer;
        }
        let tlv = Reader::new(&d).next().unwrap().unwrap();
        assert_eq!(to_der(&tlv).unwrap_err().kind, BerErrorKind::TooDeep);
        assert_eq!(tlv.has_ber_forms().unwrap_err().kind, BerErrorKind::TooDeep);
    }
}
