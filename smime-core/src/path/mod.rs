//! Certificate path building and validation (RFC 5280 §6.1, RFC 4158),
//! with the S/MIME profile of RFC 8550.
