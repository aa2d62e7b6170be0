//! DKIM: verify and sign a 10 KB message with RSA-2048 and Ed25519, the
//! key record answered from memory, with each crypto backend.
//!
//! `cargo bench -p mail-auth-core --bench dkim [--features ring]`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mail_auth_core::dkim::crypto::{CryptoProvider, KeyType, RustCrypto, SigningKey};
use mail_auth_core::dkim::{
    DkimResult, DkimSigner, VerifyConfig, dns_record, generate_ed25519, generate_rsa,
    signing_key_from_pem, verify_message,
};
use mailsec_dns::{MemoryResolver, Name, Record, Txt};

const NOW: u64 = 1_700_000_000;

/// A 10 KB message: a dozen header fields and a body whose every line has
/// double spaces, a tab and trailing white space (the worst case for relaxed
/// canonicalization), or with `plain`, ordinary prose lines (already
/// canonical, the common case).
fn message_with(plain: bool) -> Vec<u8> {
    let mut m = String::from(
        "Received: from mx.example.net by mx.example.org with ESMTPS; Tue, 14 Nov 2023 22:13:20 +0000\r\n\
         From: Joe SixPack <joe@example.com>\r\n\
         To: Suzie Q <suzie@example.net>\r\n\
         Cc: team@example.net\r\n\
         Subject: Quarterly figures and the plan for the next release\r\n\
         Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n\
         Message-ID: <20231114221320.12345@example.com>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\
         \r\n",
    );
    let line = if plain {
        "The quick brown fox jumps over the lazy dog; the figures are attached.\r\n"
    } else {
        "The quick brown fox jumps over the lazy dog;  figures  attached.\t \r\n"
    };
    while m.len() < 10_000 {
        m.push_str(line);
    }
    m.into_bytes()
}

fn message() -> Vec<u8> {
    message_with(false)
}

struct Case {
    name: &'static str,
    key: Arc<dyn SigningKey>,
    zone: MemoryResolver,
    signed: Vec<u8>,
    signed_plain: Vec<u8>,
}

fn case(
    name: &'static str,
    provider: &'static dyn CryptoProvider,
    pem: &str,
    key_type: KeyType,
    public_key: &[u8],
) -> Case {
    let key = signing_key_from_pem(pem, provider).unwrap();
    let mut zone = MemoryResolver::new();
    zone.add(
        Name::new("sel._domainkey.example.com").unwrap(),
        Record::Txt(Txt::from_bytes(dns_record(key_type, public_key).as_bytes())),
    );
    let message = message();
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let signer = DkimSigner::new(provider, key.clone(), "example.com", "sel").unwrap();
    let mut signed = signer.sign(&message, NOW, &mut rng).unwrap().into_bytes();
    signed.extend_from_slice(&message);
    let config = VerifyConfig::new(NOW).with_provider(provider);
    let outcome = verify_message(config, &signed, &zone).unwrap();
    assert_eq!(outcome[0].result, DkimResult::Pass, "{}", outcome[0].reason);
    let plain = message_with(true);
    let mut signed_plain = signer.sign(&plain, NOW, &mut rng).unwrap().into_bytes();
    signed_plain.extend_from_slice(&plain);
    Case {
        name,
        key,
        zone,
        signed,
        signed_plain,
    }
}

fn bench(c: &mut Criterion) {
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let rsa = generate_rsa(2048, &mut rng).unwrap();
    let ed = generate_ed25519(&mut rng).unwrap();
    let mut providers: Vec<(&'static str, &'static dyn CryptoProvider)> =
        vec![("rustcrypto", &RustCrypto)];
    #[cfg(feature = "ring")]
    providers.push(("ring", &mail_auth_core::dkim::crypto::Ring));

    let message = message();
    let mut group = c.benchmark_group("dkim");
    group.throughput(Throughput::Elements(1));
    for (backend, provider) in providers {
        for case in [
            case("rsa2048", provider, &rsa.pem, KeyType::Rsa, &rsa.public_key),
            case(
                "ed25519",
                provider,
                &ed.pem,
                KeyType::Ed25519,
                &ed.public_key,
            ),
        ] {
            group.bench_function(format!("verify_10k/{}/{backend}", case.name), |b| {
                b.iter(|| {
                    let config = VerifyConfig::new(NOW).with_provider(provider);
                    let out = verify_message(config, black_box(&case.signed), &case.zone).unwrap();
                    assert_eq!(out[0].result, DkimResult::Pass);
                    out
                })
            });
            group.bench_function(format!("verify_10k_plain/{}/{backend}", case.name), |b| {
                b.iter(|| {
                    let config = VerifyConfig::new(NOW).with_provider(provider);
                    let out =
                        verify_message(config, black_box(&case.signed_plain), &case.zone).unwrap();
                    assert_eq!(out[0].result, DkimResult::Pass);
                    out
                })
            });
            let signer = DkimSigner::new(provider, case.key.clone(), "example.com", "sel").unwrap();
            group.bench_function(format!("sign_10k/{}/{backend}", case.name), |b| {
                b.iter(|| signer.sign(black_box(&message), NOW, &mut rng).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
