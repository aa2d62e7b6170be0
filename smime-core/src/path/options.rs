//! What a validation accepts: the caller's settings.

use alloc::vec::Vec;

use crate::crypto::AlgorithmPolicy;

/// How certificate revocation is checked against the caller's CRLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RevocationMode {
    /// No revocation checking.
    Off,
    /// A certificate whose issuer has a usable CRL among the given ones is
    /// checked against it; one without is not checked and is listed in
    /// [`PathValidation::unchecked_revocation`](crate::PathValidation).
    #[default]
    WhereAvailable,
    /// Every certificate of the path (but the anchor) needs a usable CRL:
    /// without one the chain is invalid ("revocation status unknown").
    Require,
}

/// Settings of a path validation (RFC 5280 §6.1.1 inputs and the S/MIME
/// profile of RFC 8550).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationOptions {
    /// Signature algorithms accepted on certificates and CRLs.
    pub algorithms: AlgorithmPolicy,
    /// Revocation checking; default [`RevocationMode::WhereAvailable`].
    pub revocation: RevocationMode,
    /// The most certificates allowed between the end entity and the
    /// anchor; default 8.
    pub max_path_length: usize,
    /// The user-initial-policy-set of RFC 5280 §6.1.1(c); empty means
    /// {anyPolicy}.
    pub initial_policy_set: Vec<der::asn1::ObjectIdentifier>,
    /// initial-explicit-policy (RFC 5280 §6.1.1(f)); default false.
    pub initial_explicit_policy: bool,
    /// initial-policy-mapping-inhibit (RFC 5280 §6.1.1(e)); default false.
    pub initial_policy_mapping_inhibit: bool,
    /// initial-any-policy-inhibit (RFC 5280 §6.1.1(g)); default false.
    pub initial_any_policy_inhibit: bool,
    /// RFC 8550 §4.4.4: an end entity with an extendedKeyUsage extension
    /// must list emailProtection or anyExtendedKeyUsage; default true.
    pub require_email_protection: bool,
}

impl Default for ValidationOptions {
    fn default() -> Self {
        Self {
            algorithms: AlgorithmPolicy::default(),
            revocation: RevocationMode::WhereAvailable,
            max_path_length: 8,
            initial_policy_set: Vec::new(),
            initial_explicit_policy: false,
            initial_policy_mapping_inhibit: false,
            initial_any_policy_inhibit: false,
            require_email_protection: true,
        }
    }
}
