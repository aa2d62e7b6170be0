//! `mailsec mta-sts txt|policy|match|resolve`.

use crate::cli::MtaStsCommand;
use crate::support::{Failure, not_yet};

/// Runs one `mta-sts` subcommand.
pub(crate) fn run(cmd: &MtaStsCommand) -> Result<(), Failure> {
    match cmd {
        MtaStsCommand::Txt { .. } => Err(not_yet("mta-sts txt", "MTA-STS, issue 5")),
        MtaStsCommand::Policy { .. } => Err(not_yet("mta-sts policy", "MTA-STS, issue 5")),
        MtaStsCommand::Match { .. } => Err(not_yet("mta-sts match", "MTA-STS, issue 5")),
        MtaStsCommand::Resolve { dns, .. } => {
            crate::commands::pending::with_dns("mta-sts resolve", "MTA-STS, issue 5", dns)
        }
    }
}
