//! Header and body canonicalization (RFC 6376 §3.4).

/// A canonicalization algorithm.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Canonicalization {
    /// `simple`: almost no change.
    #[default]
    Simple,
    /// `relaxed`: white space and case of names normalized.
    Relaxed,
}
