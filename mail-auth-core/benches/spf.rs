//! SPF throughput: record parsing, and `check_host` over in-memory answers for
//! the chain of issue 3: example.com includes two domains, the client
//! matching in the second.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::net::IpAddr;
use std::sync::Arc;

use criterion::{Criterion, criterion_group};
use mail_auth_core::spf::{MemoryRecordCache, Record, SpfConfig, SpfEvaluator, SpfResult};
use mailsec_dns::{MemoryResolver, Mx, Name, Record as Rr, Txt};

const TOP: &str = "v=spf1 include:_spf.a.example include:_spf.b.example ip4:192.0.2.0/24 mx -all";
const A: &str =
    "v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.0/25 ip6:2001:db8:a::/48 ip6:2001:db8:aa::/48 -all";
const B: &str =
    "v=spf1 ip4:203.0.113.128/25 ip4:198.18.0.0/15 ip6:2001:db8:b::/48 ip6:2001:db8:bb::/48 ~all";

fn zone() -> MemoryResolver {
    let mut z = MemoryResolver::new();
    let n = |s: &str| Name::new(s).unwrap();
    z.add(n("example.com"), Rr::Txt(Txt::from_bytes(TOP.as_bytes())));
    z.add(
        n("example.com"),
        Rr::Mx(Mx {
            preference: 10,
            exchange: n("mx.example.com"),
        }),
    );
    z.add(n("mx.example.com"), Rr::A("192.0.2.25".parse().unwrap()));
    z.add(n("_spf.a.example"), Rr::Txt(Txt::from_bytes(A.as_bytes())));
    z.add(n("_spf.b.example"), Rr::Txt(Txt::from_bytes(B.as_bytes())));
    z
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("spf");
    g.bench_function("parse the top record", |b| {
        b.iter(|| Record::parse(black_box(TOP)).unwrap())
    });

    let z = zone();
    // 198.18.3.4 matches in the second include.
    let ip: IpAddr = "198.18.3.4".parse().unwrap();
    let config = {
        let mut c = SpfConfig::new(1_700_000_000);
        c.deadline = None;
        c
    };
    let check = |config: &SpfConfig| {
        let mut spf = SpfEvaluator::mail_from(
            black_box(ip),
            "mail.example.org",
            "alice@example.com",
            config.clone(),
        );
        mailsec_dns::drive(&mut spf, &z).unwrap()
    };
    assert_eq!(check(&config).result, SpfResult::Pass);
    g.bench_function("check_host, parsing records each time", |b| {
        b.iter(|| check(&config))
    });
    let mut cached = config.clone();
    cached.record_cache = Some(Arc::new(MemoryRecordCache::new(1024)));
    assert_eq!(check(&cached).result, SpfResult::Pass);
    g.bench_function("check_host, parsed records cached", |b| {
        b.iter(|| check(&cached))
    });
    g.finish();
}

/// `SPF_PROFILE=parsing:N` or `SPF_PROFILE=cached:N` runs N checks and exits,
/// without criterion: a fixed amount of work for `valgrind --tool=callgrind`
/// (instruction counts) or `--tool=memcheck` (allocation counts).
fn profile(spec: &str) {
    let (mode, n) = spec.split_once(':').unwrap_or((spec, "10000"));
    let n: u64 = n.parse().unwrap();
    let z = zone();
    let ip: IpAddr = "198.18.3.4".parse().unwrap();
    let mut config = SpfConfig::new(1_700_000_000);
    config.deadline = None;
    if mode == "cached" {
        config.record_cache = Some(Arc::new(MemoryRecordCache::new(1024)));
    }
    for _ in 0..n {
        let mut spf = SpfEvaluator::mail_from(
            black_box(ip),
            "mail.example.org",
            "alice@example.com",
            config.clone(),
        );
        let o = mailsec_dns::drive(&mut spf, &z).unwrap();
        assert_eq!(o.result, SpfResult::Pass);
    }
}

criterion_group!(spf, benches);

// A benchmark binary may read its environment: the sans-IO ban is for the library.
#[allow(clippy::disallowed_methods)]
fn main() {
    if let Ok(spec) = std::env::var("SPF_PROFILE") {
        profile(&spec);
        return;
    }
    spf();
    Criterion::default().configure_from_args().final_summary();
}
