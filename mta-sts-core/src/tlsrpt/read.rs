//! The tolerant reader of received reports (RFC 8460 §4.4 JSON).
//!
//! # Readings (what real reports send, and what it becomes)
//!
//! - Date-times without a zone, with an offset, a space for `T` or a
//!   fraction: read as described in the `datetime` module, kept as unix
//!   seconds.
//! - A TLSA `policy-string` that arrived JSON-encoded inside one string (as
//!   Microsoft sends it: `"[\"3 1 1 ...\"]"`, bare or as the one item of the
//!   array) is decoded into the array, once: if the result is again one
//!   string holding a JSON array, the policy is refused (written back, it
//!   would read differently). A bare string is otherwise one item.
//! - `mx-host` as a string (as RFC 8460 prints it) or an array (erratum
//!   6241); the draft name `mx-host-pattern` is read too, and
//!   `additional-info-uri` for `additional-information`.
//! - Absent or `null` counts are `0`; counts written as strings of digits
//!   are read. Absent `summary` is all zeros.
//! - Optional strings that are empty or only white space, and empty items
//!   of `policy-string` and `mx-host`, are dropped; an empty
//!   `sending-mta-ip` or `receiving-ip` is absent. IP addresses may carry
//!   brackets; one that does not parse is an error.
//! - Unknown policy and result types are kept as written; unknown members
//!   are ignored. A UTF-8 byte-order mark is skipped.
//! - Required: `organization-name`, `date-range` (both ends), `contact-info`,
//!   `report-id`, `policies`, and in each policy `policy-type` and
//!   `policy-domain`, in each failure `result-type`.
//!
//! # Limits
//!
//! [`ReportLimits`]: the size and the number of JSON values are checked by a
//! scan before parsing, so the parsed tree stays proportionate to the
//! limits; list lengths and string lengths while reading.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::IpAddr;

use serde_json::{Map, Value};

use super::datetime;
use super::decompress::decompress_report;
use super::limits::{ReportError, ReportLimits};
use super::model::{
    DateRange, FailureDetail, Policy, PolicyResult, PolicyType, Report, ResultType, Summary,
};

/// Reads a received report file: gzip (told by its magic bytes) is inflated
/// first, then the JSON is read by [`parse_report_json`], all under
/// `limits`.
pub fn parse_report(data: &[u8], limits: &ReportLimits) -> Result<Report, ReportError> {
    let json = decompress_report(data, limits)?;
    parse_report_json(&json, limits)
}

/// Reads a report's JSON tolerantly (see the module readings).
pub fn parse_report_json(json: &[u8], limits: &ReportLimits) -> Result<Report, ReportError> {
    if json.len() > limits.max_json_size {
        return Err(ReportError::TooLarge {
            limit: limits.max_json_size,
        });
    }
    let json = json.strip_prefix(b"\xef\xbb\xbf").unwrap_or(json);
    if !values_within(json, limits.max_json_values) {
        return Err(ReportError::TooManyValues {
            limit: limits.max_json_values,
        });
    }
    let value: Value = serde_json::from_slice(json).map_err(|e| ReportError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    from_value(&value, limits)
}

/// Whether the JSON text holds at most `limit` values. Every value is the
/// root, or follows a `,`, a `:` or an opening `[`; every key follows a `{`
/// or a `,`. Counting those outside strings bounds both.
fn values_within(json: &[u8], limit: usize) -> bool {
    let mut count = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if matches!(b, b',' | b':' | b'[' | b'{') {
            count = count.saturating_add(1);
            if count > limit {
                return false;
            }
        }
    }
    count <= limit
}

/// Reads a report from a parsed JSON value.
pub(crate) fn from_value(value: &Value, limits: &ReportLimits) -> Result<Report, ReportError> {
    let top = value.as_object().ok_or_else(|| invalid("report"))?;
    let r = Reader { limits };
    let range = top
        .get("date-range")
        .filter(|v| !v.is_null())
        .ok_or_else(|| missing("date-range"))?
        .as_object()
        .ok_or_else(|| invalid("date-range"))?;
    let date_range = DateRange {
        start: r.time(range, "start-datetime", "date-range")?,
        end: r.time(range, "end-datetime", "date-range")?,
    };
    let policies_value = top
        .get("policies")
        .filter(|v| !v.is_null())
        .ok_or_else(|| missing("policies"))?
        .as_array()
        .ok_or_else(|| invalid("policies"))?;
    if policies_value.len() > limits.max_policies {
        return Err(ReportError::TooMany {
            path: "policies".into(),
            limit: limits.max_policies,
        });
    }
    let mut details_left = limits.max_failure_details;
    let mut policies = Vec::with_capacity(policies_value.len());
    for (i, entry) in policies_value.iter().enumerate() {
        let path = format!("policies[{i}]");
        policies.push(r.policy_result(entry, &path, &mut details_left)?);
    }
    Ok(Report {
        organization_name: r.required_string(top, "organization-name", "")?,
        date_range,
        contact_info: r.required_string(top, "contact-info", "")?,
        report_id: r.required_string(top, "report-id", "")?,
        policies,
    })
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.into()
    } else {
        format!("{prefix}.{key}")
    }
}

fn missing(path: &str) -> ReportError {
    ReportError::Missing { path: path.into() }
}

fn invalid(path: &str) -> ReportError {
    ReportError::Invalid { path: path.into() }
}

fn member<'v>(obj: &'v Map<String, Value>, keys: &[&str]) -> Option<&'v Value> {
    keys.iter()
        .filter_map(|k| obj.get(*k))
        .find(|v| !v.is_null())
}

/// A list of one string that holds a JSON array of strings: that array.
fn json_in_string(list: &[String]) -> Option<Vec<String>> {
    match list {
        [only] if only.trim_start().starts_with('[') => serde_json::from_str(only).ok(),
        _ => None,
    }
}

struct Reader<'l> {
    limits: &'l ReportLimits,
}

impl Reader<'_> {
    fn string<'v>(
        &self,
        value: &'v Value,
        path: &dyn Fn() -> String,
    ) -> Result<&'v str, ReportError> {
        let text = value
            .as_str()
            .ok_or_else(|| ReportError::Invalid { path: path() })?;
        if text.len() > self.limits.max_string_len {
            return Err(ReportError::StringTooLong {
                path: path(),
                limit: self.limits.max_string_len,
            });
        }
        Ok(text)
    }

    fn required_string(
        &self,
        obj: &Map<String, Value>,
        key: &str,
        prefix: &str,
    ) -> Result<String, ReportError> {
        let value = member(obj, &[key]).ok_or_else(|| missing(&join(prefix, key)))?;
        Ok(self.string(value, &|| join(prefix, key))?.into())
    }

    fn optional_string(
        &self,
        obj: &Map<String, Value>,
        keys: &[&str],
        prefix: &str,
    ) -> Result<Option<String>, ReportError> {
        let Some(value) = member(obj, keys) else {
            return Ok(None);
        };
        let key = keys.first().copied().unwrap_or("");
        let text = self.string(value, &|| join(prefix, key))?;
        Ok((!text.trim().is_empty()).then(|| text.into()))
    }

    fn time(&self, obj: &Map<String, Value>, key: &str, prefix: &str) -> Result<i64, ReportError> {
        let value = member(obj, &[key]).ok_or_else(|| missing(&join(prefix, key)))?;
        let text = self.string(value, &|| join(prefix, key))?;
        datetime::parse(text).ok_or_else(|| invalid(&join(prefix, key)))
    }

    fn count(&self, obj: &Map<String, Value>, key: &str, prefix: &str) -> Result<u64, ReportError> {
        match member(obj, &[key]) {
            None => Ok(0),
            Some(Value::Number(n)) => n.as_u64().ok_or_else(|| invalid(&join(prefix, key))),
            Some(Value::String(s)) => {
                let s = s.trim();
                if s.is_empty() {
                    return Ok(0);
                }
                if s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid(&join(prefix, key)));
                }
                s.parse().map_err(|_| invalid(&join(prefix, key)))
            }
            Some(_) => Err(invalid(&join(prefix, key))),
        }
    }

    fn ip(
        &self,
        obj: &Map<String, Value>,
        key: &str,
        prefix: &str,
    ) -> Result<Option<IpAddr>, ReportError> {
        let Some(text) = self.optional_string(obj, &[key], prefix)? else {
            return Ok(None);
        };
        let text = text.trim();
        let text = text
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .unwrap_or(text);
        text.parse()
            .map(Some)
            .map_err(|_| invalid(&join(prefix, key)))
    }

    /// A list of strings: a string is one item; empty items are dropped.
    fn string_list(
        &self,
        value: Option<&Value>,
        path: &str,
        decode_json: bool,
    ) -> Result<Vec<String>, ReportError> {
        let items: Vec<&str> = match value {
            None => return Ok(Vec::new()),
            Some(Value::String(s)) => alloc::vec![s.as_str()],
            Some(Value::Array(a)) => {
                if a.len() > self.limits.max_list_items {
                    return Err(ReportError::TooMany {
                        path: path.into(),
                        limit: self.limits.max_list_items,
                    });
                }
                let mut items = Vec::with_capacity(a.len());
                for (i, item) in a.iter().enumerate() {
                    items.push(self.string(item, &|| format!("{path}[{i}]"))?);
                }
                items
            }
            Some(_) => return Err(invalid(path)),
        };
        for item in &items {
            if item.len() > self.limits.max_string_len {
                return Err(ReportError::StringTooLong {
                    path: path.into(),
                    limit: self.limits.max_string_len,
                });
            }
        }
        let list = self.kept(items.into_iter(), path)?;
        if !decode_json {
            return Ok(list);
        }
        let Some(decoded) = json_in_string(&list) else {
            return Ok(list);
        };
        let list = self.kept(decoded.iter().map(String::as_str), path)?;
        // Decoded once only: what is left must not look encoded again, so
        // that writing the report and reading it back gives the same list.
        if json_in_string(&list).is_some() {
            return Err(invalid(path));
        }
        Ok(list)
    }

    fn kept<'s>(
        &self,
        items: impl Iterator<Item = &'s str>,
        path: &str,
    ) -> Result<Vec<String>, ReportError> {
        let mut out = Vec::new();
        for item in items.filter(|s| !s.trim().is_empty()) {
            if out.len() >= self.limits.max_list_items {
                return Err(ReportError::TooMany {
                    path: path.into(),
                    limit: self.limits.max_list_items,
                });
            }
            out.push(item.to_string());
        }
        Ok(out)
    }

    fn policy_result(
        &self,
        entry: &Value,
        path: &str,
        details_left: &mut usize,
    ) -> Result<PolicyResult, ReportError> {
        let entry = entry.as_object().ok_or_else(|| invalid(path))?;
        let policy_path = join(path, "policy");
        let policy = member(entry, &["policy"])
            .ok_or_else(|| missing(&policy_path))?
            .as_object()
            .ok_or_else(|| invalid(&policy_path))?;
        let policy_type =
            PolicyType::from_word(&self.required_string(policy, "policy-type", &policy_path)?);
        let policy_string = self.string_list(
            member(policy, &["policy-string"]),
            &join(&policy_path, "policy-string"),
            policy_type == PolicyType::Tlsa,
        )?;
        let mx_host = self.string_list(
            member(policy, &["mx-host", "mx-host-pattern"]),
            &join(&policy_path, "mx-host"),
            false,
        )?;
        let policy = Policy {
            policy_type,
            policy_string,
            policy_domain: self.required_string(policy, "policy-domain", &policy_path)?,
            mx_host,
        };
        let summary_path = join(path, "summary");
        let summary = match member(entry, &["summary"]) {
            None => Summary::default(),
            Some(v) => {
                let s = v.as_object().ok_or_else(|| invalid(&summary_path))?;
                Summary {
                    total_successful_session_count: self.count(
                        s,
                        "total-successful-session-count",
                        &summary_path,
                    )?,
                    total_failure_session_count: self.count(
                        s,
                        "total-failure-session-count",
                        &summary_path,
                    )?,
                }
            }
        };
        let details_path = join(path, "failure-details");
        let details = match member(entry, &["failure-details"]) {
            None => &[][..],
            Some(v) => v
                .as_array()
                .ok_or_else(|| invalid(&details_path))?
                .as_slice(),
        };
        if details.len() > *details_left {
            return Err(ReportError::TooMany {
                path: details_path,
                limit: self.limits.max_failure_details,
            });
        }
        *details_left = details_left.saturating_sub(details.len());
        let mut failure_details = Vec::with_capacity(details.len());
        for (i, detail) in details.iter().enumerate() {
            failure_details.push(self.failure_detail(detail, &format!("{details_path}[{i}]"))?);
        }
        Ok(PolicyResult {
            policy,
            summary,
            failure_details,
        })
    }

    fn failure_detail(&self, value: &Value, path: &str) -> Result<FailureDetail, ReportError> {
        let d = value.as_object().ok_or_else(|| invalid(path))?;
        Ok(FailureDetail {
            result_type: ResultType::from_word(&self.required_string(d, "result-type", path)?),
            sending_mta_ip: self.ip(d, "sending-mta-ip", path)?,
            receiving_mx_hostname: self.optional_string(d, &["receiving-mx-hostname"], path)?,
            receiving_mx_helo: self.optional_string(d, &["receiving-mx-helo"], path)?,
            receiving_ip: self.ip(d, "receiving-ip", path)?,
            failed_session_count: self.count(d, "failed-session-count", path)?,
            additional_information: self.optional_string(
                d,
                &["additional-information", "additional-info-uri"],
                path,
            )?,
            failure_reason_code: self.optional_string(d, &["failure-reason-code"], path)?,
        })
    }
}
