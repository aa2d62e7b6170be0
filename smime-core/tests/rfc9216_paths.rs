#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![allow(clippy::disallowed_methods)]
//! RFC 9216 sample PKI: an RSA CA and an Ed25519 CA, each self-signed and
//! cross-signed by the other; Alice and Bob under the RSA CA, Carlos and
//! Dana under the Ed25519 CA.

use std::path::Path;

use smime_core::{Certificate, ChainStatus, RevocationMode, ValidationOptions, validate_path};

/// 2025-01-01T00:00:00Z, inside every certificate's validity (2020–2052).
const TIME: u64 = 1_735_689_600;

fn dir() -> Option<&'static Path> {
    let d = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/vectors/smime/rfc9216"
    ));
    assert!(
        d.is_dir() || std::env::var_os("MAILSEC_REQUIRE_VECTORS").is_none(),
        "MAILSEC_REQUIRE_VECTORS is set but {} is missing",
        d.display()
    );
    d.is_dir().then_some(d)
}

fn load(d: &Path, name: &str) -> Certificate {
    let bytes = std::fs::read(d.join(name)).unwrap();
    Certificate::from_pem_or_der(&bytes).unwrap().remove(0)
}

fn opts() -> ValidationOptions {
    ValidationOptions {
        revocation: RevocationMode::WhereAvailable,
        ..ValidationOptions::default()
    }
}

struct Pki {
    rsa_root: Certificate,
    ed_root: Certificate,
    /// The Ed25519 CA's key, signed by the RSA CA.
    ed_by_rsa: Certificate,
    /// The RSA CA's key, signed by the Ed25519 CA.
    rsa_by_ed: Certificate,
    alice: Certificate,
    carlos: Certificate,
}

fn pki(d: &Path) -> Pki {
    Pki {
        rsa_root: load(d, "Sample_LAMPS_RSA_Certification_Authority.selfsigned.pem"),
        ed_root: load(
            d,
            "Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem",
        ),
        ed_by_rsa: load(
            d,
            "Sample_LAMPS_Ed25519_Certification_Authority.crosssigned.pem",
        ),
        rsa_by_ed: load(
            d,
            "Sample_LAMPS_RSA_Certification_Authority.crosssigned.pem",
        ),
        alice: load(d, "lamps-alice.crt"),
        carlos: load(d, "lamps-carlos.crt"),
    }
}

#[test]
fn direct_paths() {
    let Some(d) = dir() else {
        eprintln!("skipped: shared RFC 9216 vectors not found");
        return;
    };
    let p = pki(d);
    let r = validate_path(
        &p.alice,
        &[],
        std::slice::from_ref(&p.rsa_root),
        &[],
        TIME,
        &opts(),
    );
    assert_eq!(r.status, ChainStatus::Valid, "{:?}", r.error);
    assert_eq!(r.path.len(), 2);
    assert_eq!(r.unchecked_revocation.len(), 1);
    let r = validate_path(
        &p.carlos,
        &[],
        std::slice::from_ref(&p.ed_root),
        &[],
        TIME,
        &opts(),
    );
    assert_eq!(r.status, ChainStatus::Valid, "{:?}", r.error);
    // Carlos has no path to the RSA CA without the cross certificate.
    let r = validate_path(
        &p.carlos,
        &[],
        std::slice::from_ref(&p.rsa_root),
        &[],
        TIME,
        &opts(),
    );
    assert_eq!(r.status, ChainStatus::Untrusted, "{:?}", r.error);
}

#[test]
fn cross_signed_paths() {
    let Some(d) = dir() else {
        eprintln!("skipped: shared RFC 9216 vectors not found");
        return;
    };
    let p = pki(d);
    // Every CA certificate in the pool: the builder must avoid loops.
    let pool = [
        p.ed_root.clone(),
        p.rsa_by_ed.clone(),
        p.ed_by_rsa.clone(),
        p.rsa_root.clone(),
    ];
    let r = validate_path(
        &p.carlos,
        &pool,
        std::slice::from_ref(&p.rsa_root),
        &[],
        TIME,
        &opts(),
    );
    assert_eq!(r.status, ChainStatus::Valid, "{:?}", r.error);
    assert_eq!(r.path.len(), 3);
    assert_eq!(r.path[1].der(), p.ed_by_rsa.der());
    assert_eq!(r.path[2].der(), p.rsa_root.der());
    let r = validate_path(
        &p.alice,
        &pool,
        std::slice::from_ref(&p.ed_root),
        &[],
        TIME,
        &opts(),
    );
    assert_eq!(r.status, ChainStatus::Valid, "{:?}", r.error);
    assert_eq!(r.path[1].der(), p.rsa_by_ed.der());
    // Outside the validity period: invalid, not untrusted.
    let r = validate_path(
        &p.carlos,
        &pool,
        std::slice::from_ref(&p.rsa_root),
        &[],
        4_000_000_000,
        &opts(),
    );
    assert_eq!(r.status, ChainStatus::Invalid);
}
