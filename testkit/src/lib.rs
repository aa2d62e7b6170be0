//! Test support shared by the mailsec crates' test suites. Not part of any
//! published crate: it is a dev-dependency only.
//!
//! - [`vector`]: read a conformance file from `../shared/vectors/`, with the
//!   project's rule for its absence (the suite says it was skipped, unless
//!   `MAILSEC_REQUIRE_VECTORS` is set, as CI sets it: then it fails);
//! - [`python`]: the Python interpreter for interop peers
//!   (`MAILSEC_PEERS_PYTHON`, else `python3`), with the same rule for
//!   `MAILSEC_REQUIRE_PEERS`;
//! - [`openspf`]: the openspf RFC 7208 suite, read into scenarios whose zones
//!   follow the suite driver's rules;
//! - [`dkimpy`]: dkimpy as a long-lived DKIM signing and verifying peer, with
//!   test keys;
//! - [`dkim_corpus`]: generated messages that stress DKIM canonicalization,
//!   and a one-byte tamper that breaks a signature.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Test support: a broken vector file or suite is a failed test, so it panics.

pub mod dkim_corpus;
pub mod dkimpy;
pub mod openspf;

use std::path::PathBuf;
use std::process::Command;

/// The `../shared/vectors` folder beside the repository.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors")
}

/// The bytes of `../shared/vectors/<relative>`; `None` (after saying the
/// suite is skipped) when it is absent, or a panic when
/// `MAILSEC_REQUIRE_VECTORS` is set.
pub fn vector(relative: &str) -> Option<Vec<u8>> {
    let path = vectors_dir().join(relative);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            assert!(
                std::env::var_os("MAILSEC_REQUIRE_VECTORS").is_none(),
                "{} cannot be read ({e}) but MAILSEC_REQUIRE_VECTORS is set",
                path.display()
            );
            eprintln!(
                "skipped: {} is absent (no ../shared beside the repository)",
                path.display()
            );
            None
        }
    }
}

/// A Python interpreter that can `import` every module of `modules`:
/// `MAILSEC_PEERS_PYTHON` (set by `scripts/test`), else `python3`. `None`
/// (after saying the test is skipped) when there is none, or a panic when
/// `MAILSEC_REQUIRE_PEERS` is set.
pub fn python(modules: &[&str]) -> Option<PathBuf> {
    let candidate = std::env::var_os("MAILSEC_PEERS_PYTHON")
        .map_or_else(|| PathBuf::from("python3"), PathBuf::from);
    let imports = format!("import {}", modules.join(", "));
    let ok = Command::new(&candidate)
        .args(["-c", &imports])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(candidate);
    }
    assert!(
        std::env::var_os("MAILSEC_REQUIRE_PEERS").is_none(),
        "{} cannot `{imports}` but MAILSEC_REQUIRE_PEERS is set",
        candidate.display()
    );
    eprintln!("skipped: {} cannot `{imports}`", candidate.display());
    None
}
