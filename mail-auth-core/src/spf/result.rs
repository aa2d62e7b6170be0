//! SPF results (RFC 7208 §2.6) and the Received-SPF header field (§9.1).

use alloc::format;
use alloc::string::String;
use core::fmt;
use core::net::IpAddr;

/// The result of an SPF check, named as RFC 7208 §2.6 names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpfResult {
    /// No SPF record, or no usable domain to check.
    None,
    /// The domain states nothing about the client (`?`, or no match).
    Neutral,
    /// The client is authorized.
    Pass,
    /// The client is not authorized.
    Fail,
    /// The client is probably not authorized (`~`).
    SoftFail,
    /// A transient (DNS) error; checking later may succeed.
    TempError,
    /// The domain's records cannot be interpreted.
    PermError,
}

impl SpfResult {
    /// The result's word, lower case (`softfail`, `temperror`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            SpfResult::None => "none",
            SpfResult::Neutral => "neutral",
            SpfResult::Pass => "pass",
            SpfResult::Fail => "fail",
            SpfResult::SoftFail => "softfail",
            SpfResult::TempError => "temperror",
            SpfResult::PermError => "permerror",
        }
    }
}

impl fmt::Display for SpfResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which identity was checked (RFC 7208 §2.3, §2.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Identity {
    /// The MAIL FROM identity (or, for the null reverse-path,
    /// `postmaster@` the HELO domain, which is still reported as `helo`).
    MailFrom,
    /// The HELO/EHLO identity.
    Helo,
}

impl Identity {
    /// `mailfrom` or `helo`, as Received-SPF and the `mailsec` command write them.
    pub fn as_str(self) -> &'static str {
        match self {
            Identity::MailFrom => "mailfrom",
            Identity::Helo => "helo",
        }
    }
}

/// The outcome of an SPF check: the result and how it was reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpfOutcome {
    /// The result.
    pub result: SpfResult,
    /// The identity checked.
    pub identity: Identity,
    /// The domain whose policy was checked first.
    pub domain: String,
    /// The `<sender>` of check_host: the MAIL FROM, or `postmaster@` the HELO name.
    pub sender: String,
    /// The directive that decided the result, as written in the record
    /// (absent for `none`, for the default `neutral` and for errors).
    pub mechanism: Option<String>,
    /// The domain's explanation, after macro expansion (only on `fail`).
    pub explanation: Option<String>,
    /// Why the result is `none`, `temperror` or `permerror`.
    pub problem: Option<String>,
    /// DNS-querying terms evaluated (the RFC's limit is 10).
    pub dns_lookups: u32,
    /// Lookups that found nothing (the RFC's limit is 2).
    pub void_lookups: u32,
}

/// Builds the value of a Received-SPF header field (RFC 7208 §9.1), without
/// the field name: `pass (comment) client-ip=...; envelope-from=...; helo=...;
/// receiver=...; identity=...`.
pub fn received_spf(outcome: &SpfOutcome, ip: IpAddr, helo: &str, receiver: &str) -> String {
    let comment = match (&outcome.problem, outcome.result) {
        (Some(problem), _) => format!("{receiver}: {problem}"),
        (None, SpfResult::Pass) => {
            format!(
                "{receiver}: domain of {} designates {ip} as permitted sender",
                outcome.sender
            )
        }
        (None, SpfResult::Fail | SpfResult::SoftFail) => {
            format!(
                "{receiver}: domain of {} does not designate {ip} as permitted sender",
                outcome.sender
            )
        }
        (None, _) => format!(
            "{receiver}: {ip} is neither permitted nor denied by domain of {}",
            outcome.sender
        ),
    };
    let mut out = format!(
        "{} ({}) client-ip={}; envelope-from={}; helo={}; receiver={}; identity={}",
        outcome.result,
        comment_text(&comment),
        ip,
        key_value(&outcome.sender),
        key_value(helo),
        key_value(receiver),
        outcome.identity.as_str()
    );
    match (&outcome.mechanism, outcome.result, &outcome.problem) {
        (Some(m), _, _) => {
            out.push_str("; mechanism=");
            out.push_str(&key_value(m));
        }
        // §9.1: "if no mechanisms matched, substitute the word 'default'".
        (None, SpfResult::Neutral, None) => out.push_str("; mechanism=default"),
        _ => {}
    }
    if let (Some(p), SpfResult::TempError | SpfResult::PermError) =
        (&outcome.problem, outcome.result)
    {
        out.push_str("; problem=");
        out.push_str(&key_value(p));
    }
    out
}

/// A comment's text with the characters that would end or nest it escaped.
fn comment_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '(' | ')' | '\\') {
            out.push('\\');
        }
        if !c.is_control() {
            out.push(c);
        }
    }
    out
}

/// A key-value-pair value (§9.1: `dot-atom / quoted-string`).
fn key_value(s: &str) -> String {
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let dot_atom = !s.is_empty()
        && s.split('.')
            .all(|part| !part.is_empty() && part.chars().all(atext));
    if dot_atom {
        return String::from(s);
    }
    let mut out = String::from("\"");
    for c in s.chars().filter(|c| !c.is_control()) {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(result: SpfResult, mechanism: Option<&str>, problem: Option<&str>) -> SpfOutcome {
        SpfOutcome {
            result,
            identity: Identity::MailFrom,
            domain: "example.com".into(),
            sender: "alice@example.com".into(),
            mechanism: mechanism.map(String::from),
            explanation: None,
            problem: problem.map(String::from),
            dns_lookups: 1,
            void_lookups: 0,
        }
    }

    #[test]
    fn received_spf_fields() {
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let v = received_spf(
            &outcome(SpfResult::Pass, Some("ip4:192.0.2.0/24"), None),
            ip,
            "mail.example.com",
            "mx.example.net",
        );
        assert_eq!(
            v,
            "pass (mx.example.net: domain of alice@example.com designates 192.0.2.1 as permitted sender) \
             client-ip=192.0.2.1; envelope-from=\"alice@example.com\"; helo=mail.example.com; \
             receiver=mx.example.net; identity=mailfrom; mechanism=\"ip4:192.0.2.0/24\""
        );
        let v = received_spf(
            &outcome(SpfResult::PermError, None, Some("2 SPF records (a \"b\")")),
            ip,
            "h",
            "r",
        );
        assert!(
            v.starts_with("permerror (r: 2 SPF records \\(a \"b\"\\)) client-ip=192.0.2.1;"),
            "{v}"
        );
        assert!(
            v.ends_with("; problem=\"2 SPF records (a \\\"b\\\")\""),
            "{v}"
        );
    }
}
