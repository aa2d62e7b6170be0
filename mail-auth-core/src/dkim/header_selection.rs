//! Which header fields a signature covers (RFC 6376 §5.4.2), and the header
//! hash input built from them (§3.7).

use alloc::vec::Vec;

use mailsec_message::HeaderField;

use super::canonicalization::{Canonicalization, canonicalize_header};

/// The fields RFC 5322 §3.6 allows at most once (and the MIME fields that
/// RFC 2045 allows once). A second instance of one that `h=` signs lets a
/// prepended copy ride on a valid signature (RFC 6376 §8.15).
pub(crate) const SINGLE_INSTANCE_FIELDS: &[&str] = &[
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "bcc",
    "message-id",
    "in-reply-to",
    "references",
    "subject",
    "date",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
];

/// Picks, for each name of `signed` in order, the last instance of that
/// field not picked yet (§5.4.2: from the bottom of the header up). A name
/// listed more often than the field occurs picks nothing the extra times: it
/// contributes nothing to the hash, which is how oversigning stops a field
/// from being added later.
///
/// `fields` is the whole header block in order. Runs in O(fields × names),
/// and both are bounded by the header size.
pub(crate) fn select<'f, 'a, S: AsRef<str>>(
    fields: &'f [HeaderField<'a>],
    signed: &[S],
) -> Vec<&'f HeaderField<'a>> {
    let mut used = alloc::vec![false; fields.len()];
    let mut picked = Vec::with_capacity(signed.len());
    for name in signed {
        let name = name.as_ref();
        let found = fields
            .iter()
            .enumerate()
            .rev()
            .find(|(i, f)| !used.get(*i).copied().unwrap_or(true) && f.is(name));
        if let Some((i, field)) = found {
            if let Some(slot) = used.get_mut(i) {
                *slot = true;
            }
            picked.push(field);
        }
    }
    picked
}

/// The raw field without its final line ending.
pub(crate) fn field_without_line_ending<'a>(field: &HeaderField<'a>) -> &'a [u8] {
    let raw = field.raw();
    raw.get(..raw.len().saturating_sub(field.line_ending().len()))
        .unwrap_or(raw)
}

/// Appends the canonical form of each selected field, each followed by CRLF.
pub(crate) fn append_selected(
    c: Canonicalization,
    selected: &[&HeaderField<'_>],
    out: &mut Vec<u8>,
) {
    for field in selected {
        canonicalize_header(c, field_without_line_ending(field), out);
        out.extend_from_slice(b"\r\n");
    }
}

/// How many times the most repeated single-instance field that `signed`
/// names occurs, with its name, when that is more than once.
pub(crate) fn repeated_single_field<'s, S: AsRef<str>>(
    fields: &[HeaderField<'_>],
    signed: &'s [S],
) -> Option<(&'s str, usize)> {
    signed
        .iter()
        .enumerate()
        .filter(|(i, name)| {
            // Each name once (oversigning lists names twice).
            !signed
                .iter()
                .take(*i)
                .any(|earlier| earlier.as_ref().eq_ignore_ascii_case(name.as_ref()))
        })
        .map(|(_, name)| name.as_ref())
        .filter(|name| {
            SINGLE_INSTANCE_FIELDS
                .iter()
                .any(|single| single.eq_ignore_ascii_case(name))
        })
        .map(|name| (name, fields.iter().filter(|f| f.is(name)).count()))
        .filter(|(_, count)| *count > 1)
        .max_by_key(|(_, count)| *count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailsec_message::{HeaderBlock, Limits};

    fn names<'a>(picked: &[&HeaderField<'a>]) -> Vec<Vec<u8>> {
        picked.iter().map(|f| f.value().to_vec()).collect()
    }

    #[test]
    fn bottom_up_and_oversigning() {
        let msg = b"Received: 1\r\nFrom: a\r\nReceived: 2\r\nTo: t\r\nReceived: 3\r\n\r\n";
        let block = HeaderBlock::parse(msg, &Limits::default()).unwrap();
        let picked = select(
            block.fields(),
            &["received", "from", "received", "from", "x"],
        );
        assert_eq!(
            names(&picked),
            vec![b" 3".to_vec(), b" a".to_vec(), b" 2".to_vec()]
        );
    }

    #[test]
    fn repeated_single_instance_fields() {
        let msg = b"From: a\r\nFrom: b\r\nReceived: x\r\nReceived: y\r\n\r\n";
        let block = HeaderBlock::parse(msg, &Limits::default()).unwrap();
        assert_eq!(
            repeated_single_field(block.fields(), &["From", "received"]),
            Some(("From", 2))
        );
        assert_eq!(repeated_single_field(block.fields(), &["received"]), None);
    }
}
