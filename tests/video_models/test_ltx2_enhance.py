"""Enhance Prompt (issue 56: LTX-2.3's prompt enhancer, ComfyUI's TextGenerateLTX2Prompt): a tiny random
LTX-2.3 written as ComfyUI's files (its Gemma 3 file: the language model under ``model.``, read as
Gemma3TextModel, the LM head tied to the embedding) writes the text transformers' generate() writes
when called directly on the same Gemma with the same turns and settings, the same for a seed, other for
another, at most max_new_tokens; a LoRA in ComfyUI's and kohya's key forms changes the text and leaves
the model exactly as it was; an image is read by a Gemma with a vision tower (the diffusers folder's)
and said, not read, by the file's text-only one."""
from __future__ import annotations

import functools

import numpy as np
import pytest
import torch

from studio.core.graph import Graph
from studio.engine.executor import Executor

from . import tiny_ltx2_parts as tl

pytest.importorskip("diffusers")
SHARED = []  # one executor for the module: each model loaded once (its model cache), the runs uncached
SETTINGS = dict(do_sample=True, temperature=0.7, top_k=64, top_p=0.95, min_p=0.05, repetition_penalty=1.05)


@pytest.fixture(scope="module")
def ltx23(tmp_path_factory, tiny):
    root = tmp_path_factory.mktemp("ltx23e")
    folder = tiny("ltx2-parts", generation="LTX-2.3")
    return folder, tl.write_files(folder, str(root / "models"))


def _run(model, te=None, image=None, ex=None, **p):
    g = Graph()
    g.add_node("video_models.load", {"model": model, "text_encoder": te or ""}, node_id="load")
    g.add_node("video_models.ltx2_enhance_prompt", dict({"prompt": "a red fox", "max_new_tokens": 12, "seed": 3}, **p),
               node_id="en")
    g.connect("load", "model", "en", "model")
    if image is not None:
        g.add_node("io.load_image", {"path": image}, node_id="img")
        g.connect("img", "image", "en", "image")
    said = []
    if ex is None:
        SHARED[:] = SHARED or [Executor()]
        ex = SHARED[0]
    r = ex.run(g, targets=["en", "load"], device="cpu", use_cache=False,
                       on_event=lambda e: said.append(getattr(e, "text", "") or ""))
    return r.value("en"), r.value("load"), said


@functools.lru_cache(maxsize=1)
def _reference(folder):
    """transformers' Gemma3ForCausalLM with the folder's language model (its head tied), and the tokenizer."""
    from transformers import AutoTokenizer, Gemma3ForCausalLM, Gemma3ForConditionalGeneration
    full = Gemma3ForConditionalGeneration.from_pretrained(f"{folder}/text_encoder")
    lm = Gemma3ForCausalLM(full.config.text_config).eval()
    lm.model.load_state_dict(full.model.language_model.state_dict())
    lm.lm_head.weight = lm.model.embed_tokens.weight
    return lm, AutoTokenizer.from_pretrained(f"{folder}/tokenizer")


def _direct(folder, seed, max_new_tokens=12):
    """generate() called as is on the reference model with the enhancer's turns written out here."""
    lm, tok = _reference(folder)
    from nodes.video_models.families.ltx2.enhance import T2V_SYSTEM
    text = (f"<start_of_turn>system\n{T2V_SYSTEM}<end_of_turn>\n<start_of_turn>user\n\n"
            "User Raw Input Prompt: a red fox.<end_of_turn>\n<start_of_turn>model\n")
    enc = tok(text, return_tensors="pt")
    torch.manual_seed(seed)
    with torch.no_grad():
        out = lm.generate(**enc, max_new_tokens=max_new_tokens, eos_token_id=[tok.eos_token_id],
                          pad_token_id=tok.pad_token_id, **SETTINGS)
    new = out[0, enc["input_ids"].shape[1]:]
    return tok.decode(new, skip_special_tokens=True).strip(), len(new)


def test_the_text_is_generate_called_directly_for_its_seed_and_bounded(ltx23):
    folder, files = ltx23
    text, ref, said = _run(files["checkpoint"], files["text_encoder"])
    assert type(ref.module.text_encoder).__name__ == "Gemma3TextModel"  # ComfyUI's file: no LM head of its own
    want, n = _direct(folder, 3)
    assert text == want and 0 < n <= 12 and text.strip()  # at most max_new_tokens (the tiny Gemma may end early)
    assert f"Enhance Prompt: {n} tokens written (seed 3)" in said
    again, _, _ = _run(files["checkpoint"], files["text_encoder"])
    other, _, _ = _run(files["checkpoint"], files["text_encoder"], seed=4)
    assert again == text and other != text and other == _direct(folder, 4)[0]
    short, _, said = _run(files["checkpoint"], files["text_encoder"], max_new_tokens=3)
    assert short == _direct(folder, 3, 3)[0] and "Enhance Prompt: 3 tokens written (seed 3)" in said


def _lora(folder, path, form):
    from safetensors.torch import save_file
    from transformers import Gemma3ForConditionalGeneration
    tm = Gemma3ForConditionalGeneration.from_pretrained(f"{folder}/text_encoder").model.language_model
    g, sd = torch.Generator().manual_seed(1), {}
    for i in range(len(tm.layers)):
        for m in ("self_attn.q_proj", "mlp.down_proj"):
            lin = tm.get_submodule(f"layers.{i}.{m}")
            a, b = torch.randn(4, lin.in_features, generator=g), torch.randn(lin.out_features, 4, generator=g)
            if form == "comfy":  # ComfyUI's generic text-encoder form (the LTX-2 CLIP's state-dict names)
                stem = f"text_encoders.gemma3_12b.transformer.model.layers.{i}.{m}"
                sd.update({f"{stem}.lora_A.weight": a, f"{stem}.lora_B.weight": b})
            else:  # kohya's
                stem = f"lora_te_model_layers_{i}_{m.replace('.', '_')}"
                sd.update({f"{stem}.lora_down.weight": a, f"{stem}.lora_up.weight": b, f"{stem}.alpha": torch.tensor(4.0)})
    save_file(sd, path)
    return path


def _forward_hooks(model) -> set:
    """Every forward hook on ``model``'s modules, as (module name, hook): a LoRA for the call is applied by
    forward hooks. Compared before and after, not required to be none: transformers installs its own
    output-capturing hooks at a model's first call that captures outputs, and keeps them."""
    return {(n, h) for n, m in model.named_modules() for h in m._forward_hooks.values()}


def test_a_lora_changes_the_text_for_the_call_and_leaves_the_model_as_it_was(ltx23, tmp_path):
    folder, files = ltx23
    ex = Executor()  # one model cache: the same loaded Gemma each run
    plain, ref, _ = _run(files["checkpoint"], files["text_encoder"], ex=ex)
    before = {k: v.clone() for k, v in ref.module.text_encoder.state_dict().items()}
    hooks = _forward_hooks(ref.module.text_encoder)
    comfy = _lora(folder, str(tmp_path / "gemma-3-tiny-abliterated_lora.safetensors"), "comfy")
    kohya = _lora(folder, str(tmp_path / "gemma-3-tiny-kohya_lora.safetensors"), "kohya")
    with_lora, ref2, said = _run(files["checkpoint"], files["text_encoder"], lora=comfy,
                                 lora_strength=0.5, ex=ex)
    assert plain and with_lora != plain
    assert any("LoRA gemma-3-tiny-abliterated_lora.safetensors" in s for s in said)
    assert _run(files["checkpoint"], files["text_encoder"], lora=kohya, lora_strength=0.5,
                ex=ex)[0] == with_lora
    after = ref2.module.text_encoder.state_dict()
    assert ref2.module.text_encoder is ref.module.text_encoder  # the cached model, used again
    assert set(after) == set(before) and all(torch.equal(after[k], before[k]) for k in before)
    assert _forward_hooks(ref2.module.text_encoder) == hooks  # the LoRA's gone
    assert _run(files["checkpoint"], files["text_encoder"], ex=ex)[0] == plain


def test_a_lora_for_another_model_is_refused_by_name(ltx23, tmp_path):
    from safetensors.torch import save_file
    _, files = ltx23
    bad = str(tmp_path / "wan_lora.safetensors")
    save_file({"diffusion_model.blocks.0.self_attn.q.lora_A.weight": torch.zeros(4, 8),
               "diffusion_model.blocks.0.self_attn.q.lora_B.weight": torch.zeros(8, 4)}, bad)
    with pytest.raises(Exception, match="no key of the LoRA 'wan_lora.safetensors' names a layer of Gemma 3"):
        _run(files["checkpoint"], files["text_encoder"], lora=bad)


def test_an_image_is_read_by_a_gemma_with_a_vision_tower_and_said_by_one_without(ltx23, tmp_path, monkeypatch):
    import json
    import shutil

    from PIL import Image
    base, files = ltx23
    folder = shutil.copytree(base, str(tmp_path / "ltx23-vision"))  # the tiny Gemma's image tokens made its own
    cfg_path = f"{folder}/text_encoder/config.json"  # (3, a word of the tiny vocabulary, in the builder's)
    with open(cfg_path) as f:
        cfg = json.load(f)
    cfg.update(boi_token_index=22, eoi_token_index=22, image_token_index=23)  # ids the tokenizer never gives
    with open(cfg_path, "w") as f:
        json.dump(cfg, f)
    img = str(tmp_path / "start.png")
    Image.fromarray((np.random.default_rng(0).random((40, 56, 3)) * 255).astype(np.uint8)).save(img)
    plain, ref, _ = _run(folder)
    assert type(ref.module.text_encoder).__name__ == "Gemma3ForConditionalGeneration"
    from transformers.models.gemma3.modeling_gemma3 import Gemma3Model
    pictures, own = [], Gemma3Model.get_image_features

    def counted(self, pixel_values, *a, **k):  # the model's own, its input noted
        pictures.append(tuple(pixel_values.shape))
        return own(self, pixel_values, *a, **k)
    monkeypatch.setattr(Gemma3Model, "get_image_features", counted)
    seen, _, said = _run(folder, image=img)
    assert pictures == [(1, 3, 28, 28)]  # the vision tower's square, once (the prompt's pass; then the cache)
    assert seen.strip() and any("tokens written (seed 3, with the image)" in s for s in said)
    text_only, _, said = _run(files["checkpoint"], files["text_encoder"], image=img)
    assert text_only == _run(files["checkpoint"], files["text_encoder"])[0]
    assert any("the image is not read: this Gemma 3 has no vision tower" in s for s in said)


def test_a_missing_lora_is_said_by_validate_and_its_file_is_in_the_signature(ltx23, tmp_path):
    from nodes.video_models.families.ltx2.enhance import EnhancePrompt
    folder, _ = ltx23
    said = EnhancePrompt.preflight({"lora": "no-such-gemma-lora.safetensors"}, str(tmp_path))
    assert len(said) == 1 and "LoRA file 'no-such-gemma-lora.safetensors' not found" in said[0]
    path = _lora(folder, str(tmp_path / "gemma-lora.safetensors"), "comfy")
    assert EnhancePrompt.preflight({"lora": "gemma-lora.safetensors"}, str(tmp_path)) == []
    assert EnhancePrompt.signature_files({"lora": "gemma-lora.safetensors"}, str(tmp_path)) == [path]
    assert EnhancePrompt.signature_files({"lora": ""}, str(tmp_path)) == []


def test_an_8_bit_embedding_and_a_lora_of_other_widths_are_refused_by_name():
    from transformers import Gemma3TextConfig, Gemma3TextModel

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.ltx2.enhance_lm import causal_lm, lora_layers
    tm = Gemma3TextModel(Gemma3TextConfig(vocab_size=24, hidden_size=32, intermediate_size=37, num_hidden_layers=1,
                                          num_attention_heads=2, num_key_value_heads=1, head_dim=8))
    lm, sees = causal_lm(tm)
    assert lm.lm_head.weight is tm.embed_tokens.weight and not sees  # tied: the embedding itself
    wrong = {"text_encoders.gemma3_12b.transformer.model.layers.0.self_attn.q_proj.lora_A.weight": torch.zeros(4, 33),
             "text_encoders.gemma3_12b.transformer.model.layers.0.self_attn.q_proj.lora_B.weight": torch.zeros(16, 4)}
    with pytest.raises(ModelError, match="the LoRA 'wide.safetensors' does not fit this Gemma: .* maps 32 values to 16"):
        lora_layers(wrong, tm, "wide.safetensors")
    tm.embed_tokens.weight.data = tm.embed_tokens.weight.data.to(torch.float8_e4m3fn)
    with pytest.raises(ModelError, match="word embedding is stored as torch.float8_e4m3fn"):
        causal_lm(tm)


def test_the_written_prompt_drives_the_take(ltx23):
    """Load -> Enhance Prompt -> LTX-2 Video + Sound: the take is the one made with the written text typed
    in as the generator's prompt."""
    _, files = ltx23
    take = dict(width=64, height=64, frames=9, steps=2, guidance=1.0, seed=5)

    def graph(prompt_wired, text=""):
        g = Graph()
        g.add_node("video_models.load", {"model": files["checkpoint"], "text_encoder": files["text_encoder"]},
                   node_id="load")
        g.add_node("video_models.ltx2", dict(take, prompt=text or "a red fox"), node_id="gen")
        g.connect("load", "model", "gen", "model")
        if prompt_wired:
            g.add_node("video_models.ltx2_enhance_prompt", {"prompt": "a red fox", "max_new_tokens": 12, "seed": 3},
                       node_id="en")
            g.connect("load", "model", "en", "model")
            g.connect("en", "text", "gen", "prompt")
        return g
    ex = Executor()
    r = ex.run(graph(True), targets=["gen", "en"], device="cpu", use_cache=False)
    written = r.value("en")
    typed = ex.run(graph(False, written), targets=["gen"], device="cpu", use_cache=False).value("gen")
    plain = ex.run(graph(False), targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert written != "a red fox" and np.array_equal(r.value("gen").frames, typed.frames)
    assert not np.array_equal(typed.frames, plain.frames)


def test_stop_ends_the_writing_between_tokens_and_takes_the_lora_off(ltx23, tmp_path):
    from studio.core.errors import Cancelled
    from studio.engine.context import CancelToken
    from studio.engine.events import NodeProgress
    folder, files = ltx23
    lora = _lora(folder, str(tmp_path / "gemma-lora.safetensors"), "comfy")
    g = Graph()
    g.add_node("video_models.load", {"model": files["checkpoint"], "text_encoder": files["text_encoder"]},
               node_id="load")
    g.add_node("video_models.ltx2_enhance_prompt", {"prompt": "a red fox", "max_new_tokens": 64, "seed": 3,
                                                     "lora": lora}, node_id="en")
    g.connect("load", "model", "en", "model")
    stop, steps = CancelToken(), []

    def seen(e):
        if isinstance(e, NodeProgress) and e.node_id == "en":
            steps.append((e.step, e.total, e.unit))
            stop.cancel()  # Stop pressed as the first token is reported
    ex = Executor()

    def hooks():
        loaded = ex.run(g, targets=["load"], device="cpu", use_cache=False).value("load")
        return _forward_hooks(loaded.module.text_encoder)
    before = hooks()
    with pytest.raises(Cancelled):
        ex.run(g, targets=["en"], device="cpu", use_cache=False, cancel=stop, on_event=seen)
    assert steps == [(1, 64, "token")]
    assert hooks() == before


def test_a_text_encoder_not_gemma3_is_refused_from_its_config():
    from transformers import Gemma3Config, Gemma3TextConfig, T5Config

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.ltx2.enhance_lm import check_gemma3
    check_gemma3(Gemma3TextConfig(), "ltx-2.3.safetensors")  # ComfyUI's file, read as the text model
    check_gemma3(Gemma3Config(), "ltx-2.3")  # a diffusers folder's, with its vision tower
    with pytest.raises(ModelError, match="the text encoder of 'wan' is t5, not Gemma 3"):
        check_gemma3(T5Config(), "wan")


def test_sampling_off_is_plain_greedy_generate(ltx23):
    """sampling off: generate()'s greedy search with none of the sampling settings (a repetition penalty
    set on the node is not applied, as ComfyUI's 'off' applies none), whatever the seed; a system prompt
    of the node's own is used as given."""
    folder, files = ltx23
    system = "cinematic close up of a dog"  # words of the tiny vocabulary: a greedy text that is not empty
    text, _, _ = _run(files["checkpoint"], files["text_encoder"], sampling=False, repetition_penalty=2.0, seed=9,
                      system_prompt=system)
    lm, tok = _reference(folder)
    from nodes.video_models.families.ltx2.enhance import chat
    enc = tok(chat(system, "a red fox"), return_tensors="pt")
    with torch.no_grad():
        out = lm.generate(**enc, max_new_tokens=12, do_sample=False, eos_token_id=[tok.eos_token_id],
                          pad_token_id=tok.pad_token_id)
    assert text and text == tok.decode(out[0, enc["input_ids"].shape[1]:], skip_special_tokens=True).strip()
    assert _run(files["checkpoint"], files["text_encoder"], sampling=False, seed=10, system_prompt=system)[0] == text
    assert _run(files["checkpoint"], files["text_encoder"], sampling=False, system_prompt="a")[0] != text
