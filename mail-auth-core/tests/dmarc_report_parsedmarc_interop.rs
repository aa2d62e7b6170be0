//! Interop with parsedmarc (PyPI `parsedmarc`, pinned in
//! `scripts/peers-requirements.txt`), in one Python process.
//!
//! - Ours → parsedmarc: reports built with `AggregateReportBuilder` are
//!   written in both formats, as plain XML, gzip and zip; parsedmarc's
//!   `parse_report_file(path, offline=True, always_use_local_files=True)`
//!   reads each, and what it reads must equal what we wrote.
//! - parsedmarc → ours: the Python side writes real-world-shaped XML variants
//!   (namespaces, a prefix, no version, upper-case words, padding, missing
//!   optional elements, entities, CDATA, a BOM, unknown elements), parsedmarc
//!   reads them, and our reader must read the same figures. One variant
//!   prefixes every element (`<d:feedback xmlns:d=...>`): parsedmarc 11.1.0
//!   cannot read it ("Missing field: 'feedback'"), so ours is compared with
//!   parsedmarc's reading of the same report unprefixed.
//!
//! Both sides are compared through one summary format (`summary` here,
//! `summary` in the Python helper). parsedmarc fills in defaults that the
//! Rust side applies before comparing (each is its documented reading, not
//! a disagreement): `adkim`/`aspf` absent read as `r`, `sp` absent as `p`,
//! a missing DKIM selector as `none`, a missing SPF scope as `mfrom`, an
//! absent `envelope_from` as the last SPF domain, `header_from` lower-cased;
//! it also rewrites an `org_name` without spaces to its base domain and cuts
//! a `report_id` at `@` (our generated names avoid both).
//!
//! Environment: `MAILSEC_PEERS_PYTHON` (the venv's python; the test is skipped
//! without it unless `MAILSEC_REQUIRE_PEERS` is set).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::cast_possible_truncation
)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use mail_auth_core::dmarc::report::{
    AggregateReport, AggregateReportBuilder, AlignedResult, DateRange, DiscoveryMethod,
    DkimAuthResult, DkimResult, EvaluationRecord, PolicyOverride, PolicyOverrideReason,
    PolicyPublished, ReportFileKind, ReportFormat, ReportLimits, ReportMetadata, SpfAuthResult,
    SpfResult, SpfScope, parse_report,
};
use mail_auth_core::dmarc::{AlignmentMode, Policy};
use mailsec_dns::yaml_rust2::{Yaml, YamlLoader};

const HELPER: &str = r#"
import calendar
import ipaddress
import json
import sys
import time


def epoch(text):
    return calendar.timegm(time.strptime(text, '%Y-%m-%d %H:%M:%S'))


def summary(rep):
    m = rep['report_metadata']
    p = rep['policy_published']
    lines = ['org_name=%s' % m['org_name'], 'email=%s' % m['org_email'],
             'extra=%s' % m['org_extra_contact_info'], 'report_id=%s' % m['report_id'],
             'begin=%d' % epoch(m['begin_date']), 'end=%d' % epoch(m['end_date']),
             'errors=%s' % '|'.join(m['errors']), 'generator=%s' % m['generator']]
    for k in ['domain', 'adkim', 'aspf', 'p', 'sp', 'pct', 'fo', 'np', 'testing',
              'discovery_method']:
        lines.append('%s=%s' % (k, p[k]))
    for r in rep['records']:
        pe = r['policy_evaluated']
        ids = r['identifiers']
        reasons = ','.join('%s:%s' % (x.get('type'), x.get('comment'))
                           for x in pe['policy_override_reasons'])
        dkim = ','.join('%s/%s/%s/%s' % (d['domain'], d['selector'], d['result'],
                                         d['human_result'])
                        for d in r['auth_results']['dkim'])
        spf = ','.join('%s/%s/%s/%s' % (d['domain'], d['scope'], d['result'],
                                        d['human_result'])
                       for d in r['auth_results']['spf'])
        ip = str(ipaddress.ip_address(r['source']['ip_address']))
        lines.append('record ip=%s count=%s disp=%s dkim=%s spf=%s reasons=[%s] hf=%s '
                     'ef=%s et=%s dkim_auth=[%s] spf_auth=[%s]'
                     % (ip, r['count'], pe['disposition'], pe['dkim'], pe['spf'],
                        reasons, ids['header_from'], ids['envelope_from'],
                        ids['envelope_to'], dkim, spf))
    return '\n'.join(lines)


HEAD = '''<report_metadata>
    <org_name>%(org)s</org_name>
    <email>dmarc@receiver.example</email>
    <report_id>%(id)s</report_id>
    <date_range><begin>%(begin)s</begin><end>%(end)s</end></date_range>
  </report_metadata>'''

RECORD = '''<record>
    <row>
      <source_ip>%(ip)s</source_ip>
      <count>%(count)s</count>
      <policy_evaluated>
        <disposition>%(disp)s</disposition>
        <dkim>%(dkim)s</dkim>
        <spf>%(spf)s</spf>%(reasons)s
      </policy_evaluated>
    </row>
    <identifiers>%(ids)s</identifiers>
    <auth_results>%(auth)s</auth_results>
  </record>'''


def variants():
    """Real-world-shaped reports, written here."""
    out = []
    head = HEAD % {'org': 'Big Webmail', 'id': '1234567890', 'begin': '1700006400',
                   'end': '1700092799'}
    rec = RECORD % {
        'ip': '203.0.113.9', 'count': '4', 'disp': 'none', 'dkim': 'pass', 'spf': 'fail',
        'reasons': '',
        'ids': '<header_from>example.org</header_from>',
        'auth': '<dkim><domain>example.org</domain><result>pass</result>'
                '<selector>s2024</selector></dkim>'
                '<spf><domain>esp.example</domain><result>pass</result></spf>'}
    out.append('<?xml version="1.0" encoding="UTF-8" ?>\n<feedback>\n  %s\n  '
               '<policy_published><domain>example.org</domain><adkim>r</adkim><aspf>r</aspf>'
               '<p>none</p><sp>none</sp><pct>100</pct></policy_published>\n  %s\n</feedback>\n'
               % (head, rec))
    head = HEAD % {'org': 'Corporate Mail', 'id': 'abc-def', 'begin': ' 1700000000 ',
                   'end': '\n1700050000\n'}
    recs = [RECORD % {
        'ip': '2001:DB8::25', 'count': ' 2 ', 'disp': 'Quarantine', 'dkim': 'Fail',
        'spf': 'FAIL',
        'reasons': '<reason><type>forwarded</type><comment>via list &amp; co</comment>'
                   '</reason><reason><type>local_policy</type></reason>',
        'ids': '<envelope_to>corp.example</envelope_to><envelope_from>lists.example.net'
               '</envelope_from><header_from>Example.NET</header_from>',
        'auth': '<dkim><domain>lists.example.net</domain><selector>k</selector>'
                '<result>PermError</result><human_result>bad &lt;sig&gt;</human_result></dkim>'
                '<spf><domain>lists.example.net</domain><scope>mfrom</scope>'
                '<result>SoftFail</result></spf>'},
        RECORD % {
        'ip': '198.51.100.3', 'count': '1', 'disp': 'reject', 'dkim': 'fail', 'spf': 'fail',
        'reasons': '', 'ids': '<header_from>example.net</header_from>',
        'auth': '<spf><domain>example.net</domain><scope>helo</scope>'
                '<result>fail</result></spf>'}]
    out.append('\ufeff<?xml version="1.0"?>\n<feedback xmlns:xsi='
               '"http://www.w3.org/2001/XMLSchema-instance">\n  <version>1.0</version>\n  %s\n'
               '  <policy_published><domain>example.net</domain><adkim>s</adkim>'
               '<p>reject</p><sp>quarantine</sp><pct>50</pct><fo>1</fo></policy_published>\n'
               '  %s\n</feedback>\n' % (head, '\n  '.join(recs)))
    head = HEAD % {'org': '<![CDATA[Mail & Co]]>', 'id': 'id.9990', 'begin': '1700000000',
                   'end': '1700003600'}
    head = head.replace('</report_metadata>', '<error>partial data</error>'
                        '<generator>Mailer 4.2</generator></report_metadata>')
    rec = RECORD % {
        'ip': '192.0.2.200', 'count': '9', 'disp': 'none', 'dkim': 'pass', 'spf': 'pass',
        'reasons': '<reason><type>policy_test_mode</type><comment>t=y</comment></reason>',
        'ids': '<envelope_from>example.com</envelope_from><header_from>example.com'
               '</header_from>',
        'auth': '<dkim><domain>example.com</domain><selector>k1</selector>'
                '<result>pass</result></dkim><spf><domain>example.com</domain>'
                '<scope>mfrom</scope><result>pass</result><human_result>ok</human_result>'
                '</spf>'}
    out.append('<?xml version="1.0" encoding="utf-8"?>\n<feedback xmlns='
               '"urn:ietf:params:xml:ns:dmarc-2.0">\n  <version>1.0</version>\n  %s\n'
               '  <policy_published><domain>example.com</domain><discovery_method>treewalk'
               '</discovery_method><p>quarantine</p><np>reject</np><testing>y</testing>'
               '</policy_published>\n  <extensions><x:a xmlns:x="urn:x">1</x:a></extensions>'
               '\n  %s\n</feedback>\n' % (head, rec))
    # A namespace prefix on every element.
    prefixed = out[-1].replace('<feedback xmlns=', '<d:feedback xmlns:d=')
    import re
    prefixed = re.sub(r'<(/?)(?!d:|x:|\?|!)([a-z_]+)>', r'<\1d:\2>', prefixed)
    prefixed = prefixed.replace('</feedback>', '</d:feedback>')
    out.append(prefixed)
    return out


def main():
    try:
        import parsedmarc
    except Exception as exc:
        sys.stderr.write('parsedmarc is not importable: %r\n' % (exc,))
        return 3
    with open(sys.argv[1]) as f:
        job = json.load(f)
    result = {'version': parsedmarc.__version__, 'ours': {}, 'theirs': []}
    opts = dict(offline=True, always_use_local_files=True)
    for path in job['files']:
        try:
            parsed = parsedmarc.parse_report_file(path, **opts)
            result['ours'][path] = summary(parsed['report'])
        except Exception as exc:
            result['ours'][path] = 'ERROR %r' % (exc,)
    for i, xml in enumerate(variants()):
        path = '%s/variant-%d.xml' % (job['dir'], i)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(xml)
        try:
            text = summary(parsedmarc.parse_aggregate_report_xml(xml, **opts))
        except Exception as exc:
            text = 'ERROR %r' % (exc,)
        entry = {'path': path, 'summary': text}
        if i == 3:
            # The prefixed copy of variant 2: parsedmarc (xmltodict keys
            # such as 'd:feedback') does not read prefixed elements.
            entry['same_as'] = 2
        result['theirs'].append(entry)
    json.dump(result, sys.stdout)
    return 0


sys.exit(main())
"#;

/// Our side of the summary, with parsedmarc's defaults applied.
fn summary(r: &AggregateReport) -> String {
    let none = |v: Option<&str>| v.map_or_else(|| "None".to_string(), str::to_string);
    let m = &r.metadata;
    let p = &r.policy_published;
    let mut s = String::new();
    writeln!(s, "org_name={}", m.org_name).unwrap();
    writeln!(s, "email={}", m.email).unwrap();
    writeln!(s, "extra={}", none(m.extra_contact_info.as_deref())).unwrap();
    writeln!(s, "report_id={}", m.report_id).unwrap();
    writeln!(s, "begin={}", m.date_range.begin).unwrap();
    writeln!(s, "end={}", m.date_range.end).unwrap();
    writeln!(s, "errors={}", m.errors.join("|")).unwrap();
    writeln!(s, "generator={}", none(m.generator.as_deref())).unwrap();
    writeln!(s, "domain={}", p.domain).unwrap();
    writeln!(s, "adkim={}", p.adkim.unwrap_or_default()).unwrap();
    writeln!(s, "aspf={}", p.aspf.unwrap_or_default()).unwrap();
    writeln!(s, "p={}", p.p).unwrap();
    writeln!(s, "sp={}", p.sp.unwrap_or(p.p)).unwrap();
    writeln!(s, "pct={}", none(p.pct.map(|n| n.to_string()).as_deref())).unwrap();
    writeln!(s, "fo={}", none(p.fo.as_deref())).unwrap();
    writeln!(s, "np={}", none(p.np.map(Policy::as_str))).unwrap();
    let testing = p.testing.map(|t| if t { "y" } else { "n" });
    writeln!(s, "testing={}", none(testing)).unwrap();
    writeln!(
        s,
        "discovery_method={}",
        none(p.discovery_method.as_ref().map(DiscoveryMethod::as_str))
    )
    .unwrap();
    for rec in &r.records {
        let pe = &rec.row.policy_evaluated;
        let reasons: Vec<String> = pe
            .reasons
            .iter()
            .map(|x| format!("{}:{}", x.kind, none(x.comment.as_deref())))
            .collect();
        let dkim: Vec<String> = rec
            .auth_results
            .dkim
            .iter()
            .map(|d| {
                format!(
                    "{}/{}/{}/{}",
                    d.domain,
                    d.selector.as_deref().unwrap_or("none"),
                    d.result,
                    none(d.human_result.as_deref())
                )
            })
            .collect();
        let spf: Vec<String> = rec
            .auth_results
            .spf
            .iter()
            .map(|d| {
                format!(
                    "{}/{}/{}/{}",
                    d.domain,
                    d.scope.as_ref().map_or("mfrom", SpfScope::as_str),
                    d.result,
                    none(d.human_result.as_deref())
                )
            })
            .collect();
        let ids = &rec.identifiers;
        let envelope_from = ids
            .envelope_from
            .clone()
            .or_else(|| rec.auth_results.spf.last().map(|d| d.domain.to_lowercase()));
        writeln!(
            s,
            "record ip={} count={} disp={} dkim={} spf={} reasons=[{}] hf={} ef={} et={} dkim_auth=[{}] spf_auth=[{}]",
            rec.row.source_ip,
            rec.row.count,
            pe.disposition,
            pe.dkim,
            pe.spf,
            reasons.join(","),
            ids.header_from.to_lowercase(),
            none(envelope_from.as_deref()),
            none(ids.envelope_to.as_deref()),
            dkim.join(","),
            spf.join(",")
        )
        .unwrap();
    }
    s.trim_end().to_string()
}

/// A deterministic xorshift generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn generated(seed: u64, index: usize) -> AggregateReport {
    let mut rng = Rng(seed ^ (index as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let policies = [Policy::None, Policy::Quarantine, Policy::Reject];
    let begin = 1_700_000_000 + rng.below(1_000_000);
    let metadata = ReportMetadata {
        org_name: format!("Receiver & Sons {index}"),
        email: format!("dmarc-{index}@receiver.example"),
        extra_contact_info: index
            .is_multiple_of(2)
            .then(|| "https://receiver.example/?a=1&b=<2>".into()),
        report_id: format!("report-{seed:x}-{index}"),
        date_range: DateRange {
            begin,
            end: begin + 86_400,
        },
        errors: if index.is_multiple_of(3) {
            vec!["late & partial".into()]
        } else {
            Vec::new()
        },
        generator: (index % 2 == 1).then(|| "mailsec test".into()),
    };
    let policy = PolicyPublished {
        domain: format!("d{index}.example"),
        discovery_method: index.is_multiple_of(2).then_some(DiscoveryMethod::Psl),
        adkim: [
            None,
            Some(AlignmentMode::Strict),
            Some(AlignmentMode::Relaxed),
        ][index % 3],
        aspf: [Some(AlignmentMode::Strict), None][index % 2],
        p: *rng.pick(&policies),
        sp: index.is_multiple_of(2).then(|| *rng.pick(&policies)),
        np: (index % 3 == 1).then(|| *rng.pick(&policies)),
        pct: index.is_multiple_of(2).then(|| rng.below(101) as u8),
        testing: [None, Some(true), Some(false)][index % 3],
        fo: (index % 2 == 1).then(|| "0:d".into()),
    };
    let mut builder = AggregateReportBuilder::new(metadata, policy.clone());
    let ips: Vec<IpAddr> = (0..4)
        .map(|i| {
            if i % 2 == 0 {
                format!("192.0.2.{}", rng.below(255)).parse().unwrap()
            } else {
                format!("2001:db8::{:x}", rng.below(0xffff))
                    .parse()
                    .unwrap()
            }
        })
        .collect();
    let mut templates = Vec::new();
    for _ in 0..5 {
        let aligned = [AlignedResult::Pass, AlignedResult::Fail];
        let dkim_results = [
            DkimResult::Pass,
            DkimResult::Fail,
            DkimResult::None,
            DkimResult::TempError,
        ];
        let spf_results = [
            SpfResult::Pass,
            SpfResult::SoftFail,
            SpfResult::Fail,
            SpfResult::Neutral,
        ];
        let reasons = match rng.below(4) {
            0 => vec![PolicyOverrideReason {
                kind: PolicyOverride::MailingList,
                comment: Some("list & <co>".into()),
            }],
            1 => vec![
                PolicyOverrideReason {
                    kind: PolicyOverride::LocalPolicy,
                    comment: None,
                },
                PolicyOverrideReason {
                    kind: PolicyOverride::Other("other".into()),
                    comment: Some("x".into()),
                },
            ],
            _ => Vec::new(),
        };
        let dkim = (0..rng.below(3))
            .map(|i| DkimAuthResult {
                domain: format!("s{i}.{}", policy.domain),
                selector: (rng.below(3) > 0).then(|| format!("sel{i}")),
                result: rng.pick(&dkim_results).clone(),
                human_result: (rng.below(3) == 0).then(|| "body hash <mismatch>".into()),
            })
            .collect();
        let spf = (0..1 + rng.below(2))
            .map(|i| SpfAuthResult {
                domain: format!("bounce{i}.{}", policy.domain),
                scope: [None, Some(SpfScope::Mfrom), Some(SpfScope::Helo)][rng.below(3) as usize]
                    .clone(),
                result: rng.pick(&spf_results).clone(),
                human_result: (rng.below(4) == 0).then(|| "spf & more".into()),
            })
            .collect();
        templates.push(EvaluationRecord {
            source_ip: *rng.pick(&ips),
            header_from: policy.domain.clone(),
            envelope_from: (rng.below(3) > 0).then(|| format!("bounce.{}", policy.domain)),
            envelope_to: (rng.below(2) == 0).then(|| "rcpt.example".into()),
            disposition: *rng.pick(&policies),
            dkim_aligned_result: rng.pick(&aligned).clone(),
            spf_aligned_result: rng.pick(&aligned).clone(),
            reasons,
            dkim_results: dkim,
            spf_results: spf,
        });
    }
    for _ in 0..5 + rng.below(40) {
        builder.add(rng.pick(&templates).clone());
    }
    builder.build()
}

/// What each format keeps (as the round-trip test defines it).
fn as_written(report: &AggregateReport, format: ReportFormat) -> AggregateReport {
    let mut r = report.clone();
    match format {
        ReportFormat::Rfc9990 => r.policy_published.pct = None,
        ReportFormat::Rfc7489 => {
            r.metadata.generator = None;
            r.policy_published.discovery_method = None;
            r.policy_published.np = None;
            r.policy_published.testing = None;
            for record in &mut r.records {
                for spf in &mut record.auth_results.spf {
                    spf.human_result = None;
                }
            }
        }
    }
    r
}

fn zip_of(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    zip.start_file(name, zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(bytes).unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

fn yaml_str(y: &Yaml) -> String {
    y.as_str()
        .unwrap_or_else(|| panic!("not a string: {y:?}"))
        .to_string()
}

#[test]
fn parsedmarc_reads_ours_and_we_read_what_it_reads() {
    let Some(python) = mailsec_testkit::python(&["parsedmarc"]) else {
        return;
    };
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "mailsec-dmarc-report-interop-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let limits = ReportLimits::default();

    // Ours → parsedmarc.
    let mut expected = Vec::new();
    for index in 0..6 {
        let report = generated(0x5eed_9990, index);
        assert!(report.records.len() > 1, "the generator makes several rows");
        for format in [ReportFormat::Rfc9990, ReportFormat::Rfc7489] {
            let want = as_written(&report, format);
            let xml = report.to_xml(format);
            let files = [
                (ReportFileKind::Xml, xml.clone().into_bytes()),
                (ReportFileKind::XmlGzip, report.to_gzip(format).unwrap()),
            ];
            for (kind, bytes) in files {
                let name = report.file_name("receiver.example", Some(&format!("{format:?}")), kind);
                let path = dir.join(name);
                std::fs::write(&path, &bytes).unwrap();
                // Our own reader agrees with what we wrote, too.
                let ours = parse_report(&bytes, &limits).unwrap();
                assert!(ours == want, "{}", summary(&ours));
                expected.push((path, summary(&want)));
            }
            let path = dir.join(format!("{index}-{format:?}.zip"));
            std::fs::write(&path, zip_of("report.xml", xml.as_bytes())).unwrap();
            expected.push((path, summary(&want)));
        }
    }
    let files: Vec<String> = expected
        .iter()
        .map(|(p, _)| format!("{:?}", p.to_str().unwrap()))
        .collect();
    let job = dir.join("job.json");
    std::fs::write(
        &job,
        format!(
            "{{\"dir\": {:?}, \"files\": [{}]}}",
            dir.to_str().unwrap(),
            files.join(", ")
        ),
    )
    .unwrap();
    let script = dir.join("helper.py");
    std::fs::write(&script, HELPER).unwrap();
    let output = Command::new(&python)
        .arg(&script)
        .arg(&job)
        .env("TZ", "UTC")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    assert!(
        output.status.success(),
        "helper failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let doc = &YamlLoader::load_from_str(&String::from_utf8(output.stdout).unwrap()).unwrap()[0];
    eprintln!("parsedmarc {}", yaml_str(&doc["version"]));

    let mut failures = Vec::new();
    for (path, want) in &expected {
        let got = yaml_str(&doc["ours"][path.to_str().unwrap()]);
        if &got != want {
            failures.push(format!(
                "{}:\n  ours:       {want:?}\n  parsedmarc: {got:?}",
                path.display()
            ));
        }
    }
    eprintln!("ours → parsedmarc: {} files", expected.len());

    // parsedmarc → ours.
    let theirs = doc["theirs"].as_vec().unwrap();
    assert!(theirs.len() >= 4);
    for variant in theirs {
        let path = yaml_str(&variant["path"]);
        let mut want = yaml_str(&variant["summary"]);
        if let Some(other) = variant["same_as"].as_i64() {
            // A known parsedmarc limitation, not a disagreement about the
            // report: it cannot read namespace-prefixed element names
            // (valid XML, and the same report as the unprefixed variant).
            // Should parsedmarc learn to, this branch is no longer taken.
            assert!(
                want.starts_with("ERROR"),
                "parsedmarc now reads prefixes: {want}"
            );
            want = yaml_str(&theirs[other as usize]["summary"]);
        }
        assert!(!want.starts_with("ERROR"), "{path}: {want}");
        let bytes = std::fs::read(Path::new(&path)).unwrap();
        let got = parse_report(&bytes, &limits)
            .map(|r| summary(&r))
            .unwrap_or_else(|e| format!("ERROR {e}"));
        if got != want {
            failures.push(format!(
                "{path}:\n  parsedmarc: {want:?}\n  ours:       {got:?}"
            ));
        }
    }
    eprintln!("parsedmarc → ours: {} variants", theirs.len());
    std::fs::remove_dir_all(&dir).ok();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
