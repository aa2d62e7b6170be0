//! Policy resolution cache rules (RFC 8461 §3.3, §5.1), table-driven on a
//! virtual clock.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mailsec_dns::{Answer, Failure, Name, ProvideError, Record, Txt};
use mta_sts_core::sts::{
    CacheEntry, CachedPolicy, Event, FailedFetch, FetchError, FetchOutcome, HttpResponse, Policy,
    PolicyResolver, RecordSetError, Resolution, ResolveConfig, ResolveStep, ResultType, Source,
    TransportFailure,
};

const T0: u64 = 1_700_000_000;
const HOUR: u64 = 3600;
const DAY: u64 = 86_400;
const WEEK: u64 = 604_800;

fn policy(mx: &str) -> Policy {
    Policy::parse(format!("version: STSv1\nmode: enforce\nmx: {mx}\nmax_age: {WEEK}\n").as_bytes())
        .unwrap()
}

fn cached(id: &str, age: u64) -> CacheEntry {
    CacheEntry {
        policy: Some(CachedPolicy {
            id: id.into(),
            policy: policy("old.example.com"),
            fetched_at: T0 - age,
        }),
        failed_fetch: None,
    }
}

fn with_failure(mut entry: CacheEntry, id: &str, ago: i64) -> CacheEntry {
    entry.failed_fetch = Some(FailedFetch {
        id: id.into(),
        at: T0.checked_add_signed(-ago).unwrap(),
    });
    entry
}

#[derive(Clone, Debug)]
enum Txts {
    Id(&'static str),
    Fail,
    Nx,
    Records(&'static [&'static str]),
}

impl Txts {
    fn answer(&self) -> Answer {
        let txt = |s: &str| Record::Txt(Txt::from_bytes(s.as_bytes()));
        match self {
            Txts::Id(id) => Answer::records(vec![txt(&format!("v=STSv1; id={id}"))]),
            Txts::Fail => Answer::failed(Failure::ServerFailure),
            Txts::Nx => Answer::nx_domain(),
            Txts::Records(r) => Answer::records(r.iter().map(|s| txt(s)).collect()),
        }
    }
}

fn ok_fetch() -> FetchOutcome {
    FetchOutcome::Response(HttpResponse {
        status: 200,
        content_type: Some("text/plain; charset=utf-8".into()),
        body: b"version: STSv1\nmode: enforce\nmx: new.example.com\nmax_age: 604800\n".to_vec(),
    })
}

fn fetch_status(status: u16) -> FetchOutcome {
    FetchOutcome::Response(HttpResponse {
        status,
        content_type: Some("text/plain".into()),
        body: Vec::new(),
    })
}

/// Runs a resolver; returns the resolution, whether DNS was asked and
/// whether a fetch was asked for.
fn run(
    cache: CacheEntry,
    txt: &Txts,
    fetch: FetchOutcome,
    recheck: bool,
) -> (Resolution, bool, bool) {
    let domain = Name::new("example.com").unwrap();
    let config = ResolveConfig::default();
    let mut r = if recheck {
        PolicyResolver::recheck(&domain, cache, T0, config)
    } else {
        PolicyResolver::new(&domain, cache, T0, config)
    };
    let (mut asked_dns, mut asked_fetch) = (false, false);
    loop {
        match r.poll() {
            ResolveStep::Done(res) => return (*res, asked_dns, asked_fetch),
            ResolveStep::NeedTxt(q) => {
                assert!(!asked_dns, "TXT asked twice");
                assert_eq!(q.len(), 1);
                assert_eq!(q[0].name.as_str(), "_mta-sts.example.com");
                asked_dns = true;
                r.provide_txt(vec![txt.answer()]).unwrap();
            }
            ResolveStep::NeedFetch(req) => {
                assert!(!asked_fetch, "fetch asked twice");
                assert_eq!(
                    req.url(),
                    "https://mta-sts.example.com/.well-known/mta-sts.txt"
                );
                assert_eq!(req.host().as_str(), "mta-sts.example.com");
                asked_fetch = true;
                r.provide_fetch(fetch.clone()).unwrap();
            }
        }
    }
}

struct Case {
    name: &'static str,
    cache: CacheEntry,
    txt: Txts,
    fetch: FetchOutcome,
    recheck: bool,
    // Expectations.
    dns: bool,
    fetched: bool,
    source: Source,
    in_force: Option<&'static str>,
    event: Event,
    report: Option<ResultType>,
    changed: bool,
}

fn case(name: &'static str, cache: CacheEntry, txt: Txts) -> Case {
    Case {
        name,
        cache,
        txt,
        fetch: ok_fetch(),
        recheck: false,
        dns: true,
        fetched: false,
        source: Source::None,
        in_force: None,
        event: Event::CacheFresh,
        report: None,
        changed: false,
    }
}

fn timeout() -> FetchOutcome {
    FetchOutcome::Failed(TransportFailure::Timeout)
}

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    let empty = CacheEntry::default;
    vec![
        Case {
            fetched: true,
            source: Source::Fetched,
            in_force: Some("A"),
            event: Event::Fetched,
            changed: true,
            ..case("first contact fetches", empty(), Txts::Id("A"))
        },
        Case {
            event: Event::DnsFailed(Failure::ServerFailure),
            ..case("first contact, DNS fails: no policy", empty(), Txts::Fail)
        },
        Case {
            event: Event::NoRecord(RecordSetError::NoRecord),
            ..case("first contact, no record: no policy", empty(), Txts::Nx)
        },
        Case {
            fetch: timeout(),
            fetched: true,
            event: Event::FetchFailed(FetchError::Transport(TransportFailure::Timeout)),
            report: Some(ResultType::StsPolicyFetchError),
            ..case(
                "first contact, fetch fails: no policy, reported",
                empty(),
                Txts::Id("A"),
            )
        },
        Case {
            dns: false,
            source: Source::Cache,
            in_force: Some("A"),
            event: Event::CacheFresh,
            ..case(
                "recent cached policy: no lookup",
                cached("A", HOUR),
                Txts::Fail,
            )
        },
        Case {
            fetched: true,
            source: Source::Fetched,
            in_force: Some("A"),
            event: Event::Refreshed,
            ..case(
                "proactive refresh, same id: refetched",
                cached("A", 2 * DAY),
                Txts::Id("A"),
            )
        },
        Case {
            fetch: timeout(),
            fetched: true,
            source: Source::Cache,
            in_force: Some("A"),
            event: Event::FetchFailed(FetchError::Transport(TransportFailure::Timeout)),
            report: Some(ResultType::StsPolicyFetchError),
            ..case(
                "failed refresh keeps the cached policy",
                cached("A", 2 * DAY),
                Txts::Id("A"),
            )
        },
        Case {
            fetched: true,
            source: Source::Fetched,
            in_force: Some("B"),
            event: Event::Fetched,
            changed: true,
            ..case(
                "id change triggers a refetch",
                cached("A", 2 * DAY),
                Txts::Id("B"),
            )
        },
        Case {
            fetch: fetch_status(500),
            fetched: true,
            source: Source::Cache,
            in_force: Some("A"),
            event: Event::FetchFailed(FetchError::Status(500)),
            report: Some(ResultType::StsPolicyFetchError),
            ..case(
                "failed refetch after id change keeps the cached policy",
                cached("A", 2 * DAY),
                Txts::Id("B"),
            )
        },
        Case {
            source: Source::Cache,
            in_force: Some("A"),
            event: Event::DnsFailed(Failure::ServerFailure),
            ..case(
                "DNS failure: fresh cached policy applies",
                cached("A", 2 * DAY),
                Txts::Fail,
            )
        },
        Case {
            source: Source::Cache,
            in_force: Some("A"),
            event: Event::NoRecord(RecordSetError::NoRecord),
            ..case(
                "TXT record gone: fresh cached policy applies",
                cached("A", 2 * DAY),
                Txts::Nx,
            )
        },
        Case {
            source: Source::Cache,
            in_force: Some("A"),
            event: Event::NoRecord(RecordSetError::Multiple(2)),
            ..case(
                "two records: fresh cached policy applies",
                cached("A", 2 * DAY),
                Txts::Records(&["v=STSv1; id=B", "v=STSv1; id=C"]),
            )
        },
        Case {
            event: Event::NoRecord(RecordSetError::NoRecord),
            ..case(
                "expired cached policy is not applied",
                cached("A", WEEK),
                Txts::Nx,
            )
        },
        Case {
            fetched: true,
            source: Source::Fetched,
            in_force: Some("A"),
            event: Event::Fetched,
            changed: true,
            ..case(
                "expired cached policy, same id: refetched",
                cached("A", WEEK + 1),
                Txts::Id("A"),
            )
        },
        Case {
            source: Source::Cache,
            in_force: Some("A"),
            event: Event::BackingOff,
            ..case(
                "back-off for the id that failed",
                with_failure(cached("A", 2 * DAY), "B", 100),
                Txts::Id("B"),
            )
        },
        Case {
            event: Event::BackingOff,
            ..case(
                "back-off without a cached policy",
                with_failure(empty(), "B", 299),
                Txts::Id("B"),
            )
        },
        Case {
            fetched: true,
            source: Source::Fetched,
            in_force: Some("B"),
            event: Event::Fetched,
            changed: true,
            ..case(
                "back-off over after retry_after",
                with_failure(cached("A", 2 * DAY), "B", 300),
                Txts::Id("B"),
            )
        },
        Case {
            fetched: true,
            source: Source::Fetched,
            in_force: Some("C"),
            event: Event::Fetched,
            changed: true,
            ..case(
                "back-off is per id",
                with_failure(cached("A", 2 * DAY), "B", 10),
                Txts::Id("C"),
            )
        },
        Case {
            fetched: true,
            source: Source::Fetched,
            in_force: Some("B"),
            event: Event::Fetched,
            changed: true,
            ..case(
                "back-off in the future (clock went back) is over",
                with_failure(empty(), "B", -100),
                Txts::Id("B"),
            )
        },
        Case {
            recheck: true,
            source: Source::Cache,
            in_force: Some("A"),
            event: Event::Unchanged,
            ..case(
                "recheck before failure, same id: unchanged",
                cached("A", HOUR),
                Txts::Id("A"),
            )
        },
        Case {
            recheck: true,
            fetched: true,
            source: Source::Fetched,
            in_force: Some("B"),
            event: Event::Fetched,
            changed: true,
            ..case(
                "recheck before failure, new id: new policy",
                cached("A", HOUR),
                Txts::Id("B"),
            )
        },
        Case {
            recheck: true,
            source: Source::Cache,
            in_force: Some("A"),
            event: Event::DnsFailed(Failure::ServerFailure),
            ..case(
                "recheck, DNS fails: cached policy",
                cached("A", HOUR),
                Txts::Fail,
            )
        },
        Case {
            dns: false,
            source: Source::Cache,
            in_force: Some("A"),
            event: Event::CacheFresh,
            ..case(
                "policy fetched in the future counts as fresh",
                cached("A", 0).tap_future(),
                Txts::Fail,
            )
        },
        Case {
            fetch: FetchOutcome::Failed(TransportFailure::Certificate),
            fetched: true,
            event: Event::FetchFailed(FetchError::Transport(TransportFailure::Certificate)),
            report: Some(ResultType::StsWebpkiInvalid),
            ..case(
                "certificate failure is sts-webpki-invalid",
                empty(),
                Txts::Id("A"),
            )
        },
        Case {
            fetch: fetch_status(302),
            fetched: true,
            event: Event::FetchFailed(FetchError::Status(302)),
            report: Some(ResultType::StsPolicyFetchError),
            ..case("redirect is not followed", empty(), Txts::Id("A"))
        },
        Case {
            fetch: FetchOutcome::Response(HttpResponse {
                status: 200,
                content_type: Some("text/plain".into()),
                body: b"version: STSv1\n".to_vec(),
            }),
            fetched: true,
            event: Event::FetchFailed(FetchError::Policy(
                Policy::parse(b"version: STSv1\n").unwrap_err(),
            )),
            report: Some(ResultType::StsPolicyInvalid),
            ..case(
                "invalid policy is sts-policy-invalid",
                empty(),
                Txts::Id("A"),
            )
        },
        Case {
            event: Event::NoRecord(RecordSetError::Invalid(
                mta_sts_core::sts::StsRecord::parse(b"v=STSv1; id=a-b").unwrap_err(),
            )),
            ..case(
                "invalid record: no policy",
                empty(),
                Txts::Records(&["v=STSv1; id=a-b"]),
            )
        },
    ]
}

trait TapFuture {
    fn tap_future(self) -> Self;
}

impl TapFuture for CacheEntry {
    fn tap_future(mut self) -> Self {
        if let Some(p) = self.policy.as_mut() {
            p.fetched_at = T0 + DAY;
        }
        self
    }
}

#[test]
fn cache_rules_table() {
    for c in cases() {
        let before = c.cache.clone();
        let (res, dns, fetched) = run(c.cache, &c.txt, c.fetch, c.recheck);
        let n = c.name;
        assert_eq!(dns, c.dns, "{n}: DNS asked");
        assert_eq!(fetched, c.fetched, "{n}: fetch asked");
        assert_eq!(res.source, c.source, "{n}: source");
        assert_eq!(
            res.policy.as_ref().map(|p| p.id.as_str()),
            c.in_force,
            "{n}: in force"
        );
        assert_eq!(res.event, c.event, "{n}: event");
        assert_eq!(res.report, c.report, "{n}: report");
        assert_eq!(res.changed, c.changed, "{n}: changed");
        // What is stored is what is in force (or nothing), plus the failure.
        assert_eq!(res.cache.policy, res.policy, "{n}: stored policy");
        match res.source {
            Source::Fetched => {
                assert_eq!(res.policy.as_ref().unwrap().fetched_at, T0, "{n}");
                assert_eq!(
                    res.cache.failed_fetch, None,
                    "{n}: success clears the back-off"
                );
            }
            Source::Cache => assert_eq!(res.policy, before.policy, "{n}: cached policy unchanged"),
            Source::None => {}
        }
        if matches!(res.event, Event::FetchFailed(_)) {
            let f = res.cache.failed_fetch.as_ref().unwrap();
            assert_eq!(
                (f.id.as_str(), f.at),
                (res.txt_id.as_deref().unwrap(), T0),
                "{n}: failure stored"
            );
        }
        // A fresh cached policy is never dropped unless replaced.
        if let Some(old) = before.policy.as_ref().filter(|p| p.is_fresh(T0)) {
            assert!(res.policy.is_some(), "{n}: fresh policy dropped");
            if res.source != Source::Fetched {
                assert_eq!(res.policy.as_ref(), Some(old), "{n}");
            }
        }
    }
}

/// A day-by-day timeline: a policy fetched once keeps applying through DNS
/// and HTTPS outages until exactly max_age after the fetch.
#[test]
fn virtual_clock_timeline() {
    let domain = Name::new("example.com").unwrap();
    let config = ResolveConfig::default();
    let mut cache = CacheEntry::default();
    let step = |cache: &CacheEntry, now: u64, txt: Txts, fetch: FetchOutcome| {
        let mut r = PolicyResolver::new(&domain, cache.clone(), now, config);
        mta_sts_core::sts::drive_resolver(&mut r, |_| txt.answer(), |_| fetch.clone()).unwrap()
    };
    let res = step(&cache, T0, Txts::Id("A"), ok_fetch());
    assert_eq!(res.source, Source::Fetched);
    cache = res.cache;
    // Outages from then on: DNS fails on even days, HTTPS on odd days.
    for day in 1..=8u64 {
        for offset in [0, WEEK - 1, WEEK] {
            let now = T0 + day * DAY;
            let now = if offset == 0 { now } else { T0 + offset };
            let txt = if day % 2 == 0 {
                Txts::Fail
            } else {
                Txts::Id("B")
            };
            let res = step(&cache, now, txt, timeout());
            let fresh = now < T0 + WEEK;
            assert_eq!(res.policy.is_some(), fresh, "day {day} offset {offset}");
            if fresh {
                assert_eq!(res.policy.as_ref().unwrap().fetched_at, T0);
            } else {
                assert!(res.cache.policy.is_none(), "expired policy dropped");
            }
        }
    }
    // The back-off set by an odd day's failure holds for retry_after.
    let now = T0 + DAY;
    let res = step(&cache, now, Txts::Id("B"), timeout());
    assert!(matches!(res.event, Event::FetchFailed(_)));
    let res2 = step(&res.cache, now + 299, Txts::Id("B"), ok_fetch());
    assert_eq!(res2.event, Event::BackingOff);
    let res3 = step(&res.cache, now + 300, Txts::Id("B"), ok_fetch());
    assert_eq!(res3.event, Event::Fetched);
    assert_eq!(res3.policy.unwrap().id, "B");
}

#[test]
fn slow_fetch_is_stored_at_completion_time() {
    let domain = Name::new("example.com").unwrap();
    let mut r = PolicyResolver::new(&domain, CacheEntry::default(), T0, ResolveConfig::default());
    r.provide_txt(vec![Txts::Id("A").answer()]).unwrap();
    r.set_now(T0 + 30);
    r.provide_fetch(ok_fetch()).unwrap();
    let ResolveStep::Done(res) = r.poll() else {
        panic!("not done")
    };
    assert_eq!(res.policy.unwrap().fetched_at, T0 + 30);
}

#[test]
fn misuse_is_an_error_not_a_panic() {
    let domain = Name::new("example.com").unwrap();
    let mut r = PolicyResolver::new(&domain, CacheEntry::default(), T0, ResolveConfig::default());
    assert_eq!(r.provide_fetch(ok_fetch()), Err(ProvideError::NotWaiting));
    assert_eq!(
        r.provide_txt(vec![]),
        Err(ProvideError::AnswerCount {
            expected: 1,
            got: 0
        })
    );
    r.provide_txt(vec![Txts::Id("A").answer()]).unwrap();
    assert_eq!(
        r.provide_txt(vec![Txts::Id("A").answer()]),
        Err(ProvideError::NotWaiting)
    );
    r.provide_fetch(ok_fetch()).unwrap();
    assert_eq!(r.provide_fetch(ok_fetch()), Err(ProvideError::NotWaiting));
    let a = format!("{:?}", r.poll());
    assert_eq!(a, format!("{:?}", r.poll()), "polling again gives the same");
}

#[test]
fn unusable_domain_keeps_the_cache() {
    let domain = Name::new("exa/mple.com").unwrap();
    let mut r = PolicyResolver::new(&domain, cached("A", 2 * DAY), T0, ResolveConfig::default());
    let ResolveStep::Done(res) = r.poll() else {
        panic!("asked for I/O")
    };
    assert_eq!(res.event, Event::InvalidDomain);
    assert_eq!(res.source, Source::Cache);
}
