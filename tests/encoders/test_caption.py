"""Caption: a tiny random Florence-2 (built from a config, with a tokenizer and processor made here, no download)
saved in a models folder's LLM/, run on a small picture on the CPU: a string, the same twice; a remote-code folder
refused naming its file."""
import json

import numpy as np
import pytest
import torch

from nodes.encoders.caption import Caption, CaptionModelError, find_captioner
from tests.node_run import run_node

transformers = pytest.importorskip("transformers")


def _tiny_florence(folder):
    from transformers import (BartTokenizer, CLIPImageProcessorPil, Florence2Config,
                              Florence2ForConditionalGeneration, Florence2Processor)
    folder.mkdir(parents=True)
    words = ["<s>", "<pad>", "</s>", "<unk>"] + list("abcdefghijklmnopqrstuvwxyz.,?") + \
        ["\u0120" + c for c in "abcdefghijklmnopqrstuvwxyz"]
    (folder / "vocab.json").write_text(json.dumps({w: i for i, w in enumerate(words)}))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    tok = BartTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"),
                        extra_special_tokens={"image_token": "<image>"})
    ip = CLIPImageProcessorPil(size={"height": 32, "width": 32}, crop_size={"height": 32, "width": 32},
                               do_center_crop=False, image_seq_length=17)  # (32 / 8)^2 + 1 image tokens
    cfg = Florence2Config(
        text_config=dict(model_type="bart", vocab_size=len(tok), d_model=16, encoder_layers=1, decoder_layers=1,
                         encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
                         max_position_embeddings=64, bos_token_id=0, pad_token_id=1, eos_token_id=2,
                         decoder_start_token_id=2, forced_bos_token_id=0),
        vision_config=dict(depths=[1, 1], patch_size=[7, 3], patch_stride=[4, 2], patch_padding=[3, 1],
                           patch_prenorm=[False, True], embed_dim=[8, 16], num_heads=[1, 2], num_groups=[1, 2],
                           window_size=2, projection_dim=16, max_position_embeddings=8),
        image_token_id=tok.image_token_id)
    torch.manual_seed(0)
    Florence2ForConditionalGeneration(cfg).eval().save_pretrained(folder)
    Florence2Processor(image_processor=ip, tokenizer=tok).save_pretrained(folder)


def test_caption_runs_a_native_florence2_from_the_llm_folder(tmp_path, monkeypatch):
    models = tmp_path / "models"
    _tiny_florence(models / "LLM" / "Florence-2-tiny")
    monkeypatch.setenv("STUDIO_MODELS", str(models))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    picture = np.random.default_rng(0).random((40, 48, 3), dtype=np.float32)
    params = {"model": "Florence-2-tiny", "task": "more detailed", "max_tokens": 6, "beams": 2,
              "before": "A: ", "after": " Slow."}
    a = run_node(Caption, params, image=picture)
    b = run_node(Caption, params, image=picture)
    assert isinstance(a, str) and a.startswith("A: ") and a.endswith(" Slow.") and len(a) > len("A:  Slow.")
    assert a == b  # deterministic (beam search, no sampling)
    from studio.engine.clip import ArrayClip
    clip = ArrayClip(np.random.default_rng(1).random((3, 40, 48, 3), dtype=np.float32), 24.0)
    lines = run_node(Caption, {**params, "before": "", "after": "", "every": 2}, image=clip)
    assert lines.count("\n") == 1  # frames 0 and 2, each caption on its own line


def test_remote_code_florence2_is_refused_naming_its_file(tmp_path, monkeypatch):
    folder = tmp_path / "models" / "LLM" / "Florence-2-base"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": "florence2", "auto_map": {
        "AutoModelForCausalLM": "modeling_florence2.Florence2ForConditionalGeneration"}}))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    with pytest.raises(CaptionModelError, match="remote code") as e:
        find_captioner("Florence-2-base")
    assert str(folder / "config.json") in str(e.value) and "florence-community/Florence-2-base" in str(e.value)
    with pytest.raises(CaptionModelError, match="not found"):
        find_captioner("Florence-2-large")
