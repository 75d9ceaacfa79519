//! `Deserialize` for the plain string enums of the formats (channels, risk
//! levels, statuses ...), written once instead of derived per type.
//!
//! serde's derive reads each such enum through serde_json's enum machinery, a
//! copy per type: about 2 KB of the web module each, for what is a string
//! compare. Here every enum reads a string and looks it up in its list of wire
//! names. `Serialize` and the JSON Schema stay derived from `rename_all`; the
//! macro's `match` must name every variant (or the crate does not compile) and
//! a test holds both directions to the same names.

use serde::de::{Error, Visitor};

/// Reads a string and returns its position in `names`.
pub(crate) fn variant<'de, D: serde::Deserializer<'de>>(
    d: D,
    names: &'static [&'static str],
) -> Result<usize, D::Error> {
    struct V(&'static [&'static str]);
    impl Visitor<'_> for V {
        type Value = usize;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a variant name")
        }
        fn visit_str<E: Error>(self, s: &str) -> Result<usize, E> {
            self.0.iter().position(|n| *n == s).ok_or_else(|| E::unknown_variant(s, self.0))
        }
    }
    d.deserialize_str(V(names))
}

/// An object key, borrowed from the input where it has no escapes. (serde's
/// own `Cow<str>` always allocates a `String`: a malloc and a free per key of
/// every object read, about 2 % of a catalog load.)
pub(crate) struct Key<'de>(pub(crate) std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E: Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(s.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// The readers of the wire types, derived from their serde attributes
/// (`core/derive`): `WireStruct` for objects, `WireNames` for unit enums.
pub(crate) use inscene_derive::{WireNames, WireStruct};

/// The value at a dotted path (`entities.order.id`) in `v`; segments name
/// object keys or array indices. The one path lookup of the core: conditions,
/// placeholders and `Context::get` all read data through it.
pub(crate) fn dotted<'a>(v: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    path.split('.').try_fold(v, step)
}

/// Looks one step into `v`: a key of an object or an index of an array.
pub(crate) fn step<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    match v {
        serde_json::Value::Object(m) => m.get(key),
        serde_json::Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::content::{Channel, FieldType, FlowMode, HumanMode, Priority, RiskLevel};
    use crate::crisis::CrisisKind;
    use crate::events::EscalationReason;
    use crate::handoff::Speaker;
    use crate::session::{ActionOutcome, DeskState, Status};

    fn both_ways<T>(variants: &[T], names: &[&str], name: impl Fn(&T) -> &'static str)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        assert_eq!(variants.len(), names.len());
        for (v, n) in variants.iter().zip(names) {
            assert_eq!(name(v), *n);
            assert_eq!(serde_json::to_string(v).unwrap(), format!("\"{n}\""), "serialize {v:?}");
            assert_eq!(&serde_json::from_str::<T>(&format!("\"{n}\"")).unwrap(), v, "deserialize {n}");
        }
        let e = serde_json::from_str::<T>("\"nope\"").unwrap_err().to_string();
        assert!(e.starts_with("unknown variant `nope`, expected ") && e.contains(&format!("`{}`", names[0])), "{e}");
        let e = serde_json::from_str::<T>("3").unwrap_err().to_string();
        assert!(e.starts_with("invalid type: integer `3`, expected a variant name"), "{e}");
    }

    #[derive(Debug, PartialEq, serde::Serialize, crate::wire::WireStruct)]
    struct Probe {
        id: String,
        note: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default = "one")]
        weight: f64,
        #[serde(rename = "type")]
        kind: String,
    }

    fn one() -> f64 {
        1.0
    }

    #[test]
    fn a_struct_reads_as_the_derive_would() {
        let read = |s: &str| serde_json::from_str::<Probe>(s).map_err(|e| e.to_string());
        let full =
            Probe { id: "a".into(), note: Some("n".into()), tags: vec!["t".into()], weight: 2.0, kind: "k".into() };
        assert_eq!(read(&serde_json::to_string(&full).unwrap()), Ok(full));
        // Absent: `opt` is None, `def` its default; unknown fields are skipped; null is None.
        let bare = Probe { id: "b".into(), note: None, tags: Vec::new(), weight: 1.0, kind: "k".into() };
        assert_eq!(read(r#"{"extra": {"deep": [1]}, "id": "b", "type": "k", "note": null}"#), Ok(bare));
        assert!(read(r#"{"note": "n", "type": "k"}"#).unwrap_err().starts_with("missing field `id`"));
        assert!(read(r#"{"id": "a"}"#).unwrap_err().starts_with("missing field `type`"));
        assert!(read(r#"{"id": "a", "id": "b", "type": "k"}"#).unwrap_err().starts_with("duplicate field `id`"));
        assert!(read(r#"{"id": "a", "type": "k", "kind": "x"}"#).is_ok(), "the Rust name is not a wire name");
        // A key with an escape cannot be borrowed from the input; it still names its field.
        assert_eq!(read(r#"{"i\u0064": "e", "typ\u0065": "k"}"#).map(|p| p.id), Ok("e".to_owned()));
        assert!(read(r#"{"id": "a", "type": "k", "i\u0064": "b"}"#).unwrap_err().starts_with("duplicate field `id`"));
        assert!(
            read(r#"{"id": 3, "type": "k"}"#).unwrap_err().starts_with("invalid type: integer `3`, expected a string")
        );
        assert!(read(r#"["a"]"#).unwrap_err().starts_with("invalid type: sequence, expected a Probe object"));
    }

    #[test]
    fn every_string_enum_reads_what_it_writes() {
        both_ways(Channel::WIRE_VARIANTS, Channel::WIRE_NAMES, |v| v.wire_name());
        both_ways(Priority::WIRE_VARIANTS, Priority::WIRE_NAMES, |v| v.wire_name());
        both_ways(RiskLevel::WIRE_VARIANTS, RiskLevel::WIRE_NAMES, |v| v.wire_name());
        both_ways(HumanMode::WIRE_VARIANTS, HumanMode::WIRE_NAMES, |v| v.wire_name());
        both_ways(FieldType::WIRE_VARIANTS, FieldType::WIRE_NAMES, |v| v.wire_name());
        both_ways(FlowMode::WIRE_VARIANTS, FlowMode::WIRE_NAMES, |v| v.wire_name());
        both_ways(Status::WIRE_VARIANTS, Status::WIRE_NAMES, |v| v.wire_name());
        both_ways(Speaker::WIRE_VARIANTS, Speaker::WIRE_NAMES, |v| v.wire_name());
        both_ways(ActionOutcome::WIRE_VARIANTS, ActionOutcome::WIRE_NAMES, |v| v.wire_name());
        both_ways(DeskState::WIRE_VARIANTS, DeskState::WIRE_NAMES, |v| v.wire_name());
        both_ways(CrisisKind::WIRE_VARIANTS, CrisisKind::WIRE_NAMES, |v| v.wire_name());
        both_ways(EscalationReason::WIRE_VARIANTS, EscalationReason::WIRE_NAMES, |v| v.wire_name());
    }
}
