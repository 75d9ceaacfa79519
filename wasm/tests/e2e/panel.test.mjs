// End-to-end: the demo shop (examples/web) served on localhost, driven in real
// headless Chromium through playwright-core, as a user would. Screenshots go to
// target/e2e/ as test artifacts. Run: node --test wasm/tests/e2e/ (after the build).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

import { start } from "../../../examples/web/serve.mjs";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ARTIFACTS = `${ROOT}target/e2e`;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

let server;
let browser;
let base;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await start(0);
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function shop() {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  await page.goto(`${base}/`);
  await page.locator("help-panel h2").waitFor();
  await page.locator("help-panel [data-testid=human]").waitFor();
  return { page, problems };
}

test("missing order: suggestion, actions through the host, resolution and feedback", async () => {
  const { page, problems } = await shop();
  await page.click("#missing-order");
  await page.click("help-panel button[data-scenario=order_missing]");
  await page.locator("help-panel [data-step=explain_deleted]").filter({ hasText: "20261122001" }).waitFor();
  await page.click("help-panel button.primary"); // Continue
  await page.locator("#log [data-action=open_deleted_orders]").waitFor();
  await page.click("help-panel button[data-option=yes]");
  await page.click("help-panel button[data-option=restore]");
  await page.locator("#log [data-action=restore_order]").waitFor();
  await page.locator("help-panel").getByText("Did this help?").waitFor();
  await page.locator("help-panel").getByRole("button", { name: "Yes" }).click();
  await page.locator("help-panel").getByText("Thank you for your feedback.").waitFor();
  assert.equal(await page.locator("#agent").textContent(), "", "no handoff on a resolved flow");
  await page.screenshot({ path: `${ARTIFACTS}/missing-order-resolved.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test("login failure on a new device: verification fails, a person takes over with the packet", async () => {
  const { page, problems } = await shop();
  await page.click("#login-form button");
  await page.click("help-panel button[data-scenario=login_failure]");
  await page.locator("help-panel [data-step=new_device]").waitFor();
  await page.click("help-panel button.primary");
  await page.locator("#log [data-action=start_device_verification]").waitFor();
  await page.locator("#agent").filter({ hasText: "inscene.handoff.v1" }).waitFor();
  const packet = JSON.parse(await page.locator("#agent").textContent());
  assert.equal(packet.reason_detail, "login_failure");
  assert.equal(packet.queue, "accounts");
  assert.ok(packet.path.some((p) => p.step === "verify_device"));
  assert.ok(!JSON.stringify(packet).includes("13812345678"), "the phone number is redacted");
  await page.locator("help-panel [role=status]").first().waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test("a person before any help: nothing matches the screen, the packet still carries the context", async () => {
  const { page, problems } = await shop();
  await page.locator("help-panel [data-testid=human]").click();
  await page.locator("#agent").filter({ hasText: "inscene.handoff.v1" }).waitFor();
  const packet = JSON.parse(await page.locator("#agent").textContent());
  assert.equal(packet.reason, "user_request");
  assert.equal(packet.flow, null);
  assert.equal(packet.context.screen, "home");
  await page.locator("help-panel [role=status]").waitFor();
  // The panel names the escalation's own route, the one the packet carries.
  const names = { chat: "chat", voice: "phone call", video: "video call", callback: "call back", ticket: "message" };
  const route = await page.locator("help-panel [data-testid=route]").textContent();
  assert.equal(route, `By: ${packet.channels.map((c) => names[c]).join(" · ")}`);
  // The desk's word comes back: a place in the queue, then a failure moves on to the next route, then a person.
  const routeText = () => page.locator("help-panel [data-testid=route]").textContent();
  await page.evaluate(() => document.querySelector("help-panel").deskStatus({ state: "queued", position: 3, wait_seconds: 300 }));
  assert.match(await routeText(), /you are number 3 in the queue · a person answers in about 5 min$/);
  await page.evaluate(() => document.querySelector("help-panel").deskStatus({ state: "failed", reason: "no_agents" }));
  assert.equal(await routeText(), `By: ${packet.channels.slice(1).map((c) => names[c]).join(" · ")}`);
  await page.evaluate(() => document.querySelector("help-panel").deskStatus({ state: "accepted" }));
  assert.match(await routeText(), / · a person has joined$/);
  await page.screenshot({ path: `${ARTIFACTS}/person-before-any-help.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test("fraud: the proactive warning holds the payment and puts a person first", async () => {
  const { page, problems } = await shop();
  await page.click("#pay");
  const alert = page.locator("help-panel [data-intervention=payment_fraud_warning]");
  await alert.filter({ hasText: "looks like a scam" }).waitFor();
  await page.locator("#log [data-action=hold_payment]").filter({ hasText: "pay_42" }).waitFor();
  assert.equal(await page.locator("help-panel [data-testid=human]").getAttribute("class"), "prominent");
  await page.locator("help-panel").getByRole("button", { name: "Continue" }).click();
  await page.locator("help-panel [data-step=paused]").filter({ hasText: "100000 CNY" }).waitFor();
  await page.locator("help-panel [data-testid=human]").click();
  await page.locator("#agent").filter({ hasText: "inscene.handoff.v1" }).waitFor();
  const packet = JSON.parse(await page.locator("#agent").textContent());
  assert.equal(packet.flow, "fraud_education");
  // The session started from the warning keeps its risk: the person is reached urgently, in the fraud queue.
  assert.equal(packet.intervention, "payment_fraud_warning");
  assert.equal(packet.risk, "critical");
  assert.equal(packet.priority, "urgent");
  assert.equal(packet.queue, "fraud");
  await page.screenshot({ path: `${ARTIFACTS}/fraud-warning.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test("crisis words in the question: resources at once and a person, no flows", async () => {
  const { page, problems } = await shop();
  await page.click("#missing-order");
  await page.locator("help-panel input[name=query]").fill("my order is gone and I want to end my life");
  await page.locator("help-panel input[name=query]").press("Enter");
  await page.locator("help-panel [role=alert]").filter({ hasText: "You are not alone" }).waitFor();
  assert.equal(await page.locator("help-panel button[data-scenario]").count(), 0);
  await page.locator("#agent").filter({ hasText: "inscene.handoff.v1" }).waitFor();
  const packet = JSON.parse(await page.locator("#agent").textContent());
  assert.equal(packet.reason, "crisis");
  assert.equal(packet.priority, "urgent");
  assert.deepEqual(problems, []);
  await page.close();
});

test("markup in a context field is shown as text, never run", async () => {
  const { page, problems } = await shop();
  const evil = `<img src=x onerror="window.__xss=1">`;
  await page.evaluate((id) => {
    window.shop.update({ screen: "orders/detail", entities: { order: { id, status: "deleted" } }, events: [], extra: {} });
  }, evil);
  await page.click("help-panel button[data-scenario=order_missing]");
  const step = page.locator("help-panel [data-step=explain_deleted]");
  await step.waitFor();
  assert.ok((await step.textContent()).includes(evil), "the markup is visible as text");
  assert.equal(await page.locator("help-panel img").count(), 0);
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.deepEqual(problems, []);
  await page.close();
});

test("keyboard, language and large text: usable without a mouse, in Chinese, for elderly users", async () => {
  const { page, problems } = await shop();
  await page.selectOption("#language", "zh-Hant");
  await page.check("#elderly");
  await page.click("#missing-order");
  const first = page.locator("help-panel button[data-scenario=order_missing]");
  await first.filter({ hasText: "我的訂單不見了" }).waitFor();
  assert.equal(await page.locator("help-panel [data-testid=human]").textContent(), "聯絡真人客服");
  assert.equal(await page.locator("help-panel").getAttribute("large-text"), "");
  const size = await page.locator("help-panel").evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 20, `large text is at least 20px, got ${size}`);
  await first.focus();
  await page.keyboard.press("Enter");
  await page.locator("help-panel [data-step=explain_deleted]").waitFor();
  // In a flow, the elderly segment rule puts a person first.
  assert.equal(await page.locator("help-panel [data-testid=human]").textContent(), "立即聯絡真人客服");
  const focused = await page.locator("help-panel").evaluate((el) => el.shadowRoot.activeElement?.tagName);
  assert.ok(focused, "focus stays inside the panel");
  await page.screenshot({ path: `${ARTIFACTS}/zh-hant-large-text.png`, fullPage: true });
  await page.uncheck("#elderly");
  assert.equal(await page.locator("help-panel").getAttribute("large-text"), null, "large text follows the segment");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a question the help does not cover: the panel says so and offers a person first", async () => {
  const { page, problems } = await shop();
  await page.locator("help-panel input[name=query]").fill("what is a good pizza place around here");
  await page.locator("help-panel input[name=query]").press("Enter");
  await page.locator("help-panel [data-testid=unsure]").waitFor();
  assert.equal(await page.locator("help-panel [data-testid=human]").getAttribute("class"), "prominent");
  // A question it covers, in other words than any author wrote, finds its flow.
  await page.locator("help-panel input[name=query]").fill("I removed an order by mistake, can I undo that?");
  await page.locator("help-panel input[name=query]").press("Enter");
  await page.locator("help-panel button[data-scenario=order_missing]").waitFor();
  assert.equal(await page.locator("help-panel [data-testid=unsure]").count(), 0);
  await page.screenshot({ path: `${ARTIFACTS}/out-of-scope.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test("a rejected answer says what went wrong, and the session goes on", async () => {
  const { page, problems } = await shop();
  await page.click("#missing-order");
  await page.click("help-panel button[data-scenario=order_missing]");
  await page.click("help-panel button.primary"); // Continue
  await page.click("help-panel button[data-option=no]");
  await page.locator("help-panel input[id^=inscene-input-]").fill("abc");
  await page.locator("help-panel input[id^=inscene-input-]").press("Enter");
  const alert = page.locator("help-panel [data-code='session.input_rejected']");
  await alert.filter({ hasText: "That answer was not accepted" }).waitFor();
  assert.equal(await page.locator("help-panel").getByText("Help is unavailable").count(), 0);
  await page.locator("help-panel input[id^=inscene-input-]").fill("2026112200100");
  await page.locator("help-panel input[id^=inscene-input-]").press("Enter");
  await page.locator("#agent").filter({ hasText: "inscene.handoff.v1" }).waitFor();
  assert.equal(await alert.count(), 0, "the error goes once the answer is accepted");
  await page.screenshot({ path: `${ARTIFACTS}/input-rejected.png` });
  assert.deepEqual(problems, []);
  await page.close();
});
