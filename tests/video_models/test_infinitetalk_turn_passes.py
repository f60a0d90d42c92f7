"""Core's InfiniteTalk with two speakers in two passes (heldout102 02's shape, tests/convert/test_comfy_twotalk23.py's
workflow), converted and run on tiny random models: each face's mask from its picture's alpha (ComfyUI's MASK of a
Load Image, made a picture, resized and taken back: Mask Tools, Scale, Mask Tools), the speech then the silence as the
two turns, the tail pass read as the continued take: one take as long as both sounds, written with them."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def models(tiny):
    return tiny("wan-i2v")


def _faces(path, left: bool) -> str:
    """A 40 x 48 picture whose alpha is 0 (ComfyUI's MASK 1: the face) on its left or right half."""
    from PIL import Image
    rgba = (np.random.default_rng(0).random((48, 40, 4)) * 255).astype(np.uint8)
    rgba[..., 3] = 255
    rgba[:, :20, 3] = 0 if left else 255
    rgba[:, 20:, 3] = 255 if left else 0
    Image.fromarray(rgba, "RGBA").save(path)
    return str(path)


def _sound(path, seconds: float, loud: float) -> str:
    import wave
    t = np.arange(int(16000 * seconds)) / 16000
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1), f.setsampwidth(2), f.setframerate(16000)
        f.writeframes((loud * np.sin(2 * np.pi * 220 * t) * 32767).astype(np.int16).tobytes())
    return str(path)


def _converted(models, tmp_path, monkeypatch, loud: float):
    """The workflow converted, its files made here (the speech at ``loud``), pointed at tiny models: (graph, save)."""
    from studio.convert.mapping.convert import convert
    from tests.convert.test_comfy_twotalk23 import _two_passes
    from .tiny_talk import build_talk_patch, build_wav2vec2_file
    root = tmp_path / "models"
    build_talk_patch(str(root / "model_patches" / "wan2.1_infiniteTalk_multi_fp16.safetensors"), per_frame=128)
    build_wav2vec2_file(str(root / "audio_encoders" / "wav2vec2-chinese-base_fp16.safetensors"))
    monkeypatch.setenv("STUDIO_MODELS", str(root))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    g = convert(_two_passes(), "two_passes.json").graph
    [gen] = [n for n in g.nodes.values() if n.type_id == "video_models.infinitetalk"]
    load = g.nodes[g.input_link(gen.id, "model").src]
    for k in ("text_encoder", "vae", "clip_vision"):
        g.set_param(load.id, k, "")
    g.set_param(load.id, "model", models)
    files = {"people_face1.png": _faces(tmp_path / "f1.png", True), "people_face2.png": _faces(tmp_path / "f2.png", False),
             "speech.wav": _sound(tmp_path / "speech.wav", 1.0, loud), "silence.wav": _sound(tmp_path / "quiet.wav", 0.4, 0)}
    for n in g.nodes.values():
        if n.type_id in ("io.load_image", "io.load_audio"):
            g.set_param(n.id, "path", files[n.params["path"]])
    for k, v in (("width", 32), ("height", 32), ("steps", 2), ("preview_size", "off"), ("previews", False)):
        g.set_param(gen.id, k, v)
    assert gen.params["frames"] == 0
    [save] = [n for n in g.nodes.values() if n.type_id == "io.save_video"]
    out = tmp_path / "out.mp4"
    g.set_param(save.id, "path", str(out))
    assert g.validate() == []
    return g, save, out


def test_two_turns_in_two_passes_render_as_one_take_of_both_sounds(models, tmp_path, monkeypatch):
    """The second speaker's track is silence (102/02's listener): made, not refused as a silent voice."""
    from studio.engine.media import probe
    g, save, out = _converted(models, tmp_path, monkeypatch, 0.3)
    Executor(frame_caching=False).run(g, targets=[save.id], device="cpu")
    info = probe(str(out))
    # 1.4 s of both turns at 25 fps: 35 frames, one window of 4k+1 (InfiniteTalk's, said when it runs): 33
    assert (info["frames"], info["width"], info["height"]) == (33, 32, 32)
    import av
    with av.open(str(out)) as c:  # the speech then the silence (AudioConcat's), as long as the take within a frame
        stream = c.streams.audio[0]
        heard = sum(f.samples for f in c.decode(stream)) / stream.codec_context.sample_rate
    assert abs(heard - 33 / 25.0) <= 1 / 25.0, heard


def test_two_silent_voices_are_refused(models, tmp_path, monkeypatch):
    from studio.core.errors import NodeExecutionError
    g, save, _ = _converted(models, tmp_path, monkeypatch, 0.0)
    with pytest.raises(NodeExecutionError, match="InfiniteTalk: the voice is silent"):
        Executor(frame_caching=False).run(g, targets=[save.id], device="cpu")
