//! Authentication-Results (RFC 8601): build and parse the header field.
//!
//! A receiver records what it verified in an `Authentication-Results` field:
//! its own name (the authserv-id), then one result per method, e.g.
//! `mx.example.org; spf=pass smtp.mailfrom=example.com; dkim=pass
//! header.d=example.com header.s=sel; dmarc=pass header.from=example.com`.
//!
//! - [`AuthenticationResults`]: the field. Build it with
//!   [`AuthenticationResults::new`] and [`MethodResult`]s (generic:
//!   [`MethodResult::new`], [`with_reason`](MethodResult::with_reason),
//!   [`with_property`](MethodResult::with_property); from this crate's
//!   verdicts: [`MethodResult::spf`], [`MethodResult::dkim`]; from plain
//!   values: [`MethodResult::dmarc`], [`MethodResult::iprev`]). Write the
//!   value with `Display`, or the folded field with
//!   [`to_header_field`](AuthenticationResults::to_header_field). Read one
//!   with [`AuthenticationResults::parse`].
//! - [`authserv_id_of`] and [`is_for_authserv_id`]: the authserv-id of a
//!   field, read from its start only, so that a receiver can find the
//!   fields that claim to be its own when a message arrives (RFC 8601 §5).
//!
//! # Quoting
//!
//! The authserv-id and `reason=` are written bare when they are RFC 2045
//! tokens and as quoted-strings otherwise; a property value is also written
//! bare in the `[local-part] "@" domain-name` form (`user@example.com`,
//! `@example.com`). A quoted-string escapes `"` and `\` and carries UTF-8
//! as is (RFC 6532). So `header.b` values with `/` or `=`, IPv6 addresses
//! and free text are quoted.
//!
//! No line break can be written from caller data: the constructors refuse
//! control characters (all but the horizontal tab) with a [`BuildError`],
//! and the parser refuses them inside values. The SPF and DKIM
//! constructors, which cannot fail, replace them with spaces. Keywords
//! (method, result, ptype, property) are lowercased by the builder and the
//! parser alike, so a parsed field renders and re-parses to an equal value.
//!
//! # Limits
//!
//! The parser refuses a value longer than [`MAX_FIELD_LEN`] bytes, comments
//! nested deeper than [`MAX_COMMENT_DEPTH`], and more than [`MAX_RESULTS`]
//! results (the builder has the same cap), with a typed [`ParseError`] that
//! gives the byte position. It neither recurses nor backtracks.
//!
//! # Not done here
//!
//! Deciding which fields to remove or rename when a message arrives, and
//! whether to trust a field at all: that is the receiver's policy, given
//! [`is_for_authserv_id`]. Checking result words against the IANA registry
//! for their method: any keyword is accepted. Comments are skipped when
//! parsing and never written.

mod model;
mod outcomes;
mod parse;
mod quoting;
mod render;

pub use model::{AuthenticationResults, BuildError, MethodResult, Property};
pub use parse::{ParseError, ParseErrorKind, authserv_id_of, is_for_authserv_id};

/// The longest field value [`AuthenticationResults::parse`] reads: 64 KiB,
/// far past real fields (a few hundred bytes) and RFC 5322's line limits.
pub const MAX_FIELD_LEN: usize = 64 * 1024;

/// How deeply comments may nest in a parsed field.
pub const MAX_COMMENT_DEPTH: usize = 32;

/// The most results one field holds, parsed or built.
pub const MAX_RESULTS: usize = 256;
