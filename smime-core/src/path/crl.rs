//! Revocation from the caller's CRLs (RFC 5280 §5, §6.3).
//!
//! CRLs are decoded with a decoder of our own that accepts v1 CRLs (no
//! version field) and keeps the received tbsCertList bytes for the
//! signature check. For each of the certificate's CRL distribution points
//! (or the default one, the certificate issuer, when it has none) a
//! complete CRL applies when (RFC 5280 §6.3.3):
//!
//! - its issuer is the point's cRLIssuer and the CRL is indirect
//!   (issuingDistributionPoint indirectCRL TRUE), or, without cRLIssuer,
//!   its issuer is the certificate's issuer;
//! - its issuingDistributionPoint scope covers the certificate
//!   (onlyContainsUserCerts / onlyContainsCACerts; never
//!   onlyContainsAttributeCerts; a distribution point name matching one of
//!   the point's names, or its cRLIssuer when the point has no name);
//! - thisUpdate <= time <= nextUpdate (nextUpdate when present);
//! - its authorityKeyIdentifier (if any) matches the signer's
//!   subjectKeyIdentifier (if any), and its signature verifies with the key
//!   of a certificate on the path named like the CRL issuer, or of a
//!   certificate of the caller's pool that such a key issued (one level of
//!   delegation, [`MAX_SIGNER_DEPTH`]), valid at `time`, itself not revoked;
//!   keyUsage, when present and not the anchor's, must allow cRLSign;
//! - it is not a delta CRL (deltaCRLIndicator): a delta CRL is only ever
//!   applied on top of a complete CRL.
//!
//! The reasons each CRL covers (the point's reasons and the CRL's
//! onlySomeReasons) accumulate; the status is good only once every reason
//! is covered, unknown otherwise. In an indirect CRL an entry belongs to
//! the issuer named by the latest certificateIssuer entry extension (the
//! CRL issuer before the first, RFC 5280 §5.3.3).
//!
//! Delta CRLs (RFC 5280 §5.2.4): for a complete CRL with a cRLNumber, the
//! newest current delta CRL of the same issuer and the same
//! issuingDistributionPoint whose BaseCRLNumber is at most that number,
//! signed like a complete CRL, is applied on top: its entry for the
//! certificate replaces the complete CRL's, and a removeFromCRL entry
//! releases only a certificateHold.

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
/// The most entries of one CRL (a larger CRL is not used).
const MAX_CRL_ENTRIES: usize = 1 << 20;
/// How many certificates off the path may sign CRLs in a chain (a CRL
/// signer issued by a path key is depth 1); each level checks the
/// signer's own revocation with the keys of the levels above it.
const MAX_SIGNER_DEPTH: u8 = 1;

const OID_CRL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.20");
const OID_REASON: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.21");
const OID_INVALIDITY_DATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.24");
const OID_IDP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.28");
const OID_FRESHEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.46");
const OID_DELTA_INDICATOR: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.27");
const OID_CERTIFICATE_ISSUER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.29");

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

/// The CRL extensions we process.
#[derive(Debug, Clone, Default)]
struct CrlExt {
    aki: Option<Vec<u8>>,
    idp: Option<IssuingDistributionPoint>,
    /// The IDP's encoding, to compare scopes of complete and delta CRLs.
    idp_der: Option<Vec<u8>>,
    /// cRLNumber, as minimal big-endian bytes.
    number: Option<Vec<u8>>,
    /// deltaCRLIndicator's BaseCRLNumber: present on delta CRLs only.
    delta_base: Option<Vec<u8>>,
}

/// A CRL number (a non-negative INTEGER) as big-endian bytes without
/// leading zeros; `None` when negative or not an INTEGER.
fn crl_number(der: &[u8]) -> Option<Vec<u8>> {
    let int = Int::from_der(der).ok()?;
    let bytes = int.as_bytes();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    Some(bytes.get(start..).unwrap_or_default().to_vec())
}

/// Compares two numbers of [`crl_number`].
fn number_cmp(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// `a <= b` for numbers of [`crl_number`].
fn number_le(a: &[u8], b: &[u8]) -> bool {
    number_cmp(a, b) != core::cmp::Ordering::Greater
}

/// The CRL extensions; `None` when one does not decode, appears twice, or
/// is critical and unknown (the CRL is then not used).
fn crl_extensions(tbs: &RawTbs) -> Option<CrlExt> {
    let mut out = CrlExt::default();
    let mut seen: Vec<ObjectIdentifier> = Vec::new();
    for ext in tbs.extensions.iter().flatten().take(MAX_LIST) {
        if seen.contains(&ext.extn_id) {
            return None;
        }
        seen.push(ext.extn_id);
        let v = ext.extn_value.as_bytes();
        match ext.extn_id {
            OID_AKI => {
                let a = AuthorityKeyIdentifier::from_der(v).ok()?;
                out.aki = a.key_identifier.map(|k| k.as_bytes().to_vec());
            }
            OID_IDP => {
                out.idp = Some(IssuingDistributionPoint::from_der(v).ok()?);
                out.idp_der = Some(v.to_vec());
            }
            OID_CRL_NUMBER => out.number = Some(crl_number(v)?),
            OID_DELTA_INDICATOR => out.delta_base = Some(crl_number(v)?),
            OID_FRESHEST | OID_IAN => {}
            _ if ext.critical => return None,
            _ => {}
        }
    }
    Some(out)
}

/// A decoded CRL with its signed bytes.
#[derive(Debug, Clone)]
pub(crate) struct Crl {
    raw: RawCrl,
    tbs: Vec<u8>,
    issuer: CanonName,
    /// The processed extensions, `None` when the CRL is unusable.
    ext: Option<CrlExt>,
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
        if raw
            .tbs
            .revoked
            .as_ref()
            .is_some_and(|r| r.len() > MAX_CRL_ENTRIES)
        {
            return None;
        }
        let issuer = CanonName::new(&raw.tbs.issuer);
        let ext = crl_extensions(&raw.tbs);
        Some(Self {
            raw,
            tbs,
            issuer,
            ext,
        })
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

/// The certificate's CRL distribution points: `None` when the extension is
/// absent, empty when it does not decode (then no CRL serves it).
fn distribution_points(info: &CertInfo) -> Option<Vec<DistributionPoint>> {
    let ext = info
        .cert
        .x509()
        .tbs_certificate()
        .extensions()
        .into_iter()
        .flatten()
        .find(|e| e.extn_id == OID_CRLDP)?;
    Some(
        CrlDistributionPoints::from_der(ext.extn_value.as_bytes())
            .map(|d| d.0)
            .unwrap_or_default(),
    )
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
/// A CRL is signed by a certificate on the path (`signers`) or, up to
/// [`MAX_SIGNER_DEPTH`] levels deep, by a certificate of `pool` named like
/// the CRL issuer that one of the `signers` issued, valid at `time`,
/// allowed cRLSign, and itself not revoked according to CRLs signed by
/// `signers` or by itself (RFC 5280 §6.3.3(f), simplified: the CRL
/// signer's path is the certificate's path up to the signer's issuer).
pub(crate) fn check(
    info: &CertInfo,
    signers: &[CrlSigner<'_>],
    pool: &[CertInfo],
    crls: &[Crl],
    time: u64,
    verifier: &Verifier<'_>,
) -> Status {
    check_at(info, signers, pool, crls, time, verifier, 0)
}

/// Lookup context shared by the CRL checks of one certificate.
struct Ctx<'c> {
    signers: &'c [CrlSigner<'c>],
    pool: &'c [CertInfo],
    all_crls: &'c [Crl],
    time: u64,
    verifier: &'c Verifier<'c>,
    /// Delegation levels used so far (at most [`MAX_SIGNER_DEPTH`]).
    depth: u8,
}

/// [`check`] at delegation level `depth`.
fn check_at(
    info: &CertInfo,
    signers: &[CrlSigner<'_>],
    pool: &[CertInfo],
    crls: &[Crl],
    time: u64,
    verifier: &Verifier<'_>,
    depth: u8,
) -> Status {
    let ctx = Ctx {
        signers,
        pool,
        all_crls: crls,
        time,
        verifier,
        depth,
    };
    let mut covered = 0u16;
    for crl in crls.iter().take(MAX_CRLS) {
        match evaluate(info, &ctx, crl) {
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

/// Whether `crl` is current at `time` (thisUpdate <= time <= nextUpdate).
fn current(crl: &Crl, time: u64) -> bool {
    let tbs = &crl.raw.tbs;
    tbs.this_update.to_unix_duration().as_secs() <= time
        && tbs
            .next_update
            .is_none_or(|next| next.to_unix_duration().as_secs() >= time)
}

/// The directory names among `names`.
fn directory_names(names: &[GeneralName]) -> impl Iterator<Item = &Name> {
    names.iter().take(MAX_LIST).filter_map(|n| match n {
        GeneralName::DirectoryName(d) => Some(d),
        _ => None,
    })
}

/// Whether one distribution point of the certificate (its name, its
/// cRLIssuer) is served by `crl` (RFC 5280 §6.3.3(b)): the CRL issuer is
/// the cRLIssuer (and the CRL is indirect) or, without cRLIssuer, the
/// certificate issuer; and when the CRL's IDP names a distribution point,
/// one of the point's names (or, without a name, its cRLIssuer) matches.
fn dp_served_by(
    info: &CertInfo,
    dp_name: Option<&DistributionPointName>,
    crl_issuer: Option<&[GeneralName]>,
    crl: &Crl,
    idp: Option<&IssuingDistributionPoint>,
) -> bool {
    let indirect = idp.is_some_and(|i| i.indirect_crl);
    let issuer_ok = match crl_issuer {
        Some(names) => {
            indirect && directory_names(names).any(|n| CanonName::new(n).matches(&crl.issuer))
        }
        None => crl.issuer.matches(&info.issuer),
    };
    if !issuer_ok {
        return false;
    }
    let Some(idp_dp) = idp.and_then(|i| i.distribution_point.as_ref()) else {
        return true;
    };
    let idp_names = full_names(idp_dp, &crl.raw.tbs.issuer);
    match dp_name {
        Some(name) => {
            // A relative name extends the cRLIssuer when present, else
            // the certificate issuer (RFC 5280 §4.2.1.13).
            let cert_issuer = info.cert.x509().tbs_certificate().issuer();
            let base = crl_issuer
                .and_then(|n| directory_names(n).next())
                .unwrap_or(cert_issuer);
            full_names(name, base)
                .iter()
                .any(|n| idp_names.iter().any(|m| general_name_eq(n, m)))
        }
        None => crl_issuer
            .unwrap_or_default()
            .iter()
            .take(MAX_LIST)
            .any(|n| idp_names.iter().any(|m| general_name_eq(n, m))),
    }
}

/// The reasons `crl` covers for the certificate (RFC 5280 §6.3.3(b), (d)),
/// `None` when it is out of scope. A certificate without a CRL
/// distribution points extension is served by direct CRLs without an IDP
/// distribution point name.
fn scope(info: &CertInfo, crl: &Crl, ext: &CrlExt) -> Option<u16> {
    let idp = ext.idp.as_ref();
    if let Some(idp) = idp {
        let is_ca = info.is_ca();
        if idp.only_contains_attribute_certs
            || (idp.only_contains_user_certs && is_ca)
            || (idp.only_contains_ca_certs && !is_ca)
        {
            return None;
        }
    }
    let idp_reasons = idp
        .and_then(|i| i.only_some_reasons.as_ref())
        .map_or(ALL_REASONS, |r| r.bits() & ALL_REASONS);
    match distribution_points(info) {
        None => dp_served_by(info, None, None, crl, idp).then_some(idp_reasons),
        Some(dps) => {
            let mut reasons: Option<u16> = None;
            for dp in dps.iter().take(MAX_LIST) {
                if dp_served_by(
                    info,
                    dp.distribution_point.as_ref(),
                    dp.crl_issuer.as_deref(),
                    crl,
                    idp,
                ) {
                    let dp_reasons = dp
                        .reasons
                        .as_ref()
                        .map_or(ALL_REASONS, |r| r.bits() & ALL_REASONS);
                    reasons = Some(reasons.unwrap_or(0) | (dp_reasons & idp_reasons));
                }
            }
            reasons
        }
    }
}

/// Whether a key allowed to sign CRLs verifies `crl` (see [`check`]).
fn signed(crl: &Crl, ext: &CrlExt, ctx: &Ctx<'_>) -> bool {
    let aki = ext.aki.as_deref();
    if ctx.signers.iter().any(|s| signs(s, crl, aki, ctx.verifier)) {
        return true;
    }
    if ctx.depth >= MAX_SIGNER_DEPTH {
        return false;
    }
    ctx.pool.iter().take(MAX_CRLS).any(|p| {
        delegated(p, ctx.signers, &crl.issuer, ctx.time, ctx.verifier).is_some_and(|s| {
            signs(&s, crl, aki, ctx.verifier) && {
                // The signer's own status, from CRLs signed by the path's
                // keys or by itself, one level deeper.
                let mut with_self: Vec<CrlSigner<'_>> = ctx.signers.to_vec();
                with_self.push(s);
                check_at(
                    p,
                    &with_self,
                    ctx.pool,
                    ctx.all_crls,
                    ctx.time,
                    ctx.verifier,
                    ctx.depth.saturating_add(1),
                ) == Status::Good
            }
        })
    })
}

/// A certificate's entry in `crl`: `Ok(None)` when not listed, `Err` when
/// the CRL cannot be used (an entry extension that does not decode, an
/// unknown critical one, certificateIssuer outside an indirect CRL).
/// In an indirect CRL an entry belongs to the issuer named by the latest
/// certificateIssuer extension, the CRL issuer before any (RFC 5280
/// §5.3.3).
fn lookup<'c>(
    info: &CertInfo,
    crl: &'c Crl,
    indirect: bool,
) -> Result<Option<(CrlReason, &'c Time)>, ()> {
    let serial = normalize(
        info.cert
            .x509()
            .tbs_certificate()
            .serial_number()
            .as_bytes(),
    );
    let mut entry_issuer_is_cert_issuer = crl.issuer.matches(&info.issuer);
    for entry in crl.raw.tbs.revoked.iter().flatten() {
        let mut reason = CrlReason::Unspecified;
        let same_serial = normalize(entry.serial.as_bytes()) == serial;
        for ext in entry.extensions.iter().flatten() {
            match ext.extn_id {
                OID_CERTIFICATE_ISSUER => {
                    if !indirect {
                        return Err(());
                    }
                    let names =
                        Vec::<GeneralName>::from_der(ext.extn_value.as_bytes()).map_err(|_| ())?;
                    entry_issuer_is_cert_issuer =
                        directory_names(&names).any(|n| CanonName::new(n).matches(&info.issuer));
                }
                OID_REASON if same_serial => {
                    reason = CrlReason::from_der(ext.extn_value.as_bytes()).map_err(|_| ())?;
                }
                OID_REASON | OID_INVALIDITY_DATE => {}
                _ if ext.critical => return Err(()),
                _ => {}
            }
        }
        if same_serial && entry_issuer_is_cert_issuer {
            return Ok(Some((reason, &entry.revocation_date)));
        }
    }
    Ok(None)
}

/// The most delta CRLs whose signature is checked for one complete CRL.
const MAX_DELTA_TRIES: usize = 4;

/// The newest usable delta CRL for the complete CRL `base` (RFC 5280
/// §5.2.4, §6.3.3(c)): same issuer and same IDP (same scope), current at
/// `time`, its BaseCRLNumber at most the complete CRL's number, and signed
/// like a complete CRL would be.
fn delta_for<'c>(base: &Crl, base_ext: &CrlExt, ctx: &Ctx<'c>) -> Option<&'c Crl> {
    let mut candidates = delta_candidates(base, base_ext, ctx.all_crls, ctx.time);
    // Newest (highest CRL number) first.
    candidates.sort_by(|(_, a), (_, b)| {
        number_cmp(
            b.number.as_deref().unwrap_or_default(),
            a.number.as_deref().unwrap_or_default(),
        )
    });
    candidates
        .into_iter()
        .take(MAX_DELTA_TRIES)
        .find(|(d, e)| signed(d, e, ctx))
        .map(|(d, _)| d)
}

/// The delta CRLs of `all_crls` that may apply on top of `base`, before
/// their signatures are checked: same issuer, same issuingDistributionPoint
/// (or none on either), the base's authorityKeyIdentifier when it has one
/// (RFC 5280 §6.3.3(c)), a cRLNumber, current at `time`.
fn delta_candidates<'c>(
    base: &Crl,
    base_ext: &CrlExt,
    all_crls: &'c [Crl],
    time: u64,
) -> Vec<(&'c Crl, &'c CrlExt)> {
    let Some(base_number) = base_ext.number.as_deref() else {
        return Vec::new();
    };
    all_crls
        .iter()
        .take(MAX_CRLS)
        .filter_map(|d| {
            let e = d.ext.as_ref()?;
            let delta_base = e.delta_base.as_deref()?;
            (d.issuer.matches(&base.issuer)
                && e.idp_der == base_ext.idp_der
                && (base_ext.aki.is_none() || e.aki == base_ext.aki)
                && e.number.is_some()
                && number_le(delta_base, base_number)
                && current(d, time))
            .then_some((d, e))
        })
        .collect()
}

/// A certificate's entry after a delta CRL's entry (if any) is applied to
/// the complete CRL's (if any): the delta's replaces it, except that
/// removeFromCRL releases only a certificateHold (RFC 5280 §5.3.1).
fn apply_delta<'t>(
    complete: Option<(CrlReason, &'t Time)>,
    delta: Option<(CrlReason, &'t Time)>,
) -> Option<(CrlReason, &'t Time)> {
    match (complete, delta) {
        (c, None) => c,
        (Some(c), Some((CrlReason::RemoveFromCRL, _))) => {
            (c.0 != CrlReason::CertificateHold).then_some(c)
        }
        (None, Some((CrlReason::RemoveFromCRL, _))) => None,
        (_, Some(d)) => Some(d),
    }
}

fn evaluate(info: &CertInfo, ctx: &Ctx<'_>, crl: &Crl) -> Option<Verdict> {
    let ext = crl.ext.as_ref()?;
    // A delta CRL is never used on its own.
    if ext.delta_base.is_some() || !current(crl, ctx.time) {
        return None;
    }
    let reasons = scope(info, crl, ext)?;
    if !signed(crl, ext, ctx) {
        return None;
    }
    let indirect = ext.idp.as_ref().is_some_and(|i| i.indirect_crl);
    let mut listed = lookup(info, crl, indirect).ok()?;
    if let Some(delta) = delta_for(crl, ext, ctx) {
        let delta_indirect = delta
            .ext
            .as_ref()
            .and_then(|e| e.idp.as_ref())
            .is_some_and(|i| i.indirect_crl);
        match lookup(info, delta, delta_indirect) {
            Ok(entry) => listed = apply_delta(listed, entry),
            // A delta whose entries cannot be read: only a revocation it
            // could not undo stands.
            Err(()) => {
                if listed.is_none_or(|(r, _)| r == CrlReason::CertificateHold) {
                    return None;
                }
            }
        }
    }
    match listed {
        Some((reason, date)) if reason != CrlReason::RemoveFromCRL => Some(Verdict::Revoked(
            format!("{}, revoked at {}", reason_text(reason), date),
        )),
        _ => Some(Verdict::NotListed(reasons)),
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

    #[test]
    fn serials_compare_as_integers() {
        assert_eq!(normalize(&[0x00, 0x80]), &[0x00, 0x80]);
        assert_eq!(normalize(&[0x00, 0x00, 0x01]), &[0x01]);
        assert_eq!(normalize(&[0xff, 0xff, 0x80]), &[0x80]);
        assert_ne!(normalize(&[0xff]), normalize(&[0x00, 0xff]));
    }

    use crate::certificate::Certificate;
    use crate::crypto::AlgorithmPolicy;
    use core::time::Duration;
    use der::asn1::{OctetString, UtcTime};
    use ed25519_dalek::Signer;
    use x509_cert::ext::Extension;

    const T0: u64 = 1_700_000_000;

    /// The end entity (issued by "selfissued") and another CA's name.
    fn subject() -> (CertInfo, Name) {
        let ee = Certificate::from_der(include_bytes!("testdata/ee_via_selfissued.der")).unwrap();
        let other_name: Name = "CN=Another CA,O=Test".parse().unwrap();
        let info = CertInfo::new(&ee);
        assert!(!info.issuer.matches(&CanonName::new(&other_name)));
        (info, other_name)
    }

    fn serial_of(info: &CertInfo) -> Int {
        Int::new(
            info.cert
                .x509()
                .tbs_certificate()
                .serial_number()
                .as_bytes(),
        )
        .unwrap()
    }

    fn ext(oid: ObjectIdentifier, critical: bool, value: &impl Encode) -> Extension {
        Extension {
            extn_id: oid,
            critical,
            extn_value: OctetString::new(value.to_der().unwrap()).unwrap(),
        }
    }

    fn utc(t: u64) -> Time {
        Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(t)).unwrap())
    }

    /// An entry for `serial` with an optional reason and certificateIssuer.
    fn entry(serial: &Int, reason: Option<CrlReason>, cert_issuer: Option<&Name>) -> RawEntry {
        let mut exts = Vec::new();
        if let Some(r) = reason {
            exts.push(ext(OID_REASON, false, &r));
        }
        if let Some(n) = cert_issuer {
            let names = alloc::vec![GeneralName::DirectoryName(n.clone())];
            exts.push(ext(OID_CERTIFICATE_ISSUER, true, &names));
        }
        RawEntry {
            serial: serial.clone(),
            revocation_date: utc(T0),
            extensions: (!exts.is_empty()).then_some(exts),
        }
    }

    fn key() -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&[7; 32])
    }

    fn spki() -> SubjectPublicKeyInfoOwned {
        SubjectPublicKeyInfoOwned {
            algorithm: ed25519_alg(),
            subject_public_key: BitString::from_bytes(key().verifying_key().as_bytes()).unwrap(),
        }
    }

    fn ed25519_alg() -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap("1.3.101.112"),
            parameters: None,
        }
    }

    fn number(n: u8) -> Int {
        Int::new(&[n]).unwrap()
    }

    /// A CRL by `issuer` signed with [`key`], current around `T0`.
    fn crl(issuer: &Name, entries: Vec<RawEntry>, extensions: Vec<Extension>) -> Crl {
        let tbs = RawTbs {
            version: Some(Int::new(&[1]).unwrap()),
            signature: ed25519_alg(),
            issuer: issuer.clone(),
            this_update: utc(T0 - 100),
            next_update: Some(utc(T0 + 100)),
            revoked: (!entries.is_empty()).then_some(entries),
            extensions: (!extensions.is_empty()).then_some(extensions),
        };
        let tbs_der = tbs.to_der().unwrap();
        let sig = key().sign(&tbs_der);
        let raw = RawCrl {
            tbs,
            signature_algorithm: ed25519_alg(),
            signature: BitString::from_bytes(&sig.to_bytes()).unwrap(),
        };
        Crl::parse(&raw.to_der().unwrap()).unwrap()
    }

    fn indirect_idp() -> IssuingDistributionPoint {
        IssuingDistributionPoint {
            distribution_point: None,
            only_contains_user_certs: false,
            only_contains_ca_certs: false,
            only_some_reasons: None,
            indirect_crl: true,
            only_contains_attribute_certs: false,
        }
    }

    /// The status of `info` with the CRLs, signed by `issuer` with [`key`].
    fn status(info: &CertInfo, issuer: &Name, crls: &[Crl]) -> Status {
        let policy = AlgorithmPolicy::default();
        let verifier = Verifier::new(&policy);
        let name = CanonName::new(issuer);
        let spki = spki();
        let signers = [CrlSigner {
            name: &name,
            spki: &spki,
            ski: None,
            key_usage: None,
        }];
        check(info, &signers, &[], crls, T0, &verifier)
    }

    #[test]
    fn signed_test_crls_are_used() {
        let (info, _) = subject();
        let issuer = info.cert.x509().tbs_certificate().issuer().clone();
        let empty = crl(&issuer, Vec::new(), Vec::new());
        assert_eq!(status(&info, &issuer, &[empty]), Status::Good);
        let revoking = crl(
            &issuer,
            alloc::vec![entry(&serial_of(&info), None, None)],
            Vec::new(),
        );
        assert!(matches!(
            status(&info, &issuer, &[revoking]),
            Status::Revoked(_)
        ));
    }

    /// In an indirect CRL an entry belongs to the issuer named by the latest
    /// certificateIssuer (RFC 5280 §5.3.3), the CRL issuer before any.
    #[test]
    fn certificate_issuer_scopes_the_following_entries() {
        let (info, other) = subject();
        let issuer = info.cert.x509().tbs_certificate().issuer().clone();
        let serial = serial_of(&info);
        let unrelated = number(99);
        let idp = alloc::vec![ext(OID_IDP, true, &indirect_idp())];
        // Issued by `issuer`: the serial is listed only after "other" took
        // over, so it is another CA's certificate that is revoked.
        let after_switch = crl(
            &issuer,
            alloc::vec![
                entry(&unrelated, None, None),
                entry(&unrelated, None, Some(&other)),
                entry(&serial, Some(CrlReason::KeyCompromise), None),
            ],
            idp.clone(),
        );
        assert_eq!(lookup(&info, &after_switch, true), Ok(None));
        assert_eq!(
            status(&info, &issuer, core::slice::from_ref(&after_switch)),
            Status::Good
        );
        // Switching back to the certificate's issuer lists it again.
        let switched_back = crl(
            &issuer,
            alloc::vec![
                entry(&unrelated, None, Some(&other)),
                entry(&unrelated, None, Some(&issuer)),
                entry(&unrelated, None, None),
                entry(&serial, Some(CrlReason::KeyCompromise), None),
            ],
            idp.clone(),
        );
        assert!(matches!(
            lookup(&info, &switched_back, true),
            Ok(Some((CrlReason::KeyCompromise, _)))
        ));
        assert!(matches!(
            status(&info, &issuer, &[switched_back]),
            Status::Revoked(_)
        ));
        // Before any certificateIssuer, entries are the CRL issuer's.
        let first = crl(
            &issuer,
            alloc::vec![entry(&serial, None, None)],
            idp.clone(),
        );
        assert!(matches!(lookup(&info, &first, true), Ok(Some(_))));
        // certificateIssuer in a CRL that is not indirect: unusable.
        let direct = crl(
            &issuer,
            alloc::vec![entry(&unrelated, None, Some(&other))],
            Vec::new(),
        );
        assert_eq!(lookup(&info, &direct, false), Err(()));
        assert_eq!(status(&info, &issuer, &[direct]), Status::Unknown);
        // An indirect CRL by another CA serves the certificate only through
        // a distribution point naming that CA (ee has none): not used.
        let by_other = crl(&other, Vec::new(), idp);
        assert_eq!(status(&info, &other, &[by_other]), Status::Unknown);
    }

    #[test]
    fn a_delta_crl_is_never_used_as_complete() {
        let (info, _) = subject();
        let issuer = info.cert.x509().tbs_certificate().issuer().clone();
        let delta = crl(
            &issuer,
            Vec::new(),
            alloc::vec![
                ext(OID_CRL_NUMBER, false, &number(11)),
                ext(OID_DELTA_INDICATOR, true, &number(10)),
            ],
        );
        assert!(delta.ext.as_ref().unwrap().delta_base.is_some());
        // Alone it does not make the certificate good.
        assert_eq!(
            status(&info, &issuer, core::slice::from_ref(&delta)),
            Status::Unknown
        );
        // Nor does it once a (non-matching) complete CRL is around.
        let base = crl(
            &issuer,
            Vec::new(),
            alloc::vec![ext(OID_CRL_NUMBER, false, &number(12))],
        );
        let policy = AlgorithmPolicy::default();
        let verifier = Verifier::new(&policy);
        let ctx = Ctx {
            signers: &[],
            pool: &[],
            all_crls: &[],
            time: T0,
            verifier: &verifier,
            depth: 0,
        };
        assert!(evaluate(&info, &ctx, &delta).is_none());
        assert_eq!(status(&info, &issuer, &[delta, base]), Status::Good);
    }

    #[test]
    fn a_delta_crl_applies_on_top_of_its_base() {
        let (info, _) = subject();
        let issuer = info.cert.x509().tbs_certificate().issuer().clone();
        let serial = serial_of(&info);
        let base = |reason: Option<CrlReason>| {
            crl(
                &issuer,
                reason
                    .map(|r| alloc::vec![entry(&serial, Some(r), None)])
                    .unwrap_or_default(),
                alloc::vec![ext(OID_CRL_NUMBER, false, &number(10))],
            )
        };
        let delta = |base_number: u8, reason: Option<CrlReason>| {
            crl(
                &issuer,
                reason
                    .map(|r| alloc::vec![entry(&serial, Some(r), None)])
                    .unwrap_or_default(),
                alloc::vec![
                    ext(OID_CRL_NUMBER, false, &number(11)),
                    ext(OID_DELTA_INDICATOR, true, &number(base_number)),
                ],
            )
        };
        let revoked = |crls: &[Crl]| matches!(status(&info, &issuer, crls), Status::Revoked(_));
        // The delta revokes what the base does not list.
        assert!(revoked(&[
            base(None),
            delta(10, Some(CrlReason::KeyCompromise))
        ]));
        // removeFromCRL releases a hold...
        assert_eq!(
            status(
                &info,
                &issuer,
                &[
                    base(Some(CrlReason::CertificateHold)),
                    delta(10, Some(CrlReason::RemoveFromCRL))
                ]
            ),
            Status::Good
        );
        // ...but not a revocation.
        assert!(revoked(&[
            base(Some(CrlReason::KeyCompromise)),
            delta(10, Some(CrlReason::RemoveFromCRL))
        ]));
        // A delta not listing the certificate leaves the base's entry.
        assert!(revoked(&[
            base(Some(CrlReason::CertificateHold)),
            delta(10, None)
        ]));
        // A delta built on a newer base (12 > 10) does not apply.
        assert_eq!(
            status(
                &info,
                &issuer,
                &[base(None), delta(12, Some(CrlReason::KeyCompromise))]
            ),
            Status::Good
        );
        // An older base number is fine (BaseCRLNumber <= the base's).
        assert!(revoked(&[
            base(None),
            delta(9, Some(CrlReason::KeyCompromise))
        ]));
        // A delta whose authorityKeyIdentifier differs from the base's
        // does not apply.
        let aki = |id: u8| {
            ext(
                OID_AKI,
                false,
                &AuthorityKeyIdentifier {
                    key_identifier: Some(OctetString::new([id; 4]).unwrap()),
                    authority_cert_issuer: None,
                    authority_cert_serial_number: None,
                },
            )
        };
        let base_aki = crl(
            &issuer,
            Vec::new(),
            alloc::vec![ext(OID_CRL_NUMBER, false, &number(10)), aki(1)],
        );
        let delta_aki = |id: u8| {
            crl(
                &issuer,
                alloc::vec![entry(&serial, Some(CrlReason::KeyCompromise), None)],
                alloc::vec![
                    ext(OID_CRL_NUMBER, false, &number(11)),
                    ext(OID_DELTA_INDICATOR, true, &number(10)),
                    aki(id),
                ],
            )
        };
        assert_eq!(
            status(&info, &issuer, &[base_aki.clone(), delta_aki(2)]),
            Status::Good
        );
        assert!(revoked(&[base_aki, delta_aki(1)]));
    }

    #[test]
    fn garbage_is_not_a_crl() {
        assert!(Crl::parse(b"").is_none());
        assert!(Crl::parse(&[0x30, 0x00]).is_none());
        assert!(Crl::parse(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_none());
    }
}
