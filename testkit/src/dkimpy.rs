//! dkimpy (PyPI `dkimpy`, pinned in `scripts/peers-requirements.txt`) as an
//! interop peer for DKIM: one long-lived Python process,
//! `testkit/peers/dkimpy_peer.py`, that signs and verifies on request, one
//! JSON line each way per request.
//!
//! What dkimpy does with its input, as found for version 1.1.8 (the tests
//! written against it should expect these):
//!
//! - Line breaks: it splits the message on `\r?\n`, so an LF-only message is
//!   signed and verified exactly as its CRLF form; the peer never converts a
//!   message. [`DkimPy::sign`] returns a field whose line breaks follow the
//!   message's (LF when the message has LF and no CRLF).
//! - A bare CR stays an ordinary byte, in header values and in the body.
//! - Header field names are `[\x21-\x7e]+` before the first colon: white
//!   space before the colon (RFC 5322 obs-syntax), or an 8-bit byte in a
//!   name, makes it refuse the message, except that a line starting
//!   `From ` (so `From : a@b`) is taken for an mbox separator and dropped.
//!   8-bit bytes in header values are hashed as they are.
//! - relaxed body canonicalization keeps the white space at the end of an
//!   unterminated last line (`abc  ` becomes `abc \r\n`, not `abc\r\n`).
//! - It signs and accepts `rsa-sha1` (RFC 8301 forbids both), accepts `l=`
//!   (an `l=` beyond the body hashes the whole body), and fails a signature
//!   whose `h=` names From once when the message has two From fields.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

/// A DKIM signing algorithm dkimpy knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// `rsa-sha256`.
    RsaSha256,
    /// `ed25519-sha256` (RFC 8463).
    Ed25519Sha256,
    /// `rsa-sha1`: obsolete (RFC 8301), for tests that a verifier refuses it.
    RsaSha1,
}

impl Algorithm {
    /// The `a=` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RsaSha256 => "rsa-sha256",
            Self::Ed25519Sha256 => "ed25519-sha256",
            Self::RsaSha1 => "rsa-sha1",
        }
    }
}

/// The four `c=` values.
pub const CANONICALIZATIONS: [&str; 4] = [
    "simple/simple",
    "simple/relaxed",
    "relaxed/simple",
    "relaxed/relaxed",
];

/// A test key: its private key in PKCS#8 PEM and its DNS TXT record.
#[derive(Debug, Clone, Copy)]
pub struct TestKey {
    /// The algorithm the key signs with by default.
    pub algorithm: Algorithm,
    /// The private key, PKCS#8 PEM (`openssl genpkey`).
    pub pem: &'static str,
    /// The selector the tests publish the key under.
    pub selector: &'static str,
    /// The signing domain the tests use.
    pub domain: &'static str,
    /// The text of the key's DNS TXT record.
    pub txt: &'static str,
}

impl TestKey {
    /// `<selector>._domainkey.<domain>.`, where the TXT record is.
    pub fn dns_name(&self) -> String {
        format!("{}._domainkey.{}.", self.selector, self.domain)
    }

    /// The one DNS record (name, TXT text) that publishes this key.
    pub fn dns(&self) -> (String, String) {
        (self.dns_name(), self.txt.to_owned())
    }
}

/// An RSA-2048 test key, selector `rsa2048`, domain `example.com`.
pub const RSA_2048: TestKey = TestKey {
    algorithm: Algorithm::RsaSha256,
    pem: "-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDDGYMRXJpcPLCh
n8u4jWswSWk0Q5laXjhpuk2AbEuVBuwA5pwEuPtBjOCZr67lQGsqv7qIOtPs8qlN
S+yHPdLY/hNXg1qAKfok0p8xiWxvrMMu6/L6Tus4I4g6xQM4b9m6AowKz7RbTzjn
1aSrhDiRSjNkj8BDheqvHqDl95scuBx81MFO7PCWtPDnsNPfRMIxiwQMOLYzsiFl
pYxWkcQueooXUOJX4ao1cGJk+6MY8O9BMqRpjThRdL8YbcBoYXwoHZoXBccLKbCO
YQaHG7GyotqrQEoZdLQS41lJv1bhGR7Pwk29kVIzxU5hF9F0LvCCVMoSuk2gbIdm
RwyfGBZNAgMBAAECggEAAitw9or3Q9UASTPb501Z+/tSWlycF9IEwkGU+2YjlbXc
1F+8LB3whriYhi0Ffr2E05YL7tg/ThsewIzPxcCYF9taKgwnFVYiLDGpcpAVhCJs
OJky0Q96nzEJ9/lZQVHryR1JIxT566q0YSOnmqle8FgJEp0PUCZCR2NJpR+9T7Lu
zzIinmtuXWdI24tCNCRtp5pnYd0iDLxK2YFHv0QDe6n3UVcmHMeN9icoGSz2wdcp
xTvsKZ4yg7d2ysDI3DcFaWiDAdIOlWvy47CmPFNG3St2dMIdfwjoxm5TU9nGBRzn
fZ+jGmJ94551mPDJG6Sfgz48NtzZshE7ovwLfJXqYwKBgQD0cgFlJVrSuG4O/zER
BV76z0gm6FIHOSvYuMNdQqDzhR6XGyncXAnqFPyL1+UCliMWaNlB4xh+9o6kBhb7
X+754BHOt4RE7nVpWTDTWhI93U2rEiepnIMMEi8XukiBsCr6fKZUzMTNBdc5KGyn
MFVAHi7QsSNbs39KgIf3ctTBkwKBgQDMUmHbAGYcZ4DOEIAVfMVcICXVJKgiLM7n
RpETFEJGgDkBsC2Juezqjf/0pD+wF9Gr+vAMGrspMt1DVIWfCj7FzdbYMaVPe0uO
WEyeUKAhEzaGVjefcK78eZ1Vk/6xhV9/34EcO7K5eek03mGA31AQGCIvFmZz22O2
PDTRoRY0nwKBgQDlTkTswxvt7ECiJNW8Z9NvaB8BEJJSYFk3Vis+QxCFIG1PxpWA
N369ba5y6LXVtU146iZT3lrOTzADwgqxCI8/K+jIh/K2TxMpHhflS+ssyXrgbYlz
XHS6UByJH6CAt+e5TlEh320F/uKkpb03IOn32diEwIawsTNJikUB5WCbrQKBgQDC
f4GrafvJ+jVA87AZxEZTZj7dYSG0NpdWzXP4h4Z3ekPJ+Z2/x39h4H7QsTH3PRVY
821i+GdF1qeOGn2AYc5TmZh1AP1uZd4MyL1Wz0U/dvymcJhObIQGzvYYquL+tgms
vmQ3LhT6PrTioPaMKQgb6f1QebBZhXSr2zAkhYWP3QKBgQCMInBrejVa9eAgy9+a
0nv76HMhiaqFBM0OiYkh9F2O4oPii2fQiBYYRiypbFCtdthUIrixhGDFUIzYrvF5
O/OUaWIpmHpytf/Y4dgNlsNiqYwKpYPz4mp3KF1PSUbcafBWd334FCq77DKLMDEo
mtzkr3dy/eKA9LwdBbzYxYivRA==
-----END PRIVATE KEY-----
",
    selector: "rsa2048",
    domain: "example.com",
    txt: "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwxmDEVyaXDywoZ/LuI1rMElpNEOZWl44abpNgGxLlQbsAOacBLj7QYzgma+u5UBrKr+6iDrT7PKpTUvshz3S2P4TV4NagCn6JNKfMYlsb6zDLuvy+k7rOCOIOsUDOG/ZugKMCs+0W08459Wkq4Q4kUozZI/AQ4Xqrx6g5febHLgcfNTBTuzwlrTw57DT30TCMYsEDDi2M7IhZaWMVpHELnqKF1DiV+GqNXBiZPujGPDvQTKkaY04UXS/GG3AaGF8KB2aFwXHCymwjmEGhxuxsqLaq0BKGXS0EuNZSb9W4Rkez8JNvZFSM8VOYRfRdC7wglTKErpNoGyHZkcMnxgWTQIDAQAB",
};

/// An Ed25519 test key, selector `ed25519`, domain `example.com`.
pub const ED25519: TestKey = TestKey {
    algorithm: Algorithm::Ed25519Sha256,
    pem: "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIE2UEhsawoykynSfIQxZBxlFtx8RLE6c6/I0s8Ssfakx
-----END PRIVATE KEY-----
",
    selector: "ed25519",
    domain: "example.com",
    txt: "v=DKIM1; k=ed25519; p=/vaBuUlU4pjY50QBRKAqQRnkkPgpeXfU6gaqvVxwZ0I=",
};

/// The DNS records of both test keys.
pub fn test_dns() -> Vec<(String, String)> {
    vec![RSA_2048.dns(), ED25519.dns()]
}

/// What to ask dkimpy to sign.
#[derive(Debug, Clone)]
pub struct SignRequest<'a> {
    /// The message, LF or CRLF line breaks.
    pub message: &'a [u8],
    /// The private key, PKCS#8 PEM (RSA or Ed25519 as `algorithm` says).
    pub key_pem: &'a str,
    /// `d=`.
    pub domain: &'a str,
    /// `s=`.
    pub selector: &'a str,
    /// `a=`.
    pub algorithm: Algorithm,
    /// `c=`, such as `"relaxed/simple"`.
    pub canonicalization: &'a str,
    /// The `h=` list; `None` for dkimpy's default (the RFC 6376 fields that
    /// SHOULD be signed, those present, and From once more).
    pub headers: Option<&'a [&'a str]>,
    /// `t=`; `None` for the real clock.
    pub timestamp: Option<u64>,
    /// Whether to add `l=`.
    pub length: bool,
}

impl<'a> SignRequest<'a> {
    /// A request to sign `message` with `key` under its own selector and
    /// domain and algorithm, `relaxed/simple`, dkimpy's default headers,
    /// `t=1700000000`, no `l=`.
    pub fn new(message: &'a [u8], key: &'a TestKey) -> Self {
        SignRequest {
            message,
            key_pem: key.pem,
            domain: key.domain,
            selector: key.selector,
            algorithm: key.algorithm,
            canonicalization: "relaxed/simple",
            headers: None,
            timestamp: Some(1_700_000_000),
            length: false,
        }
    }
}

/// dkimpy's verdict on one DKIM-Signature field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyResult {
    /// Whether dkimpy's `verify` returned true.
    pub pass: bool,
    /// The exception dkimpy raised, or the last error it logged.
    pub error: Option<String>,
}

/// The dkimpy peer process. Dropping it ends the process.
#[derive(Debug)]
pub struct DkimPy {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    versions: String,
}

/// Where the peer script is.
pub fn peer_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers/dkimpy_peer.py")
}

impl DkimPy {
    /// Starts the peer with the Python of [`crate::python`] (which must
    /// import `dkim` and `nacl`). `None`, after saying the test is skipped,
    /// when there is no such Python; a panic then if `MAILSEC_REQUIRE_PEERS`
    /// is set, or if the peer does not answer.
    pub fn start() -> Option<DkimPy> {
        let python = crate::python(&["dkim", "nacl"])?;
        let mut child = Command::new(&python)
            .arg(peer_script())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{} cannot start the dkimpy peer: {e}", python.display()));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut peer = DkimPy {
            child,
            stdin,
            stdout,
            versions: String::new(),
        };
        let pong = peer
            .request(&json!({"op": "ping"}))
            .unwrap_or_else(|e| panic!("the dkimpy peer does not answer: {e}"));
        peer.versions = pong
            .get("versions")
            .map(Value::to_string)
            .unwrap_or_default();
        Some(peer)
    }

    /// The versions of dkimpy and PyNaCl the peer runs, as JSON.
    pub fn versions(&self) -> &str {
        &self.versions
    }

    /// Signs: the DKIM-Signature header field dkimpy makes, with its final
    /// line break, to prepend to the message. `Err` holds dkimpy's error.
    pub fn sign(&mut self, req: &SignRequest<'_>) -> Result<Vec<u8>, String> {
        let request = json!({
            "op": "sign",
            "message": STANDARD.encode(req.message),
            "key_pem": req.key_pem,
            "domain": req.domain,
            "selector": req.selector,
            "algorithm": req.algorithm.as_str(),
            "canonicalization": req.canonicalization,
            "headers": req.headers,
            "timestamp": req.timestamp,
            "length": req.length,
        });
        let response = self.request(&request)?;
        let field = response
            .get("field")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("dkimpy peer: no field in {response}"))?;
        STANDARD
            .decode(field)
            .map_err(|e| format!("dkimpy peer: field is not base64: {e}"))
    }

    /// Verifies every DKIM-Signature field of `message`, topmost first, with
    /// `dns` as the only TXT records (names with or without the final dot)
    /// and `now` (seconds since the epoch) as dkimpy's clock, or the real
    /// one. `Err` when dkimpy cannot read the message at all.
    pub fn verify(
        &mut self,
        message: &[u8],
        dns: &[(String, String)],
        now: Option<u64>,
    ) -> Result<Vec<VerifyResult>, String> {
        let records: Map<String, Value> = dns
            .iter()
            .map(|(name, txt)| (name.clone(), Value::String(txt.clone())))
            .collect();
        let request = json!({
            "op": "verify",
            "message": STANDARD.encode(message),
            "dns": records,
            "now": now,
        });
        let response = self.request(&request)?;
        let (Some(results), Some(errors)) = (
            response.get("results").and_then(Value::as_array),
            response.get("errors").and_then(Value::as_array),
        ) else {
            return Err(format!("dkimpy peer: no results in {response}"));
        };
        if results.len() != errors.len() {
            return Err(format!(
                "dkimpy peer: results and errors differ in {response}"
            ));
        }
        results
            .iter()
            .zip(errors)
            .map(|(pass, error)| {
                Ok(VerifyResult {
                    pass: pass
                        .as_bool()
                        .ok_or_else(|| format!("dkimpy peer: result {pass} is not a boolean"))?,
                    error: error.as_str().map(str::to_owned),
                })
            })
            .collect()
    }

    /// One request and its response; `Err` holds the peer's error text, or
    /// says what went wrong with the pipe.
    fn request(&mut self, request: &Value) -> Result<Value, String> {
        let mut line = request.to_string();
        line.push('\n');
        self.stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("dkimpy peer: cannot write the request: {e}"))?;
        let mut answer = String::new();
        let read = self
            .stdout
            .read_line(&mut answer)
            .map_err(|e| format!("dkimpy peer: cannot read the response: {e}"))?;
        if read == 0 {
            return Err("dkimpy peer: the process ended".to_owned());
        }
        let response: Value = serde_json::from_str(&answer)
            .map_err(|e| format!("dkimpy peer: response {answer:?} is not JSON: {e}"))?;
        if response.get("ok").and_then(Value::as_bool) == Some(true) {
            Ok(response)
        } else {
            Err(response
                .get("error")
                .and_then(Value::as_str)
                .map_or_else(|| response.to_string(), str::to_owned))
        }
    }
}

impl Drop for DkimPy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
