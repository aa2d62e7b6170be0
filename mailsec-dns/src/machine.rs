//! The sans-IO contract between a protocol state machine and a resolver,
//! and the two thin drivers that connect them.
//!
//! A state machine (SPF's `check_host`, DKIM key retrieval, DMARC policy
//! discovery, MTA-STS resolution) never does I/O. The caller loops:
//!
//! 1. [`DnsMachine::poll`] the machine;
//! 2. on [`Step::NeedDns`], answer every query of the batch (in any order, in
//!    parallel if you like: the RFC allows it for a batch) and hand the answers
//!    back, **in the order of the queries**, with [`DnsMachine::provide`];
//! 3. on [`Step::Done`], take the outcome. It is the machine's verdict, handed
//!    over: a machine may give it only once (SPF's evaluator does, so that no
//!    copy is made; polled again, it asks for nothing).
//!
//! [`drive`] and [`drive_async`] are that loop over a [`Resolver`] or an
//! [`AsyncResolver`]; write your own loop to add caching, tracing or time-outs.
//!
//! ```
//! use mailsec_dns::{Answer, DnsMachine, MemoryResolver, Name, ProvideError, Query, Record, Step};
//!
//! /// A toy machine: asks for one TXT record and returns its text.
//! struct OneTxt { query: [Query; 1], text: Option<Vec<u8>> }
//!
//! impl DnsMachine for OneTxt {
//!     type Output = Option<Vec<u8>>;
//!     fn poll(&mut self) -> Step<'_, Self::Output> {
//!         match &self.text {
//!             Some(t) => Step::Done(Some(t.clone())),
//!             None => Step::NeedDns(&self.query),
//!         }
//!     }
//!     fn provide(&mut self, answers: Vec<Answer>) -> Result<(), ProvideError> {
//!         let [answer] = <[Answer; 1]>::try_from(answers)
//!             .map_err(|a| ProvideError::AnswerCount { expected: 1, got: a.len() })?;
//!         self.text = Some(answer.txt().next().map(|t| t.joined()).unwrap_or_default());
//!         Ok(())
//!     }
//! }
//!
//! let name = Name::new("example.com").unwrap();
//! let mut zone = MemoryResolver::new();
//! zone.add(name.clone(), Record::Txt(mailsec_dns::Txt::from_bytes(b"hello")));
//! let mut machine = OneTxt { query: [Query::txt(name)], text: None };
//! let out = mailsec_dns::drive(&mut machine, &zone)?;
//! assert_eq!(out, Some(b"hello".to_vec()));
//! # Ok::<(), ProvideError>(())
//! ```

use alloc::vec::Vec;

use crate::answer::Answer;
use crate::query::Query;
use crate::resolver::{AsyncResolver, Resolver};

/// What a state machine needs next.
#[derive(Debug)]
pub enum Step<'a, T> {
    /// Answer these questions, then call [`DnsMachine::provide`].
    NeedDns(&'a [Query]),
    /// The machine has finished; polling again gives the same outcome.
    Done(T),
}

/// Misuse of a state machine by its driver.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProvideError {
    /// The number of answers differs from the number of questions asked.
    #[error("expected {expected} answers, got {got}")]
    AnswerCount {
        /// Questions in the batch.
        expected: usize,
        /// Answers given.
        got: usize,
    },
    /// Answers were given when the machine had asked for none.
    #[error("answers provided when none were asked for")]
    NotWaiting,
}

/// A protocol state machine that needs DNS answers. Implemented by the
/// evaluators of the mailsec cores.
pub trait DnsMachine {
    /// The verdict the machine produces.
    type Output;

    /// What the machine needs next. Polling twice without providing answers
    /// asks the same questions again.
    fn poll(&mut self) -> Step<'_, Self::Output>;

    /// The answers to the last [`Step::NeedDns`] batch, in the same order.
    fn provide(&mut self, answers: Vec<Answer>) -> Result<(), ProvideError>;

    /// A vector to gather the next batch's answers in. [`drive`] and
    /// [`drive_with_clock`] ask for it before each poll and hand the answers
    /// back in it, so a machine that keeps a vector [`provide`](Self::provide)
    /// gave it can return it here and spare the driver an allocation per
    /// batch. What it holds does not matter: the driver clears it first. The
    /// default returns a new vector, which allocates nothing until filled.
    fn answer_buffer(&mut self) -> Vec<Answer> {
        Vec::new()
    }

    /// Tells the machine the current time, in seconds, before it is polled.
    /// Machines with a time limit (SPF's elapsed-time limit, RFC 7208 §4.6.4)
    /// compare it with the deadline they were given, so it must come from the
    /// same clock as that deadline (a monotonic clock is the safer choice for
    /// elapsed time). Machines without a time limit ignore it, which is what
    /// the default does.
    ///
    /// [`drive`] and [`drive_async`] never call it: with them, a machine's
    /// deadline never passes. Use [`drive_with_clock`] or
    /// [`drive_async_with_clock`] for time limits.
    fn set_now(&mut self, now: u64) {
        let _ = now;
    }
}

/// Runs `machine` to its outcome with a blocking resolver, one query after
/// another. It never tells the machine the time (see [`drive_with_clock`]).
pub fn drive<M, R>(machine: &mut M, resolver: &R) -> Result<M::Output, ProvideError>
where
    M: DnsMachine + ?Sized,
    R: Resolver + ?Sized,
{
    drive_inner(machine, resolver, None::<fn() -> u64>)
}

/// Like [`drive`], and tells the machine the time from `clock` (seconds since
/// the Unix epoch) before every poll, so that time limits apply.
pub fn drive_with_clock<M, R, C>(
    machine: &mut M,
    resolver: &R,
    clock: C,
) -> Result<M::Output, ProvideError>
where
    M: DnsMachine + ?Sized,
    R: Resolver + ?Sized,
    C: FnMut() -> u64,
{
    drive_inner(machine, resolver, Some(clock))
}

fn drive_inner<M, R, C>(
    machine: &mut M,
    resolver: &R,
    mut clock: Option<C>,
) -> Result<M::Output, ProvideError>
where
    M: DnsMachine + ?Sized,
    R: Resolver + ?Sized,
    C: FnMut() -> u64,
{
    loop {
        if let Some(clock) = clock.as_mut() {
            machine.set_now(clock());
        }
        // The machine's spare vector, if it has one: no allocation per batch.
        let mut answers = machine.answer_buffer();
        match machine.poll() {
            Step::Done(out) => return Ok(out),
            Step::NeedDns(queries) => {
                answers.clear();
                if answers.capacity() == 0 {
                    // Made at a size for the batches to come, directly.
                    answers = Vec::with_capacity(queries.len().max(4));
                }
                answers.extend(queries.iter().map(|q| resolver.lookup(q)));
            }
        }
        machine.provide(answers)?;
    }
}

/// Runs `machine` to its outcome with an asynchronous resolver; the queries of
/// a batch are resolved concurrently. Needs no particular runtime. It never
/// tells the machine the time (see [`drive_async_with_clock`]).
pub async fn drive_async<M, R>(machine: &mut M, resolver: &R) -> Result<M::Output, ProvideError>
where
    M: DnsMachine + ?Sized,
    R: AsyncResolver + ?Sized,
{
    drive_async_inner(machine, resolver, None::<fn() -> u64>).await
}

/// Like [`drive_async`], and tells the machine the time from `clock` before
/// every poll, so that time limits apply.
pub async fn drive_async_with_clock<M, R, C>(
    machine: &mut M,
    resolver: &R,
    clock: C,
) -> Result<M::Output, ProvideError>
where
    M: DnsMachine + ?Sized,
    R: AsyncResolver + ?Sized,
    C: FnMut() -> u64,
{
    drive_async_inner(machine, resolver, Some(clock)).await
}

async fn drive_async_inner<M, R, C>(
    machine: &mut M,
    resolver: &R,
    mut clock: Option<C>,
) -> Result<M::Output, ProvideError>
where
    M: DnsMachine + ?Sized,
    R: AsyncResolver + ?Sized,
    C: FnMut() -> u64,
{
    loop {
        if let Some(clock) = clock.as_mut() {
            machine.set_now(clock());
        }
        let answers = match machine.poll() {
            Step::Done(out) => return Ok(out),
            Step::NeedDns(queries) => {
                futures_util::future::join_all(queries.iter().map(|q| resolver.lookup(q))).await
            }
        };
        machine.provide(answers)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::MemoryResolver;
    use crate::name::Name;
    use crate::record::Record;
    use alloc::vec;
    use core::future::Future;

    /// Asks for the MX of a domain, then the addresses of every exchange in
    /// one batch: the shape of SPF's `mx` and of MTA-STS delivery.
    struct MxAddresses {
        queries: Vec<Query>,
        stage: u8,
        found: Vec<core::net::IpAddr>,
    }

    impl DnsMachine for MxAddresses {
        type Output = Vec<core::net::IpAddr>;
        fn poll(&mut self) -> Step<'_, Self::Output> {
            if self.stage == 2 {
                Step::Done(self.found.clone())
            } else {
                Step::NeedDns(&self.queries)
            }
        }
        fn provide(&mut self, answers: Vec<Answer>) -> Result<(), ProvideError> {
            if self.stage == 2 {
                return Err(ProvideError::NotWaiting);
            }
            if answers.len() != self.queries.len() {
                return Err(ProvideError::AnswerCount {
                    expected: self.queries.len(),
                    got: answers.len(),
                });
            }
            if self.stage == 0 {
                self.queries = answers
                    .iter()
                    .flat_map(|a| a.mx())
                    .map(|mx| Query::a(mx.exchange.clone()))
                    .collect();
            } else {
                self.found = answers.iter().flat_map(Answer::ips).collect();
            }
            self.stage += 1;
            Ok(())
        }
    }

    fn zone() -> MemoryResolver {
        let n = |s: &str| Name::new(s).unwrap();
        let mut z = MemoryResolver::new();
        for (pref, host, ip) in [
            (10, "mx1.example", "192.0.2.1"),
            (20, "mx2.example", "192.0.2.2"),
        ] {
            z.add(
                n("example"),
                Record::Mx(crate::Mx {
                    preference: pref,
                    exchange: n(host),
                }),
            );
            z.add(n(host), Record::A(ip.parse().unwrap()));
        }
        z
    }

    fn machine() -> MxAddresses {
        MxAddresses {
            queries: vec![Query::mx(Name::new("example").unwrap())],
            stage: 0,
            found: vec![],
        }
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = core::pin::pin!(f);
        let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
        loop {
            if let core::task::Poll::Ready(out) = f.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    #[test]
    fn blocking_driver_runs_batches() {
        let out = drive(&mut machine(), &zone()).unwrap();
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn async_driver_gives_the_same_outcome() {
        let z = zone();
        let mut m = machine();
        let out = block_on(drive_async(&mut m, &z)).unwrap();
        assert_eq!(out, drive(&mut machine(), &z).unwrap());
    }

    #[test]
    fn async_driver_future_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        let z = zone();
        let mut m = machine();
        let fut = drive_async(&mut m, &z);
        assert_send(&fut);
    }

    /// A machine that gives up when its deadline passes.
    struct Deadline {
        now: u64,
        deadline: u64,
        asked: u32,
        query: [Query; 1],
    }

    impl DnsMachine for Deadline {
        type Output = &'static str;
        fn poll(&mut self) -> Step<'_, &'static str> {
            if self.now >= self.deadline {
                Step::Done("timed out")
            } else {
                Step::NeedDns(&self.query)
            }
        }
        fn provide(&mut self, _: Vec<Answer>) -> Result<(), ProvideError> {
            self.asked += 1;
            Ok(())
        }
        fn set_now(&mut self, now: u64) {
            self.now = now;
        }
    }

    #[test]
    fn clock_driver_tells_the_time() {
        let mut m = Deadline {
            now: 0,
            deadline: 105,
            asked: 0,
            query: [Query::txt(Name::new("example").unwrap())],
        };
        let mut t = 100;
        let out = drive_with_clock(&mut m, &zone(), || {
            t += 1;
            t
        })
        .unwrap();
        assert_eq!(out, "timed out");
        assert_eq!(m.asked, 4);
        let mut m = Deadline {
            now: 0,
            deadline: 105,
            asked: 0,
            query: [Query::txt(Name::new("example").unwrap())],
        };
        let mut t = 100;
        let out = block_on(drive_async_with_clock(&mut m, &zone(), || {
            t += 2;
            t
        }))
        .unwrap();
        assert_eq!((out, m.asked), ("timed out", 2));
    }

    #[test]
    fn misuse_is_an_error() {
        let mut m = machine();
        assert_eq!(
            m.provide(vec![]),
            Err(ProvideError::AnswerCount {
                expected: 1,
                got: 0
            })
        );
        let _ = drive(&mut m, &zone()).unwrap();
        assert_eq!(m.provide(vec![]), Err(ProvideError::NotWaiting));
    }
}
