//! Finding the S/MIME parts of a message: multipart/signed (RFC 8551 §3.5.3,
//! RFC 1847) and application/pkcs7-mime (§3.2), with the signed entity kept
//! as received and in its CRLF canonical form (§3.1.1).
//!
//! [`find_smime`] looks at the top-level entity of a message (a whole
//! RFC 5322 message or a bare MIME entity) and returns what a verifier needs:
//!
//! - `multipart/signed` ([`SmimeEntity::Detached`]): exactly two parts. The
//!   first part is the signed MIME entity: [`SmimeEntity::Detached::signed_raw`]
//!   holds its exact bytes, from the end of the first delimiter line to the
//!   line break before the next delimiter (that line break belongs to the
//!   delimiter, RFC 2046 §5.1.1 and RFC 1847 §2.1). `signed_canonical` is the
//!   same with every bare LF turned into CR LF (RFC 8551 §3.1.1), for messages
//!   stored with LF line ends; it borrows when nothing had to change. The
//!   second part must be of type `application/pkcs7-signature` or the older
//!   `application/x-pkcs7-signature`; its body, decoded by its
//!   Content-Transfer-Encoding, is the CMS SignedData.
//! - `application/pkcs7-mime` or `application/x-pkcs7-mime`, and
//!   `application/octet-stream` with a `name` parameter ending in `.p7m` as
//!   some older clients send ([`SmimeEntity::Opaque`]): the decoded CMS bytes
//!   and the `smime-type` parameter in lower case.
//!
//! # The `protocol` and `micalg` parameters
//!
//! `protocol` is compared case-insensitively with both spellings RFC 8551
//! §3.5.3 and its predecessors allow (`application/pkcs7-signature`,
//! `application/x-pkcs7-signature`). The type of the signature part decides:
//! a `protocol` that is missing or names something else is accepted when the
//! second part's own type is one of the two signature types (mail clients have
//! sent every combination), and is reported as written in
//! [`SmimeEntity::Detached::protocol`]. A second part of any other type is an
//! error whatever `protocol` says.
//!
//! `micalg` is information only (lower-cased). The digest algorithm that
//! counts is the one in the SignerInfo: a verifier never trusts `micalg`.
//!
//! # Bounds
//!
//! Messages longer than [`MAX_SMIME_MESSAGE_SIZE`] and decoded CMS objects
//! longer than [`MAX_CMS_SIZE`] are refused. The MIME structure is parsed
//! with the limits of [`Limits::default`].

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use mailsec_message::{
    Entity, Limits, MessageError, TransferError, canonicalize_crlf, decode_body, parse_entity,
};

/// The largest message [`find_smime`] reads, in bytes (96 MiB): room for a
/// base64 body that decodes to [`MAX_CMS_SIZE`].
pub const MAX_SMIME_MESSAGE_SIZE: usize = 96 * 1024 * 1024;

/// The largest decoded CMS object (signature or pkcs7-mime body), in bytes
/// (64 MiB).
pub(crate) use crate::cms::MAX_CMS_SIZE;

/// The S/MIME content of a message's top-level entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmimeEntity<'a> {
    /// `multipart/signed` (RFC 1847, RFC 8551 §3.5.3): a MIME entity and a
    /// detached signature over it.
    Detached {
        /// The first part exactly as received: its header fields and body,
        /// without the line break that precedes the next delimiter.
        signed_raw: &'a [u8],
        /// [`Self::Detached::signed_raw`] with every bare LF turned into CR LF
        /// (RFC 8551 §3.1.1): the bytes the signature is checked over.
        /// Borrowed when `signed_raw` had no bare LF.
        signed_canonical: Cow<'a, [u8]>,
        /// The signature part's body, decoded (a DER CMS ContentInfo).
        signature: Vec<u8>,
        /// The `micalg` parameter in lower case, when present. Information
        /// only: never trusted when verifying.
        micalg: Option<String>,
        /// The `protocol` parameter as written (empty when absent); see the
        /// module documentation for the mismatches accepted.
        protocol: String,
    },
    /// `application/pkcs7-mime` or `application/x-pkcs7-mime` (RFC 8551
    /// §3.2): the whole CMS object is the body.
    Opaque {
        /// The body decoded by its Content-Transfer-Encoding (a DER CMS
        /// ContentInfo, or BER from some senders).
        cms: Vec<u8>,
        /// The `smime-type` parameter in lower case (`signed-data`,
        /// `enveloped-data`, `authenveloped-data`, `certs-only`,
        /// `compressed-data`, ...), when present.
        smime_type: Option<String>,
    },
}

/// Why a message holds no readable S/MIME entity.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SmimeMimeError {
    /// The top-level entity is of another type.
    #[error("not an S/MIME message: the content type is {found}")]
    NotSmime {
        /// The content type found (`type/subtype`, lower case).
        found: String,
    },
    /// The message's structure exceeds a parser limit.
    #[error("cannot read the message: {0}")]
    Message(#[from] MessageError),
    /// A `multipart/signed` without a usable boundary parameter.
    #[error("multipart/signed without a usable boundary")]
    MissingBoundary,
    /// A `multipart/signed` with other than two parts.
    #[error("multipart/signed with {found} parts where two are required")]
    PartCount {
        /// How many parts there are.
        found: usize,
    },
    /// The second part of a `multipart/signed` is not a signature.
    #[error("the second part of multipart/signed is {found}, not application/pkcs7-signature")]
    NotASignature {
        /// Its content type (`type/subtype`, lower case).
        found: String,
    },
    /// A parameter that decides how the message is read (`boundary`,
    /// `protocol`, `micalg`, `smime-type`) occurs more than once: other
    /// readers could pick another occurrence.
    #[error("the {name} parameter occurs more than once")]
    AmbiguousParameter {
        /// The parameter's name.
        name: String,
    },
    /// The body could not be decoded (bad base64, unknown transfer encoding).
    #[error("cannot decode the CMS body: {0}")]
    Decode(#[from] TransferError),
    /// The message or the decoded CMS object is larger than allowed.
    #[error("larger than {limit} bytes")]
    TooLarge {
        /// The limit exceeded ([`MAX_SMIME_MESSAGE_SIZE`] or [`MAX_CMS_SIZE`]).
        limit: usize,
    },
}

/// Finds the S/MIME entity at the top of `message` (a whole RFC 5322 message
/// or a bare MIME entity).
///
/// - `multipart/signed` with exactly two parts gives [`SmimeEntity::Detached`].
///   The second part must be `application/pkcs7-signature` or
///   `application/x-pkcs7-signature`. The `protocol` parameter is compared
///   case-insensitively with those two types; a missing or different
///   `protocol` is accepted when the second part's own type is one of them
///   (the part's type decides). `micalg` is information only.
/// - `application/pkcs7-mime`, `application/x-pkcs7-mime`, and
///   `application/octet-stream` named `*.p7m`, give [`SmimeEntity::Opaque`].
/// - Bodies are decoded by their Content-Transfer-Encoding (base64 ignores
///   white space and line lengths). A `boundary`, `protocol`, `micalg` or
///   `smime-type` parameter given twice is refused. Messages over
///   [`MAX_SMIME_MESSAGE_SIZE`] and CMS objects over [`MAX_CMS_SIZE`] are
///   refused.
///
/// ```
/// use smime_core::{SmimeEntity, find_smime};
///
/// let msg = b"From: a@example.test\r\n\
///     Content-Type: application/pkcs7-mime; smime-type=Signed-Data\r\n\
///     Content-Transfer-Encoding: base64\r\n\r\nMAA=\r\n";
/// match find_smime(msg)? {
///     SmimeEntity::Opaque { cms, smime_type } => {
///         assert_eq!(cms, [0x30, 0x00]);
///         assert_eq!(smime_type.as_deref(), Some("signed-data"));
///     }
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), smime_core::SmimeMimeError>(())
/// ```
pub fn find_smime(message: &[u8]) -> Result<SmimeEntity<'_>, SmimeMimeError> {
    if message.len() > MAX_SMIME_MESSAGE_SIZE {
        return Err(SmimeMimeError::TooLarge {
            limit: MAX_SMIME_MESSAGE_SIZE,
        });
    }
    let top = parse_entity(message, &Limits::default())?;
    let ct = top.content_type();
    if let Some(name) = ct.duplicate_parameters().iter().find(|n| {
        matches!(
            n.as_str(),
            "boundary" | "protocol" | "micalg" | "smime-type"
        )
    }) {
        return Err(SmimeMimeError::AmbiguousParameter { name: name.clone() });
    }
    if ct.is("multipart", "signed") {
        return detached(&top);
    }
    if ct.is("application", "pkcs7-mime")
        || ct.is("application", "x-pkcs7-mime")
        || (ct.is("application", "octet-stream") && has_p7m_name(&top))
    {
        let cms = decode_cms(&top)?;
        let smime_type = ct.param("smime-type").map(lower);
        return Ok(SmimeEntity::Opaque { cms, smime_type });
    }
    Err(SmimeMimeError::NotSmime {
        found: ct.essence(),
    })
}

fn detached<'a>(top: &Entity<'a>) -> Result<SmimeEntity<'a>, SmimeMimeError> {
    let ct = top.content_type();
    let multipart = top.multipart().ok_or(SmimeMimeError::MissingBoundary)?;
    let parts = multipart.parts();
    let (Some(content), Some(signature), 2) = (parts.first(), parts.get(1), parts.len()) else {
        return Err(SmimeMimeError::PartCount { found: parts.len() });
    };
    let sig_ct = signature.content_type();
    if !(sig_ct.is("application", "pkcs7-signature")
        || sig_ct.is("application", "x-pkcs7-signature"))
    {
        return Err(SmimeMimeError::NotASignature {
            found: sig_ct.essence(),
        });
    }
    let signed_raw = content.raw();
    Ok(SmimeEntity::Detached {
        signed_raw,
        signed_canonical: canonicalize_crlf(signed_raw),
        signature: decode_cms(signature)?,
        micalg: ct.param("micalg").map(lower),
        protocol: ct
            .param("protocol")
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .unwrap_or_default(),
    })
}

/// The entity's body decoded by its Content-Transfer-Encoding, within
/// [`MAX_CMS_SIZE`].
fn decode_cms(entity: &Entity<'_>) -> Result<Vec<u8>, SmimeMimeError> {
    let body = entity.body();
    // Base64 never decodes to more bytes than it has: an early refusal
    // needs no allocation. The exact check follows the decoding.
    let estimate = body.len() / 4 * 3;
    if estimate > MAX_CMS_SIZE.saturating_add(MAX_CMS_SIZE / 2) {
        return Err(SmimeMimeError::TooLarge {
            limit: MAX_CMS_SIZE,
        });
    }
    let decoded = decode_body(entity)?;
    if decoded.len() > MAX_CMS_SIZE {
        return Err(SmimeMimeError::TooLarge {
            limit: MAX_CMS_SIZE,
        });
    }
    Ok(decoded.into_owned())
}

/// Whether an `application/octet-stream` entity is named `*.p7m` (the
/// Content-Type `name` parameter, as older clients send it).
fn has_p7m_name(entity: &Entity<'_>) -> bool {
    entity
        .content_type()
        .param("name")
        .is_some_and(|name| lower(name).trim_end().ends_with(".p7m"))
}

fn lower(value: &[u8]) -> String {
    String::from_utf8_lossy(value).trim().to_ascii_lowercase()
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
    use alloc::vec;
    use base64::Engine as _;
    use proptest::prelude::*;

    fn detached_parts(e: SmimeEntity<'_>) -> (Vec<u8>, Vec<u8>, Vec<u8>, Option<String>, String) {
        match e {
            SmimeEntity::Detached {
                signed_raw,
                signed_canonical,
                signature,
                micalg,
                protocol,
            } => (
                signed_raw.to_vec(),
                signed_canonical.into_owned(),
                signature,
                micalg,
                protocol,
            ),
            other => panic!("not detached: {other:?}"),
        }
    }

    const SIGNED_CRLF: &[u8] = b"From: alice@example.test\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/signed; protocol=\"Application/PKCS7-Signature\";\r\n\
\x20micalg=SHA-256; boundary=\"----B\"\r\n\
\r\n\
This is an S/MIME signed message (preamble)\r\n\
\r\n\
------B\r\n\
Content-Type: text/plain\r\n\
\r\n\
hello\r\n\
\r\n\
------B\r\n\
Content-Type: application/pkcs7-signature; name=smime.p7s\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
MIIB\r\n\
AgM=\r\n\
\r\n\
------B--\r\n\
epilogue\r\n";

    #[test]
    fn multipart_signed_crlf() {
        let (raw, canon, sig, micalg, protocol) = detached_parts(find_smime(SIGNED_CRLF).unwrap());
        assert_eq!(raw, b"Content-Type: text/plain\r\n\r\nhello\r\n");
        assert_eq!(canon, raw);
        assert_eq!(sig, vec![0x30, 0x82, 0x01, 0x02, 0x03]);
        assert_eq!(micalg.as_deref(), Some("sha-256"));
        assert_eq!(protocol, "Application/PKCS7-Signature");
        // Already canonical: borrowed.
        match find_smime(SIGNED_CRLF).unwrap() {
            SmimeEntity::Detached {
                signed_canonical, ..
            } => assert!(matches!(signed_canonical, Cow::Borrowed(_))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn multipart_signed_lf_only() {
        let lf: Vec<u8> = SIGNED_CRLF
            .iter()
            .copied()
            .filter(|&b| b != b'\r')
            .collect();
        let (raw, canon, sig, _, _) = detached_parts(find_smime(&lf).unwrap());
        assert_eq!(raw, b"Content-Type: text/plain\n\nhello\n");
        assert_eq!(canon, b"Content-Type: text/plain\r\n\r\nhello\r\n");
        assert_eq!(sig, vec![0x30, 0x82, 0x01, 0x02, 0x03]);
    }

    #[test]
    fn x_pkcs7_signature_and_protocol_mismatch() {
        let m = String::from_utf8(SIGNED_CRLF.to_vec())
            .unwrap()
            .replace(
                "Application/PKCS7-Signature",
                "application/x-pkcs7-signature",
            )
            .replace(
                "application/pkcs7-signature; name",
                "application/x-pkcs7-signature; name",
            );
        let (_, _, _, _, protocol) = detached_parts(find_smime(m.as_bytes()).unwrap());
        assert_eq!(protocol, "application/x-pkcs7-signature");
        // A protocol naming something else: the part's type decides.
        let m = String::from_utf8(SIGNED_CRLF.to_vec())
            .unwrap()
            .replace("Application/PKCS7-Signature", "application/pgp-signature");
        assert!(find_smime(m.as_bytes()).is_ok());
        // A signature part of another type is refused.
        let m = String::from_utf8(SIGNED_CRLF.to_vec()).unwrap().replace(
            "application/pkcs7-signature; name",
            "application/pgp-signature; name",
        );
        assert_eq!(
            find_smime(m.as_bytes()),
            Err(SmimeMimeError::NotASignature {
                found: "application/pgp-signature".into()
            })
        );
    }

    #[test]
    fn wrong_part_count_and_missing_boundary() {
        let m = b"Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n";
        assert_eq!(find_smime(m), Err(SmimeMimeError::PartCount { found: 1 }));
        let m = b"Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=b\r\n\r\n\
--b\r\n\r\nx\r\n--b\r\n\r\ny\r\n--b\r\n\r\nz\r\n--b--\r\n";
        assert_eq!(find_smime(m), Err(SmimeMimeError::PartCount { found: 3 }));
        let m = b"Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"\r\n\r\nx\r\n";
        assert_eq!(find_smime(m), Err(SmimeMimeError::MissingBoundary));
        let m = b"Content-Type: multipart/signed; boundary=a; boundary=b\r\n\r\nx\r\n";
        assert_eq!(
            find_smime(m),
            Err(SmimeMimeError::AmbiguousParameter {
                name: "boundary".into()
            })
        );
    }

    #[test]
    fn opaque_spellings_and_encodings() {
        let der = [0x30u8, 0x03, 0x02, 0x01, 0x05];
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        for ct in [
            "application/pkcs7-mime; smime-type=Signed-Data; name=smime.p7m",
            "application/x-pkcs7-mime; smime-type=\"enveloped-data\"",
            "Application/PKCS7-MIME",
            "application/octet-stream; name=\"smime.P7M\"",
        ] {
            // Base64 with odd line lengths and stray white space.
            let (a, b) = b64.split_at(3);
            let m = alloc::format!(
                "From: a@example.test\nContent-Type: {ct}\nContent-Transfer-Encoding: BASE64\n\n{a}\n  {b} \n\n"
            );
            match find_smime(m.as_bytes()).unwrap() {
                SmimeEntity::Opaque { cms, smime_type } => {
                    assert_eq!(cms, der, "{ct}");
                    if ct.contains("Signed") {
                        assert_eq!(smime_type.as_deref(), Some("signed-data"));
                    } else if ct.contains("enveloped") {
                        assert_eq!(smime_type.as_deref(), Some("enveloped-data"));
                    } else {
                        assert_eq!(smime_type, None);
                    }
                }
                other => panic!("{other:?}"),
            }
        }
        // Binary body, as is.
        let mut m = b"Content-Type: application/pkcs7-mime; smime-type=certs-only\r\nContent-Transfer-Encoding: binary\r\n\r\n".to_vec();
        m.extend_from_slice(&der);
        match find_smime(&m).unwrap() {
            SmimeEntity::Opaque { cms, smime_type } => {
                assert_eq!(cms, der);
                assert_eq!(smime_type.as_deref(), Some("certs-only"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors() {
        let m = b"From: a@example.test\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
        assert_eq!(
            find_smime(m),
            Err(SmimeMimeError::NotSmime {
                found: "text/plain".into()
            })
        );
        let m = b"Content-Type: application/octet-stream; name=x.bin\r\n\r\nx";
        assert!(matches!(
            find_smime(m),
            Err(SmimeMimeError::NotSmime { .. })
        ));
        let m = b"Content-Type: application/pkcs7-mime\r\nContent-Transfer-Encoding: base64\r\n\r\nMA*A\r\n";
        assert!(matches!(find_smime(m), Err(SmimeMimeError::Decode(_))));
        let m = b"Content-Type: application/pkcs7-mime\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nMAA\r\n";
        assert!(matches!(find_smime(m), Err(SmimeMimeError::Decode(_))));
        assert!(matches!(
            find_smime(b""),
            Err(SmimeMimeError::NotSmime { .. })
        ));
    }

    fn vectors() -> Option<std::path::PathBuf> {
        let dir = std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/vectors/smime"
        ));
        dir.is_dir().then_some(dir)
    }

    #[test]
    fn pkits_smime_messages() {
        let Some(dir) = vectors() else {
            eprintln!("skipped: ../shared/vectors absent");
            return;
        };
        let mut seen = 0;
        for entry in std::fs::read_dir(dir.join("pkits-smime/smime")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "eml") {
                continue;
            }
            let msg = std::fs::read(&path).unwrap();
            let (raw, canon, sig, micalg, protocol) = detached_parts(
                find_smime(&msg).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
            );
            assert!(
                raw.starts_with(b"Content-Type: text/plain"),
                "{}",
                path.display()
            );
            assert!(!canon.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'));
            assert_eq!(sig.first(), Some(&0x30), "{}", path.display());
            assert_eq!(micalg.as_deref(), Some("sha-256"));
            assert_eq!(protocol, "application/pkcs7-signature");
            seen += 1;
        }
        assert!(seen > 0);
    }

    /// A temporary directory removed on drop.
    struct TempDir(std::path::PathBuf);
    impl TempDir {
        fn new(tag: &str) -> Self {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static N: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(alloc::format!(
                "smime-core-{tag}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn openssl(dir: &std::path::Path, args: &[&str]) -> Option<std::process::Output> {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .ok()?;
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(out)
    }

    #[test]
    fn openssl_signed_canonical_is_what_openssl_signed() {
        let tmp = TempDir::new("mime");
        let dir = tmp.0.as_path();
        if openssl(
            dir,
            &[
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
                "-subj",
                "/CN=t",
            ],
        )
        .is_none()
        {
            eprintln!("skipped: no openssl");
            return;
        }
        // LF line ends in the file; openssl signs the CRLF form.
        let content = b"Content-Type: text/plain\n\nhello\nworld\n";
        std::fs::write(dir.join("in.txt"), content).unwrap();
        openssl(
            dir,
            &[
                "cms", "-sign", "-signer", "c.pem", "-inkey", "k.pem", "-in", "in.txt", "-out",
                "out.eml",
            ],
        );
        let msg = std::fs::read(dir.join("out.eml")).unwrap();
        let (raw, canon, sig, micalg, _) = detached_parts(find_smime(&msg).unwrap());
        let expected: Vec<u8> = canonicalize_crlf(content).into_owned();
        assert_eq!(canon, expected, "{}", String::from_utf8_lossy(&raw));
        assert_eq!(micalg.as_deref(), Some("sha-256"));
        assert_eq!(sig.first(), Some(&0x30));
        // The same message stored with LF line ends.
        let lf: Vec<u8> = msg.iter().copied().filter(|&b| b != b'\r').collect();
        let (_, canon, sig2, _, _) = detached_parts(find_smime(&lf).unwrap());
        assert_eq!(canon, expected);
        assert_eq!(sig2, sig);
        // Opaque.
        openssl(
            dir,
            &[
                "cms",
                "-sign",
                "-nodetach",
                "-signer",
                "c.pem",
                "-inkey",
                "k.pem",
                "-in",
                "in.txt",
                "-out",
                "opaque.eml",
            ],
        );
        let msg = std::fs::read(dir.join("opaque.eml")).unwrap();
        match find_smime(&msg).unwrap() {
            SmimeEntity::Opaque { cms, smime_type } => {
                assert_eq!(smime_type.as_deref(), Some("signed-data"));
                assert_eq!(cms.first(), Some(&0x30));
            }
            other => panic!("{other:?}"),
        }
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = find_smime(&data);
        }

        #[test]
        fn never_panics_on_signed_like(tail in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let mut m = SIGNED_CRLF[..SIGNED_CRLF.len() / 2].to_vec();
            m.extend_from_slice(&tail);
            let _ = find_smime(&m);
        }
    }
}
