//! Record types and record data for the types mail security needs.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::net::{Ipv4Addr, Ipv6Addr};

use crate::name::Name;

/// The record types mail security asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum RecordType {
    /// IPv4 address (RFC 1035), type 1.
    A,
    /// IPv6 address (RFC 3596), type 28.
    Aaaa,
    /// Mail exchanger (RFC 1035), type 15.
    Mx,
    /// Text (RFC 1035), type 16: SPF, DKIM keys, DMARC, MTA-STS, TLS-RPT.
    Txt,
    /// Reverse pointer (RFC 1035), type 12.
    Ptr,
    /// DANE TLSA (RFC 6698), type 52.
    Tlsa,
    /// The retired SPF type (RFC 7208 §3.1: type 99, not to be queried by checkers).
    Spf,
    /// Canonical name (RFC 1035), type 5. Resolvers follow it; it is listed so
    /// fixtures and caches can describe it.
    Cname,
}

impl RecordType {
    /// The type's number in DNS messages.
    pub fn code(self) -> u16 {
        match self {
            RecordType::A => 1,
            RecordType::Cname => 5,
            RecordType::Ptr => 12,
            RecordType::Mx => 15,
            RecordType::Txt => 16,
            RecordType::Aaaa => 28,
            RecordType::Tlsa => 52,
            RecordType::Spf => 99,
        }
    }

    /// The mnemonic, upper case (`"AAAA"`).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Mx => "MX",
            RecordType::Txt => "TXT",
            RecordType::Ptr => "PTR",
            RecordType::Tlsa => "TLSA",
            RecordType::Spf => "SPF",
            RecordType::Cname => "CNAME",
        }
    }

    /// Parses a mnemonic, case-insensitively.
    pub fn from_mnemonic(s: &str) -> Option<RecordType> {
        [
            RecordType::A,
            RecordType::Aaaa,
            RecordType::Mx,
            RecordType::Txt,
            RecordType::Ptr,
            RecordType::Tlsa,
            RecordType::Spf,
            RecordType::Cname,
        ]
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An MX record's data.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mx {
    /// Lower is preferred.
    pub preference: u16,
    /// The mail exchanger; the root name is a null MX (RFC 7505).
    pub exchange: Name,
}

/// A TXT (or SPF) record's data: its character-strings, each up to 255 octets,
/// kept apart as they arrived.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Txt {
    /// Shared: answers are cloned from caches and fixtures often, and a TXT
    /// record can be large.
    strings: Arc<[Vec<u8>]>,
}

impl Txt {
    /// A record made of these character-strings.
    pub fn new(strings: Vec<Vec<u8>>) -> Txt {
        Txt {
            strings: Arc::from(strings),
        }
    }

    /// A record of one character-string.
    pub fn from_bytes(bytes: &[u8]) -> Txt {
        Txt::new(alloc::vec![bytes.to_vec()])
    }

    /// The character-strings, in order.
    pub fn strings(&self) -> &[Vec<u8>] {
        &self.strings
    }

    /// The character-strings joined with nothing between them, as SPF (RFC 7208
    /// §3.3), DKIM (RFC 6376 §3.6.2.2), DMARC and MTA-STS all read them.
    pub fn joined(&self) -> Vec<u8> {
        self.strings.concat()
    }
}

/// A TLSA record's data (RFC 6698 §2.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tlsa {
    /// Certificate usage (0–3).
    pub usage: u8,
    /// Selector (0 full certificate, 1 SubjectPublicKeyInfo).
    pub selector: u8,
    /// Matching type (0 exact, 1 SHA-256, 2 SHA-512).
    pub matching_type: u8,
    /// Certificate association data.
    pub data: Vec<u8>,
}

/// One resource record's data.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Record {
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// A mail exchanger.
    Mx(Mx),
    /// A text record.
    Txt(Txt),
    /// A reverse pointer's target.
    Ptr(Name),
    /// A DANE association.
    Tlsa(Tlsa),
    /// A record of the retired SPF type 99.
    Spf(Txt),
    /// An alias.
    Cname(Name),
}

impl Record {
    /// The record's type.
    pub fn record_type(&self) -> RecordType {
        match self {
            Record::A(_) => RecordType::A,
            Record::Aaaa(_) => RecordType::Aaaa,
            Record::Mx(_) => RecordType::Mx,
            Record::Txt(_) => RecordType::Txt,
            Record::Ptr(_) => RecordType::Ptr,
            Record::Tlsa(_) => RecordType::Tlsa,
            Record::Spf(_) => RecordType::Spf,
            Record::Cname(_) => RecordType::Cname,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mnemonics_round_trip() {
        for t in [
            RecordType::A,
            RecordType::Aaaa,
            RecordType::Mx,
            RecordType::Txt,
            RecordType::Ptr,
            RecordType::Tlsa,
            RecordType::Spf,
            RecordType::Cname,
        ] {
            assert_eq!(
                RecordType::from_mnemonic(&t.as_str().to_ascii_lowercase()),
                Some(t)
            );
        }
        assert_eq!(RecordType::from_mnemonic("NS"), None);
        assert_eq!(RecordType::Aaaa.code(), 28);
        assert_eq!(RecordType::Spf.code(), 99);
    }

    #[test]
    fn txt_strings_join_with_nothing() {
        let t = Txt::new(alloc::vec![b"v=spf1 ".to_vec(), b"-all".to_vec()]);
        assert_eq!(t.joined(), b"v=spf1 -all");
        assert_eq!(t.strings().len(), 2);
    }
}
