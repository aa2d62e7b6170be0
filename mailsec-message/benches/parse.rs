//! Message-layer throughput: the header section of a typical received
//! message, a From field, and a large multipart message.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mailsec_message::{HeaderBlock, Limits, from_mailboxes, parse_entity, parse_mailbox_list};

/// A header section like one that crossed a few relays: 20 Received fields,
/// DKIM and ARC signatures, the usual fields.
fn typical_header() -> Vec<u8> {
    let mut h = Vec::new();
    for i in 0..20 {
        h.extend_from_slice(
            format!(
                "Received: from relay{i}.example.net (relay{i}.example.net [192.0.2.{i}])\r\n\
                 \tby mx.example.com (Postfix) with ESMTPS id 4Abc{i}Def\r\n\
                 \tfor <user@example.com>; Sun, 22 Nov 2026 03:00:{i:02} +0000 (UTC)\r\n"
            )
            .as_bytes(),
        );
    }
    h.extend_from_slice(
        b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=s1;\r\n\
          \th=from:to:subject:date:message-id; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n\
          \tb=dzdVyOfAKCdLXdJOc9G2q8LoXSlEniSbav+yuU4zGeeruD00lszZVoG4ZHRNiYzR\r\n\
          From: \"Alice Example\" <alice@example.net>\r\n\
          To: Bob <bob@example.com>, carol@example.com\r\n\
          Subject: Quarterly report\r\n\
          Date: Sun, 22 Nov 2026 03:00:00 +0000\r\n\
          Message-ID: <20261122030000.1234@example.net>\r\n\
          MIME-Version: 1.0\r\n\
          Content-Type: text/plain; charset=utf-8\r\n\
          \r\n\
          Hello.\r\n",
    );
    h
}

/// A multipart/mixed message of `parts` parts of `size` bytes each.
fn multipart(parts: usize, size: usize) -> Vec<u8> {
    let mut m =
        b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=\"=_b\"\r\n\r\n".to_vec();
    let line = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusm\r\n";
    for _ in 0..parts {
        m.extend_from_slice(b"--=_b\r\nContent-Type: text/plain\r\n\r\n");
        for _ in 0..size / line.len() {
            m.extend_from_slice(line);
        }
        m.extend_from_slice(b"\r\n");
    }
    m.extend_from_slice(b"--=_b--\r\n");
    m
}

fn benches(c: &mut Criterion) {
    let limits = Limits::default();

    let header = typical_header();
    let mut g = c.benchmark_group("header");
    g.throughput(Throughput::Bytes(header.len() as u64));
    g.bench_function("parse typical header section", |b| {
        b.iter(|| HeaderBlock::parse(black_box(&header), &limits).unwrap())
    });
    g.bench_function("parse header and From", |b| {
        b.iter(|| {
            let h = HeaderBlock::parse(black_box(&header), &limits).unwrap();
            from_mailboxes(&h, &limits).unwrap()
        })
    });
    g.finish();

    let list = b" \"Alice Example\" <alice@example.net>, Bob <bob@b\xc3\xbccher.example>, carol@example.com";
    let mut g = c.benchmark_group("address");
    g.bench_function("mailbox list of 3 (one IDNA)", |b| {
        b.iter(|| parse_mailbox_list(black_box(list), &limits).unwrap())
    });
    g.finish();

    let big = multipart(16, 64 * 1024);
    let mut g = c.benchmark_group("mime");
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("split 1 MiB multipart, 16 parts", |b| {
        b.iter(|| parse_entity(black_box(&big), &limits).unwrap())
    });
    g.finish();
}

criterion_group!(parse, benches);
criterion_main!(parse);
