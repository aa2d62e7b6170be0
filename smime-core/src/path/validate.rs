//! Validation of one candidate path (RFC 5280 §6.1.2–§6.1.5), with the
//! S/MIME end-entity rules of RFC 8550 §4.4 and revocation (§6.3).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::Encode;
use der::asn1::ObjectIdentifier;
use spki::SubjectPublicKeyInfoOwned;

use super::cert_info::{CertInfo, Extensions};
use super::crl::{self, Crl, CrlSigner, Status};
use super::name_constraints::NameConstraintState;
use super::options::{RevocationMode, ValidationOptions};
use super::policy_tree::PolicyState;
use super::result::PathError;
use super::verifier::Verifier;

/// emailProtection (RFC 5280 §4.2.1.12).
const EMAIL_PROTECTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4");
/// anyExtendedKeyUsage.
const ANY_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");

/// Shared inputs of every path validation of one call.
#[derive(Debug)]
pub(crate) struct Context<'a> {
    pub(crate) crls: &'a [Crl],
    /// Candidate CRL signers off the path (the intermediates).
    pub(crate) pool: &'a [CertInfo],
    pub(crate) time: u64,
    pub(crate) options: &'a ValidationOptions,
    /// What the end entity's key is for: decides its keyUsage rule.
    pub(crate) purpose: EndEntityPurpose,
    /// Signature checks under the call's budget.
    pub(crate) verifier: Verifier<'a>,
}

/// What the end entity's key is validated for (RFC 8550 §4.4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EndEntityPurpose {
    /// Verifying a signature: a keyUsage, when present, must allow
    /// digitalSignature or nonRepudiation.
    Signing,
    /// Encrypting to the key: the keyUsage is the caller's to check
    /// (keyEncipherment for key transport, keyAgreement for key
    /// agreement); the signing bits are not asked for.
    Encryption,
}

/// Checks validity at `time` (both bounds inclusive).
pub(crate) fn check_time(info: &CertInfo, time: u64) -> Result<(), PathError> {
    if time < info.not_before {
        return Err(PathError::NotYetValid {
            subject: info.subject_string.clone(),
        });
    }
    if time > info.not_after {
        return Err(PathError::Expired {
            subject: info.subject_string.clone(),
        });
    }
    Ok(())
}

/// The RFC 8550 §4.4.4 rule: absent EKU, emailProtection or anyExtendedKeyUsage.
pub(crate) fn eku_allows_email(ext: &Extensions) -> bool {
    ext.ext_key_usage.as_ref().is_none_or(|eku| {
        eku.0
            .iter()
            .any(|o| *o == EMAIL_PROTECTION || *o == ANY_EKU)
    })
}

fn policy_error(subject: &str, e: super::policy_tree::PolicyError) -> PathError {
    PathError::Policy {
        subject: subject.to_string(),
        reason: e.reason(),
    }
}

/// What a successful validation found besides the verdict.
#[derive(Debug, Clone, Default)]
pub(crate) struct Validated {
    /// The subjects whose revocation went unchecked.
    pub(crate) unchecked: Vec<String>,
    /// The DSA parameters the end entity's key inherited, when its
    /// subjectPublicKeyInfo omits them.
    pub(crate) end_entity_key_parameters: Option<der::Any>,
}

/// The keys of the path with their working_public_key_parameters (RFC
/// 5280 §6.1.3(a)(1), §6.1.4(e)-(f); RFC 3279 §2.3.2): for each certificate
/// of `chain`, anchor side first, `Some` copy of its key with the DSA
/// parameters it inherits when the key is DSA without parameters and the
/// working key (its issuer's) is DSA with parameters (its own or inherited);
/// `None` when the key is used as it is.
fn inherited_keys(
    chain: &[&CertInfo],
    anchor: &CertInfo,
) -> Vec<Option<SubjectPublicKeyInfoOwned>> {
    let anchor_spki = anchor
        .cert
        .x509()
        .tbs_certificate()
        .subject_public_key_info();
    let mut working = crate::crypto::dsa_key_parameters(anchor_spki).cloned();
    chain
        .iter()
        .rev()
        .map(|info| {
            let spki = info.cert.x509().tbs_certificate().subject_public_key_info();
            if spki.algorithm.oid != crate::crypto::oids::DSA {
                // §6.1.4(f): another algorithm resets the parameters.
                working = None;
                return None;
            }
            if let Some(own) = crate::crypto::dsa_key_parameters(spki) {
                working = Some(own.clone());
                return None;
            }
            let params = working.clone()?;
            let mut completed = spki.clone();
            completed.algorithm.parameters = Some(params);
            Some(completed)
        })
        .collect()
}

/// Validates `chain` (end entity first, without the anchor) up to
/// `anchor`. On success, the subjects whose revocation went unchecked and
/// the end entity's inherited DSA parameters.
pub(crate) fn validate(
    chain: &[&CertInfo],
    anchor: &CertInfo,
    ctx: &Context<'_>,
) -> Result<Validated, PathError> {
    let n = chain.len();
    let opts = ctx.options;
    let mut unchecked = Vec::new();
    let mut policy = PolicyState::new(
        n,
        opts.initial_explicit_policy,
        opts.initial_policy_mapping_inhibit,
        opts.initial_any_policy_inhibit,
    );
    let mut names = NameConstraintState::default();
    let mut max_path_length = n;
    let mut working_spki = anchor
        .cert
        .x509()
        .tbs_certificate()
        .subject_public_key_info();
    let mut working_name = &anchor.subject;
    // DSA keys that inherit their parameters, completed with them: the
    // working key for the next certificate and for the CRLs it signs.
    let inherited = inherited_keys(chain, anchor);
    // Keys that may sign CRLs: the anchor, then each validated CA.
    let mut signers: Vec<CrlSigner<'_>> = alloc::vec![CrlSigner {
        name: &anchor.subject,
        spki: working_spki,
        ski: anchor.ext().and_then(|e| e.ski.as_deref()),
        key_usage: None,
    }];

    for (k, info) in chain.iter().rev().enumerate() {
        let i = k.saturating_add(1);
        let subject = &info.subject_string;
        let x509 = info.cert.x509();
        let tbs = x509.tbs_certificate();
        let ext = info.ext.as_ref().map_err(Clone::clone)?;

        // (a)(1) signature over the received tbsCertificate bytes.
        let same_alg = match (
            x509.signature_algorithm().to_der(),
            tbs.signature().to_der(),
        ) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if !same_alg {
            return Err(PathError::Signature {
                subject: subject.clone(),
                reason: crate::crypto::SignatureError::Unsupported(
                    "signature algorithm differs from tbsCertificate.signature".into(),
                ),
            });
        }
        let sig = x509.signature().as_bytes().ok_or(PathError::Signature {
            subject: subject.clone(),
            reason: crate::crypto::SignatureError::Malformed,
        })?;
        ctx.verifier
            .verify(
                working_spki,
                x509.signature_algorithm(),
                info.cert.tbs_der(),
                sig,
            )
            .map_err(|reason| PathError::Signature {
                subject: subject.clone(),
                reason,
            })?;
        // (a)(2) validity.
        check_time(info, ctx.time)?;
        // (a)(4) name chaining.
        if !info.issuer.matches(working_name) {
            return Err(PathError::NameChaining {
                subject: subject.clone(),
            });
        }
        // (a)(3) revocation.
        if opts.revocation != RevocationMode::Off {
            match crl::check(info, &signers, ctx.pool, ctx.crls, ctx.time, &ctx.verifier) {
                Status::Good => {}
                Status::Revoked(reason) => {
                    return Err(PathError::Revoked {
                        subject: subject.clone(),
                        reason,
                    });
                }
                Status::Unknown => {
                    if opts.revocation == RevocationMode::Require {
                        return Err(PathError::RevocationUnknown {
                            subject: subject.clone(),
                        });
                    }
                    unchecked.push(subject.clone());
                }
            }
        }
        // (b)-(c) name constraints; self-issued intermediates are exempt.
        if i == n || !info.self_issued() {
            names
                .check_certificate(
                    &info.subject,
                    tbs.subject(),
                    ext.subject_alt_names.as_deref(),
                )
                .map_err(|name| PathError::NameConstraints {
                    subject: subject.clone(),
                    name,
                })?;
        }
        // (d)-(f) policies.
        policy
            .process(i, ext, info.self_issued())
            .map_err(|e| policy_error(subject, e))?;

        if i == n {
            // End entity: RFC 8550 §4.4.2 key usage, §4.4.4 EKU.
            if ctx.purpose == EndEntityPurpose::Signing
                && let Some(ku) = &ext.key_usage
                && !ku.digital_signature()
                && !ku.non_repudiation()
            {
                return Err(PathError::KeyUsage {
                    subject: subject.clone(),
                    usage: "digitalSignature or nonRepudiation",
                });
            }
            if opts.require_email_protection && !eku_allows_email(ext) {
                return Err(PathError::ExtendedKeyUsage {
                    subject: subject.clone(),
                });
            }
            policy
                .wrap_up(ext, &opts.initial_policy_set)
                .map_err(|e| policy_error(subject, e))?;
            break;
        }

        // Preparation for the next certificate (§6.1.4).
        policy
            .prepare(i, ext, info.self_issued())
            .map_err(|e| policy_error(subject, e))?;
        if let Some(nc) = &ext.name_constraints
            && !names.add(nc)
        {
            return Err(PathError::MalformedExtension {
                subject: subject.clone(),
                oid: "2.5.29.30".into(),
            });
        }
        // (k) a CA certificate: v3 with basicConstraints cA.
        if !info.is_ca() {
            return Err(PathError::NotCa {
                subject: subject.clone(),
            });
        }
        // (l)-(m) path length; self-issued certificates do not count.
        if !info.self_issued() {
            if max_path_length == 0 {
                return Err(PathError::PathLength {
                    subject: subject.clone(),
                });
            }
            max_path_length = max_path_length.saturating_sub(1);
        }
        if let Some(len) = ext
            .basic_constraints
            .as_ref()
            .and_then(|bc| bc.path_len_constraint)
        {
            max_path_length = max_path_length.min(usize::from(len));
        }
        // (n) keyCertSign.
        if let Some(ku) = &ext.key_usage
            && !ku.key_cert_sign()
        {
            return Err(PathError::KeyUsage {
                subject: subject.clone(),
                usage: "keyCertSign",
            });
        }
        working_spki = inherited
            .get(k)
            .and_then(Option::as_ref)
            .unwrap_or(tbs.subject_public_key_info());
        working_name = &info.subject;
        signers.push(CrlSigner {
            name: &info.subject,
            spki: working_spki,
            ski: ext.ski.as_deref(),
            key_usage: ext.key_usage.as_ref(),
        });
    }
    let end_entity_key_parameters = inherited
        .last()
        .and_then(Option::as_ref)
        .and_then(|spki| spki.algorithm.parameters.clone());
    Ok(Validated {
        unchecked,
        end_entity_key_parameters,
    })
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]
    use super::*;
    use x509_cert::ext::pkix::ExtendedKeyUsage;

    #[test]
    fn eku_rule() {
        let mut ext = Extensions::default();
        assert!(eku_allows_email(&ext));
        ext.ext_key_usage = Some(ExtendedKeyUsage(alloc::vec![EMAIL_PROTECTION]));
        assert!(eku_allows_email(&ext));
        ext.ext_key_usage = Some(ExtendedKeyUsage(alloc::vec![ANY_EKU]));
        assert!(eku_allows_email(&ext));
        // serverAuth only.
        ext.ext_key_usage = Some(ExtendedKeyUsage(alloc::vec![ObjectIdentifier::new_unwrap(
            "1.3.6.1.5.5.7.3.1"
        )]));
        assert!(!eku_allows_email(&ext));
    }
}
