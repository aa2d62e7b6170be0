//! The openspf RFC 7208 suite through the command line: every case runs
//! `mailsec spf --dns FIXTURE`, the fixture being the scenario's zone with the
//! suite driver's rule applied (SPF records served as TXT, see
//! `../shared/vectors/README.md`). Skipped when `../shared` is absent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::Command;

use mailsec_dns::yaml_rust2::{Yaml, YamlLoader};
use mailsec_dns::{Fixture, MemoryResolver, Record};
use serde_json::{Value, json};

fn suite() -> Option<Vec<Yaml>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors/spf/rfc7208-tests.yml");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(YamlLoader::load_from_str(&text).unwrap()),
        Err(_) => {
            assert!(
                std::env::var_os("MAILSEC_REQUIRE_VECTORS").is_none(),
                "{} is absent but MAILSEC_REQUIRE_VECTORS is set",
                path.display()
            );
            eprintln!(
                "skipped: {} is absent (no ../shared beside the repository)",
                path.display()
            );
            None
        }
    }
}

fn text(y: &Yaml) -> String {
    match y {
        Yaml::String(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Null | Yaml::BadValue => String::new(),
        other => panic!("unexpected {other:?}"),
    }
}

/// The zone in the `--dns` format (JSON is YAML).
fn fixture_json(zone: &MemoryResolver) -> Value {
    let mut out = serde_json::Map::new();
    for name in zone.names() {
        let mut items: Vec<Value> = zone
            .records_at(name)
            .iter()
            .map(|r| match r {
                Record::A(a) => json!({ "A": a.to_string() }),
                Record::Aaaa(a) => json!({ "AAAA": a.to_string() }),
                Record::Mx(m) => json!({ "MX": [m.preference, m.exchange.to_string()] }),
                Record::Ptr(p) => json!({ "PTR": p.to_string() }),
                Record::Cname(c) => json!({ "CNAME": c.to_string() }),
                Record::Txt(t) | Record::Spf(t) => {
                    let key = if matches!(r, Record::Txt(_)) {
                        "TXT"
                    } else {
                        "SPF"
                    };
                    let strings: Vec<String> = t
                        .strings()
                        .iter()
                        .map(|s| String::from_utf8(s.clone()).unwrap())
                        .collect();
                    json!({ key: strings })
                }
                other => panic!("unexpected record {other:?}"),
            })
            .collect();
        if zone.times_out(name) {
            items.push(json!("TIMEOUT"));
        }
        out.insert(name.to_string(), Value::Array(items));
    }
    Value::Object(out)
}

#[test]
fn every_case_through_mailsec_spf() {
    let Some(docs) = suite() else { return };
    let dir = std::env::temp_dir().join(format!("mailsec-spf-suite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut total = 0;
    let mut failures = Vec::new();
    for (n, doc) in docs.iter().enumerate() {
        let mut fixture = Fixture::from_yaml(&doc["zonedata"]).unwrap();
        fixture.serve_spf_as_txt();
        let path = dir.join(format!("zone{n}.json"));
        std::fs::write(
            &path,
            serde_json::to_vec(&fixture_json(fixture.resolver())).unwrap(),
        )
        .unwrap();
        let Yaml::Hash(tests) = &doc["tests"] else {
            panic!("tests")
        };
        for (name, case) in tests {
            total += 1;
            let expected: Vec<String> = match &case["result"] {
                Yaml::Array(words) => words.iter().map(text).collect(),
                word => vec![text(word)],
            };
            let out = Command::new(env!("CARGO_BIN_EXE_mailsec"))
                .args([
                    "spf",
                    "--ip",
                    &text(&case["host"]),
                    "--helo",
                    &text(&case["helo"]),
                ])
                .args(["--sender", &text(&case["mailfrom"]), "--now", "1700000000"])
                .arg("--dns")
                .arg(&path)
                .output()
                .unwrap();
            let name = text(name);
            if out.status.code() != Some(0) {
                failures.push(format!(
                    "{name}: exit {:?}: {}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                ));
                continue;
            }
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            let got = v["result"].as_str().unwrap_or_default().to_string();
            let mut ok = expected.contains(&got);
            if let Some(exp) = case["explanation"].as_str() {
                let want = if exp == "DEFAULT" {
                    Value::Null
                } else {
                    json!(exp)
                };
                ok &= v.get("explanation").cloned().unwrap_or(Value::Null) == want;
            }
            let identity = if text(&case["mailfrom"]).is_empty() {
                "helo"
            } else {
                "mailfrom"
            };
            ok &= v["identity"] == identity;
            if !ok {
                failures.push(format!("{name}: {v} (want {expected:?})"));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "openspf suite through mailsec spf: {} of {total} cases pass",
        total - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(total, 203);
}
