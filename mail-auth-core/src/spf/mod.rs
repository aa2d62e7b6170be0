//! SPF (RFC 7208): may this IP address send mail for this domain?

mod eval;
mod macros;
mod parse;
mod record;
mod render;
mod result;

pub use eval::{SpfConfig, SpfEvaluator, SpfLimits};
pub use macros::{
    Macro, MacroContext, MacroError, MacroErrorKind, MacroLetter, MacroPart, MacroString,
};
pub use parse::{ParseError, ParseErrorKind};
pub use record::{Directive, Mechanism, Modifier, Qualifier, Record, Term};
pub use result::{Identity, SpfOutcome, SpfResult, received_spf};
