"""Issue 112, mend20 (the older held-out sets' not-kept workflows, by mechanism): each test builds its workflow from
node types, values and links and fails without its mend.

1. A fork's renamed copies of a pack's types (heldout85 07: jackytop/ComfyUI-WanVideoWrapper_jc registers each of
   kijai/ComfyUI-WanVideoWrapper's node ids + '_jc', its __init__.py's NODE_ID_SUFFIX, and its UI file's nodes name
   the fork by aux_id): a node of a type no pack declares whose properties name the fork, whose type less the fork's
   suffix is a catalogued type of the pack the fork's name less the suffix names, and which saves that type's sockets
   and as many settings, is read as that type, said in one sentence naming each node. Its sockets or its count of
   values otherwise, or a suffix not the fork's, and it is not."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said, source_file, ui

FORK = "jackytop/ComfyUI-WanVideoWrapper_jc"
MODEL = "WanVideo\\Wan2_1-T2V-1_3B_bf16.safetensors"


def _forked(sfx: str = "_jc", loader_values: list | None = None, aux: str = FORK) -> dict:
    """A text-to-video take through the fork's renamed WanVideoWrapper nodes (each value list as long as the
    catalogued type's settings, the sampler's seed followed by its control value)."""
    doc = ui([
        (1, "WanVideoModelLoader" + sfx, [], ["WANVIDEOMODEL"],
         loader_values or [MODEL, "bf16", "disabled", "offload_device", "sdpa", "default"]),
        (2, "WanVideoVAELoader" + sfx, [], ["WANVAE"], ["wanvideo\\Wan2_1_VAE_bf16.safetensors", "bf16", False, False]),
        (3, "WanVideoTextEncodeCached" + sfx, [], ["WANVIDEOTEXTEMBEDS", "WANVIDEOTEXTEMBEDS", "STRING"],
         ["umt5-xxl-enc-bf16.safetensors", "bf16", "a lighthouse in fog", "blurry", "disabled", False, "gpu"]),
        (4, "WanVideoEmptyEmbeds" + sfx, [], ["WANVIDIMAGE_EMBEDS"], [832, 480, 33]),
        (5, "WanVideoSampler" + sfx, [("model", "WANVIDEOMODEL"), ("image_embeds", "WANVIDIMAGE_EMBEDS"),
                                      ("text_embeds", "WANVIDEOTEXTEMBEDS")], ["LATENT", "LATENT"],
         [30, 6.0, 5.0, 7, "fixed", True, "unipc", 0, 1.0, False, "comfy", 0, -1, False]),
        (6, "WanVideoDecode" + sfx, [("vae", "WANVAE"), ("samples", "LATENT")], ["IMAGE"],
         [False, 272, 272, 144, 128, "default"]),
        (7, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["fog", 16.0, False, 90, "default"]),
    ], [(1, 0, 5, "model"), (4, 0, 5, "image_embeds"), (3, 0, 5, "text_embeds"), (2, 0, 6, "vae"),
        (5, 0, 6, "samples"), (6, 0, 7, "images")])
    for n in doc["nodes"]:
        if n["type"] != "SaveAnimatedWEBP":
            n["properties"] = {"aux_id": aux, "ver": "5343094d4cf5732ebd1a7c3420aafd2bbc04a7d0"}
    return doc


def test_a_forks_renamed_types_are_read_as_the_types_they_copy():
    conv = convert(_forked(), "fork")
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video"]
    gen = nodes_of(conv, "video_models.text_to_video")[0].params
    assert (gen["prompt"], gen["negative_prompt"], gen["steps"], gen["width"], gen["height"], gen["frames"]) == \
        ("a lighthouse in fog", "blurry", 30, 832, 480, 33)
    assert nodes_of(conv, "video_models.load")[0].params["model"] == MODEL
    text = said(conv)
    assert ("'WanVideoModelLoader_jc' (WanVideoModelLoader_jc, #1) as WanVideoModelLoader, "
            "'WanVideoVAELoader_jc' (WanVideoVAELoader_jc, #2) as WanVideoVAELoader") in text
    assert ("'WanVideoSampler_jc' (WanVideoSampler_jc, #5) as WanVideoSampler, 'WanVideoDecode_jc' (WanVideoDecode_jc, "
            "#6) as WanVideoDecode: their properties name jackytop/ComfyUI-WanVideoWrapper_jc, a copy of "
            "kijai/ComfyUI-WanVideoWrapper that renames each of its types with '_jc'") in text
    assert "no pack in Studio's catalogue declares" not in text


def test_a_renamed_type_saving_other_settings_or_another_suffix_is_not_read_so():
    fewer = convert(_forked(loader_values=[MODEL, "bf16", "disabled", "offload_device", "sdpa"]), "fork_fewer")
    text = said(fewer)
    assert "'WanVideoModelLoader_jc' (WanVideoModelLoader_jc, #1) as WanVideoModelLoader" not in text
    assert "'WanVideoSampler_jc' (WanVideoSampler_jc, #5) as WanVideoSampler" in text  # (the others still are)
    for doc in (_forked(sfx="_xy"), _forked(aux="someone/ComfyUI-KJNodes_jc")):
        conv = convert(doc, "not_the_fork")
        assert conv.tasks == [] or all(t["generator"] is None for t in conv.tasks)
        assert "renames each of its types" not in said(conv)


# 2. WanVideoWrapper's Wan-Animate-2 embeds (heldout85 08: jackytop's wanvideo_WanAnimate2_example_01, the wrapper's
#    names): WanVideoAnimate2Embeds (width, height, num_frames, frame_window_size, force_offload, pose_strength,
#    reference_strength, log_scale, uncond_skip_block, pose_start_percent, pose_end_percent, pose_cache,
#    pose_cache_dtype, resize_mode, tiled_vae; the reference on 'ref_image', the driving video on 'pose_images', the
#    pose branch's prompt on 'pose_text_embeds') was held ("Studio cannot read ComfyUI-WanVideoWrapper's
#    WanVideoAnimate2Embeds as it is wired here"). Now read as ComfyUI's WanAnimate2ToVideo: Studio's Wan Animate 2.

ANIMATE2 = "WanVideo\\Wan2_2-Animate-2-14B_int8_convrot.safetensors"
SUBJECT = "人物外观描述：穿着一件浅蓝色的校服衬衫。背景描述：明亮的教室。"
MOTION = "人物动作的参考视频"


def _animate2(values: list | None = None, count_wired: bool = True, more: dict | None = None) -> dict:
    from tests.convert.test_comfy_wrappers import UI
    w = UI()
    vision = w.add("CLIPVisionLoader", ["clip_vision_h.safetensors"])
    ref = w.add("LoadImage", ["reference.png", "image"])
    clip = w.add("VHS_LoadVideo", {"video": "driving.mp4", "force_rate": 24, "custom_width": 0, "custom_height": 0,
                                   "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1})
    enc = w.add("WanVideoClipVisionEncode", [1, 1, "center", "average", True, 0, 0.5], clip_vision=(vision, 0),
                image_1=(ref, 0))
    vae = w.add("WanVideoVAELoader", ["wanvideo\\Wan2_1_VAE_bf16.safetensors", "bf16", False, False])
    text = w.add("WanVideoTextEncodeCached", ["umt5-xxl-enc-bf16.safetensors", "bf16", SUBJECT, "blurry", "disabled",
                                              True, "gpu"])
    pose_text = w.add("WanVideoTextEncodeCached", ["umt5-xxl-enc-bf16.safetensors", "bf16", MOTION, "", "disabled",
                                                   True, "gpu"])
    model = w.add("WanVideoModelLoader", [ANIMATE2, "bf16", "disabled", "offload_device", "sageattn", "default"])
    ins = {"vae": (vae, 0), "ref_image": (ref, 0), "pose_images": (clip, 0), "clip_embeds": (enc, 0),
           "pose_text_embeds": (pose_text, 0), **({"num_frames": (clip, 1)} if count_wired else {}), **(more or {})}
    emb = w.add("WanVideoAnimate2Embeds", values or [832, 480, 81, 81, True, 1.0, 1.0, 0.0, 9, 0.0, 1.0, "cpu",
                                                     "default", "crop", False], **ins)
    s = w.add("WanVideoSampler", [40, 3.0, 5.0, 42, "fixed", True, "unipc", 0, 1.0, False, "comfy", 0, -1, False],
              model=(model, 0), image_embeds=(emb, 0), text_embeds=(text, 0))
    dec = w.add("WanVideoDecode", [False, 272, 272, 144, 128, "default"], vae=(vae, 0), samples=(s, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 24, "filename_prefix": "WanAnimate2", "format": "video/h264-mp4"},
          images=(dec, 0), audio=(clip, 2))
    return w.doc()


def test_the_wrappers_wan_animate_2_embeds_are_studios_wan_animate_2():
    conv = convert(_animate2(), "animate2")
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_animate_2"]
    gen = nodes_of(conv, "video_models.wan_animate_2")[0]
    p = gen.params
    assert (p["prompt"], p["negative_prompt"], p["prompt_ref"]) == (SUBJECT, "blurry", MOTION)
    assert (p["steps"], p["guidance"], p["seed"], p["window"], p["frames"], p["width"], p["height"]) == \
        (40, 3.0, 42, 81, 0, 832, 480)
    assert nodes_of(conv, "video_models.load")[0].params["model"] == ANIMATE2
    fits = [n.params for n in nodes_of(conv, "transform.scale") if n.params["width"] == 832]
    assert len(fits) == 2 and all((f["height"], f["crop"]) == (480, "center") for f in fits)
    assert source_file(conv, gen.id, "reference") == "reference.png"
    assert source_file(conv, gen.id, "driving") == "driving.mp4"
    text = said(conv)
    assert "WanVideoAnimate2Embeds as WanAnimate2ToVideo" in text
    assert ("'WanVideoAnimate2Embeds' (WanVideoAnimate2Embeds, #9)'s num_frames comes from 'VHS_LoadVideo' "
            "(VHS_LoadVideo, #3), the count of the very frames it gives as the driving video: Studio's Wan Animate 2 "
            "makes as many frames as the driving video has (its 'frames' 0); the wrapper makes the most 4k + 1 frames "
            "within that count") in text
    assert "'ref_image' of 'WanVideoAnimate2Embeds' is scaled to 832x480 (cut to that aspect" in text
    assert ("'WanVideoAnimate2Embeds' (WanVideoAnimate2Embeds, #9)'s frame_window_size 81: Studio makes the driving "
            "video in windows of 81") in text
    assert "ComfyUI's templates repeat" not in text and "cannot read" not in text


def test_wan_animate_2_embeds_say_what_studio_makes_otherwise_or_hold_what_it_cannot_take():
    conv = convert(_animate2([832, 480, 121, 81, True, 0.8, 1.0, -1.3, 5, 0.0, 1.0, "cpu", "default", "pad", False],
                             count_wired=False), "animate2_distilled")
    text = said(conv)
    name = "'WanVideoAnimate2Embeds' (WanVideoAnimate2Embeds, #9)"
    assert (f"{name}'s num_frames 121 is not taken: the wrapper makes that many frames (floored to 4k + 1), the "
            "driving video trimmed or ping-pong padded to them") in text
    assert f"{name}'s resize_mode 'pad' (the reference and the driving video letterboxed into" in text
    assert f"{name}'s log_scale -1.3 (a bias on the first generated latent frame's attention) is not applied" in text
    assert f"{name}'s uncond_skip_block 5 is not taken: diffusers' Wan Animate 2 skips block 9" in text
    assert f"{name}'s pose_strength 0.8 is not applied" in text
    held = convert(_animate2(more={"continue_motion": (2, 0)}), "animate2_continued")
    assert [t["generator"] for t in held.tasks] in ([], [None])
    assert "WanVideoAnimate2Embeds" in said(held)
