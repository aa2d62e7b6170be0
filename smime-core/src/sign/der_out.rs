//! Writing DER: tag-length-value, the tags CMS signing needs, and DER's
//! SET OF ordering.
//!
//! The SignedData we emit is assembled from byte strings so that the
//! certificates go out exactly as they were received (a re-encoding of a
//! parsed certificate could differ from its signed bytes).

use alloc::vec::Vec;

use der::Encode as _;
use der::asn1::ObjectIdentifier as Oid;

use super::SignError;

pub(super) const SEQUENCE: u8 = 0x30;
pub(super) const SET: u8 = 0x31;
pub(super) const OCTET_STRING: u8 = 0x04;
pub(super) const INTEGER: u8 = 0x02;
pub(super) const NULL: [u8; 2] = [0x05, 0x00];
/// `[0]` constructed (IMPLICIT SET OF, or EXPLICIT).
pub(super) const CONTEXT_0: u8 = 0xa0;
/// `[1]` constructed.
pub(super) const CONTEXT_1: u8 = 0xa1;
/// `[2]` constructed.
pub(super) const CONTEXT_2: u8 = 0xa2;
/// `[4]` constructed (GeneralName directoryName, EXPLICIT Name).
pub(super) const CONTEXT_4: u8 = 0xa4;

/// One TLV: `tag`, the DER length of `contents`, `contents`.
pub(super) fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let len = contents.len();
    let mut out = Vec::with_capacity(contents.len().saturating_add(6));
    out.push(tag);
    if len < 0x80 {
        // Below 0x80 the length is its own single byte.
        out.push(len.to_be_bytes().last().copied().unwrap_or_default());
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | u8::try_from(significant.len()).unwrap_or(8));
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(contents);
    out
}

/// A TLV whose contents are the concatenation of `parts`.
pub(super) fn constructed(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag, &parts.concat())
}

/// A DER SET OF (or `[n] IMPLICIT SET OF` with another `tag`): the
/// elements' encodings in ascending order (X.690 §11.6), duplicates kept.
pub(super) fn set_of(tag: u8, mut elements: Vec<Vec<u8>>) -> Vec<u8> {
    elements.sort();
    tlv(tag, &elements.concat())
}

/// The DER of an object identifier.
pub(super) fn oid(oid: &Oid) -> Result<Vec<u8>, SignError> {
    oid.to_der()
        .map_err(|_| SignError::Encoding("object identifier"))
}

/// A small non-negative INTEGER.
pub(super) fn small_integer(value: u8) -> Vec<u8> {
    if value < 0x80 {
        alloc::vec![INTEGER, 1, value]
    } else {
        alloc::vec![INTEGER, 2, 0, value]
    }
}

/// AlgorithmIdentifier with absent parameters.
pub(super) fn algorithm(id: &Oid) -> Result<Vec<u8>, SignError> {
    Ok(tlv(SEQUENCE, &oid(id)?))
}

/// AlgorithmIdentifier with NULL parameters.
pub(super) fn algorithm_null(id: &Oid) -> Result<Vec<u8>, SignError> {
    Ok(constructed(SEQUENCE, &[&oid(id)?, &NULL]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(tlv(4, &[]), [4, 0]);
        assert_eq!(tlv(4, &[7; 0x7f])[..2], [4, 0x7f]);
        assert_eq!(tlv(4, &[7; 0x80])[..3], [4, 0x81, 0x80]);
        assert_eq!(tlv(4, &[7; 0x100])[..4], [4, 0x82, 1, 0]);
        assert_eq!(tlv(4, &[7; 0x1_0000])[..5], [4, 0x83, 1, 0, 0]);
        // What der itself writes.
        for len in [0usize, 1, 127, 128, 255, 256, 65535, 65536] {
            let body = alloc::vec![0u8; len];
            let ours = tlv(OCTET_STRING, &body);
            let theirs = der::asn1::OctetString::new(body).unwrap().to_der().unwrap();
            assert_eq!(ours, theirs, "{len}");
        }
    }

    #[test]
    fn set_of_sorts() {
        let set = set_of(SET, alloc::vec![alloc::vec![2, 1, 9], alloc::vec![2, 1, 3]]);
        assert_eq!(set, [SET, 6, 2, 1, 3, 2, 1, 9]);
        assert_eq!(small_integer(1), [2, 1, 1]);
        assert_eq!(small_integer(200), [2, 2, 0, 200]);
    }
}
