//! Name constraints (RFC 5280 §4.2.1.10, §6.1.3(b)–(c), §6.1.4(g)).
//!
//! Rather than intersecting subtrees, the state keeps each certificate's
//! permitted list: a name must match, in every list that constrains its
//! form, one subtree of its form (which is the intersection). Excluded
//! subtrees accumulate. Forms checked: directoryName, rfc822Name (mailbox,
//! host and `.domain` forms; also applied to emailAddress attributes of the
//! subject DN), dNSName, URI (host part) and iPAddress. A constraint on
//! another form (otherName, x400Address, ediPartyName, registeredID)
//! rejects a name of that form (RFC 5280: process or reject).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use x509_cert::ext::pkix::NameConstraints;
use x509_cert::ext::pkix::name::GeneralName;

use super::names::{CanonName, email_addresses};

/// The most subtrees kept over a whole path.
const MAX_SUBTREES: usize = 1024;

/// A constraint in checkable form.
#[derive(Debug, Clone)]
enum Subtree {
    Dir(CanonName),
    Email(String),
    Dns(String),
    Uri(String),
    Ip(Vec<u8>),
    /// Another form, kept by its kind number.
    Other(u8),
}

impl Subtree {
    fn new(name: &GeneralName) -> Self {
        match name {
            GeneralName::DirectoryName(n) => Self::Dir(CanonName::new(n)),
            GeneralName::Rfc822Name(s) => Self::Email(String::from(s.as_str())),
            GeneralName::DnsName(s) => Self::Dns(String::from(s.as_str())),
            GeneralName::UniformResourceIdentifier(s) => Self::Uri(String::from(s.as_str())),
            GeneralName::IpAddress(o) => Self::Ip(o.as_bytes().to_vec()),
            other => Self::Other(kind(other)),
        }
    }

    fn kind(&self) -> u8 {
        match self {
            Self::Dir(_) => 4,
            Self::Email(_) => 1,
            Self::Dns(_) => 2,
            Self::Uri(_) => 6,
            Self::Ip(_) => 7,
            Self::Other(k) => *k,
        }
    }
}

fn kind(name: &GeneralName) -> u8 {
    match name {
        GeneralName::OtherName(_) => 0,
        GeneralName::Rfc822Name(_) => 1,
        GeneralName::DnsName(_) => 2,
        GeneralName::DirectoryName(_) => 4,
        GeneralName::EdiPartyName(_) => 5,
        GeneralName::UniformResourceIdentifier(_) => 6,
        GeneralName::IpAddress(_) => 7,
        GeneralName::RegisteredId(_) => 8,
    }
}

/// A name of a certificate to check.
#[derive(Debug, Clone)]
pub(crate) enum Subject<'a> {
    Dir(&'a CanonName),
    Email(&'a str),
    Dns(&'a str),
    Uri(&'a str),
    Ip(&'a [u8]),
    Other(u8),
}

impl Subject<'_> {
    fn kind(&self) -> u8 {
        match self {
            Self::Dir(_) => 4,
            Self::Email(_) => 1,
            Self::Dns(_) => 2,
            Self::Uri(_) => 6,
            Self::Ip(_) => 7,
            Self::Other(k) => *k,
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Dir(_) => String::from("(subject directory name)"),
            Self::Email(s) => format!("rfc822Name {s}"),
            Self::Dns(s) => format!("dNSName {s}"),
            Self::Uri(s) => format!("URI {s}"),
            Self::Ip(b) => format!("iPAddress {b:02x?}"),
            Self::Other(k) => format!("general name of form {k}"),
        }
    }
}

/// The accumulated constraints along a path.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameConstraintState {
    permitted: Vec<Vec<Subtree>>,
    excluded: Vec<Subtree>,
    count: usize,
}

impl NameConstraintState {
    /// Adds a certificate's constraints. False when over the limit.
    pub(crate) fn add(&mut self, nc: &NameConstraints) -> bool {
        let p: Vec<Subtree> = nc
            .permitted_subtrees
            .iter()
            .flatten()
            .map(|s| Subtree::new(&s.base))
            .collect();
        let e: Vec<Subtree> = nc
            .excluded_subtrees
            .iter()
            .flatten()
            .map(|s| Subtree::new(&s.base))
            .collect();
        self.count = self.count.saturating_add(p.len()).saturating_add(e.len());
        if self.count > MAX_SUBTREES {
            return false;
        }
        if !p.is_empty() {
            self.permitted.push(p);
        }
        self.excluded.extend(e);
        true
    }

    /// Checks one name; the description of the name when it violates.
    pub(crate) fn check(&self, name: &Subject<'_>) -> Result<(), String> {
        let k = name.kind();
        for set in &self.permitted {
            let mut of_kind = set.iter().filter(|s| s.kind() == k).peekable();
            if of_kind.peek().is_none() {
                continue;
            }
            if !of_kind.any(|s| matches(s, name)) {
                return Err(name.describe());
            }
        }
        if self
            .excluded
            .iter()
            .any(|s| s.kind() == k && matches(s, name))
        {
            return Err(name.describe());
        }
        Ok(())
    }

    /// Checks the subject DN, its emailAddress attributes and the
    /// subjectAltName entries of a certificate.
    pub(crate) fn check_certificate(
        &self,
        subject: &CanonName,
        subject_name: &x509_cert::name::Name,
        alt_names: Option<&[GeneralName]>,
    ) -> Result<(), String> {
        if self.permitted.is_empty() && self.excluded.is_empty() {
            return Ok(());
        }
        if !subject.is_empty() {
            self.check(&Subject::Dir(subject))?;
        }
        for email in email_addresses(subject_name) {
            self.check(&Subject::Email(&email))?;
        }
        for gn in alt_names.unwrap_or_default() {
            let dir;
            let s = match gn {
                GeneralName::DirectoryName(n) => {
                    dir = CanonName::new(n);
                    Subject::Dir(&dir)
                }
                GeneralName::Rfc822Name(s) => Subject::Email(s.as_str()),
                GeneralName::DnsName(s) => Subject::Dns(s.as_str()),
                GeneralName::UniformResourceIdentifier(s) => Subject::Uri(s.as_str()),
                GeneralName::IpAddress(o) => Subject::Ip(o.as_bytes()),
                other => Subject::Other(kind(other)),
            };
            self.check(&s)?;
        }
        Ok(())
    }
}

fn matches(constraint: &Subtree, name: &Subject<'_>) -> bool {
    match (constraint, name) {
        (Subtree::Dir(base), Subject::Dir(n)) => n.within(base),
        (Subtree::Email(c), Subject::Email(n)) => email_matches(c, n),
        (Subtree::Dns(c), Subject::Dns(n)) => dns_matches(c, n),
        (Subtree::Uri(c), Subject::Uri(n)) => uri_host(n).is_some_and(|h| host_matches_uri(c, h)),
        (Subtree::Ip(c), Subject::Ip(n)) => ip_matches(c, n),
        // Forms we do not interpret: a name of that form matches nothing
        // permitted and everything excluded (so it is rejected).
        (Subtree::Other(a), Subject::Other(b)) => a != b,
        _ => false,
    }
}

/// `suffix` is a label-aligned suffix of `host` or equal to it.
fn domain_within(host: &str, domain: &str) -> bool {
    let host = host.trim_end_matches('.');
    let domain = domain.trim_end_matches('.');
    if domain.is_empty() {
        return true;
    }
    if host.eq_ignore_ascii_case(domain) {
        return true;
    }
    host.len() > domain.len()
        && host
            .get(host.len().saturating_sub(domain.len())..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(domain))
        && host
            .as_bytes()
            .get(host.len().saturating_sub(domain.len()).saturating_sub(1))
            == Some(&b'.')
}

/// rfc822Name forms: a mailbox (exact), a host (the domain part equals it)
/// or `.domain` (any host under the domain, not the domain itself).
pub(crate) fn email_matches(constraint: &str, name: &str) -> bool {
    let Some((local, domain)) = name.rsplit_once('@') else {
        return false;
    };
    if let Some((c_local, c_domain)) = constraint.rsplit_once('@') {
        return c_local == local && c_domain.eq_ignore_ascii_case(domain);
    }
    if let Some(stripped) = constraint.strip_prefix('.') {
        return domain.len() > stripped.len() && domain_within(domain, stripped);
    }
    domain.eq_ignore_ascii_case(constraint)
}

/// dNSName: the name equals the constraint or is under it; a constraint
/// with a leading period matches only names under it.
pub(crate) fn dns_matches(constraint: &str, name: &str) -> bool {
    if let Some(stripped) = constraint.strip_prefix('.') {
        return name.len() > stripped.len() && domain_within(name, stripped);
    }
    domain_within(name, constraint)
}

/// URI constraints name a host: exact, or with a leading period any host
/// under the domain.
fn host_matches_uri(constraint: &str, host: &str) -> bool {
    if let Some(stripped) = constraint.strip_prefix('.') {
        return host.len() > stripped.len() && domain_within(host, stripped);
    }
    host.eq_ignore_ascii_case(constraint)
}

/// The host of a URI with an authority (`scheme://[userinfo@]host[:port]...`).
pub(crate) fn uri_host(uri: &str) -> Option<&str> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port
            .split_once(']')
            .map(|(h, _)| h.trim_start_matches('['))?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

fn ip_matches(constraint: &[u8], name: &[u8]) -> bool {
    let half = constraint.len() / 2;
    if half != name.len() || (half != 4 && half != 16) || !constraint.len().is_multiple_of(2) {
        return false;
    }
    let (addr, mask) = constraint.split_at(half);
    addr.iter()
        .zip(mask)
        .zip(name)
        .all(|((a, m), n)| a & m == n & m)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]
    use super::*;
    use core::str::FromStr;
    use der::asn1::Ia5String;
    use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
    use x509_cert::name::Name;

    #[test]
    fn rfc822_forms() {
        assert!(email_matches("alice@example.com", "alice@EXAMPLE.com"));
        assert!(!email_matches("alice@example.com", "bob@example.com"));
        assert!(email_matches("example.com", "bob@example.com"));
        assert!(!email_matches("example.com", "bob@mail.example.com"));
        assert!(email_matches(".example.com", "bob@mail.example.com"));
        assert!(!email_matches(".example.com", "bob@example.com"));
        assert!(!email_matches(".example.com", "bob@badexample.com"));
    }

    #[test]
    fn dns_forms() {
        assert!(dns_matches("example.com", "example.com"));
        assert!(dns_matches("example.com", "www.Example.com"));
        assert!(!dns_matches("example.com", "wwwexample.com"));
        assert!(dns_matches(".example.com", "www.example.com"));
        assert!(!dns_matches(".example.com", "example.com"));
    }

    #[test]
    fn uri_and_ip() {
        assert_eq!(
            uri_host("http://user@Host.example:80/x"),
            Some("Host.example")
        );
        assert_eq!(uri_host("mailto:a@b"), None);
        assert!(host_matches_uri(".example.com", "a.example.com"));
        assert!(!host_matches_uri("example.com", "a.example.com"));
        assert!(ip_matches(&[10, 0, 0, 0, 255, 0, 0, 0], &[10, 1, 2, 3]));
        assert!(!ip_matches(&[10, 0, 0, 0, 255, 0, 0, 0], &[11, 1, 2, 3]));
        assert!(!ip_matches(&[10, 0, 0, 0, 255, 0, 0, 0], &[0; 16]));
    }

    fn subtree(name: GeneralName) -> GeneralSubtree {
        GeneralSubtree {
            base: name,
            minimum: 0,
            maximum: None,
        }
    }

    #[test]
    fn permitted_and_excluded() {
        let mut st = NameConstraintState::default();
        let nc = NameConstraints {
            permitted_subtrees: Some(alloc::vec![
                subtree(GeneralName::DirectoryName(
                    Name::from_str("O=Good,C=US").unwrap()
                )),
                subtree(GeneralName::Rfc822Name(
                    Ia5String::new("good.example").unwrap()
                )),
            ]),
            excluded_subtrees: Some(alloc::vec![subtree(GeneralName::DirectoryName(
                Name::from_str("OU=Bad,O=Good,C=US").unwrap()
            ))]),
        };
        assert!(st.add(&nc));
        let ok = CanonName::new(&Name::from_str("CN=A,O=Good,C=US").unwrap());
        let bad = CanonName::new(&Name::from_str("CN=A,OU=Bad,O=Good,C=US").unwrap());
        let out = CanonName::new(&Name::from_str("CN=A,O=Other,C=US").unwrap());
        assert!(st.check(&Subject::Dir(&ok)).is_ok());
        assert!(st.check(&Subject::Dir(&bad)).is_err());
        assert!(st.check(&Subject::Dir(&out)).is_err());
        assert!(st.check(&Subject::Email("x@good.example")).is_ok());
        assert!(st.check(&Subject::Email("x@evil.example")).is_err());
        // No DNS constraint: any DNS name passes.
        assert!(st.check(&Subject::Dns("anything.example")).is_ok());
        // emailAddress in the subject DN is checked as rfc822Name.
        let dn = Name::from_str("CN=A,O=Good,C=US").unwrap();
        assert!(st.check_certificate(&ok, &dn, None).is_ok());
    }
}
