//! `mailsec tlsrpt txt|report`.

use crate::cli::TlsrptCommand;
use crate::support::{Failure, not_yet};

/// Runs one `tlsrpt` subcommand.
pub(crate) fn run(cmd: &TlsrptCommand) -> Result<(), Failure> {
    let name = match cmd {
        TlsrptCommand::Txt { .. } => "tlsrpt txt",
        TlsrptCommand::Report { .. } => "tlsrpt report",
    };
    Err(not_yet(name, "TLS reporting, issue 5"))
}
