//! Flows: the step graphs a session runs, as authored.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::*;

/// A solution flow: a small graph of steps.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Flow {
    /// Flow id.
    pub id: String,
    /// Title shown while the flow runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<LocalizedText>,
    /// Step the flow begins with (default: the first step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Overrides of the catalog-wide escalation policy for this flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation_policy: Option<EscalationPolicy>,
    /// The steps.
    pub steps: Vec<Step>,
}

/// One step ("slice") of a flow.
// Deserialize is written by hand (below), as for `Trigger`: serde's derive for a
// flattened, internally tagged enum buffers every step twice and was the largest
// single piece of serde code in the mobile and web libraries. Serialize and the
// JSON Schema stay derived, so the format is described once.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Step {
    /// Step id, unique within its flow.
    pub id: String,
    /// What the step does.
    #[serde(flatten)]
    pub kind: StepKind,
}

/// The kinds of step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StepKind {
    /// Show an instruction, then go on.
    Message {
        /// Text shown.
        text: LocalizedText,
        /// Next step.
        next: Option<String>,
    },
    /// Ask a question with options.
    Choice {
        /// The question.
        text: LocalizedText,
        /// The options, in display order.
        options: Vec<ChoiceOption>,
    },
    /// Branch automatically on conditions over context and answers; the user sees nothing.
    Check {
        /// Tried in order; the first whose condition holds is taken.
        branches: Vec<Branch>,
        /// Taken when no branch holds.
        otherwise: String,
    },
    /// Ask the host app to perform an in-app action and branch on its result.
    Action {
        /// Text shown while the host performs it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<LocalizedText>,
        /// Declared action id, e.g. `open_deleted_orders`.
        action: String,
        /// Parameter values; strings may hold placeholders.
        #[serde(default)]
        params: BTreeMap<String, Value>,
        /// Store the result's data under `answers.<name>`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        save_as: Option<String>,
        /// Next step when the host reports success.
        on_success: String,
        /// Next step when the host reports failure.
        on_failure: String,
        /// Next step when the user cancels (default: as on failure).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on_cancelled: Option<String>,
    },
    /// Collect a value from the user.
    Input {
        /// The prompt.
        text: LocalizedText,
        /// Store the value under `answers.<name>`.
        save_as: String,
        /// Regular expression the whole value must match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pattern: Option<String>,
        /// Longest accepted value, in characters (default 500).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
        /// Shown when the value does not match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<LocalizedText>,
        /// Next step.
        next: String,
    },
    /// The problem is solved; asks "did this help?" when `feedback` is set.
    Resolution {
        /// Closing text.
        text: LocalizedText,
        /// Ask whether this helped (default `true`).
        #[serde(default = "default_true")]
        feedback: bool,
    },
    /// Hand over to a human agent.
    Escalation {
        /// Text shown while handing over.
        text: LocalizedText,
        /// Channels, best first (default: from the escalation policy).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channels: Option<Vec<Channel>>,
        /// Agent queue (default: from the escalation policy).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        queue: Option<String>,
        /// Priority (default `normal`; urgency rules and segments may raise it).
        #[serde(default)]
        priority: Priority,
        /// Stable reason code for routing and reporting, e.g. `ban_appeal`.
        reason: String,
        /// What the agent who takes over should do, in the agent's language
        /// (the script a desk's fraud agents follow: learn the worry, close
        /// the distance, expose the trick). Carried into the handoff packet,
        /// never shown to the user.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent_guidance: Option<LocalizedText>,
    },
    /// Continue in another flow: `goto` leaves this flow, `call` comes back to `next`.
    Flow {
        /// The flow to run.
        flow: String,
        /// `goto` (default) or `call`.
        #[serde(default)]
        mode: FlowMode,
        /// Where to continue after a `call` returns; required for `call`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
}

fn default_true() -> bool {
    true
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, IgnoredAny, MapAccess, Visitor};
        const KINDS: &[&str] = &["message", "choice", "check", "action", "input", "resolution", "escalation", "flow"];
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Step;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a step object with an `id` and a `type`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Step, A::Error> {
                let mut id: Option<String> = None;
                let mut kind: Option<crate::wire::Key<'de>> = None;
                let (mut text, mut error): (Option<LocalizedText>, Option<LocalizedText>) = (None, None);
                let mut agent_guidance: Option<LocalizedText> = None;
                let mut options: Option<Vec<ChoiceOption>> = None;
                let mut branches: Option<Vec<Branch>> = None;
                let mut params: Option<BTreeMap<String, Value>> = None;
                let mut max_length: Option<u32> = None;
                let mut feedback: Option<bool> = None;
                let mut channels: Option<Vec<Channel>> = None;
                let mut priority: Option<Priority> = None;
                let mut mode: Option<FlowMode> = None;
                // Text fields, by name: next, otherwise, action, save_as, on_success,
                // on_failure, on_cancelled, pattern, queue, reason, flow.
                const TEXT: &[&str] = &[
                    "next",
                    "otherwise",
                    "action",
                    "save_as",
                    "on_success",
                    "on_failure",
                    "on_cancelled",
                    "pattern",
                    "queue",
                    "reason",
                    "flow",
                ];
                let mut texts: [Option<String>; 11] = Default::default();
                while let Some(crate::wire::Key(key)) = map.next_key()? {
                    match key.as_ref() {
                        "id" => id = Some(map.next_value()?),
                        "type" => kind = Some(map.next_value()?),
                        "text" => text = map.next_value()?,
                        "error" => error = map.next_value()?,
                        "agent_guidance" => agent_guidance = map.next_value()?,
                        "options" => options = Some(map.next_value()?),
                        "branches" => branches = Some(map.next_value()?),
                        "params" => params = map.next_value()?,
                        "max_length" => max_length = map.next_value()?,
                        "feedback" => feedback = Some(map.next_value()?),
                        "channels" => channels = map.next_value()?,
                        "priority" => priority = Some(map.next_value()?),
                        "mode" => mode = Some(map.next_value()?),
                        other => match TEXT.iter().position(|t| *t == other) {
                            Some(i) => texts[i] = map.next_value()?,
                            None => {
                                map.next_value::<IgnoredAny>()?;
                            }
                        },
                    }
                }
                let [
                    next,
                    otherwise,
                    action,
                    save_as,
                    on_success,
                    on_failure,
                    on_cancelled,
                    pattern,
                    queue,
                    reason,
                    flow,
                ] = texts;
                let need = |v: Option<String>, name: &'static str| v.ok_or_else(|| A::Error::missing_field(name));
                let need_text = |v: Option<LocalizedText>| v.ok_or_else(|| A::Error::missing_field("text"));
                let id = need(id, "id")?;
                let kind = kind.ok_or_else(|| A::Error::missing_field("type"))?.0;
                let kind = match kind.as_ref() {
                    "message" => StepKind::Message { text: need_text(text)?, next },
                    "choice" => StepKind::Choice {
                        text: need_text(text)?,
                        options: options.ok_or_else(|| A::Error::missing_field("options"))?,
                    },
                    "check" => StepKind::Check {
                        branches: branches.ok_or_else(|| A::Error::missing_field("branches"))?,
                        otherwise: need(otherwise, "otherwise")?,
                    },
                    "action" => StepKind::Action {
                        text,
                        action: need(action, "action")?,
                        params: params.unwrap_or_default(),
                        save_as,
                        on_success: need(on_success, "on_success")?,
                        on_failure: need(on_failure, "on_failure")?,
                        on_cancelled,
                    },
                    "input" => StepKind::Input {
                        text: need_text(text)?,
                        save_as: need(save_as, "save_as")?,
                        pattern,
                        max_length,
                        error,
                        next: need(next, "next")?,
                    },
                    "resolution" => {
                        StepKind::Resolution { text: need_text(text)?, feedback: feedback.unwrap_or_else(default_true) }
                    }
                    "escalation" => StepKind::Escalation {
                        text: need_text(text)?,
                        channels,
                        queue,
                        priority: priority.unwrap_or_default(),
                        reason: need(reason, "reason")?,
                        agent_guidance,
                    },
                    "flow" => StepKind::Flow { flow: need(flow, "flow")?, mode: mode.unwrap_or_default(), next },
                    other => return Err(A::Error::unknown_variant(other, KINDS)),
                };
                Ok(Step { id, kind })
            }
        }
        d.deserialize_map(V)
    }
}

/// How a flow step runs another flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, crate::wire::WireNames)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlowMode {
    /// Leave this flow for the other one.
    #[default]
    Goto,
    /// Run the other flow; when it resolves, come back to `next`.
    Call,
}

/// An option of a choice step.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChoiceOption {
    /// Option id, unique within the step; recorded as the answer.
    pub id: String,
    /// Label shown.
    pub label: LocalizedText,
    /// Next step when chosen.
    pub next: String,
}

/// A branch of a check step.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Branch {
    /// JsonLogic condition over the context and `answers`.
    pub when: Rule,
    /// Next step when it holds.
    pub next: String,
}
