"""Issue 48 (1, 2): music_video, pose_to_video and talking_clip rendered by `main.py render` as
shipped, on the CPU with tiny random models under the names the templates ask for: every frame of
the clip (preview size shrinks pixels and steps, never the length), and no warning line. Rendered
in this process (the CLI's own entry point) so a test does not pay for importing torch again.

For the test's time the preview size is made 32 px and 1 step (the constants, not the graphs:
no --set), and the renders are asked for with --preview; the full-size path (no --preview) is
checked on text_to_video_pretrained with --set width/height/steps (its full size at 30 steps would
take minutes with the tiny Wan). inpaint_object (a click -> SAM 2 -> VACE, composited over the
plate at the plate's size) is rendered here from the CLI too, on its shipped plate; what it
composites is checked in tests/video_models/test_control_templates.py."""
from __future__ import annotations

import os

import pytest

from studio import cli
from studio.engine.media import probe

from .test_video_templates import GRAPHS, models_dir, place  # noqa: F401 - the fixture

pytest.importorskip("diffusers")
VACE = "Wan-AI/Wan2.1-VACE-1.3B-diffusers"
WAN = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"


@pytest.fixture(autouse=True)
def _one_thread(render_on_one_thread):
    pass


@pytest.fixture
def small_preview(monkeypatch):
    from nodes.video_models.sampling import generators as nodes
    monkeypatch.setattr(nodes, "PREVIEW_SIDE", 32)
    monkeypatch.setattr(nodes, "PREVIEW_STEPS", 1)


def _render(capfd, name, out, *extra) -> str:
    rc = cli.main(["render", os.path.join(GRAPHS, name + ".json"), "-o", str(out), "--device", "cpu", *extra])
    err = capfd.readouterr().err
    assert rc == 0, err
    return err


def _warnings(err: str) -> list[str]:
    lines = err.replace("\r", "\n").splitlines()
    return [ln for ln in lines if "warning" in ln.lower()]


def _node_of(name: str, type_id: str) -> str:
    import json
    with open(os.path.join(GRAPHS, name + ".json"), encoding="utf-8") as fh:
        return next(n["id"] for n in json.load(fh)["nodes"] if n["type"] == type_id)


def _fast_encode(name: str) -> list[str]:
    """Save Video's x264 preset 'ultrafast' for the test's render: the frames written are the point, and a
    'medium' encode of LTX-2's 121 preview frames (256 x 160) took a third of the test."""
    return ["--set", f"{_node_of(name, 'io.save_video')}.preset=ultrafast"]


def test_pose_to_video_keeps_every_frame_and_warns_of_nothing(models_dir, tmp_path, tiny_models, small_preview,  # noqa: F811
                                                             capfd):
    """As shipped (Detect People -> Pose Estimate -> Draw Pose -> Wan VACE), on tiny models under the
    names it asks for; the people detector's threshold lowered (random weights find nobody)."""
    place(models_dir, tiny_models, VACE, "PekingU/rtdetr_r50vd_coco_o365", "usyd-community/vitpose-base-simple")
    out = tmp_path / "pose_to_video.mp4"
    det = _node_of("pose_to_video", "preprocess.detect_people")
    err = _render(capfd, "pose_to_video", out, "--preview", "--set", f"{det}.threshold=0.0", "--set",
                  f"{det}.max_people=1")  # (threshold 0 keeps 8 random boxes a frame: 8 poses a frame to estimate)
    info = probe(str(out))
    vace_frames = 33  # the frames the template asks of VACE: every one kept
    assert info["frames"] == vace_frames, err
    assert _warnings(err) == []
    assert "preview size: 1 steps instead of 30" in err and "every frame kept" in err


def test_inpaint_object_keeps_every_frame_and_warns_of_nothing(models_dir, tmp_path, tiny_models, small_preview,  # noqa: F811
                                                              capfd):
    """As shipped (its plate, its click -> Segment -> Wan VACE inpaint -> Composite) on a tiny SAM 2
    and a tiny VACE under the names it asks for: the plate's 24 frames at the plate's size, and no
    warning line (issue 48, 1 and 2)."""
    place(models_dir, tiny_models, VACE, "facebook/sam2.1-hiera-tiny")
    out = tmp_path / "inpaint_object.mp4"
    err = _render(capfd, "inpaint_object", out, "--preview")
    info = probe(str(out))
    assert (info["frames"], info["width"], info["height"]) == (24, 320, 240), err
    assert _warnings(err) == [], err
    assert "preview size:" in err and "every frame kept" in err


def test_music_video_reaches_its_beats(models_dir, tmp_path, tiny_models, small_preview, capfd):  # noqa: F811
    place(models_dir, tiny_models, WAN)
    out = tmp_path / "music_video.mp4"
    err = _render(capfd, "music_video", out, "--preview")
    info = probe(str(out))
    assert info["frames"] == 65 and (info["width"], info["height"]) == (32, 16)
    assert info.get("audio_codec") == "aac"
    assert _warnings(err) == []
    assert "a Prompt Schedule is connected: its prompts are used" in err  # information, not a warning
    # one take over all 65 frames (context windows at every step): the prompt changes near frames
    # 28 and 60 are made inside it
    assert "sampled as one take" in err


def test_a_headless_render_is_full_size_unless_asked(models_dir, tmp_path, tiny_models, small_preview, capfd):  # noqa: F811
    place(models_dir, tiny_models, WAN)
    out = tmp_path / "full.mp4"
    gen = _node_of("text_to_video_pretrained", "video_models.text_to_video")
    sets = ["--set", f"{gen}.width=64", "--set", f"{gen}.height=48", "--set", f"{gen}.steps=2", "--set",
            f"{gen}.frames=5"]
    err = _render(capfd, "text_to_video_pretrained", out, *sets)
    info = probe(str(out))
    assert (info["width"], info["height"], info["frames"]) == (64, 48, 5)  # not the 32 px preview
    assert "full size: 'preview size' is off for" in err and "(give --preview to render at preview size)" in err
    assert "preview size:" not in err.replace("'preview size'", "") and _warnings(err) == []


def test_talking_clip_at_preview_size_keeps_its_121_frames(models_dir, tmp_path, tiny_models, capfd,  # noqa: F811
                                                           monkeypatch):
    """LTX-2 at preview size as shipped (121 frames: 8k+1, nothing to adjust, nothing said about
    it), with a tiny LTX-2 whose VAE compresses as LTX-2's own (32x, 8x): 640 tokens a step."""
    from nodes.video_models.sampling import generators as nodes

    monkeypatch.setattr(nodes, "PREVIEW_STEPS", 1)
    place(models_dir, tiny_models, "Lightricks/LTX-2")
    out = tmp_path / "talking_clip.mp4"
    err = _render(capfd, "talking_clip", out, "--preview", *_fast_encode("talking_clip"))
    info = probe(str(out))
    assert info["frames"] == 121 and (info["width"], info["height"]) == (256, 160)
    assert info.get("audio_codec") == "aac" and _warnings(err) == []
    assert "8k+1" not in err and "more than" not in err


def test_talking_portrait_is_made_to_its_voice_and_keeps_it(models_dir, tmp_path, tiny_models, capfd,  # noqa: F811
                                                             monkeypatch):
    """The portrait as shipped and a 2 s voice (the shipped voice's first 2 s, 16 kHz mono), LTX-2 with
    'sound: drive' at preview size and frames left at 0 (issue 75, item 3: a take of the voice's length):
    49 frames (48 rounded up to 8k+1), the whole voice kept with 0.04 s of silence, written as AAC."""
    import wave

    from nodes.video_models.sampling import generators as nodes
    monkeypatch.setattr(nodes, "PREVIEW_STEPS", 1)
    place(models_dir, tiny_models, "Lightricks/LTX-2")
    with wave.open(os.path.join(GRAPHS, "..", "media", "voice.wav")) as w:
        rate, width, ch, pcm = w.getframerate(), w.getsampwidth(), w.getnchannels(), w.readframes(2 * w.getframerate())
    voice = tmp_path / "voice2s.wav"
    with wave.open(str(voice), "wb") as w:
        w.setframerate(rate), w.setsampwidth(width), w.setnchannels(ch), w.writeframes(pcm)
    out = tmp_path / "talking_portrait.mp4"
    err = _render(capfd, "talking_portrait", out, "--preview", "--set", f"{_node_of('talking_portrait', 'io.load_audio')}"
                  f".path={voice}", *_fast_encode("talking_portrait"))
    info = probe(str(out))
    assert info["frames"] == 49 and (info["width"], info["height"]) == (256, 256), err
    assert info.get("audio_codec") == "aac" and _warnings(err) == []
    assert "frames: 49 at 24 fps from the sound's 2.00 s (8k+1; 0.04 s of silence added at its end)" in err
    assert "mono sound: given to each of the 2 channels" in err
    assert "the given 2.04 s at 16000 Hz drove the picture and is kept" in err


def test_camera_move_makes_its_49_frames_from_the_still(models_dir, tmp_path, tiny_models, small_preview,  # noqa: F811
                                                        capfd):
    """As shipped (the still, Camera Path's Zoom In over 49 frames -> Wan Fun Camera) on a tiny Wan 2.1 Fun
    V1.1 camera model under the name it asks for: every frame at preview size, the adapter read, no
    warning line."""
    place(models_dir, tiny_models, "Wan2.1-Fun-V1.1-1.3B-Control-Camera-Diffusers")
    out = tmp_path / "camera_move.mp4"
    err = _render(capfd, "camera_move", out, "--preview")
    info = probe(str(out))
    assert info["frames"] == 49 and (info["width"], info["height"]) == (32, 32), err
    assert _warnings(err) == [], err
    assert "preview size: 1 steps instead of 30" in err and "every frame kept" in err
    assert "Wan 2.1 Fun Camera (Wan2.1-Fun-V1.1-1.3B-Control-Camera-Diffusers)" in err  # the variant told
    assert "the camera path (Zoom In, speed 1) read by the model's camera adapter" in err


def test_pose_to_video_fun_keeps_every_frame_from_its_start_image(models_dir, tmp_path, tiny_models,  # noqa: F811
                                                                  small_preview, capfd):
    """As shipped (Detect People -> Pose Estimate -> Draw Pose -> Wan Fun Control, the clip's first frame as
    the start image) on tiny models under the names it asks for; the detector's threshold lowered (random
    weights find nobody): the 33 frames asked, no warning line."""
    place(models_dir, tiny_models, "Wan2.1-Fun-1.3B-Control-Diffusers", "PekingU/rtdetr_r50vd_coco_o365",
          "usyd-community/vitpose-base-simple")
    out = tmp_path / "pose_to_video_fun.mp4"
    det = _node_of("pose_to_video_fun", "preprocess.detect_people")
    err = _render(capfd, "pose_to_video_fun", out, "--preview", "--set", f"{det}.threshold=0.0", "--set",
                  f"{det}.max_people=1")
    info = probe(str(out))
    assert info["frames"] == 33 and (info["width"], info["height"]) == (32, 32), err
    assert _warnings(err) == [], err
    assert "preview size: 1 steps instead of 30" in err and "every frame kept" in err
    assert "Wan 2.1 Fun Control (Wan2.1-Fun-1.3B-Control-Diffusers)" in err  # the variant told
    assert "the control clip and the start image read beside the noise" in err
    assert "the control clip's first 33 of 48 frames are used" in err  # said, not silent


def test_finish_a_clip_upscales_to_24_fps_as_prores(models_dir, tmp_path, tiny_models, capfd):  # noqa: F811
    """As shipped (the 16 fps take -> Upscale Video x2 -> RIFE to 24 fps -> ProRes 422 HQ) on a tiny ESRGAN
    in RealESRGAN_x2plus's layout and a random RIFE 4.26 under the names it asks for: 32 frames at 16 fps
    become 47 at 24 fps (its first 3 rendered, two of them made between frames by RIFE: RIFE at the real
    widths takes about a second a frame on a CPU), twice the size, in ProRes; no warning line. Never skipped: scripts/setup.sh installs spandrel
    (read without torchvision), so the template runs after the set-up alone."""
    place(models_dir, tiny_models, "RealESRGAN_x2plus.pth", "rife_v4.26.safetensors")
    out = tmp_path / "finish_a_clip.mov"
    err = _render(capfd, "finish_a_clip", out, "--frames", "0-2")
    info = probe(str(out))
    assert (info["frames"], info["width"], info["height"], info["fps"]) == (3, 384, 384, 24.0), err
    assert info["codec"] == "prores", info
    assert _warnings(err) == [], err
    assert "32 frames at 16 fps -> 47 at 24 fps" in err
