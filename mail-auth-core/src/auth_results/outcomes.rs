//! Results built from this crate's verdicts (SPF, DKIM, DMARC) and from
//! plain values (DMARC, iprev).
//!
//! Text taken from a verdict (an SPF explanation comes from DNS) has its
//! control characters replaced by spaces, so these constructors cannot fail.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::IpAddr;

use super::model::{BuildError, MethodResult, Property, forbidden_control};
use crate::dkim::{DkimOutcome, DkimResult};
use crate::dmarc::{DmarcOutcome, DmarcResult};
use crate::spf::{Identity, SpfOutcome};

/// `text` with each control character but the tab replaced by a space.
fn sanitized(text: &str) -> String {
    if forbidden_control(text).is_none() {
        return String::from(text);
    }
    text.chars()
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect()
}

impl MethodResult {
    /// Appends a property the caller knows is valid (fixed keywords,
    /// sanitized value).
    fn push_known(&mut self, ptype: &str, name: &str, value: &str) {
        self.properties.push(Property {
            ptype: String::from(ptype),
            name: String::from(name),
            value: sanitized(value),
        });
    }

    /// A result whose method and result words are this crate's own
    /// (lowercase keywords).
    fn known(method: &str, result: &str) -> Self {
        Self {
            method: String::from(method),
            method_version: None,
            result: String::from(result),
            reason: None,
            properties: Vec::new(),
        }
    }

    /// `spf=<result>` for an SPF outcome (RFC 8601 §2.7.2), with
    /// `smtp.mailfrom=<domain>` for the MAIL FROM identity or
    /// `smtp.helo=<domain>` for HELO, and `reason=` the problem (for
    /// `none`, `temperror`, `permerror`) or else the domain's explanation.
    ///
    /// `smtp.mailfrom` carries the domain that was checked, not the whole
    /// address: SPF does not authenticate the local-part, and RFC 8601
    /// Appendix B.3 omits it for that reason. For the null reverse-path it
    /// is the HELO domain (`postmaster@` that domain was checked).
    pub fn spf(outcome: &SpfOutcome) -> Self {
        let mut r = Self::known("spf", outcome.result.as_str());
        if let Some(reason) = outcome.problem.as_ref().or(outcome.explanation.as_ref()) {
            r.reason = Some(sanitized(reason));
        }
        if !outcome.domain.is_empty() {
            let name = match outcome.identity {
                Identity::MailFrom => "mailfrom",
                Identity::Helo => "helo",
            };
            r.push_known("smtp", name, &outcome.domain);
        }
        r
    }

    /// `dkim=<result>` for one signature (RFC 8601 §2.7.1), with
    /// `reason=` for any result but `pass`, then `header.d`, `header.i`,
    /// `header.s`, `header.a` (RFC 8601 §2.7.1's registrations) and
    /// `header.b`, the first 8 characters of the signature (RFC 6008), each
    /// when the signature's tag could be read.
    ///
    /// [`DkimOutcome::authentication_result`] writes the same properties
    /// but `header.a`, with the reason as a comment.
    pub fn dkim(outcome: &DkimOutcome) -> Self {
        let mut r = Self::known("dkim", outcome.result.as_str());
        if outcome.result != DkimResult::Pass {
            r.reason = Some(sanitized(&format!("{}", outcome.reason)));
        }
        for (name, value) in [
            ("d", &outcome.domain),
            ("i", &outcome.identity),
            ("s", &outcome.selector),
            ("a", &outcome.algorithm),
        ] {
            if !value.is_empty() {
                r.push_known("header", name, value);
            }
        }
        if !outcome.signature_b64.is_empty() {
            let prefix: String = outcome.signature_b64.chars().take(8).collect();
            r.push_known("header", "b", &prefix);
        }
        r
    }

    /// `dmarc=<result> header.from=<domain>` (RFC 7489 §11.2 registers
    /// `header.from`). Add what else the DMARC layer reports with
    /// [`with_property`](Self::with_property), e.g.
    /// `("policy", "published-domain-policy", "reject")` or
    /// `("policy", "dmarc", "reject")`, and a reason with
    /// [`with_reason`](Self::with_reason).
    pub fn dmarc(result: &str, header_from: &str) -> Result<Self, BuildError> {
        Self::new("dmarc", result)?.with_property("header", "from", header_from)
    }

    /// The `dmarc=` result of a DMARC evaluation: `header.from` (the Author
    /// Domain) and, when a record applied, `policy.dmarc` with the policy
    /// to apply after `t=y` or `pct` (RFC 9989 §9.1 registers both); a
    /// `reason` for every result but `pass`. Cannot fail: caller text is
    /// cleaned like [`MethodResult::spf`]'s.
    pub fn dmarc_outcome(outcome: &DmarcOutcome) -> Self {
        let mut r = Self::known("dmarc", outcome.result.as_str());
        if !outcome.author_domain.is_empty() {
            r.push_known("header", "from", &outcome.author_domain);
        }
        if outcome.record.is_some() {
            r.push_known("policy", "dmarc", outcome.policy.as_str());
        }
        if outcome.result != DmarcResult::Pass {
            r.reason = Some(sanitized(&outcome.reason.to_string()));
        }
        r
    }

    /// `iprev=<result> policy.iprev=<ip>` (RFC 8601 §2.7.3, §3): the
    /// client's address. An IPv6 address is written as a quoted-string (`:`
    /// is not allowed in a token).
    pub fn iprev(result: &str, ip: IpAddr) -> Result<Self, BuildError> {
        let mut r = Self::new("iprev", result)?;
        r.push_known("policy", "iprev", &format!("{ip}"));
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::super::AuthenticationResults;
    use super::*;
    use crate::dkim::DkimReason;
    use crate::spf::SpfResult;

    fn spf(result: SpfResult, identity: Identity) -> SpfOutcome {
        SpfOutcome {
            result,
            identity,
            domain: "example.com".into(),
            sender: "alice@example.com".into(),
            mechanism: None,
            explanation: None,
            problem: None,
            dns_lookups: 1,
            void_lookups: 0,
        }
    }

    fn dkim(reason: DkimReason) -> DkimOutcome {
        DkimOutcome {
            result: reason.result(),
            reason,
            domain: "example.com".into(),
            selector: "sel".into(),
            algorithm: "rsa-sha256".into(),
            identity: "@example.com".into(),
            signature_b64: "YkL8/+Vb0123".into(),
            testing: false,
            key_bits: Some(2048),
            field_offset: 0,
        }
    }

    #[test]
    fn spf_results() {
        let pass = MethodResult::spf(&spf(SpfResult::Pass, Identity::MailFrom));
        assert_eq!(pass.to_string(), "spf=pass smtp.mailfrom=example.com");
        let helo = MethodResult::spf(&spf(SpfResult::None, Identity::Helo));
        assert_eq!(helo.to_string(), "spf=none smtp.helo=example.com");
        let mut fail = spf(SpfResult::Fail, Identity::MailFrom);
        fail.explanation = Some("see http://example.com/why\r\nX-Injected: 1".into());
        assert_eq!(
            MethodResult::spf(&fail).to_string(),
            "spf=fail reason=\"see http://example.com/why  X-Injected: 1\" smtp.mailfrom=example.com"
        );
        let mut perm = spf(SpfResult::PermError, Identity::MailFrom);
        perm.problem = Some("2 SPF records".into());
        assert_eq!(
            MethodResult::spf(&perm).to_string(),
            "spf=permerror reason=\"2 SPF records\" smtp.mailfrom=example.com"
        );
    }

    #[test]
    fn dkim_results() {
        assert_eq!(
            MethodResult::dkim(&dkim(DkimReason::Verified)).to_string(),
            "dkim=pass header.d=example.com header.i=@example.com header.s=sel \
             header.a=rsa-sha256 header.b=\"YkL8/+Vb\""
        );
        let revoked = MethodResult::dkim(&dkim(DkimReason::KeyRevoked));
        assert_eq!(revoked.result(), "permerror");
        assert_eq!(revoked.reason(), Some("key revoked (empty p=)"));
        let mut unread = dkim(DkimReason::BadKeyName);
        unread.selector.clear();
        unread.signature_b64.clear();
        assert_eq!(
            MethodResult::dkim(&unread).to_string(),
            "dkim=neutral reason=\"s= and d= do not form a valid DNS name\" header.d=example.com \
             header.i=@example.com header.a=rsa-sha256"
        );
    }

    #[test]
    fn dkim_agrees_with_the_dkim_module_text() {
        // DkimOutcome::authentication_result writes its own text; ours has
        // the same properties, plus header.a.
        for reason in [
            DkimReason::Verified,
            DkimReason::KeyRevoked,
            DkimReason::SignatureMismatch,
        ] {
            let outcome = dkim(reason);
            let theirs =
                AuthenticationResults::parse(format!("mx; {}", outcome.authentication_result()))
                    .unwrap();
            let ours = MethodResult::dkim(&outcome);
            let theirs = &theirs.results()[0];
            assert_eq!(theirs.result(), ours.result());
            for p in theirs.properties() {
                assert_eq!(ours.property(p.ptype(), p.name()), Some(p.value()), "{p:?}");
            }
            assert_eq!(ours.properties().len(), theirs.properties().len() + 1);
        }
    }

    #[test]
    fn dmarc_and_iprev() {
        let dmarc = MethodResult::dmarc("PASS", "example.com")
            .unwrap()
            .with_property("policy", "published-domain-policy", "reject")
            .unwrap();
        assert_eq!(
            dmarc.to_string(),
            "dmarc=pass header.from=example.com policy.published-domain-policy=reject"
        );
        assert!(MethodResult::dmarc("pass fail", "example.com").is_err());
        let v4 = MethodResult::iprev("pass", "192.0.2.1".parse().unwrap()).unwrap();
        assert_eq!(v4.to_string(), "iprev=pass policy.iprev=192.0.2.1");
        let v6 = MethodResult::iprev("fail", "2001:db8::1".parse().unwrap()).unwrap();
        assert_eq!(v6.to_string(), "iprev=fail policy.iprev=\"2001:db8::1\"");
    }
}
