"""Mochi 1 as a Studio family (issue 72): a diffusers MochiPipeline folder loads through Load Video Model and
Text to Video makes, frame for frame, what MochiPipeline called directly makes with the same arguments (tiny
random model, CPU, 16 x 16, 7 frames, 2 steps); ComfyUI's Mochi text-to-video workflow converts to Text to
Video keeping its size and length, read as Mochi 1 (families/mochi/comfy.py), no longer 'not run'."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")


def test_mochi_text_to_video_is_the_pipeline_called_directly(tiny, monkeypatch):
    import torch
    from diffusers import MochiPipeline

    folder = tiny("mochi")
    calls, _ = spy_call(monkeypatch, MochiPipeline, dict)
    p = {"width": 16, "height": 16, "frames": 7, "steps": 2, "guidance": 3.0, "prompt": "a red fox running",
         "negative_prompt": "static", "previews": False, "preview_size": "off", "seed": 5}
    g = model_graph(folder, "video_models.text_to_video", p)
    clip, _ = render(Executor(), g)
    assert (clip.n_frames, clip.width, clip.height) == (7, 16, 16) and len(calls) == 1
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback_on_step_end")}
    seed = kw.pop("generator").initial_seed()
    monkeypatch.undo()
    want = MochiPipeline.from_pretrained(folder)(**dict(kw, output_type="np"),
                                                 generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))


def test_comfyui_mochi_workflow_converts_to_text_to_video():
    from studio.convert.mapping.convert import convert

    def node(i, kind, widgets=(), inputs=(), outputs=()):
        return {"id": i, "type": kind, "mode": 0, "widgets_values": list(widgets),
                "inputs": [{"name": k, "type": t, "link": link} for k, t, link in inputs],
                "outputs": [{"name": k, "type": t} for k, t in outputs]}
    doc = {"nodes": [
        node(1, "UNETLoader", ["mochi_preview_bf16.safetensors", "default"], outputs=[("MODEL", "MODEL")]),
        node(2, "CLIPLoader", ["t5xxl_fp16.safetensors", "mochi", "default"], outputs=[("CLIP", "CLIP")]),
        node(3, "CLIPTextEncode", ["a fox in the snow"], [("clip", "CLIP", 1)], [("CONDITIONING", "CONDITIONING")]),
        node(4, "EmptyMochiLatentVideo", [848, 480, 37, 1], outputs=[("LATENT", "LATENT")]),
        node(5, "KSampler", [7, "fixed", 30, 4.5, "euler", "simple", 1.0],
             [("model", "MODEL", 2), ("positive", "CONDITIONING", 3), ("latent_image", "LATENT", 4)],
             [("LATENT", "LATENT")]),
        node(6, "VAELoader", ["mochi_vae.safetensors"], outputs=[("VAE", "VAE")]),
        node(7, "VAEDecode", [], [("samples", "LATENT", 5), ("vae", "VAE", 6)], [("IMAGE", "IMAGE")]),
        node(8, "SaveAnimatedWEBP", ["ComfyUI", 24, False, 80, "default"], [("images", "IMAGE", 7)])],
        "links": [[1, 2, 0, 3, 0, "CLIP"], [2, 1, 0, 5, 0, "MODEL"], [3, 3, 0, 5, 1, "CONDITIONING"],
                  [4, 4, 0, 5, 3, "LATENT"], [5, 5, 0, 7, 0, "LATENT"], [6, 6, 0, 7, 1, "VAE"],
                  [7, 7, 0, 8, 0, "IMAGE"]]}
    conv = convert(doc)
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (848, 480, 37)
    notes = "\n".join(n["text"] for n in conv.graph.ui.get("notes", []))
    assert "Mochi's ComfyUI files" in notes and "'base'" in notes


def test_a_file_in_the_release_names_loads_the_folders_transformer_with_it_as_base(tiny, tmp_path):
    """ComfyUI's Mochi DiT file (genmo's names, mochi_preview_bf16), bare and under ComfyUI's prefix, is told
    as Mochi and, with a diffusers folder as base, gives that folder's transformer through diffusers' converter:
    the same tensors under the same names (every other component is the folder's). The converter is written for
    the release's 48 blocks, so the tiny folder's transformer is made 48 blocks deep (narrow: a second)."""
    import os

    import torch
    from diffusers import MochiTransformer3DModel
    from safetensors.torch import save_file

    from nodes.video_models.catalog.listing import describe_file
    from nodes.video_models.loading.load import load_video_model

    from .tiny_mochi import release_state
    folder = tiny.copy("mochi", str(tmp_path / "mochi"))
    torch.manual_seed(0)
    deep = MochiTransformer3DModel(patch_size=2, num_attention_heads=2, attention_head_dim=8, num_layers=48,
                                   pooled_projection_dim=16, in_channels=12, text_embed_dim=32, time_embed_dim=4)
    deep.save_pretrained(os.path.join(folder, "transformer"))
    want = deep.state_dict()
    release = release_state(want, 48)
    for prefix in ("", "model.diffusion_model."):
        path = str(tmp_path / f"mochi_preview_tiny{len(prefix)}.safetensors")
        save_file({prefix + k: v.contiguous() for k, v in release.items()}, path)
        assert describe_file(path).family == "mochi"
        got = load_video_model(path, base=folder, device="cpu").module.transformer.state_dict()
        assert got.keys() == want.keys() and all(torch.equal(got[k], v) for k, v in want.items()), prefix
