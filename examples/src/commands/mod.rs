//! One module a command.

pub(crate) mod auth_results;
pub(crate) mod demo;
pub(crate) mod dkim;
pub(crate) mod dmarc;
pub(crate) mod dns;
pub(crate) mod message;
pub(crate) mod mta_sts;
pub(crate) mod pending;
pub(crate) mod smime;
pub(crate) mod spf;
pub(crate) mod tlsrpt;
