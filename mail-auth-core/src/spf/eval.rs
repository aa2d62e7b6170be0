//! `check_host()` (RFC 7208 §4) as a sans-IO state machine.
//!
//! The evaluator keeps an explicit stack of frames: the domain being checked
//! and, for each `include`, the domain it includes. A frame's result is
//! handed to the including frame in a loop over that stack. `redirect` replaces the
//! current frame (it is a tail call: its result is the frame's result). Each
//! term is evaluated against the answers gathered for it so far; when it needs
//! more, the evaluator asks for them (a batch where the RFC allows it: the
//! addresses of all MX hosts, the addresses of all PTR names) and evaluates the
//! term again once they are provided. Nothing recurses on input.
//!
//! # Limits (RFC 7208 §4.6.4)
//!
//! - `include`, `a`, `mx`, `ptr`, `exists` and `redirect` count as DNS-querying
//!   terms; the eleventh is a `permerror` the moment it is reached.
//! - An `mx` term whose MX answer holds more than 10 names is a `permerror`; a
//!   `ptr` term or `%{p}` macro looks at the first 10 PTR names only.
//! - Void lookups: our reading of "the number of 'terms' for which DNS queries
//!   return either a positive answer with an answer count of 0, or a Name
//!   Error" is one count per term whose own query (the TXT of `include` and
//!   `redirect`, the A/AAAA of `a` and `exists`, the MX of `mx`, the PTR of
//!   `ptr`) is void. The address lookups of the names an MX or PTR answer lists
//!   are part of that term and are not counted again; the `exp=` lookup, made
//!   after the result is known, never counts. The third void lookup is a
//!   `permerror` the moment it is answered.
//! - Elapsed time: the caller sets a deadline and tells the evaluator the time
//!   ([`DnsMachine::set_now`]); once the deadline has passed the result is
//!   `temperror`.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use mailsec_dns::{
    Answer, DnsMachine, Name, Outcome, ProvideError, Query, RecordType, Step, reverse_name,
};

use smallvec::SmallVec;

use super::cache::SpfRecordCache;
use super::macros::{MacroContext, MacroLetter, MacroPart, MacroString};
use super::record::{Mechanism, Qualifier, Record, Term};
use super::result::{Identity, SpfOutcome, SpfResult};

/// The limits of RFC 7208 §4.6.4, configurable; the defaults are the RFC's.
///
/// How they are applied:
///
/// - `include`, `a`, `mx`, `ptr`, `exists` and `redirect` count as DNS-querying
///   terms; the eleventh is a `permerror` the moment it is reached.
/// - An `mx` term whose MX answer holds more than 10 names is a `permerror`; a
///   `ptr` term or `%{p}` macro looks at the first 10 PTR names only.
/// - Void lookups: our reading of "the number of 'terms' for which DNS queries
///   return either a positive answer with an answer count of 0, or a Name
///   Error" is one count per term whose own query (the TXT of `include` and
///   `redirect`, the A/AAAA of `a` and `exists`, the MX of `mx`, the PTR of
///   `ptr`) is void. The address lookups of the names an MX or PTR answer lists
///   are part of that term and are not counted again; the `exp=` lookup, made
///   after the result is known, never counts. The third void lookup is a
///   `permerror` the moment it is answered.
/// - Elapsed time: the caller sets a deadline and tells the evaluator the time
///   ([`DnsMachine::set_now`]); once the deadline has passed the result is
///   `temperror`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpfLimits {
    /// DNS-querying terms (`include a mx ptr exists redirect`): 10.
    pub dns_terms: u32,
    /// Void lookups: 2.
    pub void_lookups: u32,
    /// Names in one MX answer: 10 (more is a `permerror`).
    pub mx_names: usize,
    /// PTR names examined for `ptr` and `%{p}`: 10 (the rest are ignored).
    pub ptr_names: usize,
}

impl Default for SpfLimits {
    fn default() -> Self {
        SpfLimits {
            dns_terms: 10,
            void_lookups: 2,
            mx_names: 10,
            ptr_names: 10,
        }
    }
}

/// How a check is made, beyond its identities.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SpfConfig {
    /// The limits.
    pub limits: SpfLimits,
    /// The time when the check started, seconds since the Unix epoch (the
    /// `%{t}` macro).
    pub now: u64,
    /// When the check gives up with `temperror` (RFC 7208 §4.6.4 asks for at
    /// least 20 seconds after the start); `None` for no limit.
    pub deadline: Option<u64>,
    /// The receiving host's name, for `%{r}` in explanations ("unknown" if empty).
    pub receiver: String,
    /// Parsed records kept between checks ([`MemoryRecordCache`](super::MemoryRecordCache)
    /// or your own); `None` parses every record met.
    pub record_cache: Option<Arc<dyn SpfRecordCache>>,
}

impl SpfConfig {
    /// The RFC's limits, a check started at `now`, a 20-second deadline.
    pub fn new(now: u64) -> SpfConfig {
        SpfConfig {
            limits: SpfLimits::default(),
            now,
            deadline: Some(now.saturating_add(20)),
            receiver: String::new(),
            record_cache: None,
        }
    }
}

/// What a frame is doing.
#[derive(Debug)]
enum Phase {
    /// Looking up the domain's SPF record.
    Record,
    /// Evaluating the record's terms.
    Terms {
        record: Arc<Record>,
        /// The record as published, for naming the matched term as written.
        text: RecordText,
        index: usize,
        counted: bool,
    },
}

/// The text of the record being evaluated.
#[derive(Debug)]
enum RecordText {
    /// As the record cache keeps it, or joined from several strings.
    Shared(Arc<str>),
    /// The TXT record itself, of one character-string already found to be
    /// UTF-8: holding it costs no copy.
    Txt(mailsec_dns::Txt),
    /// Not kept: only the top frame's matched term is reported as written.
    Dropped,
}

impl RecordText {
    fn as_str(&self) -> &str {
        match self {
            RecordText::Shared(text) => text,
            RecordText::Txt(txt) => txt
                .strings()
                .first()
                .and_then(|bytes| core::str::from_utf8(bytes).ok())
                .unwrap_or_default(),
            RecordText::Dropped => "",
        }
    }
}

/// One domain being checked: the top-level one, or the target of an `include`.
#[derive(Debug)]
struct Frame {
    domain: Name,
    /// Reached through `redirect` (then "no record" is a `permerror`, §6.1).
    redirected: bool,
    phase: Phase,
}

/// What evaluating one term gave.
enum TermResult {
    /// More answers are needed (already queued in `pending`).
    Need,
    /// The mechanism matches.
    Match,
    /// The mechanism does not match.
    NoMatch,
    /// Evaluate this domain's policy (an `include`).
    Include(Name),
    /// The whole check ends here with this result.
    Error(SpfResult, String),
}

/// A state machine for RFC 7208's `check_host()`. Drive it with
/// [`mailsec_dns::drive`], [`mailsec_dns::drive_with_clock`] or
/// [`mailsec_dns::drive_async`], or poll it yourself.
///
/// ```
/// use mailsec_dns::{MemoryResolver, Name, Record, Txt};
/// use mail_auth_core::spf::{SpfConfig, SpfEvaluator, SpfResult};
///
/// let mut zone = MemoryResolver::new();
/// zone.add(Name::new("example.com").unwrap(), Record::Txt(Txt::from_bytes(b"v=spf1 ip4:192.0.2.0/24 -all")));
/// let mut spf = SpfEvaluator::mail_from(
///     "192.0.2.7".parse().unwrap(), "mail.example.com", "alice@example.com", SpfConfig::new(1_700_000_000));
/// let outcome = mailsec_dns::drive(&mut spf, &zone).unwrap();
/// assert_eq!(outcome.result, SpfResult::Pass);
/// assert_eq!(outcome.mechanism.as_deref(), Some("ip4:192.0.2.0/24"));
/// ```
#[derive(Debug)]
pub struct SpfEvaluator {
    ip: IpAddr,
    /// The domain the check started from (the outcome's `domain`).
    domain: String,
    /// `local@domain` (the `@` at `sender_at`, the end at `sender_end`), then
    /// the HELO name: one buffer, which becomes the outcome's `sender`.
    idents: String,
    sender_at: usize,
    sender_end: usize,
    identity: Identity,
    config: SpfConfig,
    time: u64,
    /// Inline up to a depth of 4 (the usual check allocates nothing here).
    frames: SmallVec<[Frame; 4]>,
    dns_terms: u32,
    void_lookups: u32,
    /// The queries asked for the term being evaluated: the first `answered`
    /// have their answers in `answers`, in order; the rest are pending.
    queries: SmallVec<[Query; 4]>,
    answered: usize,
    /// The answers to `queries[..answered]`: the caller's batches, appended
    /// (the first batch's vector is kept as it came).
    answers: Vec<Answer>,
    /// The vector of an earlier batch, for [`DnsMachine::answer_buffer`].
    spare_answers: Vec<Answer>,
    /// Whether each pending query counts as a void lookup when void.
    pending_counts_void: VoidFlags,
    /// The explanation lookup after a top-level `fail`.
    /// Boxed: rare, and large.
    explaining: Option<Box<Explaining>>,
    outcome: Option<SpfOutcome>,
    /// [`poll`](DnsMachine::poll) has handed the outcome over: the check is
    /// spent.
    handed_over: bool,
}

#[derive(Debug)]
struct Explaining {
    outcome: SpfOutcome,
    exp: MacroString,
    /// The domain the `exp=` belongs to (`%{d}` in the explanation).
    domain: Name,
}

impl SpfEvaluator {
    /// Checks the MAIL FROM identity (RFC 7208 §2.4). An empty `mail_from`
    /// (the null reverse-path) checks `postmaster@<helo>` instead, and the
    /// outcome's identity is then `helo`.
    pub fn mail_from(ip: IpAddr, helo: &str, mail_from: &str, config: SpfConfig) -> SpfEvaluator {
        if mail_from.is_empty() {
            return SpfEvaluator::helo(ip, helo, config);
        }
        let (_, domain) = split_sender(mail_from);
        SpfEvaluator::check_host(ip, domain, mail_from, helo, Identity::MailFrom, config)
    }

    /// Checks the HELO identity (RFC 7208 §2.3): `check_host(ip, helo,
    /// postmaster@helo)`.
    pub fn helo(ip: IpAddr, helo: &str, config: SpfConfig) -> SpfEvaluator {
        // A sender without `@` is `postmaster@` it (§4.3).
        SpfEvaluator::check_host(ip, helo, helo, helo, Identity::Helo, config)
    }

    /// `check_host(<ip>, <domain>, <sender>)` as RFC 7208 §4 defines it. A
    /// `sender` without a local part (or without `@`) gets `postmaster` (§4.3).
    pub fn check_host(
        ip: IpAddr,
        domain: &str,
        sender: &str,
        helo: &str,
        identity: Identity,
        config: SpfConfig,
    ) -> SpfEvaluator {
        let ip = match ip {
            // §5: an IPv4-mapped IPv6 client is an IPv4 client.
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let (local, sender_domain) = split_sender(sender);
        let mut idents = String::with_capacity(
            local
                .len()
                .saturating_add(sender_domain.len())
                .saturating_add(1)
                .saturating_add(helo.len()),
        );
        idents.push_str(local);
        idents.push('@');
        idents.push_str(sender_domain);
        let sender_end = idents.len();
        idents.push_str(helo);
        let time = config.now;
        let trimmed = domain.strip_suffix('.').unwrap_or(domain);
        let mut evaluator = SpfEvaluator {
            ip,
            domain: String::from(trimmed),
            idents,
            sender_at: local.len(),
            sender_end,
            identity,
            config,
            time,
            frames: SmallVec::new(),
            dns_terms: 0,
            void_lookups: 0,
            queries: SmallVec::new(),
            answered: 0,
            answers: Vec::new(),
            spare_answers: Vec::new(),
            pending_counts_void: VoidFlags::default(),
            explaining: None,
            outcome: None,
            handed_over: false,
        };
        // §4.3: a malformed or single-label domain gives "none" at once,
        // without a DNS query.
        match usable_domain(trimmed) {
            Some(name) => {
                evaluator.frames.push(Frame {
                    domain: name,
                    redirected: false,
                    phase: Phase::Record,
                });
            }
            None => evaluator.finish(
                SpfResult::None,
                None,
                Some(format!("{domain:?} is not a usable domain name")),
            ),
        }
        evaluator
    }

    /// The outcome, once the check has finished and until
    /// [`poll`](DnsMachine::poll) hands it over (see there).
    pub fn outcome(&self) -> Option<&SpfOutcome> {
        self.outcome.as_ref()
    }

    fn finish(&mut self, result: SpfResult, mechanism: Option<String>, problem: Option<String>) {
        self.finish_keeping(result, mechanism, problem, false);
    }

    /// [`finish`](Self::finish); `explaining` when an explanation is to be
    /// fetched afterwards, whose macros still need the sender and HELO name.
    fn finish_keeping(
        &mut self,
        result: SpfResult,
        mechanism: Option<String>,
        problem: Option<String>,
        explaining: bool,
    ) {
        // The check is over: the domain moves into the outcome, and so does
        // the sender unless an explanation still needs it.
        let sender = if explaining {
            String::from(self.sender())
        } else {
            let mut sender = core::mem::take(&mut self.idents);
            sender.truncate(self.sender_end);
            sender
        };
        self.outcome = Some(SpfOutcome {
            result,
            identity: self.identity,
            domain: core::mem::take(&mut self.domain),
            sender,
            mechanism,
            explanation: None,
            problem,
            dns_lookups: self.dns_terms,
            void_lookups: self.void_lookups,
        });
    }

    /// `local@domain`.
    fn sender(&self) -> &str {
        self.idents.get(..self.sender_end).unwrap_or_default()
    }

    fn context<'a>(
        &'a self,
        domain: &'a str,
        validated_ptr: Option<&'a str>,
        explanation: bool,
    ) -> MacroContext<'a> {
        let sender = self.sender();
        MacroContext {
            sender,
            sender_local: sender.get(..self.sender_at).unwrap_or_default(),
            sender_domain: sender
                .get(self.sender_at.saturating_add(1)..)
                .unwrap_or_default(),
            domain,
            ip: self.ip,
            validated_ptr,
            helo: self.idents.get(self.sender_end..).unwrap_or_default(),
            receiver: if self.config.receiver.is_empty() {
                "unknown"
            } else {
                &self.config.receiver
            },
            timestamp: self.config.now,
            explanation,
        }
    }

    /// The answer to `query` if it has arrived; otherwise queues it.
    fn answer(&mut self, query: Query, counts_void: bool) -> Option<&Answer> {
        match self.queries.iter().position(|q| *q == query) {
            Some(i) if i < self.answered => self.answers.get(i),
            Some(_) => None,
            None => {
                self.queries.push(query);
                self.pending_counts_void.push(counts_void);
                None
            }
        }
    }

    /// The queries asked and not answered yet.
    fn pending(&self) -> &[Query] {
        self.queries.get(self.answered..).unwrap_or_default()
    }

    /// Forgets the answers gathered (the term they served is done).
    #[inline]
    fn clear_answers(&mut self) {
        // Nothing asked since the last clearing (an answer implies a query):
        // the usual case, decided inline.
        if !(self.queries.is_empty() && self.answered == 0) {
            self.clear_answers_slow();
        }
    }

    #[inline(never)]
    fn clear_answers_slow(&mut self) {
        if self.answered == self.queries.len() {
            self.queries.clear();
        } else {
            self.queries.drain(..self.answered);
        }
        self.answered = 0;
        self.answers.clear();
    }

    /// Forgets the pending queries.
    fn clear_pending(&mut self) {
        self.queries.truncate(self.answered);
        self.pending_counts_void.clear();
    }

    /// Runs until the machine needs answers or has an outcome.
    fn advance(&mut self) {
        while !self.handed_over && self.outcome.is_none() {
            // Checked first, also while answers are awaited: a poll after
            // the deadline gives up whether or not the last batch came.
            if self.config.deadline.is_some_and(|d| self.time >= d) {
                self.clear_pending();
                // The result is known once the explanation is being fetched:
                // a late explanation is dropped (§6.2), the fail stays.
                if let Some(explaining) = self.explaining.take() {
                    self.outcome = Some(explaining.outcome);
                    return;
                }
                self.finish(
                    SpfResult::TempError,
                    None,
                    Some("elapsed time limit reached".into()),
                );
                return;
            }
            if !self.pending().is_empty() {
                return;
            }
            if self.explaining.is_some() {
                self.explain();
                continue;
            }
            self.step();
        }
    }

    /// One step of the top frame.
    fn step(&mut self) {
        let Some(frame) = self.frames.last() else {
            // Cannot happen: the outcome is set when the last frame ends.
            self.finish(SpfResult::PermError, None, Some("internal state".into()));
            return;
        };
        match &frame.phase {
            Phase::Record => self.step_record(),
            Phase::Terms { .. } => self.step_term(),
        }
    }

    fn step_record(&mut self) {
        let Some(frame) = self.frames.last() else {
            return;
        };
        // The answer looked up in place: the domain is cloned only to ask.
        let position = self.queries.get(..self.answered).and_then(|answered| {
            answered
                .iter()
                .position(|q| q.record_type == RecordType::Txt && q.name == frame.domain)
        });
        let Some(answer) = position.and_then(|i| self.answers.get(i)) else {
            // Asked now (or still pending).
            let query = Query::txt(frame.domain.clone());
            let _ = self.answer(query, true);
            return;
        };
        let parsed = match select_record(answer) {
            Err(e) => Err(e),
            Ok((text, txt)) => {
                // Only the top frame's text is needed (to report its match).
                let keep_text = self.frames.len() == 1;
                self.parse_record(&text, txt, &frame.domain, keep_text)
            }
        };
        self.clear_answers();
        match parsed {
            Err((result, problem)) => self.frame_result(result, None, problem),
            Ok((text, record)) => {
                if let Some(frame) = self.frames.last_mut() {
                    frame.phase = Phase::Terms {
                        record,
                        text,
                        index: 0,
                        counted: false,
                    };
                }
            }
        }
    }

    /// Parses a record's text, through the caller's cache when there is one.
    /// `txt` is the record `bytes` is the one string of, if it is; `name`
    /// where it was found; `keep_text` whether the text is to be kept.
    fn parse_record(
        &self,
        bytes: &[u8],
        txt: Option<&mailsec_dns::Txt>,
        name: &Name,
        keep_text: bool,
    ) -> Result<(RecordText, Arc<Record>), (SpfResult, String)> {
        let cache = self.config.record_cache.as_ref();
        // A text the cache holds is UTF-8: a hit needs no check.
        if let Some(cache) = cache {
            if !keep_text {
                if let Some(record) = cache.get_record(bytes) {
                    return Ok((RecordText::Dropped, record));
                }
            } else if let Some((text, record)) = cache.get_bytes(bytes) {
                return Ok((RecordText::Shared(text), record));
            }
        }
        let text = core::str::from_utf8(bytes)
            .map_err(|_| (SpfResult::PermError, "the SPF record is not UTF-8".into()))?;
        let parse = |text: &str| {
            Record::parse(text).map_err(|e| (SpfResult::PermError, format!("{name}: {e}")))
        };
        if let Some(cache) = cache {
            let record = Arc::new(parse(text)?);
            let text: Arc<str> = Arc::from(text);
            cache.insert(Arc::clone(&text), Arc::clone(&record));
            return Ok((RecordText::Shared(text), record));
        }
        let record = Arc::new(parse(text)?);
        let text = match txt {
            _ if !keep_text => RecordText::Dropped,
            Some(txt) => RecordText::Txt(txt.clone()),
            None => RecordText::Shared(Arc::from(text)),
        };
        Ok((text, record))
    }

    fn step_term(&mut self) {
        if self.step_local_terms() {
            return;
        }
        let Some(frame) = self.frames.last() else {
            return;
        };
        let Phase::Terms {
            record,
            index,
            counted,
            ..
        } = &frame.phase
        else {
            return;
        };
        let (index, counted) = (*index, *counted);
        let record = Arc::clone(record);
        let domain = frame.domain.clone();
        let Some(term) = record.terms.get(index) else {
            // The end of the record: redirect, or the default neutral (§4.7).
            match record.redirect().cloned() {
                Some(target) => self.redirect(&domain, &target, counted),
                None => self.frame_result(SpfResult::Neutral, None, String::new()),
            }
            return;
        };
        let Term::Directive(directive) = term else {
            self.next_term();
            return;
        };
        let qualifier = directive.qualifier;
        let mechanism = &directive.mechanism;
        if counts_as_dns_term(mechanism) && !counted {
            if let Some(Frame {
                phase: Phase::Terms { counted, .. },
                ..
            }) = self.frames.last_mut()
            {
                *counted = true;
            }
            if !self.count_dns_term() {
                return;
            }
        }
        match self.evaluate(&domain, mechanism) {
            TermResult::Need => {}
            TermResult::Match => {
                self.clear_answers();
                // Only the top frame's term is reported: an included
                // domain's match is reported as the `include` that reached it.
                let token = match self.frames.as_slice() {
                    [top] => match &top.phase {
                        Phase::Terms { text, .. } => term_text(text.as_str(), index),
                        Phase::Record => None,
                    },
                    _ => None,
                };
                self.frame_result(qualifier_result(qualifier), token, String::new());
            }
            TermResult::NoMatch => self.next_term(),
            TermResult::Include(target) => {
                self.clear_answers();
                self.frames.push(Frame {
                    domain: target,
                    redirected: false,
                    phase: Phase::Record,
                });
            }
            TermResult::Error(result, problem) => {
                self.clear_answers();
                self.frame_result(result, None, problem);
            }
        }
    }

    /// Evaluates in place, without sharing the record or the domain, the run
    /// of terms at the current position that need no DNS: modifiers (skipped
    /// here), `all`, `ip4` and `ip6`; and an `include` of a domain-spec
    /// without macros. True when one of them matched (and the frame has its
    /// result) or an include was entered; false at another DNS term or the end
    /// of the record, left to [`step_term`](Self::step_term)'s general path.
    fn step_local_terms(&mut self) -> bool {
        // A term being evaluated with answers gathered is a DNS term.
        if !self.queries.is_empty() {
            return false;
        }
        let client = self.ip;
        let Some(Frame {
            phase:
                Phase::Terms {
                    record,
                    index,
                    counted,
                    ..
                },
            ..
        }) = self.frames.last_mut()
        else {
            return false;
        };
        let qualifier = loop {
            let Some(term) = record.terms.get(*index) else {
                return false;
            };
            if let Term::Directive(directive) = term {
                let hit = match (&directive.mechanism, client) {
                    (Mechanism::Include(spec), _) if !*counted => {
                        let Some(target) = spec.literal_name() else {
                            return false;
                        };
                        // As the general path does: counted, then entered.
                        let target = target.clone();
                        *counted = true;
                        if self.count_dns_term() {
                            self.clear_answers();
                            self.frames.push(Frame {
                                domain: target,
                                redirected: false,
                                phase: Phase::Record,
                            });
                        }
                        return true;
                    }
                    (Mechanism::All, _) => true,
                    (Mechanism::Ip4 { addr, cidr }, IpAddr::V4(ip)) => in_v4(ip, *addr, *cidr),
                    (Mechanism::Ip6 { addr, cidr }, IpAddr::V6(ip)) => in_v6(ip, *addr, *cidr),
                    (Mechanism::Ip4 { .. }, IpAddr::V6(_))
                    | (Mechanism::Ip6 { .. }, IpAddr::V4(_)) => false,
                    _ => return false,
                };
                if hit {
                    break directive.qualifier;
                }
            }
            *index = index.saturating_add(1);
            *counted = false;
        };
        // Only the top frame's term is reported, as in `step_term`.
        let token = match self.frames.as_slice() {
            [top] => match &top.phase {
                Phase::Terms { text, index, .. } => term_text(text.as_str(), *index),
                Phase::Record => None,
            },
            _ => None,
        };
        self.frame_result(qualifier_result(qualifier), token, String::new());
        true
    }

    /// Counts a DNS-querying term; false (and the check ended) past the limit.
    fn count_dns_term(&mut self) -> bool {
        self.dns_terms = self.dns_terms.saturating_add(1);
        if self.dns_terms > self.config.limits.dns_terms {
            let limit = self.config.limits.dns_terms;
            self.end_all(
                SpfResult::PermError,
                format!("more than {limit} DNS-querying terms"),
            );
            return false;
        }
        true
    }

    fn next_term(&mut self) {
        self.clear_answers();
        if let Some(Frame {
            phase: Phase::Terms { index, counted, .. },
            ..
        }) = self.frames.last_mut()
        {
            *index = index.saturating_add(1);
            *counted = false;
        }
    }

    fn redirect(&mut self, domain: &Name, target: &MacroString, counted: bool) {
        if !counted {
            if let Some(Frame {
                phase: Phase::Terms { counted, .. },
                ..
            }) = self.frames.last_mut()
            {
                *counted = true;
            }
            if !self.count_dns_term() {
                return;
            }
        }
        match self.target_name(domain, target) {
            TargetName::Need => {}
            TargetName::Name(name) => {
                self.clear_answers();
                if let Some(frame) = self.frames.last_mut() {
                    *frame = Frame {
                        domain: name,
                        redirected: true,
                        phase: Phase::Record,
                    };
                }
            }
            TargetName::Error(problem) => {
                self.clear_answers();
                self.frame_result(SpfResult::PermError, None, format!("redirect: {problem}"));
            }
        }
    }

    /// The current frame ends with `result`; hands it to the including frame,
    /// or finishes the check.
    fn frame_result(
        &mut self,
        mut result: SpfResult,
        mut mechanism: Option<String>,
        mut problem: String,
    ) {
        // A loop over the frame stack, not recursion: each pass ends one
        // frame and hands its result to the frame that included it.
        while let Some(frame) = self.frames.pop() {
            if result == SpfResult::None && frame.redirected {
                result = SpfResult::PermError;
                problem = format!("redirect target {} has no SPF record", frame.domain);
            }
            if self.frames.is_empty() {
                let exp = match (&frame.phase, result) {
                    (Phase::Terms { record, .. }, SpfResult::Fail) => record.exp().cloned(),
                    _ => None,
                };
                let problem = (!problem.is_empty()).then_some(problem);
                self.finish_keeping(result, mechanism, problem, exp.is_some());
                if let Some(exp) = exp
                    && let Some(outcome) = self.outcome.take()
                {
                    self.explaining = Some(Box::new(Explaining {
                        outcome,
                        exp,
                        domain: frame.domain,
                    }));
                }
                return;
            }
            // The parent is at the `include` that pushed this frame (§5.2).
            match result {
                SpfResult::Pass => {
                    let Some(Frame {
                        phase:
                            Phase::Terms {
                                record,
                                text,
                                index,
                                ..
                            },
                        ..
                    }) = self.frames.last()
                    else {
                        return;
                    };
                    let qualifier = match record.terms.get(*index) {
                        Some(Term::Directive(d)) => d.qualifier,
                        _ => Qualifier::Pass,
                    };
                    // The include matched: the parent ends with its qualifier.
                    result = qualifier_result(qualifier);
                    mechanism = (self.frames.len() == 1)
                        .then(|| term_text(text.as_str(), *index))
                        .flatten();
                    problem = String::new();
                }
                SpfResult::Fail | SpfResult::SoftFail | SpfResult::Neutral => {
                    self.next_term();
                    return;
                }
                SpfResult::TempError | SpfResult::PermError => mechanism = None,
                SpfResult::None => {
                    result = SpfResult::PermError;
                    mechanism = None;
                    problem = format!("included domain {} has no SPF record", frame.domain);
                }
            }
        }
    }

    /// Ends the whole check (a limit was exceeded).
    fn end_all(&mut self, result: SpfResult, problem: String) {
        self.frames.clear();
        self.clear_answers();
        self.clear_pending();
        self.finish(result, None, Some(problem));
    }

    /// Evaluates one mechanism for the current frame's domain.
    fn evaluate(&mut self, domain: &Name, mechanism: &Mechanism) -> TermResult {
        let client = self.ip;
        match mechanism {
            Mechanism::All => TermResult::Match,
            Mechanism::Ip4 { addr, cidr } => bool_match(match self.ip {
                IpAddr::V4(ip) => in_v4(ip, *addr, *cidr),
                IpAddr::V6(_) => false,
            }),
            Mechanism::Ip6 { addr, cidr } => bool_match(match self.ip {
                IpAddr::V6(ip) => in_v6(ip, *addr, *cidr),
                IpAddr::V4(_) => false,
            }),
            Mechanism::Include(spec) => match self.target_name(domain, spec) {
                TargetName::Need => TermResult::Need,
                TargetName::Name(name) => TermResult::Include(name),
                TargetName::Error(p) => {
                    TermResult::Error(SpfResult::PermError, format!("include: {p}"))
                }
            },
            Mechanism::A {
                domain: spec,
                cidr4,
                cidr6,
            } => {
                let target = match self.optional_target(domain, spec.as_ref()) {
                    Ok(t) => t,
                    Err(r) => return r,
                };
                let query = self.address_query(target);
                let Some(answer) = self.answer(query, true) else {
                    return TermResult::Need;
                };
                if let Some(e) = temp_error(answer, "a") {
                    return e;
                }
                let hit = answer.ips().any(|ip| ip_in(client, ip, *cidr4, *cidr6));
                bool_match(hit)
            }
            Mechanism::Exists(spec) => {
                let target = match self.target_name(domain, spec) {
                    TargetName::Need => return TermResult::Need,
                    TargetName::Name(n) => n,
                    TargetName::Error(p) => {
                        return TermResult::Error(SpfResult::PermError, format!("exists: {p}"));
                    }
                };
                // §5.7: always an A query, whatever the client's address family.
                let Some(answer) = self.answer(Query::a(target), true) else {
                    return TermResult::Need;
                };
                if let Some(e) = temp_error(answer, "exists") {
                    return e;
                }
                bool_match(answer.ipv4().next().is_some())
            }
            Mechanism::Mx {
                domain: spec,
                cidr4,
                cidr6,
            } => {
                let target = match self.optional_target(domain, spec.as_ref()) {
                    Ok(t) => t,
                    Err(r) => return r,
                };
                let Some(answer) = self.answer(Query::mx(target), true) else {
                    return TermResult::Need;
                };
                if let Some(e) = temp_error(answer, "mx") {
                    return e;
                }
                let exchanges: Vec<Name> = answer.mx().map(|m| m.exchange.clone()).collect();
                if exchanges.len() > self.config.limits.mx_names {
                    let limit = self.config.limits.mx_names;
                    return TermResult::Error(
                        SpfResult::PermError,
                        format!("mx: more than {limit} MX names"),
                    );
                }
                // The hosts' addresses come in one batch. A DNS failure on
                // any of them stops the mechanism with temperror (§5: only
                // `ptr` is an exception), whether or not another host
                // matches: the result must not depend on answer order.
                let mut missing = false;
                let mut failed = None;
                let mut hit = false;
                for exchange in exchanges {
                    if exchange.is_root() {
                        continue;
                    }
                    let query = self.address_query(exchange);
                    match self.answer(query, false) {
                        None => missing = true,
                        Some(a) => {
                            failed = failed.or_else(|| temp_error(a, "mx host"));
                            hit |= a.ips().any(|ip| ip_in(client, ip, *cidr4, *cidr6));
                        }
                    }
                }
                match (missing, failed, hit) {
                    (true, _, _) => TermResult::Need,
                    (false, Some(error), _) => error,
                    (false, None, hit) => bool_match(hit),
                }
            }
            Mechanism::Ptr(spec) => {
                let target = match self.optional_target(domain, spec.as_ref()) {
                    Ok(t) => t,
                    Err(r) => return r,
                };
                match self.validated_names(true) {
                    None => TermResult::Need,
                    Some(names) => bool_match(names.iter().any(|n| n.is_subdomain_of(&target))),
                }
            }
        }
    }

    /// The A or AAAA query for the client's address family.
    fn address_query(&self, name: Name) -> Query {
        match self.ip {
            IpAddr::V4(_) => Query::a(name),
            IpAddr::V6(_) => Query::aaaa(name),
        }
    }

    /// The names of the client's PTR records whose addresses include the
    /// client's (§5.5 validation), at most the PTR limit's worth; `None` while
    /// answers are outstanding. DNS errors make a name (or all) invalid.
    fn validated_names(&mut self, counts_void: bool) -> Option<Vec<Name>> {
        let client = self.ip;
        let limit = self.config.limits.ptr_names;
        let ptr = self.answer(Query::ptr(reverse_name(client)), counts_void)?;
        let names: Vec<Name> = ptr.ptr().take(limit).cloned().collect();
        let mut missing = false;
        let mut valid = Vec::new();
        for name in names {
            let query = self.address_query(name.clone());
            match self.answer(query, false) {
                None => missing = true,
                Some(a) => {
                    if a.ips().any(|ip| ip == client) {
                        valid.push(name);
                    }
                }
            }
        }
        if missing { None } else { Some(valid) }
    }

    /// The `%{p}` value: the target domain itself if it is validated, else the
    /// first validated name, else "unknown" (§7.3). `None` while waiting.
    fn p_macro(&mut self, domain: &Name) -> Option<String> {
        let names = self.validated_names(false)?;
        let chosen = names
            .iter()
            .find(|n| *n == domain)
            .or_else(|| names.iter().find(|n| n.is_subdomain_of(domain)))
            .or_else(|| names.first());
        Some(chosen.map_or_else(|| String::from("unknown"), Name::to_string))
    }

    fn optional_target(
        &mut self,
        domain: &Name,
        spec: Option<&MacroString>,
    ) -> Result<Name, TermResult> {
        match spec {
            None => Ok(domain.clone()),
            Some(spec) => match self.target_name(domain, spec) {
                TargetName::Need => Err(TermResult::Need),
                TargetName::Name(n) => Ok(n),
                TargetName::Error(p) => Err(TermResult::Error(SpfResult::PermError, p)),
            },
        }
    }

    /// Expands a domain-spec to the name to query.
    fn target_name(&mut self, domain: &Name, spec: &MacroString) -> TargetName {
        // A domain-spec without macros (the common `include:_spf.example`)
        // needs no expansion; one over 253 octets still goes through it, to
        // be shortened as §7.3 says.
        if let [MacroPart::Literal(literal)] = spec.parts()
            && literal.len() <= mailsec_dns::MAX_NAME_LEN
        {
            // Made when the record was parsed (and shared by a cached record).
            if let Some(name) = spec.literal_name() {
                return TargetName::Name(name.clone());
            }
            return match Name::new(literal) {
                Ok(name) if !name.is_root() => TargetName::Name(name),
                _ => TargetName::Error(format!("{literal:?} is not a valid domain name")),
            };
        }
        let p = if spec.uses(MacroLetter::P) {
            match self.p_macro(domain) {
                None => return TargetName::Need,
                Some(p) => Some(p),
            }
        } else {
            None
        };
        let expanded = match spec.expand_domain(&self.context(domain.as_str(), p.as_deref(), false))
        {
            Ok(e) => e,
            Err(e) => return TargetName::Error(format!("macro expansion: {e}")),
        };
        match Name::new(&expanded) {
            Ok(name) if !name.is_root() => TargetName::Name(name),
            _ => TargetName::Error(format!("{expanded:?} is not a valid domain name")),
        }
    }

    /// After a top-level `fail`: fetch and expand the explanation (§6.2). Any
    /// problem leaves the result without an explanation.
    fn explain(&mut self) {
        let Some(state) = self.explaining.take() else {
            return;
        };
        match self.explanation(&state.exp, &state.domain) {
            None => self.explaining = Some(state),
            Some(explanation) => {
                let mut outcome = state.outcome;
                outcome.explanation = explanation;
                self.clear_answers();
                self.outcome = Some(outcome);
            }
        }
    }

    /// The expanded explanation of `exp=` at `domain`: `None` while answers
    /// are outstanding, `Some(None)` when there is none to give.
    fn explanation(&mut self, exp: &MacroString, domain: &Name) -> Option<Option<String>> {
        let target = match self.target_name(domain, exp) {
            TargetName::Need => return None,
            TargetName::Name(n) => n,
            TargetName::Error(_) => return Some(None),
        };
        let texts: Vec<Vec<u8>> = self
            .answer(Query::txt(target), false)?
            .txt()
            .map(mailsec_dns::Txt::joined)
            .collect();
        let [text] = texts.as_slice() else {
            return Some(None);
        };
        let Some(macros) = core::str::from_utf8(text)
            .ok()
            .and_then(|t| MacroString::parse_explanation(t).ok())
        else {
            return Some(None);
        };
        let p = if macros.uses(MacroLetter::P) {
            Some(self.p_macro(domain)?)
        } else {
            None
        };
        Some(
            macros
                .expand(&self.context(domain.as_str(), p.as_deref(), true))
                .ok(),
        )
    }
}

enum TargetName {
    Need,
    Name(Name),
    Error(String),
}

impl DnsMachine for SpfEvaluator {
    type Output = SpfOutcome;

    /// What the check needs next, or its outcome. The outcome is handed
    /// over, not copied: once a poll has returned [`Step::Done`] the
    /// evaluator is spent, and a later poll asks for nothing (an empty
    /// batch, which [`provide`](DnsMachine::provide) refuses with
    /// [`ProvideError::NotWaiting`]).
    fn poll(&mut self) -> Step<'_, SpfOutcome> {
        self.advance();
        match self.outcome.take() {
            Some(outcome) => {
                self.handed_over = true;
                Step::Done(outcome)
            }
            None if self.handed_over => Step::NeedDns(&[]),
            None => Step::NeedDns(self.pending()),
        }
    }

    fn provide(&mut self, answers: Vec<Answer>) -> Result<(), ProvideError> {
        let pending = self.pending().len();
        if pending == 0 || self.handed_over {
            return Err(ProvideError::NotWaiting);
        }
        if answers.len() != pending {
            return Err(ProvideError::AnswerCount {
                expected: pending,
                got: answers.len(),
            });
        }
        for (i, answer) in answers.iter().enumerate() {
            if self.pending_counts_void.get(i) && answer.is_void() {
                self.void_lookups = self.void_lookups.saturating_add(1);
                if self.void_lookups > self.config.limits.void_lookups && self.explaining.is_none()
                {
                    let limit = self.config.limits.void_lookups;
                    self.end_all(
                        SpfResult::PermError,
                        format!("more than {limit} void lookups"),
                    );
                    return Ok(());
                }
            }
        }
        self.pending_counts_void.clear();
        let spare = if self.answers.is_empty() {
            // The usual case, one batch per term: the caller's vector is kept.
            core::mem::replace(&mut self.answers, answers)
        } else {
            let mut answers = answers;
            self.answers.append(&mut answers);
            answers
        };
        // The emptied vector goes back to the driver (`answer_buffer`).
        if self.spare_answers.capacity() <= spare.capacity() {
            self.spare_answers = spare;
        }
        self.answered = self.queries.len();
        Ok(())
    }

    fn answer_buffer(&mut self) -> Vec<Answer> {
        // The vector of an earlier batch (the driver asks before the last
        // batch's answers are read, so that one is still in use): two
        // vectors take turns instead of a new one per batch.
        core::mem::take(&mut self.spare_answers)
    }

    fn set_now(&mut self, now: u64) {
        self.time = now;
    }
}

/// A selected record's text, and the TXT record it is the one string of.
type Selected<'a> = (Cow<'a, [u8]>, Option<&'a mailsec_dns::Txt>);

/// RFC 7208 §4.5: the one record that starts with `v=spf1` (then a space or
/// the end), its strings joined; `none` for zero, `permerror` for several,
/// `temperror` on a DNS failure.
/// With the text (not yet checked to be UTF-8), the TXT record when the text
/// is its one string.
fn select_record(answer: &Answer) -> Result<Selected<'_>, (SpfResult, String)> {
    match &answer.outcome {
        Outcome::Failed(f) => {
            return Err((
                SpfResult::TempError,
                format!("DNS failure looking up the SPF record ({f:?})"),
            ));
        }
        Outcome::NxDomain => return Err((SpfResult::None, "the domain does not exist".into())),
        Outcome::NoData => return Err((SpfResult::None, "no SPF record".into())),
        Outcome::Records(_) => {}
    }
    let is_spf = |t: &[u8]| {
        t.get(..6)
            .is_some_and(|v| v.eq_ignore_ascii_case(b"v=spf1"))
            && matches!(t.get(6), None | Some(b' '))
    };
    let mut found: Option<(Cow<'_, [u8]>, &mailsec_dns::Txt)> = None;
    let mut count = 0usize;
    for txt in answer.txt() {
        // One character-string is the common case: no copy needed.
        let text = match txt.strings() {
            [one] => Cow::Borrowed(one.as_slice()),
            _ => Cow::Owned(txt.joined()),
        };
        if is_spf(&text) {
            count = count.saturating_add(1);
            found = found.or(Some((text, txt)));
        }
    }
    match (count, found) {
        (1, Some((Cow::Borrowed(bytes), txt))) => Ok((Cow::Borrowed(bytes), Some(txt))),
        (1, Some((Cow::Owned(bytes), _))) => Ok((Cow::Owned(bytes), None)),
        (0, _) | (_, None) => Err((SpfResult::None, "no SPF record".into())),
        (n, _) => Err((SpfResult::PermError, format!("{n} SPF records"))),
    }
}

/// The `<domain>` of check_host if it is usable (§4.3): ASCII, at least two
/// labels of letters, digits, `-` and `_`, the last not all digits (so neither
/// an address literal such as `[192.0.2.1]` nor a bare address).
fn usable_domain(text: &str) -> Option<Name> {
    let name = Name::new(text).ok()?;
    // A name has no empty label: two labels or more is a dot somewhere.
    let bytes = name.as_str().as_bytes();
    let last_dot = bytes.iter().rposition(|&b| b == b'.')?;
    let last = bytes.get(last_dot.saturating_add(1)..)?;
    // A fold, not `all`: without the early exit it is vectorised.
    let ok = bytes.iter().fold(true, |ok, &b| {
        ok & (b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    }) && !last.iter().all(u8::is_ascii_digit);
    ok.then_some(name)
}

/// The `index`-th term of a record's text, as written (the version is term
/// -1): the terms are separated by runs of spaces.
fn term_text(text: &str, index: usize) -> Option<String> {
    let bytes = text.as_bytes();
    let mut wanted = index.saturating_add(1);
    let mut start = 0usize;
    // One search over the text: each space ends a term unless it follows
    // another space (or starts the text).
    let ends = memchr::memchr_iter(b' ', bytes).chain(core::iter::once(bytes.len()));
    for end in ends {
        if end > start {
            if wanted == 0 {
                // Both ends are at a space or the end: char boundaries.
                return text.get(start..end).map(String::from);
            }
            wanted = wanted.saturating_sub(1);
        }
        start = end.saturating_add(1);
    }
    None
}

fn counts_as_dns_term(m: &Mechanism) -> bool {
    matches!(
        m,
        Mechanism::Include(_)
            | Mechanism::A { .. }
            | Mechanism::Mx { .. }
            | Mechanism::Ptr(_)
            | Mechanism::Exists(_)
    )
}

fn qualifier_result(q: Qualifier) -> SpfResult {
    match q {
        Qualifier::Pass => SpfResult::Pass,
        Qualifier::Fail => SpfResult::Fail,
        Qualifier::SoftFail => SpfResult::SoftFail,
        Qualifier::Neutral => SpfResult::Neutral,
    }
}

fn bool_match(hit: bool) -> TermResult {
    if hit {
        TermResult::Match
    } else {
        TermResult::NoMatch
    }
}

/// A DNS failure in a mechanism's own lookup is a `temperror` (§5).
fn temp_error(answer: &Answer, what: &str) -> Option<TermResult> {
    answer
        .failure()
        .map(|f| TermResult::Error(SpfResult::TempError, format!("{what}: DNS failure ({f:?})")))
}

fn in_v4(ip: Ipv4Addr, net: Ipv4Addr, cidr: u8) -> bool {
    let bits = u32::from(cidr.min(32));
    let mask = u32::MAX
        .checked_shl(32u32.saturating_sub(bits))
        .unwrap_or(0);
    (u32::from(ip) & mask) == (u32::from(net) & mask)
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, cidr: u8) -> bool {
    let bits = u32::from(cidr.min(128));
    let mask = u128::MAX
        .checked_shl(128u32.saturating_sub(bits))
        .unwrap_or(0);
    (u128::from(ip) & mask) == (u128::from(net) & mask)
}

fn ip_in(client: IpAddr, candidate: IpAddr, cidr4: u8, cidr6: u8) -> bool {
    match (client, candidate) {
        (IpAddr::V4(c), IpAddr::V4(n)) => in_v4(c, n, cidr4),
        (IpAddr::V6(c), IpAddr::V6(n)) => in_v6(c, n, cidr6),
        _ => false,
    }
}

/// Splits `local@domain` at the last `@`; a sender with no local part gets
/// `postmaster` (§4.3).
fn split_sender(sender: &str) -> (&str, &str) {
    // A byte search: `@` is ASCII, so both sides are whole characters.
    let at = memchr::memrchr(b'@', sender.as_bytes());
    let split = at.and_then(|at| Some((sender.get(..at)?, sender.get(at.saturating_add(1)..)?)));
    match split {
        Some(("", domain)) => ("postmaster", domain),
        Some((local, domain)) => (local, domain),
        None => ("postmaster", sender),
    }
}

/// Which pending queries count as void lookups when void: a bit each for a
/// batch's first 64 queries (every batch, in practice), a list past them.
#[derive(Debug, Default)]
struct VoidFlags {
    first: u64,
    len: usize,
    more: Vec<bool>,
}

impl VoidFlags {
    fn push(&mut self, flag: bool) {
        if self.len < 64 {
            if flag {
                self.first |= 1u64 << self.len;
            }
        } else {
            self.more.push(flag);
        }
        self.len = self.len.saturating_add(1);
    }

    fn get(&self, i: usize) -> bool {
        if i < 64 {
            self.first & (1u64 << i) != 0
        } else {
            self.more
                .get(i.saturating_sub(64))
                .copied()
                .unwrap_or(false)
        }
    }

    fn clear(&mut self) {
        self.first = 0;
        self.len = 0;
        self.more.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use mailsec_dns::{MemoryResolver, Mx, Record as Rr, Txt};

    #[test]
    fn term_text_counts_runs_of_spaces_as_one() {
        let text = "v=spf1  a   mx:Example.COM/24 -all ";
        assert_eq!(term_text(text, 0).as_deref(), Some("a"));
        assert_eq!(term_text(text, 1).as_deref(), Some("mx:Example.COM/24"));
        assert_eq!(term_text(text, 2).as_deref(), Some("-all"));
        assert_eq!(term_text(text, 3), None);
        assert_eq!(term_text("v=spf1", 0), None);
        assert_eq!(term_text("", 0), None);
    }

    fn n(s: &str) -> Name {
        Name::new(s).unwrap()
    }

    fn txt(z: &mut MemoryResolver, name: &str, text: &str) {
        z.add(n(name), Rr::Txt(Txt::from_bytes(text.as_bytes())));
    }

    fn config() -> SpfConfig {
        let mut c = SpfConfig::new(1_000_000);
        c.deadline = None;
        c
    }

    fn check(z: &MemoryResolver, ip: &str, sender: &str) -> SpfOutcome {
        let mut e =
            SpfEvaluator::mail_from(ip.parse().unwrap(), "helo.example.org", sender, config());
        mailsec_dns::drive(&mut e, z).unwrap()
    }

    #[test]
    fn ip4_pass_and_all_fail_name_their_mechanism() {
        let mut z = MemoryResolver::new();
        txt(&mut z, "example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        let o = check(&z, "192.0.2.9", "a@example.com");
        assert_eq!(
            (o.result, o.mechanism.as_deref()),
            (SpfResult::Pass, Some("ip4:192.0.2.0/24")),
            "{o:?}"
        );
        assert_eq!(o.identity, Identity::MailFrom);
        let o = check(&z, "198.51.100.1", "a@example.com");
        assert_eq!(
            (o.result, o.mechanism.as_deref()),
            (SpfResult::Fail, Some("-all"))
        );
        assert_eq!(o.dns_lookups, 0);
    }

    #[test]
    fn record_cache_is_used_and_changes_nothing() {
        let mut z = MemoryResolver::new();
        txt(&mut z, "example.com", "v=spf1 include:a.example -all");
        txt(&mut z, "a.example", "v=spf1 ip4:192.0.2.0/24 ~all");
        let cache = Arc::new(crate::spf::MemoryRecordCache::new(16));
        let mut c = config();
        c.record_cache = Some(cache.clone());
        for ip in ["192.0.2.1", "198.51.100.1"] {
            let mut e = SpfEvaluator::mail_from(
                ip.parse().unwrap(),
                "h.example",
                "x@example.com",
                c.clone(),
            );
            let cached = mailsec_dns::drive(&mut e, &z).unwrap();
            assert_eq!(cached, check(&z, ip, "x@example.com"));
        }
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn ipv4_mapped_client_is_ipv4() {
        let mut z = MemoryResolver::new();
        txt(&mut z, "example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        assert_eq!(
            check(&z, "::ffff:192.0.2.9", "a@example.com").result,
            SpfResult::Pass
        );
    }

    #[test]
    fn record_selection() {
        let mut z = MemoryResolver::new();
        txt(&mut z, "two.example", "v=spf1 +all");
        txt(&mut z, "two.example", "v=spf1 -all");
        txt(&mut z, "other.example", "v=spf10 +all");
        txt(&mut z, "other.example", "hello");
        z.add_timeout(n("slow.example"));
        for (sender, want) in [
            ("a@two.example", SpfResult::PermError),
            ("a@other.example", SpfResult::None),
            ("a@nowhere.example", SpfResult::None),
            ("a@slow.example", SpfResult::TempError),
            ("a@localhost", SpfResult::None),
        ] {
            assert_eq!(check(&z, "192.0.2.1", sender).result, want, "{sender}");
        }
    }

    #[test]
    fn include_results_map_per_section_5_2() {
        let mut z = MemoryResolver::new();
        txt(
            &mut z,
            "example.com",
            "v=spf1 include:a.example include:b.example ~all",
        );
        txt(&mut z, "a.example", "v=spf1 ip4:192.0.2.1 -all");
        txt(&mut z, "b.example", "v=spf1 ip4:192.0.2.2 ?all");
        let o = check(&z, "192.0.2.2", "x@example.com");
        assert_eq!(
            (o.result, o.mechanism.as_deref()),
            (SpfResult::Pass, Some("include:b.example"))
        );
        assert_eq!(o.dns_lookups, 2);
        let o = check(&z, "192.0.2.3", "x@example.com");
        assert_eq!(
            (o.result, o.mechanism.as_deref()),
            (SpfResult::SoftFail, Some("~all"))
        );
        txt(&mut z, "bad.example", "v=spf1 include:none.example -all");
        assert_eq!(
            check(&z, "192.0.2.1", "x@bad.example").result,
            SpfResult::PermError
        );
        txt(&mut z, "tmp.example", "v=spf1 include:slow.example -all");
        z.add_timeout(n("slow.example"));
        assert_eq!(
            check(&z, "192.0.2.1", "x@tmp.example").result,
            SpfResult::TempError
        );
    }

    #[test]
    fn redirect_is_a_tail_call() {
        let mut z = MemoryResolver::new();
        txt(
            &mut z,
            "example.com",
            "v=spf1 ip4:192.0.2.1 redirect=_spf.example.com exp=e.example.com",
        );
        txt(
            &mut z,
            "_spf.example.com",
            "v=spf1 ip4:192.0.2.2 -all exp=f.example.com",
        );
        txt(&mut z, "f.example.com", "%{i} is not one of %{d}'s servers");
        txt(&mut z, "e.example.com", "wrong explanation");
        assert_eq!(
            check(&z, "192.0.2.1", "x@example.com").result,
            SpfResult::Pass
        );
        let o = check(&z, "192.0.2.9", "x@example.com");
        assert_eq!(o.result, SpfResult::Fail);
        assert_eq!(o.domain, "example.com", "the domain checked first");
        assert_eq!(
            o.explanation.as_deref(),
            Some("192.0.2.9 is not one of _spf.example.com's servers")
        );
        txt(&mut z, "lost.example", "v=spf1 redirect=none.example");
        assert_eq!(
            check(&z, "192.0.2.1", "x@lost.example").result,
            SpfResult::PermError
        );
    }

    #[test]
    fn dns_term_limit_is_checked_when_reached() {
        let mut z = MemoryResolver::new();
        // Ten includes evaluate; the eleventh DNS term is a permerror.
        for i in 0..12 {
            txt(
                &mut z,
                &format!("d{i}.example"),
                &format!("v=spf1 include:d{}.example", i + 1),
            );
        }
        txt(
            &mut z,
            "ok.example",
            "v=spf1 a:a1.example a:a2.example a:a3.example a:a4.example a:a5.example a:a6.example a:a7.example a:a8.example a:a9.example a:a10.example ip4:192.0.2.1",
        );
        for i in 1..=10 {
            z.add(
                n(&format!("a{i}.example")),
                Rr::A("198.51.100.1".parse().unwrap()),
            );
        }
        let o = check(&z, "192.0.2.1", "x@ok.example");
        assert_eq!((o.result, o.dns_lookups), (SpfResult::Pass, 10));
        let o = check(&z, "192.0.2.1", "x@d0.example");
        assert_eq!(o.result, SpfResult::PermError);
        assert_eq!(o.dns_lookups, 11);
    }

    #[test]
    fn void_lookup_limit() {
        let mut z = MemoryResolver::new();
        txt(
            &mut z,
            "two.example",
            "v=spf1 a:n1.example a:n2.example ?all",
        );
        txt(
            &mut z,
            "three.example",
            "v=spf1 a:n1.example a:n2.example a:n3.example ?all",
        );
        let o = check(&z, "192.0.2.1", "x@two.example");
        assert_eq!((o.result, o.void_lookups), (SpfResult::Neutral, 2));
        let o = check(&z, "192.0.2.1", "x@three.example");
        assert_eq!((o.result, o.void_lookups), (SpfResult::PermError, 3));
    }

    #[test]
    fn mx_names_are_looked_up_in_one_batch_and_limited() {
        let mut z = MemoryResolver::new();
        txt(&mut z, "example.com", "v=spf1 mx -all");
        for i in 0..3u8 {
            let host = format!("mx{i}.example.com");
            z.add(
                n("example.com"),
                Rr::Mx(Mx {
                    preference: 10,
                    exchange: n(&host),
                }),
            );
            z.add(n(&host), Rr::A(Ipv4Addr::new(192, 0, 2, 10 + i)));
        }
        let mut e = SpfEvaluator::mail_from(
            "192.0.2.12".parse().unwrap(),
            "h.example",
            "x@example.com",
            config(),
        );
        let Step::NeedDns(q) = e.poll() else { panic!() };
        assert_eq!(q, [Query::txt(n("example.com"))]);
        let answers = q.iter().map(|q| z.answer(q)).collect();
        e.provide(answers).unwrap();
        let Step::NeedDns(q) = e.poll() else { panic!() };
        assert_eq!(q, [Query::mx(n("example.com"))]);
        let answers = q.iter().map(|q| z.answer(q)).collect();
        e.provide(answers).unwrap();
        let Step::NeedDns(q) = e.poll() else { panic!() };
        assert_eq!(q.len(), 3, "all MX hosts in one batch");
        let answers = q.iter().map(|q| z.answer(q)).collect();
        e.provide(answers).unwrap();
        let Step::Done(o) = e.poll() else { panic!() };
        assert_eq!(
            (o.result, o.mechanism.as_deref()),
            (SpfResult::Pass, Some("mx"))
        );
        // The outcome was handed over: the evaluator is spent.
        assert!(e.outcome().is_none());
        let Step::NeedDns(q) = e.poll() else { panic!() };
        assert!(q.is_empty());
        assert_eq!(e.provide(Vec::new()), Err(ProvideError::NotWaiting));
        assert_eq!(
            e.provide(vec![z.answer(&Query::txt(n("example.com")))]),
            Err(ProvideError::NotWaiting)
        );

        for i in 3..11u8 {
            z.add(
                n("example.com"),
                Rr::Mx(Mx {
                    preference: 20,
                    exchange: n(&format!("mx{i}.example.com")),
                }),
            );
        }
        assert_eq!(
            check(&z, "192.0.2.12", "x@example.com").result,
            SpfResult::PermError
        );
    }

    #[test]
    fn mx_host_failure_is_temperror() {
        let mut z = MemoryResolver::new();
        txt(&mut z, "example.com", "v=spf1 mx -all");
        z.add(
            n("example.com"),
            Rr::Mx(Mx {
                preference: 10,
                exchange: n("slow.example.com"),
            }),
        );
        z.add(
            n("example.com"),
            Rr::Mx(Mx {
                preference: 20,
                exchange: n("ok.example.com"),
            }),
        );
        z.add_timeout(n("slow.example.com"));
        z.add(n("ok.example.com"), Rr::A("192.0.2.1".parse().unwrap()));
        // §5: a time-out stops the mechanism, even though another host matches.
        for ip in ["192.0.2.1", "192.0.2.2"] {
            assert_eq!(check(&z, ip, "x@example.com").result, SpfResult::TempError);
        }
    }

    #[test]
    fn ptr_validates_names() {
        let mut z = MemoryResolver::new();
        txt(&mut z, "example.com", "v=spf1 ptr -all");
        z.add(n("5.2.0.192.in-addr.arpa"), Rr::Ptr(n("mail.example.com")));
        z.add(n("5.2.0.192.in-addr.arpa"), Rr::Ptr(n("liar.example.com")));
        z.add(n("mail.example.com"), Rr::A("192.0.2.5".parse().unwrap()));
        z.add(n("liar.example.com"), Rr::A("192.0.2.99".parse().unwrap()));
        assert_eq!(
            check(&z, "192.0.2.5", "x@example.com").result,
            SpfResult::Pass
        );
        // Only liar.example.org would match, and it does not validate.
        txt(&mut z, "example.org", "v=spf1 ptr -all");
        z.add(n("6.2.0.192.in-addr.arpa"), Rr::Ptr(n("liar.example.org")));
        z.add(n("liar.example.org"), Rr::A("192.0.2.99".parse().unwrap()));
        assert_eq!(
            check(&z, "192.0.2.6", "x@example.org").result,
            SpfResult::Fail
        );
    }

    #[test]
    fn null_sender_checks_postmaster_at_helo() {
        let mut z = MemoryResolver::new();
        txt(&mut z, "helo.example.org", "v=spf1 ip4:192.0.2.1 -all");
        let o = check(&z, "192.0.2.1", "");
        assert_eq!((o.result, o.identity), (SpfResult::Pass, Identity::Helo));
        assert_eq!(o.sender, "postmaster@helo.example.org");
    }

    /// x@example.com from 192.0.2.1, a check started at 1,000 that must end
    /// by 1,020.
    fn started_at_1000_with_deadline_1020() -> SpfEvaluator {
        let mut c = SpfConfig::new(1_000);
        c.deadline = Some(1_020);
        SpfEvaluator::mail_from(
            "192.0.2.1".parse().unwrap(),
            "h.example",
            "x@example.com",
            c,
        )
    }

    #[test]
    fn deadline_gives_temperror() {
        let mut z = MemoryResolver::new();
        txt(&mut z, "example.com", "v=spf1 include:a.example -all");
        txt(&mut z, "a.example", "v=spf1 include:b.example");
        txt(&mut z, "b.example", "v=spf1 +all");
        let mut e = started_at_1000_with_deadline_1020();
        let mut t = 1_000;
        let o = mailsec_dns::drive_with_clock(&mut e, &z, || {
            t += 15;
            t
        })
        .unwrap();
        assert_eq!(o.result, SpfResult::TempError);
        assert!(o.problem.unwrap().contains("elapsed time"));
    }

    #[test]
    fn deadline_while_answers_are_awaited() {
        // The caller asked, never answered, and polls after the deadline:
        // the check gives up instead of asking again.
        let mut e = started_at_1000_with_deadline_1020();
        let Step::NeedDns(q) = e.poll() else { panic!() };
        assert_eq!(q, [Query::txt(n("example.com"))]);
        e.set_now(1_019);
        assert!(matches!(e.poll(), Step::NeedDns(q) if q.len() == 1));
        e.set_now(1_020);
        let Step::Done(o) = e.poll() else { panic!() };
        assert_eq!(o.result, SpfResult::TempError);
        assert_eq!(o.dns_lookups, 0);
    }

    #[test]
    fn async_driver_agrees() {
        let mut z = MemoryResolver::new();
        txt(&mut z, "example.com", "v=spf1 mx a:%{d2} -all");
        z.add(n("example.com"), Rr::A("192.0.2.3".parse().unwrap()));
        let mut e = SpfEvaluator::mail_from(
            "192.0.2.3".parse().unwrap(),
            "h.example",
            "x@example.com",
            config(),
        );
        let fut = mailsec_dns::drive_async(&mut e, &z);
        let mut fut = core::pin::pin!(fut);
        let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
        let o = loop {
            if let core::task::Poll::Ready(o) = fut.as_mut().poll(&mut cx) {
                break o.unwrap();
            }
        };
        assert_eq!(o, check(&z, "192.0.2.3", "x@example.com"));
        assert_eq!(o.mechanism.as_deref(), Some("a:%{d2}"));
        let _ = vec![0u8];
    }
}
