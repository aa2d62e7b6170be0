//! `mailsec dmarc` (SPF, DKIM and DMARC for one message), `mailsec dmarc
//! record` and `mailsec dmarc report`.

use std::path::Path;

use mail_auth_core::dmarc::{
    DmarcConfig, DmarcEvaluator, DmarcInput, DmarcOutcome, DmarcRecord, DmarcRules, PolicySource,
    PublicSuffixList, author_domain,
};
use mail_auth_core::spf::{SpfConfig, SpfEvaluator};
use mailsec_message::{HeaderBlock, Limits};
use serde_json::{Map, Value, json};

use crate::cli::DmarcArgs;
use crate::commands::{dkim, spf};
use crate::support::{Failure, now, parse_ip, print_json, resolver};

/// `mailsec dmarc --ip IP --helo NAME --sender ADDR [--dns FILE] [--now T]
/// [--authserv-id ID] [--rfc7489] [--pct-sample N] [MESSAGE]`.
pub(crate) fn run(args: &DmarcArgs) -> Result<(), Failure> {
    let ip = parse_ip(args.ip.as_deref().unwrap_or_default())?;
    let helo = args.helo.as_deref().unwrap_or_default();
    let sender = args.sender.as_deref().unwrap_or_default();
    let zone = resolver(&args.dns)?;
    let now = now(&args.now);
    let pct_sample = match args.pct_sample {
        Some(n) if n <= 99 => n,
        Some(n) => {
            return Err(Failure::new(format!(
                "invalid --pct-sample {n}: use a number from 0 to 99"
            )));
        }
        // Without a number the message counts as sampled (the policy applies
        // in full unless pct=0): the command's output stays reproducible.
        None => 0,
    };

    let mut spf_machine = SpfEvaluator::mail_from(ip, helo, sender, SpfConfig::new(now));
    let spf_outcome = mailsec_dns::drive(&mut spf_machine, &zone)
        .map_err(|e| Failure::new(format!("internal error driving SPF: {e}")))?;

    let (header, dkim_outcomes) = dkim::verify_message(&zone, now, args.message.as_deref())?;
    let author = HeaderBlock::parse(&header, &Limits::default())
        .map_err(|e| Failure::new(format!("the message's header section: {e}")))
        .map(|block| author_domain(&block))?;

    let public_suffixes = match &args.public_suffix_list {
        Some(path) => {
            let bytes = crate::support::read_input(Some(path))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Failure::new(format!("{}: not UTF-8", path.display())))?;
            PublicSuffixList::parse(&text)
                .map_err(|e| Failure::new(format!("{}: {e}", path.display())))?
        }
        None => PublicSuffixList::embedded(),
    };
    let config = DmarcConfig {
        public_suffixes,
        rules: if args.rfc7489 {
            DmarcRules::Rfc7489
        } else {
            DmarcRules::Rfc9989
        },
        pct_sample,
        ..DmarcConfig::default()
    };
    let input = DmarcInput::from_author(author)
        .with_spf(&spf_outcome)
        .with_dkim(&dkim_outcomes);
    let mut machine = DmarcEvaluator::new(config, input);
    let outcome = mailsec_dns::drive(&mut machine, &zone)
        .map_err(|e| Failure::new(format!("internal error driving DMARC: {e}")))?;

    let authserv_id = match &args.authserv_id {
        Some(id) => id.clone(),
        None => host_name(),
    };
    let field = crate::commands::auth_results::field_value(
        &authserv_id,
        &spf_outcome,
        &dkim_outcomes,
        &outcome,
    )
    .map_err(|e| Failure::new(format!("--authserv-id {authserv_id:?}: {e}")))?;
    print_json(&json!({
        "spf": spf::outcome_json(&spf_outcome),
        "dkim": { "signatures": dkim_outcomes.iter().map(dkim::outcome_json).collect::<Vec<_>>() },
        "dmarc": outcome_json(&outcome, args.rfc7489),
        "authentication_results": field,
    }))
}

/// The contract's `dmarc` object, plus `policy_domain`,
/// `organizational_domain`, `requested_policy`, `policy_source`,
/// `disposition`, `reason`, `rules` and `dns_queries`.
pub(crate) fn outcome_json(outcome: &DmarcOutcome, rfc7489: bool) -> Value {
    let mut out = Map::new();
    out.insert("result".into(), json!(outcome.result.as_str()));
    out.insert("domain".into(), json!(outcome.author_domain));
    out.insert("policy".into(), json!(outcome.policy.as_str()));
    out.insert("spf_aligned".into(), json!(outcome.spf_aligned));
    out.insert("dkim_aligned".into(), json!(outcome.dkim_aligned));
    out.insert("policy_domain".into(), json!(outcome.policy_domain));
    out.insert(
        "organizational_domain".into(),
        json!(outcome.organizational_domain),
    );
    out.insert(
        "requested_policy".into(),
        json!(outcome.requested_policy.as_str()),
    );
    let source = match outcome.policy_source {
        PolicySource::NoRecord => "none",
        PolicySource::Domain => "p",
        PolicySource::Subdomain => "sp",
        PolicySource::NonExistent => "np",
    };
    out.insert("policy_source".into(), json!(source));
    out.insert("policy_lowered".into(), json!(outcome.policy_lowered));
    out.insert("disposition".into(), json!(outcome.disposition().as_str()));
    out.insert("reason".into(), json!(outcome.reason.to_string()));
    out.insert(
        "rules".into(),
        json!(if rfc7489 { "rfc7489" } else { "rfc9989" }),
    );
    out.insert("dns_queries".into(), json!(outcome.dns_queries));
    Value::Object(out)
}

/// `mailsec dmarc record "TXT TEXT"`: the record as a receiver applies it
/// (RFC 9989 §4.8: invalid tags discarded, each named on standard error),
/// its tags as JSON; exit 1 when the text is not a DMARC record or yields
/// no applicable record (an invalid `p`, `sp` or `np` and no valid `rua`).
pub(crate) fn record(text: &str) -> Result<(), Failure> {
    let (record, errors) =
        DmarcRecord::parse_lenient(text).map_err(|e| Failure::new(format!("DMARC record: {e}")))?;
    for e in &errors {
        eprintln!("mailsec: DMARC record: ignored: {e}");
    }
    let Some(record) = record.effective(&errors) else {
        let first = errors.first().map(ToString::to_string).unwrap_or_default();
        return Err(Failure::new(format!(
            "DMARC record: no valid policy and no valid rua, so it is not applied ({first})"
        )));
    };
    print_json(&record_json(&record))
}

/// A record's tags as keys: keywords as strings, `pct` and `ri` as numbers,
/// `rua`/`ruf` as lists of URIs (without RFC 7489's `!size` suffix),
/// `fo`/`rf` as
/// written with `:`.
pub(crate) fn record_json(record: &DmarcRecord) -> Value {
    let mut out = Map::new();
    out.insert("v".into(), json!("DMARC1"));
    let policies = [
        ("p", record.policy),
        ("sp", record.subdomain_policy),
        ("np", record.nonexistent_policy),
    ];
    for (tag, policy) in policies {
        if let Some(p) = policy {
            out.insert(tag.into(), json!(p.as_str()));
        }
    }
    if let Some(a) = record.adkim {
        out.insert("adkim".into(), json!(a.as_str()));
    }
    if let Some(a) = record.aspf {
        out.insert("aspf".into(), json!(a.as_str()));
    }
    if let Some(pct) = record.pct {
        out.insert("pct".into(), json!(pct));
    }
    if let Some(t) = record.testing {
        out.insert("t".into(), json!(if t { "y" } else { "n" }));
    }
    if let Some(psd) = record.psd {
        out.insert("psd".into(), json!(psd.as_str()));
    }
    for (tag, uris) in [("rua", &record.rua), ("ruf", &record.ruf)] {
        if !uris.is_empty() {
            let list: Vec<&str> = uris.iter().map(|u| u.uri.as_str()).collect();
            out.insert(tag.into(), json!(list));
        }
    }
    if !record.fo.is_empty() {
        let fo: Vec<&str> = record.fo.iter().map(|o| o.as_str()).collect();
        out.insert("fo".into(), json!(fo.join(":")));
    }
    if !record.rf.is_empty() {
        out.insert("rf".into(), json!(record.rf.join(":")));
    }
    if let Some(ri) = record.ri {
        out.insert("ri".into(), json!(ri));
    }
    Value::Object(out)
}

/// The host name, for the default authserv-id.
fn host_name() -> String {
    let read = |p: &str| std::fs::read_to_string(Path::new(p)).ok();
    read("/proc/sys/kernel/hostname")
        .or_else(|| read("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// `mailsec dmarc report [FILE]`: reads an aggregate report (XML, gzip or
/// zip, recognised by content, within the library's default limits) and
/// prints it as JSON with the XML element names as keys.
pub(crate) fn report(path: Option<&Path>) -> Result<(), Failure> {
    use mail_auth_core::dmarc::report::{ReportLimits, parse_report};
    let bytes = crate::support::read_input(path)?;
    let report = parse_report(&bytes, &ReportLimits::default())
        .map_err(|e| Failure::new(format!("DMARC aggregate report: {e}")))?;
    print_json(&report_json(&report))
}

fn report_json(report: &mail_auth_core::dmarc::report::AggregateReport) -> Value {
    let m = &report.metadata;
    let p = &report.policy_published;
    let records: Vec<Value> = report
        .records
        .iter()
        .map(|r| {
            let e = &r.row.policy_evaluated;
            json!({
                "row": {
                    "source_ip": r.row.source_ip.to_string(),
                    "count": r.row.count,
                    "policy_evaluated": {
                        "disposition": e.disposition.as_str(),
                        "dkim": e.dkim.as_str(),
                        "spf": e.spf.as_str(),
                        "reason": e.reasons.iter().map(|x| json!({
                            "type": x.kind.as_str(),
                            "comment": x.comment,
                        })).collect::<Vec<_>>(),
                    },
                },
                "identifiers": {
                    "envelope_to": r.identifiers.envelope_to,
                    "envelope_from": r.identifiers.envelope_from,
                    "header_from": r.identifiers.header_from,
                },
                "auth_results": {
                    "dkim": r.auth_results.dkim.iter().map(|d| json!({
                        "domain": d.domain,
                        "selector": d.selector,
                        "result": d.result.as_str(),
                        "human_result": d.human_result,
                    })).collect::<Vec<_>>(),
                    "spf": r.auth_results.spf.iter().map(|s| json!({
                        "domain": s.domain,
                        "scope": s.scope.as_ref().map(|x| x.as_str()),
                        "result": s.result.as_str(),
                        "human_result": s.human_result,
                    })).collect::<Vec<_>>(),
                },
            })
        })
        .collect();
    json!({
        "version": report.version,
        "report_metadata": {
            "org_name": m.org_name,
            "email": m.email,
            "extra_contact_info": m.extra_contact_info,
            "report_id": m.report_id,
            "date_range": { "begin": m.date_range.begin, "end": m.date_range.end },
            "error": m.errors,
            "generator": m.generator,
        },
        "policy_published": {
            "domain": p.domain,
            "discovery_method": p.discovery_method.as_ref().map(|x| x.as_str()),
            "adkim": p.adkim.map(|a| a.as_str()),
            "aspf": p.aspf.map(|a| a.as_str()),
            "p": p.p.as_str(),
            "sp": p.sp.map(|x| x.as_str()),
            "np": p.np.map(|x| x.as_str()),
            "pct": p.pct,
            "testing": p.testing.map(|t| if t { "y" } else { "n" }),
            "fo": p.fo,
        },
        "record": records,
    })
}
