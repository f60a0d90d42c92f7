"""scailpose15: SCAIL-2 workflows whose poses and masks a pack draws (issue 112). Minimal workflows built from node
types, values and links (facts); no fetched file."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said, ui

# a pack's one-node sampler no catalogue declares (its sockets the UI file's): a model, prompts, a VAE, a reference
# and the clip it follows, pictures out
SAMPLER_SOCKETS = [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                   ("reference_image", "IMAGE,PACK_REFERENCE"), ("pose_video", "IMAGE")]


def _clip_through_sampler(sampler_ins=SAMPLER_SOCKETS):
    nodes = [(1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
              {"video": "drive.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
               "skip_first_frames": 0, "select_every_nth": 1}),
             (2, "UNETLoader", [], ["MODEL"], ["wan2.1_14B_SCAIL_2_fp16.safetensors", "default"]),
             (3, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
             (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a woman dancing"]),
             (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
             (6, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
             (7, "LoadImage", [], ["IMAGE", "MASK"], ["ref.png", "image"]),
             (8, "PackOneNodeVideo", sampler_ins, ["IMAGE", "STRING"], [42, 1.0]),
             (9, "RIFE VFI", [("frames", "IMAGE")], ["IMAGE"], ["rife49.pth", 10, 2, True, True, 1.0]),
             (10, "VHS_VideoCombine", [("images", "IMAGE")], [],
              {"frame_rate": 32, "loop_count": 0, "filename_prefix": "out", "format": "video/h264-mp4",
               "pingpong": False, "save_output": True})]
    links = [(2, 0, 8, "model"), (3, 0, 4, "clip"), (3, 0, 5, "clip"), (4, 0, 8, "positive"), (5, 0, 8, "negative"),
             (6, 0, 8, "vae"), (7, 0, 8, "reference_image"), (1, 0, 8, "pose_video"), (8, 0, 9, "frames"),
             (9, 0, 10, "images")]
    return ui([n for n in nodes if n[0] != 8 or sampler_ins], links)


def test_a_sampler_on_a_clips_way_is_no_step_of_it():
    """Mend 1 (heldout72 04): a pack's node sampling a model (declared: wired a MODEL and a CONDITIONING) between a
    loaded clip and a frame interpolation makes the video: the output is not made as the loaded clip interpolated
    with that node 'not applied' (the take silently lost); it is held, the node named as what makes it."""
    conv = convert(_clip_through_sampler(), "one_node_sampler.json")
    text = said(conv)
    assert not nodes_of(conv, "motion.interpolate"), "the clip itself interpolated as the output"
    assert "'PackOneNodeVideo' (PackOneNodeVideo, #8)" in text
    assert "PackOneNodeVideo, #8), a step" not in text and "(PackOneNodeVideo, #8): not applied" not in text
    assert "Studio cannot convert 'PackOneNodeVideo' (PackOneNodeVideo, #8)" in text


def test_a_picture_step_on_a_clips_way_still_makes_the_utility():
    """The same way with a step given pictures alone (no model, no conditioning) stays Studio's interpolation."""
    conv = convert(_clip_through_sampler([("pose_video", "IMAGE")]), "one_node_step.json")
    assert nodes_of(conv, "motion.interpolate")
