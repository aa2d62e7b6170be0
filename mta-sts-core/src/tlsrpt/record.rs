//! The `_smtp._tls` TXT record (RFC 8460 §3) and the record-set rule.
//!
//! ```text
//! tlsrpt-record     = tlsrpt-version 1*(field-delim tlsrpt-field)
//!                     [field-delim]
//! field-delim       = *WSP ";" *WSP
//! tlsrpt-field      = tlsrpt-rua /        ; Note that the
//!                     tlsrpt-extension    ; tlsrpt-rua field is
//!                                         ; required.
//! tlsrpt-version    = %s"v=TLSRPTv1"
//! tlsrpt-rua        = %s"rua="
//!                     tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
//! tlsrpt-uri        = URI
//!                   ; "URI" is imported from [RFC3986];
//!                   ; commas (ASCII 0x2C) and exclamation
//!                   ; points (ASCII 0x21) MUST be encoded
//! tlsrpt-extension  = tlsrpt-ext-name "=" tlsrpt-ext-value
//! tlsrpt-ext-name   = (ALPHA / DIGIT) *31(ALPHA /
//!                     DIGIT / "_" / "-" / ".")
//! tlsrpt-ext-value  = 1*(%x21-3A / %x3C / %x3E-7E)
//! ```
//!
//! # Readings
//!
//! - The record set (§3): records that do not begin with `v=TLSRPTv1`
//!   followed by a field delimiter (or the end) are discarded; exactly one
//!   must remain, else the domain does not take part. A record's
//!   character-strings are joined with nothing between them.
//! - `v=` and `rua=` are case-sensitive (`%s`). Unknown extensions are kept
//!   and otherwise ignored, as §3 asks.
//! - A `;` inside a URI ends the field, so a URI carries `;`, `,` and `!`
//!   percent-encoded. URIs are checked against the RFC 3986 character set
//!   (with `%XX` well formed) and kept as written.
//! - Empty fields (`;;`) are tolerated. A second `rua=` is an error: which one
//!   was meant cannot be told.
//! - Only `mailto:` and `https:` URIs are usable (§3); others are kept so the
//!   caller can see them, and [`TlsRptRecord::usable_rua`] skips them.
//!
//! # Limits
//!
//! One pass over the bytes; the record is at most [`MAX_RECORD_LEN`] bytes
//! and lists at most [`MAX_RUA`] URIs.
//!
//! # Not here
//!
//! The DNS query itself (`_smtp._tls.<domain>`, through `mailsec_dns`), and
//! sending to the URIs.

use alloc::string::String;
use alloc::vec::Vec;

/// Longest record accepted, in bytes after joining its strings.
pub const MAX_RECORD_LEN: usize = 8 * 1024;
/// Most URIs in `rua=`.
pub const MAX_RUA: usize = 64;

const VERSION: &[u8] = b"v=TLSRPTv1";

/// A parsed TLS-RPT policy record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsRptRecord {
    /// The `rua=` URIs, in record order, as written.
    pub rua: Vec<ReportUri>,
    /// Extension fields, name and value, in record order.
    pub extensions: Vec<(String, String)>,
}

impl TlsRptRecord {
    /// The `mailto:` and `https:` URIs, in record order.
    pub fn usable_rua(&self) -> impl Iterator<Item = &ReportUri> {
        self.rua.iter().filter(|u| u.is_usable())
    }
}

/// What a `rua` URI is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriKind {
    /// `mailto:`: the report goes by mail (RFC 8460 §5.3).
    Mailto,
    /// `https:`: the report is POSTed (RFC 8460 §5.4).
    Https,
    /// Another scheme: not usable.
    Other,
}

/// One `rua` URI, as written in the record (percent-encoding kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportUri(String);

impl ReportUri {
    /// The URI as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its scheme, as written.
    pub fn scheme(&self) -> &str {
        self.0.split(':').next().unwrap_or("")
    }

    /// Whether it is a `mailto:`, an `https:` or another URI (schemes
    /// compare case-insensitively).
    pub fn kind(&self) -> UriKind {
        let scheme = self.scheme();
        if scheme.eq_ignore_ascii_case("mailto") {
            UriKind::Mailto
        } else if scheme.eq_ignore_ascii_case("https") {
            UriKind::Https
        } else {
            UriKind::Other
        }
    }

    /// Whether a report can go there: a `mailto:` URI with an address, or an
    /// `https:` URI with a host.
    pub fn is_usable(&self) -> bool {
        match self.kind() {
            UriKind::Mailto => self.mailto_address().is_some(),
            UriKind::Https => {
                let rest = self
                    .0
                    .get(self.scheme().len().saturating_add(1)..)
                    .unwrap_or("");
                let authority = rest.strip_prefix("//").unwrap_or("");
                let host = authority.split(['/', '?', '#']).next().unwrap_or("");
                let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
                !host.is_empty() && !host.starts_with(':')
            }
            UriKind::Other => false,
        }
    }

    /// For a `mailto:` URI, the address: the part before any `?`,
    /// percent-decoded. `None` for other URIs, or when the decoded address
    /// is not UTF-8 or is empty.
    pub fn mailto_address(&self) -> Option<String> {
        if self.kind() != UriKind::Mailto {
            return None;
        }
        let rest = self.0.get(self.scheme().len().saturating_add(1)..)?;
        let addr = rest.split('?').next().unwrap_or("");
        let bytes = percent_decode(addr.as_bytes())?;
        let text = String::from_utf8(bytes).ok()?;
        (!text.is_empty()).then_some(text)
    }
}

fn percent_decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    let mut iter = input.iter();
    while let Some(&b) = iter.next() {
        if b == b'%' {
            let hi = hex_value(*iter.next()?)?;
            let lo = hex_value(*iter.next()?)?;
            out.push((hi << 4) | lo);
        } else {
            out.push(b);
        }
    }
    Some(out)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Why one record does not parse. Positions are byte offsets into the
/// (joined) record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The record is longer than [`MAX_RECORD_LEN`].
    #[error("record longer than {limit} bytes")]
    TooLong {
        /// The limit.
        limit: usize,
    },
    /// It does not begin with `v=TLSRPTv1` and a delimiter.
    #[error("record does not begin with v=TLSRPTv1")]
    NotTlsRpt,
    /// A byte outside printable ASCII (or a tab between fields).
    #[error("character not allowed at byte {position}")]
    InvalidChar {
        /// Where.
        position: usize,
    },
    /// A field without `=`, or with a name or value the grammar refuses.
    #[error("malformed field at byte {position}")]
    MalformedField {
        /// Where the field begins.
        position: usize,
    },
    /// A `rua` URI that is not an RFC 3986 URI (or carries an unencoded `!`).
    #[error("malformed rua uri at byte {position}")]
    MalformedUri {
        /// Where the URI begins.
        position: usize,
    },
    /// More than one `rua=` field.
    #[error("duplicate rua field at byte {position}")]
    DuplicateRua {
        /// Where the second begins.
        position: usize,
    },
    /// More URIs than [`MAX_RUA`].
    #[error("more than {limit} rua uris")]
    TooManyUris {
        /// The limit.
        limit: usize,
    },
    /// No `rua=` field: it is required.
    #[error("missing rua field")]
    MissingRua,
}

/// Why a record set yields no record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordSetError {
    /// No record begins with `v=TLSRPTv1`: the domain does not take part.
    #[error("no TLS-RPT record")]
    NoRecord,
    /// More than one record begins with `v=TLSRPTv1`: per RFC 8460 §3 the
    /// domain is treated as not taking part.
    #[error("{count} TLS-RPT records, exactly one is allowed")]
    MultipleRecords {
        /// How many there were.
        count: usize,
    },
    /// The one record does not parse.
    #[error("invalid TLS-RPT record: {0}")]
    Invalid(#[from] RecordError),
}

/// Whether a record begins with `v=TLSRPTv1` followed by a delimiter (or
/// nothing): the §3 test for keeping a record of the set.
pub fn is_tlsrpt_record(record: &[u8]) -> bool {
    match record.strip_prefix(VERSION) {
        Some(rest) => matches!(rest.first(), None | Some(b';' | b' ' | b'\t')),
        None => false,
    }
}

/// Applies RFC 8460 §3 to a TXT record set: each item is one record, its
/// character-strings already joined (see [`parse_txt_set`] for DNS answers).
pub fn parse_record_set<I, R>(records: I) -> Result<TlsRptRecord, RecordSetError>
where
    I: IntoIterator<Item = R>,
    R: AsRef<[u8]>,
{
    let mut chosen: Option<R> = None;
    let mut count = 0usize;
    for record in records {
        // RFC 8460 §3: "Records that do not begin with "v=TLSRPTv1;" are
        // discarded", read literally, as RFC 8461 §3.1 is for MTA-STS.
        if record.as_ref().starts_with(b"v=TLSRPTv1;") {
            count = count.saturating_add(1);
            if chosen.is_none() {
                chosen = Some(record);
            }
        }
    }
    match (chosen, count) {
        (Some(record), 1) => Ok(parse_record(record.as_ref())?),
        (None, _) => Err(RecordSetError::NoRecord),
        (Some(_), count) => Err(RecordSetError::MultipleRecords { count }),
    }
}

/// [`parse_record_set`] over DNS TXT answers: each record's strings are
/// joined without spaces.
pub fn parse_txt_set<'a>(
    records: impl IntoIterator<Item = &'a mailsec_dns::Txt>,
) -> Result<TlsRptRecord, RecordSetError> {
    parse_record_set(records.into_iter().map(mailsec_dns::Txt::joined))
}

/// Parses one record (its strings joined).
pub fn parse_record(record: &[u8]) -> Result<TlsRptRecord, RecordError> {
    if record.len() > MAX_RECORD_LEN {
        return Err(RecordError::TooLong {
            limit: MAX_RECORD_LEN,
        });
    }
    if !is_tlsrpt_record(record) {
        return Err(RecordError::NotTlsRpt);
    }
    if let Some(position) = record
        .iter()
        .position(|&b| !(b == b'\t' || (0x20..0x7f).contains(&b)))
    {
        return Err(RecordError::InvalidChar { position });
    }
    let mut rua: Option<Vec<ReportUri>> = None;
    let mut extensions = Vec::new();
    let mut start = VERSION.len();
    // Fields are separated by ';'; white space around them is the delimiter.
    while start < record.len() {
        let end = record
            .get(start..)
            .and_then(|rest| rest.iter().position(|&b| b == b';'))
            .map_or(record.len(), |i| start.saturating_add(i));
        let field = record.get(start..end).unwrap_or_default();
        let lead = field.iter().take_while(|&&b| is_wsp(b)).count();
        let field_start = start.saturating_add(lead);
        let field = trim_wsp(field);
        start = end.saturating_add(1);
        if field.is_empty() {
            continue;
        }
        let eq = field
            .iter()
            .position(|&b| b == b'=')
            .ok_or(RecordError::MalformedField {
                position: field_start,
            })?;
        let (name, value) = (
            field.get(..eq).unwrap_or_default(),
            field.get(eq.saturating_add(1)..).unwrap_or_default(),
        );
        if name == b"rua" {
            if rua.is_some() {
                return Err(RecordError::DuplicateRua {
                    position: field_start,
                });
            }
            rua = Some(parse_rua(value, field_start.saturating_add(4))?);
        } else if valid_ext_name(name) && valid_ext_value(value) {
            extensions.push((ascii(name), ascii(value)));
        } else {
            return Err(RecordError::MalformedField {
                position: field_start,
            });
        }
    }
    let rua = rua.ok_or(RecordError::MissingRua)?;
    Ok(TlsRptRecord { rua, extensions })
}

fn parse_rua(value: &[u8], offset: usize) -> Result<Vec<ReportUri>, RecordError> {
    let mut uris = Vec::new();
    let mut pos = 0usize;
    for part in value.split(|&b| b == b',') {
        let lead = part.iter().take_while(|&&b| is_wsp(b)).count();
        let position = offset.saturating_add(pos).saturating_add(lead);
        pos = pos.saturating_add(part.len()).saturating_add(1);
        let uri = trim_wsp(part);
        if !valid_uri(uri) {
            return Err(RecordError::MalformedUri { position });
        }
        if uris.len() >= MAX_RUA {
            return Err(RecordError::TooManyUris { limit: MAX_RUA });
        }
        uris.push(ReportUri(ascii(uri)));
    }
    Ok(uris)
}

/// RFC 3986 `URI`, checked for its character set: `scheme ":" rest`, where
/// the scheme is `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` and the rest is
/// made of unreserved, reserved (but `!` and `,`, which §3 wants encoded)
/// and well-formed `%XX`.
fn valid_uri(uri: &[u8]) -> bool {
    let Some(colon) = uri.iter().position(|&b| b == b':') else {
        return false;
    };
    let (scheme, rest) = (
        uri.get(..colon).unwrap_or_default(),
        uri.get(colon.saturating_add(1)..).unwrap_or_default(),
    );
    let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok || rest.is_empty() {
        return false;
    }
    let mut i = 0usize;
    while let Some(&b) = rest.get(i) {
        if b == b'%' {
            let ok = rest
                .get(i.saturating_add(1))
                .is_some_and(u8::is_ascii_hexdigit)
                && rest
                    .get(i.saturating_add(2))
                    .is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return false;
            }
            i = i.saturating_add(3);
            continue;
        }
        let allowed = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b':'
                    | b'/'
                    | b'?'
                    | b'#'
                    | b'['
                    | b']'
                    | b'@'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b'='
            );
        if !allowed {
            return false;
        }
        i = i.saturating_add(1);
    }
    true
}

fn valid_ext_name(name: &[u8]) -> bool {
    name.first().is_some_and(u8::is_ascii_alphanumeric)
        && name.len() <= 32
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

fn valid_ext_value(value: &[u8]) -> bool {
    !value.is_empty()
        && value
            .iter()
            .all(|&b| matches!(b, 0x21..=0x3a | 0x3c | 0x3e..=0x7e))
}

fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn trim_wsp(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_wsp(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_wsp(b))
        .map_or(start, |i| i.saturating_add(1));
    bytes.get(start..end).unwrap_or_default()
}

/// The bytes were checked to be printable ASCII.
fn ascii(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn uris(record: &TlsRptRecord) -> Vec<&str> {
        record.rua.iter().map(ReportUri::as_str).collect()
    }

    #[test]
    fn rfc_examples() {
        let r = parse_record(b"v=TLSRPTv1;rua=mailto:reports@example.com").unwrap();
        assert_eq!(uris(&r), ["mailto:reports@example.com"]);
        let r = parse_record(b"v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt").unwrap();
        assert_eq!(r.rua[0].kind(), UriKind::Https);
        let r = parse_record(
            b"v=TLSRPTv1; rua=mailto:reports@example.com,https://reporting.example.com/v1/tlsrpt",
        )
        .unwrap();
        assert_eq!(r.rua.len(), 2);
    }

    #[test]
    fn white_space_and_trailing_delimiter() {
        let r =
            parse_record(b"v=TLSRPTv1 ;\trua=mailto:a@x.example , mailto:b@x.example ; ").unwrap();
        assert_eq!(uris(&r), ["mailto:a@x.example", "mailto:b@x.example"]);
    }

    #[test]
    fn extensions_kept_and_ignored() {
        let r = parse_record(b"v=TLSRPTv1; foo=bar:baz; rua=mailto:a@x.example").unwrap();
        assert_eq!(r.extensions, vec![("foo".into(), "bar:baz".into())]);
    }

    #[test]
    fn percent_encoded_specials() {
        let r = parse_record(b"v=TLSRPTv1; rua=mailto:a%2Cb%21c%3Bd@x.example").unwrap();
        assert_eq!(r.rua[0].mailto_address().unwrap(), "a,b!c;d@x.example");
        assert_eq!(
            parse_record(b"v=TLSRPTv1; rua=mailto:a!b@x.example"),
            Err(RecordError::MalformedUri { position: 16 })
        );
        assert!(matches!(
            parse_record(b"v=TLSRPTv1; rua=mailto:a%2@x.example"),
            Err(RecordError::MalformedUri { .. })
        ));
    }

    #[test]
    fn errors() {
        assert_eq!(parse_record(b"v=TLSRPTv1"), Err(RecordError::MissingRua));
        assert_eq!(
            parse_record(b"v=TLSRPTv1; RUA=mailto:a@x.example"),
            Err(RecordError::MissingRua)
        );
        assert_eq!(
            parse_record(b"v=tlsrptv1; rua=mailto:a@x"),
            Err(RecordError::NotTlsRpt)
        );
        assert_eq!(
            parse_record(b"v=TLSRPTv1; rua"),
            Err(RecordError::MalformedField { position: 12 })
        );
        assert!(matches!(
            parse_record(b"v=TLSRPTv1; rua=mailto:a@x; rua=mailto:b@x"),
            Err(RecordError::DuplicateRua { .. })
        ));
        assert!(matches!(
            parse_record(b"v=TLSRPTv1; rua=mailto:a@x\xc3\xa9"),
            Err(RecordError::InvalidChar { position: 26 })
        ));
        assert!(matches!(
            parse_record(b"v=TLSRPTv1; rua=nocolon"),
            Err(RecordError::MalformedUri { .. })
        ));
        assert!(matches!(
            parse_record(b"v=TLSRPTv1; x=a b; rua=mailto:a@x"),
            Err(RecordError::MalformedField { .. })
        ));
    }

    #[test]
    fn limits() {
        let mut long = b"v=TLSRPTv1; rua=mailto:".to_vec();
        long.resize(MAX_RECORD_LEN + 1, b'a');
        assert_eq!(
            parse_record(&long),
            Err(RecordError::TooLong {
                limit: MAX_RECORD_LEN
            })
        );
        let mut many = b"v=TLSRPTv1; rua=mailto:a@x".to_vec();
        for _ in 0..MAX_RUA {
            many.extend_from_slice(b",mailto:a@x");
        }
        assert_eq!(
            parse_record(&many),
            Err(RecordError::TooManyUris { limit: MAX_RUA })
        );
    }

    #[test]
    fn record_set_rule() {
        let set = ["v=spf1 -all", "v=TLSRPTv1;rua=mailto:a@x.example"];
        assert_eq!(parse_record_set(set).unwrap().rua.len(), 1);
        assert_eq!(
            parse_record_set(["v=TLSRPTv1;rua=mailto:a@x", "v=TLSRPTv1; rua=mailto:b@x"]),
            Err(RecordSetError::MultipleRecords { count: 2 })
        );
        assert_eq!(
            parse_record_set(["v=TLSRPTv10;rua=mailto:a@x"]),
            Err(RecordSetError::NoRecord)
        );
        assert_eq!(
            parse_record_set(Vec::<&str>::new()),
            Err(RecordSetError::NoRecord)
        );
        assert_eq!(
            parse_record_set(["v=TLSRPTv1;"]),
            Err(RecordSetError::Invalid(RecordError::MissingRua))
        );
    }

    #[test]
    fn strings_joined_without_spaces() {
        let txt = mailsec_dns::Txt::new(vec![
            b"v=TLSRPTv1;rua=mailto:rep".to_vec(),
            b"orts@example.com".to_vec(),
        ]);
        let r = parse_txt_set([&txt]).unwrap();
        assert_eq!(uris(&r), ["mailto:reports@example.com"]);
    }

    #[test]
    fn usable_uris() {
        let r = parse_record(b"v=TLSRPTv1;rua=ftp://x.example/r,MAILTO:a@x,https://x.example/")
            .unwrap();
        let usable: Vec<_> = r.usable_rua().map(ReportUri::as_str).collect();
        assert_eq!(usable, ["MAILTO:a@x", "https://x.example/"]);
        assert_eq!(r.rua[0].mailto_address(), None);
    }
}
