//! SMTP TLS reporting (RFC 8460): the `_smtp._tls` record and the report.
