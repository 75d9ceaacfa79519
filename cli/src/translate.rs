//! `translate-check`: missing and suspicious translations per locale.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use serde_json::Value;

use crate::{Format, fail, read};

/// One finding.
#[derive(Debug, Serialize)]
struct Finding {
    locale: String,
    /// `missing`: no text in this locale; `copied`: identical to the default
    /// locale's text (probably untranslated); `placeholders`: different
    /// placeholders from the default text (a value would be lost or wrong);
    /// `missing_examples`: a scenario's `examples` has none in this locale (a
    /// question typed in it meets only titles and keywords); `few_examples`:
    /// fewer than half as many as in the default locale.
    kind: &'static str,
    path: String,
}

fn placeholders(s: &str) -> BTreeSet<String> {
    match inscene::i18n::parse_template(s) {
        Ok(segments) => segments
            .into_iter()
            .filter_map(|seg| match seg {
                inscene::i18n::Segment::Placeholder(p) => Some(p),
                inscene::i18n::Segment::Text(_) => None,
            })
            .collect(),
        Err(_) => BTreeSet::new(),
    }
}

/// Walks the document; an object whose keys are all declared locales and whose
/// values are all strings is a localized text.
fn walk(v: &Value, path: &str, supported: &[String], default: &str, out: &mut Vec<Finding>) {
    match v {
        Value::Object(m) if path.ends_with("/examples") => {
            let count = |l: &str| m.get(l).and_then(Value::as_array).map_or(0, Vec::len);
            let base = count(default);
            for locale in supported.iter().filter(|l| l.as_str() != default) {
                let n = count(locale);
                let kind = match n {
                    0 if base > 0 => "missing_examples",
                    n if n * 2 < base => "few_examples",
                    _ => continue,
                };
                out.push(Finding { locale: locale.clone(), kind, path: path.to_owned() });
            }
        }
        Value::Object(m) => {
            let is_text = !m.is_empty() && m.iter().all(|(k, v)| supported.contains(k) && v.is_string());
            if is_text {
                let base = m.get(default).and_then(Value::as_str);
                for locale in supported.iter().filter(|l| l.as_str() != default) {
                    match (m.get(locale).and_then(Value::as_str), base) {
                        (None, _) => {
                            out.push(Finding { locale: locale.clone(), kind: "missing", path: path.to_owned() })
                        }
                        (Some(t), Some(b)) if t == b && t.chars().any(char::is_alphabetic) => {
                            out.push(Finding { locale: locale.clone(), kind: "copied", path: path.to_owned() })
                        }
                        (Some(t), Some(b)) if placeholders(t) != placeholders(b) => {
                            out.push(Finding { locale: locale.clone(), kind: "placeholders", path: path.to_owned() })
                        }
                        _ => {}
                    }
                }
                return;
            }
            for (k, v) in m {
                walk(v, &format!("{path}/{}", k.replace('~', "~0").replace('/', "~1")), supported, default, out);
            }
        }
        Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, v)| walk(v, &format!("{path}/{i}"), supported, default, out))
        }
        _ => {}
    }
}

/// `inscene translate-check CATALOG`.
pub fn translate_check(catalog: &Path, format: Format, fail_on_missing: bool) -> ExitCode {
    let source = match read(catalog) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let doc: Value = match serde_json::from_str(&source) {
        Ok(v) => v,
        Err(e) => return fail(&format!("{}: not valid JSON: {e}", catalog.display())),
    };
    let supported: Vec<String> = doc["locales"]["supported"]
        .as_array()
        .map(|a| a.iter().filter_map(|l| l.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let default = doc["locales"]["default"].as_str().unwrap_or("").to_owned();
    let mut findings = Vec::new();
    walk(&doc, "", &supported, &default, &mut findings);
    let mut summary: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for f in &findings {
        *summary.entry(f.locale.as_str()).or_default().entry(f.kind).or_default() += 1;
    }
    match format {
        Format::Json => println!("{}", serde_json::json!({ "summary": summary, "findings": findings })),
        Format::Human => {
            for l in supported.iter().filter(|l| **l != default) {
                let s = summary.get(l.as_str());
                let n = |k: &str| s.and_then(|m| m.get(k)).copied().unwrap_or(0);
                println!(
                    "{l}: {} missing, {} copied from {default}, {} placeholder mismatches, {} scenarios without \
                     examples, {} with few",
                    n("missing"),
                    n("copied"),
                    n("placeholders"),
                    n("missing_examples"),
                    n("few_examples")
                );
            }
            for f in &findings {
                println!("  {} {} at {}", f.locale, f.kind, f.path);
            }
        }
    }
    if fail_on_missing && findings.iter().any(|f| f.kind == "missing" || f.kind == "missing_examples") {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
