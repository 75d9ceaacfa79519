//! `graph`: a flow as a picture (Mermaid or Graphviz DOT text).

use std::path::Path;
use std::process::ExitCode;

use inscene::content::{CatalogDoc, Flow, FlowMode, LocalizedText, StepKind};

use crate::fail;

/// Output format of `graph`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum GraphFormat {
    /// Mermaid flowchart (renders in GitHub, GitLab and many editors).
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// SVG, laid out and drawn without external tools (layout-rs).
    Svg,
}

struct Node {
    id: String,
    label: String,
    kind: &'static str,
}

struct Edge {
    from: String,
    to: String,
    label: String,
}

fn text(t: &LocalizedText, locale: &str) -> String {
    t.get(locale).or_else(|| t.values().next()).unwrap_or_default().to_owned()
}

fn short(s: &str) -> String {
    let s: String = s.chars().take(40).collect();
    s.replace(['"', '\n', '[', ']', '{', '}', '<', '>', '|'], " ")
}

fn shape(flow: &Flow, locale: &str) -> (Vec<Node>, Vec<Edge>) {
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut edge = |from: &str, to: &str, label: &str| {
        edges.push(Edge { from: from.to_owned(), to: to.to_owned(), label: short(label) });
    };
    for step in &flow.steps {
        let (kind, label) = match &step.kind {
            StepKind::Message { text: t, next } => {
                next.iter().for_each(|n| edge(&step.id, n, ""));
                ("message", text(t, locale))
            }
            StepKind::Choice { text: t, options } => {
                options.iter().for_each(|o| edge(&step.id, &o.next, &text(&o.label, locale)));
                ("choice", text(t, locale))
            }
            StepKind::Check { branches, otherwise } => {
                branches.iter().enumerate().for_each(|(i, b)| edge(&step.id, &b.next, &format!("branch {}", i + 1)));
                edge(&step.id, otherwise, "otherwise");
                ("check", "check".to_owned())
            }
            StepKind::Action { action, on_success, on_failure, on_cancelled, .. } => {
                edge(&step.id, on_success, "success");
                edge(&step.id, on_failure, "failure");
                on_cancelled.iter().for_each(|c| edge(&step.id, c, "cancelled"));
                ("action", format!("action {action}"))
            }
            StepKind::Input { text: t, save_as, next, .. } => {
                edge(&step.id, next, "");
                ("input", format!("{} -> {save_as}", text(t, locale)))
            }
            StepKind::Resolution { text: t, .. } => ("resolution", format!("RESOLVED: {}", text(t, locale))),
            StepKind::Escalation { reason, channels, .. } => {
                let ch = channels.as_ref().map(|c| format!(" {c:?}")).unwrap_or_default();
                ("escalation", format!("HUMAN: {reason}{ch}"))
            }
            StepKind::Flow { flow: target, mode, next } => {
                next.iter().for_each(|n| edge(&step.id, n, "returns"));
                let verb = if *mode == FlowMode::Call { "call" } else { "go to" };
                ("flow", format!("{verb} flow {target}"))
            }
        };
        nodes.push(Node { id: step.id.clone(), label: short(&label), kind });
    }
    (nodes, edges)
}

fn safe_id(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

fn mermaid(flow: &Flow, nodes: &[Node], edges: &[Edge]) -> String {
    let mut out = format!("%% flow {}\nflowchart TD\n", flow.id);
    for n in nodes {
        let id = safe_id(&n.id);
        let body = format!("{}: {}", n.id, n.label);
        out.push_str(&match n.kind {
            "choice" | "check" => format!("  {id}{{\"{body}\"}}\n"),
            "resolution" => format!("  {id}([\"{body}\"]):::resolution\n"),
            "escalation" => format!("  {id}{{{{\"{body}\"}}}}:::escalation\n"),
            "action" => format!("  {id}[/\"{body}\"/]\n"),
            "flow" => format!("  {id}[[\"{body}\"]]\n"),
            _ => format!("  {id}[\"{body}\"]\n"),
        });
    }
    for e in edges {
        let (from, to) = (safe_id(&e.from), safe_id(&e.to));
        if e.label.is_empty() {
            out.push_str(&format!("  {from} --> {to}\n"));
        } else {
            out.push_str(&format!("  {from} -->|\"{}\"| {to}\n", e.label));
        }
    }
    out.push_str(
        "  classDef resolution fill:#d4f7d4,stroke:#2e7d32\n  classDef escalation fill:#ffe0e0,stroke:#c62828\n",
    );
    out
}

fn dot(flow: &Flow, nodes: &[Node], edges: &[Edge]) -> String {
    let mut out = format!("digraph \"{}\" {{\n  rankdir=TB;\n  node [fontname=\"sans-serif\"];\n", flow.id);
    for n in nodes {
        let style = match n.kind {
            "choice" | "check" => "shape=diamond",
            "resolution" => "shape=box, style=\"rounded,filled\", fillcolor=\"#d4f7d4\", color=\"#2e7d32\"",
            "escalation" => "shape=hexagon, style=filled, fillcolor=\"#ffe0e0\", color=\"#c62828\"",
            "action" => "shape=parallelogram",
            "flow" => "shape=box, peripheries=2",
            _ => "shape=box",
        };
        out.push_str(&format!("  \"{}\" [label=\"{}: {}\", {style}];\n", n.id, n.id, n.label));
    }
    for e in edges {
        out.push_str(&format!("  \"{}\" -> \"{}\" [label=\"{}\"];\n", e.from, e.to, e.label));
    }
    out.push_str("}\n");
    out
}

/// Draws the flow as SVG with layout-rs. Resolutions are green and rounded,
/// escalations red with a heavy border, questions yellow, actions blue.
/// The renderer is third-party code: a panic in it becomes an error here.
fn svg(nodes: &[Node], edges: &[Edge]) -> Result<String, String> {
    use layout::backends::svg::SVGWriter;
    use layout::core::base::Orientation;
    use layout::core::color::Color;
    use layout::core::style::StyleAttr;
    use layout::std_shapes::render::get_shape_size;
    use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
    use layout::topo::layout::VisualGraph;

    let render = || {
        let dir = Orientation::TopToBottom;
        let mut graph = VisualGraph::new(dir);
        let mut handles = std::collections::HashMap::new();
        for n in nodes {
            let (fill, line, width, rounded) = match n.kind {
                "resolution" => ("#d4f7d4", "#2e7d32", 2, 15),
                "escalation" => ("#ffe0e0", "#c62828", 4, 0),
                "choice" | "check" => ("lightyellow", "black", 2, 0),
                "action" => ("lightblue", "black", 2, 0),
                "flow" => ("honeydew", "black", 2, 0),
                _ => ("white", "black", 2, 0),
            };
            let look = StyleAttr::new(Color::fast(line), width, Some(Color::fast(fill)), rounded, 14);
            let shape = ShapeKind::new_box(&format!("{}: {}", n.id, n.label));
            let size = get_shape_size(dir, &shape, 14, false);
            handles.insert(n.id.clone(), graph.add_node(Element::create(shape, look, dir, size)));
        }
        for e in edges {
            if let (Some(&from), Some(&to)) = (handles.get(&e.from), handles.get(&e.to)) {
                graph.add_edge(Arrow::simple(&e.label), from, to);
            }
        }
        let mut writer = SVGWriter::new();
        graph.do_it(false, false, false, &mut writer);
        writer.finalize()
    };
    std::panic::catch_unwind(render).map_err(|_| "the SVG renderer failed on this flow; use --format dot".to_owned())
}

/// `inscene graph CATALOG --flow ID`.
pub fn graph(catalog: &Path, flow_id: &str, format: GraphFormat, locale: Option<&str>) -> ExitCode {
    // Check everything first, so the picture is of valid content.
    let source = match crate::run::load(catalog) {
        Ok((_, source)) => source,
        Err(code) => return code,
    };
    let doc: CatalogDoc = match serde_json::from_str(&source) {
        Ok(d) => d,
        Err(e) => return fail(&format!("{}: {e}", catalog.display())),
    };
    let Some(flow) = doc.flows.iter().find(|f| f.id == flow_id) else {
        let ids: Vec<&str> = doc.flows.iter().map(|f| f.id.as_str()).collect();
        return fail(&format!("no flow `{flow_id}`; flows: {}", ids.join(", ")));
    };
    let locale = locale.unwrap_or(&doc.locales.default);
    let (nodes, edges) = shape(flow, locale);
    let text = match format {
        GraphFormat::Mermaid => mermaid(flow, &nodes, &edges),
        GraphFormat::Dot => dot(flow, &nodes, &edges),
        GraphFormat::Svg => match svg(&nodes, &edges) {
            Ok(s) => s,
            Err(e) => return fail(&e),
        },
    };
    print!("{text}");
    ExitCode::SUCCESS
}
