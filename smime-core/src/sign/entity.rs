//! Preparing what is signed: the RFC 5322 header fields stay outside, the
//! MIME entity (its `Content-*` fields and body) is made 7-bit safe where it
//! is a single part (RFC 8551 §3.1.2) and put in canonical CRLF form
//! (§3.1.1).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use mailsec_message::{
    HeaderBlock, Limits, canonicalize_crlf, encode_base64_lines, encode_quoted_printable,
    is_seven_bit, parse_content_type,
};

use super::SignError;

/// A message split for signing.
#[derive(Debug)]
pub(super) struct Prepared {
    /// The fields that stay on the outer message, CRLF-terminated.
    pub(super) outer: Vec<u8>,
    /// The MIME entity to sign, canonical.
    pub(super) entity: Vec<u8>,
}

/// Splits `message` into outer fields and the canonical MIME entity.
pub(super) fn prepare(message: &[u8]) -> Result<Prepared, SignError> {
    let block = HeaderBlock::parse(message, &Limits::default())
        .map_err(|e| SignError::Message(e.to_string()))?;
    let (fields, body) = if block.fields().is_empty() {
        // No header at all: the whole input is a plain-text body.
        let body = message
            .strip_prefix(b"\r\n")
            .or_else(|| message.strip_prefix(b"\n"))
            .unwrap_or(message);
        (&[][..], body)
    } else {
        (
            block.fields(),
            message.get(block.body_offset()..).unwrap_or_default(),
        )
    };
    let mut outer = Vec::new();
    let mut entity_fields: Vec<Vec<u8>> = Vec::new();
    let mut content_type = None;
    let mut transfer_encoding = None;
    for field in fields {
        let name = field.name();
        let is_content = name.len() > 8
            && name
                .get(..8)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"content-"));
        if is_content {
            if field.is("Content-Type") {
                content_type = Some(
                    parse_content_type(&field.unfolded_value())
                        .map_err(|e| SignError::Message(alloc::format!("Content-Type: {e}")))?,
                );
            }
            if field.is("Content-Transfer-Encoding") {
                // Kept as written unless the body is re-encoded below.
                transfer_encoding = Some((
                    entity_fields.len(),
                    String::from_utf8_lossy(&field.unfolded_value())
                        .trim()
                        .to_ascii_lowercase(),
                ));
            }
            entity_fields.push(crlf_field(field.raw()));
        } else if !field.is("MIME-Version") {
            outer.extend(crlf_field(field.raw()));
        }
    }
    let leaf = content_type
        .as_ref()
        .is_none_or(|ct| !ct.is_multipart() && !ct.media_type.eq_ignore_ascii_case("message"));
    let is_text = content_type
        .as_ref()
        .is_none_or(|ct| ct.media_type.eq_ignore_ascii_case("text"));
    let identity = transfer_encoding
        .as_ref()
        .map(|(_, cte)| cte.as_str())
        .is_none_or(|cte| matches!(cte, "7bit" | "8bit" | "binary"));
    let original = body;
    let mut new_encoding = None;
    let body: Vec<u8> = if leaf && identity && !is_seven_bit(body) {
        if is_text {
            new_encoding = Some("quoted-printable");
            encode_quoted_printable(body)
        } else {
            new_encoding = Some("base64");
            encode_base64_lines(body)
        }
    } else {
        canonicalize_crlf(body).into_owned()
    };
    if let Some(cte) = new_encoding {
        let field = alloc::format!("Content-Transfer-Encoding: {cte}\r\n").into_bytes();
        match transfer_encoding {
            Some((at, _)) => {
                if let Some(slot) = entity_fields.get_mut(at) {
                    *slot = field;
                }
            }
            None => entity_fields.push(field),
        }
    }
    if content_type.is_none() {
        // RFC 2045 §5.2's default, with the charset the text is in.
        let ct: &[u8] = if body_is_ascii(original) {
            b"Content-Type: text/plain; charset=us-ascii\r\n"
        } else if core::str::from_utf8(original).is_ok() {
            b"Content-Type: text/plain; charset=utf-8\r\n"
        } else {
            b"Content-Type: text/plain\r\n"
        };
        entity_fields.insert(0, ct.to_vec());
    }
    let mut entity = entity_fields.concat();
    entity.extend_from_slice(b"\r\n");
    entity.extend_from_slice(&body);
    Ok(Prepared { outer, entity })
}

fn body_is_ascii(body: &[u8]) -> bool {
    body.iter().all(|&b| b != 0 && b < 0x80)
}

/// One header field with its line breaks (folding included) made CRLF, and
/// a CRLF at its end.
fn crlf_field(raw: &[u8]) -> Vec<u8> {
    let mut out = canonicalize_crlf(raw).into_owned();
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(message: &str) -> String {
        String::from_utf8(prepare(message.as_bytes()).unwrap().entity).unwrap()
    }

    #[test]
    fn splits_outer_and_content_fields() {
        let p = prepare(
            b"From: a@example.com\nTo: b@example.com\nMIME-Version: 1.0\nContent-Type: text/plain\nSubject: hi\n\nbody\n",
        )
        .unwrap();
        assert_eq!(
            p.outer,
            b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n"
        );
        assert_eq!(p.entity, b"Content-Type: text/plain\r\n\r\nbody\r\n");
    }

    #[test]
    fn bare_text_gets_a_content_type() {
        assert_eq!(
            entity("\nhello\n"),
            "Content-Type: text/plain; charset=us-ascii\r\n\r\nhello\r\n"
        );
        assert_eq!(
            entity("Subject: x\n\nhello"),
            "Content-Type: text/plain; charset=us-ascii\r\n\r\nhello"
        );
    }

    #[test]
    fn eight_bit_text_becomes_quoted_printable() {
        let e = entity("Content-Type: text/plain; charset=utf-8\n\nCaf\u{e9} \nFrom here\n.\n");
        assert_eq!(
            e,
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9=20\r\n=46rom here\r\n=2E\r\n"
        );
        let e = entity("Subject: x\n\nna\u{ef}ve\n");
        assert!(
            e.starts_with("Content-Type: text/plain; charset=utf-8\r\n"),
            "{e}"
        );
        let long = "x".repeat(2000);
        let e = entity(&alloc::format!("Content-Type: text/plain\n\n{long}\n"));
        assert!(e.lines().all(|l| l.len() <= 76), "{e}");
        let decoded = mailsec_message::decode_quoted_printable(
            e.split("\r\n\r\n").nth(1).unwrap().as_bytes(),
        );
        assert_eq!(decoded, alloc::format!("{long}\r\n").as_bytes());
    }

    #[test]
    fn binary_becomes_base64_and_multipart_is_kept() {
        let p = prepare(
            b"Content-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\n\x00\x01\xff\n",
        )
        .unwrap();
        assert_eq!(
            p.entity,
            b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAH/Cg==\r\n"
        );
        let m = "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n--b--\n";
        assert_eq!(entity(m), m.replace('\n', "\r\n"));
    }

    #[test]
    fn transfer_encoding_kept_unless_re_encoded() {
        // Kept as written, in its place.
        let m = "Content-Transfer-Encoding: 7BIT\nContent-Type: text/plain\n\nplain\n";
        assert_eq!(entity(m), m.replace('\n', "\r\n"));
        // Replaced in its place when the body is re-encoded.
        let e = entity("Content-Transfer-Encoding: 8bit\nContent-Type: text/plain\n\nna\u{ef}ve\n");
        assert_eq!(
            e,
            "Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain\r\n\r\nna=C3=AFve\r\n"
        );
    }
}
