//! Reading a content document: the typed parse with its bounds (size, nesting),
//! the schema version, flows kept as text until first use, and the JSON text
//! scanner that turns a parser's line and column into a JSON pointer and back.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::content::{self, CatalogDoc, Flow};
use crate::error::{Code, Diagnostic, Pointer, Severity};
use crate::limits::Limits;

/// A flow kept as its JSON text until first use, with its id read at load.
/// The linter and the strict loader parse every flow up front into `parsed`.
#[derive(Debug)]
pub(crate) struct LazyFlowSource {
    pub(crate) id: String,
    pub(crate) raw: Box<RawValue>,
    pub(crate) parsed: Option<Box<content::Flow>>,
}

impl<'de> Deserialize<'de> for LazyFlowSource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        // Read only the id; the rest of the flow waits for its first use.
        let id = member_str(raw.get(), "id").ok_or_else(|| serde::de::Error::missing_field("id"))?;
        Ok(LazyFlowSource { id, raw, parsed: None })
    }
}

impl Serialize for LazyFlowSource {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match &self.parsed {
            Some(flow) => flow.serialize(s),
            None => self.raw.serialize(s),
        }
    }
}

/// Whether a run parses every flow up front or leaves them as text until used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flows {
    /// As text; each is parsed and checked on first use (loading).
    Lazy,
    /// Parsed and checked now (the full lint, the strict loader).
    Parsed,
}
/// The finding for content bytes that are not UTF-8: a JSON syntax error at the
/// first bad byte (1-based line, and column in bytes as serde_json counts them).
pub(crate) fn not_utf8(source: &[u8], e: &std::str::Utf8Error) -> Diagnostic {
    let valid = source.get(..e.valid_up_to()).unwrap_or_default();
    let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
    let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    let mut d = Diagnostic::at(
        Code::InvalidJson,
        Severity::Error,
        &Pointer::root(),
        format!("content is not UTF-8: invalid byte at offset {} (line {line}, column {column})", e.valid_up_to()),
    );
    d.position = Some((line, column));
    d
}

#[derive(Deserialize)]
struct VersionProbe {
    schema_version: Option<Value>,
}

/// Reads `source` as a content document, within `limits`: reports what stops
/// it on `out` and returns the document, with the whole text as a value when
/// `keep_value` (the linter looks for unknown fields in it).
pub(crate) fn read(
    source: &str,
    limits: &Limits,
    flows: Flows,
    keep_value: bool,
    out: &mut Vec<Diagnostic>,
) -> Option<(CatalogDoc<LazyFlowSource>, Option<Value>)> {
    let root = Pointer::root();
    if source.len() > limits.max_source_bytes {
        out.push(Diagnostic::at(
            Code::TooLarge,
            Severity::Error,
            &root,
            format!("content is {} bytes; the limit is {}", source.len(), limits.max_source_bytes),
        ));
        return None;
    }
    // Nesting first, by a scan of the text: parts of the document that are
    // kept as text (flows) or skipped (unknown fields) are never parsed into
    // values at load, so only this scan bounds their depth, for lint and load alike.
    if let Some((offset, depth)) = too_deep(source, limits.max_json_depth) {
        let (line, column) = line_column(source, offset);
        let mut d = Diagnostic::at(
            Code::LimitExceeded,
            Severity::Error,
            &pointer_at(source, line, column, Pointer::root()),
            format!("values are nested {depth} deep here; the limit is {}", limits.max_json_depth),
        );
        d.position = Some((line, column));
        out.push(d);
        return None;
    }
    // One plain typed parse. A failure is located from serde_json's line and
    // column by a scan of the text (`pointer_at`), so no second, path-tracking
    // deserializer is compiled into the libraries and loading pays nothing for it.
    let parsed = serde_json::from_str::<CatalogDoc<LazyFlowSource>>(source)
        .map_err(|e| (pointer_at(source, e.line(), e.column(), Pointer::root()), e));
    let result = match parsed {
        Ok(mut doc) => {
            let version = Value::String(doc.schema_version.clone());
            if !check_version(Some(&version), out) {
                return None;
            }
            if flows == Flows::Parsed && !parse_flows(source, &mut doc, out) {
                return None;
            }
            if !keep_value {
                return Some((doc, None));
            }
            match serde_json::from_str::<Value>(source) {
                Ok(value) => Ok((doc, Some(value))),
                Err(e) => Err((Pointer::root(), e)),
            }
        }
        Err(e) => {
            // Check the version before the shape, so a v2 document gets the right
            // error instead of a confusing complaint about a field v1 does not have.
            match serde_json::from_str::<VersionProbe>(source) {
                Ok(probe) if !check_version(probe.schema_version.as_ref(), out) => return None,
                Ok(_) => Err(e),
                Err(syntax) => {
                    let mut d = Diagnostic::at(Code::InvalidJson, Severity::Error, &root, syntax.to_string());
                    d.position = Some((syntax.line(), syntax.column()));
                    out.push(d);
                    return None;
                }
            }
        }
    };
    match result {
        Ok(read) => Some(read),
        Err((p, inner)) => {
            let mut d = Diagnostic::at(Code::Schema, Severity::Error, &p, inner.to_string());
            if inner.line() > 0 {
                d.position = Some((inner.line(), inner.column()));
            }
            out.push(d);
            None
        }
    }
}

/// The byte offset where `source` first nests arrays and objects deeper than
/// `max`, with that depth. Strings are skipped, escapes included; the text
/// need not be valid JSON (the parser says what else is wrong).
fn too_deep(source: &str, max: usize) -> Option<(usize, usize)> {
    let b = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            // String contents are most of a document: skipped to the closing
            // quote in one tight loop, stepping over escapes. (Eight bytes at a
            // time cost more here, and memchr2 saved 1 % of a load: strings in
            // content are short.)
            b'"' => loop {
                i += 1;
                match b.get(i..).and_then(|rest| rest.iter().position(|&c| c == b'"' || c == b'\\')) {
                    Some(k) if b[i + k] == b'\\' => i += k + 1,
                    Some(k) => {
                        i += k;
                        break;
                    }
                    None => return None,
                }
            },
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some((i, depth));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The 1-based line and byte column of a byte offset, as serde_json counts them.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = source.as_bytes().get(..offset).unwrap_or_default();
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (line, offset - start + 1)
}

/// Parses every flow held as text; reports each that does not parse, at its
/// own pointer, and says whether all did.
fn parse_flows(source: &str, doc: &mut CatalogDoc<LazyFlowSource>, out: &mut Vec<Diagnostic>) -> bool {
    let mut all = true;
    for (i, f) in doc.flows.iter_mut().enumerate() {
        match serde_json::from_str::<Flow>(f.raw.get()) {
            Ok(flow) => f.parsed = Some(Box::new(flow)),
            Err(e) => {
                all = false;
                let p = pointer_at(f.raw.get(), e.line(), e.column(), Pointer::root().key("flows").index(i));
                let mut d = Diagnostic::at(Code::Schema, Severity::Error, &p, serde_message(&e));
                d.position = position_of(source, p.as_str());
                out.push(d);
            }
        }
    }
    all
}

/// A serde_json error's message without its " at line L column C" suffix, for
/// errors whose position is relative to a part of the document.
pub(crate) fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((message, _)) if e.line() > 0 => message.to_owned(),
        _ => text,
    }
}

/// The JSON pointer, under `base`, of the value a parse error at `line` and
/// `column` (as serde_json reports them: 1-based line, bytes into the line) is
/// in: the member or element being read there, or the object that just closed
/// when the error is about the object as a whole (a missing field).
pub(crate) fn pointer_at(source: &str, line: usize, column: usize, base: Pointer) -> Pointer {
    enum Seg {
        Key(Option<String>),
        Index(usize),
    }
    let b = source.as_bytes();
    let mut start = 0;
    for _ in 1..line {
        match b.get(start..).and_then(|rest| rest.iter().position(|&c| c == b'\n')) {
            Some(n) => start += n + 1,
            None => break,
        }
    }
    let end = start.saturating_add(column).min(b.len());
    let mut stack: Vec<Seg> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < end {
        match b[i] {
            b'"' => {
                let Some(close) = skip_string(b, i) else { break };
                if expect_key {
                    if let Some(Seg::Key(k)) = stack.last_mut() {
                        *k = b.get(i..close).and_then(|raw| serde_json::from_slice::<String>(raw).ok());
                    }
                    expect_key = false;
                }
                i = close;
                continue;
            }
            b'{' => {
                stack.push(Seg::Key(None));
                expect_key = true;
            }
            b'[' => stack.push(Seg::Index(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Seg::Index(n)) => *n += 1,
                Some(Seg::Key(k)) => {
                    *k = None;
                    expect_key = true;
                }
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    stack.iter().fold(base, |p, seg| match seg {
        Seg::Key(Some(k)) => p.key(k),
        Seg::Key(None) => p,
        Seg::Index(n) => p.index(*n),
    })
}

/// Whether `version` is a supported `schema_version`; reports why not.
fn check_version(version: Option<&Value>, out: &mut Vec<Diagnostic>) -> bool {
    let vp = Pointer::root().key("schema_version");
    let supported = format!("this SDK reads schema_version \"{}.x\"", content::SCHEMA_MAJOR);
    let problem = match version {
        None => format!("schema_version is missing; {supported}"),
        Some(Value::String(v)) => {
            let major = v.split('.').next().and_then(|m| m.parse::<u64>().ok());
            let well_formed = v.split('.').count() == 2 && v.split('.').all(|p| p.parse::<u64>().is_ok());
            if well_formed && major == Some(content::SCHEMA_MAJOR) {
                return true;
            }
            format!("schema_version \"{v}\" is not supported; {supported}")
        }
        Some(_) => format!("schema_version must be a string; {supported}"),
    };
    out.push(Diagnostic::at(Code::UnsupportedVersion, Severity::Error, &vp, problem));
    false
}

/// 1-based line and column (in characters) where the value named by the RFC
/// 6901 `pointer` starts in `source`, for editors and CLI output. `None` when
/// the pointer does not resolve or the text is not valid JSON up to that value.
///
/// ```
/// let src = "{\n  \"a\": [1, {\"b\": true}]\n}";
/// assert_eq!(inscene::lint::position_of(src, "/a/1/b"), Some((2, 18)));
/// ```
pub fn position_of(source: &str, pointer: &str) -> Option<(usize, usize)> {
    let bytes = source.as_bytes();
    let mut at = skip_ws(bytes, 0);
    if !pointer.is_empty() {
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = raw.replace("~1", "/").replace("~0", "~");
            at = match bytes.get(at)? {
                b'{' => find_member(bytes, at, &token)?,
                b'[' => find_element(bytes, at, token.parse().ok()?)?,
                _ => return None,
            };
        }
    }
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Some((line, source.get(line_start..at)?.chars().count() + 1))
}

/// The string value of top-level member `key` of a JSON object, without
/// parsing the rest (used to read a flow's id at load).
pub(crate) fn member_str(source: &str, key: &str) -> Option<String> {
    let b = source.as_bytes();
    let open = skip_ws(b, 0);
    if *b.get(open)? != b'{' {
        return None;
    }
    let at = find_member(b, open, key)?;
    if *b.get(at)? != b'"' {
        return None;
    }
    serde_json::from_str(source.get(at..skip_string(b, at)?)?).ok()
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// End (exclusive) of the string starting at `i` (which is `"`).
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// End (exclusive) of the value starting at `i`, without recursion.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while b.get(j).is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace()) {
                j += 1;
            }
            Some(j)
        }
    }
}

fn find_member(b: &[u8], open: usize, key: &str) -> Option<usize> {
    let mut i = skip_ws(b, open + 1);
    while *b.get(i)? == b'"' {
        let end = skip_string(b, i)?;
        let raw = &b[i + 1..end - 1];
        // Keys without escapes compare as bytes; only escaped keys are decoded.
        let matches = if raw.contains(&b'\\') {
            serde_json::from_slice::<String>(&b[i..end]).ok()? == key
        } else {
            raw == key.as_bytes()
        };
        i = skip_ws(b, end);
        if *b.get(i)? != b':' {
            return None;
        }
        let value = skip_ws(b, i + 1);
        if matches {
            return Some(value);
        }
        i = skip_ws(b, skip_value(b, value)?);
        if *b.get(i)? == b',' {
            i = skip_ws(b, i + 1);
        }
    }
    None
}

fn find_element(b: &[u8], open: usize, index: usize) -> Option<usize> {
    let mut i = skip_ws(b, open + 1);
    for n in 0.. {
        if *b.get(i)? == b']' {
            return None;
        }
        if n == index {
            return Some(i);
        }
        i = skip_ws(b, skip_value(b, i)?);
        if *b.get(i)? == b',' {
            i = skip_ws(b, i + 1);
        }
    }
    None
}

#[cfg(test)]
mod position_tests {
    use super::position_of;

    /// The pointer `pointer_at` gives for serde_json's error on `source` parsed as `T`.
    fn located<T: serde::de::DeserializeOwned + std::fmt::Debug>(source: &str) -> String {
        let e = serde_json::from_str::<T>(source).expect_err("the source is invalid");
        super::pointer_at(source, e.line(), e.column(), crate::error::Pointer::root()).to_string()
    }

    #[test]
    fn bytes_that_are_not_utf8_are_a_syntax_error_at_the_first_bad_byte() {
        let src = b"{\n  \"id\": \"caf\xc3\xa9 \xff\"}";
        let Err(crate::Error::InvalidContent { diagnostics }) = crate::Catalog::from_json_bytes(src) else {
            panic!("not UTF-8 must not load")
        };
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert_eq!((d.code, d.path.as_str(), d.position), (crate::error::Code::InvalidJson, "", Some((2, 16))));
        assert!(d.message.contains("offset 17"), "{}", d.message);
        // UTF-8 bytes load exactly as the same text does.
        let text = "{\"schema_version\": 1";
        let (a, b) = (crate::Catalog::from_json_bytes(text.as_bytes()), crate::Catalog::from_json(text));
        assert_eq!(a.map(|_| ()).unwrap_err().to_string(), b.map(|_| ()).unwrap_err().to_string());
    }

    #[test]
    fn locates_parse_errors_from_line_and_column() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            id: String,
            n: u32,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Doc {
            items: Vec<Item>,
            tag: Option<String>,
        }
        // A wrong type: the member itself, across lines and after escaped keys and strings.
        let src =
            "{\"tag\": \"a,}\\\"[\",\n \"items\": [{\"id\": \"x\", \"n\": 1},\n  {\"id\": \"y\", \"n\": \"two\"}]}";
        assert_eq!(located::<Doc>(src), "/items/1/n");
        // A missing field: the object that lacks it.
        assert_eq!(located::<Doc>(r#"{"items": [{"id": "x", "n": 1}, {"n": 2}]}"#), "/items/1");
        assert_eq!(located::<Doc>(r#"{"tag": null}"#), "");
        // Keys with escapes are decoded.
        assert_eq!(located::<std::collections::BTreeMap<String, u32>>(r#"{"a\/b": "x"}"#), "/a~1b");
    }

    #[test]
    fn reads_a_top_level_string_member() {
        use super::member_str;
        assert_eq!(member_str(r#"{"steps": [{"id": "inner"}], "id": "f\u0031"}"#, "id").as_deref(), Some("f1"));
        assert_eq!(member_str(r#"{"id": 5}"#, "id"), None);
        assert_eq!(member_str(r#"[1]"#, "id"), None);
    }

    #[test]
    fn resolves_members_elements_and_escapes() {
        let src = "{\"x\": \"a}\\\"]\", \"list\": [ {\"k\": 1}, {\"k\": [2, 3]} ],\n \"a/b\": null}";
        assert_eq!(position_of(src, ""), Some((1, 1)));
        assert_eq!(position_of(src, "/list/1/k/1"), Some((1, 46)));
        assert_eq!(position_of(src, "/a~1b"), Some((2, 9)));
        assert_eq!(position_of(src, "/list/5"), None);
        assert_eq!(position_of(src, "/missing"), None);
        assert_eq!(position_of("{\"a\": 1", "/b"), None);
    }
}
