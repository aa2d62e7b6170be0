//! Body hashes for every (canonicalization, hash, l=) in use, fed in chunks.
