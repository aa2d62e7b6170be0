//! The policy file served at `https://mta-sts.<domain>/.well-known/mta-sts.txt`
//! (RFC 8461 §3.2).
//!
//! ```text
//! sts-policy-record        = sts-policy-field *WSP
//!                            *(sts-policy-term sts-policy-field *WSP)
//!                            [sts-policy-term]
//! sts-policy-field         = sts-policy-version /      ; required once
//!                            sts-policy-mode    /      ; required once
//!                            sts-policy-max-age /      ; required once
//!                            sts-policy-mx /           ; required at least once,
//!                                                      ; except when mode is "none"
//!                            sts-policy-extension      ; other fields
//! field-delim              = ":" *WSP
//! sts-policy-version       = %s"version" field-delim %s"STSv1"
//! sts-policy-mode          = %s"mode" field-delim
//!                            ( %s"testing" / %s"enforce" / %s"none" )
//! sts-policy-mx            = %s"mx" field-delim ["*."] Domain
//! sts-policy-max-age       = %s"max_age" field-delim 1*10(DIGIT)
//! sts-policy-extension     = sts-policy-ext-name field-delim sts-policy-ext-value
//! sts-policy-ext-name      = (ALPHA / DIGIT)
//!                            *31(ALPHA / DIGIT / "_" / "-" / ".")
//! sts-policy-ext-value     = sts-policy-vchar
//!                            [*(%x20 / sts-policy-vchar) sts-policy-vchar]
//! sts-policy-term          = LF / CRLF
//! sts-policy-vchar         = %x21-7E / UTF8-2 / UTF8-3 / UTF8-4
//! ```
//!
//! Readings of the RFC:
//!
//! - the grammar is applied as written: lines end in LF or CRLF (a bare CR is
//!   an error), the last line may lack its newline, but there are no blank
//!   lines (not even a second newline at the end), no white space before a
//!   name or before the `:`, and only space and tab (trimmed) after a value;
//! - names and values are case-sensitive: `Mode: enforce` is an extension
//!   named `Mode`, and the policy then lacks its `mode`;
//! - every line must match the generic `name: value` form; for `version`,
//!   `mode` and `max_age` the first occurrence counts and must have a valid
//!   value, later ones are ignored (with a warning) whatever their value; every
//!   `mx` line is a pattern and must be valid ([`MxPattern`]); for an unknown
//!   name (an extension) the first value is kept;
//! - `mx` is required unless `mode` is `none`;
//! - **`max_age` above 31557600 is clamped** to 31557600 (with
//!   [`PolicyWarning::MaxAgeClamped`]): the grammar allows ten digits and
//!   §3.2 gives 31557600 as the maximum value, so a larger value is read as
//!   "as long as allowed". Refusing the policy instead would make the sender
//!   deliver without the protection the domain asked for. Ten digits fit a
//!   `u64`, so nothing overflows; eleven or more are a syntax error.
//!
//! Limit: a body over [`MAX_POLICY_LEN`] (64 KiB, §3.3's suggested limit)
//! is refused. Everything kept is a slice of the body, so memory is bounded
//! by it.
//!
//! Operator warnings ([`PolicyWarning`], from [`Policy::parse_with_warnings`])
//! do not make a policy invalid.

use alloc::string::String;
use alloc::vec::Vec;

use super::mx::{MxPattern, MxPatternError};

/// Largest policy body accepted, in bytes (64 KiB).
pub const MAX_POLICY_LEN: usize = 64 * 1024;

/// Largest `max_age` in force, in seconds (§3.2; about one year).
pub const MAX_MAX_AGE: u32 = 31_557_600;

/// Below this `max_age` (one week) an `enforce` or `testing` policy gets a
/// [`PolicyWarning::ShortMaxAge`]: §3.2 expects "weeks or greater".
pub const SHORT_MAX_AGE: u32 = 604_800;

/// The policy mode (§5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Deliver only over validated TLS to listed MX hosts.
    Enforce,
    /// Report failures but deliver anyway.
    Testing,
    /// No active policy (how a domain withdraws one).
    None,
}

impl Mode {
    /// `enforce`, `testing` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Testing => "testing",
            Mode::None => "none",
        }
    }
}

/// A valid MTA-STS policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    mode: Mode,
    mx: Vec<MxPattern>,
    max_age: u32,
    extensions: Vec<(String, String)>,
}

/// Why a policy body does not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (line {line})")]
pub struct PolicyError {
    /// What is wrong.
    pub kind: PolicyErrorKind,
    /// The 1-based line (for a missing field: the line after the last).
    pub line: usize,
}

/// The kinds of [`PolicyError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyErrorKind {
    /// The body is larger than [`MAX_POLICY_LEN`].
    #[error("policy larger than 65536 bytes")]
    TooLarge,
    /// An empty line (including an empty body or a second final newline).
    #[error("empty line")]
    EmptyLine,
    /// A field name is malformed (or preceded by white space).
    #[error("malformed field name")]
    FieldName,
    /// No `:` after the field name.
    #[error("expected \":\" after the field name")]
    Colon,
    /// A value is empty, has a control character or invalid UTF-8.
    #[error("malformed field value")]
    FieldValue,
    /// A CR not followed by LF.
    #[error("carriage return without line feed")]
    BareCr,
    /// `version` is not `STSv1`.
    #[error("version is not STSv1")]
    Version,
    /// `mode` is not `enforce`, `testing` or `none`.
    #[error("mode is not enforce, testing or none")]
    Mode,
    /// `max_age` is not 1 to 10 digits.
    #[error("max_age is not 1 to 10 digits")]
    MaxAge,
    /// An `mx` value is not a pattern.
    #[error("invalid mx pattern: {0}")]
    Mx(MxPatternError),
    /// No `version` field.
    #[error("missing version")]
    MissingVersion,
    /// No `mode` field.
    #[error("missing mode")]
    MissingMode,
    /// No `max_age` field.
    #[error("missing max_age")]
    MissingMaxAge,
    /// No `mx` field in `enforce` or `testing` mode.
    #[error("missing mx")]
    MissingMx,
}

/// Something an operator should fix, in a valid policy.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyWarning {
    /// `max_age` was above [`MAX_MAX_AGE`] and was clamped.
    MaxAgeClamped {
        /// The value written.
        given: u64,
    },
    /// `max_age` under [`SHORT_MAX_AGE`] in `enforce` or `testing` mode:
    /// the policy lapses quickly and gives little protection on first contact.
    ShortMaxAge {
        /// The value in force.
        max_age: u32,
    },
    /// A repeated `version`, `mode`, `max_age` or extension: ignored.
    DuplicateField {
        /// Its name.
        name: String,
        /// Its line.
        line: usize,
    },
    /// An extension whose name looks like a known one with another case or
    /// `-` for `_` (`Mode`, `max-age`): probably a typo.
    LookalikeField {
        /// Its name.
        name: String,
        /// Its line.
        line: usize,
    },
    /// A wildcard covering a whole top-level domain (`*.com`).
    BroadWildcard {
        /// The pattern.
        pattern: String,
    },
    /// `mx` lines in `none` mode mean nothing.
    MxInModeNone,
}

impl core::fmt::Display for PolicyWarning {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PolicyWarning::MaxAgeClamped { given } => {
                write!(
                    f,
                    "max_age {given} is above {MAX_MAX_AGE}: {MAX_MAX_AGE} applies"
                )
            }
            PolicyWarning::ShortMaxAge { max_age } => write!(
                f,
                "max_age {max_age} is under one week: the policy lapses quickly"
            ),
            PolicyWarning::DuplicateField { name, line } => {
                write!(f, "line {line}: repeated {name} ignored")
            }
            PolicyWarning::LookalikeField { name, line } => write!(
                f,
                "line {line}: {name} is an unknown field (names are case-sensitive)"
            ),
            PolicyWarning::BroadWildcard { pattern } => {
                write!(f, "mx {pattern} covers a whole top-level domain")
            }
            PolicyWarning::MxInModeNone => f.write_str("mx lines mean nothing in mode none"),
        }
    }
}

const KNOWN: [&str; 4] = ["version", "mode", "mx", "max_age"];

impl Policy {
    /// Parses a policy body.
    pub fn parse(body: &[u8]) -> Result<Policy, PolicyError> {
        Policy::parse_with_warnings(body).map(|(p, _)| p)
    }

    /// Parses a policy body and lists the operator warnings.
    pub fn parse_with_warnings(body: &[u8]) -> Result<(Policy, Vec<PolicyWarning>), PolicyError> {
        if body.len() > MAX_POLICY_LEN {
            return Err(PolicyError {
                kind: PolicyErrorKind::TooLarge,
                line: 1,
            });
        }
        let mut warnings = Vec::new();
        let mut version_seen = false;
        let mut mode: Option<Mode> = None;
        let mut max_age: Option<u32> = None;
        let mut mx = Vec::new();
        let mut extensions: Vec<(String, String)> = Vec::new();
        let mut line_no = 0usize;
        let mut rest = body;
        loop {
            line_no = line_no.saturating_add(1);
            let fail = |kind| PolicyError {
                kind,
                line: line_no,
            };
            let (line, after, ended) = split_line(rest).map_err(fail)?;
            let (name, value) = field(line).map_err(fail)?;
            let duplicate = |warnings: &mut Vec<PolicyWarning>| {
                warnings.push(PolicyWarning::DuplicateField {
                    name: String::from(name),
                    line: line_no,
                });
            };
            match name {
                "version" if version_seen => duplicate(&mut warnings),
                "version" => {
                    if value != "STSv1" {
                        return Err(fail(PolicyErrorKind::Version));
                    }
                    version_seen = true;
                }
                "mode" if mode.is_some() => duplicate(&mut warnings),
                "mode" => {
                    mode = Some(match value {
                        "enforce" => Mode::Enforce,
                        "testing" => Mode::Testing,
                        "none" => Mode::None,
                        _ => return Err(fail(PolicyErrorKind::Mode)),
                    });
                }
                "max_age" if max_age.is_some() => duplicate(&mut warnings),
                "max_age" => {
                    let given = parse_max_age(value).ok_or(fail(PolicyErrorKind::MaxAge))?;
                    let clamped = u32::try_from(given).unwrap_or(MAX_MAX_AGE).min(MAX_MAX_AGE);
                    if u64::from(clamped) != given {
                        warnings.push(PolicyWarning::MaxAgeClamped { given });
                    }
                    max_age = Some(clamped);
                }
                "mx" => {
                    let pattern =
                        MxPattern::parse(value).map_err(|e| fail(PolicyErrorKind::Mx(e)))?;
                    mx.push(pattern);
                }
                _ if extensions.iter().any(|(n, _)| n == name) => duplicate(&mut warnings),
                _ => {
                    if KNOWN.iter().any(|k| lookalike(k, name)) {
                        warnings.push(PolicyWarning::LookalikeField {
                            name: String::from(name),
                            line: line_no,
                        });
                    }
                    extensions.push((String::from(name), String::from(value)));
                }
            }
            if ended {
                break;
            }
            rest = after;
        }
        let missing = |kind| PolicyError {
            kind,
            line: line_no.saturating_add(1),
        };
        if !version_seen {
            return Err(missing(PolicyErrorKind::MissingVersion));
        }
        let mode = mode.ok_or(missing(PolicyErrorKind::MissingMode))?;
        let max_age = max_age.ok_or(missing(PolicyErrorKind::MissingMaxAge))?;
        if mode != Mode::None && mx.is_empty() {
            return Err(missing(PolicyErrorKind::MissingMx));
        }
        if mode != Mode::None && max_age < SHORT_MAX_AGE {
            warnings.push(PolicyWarning::ShortMaxAge { max_age });
        }
        if mode == Mode::None && !mx.is_empty() {
            warnings.push(PolicyWarning::MxInModeNone);
        }
        for p in &mx {
            if p.is_wildcard() && !p.as_str().get(2..).unwrap_or_default().contains('.') {
                warnings.push(PolicyWarning::BroadWildcard {
                    pattern: String::from(p.as_str()),
                });
            }
        }
        Ok((
            Policy {
                mode,
                mx,
                max_age,
                extensions,
            },
            warnings,
        ))
    }

    /// Always `STSv1`.
    pub fn version(&self) -> &'static str {
        "STSv1"
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The `mx` patterns, in order, as written.
    pub fn mx(&self) -> &[MxPattern] {
        &self.mx
    }

    /// The `max_age` in force, in seconds (at most [`MAX_MAX_AGE`]).
    pub fn max_age(&self) -> u32 {
        self.max_age
    }

    /// The extension fields (first value of each name), in order.
    pub fn extensions(&self) -> &[(String, String)] {
        &self.extensions
    }

    /// Whether some `mx` pattern matches `host`, whatever the mode.
    pub fn mx_matches(&self, host: &str) -> bool {
        self.mx.iter().any(|p| p.matches(host))
    }

    /// Whether the policy authorises `host`: an `mx` pattern matches it and
    /// the mode is not `none` (a `none` policy authorises nothing; it only
    /// withdraws an earlier one).
    pub fn matches(&self, host: &str) -> bool {
        self.mode != Mode::None && self.mx_matches(host)
    }

    /// The policy in canonical form: LF line ends, `version`, `mode`, each
    /// `mx`, `max_age` (the value in force), then the extensions. Parsing it
    /// gives an equal policy.
    pub fn to_text(&self) -> String {
        let mut out = String::from("version: STSv1\nmode: ");
        out.push_str(self.mode.as_str());
        out.push('\n');
        for p in &self.mx {
            out.push_str("mx: ");
            out.push_str(p.as_str());
            out.push('\n');
        }
        out.push_str("max_age: ");
        out.push_str(&alloc::format!("{}", self.max_age));
        out.push('\n');
        for (n, v) in &self.extensions {
            out.push_str(n);
            out.push_str(": ");
            out.push_str(v);
            out.push('\n');
        }
        out
    }
}

/// Splits off the first line: (line, rest, whether the body ends there).
fn split_line(body: &[u8]) -> Result<(&[u8], &[u8], bool), PolicyErrorKind> {
    let Some(i) = body.iter().position(|&b| b == b'\n' || b == b'\r') else {
        return Ok((body, &[], true));
    };
    let (line, term) = body.split_at(i);
    let after = match term {
        [b'\r', b'\n', after @ ..] | [b'\n', after @ ..] => after,
        _ => return Err(PolicyErrorKind::BareCr),
    };
    Ok((line, after, after.is_empty()))
}

/// `name ":" *WSP value *WSP` on one line, without its end.
fn field(line: &[u8]) -> Result<(&str, &str), PolicyErrorKind> {
    if line.is_empty() {
        return Err(PolicyErrorKind::EmptyLine);
    }
    let name_len = line
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.'))
        .unwrap_or(line.len());
    let (name, rest) = line.split_at(name_len);
    if !matches!(name.first(), Some(b) if b.is_ascii_alphanumeric()) || name.len() > 32 {
        return Err(PolicyErrorKind::FieldName);
    }
    let Some(rest) = rest.strip_prefix(b":") else {
        return Err(PolicyErrorKind::Colon);
    };
    let value = trim_wsp(rest);
    if value.is_empty() || value.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return Err(PolicyErrorKind::FieldValue);
    }
    let value = core::str::from_utf8(value).map_err(|_| PolicyErrorKind::FieldValue)?;
    let name = core::str::from_utf8(name).map_err(|_| PolicyErrorKind::FieldName)?;
    Ok((name, value))
}

fn trim_wsp(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

fn parse_max_age(value: &str) -> Option<u64> {
    if value.is_empty() || value.len() > 10 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

fn lookalike(known: &str, name: &str) -> bool {
    known != name
        && known.len() == name.len()
        && known
            .bytes()
            .zip(name.bytes())
            .all(|(k, n)| k.eq_ignore_ascii_case(&n) || (k == b'_' && n == b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    const GOOD: &str =
        "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 604800\n";

    fn kind(body: &str) -> PolicyErrorKind {
        Policy::parse(body.as_bytes()).unwrap_err().kind
    }

    #[test]
    fn line_ends_and_final_newline() {
        let want = Policy::parse(GOOD.as_bytes()).unwrap();
        let crlf = GOOD.replace('\n', "\r\n");
        let no_eol = GOOD.trim_end_matches('\n');
        let crlf_no_eol = crlf.trim_end_matches("\r\n");
        let mixed = "version: STSv1\r\nmode: enforce\nmx: mail.example.com\r\nmx: *.example.net\nmax_age: 604800";
        for body in [crlf.as_str(), no_eol, crlf_no_eol, mixed] {
            assert_eq!(Policy::parse(body.as_bytes()).unwrap(), want, "{body:?}");
        }
        assert_eq!(want.mode(), Mode::Enforce);
        assert_eq!(want.max_age(), 604_800);
        assert_eq!(want.mx().len(), 2);
    }

    #[test]
    fn white_space_rules() {
        let ok = "version:STSv1\nmode:\t enforce \t\nmx:  mail.example.com \nmax_age: 1 \n";
        assert!(Policy::parse(ok.as_bytes()).is_ok());
        for (body, want) in [
            (
                " version: STSv1\nmode: none\nmax_age: 1",
                PolicyErrorKind::FieldName,
            ),
            (
                "version : STSv1\nmode: none\nmax_age: 1",
                PolicyErrorKind::Colon,
            ),
            (
                "version: STSv1\n\nmode: none\nmax_age: 1",
                PolicyErrorKind::EmptyLine,
            ),
            (
                "version: STSv1\nmode: none\nmax_age: 1\n\n",
                PolicyErrorKind::EmptyLine,
            ),
            (
                "version: STSv1\nmode: none\nmax_age: 1\r\n\r\n",
                PolicyErrorKind::EmptyLine,
            ),
            ("", PolicyErrorKind::EmptyLine),
            ("\n", PolicyErrorKind::EmptyLine),
            (
                "version: STSv1\rmode: none\nmax_age: 1",
                PolicyErrorKind::BareCr,
            ),
            (
                "version: STSv1\nmode: none\nmax_age: 1\r",
                PolicyErrorKind::BareCr,
            ),
            (
                "version: STSv1\nmode: none\nmax_age: 1\nfoo:",
                PolicyErrorKind::FieldValue,
            ),
            (
                "version: STSv1\nmode: none\nmax_age: 1\nfoo: a\tb",
                PolicyErrorKind::FieldValue,
            ),
            (
                "version: STSv1\nmode: none\nmax_age: 1\nfoo: a\u{7f}",
                PolicyErrorKind::FieldValue,
            ),
            (
                "version: STSv1\nmode: none\nmax_age: 1\nfoo",
                PolicyErrorKind::Colon,
            ),
            (
                "version: STSv1\nmode: none\nmax_age: 1\n_foo: a",
                PolicyErrorKind::FieldName,
            ),
        ] {
            assert_eq!(kind(body), want, "{body:?}");
        }
        let bad_utf8 = b"version: STSv1\nmode: none\nmax_age: 1\nfoo: \xff";
        assert_eq!(
            Policy::parse(bad_utf8).unwrap_err().kind,
            PolicyErrorKind::FieldValue
        );
        let utf8 = "version: STSv1\nmode: none\nmax_age: 1\nfoo: caf\u{e9} au lait";
        assert_eq!(
            Policy::parse(utf8.as_bytes()).unwrap().extensions()[0].1,
            "caf\u{e9} au lait"
        );
    }

    #[test]
    fn case_sensitive_names_and_values() {
        assert_eq!(
            kind("version: stsv1\nmode: none\nmax_age: 1"),
            PolicyErrorKind::Version
        );
        assert_eq!(
            kind("version: STSv1\nmode: Enforce\nmx: a\nmax_age: 1"),
            PolicyErrorKind::Mode
        );
        assert_eq!(
            kind("Version: STSv1\nmode: none\nmax_age: 1"),
            PolicyErrorKind::MissingVersion
        );
        assert_eq!(
            kind("version: STSv1\nMode: none\nmax_age: 1"),
            PolicyErrorKind::MissingMode
        );
        assert_eq!(
            kind("version: STSv1\nmode: enforce\nMX: a\nmax_age: 1"),
            PolicyErrorKind::MissingMx
        );
        let (_, w) =
            Policy::parse_with_warnings(b"version: STSv1\nmode: none\nmax_age: 1\nMax-Age: 2")
                .unwrap();
        assert!(w.contains(&PolicyWarning::LookalikeField {
            name: "Max-Age".into(),
            line: 4
        }));
    }

    #[test]
    fn required_fields() {
        assert_eq!(
            kind("mode: none\nmax_age: 1"),
            PolicyErrorKind::MissingVersion
        );
        assert_eq!(
            kind("version: STSv1\nmax_age: 1"),
            PolicyErrorKind::MissingMode
        );
        assert_eq!(
            kind("version: STSv1\nmode: none"),
            PolicyErrorKind::MissingMaxAge
        );
        assert_eq!(
            kind("version: STSv1\nmode: testing\nmax_age: 1"),
            PolicyErrorKind::MissingMx
        );
        assert_eq!(
            kind("version: STSv1\nmode: enforce\nmax_age: 1"),
            PolicyErrorKind::MissingMx
        );
        let none = Policy::parse(b"version: STSv1\nmode: none\nmax_age: 0").unwrap();
        assert!(none.mx().is_empty());
        assert!(!none.matches("anything"));
        let err = Policy::parse(b"version: STSv1\nmode: none").unwrap_err();
        assert_eq!(err.line, 3);
    }

    #[test]
    fn first_duplicate_wins_and_every_mx_counts() {
        let body = "version: STSv1\nmode: testing\nmode: enforce\nmode: bogus\nmx: a.example\nmx: b.example\nmax_age: 5\nmax_age: x\nversion: STSv2\next: 1\next: 2";
        let (p, w) = Policy::parse_with_warnings(body.as_bytes()).unwrap();
        assert_eq!(p.mode(), Mode::Testing);
        assert_eq!(p.max_age(), 5);
        assert_eq!(p.mx().len(), 2);
        assert_eq!(p.extensions(), [("ext".into(), "1".into())]);
        let dups = w
            .iter()
            .filter(|w| matches!(w, PolicyWarning::DuplicateField { .. }))
            .count();
        assert_eq!(dups, 5);
        assert!(matches!(
            kind("version: STSv1\nmode: enforce\nmx: a.example\nmx: bad..example\nmax_age: 5"),
            PolicyErrorKind::Mx(_)
        ));
    }

    #[test]
    fn max_age_limits() {
        let p = |v: &str| {
            Policy::parse_with_warnings(
                format!("version: STSv1\nmode: none\nmax_age: {v}").as_bytes(),
            )
        };
        assert_eq!(p("0").unwrap().0.max_age(), 0);
        assert_eq!(p("31557600").unwrap().0.max_age(), MAX_MAX_AGE);
        assert!(p("31557600").unwrap().1.is_empty());
        let (big, w) = p("31557601").unwrap();
        assert_eq!(big.max_age(), MAX_MAX_AGE);
        assert_eq!(w, [PolicyWarning::MaxAgeClamped { given: 31_557_601 }]);
        assert_eq!(p("9999999999").unwrap().0.max_age(), MAX_MAX_AGE);
        assert_eq!(p("0000000001").unwrap().0.max_age(), 1);
        for bad in [
            "",
            "99999999999",
            "-1",
            "+1",
            "1.0",
            "1e3",
            "0x10",
            "\u{661}",
        ] {
            assert!(p(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn size_limit() {
        let mut body = String::from("version: STSv1\nmode: none\nmax_age: 1\n");
        while body.len() < MAX_POLICY_LEN {
            body.push_str("x: y\n");
        }
        body.truncate(MAX_POLICY_LEN);
        while !body.ends_with('\n') {
            body.pop();
        }
        let mut full = body.clone();
        full.push_str(&format!(
            "z: {}",
            "a".repeat(MAX_POLICY_LEN - body.len() - 3)
        ));
        assert_eq!(full.len(), MAX_POLICY_LEN);
        assert!(Policy::parse(full.as_bytes()).is_ok());
        full.push('a');
        assert_eq!(kind(&full), PolicyErrorKind::TooLarge);
    }

    #[test]
    fn warnings() {
        let (_, w) =
            Policy::parse_with_warnings(b"version: STSv1\nmode: enforce\nmx: *.com\nmax_age: 3600")
                .unwrap();
        assert!(w.contains(&PolicyWarning::ShortMaxAge { max_age: 3600 }));
        assert!(w.contains(&PolicyWarning::BroadWildcard {
            pattern: "*.com".into()
        }));
        let (_, w) = Policy::parse_with_warnings(
            b"version: STSv1\nmode: none\nmx: a.example\nmax_age: 3600",
        )
        .unwrap();
        assert_eq!(w, [PolicyWarning::MxInModeNone]);
        let (_, w) = Policy::parse_with_warnings(GOOD.as_bytes()).unwrap();
        assert!(w.is_empty());
    }

    #[test]
    fn canonical_text_round_trips() {
        let body = "version: STSv1\r\nmode: testing\r\nfoo: bar  baz \r\nmx: A.example\r\nmax_age: 99999999999".replace("99999999999", "4000000000");
        let p = Policy::parse(body.as_bytes()).unwrap();
        let text = p.to_text();
        assert_eq!(
            text,
            "version: STSv1\nmode: testing\nmx: A.example\nmax_age: 31557600\nfoo: bar  baz\n"
        );
        assert_eq!(Policy::parse(text.as_bytes()).unwrap(), p);
    }
}
