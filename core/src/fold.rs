//! Text folding: the one normal form that keyword matching and crisis
//! screening read, so that what a user types meets what an author wrote
//! however either was keyed in.
//!
//! [`fold`] makes, in one pass over the text:
//! - **width**: full-width ASCII (`ｋｉｌｌ`, `！`) and the ideographic space
//!   become their ASCII forms;
//! - **case**: Unicode lowercase, not ASCII only (`ÉTÉ` is `été`), and common
//!   Latin diacritics dropped (`está` is `esta`);
//! - **Chinese**: Traditional characters become Simplified (`帳號` is `帐号`),
//!   from the `fast2s` character map (see `build.rs`);
//! - **separators**: every run of spaces, punctuation and symbols becomes one
//!   space, and none is left between two Chinese or Japanese characters
//!   (`不 想 活` is `不想活`); an apostrophe inside a word goes (`don't`);
//! - **spelled-out words**: three or more single letters in a row are joined
//!   (`k i l l` is `kill`);
//! - **short forms**: a small table of unambiguous chat spellings is written
//!   out (`kms`, `im`, `dont`, `wanna`, `u`), and with [`Fold::leet`] digits
//!   inside words read as the letters they stand for (`su1c1de`).
//!
//! Both sides of a match go through the same fold: the phrases when a catalog
//! is built, the user's text when it is scanned. A match on the folded text
//! maps back to the source with [`Folded::source_span`].

include!(concat!(env!("OUT_DIR"), "/hant_hans.rs"));

/// Options of the fold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fold {
    /// Digits inside a word of letters read as letters (`k1ll` is `kill`):
    /// for crisis screening, where people disguise words, not for content
    /// keywords, which may hold codes such as `e404`.
    pub leet: bool,
}

/// A folded text with the source span of each of its bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folded {
    text: String,
    /// For each byte of `text`, the byte span in the source of the character
    /// or word it came from.
    from: Vec<(u32, u32)>,
}

impl Folded {
    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The source span a span of the folded text came from.
    pub fn source_span(&self, (start, end): (usize, usize)) -> (usize, usize) {
        let first = self.from.get(start).map_or(0, |s| s.0);
        let last = end.checked_sub(1).and_then(|e| self.from.get(e)).map_or(first, |s| s.1);
        (first as usize, (last.max(first)) as usize)
    }
}

/// Folds `text` with the default options: what keyword matching reads.
pub fn fold(text: &str) -> Folded {
    Fold::default().fold(text)
}

/// The folded form of a phrase, without the span map. A phrase already in
/// folded form (most keywords are) is copied as it is.
pub fn fold_phrase(text: &str, options: Fold) -> String {
    if is_folded(text, options) { text.to_owned() } else { options.fold_text(text, false).text }
}

/// Whether folding `text` would surely give `text` (a `false` only costs the
/// full fold): lowercase ASCII words and Simplified Han characters, single
/// spaces between ASCII words, no short form, no single letter, no digit
/// inside a word under `leet`.
fn is_folded(text: &str, options: Fold) -> bool {
    let bytes = text.as_bytes();
    let alnum = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_alphanumeric);
    for (i, c) in text.char_indices() {
        let folded = match c {
            // A space stands only between two ASCII words here; others take the full fold.
            ' ' => alnum(i.checked_sub(1)) && alnum(Some(i + 1)),
            'a'..='z' | '0'..='9' => true,
            // Beyond ASCII, only Simplified Han characters are taken as folded.
            '\u{4E00}'..='\u{9FFF}' => hans(c) == c,
            _ => false,
        };
        if !folded {
            return false;
        }
    }
    text.split(' ').all(|w| {
        let letters = w.bytes().filter(u8::is_ascii_lowercase).count();
        let mixed = options.leet && letters > 0 && w.bytes().any(|b| b.is_ascii_digit());
        let single_letter = w.len() == 1 && letters == 1;
        !single_letter && !mixed && expansion(w, false).is_none()
    })
}

/// A word being read: its folded characters and, when spans are kept, the
/// source span of each.
#[derive(Debug, Default)]
struct Word {
    text: String,
    spans: Vec<(u32, u32)>,
    /// First source byte, kept with or without spans.
    start: u32,
}

impl Word {
    fn push(&mut self, c: char, span: (u32, u32), spans: bool) {
        if self.text.is_empty() {
            self.start = span.0;
        }
        self.text.push(c);
        if spans {
            self.spans.push(span);
        }
    }

    /// Pushes a run of ASCII letters and digits starting at source byte
    /// `start`, lowercased: as pushing each of its characters would.
    fn push_ascii(&mut self, run: &str, start: u32, spans: bool) {
        if self.text.is_empty() {
            self.start = start;
        }
        let from = self.text.len();
        self.text.push_str(run);
        if let Some(added) = self.text.get_mut(from..) {
            added.make_ascii_lowercase();
        }
        if spans {
            self.spans.extend((start..start + run.len() as u32).map(|i| (i, i + 1)));
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
    }
}

/// The output being written, and what the next word needs to know of it.
struct Writer {
    out: Folded,
    /// Whether to keep the span map.
    spans: bool,
    /// Last character written, for the space rule.
    last: Option<char>,
    /// Whether the last word written was all digits (`5 kms`).
    after_number: bool,
}

impl Writer {
    fn push(&mut self, c: char, start: u32, end: u32) {
        self.out.text.push(c);
        if self.spans {
            for _ in 0..c.len_utf8() {
                self.out.from.push((start, end));
            }
        }
    }

    /// Writes one word: a space first unless both sides are written without
    /// spaces, and the word or its written-out short form. `spans` is empty
    /// when spans are not kept.
    fn word(&mut self, word: &str, start: u32, spans: &[(u32, u32)]) {
        let Some(first) = word.chars().next() else { return };
        if self.last.is_some_and(|l| !(no_space_script(l) && no_space_script(first))) {
            self.push(' ', start, start);
        }
        match expansion(word, self.after_number) {
            Some(long) => {
                let end = spans.last().map_or(start, |s| s.1);
                for c in long.chars() {
                    self.push(c, start, end);
                }
            }
            None if !self.spans => self.out.text.push_str(word),
            None => {
                for (c, &(s, e)) in word.chars().zip(spans) {
                    self.push(c, s, e);
                }
            }
        }
        self.after_number = word.bytes().all(|b| b.is_ascii_digit());
        self.last = word.chars().next_back();
    }

    /// Ends a word: joins it to a run of single letters, or writes the run
    /// (joined when three or more long) and then the word.
    fn finish(&mut self, word: &mut Word, letters: &mut Word, leet: bool, end: bool) {
        if leet {
            read_leet(word);
        }
        let single = word.text.len() == 1 && word.text.as_bytes()[0].is_ascii_lowercase();
        if single {
            if letters.text.is_empty() {
                letters.start = word.start;
            }
            letters.text.push_str(&word.text);
            letters.spans.extend_from_slice(&word.spans);
        }
        if !single || end {
            if letters.text.len() >= 3 {
                self.word(&letters.text, letters.start, &letters.spans);
            } else if !letters.text.is_empty() {
                let text = std::mem::take(&mut letters.text);
                for (i, c) in text.char_indices() {
                    let span = letters.spans.get(i).copied();
                    let start = span.map_or(letters.start, |s| s.0);
                    self.word(&text[i..i + c.len_utf8()], start, span.as_slice());
                }
                letters.text = text;
            }
            letters.clear();
            if !single {
                self.word(&word.text, word.start, &word.spans);
            }
        }
        word.clear();
    }
}

impl Fold {
    /// Whether `folded`, what this fold gave for some text, is also what
    /// `other` gives for it, so that one fold serves readers of both. The
    /// folds differ at most in reading digits as letters, which changes only
    /// words holding an ASCII digit (see `read_leet`); without one the two
    /// results are the same.
    pub fn serves(self, other: Fold, folded: &Folded) -> bool {
        // Every other option must be the same: there is none yet.
        let (Fold { leet: _ }, Fold { leet: _ }) = (self, other);
        self == other || !folded.text.bytes().any(|b| b.is_ascii_digit())
    }

    /// Folds `text` (see the module documentation), in one pass.
    pub fn fold(self, text: &str) -> Folded {
        self.fold_text(text, true)
    }

    /// Folds `text`, with the span map or without (then
    /// [`Folded::source_span`] says nothing).
    pub fn fold_text(self, text: &str, spans: bool) -> Folded {
        let mut w = Writer {
            out: Folded {
                text: String::with_capacity(text.len() + 8),
                from: Vec::with_capacity(if spans { text.len() + 8 } else { 0 }),
            },
            spans,
            last: None,
            after_number: false,
        };
        let mut word = Word { text: String::with_capacity(32), spans: Vec::new(), start: 0 };
        // Single-letter words in a row, waiting to be joined (three or more) or written one by one.
        let mut letters = Word::default();
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(&b) = bytes.get(at) {
            if b.is_ascii() {
                // The common path: ASCII, a byte a character.
                if b.is_ascii_alphanumeric() {
                    // The run of ASCII letters and digits from here, at once.
                    let rest = bytes.get(at..).unwrap_or_default();
                    let end = rest.iter().position(|c| !c.is_ascii_alphanumeric()).map_or(bytes.len(), |n| at + n);
                    word.push_ascii(text.get(at..end).unwrap_or_default(), at as u32, spans);
                    at = end;
                    continue;
                }
                at += 1;
                if b == b'\'' && letter_at(text, at) && ends_in_letter(&word) {
                    continue;
                }
                if !word.text.is_empty() {
                    w.finish(&mut word, &mut letters, self.leet, false);
                }
                continue;
            }
            let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else { break };
            let span = (at as u32, (at + c.len_utf8()) as u32);
            at += c.len_utf8();
            let c = width(c);
            if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                // Han: no case, no accents; the common path of Chinese text.
                word.push(hans(c), span, spans);
                continue;
            }
            if word_char(c) {
                for f in c.to_lowercase() {
                    word.push(hans(latin_base(f)), span, spans);
                }
                continue;
            }
            if matches!(c, '\'' | '\u{2019}') && letter_at(text, at) && ends_in_letter(&word) {
                continue;
            }
            if !word.text.is_empty() {
                w.finish(&mut word, &mut letters, self.leet, false);
            }
        }
        w.finish(&mut word, &mut letters, self.leet, true);
        w.out
    }
}

/// Whether a letter (full-width too) starts at byte `at` of `text`.
fn letter_at(text: &str, at: usize) -> bool {
    text.get(at..).and_then(|r| r.chars().next()).is_some_and(|n| letter(width(n)))
}

/// Whether a character belongs to a word: ASCII letters and digits, and
/// every other character that is not a space, punctuation or a symbol. The
/// ranges below stand in for the Unicode category tables, which would add
/// kilobytes to the web module for no better answer on what users type.
fn word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !matches!(c as u32,
        0x80..=0xBF | 0xD7 | 0xF7          // Latin-1 controls, spaces, punctuation, signs
        | 0x2000..=0x2BFF                  // general punctuation, symbols, arrows, shapes
        | 0x3000..=0x303F                  // CJK symbols and punctuation
        | 0xFE00..=0xFE6F                  // variation selectors, vertical and small forms
        | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 // full-width punctuation
        | 0xFEFF | 0xFFF0..=0xFFFF
        | 0x1F000..=0x1FBFF                // emoji and pictographs
        | 0xE0000..=0xE007F) // tags
}

/// A word character that is not a digit.
fn letter(c: char) -> bool {
    word_char(c) && !c.is_ascii_digit()
}

/// Whether the word being read ends in a letter (an apostrophe then joins).
fn ends_in_letter(word: &Word) -> bool {
    word.text.chars().next_back().is_some_and(letter)
}

/// Full-width ASCII and the ideographic space as ASCII.
fn width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Latin letters with diacritics, U+00E0 to U+00FF, by their base letters
/// (`_` where there is none); lowercase comes first, so only these remain.
const LATIN1_BASE: &[u8; 32] = b"aaaaaaaceeeeiiii_nooooo_ouuuuy_y";

/// The base letter of an accented Latin letter (lowercase), else `c`.
fn latin_base(c: char) -> char {
    let cp = c as u32;
    if (0xE0..=0xFF).contains(&cp) {
        let base = LATIN1_BASE[(cp - 0xE0) as usize];
        return if base == b'_' { c } else { char::from(base) };
    }
    // Latin Extended-A pairs two cases of each letter; the lowercase ones are odd.
    match cp {
        0x0101 | 0x0103 | 0x0105 => 'a',
        0x0107 | 0x0109 | 0x010B | 0x010D => 'c',
        0x010F | 0x0111 => 'd',
        0x0113 | 0x0115 | 0x0117 | 0x0119 | 0x011B => 'e',
        0x011D | 0x011F | 0x0121 | 0x0123 => 'g',
        0x0129 | 0x012B | 0x012D | 0x012F | 0x0131 => 'i',
        0x0142 | 0x013E | 0x013C | 0x013A => 'l',
        0x0144 | 0x0146 | 0x0148 => 'n',
        0x014D | 0x014F | 0x0151 => 'o',
        0x0155 | 0x0157 | 0x0159 => 'r',
        0x015B | 0x015D | 0x015F | 0x0161 => 's',
        0x0163 | 0x0165 => 't',
        0x0169 | 0x016B | 0x016D | 0x016F | 0x0171 | 0x0173 => 'u',
        0x017A | 0x017C | 0x017E => 'z',
        _ => c,
    }
}

/// The Simplified form of a Traditional Chinese character, else `c`: a
/// binary search over the blocks, then at most one block of steps.
fn hans(c: char) -> char {
    let Ok(cp) = u16::try_from(c as u32) else { return c };
    let block = match HANT_BLOCKS.binary_search(&cp) {
        Ok(b) => return simplified(b * HANT_BLOCK).unwrap_or(c),
        Err(0) => return c,
        Err(b) => b - 1,
    };
    let (mut i, mut at) = (block * HANT_BLOCK, HANT_BLOCKS[block]);
    let end = ((block + 1) * HANT_BLOCK).min(HANT_STEPS.len());
    while i + 1 < end {
        i += 1;
        at = at.saturating_add(u16::from(HANT_STEPS[i]));
        if at >= cp {
            return if at == cp { simplified(i).unwrap_or(c) } else { c };
        }
    }
    c
}

/// The Simplified character of entry `i`.
fn simplified(i: usize) -> Option<char> {
    let (high, low) = (HANS_HIGH.get(i)?, HANS_LOW.get(i)?);
    char::from_u32(u32::from(*high) << 8 | u32::from(*low))
}

/// Scripts written without spaces between words: Han, kana.
pub(crate) fn no_space_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Digits inside a word of Latin letters read as the letters they stand for,
/// when the word has at least two letters (`k1ll`, `su1c1de`; not `404`, `a1`).
fn read_leet(word: &mut Word) {
    if !word.text.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    let letters = word.text.bytes().filter(u8::is_ascii_lowercase).count();
    let digits = word.text.bytes().filter(u8::is_ascii_digit).count();
    if letters < 2 || digits == 0 || digits > letters {
        return;
    }
    // Digits and their letters are one byte each: the spans stay in step.
    let mut bytes = std::mem::take(&mut word.text).into_bytes();
    for b in &mut bytes {
        *b = match *b {
            b'0' => b'o',
            b'1' => b'i',
            b'3' => b'e',
            b'4' => b'a',
            b'5' => b's',
            b'7' => b't',
            b'8' => b'b',
            other => other,
        };
    }
    word.text = String::from_utf8(bytes).unwrap_or_default();
}

/// Chat spellings written out, each unambiguous in a help conversation,
/// sorted by short form (a binary search: a table is smaller than a `match`).
const SHORT_FORMS: &[(&str, &str)] = &[
    ("cannot", "can not"),
    ("cant", "can not"),
    ("coz", "because"),
    ("cuz", "because"),
    ("didnt", "did not"),
    ("doesnt", "does not"),
    ("dont", "do not"),
    ("gonna", "going to"),
    ("gotta", "got to"),
    ("idk", "i do not know"),
    ("im", "i am"),
    ("isnt", "is not"),
    ("ive", "i have"),
    ("kms", "kill myself"),
    ("kys", "kill yourself"),
    ("pls", "please"),
    ("plz", "please"),
    ("u", "you"),
    ("unalive", "kill"),
    ("ur", "your"),
    ("wanna", "want to"),
    ("wont", "will not"),
    ("wouldnt", "would not"),
];

/// The first letters of the short forms, one bit each (`a` lowest).
const SHORT_FIRST: u32 = {
    let mut mask = 0u32;
    let mut i = 0;
    while i < SHORT_FORMS.len() {
        if let Some(&b) = SHORT_FORMS[i].0.as_bytes().first() {
            mask |= 1 << (b - b'a');
        }
        i += 1;
    }
    mask
};

/// The written-out form of a chat spelling, if `word` is one. `kms` after a
/// number is kilometres.
fn expansion(word: &str, after_number: bool) -> Option<&'static str> {
    if word.len() > 7 || (after_number && word == "kms") {
        return None;
    }
    // Most words start with a letter no short form starts with: no search.
    match word.as_bytes().first() {
        Some(&b) if b.is_ascii_lowercase() && SHORT_FIRST & (1 << (b - b'a')) != 0 => {}
        _ => return None,
    }
    let i = SHORT_FORMS.binary_search_by(|(k, _)| (*k).cmp(word)).ok()?;
    SHORT_FORMS.get(i).map(|(_, long)| *long)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(text: &str) -> String {
        fold(text).text
    }

    #[test]
    fn width_case_and_diacritics_fold() {
        assert_eq!(f("ＫＩＬＬ　ｍｙｓｅｌｆ！"), "kill myself");
        assert_eq!(f("ÉTÉ Está ÑANDÚ Straße"), "ete esta nandu straße");
        assert_eq!(f("ΑΒΓ Привет"), "αβγ привет");
    }

    #[test]
    fn traditional_chinese_folds_to_simplified() {
        assert_eq!(f("帳號突然用不了，說被停權了"), "帐号突然用不了说被停权了");
        assert_eq!(f("燒炭 農藥 跳樓"), "烧炭农药跳楼");
        assert!(HANT_BLOCKS.windows(2).all(|w| w[0] < w[1]), "the table is sorted");
        assert_eq!(HANT_STEPS.len(), HANS_HIGH.len());
        assert!(HANT_STEPS.len() > 2000, "{} pairs", HANT_STEPS.len());
        // Every entry is found, the first and last of a block too, and its neighbours are not Traditional.
        let mut at = 0u16;
        for i in 0..HANT_STEPS.len() {
            at = if i % HANT_BLOCK == 0 { HANT_BLOCKS[i / HANT_BLOCK] } else { at + u16::from(HANT_STEPS[i]) };
            let c = char::from_u32(u32::from(at)).unwrap();
            assert_eq!(hans(c), simplified(i).unwrap(), "entry {i}");
        }
        assert_eq!(hans('a'), 'a');
        assert_eq!(hans('\u{FFFF}'), '\u{FFFF}');
    }

    #[test]
    fn separators_collapse_and_vanish_between_chinese_characters() {
        assert_eq!(f("  order -- missing!!  "), "order missing");
        assert_eq!(f("不 想 活 了"), "不想活了");
        assert_eq!(f("不-想.活"), "不想活");
        assert_eq!(f("我的 order 不见了"), "我的 order 不见了");
        assert_eq!(f("死にたい 。 もう"), "死にたいもう");
        assert_eq!(f("죽고 싶어"), "죽고 싶어");
    }

    #[test]
    fn apostrophes_spelled_out_words_and_short_forms() {
        assert_eq!(f("I don't want to live"), "i do not want to live");
        assert_eq!(f("I’m done"), "i am done");
        assert_eq!(f("i want to k i l l m y s e l f"), "i want to killmyself");
        assert_eq!(f("a b test"), "a b test");
        assert_eq!(f("kms"), "kill myself");
        assert_eq!(f("5 kms away"), "5 kms away");
        assert_eq!(f("u ok"), "you ok");
        assert_eq!(f("error e404"), "error e404");
    }

    #[test]
    fn phrases_already_folded_are_recognised_exactly() {
        for text in [
            "missing order",
            "帐号被封",
            "帳號",
            "can't",
            "Order",
            "a b c",
            "kms",
            "su1c1de",
            "x",
            "e404",
            "订单 不见",
            "order  missing",
            " x",
            "ä",
            "ａ",
            "in order 订单",
            "订单 order",
            "ok",
        ] {
            for options in [Fold::default(), Fold { leet: true }] {
                let folded = options.fold(text).text;
                assert_eq!(fold_phrase(text, options), folded, "{text:?}");
                if is_folded(text, options) {
                    assert_eq!(folded, text, "{text:?} was taken as folded");
                }
            }
        }
        assert!(is_folded("missing order", Fold::default()));
        assert!(is_folded("帐号被封", Fold::default()));
    }

    #[test]
    fn short_forms_are_well_formed() {
        let shorts: Vec<&str> = SHORT_FORMS.iter().map(|p| p.0).collect();
        assert!(shorts.windows(2).all(|w| w[0] < w[1]), "sorted and unique: {shorts:?}");
        assert!(shorts.iter().all(|s| s.len() <= 7));
        // The first-letter mask lets every short form through.
        assert!(SHORT_FORMS.iter().all(|&(short, long)| expansion(short, false) == Some(long)));
        assert_eq!(expansion("u", false), Some("you"));
        assert_eq!(expansion("un", false), None);
        assert_eq!(expansion("kms", true), None);
    }

    /// A fold without digits serves the leet reading too; with one, it does not.
    #[test]
    fn a_fold_without_digits_serves_both_readings() {
        let (plain, leet) = (Fold { leet: false }, Fold { leet: true });
        for text in ["I want to END my life", "我不想活了", "where's my order", "k1ll me", "order 12345", "e404 again"]
        {
            let folded = plain.fold_text(text, false);
            let same = leet.fold_text(text, false) == folded;
            assert_eq!(plain.serves(leet, &folded), !folded.as_str().bytes().any(|b| b.is_ascii_digit()), "{text}");
            if plain.serves(leet, &folded) {
                assert!(same, "{text}");
            }
        }
        assert!(!plain.serves(leet, &plain.fold_text("k1ll me", false)));
        assert!(plain.serves(plain, &plain.fold_text("k1ll me", false)));
    }

    #[test]
    fn leet_is_read_on_request() {
        assert_eq!(Fold { leet: true }.fold("su1c1de k1ll 404 a1").text, "suicide kill 404 a1");
        assert_eq!(f("su1c1de"), "su1c1de");
    }

    #[test]
    fn spans_map_back_to_the_source() {
        let src = "Ｉ　ＤＯＮ'Ｔ  帳號";
        let folded = fold(src);
        let text = folded.as_str();
        let at = text.find("not").unwrap();
        let (s, e) = folded.source_span((at, at + 3));
        assert_eq!(&src[s..e], "ＤＯＮ'Ｔ");
        let at = text.find("帐号").unwrap();
        let (s, e) = folded.source_span((at, at + "帐号".len()));
        assert_eq!(&src[s..e], "帳號");
        assert_eq!(fold("").source_span((0, 0)), (0, 0));
    }
}
