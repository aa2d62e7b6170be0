//! What a state machine asks the resolver.

use crate::name::Name;
use crate::record::RecordType;

/// One DNS question: a name and a type (class IN).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Query {
    /// The owner name asked about.
    pub name: Name,
    /// The record type asked for.
    pub record_type: RecordType,
}

impl Query {
    /// A question for `record_type` records at `name`.
    pub fn new(name: Name, record_type: RecordType) -> Query {
        Query { name, record_type }
    }

    /// A TXT question.
    pub fn txt(name: Name) -> Query {
        Query::new(name, RecordType::Txt)
    }

    /// An A question.
    pub fn a(name: Name) -> Query {
        Query::new(name, RecordType::A)
    }

    /// An AAAA question.
    pub fn aaaa(name: Name) -> Query {
        Query::new(name, RecordType::Aaaa)
    }

    /// An MX question.
    pub fn mx(name: Name) -> Query {
        Query::new(name, RecordType::Mx)
    }

    /// A PTR question for `name` (build reverse names with [`reverse_name`](crate::reverse_name)).
    pub fn ptr(name: Name) -> Query {
        Query::new(name, RecordType::Ptr)
    }

    /// A TLSA question.
    pub fn tlsa(name: Name) -> Query {
        Query::new(name, RecordType::Tlsa)
    }
}

impl core::fmt::Display for Query {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {}", self.name, self.record_type)
    }
}
