//! Organizational domains from the Public Suffix List (RFC 7489 §3.2).
//!
//! RFC 7489 finds a domain's organizational domain as its public suffix
//! plus one label. The list is data that changes every week, so two choices
//! are offered:
//!
//! - [`PublicSuffixList::embedded`]: the list compiled into the `psl` crate
//!   (ICANN and private sections), matched without parsing anything at
//!   start-up. Its freshness is that of the `psl` release in `Cargo.lock`.
//! - [`PublicSuffixList::parse`]: a list the caller supplies (for instance
//!   fetched daily from publicsuffix.org), read with the `publicsuffix`
//!   crate.
//!
//! Both implement the same `psl-types` trait, so matching is the same code.
//! Names are compared in A-label form (the caller converts U-labels with
//! IDNA first, as [`super::author_domain`] does).

use alloc::string::{String, ToString};
use alloc::sync::Arc;

use psl_types::List as _;

/// A Public Suffix List.
#[derive(Clone, Debug, Default)]
pub struct PublicSuffixList {
    custom: Option<Arc<publicsuffix::List>>,
}

/// A list that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("public suffix list: {0}")]
pub struct PublicSuffixListError(String);

impl PublicSuffixList {
    /// The list compiled into this build.
    pub fn embedded() -> PublicSuffixList {
        PublicSuffixList { custom: None }
    }

    /// A list in the publicsuffix.org file format (`public_suffix_list.dat`).
    /// Rules count only after its `===BEGIN ICANN DOMAINS===` (or PRIVATE)
    /// marker line, as in the published file; a list without rules is an
    /// error.
    pub fn parse(text: &str) -> Result<PublicSuffixList, PublicSuffixListError> {
        let list: publicsuffix::List = text
            .parse()
            .map_err(|e: publicsuffix::Error| PublicSuffixListError(e.to_string()))?;
        if list.is_empty() {
            return Err(PublicSuffixListError("the list has no rules".into()));
        }
        Ok(PublicSuffixList {
            custom: Some(Arc::new(list)),
        })
    }

    /// The registrable domain of `domain`: its public suffix plus one label,
    /// lower-cased, without a trailing dot. `None` when `domain` is itself a
    /// public suffix, or not a domain name.
    pub fn registrable_domain(&self, domain: &str) -> Option<String> {
        let name = domain.strip_suffix('.').unwrap_or(domain);
        if name.is_empty() || name.starts_with('.') || name.contains("..") {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        let found = match &self.custom {
            Some(list) => list.domain(lower.as_bytes()).map(|d| d.as_bytes().len()),
            None => psl::List
                .domain(lower.as_bytes())
                .map(|d| d.as_bytes().len()),
        }?;
        let start = lower.len().checked_sub(found)?;
        lower.get(start..).map(str::to_string)
    }

    /// The organizational domain of RFC 7489 §3.2: the registrable domain,
    /// or the domain itself when it is a public suffix.
    pub fn organizational_domain(&self, domain: &str) -> String {
        self.registrable_domain(domain).unwrap_or_else(|| {
            domain
                .strip_suffix('.')
                .unwrap_or(domain)
                .to_ascii_lowercase()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_basics() {
        let psl = PublicSuffixList::embedded();
        assert_eq!(
            psl.registrable_domain("a.b.Example.COM").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            psl.registrable_domain("www.example.co.uk.").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(psl.registrable_domain("co.uk"), None);
        assert_eq!(psl.organizational_domain("co.uk"), "co.uk");
        assert_eq!(psl.registrable_domain(""), None);
        assert_eq!(psl.registrable_domain(".com"), None);
    }

    #[test]
    fn custom_list() {
        let psl = PublicSuffixList::parse(
            "// ===BEGIN ICANN DOMAINS===\ncom\n*.example\n!www.city.example\n",
        )
        .unwrap();
        assert_eq!(
            psl.registrable_domain("a.b.c.com").as_deref(),
            Some("c.com")
        );
        assert_eq!(
            psl.registrable_domain("x.y.foo.example").as_deref(),
            Some("y.foo.example")
        );
        assert_eq!(
            psl.registrable_domain("a.www.city.example").as_deref(),
            Some("www.city.example")
        );
        assert!(PublicSuffixList::parse("").is_err());
    }
}
