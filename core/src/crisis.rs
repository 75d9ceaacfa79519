//! Crisis screening: every text a user types is read for crisis language
//! before anything else is done with it.
//!
//! Two sources of phrases meet in one `CrisisIndex`:
//! - the **built-in lexicon** (`crisis/lexicon.txt`, versioned as
//!   [`LEXICON_VERSION`]), which every catalog gets unless its `crisis`
//!   section says `"builtin": false`. It covers ideation, plans and methods,
//!   hopelessness, farewells and self-harm in English, Chinese (Simplified
//!   and Traditional read as one), Spanish, Japanese and Korean, with the
//!   benign idioms that look like them ("累死了", "dying for a coffee")
//!   excluded. `docs/CRISIS.md` says where the phrases come from and how a
//!   change is reviewed;
//! - the **catalog's own** keywords, patterns and exclusions.
//!
//! The lexicon and the catalog's keywords match the folded text
//! ([`crate::fold`], with disguised spellings read: `su1c1de`, `k i l l`);
//! the catalog's regular expressions match the text as typed, as their
//! authors wrote them. A hit lying inside an exclusion does not count.
//!
//! A hit names the [`CrisisKind`] of phrase it found, never the words: the
//! kind goes into analytics events, the words stay in the transcript that the
//! crisis agent reads.

use serde::Serialize;

use crate::content::{Channel, CrisisScreening, Priority};
use crate::fold::{Fold, fold_phrase};
use crate::i18n;
use crate::limits::Limits;
use crate::text::{PatternError, PhraseIndex, PhraseIndexBuilder};

/// The built-in lexicon (`crisis/lexicon.txt`, in the line format described
/// at its top), without its comments and blank lines (`build.rs`).
const LEXICON: &str = include_str!(concat!(env!("OUT_DIR"), "/lexicon.txt"));

/// Version of the built-in lexicon; it changes with every reviewed change.
pub const LEXICON_VERSION: &str = "2026.12.2";

/// The fold crisis screening reads: disguised spellings too.
const CRISIS_FOLD: Fold = Fold { leet: true };

pub use crate::events::CrisisKind;

impl CrisisKind {
    /// The role of a lexicon kind name (`exclude` for a benign look-alike).
    fn parse(name: &str) -> Option<Role> {
        const LEXICON_KINDS: [CrisisKind; 5] = [
            CrisisKind::Method,
            CrisisKind::SelfHarm,
            CrisisKind::Ideation,
            CrisisKind::Farewell,
            CrisisKind::Hopelessness,
        ];
        if name == "exclude" {
            return Some(Role::Exclude);
        }
        LEXICON_KINDS.into_iter().find(|k| k.wire_name() == name).map(Role::Hit)
    }
}

/// What a phrase of the index stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Hit(CrisisKind),
    Exclude,
}

/// Crisis phrases of a catalog, ready to scan text: the lexicon and the
/// catalog's keywords over the folded text, the catalog's patterns and
/// exclusions over the text as typed.
#[derive(Debug)]
pub(crate) struct CrisisIndex {
    phrases: PhraseIndex<Role>,
}

impl CrisisIndex {
    /// Builds the automata now rather than on the first screen.
    pub(crate) fn prepare(&self) {
        self.phrases.prepare();
    }
}

/// How a lexicon line's words are joined, by the script of its section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    /// Words between spaces, whole words only (en, es).
    Spaced,
    /// No spaces between words (zh, ja).
    Unspaced,
    /// Words between spaces that people often leave out (ko).
    LooselySpaced,
}

/// One phrase of the lexicon, compiled to a regular expression over folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexiconEntry {
    role: Role,
    /// The pattern over folded text.
    pub(crate) pattern: String,
}

/// Reads the built-in lexicon. Line format, after `[section]` headers:
/// `kind: word word ...`, where a word is alternatives split by `|` (`_` is a
/// space inside one), ends in `*` to take any ending (`jump*`), or in `?` to
/// be optional; `..` lets up to three words (or four characters where words
/// are not spaced) stand between two words, `..N` up to N.
pub(crate) fn lexicon() -> Vec<LexiconEntry> {
    let mut out = Vec::new();
    let mut script = Script::Spaced;
    let mut role = None;
    for line in LEXICON.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            script = match name {
                "zh" | "ja" => Script::Unspaced,
                "ko" => Script::LooselySpaced,
                _ => Script::Spaced,
            };
            continue;
        }
        // `build.rs` writes each kind once, as `kind:`, before its phrases.
        if let Some(kind) = line.strip_suffix(':') {
            role = CrisisKind::parse(kind);
            continue;
        }
        let Some(role) = role else { continue };
        if let Some(pattern) = compile_phrase(line, script) {
            out.push(LexiconEntry { role, pattern });
        }
    }
    out
}

/// The regular expression of one lexicon phrase, or `None` when it has no word.
fn compile_phrase(phrase: &str, script: Script) -> Option<String> {
    let (gap_words, sep) = match script {
        Script::Spaced => ('3', " ?"),
        Script::Unspaced => ('4', ""),
        Script::LooselySpaced => ('4', " ?"),
    };
    let mut out = String::new();
    let mut words = 0;
    for token in phrase.split_whitespace() {
        if let Some(n) = token.strip_prefix("..") {
            // One digit: gaps are short (a test holds the lexicon to it).
            let n = match n.as_bytes() {
                [] => gap_words,
                [d @ b'1'..=b'9'] => char::from(*d),
                _ => return None,
            };
            out.push_str(if script == Script::Spaced { "(?: [^ ]+){0," } else { ".{0," });
            out.push(n);
            out.push('}');
            continue;
        }
        let (token, optional) = match token.strip_suffix('?') {
            Some(t) => (t, true),
            None => (token, false),
        };
        let mut body = String::new();
        for re in token.split('|').map(|alt| {
            let (alt, open) = match alt.strip_suffix('*') {
                Some(a) => (a, true),
                None => (alt, false),
            };
            // Words are letters only (a test holds the lexicon to it): nothing to escape.
            let folded = fold_phrase(&alt.replace('_', " "), CRISIS_FOLD);
            let mut re = if script == Script::Unspaced { folded } else { folded.replace(' ', " ?") };
            if open {
                re.push_str("[a-z]*");
            }
            re
        }) {
            if !re.is_empty() {
                if !body.is_empty() {
                    body.push('|');
                }
                body.push_str(&re);
            }
        }
        if body.is_empty() {
            return None;
        }
        let sep = if words == 0 { "" } else { sep };
        let optional = optional && words > 0;
        out.push_str(if optional { "(?:" } else { "" });
        out.push_str(sep);
        out.push_str("(?:");
        out.push_str(&body);
        out.push_str(if optional { "))?" } else { ")" });
        words += 1;
    }
    if words == 0 {
        return None;
    }
    Some(if script == Script::Spaced { [r"\b", &out, r"\b"].concat() } else { out })
}

/// Builds the crisis index of a catalog: the built-in lexicon unless the
/// catalog turns it off, and the catalog's own phrases. Errors in the
/// catalog's patterns come back with their JSON pointers.
pub(crate) fn build_index(
    crisis: Option<&CrisisScreening>,
    limits: &Limits,
) -> (CrisisIndex, Vec<(String, PatternError)>) {
    let mut b = PhraseIndexBuilder::new(limits.max_regex_nesting, limits.max_regex_compiled_bytes)
        .literal_free_limit(limits.max_literal_free_patterns)
        .fold(CRISIS_FOLD);
    if crisis.is_none_or(|c| c.builtin) {
        for entry in lexicon() {
            b.folded_pattern(entry.role, entry.pattern);
        }
    }
    let mut pointers = Vec::new();
    if let Some(crisis) = crisis {
        for words in crisis.keywords.values() {
            for w in words {
                b.keyword(Role::Hit(CrisisKind::Catalog), w);
            }
        }
        for (field, role) in [("patterns", Role::Hit(CrisisKind::Catalog)), ("exclude", Role::Exclude)] {
            let map = if role == Role::Exclude { &crisis.exclude } else { &crisis.patterns };
            for (locale, list) in map {
                for (i, p) in list.iter().enumerate() {
                    b.pattern(role, p);
                    pointers.push(format!("/crisis/{field}/{}/{i}", locale.replace('~', "~0").replace('/', "~1")));
                }
            }
        }
    }
    // Errors past the catalog's patterns would be the lexicon's, which is
    // tested to build without any.
    let (phrases, errors) = b.build();
    let errors = errors.into_iter().filter_map(|e| Some((pointers.get(e.pattern).cloned()?, e))).collect();
    (CrisisIndex { phrases }, errors)
}

/// Crisis resources shown when a catalog has no `crisis` section of its own:
/// what to do now, in every language of the lexicon. No hotline numbers,
/// which depend on the country; a catalog's own section adds them.
const BUILTIN_RESOURCES: &[(&str, &str)] = &[
    (
        "en",
        "You matter, and you do not have to face this alone. If you are in danger right now, call your local emergency number. We are connecting you with a person now.",
    ),
    ("zh-Hans", "你很重要，你不必独自面对。如果你现在有危险，请立即拨打当地的紧急电话。我们正在为你接通真人客服。"),
    ("zh-Hant", "你很重要，你不必獨自面對。如果你現在有危險，請立即撥打當地的緊急電話。我們正在為你接通真人客服。"),
    (
        "es",
        "Importas, y no tienes que pasar por esto solo. Si estás en peligro ahora, llama al número de emergencias local. Te estamos conectando con una persona.",
    ),
    (
        "ja",
        "あなたは大切な人です。一人で抱え込まないでください。今危険な状態なら、すぐに地域の緊急番号に電話してください。今、担当者におつなぎします。",
    ),
    (
        "ko",
        "당신은 소중한 사람입니다. 혼자 견디지 않아도 됩니다. 지금 위험하다면 지역 긴급 번호로 바로 전화하세요. 지금 상담원과 연결해 드리겠습니다.",
    ),
];

/// A crisis detected in the user's text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CrisisHit {
    /// The kind of phrase found (never the words themselves).
    pub kind: CrisisKind,
    /// Crisis resources, localized for the user.
    pub resources: String,
    /// Locale of `resources`.
    pub locale: String,
    /// Channels for the crisis contact, best first.
    pub channels: Vec<Channel>,
    /// Agent queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Always `urgent`.
    pub priority: Priority,
}

/// The kind of crisis phrase in `text`, if any, from the catalog's index.
/// A phrase that lies inside a benign look-alike (an exclusion) does not count.
///
/// `prefolded` is `text` maybe already folded for another reader (the
/// question's fold for keywords and the intent model): used when it serves
/// the screen's own fold ([`crate::fold::Fold::serves`]).
pub(crate) fn find(
    index: &CrisisIndex,
    text: &str,
    prefolded: Option<(&crate::fold::Folded, crate::fold::Fold)>,
) -> Option<CrisisKind> {
    // Most texts hold no phrase at all: a first scan without spans (no span
    // map, no match positions) says so; spans are needed only to weigh hits
    // against exclusions.
    let quick = match prefolded {
        Some((folded, fold)) => index.phrases.scan_folded(text, folded, fold),
        None => index.phrases.scan(text, false),
    };
    if !quick.iter().any(|(_, h)| matches!(h.owner, Role::Hit(_))) {
        return None;
    }
    if !quick.iter().any(|(_, h)| h.owner == Role::Exclude) {
        return quick.iter().filter_map(|(_, h)| if let Role::Hit(k) = h.owner { Some(k) } else { None }).min();
    }
    let hits: Vec<(Role, (usize, usize))> =
        index.phrases.scan(text, true).into_iter().map(|(_, h)| (h.owner, h.span)).collect();
    let excluded: Vec<(usize, usize)> = hits.iter().filter(|(r, _)| *r == Role::Exclude).map(|(_, s)| *s).collect();
    hits.iter()
        .filter_map(|(role, span)| match role {
            Role::Hit(kind) if !excluded.iter().any(|&(s, e)| s <= span.0 && span.1 <= e) => Some(*kind),
            _ => None,
        })
        .min()
}

/// What a crisis hit of `kind` offers under the catalog's screening `crisis`:
/// its resources in the first locale of `chain` that has them (the built-in
/// ones when the catalog has no screening), its channels and its queue.
pub fn hit(kind: CrisisKind, crisis: Option<&CrisisScreening>, chain: &[String]) -> CrisisHit {
    let (locale, resources) = match crisis {
        Some(c) => i18n::pick(&c.resources, chain),
        // A slice, not a map: collecting into a map compiles a sort (docs/PERFORMANCE.md).
        None => chain.iter().find_map(|l| BUILTIN_RESOURCES.iter().find(|(k, _)| k.eq_ignore_ascii_case(l)).copied()),
    }
    .unwrap_or(("", ""));
    CrisisHit {
        kind,
        resources: resources.to_owned(),
        locale: locale.to_owned(),
        channels: crisis
            .and_then(|c| c.channels.clone())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| vec![Channel::Voice, Channel::Chat]),
        queue: crisis.and_then(|c| c.queue.clone()),
        priority: Priority::Urgent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> CrisisIndex {
        build_index(None, &Limits::default()).0
    }

    #[test]
    fn every_lexicon_line_compiles_and_has_a_literal() {
        let entries = lexicon();
        assert!(entries.len() > 100, "{} entries", entries.len());
        let phrases = LEXICON.lines().filter(|l| !l.starts_with('[') && !l.ends_with(':')).count();
        assert_eq!(entries.len(), phrases, "a phrase line did not compile (a gap of more than one digit?)");
        let limits = Limits::default();
        for e in &entries {
            let parsed = crate::text::parse(&e.pattern, limits.max_regex_nesting);
            let node = parsed.unwrap_or_else(|m| panic!("{} does not parse: {m}", e.pattern));
            let node = node.unwrap_or_else(|| panic!("{} has no readable shape", e.pattern));
            assert!(crate::text::has_required_literals(&node), "{} has no literal", e.pattern);
            crate::text::compile(&e.pattern, limits.max_regex_compiled_bytes, limits.max_regex_nesting)
                .unwrap_or_else(|m| panic!("{}: {m}", e.pattern));
        }
        let mut b =
            PhraseIndexBuilder::new(limits.max_regex_nesting, limits.max_regex_compiled_bytes).literal_free_limit(0);
        for e in entries {
            b.pattern(e.role, e.pattern);
        }
        assert_eq!(b.build().1, Vec::new());
    }

    #[test]
    fn lexicon_words_are_letters_and_need_no_escaping() {
        for phrase in LEXICON.lines().filter(|l| !l.starts_with('[') && !l.ends_with(':')) {
            let line = phrase;
            for token in phrase.split_whitespace().filter(|t| !t.starts_with("..")) {
                let word = token.trim_end_matches(['?', '*']);
                assert!(
                    word.chars().all(|c| c.is_alphanumeric() || matches!(c, '|' | '_' | '*')),
                    "{token:?} in {line:?}"
                );
            }
        }
    }

    #[test]
    fn phrases_compile_by_script() {
        assert_eq!(compile_phrase("want to? die", Script::Spaced).unwrap(), r"\b(?:want)(?: ?(?:to))? ?(?:die)\b");
        assert_eq!(
            compile_phrase("jump* .. roof|bridge", Script::Spaced).unwrap(),
            r"\b(?:jump[a-z]*)(?: [^ ]+){0,3} ?(?:roof|bridge)\b"
        );
        assert_eq!(compile_phrase("跳 ..2 楼|桥", Script::Unspaced).unwrap(), "(?:跳).{0,2}(?:楼|桥)");
        assert_eq!(compile_phrase("燒炭", Script::Unspaced).unwrap(), "(?:烧炭)");
        assert_eq!(compile_phrase("end_it_all", Script::Spaced).unwrap(), r"\b(?:end ?it ?all)\b");
    }

    #[test]
    fn hits_name_their_kind_and_idioms_do_not_count() {
        let idx = index();
        // Each text screened on its own and given the question's plain fold
        // (the resolve's path): the same answer either way.
        let find = |idx: &CrisisIndex, text: &str| {
            let plain = crate::fold::Fold { leet: false };
            let alone = find(idx, text, None);
            assert_eq!(find(idx, text, Some((&plain.fold_text(text, false), plain))), alone, "{text}");
            alone
        };
        assert_eq!(find(&idx, "I want to die"), Some(CrisisKind::Ideation));
        assert_eq!(find(&idx, "我不想活了"), Some(CrisisKind::Ideation));
        assert_eq!(find(&idx, "我想從頂樓跳下去"), Some(CrisisKind::Method));
        assert_eq!(find(&idx, "i want to k i l l m y s e l f"), Some(CrisisKind::Ideation));
        assert_eq!(find(&idx, "ＩＷＡＮＴ ＴＯ ＤＩＥ"), Some(CrisisKind::Ideation));
        assert_eq!(find(&idx, "Suicide Squad is on tonight"), None);
        assert_eq!(find(&idx, "suicide squad, and then I want to die"), Some(CrisisKind::Ideation));
        assert_eq!(find(&idx, "累死了，今天加班到十点"), None);
        assert_eq!(find(&idx, "dying for a coffee"), None);
        assert_eq!(find(&idx, "where is my order"), None);
        // Texts with digits: the plain fold is not used, and the answer is the same.
        assert_eq!(find(&idx, "order 12345, and I want to die"), Some(CrisisKind::Ideation));
        for text in ["i want to k1ll myself", "error e404 again", "2 much"] {
            find(&idx, text);
        }
    }
}
