//! Handing over: crisis screening in a session, escalation, the desk's word
//! and the handoff packet.

use super::*;

/// What [`Session::offer`] works out: the human offer to show, the urgency
/// rules that hold, and the segment rules' channel preference and follow-up.
pub(super) struct Offer {
    pub(super) view: HumanView,
    urgency: Vec<String>,
    segment_channels: Option<Vec<Channel>>,
    follow_up: bool,
}

pub(super) fn risk_priority(risk: RiskLevel) -> Priority {
    match risk {
        RiskLevel::Critical => Priority::Urgent,
        RiskLevel::High => Priority::High,
        _ => Priority::Normal,
    }
}

impl Session {
    /// The handoff packet, once the session has escalated.
    pub fn handoff(&self, catalog: &Catalog, ctx: &Context) -> Option<HandoffPacket> {
        let e = self.state.escalation.as_ref()?;
        let redactor = catalog.redactor();
        let pii = catalog.pii_fields();
        let values = crate::redact::pii_values(ctx, pii);
        let chain = self.chain(catalog, ctx);
        let answers = redactor.map_with(&self.state.answers, &values);
        let actions = self
            .state
            .actions
            .iter()
            .map(|a| ActionRecord { params: redactor.map_with(&a.params, &values), ..a.clone() })
            .collect();
        // The agent's language: content's, or the catalog's default locale.
        let policy = self.policy(catalog);
        let locales = catalog.locales();
        let agent_chain = i18n::fallback_chain(locales, policy.agent_language.as_deref().unwrap_or(&locales.default));
        let agent_language = agent_chain.first().cloned().unwrap_or_else(|| locales.default.clone());
        let title = self
            .state
            .scenario
            .as_deref()
            .and_then(|id| catalog.scenario(id))
            .and_then(|sc| i18n::pick(&sc.title, &agent_chain).map(|(_, t)| t.to_owned()));
        // Guidance from the escalation step the content handed over at.
        let guidance = self
            .state
            .stack
            .last()
            .filter(|_| e.reason == EscalationReason::Content)
            .and_then(|frame| locate(catalog, frame))
            .and_then(|at| match &at.step.kind {
                CompiledStep::Escalation { agent_guidance: Some(g), .. } => {
                    i18n::pick(g, &agent_chain).map(|(_, t)| t.to_owned())
                }
                _ => None,
            })
            .map(|t| redactor.scrub(&i18n::render(&t, &self.data(ctx, e.at)), &values));
        let mut packet = HandoffPacket {
            schema: HANDOFF_SCHEMA.into(),
            summary: String::new(),
            agent_language,
            agent_guidance: guidance,
            signature: None,
            session: self.state.session.clone(),
            created_at: e.at,
            catalog: CatalogRef { id: self.state.catalog_id.clone(), version: self.state.catalog_version.clone() },
            scenario: self.state.scenario.clone(),
            intervention: self.state.intervention.clone(),
            flow: self.state.stack.last().map(|f| f.flow.clone()),
            step: self.state.stack.last().map(|f| f.step.clone()),
            reason: e.reason,
            reason_detail: e.detail.clone(),
            priority: e.priority,
            channels: e.channels.clone(),
            queue: e.queue.clone(),
            language: chain.first().cloned().unwrap_or_else(|| catalog.locales().default.clone()),
            follow_up: e.follow_up,
            urgency: e.urgency.clone(),
            risk: self.state.risk,
            path: self.state.path.clone(),
            answers,
            actions,
            unhelpful_count: self.state.unhelpful,
            context: redactor.value_with(&Value::Object(ctx.raw().clone()), "", pii, &values),
            transcript: self
                .state
                .transcript
                .iter()
                .map(|l| TranscriptLine { speaker: l.speaker, text: redactor.scrub(&l.text, &values) })
                .collect(),
        };
        let words = crate::handoff::summary_language(&agent_chain);
        packet.summary = crate::handoff::summary(&packet, words, title.as_deref());
        Some(packet)
    }

    /// Whether a crisis already escalated the session.
    pub(super) fn in_crisis(&self) -> bool {
        self.state.escalation.as_ref().is_some_and(|e| e.reason == EscalationReason::Crisis)
    }

    /// Screens the user's text (`typed`, recorded in the transcript on a hit),
    /// or else the context's question; on a hit, hands over at top priority
    /// with crisis resources, whatever the session was doing.
    pub(super) fn crisis(
        &mut self,
        catalog: &Catalog,
        ctx: &Context,
        typed: Option<&str>,
        now: i64,
        events: &mut Vec<Event>,
    ) -> bool {
        let Some(text) = typed.or_else(|| ctx.query()) else { return false };
        let Some(hit) = escalation::screen_crisis(catalog, ctx, text) else { return false };
        if let Some(typed) = typed {
            self.say(Speaker::User, typed.to_owned());
        }
        self.state.status = Status::Escalated;
        // A crisis line the desk has closed is no route: the resources show either way.
        let route = escalation::route(&hit.channels, ctx.desk());
        let (channels_first, fell_back) = (route.channels.first().copied(), route.fell_back);
        self.state.escalation = Some(EscalationState {
            reason: EscalationReason::Crisis,
            detail: Some(hit.kind.wire_name().into()),
            priority: Priority::Urgent,
            channels: route.channels,
            queue: hit.queue,
            follow_up: true,
            urgency: Vec::new(),
            crisis_resources: Some(hit.resources.clone()),
            at: now,
            wait_seconds: route.wait_seconds,
            closed: route.closed,
            desk: None,
            failed: Vec::new(),
            opens_at: None,
        });
        self.say(Speaker::Bot, hit.resources);
        events.push(self.event(
            EventKind::Escalated {
                reason: EscalationReason::Crisis,
                priority: Priority::Urgent,
                detail: None,
                channel: channels_first,
                fallback: fell_back,
                crisis_kind: Some(hit.kind),
            },
            now,
        ));
        true
    }

    /// Hands over to a human, combining the step's routing with policy, segments, risk and urgency.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn escalate(
        &mut self,
        catalog: &Catalog,
        ctx: &Context,
        reason: EscalationReason,
        detail: Option<String>,
        step: Option<(Option<Vec<Channel>>, Option<String>, Priority)>,
        now: i64,
        events: &mut Vec<Event>,
    ) {
        let Offer { view: human, urgency, segment_channels, follow_up } = self.offer(catalog, ctx, now);
        let policy = self.policy(catalog);
        let (step_channels, step_queue, step_priority) = step.unwrap_or((None, None, Priority::Normal));
        // A vulnerable user's channel preference (voice for the elderly) wins over the step's.
        let preferred =
            segment_channels.or(step_channels).filter(|c| !c.is_empty()).unwrap_or_else(|| policy.channels.clone());
        let queue = step_queue.or_else(|| self.intervention_queue(catalog)).or_else(|| policy.queue.clone());
        // What the desk can do now (the host's word, and the queue's hours):
        // the open ones of those, or a call back or a ticket.
        let (desk, opens_at) = escalation::desk_with_hours(ctx.desk(), &policy, queue.as_deref(), now);
        let route = escalation::route(&preferred, &desk);
        let channels = route.channels;
        // A live channel the host keeps open answers now, whatever the hours.
        let opens_at =
            opens_at.filter(|_| !matches!(channels.first(), Some(Channel::Chat | Channel::Voice | Channel::Video)));
        let mut priority = human.priority.max(step_priority);
        if reason == EscalationReason::UserRequest && self.state.unhelpful >= policy.offer_after_unhelpful {
            priority = priority.max(Priority::High);
        }
        self.state.status = Status::Escalated;
        self.state.escalation = Some(EscalationState {
            reason,
            detail: detail.clone(),
            priority,
            channels: channels.clone(),
            queue,
            follow_up,
            urgency,
            crisis_resources: None,
            at: now,
            wait_seconds: route.wait_seconds,
            closed: route.closed,
            desk: None,
            failed: Vec::new(),
            opens_at,
        });
        self.say(Speaker::System, format!("escalated: {}", reason.wire_name()));
        let kind = EventKind::Escalated {
            reason,
            priority,
            detail,
            channel: channels.first().copied(),
            fallback: route.fell_back,
            crisis_kind: None,
        };
        events.push(self.event(kind, now));
    }

    /// Records what the desk says of the handoff; on a failure, moves the
    /// route past the channel that failed (to the next one, or a call back or
    /// a ticket: never none).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn desk_status(
        &mut self,
        catalog: &Catalog,
        ctx: &Context,
        state: DeskState,
        position: Option<u64>,
        wait_seconds: Option<u64>,
        reason: Option<String>,
        now: i64,
        events: &mut Vec<Event>,
    ) {
        let policy = self.policy(catalog);
        let Some(esc) = self.state.escalation.as_mut() else { return };
        // The host's word and the queue's hours, as when it escalated.
        let (desk, _) = escalation::desk_with_hours(ctx.desk(), &policy, esc.queue.as_deref(), now);
        let channel = esc.channels.first().copied().unwrap_or(Channel::Ticket);
        let seconds_since_handoff = now.saturating_sub(esc.at).max(0);
        let mut next_channel = None;
        match state {
            DeskState::Queued => {
                if wait_seconds.is_some() {
                    esc.wait_seconds = wait_seconds;
                }
            }
            DeskState::Accepted | DeskState::Completed => esc.wait_seconds = None,
            DeskState::Failed => {
                esc.failed.push(channel);
                let left: Vec<Channel> = esc.channels.iter().copied().filter(|c| !esc.failed.contains(c)).collect();
                let route = escalation::route(&left, &desk);
                let mut next: Vec<Channel> = route.channels.into_iter().filter(|c| !esc.failed.contains(c)).collect();
                if next.is_empty() {
                    // Every route failed once: a ticket is answered when the desk can.
                    next.push(Channel::Ticket);
                }
                esc.channels = next;
                esc.wait_seconds = route.wait_seconds;
                next_channel = esc.channels.first().copied();
            }
        }
        esc.desk = Some(DeskReport {
            state,
            position: position.filter(|_| state == DeskState::Queued),
            reason: reason.clone(),
            channel,
            at: now,
        });
        let kind = EventKind::HandoffStatus {
            state,
            channel,
            seconds_since_handoff,
            position: position.filter(|_| state == DeskState::Queued),
            reason: reason.filter(|_| state == DeskState::Failed),
            next_channel,
        };
        self.say(Speaker::System, format!("desk: {}", state.wire_name()));
        events.push(self.event(kind, now));
    }

    /// The agent queue of the intervention the session started from, if it names one.
    pub(super) fn intervention_queue(&self, catalog: &Catalog) -> Option<String> {
        let id = self.state.intervention.as_deref()?;
        let found = catalog.interventions().iter().find(|i| i.id.as_str() == id)?;
        found.human.as_ref()?.queue.clone()
    }

    /// The human offer and what an escalation takes from the same rules: the
    /// segment rules and urgency rules are evaluated once, over one data and
    /// one shared budget.
    pub(super) fn offer(&self, catalog: &Catalog, ctx: &Context, now: i64) -> Offer {
        let policy = self.policy(catalog);
        let segments = ctx.segments();
        let extras = self.extras(ctx, now);
        let mut scope = catalog.evaluator().scope_layered(&extras, ctx.raw());
        let rules = policy.segment_rules(catalog, &segments, &mut scope);
        let mut reasons: Vec<String> = Vec::new();
        let mut priority = Priority::Normal;
        if self.state.unhelpful >= policy.offer_after_unhelpful {
            reasons.push("unhelpful".into());
        }
        let here = self.state.stack.last().map(|f| format!("{}/{}", f.flow, f.step));
        if here.and_then(|k| self.state.visits.get(&k).copied()).is_some_and(|v| v >= policy.offer_on_visit) {
            reasons.push("loop".into());
        }
        if !rules.is_empty() {
            reasons.push("segment".into());
            priority = priority.max(rules.iter().filter_map(|r| r.priority).max().unwrap_or(Priority::Normal));
        }
        if policy.offer_at_risk.is_some_and(|r| self.state.risk >= r) {
            reasons.push("risk".into());
        }
        priority = priority.max(risk_priority(self.state.risk));
        let mut urgency = Vec::new();
        if let Some((p, ids)) = escalation::urgency(catalog, &mut scope) {
            reasons.push("urgency".into());
            priority = priority.max(p);
            urgency = ids;
        }
        let segment_channels = rules.iter().find_map(|r| r.channels.clone());
        let follow_up = rules.iter().any(|r| r.follow_up);
        let preferred = segment_channels.clone().unwrap_or_else(|| policy.channels.clone());
        let queue = self.intervention_queue(catalog).or_else(|| policy.queue.clone());
        let (desk, _) = escalation::desk_with_hours(ctx.desk(), &policy, queue.as_deref(), now);
        let channels = escalation::route(&preferred, &desk).channels;
        let prominent = !reasons.is_empty();
        let view = HumanView {
            available: true,
            visible: policy.always_offer_human || prominent,
            prominent,
            reasons,
            channels,
            priority,
        };
        Offer { view, urgency, segment_channels, follow_up }
    }
}
