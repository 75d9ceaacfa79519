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

/// The folded form of a phrase, without the span map.
pub fn fold_phrase(text: &str, options: Fold) -> String {
    options.fold(text).text
}

/// A word of the text: its folded characters, each with its source span.
#[derive(Debug, Default)]
struct Word {
    chars: Vec<(char, (u32, u32))>,
}

impl Word {
    fn span(&self) -> (u32, u32) {
        match (self.chars.first(), self.chars.last()) {
            (Some(a), Some(b)) => (a.1.0, b.1.1),
            _ => (0, 0),
        }
    }

    fn text(&self) -> String {
        self.chars.iter().map(|c| c.0).collect()
    }

    fn single_latin_letter(&self) -> bool {
        matches!(self.chars.as_slice(), [(c, _)] if c.is_ascii_lowercase())
    }
}

impl Fold {
    /// Folds `text` (see the module documentation).
    pub fn fold(self, text: &str) -> Folded {
        let words = self.words(text);
        let words = join_spelled_out(words);
        let mut out = Folded { text: String::with_capacity(text.len()), from: Vec::with_capacity(text.len()) };
        let mut prev_last: Option<char> = None;
        let mut prev_word = String::new();
        for word in &words {
            let raw = word.text();
            let expanded = expansion(&raw, &prev_word);
            let first = word.chars.first().map(|c| c.0);
            if let (Some(p), Some(f)) = (prev_last, first) {
                if !(no_space_script(p) && no_space_script(f)) {
                    out.push(' ', word.span().0, word.span().0);
                }
            }
            match expanded {
                Some(words) => {
                    let (s, e) = word.span();
                    for c in words.chars() {
                        out.push(c, s, e);
                    }
                }
                None => {
                    for &(c, (s, e)) in &word.chars {
                        out.push(c, s, e);
                    }
                }
            }
            prev_last = word.chars.last().map(|c| c.0);
            prev_word = raw;
        }
        out
    }

    /// Splits `text` into folded words: runs of letters and digits, with
    /// separators dropped and each character folded.
    fn words(self, text: &str) -> Vec<Word> {
        let mut words: Vec<Word> = Vec::new();
        let mut current = Word::default();
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let span = (at as u32, (at + c.len_utf8()) as u32);
            let c = width(c);
            if c.is_alphanumeric() {
                for f in c.to_lowercase() {
                    current.chars.push((hans(latin_base(f)), span));
                }
                continue;
            }
            let next_is_letter = chars.peek().is_some_and(|&(_, n)| width(n).is_alphabetic());
            let in_word = current.chars.last().is_some_and(|l| l.0.is_alphabetic());
            if matches!(c, '\'' | '\u{2019}') && in_word && next_is_letter {
                continue;
            }
            if !current.chars.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        }
        if !current.chars.is_empty() {
            words.push(current);
        }
        if self.leet {
            for w in &mut words {
                read_leet(w);
            }
        }
        words
    }
}

impl Folded {
    fn push(&mut self, c: char, start: u32, end: u32) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.from.push((start, end));
        }
    }
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

/// The Simplified form of a Traditional Chinese character, else `c`.
fn hans(c: char) -> char {
    let Ok(cp) = u16::try_from(c as u32) else { return c };
    match HANT.binary_search(&cp) {
        Ok(i) => HANS.get(i).and_then(|&s| char::from_u32(u32::from(s))).unwrap_or(c),
        Err(_) => c,
    }
}

/// Scripts written without spaces between words: Han, kana.
fn no_space_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Joins runs of three or more single-letter words (`k i l l` is `kill`).
fn join_spelled_out(words: Vec<Word>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    let mut run: Vec<Word> = Vec::new();
    let flush = |run: &mut Vec<Word>, out: &mut Vec<Word>| {
        if run.len() >= 3 {
            let mut joined = Word::default();
            for w in run.drain(..) {
                joined.chars.extend(w.chars);
            }
            out.push(joined);
        } else {
            out.append(run);
        }
    };
    for w in words {
        if w.single_latin_letter() {
            run.push(w);
        } else {
            flush(&mut run, &mut out);
            out.push(w);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Digits inside a word of Latin letters read as the letters they stand for,
/// when the word has at least two letters (`k1ll`, `su1c1de`; not `404`, `a1`).
fn read_leet(word: &mut Word) {
    let letters = word.chars.iter().filter(|c| c.0.is_ascii_lowercase()).count();
    let digits = word.chars.iter().filter(|c| c.0.is_ascii_digit()).count();
    if letters < 2 || digits == 0 || digits > letters {
        return;
    }
    for (c, _) in &mut word.chars {
        *c = match *c {
            '0' => 'o',
            '1' => 'i',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            '7' => 't',
            '8' => 'b',
            other => other,
        };
    }
}

/// Chat spellings written out, each unambiguous in a help conversation.
/// Sorted by short form.
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

/// The written-out form of a short form, if `word` is one. `kms` after a
/// number is kilometres.
fn expansion(word: &str, previous: &str) -> Option<&'static str> {
    let i = SHORT_FORMS.binary_search_by(|(k, _)| (*k).cmp(word)).ok()?;
    if word == "kms" && !previous.is_empty() && previous.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    SHORT_FORMS.get(i).map(|(_, v)| *v)
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
        assert!(HANT.windows(2).all(|w| w[0] < w[1]), "the table is sorted");
        assert_eq!(HANT.len(), HANS.len());
        assert!(HANT.len() > 2000, "{} pairs", HANT.len());
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
        assert!(SHORT_FORMS.windows(2).all(|w| w[0].0 < w[1].0), "short forms are sorted");
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
