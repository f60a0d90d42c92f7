"""Issue 60 item 2 with ComfyUI's files and no diffusers folder, for each family whose part reader
builds the pipeline itself (Wan's is tested in test_comfy_parts.py): while the prompt-embedding cache
is on, the text-encoder file waits on disk; the first render reads it (its prompt is not cached), a
second with only the seed changed never does and makes the frames of a render with the cache off."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.engine.executor import Executor

from .prompt_cache_check import NOT_LOADED, off_then_cached

# what a load does (its count, what it reads, the prompt cache) is what these tests check: each loads its
# models itself (tests/video_models/conftest.py module_models)
pytestmark = pytest.mark.fresh_models

pytest.importorskip("diffusers")
PROMPT = "a red fox running in the snow"


def _ltx(root, request):
    from . import tiny_ltx as tl
    folder = tl.build(str(root / "ltx-tiny"))
    files = tl.write_parts(folder, str(root / "models"))
    gen = ("video_models.text_to_video", {"frames": 9, "width": 32, "height": 32, "guidance": 2.0})
    return {"model": files["denoiser"], "text_encoder": files["text_encoder"]}, gen


def _ltx2(root, request):
    from . import tiny_ltx2_parts as tl2
    folder = request.getfixturevalue("tiny")("ltx2-parts")  # the session's tiny LTX-2, read only
    files = tl2.write_files(folder, str(root / "models"))
    gen = ("video_models.ltx2", {"frames": 9, "width": 64, "height": 64, "guidance": 2.0, "fps": 24.0})
    return {"model": files["checkpoint"], "text_encoder": files["text_encoder"]}, gen


def _hunyuan15(root, request):
    folder, files = request.getfixturevalue("hy15")  # the session's tiny HunyuanVideo 1.5 and its files, read only
    te = root / "text_encoders"  # ComfyUI's layout: the Qwen tokenizer beside its file
    te.mkdir()
    shutil.copy(files["text_encoder"], te / "qwen_2.5_vl_7b_tiny.safetensors")
    shutil.copytree(os.path.join(folder, "tokenizer"), te / "tokenizer")
    gen = ("video_models.text_to_video", {"frames": 5, "width": 32, "height": 32, "guidance": 2.0})
    return {"model": files["denoiser"], "text_encoder": str(te / "qwen_2.5_vl_7b_tiny.safetensors"),
            "text_encoder_2": files["text_encoder_2"], "vae": files["vae"]}, gen


@pytest.mark.parametrize("family", ["ltx", "ltx2", "hunyuan15"])
def test_the_text_encoder_file_waits_for_a_prompt_not_in_the_cache(family, tmp_path, monkeypatch, request):
    from nodes.video_models.files import parts as parts_mod
    load, (gen_id, gen_params) = {"ltx": _ltx, "ltx2": _ltx2, "hunyuan15": _hunyuan15}[family](tmp_path, request)
    read = []
    real = parts_mod.load_part  # the waiting encoder's loader reads it through files.parts
    monkeypatch.setattr(parts_mod, "load_part", lambda part, dt: read.append(part.component) or real(part, dt))

    def render(seed):
        g = Graph()
        g.add_node("video_models.load", load, node_id="load")
        g.add_node(gen_id, {"prompt": PROMPT, "negative_prompt": "blurry", "steps": 2, "seed": seed,
                            "preview_size": "off", **gen_params}, node_id="gen")
        g.connect("load", "model", "gen", "model")
        said = []
        r = Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=said.append)
        clip = r.value("gen", "video")
        return np.asarray(clip.chunk(0, clip.n_frames)), " ".join(str(getattr(e, "text", "")) for e in said)
    plain, (_f, first_said, (first_reads,)), (again, said) = off_then_cached(monkeypatch, tmp_path, render, (read,))
    assert first_reads.count("text_encoder") == 1 and "read when a prompt is not in the prompt cache" in first_said
    assert "text_encoder" not in read and NOT_LOADED in said  # the second render with the cache on: never read
    assert np.array_equal(again, plain)
