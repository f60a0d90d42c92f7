"""A file loader whose file is the one a node pack's maker writes when the workflow runs: its declared file setting
(catalogue.file_input: VHS_LoadVideoPath's 'video') wired from a node of a pack (not ComfyUI's own, not a file
loader) that is made from a model or an object of the pack's own declared type. FastVideo's VideoGenerator runs the
whole pipeline and gives the written mp4's path to VideoHelperSuite's loader (heldout124 01-03: made as a Load Video
naming no file saved again, the generation said nowhere to be what makes the video); a node building a path from
values (a text joined, a downloader given a web address) is no maker, its file read as before. Told by declared
types alone (a UI file's sockets, else the catalogue's): an API file's undeclared inputs are of no known type, so
never. Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.core_nodes import is_core
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from .roles import in_type

# the types a node is set with or passes on: an input of any other declared type is a model or a pack's own object
PLAIN = frozenset({"IMAGE", "VIDEO", "AUDIO", "MASK", "LATENT", "INT", "FLOAT", "STRING", "BOOLEAN", "COMBO", "NUMBER",
                   "*", ""})


def file_setting(n: CNode) -> str | None:
    """The setting loader ``n`` names its file by, as its type declares it; None where the type is not catalogued."""
    t = catalogue.node_type(n.origin or n.cls)
    f = catalogue.file_input(t) if t is not None and t.inputs is not None else None
    return f.name if f is not None else None


def writer(wf: Workflow, loader: CNode) -> CNode | None:
    """The pack's node whose written file ``loader`` reads when the workflow runs (its file setting wired from it, that
    node made from a model or a pack object); None for any other loader."""
    key = file_setting(loader) if loader.cls in LOADER_NODES and loader.enabled else None
    if key is None or key not in loader.links:
        return None
    src = wf.nodes.get(loader.links[key][0])
    if src is None or not src.enabled or is_core(src) or src.cls in LOADER_NODES:
        return None
    made_from = [k for k in src.links if in_type(src, k) not in PLAIN and not in_type(src, k).startswith("VHS_")]
    return src if made_from else None


def written(wf: Workflow, nodes: list[CNode]) -> dict[str, CNode]:
    """Each loader among ``nodes`` reading a file a pack's maker writes -> that maker."""
    return {n.id: w for n in nodes if (w := writer(wf, n)) is not None}
