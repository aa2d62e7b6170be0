//! DMARC (RFC 9989, and RFC 7489): does the From domain's policy pass, and
//! what does it ask the receiver to do?
//!
//! - [`DmarcRecord`]: the policy record, parsed strictly with byte positions
//!   ([`DmarcRecord::parse`]) and rendered back (`Display`).
//! - [`author_domain`]: the Author Domain of a message's header section,
//!   through the shared message layer (A-labels; see its docs for several
//!   From mailboxes).
//! - [`DmarcEvaluator`]: policy discovery, identifier alignment and the
//!   verdict as a sans-IO [`mailsec_dns::DnsMachine`]. Give it a
//!   [`DmarcInput`] (the Author Domain, the SPF outcome and the DKIM
//!   outcomes) and a [`DmarcConfig`]; drive it to a [`DmarcOutcome`].
//! - [`DmarcRules`]: RFC 9989 (the default: DNS Tree Walk, `np`, `psd`, `t`)
//!   or RFC 7489 (the Public Suffix List, `pct`).
//! - [`PublicSuffixList`]: the list compiled in (crate `psl`) or one the
//!   caller supplies (crate `publicsuffix`), for RFC 7489.
//! - `report` (feature `reports`): aggregate reports.
//!
//! # Readings of the RFCs
//!
//! - Policy discovery (RFC 9989 §4.10): `_dmarc.<name>` is queried from the
//!   Author Domain up the tree ([`MAX_WALK_QUERIES`] names at most, with the
//!   seven-label shortcut); the first name holding exactly one record that
//!   begins with `v=DMARC1` gives the policy. Several such records at one
//!   name count as none. A record that begins with `v=DMARC1` but does not
//!   parse gives `permerror` (RFC 8601 §2.7.1's "syntactically incorrect
//!   DMARC record"); a temporary DNS failure gives `temperror`.
//! - Relaxed alignment compares organizational domains: RFC 9989's tree
//!   walk (with `psd`) or RFC 7489's Public Suffix List. Only identifiers
//!   that passed are checked, and in RFC 9989 only those under the Author
//!   Domain's organizational domain cost queries.
//! - The policy: `p` for a record at the Author Domain; otherwise `sp` (or
//!   `p`), and under RFC 9989 `np` when the Author Domain does not exist
//!   (NXDOMAIN or NODATA for A, AAAA and MX; a failed lookup counts as
//!   existing). `t=y` (RFC 9989) and an unsampled message under `pct`
//!   (RFC 7489 §6.6.4) lower it one step. An absent `p` means `none`.
//! - Under RFC 9989, `pct`, `rf` and `ri` are parsed but have no effect.
//!
//! # What this module does not do
//!
//! It does not act on the policy (the caller rejects or quarantines), send
//! reports, or check SPF and DKIM itself: it takes their outcomes.

mod author;
mod evaluate;
mod policy;
mod public_suffix;
mod record;
#[cfg(feature = "reports")]
pub mod report;
mod tree_walk;

pub use author::{AuthorDomainError, author_domain};
pub use evaluate::{
    DmarcConfig, DmarcEvaluator, DmarcInput, DmarcOutcome, DmarcReason, DmarcRules, Identifier,
    PolicySource,
};
pub use policy::{AlignmentMode, DmarcResult, Policy};
pub use public_suffix::{PublicSuffixList, PublicSuffixListError};
pub use record::{
    DmarcRecord, FailureOption, MAX_RECORD_LEN, MAX_REPORT_URIS, Psd, RecordError, RecordErrorKind,
    ReportUri, is_dmarc_version,
};
pub use tree_walk::MAX_WALK_QUERIES;
