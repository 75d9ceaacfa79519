//! Generates the table that folds Traditional Chinese characters onto their
//! Simplified forms (`src/fold.rs`), from the `fast2s` character map, and the
//! crisis lexicon without its comments (`src/crisis.rs`).
//!
//! The map is read at build time only: the library carries a compact sorted
//! table (about 6 KB gzipped) and a search, not the converter, its hash map,
//! bincode and lazy static, or their start-up cost (15 KB gzipped of the web
//! module, measured in a probe).

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/crisis/lexicon.txt");
    let dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    // The crisis lexicon without its comments and blank lines, each kind named once
    // before its phrases (3 KB of the libraries); line numbers count the kept lines.
    let lexicon = std::fs::read_to_string("src/crisis/lexicon.txt").unwrap_or_default();
    // Each kind is written once before its run of phrases (`ideation:`, then one phrase a line).
    let mut kept: Vec<&str> = Vec::new();
    let mut kind = "";
    for line in lexicon.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        match line.split_once(':') {
            Some((k, phrase)) if !line.starts_with('[') => {
                if k != kind || kept.last().is_some_and(|l| l.starts_with('[')) {
                    kind = k;
                    kept.push(&line[..=k.len()]);
                }
                kept.push(phrase.trim());
            }
            _ => kept.push(line),
        }
    }
    if kept.is_empty() || std::fs::write(dir.join("lexicon.txt"), kept.join("\n")).is_err() {
        println!("cargo:warning=could not write the crisis lexicon");
        std::process::exit(1);
    }
    let mut pairs: Vec<(u16, u16)> = Vec::new();
    for cp in 0x0800u32..=0xFFFF {
        let Some(c) = char::from_u32(cp) else { continue };
        let folded = fast2s::convert(c.encode_utf8(&mut [0; 4]));
        let mut chars = folded.chars();
        let (Some(to), None) = (chars.next(), chars.next()) else { continue };
        // Both sides stay in the Basic Multilingual Plane and three bytes of UTF-8,
        // so folding never moves a byte offset.
        if to != c && to.len_utf8() == 3 {
            if let (Ok(from), Ok(to)) = (u16::try_from(cp), u16::try_from(u32::from(to))) {
                pairs.push((from, to));
            }
        }
    }
    // Compact for the web module (6 KB gzipped against 10 KB for two u16
    // arrays): the Traditional code points ascending, as one absolute value per
    // block of BLOCK and one-byte steps between; the Simplified ones as high
    // and low byte planes.
    let block = 64;
    let steps: Vec<u8> = pairs
        .iter()
        .enumerate()
        .map(|(i, (f, _))| if i % block == 0 { 0 } else { u8::try_from(f - pairs[i - 1].0).unwrap_or(0) })
        .collect();
    if pairs.windows(2).any(|w| w[1].0 - w[0].0 > 255) {
        println!("cargo:warning=a step of the Traditional-Simplified table does not fit a byte");
        std::process::exit(1);
    }
    let mut out = String::new();
    let list = |name: &str, ty: &str, doc: &str, items: Vec<String>, out: &mut String| {
        let _ = writeln!(out, "/// {doc}\npub(crate) static {name}: [{ty}; {}] = [", items.len());
        for chunk in items.chunks(24) {
            let _ = writeln!(out, "    {},", chunk.join(", "));
        }
        let _ = writeln!(out, "];");
    };
    let _ = writeln!(out, "/// Entries per block of `HANT_BLOCKS`.\npub(crate) const HANT_BLOCK: usize = {block};");
    list(
        "HANT_BLOCKS",
        "u16",
        "The first Traditional code point of each block, ascending.",
        pairs.iter().step_by(block).map(|(f, _)| format!("{f:#06x}")).collect(),
        &mut out,
    );
    list(
        "HANT_STEPS",
        "u8",
        "Each Traditional code point less the one before (0 at the start of a block).",
        steps.iter().map(u8::to_string).collect(),
        &mut out,
    );
    list(
        "HANS_HIGH",
        "u8",
        "High bytes of the Simplified forms.",
        pairs.iter().map(|(_, t)| (t >> 8).to_string()).collect(),
        &mut out,
    );
    list(
        "HANS_LOW",
        "u8",
        "Low bytes of the Simplified forms.",
        pairs.iter().map(|(_, t)| (t & 0xFF).to_string()).collect(),
        &mut out,
    );
    if let Err(e) = std::fs::write(dir.join("hant_hans.rs"), out) {
        println!("cargo:warning=could not write the Traditional-Simplified table: {e}");
        std::process::exit(1);
    }
}
