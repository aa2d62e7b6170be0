//! Signing (RFC 8551 §3.5): `multipart/signed` with a detached signature
//! or opaque `application/pkcs7-mime; smime-type=signed-data`, by one or
//! several signers.
//!
//! The SignedData is assembled here rather than with `cms`'s
//! `SignedDataBuilder`: that builder adds a signing-time read from the
//! system clock, and re-encodes certificates from their parsed form; we take
//! the time from the caller and send certificates byte for byte.

mod der_out;
mod entity;
mod key;
mod signed_data;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use der::asn1::ObjectIdentifier as Oid;

pub use key::{KeyError, KeyKind, MAX_KEY_FILE_SIZE, RsaScheme, SigningKey};

use crate::certificate::Certificate;
use crate::cms::SmimeCapability;
use crate::crypto::DigestAlgorithm;

/// Why a message could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The private key could not be read.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The private key is not the certificate's.
    #[error("the private key does not belong to the certificate ({0})")]
    KeyMismatch(String),
    /// The certificate may not sign mail: its keyUsage has neither
    /// digitalSignature nor nonRepudiation, or its extendedKeyUsage has
    /// neither emailProtection nor anyExtendedKeyUsage (RFC 8550 §4.4).
    #[error("the certificate may not sign mail: {0}")]
    CertificateNotForSigning(&'static str),
    /// A digest the key or this library does not sign with.
    #[error("digest {digest} not allowed: {reason}")]
    Digest {
        /// The `micalg` name of the digest asked for.
        digest: &'static str,
        /// Why not.
        reason: &'static str,
    },
    /// RSASSA-PSS was asked for with a key that is not RSA.
    #[error("PSS needs an RSA key")]
    PssNeedsRsa,
    /// No signer was given.
    #[error("no signer given")]
    NoSigners,
    /// `now` cannot be written as a signing time.
    #[error("time {0} cannot be encoded as a signing time")]
    Time(u64),
    /// The message to sign could not be read.
    #[error("cannot read the message to sign: {0}")]
    Message(String),
    /// A value could not be encoded.
    #[error("cannot encode the {0}")]
    Encoding(&'static str),
    /// The signature operation failed.
    #[error("{0}")]
    Signing(&'static str),
    /// No boundary absent from the content was found.
    #[error("no multipart boundary absent from the content was found")]
    Boundary,
}

/// One signer: a private key, its certificate, the chain to send with it,
/// the digest and (for RSA) the signature scheme.
#[derive(Debug)]
pub struct Signer {
    key: SigningKey,
    certificate: Certificate,
    chain: Vec<Certificate>,
    digest: DigestAlgorithm,
    rsa_scheme: RsaScheme,
}

/// id-kp-emailProtection.
const ID_KP_EMAIL_PROTECTION: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.4");
/// anyExtendedKeyUsage.
const ID_ANY_EXTENDED_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37.0");

impl Signer {
    /// A signer with the default digest: SHA-256, or SHA-512 for Ed25519
    /// (RFC 8419 §3), and RSASSA-PKCS1-v1_5 for RSA keys.
    ///
    /// Refused: a key that is not the certificate's, and a certificate
    /// whose keyUsage or extendedKeyUsage forbids signing mail (receivers
    /// refuse those, RFC 8550 §4.4.2, §4.4.4). `chain` is the certificates
    /// to send beside it (intermediates; the root may be left out).
    pub fn new(
        key: SigningKey,
        certificate: Certificate,
        chain: Vec<Certificate>,
    ) -> Result<Self, SignError> {
        let spki = certificate
            .x509()
            .tbs_certificate()
            .subject_public_key_info();
        if !key.matches(spki) {
            return Err(SignError::KeyMismatch(certificate.subject_string()));
        }
        if let Some(usage) = signed_data::key_usage(&certificate)
            && !usage.digital_signature()
            && !usage.non_repudiation()
        {
            return Err(SignError::CertificateNotForSigning(
                "keyUsage has neither digitalSignature nor nonRepudiation",
            ));
        }
        let eku = certificate
            .x509()
            .tbs_certificate()
            .get_extension::<x509_cert::ext::pkix::ExtendedKeyUsage>()
            .map_err(|_| SignError::CertificateNotForSigning("malformed extendedKeyUsage"))?;
        if let Some((_, eku)) = eku
            && !eku
                .0
                .iter()
                .any(|k| *k == ID_KP_EMAIL_PROTECTION || *k == ID_ANY_EXTENDED_KEY_USAGE)
        {
            return Err(SignError::CertificateNotForSigning(
                "extendedKeyUsage has neither emailProtection nor anyExtendedKeyUsage",
            ));
        }
        let digest = if key.kind() == KeyKind::Ed25519 {
            DigestAlgorithm::Sha512
        } else {
            DigestAlgorithm::Sha256
        };
        Ok(Self {
            key,
            certificate,
            chain,
            digest,
            rsa_scheme: RsaScheme::Pkcs1v15,
        })
    }

    /// Chooses the digest: SHA-256, SHA-384 or SHA-512; Ed25519 signers
    /// use SHA-512 only (RFC 8419 §3).
    pub fn with_digest(mut self, digest: DigestAlgorithm) -> Result<Self, SignError> {
        let refuse = |reason| SignError::Digest {
            digest: digest.micalg(),
            reason,
        };
        match digest {
            DigestAlgorithm::Sha1 | DigestAlgorithm::Sha224 => {
                return Err(refuse("signing offers sha-256, sha-384 and sha-512"));
            }
            DigestAlgorithm::Sha256 | DigestAlgorithm::Sha384
                if self.key.kind() == KeyKind::Ed25519 =>
            {
                return Err(refuse("Ed25519 signers use sha-512 (RFC 8419 §3)"));
            }
            _ => {}
        }
        self.digest = digest;
        Ok(self)
    }

    /// Chooses RSASSA-PSS or PKCS#1 v1.5 for an RSA key.
    pub fn with_rsa_scheme(mut self, scheme: RsaScheme) -> Result<Self, SignError> {
        if scheme == RsaScheme::Pss && !matches!(self.key.kind(), KeyKind::Rsa { .. }) {
            return Err(SignError::PssNeedsRsa);
        }
        self.rsa_scheme = scheme;
        Ok(self)
    }

    /// The signer's certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The digest this signer uses.
    pub fn digest(&self) -> DigestAlgorithm {
        self.digest
    }
}

/// Where the signed content goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignForm {
    /// `multipart/signed`: the content in clear beside a detached
    /// signature, readable without S/MIME (RFC 8551 §3.5.3).
    #[default]
    Detached,
    /// `application/pkcs7-mime; smime-type=signed-data`: the content
    /// inside the CMS (RFC 8551 §3.5.2).
    Opaque,
}

/// What the SMIMEEncryptionKeyPreference attribute (RFC 8551 §2.5.3) names.
#[derive(Debug, Clone, Default)]
pub enum KeyPreference {
    /// The signer's own certificate, when its key can receive encrypted
    /// mail (an RSA key whose keyUsage allows keyEncipherment, an EC key
    /// with keyAgreement); otherwise the attribute is left out.
    #[default]
    Signer,
    /// Another certificate (a separate encryption certificate); it is sent
    /// in the SignedData's certificates too.
    Certificate(Box<Certificate>),
    /// No attribute.
    Omit,
}

/// Settings for [`sign_message`] and [`sign_content`].
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// Detached (the default) or opaque.
    pub form: SignForm,
    /// The SMIMECapabilities attribute (RFC 8551 §2.5.2), most preferred
    /// first; empty leaves it out. Default: [`default_capabilities`].
    pub capabilities: Vec<SmimeCapability>,
    /// The SMIMEEncryptionKeyPreference attribute.
    pub encryption_key_preference: KeyPreference,
    /// Add signingCertificateV2 (RFC 5035), binding the signature to the
    /// signer's certificate. Default: yes.
    pub signing_certificate_v2: bool,
    /// Send the signers' certificates and chains in the SignedData.
    /// Default: yes (receivers need them to verify).
    pub include_certificates: bool,
}

impl Default for SignOptions {
    fn default() -> Self {
        Self {
            form: SignForm::Detached,
            capabilities: default_capabilities(),
            encryption_key_preference: KeyPreference::Signer,
            signing_certificate_v2: true,
            include_certificates: true,
        }
    }
}

/// The content-encryption algorithms announced by default, most preferred
/// first (RFC 8551 §2.7): AES-256-GCM, AES-128-GCM (RFC 5084),
/// AES-256-CBC, AES-128-CBC (RFC 3565).
pub fn default_capabilities() -> Vec<SmimeCapability> {
    [
        "2.16.840.1.101.3.4.1.46",
        "2.16.840.1.101.3.4.1.6",
        "2.16.840.1.101.3.4.1.42",
        "2.16.840.1.101.3.4.1.2",
    ]
    .into_iter()
    .map(|id| SmimeCapability {
        capability_id: Oid::new_unwrap(id),
        parameters: None,
    })
    .collect()
}

/// Signs `content` as it is and returns the DER ContentInfo of the
/// SignedData: with the content inside for [`SignForm::Opaque`], without
/// it for [`SignForm::Detached`]. For S/MIME, `content` must be the
/// canonical MIME entity; [`sign_message`] prepares it.
///
/// `now` (seconds since the epoch) is the signing time; `rng` randomises
/// RSA-PSS salts, RSA blinding and ECDSA nonces (hedged RFC 6979).
pub fn sign_content(
    content: &[u8],
    signers: &[Signer],
    options: &SignOptions,
    now: u64,
    rng: &mut dyn rand_core::CryptoRng,
) -> Result<Vec<u8>, SignError> {
    signed_data::signed_data(content, signers, options, now, rng)
}

/// Signs a message: the RFC 5322 header fields stay on the outer message,
/// the MIME entity (its `Content-*` fields and body) is signed. A single
/// part that is not 7-bit safe is re-encoded first (quoted-printable for
/// text, base64 otherwise; RFC 8551 §3.1.2), and the entity is put in CRLF
/// form (§3.1.1). Returns the whole signed message, CRLF line endings.
///
/// Input without header fields is taken as a plain-text body.
pub fn sign_message(
    message: &[u8],
    signers: &[Signer],
    options: &SignOptions,
    now: u64,
    rng: &mut dyn rand_core::CryptoRng,
) -> Result<Vec<u8>, SignError> {
    let prepared = entity::prepare(message)?;
    let cms = signed_data::signed_data(&prepared.entity, signers, options, now, rng)?;
    let mut out = prepared.outer;
    out.extend_from_slice(b"MIME-Version: 1.0\r\n");
    match options.form {
        SignForm::Opaque => {
            out.extend_from_slice(
                b"Content-Type: application/pkcs7-mime; smime-type=signed-data;\r\n\tname=\"smime.p7m\"\r\n\
                  Content-Transfer-Encoding: base64\r\n\
                  Content-Disposition: attachment; filename=\"smime.p7m\"\r\n\r\n",
            );
            out.extend(mailsec_message::encode_base64_lines(&cms));
        }
        SignForm::Detached => {
            let boundary = boundary(&prepared.entity, rng)?;
            let mut micalgs: Vec<&str> = Vec::new();
            for signer in signers {
                if !micalgs.contains(&signer.digest.micalg()) {
                    micalgs.push(signer.digest.micalg());
                }
            }
            let micalg = if micalgs.len() == 1 {
                micalgs.concat()
            } else {
                alloc::format!("\"{}\"", micalgs.join(","))
            };
            out.extend_from_slice(
                alloc::format!(
                    "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n\
                     \tmicalg={micalg}; boundary=\"{boundary}\"\r\n\r\n\
                     This is a cryptographically signed message in MIME format.\r\n\r\n\
                     --{boundary}\r\n"
                )
                .as_bytes(),
            );
            out.extend_from_slice(&prepared.entity);
            out.extend_from_slice(
                alloc::format!(
                    "\r\n--{boundary}\r\n\
                     Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n\
                     Content-Transfer-Encoding: base64\r\n\
                     Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\
                     Content-Description: S/MIME Cryptographic Signature\r\n\r\n"
                )
                .as_bytes(),
            );
            out.extend(mailsec_message::encode_base64_lines(&cms));
            out.extend_from_slice(alloc::format!("\r\n--{boundary}--\r\n").as_bytes());
        }
    }
    Ok(out)
}

/// A boundary that does not occur in the entity (RFC 2046 §5.1.1).
fn boundary(entity: &[u8], rng: &mut dyn rand_core::CryptoRng) -> Result<String, SignError> {
    use core::fmt::Write as _;
    for _ in 0..8 {
        let mut random = [0u8; 12];
        rng.fill_bytes(&mut random);
        let mut boundary = String::from("----=_mailsec_");
        for b in random {
            let _ = write!(boundary, "{b:02x}");
        }
        if memchr::memmem::find(entity, boundary.as_bytes()).is_none() {
            return Ok(boundary);
        }
    }
    Err(SignError::Boundary)
}
