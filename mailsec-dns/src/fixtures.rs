//! The `--dns FILE` fixture format: YAML (JSON is valid YAML) mapping owner
//! names to lists of records. It is the `zonedata` format of the openspf test
//! suite, and the contract of the `mailsec` command's `--dns` flag.
//!
//! ```yaml
//! example.com:
//!   - A: 192.0.2.1
//!   - MX: [10, mx.example.com]          # preference, exchange
//!   - TXT: "v=spf1 mx -all"             # or a list of character-strings
//!   - TLSA: [3, 1, 1, "0c72ac70b7..."]  # usage, selector, matching type, hex
//! alias.example.com:
//!   - CNAME: example.com
//! slow.example.com:
//!   - TXT: "answers"
//!   - TIMEOUT                           # other types time out
//! _dnssec: [example.com]                # answers for these names are authenticated
//! ```
//!
//! Owner names match case-insensitively, trailing dot optional. An absent name
//! is NXDOMAIN; a present name without a record of the asked type is NODATA,
//! or a time-out when its list holds `TIMEOUT`. `TXT: NONE` (or `SPF: NONE`)
//! lists no record; it only stops [`Fixture::serve_spf_as_txt`] from copying.

use alloc::collections::BTreeSet;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::{Ipv4Addr, Ipv6Addr};

use yaml_rust2::Yaml;

use crate::memory::MemoryResolver;
use crate::name::{Name, NameError};
use crate::record::{Mx, Record, RecordType, Tlsa, Txt};

/// A fixture file that could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FixtureError {
    /// The text is not YAML.
    #[error("not valid YAML: {0}")]
    Yaml(String),
    /// The text uses YAML aliases (`*name`), which this format does not
    /// allow: expanding them can multiply a small file into a huge tree.
    #[error("YAML aliases are not allowed in a fixture")]
    Alias,
    /// The document is not a mapping from names to record lists.
    #[error("the top level is not a mapping of owner names")]
    NotAMapping,
    /// An owner name is not a valid name.
    #[error("owner {owner:?}: {source}")]
    Owner {
        /// The name as written.
        owner: String,
        /// What is wrong with it.
        source: NameError,
    },
    /// A record could not be read.
    #[error("owner {owner:?}, record {index}: {problem}")]
    Record {
        /// The owner name as written.
        owner: String,
        /// The record's position in the owner's list, from 0.
        index: usize,
        /// What is wrong with it.
        problem: RecordProblem,
    },
}

/// What is wrong with one record of a fixture.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordProblem {
    /// Neither a one-key mapping `TYPE: value` nor the word `TIMEOUT`.
    #[error("expected `TYPE: value` or TIMEOUT")]
    Shape,
    /// A type this format does not know.
    #[error("unknown record type {0:?}")]
    UnknownType(String),
    /// The value does not fit the type.
    #[error("{record_type} value must be {expected}")]
    Value {
        /// The record type.
        record_type: RecordType,
        /// What the value should look like.
        expected: &'static str,
    },
    /// A name in the value is not valid.
    #[error("{0}")]
    Name(NameError),
}

/// A loaded fixture: the zone, plus the `NONE` declarations the openspf
/// driver rules need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fixture {
    zone: MemoryResolver,
    declared_none: BTreeSet<(Name, RecordType)>,
}

impl Fixture {
    /// Loads the first YAML document of `text` (an empty text is an empty zone).
    pub fn from_yaml_str(text: &str) -> Result<Fixture, FixtureError> {
        reject_aliases(text)?;
        let docs = yaml_rust2::YamlLoader::load_from_str(text)
            .map_err(|e| FixtureError::Yaml(e.to_string()))?;
        match docs.first() {
            Some(doc) => Fixture::from_yaml(doc),
            None => Ok(Fixture::default()),
        }
    }

    /// Loads a fixture from a YAML node already parsed, such as the
    /// `zonedata` of one scenario of the openspf suite. (Parse untrusted text
    /// with [`Fixture::from_yaml_str`], which refuses YAML aliases.)
    pub fn from_yaml(doc: &Yaml) -> Result<Fixture, FixtureError> {
        let mut fixture = Fixture::default();
        let map = match doc {
            Yaml::Hash(map) => map,
            Yaml::Null => return Ok(fixture),
            _ => return Err(FixtureError::NotAMapping),
        };
        for (key, value) in map {
            let owner_text = string(key).ok_or(FixtureError::NotAMapping)?;
            if owner_text == "_dnssec" {
                fixture.load_dnssec(value)?;
                continue;
            }
            let owner = Name::new(&owner_text).map_err(|source| FixtureError::Owner {
                owner: owner_text.clone(),
                source,
            })?;
            fixture.zone.add_name(owner.clone());
            let items: &[Yaml] = match value {
                Yaml::Array(items) => items,
                Yaml::Null => &[],
                single => core::slice::from_ref(single),
            };
            for (index, item) in items.iter().enumerate() {
                fixture
                    .load_item(&owner, item)
                    .map_err(|problem| FixtureError::Record {
                        owner: owner_text.clone(),
                        index,
                        problem,
                    })?;
            }
        }
        Ok(fixture)
    }

    /// The zone, as a resolver.
    pub fn resolver(&self) -> &MemoryResolver {
        &self.zone
    }

    /// The zone, as a resolver.
    pub fn into_resolver(self) -> MemoryResolver {
        self.zone
    }

    /// Whether the fixture said `TYPE: NONE` for `name`.
    pub fn declared_none(&self, name: &Name, record_type: RecordType) -> bool {
        self.declared_none.contains(&(name.clone(), record_type))
    }

    /// The openspf suite driver's rule (it predates RFC 7208 dropping type
    /// SPF): a name that lists `SPF` records but no `TXT` record, and does not
    /// say `TXT: NONE`, serves its SPF records as TXT too. This is a test
    /// driver's job; the `mailsec` command never does it.
    pub fn serve_spf_as_txt(&mut self) {
        let names: Vec<Name> = self.zone.names().cloned().collect();
        for name in names {
            let records = self.zone.records_at(&name);
            let has_txt = records.iter().any(|r| r.record_type() == RecordType::Txt);
            if has_txt || self.declared_none(&name, RecordType::Txt) {
                continue;
            }
            let copies: Vec<Record> = records
                .iter()
                .filter_map(|r| match r {
                    Record::Spf(t) => Some(Record::Txt(t.clone())),
                    _ => None,
                })
                .collect();
            for copy in copies {
                self.zone.add(name.clone(), copy);
            }
        }
    }

    fn load_dnssec(&mut self, value: &Yaml) -> Result<(), FixtureError> {
        let items: &[Yaml] = match value {
            Yaml::Array(items) => items,
            Yaml::Null => &[],
            single => core::slice::from_ref(single),
        };
        for item in items {
            let text = string(item).ok_or(FixtureError::NotAMapping)?;
            let name = Name::new(&text).map_err(|source| FixtureError::Owner {
                owner: text.clone(),
                source,
            })?;
            self.zone.mark_authenticated(name);
        }
        Ok(())
    }

    fn load_item(&mut self, owner: &Name, item: &Yaml) -> Result<(), RecordProblem> {
        if let Yaml::String(word) = item {
            if word == "TIMEOUT" {
                self.zone.add_timeout(owner.clone());
                return Ok(());
            }
            return Err(RecordProblem::Shape);
        }
        let Yaml::Hash(map) = item else {
            return Err(RecordProblem::Shape);
        };
        let mut entries = map.iter();
        let (Some((key, value)), None) = (entries.next(), entries.next()) else {
            return Err(RecordProblem::Shape);
        };
        let type_text = scalar_text(key).ok_or(RecordProblem::Shape)?;
        let record_type = RecordType::from_mnemonic(&type_text)
            .ok_or_else(|| RecordProblem::UnknownType(type_text.clone()))?;
        if matches!(record_type, RecordType::Txt | RecordType::Spf)
            && matches!(value, Yaml::String(s) if s == "NONE")
        {
            self.declared_none.insert((owner.clone(), record_type));
            return Ok(());
        }
        let record = parse_record(record_type, value)?;
        self.zone.add(owner.clone(), record);
        Ok(())
    }
}

/// Fails on the first YAML alias event, before anything is expanded.
fn reject_aliases(text: &str) -> Result<(), FixtureError> {
    struct Aliases(bool);
    impl yaml_rust2::parser::EventReceiver for Aliases {
        fn on_event(&mut self, ev: yaml_rust2::Event) {
            if matches!(ev, yaml_rust2::Event::Alias(_)) {
                self.0 = true;
            }
        }
    }
    let mut seen = Aliases(false);
    yaml_rust2::parser::Parser::new_from_str(text)
        .load(&mut seen, true)
        .map_err(|e| FixtureError::Yaml(e.to_string()))?;
    if seen.0 {
        Err(FixtureError::Alias)
    } else {
        Ok(())
    }
}

fn parse_record(record_type: RecordType, value: &Yaml) -> Result<Record, RecordProblem> {
    let bad = |expected| RecordProblem::Value {
        record_type,
        expected,
    };
    Ok(match record_type {
        RecordType::A => {
            let text = scalar_text(value).ok_or(bad("an IPv4 address"))?;
            Record::A(
                text.parse::<Ipv4Addr>()
                    .map_err(|_| bad("an IPv4 address"))?,
            )
        }
        RecordType::Aaaa => {
            let text = scalar_text(value).ok_or(bad("an IPv6 address"))?;
            Record::Aaaa(
                text.parse::<Ipv6Addr>()
                    .map_err(|_| bad("an IPv6 address"))?,
            )
        }
        RecordType::Txt | RecordType::Spf => {
            let expected = "a string or a list of strings (quote numbers and booleans)";
            let strings = match value {
                Yaml::Array(items) => items
                    .iter()
                    .map(|s| string(s).map(String::into_bytes))
                    .collect::<Option<Vec<_>>>()
                    .ok_or(bad(expected))?,
                other => alloc::vec![string(other).ok_or(bad(expected))?.into_bytes()],
            };
            let txt = Txt::new(strings);
            if record_type == RecordType::Txt {
                Record::Txt(txt)
            } else {
                Record::Spf(txt)
            }
        }
        RecordType::Mx => {
            let expected = "[preference, exchange]";
            let Yaml::Array(pair) = value else {
                return Err(bad(expected));
            };
            let [pref, exchange] = pair.as_slice() else {
                return Err(bad(expected));
            };
            let preference = match pref {
                Yaml::Integer(i) => u16::try_from(*i).map_err(|_| bad(expected))?,
                _ => return Err(bad(expected)),
            };
            Record::Mx(Mx {
                preference,
                exchange: name_value(exchange).ok_or(bad(expected))??,
            })
        }
        RecordType::Ptr => Record::Ptr(name_value(value).ok_or(bad("a name"))??),
        RecordType::Cname => Record::Cname(name_value(value).ok_or(bad("a name"))??),
        RecordType::Tlsa => {
            let expected = "[usage, selector, matching_type, \"hex\"]";
            let Yaml::Array(items) = value else {
                return Err(bad(expected));
            };
            let [usage, selector, matching, data] = items.as_slice() else {
                return Err(bad(expected));
            };
            let small = |y: &Yaml| match y {
                Yaml::Integer(i) => u8::try_from(*i).ok(),
                _ => None,
            };
            Record::Tlsa(Tlsa {
                usage: small(usage).ok_or(bad(expected))?,
                selector: small(selector).ok_or(bad(expected))?,
                matching_type: small(matching).ok_or(bad(expected))?,
                data: string(data)
                    .and_then(|h| decode_hex(&h))
                    .ok_or(bad(expected))?,
            })
        }
    })
}

/// A name in a record's value; `""` (as the openspf suite writes a null MX)
/// and `.` are the root.
fn name_value(value: &Yaml) -> Option<Result<Name, RecordProblem>> {
    let text = string(value)?;
    if text.is_empty() {
        return Some(Ok(Name::root()));
    }
    Some(Name::new(&text).map_err(RecordProblem::Name))
}

/// A YAML string, and nothing YAML typed as a number, boolean or null: `0123`
/// would silently become "123" and `True` "true".
fn string(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// A scalar as text: YAML may read `123` or `true` as numbers and booleans.
fn scalar_text(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| {
            let hi = char::from(*pair.first()?).to_digit(16)?;
            let lo = char::from(*pair.get(1)?).to_digit(16)?;
            u8::try_from(hi.checked_mul(16)?.checked_add(lo)?).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::{Failure, Outcome};
    use crate::query::Query;

    fn n(s: &str) -> Name {
        Name::new(s).unwrap()
    }

    const SAMPLE: &str = r#"
Example.COM.:
  - A: 192.0.2.1
  - AAAA: "2001:db8::1"
  - MX: [10, mx.example.com]
  - TXT: "v=spf1 mx -all"
  - TXT: ["v=DKIM1; p=", "abc"]
  - TLSA: [3, 1, 1, "0A0b"]
alias.example.com:
  - CNAME: example.com
1.2.0.192.in-addr.arpa:
  - PTR: mail.example.com
slow.example.com:
  - TXT: answers
  - TIMEOUT
empty.example.com:
nullmx.example.com:
  - MX: [0, ""]
_dnssec: [example.com, alias.example.com]
"#;

    #[test]
    fn loads_every_type() {
        let f = Fixture::from_yaml_str(SAMPLE).unwrap();
        let z = f.resolver();
        let a = z.answer(&Query::a(n("example.com")));
        assert_eq!(a.ipv4().next(), Some(Ipv4Addr::new(192, 0, 2, 1)));
        assert!(a.authenticated);
        assert_eq!(z.answer(&Query::aaaa(n("example.com"))).ipv6().count(), 1);
        let mx = z.answer(&Query::mx(n("example.com")));
        let mx = mx.mx().next().unwrap();
        assert_eq!(
            (mx.preference, mx.exchange.as_str()),
            (10, "mx.example.com")
        );
        let txt = z.answer(&Query::txt(n("example.com")));
        let joined: Vec<Vec<u8>> = txt.txt().map(Txt::joined).collect();
        assert_eq!(
            joined,
            [b"v=spf1 mx -all".to_vec(), b"v=DKIM1; p=abc".to_vec()]
        );
        assert_eq!(txt.txt().nth(1).unwrap().strings().len(), 2);
        let tlsa = z.answer(&Query::tlsa(n("example.com")));
        assert_eq!(tlsa.tlsa().next().unwrap().data, [0x0a, 0x0b]);
        let alias = z.answer(&Query::a(n("ALIAS.example.com")));
        assert_eq!(alias.ipv4().count(), 1);
        assert!(alias.authenticated);
        let ptr = z.answer(&Query::ptr(n("1.2.0.192.in-addr.arpa")));
        assert_eq!(ptr.ptr().next().unwrap().as_str(), "mail.example.com");
        assert_eq!(
            z.answer(&Query::a(n("empty.example.com"))).outcome,
            Outcome::NoData
        );
        assert_eq!(
            z.answer(&Query::a(n("nx.example.com"))).outcome,
            Outcome::NxDomain
        );
        assert_eq!(
            z.answer(&Query::a(n("slow.example.com"))).outcome,
            Outcome::Failed(Failure::Timeout)
        );
        assert_eq!(
            z.answer(&Query::txt(n("slow.example.com"))).txt().count(),
            1
        );
        let null = z.answer(&Query::mx(n("nullmx.example.com")));
        assert!(null.mx().next().unwrap().exchange.is_root());
    }

    #[test]
    fn json_is_yaml() {
        let f =
            Fixture::from_yaml_str(r#"{"example.com": [{"A": "192.0.2.7"}, "TIMEOUT"]}"#).unwrap();
        assert_eq!(
            f.resolver()
                .answer(&Query::a(n("example.com")))
                .ipv4()
                .count(),
            1
        );
        assert!(f.resolver().times_out(&n("example.com")));
    }

    #[test]
    fn spf_records_and_the_openspf_driver_rule() {
        let text = "
spfonly.example.net:
  - SPF: v=spf1 -all
  - TXT: NONE
both.example.net:
  - SPF: v=spf1 -all
copy.example.net:
  - SPF: [\"v=spf1 \", \"-all\"]
txt.example.net:
  - SPF: v=spf1 +all
  - TXT: v=spf1 -all
";
        let mut f = Fixture::from_yaml_str(text).unwrap();
        // The resolver itself never serves type 99 records as TXT.
        let before = f.resolver().answer(&Query::txt(n("copy.example.net")));
        assert_eq!(before.outcome, Outcome::NoData);
        assert!(f.declared_none(&n("spfonly.example.net"), RecordType::Txt));
        f.serve_spf_as_txt();
        let z = f.resolver();
        assert_eq!(
            z.answer(&Query::txt(n("spfonly.example.net"))).outcome,
            Outcome::NoData
        );
        let copied = z.answer(&Query::txt(n("copy.example.net")));
        assert_eq!(copied.txt().next().unwrap().joined(), b"v=spf1 -all");
        assert_eq!(
            z.answer(&Query::txt(n("both.example.net"))).txt().count(),
            1
        );
        let txt = z.answer(&Query::txt(n("txt.example.net")));
        assert_eq!(
            txt.txt().map(Txt::joined).collect::<Vec<_>>(),
            [b"v=spf1 -all".to_vec()]
        );
    }

    #[test]
    fn none_with_timeout_times_out() {
        let f = Fixture::from_yaml_str(
            "t.example:\n  - SPF: v=spf1 -all\n  - TXT: NONE\n  - TIMEOUT\n",
        )
        .unwrap();
        let a = f.resolver().answer(&Query::txt(n("t.example")));
        assert_eq!(a.outcome, Outcome::Failed(Failure::Timeout));
    }

    #[test]
    fn errors_say_where() {
        let e = Fixture::from_yaml_str("a.example:\n  - A: 300.1.1.1\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "owner \"a.example\", record 0: A value must be an IPv4 address"
        );
        let e = Fixture::from_yaml_str("a.example:\n  - TXT: x\n  - NS: y\n").unwrap_err();
        assert!(matches!(
            e,
            FixtureError::Record {
                index: 1,
                problem: RecordProblem::UnknownType(_),
                ..
            }
        ));
        let e = Fixture::from_yaml_str("a.example:\n  - MX: [70000, b.example]\n").unwrap_err();
        assert!(matches!(
            e,
            FixtureError::Record {
                problem: RecordProblem::Value { .. },
                ..
            }
        ));
        let e = Fixture::from_yaml_str("a..example:\n  - A: 192.0.2.1\n").unwrap_err();
        assert!(matches!(e, FixtureError::Owner { .. }));
        assert!(matches!(
            Fixture::from_yaml_str("- a\n- b\n"),
            Err(FixtureError::NotAMapping)
        ));
        assert!(matches!(
            Fixture::from_yaml_str("a: [b"),
            Err(FixtureError::Yaml(_))
        ));
        assert!(matches!(
            Fixture::from_yaml_str("a.example:\n  - {A: 192.0.2.1, TXT: x}\n"),
            Err(FixtureError::Record {
                problem: RecordProblem::Shape,
                ..
            })
        ));
        assert!(matches!(
            Fixture::from_yaml_str("a.example:\n  - SLOW\n"),
            Err(FixtureError::Record {
                problem: RecordProblem::Shape,
                ..
            })
        ));
    }

    #[test]
    fn aliases_are_refused_before_expansion() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n";
        assert_eq!(Fixture::from_yaml_str(bomb), Err(FixtureError::Alias));
    }

    #[test]
    fn yaml_typed_values_are_refused_where_text_is_needed() {
        for text in [
            "a.example:\n  - TXT: 123\n",
            "a.example:\n  - TXT: True\n",
            "a.example:\n  - TXT:\n",
            "a.example:\n  - TXT: [v=spf1, 12]\n",
            "a.example:\n  - PTR: 12\n",
        ] {
            assert!(
                matches!(
                    Fixture::from_yaml_str(text),
                    Err(FixtureError::Record { .. })
                ),
                "{text:?}"
            );
        }
        let f = Fixture::from_yaml_str("a.example:\n  - TXT: \"0123\"\n_dnssec:\n").unwrap();
        let a = f.resolver().answer(&Query::txt(n("a.example")));
        assert_eq!(a.txt().next().unwrap().joined(), b"0123");
        assert!(!a.authenticated, "an empty _dnssec list marks nothing");
    }

    #[test]
    fn empty_text_is_empty_zone() {
        let f = Fixture::from_yaml_str("").unwrap();
        assert_eq!(f.resolver().names().count(), 0);
    }
}
