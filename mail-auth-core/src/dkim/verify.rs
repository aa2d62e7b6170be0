//! DKIM verification as a sans-IO state machine (RFC 6376 §6).
//!
//! 1. [`DkimVerifier::new`] takes the header block: it parses every
//!    DKIM-Signature field, applies the checks that need no key, computes each
//!    signature's header hash input and sets up one body hasher per
//!    (canonicalization, hash, `l=`) in use.
//! 2. As a [`DnsMachine`], it asks for all key records in one batch
//!    (`selector._domainkey.domain` TXT) and takes the answers.
//! 3. [`DkimVerifier::body`] takes the body in chunks of any size, at any
//!    time after step 1 (before, during or after the DNS step); memory stays
//!    bounded by the header block.
//! 4. [`DkimVerifier::finish`] gives one [`DkimOutcome`] per DKIM-Signature
//!    field, in header order.
//!
//! [`verify_message`] and [`verify_message_async`] do it all for a message
//! in memory.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

use mailsec_dns::{
    Answer, AsyncResolver, DnsMachine, Name, Outcome, ProvideError, Query, Resolver, Step,
};
use mailsec_message::{HeaderBlock, HeaderField, Limits, MessageError};

use super::body_hash::BodyHashes;
use super::canonicalization::canonicalize_header;
use super::crypto::{CryptoProvider, KeyType, RustCrypto, VerifyingKey};
use super::header_selection::{
    append_selected, field_without_line_ending, repeated_single_field, select,
};
use super::key_record::KeyRecord;
use super::result::{DkimOutcome, DkimReason};
use super::signature::{DkimSignature, SigningAlgorithm, salvage};

/// The verifier's policy. [`VerifyConfig::new`] gives the safe defaults.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifyConfig<'p> {
    /// The crypto backend. Default: [`RustCrypto`].
    pub provider: &'p dyn CryptoProvider,
    /// The current time, seconds since the Unix epoch (the caller's clock).
    pub now: u64,
    /// Clock skew tolerated for `x=` and `t=`, in seconds. Default 300.
    pub clock_skew: u64,
    /// Verify rsa-sha1 signatures (RFC 8301 says not to). Default `false`:
    /// they get `policy`.
    pub allow_sha1: bool,
    /// The smallest RSA key accepted, in bits. Default 1024, and values below
    /// 1024 are treated as 1024 (RFC 8301 §3.2: keys under 1024 bits must
    /// not pass).
    pub min_rsa_bits: usize,
    /// Accept a signature whose `l=` leaves part of the body unsigned.
    /// Default `false` (RFC 6376 §8.2: an attacker can append content): such
    /// a signature gets `policy` even when it verifies.
    pub allow_partial_body: bool,
    /// Signatures evaluated per message; those past the cap get `policy`
    /// (they are reported, not dropped). Default 8.
    pub max_signatures: usize,
    /// Header block limits.
    pub limits: Limits,
}

impl VerifyConfig<'static> {
    /// The defaults at time `now` (seconds since the Unix epoch).
    pub fn new(now: u64) -> Self {
        VerifyConfig {
            provider: &RustCrypto,
            now,
            clock_skew: 300,
            allow_sha1: false,
            min_rsa_bits: 1024,
            allow_partial_body: false,
            max_signatures: 8,
            limits: Limits::default(),
        }
    }
}

impl<'p> VerifyConfig<'p> {
    /// The same policy with another crypto backend.
    pub fn with_provider<'q>(self, provider: &'q dyn CryptoProvider) -> VerifyConfig<'q> {
        VerifyConfig {
            provider,
            now: self.now,
            clock_skew: self.clock_skew,
            allow_sha1: self.allow_sha1,
            min_rsa_bits: self.min_rsa_bits,
            allow_partial_body: self.allow_partial_body,
            max_signatures: self.max_signatures,
            limits: self.limits,
        }
    }
}

/// A signature still waiting for its key and body hash.
#[derive(Debug)]
struct Pending {
    signature: DkimSignature,
    /// The canonicalized header data the signature covers (§3.7).
    header_data: Vec<u8>,
    /// Index into the body hashes.
    body_hash: usize,
    /// Index into the key queries.
    query: usize,
    /// Set once the key record answer came.
    key: Option<LoadedKey>,
}

#[derive(Debug)]
enum State {
    Decided(DkimReason),
    Pending(Box<Pending>),
}

#[derive(Debug)]
struct Entry {
    outcome: DkimOutcome,
    state: State,
}

/// Verifies the DKIM signatures of one message. See the [module](crate::dkim) docs.
#[derive(Debug)]
pub struct DkimVerifier<'p> {
    config: VerifyConfig<'p>,
    entries: Vec<Entry>,
    queries: Vec<Query>,
    answered: bool,
    body: BodyHashes<'p>,
}

impl<'p> DkimVerifier<'p> {
    /// Starts verifying a message from its header section: the bytes up to
    /// and including the empty line that ends it (see
    /// [`mailsec_message::find_body_offset`]). Bytes after the end of the
    /// header section are taken as the start of the body. LF and CRLF line
    /// endings are both accepted.
    ///
    /// Fails only when the header block exceeds `config.limits`.
    pub fn new(config: VerifyConfig<'p>, header: &[u8]) -> Result<Self, MessageError> {
        let block = HeaderBlock::parse(header, &config.limits)?;
        let mut verifier = DkimVerifier {
            body: BodyHashes::new(config.provider),
            config,
            entries: Vec::new(),
            queries: Vec::new(),
            answered: false,
        };
        let fields = block.fields();
        let mut index = 0usize;
        for field in fields.iter().filter(|f| f.is("dkim-signature")) {
            let entry = verifier.start_entry(fields, field, index);
            verifier.entries.push(entry);
            index = index.saturating_add(1);
        }
        verifier.answered = verifier.queries.is_empty();
        if let Some(rest) = header.get(block.body_offset()..) {
            verifier.body(rest);
        }
        Ok(verifier)
    }

    fn start_entry(
        &mut self,
        fields: &[HeaderField<'_>],
        field: &HeaderField<'_>,
        index: usize,
    ) -> Entry {
        let value = field.value();
        let salvaged = salvage(value);
        let mut outcome = DkimOutcome {
            result: super::result::DkimResult::Neutral,
            reason: DkimReason::Verified,
            domain: salvaged.domain,
            selector: salvaged.selector,
            algorithm: salvaged.algorithm,
            identity: String::new(),
            signature_b64: String::new(),
            testing: false,
            key_bits: None,
            field_offset: field.offset(),
        };
        let state = match self.prepare(fields, field, index, &mut outcome) {
            Ok(pending) => State::Pending(Box::new(pending)),
            Err(reason) => State::Decided(reason),
        };
        Entry { outcome, state }
    }

    /// The checks that need no key, and the header hash input.
    fn prepare(
        &mut self,
        fields: &[HeaderField<'_>],
        field: &HeaderField<'_>,
        index: usize,
        outcome: &mut DkimOutcome,
    ) -> Result<Pending, DkimReason> {
        if index >= self.config.max_signatures {
            return Err(DkimReason::PastCap {
                cap: self.config.max_signatures,
            });
        }
        let value = field.value();
        let signature = DkimSignature::parse(value).map_err(DkimReason::Malformed)?;
        outcome.domain.clone_from(&signature.domain);
        outcome.selector.clone_from(&signature.selector);
        outcome.algorithm = signature.algorithm.as_str().to_string();
        outcome.identity = signature.identity_or_default();
        outcome.signature_b64 = value
            .get(signature.signature_value_range.clone())
            .unwrap_or_default()
            .iter()
            .filter(|b| !b.is_ascii_whitespace())
            .map(|&b| char::from(b))
            .collect();

        if signature.algorithm == SigningAlgorithm::RsaSha1 && !self.config.allow_sha1 {
            return Err(DkimReason::Sha1Refused);
        }
        let now = self.config.now;
        let skew = self.config.clock_skew;
        if let Some(expiration) = signature.expiration
            && expiration.saturating_add(skew) < now
        {
            return Err(DkimReason::Expired { expiration });
        }
        if let Some(timestamp) = signature.timestamp
            && timestamp > now.saturating_add(skew)
        {
            return Err(DkimReason::FutureTimestamp { timestamp });
        }
        if let Some((name, count)) = repeated_single_field(fields, &signature.signed_headers) {
            return Err(DkimReason::RepeatedField {
                name: name.to_string(),
                count,
            });
        }

        let key_name = Name::new(&alloc::format!(
            "{}._domainkey.{}",
            signature.selector,
            signature.domain
        ))
        .map_err(|_| DkimReason::BadKeyName)?;

        // The header hash input: the signed fields, then this field with
        // its b= value removed and no final CRLF (§3.7).
        let c = signature.header_canonicalization;
        let mut header_data = Vec::new();
        append_selected(
            c,
            &select(fields, &signature.signed_headers),
            &mut header_data,
        );
        let raw = field_without_line_ending(field);
        let value_start = field.value_range().start.saturating_sub(field.offset());
        let b_start = value_start.saturating_add(signature.signature_value_range.start);
        let b_end = value_start.saturating_add(signature.signature_value_range.end);
        let mut without_b = Vec::with_capacity(raw.len());
        without_b.extend_from_slice(raw.get(..b_start).unwrap_or(raw));
        without_b.extend_from_slice(raw.get(b_end..).unwrap_or_default());
        canonicalize_header(c, &without_b, &mut header_data);

        let body_hash = self
            .body
            .add(
                signature.body_canonicalization,
                signature.algorithm.hash(),
                signature.body_length,
            )
            // Only a caller that raised `max_signatures` far past the
            // default can run out of body hashes; those signatures are past
            // the cap too.
            .ok_or(DkimReason::PastCap {
                cap: self.config.max_signatures,
            })?;
        let query = Query::txt(key_name);
        let query = match self.queries.iter().position(|q| *q == query) {
            Some(i) => i,
            None => {
                self.queries.push(query);
                self.queries.len().saturating_sub(1)
            }
        };
        Ok(Pending {
            signature,
            header_data,
            body_hash,
            query,
            key: None,
        })
    }

    /// Feeds the next chunk of the body (after the header section).
    pub fn body(&mut self, chunk: &[u8]) {
        if !chunk.is_empty() {
            self.body.update(chunk);
        }
    }

    /// Ends the message: one outcome per DKIM-Signature field, in header
    /// order. Signatures whose key records were never provided get
    /// `temperror`.
    pub fn finish(self) -> Vec<DkimOutcome> {
        let hashes = self.body.finish();
        let config = &self.config;
        self.entries
            .into_iter()
            .map(|entry| {
                let mut outcome = entry.outcome;
                let reason = match entry.state {
                    State::Decided(reason) => reason,
                    State::Pending(pending) => {
                        let body = hashes.get(pending.body_hash);
                        check(config, &pending, body)
                    }
                };
                outcome.result = reason.result();
                outcome.reason = reason;
                outcome
            })
            .collect()
    }

    fn take_answers(&mut self, answers: &[Answer]) {
        let provider = self.config.provider;
        let min_bits = self.config.min_rsa_bits.max(1024);
        for entry in &mut self.entries {
            let State::Pending(pending) = &mut entry.state else {
                continue;
            };
            let Some(answer) = answers.get(pending.query) else {
                continue;
            };
            let loaded = load_key(provider, &pending.signature, answer, min_bits);
            if let Ok((key, testing)) = &loaded {
                entry.outcome.key_bits = Some(key.bits());
                entry.outcome.testing = *testing;
            }
            pending.key = Some(loaded);
        }
    }
}

/// A loaded key and its record's `t=y`, or why there is none.
type LoadedKey = Result<(Arc<dyn VerifyingKey>, bool), DkimReason>;

/// The key record answer → a usable key (and the record's `t=y`), or why not.
fn load_key(
    provider: &dyn CryptoProvider,
    signature: &DkimSignature,
    answer: &Answer,
    min_rsa_bits: usize,
) -> LoadedKey {
    match &answer.outcome {
        Outcome::Failed(_) => return Err(DkimReason::KeyLookupFailed),
        Outcome::NxDomain | Outcome::NoData => return Err(DkimReason::NoKeyRecord),
        Outcome::Records(_) => {}
    }
    // Several TXT records: the first one that parses as a key record
    // (RFC 6376 §6.1.2 leaves the choice to the verifier).
    let mut first_error = None;
    let mut record = None;
    for txt in answer.txt() {
        match KeyRecord::parse(&txt.joined()) {
            Ok(parsed) => {
                record = Some(parsed);
                break;
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let record = match (record, first_error) {
        (Some(record), _) => record,
        (None, Some(e)) => return Err(DkimReason::KeyRecordMalformed(e)),
        (None, None) => return Err(DkimReason::NoKeyRecord),
    };
    if record.is_revoked() {
        return Err(DkimReason::KeyRevoked);
    }
    let key_type = signature.algorithm.key_type();
    let matches = match key_type {
        KeyType::Rsa => record.key_type == "rsa",
        KeyType::Ed25519 => record.key_type == "ed25519",
    };
    if !matches {
        return Err(DkimReason::KeyTypeMismatch {
            key_type: record.key_type.clone(),
        });
    }
    if !record.allows_email() {
        return Err(DkimReason::KeyNotForEmail);
    }
    if !record.allows_hash(signature.algorithm.hash()) {
        return Err(DkimReason::KeyHashNotAllowed);
    }
    if record.strict && identity_is_subdomain(signature) {
        return Err(DkimReason::KeyStrictSubdomain);
    }
    let key = provider
        .verifying_key(key_type, &record.public_key)
        .map_err(DkimReason::KeyMalformed)?;
    if key_type == KeyType::Rsa && key.bits() < min_rsa_bits {
        return Err(DkimReason::KeyTooSmall { bits: key.bits() });
    }
    Ok((key, record.testing))
}

/// Whether `i=`'s domain is a proper subdomain of `d=` (for `t=s`).
fn identity_is_subdomain(signature: &DkimSignature) -> bool {
    let Some(identity) = &signature.identity else {
        return false;
    };
    let domain = identity.rsplit_once('@').map_or("", |(_, d)| d);
    let trim = |s: &str| s.trim_end_matches('.').to_ascii_lowercase();
    trim(domain) != trim(&signature.domain)
}

/// The body hash, then the signature, then the policy that needs the body.
fn check(
    config: &VerifyConfig<'_>,
    pending: &Pending,
    body: Option<&super::body_hash::BodyHash>,
) -> DkimReason {
    let key = match &pending.key {
        None => return DkimReason::KeyNotLookedUp,
        Some(Err(reason)) => return reason.clone(),
        Some(Ok((key, _))) => key,
    };
    let Some(body) = body else {
        return DkimReason::BodyHashMismatch;
    };
    let signature = &pending.signature;
    if let Some(length) = signature.body_length
        && length > body.canonical_length
    {
        return DkimReason::BodyLengthBeyondBody {
            length,
            body: body.canonical_length,
        };
    }
    if body.digest != signature.body_hash {
        return DkimReason::BodyHashMismatch;
    }
    if key
        .verify(
            signature.algorithm.hash(),
            &pending.header_data,
            &signature.signature,
        )
        .is_err()
    {
        return DkimReason::SignatureMismatch;
    }
    if let Some(length) = signature.body_length
        && length < body.canonical_length
        && !config.allow_partial_body
    {
        return DkimReason::PartialBody {
            unsigned: body.canonical_length.saturating_sub(length),
        };
    }
    DkimReason::Verified
}

impl DnsMachine for DkimVerifier<'_> {
    type Output = ();

    fn poll(&mut self) -> Step<'_, ()> {
        if self.answered {
            Step::Done(())
        } else {
            Step::NeedDns(&self.queries)
        }
    }

    fn provide(&mut self, answers: Vec<Answer>) -> Result<(), ProvideError> {
        if self.answered {
            return Err(ProvideError::NotWaiting);
        }
        if answers.len() != self.queries.len() {
            return Err(ProvideError::AnswerCount {
                expected: self.queries.len(),
                got: answers.len(),
            });
        }
        self.take_answers(&answers);
        self.answered = true;
        Ok(())
    }
}

/// Verifies every DKIM signature of a whole message in memory with a
/// blocking resolver.
pub fn verify_message<R: Resolver + ?Sized>(
    config: VerifyConfig<'_>,
    message: &[u8],
    resolver: &R,
) -> Result<Vec<DkimOutcome>, MessageError> {
    let (header, body) = split(message);
    let mut verifier = DkimVerifier::new(config, header)?;
    // A machine that asked once and got its answers cannot fail to take
    // them; an error here would be a resolver bug, which leaves the
    // signatures at temperror (key not looked up).
    let _ = mailsec_dns::drive(&mut verifier, resolver);
    verifier.body(body);
    Ok(verifier.finish())
}

/// Like [`verify_message`], with an asynchronous resolver (the key
/// queries of one message are resolved concurrently).
pub async fn verify_message_async<R: AsyncResolver + ?Sized>(
    config: VerifyConfig<'_>,
    message: &[u8],
    resolver: &R,
) -> Result<Vec<DkimOutcome>, MessageError> {
    let (header, body) = split(message);
    let mut verifier = DkimVerifier::new(config, header)?;
    let _ = mailsec_dns::drive_async(&mut verifier, resolver).await;
    verifier.body(body);
    Ok(verifier.finish())
}

/// The header section (through the empty line) and the rest.
fn split(message: &[u8]) -> (&[u8], &[u8]) {
    let at = mailsec_message::find_body_offset(message).unwrap_or(message.len());
    message.split_at_checked(at).unwrap_or((message, &[]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use mailsec_dns::MemoryResolver;

    #[test]
    fn signatures_that_need_more_body_hashes_than_the_cap_are_past_it() {
        // 40 signatures, each with its own l=: 40 body hashes wanted, 32 kept.
        let mut message = String::new();
        for l in 0..40 {
            message.push_str(&format!(
                "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AAAA; b=AAAA; l={l}\r\n"
            ));
        }
        message.push_str("From: a@example.com\r\n\r\nbody\r\n");
        let mut config = VerifyConfig::new(1_700_000_000);
        config.max_signatures = 100;
        let out = verify_message(config, message.as_bytes(), &MemoryResolver::new()).unwrap();
        assert_eq!(out.len(), 40);
        for (i, o) in out.iter().enumerate() {
            if i < 32 {
                assert!(
                    matches!(o.reason, DkimReason::NoKeyRecord),
                    "{i}: {}",
                    o.reason
                );
            } else {
                assert!(
                    matches!(o.reason, DkimReason::PastCap { cap: 100 }),
                    "{i}: {}",
                    o.reason
                );
            }
        }
    }
}
