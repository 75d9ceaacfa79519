//! Bounds that keep a hostile or broken catalog from exhausting memory or time.

/// Limits applied when content is linted and loaded. The defaults fit large
/// production catalogs (tens of thousands of scenarios) with room to spare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest content document, in bytes.
    pub max_source_bytes: usize,
    /// Most scenarios in a catalog.
    pub max_scenarios: usize,
    /// Most flows in a catalog.
    pub max_flows: usize,
    /// Most steps in one flow.
    pub max_steps_per_flow: usize,
    /// Most options in one choice step, branches in one check step.
    pub max_options: usize,
    /// Most triggers on one scenario.
    pub max_triggers: usize,
    /// Most keywords plus patterns in one trigger or crisis section, per locale.
    pub max_phrases: usize,
    /// Most declared actions, context fields, interventions or urgency rules, each.
    pub max_declarations: usize,
    /// Most locales a catalog declares.
    pub max_locales: usize,
    /// Longest text, in characters.
    pub max_text_chars: usize,
    /// Longest regular expression, in bytes.
    pub max_regex_bytes: usize,
    /// Deepest nesting of groups and repetitions in a regular expression.
    pub max_regex_nesting: u32,
    /// Compiled size bound of one regular expression, in bytes.
    pub max_regex_compiled_bytes: usize,
    /// Most trigger patterns, and most crisis patterns, with no literal text
    /// they must contain: each runs on every question.
    pub max_literal_free_patterns: usize,
    /// Deepest nesting of arrays and objects anywhere in a document.
    pub max_json_depth: usize,
    /// Deepest nesting of a JsonLogic rule.
    pub max_rule_depth: usize,
    /// Most JSON values in one JsonLogic rule.
    pub max_rule_nodes: usize,
    /// Longest id, in bytes.
    pub max_id_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_source_bytes: 64 * 1024 * 1024,
            max_scenarios: 100_000,
            max_flows: 100_000,
            max_steps_per_flow: 256,
            max_options: 32,
            max_triggers: 32,
            max_phrases: 256,
            max_declarations: 10_000,
            max_locales: 64,
            max_text_chars: 4_000,
            max_regex_bytes: 512,
            max_regex_nesting: 16,
            max_regex_compiled_bytes: 256 * 1024,
            max_literal_free_patterns: 64,
            max_json_depth: 96,
            max_rule_depth: 32,
            max_rule_nodes: 1_000,
            max_id_bytes: 64,
        }
    }
}

/// Most `/`-separated segments in one screen pattern (the matcher keeps a bit
/// per segment; see `resolve::glob_match`). The linter refuses longer ones.
pub(crate) const MAX_GLOB_SEGMENTS: usize = 63;
