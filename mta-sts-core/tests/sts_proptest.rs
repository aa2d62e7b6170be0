//! Property tests: no panic on any input, canonical text round trips, and the
//! resolver's cache invariants under arbitrary answers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mailsec_dns::{Answer, Failure, Name, Record, Txt};
use mta_sts_core::sts::{
    CacheEntry, CachedPolicy, FailedFetch, FetchOutcome, HttpResponse, MxPattern, Policy,
    PolicyResolver, ResolveConfig, Source, StsRecord, TransportFailure, drive_resolver,
};
use proptest::prelude::*;

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("version: STSv1".to_string()),
        prop_oneof![
            Just("enforce"),
            Just("testing"),
            Just("none"),
            Just("Enforce")
        ]
        .prop_map(|m| format!("mode: {m}")),
        "(\\*\\.)?[a-z0-9]{1,5}(\\.[a-z0-9-]{1,5}){0,2}".prop_map(|m| format!("mx: {m}")),
        "[0-9]{1,11}".prop_map(|n| format!("max_age: {n}")),
        "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,5}:[ \\t]{0,2}[ -~]{0,8}".prop_map(String::from),
        "[ -~\\t]{0,12}".prop_map(String::from),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(
            (line(), prop_oneof![Just("\n"), Just("\r\n"), Just("\r")]),
            0..8,
        ),
        any::<bool>(),
    )
        .prop_map(|(lines, final_eol)| {
            let mut s = String::new();
            let n = lines.len();
            for (i, (l, eol)) in lines.into_iter().enumerate() {
                s.push_str(&l);
                if i + 1 < n || final_eol {
                    s.push_str(eol);
                }
            }
            s.into_bytes()
        })
}

/// Policies that are valid by construction, in shuffled order, with random
/// white space and line ends.
fn valid_body() -> impl Strategy<Value = (Vec<u8>, String, usize)> {
    (
        prop_oneof![Just("enforce"), Just("testing"), Just("none")],
        prop::collection::vec("(\\*\\.)?[a-z0-9]{1,5}(\\.[a-z0-9]{1,5}){0,2}", 1..4),
        "[0-9]{1,10}",
        prop::collection::vec(("[a-z][a-z0-9_.-]{0,5}", "[!-~]([ -~]{0,6}[!-~])?"), 0..3),
        "[ \t]{0,2}",
        prop_oneof![Just("\n"), Just("\r\n")],
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(|(mode, mx, age, exts, ws, eol, final_eol, seed)| {
            let mut lines = vec![
                "version: STSv1".to_string(),
                format!("mode:{ws}{mode}{ws}"),
                format!("max_age: {age}"),
            ];
            lines.extend(mx.iter().map(|m| format!("mx: {m}")));
            lines.extend(
                exts.iter()
                    .filter(|(n, _)| !["version", "mode", "mx", "max_age"].contains(&n.as_str()))
                    .map(|(n, v)| format!("{n}: {v}")),
            );
            let k = lines.len();
            lines.rotate_left(usize::try_from(seed % k as u64).unwrap());
            let mut text = lines.join(eol);
            if final_eol {
                text.push_str(eol);
            }
            (text.into_bytes(), mode.to_string(), mx.len())
        })
}

proptest! {
    #[test]
    fn valid_policies_parse((b, mode, n_mx) in valid_body()) {
        let p = Policy::parse(&b);
        prop_assert!(p.is_ok(), "{:?}: {:?}", String::from_utf8_lossy(&b), p);
        let p = p.unwrap();
        prop_assert_eq!(p.mode().as_str(), mode);
        prop_assert_eq!(p.mx().len(), n_mx);
        prop_assert_eq!(Policy::parse(p.to_text().as_bytes()), Ok(p));
    }

    #[test]
    fn policy_never_panics_and_round_trips(b in prop_oneof![body(), prop::collection::vec(any::<u8>(), 0..200)]) {
        if let Ok(p) = Policy::parse(&b) {
            let text = p.to_text();
            prop_assert_eq!(Policy::parse(text.as_bytes()), Ok(p.clone()));
            prop_assert!(p.max_age() <= 31_557_600);
            for m in p.mx() {
                prop_assert!(MxPattern::parse(m.as_str()).is_ok());
            }
        }
    }

    #[test]
    fn record_never_panics(b in prop_oneof![
        "v=STSv1[ ;]{0,3}(id=[A-Za-z0-9-]{0,34}|[a-z]{1,3}=[!-~]{0,4})?([ \\t]*;[ \\t]*[a-z]{1,3}=[!-~]{0,4}){0,3}[; ]{0,2}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..100),
    ]) {
        if let Ok(r) = StsRecord::parse(&b) {
            prop_assert!(!r.id().is_empty() && r.id().len() <= 32);
            prop_assert!(r.id().bytes().all(|c| c.is_ascii_alphanumeric()));
            prop_assert!(b.starts_with(b"v=STSv1"));
        }
    }

    #[test]
    fn wildcard_matches_exactly_one_label(label in "[a-z0-9]{1,8}", extra in "[a-z0-9]{1,8}", upper in any::<bool>()) {
        let p = MxPattern::parse("*.example.net").unwrap();
        let host = format!("{label}.example.net");
        let host = if upper { host.to_ascii_uppercase() } else { host };
        prop_assert!(p.matches(&host));
        let trailing = format!("{host}.");
        prop_assert!(p.matches(&trailing));
        let two_labels = format!("{extra}.{label}.example.net");
        prop_assert!(!p.matches(&two_labels));
    }

    /// Arbitrary DNS answers, fetch outcomes, cache entries and times: the
    /// resolver finishes, and a fresh cached policy survives unless a fetch
    /// replaced it.
    #[test]
    fn resolver_cache_invariants(
        txt in prop_oneof![
            Just(None),
            "(v=STSv1; id=[AB]|v=STSv1;|x)".prop_map(Some),
        ],
        dns_fail in any::<bool>(),
        status in prop_oneof![Just(200u16), 100u16..600],
        ct in prop_oneof![Just(Some("text/plain".to_string())), Just(None), "[a-z/; =]{0,12}".prop_map(Some)],
        body in body(),
        transport_fail in any::<bool>(),
        cached_id in prop_oneof![Just(None), Just(Some("A")), Just(Some("B"))],
        age in 0u64..2_000_000,
        failed in prop_oneof![Just(None), (prop_oneof![Just("A"), Just("B")], 0u64..1000).prop_map(Some)],
        now in 0u64..4_000_000,
        recheck in any::<bool>(),
    ) {
        let cache = CacheEntry {
            policy: cached_id.map(|id| CachedPolicy {
                id: id.into(),
                policy: Policy::parse(b"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1000000").unwrap(),
                fetched_at: now.saturating_sub(age),
            }),
            failed_fetch: failed.map(|(id, ago)| FailedFetch { id: id.into(), at: now.saturating_sub(ago) }),
        };
        let answer = if dns_fail {
            Answer::failed(Failure::Timeout)
        } else {
            match &txt {
                None => Answer::nx_domain(),
                Some(t) => Answer::records(vec![Record::Txt(Txt::from_bytes(t.as_bytes()))]),
            }
        };
        let outcome = if transport_fail {
            FetchOutcome::Failed(TransportFailure::Connect)
        } else {
            FetchOutcome::Response(HttpResponse { status, content_type: ct, body })
        };
        let domain = Name::new("example.com").unwrap();
        let fresh = cache.policy.clone().filter(|p| p.is_fresh(now));
        let mut r = if recheck {
            PolicyResolver::recheck(&domain, cache, now, ResolveConfig::default())
        } else {
            PolicyResolver::new(&domain, cache, now, ResolveConfig::default())
        };
        let res = drive_resolver(&mut r, |_| answer.clone(), |_| outcome.clone()).unwrap();
        prop_assert_eq!(&res.cache.policy, &res.policy);
        if let Some(fresh) = fresh {
            prop_assert!(res.policy.is_some());
            if res.source != Source::Fetched {
                prop_assert_eq!(res.policy.as_ref(), Some(&fresh));
            }
        }
        if res.source == Source::Fetched {
            prop_assert!(res.report.is_none());
            prop_assert_eq!(res.policy.as_ref().map(|p| p.fetched_at), Some(now));
        }
    }
}
