//! The edge of mailsec: the `mailsec` command-line program, example
//! programs, and (as they land) the real transports the sans-IO cores leave to
//! their callers: a DNS resolver implementing
//! [`mailsec_dns::Resolver`] and [`mailsec_dns::AsyncResolver`], and an HTTPS
//! client for MTA-STS policy fetches.
//!
//! This library part holds no API yet; it exists so that the examples in the
//! repository's `README.md` are compiled and run as doctests.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The repository's README, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
