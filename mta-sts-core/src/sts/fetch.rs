//! The HTTPS fetch of the policy (RFC 8461 §3.3): the request the resolver
//! hands to the caller's transport, and the rules the core applies to the
//! response.
//!
//! The transport MUST (these are RFC 8461 §3.3 requirements the core cannot
//! check, since it never sees the connection):
//!
//! - connect to [`FetchRequest::host`] (`mta-sts.<domain>`) over HTTPS,
//!   send that name as SNI, and **validate the server certificate for that
//!   name** with ordinary Web PKI rules, even when the name is a CNAME to
//!   another host (the certificate must name `mta-sts.<domain>`, not the
//!   CNAME target); a certificate failure is
//!   [`TransportFailure::Certificate`];
//! - not follow redirects (pass a 3xx response on: the core refuses it), and
//!   not use an HTTP cache;
//! - give up after [`FetchRequest::timeout_secs`] (a hint: §3.3 suggests
//!   about a minute);
//! - read at most [`FetchRequest::max_body`]` + 1` bytes of the body and
//!   stop: the core refuses a body longer than `max_body`, so a 10 MB answer
//!   costs the sender 64 KiB + 1.
//!
//! The core then checks ([`check_response`]): status 200 only, media type
//! `text/plain` (any parameters, such as `charset`, tolerated; the body is
//! read as UTF-8 whatever the charset says), the size, and the policy.

use alloc::string::String;
use alloc::vec::Vec;

use mailsec_dns::Name;

use super::policy::{MAX_POLICY_LEN, Policy, PolicyError};
use super::result_type::ResultType;

/// Suggested time limit of a fetch, in seconds.
pub const FETCH_TIMEOUT_SECS: u64 = 60;

/// What the transport must fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchRequest {
    host: Name,
    url: String,
    timeout_secs: u64,
}

impl FetchRequest {
    /// The request for policy domain `domain`: `None` when `mta-sts.<domain>`
    /// is not a valid host name (too long, or not letters, digits, `-` and
    /// `_`: internationalised domains must come in A-label form).
    pub fn new(domain: &Name, timeout_secs: u64) -> Option<FetchRequest> {
        let host = domain.prepend("mta-sts").ok()?;
        let usable = host.labels().all(|l| {
            l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        if !usable || domain.is_root() {
            return None;
        }
        let url = alloc::format!("https://{}/.well-known/mta-sts.txt", host.as_str());
        Some(FetchRequest {
            host,
            url,
            timeout_secs,
        })
    }

    /// `mta-sts.<domain>`: where to connect, the SNI to send and the name
    /// the certificate must be valid for.
    pub fn host(&self) -> &Name {
        &self.host
    }

    /// `https://mta-sts.<domain>/.well-known/mta-sts.txt`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Always `false`: redirects must not be followed (§3.3).
    pub fn follow_redirects(&self) -> bool {
        false
    }

    /// The largest body accepted: read at most one byte more.
    pub fn max_body(&self) -> usize {
        MAX_POLICY_LEN
    }

    /// Time limit hint, in seconds.
    pub fn timeout_secs(&self) -> u64 {
        self.timeout_secs
    }
}

/// What the transport got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchOutcome {
    /// An HTTP response over a validated connection.
    Response(HttpResponse),
    /// No response.
    Failed(TransportFailure),
}

/// An HTTP response, as far as the core needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` field value, if any.
    pub content_type: Option<String>,
    /// The body, at most [`FetchRequest::max_body`]` + 1` bytes of it.
    pub body: Vec<u8>,
}

/// Why the transport got no response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportFailure {
    /// The host name did not resolve or the connection failed.
    #[error("cannot connect to the policy host")]
    Connect,
    /// The time limit passed.
    #[error("policy fetch timed out")]
    Timeout,
    /// The policy host's certificate did not validate for `mta-sts.<domain>`.
    #[error("policy host certificate is not valid")]
    Certificate,
    /// Another TLS or HTTP failure.
    #[error("policy fetch failed")]
    Other,
}

/// Why a fetch gave no policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// No response.
    #[error("{0}")]
    Transport(TransportFailure),
    /// A status other than 200 (redirects included).
    #[error("HTTP status {0}, not 200")]
    Status(u16),
    /// The media type is missing or not `text/plain`.
    #[error("media type is not text/plain")]
    ContentType,
    /// The body is over the limit.
    #[error("policy body larger than 65536 bytes")]
    TooLarge,
    /// The body is not a valid policy.
    #[error("invalid policy: {0}")]
    Policy(PolicyError),
}

impl FetchError {
    /// The TLS-RPT result type to record (RFC 8460 §4.3.2.2).
    pub fn result_type(&self) -> ResultType {
        match self {
            FetchError::Transport(TransportFailure::Certificate) => ResultType::StsWebpkiInvalid,
            FetchError::Transport(_) | FetchError::Status(_) => ResultType::StsPolicyFetchError,
            FetchError::ContentType | FetchError::TooLarge | FetchError::Policy(_) => {
                ResultType::StsPolicyInvalid
            }
        }
    }
}

/// Applies the response rules and parses the policy.
pub fn check_response(outcome: &FetchOutcome) -> Result<Policy, FetchError> {
    let response = match outcome {
        FetchOutcome::Failed(f) => return Err(FetchError::Transport(*f)),
        FetchOutcome::Response(r) => r,
    };
    if response.status != 200 {
        return Err(FetchError::Status(response.status));
    }
    if !response.content_type.as_deref().is_some_and(is_text_plain) {
        return Err(FetchError::ContentType);
    }
    if response.body.len() > MAX_POLICY_LEN {
        return Err(FetchError::TooLarge);
    }
    Policy::parse(&response.body).map_err(FetchError::Policy)
}

/// Whether a `Content-Type` value's media type is `text/plain` (RFC 9110
/// §8.3.1: type and subtype are case-insensitive; parameters follow `;`).
fn is_text_plain(value: &str) -> bool {
    let media = value.split(';').next().unwrap_or_default();
    media
        .trim_matches([' ', '\t'])
        .eq_ignore_ascii_case("text/plain")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 604800\n";

    fn response(status: u16, ct: Option<&str>, body: &[u8]) -> FetchOutcome {
        FetchOutcome::Response(HttpResponse {
            status,
            content_type: ct.map(String::from),
            body: body.to_vec(),
        })
    }

    #[test]
    fn request_names() {
        let r = FetchRequest::new(&Name::new("Example.COM.").unwrap(), 60).unwrap();
        assert_eq!(
            r.url(),
            "https://mta-sts.example.com/.well-known/mta-sts.txt"
        );
        assert_eq!(r.host().as_str(), "mta-sts.example.com");
        assert!(!r.follow_redirects());
        assert_eq!(r.max_body(), 65536);
        assert!(FetchRequest::new(&Name::new("exa/mple.com").unwrap(), 60).is_none());
        assert!(FetchRequest::new(&Name::new("ex\u{e4}mple.com").unwrap(), 60).is_none());
        assert!(FetchRequest::new(&Name::root(), 60).is_none());
        let long = alloc::format!(
            "{}.{}.{}.{}",
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(60)
        );
        assert!(FetchRequest::new(&Name::new(&long).unwrap(), 60).is_none());
    }

    #[test]
    fn response_rules() {
        for (outcome, want) in [
            (response(200, Some("text/plain"), BODY), None),
            (response(200, Some("Text/Plain; charset=utf-8"), BODY), None),
            (
                response(200, Some(" text/plain ;charset=\"US-ASCII\""), BODY),
                None,
            ),
            (
                response(301, Some("text/plain"), BODY),
                Some(FetchError::Status(301)),
            ),
            (
                response(204, Some("text/plain"), BODY),
                Some(FetchError::Status(204)),
            ),
            (
                response(404, Some("text/plain"), BODY),
                Some(FetchError::Status(404)),
            ),
            (response(200, None, BODY), Some(FetchError::ContentType)),
            (
                response(200, Some("text/html"), BODY),
                Some(FetchError::ContentType),
            ),
            (
                response(200, Some("text/plainx"), BODY),
                Some(FetchError::ContentType),
            ),
            (
                response(200, Some("application/octet-stream"), BODY),
                Some(FetchError::ContentType),
            ),
            (
                FetchOutcome::Failed(TransportFailure::Timeout),
                Some(FetchError::Transport(TransportFailure::Timeout)),
            ),
        ] {
            assert_eq!(check_response(&outcome).err(), want, "{outcome:?}");
        }
        let big = [b'x'; MAX_POLICY_LEN + 1];
        assert_eq!(
            check_response(&response(200, Some("text/plain"), &big)),
            Err(FetchError::TooLarge)
        );
        assert!(matches!(
            check_response(&response(200, Some("text/plain"), b"version: STSv1\n")),
            Err(FetchError::Policy(_))
        ));
    }

    #[test]
    fn result_types() {
        assert_eq!(
            FetchError::Transport(TransportFailure::Certificate).result_type(),
            ResultType::StsWebpkiInvalid
        );
        assert_eq!(
            FetchError::Transport(TransportFailure::Timeout).result_type(),
            ResultType::StsPolicyFetchError
        );
        assert_eq!(
            FetchError::Status(500).result_type(),
            ResultType::StsPolicyFetchError
        );
        assert_eq!(
            FetchError::ContentType.result_type(),
            ResultType::StsPolicyInvalid
        );
        assert_eq!(
            FetchError::TooLarge.result_type(),
            ResultType::StsPolicyInvalid
        );
    }
}
