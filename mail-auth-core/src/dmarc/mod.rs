//! DMARC (RFC 9989, and RFC 7489): does the From domain's policy pass?

mod policy;
#[cfg(feature = "reports")]
pub mod report;

pub use policy::{AlignmentMode, DmarcResult, Policy};
