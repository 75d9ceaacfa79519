// Compiled by `tsc` in CI against the built package: the types describe the real
// shapes (no `any`), and misuse fails to compile (each @ts-expect-error must hold).
import init, { Catalog, lint, type StepView, type HandoffPacket, type Resolution } from "../../pkg/inscene.js";
import { HelpPanel, type ActionResult } from "../../pkg/help-panel.js";

export async function main(json: string): Promise<string> {
  await init();
  const catalog = new Catalog(json);
  const found: Resolution = catalog.resolve({ locale: "en", screen: "orders", entities: { order: { id: "1" } } });
  const first = found.suggestions[0];
  const reasons: string[] = first.reasons.map((r) => `${r.kind}:${r.detail}:${r.weight.toFixed(1)}`);
  const session = catalog.startSession({ session: "s1", scenario: first.scenario }, { locale: "en" }, undefined, (e) =>
    console.log(e.type, e.at),
  );
  let view: StepView = session.view();
  if (view.kind === "choice") view = session.choose(view.options[0].id);
  if (view.action) view = session.actionResult("success", { found: true });
  view = session.apply({ type: "ask_human" });
  for (const effect of session.takeEffects()) {
    if (effect.type === "hand_off") console.log(effect.packet.reason, effect.packet.priority);
    else if (effect.type === "perform_action") console.log(effect.request.action, effect.resumed);
    // @ts-expect-error effects are a closed union: show_crisis has no packet
    else console.log(effect.packet);
  }
  const packet: HandoffPacket | undefined = session.handoff();
  const priority: "low" | "normal" | "high" | "urgent" | undefined = packet?.priority;
  const findings = lint(json).map((f) => `${f.severity} ${f.code} ${f.path} ${f.line ?? 0}:${f.column ?? 0}`);
  const intervention = catalog.onEvent({ name: "payment_initiated", data: { payment_id: "p" } }, {});
  const held: string | undefined = intervention?.hold_action?.action;

  // @ts-expect-error an input must be one of the session inputs
  session.apply({ type: "teleport" });
  // @ts-expect-error outcomes are a closed set
  session.actionResult("exploded", null);
  // @ts-expect-error a start request needs a session id
  catalog.startSession({ scenario: "x" }, {});
  // @ts-expect-error the view's status is a closed set
  const bad: "done" = view.status;

  const panel = document.createElement("help-panel");
  const typed: HelpPanel = panel;
  typed.onAction = async (request): Promise<ActionResult> => ({ outcome: request.action ? "success" : "failure" });
  typed.onHandoff = (p) => console.log(p?.reason, p?.channels.join());
  panel.addEventListener("help-handoff", (e) => console.log(e.detail?.session));
  typed.deskStatus({ state: "queued", position: 2, wait_seconds: 60 });
  // @ts-expect-error a desk's state is a closed set
  typed.deskStatus({ state: "lost" });
  const wait: number | null | undefined = view.escalation?.wait_seconds;
  console.log(wait, view.escalation?.desk?.state, view.escalation?.opens_at);
  return [reasons.join(), priority, findings.join(), held, bad, view.text].join("\n");
}

export function optionalArguments(catalog: Catalog): StepView {
  const s = catalog.startSession({ session: "s2", scenario: "order_missing" });
  const r = catalog.restoreSession(s.snapshot(), { locale: "zh-Hant" });
  return r.actionResult("failure");
}
