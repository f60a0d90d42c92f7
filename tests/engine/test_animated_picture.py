"""Load Video reads an animated WEBP or GIF frame by frame through Pillow (PyAV decodes none of an animated WEBP's
frames): its frames equal Pillow's, its rate from the frames' durations, its alpha kept, a broken file one message."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageSequence

from nodes.io import LoadVideo
from studio.core.errors import MediaError
from studio.engine.animated_picture import AnimatedPictureClip
from tests.node_run import Recorder, run_node


def _frames(n=5, w=24, h=16, alpha=False):
    rng = np.random.default_rng(7)
    mode = "RGBA" if alpha else "RGB"
    return [Image.fromarray(rng.integers(0, 256, (h, w, 4 if alpha else 3), dtype=np.uint8), mode) for _ in range(n)]


def _write(path, frames, duration, **kw):
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=duration, loop=0, **kw)
    return str(path)


def _pillow(path, mode="RGB"):
    with Image.open(path) as im:
        return [np.asarray(f.convert(mode), np.float32) / 255.0 for f in ImageSequence.Iterator(im)]


@pytest.mark.parametrize("ext", ["webp", "gif"])
def test_load_video_reads_every_frame_of_an_animated_picture_as_pillow_does(tmp_path, ext):
    kw = {"lossless": True} if ext == "webp" else {}
    path = _write(tmp_path / f"poses.{ext}", _frames(), 40, **kw)
    rec = Recorder()
    out = run_node(LoadVideo, {"path": path}, runtime=rec)
    clip, want = out["video"], _pillow(path)
    assert clip.n_frames == len(want) == 5
    assert clip.fps == pytest.approx(25.0)
    assert (clip.width, clip.height) == (24, 16)
    for i in (0, 3, 1, 4):  # (a jump back re-decodes from the start)
        np.testing.assert_array_equal(clip.frame(i), want[i])
    np.testing.assert_array_equal(clip.chunk(0, 5), np.stack(want))
    assert out["audio"] is None
    assert out["alpha"].frame(2).min() == 1.0  # (no alpha: opaque)
    assert LoadVideo.foresee({"path": path}, None, {}) == {"video": {"frames": 5}, "alpha": {"frames": 5}}
    assert any("read with Pillow, frame by frame (5 frames, 25 fps)" in m for m in rec.messages())


def test_an_animated_webp_keeps_its_alpha_and_says_differing_durations(tmp_path):
    path = _write(tmp_path / "a.webp", _frames(3, alpha=True), [40, 80, 120], lossless=True)
    clip = AnimatedPictureClip(path)
    want = _pillow(path, "RGBA")
    np.testing.assert_array_equal(clip.alpha_clip().frame(1), want[1][..., 3:])
    np.testing.assert_array_equal(clip.frame(2), want[2][..., :3])
    assert clip.fps == pytest.approx(3 * 1000 / 240)
    assert any("differing times (40 to 120 ms)" in n for n in clip.notes())


def test_a_broken_animated_picture_is_one_clear_message(tmp_path):
    good = _write(tmp_path / "ok.webp", _frames(4), 40, lossless=True)
    data = open(good, "rb").read()
    bad = tmp_path / "cut.webp"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError, match="cut.webp"):
        AnimatedPictureClip(str(bad))
    junk = tmp_path / "junk.gif"
    junk.write_bytes(b"not a picture at all")
    with pytest.raises(MediaError, match="cannot read 'junk.gif'"):
        AnimatedPictureClip(str(junk))
