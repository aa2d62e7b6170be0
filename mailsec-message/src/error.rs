//! The crate's error type.

/// Which of the [`Limits`](crate::Limits) was exceeded, for the parsers that
/// return [`MessageError`]. The address parsers report
/// [`Limits::max_addresses`](crate::Limits::max_addresses) as
/// [`AddressErrorKind::TooManyAddresses`](crate::AddressErrorKind::TooManyAddresses)
/// instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitKind {
    /// [`Limits::max_header_bytes`](crate::Limits::max_header_bytes).
    HeaderBytes,
    /// [`Limits::max_header_fields`](crate::Limits::max_header_fields).
    HeaderFields,
    /// [`Limits::max_depth`](crate::Limits::max_depth).
    Depth,
    /// [`Limits::max_parts`](crate::Limits::max_parts).
    Parts,
}

impl core::fmt::Display for LimitKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            LimitKind::HeaderBytes => "header section size",
            LimitKind::HeaderFields => "header field count",
            LimitKind::Depth => "multipart nesting depth",
            LimitKind::Parts => "MIME part count",
        })
    }
}

/// Errors from parsing header sections and MIME entities ([`crate::HeaderBlock::parse`],
/// [`crate::parse_entity`]). The address parsers return [`crate::AddressError`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MessageError {
    /// A configured limit was exceeded.
    #[error("{kind} limit exceeded at byte {offset}")]
    Limit {
        /// Which limit.
        kind: LimitKind,
        /// Where in the input it was exceeded.
        offset: usize,
    },
}
