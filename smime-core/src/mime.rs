//! Finding the S/MIME parts of a message: multipart/signed (RFC 8551 §3.5.3,
//! RFC 1847) and application/pkcs7-mime (§3.2), with the signed entity kept
//! as received and in its CRLF canonical form (§3.1.1).
