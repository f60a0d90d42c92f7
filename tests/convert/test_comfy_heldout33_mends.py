"""Mechanisms a thirty-third held-out set (benchmarks/results/heldout33_2026-11-29.md: LTX and Wan 2.2 video
workflows an outside tester would try - RunPod workers' API files, a template pack's broadcast links, WanVideoWrapper
and LTXVideo examples as copied in forks) showed, each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said


def _nodes(conv, type_id: str) -> list:
    return [n for n in conv.graph.nodes.values() if n.type_id == type_id]


def _a14b(lora_high: str = "lightx2v_I2V_14B_480p_rank128_bf16.safetensors", cfg: float = 1.0) -> dict:
    """Wan 2.2 A14B text to video, two experts (KSamplerAdvanced 0-2 on the high model, 2-end on the low one), a
    LoRA on the high-noise model alone (its file name naming no expert)."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_t2v_high_noise_14B_fp8.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_t2v_low_noise_14B_fp8.safetensors",
                                                    "weight_dtype": "default"}},
        "3": {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": lora_high, "strength_model": 3.0,
                                                              "model": ["1", 0]}},
        "4": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8.safetensors", "type": "wan"}},
        "5": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a heron lands on a pier", "clip": ["4", 0]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 0]}},
        "8": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 640, "height": 640, "length": 33,
                                                                  "batch_size": 1}},
        "9": {"class_type": "KSamplerAdvanced", "inputs": {
            "add_noise": "enable", "noise_seed": 7, "steps": 4, "cfg": cfg, "sampler_name": "euler",
            "scheduler": "simple", "start_at_step": 0, "end_at_step": 2, "return_with_leftover_noise": "enable",
            "model": ["3", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["8", 0]}},
        "10": {"class_type": "KSamplerAdvanced", "inputs": {
            "add_noise": "disable", "noise_seed": 0, "steps": 4, "cfg": cfg, "sampler_name": "euler",
            "scheduler": "simple", "start_at_step": 2, "end_at_step": 10000, "return_with_leftover_noise": "disable",
            "model": ["2", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["9", 0]}},
        "11": {"class_type": "VAEDecode", "inputs": {"samples": ["10", 0], "vae": ["5", 0]}},
        "12": {"class_type": "CreateVideo", "inputs": {"images": ["11", 0], "fps": 16}},
        "13": {"class_type": "SaveVideo", "inputs": {"video": ["12", 0], "filename_prefix": "heron", "format": "auto",
                                                     "codec": "auto"}},
    }


def test_a_lora_on_the_high_noise_model_alone_stays_on_the_high_noise_expert():
    """ship-it-rgb's Wan 2.2 worker (08): lightx2v at strength 3 on the high-noise model only was a Video LoRA with
    expert 'auto', which its file name (no HIGH/LOW word) puts on both experts - the low-noise expert got it too,
    unsaid. Two experts read: each LoRA on the expert its model is, whether or not the other has LoRAs."""
    conv = convert(_a14b(), "a14b.json")
    (lora,) = _nodes(conv, "video_models.lora")
    assert lora.params["lora"] == "lightx2v_I2V_14B_480p_rank128_bf16.safetensors"
    assert lora.params["expert"] == "high noise"
    one = _a14b()  # one model sampled by both passes: no second expert, the LoRA's expert from its name as before
    one["10"]["inputs"]["model"] = ["3", 0]
    (lora,) = _nodes(convert(one, "one.json"), "video_models.lora")
    assert lora.params.get("expert", "auto") == "auto"


def test_a_twins_extra_settings_are_not_said_to_change_what_it_makes():
    """ship-it-rgb's worker (08): "'ScheduledCFGGuidance' (#420:2) is read as ComfyUI's CFGGuider ...; its
    start_percent 0, end_percent 0.5 change what it makes" (false: at cfg 1 the span changes nothing). A twin's
    settings its reading lacks are said not applied, and to change the result only where they do."""
    wf = _a14b()
    wf["20"] = {"class_type": "ScheduledCFGGuidance", "inputs": {"model": ["1", 0], "positive": ["6", 0],
                                                                  "negative": ["7", 0], "cfg": 1.0,
                                                                  "start_percent": 0.0, "end_percent": 0.5}}
    wf["21"] = {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}}
    wf["22"] = {"class_type": "BasicScheduler", "inputs": {"model": ["1", 0], "scheduler": "simple", "steps": 4,
                                                           "denoise": 1.0}}
    wf["23"] = {"class_type": "RandomNoise", "inputs": {"noise_seed": 7}}
    wf["24"] = {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["23", 0], "guider": ["20", 0],
                                                                  "sampler": ["21", 0], "sigmas": ["22", 0],
                                                                  "latent_image": ["8", 0]}}
    wf["11"]["inputs"]["samples"] = ["24", 0]
    for k in ("2", "3", "9", "10"):
        del wf[k]
    said = _said(convert(wf, "scheduled.json"))
    assert "(ScheduledCFGGuidance, #20) is read as ComfyUI's CFGGuider" in said
    assert "change what it makes" not in said and "changes what it makes" not in said
    # (since heldout79's mend 2 its window is read with its sampler's steps, tracing/guider_window.py: at cfg 1 it
    # guides no step, so nothing of it is lost or said)
    assert "start_percent" not in said and "not applied, Studio's reading of CFGGuider" not in said, said


def test_a_second_output_interpolated_then_written_at_its_own_rate_keeps_that_rate():
    """spencersutton's Wan 2.2 60 fps templates (05, 06): the take written at 24 fps, then RIFE x3 written at 60 fps;
    Studio's interpolation of the 24 fps take gave 72 fps, unsaid (the 4.0 s clip 3.4 s). The interpolated frames
    are played at the output's own rate by a Frame Rate before its Save Video, said."""
    wf = _a14b()
    wf["12"]["inputs"]["fps"] = 24
    wf["20"] = {"class_type": "RIFE VFI", "inputs": {"ckpt_name": "rife49.pth", "clear_cache_after_n_frames": 10,
                                                     "multiplier": 3, "fast_mode": True, "ensemble": True,
                                                     "scale_factor": 1, "frames": ["11", 0]}}
    wf["21"] = {"class_type": "VHS_VideoCombine", "inputs": {"images": ["20", 0], "frame_rate": 60, "loop_count": 0,
                                                             "filename_prefix": "smooth", "format": "video/h264-mp4",
                                                             "pingpong": False, "save_output": True}}
    conv = convert(wf, "sixty.json")
    (gen,) = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video"]
    assert gen.params["fps"] == 24
    (rate,) = _nodes(conv, "edit.frame_rate")
    (interp,) = _nodes(conv, "motion.interpolate")
    links = {(link.src, link.dst) for link in conv.graph.links}
    rid = next(k for k, n in conv.graph.nodes.items() if n is rate)
    iid = next(k for k, n in conv.graph.nodes.items() if n is interp)
    assert rate.params["fps"] == 60 and rate.params.get("keep", "frames") == "frames" and (iid, rid) in links
    assert "'VHS_VideoCombine' (#21) writes its interpolated frames at 60 fps, not the 72 fps Studio's interpolation " \
        "of the generator's 24 fps gives" in _said(conv)
    wf["21"]["inputs"]["frame_rate"] = 72  # the rate the interpolation gives: nothing added
    assert not _nodes(convert(wf, "seventy-two.json"), "edit.frame_rate")


def _typed_ui(nodes: list[tuple]) -> dict:
    """A UI workflow from (id, type, widgets, mode, {input: (src, slot, type)}, [output types]) rows, each link typed
    as its input is (the file's own types, which a bypass is read by)."""
    out, links = [], []
    for nid, cls, widgets, mode, ins, outs in nodes:
        inputs = []
        for name, (src, slot, kind) in ins.items():
            links.append([len(links) + 1, src, slot, nid, len(inputs), kind])
            inputs.append({"name": name, "type": kind, "link": len(links)})
        out.append({"id": nid, "type": cls, "mode": mode, "inputs": inputs, "widgets_values": widgets,
                    "outputs": [{"name": t.lower(), "type": t, "links": []} for t in outs]})
    return {"nodes": out, "links": links}


def _i2v_through(resize_mode: int) -> dict:
    """Wan 2.1 image to video, its picture through ResizeImageMaskNode (its input a match type the file saves as
    'IMAGE,MASK', its output 'IMAGE') in ``resize_mode``."""
    return _typed_ui([
        (1, "LoadImage", ["heron.png", "image"], 0, {}, ["IMAGE", "MASK"]),
        (2, "ResizeImageMaskNode", ["scale to multiple", 64, "nearest-exact"], resize_mode,
         {"input": (1, 0, "IMAGE,MASK")}, ["IMAGE"]),
        (3, "UNETLoader", ["wan2.1_i2v_480p_14B_fp16.safetensors", "default"], 0, {}, ["MODEL"]),
        (4, "CLIPLoader", ["umt5_xxl_fp16.safetensors", "wan", "default"], 0, {}, ["CLIP"]),
        (5, "VAELoader", ["wan_2.1_vae.safetensors"], 0, {}, ["VAE"]),
        (6, "CLIPTextEncode", ["a heron lands on a pier"], 0, {"clip": (4, 0, "CLIP")}, ["CONDITIONING"]),
        (7, "CLIPTextEncode", ["blurry"], 0, {"clip": (4, 0, "CLIP")}, ["CONDITIONING"]),
        (8, "WanImageToVideo", [832, 480, 33, 1], 0,
         {"positive": (6, 0, "CONDITIONING"), "negative": (7, 0, "CONDITIONING"), "vae": (5, 0, "VAE"),
          "start_image": (2, 0, "IMAGE")}, ["CONDITIONING", "CONDITIONING", "LATENT"]),
        (9, "KSampler", [5, "fixed", 20, 6.0, "uni_pc", "simple", 1.0], 0,
         {"model": (3, 0, "MODEL"), "positive": (8, 0, "CONDITIONING"), "negative": (8, 1, "CONDITIONING"),
          "latent_image": (8, 2, "LATENT")}, ["LATENT"]),
        (10, "VAEDecode", [], 0, {"samples": (9, 0, "LATENT"), "vae": (5, 0, "VAE")}, ["IMAGE"]),
        (11, "CreateVideo", [16], 0, {"images": (10, 0, "IMAGE")}, ["VIDEO"]),
        (12, "SaveVideo", ["heron", "auto", "auto"], 0, {"video": (11, 0, "VIDEO")}, []),
    ])


def test_a_bypassed_node_passes_its_picture_on_through_an_input_of_listed_types():
    """sillylilithhh's LTX-2.5 demo (01): MultiImageLoader's picture went through a bypassed ResizeImageMaskNode,
    whose input the file saves as 'IMAGE,MASK' (a match type) and its output 'IMAGE': read as giving nothing, and
    "'MultiImageLoader' (#258) reaches no output of the workflow ..." (false: ComfyUI passes the picture on). A
    bypassed node's output is given its input whose saved types list the output's."""
    conv = convert(_i2v_through(4), "bypassed.json")
    said = _said(conv)
    assert "reaches no output" not in said
    (gen,) = _nodes(conv, "video_models.image_to_video")
    assert [n.params["path"] for n in _nodes(conv, "io.load_image")] == ["heron.png"]
    assert any(link.dst in conv.graph.nodes and conv.graph.nodes[link.dst] is gen and link.dst_port == "image"
               for link in conv.graph.links)
    muted = convert(_i2v_through(2), "muted.json")  # muted: it gives nothing, the take has no picture
    assert not any(n.type_id == "video_models.image_to_video" and any(
        link.dst_port == "image" and muted.graph.nodes.get(link.dst) is n for link in muted.graph.links)
        for n in muted.graph.nodes.values())


def _ltxv_keyframes() -> dict:
    """LTXV keyframes held (LTXVBaseSampler, then LTXVTiledSampler given two pictures batched), decoded with the
    checkpoint's VAE set by 'Set VAE Decoder Noise'."""
    base = {"model": ["1", 0], "vae": ["1", 2], "guider": ["11", 0], "sampler": ["9", 0], "sigmas": ["12", 0],
            "noise": ["10", 0], "optional_cond_images": ["8", 0]}
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltxv-13b-0.9.7-distilled.safetensors"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a heron", "clip": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "5": {"class_type": "LTXVConditioning", "inputs": {"positive": ["3", 0], "negative": ["4", 0],
                                                            "frame_rate": 24}},
        "6": {"class_type": "LoadImage", "inputs": {"image": "first.png"}},
        "7": {"class_type": "LoadImage", "inputs": {"image": "last.png"}},
        "8": {"class_type": "ImageBatch", "inputs": {"image1": ["6", 0], "image2": ["7", 0]}},
        "9": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler_ancestral"}},
        "10": {"class_type": "RandomNoise", "inputs": {"noise_seed": 108}},
        "11": {"class_type": "CFGGuider", "inputs": {"model": ["1", 0], "positive": ["5", 0], "negative": ["5", 1],
                                                     "cfg": 1.0}},
        "12": {"class_type": "BasicScheduler", "inputs": {"model": ["1", 0], "scheduler": "simple", "steps": 8,
                                                          "denoise": 1.0}},
        "13": {"class_type": "LTXVBaseSampler", "inputs": {**base, "width": 768, "height": 512, "num_frames": 97,
                                                           "optional_cond_indices": "0, 90", "strength": 0.8,
                                                           "crop": "center", "crf": 30, "blur": 1}},
        "14": {"class_type": "LTXVTiledSampler", "inputs": {**base, "latents": ["13", 0], "horizontal_tiles": 1,
                                                            "vertical_tiles": 1, "overlap": 1,
                                                            "latents_cond_strength": 0.15,
                                                            "boost_latent_similarity": False, "crop": "center",
                                                            "optional_cond_indices": "0, 90",
                                                            "images_cond_strengths": "0.9"}},
        "15": {"class_type": "Set VAE Decoder Noise", "inputs": {"vae": ["1", 2], "timestep": 0.05, "scale": 0.025,
                                                                 "seed": 42}},
        "16": {"class_type": "VAEDecode", "inputs": {"samples": ["14", 0], "vae": ["15", 0]}},
        "17": {"class_type": "CreateVideo", "inputs": {"images": ["16", 0], "fps": 24}},
        "18": {"class_type": "SaveVideo", "inputs": {"video": ["17", 0], "filename_prefix": "keys", "format": "auto",
                                                     "codec": "auto"}},
    }


def test_a_held_packs_sampler_taking_pictures_is_no_encode_and_a_vae_setter_loads_no_vae():
    """The LTXV keyframes example as copied in a fork (04), held: "'LTXVTiledSampler' (#1873) encodes the pictures on
    its 'optional_cond_images' (from '5C.png', ...) into latents with its VAE ..." (false: a sampler - it takes a
    model, a guider, noise - given all three pictures) and "'Set VAE Decoder Noise' (#1870) loads the VAE ..." (false:
    it is given the checkpoint's VAE and passes it on, set)."""
    wf = _ltxv_keyframes()  # (its two pictures given one index: not read one by one, so still held - ltxpack reads
    wf["13"]["inputs"]["optional_cond_indices"] = "0"  # them where they match: test_comfy_ltxpack_mends)
    said = _said(convert(wf, "keys.json"))
    assert "(LTXVTiledSampler, #14) encodes" not in said
    assert "(Set VAE Decoder Noise, #15) loads the VAE" not in said
    assert "(Set VAE Decoder Noise, #15) passes on the VAE it is given (its settings: timestep 0.05, scale 0.025, " \
        "seed 42) to the held task's" in said


def _ltxv_loop() -> dict:
    """LTXV 13B text to video by LTXVLoopingSampler, its latents and its guiding latents the same upsampled latent."""
    wf = _ltxv_keyframes()
    for k in ("6", "7", "8", "13", "14", "15"):
        del wf[k]
    wf["30"] = {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97,
                                                                 "batch_size": 1}}
    wf["31"] = {"class_type": "LTXVLatentUpsamplerModelLoader", "inputs": {
        "upscale_model": "ltxv-spatial-upscaler-0.9.8.safetensors", "spatial_upsample": True,
        "temporal_upsample": False}}
    wf["32"] = {"class_type": "LTXVLatentUpsampler", "inputs": {"samples": ["30", 0], "upscale_model": ["31", 0],
                                                                "vae": ["1", 2]}}
    loop = {"model": ["1", 0], "vae": ["1", 2], "noise": ["10", 0], "sampler": ["9", 0], "sigmas": ["12", 0],
            "guider": ["11", 0], "temporal_tile_size": 80, "temporal_overlap": 24, "guiding_strength": 1.0,
            "temporal_overlap_cond_strength": 0.5, "cond_image_strength": 1.0, "horizontal_tiles": 1,
            "vertical_tiles": 1, "spatial_overlap": 1, "adain_factor": 0.0, "guiding_start_step": 0,
            "guiding_end_step": 1000}
    wf["33"] = {"class_type": "LTXVLoopingSampler", "inputs": {**loop, "latents": ["30", 0]}}
    wf["32"]["inputs"]["samples"] = ["33", 0]  # the first pass upsampled x2, then sampled again guided by itself
    wf["34"] = {"class_type": "LTXVLoopingSampler", "inputs": {**loop, "latents": ["32", 0],
                                                               "optional_guiding_latents": ["32", 0]}}
    wf["16"]["inputs"] = {"samples": ["34", 0], "vae": ["1", 2]}
    return wf


def test_a_step_into_a_pack_sampler_names_the_input_the_file_has():
    """The LTXV long multi-prompt example (03): "'LTXVLatentUpsampler' (#1691), a step between its 'samples' and
    'LTXVLoopingSampler' (#2124)'s 'latent_image'" (false: LTXVLoopingSampler has no 'latent_image'; the upsampled
    latent feeds its 'latents' and its optional 'optional_guiding_latents', so the read SamplerCustomAdvanced's input
    was not traced back to one of them). The one its type requires is named."""
    said = _said(convert(_ltxv_loop(), "loop.json"))
    assert "'s 'latent_image'" not in said
    assert "(LTXVLatentUpsampler, #32), a step between its 'samples' and 'LTXVLoopingSampler' (#34)'s 'latents'" \
        in said


def test_a_held_takes_size_and_the_resize_it_comes_from_are_said():
    """railep's LongCat file (11), held (WanVideoEmptyEmbeds given extra latents): the picture's ImageResizeKJv2
    (#127, 640x608) the take is sized by, and the take's 93 frames, were named nowhere. The held note's settings name
    each node on the take's way that sets its size."""
    from tests.convert.test_comfy_wrappers import UI, _common, _sampler, _save
    w = UI()
    model, text, vae = _common(w)
    pic = w.add("LoadImage", ["cafe.png", "image"])
    size = w.add("ImageResizeKJv2", [640, 608, "lanczos", "crop", "0, 0, 0", "center", 2, "cpu"], image=(pic, 0))
    enc = w.add("WanVideoEncode", [False, 272, 272, 144, 128, 0, 1], vae=(vae, 0), image=(size, 0))
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 93], extra_latents=(enc, 0), width=(size, 1), height=(size, 2))
    _save(w, _sampler(w, model, text, emb), vae)
    said = _said(convert(w.doc(), "longcat.json"))
    assert "Its settings, as Studio reads them in the workflow (to set by hand)" in said
    assert f"'WanVideoEmptyEmbeds' (#{emb}) width " in said and "num_frames 93" in said
    assert f"'ImageResizeKJv2' (#{size}) width 640, height 608" in said


def test_a_size_measured_on_the_decoded_take_is_the_takes():
    """spencersutton's 60 fps templates (05, 06): the upscale's size is 1.5x the width and height GetImageSize+
    measures on the decoded take's first frame; 'a value Studio cannot work out', the upscaled videos were written
    without it. A decode's pictures are its latent's size, up the samplers to the node making it (640x640 here)."""
    wf = _a14b()
    wf.update({
        "40": {"class_type": "ImageFromBatch+", "inputs": {"image": ["11", 0], "start": 0, "length": 1}},
        "41": {"class_type": "GetImageSize+", "inputs": {"image": ["40", 0]}},
        "42": {"class_type": "PrimitiveFloat", "inputs": {"value": 1.5}},
        "43": {"class_type": "SimpleMath+", "inputs": {"value": "a*b", "a": ["41", 0], "b": ["42", 0]}},
        "44": {"class_type": "SimpleMath+", "inputs": {"value": "a*b", "a": ["41", 1], "b": ["42", 0]}},
        "45": {"class_type": "ImageScale", "inputs": {"image": ["11", 0], "upscale_method": "lanczos",
                                                      "width": ["43", 0], "height": ["44", 0], "crop": "center"}},
        "46": {"class_type": "CreateVideo", "inputs": {"images": ["45", 0], "fps": 16}},
        "47": {"class_type": "SaveVideo", "inputs": {"video": ["46", 0], "filename_prefix": "big", "format": "auto",
                                                     "codec": "auto"}},
    })
    conv = convert(wf, "big.json")
    sizes = [(n.params.get("width"), n.params.get("height")) for n in conv.graph.nodes.values()
             if n.type_id in ("transform.resize", "transform.scale")]
    assert (960, 960) in sizes
    said = _said(conv)
    assert "cannot work out" not in said and "resized to 960x960" in said
