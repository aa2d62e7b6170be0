//! The DKIM-Signature header field (RFC 6376 §3.5): its tags, parsed.

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use super::canonicalization::Canonicalization;
use super::tag_list::TagListError;

/// A signing algorithm (`a=`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SigningAlgorithm {
    /// `rsa-sha256`.
    RsaSha256,
    /// `rsa-sha1` (RFC 8301: not to be trusted by default).
    RsaSha1,
    /// `ed25519-sha256` (RFC 8463).
    Ed25519Sha256,
}

/// One parsed DKIM-Signature field value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DkimSignature {
    /// `a=`.
    pub algorithm: SigningAlgorithm,
    /// `b=`, base64-decoded (folding white space inside removed).
    pub signature: Vec<u8>,
    /// `bh=`, base64-decoded.
    pub body_hash: Vec<u8>,
    /// `c=` header canonicalization (default simple).
    pub header_canonicalization: Canonicalization,
    /// `c=` body canonicalization (default simple).
    pub body_canonicalization: Canonicalization,
    /// `d=` as written (white space removed).
    pub domain: String,
    /// `h=`: the signed field names in order, as written (compare
    /// case-insensitively). Never empty; white space removed.
    pub signed_headers: Vec<String>,
    /// `i=` as written; `None` when absent (it defaults to `@` + `d=`).
    pub identity: Option<String>,
    /// `l=`.
    pub body_length: Option<u64>,
    /// `s=` as written.
    pub selector: String,
    /// `t=`.
    pub timestamp: Option<u64>,
    /// `x=`.
    pub expiration: Option<u64>,
    /// `z=`: the copied header fields, dkim-quoted-printable decoded.
    pub copied_headers: Vec<String>,
    /// Where the `b=` tag's value lies in the field value that was parsed
    /// (from just after `b=` to just before the following `;` or the end),
    /// so the verifier can hash the field with that value removed.
    pub signature_value_range: Range<usize>,
}

/// Why a DKIM-Signature value could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The tag-list syntax is broken (or a tag repeats).
    #[error(transparent)]
    TagList(#[from] TagListError),
    /// A required tag is absent.
    #[error("the required tag {0}= is missing")]
    MissingTag(&'static str),
    /// `v=` is not `1`.
    #[error("unsupported version v={0}")]
    Version(String),
    /// `a=` names an algorithm we do not know.
    #[error("unknown algorithm a={0}")]
    UnknownAlgorithm(String),
    /// A tag's value does not have its syntax.
    #[error("malformed {tag}= value at byte {position}: {reason}")]
    BadValue {
        /// The tag name.
        tag: &'static str,
        /// Offset of the value in the field value.
        position: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// `q=` does not offer `dns/txt`.
    #[error("no supported query method in q=")]
    QueryMethod,
}

impl DkimSignature {
    /// Parses a DKIM-Signature field value (the raw bytes after the colon,
    /// folding included).
    pub fn parse(value: &[u8]) -> Result<Self, SignatureError> {
        let _ = value;
        Err(SignatureError::MissingTag("v"))
    }
}
