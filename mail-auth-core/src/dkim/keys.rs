//! Loading DKIM private keys from PEM, generating keys, and the DNS record to publish.

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::{Zeroize as _, Zeroizing};

use super::crypto::{CryptoProvider, KeyError, KeyType, PrivateKeyDer, SigningKey};

/// The PEM label of PKCS#8 PrivateKeyInfo.
const PKCS8_LABEL: &str = "PRIVATE KEY";
/// The PEM label of PKCS#1 RSAPrivateKey.
const PKCS1_LABEL: &str = "RSA PRIVATE KEY";
/// The PEM label of PKCS#8 EncryptedPrivateKeyInfo.
const ENCRYPTED_LABEL: &str = "ENCRYPTED PRIVATE KEY";

/// The smallest and largest RSA keys [`generate_rsa`] makes.
const RSA_GENERATE_BITS: core::ops::RangeInclusive<usize> = 1024..=4096;

/// Loads a private key from PEM with `provider`.
///
/// Accepts `-----BEGIN PRIVATE KEY-----` (PKCS#8, RSA or Ed25519) and
/// `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1). Text before, between and
/// after blocks is ignored, as are blocks of other types (a certificate in
/// the same file, say); line endings may be LF or CRLF and the base64 may be
/// wrapped anywhere. Encrypted keys (`ENCRYPTED PRIVATE KEY`, or a
/// `Proc-Type: 4,ENCRYPTED` header) are refused.
///
/// # Errors
///
/// [`KeyError::Malformed`] when there is no usable key block or its content
/// is not a key; otherwise what the provider's
/// [`signing_key`](CryptoProvider::signing_key) returns (for example
/// [`KeyError::Size`] for an RSA key size the backend does not sign with).
pub fn signing_key_from_pem(
    pem: &str,
    provider: &dyn CryptoProvider,
) -> Result<Arc<dyn SigningKey>, KeyError> {
    let (label, der) = decode_pem(pem)?;
    match label {
        PemLabel::Pkcs8 => provider.signing_key(&PrivateKeyDer::Pkcs8(&der)),
        PemLabel::Pkcs1 => provider.signing_key(&PrivateKeyDer::Pkcs1(&der)),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PemLabel {
    Pkcs8,
    Pkcs1,
}

/// The first private-key block of `pem`, decoded.
fn decode_pem(pem: &str) -> Result<(PemLabel, Zeroizing<Vec<u8>>), KeyError> {
    let mut lines = pem.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.strip_suffix("-----"))
        else {
            continue;
        };
        let kind = match label {
            PKCS8_LABEL => PemLabel::Pkcs8,
            PKCS1_LABEL => PemLabel::Pkcs1,
            ENCRYPTED_LABEL => {
                return Err(KeyError::Malformed(
                    "encrypted private keys are not supported",
                ));
            }
            // Another kind of block: skip to the next BEGIN.
            _ => continue,
        };
        let mut body = Zeroizing::new(String::new());
        let mut ended = false;
        for line in lines.by_ref() {
            if let Some(end) = line
                .strip_prefix("-----END ")
                .and_then(|rest| rest.strip_suffix("-----"))
            {
                if end != label {
                    return Err(KeyError::Malformed(
                        "the PEM END label does not match BEGIN",
                    ));
                }
                ended = true;
                break;
            }
            if line.contains(':') {
                // An RFC 1421 header, which only encrypted keys carry.
                if line.to_ascii_uppercase().contains("ENCRYPTED") {
                    return Err(KeyError::Malformed(
                        "encrypted private keys are not supported",
                    ));
                }
                continue;
            }
            body.extend(line.chars().filter(|c| !c.is_ascii_whitespace()));
        }
        if !ended {
            return Err(KeyError::Malformed("the PEM block has no END line"));
        }
        let der = STANDARD
            .decode(body.as_bytes())
            .map_err(|_| KeyError::Malformed("the PEM block is not valid base64"))?;
        return Ok((kind, Zeroizing::new(der)));
    }
    Err(KeyError::Malformed(
        "no PRIVATE KEY or RSA PRIVATE KEY PEM block",
    ))
}

/// PEM text of `der` under `label`: base64 in 64-character lines, LF endings.
fn encode_pem(label: &str, der: &[u8]) -> String {
    let body = Zeroizing::new(STANDARD.encode(der));
    let mut out = String::with_capacity(body.len() + body.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut rest = body.as_str();
    while !rest.is_empty() {
        // Base64 is ASCII, so any byte index is a character boundary.
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// A newly generated key pair.
///
/// `pem` is the private key: treat it as a secret. It is overwritten with
/// zeros when the `GeneratedKey` is dropped (copies the caller makes are the
/// caller's to protect).
pub struct GeneratedKey {
    /// The private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), which
    /// [`signing_key_from_pem`] loads.
    pub pem: String,
    /// The public key as DKIM publishes it in `p=`: SubjectPublicKeyInfo DER
    /// for RSA, the raw 32 bytes for Ed25519 (RFC 8463 §4.2). See
    /// [`dns_record`].
    pub public_key: Vec<u8>,
}

impl fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("pem", &"<redacted>")
            .field("public_key", &self.public_key)
            .finish()
    }
}

impl Drop for GeneratedKey {
    fn drop(&mut self) {
        self.pem.zeroize();
    }
}

/// The PKCS#8 PrivateKeyInfo of an Ed25519 key up to its 32 bytes
/// (RFC 8410 §7: version 0, algorithm id-Ed25519, CurvePrivateKey).
const ED25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// Generates an Ed25519 key with `rng` (the operating system's generator,
/// say `rand_core::UnwrapErr(getrandom::SysRng)`).
///
/// # Errors
///
/// None at present; the `Result` matches [`generate_rsa`].
pub fn generate_ed25519(
    rng: &mut (impl rand_core::CryptoRng + ?Sized),
) -> Result<GeneratedKey, KeyError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(seed.as_mut_slice());
    let mut der = Zeroizing::new(Vec::with_capacity(48));
    der.extend_from_slice(&ED25519_PKCS8_PREFIX);
    der.extend_from_slice(seed.as_slice());
    let public_key = ed25519_dalek::SigningKey::from_bytes(&seed)
        .verifying_key()
        .to_bytes()
        .to_vec();
    Ok(GeneratedKey {
        pem: encode_pem(PKCS8_LABEL, &der),
        public_key,
    })
}

/// Generates an RSA key of `bits` bits (1024 to 4096; 2048 is the usual
/// choice, RFC 8301 §3.2) with public exponent 65537, using `rng`.
///
/// # Errors
///
/// [`KeyError::Size`] for `bits` outside 1024..=4096;
/// [`KeyError::Malformed`] if generation fails (it does not with a working
/// generator).
pub fn generate_rsa(
    bits: usize,
    rng: &mut (impl rand_core::CryptoRng + ?Sized),
) -> Result<GeneratedKey, KeyError> {
    use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _};

    if !RSA_GENERATE_BITS.contains(&bits) {
        return Err(KeyError::Size { bits });
    }
    let key = rsa::RsaPrivateKey::new(rng, bits)
        .map_err(|_| KeyError::Malformed("RSA key generation failed"))?;
    let der = key
        .to_pkcs8_der()
        .map_err(|_| KeyError::Malformed("the RSA private key cannot be encoded"))?;
    let public_key = key
        .to_public_key()
        .to_public_key_der()
        .map_err(|_| KeyError::Malformed("the RSA public key cannot be encoded"))?
        .into_vec();
    Ok(GeneratedKey {
        pem: encode_pem(PKCS8_LABEL, der.as_bytes()),
        public_key,
    })
}

/// The TXT record that publishes `public_key` at `<selector>._domainkey.<domain>`:
/// `v=DKIM1; k=rsa; p=<base64>` or `v=DKIM1; k=ed25519; p=<base64>`.
///
/// `public_key` is in the form [`SigningKey::public_key`] and
/// [`GeneratedKey::public_key`] give. A record longer than 255 bytes (any
/// RSA key of 2048 bits or more) goes into DNS as several strings of one TXT
/// record; the caller's zone tooling splits it.
pub fn dns_record(key_type: KeyType, public_key: &[u8]) -> String {
    let k = match key_type {
        KeyType::Rsa => "rsa",
        KeyType::Ed25519 => "ed25519",
    };
    format!("v=DKIM1; k={k}; p={}", STANDARD.encode(public_key))
}
