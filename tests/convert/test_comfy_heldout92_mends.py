"""The ninety-second held-out set's mends (benchmarks/results/heldout92_2026-12-01.md), each on a small workflow
written here from the facts of the file that showed it:

- 10: an API file names a V3 dynamic combo's inputs '<combo>.<input>' ('sampling_mode.repetition_penalty' of
  TextGenerateLTX2Prompt); Enhance Prompt took its own defaults for them without a word (1.05 for the file's 1.15).
- 07/08: "the positive prompt is written by ComfyUI's 'PreviewAny' (PreviewAny, #203)": Preview as Text gives on the
  text a Qwen3-VL node writes; the writer is that node.
- 07/08: LTX-2's refining pass after the upsampler was called "the second pass" where an 8-step pass at the first
  size runs before it (the third).
- 09: a sampler whose take ends only at a bypassed save was said held by the unknown nodes it is given its latent
  through ("no video output Studio reads after the sampler ... of types no pack ... declares"): ComfyUI does not run it.
- 09: a node listed as not converted showed a wired prompt as '(wired)' where Studio works the text out (a
  StringConcatenate read as a value): that prompt was named nowhere."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow

from tests.convert.test_comfy_heldout12_mends import _ui
from tests.convert.test_comfy_heldout17_mends import _ltx2_two_stages


def _n(cls: str, **inputs) -> dict:
    return {"class_type": cls, "inputs": inputs}


def _said(conv) -> str:
    return "\n".join(conv.log + [n["text"] for n in conv.graph.ui.get("notes", [])])


def _ltx25_enhanced() -> dict:
    """An API file: LTX-2.5 text to video, its prompt written by TextGenerateLTX2Prompt (Gemma 4 E2B), the enhancer's
    sampling values saved under its 'sampling_mode' combo as ComfyUI's API export names them."""
    return {
        "1": _n("UNETLoader", unet_name="ltx-2.5-22b-distilled-transformer-comfy-int8-convrot.safetensors",
                weight_dtype="default"),
        "2": _n("CLIPLoader", clip_name="gemma4-12b-with-proj-ltx-2.5-comfy-int8-convrot.safetensors", type="ltxv",
                device="default"),
        "3": _n("VAELoader", vae_name="ltx-2.5-video-vae-bf16.safetensors"),
        "4": _n("VAELoader", vae_name="ltx-2.5-audio-vae-bf16.safetensors"),
        "5": _n("CLIPLoader", clip_name="gemma4_e2b_it_int8_convrot.safetensors", type="ltxv", device="default"),
        "6": _n("PrimitiveStringMultiline", value="a paper boat on a rainy street"),
        "7": _n("TextGenerateLTX2Prompt", clip=["5", 0], prompt=["6", 0], max_length=400, sampling_mode="on",
                **{"sampling_mode.temperature": 0.5, "sampling_mode.top_k": 20, "sampling_mode.top_p": 0.9,
                   "sampling_mode.min_p": 0.1, "sampling_mode.repetition_penalty": 1.15, "sampling_mode.seed": 7,
                   "sampling_mode.presence_penalty": 0}, thinking=False, use_default_template=True),
        "8": _n("CLIPTextEncode", clip=["2", 0], text=["7", 0]),
        "9": _n("CLIPTextEncode", clip=["2", 0], text="blurry"),
        "10": _n("LTXVConditioning", positive=["8", 0], negative=["9", 0], frame_rate=24),
        "11": _n("EmptyLTXVLatentVideo", width=768, height=512, length=121, batch_size=1),
        "12": _n("LTXVEmptyLatentAudio", audio_vae=["4", 0], frames_number=121, frame_rate=24, batch_size=1),
        "13": _n("LTXVConcatAVLatent", video_latent=["11", 0], audio_latent=["12", 0]),
        "14": _n("CFGGuider", model=["1", 0], positive=["10", 0], negative=["10", 1], cfg=1),
        "15": _n("KSamplerSelect", sampler_name="euler"),
        "16": _n("RandomNoise", noise_seed=42),
        "17": _n("ManualSigmas", sigmas="1.0, 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875, 0.0"),
        "18": _n("SamplerCustomAdvanced", noise=["16", 0], guider=["14", 0], sampler=["15", 0], sigmas=["17", 0],
                 latent_image=["13", 0]),
        "19": _n("LTXVSeparateAVLatent", av_latent=["18", 0]),
        "20": _n("VAEDecode", samples=["19", 0], vae=["3", 0]),
        "21": _n("LTXVAudioVAEDecode", samples=["19", 1], audio_vae=["4", 0]),
        "22": _n("CreateVideo", images=["20", 0], audio=["21", 0], fps=24),
        "23": _n("SaveVideo", video=["22", 0], filename_prefix="boat", format="auto", codec="auto"),
    }


def test_an_api_files_dynamic_combo_values_are_read_by_their_own_names():
    """10: 'sampling_mode.repetition_penalty' 1.15 (and the others, none of them the defaults here) set on Enhance
    Prompt, where its own defaults were taken."""
    g = convert(_ltx25_enhanced(), "boat.json").graph
    [en] = [n for n in g.nodes.values() if n.type_id == "video_models.ltx2_enhance_prompt"]
    assert {k: en.params[k] for k in ("max_new_tokens", "temperature", "top_k", "top_p", "min_p",
                                      "repetition_penalty", "seed")} == {
        "max_new_tokens": 400, "temperature": 0.5, "top_k": 20, "top_p": 0.9, "min_p": 0.1,
        "repetition_penalty": 1.15, "seed": 7}


def test_a_combos_setting_is_found_only_under_a_saved_choice():
    """The rule itself: 'x.name' is read for 'name' where 'x' is a setting of the node (a combo's choice); an
    autogrow's 'values.a' (no 'values' saved) is not, nor a name the node keeps itself."""
    wf = Workflow.read({
        "1": _n("TextGenerateLTX2Prompt", sampling_mode="on", **{"sampling_mode.top_k": 20}, top_p=0.5,
                **{"sampling_mode.top_p": 0.9}),
        "2": _n("ComfyMathExpression", expression="a", **{"values.a": 3}),
    })
    enh, math = wf.nodes["1"], wf.nodes["2"]
    assert wf.value(enh, "top_k") == 20 and wf.value(enh, "top_p") == 0.5  # (its own 'top_p' wins)
    assert wf.value(math, "a") is None and wf.value(enh, "min_p") is None


def test_a_prompt_given_through_preview_as_text_names_the_node_that_writes_it():
    """07/08: the QwenVL text reaches the encoder through PreviewAny: the writer named is AILab_QwenVL (vlm21: made
    as Studio's Caption, tests/convert/test_comfy_vlm21.py)."""
    doc = _ltx2_two_stages({"strength": 1.0, "bypass": False})
    doc["40"] = _n("AILab_QwenVL", image=["6", 0], model_name="Qwen3-VL-4B-Instruct", quantization="None (FP16)",
                   attention_mode="sdpa", preset_prompt="Ultra Detailed Description", custom_prompt="describe it",
                   max_tokens=256, keep_model_loaded=False, seed=1)
    doc["41"] = _n("PreviewAny", source=["40", 0])
    doc["3"]["inputs"]["text"] = ["41", 0]
    said = _said(convert(doc, "vl.json"))
    assert "'AILab_QwenVL' (AILab_QwenVL, #40) writes a text of the picture of Studio's" in said
    assert "made as Studio's Caption, model 'Qwen3-VL-4B-Instruct'" in said
    assert "written by ComfyUI's 'PreviewAny'" not in said


def test_the_refining_pass_after_a_middle_pass_is_called_the_third():
    """07/08: a pass at the first size (re-guided by the picture) between the first pass and the upsampler: the
    upscale's refining pass is the take's third, and no sentence calls it the second."""
    doc = _ltx2_two_stages({"strength": 1.0, "bypass": False})
    doc["50"] = _n("LTXVImgToVideoInplace", strength=1.0, bypass=False, vae=["1", 2], image=["6", 0],
                   latent=["33", 0])
    doc["51"] = _n("LTXVConcatAVLatent", video_latent=["50", 0], audio_latent=["33", 1])
    doc["52"] = _n("ManualSigmas", sigmas="0.975, 0.909375, 0.725, 0.421875, 0.0")
    doc["53"] = _n("RandomNoise", noise_seed=7)
    doc["54"] = _n("SamplerCustomAdvanced", noise=["53", 0], guider=["12", 0], sampler=["10", 0], sigmas=["52", 0],
                   latent_image=["51", 0])
    doc["55"] = _n("LTXVSeparateAVLatent", av_latent=["54", 0])
    doc["15"]["inputs"]["samples"] = ["55", 0]
    doc["34"]["inputs"]["audio_latent"] = ["55", 1]
    said = _said(convert(doc, "three.json"))
    assert "as ComfyUI's LTXVLatentUpsampler and third sampler pass do" in said
    assert "third sampler pass do, the generator's start picture put in place again first at that size" in said
    assert "the second pass puts the start image" not in said and "LTXVLatentUpsampler and second" not in said
    assert "at 'scale' x1 samples the take's latents again at that size" in said  # (ltxmid21: the second pass made at x1)


def _bypassed_save() -> dict:
    """A UI file: a Wan text to video whose latent goes through a node no pack declares and whose only save is
    bypassed; a text previewed beside it (the workflow's one output that runs)."""
    c = "CONDITIONING"
    doc = _ui([
        (1, "UNETLoader", [], ["MODEL"], ["wan2.1_t2v_1.3B_fp16.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp16.safetensors", "wan", "default"]),
        (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], [c], ["a kite over dunes"]),
        (5, "CLIPTextEncode", [("clip", "CLIP")], [c], ["blurry"]),
        (6, "EmptyHunyuanLatentVideo", [], ["LATENT"], [832, 480, 33, 1]),
        (7, "InventedLatentGate", [("value", "*")], ["*"], []),
        (8, "KSampler", [("model", "MODEL"), ("positive", c), ("negative", c), ("latent_image", "LATENT")],
         ["LATENT"], [1, "fixed", 20, 6.0, "uni_pc", "simple", 1.0]),
        (9, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (10, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [16]),
        (11, "SaveVideo", [("video", "VIDEO")], [], ["kite", "auto", "auto"]),
        (12, "PrimitiveStringMultiline", [], ["STRING"], ["a note to self"]),
        (13, "PreviewAny", [("source", "*")], ["STRING"], []),
    ], [(2, 0, 4, "clip"), (2, 0, 5, "clip"), (6, 0, 7, "value"), (1, 0, 8, "model"), (4, 0, 8, "positive"),
        (5, 0, 8, "negative"), (7, 0, 8, "latent_image"), (8, 0, 9, "samples"), (3, 0, 9, "vae"),
        (9, 0, 10, "images"), (10, 0, 11, "video"), (12, 0, 13, "source")])
    next(n for n in doc["nodes"] if n["id"] == 11)["mode"] = 4  # bypassed
    return doc


def test_a_sampler_ending_at_a_bypassed_save_is_said_not_run():
    """09: its take ends at a bypassed SaveVideo: said not run by ComfyUI, not held by the unknown node on its way."""
    conv = convert(_bypassed_save(), "off.json")
    line = next(x for x in conv.log if "no video output" in x)
    assert "reaches no output ComfyUI runs (it ends at 'SaveVideo' (SaveVideo, #11) (bypassed in ComfyUI))" in line
    assert "InventedLatentGate" not in line and "of types no pack" not in line


def test_a_not_converted_nodes_wired_prompt_is_listed_as_worked_out():
    """09: a still of a model Studio does not map (Flux.2 Klein), its prompt joined by a StringConcatenate a display
    shows too: the encoder listed as not converted gives the joined words, not '(wired)' (the join itself is named
    only by the display's sentence, without its words)."""
    c = "CONDITIONING"
    doc = _ui([
        (1, "UNETLoader", [], ["MODEL"], ["flux-2-klein-9b-fp8.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["qwen_3_8b_fp8mixed.safetensors", "flux2", "default"]),
        (3, "VAELoader", [], ["VAE"], ["flux2-vae.safetensors"]),
        (4, "StringConcatenate", [], ["STRING"], ["a creepy small crab", "walking in the sand", " "]),
        (5, "CLIPTextEncode", [("clip", "CLIP"), ("text", "STRING")], [c], ["stale words"]),
        (6, "CLIPTextEncode", [("clip", "CLIP")], [c], [""]),
        (7, "EmptySD3LatentImage", [], ["LATENT"], [1024, 576, 1]),
        (8, "KSampler", [("model", "MODEL"), ("positive", c), ("negative", c), ("latent_image", "LATENT")],
         ["LATENT"], [1234, "fixed", 4, 1.0, "euler", "simple", 1.0]),
        (9, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (10, "SaveImage", [("images", "IMAGE")], [], ["crab"]),
        (11, "Display Any (rgthree)", [("source", "*")], [], [""]),
    ], [(2, 0, 5, "clip"), (4, 0, 5, "text"), (2, 0, 6, "clip"), (1, 0, 8, "model"), (5, 0, 8, "positive"),
        (6, 0, 8, "negative"), (7, 0, 8, "latent_image"), (8, 0, 9, "samples"), (3, 0, 9, "vae"),
        (9, 0, 10, "images"), (4, 0, 11, "source")])
    said = _said(convert(doc, "still.json"))
    assert "(CLIPTextEncode, #5): {\"text\": \"(wired: 'a creepy small crab walking in the sand')\"}" in said, said
    assert "stale words" not in said
