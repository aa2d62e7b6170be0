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
//! Not supported: DSA parameter inheritance, indirect and delta CRLs,
//! OCSP, nameRelativeToCRLIssuer distribution points.

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
