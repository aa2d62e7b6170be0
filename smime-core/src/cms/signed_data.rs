//! SignedData (RFC 5652 §5.1), decoded from DER or BER.

use alloc::vec::Vec;

use der::asn1::ObjectIdentifier;
use spki::AlgorithmIdentifierOwned;

use super::ber::{self, Tlv};
use super::content_info::{content_info, decode, expect_tag, read_oid, required};
use super::error::CmsError;
use super::oids;
use super::signer_info::SignerInfo;
use crate::certificate::Certificate;

/// The largest CMS input accepted, in bytes (64 MiB).
pub const MAX_CMS_SIZE: usize = 64 * 1024 * 1024;
/// The most entries accepted in the `certificates` field.
pub const MAX_CERTIFICATES: usize = 256;
/// The most entries accepted in the `crls` field.
pub const MAX_CRLS: usize = 256;
/// The most SignerInfos accepted.
pub const MAX_SIGNER_INFOS: usize = 64;
/// The most signed attributes accepted in one SignerInfo.
pub const MAX_ATTRIBUTES: usize = 128;

/// A decoded SignedData.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedData {
    /// The SignedData's version.
    pub version: u8,
    /// `digestAlgorithms`, in the received order.
    pub digest_algorithms: Vec<AlgorithmIdentifierOwned>,
    /// `encapContentInfo.eContentType`.
    pub econtent_type: ObjectIdentifier,
    /// The value octets of `eContent` (segments of a constructed BER string
    /// joined); `None` when the signature is detached.
    pub econtent: Option<Vec<u8>>,
    /// The X.509 certificates of the `certificates` field, in order.
    pub certificates: Vec<Certificate>,
    /// How many other CertificateChoices (attribute certificates, ...) were skipped.
    pub skipped_certificates: usize,
    /// The received DER of each CertificateList in the `crls` field.
    pub crls: Vec<Vec<u8>>,
    /// How many other RevocationInfoChoices were skipped.
    pub skipped_crls: usize,
    /// The SignerInfos, in the received order.
    pub signers: Vec<SignerInfo>,
}

impl SignedData {
    /// Decodes a ContentInfo of type id-signedData (DER or BER).
    pub fn from_ber(cms: &[u8]) -> Result<Self, CmsError> {
        let (oid, content) = content_info(cms)?;
        if oid != oids::ID_SIGNED_DATA {
            return Err(CmsError::NotSignedData(oid));
        }
        Self::parse(&content)
    }

    fn parse(sd: &Tlv<'_>) -> Result<Self, CmsError> {
        expect_tag(sd, 0x30, "SignedData")?;
        let mut fields = sd.children()?;

        let version_tlv = required(&mut fields, "SignedData.version")?;
        let version = small_integer(&version_tlv, "SignedData.version")?;

        let algs = required(&mut fields, "SignedData.digestAlgorithms")?;
        expect_tag(&algs, 0x31, "SignedData.digestAlgorithms")?;
        let mut digest_algorithms = Vec::new();
        let mut ar = algs.children()?;
        while let Some(a) = ar.next()? {
            if digest_algorithms.len() >= MAX_SIGNER_INFOS {
                return Err(CmsError::LimitExceeded {
                    what: "digest algorithms",
                    limit: MAX_SIGNER_INFOS,
                });
            }
            expect_tag(&a, 0x30, "SignedData.digestAlgorithms")?;
            digest_algorithms.push(decode(&a, "SignedData.digestAlgorithms")?);
        }

        let (econtent_type, econtent) =
            encap_content_info(&required(&mut fields, "SignedData.encapContentInfo")?)?;

        let mut certificates = Vec::new();
        let mut skipped_certificates = 0usize;
        if let Some(next) = fields.peek()?
            && next.tag() == 0xa0
        {
            fields.next()?;
            let mut cr = next.children()?;
            let mut index = 0usize;
            while let Some(c) = cr.next()? {
                if index >= MAX_CERTIFICATES {
                    return Err(CmsError::LimitExceeded {
                        what: "certificates",
                        limit: MAX_CERTIFICATES,
                    });
                }
                if c.tag() == 0x30 {
                    let der = ber::der_bytes(&c)?;
                    let cert =
                        Certificate::from_der(&der).map_err(|error| CmsError::Certificate {
                            index,
                            offset: c.offset,
                            error,
                        })?;
                    certificates.push(cert);
                } else {
                    skipped_certificates = skipped_certificates.saturating_add(1);
                }
                index = index.saturating_add(1);
            }
        }

        let mut crls = Vec::new();
        let mut skipped_crls = 0usize;
        if let Some(next) = fields.peek()?
            && next.tag() == 0xa1
        {
            fields.next()?;
            let mut rr = next.children()?;
            let mut index = 0usize;
            while let Some(c) = rr.next()? {
                if index >= MAX_CRLS {
                    return Err(CmsError::LimitExceeded {
                        what: "CRLs",
                        limit: MAX_CRLS,
                    });
                }
                if c.tag() == 0x30 {
                    crls.push(ber::der_bytes(&c)?.into_owned());
                } else {
                    skipped_crls = skipped_crls.saturating_add(1);
                }
                index = index.saturating_add(1);
            }
        }

        let infos = required(&mut fields, "SignedData.signerInfos")?;
        expect_tag(&infos, 0x31, "SignedData.signerInfos")?;
        let mut signers = Vec::new();
        let mut sr = infos.children()?;
        while let Some(si) = sr.next()? {
            if signers.len() >= MAX_SIGNER_INFOS {
                return Err(CmsError::LimitExceeded {
                    what: "SignerInfos",
                    limit: MAX_SIGNER_INFOS,
                });
            }
            signers.push(SignerInfo::parse(&si)?);
        }
        if !fields.is_empty() {
            return Err(CmsError::malformed(
                "SignedData",
                fields.offset(),
                "unexpected field after signerInfos",
            ));
        }
        Ok(Self {
            version,
            digest_algorithms,
            econtent_type,
            econtent,
            certificates,
            skipped_certificates,
            crls,
            skipped_crls,
            signers,
        })
    }
}

/// EncapsulatedContentInfo: the type and the OCTET STRING's value octets.
fn encap_content_info(tlv: &Tlv<'_>) -> Result<(ObjectIdentifier, Option<Vec<u8>>), CmsError> {
    const F: &str = "SignedData.encapContentInfo";
    expect_tag(tlv, 0x30, F)?;
    let mut fields = tlv.children()?;
    let econtent_type = read_oid(&mut fields, "SignedData.encapContentInfo.eContentType")?;
    let econtent = match fields.next()? {
        None => None,
        Some(explicit) => {
            expect_tag(&explicit, 0xa0, "SignedData.encapContentInfo.eContent")?;
            let mut inner = explicit.children()?;
            let s = required(&mut inner, "SignedData.encapContentInfo.eContent")?;
            if s.tag() & 0xdf != 0x04 || s.tag_bytes.len() != 1 {
                return Err(CmsError::malformed(
                    "SignedData.encapContentInfo.eContent",
                    s.offset,
                    "not an OCTET STRING",
                ));
            }
            if !inner.is_empty() {
                return Err(CmsError::malformed(
                    "SignedData.encapContentInfo.eContent",
                    inner.offset(),
                    "more than one element",
                ));
            }
            Some(ber::string_value(&s)?)
        }
    };
    if !fields.is_empty() {
        return Err(CmsError::malformed(F, fields.offset(), "unexpected field"));
    }
    Ok((econtent_type, econtent))
}

/// An INTEGER that must fit in one octet, non-negative (CMS versions).
pub(crate) fn small_integer(tlv: &Tlv<'_>, field: &'static str) -> Result<u8, CmsError> {
    expect_tag(tlv, 0x02, field)?;
    match tlv.contents {
        [v] if *v < 0x80 => Ok(*v),
        [0, v] if *v >= 0x80 => Ok(*v),
        _ => Err(CmsError::malformed(
            field,
            tlv.offset,
            "version out of range",
        )),
    }
}
