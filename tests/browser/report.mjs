// Opens an HTML audit report (lambda-trust audit --html) in headless Chromium over the DevTools
// protocol and prints what it observed as one JSON document on stdout; the Rust tests
// (tests/it/live_audit_html.rs) and the benchmark (benches/html_report.sh) decide what is right.
//
// usage: node report.mjs REPORT.html SCREENSHOT.png [SCENARIOS.json | --bench]
// SCENARIOS.json: [{"sev": "", "code": "", "account": "", "text": ""}, …], filters to apply one
// at a time (each reported as the visible rows). Chromium: $LAMBDA_TRUST_CHROMIUM or
// /usr/bin/chromium.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [file, shot, third] = process.argv.slice(2);
const bench = third === "--bench";
const scenarios = !bench && third ? JSON.parse(readFileSync(third, "utf8")) : [];
const executablePath = process.env.LAMBDA_TRUST_CHROMIUM || "/usr/bin/chromium";
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: bench ? 900 : 1500 } });
const seen = { dialogs: [], console_errors: [], page_errors: [], requests: [] };
page.on("dialog", (d) => { seen.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
page.on("console", (m) => { if (m.type() === "error") seen.console_errors.push(m.text()); });
page.on("pageerror", (e) => seen.page_errors.push(String(e)));
page.on("request", (r) => seen.requests.push(r.url()));
await page.addInitScript(() => {
  window.__csp = [];
  document.addEventListener("securitypolicyviolation",
    (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
});

const url = pathToFileURL(file).href;
const t0 = performance.now();
await page.goto(url, { waitUntil: "commit", timeout: 60000 });
// Interactive: the page's script has bound the table's controls (it runs right after the
// table, before the role details are parsed).
await page.waitForSelector("html[data-ready='1']", { timeout: 60000 });
const readyMs = performance.now() - t0;
// A filter while the rest of the file may still be loading: answered at once?
const early = await page.evaluate(() => {
  const t = performance.now();
  const el = document.getElementById("f-sev");
  el.value = "security";
  el.dispatchEvent(new Event("change"));
  const count = document.getElementById("f-count").textContent;
  el.value = "";
  el.dispatchEvent(new Event("change"));
  return { ms: performance.now() - t, count, ready_state: document.readyState };
});
await page.waitForLoadState("load", { timeout: 60000 });
const loadMs = performance.now() - t0;
// Every role's detail turned from its <noscript> chunk into elements.
await page.waitForSelector("html[data-details='1']", { timeout: 120000, state: "attached" });
const detailsMs = performance.now() - t0;
const nav = await page.evaluate(() => {
  const n = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return { dom_interactive: n.domInteractive, load_event_end: n.loadEventEnd,
    first_contentful_paint: paint ? paint.startTime : null };
});

const rowsNow = () => page.$$eval("#roles-table tbody tr", (rows) => rows.map((r) => ({
  account: r.cells[0].textContent, role: r.cells[1].textContent, managed: r.cells[2].textContent,
  external_ids: r.cells[3].textContent, invokable: r.cells[4].textContent,
  invokable_k: r.cells[4].getAttribute("data-k"),
  worst: r.cells[5].textContent, codes: r.cells[6].textContent, hidden: r.hidden,
})));
const visible = async () => (await rowsNow()).filter((r) => !r.hidden).map((r) => `${r.account}/${r.role}`);
const setFilters = (f) => page.evaluate((f) => {
  for (const [id, v] of [["f-sev", f.sev], ["f-code", f.code], ["f-account", f.account]]) {
    const el = document.getElementById(id);
    el.value = v || "";
    el.dispatchEvent(new Event("change"));
  }
  const t = document.getElementById("f-text");
  t.value = f.text || "";
  t.dispatchEvent(new Event("input"));
  return document.getElementById("f-count").textContent;
}, f);
const clickSort = async (col) => {
  const t = performance.now();
  await page.click(`#roles-table thead th:nth-child(${col + 1}) button`);
  return performance.now() - t;
};

// In the page: the handler's work, the layout it causes and the next frame.
const timed = (kind) => page.evaluate(async (kind) => {
  const t = performance.now();
  if (kind === "sort") {
    document.querySelector("#roles-table thead th:nth-child(2) button").click();
  } else {
    const el = document.getElementById("f-text");
    el.value = "role-001";
    el.dispatchEvent(new Event("input"));
  }
  void document.body.offsetHeight;
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
  return performance.now() - t;
}, kind);
const out = { ready_ms: readyMs, load_ms: loadMs, details_ms: detailsMs, early_filter: early, navigation: nav,
  bytes: readFileSync(file).length };
if (bench) {
  out.sort_ms = await timed("sort");
  out.filter_ms = await timed("filter");
  out.filter_count = await page.$eval("#f-count", (c) => c.textContent);
} else {
  out.rows = await rowsNow();
  out.details = await page.$$eval("details.role", (ds) => ds.map((d) => ({
    id: d.id,
    summary: d.querySelector("summary").textContent,
    codes: [...d.querySelectorAll("ul.findings > li > code:first-of-type")].map((c) => c.textContent),
    requests: [...d.querySelectorAll("ul.findings > li")].filter((li) => li.textContent.includes("Request:")).length,
    marks: d.querySelectorAll("mark.hit").length,
    documents: [...d.querySelectorAll("h4")].map((h) => h.textContent),
    text: d.textContent,
  })));
  out.accounts = await page.$$eval("#accounts-table tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  out.header = await page.$eval("header", (h) => h.textContent);
  out.body_text = await page.evaluate(() => document.body.innerText);
  out.elements = await page.evaluate(() => ({
    scripts: document.scripts.length, images: document.images.length,
    iframes: document.querySelectorAll("iframe, object, embed").length,
    with_handlers: [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
  }));
  out.sorts = [];
  for (let col = 0; col < 7; col++) {
    await clickSort(col);
    const asc = await visible();
    await clickSort(col);
    const desc = await visible();
    out.sorts.push({ col, asc, desc });
  }
  out.filters = [];
  for (const f of scenarios) {
    const count = await setFilters(f);
    out.filters.push({ filter: f, count, visible: await visible() });
  }
  // The screenshot: the page as it opens, the first role's detail open.
  await page.reload({ waitUntil: "load" });
  await page.waitForSelector("html[data-details='1']", { state: "attached" });
  await page.evaluate(() => {
    const d = document.querySelector("details.role");
    if (d) d.open = true;
    window.scrollTo(0, 0);
  });
}
out.csp_violations = await page.evaluate(() => window.__csp);
out.seen = seen;
if (shot) await page.screenshot({ path: shot, fullPage: false });
if (!bench) {
  // A phone-wide window: does the page scroll sideways, and can the roles table's "Worst"
  // (heading and cells) be seen without it?
  await page.setViewportSize({ width: 420, height: 900 });
  out.narrow = await page.evaluate(() => {
    const root = document.documentElement;
    const inView = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= root.clientWidth;
    };
    const head = document.querySelector("#roles-table thead th:nth-child(6)");
    const cells = [...document.querySelectorAll("#roles-table tbody tr")].map((r) => r.cells[5]);
    return {
      client_width: root.clientWidth,
      scroll_width: root.scrollWidth,
      body_scroll_width: document.body.scrollWidth,
      worst_heading: head ? { text: head.textContent, in_view: inView(head) } : null,
      worst_cells_in_view: cells.filter(inView).length,
      worst_cells: cells.length,
    };
  });
  if (shot) await page.screenshot({ path: shot.replace(/\.png$/, "-420px.png"), fullPage: false });
}
await browser.close();
process.stdout.write(JSON.stringify(out) + "\n");
