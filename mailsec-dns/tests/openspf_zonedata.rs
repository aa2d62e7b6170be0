//! Every `zonedata` of the openspf RFC 7208 suite loads into the fixture
//! resolver and answers as the suite's driver rules say
//! (`../shared/vectors/README.md`). Skipped when `../shared` is absent.
#![cfg(feature = "fixtures")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

use mailsec_dns::yaml_rust2::{Yaml, YamlLoader};
use mailsec_dns::{Failure, Fixture, Name, Outcome, Query, RecordType};

fn suite() -> Option<String> {
    mailsec_testkit::vector(mailsec_testkit::openspf::PATH).map(|b| String::from_utf8(b).unwrap())
}

fn str_key(y: &Yaml) -> String {
    match y {
        Yaml::String(s) => s.clone(),
        other => panic!("unexpected key {other:?}"),
    }
}

#[test]
fn every_scenario_loads_and_answers_by_the_driver_rules() {
    let Some(text) = suite() else { return };
    let docs = YamlLoader::load_from_str(&text).unwrap();
    assert_eq!(docs.len(), 16, "the suite has 16 scenarios");
    let mut names_checked = 0;
    for doc in &docs {
        let zonedata = &doc["zonedata"];
        let mut fixture = Fixture::from_yaml(zonedata)
            .unwrap_or_else(|e| panic!("{}: {e}", doc["description"].as_str().unwrap_or("?")));
        let raw = fixture.clone();
        fixture.serve_spf_as_txt();
        let Yaml::Hash(map) = zonedata else {
            panic!("zonedata is a mapping")
        };
        for (owner, items) in map {
            let name = Name::new(&str_key(owner)).unwrap();
            let items = items.as_vec().unwrap();
            let mut txt = 0;
            let mut spf = 0;
            let mut timeout = false;
            let mut txt_none = false;
            for item in items {
                match item {
                    Yaml::String(s) if s == "TIMEOUT" => timeout = true,
                    Yaml::Hash(h) => {
                        let (k, v) = h.iter().next().unwrap();
                        match (str_key(k).as_str(), v.as_str()) {
                            ("TXT", Some("NONE")) => txt_none = true,
                            ("SPF", Some("NONE")) => {}
                            ("TXT", _) => txt += 1,
                            ("SPF", _) => spf += 1,
                            _ => {}
                        }
                    }
                    other => panic!("unexpected item {other:?}"),
                }
            }
            let cname = raw
                .resolver()
                .records_at(&name)
                .iter()
                .any(|r| r.record_type() == RecordType::Cname);
            if cname {
                // Answered from the alias target; its own entry is checked.
                let target = fixture.resolver().answer(&Query::txt(name.clone()));
                assert!(!matches!(target.outcome, Outcome::NxDomain), "{name}");
                names_checked += 1;
                continue;
            }
            let query = Query::txt(name.clone());
            let before = raw.resolver().answer(&query);
            let after = fixture.resolver().answer(&query);
            // The resolver alone serves only the TXT records listed.
            assert_eq!(before.txt().count(), txt, "{name}");
            assert_eq!(raw.declared_none(&name, RecordType::Txt), txt_none);
            // The driver rule: SPF records become TXT when no TXT (or NONE) is listed.
            let expected_txt = if txt == 0 && !txt_none { spf } else { txt };
            assert_eq!(after.txt().count(), expected_txt, "{name}");
            if expected_txt == 0 {
                let want = if timeout {
                    Outcome::Failed(Failure::Timeout)
                } else {
                    Outcome::NoData
                };
                assert_eq!(after.outcome, want, "{name}");
            }
            names_checked += 1;
        }
    }
    assert!(names_checked > 200, "checked {names_checked} names");
}
