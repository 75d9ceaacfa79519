//! Free-text matching: keywords and regular expressions over the user's text.
//!
//! One Aho-Corasick automaton holds every keyword and, for every regular
//! expression, the literals one of which must appear in any match. The text is
//! scanned once; only patterns whose literal was seen (or that have no usable
//! literal) are run, and each is compiled on first use and cached. Cost grows
//! with what matches, not with how many patterns the catalog has.
//!
//! Keywords match the folded text ([`crate::fold`]: width, case, accents,
//! Traditional and Simplified Chinese, separators and short forms), so
//! `Ｍｉｓｓｉｎｇ-ORDER` finds the keyword `missing order` and `帳號` finds
//! `帐号`; they need no word segmentation, so Chinese phrases match as
//! written. Regular expressions match the text as typed, ASCII
//! case-insensitively with `(?i)`, as their authors wrote them; an index can
//! also hold patterns written for the folded text (the crisis lexicon).

use std::sync::OnceLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Input, MatchKind};
use regex_lite::{Regex, RegexBuilder};

use crate::fold::{Fold, fold_phrase};
use crate::syntax::Node;

/// Most literal variants kept per pattern before it is treated as literal-free.
const MAX_LITERALS_PER_PATTERN: usize = 32;

/// The regex work one scan may do, in bytes of text searched: each pattern
/// run costs the text's length, and a first compile `COMPILE_COST`. A scan
/// over ordinary content runs a handful of patterns; a hostile catalog whose
/// every pattern's literal appears in the text stops here instead of running
/// tens of thousands of regexes over a long question.
pub const SCAN_BUDGET: usize = 256 << 10;

/// Most keyword and literal occurrences one scan looks at. Occurrences
/// overlap, so a text can hold as many as its length times the needles: a
/// catalog of 8,192 patterns that all need the letter `a`, against a question
/// of a thousand `a`s, gave eight million. Past the cap the scan goes on with
/// what it found; ordinary content finds a few dozen.
pub const MAX_OCCURRENCES: usize = 1 << 16;

/// What compiling a pattern costs against [`SCAN_BUDGET`] (about 3 µs,
/// the time to search some kilobytes).
const COMPILE_COST: usize = 4 << 10;

/// Most compiled patterns an index keeps (a compiled pattern with its search
/// cache can take tens of kilobytes). Past it, a pattern is compiled for the
/// scan that needs it and dropped, so that memory stays bounded however many
/// different texts a long-lived catalog sees.
const MAX_CACHED_REGEXES: usize = 512;

/// A keyword or pattern that matched, with its byte span in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<O> {
    /// Who owns the phrase (a scenario trigger, the crisis screen, ...).
    pub owner: O,
    /// The keyword or pattern as authored.
    pub phrase: usize,
    /// Byte range of the match in the scanned text.
    pub span: (usize, usize),
}

/// Why a pattern could not be indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// Index of the pattern in the order it was added.
    pub pattern: usize,
    /// The parser's explanation, on one line.
    pub message: String,
    /// The pattern is valid, but one too many of its kind (see
    /// [`PhraseIndexBuilder::literal_free_limit`]): a limit, not a syntax error.
    pub over_limit: bool,
}

#[derive(Debug)]
struct Pattern<O> {
    owner: O,
    source: String,
    compiled: OnceLock<Option<Regex>>,
}

#[derive(Debug, Clone, Copy)]
enum Needle {
    Keyword(usize),
    /// A pattern's required literal, and whether the pattern puts `\b` before and after it.
    Literal {
        pattern: usize,
        boundary_before: bool,
        boundary_after: bool,
    },
}

/// Builder for a [`PhraseIndex`].
#[derive(Debug)]
pub struct PhraseIndexBuilder<O> {
    owners: Vec<O>,
    fold: Fold,
    /// Keywords as authored, for reasons and tools.
    keywords: Vec<String>,
    /// Keywords (folded) and folded-text patterns.
    folded: RawBuilder<u32>,
    /// Patterns over the text as typed.
    raw: RawBuilder<u32>,
}

/// Every keyword and pattern of one kind (scenario triggers, crisis screen), ready to scan text.
#[derive(Debug)]
pub struct PhraseIndex<O> {
    owners: Vec<O>,
    fold: Fold,
    keywords: Vec<String>,
    folded: RawIndex<u32>,
    raw: RawIndex<u32>,
}

impl<O: Copy> PhraseIndexBuilder<O> {
    /// A builder whose regexes obey the given nesting and compiled-size limits.
    pub fn new(nest_limit: u32, size_limit: usize) -> Self {
        PhraseIndexBuilder {
            owners: Vec::new(),
            fold: Fold::default(),
            keywords: Vec::new(),
            folded: RawBuilder::new(nest_limit, size_limit),
            raw: RawBuilder::new(nest_limit, size_limit),
        }
    }

    /// How keywords and the scanned text are folded (default: [`Fold::default`]).
    pub fn fold(mut self, fold: Fold) -> Self {
        self.fold = fold;
        self
    }

    fn owner(&mut self, owner: O) -> u32 {
        self.owners.push(owner);
        u32::try_from(self.owners.len() - 1).unwrap_or(u32::MAX)
    }

    /// Caps the patterns with no required literal: each of them runs on every
    /// scanned text, so their number multiplies the cost of every scan. Past
    /// the cap, [`PhraseIndexBuilder::build`] reports each one as over the limit.
    pub fn literal_free_limit(mut self, max: usize) -> Self {
        self.raw.max_literal_free = max;
        self.folded.max_literal_free = max;
        self
    }

    /// Adds a literal keyword, matched on the folded text; returns its phrase number.
    pub fn keyword(&mut self, owner: O, keyword: impl Into<String>) -> usize {
        let owner = self.owner(owner);
        let keyword = keyword.into();
        let folded = fold_phrase(&keyword, self.fold);
        self.keywords.push(keyword);
        self.folded.keyword(owner, folded)
    }

    /// Adds a regular expression over the text as typed; returns its phrase number.
    pub fn pattern(&mut self, owner: O, pattern: impl Into<String>) -> usize {
        let owner = self.owner(owner);
        self.raw.pattern(owner, pattern.into())
    }

    /// Adds a regular expression written for the folded text (lowercase,
    /// single spaces, none between Chinese characters); returns its phrase
    /// number among such patterns ([`Phrase::Folded`]).
    pub fn folded_pattern(&mut self, owner: O, pattern: impl Into<String>) -> usize {
        let owner = self.owner(owner);
        self.folded.pattern(owner, pattern.into())
    }

    /// Builds the automata. Patterns that do not parse are reported, not
    /// indexed: those over the typed text by their number, then folded-text
    /// patterns with their number plus the count of typed-text patterns.
    pub fn build(self) -> (PhraseIndex<O>, Vec<PatternError>) {
        let typed = self.raw.patterns.len();
        let (raw, mut errors) = self.raw.build();
        let (folded, more) = self.folded.build();
        errors.extend(more.into_iter().map(|e| PatternError { pattern: e.pattern + typed, ..e }));
        let (mut owners, mut keywords) = (self.owners, self.keywords);
        owners.shrink_to_fit();
        keywords.shrink_to_fit();
        (PhraseIndex { owners, fold: self.fold, keywords, folded, raw }, errors)
    }
}

impl<O: Copy> PhraseIndex<O> {
    fn owner(&self, raw: u32) -> Option<O> {
        self.owners.get(raw as usize).copied()
    }

    /// Finds every keyword occurrence and every matching pattern in `text`.
    /// Each pattern is reported at most once. With `spans`, a pattern hit
    /// carries its first match's span; without, only whether it matches
    /// (faster) and a span of `(0, 0)`.
    /// Spans are byte ranges of `text` as given, for keywords and folded-text
    /// patterns too.
    pub fn scan(&self, text: &str, spans: bool) -> Vec<(Phrase, Hit<O>)> {
        self.scan_with(text, spans, None)
    }

    /// [`Self::scan`] without spans, given `text` already folded by `fold`
    /// (`fold.fold_text(text, false)`), so that a text several readers match
    /// is folded once. A fold that does not serve [`Self::fold_rule`]
    /// ([`Fold::serves`]) is not used: the text is folded again.
    pub fn scan_folded(&self, text: &str, folded: &crate::fold::Folded, fold: Fold) -> Vec<(Phrase, Hit<O>)> {
        self.scan_with(text, false, fold.serves(self.fold, folded).then_some(folded))
    }

    /// How this index folds a text before matching keywords.
    pub fn fold_rule(&self) -> Fold {
        self.fold
    }

    fn scan_with(&self, text: &str, spans: bool, prefolded: Option<&crate::fold::Folded>) -> Vec<(Phrase, Hit<O>)> {
        let hits = scan_sides(self.fold, &self.folded, &self.raw, text, spans, prefolded);
        hits.into_iter()
            .filter_map(|(p, h)| Some((p, Hit { owner: self.owner(h.owner)?, phrase: h.phrase, span: h.span })))
            .collect()
    }

    /// Every pattern that matches `text`, each tried in turn without the
    /// literal prefilter: the oracle the property tests hold [`Self::scan`] to.
    /// Only with the `testing` feature.
    #[cfg(any(test, feature = "testing"))]
    pub fn matching_patterns_unfiltered(&self, text: &str) -> Vec<usize> {
        self.raw.matching_patterns_unfiltered(text)
    }

    #[cfg(test)]
    fn scan_all(&self, text: &str) -> Vec<(Phrase, Hit<O>)> {
        self.scan(text, true)
    }

    /// Builds the automaton now rather than on the first scan.
    pub fn prepare(&self) {
        self.raw.prepare();
        self.folded.prepare();
    }

    /// Every keyword with its owner, as authored, in the order added.
    pub fn keywords(&self) -> impl Iterator<Item = (O, &str)> {
        self.folded.keywords().zip(&self.keywords).filter_map(|((o, _), k)| Some((self.owner(o)?, k.as_str())))
    }

    /// Folds a text as this index folds it before matching keywords.
    pub fn folded(&self, text: &str) -> String {
        fold_phrase(text, self.fold)
    }

    /// Every keyword with its owner, folded as it is matched, in the order added.
    pub fn folded_keywords(&self) -> impl Iterator<Item = (O, &str)> {
        self.folded.keywords().filter_map(|(o, k)| Some((self.owner(o)?, k)))
    }

    /// Every pattern with its owner, in the order added.
    pub fn patterns(&self) -> impl Iterator<Item = (O, &str)> {
        self.raw.patterns().filter_map(|(o, p)| Some((self.owner(o)?, p)))
    }

    /// The keyword text of a phrase number, as authored.
    pub fn keyword_text(&self, k: usize) -> Option<&str> {
        self.keywords.get(k).map(String::as_str)
    }

    /// The pattern source of a phrase number.
    pub fn pattern_text(&self, p: usize) -> Option<&str> {
        self.raw.pattern_text(p)
    }

    /// The source of a folded-text pattern.
    pub fn folded_pattern_text(&self, p: usize) -> Option<&str> {
        self.folded.pattern_text(p)
    }

    /// How many patterns have been compiled so far (the rest are still lazy).
    pub fn compiled_patterns(&self) -> usize {
        self.raw.compiled_patterns() + self.folded.compiled_patterns()
    }
}

/// Scans both sides of an index, keywords first (a trigger's reason names the
/// first phrase that fired). Not generic, so one copy serves every owner type.
fn scan_sides(
    fold: Fold,
    folded: &RawIndex<u32>,
    raw: &RawIndex<u32>,
    text: &str,
    spans: bool,
    prefolded: Option<&crate::fold::Folded>,
) -> Vec<(Phrase, Hit<u32>)> {
    let mut hits = Vec::new();
    if !folded.is_empty() {
        let own;
        let f = match prefolded {
            Some(f) if !spans => f,
            _ => {
                own = fold.fold_text(text, spans);
                &own
            }
        };
        for (p, mut h) in folded.scan(f.as_str(), spans, true) {
            h.span = if spans { f.source_span(h.span) } else { (0, 0) };
            let p = if let Phrase::Pattern(n) = p { Phrase::Folded(n) } else { p };
            hits.push((p, h));
        }
    }
    hits.append(&mut raw.scan(text, spans, false));
    hits
}

/// The index proper, with owners as numbers into the wrapper's list: one
/// compiled copy serves every owner type (each copy was 3 KB of the web module).
#[derive(Debug)]
struct RawBuilder<O> {
    keywords: Vec<(O, String)>,
    patterns: Vec<(O, String)>,
    nest_limit: u32,
    size_limit: usize,
    max_literal_free: usize,
}

#[derive(Debug)]
struct RawIndex<O> {
    /// Built on the first scan (or by [`PhraseIndex::prepare`]) and cached.
    automaton: OnceLock<Option<NFA>>,
    needles: Vec<Needle>,
    /// Every needle's lowercased bytes, back to back; `ends[i]` closes needle `i`.
    needle_bytes: Vec<u8>,
    needle_ends: Vec<usize>,
    keywords: Vec<(O, String)>,
    patterns: Vec<Pattern<O>>,
    literal_free: Vec<usize>,
    size_limit: usize,
    nest_limit: u32,
    /// How many patterns hold a compiled regex; see [`MAX_CACHED_REGEXES`].
    cached: std::sync::atomic::AtomicUsize,
}

impl<O: Copy> RawBuilder<O> {
    fn new(nest_limit: u32, size_limit: usize) -> Self {
        RawBuilder { keywords: Vec::new(), patterns: Vec::new(), nest_limit, size_limit, max_literal_free: usize::MAX }
    }

    fn keyword(&mut self, owner: O, keyword: String) -> usize {
        self.keywords.push((owner, keyword));
        self.keywords.len() - 1
    }

    fn pattern(&mut self, owner: O, pattern: String) -> usize {
        self.patterns.push((owner, pattern));
        self.patterns.len() - 1
    }

    fn build(self) -> (RawIndex<O>, Vec<PatternError>) {
        let mut needles: Vec<Needle> = Vec::new();
        let mut needle_bytes: Vec<u8> = Vec::new();
        let mut needle_ends: Vec<usize> = Vec::new();
        for (i, (_, k)) in self.keywords.iter().enumerate() {
            if !k.is_empty() {
                needles.push(Needle::Keyword(i));
                needle_bytes.extend(k.bytes().map(|b| b.to_ascii_lowercase()));
                needle_ends.push(needle_bytes.len());
            }
        }
        let mut patterns = Vec::with_capacity(self.patterns.len());
        let mut literal_free = Vec::new();
        let mut errors = Vec::new();
        for (i, (owner, source)) in self.patterns.into_iter().enumerate() {
            // Only the syntax tree: enough to check syntax and find literals. The
            // matcher compiles on first use (about 3 µs), and the full lint compiles
            // every pattern.
            match parse(&source, self.nest_limit) {
                Err(message) => {
                    errors.push(PatternError { pattern: i, message, over_limit: false });
                    // Keep numbering stable; this pattern simply never matches.
                    patterns.push(Pattern { owner, source, compiled: OnceLock::from(None) });
                    continue;
                }
                Ok(shape) => {
                    match shape.as_ref().and_then(required_literals) {
                        Some(lits) => {
                            for lit in lits {
                                needles.push(Needle::Literal {
                                    pattern: i,
                                    boundary_before: lit.boundary_before,
                                    boundary_after: lit.boundary_after,
                                });
                                needle_bytes.extend(lit.bytes);
                                needle_ends.push(needle_bytes.len());
                            }
                        }
                        None if literal_free.len() >= self.max_literal_free => {
                            let message = literal_free_over_limit(self.max_literal_free);
                            errors.push(PatternError { pattern: i, message, over_limit: true });
                            patterns.push(Pattern { owner, source, compiled: OnceLock::from(None) });
                            continue;
                        }
                        None => literal_free.push(i),
                    }
                    patterns.push(Pattern { owner, source, compiled: OnceLock::new() });
                }
            }
        }
        // Grown one phrase at a time: kept at their length.
        let mut keywords = self.keywords;
        keywords.shrink_to_fit();
        needles.shrink_to_fit();
        needle_bytes.shrink_to_fit();
        needle_ends.shrink_to_fit();
        let index = RawIndex {
            automaton: OnceLock::new(),
            needles,
            needle_bytes,
            needle_ends,
            keywords,
            patterns,
            literal_free,
            size_limit: self.size_limit,
            nest_limit: self.nest_limit,
            cached: std::sync::atomic::AtomicUsize::new(0),
        };
        (index, errors)
    }
}

/// What lint and load say of a literal-free pattern past the `max`-th.
pub(crate) fn literal_free_over_limit(max: usize) -> String {
    format!(
        "more than {max} patterns have no literal text, and each runs on every question; \
         give this one a word it must contain"
    )
}

/// Whether the prefilter finds literals in `node`, one of which every match
/// contains: a pattern without them runs on every scanned text.
pub(crate) fn has_required_literals(node: &Node) -> bool {
    required_literals(node).is_some()
}

/// Lowercased literals at least one of which occurs in every match of `node`,
/// or `None` when no such small set exists (the pattern is then always tried).
fn required_literals(node: &Node) -> Option<Vec<Lit>> {
    let mut out = required(node)?;
    out.retain(|l| !l.bytes.is_empty());
    crate::order::by(&mut out, Ord::cmp);
    out.dedup();
    (!out.is_empty() && out.len() <= MAX_LITERALS_PER_PATTERN).then_some(out)
}

/// A literal every match contains, ASCII-lowercased, with what the pattern
/// says about its edges: `\b` right before its first byte or right after its
/// last. The scan drops an occurrence whose edge is plainly not a word
/// boundary, so `\bgadget1\b` is not tried on every mention of `gadget12`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Lit {
    bytes: Vec<u8>,
    boundary_before: bool,
    boundary_after: bool,
}

/// Whether a byte belongs to a word character. Word boundaries are ASCII
/// (`\w` is `[0-9A-Za-z_]`), so no byte of a non-ASCII character does.
fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether a word boundary is impossible between `outside` (the byte next to a
/// literal's occurrence; None at either end of the text) and `edge`, the
/// literal's own edge byte.
fn no_boundary(outside: Option<u8>, edge: u8) -> bool {
    outside.is_some_and(word_byte) == word_byte(edge)
}

/// Whether `node` matches exactly one string (then [`exact_into`] writes it).
fn is_exact(node: &Node) -> bool {
    match node {
        Node::WordBoundary | Node::Empty | Node::WordAssertion | Node::Char(_) => true,
        Node::Concat(items) => items.iter().all(is_exact),
        _ => false,
    }
}

/// Appends the one string an exact `node` ([`is_exact`]) matches to `lit`,
/// ASCII-lowercased, with its edges: a `\b` before the literal's first byte
/// or after its last sets that side.
fn exact_into(node: &Node, lit: &mut Lit) {
    match node {
        Node::WordBoundary => {
            if lit.bytes.is_empty() {
                lit.boundary_before = true;
            }
            lit.boundary_after = true;
        }
        // `(?i)` folds ASCII letters only, as the automaton does: a non-ASCII
        // letter matches itself alone, with or without the flag.
        Node::Char(c) => {
            let mut buf = [0u8; 4];
            lit.bytes.extend(c.encode_utf8(&mut buf).bytes().map(|b| b.to_ascii_lowercase()));
            lit.boundary_after = false;
        }
        Node::Concat(items) => items.iter().for_each(|n| exact_into(n, lit)),
        _ => {}
    }
}

/// A set of literals one of which every match of `node` contains.
fn required(node: &Node) -> Option<Vec<Lit>> {
    if is_exact(node) {
        let mut e = Lit::default();
        exact_into(node, &mut e);
        return (!e.bytes.is_empty()).then(|| vec![e]);
    }
    match node {
        Node::Repeat(min, inner) if *min >= 1 => required(inner),
        Node::Alternation(branches) => {
            let mut all = Vec::new();
            for b in branches {
                all.extend(required(b)?);
            }
            Some(all)
        }
        Node::Concat(items) => {
            // Candidates: each run of exact items joined, and each other item's own set.
            let mut best: Option<Vec<Lit>> = None;
            let mut consider = |set: Vec<Lit>| {
                let score = |s: &Vec<Lit>| s.iter().map(|l| l.bytes.len()).min().unwrap_or(0);
                if set.iter().all(|l| !l.bytes.is_empty()) && best.as_ref().is_none_or(|b| score(&set) > score(b)) {
                    best = Some(set);
                }
            };
            let mut run = Lit::default();
            for item in items {
                if is_exact(item) {
                    exact_into(item, &mut run);
                    continue;
                }
                if !run.bytes.is_empty() {
                    consider(vec![std::mem::take(&mut run)]);
                }
                // A boundary before the next run is not one after this item.
                run = Lit::default();
                if let Some(set) = required(item) {
                    consider(set);
                }
            }
            if !run.bytes.is_empty() {
                consider(vec![run]);
            }
            best
        }
        _ => None,
    }
}

/// Checks a pattern with the matching engine's own parser, within the nesting
/// limit, and reads its shape ([`crate::syntax`]; `None` when the reader gives
/// up, and the pattern is then never prefiltered). Patterns run on regex-lite,
/// whose classes and case folding are ASCII and which refuses `\p{...}` classes
/// and class set operations. A pattern that passes here compiles, short of the
/// compiled-size limit, which only compiling can tell.
pub(crate) fn parse(pattern: &str, nest_limit: u32) -> Result<Option<Node>, String> {
    // A leading `(?i)` changes which texts a pattern matches, never whether
    // it parses, and regex-lite's parser spends half its time on it (a class
    // for every letter): the rest is checked alone, and, should it fail, the
    // whole pattern again for the message.
    let checked = match pattern.strip_prefix("(?i)") {
        Some(rest) if check_syntax(rest, nest_limit).is_ok() => Ok(()),
        _ => check_syntax(pattern, nest_limit),
    };
    checked.map(|()| crate::syntax::parse(pattern))
}

/// regex-lite's verdict on `pattern`'s syntax, within the nesting limit, with
/// its message (and a hint for what it lacks) when it refuses.
fn check_syntax(pattern: &str, nest_limit: u32) -> Result<(), String> {
    // A size limit of zero stops regex-lite right after its parser, at the
    // first compiled state: syntax errors come first, and cost what parsing does.
    match RegexBuilder::new(pattern).size_limit(0).nest_limit(nest_limit).build() {
        Err(e) if e.to_string() == SIZE_EXCEEDED => Ok(()),
        Err(e) => {
            let message = e.to_string();
            if message.ends_with("not supported") && !message.starts_with("backreferences") {
                Err(format!("{message} (classes such as \\w, \\d and \\s are ASCII; list other characters in [...])"))
            } else {
                Err(message)
            }
        }
        Ok(_) => Ok(()),
    }
}

/// regex-lite's message for a pattern over its size limit.
const SIZE_EXCEEDED: &str = "compiled regex exceeded size limit";

/// Compiles a pattern within the compiled-size and nesting limits: the one
/// place content patterns become matchers.
pub(crate) fn compile(pattern: &str, size_limit: usize, nest_limit: u32) -> Result<Regex, String> {
    RegexBuilder::new(pattern).size_limit(size_limit).nest_limit(nest_limit).build().map_err(|e| e.to_string())
}

/// Whether a word assertion (`\b`, `\B`, `\<` ...) stands next to a non-ASCII
/// character: word boundaries are ASCII, so `\b订单` holds only after an ASCII
/// letter or digit, never after a space or another Chinese character.
pub(crate) fn boundary_beside_non_ascii(node: &Node) -> bool {
    let boundary = |n: &Node| matches!(n, Node::WordBoundary | Node::WordAssertion);
    let non_ascii = |n: &Node| matches!(n, Node::Char(c) if !c.is_ascii());
    match node {
        Node::Concat(items) => {
            items.windows(2).any(|w| (boundary(&w[0]) && non_ascii(&w[1])) || (non_ascii(&w[0]) && boundary(&w[1])))
                || items.iter().any(boundary_beside_non_ascii)
        }
        Node::Repeat(_, inner) => boundary_beside_non_ascii(inner),
        Node::Alternation(branches) => branches.iter().any(boundary_beside_non_ascii),
        _ => false,
    }
}

/// A regular expression compiled on first use and cached (e.g. input validation).
#[derive(Debug)]
pub struct LazyRegex {
    source: String,
    size_limit: usize,
    nest_limit: u32,
    compiled: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    /// A pattern that must match the whole text (it is anchored at both ends).
    pub fn whole(pattern: &str, size_limit: usize, nest_limit: u32) -> Self {
        // One more level for the group around the pattern.
        let nest_limit = nest_limit.saturating_add(1);
        LazyRegex { source: format!("^(?:{pattern})$"), size_limit, nest_limit, compiled: OnceLock::new() }
    }

    /// Whether `text` matches; `None` when the pattern does not compile within limits.
    pub fn is_match(&self, text: &str) -> Option<bool> {
        self.compiled
            .get_or_init(|| compile(&self.source, self.size_limit, self.nest_limit).ok())
            .as_ref()
            .map(|re| re.is_match(text))
    }
}

/// Keyword or pattern number within its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phrase {
    /// A keyword, by the number [`PhraseIndexBuilder::keyword`] returned.
    Keyword(usize),
    /// A pattern, by the number [`PhraseIndexBuilder::pattern`] returned.
    Pattern(usize),
    /// A folded-text pattern, by the number [`PhraseIndexBuilder::folded_pattern`] returned.
    Folded(usize),
}

impl<O: Copy> RawIndex<O> {
    fn is_empty(&self) -> bool {
        self.keywords.is_empty() && self.patterns.is_empty()
    }

    /// `lowercase`: the text has no ASCII capitals (folded text), so the
    /// automaton reads it as it is.
    fn scan(&self, text: &str, spans: bool, lowercase: bool) -> Vec<(Phrase, Hit<O>)> {
        let mut out = Vec::new();
        let mut candidates: Vec<u64> = self.literal_free.iter().map(|&p| p as u64).collect();
        // Patterns already among the candidates, one bit each, so that a literal
        // seen a thousand times adds its pattern once.
        let mut seen: Vec<u64> = Vec::new();
        if let Some(ac) = self.automaton() {
            let lowered: std::borrow::Cow<'_, str> =
                if lowercase { text.into() } else { text.to_ascii_lowercase().into() };
            let found = ac.try_find_overlapping_iter(Input::new(lowered.as_bytes())).into_iter().flatten();
            for m in found.take(MAX_OCCURRENCES) {
                match self.needles.get(m.pattern().as_usize()) {
                    Some(Needle::Keyword(k)) => {
                        if let Some((owner, _)) = self.keywords.get(*k) {
                            out.push((
                                Phrase::Keyword(*k),
                                Hit { owner: *owner, phrase: *k, span: (m.start(), m.end()) },
                            ));
                        }
                    }
                    Some(&Needle::Literal { pattern, boundary_before, boundary_after }) => {
                        let bytes = lowered.as_bytes();
                        let (start, end) = (m.start(), m.end());
                        let at = |i: Option<usize>| i.and_then(|i| bytes.get(i).copied());
                        let misplaced = (boundary_before
                            && at(Some(start)).is_some_and(|edge| no_boundary(at(start.checked_sub(1)), edge)))
                            || (boundary_after
                                && at(end.checked_sub(1)).is_some_and(|edge| no_boundary(at(Some(end)), edge)));
                        if seen.is_empty() {
                            seen = vec![0; self.patterns.len().div_ceil(64)];
                        }
                        let (word, bit) = (pattern / 64, 1u64 << (pattern % 64));
                        if !misplaced && seen.get(word).is_some_and(|w| w & bit == 0) {
                            seen[word] |= bit;
                            candidates.push(pattern as u64);
                        }
                    }
                    None => {}
                }
            }
        }
        // Each pattern is a candidate once (literal-free ones are never marked in
        // `seen`, and a literal one only the first time), so sorting is enough.
        crate::order::keys(&mut candidates);
        // Patterns run in catalog order until the scan's budget is spent.
        let mut budget = SCAN_BUDGET;
        for p in candidates.into_iter().filter_map(|p| usize::try_from(p).ok()) {
            let Some(pattern) = self.patterns.get(p) else { continue };
            let cost = text.len().max(1) + if pattern.compiled.get().is_none() { COMPILE_COST } else { 0 };
            let Some(left) = budget.checked_sub(cost) else { break };
            budget = left;
            let Some(re) = self.regex(pattern) else { continue };
            let span =
                if spans { re.find(text).map(|m| (m.start(), m.end())) } else { re.is_match(text).then_some((0, 0)) };
            if let Some(span) = span {
                out.push((Phrase::Pattern(p), Hit { owner: pattern.owner, phrase: p, span }));
            }
        }
        out
    }

    #[cfg(any(test, feature = "testing"))]
    fn matching_patterns_unfiltered(&self, text: &str) -> Vec<usize> {
        (0..self.patterns.len())
            .filter(|&p| {
                self.patterns.get(p).and_then(|pattern| self.regex(pattern)).is_some_and(|re| re.is_match(text))
            })
            .collect()
    }

    /// The pattern's regex, or `None` when it does not compile: the cached one,
    /// compiling it into the cache on first use, or, once the cache is full, one
    /// compiled for this call alone.
    fn regex<'a>(&self, pattern: &'a Pattern<O>) -> Option<std::borrow::Cow<'a, Regex>> {
        use std::sync::atomic::Ordering::Relaxed;
        if pattern.compiled.get().is_none() && self.cached.load(Relaxed) >= MAX_CACHED_REGEXES {
            return compile(&pattern.source, self.size_limit, self.nest_limit).ok().map(std::borrow::Cow::Owned);
        }
        let cached = pattern.compiled.get_or_init(|| {
            self.cached.fetch_add(1, Relaxed);
            compile(&pattern.source, self.size_limit, self.nest_limit).ok()
        });
        cached.as_ref().map(std::borrow::Cow::Borrowed)
    }

    /// The automaton, built on first use. Needles are ASCII-lowercased and the
    /// text is lowercased at scan time: half the build cost of an ASCII
    /// case-insensitive automaton, with the same offsets. It is the contiguous
    /// NFA alone, without the crate's runtime choice between automata and its
    /// SIMD prefilters: those are half of aho-corasick's code in the mobile and
    /// web libraries, and a keyword scan over a short question does not need them.
    fn automaton(&self) -> Option<&NFA> {
        self.automaton
            .get_or_init(|| {
                if self.needle_ends.is_empty() {
                    return None;
                }
                let starts = std::iter::once(0).chain(self.needle_ends.iter().copied());
                let needles = starts.zip(&self.needle_ends).map(|(s, &e)| &self.needle_bytes[s..e]);
                NFA::builder().match_kind(MatchKind::Standard).prefilter(false).build(needles).ok()
            })
            .as_ref()
    }

    fn prepare(&self) {
        let _ = self.automaton();
    }

    fn keywords(&self) -> impl Iterator<Item = (O, &str)> {
        self.keywords.iter().map(|(o, k)| (*o, k.as_str()))
    }

    fn patterns(&self) -> impl Iterator<Item = (O, &str)> {
        self.patterns.iter().map(|p| (p.owner, p.source.as_str()))
    }

    fn pattern_text(&self, p: usize) -> Option<&str> {
        self.patterns.get(p).map(|p| p.source.as_str())
    }

    fn compiled_patterns(&self) -> usize {
        self.patterns.iter().filter(|p| p.compiled.get().is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(keywords: &[&str], patterns: &[&str]) -> PhraseIndex<u32> {
        let mut b = PhraseIndexBuilder::new(16, 1 << 20);
        for (i, k) in keywords.iter().enumerate() {
            b.keyword(i as u32, *k);
        }
        for (i, p) in patterns.iter().enumerate() {
            b.pattern(100 + i as u32, *p);
        }
        let (idx, errors) = b.build();
        assert!(errors.is_empty(), "{errors:?}");
        idx
    }

    #[test]
    fn a_leading_case_flag_never_changes_whether_a_pattern_parses() {
        // The check of a `(?i)` pattern reads the rest alone (`parse`): the
        // verdict must be the one regex-lite gives the whole pattern.
        let rests = [
            "",
            "a",
            "*a",
            "+",
            "?",
            "{2}",
            "a{2,1}",
            "a{2}",
            "a**",
            "a*?",
            ")",
            "(",
            "()",
            "[",
            "[]",
            "[a-Z]",
            "[Z-a]",
            "[[:alpha:]]",
            "[[:nope:]]",
            "a|",
            "|",
            "a||b",
            r"\p{L}",
            r"\pL",
            r"\1",
            "(?x) a b",
            "(?i)a",
            "(?-i)a",
            "(?z)a",
            "(?i",
            "(?P<n>a)",
            "(?P<n>a)(?P<n>b)",
            "(?<n>a)",
            r"\b{start}",
            r"\b{nope}",
            r"\",
            r"\q",
            r"\x{110000}",
            r"\xZZ",
            "é",
            r"\bgadget1\b.*\b(broken|missing)\b",
            "((((a))))",
            "a{1001}",
            "a{4294967296}",
            "^",
            "$",
            "^*",
            "[^]",
            "[a-]",
            "[-a]",
            "[a&&b]",
            "[a--b]",
            "[a~~b]",
            r"[\d-z]",
            "(?i:a)",
            "(?i:",
            "(?:a)",
            "x{,3}",
        ];
        for rest in rests {
            for nest in [1, 2, 250] {
                let whole = format!("(?i){rest}");
                let full = RegexBuilder::new(&whole).size_limit(0).nest_limit(nest).build();
                let parses = !matches!(&full, Err(e) if e.to_string() != SIZE_EXCEEDED);
                assert_eq!(parse(&whole, nest).is_ok(), parses, "{whole} at nesting {nest}");
                if let (Err(ours), Err(theirs)) = (parse(&whole, nest), full) {
                    assert!(ours.starts_with(&theirs.to_string()), "{whole}: {ours} / {theirs}");
                }
            }
        }
    }

    #[test]
    fn keywords_match_case_insensitively_and_in_chinese() {
        let idx = index(&["missing order", "订单不见了"], &[]);
        let hits = idx.scan_all("My MISSING ORDER and 我的订单不见了！");
        let owners: Vec<u32> = hits.iter().map(|(_, h)| h.owner).collect();
        assert_eq!(owners, [0, 1]);
    }

    #[test]
    fn keywords_match_the_folded_text_and_report_spans_of_the_text_as_typed() {
        let idx = index(&["missing order", "帐号被封", "can't log in"], &[]);
        let text = "ＭＩＳＳＩＮＧ--Order! 帳號 被 封 cannot log-in";
        let hits = idx.scan_all(text);
        let found: Vec<(u32, &str)> = hits.iter().map(|(_, h)| (h.owner, &text[h.span.0..h.span.1])).collect();
        assert_eq!(found, [(0, "ＭＩＳＳＩＮＧ--Order"), (1, "帳號 被 封"), (2, "cannot log-in")]);
        assert_eq!(idx.keyword_text(2), Some("can't log in"), "reasons name the keyword as authored");
    }

    #[test]
    fn patterns_run_only_when_their_literal_appears() {
        let idx = index(&[], &[r"(?i)\border\b.*\b(gone|missing)\b", r"refund\s+\d+", r"(?i)disappeared"]);
        assert_eq!(idx.raw.literal_free, Vec::<usize>::new());
        assert!(idx.scan_all("nothing relevant here").is_empty());
        assert_eq!(idx.compiled_patterns(), 0, "no pattern should compile without its literal");
        let hits = idx.scan_all("my Order is gone");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].1.owner, 100);
        assert_eq!(idx.compiled_patterns(), 1);
    }

    #[test]
    fn required_literals_survive_case_folding_and_alternation() {
        let lits = |p: &str| {
            required_literals(&crate::syntax::parse(p).unwrap())
                .map(|set| set.into_iter().map(|l| l.bytes).collect::<Vec<_>>())
        };
        assert_eq!(lits(r"(?i)\bgadget42\b.*\b(broken|missing)\b"), Some(vec![b"gadget42".to_vec()]));
        assert_eq!(lits(r"refund\s+\d+"), Some(vec![b"refund".to_vec()]));
        assert_eq!(lits(r"(lost|missing) order"), Some(vec![b" order".to_vec()]));
        assert_eq!(lits(r"(?i)(cat|dog)s?"), Some(vec![b"cat".to_vec(), b"dog".to_vec()]));
        assert_eq!(lits(r"订单.*不见"), Some(vec!["订单".as_bytes().to_vec()]));
        assert_eq!(lits(r"\d{6,}"), None);
        assert_eq!(lits(r"a?"), None);
        // (?i) folds ASCII only, in the engine as in the automaton: Ä stays Ä.
        assert_eq!(lits(r"(?i)straße ÄRGER"), Some(vec!["straße Ärger".as_bytes().to_vec()]));
        assert_eq!(lits(r"Ärger"), Some(vec!["Ärger".as_bytes().to_vec()]));
    }

    #[test]
    fn required_literals_carry_the_word_boundaries_around_them() {
        let edges = |p: &str| {
            required_literals(&crate::syntax::parse(p).unwrap())
                .unwrap()
                .into_iter()
                .map(|l| (String::from_utf8(l.bytes).unwrap(), l.boundary_before, l.boundary_after))
                .collect::<Vec<_>>()
        };
        assert_eq!(edges(r"(?i)\bgadget42\b.*x"), [("gadget42".into(), true, true)]);
        assert_eq!(edges(r"\border .*"), [("order ".into(), true, false)]);
        assert_eq!(edges(r"x+\b(?:lost|gone)"), [("gone".into(), false, false), ("lost".into(), false, false)]);
        assert_eq!(edges(r"(\bcat\b|dogs)"), [("cat".into(), true, true), ("dogs".into(), false, false)]);
        // Boundaries are ASCII, so they are checked beside Chinese too.
        assert_eq!(edges(r"\b订单\b"), [("订单".into(), true, true)]);
        // `\b` one item away from the literal says nothing about its edge.
        assert_eq!(edges(r"\b\d+refund"), [("refund".into(), false, false)]);
    }

    #[test]
    fn occurrences_inside_longer_words_do_not_run_the_pattern() {
        let idx = index(&[], &[r"(?i)\bgadget1\b.*broken", r"(?i)\bgadget12\b.*broken"]);
        let hits = idx.scan_all("my GADGET12 is broken");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].1.owner, 101);
        assert_eq!(idx.compiled_patterns(), 1, "gadget1 inside gadget12 must not compile its pattern");
        // At the ends of the text, and beside punctuation, the boundary holds.
        assert_eq!(idx.scan_all("gadget1, broken").len(), 1);
        assert_eq!(idx.scan_all("(gadget12)broken").len(), 1);
        // Word characters are ASCII: a non-ASCII letter is a boundary.
        assert_eq!(idx.scan_all("ägadget1 broken").len(), 1);
        assert_eq!(idx.scan_all("gadget1ä broken").len(), 1);
        assert_eq!(idx.scan_all("gadget1_ broken").len(), 0);
        assert_eq!(idx.compiled_patterns(), 2);
    }

    #[test]
    fn non_ascii_letters_match_only_themselves_under_case_insensitivity() {
        let idx = index(&[], &[r"(?i)ÄRGER"]);
        assert_eq!(idx.scan_all("großer Ärger").len(), 1);
        assert_eq!(idx.scan_all("großer ärger").len(), 0);
        assert_eq!(idx.matching_patterns_unfiltered("großer ärger"), Vec::<usize>::new());
        assert_eq!(idx.scan_all("ÄrGeR").len(), 1);
    }

    #[test]
    fn literal_free_patterns_are_always_tried() {
        let idx = index(&[], &[r"\d{6,}"]);
        assert_eq!(idx.scan_all("code 1234567").len(), 1);
    }

    #[test]
    fn the_engine_parser_checks_patterns_and_says_what_is_missing() {
        assert!(matches!(parse(r"(?i)\border\b", 16), Ok(Some(_))));
        // Valid, but beyond the shape reader: never prefiltered, still accepted.
        assert_eq!(parse(r"(?x) order # comment", 16), Ok(None));
        assert_eq!(parse("(unclosed", 16), Err("found open group without closing ')'".to_owned()));
        for (pattern, start) in [
            (r"\p{Han}", "Unicode character classes are not supported (classes such as \\w"),
            ("[a&&b]", "character class intersection is not supported (classes such as"),
        ] {
            let message = parse(pattern, 16).unwrap_err();
            assert!(message.starts_with(start), "{message}");
        }
        assert!(parse("((((a))))", 3).is_err(), "the nesting limit holds");
    }

    #[test]
    fn bad_patterns_are_reported_and_never_match() {
        let mut b = PhraseIndexBuilder::new(16, 1 << 20);
        b.pattern(1u32, "(unclosed");
        b.pattern(2u32, "ok");
        let (idx, errors) = b.build();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].pattern, 0);
        assert_eq!(idx.scan_all("(unclosed ok").len(), 1);
    }
}
