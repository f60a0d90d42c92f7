"""A refine by another model through node packs' nodes (issue 112 item 4; ckinpdx's LTX-2.3 -> Wan 2.2): the take's
frames picked (every 2nd), colour matched and encoded, refined by RES4LYF's ClownsharKSampler_Beta on a schedule cut by
RES4LYF's sigma nodes, become the earlier take, Studio's Time (speed 2) and Video to Video at the share of the schedule
the pass runs, with its own model and prompt; each node not applied said in one sentence naming it and its input."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.takes.pass_sigmas import linear_quadratic
from tests.convert.test_comfy_ltx2_inplace_kj import _ltx2_head
from tests.convert.test_comfy_wiring import UI

WAN_LOW = "wan2.2_t2v_low_noise_14B_fp16.safetensors"


def _refined():
    w = UI()
    ck, pos, neg, empty = _ltx2_head(w)
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                "latent_image": (empty, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    nth = w.add("VHS_SelectEveryNthImage", [2, 0], ["IMAGE", "INT"],
                {"images": (dec, 0, "IMAGE")})
    still = w.add("LoadImage", ["start.png", "image"], ["IMAGE", "MASK"])
    match = w.add("ColorMatchV2", ["reinhard", 0.5, True], ["IMAGE"],
                  {"image_target": (nth, 0, "IMAGE"), "image_ref": (still, 0, "IMAGE")})
    unet = w.add("UNETLoader", [WAN_LOW, "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    p2 = w.add("CLIPTextEncode", ["a lighthouse at dusk, fine detail"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    n2 = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    enc = w.add("VAEEncode", [], ["LATENT"], {"pixels": (match, 0, "IMAGE"), "vae": (vae, 0, "VAE")})
    split_at = w.add("FloatConstant", [0.55], ["FLOAT"])
    lq = w.add("Linear Quadratic Advanced", [100, 0.6, 0.5, 0.2], ["SIGMAS"], {"model": (unet, 0, "MODEL")})
    split = w.add("Sigmas Split Value", [0.925, False], ["SIGMAS", "SIGMAS"],
                  {"sigmas": (lq, 0, "SIGMAS"), "split_value": (split_at, 0, "FLOAT")})
    resample = w.add("Sigmas Resample", [3, "linear", 8, True], ["SIGMAS"], {"sigmas_in": (split, 1, "SIGMAS")})
    rescale = w.add("Sigmas Rescale", [0.925, 0], ["SIGMAS"],
                    {"sigmas": (resample, 0, "SIGMAS"), "start": (split_at, 0, "FLOAT")})
    opts = w.add("ClownOptions_ExtraOptions_Beta", ["default_dtype=float32"], ["OPTIONS"])
    clown = w.add("ClownsharKSampler_Beta", [0.85, "linear/euler", "beta", 4, -1, 1.0, 1.0, 9, "fixed", "standard",
                                             True], ["LATENT"],
                  {"model": (unet, 0, "MODEL"), "positive": (p2, 0, "CONDITIONING"),
                   "negative": (n2, 0, "CONDITIONING"), "latent_image": (enc, 0, "LATENT"),
                   "sigmas": (rescale, 0, "SIGMAS"), "options": (opts, 0, "OPTIONS")})
    dec2 = w.add("VAEDecode", [], ["IMAGE"], {"samples": (clown, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec2, 0, "IMAGE")})
    w.add("SaveVideo", ["refined", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def test_the_linear_quadratic_schedule_cut_at_a_sigma_gives_the_share_the_pass_runs():
    s = linear_quadratic(166, 0.5, 0.2)
    assert len(s) == 167 and s[0] == 1.0 and s[-1] == 0.0 and abs(s[83] - 0.8) < 1e-9  # the linear part: 0.2 taken
    assert all(a > b for a, b in zip(s, s[1:]))


def test_a_refine_by_a_packs_sampler_through_picked_frames_is_a_pass():
    conv = convert(_refined(), "refined")
    g = conv.graph
    assert g.validate() == []
    first = next(n for n in g.nodes.values() if n.type_id == "video_models.ltx2")
    v2v = next(n for n in g.nodes.values() if n.type_id == "video_models.video_to_video")
    time = g.nodes[g.input_link(v2v.id, "video").src]
    assert time.type_id == "edit.time" and time.params["speed"] == 2.0 and time.params["mode"] == "speed"
    assert g.input_link(time.id, "video").src == first.id  # every 2nd frame of the first take
    assert v2v.params["strength"] == 0.253  # 42 of the 166 steps below sigma 0.55
    assert int(v2v.params["steps"] * v2v.params["strength"]) == 2  # the 2 steps the resampled sigmas run
    assert v2v.params["prompt"] == "a lighthouse at dusk, fine detail"
    assert g.nodes[g.input_link(v2v.id, "model").src].params["model"] == WAN_LOW
    assert [n.type_id for n in g.nodes.values()].count("io.save_video") == 1
    said = "\n".join(conv.log)
    for words in ("'VHS_SelectEveryNthImage' (VHS_SelectEveryNthImage, #8) keeps one frame in 2",
                  "'ColorMatchV2' (ColorMatchV2, #10) matches the frames' colour to 'LoadImage' (LoadImage, #9) "
                  "(method reinhard, strength 0.5) on the frames' way to 'VAEEncode' (VAEEncode, #16)'s 'pixels': "
                  "not applied",
                  "the pass runs 2 steps from noise level 0.55, the last 25.3 % of its linear-quadratic schedule",
                  "'ClownOptions_ExtraOptions_Beta' (ClownOptions_ExtraOptions_Beta, #22) gives "
                  "'ClownsharKSampler_Beta' (ClownsharKSampler_Beta, #23)'s 'options'",
                  "a pass, not another segment: 'ClownsharKSampler_Beta' (ClownsharKSampler_Beta, #23) refines"):
        assert words in said, words
    assert conv.dropped == []  # every node read or said


def test_a_humo_pass_takes_its_reference_from_the_take_and_separates_its_voice():
    """Wan HuMo's pass (ckinpdx's LTX-2.3 -> HuMo): its reference a frame ImageFromBatch picks of every 2nd frame of
    the take (from frame 1: frame 1 + 3 x 2 = 7 of the take, given by Frame Hold), its voice separated from the music
    by MelBandRoFormer (made as Studio's Isolate Voice), its size and length wired from the take's frames (left the
    take's)."""
    w = UI()
    ck, pos, neg, empty = _ltx2_head(w)
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                "latent_image": (empty, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    nth = w.add("VHS_SelectEveryNthImage", [2, 1], ["IMAGE", "INT"], {"images": (dec, 0, "IMAGE")})
    pick = w.add("ImageFromBatch", [3, 1], ["IMAGE"], {"image": (nth, 0, "IMAGE")})
    size = w.add("GetImageSizeAndCount", [], ["IMAGE", "INT", "INT", "INT"], {"image": (nth, 0, "IMAGE")})
    unet = w.add("UNETLoader", ["humo_17B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    p2 = w.add("CLIPTextEncode", ["she sings"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    n2 = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    au = w.add("LoadAudio", ["song.wav"], ["AUDIO"])
    mbr = w.add("MelBandRoFormerModelLoader", ["MelBandRoformer_fp16.safetensors"], ["MELROFORMERMODEL"])
    vocals = w.add("MelBandRoFormerSampler", [], ["AUDIO", "AUDIO"],
                   {"model": (mbr, 0, "MELROFORMERMODEL"), "audio": (au, 0, "AUDIO")})
    ae = w.add("AudioEncoderLoader", ["whisper_large_v3_fp16.safetensors"], ["AUDIO_ENCODER"])
    aenc = w.add("AudioEncoderEncode", [], ["AUDIO_ENCODER_OUTPUT"],
                 {"audio_encoder": (ae, 0, "AUDIO_ENCODER"), "audio": (vocals, 0, "AUDIO")})
    humo = w.add("WanHuMoImageToVideo", [832, 480, 97, 1], ["CONDITIONING", "CONDITIONING", "LATENT"],
                 {"positive": (p2, 0, "CONDITIONING"), "negative": (n2, 0, "CONDITIONING"), "vae": (vae, 0, "VAE"),
                  "audio_encoder_output": (aenc, 0, "AUDIO_ENCODER_OUTPUT"), "ref_image": (pick, 0, "IMAGE"),
                  "width": (size, 1, "INT"), "height": (size, 2, "INT"), "length": (size, 3, "INT")})
    enc = w.add("VAEEncode", [], ["LATENT"], {"pixels": (nth, 0, "IMAGE"), "vae": (vae, 0, "VAE")})
    ks2 = w.add("KSampler", [9, "fixed", 4, 1.0, "euler", "simple", 0.5], ["LATENT"],
                {"model": (unet, 0, "MODEL"), "positive": (humo, 0, "CONDITIONING"),
                 "negative": (humo, 1, "CONDITIONING"), "latent_image": (enc, 0, "LATENT")})
    dec2 = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks2, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [25], ["VIDEO"], {"images": (dec2, 0, "IMAGE"), "audio": (au, 0, "AUDIO")})
    w.add("SaveVideo", ["humo", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    conv = convert(w.doc(), "humo_take")
    g = conv.graph
    assert g.validate() == []
    ltx = next(n for n in g.nodes.values() if n.type_id == "video_models.ltx2")
    humo_gen = next(n for n in g.nodes.values() if n.type_id == "video_models.wan_humo")
    hold = g.nodes[g.input_link(humo_gen.id, "reference").src]
    assert hold.type_id == "edit.frame_hold" and hold.params["frame"] == 7
    assert g.input_link(hold.id, "video").src == ltx.id
    times = g.nodes[g.input_link(humo_gen.id, "video").src]  # every 2nd frame from frame 1: trim, then speed
    assert times.type_id == "edit.time" and times.params["mode"] == "speed" and times.params["speed"] == 2.0
    assert g.nodes[g.input_link(times.id, "video").src].params["mode"] == "trim"
    assert humo_gen.params["strength"] == 0.5 and humo_gen.params["frames"] == 0 and humo_gen.params["width"] == 0
    said = "\n".join(conv.log + [n["text"] for n in g.ui.get("notes", [])])
    (iso,) = [n for n in g.nodes.values() if n.type_id == "edit.isolate_voice"]
    assert iso.params["model"] == "MelBandRoformer_fp16.safetensors"
    assert g.nodes[g.input_link(iso.id, "audio").src].params["path"] == "song.wav"
    assert [l.src_port for l in g.links if l.src == iso.id] == ["voice"]
    assert f"'MelBandRoFormerSampler' (MelBandRoFormerSampler, #{vocals}) separates the voice from the rest of the " \
           f"sound on its way to the generator's" in said
    assert f"(the one 'MelBandRoFormerModelLoader' (MelBandRoFormerModelLoader, #{mbr}) loads)" in said
    assert not [x for x in said.splitlines() if f"#{vocals}" in x and "not applied" in x]
    assert "'ref_image' is frame 7 of the take the pass reworks" in said
    assert conv.dropped == []
