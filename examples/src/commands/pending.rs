//! Commands whose library part has not landed yet. They parse their flags and
//! load their DNS fixture (so a broken fixture is reported as such), then say
//! that the verdict itself is not implemented yet.

use crate::cli::DnsFlag;
use crate::support::{Failure, not_yet, resolver};

/// A DNS-using command: the fixture must load, then the command is pending.
pub(crate) fn with_dns(command: &str, issue: &str, dns: &DnsFlag) -> Result<(), Failure> {
    resolver(dns)?;
    Err(not_yet(command, issue))
}
