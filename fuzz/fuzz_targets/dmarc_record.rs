//! The DMARC record parser on arbitrary text, then the whole evaluation
//! against a DNS that answers from the fuzzer's bytes. Parsing never panics
//! and a parsed record renders to text that parses to the same record;
//! evaluation ends within the query cap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mail_auth_core::dkim::DkimResult;
use mail_auth_core::dmarc::{
    DmarcConfig, DmarcEvaluator, DmarcInput, DmarcRecord, DmarcRules, Identifier,
};
use mail_auth_core::spf::SpfResult;
use mailsec_dns::{Answer, DnsMachine, Failure, Record, Step, Txt};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(record) = DmarcRecord::parse(&text) {
        let rendered = record.to_string();
        let again = DmarcRecord::parse(&rendered).expect("a rendered record parses");
        // Unknown tags are not rendered; everything else round-trips.
        assert_eq!(
            DmarcRecord { unknown_tags: Vec::new(), ..record },
            again,
            "{rendered}"
        );
    }

    // A record read leniently, as a receiver does, renders to text that
    // parses strictly to the same record.
    if let Ok((record, errors)) = DmarcRecord::parse_lenient(&text) {
        if let Some(record) = record.effective(&errors) {
            let rendered = record.to_string();
            let again = DmarcRecord::parse(&rendered).expect("a rendered record parses");
            assert_eq!(DmarcRecord { unknown_tags: Vec::new(), ..record }, again, "{rendered}");
        }
    }

    // Evaluation: the first byte picks the rules and the author domain's
    // depth; each answer is NXDOMAIN, NODATA, a time-out, or TXT records
    // cut from the input.
    let first = data.first().copied().unwrap_or(0);
    let rules = if first & 1 == 0 { DmarcRules::Rfc9989 } else { DmarcRules::Rfc7489 };
    let depth = usize::from(first >> 1) % 12;
    let mut author = String::from("example.com");
    for i in 0..depth {
        author = format!("l{i}.{author}");
    }
    let mut input = DmarcInput::new(&author);
    input.spf = Some(Identifier { result: SpfResult::Pass, domain: format!("x.{author}") });
    input.dkim = (0..4)
        .map(|i| Identifier { result: DkimResult::Pass, domain: format!("d{i}.example.com") })
        .collect();
    let config = DmarcConfig { rules, ..DmarcConfig::default() };
    let max = config.max_queries;
    let mut machine = DmarcEvaluator::new(config, input);
    let chunks: Vec<&[u8]> = data.split(|&b| b == b'|').collect();
    let mut at = 0usize;
    let mut asked = 0usize;
    loop {
        let queries = match machine.poll() {
            Step::Done(outcome) => {
                assert!(outcome.dns_queries <= max);
                break;
            }
            Step::NeedDns(q) => q.to_vec(),
        };
        asked += queries.len();
        assert!(asked <= max, "more queries than the cap");
        let answers = queries
            .iter()
            .map(|_| {
                at += 1;
                let chunk = chunks.get(at % chunks.len().max(1)).copied().unwrap_or_default();
                match chunk.first().copied().unwrap_or(0) % 5 {
                    0 => Answer::nx_domain(),
                    1 => Answer::no_data(),
                    2 => Answer::failed(Failure::Timeout),
                    _ => Answer::records(vec![Record::Txt(Txt::from_bytes(chunk.get(1..).unwrap_or_default()))]),
                }
            })
            .collect();
        machine.provide(answers).expect("answers match the questions");
    }
});
