//! Sender binding (RFC 8550 §3): the addresses of the From and Sender fields
//! against the signer certificate's subjectAltName and subject emailAddress.
