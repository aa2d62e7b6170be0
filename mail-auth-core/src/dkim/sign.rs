//! DKIM signing, streaming (RFC 6376 §5).
//!
//! A [`DkimSigner`] holds the key and the choices (domain, selector,
//! canonicalization, header fields); [`DkimSigner::start`] takes a message's
//! header section, [`SigningSession::body`] takes the body in chunks, and
//! [`SigningSession::finish`] returns the DKIM-Signature header field to
//! prepend. [`DkimSigner::sign`] does it for a message in memory.

use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use mailsec_message::{HeaderBlock, Limits, MessageError};

use super::body_hash::BodyHashes;
use super::canonicalization::{Canonicalization, canonicalize_header};
use super::crypto::{CryptoProvider, HashAlgorithm, KeyType, SignError, SigningKey};
use super::header_selection::{SINGLE_INSTANCE_FIELDS, append_selected, select};

/// The header fields signed by default, each as many times as it occurs
/// (RFC 6376 §5.4.1's recommendations, plus the MIME fields and the list
/// fields of RFC 2369/2919):
pub const DEFAULT_SIGNED_HEADERS: &[&str] = &[
    "from",
    "sender",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "to",
    "cc",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "in-reply-to",
    "references",
    "resent-date",
    "resent-from",
    "resent-sender",
    "resent-to",
    "resent-cc",
    "resent-message-id",
    "list-id",
    "list-help",
    "list-unsubscribe",
    "list-unsubscribe-post",
    "list-subscribe",
    "list-post",
    "list-owner",
    "list-archive",
];

/// Fields the default set signs once more than they occur ("oversigning",
/// RFC 6376 §8.15), so that nobody can add an instance later without
/// breaking the signature. From is always among them; the others are the
/// fields RFC 5322 allows once (and the MIME fields that decide how the body
/// is shown), whether or not the message has them.
pub const DEFAULT_OVERSIGNED_HEADERS: &[&str] = SINGLE_INSTANCE_FIELDS;

/// Why signing failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DkimSignError {
    /// The message has no From field (RFC 6376 §5.4: From must be signed).
    #[error("the message has no From field")]
    NoFrom,
    /// The header block exceeds its limits.
    #[error(transparent)]
    Header(#[from] MessageError),
    /// A domain, selector, identity or header name holds bytes a tag value
    /// cannot carry.
    #[error("invalid {0}: it cannot appear in a DKIM-Signature tag")]
    InvalidTag(&'static str),
    /// The key refused to sign.
    #[error(transparent)]
    Sign(#[from] SignError),
}

/// Which fields to sign.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Headers {
    /// [`DEFAULT_SIGNED_HEADERS`] as present, oversigning
    /// [`DEFAULT_OVERSIGNED_HEADERS`].
    Default,
    /// Exactly this `h=` list (From added in front when missing).
    Exact(Vec<String>),
}

/// A DKIM signer: key, domain, selector and choices. Reusable for any number
/// of messages.
#[derive(Clone, Debug)]
pub struct DkimSigner<'p> {
    provider: &'p dyn CryptoProvider,
    key: Arc<dyn SigningKey>,
    domain: String,
    selector: String,
    header_canonicalization: Canonicalization,
    body_canonicalization: Canonicalization,
    headers: Headers,
    identity: Option<String>,
    body_length: bool,
    expire_after: Option<u64>,
    line_ending: &'static str,
}

impl<'p> DkimSigner<'p> {
    /// A signer for `d=domain` and `s=selector` with the defaults:
    /// relaxed/relaxed, the default header set with oversigning, `t=`
    /// written, no `x=`, no `l=`, CRLF line endings. `provider` hashes the
    /// body (it should be the one `key` came from).
    pub fn new(
        provider: &'p dyn CryptoProvider,
        key: Arc<dyn SigningKey>,
        domain: &str,
        selector: &str,
    ) -> Result<Self, DkimSignError> {
        if !is_tag_text(domain) || domain.is_empty() {
            return Err(DkimSignError::InvalidTag("domain"));
        }
        if !is_tag_text(selector) || selector.is_empty() {
            return Err(DkimSignError::InvalidTag("selector"));
        }
        Ok(DkimSigner {
            provider,
            key,
            domain: domain.to_string(),
            selector: selector.to_string(),
            header_canonicalization: Canonicalization::Relaxed,
            body_canonicalization: Canonicalization::Relaxed,
            headers: Headers::Default,
            identity: None,
            body_length: false,
            expire_after: None,
            line_ending: "\r\n",
        })
    }

    /// Sets `c=`.
    #[must_use]
    pub fn canonicalization(mut self, header: Canonicalization, body: Canonicalization) -> Self {
        self.header_canonicalization = header;
        self.body_canonicalization = body;
        self
    }

    /// Signs exactly these field names as `h=` (a name listed more often
    /// than the field occurs oversigns it). From is put first if missing.
    pub fn headers<S: AsRef<str>>(mut self, names: &[S]) -> Result<Self, DkimSignError> {
        let mut list: Vec<String> = Vec::with_capacity(names.len().saturating_add(1));
        for name in names {
            let name = name.as_ref().trim();
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
                return Err(DkimSignError::InvalidTag("header name"));
            }
            list.push(name.to_ascii_lowercase());
        }
        if !list.iter().any(|n| n == "from") {
            list.insert(0, "from".to_string());
        }
        self.headers = Headers::Exact(list);
        Ok(self)
    }

    /// Sets `i=` (it must be `@` + `d=` or an address in `d=` or a subdomain).
    pub fn identity(mut self, identity: &str) -> Result<Self, DkimSignError> {
        let domain = identity.rsplit_once('@').map(|(_, d)| d);
        let within = domain.is_some_and(|d| {
            let d = d.to_ascii_lowercase();
            let own = self.domain.to_ascii_lowercase();
            d == own || d.ends_with(&alloc::format!(".{own}"))
        });
        if !within || !is_tag_text(identity) {
            return Err(DkimSignError::InvalidTag("identity"));
        }
        self.identity = Some(identity.to_string());
        Ok(self)
    }

    /// Writes `l=` with the canonicalized body's length. Off by default:
    /// verifiers (ours included) do not trust content past `l=`, and
    /// `l=` is what lets someone append to a signed message.
    #[must_use]
    pub fn body_length(mut self, on: bool) -> Self {
        self.body_length = on;
        self
    }

    /// Writes `x=` this many seconds after `t=`.
    #[must_use]
    pub fn expire_after(mut self, seconds: u64) -> Self {
        self.expire_after = Some(seconds.max(1));
        self
    }

    /// Writes the returned field with LF line endings instead of CRLF (to
    /// match a message stored with LF). The signature is the same.
    #[must_use]
    pub fn lf_line_endings(mut self, lf: bool) -> Self {
        self.line_ending = if lf { "\n" } else { "\r\n" };
        self
    }

    /// The `a=` value this signer writes.
    pub fn algorithm(&self) -> &'static str {
        match self.key.key_type() {
            KeyType::Rsa => "rsa-sha256",
            KeyType::Ed25519 => "ed25519-sha256",
        }
    }

    /// Starts signing a message from its header section (through the empty
    /// line; bytes after the header section are the start of the body).
    /// `now` (seconds since the Unix epoch) is written as `t=`.
    pub fn start(&self, header: &[u8], now: u64) -> Result<SigningSession<'_, 'p>, DkimSignError> {
        let block = HeaderBlock::parse(header, &Limits::default())?;
        let fields = block.fields();
        if !fields.iter().any(|f| f.is("from")) {
            return Err(DkimSignError::NoFrom);
        }
        let names: Vec<String> = match &self.headers {
            Headers::Exact(list) => list.clone(),
            Headers::Default => {
                let mut names = Vec::new();
                for name in DEFAULT_SIGNED_HEADERS {
                    let count = fields.iter().filter(|f| f.is(name)).count();
                    let extra = usize::from(DEFAULT_OVERSIGNED_HEADERS.contains(name));
                    for _ in 0..count.saturating_add(extra) {
                        names.push((*name).to_string());
                    }
                }
                names
            }
        };
        let mut header_data = Vec::new();
        append_selected(
            self.header_canonicalization,
            &select(fields, &names),
            &mut header_data,
        );
        let mut body = BodyHashes::new(self.provider);
        let limit = None;
        let _ = body.add(self.body_canonicalization, HashAlgorithm::Sha256, limit);
        let mut session = SigningSession {
            signer: self,
            names,
            header_data,
            timestamp: now,
            body,
        };
        if let Some(rest) = header.get(block.body_offset()..) {
            session.body(rest);
        }
        Ok(session)
    }

    /// Signs a whole message in memory: the DKIM-Signature field to prepend
    /// (name, value and line ending).
    pub fn sign(
        &self,
        message: &[u8],
        now: u64,
        rng: &mut dyn rand_core::CryptoRng,
    ) -> Result<String, DkimSignError> {
        let at = mailsec_message::find_body_offset(message).unwrap_or(message.len());
        let (header, body) = message.split_at_checked(at).unwrap_or((message, &[]));
        let mut session = self.start(header, now)?;
        session.body(body);
        session.finish(rng)
    }
}

/// One message being signed. See [`DkimSigner::start`].
#[derive(Debug)]
pub struct SigningSession<'s, 'p> {
    signer: &'s DkimSigner<'p>,
    names: Vec<String>,
    header_data: Vec<u8>,
    timestamp: u64,
    body: BodyHashes<'p>,
}

impl SigningSession<'_, '_> {
    /// Feeds the next chunk of the body.
    pub fn body(&mut self, chunk: &[u8]) {
        if !chunk.is_empty() {
            self.body.update(chunk);
        }
    }

    /// Signs: the DKIM-Signature field to prepend to the message.
    pub fn finish(self, rng: &mut dyn rand_core::CryptoRng) -> Result<String, DkimSignError> {
        let signer = self.signer;
        let hashes = self.body.finish();
        let (digest, length) = hashes
            .first()
            .map(|h| (h.digest.clone(), h.canonical_length))
            .unwrap_or_default();

        let mut pieces: Vec<Piece> = Vec::new();
        let mut tag = |text: String| pieces.push(Piece::Tag(text));
        tag("v=1;".into());
        tag(alloc::format!("a={};", signer.algorithm()));
        tag(alloc::format!(
            "c={}/{};",
            signer.header_canonicalization.as_str(),
            signer.body_canonicalization.as_str()
        ));
        tag(alloc::format!("d={};", signer.domain));
        tag(alloc::format!("s={};", signer.selector));
        if let Some(identity) = &signer.identity {
            tag(alloc::format!("i={identity};"));
        }
        tag(alloc::format!("t={};", self.timestamp));
        if let Some(after) = signer.expire_after {
            tag(alloc::format!(
                "x={};",
                self.timestamp.saturating_add(after)
            ));
        }
        if signer.body_length {
            tag(alloc::format!("l={length};"));
        }
        pieces.push(Piece::Headers(self.names.clone()));
        pieces.push(Piece::Tag(alloc::format!(
            "bh={};",
            STANDARD.encode(&digest)
        )));
        pieces.push(Piece::Tag("b=".into()));

        // The field as hashed: with an empty b= and CRLF folding.
        let unsigned = fold(&pieces, "");
        let mut data = self.header_data;
        canonicalize_header(
            signer.header_canonicalization,
            unsigned.as_bytes(),
            &mut data,
        );
        let signature = signer.key.sign(&data, rng)?;
        let b = STANDARD.encode(signature);
        let field = fold(&pieces, &b);
        let mut out = field.replace("\r\n", signer.line_ending);
        out.push_str(signer.line_ending);
        Ok(out)
    }
}

enum Piece {
    /// A whole tag with its `;` (may not be broken).
    Tag(String),
    /// `h=` names (may break after each colon).
    Headers(Vec<String>),
}

/// A field being laid out, with the column its last line has reached.
struct Layout {
    out: String,
    column: usize,
}

impl Layout {
    const WIDTH: usize = 76;

    /// Appends `text`, first folding when it would pass the line width
    /// (or, with `space`, a space when it fits).
    fn put(&mut self, text: &str, space: bool) {
        let fits = self.column.saturating_add(text.len()).saturating_add(1) < Self::WIDTH;
        if !fits && self.column > 1 {
            self.out.push_str("\r\n\t");
            self.column = 1;
        } else if space {
            self.out.push(' ');
            self.column = self.column.saturating_add(1);
        }
        self.out.push_str(text);
        self.column = self.column.saturating_add(text.len());
    }
}

/// Lays the field out, folding before lines reach 76 columns. `b` is put
/// after the final `b=`, broken into runs that fit the lines.
fn fold(pieces: &[Piece], b: &str) -> String {
    let mut line = Layout {
        out: String::from("DKIM-Signature:"),
        column: "DKIM-Signature:".len(),
    };
    for piece in pieces {
        match piece {
            Piece::Tag(text) => line.put(text, true),
            Piece::Headers(names) => {
                let count = names.len();
                for (i, name) in names.iter().enumerate() {
                    let mut text = String::new();
                    if i == 0 {
                        text.push_str("h=");
                    }
                    text.push_str(name);
                    text.push(if i.saturating_add(1) == count {
                        ';'
                    } else {
                        ':'
                    });
                    line.put(&text, i == 0);
                }
            }
        }
    }
    // b= is last; its value folds at the line width (FWS inside base64 is
    // allowed, §3.5, and the verifier removes the whole value).
    let mut rest = b;
    while !rest.is_empty() {
        let room = Layout::WIDTH.saturating_sub(line.column).max(8);
        let (now, later) = rest.split_at(room.min(rest.len()));
        line.out.push_str(now);
        line.column = line.column.saturating_add(now.len());
        rest = later;
        if !rest.is_empty() {
            line.out.push_str("\r\n\t");
            line.column = 1;
        }
    }
    line.out
}

/// Whether `text` can be a tag value as is: printable, no `;`, no white space.
fn is_tag_text(text: &str) -> bool {
    text.bytes()
        .all(|b| (b.is_ascii_graphic() && b != b';') || b >= 0x80)
}
