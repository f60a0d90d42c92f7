"""One road to the pipeline call (issue 98): every family node's pipeline call is made by the one Sampler
(sampling/sampler.py), or the node is declared in its family's DirectCalls with why, which `main.py families`
says under 'lacks' ('Sampler'). The calls are found in the source, whatever the node: a call given a step callback
(``callback_on_step_end=``) or run in a stack chunk of its own (``fresh_stack(``) in a family's folder."""
from __future__ import annotations

import ast
import glob
import os

import nodes.video_models  # noqa: F401  (every family registers itself)
from nodes.video_models.base.capabilities import DirectCalls
from nodes.video_models.base.registry import FAMILIES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAMILY_ROOM = os.path.join(ROOT, "nodes", "video_models", "families")
# modules holding a node's direct call for it, where the node's class is declared in another module of the folder
HELD_FOR = {"ltx2/refine.py": "video_models.ltx2_latent_upscale"}


def _direct_calls(tree) -> int:
    """Calls that run a pipeline outside the Sampler: given a step callback by keyword, or through fresh_stack."""
    n = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if fn == "fresh_stack" or any(k.arg == "callback_on_step_end" for k in node.keywords):
            n += 1
    return n


def _node_ids(tree) -> list[str]:
    out = []
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        for st in cls.body:
            if isinstance(st, ast.Assign) and any(getattr(t, "id", "") == "id" for t in st.targets) \
                    and isinstance(st.value, ast.Constant) and str(st.value.value).startswith("video_models."):
                out.append(st.value.value)
    return out


def found() -> dict[str, str]:
    """node id -> the module (under families/) that calls its pipeline directly."""
    out = {}
    for path in sorted(glob.glob(os.path.join(FAMILY_ROOM, "**", "*.py"), recursive=True)):
        rel = os.path.relpath(path, FAMILY_ROOM).replace(os.sep, "/")
        tree = ast.parse(open(path, encoding="utf-8").read())
        if not _direct_calls(tree):
            continue
        ids = _node_ids(tree) or ([HELD_FOR[rel]] if rel in HELD_FOR else [])
        assert ids, f"families/{rel} calls a pipeline outside the Sampler for no node this test knows"
        for i in ids:
            out[i] = rel
    return out


def declared() -> dict[str, str]:
    """node id -> why, over every family's DirectCalls."""
    out = {}
    for fam in FAMILIES.values():
        c = fam.capability(DirectCalls)
        for node, why in (c.nodes if c is not None else ()):
            out[node] = why
    return out


def test_every_direct_pipeline_call_is_declared_with_why():
    calls, said = found(), declared()
    assert set(calls) == set(said), (f"calling their pipeline outside the Sampler, undeclared: "
                                     f"{sorted(set(calls) - set(said))}; declared but going through it: "
                                     f"{sorted(set(said) - set(calls))}")
    assert all(len(why) > 40 for why in said.values())
    assert len(calls) <= 3  # 13 node types at the start of wave 8


def _step_callbacks_given(tree) -> list[int]:
    """Lines where a step callback is handed to a call: ``callback_on_step_end`` passed by keyword (``dict(...)`` too)
    or written as a dict's key. A pipeline's own definition takes it as a parameter and calls it: neither is this."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and any(k.arg == "callback_on_step_end" for k in node.keywords):
            lines.append(node.lineno)
        elif isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "callback_on_step_end"
                                                for k in node.keys):
            lines.append(node.lineno)
    return lines


def test_no_family_file_writes_a_step_callback_of_its_own():
    """Step callbacks are the Sampler's (sampler.py; a chain's passes: sampling/chain_steps.py), never a family's:
    11 family files gave their pipeline one of their own at the start of wave 8."""
    given = {}
    for path in sorted(glob.glob(os.path.join(FAMILY_ROOM, "**", "*.py"), recursive=True)):
        lines = _step_callbacks_given(ast.parse(open(path, encoding="utf-8").read()))
        if lines:
            given[os.path.relpath(path, FAMILY_ROOM).replace(os.sep, "/")] = lines
    assert not given, f"step callbacks of their own in families/: {given}"


def test_the_step_callback_finder_finds_one():
    """The finder above sees a callback passed by keyword, in dict(...) and as a dict's key; not a pipeline's own
    parameter or its call of it."""
    src = ("pipe(x=1, callback_on_step_end=f)\nkw = dict(callback_on_step_end=f)\nkw2 = {'callback_on_step_end': f}\n"
           "def __call__(self, callback_on_step_end=None):\n    callback_on_step_end(self, 0, 0, {})\n")
    assert _step_callbacks_given(ast.parse(src)) == [1, 2, 3]


def test_main_py_families_says_the_nodes_outside_the_sampler():
    from nodes.video_models.catalog.family_records import family_record
    for fam in FAMILIES.values():
        c, lacks = fam.capability(DirectCalls), family_record(fam)["lacks"]
        if c is None:
            assert "Sampler" not in lacks and "DirectCalls" not in lacks
        else:
            assert all(node in lacks["Sampler"] and why in lacks["Sampler"] for node, why in c.nodes)
