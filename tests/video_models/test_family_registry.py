"""The video model families as one registry: each registered once, recognised from tensor names in
the order that tells them apart, and generic code never importing a family module (nor any folder
of nodes/video_models importing one that imports it back)."""
from __future__ import annotations

import ast
import dataclasses
import os

import pytest

from nodes.video_models.base.registry import FAMILIES, all_families, family, register
from nodes.video_models.base.recognise import family_from_keys

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "nodes", "video_models")
GENERIC = ("base", "files", "loading", "catalog", "sampling", "takes", "runs", "memory", "lora")


# the families registered before issue 70, in the picker's order; a new family is registered after them
# (families/__init__.py, one line), so adding one changes no test list
KNOWN = ["svd", "wan", "wan_s2v", "wan_scail", "ltx", "ltx2", "cogvideox", "animatediff", "hunyuan15", "hunyuan",
         "skyreels", "kandinsky5", "lucy", "minimax_h3", "wan_animate2"]


def test_every_family_registered_once_in_the_pickers_order():
    keys = [f.key for f in all_families()]
    assert keys[:len(KNOWN)] == KNOWN
    assert len(set(keys)) == len(keys)
    assert family("wan") is FAMILIES["wan"]
    assert register(FAMILIES["wan"]) is FAMILIES["wan"] and len(all_families()) == len(keys)  # again: nothing
    with pytest.raises(ValueError, match="registered twice"):  # another family under a taken key
        register(dataclasses.replace(FAMILIES["wan"], title="another Wan"))


def test_tensor_names_tell_ltx2_before_ltx_and_motion_modules_first():
    ltx2 = ["audio_caption_projection.linear_1.weight", "transformer_blocks.0.av_cross_attn_a2v.to_q.weight",
            "scale_shift_table", "caption_projection.linear_1.weight", "adaln_single.linear.weight"]
    assert family_from_keys(ltx2).key == "ltx2"
    assert family_from_keys(["adaln_single.linear.weight", "caption_projection.linear_1.weight",
                             "scale_shift_table"]).key == "ltx"
    assert family_from_keys(["down_blocks.0.motion_modules.0.proj_in.weight", "temporal_transformer_blocks.0",
                             "down_blocks.0.x"]).key == "animatediff"
    assert family_from_keys(["nothing.weight"]) is None


def _imports(path: str, module: str) -> set[str]:
    tree = ast.parse(open(path, encoding="utf-8").read())
    pkg = module.split(".")[:-1] if not path.endswith("__init__.py") else module.split(".")
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom):
            base = n.module or ""
            if n.level:
                base = ".".join(pkg[:len(pkg) - (n.level - 1)] + ([base] if base else []))
            out |= {base} | {f"{base}.{a.name}" for a in n.names}
        elif isinstance(n, ast.Import):
            out |= {a.name for a in n.names}
    return out


def _folder_edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for d, _, fs in os.walk(ROOT):
        for f in fs:
            if not f.endswith(".py"):
                continue
            p = os.path.join(d, f)
            rel = os.path.relpath(p, ROOT)[:-3].replace(os.sep, ".")
            parts = rel.split(".")
            if len(parts) < 2:
                continue
            room = ".".join(parts[:2]) if parts[0] == "families" and len(parts) > 2 else parts[0]
            for t in _imports(p, "nodes.video_models." + rel.removesuffix(".__init__")):
                if not t.startswith("nodes.video_models."):
                    continue
                tp = t.split(".")[2:]
                if not tp or not os.path.isdir(os.path.join(ROOT, tp[0])):
                    continue
                dst = ".".join(tp[:2]) if tp[0] == "families" and len(tp) > 1 and \
                    os.path.isdir(os.path.join(ROOT, "families", tp[1])) else tp[0]
                if dst != room:
                    edges.setdefault(room, set()).add(dst)
    return edges


def test_generic_folders_never_import_a_family_and_no_folder_cycles():
    edges = _folder_edges()
    for g in GENERIC:
        assert not [t for t in edges.get(g, ()) if t.startswith("families")], (g, edges.get(g))
    assert edges.get("base", set()) == set()  # the ground floor imports nothing above it

    def reach(a, seen):
        for b in edges.get(a, ()):
            if b not in seen:
                seen.add(b)
                reach(b, seen)
        return seen
    cycles = [a for a in edges if a in reach(a, set())]
    assert cycles == []
