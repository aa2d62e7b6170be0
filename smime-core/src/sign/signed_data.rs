//! Building CMS SignedData (RFC 5652 §5) for S/MIME (RFC 8551 §2):
//! one SignerInfo per signer, each with the signed attributes of
//! RFC 8551 §2.5, and the signers' certificates.

use alloc::vec::Vec;

use der::Encode as _;
use x509_cert::ext::pkix::KeyUsage;

use super::der_out::{
    CONTEXT_0, CONTEXT_1, CONTEXT_2, CONTEXT_4, OCTET_STRING, SEQUENCE, SET, algorithm,
    algorithm_null, constructed, oid, set_of, small_integer, tlv,
};
use super::key::{KeyKind, RsaScheme};
use super::{KeyPreference, SignError, SignForm, SignOptions, Signer};
use crate::certificate::Certificate;
use crate::cms::SmimeCapability;
use crate::cms::oids as cms_oids;
use crate::crypto::{DigestAlgorithm, digest, oids};

/// id-mgf1 (RFC 8017).
const ID_MGF1: der::asn1::ObjectIdentifier = oids::MGF1;

/// The first second that UTCTime cannot express: 2050-01-01T00:00:00Z
/// (RFC 5652 §11.3: GeneralizedTime from 2050 on).
const UTC_TIME_END: u64 = 2_524_608_000;

/// The DER ContentInfo of a SignedData over `content` (which must already
/// be in the form that is signed: for S/MIME, the canonical MIME entity).
pub(super) fn signed_data(
    content: &[u8],
    signers: &[Signer],
    options: &SignOptions,
    now: u64,
    rng: &mut dyn rand_core::CryptoRng,
) -> Result<Vec<u8>, SignError> {
    if signers.is_empty() {
        return Err(SignError::NoSigners);
    }
    let signing_time = signing_time(now)?;
    let mut digest_algorithms = Vec::new();
    let mut signer_infos = Vec::new();
    let mut certificates: Vec<&Certificate> = Vec::new();
    // The content is hashed once per digest algorithm, not once per signer.
    let mut digests: Vec<(DigestAlgorithm, Vec<u8>)> = Vec::new();
    for signer in signers {
        let digest_alg = algorithm(&signer.digest.oid())?;
        if !digest_algorithms.contains(&digest_alg) {
            digest_algorithms.push(digest_alg.clone());
        }
        let content_digest = match digests.iter().find(|(d, _)| *d == signer.digest) {
            Some((_, value)) => value.clone(),
            None => {
                let value = digest(signer.digest, content);
                digests.push((signer.digest, value.clone()));
                value
            }
        };
        let attrs = signed_attributes(&content_digest, signer, options, &signing_time)?;
        let signature = signer
            .key
            .sign(signer.rsa_scheme, signer.digest, &tlv(SET, &attrs), rng)
            .map_err(SignError::Signing)?;
        signer_infos.push(constructed(
            SEQUENCE,
            &[
                &small_integer(1),
                &issuer_and_serial(&signer.certificate)?,
                &digest_alg,
                &tlv(CONTEXT_0, &attrs),
                &signature_algorithm(signer)?,
                &tlv(OCTET_STRING, &signature),
            ],
        ));
        if options.include_certificates {
            for cert in core::iter::once(&signer.certificate).chain(&signer.chain) {
                if !certificates.iter().any(|c| c.der() == cert.der()) {
                    certificates.push(cert);
                }
            }
        }
    }
    if let KeyPreference::Certificate(cert) = &options.encryption_key_preference
        && options.include_certificates
        && !certificates.iter().any(|c| c.der() == cert.der())
    {
        certificates.push(cert);
    }
    let mut encap = oid(&cms_oids::ID_DATA)?;
    if options.form == SignForm::Opaque {
        encap.extend(tlv(CONTEXT_0, &tlv(OCTET_STRING, content)));
    }
    let mut body = Vec::new();
    body.extend(small_integer(1));
    body.extend(set_of(SET, digest_algorithms));
    body.extend(tlv(SEQUENCE, &encap));
    if !certificates.is_empty() {
        body.extend(set_of(
            CONTEXT_0,
            certificates.iter().map(|c| c.der().to_vec()).collect(),
        ));
    }
    body.extend(set_of(SET, signer_infos));
    let signed_data = tlv(SEQUENCE, &body);
    Ok(constructed(
        SEQUENCE,
        &[
            &oid(&cms_oids::ID_SIGNED_DATA)?,
            &tlv(CONTEXT_0, &signed_data),
        ],
    ))
}

/// The DER of signing-time's value: UTCTime to 2049, GeneralizedTime after.
fn signing_time(now: u64) -> Result<Vec<u8>, SignError> {
    let duration = core::time::Duration::from_secs(now);
    let encoded = if now < UTC_TIME_END {
        der::asn1::UtcTime::from_unix_duration(duration).and_then(|t| t.to_der())
    } else {
        der::asn1::GeneralizedTime::from_unix_duration(duration).and_then(|t| t.to_der())
    };
    encoded.map_err(|_| SignError::Time(now))
}

/// The contents of the signed-attributes SET (its elements in DER order).
fn signed_attributes(
    content_digest: &[u8],
    signer: &Signer,
    options: &SignOptions,
    signing_time: &[u8],
) -> Result<Vec<u8>, SignError> {
    let attribute =
        |id: &der::asn1::ObjectIdentifier, value: &[u8]| -> Result<Vec<u8>, SignError> {
            Ok(constructed(SEQUENCE, &[&oid(id)?, &tlv(SET, value)]))
        };
    let mut attrs = alloc::vec![
        attribute(&cms_oids::ID_CONTENT_TYPE, &oid(&cms_oids::ID_DATA)?)?,
        attribute(&cms_oids::ID_SIGNING_TIME, signing_time)?,
        attribute(
            &cms_oids::ID_MESSAGE_DIGEST,
            &tlv(OCTET_STRING, content_digest),
        )?,
    ];
    if !options.capabilities.is_empty() {
        attrs.push(attribute(
            &cms_oids::ID_SMIME_CAPABILITIES,
            &capabilities(&options.capabilities)?,
        )?);
    }
    let preferred = match &options.encryption_key_preference {
        KeyPreference::Signer => {
            can_encrypt(&signer.certificate, signer.key.kind()).then_some(&signer.certificate)
        }
        KeyPreference::Certificate(cert) => Some(&**cert),
        KeyPreference::Omit => None,
    };
    if let Some(cert) = preferred {
        // SMIMEEncryptionKeyPreference ::= CHOICE { issuerAndSerialNumber [0] ... }
        let (issuer, serial) = issuer_and_serial_parts(cert)?;
        attrs.push(attribute(
            &cms_oids::ID_ENCRYP_KEY_PREF,
            &constructed(CONTEXT_0, &[&issuer, &serial]),
        )?);
    }
    if options.signing_certificate_v2 {
        attrs.push(attribute(
            &cms_oids::ID_SIGNING_CERTIFICATE_V2,
            &signing_certificate_v2(&signer.certificate)?,
        )?);
    }
    attrs.sort();
    Ok(attrs.concat())
}

/// SMIMECapabilities ::= SEQUENCE OF SMIMECapability, in preference order.
fn capabilities(list: &[SmimeCapability]) -> Result<Vec<u8>, SignError> {
    let mut body = Vec::new();
    for cap in list {
        let mut item = oid(&cap.capability_id)?;
        if let Some(params) = &cap.parameters {
            item.extend_from_slice(params);
        }
        body.extend(tlv(SEQUENCE, &item));
    }
    Ok(tlv(SEQUENCE, &body))
}

/// SigningCertificateV2 (RFC 5035 §3) naming `cert`: ESSCertIDv2 with the
/// default hash (SHA-256, so hashAlgorithm is omitted) and issuerSerial.
fn signing_certificate_v2(cert: &Certificate) -> Result<Vec<u8>, SignError> {
    let (issuer, serial) = issuer_and_serial_parts(cert)?;
    let general_names = tlv(SEQUENCE, &tlv(CONTEXT_4, &issuer));
    let issuer_serial = constructed(SEQUENCE, &[&general_names, &serial]);
    let hash = digest(DigestAlgorithm::Sha256, cert.der());
    let cert_id = constructed(SEQUENCE, &[&tlv(OCTET_STRING, &hash), &issuer_serial]);
    Ok(tlv(SEQUENCE, &tlv(SEQUENCE, &cert_id)))
}

/// IssuerAndSerialNumber (RFC 5652 §10.2.4) of `cert`.
fn issuer_and_serial(cert: &Certificate) -> Result<Vec<u8>, SignError> {
    let (issuer, serial) = issuer_and_serial_parts(cert)?;
    Ok(constructed(SEQUENCE, &[&issuer, &serial]))
}

/// The DER of a certificate's issuer Name and serialNumber INTEGER.
fn issuer_and_serial_parts(cert: &Certificate) -> Result<(Vec<u8>, Vec<u8>), SignError> {
    let tbs = cert.x509().tbs_certificate();
    let issuer = tbs
        .issuer()
        .to_der()
        .map_err(|_| SignError::Encoding("issuer name"))?;
    let serial = tbs
        .serial_number()
        .to_der()
        .map_err(|_| SignError::Encoding("serial number"))?;
    Ok((issuer, serial))
}

/// The SignerInfo's signatureAlgorithm.
fn signature_algorithm(signer: &Signer) -> Result<Vec<u8>, SignError> {
    match signer.key.kind() {
        KeyKind::Rsa { .. } => match signer.rsa_scheme {
            RsaScheme::Pkcs1v15 => algorithm_null(&oids::RSA_ENCRYPTION),
            RsaScheme::Pss => {
                // RSASSA-PSS-params (RFC 4055 §3.1): the hash, MGF1 with the
                // same hash, the salt length; trailerField 1 is the default.
                let hash = algorithm(&signer.digest.oid())?;
                let mgf = constructed(SEQUENCE, &[&oid(&ID_MGF1)?, &hash]);
                let salt = u8::try_from(signer.digest.output_len())
                    .map_err(|_| SignError::Encoding("salt length"))?;
                let params = constructed(
                    SEQUENCE,
                    &[
                        &tlv(CONTEXT_0, &hash),
                        &tlv(CONTEXT_1, &mgf),
                        &tlv(CONTEXT_2, &small_integer(salt)),
                    ],
                );
                Ok(constructed(SEQUENCE, &[&oid(&oids::RSASSA_PSS)?, &params]))
            }
        },
        KeyKind::P256 | KeyKind::P384 => algorithm(&match signer.digest {
            DigestAlgorithm::Sha384 => oids::ECDSA_SHA384,
            DigestAlgorithm::Sha512 => oids::ECDSA_SHA512,
            _ => oids::ECDSA_SHA256,
        }),
        KeyKind::Ed25519 => algorithm(&oids::ED25519),
    }
}

/// The certificate's keyUsage, when it has one that decodes.
pub(super) fn key_usage(cert: &Certificate) -> Option<KeyUsage> {
    match cert.x509().tbs_certificate().get_extension::<KeyUsage>() {
        Ok(Some((_, usage))) => Some(usage),
        _ => None,
    }
}

/// Whether mail can be encrypted to `cert` (RFC 8550 §4.4.2): an RSA key
/// whose keyUsage, when present, has keyEncipherment; an EC key with
/// keyAgreement. Ed25519 keys cannot encrypt.
fn can_encrypt(cert: &Certificate, kind: KeyKind) -> bool {
    let usage = key_usage(cert);
    match kind {
        KeyKind::Rsa { .. } => usage.is_none_or(|u| u.key_encipherment()),
        KeyKind::P256 | KeyKind::P384 => usage.is_some_and(|u| u.key_agreement()),
        KeyKind::Ed25519 => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_forms() {
        // 2026-12-03: UTCTime.
        assert_eq!(signing_time(1_796_256_000).unwrap()[0], 0x17);
        assert_eq!(signing_time(UTC_TIME_END - 1).unwrap()[0], 0x17);
        // 2050 and after: GeneralizedTime.
        assert_eq!(signing_time(UTC_TIME_END).unwrap()[0], 0x18);
        assert!(signing_time(u64::MAX).is_err());
    }
}
