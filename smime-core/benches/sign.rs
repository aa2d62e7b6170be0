//! Signing: a 10 KB message with RSA-2048, P-256 and Ed25519 (the sample
//! keys, detached, SHA-256 / SHA-512 for Ed25519), and a 10 MB detached
//! signature with P-256 (preparation, hashing and output: throughput).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smime_core::{Certificate, SignOptions, Signer, SigningKey, sign_message};

const NOW: u64 = 1_800_000_000;
const HEADER: &[u8] =
    b"From: Shop Example <merchant@shop.example>\r\nTo: customer@home.example\r\nSubject: Your order\r\n";

fn signer(name: &str) -> Signer {
    let (key, cert): (&[u8], &[u8]) = match name {
        "rsa2048" => (
            include_bytes!("../samples/merchant-rsa.key"),
            include_bytes!("../samples/merchant-rsa.pem"),
        ),
        "p256" => (
            include_bytes!("../samples/merchant-p256.key"),
            include_bytes!("../samples/merchant-p256.pem"),
        ),
        _ => (
            include_bytes!("../samples/merchant-ed25519.key"),
            include_bytes!("../samples/merchant-ed25519.pem"),
        ),
    };
    let key = SigningKey::from_pem(key).unwrap();
    let cert = Certificate::from_pem(cert).unwrap().remove(0);
    Signer::new(key, cert, Vec::new()).unwrap()
}

fn sign(c: &mut Criterion) {
    let message = [HEADER, include_bytes!("../samples/entity.txt")].concat();
    let options = SignOptions::default();
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let mut group = c.benchmark_group("smime_sign_10k");
    for name in ["rsa2048", "p256", "ed25519"] {
        let signers = [signer(name)];
        group.throughput(Throughput::Elements(1));
        group.bench_function(name, |b| {
            b.iter(|| sign_message(&message, &signers, &options, NOW, &mut rng).unwrap())
        });
    }
    group.finish();

    // 10 MB of 7-bit text lines: the entity is checked, canonicalised,
    // hashed once and copied to the output.
    let mut big = HEADER.to_vec();
    big.extend_from_slice(b"Content-Type: text/plain; charset=us-ascii\r\n\r\n");
    let line = b"0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789\r\n";
    while big.len() < 10 * 1024 * 1024 {
        big.extend_from_slice(line);
    }
    let signers = [signer("p256")];
    let mut group = c.benchmark_group("smime_sign_10m");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("p256_detached", |b| {
        b.iter(|| sign_message(&big, &signers, &options, NOW, &mut rng).unwrap())
    });
    group.finish();
}

criterion_group!(benches, sign);
criterion_main!(benches);
