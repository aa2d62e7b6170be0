//! DKIM body canonicalization + hashing throughput, beside SHA-256 alone.
//!
//! The goal (issue 4): hashing a relaxed-canonicalized body stays within
//! 10% of SHA-256's own speed.
//!
//! `cargo bench -p mail-auth-core --bench dkim_body [--features ring]`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mail_auth_core::dkim::Canonicalization;
use mail_auth_core::dkim::bench_body_hash;
use mail_auth_core::dkim::crypto::{CryptoProvider, HashAlgorithm, RustCrypto};

/// About 1 MiB of mail-like text: prose lines, a few with trailing white
/// space or a tab, a quoted block, blank lines.
fn body(line_ending: &str) -> Vec<u8> {
    let lines = [
        "Thanks for the figures. I went through the quarterly numbers and the",
        "plan for the next release looks reasonable to me, with two caveats: ",
        "> On Tuesday, Joe wrote:",
        "> The migration of the mail cluster is scheduled for the 14th.",
        "",
        "First, the storage estimate assumes\tthe current growth rate.",
        "Second, we should keep the old relays until the DNS change settles.  ",
        "Regards, Suzie",
    ];
    let mut out = String::new();
    while out.len() < 1 << 20 {
        for line in lines {
            out.push_str(line);
            out.push_str(line_ending);
        }
    }
    out.into_bytes()
}

fn providers() -> Vec<(&'static str, &'static dyn CryptoProvider)> {
    #[allow(unused_mut)]
    let mut list: Vec<(&'static str, &'static dyn CryptoProvider)> =
        vec![("rustcrypto", &RustCrypto)];
    #[cfg(feature = "ring")]
    list.push(("ring", &mail_auth_core::dkim::crypto::Ring));
    list
}

fn bench(c: &mut Criterion) {
    let crlf = body("\r\n");
    let lf = body("\n");
    let mut group = c.benchmark_group("dkim_body");
    group.throughput(Throughput::Bytes(crlf.len() as u64));
    for (name, provider) in providers() {
        group.bench_function(format!("{name}/sha256_only"), |b| {
            b.iter(|| {
                let mut h = provider.hasher(HashAlgorithm::Sha256);
                h.update(black_box(&crlf));
                h.finish()
            })
        });
        for (c_name, canon) in [
            ("simple", Canonicalization::Simple),
            ("relaxed", Canonicalization::Relaxed),
        ] {
            group.bench_function(format!("{name}/{c_name}_crlf"), |b| {
                b.iter(|| bench_body_hash(provider, canon, black_box(&crlf)))
            });
            group.bench_function(format!("{name}/{c_name}_lf"), |b| {
                b.iter(|| bench_body_hash(provider, canon, black_box(&lf)))
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
