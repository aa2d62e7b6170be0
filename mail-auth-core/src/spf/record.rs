//! The typed form of an SPF record (RFC 7208 §4.6, §5, §6, §12).
//!
//! ```text
//! record           = version terms *SP
//! version          = "v=spf1"
//! terms            = *( 1*SP ( directive / modifier ) )
//! directive        = [ qualifier ] mechanism
//! qualifier        = "+" / "-" / "?" / "~"
//! mechanism        = ( all / include / a / mx / ptr / ip4 / ip6 / exists )
//! all              = "all"
//! include          = "include"  ":" domain-spec
//! a                = "a"      [ ":" domain-spec ] [ dual-cidr-length ]
//! mx               = "mx"     [ ":" domain-spec ] [ dual-cidr-length ]
//! ptr              = "ptr"    [ ":" domain-spec ]
//! ip4              = "ip4"      ":" ip4-network   [ ip4-cidr-length ]
//! ip6              = "ip6"      ":" ip6-network   [ ip6-cidr-length ]
//! exists           = "exists"   ":" domain-spec
//! modifier         = redirect / explanation / unknown-modifier
//! redirect         = "redirect" "=" domain-spec
//! explanation      = "exp" "=" domain-spec
//! unknown-modifier = name "=" macro-string
//! name             = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
//! ip4-cidr-length  = "/" ("0" / %x31-39 0*1DIGIT) ; value range 0-32
//! ip6-cidr-length  = "/" ("0" / %x31-39 0*2DIGIT) ; value range 0-128
//! dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]
//! domain-spec      = macro-string domain-end
//! domain-end       = ( "." toplabel [ "." ] ) / macro-expand
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::net::{Ipv4Addr, Ipv6Addr};

use super::macros::MacroString;

/// A directive's qualifier (RFC 7208 §4.6.2): the result when it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Qualifier {
    /// `+`, the default: pass.
    #[default]
    Pass,
    /// `-`: fail.
    Fail,
    /// `~`: softfail.
    SoftFail,
    /// `?`: neutral.
    Neutral,
}

/// A mechanism (RFC 7208 §5).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mechanism {
    /// `all`: always matches.
    All,
    /// `include:<domain-spec>`.
    Include(MacroString),
    /// `a[:<domain-spec>][/<ip4-cidr>][//<ip6-cidr>]`.
    A {
        /// The target domain; the current domain when absent.
        domain: Option<MacroString>,
        /// IPv4 prefix length (32 when not written).
        cidr4: u8,
        /// IPv6 prefix length (128 when not written).
        cidr6: u8,
    },
    /// `mx[:<domain-spec>][/<ip4-cidr>][//<ip6-cidr>]`.
    Mx {
        /// The target domain; the current domain when absent.
        domain: Option<MacroString>,
        /// IPv4 prefix length (32 when not written).
        cidr4: u8,
        /// IPv6 prefix length (128 when not written).
        cidr6: u8,
    },
    /// `ptr[:<domain-spec>]` (RFC 7208 §5.5 says not to use it; it is still evaluated).
    Ptr(Option<MacroString>),
    /// `ip4:<network>[/<cidr>]`.
    Ip4 {
        /// The network address as written.
        addr: Ipv4Addr,
        /// Prefix length (32 when not written).
        cidr: u8,
    },
    /// `ip6:<network>[/<cidr>]`.
    Ip6 {
        /// The network address as written.
        addr: Ipv6Addr,
        /// Prefix length (128 when not written).
        cidr: u8,
    },
    /// `exists:<domain-spec>`.
    Exists(MacroString),
}

/// A directive: a qualifier and a mechanism.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// What a match means.
    pub qualifier: Qualifier,
    /// What is tested.
    pub mechanism: Mechanism,
}

/// A modifier (RFC 7208 §6).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Modifier {
    /// `redirect=<domain-spec>`.
    Redirect(MacroString),
    /// `exp=<domain-spec>`.
    Exp(MacroString),
    /// Any other `name=macro-string`: ignored by evaluation (§6), kept for rendering.
    Unknown {
        /// The name as written.
        name: String,
        /// The value.
        value: MacroString,
    },
}

/// One term of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// A directive.
    Directive(Directive),
    /// A modifier.
    Modifier(Modifier),
}

/// A parsed SPF record: its terms in order. `redirect` and `exp` appear at
/// most once each (a second one is a syntax error, RFC 7208 §6).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Record {
    /// The terms, in the order written.
    pub terms: Vec<Term>,
}

impl Record {
    /// The directives, in order.
    pub fn directives(&self) -> impl Iterator<Item = &Directive> {
        self.terms.iter().filter_map(|t| match t {
            Term::Directive(d) => Some(d),
            Term::Modifier(_) => None,
        })
    }

    /// The `redirect=` modifier's domain-spec, if any.
    pub fn redirect(&self) -> Option<&MacroString> {
        self.terms.iter().find_map(|t| match t {
            Term::Modifier(Modifier::Redirect(d)) => Some(d),
            _ => None,
        })
    }

    /// The `exp=` modifier's domain-spec, if any.
    pub fn exp(&self) -> Option<&MacroString> {
        self.terms.iter().find_map(|t| match t {
            Term::Modifier(Modifier::Exp(d)) => Some(d),
            _ => None,
        })
    }
}
