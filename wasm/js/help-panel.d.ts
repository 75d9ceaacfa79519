// Types of the <help-panel> element (wasm/js/help-panel.js).
import type { ActionRequest, Catalog, Context, HandoffPacket, HostEvent, Intervention, SessionEvent } from "./inscene.js";

/** What the host reports after performing an in-app action. */
export interface ActionResult {
  outcome: "success" | "failure" | "cancelled";
  /** Result data, stored under the step's `save_as` for later steps and the handoff packet. */
  data?: unknown;
}

/** What the help desk says of a handoff. */
export interface DeskStatusReport {
  state: "queued" | "accepted" | "failed" | "completed";
  /** Place in the queue, when queued. */
  position?: number;
  /** Estimated wait in seconds, when queued. */
  wait_seconds?: number;
  /** The desk's failure code (`no_agents`), when failed: a code, never words. */
  reason?: string;
}

/**
 * `<help-panel catalog="/help/catalog.json" locale="zh-Hans" wasm="/inscene_bg.wasm">`.
 * Theme with CSS custom properties: --inscene-font, --inscene-font-size, --inscene-bg,
 * --inscene-fg, --inscene-muted, --inscene-accent, --inscene-accent-fg, --inscene-danger,
 * --inscene-border, --inscene-radius, --inscene-gap, --inscene-transition.
 * The `large-text` attribute (set automatically for the `elderly` segment) enlarges the text.
 */
export declare class HelpPanel extends HTMLElement {
  /** The user's situation; setting it refreshes suggestions or updates the running session. */
  context: Context;
  /** Performs an in-app action the flow asks for. */
  onAction: ((request: ActionRequest) => ActionResult | Promise<ActionResult>) | null;
  /** A person takes over: the packet to hand to the agent (null only when the catalog could not be loaded). */
  onHandoff: ((packet: HandoffPacket | null) => void) | null;
  /** Analytics events, as the core emits them. */
  onAnalytics: ((event: SessionEvent) => void) | null;
  /** The loaded catalog, once ready. */
  readonly catalog: Catalog | undefined;
  /** Searches help for the user's own words. */
  ask(query: string): void;
  /** Reports a host event; shows and returns a proactive intervention if the content has one. */
  hostEvent(event: HostEvent): Promise<Intervention | undefined>;
  /** Starts a scenario's flow directly. */
  start(scenario: string): void;
  /** Relays what the help desk says of the handoff; a failure shows the next route. */
  deskStatus(report: DeskStatusReport): void;
}

/** The UI language for a BCP 47 tag. */
export declare function uiLocale(tag: string | undefined): "en" | "zh-Hans" | "zh-Hant";

declare global {
  interface HTMLElementTagNameMap {
    "help-panel": HelpPanel;
  }
  interface HTMLElementEventMap {
    "help-handoff": CustomEvent<HandoffPacket | null>;
    "help-analytics": CustomEvent<SessionEvent>;
  }
}
