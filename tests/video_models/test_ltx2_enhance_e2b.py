"""Enhance Prompt with an enhancer file (LTX-2.5's templates' Gemma 4 E2B, ComfyUI's CLIPLoader
'gemma4_e2b_it_int8_convrot.safetensors'): a tiny random Gemma 4 shaped as E2B (tiny_gemma4_e2b.py),
written in ComfyUI's layout plain and int8 convrot, read back lean into transformers' Gemma4ForCausalLM
and run with no model input: its text is transformers' generate() called directly on the same weights
with the same turns, settings and seed; files that are not such a Gemma 4 are refused in one sentence
naming the node and the file, before any weight is read; neither a model nor a file is refused by
validation."""
from __future__ import annotations

import os

import pytest
import torch

from studio.core.graph import Graph
from studio.engine.executor import Executor

from . import tiny_gemma4_e2b as tg

SETTINGS = dict(do_sample=True, temperature=0.7, top_k=64, top_p=0.95, min_p=0.05, repetition_penalty=1.05)
EX = []


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2b")
    plain = tg.comfy_state(tg.model())
    int8 = tg.comfy_state(tg.model(), int8=True)
    return {"plain": tg.write(str(root / "gemma4_e2b_it_bf16.safetensors"), state=plain),
            "int8": tg.write(str(root / "gemma4_e2b_it_int8_convrot.safetensors"), state=int8),
            "int8_state": int8, "root": root}


def _run(enhancer, model=False, **p):
    g = Graph()
    g.add_node("video_models.ltx2_enhance_prompt", dict({"prompt": "a red fox", "max_new_tokens": 10, "seed": 3,
                                                          "enhancer": enhancer}, **p), node_id="en")
    said = []
    EX[:] = EX or [Executor()]
    r = EX[0].run(g, targets=["en"], device="cpu", use_cache=False,
                  on_event=lambda e: said.append(getattr(e, "text", "") or ""))
    return r.value("en"), said


def _direct(lm, seed=3, sampled=True, system=None, max_new_tokens=10):
    """generate() called as is on ``lm`` with Gemma 4's turns written out here, <bos> first."""
    from tokenizers import Tokenizer

    from nodes.video_models.families.ltx2.enhance import T2V_SYSTEM
    tok = Tokenizer.from_str(tg.tokenizer_json())
    text = (f"<|turn>system\n{system or T2V_SYSTEM}<turn|>\n<|turn>user\nUser Raw Input Prompt: a red fox.<turn|>\n"
            "<|turn>model\n")
    ids = torch.tensor([[2] + tok.encode(text, add_special_tokens=False).ids])
    stop = [1, tok.token_to_id("<turn|>")]
    torch.manual_seed(seed)
    with torch.no_grad():
        out = lm.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
                          eos_token_id=stop, pad_token_id=0, **(SETTINGS if sampled else {"do_sample": False}))
    return tok.decode(out[0, ids.shape[1]:].tolist(), skip_special_tokens=True).strip()


def test_the_plain_file_writes_what_generate_writes_on_the_same_weights(files):
    text, said = _run(files["plain"])
    assert text and text == _direct(tg.model())
    assert any("10 tokens written by 'gemma4_e2b_it_bf16.safetensors', Gemma 4 (6 layers of width 64" in s and
               "vision and audio parts not read" in s for s in said), said
    assert _run(files["plain"], seed=4)[0] == _direct(tg.model(), seed=4) != text
    greedy, _ = _run(files["plain"], sampling=False, repetition_penalty=2.0, system_prompt="a quiet street")
    assert greedy == _direct(tg.model(), sampled=False, system="a quiet street")


def test_the_int8_convrot_file_stays_int8_and_writes_what_its_weights_write(files):
    from nodes.video_models.families.ltx2.enhancer_file import load
    from nodes.video_models.files.comfy_int8 import Int8Linear
    text, said = _run(files["int8"])
    lm, _, what = load(files["int8"], torch.float32)
    assert isinstance(lm.model.layers[0].self_attn.q_proj, Int8Linear) and "int8 convrot" in what
    assert lm.lm_head.weight is lm.model.embed_tokens.weight  # tied, as Gemma's head is
    ref = tg.dequantised(tg.model(), files["int8_state"])
    assert text == _direct(ref)
    assert _run(files["int8"], sampling=False)[0] == _direct(ref, sampled=False)


def test_comfyuis_kv_projections_on_the_shared_layers_are_not_read(files):
    """ComfyUI's Gemma 4 builds k_proj / v_proj / k_norm on every layer; on the KV-sharing layers they are
    not used: such a file reads the same (its shared layers told by their doubled MLPs)."""
    state = dict(tg.comfy_state(tg.model()))
    for i in (4, 5):
        width = 32 if i == 5 else 16
        state[f"model.layers.{i}.self_attn.k_proj.weight"] = torch.randn(width, 64)
        state[f"model.layers.{i}.self_attn.v_proj.weight"] = torch.randn(width, 64)
        state[f"model.layers.{i}.self_attn.k_norm.weight"] = torch.randn(width)
    path = tg.write(str(files["root"] / "comfy-kv.safetensors"), state=state)
    from nodes.video_models.families.ltx2.enhancer_file import inspect
    assert inspect(path).config["num_kv_shared_layers"] == 2
    assert _run(path)[0] == _direct(tg.model())


@pytest.fixture
def no_loads(monkeypatch):
    from nodes.video_models.files import single_file

    def refuse(*a, **k):
        raise AssertionError("weights were read before the refusal")
    monkeypatch.setattr(single_file, "lean_load", refuse)


def _bad(files, name, drop=(), add=None, change=None):
    state = {k: v for k, v in tg.comfy_state(tg.model()).items() if not any(k.startswith(d) for d in drop)}
    state.update(add or {})
    for k, f in (change or {}).items():
        state[k] = f(state[k]).contiguous()
    return tg.write(str(files["root"] / name), state=state)


def test_files_that_are_not_a_gemma4_causal_lm_are_refused_before_loading(files, no_loads, tmp_path):
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.ltx2.enhancer_file import load
    scalars = [f"model.layers.{i}.layer_scalar" for i in range(6)]
    cases = {
        _bad(files, "gemma3.safetensors", drop=scalars): "is not Gemma 4 \\(its layers carry no 'layer_scalar'",
        _bad(files, "vision.safetensors", drop=("model.",)): "holds only a vision or audio part",
        _bad(files, "ltx25-te.safetensors", add={"text_embedding_projection.video_aggregate_embed.weight":
                                                 torch.zeros(4, 4)}): "is LTX-2.5's text encoder",
        _bad(files, "no-tok.safetensors", drop=("tokenizer_json",)): "carries no tokenizer .* Studio looked in the "
                                                                     "file and in '.*tokenizer'",
        _bad(files, "wrong.safetensors", change={"model.layers.1.mlp.up_proj.weight": lambda v: v[:, :32]}):
            "does not make one Gemma4ForCausalLM: 'model.layers.1.mlp.up_proj.weight' is \\[32, 32\\]",
        _bad(files, "t5.safetensors", drop=("model.", "vision", "multi", "audio"), add={"encoder.block.0.weight": torch.zeros(2, 2)}):
            "holds no language model's layers",
    }
    for path, why in cases.items():
        name = os.path.basename(path)
        with pytest.raises(ModelError, match=f"^Enhance Prompt: the enhancer file '.*{name}' {why}"):
            load(path, torch.float32)
    gguf = tmp_path / "e2b.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(ModelError, match="is GGUF"):
        load(str(gguf), torch.float32)


def test_validation_says_what_is_missing_before_the_run(files, tmp_path):
    from nodes.video_models.families.ltx2.enhance import EnhancePrompt
    from studio.core.errors import StudioError
    g = Graph()
    g.add_node("video_models.ltx2_enhance_prompt", {"prompt": "a fox"}, node_id="en")
    with pytest.raises(StudioError, match="nothing to write the prompt with: connect an LTX-2 model .* or set "
                                          "'enhancer' to a Gemma 4 E2B file"):
        Executor().run(g, targets=["en"], device="cpu", use_cache=False)
    bad = _bad(files, "gemma3b.safetensors", drop=[f"model.layers.{i}.layer_scalar" for i in range(6)])
    [why] = EnhancePrompt.preflight({"enhancer": bad, "lora": ""}, str(tmp_path))
    assert why.startswith("Enhance Prompt: the enhancer file") and "is not Gemma 4" in why
    [why] = EnhancePrompt.preflight({"enhancer": "gemma4_e2b_missing.safetensors", "lora": ""}, str(tmp_path))
    assert "enhancer file 'gemma4_e2b_missing.safetensors' not found" in why
    assert EnhancePrompt.preflight({"enhancer": files["plain"], "lora": ""}, str(tmp_path)) == []
    assert EnhancePrompt.signature_files({"enhancer": files["plain"], "lora": ""}) == [files["plain"]]
    assert EnhancePrompt.advise({"enhancer": ""}, None, {}) and not EnhancePrompt.advise({"enhancer": "x"}, None, {})
    assert not EnhancePrompt.advise({"enhancer": ""}, None, {"model": {}})


def test_a_lora_changes_the_text_and_an_image_is_said_not_read(files, tmp_path):
    """A LoRA in ComfyUI's text-encoder key form goes on the file's Gemma 4 for the call (the text changes;
    the file is read for each run, nothing of it kept); a start image wired in is said, not read (the text is the one
    written without it); a model wired in beside the file is said not used."""
    import cv2
    import numpy as np
    from safetensors.torch import save_file

    stem = "text_encoders.gemma4_e2b.transformer.model.layers.{}.self_attn.q_proj"
    torch.manual_seed(0)
    lora = {}
    for i in range(6):
        out = 16 if i % 3 != 2 else 32
        lora[stem.format(i) + ".lora_A.weight"] = torch.randn(4, 64) * 0.5
        lora[stem.format(i) + ".lora_B.weight"] = torch.randn(2 * out, 4) * 0.5
    save_file(lora, str(tmp_path / "e2b-lora.safetensors"))
    plain, _ = _run(files["plain"])
    with_lora, said = _run(files["plain"], lora=str(tmp_path / "e2b-lora.safetensors"), lora_strength=4.0)
    assert with_lora != plain and any("LoRA e2b-lora.safetensors" in s for s in said)
    image = str(tmp_path / "start.png")
    cv2.imwrite(image, np.full((32, 32, 3), 128, np.uint8))
    g = Graph()
    g.add_node("io.load_image", {"path": image}, node_id="img")
    g.add_node("video_models.ltx2_enhance_prompt", {"prompt": "a red fox", "max_new_tokens": 10, "seed": 3,
                                                     "enhancer": files["plain"]}, node_id="en")
    g.connect("img", "image", "en", "image")
    said = []
    r = EX[0].run(g, targets=["en"], device="cpu", use_cache=False,
                  on_event=lambda e: said.append(getattr(e, "text", "") or ""))
    assert r.value("en") == plain
    assert any("the image is not read: Studio reads the enhancer file's language model only" in s for s in said)
