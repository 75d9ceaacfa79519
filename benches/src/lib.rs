//! Generated catalogs and contexts for benchmarks: deterministic, sized like a
//! large production catalog (about 5 steps per scenario, mixed triggers, two
//! text patterns per scenario).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benchmark setup: fail loudly

use serde_json::{Value, json};

/// How a generated catalog spreads its scenarios over screens, events and
/// entity fields: issue 16's three families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// The vocabulary grows with the catalog (50 scenarios per screen area,
    /// 20 per event name, 30 per entity kind): a context meets about the same
    /// number of candidates at every size.
    Growing,
    /// The 1k catalog's vocabulary at every size (20 areas, 50 events, 34
    /// entity kinds): ten times the scenarios, ten times as many on each signal.
    Fixed,
    /// The growing vocabulary, but scenarios fall on its items by a Zipf-like
    /// law (rank r carries a share near 1/(r+1)), as in a real product where
    /// the payment screen and a few events and fields carry most problems.
    Zipf,
}

/// Scenarios per item of the growing vocabulary.
const PER_AREA: usize = 50;
const PER_EVENT: usize = 20;
const PER_ENTITY: usize = 30;

fn vocab(n: usize, per: usize) -> usize {
    n.div_ceil(per).max(1)
}

impl Family {
    /// Every family, in report order.
    pub const ALL: [Family; 3] = [Family::Growing, Family::Fixed, Family::Zipf];

    /// The family's name in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Family::Growing => "growing",
            Family::Fixed => "fixed",
            Family::Zipf => "zipf",
        }
    }

    /// The family called `name`.
    pub fn parse(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Screen areas, event names and entity kinds of an `n`-scenario catalog.
    fn sizes(self, n: usize) -> (usize, usize, usize) {
        let n = if self == Family::Fixed { 1_000 } else { n };
        (vocab(n, PER_AREA), vocab(n, PER_EVENT), vocab(n, PER_ENTITY))
    }

    /// The item (of `count`) that scenario `i` uses; `salt` tells the three
    /// kinds of signal apart so a Zipf head screen is not also the head event.
    fn item(self, i: usize, count: usize, salt: u64) -> usize {
        if self != Family::Zipf {
            return i % count;
        }
        // A fixed hash of (i, salt) to a uniform u in [0, 1), then the inverse
        // of the continuous Zipf law with exponent 1: P(rank <= r) = ln(r + 1) / ln(count + 1).
        let mut h = (i as u64 ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_add(0x632b_e59b_d9b4_e019);
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^= h >> 31;
        let u = (h >> 11) as f64 / (1u64 << 53) as f64;
        let r = ((count as f64 + 1.0).powf(u) - 1.0).floor() as usize;
        r.min(count - 1)
    }

    fn area(self, n: usize, i: usize) -> usize {
        self.item(i, self.sizes(n).0, 1)
    }
    fn event(self, n: usize, i: usize) -> usize {
        self.item(i, self.sizes(n).1, 2)
    }
    fn entity(self, n: usize, i: usize) -> usize {
        self.item(i, self.sizes(n).2, 3)
    }
}

/// A catalog of `n` scenarios as JSON text, of the growing family.
pub fn catalog(n: usize) -> String {
    catalog_in(Family::Growing, n)
}

/// A catalog of `n` scenarios of `family` as JSON text.
pub fn catalog_in(family: Family, n: usize) -> String {
    let entities = family.sizes(n).2;
    let fields: Vec<Value> =
        (0..entities).map(|k| json!({ "path": format!("entities.item{k}.status"), "type": "string" })).collect();
    let mut scenarios = Vec::with_capacity(n);
    let mut flows = Vec::with_capacity(n);
    for i in 0..n {
        let area = family.area(n, i);
        let mut triggers = vec![
            json!({ "type": "screen", "patterns": [format!("area{area}/screen{i}")], "weight": 0.5 }),
            json!({ "type": "event", "names": [format!("evt_{}", family.event(n, i))], "codes": [format!("{}", 1000 + i % 97)], "weight": 1.0 }),
            json!({ "type": "condition", "rule": { "==": [ { "var": format!("entities.item{}.status", family.entity(n, i)) }, format!("state{}", i % 7) ] }, "weight": 1.5 }),
        ];
        let mut text = json!({
            "type": "text",
            "keywords": { "en": [format!("widget{i} broke")], "zh-Hans": [format!("问题{i}号")] },
            "weight": 1.0
        });
        if i % 5 == 0 {
            text["patterns"] = json!({ "en": [format!("(?i)\\bgadget{i}\\b.*\\b(broken|missing)\\b")] });
        }
        triggers.push(text);
        if i % 10 == 0 {
            triggers.push(json!({ "type": "screen", "patterns": [format!("area{area}/**")], "weight": 0.1 }));
        }
        scenarios.push(json!({
            "id": format!("s{i}"),
            "title": { "en": format!("Problem {i}"), "zh-Hans": format!("问题 {i}") },
            "priority": 30 + (i % 60),
            "triggers": triggers,
            "flow": format!("f{i}"),
            "examples": { "en": examples(n, i) }
        }));
        let t = |en: &str| json!({ "en": en, "zh-Hans": en });
        flows.push(json!({
            "id": format!("f{i}"),
            "steps": [
                { "id": "intro", "type": "message", "text": t("Let's fix this."), "next": "ask" },
                { "id": "ask", "type": "choice", "text": t("Did that work?"), "options": [
                    { "id": "yes", "label": t("Yes"), "next": "done" },
                    { "id": "no", "label": t("No"), "next": "act" } ] },
                { "id": "act", "type": "action", "action": "reset", "on_success": "done", "on_failure": "human" },
                { "id": "done", "type": "resolution", "text": t("Fixed.") },
                { "id": "human", "type": "escalation", "text": t("An agent will help."), "reason": "bench" }
            ]
        }));
    }
    json!({
        "schema_version": "1.0",
        "catalog": { "id": format!("bench-{n}"), "version": "1" },
        "locales": { "default": "en", "supported": ["en", "zh-Hans"] },
        "context": { "fields": fields },
        "actions": [ { "id": "reset" } ],
        "crisis": { "keywords": { "en": ["end my life"], "zh-Hans": ["不想活"] }, "resources": { "en": "Help is here.", "zh-Hans": "我们在。" } },
        "scenarios": scenarios,
        "flows": flows
    })
    .to_string()
}

/// Common words of help questions, in every scenario's examples.
const COMMON: &[&str] = &[
    "my", "the", "is", "not", "i", "cant", "help", "please", "with", "to", "a", "it", "why", "how", "do", "was", "and",
    "for", "on", "again", "me", "this", "app", "working", "still", "after", "what", "can", "you", "now",
];

/// A made-up word for number `k`, from syllables, so that words share
/// pieces as real ones do: `kalo`, `mirate`, ...
fn word(k: usize) -> String {
    const SYLLABLES: &[&str] = &[
        "ka", "lo", "mi", "ra", "te", "su", "no", "pe", "di", "ga", "ve", "zo", "ri", "ban", "tor", "mel", "sin",
        "cor", "pha", "lu",
    ];
    let mut k = k;
    let mut w = String::new();
    for _ in 0..3 {
        w.push_str(SYLLABLES[k % SYLLABLES.len()]);
        k /= SYLLABLES.len();
        if k == 0 {
            break;
        }
    }
    w
}

/// Ten example questions for scenario `i` of `n`, of five to nine words: the
/// common words, an object shared by three scenarios, one of forty problem
/// words, and one word of the scenario's own.
fn examples(n: usize, i: usize) -> Vec<String> {
    let object = word(i / 3);
    let problem = word(n + (i * 7) % 40);
    let own = word(2 * n + i);
    (0..10)
        .map(|j| {
            let c = |k: usize| COMMON[(i * 3 + j * 5 + k * 11) % COMMON.len()];
            match j % 3 {
                0 => format!("{} {object} {} {problem} {}", c(0), c(1), c(2)),
                1 => format!("{} {} {own} {object} {} {problem} {} {}", c(0), c(1), c(2), c(3), c(4)),
                _ => format!("{} {problem} {} {} {object} {own} {}", c(0), c(1), c(2), c(3)),
            }
        })
        .collect()
}

/// A realistic context of the growing family: see [`context_in`].
pub fn context(n: usize, seed: usize, query: bool) -> String {
    context_in(Family::Growing, n, seed, query)
}

/// A realistic context on scenario `seed * 7919 mod n`'s signals: its screen,
/// three recent events (another scenario's, its own, `app_opened`), its entity
/// and an order, a segment and, if `query`, a 200-character question that
/// mentions its keyword and another scenario's regex.
pub fn context_in(family: Family, n: usize, seed: usize, query: bool) -> String {
    let i = (seed * 7919) % n;
    let mut ctx = json!({
        "locale": "en",
        "screen": format!("area{}/screen{i}", family.area(n, i)),
        "events": [
            { "name": format!("evt_{}", family.event(n, (i + 1) % n)), "at": 1_795_000_000 - 60, "data": { "code": "1001" } },
            { "name": format!("evt_{}", family.event(n, i)), "at": 1_795_000_000 - 30, "data": { "code": format!("{}", 1000 + i % 97) } },
            { "name": "app_opened", "at": 1_795_000_000 - 300 }
        ],
        "entities": {
            format!("item{}", family.entity(n, i)): { "status": format!("state{}", i % 7) },
            "order": { "id": "20261122001" }
        },
        "user": { "segments": ["vip_gold"] }
    });
    if query {
        let mut q = format!(
            "Hello, my widget{i} broke yesterday and the gadget{} is missing too, my {} {} again; ",
            (i / 5) * 5,
            word(i / 3),
            word(n + (i * 7) % 40)
        );
        while q.chars().count() < 200 {
            q.push_str("please help me sort this out quickly. ");
        }
        let q: String = q.chars().take(200).collect();
        ctx["query"] = Value::String(q);
    }
    ctx.to_string()
}

/// Current time used by the benchmarks.
pub const NOW: i64 = 1_795_000_000;

/// A global allocator that forwards to the system's and counts live heap
/// bytes and their peak, for the measuring binaries and the cost test:
/// declare `#[global_allocator] static GLOBAL: Counting = Counting;`.
pub struct Counting;

static LIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Counting {
    /// Live heap bytes now.
    pub fn live() -> usize {
        LIVE.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Starts a new peak at the live bytes now; returns them.
    pub fn reset_peak() -> usize {
        let now = Self::live();
        PEAK.store(now, std::sync::atomic::Ordering::Relaxed);
        now
    }

    /// The most live heap bytes since [`Counting::reset_peak`].
    pub fn peak() -> usize {
        PEAK.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[allow(unsafe_code)] // GlobalAlloc is an unsafe trait; this only forwards to System and counts.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use std::sync::atomic::Ordering::Relaxed;
        let now = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        LIVE.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `alloc` above with this layout.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

/// Replaces the scenarios of `doc` with copies of its first one carrying `n`
/// literal-free text patterns between them (256 to a trigger, 32 triggers to
/// a scenario): issue 14's "30,000 literal-free patterns", for the hostile
/// report and the regression test alike.
pub fn literal_free_scenarios(doc: &mut Value, n: usize) {
    let patterns: Vec<String> = (0..n).map(|i| format!("^[0-9]{{{}}}$", 1 + i % 50)).collect();
    let triggers: Vec<Value> = patterns.chunks(256).map(|c| json!({"type": "text", "patterns": {"en": c}})).collect();
    let template = doc["scenarios"][0].clone();
    doc["scenarios"] = triggers
        .chunks(32)
        .enumerate()
        .map(|(i, t)| {
            let mut s = template.clone();
            s["id"] = json!(format!("s{i}"));
            s["triggers"] = Value::Array(t.to_vec());
            s
        })
        .collect();
}

/// Ten rules as content writes them: equality and membership on entity
/// fields, comparisons, boolean combinations, a default, arithmetic, and a
/// quantifier over the recent events.
pub fn jsonlogic_rules() -> Vec<Value> {
    vec![
        json!({"==": [{"var": "entities.order.status"}, "deleted"]}),
        json!({"in": [{"var": "entities.order.status"}, ["deleted", "cancelled", "lost"]]}),
        json!({">": [{"var": "entities.charge.amount"}, 100]}),
        json!({"and": [{"==": [{"var": "user.tier"}, "gold"]}, {"<": [{"var": "risk.fraud"}, 0.5]}]}),
        json!({"or": [{"==": [{"var": "screen"}, "checkout/payment"]}, {"==": [{"var": "screen"}, "orders/detail"]}]}),
        json!({"!": {"var": "user.verified"}}),
        json!({"<=": [1, {"var": "entities.order.items"}, 5]}),
        json!({">=": [{"+": [{"var": "entities.charge.amount"}, {"var": "entities.charge.fee"}]}, 120]}),
        json!({"==": [{"var": ["user.locale", "en"]}, "zh-Hans"]}),
        json!({"some": [{"var": "events"}, {"==": [{"var": "name"}, "payment_failed"]}]}),
    ]
}

/// The data [`jsonlogic_rules`] are evaluated against: a context as a host sends it.
pub fn jsonlogic_data() -> Value {
    json!({
        "screen": "orders/detail",
        "entities": {
            "order": {"id": "20261122001", "status": "lost", "items": 3},
            "charge": {"amount": 119.5, "fee": 2.5}
        },
        "user": {"tier": "gold", "verified": true, "segments": ["vip_gold"]},
        "risk": {"fraud": 0.2},
        "events": [
            {"name": "app_opened", "at": 1_795_000_000},
            {"name": "payment_failed", "at": 1_795_000_030, "code": "1001"},
            {"name": "order_viewed", "at": 1_795_000_060}
        ]
    })
}
