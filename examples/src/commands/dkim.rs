//! `mailsec dkim verify|sign|keygen`.
//!
//! `verify` and `sign` stream the message: the header section is buffered
//! (it is bounded), the body goes through the library in 64 KiB chunks, so
//! memory does not grow with the body. `sign` must print the signature
//! before the body it covers, so it holds the body in memory up to 8 MiB and
//! spools the rest to a temporary file.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use mail_auth_core::dkim::crypto::{CryptoProvider, KeyType, RustCrypto};
use mail_auth_core::dkim::{
    Canonicalization, DkimOutcome, DkimSigner, DkimVerifier, VerifyConfig, dns_record,
    generate_ed25519, generate_rsa, signing_key_from_pem,
};
use serde_json::{Value, json};

use crate::cli::{DnsFlag, NowFlag};
use mailsec_dns::MemoryResolver;

use crate::support::{Failure, now, print_json, resolver};

/// Chunk size for streaming.
const CHUNK: usize = 64 << 10;
/// The largest header section read before giving up on finding its end.
const MAX_HEADER: usize = 1 << 20;
/// Bodies up to this size are held in memory while signing; larger ones are
/// spooled to a temporary file.
const SPOOL_THRESHOLD: usize = 8 << 20;

/// An open input: a file or standard input.
fn open(path: Option<&Path>) -> Result<(Box<dyn Read>, String), Failure> {
    match path {
        None => Ok((Box::new(std::io::stdin().lock()), "standard input".into())),
        Some(p) if p == Path::new("-") => {
            Ok((Box::new(std::io::stdin().lock()), "standard input".into()))
        }
        Some(p) => {
            let file = std::fs::File::open(p)
                .map_err(|e| Failure::new(format!("cannot read {}: {e}", p.display())))?;
            Ok((Box::new(file), p.display().to_string()))
        }
    }
}

/// Reads until the header section has ended (or the input ends). Returns the
/// bytes read: the header section and possibly the start of the body, and
/// where the body starts.
fn read_header(input: &mut dyn Read, what: &str) -> Result<(Vec<u8>, usize), Failure> {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; CHUNK];
    let mut searched = 0;
    loop {
        // Only the new bytes are searched: input that arrives a byte at a
        // time costs linear time.
        if let Some(at) = mailsec_message::find_body_offset_after(&buf, searched) {
            return Ok((buf, at));
        }
        searched = buf.len();
        if buf.len() > MAX_HEADER {
            return Err(Failure::new(format!(
                "{what}: no end of the header section in the first {MAX_HEADER} bytes"
            )));
        }
        let n = input
            .read(&mut chunk)
            .map_err(|e| Failure::new(format!("cannot read {what}: {e}")))?;
        if n == 0 {
            let len = buf.len();
            return Ok((buf, len));
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

/// Feeds the rest of the input to `sink` in chunks. No size limit: nothing
/// here grows with the input.
fn stream_rest(
    input: &mut dyn Read,
    what: &str,
    mut sink: impl FnMut(&[u8]) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = input
            .read(&mut chunk)
            .map_err(|e| Failure::new(format!("cannot read {what}: {e}")))?;
        if n == 0 {
            return Ok(());
        }
        sink(chunk.get(..n).unwrap_or_default())?;
    }
}

/// `mailsec dkim verify [--dns FILE] [--now T] [MESSAGE]`.
pub(crate) fn verify(
    dns: &DnsFlag,
    now_flag: &NowFlag,
    path: Option<&Path>,
) -> Result<(), Failure> {
    let zone = resolver(dns)?;
    let (_, outcomes) = verify_message(&zone, now(now_flag), path)?;
    print_json(&json!({ "signatures": outcomes.iter().map(outcome_json).collect::<Vec<_>>() }))
}

/// Verifies every DKIM signature of the message at `path` (standard input
/// for `-` or none), streaming its body. Returns the header section (and
/// whatever of the body was read with it, up to the header's end) and the
/// outcomes.
pub(crate) fn verify_message(
    zone: &MemoryResolver,
    now: u64,
    path: Option<&Path>,
) -> Result<(Vec<u8>, Vec<DkimOutcome>), Failure> {
    let (mut input, what) = open(path)?;
    let (mut head, body_at) = read_header(&mut input, &what)?;
    let config = VerifyConfig::new(now);
    let (header, body_start) = head.split_at(body_at);
    let mut verifier =
        DkimVerifier::new(config, header).map_err(|e| Failure::new(format!("{what}: {e}")))?;
    mailsec_dns::drive(&mut verifier, zone)
        .map_err(|e| Failure::new(format!("internal error driving DKIM: {e}")))?;
    verifier.body(body_start);
    stream_rest(&mut input, &what, |chunk| {
        verifier.body(chunk);
        Ok(())
    })?;
    let outcomes = verifier.finish();
    head.truncate(body_at);
    Ok((head, outcomes))
}

/// The contract's per-signature object, plus `identity`, `key_bits`,
/// `testing` and the `authentication_results` text.
pub(crate) fn outcome_json(outcome: &DkimOutcome) -> Value {
    json!({
        "result": outcome.result.as_str(),
        "domain": outcome.domain,
        "selector": outcome.selector,
        "algorithm": outcome.algorithm,
        "reason": outcome.reason.to_string(),
        "identity": outcome.identity,
        "key_bits": outcome.key_bits,
        "testing": outcome.testing,
        "authentication_results": outcome.authentication_result(),
    })
}

/// Parses `--canonicalization`: `a/b`, or one word `a` meaning `a/simple`.
fn parse_canonicalization(text: &str) -> Result<(Canonicalization, Canonicalization), Failure> {
    let word = |w: &str| match w.trim().to_ascii_lowercase().as_str() {
        "simple" => Ok(Canonicalization::Simple),
        "relaxed" => Ok(Canonicalization::Relaxed),
        _ => Err(Failure::new(format!(
            "invalid --canonicalization {text:?}: use simple or relaxed, e.g. relaxed/relaxed"
        ))),
    };
    match text.split_once('/') {
        Some((h, b)) => Ok((word(h)?, word(b)?)),
        None => Ok((word(text)?, Canonicalization::Simple)),
    }
}

/// What `mailsec dkim sign` was asked to do.
pub(crate) struct SignArgs<'a> {
    pub(crate) key: &'a Path,
    pub(crate) domain: &'a str,
    pub(crate) selector: &'a str,
    pub(crate) algorithm: Option<&'a str>,
    pub(crate) canonicalization: Option<&'a str>,
    pub(crate) headers: Option<&'a str>,
    pub(crate) now: &'a NowFlag,
    pub(crate) message: Option<&'a Path>,
}

/// `mailsec dkim sign`.
pub(crate) fn sign(args: &SignArgs<'_>) -> Result<(), Failure> {
    let provider: &dyn CryptoProvider = &RustCrypto;
    let pem = std::fs::read_to_string(args.key)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", args.key.display())))?;
    let key = signing_key_from_pem(&pem, provider)
        .map_err(|e| Failure::new(format!("{}: {e}", args.key.display())))?;
    if let Some(algorithm) = args.algorithm {
        let wanted = match algorithm.to_ascii_lowercase().as_str() {
            "rsa-sha256" => KeyType::Rsa,
            "ed25519-sha256" => KeyType::Ed25519,
            other => {
                return Err(Failure::new(format!(
                    "unsupported --algorithm {other:?}: use rsa-sha256 or ed25519-sha256"
                )));
            }
        };
        if wanted != key.key_type() {
            return Err(Failure::new(format!(
                "--algorithm {algorithm} does not match the key in {}",
                args.key.display()
            )));
        }
    }
    let mut signer = DkimSigner::new(provider, Arc::clone(&key), args.domain, args.selector)
        .map_err(|e| Failure::new(e.to_string()))?;
    if let Some(c) = args.canonicalization {
        let (h, b) = parse_canonicalization(c)?;
        signer = signer.canonicalization(h, b);
    }
    if let Some(list) = args.headers {
        let names: Vec<&str> = list
            .split(':')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        signer = signer
            .headers(&names)
            .map_err(|e| Failure::new(e.to_string()))?;
    }

    let (mut input, what) = open(args.message)?;
    let (head, body_at) = read_header(&mut input, &what)?;
    let lf = uses_lf(&head);
    signer = signer.lf_line_endings(lf);
    let (header, body_start) = head.split_at(body_at);
    let mut session = signer
        .start(header, now(args.now))
        .map_err(|e| Failure::new(format!("{what}: {e}")))?;
    session.body(body_start);

    // The body must be written after the signature, which needs all of it:
    // keep it in memory up to a threshold, then spool it to a file.
    let mut spool = Spool::default();
    stream_rest(&mut input, &what, |chunk| {
        session.body(chunk);
        spool.write(chunk)
    })?;
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let field = session
        .finish(&mut rng)
        .map_err(|e| Failure::new(format!("signing failed: {e}")))?;

    let mut out = std::io::stdout().lock();
    let write_err = |e: std::io::Error| Failure::new(format!("cannot write output: {e}"));
    out.write_all(field.as_bytes()).map_err(write_err)?;
    out.write_all(&head).map_err(write_err)?;
    spool.copy_to(&mut out)?;
    out.flush().map_err(write_err)
}

/// Whether the message's first line ends with a bare LF.
fn uses_lf(head: &[u8]) -> bool {
    match head.iter().position(|&b| b == b'\n') {
        Some(0) => true,
        Some(i) => head.get(i - 1) != Some(&b'\r'),
        None => false,
    }
}

/// The body held for output: in memory, then in a temporary file.
#[derive(Default)]
struct Spool {
    memory: Vec<u8>,
    file: Option<(std::fs::File, PathBuf)>,
}

impl Spool {
    fn write(&mut self, chunk: &[u8]) -> Result<(), Failure> {
        let io = |e: std::io::Error| Failure::new(format!("cannot spool the body: {e}"));
        if self.file.is_none() && self.memory.len() + chunk.len() <= SPOOL_THRESHOLD {
            self.memory.extend_from_slice(chunk);
            return Ok(());
        }
        if self.file.is_none() {
            let path = std::env::temp_dir().join(format!(
                "mailsec-dkim-sign-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos())
            ));
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(io)?;
            file.write_all(&self.memory).map_err(io)?;
            self.memory = Vec::new();
            self.file = Some((file, path));
        }
        if let Some((file, _)) = &mut self.file {
            file.write_all(chunk).map_err(io)?;
        }
        Ok(())
    }

    fn copy_to(&mut self, out: &mut dyn Write) -> Result<(), Failure> {
        let io = |e: std::io::Error| Failure::new(format!("cannot write output: {e}"));
        out.write_all(&self.memory).map_err(io)?;
        if let Some((file, _)) = &mut self.file {
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            std::io::copy(file, out).map_err(io)?;
        }
        Ok(())
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if let Some((_, path)) = self.file.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// `mailsec dkim keygen --algorithm A --out KEY.pem`: writes the private key
/// (PKCS#8 PEM, mode 0600 on Unix) and prints the TXT record to publish.
pub(crate) fn keygen(algorithm: &str, out: &Path) -> Result<(), Failure> {
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let (key_type, generated) = match algorithm.to_ascii_lowercase().as_str() {
        "rsa-sha256" => (KeyType::Rsa, generate_rsa(2048, &mut rng)),
        "ed25519-sha256" => (KeyType::Ed25519, generate_ed25519(&mut rng)),
        other => {
            return Err(Failure::new(format!(
                "unsupported --algorithm {other:?}: use rsa-sha256 or ed25519-sha256"
            )));
        }
    };
    let generated = generated.map_err(|e| Failure::new(format!("key generation failed: {e}")))?;
    write_private(out, generated.pem.as_bytes())?;
    println!("{}", dns_record(key_type, &generated.public_key));
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::new(format!("cannot write {}: {e}", path.display()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    file.write_all(bytes).map_err(io)
}
