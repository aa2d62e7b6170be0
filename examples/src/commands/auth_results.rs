//! The Authentication-Results field value `mailsec dmarc` prints.

use mail_auth_core::dkim::DkimOutcome;
use mail_auth_core::dmarc::DmarcOutcome;
use mail_auth_core::spf::SpfOutcome;

/// `authserv-id; spf=...; dkim=...; dmarc=...` (RFC 8601).
pub(crate) fn field_value(
    authserv_id: &str,
    spf: &SpfOutcome,
    dkim: &[DkimOutcome],
    dmarc: &DmarcOutcome,
) -> String {
    let mut parts = vec![authserv_id.to_string()];
    let property = match spf.identity {
        mail_auth_core::spf::Identity::Helo => "smtp.helo",
        mail_auth_core::spf::Identity::MailFrom => "smtp.mailfrom",
    };
    parts.push(format!("spf={} {property}={}", spf.result, spf.domain));
    for outcome in dkim {
        parts.push(outcome.authentication_result());
    }
    parts.push(format!(
        "dmarc={} header.from={}",
        dmarc.result, dmarc.author_domain
    ));
    parts.join("; ")
}
