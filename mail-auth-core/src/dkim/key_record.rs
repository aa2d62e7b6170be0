//! The DKIM key record (RFC 6376 §3.6.1), parsed.

use alloc::string::String;
use alloc::vec::Vec;

use super::tag_list::TagListError;

/// One parsed key record (the TXT strings joined with nothing between them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRecord {
    /// `k=` as written, lowercased (default `rsa`).
    pub key_type: String,
    /// `h=`: acceptable hash algorithms, lowercased; `None` when absent (all).
    pub hash_algorithms: Option<Vec<String>>,
    /// `p=`, base64-decoded; empty means the key was revoked.
    pub public_key: Vec<u8>,
    /// `s=`: service types, lowercased (default `["*"]`).
    pub service_types: Vec<String>,
    /// `t=y`: the domain is testing DKIM.
    pub testing: bool,
    /// `t=s`: `i=` must not be a subdomain of `d=`.
    pub strict: bool,
    /// `n=`, decoded.
    pub notes: Option<String>,
}

/// Why a key record could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyRecordError {
    /// The tag-list syntax is broken (or a tag repeats).
    #[error(transparent)]
    TagList(#[from] TagListError),
    /// `v=` is present but not first, or not `DKIM1`.
    #[error("bad version tag")]
    Version,
    /// `p=` is missing.
    #[error("the required tag p= is missing")]
    MissingKey,
    /// A tag's value does not have its syntax.
    #[error("malformed {tag}= value at byte {position}: {reason}")]
    BadValue {
        /// The tag name.
        tag: &'static str,
        /// Offset of the value in the record.
        position: usize,
        /// What is wrong.
        reason: &'static str,
    },
}

impl KeyRecord {
    /// Parses a key record.
    pub fn parse(record: &[u8]) -> Result<Self, KeyRecordError> {
        let _ = record;
        Err(KeyRecordError::MissingKey)
    }
}
