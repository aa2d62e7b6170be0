//! MTA-STS (RFC 8461) and SMTP TLS reporting (RFC 8460), sans-IO.
//!
//! MTA-STS lets a domain require authenticated TLS for mail sent to it, so an
//! attacker in the path cannot strip STARTTLS or redirect its MX records.
//! TLS-RPT tells the domain when delivery to it failed.
//!
//! # Status
//!
//! MTA-STS is in place ([`sts`]): the `_mta-sts` record, the policy file,
//! MX matching, the resolution state machine with its cache rules, and the
//! delivery decision. The TXT lookups go through [`mailsec_dns`]; the HTTPS
//! transport is the caller's. TLS reporting is in place ([`tlsrpt`]): the
//! `_smtp._tls` record, the report model with a tolerant bounded reader
//! (JSON or gzip), the serializer, the aggregator, the file name and the
//! report mail (signed by the caller's DKIM through a callback).
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
