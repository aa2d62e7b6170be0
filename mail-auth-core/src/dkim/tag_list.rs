//! The tag=value list of RFC 6376 §3.2, shared by signatures and key records.
//!
//! ```text
//! tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
//! tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
//! tag-name  =  ALPHA *ALNUMPUNC
//! tag-value =  [ tval *( 1*(WSP / FWS) tval ) ]
//! tval      =  1*VALCHAR          ; %x21-3A / %x3C-7E, and UTF-8 (RFC 8616)
//! ```
//!
//! Readings of the grammar made here:
//!
//! - FWS is white space (SP, HTAB), possibly with a line break (CRLF, or a
//!   bare LF as some mail stores keep it) that is followed by white space.
//! - One line break that ends the input (the header field's terminator, if
//!   the caller left it in) is ignored.
//! - White space after the final `;` is accepted; an empty tag-spec between
//!   two `;` is not.
//! - The grammar lets a value hold several words, so `a=b c=d` is the single
//!   tag `a` with the value `b c=d`, as the RFC's letter says and as dkimpy
//!   and OpenDKIM read it (a key record's `n=` note may hold `x=y`). A
//!   signature whose `;` was left out fails later, on the value it produced
//!   (`d=example.com s=sel` is not a domain).
//! - Tag names are case-sensitive; a repeated name invalidates the list.

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// A tag-list syntax error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("tag-list syntax error at byte {position}: {reason}")]
pub struct TagListError {
    /// Offset of the offending byte.
    pub position: usize,
    /// What is wrong.
    pub reason: &'static str,
}

/// One `name=value` of a tag list, borrowed from the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tag<'a> {
    /// The tag name (ASCII, case-sensitive).
    pub(crate) name: &'a str,
    /// The value without its leading and trailing FWS; inner FWS kept.
    pub(crate) value: &'a [u8],
    /// Where `name` lies in the input.
    pub(crate) name_range: Range<usize>,
    /// Where `value` lies in the input.
    pub(crate) value_range: Range<usize>,
    /// From just after the `=` to just before the `;` that ends the tag-spec
    /// (or the end of the input): the value with all white space around it.
    pub(crate) spec_value_range: Range<usize>,
}

/// Parses a tag list. An empty input, or one of white space only, is an
/// empty list.
///
/// Time and memory are linear in the input: one [`Tag`] (80 bytes) per tag,
/// a tag taking at least 3 input bytes (`a=;`), plus, for lists of more than
/// 32 tags, a set of the names for the duplicate check.
pub(crate) fn parse_tag_list(input: &[u8]) -> Result<Vec<Tag<'_>>, TagListError> {
    // A line break that ends the input is the field's terminator, not FWS.
    let end = if input.ends_with(b"\r\n") {
        input.len().saturating_sub(2)
    } else if input.ends_with(b"\n") {
        input.len().saturating_sub(1)
    } else {
        input.len()
    };
    let text = input.get(..end).unwrap_or(input);

    let mut tags = Vec::new();
    let mut pos = 0;
    loop {
        pos = skip_fws(text, pos);
        let Some(&first) = text.get(pos) else { break };
        if !first.is_ascii_alphabetic() {
            return Err(syntax(pos, "expected a tag name"));
        }
        let name_start = pos;
        while text.get(pos).is_some_and(|&b| is_alnumpunc(b)) {
            pos += 1;
        }
        let name_range = name_start..pos;
        pos = skip_fws(text, pos);
        if text.get(pos) != Some(&b'=') {
            return Err(syntax(pos, "expected '=' after the tag name"));
        }
        pos += 1;
        let spec_value_start = pos;
        pos = skip_fws(text, pos);
        let value_start = pos;
        let mut value_end = pos;
        loop {
            while text.get(pos).is_some_and(|&b| is_tval(b)) {
                pos += 1;
            }
            value_end = value_end.max(pos);
            let after = skip_fws(text, pos);
            if after > pos && text.get(after).is_some_and(|&b| is_tval(b)) {
                pos = after;
            } else {
                pos = after;
                break;
            }
        }
        let at_end = match text.get(pos) {
            None => true,
            Some(b';') => false,
            Some(_) => return Err(syntax(pos, "unexpected character in a tag value")),
        };
        let name = text
            .get(name_range.clone())
            .and_then(|n| core::str::from_utf8(n).ok())
            .ok_or_else(|| syntax(name_start, "expected a tag name"))?;
        let value = text
            .get(value_start..value_end)
            .ok_or_else(|| syntax(value_start, "unexpected character in a tag value"))?;
        tags.push(Tag {
            name,
            value,
            name_range,
            value_range: value_start..value_end,
            spec_value_range: spec_value_start..pos,
        });
        if at_end {
            break;
        }
        pos += 1;
    }

    check_duplicates(&tags)?;
    Ok(tags)
}

/// Fails on the first tag whose name an earlier tag already had. Short
/// lists (all real ones) are checked pairwise without allocating; long ones
/// through a set, so that the check stays O(n log n).
fn check_duplicates(tags: &[Tag<'_>]) -> Result<(), TagListError> {
    const PAIRWISE_MAX: usize = 32;
    let duplicate = |tag: &Tag<'_>| syntax(tag.name_range.start, "duplicate tag");
    if tags.len() <= PAIRWISE_MAX {
        for (i, tag) in tags.iter().enumerate() {
            if tags.iter().take(i).any(|earlier| earlier.name == tag.name) {
                return Err(duplicate(tag));
            }
        }
    } else {
        let mut seen = BTreeSet::new();
        for tag in tags {
            if !seen.insert(tag.name) {
                return Err(duplicate(tag));
            }
        }
    }
    Ok(())
}

fn syntax(position: usize, reason: &'static str) -> TagListError {
    TagListError { position, reason }
}

fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_fws_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnumpunc(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_tval(b: u8) -> bool {
    matches!(b, 0x21..=0x3A | 0x3C..=0x7E | 0x80..=0xFF)
}

/// Skips FWS starting at `pos`: white space, and line breaks (CRLF or LF)
/// followed by white space.
fn skip_fws(input: &[u8], mut pos: usize) -> usize {
    let wsp_at = |p: usize| input.get(p).is_some_and(|&b| is_wsp(b));
    loop {
        match input.get(pos) {
            Some(b' ' | b'\t') => pos += 1,
            Some(b'\r') if input.get(pos + 1) == Some(&b'\n') && wsp_at(pos + 2) => pos += 3,
            Some(b'\n') if wsp_at(pos + 1) => pos += 2,
            _ => return pos,
        }
    }
}

/// A malformed tag value: where (in the whole input) and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ValueError {
    pub(crate) position: usize,
    pub(crate) reason: &'static str,
}

/// The value with every FWS byte (SP, HTAB, CR, LF) removed.
pub(crate) fn strip_fws(value: &[u8]) -> Vec<u8> {
    // Copied a run at a time: folded values (b=, p=) are long runs.
    let mut out = Vec::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.iter().position(|&b| is_fws_byte(b)) {
        out.extend_from_slice(rest.get(..at).unwrap_or_default());
        rest = rest.get(at.saturating_add(1)..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
    out
}

/// The slice without FWS bytes at either end, and the offset of its start.
pub(crate) fn trim_fws(value: &[u8]) -> (usize, &[u8]) {
    let start = value
        .iter()
        .position(|&b| !is_fws_byte(b))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|&b| !is_fws_byte(b))
        .map_or(start, |i| i + 1);
    (start, value.get(start..end).unwrap_or_default())
}

/// Splits a value on `separator`, each piece trimmed of FWS, with the
/// piece's position in the whole input (`start` being the value's).
pub(crate) fn split_list(
    value: &[u8],
    start: usize,
    separator: u8,
) -> impl Iterator<Item = (usize, &[u8])> {
    let mut offset = 0;
    value.split(move |&b| b == separator).map(move |piece| {
        let (lead, trimmed) = trim_fws(piece);
        let position = start + offset + lead;
        offset += piece.len() + 1;
        (position, trimmed)
    })
}

/// Base64 with padding optional when decoding.
///
/// RFC 6376 requires the padding, but some signers leave it out; a value
/// without it decodes to the same bytes, so it is accepted. Misplaced padding
/// and non-zero trailing bits are still errors.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes a base64 value with its FWS removed (`start` is the value's
/// position in the input, for errors).
pub(crate) fn decode_base64(value: &[u8], start: usize) -> Result<Vec<u8>, ValueError> {
    let compact = strip_fws(value);
    LENIENT_BASE64.decode(&compact).map_err(|error| {
        let (offset, reason) = match error {
            base64::DecodeError::InvalidByte(i, _) => (i, "invalid base64 character"),
            base64::DecodeError::InvalidLength(i) => (i, "base64 text of an impossible length"),
            base64::DecodeError::InvalidLastSymbol(i, _) => (i, "base64 text with trailing bits"),
            base64::DecodeError::InvalidPadding => (compact.len(), "misplaced base64 padding"),
        };
        ValueError {
            position: start + original_offset(value, offset),
            reason,
        }
    })
}

/// The offset in `value` of its `k`-th byte that is not FWS (the end when
/// there are fewer).
fn original_offset(value: &[u8], k: usize) -> usize {
    value
        .iter()
        .enumerate()
        .filter(|&(_, &b)| !is_fws_byte(b))
        .nth(k)
        .map_or(value.len(), |(i, _)| i)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// Decodes dkim-quoted-printable (RFC 6376 §2.11): FWS is dropped, `=XX`
/// is the octet XX (hex digits of either case), anything else is itself.
pub(crate) fn decode_dkim_qp(value: &[u8], start: usize) -> Result<Vec<u8>, ValueError> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while let Some(&b) = value.get(i) {
        if is_fws_byte(b) {
            i += 1;
        } else if b == b'=' {
            let high = value.get(i + 1).copied().and_then(hex_value);
            let low = value.get(i + 2).copied().and_then(hex_value);
            let (Some(high), Some(low)) = (high, low) else {
                return Err(ValueError {
                    position: start + i,
                    reason: "'=' not followed by two hex digits",
                });
            };
            out.push(high << 4 | low);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Ok(out)
}

/// Decodes a qp-section (RFC 2045 quoted-printable, as in a key record's
/// `n=`) leniently: white space is kept, line breaks are unfolded, `=XX` is
/// the octet XX and a `=` without two hex digits is kept as it is; the
/// result is read as UTF-8 with invalid sequences replaced.
pub(crate) fn decode_qp_section_lossy(value: &[u8]) -> String {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while let Some(&b) = value.get(i) {
        if b == b'\r' || b == b'\n' {
            i += 1;
            continue;
        }
        if b == b'=' {
            let high = value.get(i + 1).copied().and_then(hex_value);
            let low = value.get(i + 2).copied().and_then(hex_value);
            if let (Some(high), Some(low)) = (high, low) {
                out.push(high << 4 | low);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a run of decimal digits, saturating at `u64::MAX`.
pub(crate) fn parse_digits(value: &[u8], start: usize) -> Result<u64, ValueError> {
    if value.is_empty() {
        return Err(ValueError {
            position: start,
            reason: "empty number",
        });
    }
    let mut n: u64 = 0;
    for (i, &b) in value.iter().enumerate() {
        if !b.is_ascii_digit() {
            return Err(ValueError {
                position: start + i,
                reason: "not a decimal digit",
            });
        }
        n = n.saturating_mul(10).saturating_add(u64::from(b - b'0'));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use proptest::prelude::*;

    fn names_values(input: &[u8]) -> Vec<(&str, &[u8])> {
        parse_tag_list(input)
            .unwrap()
            .into_iter()
            .map(|t| (t.name, t.value))
            .collect()
    }

    fn err(input: &[u8]) -> TagListError {
        parse_tag_list(input).unwrap_err()
    }

    #[test]
    fn empty_and_white_space_only_are_empty_lists() {
        assert!(parse_tag_list(b"").unwrap().is_empty());
        assert!(parse_tag_list(b"   \t ").unwrap().is_empty());
        assert!(parse_tag_list(b" \r\n \n\t").unwrap().is_empty());
        assert!(parse_tag_list(b"\r\n").unwrap().is_empty());
    }

    #[test]
    fn simple_list_with_and_without_trailing_semicolon() {
        assert_eq!(
            names_values(b"v=1; a=rsa-sha256"),
            vec![("v", &b"1"[..]), ("a", &b"rsa-sha256"[..])]
        );
        assert_eq!(
            names_values(b"v=1;a=rsa-sha256;"),
            vec![("v", &b"1"[..]), ("a", &b"rsa-sha256"[..])]
        );
        assert_eq!(names_values(b"v=1; "), vec![("v", &b"1"[..])]);
    }

    #[test]
    fn ranges_point_into_the_input() {
        let input = b" ab_1 = x y ;c=";
        let tags = parse_tag_list(input).unwrap();
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[0].name, "ab_1");
        assert_eq!(tags[0].name_range, 1..5);
        assert_eq!(tags[0].value, b"x y");
        assert_eq!(tags[0].value_range, 8..11);
        assert_eq!(tags[0].spec_value_range, 7..12);
        assert_eq!(tags[1].name, "c");
        assert_eq!(tags[1].value, b"");
        assert_eq!(tags[1].value_range, 15..15);
        assert_eq!(tags[1].spec_value_range, 15..15);
    }

    #[test]
    fn empty_values() {
        assert_eq!(
            names_values(b"a=; b= ;c=\r\n "),
            vec![("a", &b""[..]), ("b", &b""[..]), ("c", &b""[..])]
        );
    }

    #[test]
    fn folding_with_crlf_and_bare_lf() {
        let input = b"a=one\r\n two;\r\n\tb\n =\n three\n\tfour ;\n c=5";
        let tags = parse_tag_list(input).unwrap();
        assert_eq!(tags[0].value, b"one\r\n two");
        assert_eq!(tags[1].name, "b");
        assert_eq!(tags[1].value, b"three\n\tfour");
        assert_eq!(&input[tags[1].value_range.clone()], b"three\n\tfour");
        assert_eq!(tags[2].value, b"5");
    }

    #[test]
    fn a_line_break_not_followed_by_white_space_is_an_error() {
        assert_eq!(err(b"a=b\r\nc=d").position, 3);
        assert_eq!(err(b"a=b\nc=d").position, 3);
        assert_eq!(err(b"a=b\rc").position, 3);
    }

    #[test]
    fn a_final_line_break_is_ignored() {
        let tags = parse_tag_list(b"a=b;\r\n").unwrap();
        assert_eq!(tags[0].spec_value_range, 2..3);
        let tags = parse_tag_list(b"a=b \n").unwrap();
        assert_eq!(tags[0].value, b"b");
        assert_eq!(tags[0].spec_value_range, 2..4);
    }

    #[test]
    fn utf8_values_are_accepted() {
        let input = "i=jos\u{e9}@exampl\u{e9}.com; n=\u{1F600}".as_bytes();
        let tags = parse_tag_list(input).unwrap();
        assert_eq!(tags[0].value, "jos\u{e9}@exampl\u{e9}.com".as_bytes());
        assert_eq!(tags[1].value, "\u{1F600}".as_bytes());
    }

    #[test]
    fn equals_inside_values_is_fine() {
        assert_eq!(
            names_values(b"b=abc==; z=a=20b"),
            vec![("b", &b"abc=="[..]), ("z", &b"a=20b"[..])]
        );
        // Base64 folded before its padding, and qp escapes after white space.
        assert_eq!(names_values(b"b=AAAA AB=="), vec![("b", &b"AAAA AB=="[..])]);
        assert_eq!(names_values(b"b=AAAA AB ="), vec![("b", &b"AAAA AB ="[..])]);
        assert_eq!(names_values(b"b=AAAA AB="), vec![("b", &b"AAAA AB="[..])]);
        assert_eq!(
            names_values(b"z=x demo=3Arun"),
            vec![("z", &b"x demo=3Arun"[..])]
        );
    }

    #[test]
    fn words_that_read_as_tags_belong_to_the_value() {
        // RFC 6376 §3.2: tag-value = [ tval *( 1*(WSP / FWS) tval ) ], and
        // VALCHAR includes "=".
        assert_eq!(names_values(b"a=b c=d"), vec![("a", &b"b c=d"[..])]);
        assert_eq!(
            names_values(b"n=see x=y; p="),
            vec![("n", &b"see x=y"[..]), ("p", &b""[..])]
        );
        assert_eq!(
            names_values(b"a=b\r\n c = xyz"),
            vec![("a", &b"b\r\n c = xyz"[..])]
        );
    }

    #[test]
    fn duplicate_names_are_an_error_at_the_second() {
        let e = err(b"a=1; b=2; a=3");
        assert_eq!(e.position, 10);
        assert_eq!(e.reason, "duplicate tag");
        // Names are case-sensitive.
        assert_eq!(names_values(b"a=1; A=2").len(), 2);
    }

    #[test]
    fn duplicates_in_long_lists() {
        let mut input = String::new();
        for i in 0..100 {
            input.push_str(&alloc::format!("t{i}=x;"));
        }
        assert_eq!(parse_tag_list(input.as_bytes()).unwrap().len(), 100);
        let at = input.len();
        input.push_str("t57=y");
        assert_eq!(err(input.as_bytes()), syntax(at, "duplicate tag"));
    }

    #[test]
    fn syntax_errors_and_their_positions() {
        assert_eq!(err(b"=1"), syntax(0, "expected a tag name"));
        assert_eq!(err(b"1a=1"), syntax(0, "expected a tag name"));
        assert_eq!(err(b"a=1;;b=2"), syntax(4, "expected a tag name"));
        assert_eq!(err(b";"), syntax(0, "expected a tag name"));
        assert_eq!(err(b"a"), syntax(1, "expected '=' after the tag name"));
        assert_eq!(err(b"a-b=1"), syntax(1, "expected '=' after the tag name"));
        assert_eq!(err(b"a b=1"), syntax(2, "expected '=' after the tag name"));
        assert_eq!(
            err(b"a=1\x00"),
            syntax(3, "unexpected character in a tag value")
        );
        assert_eq!(
            err(b"a=x\x7fy"),
            syntax(3, "unexpected character in a tag value")
        );
        assert_eq!(err(b"a=b; \xc3\xa9=1"), syntax(5, "expected a tag name"));
    }

    #[test]
    fn helpers() {
        assert_eq!(strip_fws(b" a\r\n b\tc "), b"abc");
        assert_eq!(trim_fws(b" \r\n ab c\t"), (4, &b"ab c"[..]));
        assert_eq!(trim_fws(b"   "), (3, &b""[..]));
        let pieces: Vec<_> = split_list(b"a : b:\r\n c", 10, b':').collect();
        assert_eq!(
            pieces,
            vec![(10, &b"a"[..]), (14, &b"b"[..]), (19, &b"c"[..])]
        );
        assert_eq!(decode_base64(b"QUJD", 0).unwrap(), b"ABC");
        assert_eq!(decode_base64(b"QU\r\n JD QQ==", 0).unwrap(), b"ABCA");
        assert_eq!(decode_base64(b"QUJDQQ", 0).unwrap(), b"ABCA");
        assert_eq!(
            decode_base64(b"QU JD*Q==", 5).unwrap_err(),
            ValueError {
                position: 5 + 5,
                reason: "invalid base64 character"
            }
        );
        assert_eq!(decode_dkim_qp(b"a=20b =3d\r\n c", 0).unwrap(), b"a b=c");
        assert_eq!(decode_dkim_qp(b"ab=2", 7).unwrap_err().position, 9);
        assert_eq!(decode_dkim_qp(b"=G0", 0).unwrap_err().position, 0);
        assert_eq!(decode_qp_section_lossy(b"hi there=21 =zz"), "hi there! =zz");
        assert_eq!(decode_qp_section_lossy(b"=FF"), "\u{fffd}");
        assert_eq!(parse_digits(b"0123", 0).unwrap(), 123);
        assert_eq!(
            parse_digits(b"99999999999999999999999", 0).unwrap(),
            u64::MAX
        );
        assert_eq!(parse_digits(b"12a", 3).unwrap_err().position, 5);
        assert_eq!(parse_digits(b"", 3).unwrap_err().position, 3);
    }

    proptest! {
        #[test]
        fn never_panics(input in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(tags) = parse_tag_list(&input) {
                prop_assert!(tags.len() <= input.len() / 2 + 1);
                for t in &tags {
                    prop_assert_eq!(&input[t.value_range.clone()], t.value);
                    prop_assert_eq!(input[t.name_range.clone()].to_vec(), t.name.as_bytes().to_vec());
                }
            }
        }

        #[test]
        fn never_panics_on_tag_like_text(input in "[ a-c=;\r\n\t\u{e9}]{0,80}") {
            let _ = parse_tag_list(input.as_bytes());
        }
    }
}
