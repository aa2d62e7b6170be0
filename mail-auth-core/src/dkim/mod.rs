//! DKIM signing and verification (RFC 6376, RFC 8301, RFC 8463).
//!
//! # Verifying
//!
//! [`DkimVerifier`] is a sans-IO state machine: give it the header block,
//! answer its one batch of key queries (it is a
//! [`DnsMachine`](mailsec_dns::DnsMachine)), feed the body in chunks of any
//! size, and [`finish`](DkimVerifier::finish) gives one [`DkimOutcome`] per
//! DKIM-Signature field. Memory is bounded by the header block, not the
//! message. [`verify_message`] does it all for a message in memory.
//!
//! The results are RFC 8601's words ([`DkimResult`]), each with a precise
//! [`DkimReason`]. The defaults of [`VerifyConfig`] are the safe ones:
//!
//! - rsa-sha1 is refused (`policy`, RFC 8301), as are RSA keys under 1024
//!   bits; keys over 8192 bits do not load (`permerror`);
//! - `x=` in the past and `t=` in the future (beyond a 300-second skew) are
//!   `policy`;
//! - `l=` that leaves body content unsigned is `policy` even when the
//!   signature verifies (RFC 6376 §8.2);
//! - a message with more than one instance of a field RFC 5322 allows once
//!   (From, Subject, ...) that `h=` signs is `policy` (RFC 6376 §8.15: a
//!   prepended From would otherwise ride on a valid signature);
//! - From must be signed and `i=` must be within `d=` (`neutral`);
//! - at most 8 signatures are evaluated; the rest are reported as `policy`.
//!
//! # Signing
//!
//! [`DkimSigner`] signs, streaming the same way: relaxed/relaxed by default,
//! the [`DEFAULT_SIGNED_HEADERS`] with From and the other single-instance
//! fields oversigned, `t=` always written.
//!
//! # Crypto
//!
//! The primitives come from a [`CryptoProvider`](crypto::CryptoProvider):
//! [`RustCrypto`](crypto::RustCrypto) by default, `ring` behind the `ring`
//! feature.

mod body_hash;
mod canonicalization;
pub mod crypto;
mod header_selection;
mod key_record;
mod keys;
mod result;
mod sign;
mod signature;
mod tag_list;
mod verify;

#[doc(hidden)]
pub use body_hash::bench_body_hash;
pub use canonicalization::{
    Canonicalization, canonical_body, canonical_body_chunked, canonical_header,
};
pub use key_record::{KeyRecord, KeyRecordError};
pub use keys::{GeneratedKey, dns_record, generate_ed25519, generate_rsa, signing_key_from_pem};
pub use result::{DkimOutcome, DkimReason, DkimResult};
pub use sign::{
    DEFAULT_OVERSIGNED_HEADERS, DEFAULT_SIGNED_HEADERS, DkimSignError, DkimSigner, SigningSession,
};
pub use signature::{DkimSignature, SignatureError, SigningAlgorithm};
pub use tag_list::TagListError;
pub use verify::{DkimVerifier, VerifyConfig, verify_message, verify_message_async};
