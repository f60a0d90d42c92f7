"""Nothing lost at the end (kept_latents.py): an out-of-memory error while decoding keeps the sampled
latents, decodes again lighter, and a re-run decodes kept latents without sampling again. Tiny Wan
and LTX-Video (one ``vae.decode``) and SVD (``decode_latents`` in chunks of frames) on the CPU; the
out-of-memory error is raised by the VAE, as a GPU's would be."""
from __future__ import annotations

import json
import os
import re
import types

import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor


pytest.importorskip("diffusers")

OOM_TEXT = "CUDA out of memory. Tried to allocate 12.00 GiB. GPU 0 has a total capacity of 23.6 GiB"


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """Kept latents in this test's own cache folder."""
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    from nodes.video_models.resume.kept_latents import kept_folder
    return kept_folder()


def kept_files(folder: str) -> list[str]:
    return sorted(f for f in os.listdir(folder)) if os.path.isdir(folder) else []


@pytest.fixture
def vae(monkeypatch):
    """The VAEs' decode fails as a GPU's would. ``mode``: 'off'; 'whole' (only an untiled decode
    of the whole clip fails: Wan / LTX without tiling, SVD with chunks of more than one frame);
    'always'; 'other' (a ValueError, not memory). Tiles are small (16 px, stride 8), so a 32 px
    clip really decodes in tiles (and differs from the untiled decode)."""
    import torch
    from diffusers import (AutoencoderKLCogVideoX, AutoencoderKLLTXVideo, AutoencoderKLTemporalDecoder,
                           AutoencoderKLWan)
    ctl = types.SimpleNamespace(mode="off")

    def failing(orig, whole):
        def f(self, z, *a, **k):
            if ctl.mode == "always" or (ctl.mode == "whole" and whole(self, z)):
                raise torch.OutOfMemoryError(OOM_TEXT)
            if ctl.mode == "other":
                raise ValueError("a decode bug")
            return orig(self, z, *a, **k)
        return f
    for cls in (AutoencoderKLWan, AutoencoderKLLTXVideo):
        monkeypatch.setattr(cls, "_decode", failing(cls._decode, lambda self, z: not self.use_tiling))
        tiles = cls.enable_tiling
        monkeypatch.setattr(cls, "enable_tiling", lambda self, _t=tiles: _t(
            self, tile_sample_min_height=16, tile_sample_min_width=16, tile_sample_stride_height=8,
            tile_sample_stride_width=8))
    # CogVideoX: its default tiles (no tiling at 32 px); its pipeline reads vae.decode(...).sample
    monkeypatch.setattr(AutoencoderKLCogVideoX, "_decode", failing(AutoencoderKLCogVideoX._decode,
                                                                   lambda self, z: not self.use_tiling))
    monkeypatch.setattr(AutoencoderKLTemporalDecoder, "decode",
                        failing(AutoencoderKLTemporalDecoder.decode, lambda self, z: z.shape[0] > 1))
    return ctl


@pytest.fixture
def forwards(monkeypatch):
    """Denoiser forward calls (sampling), counted."""
    from diffusers import (CogVideoXTransformer3DModel, LTXVideoTransformer3DModel, UNetSpatioTemporalConditionModel,
                           WanTransformer3DModel)
    calls = []
    for cls in (WanTransformer3DModel, LTXVideoTransformer3DModel, CogVideoXTransformer3DModel,
                UNetSpatioTemporalConditionModel):
        def counted(self, *a, _orig=cls.forward, **k):
            calls.append(type(self).__name__)
            return _orig(self, *a, **k)
        monkeypatch.setattr(cls, "forward", counted)
    return calls


def graph(model: str, seed: int = 3, tiling: bool = False, **params):
    """Previews off: their colour fit encodes a 128 px chart, which the ``vae`` fixture's 16 px tiles cut
    into 225 (half a second a tiled run); no preview takes part in the decode's rescue."""
    g = Graph()
    load = g.add_node("video_models.load", {"model": model, "vae_tiling": tiling})
    p = {"frames": 5, "width": 32, "height": 32, "steps": 2, "seed": seed, "prompt": "a red fox", "previews": False}
    p.update(params)
    gen = g.add_node("video_models.text_to_video", p, node_id="gen")
    g.connect(load.id, "model", gen.id, "model")
    return g, load, gen


def svd_graph(model: str, seed: int = 3, **params):
    from .test_video_nodes import i2v_graph  # registers the still node
    g, load, gen = i2v_graph(model, seed, **{"previews": False, **params})
    return g, load, gen


def run(g, node, events=None, ex=None):
    r = (ex or Executor()).run(g, targets=[node.id], on_event=events.append if events is not None else None,
                               device="cpu")
    return r.value(node.id)


def said(events, node) -> list[str]:
    return [e.text for e in events if isinstance(e, NodeMessage) and e.node_id == node.id]


MODELS = {"wan": "wan_dir", "ltx": "ltx_dir", "cogvideox": "cogvideox_dir"}


@pytest.fixture(params=["wan", "ltx"])
def model(request):
    return request.getfixturevalue(MODELS[request.param])


@pytest.fixture(params=["wan", "ltx", "cogvideox"])
def any_model(request):
    return request.getfixturevalue(MODELS[request.param])


def left_as_it_was(ex, g, load):
    """The cached pipeline: its decode is the VAE class's again, tiling and slicing off."""
    ref = run(g, load, ex=ex)
    for pipe in ref.shared.pipes.values():
        assert "decode" not in vars(pipe.vae) and "decode_latents" not in vars(pipe)
        assert (pipe.vae.use_tiling, getattr(pipe.vae, "use_slicing", False)) == (False, False)


def test_decode_out_of_memory_decodes_again_in_tiles(model, vae, cache):
    vae.mode = "whole"
    ev, ex = [], Executor()
    g, load, gen = graph(model)
    clip = run(g, gen, ev, ex=ex)
    (msg,) = [m for m in said(ev, gen) if "decoding ran out of memory" in m]
    assert "CUDA out of memory" in msg and "decoded again in tiles, without sampling again" in msg
    assert kept_files(cache) == []  # kept while the retry ran, deleted once the frames were made
    left_as_it_was(ex, g, load)
    vae.mode = "off"
    tiled = run(*graph(model, tiling=True)[::2])
    np.testing.assert_array_equal(clip.frames, tiled.frames)  # the same latents, the same tiled decode
    plain = run(*graph(model)[::2])
    assert np.abs(plain.frames - clip.frames).max() > 1e-3  # the tiles are real here: untiled differs


@pytest.mark.fresh_models
def test_kept_latents_are_decoded_by_a_rerun_without_sampling(any_model, vae, forwards, cache):
    from safetensors import safe_open
    model = any_model
    vae.mode = "always"
    ex = Executor()
    g, load, gen = graph(model)
    with pytest.raises(NodeExecutionError) as err:
        run(g, gen, ex=ex)
    text = str(err.value)
    assert "Text to Video" in text and "decoding ran out of memory" in text and "and again decoding in tiles" in text
    path = re.search(r"kept in (\S+\.safetensors)", text).group(1)
    assert os.path.dirname(path) == cache and kept_files(cache) == [os.path.basename(path)]
    with safe_open(path, "pt") as f:  # safetensors: the latents as tensors, the other arguments as JSON
        meta = json.loads(f.metadata()["studio_meta"])
        assert "z" in f.keys() and f.get_tensor("z").ndim == 5
    # Wan, LTX-Video: vae.decode(z, return_dict=False); CogVideoX: vae.decode(z).sample
    assert meta["call"] == "decode" and meta["args"].get("return_dict", True) is ("cogvideox" in model)
    left_as_it_was(ex, g, load)

    vae.mode = "off"
    forwards.clear()
    ev = []
    again = run(g, gen, ev, ex=ex)
    assert forwards == []  # not sampled again
    assert any("decoded the kept latents of an earlier run" in m and "sampling skipped" in m for m in said(ev, gen))
    assert kept_files(cache) == []
    left_as_it_was(ex, g, load)
    normal = run(*graph(model, tiling=True)[::2])  # the same seed, sampled, decoded in tiles from the start
    assert forwards
    np.testing.assert_array_equal(again.frames, normal.frames)
    assert (again.n_frames, again.width, again.height) == (normal.n_frames, 32, 32)


@pytest.mark.fresh_models
def test_another_seed_is_sampled_not_taken_from_kept_latents(wan_dir, vae, forwards, cache):
    vae.mode = "always"
    with pytest.raises(NodeExecutionError, match="kept in"):
        run(*graph(wan_dir, seed=3)[::2])
    vae.mode = "off"
    forwards.clear()
    run(*graph(wan_dir, seed=4)[::2])
    run(*graph(wan_dir, seed=3, prompt="a blue cat")[::2])
    assert forwards and len(kept_files(cache)) == 1  # other runs: sampled; the kept file waits for its own


def test_other_errors_are_not_taken_for_memory(wan_dir, vae, cache):
    vae.mode = "other"
    with pytest.raises(NodeExecutionError, match="a decode bug"):
        run(*graph(wan_dir)[::2])
    assert kept_files(cache) == []


def test_svd_decodes_again_one_frame_at_a_time_and_keeps_its_latents(svd_dir, vae, forwards, cache):
    vae.mode = "whole"  # chunks of more than one frame run out of memory
    ev = []
    g, load, gen = svd_graph(svd_dir)
    rescued = run(g, gen, ev)
    assert any("decoded again one frame at a time" in m for m in said(ev, gen))
    vae.mode = "always"
    with pytest.raises(NodeExecutionError, match="one frame at a time") as err:
        run(g, gen)
    assert "decode_latents" in json.dumps(_meta(re.search(r"kept in (\S+\.safetensors)", str(err.value)).group(1)))
    vae.mode = "off"
    forwards.clear()
    again = run(g, gen)
    assert forwards == [] and kept_files(cache) == []
    np.testing.assert_array_equal(again.frames, rescued.frames)  # the same latents, decoded the same way


def _meta(path: str) -> dict:
    from safetensors import safe_open
    with safe_open(path, "pt") as f:
        return json.loads(f.metadata()["studio_meta"])


def test_the_folder_keeps_the_newest_files_only(tmp_path):
    import torch
    from nodes.video_models.resume import kept_latents as kl
    folder = str(tmp_path / "kept")
    for i in range(kl.KEPT_MAX + 3):
        p = os.path.join(folder, f"{i:02d}.safetensors")
        kl.save_inputs(p, {"z": torch.full((2,), float(i)), "n": i}, {"call": "decode"})
        os.utime(p, (1000 + i, 1000 + i))
    kl.prune(folder)
    assert kept_files(folder) == [f"{i:02d}.safetensors" for i in range(3, kl.KEPT_MAX + 3)]
    args, meta = kl.load_inputs(os.path.join(folder, "05.safetensors"), "cpu")
    assert float(args["z"][0]) == 5.0 and args["n"] == 5 and meta["call"] == "decode"
    with pytest.raises(ValueError, match="'g' is a Generator"):
        kl.save_inputs(os.path.join(folder, "x.safetensors"), {"z": torch.zeros(1), "g": torch.Generator()}, {})
    assert not [f for f in os.listdir(folder) if f.endswith(".tmp")]


def test_the_key_is_the_runs_and_not_where_it_decodes(tmp_path):
    import torch
    from nodes.video_models.base.loaded import LoadedState
    from nodes.video_models.resume.kept_latents import run_key
    f = tmp_path / "w.safetensors"
    f.write_bytes(b"x")

    def ref(**kw):
        base = dict(path=str(f), config={}, dtype=torch.float32, memory="gpu", device=torch.device("cpu"),
                    loras=(), shared=LoadedState())
        return types.SimpleNamespace(**dict(base, **kw))
    pipe = types.SimpleNamespace()
    kw = {"prompt": "a fox", "height": 32, "prompt_embeds": torch.ones(2, 3)}
    speed = {"compile": "auto", "attention": "native", "step_cache": "off", "previews": True}
    k = run_key(ref(), pipe, kw, 7, speed)
    assert k == run_key(ref(memory="model_offload"), pipe, dict(kw), 7, dict(speed, previews=False))
    assert k != run_key(ref(memory="fp8"), pipe, kw, 7, speed)
    assert k != run_key(ref(), pipe, kw, 8, speed)
    assert k != run_key(ref(), pipe, dict(kw, prompt_embeds=torch.ones(2, 3) * 2), 7, speed)
    assert k != run_key(ref(), pipe, dict(kw, height=48), 7, speed)
    assert k != run_key(ref(), pipe, kw, 7, dict(speed, step_cache="first_block"))
