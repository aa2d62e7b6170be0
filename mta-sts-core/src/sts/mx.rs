//! MX host patterns of a policy (RFC 8461 §3.2 `mx`, §4.1 matching) and the
//! decision over a domain's whole MX set.
//!
//! ```text
//! sts-policy-mx-value = ["*."] Domain
//! Domain     = sub-domain *("." sub-domain)          ; RFC 5321 §4.1.2
//! sub-domain = Let-dig [Ldh-str]
//! Let-dig    = ALPHA / DIGIT
//! Ldh-str    = *( ALPHA / DIGIT / "-" ) Let-dig
//! ```
//!
//! Matching (§4.1): case-insensitive, a trailing dot on the host ignored, and
//! the wildcard `*` only as the whole left-most label, standing for exactly one
//! label: `*.example.com` matches `mx.example.com` but neither `example.com`
//! nor `a.b.example.com`. The pattern grammar has no trailing dot and no
//! wildcard elsewhere; label and name lengths are not checked (a pattern with
//! a 64-octet label is valid and never matches a real host).
//!
//! [`select_mx`] applies a policy to a domain's MX set: hosts in preference
//! order, the implicit MX (the domain itself, RFC 5321 §5.1) when there is no
//! MX record, and none at all for a null MX (RFC 7505).

use alloc::string::String;
use alloc::vec::Vec;

use mailsec_dns::{Mx, Name};

use super::policy::{Mode, Policy};

/// One `mx` pattern of a policy, as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MxPattern {
    text: String,
}

/// Why an `mx` value is not a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MxPatternError {
    /// The value is empty.
    #[error("empty mx pattern")]
    Empty,
    /// A label is empty, starts or ends with `-`, or has a character outside
    /// letters, digits and `-` (`*` is allowed only as `*.` at the start).
    #[error("malformed label in mx pattern at byte {0}")]
    Label(usize),
}

impl MxPattern {
    /// Parses `["*."] Domain`.
    pub fn parse(text: &str) -> Result<MxPattern, MxPatternError> {
        if text.is_empty() {
            return Err(MxPatternError::Empty);
        }
        let (domain, offset) = match text.strip_prefix("*.") {
            Some(rest) => (rest, 2usize),
            None => (text, 0usize),
        };
        let mut start = 0usize;
        for label in domain.split('.') {
            let bytes = label.as_bytes();
            let ok = matches!(bytes.first(), Some(b) if b.is_ascii_alphanumeric())
                && matches!(bytes.last(), Some(b) if b.is_ascii_alphanumeric())
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-');
            if !ok {
                return Err(MxPatternError::Label(offset.saturating_add(start)));
            }
            start = start.saturating_add(label.len()).saturating_add(1);
        }
        Ok(MxPattern {
            text: String::from(text),
        })
    }

    /// The pattern as written in the policy.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the pattern starts with `*.`.
    pub fn is_wildcard(&self) -> bool {
        self.text.starts_with("*.")
    }

    /// Whether `host` (an MX host name, with or without a trailing dot)
    /// matches the pattern, case-insensitively (§4.1).
    pub fn matches(&self, host: &str) -> bool {
        let host = host.strip_suffix('.').unwrap_or(host);
        match self.text.strip_prefix("*.") {
            Some(suffix) => match host.split_once('.') {
                // The wildcard stands for one real host-name label
                // (letters, digits, hyphens): a literal `*` or a U-label in
                // the host matches nothing.
                Some((first, rest)) => {
                    !first.is_empty()
                        && first
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && rest.eq_ignore_ascii_case(suffix)
                }
                None => false,
            },
            None => host.eq_ignore_ascii_case(&self.text),
        }
    }
}

impl core::fmt::Display for MxPattern {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.text)
    }
}

/// One candidate host of [`select_mx`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MxCandidate {
    /// The host.
    pub host: Name,
    /// Its MX preference (0 for the implicit MX).
    pub preference: u16,
    /// Whether the policy lists it (`false` without a policy or in `none` mode).
    pub matches: bool,
    /// Whether the sender may try it: always, except a non-matching host
    /// under an `enforce` policy (§4.1, §5.1 step 2).
    pub allowed: bool,
}

/// The MX set of a domain under a policy, in preference order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MxSelection {
    /// Every candidate, most preferred first (ties keep the answer's order).
    pub candidates: Vec<MxCandidate>,
    /// The domain published a null MX (RFC 7505): it accepts no mail.
    pub null_mx: bool,
    /// No MX record: the domain itself was used as the implicit MX.
    pub implicit: bool,
}

impl MxSelection {
    /// The hosts the sender may try, in order.
    pub fn allowed(&self) -> impl Iterator<Item = &MxCandidate> {
        self.candidates.iter().filter(|c| c.allowed)
    }

    /// Hosts listed in DNS but not in the policy: each is a `validation-failure`
    /// to report (in `testing` mode they are still tried).
    pub fn mismatched(&self) -> impl Iterator<Item = &MxCandidate> {
        self.candidates.iter().filter(|c| !c.matches)
    }
}

/// Applies `policy` (if any) to the MX records of `domain`. An empty `mx`
/// list means the domain has no MX record, so the domain itself is the
/// implicit MX (RFC 5321 §5.1), which the policy must then list. A single MX
/// whose exchange is the root is a null MX: no candidate.
pub fn select_mx(policy: Option<&Policy>, domain: &Name, mx: &[Mx]) -> MxSelection {
    let null_mx = mx.iter().any(|m| m.exchange.is_root());
    let implicit = mx.is_empty();
    let mut hosts: Vec<(u16, Name)> = if implicit {
        alloc::vec![(0, domain.clone())]
    } else if null_mx {
        Vec::new()
    } else {
        mx.iter()
            .map(|m| (m.preference, m.exchange.clone()))
            .collect()
    };
    // Stable: equal preferences keep the resolver's order (the caller may
    // shuffle them beforehand, RFC 5321 §5.1).
    hosts.sort_by_key(|(p, _)| *p);
    let candidates = hosts
        .into_iter()
        .map(|(preference, host)| {
            let (matches, allowed) = match policy {
                Some(p) if p.mode() != Mode::None => {
                    let m = p.mx_matches(host.as_str());
                    (m, m || p.mode() == Mode::Testing)
                }
                _ => (false, true),
            };
            MxCandidate {
                host,
                preference,
                matches,
                allowed,
            }
        })
        .collect();
    MxSelection {
        candidates,
        null_mx,
        implicit,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_wildcard_matches_only_a_real_label() {
        let p = MxPattern::parse("*.example.net").unwrap();
        assert!(p.matches("mx1.example.net"));
        assert!(p.matches("MX-1.Example.NET."));
        assert!(!p.matches("*.example.net"));
        assert!(!p.matches("m\u{e4}il.example.net"));
        assert!(!p.matches("a.b.example.net"));
        assert!(!p.matches(".example.net"));
    }

    use super::*;

    #[test]
    fn pattern_grammar() {
        for ok in [
            "mx.example.com",
            "*.example.net",
            "a",
            "*.com",
            "x-1.b2.c",
            "1.2.3.4",
        ] {
            assert!(MxPattern::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "*",
            "*.",
            "mx.example.com.",
            ".example.com",
            "a..b",
            "-a.example",
            "a-.example",
            "mx.*.example",
            "*.*.example",
            "a*.example",
            "**.example",
            "mx_1.example",
            "mx example",
            "[192.0.2.1]",
            "m\u{e9}.example",
        ] {
            assert!(MxPattern::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(MxPattern::parse("a..b"), Err(MxPatternError::Label(2)));
        assert_eq!(MxPattern::parse("*.a.-b"), Err(MxPatternError::Label(4)));
    }

    #[test]
    fn matching_table() {
        for (pattern, host, want) in [
            ("mail.example.com", "mail.example.com", true),
            ("mail.example.com", "MAIL.Example.COM", true),
            ("mail.example.com", "mail.example.com.", true),
            ("Mail.Example.com", "mail.example.com", true),
            ("mail.example.com", "mail.example.com..", false),
            ("mail.example.com", "example.com", false),
            ("mail.example.com", "x.mail.example.com", false),
            ("*.example.net", "mx1.example.net", true),
            ("*.example.net", "MX1.EXAMPLE.NET.", true),
            ("*.example.net", "example.net", false),
            ("*.example.net", ".example.net", false),
            ("*.example.net", "a.b.example.net", false),
            ("*.example.net", "mx1.example.org", false),
            ("*.example.net", "mx1example.net", false),
            ("*.example.net", "", false),
            ("example.net", "", false),
        ] {
            let p = MxPattern::parse(pattern).unwrap();
            assert_eq!(p.matches(host), want, "{pattern} vs {host:?}");
        }
    }

    fn policy(text: &str) -> Policy {
        Policy::parse(text.as_bytes()).unwrap()
    }

    fn mx(pref: u16, host: &str) -> Mx {
        Mx {
            preference: pref,
            exchange: Name::new(host).unwrap(),
        }
    }

    #[test]
    fn selection_orders_and_filters() {
        let domain = Name::new("example.com").unwrap();
        let set = [
            mx(20, "evil.example.org"),
            mx(10, "mx2.example.com"),
            mx(5, "mx1.example.com"),
            mx(10, "mx3.example.com"),
        ];
        let enforce = policy("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400\n");
        let s = select_mx(Some(&enforce), &domain, &set);
        let hosts: Vec<&str> = s.candidates.iter().map(|c| c.host.as_str()).collect();
        assert_eq!(
            hosts,
            [
                "mx1.example.com",
                "mx2.example.com",
                "mx3.example.com",
                "evil.example.org"
            ]
        );
        let allowed: Vec<&str> = s.allowed().map(|c| c.host.as_str()).collect();
        assert_eq!(
            allowed,
            ["mx1.example.com", "mx2.example.com", "mx3.example.com"]
        );
        assert_eq!(s.mismatched().count(), 1);

        let testing = policy("version: STSv1\nmode: testing\nmx: *.example.com\nmax_age: 86400\n");
        let s = select_mx(Some(&testing), &domain, &set);
        assert_eq!(s.allowed().count(), 4);
        assert_eq!(s.mismatched().count(), 1);

        let none = policy("version: STSv1\nmode: none\nmax_age: 86400\n");
        let s = select_mx(Some(&none), &domain, &set);
        assert_eq!(s.allowed().count(), 4);
        let s = select_mx(None, &domain, &set);
        assert_eq!(s.allowed().count(), 4);
    }

    #[test]
    fn implicit_and_null_mx() {
        let domain = Name::new("example.com").unwrap();
        let listed = policy("version: STSv1\nmode: enforce\nmx: example.com\nmax_age: 86400\n");
        let s = select_mx(Some(&listed), &domain, &[]);
        assert!(s.implicit);
        assert_eq!(s.allowed().count(), 1);
        let unlisted = policy("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400\n");
        let s = select_mx(Some(&unlisted), &domain, &[]);
        assert_eq!(
            s.allowed().count(),
            0,
            "the wildcard does not cover the domain itself"
        );
        let s = select_mx(
            Some(&listed),
            &domain,
            &[Mx {
                preference: 0,
                exchange: Name::root(),
            }],
        );
        assert!(s.null_mx);
        assert!(s.candidates.is_empty());
    }
}
