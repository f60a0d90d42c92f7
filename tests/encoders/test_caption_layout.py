"""Caption on a Florence-2 in Microsoft's original layout (ComfyUI's models/LLM/): a tiny random native model written
out by inverting florence_layout's names (an original config.json with auto_map, a modeling file that must never run,
the BART tokenizer without the task tokens, model.safetensors with the DaViT head and tied copies) is read back tensor
for tensor and captions as the native folder does, greedy, on the CPU; a mismatch is one sentence."""
import json

import numpy as np
import pytest
import torch

from nodes.encoders import florence_layout as fl
from nodes.encoders.caption import Caption, CaptionModelError, find_captioner
from tests.node_run import run_node

pytest.importorskip("transformers")

VISION = dict(depths=[1, 1], patch_size=[7, 3], patch_stride=[4, 2], patch_padding=[3, 1], patch_prenorm=[False, True],
              num_heads=[1, 2], num_groups=[1, 2], window_size=2, drop_path_rate=0.1)
TEXT = dict(d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2,
            encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=64, bos_token_id=0, pad_token_id=1,
            eos_token_id=2, decoder_start_token_id=2, forced_bos_token_id=0, forced_eos_token_id=2,
            scale_embedding=False, no_repeat_ngram_size=3, num_beams=3, early_stopping=True)


def _original_files(folder):
    """The tokenizer, preprocessor and config.json of an original-layout folder (the remote processor's tokens not in
    the tokenizer: the remote processor adds them when it loads)."""
    folder.mkdir(parents=True)
    words = ["<s>", "<pad>", "</s>", "<unk>"] + list("abcdefghijklmnopqrstuvwxyz.,?") + \
        ["\u0120" + c for c in "abcdefghijklmnopqrstuvwxyz"] + ["<mask>"]
    (folder / "vocab.json").write_text(json.dumps({w: i for i, w in enumerate(words)}))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    (folder / "modeling_florence2.py").write_text("raise SystemExit('remote code ran')\n")
    (folder / "preprocessor_config.json").write_text(json.dumps({
        "auto_map": {"AutoProcessor": "processing_florence2.Florence2Processor"},
        "processor_class": "Florence2Processor",
        "image_processor_type": "CLIPImageProcessor", "size": {"height": 32, "width": 32},
        "crop_size": {"height": 32, "width": 32}, "do_center_crop": False, "do_resize": True, "do_rescale": True,
        "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": [0.485, 0.456, 0.406],
        "image_std": [0.229, 0.224, 0.225], "resample": 3, "image_seq_length": 17}))
    vocab = len(words) + len(fl.TASK_TOKENS)
    (folder / "config.json").write_text(json.dumps({
        "architectures": ["Florence2ForConditionalGeneration"], "model_type": "florence2", "projection_dim": 16,
        "auto_map": {"AutoConfig": "configuration_florence2.Florence2Config",
                     "AutoModelForCausalLM": "modeling_florence2.Florence2ForConditionalGeneration"},
        "vocab_size": vocab, "text_config": {"model_type": "florence2_language", "vocab_size": vocab, **TEXT},
        "vision_config": {"model_type": "davit", "dim_embed": [8, 16], "projection_dim": 16, **VISION,
                          "image_pos_embed": {"type": "learned_abs_2d", "max_pos_embeddings": 8},
                          "visual_temporal_embedding": {"type": "COSINE", "max_temporal_embeddings": 100},
                          "image_feature_source": ["spatial_avg_pool", "temporal_avg_pool"]}}))
    return vocab


def _tiny_pair(models):
    """A random native Florence-2 in LLM/native (transformers' layout) and the same weights in LLM/original."""
    from safetensors.torch import save_file
    from transformers import Florence2ForConditionalGeneration
    orig, native = models / "LLM" / "original", models / "LLM" / "native"
    vocab = _original_files(orig)
    proc = fl.processor(str(orig))
    config = fl.native_config(json.loads((orig / "config.json").read_text()), len(proc.tokenizer),
                              proc.tokenizer.image_token_id)
    torch.manual_seed(0)
    model = Florence2ForConditionalGeneration(config).eval()
    model.generation_config.update(**fl.generation(json.loads((orig / "config.json").read_text())))
    with torch.no_grad():  # the rows past the checkpoint's are its mean, as florence_layout makes them
        emb = model.get_input_embeddings().weight
        emb[vocab:] = emb[:vocab].mean(0)
    model.save_pretrained(native)
    proc.save_pretrained(native)
    tok = json.loads((native / "tokenizer_config.json").read_text())  # '<image>' named as transformers' script saves it
    tok["extra_special_tokens"] = {"image_token": "<image>"}
    (native / "tokenizer_config.json").write_text(json.dumps(tok))
    state = {}
    for name, tensor in model.state_dict().items():
        key = fl.original_name(name)
        assert key is not None, name
        state[key] = tensor[:vocab].clone() if tensor.shape[0] == emb.shape[0] else tensor.clone()
    state["image_projection"] = state["image_projection"].t().contiguous()
    state.update({"vision_tower.norms.weight": torch.ones(16), "vision_tower.norms.bias": torch.zeros(16),
                  "vision_tower.head.weight": torch.randn(10, 16), "vision_tower.head.bias": torch.zeros(10),
                  "language_model.final_logits_bias": torch.zeros(1, vocab)})
    save_file(state, str(orig / "model.safetensors"))
    return orig, native, model


def test_original_layout_florence2_captions_as_the_native_model(tmp_path, monkeypatch):
    models = tmp_path / "models"
    orig, native, model = _tiny_pair(models)
    monkeypatch.setenv("STUDIO_MODELS", str(models))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    assert find_captioner("original") == str(orig)
    proc, read = fl.load(str(orig), json.loads((orig / "config.json").read_text()), torch.float32)
    mine, theirs = read.state_dict(), model.state_dict()
    assert mine.keys() == theirs.keys() and all(torch.equal(mine[k], theirs[k]) for k in theirs)
    assert read.generation_config.no_repeat_ngram_size == 3 and read.generation_config.forced_bos_token_id == 0
    assert proc.tokenizer.convert_tokens_to_ids("<loc_0>") == 64 and proc.tokenizer.image_token_id == 60 + 1024
    picture = np.random.default_rng(0).random((40, 48, 3), dtype=np.float32)
    inputs = proc(text="<MORE_DETAILED_CAPTION>", images=(picture * 255).astype(np.uint8), return_tensors="pt")
    with torch.no_grad():
        ids = read.generate(**inputs, max_new_tokens=6, num_beams=1, do_sample=False)
        assert torch.equal(ids, model.generate(**inputs, max_new_tokens=6, num_beams=1, do_sample=False))
    params = {"task": "more detailed", "max_tokens": 6, "beams": 1}
    text = run_node(Caption, {**params, "model": "original"}, image=picture)
    assert text and text == run_node(Caption, {**params, "model": "native"}, image=picture)  # words, not only tokens
    (orig / "vocab.json").write_text(json.dumps({"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "<mask>": 4}))
    with pytest.raises(fl.LayoutError, match=r"has 1084 token embeddings, its tokenizer \(with the remote processor's "
                                             r"1024 tokens\) 1029: they must match"):
        fl.load(str(orig), json.loads((orig / "config.json").read_text()), torch.float32)


def test_original_layout_refusals_name_the_file(tmp_path, monkeypatch):
    from safetensors.torch import save_file
    folder = tmp_path / "models" / "LLM" / "Florence-2-base"
    _original_files(folder)
    (folder / "pytorch_model.bin").write_bytes(b"not opened")
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    with pytest.raises(CaptionModelError, match="pytorch_model.bin' is a pickle.*needs its weights as model.safet"):
        find_captioner("Florence-2-base")
    save_file({"vision_tower.convs.0.proj.weight": torch.zeros(8, 3, 7, 7), "vision_tower.extra": torch.zeros(1)},
              str(folder / "model.safetensors"))
    cfg = json.loads((folder / "config.json").read_text())
    with pytest.raises(fl.LayoutError, match=r"Studio can read: no rule for vision_tower\.extra; not given: image_pos"):
        fl.load(str(folder), cfg, torch.float32)
    cfg["vision_config"]["image_pos_embed"]["type"] = "sine"
    with pytest.raises(fl.LayoutError, match=r"config.json' is not read: its vision_config's image_pos_embed.type is "
                                             r"'sine', where transformers' Florence-2 computes 'learned_abs_2d'"):
        fl.load(str(folder), cfg, torch.float32)
