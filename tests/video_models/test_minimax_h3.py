"""MiniMax H3 (issue 56): a diffusers modular MiniMaxH3ModularPipeline folder (modular_model_index.json)
is its own family, run by Text to Video in one call of diffusers' modular pipeline: the frames equal
the pipeline called directly with the same prompt, seed and arguments; a folder missing a component
is refused naming it before anything loads. Tiny random MiniMax H3 built from configs
(tests/video_models/tiny_minimax_h3.py)."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor
from tests.sources import source

from .tiny_minimax_h3 import pipeline_calls

pytest.importorskip("diffusers")


@pytest.fixture(scope="session")
def minimax_dir(tiny):
    return tiny("minimax-h3")


def _graph(model, node="video_models.text_to_video", **p):
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    params = {"width": 32, "height": 32, "frames": 124, "steps": 2, "prompt": "a robot dancing", "seed": 3,
              "previews": False, "preview_size": "off"}
    g.add_node(node, dict(params, **p), node_id="gen")
    g.connect("load", "model", "gen", "model")
    return g


@pytest.mark.fresh_models
def test_text_to_video_runs_minimax_h3_as_the_modular_pipeline_called_directly(minimax_dir):
    import torch
    from diffusers import ModularPipeline
    msgs = []
    with pipeline_calls() as calls:
        r = Executor().run(_graph(minimax_dir), targets=["gen", "load"], device="cpu",
                           on_event=lambda e: msgs.append(e.text) if isinstance(e, NodeMessage) else None)
    seen, = calls
    assert (r.value("load").fam.key, r.value("load").variant) == ("minimax_h3", "MiniMax H3")
    clip = r.value("gen")
    assert (clip.n_frames, clip.width, clip.height) == (124, 32, 32)
    assert clip.audio is not None and clip.audio.rate == 160  # its soundtrack kept (test_minimax_h3_sound.py)
    from nodes.video_models.families.minimax_h3.processor import torchvision_missing
    if torchvision_missing():  # said where it is missing (this machine: a CPU torch without torchvision)
        assert any("Qwen3-VL's processor is made without its video processor" in m for m in msgs), msgs
    from .tiny_minimax_h3 import tiny_parts
    pipe = ModularPipeline.from_pretrained(minimax_dir)
    pipe.update_components(**tiny_parts(minimax_dir + ".direct"))
    shutil.rmtree(minimax_dir + ".direct", ignore_errors=True)
    want = pipe(prompt="a robot dancing", generator=torch.Generator().manual_seed(seen["seed"]),
                num_inference_steps=2, height=32, width=32, num_frames=124, output_type="np").get("videos")[0]
    assert clip.frames.std() > 0.01  # random weights make a clip that varies, not a flat one
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))


def _copy(src: str, dst: str) -> str:
    shutil.copytree(src, dst)
    return dst


def test_a_folder_missing_a_component_is_refused_naming_it_before_loading(minimax_dir, tmp_path):
    bad = _copy(minimax_dir, str(tmp_path / "no-audio-vae"))
    shutil.rmtree(os.path.join(bad, "audio_vae"))
    with pytest.raises(Exception, match=r"component 'audio_vae' is missing: MiniMax H3's text to video needs a "
                                        r"folder 'audio_vae/'") as e:
        Executor().run(_graph(bad), targets=["gen"], device="cpu")
    assert "load" in str(e.value)


def test_another_modular_pipeline_folder_is_refused_in_words(minimax_dir, tmp_path):
    import json
    bad = _copy(minimax_dir, str(tmp_path / "other"))
    path = os.path.join(bad, "modular_model_index.json")
    with open(path) as f:
        index = json.load(f)
    index["_class_name"] = "WanModularPipeline"
    with open(path, "w") as f:
        json.dump(index, f)
    with pytest.raises(Exception, match=r"holds a modular 'WanModularPipeline', not a video model Studio opens as a "
                                        r"modular pipeline \(MiniMax H3, Wan Animate 2, Cosmos 3 distilled"):
        Executor().run(_graph(bad), targets=["gen"], device="cpu")


def test_a_clip_longer_than_fifteen_seconds_is_refused_before_the_call(minimax_dir):
    with pytest.raises(Exception, match=r"MiniMax H3 makes 5 frames to 15 seconds at 24 fps: 5 to 360 frames"):
        Executor().run(_graph(minimax_dir, frames=379), targets=["gen"], device="cpu")


@pytest.mark.fresh_models
def test_a_clip_shorter_than_five_seconds_is_made_as_comfyui_makes_it(minimax_dir):
    """heldout115 01 (left25): 56 frames asked, ComfyUI's MiniMax H3 nodes make 56 (max(5, length) on the 17k + 5
    grid) where diffusers' pipeline refuses under 5 s: Studio makes 56 frames and 56 / 24 s of sound, the take of
    the pipeline given ComfyUI's floor (its blocks and weights diffusers' own)."""
    import torch
    from diffusers import ModularPipeline
    from nodes.video_models.families.minimax_h3.shortest import comfy_floor
    with pipeline_calls() as calls:
        r = Executor().run(_graph(minimax_dir, frames=56), targets=["gen"], device="cpu")
    seen, = calls
    clip = r.value("gen")
    assert (clip.n_frames, clip.width, clip.height) == (56, 32, 32)
    assert clip.audio is not None and abs(clip.audio.duration - 56 / 24) < 1 / 24, clip.audio.duration
    from .tiny_minimax_h3 import tiny_parts
    pipe = ModularPipeline.from_pretrained(minimax_dir)
    pipe.update_components(**tiny_parts(minimax_dir + ".short"))
    shutil.rmtree(minimax_dir + ".short", ignore_errors=True)
    call = dict(prompt="a robot dancing", num_inference_steps=2, height=32, width=32, num_frames=56, output_type="np")
    with pytest.raises(ValueError, match="between 5.0 and 15.0 seconds"):  # diffusers' own floor
        pipe(generator=torch.Generator().manual_seed(seen["seed"]), **call)
    comfy_floor(pipe)
    want = pipe(generator=torch.Generator().manual_seed(seen["seed"]), **call).get("videos")[0]
    assert clip.frames.std() > 0.01
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))


def _still() -> np.ndarray:
    """A 48 x 80 still whose values are whole bytes (so the node's PIL image is this one exactly)."""
    return (np.random.RandomState(3).randint(0, 256, (48, 80, 3)) / 255.0).astype(np.float32)


STILL = source("test.minimax_h3_still", "image", "Image", lambda p: _still())


def test_image_to_video_runs_minimax_h3_from_a_first_frame_as_the_modular_pipeline(minimax_dir):
    """Image to Video: diffusers' 'fl2va' workflow, the still stretched onto the canvas asked; the
    frames equal the modular pipeline called directly with the same image, prompt and seed."""
    import torch
    from diffusers import ModularPipeline
    from PIL import Image
    g = _graph(minimax_dir, node="video_models.image_to_video")
    g.add_node(STILL, {}, node_id="src")
    g.connect("src", "image", "gen", "image")
    with pipeline_calls() as calls:
        clip = Executor().run(g, targets=["gen"], device="cpu").value("gen")
    seen, = calls
    assert (clip.n_frames, clip.width, clip.height) == (124, 32, 32)
    still = Image.fromarray((_still() * 255).round().astype(np.uint8))
    assert np.array_equal(np.asarray(seen["image"]), np.asarray(still)) and "last_image" not in seen
    from .tiny_minimax_h3 import tiny_parts
    pipe = ModularPipeline.from_pretrained(minimax_dir)
    pipe.update_components(**tiny_parts(minimax_dir + ".direct"))
    shutil.rmtree(minimax_dir + ".direct", ignore_errors=True)
    state = pipe(prompt="a robot dancing", image=still, generator=torch.Generator().manual_seed(seen["seed"]),
                 num_inference_steps=2, height=32, width=32, num_frames=124, output_type="np")
    assert state.get("num_condition_video_rows") == 1  # the still is one conditioning row, as a keyframe
    assert clip.frames.std() > 0.01
    assert np.array_equal(clip.frames, np.clip(np.asarray(state.get("videos")[0], np.float32), 0, 1))


def test_a_file_that_is_no_lora_is_refused_and_settings_not_applied_are_said(minimax_dir):
    g = _graph(minimax_dir, shift=7.0, negative_prompt="blurry")
    msgs = []
    Executor().run(g, targets=["gen"], device="cpu",
                   on_event=lambda e: msgs.append(e.text) if isinstance(e, NodeMessage) else None)
    assert "MiniMax H3 is run in one call of diffusers' modular pipeline: 'shift' is not applied" in msgs
    assert "MiniMax H3 is guidance-distilled: it takes no negative prompt (not used)" in msgs
    assert not any("'sampler' is not applied" in m for m in msgs)  # left at its default: nothing said
    g = _graph(minimax_dir)
    g.add_node("video_models.lora", {"lora": os.path.join(minimax_dir, "transformer",
                                                          "diffusion_pytorch_model.safetensors")}, node_id="lora")
    g.disconnect("gen", "model")
    g.connect("load", "model", "lora", "model")
    g.connect("lora", "model", "gen", "model")
    # a transformer's weights given as a LoRA: refused from its header, naming the file (LoRAs in ComfyUI's names
    # are read: test_minimax_h3_lora.py)
    with pytest.raises(Exception, match=r"the LoRA 'diffusion_pytorch_model\.safetensors' does not fit this MiniMax "
                                        r"H3 model: \d+ of its \d+ keys are no LoRA key"):
        Executor().run(g, targets=["gen"], device="cpu")


def test_the_models_folder_lists_a_minimax_h3_folder_by_its_modular_index(minimax_dir, tmp_path):
    from nodes.video_models.catalog.listing import describe_folder
    from studio.core.models import resolve, scan
    root = tmp_path / "models"
    _copy(minimax_dir, str(root / "MiniMax-H3"))
    found = scan([str(root)])
    assert [(f.name, f.kind) for f in found] == [("MiniMax-H3", "folder")]
    e = describe_folder(found[0].path)
    assert (e.family, e.family_title, e.variant) == ("minimax_h3", "MiniMax H3", "MiniMax H3")
    assert e.params > e.denoiser_params > 0 and not e.note
    assert resolve("MiniMax-H3", dirs=[str(root)]) == str(root / "MiniMax-H3")


def test_draft_on_the_fasth3_checkpoint_runs_its_eight_steps(minimax_dir, tmp_path):
    """Draft on a MiniMax H3 folder named as FastH3 (ComfyUI's fastvideo_fasth3_8step checkpoint): the
    template's 8 steps, said; Final runs the node's steps on the same folder."""
    fast = _copy(minimax_dir, str(tmp_path / "tiny-fasth3-8step"))
    msgs = []
    with pipeline_calls() as calls:
        for quality in ("draft", "final"):
            Executor().run(_graph(fast, quality=quality), targets=["gen"], device="cpu", use_cache=False,
                           on_event=lambda e: msgs.append(e.text) if isinstance(e, NodeMessage) else None)
    seen = [c["num_inference_steps"] for c in calls]
    assert seen == [8, 2]
    assert any(m.startswith("draft: FastH3 8-step checkpoint ('tiny-fasth3-8step' is the distilled model): 8 steps, "
                            "cfg 1.0 (ComfyUI template video_fastvideo_fasth3_t2v.json)") for m in msgs), msgs
