//! Memory: signing and verifying a 50 MB message fed in 64 KB chunks grows
//! the heap by less than 1 MB. A test binary of its own, because it counts
//! every allocation of the process through a counting global allocator
//! (`stats_alloc`; our crates forbid `unsafe`, and this needs none of ours).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::alloc::System;

use mail_auth_core::dkim::crypto::{KeyType, RustCrypto};
use mail_auth_core::dkim::{
    Canonicalization, DkimResult, DkimSigner, DkimVerifier, VerifyConfig, dns_record,
    generate_ed25519, signing_key_from_pem,
};
use mailsec_dns::{MemoryResolver, Name, Record, Txt};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const BODY_BYTES: usize = 50 * 1000 * 1000;
const CHUNK: usize = 64 * 1024;
const LIMIT: isize = 1 << 20;

/// Fills `buf` with the `index`th chunk of a deterministic body of mail-like
/// text (runs of spaces and tabs, trailing white space, blank lines, and
/// line ends that straddle chunk boundaries).
fn chunk(index: usize, buf: &mut [u8]) {
    const TEXT: &[u8] = b"Lorem ipsum  dolor sit\tamet, consectetur adipiscing elit \r\n\r\nSed do eiusmod tempor   incididunt ut labore\t \r\n";
    let start = index * buf.len();
    for (i, b) in buf.iter_mut().enumerate() {
        *b = TEXT[(start + i) % TEXT.len()];
    }
}

/// Net heap growth now, relative to the region's start.
fn net(region: &Region<'_, System>) -> isize {
    let s = region.change();
    s.bytes_allocated as isize - s.bytes_deallocated as isize + s.bytes_reallocated
}

#[test]
fn fifty_megabytes_in_chunks_stay_under_one_megabyte() {
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let generated = generate_ed25519(&mut rng).unwrap();
    let key = signing_key_from_pem(&generated.pem, &RustCrypto).unwrap();
    let header = b"From: Joe <joe@example.com>\r\nTo: x@example.net\r\nSubject: big\r\n\r\n";
    let mut zone = MemoryResolver::new();
    zone.add(
        Name::new("sel._domainkey.example.com").unwrap(),
        Record::Txt(Txt::from_bytes(
            dns_record(KeyType::Ed25519, &generated.public_key).as_bytes(),
        )),
    );
    let chunks = BODY_BYTES.div_ceil(CHUNK);
    let mut buf = vec![0u8; CHUNK];

    // Signing.
    let relaxed = DkimSigner::new(&RustCrypto, key.clone(), "example.com", "sel").unwrap();
    let simple = DkimSigner::new(&RustCrypto, key, "example.com", "sel")
        .unwrap()
        .canonicalization(Canonicalization::Simple, Canonicalization::Simple);
    let region = Region::new(GLOBAL);
    let mut first = relaxed.start(header, 1_700_000_000).unwrap();
    let mut second = simple.start(header, 1_700_000_000).unwrap();
    let mut peak = 0isize;
    for i in 0..chunks {
        chunk(i, &mut buf);
        first.body(&buf);
        second.body(&buf);
        peak = peak.max(net(&region));
    }
    let mut field = first.finish(&mut rng).unwrap();
    field.push_str(&second.finish(&mut rng).unwrap());
    println!("signing: peak heap growth {peak} bytes over {BODY_BYTES} bytes of body");
    assert!(peak < LIMIT, "signing grew the heap by {peak} bytes");

    // Verifying both signatures: two body canonicalizers run at once.
    let mut signed_header = field.into_bytes();
    signed_header.extend_from_slice(header);
    let region = Region::new(GLOBAL);
    let mut verifier = DkimVerifier::new(VerifyConfig::new(1_700_000_000), &signed_header).unwrap();
    mailsec_dns::drive(&mut verifier, &zone).unwrap();
    let mut peak = 0isize;
    for i in 0..chunks {
        chunk(i, &mut buf);
        verifier.body(&buf);
        peak = peak.max(net(&region));
    }
    let outcomes = verifier.finish();
    println!("verifying: peak heap growth {peak} bytes over {BODY_BYTES} bytes of body");
    assert_eq!(outcomes.len(), 2);
    for o in &outcomes {
        assert_eq!(o.result, DkimResult::Pass, "{}", o.reason);
    }
    assert!(peak < LIMIT, "verifying grew the heap by {peak} bytes");
}
