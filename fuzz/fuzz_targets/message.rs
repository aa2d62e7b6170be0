//! The whole message layer the way DKIM, DMARC and S/MIME use it: split the
//! MIME tree, then read every entity's From, Sender, To and Cc and its
//! content type, and decode every leaf's body. Never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailsec_message::{
    Limits, decode_body, from_mailboxes, parse_address_list, parse_content_type, parse_entity,
    sender_mailbox,
};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let Ok(top) = parse_entity(data, &limits) else { return };
    let mut stack = vec![&top];
    while let Some(entity) = stack.pop() {
        let header = entity.header();
        let _ = from_mailboxes(header, &limits);
        let _ = sender_mailbox(header);
        for name in ["To", "Cc"] {
            for field in header.get_all(name) {
                let _ = parse_address_list(field.value(), &limits);
            }
        }
        if let Some(ct) = header.get("Content-Type") {
            let _ = parse_content_type(ct.value());
        }
        if entity.parts().is_empty() {
            if let Ok(decoded) = decode_body(entity) {
                assert!(decoded.len() <= entity.body().len());
            }
        }
        stack.extend(entity.parts());
    }
});
