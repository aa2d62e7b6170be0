//! The ring backend.

/// The `ring` backend.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ring;
