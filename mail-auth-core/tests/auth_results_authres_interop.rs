//! Authentication-Results interop with Python `authres` (PyPI, pinned in
//! `scripts/peers-requirements.txt`).
//!
//! Both directions, through ONE Python process (cases as JSON on stdin,
//! answers as JSON on stdout, every string hex-encoded UTF-8):
//!
//! - we render a few hundred generated fields and authres parses them
//!   (`AuthenticationResultsHeader.parse('Authentication-Results: ' + v)`);
//!   the authserv-id, version, each method, result, reason and property
//!   must be what we rendered;
//! - authres builds fields (`str(AuthenticationResultsHeader(...))`) and we
//!   parse them; they must be what it was given.
//!
//! Each disagreement must fall in one of the classes below, each a known
//! authres 1.2.0 limitation read from its `core.py` (none is an RFC 8601
//! reading on which we could side with authres):
//!
//! - `non-ascii`: authres's quoted-string is ASCII-only (no RFC 6532), so a
//!   field with UTF-8 in a quoted-string does not parse;
//! - `quoted-authserv-id`: authres reads the authserv-id as a dot-atom only,
//!   though RFC 8601 allows a quoted-string (`value`);
//! - `empty-reason`: authres refuses `reason=""` (it tests the value for
//!   truth), a valid quoted-string;
//! - `version`: authres knows version 1 only and refuses any other number;
//! - `quoted-pair-kept`: authres keeps a quoted-pair's backslash in the
//!   value it returns (`"a\"b"` gives `a\"b`), and replaces characters
//!   outside printable ASCII in a reason (the tab) with `?`;
//! - `unknown-ptype-dropped`: authres drops a property whose ptype is not
//!   smtp, header, body or policy (RFC 7410 opened the registry);
//! - `quoted-pvalue-dropped`: authres drops a non-empty quoted pvalue that
//!   is not the last item of its result (it looks for `;` or the end right
//!   after it);
//! - `empty-pvalue-misread`: after an empty quoted pvalue (`""`) that is not
//!   the last item of its result, authres reads the next item's
//!   `ptype.property=` as the value (its fallback for an empty quoted-string
//!   is a bare-text match), then loses or refuses the rest;
//! - `bare-at` (authres building): authres writes any value holding `@`
//!   bare, even `a b@example.com`, which is not a pvalue, so we read another
//!   field than it was given (or refuse it).
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

use mail_auth_core::auth_results::{AuthenticationResults, MethodResult};
use mailsec_dns::yaml_rust2::{Yaml, YamlLoader};

const CASES: usize = 400;
const BUILD_CASES: usize = 200;

const HELPER: &str = r#"
import json
import sys


def hx(s):
    return None if s is None else str(s).encode('utf-8').hex()


def main():
    try:
        import authres
        import authres.core
    except Exception as exc:
        sys.stderr.write('authres is not importable: %r\n' % (exc,))
        return 3
    data = json.loads(sys.stdin.buffer.read().decode('utf-8'))
    parsed = []
    for value in data['parse']:
        try:
            h = authres.AuthenticationResultsHeader.parse('Authentication-Results: ' + value)
        except Exception as exc:
            parsed.append({'ok': False, 'error': hx('%s: %s' % (type(exc).__name__, exc))})
            continue
        results = []
        for r in h.results:
            results.append({
                'method': hx(r.method),
                'version': hx(r.version),
                'result': hx(r.result),
                'reason': hx(r.reason),
                'props': [[hx(p.type), hx(p.name), hx(p.value)] for p in r.properties],
            })
        parsed.append({'ok': True, 'id': hx(h.authserv_id), 'version': hx(h.version),
                       'results': results})
    built = []
    for spec in data['build']:
        results = []
        for r in spec['results']:
            props = [authres.core.AuthenticationResultProperty(t, n, v) for t, n, v in r['props']]
            results.append(authres.result(r['method'], r['version'], r['result'], None,
                                          r['reason'], None, props))
        h = authres.AuthenticationResultsHeader(authserv_id=spec['id'], version=spec['version'],
                                                results=results)
        built.append(hx(str(h)))
    json.dump({'authres': authres.__version__, 'parsed': parsed, 'built': built}, sys.stdout)
    return 0


sys.exit(main())
"#;

/// xorshift64*: deterministic cases.
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
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    /// Mostly one of the first `common` items, sometimes any.
    fn mostly<'a>(&mut self, items: &[&'a str], common: usize) -> &'a str {
        if self.chance(75) {
            self.pick(&items[..common])
        } else {
            self.pick(items)
        }
    }
}

const IDS: &[&str] = &[
    "mx.example.org",
    "MX.Example.COM",
    "example.net",
    "a-b.c_d.example",
    "mx1",
    "mx.example.org",
    "example.net",
    "my server",
    "mx.bücher.example",
];
const METHODS: &[&str] = &[
    "spf",
    "dkim",
    "dmarc",
    "iprev",
    "auth",
    "arc",
    "x-tls",
    "sender-id",
    "bimi",
    "dkim-atps",
];
const RESULTS: &[&str] = &[
    "pass",
    "fail",
    "softfail",
    "neutral",
    "none",
    "temperror",
    "permerror",
    "policy",
    "hardfail",
    "PASS",
];
const REASONS: &[&str] = &[
    "good signature",
    "token",
    "a \"quoted\" word",
    "back\\slash",
    "semi;colon (paren)",
    "",
    "clé révoquée",
    "x=y/z",
    "tab\there",
    "100",
];
const PTYPES: &[&str] = &[
    "smtp", "header", "body", "policy", "smtp", "header", "policy", "x-ptype",
];
const NAMES: &[&str] = &[
    "mailfrom",
    "helo",
    "auth",
    "d",
    "i",
    "s",
    "a",
    "b",
    "from",
    "iprev",
    "dmarc",
    "published-domain-policy",
    "rcptto",
];
const VALUES: &[&str] = &[
    "example.com",
    "user@example.com",
    "@example.com",
    "192.0.2.1",
    "Ab/+cd==",
    "2001:db8::1",
    "with space",
    "q\"uote",
    "ü@example.com",
    "a..b@example.com",
    "rsa-sha256",
    "",
    "back\\slash",
];

fn generate_ours(rng: &mut Rng) -> AuthenticationResults {
    let mut ar = AuthenticationResults::new(rng.mostly(IDS, 5)).unwrap();
    match rng.below(20) {
        0..=4 => ar = ar.with_version(1),
        5 => ar = ar.with_version(2),
        _ => {}
    }
    for _ in 0..rng.below(5) {
        let mut r = MethodResult::new(rng.pick(METHODS), rng.pick(RESULTS)).unwrap();
        if rng.chance(10) {
            r = r.with_method_version(1);
        }
        if rng.chance(40) {
            r = r.with_reason(rng.mostly(REASONS, 2)).unwrap();
        }
        for _ in 0..rng.below(5) {
            r = r
                .with_property(
                    rng.mostly(PTYPES, 7),
                    rng.pick(NAMES),
                    rng.mostly(VALUES, 4),
                )
                .unwrap();
        }
        ar.push(r).unwrap();
    }
    ar
}

/// What authres returns for a quoted-string: the content with its
/// quoted-pairs undecoded.
fn kept_pairs(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// authres's reason: quoted-pairs kept, non-printable ASCII as `?`.
fn authres_reason(text: &str) -> String {
    kept_pairs(text)
        .chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
        .collect()
}

fn hex(y: &Yaml) -> Option<String> {
    match y {
        Yaml::Null => None,
        Yaml::String(s) => {
            let bytes: Vec<u8> = (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect();
            Some(String::from_utf8(bytes).unwrap())
        }
        other => panic!("unexpected {other:?}"),
    }
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_opt(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => json_str(out, s),
        None => out.push_str("null"),
    }
}

/// A field for authres to build: (id, version, results of (method,
/// version, result, reason, props)).
struct BuildSpec {
    id: &'static str,
    version: Option<&'static str>,
    results: Vec<BuildResult>,
}

struct BuildResult {
    method: &'static str,
    version: Option<&'static str>,
    result: &'static str,
    reason: Option<&'static str>,
    props: Vec<(&'static str, &'static str, &'static str)>,
}

/// (value, authres writes it bare though it is not a pvalue).
const BUILD_VALUES: &[(&str, bool)] = &[
    ("example.com", false),
    ("user@example.com", false),
    ("@example.com", false),
    ("with space", false),
    ("Ab/+cd==", false),
    ("2001:db8::1", false),
    ("q\"uote", false),
    ("a b@example.com", true),
    ("192.0.2.1", false),
];
const BUILD_REASONS: &[(&str, bool)] = &[
    ("good signature", false),
    ("token", false),
    ("a \"q\" b", false),
    ("x;y", false),
    ("mail from a@b.example", true),
];

fn generate_build(rng: &mut Rng) -> (BuildSpec, bool) {
    let mut bare_at = false;
    let id = rng.pick(&["mx.example.org", "Example.NET", "a-b.example", "mx1"]);
    let version = rng.chance(30).then_some("1");
    let mut results = Vec::new();
    for _ in 0..rng.below(4) {
        let reason = rng.chance(40).then(|| {
            let (r, bad) = BUILD_REASONS[rng.below(BUILD_REASONS.len())];
            bare_at |= bad;
            r
        });
        let mut props = Vec::new();
        for _ in 0..rng.below(4) {
            let (v, bad) = BUILD_VALUES[rng.below(BUILD_VALUES.len())];
            bare_at |= bad;
            props.push((rng.pick(&PTYPES[..7]), rng.pick(NAMES), v));
        }
        results.push(BuildResult {
            method: rng.pick(METHODS),
            version: rng.chance(10).then_some("1"),
            result: rng.pick(RESULTS),
            reason,
            props,
        });
    }
    (
        BuildSpec {
            id,
            version,
            results,
        },
        bare_at,
    )
}

fn spec_json(out: &mut String, spec: &BuildSpec) {
    out.push_str("{\"id\":");
    json_str(out, spec.id);
    out.push_str(",\"version\":");
    json_opt(out, spec.version);
    out.push_str(",\"results\":[");
    for (i, r) in spec.results.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"method\":");
        json_str(out, r.method);
        out.push_str(",\"version\":");
        json_opt(out, r.version);
        out.push_str(",\"result\":");
        json_str(out, r.result);
        out.push_str(",\"reason\":");
        json_opt(out, r.reason);
        out.push_str(",\"props\":[");
        for (j, (t, n, v)) in r.props.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push('[');
            json_str(out, t);
            out.push(',');
            json_str(out, n);
            out.push(',');
            json_str(out, v);
            out.push(']');
        }
        out.push_str("]}");
    }
    out.push_str("]}");
}

/// Why authres read our field differently, or `Err` when nothing explains it.
fn compare_parsed(
    ours: &AuthenticationResults,
    py: &Yaml,
    classes: &mut BTreeMap<&'static str, usize>,
) -> Result<(), String> {
    let rendered = ours.to_string();
    let non_ascii = !rendered.is_ascii();
    let quoted_id = rendered.starts_with('"');
    let empty_reason = ours.results().iter().any(|r| r.reason() == Some(""));
    let version = ours.version().is_some_and(|v| v != 1);
    if py["ok"].as_bool() != Some(true) {
        let error = hex(&py["error"]).unwrap_or_default();
        for (class, applies) in [
            ("non-ascii", non_ascii),
            ("quoted-authserv-id", quoted_id),
            ("empty-reason", empty_reason),
            ("version", version),
        ] {
            if applies {
                *classes.entry(class).or_default() += 1;
                return Ok(());
            }
        }
        return Err(format!("authres refused it: {error}"));
    }
    let id = hex(&py["id"]).unwrap_or_default();
    if !id.eq_ignore_ascii_case(ours.authserv_id()) {
        return Err(format!("authserv-id {id:?}"));
    }
    let py_version = hex(&py["version"]);
    if py_version != ours.version().map(|v| v.to_string()) {
        return Err(format!("version {py_version:?}"));
    }
    let results = py["results"].as_vec().unwrap();
    if results.len() != ours.results().len() {
        return Err(format!("{} results", results.len()));
    }
    for (r, p) in ours.results().iter().zip(results) {
        let method = hex(&p["method"]).unwrap_or_default();
        let result = hex(&p["result"]).unwrap_or_default();
        let mversion = hex(&p["version"]);
        if method != r.method()
            || result != r.result()
            || mversion != r.method_version().map(|v| v.to_string())
        {
            return Err(format!("method {method}/{mversion:?}={result}"));
        }
        let reason = hex(&p["reason"]);
        match (r.reason(), reason.as_deref()) {
            (a, b) if a == b => {}
            (Some(a), Some(b)) if authres_reason(a) == b => {
                *classes.entry("quoted-pair-kept").or_default() += 1;
            }
            (a, b) => return Err(format!("reason {a:?} vs {b:?}")),
        }
        // The properties authres keeps, and the values it returns.
        let count = r.properties().len();
        let mut expected = Vec::new();
        for (i, prop) in r.properties().iter().enumerate() {
            let quoted = prop.to_string().contains("=\"");
            if !["smtp", "header", "body", "policy"].contains(&prop.ptype()) {
                *classes.entry("unknown-ptype-dropped").or_default() += 1;
            } else if quoted && !prop.value().is_empty() && i + 1 < count {
                *classes.entry("quoted-pvalue-dropped").or_default() += 1;
            } else {
                expected.push(prop);
            }
        }
        let got: Vec<(String, String, String)> = p["props"]
            .as_vec()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    hex(&t[0]).unwrap_or_default(),
                    hex(&t[1]).unwrap_or_default(),
                    hex(&t[2]).unwrap_or_default(),
                )
            })
            .collect();
        if got.len() != expected.len() {
            return Err(format!("properties {got:?}"));
        }
        for (e, (t, n, v)) in expected.iter().zip(&got) {
            if (e.ptype(), e.name()) != (t.as_str(), n.as_str()) {
                return Err(format!("property {t}.{n}"));
            }
            if e.value() != v {
                if kept_pairs(e.value()) == *v {
                    *classes.entry("quoted-pair-kept").or_default() += 1;
                } else {
                    return Err(format!("property {t}.{n}={v:?}, ours {:?}", e.value()));
                }
            }
        }
    }
    Ok(())
}

/// Whether a result has an empty property value before its last item.
fn empty_pvalue_not_last(ar: &AuthenticationResults) -> bool {
    ar.results().iter().any(|r| {
        let props = r.properties();
        props
            .iter()
            .take(props.len().saturating_sub(1))
            .any(|p| p.value().is_empty())
    })
}

/// Whether our reading of authres's text is the field it was given.
fn compare_built(spec: &BuildSpec, ours: &AuthenticationResults) -> Result<(), String> {
    if !ours.authserv_id().eq_ignore_ascii_case(spec.id) {
        return Err(format!("authserv-id {:?}", ours.authserv_id()));
    }
    if ours.version().map(|v| v.to_string()).as_deref() != spec.version {
        return Err(format!("version {:?}", ours.version()));
    }
    if ours.results().len() != spec.results.len() {
        return Err(format!("{} results", ours.results().len()));
    }
    for (r, s) in ours.results().iter().zip(&spec.results) {
        if r.method() != s.method.to_ascii_lowercase()
            || r.result() != s.result.to_ascii_lowercase()
            || r.method_version().map(|v| v.to_string()).as_deref() != s.version
            || r.reason() != s.reason
        {
            return Err(format!("result {r}"));
        }
        let got: Vec<_> = r
            .properties()
            .iter()
            .map(|p| (p.ptype(), p.name(), p.value()))
            .collect();
        if got != s.props {
            return Err(format!("properties {got:?}"));
        }
    }
    Ok(())
}

#[test]
fn authres_reads_what_we_write_and_we_read_what_it_writes() {
    let Some(python) = mailsec_testkit::python(&["authres"]) else {
        return;
    };
    let mut rng = Rng(0x5eed_8601_0000_0001);
    let ours: Vec<AuthenticationResults> = (0..CASES).map(|_| generate_ours(&mut rng)).collect();
    let built: Vec<(BuildSpec, bool)> =
        (0..BUILD_CASES).map(|_| generate_build(&mut rng)).collect();

    let mut input = String::from("{\"parse\":[");
    for (i, ar) in ours.iter().enumerate() {
        if i > 0 {
            input.push(',');
        }
        json_str(&mut input, &ar.to_string());
    }
    input.push_str("],\"build\":[");
    for (i, (spec, _)) in built.iter().enumerate() {
        if i > 0 {
            input.push(',');
        }
        spec_json(&mut input, spec);
    }
    input.push_str("]}");

    let mut child = Command::new(&python)
        .args(["-c", HELPER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(3) {
        assert!(
            std::env::var_os("MAILSEC_REQUIRE_PEERS").is_none(),
            "MAILSEC_REQUIRE_PEERS is set but authres is not available: {stderr}"
        );
        eprintln!("skipped: {}", stderr.trim());
        return;
    }
    assert!(
        output.status.success(),
        "the authres helper failed ({}): {stderr}",
        output.status
    );
    let doc = &YamlLoader::load_from_str(&String::from_utf8(output.stdout).unwrap()).unwrap()[0];

    // Direction 1: authres parses what we render.
    let parsed = doc["parsed"].as_vec().unwrap();
    assert_eq!(parsed.len(), ours.len());
    let mut classes = BTreeMap::new();
    let mut agreed = 0;
    let mut unexplained = Vec::new();
    for (ar, py) in ours.iter().zip(parsed) {
        let before: usize = classes.values().sum();
        match compare_parsed(ar, py, &mut classes) {
            Ok(()) if classes.values().sum::<usize>() == before => agreed += 1,
            Ok(()) => {}
            Err(_) if empty_pvalue_not_last(ar) => {
                *classes.entry("empty-pvalue-misread").or_default() += 1;
            }
            Err(why) => unexplained.push(format!("{ar}\n    {why}")),
        }
    }

    // Direction 2: we parse what authres builds.
    let texts = doc["built"].as_vec().unwrap();
    assert_eq!(texts.len(), built.len());
    let mut built_agreed = 0;
    for ((spec, bare_at), text) in built.iter().zip(texts) {
        let text = hex(text).unwrap();
        let value = text.strip_prefix("Authentication-Results: ").unwrap();
        let outcome = AuthenticationResults::parse(value)
            .map_err(|e| e.to_string())
            .and_then(|ar| compare_built(spec, &ar));
        match outcome {
            Ok(()) => built_agreed += 1,
            Err(_) if *bare_at => *classes.entry("bare-at").or_default() += 1,
            Err(why) => unexplained.push(format!("authres built {text:?}\n    {why}")),
        }
    }

    eprintln!(
        "authres {}: {agreed}/{CASES} of our fields read identically, {built_agreed}/{BUILD_CASES} of its fields \
         read identically by us; explained differences: {classes:?}",
        doc["authres"].as_str().unwrap_or("?"),
    );
    assert!(
        unexplained.is_empty(),
        "{} unexplained disagreements:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    // Most cases must agree outright, or the generator tests nothing.
    assert!(agreed * 3 > CASES, "only {agreed} agreements");
    assert!(
        built_agreed * 2 > BUILD_CASES,
        "only {built_agreed} agreements"
    );
}
