//! A receiver's full check of one 10 KB message: SPF (MAIL FROM), DKIM
//! (one RSA-2048 or Ed25519 signature) and DMARC, every DNS answer from
//! memory; beside DKIM alone, so the cost DMARC adds shows. Also DMARC
//! evaluation alone (a relaxed-alignment tree walk) and record parsing.
//!
//! `cargo bench -p mail-auth-core --bench dmarc [--features ring]`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;
use std::net::IpAddr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mail_auth_core::dkim::crypto::{CryptoProvider, KeyType, RustCrypto};
use mail_auth_core::dkim::{
    DkimResult, DkimSigner, VerifyConfig, dns_record, generate_ed25519, generate_rsa,
    signing_key_from_pem, verify_message,
};
use mail_auth_core::dmarc::{
    DmarcConfig, DmarcEvaluator, DmarcInput, DmarcRecord, DmarcResult, author_domain,
};
use mail_auth_core::spf::{SpfConfig, SpfEvaluator, SpfResult};
use mailsec_dns::{MemoryResolver, Name, Record, Txt};
use mailsec_message::{HeaderBlock, Limits};

const NOW: u64 = 1_700_000_000;

fn message() -> Vec<u8> {
    let mut m = String::from(
        "Received: from mx.example.net by mx.example.org with ESMTPS; Tue, 14 Nov 2023 22:13:20 +0000\r\n\
         From: Joe SixPack <joe@news.example.com>\r\n\
         To: Suzie Q <suzie@example.net>\r\n\
         Subject: Quarterly figures and the plan for the next release\r\n\
         Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n\
         Message-ID: <20231114221320.12345@example.com>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n",
    );
    while m.len() < 10_000 {
        m.push_str("The quick brown fox jumps over the lazy dog; the figures are attached.\r\n");
    }
    m.into_bytes()
}

fn txt(zone: &mut MemoryResolver, name: &str, text: &str) {
    zone.add(
        Name::new(name).unwrap(),
        Record::Txt(Txt::from_bytes(text.as_bytes())),
    );
}

/// SPF, DKIM and DMARC for one message, as a receiver runs them.
fn full_check(
    zone: &MemoryResolver,
    signed: &[u8],
    provider: &'static dyn CryptoProvider,
) -> DmarcResult {
    let ip: IpAddr = "192.0.2.25".parse().unwrap();
    let mut spf = SpfEvaluator::mail_from(
        ip,
        "mx.example.com",
        "bounce@mail.example.com",
        SpfConfig::new(NOW),
    );
    let spf = mailsec_dns::drive(&mut spf, zone).unwrap();
    let dkim =
        verify_message(VerifyConfig::new(NOW).with_provider(provider), signed, zone).unwrap();
    let header = HeaderBlock::parse(signed, &Limits::default()).unwrap();
    let input = DmarcInput::from_author(author_domain(&header))
        .with_spf(&spf)
        .with_dkim(&dkim);
    let mut dmarc = DmarcEvaluator::new(DmarcConfig::default(), input);
    mailsec_dns::drive(&mut dmarc, zone).unwrap().result
}

fn bench(c: &mut Criterion) {
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let rsa = generate_rsa(2048, &mut rng).unwrap();
    let ed = generate_ed25519(&mut rng).unwrap();
    #[cfg_attr(not(feature = "ring"), allow(unused_mut))]
    let mut providers: Vec<(&'static str, &'static dyn CryptoProvider)> =
        vec![("rustcrypto", &RustCrypto)];
    #[cfg(feature = "ring")]
    providers.push(("ring", &mail_auth_core::dkim::crypto::Ring));
    let message = message();

    let mut group = c.benchmark_group("receiver");
    group.throughput(Throughput::Elements(1));
    for (backend, provider) in providers {
        for (alg, pem, key_type, public) in [
            ("rsa2048", &rsa.pem, KeyType::Rsa, &rsa.public_key),
            ("ed25519", &ed.pem, KeyType::Ed25519, &ed.public_key),
        ] {
            let key = signing_key_from_pem(pem, provider).unwrap();
            let mut zone = MemoryResolver::new();
            txt(
                &mut zone,
                "sel._domainkey.example.com",
                &dns_record(key_type, public),
            );
            txt(
                &mut zone,
                "mail.example.com",
                "v=spf1 ip4:192.0.2.0/24 -all",
            );
            txt(
                &mut zone,
                "_dmarc.example.com",
                "v=DMARC1; p=reject; rua=mailto:dmarc@example.com",
            );
            let signer = DkimSigner::new(provider, key, "example.com", "sel").unwrap();
            let mut signed = signer.sign(&message, NOW, &mut rng).unwrap().into_bytes();
            signed.extend_from_slice(&message);
            let dkim = verify_message(
                VerifyConfig::new(NOW).with_provider(provider),
                &signed,
                &zone,
            )
            .unwrap();
            assert_eq!(dkim[0].result, DkimResult::Pass);
            assert_eq!(full_check(&zone, &signed, provider), DmarcResult::Pass);

            group.bench_function(format!("dkim_only_10k/{alg}/{backend}"), |b| {
                b.iter(|| {
                    verify_message(
                        VerifyConfig::new(NOW).with_provider(provider),
                        black_box(&signed),
                        &zone,
                    )
                    .unwrap()
                })
            });
            group.bench_function(format!("spf_dkim_dmarc_10k/{alg}/{backend}"), |b| {
                b.iter(|| full_check(&zone, black_box(&signed), provider))
            });
        }
    }
    group.finish();

    // DMARC alone: the author domain news.example.com, the record at
    // example.com (a two-step walk), SPF and DKIM at other subdomains of
    // example.com (relaxed alignment: their walks up to the organization).
    let mut zone = MemoryResolver::new();
    txt(
        &mut zone,
        "_dmarc.example.com",
        "v=DMARC1; p=reject; rua=mailto:dmarc@example.com",
    );
    let mut group = c.benchmark_group("dmarc");
    group.throughput(Throughput::Elements(1));
    group.bench_function("evaluate_relaxed_tree_walk", |b| {
        b.iter(|| {
            let mut input = DmarcInput::new("news.example.com");
            input.spf = Some(mail_auth_core::dmarc::Identifier {
                result: SpfResult::Pass,
                domain: "bounce.mail.example.com".into(),
            });
            let mut dmarc = DmarcEvaluator::new(DmarcConfig::default(), black_box(input));
            let out = mailsec_dns::drive(&mut dmarc, &zone).unwrap();
            assert_eq!(out.result, DmarcResult::Pass);
        })
    });
    group.bench_function("parse_record", |b| {
        b.iter(|| {
            DmarcRecord::parse(black_box(
                "v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r; rua=mailto:agg@example.com,mailto:x@example.net; ruf=mailto:f@example.com; fo=1:d; ri=3600",
            ))
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
