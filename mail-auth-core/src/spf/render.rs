//! Writing SPF records back as text (the grammar is on [`Record`]'s module).
//!
//! The output is canonical: `v=spf1`, then each term after one space;
//! mechanism and modifier names in lower case (unknown modifier names as
//! written); no `+` qualifier (it is the default); a CIDR length only when it
//! is not the default (32 for IPv4, 128 for IPv6); IPv6 networks in RFC 5952
//! form. A record that came from [`Record::parse`] renders to text that
//! parses back to an equal record.

use core::fmt;

use super::record::{Directive, Mechanism, Modifier, Qualifier, Record, Term};

/// The qualifier character, `+` included.
impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Qualifier::Pass => "+",
            Qualifier::Fail => "-",
            Qualifier::SoftFail => "~",
            Qualifier::Neutral => "?",
        })
    }
}

/// Writes `/len` when `len` is not `default`.
fn cidr(f: &mut fmt::Formatter<'_>, prefix: &str, len: u8, default: u8) -> fmt::Result {
    if len == default {
        Ok(())
    } else {
        write!(f, "{prefix}{len}")
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mechanism::All => f.write_str("all"),
            Mechanism::Include(domain) => write!(f, "include:{domain}"),
            Mechanism::Exists(domain) => write!(f, "exists:{domain}"),
            Mechanism::Ptr(None) => f.write_str("ptr"),
            Mechanism::Ptr(Some(domain)) => write!(f, "ptr:{domain}"),
            Mechanism::A {
                domain,
                cidr4,
                cidr6,
            }
            | Mechanism::Mx {
                domain,
                cidr4,
                cidr6,
            } => {
                f.write_str(if matches!(self, Mechanism::A { .. }) {
                    "a"
                } else {
                    "mx"
                })?;
                if let Some(domain) = domain {
                    write!(f, ":{domain}")?;
                }
                cidr(f, "/", *cidr4, 32)?;
                cidr(f, "//", *cidr6, 128)
            }
            Mechanism::Ip4 { addr, cidr: len } => {
                write!(f, "ip4:{addr}")?;
                cidr(f, "/", *len, 32)
            }
            Mechanism::Ip6 { addr, cidr: len } => {
                write!(f, "ip6:{addr}")?;
                cidr(f, "/", *len, 128)
            }
        }
    }
}

impl fmt::Display for Directive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.qualifier != Qualifier::Pass {
            write!(f, "{}", self.qualifier)?;
        }
        write!(f, "{}", self.mechanism)
    }
}

impl fmt::Display for Modifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Modifier::Redirect(domain) => write!(f, "redirect={domain}"),
            Modifier::Exp(domain) => write!(f, "exp={domain}"),
            Modifier::Unknown { name, value } => write!(f, "{name}={value}"),
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Directive(directive) => write!(f, "{directive}"),
            Term::Modifier(modifier) => write!(f, "{modifier}"),
        }
    }
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("v=spf1")?;
        self.terms.iter().try_for_each(|term| write!(f, " {term}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spf::macros::MacroString;
    use crate::spf::macros::tests::{arb_domain_spec, arb_macro_string};
    use crate::spf::parse::tests::arb_record;
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;
    use core::net::{Ipv4Addr, Ipv6Addr};
    use proptest::prelude::*;

    fn canonical(text: &str) -> String {
        Record::parse(text).unwrap().to_string()
    }

    #[test]
    fn canonical_text() {
        for (text, expected) in [
            ("v=spf1", "v=spf1"),
            ("V=SPF1   ", "v=spf1"),
            ("v=spf1 +all", "v=spf1 all"),
            ("v=spf1  -ALL", "v=spf1 -all"),
            ("v=spf1 ~all ?all", "v=spf1 ~all ?all"),
            (
                "v=spf1 A:Example.COM/32//128 MX/0//0",
                "v=spf1 a:Example.COM mx/0//0",
            ),
            ("v=spf1 a//64 mx:%{d}/24", "v=spf1 a//64 mx:%{d}/24"),
            (
                "v=spf1 Include:_spf.example.com EXISTS:%{I}.x.%{d2R}",
                "v=spf1 include:_spf.example.com exists:%{I}.x.%{d2r}",
            ),
            ("v=spf1 PTR ptr:example.org.", "v=spf1 ptr ptr:example.org."),
            (
                "v=spf1 ip4:192.0.2.1/32 ip4:192.0.2.0/24",
                "v=spf1 ip4:192.0.2.1 ip4:192.0.2.0/24",
            ),
            (
                "v=spf1 IP6:2001:DB8:0:0::1/128 ip6:2001:db8::/0",
                "v=spf1 ip6:2001:db8::1 ip6:2001:db8::/0",
            ),
            ("v=spf1 ip6:::FFFF:1.2.3.4", "v=spf1 ip6:::ffff:1.2.3.4"),
            (
                "v=spf1 REDIRECT=a.example Exp=%{d02}.x",
                "v=spf1 redirect=a.example exp=%{d2}.x",
            ),
            ("v=spf1 Foo.Bar=Baz%%%_%- x=", "v=spf1 Foo.Bar=Baz%%%_%- x="),
        ] {
            assert_eq!(canonical(text), expected, "{text}");
            assert_eq!(canonical(expected), expected, "{expected}");
        }
        assert_eq!(Qualifier::Pass.to_string(), "+");
        assert_eq!(Qualifier::Fail.to_string(), "-");
        assert_eq!(Qualifier::SoftFail.to_string(), "~");
        assert_eq!(Qualifier::Neutral.to_string(), "?");
        let spec = MacroString::parse_domain_spec("%{ir}.example").unwrap();
        assert_eq!(
            Term::Modifier(Modifier::Unknown {
                name: "n".into(),
                value: spec.clone()
            })
            .to_string(),
            "n=%{ir}.example"
        );
        assert_eq!(
            Directive {
                qualifier: Qualifier::Pass,
                mechanism: Mechanism::Exists(spec)
            }
            .to_string(),
            "exists:%{ir}.example"
        );
    }

    fn arb_spec() -> BoxedStrategy<MacroString> {
        arb_domain_spec()
            .prop_map(|text| MacroString::parse_domain_spec(&text).unwrap())
            .boxed()
    }

    fn arb_mechanism() -> impl Strategy<Value = Mechanism> {
        prop_oneof![
            Just(Mechanism::All),
            arb_spec().prop_map(Mechanism::Include),
            arb_spec().prop_map(Mechanism::Exists),
            prop::option::of(arb_spec()).prop_map(Mechanism::Ptr),
            (
                prop::option::of(arb_spec()),
                0u8..=32,
                0u8..=128,
                any::<bool>()
            )
                .prop_map(|(domain, cidr4, cidr6, mx)| {
                    if mx {
                        Mechanism::Mx {
                            domain,
                            cidr4,
                            cidr6,
                        }
                    } else {
                        Mechanism::A {
                            domain,
                            cidr4,
                            cidr6,
                        }
                    }
                }),
            (any::<[u8; 4]>(), 0u8..=32).prop_map(|(a, cidr)| Mechanism::Ip4 {
                addr: Ipv4Addr::from(a),
                cidr
            }),
            (any::<[u8; 16]>(), 0u8..=128).prop_map(|(a, cidr)| Mechanism::Ip6 {
                addr: Ipv6Addr::from(a),
                cidr
            }),
        ]
    }

    fn arb_typed_term() -> impl Strategy<Value = Term> {
        let qualifier = prop::sample::select(alloc::vec![
            Qualifier::Pass,
            Qualifier::Fail,
            Qualifier::SoftFail,
            Qualifier::Neutral,
        ]);
        prop_oneof![
            4 => (qualifier, arb_mechanism())
                .prop_map(|(qualifier, mechanism)| Term::Directive(Directive { qualifier, mechanism })),
            1 => ("[a-zA-Z][a-zA-Z0-9._-]{0,8}", arb_macro_string(false))
                .prop_filter("not a known modifier", |(name, _)| {
                    !name.eq_ignore_ascii_case("redirect") && !name.eq_ignore_ascii_case("exp")
                })
                .prop_map(|(name, value)| {
                    let value = MacroString::parse(&value).unwrap();
                    Term::Modifier(Modifier::Unknown { name, value })
                }),
        ]
    }

    /// A typed record with at most one `redirect` and one `exp`, anywhere.
    fn arb_typed_record() -> impl Strategy<Value = Record> {
        (
            prop::collection::vec(arb_typed_term(), 0..10),
            prop::option::of((arb_spec(), any::<usize>())),
            prop::option::of((arb_spec(), any::<usize>())),
        )
            .prop_map(|(mut terms, redirect, exp)| {
                if let Some((spec, at)) = redirect {
                    terms.insert(
                        at % (terms.len() + 1),
                        Term::Modifier(Modifier::Redirect(spec)),
                    );
                }
                if let Some((spec, at)) = exp {
                    terms.insert(at % (terms.len() + 1), Term::Modifier(Modifier::Exp(spec)));
                }
                Record { terms }
            })
    }

    proptest! {
        /// Random valid records render to text that parses back equal.
        #[test]
        fn typed_records_round_trip(record in arb_typed_record()) {
            let text = record.to_string();
            prop_assert_eq!(Record::parse(&text).unwrap(), record, "{}", text);
        }

        /// Parse, render, parse is a fixed point for valid record text.
        #[test]
        fn parse_render_fixed_point(text in arb_record()) {
            let first = Record::parse(&text).unwrap();
            let rendered = first.to_string();
            let second = Record::parse(&rendered).unwrap();
            prop_assert_eq!(&second, &first);
            prop_assert_eq!(second.to_string(), rendered);
        }

        /// The same for whatever random text happens to parse.
        #[test]
        fn parse_render_fixed_point_any(text in "v=spf1( [-+~?]?[a-zA-Z0-9:/%{}.=_-]{0,16}){0,4} ?") {
            if let Ok(first) = Record::parse(&text) {
                let rendered = first.to_string();
                let second = Record::parse(&rendered).unwrap();
                prop_assert_eq!(&second, &first);
                prop_assert_eq!(second.to_string(), rendered);
            }
        }
    }

    #[test]
    fn parsed_terms_render_alone() {
        let record =
            Record::parse("v=spf1 -a:x.example/24 ?mx include:y.example x=1 exp=z.example")
                .unwrap();
        let terms: Vec<String> = record.terms.iter().map(ToString::to_string).collect();
        assert_eq!(
            terms,
            [
                "-a:x.example/24",
                "?mx",
                "include:y.example",
                "x=1",
                "exp=z.example"
            ]
        );
    }
}
