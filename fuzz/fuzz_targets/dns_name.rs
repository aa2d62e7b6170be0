//! Name parsing on arbitrary text: never panics; valid names round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailsec_dns::Name;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(name) = Name::new(text) {
        assert_eq!(Name::new(&name.to_string()).ok(), Some(name.clone()));
        assert!(name.as_str().len() <= mailsec_dns::MAX_NAME_LEN);
        let _ = name.parent();
        let _ = name.prepend("_dmarc");
    }
});
