//! The DNS Tree Walk of RFC 9989 §4.10: which names are queried, and how
//! the organizational domain follows from what was found.
//!
//! The walk starts at a domain and climbs toward the root, querying
//! `_dmarc.<name>` at each step. To bound the queries, a name of eight or
//! more labels jumps straight to its right-most seven labels after the first
//! query; then one label is removed at a time, down to the top-level domain.
//! So a walk makes at most eight queries.

use alloc::vec::Vec;

use mailsec_dns::Name;

use super::record::Psd;

/// The most names one walk queries.
pub const MAX_WALK_QUERIES: usize = 8;
/// Names of this many labels or more jump to their right-most
/// `SHORTCUT_LABELS` labels after the first query.
const SHORTCUT_LABELS: usize = 7;

/// The names a walk from `start` queries, in order: `start`, then (for eight
/// labels or more) its right-most seven labels, then each parent down to the
/// top-level domain.
pub(crate) fn walk_names(start: &Name) -> Vec<Name> {
    let mut names = Vec::with_capacity(MAX_WALK_QUERIES);
    let mut current = start.clone();
    while !current.is_root() && names.len() < MAX_WALK_QUERIES {
        let labels = current.label_count();
        names.push(current.clone());
        let next = if labels > SHORTCUT_LABELS {
            suffix(&current, SHORTCUT_LABELS)
        } else {
            current.parent()
        };
        match next {
            Some(n) => current = n,
            None => break,
        }
    }
    names
}

/// The right-most `labels` labels of `name` (all of it if it has fewer).
pub(crate) fn suffix(name: &Name, labels: usize) -> Option<Name> {
    let count = name.label_count();
    let skip = count.saturating_sub(labels);
    let text = name.as_str();
    let mut start = 0;
    for _ in 0..skip {
        start = text.get(start..)?.find('.')? + start + 1;
    }
    Name::new(text.get(start..)?).ok()
}

/// What one `_dmarc` query found, for the walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// No single DMARC record at this name.
    Nothing,
    /// A DMARC record with this `psd` value (a record that does not parse
    /// counts as `psd=u`).
    Record(Psd),
}

/// Where a walk stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Walk<E> {
    /// The walk needs this name's result next.
    Need(Name),
    /// A lookup failed; the walk cannot finish.
    Failed(E),
    /// The organizational domain.
    Done(Name),
}

/// The organizational domain of `start` (RFC 9989 §4.10.2), given a way to
/// look up what each `_dmarc` name holds: `Ok(Some(found))` when known,
/// `Ok(None)` when not yet queried, `Err` for a failed lookup.
///
/// - a record with `psd=n` makes its domain the organizational domain;
/// - a record with `psd=y` makes the domain one label below it (toward
///   `start`) the organizational domain, unless it is `start` itself, which
///   is then its own organizational domain;
/// - otherwise the record found with the fewest labels decides;
/// - with no record at all, `start` is its own organizational domain.
pub(crate) fn organizational_domain<E>(
    start: &Name,
    lookup: impl FnMut(&Name) -> Result<Option<Found>, E>,
) -> Walk<E> {
    organizational_domain_over(start, &walk_names(start), lookup)
}

/// [`organizational_domain`] over the walk's names computed beforehand
/// (`names` must be `walk_names(start)`).
pub(crate) fn organizational_domain_over<E>(
    start: &Name,
    names: &[Name],
    mut lookup: impl FnMut(&Name) -> Result<Option<Found>, E>,
) -> Walk<E> {
    let mut fewest: Option<&Name> = None;
    for (i, name) in names.iter().enumerate() {
        match lookup(name) {
            Err(e) => return Walk::Failed(e),
            Ok(None) => return Walk::Need(name.clone()),
            Ok(Some(Found::Nothing)) => {}
            Ok(Some(Found::Record(Psd::No))) => return Walk::Done(name.clone()),
            Ok(Some(Found::Record(Psd::Yes))) => {
                if i == 0 {
                    return Walk::Done(name.clone());
                }
                let below = suffix(start, name.label_count().saturating_add(1));
                return Walk::Done(below.unwrap_or_else(|| start.clone()));
            }
            Ok(Some(Found::Record(Psd::Unspecified))) => fewest = Some(name),
        }
    }
    Walk::Done(fewest.unwrap_or(start).clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeMap;
    use alloc::string::String;

    fn n(s: &str) -> Name {
        Name::new(s).unwrap()
    }

    fn strs(names: &[Name]) -> Vec<&str> {
        names.iter().map(|n| n.as_str()).collect()
    }

    #[test]
    fn names_of_short_and_long_domains() {
        assert_eq!(
            strs(&walk_names(&n("a.mail.example.com"))),
            [
                "a.mail.example.com",
                "mail.example.com",
                "example.com",
                "com"
            ]
        );
        assert_eq!(strs(&walk_names(&n("com"))), ["com"]);
        // Twelve labels: the first query, then the right-most seven labels,
        // then parents: eight queries.
        let long = n("a.b.c.d.e.f.g.h.i.mail.example.com");
        assert_eq!(
            strs(&walk_names(&long)),
            [
                "a.b.c.d.e.f.g.h.i.mail.example.com",
                "f.g.h.i.mail.example.com",
                "g.h.i.mail.example.com",
                "h.i.mail.example.com",
                "i.mail.example.com",
                "mail.example.com",
                "example.com",
                "com",
            ]
        );
        // Eight labels: the shortcut is one label, as usual; eight queries.
        let eight = n("a.b.c.d.e.f.example.com");
        assert_eq!(walk_names(&eight).len(), 8);
        assert_eq!(suffix(&long, 2).unwrap().as_str(), "example.com");
        assert_eq!(suffix(&n("com"), 3).unwrap().as_str(), "com");
    }

    fn org(start: &str, zone: &[(&str, Found)]) -> (Walk<()>, Vec<String>) {
        let map: BTreeMap<String, Found> =
            zone.iter().map(|(k, v)| (String::from(*k), *v)).collect();
        let mut asked = Vec::new();
        let walk = organizational_domain(&n(start), |name: &Name| {
            asked.push(String::from(name.as_str()));
            Ok(Some(
                map.get(name.as_str()).copied().unwrap_or(Found::Nothing),
            ))
        });
        (walk, asked)
    }

    #[test]
    fn organizational_domain_rules() {
        use Found::Record;
        // No record anywhere: the domain is its own.
        assert_eq!(org("a.example.com", &[]).0, Walk::Done(n("a.example.com")));
        // A plain record: the one with the fewest labels.
        let zone = [
            ("a.example.com", Record(Psd::Unspecified)),
            ("example.com", Record(Psd::Unspecified)),
        ];
        assert_eq!(
            org("x.a.example.com", &zone).0,
            Walk::Done(n("example.com"))
        );
        // psd=n stops the walk.
        let zone = [
            ("a.example.com", Record(Psd::No)),
            ("example.com", Record(Psd::Unspecified)),
        ];
        let (walk, asked) = org("x.a.example.com", &zone);
        assert_eq!(walk, Walk::Done(n("a.example.com")));
        assert_eq!(asked, ["x.a.example.com", "a.example.com"]);
        // psd=y: the domain one label below the PSD, even across the shortcut.
        let zone = [("gov", Record(Psd::Yes))];
        assert_eq!(org("mail.agency.gov", &zone).0, Walk::Done(n("agency.gov")));
        assert_eq!(
            org("a.b.c.d.e.f.g.h.agency.gov", &zone).0,
            Walk::Done(n("agency.gov"))
        );
        // psd=y at the start: its own organizational domain.
        assert_eq!(org("gov", &zone).0, Walk::Done(n("gov")));
    }

    #[test]
    fn walk_stops_at_the_first_unknown_or_failure() {
        let walk = organizational_domain::<()>(&n("a.example.com"), |_| Ok(None));
        assert_eq!(walk, Walk::Need(n("a.example.com")));
        let walk = organizational_domain(&n("a.example.com"), |_| Err("timeout"));
        assert_eq!(walk, Walk::Failed("timeout"));
    }
}
