//! The MTA-STS resolution state machine (RFC 8461 §3.3, §5.1) fed an
//! arbitrary cache entry, time, TXT answer and HTTPS response. Never panics,
//! always finishes, and the cache rules hold: a fresh cached policy is never
//! dropped unless a fetch replaced it, what is stored is what is in force,
//! and a fetched policy is stored at the current time with no failure.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailsec_dns::{Answer, Failure, Name, Record, Txt};
use mta_sts_core::sts::{
    CacheEntry, CachedPolicy, FailedFetch, FetchOutcome, HttpResponse, Policy, PolicyResolver,
    ResolveConfig, Source, TransportFailure, drive_resolver,
};

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let flags = b.byte();
    let ids = ["A", "B", "C"];
    let cached_id = ids[usize::from(b.byte() % 3)];
    let failed_id = ids[usize::from(b.byte() % 3)];
    let now = u64::from(b.u32()) * u64::from(b.byte() % 4 + 1);
    let age = u64::from(b.u32());
    let ago = u64::from(b.u32() % 4000);
    let status = u16::from_le_bytes([b.byte(), b.byte()]);
    let ct = match b.byte() % 4 {
        0 => None,
        1 => Some("text/plain".to_string()),
        2 => Some("text/plain; charset=utf-8".to_string()),
        _ => Some("text/html".to_string()),
    };
    let max_age = b.u32() % 40_000_000;
    let rest = b.0;
    let (txt, body) = match rest.iter().position(|&x| x == 0xff) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };

    let policy = Policy::parse(
        format!("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: {max_age}\n").as_bytes(),
    )
    .ok();
    let cache = CacheEntry {
        policy: policy.filter(|_| flags & 1 != 0).map(|policy| CachedPolicy {
            id: cached_id.into(),
            policy,
            fetched_at: if flags & 64 != 0 { now.saturating_add(age) } else { now.saturating_sub(age) },
        }),
        failed_fetch: (flags & 2 != 0).then(|| FailedFetch {
            id: failed_id.into(),
            at: now.saturating_sub(ago),
        }),
    };
    let answer = match (flags >> 2) & 3 {
        0 => Answer::failed(Failure::Timeout),
        1 => Answer::nx_domain(),
        _ => Answer::records(
            txt.split(|&x| x == 0)
                .map(|s| Record::Txt(Txt::from_bytes(s)))
                .collect(),
        ),
    };
    let outcome = if flags & 16 != 0 {
        FetchOutcome::Failed(TransportFailure::Certificate)
    } else {
        FetchOutcome::Response(HttpResponse { status, content_type: ct, body: body.to_vec() })
    };
    let domain = Name::new("example.com").unwrap();
    let fresh = cache.policy.clone().filter(|p| p.is_fresh(now));
    let config = ResolveConfig::default();
    let mut r = if flags & 32 != 0 {
        PolicyResolver::recheck(&domain, cache, now, config)
    } else {
        PolicyResolver::new(&domain, cache, now, config)
    };
    let res = drive_resolver(&mut r, |_| answer.clone(), |_| outcome.clone()).unwrap();
    assert_eq!(res.cache.policy, res.policy);
    if let Some(fresh) = fresh {
        assert!(res.policy.is_some(), "fresh cached policy dropped");
        if res.source != Source::Fetched {
            assert_eq!(res.policy.as_ref(), Some(&fresh));
        }
    }
    match res.source {
        Source::Fetched => {
            assert_eq!(res.policy.as_ref().map(|p| p.fetched_at), Some(now));
            assert!(res.cache.failed_fetch.is_none());
            assert!(res.report.is_none());
        }
        Source::Cache => assert!(res.policy.as_ref().is_some_and(|p| p.is_fresh(now))),
        Source::None => assert!(res.policy.is_none()),
    }
});
