//! Property tests: no input sequence panics, a human is reachable from every
//! state, the indexed resolver agrees with the naive one, and arbitrary bytes
//! never crash the entry points.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use std::sync::OnceLock;

use inscene::Catalog;
use inscene::context::Context;
use inscene::resolve::{NaiveBaseline, ResolveOptions, resolve, resolve_naive};
use inscene::session::{ActionOutcome, Input, Session, StartRequest, Status};
use inscene::text::{Phrase, PhraseIndex, PhraseIndexBuilder};
use inscene_conformance::{SAMPLE_CATALOG, read};
use proptest::prelude::*;
use serde_json::json;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::from_json(&read(SAMPLE_CATALOG)).unwrap())
}

const NOW: i64 = 1_795_000_000;

/// Valid regex-lite patterns built from the pieces the literal prefilter reads:
/// literals and escapes, classes, word assertions, groups, alternation, repetition.
fn arb_pattern() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "gadget",
        "ab",
        "a",
        "b",
        "订单",
        "Ä",
        "1",
        "12",
        " ",
        "_",
        r"\.",
        r"\x61",
        r"\u{62}",
        r"\ ",
        r"\t",
        "[ab]",
        "[^a]",
        r"\d",
        r"\w",
        r"\W",
        ".",
        "[[:alpha:]]",
        "[]a]",
        "[-a]",
        r"\b",
        r"\B",
        "^",
        "$",
        r"\<",
        r"\>",
        r"\b{start}",
        r"\b{end-half}",
        "(?i)",
        "(?-i)",
        "()",
    ])
    .prop_map(str::to_owned);
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| format!("(?:{})", v.join("|"))),
            inner.clone().prop_map(|p| format!("({p})")),
            inner.clone().prop_map(|p| format!("(?i:{p})")),
            (inner, prop::sample::select(vec!["*", "+", "?", "{2}", "{0,2}", "{1,}", "*?", "{ 1 , 2 }", "+?"]))
                .prop_map(|(p, op)| format!("(?:{p}){op}")),
        ]
    })
}

/// Patterns whose required literals carry word boundaries, for the prefilter property.
fn phrase_index() -> &'static PhraseIndex<u32> {
    static INDEX: OnceLock<PhraseIndex<u32>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut b = PhraseIndexBuilder::new(16, 1 << 20);
        for (i, p) in [
            r"(?i)\bgadget1\b",
            r"(?i)\bgadget12\b.*broken",
            r"\bgadget\b",
            r"gadget\b",
            r"\b1",
            r"12\b",
            r"\b,",
            r",\b",
            r"\b订单",
            r"订单\b",
            r"(\bbroken|x\b)",
            r"_\b",
            r"\b-x",
            r"(?i)äx",
            r"(?i)\bÄ",
        ]
        .into_iter()
        .enumerate()
        {
            b.pattern(i as u32, p);
        }
        let (index, errors) = b.build();
        assert!(errors.is_empty(), "{errors:?}");
        index
    })
}

/// The patterns `scan` (with its literal prefilter) reports for `text`, sorted.
fn scanned_patterns(index: &PhraseIndex<u32>, text: &str) -> Vec<usize> {
    let mut found: Vec<usize> = index
        .scan(text, false)
        .into_iter()
        .filter_map(|(phrase, _)| match phrase {
            Phrase::Pattern(p) => Some(p),
            Phrase::Keyword(_) | Phrase::Folded(_) => None,
        })
        .collect();
    found.sort_unstable();
    found
}

fn arb_input() -> impl Strategy<Value = Input> {
    prop_oneof![
        Just(Input::Next),
        prop::sample::select(vec![
            "yes",
            "no",
            "restore",
            "refund",
            "nothing",
            "other",
            "wrong_password",
            "keep",
            "cancel",
            "bogus"
        ])
        .prop_map(|o| Input::Choose { option: o.to_owned() }),
        prop::sample::select(vec!["12345678", "abc", "", "BK-778812", "我不想活了", "x".repeat(3000).leak() as &str])
            .prop_map(|v| Input::Submit { value: v.to_owned() }),
        prop::sample::select(vec![ActionOutcome::Success, ActionOutcome::Failure, ActionOutcome::Cancelled]).prop_map(
            |o| Input::ActionResult { outcome: o, data: Some(json!({"kind": "subscription", "credited": false})) }
        ),
        Just(Input::NotHelpful),
        Just(Input::Back),
        any::<bool>().prop_map(|h| Input::Feedback { helpful: h }),
        Just(Input::Abandon),
        Just(Input::AskHuman),
    ]
}

fn arb_context() -> impl Strategy<Value = serde_json::Value> {
    let screens =
        prop::sample::select(vec!["orders", "orders/detail", "login", "billing/x", "trips/1/2", "home", "booking"]);
    let queries = prop::sample::select(vec![
        "",
        "my order disappeared",
        "can't log in",
        "订单不见了",
        "登入不了",
        "unknown charge on my card",
        "the order is gone",
        "booking not found at check-in",
        "hello",
    ]);
    let status = prop::sample::select(vec!["deleted", "placed", "failed", "confirmed"]);
    let account = prop::sample::select(vec!["active", "locked", "banned"]);
    let segments = prop::sample::subsequence(vec!["elderly", "vip_gold", "vip_platinum"], 0..=2);
    (screens, queries, status, account, segments, 0.0f64..1.0, any::<bool>(), any::<bool>()).prop_map(
        |(screen, query, status, account, segments, fraud, new_device, with_event)| {
            let events = if with_event {
                json!([{"name": "login_failed", "at": NOW - 30, "data": {"code": "1004"}}, {"name": "order_deleted", "at": NOW - 99}])
            } else {
                json!([])
            };
            json!({
                "locale": "en", "screen": screen, "query": query, "events": events,
                "device": {"is_new": new_device},
                "entities": {"order": {"id": "1", "status": status}, "booking": {"status": status, "check_in_date": "2026-11-18"}},
                "user": {"segments": segments, "account_status": account},
                "risk": {"fraud_score": fraud}
            })
        },
    )
}

/// Any JSON scalar a rule or data might hold, including awkward numbers and text.
fn arb_scalar() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(json!(null)),
        any::<bool>().prop_map(|b| json!(b)),
        any::<i64>().prop_map(|i| json!(i)),
        prop::sample::select(vec![0.0, -0.5, 1e308, -1e-300, 2.5, 9007199254740993.0]).prop_map(|f| json!(f)),
        prop::sample::select(vec!["", "0", "1e2", "a.b", "x", "héllo", "-3", " 3 ", "index", "type"])
            .prop_map(|s| json!(s)),
    ]
}

/// Rules over every operator the engine knows, with arguments of any shape.
fn arb_rule() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        arb_scalar(),
        prop::sample::select(vec!["", "a", "a.b", "l", "l.1", "o", "current", "accumulator"])
            .prop_map(|p| json!({"var": p})),
        (-3i64..4, prop::sample::select(vec!["a", "index", "l", ""])).prop_map(|(n, k)| json!({"val": [[n], k]})),
    ];
    leaf.prop_recursive(4, 40, 4, |inner| {
        (
            prop::sample::select(inscene::logic::OPERATORS.to_vec()),
            prop_oneof![prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array), inner.clone(),],
        )
            .prop_map(|(op, args)| json!({ op: args }))
    })
}

/// Conditions of the shapes the resolve index files by value (`==`, `===` and
/// `in` over a path, alone or in an `and`) or by threshold (`>`, `>=`, `<`,
/// `<=` with a number) and near misses (`!=`, a number, a list, a string
/// read as a number, a default), over declared paths.
fn arb_value_rule() -> impl Strategy<Value = serde_json::Value> {
    let path = prop::sample::select(vec!["entities.order.status", "user.account_status", "entities.booking.status"]);
    let literal = prop::sample::select(vec![
        json!("deleted"),
        json!("locked"),
        json!("1"),
        json!(" 3 "),
        json!(""),
        json!(1),
        json!(null),
        json!(true),
        json!(["deleted"]),
        json!(3),
        json!(1.5),
        json!(-2),
    ]);
    let var = (path, any::<bool>())
        .prop_map(|(p, with_default)| if with_default { json!({"var": [p, "deleted"]}) } else { json!({"var": p}) });
    let atom = (
        prop::sample::select(vec!["==", "===", "!=", "in", ">", ">=", "<", "<="]),
        var,
        literal.clone(),
        any::<bool>(),
        prop::collection::vec(literal, 0..3),
    )
        .prop_map(|(op, v, l, flip, list)| match op {
            "in" => json!({"in": [v, list]}),
            _ if flip => json!({op: [l, v]}),
            _ => json!({op: [v, l]}),
        });
    prop_oneof![atom.clone(), (atom.clone(), atom).prop_map(|(a, b)| json!({"and": [a, b]}))]
}

/// Any value a context may hold at the paths those rules read.
fn arb_status() -> impl Strategy<Value = serde_json::Value> {
    prop::sample::select(vec![
        json!("deleted"),
        json!("locked"),
        json!("1"),
        json!(1),
        json!(1.0),
        json!(" 3 "),
        json!(3),
        json!(""),
        json!(null),
        json!(true),
        json!(["deleted"]),
        json!({"deleted": 1}),
        json!(2),
        json!(-5),
        json!(1.5),
        json!(u64::MAX),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The index files some conditions by the value they need: whatever the
    /// rule and the context's values, it finds exactly what evaluating every
    /// rule finds.
    #[test]
    fn conditions_filed_by_value_agree_with_the_naive_loop(
        rules in prop::collection::vec(arb_value_rule(), 1..6),
        order in arb_status(),
        account in arb_status(),
        booking in arb_status(),
        with_booking in any::<bool>(),
    ) {
        let mut doc: serde_json::Value = serde_json::from_str(&read(SAMPLE_CATALOG)).unwrap();
        for (scenario, rule) in doc["scenarios"].as_array_mut().unwrap().iter_mut().zip(&rules) {
            scenario["triggers"] = json!([{"type": "condition", "rule": rule}]);
        }
        let catalog = Catalog::from_json(&doc.to_string()).unwrap();
        let mut ctx = json!({"locale": "en", "entities": {"order": {"status": order}}, "user": {"account_status": account}});
        if with_booking {
            ctx["entities"]["booking"] = json!({"status": booking});
        }
        let ctx = Context::from_json(&ctx.to_string()).unwrap();
        let options = ResolveOptions { max_suggestions: 100 };
        let baseline = NaiveBaseline::new(&catalog);
        prop_assert_eq!(resolve(&catalog, &ctx, NOW, &options).suggestions, resolve_naive(&catalog, &baseline, &ctx, NOW, &options));
    }

    #[test]
    fn random_sessions_never_panic_and_a_human_is_always_reachable(
        scenario in prop::sample::select(catalog().scenarios().iter().map(|s| s.id.to_string()).collect::<Vec<_>>()),
        ctx in arb_context(),
        inputs in prop::collection::vec(arb_input(), 0..25),
    ) {
        let catalog = catalog();
        let ctx = Context::from_json(&ctx.to_string()).unwrap();
        let request = StartRequest::for_scenario("p", scenario);
        let (mut session, _) = Session::start(catalog, &ctx, &request, NOW).unwrap();
        for (i, input) in inputs.iter().enumerate() {
            let now = NOW + i as i64;
            // From every state, asking for a human ends with a human (or already has one).
            let mut probe = session.clone();
            match probe.apply(catalog, &ctx, &Input::AskHuman, now) {
                Ok(_) => prop_assert_eq!(probe.state().status, Status::Escalated),
                Err(e) => prop_assert_eq!(session.state().status, Status::Escalated, "ask_human refused: {}", e),
            }
            prop_assert!(probe.handoff(catalog, &ctx).is_some());
            let before = session.clone();
            if session.apply(catalog, &ctx, input, now).is_err() {
                prop_assert_eq!(&session, &before, "a failed input changed the state");
            }
            let view = session.view(catalog, &ctx, now);
            prop_assert!(view.human.available);
            let restored = Session::restore(catalog, &ctx, &session.snapshot(), now).unwrap().0;
            prop_assert_eq!(&restored, &session);
        }
    }

    #[test]
    fn indexed_resolve_agrees_with_the_naive_loop(ctx in arb_context()) {
        let catalog = catalog();
        let ctx = Context::from_json(&ctx.to_string()).unwrap();
        let options = ResolveOptions { max_suggestions: 100 };
        let fast = resolve(catalog, &ctx, NOW, &options);
        if fast.crisis.is_none() {
            let baseline = NaiveBaseline::new(catalog);
            prop_assert_eq!(fast.suggestions, resolve_naive(catalog, &baseline, &ctx, NOW, &options));
        }
    }

    /// With few suggestions asked for, the resolver stops scoring once no
    /// candidate left can enter them: what it keeps is what ranking everything gives.
    #[test]
    fn pruned_resolve_agrees_with_the_naive_loop(ctx in arb_context(), k in 0usize..4) {
        let catalog = catalog();
        let ctx = Context::from_json(&ctx.to_string()).unwrap();
        let options = ResolveOptions { max_suggestions: k };
        let fast = resolve(catalog, &ctx, NOW, &options);
        if fast.crisis.is_none() {
            let baseline = NaiveBaseline::new(catalog);
            prop_assert_eq!(fast.suggestions, resolve_naive(catalog, &baseline, &ctx, NOW, &options));
        }
    }

    #[test]
    fn the_literal_prefilter_never_skips_a_matching_pattern(
        words in prop::collection::vec(
            prop::sample::select(vec![
                "gadget", "GADGET", "1", "12", "_", " ", ",", "ä", "Ä", "订单", "broken", "x", "X", "-",
            ]),
            0..12,
        ),
    ) {
        let text: String = words.concat();
        let index = phrase_index();
        prop_assert_eq!(scanned_patterns(index, &text), index.matching_patterns_unfiltered(&text), "text {:?}", text);
    }

    #[test]
    fn the_literal_prefilter_agrees_with_running_every_random_pattern(
        patterns in prop::collection::vec(arb_pattern(), 1..6),
        words in prop::collection::vec(
            prop::sample::select(vec![
                "gadget", "GADGET", "ab", "AB", "a", "b", "B", "订单", "Ä", "ä", "1", "12", " ", "_", ".", "x", "\n",
            ]),
            0..10,
        ),
    ) {
        let mut b = PhraseIndexBuilder::new(16, 1 << 20);
        for p in &patterns {
            b.pattern(0u32, p.as_str());
        }
        let (index, errors) = b.build();
        prop_assert!(errors.is_empty(), "{:?} refused: {:?}", patterns, errors);
        let text: String = words.concat();
        prop_assert_eq!(
            scanned_patterns(&index, &text),
            index.matching_patterns_unfiltered(&text),
            "patterns {:?} text {:?}",
            patterns,
            text
        );
    }

    #[test]
    fn any_rule_on_any_data_gives_a_value_or_a_typed_error(rule in arb_rule(), x in arb_scalar()) {
        let data = json!({"a": {"b": x.clone()}, "l": [x.clone(), 1, "two"], "o": {"k": x}, "": 1});
        let evaluator = inscene::condition::Evaluator::new();
        let first = evaluator.evaluate(&rule, &data);
        // Deterministic, and every error is an object naming its type.
        prop_assert_eq!(&first, &evaluator.evaluate(&rule, &data));
        if let Err(e) = &first {
            prop_assert!(e.is_object(), "error is not an object: {}", e);
        }
        if let Ok(c) = evaluator.compile(&rule) {
            let _ = evaluator.scope(&data).holds(&c);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Catalog::from_json(&text);
        let _ = inscene::lint(&text);
        let _ = Context::from_json(&text);
        let _ = Session::restore(catalog(), &Context::from_json("{}").unwrap(), &text, NOW);
        let _ = inscene::lint::position_of(&text, "/a/0/b");
    }

    #[test]
    fn mutated_sample_never_panics(cut in 0usize..60_000, junk in "[\\[\\]{}\",:0-9a-z]{0,8}") {
        let sample = read(SAMPLE_CATALOG);
        let cut = cut.min(sample.len());
        let cut = (0..=cut).rev().find(|&i| sample.is_char_boundary(i)).unwrap_or(0);
        let mutated = format!("{}{}{}", &sample[..cut], junk, &sample[cut..]);
        let report = inscene::lint(&mutated);
        let loaded = Catalog::from_json(&mutated);
        // Content that lints clean always loads (the converse need not hold: only the full lint compiles regexes).
        if !report.has_errors() {
            prop_assert!(loaded.is_ok(), "lint-clean content failed to load: {:?}", loaded.err());
        }
    }
}

#[test]
fn deeply_nested_json_is_rejected_not_overflowed() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(Catalog::from_json(&deep).is_err());
    assert!(Context::from_json(&deep).is_err());
    let deep_ctx = format!(r#"{{"entities": {}1{}}}"#, r#"{"a":"#.repeat(120), "}".repeat(120));
    let _ = Context::from_json(&deep_ctx).map(|c| resolve(catalog(), &c, NOW, &ResolveOptions::default()));
}

/// Every family of generated catalog (issue 16: a growing, a fixed and a
/// Zipf-like vocabulary), where hundreds of scenarios share a signal: the
/// pruned, indexed resolve keeps exactly what the naive loop ranks first.
#[test]
fn pruned_resolve_agrees_with_the_naive_loop_on_every_family() {
    use inscene_benches::{Family, catalog_in, context_in};
    for family in Family::ALL {
        let n = 1_200;
        let catalog = Catalog::from_json(&catalog_in(family, n)).unwrap();
        let baseline = NaiveBaseline::new(&catalog);
        let mut pruned = 0usize;
        for seed in 0..24 {
            for query in [false, true] {
                let ctx = Context::from_json(&context_in(family, n, seed, query)).unwrap();
                let all = resolve_naive(&catalog, &baseline, &ctx, NOW, &ResolveOptions { max_suggestions: n });
                for k in [1, 3, 5] {
                    let options = ResolveOptions { max_suggestions: k };
                    let fast = resolve(&catalog, &ctx, NOW, &options).suggestions;
                    assert_eq!(
                        fast,
                        resolve_naive(&catalog, &baseline, &ctx, NOW, &options),
                        "{} seed {seed}",
                        family.name()
                    );
                    pruned += usize::from(all.len() > k);
                }
            }
        }
        // The contexts do meet more candidates than are kept, so pruning is exercised.
        assert!(pruned > 24, "{}: only {pruned} resolves had more candidates than suggestions", family.name());
    }
}
