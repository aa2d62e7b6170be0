//! MIME splitting on arbitrary bytes: never panics, and every multipart's
//! preamble, delimiters, parts, close delimiter and epilogue tile its body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailsec_message::{Entity, Limits, canonicalize_crlf, parse_content_type, parse_entity};

fn check(data: &[u8], entity: &Entity<'_>) {
    assert_eq!(data.get(entity.range()), Some(entity.raw()));
    assert_eq!(data.get(entity.body_range()), Some(entity.body()));
    let Some(multi) = entity.multipart() else { return };
    let body = entity.body_range();
    let mut pieces = vec![multi.preamble()];
    for (delimiter, part) in multi.delimiters().iter().zip(entity.parts()) {
        pieces.push(delimiter.clone());
        pieces.push(part.range());
    }
    assert_eq!(multi.delimiters().len(), entity.parts().len());
    pieces.extend(multi.close_delimiter());
    pieces.push(multi.epilogue());
    let mut at = body.start;
    for piece in pieces {
        assert_eq!(piece.start, at, "pieces of a multipart body must tile it");
        at = piece.end;
    }
    assert_eq!(at, body.end);
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    if let Ok(top) = parse_entity(data, &limits) {
        // Walk the tree without recursion.
        let mut stack = vec![&top];
        while let Some(entity) = stack.pop() {
            check(data, entity);
            stack.extend(entity.parts());
        }
    }
    let _ = parse_content_type(data);
    let canonical = canonicalize_crlf(data);
    assert_eq!(canonicalize_crlf(&canonical), canonical);
});
