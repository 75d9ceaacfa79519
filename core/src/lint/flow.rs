//! The flows: each flow's steps, its graph (reachability, loops, dead ends)
//! and the calls between flows.

use super::*;

impl<'a, F: FlowSource> Linter<'a, F> {
    pub(super) fn flows(&mut self) {
        let p = ROOT.key("flows");
        let flows = &self.doc.flows;
        if !self.count(flows.len(), self.limits.max_flows, &p, "flows") {
            return;
        }
        self.unique_ids(flows.iter().map(|f| f.id()), &p, "id", "flow");
        for (i, f) in flows.iter().enumerate() {
            if let Some(flow) = f.parsed() {
                self.flow(flow, &p.index(i));
            }
        }
    }

    pub(super) fn flow(&mut self, flow: &'a Flow, p: &Path<'_>) {
        if let Some(title) = &flow.title {
            self.text(title, &p.key("title"), Scope::Context);
        }
        if let Some(policy) = &flow.escalation_policy {
            self.policy(policy, &p.key("escalation_policy"));
        }
        let sp = p.key("steps");
        if flow.steps.is_empty() {
            self.error(Code::EmptyFlow, &sp, "a flow needs at least one step");
            return;
        }
        if !self.count(flow.steps.len(), self.limits.max_steps_per_flow, &sp, "steps") {
            return;
        }
        self.unique_ids(flow.steps.iter().map(|s| s.id.as_str()), &sp, "id", "step");
        for (i, step) in flow.steps.iter().enumerate() {
            self.step(&step.kind, &sp.index(i));
        }
        self.graph(flow, p);
    }

    pub(super) fn step(&mut self, kind: &StepKind, p: &Path<'_>) {
        let s = Scope::Context;
        match kind {
            StepKind::Message { text, .. } => self.text(text, &p.key("text"), s),
            StepKind::Choice { text, options } => {
                self.text(text, &p.key("text"), s);
                let op = p.key("options");
                if self.count(options.len(), self.limits.max_options, &op, "options") {
                    self.unique_ids(options.iter().map(|o| o.id.as_str()), &op, "id", "option");
                    for (i, o) in options.iter().enumerate() {
                        self.text(&o.label, &op.index(i).key("label"), s);
                    }
                }
            }
            StepKind::Check { branches, .. } => {
                let bp = p.key("branches");
                if self.count(branches.len(), self.limits.max_options, &bp, "branches") {
                    for (i, b) in branches.iter().enumerate() {
                        self.rule(&b.when, &bp.index(i).key("when"), s);
                    }
                }
            }
            StepKind::Action { text, action, params, save_as, .. } => {
                if let Some(t) = text {
                    self.text(t, &p.key("text"), s);
                }
                self.action_call(action, params, p, s);
                if let Some(k) = save_as {
                    self.id(k, &p.key("save_as"));
                }
            }
            StepKind::Input { text, save_as, pattern, max_length, error, .. } => {
                self.text(text, &p.key("text"), s);
                self.id(save_as, &p.key("save_as"));
                if let Some(pat) = pattern {
                    self.regex(pat, &p.key("pattern"), false);
                }
                if *max_length == Some(0) {
                    self.error(Code::OutOfRange, &p.key("max_length"), "must be at least 1");
                }
                if let Some(e) = error {
                    self.text(e, &p.key("error"), s);
                }
            }
            StepKind::Resolution { text, .. } => self.text(text, &p.key("text"), s),
            StepKind::Escalation { text, channels, reason, agent_guidance, .. } => {
                self.text(text, &p.key("text"), s);
                if let Some(g) = agent_guidance {
                    self.text(g, &p.key("agent_guidance"), s);
                }
                self.channels(channels, &p.key("channels"));
                self.id(reason, &p.key("reason"));
            }
            StepKind::Flow { flow, .. } => self.flow_ref(flow, &p.key("flow")),
        }
    }

    /// Graph checks of one flow: dangling references, dead ends, unreachable
    /// steps, cycles with no exit, and whether an outcome can be reached at all.
    pub(super) fn graph(&mut self, flow: &Flow, p: &Path<'_>) {
        let sp = p.key("steps");
        let mut index: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, s) in flow.steps.iter().enumerate() {
            index.entry(s.id.as_str()).or_insert(i);
        }
        let n = flow.steps.len();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut outcome = vec![false; n];
        for (i, step) in flow.steps.iter().enumerate() {
            let here = sp.index(i);
            // (target step, where the reference stands: field, or list and position)
            let mut refs: Vec<(&str, &'static str, Option<usize>)> = Vec::new();
            match &step.kind {
                StepKind::Message { next, .. } => refs.extend(next.as_deref().map(|n| (n, "next", None))),
                StepKind::Choice { options, .. } => {
                    refs.extend(options.iter().enumerate().map(|(j, o)| (o.next.as_str(), "options", Some(j))))
                }
                StepKind::Check { branches, otherwise } => {
                    refs.extend(branches.iter().enumerate().map(|(j, b)| (b.next.as_str(), "branches", Some(j))));
                    refs.push((otherwise, "otherwise", None));
                }
                StepKind::Action { on_success, on_failure, on_cancelled, .. } => {
                    refs.push((on_success, "on_success", None));
                    refs.push((on_failure, "on_failure", None));
                    refs.extend(on_cancelled.as_deref().map(|n| (n, "on_cancelled", None)));
                }
                StepKind::Input { next, .. } => refs.push((next, "next", None)),
                StepKind::Resolution { .. } | StepKind::Escalation { .. } => outcome[i] = true,
                StepKind::Flow { mode: FlowMode::Goto, next, .. } => {
                    outcome[i] = true;
                    if next.is_some() {
                        self.warn(
                            Code::UnknownField,
                            &here.key("next"),
                            "`next` is only used with mode `call`; a `goto` never returns",
                        );
                    }
                }
                StepKind::Flow { mode: FlowMode::Call, next, .. } => {
                    refs.extend(next.as_deref().map(|n| (n, "next", None)))
                }
            }
            if refs.is_empty() && !outcome[i] {
                let why = match &step.kind {
                    StepKind::Choice { .. } => "a choice needs at least one option",
                    StepKind::Flow { .. } => "a `call` needs `next`, where the flow continues after the call returns",
                    _ => "this step is not a resolution or escalation but has no `next`",
                };
                self.error(Code::DeadEnd, &here, format!("step `{}` is a dead end: {why}", step.id));
            }
            for (target, field, position) in refs {
                match index.get(target) {
                    Some(&t) => edges[i].push(t),
                    None => {
                        let list = here.key(field);
                        let item = position.map(|j| list.index(j));
                        let at = match &item {
                            Some(item) => item.key("next"),
                            None => list,
                        };
                        self.error(
                            Code::DanglingNext,
                            &at,
                            format!("no step `{}` in flow `{}`", truncate(target), flow.id),
                        );
                    }
                }
            }
        }

        let start = match &flow.start {
            None => 0,
            Some(s) => match index.get(s.as_str()) {
                Some(&i) => i,
                None => {
                    self.error(
                        Code::DanglingNext,
                        &p.key("start"),
                        format!("start step `{}` is not in flow `{}`", truncate(s), flow.id),
                    );
                    return;
                }
            },
        };

        let mut reachable = vec![false; n];
        let mut stack = vec![start];
        reachable[start] = true;
        while let Some(i) = stack.pop() {
            for &t in &edges[i] {
                if !reachable[t] {
                    reachable[t] = true;
                    stack.push(t);
                }
            }
        }
        for (i, r) in reachable.iter().enumerate() {
            if !r {
                self.warn(
                    Code::UnreachableStep,
                    &sp.index(i),
                    format!("step `{}` cannot be reached from the start of flow `{}`", flow.steps[i].id, flow.id),
                );
            }
        }

        let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, targets) in edges.iter().enumerate() {
            for &t in targets {
                reverse[t].push(i);
            }
        }
        let mut can_finish = outcome.clone();
        let mut stack: Vec<usize> = (0..n).filter(|&i| outcome[i]).collect();
        while let Some(i) = stack.pop() {
            for &s in &reverse[i] {
                if !can_finish[s] {
                    can_finish[s] = true;
                    stack.push(s);
                }
            }
        }
        if !can_finish[start] {
            self.error(
                Code::NoOutcome,
                p,
                format!("no resolution or human escalation can be reached from the start of flow `{}`", flow.id),
            );
        }
        for component in strongly_connected(&edges) {
            let cyclic = component.len() > 1 || component.first().is_some_and(|&c| edges[c].contains(&c));
            let Some(&first) = component.iter().min() else {
                continue;
            };
            if cyclic && reachable[first] && !can_finish[first] {
                let mut ids: Vec<&str> = component.iter().map(|&c| flow.steps[c].id.as_str()).collect();
                crate::order::by(&mut ids, Ord::cmp);
                self.error(
                    Code::CycleNoExit,
                    &sp.index(first),
                    format!("steps {} loop with no way out to a resolution or escalation", ids.join(", ")),
                );
            }
        }
    }

    pub(super) fn flow_usage(&mut self) {
        let doc = self.doc;
        if self.answers_open {
            // Flow steps of unparsed flows may use any flow; only a full lint can tell.
            return;
        }
        let mut used: FxHashSet<&str> = FxHashSet::default();
        used.extend(doc.scenarios.iter().map(|s| s.flow.as_str()));
        used.extend(doc.interventions.iter().filter_map(|v| v.flow.as_deref()));
        for f in doc.flows.iter().filter_map(F::parsed) {
            for s in &f.steps {
                if let StepKind::Flow { flow, .. } = &s.kind {
                    if flow != &f.id {
                        used.insert(flow);
                    }
                }
            }
        }
        let p = ROOT.key("flows");
        for (i, f) in doc.flows.iter().enumerate() {
            if !used.contains(f.id()) {
                self.warn(
                    Code::UnusedFlow,
                    &p.index(i),
                    format!("flow `{}` is not started by any scenario, intervention or flow step", f.id()),
                );
            }
        }
    }

    /// Flows that `call` each other in a cycle would never return.
    pub(super) fn call_cycles(&mut self) {
        let flows = &self.doc.flows;
        // calls[i] = (callee flow index, pointer of the calling step)
        let mut calls: Vec<Vec<(usize, Pointer)>> = vec![Vec::new(); flows.len()];
        for (i, f) in flows.iter().enumerate() {
            let Some(f) = f.parsed() else { continue };
            for (j, s) in f.steps.iter().enumerate() {
                if let StepKind::Flow { flow, mode: FlowMode::Call, .. } = &s.kind {
                    if let Some(t) = self.flows.get(flow.as_str()) {
                        calls[i].push((t, ROOT.key("flows").index(i).key("steps").index(j).key("flow").to_pointer()));
                    }
                }
            }
        }
        if calls.iter().all(Vec::is_empty) {
            return;
        }
        let adjacency: Vec<Vec<usize>> = calls.iter().map(|c| c.iter().map(|(t, _)| *t).collect()).collect();
        for component in strongly_connected(&adjacency) {
            let cyclic = component.len() > 1 || component.first().is_some_and(|&c| adjacency[c].contains(&c));
            if !cyclic {
                continue;
            }
            let members: FxHashSet<usize> = component.iter().copied().collect();
            let Some(&first) = component.iter().min() else {
                continue;
            };
            if let Some((_, at)) = calls[first].iter().find(|(t, _)| members.contains(t)) {
                let mut ids: Vec<&str> = component.iter().map(|&c| flows[c].id()).collect();
                crate::order::by(&mut ids, Ord::cmp);
                self.out.push(Diagnostic::at(
                    Code::RecursiveFlow,
                    Severity::Error,
                    at,
                    format!("flows {} call each other in a cycle", ids.join(", ")),
                ));
            }
        }
    }
}

/// Strongly connected components (Tarjan), iterative so that deep graphs
/// cannot overflow the stack. Each component lists node indices.
pub(crate) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    let mut next_index = 0usize;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, position in its edge list)
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if let Some(&w) = edges[v].get(*pos) {
                *pos += 1;
                if w >= n {
                    continue;
                }
                if index[w] == usize::MAX {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    out.push(component);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::disallowed_methods)] // test code: its size does not ship
    fn scc_finds_cycles_and_singletons() {
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![]];
        let mut comps: Vec<Vec<usize>> = strongly_connected(&edges)
            .into_iter()
            .map(|mut c| {
                c.sort_unstable();
                c
            })
            .collect();
        comps.sort();
        assert_eq!(comps, vec![vec![0, 1, 2], vec![3], vec![4]]);
    }

    #[test]
    fn scc_handles_long_chains_without_recursion() {
        let n = 200_000;
        let edges: Vec<Vec<usize>> = (0..n).map(|i| if i + 1 < n { vec![i + 1] } else { vec![0] }).collect();
        let comps = strongly_connected(&edges);
        assert_eq!(comps.len(), 1);
        assert_eq!(comps[0].len(), n);
    }
}
