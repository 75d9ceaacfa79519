//! Content format v1: the JSON that content teams author.
//!
//! These types are the single source of truth for the format: the JSON Schema
//! (`schema/inscene-content.v1.schema.json`) is generated from them and the linter
//! walks them. They describe *raw* content: ids are plain strings here and every
//! reference is checked by [`crate::lint`](mod@crate::lint) before [`crate::catalog`] compiles the
//! content into a catalog with no dangling references.
//!
//! Unknown fields are tolerated (forward compatibility) and reported as warnings.

mod flow;
mod localized;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use flow::{Branch, ChoiceOption, Flow, FlowMode, Step, StepKind};
pub use localized::LocalizedText;

/// Major version of the content format this crate reads.
pub const SCHEMA_MAJOR: u64 = 1;

/// A JsonLogic rule (<https://jsonlogic.com>) evaluated against the context.
pub type Rule = Value;

/// A whole content catalog: the root of a content file.
// `F` is how flows are held: parsed (`Flow`, the default, for authoring and
// linting) or kept as raw JSON until first use when the SDK loads a catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "inscene content catalog v1"))]
#[serde(bound(deserialize = "F: Deserialize<'de>", serialize = "F: Serialize"))]
pub struct CatalogDoc<F = Flow> {
    /// Version of this content format, `"1.<minor>"`. A different major version is rejected.
    pub schema_version: String,
    /// Identity and version of this catalog, carried into handoff packets.
    pub catalog: CatalogMeta,
    /// Locales the content is written in and how missing text falls back.
    pub locales: Locales,
    /// Context fields the content may reference (placeholders, PII redaction).
    #[serde(default)]
    pub context: ContextSchema,
    /// In-app actions the host app supports; action steps may only name these.
    #[serde(default)]
    pub actions: Vec<ActionDef>,
    /// When a human must be offered or forced, catalog-wide; flows may override parts.
    #[serde(default)]
    pub escalation_policy: EscalationPolicy,
    /// Crisis screening applied to every free text the user types.
    #[serde(default)]
    pub crisis: Option<CrisisScreening>,
    /// Context conditions that raise the priority of any escalation (e.g. check-in today).
    #[serde(default)]
    pub urgency: Vec<UrgencyRule>,
    /// How typed questions are matched to scenarios by their examples.
    #[serde(default)]
    pub text_matching: TextMatching,
    /// Problems the SDK can detect from context, each starting a flow.
    #[serde(default)]
    pub scenarios: Vec<Scenario>,
    /// Proactive interventions raised by host events (e.g. a risky payment).
    #[serde(default)]
    pub interventions: Vec<Intervention>,
    /// Solution flows: small graphs of steps.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(extend("default" = [])))]
    pub flows: Vec<F>,
}

/// Identity and version of a catalog.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CatalogMeta {
    /// Stable id of the catalog, e.g. `"shop-help"`.
    pub id: String,
    /// Content version, free form (e.g. `"2026.11.3"`), reported in handoff packets and events.
    pub version: String,
    /// Human description for content authors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The locales of a catalog.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Locales {
    /// Locale used when nothing better is available; every text must have it.
    pub default: String,
    /// Every locale the content is translated into (the default included).
    pub supported: Vec<String>,
    /// Per locale, the locales tried next when a text lacks it (the default is always tried last).
    #[serde(default)]
    pub fallbacks: BTreeMap<String, Vec<String>>,
}

/// Declared context fields, so content can be checked against what hosts send.
#[derive(Debug, Clone, Default, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContextSchema {
    /// Declared fields by dotted path (`entities.order.id`).
    #[serde(default)]
    pub fields: Vec<ContextField>,
}

/// One declared context field.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContextField {
    /// Dotted path into the context, e.g. `entities.order.status`.
    pub path: String,
    /// Value type the host sends.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// What the field means, for content authors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Personal data: redacted from handoff packets and never logged.
    #[serde(default)]
    pub pii: bool,
}

/// Type of a context field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, crate::wire::WireNames)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Text.
    String,
    /// Any number.
    Number,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A calendar date `YYYY-MM-DD`.
    Date,
    /// Seconds since the Unix epoch.
    Timestamp,
    /// A list of values.
    List,
    /// An object whose sub-fields need not be declared one by one.
    Object,
}

/// An in-app action the host app can perform when a flow asks for it.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActionDef {
    /// Action id, e.g. `open_deleted_orders`.
    pub id: String,
    /// What the action does, for content authors and host developers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Parameters the host expects.
    #[serde(default)]
    pub params: Vec<ActionParam>,
}

/// A parameter of an action.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActionParam {
    /// Parameter name.
    pub name: String,
    /// Whether every action step must supply it.
    #[serde(default)]
    pub required: bool,
    /// What the parameter means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Ways to reach a human.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, crate::wire::WireNames)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Live text chat.
    Chat,
    /// Live voice call.
    Voice,
    /// Live video call (e.g. sign language, elderly users).
    Video,
    /// An agent calls the user back.
    Callback,
    /// An asynchronous ticket.
    Ticket,
}

/// Priority of an escalation, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, crate::wire::WireNames)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Can wait.
    Low,
    /// Ordinary.
    #[default]
    Normal,
    /// Ahead of ordinary contacts.
    High,
    /// Top priority: crisis, fraud in progress, stranded travellers.
    Urgent,
}

/// Risk level of a scenario or intervention, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, crate::wire::WireNames)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// No particular risk.
    #[default]
    None,
    /// Low risk.
    Low,
    /// Medium risk.
    Medium,
    /// High risk: a human is offered by default.
    High,
    /// Critical risk: escalation is forced by default.
    Critical,
}

/// How a rule brings a human in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, crate::wire::WireNames)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HumanMode {
    /// Show the "talk to a human" choice prominently.
    Offer,
    /// Skip self-service and hand over to a human at once.
    Immediate,
}

/// When a human must be offered or forced. Every field is optional so that a
/// flow can override just what it needs; the catalog-wide policy fills the rest,
/// and built-in defaults fill what neither sets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EscalationPolicy {
    /// Keep "talk to a human" visible on every step (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub always_offer_human: Option<bool>,
    /// Offer a human after this many "this didn't help" answers (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_after_unhelpful: Option<u32>,
    /// Escalate without asking after this many "this didn't help" answers (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_after_unhelpful: Option<u32>,
    /// Offer a human when the user reaches the same step this many times (default 2: the first revisit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_on_visit: Option<u32>,
    /// Offer a human when the scenario's risk is at least this level (default `high`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_at_risk: Option<RiskLevel>,
    /// Escalate at once when the scenario's risk is at least this level (default: never; risk alone only offers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_at_risk: Option<RiskLevel>,
    /// Preferred channels, best first (default `chat`, then `ticket`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<Channel>>,
    /// Agent queue escalations go to unless a step says otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Rules for user segments (elderly, VIP tiers, ...). A flow's list replaces the catalog's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segments: Option<Vec<SegmentRule>>,
    /// When people answer, per agent queue (`"*"`: every queue without its
    /// own). Outside them live channels (chat, voice, video) count as
    /// closed unless the host's `desk` says otherwise, and an escalation
    /// offers a call back or a ticket and says when the desk opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<std::collections::BTreeMap<String, BusinessHours>>,
    /// The language agents read: the handoff packet's summary and agent
    /// guidance are in it (default: the catalog's default locale). A locale
    /// of `locales.supported`; the summary's own words exist in `en`,
    /// `zh-Hans` and `zh-Hant` (others get English words around the
    /// content's own texts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_language: Option<String>,
}

/// A queue's opening hours.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BusinessHours {
    /// The desk's offset from UTC, in minutes (480 for China Standard Time).
    #[serde(default)]
    pub utc_offset_minutes: i32,
    /// When it is open, in the desk's local time.
    pub open: Vec<OpenWindow>,
}

/// One opening window, the same on each of its days.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OpenWindow {
    /// Days: `mon`, `tue`, `wed`, `thu`, `fri`, `sat`, `sun`.
    pub days: Vec<String>,
    /// Opening time, `HH:MM` (24-hour clock).
    pub from: String,
    /// Closing time, `HH:MM`, after `from` (`24:00` for midnight).
    pub to: String,
}

impl OpenWindow {
    /// Minutes after midnight of `from` and `to`, when both are well formed
    /// and `from` comes first.
    pub fn minutes(&self) -> Option<(u32, u32)> {
        let parse = |t: &str| -> Option<u32> {
            let (h, m) = t.split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
        };
        let (a, b) = (parse(&self.from)?, parse(&self.to)?);
        (a < b).then_some((a, b))
    }

    /// The window's days as numbers, Monday 0; `None` when one is not a day.
    pub fn day_numbers(&self) -> Option<Vec<u32>> {
        const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        self.days.iter().map(|d| DAYS.iter().position(|x| x == d).map(|i| i as u32)).collect()
    }
}

/// Escalation rule for users in one segment.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SegmentRule {
    /// Segment name as the host sends it in `user.segments`, e.g. `elderly`, `vip_gold`.
    pub segment: String,
    /// A JsonLogic condition over the context under which the rule applies too,
    /// whatever `user.segments` says, e.g. `{">=": [{"var": "user.age"}, 65]}` for
    /// "65 or older counts as elderly". The rule applies when the user is in the
    /// segment or the condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Value>,
    /// Offer a human from the first step, or hand over at once.
    pub mode: HumanMode,
    /// Channel preference for this segment, best first (e.g. `voice`, `video`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<Channel>>,
    /// Minimum priority for this segment's escalations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Ask the agent team for a follow-up call after the contact.
    #[serde(default)]
    pub follow_up: bool,
}

/// Crisis screening: phrases that, found in anything the user types, bypass
/// every flow and escalate at top priority with crisis resources shown. The
/// built-in lexicon screens every catalog; this section adds the catalog's own
/// phrases, exclusions, resources and routing.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CrisisScreening {
    /// Literal phrases per locale, matched case-insensitively.
    #[serde(default)]
    pub keywords: BTreeMap<String, Vec<String>>,
    /// Regular expressions per locale.
    #[serde(default)]
    pub patterns: BTreeMap<String, Vec<String>>,
    /// Regular expressions per locale for benign look-alikes ("this game is killing me")
    /// that must not count as a hit.
    #[serde(default)]
    pub exclude: BTreeMap<String, Vec<String>>,
    /// Crisis resources shown to the user (hotlines, what to do now).
    pub resources: LocalizedText,
    /// Channel for crisis escalations, best first (default `voice`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<Channel>>,
    /// Agent queue for crisis escalations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Screen with the built-in crisis lexicon as well as these phrases
    /// (default `true`). Turning it off leaves screening to this section alone.
    #[serde(default = "yes")]
    pub builtin: bool,
}

fn yes() -> bool {
    true
}

/// How a typed question is matched to scenarios by their `examples`, titles,
/// summaries and keywords (see `docs/INTENTS.md`).
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TextMatching {
    /// Confidence, 0 to 1, a scenario needs to count as what the question is
    /// about. Below it no scenario is a text match: the question is out of
    /// scope and the resolution says so. The default was chosen on held-out
    /// data (docs/QUALITY.md); a catalog with few scenarios may want more.
    #[serde(default = "default_text_threshold")]
    pub threshold: f64,
    /// Score a confident match adds to its scenario, times the confidence
    /// (default 2: a text match outweighs one screen or event signal).
    #[serde(default = "default_text_weight")]
    pub weight: f64,
}

impl Default for TextMatching {
    fn default() -> Self {
        TextMatching { threshold: default_text_threshold(), weight: default_text_weight() }
    }
}

/// Confidence a text match needs unless the catalog sets its own, chosen on
/// the CLINC150 validation splits (`val` with `oos_val`) by maximising
/// accuracy over both, as Larson et al. (2019) do (see [`crate::intent`]).
pub const DEFAULT_TEXT_THRESHOLD: f64 = 0.29;

fn default_text_threshold() -> f64 {
    DEFAULT_TEXT_THRESHOLD
}

fn default_text_weight() -> f64 {
    2.0
}

/// A context condition that raises escalation priority.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UrgencyRule {
    /// Rule id, reported as the reason for the raised priority.
    pub id: String,
    /// JsonLogic condition over the context.
    pub when: Rule,
    /// Priority at least this high when the condition holds.
    pub priority: Priority,
}

/// A problem the SDK can recognise from context.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Scenario {
    /// Scenario id, e.g. `order_missing`.
    pub id: String,
    /// Title shown in suggestions.
    pub title: LocalizedText,
    /// One-line summary shown under the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<LocalizedText>,
    /// Business line or product tag, e.g. `orders`, `payments`, `travel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Signals that detect the scenario; any one firing makes it a candidate.
    pub triggers: Vec<Trigger>,
    /// Base rank, 0 to 100 (default 50).
    #[serde(default = "default_priority")]
    pub priority: u32,
    /// JsonLogic condition the context must meet for the scenario to be suggested at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Rule>,
    /// Risk level, used by the escalation policy.
    #[serde(default)]
    pub risk: RiskLevel,
    /// The flow this scenario starts.
    pub flow: String,
    /// Sample questions per locale, written the way users type them ("where
    /// is my parcel", "我的订单怎么没了"): a typed question is matched against
    /// these, and with less weight the title, summary and keywords.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub examples: BTreeMap<String, Vec<String>>,
}

fn default_priority() -> u32 {
    50
}

/// One signal that makes a scenario a candidate.
// Deserialize is written by hand (below): serde's derive for internally tagged
// enums buffers each object before reading it, which dominated loading large
// catalogs. Serialize and the JSON Schema stay derived, so the format is one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Trigger {
    /// The current screen or route matches a pattern: `*` matches one path
    /// segment, `**` any number (`orders/**`, `checkout/*/payment`).
    Screen {
        /// Screen or route patterns.
        patterns: Vec<String>,
        /// Contribution to the score (default 1).
        #[serde(default = "default_weight")]
        weight: f64,
    },
    /// A recent event with one of these names (and, if given, one of these error codes).
    Event {
        /// Event names, e.g. `login_failed`.
        names: Vec<String>,
        /// Error codes matched against the event's `data.code`, compared as text.
        #[serde(default)]
        codes: Vec<String>,
        /// Only events at most this many seconds old count.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within_seconds: Option<u64>,
        /// Contribution to the score (default 1).
        #[serde(default = "default_weight")]
        weight: f64,
    },
    /// A JsonLogic condition over the context.
    Condition {
        /// The rule; truthy means the trigger fires.
        rule: Rule,
        /// Contribution to the score (default 1).
        #[serde(default = "default_weight")]
        weight: f64,
    },
    /// The user's free-text question matches keywords or patterns, per locale.
    Text {
        /// Literal phrases per locale, matched case-insensitively; no word segmentation is assumed.
        #[serde(default)]
        keywords: BTreeMap<String, Vec<String>>,
        /// Regular expressions per locale.
        #[serde(default)]
        patterns: BTreeMap<String, Vec<String>>,
        /// Contribution to the score (default 1).
        #[serde(default = "default_weight")]
        weight: f64,
    },
}

fn default_weight() -> f64 {
    1.0
}

/// `patterns` is a list for screen triggers and a per-locale map for text triggers.
enum PatternsField {
    List(Vec<String>),
    ByLocale(BTreeMap<String, Vec<String>>),
}

impl<'de> Deserialize<'de> for PatternsField {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = PatternsField;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of patterns, or patterns per locale")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Deserialize::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(PatternsField::List)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(PatternsField::ByLocale)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Trigger {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, IgnoredAny, MapAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Trigger;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a trigger object with a `type`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Trigger, A::Error> {
                let mut kind: Option<crate::wire::Key<'de>> = None;
                let mut patterns: Option<PatternsField> = None;
                let mut weight: Option<f64> = None;
                let mut names: Option<Vec<String>> = None;
                let mut codes: Option<Vec<String>> = None;
                let mut within_seconds: Option<Option<u64>> = None;
                let mut rule: Option<Value> = None;
                let mut keywords: Option<BTreeMap<String, Vec<String>>> = None;
                while let Some(crate::wire::Key(key)) = map.next_key()? {
                    match key.as_ref() {
                        "type" => kind = Some(map.next_value()?),
                        "patterns" => patterns = Some(map.next_value()?),
                        "weight" => weight = Some(map.next_value()?),
                        "names" => names = Some(map.next_value()?),
                        "codes" => codes = Some(map.next_value()?),
                        "within_seconds" => within_seconds = Some(map.next_value()?),
                        "rule" => rule = Some(map.next_value()?),
                        "keywords" => keywords = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let weight = weight.unwrap_or_else(default_weight);
                let kind = kind.ok_or_else(|| A::Error::missing_field("type"))?.0;
                match kind.as_ref() {
                    "screen" => match patterns {
                        Some(PatternsField::List(patterns)) => Ok(Trigger::Screen { patterns, weight }),
                        Some(PatternsField::ByLocale(_)) => {
                            Err(A::Error::custom("`patterns` of a screen trigger is a list"))
                        }
                        None => Err(A::Error::missing_field("patterns")),
                    },
                    "event" => Ok(Trigger::Event {
                        names: names.ok_or_else(|| A::Error::missing_field("names"))?,
                        codes: codes.unwrap_or_default(),
                        within_seconds: within_seconds.flatten(),
                        weight,
                    }),
                    "condition" => {
                        Ok(Trigger::Condition { rule: rule.ok_or_else(|| A::Error::missing_field("rule"))?, weight })
                    }
                    "text" => Ok(Trigger::Text {
                        keywords: keywords.unwrap_or_default(),
                        patterns: match patterns {
                            Some(PatternsField::ByLocale(p)) => p,
                            Some(PatternsField::List(_)) => {
                                return Err(A::Error::custom(
                                    "`patterns` of a text trigger is a map from locale to patterns",
                                ));
                            }
                            None => BTreeMap::new(),
                        },
                        weight,
                    }),
                    other => Err(A::Error::unknown_variant(other, &["screen", "event", "condition", "text"])),
                }
            }
        }
        d.deserialize_map(V)
    }
}

impl Trigger {
    /// The trigger's contribution to a scenario's score.
    pub fn weight(&self) -> f64 {
        match self {
            Trigger::Screen { weight, .. }
            | Trigger::Event { weight, .. }
            | Trigger::Condition { weight, .. }
            | Trigger::Text { weight, .. } => *weight,
        }
    }
}

/// A proactive intervention: raised by a host event when its condition holds,
/// it interrupts whatever the user is doing.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Intervention {
    /// Intervention id, e.g. `payment_fraud_warning`.
    pub id: String,
    /// Host event names that can raise it, e.g. `payment_initiated`.
    pub events: Vec<String>,
    /// JsonLogic condition over the context and the event (`event.*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Rule>,
    /// Risk level.
    #[serde(default)]
    pub risk: RiskLevel,
    /// Warning shown at once.
    pub message: LocalizedText,
    /// Education content: how the scam or problem works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<LocalizedText>,
    /// Action the host performs immediately (e.g. `hold_payment`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_action: Option<ActionCall>,
    /// Human contact offered right now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human: Option<HumanOffer>,
    /// Flow the user can continue with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<String>,
}

/// A call of a declared action with its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActionCall {
    /// Declared action id.
    pub action: String,
    /// Parameter values; strings may hold placeholders.
    #[serde(default)]
    pub params: BTreeMap<String, Value>,
}

/// A human contact offered by an intervention.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HumanOffer {
    /// Channels, best first.
    pub channels: Vec<Channel>,
    /// Agent queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Priority of the contact.
    #[serde(default)]
    pub priority: Priority,
    /// Stable reason code for routing and reporting.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: failing loudly is the point
    use super::*;
    use serde_json::json;

    /// Every step kind with every field set: what the derived Serialize writes,
    /// the hand-written Deserialize reads back unchanged.
    #[test]
    fn hand_written_step_reader_agrees_with_the_derived_writer() {
        let t = |s: &str| LocalizedText::from([("en", s)]);
        let kinds = vec![
            StepKind::Message { text: t("m"), next: Some("n".into()) },
            StepKind::Message { text: t("m"), next: None },
            StepKind::Choice {
                text: t("c"),
                options: vec![ChoiceOption { id: "o".into(), label: t("l"), next: "n".into() }],
            },
            StepKind::Check {
                branches: vec![Branch { when: json!({"var": "a"}), next: "n".into() }],
                otherwise: "o".into(),
            },
            StepKind::Action {
                text: Some(t("a")),
                action: "act".into(),
                params: BTreeMap::from([("k".to_owned(), json!(1))]),
                save_as: Some("s".into()),
                on_success: "y".into(),
                on_failure: "n".into(),
                on_cancelled: Some("c".into()),
            },
            StepKind::Input {
                text: t("i"),
                save_as: "s".into(),
                pattern: Some("^x$".into()),
                max_length: Some(9),
                error: Some(t("e")),
                next: "n".into(),
            },
            StepKind::Resolution { text: t("r"), feedback: false },
            StepKind::Escalation {
                text: t("e"),
                channels: Some(vec![Channel::Voice]),
                queue: Some("q".into()),
                priority: Priority::Urgent,
                reason: "why".into(),
                agent_guidance: Some(t("g")),
            },
            StepKind::Flow { flow: "f".into(), mode: FlowMode::Call, next: Some("n".into()) },
        ];
        for kind in kinds {
            let step = Step { id: "s1".into(), kind };
            let text = serde_json::to_string(&step).unwrap();
            assert_eq!(serde_json::from_str::<Step>(&text).unwrap(), step, "{text}");
        }
    }

    #[test]
    fn step_reader_applies_defaults_and_names_what_is_wrong() {
        let step: Step = serde_json::from_str(r#"{"id": "r", "type": "resolution", "text": {"en": "ok"}}"#).unwrap();
        assert_eq!(step.kind, StepKind::Resolution { text: LocalizedText::from([("en", "ok")]), feedback: true });
        let missing = serde_json::from_str::<Step>(r#"{"id": "c", "type": "check", "branches": []}"#).unwrap_err();
        assert!(missing.to_string().contains("missing field `otherwise`"), "{missing}");
        let unknown = serde_json::from_str::<Step>(r#"{"id": "x", "type": "teleport"}"#).unwrap_err();
        assert!(unknown.to_string().contains("unknown variant `teleport`"), "{unknown}");
        let wrong = serde_json::from_str::<Step>(r#"{"id": "i", "type": "input", "max_length": "ten"}"#).unwrap_err();
        assert!(wrong.to_string().contains("invalid type"), "{wrong}");
    }
}
