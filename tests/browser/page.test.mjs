// The page of `citc doc html` in a real browser: html-validate checks the
// HTML, headless Chromium (driven by playwright-core) loads it from the
// folder, the filters and the search are used as a person uses them, axe-core
// runs in the same page, and a screenshot is taken. Prints one JSON object:
// what the page showed after each step, console errors, requests that left
// the folder, validation errors and accessibility violations. The Rust test
// (tests/doc_html.rs) compares what it showed with the bundle.
//
// node page.test.mjs NODE_MODULES SITE_DIR SCREENSHOT CHROMIUM
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, site, screenshot, executablePath] = process.argv.slice(2);
const require = createRequire(join(resolve(modules), "noop.js"));
const { chromium } = require("playwright-core");
const { HtmlValidate } = require("html-validate");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const result = { steps: {}, consoleErrors: [], external: [], validation: [], violations: [] };

// 1. The HTML against the validator's recommended rules. Ids are made of
// resource names, with `_` for `.` (`instancetype-u1_large`).
const validator = new HtmlValidate({
  extends: ["html-validate:recommended"],
  rules: { "id-pattern": ["error", { pattern: "^[a-z][a-z0-9_-]*$" }] },
});
const report = await validator.validateFile(join(site, "index.html"));
for (const file of report.results) {
  for (const m of file.messages) {
    result.validation.push(`${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
  }
}

// 2. The page in Chromium, with a profile of its own and no network.
const profile = mkdtempSync(join(tmpdir(), "citc-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1280, height: 900 },
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (message.type() === "error") {
      result.consoleErrors.push(message.text());
    }
  });
  page.on("pageerror", (error) => result.consoleErrors.push(String(error)));
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) {
      result.external.push(request.url());
    }
  });
  await page.goto(pathToFileURL(join(site, "index.html")).href, { waitUntil: "load" });

  // What the page shows now: the names of the visible resources and grid cells.
  const shown = () =>
    page.evaluate(() => {
      const names = (selector) =>
        Array.from(document.querySelectorAll(selector))
          .filter((element) => element.getClientRects().length > 0)
          .map((element) => element.dataset.name ?? element.dataset.instancetype);
      return {
        instancetypes: names("details.instancetype"),
        preferences: names("details.preference"),
        grid: names("a[data-instancetype]"),
        status: document.getElementById("filter-status").textContent,
      };
    });
  const step = async (name, act) => {
    await page.click("#clear-filters");
    await act();
    result.steps[name] = await shown();
  };
  result.steps.initial = await shown();
  await step("search", () => page.fill("#search", "u1."));
  await step("cpu-min", () => page.selectOption("#cpu-min", "16"));
  await step("memory-max", async () => {
    await page.selectOption("#memory-max", String(2 * 1024 ** 3));
  });
  await step("features", async () => {
    await page.check("#feature-dedicated-cpu");
    await page.check("#feature-hugepages");
  });
  await step("arch", () => page.selectOption("#arch", "arm64"));
  await step("preference", () => page.selectOption("#preference", "rhel.9.realtime"));
  await step("reset", async () => {});

  // 3. Accessibility: axe-core's default rules, in this page (the console
  // errors above are the page's own: axe runs after, without fetching the
  // stylesheet again, which file:// forbids).
  const pageErrors = result.consoleErrors.length;
  await page.addScriptTag({ content: axeSource });
  await page.evaluate(() => {
    const first = document.querySelector("details.preference");
    first.open = true;
    first.querySelector("details.yaml").open = true;
  });
  const axe = await page.evaluate(async () => {
    const found = await window.axe.run(document, { preload: false });
    return found.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} element(s), e.g. ${v.nodes[0].target.join(" ")}`);
  });
  result.violations.push(...axe);
  result.consoleErrors.push(...result.consoleErrors.splice(pageErrors).map((e) => "after axe: " + e));

  // 4. The screenshot: the grid with a filter on, as the README shows it.
  await page.click("#clear-filters");
  await page.evaluate(() => {
    for (const open of document.querySelectorAll("details[open]")) open.open = false;
  });
  await page.check("#feature-dedicated-cpu");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshot, fullPage: false });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(result) + "\n");
