//! The Author Domain: the domain of the RFC5322.From field (RFC 9989 §4.1,
//! §5.3 step 1).
//!
//! The From field is read by the shared message layer
//! ([`mailsec_message::from_mailboxes`]), which already gives domains as
//! lower-case A-labels (UTS-46), so an internationalized From domain is
//! compared and queried in A-label form.
//!
//! Our reading of the RFCs on unusual From fields:
//!
//! - no From field, several From fields, or one that does not parse: the
//!   message cannot be evaluated ([`AuthorDomainError::Field`]); evaluation
//!   gives `permerror`. RFC 9989 leaves rejecting such messages to the
//!   receiver; RFC 5322 allows exactly one From field.
//! - several mailboxes that all share one domain: that domain is the Author
//!   Domain.
//! - several mailboxes with different domains: RFC 9989 (§5.3, and RFC 7489
//!   §6.6.1) lets the receiver reject, or evaluate every domain and apply the
//!   strictest policy. We report them all in
//!   [`AuthorDomainError::SeveralDomains`] and evaluation gives `permerror`;
//!   a caller that prefers the other choice runs one evaluation per domain
//!   with [`super::DmarcInput::new`].
//! - a domain literal (`user@[192.0.2.1]`) has no DMARC policy:
//!   [`AuthorDomainError::NoDomain`].

use alloc::string::String;
use alloc::vec::Vec;

use mailsec_message::{AuthorError, HeaderBlock, Limits, from_mailboxes};

/// Why a message has no single Author Domain.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorDomainError {
    /// No From field, several, or one that does not parse.
    #[error("{0}")]
    Field(AuthorError),
    /// The From field's mailboxes name different domains (listed, in order).
    #[error("the From field names several domains: {}", .0.join(", "))]
    SeveralDomains(Vec<String>),
    /// The From address has no domain name (a domain literal).
    #[error("the From address has no domain name")]
    NoDomain,
}

/// The Author Domain of a message's header section.
pub fn author_domain(header: &HeaderBlock<'_>) -> Result<String, AuthorDomainError> {
    let mailboxes = from_mailboxes(header, &Limits::default()).map_err(AuthorDomainError::Field)?;
    let mut domains: Vec<String> = Vec::new();
    for mailbox in &mailboxes {
        if mailbox.domain.starts_with('[') || mailbox.domain.is_empty() {
            return Err(AuthorDomainError::NoDomain);
        }
        if !domains.contains(&mailbox.domain) {
            domains.push(mailbox.domain.clone());
        }
    }
    match <[String; 1]>::try_from(domains) {
        Ok([one]) => Ok(one),
        Err(domains) if domains.is_empty() => Err(AuthorDomainError::NoDomain),
        Err(domains) => Err(AuthorDomainError::SeveralDomains(domains)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain_of(header: &str) -> Result<String, AuthorDomainError> {
        let block = HeaderBlock::parse(header.as_bytes(), &Limits::default()).unwrap();
        author_domain(&block)
    }

    #[test]
    fn single_and_shared_domains() {
        assert_eq!(
            domain_of("From: A <a@Example.COM>\r\n\r\n").unwrap(),
            "example.com"
        );
        assert_eq!(
            domain_of("From: a@example.com, b@EXAMPLE.com\r\n\r\n").unwrap(),
            "example.com"
        );
        // IDNA: U-labels become A-labels.
        assert_eq!(
            domain_of("From: a@b\u{fc}cher.example\r\n\r\n").unwrap(),
            "xn--bcher-kva.example"
        );
    }

    #[test]
    fn unusable_from_fields() {
        assert!(matches!(
            domain_of("To: a@example.com\r\n\r\n"),
            Err(AuthorDomainError::Field(_))
        ));
        assert!(matches!(
            domain_of("From: a@example.com\r\nFrom: b@example.com\r\n\r\n"),
            Err(AuthorDomainError::Field(_))
        ));
        assert_eq!(
            domain_of("From: a@example.com, b@example.org\r\n\r\n"),
            Err(AuthorDomainError::SeveralDomains(vec![
                "example.com".into(),
                "example.org".into()
            ]))
        );
        assert_eq!(
            domain_of("From: a@[192.0.2.1]\r\n\r\n"),
            Err(AuthorDomainError::NoDomain)
        );
    }
}
