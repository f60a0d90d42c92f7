"""inpaint_object, music_video and talking_clip render headless (`main.py render`'s executor) on
tiny random models standing in under the names the templates ask for."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.engine.executor import Executor
from studio.engine.media import probe

from .test_video_templates import _template, models_dir  # noqa: F401 - the fixture

pytest.importorskip("diffusers")
VACE = "Wan-AI/Wan2.1-VACE-1.3B-diffusers"
WAN = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"


def _place(models_dir, name, path):
    os.makedirs(models_dir / name.split("/")[0], exist_ok=True)
    os.symlink(path, models_dir / name)


@pytest.mark.parametrize("name", ["inpaint_object"])  # pose_to_video: test_preprocess_templates.py
def test_vace_templates_render(models_dir, tmp_path, vace_dir, name):  # noqa: F811
    _place(models_dir, VACE, vace_dir)
    out = tmp_path / f"{name}.mp4"
    small = [("video_models.wan_vace", k, v) for k, v in
             (("width", 32), ("height", 32), ("steps", 1), ("frames", 5), ("preview_size", "off"))]
    g = _template(name, out, small)
    r = Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert info["frames"] == 5 and info["width"] == 32
    vace = next(n.id for n in g.nodes.values() if n.type_id == "video_models.wan_vace")
    assert np.isfinite(r.value(vace).frames).all()


def test_music_video_renders_with_its_sound(models_dir, tmp_path, wan_dir):  # noqa: F811
    _place(models_dir, WAN, wan_dir)
    out = tmp_path / "music_video.mp4"
    small = [("video_models.text_to_video", k, v) for k, v in
             (("width", 16), ("height", 16), ("steps", 1), ("frames", 13), ("window", 5), ("overlap", 2),
              ("preview_size", "off"))] + [("encode.audio", "frames", 13), ("video_models.prompt_schedule", "every", 1)]
    g = _template("music_video", out, small)
    ev = []
    Executor(frame_caching=False).run(g, device="cpu", on_event=ev.append)
    info = probe(str(out))
    assert info["frames"] == 13 and info["width"] == 16 and info.get("audio_codec") == "aac"


def test_talking_clip_renders_picture_and_sound(models_dir, tmp_path, ltx2_dir):  # noqa: F811
    _place(models_dir, "Lightricks/LTX-2", ltx2_dir)
    out = tmp_path / "talking_clip.mp4"
    small = [("video_models.ltx2", k, v) for k, v in
             (("width", 32), ("height", 32), ("steps", 1), ("frames", 9), ("guidance", 1.0), ("preview_size", "off"))]
    g = _template("talking_clip", out, small)
    r = Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert info["frames"] == 9 and info["width"] == 32 and info.get("audio_codec") == "aac"
    gen = next(n.id for n in g.nodes.values() if n.type_id == "video_models.ltx2")
    sound = r.value(gen, "audio")
    assert sound.n_samples > 0 and r.value(gen, "video").audio is sound
