//! The handoff packet: everything an agent needs so the user repeats nothing.
//!
//! Versioned (`schema: "inscene.handoff.v1"`); its JSON Schema is generated
//! into `schema/inscene-handoff.v1.schema.json`. Personal data is redacted:
//! context fields the catalog declares as `pii` (their values wherever they
//! appear again too), and anything that looks like a phone number, payment card,
//! ID, social security or passport number, IBAN or email address in free text,
//! answers and action parameters; see [`crate::redact`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::content::{Channel, Priority, RiskLevel};

/// Identifier of this packet format.
pub const HANDOFF_SCHEMA: &str = "inscene.handoff.v1";

pub use crate::redact::{REDACTED, Redactor, pii_values};

/// A handoff packet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "inscene handoff packet v1"))]
pub struct HandoffPacket {
    /// Always `inscene.handoff.v1`.
    pub schema: String,
    /// What an agent reads first, in `agent_language`: why a person is
    /// needed, the problem, what the user went through, which actions
    /// failed, what they wrote (redacted), their answers. A few lines of
    /// plain text.
    #[serde(default)]
    pub summary: String,
    /// The language of `summary` and `agent_guidance` (content's
    /// `escalation_policy.agent_language`, or the catalog's default locale).
    #[serde(default)]
    pub agent_language: String,
    /// What the agent should do, from the escalation step's content, in
    /// `agent_language`; never shown to the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_guidance: Option<String>,
    /// Never set on the device: for the host's backend, which may sign the
    /// packet it relays (for example Ed25519 or an HMAC over the packet's
    /// JSON without this field) so that its desk can tell a packet it
    /// vouches for from one a device made up. Priority, risk and urgency are
    /// hints computed on the device; see docs/DESKS.md, Trust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
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
    /// Why the session was handed over; the escalation step's own reason code is in `reason_detail`.
    pub reason: crate::events::EscalationReason,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PathEntry {
    /// Flow id.
    pub flow: String,
    /// Step id.
    pub step: String,
}

/// An action performed by the host.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActionRecord {
    /// Action id.
    pub action: String,
    /// Parameters it was asked with.
    pub params: Map<String, Value>,
    /// `success`, `failure` or `cancelled` as the host reported it, or
    /// `blocked`: the host does not perform this action, so it was never asked.
    pub result: String,
    /// When the result was reported.
    pub at: i64,
}

/// Who said a transcript line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, crate::wire::WireNames)]
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

/// One line of the transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TranscriptLine {
    /// Who.
    pub speaker: Speaker,
    /// What, as plain text.
    pub text: String,
}

/// The languages the summary has its own words in; the others get English
/// words around the content's own texts.
pub const SUMMARY_LANGUAGES: [&str; 3] = ["en", "zh-Hans", "zh-Hant"];

/// The summary's words in one language.
struct Words {
    needs: &'static str,
    reasons: [(&'static str, &'static str); 10],
    step_reason: &'static str,
    problem: &'static str,
    warning: &'static str,
    priority: &'static str,
    risk: &'static str,
    serve_in: &'static str,
    follow_up: &'static str,
    urgent: &'static str,
    went_through: &'static str,
    actions: &'static str,
    outcomes: [(&'static str, &'static str); 4],
    priorities: [(&'static str, &'static str); 4],
    risks: [(&'static str, &'static str); 5],
    unhelpful: &'static str,
    wrote: &'static str,
    answers: &'static str,
    /// Between list items, after a label, at a sentence's end, around a quote.
    comma: &'static str,
    colon: &'static str,
    stop: &'static str,
    quote: (&'static str, &'static str),
}

const EN: Words = Words {
    needs: "Needs a person",
    reasons: [
        ("content", "the help content hands this problem to a person"),
        ("user_request", "the user asked for a person"),
        ("unhelpful", "the user said the help did not help"),
        ("segment", "the user's segment is served by people"),
        ("risk", "risk signals"),
        ("crisis", "crisis language was detected: treat as urgent"),
        ("content_loop", "the help content ran in a loop"),
        ("content_changed", "the help content changed during the session"),
        ("content_invalid", "the help content was broken"),
        ("resolution_unhelpful", "the offered solution did not help"),
    ],
    step_reason: "the step's reason",
    problem: "Problem",
    warning: "warning",
    priority: "priority",
    risk: "risk",
    serve_in: "serve in",
    follow_up: "follow up afterwards",
    urgent: "Urgent because",
    went_through: "Went through",
    actions: "Actions",
    outcomes: [
        ("success", "succeeded"),
        ("failure", "failed"),
        ("cancelled", "was cancelled"),
        ("blocked", "is not available in this app"),
    ],
    priorities: [("low", "low"), ("normal", "normal"), ("high", "high"), ("urgent", "urgent")],
    risks: [("none", "none"), ("low", "low"), ("medium", "medium"), ("high", "high"), ("critical", "critical")],
    unhelpful: "Times the user said \"this didn't help\"",
    wrote: "The user wrote",
    answers: "Answers",
    comma: ", ",
    colon: ": ",
    stop: ".",
    quote: ("\"", "\""),
};

const ZH_HANS: Words = Words {
    needs: "需要人工",
    reasons: [
        ("content", "帮助内容将此问题转交人工"),
        ("user_request", "用户要求人工服务"),
        ("unhelpful", "用户表示帮助没有用"),
        ("segment", "该用户群体由人工服务"),
        ("risk", "存在风险信号"),
        ("crisis", "检测到危机用语：请按紧急处理"),
        ("content_loop", "帮助内容陷入循环"),
        ("content_changed", "会话期间帮助内容发生了变化"),
        ("content_invalid", "帮助内容有误"),
        ("resolution_unhelpful", "提供的解决办法没有用"),
    ],
    step_reason: "步骤原因",
    problem: "问题",
    warning: "警示",
    priority: "优先级",
    risk: "风险",
    serve_in: "服务语言",
    follow_up: "事后需要回访",
    urgent: "紧急原因",
    went_through: "已走过的步骤",
    actions: "操作",
    outcomes: [("success", "成功"), ("failure", "失败"), ("cancelled", "已取消"), ("blocked", "此应用不支持")],
    priorities: [("low", "低"), ("normal", "普通"), ("high", "高"), ("urgent", "紧急")],
    risks: [("none", "无"), ("low", "低"), ("medium", "中"), ("high", "高"), ("critical", "极高")],
    unhelpful: "用户表示“没有帮助”的次数",
    wrote: "用户写道",
    answers: "回答",
    comma: "，",
    colon: "：",
    stop: "。",
    quote: ("“", "”"),
};

const ZH_HANT: Words = Words {
    needs: "需要人工",
    reasons: [
        ("content", "幫助內容將此問題轉交人工"),
        ("user_request", "使用者要求人工服務"),
        ("unhelpful", "使用者表示幫助沒有用"),
        ("segment", "該使用者群體由人工服務"),
        ("risk", "存在風險訊號"),
        ("crisis", "偵測到危機用語：請按緊急處理"),
        ("content_loop", "幫助內容陷入循環"),
        ("content_changed", "會話期間幫助內容發生了變化"),
        ("content_invalid", "幫助內容有誤"),
        ("resolution_unhelpful", "提供的解決辦法沒有用"),
    ],
    step_reason: "步驟原因",
    problem: "問題",
    warning: "警示",
    priority: "優先級",
    risk: "風險",
    serve_in: "服務語言",
    follow_up: "事後需要回訪",
    urgent: "緊急原因",
    went_through: "已走過的步驟",
    actions: "操作",
    outcomes: [("success", "成功"), ("failure", "失敗"), ("cancelled", "已取消"), ("blocked", "此應用程式不支援")],
    priorities: [("low", "低"), ("normal", "普通"), ("high", "高"), ("urgent", "緊急")],
    risks: [("none", "無"), ("low", "低"), ("medium", "中"), ("high", "高"), ("critical", "極高")],
    unhelpful: "使用者表示「沒有幫助」的次數",
    wrote: "使用者寫道",
    answers: "回答",
    comma: "，",
    colon: "：",
    stop: "。",
    quote: ("「", "」"),
};

/// The summary language for an agent's locale fallback chain: the first
/// locale in it whose words the summary has (`zh-TW`, `zh-HK` and `zh-MO`
/// read Traditional, other `zh` Simplified), otherwise `en`.
pub fn summary_language(chain: &[String]) -> &'static str {
    for l in chain {
        let lower = l.to_ascii_lowercase();
        let mut parts = lower.split(['-', '_']);
        match parts.next() {
            Some("en") => return "en",
            Some("zh") => {
                let rest: Vec<&str> = parts.collect();
                let hant = rest.iter().any(|p| matches!(*p, "hant" | "tw" | "hk" | "mo"));
                return if hant { "zh-Hant" } else { "zh-Hans" };
            }
            _ => {}
        }
    }
    "en"
}

fn words(language: &str) -> &'static Words {
    match language {
        "zh-Hans" => &ZH_HANS,
        "zh-Hant" => &ZH_HANT,
        _ => &EN,
    }
}

/// What an agent reads first: why a person is needed, the problem (its
/// title in the agent's language when given), what was tried and what
/// failed, what the user wrote and answered, in `language` (one of
/// [`SUMMARY_LANGUAGES`]; others read English). Built from the packet's
/// own, already redacted, values.
pub fn summary(packet: &HandoffPacket, language: &str, problem_title: Option<&str>) -> String {
    let w = words(language);
    let (open, close) = w.quote;
    let reason = lookup(&w.reasons, packet.reason.wire_name()).map(str::to_owned);
    let reason = reason.unwrap_or_else(|| format!("{}{}{}", w.step_reason, w.colon, packet.reason.wire_name()));
    let detail = packet.reason_detail.as_ref().map(|d| format!("{}{d}", w.colon)).unwrap_or_default();
    let mut lines = vec![format!("{}{}{reason} ({}{detail}){}", w.needs, w.colon, packet.reason.wire_name(), w.stop)];
    let mut facts: Vec<String> = Vec::new();
    match (problem_title, &packet.scenario) {
        (Some(title), Some(id)) => facts.push(format!("{}{}{title} ({id})", w.problem, w.colon)),
        (None, Some(id)) => facts.push(format!("{}{}{id}", w.problem, w.colon)),
        _ => {}
    }
    if let Some(i) = &packet.intervention {
        facts.push(format!("{}{}{i}", w.warning, w.colon));
    }
    let (priority, risk) = (packet.priority.wire_name(), packet.risk.wire_name());
    facts.push(format!("{}{}{}", w.priority, w.colon, lookup(&w.priorities, priority).unwrap_or(priority)));
    facts.push(format!("{}{}{}", w.risk, w.colon, lookup(&w.risks, risk).unwrap_or(risk)));
    facts.push(format!("{}{}{}", w.serve_in, w.colon, packet.language));
    if packet.follow_up {
        facts.push(w.follow_up.to_owned());
    }
    lines.push(format!("{}{}", facts.join(w.comma), w.stop));
    if !packet.urgency.is_empty() {
        lines.push(format!("{}{}{}{}", w.urgent, w.colon, packet.urgency.join(w.comma), w.stop));
    }
    if !packet.path.is_empty() {
        let steps: Vec<&str> = packet.path.iter().map(|p| p.step.as_str()).collect();
        lines.push(format!("{}{}{}{}", w.went_through, w.colon, steps.join(" > "), w.stop));
    }
    if !packet.actions.is_empty() {
        let acts: Vec<String> = packet
            .actions
            .iter()
            .map(|a| {
                let outcome = lookup(&w.outcomes, &a.result).unwrap_or(a.result.as_str());
                let gap = if language.starts_with("zh") { "" } else { " " };
                format!("{}{gap}{outcome}", a.action)
            })
            .collect();
        lines.push(format!("{}{}{}{}", w.actions, w.colon, acts.join("; "), w.stop));
    }
    if packet.unhelpful_count > 0 {
        lines.push(format!("{}{}{}{}", w.unhelpful, w.colon, packet.unhelpful_count, w.stop));
    }
    let said: Vec<String> = packet
        .transcript
        .iter()
        .filter(|l| l.speaker == Speaker::User)
        .take(3)
        .map(|l| format!("{open}{}{close}", l.text))
        .collect();
    if !said.is_empty() {
        lines.push(format!("{}{}{}{}", w.wrote, w.colon, said.join(w.comma), w.stop));
    }
    if !packet.answers.is_empty() {
        let answers: Vec<String> = packet
            .answers
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k} = {s}"),
                other => format!("{k} = {other}"),
            })
            .collect();
        lines.push(format!("{}{}{}{}", w.answers, w.colon, answers.join("; "), w.stop));
    }
    lines.join("\n")
}

/// A code's words in a summary table.
fn lookup(table: &[(&'static str, &'static str)], code: &str) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
}
