"""Issue 112: kijai's ComfyUI-WanVideoWrapper's Time-to-Move (WanVideoAddTTMLatents on its image-to-video encode,
given a motion reference clip encoded on 'reference_latents' and a mask) is Studio's Image to Video with its
motion_reference, motion_mask, motion_start_step and motion_end_step (comfy_wrapper_ttm.py); a clip and mask made
together by one node Studio does not read hold the task, said. Hand-built UI workflows in the wrapper's layout."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_wrappers import UI, _common, _sampler, _save


def _typed(w: UI, nid: int, **types) -> None:
    """Declare the types of node ``nid``'s inputs (a UI file saves them; UI.add writes '*')."""
    for i in w.nodes[nid - 1]["inputs"]:
        i["type"] = types.get(i["name"], i["type"])


def _origin(conv, gen, port: str) -> str:
    """The file loaded whose pictures reach ``gen``'s ``port`` (up through the Studio nodes between: a Scale)."""
    loads = {n.id: n.params.get("path") for n in conv.graph.nodes.values() if n.type_id.startswith("io.load")}
    nid = next(link.src for link in conv.graph.links if link.dst == gen.id and link.dst_port == port)
    while nid not in loads:
        nid = next(link.src for link in conv.graph.links if link.dst == nid)
    return loads[nid]


def _ttm(w: UI, reference, mask, steps=(1, 3)):
    model, text, vae = _common(w)
    image = w.add("LoadImage", ["monkey.png", "image"])
    enc = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0.0, 1.0, 1.0, True], vae=(vae, 0),
                start_image=(image, 0))
    ref = w.add("WanVideoEncode", [False, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=reference)
    more = {"mask": mask} if mask is not None else {}
    ttm = w.add("WanVideoAddTTMLatents", list(steps), embeds=(enc, 0), reference_latents=(ref, 0), **more)
    _typed(w, ttm, embeds="WANVIDIMAGE_EMBEDS", reference_latents="LATENT", mask="MASK")
    _typed(w, ref, image="IMAGE")
    _save(w, _sampler(w, model, text, ttm), vae)
    return ttm


def test_a_reference_clip_and_a_mask_from_files_are_image_to_videos_motion_reference_and_mask():
    w = UI()
    signal = w.add("VHS_LoadVideo", {"video": "motion_signal.mp4"})
    masks = w.add("VHS_LoadVideo", {"video": "mask.mp4"})
    to_mask = w.add("ImageToMask", ["red"], image=(masks, 0))
    _typed(w, to_mask, image="IMAGE")
    ttm = _ttm(w, (signal, 0), (to_mask, 0))
    conv = convert(w.doc(), "wrapper_ttm")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    assert (gen.params["motion_start_step"], gen.params["motion_end_step"]) == (1, 3)
    assert _origin(conv, gen, "motion_reference") == "motion_signal.mp4"
    assert _origin(conv, gen, "motion_mask") == "mask.mp4"
    assert _origin(conv, gen, "image") == "monkey.png"
    text = said(conv)
    assert f"'WanVideoAddTTMLatents' (WanVideoAddTTMLatents, #{ttm}) with its image-to-video encode " \
           "'WanVideoImageToVideoEncode' (#" in text
    assert "start_step 1 and end_step 3 as its motion_start_step and motion_end_step" in text
    assert "ImageToMask" in text  # the channel it picks: said (the generator binarises every channel)


def test_a_clip_and_mask_drawn_together_by_a_node_studio_does_not_read_hold_the_task_said():
    w = UI()
    bg = w.add("LoadImage", ["bg.png", "image"])
    drawn = w.add("DrawCutoutsAlongAPath", [0, True], bg_image=(bg, 0))
    _typed(w, drawn, bg_image="IMAGE")
    ttm = _ttm(w, (drawn, 0), (drawn, 1))
    conv = convert(w.doc(), "wrapper_ttm_drawn")
    assert [t["generator"] for t in conv.tasks] in ([], [None])
    assert not nodes_of(conv, "video_models.image_to_video")
    assert f"(WanVideoAddTTMLatents, #{ttm}) is read as Studio's Image to Video with Time-to-Move where" in said(conv)
    assert f"here the clip and the mask are two outputs of one node, 'DrawCutoutsAlongAPath' (DrawCutoutsAlongAPath, " \
           f"#{drawn}), which makes both together, so the task is held" in said(conv)


def test_a_ttm_node_given_no_mask_is_held_said():
    w = UI()
    ttm = _ttm(w, (w.add("VHS_LoadVideo", {"video": "motion_signal.mp4"}), 0), None)
    conv = convert(w.doc(), "wrapper_ttm_no_mask")
    assert not nodes_of(conv, "video_models.image_to_video")
    assert f"(WanVideoAddTTMLatents, #{ttm}) is read as Studio's Image to Video with Time-to-Move where it is given" \
           in said(conv)


def test_a_first_pass_decoded_beside_the_pass_that_finishes_it_is_said_made_whole():
    """The wrapper's second expert given the first's latent on 'samples' from a later step samples on adding no noise
    (add_noise_to_samples off): the first pass's own decode is its take unfinished in ComfyUI, said (heldout29's
    TTM example and a Lightning example decoded it unsaid)."""
    w = UI()
    model, text, vae = _common(w)
    image = w.add("LoadImage", ["monkey.png", "image"])
    enc = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0.0, 1.0, 1.0, True], vae=(vae, 0),
                start_image=(image, 0))
    high = _sampler(w, model, text, enc, (6, 1.0, 8.0, 43, "fixed", True, "euler", 0, 1.0, False, "comfy", 0, 3, False))
    low = _sampler(w, model, text, enc, (6, 1.0, 8.0, 43, "fixed", True, "euler", 0, 1.0, False, "comfy", 3, -1, False),
                   samples=(high, 0))
    _save(w, high, vae)
    _save(w, low, vae)
    conv = convert(w.doc(), "wrapper_two_passes")
    assert f"'WanVideoSampler' (WanVideoSampler, #{low}) samples on from this pass's latent adding no noise" \
           in said(conv)


def _core_ttm(start_sampler_step=0):
    """ComfyUI's own Wan image to video with GiusTex's TTMLatentAdd and TimeToMoveGuider (a SamplerCustomAdvanced)."""
    from tests.convert.said import ui
    nodes = [
        (1, "UNETLoader", [], ["MODEL"], ["wan2.2_i2v_high_noise_14B_fp16.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
        (3, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a monkey jumps on a bed"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
        (5, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (6, "LoadImage", [], ["IMAGE", "MASK"], ["first_frame.png", "image"]),
        (7, "WanImageToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                ("start_image", "IMAGE")], ["CONDITIONING", "CONDITIONING", "LATENT"], [832, 480, 81, 1]),
        (8, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"], {"video": "motion_signal.mp4"}),
        (9, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"], {"video": "mask.mp4"}),
        (10, "EncodeWanVideo", [("vae", "VAE"), ("image", "IMAGE")], ["LATENT"], [False, 272, 272, 144, 128, 0, 1]),
        (11, "ImageToMask", [("image", "IMAGE")], ["MASK"], ["red"]),
        (12, "TTMLatentAdd", [("latent", "LATENT"), ("reference_latents", "LATENT"), ("ref_masks", "MASK")],
         ["LATENT"], [1, 3]),
        (13, "TimeToMoveGuider", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                  ("latent", "LATENT")], ["GUIDER"], [1.0, start_sampler_step]),
        (14, "KSamplerSelect", [], ["SAMPLER"], ["euler"]),
        (15, "BasicScheduler", [("model", "MODEL")], ["SIGMAS"], ["simple", 6, 1.0]),
        (16, "RandomNoise", [], ["NOISE"], [7, "fixed"]),
        (17, "SamplerCustomAdvanced", [("noise", "NOISE"), ("guider", "GUIDER"), ("sampler", "SAMPLER"),
                                       ("sigmas", "SIGMAS"), ("latent_image", "LATENT")], ["LATENT", "LATENT"], []),
        (18, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (19, "VHS_VideoCombine", [("images", "IMAGE")], [], {"frame_rate": 16, "filename_prefix": "ttm",
                                                            "format": "video/h264-mp4"}),
    ]
    links = [(2, 0, 3, "clip"), (2, 0, 4, "clip"), (3, 0, 7, "positive"), (4, 0, 7, "negative"), (5, 0, 7, "vae"),
             (6, 0, 7, "start_image"), (5, 0, 10, "vae"), (8, 0, 10, "image"), (9, 0, 11, "image"),
             (7, 2, 12, "latent"), (10, 0, 12, "reference_latents"), (11, 0, 12, "ref_masks"),
             (1, 0, 13, "model"), (7, 0, 13, "positive"), (7, 1, 13, "negative"), (12, 0, 13, "latent"),
             (1, 0, 15, "model"), (16, 0, 17, "noise"), (13, 0, 17, "guider"), (14, 0, 17, "sampler"),
             (15, 0, 17, "sigmas"), (12, 0, 17, "latent_image"), (17, 0, 18, "samples"), (5, 0, 18, "vae"),
             (18, 0, 19, "images")]
    return ui(nodes, links)


def test_ttm_on_comfys_own_wan_nodes_is_image_to_video_with_time_to_move():
    conv = convert(_core_ttm(start_sampler_step=2), "core_ttm")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    assert (gen.params["motion_start_step"], gen.params["motion_end_step"], gen.params["steps"]) == (1, 3, 6)
    assert _origin(conv, gen, "motion_reference") == "motion_signal.mp4"
    assert _origin(conv, gen, "motion_mask") == "mask.mp4"
    text = said(conv)
    assert "'TTMLatentAdd' (TTMLatentAdd, #12) with its task node 'WanImageToVideo' (WanImageToVideo, #7) is read as " \
           "Studio's Image to Video with Time-to-Move" in text
    assert "'TimeToMoveGuider' (TimeToMoveGuider, #13)'s start_sampler_step 2" in text


def test_a_forks_copy_of_the_ttm_node_is_read_as_it_by_its_declared_sockets():
    w = UI()
    signal = w.add("VHS_LoadVideo", {"video": "motion_signal.mp4"})
    masks = w.add("VHS_LoadVideo", {"video": "mask.mp4"})
    ttm = _ttm(w, (signal, 0), (masks, 0))
    node = w.nodes[ttm - 1]
    node["type"] = "SomeFork_AddTTMLatents"  # a name Studio has never seen; the wrapper's declaration
    node["outputs"] = [{"name": "image_embeds", "type": "WANVIDIMAGE_EMBEDS", "links": []}]
    conv = convert(w.doc(), "fork_ttm")
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    assert _origin(conv, gen, "motion_reference") == "motion_signal.mp4"
    assert f"(SomeFork_AddTTMLatents, #{ttm}) with its image-to-video encode" in said(conv)
