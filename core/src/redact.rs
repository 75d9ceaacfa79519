//! Personal-data redaction for handoff packets and redacted snapshots.
//!
//! Two kinds of personal data are removed from free text:
//! - **values the host declared personal**: every string (or number) found in
//!   the context at a field the catalog declares `pii`, wherever it appears
//!   again (interpolated into a bot text, typed back by the user), ASCII case
//!   ignored;
//! - **numbers that look personal**, found by their shape: phone numbers
//!   (international with `+` or `00`, mainland China mobile and landline, Hong
//!   Kong and Singapore, North American, leading-zero national numbers) in any
//!   grouping by spaces, dashes, dots and parentheses; payment cards (13 to 19
//!   digits, any grouping, Luhn-checked); mainland China resident ID numbers
//!   (birth date checked); Hong Kong identity card numbers (check digit
//!   checked); US social security numbers (`123-45-6789`); IBANs (mod 97
//!   checked); passport-like numbers (one letter and eight digits, two letters
//!   and seven); email addresses.
//!
//! Numbers are read as chains of digit groups joined by short separators, so
//! the parts of `call 138 1234 5678 or 021-5555-1234` are found one by one; a
//! chain that is not personal as a whole is searched for personal runs of its
//! groups. Digits may be ASCII or full width. What is kept, on purpose: order
//! numbers, prices, dates, times, booking references and other numbers that
//! fit none of these shapes (an order number that happens to pass the Luhn
//! check like a card is redacted: cards win). `tests/redaction.json` lists
//! the formats, and the look-alikes that must survive, for every platform.

use regex_lite::Regex;
use serde_json::{Map, Value};

/// Replacement text for redacted values.
pub const REDACTED: &str = "[redacted]";

/// Shortest declared-personal value searched for in free text, in characters:
/// a one-letter value would erase every occurrence of that letter.
const MIN_VALUE_CHARS: usize = 2;

/// Most declared-personal values one redaction searches for.
const MAX_VALUES: usize = 64;

/// Finds personal data in free text. Built lazily by the catalog on the first
/// handoff, so loading and resolving never pay for it.
#[derive(Debug)]
pub struct Redactor {
    email: Option<Regex>,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

impl Redactor {
    /// Compiles the email pattern; everything else is read by hand.
    pub fn new() -> Self {
        Redactor { email: Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}").ok() }
    }

    /// Replaces personal data found by its shape in free text.
    ///
    /// ```
    /// let r = inscene::handoff::Redactor::new();
    /// assert_eq!(r.text("mail me at a.b@example.com"), "mail me at [redacted]");
    /// assert_eq!(r.text("card 4111 1111 1111 1111"), "card [redacted]");
    /// assert_eq!(r.text("call +44 20 7946 0958 or 138-1234-5678"), "call [redacted] or [redacted]");
    /// assert_eq!(r.text("order 2026112200012345, paid ¥1,299.00 on 2026-12-01"), "order 2026112200012345, paid ¥1,299.00 on 2026-12-01");
    /// ```
    pub fn text(&self, text: &str) -> String {
        self.scrub(text, &[])
    }

    /// Replaces personal data in free text: what [`Redactor::text`] finds,
    /// and every occurrence of the given values (see [`pii_values`]).
    pub fn scrub(&self, text: &str, values: &[String]) -> String {
        let Some(email) = &self.email else {
            // A pattern that failed to build must not leak data: hide everything.
            return REDACTED.to_owned();
        };
        if u32::try_from(text.len()).is_err() {
            // Spans are sorted as 32-bit offsets; no text the SDK takes is this long.
            return REDACTED.to_owned();
        }
        let mut spans: Vec<(usize, usize)> = Vec::new();
        values_in(text, values, &mut spans);
        spans.extend(email.find_iter(text).map(|m| (m.start(), m.end())));
        let v = view(text);
        ibans_in(&v, &mut spans);
        numbers_in(&v, &mut spans);
        if spans.is_empty() {
            return text.to_owned();
        }
        // Sorted as one key each (start, then end): the core's one key sort.
        let mut keys: Vec<u64> = spans.iter().map(|&(s, e)| (s as u64) << 32 | e as u64).collect();
        crate::order::keys(&mut keys);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        let mut open: Option<(usize, usize)> = None;
        for (start, end) in keys.into_iter().map(|k| ((k >> 32) as usize, (k & 0xffff_ffff) as usize)) {
            match open {
                Some((s, e)) if start < e => open = Some((s, e.max(end))),
                _ => {
                    if let Some((s, e)) = open.take() {
                        out.push_str(&text[at..s]);
                        out.push_str(REDACTED);
                        at = e;
                    }
                    open = Some((start, end));
                }
            }
        }
        if let Some((s, e)) = open {
            out.push_str(&text[at..s]);
            out.push_str(REDACTED);
            at = e;
        }
        out.push_str(&text[at..]);
        out
    }

    /// Redacts a JSON value: declared PII paths are replaced whole, strings are scrubbed.
    pub fn value(&self, value: &Value, path: &str, pii: &[String]) -> Value {
        self.value_with(value, path, pii, &[])
    }

    /// The members of an object (answers, action parameters) redacted by
    /// [`Redactor::value_with`], no field declared personal as a whole.
    pub fn map_with(&self, map: &Map<String, Value>, values: &[String]) -> Map<String, Value> {
        let mut out = Map::new();
        for (k, v) in map {
            out.insert(k.clone(), self.value_with(v, k, &[], values));
        }
        out
    }

    /// [`Redactor::value`], also removing the given declared-personal values
    /// wherever they appear in strings.
    pub fn value_with(&self, value: &Value, path: &str, pii: &[String], values: &[String]) -> Value {
        if !path.is_empty() && pii.iter().any(|p| p == path) {
            return Value::String(REDACTED.to_owned());
        }
        match value {
            Value::String(s) => Value::String(self.scrub(s, values)),
            Value::Number(n) if values.iter().any(|v| *v == n.to_string()) => Value::String(REDACTED.to_owned()),
            Value::Array(a) => Value::Array(a.iter().map(|v| self.value_with(v, path, pii, values)).collect()),
            Value::Object(m) => {
                // Inserted one by one: collecting into a map compiles a sort for each call site.
                let mut out = Map::new();
                for (k, v) in m {
                    let child = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    out.insert(k.clone(), self.value_with(v, &child, pii, values));
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }
}

/// The values at the declared personal fields of `context`: strings and
/// numbers, and those inside lists and objects there, at most `MAX_VALUES` (64).
/// Their order does not matter: where one value contains another (a full name
/// and a part of it), the overlapping spans merge into one.
pub fn pii_values(context: &crate::context::Context, pii: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for path in pii {
        let Some(v) = context.get(path) else { continue };
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) => out.push(s.trim().to_owned()),
                Value::Number(n) => out.push(n.to_string()),
                Value::Array(items) => stack.extend(items),
                Value::Object(m) => stack.extend(m.values()),
                _ => {}
            }
        }
    }
    out.retain(|s| s.chars().count() >= MIN_VALUE_CHARS);
    out.truncate(MAX_VALUES);
    out
}

/// Spans of every occurrence of the values, ASCII case ignored.
fn values_in(text: &str, values: &[String], spans: &mut Vec<(usize, usize)>) {
    if values.is_empty() {
        return;
    }
    // ASCII lowercasing keeps every byte offset.
    let lowered = text.to_ascii_lowercase();
    for v in values {
        let needle = v.to_ascii_lowercase();
        if needle.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(i) = lowered.get(from..).and_then(|rest| rest.find(&needle)) {
            let start = from + i;
            spans.push((start, start + needle.len()));
            from = start + needle.len();
        }
    }
}

/// The text as the number reader sees it: one class byte per character and
/// the character's byte offset (`at` has one more entry, the text's length).
/// Classes: `0`-`9` for digits (ASCII or full width), `A`-`Z` for letters
/// (either case, ASCII or full width), `_`, `+`, and the joiners `' '`, `-`,
/// `.`, `(`, `)` (their full-width and no-break forms too); 0 for the rest.
struct View {
    ch: Vec<u8>,
    at: Vec<usize>,
}

fn view(text: &str) -> View {
    let mut ch = Vec::with_capacity(text.len());
    let mut at = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        // Full-width forms sit 0xFEE0 above their ASCII twins.
        let a = match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or('\0'),
            '\u{a0}' | '\u{3000}' => ' ',
            '‐' | '–' => '-',
            _ => c,
        };
        ch.push(match a {
            '0'..='9' | 'A'..='Z' | '_' | '+' | ' ' | '-' | '.' | '(' | ')' => a as u8,
            'a'..='z' => a.to_ascii_uppercase() as u8,
            _ => 0,
        });
        at.push(i);
    }
    at.push(text.len());
    View { ch, at }
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// One alphanumeric word that can be part of a number: positions in the
/// [`View`], `letters` (at most two) then digits, then an optional `X`.
#[derive(Debug, Clone, Copy)]
struct Group<'v> {
    start: usize,
    end: usize,
    /// Leading letters.
    letters: &'v [u8],
    /// The digits, as ASCII.
    digits: &'v [u8],
    /// A trailing `X` (mainland ID check character).
    x: bool,
    /// `+` right before it.
    plus: bool,
    /// The separator from the previous group of its chain.
    sep: &'v [u8],
}

/// Reads the word `w` as a group: digits, letters then digits, digits then
/// `X`, or a lone letter (a check character, kept only after `(`).
fn group(w: &[u8], start: usize) -> Option<Group<'_>> {
    let lead = w.iter().take_while(|b| b.is_ascii_uppercase()).count();
    let mut digits = &w[lead..];
    let x = lead == 0 && digits.len() > 1 && digits.last() == Some(&b'X');
    if x {
        digits = &digits[..digits.len() - 1];
    }
    let ok = lead <= 2 && digits.iter().all(u8::is_ascii_digit) && (!digits.is_empty() || lead == 1);
    ok.then(|| Group { start, end: start + w.len(), letters: &w[..lead], digits, x, plus: false, sep: &[] })
}

/// Chains of groups, handed to `each` one by one: groups joined by one to
/// three joiner characters.
fn chains<'v>(v: &'v View, mut each: impl FnMut(&[Group<'v>])) {
    let ch = &v.ch;
    let mut chain: Vec<Group> = Vec::new();
    let mut last_end = 0;
    let mut i = 0;
    while i < ch.len() {
        if !alnum(ch[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < ch.len() && alnum(ch[i]) {
            i += 1;
        }
        let between = &ch[last_end..start];
        let joined =
            !chain.is_empty() && (1..=3).contains(&between.len()) && between.iter().all(|b| b" -.()".contains(b));
        let plus = start > 0 && ch[start - 1] == b'+';
        // A lone letter belongs to a number only as its check character, `(A)`.
        let check_letter = joined && between.last() == Some(&b'(');
        match group(&ch[start..i], start).filter(|g| !g.digits.is_empty() || check_letter) {
            Some(mut g) => {
                g.plus = plus;
                g.sep = between;
                if !joined || plus {
                    each(&chain);
                    chain.clear();
                }
                chain.push(g);
            }
            None => {
                each(&chain);
                chain.clear();
            }
        }
        last_end = i;
    }
    each(&chain);
}

/// Spans of personal numbers: in each chain, the longest personal run of
/// groups from the left, then on after it.
fn numbers_in(v: &View, spans: &mut Vec<(usize, usize)>) {
    chains(v, |chain| {
        let mut i = 0;
        while i < chain.len() {
            let whole = |j: usize| i == 0 && j + 1 == chain.len();
            let Some(j) = (i..chain.len()).rev().find(|&j| personal(&chain[i..=j], whole(j))) else {
                i += 1;
                continue;
            };
            // The `+` of an international number, and an opening parenthesis.
            let mut start = chain[i].start;
            for _ in 0..2 {
                if start > 0 && matches!(v.ch[start - 1], b'+' | b'(') {
                    start -= 1;
                }
            }
            let mut end = chain[j].end;
            let inside = &v.ch[start..end];
            let open = inside.iter().rposition(|&b| b == b'(');
            if open.is_some() && inside.iter().rposition(|&b| b == b')') < open && v.ch.get(end) == Some(&b')') {
                end += 1;
            }
            spans.push((v.at[start], v.at[end]));
            i = j + 1;
        }
    });
}

/// Whether the groups, as one number, are personal data. Shapes that
/// ordinary numbers share (4-4, 3-2-4, leading zero, spaced groups) count only
/// for a `whole` chain, never for a run inside a longer one such as the
/// spaced order number `2026 1201 0001`; checked shapes (Luhn, check digits,
/// birth dates) and unmistakable ones (`+`, a mainland mobile) count anywhere.
fn personal(groups: &[Group<'_>], whole: bool) -> bool {
    let Some((first, rest)) = groups.split_first() else { return false };
    let last = groups.last().unwrap_or(first);
    if groups[..groups.len() - 1].iter().any(|g| g.x) {
        return false;
    }
    if hkid(groups) {
        return true;
    }
    if rest.iter().any(|g| !g.letters.is_empty()) {
        return false;
    }
    let digits: Vec<u8> = groups.iter().flat_map(|g| g.digits.iter().copied()).collect();
    let n = digits.len();
    if !first.letters.is_empty() {
        // Passport-like: one letter and eight digits, or two and seven, alone.
        return groups.len() == 1 && !last.x && n + first.letters.len() == 9;
    }
    if last.x {
        return n == 17 && resident_id(&digits);
    }
    // The group lengths as decimal pairs: 3-3-4 is 30304 (five groups or more never match).
    let shape = groups.iter().fold(0u64, |a, g| a.saturating_mul(100).saturating_add(g.digits.len() as u64));
    let d = |i: usize| digits.get(i).map_or(0, |b| b - b'0');
    let mobile = |m: &[u8]| m.len() == 11 && m[0] == b'1' && m[1] >= b'3';
    // Mainland resident IDs (a plausible birth date), cards (Luhn), numbers
    // with `+` or `00`, and mainland mobiles count wherever they stand.
    if (n == 18 && resident_id(&digits))
        || ((13..=19).contains(&n) && luhn(&digits))
        || (first.plus && (7..=15).contains(&n))
        || (digits.starts_with(b"00") && d(2) != 0 && (10..=15).contains(&n) && groups.len() >= 2)
        || mobile(&digits)
        || (digits.starts_with(b"86") && mobile(&digits[2..]))
    {
        return true;
    }
    if !whole {
        return false;
    }
    let spaced = rest.iter().all(|g| g.sep == b" ");
    // North American 3-3-4 (1-3-3-4 with the country code); leading-zero national
    // numbers (a CN area code, UK, most of Europe); 4-4 (Hong Kong, Singapore,
    // a local number without its area code); a country code without `+` and a
    // number grouped by spaces (`852 9123 4567`).
    if (shape == 30304 && d(0) >= 2)
        || (shape == 1030304 && d(0) == 1 && d(1) >= 2)
        || (d(0) == 0 && d(1) != 0 && (9..=12).contains(&n) && (groups.len() >= 2 || n >= 10))
        || (shape == 404 && d(0) >= 2)
        || (groups.len() >= 3 && (10..=13).contains(&n) && (2..=3).contains(&first.digits.len()) && spaced)
    {
        return true;
    }
    // US social security number: 3-2-4, dashes or spaces; no 000, 666 or 9xx area.
    shape == 30204
        && rest.iter().all(|g| g.sep == b"-" || g.sep == b" ")
        && !matches!(&digits[..3], b"000" | b"666")
        && d(0) != 9
        && &digits[3..5] != b"00"
        && &digits[5..] != b"0000"
}

/// A Hong Kong identity card number: one or two letters, six digits and a
/// check character (a digit or `A`, often in parentheses), checksum valid.
fn hkid(groups: &[Group<'_>]) -> bool {
    let (body, check) = match groups {
        [g] if g.digits.len() == 7 => (g, g.digits[6]),
        [g, c] if g.digits.len() == 6 && c.sep.iter().any(|b| b"( ".contains(b)) => {
            let check = match (c.letters, c.digits) {
                (b"A", []) => b'A',
                ([], [d]) => *d,
                _ => return false,
            };
            (g, check)
        }
        _ => return false,
    };
    if body.x || body.letters.is_empty() {
        return false;
    }
    // A space before a single letter counts 36; letters count 10 to 35.
    let values = (body.letters.len() == 1)
        .then_some(36)
        .into_iter()
        .chain(body.letters.iter().map(|&l| u32::from(l - b'A') + 10))
        .chain(body.digits[..6].iter().map(|&b| u32::from(b - b'0')));
    let sum: u32 = values.zip((2..=9).rev()).map(|(v, w)| v * w).sum();
    let expected = match (11 - sum % 11) % 11 {
        10 => b'A',
        v => b'0' + v as u8,
    };
    check == expected
}

/// Seventeen digits of a mainland China resident ID: a region and a plausible birth date.
fn resident_id(digits: &[u8]) -> bool {
    let num = |r: std::ops::Range<usize>| digits[r].iter().fold(0u32, |n, &b| n * 10 + u32::from(b - b'0'));
    digits.len() >= 17
        && digits[0] != b'0'
        && (1900..=2099).contains(&num(6..10))
        && (1..=12).contains(&num(10..12))
        && (1..=31).contains(&num(12..14))
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &b)| {
            let d = u32::from(b - b'0') << (i % 2);
            if d > 9 { d - 9 } else { d }
        })
        .sum();
    sum % 10 == 0
}

/// IBANs: two letters, two check digits and 11 to 30 letters and digits, in
/// groups of four or not, with a valid mod-97 check.
fn ibans_in(v: &View, spans: &mut Vec<(usize, usize)>) {
    let ch = &v.ch;
    let mut i = 0;
    while i + 4 <= ch.len() {
        let head = (i == 0 || !alnum(ch[i - 1]))
            && ch[i..i + 2].iter().all(u8::is_ascii_uppercase)
            && ch[i + 2..i + 4].iter().all(u8::is_ascii_digit);
        if !head {
            i += 1;
            continue;
        }
        // Letters and digits, with single spaces between groups of four.
        let mut compact: Vec<u8> = Vec::new();
        let mut j = i;
        let mut best = None;
        while j < ch.len() && compact.len() < 34 {
            let b = ch[j];
            if b.is_ascii_alphanumeric() {
                compact.push(b);
                j += 1;
                if (j == ch.len() || !alnum(ch[j])) && compact.len() >= 15 && mod97(&compact) {
                    best = Some(j);
                }
            } else if b == b' ' && compact.len() % 4 == 0 && ch.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
                j += 1;
            } else {
                break;
            }
        }
        match best {
            Some(end) => {
                spans.push((v.at[i], v.at[end]));
                i = end;
            }
            None => i += 1,
        }
    }
}

/// The IBAN check: the first four characters moved to the end, letters as
/// 10 to 35, the number mod 97 is 1.
fn mod97(iban: &[u8]) -> bool {
    let (head, tail) = iban.split_at(4.min(iban.len()));
    let r = tail.iter().chain(head).fold(0u32, |r, &b| match b {
        b'0'..=b'9' => (r * 10 + u32::from(b - b'0')) % 97,
        _ => (r * 100 + u32::from(b.wrapping_sub(b'A')) + 10) % 97,
    });
    r == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn national_ids_and_emails_are_redacted() {
        let r = Redactor::new();
        assert_eq!(r.text("ID 11010519491231002X ok"), "ID [redacted] ok");
        assert_eq!(r.text("(415) 555-0100"), "[redacted]");
    }

    #[test]
    fn numbers_beside_chinese_text_and_in_full_width_digits_are_redacted() {
        let r = Redactor::new();
        assert_eq!(r.text("我的手机13812345678，谢谢"), "我的手机[redacted]，谢谢");
        assert_eq!(r.text("手机１３８１２３４５６７８"), "手机[redacted]");
        assert_eq!(r.text("卡号４１１１ １１１１ １１１１ １１１１"), "卡号[redacted]");
        assert_eq!(r.text("身份证11010519491231002X"), "身份证[redacted]");
        assert_eq!(r.text("电话＋86 139 1234 5678"), "电话[redacted]");
        // Inside a longer run of digits or letters, nothing is a phone number.
        assert_eq!(r.text("order 2026112200012345"), "order 2026112200012345");
        assert_eq!(r.text("ref A13812345678"), "ref A13812345678");
    }

    #[test]
    fn checksums_hold_for_known_numbers() {
        assert!(mod97(b"GB82WEST12345698765432"));
        assert!(!mod97(b"GB82WEST12345698765433"));
        fn g(s: &str) -> Group<'_> {
            group(s.as_bytes(), 0).unwrap()
        }
        assert!(hkid(&[g("A1234563")]));
        assert!(!hkid(&[g("A1234564")]));
    }

    #[test]
    fn declared_pii_fields_are_replaced_whole_and_their_values_everywhere() {
        let ctx = json!({"user": {"name": "Li Lei", "phone": "x"}, "entities": {"order": {"id": "123"}}});
        let pii = vec!["user.name".to_owned()];
        let r = Redactor::new();
        let out = r.value(&ctx, "", &pii);
        assert_eq!(out["user"]["name"], REDACTED);
        assert_eq!(out["entities"]["order"]["id"], "123");
        let values = pii_values(&crate::context::Context::from_json(&ctx.to_string()).unwrap(), &pii);
        assert_eq!(values, ["Li Lei"]);
        assert_eq!(
            r.scrub("Hello Li Lei, this is li lei's order", &values),
            "Hello [redacted], this is [redacted]'s order"
        );
    }
}
