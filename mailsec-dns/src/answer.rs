//! What the resolver answers, with the distinctions the mail RFCs need.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::name::Name;
use crate::record::{Mx, Record, Tlsa, Txt};

/// Why a lookup did not give a definite answer. The mail RFCs treat all of
/// these as temporary (SPF and DMARC `temperror`, DKIM `temperror`, MTA-STS
/// "policy fetch failed").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Failure {
    /// No answer in time.
    Timeout,
    /// The server answered SERVFAIL (RCODE 2), including DNSSEC validation failure.
    ServerFailure,
    /// The server refused the query (RCODE 5).
    Refused,
    /// Another RCODE, a malformed response, or a CNAME chain that loops or is too long.
    Other,
}

/// The outcome of one lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The name exists and has records of the asked type (the resolver has
    /// already followed CNAMEs). Resolvers report an empty answer section as
    /// [`Outcome::NoData`]; consumers treat an empty list the same way.
    ///
    /// The list is shared, so that answering from a cache or from memory
    /// ([`MemoryResolver`](crate::MemoryResolver)), and cloning an answer,
    /// copies no record. Build it from a vector with `Arc::from(records)`
    /// (or [`Answer::records`]).
    Records(Arc<[Record]>),
    /// The name does not exist (RCODE 3, NXDOMAIN).
    NxDomain,
    /// The name exists but has no record of the asked type (NOERROR, empty answer).
    NoData,
    /// No definite answer.
    Failed(Failure),
}

/// A resolver's answer to one [`Query`](crate::Query).
///
/// Build one with [`Answer::records`], [`Answer::nx_domain`],
/// [`Answer::no_data`] or [`Answer::failed`], then
/// [`Answer::with_authenticated`] and [`Answer::with_canonical_name`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Answer {
    /// Records, NXDOMAIN, NODATA or a failure.
    pub outcome: Outcome,
    /// Whether a validating resolver the caller trusts vouched for this answer
    /// (the DNSSEC AD bit), the whole CNAME chain included. DANE and some
    /// policies need it; leave it `false` when unsure.
    pub authenticated: bool,
    /// The name the answer is for when the resolver followed CNAMEs to reach
    /// it (the end of the chain); `None` when the question's name had the
    /// records itself. DANE (RFC 7672 §2.2.2) looks up TLSA records there.
    pub canonical_name: Option<Name>,
}

impl Answer {
    /// An unauthenticated answer with these records; [`Outcome::NoData`] when `records` is empty.
    pub fn records(records: Vec<Record>) -> Answer {
        if records.is_empty() {
            return Answer::no_data();
        }
        Answer::shared_records(Arc::from(records))
    }

    /// [`Answer::records`] for a list already shared (a cache's or a
    /// [`MemoryResolver`](crate::MemoryResolver)'s): the records are not
    /// copied. [`Outcome::NoData`] when `records` is empty.
    pub fn shared_records(records: Arc<[Record]>) -> Answer {
        if records.is_empty() {
            return Answer::no_data();
        }
        Answer {
            outcome: Outcome::Records(records),
            authenticated: false,
            canonical_name: None,
        }
    }

    /// NXDOMAIN.
    pub fn nx_domain() -> Answer {
        Answer {
            outcome: Outcome::NxDomain,
            authenticated: false,
            canonical_name: None,
        }
    }

    /// NODATA.
    pub fn no_data() -> Answer {
        Answer {
            outcome: Outcome::NoData,
            authenticated: false,
            canonical_name: None,
        }
    }

    /// A failed lookup.
    pub fn failed(failure: Failure) -> Answer {
        Answer {
            outcome: Outcome::Failed(failure),
            authenticated: false,
            canonical_name: None,
        }
    }

    /// The same answer, marked DNSSEC-authenticated or not.
    pub fn with_authenticated(mut self, authenticated: bool) -> Answer {
        self.authenticated = authenticated;
        self
    }

    /// The same answer, reached through CNAMEs ending at `name`.
    pub fn with_canonical_name(mut self, name: Option<Name>) -> Answer {
        self.canonical_name = name;
        self
    }

    /// The records (empty for NXDOMAIN, NODATA and failures).
    pub fn record_list(&self) -> &[Record] {
        match &self.outcome {
            Outcome::Records(r) => r,
            _ => &[],
        }
    }

    /// Whether the answer is NXDOMAIN or NODATA (or, from a careless
    /// resolver, an empty record list): RFC 7208 §4.6.4's "void lookup".
    pub fn is_void(&self) -> bool {
        match &self.outcome {
            Outcome::NxDomain | Outcome::NoData => true,
            Outcome::Records(r) => r.is_empty(),
            Outcome::Failed(_) => false,
        }
    }

    /// The failure, if the lookup failed.
    pub fn failure(&self) -> Option<Failure> {
        match self.outcome {
            Outcome::Failed(f) => Some(f),
            _ => None,
        }
    }

    /// The TXT records (type 16 only; SPF-type records are not included).
    pub fn txt(&self) -> impl Iterator<Item = &Txt> {
        self.record_list().iter().filter_map(|r| match r {
            Record::Txt(t) => Some(t),
            _ => None,
        })
    }

    /// The IPv4 addresses of A records.
    pub fn ipv4(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.record_list().iter().filter_map(|r| match r {
            Record::A(a) => Some(*a),
            _ => None,
        })
    }

    /// The IPv6 addresses of AAAA records.
    pub fn ipv6(&self) -> impl Iterator<Item = Ipv6Addr> + '_ {
        self.record_list().iter().filter_map(|r| match r {
            Record::Aaaa(a) => Some(*a),
            _ => None,
        })
    }

    /// The addresses of A and AAAA records.
    pub fn ips(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.record_list().iter().filter_map(|r| match r {
            Record::A(a) => Some(IpAddr::V4(*a)),
            Record::Aaaa(a) => Some(IpAddr::V6(*a)),
            _ => None,
        })
    }

    /// The MX records, in the order received (sort by preference yourself:
    /// equal preferences are to be tried in random order).
    pub fn mx(&self) -> impl Iterator<Item = &Mx> {
        self.record_list().iter().filter_map(|r| match r {
            Record::Mx(m) => Some(m),
            _ => None,
        })
    }

    /// The PTR targets.
    pub fn ptr(&self) -> impl Iterator<Item = &Name> {
        self.record_list().iter().filter_map(|r| match r {
            Record::Ptr(n) => Some(n),
            _ => None,
        })
    }

    /// The TLSA records.
    pub fn tlsa(&self) -> impl Iterator<Item = &Tlsa> {
        self.record_list().iter().filter_map(|r| match r {
            Record::Tlsa(t) => Some(t),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn empty_records_are_nodata() {
        assert_eq!(Answer::records(vec![]).outcome, Outcome::NoData);
        let careless = Answer {
            outcome: Outcome::Records(Arc::from(vec![])),
            ..Answer::no_data()
        };
        assert!(careless.is_void());
        assert!(Answer::records(vec![]).is_void());
        assert!(Answer::nx_domain().is_void());
        assert!(!Answer::failed(Failure::Timeout).is_void());
        assert_eq!(
            Answer::failed(Failure::Timeout).failure(),
            Some(Failure::Timeout)
        );
    }

    #[test]
    fn typed_accessors_filter_by_type() {
        let a = Answer::records(vec![
            Record::A(Ipv4Addr::new(192, 0, 2, 1)),
            Record::Cname(Name::new("x.example").unwrap()),
            Record::Aaaa("2001:db8::1".parse().unwrap()),
            Record::Txt(Txt::from_bytes(b"hello")),
            Record::Spf(Txt::from_bytes(b"v=spf1 -all")),
        ]);
        assert_eq!(a.ipv4().count(), 1);
        assert_eq!(a.ipv6().count(), 1);
        assert_eq!(a.ips().count(), 2);
        assert_eq!(
            a.txt().map(Txt::joined).collect::<Vec<_>>(),
            vec![b"hello".to_vec()]
        );
        assert_eq!(a.mx().count(), 0);
        assert!(!a.with_authenticated(true).is_void());
    }
}
