"""small8's readings (benchmarks/results/small8_2026-11-30.md): each test builds a minimal workflow from node types,
values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said


def _wanmove_drawn(draw: str | None) -> dict:
    """ComfyUI's Wan-Move image to video (API) whose take has its tracks drawn over it (node type ``draw``, declared
    pictures and tracks in, pictures out) before the save (heldout54 03)."""
    path = [[{"x": 100 + 5 * i, "y": 300 - 3 * i} for i in range(81)]]
    nodes = {
        "1": ("UNETLoader", {"unet_name": "Wan21-WanMove_fp8_scaled_e4m3fn_KJ.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "an old man", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("LoadImage", {"image": "oldman.png"}),
        "7": ("WanMoveTracksFromCoords", {"track_coords": json.dumps(path)}),
        "8": ("WanMoveTrackToVideo", {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0], "tracks": ["7", 0],
                                      "strength": 1.0, "width": 640, "height": 640, "length": 81, "batch_size": 1,
                                      "start_image": ["6", 0]}),
        "9": ("KSampler", {"model": ["1", 0], "positive": ["8", 0], "negative": ["8", 1], "latent_image": ["8", 2],
                           "seed": 1, "steps": 4, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1.0}),
        "10": ("VAEDecode", {"samples": ["9", 0], "vae": ["3", 0]}),
        "11": ("CreateVideo", {"images": ["13", 0] if draw else ["10", 0], "fps": 16}),
        "12": ("SaveVideo", {"video": ["11", 0], "filename_prefix": "move", "format": "auto", "codec": "auto"}),
    }
    if draw:
        nodes["13"] = (draw, {"images": ["10", 0], "tracks": ["7", 0], "line_resolution": 24, "circle_size": 12,
                              "opacity": 0.75, "line_width": 16})
    return api(nodes)


def test_tracks_drawn_over_the_take_before_its_save_are_made_as_draw_tracks():
    """heldout54 03: the tracks a Wan-Move workflow draws over its take before saving it were said, not made. Read by the
    node's declared types (pictures and tracks in, pictures out): Studio's Draw Tracks between the generator and the
    Save Video, fed the Keypoints the generator's 'tracks' takes, its own settings said as not taken."""
    conv = convert(_wanmove_drawn("WanMoveVisualizeTracks"), "move.json")
    gen, = nodes_of(conv, "video_models.image_to_video")
    draw, = nodes_of(conv, "motion.draw_tracks")
    save, = nodes_of(conv, "io.save_video")
    g = conv.graph
    into = {(l.dst, l.dst_port): (l.src, l.src_port) for l in g.links}
    assert into[(draw.id, "video")] == (gen.id, "video")
    assert into[(save.id, "video")] == (draw.id, "video")
    assert into[(draw.id, "keypoints")] == into[(gen.id, "tracks")]
    text = said(conv)
    assert ("'WanMoveVisualizeTracks' (WanMoveVisualizeTracks, #13) draws the tracks over the take (its 'images') before "
            "'SaveVideo' (#12) writes it: Studio's Draw Tracks after the generator, given the Keypoints its 'tracks' "
            "takes") in text
    assert "its line_resolution 24, circle_size 12, opacity 0.75, line_width 16 are not taken" in text
    assert "which Studio does not convert" not in text
    plain = convert(_wanmove_drawn(None), "move.json")  # no drawing: no Draw Tracks
    assert not nodes_of(plain, "motion.draw_tracks")


def _one_node_svd(generated: bool) -> dict:
    """kijai's one-node SVD maker (SVDimg2vid, as the catalogue declares it) on a picture that is loaded, or that SD 1.5
    generates first (heldout47 04: then the take is held, with no generator)."""
    nodes = {
        "34": ("SVDimg2vid", {"version": "svd", "image": ["9", 0], "num_frames": 14, "num_steps": 24, "fps_id": 7,
                              "motion_bucket_id": 130, "cond_aug": 0.02, "seed": 613, "decoding_t": 1,
                              "lowvram_mode": True}),
        "40": ("VHS_VideoCombine", {"images": ["34", 0], "frame_rate": 7, "loop_count": 0, "filename_prefix": "svd",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    }
    if generated:
        nodes.update({
            "1": ("CheckpointLoaderSimple", {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}),
            "2": ("CLIPTextEncode", {"text": "a rocket on a launch pad", "clip": ["1", 1]}),
            "3": ("CLIPTextEncode", {"text": "blurry", "clip": ["1", 1]}),
            "4": ("EmptyLatentImage", {"width": 512, "height": 512, "batch_size": 1}),
            "5": ("KSampler", {"model": ["1", 0], "positive": ["2", 0], "negative": ["3", 0], "latent_image": ["4", 0],
                               "seed": 1, "steps": 20, "cfg": 7.0, "sampler_name": "euler", "scheduler": "normal",
                               "denoise": 1.0}),
            "9": ("VAEDecode", {"samples": ["5", 0], "vae": ["1", 2]}),
        })
    else:
        nodes["9"] = ("LoadImage", {"image": "rocket.png"})
    return api(nodes)


def test_a_held_one_node_svd_take_is_not_said_to_keep_a_generators_guidance():
    """heldout47 04: "the generator's own guidance stands" was said of a take held with no generator (the sentence is
    written before it is known whether one is made). Now the maker's guidance is said not read from it; a take made
    says its generator's own guidance in its note."""
    held = convert(_one_node_svd(True), "svd.json")
    assert not [n for n in held.graph.nodes.values() if n.type_id == "video_models.image_to_video"]
    text = said(held)
    assert ("'SVDimg2vid' (SVDimg2vid, #34) makes the take at its picture's own size and guides it by its pack's config, "
            "not a setting of the node: no guidance is read from it") in text
    assert "generator's own guidance" not in text and "the generator's own" not in text
    made = convert(_one_node_svd(False), "svd.json")
    gen, = nodes_of(made, "video_models.image_to_video")
    assert f"the generator's own {gen.params['guidance']:.1f} stands" in said(made)
