//! The check of one SignerInfo (RFC 5652 §5.4, §5.6; RFC 8419; RFC 5035).

use der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::name::GeneralName;

use super::attributes::{IssuerSerial, SignedAttributes};
use super::error::SignerError;
use super::oids;
use super::signer_info::SignerInfo;
use crate::certificate::Certificate;
use crate::crypto::{self, AlgorithmPolicy, DigestAlgorithm};

impl SignerInfo {
    /// Verifies this SignerInfo over `content` with the key of `signer`.
    ///
    /// With signed attributes: exactly one content-type (equal to
    /// `econtent_type`) and one message-digest (equal to the digest of
    /// `content` under `digestAlgorithm`), no attribute type repeated, at
    /// most one signing-time, no countersignature, a signingCertificateV2 /
    /// signingCertificate that names `signer` when present; the signature
    /// covers the received attributes retagged as SET OF. Without signed
    /// attributes (only for id-data) the signature covers `content`.
    ///
    /// Path validation of `signer` is not done here.
    pub fn verify(
        &self,
        signer: &Certificate,
        content: &[u8],
        econtent_type: &ObjectIdentifier,
        policy: &AlgorithmPolicy,
    ) -> Result<(), SignerError> {
        self.verify_with_inherited(signer, content, econtent_type, policy, None)
    }

    /// [`verify`](Self::verify) with the DSA parameters `inherited` by the
    /// signer's key along its certificate path (RFC 3279 §2.3.2), used when
    /// the signer certificate's DSA key omits them.
    pub(crate) fn verify_with_inherited(
        &self,
        signer: &Certificate,
        content: &[u8],
        econtent_type: &ObjectIdentifier,
        policy: &AlgorithmPolicy,
        inherited: Option<&der::Any>,
    ) -> Result<(), SignerError> {
        let digest_alg = crypto::digest_algorithm(&self.digest_algorithm, policy)
            .map_err(SignerError::from_signature)?;
        let spki = signer.x509().tbs_certificate().subject_public_key_info();
        let message: &[u8] = match &self.signed_attributes {
            None => {
                if *econtent_type != oids::ID_DATA {
                    return Err(SignerError::NoSignedAttributesForNonData);
                }
                content
            }
            Some(attrs) => {
                if self.signature_algorithm.oid == oids::ID_ED25519
                    && self.digest_algorithm.oid != oids::ID_SHA512
                {
                    return Err(SignerError::DigestAlgorithmMismatch);
                }
                check_attributes(attrs, digest_alg, content, econtent_type)?;
                check_signing_certificate(attrs, signer, policy)?;
                attrs.signed_bytes()
            }
        };
        crypto::verify_signature_with_inherited(
            spki,
            &self.signature_algorithm,
            Some(&self.digest_algorithm),
            message,
            &self.signature,
            policy,
            inherited,
        )
        .map_err(SignerError::from_signature)
    }
}

fn check_attributes(
    attrs: &SignedAttributes,
    digest_alg: DigestAlgorithm,
    content: &[u8],
    econtent_type: &ObjectIdentifier,
) -> Result<(), SignerError> {
    for (i, (oid, _)) in attrs.attribute_types.iter().enumerate() {
        if attrs
            .attribute_types
            .iter()
            .skip(i.saturating_add(1))
            .any(|(o, _)| o == oid)
        {
            return Err(SignerError::DuplicateAttribute(*oid));
        }
    }
    let count = |oid: &ObjectIdentifier| {
        attrs
            .attribute_types
            .iter()
            .find(|(o, _)| o == oid)
            .map(|(_, n)| *n)
    };
    match count(&oids::ID_CONTENT_TYPE) {
        None => return Err(SignerError::MissingContentType),
        Some(1) => {}
        Some(_) => return Err(SignerError::AttributeValueCount(oids::ID_CONTENT_TYPE)),
    }
    match count(&oids::ID_MESSAGE_DIGEST) {
        None => return Err(SignerError::MissingMessageDigest),
        Some(1) => {}
        Some(_) => return Err(SignerError::AttributeValueCount(oids::ID_MESSAGE_DIGEST)),
    }
    if count(&oids::ID_SIGNING_TIME).is_some_and(|n| n != 1) {
        return Err(SignerError::AttributeValueCount(oids::ID_SIGNING_TIME));
    }
    if count(&oids::ID_COUNTERSIGNATURE).is_some() {
        return Err(SignerError::CountersignatureInSignedAttributes);
    }
    let ct = attrs.content_type.ok_or(SignerError::MissingContentType)?;
    if ct != *econtent_type {
        return Err(SignerError::ContentTypeMismatch {
            attribute: ct,
            econtent_type: *econtent_type,
        });
    }
    let md = attrs
        .message_digest
        .as_deref()
        .ok_or(SignerError::MissingMessageDigest)?;
    if crypto::digest(digest_alg, content) != md {
        return Err(SignerError::MessageDigestMismatch);
    }
    Ok(())
}

/// RFC 5035 §3 / RFC 2634 §5.4: the first ESSCertID(v2) identifies the
/// signer certificate by hash, and by issuer and serial when present.
fn check_signing_certificate(
    attrs: &SignedAttributes,
    signer: &Certificate,
    policy: &AlgorithmPolicy,
) -> Result<(), SignerError> {
    if let Some(v2) = &attrs.signing_certificate_v2 {
        let first = v2
            .certs
            .first()
            .ok_or(SignerError::SigningCertificateMismatch)?;
        let alg = crypto::digest_algorithm(&first.hash_algorithm, policy)
            .map_err(SignerError::from_signature)?;
        if crypto::digest(alg, signer.der()) != first.cert_hash {
            return Err(SignerError::SigningCertificateMismatch);
        }
        if let Some(is) = &first.issuer_serial
            && !issuer_serial_matches(is, signer)
        {
            return Err(SignerError::SigningCertificateMismatch);
        }
    }
    if let Some(v1) = &attrs.signing_certificate {
        let first = v1
            .certs
            .first()
            .ok_or(SignerError::SigningCertificateMismatch)?;
        // The SHA-1 hash here identifies a certificate the signature already
        // binds; it is compared whatever the policy says of SHA-1 signatures.
        if crypto::digest(DigestAlgorithm::Sha1, signer.der()) != first.cert_hash {
            return Err(SignerError::SigningCertificateMismatch);
        }
        if let Some(is) = &first.issuer_serial
            && !issuer_serial_matches(is, signer)
        {
            return Err(SignerError::SigningCertificateMismatch);
        }
    }
    Ok(())
}

fn issuer_serial_matches(is: &IssuerSerial, cert: &Certificate) -> bool {
    let tbs = cert.x509().tbs_certificate();
    tbs.serial_number().as_bytes() == is.serial.as_bytes()
        && is
            .issuer
            .iter()
            .any(|g| matches!(g, GeneralName::DirectoryName(n) if n == tbs.issuer()))
}
