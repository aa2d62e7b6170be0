//! Key encodings shared by the backends: the public key of a key record's
//! `p=`, and private keys in PKCS#8 and PKCS#1 DER.
//!
//! Parsing is strict DER (trailing bytes are an error) and never panics; the
//! backends only see keys whose sizes are already checked, so no big-number
//! arithmetic runs on an oversized modulus.

use alloc::vec::Vec;

use der::asn1::{AnyRef, BitStringRef, OctetStringRef, UintRef};
use der::{Decode as _, Encode as _};
use spki::ObjectIdentifier;
use zeroize::Zeroizing;

use super::{KeyError, PrivateKeyDer};

/// `rsaEncryption` (RFC 8017 Appendix C).
pub(super) const RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `id-Ed25519` (RFC 8410 §3).
pub(super) const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The smallest RSA modulus that loads for verification. Keys from 512 bits
/// load so that the verifier's own, configurable minimum (1024 by default)
/// can report them as a policy failure rather than a broken key.
pub(super) const RSA_MIN_BITS: usize = 512;
/// The largest RSA modulus that loads (RFC 8301 §3.2 requires up to 4096;
/// more costs a verifier time an attacker chooses).
pub(super) const RSA_MAX_BITS: usize = 8192;
/// The smallest RSA key the backends sign with.
pub(super) const RSA_MIN_SIGNING_BITS: usize = 1024;

/// The largest public exponent accepted, as in `ring` and `rsa`
/// (a larger one makes verification slow: "RSADoS").
const RSA_MAX_EXPONENT: u64 = (1 << 33) - 1;

/// An RSA public key's components, big-endian with no leading zeros.
#[derive(Clone, Copy, Debug)]
pub(super) struct RsaPublicParts<'a> {
    /// The modulus.
    pub(super) n: &'a [u8],
    /// The public exponent.
    pub(super) e: &'a [u8],
    /// The modulus size in bits.
    pub(super) bits: usize,
}

/// The size in bits of a big-endian unsigned integer.
pub(super) fn bit_len(bytes: &[u8]) -> usize {
    let mut rest = bytes;
    while let [0, tail @ ..] = rest {
        rest = tail;
    }
    match rest.first() {
        None => 0,
        Some(&top) => {
            let top_bits = 8 - top.leading_zeros() as usize;
            rest.len()
                .saturating_sub(1)
                .saturating_mul(8)
                .saturating_add(top_bits)
        }
    }
}

/// Strips leading zero bytes.
fn trim(bytes: &[u8]) -> &[u8] {
    let mut rest = bytes;
    while let [0, tail @ ..] = rest {
        rest = tail;
    }
    rest
}

/// Checks an RSA modulus and exponent and returns them with the size.
///
/// The modulus must be odd and `RSA_MIN_BITS..=RSA_MAX_BITS` bits
/// (`KeyError::Size` otherwise); the exponent odd, at least 3 and at most
/// 2^33 - 1.
fn rsa_parts<'a>(n: &'a [u8], e: &'a [u8]) -> Result<RsaPublicParts<'a>, KeyError> {
    let n = trim(n);
    let e = trim(e);
    let bits = bit_len(n);
    if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
        return Err(KeyError::Size { bits });
    }
    if n.last().is_none_or(|low| low & 1 == 0) {
        return Err(KeyError::Malformed("the RSA modulus is even"));
    }
    if e.len() > 8 {
        return Err(KeyError::Malformed("the RSA public exponent is too large"));
    }
    let exponent = e
        .iter()
        .fold(0u64, |acc, &byte| (acc << 8) | u64::from(byte));
    if exponent < 3 || exponent & 1 == 0 || exponent > RSA_MAX_EXPONENT {
        return Err(KeyError::Malformed(
            "the RSA public exponent is not an odd number from 3 to 2^33-1",
        ));
    }
    Ok(RsaPublicParts { n, e, bits })
}

/// Parses the RSA public key of a key record's `p=`: a DER
/// SubjectPublicKeyInfo with the `rsaEncryption` algorithm, or a bare PKCS#1
/// RSAPublicKey.
pub(super) fn rsa_public_key(bytes: &[u8]) -> Result<RsaPublicParts<'_>, KeyError> {
    if let Ok(info) = spki::SubjectPublicKeyInfoRef::from_der(bytes) {
        if info.algorithm.oid != RSA_ENCRYPTION {
            return Err(KeyError::Unsupported);
        }
        let pkcs1 = info
            .subject_public_key
            .as_bytes()
            .ok_or(KeyError::Malformed(
                "the public key bit string is not whole bytes",
            ))?;
        return rsa_pkcs1_public_key(pkcs1);
    }
    rsa_pkcs1_public_key(bytes)
}

/// Parses a PKCS#1 RSAPublicKey.
fn rsa_pkcs1_public_key(bytes: &[u8]) -> Result<RsaPublicParts<'_>, KeyError> {
    let key = pkcs1::RsaPublicKeyRef::from_der(bytes)
        .map_err(|_| KeyError::Malformed("not a SubjectPublicKeyInfo or RSAPublicKey"))?;
    rsa_parts(key.modulus.as_bytes(), key.public_exponent.as_bytes())
}

/// Parses an Ed25519 public key as DKIM publishes it: the raw 32 bytes
/// (RFC 8463 §4.2). Whether the bytes are a point on the curve is the
/// backend's check.
pub(super) fn ed25519_public_key(bytes: &[u8]) -> Result<[u8; 32], KeyError> {
    <[u8; 32]>::try_from(bytes).map_err(|_| {
        KeyError::Malformed("an Ed25519 public key is 32 bytes (RFC 8463 section 4.2)")
    })
}

/// An RSA public key (PKCS#1 RSAPublicKey DER) as a SubjectPublicKeyInfo.
pub(super) fn rsa_spki(n: &[u8], e: &[u8]) -> Result<Vec<u8>, KeyError> {
    const ENCODING: KeyError = KeyError::Malformed("the RSA public key cannot be encoded");
    let pkcs1 = pkcs1::RsaPublicKeyRef {
        modulus: UintRef::new(n).map_err(|_| ENCODING)?,
        public_exponent: UintRef::new(e).map_err(|_| ENCODING)?,
    }
    .to_der()
    .map_err(|_| ENCODING)?;
    spki::SubjectPublicKeyInfoRef {
        algorithm: spki::AlgorithmIdentifierRef {
            oid: RSA_ENCRYPTION,
            parameters: Some(AnyRef::NULL),
        },
        subject_public_key: BitStringRef::from_bytes(&pkcs1).map_err(|_| ENCODING)?,
    }
    .to_der()
    .map_err(|_| ENCODING)
}

/// A private key, classified.
pub(super) enum PrivateKey<'a> {
    /// An RSA key.
    Rsa {
        /// The PKCS#1 RSAPrivateKey DER (inside the PKCS#8 wrapper if any).
        pkcs1: &'a [u8],
        /// The public modulus, exponent and size.
        public: RsaPublicParts<'a>,
    },
    /// An Ed25519 key (when PKCS#8 v2 carried a public key too, it was
    /// checked to match).
    Ed25519 {
        /// The 32-byte private key (RFC 8032's seed).
        seed: Zeroizing<[u8; 32]>,
    },
}

impl core::fmt::Debug for PrivateKey<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Rsa { public, .. } => f.debug_struct("Rsa").field("bits", &public.bits).finish(),
            Self::Ed25519 { .. } => f.write_str("Ed25519"),
        }
    }
}

/// Parses a private key: PKCS#8 PrivateKeyInfo (RSA or Ed25519) or PKCS#1
/// RSAPrivateKey. RSA moduli over `RSA_MAX_BITS` are `KeyError::Size`; the
/// lower bound is the backend's.
pub(super) fn private_key<'a>(der: &PrivateKeyDer<'a>) -> Result<PrivateKey<'a>, KeyError> {
    match *der {
        PrivateKeyDer::Pkcs1(bytes) => rsa_private_key(bytes),
        PrivateKeyDer::Pkcs8(bytes) => {
            let info = pkcs8::PrivateKeyInfoRef::from_der(bytes)
                .map_err(|_| KeyError::Malformed("not a PKCS#8 PrivateKeyInfo"))?;
            let inner = info.private_key.as_bytes();
            if info.algorithm.oid == RSA_ENCRYPTION {
                rsa_private_key(inner)
            } else if info.algorithm.oid == ID_ED25519 {
                if info.algorithm.parameters.is_some() {
                    return Err(KeyError::Malformed(
                        "Ed25519 takes no algorithm parameters (RFC 8410 section 3)",
                    ));
                }
                // RFC 8410 §7: the private key is a CurvePrivateKey, an OCTET
                // STRING of the 32 bytes, inside PrivateKeyInfo's OCTET STRING.
                let curve = <&OctetStringRef>::from_der(inner)
                    .map_err(|_| KeyError::Malformed("not an Ed25519 CurvePrivateKey"))?;
                let seed = <[u8; 32]>::try_from(curve.as_bytes())
                    .map_err(|_| KeyError::Malformed("an Ed25519 private key is 32 bytes"))?;
                let seed = Zeroizing::new(seed);
                if let Some(bits) = info.public_key {
                    let public = bits.as_bytes().ok_or(KeyError::Malformed(
                        "the public key bit string is not whole bytes",
                    ))?;
                    let derived = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
                    if public != derived.as_bytes() {
                        return Err(KeyError::Malformed(
                            "the PKCS#8 public key does not match the private key",
                        ));
                    }
                }
                Ok(PrivateKey::Ed25519 { seed })
            } else {
                Err(KeyError::Unsupported)
            }
        }
    }
}

/// Parses a PKCS#1 RSAPrivateKey far enough to check its size.
fn rsa_private_key(pkcs1: &[u8]) -> Result<PrivateKey<'_>, KeyError> {
    let key = pkcs1::RsaPrivateKeyRef::from_der(pkcs1)
        .map_err(|_| KeyError::Malformed("not a PKCS#1 RSAPrivateKey"))?;
    if key.other_prime_infos.is_some() {
        return Err(KeyError::Unsupported);
    }
    let public = rsa_parts(key.modulus.as_bytes(), key.public_exponent.as_bytes())?;
    Ok(PrivateKey::Rsa { pkcs1, public })
}
