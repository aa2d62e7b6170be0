//! Writing a report: the §4.4 JSON (schema-valid: arrays stay arrays,
//! absent fields omitted, date-times RFC 3339 with `Z`) and its gzip.

use alloc::string::String;
use alloc::vec::Vec;
use std::io::Write as _;

use super::model::Report;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A date-time outside years 0000-9999, which RFC 3339 cannot write.
    #[error("cannot write the report as json: {0}")]
    Json(#[from] serde_json::Error),
    /// The gzip encoder failed.
    #[error("gzip: {0}")]
    Gzip(#[from] std::io::Error),
}

impl Report {
    /// The report as compact JSON (RFC 8460 §4.4 key names and shapes).
    pub fn to_json(&self) -> Result<String, WriteError> {
        Ok(serde_json::to_string(self)?)
    }

    /// The report as JSON, then gzip: the `application/tlsrpt+gzip` body
    /// (RFC 8460 §5.3).
    pub fn to_gzip(&self) -> Result<Vec<u8>, WriteError> {
        let json = self.to_json()?;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(json.as_bytes())?;
        Ok(enc.finish()?)
    }

    /// Reads a report's JSON with the default limits (see
    /// [`parse_report_json`](super::parse_report_json)).
    pub fn from_json(json: &[u8]) -> Result<Report, super::ReportError> {
        super::parse_report_json(json, &super::ReportLimits::default())
    }
}
