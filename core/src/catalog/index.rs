//! The resolve index the catalog compiles and owns: every trigger of every
//! scenario, by what a context must hold for it to fire (a screen route or its
//! first literal segment, an event name, the paths a condition reads) and, for
//! text, one automaton ([`crate::text`]). [`crate::resolve`] reads it.

use rustc_hash::FxHashMap;
use serde_json::Value;

use crate::condition::{Side, exact_var_paths, threshold_key, value_key};
use crate::text::PhraseIndex;

/// Deepest context nesting a resolve lists the paths of: a condition that
/// reads a deeper path is evaluated on every resolve, as it cannot be filed.
pub(crate) const MAX_PATH_DEPTH: usize = 8;

/// A trigger of a scenario, by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct TriggerRef {
    pub(crate) scenario: u32,
    pub(crate) trigger: u16,
}

#[cfg(any(test, feature = "testing"))]
impl TriggerRef {
    /// A key that sorts as the reference does, for the core's one key sort.
    pub(crate) fn key(&self) -> u64 {
        (u64::from(self.scenario) << 16) | u64::from(self.trigger)
    }

    pub(crate) fn from_key(key: u64) -> TriggerRef {
        TriggerRef { scenario: (key >> 16) as u32, trigger: key as u16 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Lit(String),
    One,
    Any,
}

/// Trigger indexes of a catalog, built once at load.
#[derive(Debug, Default)]
pub(crate) struct ResolveIndex {
    pub(crate) screens_exact: FxHashMap<String, Vec<TriggerRef>>,
    pub(crate) screens_glob: FxHashMap<String, Vec<(Vec<Seg>, String, TriggerRef)>>,
    pub(crate) screens_glob_any: Vec<(Vec<Seg>, String, TriggerRef)>,
    /// Event triggers that take any code, by event name.
    pub(crate) events: FxHashMap<String, Vec<TriggerRef>>,
    /// Event triggers that need one of some codes: by name, then by code.
    pub(crate) events_coded: FxHashMap<String, FxHashMap<String, Vec<TriggerRef>>>,
    pub(crate) conditions_by_path: FxHashMap<String, Vec<TriggerRef>>,
    pub(crate) conditions_always: Vec<TriggerRef>,
    /// Conditions that need a string at a path to be one of some values
    /// ([`value_key`](crate::condition::value_key)): by path, then by value. A resolve looks up the
    /// context's value at each such path, not every rule that reads it.
    pub(crate) conditions_by_value: FxHashMap<String, FxHashMap<String, Vec<TriggerRef>>>,
    /// Conditions that compare a path with a number
    /// ([`threshold_key`](crate::condition::threshold_key)): by path, in
    /// thresholds' order, so a resolve takes only those on the value's side.
    pub(crate) conditions_by_number: FxHashMap<String, Thresholds>,
    pub(crate) phrases: Option<PhraseIndex<TriggerRef>>,
}

/// Rules on one path that need a number above, or below, a threshold; each
/// list in ascending order of threshold.
#[derive(Debug, Default)]
pub(crate) struct Thresholds {
    above: Vec<(f64, TriggerRef)>,
    below: Vec<(f64, TriggerRef)>,
}

impl Thresholds {
    fn sort(&mut self) {
        crate::order::by(&mut self.above, |a, b| a.0.total_cmp(&b.0));
        crate::order::by(&mut self.below, |a, b| a.0.total_cmp(&b.0));
    }

    /// The rules that may hold for `value` at the path: for a finite number,
    /// those whose threshold it is on the side of (or at); else all of them.
    pub(crate) fn candidates(&self, value: &Value) -> impl Iterator<Item = &TriggerRef> {
        let (above, below) = match value.as_f64().filter(|v| v.is_finite()) {
            Some(v) => {
                let a = self.above.partition_point(|e| e.0 <= v);
                let b = self.below.partition_point(|e| e.0 < v);
                (self.above.get(..a).unwrap_or_default(), self.below.get(b..).unwrap_or_default())
            }
            None => (self.above.as_slice(), self.below.as_slice()),
        };
        above.iter().chain(below).map(|e| &e.1)
    }
}

/// A screen pattern's segments: `*` one segment, `**` any number, else
/// literal. Runs of `**` mean what one does, so they collapse to one.
pub(crate) fn parse_glob(pattern: &str) -> Vec<Seg> {
    let mut segs: Vec<Seg> = Vec::new();
    for s in pattern.split('/') {
        let seg = match s {
            "*" => Seg::One,
            "**" => Seg::Any,
            lit => Seg::Lit(lit.to_owned()),
        };
        if !(matches!(seg, Seg::Any) && matches!(segs.last(), Some(Seg::Any))) {
            segs.push(seg);
        }
    }
    segs
}

impl ResolveIndex {
    pub(crate) fn add_screen(&mut self, pattern: &str, t: TriggerRef) {
        let segs = parse_glob(pattern);
        match segs.first() {
            _ if segs.iter().all(|s| matches!(s, Seg::Lit(_))) => {
                self.screens_exact.entry(pattern.to_owned()).or_default().push(t)
            }
            Some(Seg::Lit(first)) => {
                self.screens_glob.entry(first.clone()).or_default().push((segs.clone(), pattern.to_owned(), t))
            }
            _ => self.screens_glob_any.push((segs, pattern.to_owned(), t)),
        }
    }

    /// Files an event trigger under its name, and under each code it needs.
    pub(crate) fn add_event(&mut self, name: &str, codes: &[String], t: TriggerRef) {
        if codes.is_empty() {
            self.events.entry(name.to_owned()).or_default().push(t);
            return;
        }
        let by_code = self.events_coded.entry(name.to_owned()).or_default();
        for c in codes {
            by_code.entry(c.clone()).or_default().push(t);
        }
    }

    /// Puts what needs an order in order, once every trigger is added.
    pub(crate) fn finish(&mut self) {
        self.conditions_by_number.values_mut().for_each(Thresholds::sort);
        // Lists grown one trigger at a time have room for more: kept at their length.
        fn fit<K, V>(map: &mut FxHashMap<K, Vec<V>>) {
            map.values_mut().for_each(Vec::shrink_to_fit);
        }
        fit(&mut self.screens_exact);
        fit(&mut self.screens_glob);
        fit(&mut self.events);
        fit(&mut self.conditions_by_path);
        self.events_coded.values_mut().for_each(fit);
        self.conditions_by_value.values_mut().for_each(fit);
        self.screens_glob_any.shrink_to_fit();
        self.conditions_always.shrink_to_fit();
    }

    /// Indexes a condition trigger by the values it needs (see [`value_key`]),
    /// else by the paths it reads; `on_empty` tells what it gives on empty
    /// data, asked only of a rule without such values (which gives false
    /// there: [`crate::condition::empty_value_hint`]).
    pub(crate) fn add_condition(&mut self, rule: &Value, on_empty: impl FnOnce() -> bool, t: TriggerRef) {
        // A path a resolve lists among the context's: names only (no list
        // position), at most MAX_PATH_DEPTH deep.
        let listed = |p: &str| index_key(p) == p && p.split('.').count() <= MAX_PATH_DEPTH;
        let key = value_key(rule);
        let empty_value = key.is_none() && on_empty();
        if let Some((path, values)) = key.filter(|(p, _)| !empty_value && listed(p)) {
            let by_value = self.conditions_by_value.entry(path).or_default();
            for v in values {
                by_value.entry(v).or_default().push(t);
            }
            return;
        }
        if let Some((path, side, at)) = threshold_key(rule).filter(|(p, _, _)| !empty_value && listed(p)) {
            let lists = self.conditions_by_number.entry(path).or_default();
            match side {
                Side::Above => lists.above.push((at, t)),
                Side::Below => lists.below.push((at, t)),
            }
            return;
        }
        match exact_var_paths(rule) {
            Some(paths) if !empty_value && paths.iter().all(|p| index_key(p).split('.').count() <= MAX_PATH_DEPTH) => {
                let mut keys: Vec<String> = paths.iter().map(|p| index_key(p).to_owned()).collect();
                crate::order::by(&mut keys, Ord::cmp);
                keys.dedup();
                for k in keys {
                    self.conditions_by_path.entry(k).or_default().push(t);
                }
            }
            _ => self.conditions_always.push(t),
        }
    }
}

/// The longest leading part of a path made of names, not list positions.
fn index_key(path: &str) -> &str {
    // The end of the last name before the first list position; the whole
    // path when it starts with one.
    let mut end: Option<usize> = None;
    for seg in path.split('.') {
        if seg.parse::<usize>().is_ok() {
            break;
        }
        end = Some(end.map_or(seg.len(), |e| e + 1 + seg.len()));
    }
    end.and_then(|e| path.get(..e)).unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_keys_stop_at_list_positions() {
        assert_eq!(index_key("entities.order.status"), "entities.order.status");
        assert_eq!(index_key("events.0.name"), "events");
        assert_eq!(index_key("a.b.3"), "a.b");
        // A path that starts with a list position is its own key, as is the empty one.
        assert_eq!(index_key("0.name"), "0.name");
        assert_eq!(index_key(""), "");
    }
}
