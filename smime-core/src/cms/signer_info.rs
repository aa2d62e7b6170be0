//! SignerInfo (RFC 5652 §5.3), decoded far enough to keep the received
//! encoding of the signed attributes.

use alloc::vec::Vec;

use der::Decode;
use spki::AlgorithmIdentifierOwned;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;

use super::attributes::SignedAttributes;
use super::ber::{self, Tlv};
use super::content_info::{decode, expect_tag, required};
use super::error::CmsError;
use super::oids;
use super::signed_data::small_integer;
use crate::certificate::Certificate;

/// SignerIdentifier: how a SignerInfo names its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerId {
    /// issuerAndSerialNumber.
    IssuerAndSerial {
        /// The certificate issuer.
        issuer: Name,
        /// The certificate serial number.
        serial: SerialNumber,
    },
    /// `[0] subjectKeyIdentifier`.
    SubjectKeyId(Vec<u8>),
}

/// One SignerInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerInfo {
    /// The SignerInfo version (1 with issuerAndSerialNumber, 3 with a key identifier).
    pub version: u8,
    /// Which certificate signed.
    pub sid: SignerId,
    /// The digest algorithm of the content (and of the signed attributes).
    pub digest_algorithm: AlgorithmIdentifierOwned,
    /// The signature algorithm, with its parameters as received.
    pub signature_algorithm: AlgorithmIdentifierOwned,
    /// The signature value.
    pub signature: Vec<u8>,
    /// The signed attributes, when present.
    pub signed_attributes: Option<SignedAttributes>,
    /// How many unsigned attributes were present (not decoded).
    pub unsigned_attribute_count: usize,
}

impl SignerInfo {
    /// Decodes one SignerInfo element.
    pub(crate) fn parse(tlv: &Tlv<'_>) -> Result<Self, CmsError> {
        expect_tag(tlv, 0x30, "SignerInfo")?;
        let mut fields = tlv.children()?;
        let version = small_integer(
            &required(&mut fields, "SignerInfo.version")?,
            "SignerInfo.version",
        )?;
        let sid_tlv = required(&mut fields, "SignerInfo.sid")?;
        let sid = match sid_tlv.tag() {
            0x30 => {
                const F: &str = "SignerInfo.sid.issuerAndSerialNumber";
                let mut isn = sid_tlv.children()?;
                let issuer: Name = decode(&required(&mut isn, F)?, F)?;
                let serial_tlv = required(&mut isn, F)?;
                expect_tag(&serial_tlv, 0x02, F)?;
                let serial = serial_number(&serial_tlv, F)?;
                if !isn.is_empty() {
                    return Err(CmsError::malformed(F, isn.offset(), "unexpected field"));
                }
                SignerId::IssuerAndSerial { issuer, serial }
            }
            0x80 | 0xa0 => SignerId::SubjectKeyId(ber::string_value(&sid_tlv)?),
            t => {
                return Err(CmsError::malformed(
                    "SignerInfo.sid",
                    sid_tlv.offset,
                    alloc::format!("unknown choice tag 0x{t:02x}"),
                ));
            }
        };
        let da = required(&mut fields, "SignerInfo.digestAlgorithm")?;
        expect_tag(&da, 0x30, "SignerInfo.digestAlgorithm")?;
        let digest_algorithm = decode(&da, "SignerInfo.digestAlgorithm")?;

        let mut signed_attributes = None;
        if let Some(next) = fields.peek()?
            && next.tag() == 0xa0
        {
            fields.next()?;
            signed_attributes = Some(SignedAttributes::parse(&next)?);
        }

        let sa = required(&mut fields, "SignerInfo.signatureAlgorithm")?;
        expect_tag(&sa, 0x30, "SignerInfo.signatureAlgorithm")?;
        let signature_algorithm = decode(&sa, "SignerInfo.signatureAlgorithm")?;

        let sig = required(&mut fields, "SignerInfo.signature")?;
        if sig.tag() & 0xdf != 0x04 || sig.tag_bytes.len() != 1 {
            return Err(CmsError::malformed(
                "SignerInfo.signature",
                sig.offset,
                "not an OCTET STRING",
            ));
        }
        let signature = ber::string_value(&sig)?;

        let mut unsigned_attribute_count = 0usize;
        if let Some(next) = fields.peek()?
            && next.tag() == 0xa1
        {
            fields.next()?;
            let mut ur = next.children()?;
            while ur.next()?.is_some() {
                unsigned_attribute_count = unsigned_attribute_count.saturating_add(1);
            }
        }
        if !fields.is_empty() {
            return Err(CmsError::malformed(
                "SignerInfo",
                fields.offset(),
                "unexpected field",
            ));
        }
        Ok(Self {
            version,
            sid,
            digest_algorithm,
            signature_algorithm,
            signature,
            signed_attributes,
            unsigned_attribute_count,
        })
    }

    /// The certificate among `candidates` that this SignerInfo names: by
    /// issuer and serial number, or by the subjectKeyIdentifier extension.
    pub fn find_certificate<'c>(
        &self,
        candidates: impl IntoIterator<Item = &'c Certificate>,
    ) -> Option<&'c Certificate> {
        candidates.into_iter().find(|c| self.names(c))
    }

    /// Whether this SignerInfo's `sid` names `cert`.
    pub fn names(&self, cert: &Certificate) -> bool {
        let tbs = cert.x509().tbs_certificate();
        match &self.sid {
            SignerId::IssuerAndSerial { issuer, serial } => {
                tbs.serial_number().as_bytes() == serial.as_bytes() && tbs.issuer() == issuer
            }
            SignerId::SubjectKeyId(ski) => {
                subject_key_identifier(cert).is_some_and(|own| own.as_slice() == ski.as_slice())
            }
        }
    }
}

/// A CertificateSerialNumber as received (negative and zero serials kept).
pub(crate) fn serial_number(tlv: &Tlv<'_>, field: &'static str) -> Result<SerialNumber, CmsError> {
    let der = ber::to_der(tlv)?;
    SerialNumber::from_der(&der)
        .map_err(|e| CmsError::malformed(field, tlv.offset, alloc::format!("{e}")))
}

/// The value of a certificate's subjectKeyIdentifier extension.
pub(crate) fn subject_key_identifier(cert: &Certificate) -> Option<Vec<u8>> {
    let ext = cert
        .x509()
        .tbs_certificate()
        .extensions()?
        .iter()
        .find(|e| e.extn_id == oids::ID_CE_SUBJECT_KEY_IDENTIFIER)?;
    let inner = ext.extn_value.as_bytes();
    let tlv = ber::Reader::new(inner).next().ok()??;
    (tlv.tag() == 0x04).then(|| tlv.contents.to_vec())
}
