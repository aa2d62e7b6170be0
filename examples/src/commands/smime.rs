//! `mailsec smime sign` and `mailsec smime verify` (encryption and
//! decryption: a later issue).

use std::path::{Path, PathBuf};

use serde_json::json;
use smime_core::{
    AlgorithmPolicy, Certificate, ChainStatus, DigestAlgorithm, RevocationMode, RsaScheme,
    SignForm, SignOptions, SignatureStatus, Signer, SigningKey, TrustInputs, VerifyOptions,
    sign_message, verify_message,
};

use crate::cli::NowFlag;
use crate::support::{Failure, now, print_json, read_input};

/// The arguments of `mailsec smime verify`.
#[derive(Debug)]
pub(crate) struct VerifyArgs<'a> {
    pub(crate) trust: &'a [PathBuf],
    pub(crate) certs: &'a [PathBuf],
    pub(crate) crl: &'a [PathBuf],
    pub(crate) now: &'a NowFlag,
    pub(crate) content_out: Option<&'a Path>,
    pub(crate) allow_legacy: bool,
    pub(crate) require_crl: bool,
    pub(crate) message: Option<&'a Path>,
}

/// The arguments of `mailsec smime sign`.
#[derive(Debug)]
pub(crate) struct SignArgs<'a> {
    pub(crate) cert: &'a Path,
    pub(crate) key: &'a Path,
    pub(crate) chain: &'a [PathBuf],
    pub(crate) opaque: bool,
    pub(crate) digest: Option<&'a str>,
    pub(crate) pss: bool,
    pub(crate) now: &'a NowFlag,
    pub(crate) message: Option<&'a Path>,
}

/// `mailsec smime sign`: prints the signed message (CRLF line endings).
pub(crate) fn sign(args: &SignArgs<'_>) -> Result<(), Failure> {
    use std::io::Write as _;
    let mut certs = load_certificates(std::slice::from_ref(&args.cert.to_path_buf()), "--cert")?;
    if certs.is_empty() {
        return Err(Failure::new(format!(
            "--cert {}: no certificate",
            args.cert.display()
        )));
    }
    // The first certificate is the signer's; any others in the file go with
    // it as its chain, like --chain.
    let certificate = certs.remove(0);
    let mut chain = certs;
    chain.extend(load_certificates(args.chain, "--chain")?);
    let key_bytes = read_input(Some(args.key))?;
    let key = SigningKey::from_pem(&key_bytes)
        .map_err(|e| Failure::new(format!("--key {}: {e}", args.key.display())))?;
    let mut signer = Signer::new(key, certificate, chain)
        .map_err(|e| Failure::new(format!("--key/--cert: {e}")))?;
    if let Some(name) = args.digest {
        let digest = match name.to_ascii_lowercase().replace('-', "").as_str() {
            "sha256" => DigestAlgorithm::Sha256,
            "sha384" => DigestAlgorithm::Sha384,
            "sha512" => DigestAlgorithm::Sha512,
            _ => {
                return Err(Failure::new(format!(
                    "--digest {name}: use sha256, sha384 or sha512"
                )));
            }
        };
        signer = signer
            .with_digest(digest)
            .map_err(|e| Failure::new(format!("--digest {name}: {e}")))?;
    }
    if args.pss {
        signer = signer
            .with_rsa_scheme(RsaScheme::Pss)
            .map_err(|e| Failure::new(format!("--pss: {e}")))?;
    }
    let message = read_input(args.message)?;
    let options = SignOptions {
        form: if args.opaque {
            SignForm::Opaque
        } else {
            SignForm::Detached
        },
        ..SignOptions::default()
    };
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let signed = sign_message(&message, &[signer], &options, now(args.now), &mut rng)
        .map_err(|e| Failure::new(format!("signing failed: {e}")))?;
    let mut out = std::io::stdout().lock();
    out.write_all(&signed)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::new(format!("cannot write output: {e}")))
}

/// Reads certificate files (PEM with one or more certificates, or DER).
fn load_certificates(paths: &[PathBuf], what: &str) -> Result<Vec<Certificate>, Failure> {
    let mut out = Vec::new();
    for path in paths {
        let bytes = read_input(Some(path))?;
        let certs = Certificate::from_pem_or_der(&bytes)
            .map_err(|e| Failure::new(format!("{what} {}: {e}", path.display())))?;
        out.extend(certs);
    }
    Ok(out)
}

/// Reads CRL files, PEM (`X509 CRL` blocks) or DER, into DER.
fn load_crls(paths: &[PathBuf]) -> Result<Vec<Vec<u8>>, Failure> {
    let mut out = Vec::new();
    for path in paths {
        let bytes = read_input(Some(path))?;
        let bad = |why: &str| Failure::new(format!("--crl {}: {why}", path.display()));
        if bytes.windows(10).any(|w| w == b"-----BEGIN") {
            let text = std::str::from_utf8(&bytes).map_err(|_| bad("PEM is not UTF-8"))?;
            let mut found = false;
            let mut rest = text;
            while let Some(start) = rest.find("-----BEGIN X509 CRL-----") {
                let after = &rest[start..];
                let end = after
                    .find("-----END X509 CRL-----")
                    .ok_or_else(|| bad("BEGIN without END"))?;
                let block = &after[..end + "-----END X509 CRL-----".len()];
                let (label, der) = pem_decode(block).ok_or_else(|| bad("malformed PEM"))?;
                if label != "X509 CRL" {
                    return Err(bad("not an X509 CRL block"));
                }
                out.push(der);
                found = true;
                rest = &after[block.len()..];
            }
            if !found {
                return Err(bad("no X509 CRL block"));
            }
        } else if bytes.first() == Some(&0x30) {
            out.push(bytes);
        } else {
            return Err(bad("neither PEM nor DER"));
        }
    }
    Ok(out)
}

/// One PEM block's label and decoded bytes.
fn pem_decode(block: &str) -> Option<(String, Vec<u8>)> {
    use base64::Engine as _;
    let first = block.lines().next()?;
    let label = first
        .strip_prefix("-----BEGIN ")?
        .strip_suffix("-----")?
        .to_owned();
    let body: String = block
        .lines()
        .filter(|l| !l.starts_with("-----") && !l.contains(':'))
        .map(str::trim)
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()?;
    Some((label, der))
}

/// `mailsec smime verify`.
pub(crate) fn verify(args: &VerifyArgs<'_>) -> Result<(), Failure> {
    let anchors = load_certificates(args.trust, "--trust")?;
    let extra = load_certificates(args.certs, "--certs")?;
    let crls = load_crls(args.crl)?;
    let message = read_input(args.message)?;

    let mut options = VerifyOptions::default();
    if args.allow_legacy {
        options.validation.algorithms = AlgorithmPolicy::legacy();
    }
    options.validation.revocation = if args.require_crl {
        RevocationMode::Require
    } else if crls.is_empty() {
        RevocationMode::Off
    } else {
        RevocationMode::WhereAvailable
    };
    // The message's own CRLs count only where the caller asked for revocation.
    options.use_message_crls = !crls.is_empty() || args.require_crl;
    let trust = TrustInputs {
        anchors: &anchors,
        certificates: &extra,
        crls: &crls,
    };
    let report = verify_message(&message, &trust, now(args.now), &options)
        .map_err(|e| Failure::new(format!("smime verify: {e}")))?;

    if let (Some(path), Some(content)) = (args.content_out, &report.content) {
        std::fs::write(path, content)
            .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
    }
    let signers: Vec<serde_json::Value> = report
        .signers
        .iter()
        .map(|s| {
            let mut value = json!({
                "signature": match s.signature {
                    SignatureStatus::Valid => "valid",
                    SignatureStatus::Invalid => "invalid",
                },
                "chain": match s.chain {
                    ChainStatus::Valid => "valid",
                    ChainStatus::Invalid => "invalid",
                    ChainStatus::Untrusted => "untrusted",
                },
                "sender_match": s.sender_match,
                "emails": s.emails,
                "subject": s.subject.clone().unwrap_or_default(),
                "reason": s.reason,
            });
            if let (Some(attrs), Some(obj)) = (&s.attributes, value.as_object_mut())
                && let Some(t) = attrs.signing_time
            {
                obj.insert("signing_time".into(), json!(t));
            }
            value
        })
        .collect();
    print_json(&json!({ "verified": report.verified, "signers": signers }))
}
