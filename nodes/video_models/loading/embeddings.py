"""ComfyUI's ``embedding:NAME`` in a prompt: a textual-inversion embedding, loaded from a models folder's
``embeddings/`` (NAME, NAME.safetensors, then the pickled NAME.pt / .bin / .pth, which are refused, never
unpickled) into the pipeline's CLIP text encoder(s) with diffusers' ``load_textual_inversion``, and the words
replaced by the token it was loaded as. The families declaring TextualInversions (base/capabilities.py: the
Stable Diffusion ones) take them; any other family reads the words as text, which is said on the node.

The token is made from the file's name, size and time (``<emb-name-1a2b3c4d>``), so a changed file is loaded
anew; the tokens stay on the cached pipeline (a prompt that does not name one never meets them)."""
from __future__ import annotations

import hashlib
import os
import re
from typing import NamedTuple

from ..base.capabilities import TextualInversions
from ..base.errors import ModelError

SYNTAX = re.compile(r"(?<![\w:])embedding:([^\s,()\[\]{}:|]*[^\s,()\[\]{}:|.])")  # (a trailing '.' not its)
PICKLED = (".pt", ".bin", ".pth", ".ckpt")
FOLDER = "embeddings"


class Embedding(NamedTuple):
    name: str  # as the prompt names it (after 'embedding:')
    path: str  # the .safetensors file
    token: str  # what it is loaded as and the prompt's words are replaced by


def names_in(*texts) -> list[str]:
    """The embeddings ``texts`` name with ComfyUI's syntax, in order, each once."""
    out: list[str] = []
    for t in texts:
        for m in SYNTAX.finditer(t if isinstance(t, str) else ""):
            if m.group(1) not in out:
                out.append(m.group(1))
    return out


def folders(dirs: list[str] | None = None) -> list[str]:
    """The embeddings folders looked in: each models folder's ``embeddings/`` and ``models/embeddings/``."""
    from studio.core.models import model_dirs
    roots = dirs if dirs is not None else model_dirs()
    return [os.path.join(r, up, FOLDER) for r in roots for up in ("", "models")]


def _candidates(name: str) -> list[str]:
    stem, ext = os.path.splitext(name)
    if ext.lower() == ".safetensors":
        return [name]
    if ext.lower() in PICKLED:  # 'badoutV2.pt': a safetensors copy beside it first
        return [stem + ".safetensors", name]
    return [name + ".safetensors", name] + [name + e for e in PICKLED]


def find(name: str, dirs: list[str] | None = None) -> str | None:
    """The file ``name`` is found as (ComfyUI's order: the name, then its extensions), or None."""
    for d in folders(dirs):
        for c in _candidates(name.replace("\\", "/")):
            path = os.path.normpath(os.path.join(d, c))
            if path.startswith(os.path.normpath(d) + os.sep) and os.path.isfile(path):
                return path
    return None


def _token(name: str, path: str) -> str:
    st = os.stat(path)
    digest = hashlib.sha256(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:8]
    word = re.sub(r"[^a-z0-9]", "", os.path.splitext(os.path.basename(path))[0].lower())[:24] or "emb"
    return f"<emb-{word}-{digest}>"


def found(title: str, texts, dirs: list[str] | None = None) -> list[Embedding]:
    """The embeddings ``texts`` name, each as a safetensors file; else a ModelError naming the node
    (``title``), the embedding and what to put where: one not found, or one found only pickled."""
    out = []
    for name in names_in(*texts):
        path = find(name, dirs)
        if path is None:
            where = ", ".join(folders(dirs)[::2]) or "no models folder"
            raise ModelError(f"{title}: the prompt's 'embedding:{name}' (a textual-inversion embedding) is not in "
                             f"any models folder's {FOLDER}/ ({where}): put its .safetensors file there. "
                             "Studio never downloads.")
        if os.path.splitext(path)[1].lower() != ".safetensors":
            raise ModelError(f"{title}: the prompt's 'embedding:{name}' is '{path}', a pickled "
                             f"{os.path.splitext(path)[1]} file, which Studio never unpickles: put a .safetensors "
                             f"copy of it ({os.path.splitext(os.path.basename(path))[0]}.safetensors) in that folder.")
        out.append(Embedding(name, path, _token(name, path)))
    return out


def takes(fam) -> bool:
    """Whether family ``fam`` declares it takes textual-inversion embeddings (TextualInversions)."""
    cap = getattr(fam, "capability", None)
    return cap is not None and cap(TextualInversions) is not None


def check(title: str, fam, texts, dirs: list[str] | None = None) -> None:
    """Before the model is loaded: the embeddings a Stable Diffusion family's prompts name are there."""
    if takes(fam):
        found(title, texts, dirs)


def rewritten(text, embs: list[Embedding]):
    """``text`` with each 'embedding:NAME' replaced by its embedding's token."""
    if not isinstance(text, str) or not embs:
        return text
    by_name = {e.name: e.token for e in embs}
    return SYNTAX.sub(lambda m: by_name.get(m.group(1), m.group(0)), text)


def _vectors(pipe, path: str) -> list[tuple]:
    """(tensor, tokenizer, text encoder) for each of the pipeline's CLIP text encoders the file holds
    (A1111's 'emb_params'; SDXL's 'clip_l' and 'clip_g'; diffusers' one key)."""
    from safetensors.torch import load_file  # safetensors only: nothing is unpickled
    sd = load_file(path)
    two = getattr(pipe, "text_encoder_2", None) is not None
    if "clip_l" in sd or "clip_g" in sd:
        pairs = [(sd.get("clip_l"), pipe.tokenizer, pipe.text_encoder)]
        if two:
            pairs.append((sd.get("clip_g"), pipe.tokenizer_2, pipe.text_encoder_2))
        return [p for p in pairs if p[0] is not None]
    if len(sd) != 1:
        raise ModelError(f"the embedding '{path}' holds {len(sd)} tensors ({', '.join(list(sd)[:4])}): not a "
                         "textual-inversion embedding (one 'emb_params', or SDXL's 'clip_l' and 'clip_g')")
    return [(next(iter(sd.values())), pipe.tokenizer, pipe.text_encoder)]


def load(pipe, embs: list[Embedding], title: str, info=None) -> None:
    """Each embedding on ``pipe``'s text encoder(s) as its token, unless already there."""
    for e in embs:
        if getattr(pipe, "text_encoder", None) is None:
            raise ModelError(f"{title}: the embedding '{e.name}' goes on the model's text encoder, which is not loaded")
        for vec, tok, te in _vectors(pipe, e.path):
            if e.token in tok.get_vocab():
                continue
            width = te.get_input_embeddings().weight.shape[-1]
            vec = vec[None] if vec.ndim == 1 else vec
            if vec.shape[-1] != width:
                raise ModelError(f"{title}: the embedding '{e.path}' has {vec.shape[-1]}-value vectors but this "
                                 f"model's text encoder takes {width}: an embedding made for another model")
            pipe.load_textual_inversion(vec, token=e.token, tokenizer=tok, text_encoder=te)
        if info:
            info(f"embedding '{e.name}' loaded from '{e.path}' ({vec.shape[0]} vectors)")


def applied(ctx, s, title: str, prompt, negative):
    """(prompt, negative) as the pipeline should get them: each 'embedding:NAME' loaded and replaced by its
    token on a Stable Diffusion family; on any other family the words as they are, said on the node."""
    names = names_in(prompt, negative)
    if not names:
        return prompt, negative
    fam = s.fam
    if not takes(fam) or not hasattr(s.pipe, "load_textual_inversion"):
        ctx.warn(f"{title}: {', '.join(repr('embedding:' + n) for n in names)} read as words: ComfyUI loads a "
                 f"textual-inversion embedding there for Stable Diffusion's CLIP; {fam.title} takes none")
        return prompt, negative
    embs = found(title, (prompt, negative))  # (in the models folders' embeddings/ only, as ComfyUI's)
    if getattr(s.pipe, "text_encoder", None) is None and hasattr(s.ref, "load_text_encoder"):
        s.ref.load_text_encoder()  # it waited (loading/deferred_text.py): the embedding goes on it
        s.pipe = s.ref.pipeline(s.task)
    load(s.pipe, embs, title, ctx.info)
    return rewritten(prompt, embs), rewritten(negative, embs)
