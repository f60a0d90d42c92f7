"""The prompt-embedding cache (issue 60) for HunyuanVideo (the original, 1.0): its text to video
pipeline's prompt is Llama's templated states, their mask and CLIP's pooled output; the negative is
encoded only under true CFG (true_cfg_scale above 1 with a negative: Studio's 'guidance' is the
model's embedded guidance). A second render with only the seed changed loads neither text encoder
(both waited on disk) and makes the frames of a render with the cache off (tiny random model, CPU)."""
from __future__ import annotations

import numpy as np
import pytest

from . import tiny_parts as tp

# what a load does (its count, what it reads, the prompt cache) is what these tests check: each loads its
# models itself (tests/video_models/conftest.py module_models)
pytestmark = pytest.mark.fresh_models

pytest.importorskip("diffusers")


@pytest.fixture(scope="session")
def hunyuan_dir(tiny):
    return tiny("hunyuan")


def _render(folder: str, **params):
    from studio.engine.executor import Executor

    def render(seed):
        g = tp.t2v_graph("a red fox running in the snow", frames=5, size=16, model=folder)
        for k, v in dict(params, seed=seed).items():
            g.set_param("gen", k, v)
        said = []
        clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False,
                              on_event=lambda e: said.append(getattr(e, "text", ""))).value("gen")
        return clip.frames, said
    return render


def test_a_cached_prompt_loads_neither_text_encoder_and_makes_the_same_frames(hunyuan_dir, tmp_path, monkeypatch):
    from transformers import CLIPTextModel, LlamaModel

    from .prompt_cache_check import NOT_LOADED, counted_loads, off_then_cached
    loaded = counted_loads(monkeypatch, LlamaModel)
    loaded_2 = counted_loads(monkeypatch, CLIPTextModel)
    render = _render(hunyuan_dir, guidance=6.0, negative_prompt="blurry")
    plain, first, (second, said) = off_then_cached(monkeypatch, tmp_path, render, (loaded, loaded_2))
    assert first[-1] == (["LlamaModel"], ["CLIPTextModel"])  # the first render with the cache on encoded
    assert loaded == [] and loaded_2 == [] and NOT_LOADED in said
    assert np.array_equal(second, plain) and not np.array_equal(first[0], plain)  # another seed differs


def test_its_entry_holds_the_prompts_states_mask_and_pooled_output_and_no_negative(hunyuan_dir, tmp_path,
                                                                                   monkeypatch):
    """Without true CFG the call encodes no negative: the entry holds the prompt's three tensors, as
    encode_prompt returns them at the call's own length (256 tokens after the template)."""
    import glob
    import os

    from nodes.video_models.sampling.prompt_cache import cache_from_env

    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "1")
    _render(hunyuan_dir, guidance=6.0, negative_prompt="blurry")(3)
    files = glob.glob(os.path.join(cache_from_env().folder, "*", "*.safetensors"))
    assert len(files) == 1
    from safetensors import safe_open
    with safe_open(str(files[0]), "pt") as f:
        names = set(f.keys())
        shapes = {n: tuple(f.get_slice(n).get_shape()) for n in names}
    assert {"prompt_embeds", "pooled_prompt_embeds", "prompt_attention_mask"} <= names
    assert not [n for n in names if n.startswith("negative_")]
    assert shapes["prompt_embeds"][:2] == (1, 256) and shapes["prompt_attention_mask"] == (1, 256)
    assert shapes["pooled_prompt_embeds"] == (1, 8)  # the tiny CLIP's width


def test_another_clip_file_or_a_damaged_entry_is_a_miss_encoded_again(hunyuan_dir, tmp_path, monkeypatch):
    """The entry's key holds both encoders' files (CLIP's pooled output is in it): CLIP's file changed
    is a miss; a damaged entry is a miss, said, removed and encoded again into the same frames."""
    import glob
    import os
    import shutil

    from transformers import LlamaModel

    from .prompt_cache_check import NOT_LOADED, counted_loads
    folder = str(tmp_path / "hunyuan")
    shutil.copytree(hunyuan_dir, folder)
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "1")
    loaded = counted_loads(monkeypatch, LlamaModel)
    render = _render(folder, guidance=6.0)
    first, _ = render(3)
    clip = [f for f in glob.glob(os.path.join(folder, "text_encoder_2", "*")) if f.endswith(".safetensors")][0]
    os.utime(clip, ns=(1, 1))  # another file: its identity differs
    loaded.clear()
    again, said = render(3)
    assert loaded == ["LlamaModel"] and NOT_LOADED not in said and np.array_equal(again, first)
    entries = sorted(glob.glob(str(tmp_path / "cache" / "**" / "*.safetensors"), recursive=True), key=os.path.getmtime)
    assert len(entries) == 2
    with open(entries[-1], "r+b") as f:  # the newest: this file's
        f.seek(os.path.getsize(entries[-1]) - 5)
        f.write(b"\x00\x01\x02\x03\x04")
    loaded.clear()
    again, said = render(3)
    assert loaded == ["LlamaModel"] and any("encoded again" in m for m in said) and np.array_equal(again, first)
    loaded.clear()
    again, said = render(3)  # rewritten, whole again
    assert loaded == [] and NOT_LOADED in said and np.array_equal(again, first)
