"""Issue 55: ComfyUI's MiniMax H3 reference templates (MiniMaxH3ReferenceToVideo) convert to MiniMax
H3 Reference to Video with their reference images wired in ComfyUI's order, their prompt, steps and
ref_image_size; the converted r2v template renders on a tiny MiniMax H3 folder. The Fun ControlNet-
Union template is held with one sentence (diffusers has no model class for its control branch)."""
from __future__ import annotations

import json
import os

import pytest

from studio.convert.mapping.convert import convert
from studio.core.spec import SOURCE, Node, Out

templates = pytest.importorskip("comfyui_workflow_templates_json")
TEMPLATES = os.path.join(os.path.dirname(templates.__file__), "templates")
GEN = "video_models.minimax_h3_reference"


def _convert(name):
    with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
        return convert(json.load(f), name)


def _wired(g, gen_id) -> dict:
    """{the generator's input: the file of the Load Image wired to it}."""
    return {l.dst_port: g.nodes[l.src].params.get("path") for l in g.links if l.dst == gen_id and l.dst_port != "model"}


def test_the_r2v_template_wires_its_two_pictures_in_comfyuis_order():
    conv = _convert("video_minimax_h3_r2v")
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id == GEN)
    assert _wired(g, gen.id) == {"image_1": "red_superboy_on_city_roof.png", "image_2": "mecha_dragon_lightning.png"}
    assert gen.params["prompt"].startswith("Bold comic-book ink style") and "<Picture 2> and <Picture 1>" in \
        gen.params["prompt"]
    assert (gen.params["reference_size"], gen.params["steps"], gen.params["frames"]) == ("match", 20, 124)
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert "of MiniMax H3's ComfyUI files (minimax_h3_ref2va_pruned_int8_convrot.safetensors" in notes
    assert "a ref2va file as the reference one), the VAE files (the video VAE set as Load Video Model's 'vae'" in notes
    assert "or set Load Video Model's 'base' to a MiniMax H3 diffusers folder" in notes
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    assert load.params["vae"] == "minimax_h3_video_vae_int8_convrot.safetensors"  # the audio VAE read beside it
    assert load.params["text_encoder"] == "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors"  # its tokenizer beside it
    assert g.validate() == []


def test_the_multiframe_template_says_its_guides_pinned_in_time():
    conv = _convert("video_minimax_h3_multiframe_reference")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == GEN)
    assert _wired(conv.graph, gen.id) == {"image_1": "h3_frame_ref_1.png"}
    notes = "\n".join(n["text"] for n in conv.graph.ui["notes"])
    assert ("its 3 MiniMaxH3AddGuide stills ('h3_frame_ref_2.png', 'h3_frame_ref_3.png', 'h3_frame_ref_4.png') "
            "pinned at frames of the clip are not converted: diffusers' ref2va takes references, not frames in time") \
        in notes


def test_the_fasth3_omniref_template_keeps_its_eight_steps():
    conv = _convert("video_fasth3_ominiref_r2v")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == GEN)
    assert (gen.params["steps"], gen.params["seed"]) == (8, 771204598)
    assert _wired(conv.graph, gen.id) == {"image_1": "yellow_plane_ref.png"}


def test_the_fun_controlnet_union_template_is_held_in_one_sentence():
    conv = _convert("video_minimax_h3_fun_controlnet_union")
    assert conv.log[0] == (
        "This workflow makes control video (Fun ControlNet-Union) with MiniMax H3; Studio cannot run MiniMax H3's Fun "
        "ControlNet-Union: diffusers 0.42.1 has no model class for its control branch "
        "(alibaba-pai/MiniMax-H3-Fun-Controlnet-Union, a VideoX-Fun checkpoint loaded by ComfyUI's ModelPatchLoader); "
        "the graph instead holds its model loader and its inputs (video 'dancer_field_pose.mp4', prompt 'Scene: "
        "Hyperreal desert-storm… (806 more characters)' as a Text Prompt (from 'MiniMaxH3ReferenceToVideo' "
        "(MiniMaxH3ReferenceToVideo, #136))), with no generator. Its settings, as Studio reads them in the workflow "
        "(to set by hand): 'KSamplerSelect' (#123) sampler_name res_multistep; 'BasicScheduler' (#124) steps 20, "
        "scheduler simple, denoise 1; 'RandomNoise' (#129) noise_seed 1086599926715797; 'MiniMaxH3ReferenceToVideo' "
        "(#136) width 864, height 480, length 124; 'CreateVideo' (#130) fps 24.")  # (its prompt held: heldout12; its
    # settings: held2; its writer's rate: heldout86)
    assert not any(n.type_id == GEN for n in conv.graph.nodes.values())  # (its control clip held: no silent loss)


class Track48k(Node):
    id = "test.minimax_track48k"
    timing = SOURCE
    outputs = (Out("audio", "Audio"),)

    def run(self, ctx):
        import numpy as np

        from studio.core.values import Audio
        return Audio(np.zeros((48000 * 6, 2), np.float32), 48000)


@pytest.fixture(scope="module")
def minimax_dir(tiny):
    pytest.importorskip("diffusers")
    return tiny("minimax-h3")


def test_the_converted_r2v_template_renders_on_a_tiny_minimax_h3(minimax_dir, tmp_path, monkeypatch):
    """video_minimax_h3_r2v as converted, its diffusers folder on Load Video Model and two stills on
    its Load Image nodes: the take renders (124 frames at 32x32)."""
    import numpy as np
    from PIL import Image

    from studio.engine.executor import Executor
    from studio.engine.media import probe
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    g = _convert("video_minimax_h3_r2v").graph
    load, gen = (next(n for n in g.nodes.values() if n.type_id == t) for t in ("video_models.load", GEN))
    g.set_param(load.id, "model", minimax_dir)
    g.set_param(load.id, "vae", "")  # the template's VAE file goes with its DiT file; a whole folder has its own
    g.set_param(load.id, "text_encoder", "")  # so does its Qwen3-VL file
    for i, n in enumerate(n for n in g.nodes.values() if n.type_id == "io.load_image"):
        path = tmp_path / f"still{i}.png"
        Image.fromarray((np.random.default_rng(i).random((40, 56, 3)) * 255).astype(np.uint8)).save(path)
        g.set_param(n.id, "path", str(path))
    for k, v in (("width", 32), ("height", 32), ("steps", 2), ("preview_size", "off"), ("previews", False)):
        g.set_param(gen.id, k, v)
    out = tmp_path / "out.mp4"
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    g.set_param(save.id, "path", str(out))
    # the tiny audio VAE's 160 Hz soundtrack goes with the clip, but AAC takes no 160 Hz: the file is given
    # a 48 kHz track of its own (the released model's 32 kHz is written as it is made)
    from studio.core.registry import default_registry
    default_registry().register(Track48k)
    g.add_node("test.minimax_track48k", {}, node_id="track")
    g.connect("track", "audio", save.id, "audio")
    assert g.validate() == []
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert (info["frames"], info["width"], info["height"]) == (124, 32, 32)
