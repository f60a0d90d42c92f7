"""Issue 112, fix24 (heldout115 03's two loose words), told by declared types and links:
1. a node declared to give a text (STRING) and CONDITIONING besides the model it passes on (rgthree's Power Prompt)
   was called "a model patch": now a node encoding its text, passing the model on;
2. a later pass refining regions cut out of the take (a face-fix pass: 'Cut By Mask' given a mask, encoded and
   refined) was said to refine the take, with a Video to Video after the generator as its stand-in: now said as
   regions cut out of the take by that step, the refine not made."""
from __future__ import annotations

from types import SimpleNamespace

from studio.convert.mapping.convert import convert
from studio.convert.mapping import patch_inputs
from studio.convert.reading.workflow import CNode, Workflow
from studio.convert.takes import passes, region_refine
from tests.convert.said import api, said


def _wan(extra: dict | None = None, model=("1", 0), refine_from=None, raw_save: bool = False) -> dict:
    nodes = {
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a dancer on a pier", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 480, "height": 480, "length": 33, "batch_size": 1}),
        "7": ("KSampler", {"seed": 1, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc", "scheduler": "simple",
                           "denoise": 1.0, "model": list(model), "positive": ["4", 0], "negative": ["5", 0],
                           "latent_image": ["6", 0]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "9": ("CreateVideo", {"images": ["8", 0], "fps": 16}),
        "10": ("SaveVideo", {"video": ["9", 0], "filename_prefix": "video/x", "format": "auto", "codec": "auto"})}
    if refine_from is not None:  # a second pass on what the take's frames become there, its output the only one
        if not raw_save:
            del nodes["9"], nodes["10"]
        nodes |= {
            "20": ("VAEEncode", {"pixels": list(refine_from), "vae": ["3", 0]}),
            "21": ("KSamplerAdvanced", {"add_noise": "enable", "noise_seed": 2, "steps": 16, "cfg": 2.0,
                                        "sampler_name": "euler", "scheduler": "simple", "start_at_step": 12,
                                        "end_at_step": 10000, "return_with_leftover_noise": "disable",
                                        "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                                        "latent_image": ["20", 0]}),
            "22": ("VAEDecode", {"samples": ["21", 0], "vae": ["3", 0]}),
            "23": ("CreateVideo", {"images": ["22", 0] if not raw_save else ["43", 0], "fps": 16}),
            "24": ("SaveVideo", {"video": ["23", 0], "filename_prefix": "video/y", "format": "auto", "codec": "auto"})}
    return api(nodes | (extra or {}))


def test_a_text_encoding_node_passing_the_model_on_is_no_model_patch():
    pp = {"30": ("Power Prompt (rgthree)", {"prompt": "", "insert_lora": "CHOOSE", "opt_model": ["1", 0],
                                            "opt_clip": ["2", 0]})}
    text = said(convert(_wan(pp, model=("30", 1)), "power_prompt"))
    assert "'Power Prompt (rgthree)' (Power Prompt (rgthree), #30: a node encoding its text, passing the model on " \
           "(declared to give STRING and CONDITIONING besides it: no model patch" in text, text
    assert "#30: a model patch" not in text and "#30), a model patch" not in text
    lora_listed = CNode("9", "SomePackLoraListWithSummary", out_types=["MODEL", "MODEL", "STRING"])  # (VRGDG's)
    assert patch_inputs.patch_words(lora_listed) == "a model patch"  # (a LoRA loader saying what it loaded: a patch)
    encoder = CNode("9", "SomePackPromptWithModel", out_types=["CONDITIONING", "MODEL", "CLIP", "STRING"])
    assert patch_inputs.patch_words(encoder).startswith("a node encoding its text, passing the model on")
    freeu = {"31": ("FreeU_V2", {"b1": 1.3, "b2": 1.4, "s1": 0.9, "s2": 0.2, "model": ["1", 0]})}
    assert "(FreeU_V2, #31: a model patch)" in said(convert(_wan(freeu, model=("31", 0)), "freeu"))


def _face_fix(cut: bool) -> Workflow:
    """A take's decoded frames (#8), where ``cut`` through 'Cut By Mask' given a mask picture and an ImageScale,
    encoded (#20) and refined over the last 4 of 16 steps by a second sampler (#21)."""
    nodes = {"1": ("CheckpointLoaderSimple", {"ckpt_name": "dreamshaper_8.safetensors"}),
             "6": ("EmptyLatentImage", {"width": 512, "height": 512, "batch_size": 16}),
             "7": ("KSampler", {"seed": 1, "steps": 20, "cfg": 7.0, "sampler_name": "euler", "scheduler": "normal",
                                "denoise": 1.0, "model": ["1", 0], "positive": ["1", 1], "negative": ["1", 1],
                                "latent_image": ["6", 0]}),
             "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["1", 2]}),
             "20": ("VAEEncode", {"pixels": ["42", 0] if cut else ["8", 0], "vae": ["1", 2]}),
             "21": ("KSamplerAdvanced", {"add_noise": "enable", "noise_seed": 2, "steps": 16, "cfg": 2.2,
                                         "sampler_name": "lcm", "scheduler": "sgm_uniform", "start_at_step": 12,
                                         "end_at_step": 10000, "return_with_leftover_noise": "disable",
                                         "model": ["1", 0], "positive": ["1", 1], "negative": ["1", 1],
                                         "latent_image": ["20", 0]}),
             "40": ("LoadImage", {"image": "faces_mask.png"}),
             "41": ("Cut By Mask", {"image": ["8", 0], "mask": ["40", 0], "force_resize_width": 0,
                                    "force_resize_height": 0}),
             "42": ("ImageScale", {"image": ["41", 0], "upscale_method": "lanczos", "width": 512, "height": 512,
                                   "crop": "disabled"})}
    return Workflow.read(api(nodes))


def test_a_pass_refining_regions_cut_out_of_the_take_is_never_said_to_refine_the_take():
    wf = _face_fix(cut=True)
    cut = region_refine.cutter(wf, passes.latent_back(wf, wf.nodes["21"])[1])
    assert cut is not None and cut.id == "41"
    whole = _face_fix(cut=False)  # (the take's frames encoded as they are: it refines the take)
    assert region_refine.cutter(whole, passes.latent_back(whole, whole.nodes["21"])[1]) is None
    line = passes.refine_line(SimpleNamespace(wf=wf, family_now="animatediff"),
                              SimpleNamespace(node=wf.nodes["21"], steps=16, cfg=2.2, seed=2, start=12, end=10000),
                              {"width": 512, "height": 512})
    assert line.startswith("a later pass: 'KSamplerAdvanced' (KSamplerAdvanced, #21) refines regions cut out of the "
                           "take by 'Cut By Mask' (Cut By Mask, #41), given a mask ("), line
    assert "the refine of those regions is not made (a Video to Video after the generator would refine the whole " \
           "frame)" in line and "refines the take" not in line and "add a Video to Video" not in line


def test_a_take_and_its_face_fixed_output_are_one_generator():
    """heldout115 03: the raw take's Save and a Save of the take with regions cut out of it refined and pasted back
    (a refine Studio does not make) were two generator pipelines of the same first sampler: the take made twice."""
    fix = {"40": ("LoadImage", {"image": "faces_mask.png"}),
           "41": ("Cut By Mask", {"image": ["8", 0], "mask": ["40", 0], "force_resize_width": 0,
                                  "force_resize_height": 0}),
           "42": ("ImageScale", {"image": ["41", 0], "upscale_method": "lanczos", "width": 512, "height": 512,
                                 "crop": "disabled"}),
           "43": ("Paste By Mask", {"image_base": ["8", 0], "image_to_paste": ["22", 0], "mask": ["40", 0],
                                    "resize_behavior": "resize"})}
    conv = convert(_wan(fix, refine_from=("42", 0), raw_save=True), "face_fix")
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video"], conv.tasks
    assert len([n for n in conv.graph.nodes.values() if n.type_id == "io.save_video"]) == 2
    text = said(conv)
    assert "'SaveVideo' (SaveVideo, #24) writes the take 'KSampler' (KSampler, #7) makes, then a later pass: " \
           "'KSamplerAdvanced' (KSamplerAdvanced, #21) refines regions cut out of the take by 'Cut By Mask' " \
           "(Cut By Mask, #41), given a mask (denoise 0.25, 16 steps" in text, text
    assert "so it is one more Save Video of that take, generated once" in text
