#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![allow(clippy::disallowed_methods)]
//! NIST PKITS (from the PyPI package cryptography-vectors) through
//! `validate_path`: every `Valid*`/`Invalid*` end-entity certificate is
//! validated with all other CA certificates as the intermediate pool, the
//! PKITS trust anchor, all CRLs, revocation required and default policy
//! settings, at 2020-01-01T00:00:00Z.

use std::path::{Path, PathBuf};

use smime_core::{
    AlgorithmPolicy, Certificate, ChainStatus, PathError, RevocationMode, ValidationOptions,
    validate_path,
};

/// 2020-01-01T00:00:00Z.
const TIME: u64 = 1_577_836_800;

/// Tests we do not pass, with the reason.
const EXCLUSIONS: &[(&str, &str)] = &[
    // 4.2.3: notBefore 1950 (UTCTime 50): x509-cert's time type starts at 1970,
    // so the certificate does not decode.
    (
        "Validpre2000UTCnotBeforeDateTest3",
        "x509-cert cannot decode dates before 1970",
    ),
];

fn pkits_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PKITS_DATA") {
        let dir = PathBuf::from(dir);
        return dir.is_dir().then_some(dir);
    }
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/peers-venv/lib");
    for entry in std::fs::read_dir(lib).ok()?.flatten() {
        if !entry.file_name().to_string_lossy().starts_with("python3") {
            continue;
        }
        let dir = entry
            .path()
            .join("site-packages/cryptography_vectors/x509/PKITS_data");
        if dir.is_dir() {
            return Some(dir);
        }
    }
    None
}

fn read_dir_sorted(dir: &Path, ext: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(ext))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn is_end_entity(name: &str) -> bool {
    name.starts_with("Valid") || name.starts_with("Invalid") || name.ends_with("EE.crt")
}

fn options() -> ValidationOptions {
    ValidationOptions {
        revocation: RevocationMode::Require,
        require_email_protection: false,
        ..ValidationOptions::default()
    }
}

struct Pkits {
    pool: Vec<Certificate>,
    anchor: Certificate,
    crls: Vec<Vec<u8>>,
    ees: Vec<(String, Certificate)>,
    /// Certificates that did not decode (an end entity among them fails
    /// unless excluded).
    undecodable: Vec<String>,
}

fn load(dir: &Path) -> Pkits {
    let certs = read_dir_sorted(&dir.join("certs"), ".crt");
    let mut pool = Vec::new();
    let mut ees = Vec::new();
    let mut anchor = None;
    let mut undecodable = Vec::new();
    for (name, der) in certs {
        let Ok(cert) = Certificate::from_der(&der) else {
            eprintln!("note: {name} does not decode");
            undecodable.push(
                name.trim_end_matches(".crt")
                    .trim_end_matches("EE")
                    .to_string(),
            );
            continue;
        };
        if name == "TrustAnchorRootCertificate.crt" {
            anchor = Some(cert);
        } else if is_end_entity(&name) {
            if name.starts_with("Valid") || name.starts_with("Invalid") {
                ees.push((
                    name.trim_end_matches(".crt")
                        .trim_end_matches("EE")
                        .to_string(),
                    cert,
                ));
            }
        } else {
            pool.push(cert);
        }
    }
    let crls = read_dir_sorted(&dir.join("crls"), ".crl")
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    Pkits {
        pool,
        anchor: anchor.unwrap(),
        crls,
        ees,
        undecodable,
    }
}

#[test]
fn pkits() {
    let Some(dir) = pkits_dir() else {
        eprintln!("skipped: PKITS data not found (set PKITS_DATA)");
        return;
    };
    let pk = load(&dir);
    let opts = options();
    // 4.1.4–4.1.6 are DSA (with SHA-1): refused by default (RFC 8551 §2.2),
    // validated under the legacy policy an archive would opt into.
    let legacy = ValidationOptions {
        algorithms: AlgorithmPolicy::legacy(),
        ..options()
    };
    let (mut passed, mut failed, mut excluded) = (0, 0, 0);
    let mut failures = Vec::new();
    for (name, ee) in &pk.ees {
        let expect_valid = name.starts_with("Valid");
        let result = validate_path(
            ee,
            &pk.pool,
            std::slice::from_ref(&pk.anchor),
            &pk.crls,
            TIME,
            if name.contains("DSA") { &legacy } else { &opts },
        );
        let ok = (result.status == ChainStatus::Valid) == expect_valid;
        let detail = format!(
            "{:?} {}",
            result.status,
            result
                .error
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        );
        if let Some((_, reason)) = EXCLUSIONS.iter().find(|(n, _)| n == name) {
            excluded += 1;
            eprintln!(
                "excluded {name} ({reason}): {}",
                if ok { "passes anyway" } else { "fails" }
            );
            continue;
        }
        if ok {
            passed += 1;
        } else {
            failed += 1;
            failures.push(format!("{name}: got {detail}"));
        }
    }
    for name in &pk.undecodable {
        if EXCLUSIONS.iter().any(|(n, _)| n == name) {
            excluded += 1;
            eprintln!("excluded {name}: does not decode");
        } else {
            failed += 1;
            failures.push(format!("{name}: certificate does not decode"));
        }
    }
    eprintln!("PKITS: {passed} passed, {failed} failed, {excluded} excluded");
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    assert!(failures.is_empty(), "{} PKITS mismatches", failures.len());
    assert!(passed > 100, "too few PKITS tests ran: {passed}");
}

/// The 21-message subset's trust anchor and CRLs (from the shared vectors)
/// with PKITS end entities: revocation decided by those CRLs alone.
#[test]
fn pkits_smime_subset_crls() {
    let shared = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/vectors/smime/pkits-smime"
    ));
    assert!(
        shared.is_dir() || std::env::var_os("MAILSEC_REQUIRE_VECTORS").is_none(),
        "MAILSEC_REQUIRE_VECTORS is set but {} is missing",
        shared.display()
    );
    let (Some(dir), true) = (pkits_dir(), shared.is_dir()) else {
        eprintln!("skipped: PKITS data or shared vectors not found");
        return;
    };
    let pk = load(&dir);
    let anchor = Certificate::from_pem_or_der(
        &std::fs::read(shared.join("certs/TrustAnchorRootCertificate.crt")).unwrap(),
    )
    .unwrap();
    assert_eq!(anchor[0].der(), pk.anchor.der());
    let crls: Vec<Vec<u8>> = read_dir_sorted(&shared.join("crls"), ".crl")
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    assert!(crls.len() >= 6, "{}", crls.len());
    let opts = options();
    let ee = |n: &str| {
        pk.ees
            .iter()
            .find(|(name, _)| name == n)
            .map(|(_, c)| c.clone())
            .unwrap()
    };
    let run = |n: &str| validate_path(&ee(n), &pk.pool, &anchor, &crls, TIME, &opts);
    assert_eq!(run("ValidCertificatePathTest1").status, ChainStatus::Valid);
    let revoked = run("InvalidRevokedEETest3");
    assert_eq!(revoked.status, ChainStatus::Invalid);
    assert!(
        matches!(revoked.error, Some(PathError::Revoked { .. })),
        "{:?}",
        revoked.error
    );
    assert_eq!(run("InvalidCASignatureTest2").status, ChainStatus::Invalid);
    assert_eq!(run("InvalidEESignatureTest3").status, ChainStatus::Invalid);
    assert_eq!(
        run("ValidpathLenConstraintTest7").status,
        ChainStatus::Valid
    );
    assert_eq!(
        run("ValidDNnameConstraintsTest1").status,
        ChainStatus::Valid
    );
    assert_eq!(
        run("InvalidMissingbasicConstraintsTest1").status,
        ChainStatus::Invalid
    );
    // Without the CA's CRL, revocation of the path cannot be decided.
    let only_root: Vec<Vec<u8>> = read_dir_sorted(&shared.join("crls"), "TrustAnchorRootCRL.crl")
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    let r = validate_path(
        &ee("ValidCertificatePathTest1"),
        &pk.pool,
        &anchor,
        &only_root,
        TIME,
        &opts,
    );
    assert!(
        matches!(r.error, Some(PathError::RevocationUnknown { .. })),
        "{:?}",
        r.error
    );
    let lenient = ValidationOptions {
        revocation: RevocationMode::WhereAvailable,
        ..options()
    };
    let r = validate_path(
        &ee("ValidCertificatePathTest1"),
        &pk.pool,
        &anchor,
        &only_root,
        TIME,
        &lenient,
    );
    assert_eq!(r.status, ChainStatus::Valid);
    assert_eq!(
        r.unchecked_revocation.len(),
        1,
        "{:?}",
        r.unchecked_revocation
    );
    assert_eq!(r.path.len(), 3);
}

/// PKITS 4.8 and 4.10 with the non-default settings of the PKITS
/// document: initial-explicit-policy, the user-initial-policy-set and
/// initial-policy-mapping-inhibit.
#[test]
fn pkits_policy_settings() {
    let Some(dir) = pkits_dir() else {
        eprintln!("skipped: PKITS data not found (set PKITS_DATA)");
        return;
    };
    let pk = load(&dir);
    let p =
        |n: u32| der::asn1::ObjectIdentifier::new(&format!("2.16.840.1.101.3.2.1.48.{n}")).unwrap();
    let ee_named = |file: &str| {
        let der = std::fs::read(dir.join("certs").join(file)).unwrap();
        Certificate::from_der(&der).unwrap()
    };
    // (EE file, explicit, initial policy set, mapping inhibit, expected valid)
    let cases: &[(&str, bool, &[u32], bool, bool)] = &[
        ("ValidCertificatePathTest1EE.crt", true, &[], false, true),
        ("ValidCertificatePathTest1EE.crt", true, &[1], false, true),
        ("ValidCertificatePathTest1EE.crt", true, &[2], false, false),
        (
            "ValidCertificatePathTest1EE.crt",
            true,
            &[1, 2],
            false,
            true,
        ),
        (
            "AllCertificatesNoPoliciesTest2EE.crt",
            false,
            &[],
            false,
            true,
        ),
        (
            "AllCertificatesNoPoliciesTest2EE.crt",
            true,
            &[],
            false,
            false,
        ),
        ("DifferentPoliciesTest3EE.crt", false, &[], false, true),
        ("DifferentPoliciesTest3EE.crt", true, &[], false, false),
        ("OverlappingPoliciesTest6EE.crt", false, &[], false, true),
        ("OverlappingPoliciesTest6EE.crt", false, &[1], false, true),
        ("OverlappingPoliciesTest6EE.crt", false, &[2], false, false),
        (
            "AllCertificatesSamePoliciesTest10EE.crt",
            false,
            &[1],
            false,
            true,
        ),
        (
            "AllCertificatesSamePoliciesTest10EE.crt",
            false,
            &[2],
            false,
            true,
        ),
        (
            "AllCertificatesanyPolicyTest11EE.crt",
            false,
            &[1],
            false,
            true,
        ),
        (
            "AllCertificatesSamePoliciesTest13EE.crt",
            false,
            &[3],
            false,
            true,
        ),
        ("AnyPolicyTest14EE.crt", false, &[1], false, true),
        ("AnyPolicyTest14EE.crt", false, &[2], false, false),
        ("ValidPolicyMappingTest1EE.crt", false, &[1], false, true),
        ("ValidPolicyMappingTest1EE.crt", false, &[2], false, false),
        ("ValidPolicyMappingTest1EE.crt", false, &[], true, false),
    ];
    let mut failures = Vec::new();
    for (file, explicit, set, inhibit, valid) in cases {
        let opts = ValidationOptions {
            initial_explicit_policy: *explicit,
            initial_policy_set: set.iter().map(|n| p(*n)).collect(),
            initial_policy_mapping_inhibit: *inhibit,
            ..options()
        };
        let r = validate_path(
            &ee_named(file),
            &pk.pool,
            std::slice::from_ref(&pk.anchor),
            &pk.crls,
            TIME,
            &opts,
        );
        if (r.status == ChainStatus::Valid) != *valid {
            failures.push(format!(
                "{file} explicit={explicit} set={set:?} inhibit={inhibit}: got {:?} {:?}",
                r.status, r.error
            ));
        }
    }
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} policy setting mismatches",
        failures.len()
    );
}
