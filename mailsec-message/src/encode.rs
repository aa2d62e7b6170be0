//! Encoding bodies for transport (RFC 2045 §6.7, §6.8): quoted-printable and
//! base64 in lines, and the test of whether a body can travel as `7bit`.
//!
//! A signer needs these before signing (RFC 8551 §3.1.2: what is signed must
//! survive any transport, so 8-bit and binary content is encoded first);
//! [`transfer`](crate::decode_body)'s decoders undo them. Output lines end in
//! CRLF, the canonical form that is signed and sent.

use alloc::vec::Vec;

use base64::Engine as _;

/// The longest line SMTP carries (RFC 5322 §2.1.1), without its CRLF.
pub const MAX_LINE_LEN: usize = 998;

/// The longest encoded line quoted-printable and base64 allow (RFC 2045
/// §6.7 rule 5, §6.8), without its CRLF.
pub const ENCODED_LINE_LEN: usize = 76;

/// Whether `body` can travel as `7bit` (RFC 2045 §2.7): US-ASCII without
/// NUL, CR only as part of CRLF, lines of at most [`MAX_LINE_LEN`] octets.
/// A bare LF counts as a line break (the body is to be made CRLF anyway).
pub fn is_seven_bit(body: &[u8]) -> bool {
    // The OR of every byte: vectorised, unlike a short-circuiting scan.
    if body.iter().fold(0u8, |acc, &b| acc | b) >= 0x80 || memchr::memchr(0, body).is_some() {
        return false;
    }
    if memchr::memchr_iter(b'\r', body).any(|i| body.get(i.saturating_add(1)) != Some(&b'\n')) {
        return false;
    }
    let mut start = 0usize;
    for i in memchr::memchr_iter(b'\n', body) {
        let end = if i > start && body.get(i.saturating_sub(1)) == Some(&b'\r') {
            i.saturating_sub(1)
        } else {
            i
        };
        if end.saturating_sub(start) > MAX_LINE_LEN {
            return false;
        }
        start = i.saturating_add(1);
    }
    body.len().saturating_sub(start) <= MAX_LINE_LEN
}

/// Quoted-printable (RFC 2045 §6.7) of text. Line breaks (CRLF or LF) stay
/// line breaks, written CRLF; any other CR is data. Lines are soft-wrapped
/// (`=` CRLF) so that none passes [`ENCODED_LINE_LEN`]; white space before a
/// line break is encoded (rule 3), and so are a leading `From ` and a lone
/// `.`, which some transports alter. Every other printable byte but `=` is
/// written as it is.
pub fn encode_quoted_printable(text: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let hex = |n: u8| HEX.get(usize::from(n)).copied().unwrap_or(b'0');
    let mut out = Vec::with_capacity(text.len().saturating_mul(11) / 10);
    let mut lines = text.split(|&b| b == b'\n').peekable();
    while let Some(raw_line) = lines.next() {
        let last = lines.peek().is_none();
        // The CR of a CRLF; a CR at the very end is data.
        let line = if last {
            raw_line
        } else {
            raw_line.strip_suffix(b"\r").unwrap_or(raw_line)
        };
        let mut column = 0usize;
        for (i, &b) in line.iter().enumerate() {
            let at_end = i.saturating_add(1) == line.len();
            let literal = match b {
                b' ' | b'\t' => !at_end,
                b'F' => !(i == 0 && line.starts_with(b"From ")),
                b'.' => !(i == 0 && line.len() == 1),
                b'=' => false,
                33..=126 => true,
                _ => false,
            };
            let width = if literal { 1 } else { 3 };
            // Room is kept for the `=` of a soft line break.
            if column.saturating_add(width) > ENCODED_LINE_LEN.saturating_sub(1) {
                out.extend_from_slice(b"=\r\n");
                column = 0;
            }
            if literal {
                out.push(b);
            } else {
                out.extend_from_slice(&[b'=', hex(b >> 4), hex(b & 0x0f)]);
            }
            column = column.saturating_add(width);
        }
        if !last {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// Base64 (RFC 2045 §6.8) in lines of [`ENCODED_LINE_LEN`] characters, each
/// ending in CRLF (none for empty input).
pub fn encode_base64_lines(data: &[u8]) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    let lines = encoded.len().div_ceil(ENCODED_LINE_LEN);
    let mut out = Vec::with_capacity(encoded.len().saturating_add(lines.saturating_mul(2)));
    for chunk in encoded.as_bytes().chunks(ENCODED_LINE_LEN) {
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{canonicalize_crlf, decode_base64, decode_quoted_printable};
    use alloc::format;

    #[test]
    fn seven_bit_rules() {
        assert!(is_seven_bit(b""));
        assert!(is_seven_bit(b"a\r\nb\n"));
        assert!(!is_seven_bit(b"a\rb"));
        assert!(!is_seven_bit(b"a\r"));
        assert!(!is_seven_bit(b"\x00"));
        assert!(!is_seven_bit("caf\u{e9}".as_bytes()));
        assert!(!is_seven_bit(&[b'a'; 999]));
        assert!(is_seven_bit(&[b'a'; 998]));
        let mut long = [b'a'; 1000];
        long[998] = b'\r';
        long[999] = b'\n';
        assert!(is_seven_bit(&long), "998 octets and CRLF");
    }

    #[test]
    fn quoted_printable_cases() {
        assert_eq!(
            encode_quoted_printable("Caf\u{e9} \nFrom here\n.\nx=y\ttab\t".as_bytes()),
            b"Caf=C3=A9=20\r\n=46rom here\r\n=2E\r\nx=3Dy\ttab=09"
        );
        // A CR that is not part of a line break is data; so is a final one.
        assert_eq!(encode_quoted_printable(b"a\rb\r\n\r"), b"a=0Db\r\n=0D");
        assert_eq!(encode_quoted_printable(b""), b"");
        let long = "x".repeat(200);
        let e = encode_quoted_printable(long.as_bytes());
        assert!(e.split(|&b| b == b'\n').all(|l| l.len() <= 77), "76 and CR");
        assert_eq!(decode_quoted_printable(&e), long.as_bytes());
        // An escape is never split by a soft line break.
        let e = encode_quoted_printable(&[0xff; 60]);
        for line in e.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = line.strip_suffix(b"=").unwrap_or(line);
            assert_eq!(line.len() % 3, 0, "{line:?}");
        }
    }

    #[test]
    fn base64_lines_cases() {
        assert_eq!(encode_base64_lines(b""), b"");
        assert_eq!(encode_base64_lines(b"\x00\x01\xff\n"), b"AAH/Cg==\r\n");
        let data = [7u8; 57];
        assert_eq!(
            encode_base64_lines(&data).len(),
            76 + 2,
            "57 bytes fill a line"
        );
        assert_eq!(encode_base64_lines(&[7u8; 58]).len(), 76 + 2 + 4 + 2);
    }

    proptest::proptest! {
        #[test]
        fn quoted_printable_round_trips(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let encoded = encode_quoted_printable(&data);
            proptest::prop_assert!(is_seven_bit(&encoded));
            for line in encoded.split(|&b| b == b'\n') {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                proptest::prop_assert!(line.len() <= ENCODED_LINE_LEN);
                proptest::prop_assert!(!line.ends_with(b" ") && !line.ends_with(b"\t"));
            }
            // Decoding gives the text with its line breaks made CRLF.
            let decoded = decode_quoted_printable(&encoded);
            proptest::prop_assert_eq!(&decoded[..], &canonicalize_crlf(&data)[..], "{:?}", format!("{encoded:?}"));
        }

        #[test]
        fn base64_lines_round_trip(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let encoded = encode_base64_lines(&data);
            proptest::prop_assert!(is_seven_bit(&encoded));
            proptest::prop_assert!(encoded.split(|&b| b == b'\n').all(|l| l.len() <= ENCODED_LINE_LEN + 1));
            proptest::prop_assert_eq!(decode_base64(&encoded).unwrap(), data);
        }
    }
}
