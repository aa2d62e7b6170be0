//! CMS SignedData (RFC 5652 §5): decoding (DER or BER) with the received
//! bytes kept where signatures cover them, signed attributes, and the check
//! of one SignerInfo's signature.

mod attributes;
pub(crate) mod ber;
mod content_info;
mod error;
pub(crate) mod oids;
mod signed_data;
mod signer_info;
mod verify_signer;

pub use attributes::{
    EncryptionKeyPreference, EssCertId, EssCertIdV2, IssuerSerial, ReceiptRequest, ReceiptsFrom,
    RecipientKeyIdentifier, SignedAttributes, SigningCertificate, SigningCertificateV2,
    SmimeCapability,
};
pub use content_info::{ContentKind, content_kind};
pub use error::{CmsError, SignerError};
pub use signed_data::{
    MAX_ATTRIBUTES, MAX_CERTIFICATES, MAX_CMS_SIZE, MAX_CRLS, MAX_SIGNER_INFOS, SignedData,
};
pub use signer_info::{SignerId, SignerInfo};
