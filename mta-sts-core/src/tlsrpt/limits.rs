//! The bounds on reading a received report, and the errors of reading.

use alloc::string::String;

/// Default [`ReportLimits::max_json_size`]: 8 MiB of JSON.
pub const DEFAULT_MAX_JSON_SIZE: usize = 8 * 1024 * 1024;
/// Default [`ReportLimits::max_json_values`].
pub const DEFAULT_MAX_JSON_VALUES: usize = 400_000;
/// Default [`ReportLimits::max_policies`].
pub const DEFAULT_MAX_POLICIES: usize = 10_000;
/// Default [`ReportLimits::max_failure_details`].
pub const DEFAULT_MAX_FAILURE_DETAILS: usize = 100_000;
/// Default [`ReportLimits::max_list_items`].
pub const DEFAULT_MAX_LIST_ITEMS: usize = 1_000;
/// Default [`ReportLimits::max_string_len`]: 64 KiB.
pub const DEFAULT_MAX_STRING_LEN: usize = 64 * 1024;

/// Limits applied while reading a received report. The size and the value
/// count are checked before the JSON is parsed (a linear scan that allocates
/// nothing), so the parsed document is bounded; the others while the
/// report is read from it. JSON nesting is bounded by `serde_json`'s own
/// limit of 128.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportLimits {
    /// Largest JSON document, in bytes: the plain input, what gzip inflates
    /// to (inflating stops as soon as it passes this), and the largest
    /// compressed input.
    pub max_json_size: usize,
    /// Most JSON values (objects, arrays, keys, strings, numbers, literals)
    /// in the document.
    pub max_json_values: usize,
    /// Most entries in `policies`.
    pub max_policies: usize,
    /// Most `failure-details` entries, all policies together.
    pub max_failure_details: usize,
    /// Most items of `policy-string` or `mx-host` in one policy.
    pub max_list_items: usize,
    /// Longest string value read, in bytes.
    pub max_string_len: usize,
}

impl Default for ReportLimits {
    fn default() -> Self {
        ReportLimits {
            max_json_size: DEFAULT_MAX_JSON_SIZE,
            max_json_values: DEFAULT_MAX_JSON_VALUES,
            max_policies: DEFAULT_MAX_POLICIES,
            max_failure_details: DEFAULT_MAX_FAILURE_DETAILS,
            max_list_items: DEFAULT_MAX_LIST_ITEMS,
            max_string_len: DEFAULT_MAX_STRING_LEN,
        }
    }
}

/// Why a received report could not be read. `path` names the JSON place,
/// as in `policies[0].failure-details[2].result-type`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The JSON, or what the gzip input inflates to, is larger than
    /// [`ReportLimits::max_json_size`].
    #[error("report larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// The JSON holds more than [`ReportLimits::max_json_values`] values.
    #[error("report holds more than {limit} json values")]
    TooManyValues {
        /// The limit.
        limit: usize,
    },
    /// The gzip stream is corrupt.
    #[error("gzip: {0}")]
    Gzip(String),
    /// The document is not JSON.
    #[error("malformed json: {message}")]
    Json {
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// What the JSON parser says (with the position).
        message: String,
    },
    /// A required member is absent.
    #[error("missing {path}")]
    Missing {
        /// Where.
        path: String,
    },
    /// A member's value is not of its type.
    #[error("invalid {path}")]
    Invalid {
        /// Where.
        path: String,
    },
    /// A list is longer than its limit.
    #[error("more than {limit} items in {path}")]
    TooMany {
        /// Where.
        path: String,
        /// The limit.
        limit: usize,
    },
    /// A string is longer than [`ReportLimits::max_string_len`].
    #[error("string longer than {limit} bytes at {path}")]
    StringTooLong {
        /// Where.
        path: String,
        /// The limit.
        limit: usize,
    },
}
