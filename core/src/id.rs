//! Validated identifiers. A raw string from content becomes one of these only
//! after the linter has checked its syntax and that it refers to something real.

use std::fmt;
use std::sync::Arc;

/// Whether `s` is a valid id: 1 to `max_bytes` bytes of `A-Z a-z 0-9 _ . -`, starting with a letter or digit.
pub fn is_valid_id(s: &str, max_bytes: usize) -> bool {
    !s.is_empty()
        && s.len() <= max_bytes
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Ids to their positions in a list, in four bytes an id where a hash map
/// of ids takes about forty: the positions in order of id, searched by
/// bisection against the list itself (which the caller reads through `id_at`).
#[derive(Debug, Default)]
pub(crate) struct IdIndex(Box<[u32]>);

impl IdIndex {
    /// Indexes the `len` ids that `id_at` gives by position.
    pub(crate) fn new<'a>(len: usize, id_at: impl Fn(usize) -> &'a str) -> Self {
        let mut order: Vec<u32> = (0..len as u32).collect();
        crate::order::by(&mut order, |&a, &b| id_at(a as usize).cmp(id_at(b as usize)));
        IdIndex(order.into_boxed_slice())
    }

    /// The position of `id`, if the list holds it (of equal ids, one of them).
    pub(crate) fn get<'a>(&self, id: &str, id_at: impl Fn(usize) -> &'a str) -> Option<usize> {
        let at = self.0.binary_search_by(|&p| id_at(p as usize).cmp(id)).ok()?;
        self.0.get(at).map(|&p| p as usize)
    }
}

/// FNV-1a, 64 bits: a stable fingerprint of ids (rollout buckets, event ids
/// without a request). Not for anything an attacker may choose to collide.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    /// Adds bytes.
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The fingerprint so far.
    pub(crate) fn finish(self) -> u64 {
        self.0
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            /// Wraps an id the linter has already validated.
            pub(crate) fn checked(s: &str) -> Self {
                $name(Arc::from(s))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
    };
}

id_type!(
    /// Id of a scenario in a loaded catalog.
    ScenarioId
);
id_type!(
    /// Id of a flow in a loaded catalog.
    FlowId
);
id_type!(
    /// Id of a step, unique within its flow.
    StepId
);
id_type!(
    /// Id of a declared in-app action.
    ActionId
);
id_type!(
    /// Id of a proactive intervention.
    InterventionId
);

/// Index of a flow in a [`Catalog`](crate::Catalog).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowIx(pub(crate) u32);

/// Index of a step within its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepIx(pub(crate) u32);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_index_finds_every_id_and_no_other() {
        let ids = ["order_missing", "a", "refund", "b-2", "account.locked", "zz"];
        let index = IdIndex::new(ids.len(), |i| ids[i]);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(index.get(id, |p| ids[p]), Some(i));
        }
        for other in ["", "order", "zzz", "A", "refunds"] {
            assert_eq!(index.get(other, |p| ids[p]), None);
        }
        assert_eq!(IdIndex::new(0, |_| "").get("a", |_| ""), None);
    }

    #[test]
    fn id_syntax() {
        assert!(is_valid_id("order_missing.v2-a", 64));
        assert!(!is_valid_id("", 64));
        assert!(!is_valid_id("_x", 64));
        assert!(!is_valid_id("has space", 64));
        assert!(!is_valid_id("订单", 64));
        assert!(!is_valid_id(&"a".repeat(65), 64));
    }
}
