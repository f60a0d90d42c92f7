"""Make studio/convert/packs/data/made_types.json: the node types a pack makes when ComfyUI loads it, by wrapping
another type (ComfyUI-MultiGPU's ``override_class(...)`` of a core or pack loader), which the catalogue's extractor
cannot list because no class declares them. Read without running anything:

- the wrappers: each ``NAME = override_<kind>(X)`` registration (``NODE_CLASS_MAPPINGS["NAME"] = ...`` and the
  dict entries of its per-pack tables) of the pack's __init__.py: NAME declares X's inputs and outputs with the
  kind's inputs added as optional ones (KINDS below: the names, types and defaults its wrappers.py adds; facts);
- its own copies of WanVideoWrapper's nodes (wanvideo.py, registered by a function the extractor does not follow):
  read by the catalogue's extractor (studio.convert.catalogue.extract.v1_node).

    python -m scripts.made_types /work/.mirror/pollockjj+ComfyUI-MultiGPU/repo
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

from studio.convert.catalogue.extract import Pack, v1_node

OUT = os.path.join("studio", "convert", "packs", "data", "made_types.json")
PACK = "pollockjj/ComfyUI-MultiGPU"
_DEV = {"type": "COMBO", "widget": True, "optional": True}  # the machine's devices, listed when ComfyUI starts
KINDS = {  # wrappers.py: the inputs each kind of override adds (an input already declared is replaced in place)
    "override_class": [{"name": "device", **_DEV}],
    "override_class_clip": [{"name": "device", **_DEV}],
    "override_class_clip_no_device": [{"name": "device", **_DEV}],
    "override_class_offload": [{"name": "device", **_DEV}, {"name": "offload_device", **_DEV, "default": "cpu"}],
    "override_class_with_distorch_safetensor_v2": [
        {"name": "compute_device", **_DEV}, {"name": "virtual_vram_gb", "type": "FLOAT", "widget": True,
                                             "optional": True, "default": 4.0},
        {"name": "donor_device", **_DEV, "default": "cpu"},
        {"name": "expert_mode_allocations", "type": "STRING", "widget": True, "optional": True, "default": ""},
        {"name": "eject_models", "type": "BOOLEAN", "widget": True, "optional": True, "default": True}],
    "override_class_with_distorch_gguf": [
        {"name": "device", **_DEV}, {"name": "virtual_vram_gb", "type": "FLOAT", "widget": True, "optional": True,
                                     "default": 4.0},
        {"name": "use_other_vram", "type": "BOOLEAN", "widget": True, "optional": True, "default": False},
        {"name": "expert_mode_allocations", "type": "STRING", "widget": True, "optional": True, "default": ""}],
}
KINDS["override_class_with_distorch_safetensor_v2_clip"] = [
    {**i, "name": "device"} if i["name"] == "compute_device" else
    {**i, "default": False} if i["name"] == "eject_models" else i
    for i in KINDS["override_class_with_distorch_safetensor_v2"]]
KINDS["override_class_with_distorch_safetensor_v2_clip_no_device"] = KINDS["override_class_with_distorch_safetensor_v2_clip"]
KINDS["override_class_with_distorch_clip"] = KINDS["override_class_with_distorch_gguf"]
KINDS["override_class_with_distorch_clip_no_device"] = KINDS["override_class_with_distorch_gguf"]


def _git(gitdir: str, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={gitdir}", *args], check=True, capture_output=True, text=True).stdout


def _wrapped(tree: ast.Module) -> dict[str, list[str]]:
    """{NAME: [the wrapped type, the kind]} of every ``override_<kind>(X)`` registered under a name."""
    out: dict[str, list[str]] = {}

    def one(key, value):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(value, ast.Call)):
            return
        kind = getattr(value.func, "id", "")
        arg = value.args[0] if value.args else None
        of = arg.slice.value if isinstance(arg, ast.Subscript) and isinstance(arg.slice, ast.Constant) else \
            getattr(arg, "id", None)
        if kind in KINDS and isinstance(of, str):
            out[key.value] = [of, kind]
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            one(node.targets[0].slice, node.value)
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                one(k, v)
    return out


def _copies(tree: ast.Module) -> dict[str, str]:
    """{NAME: class} of the dict a function returns (the pack's table of its WanVideoWrapper copies)."""
    out = {}
    for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        for r in (n for n in ast.walk(fn) if isinstance(n, ast.Return) and isinstance(n.value, ast.Dict)):
            for k, v in zip(r.value.keys, r.value.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str) and isinstance(v, ast.Name):
                    out[k.value] = v.id
    return out


def main(argv=None) -> int:
    gitdir = (argv or sys.argv[1:])[0]
    init, wan = _git(gitdir, "show", "HEAD:__init__.py"), _git(gitdir, "show", "HEAD:wanvideo.py")
    commit = _git(gitdir, "log", "-1", "--format=%H").strip()
    pack = Pack({"wanvideo.py": wan})
    declared = {}
    for name, cls in sorted(_copies(ast.parse(init)).items()):
        rec = v1_node(pack, cls) if cls in pack.classes else None
        if rec and isinstance(rec.get("outputs"), list):  # (inputs null: made at run time, from the original's)
            ins = rec.get("inputs") if isinstance(rec.get("inputs"), list) else None
            declared[name] = {"class": cls, "inputs": ins, "outputs": rec["outputs"], "category": rec.get("category", "")}
    data = {"about": "node types packs make when ComfyUI loads them (scripts/made_types.py)",
            "pack": PACK, "commit": commit, "kinds": KINDS, "wrapped": dict(sorted(_wrapped(ast.parse(init)).items())),
            "declared": declared}
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, sort_keys=False)
        fh.write("\n")
    print(f"{OUT}: {len(data['wrapped'])} wrapped, {len(declared)} declared")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
