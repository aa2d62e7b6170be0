//! DNS for mail security, without the I/O.
//!
//! SPF, DKIM, DMARC, MTA-STS and DANE all read DNS, and each needs to tell
//! apart answers that a plain "lookup failed" would blur: a name that does not
//! exist (NXDOMAIN), a name without records of the asked type (NODATA), and a
//! lookup that did not finish (a temporary error). This crate holds the types
//! for those questions and answers, the resolver traits every mailsec core
//! accepts, and the drivers that run a core's state machine over a resolver:
//!
//! - [`Query`], [`Name`], [`RecordType`]: what a machine asks;
//! - [`Answer`], [`Outcome`], [`Record`]: what comes back, with an optional
//!   DNSSEC-authenticated flag;
//! - [`Resolver`] (blocking) and [`AsyncResolver`] (any runtime): implement one
//!   of them once and every mailsec crate can use it;
//! - [`DnsMachine`], [`Step`], [`drive`], [`drive_with_clock`], [`drive_async`]:
//!   the sans-IO contract
//!   (poll for a batch of queries, provide the answers, poll again);
//! - [`MemoryResolver`]: answers from records in memory, for tests, examples
//!   and caches; with the `fixtures` feature, [`Fixture`] loads the YAML
//!   fixture format of the `mailsec --dns` flag.
//!
//! # What this crate does not do
//!
//! It sends no packets and starts no runtime: the real resolver lives with
//! the caller (the `mailsec` command has one). It does not parse DNS wire
//! format or zone files, validate DNSSEC, or cache. Record types are only those
//! mail security uses (A, AAAA, MX, TXT, PTR, TLSA, and SPF and CNAME for
//! fixtures).
//!
//! # Why our own types and not hickory's
//!
//! hickory-proto's record types are excellent but carry a whole DNS message
//! model; a core needs six record types and four outcomes. Keeping the
//! transport's types out of the cores' public API also means a hickory,
//! c-ares or cached resolver plugs in through one small trait.
//!
//! # Example
//!
//! ```
//! use mailsec_dns::{MemoryResolver, Name, Outcome, Query, Record, Resolver, Txt};
//!
//! let mut zone = MemoryResolver::new();
//! let name = Name::new("_dmarc.example.com").unwrap();
//! zone.add(name.clone(), Record::Txt(Txt::from_bytes(b"v=DMARC1; p=reject")));
//!
//! let answer = zone.lookup(&Query::txt(name));
//! let texts: Vec<Vec<u8>> = answer.txt().map(Txt::joined).collect();
//! assert_eq!(texts, [b"v=DMARC1; p=reject".to_vec()]);
//!
//! let missing = zone.lookup(&Query::txt(Name::new("example.org").unwrap()));
//! assert_eq!(missing.outcome, Outcome::NxDomain);
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

mod answer;
#[cfg(feature = "fixtures")]
mod fixtures;
mod machine;
mod memory;
mod name;
mod query;
mod record;
mod resolver;
mod reverse;

pub use answer::{Answer, Failure, Outcome};
#[cfg(feature = "fixtures")]
pub use fixtures::{Fixture, FixtureError, RecordProblem};
pub use machine::{
    DnsMachine, ProvideError, Step, drive, drive_async, drive_async_with_clock, drive_with_clock,
};
pub use memory::{MAX_CNAME_CHAIN, MemoryResolver};
pub use name::{MAX_LABEL_LEN, MAX_NAME_LEN, Name, NameError};
pub use query::Query;
pub use record::{Mx, Record, RecordType, Tlsa, Txt};
pub use resolver::{AsyncResolver, Resolver};
pub use reverse::reverse_name;

/// The YAML crate [`Fixture::from_yaml`] takes nodes of, re-exported so that
/// callers use the same version.
#[cfg(feature = "fixtures")]
pub use yaml_rust2;
