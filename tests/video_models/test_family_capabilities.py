"""Every registered family against every kind of capability (base/capabilities.py): it provides an object
of the kind or says why not, and the generic rooms of nodes/video_models hold no table of a family's
diffusers classes (a new family missing from such a table would silently go without the feature)."""
from __future__ import annotations

import ast
import dataclasses
import inspect
import os
import re

import pytest

import nodes.video_models  # noqa: F401  (every family registers itself)
from nodes.video_models.base.capabilities import (KINDS, Capability, ModularParts, PartReader, PipelineParts, PromptRecipe,
                                                  ResumeKeeps, TwoExperts)
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
    from nodes.video_models.resume.kept_latents import keeps
    assert pr.returns("WanPipeline") == pr.PLAIN == pr.returns("SkyReelsV2DiffusionForcingPipeline")
    assert pr.returns("LTXConditionPipeline") == pr.MASKED == pr.returns("LTX2Pipeline")
    assert pr.tokenizer_side("LTX2Pipeline") == "left" and pr.tokenizer_side("LTXPipeline") is None
    assert pr.each("HunyuanVideoPipeline").negative == "true_cfg"
    assert pr.returns("HunyuanVideoImageToVideoPipeline") is None  # reads the image in its text encoder
    assert pr.returns("StableVideoDiffusionPipeline") is None and not pr.encoder_can_wait("NoSuchPipeline")
    assert keeps("HunyuanVideoImageToVideoPipeline").drops("HunyuanVideoImageToVideoPipeline") == 4
    assert keeps("WanVACEPipeline").drops("WanVACEPipeline") == 0
    assert keeps("LTX2Pipeline") is None and keeps("WanAnimatePipeline") is None


# Names several families share, so no one family's: each with why it may stand in a generic room. (Empty
# today: the shared text encoders, UMT5 and Qwen2.5-VL, are transformers' classes no family declares.)
SHARED: dict[str, str] = {}
CLASS_LIKE = re.compile(r"^[A-Z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*$")


def _strings(obj, depth: int = 0):
    """Every string a capability object holds, in its fields, tuples and dicts (its functions not read)."""
    if isinstance(obj, str):
        yield obj
    elif depth < 5 and isinstance(obj, (tuple, list, set, frozenset)):
        for x in obj:
            yield from _strings(x, depth + 1)
    elif depth < 5 and isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(k, depth + 1)
            yield from _strings(v, depth + 1)
    elif depth < 5 and dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _strings(getattr(obj, f.name), depth + 1)


def _folder_classes(key: str) -> set[str]:
    """The classes defined in a family's folder (its sub-packages, its wings, included)."""
    out = set()
    for folder, dirs, files in os.walk(os.path.join(ROOM, "families", key)):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for f in (f for f in files if f.endswith(".py")):
            with open(os.path.join(folder, f), encoding="utf-8") as fh:
                out |= {n.name for n in ast.walk(ast.parse(fh.read())) if isinstance(n, ast.ClassDef)}
    return out


def family_names() -> dict[str, set[str]]:
    """Each registered family's own names, from the registry: its key, index classes and pipelines per task,
    the classes its capabilities are keyed by or name, and the classes its folder defines; a new family is
    covered with no edit here. -> {name: the families it is one of}."""
    names: dict[str, set[str]] = {}
    for _k, fam in EVERY:
        own = {fam.key} | own_classes(fam) | _folder_classes(fam.key)
        for c in fam.has:
            own |= set(c.classes) | {s for s in _strings(c) if CLASS_LIKE.match(s)}
        for n in own - set(SHARED):
            names.setdefault(n, set()).add(fam.key)
    return names


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


def family_literals(path: str, names: dict[str, set[str]]) -> list[str]:
    """'file:line: 'name' (families)' for each string literal of the module at ``path`` that is a family's name."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    rel = os.path.relpath(path, ROOT)
    return [f"{rel}:{line}: {s!r} ({', '.join(sorted(names[s]))})" for line, s in _literals(tree) if s in names]


def test_generic_rooms_name_no_family():
    """No generic module of nodes/video_models (everything outside families/) holds a string literal that is
    a registered family's key, index or pipeline class, a class its capabilities name or its folder defines:
    that knowledge is the family's, and a generic room asks the registry for it (names several families
    share: SHARED, each with its reason)."""
    names = family_names()
    for n in ("wan", "WanPipeline", "AutoencoderKLWan", "LTX2Pipeline", "HumoPipeline"):
        assert n in names, f"{n} is not among the families' names: the check would miss it"
    found = [hit for path in _generic_modules() for hit in family_literals(path, names)]
    assert not found, "family names in generic rooms:\n" + "\n".join(found)


def test_the_generic_rooms_check_catches_a_planted_name(tmp_path):
    """A module planted with a family's key and its classes is caught, its docstring and a name no family
    has are not."""
    planted = tmp_path / "planted.py"
    planted.write_text('"""WanPipeline in a docstring is words."""\nKEY = "hunyuan15"\n'
                       'TABLE = {"AutoencoderKLWan": 1, "LTXConditionPipeline": 2, "NoFamilyHasThis": 3}\n')
    hits = family_literals(str(planted), family_names())
    assert [h.split(": ", 1)[1].split(" (")[0] for h in hits] == ["'hunyuan15'", "'AutoencoderKLWan'",
                                                                    "'LTXConditionPipeline'"], hits


# diffusers classes a generic room may name, each with why: none is one family's
ANY_FAMILY: dict[str, str] = {n: "the generators' 'sampler' choices (base/schedulers.py): a scheduler any flow-matching "
                                 "family may be given, no family's own"
                              for n in ("FlowMatchEulerDiscreteScheduler", "UniPCMultistepScheduler",
                                        "DPMSolverMultistepScheduler")}
ANY_FAMILY["LCMScheduler"] = ("the generators' 'lcm' sampler (base/lcm.py): a scheduler any model sampling on discrete "
                              "betas may be given (AnimateLCM's motion module, an LCM LoRA), no family's own")


def diffusers_literals(path: str, diffusers) -> list[str]:
    """'file:line: 'name'' for each string literal of the module at ``path`` (its docstrings left out) that is a
    diffusers class (a model, a VAE, a pipeline: ``hasattr(diffusers, name)``), ANY_FAMILY's aside: a table of such
    names in a generic room is a family's knowledge kept where a new family cannot add to it."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    rel = os.path.relpath(path, ROOT)
    return [f"{rel}:{line}: {s!r}" for line, s in _literals(tree)
            if CLASS_LIKE.match(s) and s not in ANY_FAMILY and hasattr(diffusers, s)]


def test_generic_rooms_hold_no_table_of_diffusers_classes():
    """No generic module of nodes/video_models names a diffusers class (the class-name tables IMAGE_VAES and
    LAYER_KEYS' kind: a VAE class keeping every frame is a family's Cost.frame_vaes), whether or not a registered
    family names it as its own (test_generic_rooms_name_no_family sees only those)."""
    diffusers = pytest.importorskip("diffusers")
    found = [hit for path in _generic_modules() for hit in diffusers_literals(path, diffusers)]
    assert not found, "diffusers classes named in generic rooms:\n" + "\n".join(found)


def test_the_diffusers_class_check_catches_a_planted_table(tmp_path):
    """A table of diffusers classes no family declares as its own (an image VAE, a temporal decoder) is caught;
    its docstring, a name diffusers has not, and the scheduler choices are not."""
    diffusers = pytest.importorskip("diffusers")
    planted = tmp_path / "planted.py"
    planted.write_text('"""AutoencoderKL in a docstring is words."""\n'
                       'IMAGE_VAES = ("AutoencoderKL", "AutoencoderKLTemporalDecoder", "AutoencoderTiny")\n'
                       'OTHER = ("NoSuchDiffusersClass", "UniPCMultistepScheduler")\n')
    hits = diffusers_literals(str(planted), diffusers)
    assert [h.split(": ", 1)[1] for h in hits] == ["'AutoencoderKL'", "'AutoencoderKLTemporalDecoder'",
                                                   "'AutoencoderTiny'"], hits
    assert "AutoencoderTiny" not in family_names()  # no family's: the name check alone would not see it


def family_members() -> list[str]:
    """Family's members: its dataclass fields and the public methods and properties it defines."""
    from nodes.video_models.base.family import Family
    fields = [f.name for f in dataclasses.fields(Family)]
    return fields + [n for n, v in vars(Family).items() if not n.startswith("_") and n not in fields
                     and (callable(v) or isinstance(v, property))]


def test_family_stays_small_and_holds_no_estimate():
    """The Family interface holds at most 47 members (its size before the estimates added six back): what one kind of
    work needs of a family is a capability (base/capabilities.py); its cost said before F5 is its Cost, read by
    estimates/ alone."""
    from nodes.video_models.base.capabilities import Cost
    members = family_members()
    assert len(members) <= 47, f"Family has {len(members)} members: {members}"
    estimate_only = {f.name for f in dataclasses.fields(Cost)} | {"window_encoding", "linear_attention", "cost",
                                                                   "encoded_windows", "attends", "layer_keys"}
    assert not set(members) & estimate_only, set(members) & estimate_only
