//! The tag=value list of RFC 6376 §3.2, shared by signatures and key records.

/// A tag-list syntax error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("tag-list syntax error at byte {position}: {reason}")]
pub struct TagListError {
    /// Offset of the offending byte.
    pub position: usize,
    /// What is wrong.
    pub reason: &'static str,
}
