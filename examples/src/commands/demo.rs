//! `mailsec demo`: the main jobs on sample data built into the program. It
//! grows as features land; until then it shows what exists.

use std::io::Write;

use mail_auth_core::dkim::crypto::{KeyType, RustCrypto};
use mail_auth_core::dkim::{
    DkimSigner, VerifyConfig, dns_record, generate_ed25519, signing_key_from_pem, verify_message,
};
use mail_auth_core::dmarc::{DmarcConfig, DmarcEvaluator, DmarcInput, author_domain};
use mail_auth_core::spf::{SpfConfig, SpfEvaluator, received_spf};
use mailsec_dns::{Fixture, Name, Query, Record, RecordType, Resolver, Txt};
use mailsec_message::{Entity, Limits, from_mailboxes, parse_entity};

use crate::commands::dns::{outcome_word, record_json};
use crate::support::Failure;

const ZONE: &str = r#"
example.com:
  - MX: [10, mail.example.com]
  - TXT: "v=spf1 mx -all"
mail.example.com:
  - A: 192.0.2.25
_dmarc.example.com:
  - TXT: ["v=DMARC1; p=reject; ", "rua=mailto:dmarc@example.com"]
_mta-sts.example.com:
  - TIMEOUT
"#;

const MESSAGE: &[u8] = b"From: =?utf-8?q?J=C3=B6rg?= <joerg@B\xc3\xbccher.example>\r\n\
To: bob@example.net\r\n\
Subject: A signed\r\n report\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n\
\x20micalg=sha-256; boundary=\"==outer==\"\r\n\
\r\n\
This is an S/MIME signed message.\r\n\
--==outer==\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
The quarterly report is attached.\r\n\
--==outer==\r\n\
Content-Type: application/pkcs7-signature; name=smime.p7s\r\n\
\r\n\
(signature)\r\n\
--==outer==--\r\n";

pub(crate) fn run() -> Result<(), Failure> {
    let mut out = String::new();
    dns_step(&mut out)?;
    message_step(&mut out)?;
    spf_step(&mut out)?;
    dkim_step(&mut out)?;
    dmarc_step(&mut out)?;
    mta_sts_step(&mut out)?;
    smime_step(&mut out)?;
    smime_sign_store_step(&mut out)?;
    out.push_str(
        "\nNot yet here: S/MIME encryption and decryption.\n\
         They join this demo as their issue lands.\n",
    );
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| Failure::new(format!("cannot write output: {e}")))
}

fn dns_step(out: &mut String) -> Result<(), Failure> {
    out.push_str("mailsec demo: built-in sample data, no network.\n\n");
    out.push_str("1. DNS answers from a fixture (the --dns FILE format)\n");
    let zone = Fixture::from_yaml_str(ZONE)
        .map_err(|e| Failure::new(format!("built-in fixture: {e}")))?
        .into_resolver();
    for (name, rtype) in [
        ("example.com", RecordType::Txt),
        ("example.com", RecordType::Mx),
        ("_dmarc.example.com", RecordType::Txt),
        ("_mta-sts.example.com", RecordType::Txt),
        ("nowhere.example.com", RecordType::A),
    ] {
        let name = Name::new(name).map_err(|e| Failure::new(e.to_string()))?;
        let query = Query::new(name, rtype);
        let answer = zone.lookup(&query);
        let records: Vec<String> = answer
            .record_list()
            .iter()
            .map(|r| record_json(r).to_string())
            .collect();
        out.push_str(&format!(
            "   {:<22} {:<4} -> {:<8} {}\n",
            query.name.to_string(),
            rtype.as_str(),
            outcome_word(&answer.outcome),
            records.join(" ")
        ));
    }
    Ok(())
}

fn spf_step(out: &mut String) -> Result<(), Failure> {
    out.push_str("\n3. SPF (RFC 7208) for mail from alice@example.com, same fixture\n");
    let zone = Fixture::from_yaml_str(ZONE)
        .map_err(|e| Failure::new(format!("built-in fixture: {e}")))?
        .into_resolver();
    for (ip, helo, sender) in [
        ("192.0.2.25", "mail.example.com", "alice@example.com"),
        ("198.51.100.7", "spoofer.example.net", "alice@example.com"),
        ("192.0.2.25", "mail.example.com", ""),
    ] {
        let ip: std::net::IpAddr = ip.parse().map_err(|_| Failure::new("built-in address"))?;
        let mut spf = SpfEvaluator::mail_from(ip, helo, sender, SpfConfig::new(1_700_000_000));
        let o = mailsec_dns::drive(&mut spf, &zone)
            .map_err(|e| Failure::new(format!("SPF driver: {e}")))?;
        out.push_str(&format!(
            "   {:<13} MAIL FROM {:<20} -> {:<9} ({} identity, matched {}, {} DNS lookups)\n",
            ip.to_string(),
            if sender.is_empty() { "<>" } else { sender },
            o.result.as_str(),
            o.identity.as_str(),
            o.mechanism.as_deref().unwrap_or("nothing"),
            o.dns_lookups
        ));
        out.push_str(&format!(
            "   {:<13} Received-SPF: {}\n",
            "",
            received_spf(&o, ip, helo, "mx.example.net")
        ));
    }
    Ok(())
}

fn message_step(out: &mut String) -> Result<(), Failure> {
    let limits = Limits::default();
    out.push_str("\n2. A signed message, as the message layer reads it\n");
    let top = parse_entity(MESSAGE, &limits)
        .map_err(|e| Failure::new(format!("built-in message: {e}")))?;
    for f in top.header().fields() {
        out.push_str(&format!(
            "   field {:<13} at byte {:<4} {}\n",
            f.name_str(),
            f.offset(),
            String::from_utf8_lossy(&f.unfolded_value()).trim()
        ));
    }
    match from_mailboxes(top.header(), &limits) {
        Ok(list) => {
            for m in list {
                out.push_str(&format!(
                    "   author: {} (domain {} for DMARC, shown as {})\n",
                    m.address(),
                    m.domain,
                    m.domain_unicode
                ));
            }
        }
        Err(e) => out.push_str(&format!("   author: none ({e})\n")),
    }
    out.push_str("   MIME tree:\n");
    let mut stack: Vec<(usize, &Entity<'_>)> = vec![(0, &top)];
    while let Some((depth, entity)) = stack.pop() {
        let r = entity.range();
        out.push_str(&format!(
            "   {:indent$}- {} bytes {}..{}\n",
            "",
            entity.content_type().essence(),
            r.start,
            r.end,
            indent = depth * 2
        ));
        stack.extend(entity.parts().iter().rev().map(|p| (depth + 1, p)));
    }
    if let Some(signed) = top.parts().first() {
        out.push_str(&format!(
            "   the signed part is exactly {:?}\n",
            String::from_utf8_lossy(signed.raw())
        ));
    }
    Ok(())
}

fn dkim_step(out: &mut String) -> Result<(), Failure> {
    out.push_str("\n4. DKIM (RFC 6376, RFC 8463): a new Ed25519 key, a signature, verification\n");
    let fail =
        |what: &str, e: &dyn std::fmt::Display| Failure::new(format!("DKIM demo, {what}: {e}"));
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let generated = generate_ed25519(&mut rng).map_err(|e| fail("keygen", &e))?;
    let record = dns_record(KeyType::Ed25519, &generated.public_key);
    out.push_str(&format!(
        "   publish at demo._domainkey.example.com TXT \"{record}\"\n"
    ));
    let key = signing_key_from_pem(&generated.pem, &RustCrypto).map_err(|e| fail("key", &e))?;
    let mut zone = mailsec_dns::MemoryResolver::new();
    let name = Name::new("demo._domainkey.example.com").map_err(|e| fail("name", &e))?;
    zone.add(name, Record::Txt(Txt::from_bytes(record.as_bytes())));

    let message: &[u8] = b"From: Alice <alice@example.com>\r\nTo: bob@example.net\r\n\
Subject: Lunch?\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n\r\nNoon at the usual place.\r\n";
    let now = 1_700_000_000;
    let signer =
        DkimSigner::new(&RustCrypto, key, "example.com", "demo").map_err(|e| fail("signer", &e))?;
    let field = signer
        .sign(message, now, &mut rng)
        .map_err(|e| fail("signing", &e))?;
    for line in field.lines() {
        out.push_str(&format!("   {line}\n"));
    }
    let mut signed = field.into_bytes();
    signed.extend_from_slice(message);
    let tampered = String::from_utf8_lossy(&signed)
        .replace("Noon", "Midnight")
        .into_bytes();
    let mut two_froms = b"From: Mallory <alice@example.com>\r\n".to_vec();
    two_froms.extend_from_slice(&signed);
    for (label, bytes) in [
        ("as signed", &signed),
        ("body changed", &tampered),
        ("a second From prepended", &two_froms),
    ] {
        let outcomes = verify_message(VerifyConfig::new(now + 60), bytes, &zone)
            .map_err(|e| fail("verifying", &e))?;
        for o in outcomes {
            out.push_str(&format!(
                "   {label:<24} -> {:<9} {}\n",
                o.result.as_str(),
                o.authentication_result()
            ));
        }
    }
    Ok(())
}

fn dmarc_step(out: &mut String) -> Result<(), Failure> {
    out.push_str(
        "\n5. DMARC (RFC 9989): SPF and DKIM aligned with the From domain, and the policy\n",
    );
    let fail =
        |what: &str, e: &dyn std::fmt::Display| Failure::new(format!("DMARC demo, {what}: {e}"));
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let generated = generate_ed25519(&mut rng).map_err(|e| fail("keygen", &e))?;
    let record = dns_record(KeyType::Ed25519, &generated.public_key);
    let key = signing_key_from_pem(&generated.pem, &RustCrypto).map_err(|e| fail("key", &e))?;
    let zone_text = format!(
        "{ZONE}\ndemo._domainkey.example.com:\n  - TXT: \"{record}\"\n\
         _dmarc.example.org:\n  - TXT: \"v=DMARC1; p=quarantine; sp=none; np=reject; t=y\"\n\
         lists.example.org:\n  - A: 192.0.2.80\n"
    );
    let fixture = Fixture::from_yaml_str(&zone_text).map_err(|e| fail("zone", &e))?;
    let zone = fixture.resolver();
    out.push_str(
        "   _dmarc.example.com TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@example.com\"\n",
    );
    out.push_str("   _dmarc.example.org TXT \"v=DMARC1; p=quarantine; sp=none; np=reject; t=y\"\n");

    let now = 1_700_000_000;
    let body = "To: bob@example.net\r\nSubject: Invoice\r\n\r\nPlease find the invoice.\r\n";
    let signer =
        DkimSigner::new(&RustCrypto, key, "example.com", "demo").map_err(|e| fail("signer", &e))?;
    let plain = format!("From: Billing <billing@example.com>\r\n{body}");
    let field = signer
        .sign(plain.as_bytes(), now, &mut rng)
        .map_err(|e| fail("signing", &e))?;
    let signed = format!("{field}{plain}");
    let cases: [(&str, &str, &str, String); 5] = [
        (
            "sent by example.com's MX",
            "192.0.2.25",
            "billing@example.com",
            signed.clone(),
        ),
        (
            "forwarded (no SPF pass)",
            "198.51.100.7",
            "fwd@relay.example",
            signed,
        ),
        (
            "spoofed, unsigned",
            "203.0.113.9",
            "billing@example.com",
            plain,
        ),
        (
            "existing subdomain of .org",
            "203.0.113.9",
            "x@lists.example.org",
            format!("From: a@lists.example.org\r\n{body}"),
        ),
        (
            "made-up subdomain of .org",
            "203.0.113.9",
            "x@ghost.example.org",
            format!("From: a@ghost.example.org\r\n{body}"),
        ),
    ];
    let mut rows = Vec::new();
    for (label, ip, sender, message) in cases {
        let ip: std::net::IpAddr = ip.parse().map_err(|e| fail("ip", &e))?;
        let mut spf = SpfEvaluator::mail_from(ip, "mx.relay.example", sender, SpfConfig::new(now));
        let spf_outcome = mailsec_dns::drive(&mut spf, zone).map_err(|e| fail("SPF", &e))?;
        let dkim = verify_message(VerifyConfig::new(now + 60), message.as_bytes(), zone)
            .map_err(|e| fail("DKIM", &e))?;
        let block = mailsec_message::HeaderBlock::parse(message.as_bytes(), &Limits::default())
            .map_err(|e| fail("header", &e))?;
        let input = DmarcInput::from_author(author_domain(&block))
            .with_spf(&spf_outcome)
            .with_dkim(&dkim);
        let mut dmarc = DmarcEvaluator::new(DmarcConfig::default(), input);
        let outcome = mailsec_dns::drive(&mut dmarc, zone).map_err(|e| fail("DMARC", &e))?;
        out.push_str(&format!(
            "   {label:<28} spf={:<9} dkim={:<5} -> dmarc={:<5} act on: {:<10} ({})\n",
            spf_outcome.result.as_str(),
            dkim.first().map_or("none", |d| d.result.as_str()),
            outcome.result.as_str(),
            outcome.disposition().as_str(),
            outcome.reason,
        ));
        rows.push((ip, outcome, spf_outcome, dkim));
    }
    report_step(out, &rows)
}

/// The evaluations of example.com's mail gathered into an aggregate report
/// (RFC 9990), written as XML and read back.
fn report_step(
    out: &mut String,
    rows: &[(
        std::net::IpAddr,
        mail_auth_core::dmarc::DmarcOutcome,
        mail_auth_core::spf::SpfOutcome,
        Vec<mail_auth_core::dkim::DkimOutcome>,
    )],
) -> Result<(), Failure> {
    use mail_auth_core::dmarc::report::{
        AggregateReportBuilder, DateRange, EvaluationRecord, PolicyPublished, ReportFormat,
        ReportLimits, ReportMetadata, parse_report,
    };
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        Failure::new(format!("DMARC report demo, {what}: {e}"))
    };
    let Some(published) = rows
        .iter()
        .find(|r| r.1.author_domain == "example.com")
        .and_then(|r| PolicyPublished::from_outcome(&r.1))
    else {
        return Err(Failure::new("DMARC report demo: no example.com evaluation"));
    };
    let metadata = ReportMetadata {
        org_name: "receiver.example".into(),
        email: "dmarc-reports@receiver.example".into(),
        report_id: "demo-1700000000".into(),
        date_range: DateRange {
            begin: 1_700_000_000,
            end: 1_700_086_400,
        },
        ..ReportMetadata::default()
    };
    let mut builder = AggregateReportBuilder::new(metadata, published);
    for (ip, dmarc, spf, dkim) in rows.iter().filter(|r| r.1.author_domain == "example.com") {
        builder.add(EvaluationRecord::from_outcomes(
            *ip,
            dmarc,
            Some(spf),
            dkim,
            Some("example.net"),
        ));
    }
    let report = builder.build();
    let xml = report.to_xml(ReportFormat::Rfc9990);
    let gzip = report
        .to_gzip(ReportFormat::Rfc9990)
        .map_err(|e| fail("gzip", &e))?;
    let again = parse_report(&gzip, &ReportLimits::default()).map_err(|e| fail("reading", &e))?;
    out.push_str(&format!(
        "\n6. DMARC aggregate report (RFC 9990) for example.com: {} rows, {} bytes of XML, \
         {} gzipped; read back {}\n",
        report.records.len(),
        xml.len(),
        gzip.len(),
        if again == report {
            "identical"
        } else {
            "DIFFERENT"
        },
    ));
    for record in &report.records {
        let e = &record.row.policy_evaluated;
        out.push_str(&format!(
            "   {:<15} count {}  disposition {:<10} dkim {:<4} spf {}\n",
            record.row.source_ip.to_string(),
            record.row.count,
            e.disposition.as_str(),
            e.dkim.as_str(),
            e.spf.as_str(),
        ));
    }
    Ok(())
}

/// MTA-STS (RFC 8461) for mail to example.com: the policy resolved from a
/// TXT record and an HTTPS response built into the demo, the delivery
/// decision for each MX host, and the TLS report (RFC 8460) of the day.
fn mta_sts_step(out: &mut String) -> Result<(), Failure> {
    use mta_sts_core::sts::{
        Action, CacheEntry, CertificateCheck, FetchOutcome, HttpResponse, PolicyResolver,
        ResolveConfig, TlsOutcome, decide_delivery, drive_resolver,
    };
    use mta_sts_core::tlsrpt::{
        DateRange, FailureDetail, Policy as ReportPolicy, PolicyType, ReportBuilder, ReportHeader,
        ResultType,
    };
    let fail =
        |what: &str, e: &dyn std::fmt::Display| Failure::new(format!("MTA-STS demo, {what}: {e}"));
    out.push_str(
        "\n7. MTA-STS (RFC 8461) for mail to example.com, and its TLS report (RFC 8460)\n",
    );
    let zone = Fixture::from_yaml_str(
        "_mta-sts.example.com:\n  - TXT: \"v=STSv1; id=20261203T000000;\"\n",
    )
    .map_err(|e| fail("zone", &e))?;
    let body = b"version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.backup.example.com\r\nmax_age: 604800\r\n";
    let now = 1_764_720_000;
    let domain = Name::new("example.com").map_err(|e| fail("name", &e))?;
    let mut resolver = PolicyResolver::new(
        &domain,
        CacheEntry::default(),
        now,
        ResolveConfig::default(),
    );
    let resolution = drive_resolver(
        &mut resolver,
        |q| zone.resolver().lookup(q),
        |request| {
            out.push_str(&format!(
                "   fetch {} (certificate for {}, no redirects)\n",
                request.url(),
                request.host()
            ));
            FetchOutcome::Response(HttpResponse {
                status: 200,
                content_type: Some("text/plain; charset=utf-8".into()),
                body: body.to_vec(),
            })
        },
    )
    .map_err(|e| fail("resolving", &e))?;
    let Some(cached) = resolution.policy else {
        return Err(Failure::new("MTA-STS demo: no policy resolved"));
    };
    out.push_str(&format!(
        "   policy id {}: mode {}, mx {}, max_age {} (source {:?})\n",
        cached.id,
        cached.policy.mode().as_str(),
        cached
            .policy
            .mx()
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        cached.policy.max_age(),
        resolution.source,
    ));
    let mut report = ReportBuilder::new();
    let policy_lines: Vec<String> = String::from_utf8_lossy(body)
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect();
    let report_policy = ReportPolicy {
        policy_type: PolicyType::Sts,
        policy_string: policy_lines,
        policy_domain: "example.com".into(),
        mx_host: cached
            .policy
            .mx()
            .iter()
            .map(|m| m.as_str().to_string())
            .collect(),
    };
    let attempts = [
        (
            "mail.example.com",
            TlsOutcome::Negotiated(CertificateCheck::Valid),
        ),
        (
            "mx2.backup.example.com",
            TlsOutcome::Negotiated(CertificateCheck::Expired),
        ),
        (
            "mx.attacker.example",
            TlsOutcome::Negotiated(CertificateCheck::Valid),
        ),
        ("mail.example.com", TlsOutcome::NoStartTls),
    ];
    for (host, tls) in attempts {
        let decision = decide_delivery(Some(&cached.policy), host, tls, None);
        let action = match decision.action {
            Action::Deliver => "deliver",
            Action::DoNotDeliver => "do not deliver",
            Action::DeliverAndReport => "deliver and report",
        };
        let result = decision.result.map(|r| r.as_str()).unwrap_or("");
        out.push_str(&format!(
            "   {host:<24} {tls:<34} -> {action:<15} {result}\n",
            tls = format!("{tls:?}")
        ));
        match decision.result {
            None => {
                report.record_success(&report_policy, 1);
            }
            Some(r) => {
                let mut detail = FailureDetail::new(ResultType::from_word(r.as_str()));
                detail.receiving_mx_hostname = Some(host.to_string());
                detail.failed_session_count = 1;
                report.record_failure(&report_policy, &detail);
            }
        }
    }
    let header = ReportHeader {
        organization_name: "Sender Inc.".into(),
        contact_info: "tlsrpt@sender.example".into(),
        report_id: "demo-20261203".into(),
    };
    let day = DateRange::utc_day(i64::try_from(now).unwrap_or_default());
    let report = report.build(header, day);
    let json = report.to_json().map_err(|e| fail("report", &e))?;
    let summary = report.policies.first().map(|p| &p.summary);
    out.push_str(&format!(
        "   TLS report: {} bytes of JSON, {} successful and {} failed sessions\n",
        json.len(),
        summary.map_or(0, |s| s.total_successful_session_count),
        summary.map_or(0, |s| s.total_failure_session_count),
    ));
    Ok(())
}

/// The merchant's signed mail and its certification authority, made by
/// `scripts/make-smime-samples` with the openssl command line.
const SMIME_CA: &[u8] = include_bytes!("../../../smime-core/samples/ca.pem");
const SMIME_SIGNED_RSA: &[u8] = include_bytes!("../../../smime-core/samples/signed-rsa.eml");
const SMIME_SIGNED_P256: &[u8] = include_bytes!("../../../smime-core/samples/signed-p256.eml");
/// Inside the sample certificates' validity (2027-01-15).
const SMIME_NOW: u64 = 1_800_000_000;
const SMIME_ED25519_KEY: &[u8] = include_bytes!("../../../smime-core/samples/merchant-ed25519.key");
const SMIME_ED25519_CERT: &[u8] =
    include_bytes!("../../../smime-core/samples/merchant-ed25519.pem");
const SMIME_ENTITY: &[u8] = include_bytes!("../../../smime-core/samples/entity.txt");

fn smime_step(out: &mut String) -> Result<(), Failure> {
    use smime_core::{
        Certificate, ChainStatus, SignatureStatus, TrustInputs, VerifyOptions, verify_message,
    };
    out.push_str(
        "\n8. S/MIME (RFC 8551, RFC 8550): a merchant's signed mail, made by OpenSSL, verified\n",
    );
    let fail =
        |what: &str, e: &dyn std::fmt::Display| Failure::new(format!("S/MIME demo, {what}: {e}"));
    let anchors = Certificate::from_pem(SMIME_CA).map_err(|e| fail("CA", &e))?;
    let trusted = TrustInputs {
        anchors: &anchors,
        certificates: &[],
        crls: &[],
    };
    let untrusted = TrustInputs::default();
    let options = VerifyOptions::default();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let tampered = text(SMIME_SIGNED_RSA)
        .replace("has shipped", "is cancelled")
        .into_bytes();
    let spoofed = text(SMIME_SIGNED_RSA)
        .replacen("merchant@shop.example>", "billing@shop.example>", 1)
        .into_bytes();
    let cases: [(&str, &[u8], &TrustInputs<'_>); 5] = [
        ("RSA-2048, as sent", SMIME_SIGNED_RSA, &trusted),
        ("P-256, as sent", SMIME_SIGNED_P256, &trusted),
        ("body changed", &tampered, &trusted),
        ("From changed", &spoofed, &trusted),
        ("CA not trusted", SMIME_SIGNED_RSA, &untrusted),
    ];
    for (label, message, trust) in cases {
        let report =
            verify_message(message, trust, SMIME_NOW, &options).map_err(|e| fail(label, &e))?;
        for signer in &report.signers {
            let signature = match signer.signature {
                SignatureStatus::Valid => "valid",
                SignatureStatus::Invalid => "invalid",
            };
            let chain = match signer.chain {
                ChainStatus::Valid => "valid",
                ChainStatus::Invalid => "invalid",
                ChainStatus::Untrusted => "untrusted",
            };
            out.push_str(&format!(
                "   {label:<18} -> verified {:<5} signature {signature:<7} chain {chain:<9} sender {}\n",
                report.verified,
                if signer.sender_match { "matches" } else { "differs" },
            ));
        }
        if label == "RSA-2048, as sent"
            && let Some(signer) = report.signers.first()
        {
            out.push_str(&format!(
                "   signer {} <{}>\n",
                signer.subject.as_deref().unwrap_or("?"),
                signer.emails.join(", ")
            ));
        }
    }
    Ok(())
}

/// The seeds' scenario: the reader keeps the certificates of merchants whose
/// signed mail verified (never of the others) and picks the one to encrypt
/// a reply to; the merchant signs with Ed25519, which OpenSSL 3.0 cannot.
fn smime_sign_store_step(out: &mut String) -> Result<(), Failure> {
    use smime_core::{
        Certificate, MemoryCertificateStore, SignOptions, Signer, SigningKey, TrustInputs,
        ValidationOptions, VerifyOptions, harvest, select_encryption_certificate, sign_message,
        store_harvest, verify_message,
    };
    out.push_str(
        "\n9. S/MIME signing and the certificate store: keep the certificates of verified senders\n",
    );
    let fail =
        |what: &str, e: &dyn std::fmt::Display| Failure::new(format!("S/MIME demo, {what}: {e}"));
    let anchors = Certificate::from_pem(SMIME_CA).map_err(|e| fail("CA", &e))?;
    let trust = TrustInputs {
        anchors: &anchors,
        certificates: &[],
        crls: &[],
    };
    let validation = ValidationOptions::default();
    let mut store = MemoryCertificateStore::new();
    let spoofed = String::from_utf8_lossy(SMIME_SIGNED_RSA)
        .replacen("merchant@shop.example>", "billing@shop.example>", 1)
        .into_bytes();
    let no_anchor = TrustInputs::default();
    let cases: [(&str, &[u8], &TrustInputs<'_>); 3] = [
        ("RSA-2048, verified", SMIME_SIGNED_RSA, &trust),
        ("From changed", &spoofed, &trust),
        ("CA not trusted", SMIME_SIGNED_RSA, &no_anchor),
    ];
    for (label, message, trust) in cases {
        let report = verify_message(message, trust, SMIME_NOW, &VerifyOptions::default())
            .map_err(|e| fail(label, &e))?;
        let harvested = harvest(&report, trust.anchors, &[], SMIME_NOW, &validation);
        let kept = store_harvest(&mut store, &harvested).map_err(|e| fail(label, &e))?;
        out.push_str(&format!(
            "   {label:<20} -> verified {:<5} certificates kept: {kept}\n",
            report.verified
        ));
    }
    match select_encryption_certificate(
        &store,
        "merchant@shop.example",
        &anchors,
        &[],
        SMIME_NOW,
        &validation,
    ) {
        Ok(selected) => out.push_str(&format!(
            "   encrypt a reply to merchant@shop.example with: {}\n",
            selected.entry.certificate.subject_string()
        )),
        Err(e) => out.push_str(&format!("   no certificate to encrypt to: {e}\n")),
    }

    let key = SigningKey::from_pem(SMIME_ED25519_KEY).map_err(|e| fail("Ed25519 key", &e))?;
    let cert = Certificate::from_pem(SMIME_ED25519_CERT)
        .map_err(|e| fail("Ed25519 certificate", &e))?
        .remove(0);
    let signer = Signer::new(key, cert, Vec::new()).map_err(|e| fail("signer", &e))?;
    let message = [
        &b"From: Shop Example <merchant@shop.example>\r\nTo: customer@home.example\r\nSubject: Your order\r\n"[..],
        SMIME_ENTITY,
    ]
    .concat();
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let signed = sign_message(
        &message,
        &[signer],
        &SignOptions::default(),
        SMIME_NOW,
        &mut rng,
    )
    .map_err(|e| fail("signing", &e))?;
    let report = verify_message(&signed, &trust, SMIME_NOW, &VerifyOptions::default())
        .map_err(|e| fail("verifying our signature", &e))?;
    let micalg = String::from_utf8_lossy(&signed)
        .split("micalg=")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .unwrap_or("?")
        .to_owned();
    out.push_str(&format!(
        "   signed by mailsec (Ed25519, RFC 8419): {} bytes, micalg={micalg} -> verified {}\n",
        signed.len(),
        report.verified
    ));
    Ok(())
}
