//! Verifying an external report destination (RFC 7489 §7.1, RFC 9990
//! "Verifying External Destinations").
//!
//! When a `rua` URI's host lies in another organizational domain than the
//! policy domain, the receiver asks the destination whether it accepts
//! reports for that domain: a TXT query for
//! `<policy-domain>._report._dmarc.<destination-domain>`, and reports may be
//! sent only if an answer record begins with `v=DMARC1`. Whether the two
//! domains are in different organizational domains is for the caller to
//! decide (with the DMARC organizational-domain code); this module only
//! names the query and reads its answer. It does not apply a `rua` tag in the
//! answer that would replace the destination.

use alloc::format;

use alloc::string::String;

use mailsec_dns::{Name, NameError, Txt};

use crate::dmarc::is_dmarc_version;

/// The name to query for TXT records: `<policy-domain>._report._dmarc.<destination-domain>`.
/// Both domains are normalized as [`Name`]s (lower case, no trailing dot);
/// the error says when they, or the whole name, are not valid names.
pub fn external_destination_query_name(
    policy_domain: &str,
    destination_domain: &str,
) -> Result<Name, NameError> {
    let policy = Name::new(policy_domain)?;
    let destination = Name::new(destination_domain)?;
    if policy.is_root() || destination.is_root() {
        return Err(NameError::Empty);
    }
    Name::new(&format!(
        "{}._report._dmarc.{}",
        policy.as_str(),
        destination.as_str()
    ))
}

/// Whether the TXT records answering the query of
/// [`external_destination_query_name`] authorize the destination: some record
/// (its strings joined) begins with the `v=DMARC1` tag, read as a DMARC
/// record's version tag ([`is_dmarc_version`]) at the very start (RFC 9990:
/// it "MUST appear first"). Other records in the answer do not matter; no
/// answer (or NXDOMAIN, or an error) means no.
pub fn verify_external_destination(txt_records: &[Txt]) -> bool {
    txt_records.iter().any(|txt| {
        let text = String::from_utf8_lossy(&txt.joined()).into_owned();
        text.starts_with('v') && is_dmarc_version(&text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_name_puts_the_policy_domain_under_the_destination() {
        let name = external_destination_query_name("Example.COM.", "thirdparty.example").unwrap();
        assert_eq!(
            name.as_str(),
            "example.com._report._dmarc.thirdparty.example"
        );
        assert!(external_destination_query_name("", "x.example").is_err());
        assert!(external_destination_query_name(".", "x.example").is_err());
        let long = "a".repeat(63);
        let policy = format!("{long}.{long}.{long}.{}", "b".repeat(50));
        assert!(Name::new(&policy).is_ok());
        assert_eq!(
            external_destination_query_name(&policy, "thirdparty.example"),
            Err(NameError::TooLong)
        );
    }

    #[test]
    fn a_record_beginning_with_v_dmarc1_authorizes() {
        let txt = |s: &str| Txt::from_bytes(s.as_bytes());
        assert!(verify_external_destination(&[txt("v=DMARC1")]));
        assert!(verify_external_destination(&[txt(
            "v=DMARC1; rua=mailto:r@x.example"
        )]));
        assert!(verify_external_destination(&[
            txt("other"),
            txt("v = DMARC1;")
        ]));
        assert!(verify_external_destination(&[Txt::new(vec![
            b"v=DM".to_vec(),
            b"ARC1".to_vec()
        ])]));
        assert!(!verify_external_destination(&[]));
        assert!(!verify_external_destination(&[txt("v=spf1 -all")]));
        assert!(!verify_external_destination(&[txt(" v=DMARC1")]));
        assert!(!verify_external_destination(&[txt("v=dmarc1")]));
        assert!(!verify_external_destination(&[txt("v=DMARC10")]));
    }
}
