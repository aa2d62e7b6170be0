//! Policy resolution (RFC 8461 §3.3, §5.1) as a sans-IO state machine.
//!
//! [`PolicyResolver`] takes the policy domain, the caller's cache entry for
//! it and the time, and asks, in turn, for the `_mta-sts.<domain>` TXT record
//! ([`ResolveStep::NeedTxt`]) and for an HTTPS fetch
//! ([`ResolveStep::NeedFetch`]), then yields a [`Resolution`]: the policy in
//! force, where it came from, what happened, and the cache entry to store.
//! The cache goes in and out as a value; nothing is kept inside.
//!
//! # The policy domain
//!
//! The policy domain is the recipient's domain when the message is routed
//! by that domain's MX records. When mail is instead relayed through a
//! configured smart host, the hop to the smart host is governed by the smart
//! host's own domain (its policy must list the smart host), not by the
//! recipient's: MTA-STS protects the MX lookup, and a smart host does not
//! come from one.
//!
//! # The rules (with the configuration in [`ResolveConfig`])
//!
//! - A cached policy is *fresh* while `now < fetched_at + max_age` (§3.2,
//!   max_age counts from the last fetch).
//! - A fresh cached policy younger than `refresh_after` is used without any
//!   lookup (§5.1 step 1). Older ones are re-checked: the TXT record is
//!   asked for, and the policy is fetched again if its `id` changed, or, with
//!   the same `id`, to renew it (proactive refresh, so that a policy in use
//!   does not lapse).
//! - When the TXT lookup fails, when there is no (valid, single) record, or
//!   when the fetch fails, a fresh cached policy stays in force and in the
//!   cache (§3.3: "if no "live" policy can be discovered via DNS or fetched
//!   via HTTPS, but a valid (non-expired) policy exists in the sender's
//!   cache, the sender MUST apply that cached policy"). Without one, there is
//!   no policy.
//! - A failed fetch is remembered with the `id` it was for; the same `id` is
//!   not fetched again for `retry_after` seconds (§3.3 suggests at least five
//!   minutes per version ID). A new `id` is fetched at once.
//! - Before failing a message permanently because of the policy, re-check
//!   the TXT `id` with [`PolicyResolver::recheck`] (§5.1 step 3): it always
//!   asks DNS, and fetches when the `id` changed; [`Resolution::changed`]
//!   says whether a new policy arrived (then retry the delivery under it).
//! - Expired cached policies are dropped from the stored entry.
//!
//! A clock that goes backwards is tolerated: a policy fetched "in the
//! future" counts as fetched now, and a back-off "in the future" has expired.
//!
//! The certificate of the policy host is validated by the transport, which
//! MUST do it: see [`fetch`](super::fetch).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use mailsec_dns::{Answer, Failure, Name, ProvideError, Query};

use super::fetch::{FETCH_TIMEOUT_SECS, FetchError, FetchOutcome, FetchRequest, check_response};
use super::policy::Policy;
use super::record::{RecordSetError, StsRecord};
use super::result_type::ResultType;

/// The cache and retry rules' parameters, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResolveConfig {
    /// Age after which a fresh cached policy is re-checked (default one day).
    pub refresh_after: u64,
    /// How long a failed fetch of one `id` is not retried (default 300).
    pub retry_after: u64,
    /// The fetch time limit hint (default [`FETCH_TIMEOUT_SECS`]).
    pub fetch_timeout: u64,
}

impl Default for ResolveConfig {
    fn default() -> ResolveConfig {
        ResolveConfig {
            refresh_after: 86_400,
            retry_after: 300,
            fetch_timeout: FETCH_TIMEOUT_SECS,
        }
    }
}

/// A policy as cached: the TXT `id` it was fetched under and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedPolicy {
    /// The `id` of the TXT record that led to the fetch.
    pub id: String,
    /// The policy.
    pub policy: Policy,
    /// When it was fetched (Unix seconds).
    pub fetched_at: u64,
}

impl CachedPolicy {
    /// When it stops being valid: `fetched_at + max_age` (saturating).
    pub fn expires_at(&self) -> u64 {
        self.fetched_at
            .saturating_add(u64::from(self.policy.max_age()))
    }

    /// Whether it is still valid at `now`.
    pub fn is_fresh(&self, now: u64) -> bool {
        now < self.expires_at()
    }

    /// Seconds since the fetch (0 if the clock went back).
    pub fn age(&self, now: u64) -> u64 {
        now.saturating_sub(self.fetched_at)
    }
}

/// A fetch that failed: not retried for the same `id` for a while.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedFetch {
    /// The `id` the fetch was for.
    pub id: String,
    /// When it failed.
    pub at: u64,
}

/// The cache entry of one policy domain. `CacheEntry::default()` is "nothing
/// known".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CacheEntry {
    /// The last policy fetched, if still stored.
    pub policy: Option<CachedPolicy>,
    /// The last failed fetch, if any since the last success.
    pub failed_fetch: Option<FailedFetch>,
}

impl CacheEntry {
    /// Whether the entry holds nothing (the caller may delete it).
    pub fn is_empty(&self) -> bool {
        self.policy.is_none() && self.failed_fetch.is_none()
    }
}

/// Where the policy in force comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Fetched just now.
    Fetched,
    /// The cache.
    Cache,
    /// There is no policy in force.
    None,
}

/// What happened during resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The cached policy is fresh and recent: no lookup was needed.
    CacheFresh,
    /// The policy domain cannot be turned into the names to look up.
    InvalidDomain,
    /// The TXT lookup failed.
    DnsFailed(Failure),
    /// The TXT record set gives no policy record.
    NoRecord(RecordSetError),
    /// The TXT `id` is the cached policy's: nothing to fetch.
    Unchanged,
    /// A policy was fetched for a new `id` (or with no fresh cached policy).
    Fetched,
    /// The cached policy was fetched again under the same `id`.
    Refreshed,
    /// The fetch failed.
    FetchFailed(FetchError),
    /// A fetch for this `id` failed less than `retry_after` ago: not tried.
    BackingOff,
}

/// The outcome of resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// The policy in force, if any (its mode may be `none`).
    pub policy: Option<CachedPolicy>,
    /// Where it comes from.
    pub source: Source,
    /// What happened.
    pub event: Event,
    /// The entry to store for the domain (delete it when empty).
    pub cache: CacheEntry,
    /// A policy failure to record in a TLS report, if any.
    pub report: Option<ResultType>,
    /// The `id` of the TXT record, when DNS gave a valid one.
    pub txt_id: Option<String>,
    /// Whether a policy under a new `id` replaced the cached one (or arrived
    /// where there was none).
    pub changed: bool,
}

/// What the resolver needs next.
#[derive(Debug)]
pub enum ResolveStep<'a> {
    /// Answer this TXT query (one), then call [`PolicyResolver::provide_txt`].
    NeedTxt(&'a [Query]),
    /// Fetch this, then call [`PolicyResolver::provide_fetch`].
    NeedFetch(&'a FetchRequest),
    /// Finished; polling again gives the same resolution.
    Done(Box<Resolution>),
}

#[derive(Debug)]
enum State {
    WaitTxt,
    WaitFetch { id: String },
    Done(Box<Resolution>),
}

/// The policy resolution state machine (see the module docs).
#[derive(Debug)]
pub struct PolicyResolver {
    cache: CacheEntry,
    now: u64,
    config: ResolveConfig,
    query: Vec<Query>,
    request: Option<FetchRequest>,
    state: State,
}

impl PolicyResolver {
    /// Starts resolution for `domain` with the stored `cache` entry at `now`.
    pub fn new(
        domain: &Name,
        cache: CacheEntry,
        now: u64,
        config: ResolveConfig,
    ) -> PolicyResolver {
        PolicyResolver::start(domain, cache, now, config, false)
    }

    /// Starts the re-check due before a permanent delivery failure (§5.1
    /// step 3): DNS is always asked, whatever the cache holds.
    pub fn recheck(
        domain: &Name,
        cache: CacheEntry,
        now: u64,
        config: ResolveConfig,
    ) -> PolicyResolver {
        PolicyResolver::start(domain, cache, now, config, true)
    }

    fn start(
        domain: &Name,
        cache: CacheEntry,
        now: u64,
        config: ResolveConfig,
        force: bool,
    ) -> PolicyResolver {
        let request = FetchRequest::new(domain, config.fetch_timeout);
        let txt_name = domain.prepend("_mta-sts").ok();
        let mut r = PolicyResolver {
            cache,
            now,
            config,
            query: Vec::new(),
            request,
            state: State::WaitTxt,
        };
        match (txt_name, r.request.is_some()) {
            (Some(name), true) => {
                r.query.push(Query::txt(name));
                let recent = r
                    .fresh_cached()
                    .is_some_and(|c| c.age(now) < config.refresh_after);
                if recent && !force {
                    r.finish_with_cache(Event::CacheFresh, None, None);
                }
            }
            _ => r.finish_with_cache(Event::InvalidDomain, None, None),
        }
        r
    }

    /// Updates the time (for example when a slow fetch completes, before
    /// [`PolicyResolver::provide_fetch`]): a policy is stored as fetched at
    /// this time.
    pub fn set_now(&mut self, now: u64) {
        self.now = now;
    }

    /// What the resolver needs next.
    pub fn poll(&mut self) -> ResolveStep<'_> {
        match &self.state {
            State::WaitTxt => ResolveStep::NeedTxt(&self.query),
            State::WaitFetch { .. } => match &self.request {
                Some(r) => ResolveStep::NeedFetch(r),
                // Never reached: WaitFetch is only entered with a request.
                None => ResolveStep::NeedTxt(&self.query),
            },
            State::Done(r) => ResolveStep::Done(r.clone()),
        }
    }

    /// The answer to the TXT query.
    pub fn provide_txt(&mut self, answers: Vec<Answer>) -> Result<(), ProvideError> {
        if !matches!(self.state, State::WaitTxt) {
            return Err(ProvideError::NotWaiting);
        }
        let [answer] = <[Answer; 1]>::try_from(answers).map_err(|a| ProvideError::AnswerCount {
            expected: 1,
            got: a.len(),
        })?;
        if let Some(f) = answer.failure() {
            self.finish_with_cache(Event::DnsFailed(f), None, None);
            return Ok(());
        }
        let record = match StsRecord::from_answer(&answer) {
            Ok(r) => r,
            Err(e) => {
                self.finish_with_cache(Event::NoRecord(e), None, None);
                return Ok(());
            }
        };
        let id = String::from(record.id());
        let same_id = self.fresh_cached().is_some_and(|c| c.id == id);
        let recent = self
            .fresh_cached()
            .is_some_and(|c| c.age(self.now) < self.config.refresh_after);
        if same_id && recent {
            self.finish_with_cache(Event::Unchanged, None, Some(id));
            return Ok(());
        }
        let backing_off = self.cache.failed_fetch.as_ref().is_some_and(|f| {
            f.id == id && self.now >= f.at && self.now - f.at < self.config.retry_after
        });
        if backing_off {
            self.finish_with_cache(Event::BackingOff, None, Some(id));
            return Ok(());
        }
        self.state = State::WaitFetch { id };
        Ok(())
    }

    /// The outcome of the fetch.
    pub fn provide_fetch(&mut self, outcome: FetchOutcome) -> Result<(), ProvideError> {
        let State::WaitFetch { id } = &self.state else {
            return Err(ProvideError::NotWaiting);
        };
        let id = id.clone();
        match check_response(&outcome) {
            Ok(policy) => {
                let previous = self.fresh_cached().map(|c| c.id.clone());
                let changed = previous.as_deref() != Some(id.as_str());
                let cached = CachedPolicy {
                    id: id.clone(),
                    policy,
                    fetched_at: self.now,
                };
                self.cache = CacheEntry {
                    policy: Some(cached.clone()),
                    failed_fetch: None,
                };
                self.state = State::Done(Box::new(Resolution {
                    policy: Some(cached),
                    source: Source::Fetched,
                    event: if changed {
                        Event::Fetched
                    } else {
                        Event::Refreshed
                    },
                    cache: self.cache.clone(),
                    report: None,
                    txt_id: Some(id),
                    changed,
                }));
            }
            Err(e) => {
                self.cache.failed_fetch = Some(FailedFetch {
                    id: id.clone(),
                    at: self.now,
                });
                self.finish_with_cache(Event::FetchFailed(e), Some(e.result_type()), Some(id));
            }
        }
        Ok(())
    }

    fn fresh_cached(&self) -> Option<&CachedPolicy> {
        self.cache.policy.as_ref().filter(|c| c.is_fresh(self.now))
    }

    /// Ends with the fresh cached policy, if any, in force.
    fn finish_with_cache(
        &mut self,
        event: Event,
        report: Option<ResultType>,
        txt_id: Option<String>,
    ) {
        let fresh = self.fresh_cached().cloned();
        self.cache.policy = fresh.clone();
        let source = if fresh.is_some() {
            Source::Cache
        } else {
            Source::None
        };
        self.state = State::Done(Box::new(Resolution {
            policy: fresh,
            source,
            event,
            cache: self.cache.clone(),
            report,
            txt_id,
            changed: false,
        }));
    }
}

/// Runs a resolver to its end with a DNS answer function and a fetch
/// function (a convenience for tests, examples and simple callers).
pub fn drive_resolver<D, F>(
    resolver: &mut PolicyResolver,
    mut dns: D,
    mut fetch: F,
) -> Result<Resolution, ProvideError>
where
    D: FnMut(&Query) -> Answer,
    F: FnMut(&FetchRequest) -> FetchOutcome,
{
    // At most one TXT query and one fetch: three rounds suffice.
    for _ in 0..3 {
        let next = match resolver.poll() {
            ResolveStep::Done(r) => return Ok(*r),
            ResolveStep::NeedTxt(q) => Err(q.iter().map(&mut dns).collect::<Vec<_>>()),
            ResolveStep::NeedFetch(req) => Ok(fetch(req)),
        };
        match next {
            Err(answers) => resolver.provide_txt(answers)?,
            Ok(outcome) => resolver.provide_fetch(outcome)?,
        }
    }
    match resolver.poll() {
        ResolveStep::Done(r) => Ok(*r),
        _ => Err(ProvideError::NotWaiting),
    }
}
