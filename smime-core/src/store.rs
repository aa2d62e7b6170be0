//! A certificate store keyed by e-mail address, and the choice of the
//! certificate to encrypt to (RFC 8551 §2.5, §2.7; RFC 8550 §4.4).
//!
//! [`CertificateStore`] is the caller's storage: what [`harvest`](crate::harvest)
//! takes from verified signed mail goes in, and
//! [`select_encryption_certificate`] picks from it when mail is encrypted to
//! an address. [`MemoryCertificateStore`] keeps it in memory.
//!
//! # Addresses
//!
//! Records are kept under [`normalize_address`]: the local part exact (RFC
//! 5280 §7.5: it is case-sensitive; the quoting of a quoted-string local part
//! removed), the domain in lower-case A-labels (UTS-46, so that a U-label
//! domain and its A-label form are one key). Two addresses have the same key
//! exactly when [`address_matches`](crate::address_matches) says they match.
//!
//! # Selection
//!
//! A stored certificate qualifies for encryption to an address at a time
//! when it carries the address, its key can be encrypted to (RSA with
//! keyEncipherment, or an EC/X25519/X448 key with keyAgreement, or no
//! keyUsage extension; RFC 8550 §4.4.2), it is valid at that time and its
//! path, through the chain stored with it, validates to the caller's anchors
//! (RFC 5280 §6.1 with the S/MIME profile of RFC 8550, the end entity's
//! signing keyUsage bits excepted). Among the qualifying ones, one named by
//! SMIMEEncryptionKeyPreference wins (RFC 8551 §2.5.3); then the newest
//! signing time, then the newest stored time.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::KeyUsage;

use crate::certificate::Certificate;
use crate::cms::SmimeCapability;
use crate::path::{ChainStatus, PathError, ValidationOptions, validate_encryption_path};
use crate::sender::{address_matches, certificate_email_addresses, normalized_address};

/// The most certificates [`MemoryCertificateStore::new`] keeps per address:
/// beyond it, the least recently stored record is dropped.
pub const MAX_CERTIFICATES_PER_ADDRESS: usize = 16;

/// rsaEncryption (RFC 8017).
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// id-RSAES-OAEP (RFC 4055): an RSA key for OAEP only.
const RSAES_OAEP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.7");
/// id-ecPublicKey (RFC 5480).
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// id-ecDH (RFC 5480): an EC key for key agreement only.
const EC_DH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.1.12");
/// id-X25519 (RFC 8410).
const X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
/// id-X448 (RFC 8410).
const X448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.111");

/// The key under which a store keeps an address: the unquoted local part,
/// exact, `@`, and the domain in lower-case A-labels (a domain literal in
/// lower case). `None` for an address that never matches a certificate (no
/// `@`, an empty part, a domain that is not a host name).
///
/// The key is a comparison form, not always a valid address (an unquoted
/// local part may hold spaces); the domain never holds `@`, so the key splits
/// back at its last `@`.
///
/// ```
/// use smime_core::normalize_address;
///
/// assert_eq!(normalize_address("Alice@Example.TEST").as_deref(), Some("Alice@example.test"));
/// assert_eq!(normalize_address("\"alice\"@example.test").as_deref(), Some("alice@example.test"));
/// assert_eq!(normalize_address("用户@例子.广告").as_deref(), Some("用户@xn--fsqu00a.xn--4rr70v"));
/// assert_eq!(normalize_address("no-at-sign"), None);
/// ```
pub fn normalize_address(address: &str) -> Option<String> {
    let (local, domain) = normalized_address(address)?;
    Some(alloc::format!("{local}@{domain}"))
}

/// One certificate kept for an address, with what was learnt with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCertificate {
    /// The certificate.
    pub certificate: Certificate,
    /// Its chain: the intermediates between it and a trust anchor (neither
    /// the certificate nor the anchor), issuer of the certificate first.
    pub chain: Vec<Certificate>,
    /// The sender's SMIMECapabilities from the message it was seen with
    /// (RFC 8551 §2.5.2), in the sender's order of preference.
    pub capabilities: Vec<SmimeCapability>,
    /// The signing time of that message (unix seconds), when it had one.
    pub signing_time: Option<u64>,
    /// Whether that message's SMIMEEncryptionKeyPreference named this
    /// certificate (RFC 8551 §2.5.3).
    pub preferred: bool,
    /// When it was stored or last updated (unix seconds, the caller's clock).
    pub stored_at: u64,
}

impl StoredCertificate {
    /// A record with no chain, capabilities, signing time or preference.
    pub fn new(certificate: Certificate, stored_at: u64) -> Self {
        Self {
            certificate,
            chain: Vec::new(),
            capabilities: Vec::new(),
            signing_time: None,
            preferred: false,
            stored_at,
        }
    }

    /// Takes in a record of the same certificate seen again. The message
    /// with the newer signing time (a message without one is older than
    /// any with one; on a tie, `incoming`) decides the capabilities, the
    /// signing time, the preference and the chain (the other's chain when
    /// its own is empty) (RFC 8551 §2.5.3: preference data is stored when
    /// the signing time is newer than the stored one); the stored time is
    /// the later of the two.
    fn merge(&mut self, incoming: Self) {
        let stored_at = self.stored_at.max(incoming.stored_at);
        if incoming.signing_time >= self.signing_time {
            let old_chain = core::mem::take(&mut self.chain);
            *self = incoming;
            if self.chain.is_empty() {
                self.chain = old_chain;
            }
        } else if self.chain.is_empty() {
            self.chain = incoming.chain;
        }
        self.stored_at = stored_at;
    }
}

/// Why a store refused a change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The address has no [`normalize_address`] form.
    #[error("not an address a certificate can be stored under: {0:?}")]
    InvalidAddress(String),
    /// An implementation's storage failed.
    #[error("certificate store: {0}")]
    Backend(String),
}

/// Where certificates learnt from signed mail are kept, keyed by e-mail
/// address in its [`normalize_address`] form.
///
/// An address may have several certificates; one certificate (the same DER)
/// is kept once per address, updated when seen again.
pub trait CertificateStore {
    /// Stores `entry` under `address`. When the address already has the same
    /// certificate (the same DER), its record is updated: the one seen with
    /// the newer signing time gives the capabilities, signing time and
    /// preference; the stored time is the later one.
    fn insert(&mut self, address: &str, entry: StoredCertificate) -> Result<(), StoreError>;

    /// The records kept under `address` (none for an address that does not
    /// normalise).
    fn certificates_for(&self, address: &str) -> Vec<StoredCertificate>;

    /// Removes `certificate` (by DER) from `address`; whether it was there.
    fn remove(&mut self, address: &str, certificate: &Certificate) -> Result<bool, StoreError>;
}

/// A [`CertificateStore`] in memory, at most a fixed number of records per
/// address ([`MAX_CERTIFICATES_PER_ADDRESS`] unless set otherwise): an
/// insertion beyond it drops the least recently stored record of that
/// address (the earliest inserted among equal stored times).
#[derive(Debug, Clone)]
pub struct MemoryCertificateStore {
    entries: BTreeMap<String, Vec<StoredCertificate>>,
    per_address: usize,
}

impl Default for MemoryCertificateStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryCertificateStore {
    /// An empty store keeping [`MAX_CERTIFICATES_PER_ADDRESS`] records per address.
    pub fn new() -> Self {
        Self::with_limit(MAX_CERTIFICATES_PER_ADDRESS)
    }

    /// An empty store keeping at most `per_address` records per address
    /// (at least one).
    pub fn with_limit(per_address: usize) -> Self {
        Self {
            entries: BTreeMap::new(),
            per_address: per_address.max(1),
        }
    }

    /// The most records kept per address.
    pub fn limit(&self) -> usize {
        self.per_address
    }

    /// The addresses with records, as keys ([`normalize_address`] form), in order.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The number of records, over all addresses.
    pub fn len(&self) -> usize {
        self.entries.values().map(Vec::len).sum()
    }

    /// Whether no record is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every record of `address`; how many there were.
    pub fn remove_address(&mut self, address: &str) -> usize {
        normalize_address(address)
            .and_then(|key| self.entries.remove(&key))
            .map_or(0, |v| v.len())
    }
}

impl CertificateStore for MemoryCertificateStore {
    fn insert(&mut self, address: &str, entry: StoredCertificate) -> Result<(), StoreError> {
        let key =
            normalize_address(address).ok_or_else(|| StoreError::InvalidAddress(address.into()))?;
        let list = self.entries.entry(key).or_default();
        if let Some(existing) = list
            .iter_mut()
            .find(|e| e.certificate.der() == entry.certificate.der())
        {
            existing.merge(entry);
            return Ok(());
        }
        list.push(entry);
        while list.len() > self.per_address {
            // The least recently stored; the first of equals (the earliest inserted).
            let oldest = list
                .iter()
                .enumerate()
                .min_by_key(|(i, e)| (e.stored_at, *i))
                .map(|(i, _)| i);
            match oldest {
                Some(i) => {
                    list.remove(i);
                }
                None => break,
            }
        }
        Ok(())
    }

    fn certificates_for(&self, address: &str) -> Vec<StoredCertificate> {
        normalize_address(address)
            .and_then(|key| self.entries.get(&key))
            .cloned()
            .unwrap_or_default()
    }

    fn remove(&mut self, address: &str, certificate: &Certificate) -> Result<bool, StoreError> {
        let Some(key) = normalize_address(address) else {
            return Ok(false);
        };
        let Some(list) = self.entries.get_mut(&key) else {
            return Ok(false);
        };
        let before = list.len();
        list.retain(|e| e.certificate.der() != certificate.der());
        let removed = list.len() != before;
        if list.is_empty() {
            self.entries.remove(&key);
        }
        Ok(removed)
    }
}

/// The certificate chosen to encrypt to an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    /// The chosen record (certificate, capabilities to choose algorithms
    /// with, ...).
    pub entry: StoredCertificate,
    /// Its validated path, end entity first, anchor last.
    pub path: Vec<Certificate>,
    /// Chosen because SMIMEEncryptionKeyPreference named it (otherwise by
    /// signing time, then stored time).
    pub by_preference: bool,
    /// The address's other records that did not qualify, and why.
    pub rejected: Vec<Rejected>,
}

/// A stored certificate that does not qualify for encryption, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The certificate's subject (RFC 4514).
    pub subject: String,
    /// The certificate.
    pub certificate: Certificate,
    /// Why it does not qualify.
    pub reason: RejectReason,
}

impl core::fmt::Display for Rejected {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}", self.subject, self.reason)
    }
}

/// Why a stored certificate does not qualify for encryption.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RejectReason {
    /// None of its addresses is the address encrypted to.
    #[error("the certificate does not carry the address")]
    AddressMismatch,
    /// Its key is not one mail can be encrypted to (Ed25519, DSA, RSA-PSS, ...).
    #[error("its key ({algorithm}) cannot be encrypted to")]
    UnsupportedKey {
        /// The subjectPublicKeyInfo algorithm OID.
        algorithm: String,
    },
    /// Its keyUsage lacks the bit encryption needs (RFC 8550 §4.4.2).
    #[error("its key usage does not allow {needed}")]
    KeyUsage {
        /// The missing bit: keyEncipherment or keyAgreement.
        needed: &'static str,
    },
    /// Its keyUsage extension does not decode.
    #[error("its key usage extension is malformed")]
    MalformedKeyUsage,
    /// The time is before its notBefore.
    #[error("not yet valid")]
    NotYetValid,
    /// The time is after its notAfter.
    #[error("expired")]
    Expired,
    /// No path to any of the anchors.
    #[error("untrusted: no path to a trust anchor")]
    Untrusted(Option<PathError>),
    /// A path reached an anchor but does not validate.
    #[error("path invalid: {0}")]
    InvalidPath(PathError),
}

/// Why no certificate was selected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectError {
    /// The address has no [`normalize_address`] form.
    #[error("not an address a certificate can be selected for: {0:?}")]
    InvalidAddress(String),
    /// The store has no certificate for the address.
    #[error("no certificate stored for {0}")]
    NoCertificate(String),
    /// Certificates are stored, but none qualifies.
    #[error("no stored certificate for {address} can be encrypted to: {}", list(.rejected))]
    NoneQualified {
        /// The address.
        address: String,
        /// Every stored certificate, with why it does not qualify.
        rejected: Vec<Rejected>,
    },
}

fn list(rejected: &[Rejected]) -> String {
    rejected
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Picks the certificate to encrypt to `address` at `now` (unix seconds)
/// among the store's records (RFC 8551 §2.7, RFC 8550).
///
/// A record qualifies when its certificate carries the address
/// ([`certificate_email_addresses`], [`address_matches`]), its key can be
/// encrypted to (RSA with keyEncipherment, EC, X25519 or X448 with
/// keyAgreement, or no keyUsage extension), it is valid at `now`, and its
/// path through the record's chain validates to `anchors` at `now` with
/// `crls` and `options` ([`validate_path`](crate::validate_path), the end
/// entity's signing keyUsage bits excepted: an encryption-only certificate
/// lacks them). Among the qualifying records: one named by
/// SMIMEEncryptionKeyPreference, then the newest signing time (a record
/// without one is older than any with one), then the newest stored time.
pub fn select_encryption_certificate<S: CertificateStore + ?Sized>(
    store: &S,
    address: &str,
    anchors: &[Certificate],
    crls: &[Vec<u8>],
    now: u64,
    options: &ValidationOptions,
) -> Result<Selected, SelectError> {
    let Some(key) = normalize_address(address) else {
        return Err(SelectError::InvalidAddress(address.into()));
    };
    let entries = store.certificates_for(address);
    if entries.is_empty() {
        return Err(SelectError::NoCertificate(key));
    }
    let mut rejected = Vec::new();
    let mut best: Option<(StoredCertificate, Vec<Certificate>)> = None;
    for entry in entries {
        match qualify(&entry, address, anchors, crls, now, options) {
            Ok(path) => {
                let better = best.as_ref().is_none_or(|(b, _)| rank(&entry) > rank(b));
                if better {
                    best = Some((entry, path));
                }
            }
            Err(reason) => rejected.push(Rejected {
                subject: entry.certificate.subject_string(),
                certificate: entry.certificate,
                reason,
            }),
        }
    }
    match best {
        Some((entry, path)) => Ok(Selected {
            by_preference: entry.preferred,
            entry,
            path,
            rejected,
        }),
        None => Err(SelectError::NoneQualified {
            address: key,
            rejected,
        }),
    }
}

/// The order of preference among qualifying records.
fn rank(entry: &StoredCertificate) -> (bool, Option<u64>, u64) {
    (entry.preferred, entry.signing_time, entry.stored_at)
}

/// The validated path when `entry` qualifies for encryption to `address`.
fn qualify(
    entry: &StoredCertificate,
    address: &str,
    anchors: &[Certificate],
    crls: &[Vec<u8>],
    now: u64,
    options: &ValidationOptions,
) -> Result<Vec<Certificate>, RejectReason> {
    let cert = &entry.certificate;
    if !certificate_email_addresses(cert)
        .iter()
        .any(|mine| address_matches(address, mine))
    {
        return Err(RejectReason::AddressMismatch);
    }
    check_encryption_key(cert)?;
    let validity = cert.x509().tbs_certificate().validity();
    if now < validity.not_before.to_unix_duration().as_secs() {
        return Err(RejectReason::NotYetValid);
    }
    if now > validity.not_after.to_unix_duration().as_secs() {
        return Err(RejectReason::Expired);
    }
    let path = validate_encryption_path(cert, &entry.chain, anchors, crls, now, options);
    match (path.status, path.error) {
        (ChainStatus::Valid, _) => Ok(path.path),
        (ChainStatus::Invalid, Some(e)) => Err(RejectReason::InvalidPath(e)),
        (_, e) => Err(RejectReason::Untrusted(e)),
    }
}

/// Whether the certificate's key can be encrypted to: its algorithm, and
/// the keyUsage bit that algorithm needs (RFC 8550 §4.4.2).
fn check_encryption_key(cert: &Certificate) -> Result<(), RejectReason> {
    let tbs = cert.x509().tbs_certificate();
    let algorithm = tbs.subject_public_key_info().algorithm.oid;
    let (needed, allows): (&'static str, fn(&KeyUsage) -> bool) = match algorithm {
        RSA_ENCRYPTION | RSAES_OAEP => ("keyEncipherment", KeyUsage::key_encipherment),
        EC_PUBLIC_KEY | EC_DH | X25519 | X448 => ("keyAgreement", KeyUsage::key_agreement),
        other => {
            return Err(RejectReason::UnsupportedKey {
                algorithm: other.to_string(),
            });
        }
    };
    match tbs.get_extension::<KeyUsage>() {
        Ok(None) => Ok(()),
        Ok(Some((_, ku))) if allows(&ku) => Ok(()),
        Ok(Some(_)) => Err(RejectReason::KeyUsage { needed }),
        Err(_) => Err(RejectReason::MalformedKeyUsage),
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
    use crate::path::RevocationMode;
    use proptest::prelude::*;

    /// 2027-01-15: inside every test certificate's validity but `rsa_expired`'s.
    const NOW: u64 = 1_800_000_000;
    const ALICE: &str = "alice@store.example";

    fn cert(name: &str) -> Certificate {
        let der: &[u8] = match name {
            "ca" => include_bytes!("testdata/store/ca.der"),
            "other_ca" => include_bytes!("testdata/store/other_ca.der"),
            "rsa_dual" => include_bytes!("testdata/store/rsa_dual.der"),
            "rsa_enc" => include_bytes!("testdata/store/rsa_enc.der"),
            "rsa_sig" => include_bytes!("testdata/store/rsa_sig.der"),
            "rsa_noku" => include_bytes!("testdata/store/rsa_noku.der"),
            "ec_agree" => include_bytes!("testdata/store/ec_agree.der"),
            "ec_sig" => include_bytes!("testdata/store/ec_sig.der"),
            "ed_sig" => include_bytes!("testdata/store/ed_sig.der"),
            "rsa_expired" => include_bytes!("testdata/store/rsa_expired.der"),
            "rsa_untrusted" => include_bytes!("testdata/store/rsa_untrusted.der"),
            "rsa_tls" => include_bytes!("testdata/store/rsa_tls.der"),
            "bob" => include_bytes!("testdata/store/bob.der"),
            _ => panic!("{name}"),
        };
        Certificate::from_der(der).unwrap()
    }

    fn opts() -> ValidationOptions {
        ValidationOptions {
            revocation: RevocationMode::Off,
            ..ValidationOptions::default()
        }
    }

    fn entry(name: &str, signing_time: Option<u64>, preferred: bool) -> StoredCertificate {
        StoredCertificate {
            signing_time,
            preferred,
            ..StoredCertificate::new(cert(name), NOW)
        }
    }

    fn select(store: &MemoryCertificateStore) -> Result<Selected, SelectError> {
        select_encryption_certificate(store, ALICE, &[cert("ca")], &[], NOW, &opts())
    }

    fn subject_of(s: &Selected) -> String {
        s.entry.certificate.subject_string()
    }

    fn only_reason(name: &str) -> RejectReason {
        let mut store = MemoryCertificateStore::new();
        store.insert(ALICE, entry(name, Some(1), false)).unwrap();
        match select(&store) {
            Err(SelectError::NoneQualified { rejected, address }) => {
                assert_eq!(address, ALICE);
                assert_eq!(rejected.len(), 1);
                rejected[0].reason.clone()
            }
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn addresses_normalise_like_address_matches() {
        assert_eq!(
            normalize_address("alice@STORE.example.").as_deref(),
            Some(ALICE)
        );
        assert_eq!(
            normalize_address("Alice@store.example").as_deref(),
            Some("Alice@store.example")
        );
        assert_eq!(
            normalize_address("\"a@b\"@bücher.example").as_deref(),
            Some("a@b@xn--bcher-kva.example")
        );
        for bad in ["", "@x.example", "a@", "a@exa mple", "noat"] {
            assert_eq!(normalize_address(bad), None, "{bad}");
        }
        let mut store = MemoryCertificateStore::new();
        store
            .insert("alice@STORE.Example", entry("rsa_dual", None, false))
            .unwrap();
        assert_eq!(store.certificates_for(ALICE).len(), 1);
        assert_eq!(store.certificates_for("\"alice\"@store.example").len(), 1);
        // The local part is exact.
        assert!(store.certificates_for("Alice@store.example").is_empty());
        assert_eq!(
            store.insert("nobody", entry("rsa_dual", None, false)),
            Err(StoreError::InvalidAddress("nobody".into()))
        );
        assert_eq!(
            select_encryption_certificate(&store, "nobody", &[], &[], NOW, &opts()),
            Err(SelectError::InvalidAddress("nobody".into()))
        );
    }

    #[test]
    fn qualifying_certificates() {
        // Dual use, encryption only, no keyUsage, EC keyAgreement.
        for name in ["rsa_dual", "rsa_enc", "rsa_noku", "ec_agree"] {
            let mut store = MemoryCertificateStore::new();
            store.insert(ALICE, entry(name, Some(1), false)).unwrap();
            let s = select(&store).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(subject_of(&s).contains(name), "{name}");
            assert_eq!(s.path.len(), 2, "end entity and anchor");
            assert!(s.rejected.is_empty());
            assert!(!s.by_preference);
        }
    }

    #[test]
    fn encryption_only_certificates_validate_for_encryption_only() {
        // A signer's path asks for digitalSignature or nonRepudiation
        // (RFC 8550 §4.4.2); the encryption path does not.
        let anchors = [cert("ca")];
        let signing =
            crate::path::validate_path(&cert("rsa_enc"), &[], &anchors, &[], NOW, &opts());
        assert!(
            matches!(signing.error, Some(PathError::KeyUsage { .. })),
            "{signing:?}"
        );
        let encryption =
            validate_encryption_path(&cert("rsa_enc"), &[], &anchors, &[], NOW, &opts());
        assert_eq!(encryption.status, ChainStatus::Valid, "{encryption:?}");
        // Everything else is checked the same way (here the EKU rule).
        let tls = validate_encryption_path(&cert("rsa_tls"), &[], &anchors, &[], NOW, &opts());
        assert!(matches!(
            tls.error,
            Some(PathError::ExtendedKeyUsage { .. })
        ));
    }

    #[test]
    fn refusal_table() {
        let key_usage = |needed| RejectReason::KeyUsage { needed };
        assert_eq!(only_reason("rsa_sig"), key_usage("keyEncipherment"));
        assert_eq!(only_reason("ec_sig"), key_usage("keyAgreement"));
        assert_eq!(
            only_reason("ed_sig"),
            RejectReason::UnsupportedKey {
                algorithm: "1.3.101.112".into()
            }
        );
        assert_eq!(only_reason("rsa_expired"), RejectReason::Expired);
        assert!(matches!(
            only_reason("rsa_untrusted"),
            RejectReason::Untrusted(_)
        ));
        assert!(matches!(
            only_reason("rsa_tls"),
            RejectReason::InvalidPath(PathError::ExtendedKeyUsage { .. })
        ));
        // bob's certificate stored under alice's address does not carry it.
        assert_eq!(only_reason("bob"), RejectReason::AddressMismatch);
        // The CA itself, were it stored: no address.
        assert_eq!(only_reason("ca"), RejectReason::AddressMismatch);
        // Before notBefore.
        let mut store = MemoryCertificateStore::new();
        store.insert(ALICE, entry("rsa_dual", None, false)).unwrap();
        let r = select_encryption_certificate(&store, ALICE, &[cert("ca")], &[], 0, &opts());
        let Err(SelectError::NoneQualified { rejected, .. }) = r else {
            panic!("{r:?}")
        };
        assert_eq!(rejected[0].reason, RejectReason::NotYetValid);
        // Without the anchor.
        let r = select_encryption_certificate(&store, ALICE, &[], &[], NOW, &opts());
        let Err(SelectError::NoneQualified { rejected, .. }) = r else {
            panic!("{r:?}")
        };
        assert!(matches!(rejected[0].reason, RejectReason::Untrusted(_)));
        // Nothing stored.
        assert_eq!(
            select(&MemoryCertificateStore::new()),
            Err(SelectError::NoCertificate(ALICE.into()))
        );
    }

    #[test]
    fn every_reason_is_reported_when_none_qualifies() {
        let mut store = MemoryCertificateStore::new();
        for name in ["rsa_sig", "rsa_expired", "rsa_untrusted", "bob"] {
            store.insert(ALICE, entry(name, Some(5), true)).unwrap();
        }
        let e = select(&store).unwrap_err();
        let SelectError::NoneQualified { rejected, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(rejected.len(), 4);
        let text = e.to_string();
        for part in ["rsa_sig", "keyEncipherment", "expired", "untrusted", "bob"] {
            assert!(text.contains(part), "{part}: {text}");
        }
    }

    #[test]
    fn preference_wins_over_a_newer_signing_time() {
        let mut store = MemoryCertificateStore::new();
        store
            .insert(ALICE, entry("rsa_dual", Some(300), false))
            .unwrap();
        store
            .insert(ALICE, entry("rsa_enc", Some(100), true))
            .unwrap();
        store
            .insert(ALICE, entry("ec_agree", Some(200), false))
            .unwrap();
        let s = select(&store).unwrap();
        assert!(subject_of(&s).contains("rsa_enc"));
        assert!(s.by_preference);
        // Of two preferred, the newer signing time.
        store
            .insert(ALICE, entry("rsa_noku", Some(150), true))
            .unwrap();
        assert!(subject_of(&select(&store).unwrap()).contains("rsa_noku"));
        // A preferred certificate that does not qualify does not win.
        store
            .insert(ALICE, entry("rsa_sig", Some(900), true))
            .unwrap();
        let s = select(&store).unwrap();
        assert!(subject_of(&s).contains("rsa_noku"));
        assert_eq!(s.rejected.len(), 1);
    }

    #[test]
    fn newest_signing_time_then_stored_time_wins() {
        let mut store = MemoryCertificateStore::new();
        store
            .insert(ALICE, entry("rsa_dual", Some(100), false))
            .unwrap();
        store
            .insert(ALICE, entry("rsa_enc", Some(200), false))
            .unwrap();
        store.insert(ALICE, entry("rsa_noku", None, false)).unwrap();
        // Skipped ones do not count, however new.
        store
            .insert(ALICE, entry("rsa_expired", Some(999), false))
            .unwrap();
        store
            .insert(ALICE, entry("rsa_untrusted", Some(999), false))
            .unwrap();
        store
            .insert(ALICE, entry("rsa_sig", Some(999), false))
            .unwrap();
        let s = select(&store).unwrap();
        assert!(subject_of(&s).contains("rsa_enc"));
        assert_eq!(s.rejected.len(), 3);
        // Equal signing times: the later stored.
        let mut store = MemoryCertificateStore::new();
        let mut a = entry("rsa_dual", Some(100), false);
        a.stored_at = NOW + 5;
        store.insert(ALICE, a).unwrap();
        store
            .insert(ALICE, entry("rsa_enc", Some(100), false))
            .unwrap();
        assert!(subject_of(&select(&store).unwrap()).contains("rsa_dual"));
    }

    #[test]
    fn a_stored_chain_confers_no_trust() {
        // The issuing CA stored as the chain: with another anchor, still
        // untrusted; with the CA as anchor, valid.
        let mut store = MemoryCertificateStore::new();
        let mut e = entry("rsa_dual", None, false);
        e.chain = alloc::vec![cert("ca")];
        store.insert(ALICE, e).unwrap();
        let r =
            select_encryption_certificate(&store, ALICE, &[cert("other_ca")], &[], NOW, &opts());
        assert!(matches!(r, Err(SelectError::NoneQualified { .. })), "{r:?}");
        let s = select(&store).unwrap();
        assert_eq!(s.path.len(), 2);
    }

    #[test]
    fn reinsert_updates_the_record() {
        let mut store = MemoryCertificateStore::new();
        let mut first = entry("rsa_dual", Some(200), true);
        first.chain = alloc::vec![cert("ca")];
        store.insert(ALICE, first).unwrap();
        // Seen again with an older message, stored later: the newer
        // signing time's data stays, the stored time moves.
        let mut older = entry("rsa_dual", Some(100), false);
        older.stored_at = NOW + 10;
        store.insert(ALICE, older).unwrap();
        let got = store.certificates_for(ALICE);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].signing_time, Some(200));
        assert!(got[0].preferred);
        assert_eq!(got[0].stored_at, NOW + 10);
        assert_eq!(got[0].chain.len(), 1);
        // A newer message replaces capabilities, time and preference, and
        // keeps the chain when it brings none.
        let mut newer = entry("rsa_dual", Some(300), false);
        newer.capabilities = alloc::vec![SmimeCapability {
            capability_id: ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.46"),
            parameters: None,
        }];
        store.insert(ALICE, newer).unwrap();
        let got = store.certificates_for(ALICE);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].signing_time, Some(300));
        assert!(!got[0].preferred);
        assert_eq!(got[0].capabilities.len(), 1);
        assert_eq!(got[0].chain.len(), 1);
        assert_eq!(got[0].stored_at, NOW + 10);
        // No signing time is older than any.
        store.insert(ALICE, entry("rsa_dual", None, true)).unwrap();
        assert_eq!(store.certificates_for(ALICE)[0].signing_time, Some(300));
        assert!(!store.certificates_for(ALICE)[0].preferred);
    }

    #[test]
    fn several_per_address_and_the_cap() {
        let names = ["rsa_dual", "rsa_enc", "rsa_noku", "ec_agree", "rsa_sig"];
        let mut store = MemoryCertificateStore::with_limit(3);
        assert_eq!(store.limit(), 3);
        for (i, name) in names.iter().enumerate() {
            let mut e = entry(name, None, false);
            e.stored_at = NOW + i as u64;
            store.insert(ALICE, e).unwrap();
        }
        store
            .insert("bob@store.example", entry("bob", None, false))
            .unwrap();
        let kept: Vec<String> = store
            .certificates_for(ALICE)
            .iter()
            .map(|e| e.certificate.subject_string())
            .collect();
        assert_eq!(kept.len(), 3, "{kept:?}");
        // The two least recently stored were dropped.
        assert!(
            kept.iter()
                .all(|s| !s.contains("rsa_dual") && !s.contains("rsa_enc"))
        );
        assert_eq!(store.len(), 4);
        assert_eq!(
            store.addresses().collect::<Vec<_>>(),
            ["alice@store.example", "bob@store.example"]
        );
        // An update refreshes the stored time: rsa_noku is then kept.
        let mut again = entry("rsa_noku", None, false);
        again.stored_at = NOW + 100;
        store.insert(ALICE, again).unwrap();
        let mut back = entry("rsa_enc", None, false);
        back.stored_at = NOW + 50;
        store.insert(ALICE, back).unwrap();
        let kept: Vec<String> = store
            .certificates_for(ALICE)
            .iter()
            .map(|e| e.certificate.subject_string())
            .collect();
        assert_eq!(kept.len(), 3, "{kept:?}");
        assert!(kept.iter().any(|s| s.contains("rsa_noku")), "{kept:?}");
        assert!(kept.iter().any(|s| s.contains("rsa_enc")), "{kept:?}");
        assert!(kept.iter().all(|s| !s.contains("ec_agree")), "{kept:?}");
        assert_eq!(
            MemoryCertificateStore::new().limit(),
            MAX_CERTIFICATES_PER_ADDRESS
        );
        assert_eq!(MemoryCertificateStore::with_limit(0).limit(), 1);
        // The default cap.
        let mut store = MemoryCertificateStore::default();
        for i in 0..40u64 {
            let mut e = entry(names[(i % 5) as usize], None, false);
            e.stored_at = i;
            store.insert(ALICE, e).unwrap();
        }
        assert_eq!(store.certificates_for(ALICE).len(), 5, "same DER updates");
    }

    #[test]
    fn remove() {
        let mut store = MemoryCertificateStore::new();
        store.insert(ALICE, entry("rsa_dual", None, false)).unwrap();
        store.insert(ALICE, entry("rsa_enc", None, false)).unwrap();
        assert!(
            store
                .remove("alice@STORE.example", &cert("rsa_dual"))
                .unwrap()
        );
        assert!(!store.remove(ALICE, &cert("rsa_dual")).unwrap());
        assert!(!store.remove("nobody", &cert("rsa_dual")).unwrap());
        assert_eq!(store.certificates_for(ALICE).len(), 1);
        assert!(store.remove(ALICE, &cert("rsa_enc")).unwrap());
        assert!(store.is_empty());
        store.insert(ALICE, entry("rsa_enc", None, false)).unwrap();
        assert_eq!(store.remove_address("alice@store.EXAMPLE"), 1);
        assert_eq!(store.remove_address(ALICE), 0);
        assert!(store.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn keys_agree_with_address_matches(
            a in "[aA\"\\\\@.é ]{0,4}@[xX.é-]{0,4}",
            b in "[aA\"\\\\@.é ]{0,4}@[xX.é-]{0,4}",
        ) {
            let (ka, kb) = (normalize_address(&a), normalize_address(&b));
            prop_assert_eq!(address_matches(&a, &b), ka.is_some() && ka == kb);
        }

        #[test]
        fn arbitrary_addresses_never_panic(address in "\\PC{0,40}") {
            let mut store = MemoryCertificateStore::with_limit(2);
            let _ = normalize_address(&address);
            if store.insert(&address, entry("rsa_dual", None, false)).is_ok() {
                prop_assert_eq!(store.certificates_for(&address).len(), 1);
            }
            let _ = select_encryption_certificate(&store, &address, &[cert("ca")], &[], NOW, &opts());
            let _ = store.remove(&address, &cert("rsa_dual"));
        }

        #[test]
        fn mutated_certificates_never_panic(
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
            name in prop::sample::select(vec!["rsa_dual", "ec_agree", "rsa_sig", "rsa_noku"]),
        ) {
            let mut der = cert(name).der().to_vec();
            for (at, b) in edits {
                let i = at % der.len();
                der[i] = b;
            }
            if let Ok(c) = Certificate::from_der(&der) {
                let mut store = MemoryCertificateStore::new();
                store.insert(ALICE, StoredCertificate::new(c, NOW)).unwrap();
                let _ = select(&store);
            }
        }

        #[test]
        fn the_cap_holds(ops in proptest::collection::vec((0usize..6, 0u64..50, any::<bool>()), 0..40)) {
            let names = ["rsa_dual", "rsa_enc", "rsa_noku", "ec_agree", "rsa_sig", "bob"];
            let mut store = MemoryCertificateStore::with_limit(3);
            for (n, t, remove) in ops {
                if remove {
                    let _ = store.remove(ALICE, &cert(names[n]));
                } else {
                    let mut e = entry(names[n], Some(t), t % 2 == 0);
                    e.stored_at = t;
                    store.insert(ALICE, e).unwrap();
                }
                let got = store.certificates_for(ALICE);
                prop_assert!(got.len() <= 3);
                for (i, e) in got.iter().enumerate() {
                    prop_assert!(got.iter().skip(i + 1).all(|f| f.certificate != e.certificate));
                }
            }
        }
    }
}
