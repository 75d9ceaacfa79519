//! What the host sends a session: its start and its inputs.

use super::*;

/// What the user or host does next.
// Deserialize is written by hand (below), as for `Step` and `Trigger`: serde's
// derive for an internally tagged enum buffers the input in its private Content
// type, and that machinery was 20 KiB of the mobile library for this one type.
// Serialize and the JSON Schema stay derived, so the format is described once.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "schema", schemars(rename = "SessionInput"))]
pub enum Input {
    /// Go on from a message.
    Next,
    /// Pick an option of a choice step.
    Choose {
        /// Option id.
        option: String,
    },
    /// Submit a value to an input step.
    Submit {
        /// The value.
        value: String,
    },
    /// Report the result of the action the step asked for.
    ActionResult {
        /// What happened.
        outcome: ActionOutcome,
        /// Result data, stored under the step's `save_as`.
        #[serde(default)]
        data: Option<Value>,
    },
    /// "This didn't help."
    NotHelpful,
    /// "Talk to a human."
    AskHuman,
    /// Go back to the previous step.
    Back,
    /// "Did this help?" after a resolution.
    Feedback {
        /// Whether it helped.
        helpful: bool,
    },
    /// The user left.
    Abandon,
    /// What the help desk says of the handoff (the host relays it): only
    /// after the session escalated.
    DeskStatus {
        /// The state.
        state: DeskState,
        /// Place in the queue, when queued.
        #[serde(default)]
        position: Option<u64>,
        /// Estimated wait in seconds, when queued.
        #[serde(default)]
        wait_seconds: Option<u64>,
        /// The desk's failure code, when failed: lowercase letters, digits,
        /// `_`, `-` and `.`, at most 64 (it reaches analytics; never words).
        #[serde(default)]
        reason: Option<String>,
    },
}

impl Input {
    /// Reads an input from its JSON (`{"type": "choose", "option": "yes"}`), as
    /// the platform packages and the golden vectors send it.
    ///
    /// ```
    /// let input = inscene::session::Input::from_json(r#"{"type": "next"}"#).unwrap();
    /// assert_eq!(input, inscene::session::Input::Next);
    /// let err = inscene::session::Input::from_json("{").unwrap_err();
    /// assert_eq!(err.code(), "session.invalid_input");
    /// ```
    pub fn from_json(text: &str) -> crate::error::Result<Input> {
        use crate::error::{Argument, Error};
        serde_json::from_str(text)
            .map_err(|e| Error::bad_argument(Argument::Input, format!("not a session input: {e}")))
    }
}

impl<'de> Deserialize<'de> for Input {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::{Error as _, IgnoredAny, MapAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Input;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an input object with a `type`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Input, A::Error> {
                let mut kind: Option<crate::wire::Key<'de>> = None;
                let mut option: Option<String> = None;
                let mut value: Option<String> = None;
                let mut outcome: Option<ActionOutcome> = None;
                let mut data: Option<Value> = None;
                let mut helpful: Option<bool> = None;
                let mut state: Option<DeskState> = None;
                let mut position: Option<u64> = None;
                let mut wait_seconds: Option<u64> = None;
                let mut reason: Option<String> = None;
                while let Some(crate::wire::Key(key)) = map.next_key()? {
                    match key.as_ref() {
                        "type" => kind = Some(map.next_value()?),
                        "option" => option = Some(map.next_value()?),
                        "value" => value = Some(map.next_value()?),
                        "outcome" => outcome = Some(map.next_value()?),
                        "data" => data = map.next_value()?,
                        "helpful" => helpful = Some(map.next_value()?),
                        "state" => state = Some(map.next_value()?),
                        "position" => position = map.next_value()?,
                        "wait_seconds" => wait_seconds = map.next_value()?,
                        "reason" => reason = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let kind = kind.ok_or_else(|| A::Error::missing_field("type"))?.0;
                Ok(match kind.as_ref() {
                    "next" => Input::Next,
                    "choose" => Input::Choose { option: option.ok_or_else(|| A::Error::missing_field("option"))? },
                    "submit" => Input::Submit { value: value.ok_or_else(|| A::Error::missing_field("value"))? },
                    "action_result" => Input::ActionResult {
                        outcome: outcome.ok_or_else(|| A::Error::missing_field("outcome"))?,
                        data,
                    },
                    "not_helpful" => Input::NotHelpful,
                    "ask_human" => Input::AskHuman,
                    "back" => Input::Back,
                    "feedback" => {
                        Input::Feedback { helpful: helpful.ok_or_else(|| A::Error::missing_field("helpful"))? }
                    }
                    "abandon" => Input::Abandon,
                    "desk_status" => Input::DeskStatus {
                        state: state.ok_or_else(|| A::Error::missing_field("state"))?,
                        position,
                        wait_seconds,
                        reason,
                    },
                    other => {
                        return Err(A::Error::unknown_variant(
                            other,
                            &[
                                "next",
                                "choose",
                                "submit",
                                "action_result",
                                "not_helpful",
                                "ask_human",
                                "back",
                                "feedback",
                                "abandon",
                                "desk_status",
                            ],
                        ));
                    }
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// How a session begins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StartRequest {
    /// Session id chosen by the host (the core makes no random ids).
    pub session: String,
    /// Scenario to start (from a suggestion).
    #[serde(default)]
    pub scenario: Option<String>,
    /// Or a flow to start directly.
    #[serde(default)]
    pub flow: Option<String>,
    /// The proactive intervention the user is acting on (from `on_event`). The
    /// session inherits its risk, so "talk to a person" is prominent and routed
    /// at the intervention's priority and queue; its flow starts unless
    /// `scenario` or `flow` names another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention: Option<String>,
    /// Connect a person at once: the user asked before any help was shown. With
    /// no scenario, flow or intervention the session has no flow at all, and the
    /// packet carries the context and the question; otherwise it hands over from
    /// the first step of what was named.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub human: bool,
}

impl StartRequest {
    /// Starts a scenario: the usual case, the user picked a suggestion.
    pub fn for_scenario(session: impl Into<String>, scenario: impl Into<String>) -> Self {
        StartRequest {
            session: session.into(),
            scenario: Some(scenario.into()),
            flow: None,
            intervention: None,
            human: false,
        }
    }

    /// Starts a flow directly, without a scenario.
    pub fn for_flow(session: impl Into<String>, flow: impl Into<String>) -> Self {
        StartRequest {
            session: session.into(),
            scenario: None,
            flow: Some(flow.into()),
            intervention: None,
            human: false,
        }
    }
}

/// A desk's failure code, checked: it reaches analytics, so it may hold no words.
pub(super) fn desk_code(code: &str) -> Result<String> {
    let ok = !code.is_empty()
        && code.len() <= 64
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b));
    if ok {
        Ok(code.to_owned())
    } else {
        Err(Error::InvalidInput {
            message: "a desk's failure reason is a code: lowercase letters, digits, _, - and ., at most 64".into(),
        })
    }
}

pub(super) fn input_name(input: &Input) -> &'static str {
    match input {
        Input::Next => "next",
        Input::Choose { .. } => "choose",
        Input::Submit { .. } => "submit",
        Input::ActionResult { .. } => "action_result",
        Input::NotHelpful => "not_helpful",
        Input::AskHuman => "ask_human",
        Input::Back => "back",
        Input::Feedback { .. } => "feedback",
        Input::Abandon => "abandon",
        Input::DeskStatus { .. } => "desk_status",
    }
}
