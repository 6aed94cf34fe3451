// Parse Mermaid diagrams with the real Mermaid parser, in Node, without a browser.
//
// Input (stdin): a JSON object {name: diagram text}. Output (stdout): a JSON object {name: result},
// where a result is {ok: true, type, vertices, edges, subgraphs} with what the parser understood,
// or {ok: false, error}. MLENV_MERMAID_MODULES names the node_modules directory holding the
// packages of package.json (tests/support/mermaid_parser.py installs them outside the repository).
// jsdom provides the window that DOMPurify, imported by mermaid, needs; nothing is laid out or drawn.

import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.env.MLENV_MERMAID_MODULES;
if (!modules) {
  process.stderr.write("set MLENV_MERMAID_MODULES to the node_modules directory holding mermaid and jsdom\n");
  process.exit(2);
}
const require = createRequire(join(modules, "resolve-from-here.js"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(pathToFileURL(require.resolve("mermaid")).href);
const version = require("mermaid/package.json").version;
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

// Mermaid keeps entity codes (#34;) as placeholders until it draws; turn them into HTML entities.
const entities = (text) =>
  String(text ?? "").replace(/ﬂ°°/g, "&#").replace(/ﬂ°/g, "&").replace(/¶ß/g, ";");

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = {};
for (const [name, text] of Object.entries(JSON.parse(input))) {
  try {
    const parsed = await mermaid.parse(text);
    const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
    results[name] = {
      ok: true,
      version,
      type: parsed.diagramType,
      vertices: [...db.getVertices().values()].map((v) => ({
        id: v.id,
        text: entities(v.text),
        shape: v.type,
        classes: v.classes,
      })),
      edges: db.getEdges().map((e) => ({
        start: e.start,
        end: e.end,
        text: entities(e.text),
        stroke: e.stroke,
        style: e.style ?? [],
      })),
      subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: entities(s.title), nodes: s.nodes })),
    };
  } catch (error) {
    results[name] = { ok: false, version, error: String(error?.message ?? error) };
  }
}
process.stdout.write(JSON.stringify(results));
