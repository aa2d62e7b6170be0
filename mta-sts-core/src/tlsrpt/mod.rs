//! SMTP TLS reporting (RFC 8460): the `_smtp._tls` record and the report.
//!
//! - The record: [`parse_record_set`] (or [`parse_txt_set`] over DNS
//!   answers) applies the §3 record-set rule and parses the one record into
//!   a [`TlsRptRecord`], whose [`TlsRptRecord::usable_rua`] lists the
//!   `mailto:` and `https:` destinations. This part needs only `alloc`.
//! - Receiving (feature `reports`): [`parse_report`] takes a report file as
//!   received (JSON, or gzip of it, told apart by its magic bytes) and reads
//!   it tolerantly into a [`Report`], under [`ReportLimits`]. Serializing a
//!   [`Report`] (serde) gives the normalised §4.4 JSON.
//! - Sending (feature `reports`): [`ReportBuilder`] counts sessions per
//!   policy and failure details into the report for a [`DateRange`];
//!   [`Report::to_json`] and [`Report::to_gzip`] write it;
//!   [`report_file_name`] names it (§5.1); [`ReportMail`] builds the report
//!   mail (§5.3) for the caller to DKIM-sign.
//!
//! # Limits
//!
//! The record: [`MAX_RECORD_LEN`] bytes, [`MAX_RUA`] URIs. A received report:
//! [`ReportLimits`] (8 MiB of JSON, also the cap on what gzip may inflate
//! to; 400,000 JSON values; 10,000 policies; 100,000 failure details;
//! 1,000 items per string list; 64 KiB per string); JSON nesting is bounded
//! by `serde_json` (128). The builder: [`DEFAULT_MAX_POLICY_ENTRIES`] and
//! [`DEFAULT_MAX_DETAIL_ENTRIES`].
//!
//! # Not here
//!
//! DNS and HTTPS transport, SMTP, DKIM signing (the caller signs the mail,
//! for instance with `mail_auth_core::dkim`), scheduling, and storing
//! sessions between runs.

mod record;

pub use record::{
    MAX_RECORD_LEN, MAX_RUA, RecordError, RecordSetError, ReportUri, TlsRptRecord, UriKind,
    is_tlsrpt_record, parse_record, parse_record_set, parse_txt_set,
};

#[cfg(feature = "reports")]
mod aggregate;
#[cfg(feature = "reports")]
mod datetime;
#[cfg(feature = "reports")]
mod decompress;
#[cfg(feature = "reports")]
mod limits;
#[cfg(feature = "reports")]
mod mail;
#[cfg(feature = "reports")]
mod model;
#[cfg(feature = "reports")]
mod naming;
#[cfg(feature = "reports")]
mod read;
#[cfg(feature = "reports")]
mod write;

#[cfg(feature = "reports")]
pub use aggregate::{
    DEFAULT_MAX_DETAIL_ENTRIES, DEFAULT_MAX_POLICY_ENTRIES, Recorded, ReportBuilder, ReportHeader,
};
#[cfg(feature = "reports")]
pub use decompress::decompress_report;
#[cfg(feature = "reports")]
pub use limits::{
    DEFAULT_MAX_FAILURE_DETAILS, DEFAULT_MAX_JSON_SIZE, DEFAULT_MAX_JSON_VALUES,
    DEFAULT_MAX_LIST_ITEMS, DEFAULT_MAX_POLICIES, DEFAULT_MAX_STRING_LEN, ReportError,
    ReportLimits,
};
#[cfg(feature = "reports")]
pub use mail::{MailError, ReportMail};
#[cfg(feature = "reports")]
pub use model::{
    DateRange, FailureDetail, Policy, PolicyResult, PolicyType, Report, ResultType, Summary,
};
#[cfg(feature = "reports")]
pub use naming::{FileNameError, report_file_name};
#[cfg(feature = "reports")]
pub use read::{parse_report, parse_report_json};
#[cfg(feature = "reports")]
pub use write::WriteError;
