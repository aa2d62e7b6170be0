//! Content-Transfer-Encoding (RFC 2045 §6): which encoding a body uses, and
//! decoding base64 and quoted-printable bodies.
//!
//! ```text
//! encoding  := "Content-Transfer-Encoding" ":" mechanism
//! mechanism := "7bit" / "8bit" / "binary" /
//!              "quoted-printable" / "base64" /
//!              ietf-token / x-token
//! ```
//!
//! Decoding is for reading content (an S/MIME `application/pkcs7-mime` body,
//! a report attached to a message). Signatures are computed over the encoded
//! bytes, which [`Entity::raw`](crate::Entity::raw) keeps.
//!
//! Base64 (§6.8) ignores line breaks and white space, accepts missing padding,
//! and rejects any other byte outside the alphabet with its position: a body
//! with stray bytes is more likely damaged than meant. Quoted-printable (§6.7)
//! is decoded robustly, as the RFC recommends: trailing white space on a line
//! is dropped, `=` at the end of a line joins it to the next, `=XX` (either
//! case) is a byte, and an `=` that starts no valid escape is kept as it is.
//! Line breaks are kept as they arrived (CR LF or LF), and so are 8-bit bytes.
//! The `quoted_printable` crate was not used because its decoder drops bytes
//! above 0x7E and the final line break, which loses content.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;

use crate::header::HeaderBlock;
use crate::mime::Entity;

/// A body's transfer encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransferEncoding {
    /// `7bit`, the default: lines of US-ASCII.
    SevenBit,
    /// `8bit`: lines of octets.
    EightBit,
    /// `binary`: any octets.
    Binary,
    /// `quoted-printable`.
    QuotedPrintable,
    /// `base64`.
    Base64,
    /// Any other mechanism, in lower case (ASCII letters only), as written;
    /// see [`TransferEncoding::parse`].
    Other(String),
}

impl TransferEncoding {
    /// Reads the Content-Transfer-Encoding field of a header section (the
    /// first one, if several); `7bit` when there is none (RFC 2045 §6.1).
    pub fn of(header: &HeaderBlock<'_>) -> TransferEncoding {
        match header.get("content-transfer-encoding") {
            Some(field) => TransferEncoding::parse(field.value()),
            None => TransferEncoding::SevenBit,
        }
    }

    /// Reads a field value: a token, case-insensitive, with optional comments
    /// and white space around it. A value that is not one of the five known
    /// mechanisms is [`TransferEncoding::Other`]: the token in lower case, or,
    /// when the value holds more than one word, the whole value trimmed and
    /// in lower case (`" Base 64"` is `Other("base 64")`).
    pub fn parse(value: &[u8]) -> TransferEncoding {
        let mut token = String::new();
        let mut depth = 0usize;
        let mut escaped = false;
        let mut gap_after_token = false;
        for &b in value {
            if depth > 0 {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'(') => depth = depth.saturating_add(1),
                    (false, b')') => depth = depth.saturating_sub(1),
                    _ => {}
                }
                continue;
            }
            match b {
                b'(' => depth = 1,
                b' ' | b'\t' | b'\r' | b'\n' => gap_after_token = !token.is_empty(),
                _ => {
                    if gap_after_token {
                        // Two words: not a mechanism.
                        return TransferEncoding::Other(
                            String::from_utf8_lossy(value).trim().to_ascii_lowercase(),
                        );
                    }
                    token.push(char::from(b.to_ascii_lowercase()));
                }
            }
        }
        match token.as_str() {
            "" | "7bit" => TransferEncoding::SevenBit,
            "8bit" => TransferEncoding::EightBit,
            "binary" => TransferEncoding::Binary,
            "quoted-printable" => TransferEncoding::QuotedPrintable,
            "base64" => TransferEncoding::Base64,
            _ => TransferEncoding::Other(token),
        }
    }
}

/// Why a body could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// A byte that is neither base64 nor white space, or padding in the wrong place.
    #[error("invalid base64 byte 0x{byte:02x} at byte {position}")]
    Base64Byte {
        /// The byte.
        byte: u8,
        /// Where it is in the body.
        position: usize,
    },
    /// The base64 text ends in the middle of a byte.
    #[error("base64 text ends in the middle of a byte")]
    Base64Length,
    /// A transfer encoding this crate does not decode.
    #[error("unknown content-transfer-encoding {0:?}")]
    Unknown(String),
}

/// The decoded body of an entity: borrowed for `7bit`, `8bit` and `binary`.
pub fn decode_body<'a>(entity: &Entity<'a>) -> Result<Cow<'a, [u8]>, TransferError> {
    let body = entity.body();
    match TransferEncoding::of(entity.header()) {
        TransferEncoding::SevenBit | TransferEncoding::EightBit | TransferEncoding::Binary => {
            Ok(Cow::Borrowed(body))
        }
        TransferEncoding::Base64 => decode_base64(body).map(Cow::Owned),
        TransferEncoding::QuotedPrintable => Ok(Cow::Owned(decode_quoted_printable(body))),
        TransferEncoding::Other(name) => Err(TransferError::Unknown(name)),
    }
}

const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes a base64 body (RFC 2045 §6.8), ignoring line breaks and white space.
pub fn decode_base64(body: &[u8]) -> Result<Vec<u8>, TransferError> {
    let mut compact = Vec::with_capacity(body.len());
    for (position, &byte) in body.iter().enumerate() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' | b'=' => compact.push(byte),
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => return Err(TransferError::Base64Byte { byte, position }),
        }
    }
    BASE64.decode(&compact).map_err(|e| match e {
        base64::DecodeError::InvalidByte(index, byte)
        | base64::DecodeError::InvalidLastSymbol(index, byte) => TransferError::Base64Byte {
            byte,
            position: original_position(body, index),
        },
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidPadding => {
            TransferError::Base64Length
        }
    })
}

/// Where the `index`-th non-white-space byte of `body` is.
fn original_position(body: &[u8], index: usize) -> usize {
    body.iter()
        .enumerate()
        .filter(|(_, b)| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .nth(index)
        .map_or(body.len(), |(i, _)| i)
}

/// Decodes a quoted-printable body (RFC 2045 §6.7) robustly; never fails.
pub fn decode_quoted_printable(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    while !rest.is_empty() {
        let (line, ending, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(nl) => {
                let content_end = if nl > 0 && rest.get(nl.saturating_sub(1)) == Some(&b'\r') {
                    nl.saturating_sub(1)
                } else {
                    nl
                };
                let after = nl.saturating_add(1);
                (
                    rest.get(..content_end).unwrap_or_default(),
                    rest.get(content_end..after).unwrap_or_default(),
                    rest.get(after..).unwrap_or_default(),
                )
            }
            None => (rest, &b""[..], &b""[..]),
        };
        let line = trim_wsp_end(line);
        let (line, soft_break) = match line.strip_suffix(b"=") {
            Some(joined) => (joined, true),
            None => (line, false),
        };
        decode_qp_line(line, &mut out);
        if !soft_break {
            out.extend_from_slice(ending);
        }
        rest = next;
    }
    out
}

fn decode_qp_line(line: &[u8], out: &mut Vec<u8>) {
    let mut i = 0usize;
    while let Some(&b) = line.get(i) {
        if b == b'=' {
            let hex = |j: usize| line.get(j).and_then(|&h| char::from(h).to_digit(16));
            if let (Some(hi), Some(lo)) = (hex(i.saturating_add(1)), hex(i.saturating_add(2))) {
                out.push(u8::try_from(hi.saturating_mul(16).saturating_add(lo)).unwrap_or(b'?'));
                i = i.saturating_add(3);
                continue;
            }
        }
        out.push(b);
        i = i.saturating_add(1);
    }
}

fn trim_wsp_end(s: &[u8]) -> &[u8] {
    let end = s
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(0, |i| i.saturating_add(1));
    s.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;
    use crate::mime::parse_entity;

    #[test]
    fn mechanism_parsing() {
        let cases: &[(&[u8], TransferEncoding)] = &[
            (b" base64", TransferEncoding::Base64),
            (b" BASE64 (it is)", TransferEncoding::Base64),
            (b"\r\n\tQuoted-Printable", TransferEncoding::QuotedPrintable),
            (b" (a (nested) comment) 8bit", TransferEncoding::EightBit),
            (b" binary", TransferEncoding::Binary),
            (b" 7bit", TransferEncoding::SevenBit),
            (b"", TransferEncoding::SevenBit),
            (b" x-uuencode", TransferEncoding::Other("x-uuencode".into())),
            (b" base 64", TransferEncoding::Other("base 64".into())),
        ];
        for (value, want) in cases {
            assert_eq!(
                &TransferEncoding::parse(value),
                want,
                "{:?}",
                String::from_utf8_lossy(value)
            );
        }
    }

    #[test]
    fn other_mechanism_is_trimmed_and_lower_case() {
        let cases: &[(&[u8], &str)] = &[
            (b" Base 64", "base 64"),
            (b"\tX-UUENCODE (c) ", "x-uuencode"),
            (b" Quoted Printable\r\n ", "quoted printable"),
            (b" BASE64 x", "base64 x"),
        ];
        for (value, want) in cases {
            assert_eq!(
                TransferEncoding::parse(value),
                TransferEncoding::Other((*want).into()),
                "{:?}",
                String::from_utf8_lossy(value)
            );
        }
    }

    #[test]
    fn base64_ignores_line_breaks_and_reports_stray_bytes() {
        assert_eq!(
            decode_base64(b"aGVs\r\nbG8g\r\nd29y bGQ=\r\n").unwrap(),
            b"hello world"
        );
        assert_eq!(
            decode_base64(b"aGVsbG8\n").unwrap(),
            b"hello",
            "missing padding"
        );
        assert_eq!(decode_base64(b"").unwrap(), b"");
        assert_eq!(
            decode_base64(b"aGVs\r\nbG8*"),
            Err(TransferError::Base64Byte {
                byte: b'*',
                position: 9
            })
        );
        assert_eq!(
            decode_base64(b"aG=s\r\nbG8g"),
            Err(TransferError::Base64Byte {
                byte: b'=',
                position: 2
            })
        );
        assert_eq!(decode_base64(b"aGVsb"), Err(TransferError::Base64Length));
    }

    #[test]
    fn quoted_printable_rules() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"caf=C3=A9 ok\r\n", "café ok\r\n".as_bytes()),
            (b"soft=\r\nbreak\r\n", b"softbreak\r\n"),
            (b"soft= \t\nbreak", b"softbreak"),
            (b"trailing   \r\nspace\t\n", b"trailing\r\nspace\n"),
            (b"lower =3d and =e9", b"lower = and \xe9"),
            (b"bad =ZZ and =4 end=", b"bad =ZZ and =4 end"),
            (b"8bit \xc3\xa9 kept", "8bit é kept".as_bytes()),
            (b"no final newline", b"no final newline"),
            (b"\r\n\r\n", b"\r\n\r\n"),
        ];
        for (input, want) in cases {
            assert_eq!(
                decode_quoted_printable(input),
                *want,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn decode_body_by_header() {
        let limits = Limits::default();
        let m = b"Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n";
        assert_eq!(
            &*decode_body(&parse_entity(m, &limits).unwrap()).unwrap(),
            b"hello"
        );
        let m = b"Content-Transfer-Encoding: quoted-printable\r\n\r\na=3Db\r\n";
        assert_eq!(
            &*decode_body(&parse_entity(m, &limits).unwrap()).unwrap(),
            b"a=b\r\n"
        );
        let m = b"Subject: x\r\n\r\nplain\r\n";
        let e = parse_entity(m, &limits).unwrap();
        assert!(matches!(
            decode_body(&e).unwrap(),
            Cow::Borrowed(b"plain\r\n")
        ));
        let m = b"Content-Transfer-Encoding: x-uue\r\n\r\nbegin\r\n";
        assert_eq!(
            decode_body(&parse_entity(m, &limits).unwrap()),
            Err(TransferError::Unknown("x-uue".into()))
        );
    }

    proptest::proptest! {
        #[test]
        fn base64_round_trips_with_any_line_length(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300), width in 1usize..80, crlf in proptest::prelude::any::<bool>()) {
            let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
            let mut wrapped = Vec::new();
            for chunk in encoded.as_bytes().chunks(width) {
                wrapped.extend_from_slice(chunk);
                wrapped.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
            proptest::prop_assert_eq!(decode_base64(&wrapped).unwrap(), data);
        }

        #[test]
        fn quoted_printable_decodes_full_escaping(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            // Every byte escaped, with soft breaks every 25 escapes.
            let mut encoded = Vec::new();
            for (i, b) in data.iter().enumerate() {
                encoded.extend_from_slice(alloc::format!("={b:02X}").as_bytes());
                if i % 25 == 24 { encoded.extend_from_slice(b"=\r\n"); }
            }
            proptest::prop_assert_eq!(decode_quoted_printable(&encoded), data);
        }

        #[test]
        fn decoders_never_panic(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = decode_base64(&data);
            let out = decode_quoted_printable(&data);
            proptest::prop_assert!(out.len() <= data.len());
            let _ = TransferEncoding::parse(&data);
        }
    }
}
