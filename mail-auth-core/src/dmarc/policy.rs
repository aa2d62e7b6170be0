//! The small vocabularies a DMARC record, its evaluation and its reports share.

use core::fmt;

/// A policy a DMARC record requests (`p=`, `sp=`, `np=`), and the disposition
/// a receiver applied (RFC 9989 §4.7; RFC 9990's `DispositionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Policy {
    /// `none`: monitor only.
    None,
    /// `quarantine`: treat as suspicious.
    Quarantine,
    /// `reject`: refuse the message.
    Reject,
}

impl Policy {
    /// The record's spelling (`none`, `quarantine`, `reject`).
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::None => "none",
            Policy::Quarantine => "quarantine",
            Policy::Reject => "reject",
        }
    }

    /// Reads a value as written in a record. Values are case-sensitive in
    /// the ABNF but receivers meet `Reject`; we accept any case.
    pub fn parse(value: &str) -> Option<Policy> {
        if value.eq_ignore_ascii_case("none") {
            Some(Policy::None)
        } else if value.eq_ignore_ascii_case("quarantine") {
            Some(Policy::Quarantine)
        } else if value.eq_ignore_ascii_case("reject") {
            Some(Policy::Reject)
        } else {
            None
        }
    }

    /// The next less strict policy (`reject` → `quarantine` → `none`): what
    /// `t=y` (RFC 9989) and a message not sampled by `pct` (RFC 7489 §6.6.4)
    /// ask for.
    pub fn relaxed_one_step(self) -> Policy {
        match self {
            Policy::Reject => Policy::Quarantine,
            Policy::Quarantine | Policy::None => Policy::None,
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Identifier alignment mode (`adkim=`, `aspf=`; RFC 9989 §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AlignmentMode {
    /// `r`: the two domains share an organizational domain (the default).
    #[default]
    Relaxed,
    /// `s`: the two domains are equal.
    Strict,
}

impl AlignmentMode {
    /// The record's spelling (`r` or `s`).
    pub fn as_str(self) -> &'static str {
        match self {
            AlignmentMode::Relaxed => "r",
            AlignmentMode::Strict => "s",
        }
    }

    /// Reads `r` or `s` (any case).
    pub fn parse(value: &str) -> Option<AlignmentMode> {
        if value.eq_ignore_ascii_case("r") {
            Some(AlignmentMode::Relaxed)
        } else if value.eq_ignore_ascii_case("s") {
            Some(AlignmentMode::Strict)
        } else {
            None
        }
    }
}

impl fmt::Display for AlignmentMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The DMARC result words of RFC 8601 §2.7.1 (as far as DMARC evaluation
/// yields them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DmarcResult {
    /// An aligned identifier passed.
    Pass,
    /// A policy applies and no aligned identifier passed.
    Fail,
    /// No policy record was found.
    None,
    /// A temporary DNS failure stopped policy discovery or alignment.
    TempError,
    /// The message or the record could not be evaluated (no single author
    /// domain, a malformed record).
    PermError,
}

impl DmarcResult {
    /// The lowercase word of RFC 8601.
    pub fn as_str(self) -> &'static str {
        match self {
            DmarcResult::Pass => "pass",
            DmarcResult::Fail => "fail",
            DmarcResult::None => "none",
            DmarcResult::TempError => "temperror",
            DmarcResult::PermError => "permerror",
        }
    }
}

impl fmt::Display for DmarcResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
