//! DMARC aggregate reports (RFC 9990, RFC 7489 Appendix C).
//!
//! - [`AggregateReport`] and its parts model a report: metadata, the policy
//!   published, and records of rows, identifiers and authentication results.
//!   Result words the schemas do not list are kept as `Other(String)`.
//! - Sending: [`AggregateReportBuilder`] turns evaluations
//!   ([`EvaluationRecord`]) into rows with counts, under a cap on distinct
//!   rows; [`AggregateReport::to_xml`] writes the RFC 9990 shape (namespace
//!   `urn:ietf:params:xml:ns:dmarc-2.0`, `<version>1.0</version>`) or the
//!   RFC 7489 one ([`ReportFormat`]); [`AggregateReport::to_gzip`],
//!   [`AggregateReport::file_name`] and [`AggregateReport::subject`] give
//!   the attachment, its name and the mail's `Subject`.
//! - Receiving: [`parse_report`] takes a report file as received (gzip, zip
//!   or plain XML, told apart by their magic bytes; see
//!   [`decompress_report`]) and reads it with [`parse_report_xml`], which
//!   tolerates the variations of real reports (namespaces or none, absent
//!   optional elements, white space, upper-case words, unknown elements).
//! - [`external_destination_query_name`] and [`verify_external_destination`]
//!   check that a third-party `rua` destination accepts reports.
//!
//! # Limits
//!
//! Reading is bounded by [`ReportLimits`]: the XML size, also the cap on
//! what gzip or zip may inflate to (32 MiB by default), the number of
//! records (500,000), element depth (32), the text of one element
//! (64 KiB), repeated elements in one record or in the metadata (1,000) and
//! zip entries examined (16). Past a limit, reading stops with a
//! [`ReportError`]. A `<!DOCTYPE>` is refused, so no entity can be declared
//! and none but the five XML predefines and character references is
//! expanded: no external entities, no entity expansion bombs.
//!
//! # Not here
//!
//! Sending the report mail (MIME, SMTP), choosing report periods and
//! scheduling, storing evaluations, deciding whether a `rua` destination is
//! in another organizational domain, and `<extensions>` (skipped when read,
//! never written) are left to the caller.

mod accumulator;
mod decompress;
mod destination;
mod from_evaluation;
mod limits;
mod model;
mod naming;
mod xml_read;
mod xml_write;

pub use accumulator::{AggregateReportBuilder, DEFAULT_MAX_ROWS, EvaluationRecord};
pub use decompress::decompress_report;
pub use destination::{external_destination_query_name, verify_external_destination};
pub use limits::{
    DEFAULT_MAX_DEPTH, DEFAULT_MAX_LIST_ITEMS, DEFAULT_MAX_RECORDS, DEFAULT_MAX_TEXT_LEN,
    DEFAULT_MAX_XML_SIZE, DEFAULT_MAX_ZIP_ENTRIES, ReportError, ReportLimits,
};
pub use model::{
    AggregateReport, AlignedResult, AuthResults, DateRange, DiscoveryMethod, DkimAuthResult,
    DkimResult, Identifiers, PolicyEvaluated, PolicyOverride, PolicyOverrideReason,
    PolicyPublished, Record, ReportMetadata, Row, SpfAuthResult, SpfResult, SpfScope,
};
pub use naming::ReportFileKind;
pub use xml_read::parse_report_xml;
pub use xml_write::{RFC9990_NAMESPACE, ReportFormat};

/// Reads a received report file: decompresses it if it is gzip or zip
/// ([`decompress_report`]), then parses the XML ([`parse_report_xml`]), all
/// under `limits`.
pub fn parse_report(data: &[u8], limits: &ReportLimits) -> Result<AggregateReport, ReportError> {
    let xml = decompress_report(data, limits)?;
    parse_report_xml(&xml, limits)
}
