//! Generates the table that folds Traditional Chinese characters onto their
//! Simplified forms (`src/fold.rs`), from the `fast2s` character map.
//!
//! The map is read at build time only: the library carries two sorted `u16`
//! arrays and a binary search, not the converter, its hash map or its
//! start-up cost (15 KB gzipped of the web module against about 7 KB).

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
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
    let mut out = String::new();
    let _ = writeln!(out, "/// Traditional characters with a different Simplified form, ascending.");
    let _ = writeln!(out, "pub(crate) static HANT: [u16; {}] = [", pairs.len());
    for chunk in pairs.chunks(16) {
        let row: Vec<String> = chunk.iter().map(|(f, _)| format!("{f:#06x}")).collect();
        let _ = writeln!(out, "    {},", row.join(", "));
    }
    let _ = writeln!(out, "];\n/// The Simplified form of each character of `HANT`.");
    let _ = writeln!(out, "pub(crate) static HANS: [u16; {}] = [", pairs.len());
    for chunk in pairs.chunks(16) {
        let row: Vec<String> = chunk.iter().map(|(_, t)| format!("{t:#06x}")).collect();
        let _ = writeln!(out, "    {},", row.join(", "));
    }
    let _ = writeln!(out, "];");
    let dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = std::fs::write(dir.join("hant_hans.rs"), out) {
        println!("cargo:warning=could not write the Traditional-Simplified table: {e}");
        std::process::exit(1);
    }
}
