//! Unknown fields: the document walked along the content schema's structure.

use super::*;

/// The content schema stripped to its structure: `$defs`, `$ref`, `properties`,
/// `additionalProperties`, `items`, `anyOf`, `oneOf` and `const` tags. Generated
/// from the Rust content types with the JSON Schema (tests/schema.rs keeps it fresh),
/// so the libraries need no serializer for every content type to tell which
/// fields the format has.
const CONTENT_FIELDS: &str = include_str!("../content-fields.json");

/// Reports every field of `input` (a whole document) that the format does not have.
pub(super) fn unknown_fields(input: &Value, out: &mut Vec<Diagnostic>) {
    let root = Pointer::root();
    match serde_json::from_str::<Value>(CONTENT_FIELDS) {
        Ok(fields) => Shape::new(&fields).unknown_fields(&fields, input, &root, out),
        Err(e) => out.push(Diagnostic::at(Code::Schema, Severity::Error, &root, e.to_string())),
    }
}

/// Walks a document along the stripped content schema.
struct Shape<'s> {
    defs: Option<&'s serde_json::Map<String, Value>>,
}

impl<'s> Shape<'s> {
    fn new(fields: &'s Value) -> Self {
        Shape { defs: fields.get("$defs").and_then(Value::as_object) }
    }

    /// A schema with its `$ref` followed.
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        for _ in 0..8 {
            match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
                Some(name) => match self.defs.and_then(|d| d.get(name)) {
                    Some(next) => schema = next,
                    None => break,
                },
                None => break,
            }
        }
        schema
    }

    /// The alternative of `anyOf`/`oneOf` that describes `value`: for an
    /// object, one with fields whose `type` tag (if any) is the object's; for
    /// an array, one with items.
    fn alternative(&self, schema: &'s Value, value: &Value) -> Option<&'s Value> {
        let alternatives = schema.get("anyOf").or_else(|| schema.get("oneOf"))?.as_array()?;
        alternatives.iter().map(|a| self.resolve(a)).find(|a| match value {
            Value::Object(o) => {
                let structured = a.get("properties").is_some() || a.get("additionalProperties").is_some();
                let tag = a.get("properties").and_then(|p| p.get("type")).and_then(|t| t.get("const"));
                structured && tag.is_none_or(|t| o.get("type") == Some(t))
            }
            Value::Array(_) => a.get("items").is_some(),
            _ => false,
        })
    }

    /// Reports every key of `input` that `schema` does not have, at any depth.
    fn unknown_fields(&self, schema: &'s Value, input: &Value, at: &Pointer, out: &mut Vec<Diagnostic>) {
        let schema = self.resolve(schema);
        let alternative = self.alternative(schema, input);
        match input {
            Value::Object(object) => {
                let props = |s: Option<&'s Value>| s.and_then(|s| s.get("properties")).and_then(Value::as_object);
                let (own, chosen) = (props(Some(schema)), props(alternative));
                let rest = schema
                    .get("additionalProperties")
                    .or_else(|| alternative.and_then(|a| a.get("additionalProperties")));
                if own.is_none() && chosen.is_none() && rest.is_none() {
                    return; // any value, such as a rule
                }
                for (key, value) in object {
                    match own.and_then(|p| p.get(key)).or_else(|| chosen.and_then(|p| p.get(key))) {
                        Some(field) => self.unknown_fields(field, value, &at.key(key), out),
                        None => match rest {
                            Some(Value::Bool(true)) => {}
                            Some(s @ Value::Object(_)) => self.unknown_fields(s, value, &at.key(key), out),
                            _ if value.is_null() => {}
                            _ => out.push(Diagnostic::at(
                                Code::UnknownField,
                                Severity::Warning,
                                &at.key(key),
                                format!("`{key}` is not a field of content format v1 here; it is ignored"),
                            )),
                        },
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item) = schema.get("items").or_else(|| alternative.and_then(|a| a.get("items"))) {
                    for (n, value) in items.iter().enumerate() {
                        self.unknown_fields(item, value, &at.index(n), out);
                    }
                }
            }
            _ => {}
        }
    }
}
