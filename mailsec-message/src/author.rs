//! Which From field counts: the one rule every mailsec crate uses.
//!
//! RFC 5322 §3.6 allows exactly one From field (and at most one Sender). A
//! message with two From fields is how a forged author rides on a valid DKIM
//! signature or passes a DMARC check meant for the other one (RFC 6376 §8.15),
//! so this module never picks one of several: it reports them as an error, and
//! DKIM, DMARC and S/MIME each decide what that error means for their verdict.

use alloc::vec::Vec;

use crate::address::{AddressError, Mailbox, parse_mailbox, parse_mailbox_list};
use crate::header::HeaderBlock;
use crate::limits::Limits;

/// Why a message has no single, readable author field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorError {
    /// The message has no such field.
    #[error("no {field} field")]
    Missing {
        /// `From` or `Sender`.
        field: &'static str,
    },
    /// The message has more than one such field.
    #[error("{count} {field} fields where one is allowed")]
    Repeated {
        /// `From` or `Sender`.
        field: &'static str,
        /// How many there are.
        count: usize,
    },
    /// The field's value does not parse. Displayed with the absolute
    /// position of the problem (`value_offset + source.position`).
    #[error(
        "{field} field at byte {offset}: {kind} at byte {at}",
        kind = .source.kind,
        at = .value_offset.saturating_add(.source.position)
    )]
    Address {
        /// `From` or `Sender`.
        field: &'static str,
        /// Where the field begins in the header section
        /// ([`HeaderField::offset`](crate::HeaderField::offset)).
        offset: usize,
        /// Where the field's value (the byte after the colon) begins in the
        /// header section (`field.value_range().start`). The problem is at
        /// `value_offset + source.position`.
        value_offset: usize,
        /// What is wrong; its position is relative to the field's value.
        source: AddressError,
    },
}

/// The mailboxes of the message's one From field (RFC 5322 `mailbox-list`:
/// one or more). Fails when there is no From field, more than one, or its
/// value does not parse.
pub fn from_mailboxes(
    header: &HeaderBlock<'_>,
    limits: &Limits,
) -> Result<Vec<Mailbox>, AuthorError> {
    let field = single(header, "From")?;
    parse_mailbox_list(field.value(), limits).map_err(|source| AuthorError::Address {
        field: "From",
        offset: field.offset(),
        value_offset: field.value_range().start,
        source,
    })
}

/// The mailbox of the message's Sender field: `Ok(None)` when there is none;
/// an error when there are several or its value is not exactly one mailbox.
pub fn sender_mailbox(header: &HeaderBlock<'_>) -> Result<Option<Mailbox>, AuthorError> {
    let field = match single(header, "Sender") {
        Ok(f) => f,
        Err(AuthorError::Missing { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    parse_mailbox(field.value())
        .map(Some)
        .map_err(|source| AuthorError::Address {
            field: "Sender",
            offset: field.offset(),
            value_offset: field.value_range().start,
            source,
        })
}

fn single<'h, 'a>(
    header: &'h HeaderBlock<'a>,
    name: &'static str,
) -> Result<&'h crate::header::HeaderField<'a>, AuthorError> {
    let mut fields = header.get_all(name);
    let first = fields.next().ok_or(AuthorError::Missing { field: name })?;
    let more = fields.count();
    if more > 0 {
        return Err(AuthorError::Repeated {
            field: name,
            count: more.saturating_add(1),
        });
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn header(m: &[u8]) -> HeaderBlock<'_> {
        HeaderBlock::parse(m, &Limits::default()).unwrap()
    }

    #[test]
    fn one_from_field() {
        let h = header(b"From: Alice <Alice@Example.COM>, bob@example.net\r\n\r\n");
        let m = from_mailboxes(&h, &Limits::default()).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].address(), "Alice@example.com");
        assert_eq!(m[1].domain, "example.net");
    }

    #[test]
    fn missing_repeated_and_bad_from() {
        let limits = Limits::default();
        let h = header(b"To: x@example.com\r\n\r\n");
        assert_eq!(
            from_mailboxes(&h, &limits),
            Err(AuthorError::Missing { field: "From" })
        );
        let h = header(b"From: a@good.example\r\nfrom: b@evil.example\r\n\r\n");
        assert_eq!(
            from_mailboxes(&h, &limits),
            Err(AuthorError::Repeated {
                field: "From",
                count: 2
            })
        );
        let h = header(b"Subject: x\r\nFrom: a@evil.example <b@good.example>\r\n\r\n");
        let err = from_mailboxes(&h, &limits).unwrap_err();
        assert!(matches!(
            err,
            AuthorError::Address {
                field: "From",
                offset: 12,
                ..
            }
        ));
    }

    #[test]
    fn address_error_has_absolute_value_offset() {
        let m = b"Subject: x\r\nFrom: a@evil.example <b@good.example>\r\n\r\n";
        let h = header(m);
        let err = from_mailboxes(&h, &Limits::default()).unwrap_err();
        let AuthorError::Address {
            offset,
            value_offset,
            ref source,
            ..
        } = err
        else {
            panic!("{err:?}");
        };
        assert_eq!(offset, 12);
        assert_eq!(value_offset, 17);
        // The problem, in the header section: a second address after the first.
        assert_eq!(source.position, 16);
        assert_eq!(m[value_offset + source.position], b'<');
        assert_eq!(
            err.to_string(),
            "From field at byte 12: unexpected character '<' at byte 33"
        );
        let h = header(b"Sender:  a@b.example,\r\n\r\n");
        let err = sender_mailbox(&h).unwrap_err();
        assert!(matches!(
            err,
            AuthorError::Address {
                field: "Sender",
                offset: 0,
                value_offset: 7,
                ..
            }
        ));
        assert!(err.to_string().ends_with("at byte 20"));
    }

    #[test]
    fn sender_is_optional_and_single() {
        let h = header(b"From: a@example.com\r\n\r\n");
        assert_eq!(sender_mailbox(&h), Ok(None));
        let h = header(b"Sender: list@example.org\r\n\r\n");
        assert_eq!(sender_mailbox(&h).unwrap().unwrap().domain, "example.org");
        let h = header(b"Sender: a@example.org, b@example.org\r\n\r\n");
        assert!(sender_mailbox(&h).is_err());
        let h = header(b"Sender: a@example.org\r\nSender: b@example.org\r\n\r\n");
        assert!(matches!(
            sender_mailbox(&h),
            Err(AuthorError::Repeated { count: 2, .. })
        ));
    }
}
