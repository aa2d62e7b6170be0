//! Signature and digest algorithms: the one place where an algorithm
//! identifier from a certificate, a CRL or a SignerInfo becomes a check.
//!
//! Used by the CMS layer (SignerInfo signatures) and by path validation
//! (certificate and CRL signatures), so that both refuse the same weak
//! algorithms for the same reasons.

use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// Which algorithms a verification accepts.
///
/// The default refuses MD5, SHA-1, DSA and RSA keys under 2048 bits
/// (RFC 8551 §2.1, RFC 8301's reasoning for mail). Archives of old mail opt in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgorithmPolicy {
    /// Accept SHA-1 digests (in signatures and message digests).
    pub allow_sha1: bool,
    /// Accept MD5 digests.
    pub allow_md5: bool,
    /// The smallest RSA modulus accepted, in bits.
    pub min_rsa_bits: usize,
}

impl Default for AlgorithmPolicy {
    fn default() -> Self {
        Self {
            allow_sha1: false,
            allow_md5: false,
            min_rsa_bits: 2048,
        }
    }
}

impl AlgorithmPolicy {
    /// A policy for archives: SHA-1 and RSA keys from 1024 bits accepted
    /// (MD5 stays refused: its collisions are practical).
    pub fn legacy() -> Self {
        Self {
            allow_sha1: true,
            allow_md5: false,
            min_rsa_bits: 1024,
        }
    }
}

/// A digest algorithm we can compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// SHA-1 (refused by default).
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// Why a signature or digest could not be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The algorithm is known but refused by the [`AlgorithmPolicy`].
    #[error("algorithm refused by policy: {0}")]
    Refused(&'static str),
    /// The algorithm (or its parameters) is not one we implement.
    #[error("unsupported algorithm {0}")]
    Unsupported(String),
    /// The public key does not parse or does not suit the algorithm.
    #[error("bad public key: {0}")]
    BadKey(&'static str),
    /// The signature value is malformed (wrong length, bad encoding).
    #[error("malformed signature value")]
    Malformed,
    /// The signature does not verify.
    #[error("signature does not verify")]
    Mismatch,
}

/// The digest algorithm named by an AlgorithmIdentifier (parameters absent or NULL).
pub(crate) fn digest_algorithm(
    _algorithm: &AlgorithmIdentifierOwned,
    _policy: &AlgorithmPolicy,
) -> Result<DigestAlgorithm, SignatureError> {
    Err(SignatureError::Unsupported("not yet implemented".into()))
}

/// Hashes `data` with `algorithm`.
pub(crate) fn digest(algorithm: DigestAlgorithm, data: &[u8]) -> Vec<u8> {
    let _ = (algorithm, data);
    Vec::new()
}

/// Verifies `signature` over `message` with the key in `spki`.
///
/// `signature_algorithm` is the AlgorithmIdentifier written beside the
/// signature (a certificate's or CRL's `signatureAlgorithm`, a SignerInfo's
/// `signatureAlgorithm`). `digest_algorithm` is the SignerInfo's
/// `digestAlgorithm` when there is one: CMS senders often write the bare
/// key algorithm (`rsaEncryption`, `id-ecPublicKey`) and name the digest
/// there. The message is hashed here (Ed25519 signs it whole, RFC 8419).
pub(crate) fn verify_signature(
    spki: &SubjectPublicKeyInfoOwned,
    signature_algorithm: &AlgorithmIdentifierOwned,
    digest_algorithm: Option<&AlgorithmIdentifierOwned>,
    message: &[u8],
    signature: &[u8],
    policy: &AlgorithmPolicy,
) -> Result<(), SignatureError> {
    let _ = (
        spki,
        signature_algorithm,
        digest_algorithm,
        message,
        signature,
        policy,
    );
    Err(SignatureError::Unsupported("not yet implemented".into()))
}
