//! The ring backend.
//!
//! - Hashes: `ring::digest` (SHA-256, SHA-1).
//! - RSA verification: `ring`'s assembly RSASSA-PKCS1-v1_5 for moduli of
//!   1024 to 8192 bits (its `*_1024_8192_*_FOR_LEGACY_USE_ONLY` parameters,
//!   so that 1024-bit keys and rsa-sha1 work; the verifier applies its own
//!   minimum and its own rsa-sha1 policy). `ring` cannot take keys under
//!   1024 bits: those (512 to 1023 bits) are verified by the RustCrypto code,
//!   so both backends load and judge the same keys.
//! - Ed25519 verification: `ring::signature::ED25519` over SHA-256(data).
//!   The point is checked when the key loads (with `ed25519-dalek`'s
//!   decoding), so a key that is not a curve point is `KeyError::Malformed`
//!   here too, not a failed signature.
//! - RSA signing: `ring::signature::RsaKeyPair`, which takes only 2048-,
//!   3072- and 4096-bit keys; any other size is `KeyError::Size`. `ring`
//!   blinds with its own `SystemRandom`: the caller's `rng` is not used
//!   (the PKCS#1 v1.5 signature is deterministic either way).
//! - Ed25519 signing: `ring::signature::Ed25519KeyPair` from the 32-byte
//!   seed, over SHA-256(data). The PKCS#8 structure is parsed by the shared
//!   code (v1 without a public key is accepted; a v2 public key must match).

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use ring::rand::SystemRandom;
use ring::signature::{self as sig, KeyPair as _};

use super::encoding::{self, PrivateKey};
use super::{
    CryptoProvider, HashAlgorithm, Hasher, KeyError, KeyType, PrivateKeyDer, SignError,
    SignatureInvalid, SigningKey, VerifyingKey, rust_crypto,
};

/// The `ring` backend: assembly RSA and SHA-2 (about three times as fast at
/// RSA verification as [`RustCrypto`](super::RustCrypto)).
#[derive(Clone, Copy, Debug, Default)]
pub struct Ring;

/// The smallest RSA modulus `ring` verifies with.
const RING_RSA_MIN_BITS: usize = 1024;
/// The RSA moduli `ring` signs with (its `RsaKeyPair` also wants the primes'
/// size to be a multiple of 512 bits: 2048, 3072 or 4096).
const RING_SIGNING_BITS: core::ops::RangeInclusive<usize> = 2048..=4096;

struct Digest(ring::digest::Context);

impl Hasher for Digest {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    fn finish(self: Box<Self>) -> Vec<u8> {
        self.0.finish().as_ref().to_vec()
    }
}

fn sha256(data: &[u8]) -> ring::digest::Digest {
    ring::digest::digest(&ring::digest::SHA256, data)
}

impl CryptoProvider for Ring {
    fn hasher(&self, algorithm: HashAlgorithm) -> Box<dyn Hasher> {
        let algorithm = match algorithm {
            HashAlgorithm::Sha1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            HashAlgorithm::Sha256 => &ring::digest::SHA256,
        };
        Box::new(Digest(ring::digest::Context::new(algorithm)))
    }

    fn verifying_key(
        &self,
        key_type: KeyType,
        public_key: &[u8],
    ) -> Result<Arc<dyn VerifyingKey>, KeyError> {
        match key_type {
            KeyType::Rsa => {
                let parts = encoding::rsa_public_key(public_key)?;
                if parts.bits < RING_RSA_MIN_BITS {
                    return Ok(Arc::new(rust_crypto::RsaVerifyingKey::from_parts(&parts)?));
                }
                Ok(Arc::new(RsaVerifyingKey {
                    key: sig::RsaPublicKeyComponents {
                        n: parts.n.to_vec(),
                        e: parts.e.to_vec(),
                    },
                    bits: parts.bits,
                }))
            }
            KeyType::Ed25519 => {
                let bytes = encoding::ed25519_public_key(public_key)?;
                ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| {
                    KeyError::Malformed("not an Ed25519 public key (not a curve point)")
                })?;
                Ok(Arc::new(Ed25519VerifyingKey(bytes)))
            }
        }
    }

    fn signing_key(&self, der: &PrivateKeyDer<'_>) -> Result<Arc<dyn SigningKey>, KeyError> {
        match encoding::private_key(der)? {
            PrivateKey::Rsa { pkcs1, public } => {
                if !RING_SIGNING_BITS.contains(&public.bits) {
                    return Err(KeyError::Size { bits: public.bits });
                }
                // ring's `KeyRejected` says why only through its text.
                let key = sig::RsaKeyPair::from_der(pkcs1).map_err(|e| {
                    match alloc::format!("{e}").as_str() {
                        "TooSmall" | "TooLarge" | "PrivateModulusLenNotMultipleOf512Bits" => {
                            KeyError::Size { bits: public.bits }
                        }
                        "VersionNotSupported" => KeyError::Unsupported,
                        _ => KeyError::Malformed("ring rejected the RSA private key"),
                    }
                })?;
                Ok(Arc::new(RsaSigningKey {
                    key,
                    bits: public.bits,
                    spki: encoding::rsa_spki(public.n, public.e)?,
                    rng: SystemRandom::new(),
                }))
            }
            PrivateKey::Ed25519 { seed } => {
                let key = sig::Ed25519KeyPair::from_seed_unchecked(seed.as_slice())
                    .map_err(|_| KeyError::Malformed("not an Ed25519 private key"))?;
                Ok(Arc::new(Ed25519SigningKey(key)))
            }
        }
    }
}

/// An RSA public key of 1024 to 8192 bits, verified by `ring`.
struct RsaVerifyingKey {
    key: sig::RsaPublicKeyComponents<Vec<u8>>,
    bits: usize,
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
        let params = match hash {
            HashAlgorithm::Sha1 => &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
            HashAlgorithm::Sha256 => &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        };
        self.key
            .verify(params, data, signature)
            .map_err(|_| SignatureInvalid)
    }
}

/// An Ed25519 public key (checked to be a curve point).
struct Ed25519VerifyingKey([u8; 32]);

impl fmt::Debug for Ed25519VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Ed25519VerifyingKey").field(&self.0).finish()
    }
}

impl VerifyingKey for Ed25519VerifyingKey {
    fn key_type(&self) -> KeyType {
        KeyType::Ed25519
    }

    fn bits(&self) -> usize {
        256
    }

    fn verify(
        &self,
        hash: HashAlgorithm,
        data: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureInvalid> {
        if hash != HashAlgorithm::Sha256 {
            return Err(SignatureInvalid);
        }
        sig::UnparsedPublicKey::new(&sig::ED25519, &self.0)
            .verify(sha256(data).as_ref(), signature)
            .map_err(|_| SignatureInvalid)
    }
}

/// An RSA private key of 2048, 3072 or 4096 bits.
struct RsaSigningKey {
    key: sig::RsaKeyPair,
    bits: usize,
    spki: Vec<u8>,
    rng: SystemRandom,
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

    /// `ring` blinds with its own `SystemRandom`; `rng` is not used.
    fn sign(&self, data: &[u8], _rng: &mut dyn rand_core::CryptoRng) -> Result<Vec<u8>, SignError> {
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(&sig::RSA_PKCS1_SHA256, &self.rng, data, &mut signature)
            .map_err(|_| SignError("RSA signing failed"))?;
        Ok(signature)
    }

    fn public_key(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

/// An Ed25519 private key.
struct Ed25519SigningKey(sig::Ed25519KeyPair);

impl fmt::Debug for Ed25519SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ed25519SigningKey")
            .field("public_key", &self.0.public_key().as_ref())
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
        Ok(self.0.sign(sha256(data).as_ref()).as_ref().to_vec())
    }

    fn public_key(&self) -> Vec<u8> {
        self.0.public_key().as_ref().to_vec()
    }
}
