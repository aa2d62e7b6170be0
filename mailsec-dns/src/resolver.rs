//! The two resolver traits: one resolver implementation serves every mailsec crate.

use core::future::Future;

use crate::answer::Answer;
use crate::query::Query;

/// A blocking resolver.
///
/// Implementations follow CNAMEs, map RCODE 3 to [`Outcome::NxDomain`](crate::Outcome::NxDomain),
/// an empty NOERROR answer to [`Outcome::NoData`](crate::Outcome::NoData), and
/// anything else that is not an answer to [`Outcome::Failed`](crate::Outcome::Failed).
/// Caching, if any, is the implementation's business.
///
/// An implementation MUST bound the time one lookup may take (and answer
/// [`Failure::Timeout`](crate::Failure::Timeout) past it): the state machines
/// check their deadlines between batches, so they cannot cut off a lookup that
/// never returns.
pub trait Resolver {
    /// Answers one question.
    fn lookup(&self, query: &Query) -> Answer;
}

/// An asynchronous resolver, for any runtime.
///
/// Declared with `impl Future + Send` rather than `async fn` so that the
/// futures can be driven from multi-threaded executors. As with [`Resolver`],
/// each lookup MUST end in bounded time.
pub trait AsyncResolver {
    /// Answers one question.
    fn lookup(&self, query: &Query) -> impl Future<Output = Answer> + Send;
}

impl<R: Resolver + ?Sized> Resolver for &R {
    fn lookup(&self, query: &Query) -> Answer {
        (**self).lookup(query)
    }
}

impl<R: AsyncResolver + Sync + ?Sized> AsyncResolver for &R {
    fn lookup(&self, query: &Query) -> impl Future<Output = Answer> + Send {
        (**self).lookup(query)
    }
}

#[cfg(feature = "std")]
impl<R: Resolver + ?Sized> Resolver for std::sync::Arc<R> {
    fn lookup(&self, query: &Query) -> Answer {
        (**self).lookup(query)
    }
}

#[cfg(feature = "std")]
impl<R: AsyncResolver + Send + Sync + ?Sized> AsyncResolver for std::sync::Arc<R> {
    fn lookup(&self, query: &Query) -> impl Future<Output = Answer> + Send {
        (**self).lookup(query)
    }
}
