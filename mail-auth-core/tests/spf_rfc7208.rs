#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! SPF against RFC 7208, section by section.
//!
//! Each module is one section of the RFC (Appendix A first, then §2 to §9);
//! each test quotes the sentence it checks. The zones are built in memory
//! with [`MemoryResolver`], behind a small wrapper ([`Zone`]) that can also
//! fail chosen lookups (SERVFAIL, REFUSED, ...) and records every query, so
//! that a test can say which lookups were (not) made.

use std::cell::RefCell;
use std::net::IpAddr;

use mail_auth_core::spf::{Identity, SpfConfig, SpfEvaluator, SpfOutcome, SpfResult, received_spf};
use mailsec_dns::{
    Answer, Failure, MemoryResolver, Mx, Name, Query, Record, RecordType, Resolver, Txt,
    reverse_name,
};

/// The time the checks start (`%{t}`).
const NOW: u64 = 1_700_000_000;
/// The HELO name the client gives, unless a test says otherwise.
const HELO: &str = "mail.client.example";
/// The receiving host (`%{r}`, `receiver=`).
const RECEIVER: &str = "mx.receiver.example";

fn n(s: &str) -> Name {
    Name::new(s).unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// An in-memory zone that can also fail chosen lookups and remembers every
/// query asked of it.
#[derive(Debug, Default)]
struct Zone {
    mem: MemoryResolver,
    failures: Vec<(Name, RecordType, Failure)>,
    log: RefCell<Vec<Query>>,
}

impl Zone {
    fn new() -> Zone {
        Zone::default()
    }

    /// A TXT record of one character-string.
    fn txt(&mut self, name: &str, text: &str) -> &mut Zone {
        self.mem
            .add(n(name), Record::Txt(Txt::from_bytes(text.as_bytes())));
        self
    }

    /// A TXT record of several character-strings.
    fn txt_strings(&mut self, name: &str, strings: &[&str]) -> &mut Zone {
        let strings = strings.iter().map(|s| s.as_bytes().to_vec()).collect();
        self.mem.add(n(name), Record::Txt(Txt::new(strings)));
        self
    }

    /// An A or AAAA record, by the address's family.
    fn addr(&mut self, name: &str, addr: &str) -> &mut Zone {
        let record = match ip(addr) {
            IpAddr::V4(a) => Record::A(a),
            IpAddr::V6(a) => Record::Aaaa(a),
        };
        self.mem.add(n(name), record);
        self
    }

    fn mx(&mut self, name: &str, preference: u16, exchange: &str) -> &mut Zone {
        self.mem.add(
            n(name),
            Record::Mx(Mx {
                preference,
                exchange: n(exchange),
            }),
        );
        self
    }

    /// A PTR record for `client`'s reverse name.
    fn ptr(&mut self, client: &str, target: &str) -> &mut Zone {
        self.mem
            .add(reverse_name(ip(client)), Record::Ptr(n(target)));
        self
    }

    fn cname(&mut self, name: &str, target: &str) -> &mut Zone {
        self.mem.add(n(name), Record::Cname(n(target)));
        self
    }

    /// Makes `name` exist with no records (NODATA for every type).
    fn empty(&mut self, name: &str) -> &mut Zone {
        self.mem.add_name(n(name));
        self
    }

    /// Makes every lookup of `rtype` at `name` fail with `failure`.
    fn fail(&mut self, name: &str, rtype: RecordType, failure: Failure) -> &mut Zone {
        self.failures.push((n(name), rtype, failure));
        self
    }

    /// Whether a lookup of `rtype` at `name` was made.
    fn asked(&self, name: &str, rtype: RecordType) -> bool {
        let name = n(name);
        self.log
            .borrow()
            .iter()
            .any(|q| q.name == name && q.record_type == rtype)
    }

    /// How many lookups were made.
    fn lookups(&self) -> usize {
        self.log.borrow().len()
    }

    /// Forgets the lookups made so far.
    fn forget(&self) {
        self.log.borrow_mut().clear();
    }
}

impl Resolver for Zone {
    fn lookup(&self, query: &Query) -> Answer {
        self.log.borrow_mut().push(query.clone());
        match self
            .failures
            .iter()
            .find(|(name, rtype, _)| *name == query.name && *rtype == query.record_type)
        {
            Some((_, _, failure)) => Answer::failed(*failure),
            None => self.mem.answer(query),
        }
    }
}

fn config() -> SpfConfig {
    let mut c = SpfConfig::new(NOW);
    c.receiver = RECEIVER.into();
    c
}

fn run(zone: &Zone, mut evaluator: SpfEvaluator) -> SpfOutcome {
    mailsec_dns::drive(&mut evaluator, zone).unwrap()
}

/// Checks the MAIL FROM identity `sender` for `client` (HELO [`HELO`]).
fn check(zone: &Zone, client: &str, sender: &str) -> SpfOutcome {
    run(
        zone,
        SpfEvaluator::mail_from(ip(client), HELO, sender, config()),
    )
}

fn result(zone: &Zone, client: &str, sender: &str) -> SpfResult {
    check(zone, client, sender).result
}

/// Checks the HELO identity `helo` for `client`.
fn check_helo(zone: &Zone, client: &str, helo: &str) -> SpfOutcome {
    run(zone, SpfEvaluator::helo(ip(client), helo, config()))
}

/// A zone with `record` as the only SPF record, at `example.com`.
fn published(record: &str) -> Zone {
    let mut z = Zone::new();
    z.txt("example.com", record);
    z
}

// ---------------------------------------------------------------------------

/// Appendix A, "Extended Examples".
mod appendix_a {
    use super::*;

    /// The zone Appendix A opens with:
    ///
    /// ```text
    /// ; A domain with two mail servers, two hosts, and two servers
    /// ; at the domain name
    /// $ORIGIN example.com.
    /// @           MX  10 mail-a
    ///             MX  20 mail-b
    ///             A   192.0.2.10
    ///             A   192.0.2.11
    /// amy         A   192.0.2.65
    /// bob         A   192.0.2.66
    /// mail-a      A   192.0.2.129
    /// mail-b      A   192.0.2.130
    /// www         CNAME example.com.
    ///
    /// ; A related domain
    /// $ORIGIN example.org.
    /// @           MX  10 mail-c
    /// mail-c      A   192.0.2.140
    ///
    /// ; The reverse IP for those addresses
    /// $ORIGIN 2.0.192.in-addr.arpa.
    /// 10          PTR example.com.
    /// 11          PTR example.com.
    /// 65          PTR amy.example.com.
    /// 66          PTR bob.example.com.
    /// 129         PTR mail-a.example.com.
    /// 130         PTR mail-b.example.com.
    /// 140         PTR mail-c.example.org.
    ///
    /// ; A rogue reverse IP domain that claims to be
    /// ; something it's not
    /// $ORIGIN 0.0.10.in-addr.arpa.
    /// 4           PTR bob.example.com.
    /// ```
    pub(super) fn zone() -> Zone {
        let mut z = Zone::new();
        z.mx("example.com", 10, "mail-a.example.com")
            .mx("example.com", 20, "mail-b.example.com")
            .addr("example.com", "192.0.2.10")
            .addr("example.com", "192.0.2.11")
            .addr("amy.example.com", "192.0.2.65")
            .addr("bob.example.com", "192.0.2.66")
            .addr("mail-a.example.com", "192.0.2.129")
            .addr("mail-b.example.com", "192.0.2.130")
            .cname("www.example.com", "example.com")
            .mx("example.org", 10, "mail-c.example.org")
            .addr("mail-c.example.org", "192.0.2.140")
            .ptr("192.0.2.10", "example.com")
            .ptr("192.0.2.11", "example.com")
            .ptr("192.0.2.65", "amy.example.com")
            .ptr("192.0.2.66", "bob.example.com")
            .ptr("192.0.2.129", "mail-a.example.com")
            .ptr("192.0.2.130", "mail-b.example.com")
            .ptr("192.0.2.140", "mail-c.example.org")
            .ptr("10.0.0.4", "bob.example.com");
        z
    }

    /// Every address the zone mentions.
    const HOSTS: [&str; 8] = [
        "192.0.2.10",
        "192.0.2.11",
        "192.0.2.65",
        "192.0.2.66",
        "192.0.2.129",
        "192.0.2.130",
        "192.0.2.140",
        "10.0.0.4",
    ];

    /// A.1: "These examples show various possible published records for
    /// example.com and which values if <ip> would cause check_host() to return
    /// "pass".  Note that <domain> is "example.com"." Every listed record ends
    /// in "-all", so every other zone address reaches it and fails.
    fn a1(record: &str, pass: &[&str]) {
        let mut z = zone();
        z.txt("example.com", record);
        for host in pass {
            assert_eq!(
                result(&z, host, "joe@example.com"),
                SpfResult::Pass,
                "{record} for {host}"
            );
        }
        for host in HOSTS.iter().filter(|h| !pass.contains(h)) {
            assert_eq!(
                result(&z, host, "joe@example.com"),
                SpfResult::Fail,
                "{record} for {host}"
            );
        }
    }

    #[test]
    fn a1_plus_all_any_ip_passes() {
        // "v=spf1 +all  -- any <ip> passes"
        let mut z = zone();
        z.txt("example.com", "v=spf1 +all");
        for host in HOSTS.iter().chain(&["198.51.100.7", "2001:db8::1"]) {
            assert_eq!(result(&z, host, "joe@example.com"), SpfResult::Pass);
        }
    }

    #[test]
    fn a1_a() {
        // "v=spf1 a -all  -- hosts 192.0.2.10 and 192.0.2.11 pass"
        a1("v=spf1 a -all", &["192.0.2.10", "192.0.2.11"]);
    }

    #[test]
    fn a1_a_example_org() {
        // "v=spf1 a:example.org -all  -- no sending hosts pass since
        // example.org has no A records"
        a1("v=spf1 a:example.org -all", &[]);
    }

    #[test]
    fn a1_mx() {
        // "v=spf1 mx -all  -- sending hosts 192.0.2.129 and 192.0.2.130 pass"
        a1("v=spf1 mx -all", &["192.0.2.129", "192.0.2.130"]);
    }

    #[test]
    fn a1_mx_example_org() {
        // "v=spf1 mx:example.org -all  -- sending host 192.0.2.140 passes"
        a1("v=spf1 mx:example.org -all", &["192.0.2.140"]);
    }

    #[test]
    fn a1_mx_and_mx_example_org() {
        // "v=spf1 mx mx:example.org -all  -- sending hosts 192.0.2.129,
        // 192.0.2.130, and 192.0.2.140 pass"
        a1(
            "v=spf1 mx mx:example.org -all",
            &["192.0.2.129", "192.0.2.130", "192.0.2.140"],
        );
    }

    #[test]
    fn a1_mx_cidr_30() {
        // "v=spf1 mx/30 mx:example.org/30 -all  -- any sending host in
        // 192.0.2.128/30 or 192.0.2.140/30 passes"
        let record = "v=spf1 mx/30 mx:example.org/30 -all";
        a1(record, &["192.0.2.129", "192.0.2.130", "192.0.2.140"]);
        let mut z = zone();
        z.txt("example.com", record);
        for host in [
            "192.0.2.128",
            "192.0.2.131",
            "192.0.2.141",
            "192.0.2.142",
            "192.0.2.143",
        ] {
            assert_eq!(
                result(&z, host, "joe@example.com"),
                SpfResult::Pass,
                "{host}"
            );
        }
        for host in ["192.0.2.127", "192.0.2.132", "192.0.2.139", "192.0.2.144"] {
            assert_eq!(
                result(&z, host, "joe@example.com"),
                SpfResult::Fail,
                "{host}"
            );
        }
    }

    #[test]
    fn a1_ptr() {
        // "v=spf1 ptr -all
        //  -- sending host 192.0.2.65 passes (reverse DNS is valid and is in
        //     example.com)
        //  -- sending host 192.0.2.140 fails (reverse DNS is valid, but not
        //     in example.com)
        //  -- sending host 10.0.0.4 fails (reverse IP is not valid)"
        let mut z = zone();
        z.txt("example.com", "v=spf1 ptr -all");
        assert_eq!(result(&z, "192.0.2.65", "joe@example.com"), SpfResult::Pass);
        assert_eq!(
            result(&z, "192.0.2.140", "joe@example.com"),
            SpfResult::Fail
        );
        assert_eq!(result(&z, "10.0.0.4", "joe@example.com"), SpfResult::Fail);
        // The appendix names three hosts; by §5.5 the other example.com hosts,
        // whose reverse DNS is valid and in example.com, pass too.
        a1(
            "v=spf1 ptr -all",
            &[
                "192.0.2.10",
                "192.0.2.11",
                "192.0.2.65",
                "192.0.2.66",
                "192.0.2.129",
                "192.0.2.130",
            ],
        );
    }

    #[test]
    fn a1_ip4_cidr_28() {
        // "v=spf1 ip4:192.0.2.128/28 -all
        //  -- sending host 192.0.2.65 fails
        //  -- sending host 192.0.2.129 passes"
        let mut z = zone();
        z.txt("example.com", "v=spf1 ip4:192.0.2.128/28 -all");
        assert_eq!(result(&z, "192.0.2.65", "joe@example.com"), SpfResult::Fail);
        assert_eq!(
            result(&z, "192.0.2.129", "joe@example.com"),
            SpfResult::Pass
        );
        a1(
            "v=spf1 ip4:192.0.2.128/28 -all",
            &["192.0.2.129", "192.0.2.130", "192.0.2.140"],
        );
    }

    /// A.2's records. The appendix gives no records for example.com and
    /// example.net; example.com publishes A.1's `mx -all` and example.net a
    /// network of its own.
    fn a2_zone() -> Zone {
        let mut z = zone();
        z.txt(
            "example.org",
            "v=spf1 include:example.com include:example.net -all",
        )
        .txt("la.example.org", "v=spf1 redirect=example.org")
        .txt("ny.example.org", "v=spf1 redirect=example.org")
        .txt("sf.example.org", "v=spf1 redirect=example.org")
        .txt("example.com", "v=spf1 mx -all")
        .txt("example.net", "v=spf1 ip4:198.51.100.0/24 -all");
        z
    }

    #[test]
    fn a2_include_designates_the_union() {
        // example.org: "v=spf1 include:example.com include:example.net -all"
        // "Example.org's designated servers are the union of example.com's and
        // example.net's designated servers."
        let z = a2_zone();
        let o = check(&z, "192.0.2.129", "joe@example.org");
        assert_eq!(
            (o.result, o.mechanism.as_deref()),
            (SpfResult::Pass, Some("include:example.com"))
        );
        let o = check(&z, "198.51.100.20", "joe@example.org");
        assert_eq!(
            (o.result, o.mechanism.as_deref()),
            (SpfResult::Pass, Some("include:example.net"))
        );
        // Neither designates example.org's own MX host, nor anything else.
        for host in ["192.0.2.140", "192.0.2.65", "203.0.113.9"] {
            assert_eq!(
                result(&z, host, "joe@example.org"),
                SpfResult::Fail,
                "{host}"
            );
        }
    }

    #[test]
    fn a2_redirect_shares_the_mail_systems_record() {
        // la/ny/sf.example.org: "v=spf1 redirect=example.org" -- "These
        // records allow a set of domains that all use the same mail system to
        // make use of that mail system's record."
        let z = a2_zone();
        for domain in ["la.example.org", "ny.example.org", "sf.example.org"] {
            let sender = format!("joe@{domain}");
            for (host, expected) in [
                ("192.0.2.129", SpfResult::Pass),
                ("198.51.100.20", SpfResult::Pass),
                ("192.0.2.140", SpfResult::Fail),
                ("203.0.113.9", SpfResult::Fail),
            ] {
                assert_eq!(result(&z, host, &sender), expected, "{sender} {host}");
                assert_eq!(
                    result(&z, host, &sender),
                    result(&z, host, "joe@example.org")
                );
            }
        }
    }

    /// A.3: "Imagine that, in addition to the domain records listed above,
    /// there are these:" (the A records), and the three records it lists.
    fn a3_zone() -> Zone {
        let mut z = zone();
        z.txt(
            "example.com",
            "v=spf1 mx include:mobile-users._spf.%{d} include:remote-users._spf.%{d} -all",
        )
        .txt(
            "mobile-users._spf.example.com",
            "v=spf1 exists:%{l1r+}.%{d}",
        )
        .txt(
            "remote-users._spf.example.com",
            "v=spf1 exists:%{ir}.%{l1r+}.%{d}",
        )
        .addr("mary.mobile-users._spf.example.com", "127.0.0.2")
        .addr("fred.mobile-users._spf.example.com", "127.0.0.2")
        .addr(
            "15.15.168.192.joel.remote-users._spf.example.com",
            "127.0.0.2",
        )
        .addr(
            "16.15.168.192.joel.remote-users._spf.example.com",
            "127.0.0.2",
        );
        z
    }

    #[test]
    fn a3_mobile_users_mail_from_arbitrary_servers() {
        // "The following records describe users at example.com who mail from
        // arbitrary servers, or who mail from personal servers."
        // mobile-users._spf.example.com: "v=spf1 exists:%{l1r+}.%{d}"
        let z = a3_zone();
        for sender in ["mary@example.com", "fred@example.com"] {
            assert_eq!(
                result(&z, "198.51.100.7", sender),
                SpfResult::Pass,
                "{sender}"
            );
        }
        // %{l1r+}: split on "+", reverse, keep one part: "fred+lists" is fred.
        z.forget();
        assert_eq!(
            result(&z, "198.51.100.7", "fred+lists@example.com"),
            SpfResult::Pass
        );
        assert!(z.asked("fred.mobile-users._spf.example.com", RecordType::A));
        // Other users only from example.com's MX hosts.
        assert_eq!(
            result(&z, "198.51.100.7", "bob@example.com"),
            SpfResult::Fail
        );
        assert_eq!(
            result(&z, "192.0.2.129", "bob@example.com"),
            SpfResult::Pass
        );
    }

    #[test]
    fn a3_remote_users_mail_from_personal_servers() {
        // remote-users._spf.example.com: "v=spf1 exists:%{ir}.%{l1r+}.%{d}"
        // with 15.15.168.192.joel.remote-users and 16.15.168.192.joel.remote-users.
        let z = a3_zone();
        z.forget();
        assert_eq!(
            result(&z, "192.168.15.15", "joel@example.com"),
            SpfResult::Pass
        );
        assert!(z.asked(
            "15.15.168.192.joel.remote-users._spf.example.com",
            RecordType::A
        ));
        assert_eq!(
            result(&z, "192.168.15.16", "joel@example.com"),
            SpfResult::Pass
        );
        assert_eq!(
            result(&z, "192.168.15.17", "joel@example.com"),
            SpfResult::Fail
        );
        assert_eq!(
            result(&z, "198.51.100.7", "joel@example.com"),
            SpfResult::Fail
        );
        // Joel's servers are his alone.
        assert_eq!(
            result(&z, "192.168.15.15", "mary@example.com"),
            SpfResult::Pass,
            "mary passes from anywhere"
        );
        assert_eq!(
            result(&z, "192.168.15.15", "bob@example.com"),
            SpfResult::Fail
        );
    }

    /// A.4 with the records it lists; example.com's is published as several
    /// character-strings (§3.3).
    fn a4_zone(ptr_record: &str) -> Zone {
        let mut z = zone();
        z.txt_strings(
            "example.com",
            &[
                "v=spf1 ",
                "-include:ip4._spf.%{d} ",
                "-include:ptr._spf.%{d} ",
                "+all",
            ],
        )
        .txt("ip4._spf.example.com", "v=spf1 -ip4:192.0.2.0/24 +all")
        .txt("ptr._spf.example.com", ptr_record)
        // Not in the appendix: a host outside 192.0.2.0/24 whose reverse
        // DNS is valid and in example.com.
        .ptr("198.51.100.20", "out.example.com")
        .addr("out.example.com", "198.51.100.20");
        z
    }

    #[test]
    fn a4_multiple_requirements() {
        // "Say that your sender policy requires both that the IP address is
        // within a certain range and that the reverse DNS for the IP
        // matches." ptr._spf.example.com as corrected by RFC Errata ID 6216
        // ("v=spf1 -ptr:example.com +all"): as printed, "-ptr" would check
        // names under ptr._spf.example.com (see the next test).
        let z = a4_zone("v=spf1 -ptr:example.com +all");
        // In range, reverse DNS valid and in example.com.
        for host in ["192.0.2.65", "192.0.2.10", "192.0.2.129"] {
            assert_eq!(
                result(&z, host, "joe@example.com"),
                SpfResult::Pass,
                "{host}"
            );
        }
        // In range, reverse DNS valid but in example.org.
        assert_eq!(
            result(&z, "192.0.2.140", "joe@example.com"),
            SpfResult::Fail
        );
        // In range, no reverse DNS.
        assert_eq!(result(&z, "192.0.2.12", "joe@example.com"), SpfResult::Fail);
        // Out of range, reverse DNS not valid.
        assert_eq!(result(&z, "10.0.0.4", "joe@example.com"), SpfResult::Fail);
        // Out of range, reverse DNS valid and in example.com.
        assert_eq!(
            result(&z, "198.51.100.20", "joe@example.com"),
            SpfResult::Fail
        );
    }

    #[test]
    fn a4_as_printed_ptr_defaults_to_its_own_domain() {
        // As printed, ptr._spf.example.com is "v=spf1 -ptr +all": "ptr"
        // without a domain-spec uses <domain>, here ptr._spf.example.com
        // (§5.5), which no reverse name is under, so every host fails.
        let z = a4_zone("v=spf1 -ptr +all");
        for host in ["192.0.2.65", "192.0.2.140", "10.0.0.4"] {
            assert_eq!(
                result(&z, host, "joe@example.com"),
                SpfResult::Fail,
                "{host}"
            );
        }
    }
}

// ---------------------------------------------------------------------------

/// §2.3 "The "HELO" Identity" and §2.4 "The "MAIL FROM" Identity".
mod s2_identities {
    use super::*;

    #[test]
    fn s2_3_helo_is_checked_as_domain_with_postmaster_sender() {
        // §2.3: "check the "HELO" identity by applying the check_host()
        // function (Section 4) to the "HELO" identity as the <sender>"; a
        // <sender> without local-part gets "postmaster" (§4.3).
        let mut z = Zone::new();
        z.txt(HELO, "v=spf1 ip4:192.0.2.1 -all");
        let o = check_helo(&z, "192.0.2.1", HELO);
        assert_eq!(o.result, SpfResult::Pass);
        assert_eq!(o.identity, Identity::Helo);
        assert_eq!(o.domain, HELO);
        assert_eq!(o.sender, format!("postmaster@{HELO}"));
        assert_eq!(check_helo(&z, "192.0.2.2", HELO).result, SpfResult::Fail);
    }

    #[test]
    fn s2_3_helo_that_is_not_a_multi_label_domain_is_none() {
        // §2.3: "This SPF check can only be performed when the "HELO" string
        // is a valid, multi-label domain name."
        let z = Zone::new();
        for helo in ["localhost", "[192.0.2.1]", "[IPv6:2001:db8::1]", ""] {
            assert_eq!(
                check_helo(&z, "192.0.2.1", helo).result,
                SpfResult::None,
                "{helo:?}"
            );
        }
    }

    #[test]
    fn s2_3_helo_address_literal_makes_no_dns_query() {
        // §2.3: "SPF verifiers have to be prepared for the identity to be an
        // IP address literal ... or simply be malformed. This SPF check can
        // only be performed when the "HELO" string is a valid, multi-label
        // domain name." §4.3: "If the <domain> is malformed ... check_host()
        // immediately returns the result "none"."
        let z = Zone::new();
        let o = check_helo(&z, "192.0.2.1", "[192.0.2.1]");
        assert_eq!(o.result, SpfResult::None);
        assert_eq!(z.lookups(), 0, "{:?}", z.log.borrow());
    }

    #[test]
    fn s2_4_mail_from_is_checked_with_the_sender_domain() {
        // §2.4: "SPF verifiers MUST check the "MAIL FROM" identity ... by
        // applying the check_host() function to the "MAIL FROM" identity as
        // the <sender>." The <domain> is its domain part (§4.1).
        let mut z = Zone::new();
        z.txt("example.com", "v=spf1 ip4:192.0.2.1 -all")
            .txt(HELO, "v=spf1 -all");
        let o = check(&z, "192.0.2.1", "alice@example.com");
        assert_eq!(o.result, SpfResult::Pass);
        assert_eq!(o.identity, Identity::MailFrom);
        assert_eq!(o.domain, "example.com");
        assert_eq!(o.sender, "alice@example.com");
        assert!(!z.asked(HELO, RecordType::Txt));
    }

    #[test]
    fn s2_4_null_reverse_path_is_postmaster_at_helo() {
        // §2.4: "When the reverse-path is null, this document defines the
        // "MAIL FROM" identity to be the mailbox composed of the local-part
        // "postmaster" and the "HELO" identity". The project reports this
        // check with identity `helo` (see `Identity::MailFrom`'s docs).
        let mut z = Zone::new();
        z.txt(HELO, "v=spf1 ip4:192.0.2.1 -all");
        let o = check(&z, "192.0.2.1", "");
        assert_eq!(o.result, SpfResult::Pass);
        assert_eq!(o.sender, format!("postmaster@{HELO}"));
        assert_eq!(o.domain, HELO);
        assert_eq!(o.identity, Identity::Helo);
        assert_eq!(check(&z, "192.0.2.9", "").result, SpfResult::Fail);
        // The same check as the HELO identity's.
        assert_eq!(
            check(&z, "192.0.2.1", ""),
            check_helo(&z, "192.0.2.1", HELO)
        );
    }
}

// ---------------------------------------------------------------------------

/// §4.3 "Initial Processing".
mod s4_3_initial_processing {
    use super::*;

    fn host(domain: &str) -> SpfOutcome {
        let mut z = Zone::new();
        z.txt("example.com", "v=spf1 +all");
        let o = run(
            &z,
            SpfEvaluator::check_host(
                ip("192.0.2.1"),
                domain,
                &format!("joe@{domain}"),
                HELO,
                Identity::MailFrom,
                config(),
            ),
        );
        assert_eq!(
            z.lookups(),
            0,
            "{domain:?}: no lookup for a malformed domain"
        );
        o
    }

    #[test]
    fn malformed_domain_is_none() {
        // "If the <domain> is malformed (e.g., label longer than 63
        // characters, zero-length label not at the end, etc.) or is not a
        // multi-label domain name, ... check_host() immediately returns the
        // result "none"."
        let long_label = format!("{}.example.com", "a".repeat(64));
        let long_name = format!("{}example.com", "abcdefghi.".repeat(25));
        for domain in [
            long_label.as_str(),
            long_name.as_str(),
            "a..example.com",
            ".example.com",
            "",
        ] {
            assert_eq!(host(domain).result, SpfResult::None, "{domain:?}");
        }
    }

    #[test]
    fn single_label_domain_is_none() {
        // "... or is not a multi-label domain name ... "none"."
        for domain in ["com", "localhost", "example"] {
            assert_eq!(host(domain).result, SpfResult::None, "{domain}");
        }
    }

    #[test]
    fn internationalized_domain_must_be_a_labels() {
        // "Internationalized domain names MUST be encoded as A-labels, as
        // described in Section 2.3 of [RFC5890]."
        let mut z = Zone::new();
        z.txt("xn--bcher-kva.example", "v=spf1 +all");
        assert_eq!(
            result(&z, "192.0.2.1", "joe@xn--bcher-kva.example"),
            SpfResult::Pass
        );
        assert_eq!(host("bücher.example").result, SpfResult::None);
    }

    #[test]
    fn name_error_is_none() {
        // "... or if the DNS lookup returns "Name Error" (RCODE 3, also known
        // as "NXDOMAIN" [RFC2308]), check_host() immediately returns the
        // result "none"."
        let z = Zone::new();
        let o = check(&z, "192.0.2.1", "joe@nowhere.example");
        assert_eq!(o.result, SpfResult::None);
        assert_eq!(o.mechanism, None);
    }

    #[test]
    fn sender_without_local_part_is_postmaster() {
        // "If the <sender> has no local-part, substitute the string
        // "postmaster" for the local-part."
        let mut z = Zone::new();
        z.txt("example.com", "v=spf1 exists:%{l}._users.%{d} -all")
            .addr("postmaster._users.example.com", "127.0.0.2");
        for sender in ["example.com", "@example.com"] {
            let o = run(
                &z,
                SpfEvaluator::check_host(
                    ip("192.0.2.1"),
                    "example.com",
                    sender,
                    HELO,
                    Identity::MailFrom,
                    config(),
                ),
            );
            assert_eq!(o.sender, "postmaster@example.com", "{sender}");
            assert_eq!(o.result, SpfResult::Pass, "{sender}");
        }
        let o = check(&z, "192.0.2.1", "@example.com");
        assert_eq!(
            (o.result, o.sender.as_str()),
            (SpfResult::Pass, "postmaster@example.com")
        );
    }
}

// ---------------------------------------------------------------------------

/// §4.4 "Record Lookup".
mod s4_4_record_lookup {
    use super::*;

    #[test]
    fn only_txt_is_queried() {
        // "a DNS query needs to be made for the <domain> name, querying for
        // type TXT only." (§3.1: "SPF records MUST be published as a DNS TXT
        // (type 16) Resource Record (RR) [RFC1035] only.")
        let mut z = Zone::new();
        z.mem.add(
            n("example.com"),
            Record::Spf(Txt::from_bytes(b"v=spf1 +all")),
        );
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!(o.result, SpfResult::None);
        assert!(z.asked("example.com", RecordType::Txt));
        assert!(!z.asked("example.com", RecordType::Spf));
    }

    #[test]
    fn dns_errors_are_temperror() {
        // "If the DNS lookup returns a server failure (RCODE 2) or some other
        // error (RCODE other than 0 or 3), or if the lookup times out, then
        // check_host() terminates immediately with the result "temperror"."
        for failure in [
            Failure::ServerFailure,
            Failure::Refused,
            Failure::Other,
            Failure::Timeout,
        ] {
            let mut z = Zone::new();
            z.fail("example.com", RecordType::Txt, failure);
            let o = check(&z, "192.0.2.1", "joe@example.com");
            assert_eq!(o.result, SpfResult::TempError, "{failure:?}");
            assert!(o.problem.is_some());
        }
        // The MemoryResolver's own time-out.
        let mut z = Zone::new();
        z.mem.add_timeout(n("example.com"));
        assert_eq!(
            result(&z, "192.0.2.1", "joe@example.com"),
            SpfResult::TempError
        );
    }

    #[test]
    fn name_error_is_none() {
        // §4.3: "if the DNS lookup returns "Name Error" ... check_host()
        // immediately returns the result "none"."
        let mut z = Zone::new();
        z.txt("other.example", "v=spf1 +all");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::None);
    }
}

// ---------------------------------------------------------------------------

/// §4.5 "Selecting Records" (and §3.3 "Multiple Strings in a Single DNS Record").
mod s4_5_selecting_records {
    use super::*;

    #[test]
    fn version_is_case_insensitive() {
        // version = "v=spf1" (§12); ABNF strings are case-insensitive
        // (RFC 5234 §2.3).
        for record in ["V=SPF1 -all", "v=Spf1 -all", "V=spf1 ip4:192.0.2.1 -ALL"] {
            let z = published(record);
            assert_eq!(
                result(&z, "192.0.2.9", "joe@example.com"),
                SpfResult::Fail,
                "{record}"
            );
        }
    }

    #[test]
    fn spf10_is_not_a_record() {
        // "discard records that do not begin with a version section of
        // exactly "v=spf1". Note that the version section is terminated by
        // either an SP character or the end of the record. As an example, a
        // record with a version section of "v=spf10" does not match and is
        // discarded."
        let z = published("v=spf10 +all");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::None);
        let z = published("v=spf1-all");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::None);
        let mut z = published("v=spf10 +all");
        z.txt("example.com", "v=spf1 -all");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Fail);
        // "v=spf1" alone is a record (the version ended by the record's end).
        let z = published("v=spf1");
        assert_eq!(
            result(&z, "192.0.2.1", "joe@example.com"),
            SpfResult::Neutral
        );
    }

    #[test]
    fn other_txt_records_are_discarded() {
        let mut z = published("google-site-verification=abc");
        z.txt("example.com", "v=spf1 -all")
            .txt("example.com", "spf1 +all")
            .txt("example.com", " v=spf1 +all");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Fail);
        // "If the resultant record set includes no records, check_host()
        // produces the "none" result."
        let z = published("google-site-verification=abc");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::None);
        let mut z = Zone::new();
        z.empty("example.com");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::None);
    }

    #[test]
    fn multiple_records_are_permerror() {
        // "If the resultant record set includes more than one record,
        // check_host() produces the "permerror" result."
        let mut z = published("v=spf1 +all");
        z.txt("example.com", "v=spf1 +all");
        assert_eq!(
            result(&z, "192.0.2.1", "joe@example.com"),
            SpfResult::PermError
        );
        let mut z = published("v=spf1 ip4:192.0.2.1 -all");
        z.txt("example.com", "V=SPF1 ?all");
        assert_eq!(
            result(&z, "192.0.2.1", "joe@example.com"),
            SpfResult::PermError
        );
    }

    #[test]
    fn txt_strings_are_joined_without_spaces() {
        // §3.3: "If a published record contains multiple character-strings,
        // then the record MUST be treated as if those strings are
        // concatenated together without adding spaces."
        let mut z = Zone::new();
        z.txt_strings("example.com", &["v=spf1 ip4:192.0.2.1", "0 -all"]);
        assert_eq!(result(&z, "192.0.2.10", "joe@example.com"), SpfResult::Pass);
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Fail);
        // The version itself may be split.
        let mut z = Zone::new();
        z.txt_strings("example.com", &["v=sp", "f1 ", "-all"]);
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Fail);
    }
}

// ---------------------------------------------------------------------------

/// §4.6 "Record Evaluation" (4.6.1 to 4.6.3) and §6's rules for modifiers.
mod s4_6_record_evaluation {
    use super::*;

    #[test]
    fn syntax_error_anywhere_is_permerror() {
        // §4.6: "The syntax of the record is validated first, and if there
        // are any syntax errors anywhere in the record, check_host() returns
        // immediately with the result "permerror", without further
        // interpretation or evaluation."
        for record in [
            "v=spf1 +all foo:bar",
            "v=spf1 ip4:192.0.2.1 ip4:192.0.2.300 -all",
            "v=spf1 ip4:192.0.2.1 -all ip4:192.0.2.0/33",
            "v=spf1 ip4:192.0.2.1 -all.",
            "v=spf1 ip4:192.0.2.1 exists -all",
            "v=spf1 ip4:192.0.2.1 ~",
        ] {
            let z = published(record);
            assert_eq!(
                result(&z, "192.0.2.1", "joe@example.com"),
                SpfResult::PermError,
                "{record}"
            );
        }
        // Nothing in the record is evaluated.
        let z = published("v=spf1 a:a.example include:i.example foo:bar");
        assert_eq!(
            result(&z, "192.0.2.1", "joe@example.com"),
            SpfResult::PermError
        );
        assert_eq!(z.lookups(), 1, "only the record itself");
    }

    #[test]
    fn names_are_case_insensitive() {
        // §4.6.1: "As per the definition of the ABNF notation in [RFC5234],
        // mechanism and modifier names are case-insensitive."
        let mut z = published("v=spf1 IP4:192.0.2.1 Include:inc.example Redirect=red.example");
        z.txt("inc.example", "v=spf1 iP6:2001:db8::/32 -ALL")
            .txt("red.example", "v=spf1 A:a.example ~All")
            .addr("a.example", "192.0.2.3");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Pass);
        assert_eq!(
            result(&z, "2001:db8::1", "joe@example.com"),
            SpfResult::Pass
        );
        assert_eq!(result(&z, "192.0.2.3", "joe@example.com"), SpfResult::Pass);
        assert_eq!(
            result(&z, "192.0.2.4", "joe@example.com"),
            SpfResult::SoftFail
        );
    }

    #[test]
    fn qualifiers_give_the_result_and_default_to_pass() {
        // §4.6.2: "The possible qualifiers, and the results they cause
        // check_host() to return, are as follows: "+" pass, "-" fail, "~"
        // softfail, "?" neutral. The qualifier is optional and defaults to
        // "+"."
        for (record, expected) in [
            ("v=spf1 +ip4:192.0.2.1", SpfResult::Pass),
            ("v=spf1 ip4:192.0.2.1", SpfResult::Pass),
            ("v=spf1 -ip4:192.0.2.1", SpfResult::Fail),
            ("v=spf1 ~ip4:192.0.2.1", SpfResult::SoftFail),
            ("v=spf1 ?ip4:192.0.2.1", SpfResult::Neutral),
            ("v=spf1 all", SpfResult::Pass),
            ("v=spf1 -all", SpfResult::Fail),
        ] {
            let z = published(record);
            let o = check(&z, "192.0.2.1", "joe@example.com");
            assert_eq!(o.result, expected, "{record}");
            let term = record.strip_prefix("v=spf1 ").unwrap();
            assert_eq!(o.mechanism.as_deref(), Some(term));
        }
    }

    #[test]
    fn mechanisms_are_evaluated_left_to_right() {
        // §4.6.2: "Each mechanism is considered in turn from left to right.
        // ... If it matches, processing ends and the qualifier value is
        // returned as the result of that record. If it does not match,
        // processing continues with the next mechanism."
        let z = published("v=spf1 -ip4:192.0.2.1 ~ip4:192.0.2.0/30 +ip4:192.0.2.0/24 ?all");
        for (host, expected) in [
            ("192.0.2.1", SpfResult::Fail),
            ("192.0.2.2", SpfResult::SoftFail),
            ("192.0.2.200", SpfResult::Pass),
            ("198.51.100.1", SpfResult::Neutral),
        ] {
            assert_eq!(result(&z, host, "joe@example.com"), expected, "{host}");
        }
        // "If it returns an exception, mechanism processing ends and the
        // exception value is returned."
        let mut z = published("v=spf1 a:slow.example +all");
        z.fail("slow.example", RecordType::A, Failure::ServerFailure);
        assert_eq!(
            result(&z, "192.0.2.1", "joe@example.com"),
            SpfResult::TempError
        );
    }

    #[test]
    fn unknown_modifiers_are_ignored() {
        // §6: "Unrecognized modifiers MUST be ignored no matter where, or how
        // often, they appear in a record."
        let z = published(
            "v=spf1 foo=bar ip4:192.0.2.1 moo.cow-far_out=man:dog/cat foo=%{d} -all foo=baz",
        );
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Pass);
        assert_eq!(result(&z, "192.0.2.2", "joe@example.com"), SpfResult::Fail);
    }

    #[test]
    fn redirect_or_exp_twice_is_permerror() {
        // §6: "These two modifiers MUST NOT appear in a record more than once
        // each. If they do, then check_host() exits with a result of
        // "permerror"."
        for record in [
            "v=spf1 ip4:192.0.2.1 redirect=a.example redirect=b.example",
            "v=spf1 ip4:192.0.2.1 -all exp=a.example exp=b.example",
        ] {
            let z = published(record);
            assert_eq!(
                result(&z, "192.0.2.1", "joe@example.com"),
                SpfResult::PermError,
                "{record}"
            );
        }
    }
}

// ---------------------------------------------------------------------------

/// §4.6.4 "DNS Lookup Limits".
mod s4_6_4_dns_lookup_limits {
    use super::*;

    /// A record of `count` `a:aN.example` terms then `tail`; aN.example has
    /// the addresses 198.51.100.N and 2001:db8:ffff::N.
    fn a_terms(count: u8, tail: &str) -> Zone {
        let mut z = Zone::new();
        let mut record = String::from("v=spf1");
        for i in 1..=count {
            record.push_str(&format!(" a:a{i}.example"));
        }
        if !tail.is_empty() {
            record.push(' ');
            record.push_str(tail);
        }
        z.txt("example.com", &record);
        for i in 1..=20u8 {
            z.addr(&format!("a{i}.example"), &format!("198.51.100.{i}"))
                .addr(&format!("a{i}.example"), &format!("2001:db8:ffff::{i}"));
        }
        z
    }

    #[test]
    fn tenth_dns_term_is_evaluated() {
        // "SPF implementations MUST limit the total number of those terms to
        // 10 during SPF evaluation"
        let z = a_terms(10, "-all");
        let o = check(&z, "198.51.100.10", "joe@example.com");
        assert_eq!(
            (o.result, o.mechanism.as_deref()),
            (SpfResult::Pass, Some("a:a10.example"))
        );
        assert_eq!(o.dns_lookups, 10);
        assert_eq!(
            result(&z, "203.0.113.9", "joe@example.com"),
            SpfResult::Fail
        );
    }

    #[test]
    fn eleventh_dns_term_is_permerror() {
        // "If this limit is exceeded, the implementation MUST return
        // "permerror"." -- even when the eleventh term would match.
        let z = a_terms(11, "-all");
        for host in ["198.51.100.11", "203.0.113.9"] {
            z.forget();
            let o = check(&z, host, "joe@example.com");
            assert_eq!(o.result, SpfResult::PermError, "{host}");
            assert!(!z.asked("a11.example", RecordType::A));
        }
        // A match before the eleventh term ends the evaluation first.
        assert_eq!(
            result(&z, "198.51.100.3", "joe@example.com"),
            SpfResult::Pass
        );
    }

    #[test]
    fn every_kind_of_dns_term_counts() {
        // "The following terms cause DNS queries: the "include", "a", "mx",
        // "ptr", and "exists" mechanisms, and the "redirect" modifier."
        fn zone(redirect_target: &str) -> Zone {
            let mut z = Zone::new();
            z.txt(
                "example.com",
                "v=spf1 a:a1.example a:a2.example mx:m.example ptr:p.example \
                 exists:e.example include:inc.example redirect=red.example",
            )
            .txt("inc.example", "v=spf1 a:a3.example a:a4.example -all")
            .txt("red.example", redirect_target)
            .mx("m.example", 10, "a1.example")
            .ptr("203.0.113.9", "client.example.net")
            .addr("e.example", "2001:db8::1");
            for i in 1..=6 {
                z.addr(&format!("a{i}.example"), &format!("198.51.100.{i}"));
            }
            z
        }
        // a a mx ptr exists include (a a) redirect (a): ten.
        let z = zone("v=spf1 a:a5.example ip4:203.0.113.9 -all");
        let o = check(&z, "203.0.113.9", "joe@example.com");
        assert_eq!((o.result, o.dns_lookups), (SpfResult::Pass, 10), "{o:?}");
        // One more in the redirect target is the eleventh.
        let z = zone("v=spf1 a:a5.example a:a6.example ip4:203.0.113.9 -all");
        let o = check(&z, "203.0.113.9", "joe@example.com");
        assert_eq!(o.result, SpfResult::PermError, "{o:?}");
        assert!(o.void_lookups < 3, "{o:?}");
        assert!(!z.asked("a6.example", RecordType::A));
    }

    #[test]
    fn include_chain_counts_each_include() {
        fn chain(len: usize) -> Zone {
            let mut z = Zone::new();
            for i in 0..len {
                z.txt(
                    &format!("d{i}.example"),
                    &format!("v=spf1 include:d{}.example -all", i + 1),
                );
            }
            z.txt(&format!("d{len}.example"), "v=spf1 +all");
            z
        }
        // Ten includes: the tenth is fine.
        let o = check(&chain(10), "192.0.2.1", "joe@d0.example");
        assert_eq!((o.result, o.dns_lookups), (SpfResult::Pass, 10));
        // Eleven: "If this limit is exceeded, the implementation MUST return
        // "permerror"."
        let z = chain(11);
        assert_eq!(
            result(&z, "192.0.2.1", "joe@d0.example"),
            SpfResult::PermError
        );
        assert!(!z.asked("d11.example", RecordType::Txt));
    }

    #[test]
    fn redirect_counts() {
        // Nine "a" terms and the redirect: ten.
        let mut z = a_terms(9, "redirect=red.example");
        z.txt("red.example", "v=spf1 ip4:203.0.113.9 -all");
        assert_eq!(
            result(&z, "203.0.113.9", "joe@example.com"),
            SpfResult::Pass
        );
        // Ten and the redirect: the redirect is the eleventh.
        let mut z = a_terms(10, "redirect=red.example");
        z.txt("red.example", "v=spf1 ip4:203.0.113.9 -all");
        assert_eq!(
            result(&z, "203.0.113.9", "joe@example.com"),
            SpfResult::PermError
        );
        assert!(!z.asked("red.example", RecordType::Txt));
    }

    #[test]
    fn all_ip4_ip6_and_exp_do_not_count() {
        // "The other terms -- the "all", "ip4", and "ip6" mechanisms, and the
        // "exp" modifier -- do not cause DNS queries at the time of SPF
        // evaluation (the "exp" modifier only causes a lookup at a later
        // time), and their use is not subject to this limit."
        let mut ip4s = String::new();
        for i in 1..=12 {
            ip4s.push_str(&format!("ip4:192.0.2.{i} ip6:2001:db8::{i} "));
        }
        let mut z = a_terms(10, &format!("{ip4s}-all exp=why.example"));
        z.txt("why.example", "%{i} is not one of %{d}'s senders");
        let o = check(&z, "192.0.2.12", "joe@example.com");
        assert_eq!((o.result, o.dns_lookups), (SpfResult::Pass, 10));
        let o = check(&z, "2001:db8::12", "joe@example.com");
        assert_eq!(o.result, SpfResult::Pass);
        let o = check(&z, "203.0.113.9", "joe@example.com");
        assert_eq!((o.result, o.dns_lookups), (SpfResult::Fail, 10));
        assert_eq!(
            o.explanation.as_deref(),
            Some("203.0.113.9 is not one of example.com's senders")
        );
    }

    /// example.com with `mx -all` and `count` MX hosts mxN.example.com at
    /// 198.51.100.N.
    fn mx_hosts(count: u8) -> Zone {
        let mut z = published("v=spf1 mx -all");
        for i in 1..=count {
            let host = format!("mx{i}.example.com");
            z.mx("example.com", u16::from(i), &host)
                .addr(&host, &format!("198.51.100.{i}"));
        }
        z
    }

    #[test]
    fn mx_with_ten_names_is_evaluated() {
        // "the evaluation of each "MX" record MUST NOT result in querying
        // more than 10 address records"
        let z = mx_hosts(10);
        assert_eq!(
            result(&z, "198.51.100.10", "joe@example.com"),
            SpfResult::Pass
        );
        assert_eq!(
            result(&z, "203.0.113.9", "joe@example.com"),
            SpfResult::Fail
        );
    }

    #[test]
    fn mx_over_ten_names_is_permerror() {
        // "If this limit is exceeded, the "mx" mechanism MUST produce a
        // "permerror" result."
        let z = mx_hosts(11);
        assert_eq!(
            result(&z, "203.0.113.9", "joe@example.com"),
            SpfResult::PermError
        );
        assert_eq!(
            result(&z, "198.51.100.11", "joe@example.com"),
            SpfResult::PermError
        );
    }

    /// 192.0.2.5 has `count` PTR names pN.example.com; only the last one
    /// resolves to 192.0.2.5.
    fn ptr_names(count: u8, record: &str) -> Zone {
        let mut z = published(record);
        for i in 1..=count {
            let name = format!("p{i}.example.com");
            z.ptr("192.0.2.5", &name);
            let addr = if i == count {
                String::from("192.0.2.5")
            } else {
                format!("198.51.100.{i}")
            };
            z.addr(&name, &addr);
        }
        z
    }

    #[test]
    fn ptr_uses_only_the_first_ten_names() {
        // "the evaluation of each "PTR" record MUST NOT result in querying
        // more than 10 address records -- either "A" or "AAAA" resource
        // records. If this limit is exceeded, all records other than the
        // first 10 MUST be ignored."
        let z = ptr_names(10, "v=spf1 ptr -all");
        assert_eq!(result(&z, "192.0.2.5", "joe@example.com"), SpfResult::Pass);
        let z = ptr_names(11, "v=spf1 ptr -all");
        let o = check(&z, "192.0.2.5", "joe@example.com");
        assert_eq!(o.result, SpfResult::Fail, "the 11th name is ignored");
        assert!(!z.asked("p11.example.com", RecordType::A));
    }

    #[test]
    fn p_macro_uses_only_the_first_ten_names() {
        // "When evaluating the "ptr" mechanism or the %{p} macro ... all
        // records other than the first 10 MUST be ignored."
        let mut z = ptr_names(10, "v=spf1 exists:%{p}._p.example.net -all");
        z.addr("p10.example.com._p.example.net", "127.0.0.2")
            .addr("p11.example.com._p.example.net", "127.0.0.2")
            .addr("unknown._p.example.net", "127.0.0.3");
        assert_eq!(result(&z, "192.0.2.5", "joe@example.com"), SpfResult::Pass);
        let mut z = ptr_names(11, "v=spf1 exists:%{p}._p.example.net -all");
        z.addr("p11.example.com._p.example.net", "127.0.0.2");
        assert_eq!(result(&z, "192.0.2.5", "joe@example.com"), SpfResult::Fail);
        assert!(z.asked("unknown._p.example.net", RecordType::A));
    }

    #[test]
    fn two_void_lookups_are_allowed() {
        // "SPF implementations SHOULD limit "void lookups" to two."
        let mut z = published("v=spf1 a:void1.example mx:void2.example ?all");
        z.empty("void2.example");
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!((o.result, o.void_lookups), (SpfResult::Neutral, 2));
    }

    #[test]
    fn third_void_lookup_is_permerror() {
        // "... DNS queries return either a positive answer (RCODE 0) with an
        // answer count of 0, or a "Name Error" (RCODE 3) answer. ...
        // Exceeding the limit produces a "permerror" result."
        let mut z = published("v=spf1 a:void1.example mx:void2.example exists:void3.example ?all");
        z.empty("void2.example");
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!(o.result, SpfResult::PermError);
        assert_eq!(o.void_lookups, 3);
        // Void lookups in an included record count toward the same limit.
        let mut z = published("v=spf1 a:void1.example include:inc.example ?all");
        z.txt(
            "inc.example",
            "v=spf1 a:void2.example ptr:void3.example a:void4.example -all",
        );
        assert_eq!(
            result(&z, "192.0.2.1", "joe@example.com"),
            SpfResult::PermError
        );
        // A match before the third void lookup ends the evaluation first.
        let z =
            published("v=spf1 a:void1.example a:void2.example ip4:192.0.2.1 a:void3.example -all");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Pass);
        assert_eq!(
            result(&z, "192.0.2.2", "joe@example.com"),
            SpfResult::PermError
        );
    }

    /// d0 includes d1, which includes d2 ..., the last one `+all`.
    fn include_chain(len: usize) -> Zone {
        let mut z = Zone::new();
        for i in 0..len {
            z.txt(
                &format!("d{i}.example"),
                &format!("v=spf1 include:d{}.example -all", i + 1),
            );
        }
        z.txt(&format!("d{len}.example"), "v=spf1 +all");
        z
    }

    fn with_clock(zone: &Zone, step: u64, config: SpfConfig) -> SpfOutcome {
        let mut e = SpfEvaluator::mail_from(ip("192.0.2.1"), HELO, "joe@d0.example", config);
        let mut t = NOW;
        mailsec_dns::drive_with_clock(&mut e, zone, || {
            t += step;
            t
        })
        .unwrap()
    }

    #[test]
    fn elapsed_time_limit_is_temperror() {
        // "MTAs or other processors SHOULD impose a limit on the maximum
        // amount of elapsed time to evaluate check_host(). Such a limit
        // SHOULD allow at least 20 seconds. If such a limit is exceeded, the
        // result of authorization SHOULD be "temperror"."
        assert!(config().deadline.is_some_and(|d| d >= NOW + 20));
        let z = include_chain(3);
        let o = with_clock(&z, 8, config());
        assert_eq!(o.result, SpfResult::TempError);
        assert!(!z.asked("d3.example", RecordType::Txt));
        // The same check with a clock that stands still passes.
        assert_eq!(with_clock(&z, 0, config()).result, SpfResult::Pass);
        // And one that takes 18 seconds is within the 20 allowed.
        let z = include_chain(1);
        assert_eq!(with_clock(&z, 6, config()).result, SpfResult::Pass);
    }
}

// ---------------------------------------------------------------------------

/// §4.7 "Default Result".
mod s4_7_default_result {
    use super::*;

    #[test]
    fn no_match_and_no_redirect_is_neutral() {
        // "If none of the mechanisms match and there is no "redirect"
        // modifier, then the check_host() returns a result of "neutral", just
        // as if "?all" were specified as the last directive."
        let z = published("v=spf1 ip4:192.0.2.1 a:a.example");
        let o = check(&z, "198.51.100.1", "joe@example.com");
        assert_eq!((o.result, o.mechanism), (SpfResult::Neutral, None));
        let with_all = published("v=spf1 ip4:192.0.2.1 a:a.example ?all");
        assert_eq!(
            result(&with_all, "198.51.100.1", "joe@example.com"),
            SpfResult::Neutral
        );
        // A record with no terms at all.
        let z = published("v=spf1 ");
        assert_eq!(
            result(&z, "198.51.100.1", "joe@example.com"),
            SpfResult::Neutral
        );
        // Only unknown modifiers.
        let z = published("v=spf1 foo=bar");
        assert_eq!(
            result(&z, "198.51.100.1", "joe@example.com"),
            SpfResult::Neutral
        );
    }

    #[test]
    fn no_match_with_redirect_follows_it() {
        // "If there is a "redirect" modifier, check_host() proceeds as
        // defined in Section 6.1."
        let mut z = published("v=spf1 ip4:192.0.2.1 redirect=red.example");
        z.txt("red.example", "v=spf1 -all");
        assert_eq!(
            result(&z, "198.51.100.1", "joe@example.com"),
            SpfResult::Fail
        );
    }
}

// ---------------------------------------------------------------------------

/// §5 "Mechanism Definitions": what applies to all of them.
mod s5_mechanisms {
    use super::*;

    #[test]
    fn ipv4_mapped_client_is_an_ipv4_client() {
        // "Even if the SMTP connection is via IPv6, an IPv4-mapped IPv6 IP
        // address (see [RFC4291], Section 2.5.5) MUST still be considered an
        // IPv4 address."
        let mut z = appendix_a::zone();
        z.txt("example.com", "v=spf1 a -all");
        z.forget();
        assert_eq!(
            result(&z, "::ffff:192.0.2.10", "joe@example.com"),
            SpfResult::Pass
        );
        assert!(z.asked("example.com", RecordType::A));
        assert!(!z.asked("example.com", RecordType::Aaaa));
        let z = published("v=spf1 ip4:192.0.2.0/24 -all");
        assert_eq!(
            result(&z, "::ffff:192.0.2.10", "joe@example.com"),
            SpfResult::Pass
        );
        // ... and not an IPv6 one.
        let z = published("v=spf1 ip6:::ffff:0:0/96 -all");
        assert_eq!(
            result(&z, "::ffff:192.0.2.10", "joe@example.com"),
            SpfResult::Fail
        );
        // The macros see it as IPv4 too.
        let mut z = published("v=spf1 exists:%{ir}.%{v}._spf.%{d} -all");
        z.addr("10.2.0.192.in-addr._spf.example.com", "127.0.0.2");
        assert_eq!(
            result(&z, "::ffff:192.0.2.10", "joe@example.com"),
            SpfResult::Pass
        );
    }

    #[test]
    fn address_lookups_follow_the_client_family() {
        // "When any mechanism fetches host addresses to compare with <ip>,
        // when <ip> is an IPv4, "A" records are fetched; when <ip> is an IPv6
        // address, "AAAA" records are fetched."
        let mut z = published("v=spf1 a:host.example mx -all");
        z.addr("host.example", "192.0.2.1")
            .addr("host.example", "2001:db8::1")
            .mx("example.com", 10, "mx.example.com")
            .addr("mx.example.com", "192.0.2.2")
            .addr("mx.example.com", "2001:db8::2");
        for host in ["192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2"] {
            assert_eq!(
                result(&z, host, "joe@example.com"),
                SpfResult::Pass,
                "{host}"
            );
        }
        z.forget();
        assert_eq!(
            result(&z, "2001:db8::9", "joe@example.com"),
            SpfResult::Fail
        );
        assert!(z.asked("host.example", RecordType::Aaaa));
        assert!(z.asked("mx.example.com", RecordType::Aaaa));
        assert!(!z.asked("host.example", RecordType::A));
        assert!(!z.asked("mx.example.com", RecordType::A));
    }

    #[test]
    fn dns_errors_in_mechanisms_are_temperror() {
        // "if the DNS server returns an error (RCODE other than 0 or 3) or
        // the query times out, the mechanism stops and the topmost
        // check_host() returns "temperror"."
        for (record, name, rtype) in [
            ("v=spf1 a:bad.example +all", "bad.example", RecordType::A),
            ("v=spf1 mx:bad.example +all", "bad.example", RecordType::Mx),
            (
                "v=spf1 exists:bad.example +all",
                "bad.example",
                RecordType::A,
            ),
            (
                "v=spf1 include:bad.example +all",
                "bad.example",
                RecordType::Txt,
            ),
        ] {
            let mut z = published(record);
            z.fail(name, rtype, Failure::ServerFailure);
            assert_eq!(
                result(&z, "192.0.2.1", "joe@example.com"),
                SpfResult::TempError,
                "{record}"
            );
        }
        // An include's own mechanism: still the topmost check_host().
        let mut z = published("v=spf1 include:inc.example +all");
        z.txt("inc.example", "v=spf1 a:bad.example -all").fail(
            "bad.example",
            RecordType::A,
            Failure::Timeout,
        );
        assert_eq!(
            result(&z, "192.0.2.1", "joe@example.com"),
            SpfResult::TempError
        );
    }

    #[test]
    fn name_error_is_zero_answers() {
        // "If the server returns "Name Error" (RCODE 3), then evaluation of
        // the mechanism continues as if the server returned no error (RCODE
        // 0) and zero answer records."
        let z = published("v=spf1 a:gone.example mx:gone.example ip4:192.0.2.1 -all");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Pass);
        assert_eq!(result(&z, "192.0.2.2", "joe@example.com"), SpfResult::Fail);
    }
}

// ---------------------------------------------------------------------------

/// §5.1 "all".
mod s5_1_all {
    use super::*;

    #[test]
    fn all_always_matches() {
        // "The "all" mechanism is a test that always matches."
        for host in ["192.0.2.1", "2001:db8::1", "::ffff:198.51.100.1"] {
            assert_eq!(
                result(&published("v=spf1 ~all"), host, "joe@example.com"),
                SpfResult::SoftFail
            );
        }
    }

    #[test]
    fn mechanisms_after_all_are_ignored() {
        // "Mechanisms after "all" will never be tested. Mechanisms listed
        // after "all" MUST be ignored."
        let mut z = published("v=spf1 -all a:slow.example include:gone.example");
        z.fail("slow.example", RecordType::A, Failure::Timeout);
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!((o.result, o.dns_lookups), (SpfResult::Fail, 0));
        assert_eq!(z.lookups(), 1);
    }

    #[test]
    fn redirect_is_ignored_when_all_is_present() {
        // "Any "redirect" modifier (Section 6.1) MUST be ignored when there
        // is an "all" mechanism in the record, regardless of the relative
        // ordering of the terms."
        let mut z = published("v=spf1 redirect=red.example ip4:192.0.2.1 ?all");
        z.txt("red.example", "v=spf1 -all");
        assert_eq!(
            result(&z, "198.51.100.1", "joe@example.com"),
            SpfResult::Neutral
        );
        assert!(!z.asked("red.example", RecordType::Txt));
    }
}

// ---------------------------------------------------------------------------

/// §5.2 "include".
mod s5_2_include {
    use super::*;

    /// Targets whose check_host() gives each result of the table, and
    /// `top-<x>.example` records including them.
    fn zone() -> Zone {
        let mut z = Zone::new();
        z.txt("pass.example", "v=spf1 +all")
            .txt("fail.example", "v=spf1 -all")
            .txt("softfail.example", "v=spf1 ~all")
            .txt("neutral.example", "v=spf1 ?all")
            .txt("temperror.example", "v=spf1 a:slow.example -all")
            .fail("slow.example", RecordType::A, Failure::ServerFailure)
            .txt("permerror.example", "v=spf1 foo:bar -all")
            .txt("no-spf.example", "google-site-verification=abc")
            .empty("empty.example");
        for target in [
            "pass",
            "fail",
            "softfail",
            "neutral",
            "temperror",
            "permerror",
            "no-spf",
            "empty",
            "absent",
        ] {
            z.txt(
                &format!("top-{target}.example"),
                &format!("v=spf1 -include:{target}.example ?all"),
            );
        }
        z
    }

    fn include_result(target: &str) -> SpfOutcome {
        check(&zone(), "192.0.2.1", &format!("joe@top-{target}.example"))
    }

    #[test]
    fn pass_matches() {
        // "| pass | match |" -- and the include's own qualifier gives the
        // result.
        let o = include_result("pass");
        assert_eq!(
            (o.result, o.mechanism.as_deref()),
            (SpfResult::Fail, Some("-include:pass.example"))
        );
    }

    #[test]
    fn fail_softfail_neutral_do_not_match() {
        // "| fail | not match |", "| softfail | not match |", "| neutral |
        // not match |"
        for target in ["fail", "softfail", "neutral"] {
            let o = include_result(target);
            assert_eq!(
                (o.result, o.mechanism.as_deref()),
                (SpfResult::Neutral, Some("?all")),
                "{target}"
            );
        }
    }

    #[test]
    fn temperror_and_permerror_propagate() {
        // "| temperror | return temperror |", "| permerror | return permerror |"
        assert_eq!(include_result("temperror").result, SpfResult::TempError);
        assert_eq!(include_result("permerror").result, SpfResult::PermError);
    }

    #[test]
    fn none_is_permerror() {
        // "| none | return permerror |"
        for target in ["no-spf", "empty", "absent"] {
            assert_eq!(
                include_result(target).result,
                SpfResult::PermError,
                "{target}"
            );
        }
    }

    #[test]
    fn fail_in_the_included_record_does_not_end_the_check() {
        // "evaluating a "-all" directive in the referenced record does not
        // terminate the overall processing and does not necessarily result in
        // an overall "fail"."
        let mut z = published("v=spf1 include:a.example include:b.example ~all");
        z.txt("a.example", "v=spf1 ip4:192.0.2.1 -all")
            .txt("b.example", "v=spf1 ip4:192.0.2.2 -all");
        let o = check(&z, "192.0.2.2", "joe@example.com");
        assert_eq!(
            (o.result, o.mechanism.as_deref()),
            (SpfResult::Pass, Some("include:b.example"))
        );
        assert_eq!(
            result(&z, "192.0.2.3", "joe@example.com"),
            SpfResult::SoftFail
        );
    }

    #[test]
    fn ip_and_sender_stay_domain_changes() {
        // "check_host() is evaluated with the resulting string as the
        // <domain>. The <ip> and <sender> arguments remain the same as in the
        // current evaluation of check_host()."
        let mut z = published("v=spf1 include:_spf.%{d} -all");
        z.txt(
            "_spf.example.com",
            "v=spf1 exists:%{l}.%{o}.%{i}.in.%{d} a -all",
        )
        .addr("joe.example.com.192.0.2.1.in._spf.example.com", "127.0.0.2")
        .addr("_spf.example.com", "192.0.2.7");
        z.forget();
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Pass);
        assert!(z.asked("_spf.example.com", RecordType::Txt));
        // "a" without a domain-spec is the include's <domain>.
        assert_eq!(result(&z, "192.0.2.7", "joe@example.com"), SpfResult::Pass);
        assert_eq!(result(&z, "192.0.2.8", "joe@example.com"), SpfResult::Fail);
    }
}

// ---------------------------------------------------------------------------

/// §5.3 "a".
mod s5_3_a {
    use super::*;

    #[test]
    fn a_matches_the_target_addresses() {
        // "An address lookup is done on the <target-name> using the type of
        // lookup (A or AAAA) appropriate for the connection type (IPv4 or
        // IPv6). The <ip> is compared to the returned address(es). If any
        // address matches, the mechanism matches."
        let mut z = published("v=spf1 a a:other.example -all");
        z.addr("example.com", "192.0.2.1")
            .addr("example.com", "192.0.2.2")
            .addr("other.example", "198.51.100.1")
            .addr("other.example", "2001:db8::1");
        for host in ["192.0.2.1", "192.0.2.2", "198.51.100.1", "2001:db8::1"] {
            assert_eq!(
                result(&z, host, "joe@example.com"),
                SpfResult::Pass,
                "{host}"
            );
        }
        assert_eq!(result(&z, "192.0.2.3", "joe@example.com"), SpfResult::Fail);
    }

    #[test]
    fn a_follows_cnames() {
        // Appendix A's www.example.com is a CNAME to example.com.
        let mut z = appendix_a::zone();
        z.txt("example.org", "v=spf1 a:www.example.com -all");
        assert_eq!(result(&z, "192.0.2.10", "joe@example.org"), SpfResult::Pass);
        assert_eq!(result(&z, "192.0.2.65", "joe@example.org"), SpfResult::Fail);
    }

    #[test]
    fn dual_cidr_length() {
        // a = "a" [ ":" domain-spec ] [ dual-cidr-length ];
        // dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]
        let mut z = published("v=spf1 a/24//64 -all");
        z.addr("example.com", "192.0.2.1")
            .addr("example.com", "2001:db8:1:2::1");
        for (host, expected) in [
            ("192.0.2.200", SpfResult::Pass),
            ("192.0.3.1", SpfResult::Fail),
            ("2001:db8:1:2:ffff::1", SpfResult::Pass),
            ("2001:db8:1:3::1", SpfResult::Fail),
        ] {
            assert_eq!(result(&z, host, "joe@example.com"), expected, "{host}");
        }
        // Only the IPv6 length: IPv4 compares whole addresses.
        let mut z = published("v=spf1 a:h.example//48 -all");
        z.addr("h.example", "192.0.2.1")
            .addr("h.example", "2001:db8:1::1");
        assert_eq!(
            result(&z, "2001:db8:1:ff::9", "joe@example.com"),
            SpfResult::Pass
        );
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Pass);
        assert_eq!(result(&z, "192.0.2.2", "joe@example.com"), SpfResult::Fail);
    }
}

// ---------------------------------------------------------------------------

/// §5.4 "mx".
mod s5_4_mx {
    use super::*;

    #[test]
    fn mx_matches_the_mx_hosts_addresses() {
        // "check_host() first performs an MX lookup on the <target-name>.
        // Then it performs an address lookup on each MX name returned. The
        // <ip> is compared to each returned IP address. ... If any address
        // matches, the mechanism matches."
        let mut z = published("v=spf1 mx:mail.example -all");
        z.mx("mail.example", 10, "a.mail.example")
            .mx("mail.example", 20, "b.mail.example")
            .addr("a.mail.example", "192.0.2.1")
            .addr("b.mail.example", "192.0.2.2")
            .addr("b.mail.example", "2001:db8::2");
        for host in ["192.0.2.1", "192.0.2.2", "2001:db8::2"] {
            assert_eq!(
                result(&z, host, "joe@example.com"),
                SpfResult::Pass,
                "{host}"
            );
        }
        assert_eq!(result(&z, "192.0.2.3", "joe@example.com"), SpfResult::Fail);
    }

    #[test]
    fn no_implicit_mx() {
        // "If the <target-name> has no MX record, check_host() MUST NOT apply
        // the implicit MX rules of [RFC5321] by querying for an A or AAAA
        // record for the same name."
        let mut z = published("v=spf1 mx -all");
        z.addr("example.com", "192.0.2.1");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Fail);
        assert!(z.asked("example.com", RecordType::Mx));
        assert!(!z.asked("example.com", RecordType::A));
    }

    #[test]
    fn mx_lookup_error_is_temperror() {
        // §5: "if the DNS server returns an error ... the topmost
        // check_host() returns "temperror"."
        let mut z = published("v=spf1 mx +all");
        z.fail("example.com", RecordType::Mx, Failure::Timeout);
        assert_eq!(
            result(&z, "192.0.2.1", "joe@example.com"),
            SpfResult::TempError
        );
    }
}

// ---------------------------------------------------------------------------

/// §5.5 "ptr (do not use)".
mod s5_5_ptr {
    use super::*;

    #[test]
    fn validated_name_in_or_under_the_target_matches() {
        // "Check all validated domain names to see if they either match the
        // <target-name> domain or are a subdomain of the <target-name>
        // domain. If any do, this mechanism matches."
        let mut z = published("v=spf1 ptr ptr:example.net -all");
        z.ptr("192.0.2.1", "example.com")
            .addr("example.com", "192.0.2.1")
            .ptr("192.0.2.2", "deep.mail.example.com")
            .addr("deep.mail.example.com", "192.0.2.2")
            .ptr("192.0.2.3", "mx.example.net")
            .addr("mx.example.net", "192.0.2.3");
        for host in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
            assert_eq!(
                result(&z, host, "joe@example.com"),
                SpfResult::Pass,
                "{host}"
            );
        }
    }

    #[test]
    fn not_under_the_target_does_not_match() {
        // "For example, "mail.example.com" is within the domain
        // "example.com", but "mail.bad-example.com" is not."
        let mut z = published("v=spf1 ptr -all");
        z.ptr("192.0.2.1", "mail.bad-example.com")
            .addr("mail.bad-example.com", "192.0.2.1")
            .ptr("192.0.2.2", "example.com.evil.example")
            .addr("example.com.evil.example", "192.0.2.2");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Fail);
        assert_eq!(result(&z, "192.0.2.2", "joe@example.com"), SpfResult::Fail);
    }

    #[test]
    fn names_must_validate() {
        // "For each record returned, validate the domain name by looking up
        // its IP addresses. ... If <ip> is among the returned IP addresses,
        // then that domain name is validated."
        let mut z = published("v=spf1 ptr -all");
        z.ptr("192.0.2.1", "liar.example.com")
            .addr("liar.example.com", "192.0.2.99")
            .ptr("192.0.2.1", "nowhere.example.com")
            .ptr("192.0.2.2", "liar.example.com")
            .ptr("192.0.2.2", "good.example.com")
            .addr("good.example.com", "192.0.2.2");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Fail);
        assert_eq!(result(&z, "192.0.2.2", "joe@example.com"), SpfResult::Pass);
    }

    #[test]
    fn ptr_lookup_error_does_not_match() {
        // "If a DNS error occurs while doing the PTR RR lookup, then this
        // mechanism fails to match."
        let mut z = published("v=spf1 ptr ?all");
        z.fail(
            reverse_name(ip("192.0.2.1")).as_str(),
            RecordType::Ptr,
            Failure::ServerFailure,
        );
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!(
            (o.result, o.mechanism.as_deref()),
            (SpfResult::Neutral, Some("?all"))
        );
    }

    #[test]
    fn address_lookup_error_skips_the_name() {
        // "If a DNS error occurs while doing an A RR lookup, then that domain
        // name is skipped and the search continues."
        let mut z = published("v=spf1 ptr -all");
        z.ptr("192.0.2.1", "broken.example.com")
            .fail("broken.example.com", RecordType::A, Failure::Timeout)
            .ptr("192.0.2.1", "good.example.com")
            .addr("good.example.com", "192.0.2.1");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Pass);
        let mut z = published("v=spf1 ptr -all");
        z.ptr("192.0.2.1", "broken.example.com").fail(
            "broken.example.com",
            RecordType::A,
            Failure::Timeout,
        );
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Fail);
    }

    #[test]
    fn ipv6_reverse_mapping() {
        // "Look up the corresponding PTR record in "in-addr.arpa." if the
        // address is an IPv4 address and in "ip6.arpa." if it is an IPv6
        // address."
        let mut z = published("v=spf1 ptr -all");
        z.ptr("2001:db8::cb01", "mail.example.com")
            .addr("mail.example.com", "2001:db8::cb01");
        assert_eq!(
            result(&z, "2001:db8::cb01", "joe@example.com"),
            SpfResult::Pass
        );
        assert!(z.asked(
            "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
            RecordType::Ptr
        ));
        assert!(z.asked("mail.example.com", RecordType::Aaaa));
    }
}

// ---------------------------------------------------------------------------

/// §5.6 "ip4" and "ip6".
mod s5_6_ip4_ip6 {
    use super::*;

    #[test]
    fn cidr_lengths() {
        // "If ip4-cidr-length is omitted, it is taken to be "/32". If
        // ip6-cidr-length is omitted, it is taken to be "/128"."
        let z = published(
            "v=spf1 ip4:192.0.2.1 ip6:2001:db8::1 ip4:198.51.100.0/24 ip6:2001:db8:1::/48 -all",
        );
        for (host, expected) in [
            ("192.0.2.1", SpfResult::Pass),
            ("192.0.2.2", SpfResult::Fail),
            ("2001:db8::1", SpfResult::Pass),
            ("2001:db8::2", SpfResult::Fail),
            ("198.51.100.255", SpfResult::Pass),
            ("198.51.101.0", SpfResult::Fail),
            ("2001:db8:1:ffff::1", SpfResult::Pass),
            ("2001:db8:2::1", SpfResult::Fail),
        ] {
            assert_eq!(result(&z, host, "joe@example.com"), expected, "{host}");
        }
        // "/0" is every address of the family, and no other.
        let z = published("v=spf1 ip4:0.0.0.0/0 -all");
        assert_eq!(
            result(&z, "203.0.113.9", "joe@example.com"),
            SpfResult::Pass
        );
        assert_eq!(
            result(&z, "2001:db8::1", "joe@example.com"),
            SpfResult::Fail
        );
        let z = published("v=spf1 ip6:::/0 -all");
        assert_eq!(
            result(&z, "2001:db8::1", "joe@example.com"),
            SpfResult::Pass
        );
        assert_eq!(
            result(&z, "203.0.113.9", "joe@example.com"),
            SpfResult::Fail
        );
    }

    #[test]
    fn malformed_networks_are_permerror() {
        // "It is not permitted to omit parts of the IP address instead of
        // using CIDR notations." ip4-cidr-length: "value range 0-32",
        // ip6-cidr-length: "value range 0-128".
        for record in [
            "v=spf1 ip4:192.0.2 -all",
            "v=spf1 ip4:192.0.2.0/33 -all",
            "v=spf1 ip6:2001:db8::/129 -all",
            "v=spf1 ip4:2001:db8::1 -all",
            "v=spf1 ip6:192.0.2.1 -all",
            "v=spf1 ip4 -all",
        ] {
            let z = published(record);
            assert_eq!(
                result(&z, "192.0.2.1", "joe@example.com"),
                SpfResult::PermError,
                "{record}"
            );
        }
    }
}

// ---------------------------------------------------------------------------

/// §5.7 "exists".
mod s5_7_exists {
    use super::*;

    #[test]
    fn exists_is_an_a_query_for_any_client() {
        // "The resulting domain name is used for a DNS A RR lookup (even when
        // the connection type is IPv6). If any A record is returned, this
        // mechanism matches."
        let mut z = published("v=spf1 exists:ok.example -all");
        z.addr("ok.example", "127.0.0.2");
        for host in ["192.0.2.1", "2001:db8::1"] {
            z.forget();
            assert_eq!(
                result(&z, host, "joe@example.com"),
                SpfResult::Pass,
                "{host}"
            );
            assert!(z.asked("ok.example", RecordType::A));
            assert!(!z.asked("ok.example", RecordType::Aaaa));
        }
    }

    #[test]
    fn only_a_records_count() {
        // "If any A record is returned, this mechanism matches." -- an AAAA
        // record is not one.
        let mut z = published("v=spf1 exists:v6only.example -all");
        z.addr("v6only.example", "2001:db8::1");
        assert_eq!(
            result(&z, "2001:db8::1", "joe@example.com"),
            SpfResult::Fail
        );
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Fail);
        // Nor does a name that does not exist.
        let z = published("v=spf1 exists:gone.example -all");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Fail);
    }
}

// ---------------------------------------------------------------------------

/// §6.1 "redirect: Redirected Query".
mod s6_1_redirect {
    use super::*;

    #[test]
    fn ignored_when_a_directive_matched() {
        // "If all mechanisms fail to match, and a "redirect" modifier is
        // present, then processing proceeds as follows" -- and not otherwise.
        let mut z = published("v=spf1 ip4:192.0.2.1 redirect=red.example");
        z.txt("red.example", "v=spf1 -all");
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!((o.result, o.dns_lookups), (SpfResult::Pass, 0));
        assert!(!z.asked("red.example", RecordType::Txt));
        let mut z = published("v=spf1 -ip4:192.0.2.1 redirect=red.example");
        z.txt("red.example", "v=spf1 +all");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Fail);
    }

    #[test]
    fn result_of_the_target_is_the_result() {
        // "The result of this new evaluation of check_host() is then
        // considered the result of the current evaluation"
        let mut z = published("v=spf1 ip4:192.0.2.1 redirect=red.example");
        z.txt("red.example", "v=spf1 ip4:192.0.2.2 ~all");
        let o = check(&z, "192.0.2.2", "joe@example.com");
        assert_eq!(
            (o.result, o.mechanism.as_deref()),
            (SpfResult::Pass, Some("ip4:192.0.2.2"))
        );
        assert_eq!(
            result(&z, "192.0.2.3", "joe@example.com"),
            SpfResult::SoftFail
        );
        // "Note that the newly queried domain can itself specify redirect
        // processing."
        let mut z = published("v=spf1 redirect=r1.example");
        z.txt("r1.example", "v=spf1 redirect=r2.example")
            .txt("r2.example", "v=spf1 ip4:192.0.2.2 -all");
        assert_eq!(result(&z, "192.0.2.2", "joe@example.com"), SpfResult::Pass);
        assert_eq!(result(&z, "192.0.2.3", "joe@example.com"), SpfResult::Fail);
    }

    #[test]
    fn target_without_record_is_permerror() {
        // "... with the exception that if no SPF record is found, or if the
        // <target-name> is malformed, the result is a "permerror" rather than
        // "none"."
        let mut z = Zone::new();
        z.txt("nx.example", "v=spf1 redirect=gone.example")
            .txt("nodata.example", "v=spf1 redirect=empty.example")
            .empty("empty.example")
            .txt("nospf.example", "v=spf1 redirect=other.example")
            .txt("other.example", "not an spf record");
        for domain in ["nx.example", "nodata.example", "nospf.example"] {
            assert_eq!(
                result(&z, "192.0.2.1", &format!("joe@{domain}")),
                SpfResult::PermError,
                "{domain}"
            );
        }
    }

    #[test]
    fn malformed_target_is_permerror() {
        // "... or if the <target-name> is malformed, the result is a
        // "permerror" rather than "none"."
        let mut z = published("v=spf1 redirect=%{l}.example.net");
        z.txt(&format!("{}.example.net", "a".repeat(63)), "v=spf1 +all");
        let long = "a".repeat(64);
        assert_eq!(
            result(&z, "192.0.2.1", &format!("{long}@example.com")),
            SpfResult::PermError
        );
        let ok = "a".repeat(63);
        assert_eq!(
            result(&z, "192.0.2.1", &format!("{ok}@example.com")),
            SpfResult::Pass
        );
    }

    #[test]
    fn target_is_the_new_domain() {
        // "Then check_host() is evaluated with the resulting string as the
        // <domain>." -- so %{d} and mechanisms without a domain-spec use it.
        let mut z = published("v=spf1 redirect=_spf.example.com");
        z.txt(
            "_spf.example.com",
            "v=spf1 a exists:%{d}.allowed.example -all",
        )
        .addr("_spf.example.com", "192.0.2.2")
        .addr("example.com", "192.0.2.3")
        .addr("_spf.example.com.allowed.example", "127.0.0.2");
        assert_eq!(result(&z, "192.0.2.2", "joe@example.com"), SpfResult::Pass);
        z.forget();
        // exists matches every client here; check what it asked.
        assert_eq!(result(&z, "192.0.2.3", "joe@example.com"), SpfResult::Pass);
        assert!(z.asked("_spf.example.com.allowed.example", RecordType::A));
        assert!(!z.asked("example.com.allowed.example", RecordType::A));
    }
}

// ---------------------------------------------------------------------------

/// §6.2 "exp: Explanation".
mod s6_2_exp {
    use super::*;

    #[test]
    fn explanation_on_fail_with_macros() {
        // "If check_host() results in a "fail" due to a mechanism match (such
        // as "-all"), and the "exp" modifier is present, then the explanation
        // string returned is computed as described below." c, r and t are
        // allowed in it (§7.2).
        let mut z = published("v=spf1 ip4:192.0.2.1 -all exp=explain._spf.%{d}");
        z.txt(
            "explain._spf.example.com",
            "%{c} is not allowed to send mail for %{o} (%{d}, %{s}, %{r}, %{t})",
        );
        let o = check(&z, "192.0.2.9", "joe@example.com");
        assert_eq!(o.result, SpfResult::Fail);
        assert_eq!(
            o.explanation.as_deref(),
            Some(
                "192.0.2.9 is not allowed to send mail for example.com \
                 (example.com, joe@example.com, mx.receiver.example, 1700000000)"
            )
        );
        // §7.3: "The "c" macro can expand to any of the hexadecimal
        // colon-format addresses specified in [RFC4291], Section 2.2."
        let o = check(&z, "2001:db8::cb01", "joe@example.com");
        assert!(
            o.explanation
                .as_deref()
                .unwrap()
                .starts_with("2001:db8::cb01 is not allowed")
        );
    }

    #[test]
    fn r_is_unknown_without_a_receiver_name() {
        // §7.3: "if one does not exist ... the word "unknown" SHOULD be
        // substituted."
        let mut z = published("v=spf1 -all exp=why.example");
        z.txt("why.example", "checked by %{r}");
        let mut c = config();
        c.receiver = String::new();
        let o = run(
            &z,
            SpfEvaluator::mail_from(ip("192.0.2.1"), HELO, "joe@example.com", c),
        );
        assert_eq!(o.explanation.as_deref(), Some("checked by unknown"));
    }

    #[test]
    fn only_on_fail() {
        // "If check_host() results in a "fail" ..." -- no other result has an
        // explanation, and none is looked up.
        for record in [
            "v=spf1 ~all exp=why.example",
            "v=spf1 ?all exp=why.example",
            "v=spf1 +all exp=why.example",
            "v=spf1 exp=why.example",
            "v=spf1 a:bad.example -all exp=why.example",
        ] {
            let mut z = published(record);
            z.txt("why.example", "no")
                .fail("bad.example", RecordType::A, Failure::ServerFailure);
            let o = check(&z, "192.0.2.1", "joe@example.com");
            assert_ne!(o.result, SpfResult::Fail);
            assert_eq!(o.explanation, None, "{record}");
            assert!(!z.asked("why.example", RecordType::Txt), "{record}");
        }
        // A fail through "-include" is a mechanism match too.
        let mut z = published("v=spf1 -include:inc.example +all exp=why.example");
        z.txt("inc.example", "v=spf1 +all").txt("why.example", "no");
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!(
            (o.result, o.explanation.as_deref()),
            (SpfResult::Fail, Some("no"))
        );
    }

    #[test]
    fn no_exp_from_an_include_target() {
        // "Note: During recursion into an "include" mechanism, an "exp"
        // modifier from the <target-name> MUST NOT be used."
        let mut z = published("v=spf1 include:inc.example -all exp=top.example");
        z.txt("inc.example", "v=spf1 -all exp=inc-exp.example")
            .txt("top.example", "top says no")
            .txt("inc-exp.example", "include says no");
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!(
            (o.result, o.explanation.as_deref()),
            (SpfResult::Fail, Some("top says no"))
        );
        assert!(!z.asked("inc-exp.example", RecordType::Txt));
        // Without an exp= of its own, the top record has no explanation.
        let mut z = published("v=spf1 include:inc.example -all");
        z.txt("inc.example", "v=spf1 -all exp=inc-exp.example")
            .txt("inc-exp.example", "include says no");
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!((o.result, o.explanation), (SpfResult::Fail, None));
    }

    #[test]
    fn redirect_uses_the_targets_exp_only() {
        // "In contrast, when executing a "redirect" modifier, an "exp"
        // modifier from the original domain MUST NOT be used."
        let mut z = published("v=spf1 redirect=red.example exp=orig.example");
        z.txt("red.example", "v=spf1 -all")
            .txt("orig.example", "original says no");
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!((o.result, o.explanation), (SpfResult::Fail, None));
        assert!(!z.asked("orig.example", RecordType::Txt));
        let mut z = published("v=spf1 redirect=red.example exp=orig.example");
        z.txt("red.example", "v=spf1 -all exp=red-exp.%{d}")
            .txt("red-exp.red.example", "%{d} says no to %{o}")
            .txt("orig.example", "original says no");
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!(
            o.explanation.as_deref(),
            Some("red.example says no to example.com")
        );
    }

    #[test]
    fn unusable_explanation_record_gives_no_explanation() {
        // "If there are any DNS processing errors (any RCODE other than 0),
        // or if no records are returned, or if more than one record is
        // returned, or if there are syntax errors in the explanation string,
        // then proceed as if no "exp" modifier was given."
        let mut z = Zone::new();
        z.txt("nx.example", "v=spf1 -all exp=gone.example")
            .txt("nodata.example", "v=spf1 -all exp=empty.example")
            .empty("empty.example")
            .txt("two.example", "v=spf1 -all exp=two-exp.example")
            .txt("two-exp.example", "one")
            .txt("two-exp.example", "two")
            .txt("err.example", "v=spf1 -all exp=err-exp.example")
            .fail("err-exp.example", RecordType::Txt, Failure::ServerFailure)
            .txt("slow.example", "v=spf1 -all exp=slow-exp.example")
            .fail("slow-exp.example", RecordType::Txt, Failure::Timeout)
            .txt("syntax.example", "v=spf1 -all exp=syntax-exp.example")
            .txt("syntax-exp.example", "bad macro %{x} here")
            .txt("percent.example", "v=spf1 -all exp=percent-exp.example")
            .txt("percent-exp.example", "100% wrong");
        for domain in [
            "nx.example",
            "nodata.example",
            "two.example",
            "err.example",
            "slow.example",
            "syntax.example",
            "percent.example",
        ] {
            let o = check(&z, "192.0.2.1", &format!("joe@{domain}"));
            assert_eq!(
                (o.result, o.explanation),
                (SpfResult::Fail, None),
                "{domain}"
            );
        }
    }

    #[test]
    fn explanation_strings_are_joined_without_spaces() {
        // "The fetched TXT record's strings are concatenated with no spaces,
        // and then treated as an explain-string, which is macro-expanded."
        let mut z = published("v=spf1 -all exp=why.example");
        z.txt_strings("why.example", &["%{i} is not ", "allowed", "; see %{o}"]);
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!(
            o.explanation.as_deref(),
            Some("192.0.2.1 is not allowed; see example.com")
        );
    }

    #[test]
    fn exp_lookup_is_not_a_void_lookup() {
        // §4.6.4: "the "exp" modifier only causes a lookup at a later time";
        // its lookup is not one of the evaluation's void lookups.
        let z = published("v=spf1 a:void1.example a:void2.example -all exp=gone.example");
        let o = check(&z, "192.0.2.1", "joe@example.com");
        assert_eq!(o.result, SpfResult::Fail);
        assert_eq!(o.explanation, None);
        assert_eq!(o.void_lookups, 2);
        assert!(z.asked("gone.example", RecordType::Txt));
    }

    #[test]
    fn deadline_during_the_explanation_keeps_the_fail() {
        // §4.6.4: "the "exp" modifier only causes a lookup at a later time";
        // §6.2: on "any DNS processing errors ... proceed as if no "exp"
        // modifier was given." The authorization result (fail) was reached
        // within the limit; only the explanation is late.
        let mut z = published("v=spf1 -all exp=why.example");
        z.txt("why.example", "no");
        let mut e = SpfEvaluator::mail_from(ip("192.0.2.1"), HELO, "joe@example.com", config());
        let mut times = [NOW, NOW + 1, NOW + 30, NOW + 31].into_iter();
        let o =
            mailsec_dns::drive_with_clock(&mut e, &z, || times.next().unwrap_or(NOW + 40)).unwrap();
        assert_eq!(o.result, SpfResult::Fail, "{o:?}");
        assert_eq!(o.explanation, None);
    }
}

// ---------------------------------------------------------------------------

/// §7 "Macros", as check_host() uses them.
mod s7_macros {
    use super::*;

    /// §7.4: "The <sender> is strong-bad@email.example.com. The IPv4 SMTP
    /// client IP is 192.0.2.3. The IPv6 SMTP client IP is 2001:db8::cb01.
    /// The PTR domain name of the client IP is mx.example.org."
    fn expands_to(client: &str, macro_string: &str, expansion: &str) {
        let mut z = Zone::new();
        z.txt(
            "email.example.com",
            &format!("v=spf1 exists:{macro_string} -all"),
        )
        .addr(expansion, "127.0.0.2");
        let o = check(&z, client, "strong-bad@email.example.com");
        assert_eq!(o.result, SpfResult::Pass, "{macro_string} -> {expansion}");
        assert!(z.asked(expansion, RecordType::A), "{macro_string}");
    }

    #[test]
    fn expansion_examples_of_7_4() {
        // "%{ir}.%{v}._spf.%{d2}             3.2.0.192.in-addr._spf.example.com"
        // "%{lr-}.lp._spf.%{d2}                  bad.strong.lp._spf.example.com"
        // "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}
        //                      bad.strong.lp.3.2.0.192.in-addr._spf.example.com"
        // "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}
        //                          3.2.0.192.in-addr.strong.lp._spf.example.com"
        // "%{d2}.trusted-domains.example.net
        //                               example.com.trusted-domains.example.net"
        for (macro_string, expansion) in [
            (
                "%{ir}.%{v}._spf.%{d2}",
                "3.2.0.192.in-addr._spf.example.com",
            ),
            ("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
            (
                "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
                "bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
            ),
            (
                "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
                "3.2.0.192.in-addr.strong.lp._spf.example.com",
            ),
            (
                "%{d2}.trusted-domains.example.net",
                "example.com.trusted-domains.example.net",
            ),
        ] {
            expands_to("192.0.2.3", macro_string, expansion);
        }
        // "IPv6: %{ir}.%{v}._spf.%{d2}  1.0.b.c.0.0.0.0.
        //  0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"
        expands_to(
            "2001:db8::cb01",
            "%{ir}.%{v}._spf.%{d2}",
            "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com",
        );
    }

    #[test]
    fn p_is_a_validated_name() {
        // §7.3: "The "p" macro expands to the validated domain name of <ip>.
        // The procedure for finding the validated domain name is outlined in
        // Section 5.5." §7.4: the PTR name of 192.0.2.3 is mx.example.org.
        let mut z = Zone::new();
        z.ptr("192.0.2.3", "mx.example.org")
            .addr("mx.example.org", "192.0.2.3");
        z.txt("email.example.com", "v=spf1 exists:%{p}._spf.%{d2} -all")
            .addr("mx.example.org._spf.example.com", "127.0.0.2")
            .addr("unknown._spf.example.com", "127.0.0.3");
        assert_eq!(
            result(&z, "192.0.2.3", "strong-bad@email.example.com"),
            SpfResult::Pass
        );
        assert!(z.asked("mx.example.org._spf.example.com", RecordType::A));
        // "If there are no validated domain names or if a DNS error occurs,
        // the string "unknown" is used."
        let mut z = Zone::new();
        z.ptr("192.0.2.3", "mx.example.org")
            .addr("mx.example.org", "192.0.2.99")
            .txt("email.example.com", "v=spf1 exists:%{p}._spf.%{d2} -all")
            .addr("unknown._spf.example.com", "127.0.0.3");
        assert_eq!(
            result(&z, "192.0.2.3", "strong-bad@email.example.com"),
            SpfResult::Pass
        );
        assert!(z.asked("unknown._spf.example.com", RecordType::A));
        let mut z = Zone::new();
        z.fail(
            reverse_name(ip("192.0.2.3")).as_str(),
            RecordType::Ptr,
            Failure::ServerFailure,
        )
        .txt("email.example.com", "v=spf1 exists:%{p}._spf.%{d2} -all")
        .addr("unknown._spf.example.com", "127.0.0.3");
        assert_eq!(
            result(&z, "192.0.2.3", "strong-bad@email.example.com"),
            SpfResult::Pass
        );
    }

    #[test]
    fn p_prefers_the_domain_then_a_subdomain() {
        // §7.3: "If the <domain> is present in the list of validated domains,
        // it SHOULD be used. Otherwise, if a subdomain of the <domain> is
        // present, it SHOULD be used. Otherwise, any name from the list can
        // be used."
        let mut z = Zone::new();
        z.ptr("192.0.2.3", "other.example.net")
            .addr("other.example.net", "192.0.2.3")
            .ptr("192.0.2.3", "mail.email.example.com")
            .addr("mail.email.example.com", "192.0.2.3")
            .txt("email.example.com", "v=spf1 exists:%{p}.p.example.org -all")
            .addr("mail.email.example.com.p.example.org", "127.0.0.2")
            .addr("other.example.net.p.example.org", "127.0.0.3");
        z.forget();
        assert_eq!(
            result(&z, "192.0.2.3", "strong-bad@email.example.com"),
            SpfResult::Pass
        );
        assert!(z.asked("mail.email.example.com.p.example.org", RecordType::A));
        assert!(!z.asked("other.example.net.p.example.org", RecordType::A));
        // The domain itself beats its subdomain.
        z.ptr("192.0.2.3", "email.example.com")
            .addr("email.example.com", "192.0.2.3")
            .addr("email.example.com.p.example.org", "127.0.0.4");
        z.forget();
        assert_eq!(
            result(&z, "192.0.2.3", "strong-bad@email.example.com"),
            SpfResult::Pass
        );
        assert!(z.asked("email.example.com.p.example.org", RecordType::A));
        assert!(!z.asked("mail.email.example.com.p.example.org", RecordType::A));
    }

    #[test]
    fn sender_macros_stay_through_include_and_redirect() {
        // §7.3: "Note that these values remain the same during recursive and
        // chained evaluations due to "include" and/or "redirect"." -- while
        // "d" is the current <domain>.
        let mut z = published("v=spf1 include:inc.example redirect=red.example");
        z.txt(
            "inc.example",
            "v=spf1 exists:%{l}.%{o}.%{d}.i.check.example -all",
        )
        .txt(
            "red.example",
            "v=spf1 exists:%{s}.%{d}.r.check.example -all",
        );
        z.forget();
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Fail);
        assert!(z.asked("joe.example.com.inc.example.i.check.example", RecordType::A));
        assert!(z.asked("joe@example.com.red.example.r.check.example", RecordType::A));
    }

    #[test]
    fn h_is_the_helo_name() {
        // §7.3: "The "h" macro expands to the parameter that was provided to
        // the SMTP server via the HELO or EHLO SMTP verb."
        let mut z = published("v=spf1 exists:%{h}.helo.%{d} -all");
        z.addr(&format!("{HELO}.helo.example.com"), "127.0.0.2");
        assert_eq!(result(&z, "192.0.2.1", "joe@example.com"), SpfResult::Pass);
    }

    #[test]
    fn upper_case_macros_are_url_escaped() {
        // §7.3: "Uppercase macros expand exactly as their lowercase
        // equivalents, and are then URL escaped. URL escaping MUST be
        // performed for characters not in the "unreserved" set, which is
        // defined in [RFC3986]."
        let mut z = published("v=spf1 exists:%{L}.l.%{d} -all");
        z.addr("foo%2Bbar.l.example.com", "127.0.0.2");
        assert_eq!(
            result(&z, "192.0.2.1", "foo+bar@example.com"),
            SpfResult::Pass
        );
        assert!(z.asked("foo%2bbar.l.example.com", RecordType::A));
    }

    #[test]
    fn c_r_t_only_in_explanations() {
        // §7.2: "The following macro letters are allowed only in "exp" text:
        // c, r, t"
        for letter in ["c", "r", "t"] {
            let z = published(&format!("v=spf1 exists:%{{{letter}}}.example.com -all"));
            assert_eq!(
                result(&z, "192.0.2.1", "joe@example.com"),
                SpfResult::PermError,
                "%{{{letter}}}"
            );
        }
    }

    #[test]
    fn long_expansions_are_truncated_on_the_left() {
        // §7.3: "When the result of macro expansion is used in a domain name
        // query, if the expanded domain name exceeds 253 characters (the
        // maximum length of a domain name in this format), the left side is
        // truncated to fit, by removing successive domain labels (and their
        // following dots) until the total length does not exceed 253
        // characters."
        let labels: Vec<String> = ["a", "b", "c", "d"].iter().map(|c| c.repeat(60)).collect();
        let local = labels.join(".");
        let mut z = published("v=spf1 exists:%{l}.t.example.com -all");
        // 4 * 61 + "t.example.com" = 257: the first label goes.
        let truncated = format!("{}.t.example.com", labels[1..].join("."));
        assert!(truncated.len() <= 253);
        z.addr(&truncated, "127.0.0.2");
        assert_eq!(
            result(&z, "192.0.2.1", &format!("{local}@example.com")),
            SpfResult::Pass
        );
        assert!(z.asked(&truncated, RecordType::A));
    }
}

// ---------------------------------------------------------------------------

/// §9.1 "Received-SPF Header Field".
mod s9_1_received_spf {
    use super::*;

    fn header(outcome: &SpfOutcome, client: &str, helo: &str) -> String {
        received_spf(outcome, ip(client), helo, RECEIVER)
    }

    #[test]
    fn mail_from_check_fields() {
        // header-field = "Received-SPF:" [CFWS] result FWS [comment FWS]
        //                [ key-value-list ] CRLF
        // "SPF verifiers SHOULD give enough information so that the SPF
        // results can be verified. That is, at least "client-ip", "helo",
        // and, if the "MAIL FROM" identity was checked, "envelope-from"."
        let z = published("v=spf1 ip4:192.0.2.1 -all");
        let o = check(&z, "192.0.2.1", "alice@example.com");
        let h = header(&o, "192.0.2.1", HELO);
        assert!(h.starts_with("pass ("), "{h}");
        for field in [
            "client-ip=192.0.2.1;",
            // key-value-pair = key [CFWS] "=" ( dot-atom / quoted-string ):
            // "@" is not atext, so the mailbox is quoted.
            "envelope-from=\"alice@example.com\";",
            "helo=mail.client.example;",
            "receiver=mx.receiver.example;",
            // identity = "mailfrom" ; for the "MAIL FROM" identity
            "identity=mailfrom",
            "mechanism=\"ip4:192.0.2.1\"",
        ] {
            assert!(h.contains(field), "{field} in {h}");
        }
        let o = check(&z, "198.51.100.1", "alice@example.com");
        let h = header(&o, "198.51.100.1", HELO);
        assert!(h.starts_with("fail ("), "{h}");
        assert!(h.contains("client-ip=198.51.100.1;"), "{h}");
    }

    #[test]
    fn helo_check_fields() {
        // identity = "helo" ; for the "HELO" identity
        let mut z = Zone::new();
        z.txt(HELO, "v=spf1 a -all").addr(HELO, "192.0.2.1");
        let o = check_helo(&z, "192.0.2.1", HELO);
        let h = header(&o, "192.0.2.1", HELO);
        assert!(h.starts_with("pass ("), "{h}");
        assert!(h.contains("identity=helo"), "{h}");
        assert!(h.contains("helo=mail.client.example;"), "{h}");
        assert!(h.contains("client-ip=192.0.2.1;"), "{h}");
        assert!(
            h.contains("envelope-from=\"postmaster@mail.client.example\";"),
            "{h}"
        );
    }

    #[test]
    fn every_result_word() {
        // result = "pass" / "fail" / "softfail" / "neutral" / "none" /
        //          "temperror" / "permerror"
        let mut z = Zone::new();
        z.txt("pass.example", "v=spf1 +all")
            .txt("fail.example", "v=spf1 -all")
            .txt("softfail.example", "v=spf1 ~all")
            .txt("neutral.example", "v=spf1 ?all")
            .txt("temperror.example", "v=spf1 a:slow.example")
            .fail("slow.example", RecordType::A, Failure::Timeout)
            .txt("permerror.example", "v=spf1 foo:bar");
        for word in [
            "pass",
            "fail",
            "softfail",
            "neutral",
            "none",
            "temperror",
            "permerror",
        ] {
            let o = check(&z, "192.0.2.1", &format!("joe@{word}.example"));
            assert_eq!(o.result.as_str(), word);
            let h = header(&o, "192.0.2.1", HELO);
            assert!(h.starts_with(&format!("{word} (")), "{h}");
            assert!(h.contains("client-ip=192.0.2.1;"), "{h}");
            assert!(
                h.contains(&format!("envelope-from=\"joe@{word}.example\";")),
                "{h}"
            );
            // "mechanism  the mechanism that matched (if no mechanisms
            // matched, substitute the word "default")"
            if o.mechanism.is_none() {
                assert!(
                    !h.contains("mechanism=") || h.contains("mechanism=default"),
                    "{h}"
                );
            }
            // "problem  if an error was returned, details about the error"
            if matches!(o.result, SpfResult::TempError | SpfResult::PermError) {
                assert!(h.contains("; problem="), "{h}");
            }
        }
    }
}
