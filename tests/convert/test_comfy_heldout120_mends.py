"""Issue 112, heldout120's mends (fresh set of six MiniMax H3 workflows judged on main 5383b318): each test builds its
workflow from node types, values and links and fails without its mend.

1. A model file of a form Studio's weight reader does not read (an H3-Turbo pack's '.h3t' DiT) was listed among
   "MiniMax H3's ComfyUI files" of which "Studio reads the DiT file": said first, as a file Load Video Model stops at,
   and the family's sentence given as holding for a file it reads (reading/file_forms, mapping/unread_formats; 120/01).
2. A part file of a form its family does not read that part from (a GGUF Qwen3-VL, where MiniMax H3 reads ComfyUI's
   .safetensors one) was called "the Qwen3-VL file (set as 'text_encoder', any NVFP4 layers kept packed)": said, from
   the family's declared 'part_forms', which its loader's own refusal matches (120/01).
3. A node on the sampler's model way that gives the model and takes none (an 'easy' pack's bundle node, given its
   loader's files) was called "a model patch between the model loader and the sampler ... Studio loads the model
   without it", its loader "one of what a model patch is made with", and the take "no model loader found": said as
   the model's maker, with what it is given and the files named there (mapping/model_makers; 120/04)."""
from __future__ import annotations

import pytest

from nodes.video_models.base.errors import ModelError
from nodes.video_models.families.minimax_h3 import comfy as h3_comfy, parts as h3_parts
from studio.convert.mapping.convert import convert
from studio.convert.reading.file_forms import unread_form
from tests.convert.said import nodes_of, said


def _h3_api(dit: str, text_encoder: str) -> dict:
    """A MiniMax H3 text to video with sound, as an API file saves it (a core chain of ComfyUI's own nodes)."""
    nodes = {
        "1": ("UNETLoader", {"unet_name": dit, "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": text_encoder, "type": "minimax", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "minimax_h3_video_vae_fp16.safetensors"}),
        "4": ("VAELoader", {"vae_name": "minimax_h3_audio_vae_fp32.safetensors"}),
        "7": ("MiniMaxH3ImageToVideo", {"prompt": "a puppy runs across a meadow", "width": 832, "height": 480,
                                        "length": 124, "clip": ["2", 0], "vae": ["3", 0]}),
        "8": ("RandomNoise", {"noise_seed": 42}),
        "9": ("KSamplerSelect", {"sampler_name": "res_multistep"}),
        "10": ("BasicScheduler", {"scheduler": "simple", "steps": 8, "denoise": 1.0, "model": ["1", 0]}),
        "11": ("BasicGuider", {"model": ["1", 0], "conditioning": ["7", 0]}),
        "12": ("SamplerCustomAdvanced", {"noise": ["8", 0], "guider": ["11", 0], "sampler": ["9", 0],
                                         "sigmas": ["10", 0], "latent_image": ["7", 1]}),
        "13": ("VAEDecode", {"samples": ["12", 0], "vae": ["3", 0]}),
        "14": ("VAEDecodeAudio", {"samples": ["12", 0], "vae": ["4", 0]}),
        "15": ("CreateVideo", {"images": ["13", 0], "audio": ["14", 0], "fps": 24.0}),
        "16": ("SaveVideo", {"video": ["15", 0], "filename_prefix": "video/h3", "format": "auto", "codec": "auto"}),
    }
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def test_the_endings_of_files_studio_does_not_read():
    assert unread_form("minimax_h3_fused_turbo8_w4a8_convrot.h3t") == ".h3t"
    assert unread_form("model.engine") == ".engine"
    for name in ("x.safetensors", "x.SFT", "x.gguf", "x.ckpt", "x.pt", "x.bin",  # read, or a pickle (said elsewhere)
                 "Wan2.1-T2V-1.3B-Diffusers", "LTX-2.3", "stabilityai/stable-video-diffusion", "", None, 3):
        assert unread_form(name) is None, name


def test_a_dit_file_of_a_form_studio_does_not_read_is_said_before_the_familys_files_sentence():
    dit = "minimax_h3_fused_refdelta_r1024_turbo8_mystic07_w4a8_convrot.h3t"
    text = said(convert(_h3_api(dit, "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors"), "h3t"))
    assert (f"'{dit}' is a .h3t file, a form Studio's weight reader does not read (it reads .safetensors and .gguf "
            "weight files and diffusers folders): Load Video Model stops at this file when the graph runs") in text
    assert "; with such a file, of MiniMax H3's ComfyUI files (" in text
    plain = said(convert(_h3_api("minimax_h3_fl2va_pruned_int8_convrot.safetensors",
                                 "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors"), "h3"))
    assert "a form Studio's weight reader does not read" not in plain and "with such a file" not in plain
    assert "of MiniMax H3's ComfyUI files (" in plain


def test_a_text_encoder_of_a_form_the_family_does_not_read_it_from_is_said(tmp_path):
    te = "qwen3vl-32B-MiniMax-H3-Q2_K.gguf"
    conv = convert(_h3_api("minimax_h3_fl2va_pruned_int8_convrot.safetensors", te), "gguf_te")
    assert nodes_of(conv, "video_models.load")[0].params["text_encoder"] == te  # (set as given: said, not dropped)
    text = said(conv)
    assert (f"'{te}' (the text encoder) is not a .safetensors file: Studio's MiniMax H3 reads its text encoder from "
            "a .safetensors file only: Load Video Model stops at this file when the graph runs; with such a file, "
            "of MiniMax H3's ComfyUI files (") in text
    # the family's declaration is what its loader does: a GGUF Qwen3-VL is refused before anything is read
    assert h3_comfy.PART_FORMS["text encoder"] == (".safetensors",)
    path = tmp_path / te
    path.write_bytes(b"GGUF")
    with pytest.raises(ModelError, match="is not a .safetensors file"):
        h3_parts.text_part(str(path), None)


def _typed(nodes: list[dict], links: list[list]) -> dict:
    return {"nodes": nodes, "links": links}


def _node(nid, cls, widgets, ins=(), outs=()):
    """A UI node with typed sockets: ins = [(name, type, link id)], outs = [(name, type, [link ids])]."""
    return {"id": nid, "type": cls, "mode": 0, "widgets_values": list(widgets),
            "inputs": [{"name": n, "type": t, "link": lid} for n, t, lid in ins],
            "outputs": [{"name": n, "type": t, "links": lids} for n, t, lids in outs]}


def _maker_workflow(maker_takes: str) -> dict:
    """A pack's loader giving a bundle of its files -> a pack node given the bundle (or a MODEL) giving the MODEL ->
    KSampler -> VAEDecode -> SaveVideo (its prompts, latent and VAE ComfyUI's own)."""
    bundle = "MODEL" if maker_takes == "MODEL" else "PACK_BUNDLE"
    loader_out = "MODEL" if maker_takes == "MODEL" else "PACK_BUNDLE"
    loader = ("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"]) if maker_takes == "MODEL" else (
        "PackBundleLoader", ["pack/wan2.1_t2v_1.3B_fp16.safetensors", "umt5_xxl_fp8_e4m3fn_scaled.safetensors"])
    nodes = [
        _node(1, loader[0], loader[1], outs=[("out", loader_out, [1])]),
        _node(2, "PackModelMaker", [832, 480, "fast"], ins=[("bundle", bundle, 1)], outs=[("MODEL", "MODEL", [2])]),
        _node(3, "CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"],
              outs=[("CLIP", "CLIP", [3, 4])]),
        _node(4, "CLIPTextEncode", ["a fox in the snow"], ins=[("clip", "CLIP", 3)],
              outs=[("CONDITIONING", "CONDITIONING", [5])]),
        _node(5, "CLIPTextEncode", ["blurry"], ins=[("clip", "CLIP", 4)], outs=[("CONDITIONING", "CONDITIONING", [6])]),
        _node(6, "EmptyHunyuanLatentVideo", [832, 480, 33, 1], outs=[("LATENT", "LATENT", [7])]),
        _node(7, "KSampler", [7, "fixed", 20, 6.0, "uni_pc", "simple", 1.0],
              ins=[("model", "MODEL", 2), ("positive", "CONDITIONING", 5), ("negative", "CONDITIONING", 6),
                   ("latent_image", "LATENT", 7)], outs=[("LATENT", "LATENT", [8])]),
        _node(8, "VAELoader", ["wan_2.1_vae.safetensors"], outs=[("VAE", "VAE", [9])]),
        _node(9, "VAEDecode", [], ins=[("samples", "LATENT", 8), ("vae", "VAE", 9)], outs=[("IMAGE", "IMAGE", [10])]),
        _node(10, "SaveAnimatedWEBP", ["wan", 16, False, 90, "default"], ins=[("images", "IMAGE", 10)]),
    ]
    links = [[1, 1, 0, 2, 0, bundle], [2, 2, 0, 7, 0, "MODEL"], [3, 3, 0, 4, 0, "CLIP"], [4, 3, 0, 5, 0, "CLIP"],
             [5, 4, 0, 7, 1, "CONDITIONING"], [6, 5, 0, 7, 2, "CONDITIONING"], [7, 6, 0, 7, 3, "LATENT"],
             [8, 7, 0, 9, 0, "LATENT"], [9, 8, 0, 9, 1, "VAE"], [10, 9, 0, 10, 0, "IMAGE"]]
    return _typed(nodes, links)


def test_a_node_giving_the_model_and_taking_none_is_said_as_its_maker_not_a_patch():
    text = said(convert(_maker_workflow("PACK_BUNDLE"), "maker"))
    assert ("'PackModelMaker' (PackModelMaker, #2) makes the model 'KSampler' samples with from what it is given "
            "(its 'bundle' from 'PackBundleLoader' (PackBundleLoader, #1), whose settings name the files "
            "'pack/wan2.1_t2v_1.3B_fp16.safetensors', 'umt5_xxl_fp8_e4m3fn_scaled.safetensors') and its settings (") in text
    assert "it takes no model: Studio does not read it as a model loader (nor what it is given)" in text
    assert "a model patch" not in text and "no model loader found" not in text
    assert "no model loader Studio reads (what makes the model is said in this note): set Load Video Model's 'model'" \
        in text


def test_a_node_given_the_model_stays_a_model_patch():
    text = said(convert(_maker_workflow("MODEL"), "patch"))
    assert "'PackModelMaker' (PackModelMaker, #2: a model patch) between the model loader and 'KSampler'" in text
    assert "makes the model" not in text


def test_a_pack_loaders_gguf_file_is_not_said_loaded_where_its_family_may_refuse_it():
    """rejudge25 (120/01): the H3-Turbo cached text encoder read as CLIPLoader of a Q2_K GGUF ended "its release 'auto',
    cache True are not applied (Studio chooses how it loads the file)", where the same note says Load Video Model stops
    at that file (MiniMax H3 reads its text encoder from .safetensors only): a GGUF is read for some parts only, so the
    sentence sends the reader to where the model's files are said."""
    from studio.convert.packs.shapes import _how_loaded
    assert _how_loaded("qwen3vl-32B-MiniMax-H3-Q2_K.gguf") == (
        "loads the files it reads; whether it reads this GGUF file is said where the model's files are)")
    assert _how_loaded("dit.h3t").startswith("loads the files it reads; a .h3t file is not one of them")
    assert _how_loaded("umt5_xxl_fp8_e4m3fn_scaled.safetensors") == "loads the file)"
