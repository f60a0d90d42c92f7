"""Studio's one extension of ComfyUI's web page (ComfyUI's own mechanism: the page imports each script
``/extensions`` lists), written here, not a copy of the page: before the page lays out a workflow it
is opening (a file dropped on it, one from a folder, a template), the lists of model files to
download that the workflow carries (``models``: name, folder, an address on Hugging Face or another
site, on the workflow, its nodes and its subgraphs) are taken out, as library_templates.py does for
the templates Studio serves. The page then still finds each missing file (a loader's value not among
those this machine has) and names it in its Missing Models panel, with no download button and no
request for the file's size leaving the machine. Once laid out, the workflow's loaders are checked as
/prompt checks them (``MISSING``) and Studio's own sentences (which file, which folder, what this
machine has, that Studio never downloads) are shown in a notice of the page, without a click; Run
then names each on its loader."""
from __future__ import annotations

from ..api.info import EXTENSIONS

URL = EXTENSIONS[0]
MISSING = "/studio/missing_models"  # (and under /api, where the page asks it) POST {prompt}: Studio's sentence for each model file this machine lacks

_SCRIPT = r"""// Studio: a workflow's model download addresses are taken out before the page lays it out.
import { app } from "/scripts/app.js";
import { api } from "/scripts/api.js";

function downloads(value) {
  return Array.isArray(value) && value.some((m) => m && typeof m === "object" && "url" in m);
}

function offline(doc, depth) {
  if (!doc || typeof doc !== "object" || depth > 64) return;
  if (Array.isArray(doc)) { for (const v of doc) offline(v, depth + 1); return; }
  for (const key of Object.keys(doc)) {
    if (key === "models" && downloads(doc[key])) delete doc[key];
    else offline(doc[key], depth + 1);
  }
}

async function say_missing() {
  try {
    const p = await app.graphToPrompt();
    const r = await api.fetchApi("__MISSING__", { method: "POST", body: JSON.stringify({ prompt: p.output }) });
    const said = r.ok ? await r.json() : { lines: [] };
    if (said.lines && said.lines.length)
      app.extensionManager?.toast?.add({ severity: "warn", summary: said.summary, detail: said.lines.join("\n"),
                                          life: 30000 });
  } catch (e) { /* a graph the page cannot make a prompt of: Run says why */ }
}

app.registerExtension({
  name: "studio.offline",
  async beforeConfigureGraph(graphData) { offline(graphData, 0); },
  async afterConfigureGraph() { setTimeout(say_missing, 0); },
});
"""
SCRIPT = _SCRIPT.replace("__MISSING__", MISSING)
SUMMARY = "Model files this machine does not have (Studio never downloads)"


def missing_lines(body, known: set[str]) -> list[str]:
    """Studio's sentence for each model file the prompt in ``body`` names that this machine lacks (the
    check /prompt makes: api/missing_models.py); [] when the body is no prompt."""
    from ..api.missing_models import missing
    from ..api.prompt import read_request
    from ..checks.refused import Refused
    try:
        prompt = read_request(body)[0]
    except Refused:
        return []
    found = missing(prompt, known)
    return list(dict.fromkeys(e["details"] for entry in found.values() for e in entry["errors"]))
