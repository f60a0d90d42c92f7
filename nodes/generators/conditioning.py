"""Conditioning for the generators: captions and prompts to Features vectors.

* ``text``: the studio's text encoder (``nodes.encoders.text.encode_texts``, node "encode.text",
  384-d pooled). If that package is not installed, a deterministic hashed bag of words and word
  pairs of the same size stands in (recorded in the model config, so a model trained with one is
  never silently sampled with the other).
* ``caption-parser``: a one-hot baseline for the synthetic set: colour, shape and direction words
  (8 + 3 + 4 = 15 dims).
"""
from __future__ import annotations

import hashlib
import re

import numpy as np
import torch

from nodes.synthetic import COLORS, DIRECTIONS, SHAPES

TEXT_DIM = 384
PARSER_VOCAB = list(COLORS) + list(SHAPES) + list(DIRECTIONS)
_WORD = re.compile(r"[a-z0-9]+")


def _word_vector(token: str, dim: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(token.encode()).digest()[:8], "little")
    v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


def hashed_text_features(texts: list[str], dim: int = TEXT_DIM) -> torch.Tensor:
    """Stand-in text encoder: sum of fixed random unit vectors of words and word pairs, L2-normed."""
    out = np.zeros((len(texts), dim), np.float32)
    for i, t in enumerate(texts):
        words = _WORD.findall(t.lower())
        toks = words + [a + "_" + b for a, b in zip(words, words[1:])]
        for w in toks:
            out[i] += _word_vector(w, dim)
        n = np.linalg.norm(out[i])
        if n > 0:
            out[i] /= n
    return torch.from_numpy(out)


def text_encoder_name() -> str:
    """'encode.text' when the studio's text encoder and its default model are installed."""
    try:
        from nodes.encoders.text import default_model_available
        return "encode.text" if default_model_available() else "hashed-words"
    except Exception:  # noqa: BLE001
        return "hashed-words"


def encode_text(texts: list[str], encoder: str | None = None) -> torch.Tensor:
    """[N, D] float32 features of ``texts`` with the named encoder (default: the best available)."""
    encoder = encoder or text_encoder_name()
    if encoder == "encode.text":
        try:
            from nodes.encoders.text import encode_texts
        except Exception as e:  # noqa: BLE001
            raise RuntimeError("this model was trained with the 'encode.text' text encoder, which is not "
                               f"installed here ({type(e).__name__}: {e})") from None
        x = encode_texts(list(texts))
        x = x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))
        return x.detach().float().cpu().reshape(len(texts), -1)
    if encoder == "hashed-words":
        return hashed_text_features(list(texts))
    raise ValueError(f"unknown text encoder '{encoder}'")


def parse_caption(texts: list[str]) -> torch.Tensor:
    """One-hot colour, shape and direction words: [N, 15]."""
    out = torch.zeros(len(texts), len(PARSER_VOCAB))
    for i, t in enumerate(texts):
        words = set(_WORD.findall(t.lower()))
        for j, w in enumerate(PARSER_VOCAB):
            if w in words:
                out[i, j] = 1.0
    return out


def conditioning_info(kind: str) -> dict:
    if kind == "text":
        name = text_encoder_name()
        dim = TEXT_DIM if name == "hashed-words" else int(encode_text(["a"], name).shape[1])
        return {"kind": "text", "encoder": name, "dim": dim}
    if kind == "caption-parser":
        return {"kind": "caption-parser", "encoder": "caption-parser", "dim": len(PARSER_VOCAB)}
    raise ValueError(f"unknown conditioning '{kind}' (use 'text' or 'caption-parser')")


def encode_with(info: dict, texts: list[str]) -> torch.Tensor:
    """Encode texts the way a model's config says it was trained."""
    if info.get("kind") == "audio+image":
        from studio.core.errors import StudioError
        raise StudioError("this model is conditioned on a still and a sound, not text: connect the Audio + Image "
                          "Fusion node to the features input and the still to the image input")
    if info["kind"] == "caption-parser":
        return parse_caption(texts)
    return encode_text(texts, info.get("encoder"))


def encode_tokens(info: dict, texts: list[str], max_len: int = 48) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token features of ``texts`` the way a model's conditioning encodes them, padded to
    ``max_len``: (tokens [N, L, D], mask [N, L]). The text encoder's contextual token states
    (MiniLM, frozen); the stand-in's per-word vectors; the caption parser's one vector."""
    enc = info.get("encoder")
    if info.get("kind") == "caption-parser":
        v = parse_caption(texts)
        return v[:, None], torch.ones(len(texts), 1)
    if enc == "encode.text":
        from nodes.encoders.text import load_sentence_encoder
        _, toks, _ = load_sentence_encoder("default").encode(list(texts))
        return _padded([t.detach().float().cpu() for t in toks], max_len)
    if enc == "hashed-words":
        toks = []
        for t in texts:
            words = _WORD.findall(t.lower()) or ["."]
            toks.append(torch.from_numpy(np.stack([_word_vector(w, TEXT_DIM) for w in words])))
        return _padded(toks, max_len)
    raise ValueError(f"unknown text encoder '{enc}'")


def _padded(toks: list[torch.Tensor], max_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    d = toks[0].shape[1]
    out = torch.zeros(len(toks), max_len, d)
    mask = torch.zeros(len(toks), max_len)
    for i, t in enumerate(toks):
        n = min(max_len, t.shape[0])
        out[i, :n] = t[:n]
        mask[i, :n] = 1
    return out, mask


def encode_with_tokens(info: dict, texts: list[str], max_len: int = 48) -> tuple[torch.Tensor, ...]:
    """:func:`encode_with` and :func:`encode_tokens` (features [N, D], tokens, mask), the text
    encoder run once for both (the same numbers: its pooled output and its token states come from
    one forward pass; a 2048-caption training set paid for two)."""
    if info.get("kind") == "text" and info.get("encoder") == "encode.text":
        try:
            from nodes.encoders.text import encode_texts_and_tokens
        except Exception as e:  # noqa: BLE001 - said as encode_text says it
            raise RuntimeError("this model was trained with the 'encode.text' text encoder, which is not "
                               f"installed here ({type(e).__name__}: {e})") from None
        pooled, toks = encode_texts_and_tokens(list(texts))
        return (pooled.detach().float().cpu().reshape(len(texts), -1),
                *_padded([t.detach().float().cpu() for t in toks], max_len))
    return (encode_with(info, texts), *encode_tokens(info, texts, max_len))


# -- node -------------------------------------------------------------------------------------------
from studio.core.params import Choice, Text  # noqa: E402
from studio.core.spec import CLIP, In, Node, Out  # noqa: E402
from studio.core.values import Features  # noqa: E402


class CaptionFeatures(Node):
    """Conditioning Features from a caption, the way the generators encode their training
    captions: the text encoder, or the one-hot colour/shape/direction caption parser (a
    deterministic baseline for the synthetic set)."""
    id = "gen.caption_features"
    title = "Caption Features"
    category = "Generate"
    timing = CLIP
    inputs = (In("text", "Text", optional=True, help="the caption; else the text parameter"),)
    outputs = (Out("features", "Features"),)
    params = (Text("text", "a red circle moving left"),
              Choice("conditioning", "caption-parser", choices=("text", "caption-parser")))

    def run(self, ctx, text=None):
        t = text if text is not None else ctx.params.text
        if not isinstance(t, str) or not t.strip():
            raise ValueError("no caption: type one or connect a Text input")
        info = conditioning_info(ctx.params.conditioning)
        return Features(encode_with(info, [t])[0], extras={"prompt": t, "conditioning": info})
