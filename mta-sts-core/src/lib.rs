//! MTA-STS (RFC 8461) and SMTP TLS reporting (RFC 8460), sans-IO.
//!
//! MTA-STS lets a domain require authenticated TLS for mail sent to it, so an
//! attacker in the path cannot strip STARTTLS or redirect its MX records.
//! TLS-RPT tells the domain when delivery to it failed.
//!
//! # Status
//!
//! The foundation is in place: the `_mta-sts` and `_smtp._tls` TXT lookups
//! go through [`mailsec_dns`]. The record and policy parsers, MX matching, the
//! cache rules and the report types land with the MTA-STS issue; until then
//! this crate exports nothing of its own.
//!
//! # Design
//!
//! Policy resolution is a state machine: it asks for the TXT record, then for
//! an HTTPS fetch of `https://mta-sts.<domain>/.well-known/mta-sts.txt`, and
//! yields the policy in force. The caller's cache goes in and out as values and
//! the time is a parameter.
//!
//! # What this crate does not do
//!
//! It opens no connections. The HTTPS client, and its duty to validate the
//! server certificate for `mta-sts.<domain>`, belong to the caller.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

pub mod sts;
pub mod tlsrpt;

pub use mailsec_dns;
