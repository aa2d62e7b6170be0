//! Parsing SPF records (RFC 7208 §4.5, §4.6, §5, §6, §12).
//!
//! ```text
//! record           = version terms *SP
//! version          = "v=spf1"
//! terms            = *( 1*SP ( directive / modifier ) )
//! directive        = [ qualifier ] mechanism
//! qualifier        = "+" / "-" / "?" / "~"
//! mechanism        = ( all / include / a / mx / ptr / ip4 / ip6 / exists )
//! modifier         = redirect / explanation / unknown-modifier
//! unknown-modifier = name "=" macro-string
//! name             = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
//!
//! ip4-network      = qnum "." qnum "." qnum "." qnum
//! qnum             = DIGIT                 ; 0-9
//!                    / %x31-39 DIGIT       ; 10-99
//!                    / "1" 2DIGIT          ; 100-199
//!                    / "2" %x30-34 DIGIT   ; 200-249
//!                    / "25" %x30-35        ; 250-255
//! ip6-network      = <as per [RFC4291], section 2.2>
//! ip4-cidr-length  = "/" ("0" / %x31-39 0*1DIGIT) ; value range 0-32
//! ip6-cidr-length  = "/" ("0" / %x31-39 0*2DIGIT) ; value range 0-128
//! dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]
//! ```
//!
//! The mechanisms and modifiers are quoted on [`Record`]'s module; the macro
//! grammar on [`MacroString`].
//!
//! How a term is told apart (§4.6.1): if a `=` comes before any `:` or `/`,
//! the term is a modifier and the text before the `=` must be a `name`;
//! otherwise it is a directive. Names are case-insensitive.
//!
//! Choices where the RFC leaves room:
//!
//! - Only SP separates terms. A tab, CR, LF or other control character is
//!   [`ParseErrorKind::InvalidChar`]; a byte above 0x7F is
//!   [`ParseErrorKind::NonAscii`] (records are 7-bit ASCII, §3.1 and §4.6).
//! - `ip4` networks follow `qnum`: no leading zeros (`01.2.3.4` is an error,
//!   avoiding the octal reading), no short forms (`1.2.3`), nothing over 255.
//!   CIDR lengths have no leading zeros either (`/032` is an error).
//! - `a` and `mx` take their dual-cidr-length from the end of the term, so a
//!   `/` inside the domain-spec stays there (`a:foo:bar/baz.example.com`). A
//!   term ending in `/` and digits is always read as a CIDR length: no
//!   domain-spec can end that way.
//! - `redirect=` and `exp=` are never unknown modifiers: a syntax error in
//!   their domain-spec is an error, not a silently ignored term.

use super::macros::{MacroError, MacroErrorKind, MacroString};
use super::record::{Directive, Mechanism, Modifier, Qualifier, Record, Term};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::{Ipv4Addr, Ipv6Addr};

/// What is wrong with an SPF record.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The text does not start with `v=spf1` followed by a space or its end
    /// (any case). Such a TXT record is not an SPF record at all: §4.5 says
    /// to discard it, which is not a `permerror`. Every other kind is a
    /// syntax error in an SPF record, which is.
    #[error("not an SPF record")]
    NotSpf,
    /// A byte above 0x7F.
    #[error("non-ASCII byte")]
    NonAscii,
    /// A control character, such as a tab, CR or NUL (only SP separates terms).
    #[error("invalid character {0:?}")]
    InvalidChar(char),
    /// A directive whose name is not a mechanism (`foo:bar`, `-all.`,
    /// `redirect:x`); the name as written.
    #[error("unknown mechanism {0:?}")]
    UnknownMechanism(String),
    /// A qualifier with nothing after it.
    #[error("qualifier without a mechanism")]
    MissingMechanism,
    /// An argument on a mechanism that takes none (`all:x`, `all/8`,
    /// `ptr/24`).
    #[error("unexpected mechanism argument")]
    UnexpectedArgument,
    /// A missing or empty domain-spec (`include`, `include:`, `a:`, `exp=`).
    #[error("missing domain-spec")]
    MissingDomain,
    /// A missing or malformed `ip4` network.
    #[error("invalid IPv4 network")]
    BadIp4,
    /// A missing or malformed `ip6` network.
    #[error("invalid IPv6 network")]
    BadIp6,
    /// A CIDR length that is empty, has leading zeros, or is out of range
    /// (0-32 for IPv4, 0-128 for IPv6), or a misplaced `/`.
    #[error("invalid CIDR length")]
    BadCidr,
    /// A second `redirect` or `exp` modifier (§6); which one.
    #[error("duplicate {0} modifier")]
    DuplicateModifier(&'static str),
    /// A modifier name that is not `ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )`.
    #[error("invalid modifier name")]
    BadModifierName,
    /// A syntax error in a domain-spec or macro-string.
    #[error("{0}")]
    Macro(MacroErrorKind),
}

/// Why a record could not be parsed, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {position}")]
pub struct ParseError {
    /// What is wrong.
    pub kind: ParseErrorKind,
    /// The byte offset in the record text where it was found.
    pub position: usize,
}

fn error(kind: ParseErrorKind, position: usize) -> ParseError {
    ParseError { kind, position }
}

/// A macro error in text that starts at `base` in the record.
fn macro_error(e: MacroError, base: usize) -> ParseError {
    error(
        ParseErrorKind::Macro(e.kind),
        base.saturating_add(e.position),
    )
}

impl Record {
    /// Parses an SPF record: the TXT record's strings already joined, without
    /// added spaces (§3.3).
    ///
    /// The whole record is checked, so a syntax error anywhere is found
    /// before any term is evaluated (§4.6). Error positions are byte offsets
    /// in `text`. See [`ParseErrorKind::NotSpf`] for the one error that is
    /// not a `permerror`.
    pub fn parse(text: &str) -> Result<Record, ParseError> {
        let bytes = text.as_bytes();
        let version_ok = bytes
            .get(..6)
            .is_some_and(|v| v.eq_ignore_ascii_case(b"v=spf1"))
            && matches!(bytes.get(6), None | Some(b' '));
        if !version_ok {
            return Err(error(ParseErrorKind::NotSpf, 0));
        }

        // One pass over the whole text, which the compiler vectorises:
        // the spaces (one allocation for the terms: a term follows a space;
        // capped, so that a record of spaces reserves little) and whether
        // every byte is printable ASCII or a space (then no term needs
        // checking byte by byte).
        let (spaces, printable) = scan(bytes);
        let mut record = Record {
            terms: Vec::with_capacity(spaces.min(MAX_RESERVED_TERMS)),
        };
        let mut seen_redirect = false;
        let mut seen_exp = false;
        let mut pos = 6;
        loop {
            while bytes.get(pos) == Some(&b' ') {
                pos = pos.saturating_add(1);
            }
            if pos >= bytes.len() {
                break;
            }
            let start = pos;
            pos = bytes
                .get(start..)
                .and_then(|rest| memchr::memchr(b' ', rest))
                .map_or(bytes.len(), |end| start.saturating_add(end));
            // Both ends are at a space or an end of the text: char boundaries.
            let term = text.get(start..pos).unwrap_or_default();
            if !printable {
                check_term_bytes(term, start)?;
            }
            let term = parse_term(term, start)?;
            if let Term::Modifier(modifier) = &term {
                let seen = match modifier {
                    Modifier::Redirect(_) => Some((&mut seen_redirect, "redirect")),
                    Modifier::Exp(_) => Some((&mut seen_exp, "exp")),
                    _ => None,
                };
                if let Some((seen, name)) = seen {
                    if *seen {
                        return Err(error(ParseErrorKind::DuplicateModifier(name), start));
                    }
                    *seen = true;
                }
            }
            record.terms.push(term);
        }
        Ok(record)
    }
}

/// The most terms reserved ahead; a record with more grows its vector.
const MAX_RESERVED_TERMS: usize = 64;

/// The number of spaces in `bytes`, and whether every byte is printable
/// ASCII or a space. Byte-wide counters over blocks of 32, so that the
/// compiler vectorises the inner loop.
fn scan(bytes: &[u8]) -> (usize, bool) {
    let mut spaces = 0usize;
    let mut bad = 0u8;
    for block in bytes.chunks(32) {
        let mut in_block = 0u8;
        for &b in block {
            in_block = in_block.wrapping_add(u8::from(b == b' '));
            bad |= u8::from(b.wrapping_sub(0x20) > 0x5e);
        }
        spaces = spaces.saturating_add(usize::from(in_block));
    }
    (spaces, bad == 0)
}

/// Checks that a term (at `at` in the record) is printable ASCII, naming
/// the first byte that is not.
fn check_term_bytes(term: &str, at: usize) -> Result<(), ParseError> {
    for (i, b) in term.bytes().enumerate() {
        let position = at.saturating_add(i);
        if !b.is_ascii() {
            return Err(error(ParseErrorKind::NonAscii, position));
        }
        if !(0x21..=0x7e).contains(&b) {
            return Err(error(ParseErrorKind::InvalidChar(char::from(b)), position));
        }
    }
    Ok(())
}

/// Parses one term of printable ASCII (so every byte offset is a char
/// boundary), which starts at `at` in the record.
fn parse_term(term: &str, at: usize) -> Result<Term, ParseError> {
    let delimiter = term
        .bytes()
        .position(|b| matches!(b, b':' | b'/' | b'='))
        .unwrap_or(term.len());
    if term.as_bytes().get(delimiter) == Some(&b'=') {
        let (name, value) = split(term, delimiter);
        parse_modifier(
            name,
            value.get(1..).unwrap_or_default(),
            at,
            at.saturating_add(delimiter).saturating_add(1),
        )
        .map(Term::Modifier)
    } else {
        parse_directive(term, delimiter, at).map(Term::Directive)
    }
}

fn split(text: &str, at: usize) -> (&str, &str) {
    text.split_at_checked(at).unwrap_or((text, ""))
}

/// `name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )`
fn is_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn parse_modifier(
    name: &str,
    value: &str,
    name_at: usize,
    value_at: usize,
) -> Result<Modifier, ParseError> {
    if !is_name(name) {
        return Err(error(ParseErrorKind::BadModifierName, name_at));
    }
    if name.eq_ignore_ascii_case("redirect") {
        domain_spec(value, value_at).map(Modifier::Redirect)
    } else if name.eq_ignore_ascii_case("exp") {
        domain_spec(value, value_at).map(Modifier::Exp)
    } else {
        let value = MacroString::parse(value).map_err(|e| macro_error(e, value_at))?;
        Ok(Modifier::Unknown {
            name: name.to_string(),
            value,
        })
    }
}

/// A required, non-empty domain-spec starting at `at`.
fn domain_spec(text: &str, at: usize) -> Result<MacroString, ParseError> {
    if text.is_empty() {
        return Err(error(ParseErrorKind::MissingDomain, at));
    }
    MacroString::parse_domain_spec(text).map_err(|e| macro_error(e, at))
}

/// `[ ":" domain-spec ]` starting at `at`: `rest` is empty or starts with `:`.
fn colon_domain_spec(rest: &str, at: usize) -> Result<Option<MacroString>, ParseError> {
    match rest.strip_prefix(':') {
        Some(text) => domain_spec(text, at.saturating_add(1)).map(Some),
        None if rest.is_empty() => Ok(None),
        None => Err(error(ParseErrorKind::BadCidr, at)),
    }
}

/// `":" domain-spec` starting at `at`.
fn required_domain_spec(rest: &str, at: usize) -> Result<MacroString, ParseError> {
    match rest.strip_prefix(':') {
        Some(text) => domain_spec(text, at.saturating_add(1)),
        None => Err(error(ParseErrorKind::MissingDomain, at)),
    }
}

/// The mechanisms, told apart by name (case-insensitive).
#[derive(Clone, Copy)]
enum Kind {
    All,
    Include,
    Exists,
    Ptr,
    A,
    Mx,
    Ip4,
    Ip6,
}

/// The mechanism `name` is, if any: by length first, so that one comparison
/// decides.
fn mechanism_kind(name: &str) -> Option<Kind> {
    let is = |known: &str| name.eq_ignore_ascii_case(known);
    match name.len() {
        1 if is("a") => Some(Kind::A),
        2 if is("mx") => Some(Kind::Mx),
        3 => match name.as_bytes().first().map(u8::to_ascii_lowercase) {
            Some(b'a') if is("all") => Some(Kind::All),
            Some(b'p') if is("ptr") => Some(Kind::Ptr),
            Some(b'i') if is("ip4") => Some(Kind::Ip4),
            Some(b'i') if is("ip6") => Some(Kind::Ip6),
            _ => None,
        },
        6 if is("exists") => Some(Kind::Exists),
        7 if is("include") => Some(Kind::Include),
        _ => None,
    }
}

/// Parses a directive; `delimiter` is where its first `:` or `/` is (the
/// end of the mechanism's name), or its length.
fn parse_directive(term: &str, delimiter: usize, at: usize) -> Result<Directive, ParseError> {
    let (qualifier, skip) = match term.as_bytes().first() {
        Some(b'+') => (Qualifier::Pass, 1),
        Some(b'-') => (Qualifier::Fail, 1),
        Some(b'~') => (Qualifier::SoftFail, 1),
        Some(b'?') => (Qualifier::Neutral, 1),
        _ => (Qualifier::Pass, 0),
    };
    let body = term.get(skip..).unwrap_or_default();
    let body_at = at.saturating_add(skip);
    if body.is_empty() {
        return Err(error(ParseErrorKind::MissingMechanism, body_at));
    }
    let name_len = delimiter.saturating_sub(skip);
    let (name, rest) = split(body, name_len);
    let rest_at = body_at.saturating_add(name_len);
    let Some(kind) = mechanism_kind(name) else {
        return Err(error(
            ParseErrorKind::UnknownMechanism(name.to_string()),
            body_at,
        ));
    };

    let mechanism = match kind {
        Kind::All => {
            if !rest.is_empty() {
                return Err(error(ParseErrorKind::UnexpectedArgument, rest_at));
            }
            Mechanism::All
        }
        Kind::Include => Mechanism::Include(required_domain_spec(rest, rest_at)?),
        Kind::Exists => Mechanism::Exists(required_domain_spec(rest, rest_at)?),
        Kind::Ptr => {
            if rest.starts_with('/') {
                return Err(error(ParseErrorKind::UnexpectedArgument, rest_at));
            }
            Mechanism::Ptr(colon_domain_spec(rest, rest_at)?)
        }
        Kind::A | Kind::Mx => {
            let (spec, cidr4, cidr6) = split_dual_cidr(rest);
            // In reading order: the domain-spec, then the lengths.
            let domain = colon_domain_spec(spec, rest_at)?;
            let cidr4 = cidr_at(cidr4, 32, rest_at)?;
            let cidr6 = cidr_at(cidr6, 128, rest_at)?;
            if matches!(kind, Kind::A) {
                Mechanism::A {
                    domain,
                    cidr4,
                    cidr6,
                }
            } else {
                Mechanism::Mx {
                    domain,
                    cidr4,
                    cidr6,
                }
            }
        }
        Kind::Ip4 => {
            let (addr, cidr) = network(rest, rest_at, 32, ParseErrorKind::BadIp4, parse_ipv4)?;
            Mechanism::Ip4 { addr, cidr }
        }
        Kind::Ip6 => {
            let (addr, cidr) = network(rest, rest_at, 128, ParseErrorKind::BadIp6, parse_ipv6)?;
            Mechanism::Ip6 { addr, cidr }
        }
    };
    Ok(Directive {
        qualifier,
        mechanism,
    })
}

/// Parses `":" network [ "/" cidr ]` (starting at `at`): the address, then
/// the prefix length (`max` when absent). `bad` is the error for a missing
/// or malformed address.
fn network<A>(
    rest: &str,
    at: usize,
    max: u8,
    bad: ParseErrorKind,
    parse: fn(&str) -> Option<A>,
) -> Result<(A, u8), ParseError> {
    let Some(text) = rest.strip_prefix(':') else {
        return Err(error(bad, at));
    };
    let addr_at = at.saturating_add(1);
    let (addr, cidr) = split(
        text,
        text.bytes().position(|b| b == b'/').unwrap_or(text.len()),
    );
    let addr = parse(addr).ok_or_else(|| error(bad, addr_at))?;
    let cidr = match cidr.strip_prefix('/') {
        None => max,
        Some(digits) => cidr_value(digits, max).ok_or_else(|| {
            error(
                ParseErrorKind::BadCidr,
                addr_at.saturating_add(text.len().saturating_sub(cidr.len())),
            )
        })?,
    };
    Ok((addr, cidr))
}

/// An IPv4 address as the standard library's parser reads it (and as
/// `ip4-network` says): four decimal parts of one to three digits, no leading
/// zero, each at most 255. Written out, in one pass over the bytes, because it
/// is on every `ip4` term.
fn parse_ipv4(text: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut index = 0usize;
    let mut value = 0u16;
    let mut digits = 0u8;
    for &b in text.as_bytes() {
        match b {
            b'0'..=b'9' => {
                // A fourth digit, or a digit after a leading zero.
                if digits == 3 || (digits == 1 && value == 0) {
                    return None;
                }
                value = value.saturating_mul(10).saturating_add(u16::from(b - b'0'));
                digits = digits.saturating_add(1);
            }
            b'.' if digits > 0 => {
                *octets.get_mut(index)? = u8::try_from(value).ok()?;
                index = index.saturating_add(1);
                value = 0;
                digits = 0;
            }
            _ => return None,
        }
    }
    if index != 3 || digits == 0 {
        return None;
    }
    *octets.get_mut(3)? = u8::try_from(value).ok()?;
    Some(Ipv4Addr::from(octets))
}

/// A hex digit's value.
fn hex_value(b: u8) -> Option<u16> {
    match b {
        b'0'..=b'9' => Some(u16::from(b - b'0')),
        b'a'..=b'f' => Some(u16::from(b - b'a').saturating_add(10)),
        b'A'..=b'F' => Some(u16::from(b - b'A').saturating_add(10)),
        _ => None,
    }
}

/// An IPv6 address as the standard library's parser reads it: eight groups
/// of one to four hex digits, or fewer around one `::` (which stands for at
/// least one group of zeros). Written out, in one pass over the bytes,
/// because the standard parser is several times slower on every `ip6` term;
/// an address with a dot (an embedded IPv4 address) goes to the standard
/// parser.
fn parse_ipv6(text: &str) -> Option<Ipv6Addr> {
    let bytes = text.as_bytes();
    let mut groups = [0u16; 8];
    let mut count = 0usize;
    // Where the `::` is: the number of groups before it.
    let mut gap: Option<usize> = None;
    let mut at = 0usize;
    if bytes.starts_with(b"::") {
        gap = Some(0);
        at = 2;
        if at == bytes.len() {
            return Some(Ipv6Addr::UNSPECIFIED);
        }
    }
    loop {
        let mut value = 0u16;
        let mut digits = 0u8;
        while let Some(digit) = bytes.get(at).copied().and_then(hex_value) {
            if digits == 4 {
                return None;
            }
            value = (value << 4) | digit;
            digits = digits.saturating_add(1);
            at = at.saturating_add(1);
        }
        if digits == 0 {
            return None;
        }
        if bytes.get(at) == Some(&b'.') {
            // An embedded IPv4 address (its first part read as hex digits
            // so far): left to the standard parser.
            return text.parse().ok();
        }
        *groups.get_mut(count)? = value;
        count = count.saturating_add(1);
        match bytes.get(at) {
            None => break,
            Some(b':') => {
                at = at.saturating_add(1);
                if bytes.get(at) == Some(&b':') {
                    if gap.is_some() {
                        return None;
                    }
                    gap = Some(count);
                    at = at.saturating_add(1);
                    if at == bytes.len() {
                        break;
                    }
                }
            }
            Some(_) => return None,
        }
    }
    match gap {
        None => (count == 8).then(|| Ipv6Addr::from(groups)),
        Some(_) if count > 7 => None,
        Some(gap) => {
            // The groups after the gap move to the end.
            let mut out = [0u16; 8];
            let tail = count.saturating_sub(gap);
            let (head_out, rest) = out.split_at_mut_checked(gap)?;
            head_out.copy_from_slice(groups.get(..gap)?);
            let tail_out = rest.get_mut(rest.len().checked_sub(tail)?..)?;
            tail_out.copy_from_slice(groups.get(gap..count)?);
            Some(Ipv6Addr::from(out))
        }
    }
}

/// `"0" / %x31-39 *DIGIT` with a value up to `max`.
fn cidr_value(digits: &str, max: u8) -> Option<u8> {
    let bytes = digits.as_bytes();
    let valid =
        !bytes.is_empty() && bytes.len() <= 3 && (bytes.len() == 1 || bytes.first() != Some(&b'0'));
    if !valid {
        return None;
    }
    let mut value = 0u16;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u16::from(b - b'0');
    }
    u8::try_from(value).ok().filter(|value| *value <= max)
}

/// A CIDR length found by [`split_dual_cidr`]: the offset of its `/` in
/// `rest` and its digits.
type CidrText<'t> = Option<(usize, &'t str)>;

/// Takes `[ ip4-cidr-length ] [ "/" ip6-cidr-length ]` off the end of `rest`:
/// returns what is left, and the IPv4 and IPv6 lengths' text if present.
fn split_dual_cidr(rest: &str) -> (&str, CidrText<'_>, CidrText<'_>) {
    /// If `text` ends in `suffix` and digits: the text before, and the digits.
    fn take_suffix<'t>(text: &'t str, suffix: &str) -> Option<(&'t str, &'t str)> {
        let without_digits = text.trim_end_matches(|c: char| c.is_ascii_digit());
        let before = without_digits.strip_suffix(suffix)?;
        Some((before, text.get(without_digits.len()..).unwrap_or_default()))
    }

    let mut left = rest;
    let ip6 = take_suffix(left, "//").map(|(before, digits)| {
        left = before;
        (before.len(), digits)
    });
    let ip4 = take_suffix(left, "/").map(|(before, digits)| {
        left = before;
        (before.len(), digits)
    });
    (left, ip4, ip6)
}

/// The value of a length from [`split_dual_cidr`] on text at `at`, `max`
/// when absent.
fn cidr_at(cidr: CidrText<'_>, max: u8, at: usize) -> Result<u8, ParseError> {
    match cidr {
        None => Ok(max),
        Some((offset, digits)) => cidr_value(digits, max)
            .ok_or_else(|| error(ParseErrorKind::BadCidr, at.saturating_add(offset))),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::spf::macros::tests::arb_domain_spec;
    use alloc::format;
    use alloc::vec;
    use alloc::vec::Vec;
    use core::net::{Ipv4Addr, Ipv6Addr};
    use proptest::prelude::*;

    fn spec(text: &str) -> MacroString {
        MacroString::parse_domain_spec(text).unwrap()
    }

    fn directive(qualifier: Qualifier, mechanism: Mechanism) -> Term {
        Term::Directive(Directive {
            qualifier,
            mechanism,
        })
    }

    fn pass(mechanism: Mechanism) -> Term {
        directive(Qualifier::Pass, mechanism)
    }

    fn parse_err(text: &str) -> (ParseErrorKind, usize) {
        let e = Record::parse(text).unwrap_err();
        (e.kind, e.position)
    }

    /// The records in RFC 7208 Appendix A (A.1 to A.4) and §10.1.
    #[test]
    fn rfc7208_appendix_a_records() {
        use Qualifier::*;
        let a = |domain: Option<&str>, cidr4, cidr6| Mechanism::A {
            domain: domain.map(spec),
            cidr4,
            cidr6,
        };
        let mx = |domain: Option<&str>, cidr4, cidr6| Mechanism::Mx {
            domain: domain.map(spec),
            cidr4,
            cidr6,
        };
        let cases: Vec<(&str, Vec<Term>)> = vec![
            ("v=spf1 +all", vec![pass(Mechanism::All)]),
            (
                "v=spf1 a -all",
                vec![pass(a(None, 32, 128)), directive(Fail, Mechanism::All)],
            ),
            (
                "v=spf1 a:example.org -all",
                vec![
                    pass(a(Some("example.org"), 32, 128)),
                    directive(Fail, Mechanism::All),
                ],
            ),
            (
                "v=spf1 mx -all",
                vec![pass(mx(None, 32, 128)), directive(Fail, Mechanism::All)],
            ),
            (
                "v=spf1 mx:example.org -all",
                vec![
                    pass(mx(Some("example.org"), 32, 128)),
                    directive(Fail, Mechanism::All),
                ],
            ),
            (
                "v=spf1 mx mx:example.org -all",
                vec![
                    pass(mx(None, 32, 128)),
                    pass(mx(Some("example.org"), 32, 128)),
                    directive(Fail, Mechanism::All),
                ],
            ),
            (
                "v=spf1 mx/30 -all",
                vec![pass(mx(None, 30, 128)), directive(Fail, Mechanism::All)],
            ),
            (
                "v=spf1 mx/30 mx:example.org/30 -all",
                vec![
                    pass(mx(None, 30, 128)),
                    pass(mx(Some("example.org"), 30, 128)),
                    directive(Fail, Mechanism::All),
                ],
            ),
            (
                "v=spf1 ptr -all",
                vec![pass(Mechanism::Ptr(None)), directive(Fail, Mechanism::All)],
            ),
            (
                "v=spf1 ip4:192.0.2.128/28 -all",
                vec![
                    pass(Mechanism::Ip4 {
                        addr: Ipv4Addr::new(192, 0, 2, 128),
                        cidr: 28,
                    }),
                    directive(Fail, Mechanism::All),
                ],
            ),
            (
                "v=spf1 include:example.com include:example.net -all",
                vec![
                    pass(Mechanism::Include(spec("example.com"))),
                    pass(Mechanism::Include(spec("example.net"))),
                    directive(Fail, Mechanism::All),
                ],
            ),
            (
                "v=spf1 redirect=example.org",
                vec![Term::Modifier(Modifier::Redirect(spec("example.org")))],
            ),
            (
                "v=spf1 mx -all exp=explain._spf.%{d}",
                vec![
                    pass(mx(None, 32, 128)),
                    directive(Fail, Mechanism::All),
                    Term::Modifier(Modifier::Exp(spec("explain._spf.%{d}"))),
                ],
            ),
            (
                "v=spf1 -ptr +all",
                vec![directive(Fail, Mechanism::Ptr(None)), pass(Mechanism::All)],
            ),
            (
                "v=spf1 -mx:%{d}/24//64 ~all",
                vec![
                    directive(Fail, mx(Some("%{d}"), 24, 64)),
                    directive(SoftFail, Mechanism::All),
                ],
            ),
            (
                "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all",
                vec![
                    pass(Mechanism::Exists(spec("%{ir}.%{l1r+-}._spf.%{d}"))),
                    directive(Fail, Mechanism::All),
                ],
            ),
            (
                "v=spf1 mx:example.com ?ptr ip6:2001:db8::/32 ~all",
                vec![
                    pass(mx(Some("example.com"), 32, 128)),
                    directive(Neutral, Mechanism::Ptr(None)),
                    pass(Mechanism::Ip6 {
                        addr: "2001:db8::".parse().unwrap(),
                        cidr: 32,
                    }),
                    directive(SoftFail, Mechanism::All),
                ],
            ),
        ];
        for (text, terms) in cases {
            assert_eq!(Record::parse(text).unwrap(), Record { terms }, "{text}");
        }
    }

    #[test]
    fn version_and_separators() {
        assert_eq!(Record::parse("v=spf1").unwrap(), Record::default());
        assert_eq!(Record::parse("v=spf1   ").unwrap(), Record::default());
        assert_eq!(Record::parse("V=SpF1 ~all").unwrap().terms.len(), 1);
        assert_eq!(Record::parse("v=spf1 a  -all   ").unwrap().terms.len(), 2);
        for not_spf in [
            "",
            "v=spf",
            "v=spf10",
            "v=spf1-all",
            " v=spf1 -all",
            "v=spf1\t-all",
            "v=spf2.0/pra",
            "spf1",
            "v=spfé",
            "é=spf1 -all",
        ] {
            assert_eq!(
                parse_err(not_spf),
                (ParseErrorKind::NotSpf, 0),
                "{not_spf:?}"
            );
        }
        assert_eq!(
            parse_err("v=spf1 -all\tfoo"),
            (ParseErrorKind::InvalidChar('\t'), 11)
        );
        assert_eq!(
            parse_err("v=spf1 a:ctrl.example.com\rptr -all"),
            (ParseErrorKind::InvalidChar('\r'), 25)
        );
        assert_eq!(
            parse_err("v=spf1 a:foo.example.com\0"),
            (ParseErrorKind::InvalidChar('\0'), 24)
        );
        assert_eq!(
            parse_err("v=spf1 a:\u{FEFF}garbage.example.net -all"),
            (ParseErrorKind::NonAscii, 9)
        );
        assert_eq!(
            parse_err("v=spf1 \u{80}a:example.net -all"),
            (ParseErrorKind::NonAscii, 7)
        );
        assert_eq!(
            parse_err("v=spf1 a:example.net \u{96}all"),
            (ParseErrorKind::NonAscii, 21)
        );
    }

    #[test]
    fn mechanisms() {
        let r = Record::parse(
            "v=spf1 ALL Include:a.example ExIsTs:%{i}.b.example PTR ptr:c.example \
             A a:d.example a/24 a//64 a/0//0 a:e.example/24//64 MX mx:f.example//0 \
             IP4:0.0.0.0/0 ip4:255.255.255.255/32 ip6:::1 IP6:2001:DB8::/128 ip6:::ffff:1.2.3.4/96",
        )
        .unwrap();
        let a = |domain: Option<&str>, cidr4, cidr6| {
            pass(Mechanism::A {
                domain: domain.map(spec),
                cidr4,
                cidr6,
            })
        };
        assert_eq!(
            r.terms,
            vec![
                pass(Mechanism::All),
                pass(Mechanism::Include(spec("a.example"))),
                pass(Mechanism::Exists(spec("%{i}.b.example"))),
                pass(Mechanism::Ptr(None)),
                pass(Mechanism::Ptr(Some(spec("c.example")))),
                a(None, 32, 128),
                a(Some("d.example"), 32, 128),
                a(None, 24, 128),
                a(None, 32, 64),
                a(None, 0, 0),
                a(Some("e.example"), 24, 64),
                pass(Mechanism::Mx {
                    domain: None,
                    cidr4: 32,
                    cidr6: 128
                }),
                pass(Mechanism::Mx {
                    domain: Some(spec("f.example")),
                    cidr4: 32,
                    cidr6: 0
                }),
                pass(Mechanism::Ip4 {
                    addr: Ipv4Addr::UNSPECIFIED,
                    cidr: 0
                }),
                pass(Mechanism::Ip4 {
                    addr: Ipv4Addr::BROADCAST,
                    cidr: 32
                }),
                pass(Mechanism::Ip6 {
                    addr: Ipv6Addr::LOCALHOST,
                    cidr: 128
                }),
                pass(Mechanism::Ip6 {
                    addr: "2001:db8::".parse().unwrap(),
                    cidr: 128
                }),
                pass(Mechanism::Ip6 {
                    addr: "::ffff:1.2.3.4".parse().unwrap(),
                    cidr: 96
                }),
            ]
        );
        // A "/" inside the domain-spec is not a CIDR length.
        assert_eq!(
            Record::parse("v=spf1 a:foo:bar/baz.example.com")
                .unwrap()
                .terms,
            vec![a(Some("foo:bar/baz.example.com"), 32, 128)]
        );
        assert_eq!(
            Record::parse("v=spf1 a:x/1.example/8").unwrap().terms,
            vec![a(Some("x/1.example"), 8, 128)]
        );
        // ip4 cidr up to 32 on a, ip6 cidr up to 128: a//33 is fine.
        assert_eq!(
            Record::parse("v=spf1 a//33").unwrap().terms,
            vec![a(None, 32, 33)]
        );
    }

    #[test]
    fn modifiers() {
        let r = Record::parse(
            "v=spf1 REDIRECT=_spf.example.com Exp=%{d}.exp moo.cow-far_out=man:dog/cat default=+ x= a=b",
        )
        .unwrap();
        let unknown = |name: &str, value: &str| {
            Term::Modifier(Modifier::Unknown {
                name: name.into(),
                value: MacroString::parse(value).unwrap(),
            })
        };
        assert_eq!(
            r.terms,
            vec![
                Term::Modifier(Modifier::Redirect(spec("_spf.example.com"))),
                Term::Modifier(Modifier::Exp(spec("%{d}.exp"))),
                unknown("moo.cow-far_out", "man:dog/cat"),
                unknown("default", "+"),
                unknown("x", ""),
                unknown("a", "b"),
            ]
        );
        assert_eq!(r.redirect(), Some(&spec("_spf.example.com")));
        assert_eq!(r.exp(), Some(&spec("%{d}.exp")));
        // Unknown modifiers may repeat.
        assert_eq!(Record::parse("v=spf1 x=1 x=2 X=3").unwrap().terms.len(), 3);
        assert_eq!(
            Record::parse("v=spf1 a_b.C-9=c").unwrap().terms,
            vec![unknown("a_b.C-9", "c")]
        );
    }

    #[test]
    fn errors() {
        use MacroErrorKind as M;
        use ParseErrorKind::*;
        let cases: Vec<(&str, ParseErrorKind, usize)> = vec![
            // The brief's cases.
            ("v=spf1 ip4:1.2.3.4/33", BadCidr, 18),
            ("v=spf1 a:foo.example/24//129", BadCidr, 23),
            (
                "v=spf1 redirect=a.example redirect=b.example",
                DuplicateModifier("redirect"),
                26,
            ),
            ("v=spf1 include", MissingDomain, 14),
            ("v=spf1 -all foo", UnknownMechanism("foo".into()), 12),
            ("v=spf1 exists:%{x}", Macro(M::UnknownLetter('x')), 16),
            ("v=spf1 mx:example.1", Macro(M::BadDomainEnd), 18),
            ("v=spf1 a:%{d}.%", Macro(M::BadPercent), 14),
            // Record evaluation.
            (
                "v=spf1 ip4:1.2.3.4 -all moo",
                UnknownMechanism("moo".into()),
                24,
            ),
            (
                "v=spf1 moo.cow/far_out=man:dog/cat",
                UnknownMechanism("moo.cow".into()),
                7,
            ),
            (
                "v=spf1 moo.cow:far_out=man:dog/cat",
                UnknownMechanism("moo.cow".into()),
                7,
            ),
            (
                "v=spf1 ip4:1.2.3.4 redirect:t2.example.com",
                UnknownMechanism("redirect".into()),
                19,
            ),
            ("v=spf1 a:foo-bar -all", Macro(M::BadDomainEnd), 9),
            ("v=spf1 -", MissingMechanism, 8),
            ("v=spf1 ~ all", MissingMechanism, 8),
            ("v=spf1 --all", UnknownMechanism("-all".into()), 8),
            ("v=spf1 +ip5:1.2.3.4", UnknownMechanism("ip5".into()), 8),
            // all.
            ("v=spf1 -all.", UnknownMechanism("all.".into()), 8),
            ("v=spf1 -all:foobar", UnexpectedArgument, 11),
            ("v=spf1 -all/8", UnexpectedArgument, 11),
            // ptr.
            ("v=spf1 ptr/0 -all", UnexpectedArgument, 10),
            ("v=spf1 ptr:", MissingDomain, 11),
            // a and mx.
            ("v=spf1 a/33 -all", BadCidr, 8),
            ("v=spf1 a//129 -all", BadCidr, 8),
            ("v=spf1 a/24/64 -all", BadCidr, 8),
            ("v=spf1 a/024", BadCidr, 8),
            ("v=spf1 a//01", BadCidr, 8),
            ("v=spf1 a/", BadCidr, 8),
            ("v=spf1 a//", BadCidr, 8),
            ("v=spf1 a///24", BadCidr, 8),
            ("v=spf1 a/24x", BadCidr, 8),
            ("v=spf1 a:example.com:8080", Macro(M::BadDomainEnd), 17),
            ("v=spf1 a:111.222.33.44", Macro(M::BadDomainEnd), 20),
            ("v=spf1 a:abc.123", Macro(M::BadDomainEnd), 13),
            ("v=spf1 a:museum", Macro(M::BadDomainEnd), 9),
            ("v=spf1 a:museum.", Macro(M::BadDomainEnd), 9),
            ("v=spf1 a:example.-com", Macro(M::BadDomainEnd), 17),
            ("v=spf1 a:", MissingDomain, 9),
            ("v=spf1 mx: -all", MissingDomain, 10),
            ("v=spf1 a:/24", MissingDomain, 9),
            ("v=spf1 a:%{x}/33", Macro(M::UnknownLetter('x')), 11),
            ("v=spf1 mx:abc.123", Macro(M::BadDomainEnd), 14),
            // include and exists.
            ("v=spf1 include +all", MissingDomain, 14),
            ("v=spf1 include: -all", MissingDomain, 15),
            ("v=spf1 include/24", MissingDomain, 14),
            (
                "v=spf1 include:ip5.example.com/24 -all",
                Macro(M::BadDomainEnd),
                27,
            ),
            ("v=spf1 exists", MissingDomain, 13),
            ("v=spf1 exists:", MissingDomain, 14),
            (
                "v=spf1 exists:mail.example.com/24",
                Macro(M::BadDomainEnd),
                27,
            ),
            // ip4.
            ("v=spf1 ip4", BadIp4, 10),
            ("v=spf1 ip4/24", BadIp4, 10),
            ("v=spf1 ip4:", BadIp4, 11),
            ("v=spf1 ip4:1.2.3", BadIp4, 11),
            ("v=spf1 ip4:1.2.3.4:8080", BadIp4, 11),
            ("v=spf1 ip4:1.2.3.256", BadIp4, 11),
            ("v=spf1 ip4:01.2.3.4", BadIp4, 11),
            ("v=spf1 ip4:1.2.3.04/32", BadIp4, 11),
            ("v=spf1 ip4:::1", BadIp4, 11),
            ("v=spf1 ip4:1.2.3.4/032 -all", BadCidr, 18),
            ("v=spf1 ip4:1.2.3.4//32", BadCidr, 18),
            ("v=spf1 ip4:1.2.3.4/", BadCidr, 18),
            ("v=spf1 ip4:1.2.3.4/ -all", BadCidr, 18),
            ("v=spf1 ip4:1.2.3/33", BadIp4, 11),
            // ip6.
            ("v=spf1 -all ip6", BadIp6, 15),
            ("v=spf1 ip6::CAFE::BABE", BadIp6, 11),
            ("v=spf1 ip6:1.2.3.4", BadIp6, 11),
            ("v=spf1 ip6:[::1]", BadIp6, 11),
            ("v=spf1 ip6:fe80::1%eth0", BadIp6, 11),
            ("v=spf1 ip6:::1.1.1.1/129", BadCidr, 20),
            ("v=spf1 ip6:::1.1.1.1//33", BadCidr, 20),
            ("v=spf1 ip6:::/0128", BadCidr, 13),
            // Modifiers.
            ("v=spf1 1up=foo", BadModifierName, 7),
            ("v=spf1 =all", BadModifierName, 7),
            ("v=spf1 -redirect=a.example", BadModifierName, 7),
            ("v=spf1 -all foo=%abc", Macro(M::BadPercent), 16),
            ("v=spf1 x=%{t}", Macro(M::ExplanationOnlyLetter('t')), 11),
            ("v=spf1 exp= -all", MissingDomain, 11),
            ("v=spf1 ?all redirect=", MissingDomain, 21),
            ("v=spf1 exp=-all", Macro(M::BadDomainEnd), 11),
            ("v=spf1 redirect=-all ?all", Macro(M::BadDomainEnd), 16),
            (
                "v=spf1 exp=%{r}.example.com",
                Macro(M::ExplanationOnlyLetter('r')),
                13,
            ),
            (
                "v=spf1 exp=a.example -all EXP=b.example",
                DuplicateModifier("exp"),
                26,
            ),
            (
                "v=spf1 redirect=a.example Redirect=a.example",
                DuplicateModifier("redirect"),
                26,
            ),
        ];
        for (text, kind, position) in cases {
            assert_eq!(parse_err(text), (kind, position), "{text}");
        }
    }

    /// Records from the openspf RFC 7208 test suite (pyspf's
    /// `rfc7208-tests.yml`, release 2014.04) that are valid syntax, whatever
    /// their evaluation result.
    #[test]
    fn openspf_suite_valid_records() {
        for text in [
            "v=spf1 a  -all",
            "v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all",
            "v=spf1 redirect=t5.example.com ~all",
            "v=spf1 a:mail.example...com -all",
            "v=spf1 a:a123456789012345678901234567890123456789012345678901234567890123.example.com",
            "v=spf1 a:%{H}.bar -all",
            "v=spf1 all -all",
            "v=spf1 a/0 -all",
            "v=spf1 a//0 -all",
            "v=spf1 a//33 -all",
            "v=spf1 mx//33 -all",
            "v=spf1 a/24//64 -all",
            "v=spf1 a:foo.example.com/24",
            "v=spf1 a:foo:bar/baz.example.com",
            "v=spf1 mx:foo:bar/baz.example.com",
            "v=spf1 a:foo.example.xn--zckzah -all",
            "v=spf1 ptr:example.Com -all",
            "v=spf1 ip4:1.1.1.1/0 -all",
            "v=spf1 -ip4:1.2.3.4 ip6:::FFFF:1.2.3.4",
            "v=spf1 ip6:::1.1.1.1/0",
            "v=spf1 ip6:Cafe:Babe:8000::/33",
            "v=spf1 exp=exp1.example.com redirect=e2.example.com",
            "v=spf1 include:e3.example.com -all exp=exp3.example.com",
            "v=spf1 default=pass",
            "v=spf1 default=+",
            "v=spf1 redirect=%{d}.d.spf.example.com.",
            "v=spf1 include:o.spf.example.com. ~all",
            "v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all",
            "v=spf1 -all exp=%{ir}.example.com",
            "v=spf1 -all exp=msg8.%{D2}",
            "v=spf1 a:%{H} -all",
            "v=spf1 -include:_spfh.%{d2} ip4:1.2.3.0/24 -all",
            "v=spf1 exists:%{i}.%{l2r-}.user.%{d2}",
            "v=spf1 exists:%{l2r+-}.user.%{d2}",
            "v=spf1 exists:%{p}.should.example.com ~exists:%{p}.ok.example.com",
            "v=spf1 mx redirect=_spf.example.com",
            "v=spf1 ptr:fe.example.org ptr:sgp.example.com exp=_expspf.example.org -all",
        ] {
            assert!(Record::parse(text).is_ok(), "{text}");
        }
        use MacroErrorKind as M;
        for (text, kind) in [
            ("v=spf1 -exists:%(ir).sbl.example.com ?all", M::BadPercent),
            ("v=spf1 exists:foo%(ir).sbl.example.com ?all", M::BadPercent),
            ("v=spf1 exists:foo%.sbl.example.com ?all", M::BadPercent),
            ("v=spf1 a:%{a}.example.com -all", M::UnknownLetter('a')),
        ] {
            assert_eq!(
                Record::parse(text).unwrap_err().kind,
                ParseErrorKind::Macro(kind),
                "{text}"
            );
        }
    }

    #[test]
    fn error_messages() {
        let e = Record::parse("v=spf1 ip4:1.2.3.4/33").unwrap_err();
        assert_eq!(e.to_string(), "invalid CIDR length at byte 18");
        let e = Record::parse("v=spf1 redirect=a.example redirect=b.example").unwrap_err();
        assert_eq!(e.to_string(), "duplicate redirect modifier at byte 26");
        let e = Record::parse("v=spf1 exists:%{x}").unwrap_err();
        assert_eq!(e.to_string(), "unknown macro letter 'x' at byte 16");
        let e = Record::parse("v=spf1 -all foo").unwrap_err();
        assert_eq!(e.to_string(), "unknown mechanism \"foo\" at byte 12");
        assert_eq!(
            Record::parse("v=spf10").unwrap_err().to_string(),
            "not an SPF record at byte 0"
        );
    }

    /// A valid term, as text.
    pub(crate) fn arb_term() -> impl Strategy<Value = String> {
        let qualifier = prop::sample::select(vec!["", "+", "-", "~", "?"]);
        let cidr4 =
            prop::option::of(0u8..=32).prop_map(|c| c.map(|c| format!("/{c}")).unwrap_or_default());
        let cidr6 = prop::option::of(0u8..=128)
            .prop_map(|c| c.map(|c| format!("//{c}")).unwrap_or_default());
        let domain = prop::option::of(arb_domain_spec())
            .prop_map(|d| d.map(|d| format!(":{d}")).unwrap_or_default())
            .boxed();
        let mechanism = prop_oneof![
            Just(String::from("all")),
            arb_domain_spec().prop_map(|d| format!("include:{d}")),
            arb_domain_spec().prop_map(|d| format!("exists:{d}")),
            domain.clone().prop_map(|d| format!("ptr{d}")),
            (
                prop::sample::select(vec!["a", "mx", "A", "Mx"]),
                domain,
                cidr4,
                cidr6
            )
                .prop_map(|(m, d, c4, c6)| format!("{m}{d}{c4}{c6}")),
            (any::<[u8; 4]>(), prop::option::of(0u8..=32)).prop_map(|(a, c)| {
                let cidr = c.map(|c| format!("/{c}")).unwrap_or_default();
                format!("ip4:{}{cidr}", Ipv4Addr::from(a))
            }),
            (any::<[u8; 16]>(), prop::option::of(0u8..=128)).prop_map(|(a, c)| {
                let cidr = c.map(|c| format!("/{c}")).unwrap_or_default();
                format!("ip6:{}{cidr}", Ipv6Addr::from(a))
            }),
        ];
        prop_oneof![
            4 => (qualifier, mechanism).prop_map(|(q, m)| format!("{q}{m}")),
            1 => ("[a-zA-Z][a-zA-Z0-9._-]{0,8}", crate::spf::macros::tests::arb_macro_string(false))
                .prop_filter("not a known modifier", |(n, _)| {
                    !n.eq_ignore_ascii_case("redirect") && !n.eq_ignore_ascii_case("exp")
                })
                .prop_map(|(n, v)| format!("{n}={v}")),
        ]
    }

    /// A valid record, as text, with arbitrary spacing.
    pub(crate) fn arb_record() -> impl Strategy<Value = String> {
        (
            prop::collection::vec((arb_term(), 1usize..3), 0..8),
            prop::option::of(arb_domain_spec()),
            prop::option::of(arb_domain_spec()),
            0usize..3,
        )
            .prop_map(|(terms, redirect, exp, trailing)| {
                let mut text = String::from("v=spf1");
                for (term, spaces) in terms {
                    text.push_str(&" ".repeat(spaces));
                    text.push_str(&term);
                }
                if let Some(r) = redirect {
                    text.push_str(&format!(" redirect={r}"));
                }
                if let Some(e) = exp {
                    text.push_str(&format!(" exp={e}"));
                }
                text.push_str(&" ".repeat(trailing));
                text
            })
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC{0,80}") {
            let _ = Record::parse(&text);
            let _ = Record::parse(&format!("v=spf1 {text}"));
        }

        #[test]
        fn parse_never_panics_near_misses(text in "v=spf1[ a-zA-Z0-9:/%{}.=+~?_-]{0,48}") {
            if let Ok(record) = Record::parse(&text) {
                let rendered = record.to_string();
                prop_assert_eq!(Record::parse(&rendered).unwrap(), record);
            }
        }

        #[test]
        fn valid_records_parse(text in arb_record()) {
            prop_assert!(Record::parse(&text).is_ok(), "{}", text);
        }

        #[test]
        fn ipv4_parser_agrees_with_std(text in "[0-9.+-]{0,18}") {
            prop_assert_eq!(parse_ipv4(&text), text.parse::<Ipv4Addr>().ok(), "{}", text);
        }

        #[test]
        fn ipv4_parser_agrees_with_std_near_valid(
            parts in proptest::collection::vec("0|[1-9][0-9]{0,2}|0[0-9]{1,2}|[0-9]{4}", 3..6),
        ) {
            let text = parts.join(".");
            prop_assert_eq!(parse_ipv4(&text), text.parse::<Ipv4Addr>().ok(), "{}", text);
        }

        #[test]
        fn ipv6_parser_agrees_with_std(text in "[0-9a-fA-Fg:.+-]{0,42}") {
            prop_assert_eq!(parse_ipv6(&text), text.parse::<Ipv6Addr>().ok(), "{}", text);
        }

        #[test]
        fn ipv6_parser_agrees_with_std_near_valid(
            groups in proptest::collection::vec("[0-9a-fA-F]{0,5}|\\+[0-9]", 0..10),
            compress in proptest::option::of(0usize..10),
        ) {
            let mut text = String::new();
            for (i, group) in groups.iter().enumerate() {
                if i > 0 {
                    text.push(':');
                }
                if compress == Some(i) {
                    text.push(':');
                }
                text.push_str(group);
            }
            prop_assert_eq!(parse_ipv6(&text), text.parse::<Ipv6Addr>().ok(), "{}", text);
            let addr = Ipv6Addr::from(groups.len() as u128 * 0x1_0000_0001_0000_0000_0001);
            prop_assert_eq!(parse_ipv6(&addr.to_string()), Some(addr));
        }
    }
}
