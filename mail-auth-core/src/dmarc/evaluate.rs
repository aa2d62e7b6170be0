//! DMARC evaluation as a sans-IO state machine: policy discovery,
//! identifier alignment, the result and the policy to apply.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use mailsec_dns::{
    Answer, DnsMachine, MAX_NAME_LEN, Name, Outcome, ProvideError, Query, RecordType, Step,
};

use super::author::AuthorDomainError;
use super::policy::{AlignmentMode, DmarcResult, Policy};
use super::public_suffix::PublicSuffixList;
use super::record::{DmarcRecord, Psd, RecordError, is_dmarc_version};
use super::tree_walk::{self, Found, Walk};
use crate::dkim::{DkimOutcome, DkimResult};
use crate::spf::{SpfOutcome, SpfResult};

/// Which DMARC specification to apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DmarcRules {
    /// RFC 9989 (the default): the DNS Tree Walk finds policies and
    /// organizational domains; `np`, `psd` and `t` apply; `pct` is ignored.
    #[default]
    Rfc9989,
    /// RFC 7489: the policy at the Author Domain, else at its organizational
    /// domain from the Public Suffix List; `pct` applies; `np`, `psd` and `t`
    /// are ignored.
    Rfc7489,
}

/// How to evaluate.
#[derive(Clone, Debug)]
pub struct DmarcConfig {
    /// Which specification.
    pub rules: DmarcRules,
    /// The Public Suffix List for [`DmarcRules::Rfc7489`].
    pub public_suffixes: PublicSuffixList,
    /// For RFC 7489's `pct`: a number the caller drew uniformly from 0 to 99.
    /// The message is sampled (the policy applies in full) when it is below
    /// `pct`. Default 0: with `pct=100` every message is sampled, with
    /// `pct=0` none.
    pub pct_sample: u8,
    /// The most DNS queries one evaluation makes (policy discovery, tree
    /// walks for alignment, the non-existence check). An alignment check the
    /// cap cuts short is unresolved: without another aligned pass the result
    /// is `temperror`. Default 32.
    pub max_queries: usize,
    /// Ask every `_dmarc` name of the policy discovery walk in one batch
    /// (resolved in parallel by [`mailsec_dns::drive_async`]) instead of one
    /// after the other. It trades queries the walk might not have needed
    /// for one round trip instead of up to eight. Default `false`.
    pub batch_discovery: bool,
}

impl Default for DmarcConfig {
    fn default() -> Self {
        DmarcConfig {
            rules: DmarcRules::Rfc9989,
            public_suffixes: PublicSuffixList::embedded(),
            pct_sample: 0,
            max_queries: 32,
            batch_discovery: false,
        }
    }
}

/// An authenticated identifier DMARC may align with the Author Domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identifier<R> {
    /// The SPF or DKIM result for it.
    pub result: R,
    /// The domain (SPF: MAIL FROM's, or HELO's for the null reverse-path;
    /// DKIM: `d=`).
    pub domain: String,
}

/// What DMARC evaluates: the Author Domain and the authentication results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DmarcInput {
    /// The Author Domain ([`super::author_domain`]), or why there is none.
    pub author_domain: Result<String, AuthorDomainError>,
    /// The SPF result, if SPF was checked.
    pub spf: Option<Identifier<SpfResult>>,
    /// One entry per DKIM signature.
    pub dkim: Vec<Identifier<DkimResult>>,
}

impl DmarcInput {
    /// An input for `author_domain` with no authentication results yet. The
    /// domain may be in any case, with a trailing dot, or with U-labels:
    /// the evaluator normalises it to lower-case A-labels.
    pub fn new(author_domain: &str) -> DmarcInput {
        DmarcInput {
            author_domain: Ok(author_domain.to_string()),
            spf: None,
            dkim: Vec::new(),
        }
    }

    /// An input for a message whose header section gave this Author Domain
    /// (or error).
    pub fn from_author(author_domain: Result<String, AuthorDomainError>) -> DmarcInput {
        DmarcInput {
            author_domain,
            spf: None,
            dkim: Vec::new(),
        }
    }

    /// Adds the SPF outcome (its checked domain is MAIL FROM's, or HELO's
    /// for the null reverse-path).
    pub fn with_spf(mut self, outcome: &SpfOutcome) -> DmarcInput {
        self.spf = Some(Identifier {
            result: outcome.result,
            domain: outcome.domain.clone(),
        });
        self
    }

    /// Adds DKIM outcomes.
    pub fn with_dkim<'a>(mut self, outcomes: impl IntoIterator<Item = &'a DkimOutcome>) -> Self {
        self.dkim.extend(outcomes.into_iter().map(|o| Identifier {
            result: o.result,
            domain: o.domain.clone(),
        }));
        self
    }
}

/// Which tag gave the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicySource {
    /// No record applies.
    NoRecord,
    /// `p`: the record is the Author Domain's own.
    Domain,
    /// `sp` (or `p` when `sp` is absent): the record is an ancestor's.
    Subdomain,
    /// `np`: an ancestor's record, and the Author Domain does not exist.
    NonExistent,
}

/// Why the result is what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DmarcReason {
    /// SPF passed for an aligned domain.
    AlignedSpf,
    /// A DKIM signature of an aligned domain passed.
    AlignedDkim(String),
    /// No aligned identifier passed.
    NotAligned,
    /// No DMARC record was found for the Author Domain.
    NoRecord,
    /// The message has no single Author Domain.
    Author(AuthorDomainError),
    /// The Author Domain is not a valid domain name.
    BadAuthorDomain(String),
    /// The record that applies has an invalid `p`, `sp` or `np` and no
    /// valid `rua`: RFC 9989 §4.10.1 says to apply no DMARC processing.
    UnusableRecord {
        /// Where it was found.
        domain: String,
        /// What is wrong with it.
        errors: Vec<RecordError>,
    },
    /// A DNS query failed temporarily.
    DnsFailure(String),
}

impl fmt::Display for DmarcReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DmarcReason::AlignedSpf => f.write_str("aligned SPF pass"),
            DmarcReason::AlignedDkim(d) => write!(f, "aligned DKIM pass (d={d})"),
            DmarcReason::NotAligned => f.write_str("no aligned SPF or DKIM pass"),
            DmarcReason::NoRecord => f.write_str("no DMARC record"),
            DmarcReason::Author(e) => write!(f, "no single author domain: {e}"),
            DmarcReason::BadAuthorDomain(d) => {
                write!(f, "author domain {d:?} is not a domain name")
            }
            DmarcReason::UnusableRecord { domain, errors } => {
                write!(f, "the DMARC record of {domain} has no valid policy")?;
                if let Some(e) = errors.first() {
                    write!(f, " ({e})")?;
                }
                Ok(())
            }
            DmarcReason::DnsFailure(name) => write!(f, "temporary DNS failure for {name}"),
        }
    }
}

/// The verdict of a DMARC evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DmarcOutcome {
    /// `pass`, `fail`, `none`, `temperror` or `permerror`.
    pub result: DmarcResult,
    /// The Author Domain (empty when there is none).
    pub author_domain: String,
    /// Where the policy record was found (the Author Domain, or an
    /// ancestor), when one was.
    pub policy_domain: Option<String>,
    /// The Author Domain's organizational domain, when it was needed and
    /// determined.
    pub organizational_domain: Option<String>,
    /// The record that applies.
    pub record: Option<DmarcRecord>,
    /// Which tag gave the policy.
    pub policy_source: PolicySource,
    /// The policy the record requests for this domain (`p`, `sp` or `np`),
    /// before `t` and `pct`.
    pub requested_policy: Policy,
    /// The policy to apply to a message that does not pass: the requested
    /// one, one step less strict under `t=y` (RFC 9989) or when `pct`
    /// did not sample the message (RFC 7489). `none` without a record.
    pub policy: Policy,
    /// Whether `t=y` or `pct` lowered the policy.
    pub policy_lowered: bool,
    /// An SPF pass for a domain aligned with the Author Domain.
    pub spf_aligned: bool,
    /// A DKIM pass for a domain aligned with the Author Domain.
    pub dkim_aligned: bool,
    /// The `d=` of the first aligned passing signature.
    pub aligned_dkim_domain: Option<String>,
    /// Why.
    pub reason: DmarcReason,
    /// DNS queries made.
    pub dns_queries: usize,
    /// The specification applied.
    pub rules: DmarcRules,
}

impl DmarcOutcome {
    /// The policy to act on for this message: `none` when the result is not
    /// `fail`, [`DmarcOutcome::policy`] when it is.
    pub fn disposition(&self) -> Policy {
        if self.result == DmarcResult::Fail {
            self.policy
        } else {
            Policy::None
        }
    }
}

/// What a `_dmarc` TXT lookup found.
#[derive(Clone, Debug)]
enum Lookup {
    Nothing,
    /// The record as a receiver applies it (syntax errors discarded).
    Record(DmarcRecord),
    /// A DMARC record whose `p`, `sp` or `np` is invalid and that has no
    /// valid `rua`: no DMARC processing (RFC 9989 §4.10.1).
    Unusable(Psd, Vec<RecordError>),
    TempFail,
}

impl Lookup {
    fn from_answer(answer: &Answer) -> Lookup {
        if answer.failure().is_some() {
            return Lookup::TempFail;
        }
        let texts: Vec<String> = answer
            .txt()
            .map(|t| String::from_utf8_lossy(&t.joined()).into_owned())
            .filter(|t| is_dmarc_version(t))
            .take(2)
            .collect();
        match <[String; 1]>::try_from(texts) {
            Ok([text]) => match DmarcRecord::parse_lenient(&text) {
                Ok((record, errors)) => {
                    let psd = record.psd();
                    match record.effective(&errors) {
                        Some(record) => Lookup::Record(record),
                        None => Lookup::Unusable(psd, errors),
                    }
                }
                // Too long: not a record we read.
                Err(_) => Lookup::Nothing,
            },
            // None, or several: RFC 9989 §4.10 discards them all.
            Err(_) => Lookup::Nothing,
        }
    }

    fn found(&self) -> Result<Found, ()> {
        match self {
            Lookup::Nothing => Ok(Found::Nothing),
            Lookup::Record(r) => Ok(Found::Record(r.psd())),
            Lookup::Unusable(psd, _) => Ok(Found::Record(*psd)),
            Lookup::TempFail => Err(()),
        }
    }
}

/// Does a lookup prove the name absent? Only NXDOMAIN does (RFC 9989
/// §3.2.13 and Appendix A.4: NODATA means the name exists).
fn proves_absent(answer: &Answer) -> bool {
    matches!(answer.outcome, Outcome::NxDomain)
}

/// DMARC evaluation as a [`DnsMachine`]. Drive it with
/// [`mailsec_dns::drive`] (or your own loop) to a [`DmarcOutcome`].
///
/// Queries are asked one at a time, since each step of a tree walk depends
/// on the last (unless [`DmarcConfig::batch_discovery`] asks for the whole
/// walk at once).
#[derive(Debug)]
pub struct DmarcEvaluator {
    config: DmarcConfig,
    input: DmarcInput,
    author: Result<Name, DmarcReason>,
    /// The tree walk's names from the Author Domain (RFC 9989).
    author_walk: Vec<Name>,
    /// `_dmarc` results by the name under `_dmarc`.
    txt: BTreeMap<Name, Lookup>,
    /// Non-existence of the Author Domain: `Some(true)` when its address
    /// query came back NXDOMAIN.
    nonexistent: Option<bool>,
    pending: Vec<Query>,
    queries: usize,
    outcome: Option<DmarcOutcome>,
}

/// A transient return value, never stored: its size does not matter.
#[allow(clippy::large_enum_variant)]
enum Next {
    Need(Vec<Query>),
    Done(DmarcOutcome),
}

impl DmarcEvaluator {
    /// An evaluation of `input` under `config`.
    pub fn new(config: DmarcConfig, input: DmarcInput) -> DmarcEvaluator {
        let author = match &input.author_domain {
            Err(e) => Err(DmarcReason::Author(e.clone())),
            Ok(domain) => {
                normalize(domain).ok_or_else(|| DmarcReason::BadAuthorDomain(domain.clone()))
            }
        };
        let author_walk = author
            .as_ref()
            .map(tree_walk::walk_names)
            .unwrap_or_default();
        let mut evaluator = DmarcEvaluator {
            config,
            input,
            author,
            author_walk,
            txt: BTreeMap::new(),
            nonexistent: None,
            pending: Vec::new(),
            queries: 0,
            outcome: None,
        };
        evaluator.advance();
        evaluator
    }

    fn advance(&mut self) {
        match self.next() {
            Next::Done(outcome) => {
                self.pending.clear();
                self.outcome = Some(outcome);
            }
            Next::Need(queries) => self.pending = queries,
        }
    }

    fn budget_left(&self) -> bool {
        self.queries < self.config.max_queries
    }

    fn base_outcome(&self, result: DmarcResult, reason: DmarcReason) -> DmarcOutcome {
        DmarcOutcome {
            result,
            author_domain: self
                .author
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_else(|_| self.input.author_domain.clone().unwrap_or_default()),
            policy_domain: None,
            organizational_domain: None,
            record: None,
            policy_source: PolicySource::NoRecord,
            requested_policy: Policy::None,
            policy: Policy::None,
            policy_lowered: false,
            spf_aligned: false,
            dkim_aligned: false,
            aligned_dkim_domain: None,
            reason,
            dns_queries: self.queries,
            rules: self.config.rules,
        }
    }

    /// Runs the evaluation as far as the answers so far allow.
    fn next(&self) -> Next {
        let author = match &self.author {
            Ok(a) => a.clone(),
            Err(reason) => {
                return Next::Done(self.base_outcome(DmarcResult::PermError, reason.clone()));
            }
        };
        // 1. Policy discovery.
        let (policy_name, record, mut org_of_author) = match self.discover(&author) {
            Discovery::Need(queries) => return Next::Need(queries),
            Discovery::Done(out) => return Next::Done(*out),
            Discovery::Found(name, record, org) => (name, record, org),
            Discovery::NoRecord => {
                // No record: every domain is its own organizational domain,
                // so alignment (reported, not acted on) is equality.
                let mut out = self.base_outcome(DmarcResult::None, DmarcReason::NoRecord);
                out.spf_aligned = self
                    .passing_spf()
                    .is_some_and(|d| same_domain(d, author.as_str()));
                out.aligned_dkim_domain = self
                    .passing_dkim()
                    .find(|d| same_domain(d, author.as_str()))
                    .map(str::to_string);
                out.dkim_aligned = out.aligned_dkim_domain.is_some();
                return Next::Done(out);
            }
        };
        // 2. Alignment.
        let mut alignment_failed = false;
        let mut spf_aligned = false;
        if let Some(domain) = self.passing_spf() {
            match self.aligned(&author, domain, record.spf_alignment(), &mut org_of_author) {
                Aligned::Yes => spf_aligned = true,
                Aligned::No => {}
                Aligned::Failed => alignment_failed = true,
                Aligned::Need(q) => return Next::Need(q),
            }
        }
        let mut aligned_dkim_domain = None;
        for domain in self.passing_dkim() {
            match self.aligned(&author, domain, record.dkim_alignment(), &mut org_of_author) {
                Aligned::Yes => {
                    aligned_dkim_domain = normalize(domain).map(|n| n.to_string());
                    break;
                }
                Aligned::No => {}
                Aligned::Failed => alignment_failed = true,
                Aligned::Need(q) => return Next::Need(q),
            }
        }

        // 3. The policy for this domain.
        let at_author = policy_name == author;
        let (mut source, mut requested) = if at_author {
            (PolicySource::Domain, record.policy.unwrap_or(Policy::None))
        } else {
            let sub = record
                .subdomain_policy
                .or(record.policy)
                .unwrap_or(Policy::None);
            (PolicySource::Subdomain, sub)
        };
        if !at_author
            && self.config.rules == DmarcRules::Rfc9989
            && let Some(np) = record.nonexistent_policy
        {
            match self.nonexistent {
                None if self.budget_left() => {
                    return Next::Need(vec![Query::a(author.clone())]);
                }
                Some(true) => {
                    source = PolicySource::NonExistent;
                    requested = np;
                }
                _ => {}
            }
        }
        let lowered = match self.config.rules {
            DmarcRules::Rfc9989 => record.is_testing(),
            DmarcRules::Rfc7489 => self.config.pct_sample >= record.percent(),
        };
        let policy = if lowered {
            requested.relaxed_one_step()
        } else {
            requested
        };

        let dkim_aligned = aligned_dkim_domain.is_some();
        let (result, reason) = if let Some(d) = &aligned_dkim_domain {
            (DmarcResult::Pass, DmarcReason::AlignedDkim(d.clone()))
        } else if spf_aligned {
            (DmarcResult::Pass, DmarcReason::AlignedSpf)
        } else if alignment_failed {
            (
                DmarcResult::TempError,
                DmarcReason::DnsFailure("an organizational domain".into()),
            )
        } else {
            (DmarcResult::Fail, DmarcReason::NotAligned)
        };
        let mut out = self.base_outcome(result, reason);
        out.policy_domain = Some(policy_name.to_string());
        out.organizational_domain = org_of_author.map(|n| n.to_string());
        out.record = Some(record.clone());
        out.policy_source = source;
        out.requested_policy = requested;
        out.policy = policy;
        out.policy_lowered = lowered && policy != requested;
        out.spf_aligned = spf_aligned;
        out.dkim_aligned = dkim_aligned;
        out.aligned_dkim_domain = aligned_dkim_domain;
        Next::Done(out)
    }

    /// Finds the policy record (RFC 9989 §4.10.1, RFC 7489 §6.6.3): the
    /// Author Domain's own; else (RFC 9989) that of its organizational
    /// domain, found by the tree walk, or of the public suffix domain whose
    /// `psd=y` ended the walk; else (RFC 7489) that of its organizational
    /// domain from the Public Suffix List.
    fn discover(&self, author: &Name) -> Discovery<'_> {
        if self.config.batch_discovery && self.txt.is_empty() {
            let names = match self.config.rules {
                DmarcRules::Rfc9989 => self.author_walk.clone(),
                DmarcRules::Rfc7489 => self.rfc7489_names(author),
            };
            let room = self.config.max_queries.saturating_sub(self.queries);
            let queries: Vec<Query> = names
                .iter()
                .filter(|n| self.lookup(n).is_none())
                .take(room)
                .map(dmarc_query)
                .collect();
            if !queries.is_empty() {
                return Discovery::Need(queries);
            }
        }
        // The Author Domain first, under either rules.
        match self.lookup(author) {
            None => return self.ask_discovery(author),
            Some(Lookup::TempFail) => return self.temp_failure(author),
            Some(Lookup::Unusable(_, errors)) => return self.unusable(author, errors),
            Some(Lookup::Record(record)) => return Discovery::Found(author.clone(), record, None),
            Some(Lookup::Nothing) => {}
        }
        match self.config.rules {
            DmarcRules::Rfc7489 => {
                let Some(org) = self.rfc7489_names(author).into_iter().nth(1) else {
                    return Discovery::NoRecord;
                };
                match self.lookup(&org) {
                    None => self.ask_discovery(&org),
                    Some(Lookup::TempFail) => self.temp_failure(&org),
                    Some(Lookup::Unusable(_, errors)) => self.unusable(&org, errors),
                    Some(Lookup::Record(record)) => {
                        Discovery::Found(org.clone(), record, Some(org))
                    }
                    Some(Lookup::Nothing) => Discovery::NoRecord,
                }
            }
            DmarcRules::Rfc9989 => {
                let org = match self.walk(author) {
                    Walk::Need(name) => return self.ask_discovery(&name),
                    Walk::Failed(()) => return self.temp_failure(author),
                    Walk::Done(org) => org,
                };
                match self.lookup(&org) {
                    Some(Lookup::Record(record)) => {
                        return Discovery::Found(org.clone(), record, Some(org));
                    }
                    Some(Lookup::Unusable(_, errors)) => return self.unusable(&org, errors),
                    Some(Lookup::TempFail) => return self.temp_failure(&org),
                    // The seven-label shortcut can skip the organizational
                    // domain (one label below a PSD): ask for it now.
                    None => return self.ask_discovery(&org),
                    Some(Lookup::Nothing) => {}
                }
                // The organizational domain has no record of its own: the
                // public suffix domain's (psd=y) record applies.
                for name in &self.author_walk {
                    if let Some(Lookup::Record(record)) = self.lookup(name)
                        && record.psd() == Psd::Yes
                    {
                        return Discovery::Found(name.clone(), record, Some(org));
                    }
                }
                Discovery::NoRecord
            }
        }
    }

    /// RFC 7489's candidates: the Author Domain, then its organizational
    /// domain when different.
    fn rfc7489_names(&self, author: &Name) -> Vec<Name> {
        let org = self
            .config
            .public_suffixes
            .organizational_domain(author.as_str());
        let mut names = vec![author.clone()];
        if let Ok(org) = Name::new(&org)
            && org != *author
        {
            names.push(org);
        }
        names
    }

    fn ask_discovery(&self, name: &Name) -> Discovery<'_> {
        if self.budget_left() {
            Discovery::Need(vec![dmarc_query(name)])
        } else {
            self.temp_failure(name)
        }
    }

    fn temp_failure(&self, name: &Name) -> Discovery<'_> {
        Discovery::Done(Box::new(self.base_outcome(
            DmarcResult::TempError,
            DmarcReason::DnsFailure(name.to_string()),
        )))
    }

    fn unusable(&self, name: &Name, errors: &[RecordError]) -> Discovery<'_> {
        let mut out = self.base_outcome(
            DmarcResult::None,
            DmarcReason::UnusableRecord {
                domain: name.to_string(),
                errors: errors.to_vec(),
            },
        );
        out.policy_domain = Some(name.to_string());
        Discovery::Done(Box::new(out))
    }

    fn passing_spf(&self) -> Option<&str> {
        self.input
            .spf
            .as_ref()
            .filter(|s| s.result == SpfResult::Pass)
            .map(|s| s.domain.as_str())
    }

    fn passing_dkim(&self) -> impl Iterator<Item = &str> {
        self.input
            .dkim
            .iter()
            .filter(|d| d.result == DkimResult::Pass)
            .map(|d| d.domain.as_str())
    }

    /// Is `domain` aligned with `author` in `mode`? May need a query.
    fn aligned(
        &self,
        author: &Name,
        domain: &str,
        mode: AlignmentMode,
        org_of_author: &mut Option<Name>,
    ) -> Aligned {
        let Some(domain) = normalize(domain) else {
            return Aligned::No;
        };
        if domain == *author {
            return Aligned::Yes;
        }
        if mode == AlignmentMode::Strict {
            return Aligned::No;
        }
        match self.config.rules {
            DmarcRules::Rfc7489 => {
                let psl = &self.config.public_suffixes;
                let a = psl.organizational_domain(author.as_str());
                if org_of_author.is_none() {
                    *org_of_author = Name::new(&a).ok();
                }
                if a == psl.organizational_domain(domain.as_str()) {
                    Aligned::Yes
                } else {
                    Aligned::No
                }
            }
            DmarcRules::Rfc9989 => {
                let org = match org_of_author {
                    Some(o) => o.clone(),
                    None => match self.walk(author) {
                        Walk::Done(o) => {
                            *org_of_author = Some(o.clone());
                            o
                        }
                        Walk::Need(name) => return self.ask(&name),
                        Walk::Failed(()) => return Aligned::Failed,
                    },
                };
                // An organizational domain is an ancestor (or self): the two
                // can only match when `domain` lies under the author's.
                if !(domain == org || domain.is_subdomain_of(&org)) {
                    return Aligned::No;
                }
                match self.walk(&domain) {
                    Walk::Done(o) if o == org => Aligned::Yes,
                    Walk::Done(_) => Aligned::No,
                    Walk::Need(name) => self.ask(&name),
                    Walk::Failed(()) => Aligned::Failed,
                }
            }
        }
    }

    /// What `_dmarc.<name>` holds, if known: the answer received, or
    /// nothing for a name that cannot take the prefix.
    fn lookup(&self, name: &Name) -> Option<&Lookup> {
        if name.as_str().len().saturating_add(DMARC_PREFIX_LEN) > MAX_NAME_LEN {
            return Some(&NO_RECORD);
        }
        self.txt.get(name)
    }

    fn walk(&self, start: &Name) -> Walk<()> {
        let names;
        let names = if self.author.as_ref().is_ok_and(|a| a == start) {
            &self.author_walk
        } else {
            names = tree_walk::walk_names(start);
            &names
        };
        tree_walk::organizational_domain_over(start, names, |name| match self.lookup(name) {
            None => Ok(None),
            Some(lookup) => lookup.found().map(Some),
        })
    }

    /// Asks for `name`, or (past the query cap) gives up on this
    /// identifier: without an aligned pass elsewhere that is `temperror`,
    /// never a `fail` that could reject good mail.
    fn ask(&self, name: &Name) -> Aligned {
        if self.budget_left() {
            Aligned::Need(vec![dmarc_query(name)])
        } else {
            Aligned::Failed
        }
    }
}

/// Where policy discovery stands.
enum Discovery<'a> {
    Need(Vec<Query>),
    Done(Box<DmarcOutcome>),
    /// The record to apply, where it was found, and the Author Domain's
    /// organizational domain when discovery determined it.
    Found(Name, &'a DmarcRecord, Option<Name>),
    NoRecord,
}

enum Aligned {
    Yes,
    No,
    Failed,
    Need(Vec<Query>),
}

/// The `_dmarc` query for `name`. Only called for names that take the
/// prefix ([`DmarcEvaluator::lookup`] answers the others itself).
fn dmarc_query(name: &Name) -> Query {
    Query::txt(name.prepend("_dmarc").unwrap_or_else(|_| name.clone()))
}

/// What a name too long to take the `_dmarc.` prefix holds: nothing, since
/// its `_dmarc` name cannot exist. No query is made for it.
static NO_RECORD: Lookup = Lookup::Nothing;

/// `_dmarc.` in octets.
const DMARC_PREFIX_LEN: usize = 7;

/// An identifier domain as a lower-case name (U-labels to A-labels).
fn normalize(domain: &str) -> Option<Name> {
    let ascii = if domain.is_ascii() {
        domain.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(domain).ok()?
    };
    let name = Name::new(&ascii).ok()?;
    (!name.is_root()).then_some(name)
}

fn same_domain(a: &str, b: &str) -> bool {
    normalize(a).is_some_and(|a| a.as_str() == b)
}

impl DnsMachine for DmarcEvaluator {
    type Output = DmarcOutcome;

    fn poll(&mut self) -> Step<'_, DmarcOutcome> {
        match &self.outcome {
            Some(outcome) => Step::Done(outcome.clone()),
            None => Step::NeedDns(&self.pending),
        }
    }

    fn provide(&mut self, answers: Vec<Answer>) -> Result<(), ProvideError> {
        if self.outcome.is_some() || self.pending.is_empty() {
            return Err(ProvideError::NotWaiting);
        }
        if answers.len() != self.pending.len() {
            return Err(ProvideError::AnswerCount {
                expected: self.pending.len(),
                got: answers.len(),
            });
        }
        let pending = core::mem::take(&mut self.pending);
        self.queries = self.queries.saturating_add(pending.len());
        for (query, answer) in pending.iter().zip(&answers) {
            if query.record_type == RecordType::Txt {
                let under = query
                    .name
                    .as_str()
                    .strip_prefix("_dmarc.")
                    .and_then(|n| Name::new(n).ok())
                    .unwrap_or_else(|| query.name.clone());
                self.txt.insert(under, Lookup::from_answer(answer));
            } else {
                // The existence check: a failed lookup proves nothing, so
                // the domain is taken to exist.
                self.nonexistent = Some(proves_absent(answer));
            }
        }
        self.advance();
        Ok(())
    }
}
