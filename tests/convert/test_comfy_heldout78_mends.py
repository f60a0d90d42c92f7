"""Issue 112, heldout78's mends (fresh set judged on main 04468fe3): each test builds its workflow from node types,
values and links and fails without its mend.

1. A generator setting carried from a node other than the sampler (the wrapper's InfiniteTalk window node's
   motion_frame, clamped to what Studio's InfiniteTalk takes) was said to come "from 'WanVideo Sampler'": now named
   from its own node (Workflow.carry records where each carried value was read; 78/07, 78/12).
2. The wrapper's InfiniteTalk windows of frame_window_size other than the 81 frames Studio's InfiniteTalk makes were
   dropped with no word: said (78/07, 78/12).
3. Two samplers sharing one empty embeds node (two takes of one size), each given its own prompt: the second was made
   with the first's prompt, and its own text encode was listed as "not made, as nothing converted reads them": each
   take keeps its own prompt where the embeds carry none (78/01).
4. A wrapper text encode's prompt of several parts ('|'-joined prompts spread over the take; '[1]' ... EchoShot shots)
   was given whole to one generator with no word: said (78/01).
5. "No video output with a sampler found" named a canvas title (rgthree's Label: no socket, no setting, nothing wired)
   among the undeclared types that might be the sampler: such a node is left out of that clause (78/04)."""
from __future__ import annotations

from nodes.video_models.families.wan import comfy_wrapper_talk
from nodes.video_models.families.wan.talk import talk
from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, notes, said
from tests.convert.test_comfy_wrapper_embeds import _talk
from tests.convert.test_comfy_wrappers import UI, _save


def _talk_windows(window: int, motion: int):
    w = UI()
    _talk(w)
    i2v = next(n for n in w.nodes if n["type"] == "WanVideoImageToVideoMultiTalk")
    i2v["widgets_values"][2:4] = [window, motion]
    return convert(w.doc(), "wrapper_talk"), i2v["id"]


def test_a_motion_frame_studio_cannot_take_is_said_from_the_window_node_it_is_read_from():
    conv, i2v = _talk_windows(331, 259)
    gen = nodes_of(conv, "video_models.infinitetalk")[0].params
    assert gen["motion_frames"] == 73  # (its most: 81 - 8)
    line = next(x for x in said(conv).splitlines() if "'motion_frames' 259 not taken" in x)
    assert line.endswith(f"73 used instead (from 'WanVideoImageToVideoMultiTalk' #{i2v})")


def test_windows_other_than_studios_81_frames_are_said_not_taken():
    conv, i2v = _talk_windows(331, 9)
    assert (f"'WanVideoImageToVideoMultiTalk' (WanVideoImageToVideoMultiTalk, #{i2v}) makes the take in windows of "
            "331 frames (frame_window_size): not taken, Studio's InfiniteTalk makes windows of 81 frames") in said(conv)
    conv, _ = _talk_windows(81, 9)
    assert "frame_window_size" not in said(conv)
    assert comfy_wrapper_talk.WINDOW == talk.TRAINED_FRAMES  # (the converter's number is the generator's window)


def _two_takes(first: str, second: str):
    w = UI()
    model = w.add("WanVideoModelLoader", ["WanVideo\\Wan2_1-T2V-1_3B_fp16.safetensors", "fp16", "disabled",
                                          "offload_device", "sdpa"])
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    vae = w.add("WanVideoVAELoader", ["wanvideo\\Wan2_1_VAE_bf16.safetensors", "bf16"])
    empty = w.add("WanVideoEmptyEmbeds", [832, 480, 33])
    for text in (first, second):
        enc = w.add("WanVideoTextEncode", [text, "blurry", True], t5=(t5, 0))
        s = w.add("WanVideoSampler", [8, 1.0, 5.0, 68, "fixed", True, "euler", 0, 1.0], model=(model, 0),
                  text_embeds=(enc, 0), image_embeds=(empty, 0))
        _save(w, s, vae)
    return convert(w.doc(), "two_takes")


def test_two_takes_sharing_an_empty_embeds_node_each_keep_their_own_prompt():
    conv = _two_takes("a fox in the snow", "a heron by a lake")
    prompts = sorted(n.params["prompt"] for n in nodes_of(conv, "video_models.text_to_video"))
    assert prompts == ["a fox in the snow", "a heron by a lake"]
    assert "WanVideoTextEncode" not in next((x for x in said(conv).splitlines() if "not converted" in x), "")


def test_prompts_joined_by_a_bar_or_marked_as_shots_are_said_given_whole():
    conv = _two_takes("[1]a man stands [2]a man sits [3]a man walks", "dawn | noon")
    text = said(conv)
    assert ("prompt marks 3 shots ('[1]' ...), which the wrapper makes as EchoShot's shots, the take cut into 3 "
            "equal parts, one prompt each: Studio's Wan is given the text whole, as one prompt, and makes one shot"
            ) in text
    assert ("prompt is 2 prompts joined by '|', which the wrapper spreads equally over the take (its prompt "
            "travel): Studio's generator is given the text whole, as one prompt") in text
    conv = _two_takes("a fox in the snow", "a heron by a lake")
    assert "joined by '|'" not in said(conv) and "shots" not in said(conv)


def test_a_canvas_title_is_not_named_among_the_types_that_might_be_the_sampler():
    w = UI()
    label = w.add("Label (rgthree)", None)  # a title on the canvas: no socket, no settings list saved
    maker = w.add("SomePackVideoMaker", [5, "fast"])
    w.add("SomePackVideoSaver", ["clip"], video=(maker, 0))
    doc = w.doc()
    del next(n for n in doc["nodes"] if n["id"] == label)["widgets_values"]  # (as the frontend writes it)
    conv = convert(doc, "labelled")
    line = next(x for x in said(conv).splitlines() if "no video output with a sampler found" in x)
    assert "'SomePackVideoMaker'" in line and "'SomePackVideoSaver'" in line
    assert "Label (rgthree)" not in line
    assert notes(conv) is not None


def _held_start_latents(model_file: str):
    w = UI()
    model = w.add("WanVideoModelLoader", [model_file, "bf16", "disabled", "offload_device", "sdpa"])
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    text = w.add("WanVideoTextEncode", ["a woman drinks coffee", "blurry", True], t5=(t5, 0))
    vae = w.add("WanVideoVAELoader", ["wanvideo\\Wan2_1_VAE_bf16.safetensors", "bf16"])
    image = w.add("LoadImage", ["cafe.png", "image"])
    enc = w.add("WanVideoEncode", [False, 272, 272, 144, 128, 0, 1], vae=(vae, 0), image=(image, 0))
    empty = w.add("WanVideoEmptyEmbeds", [832, 480, 93], extra_latents=(enc, 0))
    s = w.add("WanVideoSampler", [16, 1.0, 12.0, 42, "fixed", True, "euler", 0, 1.0], model=(model, 0),
              text_embeds=(text, 0), image_embeds=(empty, 0))
    _save(w, s, vae)
    return convert(w.doc(), "held_start")


def test_a_held_pack_task_names_a_model_file_no_family_claims_not_the_packs_title():
    first = said(_held_start_latents("WanVideo\\LongCat_bf16.safetensors")).splitlines()[0]
    assert "makes a video (its sampler given what WanVideoEmptyEmbeds makes) with the model " \
           "'LongCat_bf16.safetensors' (ComfyUI-WanVideoWrapper);" in first
    first = said(_held_start_latents("WanVideo\\Wan2_1-T2V-14B_fp8_e4m3fn.safetensors")).splitlines()[0]
    assert "with Wan (ComfyUI-WanVideoWrapper);" in first


def test_the_seedvr2_packs_first_upscaler_is_seedvr2_upscale_on_the_clips_way():
    w = UI()
    load = w.add("LoadVideo", ["dance.mp4", "image"])
    comps = w.add("GetVideoComponents", [], video=(load, 0))
    swap = w.add("SeedVR2BlockSwap", [16, False, False])
    extra = w.add("SeedVR2ExtraArgs", [True, 256, 32, False, False, False, "cuda:0"])
    up = w.add("SeedVR2", ["seedvr2_ema_3b_fp16.safetensors", 7, "fixed", 720, 8], images=(comps, 0),
               block_swap_config=(swap, 0), extra_args=(extra, 0))
    make = w.add("CreateVideo", [30], images=(up, 0), fps=(comps, 2))
    w.add("SaveVideo", ["video/up", "mp4", "auto"], video=(make, 0))
    conv = convert(w.doc(), "seedvr2_v1")
    gen = nodes_of(conv, "finishing.seedvr2")[0].params
    assert (gen["model"], gen["vae"], gen["seed"], gen["short_edge"]) == (
        "seedvr2_ema_3b_fp16.safetensors", "ema_vae_fp16.safetensors", 7, 720)
    assert (gen["window"], gen["overlap"], gen["color_fix"], gen["vae_tile"], gen["vae_overlap"]) == (
        9, 0, "wavelet", 256, 32)
    assert nodes_of(conv, "io.load_video")[0].params["path"] == "dance.mp4"
    assert nodes_of(conv, "edit.replace_audio")  # (CreateVideo given no sound: written without)
    text = said(conv)
    assert f"'SeedVR2' (#{up}) is the pack's first upscaler" in text and "batch_size 8 as windows of 9" in text
    assert f"#{swap} blocks_to_swap 16" in text and "Studio cannot convert 'SeedVR2'" not in text
