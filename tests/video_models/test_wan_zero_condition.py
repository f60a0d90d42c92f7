"""Text to Video on Wan's image-to-video models (mend19; families/wan/zero_condition.py): as ComfyUI samples them
from an empty latent (comfy/model_base.py WAN21.concat_cond: all-zero condition channels, mask included; no CLIP
vision output: the image cross-attention reads the prompt's context), checked against diffusers' WanPipeline whose
denoiser is given that condition by hand."""
from __future__ import annotations

import numpy as np
import pytest

from .graphs import model_graph, render, spied
from . import tiny_wan22 as tw

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

PARAMS = {"frames": 5, "width": 16, "height": 16, "steps": 2, "guidance": 2.0, "prompt": "a dot",
          "negative_prompt": "blur", "previews": False, "preview_size": "off"}


def _by_hand(pipe, monkeypatch, doubled: bool):
    """The pipeline's denoisers given 20 zero channels after the latents by hand (and the prompt twice where the
    denoiser has an image embedder), its noise of the latents' 16 channels."""
    for name in ("transformer", "transformer_2"):
        mod = getattr(pipe, name, None)
        if mod is None:
            continue
        own = mod.forward

        def forward(hidden_states, *a, _own=own, **k):
            b, _, f, h, w = hidden_states.shape
            cond = torch.zeros(b, 20, f, h, w, dtype=hidden_states.dtype)
            if doubled:
                k["encoder_hidden_states"] = torch.cat([k["encoder_hidden_states"]] * 2, dim=1)
            return _own(torch.cat([hidden_states, cond], dim=1), *a, **k)
        monkeypatch.setattr(mod, "forward", forward)
    orig = pipe.prepare_latents
    monkeypatch.setattr(pipe, "prepare_latents", lambda b, c, *a, **k: orig(b, 16, *a, **k))


def _compare(monkeypatch, folder, doubled):
    g = model_graph(folder, "video_models.text_to_video", dict(PARAMS))
    ex, pipe, seeds, orig_call = spied(monkeypatch, g, "t2v")
    assert type(pipe).__name__ == "WanPipeline" and pipe.transformer.config.in_channels == 36
    made, said = render(ex, g)
    assert "prepare_latents" not in vars(pipe)  # the block took its wrapper off: the cached model as it was
    _by_hand(pipe, monkeypatch, doubled)
    direct = orig_call(pipe, prompt="a dot", negative_prompt="blur", height=16, width=16, num_frames=5,
                       num_inference_steps=2, guidance_scale=2.0, output_type="pt",
                       generator=torch.Generator().manual_seed(seeds[0])).frames[0]
    assert made.frames.shape == (5, 16, 16, 3)
    assert np.allclose(made.frames, direct.permute(0, 2, 3, 1).numpy(), atol=1e-6)
    return said


def test_text_to_video_on_wan22_i2v_experts_is_the_pipeline_given_an_all_zero_condition(tmp_path, monkeypatch):
    folder = tw.build_a14b(str(tmp_path / "wan22-i2v"), i2v=True)
    said = _compare(monkeypatch, folder, doubled=False)
    assert [t for t in said if "image-to-video" in t] == [
        "the model is an image-to-video one (its denoiser reads 36 channels): made with no start picture, as ComfyUI "
        "samples it from an empty latent: its 20 picture-condition channels (mask included) are all zeros"], said


def test_text_to_video_on_wan21_i2v_reads_the_prompt_as_its_image_context(tiny, monkeypatch):
    said = _compare(monkeypatch, tiny("wan-i2v"), doubled=True)
    assert any(t.endswith("all zeros and its image attention reads the prompt (no CLIP vision image given)")
               for t in said), said


def test_a_text_to_video_model_and_the_image_to_video_pipeline_are_left_as_they_are():
    from types import SimpleNamespace

    from nodes.video_models.families.wan.zero_condition import needs_zero_condition

    def pipe(cls, c_in, expand=False):
        tr = SimpleNamespace(config=SimpleNamespace(in_channels=c_in, out_channels=16))
        return type(cls, (), {"transformer": tr, "config": SimpleNamespace(expand_timesteps=expand)})()
    assert needs_zero_condition(pipe("WanPipeline", 36)) and needs_zero_condition(pipe("WanVideoToVideoPipeline", 36))
    assert not needs_zero_condition(pipe("WanPipeline", 16))  # a text-to-video model
    assert not needs_zero_condition(pipe("WanPipeline", 48))  # a Fun Control model: its own node's condition
    assert not needs_zero_condition(pipe("WanImageToVideoPipeline", 36))  # gives its own condition
    assert not needs_zero_condition(pipe("WanPipeline", 36, expand=True))
