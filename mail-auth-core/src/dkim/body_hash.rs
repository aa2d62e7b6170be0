//! Body hashes for every (canonicalization, hash, `l=`) in use, fed in chunks.
//!
//! Each canonicalization runs once however many signatures use it; its
//! output goes through a staging buffer (so the hashers see large pieces,
//! not words) to every hasher of that canonicalization, each stopping at
//! its `l=` count.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::canonicalization::{BodyCanonicalizer, Canonicalization};
use super::crypto::{CryptoProvider, HashAlgorithm, Hasher};

/// At most this many distinct (canonicalization, hash, `l=`) combinations.
const MAX_COMBINATIONS: usize = 32;
/// The staging buffer is handed to the hashers when it reaches this size.
const STAGING: usize = 16 * 1024;
/// Pieces of at least this size are hashed without staging.
const DIRECT: usize = 1024;
/// Input is canonicalized in slices of at most this size.
const SLICE: usize = 64 * 1024;

/// One finished body hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BodyHash {
    /// The digest of the canonical body, up to `l=` when there is one.
    pub(crate) digest: Vec<u8>,
    /// The length of the whole canonical body (not cut at `l=`).
    pub(crate) canonical_length: u64,
}

struct Target {
    limit: Option<u64>,
    hasher: Box<dyn Hasher>,
    index: usize,
}

struct Stream {
    canonicalizer: BodyCanonicalizer,
    targets: Vec<Target>,
    staging: Vec<u8>,
    /// Canonical bytes produced so far (including what is staged).
    length: u64,
    /// Canonical bytes already handed to the hashers.
    flushed: u64,
}

/// Hands `data`, the canonical bytes from offset `*fed`, to every hasher,
/// each up to its `l=`.
fn feed(targets: &mut [Target], data: &[u8], fed: &mut u64) {
    let start = *fed;
    for target in targets {
        let take = match target.limit {
            None => data.len(),
            Some(limit) => {
                let room = limit.saturating_sub(start);
                usize::try_from(room).map_or(data.len(), |r| r.min(data.len()))
            }
        };
        if take > 0 {
            target.hasher.update(data.get(..take).unwrap_or_default());
        }
    }
    *fed = start.saturating_add(data.len() as u64);
}

/// Hands the staged bytes to the hashers.
fn flush(targets: &mut [Target], staging: &mut Vec<u8>, flushed: &mut u64) {
    if !staging.is_empty() {
        feed(targets, staging, flushed);
        staging.clear();
    }
}

impl Stream {
    /// Canonicalizes `input` (or, with `None`, ends the body), hashing as
    /// the staging buffer fills.
    fn run(&mut self, input: Option<&[u8]>) {
        let Self {
            canonicalizer,
            targets,
            staging,
            length,
            flushed,
        } = self;
        let mut sink = |piece: &[u8]| {
            *length = length.saturating_add(piece.len() as u64);
            if piece.len() >= DIRECT {
                // Large pieces (runs of input already canonical) are hashed
                // where they are.
                flush(targets, staging, flushed);
                feed(targets, piece, flushed);
            } else {
                staging.extend_from_slice(piece);
                if staging.len() >= STAGING {
                    flush(targets, staging, flushed);
                }
            }
        };
        match input {
            Some(input) => canonicalizer.update(input, &mut sink),
            None => canonicalizer.finish(&mut sink),
        }
    }
}

/// The running body hashes of one message.
pub(crate) struct BodyHashes<'p> {
    provider: &'p dyn CryptoProvider,
    streams: Vec<Stream>,
    /// (canonicalization, hash, limit) of each index handed out.
    combinations: Vec<(Canonicalization, HashAlgorithm, Option<u64>)>,
}

impl core::fmt::Debug for BodyHashes<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BodyHashes")
            .field("combinations", &self.combinations)
            .finish_non_exhaustive()
    }
}

impl<'p> BodyHashes<'p> {
    /// No hashes yet.
    pub(crate) fn new(provider: &'p dyn CryptoProvider) -> Self {
        Self {
            provider,
            streams: Vec::new(),
            combinations: Vec::new(),
        }
    }

    /// Asks for a hash: the index of its result in [`finish`](Self::finish).
    /// The same combination asked twice shares one hash. `None` past the
    /// cap on combinations. Must be called before the first
    /// [`update`](Self::update).
    pub(crate) fn add(
        &mut self,
        c: Canonicalization,
        hash: HashAlgorithm,
        limit: Option<u64>,
    ) -> Option<usize> {
        let key = (c, hash, limit);
        if let Some(i) = self.combinations.iter().position(|k| *k == key) {
            return Some(i);
        }
        if self.combinations.len() >= MAX_COMBINATIONS {
            return None;
        }
        let index = self.combinations.len();
        self.combinations.push(key);
        let target = Target {
            limit,
            hasher: self.provider.hasher(hash),
            index,
        };
        match self
            .streams
            .iter_mut()
            .find(|s| s.canonicalizer.kind() == c)
        {
            Some(stream) => stream.targets.push(target),
            None => self.streams.push(Stream {
                canonicalizer: BodyCanonicalizer::new(c),
                targets: alloc::vec![target],
                staging: Vec::new(),
                length: 0,
                flushed: 0,
            }),
        }
        Some(index)
    }

    /// Feeds the next chunk of the body.
    pub(crate) fn update(&mut self, chunk: &[u8]) {
        for slice in chunk.chunks(SLICE) {
            for stream in &mut self.streams {
                stream.run(Some(slice));
            }
        }
    }

    /// The results, by the indexes [`add`](Self::add) gave.
    pub(crate) fn finish(self) -> Vec<BodyHash> {
        let mut out: Vec<Option<BodyHash>> = alloc::vec![None; self.combinations.len()];
        for mut stream in self.streams {
            stream.run(None);
            flush(
                &mut stream.targets,
                &mut stream.staging,
                &mut stream.flushed,
            );
            for target in stream.targets {
                if let Some(slot) = out.get_mut(target.index) {
                    *slot = Some(BodyHash {
                        digest: target.hasher.finish(),
                        canonical_length: stream.length,
                    });
                }
            }
        }
        out.into_iter()
            .map(|h| {
                h.unwrap_or(BodyHash {
                    digest: Vec::new(),
                    canonical_length: 0,
                })
            })
            .collect()
    }
}

/// The SHA-256 body hash of `body` under `c`, through `provider`: the
/// streaming path the verifier and signer use. For benchmarks.
#[doc(hidden)]
pub fn bench_body_hash(provider: &dyn CryptoProvider, c: Canonicalization, body: &[u8]) -> Vec<u8> {
    let mut hashes = BodyHashes::new(provider);
    let _ = hashes.add(c, HashAlgorithm::Sha256, None);
    hashes.update(body);
    hashes
        .finish()
        .into_iter()
        .next()
        .map(|h| h.digest)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dkim::canonicalization::canonical_body;
    use crate::dkim::crypto::RustCrypto;
    use Canonicalization::{Relaxed, Simple};

    fn sha256(data: &[u8]) -> Vec<u8> {
        let mut h = RustCrypto.hasher(HashAlgorithm::Sha256);
        h.update(data);
        h.finish()
    }

    #[test]
    fn combinations_share_and_limit() {
        let body = b"Hello  world \r\nsecond line\r\n\r\n".repeat(5000);
        let mut hashes = BodyHashes::new(&RustCrypto);
        let a = hashes.add(Relaxed, HashAlgorithm::Sha256, None).unwrap();
        let b = hashes.add(Simple, HashAlgorithm::Sha256, None).unwrap();
        let c = hashes.add(Relaxed, HashAlgorithm::Sha256, Some(7)).unwrap();
        let d = hashes
            .add(Simple, HashAlgorithm::Sha1, Some(100_000))
            .unwrap();
        assert_eq!(hashes.add(Relaxed, HashAlgorithm::Sha256, None), Some(a));
        for chunk in body.chunks(777) {
            hashes.update(chunk);
        }
        let out = hashes.finish();
        let relaxed = canonical_body(Relaxed, &body);
        let simple = canonical_body(Simple, &body);
        assert_eq!(out[a].digest, sha256(&relaxed));
        assert_eq!(out[a].canonical_length, relaxed.len() as u64);
        assert_eq!(out[b].digest, sha256(&simple));
        assert_eq!(out[c].digest, sha256(&relaxed[..7]));
        assert_eq!(out[c].canonical_length, relaxed.len() as u64);
        let mut sha1 = RustCrypto.hasher(HashAlgorithm::Sha1);
        sha1.update(&simple[..100_000]);
        assert_eq!(out[d].digest, sha1.finish());
    }

    #[test]
    fn rfc_6376_empty_body_hashes() {
        // RFC 6376 §3.4.3/§3.4.4 with errata 3192: the empty body's hashes.
        let simple = bench_body_hash(&RustCrypto, Simple, b"");
        let relaxed = bench_body_hash(&RustCrypto, Relaxed, b"");
        use base64::Engine as _;
        let b64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
        assert_eq!(b64(&simple), "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
        assert_eq!(
            b64(&relaxed),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn cap_on_combinations() {
        let mut hashes = BodyHashes::new(&RustCrypto);
        for i in 0..MAX_COMBINATIONS as u64 {
            assert!(hashes.add(Simple, HashAlgorithm::Sha256, Some(i)).is_some());
        }
        assert_eq!(hashes.add(Simple, HashAlgorithm::Sha256, Some(999)), None);
    }
}
