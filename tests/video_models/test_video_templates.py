"""The pretrained templates: valid with no weights, say exactly what they want, and run as soon as
the models setting points at the weights (here: tiny random models under the expected names)."""
from __future__ import annotations

import os

import pytest

from studio.core.errors import StudioError
from studio.core.fileformat import load_graph
from studio.engine.executor import Executor
from studio.engine.media import probe

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRAPHS = os.path.join(ROOT, "assets", "graphs")
SVD = "stabilityai/stable-video-diffusion-img2vid-xt"
WAN = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    d = tmp_path / "models"
    d.mkdir()
    monkeypatch.setenv("STUDIO_MODELS", str(d))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    return d


def place(models_dir, tiny_models, *names):
    """Each of ``names`` in ``models_dir`` as a link to its tiny model (the session's
    ``tiny_models`` folder, as `python -m tests.tiny_models` writes it)."""
    for name in names:
        (models_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (models_dir / name).symlink_to(tiny_models / name, target_is_directory=True)


def _template(name, out_path, sets=()):
    g = load_graph(os.path.join(GRAPHS, name + ".json"))
    assert g.validate() == []
    for type_id, k, v in sets:
        nid = next(n.id for n in g.nodes.values() if n.type_id == type_id)
        g.set_param(nid, k, v)
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    g.set_param(save.id, "path", str(out_path))
    return g


@pytest.mark.parametrize("name, model", [("image_to_video", SVD), ("text_to_video_pretrained", WAN)])
def test_without_weights_the_loader_says_what_it_wants(models_dir, tmp_path, name, model):
    g = _template(name, tmp_path / "out.mp4")
    with pytest.raises(StudioError) as e:  # found before the run starts (Load Video Model's preflight)
        Executor(frame_caching=False).run(g)
    msg = str(e.value)
    assert "Load Video Model" in msg or "Stable Video Diffusion" in msg or "Wan" in msg
    assert f"model '{model}' not found" in msg and str(models_dir) in msg
    assert "model_index.json" in msg and "models--" + model.replace("/", "--") in msg
    assert not (tmp_path / "out.mp4").exists()


def test_image_to_video_template_runs_with_the_weights_in_place(models_dir, tmp_path, tiny_models):
    place(models_dir, tiny_models, SVD)
    out = tmp_path / "i2v.mp4"
    small = [("video_models.image_to_video", k, v) for k, v in
             (("width", 32), ("height", 32), ("steps", 2), ("frames", 4))]
    g = _template("image_to_video", out, small)
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert info["frames"] == 4 and info["width"] == 32


def test_text_to_video_template_runs_with_the_weights_in_place(models_dir, tmp_path, tiny_models):
    place(models_dir, tiny_models, WAN)
    out = tmp_path / "t2v.mp4"
    small = [("video_models.text_to_video", k, v) for k, v in
             (("width", 16), ("height", 16), ("steps", 2), ("frames", 5))]
    g = _template("text_to_video_pretrained", out, small)
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert info["frames"] == 5 and info["width"] == 16
