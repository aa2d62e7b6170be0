//! The outer ContentInfo (RFC 5652 §3) and what kind of content it carries.

use der::Decode;
use der::asn1::ObjectIdentifier;

use super::ber::{self, Reader, Tlv};
use super::error::CmsError;
use super::oids;
use super::signed_data::MAX_CMS_SIZE;

/// The content type of a ContentInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentKind {
    /// id-data.
    Data,
    /// id-signedData (RFC 5652 §5).
    SignedData,
    /// id-envelopedData (RFC 5652 §6).
    EnvelopedData,
    /// id-ct-authEnvelopedData (RFC 5083).
    AuthEnvelopedData,
    /// id-ct-compressedData (RFC 3274).
    CompressedData,
    /// Any other content type.
    Other(ObjectIdentifier),
}

impl ContentKind {
    /// The kind named by a content type.
    pub fn from_oid(oid: ObjectIdentifier) -> Self {
        match oid {
            o if o == oids::ID_DATA => Self::Data,
            o if o == oids::ID_SIGNED_DATA => Self::SignedData,
            o if o == oids::ID_ENVELOPED_DATA => Self::EnvelopedData,
            o if o == oids::ID_AUTH_ENVELOPED_DATA => Self::AuthEnvelopedData,
            o if o == oids::ID_COMPRESSED_DATA => Self::CompressedData,
            o => Self::Other(o),
        }
    }
}

/// The content type of the outer ContentInfo of `cms` (DER or BER).
///
/// Only the ContentInfo's header and `contentType` are read; the content is
/// checked to be present and well-formed as a TLV, not decoded.
pub fn content_kind(cms: &[u8]) -> Result<ContentKind, CmsError> {
    let (oid, _) = content_info(cms)?;
    Ok(ContentKind::from_oid(oid))
}

/// Splits a ContentInfo: its contentType and the `[0] EXPLICIT` content element.
pub(crate) fn content_info(cms: &[u8]) -> Result<(ObjectIdentifier, Tlv<'_>), CmsError> {
    if cms.len() > MAX_CMS_SIZE {
        return Err(CmsError::TooLarge(cms.len()));
    }
    let mut top = Reader::new(cms);
    let outer = top
        .next()?
        .ok_or_else(|| CmsError::malformed("ContentInfo", 0, "empty input"))?;
    if !top.is_empty() {
        return Err(CmsError::TrailingData(
            cms.len().saturating_sub(top.offset()),
        ));
    }
    expect_tag(&outer, 0x30, "ContentInfo")?;
    let mut fields = outer.children()?;
    let oid = read_oid(&mut fields, "ContentInfo.contentType")?;
    let explicit = fields
        .next()?
        .ok_or_else(|| CmsError::malformed("ContentInfo.content", fields.offset(), "missing"))?;
    expect_tag(&explicit, 0xa0, "ContentInfo.content")?;
    let mut inner = explicit.children()?;
    let content = inner
        .next()?
        .ok_or_else(|| CmsError::malformed("ContentInfo.content", inner.offset(), "empty"))?;
    if !inner.is_empty() {
        return Err(CmsError::malformed(
            "ContentInfo.content",
            inner.offset(),
            "more than one element",
        ));
    }
    if !fields.is_empty() {
        return Err(CmsError::malformed(
            "ContentInfo",
            fields.offset(),
            "unexpected field after content",
        ));
    }
    Ok((oid, content))
}

/// Fails unless `tlv` has the identifier octet `tag`.
pub(crate) fn expect_tag(tlv: &Tlv<'_>, tag: u8, field: &'static str) -> Result<(), CmsError> {
    if tlv.tag_bytes != [tag] {
        return Err(CmsError::malformed(
            field,
            tlv.offset,
            alloc::format!("expected tag 0x{tag:02x}, found 0x{:02x}", tlv.tag()),
        ));
    }
    Ok(())
}

/// The next element, which must be present.
pub(crate) fn required<'a>(
    reader: &mut Reader<'a>,
    field: &'static str,
) -> Result<Tlv<'a>, CmsError> {
    let at = reader.offset();
    reader
        .next()?
        .ok_or_else(|| CmsError::malformed(field, at, "missing"))
}

/// Decodes a DER type from one element (normalised to DER first when it was BER).
pub(crate) fn decode<T>(tlv: &Tlv<'_>, field: &'static str) -> Result<T, CmsError>
where
    T: for<'b> Decode<'b>,
    for<'b> <T as Decode<'b>>::Error: core::fmt::Display,
{
    let der = ber::to_der(tlv)?;
    T::from_der(&der).map_err(|e| CmsError::malformed(field, tlv.offset, alloc::format!("{e}")))
}

/// Reads the next element as an OBJECT IDENTIFIER.
pub(crate) fn read_oid(
    reader: &mut Reader<'_>,
    field: &'static str,
) -> Result<ObjectIdentifier, CmsError> {
    let tlv = required(reader, field)?;
    expect_tag(&tlv, 0x06, field)?;
    ObjectIdentifier::from_bytes(tlv.contents)
        .map_err(|e| CmsError::malformed(field, tlv.offset, alloc::format!("{e}")))
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

    #[test]
    fn kinds() {
        // id-data, BER indefinite, as RFC 4134 3.1.
        let mut v = alloc::vec![0x30, 0x80, 0x06, 0x09];
        v.extend_from_slice(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);
        v.extend_from_slice(&[0xa0, 0x80, 0x04, 0x01, b'x', 0x00, 0x00, 0x00, 0x00]);
        assert_eq!(content_kind(&v).unwrap(), ContentKind::Data);
        v[12] = 0x03;
        assert_eq!(content_kind(&v).unwrap(), ContentKind::EnvelopedData);
        v.push(0);
        assert!(matches!(content_kind(&v), Err(CmsError::TrailingData(1))));
        assert!(content_kind(b"").is_err());
        assert!(content_kind(&[0x31, 0x00]).is_err());
    }
}
