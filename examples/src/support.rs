//! What every command shares: reading input, the clock, the `--dns` fixture,
//! printing JSON, and the contract's exit codes.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use mailsec_dns::{Fixture, MemoryResolver};

use crate::cli::{DnsFlag, NowFlag};

/// Largest input a command reads (messages, policies, reports): 64 MiB.
pub(crate) const MAX_INPUT: u64 = 64 << 20;

/// A command that could not do its job: exit status 1, a one-line message on
/// standard error, and for JSON commands `{"error": "..."}` on standard output.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
        }
    }
}

/// How a command reports failure: with a JSON object on standard output, or
/// only on standard error (commands whose output is a message or a key).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Output {
    Json,
    Text,
}

/// Turns a command's result into the contract's exit status.
pub(crate) fn finish(output: Output, result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let line = failure.message.replace('\n', " ");
            let _ = writeln!(std::io::stderr(), "mailsec: {line}");
            if output == Output::Json {
                let _ = print_json(&serde_json::json!({ "error": line }));
            }
            ExitCode::from(1)
        }
    }
}

/// Prints one JSON object and a newline.
pub(crate) fn print_json(value: &serde_json::Value) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value)
        .map_err(|e| Failure::new(format!("cannot write output: {e}")))?;
    writeln!(out).map_err(|e| Failure::new(format!("cannot write output: {e}")))
}

/// Reads a path, or standard input for `-` or no path, up to [`MAX_INPUT`].
pub(crate) fn read_input(path: Option<&Path>) -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
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
    reader
        .take(MAX_INPUT + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Failure::new(format!("cannot read {what}: {e}")))?;
    if buf.len() as u64 > MAX_INPUT {
        return Err(Failure::new(format!(
            "{what} is larger than {MAX_INPUT} bytes"
        )));
    }
    Ok(buf)
}

/// The resolver a command uses: the `--dns` fixture. Real DNS arrives with
/// the transports; until then a command without `--dns` says so.
pub(crate) fn resolver(flag: &DnsFlag) -> Result<MemoryResolver, Failure> {
    let Some(path) = &flag.file else {
        return Err(Failure::new(
            "real DNS is not supported yet: only fixtures are (pass --dns FILE)",
        ));
    };
    load_fixture(path).map(Fixture::into_resolver)
}

/// Loads a `--dns` fixture file.
pub(crate) fn load_fixture(path: &Path) -> Result<Fixture, Failure> {
    let bytes = read_input(Some(path))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::new(format!("{}: DNS fixture is not UTF-8", path.display())))?;
    Fixture::from_yaml_str(&text)
        .map_err(|e| Failure::new(format!("{}: DNS fixture: {e}", path.display())))
}

/// `--now`, or the system clock: the one place the program reads the time.
pub(crate) fn now(flag: &NowFlag) -> u64 {
    match flag.now {
        Some(t) => u64::try_from(t).unwrap_or(0),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    }
}

/// Parses `--ip`: an address that does not parse is bad input (exit 1), not
/// a usage error.
pub(crate) fn parse_ip(text: &str) -> Result<std::net::IpAddr, Failure> {
    text.trim().parse().map_err(|_| {
        Failure::new(format!(
            "invalid --ip {text:?}: not an IPv4 or IPv6 address"
        ))
    })
}

/// The error for a command whose library part has not landed yet.
pub(crate) fn not_yet(command: &str, issue: &str) -> Failure {
    Failure::new(format!(
        "`mailsec {command}` is not implemented yet ({issue})"
    ))
}
