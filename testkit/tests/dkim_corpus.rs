//! The DKIM message generator: deterministic, well-formed, and covering every
//! feature it claims, as found by reading the bytes back here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use mailsec_testkit::dkim_corpus::{Message, message, messages, tamper};

const FIELD_NAMES: &[&str] = &[
    "From",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "Reply-To",
    "MIME-Version",
    "Content-Type",
    "X-Mailer",
    "X-Priority",
    "X-Test-Id",
    "X-Spam-Score",
    "X-Loop",
    "X-Original-To",
    "X-Empty",
];

fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Lines without their line breaks, whether the last had one, and whether
/// the breaks are LF.
fn lines(bytes: &[u8]) -> (Vec<&[u8]>, bool) {
    let lf = !bytes.contains(&b'\r');
    let eol: &[u8] = if lf { b"\n" } else { b"\r\n" };
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        match rest.windows(eol.len()).position(|w| w == eol) {
            Some(i) => {
                out.push(&rest[..i]);
                rest = &rest[i + eol.len()..];
            }
            None => {
                out.push(rest);
                rest = &[];
            }
        }
    }
    (out, lf)
}

/// The features found in a message's bytes, with the description's names;
/// checks the generator's promises on the way.
fn analyse(m: &Message) -> Vec<&'static str> {
    let bytes = &m.bytes;
    let ctx = &m.description;
    assert!(!bytes.contains(&0), "{ctx}: NUL");
    let (lf_only, eol): (bool, &[u8]) = if bytes.contains(&b'\r') {
        // Every CR is followed by LF and every LF preceded by CR.
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\r' {
                assert_eq!(bytes.get(i + 1), Some(&b'\n'), "{ctx}: bare CR at {i}");
            }
            if b == b'\n' {
                assert!(i > 0 && bytes[i - 1] == b'\r', "{ctx}: bare LF at {i}");
            }
        }
        (false, b"\r\n")
    } else {
        (true, b"\n")
    };
    assert!(
        ctx.contains(if lf_only { " LF:" } else { " CRLF:" }),
        "{ctx}"
    );
    let mut found = vec![if lf_only { "lf" } else { "crlf" }];

    let sep = [eol, eol].concat();
    let split = bytes
        .windows(sep.len())
        .position(|w| w == sep.as_slice())
        .expect("a blank line after the header");
    let header = &bytes[..split + eol.len()];
    let body = &bytes[split + sep.len()..];

    // The header.
    let (hlines, _) = lines(header);
    let mut names: Vec<&[u8]> = Vec::new();
    let mut from = 0;
    let mut subject: Option<Vec<u8>> = None;
    let mut current_subject = false;
    for line in &hlines {
        assert!(line.len() <= 2000, "{ctx}: header line of {}", line.len());
        if line.ends_with(b" ") || line.ends_with(b"\t") {
            found.push("trailing-wsp-header");
        }
        if is_wsp(line[0]) {
            assert!(
                line.iter().any(|&b| !is_wsp(b)),
                "{ctx}: white space only continuation"
            );
            found.push("folded");
            if current_subject {
                subject.as_mut().unwrap().extend_from_slice(line);
            }
            continue;
        }
        let colon = line.iter().position(|&b| b == b':').expect("a colon");
        let raw_name = &line[..colon];
        let name_end = raw_name.iter().rposition(|&b| !is_wsp(b)).unwrap() + 1;
        let name = &raw_name[..name_end];
        assert!(
            name.iter()
                .all(|&b| (0x21..=0x7e).contains(&b) && b != b':'),
            "{ctx}: field name {name:?}"
        );
        if name_end != raw_name.len() {
            found.push("wsp-before-colon");
        }
        let text = std::str::from_utf8(name).unwrap();
        if !FIELD_NAMES.contains(&text) {
            assert!(
                FIELD_NAMES.iter().any(|n| n.eq_ignore_ascii_case(text)),
                "{ctx}: unknown field {text}"
            );
            found.push("name-case");
        }
        if text.eq_ignore_ascii_case("from") {
            from += 1;
        }
        let value = &line[colon + 1..];
        if value.iter().all(|&b| is_wsp(b)) {
            found.push("empty-value");
        } else if !(value.len() >= 2 && value[0] == b' ' && !is_wsp(value[1])) {
            found.push("wsp-after-colon");
        }
        current_subject = text.eq_ignore_ascii_case("subject");
        if current_subject {
            subject = Some(value.to_vec());
        }
        if names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            found.push("repeated");
        }
        names.push(name);
    }
    assert_eq!(from, 1, "{ctx}: From fields");
    if let Some(s) = subject.filter(|s| !s.is_ascii()) {
        found.push(if std::str::from_utf8(&s).is_ok() {
            "utf8-subject"
        } else {
            "latin1-subject"
        });
    }

    // The body.
    if body.is_empty() {
        found.push("empty-body");
    } else if body.chunks(eol.len()).all(|c| c == eol) {
        found.push("blank-only-body");
    } else {
        let terminated = body.ends_with(eol);
        if !terminated {
            found.push("no-final-eol");
        }
        let (blines, _) = lines(body);
        let last = blines.len() - 1;
        let mut empties = 0;
        for (i, line) in blines.iter().enumerate() {
            assert!(line.len() <= 2000, "{ctx}: body line of {}", line.len());
            if line.is_empty() {
                empties += 1;
                continue;
            }
            if empties >= 2 {
                found.push("blank-run");
            }
            empties = 0;
            if line.len() > 998 {
                found.push("long-line");
            }
            if line.iter().all(|&b| is_wsp(b)) {
                found.push("wsp-only-line");
                continue;
            }
            if is_wsp(*line.last().unwrap()) {
                found.push(if i == last && !terminated {
                    "trailing-wsp-unterminated"
                } else {
                    "trailing-wsp-body"
                });
            }
            let trimmed = &line[..line.iter().rposition(|&b| !is_wsp(b)).unwrap() + 1];
            if is_wsp(trimmed[0])
                || trimmed.contains(&b'\t')
                || trimmed.windows(2).any(|w| w == b"  ")
            {
                found.push("inner-wsp");
            }
            if !line.is_ascii() {
                found.push(if std::str::from_utf8(line).is_ok() {
                    "utf8-body"
                } else {
                    "latin1-body"
                });
            }
        }
        if empties > 0 {
            found.push("trailing-blank-lines");
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

fn tags(m: &Message) -> Vec<&str> {
    let (_, list) = m.description.split_once(": ").unwrap();
    list.split(", ").filter(|t| !t.is_empty()).collect()
}

#[test]
fn deterministic_and_prefix_stable() {
    let a = messages(7, 60);
    assert_eq!(a, messages(7, 60));
    assert_eq!(&a[..10], &messages(7, 10)[..]);
    assert_eq!(a[42], message(7, 42));
    let b = messages(8, 60);
    assert_ne!(a, b);
    assert!(a.iter().zip(&b).all(|(x, y)| x.bytes != y.bytes));
}

/// FNV-1a 64 over the corpus: the generator gives the same messages on every
/// platform and in every version, or this changes (on purpose, then).
#[test]
fn pinned_digest() {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for m in messages(2026, 500) {
        for &b in m.bytes.iter().chain(m.description.as_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    assert_eq!(h, PINNED, "generator output changed: {h:#018x}");
}
const PINNED: u64 = 0xde1e_f698_9b45_b2b7;

#[test]
fn covers_every_feature_and_says_so() {
    let corpus = messages(1, 500);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &corpus {
        let found = analyse(m);
        for f in &found {
            *counts.entry(f).or_default() += 1;
        }
        // The description claims exactly what the bytes show (inner white
        // space is only read back from the body: the header's is tangled
        // with folding).
        let mut claimed = tags(m);
        claimed.retain(|t| *t != "inner-wsp");
        let mut seen: Vec<&str> = found
            .iter()
            .copied()
            .filter(|f| !["lf", "crlf", "inner-wsp"].contains(f))
            .collect();
        claimed.sort_unstable();
        seen.sort_unstable();
        assert_eq!(claimed, seen, "{}", m.description);
        if found.contains(&"inner-wsp") {
            assert!(tags(m).contains(&"inner-wsp"), "{}", m.description);
        }
    }
    let all = [
        "crlf",
        "lf",
        "folded",
        "wsp-after-colon",
        "wsp-before-colon",
        "inner-wsp",
        "trailing-wsp-header",
        "trailing-wsp-body",
        "trailing-wsp-unterminated",
        "wsp-only-line",
        "blank-run",
        "trailing-blank-lines",
        "long-line",
        "no-final-eol",
        "empty-body",
        "blank-only-body",
        "utf8-body",
        "latin1-body",
        "utf8-subject",
        "latin1-subject",
        "repeated",
        "name-case",
        "empty-value",
    ];
    eprintln!("features over 500 messages: {counts:?}");
    for f in all {
        let n = counts.get(f).copied().unwrap_or(0);
        assert!(n >= 10, "{f}: {n} of 500");
    }
    assert!(counts["crlf"] > counts["lf"]);
    assert_eq!(counts.len(), all.len(), "{counts:?}");
}

#[test]
fn tamper_changes_one_byte_within_reach() {
    for (i, m) in messages(3, 200).iter().enumerate() {
        let seed = i as u64;
        let out = tamper(&m.bytes, seed);
        assert_eq!(out, tamper(&m.bytes, seed), "deterministic");
        assert_eq!(out.len(), m.bytes.len(), "{}", m.description);
        let diff: Vec<usize> = (0..out.len()).filter(|&j| out[j] != m.bytes[j]).collect();
        assert_eq!(diff.len(), 1, "{}", m.description);
        let (old, new) = (m.bytes[diff[0]], out[diff[0]]);
        assert!(!b" \t\r\n".contains(&old), "{}", m.description);
        assert!(new.is_ascii_alphanumeric(), "{}", m.description);
    }
}

#[test]
fn tamper_follows_h_and_l() {
    let msg = b"DKIM-Signature: v=1; a=rsa-sha256; h=from:\r\n subject:subject; l=4;\r\n b=abc\r\nSubject: one\r\nFrom: x@y\r\nSubject: two\r\nTo: z@y\r\n\r\nbody is long enough here\r\n";
    let text = std::str::from_utf8(msg).unwrap();
    let allowed: Vec<usize> = ["Subject: one", "From: x@y", "Subject: two"]
        .iter()
        .flat_map(|f| {
            let at = text.find(f).unwrap();
            let colon = f.find(':').unwrap();
            at + colon + 1..at + f.len()
        })
        .chain({
            let body = text.find("body").unwrap();
            body..body + 2
        })
        .collect();
    let mut body_hits = 0;
    for seed in 0..200 {
        let out = tamper(msg, seed);
        let diff: Vec<usize> = (0..msg.len()).filter(|&j| out[j] != msg[j]).collect();
        assert_eq!(diff.len(), 1);
        assert!(allowed.contains(&diff[0]), "seed {seed}: {}", diff[0]);
        body_hits += usize::from(diff[0] >= text.find("body").unwrap());
    }
    assert!(body_hits > 20 && body_hits < 180, "{body_hits}");
    // Nothing to change: a letter goes in front of the body.
    let out = tamper(b"DKIM-Signature: h=to; l=0\r\nFrom: a\r\n\r\nxyz\r\n", 1);
    assert_eq!(out, b"DKIM-Signature: h=to; l=0\r\nFrom: a\r\n\r\nQxyz\r\n");
}
