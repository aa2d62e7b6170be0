//! The delivery decision for one MX host (RFC 8461 §4, §5; DANE precedence
//! §2), with the TLS-RPT result type to record.
//!
//! Inputs: the policy in force (if any), the MX host, what the TLS attempt
//! found, and the DANE outcome when DANE applies to the host (it has usable
//! TLSA records). Rules, in order:
//!
//! 1. DANE applies: DANE decides (§2: "senders who implement MTA-STS
//!    validation MUST NOT allow MTA-STS Policy validation to override a
//!    failing DANE validation"); a DANE success needs no MTA-STS check.
//! 2. No policy, or mode `none`: deliver (opportunistic TLS as usual).
//! 3. The MX host must match the policy's `mx` patterns, then TLS must be
//!    negotiated with a certificate valid for the host (§4.1, §4.2). A
//!    failure means "do not deliver" in `enforce` mode and "deliver and
//!    report" in `testing` mode. An unlisted MX is a `validation-failure`.

use super::policy::{Mode, Policy};
use super::result_type::ResultType;

/// What the TLS attempt with the MX host found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsOutcome {
    /// STARTTLS was not offered, or the handshake failed.
    NoStartTls,
    /// TLS was negotiated; the certificate check of the MX host name.
    Negotiated(CertificateCheck),
}

/// The certificate check (Web PKI, RFC 8461 §4.2) of the MX host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateCheck {
    /// Valid for the host.
    Valid,
    /// Chains to a trusted root but does not name the host.
    HostMismatch,
    /// Expired (or not yet valid).
    Expired,
    /// Does not chain to a trusted root.
    NotTrusted,
    /// Another failure.
    Invalid,
}

/// The DANE outcome for the host, when DANE applies to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DaneOutcome {
    /// The connection validated against the TLSA records.
    Validated,
    /// DANE validation failed, with the result type to record.
    Failed(DaneFailure),
}

/// Why DANE failed (RFC 8460 §4.3.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DaneFailure {
    /// `tlsa-invalid`.
    TlsaInvalid,
    /// `dnssec-invalid`.
    DnssecInvalid,
    /// `dane-required`.
    DaneRequired,
    /// Another failure: `validation-failure`.
    Other,
}

/// What to do with the message on this host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Deliver.
    Deliver,
    /// Do not deliver to this host (try the next, or queue).
    DoNotDeliver,
    /// Deliver, and report the failure (`testing` mode).
    DeliverAndReport,
}

/// What governed the decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GovernedBy {
    /// DANE (it takes precedence).
    Dane,
    /// An MTA-STS policy in this mode (`enforce` or `testing`).
    MtaSts(Mode),
    /// Neither: opportunistic delivery.
    Nothing,
}

/// The decision for one MX host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeliveryDecision {
    /// What to do.
    pub action: Action,
    /// The failure to record in a TLS report, if any.
    pub result: Option<ResultType>,
    /// What decided.
    pub governed_by: GovernedBy,
}

/// Decides delivery to `mx_host` (see the module docs).
pub fn decide_delivery(
    policy: Option<&Policy>,
    mx_host: &str,
    tls: TlsOutcome,
    dane: Option<DaneOutcome>,
) -> DeliveryDecision {
    if let Some(dane) = dane {
        let result = match dane {
            DaneOutcome::Validated => None,
            DaneOutcome::Failed(DaneFailure::TlsaInvalid) => Some(ResultType::TlsaInvalid),
            DaneOutcome::Failed(DaneFailure::DnssecInvalid) => Some(ResultType::DnssecInvalid),
            DaneOutcome::Failed(DaneFailure::DaneRequired) => Some(ResultType::DaneRequired),
            DaneOutcome::Failed(DaneFailure::Other) => Some(ResultType::ValidationFailure),
        };
        return DeliveryDecision {
            action: if result.is_some() {
                Action::DoNotDeliver
            } else {
                Action::Deliver
            },
            result,
            governed_by: GovernedBy::Dane,
        };
    }
    let Some(policy) = policy.filter(|p| p.mode() != Mode::None) else {
        return DeliveryDecision {
            action: Action::Deliver,
            result: None,
            governed_by: GovernedBy::Nothing,
        };
    };
    let result = if !policy.mx_matches(mx_host) {
        Some(ResultType::ValidationFailure)
    } else {
        match tls {
            TlsOutcome::NoStartTls => Some(ResultType::StartTlsNotSupported),
            TlsOutcome::Negotiated(CertificateCheck::Valid) => None,
            TlsOutcome::Negotiated(CertificateCheck::HostMismatch) => {
                Some(ResultType::CertificateHostMismatch)
            }
            TlsOutcome::Negotiated(CertificateCheck::Expired) => {
                Some(ResultType::CertificateExpired)
            }
            TlsOutcome::Negotiated(CertificateCheck::NotTrusted) => {
                Some(ResultType::CertificateNotTrusted)
            }
            TlsOutcome::Negotiated(CertificateCheck::Invalid) => {
                Some(ResultType::ValidationFailure)
            }
        }
    };
    let action = match (result, policy.mode()) {
        (None, _) => Action::Deliver,
        (Some(_), Mode::Enforce) => Action::DoNotDeliver,
        (Some(_), _) => Action::DeliverAndReport,
    };
    DeliveryDecision {
        action,
        result,
        governed_by: GovernedBy::MtaSts(policy.mode()),
    }
}
