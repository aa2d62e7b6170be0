//! RFC 5322 §3.4 mailboxes and address lists (From, Sender, To, Cc, ...).
//!
//! ```text
//! address         = mailbox / group
//! mailbox         = name-addr / addr-spec
//! name-addr       = [display-name] angle-addr
//! angle-addr      = [CFWS] "<" addr-spec ">" [CFWS] / obs-angle-addr
//! group           = display-name ":" [group-list] ";" [CFWS]
//! display-name    = phrase
//! mailbox-list    = (mailbox *("," mailbox)) / obs-mbox-list
//! address-list    = (address *("," address)) / obs-addr-list
//! group-list      = mailbox-list / CFWS / obs-group-list
//!
//! addr-spec       = local-part "@" domain
//! local-part      = dot-atom / quoted-string / obs-local-part
//! domain          = dot-atom / domain-literal / obs-domain
//! domain-literal  = [CFWS] "[" *([FWS] dtext) [FWS] "]" [CFWS]
//! dtext           = %d33-90 / %d94-126 / obs-dtext
//!
//! phrase          = 1*word / obs-phrase
//! word            = atom / quoted-string
//! atom            = [CFWS] 1*atext [CFWS]
//! dot-atom        = [CFWS] dot-atom-text [CFWS]
//! dot-atom-text   = 1*atext *("." 1*atext)
//! atext           = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" /
//!                   "+" / "-" / "/" / "=" / "?" / "^" / "_" / "`" / "{" /
//!                   "|" / "}" / "~"
//! quoted-string   = [CFWS] DQUOTE *([FWS] qcontent) [FWS] DQUOTE [CFWS]
//! qcontent        = qtext / quoted-pair
//! quoted-pair     = ("\" (VCHAR / WSP)) / obs-qp
//! FWS             = ([*WSP CRLF] 1*WSP) / obs-FWS
//! CFWS            = (1*([FWS] comment) [FWS]) / FWS
//! comment         = "(" *([FWS] ccontent) [FWS] ")"
//! ccontent        = ctext / quoted-pair / comment
//!
//! ; RFC 5322 §4.4, obsolete syntax
//! obs-phrase      = word *(word / "." / CFWS)
//! obs-angle-addr  = [CFWS] "<" obs-route addr-spec ">" [CFWS]
//! obs-route       = obs-domain-list ":"
//! obs-domain-list = *(CFWS / ",") "@" domain *("," [CFWS] ["@" domain])
//! obs-mbox-list   = *([CFWS] ",") mailbox *("," [mailbox / CFWS])
//! obs-addr-list   = *([CFWS] ",") address *("," [address / CFWS])
//! obs-group-list  = 1*([CFWS] ",") [CFWS]
//! obs-local-part  = word *("." word)
//! obs-domain      = atom *("." atom)
//!
//! ; RFC 6532 §3.2: UTF-8 in atext, qtext, ctext and dtext
//! atext          =/ UTF8-non-ascii
//! qtext          =/ UTF8-non-ascii
//! ctext          =/ UTF8-non-ascii
//! dtext          =/ UTF8-non-ascii
//! ```
//!
//! DMARC and S/MIME decide which domain a message is from with this parser, so
//! it accepts only what is clearly one reading of the grammar and rejects
//! everything else with an [`AddressError`] that says where:
//!
//! - `@` is not allowed in an unquoted display name, so
//!   `a@evil.example <b@good.example>` is an error, not a mailbox of
//!   `good.example`; two addresses without a comma between them are an error;
//! - anything after a complete mailbox other than a comma (or the end) is an
//!   error;
//! - comments nest, but the parser keeps a depth counter instead of
//!   recursing, and stops at a depth of 64;
//! - the number of addresses is bounded by [`Limits::max_addresses`].
//!
//! Input is the raw field value (as [`HeaderField::value`](crate::HeaderField::value)
//! gives it): folding line breaks (CR LF or a bare LF followed by a space or a
//! tab) are white space; a line break that is not followed by white space, and
//! every other ASCII control character except tab, is an error. Bytes of 0x80
//! and above must be UTF-8 (RFC 6532).
//!
//! Domains are converted with UTS-46 (the `idna` crate) to lowercase A-labels;
//! after conversion each label must be 1 to 63 octets of letters, digits, `-`
//! and `_`, and the whole name at most 253 octets. One trailing dot
//! (`user@example.com.`) is accepted and removed. Domain literals
//! (`[192.0.2.1]`, `[IPv6:2001:db8::1]`) are kept as written with their
//! brackets; their content must be printable US-ASCII.
//!
//! Obsolete syntax that is accepted: phrases with dots (`John Q. Public`),
//! CFWS around the dots of local parts and domains, quoted words in dotted
//! local parts (`"john".doe`), routes in angle addresses (ignored, but their
//! domains must be valid), empty list elements (`, a@b.example,,`) and
//! folding lines that hold only white space. Not accepted: `obs-qp` (a
//! backslash before a control character), `obs-NO-WS-CTL` in quoted strings
//! and comments, `obs-dtext` quoted pairs in domain literals, empty or
//! repeated dots in local parts (`a..b@example.com`), and white space between
//! the characters of a domain literal's content.
//!
//! ```
//! use mailsec_message::{Limits, parse_mailbox_list};
//!
//! let list = parse_mailbox_list(b" Alice <alice@B\xc3\xbccher.example>", &Limits::default())?;
//! assert_eq!(list[0].display_name.as_deref(), Some("Alice"));
//! assert_eq!(list[0].domain, "xn--bcher-kva.example");
//! assert_eq!(list[0].domain_unicode, "bücher.example");
//! assert!(parse_mailbox_list(b"a@evil.example <b@good.example>", &Limits::default()).is_err());
//! # Ok::<(), mailsec_message::AddressError>(())
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use crate::limits::Limits;

/// The deepest nesting of comments that is accepted.
const MAX_COMMENT_DEPTH: usize = 64;
/// The longest domain, in bytes as written, that is handed to IDNA. A valid
/// domain is far shorter; this bounds the work IDNA may do.
const MAX_DOMAIN_INPUT: usize = 1024;
/// The longest domain name in octets (RFC 1035 §2.3.4, without a final dot).
const MAX_DOMAIN_LEN: usize = 253;
/// The longest label in octets.
const MAX_LABEL_LEN: usize = 63;

/// One mailbox: an optional display name and an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    /// The display name: the phrase with quotes removed, quoted pairs
    /// resolved, comments dropped and every run of white space (folding
    /// included) turned into one space, trimmed. `None` when absent or empty.
    /// RFC 2047 encoded words are left as written.
    pub display_name: Option<String>,
    /// The local part as written, minus quoting: for a quoted string, its
    /// content with quoted pairs resolved and folding line breaks removed.
    /// Obsolete dotted local parts are joined with single dots. Not lowercased.
    pub local_part: String,
    /// Whether the local part was written with a quoted string (in whole or,
    /// in obsolete syntax, in part).
    pub local_part_quoted: bool,
    /// The domain: lowercase ASCII with A-labels (UTS-46), no trailing dot.
    /// A domain literal is kept as written, brackets included.
    pub domain: String,
    /// The domain with U-labels (UTS-46 to-Unicode of [`Mailbox::domain`]),
    /// lowercase. Equal to `domain` for a domain literal.
    pub domain_unicode: String,
    /// The byte range of this mailbox in the parsed value, without the white
    /// space and comments around it.
    pub span: Range<usize>,
}

impl Mailbox {
    /// The address as `local@domain` with the A-label domain; the local part
    /// is put in quotes (with `"` and `\` escaped) when it is not a dot-atom.
    pub fn address(&self) -> String {
        let mut out = String::with_capacity(
            self.local_part
                .len()
                .saturating_add(self.domain.len())
                .saturating_add(3),
        );
        if is_dot_atom_text(&self.local_part) {
            out.push_str(&self.local_part);
        } else {
            out.push('"');
            for c in self.local_part.chars() {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        }
        out.push('@');
        out.push_str(&self.domain);
        out
    }
}

/// One element of an address list: a mailbox or a named group of mailboxes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// A single mailbox.
    Mailbox(Mailbox),
    /// A group (`Friends: a@example.com, b@example.com;`); the member list
    /// may be empty (`undisclosed-recipients:;`).
    Group {
        /// The group's display name, normalized like [`Mailbox::display_name`].
        name: String,
        /// The group's mailboxes, in order.
        members: Vec<Mailbox>,
    },
}

/// What is wrong with an address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressErrorKind {
    /// The value holds no address at all.
    #[error("no address")]
    Empty,
    /// A character that the grammar does not allow here.
    #[error("unexpected character {0:?}")]
    UnexpectedChar(char),
    /// The value ended where more was needed.
    #[error("unexpected end of input")]
    UnexpectedEnd,
    /// A CR or LF that is not part of a line break followed by white space.
    #[error("line break not followed by white space")]
    BadLineBreak,
    /// A quoted string without its closing quote.
    #[error("unterminated quoted string")]
    UnterminatedQuote,
    /// A comment without its closing parenthesis.
    #[error("unterminated comment")]
    UnterminatedComment,
    /// A `<` without its `>`.
    #[error("unterminated angle address")]
    UnterminatedAngle,
    /// A `[` without its `]`.
    #[error("unterminated domain literal")]
    UnterminatedDomainLiteral,
    /// A group without its closing `;`.
    #[error("unterminated group")]
    UnterminatedGroup,
    /// Comments nested more deeply than the parser accepts.
    #[error("comments nested too deeply")]
    CommentTooDeep,
    /// A display name or word with no address (no `@`).
    #[error("missing '@'")]
    MissingAt,
    /// Nothing before the `@`.
    #[error("empty local part")]
    EmptyLocalPart,
    /// Nothing after the `@`.
    #[error("empty domain")]
    EmptyDomain,
    /// A domain that IDNA rejects, with an empty label, a label over 63
    /// octets, a name over 253 octets, or a character other than letters,
    /// digits, `-` and `_`.
    #[error("invalid domain")]
    BadDomain,
    /// Bytes that are not UTF-8.
    #[error("invalid UTF-8")]
    InvalidUtf8,
    /// A group where only mailboxes are allowed (From, Sender, group members).
    #[error("group not allowed here")]
    GroupNotAllowed,
    /// More addresses than [`Limits::max_addresses`]. The address parsers
    /// report that limit this way, not with
    /// [`MessageError::Limit`](crate::MessageError::Limit).
    #[error("address count limit exceeded")]
    TooManyAddresses,
}

/// Why an address or address list could not be parsed, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {position}")]
pub struct AddressError {
    /// What is wrong.
    pub kind: AddressErrorKind,
    /// The byte offset in the parsed value where it was found.
    pub position: usize,
}

/// Parses a mailbox list (From; RFC 5322 `mailbox-list` and `obs-mbox-list`).
///
/// Empty elements (`, a@example.com,,`) are skipped; groups are an error; at
/// least one mailbox is required. At most [`Limits::max_addresses`] mailboxes.
pub fn parse_mailbox_list(value: &[u8], limits: &Limits) -> Result<Vec<Mailbox>, AddressError> {
    let mut p = Parser::new(value, limits.max_addresses)?;
    p.list(Parser::mailbox)
}

/// Parses exactly one mailbox (Sender; RFC 5322 `mailbox`).
///
/// White space and comments around it are allowed; anything else (a comma,
/// a second address, a group) is an error.
pub fn parse_mailbox(value: &[u8]) -> Result<Mailbox, AddressError> {
    let mut p = Parser::new(value, usize::MAX)?;
    let (tk, _) = p.lx.peek()?;
    if tk == Tk::End {
        return Err(err(AddressErrorKind::Empty, 0));
    }
    let m = p.mailbox()?;
    let (tk, pos) = p.lx.peek()?;
    if tk != Tk::End {
        return Err(p.lx.unexpected(tk, pos));
    }
    Ok(m)
}

/// Parses an address list (To, Cc, Bcc, Reply-To; RFC 5322 `address-list`
/// and `obs-addr-list`), groups included.
///
/// Empty elements are skipped; at least one address is required. Each mailbox
/// and each group counts towards [`Limits::max_addresses`], group members
/// included.
pub fn parse_address_list(value: &[u8], limits: &Limits) -> Result<Vec<Address>, AddressError> {
    let mut p = Parser::new(value, limits.max_addresses)?;
    p.list(Parser::address)
}

fn err(kind: AddressErrorKind, position: usize) -> AddressError {
    AddressError { kind, position }
}

/// `atext` of RFC 5322, with every byte of a UTF-8 sequence (RFC 6532).
fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b) || b >= 0x80
}

/// ASCII control characters other than the white space the lexer handles.
fn is_ctl(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

fn is_dot_atom_text(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|a| !a.is_empty() && a.bytes().all(is_atext))
}

/// Turns every run of spaces and tabs into one space and trims the ends.
fn collapse_wsp(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c == ' ' || c == '\t' {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// A token's class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tk {
    /// `1*atext`.
    Atom,
    /// A quoted string; its content is in [`Token::text`].
    Quoted,
    /// A domain literal; its normalized form is in [`Token::text`].
    Literal,
    /// One of `< > @ , : ; .`.
    Special(u8),
    /// The end of the value.
    End,
}

#[derive(Clone, Debug)]
struct Token {
    tk: Tk,
    /// Content of a quoted string or domain literal; empty otherwise.
    text: String,
    start: usize,
    end: usize,
    /// Whether white space or a comment came just before the token.
    cfws_before: bool,
}

/// Splits the value into tokens, skipping CFWS, with one token of lookahead.
#[derive(Debug)]
struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    peeked: Option<Token>,
}

impl<'a> Lexer<'a> {
    fn byte(&self, i: usize) -> Option<u8> {
        self.src.as_bytes().get(i).copied()
    }

    fn char_at(&self, i: usize) -> char {
        self.src
            .get(i..)
            .and_then(|s| s.chars().next())
            .unwrap_or(char::REPLACEMENT_CHARACTER)
    }

    fn unexpected_char(&self, i: usize) -> AddressError {
        err(AddressErrorKind::UnexpectedChar(self.char_at(i)), i)
    }

    /// The error for an unexpected token.
    fn unexpected(&self, tk: Tk, pos: usize) -> AddressError {
        if tk == Tk::End {
            err(AddressErrorKind::UnexpectedEnd, pos)
        } else {
            self.unexpected_char(pos)
        }
    }

    /// The text of an atom token.
    fn text(&self, t: &Token) -> &'a str {
        self.src.get(t.start..t.end).unwrap_or_default()
    }

    /// The next token's class and position, without consuming it.
    fn peek(&mut self) -> Result<(Tk, usize), AddressError> {
        let tok = match self.peeked.take() {
            Some(t) => t,
            None => self.lex()?,
        };
        let t = self.peeked.insert(tok);
        Ok((t.tk, t.start))
    }

    fn next(&mut self) -> Result<Token, AddressError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lex(),
        }
    }

    fn lex(&mut self) -> Result<Token, AddressError> {
        let cfws_before = self.skip_cfws()?;
        let start = self.pos;
        let tok = |tk, end, text| Token {
            tk,
            text,
            start,
            end,
            cfws_before,
        };
        let Some(b) = self.byte(start) else {
            return Ok(tok(Tk::End, start, String::new()));
        };
        match b {
            b'"' => {
                let (text, end) = self.quoted_string(start)?;
                self.pos = end;
                Ok(tok(Tk::Quoted, end, text))
            }
            b'[' => {
                let (text, end) = self.domain_literal(start)?;
                self.pos = end;
                Ok(tok(Tk::Literal, end, text))
            }
            b'<' | b'>' | b'@' | b',' | b':' | b';' | b'.' => {
                self.pos = start.saturating_add(1);
                Ok(tok(Tk::Special(b), self.pos, String::new()))
            }
            _ if is_atext(b) => {
                let mut end = start;
                while self.byte(end).is_some_and(is_atext) {
                    end = end.saturating_add(1);
                }
                self.pos = end;
                Ok(tok(Tk::Atom, end, String::new()))
            }
            _ => Err(self.unexpected_char(start)),
        }
    }

    /// Skips CFWS; whether there was any.
    fn skip_cfws(&mut self) -> Result<bool, AddressError> {
        let begin = self.pos;
        loop {
            match self.byte(self.pos) {
                Some(b' ' | b'\t') => self.pos = self.pos.saturating_add(1),
                Some(b'\r' | b'\n') => self.pos = self.line_break(self.pos)?,
                Some(b'(') => self.pos = self.comment(self.pos)?,
                _ => break,
            }
        }
        Ok(self.pos != begin)
    }

    /// Skips FWS only (inside a domain literal).
    fn skip_fws(&self, mut i: usize) -> Result<usize, AddressError> {
        loop {
            match self.byte(i) {
                Some(b' ' | b'\t') => i = i.saturating_add(1),
                Some(b'\r' | b'\n') => i = self.line_break(i)?,
                _ => return Ok(i),
            }
        }
    }

    /// A CR LF or LF at `at`: the position after it, if white space follows.
    fn line_break(&self, at: usize) -> Result<usize, AddressError> {
        let after = match self.byte(at) {
            Some(b'\r') if self.byte(at.saturating_add(1)) == Some(b'\n') => at.saturating_add(2),
            Some(b'\n') => at.saturating_add(1),
            _ => return Err(err(AddressErrorKind::BadLineBreak, at)),
        };
        match self.byte(after) {
            Some(b' ' | b'\t') => Ok(after),
            _ => Err(err(AddressErrorKind::BadLineBreak, at)),
        }
    }

    /// A quoted pair at `at` (the backslash): the byte it stands for. A byte
    /// of 0x80 or above is the first byte of a UTF-8 character whose other
    /// bytes follow as ordinary content.
    fn quoted_pair(
        &self,
        at: usize,
        open: usize,
        unterminated: AddressErrorKind,
    ) -> Result<u8, AddressError> {
        let i = at.saturating_add(1);
        match self.byte(i) {
            None => Err(err(unterminated, open)),
            Some(b) if b == b' ' || b == b'\t' || !is_ctl(b) => Ok(b),
            Some(_) => Err(self.unexpected_char(i)),
        }
    }

    /// The comment starting at `open`, nested comments included, counted
    /// rather than recursed into: the position after it.
    fn comment(&self, open: usize) -> Result<usize, AddressError> {
        let mut depth = 0usize;
        let mut i = open;
        loop {
            let Some(b) = self.byte(i) else {
                return Err(err(AddressErrorKind::UnterminatedComment, open));
            };
            match b {
                b'(' => {
                    depth = depth.saturating_add(1);
                    if depth > MAX_COMMENT_DEPTH {
                        return Err(err(AddressErrorKind::CommentTooDeep, i));
                    }
                    i = i.saturating_add(1);
                }
                b')' => {
                    depth = depth.saturating_sub(1);
                    i = i.saturating_add(1);
                    if depth == 0 {
                        return Ok(i);
                    }
                }
                b'\\' => {
                    self.quoted_pair(i, open, AddressErrorKind::UnterminatedComment)?;
                    i = i.saturating_add(2);
                }
                b'\r' | b'\n' => i = self.line_break(i)?,
                b' ' | b'\t' => i = i.saturating_add(1),
                _ if is_ctl(b) => return Err(self.unexpected_char(i)),
                _ => i = i.saturating_add(1),
            }
        }
    }

    /// The quoted string starting at `open`: its content (quoted pairs
    /// resolved, folding line breaks removed) and the position after it.
    fn quoted_string(&self, open: usize) -> Result<(String, usize), AddressError> {
        let mut out = Vec::new();
        let mut i = open.saturating_add(1);
        loop {
            let Some(b) = self.byte(i) else {
                return Err(err(AddressErrorKind::UnterminatedQuote, open));
            };
            match b {
                b'"' => break,
                b'\\' => {
                    out.push(self.quoted_pair(i, open, AddressErrorKind::UnterminatedQuote)?);
                    i = i.saturating_add(2);
                }
                b'\r' | b'\n' => i = self.line_break(i)?,
                b' ' | b'\t' => {
                    out.push(b);
                    i = i.saturating_add(1);
                }
                _ if is_ctl(b) => return Err(self.unexpected_char(i)),
                _ => {
                    out.push(b);
                    i = i.saturating_add(1);
                }
            }
        }
        let text = String::from_utf8(out).map_err(|_| err(AddressErrorKind::InvalidUtf8, open))?;
        Ok((text, i.saturating_add(1)))
    }

    /// The domain literal starting at `open`: `[content]` without white
    /// space, and the position after it.
    fn domain_literal(&self, open: usize) -> Result<(String, usize), AddressError> {
        let is_dtext = |b: u8| matches!(b, 33..=90 | 94..=126);
        let content_start = self.skip_fws(open.saturating_add(1))?;
        let mut i = content_start;
        while self.byte(i).is_some_and(is_dtext) {
            i = i.saturating_add(1);
        }
        let content = self.src.get(content_start..i).unwrap_or_default();
        i = self.skip_fws(i)?;
        match self.byte(i) {
            Some(b']') => {}
            None => return Err(err(AddressErrorKind::UnterminatedDomainLiteral, open)),
            Some(b) if b >= 0x80 => return Err(err(AddressErrorKind::BadDomain, i)),
            Some(_) => return Err(self.unexpected_char(i)),
        }
        if content.is_empty() {
            return Err(err(AddressErrorKind::EmptyDomain, open));
        }
        let mut text = String::with_capacity(content.len().saturating_add(2));
        text.push('[');
        text.push_str(content);
        text.push(']');
        Ok((text, i.saturating_add(1)))
    }
}

/// The domain in A-label and U-label form, if it is a valid domain name.
fn idna_domain(raw: &str) -> Option<(String, String)> {
    let mut ascii = idna::domain_to_ascii(raw).ok()?;
    ascii.make_ascii_lowercase();
    if ascii.is_empty() || ascii.len() > MAX_DOMAIN_LEN {
        return None;
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= MAX_LABEL_LEN
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    };
    if !ascii.split('.').all(label_ok) {
        return None;
    }
    let (unicode, result) = idna::domain_to_unicode(&ascii);
    result.ok()?;
    Some((ascii, unicode))
}

#[derive(Debug)]
struct Parser<'a> {
    lx: Lexer<'a>,
    max: usize,
    count: usize,
}

impl<'a> Parser<'a> {
    fn new(value: &'a [u8], max: usize) -> Result<Self, AddressError> {
        let src = core::str::from_utf8(value)
            .map_err(|e| err(AddressErrorKind::InvalidUtf8, e.valid_up_to()))?;
        Ok(Parser {
            lx: Lexer {
                src,
                pos: 0,
                peeked: None,
            },
            max,
            count: 0,
        })
    }

    /// Counts one more address against the limit.
    fn bump(&mut self, pos: usize) -> Result<(), AddressError> {
        if self.count >= self.max {
            return Err(err(AddressErrorKind::TooManyAddresses, pos));
        }
        self.count = self.count.saturating_add(1);
        Ok(())
    }

    /// A comma-separated list with obsolete empty elements, at least one item.
    fn list<T>(
        &mut self,
        mut one: impl FnMut(&mut Self) -> Result<T, AddressError>,
    ) -> Result<Vec<T>, AddressError> {
        let mut out = Vec::new();
        loop {
            let (tk, pos) = self.lx.peek()?;
            match tk {
                Tk::End => break,
                Tk::Special(b',') => {
                    self.lx.next()?;
                    continue;
                }
                _ => {}
            }
            self.bump(pos)?;
            out.push(one(self)?);
            let (tk, pos) = self.lx.peek()?;
            match tk {
                Tk::End => break,
                Tk::Special(b',') => {
                    self.lx.next()?;
                }
                _ => return Err(self.lx.unexpected(tk, pos)),
            }
        }
        if out.is_empty() {
            return Err(err(AddressErrorKind::Empty, 0));
        }
        Ok(out)
    }

    /// Words and dots up to the next other token (a phrase or a local part).
    fn words(&mut self) -> Result<Vec<Token>, AddressError> {
        let mut words = Vec::new();
        while let (Tk::Atom | Tk::Quoted | Tk::Special(b'.'), _) = self.lx.peek()? {
            words.push(self.lx.next()?);
        }
        Ok(words)
    }

    fn address(&mut self) -> Result<Address, AddressError> {
        let words = self.words()?;
        if let (Tk::Special(b':'), _) = self.lx.peek()?
            && !words.is_empty()
        {
            return self.group(&words);
        }
        self.mailbox_from(words).map(Address::Mailbox)
    }

    fn mailbox(&mut self) -> Result<Mailbox, AddressError> {
        let words = self.words()?;
        self.mailbox_from(words)
    }

    /// A mailbox whose leading words (display name or local part) are read.
    fn mailbox_from(&mut self, words: Vec<Token>) -> Result<Mailbox, AddressError> {
        let (tk, pos) = self.lx.peek()?;
        match tk {
            Tk::Special(b'<') => self.name_addr(&words),
            Tk::Special(b'@') => self.addr_spec(&words),
            Tk::Special(b':') if !words.is_empty() => {
                Err(err(AddressErrorKind::GroupNotAllowed, pos))
            }
            Tk::End | Tk::Special(b',' | b';' | b'>') if !words.is_empty() => {
                Err(err(AddressErrorKind::MissingAt, pos))
            }
            _ => Err(self.lx.unexpected(tk, pos)),
        }
    }

    /// A phrase (display name or group name), normalized; `None` if empty.
    fn phrase(&self, words: &[Token]) -> Result<Option<String>, AddressError> {
        let mut out = String::new();
        for (i, w) in words.iter().enumerate() {
            if i > 0 && w.cfws_before {
                out.push(' ');
            }
            match w.tk {
                Tk::Atom => out.push_str(self.lx.text(w)),
                Tk::Quoted => out.push_str(&w.text),
                Tk::Special(b'.') if i > 0 => out.push('.'),
                _ => return Err(self.lx.unexpected(w.tk, w.start)),
            }
        }
        let out = collapse_wsp(&out);
        Ok(if out.is_empty() { None } else { Some(out) })
    }

    /// `word *("." word)`: the local part and whether any word was quoted.
    fn local_part(&self, words: &[Token], at: usize) -> Result<(String, bool), AddressError> {
        let mut out = String::new();
        let mut quoted = false;
        let mut want_word = true;
        for w in words {
            match (w.tk, want_word) {
                (Tk::Atom, true) => out.push_str(self.lx.text(w)),
                (Tk::Quoted, true) => {
                    out.push_str(&w.text);
                    quoted = true;
                }
                (Tk::Special(b'.'), false) => out.push('.'),
                _ => return Err(self.lx.unexpected(w.tk, w.start)),
            }
            want_word = !want_word;
        }
        if let Some(last) = words.last()
            && want_word
        {
            // A trailing dot.
            return Err(self.lx.unexpected(last.tk, last.start));
        }
        // `""@example.com` is allowed (a quoted string may be empty: RFC 5322
        // §3.2.4, RFC 5321 §4.1.2); an unquoted local part may not be.
        if out.is_empty() && !quoted {
            return Err(err(AddressErrorKind::EmptyLocalPart, at));
        }
        Ok((out, quoted))
    }

    /// `local-part "@" domain`, the local part's words already read and the
    /// `@` next.
    fn addr_spec(&mut self, words: &[Token]) -> Result<Mailbox, AddressError> {
        let at = self.lx.next()?;
        let (local_part, local_part_quoted) = self.local_part(words, at.start)?;
        let (domain, domain_unicode, end) = self.domain()?;
        let start = words.first().map_or(at.start, |w| w.start);
        Ok(Mailbox {
            display_name: None,
            local_part,
            local_part_quoted,
            domain,
            domain_unicode,
            span: start..end,
        })
    }

    /// A domain: `(A-label form, U-label form, end position)`.
    fn domain(&mut self) -> Result<(String, String, usize), AddressError> {
        let (tk, start) = self.lx.peek()?;
        match tk {
            Tk::Atom => {}
            Tk::Literal => {
                let t = self.lx.next()?;
                return Ok((t.text.clone(), t.text, t.end));
            }
            Tk::Special(b'.') => return Err(err(AddressErrorKind::BadDomain, start)),
            Tk::End | Tk::Special(b',' | b';' | b'>' | b':') => {
                return Err(err(AddressErrorKind::EmptyDomain, start));
            }
            _ => return Err(self.lx.unexpected(tk, start)),
        }
        let mut raw = String::new();
        let mut end;
        loop {
            let atom = self.lx.next()?;
            raw.push_str(self.lx.text(&atom));
            end = atom.end;
            if raw.len() > MAX_DOMAIN_INPUT {
                return Err(err(AddressErrorKind::BadDomain, start));
            }
            if self.lx.peek()?.0 != Tk::Special(b'.') {
                break;
            }
            end = self.lx.next()?.end;
            match self.lx.peek()?.0 {
                Tk::Atom => raw.push('.'),
                // An empty label.
                Tk::Special(b'.') => return Err(err(AddressErrorKind::BadDomain, start)),
                // One trailing dot: the root, dropped.
                _ => break,
            }
        }
        let (ascii, unicode) =
            idna_domain(&raw).ok_or_else(|| err(AddressErrorKind::BadDomain, start))?;
        Ok((ascii, unicode, end))
    }

    /// `[display-name] "<" [obs-route] addr-spec ">"`, the display name's
    /// words already read and the `<` next.
    fn name_addr(&mut self, words: &[Token]) -> Result<Mailbox, AddressError> {
        let display_name = self.phrase(words)?;
        let open = self.lx.next()?;
        let unterminated = err(AddressErrorKind::UnterminatedAngle, open.start);
        if self.lx.peek()?.0 == Tk::Special(b'@') {
            self.route(open.start)?;
        }
        let local = self.words()?;
        let (tk, pos) = self.lx.peek()?;
        match tk {
            Tk::Special(b'@') => {}
            Tk::End => return Err(unterminated),
            Tk::Special(b'>') => return Err(err(AddressErrorKind::MissingAt, pos)),
            _ => return Err(self.lx.unexpected(tk, pos)),
        }
        let mut mailbox = self.addr_spec(&local)?;
        let (tk, pos) = self.lx.peek()?;
        match tk {
            Tk::Special(b'>') => {}
            Tk::End => return Err(unterminated),
            _ => return Err(self.lx.unexpected(tk, pos)),
        }
        let close = self.lx.next()?;
        let start = words.first().map_or(open.start, |w| w.start);
        mailbox.span = start..close.end;
        mailbox.display_name = display_name;
        Ok(mailbox)
    }

    /// `obs-route` after the `<`: `@domain *("," ["@" domain]) ":"`. The
    /// domains must be valid; they are not kept.
    fn route(&mut self, open: usize) -> Result<(), AddressError> {
        loop {
            // An `@` is next.
            self.lx.next()?;
            self.domain()?;
            loop {
                let (tk, pos) = self.lx.peek()?;
                match tk {
                    Tk::Special(b',') => {
                        self.lx.next()?;
                    }
                    Tk::Special(b'@') => break,
                    Tk::Special(b':') => {
                        self.lx.next()?;
                        return Ok(());
                    }
                    // `<@example.com>`: a domain with no local part.
                    Tk::Special(b'>') => return Err(err(AddressErrorKind::EmptyLocalPart, pos)),
                    Tk::End => return Err(err(AddressErrorKind::UnterminatedAngle, open)),
                    _ => return Err(self.lx.unexpected(tk, pos)),
                }
            }
        }
    }

    /// `display-name ":" [group-list] ";"`, the name's words already read and
    /// the `:` next.
    fn group(&mut self, words: &[Token]) -> Result<Address, AddressError> {
        let name = self.phrase(words)?.unwrap_or_default();
        let colon = self.lx.next()?;
        let mut members = Vec::new();
        loop {
            let (tk, pos) = self.lx.peek()?;
            match tk {
                Tk::Special(b';') => {
                    self.lx.next()?;
                    break;
                }
                Tk::Special(b',') => {
                    self.lx.next()?;
                    continue;
                }
                Tk::End => return Err(err(AddressErrorKind::UnterminatedGroup, colon.start)),
                _ => {}
            }
            self.bump(pos)?;
            members.push(self.mailbox()?);
            let (tk, pos) = self.lx.peek()?;
            match tk {
                Tk::Special(b',') => {
                    self.lx.next()?;
                }
                Tk::Special(b';') => {}
                Tk::End => return Err(err(AddressErrorKind::UnterminatedGroup, colon.start)),
                _ => return Err(self.lx.unexpected(tk, pos)),
            }
        }
        Ok(Address::Group { name, members })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AddressErrorKind as K;
    use alloc::format;
    use alloc::string::ToString;
    use alloc::vec;

    fn one(s: &str) -> Mailbox {
        parse_mailbox(s.as_bytes()).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn mboxes(s: &str) -> Vec<Mailbox> {
        parse_mailbox_list(s.as_bytes(), &Limits::default())
            .unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn addrs(s: &str) -> Vec<Address> {
        parse_address_list(s.as_bytes(), &Limits::default())
            .unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn list_err(s: &[u8]) -> AddressError {
        match parse_mailbox_list(s, &Limits::default()) {
            Ok(v) => panic!("{:?} parsed as {v:?}", String::from_utf8_lossy(s)),
            Err(e) => e,
        }
    }

    /// (input, display name, local part, quoted, domain, domain_unicode)
    type Case = (
        &'static str,
        Option<&'static str>,
        &'static str,
        bool,
        &'static str,
        &'static str,
    );

    #[test]
    fn single_mailboxes() {
        let cases: &[Case] = &[
            (
                "user@example.com",
                None,
                "user",
                false,
                "example.com",
                "example.com",
            ),
            (
                " user@example.com ",
                None,
                "user",
                false,
                "example.com",
                "example.com",
            ),
            (
                "<user@example.com>",
                None,
                "user",
                false,
                "example.com",
                "example.com",
            ),
            (
                "Joe <j@example.com>",
                Some("Joe"),
                "j",
                false,
                "example.com",
                "example.com",
            ),
            (
                "Joe<j@example.com>",
                Some("Joe"),
                "j",
                false,
                "example.com",
                "example.com",
            ),
            (
                "  Joe   Q.   Public  <john.q.public@example.com>",
                Some("Joe Q. Public"),
                "john.q.public",
                false,
                "example.com",
                "example.com",
            ),
            (
                "John Q.Public <j@x.example>",
                Some("John Q.Public"),
                "j",
                false,
                "x.example",
                "x.example",
            ),
            (
                "\"Doe, John\" <j@x.example>",
                Some("Doe, John"),
                "j",
                false,
                "x.example",
                "x.example",
            ),
            (
                "\"@evil\" <x@y.example>",
                Some("@evil"),
                "x",
                false,
                "y.example",
                "y.example",
            ),
            (
                "\"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
                Some("Giant; \"Big\" Box"),
                "sysservices",
                false,
                "example.net",
                "example.net",
            ),
            (
                "\"\" <a@b.example>",
                None,
                "a",
                false,
                "b.example",
                "b.example",
            ),
            (
                "\"  \" <a@b.example>",
                None,
                "a",
                false,
                "b.example",
                "b.example",
            ),
            (
                "\"a  \t b\" <a@b.example>",
                Some("a b"),
                "a",
                false,
                "b.example",
                "b.example",
            ),
            (
                "\"John\"Doe <a@b.example>",
                Some("JohnDoe"),
                "a",
                false,
                "b.example",
                "b.example",
            ),
            (
                "John(x)Doe <a@b.example>",
                Some("John Doe"),
                "a",
                false,
                "b.example",
                "b.example",
            ),
            (
                "Who? <one@y.test>",
                Some("Who?"),
                "one",
                false,
                "y.test",
                "y.test",
            ),
            (
                "=?utf-8?q?J=C3=B6rg?= <j@x.example>",
                Some("=?utf-8?q?J=C3=B6rg?="),
                "j",
                false,
                "x.example",
                "x.example",
            ),
            (
                "Jörg <j@x.example>",
                Some("Jörg"),
                "j",
                false,
                "x.example",
                "x.example",
            ),
            // Quoted local parts.
            (
                "\"john doe\"@example.com",
                None,
                "john doe",
                true,
                "example.com",
                "example.com",
            ),
            (
                "\"a\\\"b\"@example.com",
                None,
                "a\"b",
                true,
                "example.com",
                "example.com",
            ),
            (
                "\"a@b\"@example.com",
                None,
                "a@b",
                true,
                "example.com",
                "example.com",
            ),
            (
                "\"john\".doe@example.com",
                None,
                "john.doe",
                true,
                "example.com",
                "example.com",
            ),
            // Case: domain lowercased, local part kept.
            (
                "User@EXAMPLE.COM",
                None,
                "User",
                false,
                "example.com",
                "example.com",
            ),
            // IDNA and RFC 6532.
            (
                "user@bücher.example",
                None,
                "user",
                false,
                "xn--bcher-kva.example",
                "bücher.example",
            ),
            (
                "user@BÜCHER.example",
                None,
                "user",
                false,
                "xn--bcher-kva.example",
                "bücher.example",
            ),
            (
                "user@xn--bcher-kva.example",
                None,
                "user",
                false,
                "xn--bcher-kva.example",
                "bücher.example",
            ),
            (
                "用户@例子.广告",
                None,
                "用户",
                false,
                "xn--fsqu00a.xn--4rr70v",
                "例子.广告",
            ),
            (
                "\"用 户\"@example.com",
                None,
                "用 户",
                true,
                "example.com",
                "example.com",
            ),
            // Trailing dot, underscore.
            (
                "a@example.com.",
                None,
                "a",
                false,
                "example.com",
                "example.com",
            ),
            (
                "<a@example.com.>",
                None,
                "a",
                false,
                "example.com",
                "example.com",
            ),
            (
                "a@_dmarc.example.com",
                None,
                "a",
                false,
                "_dmarc.example.com",
                "_dmarc.example.com",
            ),
            // Domain literals.
            (
                "a@[192.0.2.1]",
                None,
                "a",
                false,
                "[192.0.2.1]",
                "[192.0.2.1]",
            ),
            (
                "<a@[IPv6:2001:DB8::1]>",
                None,
                "a",
                false,
                "[IPv6:2001:DB8::1]",
                "[IPv6:2001:DB8::1]",
            ),
            (
                "a@[ 192.0.2.1 ]",
                None,
                "a",
                false,
                "[192.0.2.1]",
                "[192.0.2.1]",
            ),
            // Routes.
            (
                "<@node.test:mary@example.net>",
                None,
                "mary",
                false,
                "example.net",
                "example.net",
            ),
            (
                "Mary <@a.example,@b.example:mary@c.example>",
                Some("Mary"),
                "mary",
                false,
                "c.example",
                "c.example",
            ),
            (
                "<@a.example,,@b.example:m@c.example>",
                None,
                "m",
                false,
                "c.example",
                "c.example",
            ),
            // Comments everywhere, nested.
            (
                "user@example.com (Joe)",
                None,
                "user",
                false,
                "example.com",
                "example.com",
            ),
            (
                "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
                Some("Pete"),
                "pete",
                false,
                "silly.test",
                "silly.test",
            ),
            (
                "(a (nested (comment)) here) Joe (x) <(c)j(c)@(c)x.example(c)> (tail)",
                Some("Joe"),
                "j",
                false,
                "x.example",
                "x.example",
            ),
            (
                "(ü) a@b.example (ü)",
                None,
                "a",
                false,
                "b.example",
                "b.example",
            ),
            // Obsolete CFWS around dots.
            (
                "John Doe <jdoe@machine(comment).  example>",
                Some("John Doe"),
                "jdoe",
                false,
                "machine.example",
                "machine.example",
            ),
            (
                "jdoe@test  . example",
                None,
                "jdoe",
                false,
                "test.example",
                "test.example",
            ),
            (
                "john . doe@example.com",
                None,
                "john.doe",
                false,
                "example.com",
                "example.com",
            ),
            // Folding, CRLF and LF.
            (
                "Joe\r\n <j@x.example>",
                Some("Joe"),
                "j",
                false,
                "x.example",
                "x.example",
            ),
            (
                "Joe\n\t<j@x.example>",
                Some("Joe"),
                "j",
                false,
                "x.example",
                "x.example",
            ),
            (
                "Mary Smith\r\n  \r\n    <mary@example.net>",
                Some("Mary Smith"),
                "mary",
                false,
                "example.net",
                "example.net",
            ),
            (
                "\"Joe\r\n Doe\" <j@x.example>",
                Some("Joe Doe"),
                "j",
                false,
                "x.example",
                "x.example",
            ),
            (
                "\"a\r\n b\"@x.example",
                None,
                "a b",
                true,
                "x.example",
                "x.example",
            ),
            (
                "(c\r\n c) j@x.example",
                None,
                "j",
                false,
                "x.example",
                "x.example",
            ),
        ];
        for &(input, display, local, quoted, domain, unicode) in cases {
            let m = one(input);
            assert_eq!(m.display_name.as_deref(), display, "{input:?}");
            assert_eq!(m.local_part, local, "{input:?}");
            assert_eq!(m.local_part_quoted, quoted, "{input:?}");
            assert_eq!(m.domain, domain, "{input:?}");
            assert_eq!(m.domain_unicode, unicode, "{input:?}");
            assert!(input[m.span.clone()].contains('@'), "{input:?}");
            // The same mailbox as a one-element list.
            assert_eq!(mboxes(input), vec![m], "{input:?}");
        }
    }

    #[test]
    fn spans() {
        let s = "  (c) Joe <j@x.example> (c) ,\r\n b@y.example (d)";
        let v = mboxes(s);
        assert_eq!(&s[v[0].span.clone()], "Joe <j@x.example>");
        assert_eq!(&s[v[1].span.clone()], "b@y.example");
        let s = " <a@b.example>";
        assert_eq!(one(s).span, 1..14);
    }

    #[test]
    fn empty_quoted_local_part_is_accepted() {
        for input in [
            "\"\"@example.com",
            "Joe <\"\"@example.com>",
            " \"\" @ example.com ",
        ] {
            let m = one(input);
            assert_eq!(m.local_part, "", "{input}");
            assert!(m.local_part_quoted);
            assert_eq!(m.domain, "example.com");
            assert_eq!(m.address(), "\"\"@example.com");
            let again = one(&m.address());
            assert_eq!(
                (
                    again.local_part.as_str(),
                    again.local_part_quoted,
                    again.domain.as_str()
                ),
                ("", true, "example.com")
            );
        }
        // An empty unquoted local part is still an error.
        for input in ["@example.com", "<@example.com>", "Joe <@example.com>"] {
            let e = parse_mailbox(input.as_bytes()).unwrap_err();
            assert_eq!(e.kind, AddressErrorKind::EmptyLocalPart, "{input}");
        }
    }

    #[test]
    fn address_requotes() {
        let cases = [
            ("a.b@EXAMPLE.com", "a.b@example.com"),
            ("\"john doe\"@example.com", "\"john doe\"@example.com"),
            ("\"john\"@example.com", "john@example.com"),
            ("\"a\\\"b\\\\c\"@example.com", "\"a\\\"b\\\\c\"@example.com"),
            ("\"a..b\"@example.com", "\"a..b\"@example.com"),
            ("\".a\"@example.com", "\".a\"@example.com"),
            ("\"john\".\"doe\"@example.com", "john.doe@example.com"),
            ("用户@例子.广告", "用户@xn--fsqu00a.xn--4rr70v"),
        ];
        for (input, want) in cases {
            let m = one(input);
            assert_eq!(m.address(), want, "{input:?}");
            let again = one(&m.address());
            assert_eq!((again.local_part, again.domain), (m.local_part, m.domain));
        }
    }

    #[test]
    fn mailbox_lists() {
        let cases: &[(&str, &[&str])] = &[
            ("a@x.example, b@y.example", &["a@x.example", "b@y.example"]),
            ("a@x.example,b@y.example", &["a@x.example", "b@y.example"]),
            (", a@x.example,,", &["a@x.example"]),
            (
                " , (c) , a@x.example , , b@y.example , ",
                &["a@x.example", "b@y.example"],
            ),
            (
                "Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
                &["mary@x.test", "jdoe@example.org", "one@y.test"],
            ),
            (
                "<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
                &["boss@nil.test", "sysservices@example.net"],
            ),
            (
                "Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example",
                &["mary@example.net", "jdoe@test.example"],
            ),
            (
                "\"a,b\" <a@x.example>,\r\n\t\"c;d\" <c@x.example>",
                &["a@x.example", "c@x.example"],
            ),
        ];
        for &(input, want) in cases {
            let got: Vec<String> = mboxes(input).iter().map(Mailbox::address).collect();
            assert_eq!(got, want, "{input:?}");
        }
    }

    #[test]
    fn address_lists_and_groups() {
        let v = addrs("undisclosed-recipients:;");
        assert_eq!(
            v,
            vec![Address::Group {
                name: "undisclosed-recipients".into(),
                members: vec![]
            }]
        );

        let v = addrs("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;");
        let Address::Group { name, members } = &v[0] else {
            panic!()
        };
        assert_eq!(name, "A Group");
        let got: Vec<String> = members.iter().map(Mailbox::address).collect();
        assert_eq!(got, ["c@a.test", "joe@where.test", "jdoe@one.test"]);
        assert_eq!(members[0].display_name.as_deref(), Some("Ed Jones"));

        let s = "A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)";
        let v = addrs(s);
        let Address::Group { name, members } = &v[0] else {
            panic!()
        };
        assert_eq!(name, "A Group");
        assert_eq!(members.len(), 3);
        assert_eq!(members[0].domain, "public.example");
        assert_eq!(&s[members[2].span.clone()], "John <jdoe@one.test>");

        let v = addrs("a@x.example, Friends: b@y.example, , c@z.example;, \"Q\" : ; , d@w.example");
        assert_eq!(v.len(), 4);
        assert!(matches!(&v[0], Address::Mailbox(m) if m.address() == "a@x.example"));
        assert!(
            matches!(&v[1], Address::Group { name, members } if name == "Friends" && members.len() == 2)
        );
        assert!(
            matches!(&v[2], Address::Group { name, members } if name == "Q" && members.is_empty())
        );
        assert!(matches!(&v[3], Address::Mailbox(m) if m.address() == "d@w.example"));

        let v = addrs("G: (c) , ;");
        assert!(matches!(&v[0], Address::Group { members, .. } if members.is_empty()));
        let v = addrs(", , a@x.example");
        assert_eq!(v.len(), 1);
    }

    #[test]
    fn errors() {
        // (input, kind, position)
        let cases: Vec<(&[u8], AddressErrorKind, usize)> = vec![
            (b"", K::Empty, 0),
            (b"  (c) ", K::Empty, 0),
            (b" , ,, ", K::Empty, 0),
            // `@` in an unquoted display name: never good.example.
            (
                b"a@evil.example <b@good.example>",
                K::UnexpectedChar('<'),
                15,
            ),
            (
                b"Joe <b@good.example> <c@d.example>",
                K::UnexpectedChar('<'),
                21,
            ),
            (b"<b@good.example> Joe", K::UnexpectedChar('J'), 17),
            (b"a@b.example c@d.example", K::UnexpectedChar('c'), 12),
            (b"Joe <a@b.example> c@d.example", K::UnexpectedChar('c'), 18),
            (b"a@b.example; c@d.example", K::UnexpectedChar(';'), 11),
            (b"a@evil.example@good.example", K::UnexpectedChar('@'), 14),
            (b"a@b.example.@c.example", K::UnexpectedChar('@'), 12),
            (b"Joe", K::MissingAt, 3),
            (b"Joe Doe, a@b.example", K::MissingAt, 7),
            (b"Joe <joe>", K::MissingAt, 8),
            (b"<>", K::MissingAt, 1),
            (b"<a@b.example", K::UnterminatedAngle, 0),
            (b"Joe <a", K::UnterminatedAngle, 4),
            (b"<a@b.example c>", K::UnexpectedChar('c'), 13),
            (b"<a@b.example>>", K::UnexpectedChar('>'), 13),
            (b"a@b.example>", K::UnexpectedChar('>'), 11),
            (b"\"abc@d.example", K::UnterminatedQuote, 0),
            (b"Joe \"x <a@b.example>", K::UnterminatedQuote, 4),
            (b"(abc a@b.example", K::UnterminatedComment, 0),
            (b"a@b.example (x (y)", K::UnterminatedComment, 12),
            (b"a@b.example )", K::UnexpectedChar(')'), 12),
            (b"a@[1.2.3.4", K::UnterminatedDomainLiteral, 2),
            (b"a@[]", K::EmptyDomain, 2),
            (b"a@[1.2 .3.4]", K::UnexpectedChar('.'), 7),
            (b"a@[1.2.3.\xc3\xa9]", K::BadDomain, 9),
            (b"a@[1\\]]", K::UnexpectedChar('\\'), 4),
            (b"@b.example", K::EmptyLocalPart, 0),
            (b"<@b.example>", K::EmptyLocalPart, 11),
            (b".a@b.example", K::UnexpectedChar('.'), 0),
            (b"a.@b.example", K::UnexpectedChar('.'), 1),
            (b"a..b@c.example", K::UnexpectedChar('.'), 2),
            (b"john doe@example.com", K::UnexpectedChar('d'), 5),
            (b"a@", K::EmptyDomain, 2),
            (b"<a@>", K::EmptyDomain, 3),
            (b"a@, b@c.example", K::EmptyDomain, 2),
            (b"a@.example", K::BadDomain, 2),
            (b"a@b..example", K::BadDomain, 2),
            (b"a@b.example..", K::BadDomain, 2),
            (b"a@exa!mple.com", K::BadDomain, 2),
            (b"a@exa$mple.com", K::BadDomain, 2),
            (b"a@evil.example\xef\xbc\xa0good.example", K::BadDomain, 2),
            (b"a@xn--abc-.example", K::BadDomain, 2),
            (b"a@\"quoted\".example", K::UnexpectedChar('"'), 2),
            (b". <a@b.example>", K::UnexpectedChar('.'), 0),
            (b"Joe: a@b.example;", K::GroupNotAllowed, 3),
            (b"undisclosed-recipients:;", K::GroupNotAllowed, 22),
            (b"a@b.example\r\nX: y", K::BadLineBreak, 11),
            (b"a@b.example\n", K::BadLineBreak, 11),
            (b"Joe\r <a@b.example>", K::BadLineBreak, 3),
            (b"\"a\rb\"@c.example", K::BadLineBreak, 2),
            (b"a\x00b@c.example", K::UnexpectedChar('\0'), 1),
            (b"\"a\x01b\"@c.example", K::UnexpectedChar('\u{1}'), 2),
            (b"\"a\\\x01b\"@c.example", K::UnexpectedChar('\u{1}'), 3),
            (b"a\x7f@c.example", K::UnexpectedChar('\u{7f}'), 1),
            (b"a\\b@c.example", K::UnexpectedChar('\\'), 1),
            (b"Joe <a@b.example>\xff", K::InvalidUtf8, 17),
            (b"J\xc3 <a@b.example>", K::InvalidUtf8, 1),
        ];
        for (input, kind, position) in cases {
            let e = list_err(input);
            assert_eq!(
                (e.kind.clone(), e.position),
                (kind.clone(), position),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
        // A label of 64 octets, a name of 254 octets.
        let long_label = format!("a@{}.example", "x".repeat(64));
        assert_eq!(list_err(long_label.as_bytes()).kind, K::BadDomain);
        let ok_label = format!("a@{}.example", "x".repeat(63));
        assert_eq!(mboxes(&ok_label).len(), 1);
        let long_name = format!("a@{}.{}", vec!["y".repeat(63); 3].join("."), "z".repeat(62));
        assert_eq!(long_name.len() - 2, 254);
        assert_eq!(list_err(long_name.as_bytes()).kind, K::BadDomain);
        assert_eq!(mboxes(&long_name[..long_name.len() - 1]).len(), 1);
        let huge = format!("a@{}", "x".repeat(100_000));
        assert_eq!(list_err(huge.as_bytes()).kind, K::BadDomain);
    }

    #[test]
    fn error_messages() {
        let e = list_err(b"a@evil.example <b@good.example>");
        assert_eq!(e.to_string(), "unexpected character '<' at byte 15");
        let e = list_err(b"a@evil.example@x");
        assert_eq!(e.to_string(), "unexpected character '@' at byte 14");
        assert_eq!(list_err(b"").to_string(), "no address at byte 0");
    }

    #[test]
    fn sender_is_exactly_one_mailbox() {
        assert_eq!(one(" (c) Joe <j@x.example> (c)").address(), "j@x.example");
        let e = |s: &[u8]| parse_mailbox(s).unwrap_err().kind;
        assert_eq!(e(b"a@x.example, b@y.example"), K::UnexpectedChar(','));
        assert_eq!(e(b", a@x.example"), K::UnexpectedChar(','));
        assert_eq!(e(b"a@x.example,"), K::UnexpectedChar(','));
        assert_eq!(e(b""), K::Empty);
        assert_eq!(e(b"G: a@x.example;"), K::GroupNotAllowed);
    }

    #[test]
    fn groups_not_allowed_or_malformed() {
        let e = |s: &str| parse_address_list(s.as_bytes(), &Limits::default()).unwrap_err();
        assert_eq!(e("G: a@x.example").kind, K::UnterminatedGroup);
        assert_eq!(e("G: a@x.example").position, 1);
        assert_eq!(e("G:").kind, K::UnterminatedGroup);
        assert_eq!(e("G: H: a@x.example;;").kind, K::GroupNotAllowed);
        assert_eq!(
            e("G: a@x.example b@y.example;").kind,
            K::UnexpectedChar('b')
        );
        assert_eq!(
            e("G: a@x.example; b@y.example").kind,
            K::UnexpectedChar('b')
        );
        assert_eq!(e(": a@x.example;").kind, K::UnexpectedChar(':'));
        assert_eq!(e("a@b.example: c@d.example;").kind, K::UnexpectedChar(':'));
    }

    #[test]
    fn deeply_nested_comments_are_an_error_not_a_stack_overflow() {
        let deep = format!("{}{}a@b.example", "(".repeat(10_000), ")".repeat(10_000));
        let e = list_err(deep.as_bytes());
        assert_eq!((e.kind, e.position), (K::CommentTooDeep, MAX_COMMENT_DEPTH));
        let open = "(".repeat(10_000);
        assert_eq!(list_err(open.as_bytes()).kind, K::CommentTooDeep);
        let ok = format!("{}{} a@b.example", "(".repeat(64), ")".repeat(64));
        assert_eq!(mboxes(&ok).len(), 1);
        let too_deep = format!("{}{} a@b.example", "(".repeat(65), ")".repeat(65));
        assert_eq!(list_err(too_deep.as_bytes()).kind, K::CommentTooDeep);
    }

    #[test]
    fn address_count_limit() {
        let limits = Limits {
            max_addresses: 3,
            ..Limits::default()
        };
        let three = b"a@x.example, b@x.example, c@x.example";
        assert_eq!(parse_mailbox_list(three, &limits).unwrap().len(), 3);
        let four = b"a@x.example, b@x.example, c@x.example, d@x.example";
        let e = parse_mailbox_list(four, &limits).unwrap_err();
        assert_eq!((e.kind, e.position), (K::TooManyAddresses, 39));
        // A group and its members count.
        assert!(parse_address_list(b"G: a@x.example, b@x.example;", &limits).is_ok());
        let e = parse_address_list(b"G: a@x.example, b@x.example, c@x.example;", &limits);
        assert_eq!(e.unwrap_err().kind, K::TooManyAddresses);

        let huge = "a@x.example,".repeat(100_000);
        let e = parse_mailbox_list(huge.as_bytes(), &Limits::default()).unwrap_err();
        assert_eq!(e.kind, K::TooManyAddresses);
        assert_eq!(e.position, 12 * 1000);
        let e = parse_address_list(huge.as_bytes(), &Limits::default()).unwrap_err();
        assert_eq!(e.kind, K::TooManyAddresses);
        let group = format!("G:{};", huge);
        let e = parse_address_list(group.as_bytes(), &Limits::default()).unwrap_err();
        assert_eq!(e.kind, K::TooManyAddresses);
        // Empty elements are not addresses.
        let commas = ",".repeat(100_000) + "a@x.example";
        assert_eq!(mboxes(&commas).len(), 1);
    }

    #[test]
    fn from_header_field() {
        let msg =
            b"From: Alice\r\n <alice@Example.COM>,\r\n\tBob <bob@b\xc3\xbccher.example>\r\n\r\n";
        let h = crate::HeaderBlock::parse(msg, &Limits::default()).unwrap();
        let f = h.get("from").unwrap();
        let v = parse_mailbox_list(f.value(), &Limits::default()).unwrap();
        assert_eq!(v[0].address(), "alice@example.com");
        assert_eq!(v[1].domain_unicode, "bücher.example");
        let raw = f.value();
        assert_eq!(
            &raw[v[1].span.clone()],
            "Bob <bob@bücher.example>".as_bytes()
        );
        // The unfolded value parses the same way.
        let u = parse_mailbox_list(&f.unfolded_value(), &Limits::default()).unwrap();
        let a: Vec<_> = u
            .iter()
            .map(|m| (m.address(), m.display_name.clone()))
            .collect();
        let b: Vec<_> = v
            .iter()
            .map(|m| (m.address(), m.display_name.clone()))
            .collect();
        assert_eq!(a, b);
    }

    /// An interesting fragment of address syntax, for fuzz-like inputs.
    fn fragment() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "a",
            "Joe",
            "ü",
            "用",
            "@",
            "<",
            ">",
            ",",
            ";",
            ":",
            ".",
            "\"",
            "\\",
            "(",
            ")",
            "[",
            "]",
            " ",
            "\t",
            "\r\n ",
            "\n\t",
            "\r",
            "\n",
            "x.example",
            "xn--",
            "-",
            "=?",
            "\u{ff20}",
            "\u{3002}",
            "\0",
        ])
    }

    fn display_name() -> impl proptest::strategy::Strategy<Value = (String, Option<String>)> {
        use proptest::prelude::*;
        prop_oneof![
            Just((String::new(), None)),
            "[A-Za-z0-9]{1,8}( {1,3}[A-Za-z0-9.]{1,8}){0,3}".prop_map(|s| {
                let want = collapse_wsp(&s);
                (s, Some(want))
            }),
            "[ -~\u{e9}\u{7528}]{0,20}".prop_map(|s| {
                let mut q = String::from("\"");
                for c in s.chars() {
                    if c == '"' || c == '\\' {
                        q.push('\\');
                    }
                    q.push(c);
                }
                q.push('"');
                let want = collapse_wsp(&s);
                (q, if want.is_empty() { None } else { Some(want) })
            }),
        ]
    }

    type Generated = (String, Option<String>, String, String);

    /// A valid mailbox as text, with its display name, local part and domain.
    fn valid_mailbox() -> impl proptest::strategy::Strategy<Value = Generated> {
        use proptest::prelude::*;
        (
            display_name(),
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,10}(\\.[A-Za-z0-9_-]{1,8}){0,3}",
            "[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?(\\.[A-Za-z]{2,6}){1,3}",
            any::<bool>(),
        )
            .prop_map(|((name, want), local, domain, angle)| {
                let text = if name.is_empty() && !angle {
                    format!("{local}@{domain}")
                } else if name.is_empty() {
                    format!("<{local}@{domain}>")
                } else {
                    format!("{name} <{local}@{domain}>")
                };
                (text, want, local, domain)
            })
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_bytes(input in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            check_spans(&input);
        }

        #[test]
        fn never_panics_on_fragments(parts in proptest::collection::vec(fragment(), 0..40)) {
            check_spans(parts.concat().as_bytes());
        }

        #[test]
        fn valid_mailboxes_round_trip((text, display, local, domain) in valid_mailbox()) {
            proptest::prop_assume!(!domain.to_ascii_lowercase().contains("xn--"));
            let m = parse_mailbox(text.as_bytes()).unwrap();
            proptest::prop_assert_eq!(&m.display_name, &display);
            proptest::prop_assert_eq!(&m.local_part, &local);
            proptest::prop_assert_eq!(&m.domain, &domain.to_ascii_lowercase());
            proptest::prop_assert_eq!(&m.address(), &format!("{local}@{}", m.domain));
            proptest::prop_assert_eq!(m.span.clone(), 0..text.len());
        }

        #[test]
        fn spans_point_at_the_mailboxes(
            boxes in proptest::collection::vec(valid_mailbox(), 1..6),
            seps in proptest::collection::vec(proptest::sample::select(vec!["", " ", "\r\n ", "(c)", " (a(b)) ", "\n\t", ", "]), 6),
        ) {
            proptest::prop_assume!(boxes.iter().all(|b| !b.3.to_ascii_lowercase().contains("xn--")));
            let mut text = String::new();
            for (i, b) in boxes.iter().enumerate() {
                text.push_str(seps[i]);
                text.push_str(&b.0);
                text.push_str(seps[i + 1]);
                text.push(',');
            }
            let v = parse_mailbox_list(text.as_bytes(), &Limits::default()).unwrap();
            proptest::prop_assert_eq!(v.len(), boxes.len());
            for (m, b) in v.iter().zip(&boxes) {
                proptest::prop_assert_eq!(&text[m.span.clone()], b.0.as_str());
                let alone = parse_mailbox(text[m.span.clone()].as_bytes()).unwrap();
                proptest::prop_assert_eq!(alone.span.clone(), 0..m.span.len());
                proptest::prop_assert_eq!(Mailbox { span: m.span.clone(), ..alone }, m.clone());
            }
        }

        #[test]
        fn quoted_local_parts_round_trip(local in "[ -~\u{e9}\u{7528}]{1,20}") {
            let m = Mailbox {
                display_name: None,
                local_part: local.clone(),
                local_part_quoted: true,
                domain: "example.com".into(),
                domain_unicode: "example.com".into(),
                span: 0..0,
            };
            let text = m.address();
            let parsed = parse_mailbox(text.as_bytes()).unwrap();
            proptest::prop_assert_eq!(&parsed.local_part, &local);
            proptest::prop_assert_eq!(parsed.address(), text);
        }
    }

    /// Runs every parser on `input`; whatever they return, spans lie in the
    /// input and cover an `@`.
    fn check_spans(input: &[u8]) {
        let limits = Limits::default();
        let check = |m: &Mailbox| {
            assert!(m.span.start <= m.span.end && m.span.end <= input.len());
            assert!(input[m.span.clone()].contains(&b'@'));
            assert!(!m.domain.is_empty() && !m.local_part.is_empty());
        };
        if let Ok(v) = parse_mailbox_list(input, &limits) {
            v.iter().for_each(check);
        }
        if let Ok(m) = parse_mailbox(input) {
            check(&m);
        }
        if let Ok(v) = parse_address_list(input, &limits) {
            for a in &v {
                match a {
                    Address::Mailbox(m) => check(m),
                    Address::Group { members, .. } => members.iter().for_each(check),
                }
            }
        }
        if let Err(e) = parse_mailbox_list(input, &limits) {
            assert!(e.position <= input.len());
        }
    }
}
