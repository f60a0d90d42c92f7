"""LTX-2 Latent Upscale (issue 59 item 4): a clip made twice as large through diffusers'
LTX2LatentUpsamplePipeline with the LTX-2 model's VAE and a latent upsampler from the models folder
(a diffusers folder, or the released single file whose config is in its metadata). Frames equal the
pipeline called directly; a long clip goes in windows (the last padded to the VAE's 8k+1 and cut
back); bad upsamplers and sizes are refused in words. Tiny random LTX-2 with LTX-2's real
compression (tests/video_models/tiny_ltx2.py) and a tiny upsampler built from its config.
The refine pass (the two-pass recipe's second pass) equals diffusers' two-stage example called by hand
with the same latents, sigmas and seed; refine off is the plain decode; the clip's sound is kept."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

pytest.importorskip("diffusers")
N_FRAMES = 12  # two windows of 9: 9 frames, then 3 padded to 9 and cut back


CLIP = source("test.ltx2_up_clip", "video", "Video",
              lambda p: ArrayClip(np.random.default_rng(3).random((N_FRAMES, 64, 64, 3), dtype=np.float32), 12.0))


@pytest.fixture(scope="session")
def ltx2_real(tiny):  # read only: the session's tiny LTX-2 with LTX-2's own compression and audio encoder
    return tiny("ltx2")  # (tests/tiny_models.py's entry: real_compression, audio_encoder; the templates' too)


@pytest.fixture(scope="module")
def upsampler(ltx2_real, tmp_path_factory):
    """(the diffusers folder, the released single file with its config in the metadata)."""
    import torch
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel
    from safetensors.torch import save_file
    root = tmp_path_factory.mktemp("up")
    torch.manual_seed(0)
    cfg = {"in_channels": 4, "mid_channels": 32, "num_blocks_per_stage": 1, "dims": 3, "spatial_upsample": True,
           "temporal_upsample": False}
    model = LTX2LatentUpsamplerModel(**cfg, use_rational_resampler=False)
    folder = str(root / "latent_upsampler")
    model.save_pretrained(folder, safe_serialization=True)
    single = str(root / "latent_upscale_models" / "ltx-2-spatial-upscaler-x2-tiny.safetensors")
    os.makedirs(os.path.dirname(single))
    released = dict(cfg, _class_name="LatentUpsampler", spatial_scale=2.0, rational_resampler=False)
    save_file(model.state_dict(), single, metadata={"config": json.dumps(released)})
    return folder, single


def _graph(model, upsampler, **p):
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    g.add_node(CLIP, {}, node_id="clip")
    g.add_node("video_models.ltx2_latent_upscale", dict({"upsampler": upsampler, "window": 9}, **p), node_id="up")
    g.connect("load", "model", "up", "model")
    g.connect("clip", "video", "up", "video")
    return g


def _direct(model_dir, upsampler_dir, frames):
    import torch
    from diffusers import LTX2LatentUpsamplePipeline, LTX2Pipeline
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel
    vae = LTX2Pipeline.from_pretrained(model_dir).vae
    pipe = LTX2LatentUpsamplePipeline(vae=vae, latent_upsampler=LTX2LatentUpsamplerModel.from_pretrained(upsampler_dir))
    return np.asarray(pipe(video=list(frames), height=64, width=64, generator=torch.Generator().manual_seed(0),
                           output_type="np", return_dict=False)[0][0], np.float32)


def test_frames_equal_the_pipeline_called_directly_window_by_window(ltx2_real, upsampler):
    folder, single = upsampler
    said = []
    clip = Executor().run(_graph(ltx2_real, folder), targets=["up"], device="cpu",
                          on_event=lambda e: said.append(getattr(e, "text", ""))).value("up")
    assert (clip.n_frames, clip.width, clip.height, clip.fps) == (N_FRAMES, 128, 128, 12.0)
    src = np.random.default_rng(3).random((N_FRAMES, 64, 64, 3), dtype=np.float32)
    first = _direct(ltx2_real, folder, src[:9])
    last = _direct(ltx2_real, folder, np.concatenate([src[9:], np.repeat(src[-1:], 6, 0)]))[:3]
    assert np.array_equal(clip.frames, np.clip(np.concatenate([first, last]), 0, 1))
    assert any("12 frames in 2 windows of up to 9" in s for s in said)
    # the released single file (config in its metadata) is the same upsampler
    again = Executor().run(_graph(ltx2_real, single), targets=["up"], device="cpu").value("up")
    assert np.array_equal(again.frames, clip.frames)


def test_found_by_name_in_latent_upscale_models(ltx2_real, upsampler, monkeypatch):
    _folder, single = upsampler
    monkeypatch.setenv("STUDIO_MODELS", os.path.dirname(os.path.dirname(single)))
    from nodes.video_models.families.ltx2.upsample import find_upsampler
    assert find_upsampler(os.path.basename(single)) == single
    # a name never leaves the models folder it is looked up in (studio.core.models.resolve's check)
    root = os.path.dirname(os.path.dirname(single))
    outside = os.path.join(os.path.dirname(root), "outside.safetensors")
    open(outside, "wb").close()
    inner, name = os.path.join(root, "inner"), "../../../outside.safetensors"
    os.makedirs(os.path.join(inner, "latent_upscale_models"), exist_ok=True)
    assert os.path.exists(os.path.join(inner, "latent_upscale_models", name))  # there, but outside 'inner'
    with pytest.raises(Exception, match="not found"):
        find_upsampler(name, dirs=[inner])


def test_bad_upsamplers_sizes_and_models_are_refused_in_words(ltx2_real, upsampler, wan_dir, tmp_path):
    import torch
    from safetensors.torch import save_file

    from nodes.video_models.families.ltx2.upsample import windows
    folder, single = upsampler

    def error(g):
        with pytest.raises(Exception) as e:
            Executor().run(g, targets=["up"], device="cpu")
        return str(e.value)
    bare = str(tmp_path / "bare.safetensors")
    save_file({"x": torch.zeros(2)}, bare)
    assert "carries no configuration in its metadata" in error(_graph(ltx2_real, bare))
    other = str(tmp_path / "other.safetensors")
    save_file({"initial_conv.weight": torch.zeros(3)}, other, metadata={"config": json.dumps({"in_channels": 4,
                                                                                                 "mid_channels": 32})})
    assert "could not be loaded" in error(_graph(ltx2_real, other)) or "does not match" in error(_graph(ltx2_real, other))
    assert "not found" in error(_graph(ltx2_real, "nowhere.safetensors"))
    assert "LTX-2 Latent Upscale needs an LTX-2 model" in error(_graph(wan_dir, folder))
    assert windows(12, 9, 8) == [(0, 9, 9), (9, 3, 9)] and windows(17, 121, 8) == [(0, 17, 17)]


# --- the refine pass (issue 59: LTX-2's two-pass recipe) ---------------------------------------------
def _with_sound(_):
    from studio.core.values import Audio
    rng = np.random.default_rng(3)
    frames = rng.random((N_FRAMES, 64, 64, 3), dtype=np.float32)
    return ArrayClip(frames, 12.0, Audio(rng.uniform(-0.5, 0.5, (16000, 2)).astype(np.float32), 16000))


CLIP_WITH_SOUND = source("test.ltx2_up_clip_sound", "video", "Video", _with_sound)
PROMPT = "a red ball rolls across a table"
SIGMAS = [0.85, 0.725, 0.4219]  # ComfyUI's video_ltx2_3_t2v second pass, its trailing 0 left to diffusers


def _direct_refined(model_dir, upsampler_dir, frames, seed):
    """diffusers' two-stage example (docs/source/en/api/pipelines/ltx2.md) called by hand: the upsampled
    latents, the scheduler without dynamic shift, noise_scale the first sigma, no guidance."""
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, LTX2LatentUpsamplePipeline, LTX2Pipeline
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel
    pipe = LTX2Pipeline.from_pretrained(model_dir)
    up = LTX2LatentUpsamplePipeline(vae=pipe.vae, latent_upsampler=LTX2LatentUpsamplerModel.from_pretrained(upsampler_dir))
    latents = up(video=list(frames), height=64, width=64, generator=torch.Generator().manual_seed(0),
                 output_type="latent", return_dict=False)[0]
    pipe.scheduler = FlowMatchEulerDiscreteScheduler.from_config(pipe.scheduler.config, use_dynamic_shifting=False,
                                                                 shift_terminal=None)
    video = pipe(latents=latents, prompt=PROMPT, height=128, width=128, num_frames=len(frames), frame_rate=12.0,
                 num_inference_steps=3, sigmas=SIGMAS, noise_scale=SIGMAS[0], guidance_scale=1.0,
                 audio_guidance_scale=1.0, stg_scale=0.0, audio_stg_scale=0.0, modality_scale=1.0,
                 audio_modality_scale=1.0, generator=torch.Generator().manual_seed(seed), output_type="np",
                 return_dict=False)[0]
    return np.asarray(video[0], np.float32)


def test_refine_pass_equals_the_ltx2_pipeline_called_directly(ltx2_real, upsampler):
    folder, _single = upsampler
    g = _graph(ltx2_real, folder, refine=True, prompt=PROMPT, sigmas="0.85, 0.7250, 0.4219, 0.0", seed=7)
    ev: list = []
    clip = Executor().run(g, targets=["up"], device="cpu", on_event=ev.append).value("up")
    said = [getattr(e, "text", "") for e in ev]
    assert (clip.n_frames, clip.width, clip.height) == (N_FRAMES, 128, 128)
    # every call through the chain's road (sampling/chain_steps.py): each window's upsampling counted as a step
    # (1, 5), each refine step with the Sampler's step work, a live preview of a pass's first and last (2, 4; 6, 8)
    steps = [(e.step, e.total, e.preview is not None) for e in ev if type(e).__name__ == "NodeProgress" and e.total]
    assert {t for _, t, _ in steps} == {8} and steps[-1] == (8, 8, True)
    assert {2, 4, 6, 8} <= {k for k, _, shown in steps if shown} <= {2, 3, 4, 6, 7, 8}
    src = np.random.default_rng(3).random((N_FRAMES, 64, 64, 3), dtype=np.float32)
    first = _direct_refined(ltx2_real, folder, src[:9], 7)
    last = _direct_refined(ltx2_real, folder, np.concatenate([src[9:], np.repeat(src[-1:], 6, 0)]), 7)[:3]
    assert np.array_equal(clip.frames, np.clip(np.concatenate([first, last]), 0, 1))
    assert any("refined in 3 steps" in s for s in said)
    # refine off: today's output, the upsampler's decode
    plain = Executor().run(_graph(ltx2_real, folder, refine=False, prompt=PROMPT), targets=["up"],
                           device="cpu").value("up")
    assert np.array_equal(plain.frames, np.clip(np.concatenate([_direct(ltx2_real, folder, src[:9]),
                                                                _direct(ltx2_real, folder, np.concatenate(
                                                                    [src[9:], np.repeat(src[-1:], 6, 0)]))[:3]]), 0, 1))
    assert not np.array_equal(plain.frames, clip.frames)


def test_refine_keeps_the_takes_sound_held_clean(ltx2_real, upsampler):
    folder, _single = upsampler
    g = _graph(ltx2_real, folder, refine=True, prompt=PROMPT, seed=7)
    g.add_node(CLIP_WITH_SOUND, {}, node_id="snd")
    g.connect("snd", "video", "up", "video")
    clip = Executor().run(g, targets=["up"], device="cpu").value("up")
    silent = Executor().run(_graph(ltx2_real, folder, refine=True, prompt=PROMPT, seed=7), targets=["up"],
                            device="cpu").value("up")
    sound = np.random.default_rng(3)
    sound.random((N_FRAMES, 64, 64, 3), dtype=np.float32)
    assert clip.audio is not None and np.array_equal(clip.audio.samples,
                                                     sound.uniform(-0.5, 0.5, (16000, 2)).astype(np.float32))
    assert np.isfinite(clip.frames).all() and not np.array_equal(clip.frames, silent.frames)  # the sound was heard


def test_refine_is_refused_in_words_without_a_prompt_or_with_bad_sigmas(ltx2_real, upsampler):
    from nodes.video_models.families.ltx2.refine import parse_sigmas
    folder, _single = upsampler
    with pytest.raises(Exception, match="no prompt"):
        Executor().run(_graph(ltx2_real, folder, refine=True), targets=["up"], device="cpu")
    with pytest.raises(Exception, match="falling numbers"):
        Executor().run(_graph(ltx2_real, folder, refine=True, prompt=PROMPT, sigmas="0.4, 0.9"), targets=["up"],
                       device="cpu")
    assert parse_sigmas("0.85, 0.7250, 0.4219, 0.0") == SIGMAS and parse_sigmas("0.5") == [0.5]
    for bad in ("", "0", "abc", "1.5, 0.2"):
        with pytest.raises(Exception, match="falling numbers"):
            parse_sigmas(bad)


def test_refine_runs_with_the_lora_wired_on_the_model_and_leaves_it_off(ltx2_real, upsampler, tmp_path):
    """The refine pass's model takes the LoRAs wired through Video LoRA (the templates' distilled LoRA):
    on for the call (the frames change), off after it (the cached model is left as it was)."""
    import torch
    from diffusers import LTX2Pipeline
    from safetensors.torch import save_file
    folder, _single = upsampler
    t, gen = LTX2Pipeline.from_pretrained(ltx2_real).transformer, torch.Generator().manual_seed(1)
    sd = {}
    for i in range(len(t.transformer_blocks)):
        m = t.get_submodule(f"transformer_blocks.{i}.attn1.to_q")
        sd[f"diffusion_model.transformer_blocks.{i}.attn1.to_q.lora_A.weight"] = torch.randn(4, m.in_features, generator=gen)
        sd[f"diffusion_model.transformer_blocks.{i}.attn1.to_q.lora_B.weight"] = torch.randn(m.out_features, 4,
                                                                                           generator=gen)
    lora = str(tmp_path / "ltx2-distilled-lora-tiny.safetensors")
    save_file(sd, lora)
    plain_g = _graph(ltx2_real, folder, refine=True, prompt=PROMPT, seed=7)
    g = _graph(ltx2_real, folder, refine=True, prompt=PROMPT, seed=7)
    g.add_node("video_models.lora", {"lora": lora}, node_id="lora")
    g.disconnect("up", "model")
    g.connect("load", "model", "lora", "model")
    g.connect("lora", "model", "up", "model")
    ex = Executor()
    with_lora = ex.run(g, targets=["up", "load"], device="cpu", use_cache=False)
    plain = ex.run(plain_g, targets=["up"], device="cpu", use_cache=False).value("up")
    assert not np.allclose(with_lora.value("up").frames, plain.frames)
    pipe = with_lora.value("load").pipeline("t2v")
    assert not getattr(pipe.transformer, "peft_config", None)  # unloaded after the call


@pytest.mark.fresh_models
def test_a_cached_refine_prompt_loads_no_gemma(ltx2_real, upsampler, tmp_path, monkeypatch):
    """The refine pass's prompt goes through the prompt-embedding cache (issue 60) as the generators' do:
    with it cached, Gemma stays on disk and the refined frames are those of the cache off."""
    from transformers import Gemma3ForConditionalGeneration

    from .prompt_cache_check import NOT_LOADED, counted_loads, off_then_cached
    folder, _single = upsampler
    loads = counted_loads(monkeypatch, Gemma3ForConditionalGeneration)

    def render(seed):
        said = []
        clip = Executor().run(_graph(ltx2_real, folder, refine=True, prompt=PROMPT, seed=seed), targets=["up"],
                              device="cpu", use_cache=False,
                              on_event=lambda e: said.append(getattr(e, "text", ""))).value("up")
        return clip.frames, said
    plain, (_f, _s, (first_loads,)), (again, said) = off_then_cached(monkeypatch, tmp_path, render, (loads,))
    assert first_loads == ["Gemma3ForConditionalGeneration"]  # the new prompt: encoded and kept
    assert loads == [] and NOT_LOADED in said and np.array_equal(again, plain)


def test_replacing_the_upsampler_found_by_name_or_its_folder_changes_the_cache_key(upsampler, monkeypatch, tmp_path):
    """The output cache's key holds the upsampler's files: a name looked up in latent_upscale_models/
    (the converter writes ComfyUI's names) and a diffusers folder; the parameter's own fingerprint
    sees neither the file a name finds nor a file replaced inside a folder, so a replaced upsampler
    would have served the frames the old one made."""
    import shutil
    from types import SimpleNamespace

    from nodes.video_models.families.ltx2.upsample import LTX2LatentUpscale
    from studio.engine.signatures import read_files
    folder, single = upsampler
    root = tmp_path / "models"
    shutil.copytree(os.path.dirname(single), root / "latent_upscale_models")
    shutil.copytree(folder, tmp_path / "latent_upsampler")
    monkeypatch.setenv("STUDIO_MODELS", str(root))
    name = os.path.basename(single)

    def key(value):
        node = SimpleNamespace(id="up", label="up", spec=LTX2LatentUpscale.spec())
        return read_files(SimpleNamespace(node=node, params={"upsampler": value}, seed=0, device="cpu", inputs={},
                                          signature=""), None)
    for value, replaced in ((name, root / "latent_upscale_models" / name),
                            (str(tmp_path / "latent_upsampler"),
                             tmp_path / "latent_upsampler" / "diffusion_pytorch_model.safetensors")):
        before = key(value)
        replaced.write_bytes(replaced.read_bytes() + b" ")
        os.utime(replaced, (1, 1))
        assert key(value) != before, value


@pytest.mark.fresh_models
def test_stop_inside_a_refine_step_ends_the_run_at_the_next_step(ltx2_real, upsampler):
    """The refine pass's steps get the Sampler's step work (sampling/chain_steps.py): a Stop pressed inside one ends
    the run within a second (it had waited for the window's whole pass), and the cached model runs again after it."""
    from .stopping import stop_inside_a_step
    ex = Executor()
    g = _graph(ltx2_real, upsampler[0], refine=True, prompt=PROMPT, seed=7)
    ref = ex.run(g, targets=["load"], device="cpu").value("load")
    blocks = list(ref.module.transformer.transformer_blocks)
    stop_inside_a_step(ex, g, "up", blocks)
    assert not any(m._forward_pre_hooks for m in ref.module.transformer.modules())
    assert ex.run(g, targets=["up"], device="cpu").value("up").n_frames == N_FRAMES


def test_a_window_too_large_to_decode_at_once_is_decoded_tiled_for_the_run(ltx2_real, upsampler, monkeypatch):
    """heldout74: a converted long take is upsampled and refined in one window (as ComfyUI does, whose templates decode
    it tiled); where decoding that window at once is predicted not to fit the GPU the VAE tiles for the run, said
    (measured here by a GPU said to have no room: the tiny frames are under diffusers' tile sizes, so the frames are
    the same); with room, nothing is said."""
    from nodes.video_models.memory import modes
    folder, _single = upsampler
    plain = Executor().run(_graph(ltx2_real, folder, window=12), targets=["up"], device="cpu").value("up")
    monkeypatch.setattr(modes, "free_memory", lambda device: 1)
    said = []
    ex = Executor()
    clip = ex.run(_graph(ltx2_real, folder, window=12), targets=["up"], device="cpu",
                  on_event=lambda e: said.append(getattr(e, "text", ""))).value("up")
    assert any("VAE tiling on for this run: decoding 17 frames of 128x128 at once would not fit the GPU" in s
               for s in said)
    assert np.array_equal(clip.frames, plain.frames)
    monkeypatch.setattr(modes, "free_memory", lambda device: None)  # (no GPU measure: never tiled)
    quiet = []
    Executor().run(_graph(ltx2_real, folder, window=12, seed=1), targets=["up"], device="cpu",
                   on_event=lambda e: quiet.append(getattr(e, "text", "")))
    assert not any("VAE tiling on" in s for s in quiet)
