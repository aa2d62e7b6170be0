//! Path building (RFC 4158, simplified): depth-first from the end entity
//! towards the anchors, with an explicit stack, each certificate at most
//! once per path, the caller's depth limit, and global caps on the paths
//! validated and the search steps taken.

use alloc::vec::Vec;

use super::cert_info::CertInfo;
use super::crl::Crl;
use super::options::ValidationOptions;
use super::result::{ChainStatus, PathError, PathValidation};
use super::validate::{Context, EndEntityPurpose, validate};
use super::verifier::Verifier;
use crate::certificate::Certificate;

/// The most complete paths (reaching an anchor) validated per call.
pub(crate) const MAX_PATHS: usize = 64;
/// The most search steps (candidates considered) per call.
const MAX_STEPS: usize = 4096;
/// The most intermediates and anchors considered.
const MAX_POOL: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Candidate {
    Anchor(usize),
    Pool(usize),
}

#[derive(Debug)]
struct Frame {
    /// `None` for the end entity, else an index into the pool.
    cert: Option<usize>,
    candidates: Vec<Candidate>,
    next: usize,
}

/// Whether `issuer` may have issued `child`: names match, and key
/// identifiers, when both present, are equal.
fn may_issue(issuer: &CertInfo, child: &CertInfo) -> bool {
    if !issuer.subject.matches(&child.issuer) {
        return false;
    }
    let aki = child.ext().and_then(|e| e.aki.as_deref());
    let ski = issuer.ext().and_then(|e| e.ski.as_deref());
    match (aki, ski) {
        (Some(a), Some(s)) => a == s,
        _ => true,
    }
}

fn candidates(
    child: &CertInfo,
    pool: &[CertInfo],
    anchors: &[CertInfo],
    time: u64,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = anchors
        .iter()
        .enumerate()
        .filter(|(_, a)| may_issue(a, child))
        .map(|(i, _)| Candidate::Anchor(i))
        .collect();
    let mut inter: Vec<((bool, bool), usize)> = pool
        .iter()
        .enumerate()
        .filter(|(_, c)| may_issue(c, child))
        .map(|(i, c)| {
            let expired = time < c.not_before || time > c.not_after;
            ((expired, c.self_issued()), i)
        })
        .collect();
    // Certificates valid now first, self-issued ones (roots put among the
    // intermediates, key rollover certificates) after the others; input
    // order otherwise (the sort is stable).
    inter.sort_by_key(|(key, _)| *key);
    out.extend(inter.into_iter().map(|(_, i)| Candidate::Pool(i)));
    out
}

/// Ranks a failure: complete paths that failed for a reason other than a
/// signature first, then other complete paths, then the longest partial path.
fn rank(reached: bool, err: &PathError, len: usize) -> (u8, usize) {
    match (reached, err) {
        (true, PathError::Signature { .. }) => (1, 0),
        (true, _) => (2, 0),
        (false, _) => (0, len),
    }
}

/// Builds and validates (see [`validate_path`](crate::validate_path)) a
/// signer's path.
pub(crate) fn build_and_validate(
    end_entity: &Certificate,
    intermediates: &[Certificate],
    anchors: &[Certificate],
    crls: &[Vec<u8>],
    time: u64,
    options: &ValidationOptions,
) -> PathValidation {
    build_and_validate_for(
        end_entity,
        intermediates,
        anchors,
        crls,
        time,
        options,
        EndEntityPurpose::Signing,
    )
}

/// Builds and validates a path whose end entity's key serves `purpose`.
pub(crate) fn build_and_validate_for(
    end_entity: &Certificate,
    intermediates: &[Certificate],
    anchors: &[Certificate],
    crls: &[Vec<u8>],
    time: u64,
    options: &ValidationOptions,
    purpose: EndEntityPurpose,
) -> PathValidation {
    // An end entity that is itself an anchor is valid only as that exact certificate.
    if anchors.iter().any(|a| a.der() == end_entity.der()) {
        return PathValidation {
            status: ChainStatus::Valid,
            error: None,
            path: alloc::vec![end_entity.clone()],
            unchecked_revocation: Vec::new(),
            end_entity_key_parameters: None,
        };
    }
    let ee = CertInfo::new(end_entity);
    let anchors: Vec<CertInfo> = anchors.iter().take(MAX_POOL).map(CertInfo::new).collect();
    let mut pool: Vec<CertInfo> = Vec::new();
    for c in intermediates.iter().take(MAX_POOL) {
        let dup = c.der() == end_entity.der()
            || anchors.iter().any(|a| a.cert.der() == c.der())
            || pool.iter().any(|p| p.cert.der() == c.der());
        if !dup {
            pool.push(CertInfo::new(c));
        }
    }
    let crls = Crl::parse_all(crls);
    let ctx = Context {
        crls: &crls,
        pool: &pool,
        time,
        options,
        purpose,
        verifier: Verifier::new(&options.algorithms),
    };

    let mut best: Option<((u8, usize), PathError, Vec<Certificate>)> = None;
    let mut record = |reached: bool, err: PathError, path: Vec<Certificate>| {
        let r = rank(reached, &err, path.len());
        if best.as_ref().is_none_or(|(b, _, _)| r > *b) {
            best = Some((r, err, path));
        }
    };

    let mut stack = alloc::vec![Frame {
        cert: None,
        candidates: candidates(&ee, &pool, &anchors, time),
        next: 0
    }];
    let mut paths = 0usize;
    let mut steps = 0usize;
    let mut limited = false;
    while let Some(frame) = stack.last_mut() {
        let Some(&cand) = frame.candidates.get(frame.next) else {
            let dead_end = frame.candidates.is_empty();
            // A dead end: record the partial path.
            if dead_end {
                let chain = chain_of(&stack, &ee, &pool);
                let subject = chain
                    .last()
                    .map(|c| c.subject_string.clone())
                    .unwrap_or_default();
                let certs = chain.iter().map(|c| c.cert.clone()).collect();
                record(false, PathError::NoPath { subject }, certs);
            }
            stack.pop();
            continue;
        };
        frame.next = frame.next.saturating_add(1);
        steps = steps.saturating_add(1);
        if steps > MAX_STEPS || paths >= MAX_PATHS {
            limited = true;
            break;
        }
        match cand {
            Candidate::Anchor(a) => {
                let Some(anchor) = anchors.get(a) else {
                    continue;
                };
                paths = paths.saturating_add(1);
                let chain = chain_of(&stack, &ee, &pool);
                let mut certs: Vec<Certificate> = chain.iter().map(|c| c.cert.clone()).collect();
                certs.push(anchor.cert.clone());
                match validate(&chain, anchor, &ctx) {
                    Ok(validated) => {
                        return PathValidation {
                            status: ChainStatus::Valid,
                            error: None,
                            path: certs,
                            unchecked_revocation: validated.unchecked,
                            end_entity_key_parameters: validated.end_entity_key_parameters,
                        };
                    }
                    Err(e) => {
                        if ctx.verifier.exhausted() {
                            limited = true;
                            break;
                        }
                        record(true, e, certs);
                    }
                }
            }
            Candidate::Pool(p) => {
                let on_path = stack.iter().any(|f| f.cert == Some(p));
                if on_path {
                    continue;
                }
                // Intermediates already on the path (all frames but the EE's).
                if stack.len() > options.max_path_length {
                    let chain = chain_of(&stack, &ee, &pool);
                    let certs = chain.iter().map(|c| c.cert.clone()).collect();
                    record(
                        false,
                        PathError::PathTooLong {
                            subject: ee.subject_string.clone(),
                        },
                        certs,
                    );
                    continue;
                }
                let Some(info) = pool.get(p) else { continue };
                let cands = candidates(info, &pool, &anchors, time);
                stack.push(Frame {
                    cert: Some(p),
                    candidates: cands,
                    next: 0,
                });
            }
        }
    }
    match best {
        Some(((class, _), error, path)) if class > 0 => PathValidation {
            error: Some(if limited && ctx.verifier.exhausted() {
                PathError::SearchLimit {
                    subject: ee.subject_string.clone(),
                }
            } else {
                error
            }),
            status: ChainStatus::Invalid,
            path,
            unchecked_revocation: Vec::new(),
            end_entity_key_parameters: None,
        },
        other => {
            let (error, path) = match other {
                Some((_, e, p)) if !limited => (e, p),
                Some((_, _, p)) => (
                    PathError::SearchLimit {
                        subject: ee.subject_string.clone(),
                    },
                    p,
                ),
                None if limited => (
                    PathError::SearchLimit {
                        subject: ee.subject_string.clone(),
                    },
                    alloc::vec![ee.cert.clone()],
                ),
                None => (
                    PathError::NoPath {
                        subject: ee.subject_string.clone(),
                    },
                    alloc::vec![ee.cert.clone()],
                ),
            };
            PathValidation {
                status: ChainStatus::Untrusted,
                error: Some(error),
                path,
                unchecked_revocation: Vec::new(),
                end_entity_key_parameters: None,
            }
        }
    }
}

/// The certificates of the current stack, end entity first.
fn chain_of<'a>(stack: &[Frame], ee: &'a CertInfo, pool: &'a [CertInfo]) -> Vec<&'a CertInfo> {
    stack
        .iter()
        .filter_map(|f| match f.cert {
            None => Some(ee),
            Some(p) => pool.get(p),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]
    //! Certificates in testdata/ were made with OpenSSL (P-256, SHA-256):
    //! top (anchor) -> rootca (pathlen 0) -> selfissued (same name, new key) -> ee_via_selfissued,
    //! rootca -> sub -> ee_via_sub, and ee_tls (serverAuth only) under selfissued.
    use super::*;
    use crate::path::RevocationMode;

    fn cert(name: &str) -> Certificate {
        let der = match name {
            "top" => &include_bytes!("testdata/top.der")[..],
            "rootca" => &include_bytes!("testdata/rootca.der")[..],
            "selfissued" => &include_bytes!("testdata/selfissued.der")[..],
            "sub" => &include_bytes!("testdata/sub.der")[..],
            "ee_via_selfissued" => &include_bytes!("testdata/ee_via_selfissued.der")[..],
            "ee_via_sub" => &include_bytes!("testdata/ee_via_sub.der")[..],
            "ee_tls" => &include_bytes!("testdata/ee_tls.der")[..],
            _ => panic!("{name}"),
        };
        Certificate::from_der(der).unwrap()
    }

    fn opts() -> ValidationOptions {
        ValidationOptions {
            revocation: RevocationMode::Off,
            ..ValidationOptions::default()
        }
    }

    fn run(ee: &str, time: Option<u64>, o: &ValidationOptions) -> PathValidation {
        let ee = cert(ee);
        let pool = [cert("selfissued"), cert("sub"), cert("rootca")];
        let t = time.unwrap_or_else(|| {
            pool.iter()
                .chain([&ee])
                .map(|c| CertInfo::new(c).not_before)
                .max()
                .unwrap()
                + 10
        });
        build_and_validate(&ee, &pool, &[cert("top")], &[], t, o)
    }

    #[test]
    fn self_issued_does_not_count_for_path_length() {
        let r = run("ee_via_selfissued", None, &opts());
        assert_eq!(r.status, ChainStatus::Valid, "{:?}", r.error);
        assert_eq!(r.path.len(), 4);
        assert_eq!(r.path[3].der(), cert("top").der());
        let r = run("ee_via_sub", None, &opts());
        assert_eq!(r.status, ChainStatus::Invalid);
        assert!(
            matches!(r.error, Some(PathError::PathLength { .. })),
            "{:?}",
            r.error
        );
    }

    #[test]
    fn time_boundaries_are_inclusive() {
        use crate::path::validate::check_time;
        let ee = CertInfo::new(&cert("ee_via_selfissued"));
        let (nb, na) = (ee.not_before, ee.not_after);
        assert!(check_time(&ee, nb).is_ok());
        assert!(check_time(&ee, na).is_ok());
        assert!(matches!(
            check_time(&ee, nb - 1),
            Err(PathError::NotYetValid { .. })
        ));
        assert!(matches!(
            check_time(&ee, na + 1),
            Err(PathError::Expired { .. })
        ));
        // Through a whole path: after the end entity's notAfter.
        let r = run("ee_via_selfissued", Some(na + 1), &opts());
        assert_eq!(r.status, ChainStatus::Invalid);
    }

    #[test]
    fn end_entity_needs_email_protection() {
        let r = run("ee_tls", None, &opts());
        assert!(
            matches!(r.error, Some(PathError::ExtendedKeyUsage { .. })),
            "{:?}",
            r.error
        );
        let lax = ValidationOptions {
            require_email_protection: false,
            ..opts()
        };
        assert_eq!(run("ee_tls", None, &lax).status, ChainStatus::Valid);
    }

    #[test]
    fn untrusted_without_anchor_and_anchor_as_end_entity() {
        let ee = cert("ee_via_selfissued");
        let t = CertInfo::new(&cert("rootca")).not_before + 10;
        let r = build_and_validate(&ee, &[cert("selfissued")], &[cert("sub")], &[], t, &opts());
        assert_eq!(r.status, ChainStatus::Untrusted);
        assert!(r.error.unwrap().to_string().contains("no path"));
        let r = build_and_validate(&ee, &[], core::slice::from_ref(&ee), &[], t, &opts());
        assert_eq!(r.status, ChainStatus::Valid);
        assert_eq!(r.path.len(), 1);
    }

    #[test]
    fn revocation_where_available_lists_unchecked() {
        let o = ValidationOptions {
            revocation: RevocationMode::WhereAvailable,
            ..opts()
        };
        let r = run("ee_via_selfissued", None, &o);
        assert_eq!(r.status, ChainStatus::Valid);
        assert_eq!(r.unchecked_revocation.len(), 3);
        let o = ValidationOptions {
            revocation: RevocationMode::Require,
            ..opts()
        };
        let r = run("ee_via_selfissued", None, &o);
        assert!(
            matches!(r.error, Some(PathError::RevocationUnknown { .. })),
            "{:?}",
            r.error
        );
    }

    #[test]
    fn max_path_length_limits_building() {
        let o = ValidationOptions {
            max_path_length: 0,
            ..opts()
        };
        let r = run("ee_via_selfissued", None, &o);
        assert_ne!(r.status, ChainStatus::Valid);
    }

    /// OpenSSL-made CRLs from the self-issued CA's key revoking
    /// ee_via_selfissued: one v1 (no version, no extensions), one v2 with
    /// a reason code.
    #[test]
    fn v1_and_v2_crls_revoke() {
        let v1 = include_bytes!("testdata/v1_revokes_ee.crl").to_vec();
        let v2 = include_bytes!("testdata/v2_revokes_ee.crl").to_vec();
        assert!(Crl::parse(&v1).unwrap().is_v1());
        assert!(!Crl::parse(&v2).unwrap().is_v1());
        let o = ValidationOptions {
            revocation: RevocationMode::WhereAvailable,
            ..opts()
        };
        let ee = cert("ee_via_selfissued");
        let pool = [cert("selfissued"), cert("rootca")];
        for crl in [v1, v2] {
            let t = Crl::parse(&crl).unwrap().this_update() + 10;
            let r = build_and_validate(
                &ee,
                &pool,
                &[cert("top")],
                core::slice::from_ref(&crl),
                t,
                &o,
            );
            assert_eq!(r.status, ChainStatus::Invalid);
            assert!(
                matches!(r.error, Some(PathError::Revoked { .. })),
                "{:?}",
                r.error
            );
            // Before its thisUpdate the CRL is not usable: unchecked.
            let early = t - 20;
            let r = build_and_validate(
                &ee,
                &pool,
                &[cert("top")],
                core::slice::from_ref(&crl),
                early,
                &o,
            );
            assert_eq!(r.status, ChainStatus::Valid, "{:?}", r.error);
            assert_eq!(r.unchecked_revocation.len(), 3);
            // A CRL with a flipped signature bit is not usable either.
            let mut bad = crl.clone();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            let r = build_and_validate(&ee, &pool, &[cert("top")], &[bad], t, &o);
            assert_eq!(r.status, ChainStatus::Valid, "{:?}", r.error);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        use proptest::prelude::*;
        proptest!(ProptestConfig::with_cases(256), |(bytes in proptest::collection::vec(any::<u8>(), 0..600))| {
            let _ = Crl::parse(&bytes);
            if let Ok(c) = Certificate::from_der(&bytes) {
                let _ = build_and_validate(&c, &[], core::slice::from_ref(&c), core::slice::from_ref(&bytes), 0, &opts());
            }
        });
        // Mutations of a real certificate and CRL.
        let base = include_bytes!("testdata/ee_via_selfissued.der").to_vec();
        let crl = include_bytes!("testdata/v2_revokes_ee.crl").to_vec();
        proptest!(ProptestConfig::with_cases(256), |(pos in 0usize..471, val in any::<u8>())| {
            let mut m = base.clone();
            let ml = m.len();
            m[pos % ml] = val;
            let mut c2 = crl.clone();
            let l = c2.len();
            c2[pos % l] = val;
            if let Ok(c) = Certificate::from_der(&m) {
                let pool = [cert("selfissued"), cert("rootca")];
                let _ = build_and_validate(&c, &pool, &[cert("top")], &[c2], u64::MAX, &opts());
            }
        });
    }
}
