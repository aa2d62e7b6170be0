//! The RustCrypto backend.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

use core::fmt;

use ed25519_dalek::Signer as _;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::{BoxedUint, Pkcs1v15Sign};
use sha2::Digest as _;

use super::encoding::{self, PrivateKey, RsaPublicParts};
use super::{
    CryptoProvider, HashAlgorithm, Hasher, KeyError, KeyType, PrivateKeyDer, SignError,
    SignatureInvalid, SigningKey, VerifyingKey,
};

/// The default backend: RustCrypto's `sha2`, `sha1`, `rsa` and `ed25519-dalek`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCrypto;

struct Sha256(sha2::Sha256);
struct Sha1(sha1::Sha1);

impl Hasher for Sha256 {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    fn finish(self: Box<Self>) -> Vec<u8> {
        self.0.finalize().to_vec()
    }
}

impl Hasher for Sha1 {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    fn finish(self: Box<Self>) -> Vec<u8> {
        self.0.finalize().to_vec()
    }
}

impl CryptoProvider for RustCrypto {
    fn hasher(&self, algorithm: HashAlgorithm) -> Box<dyn Hasher> {
        match algorithm {
            HashAlgorithm::Sha1 => Box::new(Sha1(sha1::Sha1::new())),
            HashAlgorithm::Sha256 => Box::new(Sha256(sha2::Sha256::new())),
        }
    }

    fn verifying_key(
        &self,
        key_type: KeyType,
        public_key: &[u8],
    ) -> Result<Arc<dyn VerifyingKey>, KeyError> {
        match key_type {
            KeyType::Rsa => Ok(Arc::new(RsaVerifyingKey::new(public_key)?)),
            KeyType::Ed25519 => Ok(Arc::new(Ed25519VerifyingKey::new(public_key)?)),
        }
    }

    fn signing_key(&self, der: &PrivateKeyDer<'_>) -> Result<Arc<dyn SigningKey>, KeyError> {
        match encoding::private_key(der)? {
            PrivateKey::Rsa { pkcs1, public, .. } => {
                if public.bits < encoding::RSA_MIN_SIGNING_BITS {
                    return Err(KeyError::Size { bits: public.bits });
                }
                let key = rsa::RsaPrivateKey::from_pkcs1_der(pkcs1).map_err(|_| {
                    KeyError::Malformed("the RSA private key's components are inconsistent")
                })?;
                Ok(Arc::new(RsaSigningKey {
                    key,
                    bits: public.bits,
                    spki: encoding::rsa_spki(public.n, public.e)?,
                }))
            }
            PrivateKey::Ed25519 { seed } => Ok(Arc::new(Ed25519SigningKey(
                ed25519_dalek::SigningKey::from_bytes(&seed),
            ))),
        }
    }
}

fn sha256(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(data).into()
}

/// An RSA public key for RSASSA-PKCS1-v1_5. The ring backend uses it too,
/// for the keys under 1024 bits that ring refuses.
pub(super) struct RsaVerifyingKey {
    key: rsa::RsaPublicKey,
    bits: usize,
}

impl RsaVerifyingKey {
    fn new(public_key: &[u8]) -> Result<Self, KeyError> {
        Self::from_parts(&encoding::rsa_public_key(public_key)?)
    }

    /// The key from components `encoding` has checked.
    pub(super) fn from_parts(parts: &RsaPublicParts<'_>) -> Result<Self, KeyError> {
        Ok(Self {
            key: rsa_public_key(parts)?,
            bits: parts.bits,
        })
    }
}

/// Builds the `rsa` crate's key from components `encoding` has checked.
fn rsa_public_key(parts: &RsaPublicParts<'_>) -> Result<rsa::RsaPublicKey, KeyError> {
    const MALFORMED: KeyError = KeyError::Malformed("not a valid RSA public key");
    let uint = |bytes: &[u8]| {
        let precision = u32::try_from(bytes.len().saturating_mul(8)).map_err(|_| MALFORMED)?;
        BoxedUint::from_be_slice(bytes, precision).map_err(|_| MALFORMED)
    };
    rsa::RsaPublicKey::new_with_size_limits(
        uint(parts.n)?,
        uint(parts.e)?,
        encoding::RSA_MIN_BITS..=encoding::RSA_MAX_BITS,
    )
    .map_err(|e| match e {
        rsa::Error::ModulusTooSmall | rsa::Error::ModulusTooLarge => {
            KeyError::Size { bits: parts.bits }
        }
        _ => MALFORMED,
    })
}

impl fmt::Debug for RsaVerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaVerifyingKey")
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

impl VerifyingKey for RsaVerifyingKey {
    fn key_type(&self) -> KeyType {
        KeyType::Rsa
    }

    fn bits(&self) -> usize {
        self.bits
    }

    fn verify(
        &self,
        hash: HashAlgorithm,
        data: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureInvalid> {
        let result = match hash {
            HashAlgorithm::Sha256 => self.key.verify(
                Pkcs1v15Sign::new::<sha2::Sha256>(),
                &sha2::Sha256::digest(data),
                signature,
            ),
            HashAlgorithm::Sha1 => self.key.verify(
                Pkcs1v15Sign::new::<sha1::Sha1>(),
                &sha1::Sha1::digest(data),
                signature,
            ),
        };
        result.map_err(|_| SignatureInvalid)
    }
}

/// An Ed25519 public key.
struct Ed25519VerifyingKey(ed25519_dalek::VerifyingKey);

impl Ed25519VerifyingKey {
    fn new(public_key: &[u8]) -> Result<Self, KeyError> {
        let bytes = encoding::ed25519_public_key(public_key)?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map(Self)
            .map_err(|_| KeyError::Malformed("not an Ed25519 public key (not a curve point)"))
    }
}

impl fmt::Debug for Ed25519VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Ed25519VerifyingKey")
            .field(&self.0.as_bytes())
            .finish()
    }
}

impl VerifyingKey for Ed25519VerifyingKey {
    fn key_type(&self) -> KeyType {
        KeyType::Ed25519
    }

    fn bits(&self) -> usize {
        256
    }

    /// Pure Ed25519 (RFC 8032 §5.1.7) over SHA-256(`data`), with
    /// `verify_strict`: besides RFC 8032's checks (S < L, canonical
    /// encodings) it rejects small-order public keys and `R` values, which
    /// no honest signer produces and which let one signature verify for
    /// many messages. `ring` rejects non-canonical S the same way.
    fn verify(
        &self,
        hash: HashAlgorithm,
        data: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureInvalid> {
        if hash != HashAlgorithm::Sha256 {
            return Err(SignatureInvalid);
        }
        let signature =
            ed25519_dalek::Signature::from_slice(signature).map_err(|_| SignatureInvalid)?;
        self.0
            .verify_strict(&sha256(data), &signature)
            .map_err(|_| SignatureInvalid)
    }
}

/// An RSA private key, signing RSASSA-PKCS1-v1_5 with SHA-256.
struct RsaSigningKey {
    key: rsa::RsaPrivateKey,
    bits: usize,
    spki: Vec<u8>,
}

impl fmt::Debug for RsaSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaSigningKey")
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

impl SigningKey for RsaSigningKey {
    fn key_type(&self) -> KeyType {
        KeyType::Rsa
    }

    fn bits(&self) -> usize {
        self.bits
    }

    /// The caller's `rng` blinds the private-key operation; the signature
    /// itself is deterministic.
    fn sign(&self, data: &[u8], rng: &mut dyn rand_core::CryptoRng) -> Result<Vec<u8>, SignError> {
        self.key
            .sign_with_rng(rng, Pkcs1v15Sign::new::<sha2::Sha256>(), &sha256(data))
            .map_err(|_| SignError("RSA signing failed"))
    }

    fn public_key(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

/// An Ed25519 private key.
struct Ed25519SigningKey(ed25519_dalek::SigningKey);

impl fmt::Debug for Ed25519SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ed25519SigningKey")
            .field("public_key", &self.0.verifying_key().as_bytes())
            .finish_non_exhaustive()
    }
}

impl SigningKey for Ed25519SigningKey {
    fn key_type(&self) -> KeyType {
        KeyType::Ed25519
    }

    fn bits(&self) -> usize {
        256
    }

    /// Ed25519 signatures are deterministic; `rng` is not used.
    fn sign(&self, data: &[u8], _rng: &mut dyn rand_core::CryptoRng) -> Result<Vec<u8>, SignError> {
        Ok(self.0.sign(&sha256(data)).to_bytes().to_vec())
    }

    fn public_key(&self) -> Vec<u8> {
        self.0.verifying_key().to_bytes().to_vec()
    }
}
