//! Signature checks of one validation call, under a budget: hostile input
//! (many same-named certificates, many CRLs) cannot make a call verify
//! signatures without bound.

use core::cell::Cell;

use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::crypto::{AlgorithmPolicy, SignatureError, verify_signature};

/// The most signature verifications per call.
pub(crate) const MAX_SIGNATURE_CHECKS: usize = 4096;

/// Verifies signatures with the caller's algorithm policy and counts them.
#[derive(Debug)]
pub(crate) struct Verifier<'a> {
    policy: &'a AlgorithmPolicy,
    left: Cell<usize>,
}

impl<'a> Verifier<'a> {
    pub(crate) fn new(policy: &'a AlgorithmPolicy) -> Self {
        Self {
            policy,
            left: Cell::new(MAX_SIGNATURE_CHECKS),
        }
    }

    /// Whether the budget is spent.
    pub(crate) fn exhausted(&self) -> bool {
        self.left.get() == 0
    }

    /// Verifies `signature` over `message` (no separate digest algorithm).
    pub(crate) fn verify(
        &self,
        spki: &SubjectPublicKeyInfoOwned,
        algorithm: &AlgorithmIdentifierOwned,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let left = self.left.get();
        if left == 0 {
            return Err(SignatureError::Unsupported(
                "signature check limit reached".into(),
            ));
        }
        self.left.set(left.saturating_sub(1));
        verify_signature(spki, algorithm, None, message, signature, self.policy)
    }
}
