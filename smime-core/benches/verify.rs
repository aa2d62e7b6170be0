//! Verifying a 10 KB signed message (multipart/signed, signer certificate
//! issued by a trusted root: a chain of two), for RSA-2048, P-256 and
//! Ed25519. The RSA and P-256 messages come from `scripts/make-smime-samples`
//! (OpenSSL); OpenSSL 3.0 cannot make an Ed25519 CMS signature, so that one
//! is signed here by `sign_message` with the sample Ed25519 key.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{Criterion, Throughput, criterion_group};
use smime_core::{
    Certificate, SignOptions, Signer, SigningKey, TrustInputs, VerifyOptions, sign_message,
    verify_message,
};

const NOW: u64 = 1_800_000_000;

fn ed25519_message() -> Vec<u8> {
    let key = SigningKey::from_pem(include_bytes!("../samples/merchant-ed25519.key")).unwrap();
    let cert = Certificate::from_pem(include_bytes!("../samples/merchant-ed25519.pem"))
        .unwrap()
        .remove(0);
    let message = [
        &b"From: Shop Example <merchant@shop.example>\r\nTo: customer@home.example\r\nSubject: Your order\r\n"[..],
        include_bytes!("../samples/entity.txt"),
    ]
    .concat();
    let signer = Signer::new(key, cert, Vec::new()).unwrap();
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    sign_message(&message, &[signer], &SignOptions::default(), NOW, &mut rng).unwrap()
}

fn messages() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "rsa2048",
            include_bytes!("../samples/signed-rsa.eml").to_vec(),
        ),
        (
            "p256",
            include_bytes!("../samples/signed-p256.eml").to_vec(),
        ),
        ("ed25519", ed25519_message()),
    ]
}

fn verify(c: &mut Criterion) {
    let anchors = Certificate::from_pem(include_bytes!("../samples/ca.pem")).unwrap();
    let trust = TrustInputs {
        anchors: &anchors,
        certificates: &[],
        crls: &[],
    };
    let options = VerifyOptions::default();
    let mut group = c.benchmark_group("smime_verify_10k");
    for (name, message) in messages() {
        let report = verify_message(&message, &trust, NOW, &options).unwrap();
        assert!(report.verified, "{name}: {:?}", report.signers);
        group.throughput(Throughput::Elements(1));
        group.bench_function(name, |b| {
            b.iter(|| verify_message(&message, &trust, NOW, &options).unwrap())
        });
    }
    group.finish();
}

/// `SMIME_PROFILE=rsa2048:N` (or `p256:N`, `ed25519:N`) verifies N times
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
    let (_, message) = messages()
        .into_iter()
        .find(|(m, _)| *m == name)
        .expect("rsa2048, p256 or ed25519");
    for _ in 0..n {
        let report = verify_message(&message, &trust, NOW, &VerifyOptions::default()).unwrap();
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
