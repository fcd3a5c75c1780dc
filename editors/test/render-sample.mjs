// Renders catalog.cit highlighted by the real TextMate grammar (the same
// engine as textmate.test.mjs), with colors after VS Code's Dark+ theme:
//
//   node editors/test/render-sample.mjs            # editors/sample.html (whole file)
//   node editors/test/render-sample.mjs --png      # also editors/sample.png (excerpts)
//
// --png needs Chromium (Debian: apt-get install -y chromium) and takes a
// headless screenshot of an excerpt page.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { editorsDir, repoDir, tokenize } from "./tm.mjs";

// Scope prefix -> color, after Dark+ (dark_vs + dark_plus). The deepest scope
// of a token that some prefix matches decides; the longest prefix wins.
const theme = {
  comment: "#6A9955",
  string: "#CE9178",
  "constant.character.escape": "#D7BA7D",
  "constant.numeric": "#B5CEA8",
  "keyword.other.unit": "#B5CEA8",
  "constant.language": "#569CD6",
  "constant.other": "#4FC1FF",
  keyword: "#569CD6",
  "keyword.control": "#C586C0",
  "keyword.operator": "#D4D4D4",
  storage: "#569CD6",
  "entity.name.type": "#4EC9B0",
  "entity.other.inherited-class": "#4EC9B0",
  "support.type": "#4EC9B0",
  "support.type.property-name": "#9CDCFE",
  variable: "#9CDCFE",
  "variable.other.constant": "#4FC1FF",
  "entity.other.attribute-name": "#9CDCFE",
  "punctuation.section.interpolation": "#569CD6",
  invalid: "#F44747",
};
const foreground = "#D4D4D4";
const background = "#1E1E1E";

function colorOf(scopes) {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i];
    let best = null;
    for (const prefix of Object.keys(theme)) {
      if ((s === prefix || s.startsWith(prefix + ".")) && (!best || prefix.length > best.length)) best = prefix;
    }
    if (best) return theme[best];
  }
  return foreground;
}

const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function renderLine(tokens) {
  return tokens
    .map((t) => {
      const color = colorOf(t.scopes);
      const title = t.scopes.filter((s) => s !== "source.cit" && !s.startsWith("meta.")).join(" ");
      return color === foreground && !title
        ? escape(t.text)
        : `<span style="color:${color}" title="${escape(title)}">${escape(t.text)}</span>`;
    })
    .join("");
}

function page(title, body, extraCss = "") {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
  body { margin: 0; background: ${background}; color: ${foreground}; }
  header { font: 13px/1.4 system-ui, sans-serif; color: #9D9D9D; padding: 10px 16px; border-bottom: 1px solid #333; }
  pre { margin: 0; padding: 12px 0; font: 13px/19px "DejaVu Sans Mono", Menlo, Consolas, monospace; tab-size: 4; }
  .ln { display: inline-block; width: 3.5em; padding-right: 1.2em; text-align: right; color: #6E7681; user-select: none; }
  .gap { color: #6E7681; }
  ${extraCss}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const source = readFileSync(join(repoDir, "catalog.cit"), "utf8").replace(/\n$/, "");
const t = await tokenize(source);
const rendered = t.tokens.map(renderLine);
const numbered = (i) => `<span class="ln">${i + 1}</span>${rendered[i]}`;

const whole = page(
  "catalog.cit, highlighted",
  `<header>catalog.cit — highlighted by editors/vscode/syntaxes/cit.tmLanguage.json in vscode-textmate, colors after VS Code's Dark+ theme. Hover a token for its scopes.</header>
<pre>${rendered.map((_, i) => numbered(i)).join("\n")}</pre>`,
);
writeFileSync(join(editorsDir, "sample.html"), whole);
console.log(`wrote ${join(editorsDir, "sample.html")}`);

if (process.argv.includes("--png")) {
  // Excerpts by anchors (first line containing `from` .. first line after it
  // containing `to`), laid out in two columns.
  const excerpts = [
    [
      ["import \"std/kubevirt\"", "import \"std/components\""],
      ["// What every series", "    intensive applications."],
      ["series o1 : u1 {", "  spec.memory.overcommitPercent = 50"],
    ],
    [
      ["let repository", "  supportUrl ="],
      ["table distributions", "  when distro in"],
      ["table windows_drivers", "  virtio    \".virtio\""],
      ["preference \"windows.${version}", "  when version in (2k22"],
    ],
  ];
  const find = (text, from = 0) => {
    const i = t.lines.findIndex((l, n) => n >= from && l.includes(text));
    if (i < 0) throw new Error(`catalog.cit has no line with ${JSON.stringify(text)}`);
    return i;
  };
  const columns = excerpts.map((col) =>
    col
      .map(([from, to]) => {
        const a = find(from);
        const b = find(to, a);
        const lines = [];
        for (let i = a; i <= b; i++) lines.push(numbered(i));
        return lines.join("\n");
      })
      .join(`\n<span class="ln gap">⋮</span>\n`),
  );
  const excerptPage = page(
    "catalog.cit excerpts",
    `<header>catalog.cit in VS Code's TextMate engine (editors/vscode), Dark+ colors</header>
<div class="cols">${columns.map((c) => `<pre>${c}</pre>`).join("")}</div>`,
    ".cols { display: grid; grid-template-columns: auto 1fr; gap: 8px; } .cols pre + pre { border-left: 1px solid #333; }",
  );
  const dir = mkdtempSync(join(tmpdir(), "cit-sample-"));
  const htmlPath = join(dir, "excerpts.html");
  writeFileSync(htmlPath, excerptPage);
  const rows = Math.max(...columns.map((c) => c.split("\n").length));
  const height = 60 + 24 + rows * 19;
  const png = join(editorsDir, "sample.png");
  const chromium = process.env.CHROMIUM ?? "chromium";
  execFileSync(
    chromium,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      `--window-size=1640,${height}`,
      `--screenshot=${png}`,
      `file://${htmlPath}`,
    ],
    { stdio: "inherit" },
  );
  console.log(`wrote ${png}`);
}
