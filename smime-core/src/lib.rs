//! S/MIME 4.0 (RFC 8551, 8550) over CMS (RFC 5652), sans-IO.
//!
//! Sign (multipart/signed and opaque signed-data), verify with certificate
//! path validation, encrypt (enveloped-data, and auth-enveloped-data with
//! AES-GCM) to one or many recipients, decrypt, and harvest certificates from
//! verified signed mail into the caller's store.
//!
//! # Status
//!
//! Verification is being built (CMS SignedData, path validation, sender
//! binding). Signing and encryption land with later issues.
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
mod mime;
mod path;
mod sender;
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
pub use mailsec_message;
pub use mime::{MAX_SMIME_MESSAGE_SIZE, SmimeEntity, SmimeMimeError, find_smime};
pub use path::{
    ChainStatus, PathError, PathValidation, RevocationMode, ValidationOptions, validate_path,
};
pub use sender::{address_matches, certificate_email_addresses, message_sender_addresses};
pub use verify::{
    SignatureFailure, SignatureStatus, SignedForm, SignerReport, TrustInputs, VerifyError,
    VerifyOptions, VerifyReport, verify_message,
};
