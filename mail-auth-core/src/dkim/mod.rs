//! DKIM signing and verification (RFC 6376, RFC 8301, RFC 8463).

mod body_hash;
mod canonicalization;
pub mod crypto;
mod key_record;
mod keys;
mod signature;
mod tag_list;

pub use canonicalization::Canonicalization;
pub use key_record::{KeyRecord, KeyRecordError};
pub use signature::{DkimSignature, SignatureError, SigningAlgorithm};
pub use tag_list::TagListError;
