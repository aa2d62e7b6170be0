//! Differential test of the policy parser against postfix-mta-sts-resolver
//! 1.5.1 (PyPI, pinned in `scripts/peers-requirements.txt`), on a generated
//! corpus of policies.
//!
//! The peer's verdict is `utils.parse_mta_sts_policy` followed by the
//! validation its `resolver.py` applies after the fetch (version `STSv1`,
//! `max_age` an `int()` from 0 to 31557600, `mode` one of the three words,
//! at least one `mx` unless `mode: none`), transcribed into the helper below
//! because it is inline in an async method. All cases run in ONE Python
//! process (hex-encoded bodies on stdin, one answer line each on stdout).
//!
//! The peer is known to be lax. Every disagreement must fall in one of these
//! classes, each a place where the peer departs from RFC 8461 §3.2 (or, for
//! `max-age-over-limit` and `duplicate-field`, where we made a documented
//! choice). The check is that every policy on which the two disagree has at
//! least one of these features (tested on the input, not assumed), so that a
//! policy free of them must get the same verdict, mode, max_age and mx list
//! from both:
//!
//! - `line-separators`: the peer splits lines with Python's `splitlines`,
//!   which also breaks at a bare CR, VT, FF, FS, GS, RS, NEL, U+2028/9;
//!   §3.2's `sts-policy-term` is LF or CRLF only.
//! - `blank-line`: the peer reads an empty line as a field with an empty
//!   name and ignores it; §3.2's grammar has a field on every line and at
//!   most one final line end.
//! - `malformed-line`: a line that is not `name ":" *WSP value` per
//!   `sts-policy-extension` (no colon, white space before the name or the
//!   colon, an empty value, a control character such as a tab inside a
//!   value, a name starting with `_` or `:`): the peer keeps it as some key;
//!   §3.2 makes the whole policy invalid.
//! - `duplicate-field`: a repeated `version`, `mode` or `max_age`: the peer
//!   keeps the last (a dict overwrite); we keep the first, as the issue
//!   specifies (RFC 8461 does not say; first-wins matches how the rest of
//!   the mail RFCs read repeated tags).
//! - `max-age-over-limit`: `max_age` above 31557600 (§3.2's maximum): the
//!   peer refuses the policy, we clamp (documented in `sts::policy`).
//! - `max-age-format`: a `max_age` that is not `1*10(DIGIT)` (§3.2): the
//!   peer's `int()` accepts a sign, `_` separators, surrounding white space
//!   and 11+ digits.
//! - `mx-syntax`: an `mx` value that is not `["*."] Domain` (§3.2, RFC 5321
//!   `Domain`): the peer checks nothing (a trailing dot, `*`, an address
//!   literal, an empty value...).
//! - `unicode-space`: the peer's `lstrip`/`rstrip` remove Unicode white
//!   space (NBSP...); §3.2 values are `sts-policy-vchar` and only SP/HTAB
//!   are white space.
//!
//! Environment: `MAILSEC_PEERS_PYTHON` (the venv's python; the test is
//! skipped without it unless `MAILSEC_REQUIRE_PEERS` is set).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Command, Stdio};

use mta_sts_core::sts::{MxPattern, Policy, PolicyErrorKind};

const CASES: usize = 1500;

const HELPER: &str = r#"
import sys

def main():
    try:
        from postfix_mta_sts_resolver.utils import parse_mta_sts_policy
    except Exception as exc:
        sys.stderr.write('postfix_mta_sts_resolver is not importable: %r\n' % (exc,))
        return 3
    out = []
    for line in sys.stdin.read().split('\n'):
        if not line:
            continue
        raw = bytes.fromhex(line)
        try:
            text = raw.decode('utf-8')
        except UnicodeDecodeError:
            out.append('ERR decode')
            continue
        pol = parse_mta_sts_policy(text)
        # resolver.py (STSResolver.resolve), after the fetch:
        if pol.get('version', None) != 'STSv1':
            out.append('ERR version'); continue
        try:
            max_age = int(pol.get('max_age', '-1'))
        except ValueError:
            out.append('ERR max_age'); continue
        if not 0 <= max_age <= 31557600:
            out.append('ERR max_age_range'); continue
        if 'mode' not in pol:
            out.append('ERR mode'); continue
        if pol['mode'] == 'none':
            out.append('OK\tnone\t%d\t%s' % (max_age, ','.join(m.encode('utf-8').hex() for m in pol['mx'])))
            continue
        if pol['mode'] not in ('none', 'testing', 'enforce'):
            out.append('ERR mode_value'); continue
        if not pol['mx']:
            out.append('ERR mx'); continue
        out.append('OK\t%s\t%d\t%s' % (pol['mode'], max_age, ','.join(m.encode('utf-8').hex() for m in pol['mx'])))
    sys.stdout.write('\n'.join(out) + '\n')
    return 0

sys.exit(main())
"#;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const MUTANTS: &[&str] = &[
    "version: STSv2",
    "version: stsv1",
    "Version: STSv1",
    " version: STSv1",
    "version : STSv1",
    "version:STSv1",
    "mode: Enforce",
    "mode:enforce",
    "mode:\tenforce\t",
    "mode: enforce ",
    "mode: bogus",
    "mode: testing",
    "mode: none",
    "mode:\u{a0}enforce",
    "mx: mail.example.com.",
    "mx: *",
    "mx: mx.*.example.com",
    "mx: [192.0.2.1]",
    "mx: mx_1.example.com",
    "mx:",
    "mx: -a.example",
    "mx: *.example.org",
    "mx:  spaced.example  ",
    "mx: MX.Example.COM",
    "mx: caf\u{e9}.example",
    "max_age: 31557601",
    "max_age: 31557600",
    "max_age: 9999999999",
    "max_age: 99999999999",
    "max_age: +100",
    "max_age: -1",
    "max_age: 1_000",
    "max_age: 0",
    "max_age: 00000000001",
    "max_age:  86400 ",
    "foo",
    "foo:",
    "foo: a\tb",
    "foo: a\u{1}b",
    ":bar",
    "_x: y",
    "",
    "x-y.z: hello world",
    "ext: caf\u{e9}",
    "MX: a.example",
    "max-age: 100",
];

fn generate(rng: &mut Rng) -> Vec<u8> {
    let mode = rng.pick(&["enforce", "testing", "none"]);
    let mut lines: Vec<String> = vec!["version: STSv1".into(), format!("mode: {mode}")];
    for _ in 0..rng.below(3) + usize::from(mode != "none") {
        lines.push(format!(
            "mx: {}",
            rng.pick(&[
                "mail.example.com",
                "*.example.net",
                "backupmx.example.com",
                "a.b"
            ])
        ));
    }
    lines.push(format!(
        "max_age: {}",
        rng.pick(&["604800", "86400", "1296000", "0"])
    ));
    if rng.below(3) == 0 {
        lines.push("ext_1: some value".into());
    }
    for _ in 0..rng.below(4) {
        let i = rng.below(lines.len() + 1);
        match rng.below(4) {
            0 if i < lines.len() => lines[i] = rng.pick(MUTANTS).into(),
            1 if i < lines.len() => {
                let dup = lines[i].clone();
                lines.push(dup);
            }
            2 if i < lines.len() && lines.len() > 1 => {
                lines.remove(i);
            }
            _ => lines.insert(i.min(lines.len()), rng.pick(MUTANTS).into()),
        }
    }
    // Shuffle a little.
    for _ in 0..rng.below(3) {
        let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
        lines.swap(a, b);
    }
    let eol = rng.pick(&["\n", "\n", "\r\n", "\r\n", "mixed", "\r", "\u{c}"]);
    let mut text = String::new();
    for (i, l) in lines.iter().enumerate() {
        text.push_str(l);
        let last = i + 1 == lines.len();
        let e = if eol == "mixed" {
            if i % 2 == 0 { "\n" } else { "\r\n" }
        } else {
            eol
        };
        if !last {
            text.push_str(e);
        } else {
            match rng.below(4) {
                0 => {}
                1 => {
                    text.push_str(e);
                    text.push_str(e);
                }
                _ => text.push_str(e),
            }
        }
    }
    text.into_bytes()
}

/// Our lines: split at LF, a CR before it dropped (only for classifying).
fn lines(body: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(body)
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect()
}

fn key_value(line: &str) -> Option<(&str, &str)> {
    line.split_once(':')
        .map(|(k, v)| (k, v.trim_matches([' ', '\t'])))
}

fn classes(body: &[u8]) -> Vec<&'static str> {
    let text = String::from_utf8_lossy(body);
    let ls = lines(body);
    let mut out = Vec::new();
    let seps = [
        '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}', '\u{2029}',
    ];
    if text.chars().any(|c| seps.contains(&c)) || ls.iter().any(|l| l.contains('\r')) {
        out.push("line-separators");
    }
    let body_lines = if ls.last().is_some_and(String::is_empty) {
        &ls[..ls.len() - 1]
    } else {
        &ls[..]
    };
    if body_lines.iter().any(String::is_empty) {
        out.push("blank-line");
    }
    for l in body_lines {
        let probe = format!("version: STSv1\nmode: none\nmax_age: 1\n{l}");
        let malformed = Policy::parse(probe.as_bytes()).is_err_and(|e| {
            matches!(
                e.kind,
                PolicyErrorKind::FieldName
                    | PolicyErrorKind::Colon
                    | PolicyErrorKind::FieldValue
                    | PolicyErrorKind::BareCr
            )
        });
        if malformed {
            out.push("malformed-line");
        }
    }
    for key in ["version", "mode", "max_age"] {
        if body_lines
            .iter()
            .filter(|l| key_value(l).is_some_and(|(k, _)| k == key))
            .count()
            > 1
        {
            out.push("duplicate-field");
        }
    }
    for l in body_lines {
        let Some((k, v)) = key_value(l) else { continue };
        if k == "max_age" {
            let digits = !v.is_empty() && v.len() <= 10 && v.bytes().all(|b| b.is_ascii_digit());
            if !digits {
                out.push("max-age-format");
            } else if v.parse::<u64>().unwrap() > 31_557_600 {
                out.push("max-age-over-limit");
            }
        }
        if k == "mx" && MxPattern::parse(v).is_err() {
            out.push("mx-syntax");
        }
    }
    if text.chars().any(|c| !c.is_ascii() && c.is_whitespace()) {
        out.push("unicode-space");
    }
    out
}

#[test]
fn policies_agree_with_postfix_mta_sts_resolver_up_to_known_laxness() {
    let Some(python) = mailsec_testkit::python(&["postfix_mta_sts_resolver"]) else {
        return;
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let corpus: Vec<Vec<u8>> = (0..CASES).map(|_| generate(&mut rng)).collect();
    let input: String = corpus
        .iter()
        .map(|b| b.iter().map(|x| format!("{x:02x}")).collect::<String>() + "\n")
        .collect();
    let mut child = Command::new(python)
        .args(["-c", HELPER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(answers.len(), CASES);

    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut agree, mut both_ok) = (0usize, 0usize);
    for (body, answer) in corpus.iter().zip(&answers) {
        let ours = Policy::parse(body);
        let theirs: Option<(String, u64, Vec<String>)> = answer.strip_prefix("OK\t").map(|rest| {
            let mut f = rest.split('\t');
            let mode = f.next().unwrap().to_string();
            let age = f.next().unwrap().parse().unwrap();
            let mx = f
                .next()
                .unwrap_or_default()
                .split(',')
                .filter(|h| !h.is_empty())
                .map(|h| {
                    let bytes: Vec<u8> = (0..h.len())
                        .step_by(2)
                        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                        .collect();
                    String::from_utf8(bytes).unwrap()
                })
                .collect();
            (mode, age, mx)
        });
        let same = match (&ours, &theirs) {
            (Err(_), None) => true,
            (Ok(p), Some((mode, age, mx))) => {
                both_ok += 1;
                let our_mx: Vec<&str> = p.mx().iter().map(|m| m.as_str()).collect();
                p.mode().as_str() == mode && u64::from(p.max_age()) == *age && our_mx == *mx
            }
            _ => false,
        };
        if same {
            agree += 1;
            continue;
        }
        let found = classes(body);
        assert!(
            !found.is_empty(),
            "unexplained difference on {:?}: ours {ours:?}, peer {answer:?}",
            String::from_utf8_lossy(body)
        );
        for c in found {
            *tally.entry(c).or_default() += 1;
        }
    }
    eprintln!(
        "{CASES} policies: {agree} agree ({both_ok} valid for both); explained differences by class: {tally:?}"
    );
    // The corpus must exercise both outcomes and the differences.
    assert!(both_ok > 100, "too few valid policies: {both_ok}");
    assert!(agree > CASES / 3);
}
