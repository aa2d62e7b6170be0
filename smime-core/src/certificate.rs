//! An X.509 certificate as received: its exact DER bytes kept beside the
//! decoded form, so that signatures are checked over the bytes that were
//! signed (a re-encoding could differ from a sender's non-canonical DER).

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use der::{Decode, DecodePem};

/// The largest certificate accepted, in bytes. Real ones are a few KiB;
/// the cap keeps a hostile message from making us decode megabytes per entry.
pub const MAX_CERTIFICATE_SIZE: usize = 64 * 1024;

/// A decoded X.509 certificate with its received DER encoding.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Range<usize>,
    inner: x509_cert::Certificate,
}

impl core::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject_string())
            .finish()
    }
}

/// Why bytes are not a certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// Larger than [`MAX_CERTIFICATE_SIZE`].
    #[error("certificate larger than {MAX_CERTIFICATE_SIZE} bytes")]
    TooLarge,
    /// Not DER, or not the X.509 structure.
    #[error("malformed certificate: {0}")]
    Malformed(String),
    /// PEM text without any CERTIFICATE block, or a block that does not decode.
    #[error("malformed PEM: {0}")]
    Pem(String),
}

impl Certificate {
    /// Decodes one DER certificate. Trailing bytes are an error.
    pub fn from_der(der: &[u8]) -> Result<Self, CertificateError> {
        if der.len() > MAX_CERTIFICATE_SIZE {
            return Err(CertificateError::TooLarge);
        }
        let inner = x509_cert::Certificate::from_der(der)
            .map_err(|e| CertificateError::Malformed(alloc::format!("{e}")))?;
        let tbs = tbs_range(der)
            .ok_or_else(|| CertificateError::Malformed("cannot locate tbsCertificate".into()))?;
        Ok(Self {
            der: der.to_vec(),
            tbs,
            inner,
        })
    }

    /// Every `CERTIFICATE` block of a PEM text, in order.
    pub fn from_pem(text: &[u8]) -> Result<Vec<Self>, CertificateError> {
        let text = core::str::from_utf8(text)
            .map_err(|_| CertificateError::Pem("not UTF-8 text".into()))?;
        let mut out = Vec::new();
        let mut rest = text;
        const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
        const END: &str = "-----END CERTIFICATE-----";
        while let Some(start) = rest.find(BEGIN) {
            let after = rest.get(start..).unwrap_or_default();
            let Some(end) = after.find(END) else {
                return Err(CertificateError::Pem(
                    "BEGIN CERTIFICATE without END".into(),
                ));
            };
            let block = after.get(..end + END.len()).unwrap_or_default();
            let cert = x509_cert::Certificate::from_pem(block)
                .map_err(|e| CertificateError::Pem(alloc::format!("{e}")))?;
            let der = der::Encode::to_der(&cert)
                .map_err(|e| CertificateError::Pem(alloc::format!("{e}")))?;
            // PEM carries base64 of the DER; decoding it ourselves keeps the
            // received bytes rather than a re-encoding.
            let body: String = block
                .lines()
                .filter(|l| !l.starts_with("-----") && !l.contains(':'))
                .collect();
            let raw = base64_decode(&body).unwrap_or(der);
            out.push(Self::from_der(&raw)?);
            rest = after.get(end + END.len()..).unwrap_or_default();
        }
        if out.is_empty() {
            return Err(CertificateError::Pem("no CERTIFICATE block".into()));
        }
        Ok(out)
    }

    /// PEM or DER, told apart by content: PEM when the text holds a
    /// `-----BEGIN CERTIFICATE-----` line.
    pub fn from_pem_or_der(bytes: &[u8]) -> Result<Vec<Self>, CertificateError> {
        if bytes
            .windows(27)
            .any(|w| w == b"-----BEGIN CERTIFICATE-----")
        {
            Self::from_pem(bytes)
        } else {
            Self::from_der(bytes).map(|c| alloc::vec![c])
        }
    }

    /// The received DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The received DER encoding of `tbsCertificate`: what the issuer signed.
    pub fn tbs_der(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    /// The decoded certificate.
    pub fn x509(&self) -> &x509_cert::Certificate {
        &self.inner
    }

    /// The subject as an RFC 4514 string.
    pub fn subject_string(&self) -> String {
        alloc::format!("{}", self.inner.tbs_certificate().subject())
    }

    /// The issuer as an RFC 4514 string.
    pub fn issuer_string(&self) -> String {
        alloc::format!("{}", self.inner.tbs_certificate().issuer())
    }
}

fn base64_decode(body: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()
}

/// Reads one DER header at `at`: the position of the contents and their length.
pub(crate) fn der_header(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let first = *bytes.get(at.checked_add(1)?)?;
    let mut pos = at.checked_add(2)?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for _ in 0..n {
            len = (len << 8) | usize::from(*bytes.get(pos)?);
            pos += 1;
        }
        len
    };
    Some((pos, len))
}

/// The range of `tbsCertificate` (tag, length and contents) inside a
/// certificate's DER.
fn tbs_range(der: &[u8]) -> Option<Range<usize>> {
    let (inner, _) = der_header(der, 0)?;
    let (contents, len) = der_header(der, inner)?;
    let end = contents.checked_add(len)?;
    (end <= der.len()).then_some(inner..end)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::disallowed_methods,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]
    use super::*;

    fn vectors() -> Option<std::path::PathBuf> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/smime");
        dir.is_dir().then_some(dir)
    }

    #[test]
    fn tbs_bytes_are_the_signed_part() {
        let Some(dir) = vectors() else {
            eprintln!("skipped: ../shared/vectors absent");
            return;
        };
        let pem = std::fs::read(dir.join("rfc9216/lamps-alice.crt")).unwrap();
        let certs = Certificate::from_pem_or_der(&pem).unwrap();
        assert_eq!(certs.len(), 1);
        let cert = &certs[0];
        let tbs = der::Encode::to_der(cert.x509().tbs_certificate()).unwrap();
        assert_eq!(cert.tbs_der(), &tbs[..]);
        assert!(
            cert.subject_string().contains("Alice"),
            "{}",
            cert.subject_string()
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(Certificate::from_der(b"\x30\x03\x02\x01").is_err());
        assert!(Certificate::from_pem(b"hello").is_err());
        assert!(Certificate::from_pem_or_der(b"").is_err());
    }
}
