"""Issue 102 item 4: Cosmos runs only with NVIDIA's guardrail (families/cosmos/guardrail.py). Without the
cosmos-guardrail package and its models in the Hugging Face cache, a Cosmos model is refused before anything
is loaded, in one sentence saying what to install and where its files go: at the graph's check and at the run;
the model picker and the Cosmos templates' cards say so. The pass-through stand-in is the test suite's only
(STUDIO_TEST_COSMOS_STAND_IN, set by tests/conftest.py)."""
from __future__ import annotations

import os

import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor

from nodes.video_models.base.capabilities import unavailable

from .graphs import model_graph

pytest.importorskip("diffusers")

PARAMS = {"width": 32, "height": 32, "frames": 5, "steps": 1, "prompt": "a fox", "previews": False,
          "preview_size": "off"}


@pytest.fixture
def no_guardrail(monkeypatch, tmp_path):
    """A machine without the package and with an empty Hugging Face cache, outside the suite's stand-in."""
    import importlib.util
    from nodes.video_models.families.cosmos import guardrail
    monkeypatch.delenv(guardrail.TEST_ONLY, raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    os.makedirs(tmp_path / "hf")
    find = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == guardrail.MODULE else find(name, *a))
    return tmp_path / "hf"


def _one_sentence(why: str) -> None:
    assert why.count(". ") == 0 and "\n" not in why, why
    assert "pip install cosmos-guardrail" in why and "nvidia/Cosmos-1.0-Guardrail" in why
    assert "Qwen/Qwen3Guard-Gen-0.6B" in why and "Hugging Face cache" in why


def test_a_cosmos_model_is_refused_before_loading_without_its_guardrail(tiny, no_guardrail, monkeypatch):
    import diffusers
    folder = tiny("cosmos2")
    loaded = []
    orig = diffusers.Cosmos2VideoToWorldPipeline.from_pretrained.__func__
    monkeypatch.setattr(diffusers.Cosmos2VideoToWorldPipeline, "from_pretrained",
                        classmethod(lambda cls, *a, **k: loaded.append(1) or orig(cls, *a, **k)))
    from tests.sources import source
    import numpy as np
    still = source("test.guard_still", "image", "Image", lambda p: np.zeros((32, 32, 3), np.float32))
    g = model_graph(folder, "video_models.image_to_video", PARAMS, image=(still, "image"))
    from studio.engine.plan import compile_plan
    with pytest.raises(StudioError) as checked:  # the graph's check (validate) says it before any run
        compile_plan(g, targets=["gen"], check_only=True)
    why = str(checked.value)
    assert why.startswith("'Load Video Model' (load): ")
    _one_sentence(why[why.index("Cosmos Predict2"):].split(" (and ")[0])
    assert str(no_guardrail) in why  # where its files go
    with pytest.raises(StudioError, match="runs only with NVIDIA's Cosmos guardrail"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    assert not loaded  # refused before the pipeline was read


def test_the_stand_in_is_the_test_suites_only(no_guardrail, monkeypatch):
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.families.cosmos import guardrail
    with pytest.raises(ModelError) as e:
        guardrail.safety_checker(title="Cosmos Predict2")
    _one_sentence(str(e.value))
    assert str(e.value).startswith("Cosmos Predict2 runs only with NVIDIA's Cosmos guardrail")
    for key in ("cosmos", "cosmos2", "cosmos25", "cosmos3", "cosmos3_distilled"):
        assert "guardrail" in unavailable(FAMILIES[key])
    assert unavailable(FAMILIES["wan"]) == ""
    said = []
    monkeypatch.setenv(guardrail.TEST_ONLY, "1")  # a user's environment: turns nothing on (issue 115 item 6)
    assert "guardrail" in unavailable(FAMILIES["cosmos2"])
    with pytest.raises(ModelError):
        guardrail.safety_checker(said.append)
    from studio.core.stand_ins import hand_on
    monkeypatch.delenv(guardrail.TEST_ONLY)
    hand_on(guardrail.TEST_ONLY)  # as tests/conftest.py hands it on: a token of this live process
    assert guardrail.safety_checker(said.append).check_video_safety("frames") == "frames"
    assert said == [guardrail.UNCHECKED] and unavailable(FAMILIES["cosmos2"]) == ""


def _files(snap, names, size_of=lambda least: least):
    for name, least in names:
        path = snap / name if least else snap / name / "words.txt"
        os.makedirs(path.parent, exist_ok=True)
        with open(path, "wb") as f:
            f.truncate(max(1, size_of(least)))  # sparse: the size without the bytes


def test_with_the_package_and_its_models_files_it_runs(no_guardrail, monkeypatch):
    """Its models are checked by the files the guardrail reads (names, least sizes): a folder holding any file is
    not its weights; the sentence names the files missing and the folder; what is there is not asked for."""
    import importlib.util
    from nodes.video_models.families.cosmos import guardrail
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object())
    snaps = {r: no_guardrail / ("models--" + r.replace("/", "--")) / "snapshots" / "abc" for r in guardrail.REPOS}
    for snap in snaps.values():
        _files(snap, [("x", 5)])  # any file: not the weights
    why = guardrail.missing()
    assert "all of its files" in why and "pip install" not in why and str(no_guardrail) in why
    nv, qwen = guardrail.REPOS
    _files(snaps[nv], guardrail.EXPECTED[nv])
    _files(snaps[qwen], guardrail.EXPECTED[qwen], lambda least: least // 2 if least > 100 else least)  # cut short
    why = guardrail.missing()
    assert nv not in why and "Qwen/Qwen3Guard-Gen-0.6B: tokenizer.json, model.safetensors" in why, why
    _files(snaps[qwen], guardrail.EXPECTED[qwen])
    assert guardrail.missing() == ""


def test_the_sentence_names_the_cache_hf_home_points_at(no_guardrail, monkeypatch, tmp_path):
    from nodes.video_models.families.cosmos import guardrail
    monkeypatch.delenv("HF_HUB_CACHE")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "elsewhere"))
    why = guardrail.missing("Cosmos")
    assert os.path.join(str(tmp_path / "elsewhere"), "hub") in why and ".cache" not in why
    assert guardrail.INSTALL in why  # the set-up's way, which keeps torch at its pin


def test_the_picker_and_the_templates_say_it(tiny, no_guardrail, tmp_path):
    from nodes.video_models.catalog.listing import Machine, list_models
    from nodes.video_models.families.cosmos.guardrail import MODULE, REPOS
    models = tmp_path / "models"
    tiny.copy("cosmos2", models / "cosmos2")
    notes: list[str] = []
    entries = list_models([str(models)], m=Machine("cpu", "test", 2 ** 34), notes=notes, use_cache=False)
    (e,) = [e for e in entries if e.family == "cosmos2"]
    assert "runs only with NVIDIA's Cosmos guardrail" in e.needs and e.needs in notes
    from studio.ui.dialogs.templates import list_templates, needs_html
    cosmos = [t for t in list_templates() if t.name in ("cosmos_transfer", "cosmos3_sound_clip")]
    assert len(cosmos) == 2
    for t in cosmos:
        (r,) = t.requires
        assert (r.module, r.models) == (MODULE, REPOS) and not r.found()
        card = needs_html(t, lambda name: True)
        assert "NVIDIA's Cosmos guardrail" in card and "missing: pip install cosmos-guardrail" in card


def test_the_extra_pins_the_torchvision_made_for_the_pinned_torch():
    """The set-up installs the guardrail extra in one resolve with torch at its pin (STUDIO_EXTRAS), and the extra
    pins the torchvision built for that torch (torch 2.x pairs with torchvision 0.(x+15))."""
    import re
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    text = open(os.path.join(root, "pyproject.toml"), encoding="utf-8").read()
    torch_minor = int(re.search(r'"torch==2\.(\d+)\.\d+"', text).group(1))
    extra = re.search(r'^cosmos-guardrail = \[(.*)\]$', text, re.M).group(1)
    assert '"cosmos-guardrail==' in extra and f'"torchvision==0.{torch_minor + 15}.' in extra
    setup = open(os.path.join(root, "scripts", "setup.sh"), encoding="utf-8").read()
    assert setup.count('"torch==2.%d.' % torch_minor) == 2 and setup.count('-e ".[$EXTRAS]"') == 2
    assert "cosmos-guardrail) EXTRAS=" in setup
