//! Signed attributes (RFC 5652 §5.3, §11): the received encoding that the
//! signature covers, and a typed view of the attributes we understand
//! (RFC 8551 §2.5, RFC 2634 §2.7 and §5.4, RFC 5035).

use alloc::vec::Vec;

use der::asn1::ObjectIdentifier;
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::name::GeneralNames;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Time;

use super::ber::{self, Reader, Tlv};
use super::content_info::{decode, expect_tag, required};
use super::error::CmsError;
use super::oids;
use super::signed_data::MAX_ATTRIBUTES;

/// One SMIMECapability (RFC 8551 §2.5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmimeCapability {
    /// The algorithm or capability.
    pub capability_id: ObjectIdentifier,
    /// The DER encoding of the parameters, when present.
    pub parameters: Option<Vec<u8>>,
}

/// RecipientKeyIdentifier (RFC 5652 §6.2.2), as used by
/// SMIMEEncryptionKeyPreference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientKeyIdentifier {
    /// The subjectKeyIdentifier.
    pub subject_key_identifier: Vec<u8>,
    /// The `date` (unix seconds), when present.
    pub date: Option<u64>,
    /// The DER encoding of `other` (OtherKeyAttribute), when present.
    pub other: Option<Vec<u8>>,
}

/// SMIMEEncryptionKeyPreference (RFC 8551 §2.5.3): which certificate the
/// sender wants used to encrypt to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncryptionKeyPreference {
    /// `[0] issuerAndSerialNumber`.
    IssuerAndSerialNumber {
        /// The certificate issuer.
        issuer: Name,
        /// The certificate serial number.
        serial: SerialNumber,
    },
    /// `[1] receipentKeyId`.
    RecipientKeyId(RecipientKeyIdentifier),
    /// `[2] subjectAltKeyIdentifier`.
    SubjectAltKeyIdentifier(Vec<u8>),
}

/// ReceiptsFrom (RFC 2634 §2.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptsFrom {
    /// `allOrFirstTier` = allReceipts (0).
    AllReceipts,
    /// `allOrFirstTier` = firstTierRecipients (1).
    FirstTierRecipients,
    /// `allOrFirstTier` with another value.
    OtherTier(u64),
    /// `receiptList`: receipts requested from these recipients.
    ReceiptList(Vec<GeneralNames>),
}

/// ReceiptRequest (RFC 2634 §2.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRequest {
    /// signedContentIdentifier.
    pub signed_content_identifier: Vec<u8>,
    /// receiptsFrom.
    pub receipts_from: ReceiptsFrom,
    /// receiptsTo.
    pub receipts_to: Vec<GeneralNames>,
}

/// IssuerSerial (RFC 5035 §4): the issuer and serial of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerSerial {
    /// The issuer names.
    pub issuer: GeneralNames,
    /// The serial number.
    pub serial: SerialNumber,
}

/// ESSCertIDv2 (RFC 5035 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EssCertIdV2 {
    /// The hash algorithm (id-sha256 when absent in the encoding).
    pub hash_algorithm: AlgorithmIdentifierOwned,
    /// The hash of the certificate's DER.
    pub cert_hash: Vec<u8>,
    /// The certificate's issuer and serial, when present.
    pub issuer_serial: Option<IssuerSerial>,
}

/// SigningCertificateV2 (RFC 5035 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningCertificateV2 {
    /// The certificates; the first is the signer's.
    pub certs: Vec<EssCertIdV2>,
    /// The DER encoding of `policies`, when present.
    pub policies: Option<Vec<u8>>,
}

/// ESSCertID (RFC 2634 §5.4.1): a SHA-1 certificate hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EssCertId {
    /// The SHA-1 hash of the certificate's DER.
    pub cert_hash: Vec<u8>,
    /// The certificate's issuer and serial, when present.
    pub issuer_serial: Option<IssuerSerial>,
}

/// SigningCertificate (RFC 2634 §5.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningCertificate {
    /// The certificates; the first is the signer's.
    pub certs: Vec<EssCertId>,
    /// The DER encoding of `policies`, when present.
    pub policies: Option<Vec<u8>>,
}

/// The signed attributes of a SignerInfo: a typed view of the attributes
/// understood here, the type and value count of every attribute, and the
/// received encoding the signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedAttributes {
    /// content-type (first value).
    pub content_type: Option<ObjectIdentifier>,
    /// message-digest (first value).
    pub message_digest: Option<Vec<u8>>,
    /// signing-time in unix seconds (first value).
    pub signing_time: Option<u64>,
    /// SMIMECapabilities, in the received order (empty when absent).
    pub smime_capabilities: Vec<SmimeCapability>,
    /// SMIMEEncryptionKeyPreference.
    pub encryption_key_preference: Option<EncryptionKeyPreference>,
    /// ESS receiptRequest.
    pub receipt_request: Option<ReceiptRequest>,
    /// ESS signingCertificateV2 (RFC 5035).
    pub signing_certificate_v2: Option<SigningCertificateV2>,
    /// ESS signingCertificate (v1, SHA-1 hashes).
    pub signing_certificate: Option<SigningCertificate>,
    /// Every attribute's type and number of values, in the received order.
    pub attribute_types: Vec<(ObjectIdentifier, usize)>,
    /// What the signature covers: the received `signedAttrs` with the
    /// `[0]` tag replaced by SET OF (0x31); DER lengths only if received
    /// with BER lengths.
    pub(crate) signed_bytes: Vec<u8>,
}

impl SignedAttributes {
    /// The bytes the signature is computed over (RFC 5652 §5.4): the
    /// received encoding with its first octet set to 0x31.
    pub fn signed_bytes(&self) -> &[u8] {
        &self.signed_bytes
    }

    /// Decodes the `[0] IMPLICIT SET OF Attribute` element of a SignerInfo.
    pub(crate) fn parse(tlv: &Tlv<'_>) -> Result<Self, CmsError> {
        // The signature covers the received bytes, retagged; a BER
        // encoding (indefinite lengths) is covered in its DER form.
        let mut signed_bytes = ber::der_bytes(tlv)?.into_owned();
        if let Some(first) = signed_bytes.first_mut() {
            *first = 0x31;
        }
        let mut out = Self {
            content_type: None,
            message_digest: None,
            signing_time: None,
            smime_capabilities: Vec::new(),
            encryption_key_preference: None,
            receipt_request: None,
            signing_certificate_v2: None,
            signing_certificate: None,
            attribute_types: Vec::new(),
            signed_bytes,
        };
        let mut attrs = tlv.children()?;
        while let Some(attr) = attrs.next()? {
            if out.attribute_types.len() >= MAX_ATTRIBUTES {
                return Err(CmsError::LimitExceeded {
                    what: "attributes in a SignerInfo",
                    limit: MAX_ATTRIBUTES,
                });
            }
            expect_tag(&attr, 0x30, "Attribute")?;
            let mut fields = attr.children()?;
            let oid_tlv = required(&mut fields, "Attribute.attrType")?;
            expect_tag(&oid_tlv, 0x06, "Attribute.attrType")?;
            let oid = ObjectIdentifier::from_bytes(oid_tlv.contents).map_err(|e| {
                CmsError::malformed("Attribute.attrType", oid_tlv.offset, alloc::format!("{e}"))
            })?;
            let values = required(&mut fields, "Attribute.attrValues")?;
            expect_tag(&values, 0x31, "Attribute.attrValues")?;
            if !fields.is_empty() {
                return Err(CmsError::malformed(
                    "Attribute",
                    fields.offset(),
                    "unexpected field",
                ));
            }
            let mut vr = values.children()?;
            let mut count = 0usize;
            let first = vr.peek()?;
            while vr.next()?.is_some() {
                count = count.saturating_add(1);
            }
            let already = out.attribute_types.iter().any(|(o, _)| *o == oid);
            out.attribute_types.push((oid, count));
            // The typed view keeps the first occurrence; verification refuses
            // repeated types.
            if let (Some(value), false) = (first, already) {
                out.set_typed(&oid, &value)?;
            }
        }
        Ok(out)
    }

    fn set_typed(&mut self, oid: &ObjectIdentifier, value: &Tlv<'_>) -> Result<(), CmsError> {
        if *oid == oids::ID_CONTENT_TYPE {
            expect_tag(value, 0x06, "content-type attribute")?;
            self.content_type =
                Some(ObjectIdentifier::from_bytes(value.contents).map_err(|e| {
                    CmsError::malformed(
                        "content-type attribute",
                        value.offset,
                        alloc::format!("{e}"),
                    )
                })?);
        } else if *oid == oids::ID_MESSAGE_DIGEST {
            if value.tag() & 0xdf != 0x04 {
                return Err(CmsError::malformed(
                    "message-digest attribute",
                    value.offset,
                    "not an OCTET STRING",
                ));
            }
            self.message_digest = Some(ber::string_value(value)?);
        } else if *oid == oids::ID_SIGNING_TIME {
            let t: Time = decode(value, "signing-time attribute")?;
            self.signing_time = Some(t.to_unix_duration().as_secs());
        } else if *oid == oids::ID_SMIME_CAPABILITIES {
            self.smime_capabilities = parse_capabilities(value)?;
        } else if *oid == oids::ID_ENCRYP_KEY_PREF {
            self.encryption_key_preference = Some(parse_key_preference(value)?);
        } else if *oid == oids::ID_RECEIPT_REQUEST {
            self.receipt_request = Some(parse_receipt_request(value)?);
        } else if *oid == oids::ID_SIGNING_CERTIFICATE_V2 {
            self.signing_certificate_v2 = Some(parse_signing_certificate_v2(value)?);
        } else if *oid == oids::ID_SIGNING_CERTIFICATE {
            self.signing_certificate = Some(parse_signing_certificate(value)?);
        }
        Ok(())
    }
}

fn sequence<'a>(tlv: &Tlv<'a>, field: &'static str) -> Result<Reader<'a>, CmsError> {
    expect_tag(tlv, 0x30, field)?;
    Ok(tlv.children()?)
}

fn end(reader: &Reader<'_>, field: &'static str) -> Result<(), CmsError> {
    if reader.is_empty() {
        Ok(())
    } else {
        Err(CmsError::malformed(
            field,
            reader.offset(),
            "unexpected field",
        ))
    }
}

fn octets(tlv: &Tlv<'_>, field: &'static str) -> Result<Vec<u8>, CmsError> {
    if tlv.tag() & 0xdf != 0x04 {
        return Err(CmsError::malformed(
            field,
            tlv.offset,
            "not an OCTET STRING",
        ));
    }
    Ok(ber::string_value(tlv)?)
}

fn parse_capabilities(value: &Tlv<'_>) -> Result<Vec<SmimeCapability>, CmsError> {
    const F: &str = "SMIMECapabilities";
    let mut caps = sequence(value, F)?;
    let mut out = Vec::new();
    while let Some(cap) = caps.next()? {
        let mut fields = sequence(&cap, F)?;
        let id = required(&mut fields, F)?;
        expect_tag(&id, 0x06, F)?;
        let capability_id = ObjectIdentifier::from_bytes(id.contents)
            .map_err(|e| CmsError::malformed(F, id.offset, alloc::format!("{e}")))?;
        let parameters = match fields.next()? {
            Some(p) => Some(ber::to_der(&p)?),
            None => None,
        };
        end(&fields, F)?;
        out.push(SmimeCapability {
            capability_id,
            parameters,
        });
    }
    Ok(out)
}

fn parse_key_preference(value: &Tlv<'_>) -> Result<EncryptionKeyPreference, CmsError> {
    const F: &str = "SMIMEEncryptionKeyPreference";
    match value.tag() {
        0xa0 => {
            let mut fields = value.children()?;
            let issuer: Name = decode(&required(&mut fields, F)?, F)?;
            let serial: SerialNumber = decode(&required(&mut fields, F)?, F)?;
            end(&fields, F)?;
            Ok(EncryptionKeyPreference::IssuerAndSerialNumber { issuer, serial })
        }
        0xa1 => {
            let mut fields = value.children()?;
            let subject_key_identifier = octets(&required(&mut fields, F)?, F)?;
            let mut date = None;
            let mut other = None;
            if let Some(next) = fields.peek()?
                && next.tag() == 0x18
            {
                let t: Time = decode(&next, F)?;
                date = Some(t.to_unix_duration().as_secs());
                fields.next()?;
            }
            if let Some(next) = fields.next()? {
                expect_tag(&next, 0x30, F)?;
                other = Some(ber::to_der(&next)?);
            }
            end(&fields, F)?;
            Ok(EncryptionKeyPreference::RecipientKeyId(
                RecipientKeyIdentifier {
                    subject_key_identifier,
                    date,
                    other,
                },
            ))
        }
        0x82 | 0xa2 => Ok(EncryptionKeyPreference::SubjectAltKeyIdentifier(
            ber::string_value(value)?,
        )),
        t => Err(CmsError::malformed(
            F,
            value.offset,
            alloc::format!("unknown choice tag 0x{t:02x}"),
        )),
    }
}

/// Decodes a `SEQUENCE OF GeneralNames` (each GeneralNames a SEQUENCE).
fn general_names_list(tlv: &Tlv<'_>, field: &'static str) -> Result<Vec<GeneralNames>, CmsError> {
    let mut list = tlv.children()?;
    let mut out = Vec::new();
    while let Some(names) = list.next()? {
        expect_tag(&names, 0x30, field)?;
        out.push(decode::<GeneralNames>(&names, field)?);
    }
    Ok(out)
}

fn parse_receipt_request(value: &Tlv<'_>) -> Result<ReceiptRequest, CmsError> {
    const F: &str = "ReceiptRequest";
    let mut fields = sequence(value, F)?;
    let signed_content_identifier = octets(&required(&mut fields, F)?, F)?;
    let from = required(&mut fields, F)?;
    // The ESS module uses implicit tags: [0] INTEGER, [1] SEQUENCE OF.
    let receipts_from = match from.tag() {
        0x80 => {
            let v = from.contents;
            if v.is_empty() || v.len() > 8 || v.first().is_some_and(|b| b & 0x80 != 0) {
                return Err(CmsError::malformed(F, from.offset, "bad allOrFirstTier"));
            }
            let n = v.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
            match n {
                0 => ReceiptsFrom::AllReceipts,
                1 => ReceiptsFrom::FirstTierRecipients,
                n => ReceiptsFrom::OtherTier(n),
            }
        }
        0xa1 => ReceiptsFrom::ReceiptList(general_names_list(&from, F)?),
        t => {
            return Err(CmsError::malformed(
                F,
                from.offset,
                alloc::format!("unknown receiptsFrom tag 0x{t:02x}"),
            ));
        }
    };
    let to = required(&mut fields, F)?;
    expect_tag(&to, 0x30, F)?;
    let receipts_to = general_names_list(&to, F)?;
    end(&fields, F)?;
    Ok(ReceiptRequest {
        signed_content_identifier,
        receipts_from,
        receipts_to,
    })
}

fn parse_issuer_serial(tlv: &Tlv<'_>, field: &'static str) -> Result<IssuerSerial, CmsError> {
    let mut fields = sequence(tlv, field)?;
    let issuer: GeneralNames = decode(&required(&mut fields, field)?, field)?;
    let serial: SerialNumber = decode(&required(&mut fields, field)?, field)?;
    end(&fields, field)?;
    Ok(IssuerSerial { issuer, serial })
}

fn policies(fields: &mut Reader<'_>, field: &'static str) -> Result<Option<Vec<u8>>, CmsError> {
    let p = match fields.next()? {
        Some(p) => {
            expect_tag(&p, 0x30, field)?;
            Some(ber::to_der(&p)?)
        }
        None => None,
    };
    end(fields, field)?;
    Ok(p)
}

fn parse_signing_certificate_v2(value: &Tlv<'_>) -> Result<SigningCertificateV2, CmsError> {
    const F: &str = "SigningCertificateV2";
    let mut fields = sequence(value, F)?;
    let mut list = sequence(&required(&mut fields, F)?, F)?;
    let mut certs = Vec::new();
    while let Some(id) = list.next()? {
        let mut idf = sequence(&id, F)?;
        let mut hash_algorithm = AlgorithmIdentifierOwned {
            oid: oids::ID_SHA256,
            parameters: None,
        };
        if let Some(first) = idf.peek()?
            && first.tag() == 0x30
        {
            hash_algorithm = decode(&first, F)?;
            idf.next()?;
        }
        let cert_hash = octets(&required(&mut idf, F)?, F)?;
        let issuer_serial = match idf.next()? {
            Some(is) => Some(parse_issuer_serial(&is, F)?),
            None => None,
        };
        end(&idf, F)?;
        certs.push(EssCertIdV2 {
            hash_algorithm,
            cert_hash,
            issuer_serial,
        });
    }
    let policies = policies(&mut fields, F)?;
    Ok(SigningCertificateV2 { certs, policies })
}

fn parse_signing_certificate(value: &Tlv<'_>) -> Result<SigningCertificate, CmsError> {
    const F: &str = "SigningCertificate";
    let mut fields = sequence(value, F)?;
    let mut list = sequence(&required(&mut fields, F)?, F)?;
    let mut certs = Vec::new();
    while let Some(id) = list.next()? {
        let mut idf = sequence(&id, F)?;
        let cert_hash = octets(&required(&mut idf, F)?, F)?;
        let issuer_serial = match idf.next()? {
            Some(is) => Some(parse_issuer_serial(&is, F)?),
            None => None,
        };
        end(&idf, F)?;
        certs.push(EssCertId {
            cert_hash,
            issuer_serial,
        });
    }
    let policies = policies(&mut fields, F)?;
    Ok(SigningCertificate { certs, policies })
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
    use der::Encode;

    fn attr(oid: &ObjectIdentifier, values: &[&[u8]]) -> Vec<u8> {
        let mut set = Vec::new();
        for v in values {
            set.extend_from_slice(v);
        }
        let mut inner = oid.to_der().unwrap();
        inner.push(0x31);
        ber::push_length(&mut inner, set.len());
        inner.extend_from_slice(&set);
        let mut out = alloc::vec![0x30];
        ber::push_length(&mut out, inner.len());
        out.extend_from_slice(&inner);
        out
    }

    fn signed_attrs(attrs: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = attrs.concat();
        let mut out = alloc::vec![0xa0];
        ber::push_length(&mut out, body.len());
        out.extend_from_slice(&body);
        out
    }

    fn parse(bytes: &[u8]) -> Result<SignedAttributes, CmsError> {
        let tlv = Reader::new(bytes).next().unwrap().unwrap();
        SignedAttributes::parse(&tlv)
    }

    #[test]
    fn typed_view_and_signed_bytes() {
        let ct = attr(&oids::ID_CONTENT_TYPE, &[&oids::ID_DATA.to_der().unwrap()]);
        let md = attr(&oids::ID_MESSAGE_DIGEST, &[&[0x04, 0x02, 0xaa, 0xbb]]);
        let st = attr(&oids::ID_SIGNING_TIME, &[b"\x17\x0d700101000100Z"]);
        // Receipt request: id "x", allReceipts, receiptsTo one rfc822Name.
        let rr_val = [
            0x30, 0x11, 0x04, 0x01, b'x', 0x80, 0x01, 0x00, 0x30, 0x09, 0x30, 0x07, 0x81, 0x05,
            b'a', b'@', b'b', b'.', b'c',
        ];
        let rr = attr(&oids::ID_RECEIPT_REQUEST, &[&rr_val]);
        let caps_val = [
            0x30, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01,
            0x2e,
        ];
        let caps = attr(&oids::ID_SMIME_CAPABILITIES, &[&caps_val]);
        let pref = attr(&oids::ID_ENCRYP_KEY_PREF, &[&[0x82, 0x02, 0x01, 0x02]]);
        // Not in DER SET order: message-digest (longer) first.
        let bytes = signed_attrs(&[md, ct, st, rr, caps, pref]);
        let a = parse(&bytes).unwrap();
        assert_eq!(a.content_type, Some(oids::ID_DATA));
        assert_eq!(a.message_digest.as_deref(), Some(&[0xaa, 0xbb][..]));
        assert_eq!(a.signing_time, Some(60));
        let rr = a.receipt_request.clone().unwrap();
        assert_eq!(rr.signed_content_identifier, b"x");
        assert_eq!(rr.receipts_from, ReceiptsFrom::AllReceipts);
        assert_eq!(rr.receipts_to.len(), 1);
        assert_eq!(a.smime_capabilities.len(), 1);
        assert_eq!(
            a.encryption_key_preference,
            Some(EncryptionKeyPreference::SubjectAltKeyIdentifier(
                alloc::vec![1, 2]
            ))
        );
        assert_eq!(a.signed_bytes()[0], 0x31);
        assert_eq!(&a.signed_bytes()[1..], &bytes[1..]);
        assert_eq!(a.attribute_types.len(), 6);
    }

    #[test]
    fn indefinite_signed_attrs_are_signed_in_der_form() {
        let ct = attr(&oids::ID_CONTENT_TYPE, &[&oids::ID_DATA.to_der().unwrap()]);
        let mut ber_form = alloc::vec![0xa0, 0x80];
        ber_form.extend_from_slice(&ct);
        ber_form.extend_from_slice(&[0, 0]);
        let a = parse(&ber_form).unwrap();
        let mut expected = signed_attrs(&[ct]);
        expected[0] = 0x31;
        assert_eq!(a.signed_bytes(), &expected[..]);
    }

    #[test]
    fn malformed_known_attribute_is_an_error() {
        let md = attr(&oids::ID_MESSAGE_DIGEST, &[&[0x02, 0x01, 0x00]]);
        assert!(parse(&signed_attrs(&[md])).is_err());
        let too_many: Vec<Vec<u8>> = (0..=MAX_ATTRIBUTES)
            .map(|_| attr(&oids::ID_DATA, &[&[0x05, 0x00]]))
            .collect();
        assert!(matches!(
            parse(&signed_attrs(&too_many)),
            Err(CmsError::LimitExceeded { .. })
        ));
    }
}
