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
    /// Keeps the parsed form of `text`.
    fn insert(&self, text: Arc<str>, record: Arc<Record>);
}

/// A [`SpfRecordCache`] in memory, bounded: when it holds `capacity` records
/// it starts again from empty (records are cheap to parse again; a bound on
/// memory matters more than the hit rate of a rare refill).
#[cfg(feature = "std")]
#[derive(Debug)]
pub struct MemoryRecordCache {
    map: std::sync::Mutex<std::collections::HashMap<Arc<str>, Arc<Record>>>,
    capacity: usize,
}

#[cfg(feature = "std")]
impl MemoryRecordCache {
    /// A cache of at most `capacity` records.
    pub fn new(capacity: usize) -> MemoryRecordCache {
        MemoryRecordCache {
            map: std::sync::Mutex::default(),
            capacity,
        }
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.map.lock().map_or(0, |m| m.len())
    }

    /// Whether it holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(feature = "std")]
impl SpfRecordCache for MemoryRecordCache {
    fn get(&self, text: &str) -> Option<(Arc<str>, Arc<Record>)> {
        let map = self.map.lock().ok()?;
        let (key, record) = map.get_key_value(text)?;
        Some((Arc::clone(key), Arc::clone(record)))
    }

    fn insert(&self, text: Arc<str>, record: Arc<Record>) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= self.capacity {
                map.clear();
            }
            if self.capacity > 0 {
                map.insert(text, record);
            }
        }
    }
}

#[cfg(test)]
#[cfg(feature = "std")]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_keyed_by_text() {
        let cache = MemoryRecordCache::new(2);
        let r = |t: &str| Arc::new(Record::parse(t).unwrap());
        cache.insert(Arc::from("v=spf1 -all"), r("v=spf1 -all"));
        cache.insert(Arc::from("v=spf1 +all"), r("v=spf1 +all"));
        assert_eq!(cache.len(), 2);
        assert!(cache.get("v=spf1 -all").is_some());
        cache.insert(Arc::from("v=spf1 ?all"), r("v=spf1 ?all"));
        assert_eq!(cache.len(), 1, "full: started again");
        assert!(cache.get("v=spf1 -all").is_none());
        assert!(MemoryRecordCache::new(0).is_empty());
    }
}
