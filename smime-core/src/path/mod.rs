//! Certificate path building and validation (RFC 5280 §6.1, RFC 4158),
//! with the S/MIME profile of RFC 8550.
//!
//! [`validate_path`] builds candidate paths from the end entity through the
//! given intermediates to one of the given trust anchors and validates each
//! until one passes. Anchors are trust anchor information (RFC 5280
//! §6.1.1(d)): only their name and public key are used; their own validity
//! and extensions are not checked. An end entity that is itself an anchor
//! is valid only when its exact encoding is among the anchors.
//!
//! # Validation (RFC 5280 §6.1)
//!
//! Every certificate signature is checked over the received tbsCertificate
//! bytes with [`ValidationOptions::algorithms`] (DSA keys without
//! parameters inherit their issuer's, RFC 3279 §2.3.2 and RFC 5280
//! §6.1.4(f), for the certificates and CRLs they sign; the end entity's
//! are in [`PathValidation::end_entity_key_parameters`]); validity (both bounds
//! inclusive), name chaining (RFC 5280 §7.1 comparison), basicConstraints
//! and pathLenConstraint (self-issued intermediates not counted), keyUsage
//! (keyCertSign on CAs; digitalSignature or nonRepudiation on the end
//! entity, RFC 8550 §4.4.2), name constraints (directoryName, rfc822Name
//! also against the subject's emailAddress attributes, dNSName, URI host,
//! iPAddress), the valid_policy_tree with mappings, policyConstraints and
//! inhibitAnyPolicy (at most 1,000 nodes), unknown critical extensions, and
//! the end entity's extendedKeyUsage (RFC 8550 §4.4.4).
//!
//! # Revocation (RFC 5280 §6.3)
//!
//! Only the caller's CRLs (v1 and v2) are used, per the CRL processing of
//! RFC 5280 §6.3.3. For each CRL distribution point of a certificate (or
//! the default one, its issuer, when it has none) a complete CRL applies
//! when its issuer is the point's cRLIssuer (the CRL then indirect) or the
//! certificate's issuer, its issuing distribution point scope covers the
//! certificate (user/CA/attribute certificates, distribution point names),
//! its authorityKeyIdentifier (if any) matches, it is current (thisUpdate
//! <= time <= nextUpdate) and its signature verifies with the key of a
//! certificate of the path named like the CRL issuer, or with a separate
//! CRL-signing certificate among the intermediates that a certificate of
//! the path issued (checked one level deep, its own status included). The
//! reasons covered (distribution point reasons, onlySomeReasons)
//! accumulate until every reason is covered. In indirect CRLs the
//! certificateIssuer entry extension names the issuer of the entries that
//! follow. A delta CRL (deltaCRLIndicator) is never used on its own: the
//! newest current one with the complete CRL's issuer, scope and key, and
//! a BaseCRLNumber at most the complete CRL's number, applies on top of it
//! (removeFromCRL releases only a certificateHold). Under
//! [`RevocationMode::WhereAvailable`] a certificate without a usable CRL
//! (none, or only unusable ones) is listed in
//! [`PathValidation::unchecked_revocation`].
//!
//! # Limits
//!
//! At most 64 complete paths are validated, 4,096 search steps taken and
//! 4,096 signatures checked per call; at most 1,024 candidate certificates,
//! 512 CRLs (a CRL of more than 1,048,576 entries is not used), 4 delta
//! CRL signature checks per complete CRL, one level of CRL-signing
//! certificate off the path, 64 extensions per certificate and 256 entries
//! per list-valued extension are considered.
//!
//! # Not supported
//!
//! OCSP, certificates dated before 1970 (the decoder's limit), CRL-signing
//! certificates more than one level off the path.

mod build;
mod cert_info;
mod crl;
mod name_constraints;
mod names;
mod options;
mod policy_tree;
mod result;
mod validate;
mod verifier;

use alloc::vec::Vec;

pub use options::{RevocationMode, ValidationOptions};
pub use result::{ChainStatus, PathError, PathValidation};

use crate::certificate::Certificate;

/// Builds a path from `end_entity` to one of `anchors` and validates it at
/// `time_unix` (seconds since the Unix epoch).
///
/// `intermediates` are candidate issuers (the message's certificates and
/// the caller's, together); `crls` are DER-encoded CRLs used according to
/// [`ValidationOptions::revocation`]. If any path validates the result is
/// [`ChainStatus::Valid`]; otherwise the most relevant failure is reported:
/// [`ChainStatus::Invalid`] when some path reached an anchor,
/// [`ChainStatus::Untrusted`] when none did.
///
/// Anchors contribute only their name and key (their own validity and
/// extensions are not checked). An end entity that is itself an anchor is
/// valid only when its exact encoding is among `anchors`.
///
/// Revocation uses only `crls` (v1 or v2), per RFC 5280 §6.3.3: a complete
/// CRL applies when its issuer is the certificate's issuer (or, indirect,
/// the cRLIssuer of one of its distribution points), its scope covers the
/// certificate, it is current at `time_unix`, and its signature verifies
/// with a key of the path named like the CRL issuer (or a CRL-signing
/// certificate among `intermediates` that such a key issued). Indirect
/// CRLs (certificateIssuer entries) are read, and a delta CRL is applied
/// on top of its complete CRL, never on its own.
///
/// Work is bounded: at most 64 complete paths, 4,096 search steps and
/// 4,096 signature checks per call; beyond that the result carries
/// [`PathError::SearchLimit`].
pub fn validate_path(
    end_entity: &Certificate,
    intermediates: &[Certificate],
    anchors: &[Certificate],
    crls: &[Vec<u8>],
    time_unix: u64,
    options: &ValidationOptions,
) -> PathValidation {
    build::build_and_validate(end_entity, intermediates, anchors, crls, time_unix, options)
}

/// [`validate_path`] for a certificate that mail will be encrypted to:
/// everything is checked the same way but the end entity's keyUsage, whose
/// signing bits (RFC 8550 §4.4.2) an encryption-only certificate lacks.
/// The caller checks keyEncipherment or keyAgreement itself.
pub(crate) fn validate_encryption_path(
    end_entity: &Certificate,
    intermediates: &[Certificate],
    anchors: &[Certificate],
    crls: &[Vec<u8>],
    time_unix: u64,
    options: &ValidationOptions,
) -> PathValidation {
    build::build_and_validate_for(
        end_entity,
        intermediates,
        anchors,
        crls,
        time_unix,
        options,
        validate::EndEntityPurpose::Encryption,
    )
}
