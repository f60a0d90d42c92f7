"""Studio's one extension of ComfyUI's web page (ComfyUI's own mechanism: the page imports each script
``/extensions`` lists), written here, not a copy of the page: before the page lays out a workflow it
is opening (a file dropped on it, one from a folder, a template), the lists of model files to
download that the workflow carries (``models``: name, folder, an address on Hugging Face or another
site, on the workflow, its nodes and its subgraphs) are taken out, as library_templates.py does for
the templates Studio serves. The page then still finds each missing file (a loader's value not among
those this machine has) and names it in its Missing Models panel, with no download button and no
request for the file's size leaving the machine; Studio's /prompt names each on its loader, with
what this machine has (Studio never downloads)."""
from __future__ import annotations

from ..api.info import EXTENSIONS

URL = EXTENSIONS[0]

SCRIPT = r"""// Studio: a workflow's model download addresses are taken out before the page lays it out.
import { app } from "/scripts/app.js";

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

app.registerExtension({
  name: "studio.offline",
  async beforeConfigureGraph(graphData) { offline(graphData, 0); },
});
"""
