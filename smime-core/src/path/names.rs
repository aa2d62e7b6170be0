//! Distinguished name comparison (RFC 5280 §7.1): attribute values in the
//! directory string types compare case-insensitively with whitespace
//! folded (leading/trailing removed, inner runs collapsed), whatever
//! string type each side used; other values compare by their encoding.

use alloc::string::String;
use alloc::vec::Vec;

use der::asn1::ObjectIdentifier;
use der::{Encode, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::Name;

/// The most attributes of a name we compare; longer names never match.
const MAX_ATTRIBUTES: usize = 64;

/// emailAddress (PKCS #9, 1.2.840.113549.1.9.1).
pub(crate) const EMAIL_ADDRESS: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");

/// One attribute value in comparable form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    /// Folded text of a string type.
    Text(String),
    /// Tag and contents of any other type.
    Raw(u8, Vec<u8>),
}

/// One RDN: its attributes, sorted (an RDN is a set).
pub(crate) type CanonRdn = Vec<(ObjectIdentifier, ValueKey)>;

/// A comparable attribute value (opaque outside this module).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ValueKey(Value);

/// A name in comparable form; `None` in place of a name that is too
/// large to compare (it then equals nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CanonName(pub(crate) Option<Vec<CanonRdn>>);

impl CanonName {
    /// The comparable form of `name`.
    pub(crate) fn new(name: &Name) -> Self {
        if name.len() > MAX_ATTRIBUTES || name.iter().count() > MAX_ATTRIBUTES {
            return Self(None);
        }
        let mut rdns = Vec::new();
        for rdn in name.iter_rdn() {
            let mut attrs: CanonRdn = rdn
                .iter()
                .map(|atv| (atv.oid, ValueKey(canon_value(atv))))
                .collect();
            attrs.sort();
            rdns.push(attrs);
        }
        Self(Some(rdns))
    }

    /// Names equal under RFC 5280 §7.1.
    pub(crate) fn matches(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }

    /// Whether the name has no RDN.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.as_ref().is_some_and(Vec::is_empty)
    }

    /// Whether `base` is a prefix of this name (directoryName subtree).
    pub(crate) fn within(&self, base: &Self) -> bool {
        match (&self.0, &base.0) {
            (Some(name), Some(base)) => {
                base.len() <= name.len() && name.iter().zip(base.iter()).all(|(a, b)| a == b)
            }
            _ => false,
        }
    }
}

/// Decodes a string-typed value to text, or `None` for other types.
pub(crate) fn value_text(atv: &AttributeTypeAndValue) -> Option<String> {
    let bytes = atv.value.value();
    match tag_byte(atv) {
        // PrintableString, UTF8String, IA5String, VisibleString.
        0x13 | 0x0c | 0x16 | 0x1a => core::str::from_utf8(bytes).ok().map(String::from),
        // TeletexString: treated as Latin-1, the common practice.
        0x14 => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        // BMPString.
        0x1e => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units = bytes.chunks_exact(2).map(|c| {
                u16::from_be_bytes([
                    c.first().copied().unwrap_or(0),
                    c.get(1).copied().unwrap_or(0),
                ])
            });
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        // UniversalString.
        0x1c => {
            if !bytes.len().is_multiple_of(4) {
                return None;
            }
            bytes
                .chunks_exact(4)
                .map(|c| {
                    let mut v = 0u32;
                    for b in c {
                        v = (v << 8) | u32::from(*b);
                    }
                    char::from_u32(v)
                })
                .collect()
        }
        _ => None,
    }
}

/// The first identifier octet of the value's tag (0 when unencodable).
fn tag_byte(atv: &AttributeTypeAndValue) -> u8 {
    atv.value
        .tag()
        .to_der()
        .ok()
        .and_then(|t| t.first().copied())
        .unwrap_or(0)
}

fn canon_value(atv: &AttributeTypeAndValue) -> Value {
    match value_text(atv) {
        Some(text) => Value::Text(fold(&text)),
        None => Value::Raw(tag_byte(atv), atv.value.value().to_vec()),
    }
}

/// Case-folds and folds whitespace.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The emailAddress attributes of a name (as text).
pub(crate) fn email_addresses(name: &Name) -> Vec<String> {
    name.iter()
        .take(MAX_ATTRIBUTES)
        .filter(|atv| atv.oid == EMAIL_ADDRESS)
        .filter_map(value_text)
        .collect()
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
    use der::Decode;

    fn name_from_der(der: &[u8]) -> Name {
        Name::from_der(der).unwrap()
    }

    /// SEQUENCE { SET { SEQUENCE { OID cn, <tag> value } } }
    fn cn(tag: u8, value: &[u8]) -> Name {
        let oid = [0x06, 0x03, 0x55, 0x04, 0x03];
        let mut atv = Vec::from(oid);
        atv.push(tag);
        atv.push(u8::try_from(value.len()).unwrap());
        atv.extend_from_slice(value);
        let mut seq = alloc::vec![0x30, u8::try_from(atv.len()).unwrap()];
        seq.extend(atv);
        let mut set = alloc::vec![0x31, u8::try_from(seq.len()).unwrap()];
        set.extend(seq);
        let mut name = alloc::vec![0x30, u8::try_from(set.len()).unwrap()];
        name.extend(set);
        name_from_der(&name)
    }

    #[test]
    fn printable_and_utf8_match() {
        let a = CanonName::new(&cn(0x13, b"Test CA"));
        let b = CanonName::new(&cn(0x0c, b"test   ca "));
        assert!(a.matches(&b));
        let c = CanonName::new(&cn(0x0c, b"test cb"));
        assert!(!a.matches(&c));
    }

    #[test]
    fn bmp_matches_printable() {
        let a = CanonName::new(&cn(0x13, b"Ab"));
        let b = CanonName::new(&cn(0x1e, &[0, b'a', 0, b'B']));
        assert!(a.matches(&b));
    }

    #[test]
    fn prefix_and_order() {
        let ab = Name::from_str("CN=Alice,O=Example,C=US").unwrap();
        let base = Name::from_str("O=example,C=us").unwrap();
        let other = Name::from_str("O=Other,C=US").unwrap();
        let ab = CanonName::new(&ab);
        assert!(ab.within(&CanonName::new(&base)));
        assert!(!ab.within(&CanonName::new(&other)));
        assert!(!CanonName::new(&base).within(&ab));
    }

    #[test]
    fn fold_whitespace() {
        assert_eq!(fold("  A  b\tC "), "a b c");
    }
}
