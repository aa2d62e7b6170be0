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
//! - [`OrganizationalDomainLookup`]: any name's organizational domain by
//!   the tree walk, e.g. for external report destinations.
//! - `report` (feature `reports`): aggregate reports: the model, the XML
//!   writer and a tolerant bounded reader, bounded gzip/zip decompression,
//!   an accumulator fed from [`DmarcOutcome`]s, and external destination
//!   verification.
//!
//! # Readings of the RFCs
//!
//! - Policy discovery (RFC 9989 §4.10.1): the Author Domain's own record;
//!   else the tree walk (`_dmarc.<name>` from the Author Domain up,
//!   [`MAX_WALK_QUERIES`] names at most, with the seven-label shortcut)
//!   finds the organizational domain (§4.10.2: `psd=n` stops there, `psd=y`
//!   makes the name below it the organization, else the record with the
//!   fewest labels) and that domain's record applies, or the public suffix
//!   domain's when the organization has none. A name holding several
//!   `v=DMARC1` records counts as holding none. A temporary DNS failure
//!   gives `temperror`. Under RFC 7489 the candidates are the Author Domain
//!   and its organizational domain from the Public Suffix List.
//! - Records are read as a receiver must (RFC 9989 §4.8): a malformed tag or
//!   an invalid value is discarded and the default used. A record whose
//!   `p`, `sp` or `np` is invalid acts as `p=none` when it has a valid `rua`
//!   and is not applied otherwise (result `none`). An absent `p` means
//!   `none`. [`DmarcRecord::parse`] is the strict check for publishers.
//! - Relaxed alignment compares organizational domains: RFC 9989's tree
//!   walk (with `psd`) or RFC 7489's Public Suffix List. Only identifiers
//!   that passed are checked, and in RFC 9989 only those under the Author
//!   Domain's organizational domain cost queries. SPF's identifier is the
//!   MAIL FROM domain, which for the null reverse-path is the HELO domain
//!   (`postmaster@<helo>`, RFC 7208 §2.4); a separate HELO check is never
//!   used.
//! - The policy: `p` for a record at the Author Domain; otherwise `sp` (or
//!   `p`), and under RFC 9989 `np` when the Author Domain does not exist
//!   (its A query answers NXDOMAIN; NODATA means it exists, §3.2.13 and
//!   Appendix A.4; a failed lookup counts as existing). `t=y` (RFC 9989)
//!   and an unsampled message under `pct` (RFC 7489 §6.6.4) lower it one
//!   step.
//! - Under RFC 9989, `pct` (historic), `rf` and `ri` are parsed but have no
//!   effect.
//! - §4.10.2 taken literally makes a record without `psd` at a top-level
//!   domain (`_dmarc.com`) the organizational domain of every name under
//!   it, so that any two `.com` domains would align. Public suffix operators
//!   publish `psd=y`, which avoids this; we follow the text and note the
//!   risk here.
//! - A message whose From field names several domains: RFC 9989 §5.3.1
//!   says DMARC validation is "not possible" (a receiver MAY still evaluate
//!   each domain, §11.5); we report `permerror`, a local choice, and a
//!   caller who wants the per-domain evaluation runs one per domain.

//! # What this module does not do
//!
//! It does not act on the policy (the caller rejects or quarantines), send
//! reports, or check SPF and DKIM itself: it takes their outcomes.

mod author;
mod evaluate;
mod org_domain;
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
pub use org_domain::OrganizationalDomainLookup;
pub use policy::{AlignmentMode, DmarcResult, Policy};
pub use public_suffix::{PublicSuffixList, PublicSuffixListError};
pub use record::{
    DmarcRecord, FailureOption, MAX_RECORD_LEN, MAX_REPORT_URIS, Psd, RecordError, RecordErrorKind,
    ReportUri, is_dmarc_version,
};
pub use tree_walk::MAX_WALK_QUERIES;
