//! The DKIM crypto primitives alone: RSA-2048 and Ed25519 sign and verify
//! over 1 KB of header data, per crypto backend.
//!
//! `cargo bench -p mail-auth-core --bench dkim_crypto [--features ring]`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mail_auth_core::dkim::crypto::{CryptoProvider, HashAlgorithm, KeyType, RustCrypto};
use mail_auth_core::dkim::signing_key_from_pem;
use mailsec_testkit::dkimpy::{ED25519, RSA_2048};

fn bench(c: &mut Criterion) {
    let mut providers: Vec<(&'static str, &'static dyn CryptoProvider)> =
        vec![("rustcrypto", &RustCrypto)];
    #[cfg(feature = "ring")]
    providers.push(("ring", &mail_auth_core::dkim::crypto::Ring));

    let data = vec![b'h'; 1024];
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let mut group = c.benchmark_group("dkim_crypto");
    for (backend, provider) in providers {
        for (name, pem, key_type) in [
            ("rsa2048", RSA_2048.pem, KeyType::Rsa),
            ("ed25519", ED25519.pem, KeyType::Ed25519),
        ] {
            let signer = signing_key_from_pem(pem, provider).unwrap();
            let signature = signer.sign(&data, &mut rng).unwrap();
            let verifier = provider
                .verifying_key(key_type, &signer.public_key())
                .unwrap();
            group.bench_function(format!("verify/{name}/{backend}"), |b| {
                b.iter(|| {
                    verifier
                        .verify(HashAlgorithm::Sha256, black_box(&data), &signature)
                        .unwrap();
                })
            });
            group.bench_function(format!("sign/{name}/{backend}"), |b| {
                b.iter(|| signer.sign(black_box(&data), &mut rng).unwrap())
            });
            group.bench_function(format!("load_public_key/{name}/{backend}"), |b| {
                let public = signer.public_key();
                b.iter(|| {
                    provider
                        .verifying_key(key_type, black_box(&public))
                        .unwrap()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
