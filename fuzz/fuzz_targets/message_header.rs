//! The header-section parser on arbitrary bytes: never panics, and every
//! field's offsets point at its own bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailsec_message::{HeaderBlock, Limits, find_body_offset};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let Ok(header) = HeaderBlock::parse(data, &limits) else { return };
    for field in header.fields() {
        assert_eq!(data.get(field.range()), Some(field.raw()));
        assert_eq!(data.get(field.value_range()), Some(field.value()));
        let _ = field.unfolded_value();
    }
    assert!(header.body_offset() <= data.len());
    // A streaming caller buffers up to find_body_offset; the header section
    // never ends after it (it may end earlier, at a non-header line).
    if header.has_separator() {
        assert_eq!(find_body_offset(data), Some(header.body_offset()));
    } else if let Some(n) = find_body_offset(data) {
        assert!(n >= header.body_offset());
    }
});
