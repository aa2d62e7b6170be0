//! The Authentication-Results field value `mailsec dmarc` prints.

use mail_auth_core::auth_results::{AuthenticationResults, BuildError, MethodResult};
use mail_auth_core::dkim::DkimOutcome;
use mail_auth_core::dmarc::DmarcOutcome;
use mail_auth_core::spf::SpfOutcome;

/// `authserv-id; spf=...; dkim=...; dmarc=...` (RFC 8601), built by the
/// library.
pub(crate) fn field_value(
    authserv_id: &str,
    spf: &SpfOutcome,
    dkim: &[DkimOutcome],
    dmarc: &DmarcOutcome,
) -> Result<String, BuildError> {
    let mut field = AuthenticationResults::new(authserv_id)?;
    field.push(MethodResult::spf(spf))?;
    for outcome in dkim {
        field.push(MethodResult::dkim(outcome))?;
    }
    field.push(MethodResult::dmarc_outcome(dmarc))?;
    Ok(field.to_string())
}
