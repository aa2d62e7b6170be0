//! What goes around a report when it is sent: its gzip file, the file's name
//! (RFC 7489 §7.2.1.1 with its erratum 7099, RFC 9990) and the mail's
//! `Subject` (RFC 7489 §7.2.1.1).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;
use std::io::Write as _;

use super::model::AggregateReport;
use super::xml_write::ReportFormat;

/// The kind of file a report is sent as, which names its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFileKind {
    /// Plain XML: `.xml`.
    Xml,
    /// Gzip-compressed XML: `.xml.gz`.
    XmlGzip,
}

impl AggregateReport {
    /// The report's XML, gzip-compressed (the form RFC 7489 §7.2.1.1 asks
    /// for in mail). The error can only come from the compressor.
    pub fn to_gzip(&self, format: ReportFormat) -> std::io::Result<Vec<u8>> {
        let xml = self.to_xml(format);
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(xml.len() / 8),
            flate2::Compression::default(),
        );
        encoder.write_all(xml.as_bytes())?;
        encoder.finish()
    }

    /// The report file's name: `receiver "!" policy-domain "!" begin "!" end
    /// [ "!" unique-id ] "." extension`, where the policy domain and the
    /// dates come from the report. Characters that a MIME `token` cannot
    /// hold (and `!`, the separator) are left out of `unique_id`; `receiver`
    /// and the policy domain are written as given, less any `!`, white space
    /// or control character.
    pub fn file_name(
        &self,
        receiver: &str,
        unique_id: Option<&str>,
        kind: ReportFileKind,
    ) -> String {
        let mut name = String::new();
        push_filtered(&mut name, receiver, |c| {
            c != '!' && !c.is_whitespace() && !c.is_control()
        });
        name.push('!');
        push_filtered(&mut name, &self.policy_published.domain, |c| {
            c != '!' && !c.is_whitespace() && !c.is_control()
        });
        let range = self.metadata.date_range;
        let _ = write!(name, "!{}!{}", range.begin, range.end);
        if let Some(id) = unique_id.filter(|id| id.chars().any(is_token_char)) {
            name.push('!');
            push_filtered(&mut name, id, is_token_char);
        }
        name.push_str(match kind {
            ReportFileKind::Xml => ".xml",
            ReportFileKind::XmlGzip => ".xml.gz",
        });
        name
    }

    /// The report mail's `Subject` value: `Report Domain: <policy domain>
    /// Submitter: <submitter> Report-ID: <report id>`, the report id inside
    /// angle brackets (a `msg-id`) unless it already has them. Control
    /// characters are dropped, so the value cannot break the header.
    pub fn subject(&self, submitter: &str) -> String {
        let visible = |c: char| !c.is_control();
        let mut subject = String::from("Report Domain: ");
        push_filtered(&mut subject, &self.policy_published.domain, visible);
        subject.push_str(" Submitter: ");
        push_filtered(&mut subject, submitter, visible);
        subject.push_str(" Report-ID: ");
        let id = self.metadata.report_id.as_str();
        let bracketed = id.starts_with('<') && id.ends_with('>') && id.len() >= 2;
        if !bracketed {
            subject.push('<');
        }
        push_filtered(&mut subject, id, visible);
        if !bracketed {
            subject.push('>');
        }
        subject
    }
}

fn push_filtered(out: &mut String, text: &str, keep: impl Fn(char) -> bool) {
    out.extend(text.chars().filter(|&c| keep(c)));
}

/// A MIME `token` character (RFC 2045 §5.1), less `!`.
fn is_token_char(c: char) -> bool {
    c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?=!".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmarc::Policy;
    use crate::dmarc::report::{DateRange, PolicyPublished, ReportMetadata};

    fn report() -> AggregateReport {
        AggregateReport {
            version: None,
            metadata: ReportMetadata {
                org_name: "Receiver".into(),
                email: "dmarc@receiver.example".into(),
                report_id: "r-1".into(),
                date_range: DateRange {
                    begin: 1_013_662_812,
                    end: 1_013_749_130,
                },
                ..ReportMetadata::default()
            },
            policy_published: PolicyPublished::new("example.com", Policy::Reject),
            records: Vec::new(),
        }
    }

    #[test]
    fn file_name_follows_the_rfc_example() {
        let r = report();
        assert_eq!(
            r.file_name("mail.receiver.example", None, ReportFileKind::XmlGzip),
            "mail.receiver.example!example.com!1013662812!1013749130.xml.gz"
        );
        assert_eq!(
            r.file_name(
                "mail.receiver.example",
                Some("a b!c/d"),
                ReportFileKind::Xml
            ),
            "mail.receiver.example!example.com!1013662812!1013749130!abcd.xml"
        );
    }

    #[test]
    fn subject_brackets_the_report_id_and_drops_line_breaks() {
        let mut r = report();
        assert_eq!(
            r.subject("receiver.example"),
            "Report Domain: example.com Submitter: receiver.example Report-ID: <r-1>"
        );
        r.metadata.report_id = "<x@y>\r\nBcc: evil".into();
        assert_eq!(
            r.subject("receiver.example"),
            "Report Domain: example.com Submitter: receiver.example Report-ID: <<x@y>Bcc: evil>"
        );
    }

    #[test]
    fn gzip_starts_with_the_magic() {
        let gz = report().to_gzip(ReportFormat::Rfc9990).unwrap();
        assert_eq!(&gz[..2], &[0x1f, 0x8b]);
    }
}
