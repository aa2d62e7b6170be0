//! The report's file name (RFC 8460 §5.1).
//!
//! ```text
//! filename = sender "!" policy-domain "!" begin-timestamp
//!            "!" end-timestamp [ "!" unique-id ] "." extension
//! unique-id = 1*(ALPHA / DIGIT)
//! sender = domain ; From the [RFC5321] that is used
//!                 ; as the domain for the `contact-info`
//!                 ; address in the report body
//! policy-domain   = domain
//! begin-timestamp = 1*DIGIT
//! end-timestamp = 1*DIGIT
//! extension = "json" / "json.gz"
//! ```
//!
//! Domains are checked for the RFC 5321 `domain` characters (letters,
//! digits, `-`, `.`; no `!`); a trailing dot is dropped. Timestamps are the
//! report's `date-range` in unix seconds, so they must not be negative.

use alloc::format;
use alloc::string::String;

use super::model::DateRange;

/// Why a file name cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileNameError {
    /// The sender or policy domain is not a domain name.
    #[error("not a domain name: {0:?}")]
    Domain(String),
    /// The unique id is empty or not letters and digits.
    #[error("unique id must be letters and digits")]
    UniqueId,
    /// A timestamp before 1970.
    #[error("date range before 1970")]
    Timestamp,
}

/// The file name of a report: `json.gz` when `gzip`, else `json`.
pub fn report_file_name(
    sender: &str,
    policy_domain: &str,
    range: &DateRange,
    unique_id: Option<&str>,
    gzip: bool,
) -> Result<String, FileNameError> {
    let sender = domain(sender)?;
    let policy_domain = domain(policy_domain)?;
    if range.start < 0 || range.end < 0 {
        return Err(FileNameError::Timestamp);
    }
    let unique = match unique_id {
        None => String::new(),
        Some(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            format!("!{id}")
        }
        Some(_) => return Err(FileNameError::UniqueId),
    };
    let extension = if gzip { "json.gz" } else { "json" };
    Ok(format!(
        "{sender}!{policy_domain}!{}!{}{unique}.{extension}",
        range.start, range.end
    ))
}

fn domain(name: &str) -> Result<&str, FileNameError> {
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    let ok = !trimmed.is_empty()
        && trimmed.len() <= 253
        && trimmed.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if ok {
        Ok(trimmed)
    } else {
        Err(FileNameError::Domain(name.chars().take(256).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_example() {
        let range = DateRange {
            start: 1_013_662_812,
            end: 1_013_749_130,
        };
        assert_eq!(
            report_file_name("mail.sender.example", "example.com", &range, None, true).unwrap(),
            "mail.sender.example!example.com!1013662812!1013749130.json.gz"
        );
        assert_eq!(
            report_file_name(
                "mail.sender.example.",
                "example.com",
                &range,
                Some("a1"),
                false
            )
            .unwrap(),
            "mail.sender.example!example.com!1013662812!1013749130!a1.json"
        );
    }

    #[test]
    fn refusals() {
        let range = DateRange { start: 0, end: 1 };
        assert!(matches!(
            report_file_name("a!b", "example.com", &range, None, true),
            Err(FileNameError::Domain(_))
        ));
        assert!(matches!(
            report_file_name("a.example", "", &range, None, true),
            Err(FileNameError::Domain(_))
        ));
        assert_eq!(
            report_file_name("a.example", "b.example", &range, Some("x-y"), true),
            Err(FileNameError::UniqueId)
        );
        assert_eq!(
            report_file_name("a.example", "b.example", &range, Some(""), true),
            Err(FileNameError::UniqueId)
        );
        let before = DateRange { start: -1, end: 1 };
        assert_eq!(
            report_file_name("a.example", "b.example", &before, None, true),
            Err(FileNameError::Timestamp)
        );
    }
}
