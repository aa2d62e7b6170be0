//! Writes an aggregate report as XML, in the RFC 9990 shape or the RFC 7489
//! Appendix C one.

use alloc::string::String;
use core::fmt::Write as _;

use super::model::{AggregateReport, PolicyPublished, Record, ReportMetadata};
use super::xml_read::is_xml_char;

/// The XML namespace of RFC 9990 reports.
pub const RFC9990_NAMESPACE: &str = "urn:ietf:params:xml:ns:dmarc-2.0";

/// Which schema the writer follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportFormat {
    /// RFC 9990: the `urn:ietf:params:xml:ns:dmarc-2.0` namespace,
    /// `<version>1.0</version>`, `np`, `testing`, `discovery_method`,
    /// `generator` and SPF `human_result`; no `pct`.
    #[default]
    Rfc9990,
    /// RFC 7489 Appendix C: no namespace, `<version>` only when the report
    /// has one, `pct`; the RFC 9990 additions are left out.
    Rfc7489,
}

impl AggregateReport {
    /// The report as an XML document (UTF-8, with an XML declaration).
    ///
    /// Text is escaped (`&`, `<`, `>`, and CR as `&#13;` so that it survives
    /// line-end normalization); characters XML 1.0 cannot carry at all
    /// (control characters, U+FFFE, U+FFFF) are written as U+FFFD. Empty
    /// optional values are left out, as the reader reads an empty optional
    /// element as absent; readers also trim white space around values.
    pub fn to_xml(&self, format: ReportFormat) -> String {
        let mut w = Writer {
            out: String::with_capacity(
                1024usize.saturating_add(self.records.len().saturating_mul(600)),
            ),
            depth: 0,
        };
        w.out
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        match format {
            ReportFormat::Rfc9990 => {
                w.out.push_str("<feedback xmlns=\"");
                w.out.push_str(RFC9990_NAMESPACE);
                w.out.push_str("\">\n");
                w.depth = 1;
                w.leaf("version", "1.0");
            }
            ReportFormat::Rfc7489 => {
                w.out.push_str("<feedback>\n");
                w.depth = 1;
                w.opt("version", self.version.as_deref());
            }
        }
        write_metadata(&mut w, &self.metadata, format);
        write_policy(&mut w, &self.policy_published, format);
        for record in &self.records {
            write_record(&mut w, record, format);
        }
        w.out.push_str("</feedback>\n");
        w.out
    }
}

fn write_metadata(w: &mut Writer, m: &ReportMetadata, format: ReportFormat) {
    w.open("report_metadata");
    w.leaf("org_name", &m.org_name);
    w.leaf("email", &m.email);
    w.opt("extra_contact_info", m.extra_contact_info.as_deref());
    w.leaf("report_id", &m.report_id);
    w.open("date_range");
    w.number("begin", m.date_range.begin);
    w.number("end", m.date_range.end);
    w.close("date_range");
    for error in &m.errors {
        w.leaf("error", error);
    }
    if format == ReportFormat::Rfc9990 {
        w.opt("generator", m.generator.as_deref());
    }
    w.close("report_metadata");
}

fn write_policy(w: &mut Writer, p: &PolicyPublished, format: ReportFormat) {
    let rfc9990 = format == ReportFormat::Rfc9990;
    w.open("policy_published");
    w.leaf("domain", &p.domain);
    if rfc9990 {
        w.opt(
            "discovery_method",
            p.discovery_method.as_ref().map(|d| d.as_str()),
        );
    }
    w.opt("adkim", p.adkim.map(|m| m.as_str()));
    w.opt("aspf", p.aspf.map(|m| m.as_str()));
    w.leaf("p", p.p.as_str());
    w.opt("sp", p.sp.map(|s| s.as_str()));
    if rfc9990 {
        w.opt("np", p.np.map(|s| s.as_str()));
        w.opt("testing", p.testing.map(|t| if t { "y" } else { "n" }));
    } else if let Some(pct) = p.pct {
        w.number("pct", u64::from(pct));
    }
    w.opt("fo", p.fo.as_deref());
    w.close("policy_published");
}

fn write_record(w: &mut Writer, r: &Record, format: ReportFormat) {
    w.open("record");
    w.open("row");
    let mut ip = String::new();
    let _ = write!(ip, "{}", r.row.source_ip);
    w.leaf("source_ip", &ip);
    w.number("count", r.row.count);
    let pe = &r.row.policy_evaluated;
    w.open("policy_evaluated");
    w.leaf("disposition", pe.disposition.as_str());
    w.leaf("dkim", pe.dkim.as_str());
    w.leaf("spf", pe.spf.as_str());
    for reason in &pe.reasons {
        w.open("reason");
        w.leaf("type", reason.kind.as_str());
        w.opt("comment", reason.comment.as_deref());
        w.close("reason");
    }
    w.close("policy_evaluated");
    w.close("row");
    w.open("identifiers");
    w.opt("envelope_to", r.identifiers.envelope_to.as_deref());
    w.opt("envelope_from", r.identifiers.envelope_from.as_deref());
    w.leaf("header_from", &r.identifiers.header_from);
    w.close("identifiers");
    w.open("auth_results");
    for dkim in &r.auth_results.dkim {
        w.open("dkim");
        w.leaf("domain", &dkim.domain);
        w.opt("selector", dkim.selector.as_deref());
        w.leaf("result", dkim.result.as_str());
        w.opt("human_result", dkim.human_result.as_deref());
        w.close("dkim");
    }
    for spf in &r.auth_results.spf {
        w.open("spf");
        w.leaf("domain", &spf.domain);
        w.opt("scope", spf.scope.as_ref().map(|s| s.as_str()));
        w.leaf("result", spf.result.as_str());
        if format == ReportFormat::Rfc9990 {
            w.opt("human_result", spf.human_result.as_deref());
        }
        w.close("spf");
    }
    w.close("auth_results");
    w.close("record");
}

/// Builds the document, indented two spaces a level.
struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn open(&mut self, name: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(">\n");
        self.depth = self.depth.saturating_add(1);
    }

    fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn leaf(&mut self, name: &str, text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn opt(&mut self, name: &str, text: Option<&str>) {
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            self.leaf(name, text);
        }
    }

    fn number(&mut self, name: &str, n: u64) {
        let mut s = String::new();
        let _ = write!(s, "{n}");
        self.leaf(name, &s);
    }
}

/// Escapes text content.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_cr_and_forbidden_characters() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&c\r\n\u{1}\u{FFFE}é");
        assert_eq!(out, "a&lt;b&gt;&amp;c&#13;\n\u{FFFD}\u{FFFD}é");
    }
}
