//! SPF record parsing on arbitrary text: never panics; whatever parses
//! renders to text that parses to the same record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mail_auth_core::spf::Record;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(record) = Record::parse(text) {
        let rendered = record.to_string();
        let again = Record::parse(&rendered).expect("rendered record parses");
        assert_eq!(again, record, "{text:?} rendered as {rendered:?}");
    }
});
