//! Private keys for signing: reading PKCS#8, PKCS#1 and SEC1 (PEM or DER),
//! checking a key against its certificate, and producing signature values.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use der::Decode as _;
use der::asn1::ObjectIdentifier as Oid;
use pkcs8::DecodePrivateKey as _;
use rsa::pkcs1::{DecodeRsaPrivateKey as _, DecodeRsaPublicKey as _};
use rsa::traits::PublicKeyParts as _;
use signature::hazmat::RandomizedPrehashSigner as _;

use crate::crypto::{DigestAlgorithm, oids};

/// The most bytes of key text [`SigningKey::from_pem`] reads.
pub const MAX_KEY_FILE_SIZE: usize = 64 * 1024;

/// What a private key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// An RSA key of this many bits.
    Rsa {
        /// The modulus size.
        bits: usize,
    },
    /// An ECDSA key on P-256.
    P256,
    /// An ECDSA key on P-384.
    P384,
    /// An Ed25519 key (RFC 8410, RFC 8419).
    Ed25519,
}

/// Why a private key could not be read or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The text holds no PEM private key block.
    #[error(
        "no private key found (expected PEM \"PRIVATE KEY\", \"RSA PRIVATE KEY\" or \"EC PRIVATE KEY\", or DER)"
    )]
    NotFound,
    /// The key is encrypted (PKCS#8 EncryptedPrivateKeyInfo).
    #[error("the private key is encrypted: decrypt it first (openssl pkey -in KEY -out PLAIN)")]
    Encrypted,
    /// The key's algorithm or curve is not one we sign with.
    #[error("unsupported private key: {0}")]
    Unsupported(String),
    /// The key did not decode.
    #[error("malformed private key: {0}")]
    Malformed(String),
    /// RSA keys must have at least 2048 bits (RFC 8551 §2.2) and at most
    /// [`crate::MAX_RSA_BITS`].
    #[error("RSA key of {0} bits: signing needs 2048 to {max} bits", max = crate::MAX_RSA_BITS)]
    RsaSize(usize),
    /// The input is larger than [`MAX_KEY_FILE_SIZE`].
    #[error("key file larger than {MAX_KEY_FILE_SIZE} bytes")]
    TooLarge,
}

/// A private key that signs S/MIME messages: RSA (PKCS#1 v1.5 or PSS),
/// ECDSA P-256/P-384 or Ed25519.
///
/// Its `Debug` output names the kind of key only.
pub struct SigningKey {
    inner: Inner,
}

enum Inner {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kind", &self.kind())
            .finish_non_exhaustive()
    }
}

/// id-ecPublicKey's curve, from PKCS#8 parameters or SEC1's `[0]`.
fn curve_of(parameters: Option<der::AnyRef<'_>>) -> Option<Oid> {
    parameters.and_then(|p| p.decode_as::<Oid>().ok())
}

impl SigningKey {
    /// Reads the first private key of PEM text: `PRIVATE KEY` (PKCS#8),
    /// `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC1); other blocks
    /// (`EC PARAMETERS`, certificates) are skipped. DER input is accepted
    /// too (see [`SigningKey::from_der`]).
    pub fn from_pem(text: &[u8]) -> Result<Self, KeyError> {
        if text.len() > MAX_KEY_FILE_SIZE {
            return Err(KeyError::TooLarge);
        }
        if text.first() == Some(&0x30) {
            return Self::from_der(text);
        }
        let mut rest = text;
        while let Some(start) = find(rest, b"-----BEGIN ") {
            let block = rest.get(start..).unwrap_or_default();
            let end = find(block, b"-----END ")
                .and_then(|e| {
                    let after = block.get(e + 9..)?;
                    let close = find(after, b"-----")?;
                    Some(e + 9 + close + 5)
                })
                .ok_or_else(|| KeyError::Malformed("PEM block without its END line".into()))?;
            let pem = block.get(..end).unwrap_or_default();
            rest = block.get(end..).unwrap_or_default();
            let (label, der) = match der::pem::decode_vec(pem) {
                Ok(decoded) => decoded,
                Err(e) => return Err(KeyError::Malformed(format!("PEM: {e}"))),
            };
            return match label {
                "PRIVATE KEY" => Self::from_pkcs8(&der),
                "RSA PRIVATE KEY" => Self::from_pkcs1(&der),
                "EC PRIVATE KEY" => Self::from_sec1(&der),
                "ENCRYPTED PRIVATE KEY" => Err(KeyError::Encrypted),
                _ => continue,
            };
        }
        Err(KeyError::NotFound)
    }

    /// Reads a DER private key: PKCS#8, else PKCS#1 RSA, else SEC1 EC.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        if der.len() > MAX_KEY_FILE_SIZE {
            return Err(KeyError::TooLarge);
        }
        match Self::from_pkcs8(der) {
            Err(KeyError::Malformed(pkcs8)) => Self::from_pkcs1(der)
                .or_else(|_| Self::from_sec1(der))
                .map_err(|_| KeyError::Malformed(pkcs8)),
            other => other,
        }
    }

    fn from_pkcs8(der: &[u8]) -> Result<Self, KeyError> {
        let info = pkcs8::PrivateKeyInfoRef::from_der(der)
            .map_err(|e| KeyError::Malformed(format!("PKCS#8: {e}")))?;
        let malformed = |e: pkcs8::Error| KeyError::Malformed(format!("PKCS#8: {e}"));
        match info.algorithm.oid {
            oids::RSA_ENCRYPTION => {
                rsa_key(rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(malformed)?)
            }
            oids::RSASSA_PSS => Err(KeyError::Unsupported(
                "an RSASSA-PSS-only key (id-RSASSA-PSS); use an rsaEncryption key with PSS".into(),
            )),
            oids::EC_PUBLIC_KEY => match curve_of(info.algorithm.parameters) {
                Some(oids::P256) => Ok(Self {
                    inner: Inner::P256(
                        p256::SecretKey::from_pkcs8_der(der)
                            .map_err(malformed)?
                            .into(),
                    ),
                }),
                Some(oids::P384) => Ok(Self {
                    inner: Inner::P384(
                        p384::SecretKey::from_pkcs8_der(der)
                            .map_err(malformed)?
                            .into(),
                    ),
                }),
                Some(other) => Err(KeyError::Unsupported(format!("EC curve {other}"))),
                None => Err(KeyError::Malformed("EC key without its named curve".into())),
            },
            oids::ED25519 => Ok(Self {
                inner: Inner::Ed25519(
                    ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(malformed)?,
                ),
            }),
            other => Err(KeyError::Unsupported(format!("algorithm {other}"))),
        }
    }

    fn from_pkcs1(der: &[u8]) -> Result<Self, KeyError> {
        rsa_key(
            rsa::RsaPrivateKey::from_pkcs1_der(der)
                .map_err(|e| KeyError::Malformed(format!("PKCS#1: {e}")))?,
        )
    }

    fn from_sec1(der: &[u8]) -> Result<Self, KeyError> {
        // Each curve's decoder checks the key's named curve.
        if let Ok(key) = p256::SecretKey::from_sec1_der(der) {
            return Ok(Self {
                inner: Inner::P256(key.into()),
            });
        }
        if let Ok(key) = p384::SecretKey::from_sec1_der(der) {
            return Ok(Self {
                inner: Inner::P384(key.into()),
            });
        }
        Err(KeyError::Malformed(
            "SEC1: not an EC private key on P-256 or P-384".into(),
        ))
    }

    /// What kind of key this is.
    pub fn kind(&self) -> KeyKind {
        match &self.inner {
            Inner::Rsa(key) => KeyKind::Rsa {
                bits: rsa_bits(key),
            },
            Inner::P256(_) => KeyKind::P256,
            Inner::P384(_) => KeyKind::P384,
            Inner::Ed25519(_) => KeyKind::Ed25519,
        }
    }

    /// Whether `spki` (a certificate's subjectPublicKeyInfo) is this key's
    /// public half.
    pub(crate) fn matches(&self, spki: &spki::SubjectPublicKeyInfoOwned) -> bool {
        let Some(bits) = spki.subject_public_key.as_bytes() else {
            return false;
        };
        let oid = spki.algorithm.oid;
        match &self.inner {
            Inner::Rsa(key) => {
                (oid == oids::RSA_ENCRYPTION || oid == oids::RSASSA_PSS)
                    && rsa::RsaPublicKey::from_pkcs1_der(bits)
                        .is_ok_and(|public| public == key.to_public_key())
            }
            Inner::P256(key) => {
                oid == oids::EC_PUBLIC_KEY
                    && p256::ecdsa::VerifyingKey::from_sec1_bytes(bits)
                        .is_ok_and(|public| &public == key.verifying_key())
            }
            Inner::P384(key) => {
                oid == oids::EC_PUBLIC_KEY
                    && p384::ecdsa::VerifyingKey::from_sec1_bytes(bits)
                        .is_ok_and(|public| &public == key.verifying_key())
            }
            Inner::Ed25519(key) => {
                oid == oids::ED25519 && bits == key.verifying_key().as_bytes().as_slice()
            }
        }
    }

    /// The signature value over `message` (the DER of the signed
    /// attributes): `digest` of it for RSA and ECDSA; Ed25519 signs the
    /// message itself (RFC 8419 §3.1, PureEdDSA).
    pub(crate) fn sign(
        &self,
        scheme: RsaScheme,
        digest: DigestAlgorithm,
        message: &[u8],
        rng: &mut dyn rand_core::CryptoRng,
    ) -> Result<Vec<u8>, &'static str> {
        let hashed = || crate::crypto::digest(digest, message);
        match &self.inner {
            Inner::Rsa(key) => {
                let hash = hashed();
                let result = match (scheme, digest) {
                    (RsaScheme::Pkcs1v15, DigestAlgorithm::Sha256) => {
                        key.sign_with_rng(rng, rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &hash)
                    }
                    (RsaScheme::Pkcs1v15, DigestAlgorithm::Sha384) => {
                        key.sign_with_rng(rng, rsa::Pkcs1v15Sign::new::<sha2::Sha384>(), &hash)
                    }
                    (RsaScheme::Pkcs1v15, DigestAlgorithm::Sha512) => {
                        key.sign_with_rng(rng, rsa::Pkcs1v15Sign::new::<sha2::Sha512>(), &hash)
                    }
                    (RsaScheme::Pss, DigestAlgorithm::Sha256) => {
                        key.sign_with_rng(rng, rsa::Pss::<sha2::Sha256>::new(), &hash)
                    }
                    (RsaScheme::Pss, DigestAlgorithm::Sha384) => {
                        key.sign_with_rng(rng, rsa::Pss::<sha2::Sha384>::new(), &hash)
                    }
                    (RsaScheme::Pss, DigestAlgorithm::Sha512) => {
                        key.sign_with_rng(rng, rsa::Pss::<sha2::Sha512>::new(), &hash)
                    }
                    _ => return Err("digest not offered for signing"),
                };
                result.map_err(|_| "RSA signing failed")
            }
            Inner::P256(key) => {
                let sig: p256::ecdsa::DerSignature = key
                    .sign_prehash_with_rng(rng, &hashed())
                    .map_err(|_| "ECDSA signing failed")?;
                Ok(sig.as_bytes().to_vec())
            }
            Inner::P384(key) => {
                let sig: p384::ecdsa::DerSignature = key
                    .sign_prehash_with_rng(rng, &hashed())
                    .map_err(|_| "ECDSA signing failed")?;
                Ok(sig.as_bytes().to_vec())
            }
            Inner::Ed25519(key) => {
                use ed25519_dalek::Signer as _;
                Ok(key.sign(message).to_bytes().to_vec())
            }
        }
    }
}

/// The RSA signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RsaScheme {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2), written as rsaEncryption as
    /// RFC 5754 §3.2 allows and OpenSSL does.
    #[default]
    Pkcs1v15,
    /// RSASSA-PSS (RFC 4056): MGF1 with the same digest, salt length equal
    /// to the digest length, trailer field 1.
    Pss,
}

fn rsa_key(key: rsa::RsaPrivateKey) -> Result<SigningKey, KeyError> {
    let bits = rsa_bits(&key);
    if !(2048..=crate::MAX_RSA_BITS).contains(&bits) {
        return Err(KeyError::RsaSize(bits));
    }
    Ok(SigningKey {
        inner: Inner::Rsa(Box::new(key)),
    })
}

fn rsa_bits(key: &rsa::RsaPrivateKey) -> usize {
    usize::try_from(key.n().bit_width()).unwrap_or(usize::MAX)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}
