//! SPF, DKIM, DMARC and Authentication-Results, sans-IO.
//!
//! This crate answers the questions a receiving mail server asks of every
//! message, and the sending side's DKIM signature:
//!
//! - **SPF** (RFC 7208): may this IP send for this MAIL FROM or HELO domain?
//! - **DKIM** (RFC 6376, 8301, 8463): which signatures on this message verify?
//! - **DMARC** (RFC 9989, and RFC 7489): does the From domain's policy pass,
//!   and what does it ask the receiver to do?
//! - **Authentication-Results** (RFC 8601): the header field that records it.
//!
//! # Status
//!
//! SPF is here ([`spf`]): the record parser and renderer, macro expansion,
//! `check_host()` as a state machine with the RFC's limits, Received-SPF; the
//! openspf RFC 7208 suite passes in full. DKIM ([`dkim`]) signs and verifies
//! (RSA and Ed25519, two crypto backends, streaming bodies). DMARC
//! ([`dmarc`]) evaluates under RFC 9989 or RFC 7489 and handles aggregate
//! reports; [`auth_results`] builds and parses Authentication-Results. DNS
//! answers come through [`mailsec_dns`] (its
//! [`DnsMachine`](mailsec_dns::DnsMachine) contract is what `check_host`, DKIM
//! key retrieval and DMARC policy discovery implement), and messages are read
//! through [`mailsec_message`].
//!
//! # Design
//!
//! Every evaluation that needs DNS is a state machine: poll it for the queries
//! it needs (a batch where the RFC allows parallel lookups), give it the
//! answers, poll again until it yields a verdict. Time is a parameter. No
//! sockets, files, clocks, environment, threads or runtimes are used inside.
//!
//! # Dependencies, and why
//!
//! RustCrypto (`rsa`, `sha1`, `sha2`, `ed25519-dalek`, `pkcs1`, `pkcs8`,
//! `spki`, `der`) for DKIM's cryptography, optionally `ring` as a second
//! backend; `psl` (the Public Suffix List compiled in) and `publicsuffix` (a
//! list the caller loads) for RFC 7489's organizational domain; `idna` for
//! internationalized names; `quick-xml`, `flate2` and `zip` (feature
//! `reports`) for DMARC aggregate reports; `memchr` for byte searches on the
//! hot paths; `smallvec` so that an SPF check keeps its frame stack and its
//! queries inline (a usual check, a record and an include or two, allocates
//! no vector for them); `foldhash` for the SPF record cache's hash (seeded
//! from the standard library's random keys); `base64`, `thiserror`.
//!
//! # What this crate does not do
//!
//! It does not resolve DNS, read the clock, or talk SMTP: the caller does, and
//! passes in the answers, the time and the SMTP identities.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

pub mod auth_results;
pub mod dkim;
pub mod dmarc;
pub mod spf;

pub use mailsec_dns;
pub use mailsec_message;
