//! Authentication-Results (RFC 8601): build and parse the header field.
