//! What a session shows: the current step, ready to draw.

use super::*;

/// "Talk to a human", as the view should show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HumanView {
    /// Always true: a human can always be requested.
    pub available: bool,
    /// Show the choice on this step.
    pub visible: bool,
    /// Show it prominently: the policy recommends a human now.
    pub prominent: bool,
    /// Why it is prominent: `unhelpful`, `loop`, `segment`, `risk`, `urgency`.
    pub reasons: Vec<String>,
    /// Channels, best first.
    pub channels: Vec<Channel>,
    /// Priority an escalation would get now.
    pub priority: Priority,
}

/// A choice option, localized.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OptionView {
    /// Option id, to send back with [`Input::Choose`].
    pub id: String,
    /// Label, plain text.
    pub label: String,
}

/// Input field details.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InputView {
    /// Longest accepted value.
    pub max_length: u32,
    /// Error text to show after a rejected value.
    pub error: Option<String>,
}

/// The current step, ready to render. All text is plain text: render it as
/// text, never as markup.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StepView {
    /// Session id.
    pub session: String,
    /// Where the session stands.
    pub status: Status,
    /// Current flow.
    pub flow: Option<String>,
    /// Current step.
    pub step: Option<String>,
    /// `message`, `choice`, `input`, `action`, `resolution` or `escalation`.
    pub kind: &'static str,
    /// Flow title.
    pub title: Option<String>,
    /// Main text.
    pub text: String,
    /// Locale of the text.
    pub locale: String,
    /// Options of a choice.
    pub options: Vec<OptionView>,
    /// Input details.
    pub input: Option<InputView>,
    /// The action the host should perform now.
    pub action: Option<ActionRequest>,
    /// Ask "did this help?".
    pub ask_feedback: bool,
    /// "Talk to a human".
    pub human: HumanView,
    /// Whether going back one step is possible.
    pub can_go_back: bool,
    /// Set once escalated.
    pub escalation: Option<EscalationState>,
    /// A note to show (e.g. the content changed and the flow restarted).
    pub notice: Option<String>,
}

impl Session {
    /// The current step, localized for the context's languages.
    pub fn view(&self, catalog: &Catalog, ctx: &Context, now: i64) -> StepView {
        let chain = self.chain(catalog, ctx);
        let data = self.data(ctx, now);
        let pick = |t: &crate::content::LocalizedText| {
            i18n::pick(t, &chain).map(|(l, s)| (l.to_owned(), i18n::render(s, &data)))
        };
        let human = self.human(catalog, ctx, now);
        let at = self.state.stack.last().and_then(|f| locate(catalog, f));
        let mut view = StepView {
            session: self.state.session.clone(),
            status: self.state.status,
            flow: self.state.stack.last().map(|f| f.flow.clone()),
            step: self.state.stack.last().map(|f| f.step.clone()),
            kind: "escalation",
            title: at.as_ref().and_then(|a| a.flow.title.as_ref()).and_then(&pick).map(|(_, s)| s),
            text: String::new(),
            locale: chain.first().cloned().unwrap_or_default(),
            options: Vec::new(),
            input: None,
            action: None,
            ask_feedback: false,
            human,
            can_go_back: self.state.status == Status::Active && !self.state.back.is_empty(),
            escalation: self.state.escalation.clone(),
            notice: self.state.notice.clone(),
        };
        if let Some((locale, text)) = self.shown_text(at.as_ref(), &chain, &data) {
            view.locale = locale;
            view.text = text;
        }
        if self.state.escalation.is_some() {
            return view;
        }
        let Some(at) = at else { return view };
        let called = self.state.stack.len() > 1;
        view.kind = kind_name(&at.step.kind, called).name();
        match &at.step.kind {
            CompiledStep::Resolution { feedback, .. } => {
                view.ask_feedback = *feedback && !called && self.state.feedback.is_none();
            }
            CompiledStep::Choice { options, .. } => {
                view.options = options
                    .iter()
                    .map(|o| OptionView { id: o.id.clone(), label: pick(&o.label).map(|(_, s)| s).unwrap_or_default() })
                    .collect();
            }
            CompiledStep::Input { max_length, error, .. } => {
                view.input =
                    Some(InputView { max_length: *max_length, error: error.as_ref().and_then(&pick).map(|(_, s)| s) });
            }
            CompiledStep::Action { .. } if view.status == Status::Active => {
                view.action = self.pending_action(catalog, ctx, now);
            }
            CompiledStep::Action { .. }
            | CompiledStep::Message { .. }
            | CompiledStep::Escalation { .. }
            | CompiledStep::Check { .. }
            | CompiledStep::Goto { .. }
            | CompiledStep::Call { .. } => {}
        }
        view
    }

    /// The text the current step shows, with its locale: crisis resources once
    /// a crisis escalated the session, the escalation step's text once
    /// escalated, otherwise the step's own text.
    pub(super) fn shown_text(&self, at: Option<&At<'_>>, chain: &[String], data: &Value) -> Option<(String, String)> {
        if let Some(resources) = self.state.escalation.as_ref().and_then(|e| e.crisis_resources.clone()) {
            return Some((chain.first().cloned().unwrap_or_default(), resources));
        }
        let text = match (&self.state.escalation, &at?.step.kind) {
            (Some(_), CompiledStep::Escalation { text, .. }) => text,
            (Some(_), _) => return None,
            (
                None,
                CompiledStep::Message { text, .. }
                | CompiledStep::Resolution { text, .. }
                | CompiledStep::Choice { text, .. }
                | CompiledStep::Input { text, .. }
                | CompiledStep::Escalation { text, .. }
                | CompiledStep::Action { text: Some(text), .. },
            ) => text,
            (None, _) => return None,
        };
        i18n::pick(text, chain).map(|(l, s)| (l.to_owned(), i18n::render(s, data)))
    }

    /// How "talk to a human" should show now.
    pub(super) fn human(&self, catalog: &Catalog, ctx: &Context, now: i64) -> HumanView {
        self.offer(catalog, ctx, now).view
    }
}
