//! The RustCrypto backend.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

use sha2::Digest as _;

use super::{
    CryptoProvider, HashAlgorithm, Hasher, KeyError, KeyType, PrivateKeyDer, SigningKey,
    VerifyingKey,
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
        // Written by the crypto work package.
        let _ = (key_type, public_key);
        Err(KeyError::Unsupported)
    }

    fn signing_key(&self, der: &PrivateKeyDer<'_>) -> Result<Arc<dyn SigningKey>, KeyError> {
        let _ = der;
        Err(KeyError::Unsupported)
    }
}
