//! A cache of parsed SPF records, shared between checks.
//!
//! A receiving server checks the same few hundred SPF records over and over.
//! With a cache in [`SpfConfig::record_cache`](super::SpfConfig::record_cache),
//! a record's text is parsed once and every later check that meets the same
//! text reuses the parsed form. The key is the record's text, not its domain,
//! so a changed record is parsed afresh: freshness stays the DNS resolver's
//! business (its TTLs).

use alloc::sync::Arc;

use super::record::Record;

/// Where parsed records are kept between checks. Implementations must be
/// safe to share between threads and should bound their size.
pub trait SpfRecordCache: Send + Sync + core::fmt::Debug {
    /// The text as kept and its parsed form, if `text` is cached.
    fn get(&self, text: &str) -> Option<(Arc<str>, Arc<Record>)>;
    /// [`get`](Self::get) for text not yet checked to be UTF-8 (a cached
    /// text is): the evaluator asks this way, so that a hit skips the check.
    /// The default checks, then calls `get`.
    fn get_bytes(&self, text: &[u8]) -> Option<(Arc<str>, Arc<Record>)> {
        core::str::from_utf8(text)
            .ok()
            .and_then(|text| self.get(text))
    }
    /// The parsed form only, for text not yet checked to be UTF-8: the
    /// evaluator asks this way for included records, whose text it does not
    /// need. The default calls [`get_bytes`](Self::get_bytes).
    fn get_record(&self, text: &[u8]) -> Option<Arc<Record>> {
        self.get_bytes(text).map(|(_, record)| record)
    }
    /// Keeps the parsed form of `text`.
    fn insert(&self, text: Arc<str>, record: Arc<Record>);
}

/// A [`SpfRecordCache`] in memory, bounded: when it holds `capacity` records
/// it starts again from empty (records are cheap to parse again; a bound on
/// memory matters more than the hit rate of a rare refill). Behind a
/// read-write lock: checks on many threads look records up at once, and only
/// a record met for the first time takes the lock alone. Texts are hashed
/// with `foldhash` (hashbrown's default hasher), several times faster than
/// SipHash on the hundred-byte texts every check hashes, and seeded at random
/// per cache, so that published records cannot aim at collisions (and the
/// cache's bound caps what a collision chain could cost anyway).
#[cfg(feature = "std")]
#[derive(Debug)]
pub struct MemoryRecordCache {
    map: std::sync::RwLock<std::collections::HashMap<Key, Arc<Record>, foldhash::fast::FixedState>>,
    capacity: usize,
}

/// `foldhash` keyed with a seed from the standard library's random hash
/// keys (the operating system's randomness; `foldhash`'s own random state
/// would also read the clock, which the core crates leave to the caller).
#[cfg(feature = "std")]
fn text_hash() -> foldhash::fast::FixedState {
    use std::hash::BuildHasher as _;
    let seed = std::hash::RandomState::new().hash_one(0x5350_465f_6361_6368_u64);
    foldhash::fast::FixedState::with_seed(seed)
}

/// A cached text, looked up by its bytes.
#[cfg(feature = "std")]
#[derive(Debug, PartialEq, Eq)]
struct Key(Arc<str>);

#[cfg(feature = "std")]
impl core::hash::Hash for Key {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        // As `[u8]` hashes, which lookups borrow it as.
        self.0.as_bytes().hash(state);
    }
}

#[cfg(feature = "std")]
impl core::borrow::Borrow<[u8]> for Key {
    fn borrow(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

#[cfg(feature = "std")]
impl MemoryRecordCache {
    /// A cache of at most `capacity` records.
    pub fn new(capacity: usize) -> MemoryRecordCache {
        MemoryRecordCache {
            map: std::sync::RwLock::new(std::collections::HashMap::with_hasher(text_hash())),
            capacity,
        }
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.map.read().map_or(0, |m| m.len())
    }

    /// Whether it holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(feature = "std")]
impl SpfRecordCache for MemoryRecordCache {
    fn get(&self, text: &str) -> Option<(Arc<str>, Arc<Record>)> {
        let map = self.map.read().ok()?;
        let (key, record) = map.get_key_value(text.as_bytes())?;
        Some((Arc::clone(&key.0), Arc::clone(record)))
    }

    fn get_bytes(&self, text: &[u8]) -> Option<(Arc<str>, Arc<Record>)> {
        let map = self.map.read().ok()?;
        let (key, record) = map.get_key_value(text)?;
        Some((Arc::clone(&key.0), Arc::clone(record)))
    }

    fn get_record(&self, text: &[u8]) -> Option<Arc<Record>> {
        let map = self.map.read().ok()?;
        map.get(text).map(Arc::clone)
    }

    fn insert(&self, text: Arc<str>, record: Arc<Record>) {
        if let Ok(mut map) = self.map.write() {
            if map.len() >= self.capacity {
                map.clear();
            }
            if self.capacity > 0 {
                map.insert(Key(text), record);
            }
        }
    }
}

#[cfg(test)]
#[cfg(feature = "std")]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::String;
    use alloc::vec::Vec;

    #[test]
    fn bounded_and_keyed_by_text() {
        let cache = MemoryRecordCache::new(2);
        let r = |t: &str| Arc::new(Record::parse(t).unwrap());
        cache.insert(Arc::from("v=spf1 -all"), r("v=spf1 -all"));
        cache.insert(Arc::from("v=spf1 +all"), r("v=spf1 +all"));
        assert_eq!(cache.len(), 2);
        assert!(cache.get("v=spf1 -all").is_some());
        assert!(cache.get_bytes(b"v=spf1 -all").is_some());
        assert_eq!(
            cache.get_record(b"v=spf1 -all").as_deref(),
            Some(&Record::parse("v=spf1 -all").unwrap())
        );
        assert!(cache.get_record(b"v=spf1 -al").is_none());
        assert!(cache.get_bytes(b"v=spf1 -al").is_none());
        assert!(cache.get_bytes(b"v=spf1 \xff").is_none());
        // Texts of every length around the 16-byte blocks are told apart.
        let texts: Vec<String> = (0..40)
            .map(|n| format!("v=spf1{}", " ".repeat(n)))
            .collect();
        let many = MemoryRecordCache::new(64);
        for t in &texts {
            many.insert(Arc::from(t.as_str()), r("v=spf1"));
        }
        assert_eq!(many.len(), 40);
        assert!(texts.iter().all(|t| many.get_bytes(t.as_bytes()).is_some()));
        cache.insert(Arc::from("v=spf1 ?all"), r("v=spf1 ?all"));
        assert_eq!(cache.len(), 1, "full: started again");
        assert!(cache.get("v=spf1 -all").is_none());
        assert!(MemoryRecordCache::new(0).is_empty());
    }
}
