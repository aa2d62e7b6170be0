//! The bounds that keep reading a received report linear and small, and the
//! errors reading and decompressing return.

use alloc::string::String;

/// Default [`ReportLimits::max_xml_size`]: 32 MiB of XML.
pub const DEFAULT_MAX_XML_SIZE: usize = 32 * 1024 * 1024;
/// Default [`ReportLimits::max_records`].
pub const DEFAULT_MAX_RECORDS: usize = 500_000;
/// Default [`ReportLimits::max_depth`]: element nesting.
pub const DEFAULT_MAX_DEPTH: usize = 32;
/// Default [`ReportLimits::max_text_len`]: bytes of text in one element.
pub const DEFAULT_MAX_TEXT_LEN: usize = 64 * 1024;
/// Default [`ReportLimits::max_list_items`].
pub const DEFAULT_MAX_LIST_ITEMS: usize = 1_000;
/// Default [`ReportLimits::max_zip_entries`].
pub const DEFAULT_MAX_ZIP_ENTRIES: usize = 16;

/// Limits applied while decompressing and reading a received report. Every
/// one is checked as the input is consumed, so a hostile report fails early
/// with a [`ReportError`] instead of taking memory or time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportLimits {
    /// Largest XML document, in bytes: the plain input, or what gzip or zip
    /// inflates to (decompression stops as soon as it passes this), and also
    /// the largest compressed input accepted.
    pub max_xml_size: usize,
    /// Most `<record>` elements.
    pub max_records: usize,
    /// Deepest element nesting (`<feedback>` is depth 1), unknown elements
    /// included.
    pub max_depth: usize,
    /// Longest text of one element, in bytes after entity expansion.
    pub max_text_len: usize,
    /// Most entries of one repeated list: `<error>` in the metadata, and
    /// `<reason>`, `<auth_results><dkim>` and `<auth_results><spf>` in a
    /// record (each counted on its own).
    pub max_list_items: usize,
    /// Most zip entries looked at for the report.
    pub max_zip_entries: usize,
}

impl Default for ReportLimits {
    fn default() -> Self {
        ReportLimits {
            max_xml_size: DEFAULT_MAX_XML_SIZE,
            max_records: DEFAULT_MAX_RECORDS,
            max_depth: DEFAULT_MAX_DEPTH,
            max_text_len: DEFAULT_MAX_TEXT_LEN,
            max_list_items: DEFAULT_MAX_LIST_ITEMS,
            max_zip_entries: DEFAULT_MAX_ZIP_ENTRIES,
        }
    }
}

/// Why a received report could not be read. Positions are byte offsets into
/// the (decompressed) XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The XML, or what the compressed input inflates to, is larger than
    /// [`ReportLimits::max_xml_size`].
    #[error("report larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// The gzip stream is corrupt.
    #[error("gzip: {0}")]
    Gzip(String),
    /// The zip archive is corrupt or unsupported.
    #[error("zip: {0}")]
    Zip(String),
    /// The zip entry holding the report is encrypted.
    #[error("zip entry {name:?} is encrypted")]
    ZipEncrypted {
        /// The entry's name.
        name: String,
    },
    /// The zip archive has no file entry to read.
    #[error("zip archive holds no report")]
    ZipEmpty,
    /// The zip archive has more entries than
    /// [`ReportLimits::max_zip_entries`] before one that could be the report.
    #[error("zip archive has more than {limit} entries")]
    ZipTooManyEntries {
        /// The limit.
        limit: usize,
    },
    /// The document is not UTF-8 (nor Latin-1 declared as such).
    #[error("text is not utf-8 at byte {position}")]
    Encoding {
        /// Where.
        position: u64,
    },
    /// The document is not well-formed XML.
    #[error("malformed xml at byte {position}: {message}")]
    Xml {
        /// Where.
        position: u64,
        /// What the XML reader says.
        message: String,
    },
    /// A `<!DOCTYPE>`: refused, so that no entity can be declared.
    #[error("doctype refused at byte {position}")]
    Doctype {
        /// Where.
        position: u64,
    },
    /// An entity reference other than the five XML predefines and
    /// character references.
    #[error("undeclared entity {name:?} at byte {position}")]
    Entity {
        /// The entity's name.
        name: String,
        /// Where.
        position: u64,
    },
    /// A character XML 1.0 does not allow (a control character, U+FFFE,
    /// U+FFFF), written or as a character reference.
    #[error("character not allowed in xml at byte {position}")]
    InvalidChar {
        /// Where.
        position: u64,
    },
    /// Elements nest deeper than [`ReportLimits::max_depth`].
    #[error("elements nested deeper than {limit} at byte {position}")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Where.
        position: u64,
    },
    /// One element's text is longer than [`ReportLimits::max_text_len`].
    #[error("element text longer than {limit} bytes at byte {position}")]
    TextTooLong {
        /// The limit.
        limit: usize,
        /// Where.
        position: u64,
    },
    /// More `<record>` elements than [`ReportLimits::max_records`].
    #[error("more than {limit} records at byte {position}")]
    TooManyRecords {
        /// The limit.
        limit: usize,
        /// Where.
        position: u64,
    },
    /// A repeated element more often than [`ReportLimits::max_list_items`].
    #[error("more than {limit} <{element}> elements at byte {position}")]
    TooManyItems {
        /// The element.
        element: &'static str,
        /// The limit.
        limit: usize,
        /// Where.
        position: u64,
    },
    /// The root element is not `<feedback>`.
    #[error("not an aggregate report: the root element is not <feedback>")]
    NotAReport,
    /// A required element is absent.
    #[error("missing <{element}> in the element ending at byte {position}")]
    Missing {
        /// The element.
        element: &'static str,
        /// Where its parent ends.
        position: u64,
    },
    /// An element's text is not a value of its type.
    #[error("invalid <{element}> value at byte {position}")]
    InvalidValue {
        /// The element.
        element: &'static str,
        /// Where it ends.
        position: u64,
    },
}
