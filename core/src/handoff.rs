//! The handoff packet: everything an agent needs so the user repeats nothing.
//!
//! Versioned (`schema: "inscene.handoff.v1"`); its JSON Schema is generated
//! into `schema/inscene-handoff.v1.schema.json`. Personal data is redacted:
//! context fields the catalog declares as `pii`, and anything that looks like a
//! phone number, payment card number, national ID number or email address in
//! free text, answers and action parameters.

use regex_lite::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::content::{Channel, Priority, RiskLevel};

/// Identifier of this packet format.
pub const HANDOFF_SCHEMA: &str = "inscene.handoff.v1";

/// Replacement text for redacted values.
pub const REDACTED: &str = "[redacted]";

/// A handoff packet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "inscene handoff packet v1"))]
pub struct HandoffPacket {
    /// Always `inscene.handoff.v1`.
    pub schema: String,
    /// Session id the host gave.
    pub session: String,
    /// When the handoff was made, seconds since the Unix epoch.
    pub created_at: i64,
    /// Catalog identity and content version.
    pub catalog: CatalogRef,
    /// Scenario the user started from, if any.
    pub scenario: Option<String>,
    /// Proactive intervention the user started from (e.g. a fraud warning), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention: Option<String>,
    /// Flow and step where the handoff happened (absent for a crisis before any flow).
    pub flow: Option<String>,
    /// Step id.
    pub step: Option<String>,
    /// Stable reason code: `content`, `user_request`, `unhelpful`, `loop`, `segment`, `risk`, `crisis`, `content_loop`, `content_changed`, `content_invalid`, `resolution_unhelpful`, or a step's own reason.
    pub reason: String,
    /// More about the reason (the step's reason code, the segment).
    pub reason_detail: Option<String>,
    /// Priority after segment, risk and urgency rules.
    pub priority: Priority,
    /// Channels, best first.
    pub channels: Vec<Channel>,
    /// Agent queue.
    pub queue: Option<String>,
    /// Language to serve the user in.
    pub language: String,
    /// The user's segment asks for a follow-up contact.
    pub follow_up: bool,
    /// Urgency rules that held.
    pub urgency: Vec<String>,
    /// Risk level of the scenario.
    pub risk: RiskLevel,
    /// Steps the user went through, in order.
    pub path: Vec<PathEntry>,
    /// Answers given, redacted.
    pub answers: Map<String, Value>,
    /// Actions the host performed and their results.
    pub actions: Vec<ActionRecord>,
    /// "This didn't help" count.
    pub unhelpful_count: u32,
    /// The context, redacted.
    pub context: Value,
    /// What was said, redacted.
    pub transcript: Vec<TranscriptLine>,
}

/// Catalog identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CatalogRef {
    /// Catalog id.
    pub id: String,
    /// Content version.
    pub version: String,
}

/// One step on the user's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PathEntry {
    /// Flow id.
    pub flow: String,
    /// Step id.
    pub step: String,
}

crate::wire::wire_struct!(PathEntry { req flow, req step });

/// An action performed by the host.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActionRecord {
    /// Action id.
    pub action: String,
    /// Parameters it was asked with.
    pub params: Map<String, Value>,
    /// `success`, `failure` or `cancelled`.
    pub result: String,
    /// When the result was reported.
    pub at: i64,
}

crate::wire::wire_struct!(ActionRecord { req action, req params, req result, req at });

/// Who said a transcript line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    /// The help content.
    Bot,
    /// The user.
    User,
    /// The app (action results, escalation notes).
    System,
}

crate::wire::wire_names!(Speaker { Bot = "bot", User = "user", System = "system" });

/// One line of the transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TranscriptLine {
    /// Who.
    pub speaker: Speaker,
    /// What, as plain text.
    pub text: String,
}

crate::wire::wire_struct!(TranscriptLine { req speaker, req text });

/// Finds personal data in free text. Built lazily by the catalog on the first
/// handoff, so loading and resolving never pay for it.
#[derive(Debug)]
pub struct Redactor {
    email: Option<Regex>,
    card: Option<Regex>,
    national_id: Option<Regex>,
    phone: Option<Regex>,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

/// A decimal digit's value, ASCII or full width (as Chinese input methods type them).
fn digit(c: char) -> Option<u32> {
    c.to_digit(10).or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32))
}

fn luhn(digits: &str) -> bool {
    let ds: Vec<u32> = digits.chars().filter_map(digit).collect();
    let sum: u32 = ds
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d })
        .sum();
    ds.len() >= 13 && sum % 10 == 0
}

impl Redactor {
    /// Compiles the patterns. Digits are ASCII or full width; a number's edges
    /// are "half" word boundaries (no ASCII letter, digit or `_` beside it), so
    /// a number written straight after Chinese text (`手机13812345678`) is found.
    pub fn new() -> Self {
        // `D` in the patterns below stands for one digit, ASCII or full width.
        let re = |p: &str| Regex::new(&p.replace('D', "[0-9０-９]")).ok();
        Redactor {
            email: Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}").ok(),
            // 13 to 19 digits, optionally grouped by spaces or dashes; Luhn-checked.
            card: re(r"\b{start-half}D(?:[ -]?D){12,18}\b{end-half}"),
            // Mainland China resident ID: 17 digits and a digit or X.
            national_id: re(r"\b{start-half}D{17}(?:D|[Xx])\b{end-half}"),
            // International (+...), CN mobile, and NANP-style numbers; bare order numbers stay.
            phone: re(concat!(
                r"[+＋]D(?:D|[\s().\-　]){6,}D",
                r"|\b{start-half}[1１][3-9３-９]D{9}\b{end-half}",
                r"|\(?\b{start-half}D{3}\)?[\s.\-]D{3}[\s.\-]D{4}\b{end-half}",
            )),
        }
    }

    /// Replaces personal data in free text.
    ///
    /// ```
    /// let r = inscene::handoff::Redactor::new();
    /// assert_eq!(r.text("mail me at a.b@example.com"), "mail me at [redacted]");
    /// assert_eq!(r.text("card 4111 1111 1111 1111"), "card [redacted]");
    /// assert_eq!(r.text("call +44 20 7946 0958 or 13812345678"), "call [redacted] or [redacted]");
    /// assert_eq!(r.text("order 2026112200012345"), "order 2026112200012345");
    /// ```
    pub fn text(&self, text: &str) -> String {
        let (Some(email), Some(card), Some(id), Some(phone)) =
            (&self.email, &self.card, &self.national_id, &self.phone)
        else {
            // Patterns that failed to build must not leak data: hide everything.
            return REDACTED.to_owned();
        };
        let s = email.replace_all(text, REDACTED);
        let s = id.replace_all(&s, REDACTED);
        let s = card.replace_all(&s, |c: &regex_lite::Captures<'_>| {
            let m = c.get(0).map_or("", |m| m.as_str());
            if luhn(m) { REDACTED.to_owned() } else { m.to_owned() }
        });
        phone.replace_all(&s, REDACTED).into_owned()
    }

    /// Redacts a JSON value: declared PII paths are replaced whole, strings are scrubbed.
    pub fn value(&self, value: &Value, path: &str, pii: &[String]) -> Value {
        if !path.is_empty() && pii.iter().any(|p| p == path) {
            return Value::String(REDACTED.to_owned());
        }
        match value {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(a) => Value::Array(a.iter().map(|v| self.value(v, path, pii)).collect()),
            Value::Object(m) => {
                // Inserted one by one: collecting into a map compiles a sort for each call site.
                let mut out = serde_json::Map::new();
                for (k, v) in m {
                    let child = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    out.insert(k.clone(), self.value(v, &child, pii));
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }
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
    fn declared_pii_fields_are_replaced_whole() {
        let ctx = json!({"user": {"name": "Li Lei", "phone": "x"}, "entities": {"order": {"id": "123"}}});
        let pii = vec!["user.name".to_owned()];
        let out = Redactor::new().value(&ctx, "", &pii);
        assert_eq!(out["user"]["name"], REDACTED);
        assert_eq!(out["entities"]["order"]["id"], "123");
    }
}
