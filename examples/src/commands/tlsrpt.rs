//! `mailsec tlsrpt txt|report`.

use std::path::Path;

use mta_sts_core::tlsrpt::{ReportLimits, parse_record_set, parse_report};
use serde_json::json;

use crate::cli::TlsrptCommand;
use crate::support::{Failure, print_json, read_input};

/// Runs one `tlsrpt` subcommand.
pub(crate) fn run(cmd: &TlsrptCommand) -> Result<(), Failure> {
    match cmd {
        TlsrptCommand::Txt { records } => txt(records),
        TlsrptCommand::Report { file } => report(file.as_deref()),
    }
}

/// The record set of `_smtp._tls.<domain>`, one argument per record: the
/// usable `rua` URIs, or exit 1.
fn txt(records: &[String]) -> Result<(), Failure> {
    let record = parse_record_set(records.iter().map(String::as_bytes))
        .map_err(|e| Failure::new(format!("TLS-RPT record: {e}")))?;
    let rua: Vec<&str> = record.usable_rua().map(|u| u.as_str()).collect();
    if rua.is_empty() {
        return Err(Failure::new(
            "TLS-RPT record: no usable rua uri (mailto: or https:)",
        ));
    }
    print_json(&json!({ "version": "TLSRPTv1", "rua": rua }))
}

/// A report (JSON or gzip of it), printed normalised, or exit 1.
fn report(path: Option<&Path>) -> Result<(), Failure> {
    let bytes = read_input(path)?;
    let report = parse_report(&bytes, &ReportLimits::default())
        .map_err(|e| Failure::new(format!("TLS report: {e}")))?;
    let value =
        serde_json::to_value(&report).map_err(|e| Failure::new(format!("TLS report: {e}")))?;
    print_json(&value)
}
