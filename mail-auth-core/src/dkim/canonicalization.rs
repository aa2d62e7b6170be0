//! Header and body canonicalization (RFC 6376 §3.4).
//!
//! Lines may end in CRLF or in a bare LF: a message handed over with LF line
//! endings (a local file, a milter that converted them) canonicalizes as it
//! would on the wire, where every line ends in CRLF. A CR not followed by LF
//! is content.
//!
//! The body canonicalizer is streaming: it takes the body in chunks split
//! anywhere (even between CR and LF) and keeps only a counter of the empty
//! lines it has not yet emitted, so its memory does not depend on the input.

use alloc::vec::Vec;

/// A canonicalization algorithm (the `c=` tag, RFC 6376 §3.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Canonicalization {
    /// `simple`: the header field unchanged; the body with the empty lines
    /// at its end removed.
    #[default]
    Simple,
    /// `relaxed`: header names lower-cased, white space runs reduced to one
    /// space and trailing white space removed, in header and body.
    Relaxed,
}

impl Canonicalization {
    /// The algorithm's name in `c=`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Simple => "simple",
            Self::Relaxed => "relaxed",
        }
    }
}

impl core::fmt::Display for Canonicalization {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Appends the canonical form of one header field to `out`. `field` is the
/// field as received (name, colon, value, internal folding) without its
/// final line ending; no CRLF is appended.
pub(crate) fn canonicalize_header(c: Canonicalization, field: &[u8], out: &mut Vec<u8>) {
    match c {
        Canonicalization::Simple => simple_header(field, out),
        Canonicalization::Relaxed => relaxed_header(field, out),
    }
}

/// Simple (§3.4.1): the field unchanged, except that a fold written with a
/// bare LF is written with CRLF, as on the wire.
fn simple_header(field: &[u8], out: &mut Vec<u8>) {
    out.reserve(field.len());
    let mut rest = field;
    while let Some(at) = memchr::memchr(b'\n', rest) {
        let (line, after) = rest.split_at(at);
        out.extend_from_slice(line);
        if !line.ends_with(b"\r") {
            out.push(b'\r');
        }
        out.push(b'\n');
        rest = after.get(1..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
}

/// Relaxed (§3.4.2): name lower-cased, folds removed, white space runs to
/// one SP, white space at the end of the value and around the colon removed.
fn relaxed_header(field: &[u8], out: &mut Vec<u8>) {
    let colon = memchr::memchr(b':', field).unwrap_or(field.len());
    let (name, value) = field.split_at(colon);
    let name_end = name.iter().rposition(|b| !is_wsp(*b)).map_or(0, |i| i + 1);
    out.extend(name.iter().take(name_end).map(u8::to_ascii_lowercase));
    let Some(value) = value.get(1..) else {
        return;
    };
    out.push(b':');
    let mut pending_space = false;
    let mut started = false;
    let mut i = 0;
    while let Some(&b) = value.get(i) {
        i += 1;
        match b {
            b' ' | b'\t' => pending_space = true,
            // A fold: CRLF (or bare LF) removed; the white space after it
            // joins the run.
            b'\n' => {}
            b'\r' if value.get(i) == Some(&b'\n') => {}
            _ => {
                if pending_space && started {
                    out.push(b' ');
                }
                pending_space = false;
                started = true;
                out.push(b);
            }
        }
    }
}

/// Where the canonicalizer stands inside the current line.
#[derive(Clone, Copy, Debug, Default)]
struct LineState {
    /// Content of this line was emitted (it is not an empty line).
    started: bool,
    /// The previous chunk ended in CR; whether it ends the line depends on
    /// the next byte.
    pending_cr: bool,
    /// Relaxed: white space seen and not yet emitted.
    pending_wsp: bool,
}

/// A streaming body canonicalizer (RFC 6376 §3.4.3, §3.4.4).
#[derive(Clone, Debug)]
pub(crate) struct BodyCanonicalizer {
    c: Canonicalization,
    line: LineState,
    /// Empty lines seen and not yet emitted: emitted only when content
    /// follows them, since empty lines at the end are ignored.
    blank_lines: u64,
    /// Anything emitted at all.
    emitted: bool,
}

const CRLFS: &[u8; 64] = b"\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n";

impl BodyCanonicalizer {
    /// A canonicalizer at the start of a body.
    pub(crate) fn new(c: Canonicalization) -> Self {
        Self {
            c,
            line: LineState::default(),
            blank_lines: 0,
            emitted: false,
        }
    }

    /// The algorithm.
    pub(crate) fn kind(&self) -> Canonicalization {
        self.c
    }

    /// Canonicalizes the next chunk, handing the output to `sink` in pieces.
    pub(crate) fn update(&mut self, input: &[u8], sink: &mut impl FnMut(&[u8])) {
        let mut rest = input;
        if self.line.pending_cr {
            self.line.pending_cr = false;
            if rest.first() == Some(&b'\n') {
                self.end_line(sink);
                rest = rest.get(1..).unwrap_or_default();
            } else if !rest.is_empty() {
                self.content(b"\r", sink);
            } else {
                self.line.pending_cr = true;
            }
        }
        while !rest.is_empty() {
            match memchr::memchr(b'\n', rest) {
                Some(at) => {
                    let (line, after) = rest.split_at(at);
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    self.whole_line_content(line, sink);
                    self.end_line(sink);
                    rest = after.get(1..).unwrap_or_default();
                }
                None => {
                    let content = match rest.strip_suffix(b"\r") {
                        Some(before) => {
                            self.line.pending_cr = true;
                            before
                        }
                        None => rest,
                    };
                    self.content(content, sink);
                    rest = &[];
                }
            }
        }
    }

    /// Ends the body: the final line ending and, for simple, the CRLF of an
    /// empty body.
    pub(crate) fn finish(&mut self, sink: &mut impl FnMut(&[u8])) {
        if self.line.pending_cr {
            self.line.pending_cr = false;
            self.content(b"\r", sink);
        }
        if self.line.started {
            self.end_line(sink);
        }
        if !self.emitted && self.c == Canonicalization::Simple {
            sink(b"\r\n");
        }
    }

    /// The content of a line whose end is known to follow: the fast path
    /// hands an already canonical line over without copying it.
    fn whole_line_content(&mut self, line: &[u8], sink: &mut impl FnMut(&[u8])) {
        if self.c == Canonicalization::Relaxed
            && !self.line.started
            && !self.line.pending_wsp
            && memchr::memchr(b'\t', line).is_none()
            && memchr::memmem::find(line, b"  ").is_none()
        {
            let end = line.iter().rposition(|b| !is_wsp(*b)).map_or(0, |i| i + 1);
            self.emit_content(line.get(..end).unwrap_or_default(), sink);
        } else {
            self.content(line, sink);
        }
    }

    /// Part of a line's content (no line ending in it).
    fn content(&mut self, piece: &[u8], sink: &mut impl FnMut(&[u8])) {
        match self.c {
            Canonicalization::Simple => self.emit_content(piece, sink),
            Canonicalization::Relaxed => {
                let mut rest = piece;
                while !rest.is_empty() {
                    let wsp = rest.iter().position(|b| is_wsp(*b)).unwrap_or(rest.len());
                    let (word, after) = rest.split_at(wsp);
                    if !word.is_empty() {
                        if self.line.pending_wsp {
                            self.line.pending_wsp = false;
                            self.emit_content(b" ", sink);
                        }
                        self.emit_content(word, sink);
                    }
                    let run = after
                        .iter()
                        .position(|b| !is_wsp(*b))
                        .unwrap_or(after.len());
                    if run > 0 {
                        self.line.pending_wsp = true;
                    }
                    rest = after.get(run..).unwrap_or_default();
                }
            }
        }
    }

    /// Emits non-empty line content, first flushing the empty lines before it.
    fn emit_content(&mut self, piece: &[u8], sink: &mut impl FnMut(&[u8])) {
        if piece.is_empty() {
            return;
        }
        if !self.line.started {
            self.line.started = true;
            self.flush_blank_lines(sink);
        }
        self.emitted = true;
        sink(piece);
    }

    fn flush_blank_lines(&mut self, sink: &mut impl FnMut(&[u8])) {
        while self.blank_lines > 0 {
            let n = self.blank_lines.min(32);
            self.blank_lines -= n;
            // n ≤ 32, so 2n ≤ 64 = CRLFS.len().
            let bytes = usize::try_from(n.saturating_mul(2)).unwrap_or(0);
            sink(CRLFS.get(..bytes).unwrap_or_default());
        }
    }

    fn end_line(&mut self, sink: &mut impl FnMut(&[u8])) {
        self.line.pending_wsp = false;
        if self.line.started {
            self.line.started = false;
            sink(b"\r\n");
        } else {
            self.blank_lines = self.blank_lines.saturating_add(1);
        }
    }
}

/// The canonical form of a whole body.
pub fn canonical_body(c: Canonicalization, body: &[u8]) -> Vec<u8> {
    canonical_body_chunked(c, &[body])
}

/// The canonical form of a body given in chunks (split anywhere). Equal to
/// [`canonical_body`] of the concatenation; there for tests and fuzzing.
pub fn canonical_body_chunked(c: Canonicalization, chunks: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut canonicalizer = BodyCanonicalizer::new(c);
    let mut sink = |piece: &[u8]| out.extend_from_slice(piece);
    for chunk in chunks {
        canonicalizer.update(chunk, &mut sink);
    }
    canonicalizer.finish(&mut sink);
    out
}

/// The canonical form of one header field given without its final line
/// ending (no CRLF appended).
pub fn canonical_header(c: Canonicalization, field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    canonicalize_header(c, field, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Canonicalization::{Relaxed, Simple};
    use proptest::prelude::*;

    fn body(c: Canonicalization, input: &str) -> String {
        String::from_utf8(canonical_body(c, input.as_bytes())).unwrap()
    }

    fn header(c: Canonicalization, input: &str) -> String {
        String::from_utf8(canonical_header(c, input.as_bytes())).unwrap()
    }

    #[test]
    fn rfc_6376_section_3_4_5_example() {
        let fields = ["A: X", "B : Y\t\r\n\tZ  "];
        let relaxed: Vec<String> = fields.iter().map(|f| header(Relaxed, f)).collect();
        assert_eq!(relaxed, ["a:X", "b:Y Z"]);
        let simple: Vec<String> = fields.iter().map(|f| header(Simple, f)).collect();
        assert_eq!(simple, ["A: X", "B : Y\t\r\n\tZ  "]);
        let text = " C \r\nD \t E\r\n\r\n\r\n";
        assert_eq!(body(Relaxed, text), " C\r\nD E\r\n");
        assert_eq!(body(Simple, text), " C \r\nD \t E\r\n");
    }

    #[test]
    fn empty_bodies() {
        assert_eq!(body(Simple, ""), "\r\n");
        assert_eq!(body(Simple, "\r\n\r\n\r\n"), "\r\n");
        // RFC 6376 errata 3192: an empty relaxed body is empty.
        assert_eq!(body(Relaxed, ""), "");
        assert_eq!(body(Relaxed, "\r\n \t \r\n\r\n"), "");
    }

    #[test]
    fn unterminated_last_line_gets_crlf() {
        assert_eq!(body(Simple, "abc"), "abc\r\n");
        assert_eq!(body(Relaxed, "abc  "), "abc\r\n");
        assert_eq!(body(Simple, "abc \r\n\r\nx"), "abc \r\n\r\nx\r\n");
    }

    #[test]
    fn trailing_white_space_lines_are_empty_for_relaxed_only() {
        assert_eq!(body(Relaxed, "a\r\n  \r\n"), "a\r\n");
        assert_eq!(body(Simple, "a\r\n  \r\n"), "a\r\n  \r\n");
        // An inner blank (white-space-only) line stays as an empty line.
        assert_eq!(body(Relaxed, "a\r\n \t\r\nb\r\n"), "a\r\n\r\nb\r\n");
    }

    #[test]
    fn lf_line_endings_canonicalize_as_crlf() {
        assert_eq!(body(Simple, "a \nb\n\n"), "a \r\nb\r\n");
        assert_eq!(body(Relaxed, "a \nb\n\n"), "a\r\nb\r\n");
        assert_eq!(header(Simple, "Subject: a\n b"), "Subject: a\r\n b");
        assert_eq!(header(Relaxed, "Subject: a\n b"), "subject:a b");
    }

    #[test]
    fn bare_cr_is_content() {
        assert_eq!(body(Simple, "a\rb\r\n"), "a\rb\r\n");
        assert_eq!(body(Relaxed, "a \rb\r\n"), "a \rb\r\n");
        assert_eq!(body(Simple, "a\r"), "a\r\r\n");
    }

    #[test]
    fn relaxed_header_edge_cases() {
        assert_eq!(header(Relaxed, "SUBJECT:"), "subject:");
        assert_eq!(header(Relaxed, "Subject:   "), "subject:");
        assert_eq!(header(Relaxed, "Subject :\t x \t y\t"), "subject:x y");
        assert_eq!(header(Relaxed, "X-Tag: a\r\n\r\n b"), "x-tag:a b");
        assert_eq!(header(Relaxed, "no colon "), "no colon");
    }

    #[test]
    fn many_blank_lines_are_counted_not_stored() {
        let mut text = String::from("a\r\n");
        text.push_str(&"\r\n".repeat(1000));
        text.push_str("b\r\n");
        let out = body(Simple, &text);
        assert_eq!(out.len(), 3 + 2000 + 3);
        assert!(out.starts_with("a\r\n\r\n") && out.ends_with("\r\n\r\nb\r\n"));
    }

    fn arb_body() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop::sample::select(vec![b'a', b'b', b' ', b'\t', b'\r', b'\n', 0xC3, b'x']),
            0..200,
        )
    }

    proptest! {
        #[test]
        fn chunking_does_not_change_the_result(
            input in arb_body(),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        ) {
            for c in [Simple, Relaxed] {
                let whole = canonical_body(c, &input);
                let mut points: Vec<usize> = cuts.iter().map(|i| i.index(input.len() + 1)).collect();
                points.sort_unstable();
                let mut chunks = Vec::new();
                let mut from = 0;
                for p in points {
                    chunks.push(&input[from..p]);
                    from = p;
                }
                chunks.push(&input[from..]);
                prop_assert_eq!(&canonical_body_chunked(c, &chunks), &whole);
                let bytes: Vec<&[u8]> = input.chunks(1).collect();
                prop_assert_eq!(&canonical_body_chunked(c, &bytes), &whole);
            }
        }

        #[test]
        fn canonical_bodies_are_fixed_points(input in arb_body()) {
            for c in [Simple, Relaxed] {
                let once = canonical_body(c, &input);
                prop_assert_eq!(canonical_body(c, &once), once.clone());
                // Every line ends in CRLF; no trailing empty lines.
                prop_assert!(once.is_empty() || once.ends_with(b"\r\n"));
                prop_assert!(!once.ends_with(b"\r\n\r\n"));
            }
        }

        #[test]
        fn relaxed_body_matches_a_line_by_line_model(input in arb_body()) {
            // The RFC's steps applied to CRLF/LF-split lines.
            let text = input.clone();
            let mut lines: Vec<Vec<u8>> = Vec::new();
            let mut current = Vec::new();
            let mut i = 0;
            let mut terminated = true;
            while i < text.len() {
                let b = text[i];
                if b == b'\n' || (b == b'\r' && text.get(i + 1) == Some(&b'\n')) {
                    if b == b'\r' { i += 1; }
                    lines.push(core::mem::take(&mut current));
                    terminated = true;
                } else {
                    current.push(b);
                    terminated = false;
                }
                i += 1;
            }
            if !terminated { lines.push(current); }
            let mut model = Vec::new();
            let canon: Vec<Vec<u8>> = lines.iter().map(|l| {
                let mut out = Vec::new();
                let mut ws = false;
                for &b in l {
                    if is_wsp(b) { ws = true; } else {
                        if ws { out.push(b' '); }
                        ws = false;
                        out.push(b);
                    }
                }
                out
            }).collect();
            let keep = canon.iter().rposition(|l| !l.is_empty()).map_or(0, |i| i + 1);
            for l in &canon[..keep] {
                model.extend_from_slice(l);
                model.extend_from_slice(b"\r\n");
            }
            prop_assert_eq!(canonical_body(Relaxed, &input), model);
        }
    }
}
