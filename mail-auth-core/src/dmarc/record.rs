//! The DMARC policy record (RFC 9989 §4.7–4.8, RFC 7489 §6.3–6.4).
//!
//! ```text
//! dmarc-record  = dmarc-version dmarc-sep *(dmarc-tag dmarc-sep)
//! dmarc-version = "v" *WSP "=" *WSP %x44.4d.41.52.43.31   ; "DMARC1"
//! dmarc-sep     = *WSP ";" *WSP
//! dmarc-tag     = 1*ALPHA *WSP "=" *WSP 1*dmarc-value
//! dmarc-value   = %x20-3A / %x3C-7E                        ; no ";"
//! dmarc-uri     = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]  ; size: RFC 7489 only
//! ```
//!
//! Readings made here:
//!
//! - Quoted strings in ABNF are case-insensitive, so tag names and keyword
//!   values (`p=Reject`, `ADKIM=s`) are read in any case; `DMARC1` is written
//!   with `%x` codes and must be upper case.
//! - The final `dmarc-sep` may be left out (`v=DMARC1; p=none`), as nearly
//!   every published record does; empty segments (`;;`) are skipped.
//! - RFC 7489 put `p` right after `v`; RFC 9989 allows any order. Any order
//!   is accepted.
//! - Unknown tags are ignored (RFC 9989 §4.7), but kept in
//!   [`DmarcRecord::unknown_tags`] for diagnostics.
//! - [`DmarcRecord::parse`] is strict about the values of known tags: a
//!   value outside the tag's grammar, or a tag given twice, is an error with
//!   its byte position. Evaluation treats such a record as a `permerror`.
//! - `p` may be absent (RFC 9989 makes it RECOMMENDED, not required):
//!   evaluation then applies `none`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use super::policy::{AlignmentMode, Policy};

/// The most URIs kept from one `rua` or `ruf` list; more is an error.
pub const MAX_REPORT_URIS: usize = 32;
/// The longest record text parsed (a TXT record set can be larger than any
/// sensible policy).
pub const MAX_RECORD_LEN: usize = 8192;

/// A parsed DMARC record. Absent tags are `None` (or empty); the getters
/// ([`DmarcRecord::dkim_alignment`], ...) apply the defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DmarcRecord {
    /// `p`: the policy for the domain itself.
    pub policy: Option<Policy>,
    /// `sp`: the policy for existing subdomains.
    pub subdomain_policy: Option<Policy>,
    /// `np`: the policy for non-existent subdomains (RFC 9989).
    pub nonexistent_policy: Option<Policy>,
    /// `adkim`.
    pub adkim: Option<AlignmentMode>,
    /// `aspf`.
    pub aspf: Option<AlignmentMode>,
    /// `pct` (RFC 7489; 0–100).
    pub pct: Option<u8>,
    /// `t` (RFC 9989): `Some(true)` for `t=y`, testing mode.
    pub testing: Option<bool>,
    /// `psd` (RFC 9989).
    pub psd: Option<Psd>,
    /// `rua`: where aggregate reports go.
    pub rua: Vec<ReportUri>,
    /// `ruf`: where failure reports go.
    pub ruf: Vec<ReportUri>,
    /// `fo`: failure reporting options, as written (`0`, `1`, `d`, `s`).
    pub fo: Vec<FailureOption>,
    /// `rf`: failure report formats (RFC 7489), lower-cased.
    pub rf: Vec<String>,
    /// `ri`: the requested aggregate report interval in seconds (RFC 7489).
    pub ri: Option<u32>,
    /// Tags this parser does not know, with their values, in record order.
    pub unknown_tags: Vec<(String, String)>,
}

/// The `psd` tag (RFC 9989 §4.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Psd {
    /// `psd=y`: the record is a public suffix operator's.
    Yes,
    /// `psd=n`: the domain is an organizational domain.
    No,
    /// `psd=u`: unspecified (the default).
    Unspecified,
}

impl Psd {
    /// `y`, `n` or `u`.
    pub fn as_str(self) -> &'static str {
        match self {
            Psd::Yes => "y",
            Psd::No => "n",
            Psd::Unspecified => "u",
        }
    }
}

/// One `fo` option (RFC 9989 §4.7, RFC 7489 §6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureOption {
    /// `0`: report when all mechanisms fail to produce an aligned pass.
    All,
    /// `1`: report when any mechanism fails to produce an aligned pass.
    Any,
    /// `d`: report when a DKIM signature fails, aligned or not.
    Dkim,
    /// `s`: report when SPF fails, aligned or not.
    Spf,
}

impl FailureOption {
    /// `0`, `1`, `d` or `s`.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureOption::All => "0",
            FailureOption::Any => "1",
            FailureOption::Dkim => "d",
            FailureOption::Spf => "s",
        }
    }
}

/// A reporting URI of `rua` or `ruf`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportUri {
    /// The URI as written, without a size limit suffix.
    pub uri: String,
    /// RFC 7489's `!size` limit in bytes, if given (RFC 9989 says to ignore
    /// it; it is kept for RFC 7489 reporters). Saturates at `u64::MAX`.
    pub max_size: Option<u64>,
}

impl ReportUri {
    /// The URI's scheme, lower-cased (`mailto`, `https`).
    pub fn scheme(&self) -> String {
        self.uri
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    }

    /// The host a report goes to: the domain of a `mailto:` address, or the
    /// host of an `https:` (or other `scheme://`) URI; lower-cased. This is
    /// the destination whose organizational domain RFC 9990's external
    /// destination verification compares with the policy domain's.
    pub fn host(&self) -> Option<String> {
        if let Some(address) = self.mailto_address() {
            let domain = address.rsplit_once('@')?.1;
            return (!domain.is_empty()).then(|| domain.to_ascii_lowercase());
        }
        let rest = self.uri.split_once("://")?.1;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = if host_port.starts_with('[') {
            host_port.split_inclusive(']').next().unwrap_or_default()
        } else {
            host_port.split(':').next().unwrap_or_default()
        };
        (!host.is_empty()).then(|| host.to_ascii_lowercase())
    }

    /// For a `mailto:` URI, the address (percent-decoding left to the
    /// caller; anything after `?` dropped).
    pub fn mailto_address(&self) -> Option<&str> {
        let (scheme, rest) = self.uri.split_once(':')?;
        if !scheme.eq_ignore_ascii_case("mailto") {
            return None;
        }
        let address = rest.split('?').next().unwrap_or_default();
        (!address.is_empty()).then_some(address)
    }
}

/// What is wrong with a DMARC record.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordErrorKind {
    /// The text does not begin with `v=DMARC1`: it is not a DMARC record
    /// (RFC 9989 §4.10: such records are discarded, not an error of the
    /// domain's policy).
    #[error("not a DMARC record (it must begin with v=DMARC1)")]
    NotDmarc,
    /// The text is longer than [`MAX_RECORD_LEN`].
    #[error("record longer than {MAX_RECORD_LEN} bytes")]
    TooLong,
    /// A byte outside printable ASCII and white space.
    #[error("invalid byte 0x{0:02x}")]
    InvalidByte(u8),
    /// A tag without `=`, or a tag name that is not letters.
    #[error("malformed tag")]
    MalformedTag,
    /// A tag with an empty value.
    #[error("tag {0:?} has no value")]
    EmptyValue(String),
    /// A tag given twice.
    #[error("tag {0:?} given twice")]
    DuplicateTag(String),
    /// A known tag with a value outside its grammar.
    #[error("invalid value for tag {0:?}")]
    InvalidValue(String),
    /// More than [`MAX_REPORT_URIS`] reporting URIs in one tag.
    #[error("more than {MAX_REPORT_URIS} reporting URIs")]
    TooManyUris,
}

/// A DMARC record syntax error and where it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {position}")]
pub struct RecordError {
    /// What is wrong.
    pub kind: RecordErrorKind,
    /// Byte offset in the record text.
    pub position: usize,
}

/// The tags this parser knows (RFC 9989 and RFC 7489), lower case.
const KNOWN_TAGS: [&str; 14] = [
    "v", "p", "sp", "np", "adkim", "aspf", "pct", "t", "psd", "rua", "ruf", "fo", "rf", "ri",
];

fn err(kind: RecordErrorKind, position: usize) -> RecordError {
    RecordError { kind, position }
}

fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `text` without leading and trailing WSP, and the offset it starts at.
fn trim_wsp(text: &str, base: usize) -> (&str, usize) {
    let start = text.len() - text.trim_start_matches([' ', '\t']).len();
    let trimmed = text.trim_matches([' ', '\t']);
    (trimmed, base + start)
}

impl DmarcRecord {
    /// Parses a record's text (the TXT record's strings joined with nothing
    /// between them), strictly: any syntax error, a value outside its tag's
    /// grammar, an empty value or a repeated tag is an error. This is the
    /// check a domain owner wants before publishing.
    pub fn parse(text: &str) -> Result<DmarcRecord, RecordError> {
        let mut errors = Vec::new();
        let record = parse_tags(text, &mut errors)?;
        match errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(record),
        }
    }

    /// Reads a record the way a receiver must (RFC 9989 §4.8: "syntax errors
    /// in the remainder of the record MUST be discarded in favor of default
    /// values (if any) or ignored outright"): a malformed tag, a value
    /// outside its grammar or a repeated tag (after the first) is skipped
    /// and reported in the returned list. Fails only when the text is not a
    /// DMARC record at all (it does not begin with `v=DMARC1`) or is longer
    /// than [`MAX_RECORD_LEN`].
    ///
    /// What a receiver then does with a record whose `p`, `sp` or `np` was
    /// invalid is [`DmarcRecord::effective`]'s job.
    pub fn parse_lenient(text: &str) -> Result<(DmarcRecord, Vec<RecordError>), RecordError> {
        let mut errors = Vec::new();
        let record = parse_tags(text, &mut errors)?;
        Ok((record, errors))
    }

    /// The record a receiver applies, after [`DmarcRecord::parse_lenient`]
    /// (RFC 9989 §4.10.1, RFC 7489 §6.6.3): when `p`, `sp` or `np` was
    /// present but invalid, the record acts as `p=none` (keeping its
    /// reporting URIs) if it has at least one valid `rua` URI, and is not
    /// applied at all (`None`) otherwise. An absent `p` means `none`
    /// (RFC 9989 §4.7), which [`DmarcOutcome`](super::DmarcOutcome) reports.
    pub fn effective(self, errors: &[RecordError]) -> Option<DmarcRecord> {
        let bad_policy = errors.iter().any(|e| {
            matches!(&e.kind, RecordErrorKind::InvalidValue(t) | RecordErrorKind::EmptyValue(t)
                if t == "p" || t == "sp" || t == "np")
        });
        if !bad_policy {
            return Some(self);
        }
        if self.rua.is_empty() {
            return None;
        }
        Some(DmarcRecord {
            policy: Some(Policy::None),
            subdomain_policy: None,
            nonexistent_policy: None,
            ..self
        })
    }

    /// Sets the tag `tag` (one of [`KNOWN_TAGS`], or `""` for an unknown
    /// tag named `name`).
    fn set(&mut self, tag: &str, name: &str, value: &str, at: usize) -> Result<(), RecordError> {
        let invalid = || err(RecordErrorKind::InvalidValue(tag.to_string()), at);
        match tag {
            "v" => return Err(err(RecordErrorKind::DuplicateTag("v".into()), at)),
            "p" => self.policy = Some(Policy::parse(value).ok_or_else(invalid)?),
            "sp" => self.subdomain_policy = Some(Policy::parse(value).ok_or_else(invalid)?),
            "np" => self.nonexistent_policy = Some(Policy::parse(value).ok_or_else(invalid)?),
            "adkim" => self.adkim = Some(AlignmentMode::parse(value).ok_or_else(invalid)?),
            "aspf" => self.aspf = Some(AlignmentMode::parse(value).ok_or_else(invalid)?),
            "pct" => {
                let pct = parse_digits(value, 3)
                    .filter(|n| *n <= 100)
                    .ok_or_else(invalid)?;
                self.pct = Some(u8::try_from(pct).map_err(|_| invalid())?);
            }
            "t" => self.testing = Some(yes_no(value).ok_or_else(invalid)?),
            "psd" => {
                self.psd = Some(match value {
                    "y" | "Y" => Psd::Yes,
                    "n" | "N" => Psd::No,
                    "u" | "U" => Psd::Unspecified,
                    _ => return Err(invalid()),
                })
            }
            "rua" => self.rua = parse_uris(value, at).map_err(|e| e.unwrap_or_else(invalid))?,
            "ruf" => self.ruf = parse_uris(value, at).map_err(|e| e.unwrap_or_else(invalid))?,
            "fo" => {
                let mut options = Vec::new();
                for option in value.split(':') {
                    let option = match option.trim_matches([' ', '\t']) {
                        "0" => FailureOption::All,
                        "1" => FailureOption::Any,
                        "d" | "D" => FailureOption::Dkim,
                        "s" | "S" => FailureOption::Spf,
                        _ => return Err(invalid()),
                    };
                    if options.len() >= 4 {
                        return Err(invalid());
                    }
                    options.push(option);
                }
                self.fo = options;
            }
            "rf" => {
                let mut formats = Vec::new();
                for format in value.split(':') {
                    let format = format.trim_matches([' ', '\t']);
                    let keyword = format.bytes().enumerate().all(|(i, b)| {
                        b.is_ascii_alphabetic() || (i > 0 && (b.is_ascii_digit() || b == b'-'))
                    });
                    if format.is_empty() || !keyword || formats.len() >= 8 {
                        return Err(invalid());
                    }
                    formats.push(format.to_ascii_lowercase());
                }
                self.rf = formats;
            }
            "ri" => {
                let ri = parse_digits(value, 32).ok_or_else(invalid)?;
                self.ri = Some(u32::try_from(ri).unwrap_or(u32::MAX));
            }
            _ => {
                if self.unknown_tags.len() < 32 {
                    self.unknown_tags
                        .push((name.to_string(), value.to_string()));
                }
            }
        }
        Ok(())
    }

    /// `adkim`, defaulting to relaxed.
    pub fn dkim_alignment(&self) -> AlignmentMode {
        self.adkim.unwrap_or_default()
    }

    /// `aspf`, defaulting to relaxed.
    pub fn spf_alignment(&self) -> AlignmentMode {
        self.aspf.unwrap_or_default()
    }

    /// `psd`, defaulting to unspecified.
    pub fn psd(&self) -> Psd {
        self.psd.unwrap_or(Psd::Unspecified)
    }

    /// `t=y`.
    pub fn is_testing(&self) -> bool {
        self.testing == Some(true)
    }

    /// `pct`, defaulting to 100.
    pub fn percent(&self) -> u8 {
        self.pct.unwrap_or(100)
    }

    /// `ri`, defaulting to 86400 (one day).
    pub fn report_interval(&self) -> u32 {
        self.ri.unwrap_or(86_400)
    }
}

/// The tag-list reader behind [`DmarcRecord::parse`] and
/// [`DmarcRecord::parse_lenient`]: errors in tags are pushed to `errors`
/// and the tag skipped; only "not a DMARC record" and "too long" fail.
fn parse_tags(text: &str, errors: &mut Vec<RecordError>) -> Result<DmarcRecord, RecordError> {
    if text.len() > MAX_RECORD_LEN {
        return Err(err(RecordErrorKind::TooLong, MAX_RECORD_LEN));
    }
    if !is_dmarc_version(text) {
        return Err(err(RecordErrorKind::NotDmarc, 0));
    }
    let mut report = |e: RecordError| {
        if errors.len() < 64 {
            errors.push(e);
        }
    };
    let mut record = DmarcRecord::default();
    let mut seen: u32 = 0;
    let mut offset = 0usize;
    let mut first = true;
    for segment in text.split(';') {
        let base = offset;
        offset += segment.len() + 1;
        if first {
            first = false;
            continue;
        }
        if let Some(at) = segment
            .bytes()
            .position(|b| !(is_wsp(b) || (0x20..=0x7e).contains(&b)))
        {
            let byte = segment.as_bytes().get(at).copied().unwrap_or_default();
            report(err(RecordErrorKind::InvalidByte(byte), base + at));
            continue;
        }
        let (segment, start) = trim_wsp(segment, base);
        if segment.is_empty() {
            continue;
        }
        let Some((name, value)) = segment.split_once('=') else {
            report(err(RecordErrorKind::MalformedTag, start));
            continue;
        };
        let name = name.trim_end_matches([' ', '\t']);
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphabetic()) {
            report(err(RecordErrorKind::MalformedTag, start));
            continue;
        }
        let value_start = start + segment.len() - value.len();
        let (value, value_start) = trim_wsp(value, value_start);
        let known = KNOWN_TAGS.iter().position(|t| t.eq_ignore_ascii_case(name));
        let tag = known.and_then(|i| KNOWN_TAGS.get(i)).copied().unwrap_or("");
        if value.is_empty() {
            let label = if tag.is_empty() {
                name.to_ascii_lowercase()
            } else {
                tag.to_string()
            };
            report(err(RecordErrorKind::EmptyValue(label), value_start));
            continue;
        }
        let repeated = match known {
            Some(i) => {
                let bit = 1u32 << i;
                let repeated = seen & bit != 0;
                seen |= bit;
                repeated
            }
            None => record
                .unknown_tags
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name)),
        };
        if repeated {
            let label = if tag.is_empty() {
                name.to_ascii_lowercase()
            } else {
                tag.to_string()
            };
            report(err(RecordErrorKind::DuplicateTag(label), start));
            continue;
        }
        // `set` changes nothing when the value is invalid: the tag keeps
        // its default.
        if let Err(e) = record.set(tag, name, value, value_start) {
            report(e);
        }
    }
    Ok(record)
}

/// Does `text` begin with the `v=DMARC1` tag (and a separator or its end)?
/// A TXT record that does not is not a DMARC record.
pub fn is_dmarc_version(text: &str) -> bool {
    let first = text.split(';').next().unwrap_or_default();
    version_tag(first.trim_matches([' ', '\t']))
}

fn version_tag(segment: &str) -> bool {
    match segment.split_once('=') {
        Some((name, value)) => {
            name.trim_end_matches([' ', '\t']).eq_ignore_ascii_case("v")
                && value.trim_matches([' ', '\t']) == "DMARC1"
        }
        None => false,
    }
}

fn yes_no(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("y") {
        Some(true)
    } else if value.eq_ignore_ascii_case("n") {
        Some(false)
    } else {
        None
    }
}

/// At most `max_digits` decimal digits, saturating at `u64::MAX`.
fn parse_digits(value: &str, max_digits: usize) -> Option<u64> {
    if value.is_empty() || value.len() > max_digits || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(value.bytes().fold(0u64, |n, b| {
        n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    }))
}

/// A comma-separated list of `dmarc-uri`. `Err(None)` is an invalid value;
/// `Err(Some(_))` a more specific error.
fn parse_uris(value: &str, at: usize) -> Result<Vec<ReportUri>, Option<RecordError>> {
    let mut uris = Vec::new();
    for item in value.split(',') {
        let item = item.trim_matches([' ', '\t']);
        if uris.len() >= MAX_REPORT_URIS {
            return Err(Some(err(RecordErrorKind::TooManyUris, at)));
        }
        let (uri, size) = match item.rsplit_once('!') {
            Some((uri, size)) => (uri, Some(parse_size(size).ok_or(None)?)),
            None => (item, None),
        };
        let (scheme, rest) = uri.split_once(':').ok_or(None)?;
        let scheme_ok = scheme.bytes().enumerate().all(|(i, b)| {
            b.is_ascii_alphabetic()
                || (i > 0 && (b.is_ascii_digit() || b == b'+' || b == b'-' || b == b'.'))
        });
        if scheme.is_empty() || !scheme_ok || rest.is_empty() || uri.bytes().any(is_wsp) {
            return Err(None);
        }
        uris.push(ReportUri {
            uri: uri.to_string(),
            max_size: size,
        });
    }
    Ok(uris)
}

/// `1*DIGIT [ "k" / "m" / "g" / "t" ]`, in bytes, saturating.
fn parse_size(size: &str) -> Option<u64> {
    let (digits, unit) = match size.as_bytes().last() {
        Some(b) if b.is_ascii_alphabetic() => size.split_at(size.len() - 1),
        _ => (size, ""),
    };
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => return None,
    };
    let n = parse_digits(digits, 20)?;
    Some(
        n.checked_shl(shift)
            .filter(|v| v >> shift == n)
            .unwrap_or(u64::MAX),
    )
}

impl fmt::Display for DmarcRecord {
    /// Renders the record with the tags that are present, in a fixed order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("v=DMARC1")?;
        if let Some(p) = self.policy {
            write!(f, "; p={p}")?;
        }
        if let Some(p) = self.subdomain_policy {
            write!(f, "; sp={p}")?;
        }
        if let Some(p) = self.nonexistent_policy {
            write!(f, "; np={p}")?;
        }
        if let Some(a) = self.adkim {
            write!(f, "; adkim={a}")?;
        }
        if let Some(a) = self.aspf {
            write!(f, "; aspf={a}")?;
        }
        if let Some(pct) = self.pct {
            write!(f, "; pct={pct}")?;
        }
        if let Some(t) = self.testing {
            write!(f, "; t={}", if t { "y" } else { "n" })?;
        }
        if let Some(psd) = self.psd {
            write!(f, "; psd={}", psd.as_str())?;
        }
        for (tag, uris) in [("rua", &self.rua), ("ruf", &self.ruf)] {
            if !uris.is_empty() {
                write!(f, "; {tag}=")?;
                for (i, u) in uris.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    f.write_str(&u.uri)?;
                    if let Some(size) = u.max_size {
                        write!(f, "!{size}")?;
                    }
                }
            }
        }
        if !self.fo.is_empty() {
            let fo: Vec<&str> = self.fo.iter().map(|o| o.as_str()).collect();
            write!(f, "; fo={}", fo.join(":"))?;
        }
        if !self.rf.is_empty() {
            write!(f, "; rf={}", self.rf.join(":"))?;
        }
        if let Some(ri) = self.ri {
            write!(f, "; ri={ri}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use proptest::prelude::*;

    #[test]
    fn full_record() {
        let r = DmarcRecord::parse(
            "v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=r; pct=50; t=y; psd=n; \
             rua=mailto:agg@example.com,mailto:x@example.net!10m; ruf=mailto:f@example.com; \
             fo=1:d; rf=afrf; ri=3600",
        )
        .unwrap();
        assert_eq!(r.policy, Some(Policy::Reject));
        assert_eq!(r.subdomain_policy, Some(Policy::Quarantine));
        assert_eq!(r.nonexistent_policy, Some(Policy::Reject));
        assert_eq!(r.dkim_alignment(), AlignmentMode::Strict);
        assert_eq!(r.spf_alignment(), AlignmentMode::Relaxed);
        assert_eq!(r.pct, Some(50));
        assert!(r.is_testing());
        assert_eq!(r.psd(), Psd::No);
        assert_eq!(r.rua.len(), 2);
        assert_eq!(r.rua[1].max_size, Some(10 << 20));
        assert_eq!(r.rua[0].mailto_address(), Some("agg@example.com"));
        assert_eq!(r.fo, [FailureOption::Any, FailureOption::Dkim]);
        assert_eq!(r.rf, ["afrf"]);
        assert_eq!(r.ri, Some(3600));
    }

    #[test]
    fn defaults_and_leniency() {
        let r = DmarcRecord::parse("v=DMARC1").unwrap();
        assert_eq!(r.policy, None);
        assert_eq!(r.dkim_alignment(), AlignmentMode::Relaxed);
        assert_eq!(r.percent(), 100);
        assert_eq!(r.report_interval(), 86_400);
        let r = DmarcRecord::parse("  v = DMARC1 ;P=Reject;; foo=bar;\t").unwrap();
        assert_eq!(r.policy, Some(Policy::Reject));
        assert_eq!(r.unknown_tags, [("foo".to_string(), "bar".to_string())]);
        // Any order (RFC 9989).
        let r = DmarcRecord::parse("v=DMARC1; rua=mailto:a@b.example; p=none").unwrap();
        assert_eq!(r.policy, Some(Policy::None));
    }

    #[test]
    fn not_dmarc() {
        for text in [
            "",
            "v=spf1 -all",
            "p=reject; v=DMARC1",
            "v=dmarc1; p=none",
            "v=DMARC10; p=none",
            "v=DMARC1 p=none",
        ] {
            assert_eq!(
                DmarcRecord::parse(text).unwrap_err().kind,
                RecordErrorKind::NotDmarc,
                "{text}"
            );
            assert!(!is_dmarc_version(text), "{text}");
        }
        assert!(is_dmarc_version("v=DMARC1"));
        assert!(is_dmarc_version("v=DMARC1;p=none"));
    }

    #[test]
    fn errors_have_positions() {
        let e = DmarcRecord::parse("v=DMARC1; p=bogus").unwrap_err();
        assert_eq!(e.kind, RecordErrorKind::InvalidValue("p".into()));
        assert_eq!(e.position, 12);
        let e = DmarcRecord::parse("v=DMARC1; p=none; p=reject").unwrap_err();
        assert_eq!(e.kind, RecordErrorKind::DuplicateTag("p".into()));
        assert_eq!(e.position, 18);
        let e = DmarcRecord::parse("v=DMARC1; pnone").unwrap_err();
        assert_eq!(e.kind, RecordErrorKind::MalformedTag);
        assert_eq!(e.position, 10);
        for bad in [
            "v=DMARC1; pct=101",
            "v=DMARC1; pct=-1",
            "v=DMARC1; adkim=x",
            "v=DMARC1; t=yes",
            "v=DMARC1; fo=2",
            "v=DMARC1; rua=example.com",
            "v=DMARC1; rua=mailto:a@b.example!10x",
            "v=DMARC1; ri=abc",
            "v=DMARC1; p=",
            "v=DMARC1; 1p=none",
        ] {
            assert!(DmarcRecord::parse(bad).is_err(), "{bad}");
        }
        let e = DmarcRecord::parse("v=DMARC1; p=none\u{e9}").unwrap_err();
        assert!(matches!(e.kind, RecordErrorKind::InvalidByte(_)));
    }

    #[test]
    fn lenient_reading_discards_bad_tags() {
        let (r, errors) =
            DmarcRecord::parse_lenient("v=DMARC1; p=reject; adkim=x; junk; p=none; fo=1:9; x=")
                .unwrap();
        assert_eq!(r.policy, Some(Policy::Reject));
        assert_eq!(r.adkim, None);
        assert!(r.fo.is_empty(), "an invalid fo leaves the default");
        let kinds: Vec<_> = errors.iter().map(|e| e.kind.clone()).collect();
        assert_eq!(
            kinds,
            [
                RecordErrorKind::InvalidValue("adkim".into()),
                RecordErrorKind::MalformedTag,
                RecordErrorKind::DuplicateTag("p".into()),
                RecordErrorKind::InvalidValue("fo".into()),
                RecordErrorKind::EmptyValue("x".into()),
            ]
        );
        assert_eq!(r.clone().effective(&errors), Some(r));
        assert!(DmarcRecord::parse_lenient("v=spf1").is_err());
    }

    #[test]
    fn effective_record_for_an_invalid_policy() {
        let (r, e) =
            DmarcRecord::parse_lenient("v=DMARC1; p=bogus; sp=reject; rua=mailto:a@b.example")
                .unwrap();
        let r = r.effective(&e).unwrap();
        assert_eq!((r.policy, r.subdomain_policy), (Some(Policy::None), None));
        assert_eq!(r.rua.len(), 1);
        let (r, e) = DmarcRecord::parse_lenient("v=DMARC1; p=reject; np=x").unwrap();
        assert_eq!(r.effective(&e), None);
        // An absent p is not invalid.
        let (r, e) = DmarcRecord::parse_lenient("v=DMARC1; adkim=s").unwrap();
        assert_eq!(r.effective(&e).unwrap().policy, None);
    }

    #[test]
    fn report_uri_hosts() {
        let host = |u: &str| {
            ReportUri {
                uri: u.into(),
                max_size: None,
            }
            .host()
        };
        assert_eq!(
            host("mailto:Agg@Reports.Example.NET").as_deref(),
            Some("reports.example.net")
        );
        assert_eq!(
            host("mailto:a@b.example?subject=x").as_deref(),
            Some("b.example")
        );
        assert_eq!(
            host("https://u@rua.example:8443/path").as_deref(),
            Some("rua.example")
        );
        assert_eq!(host("mailto:"), None);
        assert_eq!(host("urn:x"), None);
    }

    #[test]
    fn uri_limits() {
        let many: Vec<String> = (0..33)
            .map(|i| format!("mailto:r{i}@example.com"))
            .collect();
        let text = format!("v=DMARC1; rua={}", many.join(","));
        assert_eq!(
            DmarcRecord::parse(&text).unwrap_err().kind,
            RecordErrorKind::TooManyUris
        );
        let r =
            DmarcRecord::parse("v=DMARC1; rua=mailto:a@b.example!99999999999999999999t").unwrap();
        assert_eq!(r.rua[0].max_size, Some(u64::MAX));
    }

    fn policy() -> impl Strategy<Value = Option<Policy>> {
        prop_oneof![
            Just(None),
            Just(Some(Policy::None)),
            Just(Some(Policy::Quarantine)),
            Just(Some(Policy::Reject))
        ]
    }

    proptest! {
        #[test]
        fn render_parse_round_trip(
            p in policy(), sp in policy(), np in policy(),
            pct in proptest::option::of(0u8..=100),
            t in proptest::option::of(any::<bool>()),
            strict in proptest::option::of(any::<bool>()),
            ri in proptest::option::of(any::<u32>()),
            users in proptest::collection::vec("[a-z]{1,8}", 0..4),
        ) {
            let record = DmarcRecord {
                policy: p,
                subdomain_policy: sp,
                nonexistent_policy: np,
                pct,
                testing: t,
                adkim: strict.map(|s| if s { AlignmentMode::Strict } else { AlignmentMode::Relaxed }),
                ri,
                rua: users.iter().map(|u| ReportUri { uri: format!("mailto:{u}@example.com"), max_size: None }).collect(),
                ..DmarcRecord::default()
            };
            let text = record.to_string();
            prop_assert_eq!(DmarcRecord::parse(&text).unwrap(), record);
        }

        #[test]
        fn never_panics(text in "v=DMARC1;[ -~\t]{0,200}") {
            let _ = DmarcRecord::parse(&text);
        }

        #[test]
        fn never_panics_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = DmarcRecord::parse(&text);
        }
    }
}
