//! The report mail (RFC 8460 §5.3): a `multipart/report;
//! report-type="tlsrpt"` message with `TLS-Report-Domain`,
//! `TLS-Report-Submitter`, the Subject the RFC suggests, a short text part
//! and the gzipped report as an `application/tlsrpt+gzip` attachment in
//! base64, named as §5.1 says.
//!
//! ```text
//! tlsrpt-subject = %s"Report" FWS               ; "Report"
//!                  %s"Domain:" FWS              ; "Domain:"
//!                  domain-name FWS              ; per [RFC6376]
//!                  %s"Submitter:" FWS           ; "Submitter:"
//!                  domain-name FWS              ; per [RFC6376]
//!                  %s"Report-ID:" FWS           ; "Report-ID:
//!                  "<" id-left "@" id-right ">" ; per [RFC5322]
//!                  [CFWS]                       ; per [RFC5322]
//! ```
//!
//! # Signing
//!
//! §5.3 requires the report mail to carry a DKIM signature. This crate does
//! not sign: [`ReportMail::build`] returns the message bytes (CRLF line
//! endings) for the caller to sign, for instance with `mail_auth_core::dkim`
//! (`DkimSigner::sign` returns the `DKIM-Signature` field to prepend);
//! [`ReportMail::build_signed`] takes that step as a callback and prepends
//! what it returns.
//!
//! # Readings
//!
//! The Subject's Report-ID is the report's `report-id` when it is already
//! `left@right`, else `report-id@submitter`; characters a msg-id cannot hold
//! are replaced by `_`. The message is deterministic: the boundary comes from
//! the date range, and base64 lines never begin with `--`.
//!
//! # Not here
//!
//! SMTP, the envelope (a null reverse-path is not required), retries, and
//! the HTTPS POST of §5.4.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Display;

use super::datetime;
use super::model::Report;
use super::naming::{FileNameError, report_file_name};
use super::write::WriteError;

/// The envelope-like facts of a report mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportMail {
    /// `From:` address (addr-spec).
    pub from: String,
    /// `To:` addresses (addr-specs, from the `mailto:` URIs of `rua`).
    pub to: Vec<String>,
    /// The sending organisation's domain: `TLS-Report-Submitter`, the
    /// file name's sender, the Subject's Submitter.
    pub submitter: String,
    /// The policy domain reported on: `TLS-Report-Domain`.
    pub policy_domain: String,
    /// The `Date:` field, unix seconds (written in UTC).
    pub date: i64,
    /// The `Message-ID:` without angle brackets, if any.
    pub message_id: Option<String>,
    /// The file name's optional unique id (letters and digits).
    pub unique_id: Option<String>,
}

/// Why a report mail could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    /// A value that would break the header: not printable ASCII, or empty.
    #[error("{field} cannot go in a header field")]
    Header {
        /// Which value.
        field: &'static str,
    },
    /// No recipient.
    #[error("no recipient")]
    NoRecipient,
    /// The attachment's file name.
    #[error("file name: {0}")]
    FileName(#[from] FileNameError),
    /// The report could not be written.
    #[error("report: {0}")]
    Report(#[from] WriteError),
    /// The signing callback failed.
    #[error("signing: {0}")]
    Sign(String),
}

impl ReportMail {
    /// The report mail, unsigned (see the module's Signing section).
    pub fn build(&self, report: &Report) -> Result<Vec<u8>, MailError> {
        header_value(&self.from, "from")?;
        if self.to.is_empty() {
            return Err(MailError::NoRecipient);
        }
        for to in &self.to {
            header_value(to, "to")?;
        }
        if let Some(id) = &self.message_id {
            header_value(id, "message-id")?;
        }
        let name = report_file_name(
            &self.submitter,
            &self.policy_domain,
            &report.date_range,
            self.unique_id.as_deref(),
            true,
        )?;
        let submitter = self.submitter.trim_end_matches('.');
        let domain = self.policy_domain.trim_end_matches('.');
        let gzip = report.to_gzip()?;
        let boundary = format!(
            "----=_tlsrpt_{}_{}",
            report.date_range.start, report.date_range.end
        );
        let mut m = String::with_capacity(gzip.len().saturating_mul(4) / 3 + 2048);
        let mut line = |s: &str| {
            m.push_str(s);
            m.push_str("\r\n");
        };
        line(&format!("From: {}", self.from));
        line(&format!("To: {}", self.to.join(",\r\n ")));
        line(&format!("Date: {}", datetime::format_rfc5322(self.date)));
        line(&format!("Subject: Report Domain: {domain}"));
        line(&format!(" Submitter: {submitter}"));
        line(&format!(
            " Report-ID: <{}>",
            subject_report_id(&report.report_id, submitter)
        ));
        if let Some(id) = &self.message_id {
            line(&format!("Message-ID: <{id}>"));
        }
        line(&format!("TLS-Report-Domain: {domain}"));
        line(&format!("TLS-Report-Submitter: {submitter}"));
        line("MIME-Version: 1.0");
        line("Content-Type: multipart/report; report-type=\"tlsrpt\";");
        line(&format!(" boundary=\"{boundary}\""));
        line("");
        line("This is a multipart message in MIME format.");
        line("");
        line(&format!("--{boundary}"));
        line("Content-Type: text/plain; charset=\"us-ascii\"");
        line("Content-Transfer-Encoding: 7bit");
        line("");
        line(&format!("This is an aggregate TLS report from {submitter}"));
        line("");
        line(&format!("--{boundary}"));
        line("Content-Type: application/tlsrpt+gzip");
        line("Content-Transfer-Encoding: base64");
        line("Content-Disposition: attachment;");
        line(&format!(" filename=\"{name}\""));
        line("");
        for chunk in gzip.chunks(57) {
            line(&base64(chunk));
        }
        line(&format!("--{boundary}--"));
        Ok(m.into_bytes())
    }

    /// The report mail, signed: `sign` gets the unsigned message and returns
    /// the header field(s) to prepend, with their line endings (what
    /// `mail_auth_core::dkim::DkimSigner::sign` returns).
    pub fn build_signed<E: Display>(
        &self,
        report: &Report,
        sign: impl FnOnce(&[u8]) -> Result<String, E>,
    ) -> Result<Vec<u8>, MailError> {
        let message = self.build(report)?;
        let field = sign(&message).map_err(|e| MailError::Sign(e.to_string()))?;
        let mut out = field.into_bytes();
        out.extend_from_slice(&message);
        Ok(out)
    }
}

fn header_value(value: &str, field: &'static str) -> Result<(), MailError> {
    let ok = !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(MailError::Header { field })
    }
}

/// RFC 5322 `atext`.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

fn dot_atom(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if is_atext(c) || c == '.' { c } else { '_' })
        .collect();
    // No empty atoms: leading, trailing or doubled dots become `_`.
    let parts: Vec<String> = cleaned
        .split('.')
        .map(|p| if p.is_empty() { "_".into() } else { p.into() })
        .collect();
    parts.join(".")
}

fn subject_report_id(report_id: &str, submitter: &str) -> String {
    match report_id.rsplit_once('@') {
        Some((left, right)) if !left.is_empty() && !right.is_empty() => {
            format!("{}@{}", dot_atom(left), dot_atom(right))
        }
        _ => format!("{}@{}", dot_atom(report_id), dot_atom(submitter)),
    }
}

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sym = |i: usize| char::from(ALPHABET.get(i & 63).copied().unwrap_or(b'A'));
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = |i: usize| usize::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        out.push(if chunk.len() > 1 { sym(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(n) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_vectors() {
        // RFC 4648 §10.
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), enc);
        }
    }

    #[test]
    fn report_ids() {
        assert_eq!(
            subject_report_id("735ff.e317+bf22029@example.net", "s.example"),
            "735ff.e317+bf22029@example.net"
        );
        assert_eq!(
            subject_report_id("2024-01-01T00:00:00Z_example.com", "s.example"),
            "2024-01-01T00_00_00Z_example.com@s.example"
        );
        assert_eq!(
            subject_report_id(".a..b.", "s.example"),
            "_.a._.b._@s.example"
        );
        assert_eq!(subject_report_id("a b@", "s"), "a_b_@s");
    }
}
