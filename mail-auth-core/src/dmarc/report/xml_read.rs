//! Reads a received aggregate report's XML (RFC 9990, RFC 7489 Appendix C
//! and the variants met in the wild) with `quick-xml`'s event reader, under
//! [`ReportLimits`].
//!
//! Tolerated: any namespace or prefix (elements are matched by local name),
//! `<feedback>` with or without `<version>`, optional elements absent or
//! empty, white space around values, result words in any case, unknown
//! elements and attributes (skipped, their depth still bounded), a UTF-8 BOM,
//! an XML declaration naming any encoding (Latin-1 text is read as Latin-1
//! when it is not UTF-8), `<identities>` for `<identifiers>`, dates written
//! `1700000000.0`. Refused: a `<!DOCTYPE>` (no entity can be declared, so no
//! external entity and no entity expansion), undeclared entities, characters
//! XML forbids, and anything past a limit.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::net::IpAddr;

use quick_xml::events::{BytesRef, Event};

use super::limits::{ReportError, ReportLimits};
use super::model::{
    AggregateReport, AlignedResult, AuthResults, DateRange, DiscoveryMethod, DkimAuthResult,
    DkimResult, Identifiers, PolicyEvaluated, PolicyOverride, PolicyOverrideReason,
    PolicyPublished, Record, ReportMetadata, Row, SpfAuthResult, SpfResult, SpfScope,
};
use crate::dmarc::{AlignmentMode, Policy};

/// XML white space (`S` of XML 1.0: space, tab, CR, LF).
pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Whether XML 1.0 allows the character (`Char`; Rust's `char` already
/// excludes surrogates).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The elements the reader knows; everything else is [`Tag::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Feedback,
    Version,
    ReportMetadata,
    OrgName,
    Email,
    ExtraContactInfo,
    ReportId,
    DateRange,
    Begin,
    End,
    Error,
    Generator,
    PolicyPublished,
    Domain,
    DiscoveryMethod,
    Adkim,
    Aspf,
    P,
    Sp,
    Np,
    Pct,
    Testing,
    Fo,
    Record,
    Row,
    SourceIp,
    Count,
    PolicyEvaluated,
    Disposition,
    Dkim,
    Spf,
    Reason,
    Type,
    Comment,
    Identifiers,
    EnvelopeTo,
    EnvelopeFrom,
    HeaderFrom,
    AuthResults,
    Selector,
    Result,
    HumanResult,
    Scope,
    Unknown,
}

impl Tag {
    fn from_local_name(name: &str) -> Tag {
        match name {
            "feedback" => Tag::Feedback,
            "version" => Tag::Version,
            "report_metadata" => Tag::ReportMetadata,
            "org_name" => Tag::OrgName,
            "email" => Tag::Email,
            "extra_contact_info" => Tag::ExtraContactInfo,
            "report_id" => Tag::ReportId,
            "date_range" => Tag::DateRange,
            "begin" => Tag::Begin,
            "end" => Tag::End,
            "error" => Tag::Error,
            "generator" => Tag::Generator,
            "policy_published" => Tag::PolicyPublished,
            "domain" => Tag::Domain,
            "discovery_method" => Tag::DiscoveryMethod,
            "adkim" => Tag::Adkim,
            "aspf" => Tag::Aspf,
            "p" => Tag::P,
            "sp" => Tag::Sp,
            "np" => Tag::Np,
            "pct" => Tag::Pct,
            "testing" => Tag::Testing,
            "fo" => Tag::Fo,
            "record" => Tag::Record,
            "row" => Tag::Row,
            "source_ip" => Tag::SourceIp,
            "count" => Tag::Count,
            "policy_evaluated" => Tag::PolicyEvaluated,
            "disposition" => Tag::Disposition,
            "dkim" => Tag::Dkim,
            "spf" => Tag::Spf,
            "reason" => Tag::Reason,
            "type" => Tag::Type,
            "comment" => Tag::Comment,
            "identifiers" | "identities" => Tag::Identifiers,
            "envelope_to" => Tag::EnvelopeTo,
            "envelope_from" => Tag::EnvelopeFrom,
            "header_from" => Tag::HeaderFrom,
            "auth_results" => Tag::AuthResults,
            "selector" => Tag::Selector,
            "result" => Tag::Result,
            "human_result" => Tag::HumanResult,
            "scope" => Tag::Scope,
            _ => Tag::Unknown,
        }
    }
}

/// Parses the XML of one aggregate report (already decompressed; see
/// [`parse_report`](super::parse_report) for compressed input).
pub fn parse_report_xml(xml: &[u8], limits: &ReportLimits) -> Result<AggregateReport, ReportError> {
    if xml.len() > limits.max_xml_size {
        return Err(ReportError::TooLarge {
            limit: limits.max_xml_size,
        });
    }
    let text = decode(xml)?;
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut state = State::new(limits);
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| ReportError::Xml {
            position: reader.error_position(),
            message: e.to_string(),
        })?;
        match event {
            Event::Start(start) => {
                let tag = Tag::from_local_name(start.local_name().as_ref());
                state.open(tag, position)?;
            }
            Event::Empty(start) => {
                let tag = Tag::from_local_name(start.local_name().as_ref());
                state.open(tag, position)?;
                state.close(position)?;
            }
            Event::End(_) => state.close(position)?,
            Event::Text(text) => state.push_text(&text.xml10_content(), position)?,
            Event::CData(data) => state.push_text(&data.xml10_content(), position)?,
            Event::GeneralRef(reference) => {
                let c = resolve_reference(&reference, position)?;
                let mut buf = [0u8; 4];
                state.push_text(c.encode_utf8(&mut buf), position)?;
            }
            Event::DocType(_) => return Err(ReportError::Doctype { position }),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    state.finish(reader.buffer_position())
}

/// The document as UTF-8: a UTF-8 BOM is dropped; bytes that are not UTF-8
/// are read as Latin-1 when the declaration names ISO-8859-1, Latin-1 or
/// windows-1252, and refused otherwise.
fn decode(xml: &[u8]) -> Result<Cow<'_, str>, ReportError> {
    let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    match core::str::from_utf8(xml) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(e) => {
            let head = xml.get(..xml.len().min(200)).unwrap_or_default();
            let head = String::from_utf8_lossy(head).to_ascii_lowercase();
            let declaration = head.split("?>").next().unwrap_or_default();
            let latin1 = head.starts_with("<?xml")
                && ["iso-8859-1", "latin1", "latin-1", "windows-1252"]
                    .iter()
                    .any(|name| declaration.contains(name));
            if latin1 {
                Ok(Cow::Owned(xml.iter().map(|&b| char::from(b)).collect()))
            } else {
                Err(ReportError::Encoding {
                    position: e.valid_up_to() as u64,
                })
            }
        }
    }
}

/// The character an entity or character reference stands for.
fn resolve_reference(reference: &BytesRef<'_>, position: u64) -> Result<char, ReportError> {
    let c = match reference.resolve_char_ref() {
        Ok(Some(c)) => c,
        Ok(None) => match &**reference {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "apos" => '\'',
            "quot" => '"',
            other => {
                return Err(ReportError::Entity {
                    name: other.chars().take(64).collect(),
                    position,
                });
            }
        },
        Err(e) => {
            return Err(ReportError::Xml {
                position,
                message: e.to_string(),
            });
        }
    };
    if is_xml_char(c) {
        Ok(c)
    } else {
        Err(ReportError::InvalidChar { position })
    }
}

/// A `<record>` being read.
#[derive(Default)]
struct PartialRecord {
    source_ip: Option<IpAddr>,
    count: Option<u64>,
    disposition: Option<Policy>,
    dkim: Option<AlignedResult>,
    spf: Option<AlignedResult>,
    reasons: Vec<PolicyOverrideReason>,
    identifiers: Identifiers,
    header_from: Option<String>,
    auth_results: AuthResults,
}

/// A `<reason>`, `<auth_results><dkim>` or `<auth_results><spf>` being read.
#[derive(Default)]
struct PartialItem {
    domain: Option<String>,
    selector: Option<String>,
    scope: Option<String>,
    result: Option<String>,
    human_result: Option<String>,
    kind: Option<String>,
    comment: Option<String>,
}

/// `<policy_published>` being read.
#[derive(Default)]
struct PartialPolicy {
    domain: Option<String>,
    discovery_method: Option<DiscoveryMethod>,
    adkim: Option<AlignmentMode>,
    aspf: Option<AlignmentMode>,
    p: Option<Policy>,
    sp: Option<Policy>,
    np: Option<Policy>,
    pct: Option<u8>,
    testing: Option<bool>,
    fo: Option<String>,
}

struct State<'l> {
    limits: &'l ReportLimits,
    stack: Vec<Tag>,
    text: String,
    root_seen: bool,
    version: Option<String>,
    metadata: ReportMetadata,
    report_id: Option<String>,
    begin: Option<u64>,
    end: Option<u64>,
    policy: Option<PartialPolicy>,
    records: Vec<Record>,
    record: PartialRecord,
    item: PartialItem,
}

impl<'l> State<'l> {
    fn new(limits: &'l ReportLimits) -> State<'l> {
        State {
            limits,
            stack: Vec::new(),
            text: String::new(),
            root_seen: false,
            version: None,
            metadata: ReportMetadata::default(),
            report_id: None,
            begin: None,
            end: None,
            policy: None,
            records: Vec::new(),
            record: PartialRecord::default(),
            item: PartialItem::default(),
        }
    }

    fn open(&mut self, tag: Tag, position: u64) -> Result<(), ReportError> {
        if self.stack.is_empty() {
            if self.root_seen || tag != Tag::Feedback {
                return Err(ReportError::NotAReport);
            }
            self.root_seen = true;
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(ReportError::TooDeep {
                limit: self.limits.max_depth,
                position,
            });
        }
        self.stack.push(tag);
        self.text.clear();
        use Tag as T;
        match self.stack.as_slice() {
            [T::Feedback, T::Record] => self.record = PartialRecord::default(),
            [
                T::Feedback,
                T::Record,
                T::Row,
                T::PolicyEvaluated,
                T::Reason,
            ]
            | [T::Feedback, T::Record, T::AuthResults, T::Dkim | T::Spf] => {
                self.item = PartialItem::default();
            }
            [T::Feedback, T::PolicyPublished] if self.policy.is_none() => {
                self.policy = Some(PartialPolicy::default());
            }
            _ => {}
        }
        Ok(())
    }

    fn push_text(&mut self, text: &str, position: u64) -> Result<(), ReportError> {
        // Text outside the root and inside unknown elements is not kept.
        if matches!(self.stack.last(), None | Some(Tag::Unknown)) {
            return Ok(());
        }
        if self.text.len().saturating_add(text.len()) > self.limits.max_text_len {
            return Err(ReportError::TextTooLong {
                limit: self.limits.max_text_len,
                position,
            });
        }
        if !text.chars().all(is_xml_char) {
            return Err(ReportError::InvalidChar { position });
        }
        self.text.push_str(text);
        Ok(())
    }

    /// The text of the element that ends, trimmed.
    fn value(&mut self) -> String {
        let text = core::mem::take(&mut self.text);
        let trimmed = text.trim_matches(is_xml_space);
        if trimmed.len() == text.len() {
            text
        } else {
            String::from(trimmed)
        }
    }

    fn close(&mut self, position: u64) -> Result<(), ReportError> {
        let value = self.value();
        let optional = || (!value.is_empty()).then(|| value.clone());
        let invalid = |element| ReportError::InvalidValue { element, position };
        let limit = self.limits.max_list_items;
        let too_many = |element| ReportError::TooManyItems {
            element,
            limit,
            position,
        };
        use Tag as T;
        match self.stack.as_slice() {
            [T::Feedback, T::Version] => self.version = optional(),
            [T::Feedback, T::ReportMetadata, tag] => {
                let m = &mut self.metadata;
                match tag {
                    T::OrgName => m.org_name = value,
                    T::Email => m.email = value,
                    T::ExtraContactInfo => m.extra_contact_info = optional(),
                    T::ReportId => self.report_id = Some(value),
                    T::Generator => m.generator = optional(),
                    T::Error => {
                        if m.errors.len() >= limit {
                            return Err(too_many("error"));
                        }
                        m.errors.push(value);
                    }
                    _ => {}
                }
            }
            [T::Feedback, T::ReportMetadata, T::DateRange, T::Begin] => {
                self.begin = Some(parse_timestamp(&value).ok_or_else(|| invalid("begin"))?);
            }
            [T::Feedback, T::ReportMetadata, T::DateRange, T::End] => {
                self.end = Some(parse_timestamp(&value).ok_or_else(|| invalid("end"))?);
            }
            [T::Feedback, T::PolicyPublished, tag] => {
                if let Some(p) = self.policy.as_mut() {
                    read_policy_field(p, *tag, value).map_err(invalid)?;
                }
            }
            [T::Feedback, T::Record, T::Row, tag] => {
                let r = &mut self.record;
                match tag {
                    T::SourceIp => {
                        r.source_ip = Some(value.parse().map_err(|_| invalid("source_ip"))?);
                    }
                    T::Count => r.count = Some(value.parse().map_err(|_| invalid("count"))?),
                    _ => {}
                }
            }
            [T::Feedback, T::Record, T::Row, T::PolicyEvaluated, tag] => {
                let r = &mut self.record;
                match tag {
                    T::Disposition => {
                        r.disposition =
                            Some(Policy::parse(&value).ok_or_else(|| invalid("disposition"))?);
                    }
                    T::Dkim => r.dkim = Some(AlignedResult::from_word(&value)),
                    T::Spf => r.spf = Some(AlignedResult::from_word(&value)),
                    T::Reason => {
                        let item = core::mem::take(&mut self.item);
                        if let Some(kind) = item.kind {
                            if r.reasons.len() >= limit {
                                return Err(too_many("reason"));
                            }
                            r.reasons.push(PolicyOverrideReason {
                                kind: PolicyOverride::from_word(&kind),
                                comment: item.comment,
                            });
                        }
                    }
                    _ => {}
                }
            }
            [
                T::Feedback,
                T::Record,
                T::Row,
                T::PolicyEvaluated,
                T::Reason,
                tag,
            ] => match tag {
                T::Type => self.item.kind = Some(value),
                T::Comment => self.item.comment = optional(),
                _ => {}
            },
            [T::Feedback, T::Record, T::Identifiers, tag] => {
                let ids = &mut self.record.identifiers;
                match tag {
                    T::EnvelopeTo => ids.envelope_to = optional(),
                    T::EnvelopeFrom => ids.envelope_from = optional(),
                    T::HeaderFrom => self.record.header_from = Some(value),
                    _ => {}
                }
            }
            [
                T::Feedback,
                T::Record,
                T::AuthResults,
                T::Dkim | T::Spf,
                tag,
            ] => {
                let item = &mut self.item;
                match tag {
                    T::Domain => item.domain = Some(value),
                    T::Selector => item.selector = optional(),
                    T::Scope => item.scope = optional(),
                    T::Result => item.result = optional(),
                    T::HumanResult => item.human_result = optional(),
                    _ => {}
                }
            }
            [T::Feedback, T::Record, T::AuthResults, T::Dkim] => {
                let item = core::mem::take(&mut self.item);
                // Like other readers, an entry without a domain is skipped.
                if let Some(domain) = item.domain {
                    let list = &mut self.record.auth_results.dkim;
                    if list.len() >= limit {
                        return Err(too_many("dkim"));
                    }
                    list.push(DkimAuthResult {
                        domain,
                        selector: item.selector,
                        result: item
                            .result
                            .map_or(DkimResult::None, |w| DkimResult::from_word(&w)),
                        human_result: item.human_result,
                    });
                }
            }
            [T::Feedback, T::Record, T::AuthResults, T::Spf] => {
                let item = core::mem::take(&mut self.item);
                if let Some(domain) = item.domain {
                    let list = &mut self.record.auth_results.spf;
                    if list.len() >= limit {
                        return Err(too_many("spf"));
                    }
                    list.push(SpfAuthResult {
                        domain,
                        scope: item.scope.map(|w| SpfScope::from_word(&w)),
                        result: item
                            .result
                            .map_or(SpfResult::None, |w| SpfResult::from_word(&w)),
                        human_result: item.human_result,
                    });
                }
            }
            [T::Feedback, T::Record] => {
                let record = finish_record(core::mem::take(&mut self.record), position)?;
                if self.records.len() >= self.limits.max_records {
                    return Err(ReportError::TooManyRecords {
                        limit: self.limits.max_records,
                        position,
                    });
                }
                self.records.push(record);
            }
            _ => {}
        }
        self.stack.pop();
        Ok(())
    }

    fn finish(self, position: u64) -> Result<AggregateReport, ReportError> {
        if !self.root_seen {
            return Err(ReportError::NotAReport);
        }
        if !self.stack.is_empty() {
            return Err(ReportError::Xml {
                position,
                message: String::from("unexpected end of document"),
            });
        }
        let missing = |element| ReportError::Missing { element, position };
        let mut metadata = self.metadata;
        metadata.report_id = self.report_id.ok_or_else(|| missing("report_id"))?;
        metadata.date_range = DateRange {
            begin: self.begin.ok_or_else(|| missing("begin"))?,
            end: self.end.ok_or_else(|| missing("end"))?,
        };
        let p = self.policy.ok_or_else(|| missing("policy_published"))?;
        let policy_published = PolicyPublished {
            domain: p.domain.ok_or_else(|| missing("domain"))?,
            discovery_method: p.discovery_method,
            adkim: p.adkim,
            aspf: p.aspf,
            p: p.p.ok_or_else(|| missing("p"))?,
            sp: p.sp,
            np: p.np,
            pct: p.pct,
            testing: p.testing,
            fo: p.fo,
        };
        Ok(AggregateReport {
            version: self.version,
            metadata,
            policy_published,
            records: self.records,
        })
    }
}

/// Stores one `<policy_published>` child; the error names the element.
fn read_policy_field(p: &mut PartialPolicy, tag: Tag, value: String) -> Result<(), &'static str> {
    let empty = value.is_empty();
    let policy = |element| {
        if empty {
            Ok(None)
        } else {
            Policy::parse(&value).map(Some).ok_or(element)
        }
    };
    let mode = |element| {
        if empty {
            Ok(None)
        } else {
            AlignmentMode::parse(&value).map(Some).ok_or(element)
        }
    };
    match tag {
        Tag::Domain => p.domain = Some(value),
        Tag::P => p.p = policy("p")?,
        Tag::Sp => p.sp = policy("sp")?,
        Tag::Np => p.np = policy("np")?,
        Tag::Adkim => p.adkim = mode("adkim")?,
        Tag::Aspf => p.aspf = mode("aspf")?,
        Tag::Pct if empty => p.pct = None,
        Tag::Pct => {
            let pct: u8 = value.parse().map_err(|_| "pct")?;
            if pct > 100 {
                return Err("pct");
            }
            p.pct = Some(pct);
        }
        Tag::Testing if empty => p.testing = None,
        Tag::Testing if value.eq_ignore_ascii_case("y") => p.testing = Some(true),
        Tag::Testing if value.eq_ignore_ascii_case("n") => p.testing = Some(false),
        Tag::Testing => return Err("testing"),
        Tag::DiscoveryMethod if empty => p.discovery_method = None,
        Tag::DiscoveryMethod => p.discovery_method = Some(DiscoveryMethod::from_word(&value)),
        Tag::Fo => p.fo = (!empty).then_some(value),
        _ => {}
    }
    Ok(())
}

fn finish_record(r: PartialRecord, position: u64) -> Result<Record, ReportError> {
    let missing = |element| ReportError::Missing { element, position };
    Ok(Record {
        row: Row {
            source_ip: r.source_ip.ok_or_else(|| missing("source_ip"))?,
            count: r.count.ok_or_else(|| missing("count"))?,
            policy_evaluated: PolicyEvaluated {
                disposition: r.disposition.ok_or_else(|| missing("disposition"))?,
                dkim: r.dkim.ok_or_else(|| missing("dkim"))?,
                spf: r.spf.ok_or_else(|| missing("spf"))?,
                reasons: r.reasons,
            },
        },
        identifiers: Identifiers {
            header_from: r.header_from.ok_or_else(|| missing("header_from"))?,
            ..r.identifiers
        },
        auth_results: r.auth_results,
    })
}

/// Unix seconds: digits, optionally followed by a fraction (`1700000000.0`,
/// seen in the wild), which is dropped.
fn parse_timestamp(value: &str) -> Option<u64> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    whole.parse().ok()
}
