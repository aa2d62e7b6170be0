//! Verifying a signed message: the S/MIME parts found, every SignerInfo's
//! signature checked, each signer's certificate path validated, and the
//! signer bound to the message's sender (RFC 8551 §3.5, RFC 8550 §3).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use crate::certificate::Certificate;
use crate::cms::{ContentKind, SignedAttributes, SignedData, SignerError, content_kind};
use crate::crypto::AlgorithmPolicy;
use crate::mime::{SmimeEntity, SmimeMimeError, find_smime};
use crate::path::{ChainStatus, PathError, RevocationMode, ValidationOptions, validate_path};
use crate::sender::{address_matches, certificate_email_addresses, message_sender_addresses};

/// The signed entity of a multipart/signed: CRLF canonical, and as received.
type SignedEntity<'a> = (Cow<'a, [u8]>, &'a [u8]);

/// What the caller trusts and adds: anchors, extra certificates, CRLs.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrustInputs<'a> {
    /// Trust anchors: every certificate here is trusted.
    pub anchors: &'a [Certificate],
    /// Intermediate and signer certificates that are not anchors, for
    /// messages that carry none.
    pub certificates: &'a [Certificate],
    /// CRLs (DER) for revocation checking. Revocation is checked only
    /// when [`ValidationOptions::revocation`] is not `Off`.
    pub crls: &'a [Vec<u8>],
}

/// How a message is verified.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Path validation, including the accepted algorithms (also applied to
    /// the SignerInfo signatures) and the revocation mode.
    pub validation: ValidationOptions,
    /// Use the CRLs the message carries besides the caller's (when
    /// revocation is checked at all). Default: false, so that only CRLs
    /// the caller chose decide revocation.
    pub use_message_crls: bool,
}

/// How the signed content travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedForm {
    /// multipart/signed: the content beside a detached signature.
    Detached,
    /// application/pkcs7-mime signed-data: the content inside the CMS.
    Opaque,
    /// A certs-only message: certificates, no signer.
    CertsOnly,
}

/// A signer's signature verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureStatus {
    /// The signature (and the signed attributes' digest) verifies.
    Valid,
    /// It does not, or could not be checked (no certificate, refused algorithm).
    Invalid,
}

/// One SignerInfo's verdict.
#[derive(Debug, Clone)]
pub struct SignerReport {
    /// The signature over the content.
    pub signature: SignatureStatus,
    /// Why the signature is invalid.
    pub signature_error: Option<SignatureFailure>,
    /// The signer certificate's path to the caller's anchors.
    pub chain: ChainStatus,
    /// Why the chain is not valid.
    pub chain_error: Option<PathError>,
    /// Whether an address of the From or Sender field matches the signer certificate.
    pub sender_match: bool,
    /// The signer certificate's e-mail addresses.
    pub emails: Vec<String>,
    /// The signer certificate's subject (RFC 4514), when found.
    pub subject: Option<String>,
    /// The signer certificate, when found.
    pub certificate: Option<Certificate>,
    /// The validated path, end entity first, when one was built.
    pub path: Vec<Certificate>,
    /// Certificates of the path whose revocation could not be checked.
    pub unchecked_revocation: Vec<String>,
    /// The signed attributes (signing time, capabilities, receipt request, ...).
    pub attributes: Option<SignedAttributes>,
    /// One line saying why the signer is not verified, or what was not checked.
    pub reason: String,
}

impl SignerReport {
    /// Valid signature, valid chain, and the sender matches: what RFC 8551
    /// §3.5 asks before mail is shown as signed by its sender.
    pub fn is_verified(&self) -> bool {
        self.signature == SignatureStatus::Valid
            && self.chain == ChainStatus::Valid
            && self.sender_match
    }
}

/// Why a signature is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureFailure {
    /// No certificate in the message or the caller's set matches the SignerInfo.
    #[error("the signer's certificate was not found (add it with the extra certificates)")]
    CertificateNotFound,
    /// No certificate matches, and some of the message's certificates did
    /// not decode: the signer's was probably among them.
    #[error(
        "the signer's certificate was not found; {count} of the message's certificates do not decode (first: {first})"
    )]
    CertificateUndecodable {
        /// How many did not decode.
        count: usize,
        /// Why the first did not.
        first: crate::CertificateError,
    },
    /// The signature or the signed attributes do not verify.
    #[error("{0}")]
    Signer(SignerError),
    /// A multipart/signed whose SignedData also carries content
    /// (CVE-2018-18509): the signature covers that content, not the part shown.
    #[error(
        "the detached signature carries content of its own: the signed part is not what it covers"
    )]
    DetachedWithContent,
}

/// The verdict on a message.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// How the content travelled.
    pub form: SignedForm,
    /// True when at least one signer [`is_verified`](SignerReport::is_verified).
    pub verified: bool,
    /// One report per SignerInfo, in their order.
    pub signers: Vec<SignerReport>,
    /// The signed MIME entity (as covered by a valid signature), when at
    /// least one signature is valid: what may be shown as signed.
    pub content: Option<Vec<u8>>,
    /// The certificates the message carried.
    pub certificates: Vec<Certificate>,
    /// The sender addresses of the message (From mailboxes, then Sender).
    pub sender_addresses: Vec<String>,
}

/// Why a message could not be verified at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// No S/MIME structure found.
    #[error(transparent)]
    Mime(#[from] SmimeMimeError),
    /// The CMS does not decode.
    #[error("CMS: {0}")]
    Cms(#[from] crate::cms::CmsError),
    /// An encrypted message: decrypt it first.
    #[error("the message is encrypted ({0}), not signed: decrypt it first")]
    Encrypted(&'static str),
    /// CMS content other than signed-data.
    #[error("not a signed message: CMS content type {0}")]
    NotSigned(String),
    /// Opaque signed-data without content.
    #[error("opaque signed-data without content (a detached signature without its content)")]
    NoContent,
}

/// Verifies a signed message at `time_unix` (seconds since the epoch).
///
/// Every SignerInfo gets a report. The signature is checked over the
/// signed entity's CRLF canonical form (RFC 8551 §3.1.1) and, when that
/// fails and the received bytes differ, over the received bytes. The
/// signer certificate is searched among the message's certificates and
/// the caller's; its path is validated against the caller's anchors.
pub fn verify_message(
    message: &[u8],
    trust: &TrustInputs<'_>,
    time_unix: u64,
    options: &VerifyOptions,
) -> Result<VerifyReport, VerifyError> {
    let entity = find_smime(message)?;
    let (form, cms, detached): (SignedForm, Vec<u8>, Option<SignedEntity<'_>>) = match entity {
        SmimeEntity::Detached {
            signed_raw,
            signed_canonical,
            signature,
            ..
        } => (
            SignedForm::Detached,
            signature,
            Some((signed_canonical, signed_raw)),
        ),
        SmimeEntity::Opaque { cms, smime_type } => {
            let form = if smime_type.as_deref() == Some("certs-only") {
                SignedForm::CertsOnly
            } else {
                SignedForm::Opaque
            };
            (form, cms, None)
        }
    };
    match content_kind(&cms)? {
        ContentKind::SignedData => {}
        ContentKind::EnvelopedData => return Err(VerifyError::Encrypted("enveloped-data")),
        ContentKind::AuthEnvelopedData => {
            return Err(VerifyError::Encrypted("authenveloped-data"));
        }
        other => return Err(VerifyError::NotSigned(alloc::format!("{other:?}"))),
    }
    let signed = SignedData::from_ber(&cms)?;
    let sender_addresses = message_sender_addresses(message);
    let mut report = VerifyReport {
        form,
        verified: false,
        signers: Vec::new(),
        content: None,
        certificates: signed.certificates.clone(),
        sender_addresses,
    };
    if signed.signers.is_empty() {
        report.form = SignedForm::CertsOnly;
        return Ok(report);
    }
    if form == SignedForm::CertsOnly {
        report.form = SignedForm::Opaque;
    }

    // The candidates: the content as received in each acceptable form.
    let detached_with_content = detached.is_some() && signed.econtent.is_some();
    let contents: Vec<&[u8]> = match &detached {
        Some((canonical, raw)) => {
            let mut v = alloc::vec![canonical.as_ref()];
            if *raw != canonical.as_ref() {
                v.push(*raw);
            }
            v
        }
        None => match &signed.econtent {
            Some(content) => alloc::vec![content.as_slice()],
            None => return Err(VerifyError::NoContent),
        },
    };

    let pool: Vec<&Certificate> = signed
        .certificates
        .iter()
        .chain(trust.certificates)
        .collect();
    let intermediates: Vec<Certificate> = signed
        .certificates
        .iter()
        .chain(trust.certificates)
        .cloned()
        .collect();
    let mut crls: Vec<Vec<u8>> = trust.crls.to_vec();
    if options.use_message_crls && options.validation.revocation != RevocationMode::Off {
        crls.extend(signed.crls.iter().cloned());
    }
    let algorithms: &AlgorithmPolicy = &options.validation.algorithms;

    for signer in &signed.signers {
        let certificate = signer.find_certificate(pool.iter().copied()).cloned();
        let mut signer_report = SignerReport {
            signature: SignatureStatus::Invalid,
            signature_error: None,
            chain: ChainStatus::Untrusted,
            chain_error: None,
            sender_match: false,
            emails: Vec::new(),
            subject: None,
            certificate: None,
            path: Vec::new(),
            unchecked_revocation: Vec::new(),
            attributes: signer.signed_attributes.clone(),
            reason: String::new(),
        };
        match &certificate {
            None => {
                signer_report.signature_error =
                    Some(match signed.undecodable_certificates.first() {
                        Some((_, first)) => SignatureFailure::CertificateUndecodable {
                            count: signed.undecodable_certificates.len(),
                            first: first.clone(),
                        },
                        None => SignatureFailure::CertificateNotFound,
                    });
            }
            Some(cert) => {
                signer_report.emails = certificate_email_addresses(cert);
                signer_report.subject = Some(cert.subject_string());
                signer_report.sender_match = report.sender_addresses.iter().any(|from| {
                    signer_report
                        .emails
                        .iter()
                        .any(|mine| address_matches(from, mine))
                });
                // The path first: a DSA key without parameters inherits
                // them along it (RFC 3279 §2.3.2).
                let path = validate_path(
                    cert,
                    &intermediates,
                    trust.anchors,
                    &crls,
                    time_unix,
                    &options.validation,
                );
                let inherited = path.end_entity_key_parameters.as_ref();
                if detached_with_content {
                    signer_report.signature_error = Some(SignatureFailure::DetachedWithContent);
                } else {
                    let mut first_error = None;
                    for content in &contents {
                        match signer.verify_with_inherited(
                            cert,
                            content,
                            &signed.econtent_type,
                            algorithms,
                            inherited,
                        ) {
                            Ok(()) => {
                                signer_report.signature = SignatureStatus::Valid;
                                if report.content.is_none() {
                                    report.content = Some(content.to_vec());
                                }
                                first_error = None;
                                break;
                            }
                            Err(e) => {
                                first_error.get_or_insert(e);
                            }
                        }
                    }
                    signer_report.signature_error = first_error.map(SignatureFailure::Signer);
                }
                signer_report.chain = path.status;
                signer_report.chain_error = path.error;
                signer_report.path = path.path;
                signer_report.unchecked_revocation = path.unchecked_revocation;
            }
        }
        signer_report.certificate = certificate;
        signer_report.reason = reason(&signer_report, &report.sender_addresses, options);
        report.verified |= signer_report.is_verified();
        report.signers.push(signer_report);
    }
    Ok(report)
}

/// The one-line reason of a signer's report.
fn reason(signer: &SignerReport, senders: &[String], options: &VerifyOptions) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(e) = &signer.signature_error {
        parts.push(alloc::format!("signature: {e}"));
    }
    if signer.certificate.is_some() {
        if let Some(e) = &signer.chain_error {
            parts.push(alloc::format!("chain: {e}"));
        } else if signer.chain != ChainStatus::Valid {
            parts.push("chain: no path to a trust anchor".into());
        }
        if !signer.sender_match {
            parts.push(if senders.is_empty() {
                "sender: the message has no From or Sender address".into()
            } else {
                alloc::format!(
                    "sender: no certificate address ({}) matches {}",
                    signer.emails.join(", "),
                    senders.join(", ")
                )
            });
        }
    }
    if options.validation.revocation == RevocationMode::Off {
        parts.push("revocation not checked (no CRL given)".into());
    } else if !signer.unchecked_revocation.is_empty() {
        parts.push(alloc::format!(
            "revocation not checked for {} (no CRL from its issuer)",
            signer.unchecked_revocation.join("; ")
        ));
    }
    parts.join("; ")
}
