"""Issue 112 item 4 (held-out set 6, item 15: ComfyUI's Wan 2.2 Animate template): a second WanAnimateToVideo
continuing the first's take (its 'continue_motion' the first take's decoded frames, its 'video_frame_offset' the
first's output), the new frames batched after the first's, is read as ONE longer take: one Wan Animate generator
making first + extension frames (77 + 77 - 5 = 149, window 77, overlap 5), the first take's own save a Time trim
of it; the extension's nodes read (none listed as not converted). Without the declared continuation (no
'continue_motion'), the joined save is said as before (the first take alone)."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said

BASE = {
    "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "Wan2_2-Animate-14B.safetensors", "weight_dtype": "default"}},
    "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dancer", "clip": ["12", 0]}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["12", 0]}},
    "4": {"class_type": "LoadImage", "inputs": {"image": "me.png"}},
    "5": {"class_type": "VHS_LoadVideo", "inputs": {"video": "pose.mp4"}},
    "6": {"class_type": "VHS_LoadVideo", "inputs": {"video": "face.mp4"}},
    "7": {"class_type": "WanAnimateToVideo", "inputs": {
        "positive": ["2", 0], "negative": ["3", 0], "reference_image": ["4", 0], "pose_video": ["5", 0],
        "face_video": ["6", 0], "width": 640, "height": 640, "length": 77, "batch_size": 1,
        "continue_motion_max_frames": 5, "video_frame_offset": 0}},
    "8": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["7", 0], "negative": ["7", 1],
                                               "latent_image": ["7", 2], "seed": 3, "steps": 6, "cfg": 1.0,
                                               "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
    "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["13", 0]}},
    "10": {"class_type": "CreateVideo", "inputs": {"images": ["9", 0], "fps": 16}},
    "11": {"class_type": "SaveVideo", "inputs": {"video": ["10", 0], "filename_prefix": "first"}},
    "12": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5.safetensors", "type": "wan"}},
    "13": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_vae.safetensors"}},
    # the extension: continues take 1 from its last 5 frames, its new frames batched after take 1's
    "20": {"class_type": "WanAnimateToVideo", "inputs": {
        "positive": ["2", 0], "negative": ["3", 0], "reference_image": ["4", 0], "pose_video": ["5", 0],
        "face_video": ["6", 0], "width": 640, "height": 640, "length": 77, "batch_size": 1,
        "continue_motion_max_frames": 5, "continue_motion": ["9", 0], "video_frame_offset": ["7", 5]}},
    "21": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["20", 0], "negative": ["20", 1],
                                                "latent_image": ["20", 2], "seed": 3, "steps": 6, "cfg": 1.0,
                                                "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
    "22": {"class_type": "VAEDecode", "inputs": {"samples": ["21", 0], "vae": ["13", 0]}},
    "23": {"class_type": "ImageFromBatch", "inputs": {"image": ["22", 0], "batch_index": ["20", 4], "length": 4096}},
    "24": {"class_type": "ImageBatch", "inputs": {"image1": ["9", 0], "image2": ["23", 0]}},
    "25": {"class_type": "CreateVideo", "inputs": {"images": ["24", 0], "fps": 16}},
    "26": {"class_type": "SaveVideo", "inputs": {"video": ["25", 0], "filename_prefix": "joined"}},
}


def _of(conv, type_id):
    return [n for n in conv.graph.nodes.values() if n.type_id == type_id]


def test_extend_is_one_animate_take_of_both_lengths_and_the_first_save_its_trim():
    conv = convert(copy.deepcopy(BASE), "extend")
    g = conv.graph
    gens = _of(conv, "video_models.wan_animate")
    assert len(gens) == 1
    gen = gens[0]
    assert (gen.params["frames"], gen.params["window"], gen.params["overlap"]) == (149, 77, "5")
    saves = _of(conv, "io.save_video")
    assert len(saves) == 2
    trims = _of(conv, "edit.time")
    assert len(trims) == 1 and trims[0].params["mode"] == "trim" and trims[0].params["length"] == 77
    assert g.input_link(trims[0].id, "video").src == gen.id
    fed = sorted(g.input_link(s.id, "video").src for s in saves)
    assert fed == sorted([gen.id, trims[0].id])
    said = _said(conv)
    assert "'WanAnimateToVideo' (#20) continues the first take from its last 5 frames" in said
    assert "149 frames in segments of 77" in said and "writes it alone" not in said
    assert "-> video_models.wan_animate (" in said and "frames 149, window 77, overlap 5" in said
    for nid in ("20", "23", "24"):  # the extension and its joining of frames: read, not 'not converted'
        assert nid not in conv.dropped
    assert g.validate() == []


def test_without_continue_motion_the_joined_save_is_said_as_the_first_take_alone():
    wf = copy.deepcopy(BASE)
    del wf["20"]["inputs"]["continue_motion"]
    conv = convert(wf, "no-continue")
    gens = _of(conv, "video_models.wan_animate")
    assert all(gen.params["frames"] != 149 for gen in gens)
    assert not _of(conv, "edit.time")
    said = _said(conv)
    assert "continues the first take" not in said


def test_a_carry_studio_has_no_overlap_for_keeps_the_first_take_alone_said():
    wf = copy.deepcopy(BASE)
    wf["20"]["inputs"]["continue_motion_max_frames"] = 3  # Studio's Wan Animate carries 1 or 5 frames
    conv = convert(wf, "carry3")
    gens = _of(conv, "video_models.wan_animate")
    assert len(gens) == 1 and gens[0].params["frames"] == 77 and not _of(conv, "edit.time")
    assert "(#26) writes this take joined with the takes of 'KSampler' (KSampler, #21)" in _said(conv)


def test_the_joined_output_alone_is_made_as_the_longer_take():
    wf = copy.deepcopy(BASE)
    del wf["11"]  # no save of the first take of its own
    conv = convert(wf, "joined-only")
    gens = _of(conv, "video_models.wan_animate")
    assert len(gens) == 1 and (gens[0].params["frames"], gens[0].params["overlap"]) == (149, "5")
    assert "20" not in conv.dropped and "(#26): ComfyUI's 'WanAnimateToVideo' (#20) continues" in _said(conv)
