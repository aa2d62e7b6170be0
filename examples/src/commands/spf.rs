//! `mailsec spf --ip IP --helo NAME --sender ADDR [--dns FILE] [--now T]`.

use mail_auth_core::spf::{SpfConfig, SpfEvaluator, SpfOutcome};
use serde_json::{Map, Value, json};

use crate::cli::SpfArgs;
use crate::support::{Failure, now, parse_ip, print_json, resolver};

pub(crate) fn run(args: &SpfArgs) -> Result<(), Failure> {
    let ip = parse_ip(&args.ip)?;
    let zone = resolver(&args.dns)?;
    let start = now(&args.now);
    let config = SpfConfig::new(start);
    let mut spf = SpfEvaluator::mail_from(ip, &args.helo, &args.sender, config);
    let outcome = mailsec_dns::drive(&mut spf, &zone)
        .map_err(|e| Failure::new(format!("internal error driving SPF: {e}")))?;
    print_json(&outcome_json(&outcome))
}

/// The contract's SPF object: `result`, `explanation` (on `fail`, when the
/// domain gives one), `mechanism` (when a directive matched), `identity`,
/// `dns_lookups`; plus `void_lookups`, `domain` and `problem`.
pub(crate) fn outcome_json(outcome: &SpfOutcome) -> Value {
    let mut out = Map::new();
    out.insert("result".into(), json!(outcome.result.as_str()));
    if let Some(e) = &outcome.explanation {
        out.insert("explanation".into(), json!(e));
    }
    if let Some(m) = &outcome.mechanism {
        out.insert("mechanism".into(), json!(m));
    }
    out.insert("identity".into(), json!(outcome.identity.as_str()));
    out.insert("dns_lookups".into(), json!(outcome.dns_lookups));
    out.insert("void_lookups".into(), json!(outcome.void_lookups));
    out.insert("domain".into(), json!(outcome.domain));
    if let Some(p) = &outcome.problem {
        out.insert("problem".into(), json!(p));
    }
    Value::Object(out)
}
