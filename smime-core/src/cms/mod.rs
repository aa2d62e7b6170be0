//! CMS SignedData (RFC 5652 §5): decoding (DER or BER) with the received
//! bytes kept where signatures cover them, signed attributes, and the check
//! of one SignerInfo's signature.
