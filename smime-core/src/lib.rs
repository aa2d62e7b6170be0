//! S/MIME 4.0 (RFC 8551, 8550) over CMS (RFC 5652), sans-IO.
//!
//! Sign (multipart/signed and opaque signed-data), verify with certificate
//! path validation, encrypt (enveloped-data, and auth-enveloped-data with
//! AES-GCM) to one or many recipients, decrypt, and harvest certificates from
//! verified signed mail into the caller's store.
//!
//! # Status
//!
//! Verification, signing, the certificate store and harvesting are here;
//! encryption and decryption land with a later issue.
//!
//! # Verifying a message
//!
//! [`verify_message`] takes the whole message, the caller's trust inputs
//! ([`TrustInputs`]: anchors, extra certificates, CRLs), the time of
//! validation and [`VerifyOptions`], and returns a [`VerifyReport`] with one
//! [`SignerReport`] per SignerInfo, in their order:
//!
//! 1. **The S/MIME parts** ([`find_smime`]): `multipart/signed` (the signed
//!    entity kept as received and in its CRLF canonical form, RFC 8551
//!    §3.1.1; `micalg` is never trusted) or `application/pkcs7-mime`
//!    (`signed-data`, `certs-only`), old `x-pkcs7-*` spellings included.
//! 2. **The CMS** ([`SignedData::from_ber`]): DER or BER (indefinite lengths,
//!    constructed strings), bounded. The signature over signed attributes is
//!    checked against their *received* bytes with the `[0]` tag replaced by
//!    SET (RFC 5652 §5.4), never a re-encoding. content-type and
//!    message-digest are checked; signingCertificate(V2) must name the
//!    signer's certificate; ESS receiptRequest, SMIMECapabilities and
//!    SMIMEEncryptionKeyPreference are decoded and reported.
//! 3. **Algorithms** ([`AlgorithmPolicy`]): RSA PKCS#1 v1.5, RSASSA-PSS
//!    (parameters from the message), ECDSA P-256/P-384, Ed25519 (RFC 8419).
//!    MD5, SHA-1, DSA and RSA under 2048 bits are refused by default;
//!    [`AlgorithmPolicy::legacy`] opens SHA-1, RSA from 1024 bits and DSA
//!    (FIPS 186 sizes, domain parameters inherited along the path per
//!    RFC 3279 §2.3.2) for archives.
//! 4. **The path** ([`validate_path`]): built from the message's
//!    certificates, the caller's and the anchors (names and AKI/SKI,
//!    cross-signed CAs, several candidates, bounded), validated per RFC 5280
//!    §6.1 at the caller's time, with revocation from the caller's CRLs
//!    ([`RevocationMode`]) and the RFC 8550 §4.4.4 EKU rule.
//! 5. **The sender** ([`address_matches`]): an address of the From field (any
//!    mailbox) or the Sender field against the certificate's rfc822Name,
//!    SmtpUTF8Mailbox and subject emailAddress (RFC 8550 §3). Domains compare
//!    case-insensitively (U-labels equal their A-labels); local-parts compare
//!    exactly, as RFC 5280 §7.5 says.
//!
//! A signer is verified when its signature is valid, its chain is valid and
//! the sender matches. The signed content is handed back only when a
//! signature over it is valid; a `multipart/signed` whose SignedData carries
//! content of its own (the CVE-2018-18509 shape) has no valid signer.
//!
//! ```
//! use smime_core::{Certificate, TrustInputs, VerifyOptions, verify_message};
//!
//! let anchors = Certificate::from_pem(include_bytes!("../samples/ca.pem"))?;
//! let message = include_bytes!("../samples/signed-rsa.eml");
//! let trust = TrustInputs { anchors: &anchors, certificates: &[], crls: &[] };
//! // 2027-01-15: the time of validation is the caller's.
//! let report = verify_message(message, &trust, 1_800_000_000, &VerifyOptions::default())?;
//! assert!(report.verified);
//! assert_eq!(report.signers[0].emails, ["merchant@shop.example"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Signing a message
//!
//! A [`Signer`] is a private key ([`SigningKey`]: PKCS#8, PKCS#1 or SEC1,
//! PEM or DER; RSA from 2048 bits, P-256, P-384, Ed25519), its certificate
//! (checked: the key is its key, and its key usages allow signing mail) and
//! the chain to send. [`sign_message`] keeps the RFC 5322 header fields on
//! the outside and signs the MIME entity (RFC 8551 §3.1), detached
//! (`multipart/signed`, `micalg` listing every signer's digest) or opaque
//! ([`SignForm`]). A single part that is not 7-bit safe is re-encoded
//! (quoted-printable for text, base64 otherwise, §3.1.2); the entity is
//! signed in CRLF form. Each SignerInfo carries content-type, message-digest,
//! signing-time (the caller's `now`), SMIMECapabilities,
//! SMIMEEncryptionKeyPreference ([`KeyPreference`]) and signingCertificateV2
//! (RFC 5035). RSA signs PKCS#1 v1.5 or PSS ([`RsaScheme`]); Ed25519 signs
//! with SHA-512 (RFC 8419). Randomness (PSS salts, RSA blinding, hedged ECDSA
//! nonces) comes from the caller's `CryptoRng`. [`sign_content`] signs bytes
//! at the CMS level.
//!
//! The SignedData is put together here, not with `cms`'s builder, which
//! reads the system clock for signing-time and re-encodes certificates.
//!
//! ```
//! use smime_core::{Certificate, SignOptions, Signer, SigningKey, TrustInputs, VerifyOptions};
//!
//! let key = SigningKey::from_pem(include_bytes!("../samples/merchant-p256.key"))?;
//! let cert = Certificate::from_pem(include_bytes!("../samples/merchant-p256.pem"))?.remove(0);
//! let signer = Signer::new(key, cert, Vec::new())?;
//! let message = b"From: merchant@shop.example\r\nSubject: Order\r\n\
//!                 Content-Type: text/plain\r\n\r\nShipped.\r\n";
//! # let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
//! // `rng` is any rand_core::CryptoRng, such as rand_core::UnwrapErr(getrandom::SysRng).
//! let now = 1_800_000_000;
//! let signed = smime_core::sign_message(message, &[signer], &SignOptions::default(), now, &mut rng)?;
//!
//! let anchors = Certificate::from_pem(include_bytes!("../samples/ca.pem"))?;
//! let trust = TrustInputs { anchors: &anchors, certificates: &[], crls: &[] };
//! let report = smime_core::verify_message(&signed, &trust, now, &VerifyOptions::default())?;
//! assert!(report.verified);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Certificate store and harvesting
//!
//! [`harvest`] takes from a [`VerifyReport`] what its *verified* signers
//! offer for later encryption (RFC 8551 §2.5.3, §2.7.1): the sender
//! addresses the signer's certificate carries, that certificate with its
//! chain, the SMIMECapabilities and signing time, and a certificate that
//! SMIMEEncryptionKeyPreference names when it validates on its own. An
//! unverified, untrusted or self-signed-only signer gives nothing: anyone
//! could otherwise plant the key that mail to a victim is encrypted to.
//! [`store_harvest`] puts it into a [`CertificateStore`] (keyed by
//! [`normalize_address`]; [`MemoryCertificateStore`] keeps
//! [`MAX_CERTIFICATES_PER_ADDRESS`] per address), and
//! [`select_encryption_certificate`] picks the certificate to encrypt to:
//! valid at the caller's time with a path to the caller's anchors, carrying
//! the address, with a key and keyUsage fit for encryption (RFC 8550
//! §4.4.2); the preferred one first, then the newest signing time. When none
//! qualifies, [`SelectError`] says why for each.
//!
//! # Dependencies, and why
//!
//! RustCrypto throughout: `x509-cert`, `cms` and `der` for the ASN.1 types
//! (our own bounded BER reader where `der` is strict), `rsa` (0.10 line,
//! the implicit-rejection release the decryption side needs), `p256`,
//! `p384`, `ed25519-dalek`, `sha1`, `sha2`, and `dsa` (only under the
//! legacy policy, for archives: RFC 4134 and PKITS sign with DSA). `idna` compares internationalised
//! domains. Path validation is our own: `certval` pins an older `rsa`
//! pre-release that cannot live beside ours.
//!
//! # Known gaps
//!
//! OCSP and certificates dated before 1970 (the `x509-cert` time type's
//! limit) are not supported; NIST PKITS runs with the one test this
//! leaves out (4.2.3) listed as an exclusion. CRL-signing certificates off
//! the path are used one level deep only (issued by a key of the path).
//!
//! # What this crate does not do
//!
//! It reads no files, keys or system trust stores and never reads the clock:
//! certificates, trust anchors, CRLs, keys, randomness and the time of
//! validation are the caller's to pass in.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

mod certificate;
mod cms;
mod crypto;
mod harvest;
mod mime;
mod path;
mod sender;
mod sign;
mod store;
mod verify;

pub use certificate::{Certificate, CertificateError, MAX_CERTIFICATE_SIZE};
pub use cms::{
    CmsError, ContentKind, EncryptionKeyPreference, EssCertId, EssCertIdV2, IssuerSerial,
    MAX_ATTRIBUTES, MAX_CERTIFICATES, MAX_CMS_SIZE, MAX_CRLS, MAX_SIGNER_INFOS, ReceiptRequest,
    ReceiptsFrom, RecipientKeyIdentifier, SignedAttributes, SignedData, SignerError, SignerId,
    SignerInfo, SigningCertificate, SigningCertificateV2, SmimeCapability, content_kind,
};
pub use crypto::{
    AlgorithmPolicy, DSA_Q_BITS, DigestAlgorithm, MAX_DSA_P_BITS, MAX_RSA_BITS, MIN_DSA_P_BITS,
    SignatureError,
};
pub use harvest::{Harvested, harvest, store_harvest};
pub use mailsec_message;
pub use mime::{MAX_SMIME_MESSAGE_SIZE, SmimeEntity, SmimeMimeError, find_smime};
pub use path::{
    ChainStatus, PathError, PathValidation, RevocationMode, ValidationOptions, validate_path,
};
pub use sender::{address_matches, certificate_email_addresses, message_sender_addresses};
pub use sign::{
    KeyError, KeyKind, KeyPreference, MAX_KEY_FILE_SIZE, RsaScheme, SignError, SignForm,
    SignOptions, Signer, SigningKey, default_capabilities, sign_content, sign_message,
};
pub use store::{
    CertificateStore, MAX_CERTIFICATES_PER_ADDRESS, MemoryCertificateStore, RejectReason, Rejected,
    SelectError, Selected, StoreError, StoredCertificate, normalize_address,
    select_encryption_certificate,
};
pub use verify::{
    SignatureFailure, SignatureStatus, SignedForm, SignerReport, TrustInputs, VerifyError,
    VerifyOptions, VerifyReport, verify_message,
};
