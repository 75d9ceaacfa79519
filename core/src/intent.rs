//! Intent matching: which scenario a typed question is about, learned from
//! what authors wrote for each scenario (example utterances, and with less
//! weight titles, summaries and keywords), and whether any scenario is a
//! confident match at all.
//!
//! The model is a multinomial naive Bayes classifier (as in Rennie et al.,
//! "Tackling the poor assumptions of naive Bayes text classifiers", 2003)
//! over features of the folded text ([`crate::fold`]):
//! - **words**: each word, lightly stemmed (`orders`, `ordered` and `order`
//!   are one), and each pair of neighbouring words;
//! - **characters**: the 2- to 4-character pieces of each word with its
//!   edges (` or`, `ord`, `rder`, `er `), so a misspelt or inflected word
//!   still shares most of its pieces with the written one;
//! - **Chinese and Japanese**: single characters and runs of two and three,
//!   with no word segmentation; Traditional text is folded to Simplified
//!   first, so either finds the other.
//!
//! Each text's features are weighted by `1 + ln(tf)` and scaled to unit
//! length, words and characters separately. A scenario's weight for a
//! feature is the smoothed share of its texts' weight: `ln((n + α) / (N +
//! αV))`. A question's score for a scenario is the sum over its features,
//! and the confidence is the best one's share among its [`RIVALS`] nearest
//! rivals, a softmax over the best scoring scenarios at a temperature. Below
//! the catalog's threshold no scenario is a confident match: the question is
//! out of scope, and resolving says so.
//!
//! The model is computed from the catalog when it is first needed (see
//! [`crate::Catalog::prepare`]); there is no dictionary or model file. A
//! question costs its features' posting lists, which hold only the scenarios
//! whose texts contain the feature.

use rustc_hash::FxHashMap;

use crate::fold;

/// Additive smoothing of a scenario's feature weights (chosen on the
/// CLINC150 validation split; see docs/QUALITY.md).
pub const ALPHA: f32 = 0.02;

/// Temperature of the posterior: scores are multiplied by it before the
/// softmax (chosen on the CLINC150 validation split).
pub const TEMPERATURE: f64 = 0.5;

pub use crate::content::DEFAULT_TEXT_THRESHOLD as DEFAULT_THRESHOLD;

/// How questions and texts are folded before their features are taken.
pub const FOLD: fold::Fold = fold::Fold { leet: false };

/// Weight of a title, summary or keyword against an example's 1.
pub const LABEL_WEIGHT: f32 = 0.5;

/// Characters of a word that character pieces are taken from; a longer
/// word's tail adds nothing but cost.
const MAX_WORD_CHARS: usize = 24;

/// Most features taken from one text: about 1,500 characters of prose.
/// Past it the text's tail is not read.
const MAX_FEATURES: usize = 8_192;

/// Most scenarios a feature may be shared by: one that more share is
/// dropped, as a stop word is (scikit-learn's `max_df`). Catalogs of up to
/// 256 scenarios (CLINC150, BANKING77) keep every feature; at 10,000 this
/// drops the words and pieces of nearly every question (`my`, ` th`), which
/// would otherwise make each question add up thousands of postings per
/// feature (512 cost a 10k resolve 30 % more).
pub const MAX_POSTINGS: usize = 256;

/// The unit of a posting's gain: 1/4096, so gains up to 16 (a feature that
/// weighs e^16 times the smoothing in a scenario's texts) are held to within
/// 1/8192. A question's score sums a few dozen of them.
const GAIN_UNIT: f32 = 1.0 / 4096.0;

/// How many scenarios a question's confidence is shared among: the best
/// scoring ones, touched by the question or not. Chosen on the CLINC150
/// validation splits: 20 matched the posterior over all 150 intents (89.8 %
/// accuracy over `val` with `oos_val` at the best threshold), 10 gave 89.7 %
/// and 5 gave 89.4 %. A catalog of at most this many scenarios gets the
/// posterior over all of them.
pub const RIVALS: usize = 20;

/// Feature families, in the key's lowest bit: each is scaled to unit length
/// on its own.
const WORDS: u64 = 0;
const PIECES: u64 = 1;

/// A text a scenario is learned from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sample {
    /// Position of the scenario in the catalog.
    pub class: u32,
    /// The text as authored.
    pub text: String,
    /// 1 for an example, [`LABEL_WEIGHT`] for a title, summary or keyword.
    pub weight: f32,
}

/// The texts scenario `class` is learned from: its examples, and with
/// [`LABEL_WEIGHT`] its title, summary and keywords, in
/// every locale.
pub(crate) fn samples_of(class: u32, s: &crate::content::Scenario) -> Vec<Sample> {
    samples(class, s.examples.values().flatten().cloned(), s)
}

/// [`samples_of`], taking the scenario's examples rather than copying them:
/// a loaded catalog keeps them nowhere else.
pub(crate) fn take_samples(class: u32, s: &mut crate::content::Scenario) -> Vec<Sample> {
    let examples = std::mem::take(&mut s.examples);
    samples(class, examples.into_values().flatten(), s)
}

/// The samples of scenario `s`, given its examples.
fn samples(class: u32, examples: impl Iterator<Item = String>, s: &crate::content::Scenario) -> Vec<Sample> {
    let mut out = Vec::new();
    for text in examples {
        if !text.trim().is_empty() {
            out.push(Sample { class, text, weight: 1.0 });
        }
    }
    let mut label = |text: &str| {
        if !text.trim().is_empty() {
            out.push(Sample { class, text: text.to_owned(), weight: LABEL_WEIGHT });
        }
    };
    for t in s.title.values().chain(s.summary.iter().flat_map(|m| m.values())) {
        label(t);
    }
    for t in &s.triggers {
        if let crate::content::Trigger::Text { keywords, .. } = t {
            for k in keywords.values().flatten() {
                label(k);
            }
        }
    }
    out
}

/// The classifier, built from a catalog's samples.
#[derive(Debug, Default)]
pub(crate) struct IntentModel {
    /// Feature key to feature number: the kept features first (those with
    /// postings), then those too many scenarios share.
    vocab: KeyTable,
    /// Each distinct run of the texts' words (by [`run_key`]): where its
    /// features but the pair with the word before start in `run_ids`, and
    /// how many there are. A question's word that the texts hold costs one lookup,
    /// not one per character piece.
    runs: FxHashMap<u64, (u32, u32)>,
    /// Feature numbers of the runs, family in the top bit, in the order
    /// [`run_features`] gives them.
    run_ids: Vec<u32>,
    /// Where each feature's postings start in `postings`; one more entry
    /// than kept features.
    start: Vec<u32>,
    /// Each feature's postings' scenarios, ascending within a feature.
    posting_classes: Vec<u32>,
    /// Beside each, `ln(1 + n / α)`, what the feature adds to that
    /// scenario's score over a scenario whose texts lack it, in units of
    /// [`GAIN_UNIT`]: 16 bits where a float takes 32, half a million of them
    /// at 10k scenarios.
    posting_gains: Vec<u16>,
    /// Per scenario: `ln α - ln(N + αV)`, a feature's weight in a scenario
    /// whose texts lack it, and its entry in `levels`; a scenario with no
    /// sample has `u32::MAX` for its level and never ranks.
    base: Vec<(f32, u32)>,
    /// The distinct values of `base` on a grid of 1/256, with how many
    /// scenarios have each: the softmax's sum over all scenarios at their
    /// base scores.
    levels: Vec<(f32, u32)>,
    /// A question's summed gains per scenario, kept zeroed between questions
    /// (only the touched entries are reset), so that a question costs its
    /// postings and not a table as long as the catalog. A cache, not state:
    /// a call that finds it in use by another thread uses a table of its own.
    scratch: std::sync::Mutex<Vec<f32>>,
}

/// A read-only map from feature keys to feature numbers, in 12 bytes a key
/// and a few more for a directory, where a hash map takes about 23: the keys
/// sorted, their numbers beside them, and for each value of the keys' top
/// bits where its keys start. Keys are hashes whose top bits are well mixed
/// ([`mix`] ends in a multiply), so a directory entry holds two to four keys.
#[derive(Debug, Default)]
struct KeyTable {
    keys: Vec<u64>,
    values: Vec<u32>,
    /// Where the keys whose top bits are `b` start, for every `b`, and the end.
    directory: Vec<u32>,
    /// 64 minus the number of top bits the directory is indexed by.
    shift: u32,
}

impl KeyTable {
    fn new(map: &FxHashMap<u64, u32>) -> Self {
        let mut keys: Vec<u64> = map.keys().copied().collect();
        crate::order::keys(&mut keys);
        let values = keys.iter().map(|k| map.get(k).copied().unwrap_or(u32::MAX)).collect();
        // About a quarter as many directory entries as keys.
        let bits = (usize::BITS - keys.len().leading_zeros()).saturating_sub(2).min(24);
        let shift = 64 - bits;
        let mut directory = Vec::with_capacity((1usize << bits) + 1);
        let mut at = 0usize;
        for b in 0..=(1u64 << bits) {
            while keys.get(at).is_some_and(|&k| k.checked_shr(shift).unwrap_or(0) < b) {
                at += 1;
            }
            directory.push(at as u32);
        }
        KeyTable { keys, values, directory, shift }
    }

    fn get(&self, key: u64) -> Option<u32> {
        let b = key.checked_shr(self.shift).unwrap_or(0) as usize;
        let (&lo, &hi) = (self.directory.get(b)?, self.directory.get(b + 1)?);
        let keys = self.keys.get(lo as usize..hi as usize)?;
        let i = keys.iter().position(|&k| k == key)?;
        self.values.get(lo as usize + i).copied()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.keys.len()
    }
}

/// A scenario a question matched, with its posterior.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidate {
    /// Position of the scenario in the catalog.
    pub class: u32,
    /// Posterior probability, 0 to 1.
    pub confidence: f64,
    /// The question's words that weigh most for this scenario, as folded.
    pub terms: Vec<String>,
}

/// A question's feature the catalog knows: its number, weight and, for a
/// word, where it is in the folded question.
type Known = (u32, f32, Option<(u32, u32)>);

/// A distinct feature of a question: its number (`u32::MAX` for one the
/// catalog lacks), family, count (then weight) and, for a word, where it
/// first is in the folded question.
struct Term {
    id: u32,
    family: u8,
    times: f32,
    word: Option<(u32, u32)>,
}

/// Places of a question's distinct terms, by key: an open-addressing table
/// with linear probing. A question has a few hundred terms, and a general
/// map's entry costs several times one probe here.
struct Places {
    /// Per slot: 1 + the term's place, or 0 for an empty slot.
    slots: Vec<u32>,
    /// Each place's key.
    keys: Vec<u64>,
}

impl Places {
    fn with_capacity(n: usize) -> Places {
        Places { slots: vec![0; (2 * n).next_power_of_two()], keys: Vec::with_capacity(n) }
    }

    fn slot(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & (self.slots.len() - 1)
    }

    /// The place of `key`, and whether it is new (then placed last).
    #[inline]
    fn place(&mut self, key: u64) -> (usize, bool) {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(key);
        while let Some(&s) = self.slots.get(i) {
            if s == 0 {
                break;
            }
            if self.keys.get(s as usize - 1) == Some(&key) {
                return (s as usize - 1, false);
            }
            i = (i + 1) & mask;
        }
        self.keys.push(key);
        if let Some(s) = self.slots.get_mut(i) {
            *s = self.keys.len() as u32;
        }
        if 2 * self.keys.len() > self.slots.len() {
            self.grow();
        }
        (self.keys.len() - 1, true)
    }

    /// Twice the slots, refilled: keeps the table at most half full.
    #[cold]
    fn grow(&mut self) {
        self.slots = vec![0; 2 * self.slots.len()];
        let mask = self.slots.len() - 1;
        for (at, &k) in self.keys.iter().enumerate() {
            let mut i = self.slot(k);
            while self.slots.get(i).is_some_and(|&s| s != 0) {
                i = (i + 1) & mask;
            }
            if let Some(s) = self.slots.get_mut(i) {
                *s = at as u32 + 1;
            }
        }
    }
}

fn mix(h: u64, b: u8) -> u64 {
    (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// The key of a feature: a hash of its tag and parts, family in the lowest bit.
fn key(tag: u8, parts: &[&[u8]], family: u64) -> u64 {
    let mut h = mix(0xcbf2_9ce4_8422_2325, tag);
    for p in parts {
        for &b in *p {
            h = mix(h, b);
        }
        h = mix(h, 0xff);
    }
    h ^= h >> 29;
    (h & !1) | family
}

/// A light English stemmer: plural and tense endings off, so that `orders`,
/// `ordered` and `ordering` meet `order`. Other scripts are left alone.
fn stem(w: &str) -> &str {
    if !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return w;
    }
    let n = w.len();
    let cut = |suffix: &str, min: usize| (n >= min && w.ends_with(suffix)).then(|| &w[..n - suffix.len()]);
    if let Some(s) = cut("ing", 6).or_else(|| cut("ed", 5)) {
        // One of a doubled consonant (`stopped`, `cancelled`), not of `called` or `missed`.
        return match s.as_bytes() {
            [.., x, y] if x == y && !b"aeiou".contains(x) && (!b"lsz".contains(x) || (*x == b'l' && s.len() > 5)) => {
                &s[..s.len() - 1]
            }
            _ => s,
        };
    }
    let s = if let Some(s) =
        cut("es", 5).filter(|s| s.ends_with(['s', 'x', 'z']) || s.ends_with("ch") || s.ends_with("sh"))
    {
        s
    } else if n >= 4 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        &w[..n - 1]
    } else {
        w
    };
    // A silent final e, so that `charge` meets `charged` and `charging`.
    if s.len() >= 5 && s.ends_with('e') { &s[..s.len() - 1] } else { s }
}

/// The key of two neighbouring (stemmed) words.
fn bigram(first: &str, second: &str) -> u64 {
    key(b'b', &[first.as_bytes(), second.as_bytes()], WORDS)
}

/// Calls `each` with every run of a folded text's words: a stretch of
/// Chinese or Japanese characters, or of other word characters, with its
/// start in the text, whether it is Chinese or Japanese, and its character
/// starts and end relative to the word.
fn each_run<'t>(folded: &'t str, mut each: impl FnMut(&'t str, usize, bool, &[usize])) {
    let mut cuts: Vec<usize> = Vec::new();
    for (start, word) in words(folded) {
        let mut chars = word.char_indices().peekable();
        while let Some(&(i, c)) = chars.peek() {
            let han = fold::no_space_script(c);
            let mut end = word.len();
            cuts.clear();
            while let Some(&(j, d)) = chars.peek() {
                if fold::no_space_script(d) != han {
                    end = j;
                    break;
                }
                cuts.push(j);
                chars.next();
            }
            cuts.push(end);
            if let Some(run) = word.get(i..end) {
                each(run, start + i, han, &cuts);
            }
        }
    }
}

/// The key a run is filed under in the model's table of runs.
fn run_key(run: &str, han: bool) -> u64 {
    key(if han { b'H' } else { b'R' }, &[run.as_bytes()], 0)
}

/// A run's features but the pair with the word before it: what is the same
/// wherever the run appears.
fn run_features(run: &str, han: bool, cuts: &[usize], out: &mut Vec<u64>) {
    if han {
        han_features(run, cuts, out);
    } else {
        out.push(key(b'w', &[stem(run).as_bytes()], WORDS));
        pieces(run, cuts, out);
    }
}

/// Where the `i`th of a run's features ([`run_features`]) is in the folded
/// text, if it is a word: a Latin run's first (the word itself), and the
/// pairs of characters of a Chinese one. The run starts at `at`.
fn word_span(i: usize, run: &str, at: usize, han: bool, cuts: &[usize]) -> Option<(u32, u32)> {
    let (a, b) = if han {
        // Characters first, then pairs, then runs of three.
        let (chars, base) = (cuts.len().checked_sub(1)?, *cuts.first()?);
        let j = i.checked_sub(chars).filter(|&j| j + 1 < chars)?;
        (at + cuts.get(j)? - base, at + cuts.get(j + 2)? - base)
    } else if i == 0 {
        (at, at + run.len())
    } else {
        return None;
    };
    Some((u32::try_from(a).ok()?, u32::try_from(b).ok()?))
}

/// The words of a folded text (split at its single spaces), with their starts.
fn words(folded: &str) -> impl Iterator<Item = (usize, &str)> {
    folded.split(' ').scan(0usize, |at, w| {
        let start = *at;
        *at += w.len() + 1;
        Some((start, w))
    })
}

/// Characters and runs of two and three of a Chinese or Japanese run, whose
/// character starts (and end) are `cuts`, relative to the word.
fn han_features(run: &str, cuts: &[usize], out: &mut Vec<u64>) {
    let base = cuts.first().copied().unwrap_or(0);
    for n in 1..=3 {
        for w in cuts.windows(n + 1) {
            let (Some(&a), Some(&b)) = (w.first(), w.last()) else { continue };
            let Some(piece) = run.get(a - base..b - base) else { continue };
            let family = if n == 3 { PIECES } else { WORDS };
            out.push(key(b'h', &[piece.as_bytes()], family));
        }
    }
}

/// The 2- to 4-character pieces of a word with a space at each edge, from
/// its first [`MAX_WORD_CHARS`] characters; `cuts` are its character starts
/// and end, relative to the word's own text.
fn pieces(run: &str, cuts: &[usize], out: &mut Vec<u64>) {
    let base = cuts.first().copied().unwrap_or(0);
    let n = (cuts.len() - 1).min(MAX_WORD_CHARS);
    // Positions -1 and n stand for the edge spaces.
    let byte = |p: isize| -> usize { cuts.get(p.max(0) as usize).map_or(run.len(), |c| c - base) };
    for len in 2..=4isize {
        for first in -1..=(n as isize + 1 - len) {
            let last = first + len - 1;
            let (a, b) = (byte(first.max(0)), if last >= n as isize { byte(n as isize) } else { byte(last + 1) });
            let Some(inner) = run.get(a..b) else { continue };
            let lead: &[u8] = if first < 0 { b" " } else { b"" };
            let tail: &[u8] = if last >= n as isize { b" " } else { b"" };
            out.push(key(b'c', &[lead, inner.as_bytes(), tail], PIECES));
        }
    }
}

/// Term counts to `1 + ln(tf)` weights scaled to unit length per family:
/// `part` gives each item's family and count.
fn to_weights<T>(items: &mut [T], part: impl Fn(&mut T) -> (usize, &mut f32)) {
    let mut norms = [0f32; 2];
    for item in items.iter_mut() {
        let (family, w) = part(item);
        // Most features appear once in a text: 1 + ln 1 needs no logarithm.
        if *w != 1.0 {
            *w = 1.0 + w.ln();
        }
        if let Some(n) = norms.get_mut(family) {
            *n += *w * *w;
        }
    }
    let norms = norms.map(f32::sqrt);
    for item in items.iter_mut() {
        let (family, w) = part(item);
        if let Some(n) = norms.get(family).filter(|n| **n > 0.0) {
            *w /= n;
        }
    }
}

impl IntentModel {
    /// Learns from `samples`, which come grouped by scenario, for a catalog
    /// of `classes` scenarios.
    pub fn build(samples: &[Sample], classes: usize) -> IntentModel {
        let mut vocab: FxHashMap<u64, u32> = FxHashMap::default();
        // Per scenario, its (feature, summed weight) pairs: `runs` says whose
        // pairs each stretch of `pairs` is.
        let mut pairs: Vec<(u32, f32)> = Vec::new();
        let mut runs: Vec<(u32, usize, usize)> = Vec::new();
        // Per feature: how many scenarios hold it, and where it was last seen
        // (text number and its place in that text's list; scenario number and
        // its place in `pairs`), so that nothing needs sorting.
        let mut df: Vec<u32> = Vec::new();
        let mut in_text: Vec<(u32, u32)> = Vec::new();
        let mut in_class: Vec<(u32, u32)> = Vec::new();
        let mut mass = vec![0f32; classes];
        let mut seen = vec![false; classes];
        let mut scratch: Vec<u64> = Vec::new();
        // Each distinct run's features, by a hash of the run: their numbers,
        // family in the top bit.
        let mut runs_seen: FxHashMap<u64, (u32, u32)> = FxHashMap::default();
        let mut run_fids: Vec<u32> = Vec::new();
        // The current text's features: number, family, weight.
        let mut text: Vec<(u32, u64, f32)> = Vec::new();
        let mut class: Option<u32> = None;
        for (n, s) in samples.iter().enumerate() {
            let stamp = n as u32 + 1;
            if class != Some(s.class) {
                if let Some(c) = class {
                    let start = runs.last().map_or(0, |r| r.2);
                    runs.push((c, start, pairs.len()));
                }
                class = Some(s.class);
            }
            let (Some(m), Some(seen)) = (mass.get_mut(s.class as usize), seen.get_mut(s.class as usize)) else {
                continue;
            };
            *seen = true;
            text.clear();
            let folded = fold::fold_phrase(&s.text, FOLD);
            let mut previous: Option<&str> = None;
            let mut count = 0usize;
            let mut add = |f: u32, family: u64, text: &mut Vec<(u32, u64, f32)>| {
                if f as usize >= df.len() {
                    df.push(0);
                    in_text.push((0, 0));
                    in_class.push((0, 0));
                }
                let Some(at) = in_text.get_mut(f as usize) else { return };
                match text.get_mut(at.1 as usize) {
                    Some(t) if at.0 == stamp => t.2 += 1.0,
                    _ => {
                        *at = (stamp, text.len() as u32);
                        text.push((f, family, 1.0));
                    }
                }
            };
            each_run(&folded, |run, _, han, cuts| {
                if count >= MAX_FEATURES {
                    return;
                }
                if han {
                    previous = None;
                } else {
                    let st = stem(run);
                    if let Some(p) = previous {
                        let next = vocab.len() as u32;
                        let f = *vocab.entry(bigram(p, st)).or_insert(next);
                        add(f, WORDS, &mut text);
                    }
                    previous = Some(st);
                }
                // A run's other features are the same wherever it appears: looked up once.
                let h = run_key(run, han);
                let (first, len) = *runs_seen.entry(h).or_insert_with(|| {
                    scratch.clear();
                    run_features(run, han, cuts, &mut scratch);
                    let first = run_fids.len() as u32;
                    for &feature in &scratch {
                        let next = vocab.len() as u32;
                        let f = *vocab.entry(feature).or_insert(next);
                        run_fids.push(f | ((feature & 1) as u32) << 31);
                    }
                    (first, scratch.len() as u32)
                });
                for &packed in run_fids.get(first as usize..(first + len) as usize).unwrap_or_default() {
                    add(packed & !(1 << 31), u64::from(packed >> 31), &mut text);
                }
                count += len as usize + 1;
            });
            to_weights(&mut text, |(_, family, w)| (*family as usize, w));
            let class_stamp = s.class + 1;
            for &(f, _, w) in &text {
                let w = w * s.weight;
                *m += w;
                let (Some(at), Some(d)) = (in_class.get_mut(f as usize), df.get_mut(f as usize)) else { continue };
                if at.0 == class_stamp {
                    if let Some(p) = pairs.get_mut(at.1 as usize) {
                        p.1 += w;
                    }
                    continue;
                }
                *d += 1;
                // A feature past the cap will have no postings: its further
                // pairs are not kept (at 10k scenarios they were three in four).
                if *d as usize > MAX_POSTINGS {
                    *at = (class_stamp, u32::MAX);
                    continue;
                }
                *at = (class_stamp, pairs.len() as u32);
                pairs.push((f, w));
            }
        }
        if let Some(c) = class {
            let start = runs.last().map_or(0, |r| r.2);
            runs.push((c, start, pairs.len()));
        }
        drop((in_text, in_class));

        // Features that too many scenarios share are dropped: they tell little
        // apart and would make every question walk a long list. They keep a
        // number past the kept ones, with no postings, as a question still
        // counts them in its length.
        let kept = df.iter().filter(|&&d| d as usize <= MAX_POSTINGS).count() as u32;
        let (mut next_kept, mut next_dropped) = (0u32, kept);
        let renumber: Vec<u32> = df
            .iter()
            .map(|&d| {
                let next = if d as usize > MAX_POSTINGS { &mut next_dropped } else { &mut next_kept };
                *next += 1;
                *next - 1
            })
            .collect();
        for f in vocab.values_mut() {
            *f = renumber.get(*f as usize).copied().unwrap_or(u32::MAX);
        }
        for packed in &mut run_fids {
            let family = *packed & (1 << 31);
            *packed = renumber.get((*packed & !(1 << 31)) as usize).copied().unwrap_or(u32::MAX >> 1) | family;
        }
        let features = kept as usize;
        let mut start = vec![0u32; features + 1];
        for (old, &new) in renumber.iter().enumerate() {
            if let (Some(n), Some(&d)) = (start.get_mut(new as usize + 1), df.get(old)) {
                *n = d;
            }
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let total = start.last().copied().unwrap_or(0) as usize;
        let mut fill: Vec<u32> = start.clone();
        let mut posting_classes = vec![0u32; total];
        let mut posting_gains = vec![0u16; total];
        // Scenarios come in ascending order, so each feature's list is sorted.
        for &(c, a, b) in &runs {
            for &(f, n) in pairs.get(a..b).unwrap_or_default() {
                let Some(slot) =
                    renumber.get(f as usize).filter(|&&new| new < kept).and_then(|&new| fill.get_mut(new as usize))
                else {
                    continue;
                };
                let i = *slot as usize;
                *slot += 1;
                if let (Some(class), Some(gain)) = (posting_classes.get_mut(i), posting_gains.get_mut(i)) {
                    *class = c;
                    *gain = ((n / ALPHA).ln_1p() / GAIN_UNIT).round().min(f32::from(u16::MAX)) as u16;
                }
            }
        }
        drop(pairs);
        let smoothing = ALPHA * features as f32;
        let base: Vec<Option<f32>> =
            mass.iter().zip(&seen).map(|(m, s)| s.then(|| ALPHA.ln() - (m + smoothing).ln())).collect();
        let mut levels: Vec<(f32, u32)> = Vec::new();
        // Grouped on a grid of 1/256: the sum needs no more, and a catalog of
        // ten thousand scenarios has a few hundred levels, not ten thousand.
        let grid = |b: f32| ((-b * 256.0).round().max(0.0) as u64).min(u64::from(u32::MAX));
        let mut values: Vec<u64> = base.iter().flatten().map(|&b| grid(b)).collect();
        crate::order::keys(&mut values);
        values.dedup();
        let mut count = vec![0u32; values.len()];
        let base: Vec<(f32, u32)> = base
            .iter()
            .map(|b| {
                let Some((b, at)) = b.and_then(|b| Some((b, values.binary_search(&grid(b)).ok()?))) else {
                    return (0.0, u32::MAX);
                };
                if let Some(n) = count.get_mut(at) {
                    *n += 1;
                }
                (b, at as u32)
            })
            .collect();
        levels.extend(values.iter().zip(&count).map(|(&v, &n)| (-(v as f32) / 256.0, n)));
        runs_seen.shrink_to_fit();
        run_fids.shrink_to_fit();
        IntentModel {
            vocab: KeyTable::new(&vocab),
            runs: runs_seen,
            run_ids: run_fids,
            start,
            posting_classes,
            posting_gains,
            base,
            levels,
            scratch: Default::default(),
        }
    }

    /// Whether any scenario has a text to match.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    /// The best `max` scenarios for `question`, best first, each with its
    /// posterior; empty when the question shares no feature with any
    /// scenario's texts.
    pub fn rank(&self, question: &str, max: usize) -> Vec<Candidate> {
        if self.is_empty() {
            return Vec::new();
        }
        self.rank_folded(FOLD.fold_text(question, false).as_str(), max)
    }

    /// [`Self::rank`] of a question already folded as it folds them
    /// ([`FOLD`]`.fold_text(question, false)`), so that a question several
    /// readers match is folded once.
    pub fn rank_folded(&self, text: &str, max: usize) -> Vec<Candidate> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut terms = self.question_terms(text);
        to_weights(&mut terms, |t| (usize::from(t.family), &mut t.times));
        // Keep only features with postings; others say nothing for any scenario.
        let kept = self.start.len().saturating_sub(1);
        let known: Vec<Known> =
            terms.iter().filter(|t| (t.id as usize) < kept).map(|t| (t.id, t.times, t.word)).collect();
        if known.is_empty() {
            return Vec::new();
        }
        let total: f32 = known.iter().map(|k| k.1).sum();

        // One pass over the scenarios the question touched: the best `keep`
        // (best first, ties by catalog order; no sort of thousands), and per
        // base level how many of its scenarios were touched.
        let keep = RIVALS.max(max);
        let before = |a: &(u32, f64), b: &(u32, f64)| a.1 > b.1 || (a.1 == b.1 && a.0 < b.0);
        let mut near: Vec<(u32, f64)> = Vec::with_capacity(keep + 1);
        let mut touched_at = vec![0u32; self.levels.len()];
        self.accumulate(&known, |c, gain| {
            let Some(&(base, level)) = self.base.get(c as usize) else { return };
            let Some(n) = touched_at.get_mut(level as usize) else { return };
            *n += 1;
            let c = (c, f64::from(total * base + gain));
            if near.len() == keep && near.last().is_some_and(|l| !before(&c, l)) {
                return;
            }
            let at = near.iter().position(|r| before(&c, r)).unwrap_or(near.len());
            near.insert(at, c);
            near.truncate(keep);
        });
        let Some(&(_, best)) = near.first() else { return Vec::new() };
        // The rivals the confidence is shared among: the best `keep` scores of
        // all scenarios, those the question did not touch at their base
        // scores (levels come highest first). A share of the nearest rivals,
        // not of the whole catalog, so that it means the same in a catalog of
        // a hundred scenarios and of ten thousand.
        let mut scores: Vec<f64> = near.iter().map(|n| n.1).collect();
        let mut merged: Vec<f64> = Vec::with_capacity(keep);
        let mut i = 0usize;
        for ((b, n), t) in self.levels.iter().zip(&touched_at) {
            let s = f64::from(total * b);
            let mut left = n.saturating_sub(*t);
            while merged.len() < keep && left > 0 {
                match scores.get(i) {
                    Some(&x) if x >= s => {
                        merged.push(x);
                        i += 1;
                    }
                    _ => {
                        merged.push(s);
                        left -= 1;
                    }
                }
            }
            if merged.len() == keep {
                break;
            }
        }
        merged.extend(scores.drain(..).skip(i).take(keep.saturating_sub(merged.len())));
        let top = merged.first().copied().unwrap_or(best).max(best);
        let shifted = |s: f64| exp((s - top) * TEMPERATURE);
        let z: f64 = merged.iter().map(|&s| shifted(s)).sum::<f64>().max(shifted(best));
        near.truncate(max);
        near.iter()
            .map(|&(class, s)| Candidate { class, confidence: shifted(s) / z, terms: self.terms(class, &known, text) })
            .collect()
    }

    /// Sums the gains of the scenarios a question's known features touch,
    /// and calls `visit` with each touched scenario and its gain, in the
    /// order first touched.
    fn accumulate(&self, known: &[Known], mut visit: impl FnMut(u32, f32)) {
        // In the model's zeroed table when it is free; else in a table of this
        // call's own when the question's postings are many for the catalog's
        // size (zeroing it costs less than hashing them), or in a hash map, so
        // that a question in a large catalog costs its postings, not the
        // catalog's size.
        let adds: usize = known.iter().map(|k| self.postings(k.0).0.len()).sum();
        let mut shared = self.scratch.try_lock().ok();
        let mut own: Vec<f32> = Vec::new();
        let dense = shared.is_some() || self.base.len() <= adds.saturating_mul(16);
        if !dense {
            let mut slot: FxHashMap<u32, u32> = FxHashMap::with_capacity_and_hasher(adds, Default::default());
            let mut touched: Vec<(u32, f32)> = Vec::with_capacity(adds);
            for &(f, w, _) in known {
                let (classes, gains) = self.postings(f);
                let w = w * GAIN_UNIT;
                for (&c, &d) in classes.iter().zip(gains) {
                    let d = f32::from(d);
                    let at = *slot.entry(c).or_insert_with(|| {
                        touched.push((c, 0.0));
                        touched.len() as u32 - 1
                    });
                    if let Some(t) = touched.get_mut(at as usize) {
                        t.1 += w * d;
                    }
                }
            }
            for (c, gain) in touched {
                visit(c, gain);
            }
            return;
        }
        let acc: &mut Vec<f32> = match shared.as_deref_mut() {
            Some(table) => table,
            None => &mut own,
        };
        if acc.len() != self.base.len() {
            acc.clear();
            acc.resize(self.base.len(), 0.0);
        }
        let mut touched: Vec<u32> = Vec::with_capacity(adds.min(self.base.len()));
        for &(f, w, _) in known {
            let (classes, gains) = self.postings(f);
            let w = w * GAIN_UNIT;
            for (&c, &d) in classes.iter().zip(gains) {
                let d = f32::from(d);
                if let Some(a) = acc.get_mut(c as usize) {
                    if *a == 0.0 {
                        touched.push(c);
                    }
                    *a += w * d;
                }
            }
        }
        // Read back, and zeroed again for the next question.
        for c in touched {
            if let Some(a) = acc.get_mut(c as usize) {
                visit(c, std::mem::take(a));
            }
        }
    }

    /// The distinct features of a folded question, in order of first
    /// appearance, each with how many times it appears. A feature the
    /// catalog lacks gets a number past the catalog's, as it still counts
    /// in the question's length.
    fn question_terms(&self, text: &str) -> Vec<Term> {
        let mut out: Vec<Term> = Vec::with_capacity(512);
        // Each distinct term's key (a kept or dropped feature's number; a
        // feature the catalog lacks by its key with the top bit set), by its
        // place in `out`.
        let mut places = Places::with_capacity(512);
        // Runs the catalog lacks, by run key: where their terms are in `fresh`.
        let mut unknown_runs: FxHashMap<u64, (u32, u32)> = FxHashMap::default();
        let mut fresh: Vec<(u64, u8)> = Vec::new();
        let mut scratch: Vec<u64> = Vec::new();
        let term = |key: u64| -> u64 { self.vocab.get(key).map_or(key | 1 << 63, u64::from) };
        // A term's span is only taken when it is new.
        let mut add = |term: u64, family: u8, word: &dyn Fn() -> Option<(u32, u32)>, out: &mut Vec<Term>| {
            let (at, new) = places.place(term);
            if !new {
                if let Some(t) = out.get_mut(at) {
                    t.times += 1.0;
                }
                return;
            }
            let id = if term >> 63 == 0 { term as u32 } else { u32::MAX };
            out.push(Term { id, family, times: 1.0, word: word() });
        };
        let mut previous: Option<&str> = None;
        // How many features the question has counted with repeats, for the cap.
        let mut total = 0usize;
        each_run(text, |run, at, han, cuts| {
            if total >= MAX_FEATURES {
                return;
            }
            if han {
                previous = None;
            } else {
                let s = stem(run);
                if let Some(p) = previous {
                    add(term(bigram(p, s)), WORDS as u8, &|| None, &mut out);
                    total += 1;
                }
                previous = Some(s);
            }
            // The run's own features, from the model's table of runs or, for a
            // run no text holds, computed (once for each distinct such run).
            let h = run_key(run, han);
            let len = if let Some(&(first, len)) = self.runs.get(&h) {
                for (i, &packed) in
                    self.run_ids.get(first as usize..(first + len) as usize).unwrap_or_default().iter().enumerate()
                {
                    let word = || word_span(i, run, at, han, cuts);
                    add(u64::from(packed & !(1 << 31)), (packed >> 31) as u8, &word, &mut out);
                }
                len
            } else {
                let (first, len) = *unknown_runs.entry(h).or_insert_with(|| {
                    scratch.clear();
                    run_features(run, han, cuts, &mut scratch);
                    let first = fresh.len() as u32;
                    fresh.extend(scratch.iter().map(|&k| (term(k), (k & 1) as u8)));
                    (first, scratch.len() as u32)
                });
                for (i, &(t, family)) in
                    fresh.get(first as usize..(first + len) as usize).unwrap_or_default().iter().enumerate()
                {
                    add(t, family, &|| word_span(i, run, at, han, cuts), &mut out);
                }
                len
            };
            total += len as usize;
        });
        out
    }

    /// Feature `f`'s postings; none for a feature too many scenarios share.
    fn postings(&self, f: u32) -> (&[u32], &[u16]) {
        match (self.start.get(f as usize), self.start.get(f as usize + 1)) {
            (Some(&a), Some(&b)) => (
                self.posting_classes.get(a as usize..b as usize).unwrap_or_default(),
                self.posting_gains.get(a as usize..b as usize).unwrap_or_default(),
            ),
            _ => (&[], &[]),
        }
    }

    /// What feature `f` adds to scenario `class`, if its texts hold it: a
    /// binary search, as a feature's scenarios are in ascending order.
    fn delta_of(&self, f: u32, class: u32) -> Option<f32> {
        let (classes, gains) = self.postings(f);
        let at = classes.binary_search(&class).ok()?;
        gains.get(at).map(|&d| f32::from(d) * GAIN_UNIT)
    }

    /// Up to three of the question's words that weigh most for `class`.
    fn terms(&self, class: u32, known: &[Known], text: &str) -> Vec<String> {
        let mut weighed: Vec<(f32, &str)> = known
            .iter()
            .filter_map(|(f, w, at)| {
                let (a, b) = (*at)?;
                let d = self.delta_of(*f, class)?;
                Some((w * d, text.get(a as usize..b as usize)?))
            })
            .collect();
        crate::order::by(&mut weighed, |a, b| b.0.total_cmp(&a.0));
        let mut out: Vec<String> = Vec::new();
        for (_, t) in weighed {
            if out.len() == 3 {
                break;
            }
            if !out.iter().any(|o| o == t) {
                out.push(t.to_owned());
            }
        }
        out
    }
}

/// `e^x`, to within a few units in the last place, from additions and
/// multiplications only, so that every platform computes the same bits and
/// each costs a few dozen instructions (the C library's about a hundred
/// here, and a question can need thousands).
fn exp(x: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    // 1.5 * 2^52: adding it rounds to a whole number (ties to even), with
    // no call for `round`, which x86-64 has no single instruction for.
    const ROUND: f64 = 6_755_399_441_055_744.0;
    if x.is_nan() {
        return x;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -708.0 {
        return 0.0;
    }
    // x = k ln 2 + r with |r| <= ln 2 / 2, and e^r by its Taylor series to the
    // 11th power (error below 1e-14 there).
    let k = (x * std::f64::consts::LOG2_E + ROUND) - ROUND;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut p = 1.0 + r * (1.0 / 11.0);
    p = 1.0 + r * (1.0 / 10.0) * p;
    p = 1.0 + r * (1.0 / 9.0) * p;
    p = 1.0 + r * (1.0 / 8.0) * p;
    p = 1.0 + r * (1.0 / 7.0) * p;
    p = 1.0 + r * (1.0 / 6.0) * p;
    p = 1.0 + r * (1.0 / 5.0) * p;
    p = 1.0 + r * (1.0 / 4.0) * p;
    p = 1.0 + r * (1.0 / 3.0) * p;
    p = 1.0 + r * 0.5 * p;
    p = 1.0 + r * p;
    // 2^k from its bits: k is within -1022..=1023 here.
    let scale = f64::from_bits(((k as i64 + 1023) as u64) << 52);
    p * scale
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    #[test]
    fn exp_agrees_with_the_library() {
        for i in -7000..=7000 {
            let x = f64::from(i) / 10.0;
            let (ours, theirs) = (super::exp(x), x.exp());
            assert!((ours - theirs).abs() <= theirs * 1e-13, "{x}: {ours} {theirs}");
        }
        assert_eq!(super::exp(0.0), 1.0);
        assert_eq!(super::exp(-800.0), 0.0);
        assert_eq!(super::exp(800.0), f64::INFINITY);
        assert!(super::exp(f64::NAN).is_nan());
    }

    use super::*;

    fn sample(class: u32, text: &str) -> Sample {
        Sample { class, text: text.to_owned(), weight: 1.0 }
    }

    fn model() -> IntentModel {
        IntentModel::build(
            &[
                sample(0, "where is my order"),
                sample(0, "my order never arrived"),
                sample(0, "订单一直没到"),
                sample(1, "i was charged twice"),
                sample(1, "double charge on my card"),
                sample(1, "重复扣款了"),
            ],
            3,
        )
    }

    #[test]
    fn stems_plurals_and_tenses() {
        assert_eq!(stem("orders"), "order");
        assert_eq!(stem("ordered"), "order");
        assert_eq!(stem("ordering"), "order");
        assert_eq!(stem("charges"), "charg");
        assert_eq!(stem("charged"), "charg");
        assert_eq!(stem("boxes"), "box");
        assert_eq!(stem("stopped"), "stop");
        assert_eq!(stem("cancelled"), "cancel");
        assert_eq!(stem("address"), "address");
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("账号"), "账号");
    }

    #[test]
    fn ranks_by_shared_words_and_pieces() {
        let m = model();
        let r = m.rank("My ORDERS have not arrived yet", 3);
        assert_eq!(r[0].class, 0);
        assert!(r[0].confidence > r.get(1).map_or(0.0, |c| c.confidence));
        assert!(r[0].terms.iter().any(|t| t == "arrived" || t == "orders"), "{:?}", r[0].terms);
        // A typo still shares most pieces.
        assert_eq!(m.rank("charegd twice", 1)[0].class, 1);
    }

    /// The model's shared table is left zeroed after each question: a
    /// question ranks the same first, after others, and while the table is
    /// held (a concurrent caller), when it gets a table of its own.
    #[test]
    fn the_shared_table_leaves_no_trace() {
        let m = model();
        let questions = ["my order never came", "charged twice on my card", "订单没到", "order charge"];
        let alone: Vec<Vec<Candidate>> = questions.iter().map(|q| model().rank(q, 3)).collect();
        for _ in 0..3 {
            for (q, want) in questions.iter().zip(&alone) {
                assert_eq!(&m.rank(q, 3), want, "{q}");
            }
        }
        let held = m.scratch.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (q, want) in questions.iter().zip(&alone) {
            assert_eq!(&m.rank(q, 3), want, "{q} while the table is held");
        }
        drop(held);
        assert!(m.scratch.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter().all(|a| *a == 0.0));

        // Few postings in a larger catalog: without the shared table, a hash map.
        let texts: Vec<String> = (0..200u32)
            .map(|c| {
                [char::from_u32(0x4e00 + 2 * c).unwrap_or('一'), char::from_u32(0x4e01 + 2 * c).unwrap_or('丁')]
                    .iter()
                    .collect()
            })
            .collect();
        let samples: Vec<Sample> = texts.iter().enumerate().map(|(c, t)| sample(c as u32, t)).collect();
        let big = IntentModel::build(&samples, texts.len());
        let question = format!("{}{}", texts[7], texts[150]);
        let want = big.rank(&question, 3);
        assert_eq!(want.first().map(|c| c.class), Some(7));
        let held = big.scratch.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        assert_eq!(big.rank(&question, 3), want);
        drop(held);
    }

    /// A question's weighted features as the module's documentation defines
    /// them, computed plainly: every feature of every run and each pair of
    /// neighbouring words, counted, weighed `1 + ln tf` and scaled to unit
    /// length per family over all of them; then those with postings, by
    /// number.
    fn plain_vector(m: &IntentModel, question: &str) -> std::collections::BTreeMap<u32, f32> {
        let folded = FOLD.fold_text(question, false);
        let mut keys: Vec<u64> = Vec::new();
        let mut previous: Option<String> = None;
        each_run(folded.as_str(), |run, _, han, cuts| {
            if keys.len() >= MAX_FEATURES {
                return;
            }
            if han {
                previous = None;
            } else {
                if let Some(p) = &previous {
                    keys.push(bigram(p, stem(run)));
                }
                previous = Some(stem(run).to_owned());
            }
            run_features(run, han, cuts, &mut keys);
        });
        let mut tf: std::collections::BTreeMap<u64, f32> = Default::default();
        for k in keys {
            *tf.entry(k).or_default() += 1.0;
        }
        let mut norms = [0f32; 2];
        for (k, n) in &mut tf {
            *n = 1.0 + n.ln();
            norms[(*k & 1) as usize] += *n * *n;
        }
        let kept = m.start.len() - 1;
        tf.iter()
            .filter_map(|(k, w)| {
                let f = m.vocab.get(*k).filter(|&f| (f as usize) < kept)?;
                Some((f, w / norms[(*k & 1) as usize].sqrt()))
            })
            .collect()
    }

    /// The key table finds exactly the map's keys, at every size from empty
    /// to a directory of thousands, including keys at both ends of the range.
    #[test]
    fn the_key_table_answers_as_the_map() {
        for n in [0usize, 1, 2, 3, 5, 17, 1000, 20_000] {
            let mut map: FxHashMap<u64, u32> = FxHashMap::default();
            let mut h = 0x9e37_79b9_7f4a_7c15u64 ^ n as u64;
            for i in 0..n {
                h = mix(h, i as u8);
                let k = match i {
                    0 => 0,
                    1 => u64::MAX,
                    _ => h,
                };
                map.insert(k, i as u32);
            }
            let table = KeyTable::new(&map);
            assert_eq!(table.len(), map.len());
            for (&k, &v) in &map {
                assert_eq!(table.get(k), Some(v), "n = {n}");
                for other in [k ^ 2, k.wrapping_add(1), k.wrapping_sub(1)] {
                    assert_eq!(table.get(other), map.get(&other).copied(), "n = {n}");
                }
            }
            assert_eq!(table.get(12345), map.get(&12345).copied());
        }
    }

    /// The question's vector from the model's table of runs is the plain
    /// one: words the texts hold and words they lack, repeated words and
    /// pieces, Chinese, features too many scenarios share (dropped), and a
    /// question past the cap on features.
    #[test]
    fn the_table_of_runs_gives_the_plain_vector() {
        let mut samples = vec![
            sample(0, "where is my order"),
            sample(0, "my order never arrived"),
            sample(0, "订单一直没到"),
            sample(1, "i was charged twice"),
            sample(1, "double charge on my card"),
            sample(1, "重复扣款了"),
        ];
        for c in 2..300u32 {
            samples.push(sample(c, &format!("my topic{c} has a question 我的问题")));
        }
        let m = IntentModel::build(&samples, 300);
        let kept = m.start.len() - 1;
        assert!(m.vocab.len() > kept, "some features are shared by too many scenarios to keep");
        let long = "my order my order please ".repeat(400);
        for q in [
            "where is my order",
            "My ORDERS have not arrived yet, my orders!",
            "charegd twice twice twice on my card",
            "订单没到，我的问题 重複扣款",
            "topic7 topic8 question questions zzqx",
            "我的问题我的问题 my my my",
            long.as_str(),
            "",
        ] {
            let folded = FOLD.fold_text(q, false);
            let mut terms = m.question_terms(folded.as_str());
            to_weights(&mut terms, |t| (usize::from(t.family), &mut t.times));
            let ours: std::collections::BTreeMap<u32, f32> =
                terms.iter().filter(|t| (t.id as usize) < kept).map(|t| (t.id, t.times)).collect();
            let plain = plain_vector(&m, q);
            assert_eq!(ours.keys().collect::<Vec<_>>(), plain.keys().collect::<Vec<_>>(), "{q}");
            for (f, w) in &plain {
                assert!((ours[f] - w).abs() <= 1e-6 * w.abs().max(1.0), "{q}: feature {f}: {} {w}", ours[f]);
            }
        }
        // The words a reason names, in Latin and in Chinese.
        let r = m.rank("订单一直没有到", 1);
        assert_eq!(r[0].class, 0);
        assert!(r[0].terms.iter().all(|t| t.chars().count() == 2) && !r[0].terms.is_empty(), "{:?}", r[0].terms);
    }

    #[test]
    fn traditional_finds_simplified() {
        let m = model();
        assert_eq!(m.rank("訂單沒到", 1)[0].class, 0);
        assert_eq!(m.rank("重複扣款", 1)[0].class, 1);
    }

    #[test]
    fn a_question_with_nothing_known_matches_nothing() {
        let m = model();
        assert!(m.rank("zzqx", 3).is_empty());
        assert!(m.rank("", 3).is_empty());
        assert!(IntentModel::build(&[], 2).rank("order", 3).is_empty());
    }

    #[test]
    fn confidence_does_not_thin_as_the_catalog_grows() {
        let mut samples = vec![
            sample(0, "where is my order"),
            sample(0, "my order never arrived"),
            sample(1, "i was charged twice"),
            sample(1, "double charge on my card"),
        ];
        let small = IntentModel::build(&samples, 2).rank("my order has not arrived", 1)[0].confidence;
        // Three hundred more scenarios, about other things in the same words
        // (`my`, `has`): over all of them the posterior fell to 0.74.
        for c in 2..302u32 {
            samples.push(sample(c, &format!("my topic{c} has a question")));
        }
        let big = IntentModel::build(&samples, 302).rank("my order has not arrived", 1);
        assert_eq!(big[0].class, 0);
        assert!(big[0].confidence > 0.5 && (big[0].confidence - small).abs() < 0.2, "{small} {}", big[0].confidence);
    }

    #[test]
    fn confidences_are_a_distribution() {
        let m = model();
        let r = m.rank("order charged", 3);
        let sum: f64 = r.iter().map(|c| c.confidence).sum();
        assert!(sum <= 1.0 + 1e-9 && sum > 0.5, "{sum}");
        // The scenario with no sample never ranks.
        assert!(r.iter().all(|c| c.class != 2));
    }
}
