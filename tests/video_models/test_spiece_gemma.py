"""Gemma's tokenizer (LTX-2's text encoder, Gemma 3) from the sentencepiece model inside a
ComfyUI-style text-encoder file (``spiece_model``: the model's bytes as a uint8 tensor), against
sentencepiece itself: BPE models trained here with the sentencepiece package in Gemma's settings
(<pad> 0, <eos> 1, <bos> 2, <unk> 3; byte fallback; digits split; no dummy prefix; runs of spaces
kept; the identity normaliser; user-defined pieces such as <start_of_turn> and runs of spaces and
newlines) give sentencepiece's own ids (+ <bos>) on text with unicode, emoji, digits, odd
whitespace and those pieces; the same as transformers' own Gemma tokenizer converted from the
.model file (on a model without user-defined runs of spaces); and decode back to the text. Models Studio would not reproduce are refused by name."""
from __future__ import annotations

import io
import random

import pytest
import torch

from nodes.video_models.base.errors import ModelError

spm = pytest.importorskip("sentencepiece")  # a test dependency (pyproject [test])

from .test_spiece_tokenizer import CORPUS as T5_CORPUS, TEXTS as T5_TEXTS  # noqa: E402  (the T5 tests' text, and more)

CORPUS = T5_CORPUS + ["\tIndented  with a tab,   three spaces and 1234567 digits in 2026."]
TURNS = ["<start_of_turn>", "<end_of_turn>"]
# as Gemma 3's: user-defined pieces besides the turns (<mask>, runs of newlines and of spaces)
GEMMA3_LIKE = ["<mask>", "[multimodal]", "<unused0>", *TURNS, "\n", "\n\n", "▁▁", "▁▁▁", "▁▁▁▁"]
CLASHING = [*TURNS, "ni", "e▁", "▁t", "re▁", "ng", "▁▁"]  # user-defined pieces overlapping BPE's first merges
TEXTS = T5_TEXTS + [
    "1234567 digits 2026, 3.14", "<start_of_turn>user\nA fox in the snow<end_of_turn>\n<start_of_turn>model\n",
    "x<end_of_turn>y", "\t\tIndented  with a tab", "        eight spaces\n\n\n\nfour newlines",
    "the the the  the   the    the", "<unused0> and [multimodal] and <mask>"]


def train(symbols=TURNS, **options) -> bytes:
    """A sentencepiece BPE model of the corpus in Gemma's settings (Gemma's first four ids)."""
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS * 10), model_writer=buf, model_type="bpe", pad_id=0, eos_id=1, bos_id=2,
        unk_id=3, pad_piece="<pad>", eos_piece="<eos>", bos_piece="<bos>", unk_piece="<unk>",
        user_defined_symbols=symbols, **{"byte_fallback": True, "split_digits": True, "add_dummy_prefix": False,
                                         "remove_extra_whitespaces": False, "normalization_rule_name": "identity",
                                         "allow_whitespace_only_pieces": True, "vocab_size": 700, **options},
        character_coverage=1.0, minloglevel=2, num_threads=1, hard_vocab_limit=False)
    return buf.getvalue()


def gemma_file(path, model: bytes) -> str:
    """A ComfyUI-style Gemma text-encoder file: a tensor and the sentencepiece model as ``spiece_model``."""
    import numpy as np
    from safetensors.torch import save_file
    save_file({"model.embed_tokens.weight": torch.zeros(8, 4),
               "spiece_model": torch.from_numpy(np.frombuffer(model, dtype=np.uint8).copy())}, str(path))
    return str(path)


def part_of(path: str):
    from nodes.video_models.files.parts import Part
    from nodes.video_models.files.weight_formats import read_weight_file
    return Part("text_encoder", read_weight_file(path), "Gemma 3")


def studio_gemma(path: str):
    from nodes.video_models.files.spiece_tokenizers import gemma_from_spiece
    return gemma_from_spiece(part_of(path))


def fuzz(n: int, symbols) -> list[str]:
    """Seeded random strings: the corpus's words and characters, spaces, tabs, newlines, digits,
    characters the model never saw, the user-defined pieces (their ▁ as spaces)."""
    rng = random.Random(0)
    chars = sorted(set("".join(CORPUS))) + [" "] * 20 + ["\n"] * 5 + ["\t"] * 3 + ["🦊", "ß", "z", "0", "9", "<", ">"]
    words = " ".join(CORPUS).split(" ") + [s.replace("▁", " ") for s in symbols] + ["\n\n\n", "     "]
    gaps = [" ", "  ", "   ", "\n", "", "\t", " \n "]
    return ["".join(rng.choice(chars) for _ in range(rng.randint(0, 30))) if i % 2 else
            "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randint(0, 8))) for i in range(n)]


@pytest.mark.parametrize("symbols", [TURNS, GEMMA3_LIKE, CLASHING], ids=["turns", "gemma3-like", "clashing"])
def test_the_files_gemma_tokenizer_gives_sentencepieces_own_ids(tmp_path, symbols):
    from transformers import GemmaTokenizer
    model = train(symbols)
    sp = spm.SentencePieceProcessor(model_proto=model)
    assert [sp.id_to_piece(i) for i in range(4)] == ["<pad>", "<eos>", "<bos>", "<unk>"]
    tok = studio_gemma(gemma_file(tmp_path / "gemma_3_tiny.safetensors", model))
    assert isinstance(tok, GemmaTokenizer) and len(tok) == sp.vocab_size()  # the class LTX2Pipeline takes
    for text in TEXTS + fuzz(400, symbols):
        ids = tok(text).input_ids
        assert ids == [2] + sp.encode(text), repr(text)  # <bos>, then sentencepiece's ids; no <eos>
        assert tok.decode(ids[1:]) == text, repr(text)  # the turns are special: skip_special_tokens drops them
    ids = tok("🦊 1234").input_ids  # a character the model never saw: its UTF-8 bytes; digits one by one
    assert 3 not in ids and tok.convert_ids_to_tokens(ids)[1:] == ["<0xF0>", "<0x9F>", "<0xA6>", "<0x8A>", "▁", "1",
                                                                     "2", "3", "4"]
    assert tok.convert_ids_to_tokens(tok("a<start_of_turn>b").input_ids)[2] == "<start_of_turn>"
    assert tok.decode(tok("<start_of_turn>a fox").input_ids, skip_special_tokens=True) == "a fox"


def test_it_agrees_with_transformers_own_gemma_tokenizer_from_the_model_file(tmp_path):
    """transformers converts the .model file itself (GemmaTokenizer.from_pretrained on a folder
    holding tokenizer.model, with sentencepiece installed): the same ids, control pieces typed in
    the text included (both take them as special tokens; sentencepiece spells them out). The model
    has Gemma's <mask> (transformers adds one when it is missing). With user-defined runs of
    spaces (GEMMA3_LIKE) transformers 5.23's conversion leaves sentencepiece on some runs of spaces
    ('a     b': ▁▁ ▁▁▁ b, sentencepiece ▁▁▁▁ ▁b), matching them on the raw text; Studio's follows
    sentencepiece (the test above)."""
    from transformers import GemmaTokenizer
    model = train(["<mask>", *TURNS])
    (tmp_path / "tok").mkdir()
    (tmp_path / "tok" / "tokenizer.model").write_bytes(model)
    ref = GemmaTokenizer.from_pretrained(str(tmp_path / "tok"), add_bos_token=True)
    tok = studio_gemma(gemma_file(tmp_path / "gemma.safetensors", model))
    for text in TEXTS + fuzz(200, ["<mask>", *TURNS]) + ["<bos>typed<eos><pad>"]:
        assert tok(text).input_ids == ref(text).input_ids, repr(text)
    assert tok.convert_ids_to_tokens(tok("<bos>x").input_ids) == ["<bos>", "<bos>", "x"]


def test_ltx2s_call_pads_on_the_left_after_bos(tmp_path):
    """As LTX2Pipeline._get_gemma_prompt_embeds calls the tokenizer: left padding with <pad>,
    max_length, truncation."""
    model = train(TURNS)
    sp = spm.SentencePieceProcessor(model_proto=model)
    tok = studio_gemma(gemma_file(tmp_path / "gemma.safetensors", model))
    tok.padding_side = "left"
    prompt = "A red fox runs through the snow 🦊"
    out = tok([prompt], padding="max_length", max_length=32, truncation=True, add_special_tokens=True,
              return_tensors="pt")
    ids = [2] + sp.encode(prompt)
    assert out.input_ids.tolist() == [[0] * (32 - len(ids)) + ids]
    assert out.attention_mask.tolist() == [[0] * (32 - len(ids)) + [1] * len(ids)]


def test_the_dispatcher_builds_each_kind(tmp_path):
    from transformers import GemmaTokenizer
    from nodes.video_models.files.spiece_tokenizers import from_spiece
    part = part_of(gemma_file(tmp_path / "gemma.safetensors", train(TURNS)))
    assert isinstance(from_spiece(part, "gemma"), GemmaTokenizer)
    with pytest.raises(ModelError, match=r"does not begin with T5's <pad>, </s>, <unk> \(it begins \['<pad>', "
                                         r"'<eos>', '<bos>'\]\)"):
        from_spiece(part, "t5")


@pytest.mark.parametrize("options, words", [
    ({"add_dummy_prefix": True}, "a dummy prefix"),
    ({"remove_extra_whitespaces": True}, "runs of spaces collapsed"),
    ({"normalization_rule_name": "nmt_nfkc"}, "the normaliser 'nmt_nfkc'"),
    ({"byte_fallback": False, "normalization_rule_name": "nfkc", "add_dummy_prefix": True},
     "the normaliser 'nfkc', a dummy prefix, no byte fallback"),
    ({"unused": "▁the"}, "unused pieces BPE can form (▁the)")],
    ids=["dummy-prefix", "collapsed", "nmt-nfkc", "three", "unused"])
def test_a_gemma_model_that_splits_text_otherwise_is_refused(tmp_path, options, words):
    from transformers.convert_slow_tokenizer import import_protobuf
    unused = options.pop("unused", None)
    model = train(TURNS, **options)
    if unused:  # a piece marked unused (sentencepiece splits it back after merging): not reproduced
        proto = import_protobuf().ModelProto()
        proto.ParseFromString(model)
        next(p for p in proto.pieces if p.piece == unused).type = 5
        model = proto.SerializeToString()
    path = gemma_file(tmp_path / "gemma_odd.safetensors", model)
    with pytest.raises(ModelError) as e:
        studio_gemma(path)
    assert str(e.value) == (f"'{path}': its sentencepiece model splits text in a way Studio's Gemma tokenizer does "
                            f"not reproduce ({words}): put its tokenizer/ folder beside the file, or set 'base'")


def test_a_unigram_model_or_other_first_pieces_or_no_model_are_refused(tmp_path):
    buf = io.BytesIO()  # T5's kind: a Unigram model, <pad> </s> <unk>
    spm.SentencePieceTrainer.train(sentence_iterator=iter(CORPUS * 10), model_writer=buf, model_type="unigram",
                                   pad_id=0, eos_id=1, unk_id=2, bos_id=-1, pad_piece="<pad>", eos_piece="</s>",
                                   unk_piece="<unk>", vocab_size=130, minloglevel=2, num_threads=1,
                                   hard_vocab_limit=False)
    path = gemma_file(tmp_path / "umt5_xxl.safetensors", buf.getvalue())
    with pytest.raises(ModelError, match=r"umt5_xxl\.safetensors': its sentencepiece model is Unigram \(T5's kind\), "
                                         r"but Gemma's is BPE: give Gemma's text-encoder file \(gemma_3_12B_it\)$"):
        studio_gemma(path)
    buf = io.BytesIO()  # BPE, but <unk> first (sentencepiece's own default order)
    spm.SentencePieceTrainer.train(sentence_iterator=iter(CORPUS * 10), model_writer=buf, model_type="bpe",
                                   vocab_size=300, minloglevel=2, num_threads=1, hard_vocab_limit=False)
    path = gemma_file(tmp_path / "other.safetensors", buf.getvalue())
    with pytest.raises(ModelError, match=r"does not begin with Gemma's <pad>, <eos>, <bos>, <unk> \(it begins "
                                         r"\['<unk>', '<s>', '</s>', "):
        studio_gemma(path)
    path = gemma_file(tmp_path / "junk.safetensors", b"\xff" * 64)
    with pytest.raises(ModelError, match=r"junk\.safetensors': its 'spiece_model' tensor is not a sentencepiece model"):
        studio_gemma(path)
