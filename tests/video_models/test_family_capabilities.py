"""Every registered family against every kind of capability (base/capabilities.py): it provides an object
of the kind or says why not, and the generic rooms of nodes/video_models hold no table of a family's
diffusers classes (a new family missing from such a table would silently go without the feature)."""
from __future__ import annotations

import ast
import inspect
import os

import pytest

import nodes.video_models  # noqa: F401  (every family registers itself)
from nodes.video_models.base.capabilities import (KINDS, Capability, ModularParts, PartReader, PipelineParts, PromptRecipe,
                                                  ResumeKeeps, TimeTiles, TwoExperts, VaeTiles)
from nodes.video_models.base.registry import FAMILIES, FORCING

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOM = os.path.join(ROOT, "nodes", "video_models")
TASKS = ("i2v", "t2v", "v2v", "vace", "animate", "cond", "ic")
EVERY = [(f"{k}-forcing" if f is FORCING.get(k) else k, f) for k, f in
         list(FAMILIES.items()) + list(FORCING.items())]


def own_classes(fam) -> set[str]:
    """The diffusers classes a family names as its own: its index classes and its pipelines per task (with
    its diffusion-forcing twin's, which shares its declarations: SkyReels-V2's)."""
    out = set()
    for f in {id(x): x for x in (fam, FAMILIES.get(fam.key), FORCING.get(fam.key)) if x is not None}.values():
        out |= set(f.index_classes) | {getattr(f, t) for t in TASKS if getattr(f, t)}
    return out


@pytest.mark.parametrize("key,fam", EVERY, ids=[k for k, _ in EVERY])
def test_every_family_provides_each_capability_or_says_why_not(key, fam):
    kinds = [type(c) for c in fam.has]
    for c in fam.has:
        assert isinstance(c, Capability) and any(isinstance(c, k) for k in KINDS), f"{key}: {c!r} is no kind"
    for kind in KINDS:
        mine = [c for c in fam.has if isinstance(c, kind)]
        assert len(mine) <= 1, f"{key} gives {len(mine)} {kind.__name__} objects"
        why = fam.why_without(kind)
        if mine:
            assert fam.capability(kind) is mine[0] and not why, f"{key} has {kind.__name__} and says why not"
        else:
            assert fam.capability(kind) is None
            assert isinstance(why, str) and why.strip(), f"{key} neither provides {kind.__name__} nor says why not " \
                                                          f"({kind.what})"
    assert set(fam.lacks) <= set(KINDS), f"{key} lacks something that is no kind: {set(fam.lacks) - set(KINDS)}"
    assert len(kinds) == len(set(kinds))


@pytest.mark.parametrize("key,fam", EVERY, ids=[k for k, _ in EVERY])
def test_pipeline_keyed_capabilities_name_the_familys_own_pipelines(key, fam):
    for kind in (PromptRecipe, ResumeKeeps):
        c = fam.capability(kind)
        if c is not None:
            assert c.classes and set(c.classes) <= own_classes(fam), \
                f"{key}'s {kind.__name__} names classes not its own: {set(c.classes) - own_classes(fam)}"


def _params(fn) -> list[str]:
    return list(inspect.signature(fn).parameters)


@pytest.mark.parametrize("key,fam", EVERY, ids=[k for k, _ in EVERY])
def test_every_part_reader_keeps_the_part_reader_protocol(key, fam):
    """A family's part reader module has the functions loading/ calls (PipelineParts, or ModularParts for a
    modular family), with the protocol's parameters first, and the keywords its family's capabilities mean
    it is given: 'waiting' where its prompts are cached, 'second' where it has two experts."""
    parts = fam.capability(PartReader)
    if parts is None:
        return
    reader = parts.reader()
    protocol = ModularParts if fam.modular else PipelineParts
    assert isinstance(reader, protocol), f"{key}'s part reader {reader.__name__} is no {protocol.__name__}"
    for name in (n for n in dir(protocol) if not n.startswith("_")):
        want = _params(getattr(protocol, name))[1:]  # less self
        got = _params(getattr(reader, name))
        assert got[:len(want)] == want, f"{key}: {reader.__name__}.{name}{tuple(got)} is not the protocol's {want}"
    if not fam.modular:
        takes = _params(reader.build_pipeline)
        if fam.capability(PromptRecipe) is not None:
            assert "waiting" in takes, f"{key}'s build_pipeline takes no 'waiting' (its prompts are cached)"
        if fam.capability(TwoExperts) is not None:
            assert "second" in takes, f"{key}'s build_pipeline takes no 'second' (it has two experts)"


def test_the_registry_answers_as_the_tables_did():
    """A few answers the generic rooms' old tables gave, now from the families' own declarations."""
    from nodes.video_models.base import prompt_recipes as pr
    from nodes.video_models.runs.kept_latents import keeps
    assert pr.returns("WanPipeline") == pr.PLAIN == pr.returns("SkyReelsV2DiffusionForcingPipeline")
    assert pr.returns("LTXConditionPipeline") == pr.MASKED == pr.returns("LTX2Pipeline")
    assert pr.tokenizer_side("LTX2Pipeline") == "left" and pr.tokenizer_side("LTXPipeline") is None
    assert pr.each("HunyuanVideoPipeline").negative == "true_cfg"
    assert pr.returns("HunyuanVideoImageToVideoPipeline") is None  # reads the image in its text encoder
    assert pr.returns("StableVideoDiffusionPipeline") is None and not pr.encoder_can_wait("NoSuchPipeline")
    assert keeps("HunyuanVideoImageToVideoPipeline").drops("HunyuanVideoImageToVideoPipeline") == 4
    assert keeps("WanVACEPipeline").drops("WanVACEPipeline") == 0
    assert keeps("LTX2Pipeline") is None and keeps("WanAnimatePipeline") is None


def _pipeline_classes() -> set[str]:
    names = set()
    for _k, fam in EVERY:
        names |= own_classes(fam)
        for c in fam.has:
            if isinstance(c, (PromptRecipe, ResumeKeeps)):
                names |= set(c.classes)
    return names


def _vae_classes() -> set[str]:
    return {name for _k, fam in EVERY for c in fam.has if isinstance(c, (VaeTiles, TimeTiles)) for name in c.classes}


def _generic_modules():
    for folder, dirs, files in os.walk(ROOM):
        dirs[:] = [d for d in dirs if d not in ("families", "__pycache__")]
        for f in files:
            if f.endswith(".py"):
                yield os.path.join(folder, f)


def _literals(tree) -> list[tuple[int, str]]:
    """The string constants of a module, its docstrings left out."""
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


def test_generic_rooms_hold_no_family_class_name():
    """No generic module of nodes/video_models names a family's diffusers pipeline (its index classes, its
    pipelines per task, the pipelines its capabilities are keyed by) in a string, and none but files/ names
    a VAE class a family's tiling is keyed by (files/part_configs.py builds Wan's and HunyuanVideo's VAEs
    from ComfyUI's files: the part readers' configs, not a lookup table): that knowledge is the family's."""
    pipelines, vaes = _pipeline_classes(), _vae_classes()
    assert "WanPipeline" in pipelines and "AutoencoderKLWan" in vaes  # the check can fail
    found = []
    for path in _generic_modules():
        rel = os.path.relpath(path, ROOT)
        names = pipelines | (vaes if not rel.startswith(os.path.join("nodes", "video_models", "files")) else set())
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        found += [f"{rel}:{line}: {s!r}" for line, s in _literals(tree) if s in names]
    assert not found, "family class names in generic rooms:\n" + "\n".join(found)
