//! The crypto backend seam, in the style of rustls's `CryptoProvider`.
//!
//! DKIM needs three primitives: a hash (SHA-256, and SHA-1 for rsa-sha1),
//! signature verification with a public key from DNS, and signing with a
//! private key. A [`CryptoProvider`] supplies all three. Two are built in:
//!
//! - [`RustCrypto`] (the default): `sha2`, `sha1`, `rsa` and `ed25519-dalek`,
//!   pure Rust;
//! - `Ring` (feature `ring`): `ring`'s assembly RSA and SHA-2, about three
//!   times as fast at RSA-2048 verification and signing
//!   (`benches/dkim_crypto.rs`); Ed25519 is about the same in both.
//!
//! Both pass the same test suite, and each verifies the other's signatures.
//! A caller may bring its own (an HSM for signing, say) by implementing the
//! traits.
//!
//! Why these crates: the default must build everywhere the crate does
//! (`no_std` + `alloc`, WebAssembly, any target `rustc` has) with no C
//! compiler or assembler, and RustCrypto is pure Rust with constant-time
//! big-number arithmetic and RSA blinding; `ed25519-dalek` is the reference
//! Rust Ed25519. `ring` (BoringSSL's assembly) is the fast option for a
//! receiver that verifies many RSA signatures and can build C and assembly.
//!
//! # Keys
//!
//! Both backends load and judge keys alike (the key encodings are parsed by
//! shared code):
//!
//! - RSA public keys (SubjectPublicKeyInfo or bare PKCS#1 RSAPublicKey) load
//!   from 512 to 8192 bits; outside that is [`KeyError::Size`]. Keys of 512
//!   to 1023 bits load so that the verifier's configurable minimum (1024 by
//!   default) reports them as policy; `ring` cannot verify with them, so the
//!   `ring` backend verifies those few with the RustCrypto code. The public
//!   exponent must be odd and 3 to 2^33 - 1, the modulus odd
//!   ([`KeyError::Malformed`] otherwise).
//! - Ed25519 public keys are the raw 32 bytes (RFC 8463 §4.2) and must be a
//!   curve point; anything else is [`KeyError::Malformed`].
//! - Private keys are PKCS#8 (RSA or Ed25519, v1 or v2; a v2 public key must
//!   match) or PKCS#1. RustCrypto signs with RSA keys of 1024 to 8192 bits;
//!   `ring` only with 2048, 3072 and 4096 bits ([`KeyError::Size`] for
//!   others, a 1024-bit key included).
//! - Ed25519 verification rejects S ≥ L (RFC 8032 §5.1.7) in both backends;
//!   RustCrypto uses `verify_strict`, which also rejects small-order public
//!   keys and R values (no honest signer makes them), so on such crafted
//!   input `ring` may accept what RustCrypto refuses.
//! - RSA signing blinds with the caller's `rng` in RustCrypto; `ring` uses
//!   its own `SystemRandom`. RSASSA-PKCS1-v1_5 signatures are deterministic,
//!   so both give the same bytes.
//!
//! The data handed to [`VerifyingKey::verify`] and [`SigningKey::sign`] is
//! the *canonicalized header data* of RFC 6376 §3.7, not a digest: `ring`
//! cannot verify an RSA signature over a precomputed digest. For
//! `ed25519-sha256` the backend hashes that data with SHA-256 and runs pure
//! Ed25519 over the 32-byte digest (RFC 8463 §3; not Ed25519ph).

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt::Debug;

mod encoding;
mod rust_crypto;
pub use rust_crypto::RustCrypto;

#[cfg(feature = "ring")]
mod ring;
#[cfg(feature = "ring")]
pub use self::ring::Ring;

/// A hash algorithm DKIM uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgorithm {
    /// SHA-1 (`rsa-sha1`; verified only when the caller opts in, RFC 8301).
    Sha1,
    /// SHA-256.
    Sha256,
}

impl HashAlgorithm {
    /// The digest length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
        }
    }
}

/// The type of a DKIM key (the key record's `k=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// RSA (`k=rsa`).
    Rsa,
    /// Ed25519 (`k=ed25519`, RFC 8463).
    Ed25519,
}

/// A running hash.
pub trait Hasher: Send {
    /// Feeds bytes.
    fn update(&mut self, data: &[u8]);
    /// The digest of everything fed.
    fn finish(self: Box<Self>) -> Vec<u8>;
}

/// A public key ready to verify signatures.
pub trait VerifyingKey: Debug + Send + Sync {
    /// The key type.
    fn key_type(&self) -> KeyType;
    /// The key size in bits (the RSA modulus; 256 for Ed25519).
    fn bits(&self) -> usize;
    /// Checks `signature` over `data` (the canonicalized header data):
    /// RSASSA-PKCS1-v1_5 with `hash` for RSA; for Ed25519, `hash` is SHA-256
    /// and the signature is pure Ed25519 over SHA-256(`data`).
    fn verify(
        &self,
        hash: HashAlgorithm,
        data: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureInvalid>;
}

/// A private key ready to sign.
pub trait SigningKey: Debug + Send + Sync {
    /// The key type.
    fn key_type(&self) -> KeyType;
    /// The key size in bits.
    fn bits(&self) -> usize;
    /// Signs `data` (the canonicalized header data) with SHA-256: RSASSA-PKCS1-v1_5
    /// for RSA, pure Ed25519 over SHA-256(`data`) for Ed25519. `rng` is the
    /// caller's generator, used for RSA blinding where the backend accepts one.
    fn sign(&self, data: &[u8], rng: &mut dyn rand_core::CryptoRng) -> Result<Vec<u8>, SignError>;
    /// The public key as DKIM publishes it in `p=`: SubjectPublicKeyInfo DER
    /// for RSA, the raw 32 bytes for Ed25519 (RFC 8463 §4.2).
    fn public_key(&self) -> Vec<u8>;
}

/// The primitives a DKIM verifier and signer need.
pub trait CryptoProvider: Debug + Send + Sync {
    /// A new running hash.
    fn hasher(&self, algorithm: HashAlgorithm) -> Box<dyn Hasher>;

    /// Loads a public key from a key record's `p=` bytes: for RSA a DER
    /// SubjectPublicKeyInfo, or a bare PKCS#1 RSAPublicKey (some publishers
    /// use it); for Ed25519 the raw 32 bytes.
    fn verifying_key(
        &self,
        key_type: KeyType,
        public_key: &[u8],
    ) -> Result<Arc<dyn VerifyingKey>, KeyError>;

    /// Loads a private key from DER: PKCS#8 PrivateKeyInfo (RSA or Ed25519)
    /// or PKCS#1 RSAPrivateKey.
    fn signing_key(&self, der: &PrivateKeyDer<'_>) -> Result<Arc<dyn SigningKey>, KeyError>;
}

/// A private key's DER encoding and which structure it is.
#[derive(Clone, Copy, Debug)]
pub enum PrivateKeyDer<'a> {
    /// PKCS#8 PrivateKeyInfo (`-----BEGIN PRIVATE KEY-----`).
    Pkcs8(&'a [u8]),
    /// PKCS#1 RSAPrivateKey (`-----BEGIN RSA PRIVATE KEY-----`).
    Pkcs1(&'a [u8]),
}

/// A signature did not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the signature does not verify")]
pub struct SignatureInvalid;

/// A key could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The bytes are not a key of the expected form.
    #[error("malformed key: {0}")]
    Malformed(&'static str),
    /// The key's algorithm is not one this backend handles.
    #[error("unsupported key algorithm")]
    Unsupported,
    /// The key's size is outside what the backend accepts.
    #[error("key size {bits} bits is outside the accepted range")]
    Size {
        /// The key's size in bits.
        bits: usize,
    },
}

#[cfg(test)]
mod tests;

/// Signing failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("signing failed: {0}")]
pub struct SignError(pub &'static str);
