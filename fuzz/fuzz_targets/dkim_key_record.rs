//! The DKIM key record parser on arbitrary bytes: a record or a typed error,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mail_auth_core::dkim::KeyRecord;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = KeyRecord::parse(data) {
        let _ = record.is_revoked();
        let _ = record.allows_email();
    }
});
