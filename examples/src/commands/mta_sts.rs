//! `mailsec mta-sts txt|policy|match|resolve`.

use std::io::Read;
use std::path::Path;

use mta_sts_core::sts::{MAX_POLICY_LEN, Policy, StsRecord};
use serde_json::{Map, Value, json};

use crate::cli::MtaStsCommand;
use crate::support::{Failure, print_json};

/// Runs one `mta-sts` subcommand.
pub(crate) fn run(cmd: &MtaStsCommand) -> Result<(), Failure> {
    match cmd {
        MtaStsCommand::Txt { records } => txt(records),
        MtaStsCommand::Policy { file } => {
            let (policy, warnings) = read_policy(file.as_deref())?;
            print_json(&policy_json(&policy, &warnings))
        }
        MtaStsCommand::Match { policy, mx } => {
            let (policy, _) = read_policy(Some(policy))?;
            print_json(&json!({ "matches": policy.matches(mx) }))
        }
        MtaStsCommand::Resolve { dns, .. } => {
            crate::commands::pending::with_dns("mta-sts resolve", "the HTTPS transport", dns)
        }
    }
}

/// `mailsec mta-sts txt RECORD...`: RFC 8461 §3.1 on the record set.
fn txt(records: &[String]) -> Result<(), Failure> {
    let record = StsRecord::from_set(records.iter().map(String::as_bytes))
        .map_err(|e| Failure::new(format!("no MTA-STS policy record: {e}")))?;
    print_json(&json!({ "version": record.version(), "id": record.id() }))
}

/// Reads and parses a policy, reading at most 64 KiB + 1 bytes.
fn read_policy(path: Option<&Path>) -> Result<(Policy, Vec<String>), Failure> {
    let body = read_limited(path)?;
    let (policy, warnings) = Policy::parse_with_warnings(&body)
        .map_err(|e| Failure::new(format!("invalid MTA-STS policy: {e}")))?;
    Ok((policy, warnings.iter().map(ToString::to_string).collect()))
}

fn read_limited(path: Option<&Path>) -> Result<Vec<u8>, Failure> {
    let (reader, what): (Box<dyn Read>, String) = match path {
        None => (Box::new(std::io::stdin().lock()), "standard input".into()),
        Some(p) if p == Path::new("-") => {
            (Box::new(std::io::stdin().lock()), "standard input".into())
        }
        Some(p) => {
            let file = std::fs::File::open(p)
                .map_err(|e| Failure::new(format!("cannot read {}: {e}", p.display())))?;
            (Box::new(file), p.display().to_string())
        }
    };
    let limit = MAX_POLICY_LEN.saturating_add(1);
    let mut buf = Vec::with_capacity(limit);
    reader
        .take(u64::try_from(limit).unwrap_or(u64::MAX))
        .read_to_end(&mut buf)
        .map_err(|e| Failure::new(format!("cannot read {what}: {e}")))?;
    if buf.len() > MAX_POLICY_LEN {
        return Err(Failure::new(format!(
            "invalid MTA-STS policy: {what} is larger than {MAX_POLICY_LEN} bytes"
        )));
    }
    Ok(buf)
}

fn policy_json(policy: &Policy, warnings: &[String]) -> Value {
    let extensions: Map<String, Value> = policy
        .extensions()
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect();
    let mx: Vec<&str> = policy.mx().iter().map(|m| m.as_str()).collect();
    json!({
        "version": policy.version(),
        "mode": policy.mode().as_str(),
        "mx": mx,
        "max_age": policy.max_age(),
        "extensions": extensions,
        "warnings": warnings,
    })
}
