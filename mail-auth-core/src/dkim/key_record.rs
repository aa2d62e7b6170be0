//! The DKIM key record (RFC 6376 §3.6.1), parsed.

use alloc::string::String;
use alloc::vec::Vec;

use super::crypto::HashAlgorithm;
use super::tag_list::{
    Tag, TagListError, ValueError, decode_base64, decode_qp_section_lossy, parse_tag_list,
    split_list, strip_fws,
};

/// One parsed key record (the TXT strings joined with nothing between them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRecord {
    /// `k=` as written, lowercased (default `rsa`).
    pub key_type: String,
    /// `h=`: acceptable hash algorithms, lowercased; `None` when absent (all).
    pub hash_algorithms: Option<Vec<String>>,
    /// `p=`, base64-decoded; empty means the key was revoked.
    pub public_key: Vec<u8>,
    /// `s=`: service types, lowercased (default `["*"]`).
    pub service_types: Vec<String>,
    /// `t=y`: the domain is testing DKIM.
    pub testing: bool,
    /// `t=s`: `i=` must not be a subdomain of `d=`.
    pub strict: bool,
    /// `n=`, decoded.
    pub notes: Option<String>,
}

/// Why a key record could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyRecordError {
    /// The tag-list syntax is broken (or a tag repeats).
    #[error(transparent)]
    TagList(#[from] TagListError),
    /// `v=` is present but not first, or not `DKIM1`.
    #[error("bad version tag")]
    Version,
    /// `p=` is missing.
    #[error("the required tag p= is missing")]
    MissingKey,
    /// A tag's value does not have its syntax.
    #[error("malformed {tag}= value at byte {position}: {reason}")]
    BadValue {
        /// The tag name.
        tag: &'static str,
        /// Offset of the value in the record.
        position: usize,
        /// What is wrong.
        reason: &'static str,
    },
}

fn bad(tag: &'static str) -> impl Fn(ValueError) -> KeyRecordError {
    move |e| KeyRecordError::BadValue {
        tag,
        position: e.position,
        reason: e.reason,
    }
}

/// A `:`-separated list of names, each trimmed and lowercased; an empty name
/// is an error.
fn lowercase_list(tag: &Tag<'_>, name: &'static str) -> Result<Vec<String>, KeyRecordError> {
    split_list(tag.value, tag.value_range.start, b':')
        .map(|(position, item)| {
            if item.is_empty() {
                return Err(KeyRecordError::BadValue {
                    tag: name,
                    position,
                    reason: "empty list item",
                });
            }
            Ok(String::from_utf8_lossy(item).to_lowercase())
        })
        .collect()
}

impl KeyRecord {
    /// Parses a key record.
    ///
    /// `v=` is optional, but when present it must be the first tag and be
    /// `DKIM1`. `p=` is required (empty when the key was revoked) and must be
    /// base64 (padding optional). `k=` is kept as text whatever it names: the
    /// verifier decides what an unknown key type means. Unknown tags, and
    /// unknown flags in `t=`, are ignored.
    pub fn parse(record: &[u8]) -> Result<Self, KeyRecordError> {
        let tags = parse_tag_list(record)?;
        let mut record = Self {
            key_type: String::from("rsa"),
            hash_algorithms: None,
            public_key: Vec::new(),
            service_types: alloc::vec![String::from("*")],
            testing: false,
            strict: false,
            notes: None,
        };
        let mut key = None;
        for (index, tag) in tags.iter().enumerate() {
            match tag.name {
                "v" if index != 0 || tag.value != b"DKIM1" => {
                    return Err(KeyRecordError::Version);
                }
                "h" => record.hash_algorithms = Some(lowercase_list(tag, "h")?),
                "k" => {
                    record.key_type = String::from_utf8_lossy(&strip_fws(tag.value)).to_lowercase();
                }
                "n" => record.notes = Some(decode_qp_section_lossy(tag.value)),
                "p" => {
                    key = Some(decode_base64(tag.value, tag.value_range.start).map_err(bad("p"))?)
                }
                "s" => record.service_types = lowercase_list(tag, "s")?,
                "t" => {
                    for (_, flag) in split_list(tag.value, tag.value_range.start, b':') {
                        if flag.eq_ignore_ascii_case(b"y") {
                            record.testing = true;
                        } else if flag.eq_ignore_ascii_case(b"s") {
                            record.strict = true;
                        }
                    }
                }
                _ => {}
            }
        }
        record.public_key = key.ok_or(KeyRecordError::MissingKey)?;
        Ok(record)
    }

    /// Whether the key was revoked (`p=` empty).
    pub fn is_revoked(&self) -> bool {
        self.public_key.is_empty()
    }

    /// Whether the key may be used for email (`s=` lists `*` or `email`).
    pub fn allows_email(&self) -> bool {
        self.service_types.iter().any(|s| s == "*" || s == "email")
    }

    /// Whether the key may be used with `hash` (`h=` absent, or listing it).
    pub fn allows_hash(&self, hash: HashAlgorithm) -> bool {
        let name = match hash {
            HashAlgorithm::Sha1 => "sha1",
            HashAlgorithm::Sha256 => "sha256",
        };
        self.hash_algorithms
            .as_ref()
            .is_none_or(|list| list.iter().any(|h| h == name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use proptest::prelude::*;

    /// RFC 6376 Appendix A.3.
    const RFC6376_KEY: &str = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB";
    /// RFC 8463 Appendix A.2.
    const RFC8463_KEY: &str = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

    fn ok(record: &str) -> KeyRecord {
        KeyRecord::parse(record.as_bytes()).unwrap()
    }

    fn err(record: &str) -> KeyRecordError {
        KeyRecord::parse(record.as_bytes()).unwrap_err()
    }

    #[test]
    fn rfc_records() {
        let key = ok(RFC6376_KEY);
        assert_eq!(key.key_type, "rsa");
        assert_eq!(key.public_key.len(), 162);
        assert_eq!(key.hash_algorithms, None);
        assert_eq!(key.service_types, ["*"]);
        assert!(!key.testing && !key.strict && !key.is_revoked());
        assert!(key.allows_email());
        assert!(key.allows_hash(HashAlgorithm::Sha1));
        assert!(key.allows_hash(HashAlgorithm::Sha256));
        assert_eq!(key.notes, None);

        let key = ok(RFC8463_KEY);
        assert_eq!(key.key_type, "ed25519");
        assert_eq!(
            key.public_key,
            STANDARD
                .decode("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
                .unwrap()
        );
        assert_eq!(key.public_key.len(), 32);
    }

    #[test]
    fn defaults() {
        let key = ok("p=QUJD");
        assert_eq!(
            key,
            KeyRecord {
                key_type: "rsa".into(),
                hash_algorithms: None,
                public_key: b"ABC".to_vec(),
                service_types: vec!["*".into()],
                testing: false,
                strict: false,
                notes: None,
            }
        );
    }

    #[test]
    fn version_must_be_first_and_dkim1() {
        assert!(KeyRecord::parse(b"v=DKIM1; p=QUJD").is_ok());
        assert_eq!(err("p=QUJD; v=DKIM1"), KeyRecordError::Version);
        assert_eq!(err("v=DKIM2; p=QUJD"), KeyRecordError::Version);
        assert_eq!(err("v=dkim1; p=QUJD"), KeyRecordError::Version);
        assert_eq!(err("v=; p=QUJD"), KeyRecordError::Version);
        assert!(KeyRecord::parse(b" v = DKIM1 ;p=QUJD").is_ok());
    }

    #[test]
    fn public_key() {
        assert_eq!(err("v=DKIM1; k=rsa"), KeyRecordError::MissingKey);
        assert_eq!(err(""), KeyRecordError::MissingKey);
        assert!(ok("v=DKIM1; p=").is_revoked());
        assert!(ok("p= ;").is_revoked());
        assert_eq!(ok("p=QU\r\n JD QQ").public_key, b"ABCA");
        assert_eq!(ok("p=QUJDQQ").public_key, b"ABCA");
        assert_eq!(
            err("v=DKIM1; p=QUJ*"),
            KeyRecordError::BadValue {
                tag: "p",
                position: 14,
                reason: "invalid base64 character"
            }
        );
    }

    #[test]
    fn key_type_is_kept_as_text() {
        assert_eq!(ok("k=ED25519; p=QUJD").key_type, "ed25519");
        assert_eq!(ok("k=foo; p=QUJD").key_type, "foo");
        assert_eq!(ok("k=; p=QUJD").key_type, "");
    }

    #[test]
    fn hash_algorithms() {
        let key = ok("h=SHA256 : foo; p=QUJD");
        assert_eq!(
            key.hash_algorithms,
            Some(vec!["sha256".into(), "foo".into()])
        );
        assert!(key.allows_hash(HashAlgorithm::Sha256));
        assert!(!key.allows_hash(HashAlgorithm::Sha1));
        let key = ok("h=sha1; p=QUJD");
        assert!(key.allows_hash(HashAlgorithm::Sha1));
        assert!(!key.allows_hash(HashAlgorithm::Sha256));
        assert_eq!(
            err("h=sha1::sha256; p=QUJD"),
            KeyRecordError::BadValue {
                tag: "h",
                position: 7,
                reason: "empty list item"
            }
        );
        assert!(matches!(
            err("h=; p=QUJD"),
            KeyRecordError::BadValue { tag: "h", .. }
        ));
    }

    #[test]
    fn service_types() {
        assert!(ok("s=email; p=QUJD").allows_email());
        assert!(ok("s=EMAIL:other; p=QUJD").allows_email());
        assert!(ok("s=* ; p=QUJD").allows_email());
        let key = ok("s=other; p=QUJD");
        assert_eq!(key.service_types, ["other"]);
        assert!(!key.allows_email());
        assert!(matches!(
            err("s=; p=QUJD"),
            KeyRecordError::BadValue { tag: "s", .. }
        ));
    }

    #[test]
    fn flags() {
        let key = ok("t=y; p=QUJD");
        assert!(key.testing && !key.strict);
        let key = ok("t=s; p=QUJD");
        assert!(!key.testing && key.strict);
        let key = ok("t= y : s :x; p=QUJD");
        assert!(key.testing && key.strict);
        let key = ok("t=x:; p=QUJD");
        assert!(!key.testing && !key.strict);
    }

    #[test]
    fn notes() {
        assert_eq!(
            ok("n=Hello=2C world=21 =zz; p=QUJD").notes.as_deref(),
            Some("Hello, world! =zz")
        );
        assert_eq!(
            ok("n=caf=C3=A9; p=QUJD").notes.as_deref(),
            Some("caf\u{e9}")
        );
        assert_eq!(ok("n==FF; p=QUJD").notes.as_deref(), Some("\u{fffd}"));
        assert_eq!(ok("n=; p=QUJD").notes.as_deref(), Some(""));
    }

    #[test]
    fn unknown_tags_and_syntax() {
        assert!(KeyRecord::parse(b"g=*; foo=bar; p=QUJD").is_ok());
        assert!(matches!(
            err("p=QUJD; p=QUJD"),
            KeyRecordError::TagList(TagListError {
                position: 8,
                reason: "duplicate tag"
            })
        ));
        // A left-out ";" makes one tag of two (RFC 6376 §3.2): here k= is
        // "rsa p=QUJD" and there is no p=.
        let _ = err("k=rsa p=QUJD");
    }

    proptest! {
        #[test]
        fn never_panics(input in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(key) = KeyRecord::parse(&input) {
                prop_assert!(key.public_key.len() <= input.len());
                prop_assert!(key.service_types.len() <= input.len() / 2 + 1);
            }
        }

        #[test]
        fn never_panics_on_near_records(
            pieces in proptest::collection::vec(prop_oneof![
                Just("v=DKIM1"), Just("k=rsa"), Just("p=QUJD"), Just("h=sha256"), Just("s=*"),
                Just("t=y:s"), Just("n=a=20b"), Just(";"), Just(" "), Just("\r\n "), Just("="),
                Just(":"), Just("=4"), Just("\u{e9}"),
            ], 0..20),
        ) {
            let _ = KeyRecord::parse(pieces.concat().as_bytes());
        }
    }
}
