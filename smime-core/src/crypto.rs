//! Signature and digest algorithms: the one place where an algorithm
//! identifier from a certificate, a CRL or a SignerInfo becomes a check.
//!
//! Used by the CMS layer (SignerInfo signatures) and by path validation
//! (certificate and CRL signatures), so that both refuse the same weak
//! algorithms for the same reasons.
//!
//! Supported: RSA PKCS#1 v1.5 (RFC 8017) with SHA-1 (opt-in), SHA-224,
//! SHA-256, SHA-384 and SHA-512; RSASSA-PSS with the parameters read from the
//! algorithm identifier (RFC 4055: hash, MGF1 with the same hash, any salt
//! length, trailer field 1); ECDSA on P-256 and P-384 (RFC 5758) with any of
//! those digests; Ed25519 (RFC 8410, RFC 8419: the whole message is signed).
//! DSA (FIPS 186-4, RFC 3279 §2.2.2, §2.3.2) only when the policy allows it
//! ([`AlgorithmPolicy::allow_dsa`], set by [`AlgorithmPolicy::legacy`]):
//! RFC 8551 §2.2 no longer allows DSA, but archived mail uses it.
//! MD5 is always refused: its collisions are practical.

use alloc::string::String;
use alloc::vec::Vec;

use der::asn1::ObjectIdentifier as Oid;
use der::{Decode, Sequence};
use sha2::Digest as _;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// Which algorithms a verification accepts.
///
/// The default refuses MD5, SHA-1, DSA and RSA keys under 2048 bits
/// (RFC 8551 §2.1, §2.2). Archives of old mail opt in with [`AlgorithmPolicy::legacy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgorithmPolicy {
    /// Accept SHA-1 digests (in signatures and message digests).
    pub allow_sha1: bool,
    /// The smallest RSA modulus accepted, in bits.
    pub min_rsa_bits: usize,
    /// Accept DSA signatures (id-dsa-with-sha1, dsa-with-sha224,
    /// dsa-with-sha256, and id-dsa with a SignerInfo's separate digest
    /// algorithm). RFC 8551 §2.2 no longer allows DSA, so the default is
    /// `false` (refused with [`SignatureError::Refused`]); archives of old
    /// mail (RFC 4134's examples, PKITS 4.1.4-4.1.6) set it. DSA keys need a
    /// prime p of [`MIN_DSA_P_BITS`] to [`MAX_DSA_P_BITS`] bits and a q of
    /// 160, 224 or 256 bits whatever this says. DSA with SHA-1 (the usual
    /// case in archives) also needs [`allow_sha1`](Self::allow_sha1).
    pub allow_dsa: bool,
}

impl Default for AlgorithmPolicy {
    fn default() -> Self {
        Self {
            allow_sha1: false,
            min_rsa_bits: 2048,
            allow_dsa: false,
        }
    }
}

impl AlgorithmPolicy {
    /// A policy for archives: SHA-1, RSA keys from 1024 bits and DSA (p
    /// from [`MIN_DSA_P_BITS`] bits) accepted; MD5 stays refused.
    pub fn legacy() -> Self {
        Self {
            allow_sha1: true,
            min_rsa_bits: 1024,
            allow_dsa: true,
        }
    }
}

/// The largest RSA modulus accepted, in bits: bounds the work one
/// signature check can cost.
pub const MAX_RSA_BITS: usize = 16384;

/// The smallest DSA prime p accepted, in bits (FIPS 186-4's smallest size,
/// the size of archived DSA keys such as RFC 4134's and PKITS').
pub const MIN_DSA_P_BITS: usize = 1024;

/// The largest DSA prime p accepted, in bits: bounds the work one
/// signature check can cost.
pub const MAX_DSA_P_BITS: usize = 4096;

/// The DSA subprime q sizes accepted, in bits (FIPS 186-4 §4.2).
pub const DSA_Q_BITS: [usize; 3] = [160, 224, 256];

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

impl DigestAlgorithm {
    /// The RFC 8551 §3.5.3.2 `micalg` name (`sha-256`, ...).
    pub fn micalg(self) -> &'static str {
        match self {
            Self::Sha1 => "sha-1",
            Self::Sha224 => "sha-224",
            Self::Sha256 => "sha-256",
            Self::Sha384 => "sha-384",
            Self::Sha512 => "sha-512",
        }
    }

    /// The algorithm's object identifier.
    pub fn oid(self) -> Oid {
        match self {
            Self::Sha1 => oids::SHA1,
            Self::Sha224 => oids::SHA224,
            Self::Sha256 => oids::SHA256,
            Self::Sha384 => oids::SHA384,
            Self::Sha512 => oids::SHA512,
        }
    }

    /// The digest's length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha224 => 28,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    fn from_oid(oid: &Oid) -> Option<Self> {
        Some(match *oid {
            oids::SHA1 => Self::Sha1,
            oids::SHA224 => Self::Sha224,
            oids::SHA256 => Self::Sha256,
            oids::SHA384 => Self::Sha384,
            oids::SHA512 => Self::Sha512,
            _ => return None,
        })
    }

    fn check(self, policy: &AlgorithmPolicy) -> Result<Self, SignatureError> {
        if self == Self::Sha1 && !policy.allow_sha1 {
            return Err(SignatureError::Refused("SHA-1"));
        }
        Ok(self)
    }
}

/// A running digest: for content that arrives in pieces.
#[derive(Debug, Clone)]
pub(crate) enum Hasher {
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub(crate) fn new(algorithm: DigestAlgorithm) -> Self {
        match algorithm {
            DigestAlgorithm::Sha1 => Self::Sha1(sha1::Sha1::new()),
            DigestAlgorithm::Sha224 => Self::Sha224(sha2::Sha224::new()),
            DigestAlgorithm::Sha256 => Self::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sha384 => Self::Sha384(sha2::Sha384::new()),
            DigestAlgorithm::Sha512 => Self::Sha512(sha2::Sha512::new()),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha1(h) => h.update(data),
            Self::Sha224(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
        }
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        match self {
            Self::Sha1(h) => h.finalize().to_vec(),
            Self::Sha224(h) => h.finalize().to_vec(),
            Self::Sha256(h) => h.finalize().to_vec(),
            Self::Sha384(h) => h.finalize().to_vec(),
            Self::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// Why a signature or digest could not be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The algorithm is known but refused by the [`AlgorithmPolicy`]
    /// (or by this library: MD5).
    #[error("algorithm refused by policy: {0}")]
    Refused(&'static str),
    /// An RSA key outside the accepted sizes.
    #[error("RSA key of {bits} bits refused (accepted: {min} to {max})")]
    RsaKeySize {
        /// The key's modulus length.
        bits: usize,
        /// The policy's minimum.
        min: usize,
        /// [`MAX_RSA_BITS`].
        max: usize,
    },
    /// DSA domain parameters outside the accepted sizes: p from
    /// [`MIN_DSA_P_BITS`] to [`MAX_DSA_P_BITS`] bits, q one of [`DSA_Q_BITS`].
    #[error("DSA key with a {p_bits}-bit p and a {q_bits}-bit q refused")]
    DsaKeySize {
        /// The prime p's length in bits.
        p_bits: usize,
        /// The subprime q's length in bits.
        q_bits: usize,
    },
    /// The algorithm (or its parameters) is not one we implement.
    #[error("unsupported algorithm {0}")]
    Unsupported(String),
    /// The signature algorithm does not suit the key (RSA signature, EC key, ...).
    #[error("signature algorithm {algorithm} does not match the {key} key")]
    KeyMismatch {
        /// The signature algorithm.
        algorithm: &'static str,
        /// The key's algorithm.
        key: &'static str,
    },
    /// The public key does not parse.
    #[error("malformed public key: {0}")]
    BadKey(&'static str),
    /// The signature value is malformed (wrong length, bad encoding).
    #[error("malformed signature value")]
    Malformed,
    /// The signature does not verify.
    #[error("signature does not verify")]
    Mismatch,
}

/// Object identifiers this module reads.
pub(crate) mod oids {
    use der::asn1::ObjectIdentifier as Oid;

    pub(crate) const MD5: Oid = Oid::new_unwrap("1.2.840.113549.2.5");
    pub(crate) const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
    pub(crate) const SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.4");
    pub(crate) const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    pub(crate) const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    pub(crate) const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");

    pub(crate) const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    pub(crate) const MD2_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.2");
    pub(crate) const MD5_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.4");
    pub(crate) const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
    pub(crate) const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
    pub(crate) const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    pub(crate) const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
    pub(crate) const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
    pub(crate) const SHA224_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.14");
    pub(crate) const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");

    pub(crate) const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    pub(crate) const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    pub(crate) const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
    pub(crate) const ECDSA_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
    pub(crate) const ECDSA_SHA224: Oid = Oid::new_unwrap("1.2.840.10045.4.3.1");
    pub(crate) const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    pub(crate) const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
    pub(crate) const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");

    pub(crate) const ED25519: Oid = Oid::new_unwrap("1.3.101.112");

    pub(crate) const DSA: Oid = Oid::new_unwrap("1.2.840.10040.4.1");
    pub(crate) const DSA_SHA1: Oid = Oid::new_unwrap("1.2.840.10040.4.3");
    pub(crate) const DSA_SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.1");
    pub(crate) const DSA_SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.2");
}

/// The digest algorithm named by an AlgorithmIdentifier (parameters absent
/// or NULL), checked against the policy.
pub(crate) fn digest_algorithm(
    algorithm: &AlgorithmIdentifierOwned,
    policy: &AlgorithmPolicy,
) -> Result<DigestAlgorithm, SignatureError> {
    if algorithm.oid == oids::MD5 {
        return Err(SignatureError::Refused("MD5"));
    }
    if !params_absent_or_null(algorithm) {
        return Err(SignatureError::Unsupported(alloc::format!(
            "{} with parameters",
            algorithm.oid
        )));
    }
    DigestAlgorithm::from_oid(&algorithm.oid)
        .ok_or_else(|| SignatureError::Unsupported(alloc::format!("digest {}", algorithm.oid)))?
        .check(policy)
}

/// Hashes `data` with `algorithm`.
pub(crate) fn digest(algorithm: DigestAlgorithm, data: &[u8]) -> Vec<u8> {
    let mut hasher = Hasher::new(algorithm);
    hasher.update(data);
    hasher.finish()
}

fn params_absent_or_null(algorithm: &AlgorithmIdentifierOwned) -> bool {
    match &algorithm.parameters {
        None => true,
        Some(any) => der::Tagged::tag(any) == der::Tag::Null && any.value().is_empty(),
    }
}

/// What one signature algorithm identifier asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    RsaPkcs1(DigestAlgorithm),
    RsaPss {
        digest: DigestAlgorithm,
        salt_len: usize,
    },
    Ecdsa(DigestAlgorithm),
    Ed25519,
    Dsa(DigestAlgorithm),
}

/// RSASSA-PSS-params (RFC 4055 §3.1), every field with its default.
#[derive(Debug, Clone, Sequence)]
struct PssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_len: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer: Option<u32>,
}

fn pss_scheme(
    algorithm: &AlgorithmIdentifierOwned,
    policy: &AlgorithmPolicy,
) -> Result<Scheme, SignatureError> {
    let unsupported = |what: &str| SignatureError::Unsupported(alloc::format!("RSASSA-PSS {what}"));
    let params = match &algorithm.parameters {
        // Absent parameters mean every default: SHA-1, MGF1-SHA-1, salt 20.
        None => PssParams {
            hash: None,
            mask_gen: None,
            salt_len: None,
            trailer: None,
        },
        Some(any) => {
            let der = der::Encode::to_der(any).map_err(|_| unsupported("parameters"))?;
            PssParams::from_der(&der).map_err(|_| unsupported("parameters malformed"))?
        }
    };
    let digest = match &params.hash {
        None => DigestAlgorithm::Sha1,
        Some(hash) => digest_algorithm_lenient(hash)?,
    }
    .check(policy)?;
    let mgf_digest = match &params.mask_gen {
        None => DigestAlgorithm::Sha1,
        Some(mgf) => {
            if mgf.oid != oids::MGF1 {
                return Err(unsupported("mask generation function"));
            }
            let inner = mgf
                .parameters
                .as_ref()
                .ok_or_else(|| unsupported("MGF1 without hash"))?;
            let der = der::Encode::to_der(inner).map_err(|_| unsupported("MGF1 hash"))?;
            let hash =
                AlgorithmIdentifierOwned::from_der(&der).map_err(|_| unsupported("MGF1 hash"))?;
            digest_algorithm_lenient(&hash)?
        }
    };
    if mgf_digest != digest {
        return Err(unsupported("with an MGF1 hash other than the message hash"));
    }
    if params.trailer.unwrap_or(1) != 1 {
        return Err(unsupported("trailer field"));
    }
    let salt_len =
        usize::try_from(params.salt_len.unwrap_or(20)).map_err(|_| unsupported("salt"))?;
    Ok(Scheme::RsaPss { digest, salt_len })
}

/// A digest AlgorithmIdentifier whose parameters may be absent or NULL
/// (both are seen inside PSS parameters), not yet checked against a policy.
fn digest_algorithm_lenient(
    algorithm: &AlgorithmIdentifierOwned,
) -> Result<DigestAlgorithm, SignatureError> {
    if algorithm.oid == oids::MD5 {
        return Err(SignatureError::Refused("MD5"));
    }
    DigestAlgorithm::from_oid(&algorithm.oid)
        .ok_or_else(|| SignatureError::Unsupported(alloc::format!("digest {}", algorithm.oid)))
}

fn scheme(
    signature_algorithm: &AlgorithmIdentifierOwned,
    digest_algorithm: Option<&AlgorithmIdentifierOwned>,
    policy: &AlgorithmPolicy,
) -> Result<Scheme, SignatureError> {
    let named = |d: DigestAlgorithm| d.check(policy);
    let separate = || -> Result<DigestAlgorithm, SignatureError> {
        let alg = digest_algorithm.ok_or_else(|| {
            SignatureError::Unsupported(alloc::format!(
                "{} without a digest algorithm",
                signature_algorithm.oid
            ))
        })?;
        self::digest_algorithm(alg, policy)
    };
    Ok(match signature_algorithm.oid {
        oids::RSA_ENCRYPTION => Scheme::RsaPkcs1(separate()?),
        oids::SHA1_WITH_RSA => Scheme::RsaPkcs1(named(DigestAlgorithm::Sha1)?),
        oids::SHA224_WITH_RSA => Scheme::RsaPkcs1(named(DigestAlgorithm::Sha224)?),
        oids::SHA256_WITH_RSA => Scheme::RsaPkcs1(named(DigestAlgorithm::Sha256)?),
        oids::SHA384_WITH_RSA => Scheme::RsaPkcs1(named(DigestAlgorithm::Sha384)?),
        oids::SHA512_WITH_RSA => Scheme::RsaPkcs1(named(DigestAlgorithm::Sha512)?),
        oids::RSASSA_PSS => pss_scheme(signature_algorithm, policy)?,
        oids::EC_PUBLIC_KEY => Scheme::Ecdsa(separate()?),
        oids::ECDSA_SHA1 => Scheme::Ecdsa(named(DigestAlgorithm::Sha1)?),
        oids::ECDSA_SHA224 => Scheme::Ecdsa(named(DigestAlgorithm::Sha224)?),
        oids::ECDSA_SHA256 => Scheme::Ecdsa(named(DigestAlgorithm::Sha256)?),
        oids::ECDSA_SHA384 => Scheme::Ecdsa(named(DigestAlgorithm::Sha384)?),
        oids::ECDSA_SHA512 => Scheme::Ecdsa(named(DigestAlgorithm::Sha512)?),
        oids::ED25519 => {
            // RFC 8419 §3: with signed attributes the digest is SHA-512;
            // the signature itself is over the whole message either way.
            if let Some(alg) = digest_algorithm {
                let d = self::digest_algorithm(alg, policy)?;
                if d != DigestAlgorithm::Sha512 {
                    return Err(SignatureError::Unsupported(
                        "Ed25519 with a digest other than SHA-512 (RFC 8419 §3)".into(),
                    ));
                }
            }
            Scheme::Ed25519
        }
        oids::MD5_WITH_RSA | oids::MD2_WITH_RSA => return Err(SignatureError::Refused("MD5/MD2")),
        oids::DSA | oids::DSA_SHA1 | oids::DSA_SHA224 | oids::DSA_SHA256 => {
            if !policy.allow_dsa {
                return Err(SignatureError::Refused("DSA (RFC 8551 §2.2)"));
            }
            // RFC 3279 §2.2.2: the parameters are absent (NULL seen too).
            if !params_absent_or_null(signature_algorithm) {
                return Err(SignatureError::Unsupported(
                    "DSA signature algorithm with parameters".into(),
                ));
            }
            Scheme::Dsa(match signature_algorithm.oid {
                oids::DSA_SHA1 => named(DigestAlgorithm::Sha1)?,
                oids::DSA_SHA224 => named(DigestAlgorithm::Sha224)?,
                oids::DSA_SHA256 => named(DigestAlgorithm::Sha256)?,
                // Bare id-dsa (RFC 4134's SignerInfos): the digest is the
                // SignerInfo's digestAlgorithm.
                _ => separate()?,
            })
        }
        other => {
            return Err(SignatureError::Unsupported(alloc::format!(
                "signature algorithm {other}"
            )));
        }
    })
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
    verify_signature_with_inherited(
        spki,
        signature_algorithm,
        digest_algorithm,
        message,
        signature,
        policy,
        None,
    )
}

/// [`verify_signature`] with the DSA domain parameters `inherited` from the
/// key's issuer (RFC 3279 §2.3.2, RFC 5280 §6.1.4(f)): used when `spki` is a
/// DSA key whose parameters are absent. Ignored for any other key, and
/// for a DSA key that carries its own parameters.
pub(crate) fn verify_signature_with_inherited(
    spki: &SubjectPublicKeyInfoOwned,
    signature_algorithm: &AlgorithmIdentifierOwned,
    digest_algorithm: Option<&AlgorithmIdentifierOwned>,
    message: &[u8],
    signature: &[u8],
    policy: &AlgorithmPolicy,
    inherited: Option<&der::Any>,
) -> Result<(), SignatureError> {
    let scheme = scheme(signature_algorithm, digest_algorithm, policy)?;
    let key_bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or(SignatureError::BadKey("unused bits in the key"))?;
    match scheme {
        Scheme::RsaPkcs1(d) | Scheme::RsaPss { digest: d, .. } => {
            if spki.algorithm.oid != oids::RSA_ENCRYPTION && spki.algorithm.oid != oids::RSASSA_PSS
            {
                return Err(SignatureError::KeyMismatch {
                    algorithm: "RSA",
                    key: key_name(&spki.algorithm.oid),
                });
            }
            let key = rsa_key(key_bytes, policy)?;
            let hashed = digest(d, message);
            let result = match scheme {
                Scheme::RsaPss { salt_len, .. } => {
                    let k = &key;
                    let (h, sig) = (&hashed[..], signature);
                    match d {
                        DigestAlgorithm::Sha1 => {
                            k.verify(rsa::Pss::<sha1::Sha1>::new_with_salt(salt_len), h, sig)
                        }
                        DigestAlgorithm::Sha224 => {
                            k.verify(rsa::Pss::<sha2::Sha224>::new_with_salt(salt_len), h, sig)
                        }
                        DigestAlgorithm::Sha256 => {
                            k.verify(rsa::Pss::<sha2::Sha256>::new_with_salt(salt_len), h, sig)
                        }
                        DigestAlgorithm::Sha384 => {
                            k.verify(rsa::Pss::<sha2::Sha384>::new_with_salt(salt_len), h, sig)
                        }
                        DigestAlgorithm::Sha512 => {
                            k.verify(rsa::Pss::<sha2::Sha512>::new_with_salt(salt_len), h, sig)
                        }
                    }
                }
                _ => {
                    let pkcs1 = match d {
                        DigestAlgorithm::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                        DigestAlgorithm::Sha224 => rsa::Pkcs1v15Sign::new::<sha2::Sha224>(),
                        DigestAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                        DigestAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                        DigestAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                    };
                    key.verify(pkcs1, &hashed, signature)
                }
            };
            result.map_err(|_| SignatureError::Mismatch)
        }
        Scheme::Ecdsa(d) => {
            if spki.algorithm.oid != oids::EC_PUBLIC_KEY {
                return Err(SignatureError::KeyMismatch {
                    algorithm: "ECDSA",
                    key: key_name(&spki.algorithm.oid),
                });
            }
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<Oid>().ok())
                .ok_or(SignatureError::BadKey("EC key without a named curve"))?;
            let hashed = digest(d, message);
            use signature::hazmat::PrehashVerifier;
            match curve {
                oids::P256 => {
                    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                        .map_err(|_| SignatureError::BadKey("not a P-256 point"))?;
                    let sig = p256::ecdsa::Signature::from_der(signature)
                        .map_err(|_| SignatureError::Malformed)?;
                    key.verify_prehash(&hashed, &sig)
                        .map_err(|_| SignatureError::Mismatch)
                }
                oids::P384 => {
                    let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                        .map_err(|_| SignatureError::BadKey("not a P-384 point"))?;
                    let sig = p384::ecdsa::Signature::from_der(signature)
                        .map_err(|_| SignatureError::Malformed)?;
                    key.verify_prehash(&hashed, &sig)
                        .map_err(|_| SignatureError::Mismatch)
                }
                other => Err(SignatureError::Unsupported(alloc::format!(
                    "EC curve {other}"
                ))),
            }
        }
        Scheme::Ed25519 => {
            if spki.algorithm.oid != oids::ED25519 {
                return Err(SignatureError::KeyMismatch {
                    algorithm: "Ed25519",
                    key: key_name(&spki.algorithm.oid),
                });
            }
            let key: [u8; 32] = key_bytes
                .try_into()
                .map_err(|_| SignatureError::BadKey("Ed25519 key is not 32 bytes"))?;
            let key = ed25519_dalek::VerifyingKey::from_bytes(&key)
                .map_err(|_| SignatureError::BadKey("not an Ed25519 point"))?;
            let sig = ed25519_dalek::Signature::from_slice(signature)
                .map_err(|_| SignatureError::Malformed)?;
            key.verify_strict(message, &sig)
                .map_err(|_| SignatureError::Mismatch)
        }
        Scheme::Dsa(d) => {
            if spki.algorithm.oid != oids::DSA {
                return Err(SignatureError::KeyMismatch {
                    algorithm: "DSA",
                    key: key_name(&spki.algorithm.oid),
                });
            }
            let params = dsa_key_parameters(spki)
                .or(inherited)
                .ok_or(SignatureError::BadKey(
                    "DSA key without domain parameters (none inherited)",
                ))?;
            let key = dsa_key(key_bytes, params)?;
            let sig = dsa_signature(signature, &key)?;
            let hashed = digest(d, message);
            use signature::hazmat::PrehashVerifier;
            key.verify_prehash(&hashed, &sig)
                .map_err(|_| SignatureError::Mismatch)
        }
    }
}

/// Dss-Parms (RFC 3279 §2.3.2).
#[derive(Debug, Clone, Copy, Sequence)]
struct DssParms<'a> {
    p: der::asn1::UintRef<'a>,
    q: der::asn1::UintRef<'a>,
    g: der::asn1::UintRef<'a>,
}

/// Dss-Sig-Value (RFC 3279 §2.2.2).
#[derive(Debug, Clone, Copy, Sequence)]
struct DssSigValue<'a> {
    r: der::asn1::UintRef<'a>,
    s: der::asn1::UintRef<'a>,
}

/// The DSA domain parameters a SubjectPublicKeyInfo carries itself:
/// `None` when they are absent (or NULL), to be inherited from the issuer
/// (RFC 3279 §2.3.2). Also `None` for a key that is not DSA.
pub(crate) fn dsa_key_parameters(spki: &SubjectPublicKeyInfoOwned) -> Option<&der::Any> {
    if spki.algorithm.oid != oids::DSA {
        return None;
    }
    spki.algorithm
        .parameters
        .as_ref()
        .filter(|any| !(der::Tagged::tag(*any) == der::Tag::Null && any.value().is_empty()))
}

/// A DSA public key from the INTEGER y of a SubjectPublicKeyInfo and the
/// Dss-Parms `params` (the key's own or inherited), sizes checked.
fn dsa_key(key_bytes: &[u8], params: &der::Any) -> Result<dsa::VerifyingKey, SignatureError> {
    const MALFORMED: SignatureError = SignatureError::BadKey("malformed DSA key");
    if der::Tagged::tag(params) != der::Tag::Sequence {
        return Err(SignatureError::BadKey("DSA parameters are not Dss-Parms"));
    }
    let parms: DssParms<'_> = params
        .decode_as()
        .map_err(|_| SignatureError::BadKey("DSA parameters are not Dss-Parms"))?;
    let y = der::asn1::UintRef::from_der(key_bytes).map_err(|_| MALFORMED)?;
    let (p, q, g, y) = (
        parms.p.as_bytes(),
        parms.q.as_bytes(),
        parms.g.as_bytes(),
        y.as_bytes(),
    );
    let p_bits = bit_length(p);
    let q_bits = bit_length(q);
    if !(MIN_DSA_P_BITS..=MAX_DSA_P_BITS).contains(&p_bits) || !DSA_Q_BITS.contains(&q_bits) {
        return Err(SignatureError::DsaKeySize { p_bits, q_bits });
    }
    // g and y are below p: no longer than it (the crate checks the values).
    if bit_length(g) > p_bits || bit_length(y) > p_bits {
        return Err(MALFORMED);
    }
    // p, g and y share p's precision, as the modular arithmetic expects.
    let precision = u32::try_from(p.len().saturating_mul(8)).map_err(|_| MALFORMED)?;
    let uint = |bytes: &[u8], precision: u32| {
        dsa::BoxedUint::from_be_slice(bytes, precision).map_err(|_| MALFORMED)
    };
    let q_precision = u32::try_from(q.len().saturating_mul(8)).map_err(|_| MALFORMED)?;
    let components = dsa::Components::from_components_unchecked(
        uint(p, precision)?,
        uint(q, q_precision)?,
        uint(g, precision)?,
    )
    .map_err(|_| SignatureError::BadKey("invalid DSA domain parameters"))?;
    dsa::VerifyingKey::from_components(components, uint(y, precision)?)
        .map_err(|_| SignatureError::BadKey("invalid DSA public key"))
}

/// A Dss-Sig-Value whose r and s are no longer than the key's q (longer
/// values are out of range and cannot verify).
fn dsa_signature(
    signature: &[u8],
    key: &dsa::VerifyingKey,
) -> Result<dsa::Signature, SignatureError> {
    let value = DssSigValue::from_der(signature).map_err(|_| SignatureError::Malformed)?;
    let q = key.components().q();
    let q_bits = usize::try_from(q.bit_width()).map_err(|_| SignatureError::Malformed)?;
    let precision = q.bits_precision();
    let (r, s) = (value.r.as_bytes(), value.s.as_bytes());
    if bit_length(r) > q_bits || bit_length(s) > q_bits {
        return Err(SignatureError::Mismatch);
    }
    let uint = |bytes: &[u8]| {
        dsa::BoxedUint::from_be_slice(bytes, precision).map_err(|_| SignatureError::Malformed)
    };
    // Zero r or s: out of range (FIPS 186-4 §4.7).
    dsa::Signature::from_components(uint(r)?, uint(s)?).ok_or(SignatureError::Mismatch)
}

fn key_name(oid: &Oid) -> &'static str {
    match *oid {
        oids::RSA_ENCRYPTION | oids::RSASSA_PSS => "RSA",
        oids::EC_PUBLIC_KEY => "EC",
        oids::ED25519 => "Ed25519",
        oids::DSA => "DSA",
        _ => "unknown",
    }
}

/// The RSA key of a SubjectPublicKeyInfo's bit string (RFC 8017 A.1.1),
/// its size checked against the policy.
fn rsa_key(
    key_bytes: &[u8],
    policy: &AlgorithmPolicy,
) -> Result<rsa::RsaPublicKey, SignatureError> {
    const MALFORMED: SignatureError = SignatureError::BadKey("not an RSA public key");
    let parts = pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(key_bytes)
        .map_err(|_| MALFORMED)?;
    let n = parts.modulus.as_bytes();
    let e = parts.public_exponent.as_bytes();
    let bits = bit_length(n);
    if bits < policy.min_rsa_bits || bits > MAX_RSA_BITS {
        return Err(SignatureError::RsaKeySize {
            bits,
            min: policy.min_rsa_bits,
            max: MAX_RSA_BITS,
        });
    }
    let uint = |bytes: &[u8]| {
        let precision = u32::try_from(bytes.len().saturating_mul(8)).map_err(|_| MALFORMED)?;
        rsa::BoxedUint::from_be_slice(bytes, precision).map_err(|_| MALFORMED)
    };
    rsa::RsaPublicKey::new_with_size_limits(uint(n)?, uint(e)?, 512..=MAX_RSA_BITS)
        .map_err(|_| MALFORMED)
}

fn bit_length(be: &[u8]) -> usize {
    let mut bytes = be.iter().skip_while(|&&b| b == 0);
    match bytes.next() {
        None => 0,
        Some(&first) => {
            let rest = bytes.count();
            rest * 8 + (8 - first.leading_zeros() as usize)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::disallowed_methods,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]
    use super::*;
    use der::Encode as _;

    fn alg(oid: Oid) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid,
            parameters: None,
        }
    }

    #[test]
    fn digests_and_policy() {
        let p = AlgorithmPolicy::default();
        assert_eq!(
            digest_algorithm(&alg(oids::SHA256), &p),
            Ok(DigestAlgorithm::Sha256)
        );
        assert_eq!(
            digest_algorithm(&alg(oids::SHA1), &p),
            Err(SignatureError::Refused("SHA-1"))
        );
        assert_eq!(
            digest_algorithm(&alg(oids::SHA1), &AlgorithmPolicy::legacy()),
            Ok(DigestAlgorithm::Sha1)
        );
        assert_eq!(
            digest_algorithm(&alg(oids::MD5), &AlgorithmPolicy::legacy()),
            Err(SignatureError::Refused("MD5"))
        );
        assert_eq!(
            hex(&digest(DigestAlgorithm::Sha256, b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        for d in [
            DigestAlgorithm::Sha1,
            DigestAlgorithm::Sha224,
            DigestAlgorithm::Sha256,
            DigestAlgorithm::Sha384,
            DigestAlgorithm::Sha512,
        ] {
            assert_eq!(digest(d, b"x").len(), d.output_len());
            assert_eq!(DigestAlgorithm::from_oid(&d.oid()), Some(d));
        }
    }

    #[test]
    fn dsa_and_unknown_are_refused_not_panics() {
        let p = AlgorithmPolicy::legacy();
        assert_eq!(
            scheme(&alg(oids::DSA_SHA1), None, &AlgorithmPolicy::default()),
            Err(SignatureError::Refused("DSA (RFC 8551 §2.2)"))
        );
        assert_eq!(
            scheme(&alg(oids::DSA_SHA1), None, &p),
            Ok(Scheme::Dsa(DigestAlgorithm::Sha1))
        );
        // DSA with SHA-1 needs SHA-1 too.
        let dsa_only = AlgorithmPolicy {
            allow_sha1: false,
            ..AlgorithmPolicy::legacy()
        };
        assert_eq!(
            scheme(&alg(oids::DSA_SHA1), None, &dsa_only),
            Err(SignatureError::Refused("SHA-1"))
        );
        assert_eq!(
            scheme(&alg(oids::DSA), Some(&alg(oids::SHA256)), &dsa_only),
            Ok(Scheme::Dsa(DigestAlgorithm::Sha256))
        );
        assert!(matches!(
            scheme(&alg(oids::DSA), None, &p),
            Err(SignatureError::Unsupported(_))
        ));
        assert!(matches!(
            scheme(&alg(Oid::new_unwrap("1.2.3.4")), None, &p),
            Err(SignatureError::Unsupported(_))
        ));
        assert!(matches!(
            scheme(&alg(oids::RSA_ENCRYPTION), None, &p),
            Err(SignatureError::Unsupported(_))
        ));
    }

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[0, 0x80, 0]), 16);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[]), 0);
    }

    fn check_self_signed(
        cert: &crate::Certificate,
        policy: &AlgorithmPolicy,
    ) -> Result<(), SignatureError> {
        let x = cert.x509();
        verify_signature(
            x.tbs_certificate().subject_public_key_info(),
            x.signature_algorithm(),
            None,
            cert.tbs_der(),
            x.signature().as_bytes().unwrap(),
            policy,
        )
    }

    fn openssl_cert(
        dir: &std::path::Path,
        name: &str,
        keygen: &[&str],
        sign: &[&str],
    ) -> Option<crate::Certificate> {
        use std::process::Command;
        let key = dir.join(format!("{name}.key"));
        let crt = dir.join(format!("{name}.crt"));
        let ok = Command::new("openssl")
            .args(["genpkey", "-out"])
            .arg(&key)
            .args(keygen)
            .output()
            .ok()?
            .status
            .success();
        assert!(ok, "genpkey {name}");
        let ok = Command::new("openssl")
            .args([
                "req", "-x509", "-new", "-subj", "/CN=t", "-days", "2", "-key",
            ])
            .arg(&key)
            .arg("-out")
            .arg(&crt)
            .args(sign)
            .output()
            .ok()?
            .status
            .success();
        assert!(ok, "req {name}");
        Some(
            crate::Certificate::from_pem(&std::fs::read(&crt).unwrap())
                .unwrap()
                .remove(0),
        )
    }

    /// Self-signed certificates made by OpenSSL with every scheme we
    /// support: each verifies, and fails once one byte of the signed part changes.
    #[test]
    fn openssl_made_signatures() {
        if std::process::Command::new("openssl")
            .arg("version")
            .output()
            .is_err()
        {
            eprintln!("skipped: openssl not found");
            return;
        }
        let dir = std::env::temp_dir().join(format!("smime-crypto-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let rsa = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"];
        let cases: Vec<(&str, Vec<&str>, Vec<&str>)> = vec![
            ("rsa256", rsa.to_vec(), vec!["-sha256"]),
            ("rsa512", rsa.to_vec(), vec!["-sha512"]),
            (
                "pss",
                rsa.to_vec(),
                vec![
                    "-sha384",
                    "-sigopt",
                    "rsa_padding_mode:pss",
                    "-sigopt",
                    "rsa_pss_saltlen:max",
                ],
            ),
            (
                "pss32",
                rsa.to_vec(),
                vec![
                    "-sha256",
                    "-sigopt",
                    "rsa_padding_mode:pss",
                    "-sigopt",
                    "rsa_pss_saltlen:32",
                ],
            ),
            (
                "p256",
                vec!["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
                vec!["-sha256"],
            ),
            (
                "p384",
                vec!["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
                vec!["-sha384"],
            ),
            (
                "p256sha512",
                vec!["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
                vec!["-sha512"],
            ),
            ("ed25519", vec!["-algorithm", "ED25519"], vec![]),
        ];
        let policy = AlgorithmPolicy::default();
        for (name, keygen, sign) in cases {
            let cert = openssl_cert(&dir, name, &keygen, &sign).unwrap();
            assert_eq!(check_self_signed(&cert, &policy), Ok(()), "{name}");
            let mut der = cert.der().to_vec();
            // Flip a byte inside tbsCertificate's validity/subject area.
            let at = cert.tbs_der().len() / 2 + 4;
            der[at] ^= 1;
            if let Ok(bad) = crate::Certificate::from_der(&der) {
                assert!(check_self_signed(&bad, &policy).is_err(), "{name} tampered");
            }
        }
        // A 1024-bit key is refused by default, accepted by the legacy policy.
        let small = openssl_cert(
            &dir,
            "rsa1024",
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
            &["-sha256"],
        )
        .unwrap();
        assert!(matches!(
            check_self_signed(&small, &policy),
            Err(SignatureError::RsaKeySize { bits: 1024, .. })
        ));
        assert_eq!(
            check_self_signed(&small, &AlgorithmPolicy::legacy()),
            Ok(())
        );
        // SHA-1 likewise.
        let sha1 = openssl_cert(&dir, "rsasha1", &rsa, &["-sha1"]).unwrap();
        assert_eq!(
            check_self_signed(&sha1, &policy),
            Err(SignatureError::Refused("SHA-1"))
        );
        assert_eq!(check_self_signed(&sha1, &AlgorithmPolicy::legacy()), Ok(()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A DER INTEGER of a non-negative big-endian value.
    fn der_uint(value: &[u8]) -> Vec<u8> {
        der::asn1::UintRef::new(value).unwrap().to_der().unwrap()
    }

    fn dss_parms(p: &[u8], q: &[u8], g: &[u8]) -> der::Any {
        let mut body = der_uint(p);
        body.extend(der_uint(q));
        body.extend(der_uint(g));
        der::Any::new(der::Tag::Sequence, body).unwrap()
    }

    /// A DSA key and self-signed certificates made by OpenSSL: verified
    /// under the legacy policy, refused by default, tampered ones fail, and
    /// the key without its parameters verifies only with them inherited.
    #[test]
    fn openssl_made_dsa() {
        use std::process::Command;
        if Command::new("openssl").arg("version").output().is_err() {
            eprintln!("skipped: openssl not found");
            return;
        }
        let dir = std::env::temp_dir().join(format!("smime-crypto-dsa-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let params = dir.join("dsa.params");
        let ok = Command::new("openssl")
            .args(["genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt"])
            .arg("dsa_paramgen_bits:2048")
            .arg("-out")
            .arg(&params)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "DSA parameters");
        let paramfile = params.to_str().unwrap();
        let keygen = ["-paramfile", paramfile];
        let legacy = AlgorithmPolicy::legacy();
        let strict = AlgorithmPolicy::default();
        let sha256 = openssl_cert(&dir, "dsa256", &keygen, &["-sha256"]).unwrap();
        let sha1 = openssl_cert(&dir, "dsa1", &keygen, &["-sha1"]).unwrap();
        for (name, cert) in [("dsa-with-sha256", &sha256), ("id-dsa-with-sha1", &sha1)] {
            assert_eq!(check_self_signed(cert, &legacy), Ok(()), "{name}");
            assert_eq!(
                check_self_signed(cert, &strict),
                Err(SignatureError::Refused("DSA (RFC 8551 §2.2)")),
                "{name}"
            );
            let mut der = cert.der().to_vec();
            let at = cert.tbs_der().len() / 2 + 4;
            der[at] ^= 1;
            if let Ok(bad) = crate::Certificate::from_der(&der) {
                assert!(check_self_signed(&bad, &legacy).is_err(), "{name} tampered");
            }
        }
        let x = sha256.x509();
        let spki = x.tbs_certificate().subject_public_key_info();
        let sig = x.signature().as_bytes().unwrap();
        // Bare id-dsa with a separate digest algorithm (RFC 4134's form).
        assert_eq!(
            verify_signature(
                spki,
                &alg(oids::DSA),
                Some(&alg(oids::SHA256)),
                sha256.tbs_der(),
                sig,
                &legacy
            ),
            Ok(())
        );
        // Another digest than the one signed: no match.
        assert_eq!(
            verify_signature(
                spki,
                &alg(oids::DSA),
                Some(&alg(oids::SHA224)),
                sha256.tbs_der(),
                sig,
                &legacy
            ),
            Err(SignatureError::Mismatch)
        );
        // Parameters absent: refused alone, verifies when inherited.
        let own = spki.algorithm.parameters.clone().unwrap();
        let mut bare = spki.clone();
        bare.algorithm.parameters = None;
        let with = |inherited: Option<&der::Any>| {
            verify_signature_with_inherited(
                &bare,
                x.signature_algorithm(),
                None,
                sha256.tbs_der(),
                sig,
                &legacy,
                inherited,
            )
        };
        assert!(matches!(with(None), Err(SignatureError::BadKey(_))));
        assert_eq!(with(Some(&own)), Ok(()));
        // Inherited parameters do not replace a key's own.
        assert_eq!(
            verify_signature_with_inherited(
                spki,
                x.signature_algorithm(),
                None,
                sha256.tbs_der(),
                sig,
                &legacy,
                Some(&dss_parms(&[23], &[11], &[4])),
            ),
            Ok(())
        );
        // Other parameters: the key is not in their group, or the sizes are refused.
        assert!(matches!(
            with(Some(&dss_parms(&[23], &[11], &[4]))),
            Err(SignatureError::DsaKeySize {
                p_bits: 5,
                q_bits: 4
            })
        ));
        let mut p = alloc::vec![0xffu8; 640];
        p[639] = 0xfd;
        assert!(matches!(
            with(Some(&dss_parms(&p, &[0xff; 20], &[2]))),
            Err(SignatureError::DsaKeySize {
                p_bits: 5120,
                q_bits: 160
            })
        ));
        assert!(with(Some(&der::Any::new(der::Tag::Null, Vec::new()).unwrap())).is_err());
        assert!(
            with(Some(
                &der::Any::new(der::Tag::Sequence, alloc::vec![2, 1]).unwrap()
            ))
            .is_err()
        );
        // Malformed and out-of-range signature values.
        let check = |signature: &[u8]| {
            verify_signature(
                spki,
                x.signature_algorithm(),
                None,
                sha256.tbs_der(),
                signature,
                &legacy,
            )
        };
        assert_eq!(check(&[]), Err(SignatureError::Malformed));
        assert_eq!(check(&sig[..sig.len() - 1]), Err(SignatureError::Malformed));
        let zeros = [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00];
        assert_eq!(check(&zeros), Err(SignatureError::Mismatch));
        let mut long = alloc::vec![0x30, 0x82, 0x01, 0x08, 0x02, 0x81, 0x81, 0x01];
        long.extend([0u8; 128]);
        long.extend([0x02, 0x81, 0x81, 0x01]);
        long.extend([0u8; 128]);
        assert_eq!(check(&long), Err(SignatureError::Mismatch));
        // A DSA signature algorithm with an RSA key, and the reverse.
        let rsa = openssl_cert(
            &dir,
            "rsa-for-dsa",
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
            &["-sha256"],
        )
        .unwrap();
        assert!(matches!(
            verify_signature(
                rsa.x509().tbs_certificate().subject_public_key_info(),
                x.signature_algorithm(),
                None,
                sha256.tbs_der(),
                sig,
                &legacy
            ),
            Err(SignatureError::KeyMismatch { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rfc9216_and_pkits_roots() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/smime");
        if !dir.is_dir() {
            eprintln!("skipped: ../shared/vectors absent");
            return;
        }
        let policy = AlgorithmPolicy::default();
        for name in [
            "rfc9216/Sample_LAMPS_RSA_Certification_Authority.selfsigned.pem",
            "rfc9216/Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem",
            "pkits-smime/certs/TrustAnchorRootCertificate.crt",
        ] {
            let bytes = std::fs::read(dir.join(name)).unwrap();
            let cert = crate::Certificate::from_pem_or_der(&bytes)
                .unwrap()
                .remove(0);
            assert_eq!(check_self_signed(&cert, &policy), Ok(()), "{name}");
        }
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| alloc::format!("{x:02x}")).collect()
    }
}
