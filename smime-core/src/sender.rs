//! Sender binding (RFC 8550 §3): the addresses of the From and Sender fields
//! against the signer certificate's subjectAltName and subject emailAddress.
//!
//! RFC 8550 §3 asks a receiving agent to check that the address in the From
//! or Sender header field matches an Internet mail address in the signer's
//! certificate. [`message_sender_addresses`] lists the message's side,
//! [`certificate_email_addresses`] the certificate's, and [`address_matches`]
//! compares one of each.
//!
//! # The matching rule
//!
//! - The domain part compares case-insensitively (RFC 5280 §7.5: "the host
//!   part ... is case-insensitive"), and an internationalised domain compares
//!   equal in its U-label and A-label forms (RFC 8398 §3 asks for the
//!   comparison of domains after conversion to A-labels; both sides are
//!   converted with UTS-46 to A-labels and lower-cased). A domain literal
//!   (`[192.0.2.1]`) compares as ASCII text, case-insensitively.
//! - The local part compares exactly, case-sensitively (RFC 5280 §7.5:
//!   "the local-part ... is case-sensitive"; RFC 8398 §3 says the same for
//!   SmtpUTF8Mailbox), after removing the quoting of a quoted-string local
//!   part: `"alice"@example.test` equals `alice@example.test`, and
//!   `"a\"b"@x` equals a certificate's `a"b@x`.
//! - An address without `@`, with an empty local part or domain, or whose
//!   domain is not a valid domain name never matches.
//!
//! The address is split at its last `@` (a quoted local part may hold `@`).

use alloc::string::String;
use alloc::vec::Vec;

use der::asn1::{Ia5StringRef, Utf8StringRef};
use der::oid::ObjectIdentifier;
use mailsec_message::{HeaderBlock, Limits, parse_mailbox, parse_mailbox_list};
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

use crate::certificate::Certificate;

/// id-on-SmtpUTF8Mailbox (RFC 8398 §3).
const ID_ON_SMTP_UTF8_MAILBOX: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.8.9");
/// PKCS #9 emailAddress, the legacy subject attribute (RFC 5280 §4.1.2.6).
const ID_EMAIL_ADDRESS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");

/// The most addresses taken from one certificate: a hostile certificate
/// cannot make the comparison loop long.
const MAX_CERTIFICATE_ADDRESSES: usize = 256;

/// Every mailbox of the message's From field(s) and its Sender field, as
/// addr-spec strings (`local@domain`, the domain in lower-case A-labels, the
/// local part quoted when it is not a dot-atom), in the order of the fields.
///
/// Fields that do not parse are skipped, and so is the message when its
/// header section exceeds the default [`Limits`]. Every From field is read:
/// RFC 5322 allows one, and a caller that wants to refuse a message with
/// several checks [`mailsec_message::from_mailboxes`] itself.
pub fn message_sender_addresses(message: &[u8]) -> Vec<String> {
    let limits = Limits::default();
    let Ok(header) = HeaderBlock::parse(message, &limits) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for field in header.fields() {
        if field.is("From") {
            if let Ok(list) = parse_mailbox_list(field.value(), &limits) {
                out.extend(list.iter().map(mailsec_message::Mailbox::address));
            }
        } else if field.is("Sender")
            && let Ok(mailbox) = parse_mailbox(field.value())
        {
            out.push(mailbox.address());
        }
    }
    out
}

/// The certificate's e-mail addresses: subjectAltName rfc822Name entries,
/// then SmtpUTF8Mailbox otherName entries (RFC 8398, a UTF8String), then
/// subject emailAddress attributes (legacy), in that order, without
/// duplicates (exact string comparison), at most 256.
///
/// A subjectAltName that does not decode contributes nothing; entries of
/// other kinds are ignored.
pub fn certificate_email_addresses(cert: &Certificate) -> Vec<String> {
    let tbs = cert.x509().tbs_certificate();
    let mut rfc822 = Vec::new();
    let mut utf8 = Vec::new();
    if let Ok(Some((_, san))) = tbs.get_extension::<SubjectAltName>() {
        for name in san.0.iter() {
            match name {
                GeneralName::Rfc822Name(s) => rfc822.push(String::from(s.as_str())),
                GeneralName::OtherName(other) if other.type_id == ID_ON_SMTP_UTF8_MAILBOX => {
                    if let Ok(s) = other.value.decode_as::<Utf8StringRef<'_>>() {
                        utf8.push(String::from(s.as_str()));
                    }
                }
                _ => {}
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    let subject = tbs
        .subject()
        .iter()
        .filter(|atv| atv.oid == ID_EMAIL_ADDRESS)
        .filter_map(|atv| {
            atv.value
                .decode_as::<Ia5StringRef<'_>>()
                .map(|s| String::from(s.as_str()))
                .or_else(|_| {
                    atv.value
                        .decode_as::<Utf8StringRef<'_>>()
                        .map(|s| String::from(s.as_str()))
                })
                .ok()
        });
    for address in rfc822.into_iter().chain(utf8).chain(subject) {
        if out.len() >= MAX_CERTIFICATE_ADDRESSES {
            break;
        }
        if !out.contains(&address) {
            out.push(address);
        }
    }
    out
}

/// Whether a message address matches a certificate address.
///
/// The domain part compares case-insensitively (RFC 5280 §7.5), a U-label
/// domain equal to its A-label form (RFC 8398 §3: both are converted to
/// lower-case A-labels with UTS-46); a domain literal compares as ASCII text,
/// case-insensitively. The local part compares exactly, case-sensitively
/// (RFC 5280 §7.5, RFC 8398 §3), after removing the quoting of a
/// quoted-string local part (`"alice"@x` equals `alice@x`). An address
/// without `@`, with an empty local part or domain, or whose domain is not a
/// host name never matches. The address is split at its last `@`.
///
/// ```
/// use smime_core::address_matches;
///
/// assert!(address_matches("alice@Example.TEST", "alice@example.test"));
/// assert!(address_matches("\"alice\"@example.test", "alice@example.test"));
/// assert!(!address_matches("Alice@example.test", "alice@example.test"));
/// assert!(address_matches("用户@例子.广告", "用户@xn--fsqu00a.xn--4rr70v"));
/// ```
pub fn address_matches(message_address: &str, certificate_address: &str) -> bool {
    let (Some((ml, md)), Some((cl, cd))) = (split(message_address), split(certificate_address))
    else {
        return false;
    };
    if ml != cl {
        return false;
    }
    match (ascii_domain(&md), ascii_domain(&cd)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// An address in the form [`address_matches`] compares: the unquoted local
/// part, exact, and the domain in lower-case A-labels (a domain literal in
/// lower case). Two addresses match exactly when both normalise and their
/// normal forms are equal. `None` for what never matches.
pub(crate) fn normalized_address(address: &str) -> Option<(String, String)> {
    let (local, domain) = split(address)?;
    Some((local, ascii_domain(&domain)?))
}

/// The unquoted local part and the domain of an address.
fn split(address: &str) -> Option<(String, String)> {
    let address = address.trim();
    let at = address.rfind('@')?;
    let local = address.get(..at)?;
    let domain = address.get(at.checked_add(1)?..)?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    Some((unquote(local)?, String::from(domain)))
}

/// The content of a quoted-string local part with quoted pairs resolved;
/// other local parts as they are.
fn unquote(local: &str) -> Option<String> {
    let Some(inner) = local
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        return Some(String::from(local));
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            // An unescaped quote inside: not one quoted string.
            '"' => return None,
            _ => out.push(c),
        }
    }
    if out.is_empty() {
        return None;
    }
    Some(out)
}

/// The domain in lower-case A-labels (UTS-46); a domain literal in lower case.
fn ascii_domain(domain: &str) -> Option<String> {
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if domain.starts_with('[') {
        return domain.ends_with(']').then(|| domain.to_ascii_lowercase());
    }
    let ascii = idna::domain_to_ascii(domain).ok()?;
    // UTS-46 processing is lenient (it keeps spaces and other ASCII): a
    // host name is letters, digits and hyphens in non-empty labels.
    let host = !ascii.is_empty()
        && ascii.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    host.then_some(ascii)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::disallowed_methods,
        clippy::disallowed_types
    )]
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn message_addresses() {
        let m = b"From: Alice <alice@Example.TEST>, \"b c\"@example.net\r\n\
Sender: Secretary <sec@EXAMPLE.test>\r\nTo: x@y.example\r\n\r\nbody\r\nFrom: not@header.example\r\n";
        assert_eq!(
            message_sender_addresses(m),
            vec![
                "alice@example.test".to_string(),
                "\"b c\"@example.net".to_string(),
                "sec@example.test".to_string()
            ]
        );
        // Two From fields: both listed; an unparseable field is skipped.
        let m = b"From: a@one.example\nFrom: b@two.example\nSender: a@evil.example <x@y>\n\n";
        assert_eq!(
            message_sender_addresses(m),
            vec!["a@one.example".to_string(), "b@two.example".to_string()]
        );
        assert!(message_sender_addresses(b"").is_empty());
        // A U-label domain is given in A-labels.
        let m = "From: 用户@例子.广告\r\n\r\n".as_bytes();
        assert_eq!(
            message_sender_addresses(m),
            vec!["用户@xn--fsqu00a.xn--4rr70v".to_string()]
        );
    }

    #[test]
    fn matching_rule() {
        assert!(address_matches("alice@example.test", "alice@example.test"));
        assert!(address_matches("alice@EXAMPLE.test", "alice@example.TEST"));
        assert!(address_matches("alice@example.test.", "alice@example.test"));
        assert!(!address_matches("Alice@example.test", "alice@example.test"));
        assert!(address_matches(
            "\"alice\"@example.test",
            "alice@example.test"
        ));
        assert!(address_matches(
            "\"a\\\"b\"@example.test",
            "a\"b@example.test"
        ));
        assert!(address_matches("\"a@b\"@example.test", "a@b@example.test"));
        assert!(!address_matches(
            "\"a\"b\"@example.test",
            "a\"b@example.test"
        ));
        assert!(!address_matches("alice", "alice"));
        assert!(!address_matches("", ""));
        assert!(!address_matches("@example.test", "@example.test"));
        assert!(!address_matches("alice@", "alice@"));
        assert!(!address_matches("alice@example.test", "bob@example.test"));
        assert!(!address_matches("alice@example.test", "alice@example.org"));
        assert!(address_matches(
            "用户@例子.广告",
            "用户@XN--FSQU00A.xn--4rr70v"
        ));
        assert!(!address_matches("用户@例子.广告", "用戶@例子.广告"));
        assert!(address_matches("a@[192.0.2.1]", "a@[192.0.2.1]"));
        assert!(!address_matches("a@ex ample.test", "a@ex ample.test"));
    }

    fn vectors() -> Option<std::path::PathBuf> {
        let dir = std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/vectors/smime"
        ));
        dir.is_dir().then_some(dir)
    }

    #[test]
    fn rfc9216_certificates() {
        let Some(dir) = vectors() else {
            eprintln!("skipped: ../shared/vectors absent");
            return;
        };
        for (file, address) in [
            ("lamps-alice.crt", "alice@smime.example"),
            ("lamps-bob.encrypt.crt", "bob@smime.example"),
            ("lamps-carlos.crt", "carlos@smime.example"),
            ("lamps-dana.encrypt.crt", "dana@smime.example"),
        ] {
            let bytes = std::fs::read(dir.join("rfc9216").join(file)).unwrap();
            let cert = &Certificate::from_pem_or_der(&bytes).unwrap()[0];
            let emails = certificate_email_addresses(cert);
            assert_eq!(emails, vec![address.to_string()], "{file}");
            assert!(address_matches(
                &address
                    .to_uppercase()
                    .replace("SMIME.EXAMPLE", "Smime.Example")
                    .to_lowercase(),
                &emails[0]
            ));
        }
        let bytes = std::fs::read(
            dir.join("rfc9216/Sample_LAMPS_RSA_Certification_Authority.selfsigned.pem"),
        )
        .unwrap();
        let ca = &Certificate::from_pem_or_der(&bytes).unwrap()[0];
        assert!(certificate_email_addresses(ca).is_empty());
    }

    #[test]
    fn openssl_certificate_with_every_kind() {
        let dir =
            std::env::temp_dir().join(alloc::format!("smime-core-sender-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let conf = "[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = ext\n\
[dn]\nCN = Alice\nemailAddress = Legacy@Example.TEST\n\
[ext]\nsubjectAltName = @san\n\
[san]\nemail.1 = alice@example.test\nemail.2 = alice@example.test\n\
otherName.1 = 1.3.6.1.5.5.7.8.9;FORMAT:UTF8,UTF8String:用户@例子.广告\nDNS.1 = example.test\n";
        std::fs::write(dir.join("req.cnf"), conf).unwrap();
        let run = std::process::Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "k.pem",
                "-out",
                "c.pem",
                "-days",
                "2",
                "-config",
                "req.cnf",
            ])
            .current_dir(&dir)
            .output();
        let Ok(out) = run else {
            eprintln!("skipped: no openssl");
            let _ = std::fs::remove_dir_all(&dir);
            return;
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pem = std::fs::read(dir.join("c.pem")).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let cert = &Certificate::from_pem(&pem).unwrap()[0];
        let emails = certificate_email_addresses(cert);
        assert_eq!(
            emails,
            vec![
                "alice@example.test".to_string(),
                "用户@例子.广告".to_string(),
                "Legacy@Example.TEST".to_string()
            ]
        );
        let from = message_sender_addresses(
            "From: Bob <bob@example.test>, \"alice\"@EXAMPLE.test\r\nSender: 用户@xn--fsqu00a.xn--4rr70v\r\n\r\n".as_bytes(),
        );
        let matching: Vec<_> = from
            .iter()
            .filter(|m| emails.iter().any(|c| address_matches(m, c)))
            .collect();
        assert_eq!(matching.len(), 2, "{from:?}");
        assert!(address_matches("Legacy@example.test", &emails[2]));
        assert!(!address_matches("legacy@example.test", &emails[2]));
    }
}
