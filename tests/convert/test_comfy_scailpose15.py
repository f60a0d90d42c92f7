"""scailpose15: SCAIL-2 workflows whose poses and masks a pack draws (issue 112). Minimal workflows built from node
types, values and links (facts); no fetched file."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui

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


def _core_scail2(mask_cls: str) -> dict:
    """ComfyUI's SCAIL-2 (WanSCAILToVideo on SamplerCustom) with its identity masks painted by ``mask_cls`` from SAM 3's
    tracks of the driving clip (its first socket) and of the reference picture (its second)."""
    colours = {"driving_track_data": ["31", 0], "ref_track_data": ["32", 0], "object_indices": "",
               "sort_by": "left_to_right"}
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_14B_SCAIL_2_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("CLIPTextEncode", {"text": "a woman dancing", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "7": ("LoadImage", {"image": "ref.png"}),
        "9": ("VHS_LoadVideo", {"video": "drive.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
        "30": ("CheckpointLoaderSimple", {"ckpt_name": "sam3.1_multiplex_fp16.safetensors"}),
        "33": ("CLIPTextEncode", {"text": "person", "clip": ["30", 1]}),
        "31": ("SAM3_VideoTrack", {"images": ["9", 0], "model": ["30", 0], "conditioning": ["33", 0],
                                   "detection_threshold": 0.5, "max_objects": 1, "detect_interval": 1}),
        "32": ("SAM3_VideoTrack", {"images": ["7", 0], "model": ["30", 0], "conditioning": ["33", 0],
                                   "detection_threshold": 0.5, "max_objects": 1, "detect_interval": 1}),
        "34": (mask_cls, colours),
        "10": ("WanSCAILToVideo", {"positive": ["3", 0], "negative": ["4", 0], "vae": ["5", 0], "width": 512,
                                   "height": 896, "length": 81, "batch_size": 1, "pose_strength": 1.0,
                                   "pose_start": 0.0, "pose_end": 1.0, "video_frame_offset": 0,
                                   "previous_frame_count": 0, "replacement_mode": False,
                                   "reference_image": ["7", 0], "pose_video": ["9", 0],
                                   "pose_video_mask": ["34", 0], "reference_image_mask": ["34", 1]}),
        "11": ("KSamplerSelect", {"sampler_name": "euler"}),
        "12": ("BasicScheduler", {"model": ["1", 0], "scheduler": "simple", "steps": 6, "denoise": 1.0}),
        "13": ("SamplerCustom", {"model": ["1", 0], "add_noise": True, "noise_seed": 1, "cfg": 1.0,
                                 "positive": ["10", 0], "negative": ["10", 1], "sampler": ["11", 0],
                                 "sigmas": ["12", 0], "latent_image": ["10", 2]}),
        "14": ("VAEDecode", {"samples": ["13", 0], "vae": ["5", 0]}),
        "15": ("VHS_VideoCombine", {"images": ["14", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "o",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def _segmented(conv, port: str) -> str | None:
    """The file Studio's Segment on the SCAIL-2 node's ``port`` segments."""
    g = conv.graph
    gen = nodes_of(conv, "video_models.scail2")[0]
    seg = g.nodes[g.input_link(gen.id, port).src]
    assert seg.type_id == "preprocess.segment"
    return g.nodes[g.input_link(seg.id, "video").src].params.get("path")


def test_a_pack_colour_mask_of_two_tracks_gives_each_its_own_tracks_mask():
    """Mend 3: SCAIL-Pose2's colour masks (driving and reference SAM3_TRACK_DATA in, two IMAGE masks out, declared:
    a picture of each of its tracks, in order) on WanSCAILToVideo's two mask inputs: the reference's mask was made by
    Segment of the driving clip (its first track followed for both outputs) and each mask said to be "VHS_LoadVideo's
    file through ... SCAILPose2ColoredMask: the file is wired without that step" beside the Segment that makes it."""
    conv = convert(_core_scail2("SCAILPose2ColoredMask"), "pose2_masks.json")
    assert _segmented(conv, "driving_mask") == "drive.mp4"
    assert _segmented(conv, "reference_mask") == "ref.png"
    text = said(conv)
    assert "SAM3_VideoTrack (#32) with the phrase 'person'" in text
    assert "wired without that step" not in text
