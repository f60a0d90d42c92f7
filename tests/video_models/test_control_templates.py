"""inpaint_object, music_video and talking_clip render headless (`main.py render`'s executor) on
tiny random models standing in under the names the templates ask for."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from studio.engine.media import probe

from .test_video_templates import _template, models_dir, place  # noqa: F401 - the fixture

pytest.importorskip("diffusers")
VACE = "Wan-AI/Wan2.1-VACE-1.3B-diffusers"
WAN = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"


def _tiny_plate(path, n=5, w=32, h=32):
    """A tiny clip: an orange square moving right over a blue ground."""
    import av
    with av.open(str(path), "w") as c:
        st = c.add_stream("libx264", rate=12)
        st.width, st.height, st.pix_fmt = w, h, "yuv420p"
        for i in range(n):
            f = np.zeros((h, w, 3), np.uint8)
            f[...] = (40, 60, 120)
            f[8:18, 4 + 2 * i:14 + 2 * i] = (250, 140, 20)
            for pkt in st.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                c.mux(pkt)
        for pkt in st.encode():
            c.mux(pkt)
    return str(path)


def test_inpaint_object_renders_and_keeps_the_plate_outside_the_mask(models_dir, tmp_path, tiny_models):  # noqa: F811
    """Click -> Segment (a tiny SAM 2) -> Wan VACE inpaint (a tiny VACE) -> Composite: the output is
    the plate's pixels, exactly, wherever the mask is 0, and VACE's inside it."""
    place(models_dir, tiny_models, VACE, "facebook/sam2.1-hiera-tiny")
    out = tmp_path / "inpaint_object.mp4"
    g = _template("inpaint_object", out, [("video_models.wan_vace", "steps", 1),
                                          ("io.load_video", "path", _tiny_plate(tmp_path / "plate.mp4")),
                                          ("edit.mask_tools", "grow", 0), ("edit.mask_tools", "blur", 0.0)])
    r = Executor(frame_caching=False).run(g, device="cpu")
    assert probe(str(out))["frames"] == 5
    ids = {n.type_id: n.id for n in g.nodes.values()}
    plate, comp = r.value(ids["io.load_video"]), r.value(ids["edit.composite"])
    mask, vace = r.value(ids["edit.mask_tools"]), r.value(ids["video_models.wan_vace"])
    assert (len(comp), comp.width, comp.height) == (5, 32, 32)
    for i in range(5):
        m = mask.frame(i)[..., 0]
        outside = m == 0
        assert outside.any() and (m == 1).any()  # the tiny SAM 2 marks part of the frame
        np.testing.assert_array_equal(comp.frame(i)[outside], plate.frame(i)[outside])
        inside = m == 1
        if inside.any():
            np.testing.assert_allclose(comp.frame(i)[inside], vace.frame(i)[inside], atol=1e-6)


def test_music_video_renders_with_its_sound(models_dir, tmp_path, tiny_models):  # noqa: F811
    place(models_dir, tiny_models, WAN)
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
    """At 32 px: the LTX-2 whose VAE compresses 2x (ltx2_dir), not tests/tiny_models.py's, whose 32x
    compression (LTX-2's own, for the template's preview size) leaves 32 px one latent pixel."""
    (models_dir / "Lightricks").mkdir()
    (models_dir / "Lightricks" / "LTX-2").symlink_to(ltx2_dir)
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
