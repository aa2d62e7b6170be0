//! The one place mailsec parses a mail message.
//!
//! DKIM, DMARC, S/MIME and TLS reporting all read messages. Two parsers that
//! disagree about which From field counts, or where a MIME part ends, is a
//! classic way past DMARC and S/MIME checks, so every mailsec crate reads
//! messages through this crate:
//!
//! - [`HeaderBlock`]: RFC 5322 header fields with their exact raw bytes and
//!   positions (folding, repeated fields, CRLF and bare LF input); the header
//!   section ends where CPython's `email` package ends it, at the first line
//!   that is not a header field;
//! - [`parse_mailbox_list`], [`parse_address_list`]: RFC 5322 mailboxes and
//!   address lists, domains converted to A-labels (IDNA), RFC 6532 UTF-8 local
//!   parts; [`from_mailboxes`] and [`sender_mailbox`] apply the one rule for
//!   which From field counts (exactly one, or an error);
//! - [`parse_entity`]: MIME entities split with raw offsets (RFC 2046 §5.1.1:
//!   the line break before a boundary belongs to the delimiter), with
//!   [`ContentType`] parameters (RFC 2231 continuations included), and
//!   [`decode_body`] for base64 and quoted-printable content;
//! - [`Limits`] on header size, field count, nesting depth, part count and
//!   address count: no input makes the parser allocate or recurse without bound.
//!
//! # Why not an existing MIME crate
//!
//! The mature Rust mail parsers (`mail-parser`, `mailparse`) decode as they
//! parse: they unfold, decode encoded words and transfer encodings, and
//! normalise line endings. DKIM canonicalization and S/MIME digests need the
//! opposite: the bytes exactly as they arrived, and where each piece begins
//! and ends. The part that needs raw offsets is small, so it is written here,
//! with fuzzing and property tests; IDNA uses the `idna` crate.
//!
//! # What this crate does not do
//!
//! It does not decode RFC 2047 encoded words in display names, convert
//! charsets, or build messages. It never reads files or sockets.
//!
//! # Example
//!
//! ```
//! use mailsec_message::{HeaderBlock, Limits};
//!
//! let msg = b"From: Alice <alice@example.com>\r\nSubject: hi\r\n\r\nHello\r\n";
//! let header = HeaderBlock::parse(msg, &Limits::default())?;
//! let from = header.get("from").map(|f| f.value());
//! assert_eq!(from, Some(&b" Alice <alice@example.com>"[..]));
//! assert_eq!(&msg[header.body_offset()..], b"Hello\r\n");
//! # Ok::<(), mailsec_message::MessageError>(())
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

mod address;
mod author;
mod content_type;
mod encode;
mod error;
mod header;
mod limits;
mod mime;
mod transfer;

pub use address::{
    Address, AddressError, AddressErrorKind, Mailbox, parse_address_list, parse_mailbox,
    parse_mailbox_list,
};
pub use author::{AuthorError, from_mailboxes, sender_mailbox};
pub use content_type::{ContentType, ContentTypeError, ContentTypeErrorKind, parse_content_type};
pub use encode::{
    ENCODED_LINE_LEN, MAX_LINE_LEN, encode_base64_lines, encode_quoted_printable, is_seven_bit,
};
pub use error::{LimitKind, MessageError};
pub use header::{
    HeaderBlock, HeaderField, MalformedKind, MalformedLine, find_body_offset,
    find_body_offset_after, unfold,
};
pub use limits::Limits;
pub use mime::{Entity, EntityKind, Multipart, canonicalize_crlf, parse_entity};
pub use transfer::{
    TransferEncoding, TransferError, decode_base64, decode_body, decode_quoted_printable,
};
