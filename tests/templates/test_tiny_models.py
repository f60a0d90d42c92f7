"""`python -m tests.tiny_models DIR`: a tiny random model under every name a template gives, so
every template validates (its preflight finds each model) with STUDIO_MODELS=DIR, and without them
the same validation names each one as missing."""
from __future__ import annotations

import json
import os

import pytest

from studio import cli
from studio.core.registry import default_registry

from .test_templates import GRAPHS, templates

pytest.importorskip("diffusers")


def _walked_names() -> dict[str, set[str]]:
    """Each template's model names, walked from its parameters here (not through the module under
    test): every non-empty path parameter its node looks up in the models folders."""
    reg, out = default_registry(), {}
    for name in templates():
        with open(os.path.join(GRAPHS, name + ".json"), encoding="utf-8") as f:
            doc = json.load(f)
        names = set()
        for n in doc["nodes"]:
            for p in reg.get(n["type"]).params:
                v = n["params"].get(p.name)
                if p.kind == "path" and p.lookup and v:
                    names.add(v)
        if names:
            out[name] = names
    return out


def _validate(name: str, capfd) -> tuple[int, str]:
    rc = cli.main(["validate", os.path.join(GRAPHS, name + ".json")])
    return rc, capfd.readouterr().err


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    return tmp_path


def test_every_name_every_template_gives_is_written_and_found(isolated, monkeypatch, capfd):
    from tests import tiny_models
    walked = _walked_names()
    assert {"inpaint_object", "talking_clip", "character_replace", "image_to_video"} <= set(walked)
    folder = isolated / "models"
    assert tiny_models.main([str(folder)]) == 0  # its time is benchmarks' business, not an assert's
    said = capfd.readouterr().out
    for template, names in walked.items():
        for name in names:
            path = folder / name
            line = next(ln for ln in said.splitlines() if ln.startswith(name + ": "))
            assert template in line  # it says which templates need it
            if path.suffix in (".pth", ".safetensors"):  # a single file (an upscaler, a RIFE file)
                assert path.is_file() and path.stat().st_size > 1000, f"{template}: nothing written for '{name}'"
                continue
            assert path.is_dir() and any(path.iterdir()), f"{template}: nothing written for '{name}'"
            assert any((path / f).is_file() for f in ("model_index.json", "modular_model_index.json", "config.json"))
    monkeypatch.setenv("STUDIO_MODELS", str(folder))
    for template, names in walked.items():
        rc, err = _validate(template, capfd)
        unfound = [n for n in names if n in err]
        assert unfound == [] and "model '" not in err, f"{template}: {err}"
        # the one template that also needs the user's own clips ('My clips' folder) says only that
        assert rc == 0 or (template == "train_video_lora" and "cannot read 'folder'" in err), err


def test_without_the_tiny_models_validation_names_each_one(isolated, monkeypatch, capfd):
    """The control: the same validation on an empty models folder names every model of every template."""
    empty = isolated / "empty"
    empty.mkdir()
    monkeypatch.setenv("STUDIO_MODELS", str(empty))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(isolated / "data"))
    for template, names in _walked_names().items():
        rc, err = _validate(template, capfd)
        assert rc != 0 and all(n in err for n in names), f"{template}: {err}"


def test_a_name_already_in_the_folder_is_left_alone_and_an_unknown_one_is_said(tmp_path, capsys):
    from tests import tiny_models
    mine = tmp_path / "Wan-AI" / "Wan2.1-T2V-1.3B-Diffusers"
    mine.mkdir(parents=True)
    (mine / "model_index.json").write_text('{"mine": true}')
    needs = {"Wan-AI/Wan2.1-T2V-1.3B-Diffusers": ["long_take"], "someone/else": ["mine"]}
    written, unknown = tiny_models.build(str(tmp_path), needs)
    assert [(w.name, w.how) for w in written] == [("Wan-AI/Wan2.1-T2V-1.3B-Diffusers", "already there")]
    assert (mine / "model_index.json").read_text() == '{"mine": true}' and os.listdir(mine) == ["model_index.json"]
    assert unknown == {"someone/else": ["mine"]}


def test_names_one_builder_makes_share_one_build(tmp_path):
    from tests import tiny_models
    needs = {"vitpose-wholebody": ["a"], "elsewhere/vitpose-wholebody-copy": ["b"]}
    saved = dict(tiny_models.NAMES)
    tiny_models.NAMES["elsewhere/vitpose-wholebody-copy"] = "vitpose-133"
    try:
        written, unknown = tiny_models.build(str(tmp_path), needs)
    finally:
        tiny_models.NAMES.clear()
        tiny_models.NAMES.update(saved)
    assert unknown == {} and [w.how for w in written] == ["built", "linked to vitpose-wholebody"]
    second = tmp_path / "elsewhere" / "vitpose-wholebody-copy"
    assert os.path.realpath(second) == os.path.realpath(tmp_path / "vitpose-wholebody")
    assert (second / "config.json").is_file() and not os.path.isabs(os.readlink(second))
