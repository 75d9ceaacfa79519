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
use serde_json::Value;

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
        let mut spans: Vec<(usize, usize)> = Vec::new();
        values_in(text, values, &mut spans);
        spans.extend(email.find_iter(text).map(|m| (m.start(), m.end())));
        ibans_in(text, &mut spans);
        numbers_in(text, &mut spans);
        if spans.is_empty() {
            return text.to_owned();
        }
        crate::order::by(&mut spans, |a, b| a.cmp(b));
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        let mut open: Option<(usize, usize)> = None;
        for (start, end) in spans {
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
                let mut out = serde_json::Map::new();
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
/// numbers, and those inside lists and objects there, longest first (so a full
/// name goes before a part of it), at most [`MAX_VALUES`].
pub fn pii_values(context: &Value, pii: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for path in pii {
        let Some(v) = crate::logic::dotted(context, path) else { continue };
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
    crate::order::by(&mut out, |a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
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

/// A decimal digit's value, ASCII or full width (as Chinese input methods type them).
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        _ => None,
    }
}

/// An ASCII letter, or a full-width one, as its ASCII uppercase.
fn letter(c: char) -> Option<char> {
    match c {
        'A'..='Z' => Some(c),
        'a'..='z' => Some(c.to_ascii_uppercase()),
        'Ａ'..='Ｚ' => char::from_u32(c as u32 - 'Ａ' as u32 + 'A' as u32),
        'ａ'..='ｚ' => char::from_u32(c as u32 - 'ａ' as u32 + 'A' as u32),
        _ => None,
    }
}

fn alnum(c: char) -> bool {
    digit(c).is_some() || letter(c).is_some() || c == '_'
}

/// Characters that may join the groups of one number.
fn joiner(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}' | '\u{3000}' | '－' | '（' | '）' | '‐' | '–' | '．')
}

/// One alphanumeric word that can be part of a number.
#[derive(Debug, Clone)]
struct Group {
    start: usize,
    end: usize,
    /// Leading letters (uppercase), at most two.
    letters: String,
    /// The digits, as ASCII.
    digits: String,
    /// A trailing `X` (mainland ID check character).
    x: bool,
    /// `+` (or `00` is in `digits`) right before it.
    plus: bool,
    /// The separator before it, from the previous group of the chain.
    sep: String,
}

/// Reads `word` (at `start..end`) as a group: digits, letters then digits,
/// digits then `X`, or one letter (a check character in parentheses).
fn group(word: &str, start: usize, end: usize) -> Option<Group> {
    let chars: Vec<char> = word.chars().collect();
    let lead = chars.iter().take_while(|c| digit(**c).is_none()).count();
    let letters: Option<String> = chars[..lead].iter().map(|c| letter(*c)).collect();
    let letters = letters?;
    let mut rest = &chars[lead..];
    let mut x = false;
    if let [body @ .., last] = rest {
        if lead == 0 && !body.is_empty() && letter(*last) == Some('X') {
            x = true;
            rest = body;
        }
    }
    let digits: Option<String> = rest.iter().map(|c| digit(*c).map(|d| char::from(b'0' + d))).collect();
    let digits = digits?;
    let single_check_letter = letters.len() == 1 && digits.is_empty();
    if letters.len() > 2 || (digits.is_empty() && !single_check_letter) {
        return None;
    }
    Some(Group { start, end, letters, digits, x, plus: false, sep: String::new() })
}

/// Chains of groups in `text`: groups joined by at most three joiner characters.
fn chains(text: &str) -> Vec<Vec<Group>> {
    let mut out: Vec<Vec<Group>> = Vec::new();
    let mut chain: Vec<Group> = Vec::new();
    let mut last_end = 0usize;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !alnum(c) {
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = iter.peek() {
            if !alnum(d) {
                break;
            }
            end = j + d.len_utf8();
            iter.next();
        }
        let between = &text[last_end..start];
        let joined = !chain.is_empty() && between.chars().count() <= 3 && between.chars().all(joiner);
        // A lone letter belongs to a number only as its check character, `(A)`.
        let check_letter = joined && between.ends_with(['(', '（']);
        match group(&text[start..end], start, end).filter(|g| !g.digits.is_empty() || check_letter) {
            Some(mut g) => {
                let before = text[..start].chars().rev().take(2).collect::<String>();
                g.plus = before.starts_with(['+', '＋']);
                if joined && !g.plus {
                    g.sep = between.to_owned();
                } else if !chain.is_empty() {
                    out.push(std::mem::take(&mut chain));
                }
                chain.push(g);
            }
            None => {
                if !chain.is_empty() {
                    out.push(std::mem::take(&mut chain));
                }
            }
        }
        last_end = end;
    }
    if !chain.is_empty() {
        out.push(chain);
    }
    out
}

/// Spans of personal numbers: in each chain, the longest personal run of
/// groups from the left, then on after it.
fn numbers_in(text: &str, spans: &mut Vec<(usize, usize)>) {
    for chain in chains(text) {
        let mut i = 0;
        while i < chain.len() {
            let whole = |j: usize| i == 0 && j + 1 == chain.len();
            let found = (i..chain.len()).rev().find(|&j| personal(&chain[i..=j], whole(j)));
            match found {
                Some(j) => {
                    let mut start = chain[i].start;
                    // The `+` of an international number, and an opening parenthesis.
                    let before: Vec<(usize, char)> = text[..start].char_indices().rev().take(2).collect();
                    for (k, c) in before {
                        if matches!(c, '+' | '＋' | '(' | '（') {
                            start = k;
                        } else {
                            break;
                        }
                    }
                    let mut end = chain[j].end;
                    if let Some(c) = text[end..].chars().next() {
                        let opened = text[start..end].contains(['(', '（']);
                        let closed = text[start..end].rfind([')', '）']) > text[start..end].rfind(['(', '（']);
                        if matches!(c, ')' | '）') && opened && !closed {
                            end += c.len_utf8();
                        }
                    }
                    spans.push((start, end));
                    i = j + 1;
                }
                None => i += 1,
            }
        }
    }
}

/// Whether the groups, as one number, are personal data. Shapes that
/// ordinary numbers share (4-4, 3-2-4, leading zero, spaced groups) count only
/// for a `whole` chain, never for a run inside a longer one such as the
/// spaced order number `2026 1201 0001`; checked shapes (Luhn, check digits,
/// birth dates) and unmistakable ones (`+`, a mainland mobile) count anywhere.
fn personal(groups: &[Group], whole: bool) -> bool {
    let Some(first) = groups.first() else { return false };
    let later_letters = groups[1..].iter().any(|g| !g.letters.is_empty());
    let x = groups.iter().rev().skip(1).any(|g| g.x);
    if x {
        return false;
    }
    let digits: String = groups.iter().map(|g| g.digits.as_str()).collect();
    let lens: Vec<usize> = groups.iter().map(|g| g.digits.len()).collect();
    let n = digits.len();
    let seps: Vec<&str> = groups[1..].iter().map(|g| g.sep.as_str()).collect();
    let last_x = groups.last().is_some_and(|g| g.x);
    if hkid(groups) {
        return true;
    }
    if later_letters {
        return false;
    }
    if !first.letters.is_empty() {
        // Passport-like: one letter and eight digits, or two and seven, alone.
        return groups.len() == 1
            && !last_x
            && ((first.letters.len() == 1 && n == 8) || (first.letters.len() == 2 && n == 7));
    }
    if last_x {
        return n == 17 && resident_id(&digits);
    }
    let starts = |p: &str| digits.starts_with(p);
    let d = |i: usize| digits.as_bytes().get(i).map_or(0, |b| b - b'0');
    // Mainland China resident ID (18 digits, a plausible birth date).
    if n == 18 && resident_id(&digits) {
        return true;
    }
    // Payment cards: 13 to 19 digits with a valid Luhn check.
    if (13..=19).contains(&n) && luhn(&digits) {
        return true;
    }
    // International: `+` and 7 to 15 digits, or `00` and a grouped number.
    if first.plus && (7..=15).contains(&n) {
        return true;
    }
    if starts("00") && d(2) != 0 && (10..=15).contains(&n) && groups.len() >= 2 {
        return true;
    }
    // Mainland China mobile, with or without the country code.
    let mobile = |m: &str| m.len() == 11 && m.starts_with('1') && (3..=9).contains(&(m.as_bytes()[1] - b'0'));
    if mobile(&digits) || (starts("86") && mobile(&digits[2..])) {
        return true;
    }
    if !whole {
        return false;
    }
    // North American: 3-3-4 (or 1-3-3-4 with the country code).
    if (lens == [3, 3, 4] && d(0) >= 2) || (lens == [1, 3, 3, 4] && d(0) == 1 && d(1) >= 2) {
        return true;
    }
    // Leading-zero national numbers (CN landline with area code, UK, most of Europe).
    if d(0) == 0 && d(1) != 0 && (9..=12).contains(&n) && (groups.len() >= 2 || n >= 10) {
        return true;
    }
    // Hong Kong and Singapore, and local numbers without their area code: 4-4.
    if lens == [4, 4] && d(0) >= 2 {
        return true;
    }
    // US social security number: 3-2-4, dashes or spaces.
    if lens == [3, 2, 4] && seps.iter().all(|s| *s == "-" || *s == " ") {
        let area = &digits[..3];
        return area != "000" && area != "666" && d(0) != 9 && &digits[3..5] != "00" && &digits[5..] != "0000";
    }
    // A country code without `+` and a number grouped by spaces: `852 9123 4567`.
    if groups.len() >= 3 && (10..=13).contains(&n) && (2..=3).contains(&lens[0]) && seps.iter().all(|s| *s == " ") {
        return true;
    }
    false
}

/// A Hong Kong identity card number: one or two letters, six digits and a
/// check character (a digit or `A`, often in parentheses), checksum valid.
fn hkid(groups: &[Group]) -> bool {
    let (body, check) = match groups {
        [g] if g.digits.len() == 7 => (g, g.digits.chars().last()),
        [g, c] if g.digits.len() == 6 && c.sep.contains(['(', '（', ' ']) => {
            let check = match (c.letters.as_str(), c.digits.as_str()) {
                ("A", "") => Some('A'),
                ("", d) if d.len() == 1 => d.chars().next(),
                _ => None,
            };
            (g, check)
        }
        _ => return false,
    };
    let (Some(check), 1..=2) = (check, body.letters.len()) else { return false };
    if body.x {
        return false;
    }
    let letter_value = |c: char| u32::from(c as u8 - b'A') + 10;
    let mut values: Vec<u32> = Vec::new();
    if body.letters.len() == 1 {
        values.push(36);
    }
    values.extend(body.letters.chars().map(letter_value));
    values.extend(body.digits.chars().take(6).filter_map(|c| c.to_digit(10)));
    if values.len() != 8 {
        return false;
    }
    let sum: u32 = values.iter().zip((2..=9).rev()).map(|(v, w)| v * w).sum();
    let expected = match (11 - sum % 11) % 11 {
        10 => 'A',
        v => char::from(b'0' + v as u8),
    };
    check == expected
}

/// Seventeen digits of a mainland China resident ID: a region and a plausible birth date.
fn resident_id(digits: &str) -> bool {
    let num = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
    digits.len() >= 17
        && !digits.starts_with('0')
        && (1900..=2099).contains(&num(6..10))
        && (1..=12).contains(&num(10..12))
        && (1..=31).contains(&num(12..14))
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d }
        })
        .sum();
    sum % 10 == 0
}

/// IBANs: two letters, two check digits and 11 to 30 letters and digits, in
/// groups of four or not, with a valid mod-97 check.
fn ibans_in(text: &str, spans: &mut Vec<(usize, usize)>) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i + 4 <= chars.len() {
        let (start, c0) = chars[i];
        let starts_word = i == 0 || !alnum(chars[i - 1].1);
        let head = starts_word
            && c0.is_ascii_uppercase()
            && chars[i + 1].1.is_ascii_uppercase()
            && chars[i + 2].1.is_ascii_digit()
            && chars[i + 3].1.is_ascii_digit();
        if !head {
            i += 1;
            continue;
        }
        // Letters and digits, with single spaces between groups of four.
        let mut compact = String::new();
        let mut j = i;
        let mut best: Option<(usize, usize)> = None;
        while j < chars.len() && compact.len() < 34 {
            let c = chars[j].1;
            if c.is_ascii_alphanumeric() {
                compact.push(c.to_ascii_uppercase());
                j += 1;
                let at_end = j == chars.len() || !alnum(chars[j].1);
                if at_end && (15..=34).contains(&compact.len()) && mod97(&compact) {
                    best = Some((start, chars.get(j).map_or(text.len(), |c| c.0)));
                }
            } else if c == ' '
                && compact.len() % 4 == 0
                && chars.get(j + 1).is_some_and(|c| c.1.is_ascii_alphanumeric())
            {
                j += 1;
            } else {
                break;
            }
        }
        match best {
            Some(span) => {
                spans.push(span);
                i = j;
            }
            None => i += 1,
        }
    }
}

/// The IBAN check: the first four characters moved to the end, letters as
/// 10 to 35, the number mod 97 is 1.
fn mod97(iban: &str) -> bool {
    let (head, tail) = iban.split_at(4);
    let mut r: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return false,
        };
        r = if v >= 10 { (r * 100 + v) % 97 } else { (r * 10 + v) % 97 };
    }
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
        assert!(mod97("GB82WEST12345698765432"));
        assert!(!mod97("GB82WEST12345698765433"));
        let g = |s: &str| group(s, 0, s.len()).unwrap();
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
        let values = pii_values(&ctx, &pii);
        assert_eq!(values, ["Li Lei"]);
        assert_eq!(
            r.scrub("Hello Li Lei, this is li lei's order", &values),
            "Hello [redacted], this is [redacted]'s order"
        );
    }
}
