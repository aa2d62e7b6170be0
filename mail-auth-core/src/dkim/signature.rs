//! The DKIM-Signature header field (RFC 6376 §3.5): its tags, parsed.

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use super::canonicalization::Canonicalization;
use super::crypto::{HashAlgorithm, KeyType};
use super::tag_list::{
    Tag, TagListError, ValueError, decode_base64, decode_dkim_qp, parse_digits, parse_tag_list,
    split_list, strip_fws, trim_fws,
};

/// A signing algorithm (`a=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SigningAlgorithm {
    /// `rsa-sha256`.
    RsaSha256,
    /// `rsa-sha1` (RFC 8301: not to be trusted by default).
    RsaSha1,
    /// `ed25519-sha256` (RFC 8463).
    Ed25519Sha256,
}

/// One parsed DKIM-Signature field value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DkimSignature {
    /// `a=`.
    pub algorithm: SigningAlgorithm,
    /// `b=`, base64-decoded (folding white space inside removed).
    pub signature: Vec<u8>,
    /// `bh=`, base64-decoded.
    pub body_hash: Vec<u8>,
    /// `c=` header canonicalization (default simple).
    pub header_canonicalization: Canonicalization,
    /// `c=` body canonicalization (default simple).
    pub body_canonicalization: Canonicalization,
    /// `d=` as written (white space removed).
    pub domain: String,
    /// `h=`: the signed field names in order, as written (compare
    /// case-insensitively). Never empty; white space removed.
    pub signed_headers: Vec<String>,
    /// `i=` as written; `None` when absent (it defaults to `@` + `d=`).
    pub identity: Option<String>,
    /// `l=`.
    pub body_length: Option<u64>,
    /// `s=` as written.
    pub selector: String,
    /// `t=`.
    pub timestamp: Option<u64>,
    /// `x=`.
    pub expiration: Option<u64>,
    /// `z=`: the copied header fields, dkim-quoted-printable decoded.
    pub copied_headers: Vec<String>,
    /// Where the `b=` tag's value lies in the field value that was parsed
    /// (from just after `b=` to just before the following `;` or the end),
    /// so the verifier can hash the field with that value removed.
    pub signature_value_range: Range<usize>,
}

/// Why a DKIM-Signature value could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The tag-list syntax is broken (or a tag repeats).
    #[error(transparent)]
    TagList(#[from] TagListError),
    /// A required tag is absent.
    #[error("the required tag {0}= is missing")]
    MissingTag(&'static str),
    /// `v=` is not `1`.
    #[error("unsupported version v={0}")]
    Version(String),
    /// `a=` names an algorithm we do not know.
    #[error("unknown algorithm a={0}")]
    UnknownAlgorithm(String),
    /// A tag's value does not have its syntax.
    #[error("malformed {tag}= value at byte {position}: {reason}")]
    BadValue {
        /// The tag name.
        tag: &'static str,
        /// Offset of the value in the field value.
        position: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// `q=` does not offer `dns/txt`.
    #[error("no supported query method in q=")]
    QueryMethod,
    /// `h=` does not include the From field (RFC 6376 §6.1.1).
    #[error("h= does not include the From field")]
    FromNotSigned,
    /// The domain of `i=` is neither `d=` nor a subdomain of it
    /// (RFC 6376 §6.1.1).
    #[error("the domain of i= is not d= or a subdomain of it")]
    IdentityOutsideDomain,
    /// `x=` is earlier than `t=` (RFC 6376 §3.5).
    #[error("x= is earlier than t=")]
    ExpiresBeforeTimestamp,
}

impl SigningAlgorithm {
    /// The name as `a=` writes it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::RsaSha256 => "rsa-sha256",
            Self::RsaSha1 => "rsa-sha1",
            Self::Ed25519Sha256 => "ed25519-sha256",
        }
    }

    /// The hash algorithm.
    pub fn hash(&self) -> HashAlgorithm {
        match self {
            Self::RsaSha1 => HashAlgorithm::Sha1,
            Self::RsaSha256 | Self::Ed25519Sha256 => HashAlgorithm::Sha256,
        }
    }

    /// The key type.
    pub fn key_type(&self) -> KeyType {
        match self {
            Self::RsaSha256 | Self::RsaSha1 => KeyType::Rsa,
            Self::Ed25519Sha256 => KeyType::Ed25519,
        }
    }

    /// The algorithm `name` designates, compared case-insensitively.
    fn from_name(name: &[u8]) -> Option<Self> {
        [Self::RsaSha256, Self::RsaSha1, Self::Ed25519Sha256]
            .into_iter()
            .find(|a| name.eq_ignore_ascii_case(a.as_str().as_bytes()))
    }
}

/// The tags of §3.5 that a signature uses, as found.
#[derive(Default)]
struct Found<'t, 'a> {
    v: Option<&'t Tag<'a>>,
    a: Option<&'t Tag<'a>>,
    b: Option<&'t Tag<'a>>,
    bh: Option<&'t Tag<'a>>,
    c: Option<&'t Tag<'a>>,
    d: Option<&'t Tag<'a>>,
    h: Option<&'t Tag<'a>>,
    i: Option<&'t Tag<'a>>,
    l: Option<&'t Tag<'a>>,
    q: Option<&'t Tag<'a>>,
    s: Option<&'t Tag<'a>>,
    t: Option<&'t Tag<'a>>,
    x: Option<&'t Tag<'a>>,
    z: Option<&'t Tag<'a>>,
}

fn bad(tag: &'static str) -> impl Fn(ValueError) -> SignatureError {
    move |e| SignatureError::BadValue {
        tag,
        position: e.position,
        reason: e.reason,
    }
}

fn bad_at(tag: &'static str, position: usize, reason: &'static str) -> SignatureError {
    SignatureError::BadValue {
        tag,
        position,
        reason,
    }
}

fn required<'t, 'a>(
    tag: Option<&'t Tag<'a>>,
    name: &'static str,
) -> Result<&'t Tag<'a>, SignatureError> {
    tag.ok_or(SignatureError::MissingTag(name))
}

/// A base64 value that must not be empty.
fn base64_value(tag: &Tag<'_>, name: &'static str) -> Result<Vec<u8>, SignatureError> {
    let bytes = decode_base64(tag.value, tag.value_range.start).map_err(bad(name))?;
    if bytes.is_empty() {
        return Err(bad_at(name, tag.value_range.start, "empty value"));
    }
    Ok(bytes)
}

/// A value with its FWS removed, which must be non-empty UTF-8.
fn text_value(tag: &Tag<'_>, name: &'static str) -> Result<String, SignatureError> {
    let text = String::from_utf8(strip_fws(tag.value))
        .map_err(|_| bad_at(name, tag.value_range.start, "not UTF-8"))?;
    if text.is_empty() {
        return Err(bad_at(name, tag.value_range.start, "empty value"));
    }
    Ok(text)
}

fn canonicalization(word: &[u8], position: usize) -> Result<Canonicalization, SignatureError> {
    if word.eq_ignore_ascii_case(b"simple") {
        Ok(Canonicalization::Simple)
    } else if word.eq_ignore_ascii_case(b"relaxed") {
        Ok(Canonicalization::Relaxed)
    } else {
        Err(bad_at("c", position, "unknown canonicalization"))
    }
}

/// `c=`: `header[/body]`; the body defaults to simple.
fn parse_c(tag: &Tag<'_>) -> Result<(Canonicalization, Canonicalization), SignatureError> {
    let start = tag.value_range.start;
    match tag.value.iter().position(|&b| b == b'/') {
        None => Ok((
            canonicalization(tag.value, start)?,
            Canonicalization::Simple,
        )),
        Some(slash) => {
            let (header, body) = tag.value.split_at(slash);
            let body = body.get(1..).unwrap_or_default();
            Ok((
                canonicalization(header, start)?,
                canonicalization(body, start + slash + 1)?,
            ))
        }
    }
}

/// `h=`: field names separated by `:`.
fn parse_h(tag: &Tag<'_>) -> Result<Vec<String>, SignatureError> {
    let mut names = Vec::new();
    for (position, name) in split_list(tag.value, tag.value_range.start, b':') {
        if name.is_empty() {
            return Err(bad_at("h", position, "empty field name"));
        }
        if let Some(i) = name.iter().position(|&b| !(0x21..=0x7E).contains(&b)) {
            return Err(bad_at(
                "h",
                position + i,
                "invalid character in a field name",
            ));
        }
        let name = core::str::from_utf8(name)
            .map_err(|_| bad_at("h", position, "invalid character in a field name"))?;
        names.push(String::from(name));
    }
    Ok(names)
}

/// `i=`: dkim-quoted-printable `[local-part] "@" domain`.
fn parse_i(tag: &Tag<'_>) -> Result<String, SignatureError> {
    let start = tag.value_range.start;
    let decoded = decode_dkim_qp(tag.value, start).map_err(bad("i"))?;
    let identity = String::from_utf8(decoded).map_err(|_| bad_at("i", start, "not UTF-8"))?;
    let Some((_, domain)) = identity.rsplit_once('@') else {
        return Err(bad_at("i", start, "no '@'"));
    };
    if domain.is_empty() {
        return Err(bad_at("i", start, "no domain after '@'"));
    }
    Ok(identity)
}

/// `z=`: copied header fields separated by `|`.
fn parse_z(tag: &Tag<'_>) -> Result<Vec<String>, SignatureError> {
    if tag.value.is_empty() {
        return Ok(Vec::new());
    }
    split_list(tag.value, tag.value_range.start, b'|')
        .map(|(position, piece)| {
            let bytes = decode_dkim_qp(piece, position).map_err(bad("z"))?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

fn number(tag: Option<&Tag<'_>>, name: &'static str) -> Result<Option<u64>, SignatureError> {
    tag.map(|t| parse_digits(t.value, t.value_range.start).map_err(bad(name)))
        .transpose()
}

/// Whether `sub` is `domain` or a subdomain of it, ignoring case and a
/// trailing dot.
fn is_within(sub: &str, domain: &str) -> bool {
    let sub = sub.strip_suffix('.').unwrap_or(sub).to_lowercase();
    let domain = domain.strip_suffix('.').unwrap_or(domain).to_lowercase();
    sub == domain
        || sub
            .strip_suffix(domain.as_str())
            .is_some_and(|head| head.len() > 1 && head.ends_with('.'))
}

impl DkimSignature {
    /// Parses a DKIM-Signature field value (the raw bytes after the colon,
    /// folding included).
    ///
    /// Besides the syntax of every tag of RFC 6376 §3.5, this applies the
    /// checks of §6.1.1 that need nothing but the field: `v=1`, the required
    /// tags, `h=` including From, `i=` within `d=`, `q=` offering `dns/txt`,
    /// and `x=` not before `t=` (an `x=` equal to `t=` is accepted, though
    /// §3.5 asks for a greater one). It does not compare `x=` with the current
    /// time. Unknown tags are ignored.
    ///
    /// Readings and leniencies: `a=` and `c=` compare case-insensitively;
    /// `b=` and `bh=` may leave out the base64 padding but must not be empty;
    /// `d=` and `s=` lose any white space and must be non-empty UTF-8; `i=`
    /// must be UTF-8 once decoded (RFC 8616 allows a UTF-8 local part); the
    /// numbers `l=`, `t=` and `x=` saturate at `u64::MAX`; `z=` is decoded
    /// with invalid UTF-8 replaced. A problem in a value is reported with its
    /// byte offset in `value`.
    pub fn parse(value: &[u8]) -> Result<Self, SignatureError> {
        let tags = parse_tag_list(value)?;
        let mut found = Found::default();
        for tag in &tags {
            let slot = match tag.name {
                "v" => &mut found.v,
                "a" => &mut found.a,
                "b" => &mut found.b,
                "bh" => &mut found.bh,
                "c" => &mut found.c,
                "d" => &mut found.d,
                "h" => &mut found.h,
                "i" => &mut found.i,
                "l" => &mut found.l,
                "q" => &mut found.q,
                "s" => &mut found.s,
                "t" => &mut found.t,
                "x" => &mut found.x,
                "z" => &mut found.z,
                _ => continue,
            };
            *slot = Some(tag);
        }

        let v = required(found.v, "v")?;
        if v.value != b"1" {
            return Err(SignatureError::Version(
                String::from_utf8_lossy(v.value).into_owned(),
            ));
        }
        let a = required(found.a, "a")?;
        let b = required(found.b, "b")?;
        let bh = required(found.bh, "bh")?;
        let d = required(found.d, "d")?;
        let h = required(found.h, "h")?;
        let s = required(found.s, "s")?;

        let algorithm = SigningAlgorithm::from_name(a.value).ok_or_else(|| {
            SignatureError::UnknownAlgorithm(String::from_utf8_lossy(a.value).into_owned())
        })?;
        let signature = base64_value(b, "b")?;
        let body_hash = base64_value(bh, "bh")?;
        let (header_canonicalization, body_canonicalization) = match found.c {
            Some(c) => parse_c(c)?,
            None => (Canonicalization::Simple, Canonicalization::Simple),
        };
        let domain = text_value(d, "d")?;
        let signed_headers = parse_h(h)?;
        let identity = found.i.map(parse_i).transpose()?;
        let body_length = number(found.l, "l")?;
        if let Some(q) = found.q {
            let mut methods = split_list(q.value, q.value_range.start, b':');
            if !methods.any(|(_, m)| m.eq_ignore_ascii_case(b"dns/txt")) {
                return Err(SignatureError::QueryMethod);
            }
        }
        let selector = text_value(s, "s")?;
        let timestamp = number(found.t, "t")?;
        let expiration = number(found.x, "x")?;
        let copied_headers = found.z.map(parse_z).transpose()?.unwrap_or_default();

        if !signed_headers
            .iter()
            .any(|name| name.eq_ignore_ascii_case("from"))
        {
            return Err(SignatureError::FromNotSigned);
        }
        if let Some(identity) = &identity {
            let identity_domain = identity.rsplit_once('@').map_or("", |(_, d)| d);
            if !is_within(identity_domain, &domain) {
                return Err(SignatureError::IdentityOutsideDomain);
            }
        }
        if let (Some(t), Some(x)) = (timestamp, expiration)
            && x < t
        {
            return Err(SignatureError::ExpiresBeforeTimestamp);
        }

        Ok(Self {
            algorithm,
            signature,
            body_hash,
            header_canonicalization,
            body_canonicalization,
            domain,
            signed_headers,
            identity,
            body_length,
            selector,
            timestamp,
            expiration,
            copied_headers,
            signature_value_range: b.spec_value_range.clone(),
        })
    }

    /// The identity (AUID): `i=`, or `@` followed by `d=` when it is absent.
    pub fn identity_or_default(&self) -> String {
        match &self.identity {
            Some(identity) => identity.clone(),
            None => {
                let mut identity = String::with_capacity(self.domain.len() + 1);
                identity.push('@');
                identity.push_str(&self.domain);
                identity
            }
        }
    }
}

/// The `d=`, `s=` and `a=` of a signature that may not parse, read as well
/// as can be, to say which signature failed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
// Used by the verifier's reports.
#[allow(dead_code)]
pub(crate) struct SalvagedTags {
    /// `d=` with white space removed; empty when not found.
    pub(crate) domain: String,
    /// `s=` with white space removed; empty when not found.
    pub(crate) selector: String,
    /// `a=` with white space removed; empty when not found.
    pub(crate) algorithm: String,
}

/// Reads `d=`, `s=` and `a=` from a field value whatever its syntax: the
/// value is cut at every `;`, each piece at its first `=`, and the first
/// piece named `d`, `s` or `a` (once white space is trimmed) gives that
/// tag's value (white space removed, invalid UTF-8 replaced).
#[allow(dead_code)]
pub(crate) fn salvage(value: &[u8]) -> SalvagedTags {
    let mut out = SalvagedTags::default();
    for piece in value.split(|&b| b == b';') {
        let Some(eq) = piece.iter().position(|&b| b == b'=') else {
            continue;
        };
        let (name, rest) = piece.split_at(eq);
        let field = match trim_fws(name).1 {
            b"d" => &mut out.domain,
            b"s" => &mut out.selector,
            b"a" => &mut out.algorithm,
            _ => continue,
        };
        if field.is_empty() {
            let text = strip_fws(rest.get(1..).unwrap_or_default());
            *field = String::from_utf8_lossy(&text).into_owned();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;
    use alloc::vec;
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    use proptest::prelude::*;

    /// RFC 6376 Appendix A.2, the field value after the colon.
    const RFC6376: &str = " v=1; a=rsa-sha256; s=brisbane; d=example.com;\r\n      \
        c=simple/simple; q=dns/txt; i=joe@football.example.com;\r\n      \
        h=Received : From : To : Subject : Date : Message-ID;\r\n      \
        bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n      \
        b=AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB\r\n        \
        4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+NahM6L/LbvaHut\r\n        \
        KVdkLLkpVaVVQPzeRDI009SO2Il5Lu7rDNH6mZckBdrIx0orEtZV\r\n        \
        4bmp/YzhwvcubU4=;";

    /// RFC 8463 Appendix A.3, the Ed25519 signature.
    const RFC8463_ED25519: &str = " v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n \
        d=football.example.com; i=@football.example.com;\r\n \
        q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n \
        subject : date : message-id : from : subject : date;\r\n \
        bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n \
        b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n \
        Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==";

    /// RFC 8463 Appendix A.3, the RSA signature.
    const RFC8463_RSA: &str = " v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n \
        d=football.example.com; i=@football.example.com;\r\n \
        q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n \
        date : message-id : from : subject : date;\r\n \
        bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n \
        b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3\r\n \
        DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz\r\n \
        dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=";

    const MINIMAL: &str = "v=1; a=rsa-sha256; b=QUJD; bh=REVG; d=example.com; h=from; s=sel";

    fn parse(value: &str) -> Result<DkimSignature, SignatureError> {
        DkimSignature::parse(value.as_bytes())
    }

    fn ok(value: &str) -> DkimSignature {
        parse(value).unwrap()
    }

    /// `MINIMAL` with `extra` appended as more tags.
    fn with(extra: &str) -> Result<DkimSignature, SignatureError> {
        parse(&format!("{MINIMAL}; {extra}"))
    }

    /// `MINIMAL` with the tag `name` replaced by `tag` (or removed when empty).
    fn replacing(name: &str, tag: &str) -> Result<DkimSignature, SignatureError> {
        let mut parts: Vec<String> = MINIMAL
            .split("; ")
            .filter(|t| !t.starts_with(&format!("{name}=")))
            .map(ToString::to_string)
            .collect();
        if !tag.is_empty() {
            parts.push(tag.to_string());
        }
        parse(&parts.join("; "))
    }

    fn bad_value(tag: &'static str, position: usize, reason: &'static str) -> SignatureError {
        SignatureError::BadValue {
            tag,
            position,
            reason,
        }
    }

    #[test]
    fn rfc6376_appendix_a() {
        let sig = ok(RFC6376);
        assert_eq!(sig.algorithm, SigningAlgorithm::RsaSha256);
        assert_eq!(sig.selector, "brisbane");
        assert_eq!(sig.domain, "example.com");
        assert_eq!(sig.header_canonicalization, Canonicalization::Simple);
        assert_eq!(sig.body_canonicalization, Canonicalization::Simple);
        assert_eq!(sig.identity.as_deref(), Some("joe@football.example.com"));
        assert_eq!(
            sig.signed_headers,
            ["Received", "From", "To", "Subject", "Date", "Message-ID"]
        );
        assert_eq!(
            sig.body_hash,
            STANDARD
                .decode("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=")
                .unwrap()
        );
        assert_eq!(sig.signature.len(), 128);
        assert_eq!(sig.body_length, None);
        assert_eq!(sig.timestamp, None);
        assert_eq!(sig.expiration, None);
        assert!(sig.copied_headers.is_empty());
        let range = sig.signature_value_range.clone();
        let b_value = &RFC6376[range.clone()];
        assert!(b_value.starts_with("AuUoFEfD"));
        assert!(b_value.ends_with("cubU4="));
        assert_eq!(&RFC6376[range.start - 2..range.start], "b=");
        assert_eq!(&RFC6376[range.end..], ";");
        assert_eq!(
            STANDARD.decode(strip_fws(b_value.as_bytes())).unwrap(),
            sig.signature
        );
    }

    #[test]
    fn rfc8463_appendix_a() {
        let ed = ok(RFC8463_ED25519);
        assert_eq!(ed.algorithm, SigningAlgorithm::Ed25519Sha256);
        assert_eq!(ed.header_canonicalization, Canonicalization::Relaxed);
        assert_eq!(ed.body_canonicalization, Canonicalization::Relaxed);
        assert_eq!(ed.domain, "football.example.com");
        assert_eq!(ed.selector, "brisbane");
        assert_eq!(ed.identity.as_deref(), Some("@football.example.com"));
        assert_eq!(ed.timestamp, Some(1_528_637_909));
        assert_eq!(
            ed.signed_headers,
            [
                "from",
                "to",
                "subject",
                "date",
                "message-id",
                "from",
                "subject",
                "date"
            ]
        );
        assert_eq!(ed.signature.len(), 64);
        assert_eq!(ed.body_hash.len(), 32);
        // The last tag: the range runs to the end.
        assert_eq!(ed.signature_value_range.end, RFC8463_ED25519.len());
        assert!(RFC8463_ED25519[ed.signature_value_range.clone()].starts_with("/gCr"));

        let rsa = ok(RFC8463_RSA);
        assert_eq!(rsa.algorithm, SigningAlgorithm::RsaSha256);
        assert_eq!(rsa.selector, "test");
        assert_eq!(rsa.signature.len(), 128);
        assert_eq!(rsa.body_hash, ed.body_hash);
        assert_eq!(rsa.identity_or_default(), "@football.example.com");
    }

    #[test]
    fn bare_lf_folding() {
        let lf = RFC6376.replace("\r\n", "\n");
        let sig = ok(&lf);
        assert_eq!(sig.signature, ok(RFC6376).signature);
        assert_eq!(sig.signed_headers.len(), 6);
    }

    #[test]
    fn minimal_signature_and_defaults() {
        let sig = ok(MINIMAL);
        assert_eq!(sig.signature, b"ABC");
        assert_eq!(sig.body_hash, b"DEF");
        assert_eq!(sig.header_canonicalization, Canonicalization::Simple);
        assert_eq!(sig.body_canonicalization, Canonicalization::Simple);
        assert_eq!(sig.identity, None);
        assert_eq!(sig.identity_or_default(), "@example.com");
        assert_eq!(&MINIMAL[sig.signature_value_range.clone()], "QUJD");
    }

    #[test]
    fn version() {
        assert_eq!(replacing("v", ""), Err(SignatureError::MissingTag("v")));
        assert_eq!(
            replacing("v", "v=2"),
            Err(SignatureError::Version("2".into()))
        );
        assert_eq!(
            replacing("v", "v=1.0"),
            Err(SignatureError::Version("1.0".into()))
        );
        assert_eq!(
            replacing("v", "v="),
            Err(SignatureError::Version(String::new()))
        );
        // v= need not be first.
        assert!(replacing("v", "v= 1 ").is_ok());
    }

    #[test]
    fn required_tags() {
        for name in ["a", "b", "bh", "d", "h", "s"] {
            assert_eq!(
                replacing(name, ""),
                Err(SignatureError::MissingTag(name)),
                "{name}"
            );
        }
    }

    #[test]
    fn algorithms() {
        for (text, algorithm) in [
            ("rsa-sha256", SigningAlgorithm::RsaSha256),
            ("RSA-SHA256", SigningAlgorithm::RsaSha256),
            ("rsa-sha1", SigningAlgorithm::RsaSha1),
            ("Ed25519-Sha256", SigningAlgorithm::Ed25519Sha256),
        ] {
            assert_eq!(
                replacing("a", &format!("a={text}")).unwrap().algorithm,
                algorithm
            );
        }
        assert_eq!(
            replacing("a", "a=rsa-md5"),
            Err(SignatureError::UnknownAlgorithm("rsa-md5".into()))
        );
        assert_eq!(
            replacing("a", "a="),
            Err(SignatureError::UnknownAlgorithm(String::new()))
        );
        assert_eq!(SigningAlgorithm::RsaSha1.as_str(), "rsa-sha1");
        assert_eq!(SigningAlgorithm::RsaSha1.hash(), HashAlgorithm::Sha1);
        assert_eq!(SigningAlgorithm::RsaSha256.hash(), HashAlgorithm::Sha256);
        assert_eq!(
            SigningAlgorithm::Ed25519Sha256.hash(),
            HashAlgorithm::Sha256
        );
        assert_eq!(SigningAlgorithm::RsaSha256.key_type(), KeyType::Rsa);
        assert_eq!(SigningAlgorithm::Ed25519Sha256.key_type(), KeyType::Ed25519);
        assert_eq!(SigningAlgorithm::Ed25519Sha256.as_str(), "ed25519-sha256");
    }

    #[test]
    fn base64_tags() {
        // MINIMAL's b= value starts at byte 22.
        assert_eq!(
            parse("v=1; a=rsa-sha256; b=; bh=REVG; d=example.com; h=from; s=sel"),
            Err(bad_value("b", 21, "empty value"))
        );
        assert_eq!(
            parse("v=1; a=rsa-sha256; b=QU*D; bh=REVG; d=example.com; h=from; s=sel"),
            Err(bad_value("b", 23, "invalid base64 character"))
        );
        assert_eq!(
            parse("v=1; a=rsa-sha256; b=QU\r\n J*; bh=REVG; d=example.com; h=from; s=sel"),
            Err(bad_value("b", 27, "invalid base64 character"))
        );
        assert!(matches!(
            replacing("bh", "bh=Q"),
            Err(SignatureError::BadValue { tag: "bh", .. })
        ));
        assert!(matches!(
            replacing("bh", "bh="),
            Err(SignatureError::BadValue {
                tag: "bh",
                reason: "empty value",
                ..
            })
        ));
        // Padding may be left out.
        assert_eq!(replacing("b", "b=QUJDQQ").unwrap().signature, b"ABCA");
        assert_eq!(replacing("b", "b=QUJDQQ==").unwrap().signature, b"ABCA");
        // Folded base64.
        assert_eq!(
            replacing("b", "b=QU\r\n\tJD\n Q Q==").unwrap().signature,
            b"ABCA"
        );
    }

    #[test]
    fn canonicalization_tag() {
        let c = |v: &str| {
            let sig = with(v).unwrap();
            (sig.header_canonicalization, sig.body_canonicalization)
        };
        use Canonicalization::{Relaxed, Simple};
        assert_eq!(c("c=simple/simple"), (Simple, Simple));
        assert_eq!(c("c=relaxed"), (Relaxed, Simple));
        assert_eq!(c("c=simple"), (Simple, Simple));
        assert_eq!(c("c=simple/relaxed"), (Simple, Relaxed));
        assert_eq!(c("c=RELAXED/Relaxed"), (Relaxed, Relaxed));
        let at = MINIMAL.len() + 4;
        assert_eq!(
            with("c=fancy"),
            Err(bad_value("c", at, "unknown canonicalization"))
        );
        assert_eq!(
            with("c=relaxed/fancy"),
            Err(bad_value("c", at + 8, "unknown canonicalization"))
        );
        assert_eq!(
            with("c="),
            Err(bad_value("c", at, "unknown canonicalization"))
        );
        assert_eq!(
            with("c=relaxed/"),
            Err(bad_value("c", at + 8, "unknown canonicalization"))
        );
        assert!(with("c=relaxed/relaxed/simple").is_err());
        assert!(with("c=relaxed /simple").is_err());
    }

    #[test]
    fn domain_and_selector() {
        let sig = replacing("d", "d=exam\r\n ple.COM").unwrap();
        assert_eq!(sig.domain, "example.COM");
        assert!(matches!(
            replacing("d", "d="),
            Err(SignatureError::BadValue {
                tag: "d",
                reason: "empty value",
                ..
            })
        ));
        assert_eq!(replacing("s", "s=my.sel").unwrap().selector, "my.sel");
        assert!(matches!(
            replacing("s", "s= "),
            Err(SignatureError::BadValue {
                tag: "s",
                reason: "empty value",
                ..
            })
        ));
        let raw = b"v=1; a=rsa-sha256; b=QUJD; bh=REVG; d=ex\xff.com; h=from; s=sel";
        assert_eq!(
            DkimSignature::parse(raw),
            Err(bad_value("d", 38, "not UTF-8"))
        );
        // RFC 8616: UTF-8 is fine.
        let sig = replacing("d", "d=b\u{fc}cher.example").unwrap();
        assert_eq!(sig.domain, "b\u{fc}cher.example");
    }

    #[test]
    fn signed_header_names() {
        let sig = replacing("h", "h= From\r\n :to: Subject ").unwrap();
        assert_eq!(sig.signed_headers, ["From", "to", "Subject"]);
        // `replacing` puts h= last: its value starts here.
        let base = MINIMAL.len() - "h=from; ".len() + "; h=".len();
        assert_eq!(
            replacing("h", "h=from::to"),
            Err(bad_value("h", base + 5, "empty field name"))
        );
        assert_eq!(
            replacing("h", "h=from:"),
            Err(bad_value("h", base + 5, "empty field name"))
        );
        assert_eq!(
            replacing("h", "h="),
            Err(bad_value("h", base, "empty field name"))
        );
        assert_eq!(
            replacing("h", "h=from:x y"),
            Err(bad_value(
                "h",
                base + 6,
                "invalid character in a field name"
            ))
        );
        assert!(matches!(
            replacing("h", "h=from:sub\u{e9}"),
            Err(SignatureError::BadValue {
                tag: "h",
                reason: "invalid character in a field name",
                ..
            })
        ));
    }

    #[test]
    fn from_must_be_signed() {
        assert_eq!(
            replacing("h", "h=to:subject"),
            Err(SignatureError::FromNotSigned)
        );
        assert_eq!(replacing("h", "h=FROM").unwrap().signed_headers, ["FROM"]);
        assert_eq!(
            replacing("h", "h=from-x:to"),
            Err(SignatureError::FromNotSigned)
        );
    }

    #[test]
    fn identity_tag() {
        assert_eq!(
            with("i=@example.com").unwrap().identity.as_deref(),
            Some("@example.com")
        );
        assert_eq!(
            with("i=j=6Fe@mail.Example.com.")
                .unwrap()
                .identity
                .as_deref(),
            Some("joe@mail.Example.com.")
        );
        assert_eq!(
            with("i=a=20b @ sub.example.com")
                .unwrap()
                .identity
                .as_deref(),
            Some("a b@sub.example.com")
        );
        assert_eq!(
            with("i=@EXAMPLE.COM").unwrap().identity_or_default(),
            "@EXAMPLE.COM"
        );
        assert_eq!(
            with("i=\"a@b\"@example.com").unwrap().identity.as_deref(),
            Some("\"a@b\"@example.com")
        );
        let at = MINIMAL.len() + 4;
        assert_eq!(with("i=joe"), Err(bad_value("i", at, "no '@'")));
        assert_eq!(with("i="), Err(bad_value("i", at, "no '@'")));
        assert_eq!(
            with("i=joe@"),
            Err(bad_value("i", at, "no domain after '@'"))
        );
        assert_eq!(
            with("i=jo=4"),
            Err(bad_value("i", at + 2, "'=' not followed by two hex digits"))
        );
        assert_eq!(
            with("i=j=FFe@example.com"),
            Err(bad_value("i", at, "not UTF-8"))
        );
        // RFC 8616: a UTF-8 local part.
        assert_eq!(
            with("i=jos\u{e9}@example.com").unwrap().identity.as_deref(),
            Some("jos\u{e9}@example.com")
        );
    }

    #[test]
    fn identity_must_be_within_the_domain() {
        for outside in [
            "i=@example.net",
            "i=joe@notexample.com",
            "i=joe@com",
            "i=joe@example.com.evil",
            "i=joe@.example.com",
        ] {
            assert_eq!(
                with(outside),
                Err(SignatureError::IdentityOutsideDomain),
                "{outside}"
            );
        }
        for inside in ["i=@example.com.", "i=@a.b.EXAMPLE.com", "i=x@Example.Com"] {
            assert!(with(inside).is_ok(), "{inside}");
        }
        let trailing_dot = MINIMAL.replace("d=example.com", "d=Example.com.");
        assert!(parse(&format!("{trailing_dot}; i=@sub.example.com")).is_ok());
        assert!(parse(&format!("{trailing_dot}; i=@example.com")).is_ok());
    }

    #[test]
    fn numbers() {
        let sig = with("l=123; t=1000; x=2000").unwrap();
        assert_eq!(sig.body_length, Some(123));
        assert_eq!(sig.timestamp, Some(1000));
        assert_eq!(sig.expiration, Some(2000));
        let big = "99999999999999999999999999999";
        let sig = with(&format!("l={big}; t={big}; x={big}")).unwrap();
        assert_eq!(sig.body_length, Some(u64::MAX));
        assert_eq!(sig.timestamp, Some(u64::MAX));
        assert_eq!(sig.expiration, Some(u64::MAX));
        let at = MINIMAL.len() + 4;
        assert_eq!(
            with("l=12a"),
            Err(bad_value("l", at + 2, "not a decimal digit"))
        );
        assert_eq!(with("l=-1"), Err(bad_value("l", at, "not a decimal digit")));
        assert_eq!(with("t="), Err(bad_value("t", at, "empty number")));
        assert_eq!(
            with("x=1 2"),
            Err(bad_value("x", at + 1, "not a decimal digit"))
        );
    }

    #[test]
    fn expiration_before_timestamp() {
        assert_eq!(
            with("t=2000; x=1999"),
            Err(SignatureError::ExpiresBeforeTimestamp)
        );
        assert!(with("t=2000; x=2000").is_ok());
        assert!(with("x=1").is_ok());
        assert!(with("t=1").is_ok());
    }

    #[test]
    fn query_methods() {
        assert!(with("q=dns/txt").is_ok());
        assert!(with("q=DNS/TXT").is_ok());
        assert!(with("q=foo/bar : dns/txt").is_ok());
        assert_eq!(with("q=http"), Err(SignatureError::QueryMethod));
        assert_eq!(with("q="), Err(SignatureError::QueryMethod));
        assert_eq!(with("q=dns"), Err(SignatureError::QueryMethod));
    }

    #[test]
    fn copied_headers() {
        // RFC 6376 §3.5's example.
        let sig = with(
            "z=From:foo@eng.example.net|To:joe@example.com|\r\n \
             Subject:demo=20run|Date:July=205,=202005=203:44:08=20PM=20-0700",
        )
        .unwrap();
        assert_eq!(
            sig.copied_headers,
            [
                "From:foo@eng.example.net",
                "To:joe@example.com",
                "Subject:demo run",
                "Date:July 5, 2005 3:44:08 PM -0700"
            ]
        );
        assert!(with("z=").unwrap().copied_headers.is_empty());
        assert_eq!(
            with("z=Subject:=FF").unwrap().copied_headers,
            ["Subject:\u{fffd}"]
        );
        assert!(matches!(
            with("z=Subject:=Fx"),
            Err(SignatureError::BadValue { tag: "z", .. })
        ));
    }

    #[test]
    fn unknown_tags_are_ignored_and_duplicates_rejected() {
        assert!(with("foo=bar baz; X_1=").is_ok());
        assert!(matches!(
            with("s=other"),
            Err(SignatureError::TagList(TagListError {
                reason: "duplicate tag",
                ..
            }))
        ));
        // A left-out ";" makes one tag of two (RFC 6376 §3.2): a= is
        // "rsa-sha256 b=QUJD", which is no algorithm.
        assert!(parse("v=1; a=rsa-sha256 b=QUJD").is_err());
    }

    #[test]
    fn signature_value_range_includes_surrounding_white_space() {
        let value = "v=1; a=rsa-sha256; b= QU\r\n JD \r\n ; bh=REVG; d=example.com; h=from; s=sel";
        let sig = ok(value);
        assert_eq!(
            &value[sig.signature_value_range.clone()],
            " QU\r\n JD \r\n "
        );
        let value = "v=1; a=rsa-sha256; bh=REVG; d=example.com; h=from; s=sel; b =QUJD \r\n";
        let sig = ok(value);
        assert_eq!(&value[sig.signature_value_range.clone()], "QUJD ");
    }

    #[test]
    fn salvaging_tags_from_broken_values() {
        let s = salvage(b"v=1; a=rsa-sha256 b=broken; d = exa\r\n mple.com ; s=sel;;");
        assert_eq!(s.domain, "example.com");
        assert_eq!(s.selector, "sel");
        assert_eq!(s.algorithm, "rsa-sha256b=broken");
        let s = salvage(b"garbage");
        assert_eq!(s, SalvagedTags::default());
        let s = salvage(b"d=; d=second; s=\xff");
        assert_eq!(s.domain, "second");
        assert_eq!(s.selector, "\u{fffd}");
        let s = salvage(RFC6376.as_bytes());
        assert_eq!(
            (s.domain.as_str(), s.selector.as_str(), s.algorithm.as_str()),
            ("example.com", "brisbane", "rsa-sha256")
        );
    }

    // --- property tests ---

    fn fws() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just(""),
            Just(""),
            Just(" "),
            Just("\t"),
            Just("\r\n "),
            Just("\n\t"),
            Just(" \r\n\t "),
        ]
    }

    /// The text in dkim-quoted-printable, as units that folding must not
    /// split: bytes not safe (and `|`, the z= separator) become `=XX`.
    fn qp_units(text: &str) -> Vec<String> {
        text.bytes()
            .map(|b| {
                if matches!(b, 0x21..=0x3A | 0x3C | 0x3E..=0x7B | 0x7D | 0x7E) {
                    char::from(b).to_string()
                } else {
                    format!("={b:02X}")
                }
            })
            .collect()
    }

    #[derive(Clone, Debug)]
    struct Generated {
        algorithm: SigningAlgorithm,
        algorithm_upper: bool,
        signature: Vec<u8>,
        body_hash: Vec<u8>,
        padded: bool,
        chunk: usize,
        canon: Option<(Canonicalization, Option<Canonicalization>)>,
        domain: String,
        headers: Vec<String>,
        identity: Option<(String, Option<String>)>,
        body_length: Option<u64>,
        query: bool,
        selector: String,
        timestamp: Option<u64>,
        expiration: Option<u64>,
        copied: Option<Vec<String>>,
        unknown: bool,
        order: Vec<usize>,
        seps: Vec<&'static str>,
    }

    fn canon() -> impl Strategy<Value = Canonicalization> {
        prop_oneof![
            Just(Canonicalization::Simple),
            Just(Canonicalization::Relaxed)
        ]
    }

    prop_compose! {
        fn generated()(
            algorithm in prop_oneof![
                Just(SigningAlgorithm::RsaSha256),
                Just(SigningAlgorithm::RsaSha1),
                Just(SigningAlgorithm::Ed25519Sha256),
            ],
            algorithm_upper in any::<bool>(),
            signature in proptest::collection::vec(any::<u8>(), 1..80),
            body_hash in proptest::collection::vec(any::<u8>(), 1..40),
            padded in any::<bool>(),
            chunk in 1usize..30,
            canon in proptest::option::of((canon(), proptest::option::of(canon()))),
            labels in proptest::collection::vec("[a-z0-9]{1,8}", 1..4),
            mut headers in proptest::collection::vec("[A-Za-z][A-Za-z0-9-]{0,10}", 0..5),
            from_at in any::<prop::sample::Index>(),
            identity in proptest::option::of(("[ -~]{0,8}", proptest::option::of("[a-z]{1,5}"))),
            body_length in proptest::option::of(any::<u64>()),
            query in any::<bool>(),
            selector in "[a-z0-9]{1,12}",
            timestamp in proptest::option::of(any::<u64>()),
            delta in proptest::option::of(any::<u64>()),
            copied in proptest::option::of(proptest::collection::vec("[ -~\u{e9}]{1,12}", 1..4)),
            unknown in any::<bool>(),
            order in Just((0..16).collect::<Vec<usize>>()).prop_shuffle(),
            seps in proptest::collection::vec(fws(), 64),
        ) -> Generated {
            let at = from_at.index(headers.len() + 1);
            headers.insert(at, "From".into());
            let expiration = match (timestamp, delta) {
                (Some(t), Some(d)) => Some(t.saturating_add(d)),
                (None, d) => d,
                (Some(_), None) => None,
            };
            Generated {
                algorithm, algorithm_upper, signature, body_hash, padded, chunk, canon,
                domain: labels.join("."), headers, identity, body_length, query, selector,
                timestamp, expiration, copied, unknown, order, seps,
            }
        }
    }

    impl Generated {
        fn render(&self) -> (String, String) {
            let mut n = 0;
            let mut sep = || {
                n += 1;
                self.seps[n % self.seps.len()]
            };
            let b64 = |bytes: &[u8]| {
                if self.padded {
                    STANDARD.encode(bytes)
                } else {
                    STANDARD_NO_PAD.encode(bytes)
                }
            };
            let signature_text = b64(&self.signature);
            let mut tags: Vec<(&str, String)> = Vec::new();
            let folded = |units: &[String], sep: &mut dyn FnMut() -> &'static str| {
                let mut out = String::new();
                for (i, unit) in units.iter().enumerate() {
                    if i > 0 && i % self.chunk == 0 {
                        out.push_str(sep());
                    }
                    out.push_str(unit);
                }
                out
            };
            let chars = |text: &str| text.chars().map(String::from).collect::<Vec<_>>();
            tags.push(("v", "1".into()));
            let a = self.algorithm.as_str();
            tags.push((
                "a",
                if self.algorithm_upper {
                    a.to_uppercase()
                } else {
                    a.into()
                },
            ));
            tags.push(("b", folded(&chars(&signature_text), &mut sep)));
            tags.push(("bh", folded(&chars(&b64(&self.body_hash)), &mut sep)));
            if let Some((h, b)) = self.canon {
                let name = |c: Canonicalization| match c {
                    Canonicalization::Simple => "simple",
                    Canonicalization::Relaxed => "relaxed",
                };
                let mut text = name(h).to_string();
                if let Some(b) = b {
                    text.push('/');
                    text.push_str(name(b));
                }
                tags.push(("c", text));
            }
            tags.push(("d", self.domain.clone()));
            let mut h = String::new();
            for (i, name) in self.headers.iter().enumerate() {
                if i > 0 {
                    h.push_str(sep());
                    h.push(':');
                    h.push_str(sep());
                }
                h.push_str(name);
            }
            tags.push(("h", h));
            if let Some(identity) = self.identity_text() {
                let (local, domain) = identity.rsplit_once('@').unwrap();
                tags.push((
                    "i",
                    format!("{}{}@{}", qp_units(local).concat(), sep(), domain),
                ));
            }
            if let Some(l) = self.body_length {
                tags.push(("l", l.to_string()));
            }
            if self.query {
                tags.push(("q", "dns/txt".into()));
            }
            tags.push(("s", self.selector.clone()));
            if let Some(t) = self.timestamp {
                tags.push(("t", t.to_string()));
            }
            if let Some(x) = self.expiration {
                tags.push(("x", x.to_string()));
            }
            if let Some(copied) = &self.copied {
                let mut z = String::new();
                for (i, c) in copied.iter().enumerate() {
                    if i > 0 {
                        z.push('|');
                        z.push_str(sep());
                    }
                    z.push_str(&folded(&qp_units(c), &mut sep));
                }
                tags.push(("z", z));
            }
            if self.unknown {
                tags.push(("zz_9", "some thing".into()));
            }
            let mut ordered: Vec<&(&str, String)> = Vec::new();
            for &i in &self.order {
                if let Some(t) = tags.get(i) {
                    ordered.push(t);
                }
            }
            for t in tags.iter().skip(self.order.len()) {
                ordered.push(t);
            }
            let mut out = String::new();
            for (i, (name, value)) in ordered.iter().enumerate() {
                if i > 0 {
                    out.push(';');
                }
                out.push_str(sep());
                out.push_str(name);
                out.push_str(sep());
                out.push('=');
                out.push_str(sep());
                out.push_str(value);
                out.push_str(sep());
            }
            if self.padded {
                out.push(';');
            }
            (out, signature_text)
        }

        fn identity_text(&self) -> Option<String> {
            self.identity.as_ref().map(|(local, sub)| match sub {
                Some(sub) => format!("{local}@{sub}.{}", self.domain),
                None => format!("{local}@{}", self.domain),
            })
        }
    }

    proptest! {
        #[test]
        fn never_panics(input in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = salvage(&input);
            if let Ok(sig) = DkimSignature::parse(&input) {
                // Nothing in the output is bigger than the input.
                let text: usize = sig.signed_headers.iter().map(String::len).sum::<usize>()
                    + sig.copied_headers.iter().map(String::len).sum::<usize>();
                prop_assert!(text <= input.len());
                prop_assert!(sig.signature.len() + sig.body_hash.len() <= input.len());
                prop_assert!(sig.signed_headers.len() <= input.len() / 2);
            }
        }

        #[test]
        fn never_panics_on_near_signatures(
            pieces in proptest::collection::vec(prop_oneof![
                Just("v=1"), Just("a=rsa-sha256"), Just("b=QUJD"), Just("bh=REVG"),
                Just("d=example.com"), Just("h=from"), Just("s=sel"), Just(";"), Just(" "),
                Just("\r\n "), Just("="), Just("i=@x"), Just("z=a|b"), Just("t=1"), Just("x=0"),
                Just(":"), Just("@"), Just("=4"), Just("\u{e9}"),
            ], 0..30),
        ) {
            let value = pieces.concat();
            let _ = DkimSignature::parse(value.as_bytes());
            let _ = salvage(value.as_bytes());
        }

        #[test]
        fn generated_signatures_parse_back(g in generated()) {
            let (value, signature_text) = g.render();
            let sig = DkimSignature::parse(value.as_bytes());
            prop_assert!(sig.is_ok(), "{:?} for {:?}", sig, value);
            let sig = sig.unwrap();
            prop_assert_eq!(sig.algorithm, g.algorithm);
            prop_assert_eq!(&sig.signature, &g.signature);
            prop_assert_eq!(&sig.body_hash, &g.body_hash);
            let (h, b) = match g.canon {
                None => (Canonicalization::Simple, Canonicalization::Simple),
                Some((h, b)) => (h, b.unwrap_or(Canonicalization::Simple)),
            };
            prop_assert_eq!(sig.header_canonicalization, h);
            prop_assert_eq!(sig.body_canonicalization, b);
            prop_assert_eq!(&sig.domain, &g.domain);
            prop_assert_eq!(&sig.signed_headers, &g.headers);
            prop_assert_eq!(sig.identity.clone(), g.identity_text());
            prop_assert_eq!(sig.body_length, g.body_length);
            prop_assert_eq!(&sig.selector, &g.selector);
            prop_assert_eq!(sig.timestamp, g.timestamp);
            prop_assert_eq!(sig.expiration, g.expiration);
            prop_assert_eq!(&sig.copied_headers, &g.copied.clone().unwrap_or_default());
            let range_text = &value.as_bytes()[sig.signature_value_range.clone()];
            prop_assert_eq!(strip_fws(range_text), signature_text.into_bytes());
            prop_assert!(value.as_bytes()[..sig.signature_value_range.start].ends_with(b"="));
            let after = &value.as_bytes()[sig.signature_value_range.end..];
            prop_assert!(after.is_empty() || after.starts_with(b";"));
        }
    }
}
