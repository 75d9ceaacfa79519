//! Desk adapters: what a help desk's API takes, made from an inscene handoff
//! packet and a mapping configuration (the desk's own field ids).
//!
//! Each adapter is a pure function: the same packet and mapping give the same
//! calls, byte for byte, and nothing is sent. The host (usually its backend,
//! which holds the desk's credentials) makes the calls. The packet is already
//! redacted on the device (see `inscene::handoff`), and an adapter copies only
//! what the mapping names, so no more personal data reaches a desk than the
//! packet holds.
//!
//! | desk | calls |
//! |---|---|
//! | Zendesk (Sunshine Conversations) | `passControl` with `metadata`: `dataCapture.ticketField.<id>` strings, tags as one comma-separated string |
//! | Intercom | conversation `custom_attributes`; the summary as an admin note |
//! | Salesforce (Messaging for In-App and Web) | hidden pre-chat fields, strings only |
//! | Helpshift | custom issue fields, typed (`singleline`, `multiline`, `number`, `dropdown`, `checkbox`, `date`) |
//! | Chatwoot | conversation custom attributes (never a built-in name such as `priority`), labels, a private note, priority, `toggle_status` |
//! | Bot Framework | the `handoff.initiate` event activity with a `Transcript` attachment |
//! | django-helpdesk | a ticket through its REST API: queue id, priority 1-5, `custom_<name>` fields, the summary as the description |
//!
//! The way back, [`status`], reads what a desk says of the handoff (a
//! django-helpdesk ticket and its queue, a Bot Framework `handoff.status`
//! event) as the session's `desk_status` input.
//!
//! See docs/DESKS.md for each desk's mapping and where its calls go.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use inscene::handoff::{HandoffPacket, Speaker};

/// A help desk an adapter renders for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Desk {
    /// Zendesk messaging, through Sunshine Conversations' switchboard.
    Zendesk,
    /// Intercom conversations.
    Intercom,
    /// Salesforce Messaging for In-App and Web.
    Salesforce,
    /// Helpshift.
    Helpshift,
    /// Chatwoot.
    Chatwoot,
    /// Microsoft Bot Framework's handoff protocol.
    BotFramework,
    /// django-helpdesk, the open-source ticket desk (its REST API).
    DjangoHelpdesk,
}

impl Desk {
    /// Every desk, in the order of the table above.
    pub const ALL: [Desk; 7] = [
        Desk::Zendesk,
        Desk::Intercom,
        Desk::Salesforce,
        Desk::Helpshift,
        Desk::Chatwoot,
        Desk::BotFramework,
        Desk::DjangoHelpdesk,
    ];

    /// The desk's name in mappings and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Desk::Zendesk => "zendesk",
            Desk::Intercom => "intercom",
            Desk::Salesforce => "salesforce",
            Desk::Helpshift => "helpshift",
            Desk::Chatwoot => "chatwoot",
            Desk::BotFramework => "bot_framework",
            Desk::DjangoHelpdesk => "django_helpdesk",
        }
    }

    /// The desk of a name, as [`Desk::name`] gives it.
    pub fn from_name(name: &str) -> Option<Desk> {
        Desk::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// A Helpshift custom issue field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text.
    Singleline,
    /// Text of several lines.
    Multiline,
    /// A number.
    Number,
    /// One of the field's configured values.
    Dropdown,
    /// True or false.
    Checkbox,
    /// A moment, in milliseconds since the Unix epoch (packet times are
    /// seconds: they are multiplied).
    Date,
}

/// One packet value and the desk field it goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldRule {
    /// Where the value is: a JSON pointer into the packet (`/reason`,
    /// `/context/entities/order/id`), or a value made from it: `#summary`
    /// (the agent summary), `#tags` (the tags, comma-separated), `#channels`
    /// (comma-separated), `#path` (the steps, ` > `-separated).
    pub from: String,
    /// The desk's field: its id (Zendesk's numeric ticket field id), key or name.
    pub to: String,
    /// Helpshift only: the custom issue field's type (default: `singleline`
    /// for text, `number` for numbers, `checkbox` for true or false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<FieldKind>,
}

/// Where a Bot Framework handoff goes: the conversation the bot is in, as
/// the incoming activity names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationRef {
    /// The channel (`directline`, `msteams`, ...).
    pub channel_id: String,
    /// The channel's service URL.
    pub service_url: String,
    /// The conversation id.
    pub conversation_id: String,
    /// The bot's account id (the incoming activity's recipient).
    pub bot_id: String,
    /// The user's account id (the incoming activity's sender).
    pub user_id: String,
    /// The user's activity the handoff answers, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to_id: Option<String>,
}

/// How a packet maps to one desk: read from JSON (see docs/DESKS.md).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The desk, if the mapping is for one (the command line may say it instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<Desk>,
    /// Packet values to desk fields, in order.
    #[serde(default)]
    pub fields: Vec<FieldRule>,
    /// Tags added to the automatic ones (`inscene`, the reason, the priority,
    /// the scenario).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Whether the agent summary goes as a note where the desk has notes
    /// (Intercom, Chatwoot). Default true.
    #[serde(default = "yes")]
    pub note: bool,
    /// Zendesk: the switchboard integration control passes to (default
    /// `next`; `zd:agentWorkspace` for Agent Workspace by name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switchboard_integration: Option<String>,
    /// Intercom: the admin the note is written as (needed for the note).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_id: Option<String>,
    /// Bot Framework: the conversation (needed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<ConversationRef>,
    /// django-helpdesk: the desk's queue id for each of the packet's queues,
    /// `*` for any other (needed: a ticket is always in a queue).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub queues: BTreeMap<String, u64>,
}

fn yes() -> bool {
    true
}

/// One call the host makes to the desk: an HTTP request to the desk's API
/// (with `{placeholders}` for the host's own ids in `path`), or, for desks
/// whose data goes through their mobile SDK, the SDK call's argument.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Call {
    /// What the call is, in the desk's own words (`passControl`,
    /// `setHiddenPreChatFields`, `handoff.initiate`).
    pub name: String,
    /// HTTP method, for an API call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// API path, relative to the desk's base URL, for an API call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The request body, or the SDK call's argument.
    pub body: Value,
}

/// Why a packet or mapping cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}{}", path.as_ref().map(|p| format!(" (at {p})")).unwrap_or_default())]
pub struct DeskError {
    /// Stable code: `desk.packet_invalid`, `desk.mapping_invalid`,
    /// `desk.option_missing`, `desk.field_invalid`, `desk.reserved_key`,
    /// `desk.value_type`, `desk.unknown_desk`, `desk.desk_mismatch`;
    /// reading a desk's reply: `desk.reply_invalid`, `desk.no_status`.
    pub code: &'static str,
    /// What went wrong, for a person.
    pub message: String,
    /// JSON pointer into the mapping where it is at fault, if it is.
    pub path: Option<String>,
}

fn err(code: &'static str, message: impl Into<String>, path: Option<String>) -> DeskError {
    DeskError { code, message: message.into(), path }
}

/// Chatwoot's own conversation attributes: a custom attribute of one of
/// these names would be confused with them.
pub const CHATWOOT_RESERVED: &[&str] = &[
    "id",
    "status",
    "priority",
    "assignee",
    "assignee_id",
    "team",
    "team_id",
    "labels",
    "inbox",
    "inbox_id",
    "contact",
    "contact_id",
    "created_at",
    "updated_at",
    "last_activity_at",
    "display_id",
    "browser_language",
    "conversation_language",
    "country_code",
    "referer",
    "campaign",
    "mail_subject",
];

/// Renders a packet for `desk` with `mapping`.
pub fn render(packet: &HandoffPacket, mapping: &Mapping, desk: Desk) -> Result<Vec<Call>, DeskError> {
    if let Some(d) = mapping.desk.filter(|d| *d != desk) {
        return Err(err(
            "desk.desk_mismatch",
            format!("the mapping is for {}, not {}", d.name(), desk.name()),
            Some("/desk".into()),
        ));
    }
    let doc = serde_json::to_value(packet).map_err(|e| err("desk.packet_invalid", e.to_string(), None))?;
    let ctx = Ctx { packet, doc: &doc, mapping };
    match desk {
        Desk::Zendesk => ctx.zendesk(),
        Desk::Intercom => ctx.intercom(),
        Desk::Salesforce => ctx.salesforce(),
        Desk::Helpshift => ctx.helpshift(),
        Desk::Chatwoot => ctx.chatwoot(),
        Desk::BotFramework => ctx.bot_framework(),
        Desk::DjangoHelpdesk => ctx.django_helpdesk(),
    }
}

/// [`render`] from JSON texts: a packet, a mapping (`None`: no fields, the
/// defaults) and a desk's name; the calls as pretty-printed JSON.
pub fn render_json(packet: &str, mapping: Option<&str>, desk: &str) -> Result<String, DeskError> {
    let packet: HandoffPacket = serde_json::from_str(packet)
        .map_err(|e| err("desk.packet_invalid", format!("not a handoff packet: {e}"), None))?;
    let mapping: Mapping = match mapping {
        Some(m) => serde_json::from_str(m).map_err(|e| err("desk.mapping_invalid", e.to_string(), None))?,
        None => Mapping { note: true, ..Mapping::default() },
    };
    let desk = desk_named(desk)?;
    let calls = render(&packet, &mapping, desk)?;
    serde_json::to_string_pretty(&calls).map_err(|e| err("desk.packet_invalid", e.to_string(), None))
}

/// The agent summary: the packet's own (built on the device in the agent's
/// language: why a person is needed, what the user tried, what failed), or
/// for a packet from an SDK before it had one, the same in English.
pub fn summary(packet: &HandoffPacket) -> String {
    if packet.summary.is_empty() { inscene::handoff::summary(packet, "en", None) } else { packet.summary.clone() }
}

/// The summary and, when content gives it, the agent guidance after a blank
/// line: what goes where a desk has a note or a description.
pub fn note(packet: &HandoffPacket) -> String {
    match &packet.agent_guidance {
        Some(g) if !g.trim().is_empty() => format!("{}\n\n{g}", summary(packet)),
        _ => summary(packet),
    }
}

fn name_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A value as desk text: strings as they are, anything else as JSON.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A tag as desks take them: lowercase letters, digits and underscores.
fn tag(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect::<String>()
        .trim_matches('_')
        .to_owned()
}

struct Ctx<'a> {
    packet: &'a HandoffPacket,
    doc: &'a Value,
    mapping: &'a Mapping,
}

impl Ctx<'_> {
    fn tags(&self) -> Vec<String> {
        let p = self.packet;
        let mut out = vec!["inscene".to_owned(), format!("inscene_reason_{}", tag(p.reason.wire_name()))];
        out.push(format!("inscene_priority_{}", name_of(&p.priority)));
        if let Some(s) = &p.scenario {
            out.push(format!("inscene_problem_{}", tag(s)));
        }
        for t in &self.mapping.tags {
            let t = tag(t);
            if !t.is_empty() && !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }

    /// Every mapped field with its value, in order; fields whose value the
    /// packet lacks (or holds as null) are left out.
    fn fields(&self) -> Result<Vec<(usize, &FieldRule, Value)>, DeskError> {
        let mut out = Vec::new();
        for (i, rule) in self.mapping.fields.iter().enumerate() {
            if rule.to.trim().is_empty() {
                return Err(err(
                    "desk.field_invalid",
                    "a field needs a desk field to go to",
                    Some(format!("/fields/{i}/to")),
                ));
            }
            let value = match rule.from.as_str() {
                "#summary" => Some(Value::String(summary(self.packet))),
                "#tags" => Some(Value::String(self.tags().join(","))),
                "#channels" => {
                    Some(Value::String(self.packet.channels.iter().map(name_of).collect::<Vec<_>>().join(",")))
                }
                "#path" => Some(Value::String(
                    self.packet.path.iter().map(|p| p.step.as_str()).collect::<Vec<_>>().join(" > "),
                )),
                p if p.starts_with('/') || p.is_empty() => self.doc.pointer(p).cloned(),
                other => {
                    return Err(err(
                        "desk.field_invalid",
                        format!(
                            "{other:?} is neither a JSON pointer (/reason) nor #summary, #tags, #channels or #path"
                        ),
                        Some(format!("/fields/{i}/from")),
                    ));
                }
            };
            if let Some(v) = value.filter(|v| !v.is_null()) {
                out.push((i, rule, v));
            }
        }
        Ok(out)
    }

    fn zendesk(&self) -> Result<Vec<Call>, DeskError> {
        let mut metadata = Map::new();
        for (_, rule, v) in self.fields()? {
            metadata.insert(format!("dataCapture.ticketField.{}", rule.to), Value::String(text_of(&v)));
        }
        metadata.insert("dataCapture.systemField.tags".into(), Value::String(self.tags().join(",")));
        let integration = self.mapping.switchboard_integration.clone().unwrap_or_else(|| "next".into());
        Ok(vec![Call {
            name: "passControl".into(),
            method: Some("POST".into()),
            path: Some("/v2/apps/{appId}/conversations/{conversationId}/passControl".into()),
            body: json!({ "switchboardIntegration": integration, "metadata": metadata }),
        }])
    }

    fn intercom(&self) -> Result<Vec<Call>, DeskError> {
        let mut attributes = Map::new();
        for (_, rule, v) in self.fields()? {
            attributes.insert(rule.to.clone(), scalar(v));
        }
        let mut calls = vec![Call {
            name: "update_conversation".into(),
            method: Some("PUT".into()),
            path: Some("/conversations/{conversationId}".into()),
            body: json!({ "custom_attributes": attributes }),
        }];
        if self.mapping.note {
            let admin = self.mapping.admin_id.clone().ok_or_else(|| {
                err(
                    "desk.option_missing",
                    "Intercom notes are written by an admin: set admin_id, or note: false",
                    Some("/admin_id".into()),
                )
            })?;
            let body: Vec<String> = note(self.packet).lines().map(|l| format!("<p>{}</p>", html(l))).collect();
            calls.push(Call {
                name: "reply".into(),
                method: Some("POST".into()),
                path: Some("/conversations/{conversationId}/reply".into()),
                body: json!({ "message_type": "note", "type": "admin", "admin_id": admin, "body": body.concat() }),
            });
        }
        Ok(calls)
    }

    fn salesforce(&self) -> Result<Vec<Call>, DeskError> {
        let mut fields = Map::new();
        for (_, rule, v) in self.fields()? {
            fields.insert(rule.to.clone(), Value::String(text_of(&v)));
        }
        Ok(vec![Call { name: "setHiddenPreChatFields".into(), method: None, path: None, body: Value::Object(fields) }])
    }

    fn helpshift(&self) -> Result<Vec<Call>, DeskError> {
        let mut cifs = Map::new();
        for (i, rule, v) in self.fields()? {
            let kind = rule.kind.unwrap_or(match v {
                Value::Number(_) => FieldKind::Number,
                Value::Bool(_) => FieldKind::Checkbox,
                _ => FieldKind::Singleline,
            });
            let wrong = |what: &str| {
                err("desk.value_type", format!("{} is not {what}", text_of(&v)), Some(format!("/fields/{i}/kind")))
            };
            let value = match kind {
                FieldKind::Singleline | FieldKind::Multiline | FieldKind::Dropdown => Value::String(text_of(&v)),
                FieldKind::Number => match &v {
                    Value::Number(_) => v.clone(),
                    Value::String(s) => {
                        let s = s.trim();
                        s.parse::<i64>()
                            .map(Value::from)
                            .or_else(|_| s.parse::<f64>().map(Value::from))
                            .map_err(|_| wrong("a number"))?
                    }
                    _ => return Err(wrong("a number")),
                },
                FieldKind::Checkbox => match &v {
                    Value::Bool(_) => v.clone(),
                    Value::String(s) if s == "true" || s == "false" => Value::Bool(s == "true"),
                    _ => return Err(wrong("true or false")),
                },
                FieldKind::Date => match v.as_i64() {
                    Some(seconds) => Value::from(seconds.saturating_mul(1000)),
                    None => return Err(wrong("a time in seconds since the Unix epoch")),
                },
            };
            cifs.insert(rule.to.clone(), json!({ "type": kind, "value": value }));
        }
        Ok(vec![Call { name: "setCustomIssueFields".into(), method: None, path: None, body: Value::Object(cifs) }])
    }

    fn chatwoot(&self) -> Result<Vec<Call>, DeskError> {
        let mut attributes = Map::new();
        for (i, rule, v) in self.fields()? {
            if CHATWOOT_RESERVED.contains(&rule.to.as_str()) {
                return Err(err(
                    "desk.reserved_key",
                    format!(
                        "{:?} is one of Chatwoot's own conversation attributes; name the custom attribute otherwise (inscene_{})",
                        rule.to, rule.to
                    ),
                    Some(format!("/fields/{i}/to")),
                ));
            }
            attributes.insert(rule.to.clone(), scalar(v));
        }
        let base = "/api/v1/accounts/{accountId}/conversations/{conversationId}";
        let call = |name: &str, tail: &str, body: Value| Call {
            name: name.into(),
            method: Some("POST".into()),
            path: Some(format!("{base}{tail}")),
            body,
        };
        let priority = match name_of(&self.packet.priority).as_str() {
            "urgent" => "urgent",
            "high" => "high",
            "low" => "low",
            _ => "medium",
        };
        let mut calls = vec![
            call("custom_attributes", "/custom_attributes", json!({ "custom_attributes": attributes })),
            call("labels", "/labels", json!({ "labels": self.tags() })),
        ];
        if self.mapping.note {
            calls.push(call(
                "messages",
                "/messages",
                json!({ "content": note(self.packet), "message_type": "outgoing", "private": true }),
            ));
        }
        calls.push(call("toggle_priority", "/toggle_priority", json!({ "priority": priority })));
        calls.push(call("toggle_status", "/toggle_status", json!({ "status": "open" })));
        Ok(calls)
    }

    fn django_helpdesk(&self) -> Result<Vec<Call>, DeskError> {
        let p = self.packet;
        let queues = &self.mapping.queues;
        let queue = p.queue.as_ref().and_then(|q| queues.get(q)).or_else(|| queues.get("*")).ok_or_else(|| {
            err(
                "desk.option_missing",
                format!(
                    "a django-helpdesk ticket needs a queue id: map {} or \"*\" in queues",
                    p.queue.as_deref().map_or("the packet's queue".to_owned(), |q| format!("{q:?}"))
                ),
                Some("/queues".into()),
            )
        })?;
        // django-helpdesk: 1 is the highest priority, 5 the lowest.
        let priority = match name_of(&p.priority).as_str() {
            "urgent" => 1,
            "high" => 2,
            "low" => 4,
            _ => 3,
        };
        let summary = note(p);
        let first = summary.lines().next().unwrap_or_default();
        let title: String = format!("inscene: {first}").chars().take(200).collect();
        let mut body = Map::new();
        body.insert("queue".into(), Value::from(*queue));
        body.insert("title".into(), Value::String(title));
        body.insert("description".into(), Value::String(summary));
        body.insert("priority".into(), Value::from(priority));
        for (_, rule, v) in self.fields()? {
            body.insert(format!("custom_{}", rule.to), scalar(v));
        }
        Ok(vec![Call {
            name: "create_ticket".into(),
            method: Some("POST".into()),
            path: Some("/api/tickets/".into()),
            body: Value::Object(body),
        }])
    }

    fn bot_framework(&self) -> Result<Vec<Call>, DeskError> {
        let c = self.mapping.conversation.as_ref().ok_or_else(|| {
            err(
                "desk.option_missing",
                "a Bot Framework handoff goes to a conversation: set conversation (channel_id, service_url, conversation_id, bot_id, user_id)",
                Some("/conversation".into()),
            )
        })?;
        let mut value = Map::new();
        value.insert("skill".into(), self.packet.queue.clone().map_or(Value::Null, Value::String));
        value.insert("priority".into(), Value::String(name_of(&self.packet.priority)));
        value.insert("reason".into(), Value::String(self.packet.reason.wire_name().to_owned()));
        value.insert("language".into(), Value::String(self.packet.language.clone()));
        value.insert("summary".into(), Value::String(summary(self.packet)));
        if let Some(g) = &self.packet.agent_guidance {
            value.insert("guidance".into(), Value::String(g.clone()));
        }
        for (_, rule, v) in self.fields()? {
            value.insert(rule.to.clone(), v);
        }
        let activities: Vec<Value> = self
            .packet
            .transcript
            .iter()
            .map(|l| {
                let (id, role) = match l.speaker {
                    Speaker::User => (c.user_id.as_str(), "user"),
                    Speaker::Bot | Speaker::System => (c.bot_id.as_str(), "bot"),
                };
                json!({ "type": "message", "text": l.text, "from": { "id": id, "role": role } })
            })
            .collect();
        // As botbuilder's `EventFactory.createHandoffInitiation` builds it from
        // the user's incoming activity (its `from`, and the conversation
        // reference in `relatesTo`); the SDK adds `id` and `timestamp` when
        // it sends.
        let conversation = json!({ "id": c.conversation_id });
        let mut relates = json!({
            "user": { "id": c.user_id },
            "bot": { "id": c.bot_id },
            "conversation": conversation,
            "channelId": c.channel_id,
            "locale": self.packet.language,
            "serviceUrl": c.service_url,
        });
        let mut activity = json!({
            "type": "event",
            "name": "handoff.initiate",
            "value": value,
            "conversation": conversation,
            "attachments": [{ "content": { "activities": activities }, "contentType": "application/json", "name": "Transcript" }],
            "entities": [],
            "from": { "id": c.user_id },
            "serviceUrl": c.service_url,
            "channelId": c.channel_id,
        });
        if let (Some(id), Some(obj), Some(rel)) = (&c.reply_to_id, activity.as_object_mut(), relates.as_object_mut()) {
            obj.insert("replyToId".into(), Value::String(id.clone()));
            rel.insert("activityId".into(), Value::String(id.clone()));
        }
        if let Some(obj) = activity.as_object_mut() {
            obj.insert("relatesTo".into(), relates);
        }
        Ok(vec![Call { name: "handoff.initiate".into(), method: None, path: None, body: activity }])
    }
}

/// What a desk says of a handoff, as the session's `desk_status` input
/// (`{"type": "desk_status", "state": ..., "position": ..., "reason": ...}`):
/// the host relays it to the session, through `apply` or `desk_status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Always `desk_status`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `queued`, `accepted`, `failed` or `completed`.
    pub state: &'static str,
    /// Place in the queue, when queued and the desk says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
    /// The failure's code, when failed (a code, never the desk's words: it
    /// reaches analytics).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn state(state: &'static str) -> Status {
    Status { kind: "desk_status", state, position: None, reason: None }
}

/// Reads what `desk` says of a handoff: for django-helpdesk the ticket as
/// its API returns it (`GET /api/tickets/{id}/`) and, to know the place in
/// the queue, the open tickets (`GET /api/tickets/?status=1,2`, one page
/// or its `results`); for Bot Framework the `handoff.status` event activity.
///
/// django-helpdesk: resolved, closed or duplicate is `completed`; an open
/// ticket with an agent assigned is `accepted`; otherwise `queued`, behind
/// the open, unassigned tickets of the same queue opened before it.
pub fn status(desk: Desk, reply: &Value, queue: Option<&Value>) -> Result<Status, DeskError> {
    let bad = |what: &str| err("desk.reply_invalid", format!("not {what}"), None);
    match desk {
        Desk::DjangoHelpdesk => {
            let id = reply.get("id").and_then(Value::as_u64).ok_or_else(|| bad("a django-helpdesk ticket (no id)"))?;
            let code = reply
                .get("status")
                .and_then(Value::as_u64)
                .ok_or_else(|| bad("a django-helpdesk ticket (no status)"))?;
            // django-helpdesk's Ticket.STATUS_CHOICES: 1 open, 2 reopened,
            // 3 resolved, 4 closed, 5 duplicate.
            match code {
                3..=5 => return Ok(state("completed")),
                1 | 2 => {}
                other => return Err(bad(&format!("a django-helpdesk ticket status ({other})"))),
            }
            if reply.get("assigned_to").is_some_and(|a| !a.is_null()) {
                return Ok(state("accepted"));
            }
            let mut queued = state("queued");
            if let Some(listing) = queue {
                let tickets = listing
                    .get("results")
                    .unwrap_or(listing)
                    .as_array()
                    .ok_or_else(|| bad("a django-helpdesk ticket listing"))?;
                let ahead = tickets
                    .iter()
                    .filter(|t| {
                        t.get("queue") == reply.get("queue")
                            && t.get("assigned_to").is_none_or(Value::is_null)
                            && matches!(t.get("status").and_then(Value::as_u64), Some(1 | 2))
                            && t.get("id").and_then(Value::as_u64).is_some_and(|other| other < id)
                    })
                    .count() as u64;
                queued.position = Some(ahead + 1);
            }
            Ok(queued)
        }
        Desk::BotFramework => {
            if reply.get("name").and_then(Value::as_str) != Some("handoff.status") {
                return Err(bad("a Bot Framework handoff.status event"));
            }
            match reply.pointer("/value/state").and_then(Value::as_str) {
                Some("accepted") => Ok(state("accepted")),
                Some("completed") => Ok(state("completed")),
                // The protocol's failure message is words for a person; the
                // session takes a code.
                Some("failed") => Ok(Status { reason: Some("bot_framework_failed".into()), ..state("failed") }),
                _ => Err(bad("a handoff.status state (accepted, failed or completed)")),
            }
        }
        other => Err(err(
            "desk.no_status",
            format!("{} reports status through its own webhooks; relay it with desk_status", other.name()),
            None,
        )),
    }
}

/// [`status`] from JSON texts: a desk's name, its reply and optionally the
/// queue listing; the `desk_status` input as JSON.
pub fn status_json(desk: &str, reply: &str, queue: Option<&str>) -> Result<String, DeskError> {
    let desk = desk_named(desk)?;
    let reply: Value = serde_json::from_str(reply).map_err(|e| err("desk.reply_invalid", e.to_string(), None))?;
    let queue: Option<Value> =
        queue.map(serde_json::from_str).transpose().map_err(|e| err("desk.reply_invalid", e.to_string(), None))?;
    let out = status(desk, &reply, queue.as_ref())?;
    serde_json::to_string(&out).map_err(|e| err("desk.reply_invalid", e.to_string(), None))
}

fn desk_named(name: &str) -> Result<Desk, DeskError> {
    Desk::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Desk::ALL.iter().map(|d| d.name()).collect();
        err("desk.unknown_desk", format!("no desk named {name:?}; one of {}", names.join(", ")), None)
    })
}

/// A value as desks' custom attributes take it: text, numbers and true or
/// false as they are, anything else as JSON text.
fn scalar(v: Value) -> Value {
    match v {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => v,
        other => Value::String(other.to_string()),
    }
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
