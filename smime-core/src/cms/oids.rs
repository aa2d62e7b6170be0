//! Object identifiers used by the CMS layer.

use der::asn1::ObjectIdentifier as Oid;

/// id-data (RFC 5652 §4).
pub(crate) const ID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
/// id-signedData (RFC 5652 §5).
pub(crate) const ID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
/// id-envelopedData (RFC 5652 §6).
pub(crate) const ID_ENVELOPED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.3");
/// id-ct-authEnvelopedData (RFC 5083).
pub(crate) const ID_AUTH_ENVELOPED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.23");
/// id-ct-compressedData (RFC 3274).
pub(crate) const ID_COMPRESSED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.9");

/// id-contentType (RFC 5652 §11.1).
pub(crate) const ID_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
/// id-messageDigest (RFC 5652 §11.2).
pub(crate) const ID_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
/// id-signingTime (RFC 5652 §11.3).
pub(crate) const ID_SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
/// id-countersignature (RFC 5652 §11.4): never a signed attribute.
pub(crate) const ID_COUNTERSIGNATURE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.6");
/// smimeCapabilities (RFC 8551 §2.5.2).
pub(crate) const ID_SMIME_CAPABILITIES: Oid = Oid::new_unwrap("1.2.840.113549.1.9.15");
/// id-aa-encrypKeyPref (RFC 8551 §2.5.3).
pub(crate) const ID_ENCRYP_KEY_PREF: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.11");
/// id-aa-receiptRequest (RFC 2634 §2.7).
pub(crate) const ID_RECEIPT_REQUEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.1");
/// id-aa-signingCertificate (RFC 2634 §5.4).
pub(crate) const ID_SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
/// id-aa-signingCertificateV2 (RFC 5035 §3).
pub(crate) const ID_SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// id-sha256, the default hash of ESSCertIDv2.
pub(crate) const ID_SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
/// id-sha512 (RFC 8419: the digest of Ed25519 signers with signed attributes).
pub(crate) const ID_SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
/// id-Ed25519 (RFC 8410).
pub(crate) const ID_ED25519: Oid = Oid::new_unwrap("1.3.101.112");
/// id-ce-subjectKeyIdentifier (RFC 5280 §4.2.1.2).
pub(crate) const ID_CE_SUBJECT_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.14");
