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
    /// X.509 certificates that did not decode: their index in the
    /// `certificates` field and why. One bad certificate does not make the
    /// message unreadable; a signer whose certificate it was is reported as
    /// having none.
    pub undecodable_certificates: Vec<(usize, crate::CertificateError)>,
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
        let mut undecodable_certificates = Vec::new();
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
                    match Certificate::from_der(&der) {
                        Ok(cert) => certificates.push(cert),
                        Err(error) => undecodable_certificates.push((index, error)),
                    }
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
            undecodable_certificates,
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

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]
    use super::*;
    use crate::Certificate;
    use crate::cms::content_info::content_kind;
    use crate::cms::error::SignerError;
    use crate::crypto::AlgorithmPolicy;
    use proptest::prelude::*;

    fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
        let mut out = alloc::vec![tag];
        ber::push_length(&mut out, contents.len());
        out.extend_from_slice(contents);
        out
    }

    const SHA256: &[u8] = &[
        0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
    ];
    const ED25519: &[u8] = &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];
    const DATA: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ];
    const SIGNED: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];

    fn signer_info() -> Vec<u8> {
        let mut si = alloc::vec![0x02, 0x01, 0x03, 0x80, 0x01, b'k'];
        si.extend_from_slice(SHA256);
        si.extend_from_slice(ED25519);
        si.extend(tlv(0x04, &[0u8; 64]));
        tlv(0x30, &si)
    }

    /// A SignedData with `certs` and `crls` field contents and `signers` SignerInfos.
    fn signed_data(econtent_type: &[u8], certs: &[u8], crls: &[u8], signers: usize) -> Vec<u8> {
        let mut sd = alloc::vec![0x02, 0x01, 0x01];
        sd.extend(tlv(0x31, SHA256));
        let mut encap = econtent_type.to_vec();
        encap.extend(tlv(0xa0, &tlv(0x04, b"hello")));
        sd.extend(tlv(0x30, &encap));
        if !certs.is_empty() {
            sd.extend(tlv(0xa0, certs));
        }
        if !crls.is_empty() {
            sd.extend(tlv(0xa1, crls));
        }
        let infos: Vec<u8> = (0..signers).flat_map(|_| signer_info()).collect();
        sd.extend(tlv(0x31, &infos));
        let mut ci = SIGNED.to_vec();
        ci.extend(tlv(0xa0, &tlv(0x30, &sd)));
        tlv(0x30, &ci)
    }

    #[test]
    fn minimal_signed_data() {
        let cms = signed_data(DATA, &[0xa1, 0x00], &[0xa1, 0x00], 1);
        let sd = SignedData::from_ber(&cms).unwrap();
        assert_eq!(sd.version, 1);
        assert_eq!(sd.econtent.as_deref(), Some(&b"hello"[..]));
        assert_eq!(sd.skipped_certificates, 1);
        assert_eq!(sd.skipped_crls, 1);
        assert_eq!(sd.signers.len(), 1);
        let si = &sd.signers[0];
        assert_eq!(si.version, 3);
        assert_eq!(
            si.sid,
            crate::cms::signer_info::SignerId::SubjectKeyId(alloc::vec![b'k'])
        );
        assert!(si.find_certificate([]).is_none());
    }

    #[test]
    fn limits() {
        let many_certs: Vec<u8> = (0..=MAX_CERTIFICATES).flat_map(|_| [0xa1, 0x00]).collect();
        assert!(matches!(
            SignedData::from_ber(&signed_data(DATA, &many_certs, &[], 1)),
            Err(CmsError::LimitExceeded {
                what: "certificates",
                ..
            })
        ));
        let many_crls: Vec<u8> = (0..=MAX_CRLS).flat_map(|_| [0x30, 0x00]).collect();
        assert!(matches!(
            SignedData::from_ber(&signed_data(DATA, &[], &many_crls, 1)),
            Err(CmsError::LimitExceeded { what: "CRLs", .. })
        ));
        assert!(SignedData::from_ber(&signed_data(DATA, &[], &[], MAX_SIGNER_INFOS)).is_ok());
        assert!(matches!(
            SignedData::from_ber(&signed_data(DATA, &[], &[], MAX_SIGNER_INFOS + 1)),
            Err(CmsError::LimitExceeded {
                what: "SignerInfos",
                ..
            })
        ));
        let huge = alloc::vec![0u8; MAX_CMS_SIZE + 1];
        assert!(matches!(
            SignedData::from_ber(&huge),
            Err(CmsError::TooLarge(_))
        ));
        assert!(matches!(content_kind(&huge), Err(CmsError::TooLarge(_))));
    }

    #[test]
    fn errors_name_the_field_and_offset() {
        let mut cms = signed_data(DATA, &[], &[], 1);
        // Make the SignerInfo's digestAlgorithm a NULL.
        let pos = cms
            .windows(SHA256.len())
            .rposition(|w| w == SHA256)
            .unwrap();
        cms[pos] = 0x05;
        let e = SignedData::from_ber(&cms).unwrap_err();
        assert!(
            matches!(e, CmsError::Malformed { field: "SignerInfo.digestAlgorithm", offset, .. } if offset == pos),
            "{e:?}"
        );
    }

    #[test]
    fn no_signed_attributes_needs_id_data() {
        // Any content type other than id-data (here: id-signedData).
        let sd = SignedData::from_ber(&signed_data(SIGNED, &[], &[], 1)).unwrap();
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/vectors/smime/rfc9216/lamps-alice.crt"
        );
        #[allow(clippy::disallowed_methods)]
        let Ok(pem) = std::fs::read(path) else {
            eprintln!("skipped: ../shared/vectors absent");
            return;
        };
        let cert = Certificate::from_pem(&pem).unwrap().remove(0);
        assert_eq!(
            sd.signers[0].verify(
                &cert,
                b"hello",
                &sd.econtent_type,
                &AlgorithmPolicy::default()
            ),
            Err(SignerError::NoSignedAttributesForNonData)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = content_kind(&bytes);
            let _ = SignedData::from_ber(&bytes);
        }

        #[test]
        fn mutations_never_panic(
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
            cut in any::<usize>(),
        ) {
            let mut cms = signed_data(DATA, &[0xa1, 0x00], &[0x30, 0x00], 2);
            for (at, b) in edits {
                let i = at % cms.len();
                cms[i] = b;
            }
            let _ = content_kind(&cms);
            if let Ok(sd) = SignedData::from_ber(&cms) {
                let content = sd.econtent.clone().unwrap_or_default();
                for si in &sd.signers {
                    let _ = si.find_certificate(&sd.certificates);
                }
                let _ = content;
            }
            let cut = cut % (cms.len() + 1);
            let _ = SignedData::from_ber(&cms[..cut]);
        }
    }
}
