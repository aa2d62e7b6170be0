//! Revocation from the caller's CRLs (RFC 5280 §5, §6.3, simplified).
//!
//! CRLs are decoded with a decoder of our own that accepts v1 CRLs (no
//! version field) and keeps the received tbsCertList bytes for the
//! signature check. A CRL applies to a certificate when its issuer name
//! equals the certificate's issuer, its authorityKeyIdentifier (if any)
//! matches the issuer key's subjectKeyIdentifier (if any), its signature
//! verifies with the key of a certificate on the path named like the CRL
//! issuer (keyUsage, when present and not the anchor's, with cRLSign), and
//! thisUpdate <= time <= nextUpdate (nextUpdate when present).
//!
//! Issuing distribution point: onlyContainsUserCerts / onlyContainsCACerts
//! / onlyContainsAttributeCerts restrict the scope; onlySomeReasons CRLs
//! count towards completeness only as a union covering every reason; a
//! distribution point fullName must match one of the certificate's CRL
//! distribution point fullNames. Not supported (such CRLs are not used):
//! indirect CRLs (indirectCRL, certificateIssuer entries), delta CRLs
//! (deltaCRLIndicator), nameRelativeToCRLIssuer distribution point names.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use der::asn1::{BitString, Int, ObjectIdentifier};
use der::{Decode, Encode, Sequence};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::ext::Extensions;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, CrlDistributionPoints, CrlReason, IssuingDistributionPoint, KeyUsage,
};
use x509_cert::name::{Name, RelativeDistinguishedName};
use x509_cert::time::Time;

use super::cert_info::{CertInfo, MAX_LIST, OID_AKI, OID_CRLDP, OID_IAN};
use super::names::CanonName;
use super::verifier::Verifier;
use crate::certificate::der_header;

/// The largest CRL considered, in bytes.
const MAX_CRL_SIZE: usize = 8 * 1024 * 1024;
/// The most CRLs considered.
const MAX_CRLS: usize = 512;

const OID_CRL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.20");
const OID_REASON: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.21");
const OID_INVALIDITY_DATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.24");
const OID_IDP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.28");
const OID_FRESHEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.46");

/// Every reason of ReasonFlags (keyCompromise .. aACompromise).
const ALL_REASONS: u16 = 0x01fe;

#[derive(Debug, Clone, Sequence)]
struct RawCrl {
    tbs: RawTbs,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

#[derive(Debug, Clone, Sequence)]
struct RawTbs {
    version: Option<Int>,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    this_update: Time,
    next_update: Option<Time>,
    revoked: Option<Vec<RawEntry>>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<Extensions>,
}

#[derive(Debug, Clone, Sequence)]
struct RawEntry {
    serial: Int,
    revocation_date: Time,
    extensions: Option<Extensions>,
}

/// A decoded CRL with its signed bytes.
#[derive(Debug, Clone)]
pub(crate) struct Crl {
    raw: RawCrl,
    tbs: Vec<u8>,
    issuer: CanonName,
}

impl Crl {
    /// Decodes a DER CRL; `None` when it is not one.
    pub(crate) fn parse(der: &[u8]) -> Option<Self> {
        if der.len() > MAX_CRL_SIZE {
            return None;
        }
        let raw = RawCrl::from_der(der).ok()?;
        let (inner, _) = der_header(der, 0)?;
        let (contents, len) = der_header(der, inner)?;
        let tbs = der.get(inner..contents.checked_add(len)?)?.to_vec();
        if raw
            .tbs
            .version
            .as_ref()
            .is_some_and(|v| v.as_bytes() != [1])
        {
            return None;
        }
        let issuer = CanonName::new(&raw.tbs.issuer);
        Some(Self { raw, tbs, issuer })
    }

    /// thisUpdate, in seconds since the epoch.
    #[cfg(test)]
    pub(crate) fn this_update(&self) -> u64 {
        self.raw.tbs.this_update.to_unix_duration().as_secs()
    }

    /// Whether the CRL has no version field (v1).
    #[cfg(test)]
    pub(crate) fn is_v1(&self) -> bool {
        self.raw.tbs.version.is_none()
    }

    /// Decodes a list, skipping what does not decode.
    pub(crate) fn parse_all(crls: &[Vec<u8>]) -> Vec<Self> {
        crls.iter()
            .take(MAX_CRLS)
            .filter_map(|c| Self::parse(c))
            .collect()
    }
}

/// A key that may have signed a CRL: a certificate on the path.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CrlSigner<'a> {
    pub(crate) name: &'a CanonName,
    pub(crate) spki: &'a SubjectPublicKeyInfoOwned,
    pub(crate) ski: Option<&'a [u8]>,
    /// keyUsage of the certificate, `None` for the anchor or when absent.
    pub(crate) key_usage: Option<&'a KeyUsage>,
}

/// The revocation status of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Status {
    Good,
    Revoked(String),
    Unknown,
}

fn normalize(int: &[u8]) -> &[u8] {
    let mut s = int;
    while let [first, second, ..] = s {
        let redundant =
            (*first == 0 && second & 0x80 == 0) || (*first == 0xff && second & 0x80 != 0);
        if !redundant {
            break;
        }
        s = s.get(1..).unwrap_or_default();
    }
    s
}

fn reason_text(r: CrlReason) -> &'static str {
    match r {
        CrlReason::Unspecified => "unspecified",
        CrlReason::KeyCompromise => "keyCompromise",
        CrlReason::CaCompromise => "cACompromise",
        CrlReason::AffiliationChanged => "affiliationChanged",
        CrlReason::Superseded => "superseded",
        CrlReason::CessationOfOperation => "cessationOfOperation",
        CrlReason::CertificateHold => "certificateHold",
        CrlReason::RemoveFromCRL => "removeFromCRL",
        CrlReason::PrivilegeWithdrawn => "privilegeWithdrawn",
        CrlReason::AaCompromise => "aACompromise",
    }
}

fn general_name_eq(a: &GeneralName, b: &GeneralName) -> bool {
    match (a, b) {
        (GeneralName::DirectoryName(x), GeneralName::DirectoryName(y)) => {
            CanonName::new(x).matches(&CanonName::new(y))
        }
        _ => match (a.to_der(), b.to_der()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
    }
}

/// The full names of a distribution point name; a name relative to the
/// CRL issuer is appended to `base` (RFC 5280 §4.2.1.13).
fn full_names(dp: &DistributionPointName, base: &Name) -> Vec<GeneralName> {
    match dp {
        DistributionPointName::FullName(names) => names.iter().take(MAX_LIST).cloned().collect(),
        DistributionPointName::NameRelativeToCRLIssuer(rdn) => {
            let mut rdns: Vec<RelativeDistinguishedName> =
                base.iter_rdn().take(MAX_LIST).cloned().collect();
            rdns.push(rdn.clone());
            rdns.to_der()
                .ok()
                .and_then(|d| Name::from_der(&d).ok())
                .map(|n| alloc::vec![GeneralName::DirectoryName(n)])
                .unwrap_or_default()
        }
    }
}

/// The certificate's CRL distribution points (empty when absent or malformed).
fn distribution_points(info: &CertInfo) -> Vec<DistributionPoint> {
    info.cert
        .x509()
        .tbs_certificate()
        .extensions()
        .into_iter()
        .flatten()
        .find(|e| e.extn_id == OID_CRLDP)
        .and_then(|e| CrlDistributionPoints::from_der(e.extn_value.as_bytes()).ok())
        .map(|d| d.0)
        .unwrap_or_default()
}

/// Whether `signer` may sign `crl` and its key verifies it.
fn signs(signer: &CrlSigner<'_>, crl: &Crl, aki: Option<&[u8]>, verifier: &Verifier<'_>) -> bool {
    signer.name.matches(&crl.issuer)
        && signer.key_usage.is_none_or(KeyUsage::crl_sign)
        && match (aki, signer.ski) {
            (Some(a), Some(k)) => a == k,
            _ => true,
        }
        && crl.raw.signature.as_bytes().is_some_and(|sig| {
            verifier
                .verify(signer.spki, &crl.raw.signature_algorithm, &crl.tbs, sig)
                .is_ok()
        })
}

/// `candidate` as a CRL signer when it is named `crl_issuer`, valid at
/// `time`, has usable extensions, and one of `signers` issued it.
fn delegated<'a>(
    candidate: &'a CertInfo,
    signers: &[CrlSigner<'_>],
    crl_issuer: &CanonName,
    time: u64,
    verifier: &Verifier<'_>,
) -> Option<CrlSigner<'a>> {
    if !candidate.subject.matches(crl_issuer)
        || time < candidate.not_before
        || time > candidate.not_after
    {
        return None;
    }
    let ext = candidate.ext()?;
    let x509 = candidate.cert.x509();
    let sig = x509.signature().as_bytes()?;
    let issued = signers.iter().any(|s| {
        s.name.matches(&candidate.issuer)
            && s.key_usage.is_none_or(KeyUsage::key_cert_sign)
            && verifier
                .verify(
                    s.spki,
                    x509.signature_algorithm(),
                    candidate.cert.tbs_der(),
                    sig,
                )
                .is_ok()
    });
    issued.then(|| CrlSigner {
        name: &candidate.subject,
        spki: x509.tbs_certificate().subject_public_key_info(),
        ski: ext.ski.as_deref(),
        key_usage: ext.key_usage.as_ref(),
    })
}

/// What one CRL says about a certificate, when it applies.
enum Verdict {
    Revoked(String),
    /// Not listed; the reasons it covers.
    NotListed(u16),
}

/// Checks one certificate against the CRLs.
///
/// A CRL is signed by a certificate on the path (`signers`) or, one level
/// deep, by a certificate of `pool` named like the CRL issuer that one of
/// the `signers` issued, valid at `time`, allowed cRLSign, and itself not
/// revoked according to CRLs signed by `signers` (RFC 5280 §6.3.3(f),
/// simplified: no longer CRL-signing paths are built).
pub(crate) fn check(
    info: &CertInfo,
    signers: &[CrlSigner<'_>],
    pool: &[CertInfo],
    crls: &[Crl],
    time: u64,
    verifier: &Verifier<'_>,
) -> Status {
    let mut covered = 0u16;
    for crl in crls {
        match evaluate(info, signers, pool, crls, crl, time, verifier) {
            Some(Verdict::Revoked(r)) => return Status::Revoked(r),
            Some(Verdict::NotListed(reasons)) => covered |= reasons,
            None => {}
        }
    }
    if covered & ALL_REASONS == ALL_REASONS {
        Status::Good
    } else {
        Status::Unknown
    }
}

fn evaluate(
    info: &CertInfo,
    signers: &[CrlSigner<'_>],
    pool: &[CertInfo],
    all_crls: &[Crl],
    crl: &Crl,
    time: u64,
    verifier: &Verifier<'_>,
) -> Option<Verdict> {
    if !crl.issuer.matches(&info.issuer) {
        return None;
    }
    let tbs = &crl.raw.tbs;
    if tbs.this_update.to_unix_duration().as_secs() > time {
        return None;
    }
    if let Some(next) = tbs.next_update
        && next.to_unix_duration().as_secs() < time
    {
        return None;
    }
    let mut aki: Option<Vec<u8>> = None;
    let mut idp: Option<IssuingDistributionPoint> = None;
    for ext in tbs.extensions.iter().flatten() {
        match ext.extn_id {
            OID_AKI => {
                let a = AuthorityKeyIdentifier::from_der(ext.extn_value.as_bytes()).ok()?;
                aki = a.key_identifier.map(|k| k.as_bytes().to_vec());
            }
            OID_IDP => {
                idp = Some(IssuingDistributionPoint::from_der(ext.extn_value.as_bytes()).ok()?);
            }
            OID_CRL_NUMBER | OID_FRESHEST | OID_IAN => {}
            _ if ext.critical => return None,
            _ => {}
        }
    }
    let mut reasons = ALL_REASONS;
    if let Some(idp) = &idp {
        if idp.indirect_crl || idp.only_contains_attribute_certs {
            return None;
        }
        let is_ca = info.is_ca();
        if (idp.only_contains_user_certs && is_ca) || (idp.only_contains_ca_certs && !is_ca) {
            return None;
        }
        if let Some(some) = &idp.only_some_reasons {
            reasons = some.bits() & ALL_REASONS;
        }
        if let Some(dp) = &idp.distribution_point {
            let idp_names = full_names(dp, &crl.raw.tbs.issuer);
            let dps = distribution_points(info);
            let cert_issuer = info.cert.x509().tbs_certificate().issuer();
            let matched = dps.iter().any(|d| match &d.distribution_point {
                Some(name) => full_names(name, cert_issuer)
                    .iter()
                    .any(|n| idp_names.iter().any(|m| general_name_eq(n, m))),
                None => d
                    .crl_issuer
                    .iter()
                    .flatten()
                    .any(|n| idp_names.iter().any(|m| general_name_eq(n, m))),
            });
            if !matched {
                return None;
            }
        }
    }
    // A signer named like the CRL issuer whose key verifies it.
    let signed = signers
        .iter()
        .any(|s| signs(s, crl, aki.as_deref(), verifier))
        || pool.iter().any(|p| {
            delegated(p, signers, &crl.issuer, time, verifier)
                .is_some_and(|s| signs(&s, crl, aki.as_deref(), verifier))
                // The signer's own status, from CRLs the path's keys signed.
                && check(p, signers, &[], all_crls, time, verifier) == Status::Good
        });
    if !signed {
        return None;
    }
    let serial = info
        .cert
        .x509()
        .tbs_certificate()
        .serial_number()
        .as_bytes();
    let serial = normalize(serial);
    for entry in tbs.revoked.iter().flatten() {
        if normalize(entry.serial.as_bytes()) != serial {
            continue;
        }
        let mut reason = CrlReason::Unspecified;
        for ext in entry.extensions.iter().flatten() {
            match ext.extn_id {
                OID_REASON => {
                    reason = CrlReason::from_der(ext.extn_value.as_bytes()).ok()?;
                }
                OID_INVALIDITY_DATE => {}
                // certificateIssuer (indirect CRLs) and anything else critical.
                _ if ext.critical => return None,
                _ => {}
            }
        }
        if reason == CrlReason::RemoveFromCRL {
            return Some(Verdict::NotListed(reasons));
        }
        return Some(Verdict::Revoked(format!(
            "{}, revoked at {}",
            reason_text(reason),
            entry.revocation_date
        )));
    }
    Some(Verdict::NotListed(reasons))
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
    fn serials_compare_as_integers() {
        assert_eq!(normalize(&[0x00, 0x80]), &[0x00, 0x80]);
        assert_eq!(normalize(&[0x00, 0x00, 0x01]), &[0x01]);
        assert_eq!(normalize(&[0xff, 0xff, 0x80]), &[0x80]);
        assert_ne!(normalize(&[0xff]), normalize(&[0x00, 0xff]));
    }

    #[test]
    fn garbage_is_not_a_crl() {
        assert!(Crl::parse(b"").is_none());
        assert!(Crl::parse(&[0x30, 0x00]).is_none());
        assert!(Crl::parse(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_none());
    }
}
