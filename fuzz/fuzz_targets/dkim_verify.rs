//! Whole-message DKIM verification on arbitrary bytes. The input is split at
//! its first NUL: before it, the text every key query is answered with (or
//! a DNS failure, chosen by its first byte); after it, the message. The
//! verifier gives one outcome per DKIM-Signature field and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mail_auth_core::dkim::{VerifyConfig, verify_message};
use mailsec_dns::{Answer, Failure, Query, Record, Resolver, Txt};
use mailsec_message::{HeaderBlock, Limits};

struct Oracle<'a>(&'a [u8]);

impl Resolver for Oracle<'_> {
    fn lookup(&self, _query: &Query) -> Answer {
        match self.0.first().map(|b| b % 8) {
            Some(0) => Answer::nx_domain(),
            Some(1) => Answer::failed(Failure::Timeout),
            Some(2) => Answer::no_data(),
            _ => Answer::records(vec![Record::Txt(Txt::from_bytes(self.0))]),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (record, message) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let config = VerifyConfig::new(1_700_000_000);
    if let Ok(outcomes) = verify_message(config, message, &Oracle(record)) {
        let end = mailsec_message::find_body_offset(message).unwrap_or(message.len());
        if let Ok(block) = HeaderBlock::parse(&message[..end], &Limits::default()) {
            assert_eq!(outcomes.len(), block.count("dkim-signature"));
        }
    }
});
