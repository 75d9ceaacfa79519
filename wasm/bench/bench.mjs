// Size and speed of the built web package in Node: module and glue sizes (raw and
// gzipped), time to compile + instantiate the module, to load the sample catalog,
// and per-call resolve and session-step times. Figures go to docs/PERFORMANCE.md.
// Run: node wasm/bench/bench.mjs (after wasm/scripts/build.sh).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const pkg = `${ROOT}wasm/pkg/`;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const size = (file) => {
  const bytes = readFileSync(pkg + file);
  return `${file}: ${kb(bytes.length)} raw, ${kb(gzipSync(bytes, { level: 9 }).length)} gzipped`;
};
console.log(size("inscene_bg.wasm"));
console.log(size("inscene.js"));
console.log(size("help-panel.js"));

const wasmBytes = readFileSync(pkg + "inscene_bg.wasm");
const json = readFileSync(`${ROOT}content/sample-shop.json`, "utf8");
const { initSync, Catalog } = await import(pkg + "inscene.js");

let t = performance.now();
const module = new WebAssembly.Module(wasmBytes);
initSync({ module });
console.log(`compile + instantiate: ${(performance.now() - t).toFixed(1)} ms`);

t = performance.now();
const catalog = new Catalog(json);
console.log(`load sample catalog (${kb(json.length)}): ${(performance.now() - t).toFixed(2)} ms`);

function stats(label, n, fn) {
  for (let i = 0; i < 200; i++) fn(n + i); // warm-up on its own indices
  const times = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    fn(i);
    times.push((performance.now() - s) * 1000);
  }
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
  console.log(`${label}: median ${q(0.5)} us, p99 ${q(0.99)} us (n=${n})`);
}

const NOW = 1795000000;
const ctx = { locale: "en", screen: "orders/detail", query: "my order disappeared", entities: { order: { id: "1", status: "deleted" } } };
t = performance.now();
catalog.resolve(ctx, NOW);
console.log(`first resolve (builds the text automaton): ${(performance.now() - t).toFixed(2)} ms`);
stats("resolve (context object in, resolution object out)", 5000, () => catalog.resolve(ctx, NOW));
stats("resolve (context as a JSON string)", 5000, () => catalog.resolve(JSON.stringify(ctx), NOW));
stats("start session + view", 2000, (i) => catalog.startSession({ session: `b${i}`, scenario: "account_banned" }, ctx, NOW).view(NOW));
const sessions = Array.from({ length: 2200 }, (_, i) =>
  catalog.startSession({ session: `s${i}`, scenario: "order_missing" }, ctx, NOW),
);
stats("session step (next, new view returned)", 2000, (i) => sessions[i].next(NOW));
stats("view of the current step", 2000, (i) => sessions[i % 2200].view(NOW));
