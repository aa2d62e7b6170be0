//! Macro strings (RFC 7208 §7): parsing, rendering and expansion.
//!
//! The grammar (RFC 7208 §7.1):
//!
//! ```text
//! domain-spec      = macro-string domain-end
//! domain-end       = ( "." toplabel [ "." ] ) / macro-expand
//!
//! toplabel         = ( *alphanum ALPHA *alphanum ) /
//!                    ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
//!                    ; LDH rule plus additional TLD restrictions
//!                    ; (see Section 2 of [RFC3696] for background)
//! alphanum         = ALPHA / DIGIT
//!
//! explain-string   = *( macro-string / SP )
//!
//! macro-string     = *( macro-expand / macro-literal )
//! macro-expand     = ( "%{" macro-letter transformers *delimiter "}" )
//!                    / "%%" / "%_" / "%-"
//! macro-literal    = %x21-24 / %x26-7E
//!                    ; visible characters except "%"
//! macro-letter     = "s" / "l" / "o" / "d" / "i" / "p" / "h" /
//!                    "c" / "r" / "t" / "v"
//! transformers     = *DIGIT [ "r" ]
//! delimiter        = "." / "-" / "+" / "," / "/" / "_" / "="
//! ```
//!
//! As everywhere in ABNF, the letters are case-insensitive; an upper-case
//! macro letter asks for URL escaping of the expansion (§7.3). The letters
//! `c`, `r` and `t` are allowed only in explanation strings (§7.1), which are
//! parsed with [`MacroString::parse_explanation`].

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::{self, Write as _};
use core::iter::Peekable;
use core::net::IpAddr;
use core::str::CharIndices;

use mailsec_dns::Name;
use smallvec::SmallVec;

/// The most bytes one expansion may produce. Legitimate expansions are
/// domain names (at most 253 bytes before truncation) and one-line
/// explanations; the bound keeps hostile records from making the evaluator
/// allocate without limit.
const MAX_EXPANSION: usize = 8 * 1024;

/// The longest domain name in text form, without the trailing dot (§7.3).
const MAX_DOMAIN: usize = 253;

/// A macro letter (RFC 7208 §7.2): which value a macro expands to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MacroLetter {
    /// `s`: the sender, `local-part@domain`.
    S,
    /// `l`: the local-part of the sender.
    L,
    /// `o`: the domain of the sender.
    O,
    /// `d`: the domain being evaluated.
    D,
    /// `i`: the client IP, dotted quad or 32 dot-separated nibbles.
    I,
    /// `p`: the validated domain name of the client IP (discouraged, §7.3).
    P,
    /// `h`: the HELO/EHLO domain.
    H,
    /// `c`: the client IP in readable form (explanations only).
    C,
    /// `r`: the receiving host's domain name (explanations only).
    R,
    /// `t`: the current time in seconds since the epoch (explanations only).
    T,
    /// `v`: `in-addr` for IPv4 clients, `ip6` for IPv6 clients.
    V,
}

impl MacroLetter {
    /// The letter as written: lower-case, or upper-case when `upper` (the
    /// URL-escaping form).
    pub fn as_char(self, upper: bool) -> char {
        let c = match self {
            MacroLetter::S => 's',
            MacroLetter::L => 'l',
            MacroLetter::O => 'o',
            MacroLetter::D => 'd',
            MacroLetter::I => 'i',
            MacroLetter::P => 'p',
            MacroLetter::H => 'h',
            MacroLetter::C => 'c',
            MacroLetter::R => 'r',
            MacroLetter::T => 't',
            MacroLetter::V => 'v',
        };
        if upper { c.to_ascii_uppercase() } else { c }
    }

    /// Whether the letter is allowed only in explanation strings (`c`, `r`,
    /// `t`; RFC 7208 §7.1).
    pub fn explanation_only(self) -> bool {
        matches!(self, MacroLetter::C | MacroLetter::R | MacroLetter::T)
    }

    /// The letter for `c` in either case, and whether it was upper-case.
    fn from_char(c: char) -> Option<(Self, bool)> {
        let letter = match c.to_ascii_lowercase() {
            's' => MacroLetter::S,
            'l' => MacroLetter::L,
            'o' => MacroLetter::O,
            'd' => MacroLetter::D,
            'i' => MacroLetter::I,
            'p' => MacroLetter::P,
            'h' => MacroLetter::H,
            'c' => MacroLetter::C,
            'r' => MacroLetter::R,
            't' => MacroLetter::T,
            'v' => MacroLetter::V,
            _ => return None,
        };
        Some((letter, c.is_ascii_uppercase()))
    }
}

/// One `%{...}` macro (RFC 7208 §7.1, §7.3).
///
/// The fields are public so that the evaluator can inspect them; a value
/// built by hand with `digits: Some(0)` or delimiters outside
/// `. - + , / _ =` renders to text that does not parse again.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Macro {
    /// Which value to expand.
    pub letter: MacroLetter,
    /// The letter was written in upper case: URL-escape the expansion (§7.3).
    pub url_escape: bool,
    /// The DIGIT transformer: keep this many right-hand parts. Parsing
    /// accepts 1 to 255 (leading zeros allowed, `%{d02}` is `%{d2}`); zero is
    /// a syntax error (§7.3).
    pub digits: Option<u8>,
    /// The `r` transformer: reverse the parts before keeping the right-hand ones.
    pub reverse: bool,
    /// The delimiters as written, for instance `".-"`. Empty means `"."`.
    pub delimiters: String,
}

/// A piece of a macro string.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MacroPart {
    /// Literal text: visible ASCII other than `%` (and spaces in explanations).
    Literal(String),
    /// A `%{...}` macro.
    Macro(Macro),
    /// `%%`: a percent sign.
    Percent,
    /// `%_`: a space.
    Space,
    /// `%-`: a URL-encoded space, `%20`.
    UrlSpace,
}

/// A parsed macro string (RFC 7208 §7.1): a `domain-spec`, an unknown
/// modifier's value, or an explanation string.
///
/// Adjacent literal text is kept as one [`MacroPart::Literal`], so two macro
/// strings are equal when they have the same meaning and the same spelling of
/// each macro. [`Display`](fmt::Display) writes the canonical text back.
#[derive(Clone, Default)]
pub struct MacroString {
    /// One part inline: a literal domain-spec costs no vector.
    parts: SmallVec<[MacroPart; 1]>,
    /// For a domain-spec that is one literal (`include:_spf.example.com`, the
    /// common case) and a valid name other than the root: that name, made
    /// once at parse time so that evaluating the term (from a cached record)
    /// allocates nothing. A function of `parts`, so left out of comparisons.
    name: Option<Name>,
}

impl fmt::Debug for MacroString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MacroString")
            .field("parts", &self.parts)
            .finish()
    }
}

impl PartialEq for MacroString {
    fn eq(&self, other: &Self) -> bool {
        self.parts == other.parts
    }
}

impl Eq for MacroString {}

impl core::hash::Hash for MacroString {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.parts.hash(state);
    }
}

/// The values macros expand to (RFC 7208 §7.2). The caller fills it in from
/// the SMTP session and the evaluation state.
#[derive(Clone, Copy, Debug)]
pub struct MacroContext<'a> {
    /// `s`: the sender, `local-part@domain` (for an empty MAIL FROM, the
    /// caller substitutes `postmaster@<helo>`, §4.3).
    pub sender: &'a str,
    /// `l`: the sender's local-part (the caller substitutes `postmaster`
    /// when there is none, §4.3).
    pub sender_local: &'a str,
    /// `o`: the sender's domain.
    pub sender_domain: &'a str,
    /// `d`: the domain being evaluated (changes with `include` and `redirect`).
    pub domain: &'a str,
    /// `i`, `c`, `v`: the client IP. The caller MUST pass an IPv4-mapped IPv6
    /// address as IPv4 (§5: such a client is an IPv4 client).
    pub ip: IpAddr,
    /// `p`: the validated domain name of the client IP, chosen as §7.3 says
    /// (the `<domain>` itself, else a subdomain, else any); `None` expands to
    /// `unknown`.
    pub validated_ptr: Option<&'a str>,
    /// `h`: the HELO/EHLO domain.
    pub helo: &'a str,
    /// `r`: the receiving host's domain name, or `unknown` (explanations only).
    pub receiver: &'a str,
    /// `t`: the time, in seconds since the Unix epoch, from the caller's clock
    /// (explanations only).
    pub timestamp: u64,
    /// Whether this expansion is of an explanation string, where `c`, `r` and
    /// `t` are allowed. Elsewhere they are an expansion error.
    pub explanation: bool,
}

/// What is wrong with a macro string, or why it could not be expanded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MacroErrorKind {
    /// `%{` without its `}`.
    #[error("unterminated macro")]
    UnterminatedMacro,
    /// A macro letter other than `s l o d i p h c r t v`.
    #[error("unknown macro letter {0:?}")]
    UnknownLetter(char),
    /// Transformers out of order (`%{dr2}`), or a DIGIT above 255.
    #[error("invalid macro transformer")]
    BadTransformer,
    /// A DIGIT transformer of zero (§7.3: it MUST be nonzero).
    #[error("macro transformer digit is zero")]
    ZeroDigit,
    /// A character other than a delimiter between the transformers and `}`.
    #[error("invalid macro delimiter {0:?}")]
    BadDelimiter(char),
    /// A `%` not followed by `{`, `%`, `_` or `-` (or at the end).
    #[error("'%' not followed by '{{', '%', '_' or '-'")]
    BadPercent,
    /// `c`, `r` or `t` outside an explanation string.
    #[error("macro letter {0:?} is allowed only in explanations")]
    ExplanationOnlyLetter(char),
    /// A domain-spec that does not end in a macro or in `.` and a valid top
    /// label (not all-numeric, not starting or ending with `-`).
    #[error("domain-spec does not end in a macro or a valid top label")]
    BadDomainEnd,
    /// A character outside visible ASCII (and, outside explanations, a space).
    #[error("invalid character {0:?}")]
    InvalidChar(char),
    /// The expansion would exceed 8 KiB.
    #[error("macro expansion longer than 8192 bytes")]
    TooLong,
    /// The expanded domain is over 253 bytes and has no label boundary that
    /// would bring it under (§7.3's truncation cannot apply).
    #[error("expanded domain longer than 253 bytes in one label")]
    DomainTooLong,
}

/// A macro string error and where it was found.
///
/// For parse errors the position is the byte offset in the parsed text. For
/// expansion errors it is the offset of the offending part in the string's
/// canonical text (its [`Display`](fmt::Display) output), which is the parsed
/// text unless that spelled a DIGIT with leading zeros or an `R` transformer;
/// `DomainTooLong` reports position 0.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {position}")]
pub struct MacroError {
    /// What is wrong.
    pub kind: MacroErrorKind,
    /// The byte offset where it was found.
    pub position: usize,
}

fn error(kind: MacroErrorKind, position: usize) -> MacroError {
    MacroError { kind, position }
}

impl MacroString {
    /// Parses a `macro-string` (RFC 7208 §7.1), as in an unknown modifier's
    /// value. `c`, `r` and `t` are rejected (`ExplanationOnlyLetter`).
    pub fn parse(text: &str) -> Result<MacroString, MacroError> {
        parse_parts(text, false).map(|(parts, _)| MacroString {
            parts: SmallVec::from_vec(parts),
            name: None,
        })
    }

    /// Parses a `domain-spec` (RFC 7208 §7.1): a macro string that ends in a
    /// macro, or in `.` and a top label with an optional trailing `.`. The
    /// check is on the text as written, not on any expansion. An empty text
    /// is `BadDomainEnd`.
    pub fn parse_domain_spec(text: &str) -> Result<MacroString, MacroError> {
        // The common case, one literal and no macro, without the general
        // parser (anything else, errors included, goes through it).
        // A fold, not `all`: without the early exit it is vectorised.
        let plain = text
            .bytes()
            .fold(true, |ok, b| ok & matches!(b, 0x21..=0x24 | 0x26..=0x7e));
        if !text.is_empty() && plain {
            check_domain_end(text, 0)?;
            let name = if text.len() <= MAX_DOMAIN {
                Name::new(text).ok().filter(|n| !n.is_root())
            } else {
                None
            };
            return Ok(MacroString {
                parts: smallvec::smallvec![MacroPart::Literal(text.to_string())],
                name,
            });
        }
        let (parts, last_start) = parse_parts(text, false)?;
        match parts.last() {
            Some(MacroPart::Literal(literal)) => check_domain_end(literal, last_start)?,
            Some(_) => {}
            None => return Err(error(MacroErrorKind::BadDomainEnd, 0)),
        }
        let name = match parts.as_slice() {
            [MacroPart::Literal(literal)] if literal.len() <= MAX_DOMAIN => {
                Name::new(literal).ok().filter(|n| !n.is_root())
            }
            _ => None,
        };
        Ok(MacroString {
            parts: SmallVec::from_vec(parts),
            name,
        })
    }

    /// Parses an `explain-string` (RFC 7208 §6.2, §7.1): the TXT record named
    /// by `exp=`. Spaces are literal text, and `c`, `r` and `t` are allowed.
    /// Anything outside printable ASCII is an error; §6.2 then says to
    /// proceed as if there were no `exp=`.
    pub fn parse_explanation(text: &str) -> Result<MacroString, MacroError> {
        parse_parts(text, true).map(|(parts, _)| MacroString {
            parts: SmallVec::from_vec(parts),
            name: None,
        })
    }

    /// The name a one-literal domain-spec stands for, when it is a valid
    /// name other than the root (`None` otherwise, and for strings not
    /// parsed as domain-specs).
    pub(crate) fn literal_name(&self) -> Option<&Name> {
        self.name.as_ref()
    }

    /// The parts, in order.
    pub fn parts(&self) -> &[MacroPart] {
        &self.parts
    }

    /// Whether any macro uses `letter` (for instance: is a PTR lookup needed
    /// for `%{p}`?).
    pub fn uses(&self, letter: MacroLetter) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, MacroPart::Macro(m) if m.letter == letter))
    }

    /// Expands the macros (RFC 7208 §7.3).
    ///
    /// Each macro's value is split on its delimiters (default `.`), reversed
    /// with `r`, cut to the right-hand DIGIT parts, joined with `.`, and
    /// URL-escaped when the letter is upper-case. The result is at most
    /// 8 KiB (else `TooLong`); so is each raw value.
    pub fn expand(&self, ctx: &MacroContext<'_>) -> Result<String, MacroError> {
        let mut out = String::new();
        let mut position = 0usize;
        for part in &self.parts {
            match part {
                MacroPart::Literal(text) => push(&mut out, text, false, position)?,
                MacroPart::Percent => push(&mut out, "%", false, position)?,
                MacroPart::Space => push(&mut out, " ", false, position)?,
                MacroPart::UrlSpace => push(&mut out, "%20", false, position)?,
                MacroPart::Macro(m) => expand_macro(m, ctx, &mut out, position)?,
            }
            position = position.saturating_add(rendered_len(part));
        }
        Ok(out)
    }

    /// Expands for use as a domain name (RFC 7208 §7.3): as [`expand`](Self::expand),
    /// then one trailing `.` is removed, and a name longer than 253 bytes
    /// loses labels from the left (each with its following dot) until it fits.
    ///
    /// The result is not otherwise checked: it may hold empty or over-long
    /// labels, or characters DNS names do not, and the caller decides how to
    /// treat such a name.
    pub fn expand_domain(&self, ctx: &MacroContext<'_>) -> Result<String, MacroError> {
        let mut name = self.expand(ctx)?;
        if name.ends_with('.') {
            name.pop();
        }
        if name.len() > MAX_DOMAIN {
            // Keep `name[k + 1..]` for the first dot at `k` with
            // `name.len() - (k + 1) <= MAX_DOMAIN`.
            let from = name.len().saturating_sub(MAX_DOMAIN + 1);
            let dot = name
                .bytes()
                .enumerate()
                .skip(from)
                .find(|&(_, b)| b == b'.')
                .map(|(k, _)| k);
            match dot {
                Some(k) => name = name.split_off(k.saturating_add(1)),
                None => return Err(error(MacroErrorKind::DomainTooLong, 0)),
            }
        }
        Ok(name)
    }
}

impl fmt::Display for MacroString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.parts.iter().try_for_each(|part| write!(f, "{part}"))
    }
}

impl fmt::Display for MacroPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MacroPart::Literal(text) => f.write_str(text),
            MacroPart::Macro(m) => write!(f, "{m}"),
            MacroPart::Percent => f.write_str("%%"),
            MacroPart::Space => f.write_str("%_"),
            MacroPart::UrlSpace => f.write_str("%-"),
        }
    }
}

impl fmt::Display for Macro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("%{")?;
        f.write_char(self.letter.as_char(self.url_escape))?;
        if let Some(digits) = self.digits {
            write!(f, "{digits}")?;
        }
        if self.reverse {
            f.write_char('r')?;
        }
        f.write_str(&self.delimiters)?;
        f.write_char('}')
    }
}

/// The length of `part`'s canonical text.
fn rendered_len(part: &MacroPart) -> usize {
    match part {
        MacroPart::Literal(text) => text.len(),
        MacroPart::Percent | MacroPart::Space | MacroPart::UrlSpace => 2,
        MacroPart::Macro(m) => {
            let digits = match m.digits {
                None => 0,
                Some(0..=9) => 1,
                Some(10..=99) => 2,
                Some(_) => 3,
            };
            // "%{" letter digits ["r"] delimiters "}"
            4usize
                .saturating_add(digits)
                .saturating_add(usize::from(m.reverse))
                .saturating_add(m.delimiters.len())
        }
    }
}

fn is_delimiter(c: char) -> bool {
    matches!(c, '.' | '-' | '+' | ',' | '/' | '_' | '=')
}

/// Parses a macro-string (with spaces and `c r t` when `explanation`).
/// Returns the parts and the byte offset where the last part starts.
fn parse_parts(text: &str, explanation: bool) -> Result<(Vec<MacroPart>, usize), MacroError> {
    let mut parts = Vec::new();
    let mut last_start = 0;
    // The literal being gathered: its start, and its end so far.
    let mut literal: Option<(usize, usize)> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((pos, c)) = chars.next() {
        if c == '%' {
            if let Some((start, end)) = literal.take() {
                parts.push(MacroPart::Literal(slice(text, start, end)));
            }
            let part = match chars.next() {
                Some((_, '%')) => MacroPart::Percent,
                Some((_, '_')) => MacroPart::Space,
                Some((_, '-')) => MacroPart::UrlSpace,
                Some((_, '{')) => {
                    MacroPart::Macro(parse_macro(text, pos, &mut chars, explanation)?)
                }
                _ => return Err(error(MacroErrorKind::BadPercent, pos)),
            };
            parts.push(part);
            last_start = pos;
        } else if ('\x21'..='\x7e').contains(&c) || (c == ' ' && explanation) {
            // ASCII: one byte.
            let end = pos.saturating_add(1);
            literal = Some(match literal {
                Some((start, _)) => (start, end),
                None => (pos, end),
            });
        } else {
            return Err(error(MacroErrorKind::InvalidChar(c), pos));
        }
    }
    if let Some((start, end)) = literal {
        parts.push(MacroPart::Literal(slice(text, start, end)));
        last_start = start;
    }
    Ok((parts, last_start))
}

fn slice(text: &str, start: usize, end: usize) -> String {
    text.get(start..end).unwrap_or_default().to_string()
}

/// Parses a macro after its `%{` (at `percent`), through its `}`.
fn parse_macro(
    text: &str,
    percent: usize,
    chars: &mut Peekable<CharIndices<'_>>,
    explanation: bool,
) -> Result<Macro, MacroError> {
    let unterminated = error(MacroErrorKind::UnterminatedMacro, percent);
    let (letter_pos, letter_char) = chars.next().ok_or_else(|| unterminated.clone())?;
    let (letter, url_escape) = MacroLetter::from_char(letter_char)
        .ok_or_else(|| error(MacroErrorKind::UnknownLetter(letter_char), letter_pos))?;
    if letter.explanation_only() && !explanation {
        return Err(error(
            MacroErrorKind::ExplanationOnlyLetter(letter_char),
            letter_pos,
        ));
    }

    let mut digits: Option<(usize, u32)> = None;
    while let Some(&(pos, c)) = chars.peek() {
        let Some(d) = c.to_digit(10) else { break };
        let (start, value) = digits.unwrap_or((pos, 0));
        digits = Some((start, value.saturating_mul(10).saturating_add(d)));
        chars.next();
    }
    let digits = match digits {
        None => None,
        Some((pos, 0)) => return Err(error(MacroErrorKind::ZeroDigit, pos)),
        Some((pos, value)) => {
            Some(u8::try_from(value).map_err(|_| error(MacroErrorKind::BadTransformer, pos))?)
        }
    };

    let reverse = matches!(chars.peek(), Some((_, 'r' | 'R')));
    if reverse {
        chars.next();
    }

    let mut delimiters = String::new();
    while let Some(&(_, c)) = chars.peek() {
        if !is_delimiter(c) {
            break;
        }
        delimiters.push(c);
        chars.next();
    }

    match chars.next() {
        Some((_, '}')) => Ok(Macro {
            letter,
            url_escape,
            digits,
            reverse,
            delimiters,
        }),
        None => Err(unterminated),
        Some((pos, c)) => {
            if !text.get(pos..).is_some_and(|rest| rest.contains('}')) {
                Err(unterminated)
            } else if c.is_ascii_digit() || c == 'r' || c == 'R' {
                Err(error(MacroErrorKind::BadTransformer, pos))
            } else {
                Err(error(MacroErrorKind::BadDelimiter(c), pos))
            }
        }
    }
}

/// Checks that a domain-spec's final literal (starting at `start`) ends in
/// `"." toplabel [ "." ]`.
fn check_domain_end(literal: &str, start: usize) -> Result<(), MacroError> {
    let body = literal.strip_suffix('.').unwrap_or(literal);
    match body.rfind('.') {
        Some(dot) => {
            let label_start = dot.saturating_add(1);
            let label = body.get(label_start..).unwrap_or_default();
            if is_toplabel(label) {
                Ok(())
            } else {
                Err(error(
                    MacroErrorKind::BadDomainEnd,
                    start.saturating_add(label_start),
                ))
            }
        }
        None => Err(error(MacroErrorKind::BadDomainEnd, start)),
    }
}

/// `toplabel = ( *alphanum ALPHA *alphanum ) /
///             ( 1*alphanum "-" *( alphanum / "-" ) alphanum )`
fn is_toplabel(label: &str) -> bool {
    let bytes = label.as_bytes();
    if !bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    {
        return false;
    }
    if bytes.contains(&b'-') {
        // The second form: alphanumeric at both ends (so at least three long).
        bytes.first().is_some_and(u8::is_ascii_alphanumeric)
            && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
    } else {
        // The first form: not all-numeric (and so not empty).
        bytes.iter().any(u8::is_ascii_alphabetic)
    }
}

/// Appends `text` (URL-escaped when `escape`), unless the output would pass
/// [`MAX_EXPANSION`].
fn push(out: &mut String, text: &str, escape: bool, position: usize) -> Result<(), MacroError> {
    let added = if escape {
        text.bytes()
            .map(|b| if is_unreserved(b) { 1usize } else { 3 })
            .sum()
    } else {
        text.len()
    };
    if out.len().saturating_add(added) > MAX_EXPANSION {
        return Err(error(MacroErrorKind::TooLong, position));
    }
    if escape {
        for b in text.bytes() {
            if is_unreserved(b) {
                out.push(char::from(b));
            } else {
                out.push('%');
                out.push(hex_digit(b >> 4, true));
                out.push(hex_digit(b & 0x0f, true));
            }
        }
    } else {
        out.push_str(text);
    }
    Ok(())
}

/// RFC 3986 `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"`.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// The hex digit for `nibble` (0 to 15).
fn hex_digit(nibble: u8, upper: bool) -> char {
    match nibble {
        0..=9 => char::from(b'0'.saturating_add(nibble)),
        _ => {
            let base = if upper { b'A' } else { b'a' };
            char::from(base.saturating_add(nibble.saturating_sub(10)))
        }
    }
}

/// The `i` value: a dotted quad, or 32 nibbles separated by dots.
///
/// The nibbles are upper-case hex. RFC 7208 leaves the case open: its §7.4
/// example prints a query name in lower case, where case does not matter (DNS
/// names fold case, and so does [`mailsec_dns::Name`]); the openspf suite
/// (test `v-macro-ip6`, as pyspf writes it) expects upper case where it shows,
/// in an explanation.
fn ip_dotted(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let mut out = String::with_capacity(63);
            for octet in v6.octets() {
                for nibble in [octet >> 4, octet & 0x0f] {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push(hex_digit(nibble, true));
                }
            }
            out
        }
    }
}

fn expand_macro(
    m: &Macro,
    ctx: &MacroContext<'_>,
    out: &mut String,
    position: usize,
) -> Result<(), MacroError> {
    if m.letter.explanation_only() && !ctx.explanation {
        return Err(error(
            MacroErrorKind::ExplanationOnlyLetter(m.letter.as_char(m.url_escape)),
            position,
        ));
    }
    let owned;
    let value: &str = match m.letter {
        MacroLetter::S => ctx.sender,
        MacroLetter::L => ctx.sender_local,
        MacroLetter::O => ctx.sender_domain,
        MacroLetter::D => ctx.domain,
        MacroLetter::P => ctx.validated_ptr.unwrap_or("unknown"),
        MacroLetter::H => ctx.helo,
        MacroLetter::R => ctx.receiver,
        MacroLetter::V => match ctx.ip {
            IpAddr::V4(_) => "in-addr",
            IpAddr::V6(_) => "ip6",
        },
        MacroLetter::I => {
            owned = ip_dotted(ctx.ip);
            &owned
        }
        MacroLetter::C => {
            owned = ctx.ip.to_string();
            &owned
        }
        MacroLetter::T => {
            owned = ctx.timestamp.to_string();
            &owned
        }
    };
    if value.len() > MAX_EXPANSION {
        return Err(error(MacroErrorKind::TooLong, position));
    }

    let delimiters = if m.delimiters.is_empty() {
        "."
    } else {
        m.delimiters.as_str()
    };
    if m.digits.is_none() && !m.reverse && delimiters.chars().all(|c| c == '.') {
        // Splitting on "." and joining with "." changes nothing.
        return push(out, value, m.url_escape, position);
    }
    let keep = m.digits.map_or(usize::MAX, usize::from);
    let is_delim = |c: char| delimiters.contains(c);
    // The kept parts, gathered from the end of the final list backwards.
    // Without `r`, the right-hand parts of the value; with `r`, the list is
    // reversed, so its right-hand parts are the value's left-hand ones.
    let kept: Vec<&str> = if m.reverse {
        value.split(is_delim).take(keep).collect()
    } else {
        value.rsplit(is_delim).take(keep).collect()
    };
    for (i, part) in kept.iter().rev().enumerate() {
        if i > 0 {
            push(out, ".", m.url_escape, position)?;
        }
        push(out, part, m.url_escape, position)?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloc::format;
    use alloc::vec;
    use proptest::prelude::*;

    fn ctx(ip: &str) -> MacroContext<'static> {
        MacroContext {
            sender: "strong-bad@email.example.com",
            sender_local: "strong-bad",
            sender_domain: "email.example.com",
            domain: "email.example.com",
            ip: ip.parse().unwrap(),
            validated_ptr: Some("mx.example.org"),
            helo: "mx.example.org",
            receiver: "receiver.example.net",
            timestamp: 1_700_000_000,
            explanation: false,
        }
    }

    fn expand_with(text: &str, c: &MacroContext<'_>) -> String {
        MacroString::parse(text).unwrap().expand(c).unwrap()
    }

    fn err(kind: MacroErrorKind, position: usize) -> MacroError {
        MacroError { kind, position }
    }

    /// RFC 7208 §7.4, first table (IPv4 client 192.0.2.3).
    #[test]
    fn rfc7208_examples_single_macros() {
        let c = ctx("192.0.2.3");
        for (macro_text, expansion) in [
            ("%{s}", "strong-bad@email.example.com"),
            ("%{o}", "email.example.com"),
            ("%{d}", "email.example.com"),
            ("%{d4}", "email.example.com"),
            ("%{d3}", "email.example.com"),
            ("%{d2}", "example.com"),
            ("%{d1}", "com"),
            ("%{dr}", "com.example.email"),
            ("%{d2r}", "example.email"),
            ("%{l}", "strong-bad"),
            ("%{l-}", "strong.bad"),
            ("%{lr}", "strong-bad"),
            ("%{lr-}", "bad.strong"),
            ("%{l1r-}", "strong"),
        ] {
            assert_eq!(expand_with(macro_text, &c), expansion, "{macro_text}");
        }
    }

    /// RFC 7208 §7.4, second table.
    #[test]
    fn rfc7208_examples_macro_strings() {
        let c = ctx("192.0.2.3");
        for (text, expansion) in [
            (
                "%{ir}.%{v}._spf.%{d2}",
                "3.2.0.192.in-addr._spf.example.com",
            ),
            ("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
            (
                "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
                "bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
            ),
            (
                "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
                "3.2.0.192.in-addr.strong.lp._spf.example.com",
            ),
            (
                "%{d2}.trusted-domains.example.net",
                "example.com.trusted-domains.example.net",
            ),
        ] {
            let spec = MacroString::parse_domain_spec(text).unwrap();
            assert_eq!(spec.expand(&c).unwrap(), expansion, "{text}");
            assert_eq!(spec.expand_domain(&c).unwrap(), expansion, "{text}");
        }
        let c6 = ctx("2001:db8::cb01");
        // The RFC prints this query name in lower case; names fold case.
        assert_eq!(
            expand_with("%{ir}.%{v}._spf.%{d2}", &c6).to_ascii_lowercase(),
            "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"
        );
    }

    #[test]
    fn ip_and_explanation_letters() {
        let mut c = ctx("2001:db8::cb01");
        assert_eq!(
            expand_with("%{i}", &c),
            "2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1"
        );
        assert_eq!(expand_with("%{i2r}", &c), "0.2");
        assert_eq!(expand_with("%{i2}", &c), "0.1");
        c.explanation = true;
        let exp = MacroString::parse_explanation("%{c} via %{r} at %{t} (%{v}) %{p}").unwrap();
        assert_eq!(
            exp.expand(&c).unwrap(),
            "2001:db8::cb01 via receiver.example.net at 1700000000 (ip6) mx.example.org"
        );
        c.validated_ptr = None;
        assert_eq!(expand_with("%{p}", &c), "unknown");
        let c4 = MacroContext {
            explanation: true,
            ..ctx("192.0.2.3")
        };
        assert_eq!(expand_with("%{i}|%{v}", &c4), "192.0.2.3|in-addr");
        assert_eq!(
            MacroString::parse_explanation("%{c}")
                .unwrap()
                .expand(&c4)
                .unwrap(),
            "192.0.2.3"
        );
        // An explanation-only letter in a non-explanation expansion.
        let exp = MacroString::parse_explanation("ok %{T}").unwrap();
        assert_eq!(
            exp.expand(&ctx("192.0.2.3")),
            Err(err(MacroErrorKind::ExplanationOnlyLetter('T'), 3))
        );
    }

    #[test]
    fn escapes_and_url_escaping() {
        let c = ctx("192.0.2.3");
        assert_eq!(expand_with("a%%b%_c%-d", &c), "a%b c%20d");
        let sender = MacroContext {
            sender_local: "~jack&jill=up-a_b3.c",
            sender: "~jack&jill=up-a_b3.c@e8.example.com",
            ..c
        };
        assert_eq!(expand_with("%{L}", &sender), "~jack%26jill%3Dup-a_b3.c");
        assert_eq!(
            expand_with("%{S}", &sender),
            "~jack%26jill%3Dup-a_b3.c%40e8.example.com"
        );
        // Escaping applies after the transformers.
        assert_eq!(expand_with("%{L2r=}", &sender), "up-a_b3.c.~jack%26jill");
        // UTF-8 is escaped byte by byte.
        let utf8 = MacroContext {
            sender_local: "é x",
            ..c
        };
        assert_eq!(expand_with("%{L}", &utf8), "%C3%A9%20x");
        assert_eq!(expand_with("%{l}", &utf8), "é x");
    }

    #[test]
    fn delimiters_and_digits() {
        let c = MacroContext {
            sender_local: "foo-bar+zip+quux",
            ..ctx("192.0.2.3")
        };
        // The openspf suite's macro-multiple-delimiters case.
        assert_eq!(expand_with("%{l2r+-}", &c), "bar.foo");
        assert_eq!(expand_with("%{l+-}", &c), "foo.bar.zip.quux");
        assert_eq!(expand_with("%{l255}", &c), "foo-bar+zip+quux");
        assert_eq!(expand_with("%{l02+}", &c), "zip.quux");
        // Empty parts are kept.
        let c = MacroContext {
            domain: "a..b.",
            ..c
        };
        assert_eq!(expand_with("%{dr}", &c), ".b..a");
        assert_eq!(expand_with("%{d2}", &c), "b.");
        assert_eq!(expand_with("%{d}", &c), "a..b.");
        assert_eq!(expand_with("%{d..}", &c), "a..b.");
    }

    #[test]
    fn domain_truncation() {
        // The openspf suite's domain-name-truncation case.
        let c = MacroContext {
            sender_domain: "somewhat.long.exp.example.com",
            ..ctx("192.168.218.40")
        };
        let spec = MacroString::parse_domain_spec(
            "foobar.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.example.com",
        )
        .unwrap();
        let expected = format!("{}example.com", "somewhat.long.exp.example.com.".repeat(8));
        assert_eq!(expected.len(), 251);
        assert_eq!(spec.expand_domain(&c).unwrap(), expected);
        assert!(spec.expand(&c).unwrap().starts_with("foobar."));

        // Exactly 253 is kept; a trailing dot is dropped first.
        let label = "a".repeat(61);
        let name = format!("{label}.{label}.{label}.{label}.b");
        assert_eq!(name.len(), 249);
        let dotted = format!("{name}.");
        let long = MacroContext {
            sender_domain: &dotted,
            ..c
        };
        let spec = MacroString::parse_domain_spec("abc.%{o}").unwrap();
        assert_eq!(spec.expand(&long).unwrap(), format!("abc.{name}."));
        assert_eq!(spec.expand_domain(&long).unwrap(), format!("abc.{name}"));
        let spec = MacroString::parse_domain_spec("abcd.%{o}").unwrap();
        assert_eq!(spec.expand_domain(&long).unwrap(), name);
        // Only labels go, never part of one.
        let spec = MacroString::parse_domain_spec("x.y.abcde.%{o}").unwrap();
        assert_eq!(spec.expand_domain(&long).unwrap(), name);

        let huge = "a".repeat(300);
        let one_label = MacroContext {
            sender_domain: &huge,
            ..c
        };
        let spec = MacroString::parse_domain_spec("%{o}").unwrap();
        assert_eq!(
            spec.expand_domain(&one_label),
            Err(err(MacroErrorKind::DomainTooLong, 0))
        );
        // A trailing dot stays in non-domain expansions.
        let exp = MacroString::parse_explanation("This is a test.").unwrap();
        assert_eq!(exp.expand(&c).unwrap(), "This is a test.");
    }

    #[test]
    fn expansion_is_bounded() {
        let local = "x".repeat(200);
        let sender = format!("{local}@example.com");
        let c = MacroContext {
            sender: &sender,
            ..ctx("192.0.2.3")
        };
        let text = "%{s}".repeat(1000);
        let spec = MacroString::parse(&text).unwrap();
        let e = spec.expand(&c).unwrap_err();
        assert_eq!(e.kind, MacroErrorKind::TooLong);
        // 212 bytes per macro: the 39th would pass 8192.
        assert_eq!(e.position, 38 * 4);
        let spec = MacroString::parse(&"%{S}".repeat(20)).unwrap();
        assert!(spec.expand(&c).is_ok());
        // A raw value over the bound is refused even when cut down.
        let big = "a.".repeat(4096);
        let c = MacroContext { domain: &big, ..c };
        assert_eq!(expand_with("%{d}", &c).len(), big.len());
        let huge = "a.".repeat(4097);
        let c = MacroContext { domain: &huge, ..c };
        assert_eq!(
            MacroString::parse("x%{d1}").unwrap().expand(&c),
            Err(err(MacroErrorKind::TooLong, 1))
        );
    }

    #[test]
    fn parse_parts_and_display() {
        let s = MacroString::parse("a.%{D12r-.}%%%_%-b").unwrap();
        assert_eq!(
            s.parts(),
            &[
                MacroPart::Literal("a.".into()),
                MacroPart::Macro(Macro {
                    letter: MacroLetter::D,
                    url_escape: true,
                    digits: Some(12),
                    reverse: true,
                    delimiters: "-.".into(),
                }),
                MacroPart::Percent,
                MacroPart::Space,
                MacroPart::UrlSpace,
                MacroPart::Literal("b".into()),
            ]
        );
        assert_eq!(s.to_string(), "a.%{D12r-.}%%%_%-b");
        assert!(s.uses(MacroLetter::D));
        assert!(!s.uses(MacroLetter::P));
        // Canonical forms: leading zeros and "R" are normalized.
        assert_eq!(
            MacroString::parse("%{d002R}").unwrap().to_string(),
            "%{d2r}"
        );
        assert!(MacroString::parse("").unwrap().parts().is_empty());
        for letter in "slodiphv".chars() {
            let text = format!("%{{{letter}}}");
            assert_eq!(MacroString::parse(&text).unwrap().to_string(), text);
            let upper = text.to_uppercase();
            assert_eq!(MacroString::parse(&upper).unwrap().to_string(), upper);
        }
        let exp = MacroString::parse_explanation("  %{c} %{R} %{t}  ").unwrap();
        assert_eq!(exp.to_string(), "  %{c} %{R} %{t}  ");
        assert_eq!(exp.parts().len(), 7);
        for d in ".-+,/_=".chars() {
            let text = format!("%{{l{d}}}");
            assert_eq!(MacroString::parse(&text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn parse_errors() {
        use MacroErrorKind::*;
        for (text, expected) in [
            ("%", err(BadPercent, 0)),
            ("ab%x", err(BadPercent, 2)),
            ("%(ir).sbl.example.com", err(BadPercent, 0)),
            ("foo=%abc", err(BadPercent, 4)),
            ("%{", err(UnterminatedMacro, 0)),
            ("x%{d", err(UnterminatedMacro, 1)),
            ("x%{d2r.", err(UnterminatedMacro, 1)),
            ("%{d.example.com", err(UnterminatedMacro, 0)),
            ("%{x}", err(UnknownLetter('x'), 2)),
            ("%{}", err(UnknownLetter('}'), 2)),
            ("%{a}.example.com", err(UnknownLetter('a'), 2)),
            ("%{d0}", err(ZeroDigit, 3)),
            ("%{d00r}", err(ZeroDigit, 3)),
            ("%{d256}", err(BadTransformer, 3)),
            ("%{d99999999999999999999}", err(BadTransformer, 3)),
            ("%{dr2}", err(BadTransformer, 4)),
            ("%{drr}", err(BadTransformer, 4)),
            ("%{d.2}", err(BadTransformer, 4)),
            ("%{d:}", err(BadDelimiter(':'), 3)),
            ("%{d }", err(BadDelimiter(' '), 3)),
            ("%{c}", err(ExplanationOnlyLetter('c'), 2)),
            ("%{R}", err(ExplanationOnlyLetter('R'), 2)),
            ("x%{t}", err(ExplanationOnlyLetter('t'), 3)),
            ("a b", err(InvalidChar(' '), 1)),
            ("a\tb", err(InvalidChar('\t'), 1)),
            ("aé", err(InvalidChar('é'), 1)),
            ("a\0", err(InvalidChar('\0'), 1)),
            ("\x7f", err(InvalidChar('\x7f'), 0)),
        ] {
            assert_eq!(MacroString::parse(text), Err(expected), "{text:?}");
        }
        assert_eq!(
            MacroString::parse_explanation("x\u{FEFF}y"),
            Err(err(InvalidChar('\u{FEFF}'), 1))
        );
        assert_eq!(
            MacroString::parse_explanation("The %{x}-files."),
            Err(err(UnknownLetter('x'), 6))
        );
        assert_eq!(
            MacroString::parse_explanation("a\tb"),
            Err(err(InvalidChar('\t'), 1))
        );
    }

    #[test]
    fn domain_end() {
        for good in [
            "example.com",
            "example.com.",
            "foo:bar/baz.example.com",
            "foo.example.xn--zckzah",
            "x.a1",
            "x.1a",
            "x.1-2",
            "x.a-b-c",
            "x.a--1",
            ".com",
            "%{d}",
            "%{d}.%{o}",
            "foo%%",
            "foo%_",
            "foo%-",
            "%{ir}.%{v}._spf.%{d2}",
            "_spf.%{d}.example.com.",
        ] {
            assert!(MacroString::parse_domain_spec(good).is_ok(), "{good}");
        }
        for (bad, position) in [
            ("", 0),
            ("museum", 0),
            ("museum.", 0),
            ("abc.123", 4),
            ("111.222.33.44", 11),
            ("example.-com", 8),
            ("example.com-", 8),
            ("example.com:8080", 8),
            ("example.com..", 12),
            ("foo.example.com/24", 12),
            ("-all", 0),
            ("%{d}.", 4),
            ("%{d}com", 4),
            ("%{d}.x.1", 7),
            ("%{d}.x_y", 5),
            ("a.b.1-", 4),
            ("a.b.-1", 4),
        ] {
            assert_eq!(
                MacroString::parse_domain_spec(bad),
                Err(err(MacroErrorKind::BadDomainEnd, position)),
                "{bad}"
            );
        }
        // Macro errors come first.
        assert_eq!(
            MacroString::parse_domain_spec("%{d}.%"),
            Err(err(MacroErrorKind::BadPercent, 5))
        );
    }

    /// Explanation strings from the openspf RFC 7208 test suite.
    #[test]
    fn openspf_suite_explanations() {
        let c = MacroContext {
            sender: "~jack&jill=up-a_b3.c@e8.example.com",
            sender_local: "~jack&jill=up-a_b3.c",
            ip: "192.168.218.40".parse().unwrap(),
            validated_ptr: None,
            explanation: true,
            ..ctx("192.168.218.40")
        };
        for (text, expansion) in [
            (
                "http://example.com/why.html?l=%{L}",
                "http://example.com/why.html?l=~jack%26jill%3Dup-a_b3.c",
            ),
            (
                "Connections from %{c} not authorized.",
                "Connections from 192.168.218.40 not authorized.",
            ),
            (
                "%{c} is queried as %{ir}.%{v}.arpa",
                "192.168.218.40 is queried as 40.218.168.192.in-addr.arpa",
            ),
            ("connect from %{p}", "connect from unknown"),
            (
                "Congratulations!  That was tricky.",
                "Congratulations!  That was tricky.",
            ),
        ] {
            let exp = MacroString::parse_explanation(text).unwrap();
            assert_eq!(exp.expand(&c).unwrap(), expansion, "{text}");
        }
        let c6 = MacroContext {
            ip: "CAFE:BABE::1".parse().unwrap(),
            ..c
        };
        let exp = MacroString::parse_explanation("%{c} is queried as %{ir}.%{v}.arpa").unwrap();
        assert_eq!(
            exp.expand(&c6).unwrap(),
            "cafe:babe::1 is queried as \
             1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.E.B.A.B.E.F.A.C.ip6.arpa"
        );
        assert!(MacroString::parse_explanation("\u{FEFF}Explanation").is_err());
        assert!(MacroString::parse_explanation("The %{x}-files.").is_err());
        assert!(
            MacroString::parse_explanation(
                "Sender domain not allowed from this host. Please see \
                 http://www.openspf.org/Why?s=mfrom&id=%{S}&ip=%{C}&r=%{R}"
            )
            .is_ok()
        );
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            err(MacroErrorKind::ZeroDigit, 3).to_string(),
            "macro transformer digit is zero at byte 3"
        );
        assert_eq!(
            err(MacroErrorKind::BadPercent, 0).to_string(),
            "'%' not followed by '{', '%', '_' or '-' at byte 0"
        );
        assert_eq!(
            err(MacroErrorKind::UnknownLetter('x'), 2).to_string(),
            "unknown macro letter 'x' at byte 2"
        );
    }

    /// A valid macro, as text.
    fn arb_macro(explanation: bool) -> impl Strategy<Value = String> {
        let letters = if explanation {
            "slodiphcrtvSLODIPHCRTV"
        } else {
            "slodiphvSLODIPHV"
        };
        let letters: Vec<char> = letters.chars().collect();
        (
            prop::sample::select(letters),
            prop::option::of(1u8..=255),
            any::<bool>(),
            "[.+,/_=-]{0,3}",
        )
            .prop_map(|(letter, digits, reverse, delimiters)| {
                let digits = digits.map(|d| d.to_string()).unwrap_or_default();
                let r = if reverse { "r" } else { "" };
                format!("%{{{letter}{digits}{r}{delimiters}}}")
            })
    }

    /// A valid macro-string, as text.
    pub(crate) fn arb_macro_string(explanation: bool) -> impl Strategy<Value = String> {
        let literal = if explanation {
            "[ !-$&-~]{1,6}"
        } else {
            "[!-$&-~]{1,6}"
        };
        prop::collection::vec(
            prop_oneof![
                3 => arb_macro(explanation),
                3 => literal.prop_map(String::from),
                1 => Just(String::from("%%")),
                1 => Just(String::from("%_")),
                1 => Just(String::from("%-")),
            ],
            0..6,
        )
        .prop_map(|pieces| pieces.concat())
    }

    /// A valid domain-spec, as text.
    pub(crate) fn arb_domain_spec() -> impl Strategy<Value = String> {
        (
            arb_macro_string(false),
            prop_oneof![
                arb_macro(false),
                ("[a-z0-9]{0,3}[a-z][a-z0-9]{0,3}", any::<bool>())
                    .prop_map(|(label, dot)| format!(".{label}{}", if dot { "." } else { "" })),
                "[a-z0-9]{1,3}-[a-z0-9-]{0,3}[a-z0-9]".prop_map(|label| format!(".{label}")),
            ],
        )
            .prop_map(|(body, end)| format!("{body}{end}"))
    }

    fn arb_context() -> impl Strategy<Value = (String, String, String, bool, u64)> {
        (
            "\\PC{0,40}",
            "\\PC{0,40}",
            "[a-z.]{0,300}",
            any::<bool>(),
            any::<u64>(),
        )
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC{0,64}") {
            let _ = MacroString::parse(&text);
            let _ = MacroString::parse_domain_spec(&text);
            let _ = MacroString::parse_explanation(&text);
        }

        #[test]
        fn parse_never_panics_near_misses(text in "[%{}a-zA-Z0-9.+,/_= -]{0,24}") {
            let parsed = [
                MacroString::parse(&text),
                MacroString::parse_domain_spec(&text),
                MacroString::parse_explanation(&text),
            ];
            for s in parsed.into_iter().flatten() {
                // Rendering is a fixed point of parsing.
                let again = MacroString::parse_explanation(&s.to_string()).unwrap();
                prop_assert_eq!(&again, &s);
            }
        }

        #[test]
        fn valid_strings_round_trip(text in arb_macro_string(true)) {
            let s = MacroString::parse_explanation(&text).unwrap();
            prop_assert_eq!(MacroString::parse_explanation(&s.to_string()).unwrap(), s);
        }

        #[test]
        fn valid_domain_specs_parse(text in arb_domain_spec()) {
            let s = MacroString::parse_domain_spec(&text).unwrap();
            prop_assert_eq!(s.to_string(), text.clone());
            prop_assert_eq!(MacroString::parse_domain_spec(&s.to_string()).unwrap(), s);
        }

        #[test]
        fn expansion_never_panics(
            text in arb_macro_string(true),
            (local, helo, domain, v6, t) in arb_context(),
        ) {
            let s = MacroString::parse_explanation(&text).unwrap();
            let sender = format!("{local}@{domain}");
            let ip: IpAddr = if v6 { "2001:db8::1".parse().unwrap() } else { "192.0.2.1".parse().unwrap() };
            let c = MacroContext {
                sender: &sender,
                sender_local: &local,
                sender_domain: &domain,
                domain: &domain,
                ip,
                validated_ptr: None,
                helo: &helo,
                receiver: "unknown",
                timestamp: t,
                explanation: true,
            };
            if let Ok(out) = s.expand(&c) {
                prop_assert!(out.len() <= MAX_EXPANSION);
            }
            if let Ok(out) = s.expand_domain(&c) {
                prop_assert!(out.len() <= MAX_DOMAIN);
            }
        }
    }

    #[test]
    fn macro_letter_chars() {
        let all = [
            MacroLetter::S,
            MacroLetter::L,
            MacroLetter::O,
            MacroLetter::D,
            MacroLetter::I,
            MacroLetter::P,
            MacroLetter::H,
            MacroLetter::C,
            MacroLetter::R,
            MacroLetter::T,
            MacroLetter::V,
        ];
        let chars: String = all.iter().map(|l| l.as_char(false)).collect();
        assert_eq!(chars, "slodiphcrtv");
        let upper: String = all.iter().map(|l| l.as_char(true)).collect();
        assert_eq!(upper, "SLODIPHCRTV");
        let only: Vec<MacroLetter> = all.into_iter().filter(|l| l.explanation_only()).collect();
        assert_eq!(only, vec![MacroLetter::C, MacroLetter::R, MacroLetter::T]);
    }
}
