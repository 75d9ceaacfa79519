//! The document-wide rules: ids, locales, texts and templates, rules and
//! patterns, declarations, policy, crisis screening, scenarios and interventions.

use super::*;

impl<'a, F: FlowSource> Linter<'a, F> {
    pub(super) fn run(&mut self) {
        let doc = self.doc;
        let root = ROOT;
        self.id(&doc.catalog.id, &root.key("catalog").key("id"));
        self.locales();
        self.context_fields();
        self.actions_decl();
        self.policy(&doc.escalation_policy, &root.key("escalation_policy"));
        self.crisis();
        self.urgency();
        self.scenarios();
        if self.depth == Depth::Full {
            self.examples();
        }
        self.interventions();
        self.flows();
        self.flow_usage();
        self.call_cycles();
    }

    // ---- building blocks -------------------------------------------------

    pub(super) fn id(&mut self, id: &str, p: &Path<'_>) -> bool {
        let ok = is_valid_id(id, self.limits.max_id_bytes);
        if !ok {
            self.error(
                Code::InvalidId,
                p,
                format!("`{}` is not a valid id: use 1 to {} characters of A-Z a-z 0-9 _ . -, starting with a letter or digit", truncate(id), self.limits.max_id_bytes),
            );
        }
        ok
    }

    /// Checks ids of a list for syntax and uniqueness; `what` names the kind.
    /// Checks ids of a list for syntax and uniqueness; the id of item `i` is at `base/i/field`.
    pub(super) fn unique_ids<'b>(
        &mut self,
        ids: impl Iterator<Item = &'b str>,
        base: &Path<'_>,
        field: &str,
        what: &str,
    ) {
        let mut seen: FxHashMap<&'b str, usize> = FxHashMap::default();
        for (i, id) in ids.enumerate() {
            let item = base.index(i);
            let at = item.key(field);
            self.id(id, &at);
            if let Some(&first) = seen.get(id) {
                let first_item = base.index(first);
                let msg = format!("{what} id `{}` is already used at {}", truncate(id), first_item.key(field));
                self.error(Code::DuplicateId, &at, msg);
            } else {
                seen.insert(id, i);
            }
        }
    }

    pub(super) fn count(&mut self, n: usize, max: usize, p: &Path<'_>, what: &str) -> bool {
        if n > max {
            self.error(Code::LimitExceeded, p, format!("{n} {what}; the limit is {max}"));
            return false;
        }
        true
    }

    pub(super) fn locale_declared(&self, l: &str) -> bool {
        self.supported_locales.iter().any(|s| s.eq_ignore_ascii_case(l))
    }

    pub(super) fn text(&mut self, text: &LocalizedText, p: &Path<'_>, scope: Scope) {
        let default = self.doc.locales.default.as_str();
        for (locale, s) in text {
            let lp = p.key(locale);
            if !self.locale_declared(locale) {
                self.warn(
                    Code::UndeclaredLocale,
                    &lp,
                    format!("locale `{}` is not in locales.supported", truncate(locale)),
                );
            }
            let chars = s.chars().count();
            if chars > self.limits.max_text_chars {
                self.error(
                    Code::LimitExceeded,
                    &lp,
                    format!("text has {chars} characters; the limit is {}", self.limits.max_text_chars),
                );
                continue;
            }
            if s.contains(['{', '}']) {
                self.template(s, &lp, scope);
            }
        }
        if !text.keys().any(|k| k.eq_ignore_ascii_case(default)) {
            self.error(
                Code::MissingDefaultText,
                p,
                format!("text has no `{default}` version, the catalog's default locale"),
            );
        }
        let missing: Vec<&str> = self
            .supported_locales
            .iter()
            .copied()
            .filter(|l| !text.keys().any(|k| k.eq_ignore_ascii_case(l)))
            .collect();
        for l in missing {
            if !l.eq_ignore_ascii_case(default) {
                self.warn(Code::MissingTranslation, p, format!("no `{l}` translation; users in `{l}` see a fallback"));
            }
        }
    }

    pub(super) fn template(&mut self, s: &str, p: &Path<'_>, scope: Scope) {
        match i18n::parse_template(s) {
            Err(e) => self.error(Code::InvalidPlaceholder, p, format!("{} (at byte {})", e.reason, e.offset)),
            Ok(segments) => {
                for seg in segments {
                    if let i18n::Segment::Placeholder(name) = seg {
                        if !self.known_path(&name, scope) {
                            self.error(
                                Code::UnknownPlaceholder,
                                p,
                                format!(
                                    "placeholder `{{{name}}}` names no declared context field, answer or built-in field"
                                ),
                            );
                        }
                    }
                }
            }
        }
    }

    pub(super) fn known_path(&self, path: &str, scope: Scope) -> bool {
        if let Some(rest) = path.strip_prefix(ANSWERS_ROOT).and_then(|r| r.strip_prefix('.')) {
            let key = rest.split('.').next().unwrap_or(rest);
            return self.answers_open || self.answer_keys.contains(key);
        }
        if scope == Scope::Intervention && (path == EVENT_ROOT || path.starts_with("event.")) {
            return true;
        }
        if BUILTIN_FIELDS.contains(&path) || BUILTIN_CONTAINERS.iter().any(|c| has_prefix(path, c)) {
            return true;
        }
        if self.fields.contains_key(path) {
            return true;
        }
        // A sub-path of an open (object or list) field, or an object holding declared fields.
        self.fields.iter().any(|(f, open)| (*open && has_prefix(path, f)) || has_prefix(f, path))
    }

    pub(super) fn rule(&mut self, rule: &Value, p: &Path<'_>, scope: Scope) {
        let size = condition::measure(rule, self.limits.max_rule_nodes);
        if size.nodes > self.limits.max_rule_nodes || size.depth > self.limits.max_rule_depth {
            self.error(
                Code::LimitExceeded,
                p,
                format!(
                    "rule is too large: the limits are depth {} and {} values",
                    self.limits.max_rule_depth, self.limits.max_rule_nodes
                ),
            );
            return;
        }
        // At load the catalog compiles every rule once and reports failures at
        // the same pointers; the full lint compiles here.
        if self.depth == Depth::Full {
            let compiled = match self.evaluator.compile(rule) {
                Ok(c) => c,
                Err(e) => {
                    self.error(Code::InvalidCondition, p, format!("invalid JsonLogic: {e}"));
                    return;
                }
            };
            let empty = Value::Object(serde_json::Map::new());
            if self.evaluator.scope(&empty).try_holds(&compiled).is_none() {
                self.error(
                    Code::RuleTooCostly,
                    p,
                    "rule does more work than one evaluation may (its output or iterations grow too fast); it would never hold",
                );
                return;
            }
        }
        for path in condition::var_paths(rule) {
            if !self.known_path(&path, scope) {
                self.warn(
                    Code::UnknownVariable,
                    p,
                    format!("`{path}` names no declared context field, answer or built-in field"),
                );
            }
        }
    }

    /// Checks a regex. Trigger and crisis patterns (`indexed`) are parsed by the
    /// catalog's text index at load, so the load-time lint leaves them to it.
    pub(super) fn regex(&mut self, pattern: &str, p: &Path<'_>, indexed: bool) {
        if pattern.len() > self.limits.max_regex_bytes {
            self.error(
                Code::LimitExceeded,
                p,
                format!("pattern is {} bytes; the limit is {}", pattern.len(), self.limits.max_regex_bytes),
            );
            return;
        }
        if indexed && self.depth == Depth::Load {
            return;
        }
        let ast = match crate::text::parse(pattern, self.limits.max_regex_nesting) {
            Ok(ast) => ast,
            Err(e) => {
                self.error(Code::InvalidRegex, p, format!("invalid regular expression: {e}"));
                return;
            }
        };
        if self.depth == Depth::Full {
            if let Err(e) =
                crate::text::compile(pattern, self.limits.max_regex_compiled_bytes, self.limits.max_regex_nesting)
            {
                self.error(Code::InvalidRegex, p, format!("regular expression does not compile within limits: {e}"));
            }
            if indexed && !ast.as_ref().is_some_and(crate::text::has_required_literals) {
                // Counted like the catalog's text index counts them at load.
                let kind = usize::from(p.to_pointer().to_string().starts_with("/crisis/"));
                self.literal_free[kind] += 1;
                if self.literal_free[kind] > self.limits.max_literal_free_patterns {
                    let message = crate::text::literal_free_over_limit(self.limits.max_literal_free_patterns);
                    self.error(Code::LimitExceeded, p, message);
                } else {
                    self.warn(
                        Code::RegexNoLiteral,
                        p,
                        "pattern has no word it must contain, so it runs on every question; \
                         a literal (`refund`, `退款`) lets the index skip it"
                            .to_owned(),
                    );
                }
            }
            if ast.as_ref().is_some_and(crate::text::boundary_beside_non_ascii) {
                self.warn(
                    Code::RegexBoundaryNonAscii,
                    p,
                    "`\\b` next to a non-ASCII character: word boundaries are ASCII, so `\\b订单` holds only \
                     right after an ASCII letter or digit; drop the `\\b` for Chinese text"
                        .to_owned(),
                );
            }
        }
    }

    /// Keywords and patterns per locale (text triggers and crisis screening).
    pub(super) fn phrases(
        &mut self,
        by_locale: &std::collections::BTreeMap<String, Vec<String>>,
        p: &Path<'_>,
        regex: bool,
    ) {
        for (locale, items) in by_locale {
            let lp = p.key(locale);
            if !self.locale_declared(locale) {
                self.warn(
                    Code::UndeclaredLocale,
                    &lp,
                    format!("locale `{}` is not in locales.supported", truncate(locale)),
                );
            }
            if !self.count(items.len(), self.limits.max_phrases, &lp, "phrases") {
                continue;
            }
            for (i, item) in items.iter().enumerate() {
                let ip = lp.index(i);
                if item.trim().is_empty() {
                    self.error(Code::Schema, &ip, "empty phrase: it would match every text");
                } else if regex {
                    self.regex(item, &ip, true);
                } else if item.len() > self.limits.max_regex_bytes {
                    self.error(
                        Code::LimitExceeded,
                        &ip,
                        format!("keyword is {} bytes; the limit is {}", item.len(), self.limits.max_regex_bytes),
                    );
                }
            }
        }
    }

    /// For authors: an example written under two scenarios, and an example
    /// the text matcher ranks under another scenario than its own (which
    /// a user typing it would be sent to).
    pub(super) fn examples(&mut self) {
        let scenarios = &self.doc.scenarios;
        let list = ROOT.key("scenarios");
        let mut seen: FxHashMap<String, (usize, String)> = FxHashMap::default();
        let mut samples = Vec::new();
        for (i, s) in scenarios.iter().enumerate() {
            samples.extend(crate::intent::samples_of(i as u32, s));
            for (locale, items) in &s.examples {
                for (k, e) in items.iter().enumerate() {
                    let sp = list.index(i);
                    let ep = sp.key("examples");
                    let lp = ep.key(locale);
                    let at = lp.index(k);
                    let folded = crate::fold::fold(e).as_str().to_owned();
                    match seen.get(&folded) {
                        Some((j, first)) if *j != i => self.warn(
                            Code::DuplicateExample,
                            &at,
                            format!("the same example is under scenario `{}` at {first}", truncate(&scenarios[*j].id)),
                        ),
                        Some(_) => {}
                        None => {
                            seen.insert(folded, (i, at.to_pointer().to_string()));
                        }
                    }
                }
            }
        }
        if samples.is_empty() {
            return;
        }
        let model = crate::intent::IntentModel::build(&samples, scenarios.len());
        for (i, s) in scenarios.iter().enumerate() {
            for (locale, items) in &s.examples {
                for (k, e) in items.iter().enumerate() {
                    let Some(best) = model.rank(e, 1).into_iter().next() else { continue };
                    let j = best.class as usize;
                    if j == i {
                        continue;
                    }
                    let Some(other) = scenarios.get(j) else { continue };
                    let sp = list.index(i);
                    let ep = sp.key("examples");
                    let lp = ep.key(locale);
                    let at = lp.index(k);
                    self.warn(
                        Code::ExampleMisranked,
                        &at,
                        format!(
                            "typed as a question, this example finds scenario `{}` (/scenarios/{j}, {:.0}% sure) rather than its own: \
                             make it more specific, or move it",
                            truncate(&other.id),
                            best.confidence * 100.0
                        ),
                    );
                }
            }
        }
    }

    pub(super) fn channels(&mut self, channels: &Option<Vec<Channel>>, p: &Path<'_>) {
        if channels.as_ref().is_some_and(Vec::is_empty) {
            self.error(Code::Schema, p, "list at least one channel, or leave the field out for the default");
        }
    }

    pub(super) fn action_call(
        &mut self,
        action: &str,
        params: &std::collections::BTreeMap<String, Value>,
        p: &Path<'_>,
        scope: Scope,
    ) {
        let ap = p.key("action");
        let Some(&ix) = self.actions.get(action) else {
            self.error(Code::UnknownAction, &ap, format!("action `{}` is not declared in `actions`", truncate(action)));
            return;
        };
        let def = &self.doc.actions[ix];
        let pp = p.key("params");
        for (name, value) in params {
            if !def.params.iter().any(|d| &d.name == name) {
                self.warn(
                    Code::UnknownActionParam,
                    &pp.key(name),
                    format!("action `{action}` declares no parameter `{name}`"),
                );
            }
            if let Value::String(s) = value {
                self.template(s, &pp.key(name), scope);
            }
        }
        for d in &def.params {
            if d.required && !params.contains_key(&d.name) {
                self.error(Code::MissingActionParam, &pp, format!("action `{action}` requires parameter `{}`", d.name));
            }
        }
    }

    pub(super) fn flow_ref(&mut self, flow: &str, p: &Path<'_>) {
        if self.flows.get(flow).is_none() {
            self.error(Code::DanglingFlow, p, format!("no flow has id `{}`", truncate(flow)));
        }
    }

    // ---- sections ----------------------------------------------------------

    pub(super) fn locales(&mut self) {
        let l = &self.doc.locales;
        let p = ROOT.key("locales");
        self.count(l.supported.len(), self.limits.max_locales, &p.key("supported"), "locales");
        let mut seen = FxHashSet::default();
        for (i, tag) in l.supported.iter().enumerate() {
            if !i18n::is_locale_tag(tag) {
                self.error(
                    Code::InvalidLocale,
                    &p.key("supported").index(i),
                    format!("`{}` is not a locale tag like `en` or `zh-Hans`", truncate(tag)),
                );
            }
            if !seen.insert(tag.to_ascii_lowercase()) {
                self.error(Code::DuplicateId, &p.key("supported").index(i), format!("locale `{tag}` is listed twice"));
            }
        }
        if !self.locale_declared(&l.default) {
            self.error(
                Code::InvalidLocale,
                &p.key("default"),
                format!("default locale `{}` is not in locales.supported", truncate(&l.default)),
            );
        }
        for (from, tos) in &l.fallbacks {
            let fallbacks = p.key("fallbacks");
            let fp = fallbacks.key(from);
            if !self.locale_declared(from) {
                self.error(
                    Code::InvalidLocale,
                    &fp,
                    format!("fallbacks are given for `{}`, which is not in locales.supported", truncate(from)),
                );
            }
            for (i, to) in tos.iter().enumerate() {
                if !self.locale_declared(to) {
                    self.error(
                        Code::InvalidLocale,
                        &fp.index(i),
                        format!("fallback `{}` is not in locales.supported", truncate(to)),
                    );
                }
            }
        }
    }

    pub(super) fn context_fields(&mut self) {
        let ctx = ROOT.key("context");
        let p = ctx.key("fields");
        let fields = &self.doc.context.fields;
        self.count(fields.len(), self.limits.max_declarations, &p, "context fields");
        let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, f) in fields.iter().enumerate() {
            let field = p.index(i);
            let fp = field.key("path");
            if i18n::parse_template(&format!("{{{}}}", f.path)).is_err() || f.path.contains('{') {
                self.error(
                    Code::InvalidId,
                    &fp,
                    format!("`{}` is not a dotted path like `entities.order.id`", truncate(&f.path)),
                );
            }
            if f.path == ANSWERS_ROOT || f.path.starts_with("answers.") || BUILTIN_FIELDS.contains(&f.path.as_str()) {
                self.error(Code::DuplicateId, &fp, format!("`{}` is reserved or built in; do not declare it", f.path));
            }
            if let Some(first) = seen.insert(f.path.as_str(), i) {
                self.error(
                    Code::DuplicateId,
                    &fp,
                    format!("context field `{}` is already declared at {}", f.path, p.index(first)),
                );
            }
        }
    }

    pub(super) fn actions_decl(&mut self) {
        let p = ROOT.key("actions");
        let actions = &self.doc.actions;
        self.count(actions.len(), self.limits.max_declarations, &p, "actions");
        self.unique_ids(actions.iter().map(|a| a.id.as_str()), &p, "id", "action");
        for (i, a) in actions.iter().enumerate() {
            let pp_parent = p.index(i);
            let pp = pp_parent.key("params");
            self.unique_ids(a.params.iter().map(|d| d.name.as_str()), &pp, "name", "parameter");
        }
    }

    pub(super) fn policy(&mut self, policy: &EscalationPolicy, p: &Path<'_>) {
        for (name, v) in [
            ("offer_after_unhelpful", policy.offer_after_unhelpful),
            ("force_after_unhelpful", policy.force_after_unhelpful),
            ("offer_on_visit", policy.offer_on_visit),
        ] {
            if v == Some(0) {
                self.error(Code::OutOfRange, &p.key(name), "must be at least 1");
            }
        }
        if let (Some(offer), Some(force)) = (policy.offer_after_unhelpful, policy.force_after_unhelpful) {
            if force < offer {
                self.warn(
                    Code::OutOfRange,
                    &p.key("force_after_unhelpful"),
                    "escalation is forced before a human is offered",
                );
            }
        }
        self.channels(&policy.channels, &p.key("channels"));
        if let Some(l) = &policy.agent_language {
            if !self.locale_declared(l) {
                self.warn(
                    Code::UndeclaredLocale,
                    &p.key("agent_language"),
                    format!("agent language `{}` is not in locales.supported", truncate(l)),
                );
            }
        }
        let hours_path = p.key("hours");
        for (queue, hours) in policy.hours.iter().flatten() {
            let hp = hours_path.key(queue);
            let open_path = hp.key("open");
            if !(-1440..=1440).contains(&hours.utc_offset_minutes) {
                self.error(Code::OutOfRange, &hp.key("utc_offset_minutes"), "must be within a day (-1440 to 1440)");
            }
            if hours.open.is_empty() {
                self.warn(
                    Code::OutOfRange,
                    &open_path,
                    "no opening window: live channels of this queue are always closed",
                );
            }
            for (i, w) in hours.open.iter().enumerate() {
                let wp = open_path.index(i);
                if w.days.is_empty() || w.day_numbers().is_none() {
                    self.error(Code::Schema, &wp.key("days"), "days are mon, tue, wed, thu, fri, sat and sun");
                }
                if w.minutes().is_none() {
                    self.error(
                        Code::Schema,
                        &wp,
                        format!(
                            "`from` {:?} and `to` {:?} must be HH:MM (24-hour, `24:00` for midnight), `from` first",
                            w.from, w.to
                        ),
                    );
                }
            }
        }
        if let Some(segments) = &policy.segments {
            let sp = p.key("segments");
            self.unique_ids(segments.iter().map(|s| s.segment.as_str()), &sp, "segment", "segment");
            for (i, s) in segments.iter().enumerate() {
                self.channels(&s.channels, &sp.index(i).key("channels"));
                if let Some(when) = &s.when {
                    self.rule(when, &sp.index(i).key("when"), Scope::Context);
                }
            }
        }
    }

    pub(super) fn crisis(&mut self) {
        let p = ROOT.key("crisis");
        let Some(crisis) = &self.doc.crisis else {
            self.warn(
                Code::NoCrisisScreening,
                &ROOT,
                "no `crisis` section: the built-in lexicon screens free text, but a user in crisis is shown \
                 generic resources with no hotline and routed to the default queue; add `crisis.resources`",
            );
            return;
        };
        if !crisis.builtin {
            self.warn(
                Code::CrisisBuiltinOff,
                &p.key("builtin"),
                "the built-in crisis lexicon is off: only this section's phrases are screened, \
                 and most ways people write about crisis go unnoticed",
            );
        }
        self.phrases(&crisis.keywords, &p.key("keywords"), false);
        self.phrases(&crisis.patterns, &p.key("patterns"), true);
        self.phrases(&crisis.exclude, &p.key("exclude"), true);
        if !crisis.builtin && crisis.keywords.values().chain(crisis.patterns.values()).all(Vec::is_empty) {
            self.error(Code::Schema, &p, "with the built-in lexicon off, crisis screening needs a keyword or pattern");
        }
        self.text(&crisis.resources, &p.key("resources"), Scope::Context);
        self.channels(&crisis.channels, &p.key("channels"));
    }

    pub(super) fn urgency(&mut self) {
        let p = ROOT.key("urgency");
        let rules = &self.doc.urgency;
        self.count(rules.len(), self.limits.max_declarations, &p, "urgency rules");
        self.unique_ids(rules.iter().map(|r| r.id.as_str()), &p, "id", "urgency rule");
        for (i, r) in rules.iter().enumerate() {
            self.rule(&r.when, &p.index(i).key("when"), Scope::Context);
        }
    }

    pub(super) fn scenarios(&mut self) {
        let p = ROOT.key("scenarios");
        let scenarios = &self.doc.scenarios;
        if !self.count(scenarios.len(), self.limits.max_scenarios, &p, "scenarios") {
            return;
        }
        self.unique_ids(scenarios.iter().map(|s| s.id.as_str()), &p, "id", "scenario");
        for (i, s) in scenarios.iter().enumerate() {
            let sp = p.index(i);
            self.text(&s.title, &sp.key("title"), Scope::Context);
            if let Some(summary) = &s.summary {
                self.text(summary, &sp.key("summary"), Scope::Context);
            }
            if s.priority > 100 {
                self.error(Code::OutOfRange, &sp.key("priority"), format!("priority {} is above 100", s.priority));
            }
            if let Some(audience) = &s.audience {
                self.rule(audience, &sp.key("audience"), Scope::Context);
            }
            self.flow_ref(&s.flow, &sp.key("flow"));
            let tp = sp.key("triggers");
            if s.triggers.is_empty() && s.examples.values().all(Vec::is_empty) {
                self.warn(
                    Code::NoTriggers,
                    &tp,
                    "no triggers and no examples: the scenario is never suggested, only started by id",
                );
            }
            self.phrases(&s.examples, &sp.key("examples"), false);
            if !self.count(s.triggers.len(), self.limits.max_triggers, &tp, "triggers") {
                continue;
            }
            for (j, t) in s.triggers.iter().enumerate() {
                self.trigger(t, &tp.index(j));
            }
        }
    }

    pub(super) fn trigger(&mut self, t: &Trigger, p: &Path<'_>) {
        let w = t.weight();
        if !w.is_finite() || w < 0.0 {
            self.error(Code::OutOfRange, &p.key("weight"), "weight must be a finite number of at least 0");
        }
        match t {
            Trigger::Screen { patterns, .. } => {
                if patterns.is_empty() {
                    self.error(Code::Schema, &p.key("patterns"), "list at least one screen pattern");
                }
                self.count(patterns.len(), self.limits.max_phrases, &p.key("patterns"), "patterns");
                for (i, pat) in patterns.iter().enumerate() {
                    if pat.trim().is_empty() || pat.split('/').any(|seg| seg.contains('*') && seg != "*" && seg != "**")
                    {
                        self.error(
                            Code::Schema,
                            &p.key("patterns").index(i),
                            "screen patterns are `/`-separated segments; `*` and `**` must stand alone in a segment",
                        );
                    }
                    let segments = pat.split('/').count();
                    if segments > crate::limits::MAX_GLOB_SEGMENTS {
                        self.error(
                            Code::LimitExceeded,
                            &p.key("patterns").index(i),
                            format!(
                                "screen pattern has {segments} segments; the limit is {}",
                                crate::limits::MAX_GLOB_SEGMENTS
                            ),
                        );
                    }
                }
            }
            Trigger::Event { names, codes, .. } => {
                if names.is_empty() {
                    self.error(Code::Schema, &p.key("names"), "list at least one event name");
                }
                self.count(names.len() + codes.len(), self.limits.max_phrases, p, "event names and codes");
            }
            Trigger::Condition { rule, .. } => self.rule(rule, &p.key("rule"), Scope::Context),
            Trigger::Text { keywords, patterns, .. } => {
                if keywords.values().chain(patterns.values()).all(Vec::is_empty) {
                    self.error(Code::Schema, p, "a text trigger needs at least one keyword or pattern");
                }
                self.phrases(keywords, &p.key("keywords"), false);
                self.phrases(patterns, &p.key("patterns"), true);
            }
        }
    }

    pub(super) fn interventions(&mut self) {
        let p = ROOT.key("interventions");
        let list = &self.doc.interventions;
        self.count(list.len(), self.limits.max_declarations, &p, "interventions");
        self.unique_ids(list.iter().map(|v| v.id.as_str()), &p, "id", "intervention");
        for (i, v) in list.iter().enumerate() {
            let ip = p.index(i);
            if v.events.is_empty() {
                self.error(Code::Schema, &ip.key("events"), "list at least one event name");
            }
            if let Some(when) = &v.when {
                self.rule(when, &ip.key("when"), Scope::Intervention);
            }
            self.text(&v.message, &ip.key("message"), Scope::Intervention);
            if let Some(edu) = &v.education {
                self.text(edu, &ip.key("education"), Scope::Intervention);
            }
            if let Some(call) = &v.hold_action {
                self.action_call(&call.action, &call.params, &ip.key("hold_action"), Scope::Intervention);
            }
            if let Some(h) = &v.human {
                if h.channels.is_empty() {
                    self.error(Code::Schema, &ip.key("human").key("channels"), "list at least one channel");
                }
                self.id(&h.reason, &ip.key("human").key("reason"));
            }
            if let Some(f) = &v.flow {
                self.flow_ref(f, &ip.key("flow"));
            }
        }
    }
}

pub(super) fn has_prefix(path: &str, prefix: &str) -> bool {
    path.len() > prefix.len() && path.starts_with(prefix) && path.as_bytes()[prefix.len()] == b'.'
}

/// Keeps content excerpts in messages short.
pub(super) fn truncate(s: &str) -> String {
    if s.chars().count() <= 60 { s.to_owned() } else { format!("{}…", s.chars().take(60).collect::<String>()) }
}
