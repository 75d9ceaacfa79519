//! [`LocalizedText`]: text per locale, held compactly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Localized text: a map from a locale tag (`en`, `zh-Hans`, `zh-Hant`) to the
/// text in that locale. Text may hold placeholders such as `{entities.order.id}`
/// or `{answers.order_number}`; `{{` and `}}` stand for literal braces.
///
/// On the wire it is a JSON object. In memory it is one sorted slice of
/// (locale, text) pairs: a catalog holds one per title, summary and step, and
/// a `BTreeMap` spends a 544-byte node on the two or three locales each has.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalizedText(Box<[(Box<str>, Box<str>)]>);

impl LocalizedText {
    /// The text for `locale`, exactly as tagged.
    pub fn get(&self, locale: &str) -> Option<&str> {
        self.0.binary_search_by(|(k, _)| (**k).cmp(locale)).ok().and_then(|i| self.0.get(i)).map(|(_, v)| &**v)
    }

    /// Whether there is a text for `locale`.
    pub fn contains_key(&self, locale: &str) -> bool {
        self.get(locale).is_some()
    }

    /// (locale, text) pairs in locale order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + DoubleEndedIterator + Clone + '_ {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }

    /// The locales, in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + DoubleEndedIterator + Clone + '_ {
        self.0.iter().map(|(k, _)| &**k)
    }

    /// The texts, in locale order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &str> + DoubleEndedIterator + Clone + '_ {
        self.0.iter().map(|(_, v)| &**v)
    }

    /// The first (locale, text) pair in locale order.
    pub fn first_key_value(&self) -> Option<(&str, &str)> {
        self.iter().next()
    }

    /// How many locales have a text.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no locale has a text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sets the text for `locale`, replacing any there was.
    pub fn insert(&mut self, locale: impl Into<String>, text: impl Into<String>) {
        let mut pairs = std::mem::take(&mut self.0).into_vec();
        let (locale, text) = (locale.into().into_boxed_str(), text.into().into_boxed_str());
        match pairs.binary_search_by(|(k, _)| k.cmp(&locale)) {
            Ok(i) => {
                if let Some(p) = pairs.get_mut(i) {
                    p.1 = text;
                }
            }
            Err(i) => pairs.insert(i, (locale, text)),
        }
        self.0 = pairs.into_boxed_slice();
    }

    /// The same texts as a map.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
    }
}

impl std::fmt::Debug for LocalizedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for LocalizedText {
    /// Pairs in any order; of a repeated locale the last text stands, as in a map.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut pairs: Vec<(Box<str>, Box<str>)> =
            iter.into_iter().map(|(k, v)| (k.into().into_boxed_str(), v.into().into_boxed_str())).collect();
        // Authors mostly write locales in order, once each: nothing to sort.
        if pairs.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)) {
            return LocalizedText(pairs.into_boxed_slice());
        }
        // Stable by locale, then the last of each run of equal locales kept.
        crate::order::by(&mut pairs, |a, b| a.0.cmp(&b.0));
        let mut out: Vec<(Box<str>, Box<str>)> = Vec::with_capacity(pairs.len());
        for p in pairs {
            match out.last_mut() {
                Some(last) if last.0 == p.0 => *last = p,
                _ => out.push(p),
            }
        }
        LocalizedText(out.into_boxed_slice())
    }
}

impl<K: Into<String>, V: Into<String>, const N: usize> From<[(K, V); N]> for LocalizedText {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl From<BTreeMap<String, String>> for LocalizedText {
    fn from(map: BTreeMap<String, String>) -> Self {
        map.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a LocalizedText {
    type Item = (&'a str, &'a str);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (Box<str>, Box<str>)>, fn(&'a (Box<str>, Box<str>)) -> (&'a str, &'a str)>;
    fn into_iter(self) -> Self::IntoIter {
        fn pair(p: &(Box<str>, Box<str>)) -> (&str, &str) {
            (&p.0, &p.1)
        }
        self.0.iter().map(pair)
    }
}

impl Serialize for LocalizedText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for LocalizedText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = LocalizedText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of texts by locale")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<LocalizedText, A::Error> {
                let mut pairs: Vec<(String, String)> = Vec::with_capacity(map.size_hint().unwrap_or(0).min(16));
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    pairs.push((k, v));
                }
                Ok(pairs.into_iter().collect())
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for LocalizedText {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LocalizedText".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <BTreeMap<String, String>>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_as_an_object_sorted_with_the_last_of_a_repeated_locale() {
        let t: LocalizedText = serde_json::from_str(r#"{"zh-Hans":"你好","en":"one","en":"two"}"#).unwrap();
        assert_eq!(t.get("en"), Some("two"));
        assert_eq!(t.get("zh-Hans"), Some("你好"));
        assert_eq!(t.get("zh"), None);
        assert_eq!(t.keys().collect::<Vec<_>>(), ["en", "zh-Hans"]);
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"en":"two","zh-Hans":"你好"}"#);
        let map: BTreeMap<String, String> = serde_json::from_str(r#"{"zh-Hans":"你好","en":"two"}"#).unwrap();
        assert_eq!(LocalizedText::from(map.clone()), t);
        assert_eq!(t.to_map(), map);
        assert!(serde_json::from_str::<LocalizedText>(r#"["en"]"#).is_err());
        assert!(serde_json::from_str::<LocalizedText>(r#"{"en":1}"#).is_err());
    }

    #[test]
    fn insert_keeps_the_order_and_replaces() {
        let mut t = LocalizedText::default();
        assert!(t.is_empty());
        t.insert("zh-Hant", "b");
        t.insert("en", "a");
        t.insert("zh-Hant", "c");
        assert_eq!(t.iter().collect::<Vec<_>>(), [("en", "a"), ("zh-Hant", "c")]);
        assert_eq!(t.len(), 2);
        assert_eq!(t.first_key_value(), Some(("en", "a")));
    }
}
