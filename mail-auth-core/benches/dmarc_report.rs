//! DMARC aggregate report throughput: building 10,000 rows from 50,000
//! evaluations, writing them as XML and gzip, and reading them back.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mail_auth_core::dmarc::Policy;
use mail_auth_core::dmarc::report::{
    AggregateReport, AggregateReportBuilder, AlignedResult, DateRange, DkimAuthResult, DkimResult,
    EvaluationRecord, PolicyPublished, ReportFormat, ReportLimits, ReportMetadata, SpfAuthResult,
    SpfResult, SpfScope, parse_report,
};

fn evaluation(i: u32) -> EvaluationRecord {
    EvaluationRecord {
        source_ip: IpAddr::V4(Ipv4Addr::from(0xC000_0200 + i % 10_000)),
        header_from: "example.com".into(),
        envelope_from: Some("bounce.example.com".into()),
        envelope_to: None,
        disposition: Policy::None,
        dkim_aligned_result: AlignedResult::Pass,
        spf_aligned_result: AlignedResult::Fail,
        reasons: Vec::new(),
        dkim_results: vec![DkimAuthResult {
            domain: "example.com".into(),
            selector: Some("s1".into()),
            result: DkimResult::Pass,
            human_result: None,
        }],
        spf_results: vec![SpfAuthResult {
            domain: "bounce.example.com".into(),
            scope: Some(SpfScope::Mfrom),
            result: SpfResult::SoftFail,
            human_result: None,
        }],
    }
}

fn builder() -> AggregateReportBuilder {
    AggregateReportBuilder::new(
        ReportMetadata {
            org_name: "Receiver".into(),
            email: "dmarc@receiver.example".into(),
            report_id: "bench".into(),
            date_range: DateRange {
                begin: 1_700_000_000,
                end: 1_700_086_400,
            },
            ..ReportMetadata::default()
        },
        PolicyPublished::new("example.com", Policy::Reject),
    )
}

fn report() -> AggregateReport {
    let mut b = builder();
    for i in 0..50_000 {
        b.add(evaluation(i));
    }
    b.build()
}

fn bench(c: &mut Criterion) {
    let evaluations: Vec<EvaluationRecord> = (0..50_000).map(evaluation).collect();
    let report = report();
    let xml = report.to_xml(ReportFormat::Rfc9990);
    let gz = report.to_gzip(ReportFormat::Rfc9990).unwrap();
    let limits = ReportLimits::default();
    let mut g = c.benchmark_group("dmarc_report");
    g.sample_size(10);
    g.throughput(Throughput::Elements(50_000));
    g.bench_function("accumulate_50k_evaluations", |b| {
        b.iter(|| {
            let mut builder = builder();
            for e in &evaluations {
                builder.add(e.clone());
            }
            black_box(builder.build())
        });
    });
    g.throughput(Throughput::Bytes(xml.len() as u64));
    g.bench_function("write_xml_10k_rows", |b| {
        b.iter(|| black_box(report.to_xml(ReportFormat::Rfc9990)));
    });
    g.bench_function("write_gzip_10k_rows", |b| {
        b.iter(|| black_box(report.to_gzip(ReportFormat::Rfc9990).unwrap()));
    });
    g.bench_function("parse_xml_10k_rows", |b| {
        b.iter(|| black_box(parse_report(xml.as_bytes(), &limits).unwrap()));
    });
    g.bench_function("parse_gzip_10k_rows", |b| {
        b.iter(|| black_box(parse_report(&gz, &limits).unwrap()));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
