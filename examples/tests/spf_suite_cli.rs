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

use std::process::Command;

use mailsec_dns::{MemoryResolver, Record};
use mailsec_testkit::openspf;
use serde_json::{Value, json};

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
    let Some(scenarios) = openspf::scenarios() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("mailsec-spf-suite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut total = 0;
    let mut failures = Vec::new();
    for (n, scenario) in scenarios.iter().enumerate() {
        let path = dir.join(format!("zone{n}.json"));
        let zone = fixture_json(scenario.served.resolver());
        std::fs::write(&path, serde_json::to_vec(&zone).unwrap()).unwrap();
        for case in &scenario.cases {
            total += 1;
            let out = Command::new(env!("CARGO_BIN_EXE_mailsec"))
                .args(["spf", "--ip", &case.host, "--helo", &case.helo])
                .args(["--sender", &case.mailfrom, "--now", "1700000000"])
                .arg("--dns")
                .arg(&path)
                .output()
                .unwrap();
            if out.status.code() != Some(0) {
                let err = String::from_utf8_lossy(&out.stderr);
                failures.push(format!(
                    "{}: exit {:?}: {err}",
                    case.name,
                    out.status.code()
                ));
                continue;
            }
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            let got = v["result"].as_str().unwrap_or_default().to_string();
            let mut ok = case.results.contains(&got);
            if let Some(want) = &case.explanation {
                let want = want.as_ref().map_or(Value::Null, |e| json!(e));
                ok &= v.get("explanation").cloned().unwrap_or(Value::Null) == want;
            }
            let identity = if case.mailfrom.is_empty() {
                "helo"
            } else {
                "mailfrom"
            };
            ok &= v["identity"] == identity;
            if !ok {
                failures.push(format!("{}: {v} (want {:?})", case.name, case.results));
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
