//! Domain names as the mail protocols query them.

use alloc::string::String;
use alloc::sync::Arc;
use core::fmt;

/// Most octets in a name's text form without the trailing dot (RFC 1035 §2.3.4
/// allows 255 on the wire, which is 253 in text).
pub const MAX_NAME_LEN: usize = 253;
/// Most octets in one label (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;

/// A domain name in ASCII (A-labels for internationalized names), stored in
/// lower case without the trailing dot. The root is the empty name, written `.`.
/// The text is shared: cloning a name (every query holds one) does not copy it.
///
/// Names compare case-insensitively (ASCII letters only, as DNS does) because
/// they are stored folded. A label may hold any byte but `.` and the control
/// characters: DNS labels are octet strings, and SPF macro expansion or DKIM
/// selectors produce names such as `_spf`, `s1._domainkey` or even ones with
/// spaces. Internationalized names should be converted to A-labels first; raw
/// UTF-8 is accepted and sent as its octets.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Arc<str>);

/// Why text is not a [`Name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// The name is longer than [`MAX_NAME_LEN`].
    #[error("name longer than 253 octets")]
    TooLong,
    /// A label is longer than [`MAX_LABEL_LEN`].
    #[error("label longer than 63 octets at byte {0}")]
    LabelTooLong(usize),
    /// Two dots in a row, or a dot at the start.
    #[error("empty label at byte {0}")]
    EmptyLabel(usize),
    /// The empty string (the root is written `.`).
    #[error("empty name")]
    Empty,
    /// A control character (below 0x20, or 0x7f).
    #[error("control byte 0x{byte:02x} not allowed in a name at byte {position}")]
    BadByte {
        /// The byte.
        byte: u8,
        /// Where it is.
        position: usize,
    },
}

impl Name {
    /// Parses a name; a single trailing dot is accepted and dropped, and `.`
    /// alone is the root. The empty string is an error, so that an empty
    /// domain from upstream never turns `_dmarc` + "" into a top-level name.
    pub fn new(text: &str) -> Result<Name, NameError> {
        if text.is_empty() {
            return Err(NameError::Empty);
        }
        let text = if text == "." {
            ""
        } else {
            text.strip_suffix('.').unwrap_or(text)
        };
        if text.len() > MAX_NAME_LEN {
            return Err(NameError::TooLong);
        }
        let mut label_start = 0usize;
        let mut upper = false;
        for (i, b) in text.bytes().enumerate() {
            if b == b'.' {
                if i == label_start {
                    return Err(NameError::EmptyLabel(i));
                }
                label_start = i.saturating_add(1);
                continue;
            }
            if b < 0x20 || b == 0x7f {
                return Err(NameError::BadByte {
                    byte: b,
                    position: i,
                });
            }
            if i.saturating_sub(label_start) >= MAX_LABEL_LEN {
                return Err(NameError::LabelTooLong(label_start));
            }
            upper |= b.is_ascii_uppercase();
        }
        if !text.is_empty() && label_start == text.len() {
            return Err(NameError::EmptyLabel(text.len()));
        }
        if upper {
            Ok(Name(Arc::from(text.to_ascii_lowercase())))
        } else {
            Ok(Name(Arc::from(text)))
        }
    }

    /// The root name `.`.
    pub fn root() -> Name {
        Name(Arc::from(""))
    }

    /// Whether this is the root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The name in lower case, without a trailing dot (empty for the root).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The labels, left to right.
    pub fn labels(&self) -> impl DoubleEndedIterator<Item = &str> {
        self.0.split('.').filter(|l| !l.is_empty())
    }

    /// How many labels the name has (0 for the root).
    pub fn label_count(&self) -> usize {
        self.labels().count()
    }

    /// The name with its leftmost label removed; `None` for the root.
    pub fn parent(&self) -> Option<Name> {
        if self.is_root() {
            return None;
        }
        Some(match self.0.split_once('.') {
            Some((_, rest)) => Name(Arc::from(rest)),
            None => Name::root(),
        })
    }

    /// `label.self`, e.g. `_dmarc` under `example.com`.
    pub fn prepend(&self, label: &str) -> Result<Name, NameError> {
        if self.is_root() {
            return Name::new(label);
        }
        let mut s =
            String::with_capacity(label.len().saturating_add(1).saturating_add(self.0.len()));
        s.push_str(label);
        s.push('.');
        s.push_str(&self.0);
        Name::new(&s)
    }

    /// Whether `self` equals `ancestor` or lies below it.
    pub fn is_subdomain_of(&self, ancestor: &Name) -> bool {
        if ancestor.is_root() || self == ancestor {
            return true;
        }
        self.0.len() > ancestor.0.len()
            && self.0.ends_with(&*ancestor.0)
            && self.0.as_bytes().get(
                self.0
                    .len()
                    .saturating_sub(ancestor.0.len())
                    .saturating_sub(1),
            ) == Some(&b'.')
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_root() {
            f.write_str(".")
        } else {
            f.write_str(&self.0)
        }
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({self})")
    }
}

impl core::str::FromStr for Name {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Name::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn folds_case_and_trailing_dot() {
        let n = Name::new("Mail.Example.COM.").unwrap();
        assert_eq!(n.as_str(), "mail.example.com");
        assert_eq!(n, Name::new("mail.example.com").unwrap());
        assert_eq!(n.labels().collect::<Vec<_>>(), ["mail", "example", "com"]);
        assert_eq!(n.label_count(), 3);
    }

    #[test]
    fn root() {
        assert!(Name::new(".").unwrap().is_root());
        assert_eq!(Name::new(""), Err(NameError::Empty));
        assert_eq!(Name::root().to_string(), ".");
        assert_eq!(Name::root().label_count(), 0);
        assert_eq!(Name::root().parent(), None);
    }

    #[test]
    fn rejects_bad_names() {
        assert_eq!(Name::new("a..b"), Err(NameError::EmptyLabel(2)));
        assert_eq!(Name::new(".a"), Err(NameError::EmptyLabel(0)));
        assert_eq!(Name::new("a.b.."), Err(NameError::EmptyLabel(4)));
        assert!(matches!(
            Name::new("a\tb"),
            Err(NameError::BadByte {
                byte: b'\t',
                position: 1
            })
        ));
        assert!(matches!(
            Name::new("a\x7fb"),
            Err(NameError::BadByte { byte: 0x7f, .. })
        ));
        // Octets are octets: spaces (SPF macro tests) and raw UTF-8 pass.
        assert_eq!(Name::new("A B.Example").unwrap().as_str(), "a b.example");
        assert_eq!(
            Name::new("Bücher.example").unwrap().as_str(),
            "bücher.example"
        );
        let long_label = "a".repeat(64);
        assert_eq!(Name::new(&long_label), Err(NameError::LabelTooLong(0)));
        assert!(Name::new(&"a".repeat(63)).is_ok());
        let long_name = ["a".repeat(63).as_str(); 4].join(".");
        assert_eq!(long_name.len(), 255);
        assert_eq!(Name::new(&long_name), Err(NameError::TooLong));
        assert!(Name::new(&long_name[2..]).is_ok());
    }

    #[test]
    fn underscores_and_odd_printables_are_allowed() {
        assert!(Name::new("_dmarc.example.com").is_ok());
        assert!(Name::new("s1._domainkey.example.com").is_ok());
        assert!(Name::new("%-+!.example").is_ok());
    }

    #[test]
    fn parent_prepend_subdomain() {
        let n = Name::new("a.b.example").unwrap();
        assert_eq!(n.parent().unwrap().as_str(), "b.example");
        assert_eq!(Name::new("com").unwrap().parent(), Some(Name::root()));
        let d = Name::new("example.com").unwrap().prepend("_dmarc").unwrap();
        assert_eq!(d.as_str(), "_dmarc.example.com");
        assert!(n.is_subdomain_of(&Name::new("B.example").unwrap()));
        assert!(n.is_subdomain_of(&n));
        assert!(!n.is_subdomain_of(&Name::new("b.exampl").unwrap()));
        assert!(
            !Name::new("xb.example")
                .unwrap()
                .is_subdomain_of(&Name::new("b.example").unwrap())
        );
        assert!(n.is_subdomain_of(&Name::root()));
    }

    proptest::proptest! {
        #[test]
        fn new_never_panics_and_round_trips(s in "\\PC{0,300}") {
            if let Ok(n) = Name::new(&s) {
                proptest::prop_assert_eq!(Name::new(&n.to_string()).unwrap(), n.clone());
                proptest::prop_assert!(n.as_str().len() <= MAX_NAME_LEN);
            }
        }
    }
}
