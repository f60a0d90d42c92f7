"""The prompt-embedding cache (issue 60 item 2): a second render with only the seed changed runs
no text encoder and makes the frames the uncached run makes; a corrupt entry, another prompt or
another encoder file is a miss; the cache is bounded. Tiny random Wan (tests/video_models/tiny.py)."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor

pytest.importorskip("diffusers")

from .prompt_cache_check import NOT_LOADED as SAID
from .prompt_cache_check import counted_loads, off_then_cached

# what a load does (its count, what it reads, the prompt cache) is what these tests check: each loads its
# models itself (tests/video_models/conftest.py module_models)
pytestmark = pytest.mark.fresh_models


def _graph(wan_dir: str, seed: int, prompt: str = "a fox", guidance: float = 3.0) -> Graph:
    g = Graph()
    g.add_node("video_models.load", {"model": wan_dir}, node_id="load")
    g.add_node("video_models.text_to_video", {"frames": 5, "width": 16, "height": 16, "steps": 2, "guidance": guidance,
                                              "prompt": prompt, "negative_prompt": "blurry", "seed": seed,
                                              "previews": False, "preview_size": "off"}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    g.settings["device"] = "cpu"
    return g


@pytest.fixture
def encodes(monkeypatch):
    """How many times the T5 encoder runs (transformers' own forward, counted)."""
    from transformers import T5EncoderModel
    calls = []
    real = T5EncoderModel.forward

    def counted(self, *a, **k):
        calls.append(1)
        return real(self, *a, **k)
    monkeypatch.setattr(T5EncoderModel, "forward", counted)
    return calls


@pytest.fixture
def loads(monkeypatch):
    """The models read from disk, by class: transformers' and diffusers' own from_pretrained, counted."""
    from diffusers import WanTransformer3DModel
    from transformers import T5EncoderModel
    got = []
    for cls in (T5EncoderModel, WanTransformer3DModel):
        real = cls.from_pretrained.__func__

        def counted(klass, *a, _real=real, **k):
            got.append(klass.__name__)
            return _real(klass, *a, **k)
        monkeypatch.setattr(cls, "from_pretrained", classmethod(counted))
    return got


def _render(wan_dir, seed, **kw):
    msgs = []
    r = Executor().run(_graph(wan_dir, seed, **kw), targets=["gen"],
                       on_event=lambda e: msgs.append(e.text) if isinstance(e, NodeMessage) else None)
    clip = r.value("gen")
    return np.asarray(clip.chunk(0, clip.n_frames)), msgs


def _entries(folder):
    return sorted(os.path.join(r, f) for r, _, fs in os.walk(folder) for f in fs if f.endswith(".safetensors"))


@pytest.fixture
def cache_env(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "1")
    return str(tmp_path / "cache" / "prompt-embeddings")


def test_second_render_loads_no_encoder_and_makes_the_uncached_frames(wan_dir, cache_env, monkeypatch, encodes,
                                                                      loads):
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")  # off: loaded at once, the pipeline encodes the prompt itself
    plain, _ = _render(wan_dir, 2)
    assert encodes and loads.count("T5EncoderModel") == 1
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "1")
    encodes.clear(), loads.clear()
    first, msgs1 = _render(wan_dir, 1)
    assert len(encodes) == 2 and SAID not in msgs1  # prompt and negative
    assert loads.count("T5EncoderModel") == 1 and len(_entries(cache_env)) == 1
    encodes.clear(), loads.clear()
    from studio.engine.disk_cache import DiskCache
    reads, real_get = [], DiskCache.get
    monkeypatch.setattr(DiskCache, "get", lambda self, key: reads.append(self.folder) or real_get(self, key))
    second, msgs2 = _render(wan_dir, 2)  # only the seed changed
    assert len([f for f in reads if "prompt-embeddings" in f]) == 1  # the check's read handed to the call
    assert encodes == [] and SAID in msgs2
    assert loads == ["WanTransformer3DModel"]  # the model was loaded again, all but its text encoder
    assert np.array_equal(second, plain)
    assert not np.array_equal(first, second)


def test_a_corrupt_entry_is_a_miss_removed_and_said(wan_dir, cache_env, encodes):
    _render(wan_dir, 1)
    (entry,) = _entries(cache_env)
    with open(entry, "r+b") as f:
        f.seek(os.path.getsize(entry) - 5)
        f.write(b"\x00\x01\x02\x03\x04")
    encodes.clear()
    _, msgs = _render(wan_dir, 1)
    assert encodes and SAID not in msgs
    assert any("corrupt" in m and "encoded again" in m for m in msgs)
    encodes.clear()
    _, msgs = _render(wan_dir, 1)  # rewritten, whole again
    assert encodes == [] and SAID in msgs


def test_another_prompt_or_encoder_file_is_a_miss(wan_dir, cache_env, encodes, tmp_path):
    _render(wan_dir, 1)
    encodes.clear()
    _, msgs = _render(wan_dir, 1, prompt="a cat")
    assert encodes and SAID not in msgs
    other = str(tmp_path / "other-wan")
    shutil.copytree(wan_dir, other)
    te = [f for f in os.listdir(os.path.join(other, "text_encoder")) if f.endswith(".safetensors")][0]
    os.utime(os.path.join(other, "text_encoder", te), ns=(1, 1))  # another file: its identity differs
    encodes.clear()
    _, msgs = _render(other, 1)
    assert encodes and SAID not in msgs
    assert len(_entries(cache_env)) == 3


def test_the_cache_is_bounded(tmp_path):
    import torch
    from studio.engine.disk_cache import DiskCache
    cache = DiskCache(str(tmp_path / "pe"), 150_000)
    for i in range(6):
        n, why = cache.put(f"k{i}", {"prompt_embeds": torch.full((1, 512, 32), float(i))})
        assert n > 0 and why == ""
    assert cache.size() <= 150_000 and len(_entries(str(tmp_path / "pe"))) == 2


def test_the_encoder_waits_on_disk_and_a_pipeline_that_needs_it_loads_it(wan_dir, cache_env, loads):
    import torch

    from nodes.video_models.loading.load import load_video_model
    ref = load_video_model(wan_dir, base=None, device=torch.device("cpu"))
    assert ref.module.text_encoder is None and "T5EncoderModel" not in loads
    te_bytes = sum(os.path.getsize(os.path.join(wan_dir, "text_encoder", f))
                   for f in os.listdir(os.path.join(wan_dir, "text_encoder")) if f.endswith(".safetensors"))
    assert ref.shared.text_loader.nbytes == te_bytes  # the memory plan counts it as loaded
    assert ref.pipeline("t2v", text=False).text_encoder is None
    pipe = ref.pipeline("t2v")  # every other use: loaded, into the pipelines made before
    assert loads.count("T5EncoderModel") == 1 and pipe.text_encoder is not None
    assert ref.module.text_encoder is pipe.text_encoder and ref.shared.text_loader is None


def _still_png(tmp_path) -> str:
    import cv2
    from .tiny import still
    p = str(tmp_path / "still.png")
    cv2.imwrite(p, (still(32, 32)[..., ::-1] * 255).astype(np.uint8))
    return p


def _other_graph(kind: str, model: str, seed: int, source: str) -> Graph:
    """Image to Video on a tiny Wan I2V folder (a still from Load Image), or Video to Video on the
    tiny Wan (a Shapes clip): the prompt, its negative and every setting but the seed fixed."""
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    common = {"width": 16, "height": 16, "steps": 2, "guidance": 3.0, "prompt": "a fox", "negative_prompt": "blurry",
              "seed": seed, "previews": False, "preview_size": "off"}
    if kind == "i2v":
        g.add_node("io.load_image", {"path": source}, node_id="src")
        g.add_node("video_models.image_to_video", dict(common, frames=5), node_id="gen")
        g.connect("src", "image", "gen", "image")
    else:
        g.add_node("source.shapes", {"frames": 5, "width": 16, "height": 16}, node_id="src")
        g.add_node("video_models.video_to_video", dict(common, strength=0.5), node_id="gen")
        g.connect("src", "video", "gen", "video")
    g.connect("load", "model", "gen", "model")
    g.settings["device"] = "cpu"
    return g


@pytest.mark.parametrize("kind", ["i2v", "v2v"])
def test_image_and_video_to_video_load_no_encoder_for_a_cached_prompt(kind, wan_dir, cache_env, monkeypatch,
                                                                     encodes, loads, tmp_path, tiny):
    """Image to Video and Video to Video as Text to Video: a second render with only the seed changed
    reads the prompt's embeddings from the cache and never loads the text encoder; its frames are
    those of a render with the cache off."""
    if kind == "i2v":
        model, source = tiny("wan-i2v"), _still_png(tmp_path)  # the session's tiny Wan I2V, read only
    else:
        model, source = wan_dir, ""

    def render(seed):
        msgs = []
        r = Executor().run(_other_graph(kind, model, seed, source), targets=["gen"],
                           on_event=lambda e: msgs.append(e.text) if isinstance(e, NodeMessage) else None)
        clip = r.value("gen")
        return np.asarray(clip.chunk(0, clip.n_frames)), msgs
    plain, (_f, msgs1, (encoded, loaded)), (second, msgs2) = off_then_cached(monkeypatch, tmp_path, render,
                                                                             (encodes, loads))
    assert len(encoded) == 2 and SAID not in msgs1 and loaded.count("T5EncoderModel") == 1
    assert encodes == [] and SAID in msgs2 and "T5EncoderModel" not in loads
    assert np.array_equal(second, plain)


@pytest.mark.parametrize("family", ["ltx", "cogvideox"])
def test_ltx_and_cogvideox_prompts_are_cached_too(family, request, cache_env, monkeypatch, encodes, tmp_path):
    """LTX-Video (its embeddings with their attention masks) and CogVideoX (Wan's shape) through the
    same cache (base/prompt_recipes.py): the second render with only the seed changed runs no encoder,
    loads none, and makes the frames of a render with the cache off."""
    from transformers import T5EncoderModel
    model = request.getfixturevalue(f"{family}_dir")
    loaded = counted_loads(monkeypatch, T5EncoderModel)

    def render(seed):
        g = Graph()
        g.add_node("video_models.load", {"model": model}, node_id="load")
        g.add_node("video_models.text_to_video", {"frames": 9, "width": 32, "height": 32, "steps": 2, "guidance": 3.0,
                                                  "prompt": "a fox", "negative_prompt": "blurry", "seed": seed,
                                                  "previews": False, "preview_size": "off"}, node_id="gen")
        g.connect("load", "model", "gen", "model")
        g.settings["device"] = "cpu"
        msgs = []
        clip = Executor().run(g, targets=["gen"], on_event=lambda e: msgs.append(e.text)
                              if isinstance(e, NodeMessage) else None).value("gen")
        return np.asarray(clip.chunk(0, clip.n_frames)), msgs
    plain, (_f, _m, (encoded, loads)), (second, msgs) = off_then_cached(monkeypatch, tmp_path, render,
                                                                         (encodes, loaded))
    assert len(encoded) == 2 and len(loads) == 1 and len(_entries(cache_env)) == 1
    assert encodes == [] and loaded == [] and SAID in msgs
    assert np.array_equal(second, plain)


def test_an_encoder_rewritten_in_place_with_its_size_and_time_is_another_encoder(tmp_path):
    """Issue 76 item 6: the key knows an encoder by its content, not by path, size and time alone."""
    from nodes.video_models.sampling.prompt_cache import identity
    f = tmp_path / "model.safetensors"
    f.write_bytes(bytes(range(256)) * 40_000)  # 10 MB: a header and sampled slices
    st = os.stat(f)
    before = identity([str(f)])
    assert before and identity([str(f)]) == before  # stable for an unchanged file
    with open(f, "r+b") as h:  # another encoder of the same size...
        h.seek(5_000_000)
        h.write(b"\xff" * 256)
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # ...given the old one's modification time
    assert os.stat(f).st_size == st.st_size and os.stat(f).st_mtime_ns == st.st_mtime_ns
    assert identity([str(f)]) != before
    os.mkfifo(tmp_path / "fifo")
    assert identity([str(tmp_path / "fifo")]) == ""  # not a regular file: not cached, never opened
