//! `mailsec dns NAME [TYPE] --dns FILE`: one question to the resolver, the
//! answer as JSON in the fixture format's shapes.

use mailsec_dns::{
    Answer, Failure as DnsFailure, Name, Outcome, Query, Record, RecordType, Resolver,
};
use serde_json::{Value, json};

use crate::cli::DnsArgs;
use crate::support::{Failure, print_json, resolver};

pub(crate) fn run(args: &DnsArgs) -> Result<(), Failure> {
    let zone = resolver(&args.dns)?;
    let name = Name::new(&args.name)
        .map_err(|e| Failure::new(format!("bad name {:?}: {e}", args.name)))?;
    let record_type = RecordType::from_mnemonic(&args.record_type)
        .ok_or_else(|| Failure::new(format!("unknown record type {:?}", args.record_type)))?;
    let query = Query::new(name, record_type);
    let answer = zone.lookup(&query);
    print_json(&answer_json(&query, &answer))
}

/// `{"name", "type", "outcome", "records", "authenticated"}`.
pub(crate) fn answer_json(query: &Query, answer: &Answer) -> Value {
    json!({
        "name": query.name.to_string(),
        "type": query.record_type.as_str(),
        "outcome": outcome_word(&answer.outcome),
        "records": answer.record_list().iter().map(record_json).collect::<Vec<_>>(),
        "authenticated": answer.authenticated,
    })
}

/// `records`, `nxdomain`, `nodata`, `timeout`, `servfail`, `refused`, `error`.
pub(crate) fn outcome_word(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Records(_) => "records",
        Outcome::NxDomain => "nxdomain",
        Outcome::NoData => "nodata",
        Outcome::Failed(DnsFailure::Timeout) => "timeout",
        Outcome::Failed(DnsFailure::ServerFailure) => "servfail",
        Outcome::Failed(DnsFailure::Refused) => "refused",
        Outcome::Failed(_) => "error",
    }
}

/// One record as a one-key object, as the fixture format writes it.
pub(crate) fn record_json(record: &Record) -> Value {
    let txt = |t: &mailsec_dns::Txt| {
        t.strings()
            .iter()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect::<Vec<_>>()
    };
    match record {
        Record::A(a) => json!({ "A": a.to_string() }),
        Record::Aaaa(a) => json!({ "AAAA": a.to_string() }),
        Record::Mx(mx) => json!({ "MX": [mx.preference, mx.exchange.to_string()] }),
        Record::Txt(t) => json!({ "TXT": txt(t) }),
        Record::Spf(t) => json!({ "SPF": txt(t) }),
        Record::Ptr(n) => json!({ "PTR": n.to_string() }),
        Record::Cname(n) => json!({ "CNAME": n.to_string() }),
        Record::Tlsa(t) => {
            let hex: String = t.data.iter().map(|b| format!("{b:02x}")).collect();
            json!({ "TLSA": [t.usage, t.selector, t.matching_type, hex] })
        }
        _ => json!({ "type": record.record_type().as_str() }),
    }
}
