"""The templates of issue 72's new kinds of work, each rendered as shipped by `main.py render` on the CPU, its
models the tiny ones under the names it gives (tests/tiny_models.py NAMES: `python -m tests.tiny_models` writes
them), made small and one step by --set (or --preview) so each takes seconds: chronoedit_image_edit (a picture
and an instruction in: the edited picture and the edit clip out), cosmos3_sound_clip (Cosmos 3's picture and
sound in one call, both in the file), ltx2_hdr_exr (an SDR clip lifted to linear HDR, kept above 1 in EXR)."""
from __future__ import annotations

import json
import os

import pytest

pytest.importorskip("diffusers")
GRAPHS = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "graphs")


def _models(tmp_path, monkeypatch, tiny, names: dict[str, str]):
    """A models folder holding each tiny model under the name the template gives (a link), the settings and
    Hugging Face cache the test's own."""
    from tests.tiny_models import NAMES
    models = tmp_path / "models"
    for name, key in names.items():
        assert NAMES[name] == key  # `python -m tests.tiny_models` writes it
        (models / name).parent.mkdir(parents=True, exist_ok=True)
        src = tiny(key)
        (models / name).symlink_to(src, target_is_directory=os.path.isdir(src))
    for var, value in (("STUDIO_MODELS", models), ("STUDIO_CONFIG_DIR", tmp_path / "config"),
                       ("HF_HUB_CACHE", tmp_path / "no-hf-cache")):
        monkeypatch.setenv(var, str(value))


def _render(name: str, out, sets: dict[str, dict], capfd, *more) -> str:
    """`main.py render` of the shipped template NAME to OUT with each node type's parameters set; its stderr."""
    from studio import cli
    graph = os.path.join(GRAPHS, name + ".json")
    with open(graph, encoding="utf-8") as f:
        ids = {n["type"]: n["id"] for n in json.load(f)["nodes"]}
    args = [a for t, kv in sets.items() for k, v in kv.items() for a in ("--set", f"{ids[t]}.{k}={v}")]
    rc = cli.main(["render", graph, "-o", str(out), "--device", "cpu", *args, *more])
    err = capfd.readouterr().err
    assert rc == 0, err
    return err


def _warnings(err: str) -> list[str]:
    """Warnings said (transformers' own notice where torchvision is not installed, its image processors falling back
    to PIL, passed over: the set-up installs none)."""
    return [ln for ln in err.replace("\r", "\n").splitlines() if "warning" in ln.lower()
            and not (ln.startswith("[transformers] `") and "requires torchvision (not installed)" in ln)]


def test_the_chronoedit_image_edit_template_renders_on_the_tiny_model(tiny, tmp_path, monkeypatch, capfd,
                                                                      render_on_one_thread):
    """chronoedit_image_edit: the shipped still edited at 32 x 32 in one step: the edit clip (ChronoEdit's 5
    frames) and the edited picture (its last frame) as a PNG beside it, no warning."""
    import cv2

    from studio.engine.media import probe
    _models(tmp_path, monkeypatch, tiny, {"nvidia/ChronoEdit-14B-Diffusers": "chronoedit"})
    out = tmp_path / "edit.mp4"
    err = _render("chronoedit_image_edit", out, {"video_models.chronoedit": {"width": 32, "height": 32, "steps": 1}},
                  capfd)
    info = probe(str(out))
    assert info["frames"] == 5 and (info["width"], info["height"]) == (32, 32)
    pngs = sorted(p for p in os.listdir(tmp_path) if p.endswith(".png"))
    assert len(pngs) == 1 and cv2.imread(str(tmp_path / pngs[0])).shape == (32, 32, 3)
    assert not _warnings(err), err


def test_the_cosmos3_sound_clip_template_renders_on_the_tiny_model(tiny, tmp_path, monkeypatch, capfd,
                                                                   render_on_one_thread):
    """cosmos3_sound_clip as shipped, by `main.py render --preview` (preview size made 32 px and 1 step): every
    one of its 121 frames, the sound Cosmos 3 made with them written beside them, no warning."""
    from nodes.video_models.sampling import generators
    from studio.engine.media import probe
    _models(tmp_path, monkeypatch, tiny, {"nvidia/Cosmos3-Nano": "cosmos3"})
    monkeypatch.setattr(generators, "PREVIEW_SIDE", 32)
    monkeypatch.setattr(generators, "PREVIEW_STEPS", 1)
    out = tmp_path / "clip.mp4"
    err = _render("cosmos3_sound_clip", out, {}, capfd, "--preview")
    info = probe(str(out))
    assert info["frames"] == 121 and max(info["width"], info["height"]) == 32 and info.get("audio_codec") == "aac"
    assert not _warnings(err)


def test_the_ltx2_hdr_exr_template_renders_on_the_tiny_model(tiny, tmp_path, monkeypatch, capfd, render_on_one_thread):
    """ltx2_hdr_exr: the shipped walker clip lifted by the tiny LTX-2 with a tiny HDR IC-LoRA under the release's
    file name (in the models folder's loras/), 9 frames at 64 x 64 (its VAE compresses 32x: 2 x 2 latents) in one step, written as half-float EXR frames
    that keep the values above 1 (the tiny model's random light goes past SDR white), no warning."""
    from studio.engine.sequence import read_frame
    from tests.tiny_models import NAMES
    lora = "ltx-2.3-22b-ic-lora-hdr-0.9.safetensors"
    assert NAMES[lora] == "ltx2-hdr-lora"
    _models(tmp_path, monkeypatch, tiny, {"diffusers/LTX-2.3-Distilled-Diffusers": "ltx2"})
    (tmp_path / "models" / "loras").mkdir()
    (tmp_path / "models" / "loras" / lora).symlink_to(tiny("ltx2-hdr-lora"))
    out = tmp_path / "hdr" / "frame.####.exr"
    err = _render("ltx2_hdr_exr", out, {"video_models.ltx2_hdr": {"frames": 9, "width": 64, "height": 64, "steps": 1}},
                  capfd)
    frames = sorted((tmp_path / "hdr").iterdir())
    assert len(frames) == 9
    first, _, _ = read_frame(str(frames[0]))
    assert first.shape[:2] == (64, 64) and first.dtype != "uint8" and float(first.max()) > 1.0
    assert not _warnings(err)
