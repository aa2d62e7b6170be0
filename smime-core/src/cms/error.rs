//! The errors of CMS decoding and of SignerInfo verification.

use alloc::string::String;
use der::asn1::ObjectIdentifier;

use crate::crypto::SignatureError;

/// Why bytes are not an acceptable CMS structure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CmsError {
    /// The input is larger than [`MAX_CMS_SIZE`](crate::MAX_CMS_SIZE).
    #[error("CMS input of {0} bytes is larger than the limit")]
    TooLarge(usize),
    /// Not well-formed BER/DER.
    #[error("malformed encoding at byte {offset}: {what}")]
    Encoding {
        /// Absolute byte offset in the input.
        offset: usize,
        /// What was wrong.
        what: String,
    },
    /// A field is missing, has the wrong type, or does not decode.
    #[error("malformed {field} at byte {offset}: {what}")]
    Malformed {
        /// The ASN.1 field (e.g. `SignerInfo.digestAlgorithm`).
        field: &'static str,
        /// Absolute byte offset in the input.
        offset: usize,
        /// What was wrong.
        what: String,
    },
    /// The ContentInfo is not of the expected content type.
    #[error("content type {0} is not id-signedData")]
    NotSignedData(ObjectIdentifier),
    /// More entries than a limit allows.
    #[error("more than {limit} {what}")]
    LimitExceeded {
        /// Which list (`certificates`, `crls`, `signerInfos`, `signed attributes`).
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// Bytes after the end of the outer ContentInfo.
    #[error("{0} bytes after the end of the ContentInfo")]
    TrailingData(usize),
}

impl CmsError {
    pub(crate) fn malformed(field: &'static str, offset: usize, what: impl Into<String>) -> Self {
        Self::Malformed {
            field,
            offset,
            what: what.into(),
        }
    }
}

impl From<super::ber::BerError> for CmsError {
    fn from(e: super::ber::BerError) -> Self {
        Self::Encoding {
            offset: e.offset,
            what: alloc::format!("{}", e.kind),
        }
    }
}

/// Why a SignerInfo does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignerError {
    /// The digest or signature algorithm is refused by the policy.
    #[error("algorithm refused: {0}")]
    AlgorithmRefused(SignatureError),
    /// The digest or signature algorithm (or its parameters) is not implemented.
    #[error("unsupported algorithm: {0}")]
    UnsupportedAlgorithm(SignatureError),
    /// The signer's public key is unusable for this signature algorithm.
    #[error("unusable signer key: {0}")]
    BadKey(SignatureError),
    /// The signature does not verify (or its value is malformed).
    #[error("signature invalid: {0}")]
    SignatureInvalid(SignatureError),
    /// The message-digest attribute differs from the content's digest.
    #[error("message-digest attribute does not match the content")]
    MessageDigestMismatch,
    /// Signed attributes without a message-digest attribute.
    #[error("signed attributes without message-digest")]
    MissingMessageDigest,
    /// The content-type attribute differs from the eContentType.
    #[error("content-type attribute {attribute} differs from eContentType {econtent_type}")]
    ContentTypeMismatch {
        /// The attribute's value.
        attribute: ObjectIdentifier,
        /// The SignedData's eContentType.
        econtent_type: ObjectIdentifier,
    },
    /// Signed attributes without a content-type attribute.
    #[error("signed attributes without content-type")]
    MissingContentType,
    /// An attribute type occurs more than once (RFC 5652 §5.3).
    #[error("attribute {0} occurs more than once")]
    DuplicateAttribute(ObjectIdentifier),
    /// An attribute that must have exactly one value has another count (RFC 5652 §11).
    #[error("attribute {0} must have exactly one value")]
    AttributeValueCount(ObjectIdentifier),
    /// A countersignature among the signed attributes (RFC 5652 §11.4).
    #[error("countersignature is not allowed as a signed attribute")]
    CountersignatureInSignedAttributes,
    /// The signingCertificate(V2) attribute does not identify the signer certificate.
    #[error("signing-certificate attribute does not match the signer certificate")]
    SigningCertificateMismatch,
    /// No signed attributes, but the content is not id-data (RFC 5652 §5.3).
    #[error("signed attributes are required when eContentType is not id-data")]
    NoSignedAttributesForNonData,
    /// An Ed25519 signer with signed attributes must use SHA-512 (RFC 8419 §3).
    #[error("Ed25519 with signed attributes requires the SHA-512 digest algorithm")]
    DigestAlgorithmMismatch,
}

impl SignerError {
    /// Sorts a crypto error into the reason a verification fails.
    pub(crate) fn from_signature(e: SignatureError) -> Self {
        match e {
            SignatureError::Refused(_)
            | SignatureError::RsaKeySize { .. }
            | SignatureError::DsaKeySize { .. } => Self::AlgorithmRefused(e),
            SignatureError::Unsupported(_) => Self::UnsupportedAlgorithm(e),
            SignatureError::BadKey(_) | SignatureError::KeyMismatch { .. } => Self::BadKey(e),
            SignatureError::Malformed | SignatureError::Mismatch => Self::SignatureInvalid(e),
        }
    }
}
