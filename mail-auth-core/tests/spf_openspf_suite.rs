//! The openspf RFC 7208 test suite (`../shared/vectors/spf/rfc7208-tests.yml`)
//! through the library, with the suite driver's rules of
//! `../shared/vectors/README.md`. Skipped when `../shared` is absent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mail_auth_core::spf::{SpfConfig, SpfEvaluator};
use mailsec_testkit::openspf;

#[test]
fn every_case_of_the_openspf_suite() {
    let Some(scenarios) = openspf::scenarios() else {
        return;
    };
    let mut total = 0;
    let mut failures = Vec::new();
    for scenario in &scenarios {
        for case in &scenario.cases {
            total += 1;
            let mut config = SpfConfig::new(1_700_000_000);
            config.deadline = None;
            let ip = case.host.parse().unwrap();
            let mut evaluator = SpfEvaluator::mail_from(ip, &case.helo, &case.mailfrom, config);
            let outcome = mailsec_dns::drive(&mut evaluator, scenario.served.resolver()).unwrap();
            let got = outcome.result.as_str();
            let mut ok = case.results.iter().any(|w| w == got);
            let mut detail = String::new();
            if let Some(want) = &case.explanation
                && outcome.explanation != *want
            {
                ok = false;
                detail = format!(", explanation {:?} (want {want:?})", outcome.explanation);
            }
            if !ok {
                failures.push(format!(
                    "{} / {}: got {got} (want {:?}){detail}; problem {:?}",
                    scenario.description, case.name, case.results, outcome.problem
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
