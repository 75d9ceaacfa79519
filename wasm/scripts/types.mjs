// Generates the package's TypeScript types from schema/inscene-api.v1.schema.json,
// which the Rust types generate (tests/schema.rs). Never edit the output by hand.
//
// Usage: node scripts/types.mjs <schema.json> <out.d.ts>
import { readFileSync, writeFileSync } from "node:fs";
import { compile } from "json-schema-to-typescript";

const [schemaFile, outFile] = process.argv.slice(2);
const schema = JSON.parse(readFileSync(schemaFile, "utf8"));

// Normalize what json-schema-to-typescript reads differently from the spec:
// - `{"$ref": ..., "description": ...}`: the siblings would make a copy of the type;
// - a `true` schema (any JSON value) would become an object type;
// - titles would rename the types; their keys in `$defs` are the names we want.
function normalize(node) {
  if (node === true) return { tsType: "unknown" };
  if (Array.isArray(node)) return node.map(normalize);
  if (node && typeof node === "object") {
    if (typeof node.$ref === "string") return { $ref: node.$ref };
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "title") continue;
      if (k === "properties" || k === "$defs") {
        out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, normalize(s)]));
      } else if (k === "additionalProperties" && v === true) {
        out[k] = true;
      } else {
        out[k] = normalize(v);
      }
    }
    return out;
  }
  return node;
}

const defs = normalize(schema.$defs);
// One root type that names every definition, so each is emitted once under its own name.
const root = {
  title: "InSceneTypes",
  type: "object",
  properties: Object.fromEntries(Object.keys(defs).map((name) => [name, { $ref: `#/$defs/${name}` }])),
  additionalProperties: false,
  $defs: defs,
};
let ts = await compile(root, "InSceneTypes", {
  bannerComment:
    "/* Generated from schema/inscene-api.v1.schema.json by wasm/scripts/types.mjs. Do not edit. */",
  additionalProperties: false,
  strictIndexSignatures: false,
  format: true,
});
// The aggregating root is a generation device, not an API type.
ts = ts.replace(/export interface InSceneTypes \{[\s\S]*?\n\}\n/, "");
writeFileSync(outFile, ts);
