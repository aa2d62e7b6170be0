//! The organizational domain of any name by RFC 9989's tree walk, as a
//! state machine of its own: for checks outside a message's evaluation,
//! such as whether a `rua` destination lies outside the policy domain's
//! organization (RFC 9990's external destination verification).

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use mailsec_dns::{Answer, DnsMachine, Name, ProvideError, Query, Step};

use super::record::{DmarcRecord, is_dmarc_version};
use super::tree_walk::{self, Found, Walk};

/// Finds a domain's organizational domain (RFC 9989 §4.10.2) with at most
/// [`MAX_WALK_QUERIES`](super::MAX_WALK_QUERIES) `_dmarc` queries. The
/// outcome is the organizational domain, or `Err` naming the name whose
/// query failed temporarily.
#[derive(Debug)]
pub struct OrganizationalDomainLookup {
    start: Name,
    found: BTreeMap<Name, Result<Found, ()>>,
    pending: Vec<Query>,
    /// The name whose `_dmarc` record the pending query asks for.
    asking: Option<Name>,
    outcome: Option<Result<String, String>>,
}

impl OrganizationalDomainLookup {
    /// A lookup for `domain` (a domain name; lower-cased here).
    pub fn new(domain: &Name) -> OrganizationalDomainLookup {
        let start =
            Name::new(&domain.as_str().to_ascii_lowercase()).unwrap_or_else(|_| domain.clone());
        let mut lookup = OrganizationalDomainLookup {
            start,
            found: BTreeMap::new(),
            pending: Vec::new(),
            asking: None,
            outcome: None,
        };
        lookup.advance();
        lookup
    }

    fn advance(&mut self) {
        // Each round ends the walk or asks for a new name of it (at most
        // MAX_WALK_QUERIES); a name too long to take `_dmarc.` holds nothing
        // and is settled here without a query.
        loop {
            let walk = tree_walk::organizational_domain(&self.start, |name| {
                self.found
                    .get(name)
                    .map_or(Ok(None), |f| f.map(Some).map_err(|()| name.clone()))
            });
            match walk {
                Walk::Need(name) => match name.prepend("_dmarc") {
                    Ok(query_name) => {
                        self.pending = vec![Query::txt(query_name)];
                        self.asking = Some(name);
                        return;
                    }
                    Err(_) => {
                        self.found.insert(name, Ok(Found::Nothing));
                    }
                },
                Walk::Failed(name) => {
                    self.outcome = Some(Err(name.to_string()));
                    return;
                }
                Walk::Done(org) => {
                    self.outcome = Some(Ok(org.to_string()));
                    return;
                }
            }
        }
    }
}

impl DnsMachine for OrganizationalDomainLookup {
    type Output = Result<String, String>;

    fn poll(&mut self) -> Step<'_, Self::Output> {
        match &self.outcome {
            Some(o) => Step::Done(o.clone()),
            None => Step::NeedDns(&self.pending),
        }
    }

    fn provide(&mut self, answers: Vec<Answer>) -> Result<(), ProvideError> {
        if self.pending.is_empty() {
            return Err(ProvideError::NotWaiting);
        }
        let [answer] = <[Answer; 1]>::try_from(answers).map_err(|a| ProvideError::AnswerCount {
            expected: 1,
            got: a.len(),
        })?;
        self.pending.clear();
        let Some(under) = self.asking.take() else {
            return Err(ProvideError::NotWaiting);
        };
        let found = if answer.failure().is_some() {
            Err(())
        } else {
            let records: Vec<Vec<u8>> = answer
                .txt()
                .map(|t| t.joined())
                .filter(|t| is_dmarc_version(&String::from_utf8_lossy(t)))
                .take(2)
                .collect();
            match <[Vec<u8>; 1]>::try_from(records) {
                Ok([text]) => {
                    let text = String::from_utf8_lossy(&text);
                    let psd = DmarcRecord::parse_lenient(&text).map(|(r, _)| r.psd());
                    Ok(psd.map_or(Found::Nothing, Found::Record))
                }
                Err(_) => Ok(Found::Nothing),
            }
        };
        self.found.insert(under, found);
        self.advance();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailsec_dns::{MemoryResolver, Record, Txt};

    #[test]
    fn names_too_long_for_the_prefix_end_without_looping() {
        let mut long = String::from("_dmarc");
        while long.len() < 236 {
            long.push_str(".aaaaaaaaa");
        }
        long.push_str(".examplexxx");
        let name = Name::new(&long).unwrap();
        let mut zone = MemoryResolver::new();
        zone.add(
            Name::new("_dmarc.examplexxx").unwrap(),
            Record::Txt(Txt::from_bytes(b"v=DMARC1; p=reject")),
        );
        let mut lookup = OrganizationalDomainLookup::new(&name);
        assert_eq!(
            mailsec_dns::drive(&mut lookup, &zone).unwrap(),
            Ok("examplexxx".into())
        );
    }

    #[test]
    fn finds_the_organization() {
        let mut zone = MemoryResolver::new();
        zone.add(
            Name::new("_dmarc.example.com").unwrap(),
            Record::Txt(Txt::from_bytes(b"v=DMARC1; p=none")),
        );
        let name = Name::new("Reports.Mail.Example.com").unwrap();
        let mut lookup = OrganizationalDomainLookup::new(&name);
        assert_eq!(
            mailsec_dns::drive(&mut lookup, &zone).unwrap(),
            Ok("example.com".into())
        );
        zone.add_timeout(Name::new("_dmarc.vendor.example").unwrap());
        let mut lookup = OrganizationalDomainLookup::new(&Name::new("vendor.example").unwrap());
        assert_eq!(
            mailsec_dns::drive(&mut lookup, &zone).unwrap(),
            Err("vendor.example".into())
        );
    }
}
