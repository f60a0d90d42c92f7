"""left8's readers (benchmarks/results/left8_2026-11-30.md), each on a minimal workflow of our own.

1. VideoX-Fun's Wan samplers pick their size when they run: the aspect bucket nearest their picture's (or clip's) at
   base_resolution (aigc-apps' 512 table x base / 512, each side down to 16; Wan 2.2's own I2V sampler on the 5B: 32).
   The picture the sampler measures is scaled there by Studio's Scale ('buckets' fit), so the generator, at the size
   of what it is given, makes the take at the pack's size (a control clip beside a start image: videoxfun8's tests).
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from studio.convert.mapping.convert import convert

from nodes.images import scaled_size
from tests.convert.planted import plant
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_heldout49_mends import OLD_I2V, _folder as _five_b
from tests.convert.test_comfy_videox_fun import CACHE, _folder, _gen, _workflow


def _bucket(w, h, base, m):
    return scaled_size(w, h, SimpleNamespace(fit="buckets", width=base, height=base, scale=1.0, multiple=m,
                                              rounding="down", condition="always"))


def test_scales_buckets_fit_is_the_packs_size():
    assert _bucket(1280, 720, 960, 32) == (1248, 704)  # 0.5625 -> '0.57' (384, 672) x 960 / 512, down to 32
    assert _bucket(720, 1280, 640, 16) == (480, 832)  # 1.78 -> '1.75' (672, 384) x 1.25
    assert _bucket(500, 500, 512, 16) == (512, 512)
    assert _bucket(1000, 250, 512, 16) == (1024, 256)


def _scale_into(conv, gen, port):
    scale = conv.graph.input_link(gen.id, port).src
    node = conv.graph.nodes[scale]
    while node.type_id != "transform.scale":  # (a Frame Hold of the scaled picture between)
        node = conv.graph.nodes[conv.graph.input_link(node.id, "video").src]
    return node


def test_the_5b_i2v_samplers_start_image_is_scaled_to_its_bucket():
    conv = convert(_workflow(_five_b, "Wan2_2I2VSampler", OLD_I2V, {"start_img": "a.png"}), "left8_i2v")
    gen, text = _gen(conv), said(conv)
    scale = _scale_into(conv, gen, "image")
    assert (scale.params["fit"], scale.params["width"], scale.params["multiple"]) == ("buckets", 960, 32)
    assert (gen.params["width"], gen.params["height"]) == (0, 0)  # the scaled picture's size
    assert "picks its size from base resolution" not in text
    assert "'start_img' of 'Wan2_2I2VSampler' is scaled to the size in VideoX-Fun's aspect table nearest its aspect " \
           "at base resolution 960" in text
    assert conv.graph.validate() == []


def test_a_control_clip_is_scaled_to_its_bucket_at_16():
    conv = convert(_workflow(_folder("Wan2.1-Fun-1.3B-Control", "Control"), "WanFunV2VSampler",
                             [49, 512, 7, "fixed", 20, 5.0, 1.0, "Flow", 3] + CACHE,
                             {"control_video": ("dance.mp4", ("VideoToCanny", [51, 102, 49]))}), "left8_control")
    gen = _gen(conv)
    scale = _scale_into(conv, gen, "control")
    assert (scale.params["fit"], scale.params["width"], scale.params["multiple"]) == ("buckets", 512, 16)
    assert conv.graph.nodes[conv.graph.input_link(scale.id, "video").src].type_id == "control.edges"
    assert len(nodes_of(conv, "io.save_video")) == 2 and conv.graph.validate() == []


# 2. An API file with no output node (heldout46 05: it ends at a decode, nothing saves or shows it) says that ComfyUI
#    runs nothing of it as saved, read by the declared types (OUTPUT_NODE); with a save it is not said.

def _no_save(extra=None):
    nodes = {"1": ("CheckpointLoaderSimple", {"ckpt_name": "sd15.safetensors"}),
             "2": ("CLIPTextEncode", {"text": "a fox", "clip": ["1", 1]}),
             "3": ("EmptyLatentImage", {"width": 512, "height": 512, "batch_size": 1}),
             "4": ("KSampler", {"model": ["1", 0], "positive": ["2", 0], "negative": ["2", 0], "latent_image": ["3", 0],
                                "seed": 1, "steps": 20, "cfg": 7.0, "sampler_name": "euler", "scheduler": "normal",
                                "denoise": 1.0}),
             "5": ("VAEDecode", {"samples": ["4", 0], "vae": ["1", 2]})}
    return api({**nodes, **(extra or {})})


def test_a_file_with_no_output_node_says_nothing_of_it_runs():
    text = said(convert(_no_save(), "left8_no_output"))
    assert "no node it runs (muted and bypassed ones aside) is an output node by its declared type" in text
    assert "ComfyUI runs nothing of it as saved ('Prompt has no outputs')" in text and "unless" not in text
    unknown = said(convert(_no_save({"6": ("SomeoneElsesSigmas", {"x": 1})}), "left8_no_output_unknown"))
    assert "unless 'SomeoneElsesSigmas' is one, ComfyUI runs nothing of it as saved" in unknown
    saved = said(convert(_no_save({"6": ("SaveImage", {"images": ["5", 0], "filename_prefix": "x"})}), "left8_saved"))
    assert "is an output node" not in saved


# 3. A pack's one-node SVD maker (kijai's ComfyUI-SVD 'SVDimg2vid': a picture in, frames out, SVD's conditioning
#    settings among its widgets) read by its declared types as SVD's own nodes: Studio's SVD image to video. The type
#    is planted in the catalogue under an invented name, for this test only (its inputs as that pack declares them).

SVD_ONE = [("image", "IMAGE"), ("version", "COMBO"), ("num_frames", "INT"), ("num_steps", "INT"), ("fps_id", "INT"),
           ("motion_bucket_id", "INT"), ("cond_aug", "FLOAT"), ("seed", "INT"), ("decoding_t", "INT"),
           ("lowvram_mode", "BOOLEAN")]


@pytest.fixture
def planted_svd(monkeypatch):
    ins = [{"name": n, "type": t, "widget": t != "IMAGE", "optional": False} for n, t in SVD_ONE]
    made = {"InventedSVDMaker": {"pack": "someone/invented-svd", "inputs": ins, "outputs": [{"type": "IMAGE"}]}}
    yield from plant(monkeypatch, made)


def _svd_one_ui():
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    pic = w.add("LoadImage", ["rocket.png", "image"], ["IMAGE", "MASK"])
    maker = w.add("InventedSVDMaker", ["svd_xt", 25, 30, 7, 130, 0.02, 613, "randomize", 1, True], ["IMAGE"],
                  {"image": (pic, 0, "IMAGE")})
    w.add("SaveAnimatedWEBP", ["SVD", 20, False, 80, "default"], [], {"images": (maker, 0, "IMAGE")})
    return w.doc()


def test_a_one_node_svd_maker_is_read_by_its_declared_types(planted_svd):
    conv = convert(_svd_one_ui(), "left8_svd")
    gen, text = _gen(conv), said(conv)
    p = gen.params
    assert gen.type_id == "video_models.image_to_video"
    assert (p["frames"], p["steps"], p["seed"], p["motion"]) == (25, 30, 613, 130) and abs(p["noise_aug"] - 0.02) < 1e-9
    assert nodes_of(conv, "video_models.load")[0].params["model"] == "svd_xt.safetensors"
    assert "'InventedSVDMaker' (InventedSVDMaker, #2)'s version 'svd_xt' names the pack's own model" in text
    assert "decoding_t 1, lowvram_mode True (how it runs on the machine) not taken" in text
    assert "prompt comes from" not in text  # (SVD's conditioning is the picture's: there is no prompt to ask for)
    assert conv.graph.validate() == []


def test_without_its_declaration_it_is_not_read():
    conv = convert(_svd_one_ui(), "left8_svd_unknown")
    assert not [n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.")]


# 2a. CogVideoX-Fun's older node names (its first repository's: no catalogue declares them) read as VideoX-Fun's nodes
#     by what the UI file saves of them: the sampler's inputs, outputs and number of values, then what feeds it.

def _older_cog(values=(85, 512, 43, "fixed", 50, 6, "DDIM")):
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    model = w.add("OldFunModelLoader", ["CogVideoX-Fun-V1.5-5b-InP", "Inpaint", False, "bf16"], ["OldFunHandleMODEL"])
    pos = w.add("OldFunPromptBox", ["fireworks over a city"], ["STRING_PROMPT"])
    neg = w.add("OldFunPromptBox", ["blurry"], ["STRING_PROMPT"])
    pic = w.add("LoadImage", ["firework.png", "image"], ["IMAGE", "MASK"])
    s = w.add("OldFunI2V", list(values), ["IMAGE"],
              {"cogvideoxfun_model": (model, 0, "OldFunHandleMODEL"), "prompt": (pos, 0, "STRING_PROMPT"),
               "negative_prompt": (neg, 0, "STRING_PROMPT"), "start_img": (pic, 0, "IMAGE"), "end_img": "IMAGE"})
    w.add("SaveAnimatedWEBP", ["Cog", 8, False, 80, "default"], [], {"images": (s, 0, "IMAGE")})
    return w.doc()


def test_older_cogvideox_fun_names_are_read_by_what_the_file_saves_of_them():
    conv = convert(_older_cog(), "left8_cog_old")
    text = said(conv)
    assert "'OldFunI2V' (#5) is read as VideoX-Fun's CogVideoXFunInpaintSampler: no catalogue declares it" in text
    assert "its model handle's type named 'OldFunHandleMODEL' there" in text
    assert "'OldFunModelLoader' (#1) is read as VideoX-Fun's LoadCogVideoXFunModel" in text
    assert nodes_of(conv, "video_models.cogvideox_fun_inp")  # (an InP model: read to its node, cogfun16)
    other = said(convert(_older_cog((85, 512, 43, "fixed", 50, 6)), "left8_cog_other"))  # one value short: not it
    assert "is read as VideoX-Fun's" not in other


def test_a_still_made_first_keeps_its_model_off_the_svd_loader(planted_svd):
    """heldout47 04's shape: an SD 1.5 still made first, given to the one-node SVD maker: the task is held (Studio
    cannot make the still), and the still's checkpoint (no family's file, like SVD's) is not called the second model
    of a later pass."""
    svd = {"image": ["5", 0], "version": "svd", "num_frames": 14, "num_steps": 24, "fps_id": 7, "motion_bucket_id": 130,
           "cond_aug": 0.02, "seed": 3, "decoding_t": 1, "lowvram_mode": True}
    doc = _no_save({"6": ("InventedSVDMaker", svd),
                    "7": ("SaveAnimatedWEBP", {"images": ["6", 0], "filename_prefix": "x", "fps": 7, "lossless": False,
                                               "quality": 80, "method": "default"})})
    conv = convert(doc, "left8_svd_still")
    text = said(conv)
    assert "the second model a later pass" not in text
    assert "loads 'sd15.safetensors', a model a pass of the held task samples with: not held" in text
    assert nodes_of(conv, "video_models.load")[0].params.get("model_2", "") == ""
