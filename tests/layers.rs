//! The core's layers (docs/ARCHITECTURE.md): each module imports only from its
//! own layer and those below. The imports that still point up are listed here
//! one by one, to be removed by the re-layering of issue 21; the test fails on
//! any new one, and on a listed one that is gone (so the list only shrinks).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use std::collections::{BTreeMap, BTreeSet};

use inscene_conformance::repo_path;

/// Layers, lowest first, and the modules each holds.
const LAYERS: &[(&str, &[&str])] = &[
    ("base", &["error", "id", "limits", "wire", "order", "syntax", "fold"]),
    ("formats", &["content", "context", "events", "handoff", "redact"]),
    ("engines", &["logic", "condition", "text", "i18n", "intent", "crisis"]),
    ("read", &["source"]),
    ("check", &["lint"]),
    ("compile", &["catalog", "pack"]),
    ("run", &["resolve", "escalation", "session"]),
];

/// Imports that point up today, as `from -> to`.
const STILL_UPWARD: &[&str] = &[];

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|(_, mods)| mods.contains(&module))
        .unwrap_or_else(|| panic!("module `{module}` is in no layer: add it to LAYERS and docs/ARCHITECTURE.md"))
}

/// The core modules a source file names through `crate::`, outside its tests.
fn imports(source: &str) -> BTreeSet<String> {
    let code = source.split("#[cfg(test)]\nmod tests").next().unwrap_or(source);
    // Comments name modules too (doc links); only code imports.
    let code: String = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let code = code.as_str();
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a, b::c, d::{e, f}}`: the first name of each item at depth 0.
            let (mut depth, mut word, mut first) = (0, String::new(), true);
            for ch in group.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => first = true,
                    c if depth == 0 && first && (c.is_ascii_alphanumeric() || c == '_') => word.push(c),
                    _ => {}
                }
                if !(word.is_empty() || ch.is_ascii_alphanumeric() || ch == '_') {
                    out.insert(std::mem::take(&mut word));
                    first = false;
                }
            }
        } else {
            let word: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            out.insert(word);
        }
    }
    out
}

/// Each core module (a file, or a folder read whole) and the core modules it imports.
fn module_imports() -> BTreeMap<String, BTreeSet<String>> {
    let dir = repo_path("core/src");
    let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.extension().is_some_and(|e| e == "rs") && name != "lib" {
            modules.entry(name).or_default().extend(imports(&std::fs::read_to_string(&path).unwrap()));
        } else if path.is_dir() {
            // A module split into files (`session/`): its files together; `super::` stays inside.
            for file in std::fs::read_dir(&path).unwrap().flatten().map(|e| e.path()) {
                if file.extension().is_some_and(|e| e == "rs") {
                    modules.entry(name.clone()).or_default().extend(imports(&std::fs::read_to_string(&file).unwrap()));
                }
            }
        }
    }
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    for (name, names) in modules.iter_mut() {
        names.retain(|n| known.contains(n) && n != name);
    }
    modules
}

#[test]
fn no_module_imports_from_a_higher_layer_beyond_the_listed_ones() {
    let modules = module_imports();
    assert!(modules.len() >= 20, "found only {} modules", modules.len());
    assert!(modules.contains_key("session"), "the split session module is read");
    let mut upward = BTreeSet::new();
    for (from, names) in &modules {
        for to in names {
            if layer_of(to) > layer_of(from) {
                upward.insert(format!("{from} -> {to}"));
            }
        }
    }
    let listed: BTreeSet<String> = STILL_UPWARD.iter().map(|s| (*s).to_owned()).collect();
    let new: Vec<&String> = upward.difference(&listed).collect();
    assert!(new.is_empty(), "imports from a higher layer (move the type down, or the code up): {new:?}");
    let gone: Vec<&String> = listed.difference(&upward).collect();
    assert!(gone.is_empty(), "no longer upward, strike from STILL_UPWARD and docs/ARCHITECTURE.md: {gone:?}");
}

/// No two modules import each other, directly or round a longer circle (within
/// a layer too, where the layer test cannot see it).
#[test]
fn no_import_circle() {
    let modules = module_imports();
    // Depth-first search for a back edge, iteratively: (module, its imports left).
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for start in modules.keys() {
        if done.contains(start.as_str()) {
            continue;
        }
        let mut path: Vec<(&str, Vec<&str>)> = vec![(start, modules[start].iter().map(String::as_str).collect())];
        while let Some((_, next)) = path.last_mut() {
            match next.pop() {
                Some(to) if done.contains(to) => {}
                Some(to) => {
                    if let Some(at) = path.iter().position(|(m, _)| *m == to) {
                        let circle: Vec<&str> = path[at..].iter().map(|(m, _)| *m).chain([to]).collect();
                        panic!("import circle: {}", circle.join(" -> "));
                    }
                    path.push((to, modules[to].iter().map(String::as_str).collect()));
                }
                None => {
                    let (m, _) = path.pop().unwrap();
                    done.insert(m);
                }
            }
        }
    }
    assert_eq!(done.len(), modules.len());
}

#[test]
fn the_import_scanner_reads_paths_and_groups() {
    let found = imports(
        "//! see [`crate::lint`]\nuse crate::{content::{A, B}, events::Event};\nfn f() { crate::order::by(); }\n#[cfg(test)]\nmod tests { use crate::session; }",
    );
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["content", "events", "order"]);
}

/// Cargo runs link-time optimisation only for a crate whose every type can take
/// it, and an `rlib` cannot: with `"lib"` beside `"cdylib"` the facades were
/// built without `lto = true` (the mobile library 244.7 KB larger and resolve
/// slower; docs/PERFORMANCE.md, "link-time optimisation").
#[test]
fn the_shipped_libraries_are_built_with_link_time_optimisation() {
    for manifest in ["bindings/ffi/Cargo.toml", "wasm/Cargo.toml"] {
        let text = std::fs::read_to_string(repo_path(manifest)).unwrap();
        let line =
            text.lines().find(|l| l.starts_with("crate-type")).unwrap_or_else(|| panic!("{manifest}: no crate-type"));
        assert!(line.contains("cdylib"), "{manifest}: {line}");
        assert!(!line.contains("\"lib\"") && !line.contains("rlib"), "{manifest}: an rlib turns LTO off: {line}");
    }
    let root = std::fs::read_to_string(repo_path("Cargo.toml")).unwrap();
    assert!(root.contains("[profile.release]\nlto = true"), "the release profile asks for LTO");
}

/// The facades mint no error codes: every code a host sees is the core's
/// (`inscene::Error::code`), a wrong-typed argument included
/// (`Error::bad_argument`).
#[test]
fn the_facades_write_no_error_code_of_their_own() {
    let mut found = Vec::new();
    for dir in ["bindings/ffi/src", "wasm/src"] {
        for file in std::fs::read_dir(repo_path(dir)).unwrap().flatten().map(|e| e.path()) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split('"').skip(1).step_by(2).find(|s| {
                    *s == "internal"
                        || ["content.", "context.", "session.", "pack."].iter().any(|p| {
                            s.strip_prefix(p).is_some_and(|rest| {
                                !rest.is_empty() && rest.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                            })
                        })
                });
                if let Some(code) = code {
                    found.push(format!("{}:{}: \"{code}\"", file.display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "use inscene::Error (bad_argument for a wrong argument), not a code string: {found:?}");
}
