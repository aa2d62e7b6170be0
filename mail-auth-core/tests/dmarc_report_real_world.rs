//! The reader on reports shaped like those large receivers send (written
//! here by hand, not copied): RFC 7489 without `<version>`, the draft-era
//! `<version>1.0</version>`, RFC 9990 with its namespace, prefixes, BOMs,
//! Latin-1, white space, upper-case words, unknown elements.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::net::IpAddr;

use mail_auth_core::dmarc::report::{
    AlignedResult, DiscoveryMethod, DkimResult, PolicyOverride, ReportError, ReportLimits,
    SpfResult, SpfScope, parse_report_xml,
};
use mail_auth_core::dmarc::{AlignmentMode, Policy};

fn parse(xml: &str) -> mail_auth_core::dmarc::report::AggregateReport {
    parse_report_xml(xml.as_bytes(), &ReportLimits::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// A large webmail provider's shape: RFC 7489, no version, XML declaration,
/// `<pct>`, one record with DKIM and SPF results.
const WEBMAIL_7489: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<feedback>
  <report_metadata>
    <org_name>webmail.example</org_name>
    <email>noreply-dmarc-support@webmail.example</email>
    <extra_contact_info>https://support.webmail.example/dmarc</extra_contact_info>
    <report_id>4715862718723468230</report_id>
    <date_range>
      <begin>1700006400</begin>
      <end>1700092799</end>
    </date_range>
  </report_metadata>
  <policy_published>
    <domain>example.org</domain>
    <adkim>r</adkim>
    <aspf>r</aspf>
    <p>none</p>
    <sp>none</sp>
    <pct>100</pct>
  </policy_published>
  <record>
    <row>
      <source_ip>203.0.113.7</source_ip>
      <count>12</count>
      <policy_evaluated>
        <disposition>none</disposition>
        <dkim>pass</dkim>
        <spf>fail</spf>
      </policy_evaluated>
    </row>
    <identifiers>
      <header_from>example.org</header_from>
    </identifiers>
    <auth_results>
      <dkim>
        <domain>example.org</domain>
        <result>pass</result>
        <selector>2023a</selector>
      </dkim>
      <spf>
        <domain>bounce.esp.example</domain>
        <result>pass</result>
      </spf>
    </auth_results>
  </record>
</feedback>
"#;

#[test]
fn webmail_rfc7489_shape() {
    let r = parse(WEBMAIL_7489);
    assert_eq!(r.version, None);
    assert_eq!(r.metadata.org_name, "webmail.example");
    assert_eq!(
        r.metadata.extra_contact_info.as_deref(),
        Some("https://support.webmail.example/dmarc")
    );
    assert_eq!(r.metadata.report_id, "4715862718723468230");
    assert_eq!(
        (r.metadata.date_range.begin, r.metadata.date_range.end),
        (1_700_006_400, 1_700_092_799)
    );
    let p = &r.policy_published;
    assert_eq!(p.domain, "example.org");
    assert_eq!(p.adkim, Some(AlignmentMode::Relaxed));
    assert_eq!(
        (p.p, p.sp, p.pct),
        (Policy::None, Some(Policy::None), Some(100))
    );
    assert_eq!(r.records.len(), 1);
    let rec = &r.records[0];
    assert_eq!(rec.row.source_ip, "203.0.113.7".parse::<IpAddr>().unwrap());
    assert_eq!(rec.row.count, 12);
    assert_eq!(rec.row.policy_evaluated.dkim, AlignedResult::Pass);
    assert_eq!(rec.row.policy_evaluated.spf, AlignedResult::Fail);
    assert_eq!(rec.identifiers.envelope_from, None);
    assert_eq!(rec.auth_results.dkim[0].selector.as_deref(), Some("2023a"));
    assert_eq!(rec.auth_results.spf[0].scope, None);
    assert_eq!(rec.auth_results.spf[0].result, SpfResult::Pass);
}

/// A corporate mail service's shape: schema attributes, a draft-era
/// `<version>`, `envelope_to`, upper-case and padded values, an unknown
/// element, several records, a `<reason>` twice, `human_result`.
const CORPORATE: &str = "\u{FEFF}<?xml version=\"1.0\"?>
<feedback xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">
  <version>1.0</version>
  <report_metadata>
    <org_name>Enterprise Outlook</org_name>
    <email>dmarcreport@corp.example</email>
    <report_id>d4c0ffee0000aaaabbbbccccdddd</report_id>
    <date_range>
      <begin> 1700000000 </begin>
      <end>
        1700086400
      </end>
    </date_range>
  </report_metadata>
  <policy_published>
    <domain>example.net</domain>
    <adkim>S</adkim>
    <aspf>r</aspf>
    <p>Reject</p>
    <sp>quarantine</sp>
    <pct>100</pct>
    <fo>1</fo>
  </policy_published>
  <record>
    <row>
      <source_ip>2001:db8::25</source_ip>
      <count>1</count>
      <policy_evaluated>
        <disposition>none</disposition>
        <dkim>Fail</dkim>
        <spf>FAIL</spf>
        <reason>
          <type>forwarded</type>
          <comment>known forwarder</comment>
        </reason>
        <reason><type>local_policy</type></reason>
      </policy_evaluated>
      <vendor_score>42</vendor_score>
    </row>
    <identifiers>
      <envelope_to>corp.example</envelope_to>
      <envelope_from>lists.example.net</envelope_from>
      <header_from>example.net</header_from>
    </identifiers>
    <auth_results>
      <dkim>
        <domain>lists.example.net</domain>
        <selector>sel</selector>
        <result>PermError</result>
        <human_result>body hash did not verify</human_result>
      </dkim>
      <spf>
        <domain>lists.example.net</domain>
        <scope>mfrom</scope>
        <result>SoftFail</result>
      </spf>
    </auth_results>
  </record>
  <record>
    <row>
      <source_ip>198.51.100.1</source_ip>
      <count>3</count>
      <policy_evaluated>
        <disposition>reject</disposition>
        <dkim>fail</dkim>
        <spf>fail</spf>
      </policy_evaluated>
    </row>
    <identifiers>
      <header_from>Example.NET</header_from>
    </identifiers>
    <auth_results>
      <spf>
        <domain>example.net</domain>
        <scope>helo</scope>
        <result>hardfail</result>
      </spf>
    </auth_results>
  </record>
</feedback>";

#[test]
fn corporate_shape_with_bom_padding_and_case() {
    let r = parse(CORPORATE);
    assert_eq!(r.version.as_deref(), Some("1.0"));
    assert_eq!(r.metadata.org_name, "Enterprise Outlook");
    assert_eq!(r.metadata.date_range.begin, 1_700_000_000);
    assert_eq!(r.metadata.date_range.end, 1_700_086_400);
    assert_eq!(r.policy_published.adkim, Some(AlignmentMode::Strict));
    assert_eq!(r.policy_published.p, Policy::Reject);
    assert_eq!(r.policy_published.fo.as_deref(), Some("1"));
    assert_eq!(r.records.len(), 2);
    let first = &r.records[0];
    assert_eq!(first.row.policy_evaluated.dkim, AlignedResult::Fail);
    let reasons = &first.row.policy_evaluated.reasons;
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0].kind, PolicyOverride::Forwarded);
    assert_eq!(reasons[0].comment.as_deref(), Some("known forwarder"));
    assert_eq!(reasons[1].kind, PolicyOverride::LocalPolicy);
    assert_eq!(
        first.identifiers.envelope_to.as_deref(),
        Some("corp.example")
    );
    assert_eq!(first.auth_results.dkim[0].result, DkimResult::PermError);
    assert_eq!(
        first.auth_results.dkim[0].human_result.as_deref(),
        Some("body hash did not verify")
    );
    assert_eq!(first.auth_results.spf[0].result, SpfResult::SoftFail);
    let second = &r.records[1];
    assert_eq!(second.row.policy_evaluated.disposition, Policy::Reject);
    // The value is kept as written; comparing domains is the caller's job.
    assert_eq!(second.identifiers.header_from, "Example.NET");
    assert_eq!(second.auth_results.spf[0].scope, Some(SpfScope::Helo));
    assert_eq!(
        second.auth_results.spf[0].result,
        SpfResult::Other("hardfail".into())
    );
}

/// RFC 9990 with a namespace prefix on every element, `np`, `testing`,
/// `discovery_method`, `generator`, CDATA and entities, an `<extensions>`
/// block.
const RFC9990_PREFIXED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:feedback xmlns:d="urn:ietf:params:xml:ns:dmarc-2.0">
  <d:version>1.0</d:version>
  <d:report_metadata>
    <d:org_name><![CDATA[Mail & Co <EU>]]></d:org_name>
    <d:email>dmarc&#64;mail.example</d:email>
    <d:report_id>&lt;id-1@mail.example&gt;</d:report_id>
    <d:date_range><d:begin>1700000000.0</d:begin><d:end>1700003600</d:end></d:date_range>
    <d:error>one record dropped</d:error>
    <d:generator>Mailer 4.2</d:generator>
  </d:report_metadata>
  <d:policy_published>
    <d:domain>example.com</d:domain>
    <d:discovery_method>treewalk</d:discovery_method>
    <d:p>quarantine</d:p>
    <d:np>reject</d:np>
    <d:testing>y</d:testing>
  </d:policy_published>
  <d:extensions><x:thing xmlns:x="urn:x"><x:deep><x:deeper>ignored</x:deeper></x:deep></x:thing></d:extensions>
  <d:record>
    <d:row>
      <d:source_ip>192.0.2.10</d:source_ip>
      <d:count>7</d:count>
      <d:policy_evaluated>
        <d:disposition>none</d:disposition>
        <d:dkim>pass</d:dkim>
        <d:spf>pass</d:spf>
        <d:reason><d:type>policy_test_mode</d:type></d:reason>
      </d:policy_evaluated>
    </d:row>
    <d:identifiers>
      <d:envelope_from></d:envelope_from>
      <d:header_from>example.com</d:header_from>
    </d:identifiers>
    <d:auth_results>
      <d:dkim><d:domain>example.com</d:domain><d:selector>k1</d:selector><d:result>pass</d:result></d:dkim>
      <d:dkim><d:selector>orphan</d:selector><d:result>pass</d:result></d:dkim>
      <d:spf><d:domain>example.com</d:domain><d:scope>mfrom</d:scope><d:result>pass</d:result><d:human_result>ok</d:human_result></d:spf>
    </d:auth_results>
  </d:record>
</d:feedback>"#;

#[test]
fn rfc9990_with_prefixes_cdata_and_entities() {
    let r = parse(RFC9990_PREFIXED);
    assert_eq!(r.metadata.org_name, "Mail & Co <EU>");
    assert_eq!(r.metadata.email, "dmarc@mail.example");
    assert_eq!(r.metadata.report_id, "<id-1@mail.example>");
    assert_eq!(r.metadata.date_range.begin, 1_700_000_000);
    assert_eq!(r.metadata.errors, vec!["one record dropped".to_string()]);
    assert_eq!(r.metadata.generator.as_deref(), Some("Mailer 4.2"));
    let p = &r.policy_published;
    assert_eq!(p.discovery_method, Some(DiscoveryMethod::Treewalk));
    assert_eq!(
        (p.p, p.np, p.testing, p.pct),
        (Policy::Quarantine, Some(Policy::Reject), Some(true), None)
    );
    let rec = &r.records[0];
    assert_eq!(
        rec.row.policy_evaluated.reasons[0].kind,
        PolicyOverride::PolicyTestMode
    );
    // An empty optional element is absent; a DKIM entry without a domain is
    // skipped.
    assert_eq!(rec.identifiers.envelope_from, None);
    assert_eq!(rec.auth_results.dkim.len(), 1);
    assert_eq!(rec.auth_results.spf[0].human_result.as_deref(), Some("ok"));
}

#[test]
fn latin1_declared_report_is_read_as_latin1() {
    let mut bytes = br#"<?xml version="1.0" encoding="ISO-8859-1"?>
<feedback><report_metadata><org_name>Soci"#
        .to_vec();
    bytes.push(0xE9); // é in Latin-1, not UTF-8
    bytes.extend_from_slice(
        br#"t</org_name><email>a@b</email><report_id>1</report_id>
<date_range><begin>1</begin><end>2</end></date_range></report_metadata>
<policy_published><domain>x.example</domain><p>none</p></policy_published></feedback>"#,
    );
    let r = parse_report_xml(&bytes, &ReportLimits::default()).unwrap();
    assert_eq!(r.metadata.org_name, "Sociét");
    // Without the declaration the same bytes are refused.
    let undeclared = String::from_utf8_lossy(&bytes).replace(" encoding=\"ISO-8859-1\"", "");
    let mut raw = undeclared.into_bytes();
    let i = raw
        .windows(3)
        .position(|w| w == "\u{FFFD}".as_bytes())
        .unwrap();
    raw.splice(i..i + 3, [0xE9]);
    assert!(matches!(
        parse_report_xml(&raw, &ReportLimits::default()),
        Err(ReportError::Encoding { .. })
    ));
}

#[test]
fn identities_spelling_and_missing_required_elements() {
    let with_identities = WEBMAIL_7489
        .replace("<identifiers>", "<identities>")
        .replace("</identifiers>", "</identities>");
    assert_eq!(
        parse(&with_identities).records[0].identifiers.header_from,
        "example.org"
    );
    let limits = ReportLimits::default();
    for (element, xml) in [
        (
            "report_id",
            WEBMAIL_7489.replace("<report_id>4715862718723468230</report_id>", ""),
        ),
        ("p", WEBMAIL_7489.replace("<p>none</p>", "")),
        (
            "source_ip",
            WEBMAIL_7489.replace("<source_ip>203.0.113.7</source_ip>", ""),
        ),
        (
            "header_from",
            WEBMAIL_7489.replace("<header_from>example.org</header_from>", ""),
        ),
    ] {
        match parse_report_xml(xml.as_bytes(), &limits) {
            Err(ReportError::Missing { element: e, .. }) => assert_eq!(e, element),
            other => panic!("{element}: {other:?}"),
        }
    }
    for (element, xml) in [
        (
            "source_ip",
            WEBMAIL_7489.replace("203.0.113.7", "203.0.113"),
        ),
        (
            "count",
            WEBMAIL_7489.replace("<count>12</count>", "<count>-1</count>"),
        ),
        (
            "pct",
            WEBMAIL_7489.replace("<pct>100</pct>", "<pct>101</pct>"),
        ),
        (
            "disposition",
            WEBMAIL_7489.replace(
                "<disposition>none</disposition>",
                "<disposition>pass</disposition>",
            ),
        ),
        ("begin", WEBMAIL_7489.replace("1700006400", "yesterday")),
    ] {
        match parse_report_xml(xml.as_bytes(), &limits) {
            Err(ReportError::InvalidValue { element: e, .. }) => assert_eq!(e, element),
            other => panic!("{element}: {other:?}"),
        }
    }
    assert_eq!(
        parse_report_xml(b"<html><body/></html>", &limits),
        Err(ReportError::NotAReport)
    );
    assert!(matches!(
        parse_report_xml(WEBMAIL_7489.replace("</feedback>", "").as_bytes(), &limits),
        Err(ReportError::Xml { .. })
    ));
}
