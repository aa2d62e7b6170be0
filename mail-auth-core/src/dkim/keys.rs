//! Loading DKIM private keys from PEM, generating keys, and the DNS record to publish.
