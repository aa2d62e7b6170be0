//! Arbitrary bytes as a certificate (and, split in two, as an end entity and
//! an issuer) through path building and validation: must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smime_core::{validate_path, Certificate, RevocationMode, ValidationOptions};

/// 2027-01-01T00:00:00Z.
const TIME: u64 = 1_798_761_600;

fuzz_target!(|data: &[u8]| {
    let require = ValidationOptions {
        revocation: RevocationMode::Require,
        initial_explicit_policy: true,
        ..ValidationOptions::default()
    };
    let lax = ValidationOptions {
        revocation: RevocationMode::WhereAvailable,
        require_email_protection: false,
        ..ValidationOptions::default()
    };
    let crls = [data.to_vec()];
    if let Ok(cert) = Certificate::from_der(data) {
        let _ = validate_path(&cert, &[], &[cert.clone()], &[], TIME, &lax);
        let _ = validate_path(&cert, &[cert.clone()], &[], &crls, TIME, &require);
        let _ = cert.subject_string();
    }
    // The first two bytes split the rest: an end entity, then its issuer.
    let Some((len, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let k = usize::from(u16::from_be_bytes(*len)).min(rest.len());
    let (a, b) = rest.split_at(k);
    let (Ok(ee), Ok(ca)) = (Certificate::from_der(a), Certificate::from_der(b)) else {
        return;
    };
    let pool = [ca.clone(), ee.clone()];
    let crls = [a.to_vec(), b.to_vec()];
    for opts in [&require, &lax] {
        let _ = validate_path(&ee, &pool, &[ca.clone()], &crls, TIME, opts);
        let _ = validate_path(&ca, &pool, &[ee.clone()], &crls, TIME, opts);
    }
});
