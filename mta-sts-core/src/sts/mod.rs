//! MTA-STS (RFC 8461): the `_mta-sts` record, the policy file, MX matching,
//! policy resolution and the delivery decision.
//!
//! - [`StsRecord`] ([`record`]): the TXT record and the record-set rule (§3.1).
//! - [`Policy`] ([`policy`]): the policy file (§3.2), with operator warnings
//!   and a canonical rendering.
//! - [`MxPattern`], [`select_mx`] ([`mx`]): MX matching (§4.1) over a
//!   domain's MX set.
//! - [`PolicyResolver`] ([`resolve`]): discovery, fetch and cache rules (§3.3,
//!   §5.1) as a sans-IO state machine; [`FetchRequest`] and
//!   [`check_response`] ([`fetch`]): the HTTPS request and the response
//!   rules. The transport MUST validate the policy host's certificate.
//! - [`decide_delivery`] ([`deliver`]): deliver, do not deliver, or deliver
//!   and report, with the TLS-RPT [`ResultType`].
//!
//! What this module does not do: open connections, validate certificates,
//! look up MX records or TLSA records, or keep a cache. The caller does,
//! and hands the results in.

pub mod deliver;
pub mod fetch;
pub mod mx;
pub mod policy;
pub mod record;
pub mod resolve;
pub mod result_type;

pub use deliver::{
    Action, CertificateCheck, DaneFailure, DaneOutcome, DeliveryDecision, GovernedBy, TlsOutcome,
    decide_delivery,
};
pub use fetch::{
    FETCH_TIMEOUT_SECS, FetchError, FetchOutcome, FetchRequest, HttpResponse, TransportFailure,
    check_response,
};
pub use mx::{MxCandidate, MxPattern, MxPatternError, MxSelection, select_mx};
pub use policy::{
    MAX_MAX_AGE, MAX_POLICY_LEN, Mode, Policy, PolicyError, PolicyErrorKind, PolicyWarning,
    SHORT_MAX_AGE,
};
pub use record::{RecordError, RecordErrorKind, RecordSetError, StsRecord};
pub use resolve::{
    CacheEntry, CachedPolicy, Event, FailedFetch, PolicyResolver, Resolution, ResolveConfig,
    ResolveStep, Source, drive_resolver,
};
pub use result_type::ResultType;
