//! SPF (RFC 7208): may this IP address send mail for this domain?
//!
//! - [`Record`]: a record parsed into typed terms ([`Record::parse`], errors
//!   with their byte position) and rendered back to text (`Display`);
//!   [`MacroString`] for domain-specs and explanations, with the expansion of
//!   §7.
//! - [`SpfEvaluator`]: `check_host()` as a sans-IO state machine
//!   ([`mailsec_dns::DnsMachine`]). Build it for the MAIL FROM identity
//!   ([`SpfEvaluator::mail_from`], which checks `postmaster@<helo>` for the
//!   null reverse-path) or the HELO identity ([`SpfEvaluator::helo`]), then
//!   drive it: poll for DNS questions (a batch where the RFC allows parallel
//!   lookups, such as the addresses of all MX hosts), provide the answers, poll
//!   again until it yields an [`SpfOutcome`]. [`mailsec_dns::drive`],
//!   [`mailsec_dns::drive_with_clock`] (which applies the elapsed-time
//!   deadline) and [`mailsec_dns::drive_async`] do that over any resolver.
//! - [`SpfConfig`]: the limits of §4.6.4 (10 DNS-querying terms, 2 void
//!   lookups, 10 MX and 10 PTR names; configurable), the start time (`%{t}`),
//!   the deadline, the receiver name (`%{r}`) and an optional
//!   [`SpfRecordCache`] of parsed records.
//! - [`received_spf`]: the Received-SPF header field of §9.1.
//!
//! [`SpfLimits`] states how each limit is counted, including our reading of
//! the void-lookup rule.
//!
//! Not done here: DNS itself (the caller's resolver), reading the clock,
//! choosing which identity to check (a receiver usually checks HELO and MAIL
//! FROM), and deciding what to do with the result (DMARC does part of that).

mod cache;
mod eval;
mod macros;
mod parse;
mod record;
mod render;
mod result;

#[cfg(feature = "std")]
pub use cache::MemoryRecordCache;
pub use cache::SpfRecordCache;
pub use eval::{SpfConfig, SpfEvaluator, SpfLimits};
pub use macros::{
    Macro, MacroContext, MacroError, MacroErrorKind, MacroLetter, MacroPart, MacroString,
};
pub use parse::{ParseError, ParseErrorKind};
pub use record::{Directive, Mechanism, Modifier, Qualifier, Record, Term};
pub use result::{Identity, SpfOutcome, SpfResult, received_spf};
