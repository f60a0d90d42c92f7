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


def test_move_along_tracks_renders_with_the_footages_tracks(models_dir, tmp_path, tiny_models):  # noqa: F811
    place(models_dir, tiny_models, "Wan-AI/Wan2.1-I2V-14B-480P-Diffusers")
    out = tmp_path / "move_along_tracks.mp4"
    small = [("video_models.image_to_video", k, v) for k, v in
             (("width", 32), ("height", 32), ("steps", 1), ("frames", 9), ("preview_size", "off"))]
    g = _template("move_along_tracks", out, small)
    ev = []
    Executor(frame_caching=False).run(g, device="cpu", on_event=ev.append)
    info = probe(str(out))
    assert info["frames"] == 9 and info["width"] == 32
    said = [e.text for e in ev if isinstance(e, NodeMessage)]
    assert any(t.startswith("Wan-Move: 22 tracks carry the start image's latent features over 3 latent frames")
               for t in said), said


def test_frame_hold_gives_one_frame_as_an_image_and_refuses_one_past_the_end():
    from studio.core.errors import NodeExecutionError
    from studio.core.graph import Graph
    g = Graph()
    g.add_node("source.shapes", {"frames": 5, "width": 32, "height": 16}, node_id="src")
    g.add_node("edit.frame_hold", {"frame": 3}, node_id="hold")
    g.connect("src", "video", "hold", "video")
    ex = Executor()
    r = ex.run(g, device="cpu")
    assert np.array_equal(r.value("hold"), np.asarray(r.value("src").frame(3), np.float32)[..., :3])
    g.set_param("hold", "frame", 5)
    with pytest.raises(NodeExecutionError, match="frame 5 is past the clip's end .5 frames: 0 to 4."):
        ex.run(g, device="cpu")
