"""Mechanisms a twenty-ninth held-out set (benchmarks/results/heldout29_2026-11-29.md: any video workflow an artist
shares - WanVideoWrapper examples as copied into forks and services, LTX-2.3 packs' templates, API mocks) showed, each
on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_vace_module import _wire
from tests.convert.test_comfy_wrapper_embeds import _said
from tests.convert.test_comfy_wrappers import UI, _common, _nodes, _sampler, _save

LQ = "WanVideo\\FlashVSR\\Wan2_1_FlashVSR_LQ_proj_model_bf16.safetensors"


def test_a_wrapper_extra_model_is_not_called_a_vace_module():
    """saha18uiuc's FlashVSR example (12): "'WanVideoExtraModelSelect' (#113) adds the VACE module
    '...FlashVSR_LQ_proj_model_bf16.safetensors' ..." (false: WanVideoExtraModelSelect's 'extra_model' is any part the
    wrapper merges into its model; a select declaring its file 'vace_model' still names a VACE module)."""
    w = UI()
    model, text, vae = _common(w)
    sel = w.add("WanVideoExtraModelSelect", [LQ])
    _wire(w, sel, model, "extra_model")
    _save(w, _sampler(w, model, text, w.add("WanVideoEmptyEmbeds", [640, 352, 49])), vae)
    said = _said(convert(w.doc(), "extra.json"))
    assert f"(WanVideoExtraModelSelect, #{sel}) adds the extra model '{LQ}' to 'WanVideoModelLoader' (#{model})'s" \
        in said
    assert "VACE module '" not in said and "the module steers a VACE take" not in said
    assert "(Load Video Model merges a module for a Wan VACE take only)" in said
    assert _nodes(convert(w.doc(), "extra.json"), "video_models.load")[0].params["vace_module"] == ""


def _held_i2v(text) -> dict:
    """Wan 2.1 image to video held (its start picture from a folder node whose pick is wired), its positive prompt
    ``text`` (a link: written by a node Studio does not run), its negative zeroed."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "11": {"class_type": "MyPackStoryWriter", "inputs": {"seed": 3, "theme": "herons"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": text, "clip": ["2", 0]}},
        "5": {"class_type": "ConditioningZeroOut", "inputs": {"conditioning": ["4", 0]}},
        "13": {"class_type": "PrimitiveInt", "inputs": {"value": 1}},
        "12": {"class_type": "MyPackImageFromFolder", "inputs": {"folder": "shots", "index": ["13", 0]}},
        "6": {"class_type": "WanImageToVideo", "inputs": {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                                          "start_image": ["12", 0], "width": 832, "height": 480,
                                                          "length": 33, "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["6", 0], "negative": ["6", 1],
                                                   "latent_image": ["6", 2]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
        "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "heron", "format": "auto",
                                                     "codec": "auto"}},
    }


def test_a_held_task_whose_prompt_another_node_writes_is_not_said_to_have_empty_prompts():
    """vrgamegirl19's LTX-2.3 music-video scene (01): its text encoders' loader was said "not made ... (its prompts
    are empty: none is made)" while its positive prompt, 'a women in blue dress swimming in the ocean', is written by
    the pack's text box when the workflow runs (false)."""
    conv = convert(_held_i2v(["11", 0]), "held.json")
    assert [t["generator"] for t in conv.tasks] == [None]
    said = _said(conv)
    assert ("'CLIPLoader' (CLIPLoader, #2) loads the text encoder 'umt5_xxl_fp16.safetensors' that encodes the held "
            "task's prompts (#4): not made, as the task has no generator to encode them (its prompts are made as no "
            "Text Prompt: one is written by another node when the workflow runs, said above)") in said
    assert "prompts are empty" not in said
    assert "(its prompts are empty: none is made)" in _said(convert(_held_i2v(""), "empty.json"))
