//! SPF (RFC 7208): may this IP address send mail for this domain?

mod cache;
mod eval;
mod macros;
mod parse;
mod record;
mod render;
mod result;

#[cfg(feature = "std")]
pub use cache::MemoryRecordCache;
pub use cache::SpfRecordCache;
pub use eval::{SpfConfig, SpfEvaluator, SpfLimits};
pub use macros::{
    Macro, MacroContext, MacroError, MacroErrorKind, MacroLetter, MacroPart, MacroString,
};
pub use parse::{ParseError, ParseErrorKind};
pub use record::{Directive, Mechanism, Modifier, Qualifier, Record, Term};
pub use result::{Identity, SpfOutcome, SpfResult, received_spf};
