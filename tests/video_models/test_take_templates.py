"""Issue 47's templates render headless on tiny models placed under the names they want."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.events import NodeMessage
from studio.engine.executor import Executor
from studio.engine.media import probe

from .test_video_templates import _template, models_dir, place  # noqa: F401 - the fixture

pytest.importorskip("diffusers")


def test_long_take_renders_as_one_take(models_dir, tmp_path, tiny_models):  # noqa: F811
    place(models_dir, tiny_models, "Wan-AI/Wan2.1-T2V-1.3B-Diffusers")
    out = tmp_path / "long_take.mp4"
    small = [("video_models.text_to_video", k, v) for k, v in
             (("width", 16), ("height", 16), ("steps", 1), ("frames", 13), ("window", 5), ("overlap", 4),
              ("preview_size", "off"))]
    small += [("video_models.prompt_schedule", "frames", 13),
              ("video_models.prompt_schedule", "blend", 2),
              ("video_models.prompt_schedule", "prompts", "0: a red fox\n9: a blue cat")]
    g = _template("long_take", out, small)
    ev = []
    Executor(frame_caching=False).run(g, device="cpu", on_event=ev.append)
    info = probe(str(out))
    assert info["frames"] == 13 and info["width"] == 16
    said = [e.text for e in ev if isinstance(e, NodeMessage)]
    assert any("long take: context windows: 13 frames sampled as one take" in t for t in said), said


def test_first_last_frame_renders(models_dir, tmp_path, tiny_models):  # noqa: F811
    place(models_dir, tiny_models, "Wan-AI/Wan2.1-FLF2V-14B-720P-diffusers")
    out = tmp_path / "first_last_frame.mp4"
    small = [("video_models.image_to_video", k, v) for k, v in
             (("width", 16), ("height", 16), ("steps", 1), ("frames", 5), ("preview_size", "off"))]
    g = _template("first_last_frame", out, small)
    r = Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert info["frames"] == 5 and info["width"] == 16
    gen = next(n.id for n in g.nodes.values() if n.type_id == "video_models.image_to_video")
    assert np.isfinite(r.value(gen).frames).all()
