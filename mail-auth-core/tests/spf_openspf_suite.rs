//! The openspf RFC 7208 test suite (`../shared/vectors/spf/rfc7208-tests.yml`)
//! through the library, with the suite driver's rules of
//! `../shared/vectors/README.md`. Skipped when `../shared` is absent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

use std::path::PathBuf;

use mail_auth_core::spf::{SpfConfig, SpfEvaluator};
use mailsec_dns::Fixture;
use mailsec_dns::yaml_rust2::{Yaml, YamlLoader};

fn suite() -> Option<Vec<Yaml>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors/spf/rfc7208-tests.yml");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(YamlLoader::load_from_str(&text).unwrap()),
        Err(_) => {
            // CI sets MAILSEC_REQUIRE_VECTORS: there, a missing suite is a failure.
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

#[test]
fn every_case_of_the_openspf_suite() {
    let Some(docs) = suite() else { return };
    let mut total = 0;
    let mut failures = Vec::new();
    for doc in &docs {
        let scenario = text(&doc["description"]);
        let mut fixture = Fixture::from_yaml(&doc["zonedata"]).unwrap();
        fixture.serve_spf_as_txt();
        let Yaml::Hash(tests) = &doc["tests"] else {
            panic!("tests")
        };
        for (name, case) in tests {
            total += 1;
            let name = text(name);
            let ip = text(&case["host"]).parse().unwrap();
            let helo = text(&case["helo"]);
            let mailfrom = text(&case["mailfrom"]);
            let expected: Vec<String> = match &case["result"] {
                Yaml::Array(words) => words.iter().map(text).collect(),
                word => vec![text(word)],
            };
            let mut config = SpfConfig::new(1_700_000_000);
            config.deadline = None;
            let mut evaluator = SpfEvaluator::mail_from(ip, &helo, &mailfrom, config);
            let outcome = mailsec_dns::drive(&mut evaluator, fixture.resolver()).unwrap();
            let got = outcome.result.as_str();
            let mut ok = expected.iter().any(|w| w == got);
            let mut detail = String::new();
            if let Some(exp) = case["explanation"].as_str() {
                let want = if exp == "DEFAULT" { None } else { Some(exp) };
                if outcome.explanation.as_deref() != want {
                    ok = false;
                    detail = format!(", explanation {:?} (want {want:?})", outcome.explanation);
                }
            }
            if !ok {
                failures.push(format!(
                    "{scenario} / {name}: got {got} (want {expected:?}){detail}; problem {:?}",
                    outcome.problem
                ));
            }
        }
    }
    eprintln!(
        "openspf suite: {} of {total} cases pass",
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
