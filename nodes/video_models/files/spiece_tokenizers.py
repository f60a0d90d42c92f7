"""Tokenizers from the sentencepiece model a text-encoder file carries (ComfyUI's ``spiece_model``:
the model's bytes as a uint8 tensor): T5 / UMT5's (Unigram) and Gemma's (BPE: Gemma 3 is LTX-2's
text encoder), built from the model's pieces with transformers' tokenizer classes. Nothing is
downloaded and the ``sentencepiece`` package is not needed (protobuf reads the model). A model
whose settings the tokenizer would not reproduce is refused, naming the file and the setting.

transformers and tokenizers are imported inside functions."""
from __future__ import annotations

from ..base.errors import ModelError

SPIECE = "spiece_model"  # ComfyUI's T5 / UMT5 / Gemma files: the sentencepiece model's bytes as a uint8 tensor
# sentencepiece's piece types (sentencepiece_model.proto)
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6
MODEL_TYPES = {1: "Unigram (T5's kind)", 2: "BPE", 3: "word", 4: "char"}
GEMMA_FIRST = ["<pad>", "<eos>", "<bos>", "<unk>"]  # Gemma's ids 0-3


def read_proto(part):
    """The sentencepiece ModelProto in ``part``'s file (its ``spiece_model`` tensor)."""
    from transformers.convert_slow_tokenizer import import_protobuf

    from .tensor_reads import read_tensor
    with open(part.wf.path, "rb", buffering=0) as f:
        data = read_tensor(f, part.wf, SPIECE).numpy().tobytes()
    proto = import_protobuf().ModelProto()
    try:
        proto.ParseFromString(data)
    except Exception:  # noqa: BLE001 - protobuf's DecodeError and friends
        raise ModelError(f"'{part.wf.path}': its '{SPIECE}' tensor is not a sentencepiece model") from None
    return proto


def t5_from_spiece(part):
    """T5 / UMT5's tokenizer (a T5Tokenizer) from the file's sentencepiece model: sentencepiece's
    own ids, </s> added, no bos."""
    proto = read_proto(part)
    pieces = [(p.piece, p.score) for p in proto.pieces]
    if [p for p, _ in pieces[:3]] != ["<pad>", "</s>", "<unk>"]:
        raise ModelError(f"'{part.wf.path}': its sentencepiece model does not begin with T5's <pad>, </s>, <unk> "
                         f"(it begins {[p for p, _ in pieces[:3]]})")
    spec = proto.normalizer_spec
    odd = [w for w, bad in (("no dummy prefix", not spec.add_dummy_prefix), ("runs of spaces kept",
                            not spec.remove_extra_whitespaces), ("spaces as suffixes", proto.trainer_spec
                            .treat_whitespace_as_suffix), ("user-defined pieces", any(p.type == 4 for p in proto.pieces)))
           if bad]
    if odd:
        raise ModelError(f"'{part.wf.path}': its sentencepiece model splits text in a way Studio's tokenizer does not "
                         f"reproduce ({', '.join(odd)}): put its tokenizer/ folder beside the file, or set 'base'")
    from tokenizers import pre_tokenizers
    from tokenizers.models import Unigram
    from transformers import T5Tokenizer
    # no sentinel tokens: ComfyUI's tokenizer is the sentencepiece model as it is (eos added, no bos)
    tok = T5Tokenizer(vocab=pieces, _spm_precompiled_charsmap=spec.precompiled_charsmap or None, extra_ids=0,
                      model_max_length=512)
    # as sentencepiece encodes: unknown characters as their UTF-8 bytes when the model has them (UMT5's
    # byte_fallback; transformers' T5Tokenizer makes <unk>); words split at spaces only, unless the
    # normaliser (nmt_nfkc, T5's) makes tabs and newlines spaces
    back = tok.backend_tokenizer
    back.model = Unigram(pieces, unk_id=2, byte_fallback=proto.trainer_spec.byte_fallback)
    words = pre_tokenizers.WhitespaceSplit() if spec.name.startswith("nmt_") else pre_tokenizers.Split(" ", "removed")
    back.pre_tokenizer = pre_tokenizers.Sequence([words, pre_tokenizers.Metaspace(replacement="▁",
                                                                                  prepend_scheme="always", split=True)])
    return tok


def _gemma_odd(proto, vocab: dict) -> list[str]:
    """The settings of a BPE sentencepiece model Studio's Gemma tokenizer would not follow."""
    spec, train = proto.normalizer_spec, proto.trainer_spec
    unused = [p.piece for p in proto.pieces if p.type == UNUSED and any(  # sentencepiece splits these back
        p.piece[:i] in vocab and p.piece[i:] in vocab for i in range(1, len(p.piece)))]
    return [w for w, bad in (
        (f"the normaliser '{spec.name}'", spec.precompiled_charsmap or spec.name not in ("identity", "")),
        ("a dummy prefix", spec.add_dummy_prefix), ("runs of spaces collapsed", spec.remove_extra_whitespaces),
        ("spaces not written as ▁", not spec.escape_whitespaces),
        ("spaces as suffixes", train.treat_whitespace_as_suffix), ("no byte fallback", not train.byte_fallback),
        ("repeated pieces", len(vocab) != len(proto.pieces)),
        (f"unused pieces BPE can form ({', '.join(unused[:3])})", unused)) if bad]


def gemma_from_spiece(part):
    """Gemma's tokenizer (transformers' GemmaTokenizer, the class LTX2Pipeline takes) from the
    file's sentencepiece model: a BPE model whose merges are derived from the pieces and their
    scores (transformers' ``generate_merges``, as its Gemma converter does), <bos> added, no <eos>,
    spaces as ▁ (no dummy prefix), unknown characters as their UTF-8 bytes. The user-defined pieces
    (<start_of_turn>, runs of spaces, ...) are matched first and never merged, as sentencepiece
    matches them, on the text with its spaces as ▁; control pieces are special tokens."""
    proto = read_proto(part)
    path = part.wf.path
    kind = proto.trainer_spec.model_type
    if kind != 2:
        raise ModelError(f"'{path}': its sentencepiece model is {MODEL_TYPES.get(kind, f'of type {kind}')}, but "
                         "Gemma's is BPE: give Gemma's text-encoder file (gemma_3_12B_it)")
    first = [p.piece for p in proto.pieces[:4]]
    if first != GEMMA_FIRST:
        raise ModelError(f"'{path}': its sentencepiece model does not begin with Gemma's {', '.join(GEMMA_FIRST)} "
                         f"(it begins {first})")
    vocab = {p.piece: i for i, p in enumerate(proto.pieces)}
    odd = _gemma_odd(proto, vocab)
    if odd:
        raise ModelError(f"'{path}': its sentencepiece model splits text in a way Studio's Gemma tokenizer does not "
                         f"reproduce ({', '.join(odd)}): put its tokenizer/ folder beside the file, or set 'base'")
    from transformers import AddedToken, GemmaTokenizer
    from transformers.convert_slow_tokenizer import GemmaConverter
    from transformers.tokenization_utils_base import generate_merges

    # sentencepiece merges into normal and user-defined pieces only, by the merged piece's score
    frozen = {p.piece for p in proto.pieces if p.type in (UNKNOWN, CONTROL, BYTE)}
    merges = generate_merges(vocab, {p.piece: p.score for p in proto.pieces}, skip_tokens=frozen)
    tok = GemmaTokenizer(vocab=vocab, merges=merges, add_bos_token=True, add_eos_token=False,
                         mask_token="<mask>" if "<mask>" in vocab else None)
    special = GemmaConverter.special_tokens  # <start_of_turn>, <end_of_turn>: user-defined, special to transformers
    tok.add_tokens([AddedToken(p.piece, normalized=p.type == USER_DEFINED and p.piece not in special,
                               special=p.type == CONTROL or p.piece in special)
                    for p in proto.pieces if p.type in (CONTROL, USER_DEFINED)])
    return tok


BUILDERS = {"t5": t5_from_spiece, "gemma": gemma_from_spiece}


def from_spiece(part, kind: str):
    """The tokenizer of ``kind`` ('t5': T5 / UMT5; 'gemma': Gemma) from ``part``'s ``spiece_model``."""
    return BUILDERS[kind](part)
