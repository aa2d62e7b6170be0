//! A certificate's facts that path building and validation use, decoded
//! once: names in comparable form, key identifiers, and the recognised
//! extensions (RFC 5280 §4.2).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::Decode;
use der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies, ExtendedKeyUsage,
    InhibitAnyPolicy, KeyUsage, NameConstraints, PolicyConstraints, PolicyMappings, SubjectAltName,
    SubjectKeyIdentifier,
};

use super::names::CanonName;
use super::result::PathError;
use crate::certificate::Certificate;

/// The most extensions a certificate may carry.
const MAX_EXTENSIONS: usize = 64;
/// The most entries in any one list-valued extension (names, policies,
/// subtrees, mappings).
pub(crate) const MAX_LIST: usize = 256;

pub(crate) const OID_SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
pub(crate) const OID_KU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
pub(crate) const OID_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
pub(crate) const OID_IAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.18");
pub(crate) const OID_BC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
pub(crate) const OID_NC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.30");
pub(crate) const OID_CRLDP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.31");
pub(crate) const OID_CP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32");
pub(crate) const OID_PM: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.33");
pub(crate) const OID_AKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
pub(crate) const OID_PC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.36");
pub(crate) const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
pub(crate) const OID_IAP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.54");
pub(crate) const OID_AIA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");

/// The decoded, recognised extensions of one certificate.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extensions {
    pub(crate) basic_constraints: Option<BasicConstraints>,
    pub(crate) key_usage: Option<KeyUsage>,
    pub(crate) ext_key_usage: Option<ExtendedKeyUsage>,
    pub(crate) subject_alt_names: Option<Vec<GeneralName>>,
    pub(crate) name_constraints: Option<NameConstraints>,
    pub(crate) policies: Option<CertificatePolicies>,
    pub(crate) policy_mappings: Option<PolicyMappings>,
    pub(crate) policy_constraints: Option<PolicyConstraints>,
    pub(crate) inhibit_any_policy: Option<u32>,
    pub(crate) ski: Option<Vec<u8>>,
    pub(crate) aki: Option<Vec<u8>>,
}

/// A certificate with its derived facts.
#[derive(Debug, Clone)]
pub(crate) struct CertInfo {
    pub(crate) cert: Certificate,
    pub(crate) subject: CanonName,
    pub(crate) issuer: CanonName,
    pub(crate) subject_string: String,
    /// The extensions, or the error that makes the certificate unusable
    /// (reported when it is on a path).
    pub(crate) ext: Result<Extensions, PathError>,
    pub(crate) not_before: u64,
    pub(crate) not_after: u64,
}

impl CertInfo {
    pub(crate) fn new(cert: &Certificate) -> Self {
        let tbs = cert.x509().tbs_certificate();
        let subject_string = cert.subject_string();
        let validity = tbs.validity();
        Self {
            subject: CanonName::new(tbs.subject()),
            issuer: CanonName::new(tbs.issuer()),
            ext: extensions(cert, &subject_string),
            not_before: validity.not_before.to_unix_duration().as_secs(),
            not_after: validity.not_after.to_unix_duration().as_secs(),
            subject_string,
            cert: cert.clone(),
        }
    }

    /// Self-issued: subject and issuer names match (RFC 5280 §6.1).
    pub(crate) fn self_issued(&self) -> bool {
        self.subject.matches(&self.issuer)
    }

    /// The extensions when they decoded.
    pub(crate) fn ext(&self) -> Option<&Extensions> {
        self.ext.as_ref().ok()
    }

    /// basicConstraints cA is true.
    pub(crate) fn is_ca(&self) -> bool {
        self.ext()
            .and_then(|e| e.basic_constraints.as_ref())
            .is_some_and(|bc| bc.ca)
    }
}

fn malformed(subject: &str, oid: ObjectIdentifier) -> PathError {
    PathError::MalformedExtension {
        subject: subject.to_string(),
        oid: oid.to_string(),
    }
}

fn decode<'a, T: Decode<'a>>(
    bytes: &'a [u8],
    subject: &str,
    oid: ObjectIdentifier,
) -> Result<T, PathError> {
    T::from_der(bytes).map_err(|_| malformed(subject, oid))
}

fn check_len(len: usize, subject: &str, oid: ObjectIdentifier) -> Result<(), PathError> {
    if len > MAX_LIST {
        Err(malformed(subject, oid))
    } else {
        Ok(())
    }
}

fn extensions(cert: &Certificate, subject: &str) -> Result<Extensions, PathError> {
    let mut out = Extensions::default();
    let Some(list) = cert.x509().tbs_certificate().extensions() else {
        return Ok(out);
    };
    if list.len() > MAX_EXTENSIONS {
        return Err(PathError::MalformedExtension {
            subject: subject.to_string(),
            oid: "(too many extensions)".into(),
        });
    }
    let mut seen: Vec<ObjectIdentifier> = Vec::new();
    for ext in list {
        let oid = ext.extn_id;
        if seen.contains(&oid) {
            return Err(malformed(subject, oid));
        }
        seen.push(oid);
        let v = ext.extn_value.as_bytes();
        match oid {
            OID_BC => out.basic_constraints = Some(decode(v, subject, oid)?),
            OID_KU => out.key_usage = Some(decode(v, subject, oid)?),
            OID_EKU => {
                let eku: ExtendedKeyUsage = decode(v, subject, oid)?;
                check_len(eku.0.len(), subject, oid)?;
                out.ext_key_usage = Some(eku);
            }
            OID_SAN => {
                let san: SubjectAltName = decode(v, subject, oid)?;
                check_len(san.0.len(), subject, oid)?;
                out.subject_alt_names = Some(san.0);
            }
            OID_NC => {
                let nc: NameConstraints = decode(v, subject, oid)?;
                let p = nc.permitted_subtrees.as_ref().map_or(0, Vec::len);
                let e = nc.excluded_subtrees.as_ref().map_or(0, Vec::len);
                check_len(p.saturating_add(e), subject, oid)?;
                out.name_constraints = Some(nc);
            }
            OID_CP => {
                let cp: CertificatePolicies = decode(v, subject, oid)?;
                check_len(cp.0.len(), subject, oid)?;
                // A policy OID appears at most once (RFC 5280 §4.2.1.4).
                for (i, p) in cp.0.iter().enumerate() {
                    if cp
                        .0
                        .iter()
                        .skip(i.saturating_add(1))
                        .any(|q| q.policy_identifier == p.policy_identifier)
                    {
                        return Err(malformed(subject, oid));
                    }
                }
                out.policies = Some(cp);
            }
            OID_PM => {
                let pm: PolicyMappings = decode(v, subject, oid)?;
                check_len(pm.0.len(), subject, oid)?;
                out.policy_mappings = Some(pm);
            }
            OID_PC => {
                let pc: PolicyConstraints = decode(v, subject, oid)?;
                if pc.require_explicit_policy.is_none() && pc.inhibit_policy_mapping.is_none() {
                    return Err(malformed(subject, oid));
                }
                out.policy_constraints = Some(pc);
            }
            OID_IAP => {
                let iap: InhibitAnyPolicy = decode(v, subject, oid)?;
                out.inhibit_any_policy = Some(iap.0);
            }
            OID_SKI => {
                let ski: SubjectKeyIdentifier = decode(v, subject, oid)?;
                out.ski = Some(ski.0.as_bytes().to_vec());
            }
            OID_AKI => {
                let aki: AuthorityKeyIdentifier = decode(v, subject, oid)?;
                out.aki = aki.key_identifier.map(|k| k.as_bytes().to_vec());
            }
            // Recognised, nothing to check for path validation.
            OID_IAN | OID_CRLDP | OID_AIA => {}
            _ if ext.critical => {
                return Err(PathError::UnknownCriticalExtension {
                    subject: subject.to_string(),
                    oid: oid.to_string(),
                });
            }
            _ => {}
        }
    }
    Ok(out)
}
