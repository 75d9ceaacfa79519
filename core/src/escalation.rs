//! Escalation: a human is never out of reach.
//!
//! This module holds the policy that decides when a human is offered or forced
//! (merged from built-in defaults, the catalog and the flow), urgency rules
//! that raise priority, and proactive interventions raised by host events.
//! Crisis screening of free text is [`screen_crisis`], over the lexicon and
//! matcher of [`crate::crisis`].

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalog::{Catalog, Flow};
use crate::condition::Scope;
use crate::content::{Channel, EscalationPolicy, HumanMode, Priority, RiskLevel, SegmentRule};
use crate::context::Context;
pub use crate::crisis::CrisisHit;
use crate::error::{Error, Result};
use crate::events::{Event, EventKind};
use crate::i18n;

/// Screens `text` for crisis language with the catalog's screening: the
/// crisis, its resources in the user's language, and where it goes.
///
/// ```
/// let catalog = inscene::Catalog::from_json(include_str!("../../content/sample-shop.json")).unwrap();
/// let ctx = inscene::context::Context::from_json(r#"{"locale": "en"}"#).unwrap();
/// let hit = inscene::escalation::screen_crisis(&catalog, &ctx, "I want to end my life").unwrap();
/// assert_eq!(hit.kind.wire_name(), "ideation");
/// assert!(inscene::escalation::screen_crisis(&catalog, &ctx, "where is my order").is_none());
/// ```
pub fn screen_crisis(catalog: &Catalog, ctx: &Context, text: &str) -> Option<CrisisHit> {
    screen_crisis_folded(catalog, ctx, text, None)
}

/// [`screen_crisis`] of a text maybe already folded by another reader.
pub(crate) fn screen_crisis_folded(
    catalog: &Catalog,
    ctx: &Context,
    text: &str,
    prefolded: Option<(&crate::fold::Folded, crate::fold::Fold)>,
) -> Option<CrisisHit> {
    let kind = crate::crisis::find(catalog.crisis_index(), text, prefolded)?;
    let mut chain = i18n::chain_for(catalog.locales(), &ctx.languages());
    chain.push("en".to_owned());
    Some(crate::crisis::hit(kind, catalog.crisis(), &chain))
}

/// Channels used when neither content nor segment says otherwise.
pub const DEFAULT_CHANNELS: &[Channel] = &[Channel::Chat, Channel::Ticket];

pub use crate::context::ChannelState;

/// Where an escalation goes given what the desk can do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Channels to offer, best first: never empty.
    pub channels: Vec<Channel>,
    /// The preferred channels that are closed now, in preference order.
    pub closed: Vec<Channel>,
    /// Every preferred channel was closed: these are the fallbacks.
    pub fell_back: bool,
    /// When a person will answer on the first channel, if the desk said.
    pub wait_seconds: Option<u64>,
}

/// Whether a queue with these hours is open at `now`, and if not, when it
/// next opens (within a week; `None` when no window is well formed).
pub fn hours_at(hours: &crate::content::BusinessHours, now: i64) -> (bool, Option<i64>) {
    let offset = i64::from(hours.utc_offset_minutes.clamp(-1440, 1440)) * 60;
    let local = now.saturating_add(offset);
    let day = local.div_euclid(86_400);
    let minute = local.rem_euclid(86_400) / 60;
    // 1970-01-01 was a Thursday: day 0 is weekday 3 (Monday 0).
    let weekday = |d: i64| (d + 3).rem_euclid(7) as u32;
    let windows: Vec<(Vec<u32>, u32, u32)> =
        hours.open.iter().filter_map(|w| Some((w.day_numbers()?, w.minutes()?.0, w.minutes()?.1))).collect();
    let open_now = windows
        .iter()
        .any(|(days, from, to)| days.contains(&weekday(day)) && i64::from(*from) <= minute && minute < i64::from(*to));
    if open_now {
        return (true, None);
    }
    let mut next: Option<i64> = None;
    for d in 0..=7 {
        for (days, from, _) in &windows {
            if days.contains(&weekday(day + d)) {
                let start = (day + d) * 86_400 + i64::from(*from) * 60 - offset;
                if start > now && next.is_none_or(|n| start < n) {
                    next = Some(start);
                }
            }
        }
    }
    (false, next)
}

/// The desk as the host described it, with the queue's hours added: outside
/// them, the live channels the host did not mention are closed. Also says
/// when the queue opens, if it is closed.
pub fn desk_with_hours(
    desk: &BTreeMap<Channel, ChannelState>,
    policy: &EffectivePolicy,
    queue: Option<&str>,
    now: i64,
) -> (BTreeMap<Channel, ChannelState>, Option<i64>) {
    let mut out = desk.clone();
    let hours = queue.and_then(|q| policy.hours.get(q)).or_else(|| policy.hours.get("*"));
    let Some(hours) = hours else { return (out, None) };
    let (open, opens_at) = hours_at(hours, now);
    if open {
        return (out, None);
    }
    for c in [Channel::Chat, Channel::Voice, Channel::Video] {
        out.entry(c).or_insert(ChannelState { open: false, wait_seconds: None, queue_length: None });
    }
    (out, opens_at)
}

/// Asynchronous routes, in the order they are offered when every preferred
/// channel is closed: a call back, then a ticket.
const FALLBACKS: [Channel; 2] = [Channel::Callback, Channel::Ticket];

/// The channels to offer, from the preference (content, segment, step) and
/// what the desk says (`desk`, a channel it does not mention counts as open:
/// the host did not say otherwise). Open preferred channels keep their order;
/// when none is open, a call back or a ticket the desk has not closed; when
/// the desk has closed those too, a ticket, which is answered when the desk
/// opens. Never empty: a person is always reachable.
pub fn route(preferred: &[Channel], desk: &BTreeMap<Channel, ChannelState>) -> Route {
    let open = |c: &Channel| desk.get(c).is_none_or(|s| s.open);
    let mut channels: Vec<Channel> = Vec::new();
    for c in preferred {
        if open(c) && !channels.contains(c) {
            channels.push(*c);
        }
    }
    let closed: Vec<Channel> = preferred.iter().copied().filter(|c| !open(c)).collect();
    let fell_back = channels.is_empty();
    if fell_back {
        channels.extend(FALLBACKS.iter().copied().filter(|c| open(c)));
        if channels.is_empty() {
            channels.push(Channel::Ticket);
        }
    }
    let wait_seconds = channels.first().and_then(|c| desk.get(c)).filter(|s| s.open).and_then(|s| s.wait_seconds);
    Route { channels, closed, fell_back, wait_seconds }
}

/// The escalation policy in force for one flow, with every default filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectivePolicy {
    /// Keep "talk to a human" visible on every step.
    pub always_offer_human: bool,
    /// Offer a human after this many "didn't help" answers.
    pub offer_after_unhelpful: u32,
    /// Escalate after this many "didn't help" answers.
    pub force_after_unhelpful: u32,
    /// Offer a human when a step is reached this many times.
    pub offer_on_visit: u32,
    /// Offer a human when scenario risk is at least this.
    pub offer_at_risk: Option<RiskLevel>,
    /// Escalate at once when scenario risk is at least this.
    pub force_at_risk: Option<RiskLevel>,
    /// Channel preference.
    pub channels: Vec<Channel>,
    /// Default agent queue.
    pub queue: Option<String>,
    /// Segment rules.
    pub segments: Vec<SegmentRule>,
    /// Opening hours per queue (`*`: the rest).
    pub hours: BTreeMap<String, crate::content::BusinessHours>,
    /// The language agents read, if content names one.
    pub agent_language: Option<String>,
}

/// Merges the flow's overrides over the catalog policy over built-in defaults.
pub fn effective_policy(catalog: &Catalog, flow: Option<&Flow>) -> EffectivePolicy {
    let base: &EscalationPolicy = catalog.policy();
    let over = flow.and_then(|f| f.policy.as_ref());
    macro_rules! pick {
        ($field:ident) => {
            over.and_then(|o| o.$field.clone()).or_else(|| base.$field.clone())
        };
    }
    EffectivePolicy {
        always_offer_human: pick!(always_offer_human).unwrap_or(true),
        offer_after_unhelpful: pick!(offer_after_unhelpful).unwrap_or(2).max(1),
        force_after_unhelpful: pick!(force_after_unhelpful).unwrap_or(3).max(1),
        offer_on_visit: pick!(offer_on_visit).unwrap_or(2).max(1),
        offer_at_risk: Some(pick!(offer_at_risk).unwrap_or(RiskLevel::High)),
        force_at_risk: pick!(force_at_risk),
        channels: pick!(channels).filter(|c| !c.is_empty()).unwrap_or_else(|| DEFAULT_CHANNELS.to_vec()),
        queue: pick!(queue),
        segments: pick!(segments).unwrap_or_default(),
        hours: pick!(hours).unwrap_or_default(),
        agent_language: pick!(agent_language),
    }
}

impl EffectivePolicy {
    /// The segment rules that apply to a user, in policy order: the user is in
    /// the rule's segment (`segments`, from `user.segments`), or its `when`
    /// condition holds in `scope` (the context as conditions see it, sharing
    /// the scope's budget with the other rules of the same view). A condition
    /// that does not compile or fails never holds.
    pub fn segment_rules<'a>(
        &'a self,
        catalog: &Catalog,
        segments: &[&str],
        scope: &mut Scope<'_>,
    ) -> Vec<&'a SegmentRule> {
        let evaluator = catalog.evaluator();
        self.segments
            .iter()
            .filter(|r| {
                segments.contains(&r.segment.as_str())
                    || r.when.as_ref().and_then(|w| evaluator.compile(w).ok()).is_some_and(|c| scope.holds(&c))
            })
            .collect()
    }

    /// Whether any applicable segment asks for an immediate handover.
    pub fn immediate_for(&self, catalog: &Catalog, segments: &[&str], scope: &mut Scope<'_>) -> bool {
        self.segment_rules(catalog, segments, scope).iter().any(|r| r.mode == HumanMode::Immediate)
    }
}

/// The highest priority the urgency rules demand, and the ids of the rules that hold.
pub fn urgency(catalog: &Catalog, scope: &mut Scope<'_>) -> Option<(Priority, Vec<String>)> {
    let mut best: Option<Priority> = None;
    let mut ids = Vec::new();
    for rule in catalog.urgency() {
        if scope.holds(&rule.when) {
            best = best.max(Some(rule.priority));
            ids.push(rule.id.clone());
        }
    }
    best.map(|p| (p, ids))
}

/// An in-app action the host is asked to perform.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActionRequest {
    /// Declared action id.
    pub action: String,
    /// Parameters with placeholders filled in.
    pub params: Map<String, Value>,
}

/// A human contact being offered.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HumanContact {
    /// Channels, best first.
    pub channels: Vec<Channel>,
    /// Agent queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Priority.
    pub priority: Priority,
    /// Stable reason code.
    pub reason: String,
}

/// A proactive intervention to show now, interrupting the current flow.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Intervention"))]
pub struct InterventionView {
    /// Intervention id.
    pub id: String,
    /// Risk level.
    pub risk: RiskLevel,
    /// Warning text, localized, plain text.
    pub message: String,
    /// Education text, localized, plain text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub education: Option<String>,
    /// Action the host must perform at once (e.g. hold the payment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_action: Option<ActionRequest>,
    /// Human contact offered right now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human: Option<HumanContact>,
    /// Flow to continue with, as a scenario-free flow id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<String>,
    /// Analytics event (`intervention`).
    pub event: Event,
}

/// Fills placeholders in action parameters; non-string values pass through.
pub(crate) fn render_params(params: &BTreeMap<String, Value>, data: &Value) -> Map<String, Value> {
    // Inserted one by one: collecting into a map compiles a sort for each call site.
    let mut out = Map::new();
    for (k, v) in params {
        let v = match v {
            Value::String(s) => Value::String(i18n::render(s, data)),
            other => other.clone(),
        };
        out.insert(k.clone(), v);
    }
    out
}

/// [`on_event`] for an event given as JSON text, as the platform packages take it.
///
/// ```
/// let catalog = inscene::Catalog::from_json(include_str!("../../content/sample-shop.json")).unwrap();
/// let ctx = inscene::context::Context::from_json("{}").unwrap();
/// let err = inscene::escalation::on_event_json(&catalog, &ctx, "{", 0).unwrap_err();
/// assert_eq!(err.code(), "context.invalid");
/// assert!(inscene::escalation::on_event_json(&catalog, &ctx, r#"{"name": "app_opened"}"#, 0).unwrap().is_none());
/// ```
pub fn on_event_json(catalog: &Catalog, ctx: &Context, event_json: &str, now: i64) -> Result<Option<InterventionView>> {
    let event: Value = serde_json::from_str(event_json)
        .map_err(|e| Error::bad_argument(crate::error::Argument::Context, format!("event is not JSON: {e}")))?;
    on_event(catalog, ctx, &event, now)
}

/// Checks a host event against the catalog's interventions. `event` is
/// `{"name": "...", "data": {...}}`; conditions see the context plus `event`.
/// Returns the riskiest matching intervention, if any.
pub fn on_event(catalog: &Catalog, ctx: &Context, event: &Value, now: i64) -> Result<Option<InterventionView>> {
    let name = event
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::InvalidContext { field: "event.name".into(), message: "an event needs a name".into() })?;
    let mut data = ctx.evaluation_data(now, &Map::new());
    if let Value::Object(m) = &mut data {
        m.insert("event".into(), event.clone());
    }
    let mut scope = catalog.evaluator().scope(&data);
    // The riskiest matching intervention; among equals, the first in the catalog.
    let mut best: Option<&crate::catalog::Intervention> = None;
    for candidate in catalog.interventions().iter().filter(|i| i.events.iter().any(|e| e == name)) {
        if best.is_none_or(|b| candidate.risk > b.risk) && candidate.when.as_ref().is_none_or(|c| scope.holds(c)) {
            best = Some(candidate);
        }
    }
    let Some(found) = best else { return Ok(None) };
    let chain = i18n::chain_for(catalog.locales(), &ctx.languages());
    let text = |t: &crate::content::LocalizedText| {
        i18n::pick(t, &chain).map(|(_, s)| i18n::render(s, &data)).unwrap_or_default()
    };
    let hold_action = found
        .hold_action
        .as_ref()
        .map(|(id, params)| ActionRequest { action: id.to_string(), params: render_params(params, &data) });
    let human = found.human.as_ref().map(|h| HumanContact {
        channels: h.channels.clone(),
        queue: h.queue.clone(),
        priority: h.priority,
        reason: h.reason.clone(),
    });
    let flow = found.flow.map(|f| catalog.flow_id(f).to_owned());
    let kind = EventKind::Intervention {
        intervention: found.id.to_string(),
        trigger_event: name.to_owned(),
        hold_action: hold_action.as_ref().map(|h| h.action.clone()),
    };
    let ev = Event::outside_session(kind, catalog, ctx, now, &format!("intervention:{}", found.id));
    Ok(Some(InterventionView {
        id: found.id.to_string(),
        risk: found.risk,
        message: text(&found.message),
        education: found.education.as_ref().map(text),
        hold_action,
        human,
        flow,
        event: ev,
    }))
}
