//! The address parsers on arbitrary bytes: never panic; every mailbox's span
//! lies inside the input and holds its `@`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailsec_message::{Address, Limits, parse_address_list, parse_mailbox, parse_mailbox_list};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let check = |m: &mailsec_message::Mailbox| {
        let span = data.get(m.span.clone()).expect("span inside the input");
        assert!(span.contains(&b'@'));
        // An empty local part only when quoted (`""@example.com`, RFC 5322).
        assert!(!m.domain.is_empty() && (m.local_part_quoted || !m.local_part.is_empty()));
        // Domain names are folded to lower case; domain literals such as
        // `[IPv6:2001:DB8::1]` are kept as written.
        if !m.domain.starts_with('[') {
            assert_eq!(m.domain, m.domain.to_ascii_lowercase());
        }
    };
    if let Ok(list) = parse_mailbox_list(data, &limits) {
        assert!(!list.is_empty() && list.len() <= limits.max_addresses);
        list.iter().for_each(check);
    }
    if let Ok(m) = parse_mailbox(data) {
        check(&m);
    }
    if let Ok(list) = parse_address_list(data, &limits) {
        for a in &list {
            match a {
                Address::Mailbox(m) => check(m),
                Address::Group { members, .. } => members.iter().for_each(check),
            }
        }
    }
});
