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
// The verification functions are used by the cms module, being written in
// parallel; until it lands they are dead code on this branch.
#[allow(dead_code)]
mod crypto;
mod mime;
mod path;
mod sender;

pub use certificate::{Certificate, CertificateError, MAX_CERTIFICATE_SIZE};
pub use crypto::{AlgorithmPolicy, DigestAlgorithm, SignatureError};
pub use mailsec_message;
pub use mime::{MAX_CMS_SIZE, MAX_SMIME_MESSAGE_SIZE, SmimeEntity, SmimeMimeError, find_smime};
pub use sender::{address_matches, certificate_email_addresses, message_sender_addresses};
