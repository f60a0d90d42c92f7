"""One road to the pipeline call (issues 98, 111): every family node's pipeline call is made in the one Sampler's
room (sampling/: sampler.py, one_call.py; chain_steps.py for a chain of calls, modular_run.py for a modular
pipeline's call), or the node is declared in its family's DirectCalls with why, which `main.py families` says under
'lacks' ('Sampler'), and a test named for it (``test_direct_<node>_...``) proves the why against the installed
library. The calls are found in the source of families/, whatever the node (:func:`_direct_calls`). None is left
(issue 111 item 4: LTX-2.5 DFR's chain and LTX-2 Latent Upscale's windows go through chain_steps.py, Wan Animate 2's
modular call through modular_run.py); the tests at the end hold, from diffusers itself, why each goes by the road it
does, and fail the day diffusers changes it."""
from __future__ import annotations

import ast
import glob
import inspect
import os

import nodes.video_models  # noqa: F401  (every family registers itself)
from nodes.video_models.base.capabilities import DirectCalls
from nodes.video_models.base.registry import FAMILIES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAMILY_ROOM = os.path.join(ROOT, "nodes", "video_models", "families")
# modules holding a node's direct call for it, where the node's class is declared in another module of the folder
HELD_FOR = {"ltx2/refine.py": "video_models.ltx2_latent_upscale", "ltx2/dfr_chain.py": "video_models.ltx2_dfr"}
# what makes or gives a diffusers pipeline: a name bound to one is a pipeline (``up = LTX2LatentUpsamplePipeline(...)``)
MAKERS = ("pipeline", "derived_pipeline", "own_pipeline", "init_pipeline", "from_pretrained")


def _callee(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")


def _pipelines_bound(tree) -> set[str]:
    """Names (or attributes) the module binds to a pipeline it makes: the result of a call of a class named
    ``...Pipeline`` or of one of MAKERS."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            fn = _callee(node.value)
            if fn.endswith("Pipeline") or fn in MAKERS:
                for t in node.targets:
                    name = t.id if isinstance(t, ast.Name) else getattr(t, "attr", "")
                    if name:
                        out.add(name)
    return out


def _direct_calls(tree) -> list[int]:
    """Lines of calls that run a pipeline outside the Sampler's room: given a step callback by keyword, run through
    fresh_stack (every pipeline call's stack chunk), ``.__call__``, a call of ``pipe(...)`` / ``pipeline(...)`` or of
    a name bound to a pipeline the module makes, or a call given ``output_type=`` (every diffusers pipeline's
    argument) and no positional argument that is not ``dict(...)`` or a processor's ``postprocess...`` (a call of
    the road, ``steps.once(pipe, ..., output_type=...)``, hands it the pipeline first). A pipeline's own definition
    (a parameter named so) is none of these."""
    bound = _pipelines_bound(tree) | {"pipe"}
    own = {id(c) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name == "__call__"
           for c in ast.walk(f) if isinstance(c, ast.Call) and _callee(c) == "__call__"}  # a pipeline subclass's own
    lines = []  # __call__ handing on to its base's (flux2's negative prompt): the pipeline's definition, no call of it
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in own:
            continue
        fn, keys = _callee(node), {k.arg for k in node.keywords}
        if fn in ("fresh_stack", "__call__") or "callback_on_step_end" in keys or fn in bound \
                or (isinstance(node.func, ast.Name) and fn == "pipeline") \
                or ("output_type" in keys and not node.args and fn != "dict" and not fn.startswith("postprocess")):
            lines.append(node.lineno)
    return sorted(lines)


def _node_ids(tree) -> list[str]:
    out = []
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        for st in cls.body:
            if isinstance(st, ast.Assign) and any(getattr(t, "id", "") == "id" for t in st.targets) \
                    and isinstance(st.value, ast.Constant) and str(st.value.value).startswith("video_models."):
                out.append(st.value.value)
    return out


def found() -> dict[str, str]:
    """node id -> where (under families/) its pipeline is called directly ('file:line, ...')."""
    out = {}
    for path in sorted(glob.glob(os.path.join(FAMILY_ROOM, "**", "*.py"), recursive=True)):
        rel = os.path.relpath(path, FAMILY_ROOM).replace(os.sep, "/")
        tree = ast.parse(open(path, encoding="utf-8").read())
        lines = _direct_calls(tree)
        if not lines:
            continue
        ids = _node_ids(tree) or ([HELD_FOR[rel]] if rel in HELD_FOR else [])
        assert ids, f"families/{rel} (lines {lines}) calls a pipeline outside the Sampler for no node this test knows"
        for i in ids:
            out[i] = ", ".join(f"{rel}:{n}" for n in lines)
    return out


def declared() -> dict[str, str]:
    """node id -> why, over every family's DirectCalls."""
    out = {}
    for fam in FAMILIES.values():
        c = fam.capability(DirectCalls)
        for node, why in (c.nodes if c is not None else ()):
            out[node] = why
    return out


def _test_names() -> set[str]:
    """Every test function's name under tests/."""
    names = set()
    for path in glob.glob(os.path.join(ROOT, "tests", "**", "test_*.py"), recursive=True):
        tree = ast.parse(open(path, encoding="utf-8").read())
        names |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}
    return names


def test_every_direct_pipeline_call_is_declared_with_why_and_a_test_of_it():
    """Each node calling its pipeline outside the Sampler's room is declared in DirectCalls with why, and a test
    ``test_direct_<node>_...`` (its id after 'video_models.') proves the why against the library, to fail the day the
    library lets it go through the one road. 13 node types at the start of wave 8, 3 at issue 111, none now."""
    calls, said = found(), declared()
    assert set(calls) == set(said), (f"calling their pipeline outside the Sampler, undeclared: "
                                     f"{ {k: calls[k] for k in sorted(set(calls) - set(said))} }; declared but "
                                     f"going through it: {sorted(set(said) - set(calls))}")
    assert all(len(why) > 40 for why in said.values())
    names = _test_names()
    untested = [n for n in calls if not any(t.startswith(f"test_direct_{n.split('.', 1)[-1]}_") for t in names)]
    assert not untested, f"declared direct calls with no test_direct_<node>_... proving why: {untested}"
    assert not calls, f"direct pipeline calls in families/ (0 since issue 111 item 4): {calls}"


def test_the_direct_call_finder_finds_each_form():
    """The finder sees the forms the last direct calls took (LTX-2 Latent Upscale's ``fresh_stack(pipe, ...)``, DFR's
    ``upsample(latents=..., output_type=...)``, a pipeline made in the module and called), ``pipe(**kw)``, a step
    callback, ``.__call__``; not a processor's postprocess, a call's arguments in ``dict(...)``, a call of the road
    (``steps.once(up, ...)``), ``ref.pipeline(...)`` (it makes one), a VAE's decode or a pipeline's own definition."""
    src = ("out = fresh_stack(pipe, video=v, return_dict=False)[0]\n"                     # 1
           "up = upsample(latents=x, output_type='latent', return_dict=False)[0]\n"        # 2
           "u = diffusers.LTX2LatentUpsamplePipeline(vae=vae)\n"
           "y = u(video=v)\n"                                                              # 4
           "z = pipe(**kw)\n"                                                              # 5
           "s = self.pipe.__call__(x)\n"                                                   # 6
           "w = run(x, callback_on_step_end=f)\n"                                          # 7
           "v = vp.postprocess_video(x, output_type='np')\n"
           "kw = dict(prompt=t, output_type='np')\n"
           "o = steps.once(up, latents=x, output_type='latent')\n"
           "p = ref.pipeline('t2v', text=False)\n"
           "def __call__(self, output_type='np', callback_on_step_end=None):\n"
           "    return self.vae.decode(z, return_dict=False)[0]\n")
    assert _direct_calls(ast.parse(src)) == [1, 2, 4, 5, 6, 7]


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


# -- why each of issue 111's last three goes by the road it does, from the installed diffusers --------------------

def _params(fn) -> set[str]:
    return set(inspect.signature(fn).parameters)


def test_dfrs_passes_take_the_samplers_step_callback_and_give_back_its_latents():
    """LTX-2.5 DFR is four pipelines a take (dfr_chain.py), which no one Sampler call makes; each denoising pass takes
    a step callback whose latents it puts back (diffusers 0.42.1 pipeline_ltx2_dfr.py: ``callback_on_step_end`` in
    LTX2DFRPipeline.__call__, ``callback_outputs.pop("latents", latents)``), so chain_steps.ChainSteps gives each
    pass the Sampler's step work; the latent upsampler between them has no steps (the next test)."""
    from diffusers import LTX2DFRPipeline, LTX2DFRTemporalRefinePipeline
    for cls in (LTX2DFRPipeline, LTX2DFRTemporalRefinePipeline):
        assert {"callback_on_step_end", "callback_on_step_end_tensor_inputs"} <= _params(cls.__call__), cls.__name__
    assert 'callback_outputs.pop("latents", latents)' in inspect.getsource(inspect.getmodule(LTX2DFRPipeline))


def test_the_latent_upsampler_makes_no_steps_so_its_call_is_a_chain_call_without_step_work():
    """LTX-2 Latent Upscale and DFR call LTX2LatentUpsamplePipeline with no denoising steps (encode, upsample, decode:
    diffusers 0.42.1 pipeline_ltx2_latent_upsample.py, ``__call__`` takes no steps, sigmas or step callback), so it
    goes as ChainSteps.once (Stop before it, counted as one step). The day it takes steps and a callback, its call
    goes through ChainSteps' step work instead: this test fails to say so."""
    from diffusers import LTX2LatentUpsamplePipeline
    taken = _params(LTX2LatentUpsamplePipeline.__call__)
    assert not taken & {"num_inference_steps", "sigmas", "timesteps", "callback_on_step_end"}, taken
    assert {"video", "latents", "output_type", "return_dict"} <= taken


def test_a_modular_pipeline_takes_no_step_callback_so_wan_animate_2_goes_by_the_modular_road():
    """Wan Animate 2's modular pipeline cannot be given the Sampler's step callback (sampler.py run_window's
    ``callback_on_step_end``): ModularPipeline.__call__ takes ``state``, ``output`` and the blocks' inputs (diffusers
    0.42.1 modular_pipelines/modular_pipeline.py), and neither WanAnimate2Blocks nor its distilled blocks name a
    callback among theirs; each segment's steps loop inside WanAnimate2SegmentDenoiseInner calling its scheduler's
    ``step`` (wan_animate_2/denoise.py), where the modular road (sampling/modular_run.modular_call, through
    ChainSteps.scheduler_steps) does the step work. The day its blocks take a step callback, the node can go through
    the Sampler's own: this test fails to say so."""
    from diffusers.modular_pipelines import ModularPipeline, WanAnimate2Blocks, WanAnimate2DistilledBlocks
    from diffusers.modular_pipelines.wan_animate_2.denoise import WanAnimate2SegmentDenoiseInner
    assert _params(ModularPipeline.__call__) == {"self", "state", "output", "kwargs"}
    for blocks in (WanAnimate2Blocks(), WanAnimate2DistilledBlocks()):
        names = set(blocks.input_names)
        assert {"num_inference_steps", "segment_frame_length"} <= names  # what the node gives it
        assert not {n for n in names if "callback" in n}, (type(blocks).__name__, names)
    assert "components.scheduler.step(" in inspect.getsource(WanAnimate2SegmentDenoiseInner.__call__)
