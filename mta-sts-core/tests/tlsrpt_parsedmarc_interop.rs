//! Interop with parsedmarc's SMTP TLS report parser (PyPI `parsedmarc`,
//! pinned in `scripts/peers-requirements.txt`), in one Python process (the
//! job goes in on standard input, the answers come out on standard output).
//!
//! - Ours → parsedmarc: reports built with `ReportBuilder` are written as
//!   JSON and read by `parse_smtp_tls_report_json`; the same reports, sent
//!   as §5.3 report mails, are read by `parse_report_email`. The figures it
//!   reads must equal ours.
//! - parsedmarc → ours: the Python side writes real-world-shaped variants
//!   (Microsoft's TLSA policy string as JSON inside a string, date-times
//!   without a zone, empty `sending-mta-ip`, `mx-host` as a string, Google's
//!   reports without `failure-details` and `mx-host`, an unknown result
//!   type); parsedmarc reads them and ours must read the same figures.
//!
//! Both sides are compared through one summary format. parsedmarc keeps
//! some things raw that ours normalises, and the Python summary applies
//! our reading before comparing (each is our documented reading, not a
//! disagreement): date-times are compared as unix seconds, IP addresses in
//! their canonical form, and a TLSA `policy-string` that is a JSON array
//! inside one string is decoded. parsedmarc 11.1.0 reads `mx-host` only
//! under the draft name `mx-host-pattern`, so `mx-host` is left out of the
//! comparison.
//!
//! Environment: `MAILSEC_PEERS_PYTHON` (the venv's python; the test is skipped
//! without it unless `MAILSEC_REQUIRE_PEERS` is set).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]
#![cfg(feature = "reports")]

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};

use mta_sts_core::tlsrpt::{
    DateRange, FailureDetail, Policy, PolicyType, Report, ReportBuilder, ReportHeader,
    ReportLimits, ReportMail, ResultType, parse_report_json,
};

const HELPER: &str = r#"
import calendar
import datetime
import ipaddress
import json
import sys


def epoch(text):
    t = datetime.datetime.fromisoformat(text.strip().replace('Z', '+00:00'))
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return calendar.timegm(t.utctimetuple())


def ip(text):
    return str(ipaddress.ip_address(text.strip('[]'))) if text else 'None'


def strings(p):
    s = p.get('policy_strings', [])
    if p['policy_type'] == 'tlsa' and len(s) == 1 and s[0].lstrip().startswith('['):
        s = json.loads(s[0])
    return '|'.join(x for x in s if x.strip())


def summary(rep):
    lines = ['org=%s' % rep['organization_name'], 'contact=%s' % rep['contact_info'],
             'id=%s' % rep['report_id'], 'begin=%d' % epoch(rep['begin_date']),
             'end=%d' % epoch(rep['end_date'])]
    for p in rep['policies']:
        lines.append('policy type=%s domain=%s strings=%s ok=%s fail=%s' % (
            p['policy_type'], p['policy_domain'], strings(p),
            p['successful_session_count'], p['failed_session_count']))
        for d in p.get('failure_details', []):
            lines.append('detail result=%s smip=%s rip=%s mx=%s helo=%s count=%s info=%s code=%s'
                         % (d['result_type'], ip(d.get('sending_mta_ip')),
                            ip(d.get('receiving_ip')), d.get('receiving_mx_hostname'),
                            d.get('receiving_mx_helo'), d['failed_session_count'],
                            d.get('additional_info_uri'), d.get('failure_reason_code')))
    return '\n'.join(lines)


def variants():
    """Real-world-shaped reports, written here."""
    microsoft = {
        'organization-name': 'Microsoft Corporation',
        'date-range': {'start-datetime': '2024-03-01T00:00:00',
                       'end-datetime': '2024-03-01T23:59:59'},
        'contact-info': 'tlsrpt-noreply@microsoft.com',
        'report-id': '133540000000000000+example.org',
        'policies': [{
            'policy': {'policy-type': 'tlsa',
                       'policy-string': [json.dumps(['3 1 1 0C72AC70B745AC19',
                                                     '2 1 1 AABBCCDDEEFF'])],
                       'policy-domain': 'example.org', 'mx-host': ['mx.example.org']},
            'summary': {'total-successful-session-count': 12,
                        'total-failure-session-count': 3},
            'failure-details': [
                {'result-type': 'tlsa-invalid', 'sending-mta-ip': '',
                 'receiving-mx-hostname': 'mx.example.org', 'receiving-ip': '2001:DB8::25',
                 'failed-session-count': 2},
                {'result-type': 'certificate-host-mismatch',
                 'sending-mta-ip': '2a01:111:f400:7e00::1',
                 'receiving-mx-hostname': 'mx.example.org', 'receiving-ip': '192.0.2.25',
                 'failed-session-count': 1, 'failure-reason-code': 'hostname mismatch'}],
        }, {
            'policy': {'policy-type': 'sts',
                       'policy-string': ['version: STSv1', 'mode: testing',
                                         'mx: mx.example.org', 'max_age: 86400'],
                       'policy-domain': 'example.org', 'mx-host': 'mx.example.org'},
            'summary': {'total-successful-session-count': 0,
                        'total-failure-session-count': 1},
            'failure-details': [
                {'result-type': 'sts-policy-fetch-error', 'sending-mta-ip': '40.92.0.1',
                 'failed-session-count': 1,
                 'additional-information': 'https://example.org/tls-help'}],
        }]}
    google = {
        'organization-name': 'Google Inc.',
        'date-range': {'start-datetime': '2024-03-02T00:00:00Z',
                       'end-datetime': '2024-03-02T23:59:59Z'},
        'contact-info': 'smtp-tls-reporting@google.com',
        'report-id': '2024-03-02T00:00:00Z_example.org',
        'policies': [{
            'policy': {'policy-type': 'sts',
                       'policy-string': ['version: STSv1', 'mode: enforce',
                                         'mx: *.example.org', 'max_age: 604800'],
                       'policy-domain': 'example.org'},
            'summary': {'total-successful-session-count': 1570,
                        'total-failure-session-count': 0}}]}
    other = {
        'organization-name': 'Small MTA', 'contact-info': 'postmaster@small.example',
        'report-id': 'r-7',
        'date-range': {'start-datetime': '2024-03-03T01:00:00+01:00',
                       'end-datetime': '2024-03-03T23:59:59.000Z'},
        'policies': [{
            'policy': {'policy-type': 'no-policy-found', 'policy-domain': 'example.net'},
            'summary': {'total-successful-session-count': 4,
                        'total-failure-session-count': 2},
            'failure-details': [{'result-type': 'x-future-failure',
                                 'receiving-mx-helo': 'mx.example.net',
                                 'failed-session-count': 2}]}]}
    return [json.dumps(microsoft, indent=2), json.dumps(google, separators=(',', ':')),
            json.dumps(other)]


def main():
    try:
        import parsedmarc
    except Exception as exc:
        sys.stderr.write('parsedmarc is not importable: %r\n' % (exc,))
        return 3
    job = json.load(sys.stdin)
    result = {'version': parsedmarc.__version__, 'json': [], 'mail': [], 'theirs': []}
    for text in job['json']:
        try:
            result['json'].append(summary(parsedmarc.parse_smtp_tls_report_json(text)))
        except Exception as exc:
            result['json'].append('ERROR %r' % (exc,))
    for text in job['mail']:
        try:
            parsed = parsedmarc.parse_report_email(text.encode('ascii'), offline=True,
                                                   always_use_local_files=True)
            assert parsed['report_type'] == 'smtp_tls', parsed['report_type']
            result['mail'].append(summary(parsed['report']))
        except Exception as exc:
            result['mail'].append('ERROR %r' % (exc,))
    for text in variants():
        try:
            result['theirs'].append({'json': text, 'summary': summary(
                parsedmarc.parse_smtp_tls_report_json(text))})
        except Exception as exc:
            result['theirs'].append({'json': text, 'summary': 'ERROR %r' % (exc,)})
    json.dump(result, sys.stdout)
    return 0


sys.exit(main())
"#;

/// Our side of the summary.
fn summary(r: &Report) -> String {
    let none = |v: Option<&str>| v.map_or_else(|| "None".to_string(), str::to_string);
    let ip = |v: Option<std::net::IpAddr>| v.map_or_else(|| "None".to_string(), |a| a.to_string());
    let mut s = String::new();
    writeln!(s, "org={}", r.organization_name).unwrap();
    writeln!(s, "contact={}", r.contact_info).unwrap();
    writeln!(s, "id={}", r.report_id).unwrap();
    writeln!(s, "begin={}", r.date_range.start).unwrap();
    writeln!(s, "end={}", r.date_range.end).unwrap();
    for p in &r.policies {
        writeln!(
            s,
            "policy type={} domain={} strings={} ok={} fail={}",
            p.policy.policy_type.as_str(),
            p.policy.policy_domain,
            p.policy.policy_string.join("|"),
            p.summary.total_successful_session_count,
            p.summary.total_failure_session_count
        )
        .unwrap();
        for d in &p.failure_details {
            writeln!(
                s,
                "detail result={} smip={} rip={} mx={} helo={} count={} info={} code={}",
                d.result_type.as_str(),
                ip(d.sending_mta_ip),
                ip(d.receiving_ip),
                none(d.receiving_mx_hostname.as_deref()),
                none(d.receiving_mx_helo.as_deref()),
                d.failed_session_count,
                none(d.additional_information.as_deref()),
                none(d.failure_reason_code.as_deref())
            )
            .unwrap();
        }
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
}

fn generated(index: usize) -> Report {
    let mut rng =
        Rng(0x5eed_0000_0000_0001 ^ (index as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let domain = format!("d{index}.example");
    let sts = Policy {
        policy_type: PolicyType::Sts,
        policy_string: vec![
            "version: STSv1".into(),
            "mode: enforce".into(),
            format!("mx: *.mx.{domain}"),
            "max_age: 604800".into(),
        ],
        policy_domain: domain.clone(),
        mx_host: vec![format!("*.mx.{domain}")],
    };
    let tlsa = Policy {
        policy_type: PolicyType::Tlsa,
        policy_string: vec!["3 1 1 AABBCC".into(), "2 1 1 DDEEFF".into()],
        policy_domain: domain.clone(),
        mx_host: vec![],
    };
    let none = Policy {
        policy_type: PolicyType::NoPolicyFound,
        policy_string: vec![],
        policy_domain: domain.clone(),
        mx_host: vec![],
    };
    let results = [
        ResultType::StarttlsNotSupported,
        ResultType::CertificateExpired,
        ResultType::CertificateNotTrusted,
        ResultType::ValidationFailure,
        ResultType::TlsaInvalid,
        ResultType::StsWebpkiInvalid,
        ResultType::Other("x-custom".into()),
    ];
    let mut b = ReportBuilder::new();
    for policy in [&sts, &tlsa, &none] {
        if rng.below(3) == 0 && index > 0 {
            continue;
        }
        b.record_success(policy, rng.below(100_000));
        for _ in 0..rng.below(6) {
            let mut f =
                FailureDetail::new(results[rng.below(results.len() as u64) as usize].clone());
            if rng.below(2) == 0 {
                f.sending_mta_ip = Some(format!("2001:db8::{:x}", rng.below(4)).parse().unwrap());
            } else {
                f.sending_mta_ip = Some(format!("192.0.2.{}", rng.below(4)).parse().unwrap());
            }
            if rng.below(3) > 0 {
                f.receiving_mx_hostname = Some(format!("mx{}.mx.{domain}", rng.below(2)));
            }
            if rng.below(3) == 0 {
                f.receiving_mx_helo = Some(format!("helo.{domain}"));
            }
            if rng.below(2) == 0 {
                f.receiving_ip = Some(format!("198.51.100.{}", rng.below(3)).parse().unwrap());
            }
            if rng.below(4) == 0 {
                f.additional_information = Some(format!("https://{domain}/tls?id={index}"));
            }
            if rng.below(4) == 0 {
                f.failure_reason_code = Some("X509_V_ERR_CERT_HAS_EXPIRED".into());
            }
            f.failed_session_count = 1 + rng.below(50);
            b.record_failure(policy, &f);
        }
    }
    b.build(
        ReportHeader {
            organization_name: format!("Sender {index} Inc."),
            contact_info: format!("tlsrpt@sender{index}.example"),
            report_id: format!("report-{index}-{}", rng.below(1_000_000)),
        },
        DateRange::previous_utc_day(1_709_300_000 + index as i64 * 86_400),
    )
}

fn mail_for(r: &Report, index: usize) -> String {
    let m = ReportMail {
        from: format!("tlsrpt@sender{index}.example"),
        to: vec![format!("tls@{}", r.policies[0].policy.policy_domain)],
        submitter: format!("sender{index}.example"),
        policy_domain: r.policies[0].policy.policy_domain.clone(),
        date: r.date_range.end + 3600,
        message_id: Some(format!("tlsrpt-{index}@sender{index}.example")),
        unique_id: Some(format!("u{index}")),
    };
    String::from_utf8(m.build(r).unwrap()).unwrap()
}

#[test]
fn parsedmarc_reads_ours_and_ours_reads_real_world_shapes() {
    let Some(python) = mailsec_testkit::python(&["parsedmarc"]) else {
        return;
    };
    let reports: Vec<Report> = (0..8).map(generated).collect();
    let json: Vec<String> = reports.iter().map(|r| r.to_json().unwrap()).collect();
    let mails: Vec<String> = reports
        .iter()
        .enumerate()
        .map(|(i, r)| mail_for(r, i))
        .collect();
    let job = serde_json::json!({ "json": json, "mail": mails });
    let mut child = Command::new(python)
        .args(["-c", HELPER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(job.to_string().as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("parsedmarc {}", result["version"]);
    let mut failures = 0usize;
    for (i, r) in reports.iter().enumerate() {
        assert!(r.policies.iter().any(|p| !p.failure_details.is_empty()) || i > 0);
        let ours = summary(r);
        assert_eq!(
            result["json"][i].as_str().unwrap(),
            ours,
            "report {i} as JSON"
        );
        assert_eq!(
            result["mail"][i].as_str().unwrap(),
            ours,
            "report {i} as mail"
        );
        failures += r
            .policies
            .iter()
            .map(|p| p.failure_details.len())
            .sum::<usize>();
    }
    assert!(
        failures > 10,
        "the generated reports exercise failure details"
    );
    let theirs = result["theirs"].as_array().unwrap();
    assert_eq!(theirs.len(), 3);
    for (i, v) in theirs.iter().enumerate() {
        let text = v["json"].as_str().unwrap();
        let expected = v["summary"].as_str().unwrap();
        assert!(!expected.starts_with("ERROR"), "variant {i}: {expected}");
        let ours = parse_report_json(text.as_bytes(), &ReportLimits::default()).unwrap();
        assert_eq!(summary(&ours), expected, "variant {i}");
        // And our normalised rewrite still reads the same in parsedmarc's
        // terms: it reads back equal in ours.
        let again = parse_report_json(ours.to_json().unwrap().as_bytes(), &ReportLimits::default())
            .unwrap();
        assert_eq!(again, ours);
    }
}
