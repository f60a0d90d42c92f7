"""The tokenizer inside ComfyUI's T5 / UMT5 text-encoder files (``spiece_model``: the sentencepiece
model's bytes as a uint8 tensor) against sentencepiece itself: a unigram model trained here with
the sentencepiece package (T5's <pad>, </s>, <unk> first; UMT5's byte fallback; T5's nmt_nfkc
normaliser, and others) and embedded in a tiny UMT5 file; the tokenizer Studio builds from the file
gives sentencepiece's own ids (+ </s>) on text with unicode, odd whitespace and unknown characters,
and the pipeline built from the files encodes a prompt with those ids."""
from __future__ import annotations

import io

import pytest
import torch

from nodes.video_models.base.errors import ModelError

spm = pytest.importorskip("sentencepiece")  # a test dependency (pyproject [test])

CORPUS = """A red fox runs through the snow at dawn, cinematic lighting, 35mm film grain.
The camera pans slowly across a quiet harbour; fishing boats rock on the grey water.
Ein Hund läuft über die Wiese im Morgenlicht. Le chat dort sur le canapé près de la fenêtre.
一只猫在窗台上睡觉。 犬が公園を走っている。 Кошка спит на диване.
Neon signs flicker in the rain-soaked streets of Tokyo at night, reflections everywhere.
A slow-motion close-up of coffee being poured into a white ceramic cup, steam rising.
""".splitlines()
TEXTS = ["A red fox runs through the snow", "  leading,   inner  and trailing spaces  ", "tab\there\nnew line\r\n",
         "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ ① ™ ﬁ", "一只猫 and Кошка", "café naïve façade", "emoji 🦊 and ☃ snowman",
         "\u00a0non-breaking\u2003em space", "", "zzzz qqq xyzzy!", "Ωmega ∑ ∞ ≠ Ǆ"]


def train(**options) -> bytes:
    """A sentencepiece unigram model of the corpus, T5's specials first (pad 0, eos 1, unk 2, no bos)."""
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS * 10), model_writer=buf, model_type="unigram", pad_id=0, eos_id=1, unk_id=2,
        bos_id=-1, pad_piece="<pad>", eos_piece="</s>", unk_piece="<unk>", character_coverage=1.0, minloglevel=2,
        num_threads=1, hard_vocab_limit=False, **{"vocab_size": 390 if options.get("byte_fallback") else 130, **options})
    return buf.getvalue()


def text_encoder_file(path: str, model: bytes, width: int = 32) -> str:
    """A tiny UMT5 encoder as ComfyUI writes umt5_xxl_*.safetensors: 'shared' only, the
    sentencepiece model inside as ``spiece_model``."""
    import numpy as np
    from safetensors.torch import save_file
    from transformers import UMT5Config, UMT5EncoderModel
    vocab = spm.SentencePieceProcessor(model_proto=model).vocab_size()
    torch.manual_seed(0)
    te = UMT5EncoderModel(UMT5Config(vocab_size=vocab, d_model=width, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
                                     relative_attention_num_buckets=8, feed_forward_proj="gated-gelu",
                                     pad_token_id=0, eos_token_id=1, decoder_start_token_id=0))
    state = {k: v.contiguous() for k, v in te.state_dict().items() if k != "encoder.embed_tokens.weight"}
    state["spiece_model"] = torch.from_numpy(np.frombuffer(model, dtype=np.uint8).copy())
    save_file(state, path)
    return path


def studio_tokenizer(path: str):
    from nodes.video_models.files.parts import Part, tokenizer_for
    from nodes.video_models.files.weight_formats import read_weight_file
    return tokenizer_for(Part("text_encoder", read_weight_file(path), "UMT5"), None)


@pytest.mark.parametrize("options", [{"byte_fallback": True}, {}, {"normalization_rule_name": "identity"},
                                     {"normalization_rule_name": "nfkc_cf"}],
                         ids=["umt5-byte-fallback", "t5-nmt-nfkc", "identity", "nfkc-cf"])
def test_the_files_tokenizer_gives_sentencepieces_own_ids(tmp_path, options):
    model = train(**options)
    sp = spm.SentencePieceProcessor(model_proto=model)
    assert [sp.id_to_piece(i) for i in range(3)] == ["<pad>", "</s>", "<unk>"]
    tok = studio_tokenizer(text_encoder_file(str(tmp_path / "umt5_tiny.safetensors"), model))
    for text in TEXTS:
        assert tok(text).input_ids == sp.encode(text) + [1], text
    if options.get("byte_fallback"):  # characters the model never saw become their UTF-8 bytes, as in sentencepiece
        ids = tok("🦊").input_ids
        assert 2 not in ids and [sp.id_to_piece(i) for i in ids[1:-1]] == ["<0xF0>", "<0x9F>", "<0xA6>", "<0x8A>"]
    else:
        assert 2 in tok("🦊").input_ids


def test_a_model_that_splits_text_otherwise_is_refused(tmp_path):
    path = text_encoder_file(str(tmp_path / "umt5_odd.safetensors"), train(add_dummy_prefix=False))
    with pytest.raises(ModelError, match=r"umt5_odd\.safetensors': its sentencepiece model splits text in a way "
                                         r"Studio's tokenizer does not reproduce \(no dummy prefix\): put its "
                                         r"tokenizer/ folder beside the file, or set 'base'"):
        studio_tokenizer(path)


def test_the_pipeline_from_the_files_encodes_a_prompt_with_sentencepieces_ids(tmp_path):
    from nodes.video_models.loading.load import load_video_model

    from . import tiny_parts as tp
    model = train(byte_fallback=True)
    sp = spm.SentencePieceProcessor(model_proto=model)
    files = tp.write_parts(tp.build(str(tmp_path / "wan")), str(tmp_path / "models"))
    te = text_encoder_file(str(tmp_path / "models" / "umt5_trained_fp32.safetensors"), model)
    ref = load_video_model(files["denoiser"], base=None, device=torch.device("cpu"), dtype_name="fp32",
                           parts={"text_encoder": te, "vae": files["vae"]})
    prompt = "Ein Hund läuft über die Wiese 🦊\tim Morgenlicht"
    n = 64
    got, _ = ref.module.encode_prompt(prompt=prompt, do_classifier_free_guidance=False, max_sequence_length=n)
    ids = sp.encode(prompt) + [1]
    assert len(ids) < n and 2 not in ids  # the emoji as its bytes, the tab a space
    states = ref.module.text_encoder(torch.tensor([ids + [0] * (n - len(ids))]),  # as the pipeline calls it
                                     torch.tensor([[1] * len(ids) + [0] * (n - len(ids))])).last_hidden_state
    want = torch.cat([states[:, :len(ids)], states.new_zeros(1, n - len(ids), states.shape[-1])], 1)
    assert torch.equal(got, want)  # the pipeline's text states: sentencepiece's ids, padded as Wan pads them
