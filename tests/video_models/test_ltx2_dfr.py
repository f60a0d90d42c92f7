"""LTX-2.5 DFR (issue 72): the node's frames and sound equal diffusers' DFR recipe (its LTX-2 docs: LTX2DFRPipeline
at half the size, LTX2LatentUpsamplePipeline, LTX2DFRPipeline at the full size with the detailing IC-LoRA at 0.5 and
the half-size latents as reference, one LTX2DFRTemporalRefinePipeline round with the ancestral scheduler, trimmed and
decoded) called by hand with the same arguments (a first frame given to every pass), on the tiny LTX-2.5
(tiny_ltx2_parts) and tiny upsamplers and LoRA (tiny_ltx2_dfr), CPU, 64 x 64, 9 -> 17 frames, 240 -> 480 fps,
2 + 1 + 1 steps; an older LTX-2 and wrong settings are refused in words before anything is built; a Stop ends the
chain at the next step, said as keeping nothing."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.core.errors import Cancelled, StudioError
from studio.engine.context import CancelToken, Context
from studio.engine.executor import Executor

from tests.sources import source

from .graphs import model_graph, said, spy_call
from .tiny_ltx2_dfr import LORA, SPATIAL, TEMPORAL

pytest.importorskip("diffusers")
PROMPT = "a red fox"
SIGMAS, DETAIL, ROUND = [1.0, 0.5], [0.9], [0.9]
START = source("test.ltx2_dfr_start", "image", "Image",
               lambda p: np.random.default_rng(1).random((96, 96, 3), dtype=np.float32))  # the first frame
FPS, TOKENS = 240.0, 32  # a short sound (the vocoder is most of a run); the tiny tokenizer's length


def _params(files: str, **more) -> dict:
    return dict({"prompt": PROMPT, "width": 64, "height": 64, "frames": 9, "fps": FPS, "rounds": 1,
                 "upsampler": os.path.join(files, SPATIAL), "temporal_upsampler": os.path.join(files, TEMPORAL),
                 "detailing_lora": os.path.join(files, LORA), "sigmas": "1.0, 0.5", "detail_sigmas": "0.9",
                 "temporal_sigmas": "0.9, 0.0", "seed": 3}, **more)


def _direct(folder: str, files: str, seed: int, size: int = 64, epilogue: bool = False):
    """diffusers' DFR recipe (docs/source/en/api/pipelines/ltx2.md) by hand, with its "third spatial stage" (the 4K
    epilogue) when ``epilogue``, the passes before it then at half the size: (frames [17, size, size, 3], waveform)."""
    import torch
    from diffusers import (FlowMatchEulerDiscreteScheduler, LTX2DFRPipeline, LTX2DFRTemporalRefinePipeline,
                           LTX2LatentUpsamplePipeline, LTXEulerAncestralRFScheduler)
    from diffusers.pipelines.ltx2 import LTX2LatentUpsamplerModel
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition
    from diffusers.pipelines.ltx2.dfr_layout import epilogue_tiles, pixel_to_latent_index
    from diffusers.pipelines.ltx2.utils import trim_canvas
    from PIL import Image
    start = np.random.default_rng(1).random((96, 96, 3), dtype=np.float32)
    first = [LTX2VideoCondition(frames=Image.fromarray((start * 255 + 0.5).astype(np.uint8)), index=0, strength=1.0)]
    pipe = LTX2DFRPipeline.from_pretrained(folder)
    pipe.scheduler = FlowMatchEulerDiscreteScheduler.from_config(pipe.scheduler.config, use_dynamic_shifting=False,
                                                                 shift_terminal=None)  # the distilled sigmas as given
    up = LTX2LatentUpsamplePipeline(vae=pipe.vae, latent_upsampler=LTX2LatentUpsamplerModel.from_pretrained(
        os.path.join(files, SPATIAL)))
    parts = {k: getattr(pipe, k) for k in ("vae", "audio_vae", "text_encoder", "tokenizer", "connectors",
                                           "transformer", "vocoder")}
    temporal = LTX2DFRTemporalRefinePipeline(scheduler=LTXEulerAncestralRFScheduler(eta=0.5), **parts,
                                             temporal_latent_upsampler=LTX2LatentUpsamplerModel.from_pretrained(
                                                 os.path.join(files, TEMPORAL)))
    g, n, fps = torch.Generator().manual_seed(seed), 9, FPS
    final, size = size, size // 2 if epilogue else size
    words = dict(prompt=PROMPT, conditions=first, max_sequence_length=TOKENS, generator=g, output_type="latent")
    out = pipe(**words, height=size // 2, width=size // 2, num_frames=n, frame_rate=fps, sigmas=SIGMAS)
    up_video = up(latents=out.frames, output_type="latent", return_dict=False)[0]
    up_slots = up(latents=out.keyframes, output_type="latent", return_dict=False)[0]
    pipe.load_lora_weights(os.path.join(files, LORA), adapter_name="detailing")
    pipe.set_adapters(["detailing"], adapter_weights=[0.5])
    out2 = pipe(**words, latents=up_video, audio_latents=out.audio, keyframes_latents=up_slots,
                keyframe_positions=out.keyframe_positions, reference_latents=out.frames, height=size, width=size,
                num_frames=n, frame_rate=fps, noise_scale=DETAIL[0], sigmas=DETAIL)
    pipe.transformer.disable_adapters()
    canvas = (out2.frames.shape[2] - 1) * 8 + 1
    out3 = temporal(**words, latents=out2.frames, keyframes_latents=out2.keyframes,
                    keyframe_positions=out2.keyframe_positions, audio_latents=out.audio, height=size, width=size,
                    num_frames=canvas, frame_rate=fps, source_seconds=canvas / fps, condition_num_frames=n,
                    sigmas=ROUND)
    made = (n - 1) * 2 + 1
    if epilogue:  # the docs' third spatial stage, as they write it
        refined = (out3.frames.shape[2] - 1) * 8 + 1
        up_video = up(latents=out3.frames, output_type="latent", return_dict=False)[0]
        keyframes = pipe.rebuild_epilogue_keyframes(out3.keyframes, decode_timestep=0.0, decode_noise_scale=0.0,
                                                    seed=seed, device=up_video.device, dtype=torch.float32)
        tiles = epilogue_tiles(latent_shape=((refined - 1) // 8 + 1, final // 32, final // 32), frame_tiles=2,
                               frame_seams=[pixel_to_latent_index(2 * p, 8) for p in out2.keyframe_positions])
        assert len(tiles) > 1  # run tile by tile
        pipe.transformer.enable_adapters()
        out3 = pipe(**words, latents=up_video, audio_latents=out.audio, generate_slots=False,
                    guidance_keyframe_latents=keyframes, guidance_keyframe_positions=out3.keyframe_positions,
                    reference_latents=out3.frames, height=final, width=final, num_frames=refined,
                    frame_rate=2 * fps, noise_scale=DETAIL[0], sigmas=DETAIL, freeze_audio=True, video_tiles=tiles)
        pipe.transformer.disable_adapters()
    with torch.no_grad():
        video = pipe.vae.decode(trim_canvas(out3.frames, made, 8), None, return_dict=False)[0]
        video = pipe.video_processor.postprocess_video(video, output_type="np")
        audio = pipe.vocoder(pipe.audio_vae.decode(out.audio, return_dict=False)[0])
    return video[0], audio[..., :round(made / (2 * fps) * pipe.vocoder.config.output_sampling_rate)]


def test_dfr_and_its_4k_epilogue_are_diffusers_recipe_called_directly(tiny, monkeypatch):
    """With the 4K epilogue (the recipe's every pass, then the tiled one): 32 -> 64 -> 128 pixels square."""
    from diffusers import LTX2DFRPipeline
    folder, files = tiny("ltx2-parts", generation="LTX-2.5"), tiny("ltx2-dfr-files")
    seeds, _ = spy_call(monkeypatch, LTX2DFRPipeline, lambda kw: kw["generator"].initial_seed())
    ev: list = []
    g = model_graph(folder, "video_models.ltx2_dfr", _params(files, width=128, height=128, epilogue=True),
                    image=(START, "image"))
    out = Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append)
    clip, sound = out.value("gen"), out.value("gen", "audio")
    said = " ".join(getattr(e, "text", "") for e in ev)
    assert (clip.n_frames, clip.width, clip.height, clip.fps) == (17, 128, 128, 480.0)
    assert "pass 1: 32x32" in said and "pass 2: 64x64" in said and "epilogue: 128x128 in" in said
    assert "temporal round 1 of 1: 17 frames at 480 fps" in said and "no detailing LoRA" not in said
    # the Sampler's step work (sampling/chain_steps.py): each step of the chain counted, a live preview of each pass
    # (every step here is its pass's first or last: always one), 2 + 1 + 1 + 1 steps; each of the latent upsampler's
    # 3 calls (no denoising steps: ChainSteps.once) counted as one, shown without a preview (when the progress's
    # interval has passed: not at this speed)
    steps = [(e.step, e.total, e.preview is not None) for e in ev if type(e).__name__ == "NodeProgress" and e.total]
    assert [s for s in steps if s[2]] == [(k, 8, True) for k in (1, 2, 5, 6, 8)]  # pass 1, 2, round 1, epilogue
    assert {t for _, t, _ in steps} == {8} and {k for k, _, shown in steps if not shown} <= {3, 4, 7}
    frames, wave = _direct(folder, files, seeds[0], size=128, epilogue=True)
    assert np.array_equal(clip.frames, np.asarray(frames, np.float32))
    assert np.array_equal(sound.samples, np.clip(wave[0].float().numpy().T, -1, 1)) and clip.audio is sound


def test_an_older_ltx2_and_wrong_settings_are_refused_in_words(tiny, monkeypatch):
    from diffusers import LTX2DFRPipeline
    calls, _ = spy_call(monkeypatch, LTX2DFRPipeline)
    files = tiny("ltx2-dfr-files")

    def refused(model, **p):
        with pytest.raises(StudioError) as e:
            Executor().run(model_graph(model, "video_models.ltx2_dfr", _params(files, **p)), targets=["gen"],
                           device="cpu", use_cache=False)
        return str(e.value)
    assert "no keyframe position embeddings: DFR's keyframe slots need LTX-2.5" in refused(
        tiny("ltx2-parts", generation="LTX-2.3"))
    folder = tiny("ltx2-parts", generation="LTX-2.5")
    assert "width 96: DFR renders at multiples of 64 (its first pass is half that size, on 32 pixel cells); set 64 or 128" \
        in refused(folder, width=96)
    from nodes.video_models.families.ltx2.dfr import problems
    said = " | ".join(problems(_params(files, frames=12, upsampler=os.path.join(files, TEMPORAL),
                                       temporal_sigmas="0.5, 0.9", detailing_lora="nowhere.safetensors"), None))
    assert "12 frames: LTX-2 makes 8k + 1 frames, 9 at least; set 9" in said
    assert "'upsampler': 'temporal-x2' is not LTX-2's spatial upsampler (x2 size): it upsamples time" in said
    assert "'temporal_sigmas': refine sigmas '0.5, 0.9'" in said
    assert "'detailing_lora': 'nowhere.safetensors' not found" in said
    four_k = " | ".join(problems(_params(files, width=1920, height=1088, rounds=0, epilogue=True), None))
    assert "height 1088: with the 4K epilogue DFR renders at multiples of 128 (its first pass is a quarter of that " \
        "size, on 32 pixel cells: 4K is 3840x2176); set 1024 or 1152" in four_k and "width" not in four_k
    assert "rounds 0: the 4K epilogue follows a temporal round" in four_k
    assert "'temporal_upsampler': none chosen: set it to LTX-2.5's temporal x2 latent upsampler" in " ".join(
        problems(_params(files, temporal_upsampler=""), None))
    assert not problems(_params(files, rounds=0, temporal_upsampler="", temporal_sigmas="x"), None)  # not read
    assert not calls
    from nodes.video_models.families.ltx2.family import FAMILY
    assert not any("4K epilogue" in what for what, _why in FAMILY.not_built)  # built


def test_two_rounds_keep_the_first_canvas_sound_and_each_pass_its_loras():
    """The chain's arguments over two temporal rounds, with stand-in pipelines (no model): each round takes the
    last one's canvas and keyframes at twice the rate, the first pass's sound and its canvas's length throughout;
    the full-size pass runs with the detailing LoRAs, the others with the model's."""
    from contextlib import contextmanager
    from dataclasses import replace
    from types import SimpleNamespace

    import torch
    from diffusers.pipelines.ltx2.dfr_layout import epilogue_tiles, resolve_canvas

    from nodes.video_models.families.ltx2.dfr_chain import Recipe, render
    calls, on = [], []

    def stage(name, frames):
        def call(**kw):
            calls.append((name, on[-1] if on else "", kw))
            n = kw["num_frames"]  # the canvas made: padded to whole segments, or twice as long
            grid = ((resolve_canvas(n)[0] if name == "dfr" else 2 * (n - 1) + 1) - 1) // 8 + 1
            return SimpleNamespace(frames=torch.zeros(1, 8, grid, 2, 2), keyframes=torch.zeros(1, 8, 1, 2, 2),
                                   keyframe_positions=[8 * len(calls)] * frames, audio=f"sound of {name}")
        return call

    @contextmanager
    def loras(name):
        on.append(name)
        yield
        on.pop()
    class Pipe:  # LTX2DFRPipeline's stand-in: its call, its VAE's compression, the epilogue's keyframes rebuilt
        vae_temporal_compression_ratio, vae_spatial_compression_ratio = 8, 32
        __call__ = staticmethod(stage("dfr", 1))

        @staticmethod
        def rebuild_epilogue_keyframes(keyframes, **_kw):
            return "rebuilt"
    recipe = Recipe(128, 128, 9, 24.0, 2, [1.0], [0.9], [0.9])
    latents, sound, n, fps = render(Pipe(), lambda **kw: (kw["latents"],), stage("temporal", 2), recipe, {}, None,
                                    detailing=lambda: loras("detailing"), held=lambda: loras("model's"))
    assert [(c[0], c[1]) for c in calls] == [("dfr", "model's"), ("dfr", "detailing"), ("temporal", "model's"),
                                             ("temporal", "model's")]
    rounds = [c[2] for c in calls[2:]]
    assert [(r["num_frames"], r["frame_rate"], r["round_index"]) for r in rounds] == [(25, 24.0, 1), (49, 48.0, 2)]
    assert {r["source_seconds"] for r in rounds} == {25 / 24.0} and {r["condition_num_frames"] for r in rounds} == {9}
    assert all(r["audio_latents"] == "sound of dfr" for r in rounds) and sound == "sound of dfr"
    assert (n, fps, latents.shape[2]) == (33, 96.0, 5)  # 9 -> 17 -> 33 frames, the canvas cut to them
    assert recipe.steps() == 1 + 1 + (1 + 2) * 1  # a tile in round 1, two in round 2
    assert [c[2]["width"] for c in calls] == [64, 128, 128, 128]
    calls.clear()  # the 4K epilogue: each pass at half its size, then the full size in tiles
    recipe = replace(recipe, epilogue=True)
    latents, sound, n, fps = render(Pipe(), lambda **kw: (kw["latents"],), stage("temporal", 2), recipe, {},
                                    torch.Generator().manual_seed(5), detailing=lambda: loras("detailing"),
                                    held=lambda: loras("model's"))
    assert [(c[0], c[1], c[2]["width"]) for c in calls] == [
        ("dfr", "model's", 32), ("dfr", "detailing", 64), ("temporal", "model's", 64), ("temporal", "model's", 64),
        ("dfr", "detailing", 128)]
    last = calls[-1][2]
    assert (last["num_frames"], last["frame_rate"], last["guidance_keyframe_latents"]) == (97, 96.0, "rebuilt")
    assert last["guidance_keyframe_positions"] == [32, 32]  # round 2's keyframes; it was handed round 1's: 24
    assert not last["generate_slots"] and last["freeze_audio"] and last["audio_latents"] == "sound of dfr"
    tiles = epilogue_tiles((13, 4, 4), frame_tiles=4, frame_seams=[6, 6])  # 2 ** rounds, round 2's seams (24) doubled
    assert [(t.frames, t.heights, t.widths) for t in last["video_tiles"]] == [(t.frames, t.heights, t.widths)
                                                                              for t in tiles]
    assert (n, fps, latents.shape[2]) == (33, 96.0, 5) and recipe.steps() == 1 + 2 + 3


def test_a_stop_inside_the_chain_ends_it_at_the_next_step_and_says_nothing_is_kept(tiny, monkeypatch):
    """Every call of the chain goes through its road (sampling/chain_steps.py): a Stop pressed as the first pass's
    first step is reported ends the run before any later call (no upsampler or later pass runs), said as a Stop that
    keeps nothing (ChainSteps.run: the chain's passes hand each other their latents, keyframes and sound)."""
    from diffusers import LTX2DFRTemporalRefinePipeline, LTX2LatentUpsamplePipeline
    later = []
    for cls in (LTX2LatentUpsamplePipeline, LTX2DFRTemporalRefinePipeline):
        monkeypatch.setattr(cls, "__call__", lambda self, *a, **kw: later.append(type(self).__name__))
    tok, plain = CancelToken(), Context.progress

    def progress(self, step, total=None, **kw):
        plain(self, step, total, **kw)
        if self.node_id == "gen" and total and step == 1:
            tok.cancel()
    monkeypatch.setattr(Context, "progress", progress)
    folder, files = tiny("ltx2-parts", generation="LTX-2.5"), tiny("ltx2-dfr-files")
    ev: list = []
    with pytest.raises(Cancelled):
        Executor().run(model_graph(folder, "video_models.ltx2_dfr", _params(files), image=(START, "image")),
                       targets=["gen"], device="cpu", use_cache=False, cancel=tok, on_event=ev.append)
    assert later == []
    assert any(t.startswith("stopped: the steps made are not kept (its take is a chain of pipeline calls")
               for t in said(ev, "gen")), said(ev, "gen")
