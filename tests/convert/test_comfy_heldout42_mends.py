"""Mechanisms a forty-second held-out set (benchmarks/results/heldout42_2026-11-30.md: LTX-2.3 and Wan 2.2 files that
programs and apps keep; owners s-z and digits) showed, each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said
from .test_comfy_wrappers import UI
from .workflow_shapes import wan_t2v_combined


def _ltx_av_i2v(prompt: str) -> dict:
    """An LTX-2.3 picture to video whose joint audio latent is made and not decoded (toxicoder's lab examples)."""
    return api({
        "1": ("UNETLoader", {"unet_name": "ltx-2.3-22b-distilled_transformer_only_fp8.safetensors",
                             "weight_dtype": "default"}),
        "2": ("VAELoader", {"vae_name": "LTX23_video_vae_bf16.safetensors"}),
        "3": ("DualCLIPLoader", {"clip_name1": "gemma_3_12B_it.safetensors", "type": "ltxv", "device": "default",
                                 "clip_name2": "ltx-2.3_text_projection_bf16.safetensors"}),
        "13": ("VAELoader", {"vae_name": "LTX23_audio_vae_bf16.safetensors"}),
        "4": ("LoadImage", {"image": "start.png"}),
        "5": ("CLIPTextEncode", {"text": prompt, "clip": ["3", 0]}),
        "6": ("CLIPTextEncode", {"text": "flicker", "clip": ["3", 0]}),
        "7": ("LTXVImgToVideo", {"width": 768, "height": 512, "length": 121, "batch_size": 1, "strength": 1.0,
                                 "positive": ["5", 0], "negative": ["6", 0], "vae": ["2", 0], "image": ["4", 0]}),
        "8": ("LTXVConditioning", {"frame_rate": 24.0, "positive": ["7", 0], "negative": ["7", 1]}),
        "14": ("LTXVEmptyLatentAudio", {"frames_number": 121, "frame_rate": 24, "batch_size": 1,
                                        "audio_vae": ["13", 0]}),
        "15": ("LTXVConcatAVLatent", {"video_latent": ["7", 2], "audio_latent": ["14", 0]}),
        "9": ("KSampler", {"seed": 42, "steps": 20, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1.0, "model": ["1", 0], "positive": ["8", 0], "negative": ["8", 1],
                           "latent_image": ["15", 0]}),
        "16": ("LTXVSeparateAVLatent", {"av_latent": ["9", 0]}),
        "10": ("VAEDecode", {"samples": ["16", 0], "vae": ["2", 0]}),
        "18": ("VHS_VideoCombine", {"frame_rate": 24, "loop_count": 0, "filename_prefix": "orbit",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                    "images": ["10", 0]}),
    })


def test_a_file_name_in_a_prompts_words_is_not_an_image_lost_on_the_way():
    """toxicoder's 30 s orbit (02): its prompt begins 'From the example.png stick-figure girl'; the prompt's encoder
    was taken for a node bringing the image 'example.png' in and said lost at LTXVSeparateAVLatent, though the
    picture (LoadImage) is wired into the generator."""
    conv = convert(_ltx_av_i2v("From the start.png doodle, a slow orbit around the girl on the hill"), "orbit")
    gen = nodes_of(conv, "video_models.ltx2")
    assert gen and gen[0].params["prompt"].startswith("From the start.png doodle")
    assert [n.params["path"] for n in nodes_of(conv, "io.load_image")] == ["start.png"]
    text = said(conv)
    assert "(CLIPTextEncode, #5)" not in text and "reaches this output" not in text


def _clip_upscale(scale_from_math: bool) -> dict:
    """A clip upscaled by a TensorRT engine, then scaled by a ratio a slider gives through a math node (UmeAiRT's
    upscaler tool, heldout42 06)."""
    nodes = {
        "2": ("VHS_LoadVideo", {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
        "11": ("LoadUpscalerTensorrtModel", {"model": "4x-UltraSharp", "precision": "fp16"}),
        "12": ("UpscalerTensorrt", {"resize_to": "none", "images": ["2", 0], "upscaler_trt_model": ["11", 0]}),
        "7": ("PrimitiveFloat", {"value": 2.0}),
        "8": ("ComfyMathExpression", {"expression": "a/4", "values.a": ["7", 0]}),
        "10": ("ImageScaleBy", {"upscale_method": "nearest-exact", "image": ["12", 0],
                                "scale_by": ["8", 0] if scale_from_math else 0.5}),
        "6": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "UP",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                   "images": ["10", 0]}),
    }
    return api(nodes)


def test_an_upscalers_engine_named_by_its_loader_is_said_with_that_name():
    """The TensorRT loader names its engine '4x-UltraSharp' (no file Studio reads): it was said "the workflow names no
    upscaler file" (false); the loader and the name it gives are said instead."""
    conv = convert(_clip_upscale(False), "up")
    text = said(conv)
    assert "the workflow names no upscaler file" not in text
    assert "(LoadUpscalerTensorrtModel, #11)" in text and "'4x-UltraSharp'" in text
    assert nodes_of(conv, "finishing.upscale")[0].params["model"] == ""


def test_a_scale_wired_from_a_value_worked_out_when_converting_is_applied():
    """ImageScaleBy's scale_by given 2 / 4 by a slider through a math node: the resize on the utility's way was passed
    over ("gives 'scale_by' 0.5, which Studio does not read there"), the clip written at the engine's x4, not x2."""
    conv = convert(_clip_upscale(True), "up")
    scales = [n.params for n in nodes_of(conv, "transform.scale") if n.params.get("scale") != 1.0]
    assert [p["scale"] for p in scales] == [0.5]
    assert "which Studio does not read there" not in said(conv)


def _tiled_sampler_ui() -> dict:
    """Wan 2.1 text to video through a pack's sampler Studio reads as KSampler, its page listing seven settings as
    inputs and saving eight values (the 'randomize' after its seed), as wangxingfen's Tiled KSampler (09)."""
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_bf16.safetensors", "default"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"])
    pos = w.add("CLIPTextEncode", ["a heron lands on a pier"], clip=(clip, 0))
    neg = w.add("CLIPTextEncode", ["blurry"], clip=(clip, 0))
    lat = w.add("EmptyHunyuanLatentVideo", [480, 832, 33, 1])
    sid = len(w.nodes) + 1
    ins = []
    for name, (src, slot), kind in (("model", (unet, 0), "MODEL"), ("positive", (pos, 0), "CONDITIONING"),
                                     ("negative", (neg, 0), "CONDITIONING"), ("latent_image", (lat, 0), "LATENT")):
        lid = len(w.links) + 1
        w.links.append([lid, src, slot, sid, len(ins), kind])
        ins.append({"name": name, "type": kind, "link": lid})
    for name, kind in (("seed", "INT"), ("tiling", "INT"), ("steps", "INT"), ("cfg", "FLOAT"),
                       ("sampler_name", "COMBO"), ("scheduler", "COMBO"), ("denoise", "FLOAT")):
        ins.append({"name": name, "type": kind, "widget": {"name": name}, "link": None})
    w.nodes.append({"id": sid, "type": "Tiled KSampler (Nowhere Pack)", "mode": 0, "inputs": ins,
                    "outputs": [{"name": "LATENT", "type": "LATENT", "links": []}],
                    "widgets_values": [12345, "randomize", 1, 7, 3.5, "uni_pc", "simple", 1]})
    dec = w.add("VAEDecode", [], samples=(sid, 0), vae=(vae, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 16, "filename_prefix": "heron", "format": "video/h264-mp4"},
          images=(dec, 0))
    return w.doc()


def test_a_pack_samplers_values_are_named_by_its_inputs_past_the_seeds_control_value():
    """Seven settings listed as inputs, eight values saved (the frontend's 'randomize' after the seed): the values
    were left unnamed ("its own inputs #0 ..., #7 1 are not applied") and the generator's default steps, guidance and
    seed stood; each is named by its input, the control value skipped."""
    conv = convert(_tiled_sampler_ui(), "heron")
    gen = nodes_of(conv, "video_models.text_to_video")
    assert gen, said(conv)
    p = gen[0].params
    assert (p["steps"], p["guidance"], p["seed"]) == (7, 3.5, 12345)
    text = said(conv)
    assert "#0 12345" not in text and "its own input tiling 1 is not applied" in text


def test_a_video_combines_ping_pong_is_made_after_the_take():
    """wangxingfen's FLF2V (09) writes its take forward then back (Video Combine's pingpong): it was said not applied;
    Studio's Time (trim the first frame, reverse, trim the first again) and Concatenate make the same frames, the
    take first, then the take played back from its last frame but one to its second."""
    conv = convert(wan_t2v_combined(pingpong=True), "heron")
    gen = nodes_of(conv, "video_models.text_to_video")[0]
    times = nodes_of(conv, "edit.time")
    assert [t.params["mode"] for t in times] == ["trim", "reverse", "trim"]
    assert [t.params["start"] for t in times if t.params["mode"] == "trim"] == [1, 1]
    cat = nodes_of(conv, "edit.concatenate")
    assert len(cat) == 1
    into = {(l.dst, l.dst_port): l.src for l in conv.graph.links}
    assert into[(cat[0].id, "a")] == gen.id and into[(cat[0].id, "b")] == times[2].id
    save = nodes_of(conv, "io.save_video")[0]
    assert into[(save.id, "video")] == cat[0].id
    text = said(conv)
    assert "pingpong not applied" not in text and "writes its frames forward then back" in text
    # Video Combine writes a sound it is given as it is, not played back: a ping-pong beside a sound is left said
    wf = wan_t2v_combined(pingpong=True, audio=["20", 0])
    wf["20"] = {"class_type": "LoadAudio", "inputs": {"audio": "voice.wav"}}
    conv = convert(wf, "heron")
    assert not nodes_of(conv, "edit.concatenate") and "pingpong not applied" in said(conv)


def test_a_ping_pong_goes_after_the_rate_a_second_output_writes_its_frames_at():
    """A second Video Combine of the same take, RIFE x2 written at 28 fps with ping-pong (heldout40's gen4sp file):
    the ping-pong goes after the Frame Rate that output's rate needs, never between the interpolation and it (which
    dropped the Frame Rate and its sentence)."""
    wf = wan_t2v_combined(pingpong=True)
    wf["10"] = {"class_type": "RIFE VFI", "inputs": {"ckpt_name": "rife47.pth", "clear_cache_after_n_frames": 10,
                                                     "multiplier": 2, "frames": ["8", 0]}}
    wf["11"] = {"class_type": "VHS_VideoCombine", "inputs": {
        "images": ["10", 0], "frame_rate": 28, "loop_count": 0, "filename_prefix": "heron_x2",
        "format": "video/h264-mp4", "pingpong": True, "save_output": True}}
    conv = convert(wf, "heron")
    into = {(l.dst, l.dst_port): l.src for l in conv.graph.links}
    rates = nodes_of(conv, "edit.frame_rate")
    assert len(rates) == 1 and len(nodes_of(conv, "edit.concatenate")) == 2
    fed = [n for n in nodes_of(conv, "edit.time") if into.get((n.id, "video")) == rates[0].id]
    assert [n.params["mode"] for n in fed] == ["trim"]  # (the ping-pong after the rate)
    assert "writes the take at 16 fps, not the 14 fps the generator makes it at" in said(conv)
