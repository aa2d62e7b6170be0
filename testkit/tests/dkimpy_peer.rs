//! The dkimpy peer: it signs and verifies its own signatures on generated
//! messages, with both test keys and the four canonicalizations, and fails
//! tampered copies. Skipped without a Python that has dkimpy and PyNaCl
//! (`scripts/test` provides one), unless `MAILSEC_REQUIRE_PEERS` is set.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mailsec_testkit::dkim_corpus::{messages, tamper};
use mailsec_testkit::dkimpy::{
    Algorithm, CANONICALIZATIONS, DkimPy, ED25519, RSA_2048, SignRequest, TestKey, VerifyResult,
    test_dns,
};

const NOW: u64 = 1_700_000_100;

/// The lower-case names of the message's header fields, each once.
fn field_names(msg: &[u8]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in msg.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            continue;
        }
        let colon = line.iter().position(|&b| b == b':').unwrap();
        let name = String::from_utf8(line[..colon].to_vec())
            .unwrap()
            .trim_end()
            .to_ascii_lowercase();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn pass() -> Vec<VerifyResult> {
    vec![VerifyResult {
        pass: true,
        error: None,
    }]
}

fn round_trip(peer: &mut DkimPy, key: &TestKey) {
    let dns = test_dns();
    let corpus = messages(0xD41A, 50);
    for canon in CANONICALIZATIONS {
        let mut signed_count = 0;
        for (i, m) in corpus.iter().enumerate() {
            let ctx = format!("{} {canon} {}", key.algorithm.as_str(), m.description);
            // Every third message signs the fields present, From twice
            // and one absent field too; the others take dkimpy's default.
            let mut names = field_names(&m.bytes);
            names.push("from".into());
            names.push("in-reply-to".into());
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let req = SignRequest {
                canonicalization: canon,
                headers: (i % 3 == 0).then_some(&names[..]),
                length: i % 4 == 1,
                ..SignRequest::new(&m.bytes, key)
            };
            let field = match peer.sign(&req) {
                Ok(field) => field,
                Err(e) if m.description.contains("wsp-before-colon") => {
                    // dkimpy reads a field name as [\x21-\x7e]+ up to the colon.
                    assert!(e.starts_with("MessageFormatError"), "{ctx}: {e}");
                    continue;
                }
                Err(e) => panic!("{ctx}: {e}"),
            };
            assert!(field.starts_with(b"DKIM-Signature: v=1; "), "{ctx}");
            let lf = !m.bytes.contains(&b'\r');
            assert_eq!(
                field.ends_with(b"\r\n"),
                !lf,
                "{ctx}: the field's line break"
            );
            let signed = [field.as_slice(), &m.bytes].concat();
            assert_eq!(peer.verify(&signed, &dns, Some(NOW)), Ok(pass()), "{ctx}");
            let bad = tamper(&signed, i as u64);
            let verdict = peer.verify(&bad, &dns, Some(NOW)).unwrap();
            assert_eq!(verdict.len(), 1, "{ctx}");
            assert!(!verdict[0].pass, "{ctx}: tampered copy passes");

            // dkimpy reads LF as CRLF: the same signature for both forms.
            if lf {
                let crlf: Vec<u8> = m
                    .bytes
                    .iter()
                    .flat_map(|&b| {
                        if b == b'\n' {
                            vec![b'\r', b'\n']
                        } else {
                            vec![b]
                        }
                    })
                    .collect();
                let other = peer
                    .sign(&SignRequest {
                        message: &crlf,
                        ..req.clone()
                    })
                    .unwrap();
                let unix: Vec<u8> = other.iter().copied().filter(|&b| b != b'\r').collect();
                assert_eq!(unix, field, "{ctx}: LF and CRLF sign alike");
            }
            signed_count += 1;
        }
        assert!(signed_count >= 40, "{canon}: {signed_count} signed");
    }
}

#[test]
fn rsa_signs_and_verifies_its_own() {
    let Some(mut peer) = DkimPy::start() else {
        return;
    };
    eprintln!("dkimpy peer: {}", peer.versions());
    round_trip(&mut peer, &RSA_2048);
}

#[test]
fn ed25519_signs_and_verifies_its_own() {
    let Some(mut peer) = DkimPy::start() else {
        return;
    };
    round_trip(&mut peer, &ED25519);
}

#[test]
fn errors_are_answers_not_deaths() {
    let Some(mut peer) = DkimPy::start() else {
        return;
    };
    let msg = b"From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n";
    let dns = test_dns();

    let bad_key = SignRequest {
        key_pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        ..SignRequest::new(msg, &ED25519)
    };
    let e = peer.sign(&bad_key).unwrap_err();
    assert!(e.contains("Ed25519"), "{e}");
    let no_from = SignRequest {
        headers: Some(&["subject"]),
        ..SignRequest::new(msg, &RSA_2048)
    };
    let e = peer.sign(&no_from).unwrap_err();
    assert!(e.contains("From header field MUST be signed"), "{e}");
    // A continuation line before any field: dkimpy cannot read the message.
    assert!(peer.verify(b" x\r\nFrom: a\r\n\r\n", &dns, None).is_err());

    // Still alive.
    let field = peer.sign(&SignRequest::new(msg, &RSA_2048)).unwrap();
    let signed = [field.as_slice(), msg].concat();
    assert_eq!(peer.verify(&signed, &dns, Some(NOW)), Ok(pass()));

    // No key record: false, with what dkimpy logged.
    let got = peer.verify(&signed, &[], Some(NOW)).unwrap();
    assert!(!got[0].pass);
    assert!(
        got[0]
            .error
            .as_deref()
            .unwrap()
            .contains("missing public key")
    );
    // t= more than dkimpy's 10 hours of slack in the future.
    let got = peer.verify(&signed, &dns, Some(NOW - 40_000)).unwrap();
    assert!(!got[0].pass);
    assert!(
        got[0]
            .error
            .as_deref()
            .unwrap()
            .contains("t= value is in the future")
    );
    // No signature, no result.
    assert_eq!(peer.verify(msg, &dns, None), Ok(vec![]));

    // Two signatures, reported top first.
    let ed = peer.sign(&SignRequest::new(&signed, &ED25519)).unwrap();
    let both = [ed.as_slice(), &signed].concat();
    assert_eq!(
        peer.verify(&both, &dns[1..], Some(NOW))
            .unwrap()
            .iter()
            .map(|r| r.pass)
            .collect::<Vec<_>>(),
        [true, false]
    );
}

/// Behaviours of dkimpy 1.1.8 that differ from RFC 6376 / RFC 8301, pinned
/// so that a new dkimpy release that changes them is noticed.
#[test]
fn dkimpy_deviations() {
    let Some(mut peer) = DkimPy::start() else {
        return;
    };
    let dns = test_dns();
    let verify = |peer: &mut DkimPy, msg: &[u8], req: &SignRequest<'_>| {
        let field = peer.sign(req).unwrap();
        peer.verify(&[field.as_slice(), msg].concat(), &dns, Some(NOW))
            .unwrap()
    };

    // RFC 8301: rsa-sha1 MUST NOT be used; dkimpy signs and accepts it.
    let msg = b"From: a@example.com\r\n\r\nbody\r\n";
    let sha1 = SignRequest {
        algorithm: Algorithm::RsaSha1,
        ..SignRequest::new(msg, &RSA_2048)
    };
    assert_eq!(verify(&mut peer, msg, &sha1), pass());

    // A second From field fails a signature that names From once (RFC 6376
    // would have the bottom one signed and pass).
    let two = b"From: a@example.com\r\nFrom: b@example.com\r\n\r\nbody\r\n";
    let once = SignRequest {
        headers: Some(&["from"]),
        ..SignRequest::new(two, &RSA_2048)
    };
    assert!(!verify(&mut peer, two, &once)[0].pass);

    // `From : x` is dropped as an mbox separator, so a signature that names
    // From covers no From field.
    let mbox = b"From : a@example.com\r\nSubject: x\r\n\r\nbody\r\n";
    let req = SignRequest {
        headers: Some(&["from", "subject"]),
        ..SignRequest::new(mbox, &RSA_2048)
    };
    assert_eq!(verify(&mut peer, mbox, &req), pass());
    let changed = b"From : b@example.com\r\nSubject: x\r\n\r\nbody\r\n";
    let field = peer.sign(&req).unwrap();
    assert_eq!(
        peer.verify(&[field.as_slice(), changed].concat(), &dns, Some(NOW)),
        Ok(pass()),
        "a changed `From :` line still passes"
    );

    // relaxed keeps the white space of an unterminated last line: `abc  `
    // and `abc ` hash alike but `abc` does not.
    let ws = b"From: a@example.com\r\n\r\nabc  ";
    let relaxed = SignRequest {
        canonicalization: "relaxed/relaxed",
        headers: Some(&["from"]),
        ..SignRequest::new(ws, &RSA_2048)
    };
    let field = peer.sign(&relaxed).unwrap();
    let with = |body: &[u8]| {
        [
            field.as_slice(),
            b"From: a@example.com\r\n\r\n".as_slice(),
            body,
        ]
        .concat()
    };
    assert_eq!(peer.verify(&with(b"abc "), &dns, Some(NOW)), Ok(pass()));
    assert!(!peer.verify(&with(b"abc"), &dns, Some(NOW)).unwrap()[0].pass);
    assert!(!peer.verify(&with(b"abc\r\n"), &dns, Some(NOW)).unwrap()[0].pass);
}
