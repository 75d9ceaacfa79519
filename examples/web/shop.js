// The demo shop's glue: it tells the help panel where the user is and what
// happened, performs the in-app actions flows ask for, and shows the handoff
// packet an agent would receive.
import "/pkg/help-panel.js";

const panel = document.getElementById("help");
const log = document.getElementById("log");
const agent = document.getElementById("agent");
const language = document.getElementById("language");
const elderly = document.getElementById("elderly");
const now = () => Math.floor(Date.now() / 1000);

let screen = "home";
let entities = {};
let events = [];
let extra = {};

function context() {
  return {
    context_version: 1,
    locale: language.value,
    platform: "web",
    screen,
    entities,
    events,
    user: { segments: elderly.checked ? ["elderly"] : [], account_status: "active", phone: "13812345678" },
    ...extra,
  };
}

function update(changes) {
  ({ screen = screen, entities = entities, events = events, extra = extra } = changes);
  panel.context = context();
}

// Actions the content declares; the demo performs them and reports the result.
const ACTIONS = {
  open_deleted_orders: () => ({ outcome: "success" }),
  restore_order: () => ({ outcome: "success" }),
  request_refund: () => ({ outcome: "success" }),
  open_password_reset: () => ({ outcome: "success" }),
  unlock_account: () => ({ outcome: "success" }),
  // The story: the verification SMS never arrives on the new device.
  start_device_verification: () => ({ outcome: "failure" }),
  check_charge_status: () => ({ outcome: "success", data: { kind: "subscription", credited: false } }),
  restore_purchases: () => ({ outcome: "failure" }),
  request_charge_refund: () => ({ outcome: "success" }),
  hold_payment: () => ({ outcome: "success" }),
  cancel_payment: () => ({ outcome: "success" }),
  open_booking: () => ({ outcome: "success" }),
};

panel.onAction = async (request) => {
  const result = (ACTIONS[request.action] ?? (() => ({ outcome: "failure" })))();
  const line = document.createElement("div");
  line.textContent = `${request.action} ${JSON.stringify(request.params)} -> ${result.outcome}`;
  line.dataset.action = request.action;
  log.append(line);
  return result;
};

panel.onHandoff = (packet) => {
  agent.textContent = packet ? JSON.stringify(packet, null, 2) : "A person was asked for (help content unavailable).";
};

language.addEventListener("change", () => {
  document.documentElement.lang = language.value;
  panel.setAttribute("locale", language.value);
  update({});
});
elderly.addEventListener("change", () => update({}));

document.getElementById("missing-order").addEventListener("click", () => {
  update({
    screen: "orders/detail",
    entities: { order: { id: "20261122001", status: "deleted", deleted_at: now() - 86400 } },
    events: [{ name: "order_deleted", at: now() - 86400 }],
    extra: {},
  });
});

document.getElementById("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  update({
    screen: "login",
    entities: {},
    events: [{ name: "login_failed", at: now(), data: { code: "1004" } }],
    extra: { device: { is_new: true } },
  });
});

document.getElementById("pay").addEventListener("click", () => {
  const payment = { id: "pay_42", amount: "100000", currency: "CNY", payee_name: "爱心基金会", payee_is_new: true };
  update({ screen: "pay/confirm", entities: { payment }, events: [], extra: { risk: { fraud_score: 0.95 } } });
  panel.hostEvent({ name: "payment_initiated", data: { payment_id: payment.id } });
});

document.getElementById("charge").addEventListener("click", () => {
  update({
    screen: "billing/history",
    entities: { charge: { id: "ch_9", amount: "30.00", currency: "USD", merchant: "StreamPlus" } },
    events: [{ name: "charge_posted", at: now() - 86400 }],
    extra: {},
  });
});

// For tests and the curious: window.shop.update({...}) sets any context.
window.shop = { update, panel, context };
update({});
