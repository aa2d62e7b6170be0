//! SPF evaluation against a DNS that answers from the fuzzer's bytes: every
//! query gets NXDOMAIN, NODATA, a time-out or records (TXT records made of
//! the input's chunks, so records include, redirect and expand macros). The
//! check never panics and ends within a bounded number of DNS rounds.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use libfuzzer_sys::fuzz_target;
use mail_auth_core::spf::{SpfConfig, SpfEvaluator};
use mailsec_dns::{Answer, DnsMachine, Failure, Mx, Name, Query, Record, RecordType, Step, Txt};

struct Oracle<'a> {
    bytes: &'a [u8],
    chunks: std::iter::Cycle<std::vec::IntoIter<&'a [u8]>>,
    at: usize,
}

impl Oracle<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.at % self.bytes.len().max(1)).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn answer(&mut self, q: &Query) -> Answer {
        let b = self.byte();
        match b % 6 {
            0 => return Answer::nx_domain(),
            1 => return Answer::no_data(),
            2 => return Answer::failed(Failure::Timeout),
            _ => {}
        }
        let count = 1 + usize::from(self.byte() % 3);
        let mut records = Vec::new();
        for i in 0..count {
            let x = self.byte();
            let name = Name::new(&format!("h{}.example", x % 8)).unwrap();
            records.push(match q.record_type {
                RecordType::Txt => {
                    let chunk = self.chunks.next().unwrap_or_default();
                    let mut text = if x % 4 == 0 { Vec::new() } else { b"v=spf1 ".to_vec() };
                    text.extend_from_slice(chunk);
                    Record::Txt(Txt::from_bytes(&text))
                }
                RecordType::A => Record::A(Ipv4Addr::new(192, 0, 2, x % 4)),
                RecordType::Aaaa => Record::Aaaa(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, u16::from(x % 4))),
                RecordType::Mx => Record::Mx(Mx { preference: u16::from(x), exchange: name }),
                RecordType::Ptr => Record::Ptr(name),
                _ => Record::A(Ipv4Addr::new(192, 0, 2, i as u8)),
            });
        }
        Answer::records(records)
    }
}

fuzz_target!(|data: &[u8]| {
    let chunks: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    let first = data.first().copied().unwrap_or(0);
    let ip = if first % 2 == 0 {
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, first % 4))
    } else {
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, u16::from(first % 4)))
    };
    let mut oracle = Oracle { bytes: data, chunks: chunks.into_iter().cycle(), at: 1 };
    let mut spf = SpfEvaluator::mail_from(ip, "h0.example", "user@h1.example", SpfConfig::new(1_000_000));
    let mut rounds = 0;
    loop {
        rounds += 1;
        assert!(rounds < 200, "SPF needed more than 200 DNS rounds");
        let answers: Vec<Answer> = match spf.poll() {
            Step::Done(outcome) => {
                assert!(outcome.dns_lookups <= 11);
                break;
            }
            Step::NeedDns(queries) => {
                assert!(!queries.is_empty() && queries.len() <= 40);
                let queries = queries.to_vec();
                queries.iter().map(|q| oracle.answer(q)).collect()
            }
        };
        spf.provide(answers).expect("answers match the questions");
    }
});
