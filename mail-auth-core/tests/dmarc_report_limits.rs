//! Hostile reports: every limit of `ReportLimits` trips with its error, a
//! DOCTYPE and undeclared entities are refused, decompression bombs (gzip
//! and zip) stop at the cap quickly, and no input makes the reader panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use std::io::Write as _;
use std::time::{Duration, Instant};

use mail_auth_core::dmarc::report::{
    ReportError, ReportLimits, decompress_report, parse_report, parse_report_xml,
};
use proptest::prelude::*;

const HEAD: &str = "<feedback><report_metadata><org_name>o</org_name><email>e</email>\
<report_id>r</report_id><date_range><begin>1</begin><end>2</end></date_range>\
</report_metadata><policy_published><domain>d.example</domain><p>none</p></policy_published>";
const RECORD: &str = "<record><row><source_ip>192.0.2.1</source_ip><count>1</count>\
<policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf>\
</policy_evaluated></row><identifiers><header_from>d.example</header_from></identifiers>\
<auth_results><spf><domain>d.example</domain><result>pass</result></spf></auth_results></record>";

fn report_with(records: usize) -> String {
    format!("{HEAD}{}</feedback>", RECORD.repeat(records))
}

#[test]
fn a_valid_small_report_parses() {
    let r = parse_report_xml(report_with(3).as_bytes(), &ReportLimits::default()).unwrap();
    assert_eq!(r.records.len(), 3);
}

#[test]
fn oversized_xml_is_refused() {
    let limits = ReportLimits {
        max_xml_size: 1000,
        ..ReportLimits::default()
    };
    let xml = report_with(10);
    assert!(xml.len() > 1000);
    assert_eq!(
        parse_report_xml(xml.as_bytes(), &limits),
        Err(ReportError::TooLarge { limit: 1000 })
    );
    assert_eq!(
        parse_report(xml.as_bytes(), &limits),
        Err(ReportError::TooLarge { limit: 1000 })
    );
}

#[test]
fn too_many_records_are_refused() {
    let limits = ReportLimits {
        max_records: 5,
        ..ReportLimits::default()
    };
    assert_eq!(
        parse_report_xml(report_with(5).as_bytes(), &limits).map(|r| r.records.len()),
        Ok(5)
    );
    assert!(matches!(
        parse_report_xml(report_with(6).as_bytes(), &limits),
        Err(ReportError::TooManyRecords { limit: 5, .. })
    ));
}

#[test]
fn deep_nesting_is_refused_even_in_unknown_elements() {
    let limits = ReportLimits::default();
    let deep = format!(
        "{HEAD}<extensions>{}{}</extensions></feedback>",
        "<x>".repeat(100_000),
        "</x>".repeat(100_000)
    );
    assert!(matches!(
        parse_report_xml(deep.as_bytes(), &limits),
        Err(ReportError::TooDeep { limit: 32, .. })
    ));
    // Depth 32 exactly is fine: feedback, extensions and 30 more.
    let fits = format!(
        "{HEAD}<extensions>{}{}</extensions>{RECORD}</feedback>",
        "<x>".repeat(30),
        "</x>".repeat(30)
    );
    assert_eq!(
        parse_report_xml(fits.as_bytes(), &limits)
            .unwrap()
            .records
            .len(),
        1
    );
}

#[test]
fn long_text_and_long_lists_are_refused() {
    let limits = ReportLimits {
        max_text_len: 100,
        max_list_items: 3,
        ..ReportLimits::default()
    };
    let long = report_with(1).replace("<org_name>o<", &format!("<org_name>{}<", "o".repeat(101)));
    assert!(matches!(
        parse_report_xml(long.as_bytes(), &limits),
        Err(ReportError::TextTooLong { limit: 100, .. })
    ));
    // Text split by entity references counts as a whole.
    let split = report_with(1).replace(
        "<org_name>o<",
        &format!("<org_name>{}<", "&amp;".repeat(101)),
    );
    assert!(matches!(
        parse_report_xml(split.as_bytes(), &limits),
        Err(ReportError::TextTooLong { .. })
    ));
    let spf = "<spf><domain>d</domain><result>pass</result></spf>";
    let many = report_with(1).replace(
        "<auth_results>",
        &format!("<auth_results>{}", spf.repeat(3)),
    );
    assert!(matches!(
        parse_report_xml(many.as_bytes(), &limits),
        Err(ReportError::TooManyItems {
            element: "spf",
            limit: 3,
            ..
        })
    ));
    let errors = report_with(0).replace(
        "</date_range>",
        &format!("</date_range>{}", "<error>e</error>".repeat(4)),
    );
    assert!(matches!(
        parse_report_xml(errors.as_bytes(), &limits),
        Err(ReportError::TooManyItems {
            element: "error",
            ..
        })
    ));
}

#[test]
fn doctype_and_custom_entities_are_refused() {
    let limits = ReportLimits::default();
    // Billion laughs: never expanded, the DOCTYPE alone is refused.
    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE feedback [<!ENTITY a \"lol\">{}]>{}",
        (1..10)
            .map(|i| format!(
                "<!ENTITY {} \"{}\">",
                (b'a' + i) as char,
                format!("&{};", (b'a' + i - 1) as char).repeat(10)
            ))
            .collect::<String>(),
        report_with(1).replace("<org_name>o", "<org_name>&j;")
    );
    assert!(matches!(
        parse_report_xml(laughs.as_bytes(), &limits),
        Err(ReportError::Doctype { .. })
    ));
    // External entity (XXE).
    let xxe = format!(
        "<!DOCTYPE feedback [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>{}",
        report_with(1).replace("<org_name>o", "<org_name>&x;")
    );
    assert!(matches!(
        parse_report_xml(xxe.as_bytes(), &limits),
        Err(ReportError::Doctype { .. })
    ));
    // An entity used without any declaration.
    let undeclared = report_with(1).replace("<org_name>o", "<org_name>&x;");
    assert!(matches!(
        parse_report_xml(undeclared.as_bytes(), &limits),
        Err(ReportError::Entity { ref name, .. }) if name == "x"
    ));
    // Characters XML forbids, raw or as references.
    for bad in ["\u{1}", "&#1;", "&#xFFFE;"] {
        let xml = report_with(1).replace("<org_name>o", &format!("<org_name>{bad}"));
        assert!(
            matches!(
                parse_report_xml(xml.as_bytes(), &limits),
                Err(ReportError::InvalidChar { .. })
            ),
            "{bad}"
        );
    }
}

/// A gzip stream of `size` zero bytes, compressed as it is produced.
fn gzip_zeros(size: usize) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        encoder.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    encoder.finish().unwrap()
}

#[test]
fn gzip_bomb_stops_at_the_cap() {
    // 1 GiB of zeros compresses to about 1 MiB.
    let bomb = gzip_zeros(1 << 30);
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    let limits = ReportLimits::default();
    let start = Instant::now();
    let result = decompress_report(&bomb, &limits);
    let elapsed = start.elapsed();
    assert_eq!(
        result,
        Err(ReportError::TooLarge {
            limit: limits.max_xml_size
        })
    );
    // Inflating 32 MiB is quick; inflating 1 GiB would not be.
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    // A concatenated second member does not get past the cap either.
    let small = ReportLimits {
        max_xml_size: 1 << 20,
        ..ReportLimits::default()
    };
    let mut two = gzip_zeros(600 << 10);
    two.extend(gzip_zeros(600 << 10));
    assert_eq!(
        decompress_report(&two, &small),
        Err(ReportError::TooLarge { limit: 1 << 20 })
    );
}

fn zip_entries(entries: &[(&str, &[u8])], encrypted: bool) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, bytes) in entries {
        zip.start_file(
            *name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    let mut bytes = out.into_inner();
    if encrypted {
        // Set the "encrypted" flag (bit 0 of the general purpose flags) in
        // the local header and in the central directory entry.
        bytes[6] |= 1;
        let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        bytes[central + 8] |= 1;
    }
    bytes
}

#[test]
fn zip_bomb_stops_at_the_cap_whatever_the_declared_size() {
    let limits = ReportLimits {
        max_xml_size: 1 << 20,
        ..ReportLimits::default()
    };
    let zeros = vec![0u8; 64 << 20];
    let bomb = zip_entries(&[("report.xml", &zeros)], false);
    assert!(bomb.len() < 1 << 20);
    assert_eq!(
        decompress_report(&bomb, &limits),
        Err(ReportError::TooLarge { limit: 1 << 20 })
    );
    // The same archive with its declared sizes rewritten to 100 bytes: the
    // reading is still capped (or the archive is found corrupt).
    let mut lying = bomb.clone();
    let local_size = 22; // uncompressed size in the local header
    lying[local_size..local_size + 4].copy_from_slice(&100u32.to_le_bytes());
    let central = lying.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    lying[central + 24..central + 28].copy_from_slice(&100u32.to_le_bytes());
    let outcome = decompress_report(&lying, &limits);
    // zip itself notices the entry outgrowing its declared size.
    assert!(matches!(outcome, Err(ReportError::Zip(_))), "{outcome:?}");
    // A declared size past the cap is refused before anything is inflated.
    let small = zip_entries(&[("report.xml", b"<feedback/>")], false);
    let mut big_claim = small.clone();
    let central = big_claim
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .unwrap();
    big_claim[central + 24..central + 28].copy_from_slice(&(2u32 << 20).to_le_bytes());
    assert_eq!(
        decompress_report(&big_claim, &limits),
        Err(ReportError::TooLarge { limit: 1 << 20 })
    );
    assert!(decompress_report(&small, &limits).is_ok());
}

#[test]
fn zip_entry_choice_encryption_and_entry_count() {
    let limits = ReportLimits::default();
    let xml = report_with(1);
    let zip = zip_entries(&[("readme.txt", b"hi"), ("r.XML", xml.as_bytes())], false);
    assert_eq!(parse_report(&zip, &limits).unwrap().records.len(), 1);
    let only = zip_entries(&[("report", xml.as_bytes())], false);
    assert_eq!(parse_report(&only, &limits).unwrap().records.len(), 1);
    let two_others = zip_entries(&[("a.txt", b"a"), ("b.txt", b"b")], false);
    assert_eq!(
        decompress_report(&two_others, &limits),
        Err(ReportError::ZipEmpty)
    );
    let encrypted = zip_entries(&[("report.xml", xml.as_bytes())], true);
    assert!(matches!(
        decompress_report(&encrypted, &limits),
        Err(ReportError::ZipEncrypted { ref name }) if name == "report.xml"
    ));
    let names: Vec<String> = (0..20).map(|i| format!("f{i}.txt")).collect();
    let mut entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    entries.push(("late.xml", xml.as_bytes()));
    let crowded = zip_entries(&entries, false);
    assert_eq!(
        decompress_report(&crowded, &limits),
        Err(ReportError::ZipTooManyEntries { limit: 16 })
    );
    assert!(matches!(
        decompress_report(b"PK\x03\x04garbage", &limits),
        Err(ReportError::Zip(_))
    ));
    assert!(matches!(
        decompress_report(b"\x1f\x8bgarbage", &limits),
        Err(ReportError::Gzip(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_report(&bytes, &ReportLimits::default());
    }

    #[test]
    fn mangled_reports_never_panic(cut in 0usize..2000, insert in "[<>/&;#a-z0-9 \"=!\\[\\]-]{0,12}") {
        let xml = report_with(3);
        let cut = cut.min(xml.len());
        let cut = (0..=cut).rev().find(|&i| xml.is_char_boundary(i)).unwrap();
        let mangled = format!("{}{}{}", &xml[..cut], insert, &xml[cut..]);
        let _ = parse_report_xml(mangled.as_bytes(), &ReportLimits::default());
        let _ = parse_report_xml(&mangled.as_bytes()[..cut], &ReportLimits::default());
    }
}
