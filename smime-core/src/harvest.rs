//! Harvesting certificates from verified signed mail (RFC 8551 §2.5.3,
//! §2.7.1): the certificates a correspondent can be sent encrypted mail
//! with, learnt from their signed messages.
//!
//! [`harvest`] reads a [`VerifyReport`]; [`store_harvest`] puts what it found
//! into a [`CertificateStore`].
//!
//! Only a *verified* signer is harvested: a valid signature, a chain valid to
//! the caller's anchors, and a certificate bound to the message's sender.
//! Taking anything else would let whoever can send mail plant a certificate
//! under someone else's address: mail to that address would then be
//! encrypted to the planter's key.

use alloc::string::String;
use alloc::vec::Vec;

use x509_cert::ext::pkix::SubjectKeyIdentifier;

use crate::certificate::Certificate;
use crate::cms::EncryptionKeyPreference;
use crate::path::{ChainStatus, ValidationOptions, validate_encryption_path};
use crate::sender::{address_matches, certificate_email_addresses, normalized_address};
use crate::store::{CertificateStore, StoreError, StoredCertificate};
use crate::verify::VerifyReport;

/// What one verified signer of a message gives to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Harvested {
    /// The message's sender addresses (From, Sender) that the signer's
    /// certificate carries, as the message spells them, without duplicates
    /// (in the [`normalize_address`](crate::normalize_address) sense).
    pub addresses: Vec<String>,
    /// The signer's certificate, its chain (the validated path without the
    /// certificate and the anchor), the message's SMIMECapabilities and
    /// signing time, and whether SMIMEEncryptionKeyPreference named it.
    pub signer: StoredCertificate,
    /// Another certificate of the message that SMIMEEncryptionKeyPreference
    /// named as the one to encrypt to, when it validates to the same anchors
    /// at the same time and carries at least one of `addresses`.
    pub encryption: Option<StoredCertificate>,
}

/// What the verified signers of `report` give to store: one [`Harvested`]
/// per signer that [`is_verified`](crate::SignerReport::is_verified).
///
/// `report` is [`verify_message`](crate::verify_message)'s verdict made with
/// `anchors`; `anchors`, `crls`, `now` (unix seconds) and `options` also
/// validate the certificate that SMIMEEncryptionKeyPreference names when it
/// is not the signer's (found among the message's certificates by issuer
/// and serial number, or by subjectKeyIdentifier; its path is validated
/// with the message's certificates and the signer's path as intermediates,
/// the end entity's signing keyUsage bits excepted). `now` is also the
/// records' stored time.
///
/// A signer without a valid signature, without a valid chain to the
/// anchors (a self-signed certificate that is not an anchor, a certificate
/// from an unknown CA), or whose certificate is not bound to the sender
/// gives nothing: it would let anyone plant the certificate that mail to
/// another address is encrypted to.
pub fn harvest(
    report: &VerifyReport,
    anchors: &[Certificate],
    crls: &[Vec<u8>],
    now: u64,
    options: &ValidationOptions,
) -> Vec<Harvested> {
    let mut out = Vec::new();
    for signer in &report.signers {
        // Never an unverified, untrusted or self-signed-only signer: its
        // certificate would be chosen for mail to the address it claims,
        // and that mail would be readable by whoever made it.
        if !signer.is_verified() {
            continue;
        }
        let Some(cert) = &signer.certificate else {
            continue;
        };
        let addresses = sender_addresses_of(cert, &report.sender_addresses, &[]);
        if addresses.is_empty() {
            continue;
        }
        let attributes = signer.attributes.as_ref();
        let signing_time = attributes.and_then(|a| a.signing_time);
        let capabilities = attributes
            .map(|a| a.smime_capabilities.clone())
            .unwrap_or_default();
        let preference = attributes.and_then(|a| a.encryption_key_preference.as_ref());

        let signer_record = StoredCertificate {
            certificate: cert.clone(),
            chain: between(&signer.path),
            capabilities: capabilities.clone(),
            signing_time,
            preferred: preference.is_some_and(|p| names(p, cert)),
            stored_at: now,
        };
        let encryption = preference
            .filter(|_| !signer_record.preferred)
            .and_then(|p| {
                let named = report
                    .certificates
                    .iter()
                    .find(|c| c.der() != cert.der() && names(p, c))?;
                let intermediates: Vec<Certificate> = report
                    .certificates
                    .iter()
                    .chain(signer.path.iter().skip(1))
                    .cloned()
                    .collect();
                let path =
                    validate_encryption_path(named, &intermediates, anchors, crls, now, options);
                if path.status != ChainStatus::Valid {
                    return None;
                }
                // It must be the sender's too, not merely one the sender named.
                if sender_addresses_of(named, &report.sender_addresses, &addresses).is_empty() {
                    return None;
                }
                Some(StoredCertificate {
                    certificate: named.clone(),
                    chain: between(&path.path),
                    capabilities,
                    signing_time,
                    preferred: true,
                    stored_at: now,
                })
            });
        out.push(Harvested {
            addresses,
            signer: signer_record,
            encryption,
        });
    }
    out
}

/// Puts `harvested` into `store`: under every address, the signer's record,
/// and the preferred encryption certificate's under the addresses it
/// carries. Returns how many records were inserted or updated.
pub fn store_harvest<S: CertificateStore + ?Sized>(
    store: &mut S,
    harvested: &[Harvested],
) -> Result<usize, StoreError> {
    let mut count = 0usize;
    for h in harvested {
        for address in &h.addresses {
            store.insert(address, h.signer.clone())?;
            count = count.saturating_add(1);
            if let Some(enc) = &h.encryption
                && certificate_email_addresses(&enc.certificate)
                    .iter()
                    .any(|mine| address_matches(address, mine))
            {
                store.insert(address, enc.clone())?;
                count = count.saturating_add(1);
            }
        }
    }
    Ok(count)
}

/// The addresses of `senders` that `cert` carries, without duplicates; when
/// `within` is not empty, only those also among `within`.
fn sender_addresses_of(cert: &Certificate, senders: &[String], within: &[String]) -> Vec<String> {
    let mine = certificate_email_addresses(cert);
    let mut out: Vec<String> = Vec::new();
    let mut keys = Vec::new();
    for sender in senders {
        let Some(key) = normalized_address(sender) else {
            continue;
        };
        let carried = mine.iter().any(|m| address_matches(sender, m));
        let allowed = within.is_empty() || within.iter().any(|w| address_matches(sender, w));
        if carried && allowed && !keys.contains(&key) {
            keys.push(key);
            out.push(sender.clone());
        }
    }
    out
}

/// A path's certificates between the end entity and the anchor.
fn between(path: &[Certificate]) -> Vec<Certificate> {
    path.get(1..path.len().saturating_sub(1))
        .map(<[Certificate]>::to_vec)
        .unwrap_or_default()
}

/// Whether an SMIMEEncryptionKeyPreference names `cert`: by issuer and
/// serial number, or by subjectKeyIdentifier (RecipientKeyIdentifier,
/// subjectAltKeyIdentifier).
fn names(preference: &EncryptionKeyPreference, cert: &Certificate) -> bool {
    let tbs = cert.x509().tbs_certificate();
    match preference {
        EncryptionKeyPreference::IssuerAndSerialNumber { issuer, serial } => {
            tbs.issuer() == issuer && tbs.serial_number().as_bytes() == serial.as_bytes()
        }
        EncryptionKeyPreference::RecipientKeyId(rki) => ski_is(cert, &rki.subject_key_identifier),
        EncryptionKeyPreference::SubjectAltKeyIdentifier(id) => ski_is(cert, id),
    }
}

/// Whether the certificate's subjectKeyIdentifier is `id` (never for an
/// empty `id`).
fn ski_is(cert: &Certificate, id: &[u8]) -> bool {
    !id.is_empty()
        && matches!(
            cert.x509().tbs_certificate().get_extension::<SubjectKeyIdentifier>(),
            Ok(Some((_, ski))) if ski.0.as_bytes() == id
        )
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
    use crate::cms::RecipientKeyIdentifier;
    use crate::path::RevocationMode;
    use crate::store::{MemoryCertificateStore, select_encryption_certificate};
    use crate::verify::{SignatureStatus, TrustInputs, VerifyOptions, verify_message};
    use proptest::prelude::*;

    const NOW: u64 = 1_800_000_000;
    const MERCHANT: &str = "merchant@shop.example";

    fn der(name: &str) -> Certificate {
        let der: &[u8] = match name {
            "ca" => include_bytes!("testdata/store/ca.der"),
            "merchant_enc" => include_bytes!("testdata/store/merchant_enc.der"),
            "merchant_enc_untrusted" => {
                include_bytes!("testdata/store/merchant_enc_untrusted.der")
            }
            "bob" => include_bytes!("testdata/store/bob.der"),
            _ => panic!("{name}"),
        };
        Certificate::from_der(der).unwrap()
    }

    fn anchors() -> Vec<Certificate> {
        let mut a = Certificate::from_pem(include_bytes!("../samples/ca.pem")).unwrap();
        a.push(der("ca"));
        a
    }

    fn opts() -> ValidationOptions {
        ValidationOptions {
            revocation: RevocationMode::Off,
            ..ValidationOptions::default()
        }
    }

    fn report() -> VerifyReport {
        let anchors = anchors();
        let trust = TrustInputs {
            anchors: &anchors,
            certificates: &[],
            crls: &[],
        };
        let r = verify_message(
            include_bytes!("../samples/signed-rsa.eml"),
            &trust,
            NOW,
            &VerifyOptions::default(),
        )
        .unwrap();
        assert!(r.verified);
        r
    }

    /// The sample report, its signer naming `preference` and the message
    /// carrying `extra`.
    fn with_preference(preference: EncryptionKeyPreference, extra: &[Certificate]) -> VerifyReport {
        let mut r = report();
        r.signers[0]
            .attributes
            .as_mut()
            .unwrap()
            .encryption_key_preference = Some(preference);
        r.certificates.extend_from_slice(extra);
        r
    }

    fn by_issuer_serial(c: &Certificate) -> EncryptionKeyPreference {
        let tbs = c.x509().tbs_certificate();
        EncryptionKeyPreference::IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial: tbs.serial_number().clone(),
        }
    }

    fn ski(c: &Certificate) -> Vec<u8> {
        let (_, s) = c
            .x509()
            .tbs_certificate()
            .get_extension::<SubjectKeyIdentifier>()
            .unwrap()
            .unwrap();
        s.0.as_bytes().to_vec()
    }

    #[test]
    fn a_verified_signer_is_harvested() {
        let r = report();
        let h = harvest(&r, &anchors(), &[], NOW, &opts());
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].addresses, [MERCHANT]);
        let s = &h[0].signer;
        assert_eq!(Some(&s.certificate), r.signers[0].certificate.as_ref());
        assert!(s.chain.is_empty(), "issued by the anchor directly");
        assert!(
            !s.capabilities.is_empty(),
            "OpenSSL sends SMIMECapabilities"
        );
        assert_eq!(
            s.signing_time,
            r.signers[0].attributes.as_ref().unwrap().signing_time
        );
        assert!(!s.preferred);
        assert_eq!(s.stored_at, NOW);
        assert_eq!(h[0].encryption, None);
    }

    #[test]
    fn unverified_signers_give_nothing() {
        let base = report();
        let mut bad_signature = base.clone();
        bad_signature.signers[0].signature = SignatureStatus::Invalid;
        let mut untrusted = base.clone();
        untrusted.signers[0].chain = ChainStatus::Untrusted;
        let mut invalid = base.clone();
        invalid.signers[0].chain = ChainStatus::Invalid;
        let mut no_sender = base.clone();
        no_sender.signers[0].sender_match = false;
        let mut other_sender = base.clone();
        other_sender.sender_addresses = alloc::vec!["someone@else.example".into()];
        let mut no_certificate = base;
        no_certificate.signers[0].certificate = None;
        for (what, r) in [
            ("signature", bad_signature),
            ("untrusted", untrusted),
            ("invalid", invalid),
            ("sender", no_sender),
            ("other sender", other_sender),
            ("certificate", no_certificate),
        ] {
            assert!(
                harvest(&r, &anchors(), &[], NOW, &opts()).is_empty(),
                "{what}"
            );
        }
    }

    #[test]
    fn preferred_encryption_certificate_by_each_identifier() {
        let enc = der("merchant_enc");
        for preference in [
            by_issuer_serial(&enc),
            EncryptionKeyPreference::RecipientKeyId(RecipientKeyIdentifier {
                subject_key_identifier: ski(&enc),
                date: None,
                other: None,
            }),
            EncryptionKeyPreference::SubjectAltKeyIdentifier(ski(&enc)),
        ] {
            let r = with_preference(preference.clone(), core::slice::from_ref(&enc));
            let h = harvest(&r, &anchors(), &[], NOW, &opts());
            assert_eq!(h.len(), 1);
            let e = h[0]
                .encryption
                .as_ref()
                .unwrap_or_else(|| panic!("{preference:?}"));
            assert_eq!(e.certificate, enc);
            assert!(e.preferred);
            assert_eq!(e.signing_time, h[0].signer.signing_time);
            assert_eq!(e.capabilities, h[0].signer.capabilities);
            assert!(!h[0].signer.preferred);

            // Stored and selected: the preference wins over the signer's
            // own certificate, whether or not that one could be encrypted
            // to (it depends on the samples' keyUsage), even when the
            // signer's record is seen again with a newer signing time.
            let mut store = MemoryCertificateStore::new();
            assert_eq!(store_harvest(&mut store, &h).unwrap(), 2);
            assert_eq!(store.certificates_for(MERCHANT).len(), 2);
            let mut newer = h[0].signer.clone();
            newer.signing_time = newer.signing_time.map(|t| t + 60);
            store.insert(MERCHANT, newer).unwrap();
            let s = select_encryption_certificate(&store, MERCHANT, &anchors(), &[], NOW, &opts())
                .unwrap();
            assert_eq!(s.entry.certificate, enc);
            assert!(s.by_preference);
            assert!(s.rejected.len() <= 1);
        }
    }

    #[test]
    fn preference_naming_the_signer_marks_it() {
        let r = report();
        let signer = r.signers[0].certificate.clone().unwrap();
        let r = with_preference(by_issuer_serial(&signer), &[]);
        let h = harvest(&r, &anchors(), &[], NOW, &opts());
        assert!(h[0].signer.preferred);
        assert_eq!(h[0].encryption, None);
    }

    #[test]
    fn preferred_certificate_must_validate_and_be_the_senders() {
        // Named but not carried by the message.
        let enc = der("merchant_enc");
        let r = with_preference(by_issuer_serial(&enc), &[]);
        let h = harvest(&r, &anchors(), &[], NOW, &opts());
        assert_eq!(h.len(), 1, "the signer is still harvested");
        assert_eq!(h[0].encryption, None);
        // From a CA that is not an anchor.
        let untrusted = der("merchant_enc_untrusted");
        let r = with_preference(
            by_issuer_serial(&untrusted),
            core::slice::from_ref(&untrusted),
        );
        assert_eq!(
            harvest(&r, &anchors(), &[], NOW, &opts())[0].encryption,
            None
        );
        // Valid, but without the sender's address.
        let bob = der("bob");
        let r = with_preference(by_issuer_serial(&bob), core::slice::from_ref(&bob));
        assert_eq!(
            harvest(&r, &anchors(), &[], NOW, &opts())[0].encryption,
            None
        );
        // Expired by the time of validation.
        let r = with_preference(by_issuer_serial(&enc), core::slice::from_ref(&enc));
        // (The signer's verdict is the report's; only the named one is
        // validated again.)
        let later = NOW + 20 * 365 * 86_400;
        assert_eq!(
            harvest(&r, &anchors(), &[], later, &opts())[0].encryption,
            None
        );
        // An empty key identifier names nothing.
        let r = with_preference(
            EncryptionKeyPreference::SubjectAltKeyIdentifier(Vec::new()),
            core::slice::from_ref(&enc),
        );
        assert_eq!(
            harvest(&r, &anchors(), &[], NOW, &opts())[0].encryption,
            None
        );
    }

    #[test]
    fn addresses_are_the_senders_the_certificate_carries() {
        let mut r = report();
        r.sender_addresses = alloc::vec![
            "other@shop.example".into(),
            "merchant@SHOP.example".into(),
            "\"merchant\"@shop.example".into(),
        ];
        let h = harvest(&r, &anchors(), &[], NOW, &opts());
        assert_eq!(h[0].addresses, ["merchant@SHOP.example"]);
    }

    #[test]
    fn between_never_panics() {
        let c = der("ca");
        assert!(between(&[]).is_empty());
        assert!(between(core::slice::from_ref(&c)).is_empty());
        assert!(between(&[c.clone(), c.clone()]).is_empty());
        assert_eq!(between(&[c.clone(), c.clone(), c.clone()]).len(), 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_senders_and_preferences_never_panic(
            senders in proptest::collection::vec("\\PC{0,30}", 0..4),
            key_id in proptest::collection::vec(any::<u8>(), 0..24),
        ) {
            let mut r = with_preference(
                EncryptionKeyPreference::SubjectAltKeyIdentifier(key_id),
                &[der("merchant_enc"), der("bob")],
            );
            r.sender_addresses = senders;
            for h in harvest(&r, &anchors(), &[], NOW, &opts()) {
                prop_assert!(!h.addresses.is_empty());
                let mut store = MemoryCertificateStore::new();
                store_harvest(&mut store, &[h]).unwrap();
            }
        }
    }
}
