//! The verdict on one DKIM signature, in RFC 8601's words, with the reason.

use alloc::string::String;
use core::fmt;

use super::crypto::KeyError;
use super::key_record::KeyRecordError;
use super::signature::SignatureError;

/// The result of verifying one signature (RFC 8601 §2.7.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DkimResult {
    /// The signature and the body hash verified.
    Pass,
    /// The signature or the body hash did not verify.
    Fail,
    /// The signature could not be processed: a syntax error, a required tag
    /// missing, `i=` outside `d=`, From not signed, an unknown algorithm.
    Neutral,
    /// The signature is not acceptable to local policy (rsa-sha1, a short
    /// RSA key, an expired `x=`, `l=` leaving content unsigned, a repeated
    /// From, past the cap on signatures evaluated).
    Policy,
    /// The key could not be fetched for now (a DNS timeout or server failure).
    TempError,
    /// The key record is absent, revoked, malformed, of the wrong type, or
    /// not for e-mail.
    PermError,
}

impl DkimResult {
    /// The lowercase word of RFC 8601.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Neutral => "neutral",
            Self::Policy => "policy",
            Self::TempError => "temperror",
            Self::PermError => "permerror",
        }
    }
}

impl fmt::Display for DkimResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a signature got its result.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DkimReason {
    /// Everything verified.
    Verified,
    /// The body hash (`bh=`) does not match the body.
    BodyHashMismatch,
    /// The signature (`b=`) does not verify with the key.
    SignatureMismatch,
    /// `l=` is larger than the canonicalized body.
    BodyLengthBeyondBody {
        /// The `l=` value.
        length: u64,
        /// The canonicalized body's length.
        body: u64,
    },
    /// The field value could not be parsed or broke a rule of §6.1.1.
    Malformed(SignatureError),
    /// `s=` and `d=` do not make a valid DNS name.
    BadKeyName,
    /// The key record lookup failed temporarily.
    KeyLookupFailed,
    /// The caller never provided the key record answers.
    KeyNotLookedUp,
    /// No key record at the name (NXDOMAIN, NODATA, or no TXT record).
    NoKeyRecord,
    /// The key record does not parse.
    KeyRecordMalformed(KeyRecordError),
    /// The key record's `p=` is empty.
    KeyRevoked,
    /// The key record's `k=` is not the signature's key type.
    KeyTypeMismatch {
        /// The key record's `k=`.
        key_type: String,
    },
    /// The key record's `s=` does not include e-mail.
    KeyNotForEmail,
    /// The key record's `h=` does not allow the signature's hash.
    KeyHashNotAllowed,
    /// The key record has `t=s` and `i=` is in a subdomain of `d=`.
    KeyStrictSubdomain,
    /// The public key in `p=` does not load.
    KeyMalformed(KeyError),
    /// rsa-sha1, refused unless the caller opts in (RFC 8301).
    Sha1Refused,
    /// An RSA key under the accepted minimum (never less than 1024 bits).
    KeyTooSmall {
        /// The key's size.
        bits: usize,
    },
    /// `x=` has passed.
    Expired {
        /// The `x=` value.
        expiration: u64,
    },
    /// `t=` is in the future.
    FutureTimestamp {
        /// The `t=` value.
        timestamp: u64,
    },
    /// `l=` leaves body content unsigned.
    PartialBody {
        /// Bytes of canonicalized body after the signed part.
        unsigned: u64,
    },
    /// A field RFC 5322 allows once, and `h=` signs, occurs more than once.
    RepeatedField {
        /// The field's name as `h=` writes it.
        name: String,
        /// How many instances the header has.
        count: usize,
    },
    /// The signature is past the cap on signatures evaluated per message.
    PastCap {
        /// The cap.
        cap: usize,
    },
}

impl DkimReason {
    /// The result this reason gives.
    pub fn result(&self) -> DkimResult {
        match self {
            Self::Verified => DkimResult::Pass,
            Self::BodyHashMismatch
            | Self::SignatureMismatch
            | Self::BodyLengthBeyondBody { .. } => DkimResult::Fail,
            Self::Malformed(_) | Self::BadKeyName => DkimResult::Neutral,
            Self::KeyLookupFailed | Self::KeyNotLookedUp => DkimResult::TempError,
            Self::NoKeyRecord
            | Self::KeyRecordMalformed(_)
            | Self::KeyRevoked
            | Self::KeyTypeMismatch { .. }
            | Self::KeyNotForEmail
            | Self::KeyHashNotAllowed
            | Self::KeyStrictSubdomain
            | Self::KeyMalformed(_) => DkimResult::PermError,
            Self::Sha1Refused
            | Self::KeyTooSmall { .. }
            | Self::Expired { .. }
            | Self::FutureTimestamp { .. }
            | Self::PartialBody { .. }
            | Self::RepeatedField { .. }
            | Self::PastCap { .. } => DkimResult::Policy,
        }
    }
}

impl fmt::Display for DkimReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verified => f.write_str("signature and body hash verified"),
            Self::BodyHashMismatch => f.write_str("body hash did not verify"),
            Self::SignatureMismatch => f.write_str("signature did not verify"),
            Self::BodyLengthBeyondBody { length, body } => write!(
                f,
                "l={length} is longer than the canonicalized body ({body} bytes)"
            ),
            Self::Malformed(e) => write!(f, "malformed signature: {e}"),
            Self::BadKeyName => f.write_str("s= and d= do not form a valid DNS name"),
            Self::KeyLookupFailed => f.write_str("key record lookup failed temporarily"),
            Self::KeyNotLookedUp => f.write_str("key record was not looked up"),
            Self::NoKeyRecord => f.write_str("no key record"),
            Self::KeyRecordMalformed(e) => write!(f, "malformed key record: {e}"),
            Self::KeyRevoked => f.write_str("key revoked (empty p=)"),
            Self::KeyTypeMismatch { key_type } => write!(
                f,
                "key record k={key_type} does not match the signature algorithm"
            ),
            Self::KeyNotForEmail => f.write_str("key record s= does not allow e-mail"),
            Self::KeyHashNotAllowed => {
                f.write_str("key record h= does not allow the signature's hash")
            }
            Self::KeyStrictSubdomain => {
                f.write_str("key record t=s forbids an i= in a subdomain of d=")
            }
            Self::KeyMalformed(e) => write!(f, "public key: {e}"),
            Self::Sha1Refused => f.write_str("rsa-sha1 is not accepted (RFC 8301)"),
            Self::KeyTooSmall { bits } => write!(f, "RSA key of {bits} bits is too small"),
            Self::Expired { expiration } => write!(f, "signature expired (x={expiration})"),
            Self::FutureTimestamp { timestamp } => {
                write!(f, "signature timestamp t={timestamp} is in the future")
            }
            Self::PartialBody { unsigned } => {
                write!(f, "l= leaves {unsigned} bytes of the body unsigned")
            }
            Self::RepeatedField { name, count } => write!(
                f,
                "the message has {count} {name} fields and h= signs one (RFC 6376 §8.15)"
            ),
            Self::PastCap { cap } => write!(
                f,
                "not evaluated: past the cap of {cap} signatures per message"
            ),
        }
    }
}

/// The outcome for one DKIM-Signature field.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DkimOutcome {
    /// The result word.
    pub result: DkimResult,
    /// Why.
    pub reason: DkimReason,
    /// `d=` as written; empty when it could not be read.
    pub domain: String,
    /// `s=` as written; empty when it could not be read.
    pub selector: String,
    /// `a=` as written; empty when it could not be read.
    pub algorithm: String,
    /// `i=`, or its default `@` + `d=`; empty when it could not be read.
    pub identity: String,
    /// The `b=` value (base64, white space removed); empty when unread.
    pub signature_b64: String,
    /// The key record's `t=y`: the signer is testing DKIM (RFC 6376 §3.6.1).
    pub testing: bool,
    /// The key's size in bits, when the key was loaded.
    pub key_bits: Option<usize>,
    /// Where the DKIM-Signature field starts in the message.
    pub field_offset: usize,
}

impl DkimOutcome {
    /// The `dkim=` result of an Authentication-Results field (RFC 8601,
    /// with the `header.d`, `header.i`, `header.s` and `header.b` properties
    /// of RFC 6008 and RFC 8601 §2.7.1), e.g.
    /// `dkim=pass header.d=example.com header.i=@example.com header.s=sel header.b="YkL8/+Vb"`.
    pub fn authentication_result(&self) -> String {
        let mut out = String::from("dkim=");
        out.push_str(self.result.as_str());
        if self.result != DkimResult::Pass {
            out.push_str(" (");
            push_comment(&mut out, &alloc::format!("{}", self.reason));
            out.push(')');
        }
        for (property, value) in [
            ("header.d", self.domain.as_str()),
            ("header.i", self.identity.as_str()),
            ("header.s", self.selector.as_str()),
        ] {
            if !value.is_empty() {
                out.push(' ');
                out.push_str(property);
                out.push('=');
                push_value(&mut out, value, property == "header.i");
            }
        }
        if !self.signature_b64.is_empty() {
            // RFC 6008: enough of b= to tell signatures apart; eight
            // characters is what it suggests.
            let prefix: String = self.signature_b64.chars().take(8).collect();
            out.push_str(" header.b=");
            push_value(&mut out, &prefix, false);
        }
        out
    }
}

/// Writes text into an RFC 5322 comment, escaping what would end it.
fn push_comment(out: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(c, '(' | ')' | '\\') {
            out.push('\\');
        }
        if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
}

/// Writes a property value: a token when it is one (RFC 2045), an address
/// form `local@domain` as is where allowed, else a quoted string.
fn push_value(out: &mut String, value: &str, address_form: bool) {
    let token_char = |c: char| c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?=".contains(c);
    let plain = if address_form {
        match value.rsplit_once('@') {
            Some((local, domain)) => {
                local.chars().all(|c| token_char(c) || c == '.')
                    && !domain.is_empty()
                    && domain.chars().all(token_char)
            }
            None => value.chars().all(token_char),
        }
    } else {
        !value.is_empty() && value.chars().all(token_char)
    };
    if plain {
        out.push_str(value);
        return;
    }
    out.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        if !c.is_control() {
            out.push(c);
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(reason: DkimReason) -> DkimOutcome {
        DkimOutcome {
            result: reason.result(),
            reason,
            domain: "example.com".into(),
            selector: "sel".into(),
            algorithm: "rsa-sha256".into(),
            identity: "@example.com".into(),
            signature_b64: "YkL8/+Vb0123".into(),
            testing: false,
            key_bits: Some(2048),
            field_offset: 0,
        }
    }

    #[test]
    fn authentication_result_text() {
        assert_eq!(
            outcome(DkimReason::Verified).authentication_result(),
            "dkim=pass header.d=example.com header.i=@example.com header.s=sel header.b=\"YkL8/+Vb\""
        );
        assert_eq!(
            outcome(DkimReason::KeyRevoked).authentication_result(),
            "dkim=permerror (key revoked \\(empty p=\\)) header.d=example.com header.i=@example.com header.s=sel header.b=\"YkL8/+Vb\""
        );
    }

    #[test]
    fn every_reason_maps_to_the_contract_word() {
        assert_eq!(DkimReason::SignatureMismatch.result().as_str(), "fail");
        assert_eq!(DkimReason::KeyLookupFailed.result().as_str(), "temperror");
        assert_eq!(DkimReason::KeyNotForEmail.result().as_str(), "permerror");
        assert_eq!(DkimReason::BadKeyName.result().as_str(), "neutral");
        assert_eq!(DkimReason::PastCap { cap: 1 }.result().as_str(), "policy");
    }
}
