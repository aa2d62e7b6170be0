//! The outcome of a path validation and its typed errors.

use alloc::string::String;
use alloc::vec::Vec;

use crate::certificate::Certificate;
use crate::crypto::SignatureError;

/// The verdict on an end-entity certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainStatus {
    /// A path to a given anchor was built and validates.
    Valid,
    /// A path to an anchor exists but fails validation.
    Invalid,
    /// No path to any given anchor could be built.
    Untrusted,
}

/// The result of [`validate_path`](crate::validate_path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathValidation {
    /// The verdict.
    pub status: ChainStatus,
    /// Why the chain is not valid (`None` when valid).
    pub error: Option<PathError>,
    /// The validated path, or the most relevant failing one: end entity
    /// first, anchor last (empty when not even a partial path exists).
    pub path: Vec<Certificate>,
    /// Subjects of certificates whose revocation could not be checked
    /// (no usable CRL, under [`RevocationMode::WhereAvailable`](crate::RevocationMode)).
    pub unchecked_revocation: Vec<String>,
    /// The DSA domain parameters (Dss-Parms, RFC 3279 §2.3.2) that the end
    /// entity's key inherited along the validated path, when its
    /// subjectPublicKeyInfo omits them (RFC 5280 §6.1.4(f): the
    /// working_public_key_parameters after the end entity). Signatures
    /// made with that key verify with these parameters. `None` when the
    /// key is not DSA, carries its own parameters, has nothing to inherit,
    /// or the path is not valid.
    pub end_entity_key_parameters: Option<der::Any>,
}

/// Why a certificate path does not validate. `subject` names the
/// certificate that failed (RFC 4514 form).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// No issuer could be found up to a trust anchor.
    #[error("no path to a trust anchor from {subject}")]
    NoPath {
        /// The last certificate reached.
        subject: String,
    },
    /// The certificate's signature does not verify with its issuer's key.
    #[error("signature of {subject} does not verify: {reason}")]
    Signature {
        /// The certificate.
        subject: String,
        /// What the signature check said.
        reason: SignatureError,
    },
    /// The time of validation is before notBefore.
    #[error("certificate {subject} is not yet valid")]
    NotYetValid {
        /// The certificate.
        subject: String,
    },
    /// The time of validation is after notAfter.
    #[error("certificate {subject} has expired")]
    Expired {
        /// The certificate.
        subject: String,
    },
    /// The issuer field does not chain to the previous certificate's subject.
    #[error("issuer of {subject} does not match the subject of its issuer")]
    NameChaining {
        /// The certificate.
        subject: String,
    },
    /// An intermediate lacks basicConstraints cA=TRUE.
    #[error("certificate {subject} is not a CA certificate")]
    NotCa {
        /// The certificate.
        subject: String,
    },
    /// A pathLenConstraint is exceeded.
    #[error("path length constraint exceeded at {subject}")]
    PathLength {
        /// The certificate.
        subject: String,
    },
    /// keyUsage forbids the use.
    #[error("key usage of {subject} does not allow {usage}")]
    KeyUsage {
        /// The certificate.
        subject: String,
        /// The missing usage.
        usage: &'static str,
    },
    /// extendedKeyUsage lacks emailProtection (RFC 8550 §4.4.4).
    #[error("extended key usage of {subject} does not allow email protection")]
    ExtendedKeyUsage {
        /// The certificate.
        subject: String,
    },
    /// A critical extension we do not process.
    #[error("certificate {subject} has an unknown critical extension {oid}")]
    UnknownCriticalExtension {
        /// The certificate.
        subject: String,
        /// The extension's OID.
        oid: String,
    },
    /// An extension that does not decode, appears twice, or exceeds a limit.
    #[error("certificate {subject} has a malformed extension {oid}")]
    MalformedExtension {
        /// The certificate.
        subject: String,
        /// The extension's OID.
        oid: String,
    },
    /// A name outside the permitted subtrees or inside an excluded one.
    #[error("name {name} of {subject} violates name constraints")]
    NameConstraints {
        /// The certificate.
        subject: String,
        /// The offending name.
        name: String,
    },
    /// The certificate policy processing of RFC 5280 §6.1 failed.
    #[error("certificate policy check failed at {subject}: {reason}")]
    Policy {
        /// The certificate.
        subject: String,
        /// What failed.
        reason: &'static str,
    },
    /// The certificate is revoked.
    #[error("certificate {subject} is revoked ({reason})")]
    Revoked {
        /// The certificate.
        subject: String,
        /// The CRL reason code, as text.
        reason: String,
    },
    /// No usable CRL covers the certificate (under `RevocationMode::Require`).
    #[error("revocation status of {subject} unknown")]
    RevocationUnknown {
        /// The certificate.
        subject: String,
    },
    /// The path is longer than allowed.
    #[error("path from {subject} is too long")]
    PathTooLong {
        /// The end entity.
        subject: String,
    },
    /// Path building stopped at its limit of paths or signature checks.
    #[error("path building limit reached for {subject}")]
    SearchLimit {
        /// The end entity.
        subject: String,
    },
}
