// <help-panel>: a framework-free help panel over the inscene web SDK.
//
//   <help-panel catalog="/help/catalog.json" locale="zh-Hans"></help-panel>
//   panel.context = {...};                         // the user's situation (see Context)
//   panel.onAction = async (request) => ({ outcome: "success", data });
//   panel.onHandoff = (packet) => {...};           // connect a human with the packet
//   panel.onAnalytics = (event) => {...};          // optional
//   panel.hostEvent({ name: "payment_initiated", data }); // proactive interventions
//   panel.ask("my order disappeared");
//
// Every text from content or context is put into the page with textContent,
// never as HTML. Theme it with the CSS custom properties in STYLE.
import init, { Catalog } from "./inscene.js";

const UI = {
  en: {
    panel: "Help",
    askLabel: "Describe your problem",
    askButton: "Search",
    suggestions: "Suggested help",
    nothing: "We found no matching help. You can talk to a person.",
    unsure: "We are not sure what you mean. Here is what may fit where you are, or talk to a person.",
    human: "Talk to a person",
    humanNow: "Talk to a person now",
    next: "Continue",
    back: "Back",
    notHelpful: "This didn't help",
    helped: "Did this help?",
    yes: "Yes",
    no: "No",
    send: "Send",
    thanks: "Thank you for your feedback.",
    working: "Working on it…",
    loading: "Loading help…",
    unavailable: "Help is unavailable right now. You can still talk to a person.",
    errors: {
      "context.invalid": "Help could not read the details of this screen. You can still talk to a person.",
      "session.unknown_scenario": "This help topic is no longer available. Choose another, or talk to a person.",
      "session.invalid_input": "That does not fit this step. Please try again.",
      "session.input_rejected": "That answer was not accepted. Please check it and try again.",
      "session.ended": "This help has ended. Start again, or talk to a person.",
      "session.invalid_snapshot": "Your earlier help could not be resumed. Please start again.",
      "session.busy": "Still working on your last step. Please wait a moment.",
    },
    connecting: "A person will help you. Your situation has been passed on, so you will not need to repeat it.",
    warning: "Warning",
    continueFlow: "Continue",
    startOver: "Other help",
    channels: { chat: "chat", voice: "phone call", video: "video call", callback: "call back", ticket: "message" },
    via: "By",
    wait: (n) => `a person answers in about ${n} min`,
    queued: (n) => `you are number ${n} in the queue`,
    opens: (when) => `a person answers from ${when}`,
    deskAccepted: "a person has joined",
    deskCompleted: "the person has finished",
  },
  "zh-Hans": {
    panel: "帮助",
    askLabel: "描述你遇到的问题",
    askButton: "搜索",
    suggestions: "推荐帮助",
    nothing: "没有找到相关帮助。你可以联系人工客服。",
    unsure: "我们不太确定你的意思。下面是可能与你当前页面相关的帮助，也可以联系真人客服。",
    human: "联系人工客服",
    humanNow: "立即联系人工客服",
    next: "继续",
    back: "返回",
    notHelpful: "没有帮助",
    helped: "这对你有帮助吗？",
    yes: "有帮助",
    no: "没有",
    send: "发送",
    thanks: "感谢你的反馈。",
    working: "正在处理…",
    loading: "正在加载帮助…",
    unavailable: "帮助暂时不可用。你仍然可以联系人工客服。",
    errors: {
      "context.invalid": "帮助无法读取此页面的信息。你仍然可以联系人工客服。",
      "session.unknown_scenario": "这个帮助主题已不可用。请选择其他主题，或联系人工客服。",
      "session.invalid_input": "这一步不接受这个操作，请再试一次。",
      "session.input_rejected": "这个回答未被接受，请检查后再试。",
      "session.ended": "本次帮助已结束。你可以重新开始，或联系人工客服。",
      "session.invalid_snapshot": "无法继续之前的帮助，请重新开始。",
      "session.busy": "上一步还在处理中，请稍候。",
    },
    connecting: "人工客服会帮助你。你的情况已转交，无需重复说明。",
    warning: "警告",
    continueFlow: "继续",
    startOver: "其他帮助",
    channels: { chat: "在线聊天", voice: "电话", video: "视频通话", callback: "回电", ticket: "留言" },
    via: "方式",
    wait: (n) => `预计 ${n} 分钟内有人接待`,
    queued: (n) => `你在队列中排第 ${n} 位`,
    opens: (when) => `客服 ${when} 起接待`,
    deskAccepted: "客服已接入",
    deskCompleted: "客服已结束服务",
  },
  "zh-Hant": {
    panel: "幫助",
    askLabel: "描述你遇到的問題",
    askButton: "搜尋",
    suggestions: "推薦幫助",
    nothing: "沒有找到相關幫助。你可以聯絡真人客服。",
    unsure: "我們不太確定你的意思。下面是可能與你目前頁面相關的幫助，也可以聯絡真人客服。",
    human: "聯絡真人客服",
    humanNow: "立即聯絡真人客服",
    next: "繼續",
    back: "返回",
    notHelpful: "沒有幫助",
    helped: "這對你有幫助嗎？",
    yes: "有幫助",
    no: "沒有",
    send: "送出",
    thanks: "感謝你的回饋。",
    working: "正在處理…",
    loading: "正在載入幫助…",
    unavailable: "幫助暫時無法使用。你仍然可以聯絡真人客服。",
    errors: {
      "context.invalid": "幫助無法讀取此頁面的資訊。你仍然可以聯絡真人客服。",
      "session.unknown_scenario": "這個幫助主題已無法使用。請選擇其他主題，或聯絡真人客服。",
      "session.invalid_input": "這一步不接受這個操作，請再試一次。",
      "session.input_rejected": "這個回答未被接受，請檢查後再試。",
      "session.ended": "本次幫助已結束。你可以重新開始，或聯絡真人客服。",
      "session.invalid_snapshot": "無法繼續之前的幫助，請重新開始。",
      "session.busy": "上一步還在處理中，請稍候。",
    },
    connecting: "真人客服會幫助你。你的情況已轉交，無需重複說明。",
    warning: "警告",
    continueFlow: "繼續",
    startOver: "其他幫助",
    channels: { chat: "線上聊天", voice: "電話", video: "視訊通話", callback: "回電", ticket: "留言" },
    via: "方式",
    wait: (n) => `預計 ${n} 分鐘內有人接待`,
    queued: (n) => `你在佇列中排第 ${n} 位`,
    opens: (when) => `客服 ${when} 起接待`,
    deskAccepted: "客服已接入",
    deskCompleted: "客服已結束服務",
  },
};

/** The UI language for a BCP 47 tag: zh-Hant for Traditional regions, zh-Hans for other Chinese. */
export function uiLocale(tag) {
  const t = String(tag || "").toLowerCase();
  if (t.startsWith("zh")) return /hant|-tw|-hk|-mo/.test(t) ? "zh-Hant" : "zh-Hans";
  return "en";
}

const STYLE = `
:host {
  --inscene-font: system-ui, sans-serif;
  --inscene-font-size: 1rem;
  --inscene-bg: #ffffff;
  --inscene-fg: #1d1d1f;
  --inscene-muted: #5f6368;
  --inscene-accent: #0b57d0;
  --inscene-accent-fg: #ffffff;
  --inscene-danger: #b3261e;
  --inscene-border: #c4c7c5;
  --inscene-radius: 0.5rem;
  --inscene-gap: 0.75rem;
  --inscene-transition: 150ms;
  display: block;
  font-family: var(--inscene-font);
  font-size: var(--inscene-font-size);
  line-height: 1.5;
  color: var(--inscene-fg);
  background: var(--inscene-bg);
  border: 1px solid var(--inscene-border);
  border-radius: var(--inscene-radius);
  padding: var(--inscene-gap);
}
:host([large-text]) { font-size: calc(var(--inscene-font-size) * 1.375); }
* { box-sizing: border-box; font: inherit; }
h2, h3 { margin: 0 0 var(--inscene-gap); font-weight: 600; }
h2 { font-size: 1.25em; }
h3 { font-size: 1.1em; }
h3:focus, p:focus { outline: none; }
p { margin: 0 0 var(--inscene-gap); white-space: pre-line; }
form { display: flex; gap: 0.5em; margin-bottom: var(--inscene-gap); flex-wrap: wrap; align-items: center; }
form label { flex-basis: 100%; }
label { display: block; margin-bottom: 0.25em; color: var(--inscene-muted); }
input[type="text"] {
  flex: 1 1 12em; min-height: 2.75em; padding: 0.5em 0.75em;
  border: 1px solid var(--inscene-border); border-radius: var(--inscene-radius);
  color: var(--inscene-fg); background: var(--inscene-bg);
}
button {
  min-height: 2.75em; padding: 0.5em 1em; cursor: pointer;
  border: 1px solid var(--inscene-accent); border-radius: var(--inscene-radius);
  background: var(--inscene-bg); color: var(--inscene-accent);
  transition: background var(--inscene-transition), color var(--inscene-transition);
}
button.primary, button:hover { background: var(--inscene-accent); color: var(--inscene-accent-fg); }
button:focus-visible, input:focus-visible { outline: 3px solid var(--inscene-accent); outline-offset: 2px; }
button:disabled { opacity: 0.6; cursor: progress; }
ul { list-style: none; margin: 0 0 var(--inscene-gap); padding: 0; display: grid; gap: 0.5em; }
ul button { width: 100%; text-align: start; }
.summary { display: block; color: var(--inscene-muted); font-size: 0.9em; }
.row { display: flex; gap: 0.5em; flex-wrap: wrap; margin-bottom: var(--inscene-gap); }
.alert { border-inline-start: 4px solid var(--inscene-danger); padding-inline-start: var(--inscene-gap); }
.alert strong { color: var(--inscene-danger); }
.human { border-top: 1px solid var(--inscene-border); padding-top: var(--inscene-gap); }
.human button.prominent { background: var(--inscene-danger); border-color: var(--inscene-danger); color: #fff; }
.error { color: var(--inscene-danger); }
.status { color: var(--inscene-muted); }
@media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; } }
`;

/** An element with attributes and children; strings become text nodes (never HTML). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

let wasmReady;
const catalogs = new Map();

function loadCatalog(url, wasmUrl) {
  wasmReady ??= init(wasmUrl ? { module_or_path: wasmUrl } : undefined);
  if (!catalogs.has(url)) {
    const loading = wasmReady
      .then(() => fetch(url))
      .then((r) => {
        if (!r.ok) throw new Error(`catalog ${url}: HTTP ${r.status}`);
        return r.text();
      })
      .then((text) => new Catalog(text));
    loading.catch(() => catalogs.delete(url));
    catalogs.set(url, loading);
  }
  return catalogs.get(url);
}

let sessionCounter = 0;
function newSessionId() {
  sessionCounter += 1;
  return globalThis.crypto?.randomUUID?.() ?? `s-${Date.now()}-${sessionCounter}`;
}

export class HelpPanel extends HTMLElement {
  static observedAttributes = ["catalog", "locale", "wasm"];

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = STYLE;
    this._body = h("div", { class: "body", "aria-live": "polite" });
    this._human = h("div", { class: "human" });
    this._region = h("section", { role: "region" }, this._body, this._human);
    this.shadowRoot.append(style, this._region);
    this._context = {};
    this._state = { mode: "loading" };
    /** Performs an in-app action: `(request) => Promise<{outcome, data?}>`. */
    this.onAction = null;
    /** Receives the handoff packet when a person takes over. */
    this.onHandoff = null;
    /** Receives analytics events. */
    this.onAnalytics = null;
  }

  connectedCallback() {
    this._load();
  }

  attributeChangedCallback(name, old, value) {
    if (old === value || !this.isConnected) return;
    if (name === "catalog" || name === "wasm") this._load();
    else this._render();
  }

  /** The user's situation; setting it refreshes suggestions, or updates the running session. */
  get context() {
    return this._context;
  }

  set context(value) {
    this._context = value && typeof value === "object" ? value : {};
    // Large text follows the elderly segment, unless the host set the attribute itself.
    const elderly = this._segments().includes("elderly");
    if (elderly && !this.hasAttribute("large-text")) {
      this._autoLargeText = true;
      this.setAttribute("large-text", "");
    } else if (!elderly && this._autoLargeText) {
      this._autoLargeText = false;
      this.removeAttribute("large-text");
    }
    const { session } = this._state;
    if (session && this._view) {
      // The core screens a new question for crisis language in any state.
      this._show(this._guard(() => session.setContext(this._ctx())));
    } else if (this._catalog && !this._state.intervention) {
      this._suggest();
    }
  }

  /** The loaded catalog, once ready (for hosts that want the core API too). */
  get catalog() {
    return this._catalog;
  }

  /** Searches help for the user's own words. */
  ask(query) {
    this._context = { ...this._context, query: String(query ?? "") };
    this._request = undefined;
    this._endSession();
    this._suggest();
  }

  /** Reports a host event; shows a proactive intervention if the content has one. */
  async hostEvent(event) {
    await this._ready;
    if (!this._catalog) return undefined;
    const found = this._guard(() => this._catalog.onEvent(event, this._ctx()));
    if (!found) return undefined;
    this._emit({ ...found.event });
    this._endSession();
    this._state = { mode: "intervention", intervention: found };
    this._render();
    if (found.hold_action) await this._perform(found.hold_action);
    return found;
  }

  /** Starts a flow directly (e.g. from a button in the host app). */
  start(scenario) {
    this._startSession({ scenario });
  }

  /**
   * Relays what the help desk says of the handoff: `{ state: "queued", position, wait_seconds }`,
   * `{ state: "accepted" }`, `{ state: "failed", reason: "no_agents" }` (the next route is shown) or
   * `{ state: "completed" }`.
   */
  deskStatus(report) {
    if (!this._state.session) return;
    this._input("apply", { ...report, type: "desk_status" });
  }

  // ---- internals ------------------------------------------------------------------

  _t() {
    const tag = this.getAttribute("locale") || this._context.locale || globalThis.navigator?.language;
    return UI[uiLocale(tag)];
  }

  _segments() {
    const s = this._context?.user?.segments;
    return Array.isArray(s) ? s : [];
  }

  _ctx() {
    const locale = this.getAttribute("locale");
    const ctx = locale && !this._context.locale ? { ...this._context, locale } : { ...this._context };
    // One request id per opening of help (a new question opens another): the
    // suggestions' and interventions' analytics events take their ids from it.
    this._request ??= newSessionId();
    ctx.request ??= this._request;
    return ctx;
  }

  _guard(fn) {
    try {
      return fn();
    } catch (e) {
      this._state = { ...this._state, error: e?.name === "InSceneError" ? e.code : "internal" };
      this._render();
      if (e?.name !== "InSceneError") console.error(e);
      return undefined;
    }
  }

  _emit(event) {
    try {
      this.onAnalytics?.(event);
    } catch (e) {
      console.error(e);
    }
    this.dispatchEvent(new CustomEvent("help-analytics", { detail: event }));
  }

  _load() {
    const url = this.getAttribute("catalog");
    if (!url) return;
    this._state = { mode: "loading" };
    this._render();
    this._ready = loadCatalog(url, this.getAttribute("wasm")).then(
      (catalog) => {
        this._catalog = catalog;
        this._suggest();
      },
      (e) => {
        console.error(e);
        this._state = { mode: "unavailable" };
        this._render();
      },
    );
  }

  _suggest() {
    if (!this._catalog) return;
    const found = this._guard(() => this._catalog.resolve(this._ctx()));
    if (!found) return;
    this._emit(found.event);
    if (found.crisis) {
      this._state = { mode: "crisis", crisis: found.crisis };
      this._render();
      // The user's own words already hold crisis language: any session hands over at
      // once with the crisis reason, resources and the text in the transcript.
      const base = this._guard(() => this._catalog.resolve({ ...this._ctx(), query: undefined }));
      const scenario = base?.suggestions[0]?.scenario;
      if (scenario) this._startSession({ scenario }, { keepMode: true });
      return;
    }
    // A question no scenario matches confidently: the core says so, and the panel shows
    // what the screen and events suggest, with a person offered first.
    const unsure = Boolean(found.text && !found.text.in_scope);
    this._state = { mode: "suggestions", suggestions: found.suggestions, unsure };
    this._render();
  }

  _startSession(request, { keepMode = false } = {}) {
    const session = this._guard(() =>
      this._catalog.startSession({ session: newSessionId(), ...request }, this._ctx(), undefined, (e) => this._emit(e)),
    );
    if (!session) return;
    this._state = keepMode ? { ...this._state, session } : { mode: "step", session };
    this._focusHeading = !keepMode;
    this._show(session.view());
  }

  _endSession() {
    const { session } = this._state;
    if (session && this._view?.status === "active") this._guard(() => session.abandon());
    this._view = null;
  }

  _show(view) {
    if (!view) return;
    this._view = view;
    const { session } = this._state;
    // One loop over what the core decided: each effect comes once, on the
    // transition that caused it; the view is only drawn.
    const effects = (session && this._guard(() => session.takeEffects())) || [];
    for (const effect of effects) {
      if (effect.type === "show_crisis") this._state = { ...this._state, mode: "crisis", crisis: effect };
    }
    this._render();
    for (const effect of effects) {
      if (effect.type === "hand_off") this._handoff(effect.packet);
      else if (effect.type === "perform_action") this._act(effect.request);
    }
  }

  _handoff(packet) {
    try {
      this.onHandoff?.(packet);
    } catch (e) {
      console.error(e);
    }
    this.dispatchEvent(new CustomEvent("help-handoff", { detail: packet }));
  }

  async _perform(request) {
    if (typeof this.onAction !== "function") return { outcome: "failure" };
    try {
      const result = await this.onAction(request);
      return result && typeof result === "object" ? result : { outcome: "success" };
    } catch (e) {
      console.error(e);
      return { outcome: "failure" };
    }
  }

  async _act(action) {
    const { session } = this._state;
    this._busy = true;
    this._render();
    const result = await this._perform(action);
    this._busy = false;
    if (this._state.session !== session) return; // the user moved on meanwhile
    this._focusHeading = true;
    this._show(this._guard(() => session.actionResult(result.outcome ?? "success", result.data)));
  }

  _input(name, ...args) {
    const { session } = this._state;
    if (!session) return;
    this._state.error = undefined;
    this._focusHeading = true;
    this._show(this._guard(() => session[name](...args)));
  }

  _askHuman() {
    if (this._state.session) {
      this._state.mode = "step";
      this._input("askHuman");
      return;
    }
    if (!this._catalog) {
      // The catalog did not load: the host connects a person without a packet.
      this._state = { mode: "connecting" };
      this._render();
      this.dispatchEvent(new CustomEvent("help-handoff", { detail: null }));
      try {
        this.onHandoff?.(null);
      } catch (e) {
        console.error(e);
      }
      return;
    }
    // No flow yet: hand over from the best match for the screen, so the agent sees it;
    // when nothing matches, a session with no flow goes straight to a person, and its
    // packet still carries the context and the question.
    const base = this._guard(() => this._catalog.resolve(this._ctx()));
    const scenario = base?.suggestions[0]?.scenario;
    if (scenario) {
      this._startSession({ scenario });
      this._input("askHuman");
    } else {
      this._startSession({ human: true });
    }
  }

  /** What the desk said, and when a person will answer, as short phrases. */
  _deskNews(t, escalation) {
    if (!escalation) return [];
    const desk = escalation.desk;
    if (desk?.state === "accepted") return [t.deskAccepted];
    if (desk?.state === "completed") return [t.deskCompleted];
    const news = [];
    if (desk?.state === "queued" && desk.position != null) news.push(t.queued(desk.position));
    if (escalation.wait_seconds != null) news.push(t.wait(Math.max(1, Math.round(escalation.wait_seconds / 60))));
    else if (escalation.opens_at != null) {
      const tag = uiLocale(this.getAttribute("locale") || this._context.locale || globalThis.navigator?.language);
      const when = new Date(escalation.opens_at * 1000).toLocaleString(tag, {
        weekday: "short",
        hour: "2-digit",
        minute: "2-digit",
      });
      news.push(t.opens(when));
    }
    return news;
  }

  _render() {
    const t = this._t();
    const body = this._body;
    this._region.setAttribute("aria-label", t.panel);
    const main = [h("h2", {}, t.panel)];
    const st = this._state;
    const view = this._view;
    const humanNeeded =
      st.mode === "crisis" || (view && view.human?.prominent) || st.intervention?.human || st.unsure;

    if (st.mode !== "crisis" && st.mode !== "intervention" && !view?.escalation) {
      main.push(this._askForm(t));
    }
    if (st.mode === "loading") main.push(h("p", { class: "status" }, t.loading));
    if (st.mode === "unavailable") main.push(h("p", { class: "error", role: "alert" }, t.unavailable));
    if (st.mode === "connecting") main.push(h("p", { role: "status" }, t.connecting));
    if (st.mode === "suggestions" && st.unsure) main.push(h("p", { role: "status", "data-testid": "unsure" }, t.unsure));
    if (st.mode === "suggestions" && !(st.unsure && !st.suggestions.length)) main.push(this._suggestions(t, st.suggestions));
    if (st.mode === "crisis") {
      main.push(h("div", { class: "alert", role: "alert" }, h("p", {}, st.crisis.resources)));
      if (view?.escalation) main.push(h("p", { role: "status" }, t.connecting));
    }
    if (st.mode === "intervention") main.push(this._intervention(t, st.intervention));
    if (st.mode === "step" && view) main.push(...this._step(t, view));
    // Each error says what went wrong, in the user's language; what the panel has no words for
    // (broken content, a refused pack, an internal failure) is "help is unavailable".
    if (st.error) main.push(h("p", { class: "error", role: "alert", "data-code": st.error }, t.errors[st.error] ?? t.unavailable));
    body.replaceChildren(...main);

    const escalated = Boolean(view?.escalation);
    this._human.replaceChildren(
      escalated
        ? h(
            "p",
            { class: "status", "data-testid": "route" },
            // The escalation's own route (the desk's open channels, or its fallbacks), and the wait the desk gave.
            [
              `${t.via}: ${(view.escalation?.channels ?? view.human?.channels ?? []).map((c) => t.channels[c] ?? c).join(" · ")}`,
              ...this._deskNews(t, view.escalation),
            ].join(" · "),
          )
        : h(
            "button",
            {
              type: "button",
              class: humanNeeded ? "prominent" : null,
              "data-testid": "human",
              onclick: () => this._askHuman(),
            },
            humanNeeded ? t.humanNow : t.human,
          ),
    );
    if (this._focusHeading) {
      this._focusHeading = false;
      // Keep keyboard and screen-reader users in place: the step's text, once rebuilt.
      (body.querySelector("[data-step]") ?? body.querySelector("h3") ?? body.querySelector("button"))?.focus();
    }
  }

  _askForm(t) {
    const id = "inscene-ask";
    const field = h("input", {
      id,
      type: "text",
      name: "query",
      autocomplete: "off",
      value: this._context.query ?? "",
    });
    return h(
      "form",
      {
        role: "search",
        onsubmit: (e) => {
          e.preventDefault();
          this.ask(field.value);
        },
      },
      h("label", { for: id }, t.askLabel),
      field,
      h("button", { type: "submit" }, t.askButton),
    );
  }

  _suggestions(t, suggestions) {
    if (!suggestions.length) return h("p", {}, t.nothing);
    return h(
      "nav",
      { "aria-label": t.suggestions },
      h("h3", {}, t.suggestions),
      h(
        "ul",
        {},
        suggestions.map((s) =>
          h(
            "li",
            {},
            h(
              "button",
              { type: "button", "data-scenario": s.scenario, onclick: () => this._startSession({ scenario: s.scenario }) },
              s.title,
              s.summary ? h("span", { class: "summary" }, s.summary) : null,
            ),
          ),
        ),
      ),
    );
  }

  _intervention(t, found) {
    return h(
      "div",
      { class: "alert", role: "alert", "data-intervention": found.id },
      h("p", {}, h("strong", {}, `${t.warning}: `), found.message),
      found.education ? h("p", {}, found.education) : null,
      h(
        "div",
        { class: "row" },
        found.flow
          ? h(
              "button",
              {
                type: "button",
                class: "primary",
                onclick: () => {
                  this._state = { mode: "step" };
                  // Started from the intervention, the session keeps its risk: a person asked
                  // for from here is reached at the intervention's priority and queue.
                  this._startSession({ intervention: found.id });
                },
              },
              t.continueFlow,
            )
          : null,
      ),
    );
  }

  _step(t, view) {
    const out = [];
    if (view.title) out.push(h("h3", { tabindex: "-1" }, view.title));
    if (view.notice) out.push(h("p", { class: "status" }, view.notice));
    out.push(h("p", { "data-step": view.step ?? "", tabindex: "-1" }, view.text));
    if (this._busy) out.push(h("p", { class: "status", role: "status" }, t.working));
    if (view.escalation) {
      out.push(h("p", { role: "status" }, t.connecting));
      return out;
    }
    if (view.status === "resolved") {
      if (view.ask_feedback && !this._feedbackGiven) {
        out.push(
          h("p", {}, t.helped),
          h(
            "div",
            { class: "row", role: "group", "aria-label": t.helped },
            h("button", { type: "button", onclick: () => this._feedback(true) }, t.yes),
            h("button", { type: "button", onclick: () => this._feedback(false) }, t.no),
          ),
        );
      } else if (this._feedbackGiven) {
        out.push(h("p", { role: "status" }, t.thanks));
      }
      out.push(h("button", { type: "button", onclick: () => this._restart() }, t.startOver));
      return out;
    }
    if (view.status !== "active") return out;
    const controls = [];
    if (view.kind === "message") {
      controls.push(h("button", { type: "button", class: "primary", onclick: () => this._input("next") }, t.next));
    }
    if (view.kind === "choice") {
      out.push(
        h(
          "div",
          { class: "row", role: "group", "aria-label": view.text },
          view.options.map((o) =>
            h("button", { type: "button", "data-option": o.id, onclick: () => this._input("choose", o.id) }, o.label),
          ),
        ),
      );
    }
    if (view.kind === "input") {
      const id = `inscene-input-${view.step}`;
      const field = h("input", {
        id,
        type: "text",
        "aria-invalid": view.input?.error ? "true" : null,
        "aria-describedby": view.input?.error ? `${id}-error` : null,
      });
      out.push(
        h(
          "form",
          {
            onsubmit: (e) => {
              e.preventDefault();
              this._input("submit", field.value);
            },
          },
          h("label", { for: id }, view.text),
          field,
          h("button", { type: "submit", class: "primary" }, t.send),
        ),
      );
      if (view.input?.error) out.push(h("p", { id: `${id}-error`, class: "error", role: "alert" }, view.input.error));
    }
    if (view.can_go_back) controls.push(h("button", { type: "button", onclick: () => this._input("back") }, t.back));
    // While the app performs an action there is nothing to call unhelpful yet.
    if (!view.action) {
      controls.push(h("button", { type: "button", onclick: () => this._input("notHelpful") }, t.notHelpful));
    }
    out.push(h("div", { class: "row" }, controls));
    return out;
  }

  _feedback(helpful) {
    this._feedbackGiven = true;
    this._input("feedback", helpful);
  }

  _restart() {
    this._feedbackGiven = false;
    this._view = null;
    this._state = { mode: "loading" };
    this._context = { ...this._context, query: undefined };
    this._suggest();
  }
}

if (globalThis.customElements && !customElements.get("help-panel")) {
  customElements.define("help-panel", HelpPanel);
}
