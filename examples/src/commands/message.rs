//! `mailsec message [MESSAGE]`: how the message layer reads a message (header
//! fields with their offsets, the From and Sender mailboxes, the MIME tree).
//! Useful to see exactly which bytes DKIM or S/MIME will work on.

use std::ops::Range;

use mailsec_message::{
    Entity, Limits, Mailbox, MalformedKind, TransferEncoding, decode_body, from_mailboxes,
    parse_entity, sender_mailbox,
};
use serde_json::{Value, json};

use crate::cli::MessageArgs;
use crate::support::{Failure, print_json, read_input};

pub(crate) fn run(args: &MessageArgs) -> Result<(), Failure> {
    let input = read_input(args.message.as_deref())?;
    print_json(&describe(&input)?)
}

/// The JSON description of a message.
pub(crate) fn describe(input: &[u8]) -> Result<Value, Failure> {
    let limits = Limits::default();
    let top = parse_entity(input, &limits)
        .map_err(|e| Failure::new(format!("cannot parse the message: {e}")))?;
    let header = top.header();
    let fields: Vec<Value> = header
        .fields()
        .iter()
        .map(|f| {
            json!({
                "name": f.name_str(),
                "value": String::from_utf8_lossy(&f.unfolded_value()).trim().to_string(),
                "offset": f.offset(),
                "length": f.raw().len(),
            })
        })
        .collect();
    let malformed: Vec<Value> = header
        .malformed()
        .iter()
        .map(|m| {
            json!({
                "kind": malformed_word(m.kind),
                "offset": m.range.start,
                "length": m.range.len(),
            })
        })
        .collect();
    let from = match from_mailboxes(header, &limits) {
        Ok(list) => json!({ "mailboxes": list.iter().map(mailbox_json).collect::<Vec<_>>() }),
        Err(e) => json!({ "error": e.to_string() }),
    };
    let sender = match sender_mailbox(header) {
        Ok(None) => Value::Null,
        Ok(Some(m)) => json!({ "mailboxes": [mailbox_json(&m)] }),
        Err(e) => json!({ "error": e.to_string() }),
    };
    Ok(json!({
        "fields": fields,
        "malformed": malformed,
        "body_offset": top.body_range().start,
        "from": from,
        "sender": sender,
        "mime": entity_json(&top),
    }))
}

fn malformed_word(kind: MalformedKind) -> &'static str {
    match kind {
        MalformedKind::NoColon => "no_colon",
        MalformedKind::BadName => "bad_name",
        MalformedKind::OrphanContinuation => "orphan_continuation",
        _ => "other",
    }
}

/// One mailbox as JSON.
pub(crate) fn mailbox_json(m: &Mailbox) -> Value {
    json!({
        "display_name": m.display_name,
        "local_part": m.local_part,
        "domain": m.domain,
        "domain_unicode": m.domain_unicode,
        "address": m.address(),
    })
}

fn range_json(r: &Range<usize>) -> Value {
    json!([r.start, r.end])
}

/// A MIME entity and its parts. The tree is at most `Limits::max_depth` deep,
/// so the recursion here is bounded.
fn entity_json(entity: &Entity<'_>) -> Value {
    let mut out = serde_json::Map::new();
    out.insert(
        "content_type".into(),
        json!(entity.content_type().essence()),
    );
    out.insert("range".into(), range_json(&entity.range()));
    out.insert("header_range".into(), range_json(&entity.header_range()));
    out.insert("body_range".into(), range_json(&entity.body_range()));
    let encoding = match TransferEncoding::of(entity.header()) {
        TransferEncoding::SevenBit => "7bit".to_string(),
        TransferEncoding::EightBit => "8bit".to_string(),
        TransferEncoding::Binary => "binary".to_string(),
        TransferEncoding::QuotedPrintable => "quoted-printable".to_string(),
        TransferEncoding::Base64 => "base64".to_string(),
        TransferEncoding::Other(name) => name,
        _ => "other".to_string(),
    };
    out.insert("transfer_encoding".into(), json!(encoding));
    if entity.parts().is_empty() {
        let decoded = match decode_body(entity) {
            Ok(body) => json!(body.len()),
            Err(e) => json!({ "error": e.to_string() }),
        };
        out.insert("decoded_length".into(), decoded);
    }
    if let Some(e) = entity.content_type_error() {
        out.insert("content_type_error".into(), json!(e.to_string()));
    }
    if let Some(multi) = entity.multipart() {
        out.insert(
            "boundary".into(),
            json!(String::from_utf8_lossy(multi.boundary())),
        );
        out.insert("closed".into(), json!(multi.is_closed()));
        out.insert("preamble".into(), range_json(&multi.preamble()));
        out.insert("epilogue".into(), range_json(&multi.epilogue()));
        let parts = entity.parts().iter().map(entity_json).collect();
        out.insert("parts".into(), Value::Array(parts));
    }
    Value::Object(out)
}
