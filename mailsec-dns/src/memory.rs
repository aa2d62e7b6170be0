//! A resolver that answers from records held in memory.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::Future;

use crate::answer::{Answer, Failure};
use crate::name::Name;
use crate::query::Query;
use crate::record::{Record, RecordType};
use crate::resolver::{AsyncResolver, Resolver};

/// Longest CNAME chain followed before the lookup fails.
pub const MAX_CNAME_CHAIN: usize = 8;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Entry {
    records: Vec<Record>,
    /// The records of each type held, as lists that answers share.
    by_type: Vec<(RecordType, Arc<[Record]>)>,
    timeout: bool,
}

impl Entry {
    fn add(&mut self, record: Record) {
        let record_type = record.record_type();
        self.records.push(record);
        // The list of that type, built again (records are added while a
        // zone is set up, answered from many times).
        let list: Arc<[Record]> = self
            .records
            .iter()
            .filter(|r| r.record_type() == record_type)
            .cloned()
            .collect();
        match self.by_type.iter_mut().find(|(t, _)| *t == record_type) {
            Some((_, old)) => *old = list,
            None => self.by_type.push((record_type, list)),
        }
    }

    /// The records of `record_type` (none: empty).
    fn of_type(&self, record_type: RecordType) -> Option<&Arc<[Record]>> {
        self.by_type
            .iter()
            .find(|(t, _)| *t == record_type)
            .map(|(_, list)| list)
    }
}

/// A resolver over a fixed set of records: for tests, fixtures, examples, and
/// as the last stage of a caller's own cache.
///
/// Answers follow the `--dns` fixture rules of the `mailsec` command:
/// - a name that is not held is NXDOMAIN;
/// - a held name with records of the asked type answers them;
/// - a held name with a CNAME (and no records of the asked type) is followed,
///   at most [`MAX_CNAME_CHAIN`] times, then the lookup fails;
/// - a held name marked with [`MemoryResolver::add_timeout`] times out for every
///   type it has no record of;
/// - any other held name is NODATA.
///
/// An answer is DNSSEC-authenticated when every name on its CNAME chain was
/// marked with [`MemoryResolver::mark_authenticated`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryResolver {
    names: BTreeMap<Name, Entry>,
    authenticated: BTreeSet<Name>,
}

impl MemoryResolver {
    /// An empty zone: every lookup is NXDOMAIN.
    pub fn new() -> MemoryResolver {
        MemoryResolver::default()
    }

    /// Adds a record at `name` (the name then exists). Records are kept as
    /// listed, duplicates included: answers from real servers can hold
    /// duplicates, and the openspf suite tests that two identical SPF records
    /// are still two (RFC 7208 §4.5).
    pub fn add(&mut self, name: Name, record: Record) {
        self.names.entry(name).or_default().add(record);
    }

    /// Makes `name` exist without adding a record (lookups give NODATA).
    pub fn add_name(&mut self, name: Name) {
        self.names.entry(name).or_default();
    }

    /// Makes lookups at `name` for types it has no record of time out.
    pub fn add_timeout(&mut self, name: Name) {
        self.names.entry(name).or_default().timeout = true;
    }

    /// Marks the answers for `name` as DNSSEC-authenticated (an NXDOMAIN for a
    /// name that is not held too: authenticated denial of existence).
    pub fn mark_authenticated(&mut self, name: Name) {
        self.authenticated.insert(name);
    }

    /// The names held, in order.
    pub fn names(&self) -> impl Iterator<Item = &Name> {
        self.names.keys()
    }

    /// The records held at `name` (empty when it is absent).
    pub fn records_at(&self, name: &Name) -> &[Record] {
        self.names.get(name).map_or(&[], |e| e.records.as_slice())
    }

    /// Whether `name` is held.
    pub fn contains(&self, name: &Name) -> bool {
        self.names.contains_key(name)
    }

    /// Whether lookups at `name` time out for types it has no record of.
    pub fn times_out(&self, name: &Name) -> bool {
        self.names.get(name).is_some_and(|e| e.timeout)
    }

    /// Answers `query` from the records held.
    pub fn answer(&self, query: &Query) -> Answer {
        let mut name = &query.name;
        let mut authenticated = true;
        let canonical = |name: &Name| (name != &query.name).then(|| name.clone());
        for _ in 0..=MAX_CNAME_CHAIN {
            // No search when nothing is marked (the usual fixture).
            authenticated &= !self.authenticated.is_empty() && self.authenticated.contains(name);
            let Some(entry) = self.names.get(name) else {
                return Answer::nx_domain()
                    .with_authenticated(authenticated)
                    .with_canonical_name(canonical(name));
            };
            if let Some(matching) = entry.of_type(query.record_type) {
                // Shared with the zone: no record is copied.
                return Answer::shared_records(Arc::clone(matching))
                    .with_authenticated(authenticated)
                    .with_canonical_name(canonical(name));
            }
            let cname = entry.records.iter().find_map(|r| match r {
                Record::Cname(target) if query.record_type != RecordType::Cname => Some(target),
                _ => None,
            });
            match cname {
                Some(target) => name = target,
                None if entry.timeout => return Answer::failed(Failure::Timeout),
                None => {
                    return Answer::no_data()
                        .with_authenticated(authenticated)
                        .with_canonical_name(canonical(name));
                }
            }
        }
        Answer::failed(Failure::Other)
    }
}

impl Resolver for MemoryResolver {
    fn lookup(&self, query: &Query) -> Answer {
        self.answer(query)
    }
}

impl AsyncResolver for MemoryResolver {
    fn lookup(&self, query: &Query) -> impl Future<Output = Answer> + Send {
        core::future::ready(self.answer(query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Outcome;
    use crate::record::Txt;
    use alloc::vec;

    fn n(s: &str) -> Name {
        Name::new(s).unwrap()
    }

    fn zone() -> MemoryResolver {
        let mut z = MemoryResolver::new();
        z.add(n("example.com"), Record::A("192.0.2.1".parse().unwrap()));
        z.add(
            n("example.com"),
            Record::Txt(Txt::from_bytes(b"v=spf1 -all")),
        );
        z.add(n("alias.example.com"), Record::Cname(n("example.com")));
        z.add(
            n("loop1.example.com"),
            Record::Cname(n("loop2.example.com")),
        );
        z.add(
            n("loop2.example.com"),
            Record::Cname(n("loop1.example.com")),
        );
        z.add(n("slow.example.com"), Record::Txt(Txt::from_bytes(b"here")));
        z.add_timeout(n("slow.example.com"));
        z.add_name(n("empty.example.com"));
        z
    }

    #[test]
    fn records_nodata_nxdomain() {
        let z = zone();
        assert_eq!(z.answer(&Query::a(n("EXAMPLE.com."))).ipv4().count(), 1);
        assert_eq!(
            z.answer(&Query::mx(n("example.com"))).outcome,
            Outcome::NoData
        );
        assert_eq!(
            z.answer(&Query::a(n("empty.example.com"))).outcome,
            Outcome::NoData
        );
        assert_eq!(
            z.answer(&Query::a(n("nope.example.com"))).outcome,
            Outcome::NxDomain
        );
    }

    #[test]
    fn owner_names_fold_and_duplicates_are_kept() {
        let mut z = MemoryResolver::new();
        z.add(n("example.com"), Record::A("192.0.2.1".parse().unwrap()));
        z.add(n("EXAMPLE.com."), Record::A("192.0.2.1".parse().unwrap()));
        assert_eq!(z.names().count(), 1);
        assert_eq!(z.answer(&Query::a(n("example.com"))).ipv4().count(), 2);
    }

    #[test]
    fn timeout_only_for_types_without_records() {
        let z = zone();
        assert_eq!(
            z.answer(&Query::txt(n("slow.example.com"))).txt().count(),
            1
        );
        assert_eq!(
            z.answer(&Query::a(n("slow.example.com"))).outcome,
            Outcome::Failed(Failure::Timeout)
        );
    }

    #[test]
    fn cname_followed_and_loops_fail() {
        let z = zone();
        let a = z.answer(&Query::a(n("alias.example.com")));
        assert_eq!(
            a.ipv4().collect::<Vec<_>>(),
            vec!["192.0.2.1".parse::<core::net::Ipv4Addr>().unwrap()]
        );
        assert_eq!(
            z.answer(&Query::a(n("loop1.example.com"))).outcome,
            Outcome::Failed(Failure::Other)
        );
        let c = z.answer(&Query::new(n("alias.example.com"), RecordType::Cname));
        assert_eq!(c.record_list().len(), 1);
        assert_eq!(c.canonical_name, None);
        assert_eq!(a.canonical_name, Some(n("example.com")));
        assert_eq!(z.answer(&Query::a(n("example.com"))).canonical_name, None);
    }

    #[test]
    fn authenticated_only_when_whole_chain_is() {
        let mut z = zone();
        assert!(!z.answer(&Query::a(n("example.com"))).authenticated);
        z.mark_authenticated(n("example.com"));
        assert!(z.answer(&Query::a(n("example.com"))).authenticated);
        assert!(!z.answer(&Query::a(n("alias.example.com"))).authenticated);
        z.mark_authenticated(n("alias.example.com"));
        assert!(z.answer(&Query::a(n("alias.example.com"))).authenticated);
        // An authenticated alias to an unauthenticated target is not.
        let mut y = zone();
        y.mark_authenticated(n("alias.example.com"));
        assert!(!y.answer(&Query::a(n("alias.example.com"))).authenticated);
        assert!(z.answer(&Query::mx(n("example.com"))).authenticated);
        assert!(!z.answer(&Query::mx(n("gone.example.com"))).authenticated);
        z.mark_authenticated(n("gone.example.com"));
        let gone = z.answer(&Query::mx(n("gone.example.com")));
        assert_eq!(
            (gone.outcome, gone.authenticated),
            (Outcome::NxDomain, true)
        );
    }

    /// A reference model of the fixture rules, written the obvious (recursive)
    /// way, that the resolver must agree with on random zones: the outcome,
    /// and whether every name on the chain is marked authenticated.
    fn model(z: &MemoryResolver, name: &Name, t: RecordType, depth: usize) -> (Outcome, bool) {
        let here = z.authenticated.contains(name);
        if depth > MAX_CNAME_CHAIN {
            return (Outcome::Failed(Failure::Other), false);
        }
        if !z.contains(name) {
            return (Outcome::NxDomain, here);
        }
        let records = z.records_at(name);
        let of_type: Vec<Record> = records
            .iter()
            .filter(|r| r.record_type() == t)
            .cloned()
            .collect();
        if !of_type.is_empty() {
            return (Outcome::Records(Arc::from(of_type)), here);
        }
        let cname = records.iter().find(|r| matches!(r, Record::Cname(_)));
        if let (true, Some(Record::Cname(target))) = (t != RecordType::Cname, cname) {
            let (outcome, auth) = model(z, target, t, depth + 1);
            return (outcome, auth && here);
        }
        if z.times_out(name) {
            (Outcome::Failed(Failure::Timeout), false)
        } else {
            (Outcome::NoData, here)
        }
    }

    fn arb_zone() -> impl proptest::strategy::Strategy<Value = MemoryResolver> {
        use proptest::prelude::*;
        let names = [
            "a.example",
            "b.example",
            "c.example",
            "d.example",
            "e.example",
        ];
        let record = (0usize..5, 0u8..5, 0u8..255).prop_map(move |(target, kind, x)| match kind {
            0 => Record::A(core::net::Ipv4Addr::new(192, 0, 2, x)),
            1 => Record::Txt(Txt::from_bytes(&[x])),
            2 => Record::Mx(crate::Mx {
                preference: u16::from(x),
                exchange: n(names[target]),
            }),
            3 => Record::Cname(n(names[target])),
            _ => Record::Aaaa(core::net::Ipv6Addr::new(
                0x2001,
                0xdb8,
                0,
                0,
                0,
                0,
                0,
                u16::from(x),
            )),
        });
        let entry = (
            0usize..5,
            proptest::collection::vec(record, 0..4),
            any::<bool>(),
            any::<bool>(),
        );
        proptest::collection::vec(entry, 0..8).prop_map(move |entries| {
            let mut z = MemoryResolver::new();
            for (i, records, timeout, auth) in entries {
                let name = n(names[i]);
                z.add_name(name.clone());
                // One CNAME at most per name, as in DNS.
                let mut has_cname = z
                    .records_at(&name)
                    .iter()
                    .any(|r| matches!(r, Record::Cname(_)));
                for r in records {
                    if matches!(r, Record::Cname(_)) {
                        if has_cname {
                            continue;
                        }
                        has_cname = true;
                    }
                    z.add(name.clone(), r);
                }
                if timeout {
                    z.add_timeout(name.clone());
                }
                if auth {
                    z.mark_authenticated(name);
                }
            }
            z
        })
    }

    proptest::proptest! {
        #[test]
        fn answers_agree_with_the_reference_model(
            z in arb_zone(),
            q in 0usize..6,
            t in proptest::sample::select(alloc::vec![RecordType::A, RecordType::Aaaa, RecordType::Mx, RecordType::Txt, RecordType::Cname]),
        ) {
            let names = ["a.example", "b.example", "c.example", "d.example", "e.example", "absent.example"];
            let name = n(names[q]);
            let answer = z.answer(&Query::new(name.clone(), t));
            let (outcome, authenticated) = model(&z, &name, t, 0);
            proptest::prop_assert_eq!(&answer.outcome, &outcome);
            if let Outcome::Records(records) = &answer.outcome {
                proptest::prop_assert!(records.iter().all(|r| r.record_type() == t));
            }
            if !matches!(outcome, Outcome::Failed(_)) {
                proptest::prop_assert_eq!(answer.authenticated, authenticated);
            }
        }
    }
}
