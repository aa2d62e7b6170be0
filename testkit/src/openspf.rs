//! The openspf RFC 7208 test suite (`../shared/vectors/spf/rfc7208-tests.yml`):
//! 16 scenarios, each a zone and named cases, read with the suite driver's
//! rules of `../shared/vectors/README.md`.

use mailsec_dns::Fixture;
use mailsec_dns::yaml_rust2::{Yaml, YamlLoader};

/// Where the suite lives under `../shared/vectors`.
pub const PATH: &str = "spf/rfc7208-tests.yml";

/// One scenario: a zone and its cases.
#[derive(Debug)]
pub struct Scenario {
    /// The scenario's description.
    pub description: String,
    /// The zone as written.
    pub zone: Fixture,
    /// The zone as the suite's driver serves it (SPF records as TXT too).
    pub served: Fixture,
    /// The zone's YAML, for tests that look at it directly.
    pub zonedata: Yaml,
    /// The cases, in order.
    pub cases: Vec<Case>,
}

/// One case of a scenario.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case's name.
    pub name: String,
    /// The client address, as written.
    pub host: String,
    /// The HELO name.
    pub helo: String,
    /// The MAIL FROM (empty for the null reverse-path).
    pub mailfrom: String,
    /// The acceptable results.
    pub results: Vec<String>,
    /// The expected explanation: `Some(None)` for `DEFAULT` (none supplied
    /// by the domain), `None` when the case does not check it.
    pub explanation: Option<Option<String>>,
}

/// The suite's scenarios; `None` when `../shared` is absent (see
/// [`vector`](crate::vector)).
pub fn scenarios() -> Option<Vec<Scenario>> {
    let bytes = crate::vector(PATH)?;
    let text = String::from_utf8(bytes).expect("the suite is UTF-8");
    let docs = YamlLoader::load_from_str(&text).expect("the suite is YAML");
    Some(docs.iter().map(scenario).collect())
}

fn text(y: &Yaml) -> String {
    match y {
        Yaml::String(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Null | Yaml::BadValue => String::new(),
        other => panic!("unexpected value {other:?} in the suite"),
    }
}

fn scenario(doc: &Yaml) -> Scenario {
    let zonedata = doc["zonedata"].clone();
    let zone = Fixture::from_yaml(&zonedata).expect("the suite's zones load");
    let mut served = zone.clone();
    served.serve_spf_as_txt();
    let Yaml::Hash(tests) = &doc["tests"] else {
        panic!("a scenario without tests")
    };
    let cases = tests
        .iter()
        .map(|(name, case)| Case {
            name: text(name),
            host: text(&case["host"]),
            helo: text(&case["helo"]),
            mailfrom: text(&case["mailfrom"]),
            results: match &case["result"] {
                Yaml::Array(words) => words.iter().map(text).collect(),
                word => vec![text(word)],
            },
            explanation: case["explanation"]
                .as_str()
                .map(|e| (e != "DEFAULT").then(|| e.to_string())),
        })
        .collect();
    Scenario {
        description: text(&doc["description"]),
        zone,
        served,
        zonedata,
        cases,
    }
}
