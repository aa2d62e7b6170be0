//! DMARC aggregate reports (RFC 9990, RFC 7489 Appendix C).
