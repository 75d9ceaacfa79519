//! Localization: locale tags, fallback chains and text templates with placeholders.

use crate::content::{Locales, LocalizedText};

/// Whether `tag` is a plausible BCP 47 language tag (`en`, `zh-Hans`, `pt-BR`, `yue-Hant-HK`).
pub fn is_locale_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang_ok =
        parts.next().is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    lang_ok && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The order in which locales are tried for a requested locale: the locale
/// itself, its declared fallbacks, the parent of a region or script subtag
/// (`zh-Hant-HK` -> `zh-Hant`), then the catalog default. No locale appears twice.
pub fn fallback_chain(locales: &Locales, requested: &str) -> Vec<String> {
    let mut chain: Vec<String> = Vec::new();
    let push = |l: &str, chain: &mut Vec<String>| {
        if !chain.iter().any(|c| c.eq_ignore_ascii_case(l)) {
            chain.push(l.to_owned());
        }
    };
    let mut current = requested.to_owned();
    loop {
        push(&current, &mut chain);
        if let Some(fallbacks) = locales.fallbacks.get(&current) {
            for f in fallbacks {
                push(f, &mut chain);
            }
        }
        match current.rfind('-') {
            Some(i) => current.truncate(i),
            None => break,
        }
    }
    push(&locales.default, &mut chain);
    chain
}

/// The lookup order for a user who prefers `languages` (best first): each
/// language's own chain in turn, then the catalog default.
pub fn chain_for(locales: &Locales, languages: &[&str]) -> Vec<String> {
    let mut chain: Vec<String> = Vec::new();
    for lang in languages {
        for l in fallback_chain(locales, lang) {
            if !l.eq_ignore_ascii_case(&locales.default) && !chain.iter().any(|c| c.eq_ignore_ascii_case(&l)) {
                chain.push(l);
            }
        }
    }
    chain.push(locales.default.clone());
    chain
}

/// Picks the text for the first locale of `chain` that `text` has.
pub fn pick<'a>(text: &'a LocalizedText, chain: &[String]) -> Option<(&'a str, &'a str)> {
    chain.iter().find_map(|l| text.iter().find(|(k, _)| k.eq_ignore_ascii_case(l)))
}

/// A piece of a parsed text template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text.
    Text(String),
    /// A placeholder naming a dotted path, e.g. `entities.order.id`.
    Placeholder(String),
}

/// Why a template does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset of the problem in the text.
    pub offset: usize,
    /// What is wrong.
    pub reason: &'static str,
}

/// Parses a text with `{dotted.path}` placeholders; `{{` and `}}` are literal braces.
pub fn parse_template(text: &str) -> Result<Vec<Segment>, TemplateError> {
    let mut segments = Vec::new();
    let mut literal = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().is_some_and(|&(_, n)| n == '{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek().is_some_and(|&(_, n)| n == '}') => {
                chars.next();
                literal.push('}');
            }
            '}' => {
                return Err(TemplateError { offset: i, reason: "stray `}` (write `}}` for a literal brace)" });
            }
            '{' => {
                let start = i + 1;
                let end = loop {
                    match chars.next() {
                        Some((j, '}')) => break j,
                        Some((_, '{')) | None => {
                            return Err(TemplateError {
                                offset: i,
                                reason: "unclosed `{` (write `{{` for a literal brace)",
                            });
                        }
                        Some(_) => {}
                    }
                };
                let name = text[start..end].trim();
                if !is_placeholder_name(name) {
                    return Err(TemplateError {
                        offset: i,
                        reason: "placeholder name must be a dotted path like `entities.order.id`",
                    });
                }
                if !literal.is_empty() {
                    segments.push(Segment::Text(std::mem::take(&mut literal)));
                }
                segments.push(Segment::Placeholder(name.to_owned()));
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        segments.push(Segment::Text(literal));
    }
    Ok(segments)
}

/// Fills a template's placeholders from `data` (looked up by dotted path).
/// Strings go in as they are, numbers and booleans as text; a missing value
/// leaves the place empty. The result is plain text: hosts must render it as
/// text, never as markup. A malformed template is returned as written.
pub fn render(text: &str, data: &serde_json::Value) -> String {
    let Ok(segments) = parse_template(text) else { return text.to_owned() };
    let mut out = String::with_capacity(text.len());
    for seg in segments {
        match seg {
            Segment::Text(t) => out.push_str(&t),
            Segment::Placeholder(path) => match crate::wire::dotted(data, &path) {
                Some(serde_json::Value::String(s)) => out.push_str(s),
                Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => out.push_str(&v.to_string()),
                _ => {}
            },
        }
    }
    out
}

fn is_placeholder_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn locales() -> Locales {
        Locales {
            default: "en".into(),
            supported: vec!["en".into(), "zh-Hans".into(), "zh-Hant".into()],
            fallbacks: BTreeMap::from([("zh-Hant".into(), vec!["zh-Hans".into()])]),
        }
    }

    #[test]
    fn chain_walks_declared_fallbacks_then_parents_then_default() {
        assert_eq!(fallback_chain(&locales(), "zh-Hant-HK"), ["zh-Hant-HK", "zh-Hant", "zh-Hans", "zh", "en"]);
        assert_eq!(fallback_chain(&locales(), "en"), ["en"]);
    }

    #[test]
    fn chain_for_several_languages_keeps_default_last() {
        assert_eq!(chain_for(&locales(), &["zh-Hant", "en"]), ["zh-Hant", "zh-Hans", "zh", "en"]);
        assert_eq!(chain_for(&locales(), &[]), ["en"]);
    }

    #[test]
    fn pick_uses_first_available_locale() {
        let text = LocalizedText::from([("en", "Hi"), ("zh-Hans", "你好")]);
        let chain = fallback_chain(&locales(), "zh-Hant");
        assert_eq!(pick(&text, &chain), Some(("zh-Hans", "你好")));
    }

    #[test]
    fn templates_parse_placeholders_and_escapes() {
        let segs = parse_template("Order {entities.order.id} {{not}} done").unwrap();
        assert_eq!(
            segs,
            vec![
                Segment::Text("Order ".into()),
                Segment::Placeholder("entities.order.id".into()),
                Segment::Text(" {not} done".into()),
            ]
        );
    }

    #[test]
    fn render_fills_values_as_plain_text() {
        let data = serde_json::json!({"o": {"id": "<b>1</b>", "n": 3}, "a": [true]});
        assert_eq!(render("#{o.id} x{o.n} {a.0} [{missing}]", &data), "#<b>1</b> x3 true []");
    }

    #[test]
    fn malformed_templates_are_rejected_with_offsets() {
        assert_eq!(parse_template("a {b").unwrap_err().offset, 2);
        assert_eq!(parse_template("a } b").unwrap_err().offset, 2);
        assert!(parse_template("{a b}").is_err());
        assert!(parse_template("{}").is_err());
    }

    #[test]
    fn locale_tags() {
        for ok in ["en", "zh-Hans", "zh-Hant-HK", "pt-BR", "yue"] {
            assert!(is_locale_tag(ok), "{ok}");
        }
        for bad in ["", "e", "english", "zh_Hans", "en-", "-en"] {
            assert!(!is_locale_tag(bad), "{bad}");
        }
    }
}
