"""A ComfyUI blueprint file (the frontend's 'blueprints' folder; ComfyUI ships 'Video Stitch', 'Video Upscale (GAN
x4)' and more): its graph is one subgraph node whose picture, clip or sound inputs are wired to nothing and whose
outputs feed nothing, so ComfyUI runs nothing as saved; it is meant to be dropped into a workflow. Read as that
workflow would give it: a loader for each such open input (no file named: set it) and a save for each output, said
in one sentence. Told by shape and declared types alone (heldout22 03, 04). Plain data and stdlib (reading.workflow
calls it before it resolves the subgraphs' links)."""
from __future__ import annotations

from typing import Any, Callable

LOADERS = {"VIDEO": ("LoadVideo", "file"), "IMAGE": ("LoadImage", "image"), "AUDIO": ("LoadAudio", "audio")}
SAVES = {"VIDEO": ("SaveVideo", ["ComfyUI", "auto", "auto"]), "IMAGE": ("SaveImage", ["ComfyUI"]),
         "AUDIO": ("SaveAudio", ["audio/ComfyUI"])}
NOTES = ("Note", "MarkdownNote", "PrimitiveNode")


def open_ends(doc: dict, subs: dict, nodes: dict, inst_in: dict, inst_out: dict, make: Callable[..., Any],
              said: list[str]) -> None:
    """Where ``doc``'s top graph is one subgraph node (notes aside) with no link at all: a loader ``make``s for each of
    its media inputs (``inst_in`` wired to it) and a save reading each media output, added to ``nodes``; said."""
    top = [n for n in doc.get("nodes") or [] if isinstance(n, dict) and n.get("type") not in NOTES]
    if len(top) != 1 or top[0].get("type") not in subs or doc.get("links"):
        return
    n, sub = top[0], subs[top[0]["type"]]
    inst, name = str(n.get("id")), str(sub.get("name") or n.get("title") or "the blueprint")
    ins = [(str(i.get("name")), str(i.get("type"))) for i in sub.get("inputs") or [] if isinstance(i, dict)]
    outs = [str(o.get("type")) for o in sub.get("outputs") or [] if isinstance(o, dict)]
    if any(inst_in.get((inst, k)) is not None for k, _ in ins):
        return
    loaded, saved = [], []
    left = [f"'{k}' ({t})" for k, t in ins if t not in LOADERS and set(t.split(",")) & {"IMAGE", "MASK", "VIDEO",
                                                                                         "AUDIO", "LATENT"}]
    for k, t in ins:
        if t in LOADERS:
            cls, widget = LOADERS[t]
            nid = f"{inst}:{k}"
            nodes[nid] = make(nid, cls, f"{name}: {k}", {widget: ""}, [t])
            inst_in[(inst, k)] = (nid, 0)
            loaded.append(k)
    for slot, t in enumerate(outs):
        if t in SAVES and (inst, slot) in inst_out:
            cls, values = SAVES[t]
            nid = f"{inst}:out{slot}"
            nodes[nid] = make(nid, cls, f"{name}: output", {"filename_prefix": values[0]}, [], {
                "video" if t == "VIDEO" else "images" if t == "IMAGE" else "audio": (inst, slot)})
            saved.append(t.lower())
    if loaded or saved:
        what = ", ".join(f"'{k}'" for k in loaded)
        opened = (f"inputs {what} are" if len(loaded) > 1 else f"input {what} is") if loaded else "inputs are"
        said.append(f"'{name}' is a blueprint: its one node is a subgraph whose {opened} wired to "
                    f"nothing and whose output feeds nothing, so ComfyUI runs nothing as saved; read as a workflow it is "
                    f"dropped into gives it: a loader for each of those inputs (no file named: set it) and a save of "
                    f"its {' and '.join(saved) or 'output'}"
                    + (f"; {', '.join(left)} left open (no loader gives that type)" if left else ""))
