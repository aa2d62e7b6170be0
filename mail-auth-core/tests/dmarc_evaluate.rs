#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! DMARC evaluation against DNS fixtures (the `--dns` YAML format): policy
//! discovery under RFC 9989 and RFC 7489, alignment, `sp`/`np`/`t`/`pct`,
//! DNS failures and the query cap.

use mail_auth_core::dkim::DkimResult;
use mail_auth_core::dmarc::{
    AuthorDomainError, DmarcConfig, DmarcEvaluator, DmarcInput, DmarcOutcome, DmarcReason,
    DmarcResult, DmarcRules, Identifier, Policy, PolicySource, author_domain,
};
use mail_auth_core::spf::SpfResult;
use mailsec_dns::Fixture;
use mailsec_message::{HeaderBlock, Limits};

fn zone(yaml: &str) -> Fixture {
    Fixture::from_yaml_str(yaml).unwrap()
}

fn input(author: &str, spf: Option<(&str, SpfResult)>, dkim: &[(&str, DkimResult)]) -> DmarcInput {
    let mut input = DmarcInput::new(author);
    input.spf = spf.map(|(d, r)| Identifier {
        result: r,
        domain: d.into(),
    });
    input.dkim = dkim
        .iter()
        .map(|(d, r)| Identifier {
            result: *r,
            domain: (*d).into(),
        })
        .collect();
    input
}

fn run_with(config: DmarcConfig, fixture: &Fixture, input: DmarcInput) -> DmarcOutcome {
    let mut machine = DmarcEvaluator::new(config, input);
    mailsec_dns::drive(&mut machine, fixture.resolver()).unwrap()
}

fn run(fixture: &Fixture, input: DmarcInput) -> DmarcOutcome {
    run_with(DmarcConfig::default(), fixture, input)
}

fn rfc7489() -> DmarcConfig {
    DmarcConfig {
        rules: DmarcRules::Rfc7489,
        ..DmarcConfig::default()
    }
}

const PASS: SpfResult = SpfResult::Pass;
const DPASS: DkimResult = DkimResult::Pass;

#[test]
fn record_at_author_domain_and_aligned_spf() {
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}]");
    let out = run(&z, input("example.com", Some(("example.com", PASS)), &[]));
    assert_eq!(out.result, DmarcResult::Pass);
    assert!(out.spf_aligned && !out.dkim_aligned);
    assert_eq!(out.policy, Policy::Reject);
    assert_eq!(out.policy_source, PolicySource::Domain);
    assert_eq!(out.policy_domain.as_deref(), Some("example.com"));
    assert_eq!(out.reason, DmarcReason::AlignedSpf);
    assert_eq!(out.dns_queries, 1);
}

#[test]
fn failing_message_gets_the_policy() {
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=quarantine'}]");
    let out = run(
        &z,
        input(
            "example.com",
            Some(("other.example", PASS)),
            &[("example.com", DkimResult::Fail)],
        ),
    );
    assert_eq!(out.result, DmarcResult::Fail);
    assert_eq!(out.policy, Policy::Quarantine);
    assert_eq!(out.disposition(), Policy::Quarantine);
    assert_eq!(out.reason, DmarcReason::NotAligned);
    // A softfail or neutral SPF never aligns.
    let out = run(
        &z,
        input(
            "example.com",
            Some(("example.com", SpfResult::SoftFail)),
            &[],
        ),
    );
    assert_eq!(out.result, DmarcResult::Fail);
}

#[test]
fn no_record_is_none() {
    let z = zone("example.com: [{A: 192.0.2.1}]");
    let out = run(
        &z,
        input("mail.example.com", Some(("mail.example.com", PASS)), &[]),
    );
    assert_eq!(out.result, DmarcResult::None);
    assert_eq!(out.policy, Policy::None);
    assert_eq!(out.policy_source, PolicySource::NoRecord);
    assert!(out.spf_aligned, "reported aligned by equality");
    // mail.example.com, example.com, com.
    assert_eq!(out.dns_queries, 3);
}

#[test]
fn tree_walk_finds_the_parent_policy_with_sp() {
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject; sp=quarantine'}]");
    let out = run(
        &z,
        input("a.b.example.com", None, &[("example.com", DPASS)]),
    );
    assert_eq!(out.result, DmarcResult::Pass, "{out:?}");
    assert_eq!(out.policy_source, PolicySource::Subdomain);
    assert_eq!(out.policy, Policy::Quarantine);
    assert_eq!(out.organizational_domain.as_deref(), Some("example.com"));
    assert_eq!(out.aligned_dkim_domain.as_deref(), Some("example.com"));
    // sp absent: p applies to subdomains.
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}]");
    let out = run(&z, input("a.example.com", None, &[]));
    assert_eq!(
        (out.result, out.policy),
        (DmarcResult::Fail, Policy::Reject)
    );
}

#[test]
fn np_applies_only_to_non_existent_domains() {
    let yaml = "
_dmarc.example.com: [{TXT: 'v=DMARC1; p=none; sp=quarantine; np=reject'}]
exists.example.com: [{A: 192.0.2.1}]
onlymx.example.com: [{MX: [10, mx.example.com]}]
";
    let z = zone(yaml);
    let out = run(&z, input("ghost.example.com", None, &[]));
    assert_eq!(
        (out.policy_source, out.policy),
        (PolicySource::NonExistent, Policy::Reject)
    );
    let out = run(&z, input("exists.example.com", None, &[]));
    assert_eq!(
        (out.policy_source, out.policy),
        (PolicySource::Subdomain, Policy::Quarantine)
    );
    let out = run(&z, input("onlymx.example.com", None, &[]));
    assert_eq!(
        out.policy,
        Policy::Quarantine,
        "NODATA for A: the name exists"
    );
    // A timeout proves nothing: the domain is taken to exist.
    let z = zone(&format!("{yaml}\nslow.example.com: [TIMEOUT]\n"));
    let out = run(&z, input("slow.example.com", None, &[]));
    assert_eq!(out.policy, Policy::Quarantine);
    // RFC 7489 has no np.
    let z = zone(yaml);
    let out = run_with(rfc7489(), &z, input("ghost.example.com", None, &[]));
    assert_eq!(out.policy, Policy::Quarantine);
}

#[test]
fn testing_mode_lowers_the_policy() {
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject; t=y'}]");
    let out = run(&z, input("example.com", None, &[]));
    assert_eq!(
        (out.requested_policy, out.policy),
        (Policy::Reject, Policy::Quarantine)
    );
    assert!(out.policy_lowered);
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=quarantine; t=y'}]");
    assert_eq!(
        run(&z, input("example.com", None, &[])).policy,
        Policy::None
    );
    // RFC 7489 ignores t; RFC 9989 ignores pct.
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject; t=y; pct=0'}]");
    assert_eq!(
        run(&z, input("example.com", None, &[])).policy,
        Policy::Quarantine
    );
    let out = run_with(rfc7489(), &z, input("example.com", None, &[]));
    assert_eq!(out.policy, Policy::Quarantine, "pct=0 samples nothing");
}

#[test]
fn pct_sampling_under_rfc7489() {
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject; pct=50'}]");
    for (sample, expect) in [
        (0, Policy::Reject),
        (49, Policy::Reject),
        (50, Policy::Quarantine),
        (99, Policy::Quarantine),
    ] {
        let config = DmarcConfig {
            pct_sample: sample,
            ..rfc7489()
        };
        assert_eq!(
            run_with(config, &z, input("example.com", None, &[])).policy,
            expect,
            "{sample}"
        );
    }
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=quarantine'}]");
    let config = DmarcConfig {
        pct_sample: 99,
        ..rfc7489()
    };
    assert_eq!(
        run_with(config, &z, input("example.com", None, &[])).policy,
        Policy::Quarantine
    );
}

#[test]
fn strict_and_relaxed_alignment() {
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject; adkim=s; aspf=s'}]");
    let out = run(
        &z,
        input(
            "example.com",
            Some(("mail.example.com", PASS)),
            &[("sub.example.com", DPASS)],
        ),
    );
    assert_eq!(out.result, DmarcResult::Fail);
    let out = run(&z, input("example.com", None, &[("EXAMPLE.com", DPASS)]));
    assert_eq!(out.result, DmarcResult::Pass, "case-insensitive");
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}]");
    let out = run(
        &z,
        input(
            "news.example.com",
            Some(("bounce.example.com", PASS)),
            &[("other.example", DPASS)],
        ),
    );
    assert_eq!(out.result, DmarcResult::Pass);
    assert!(out.spf_aligned && !out.dkim_aligned);
}

#[test]
fn psd_n_splits_organizations() {
    // a.example.com declares itself an organization: b.example.com's
    // signatures no longer align with it.
    let z = zone(
        "
_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}]
_dmarc.a.example.com: [{TXT: 'v=DMARC1; p=reject; psd=n'}]
",
    );
    let out = run(
        &z,
        input("x.a.example.com", None, &[("example.com", DPASS)]),
    );
    assert_eq!(out.result, DmarcResult::Fail);
    assert_eq!(out.organizational_domain.as_deref(), Some("a.example.com"));
    let out = run(
        &z,
        input("x.a.example.com", None, &[("y.a.example.com", DPASS)]),
    );
    assert_eq!(out.result, DmarcResult::Pass);
}

#[test]
fn psd_y_makes_the_label_below_the_organization() {
    let z = zone(
        "
_dmarc.gov.example: [{TXT: 'v=DMARC1; p=reject; psd=y'}]
",
    );
    let out = run(
        &z,
        input(
            "mail.agency.gov.example",
            None,
            &[("agency.gov.example", DPASS)],
        ),
    );
    assert_eq!(out.result, DmarcResult::Pass, "{out:?}");
    assert_eq!(
        out.organizational_domain.as_deref(),
        Some("agency.gov.example")
    );
    let out = run(
        &z,
        input(
            "mail.agency.gov.example",
            None,
            &[("other.gov.example", DPASS)],
        ),
    );
    assert_eq!(out.result, DmarcResult::Fail);
    assert_eq!(out.policy_domain.as_deref(), Some("gov.example"));
}

#[test]
fn rfc7489_uses_the_public_suffix_list() {
    let z = zone("_dmarc.example.co.uk: [{TXT: 'v=DMARC1; p=reject; sp=none'}]");
    let out = run_with(
        rfc7489(),
        &z,
        input("a.b.example.co.uk", Some(("x.example.co.uk", PASS)), &[]),
    );
    assert_eq!(out.result, DmarcResult::Pass);
    assert_eq!(out.policy, Policy::None);
    assert_eq!(out.organizational_domain.as_deref(), Some("example.co.uk"));
    // Two queries: the author domain and the organizational domain.
    assert_eq!(out.dns_queries, 2);
    let out = run_with(
        rfc7489(),
        &z,
        input("a.b.example.co.uk", Some(("other.co.uk", PASS)), &[]),
    );
    assert_eq!(out.result, DmarcResult::Fail);
    // A record only at co.uk is never consulted under RFC 7489.
    let z = zone("_dmarc.co.uk: [{TXT: 'v=DMARC1; p=reject'}]");
    let out = run_with(rfc7489(), &z, input("example.co.uk", None, &[]));
    assert_eq!(out.result, DmarcResult::None);
    // ... but RFC 9989's tree walk reaches it.
    let out = run(&z, input("example.co.uk", None, &[]));
    assert_eq!(out.result, DmarcResult::Fail);
}

#[test]
fn multiple_and_foreign_records() {
    let z = zone(
        "
_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}, {TXT: 'v=DMARC1; p=none'}]
_dmarc.example.org: [{TXT: 'v=spf1 -all'}, {TXT: 'v=DMARC1; p=quarantine'}]
",
    );
    // Two records: discarded, and the walk goes on (to .com: nothing).
    assert_eq!(
        run(&z, input("example.com", None, &[])).result,
        DmarcResult::None
    );
    let out = run(&z, input("example.org", None, &[]));
    assert_eq!(
        (out.result, out.policy),
        (DmarcResult::Fail, Policy::Quarantine)
    );
}

#[test]
fn record_strings_are_joined_without_spaces() {
    let z = zone("_dmarc.example.com: [{TXT: ['v=DMARC1; p=rej', 'ect']}]");
    assert_eq!(
        run(&z, input("example.com", None, &[])).policy,
        Policy::Reject
    );
}

#[test]
fn invalid_values_are_discarded_not_fatal() {
    // RFC 9989 §4.8: an invalid value is discarded in favour of the default.
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject; adkim=x; pct=500; foo'}]");
    let out = run(&z, input("example.com", None, &[]));
    assert_eq!(
        (out.result, out.policy),
        (DmarcResult::Fail, Policy::Reject)
    );
    // §4.10.1: an invalid p with a valid rua acts as p=none ...
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=bogus; rua=mailto:r@example.com'}]");
    let out = run(&z, input("example.com", Some(("example.com", PASS)), &[]));
    assert_eq!((out.result, out.policy), (DmarcResult::Pass, Policy::None));
    // ... and without one, no DMARC processing applies.
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=bogus'}]");
    let out = run(&z, input("example.com", Some(("example.com", PASS)), &[]));
    assert_eq!(out.result, DmarcResult::None);
    assert!(
        matches!(out.reason, DmarcReason::UnusableRecord { .. }),
        "{:?}",
        out.reason
    );
    // An invalid sp counts too.
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject; sp=maybe'}]");
    assert_eq!(
        run(&z, input("a.example.com", None, &[])).result,
        DmarcResult::None
    );
    // An absent p means none.
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; rua=mailto:r@example.com'}]");
    let out = run(&z, input("example.com", None, &[]));
    assert_eq!((out.result, out.policy), (DmarcResult::Fail, Policy::None));
    // A repeated tag: the first counts.
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject; p=none'}]");
    assert_eq!(
        run(&z, input("example.com", None, &[])).policy,
        Policy::Reject
    );
}

#[test]
fn the_organizational_domain_record_applies_not_an_intermediate_one() {
    // RFC 9989 §4.10.1: the Author Domain's record, else its
    // organizational domain's; a record on a name in between is not used.
    let z = zone(
        "
_dmarc.mail.example.com: [{TXT: 'v=DMARC1; p=none; sp=none'}]
_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject; sp=quarantine'}]
",
    );
    let out = run(&z, input("x.mail.example.com", None, &[]));
    assert_eq!(out.policy_domain.as_deref(), Some("example.com"));
    assert_eq!(out.policy, Policy::Quarantine);
    // With psd=n, mail.example.com is the organization and its record rules.
    let z = zone(
        "
_dmarc.mail.example.com: [{TXT: 'v=DMARC1; p=none; sp=none; psd=n'}]
_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject; sp=quarantine'}]
",
    );
    let out = run(&z, input("x.mail.example.com", None, &[]));
    assert_eq!(out.policy_domain.as_deref(), Some("mail.example.com"));
    assert_eq!(out.policy, Policy::None);
    // The organization has no record: the PSD's record applies.
    let z = zone("_dmarc.example: [{TXT: 'v=DMARC1; p=reject; sp=quarantine; psd=y'}]");
    let out = run(&z, input("a.b.shop.example", None, &[]));
    assert_eq!(out.policy_domain.as_deref(), Some("example"));
    assert_eq!(out.organizational_domain.as_deref(), Some("shop.example"));
    assert_eq!(out.policy, Policy::Quarantine);
}

#[test]
fn dns_failures_are_temperror() {
    let z = zone("_dmarc.example.com: [TIMEOUT]");
    let out = run(&z, input("example.com", Some(("example.com", PASS)), &[]));
    assert_eq!(out.result, DmarcResult::TempError);
    // A failure higher in the walk, after nothing at the author domain.
    let out = run(&z, input("a.example.com", None, &[]));
    assert_eq!(out.result, DmarcResult::TempError);
    // A failure while finding an identifier's organizational domain, with
    // no other aligned pass.
    let z = zone(
        "
_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}]
_dmarc.x.example.com: [TIMEOUT]
",
    );
    let out = run(&z, input("example.com", None, &[("x.example.com", DPASS)]));
    assert_eq!(out.result, DmarcResult::TempError, "{out:?}");
    let out = run(
        &z,
        input(
            "example.com",
            Some(("example.com", PASS)),
            &[("x.example.com", DPASS)],
        ),
    );
    assert_eq!(out.result, DmarcResult::Pass);
}

#[test]
fn long_names_take_at_most_eight_queries() {
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}]");
    let author = "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.example.com";
    let out = run(&z, input(author, None, &[]));
    assert_eq!(out.result, DmarcResult::Fail);
    // The name, then 7 labels ... 1 label: the walk for the organizational
    // domain goes on to the top-level domain (a psd=y there would matter).
    assert_eq!(out.dns_queries, 8);
    let z = zone("x.example: [{A: 192.0.2.1}]");
    let out = run(&z, input(author, None, &[]));
    assert_eq!((out.result, out.dns_queries), (DmarcResult::None, 8));
}

#[test]
fn query_cap_holds_with_many_signatures() {
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}]");
    let dkim: Vec<(String, DkimResult)> = (0..20)
        .map(|i| (format!("s{i}.a.b.c.d.e.example.com"), DPASS))
        .collect();
    let dkim_refs: Vec<(&str, DkimResult)> = dkim.iter().map(|(d, r)| (d.as_str(), *r)).collect();
    let config = DmarcConfig {
        max_queries: 10,
        ..DmarcConfig::default()
    };
    let out = run_with(config, &z, input("example.com", None, &dkim_refs));
    assert!(out.dns_queries <= 10, "{}", out.dns_queries);
    // Each subdomain walks up to example.com and aligns: the first one does.
    assert_eq!(out.result, DmarcResult::Pass);
}

#[test]
fn author_domain_from_the_header() {
    let header = b"From: Alice <alice@Example.COM>\r\nSubject: hi\r\n\r\n";
    let block = HeaderBlock::parse(header, &Limits::default()).unwrap();
    assert_eq!(author_domain(&block).unwrap(), "example.com");
    let header = b"From: a@example.com, b@example.org\r\n\r\n";
    let block = HeaderBlock::parse(header, &Limits::default()).unwrap();
    let err = author_domain(&block).unwrap_err();
    assert!(matches!(err, AuthorDomainError::SeveralDomains(_)));
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}]");
    let out = run(&z, DmarcInput::from_author(Err(err)));
    assert_eq!(out.result, DmarcResult::PermError);
    assert_eq!(out.dns_queries, 0);
    let out = run(&z, DmarcInput::new("bad..domain"));
    assert_eq!(out.result, DmarcResult::PermError);
}

#[test]
fn batched_discovery_asks_the_whole_walk_at_once() {
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}]");
    let config = DmarcConfig {
        batch_discovery: true,
        ..DmarcConfig::default()
    };
    let mut machine = DmarcEvaluator::new(config, input("a.b.example.com", None, &[]));
    let mut rounds = Vec::new();
    let out = loop {
        let queries = match mailsec_dns::DnsMachine::poll(&mut machine) {
            mailsec_dns::Step::Done(out) => break out,
            mailsec_dns::Step::NeedDns(q) => q.to_vec(),
        };
        rounds.push(queries.len());
        let answers = queries
            .iter()
            .map(|q| mailsec_dns::Resolver::lookup(z.resolver(), q))
            .collect();
        mailsec_dns::DnsMachine::provide(&mut machine, answers).unwrap();
    };
    assert_eq!(
        rounds,
        [4],
        "a.b.example.com, b.example.com, example.com, com"
    );
    assert_eq!(
        (out.result, out.policy),
        (DmarcResult::Fail, Policy::Reject)
    );
    assert_eq!(out.policy_domain.as_deref(), Some("example.com"));
}

// Regressions from the code review of the evaluator.

/// A 247-octet name under `examplexxx` (its `_dmarc` name would be too long).
fn long_name(prefix: &str) -> String {
    let mut long = String::from(prefix);
    while long.len() < 236 {
        long.push_str(".aaaaaaaaa");
    }
    long.push_str(".examplexxx");
    long
}

#[test]
fn names_too_long_for_the_dmarc_prefix_hold_nothing() {
    let z = zone("_dmarc.examplexxx: [{TXT: 'v=DMARC1; p=reject; sp=quarantine'}]");
    // An author domain that itself starts with _dmarc.
    let out = run(&z, input(&long_name("_dmarc"), None, &[]));
    assert_eq!(
        (out.result, out.policy),
        (DmarcResult::Fail, Policy::Quarantine),
        "{out:?}"
    );
    assert!(out.dns_queries <= 8, "{}", out.dns_queries);
    // A TXT record at the long name itself is not a DMARC record.
    let apex = long_name("x");
    let z = zone(&format!(
        "'{apex}': [{{TXT: 'v=DMARC1; p=none'}}]\n_dmarc.examplexxx: [{{TXT: 'v=DMARC1; p=reject'}}]"
    ));
    let out = run(&z, input(&apex, None, &[]));
    assert_eq!(out.policy_domain.as_deref(), Some("examplexxx"));
    assert_eq!(out.policy, Policy::Reject);
}

#[test]
fn the_shortcut_does_not_hide_the_organizational_domain_record() {
    let z = zone(
        "
_dmarc.g.f.e.d.c.b.a: [{TXT: 'v=DMARC1; p=none; psd=y'}]
_dmarc.h.g.f.e.d.c.b.a: [{TXT: 'v=DMARC1; p=reject'}]
",
    );
    let out = run(&z, input("x.y.i.h.g.f.e.d.c.b.a", None, &[]));
    assert_eq!(
        out.organizational_domain.as_deref(),
        Some("h.g.f.e.d.c.b.a")
    );
    assert_eq!(out.policy_domain.as_deref(), Some("h.g.f.e.d.c.b.a"));
    assert_eq!(out.policy, Policy::Reject);
}

#[test]
fn batched_discovery_with_no_query_budget_ends() {
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}]");
    let config = DmarcConfig {
        batch_discovery: true,
        max_queries: 0,
        ..DmarcConfig::default()
    };
    let out = run_with(config, &z, input("example.com", None, &[]));
    assert_eq!((out.result, out.dns_queries), (DmarcResult::TempError, 0));
}

#[test]
fn an_unusable_record_keeps_its_psd() {
    let z = zone(
        "
_dmarc.b.example.com: [{TXT: 'v=DMARC1; p=bogus; psd=n'}]
_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}]
",
    );
    // b.example.com is the organization; its record is not applicable, so
    // no DMARC processing (RFC 9989 §4.10.1).
    let out = run(&z, input("a.b.example.com", None, &[]));
    assert_eq!(out.result, DmarcResult::None, "{out:?}");
}

#[test]
fn running_out_of_queries_during_alignment_is_temperror() {
    let z = zone("_dmarc.example.com: [{TXT: 'v=DMARC1; p=reject'}]");
    let config = DmarcConfig {
        max_queries: 1,
        ..DmarcConfig::default()
    };
    let out = run_with(
        config,
        &z,
        input("example.com", None, &[("mail.example.com", DPASS)]),
    );
    assert_eq!(out.result, DmarcResult::TempError, "{out:?}");
}

#[test]
fn the_author_domain_is_normalised() {
    let z = zone(
        "
_dmarc.xn--bcher-kva.example: [{TXT: 'v=DMARC1; p=reject'}]
_dmarc.example.com: [{TXT: 'v=DMARC1; p=quarantine'}]
",
    );
    let out = run(
        &z,
        input(
            "b\u{fc}cher.example",
            None,
            &[("B\u{dc}CHER.example", DPASS)],
        ),
    );
    assert_eq!(out.result, DmarcResult::Pass, "{out:?}");
    assert_eq!(out.author_domain, "xn--bcher-kva.example");
    assert_eq!(
        out.aligned_dkim_domain.as_deref(),
        Some("xn--bcher-kva.example")
    );
    let out = run(&z, input("Example.COM.", None, &[]));
    assert_eq!(
        (out.author_domain.as_str(), out.policy),
        ("example.com", Policy::Quarantine)
    );
}
