// Parses Mermaid diagrams with Mermaid's own parser (offline, under jsdom: the parser needs a DOM
// to load). Reads a JSON list of diagram texts on stdin; prints a JSON list of
// {"ok": true, "type": "flowchart-v2"} or {"ok": false, "error": "..."}, one per diagram.
import { readFileSync } from "fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

const results = [];
for (const text of JSON.parse(readFileSync(0, "utf8"))) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ ok: true, type: parsed.diagramType });
  } catch (error) {
    results.push({ ok: false, error: String(error.message || error).split("\n").slice(0, 4).join(" | ") });
  }
}
console.log(JSON.stringify(results));
