//! Memory: inflating a 1 GiB gzip bomb (and a zip one) under a 4 MiB cap
//! allocates a few times the cap, never the bomb's size. A test binary of
//! its own, because it counts every allocation of the process through a
//! counting global allocator (`stats_alloc`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::alloc::System;
use std::io::Write as _;

use mail_auth_core::dmarc::report::{ReportError, ReportLimits, decompress_report};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const CAP: usize = 4 << 20;

/// Everything allocated in the region, growth by reallocation included.
fn allocated(region: &Region<'_, System>) -> usize {
    let s = region.change();
    s.bytes_allocated + s.bytes_reallocated.max(0) as usize
}

#[test]
fn bombs_allocate_about_the_cap_not_their_size() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        encoder.write_all(&chunk).unwrap();
    }
    let gzip = encoder.finish().unwrap();

    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    zip.start_file(
        "report.xml",
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true),
    )
    .unwrap();
    for _ in 0..256 {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap();
    let zip = out.into_inner();

    let limits = ReportLimits {
        max_xml_size: CAP,
        ..ReportLimits::default()
    };
    for (name, bomb) in [("gzip", &gzip), ("zip", &zip)] {
        let region = Region::new(GLOBAL);
        let result = decompress_report(bomb, &limits);
        let used = allocated(&region);
        assert!(
            matches!(result, Err(ReportError::TooLarge { limit: CAP })),
            "{name}: {result:?}"
        );
        assert!(used < 8 * CAP, "{name}: {used} bytes allocated");
        eprintln!(
            "{name} bomb of {} bytes: {used} bytes allocated",
            bomb.len()
        );
    }
}
