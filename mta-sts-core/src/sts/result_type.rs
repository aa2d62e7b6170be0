//! The TLS-RPT result types (RFC 8460 §4.3) that MTA-STS decisions produce.
//!
//! A small enum of this module's own, so that MTA-STS does not depend on the
//! report types; [`ResultType::as_str`] gives the registered word.

/// A failure to record in a TLS report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResultType {
    /// `starttls-not-supported`: the MX did not offer STARTTLS, or it failed.
    StartTlsNotSupported,
    /// `certificate-host-mismatch`: the certificate does not name the MX host.
    CertificateHostMismatch,
    /// `certificate-expired`.
    CertificateExpired,
    /// `certificate-not-trusted`: no chain to a trusted root.
    CertificateNotTrusted,
    /// `validation-failure`: any other failure, including an MX host that the
    /// policy does not list.
    ValidationFailure,
    /// `tlsa-invalid` (DANE).
    TlsaInvalid,
    /// `dnssec-invalid` (DANE).
    DnssecInvalid,
    /// `dane-required` (DANE).
    DaneRequired,
    /// `sts-policy-fetch-error`: the policy could not be fetched.
    StsPolicyFetchError,
    /// `sts-policy-invalid`: the fetched policy is not valid.
    StsPolicyInvalid,
    /// `sts-webpki-invalid`: the policy host's certificate did not validate.
    StsWebpkiInvalid,
}

impl ResultType {
    /// The RFC 8460 word.
    pub fn as_str(self) -> &'static str {
        match self {
            ResultType::StartTlsNotSupported => "starttls-not-supported",
            ResultType::CertificateHostMismatch => "certificate-host-mismatch",
            ResultType::CertificateExpired => "certificate-expired",
            ResultType::CertificateNotTrusted => "certificate-not-trusted",
            ResultType::ValidationFailure => "validation-failure",
            ResultType::TlsaInvalid => "tlsa-invalid",
            ResultType::DnssecInvalid => "dnssec-invalid",
            ResultType::DaneRequired => "dane-required",
            ResultType::StsPolicyFetchError => "sts-policy-fetch-error",
            ResultType::StsPolicyInvalid => "sts-policy-invalid",
            ResultType::StsWebpkiInvalid => "sts-webpki-invalid",
        }
    }
}

impl core::fmt::Display for ResultType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}
