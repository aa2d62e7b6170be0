//! Verifying a 10 KB signed message (multipart/signed, signer certificate
//! issued by a trusted root: a chain of two), for RSA-2048 and P-256.
//! The samples come from `scripts/make-smime-samples` (OpenSSL).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{Criterion, Throughput, criterion_group};
use smime_core::{Certificate, TrustInputs, VerifyOptions, verify_message};

const NOW: u64 = 1_800_000_000;

fn verify(c: &mut Criterion) {
    let anchors = Certificate::from_pem(include_bytes!("../samples/ca.pem")).unwrap();
    let trust = TrustInputs {
        anchors: &anchors,
        certificates: &[],
        crls: &[],
    };
    let options = VerifyOptions::default();
    let mut group = c.benchmark_group("smime_verify_10k");
    for (name, message) in [
        ("rsa2048", &include_bytes!("../samples/signed-rsa.eml")[..]),
        ("p256", &include_bytes!("../samples/signed-p256.eml")[..]),
    ] {
        let report = verify_message(message, &trust, NOW, &options).unwrap();
        assert!(report.verified, "{name}: {:?}", report.signers);
        group.throughput(Throughput::Elements(1));
        group.bench_function(name, |b| {
            b.iter(|| verify_message(message, &trust, NOW, &options).unwrap())
        });
    }
    group.finish();
}

/// `SMIME_PROFILE=rsa2048:N` or `SMIME_PROFILE=p256:N` verifies N times
/// and exits, without criterion: a fixed amount of work for callgrind.
fn profile(spec: &str) {
    let (name, n) = spec.split_once(':').unwrap_or((spec, "100"));
    let n: u32 = n.parse().unwrap();
    let anchors = Certificate::from_pem(include_bytes!("../samples/ca.pem")).unwrap();
    let trust = TrustInputs {
        anchors: &anchors,
        certificates: &[],
        crls: &[],
    };
    let message: &[u8] = match name {
        "p256" => include_bytes!("../samples/signed-p256.eml"),
        _ => include_bytes!("../samples/signed-rsa.eml"),
    };
    for _ in 0..n {
        let report = verify_message(message, &trust, NOW, &VerifyOptions::default()).unwrap();
        assert!(report.verified);
    }
}

criterion_group!(benches, verify);

// A benchmark binary may read its environment: the sans-IO ban is for the library.
#[allow(clippy::disallowed_methods)]
fn main() {
    if let Ok(spec) = std::env::var("SMIME_PROFILE") {
        profile(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
