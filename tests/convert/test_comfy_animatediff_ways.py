"""AnimateDiff workflows as artists share them (the fifth and seventh held-out sets): a prompt schedule (FizzNodes'
BatchPromptSchedule, AnimateDiff-Evolved's Prompt Scheduling, any pack's node of that shape) read by its declared
types as Studio's Prompt Schedule on the generator's 'schedule', what it cannot honour said naming the node and its
input; a pack's checkpoint loader that also makes the prompts and the latent (Efficiency Nodes' Efficient Loader)
read by its types as core nodes, so the checkpoint, size and length are the workflow's; a second pass after a
latent upscale said with both passes and the upscale; a motion LoRA said truly by its file's kind."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.prompt_schedules import pairs
from tests.convert.test_comfy_wrappers import UI, _nodes
from tests.convert.said import said as _said

CKPT, MOTION = "dreamshaper_8.safetensors", "mm_sd_v15_v2.safetensors"
FIZZ = '"0" :"1girl, light_smile, ",\n"12" :"1girl, closed_eyes, ",\n"23" :"1girl, open_eyes, "\n\n'


def _ad_ui(w: UI, model, positive, negative, latent, denoise=1.0):
    """AnimateDiff's deprecated loader with context on ``model``, a KSampler, a decode and a Video Combine."""
    ctx = w.add("ADE_AnimateDiffUniformContextOptions", [16, 1, 4, "uniform", False])
    ad = w.add("ADE_AnimateDiffLoaderWithContext", [MOTION, "sqrt_linear (AnimateDiff)", 1, True],
               model=model, context_options=(ctx, 0))
    s = w.add("KSampler", [5, "fixed", 20, 7.0, "ddim", "normal", denoise], model=(ad, 0), positive=positive,
              negative=negative, latent_image=latent)
    return s


def _fizz_ui(vid2vid=False) -> dict:
    """FizzNodes' BatchPromptSchedule saved by an older version (its pre/app text among its settings)."""
    w = UI()
    ck = w.add("CheckpointLoaderSimple", [CKPT])
    sched = w.add("BatchPromptSchedule", [FIZZ, 24, False, "Close-up shot of the face", "", 0, 0, 0, 0, 0],
                  clip=(ck, 1))
    neg = w.add("CLIPTextEncode", ["blurry"], clip=(ck, 1))
    if vid2vid:
        clip = w.add("VHS_LoadVideo", {"video": "dance.mp4", "force_rate": 0, "frame_load_cap": 24})
        latent = w.add("VAEEncode", [], pixels=(clip, 0), vae=(ck, 2))
    else:
        latent = w.add("EmptyLatentImage", [512, 512, 24])
    s = _ad_ui(w, (ck, 0), (sched, 0), (neg, 0), (latent, 0), 0.6 if vid2vid else 1.0)
    dec = w.add("VAEDecode", [], samples=(s, 0), vae=(ck, 2))
    w.add("VHS_VideoCombine", {"frame_rate": 8, "filename_prefix": "face", "format": "video/h264-mp4"},
          images=(dec, 0))
    return w.doc()


def test_a_fizznodes_batch_prompt_schedule_is_studios_prompt_schedule_on_the_generator():
    conv = convert(_fizz_ui(), "face")
    assert conv.graph.validate() == []
    gen = _nodes(conv, "video_models.text_to_video")[0]
    sched = _nodes(conv, "video_models.prompt_schedule")
    assert len(sched) == 1 and conv.tasks[0]["inputs"] == ["schedule"]
    assert sched[0].params["prompts"].splitlines() == [
        "0: Close-up shot of the face 1girl, light_smile,", "12: Close-up shot of the face 1girl, closed_eyes,",
        "23: Close-up shot of the face 1girl, open_eyes,"]
    assert sched[0].params["frames"] == 24 and sched[0].params["mode"] == "keyframes"
    assert gen.params["prompt"] == "Close-up shot of the face 1girl, light_smile," and gen.params["frames"] == 24
    said = _said(conv)
    assert "'BatchPromptSchedule' (BatchPromptSchedule, #2)'s 3 keyframed prompts ('text'" in said
    assert "blends each keyframe's prompt into the next frame by frame" in said
    assert "which Studio does not read" not in said and "BatchPromptSchedule" not in str(conv.dropped)


def test_a_schedule_into_video_to_video_gives_its_first_prompt_and_says_the_rest():
    conv = convert(_fizz_ui(vid2vid=True), "face")
    gen = _nodes(conv, "video_models.video_to_video")
    assert gen and not _nodes(conv, "video_models.prompt_schedule")
    assert gen[0].params["prompt"] == "Close-up shot of the face 1girl, light_smile,"
    assert "the others are not taken (Video to Video has no prompt schedule)" in _said(conv)


def _invented_ui(text: str) -> dict:
    """An invented pack's schedule node, known only by the types its UI file lists (CLIP in, CONDITIONING out, a
    text setting)."""
    w = UI()
    ck = w.add("CheckpointLoaderSimple", [CKPT])
    neg = w.add("CLIPTextEncode", ["blurry"], clip=(ck, 1))
    w.links.append([100, ck, 1, 3, 0, "CLIP"])
    w.nodes.append({"id": 3, "type": "Keyframed Words (Nowhere Pack)", "mode": 0,
                    "inputs": [{"name": "clip", "type": "CLIP", "link": 100},
                               {"name": "keyed", "type": "STRING", "widget": {"name": "keyed"}, "link": None},
                               {"name": "length", "type": "INT", "widget": {"name": "length"}, "link": None}],
                    "outputs": [{"name": "CONDITIONING", "type": "CONDITIONING", "links": []}],
                    "widgets_values": [text, 32]})
    lat = w.add("EmptyLatentImage", [256, 256, 32])
    s = _ad_ui(w, (ck, 0), (3, 0), (neg, 0), (lat, 0))
    dec = w.add("VAEDecode", [], samples=(s, 0), vae=(ck, 2))
    w.add("VHS_VideoCombine", {"frame_rate": 8, "filename_prefix": "x", "format": "video/h264-mp4"},
          images=(dec, 0))
    return w.doc()


def test_any_packs_schedule_is_read_by_its_types_and_what_it_cannot_honour_is_said():
    text = ('"0": "a red fox <lora:fur:0.7>", "8": "a fox at `0.5 + t/8` dusk", "-8": "night --neg day",'
            ' "max_f/2": "noon"')
    conv = convert(_invented_ui(text), "fox")
    assert conv.graph.validate() == []
    sched = _nodes(conv, "video_models.prompt_schedule")
    assert len(sched) == 1
    assert sched[0].params["prompts"].splitlines() == ["0: a red fox <lora:fur:0.7>", "8: a fox at `0.5 + t/8` dusk",
                                                        "24: night"]
    assert sched[0].params["frames"] == 32
    said = _said(conv)
    name = "'Keyframed Words (Nowhere Pack)' (Keyframed Words (Nowhere Pack), #3)'s 'keyed'"
    assert f"{name}: the key 'max_f/2' is an expression Studio does not evaluate" in said
    assert f"{name}: its weight expressions between backticks (`0.5 + t/8`) are not evaluated" in said
    assert f"{name}: the LoRAs its keyframes name (<lora:fur:0.7>) are not loaded" in said
    assert f"{name}: its negative prompts per keyframe ('--neg') are not taken" in said
    assert "blends" not in said  # (its pack's blending is not known: not claimed)


def test_the_schedule_syntaxes_the_packs_write_are_read_as_pairs():
    assert pairs('"0" :"a",\n"12": "b \\"c\\""') == [("0", "a"), ("12", 'b "c"')]
    assert pairs('0 = "a", 16 = "b"') == [("0", "a"), ("16", "b")]  # AnimateDiff-Evolved's pythonic form
    assert pairs('"0:12": "held", "0.5": "half"') == [("0:12", "held"), ("0.5", "half")]
    assert pairs("a plain prompt, no keys") == []


def _efficient(two_passes=False) -> dict:
    """heldout7's bunong1937 animatediff.json in small: an Efficient Loader making the model, prompts and latent,
    'KSampler (Efficient)' as the first pass; with ``two_passes`` its latent upscaled x1.5 and refined at 0.8."""
    w = UI()
    eff = w.add("Efficient Loader", [CKPT, "vae-ft-ema-560000-ema-pruned.safetensors", -2, "style.safetensors", 1, 1,
                                     "", "embedding:easynegative, ", "none", "comfy", 512, 384, 24])
    sched = w.add("BatchPromptSchedule", [FIZZ, 24, False, "", "", 0, 0, 0, 0, 0], clip=(eff, 5))
    ctx = w.add("ADE_AnimateDiffUniformContextOptions", [16, 1, 4, "uniform", False])
    ad = w.add("ADE_AnimateDiffLoaderWithContext", ["mm_sd_v15_v2.ckpt", "sqrt_linear (AnimateDiff)", 1, True],
               model=(eff, 0), context_options=(ctx, 0))
    first = w.add("KSampler (Efficient)", [545424114465607, None, 24, 7, "ddim", "normal", 1, "auto", "true"],
                  model=(ad, 0), positive=(sched, 0), negative=(eff, 2), latent_image=(eff, 3),
                  optional_vae=(eff, 4))
    w.add("VHS_VideoCombine", {"frame_rate": 10, "filename_prefix": "first", "format": "video/h264-mp4"},
          images=(first, 5))
    if two_passes:
        up = w.add("LatentUpscaleBy", ["nearest-exact", 1.5], samples=(first, 3))
        second = w.add("KSampler", [0, "fixed", 24, 8, "ddim", "normal", 0.8], model=(ad, 0), positive=(sched, 0),
                       negative=(eff, 2), latent_image=(up, 0))
        dec = w.add("VAEDecode", [], samples=(second, 0), vae=(eff, 4))
        w.add("VHS_VideoCombine", {"frame_rate": 10, "filename_prefix": "second", "format": "video/h264-mp4"},
              images=(dec, 0))
    for n in w.nodes:  # the latent inputs typed as a UI file types them
        for i in n["inputs"]:
            if i["name"] in ("samples", "latent_image"):
                i["type"] = "LATENT"
    return w.doc()


def test_an_efficient_loader_is_read_by_its_types_as_checkpoint_lora_vae_prompts_and_latent():
    conv = convert(_efficient(), "eff")
    assert conv.graph.validate() == []
    load = _nodes(conv, "video_models.load")[0].params
    assert load["image_model"] == CKPT  # (never 'None': the checkpoint the Efficient Loader names)
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert (gen["width"], gen["height"], gen["frames"], gen["negative_prompt"]) == \
        (512, 384, 24, "embedding:easynegative, ")
    assert [n.params["lora"] for n in _nodes(conv, "video_models.lora")] == ["style.safetensors"]
    said = _said(conv)
    assert "'Efficient Loader' (Efficient Loader, #1) is read by its declared types as ComfyUI's " \
           "CheckpointLoaderSimple, LoraLoader, VAELoader, CLIPTextEncode, EmptyLatentImage" in said
    assert "'Efficient Loader' (Efficient Loader, #1)'s clip_skip -2 is not taken" in said
    assert "size and length come from" not in said and "SD 1.5 checkpoint 'None'" not in said
    assert "no model loader found" not in said and "1" not in conv.dropped


def test_two_passes_the_first_is_the_take_and_the_second_refines_it_as_video_to_video():
    """heldout7 item 8: the first pass is the take (its own output too), the second, after a latent upscale x1.5
    at denoise 0.8, is Video to Video on that take (made once), the upscale made as Studio's Scale x1.5 before it."""
    conv = convert(_efficient(two_passes=True), "eff")
    assert conv.graph.validate() == []
    t2v = _nodes(conv, "video_models.text_to_video")
    v2v = _nodes(conv, "video_models.video_to_video")
    assert len(t2v) == 1 and len(v2v) == 1 and t2v[0].params["guidance"] == 7
    p = v2v[0].params
    run = int(p["steps"] * p["strength"] + 1e-9)  # the steps it runs: its own 24 (denoise_steps)
    assert (p["strength"], run, p["guidance"], p["seed"]) == (0.8, 24, 8.0, 0)
    assert any(link.src == t2v[0].id and link.dst == _nodes(conv, "transform.scale")[0].id for link in conv.graph.links)
    assert len(_nodes(conv, "io.save_video")) == 2  # each output its own, the first pass's take generated once
    said = _said(conv)
    assert "'LatentUpscaleBy' (LatentUpscaleBy, #7) upscales the latent of 'KSampler (Efficient)' (KSampler " \
           "(Efficient), #5) for 'KSampler' (KSampler, #8)'s second pass (denoise 0.8)" in said
    assert "a pass, not another segment: 'KSampler' (KSampler, #8) reworks every frame of the take of 'KSampler " \
           "(Efficient)' (KSampler (Efficient), #5)" in said
    assert "(upscale_method nearest-exact, scale_by 1.5)" in said and "on the frames' way is not applied" not in said
    assert "scaled by Studio's Scale before it as ComfyUI's 'LatentUpscaleBy' (LatentUpscaleBy, #7) upscales the " \
           "take's latent (upscaled in pixels then re-encoded, where ComfyUI upscales the latent)" in said  # (hires5)
    scale = _nodes(conv, "transform.scale")
    assert len(scale) == 1 and scale[0].params["scale"] == 1.5
    assert conv.graph.input_link(v2v[0].id, "video").src == scale[0].id
    assert "the take reworked' -> another Save Video" not in said


def _motion_lora(name: str) -> dict:
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": CKPT}},
        "2": {"class_type": "ADE_AnimateDiffLoRALoader", "inputs": {"name": name, "strength": 0.8}},
        "3": {"class_type": "ADE_AnimateDiffLoaderWithContext",
              "inputs": {"model": ["1", 0], "model_name": MOTION, "beta_schedule": "autoselect",
                         "motion_lora": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a boat", "clip": ["1", 1]}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 16}},
        "6": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "cfg": 7, "sampler_name": "euler",
                                                   "scheduler": "normal", "denoise": 1.0, "model": ["3", 0],
                                                   "positive": ["4", 0], "negative": ["4", 0],
                                                   "latent_image": ["5", 0]}},
        "7": {"class_type": "VAEDecode", "inputs": {"samples": ["6", 0], "vae": ["1", 2]}},
        "8": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["7", 0], "fps": 8}},
    }


def test_a_pickled_motion_lora_stays_refused_in_a_true_sentence():
    said = _said(convert(_motion_lora("v2_lora_TiltDown.ckpt"), "tilt"))
    assert "'ADE_AnimateDiffLoRALoader' (ADE_AnimateDiffLoRALoader, #2)'s strength 0.8 (a motion LoRA " \
           "'v2_lora_TiltDown.ckpt') is not taken: Studio never opens a pickled file" in said


def test_a_schedule_text_reads_in_linear_time():
    import time
    text = ",\n".join(f'"{k * 4}": "p{k}"' for k in range(1000))
    t = time.process_time()
    assert len(pairs(text)) == 1000
    assert time.process_time() - t < 1.0


def test_a_safetensors_motion_lora_is_a_video_lora_on_the_model():
    wf = _motion_lora("v2_lora_ZoomIn.safetensors")
    wf["9"] = {"class_type": "ADE_AnimateDiffLoRALoader", "inputs": {"name": "pan.safetensors", "strength": 0.5,
                                                                   "prev_motion_lora": ["2", 0]}}
    wf["3"]["inputs"]["motion_lora"] = ["9", 0]
    conv = convert(wf, "zoom")
    assert conv.graph.validate() == []
    assert {(n.params["lora"], n.params["strength"]) for n in _nodes(conv, "video_models.lora")} == \
        {("v2_lora_ZoomIn.safetensors", 0.8), ("pan.safetensors", 0.5)}
    said = _said(conv)
    assert "'ADE_AnimateDiffLoRALoader' (ADE_AnimateDiffLoRALoader, #2)'s motion LoRA 'v2_lora_ZoomIn.safetensors' " \
           "(strength 0.8) is read as a LoRA on the model: where a generator is made from that model, a Video LoRA on it" in said
    assert "is not taken" not in said.split("motion LoRA")[0] and "a motion LoRA 'pan" not in said
    assert not {"2", "9"} & set(conv.dropped)


def test_a_schedule_giving_one_frames_prompt_is_that_prompt_not_a_schedule():
    wf = _motion_lora("v2_lora_ZoomIn.ckpt")
    wf["4"] = {"class_type": "PromptSchedule", "inputs": {"text": '"0": "a boat", "10": "a ship"', "clip": ["1", 1],
                                                          "max_frames": 16, "current_frame": 12,
                                                          "print_output": False}}
    conv = convert(wf, "one")
    assert not _nodes(conv, "video_models.prompt_schedule")
    assert _nodes(conv, "video_models.text_to_video")[0].params["prompt"] == "a ship"
    assert "give the prompt of one frame, its 'current_frame' 12: that frame's is the generator's prompt" in _said(conv)


def test_a_batch_schedule_in_the_api_layout_is_never_read_as_a_plain_text_encoder():
    wf = _motion_lora("v2_lora_ZoomIn.ckpt")
    wf["4"] = {"class_type": "BatchPromptSchedule", "inputs": {"text": '"0": "a boat", "10": "a ship"',
                                                               "clip": ["1", 1], "max_frames": 16,
                                                               "print_output": False, "pre_text": "calm sea,"}}
    conv = convert(wf, "api")
    assert _nodes(conv, "video_models.prompt_schedule")[0].params["prompts"] == "0: calm sea, a boat\n10: calm sea, a ship"
    assert _nodes(conv, "video_models.text_to_video")[0].params["prompt"] == "calm sea, a boat"
    assert "read as ComfyUI's CLIPTextEncode" not in _said(conv)


def test_animatediff_evolveds_prompt_scheduling_reads_its_texts_and_says_its_interpolation():
    wf = _motion_lora("v2_lora_ZoomIn.ckpt")
    wf["10"] = {"class_type": "PrimitiveStringMultiline", "inputs": {"value": "watercolor,"}}
    wf["4"] = {"class_type": "ADE_PromptScheduling", "inputs": {"prompts": '0 = "a boat", -4 = "a ship"',
                                                                "clip": ["1", 1], "prepend_text": ["10", 0],
                                                                "max_length": 16, "tensor_interp": "slerp"}}
    conv = convert(wf, "ade")
    assert _nodes(conv, "video_models.prompt_schedule")[0].params["prompts"] == \
        "0: watercolor, a boat\n12: watercolor, a ship"
    said = _said(conv)
    assert "its tensor_interp 'slerp' (how it blends prompts between keyframes) is not taken" in said
    assert "blends each keyframe's prompt into the next frame by frame" in said
