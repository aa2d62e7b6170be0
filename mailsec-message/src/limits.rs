//! Bounds on what a message may make the parser do.

/// Bounds on the work and memory that parsing one message may take.
///
/// Every parser in this crate stops with an error instead of going past one
/// of these:
///
/// - [`HeaderBlock::parse`](crate::HeaderBlock::parse) and
///   [`parse_entity`](crate::parse_entity) return
///   [`MessageError::Limit`](crate::MessageError::Limit) (header bytes, header
///   fields, depth, parts), with the [`LimitKind`](crate::LimitKind) and the
///   offset;
/// - [`parse_mailbox_list`](crate::parse_mailbox_list) and
///   [`parse_address_list`](crate::parse_address_list) return an
///   [`AddressError`](crate::AddressError) of kind
///   [`AddressErrorKind::TooManyAddresses`](crate::AddressErrorKind::TooManyAddresses)
///   (addresses), and [`from_mailboxes`](crate::from_mailboxes) wraps it in
///   [`AuthorError::Address`](crate::AuthorError::Address).
///
/// The defaults are generous for real mail and small enough that hostile
/// input cannot exhaust memory.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest header section, in bytes (default 1 MiB).
    pub max_header_bytes: usize,
    /// Most header fields in one header section (default 10,000).
    pub max_header_fields: usize,
    /// Deepest nesting of multipart entities (default 32).
    pub max_depth: usize,
    /// Most MIME entities in one message, all levels together (default 10,000).
    pub max_parts: usize,
    /// Most addresses in one address list (default 1,000); exceeding it is
    /// [`AddressErrorKind::TooManyAddresses`](crate::AddressErrorKind::TooManyAddresses).
    pub max_addresses: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_header_bytes: 1 << 20,
            max_header_fields: 10_000,
            max_depth: 32,
            max_parts: 10_000,
            max_addresses: 1_000,
        }
    }
}
