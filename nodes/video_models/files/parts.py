"""ComfyUI's three loaders: a pipeline from a denoiser file, a text-encoder file and a VAE file
(and, for Wan 2.1 I2V / FLF2V, a CLIP-vision file), each recognised from its tensors' names and
shapes (base/recognise.py), checked against the denoiser before anything is allocated, and
loaded lean like the denoiser (a meta skeleton, the weights read straight into it: bf16 / fp16 /
fp32 / fp8 / scaled fp8). The configs come from the files' shapes and Studio's data
(part_configs.py); the tokenizer from the text-encoder file (ComfyUI's ``spiece_model``).

The helpers every family's part reader shares (families/wan/parts.py, parts_ltx.py...; the family
says which: its PartReader capability).
diffusers and transformers are imported inside functions."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace

from ..base.recognise import KIND_TITLES, recognise
from ..base.errors import ModelError
from ..files.headers import refuse_pickle
from .spiece_tokenizers import SPIECE, gemma_from_spiece, t5_from_spiece
from .weight_formats import WeightFile, describe, is_weight_file, read_weight_file

PART_KINDS = {"text_encoder": "text_encoder", "text_encoder_2": "text_encoder", "vae": "vae",
              "image_encoder": "clip_vision"}  # component -> file kind
PART_TITLES = {"text_encoder": "text encoder", "text_encoder_2": "second text encoder", "vae": "VAE",
               "image_encoder": "CLIP vision", "connectors": "text connectors", "audio_vae": "audio VAE",
               "vocoder": "vocoder",  # the last three: inside an LTX-2 checkpoint (parts_ltx2.py)
               "image_model": "image model (an SD 1.5 checkpoint)"}  # AnimateDiff's (families/animatediff/parts.py)
DIFFUSERS_PARTS = ("vae", "connectors", "audio_vae", "vocoder")  # components built by diffusers' classes
WAITS = "; read when a prompt is not in the prompt cache"  # said of a part left on disk (loading/deferred_text.py)


def audio_vaes_beside(path: str) -> list[str]:
    """The ``.safetensors`` files beside ``path`` whose names say audio and VAE (LTX-2.5's and MiniMax H3's
    audio VAE, which ComfyUI keeps in the vae folder beside the video VAE), ``path`` itself left out; sorted."""
    import glob
    where = os.path.dirname(os.path.abspath(path))
    return sorted(p for p in glob.glob(os.path.join(glob.escape(where), "*.safetensors"))
                  if "audio" in os.path.basename(p).lower() and "vae" in os.path.basename(p).lower()
                  and os.path.abspath(p) != os.path.abspath(path))


def one_audio_vae_beside(places, family: str, fits=None) -> str | None:
    """The one ``*audio*vae*.safetensors`` beside the first of ``places`` (the video VAE, then the transformer: None
    and repeats skipped) that has any; ``fits``: a test of a file's path (its keys, say). None where there is none;
    refused in words where several could be it (LTX-2 / LTX-2.3 / LTX-2.5, Kandinsky 6, MiniMax H3)."""
    for beside in dict.fromkeys(p for p in places if p):
        found = [p for p in audio_vaes_beside(beside) if fits is None or fits(p)]
        if len(found) > 1:
            raise ModelError(f"{family}'s audio VAE: {len(found)} files beside '{beside}' could be it "
                             f"({', '.join(os.path.basename(p) for p in found)}): keep one there")
        if found:
            return found[0]
    return None


@dataclass
class Part:
    component: str  # 'text_encoder', 'vae', 'image_encoder'
    wf: WeightFile
    what: str  # 'UMT5-XXL (Wan)', 'Wan 2.1 VAE'
    cls_name: str = ""
    cfg: dict | None = None

    @property
    def words(self) -> str:
        return f"{os.path.basename(self.wf.path)}: {self.what}, {describe(self.wf)}"


def no_part_files(files: dict[str, str], title: str, held: str) -> None:
    """Part files given to a family whose one checkpoint holds its parts (``held``, in words: 'VAE and text encoder')
    refused in words, naming the first."""
    if files:
        c, path = next(iter(files.items()))
        raise ModelError(f"a {PART_TITLES.get(c, c)} file '{path}' was given, but {title} takes its {held} from its "
                         "checkpoint: leave the part files empty")


def parts_given(path: str, model: str, given, needed: tuple[str, ...], files: str, loaders: str) -> None:
    """ModelError where the denoiser file ``path`` (``model`` in words: "a Z-Image DiT") comes without one of the
    ``needed`` part files (components) among ``given``: which to set, the files meant and ComfyUI's loaders of them
    (the still families read from ComfyUI's separate files: FLUX.1, Qwen-Image, Z-Image)."""
    missing = [PART_TITLES[c] for c in needed if c not in given]
    if missing:
        raise ModelError(f"'{path}' is {model} alone: set the {' and the '.join(missing)} file"
                         f"{'s' if len(missing) > 1 else ''} ({files}, as ComfyUI's {loaders} take them)")


def text_and_vae(files: dict[str, str], den_cfg: dict, den_path: str, diffusers, text_part, vae_plan,
                 reads: str) -> dict[str, Part]:
    """The check_parts of the still families that read a text encoder and a VAE beside their denoiser (FLUX.2
    [klein], Qwen-Image, Z-Image): the text encoder made by ``text_part(path, den_cfg, den_path)`` (checked against
    the denoiser's config there) and checked against its model built on the meta device; the VAE checked by
    ``vae_plan(diffusers, path, den_cfg, den_path)``; another part refused in words (``reads``: "Z-Image reads ...
    beside its DiT"). Headers only, nothing allocated."""
    other = [c for c in files if c not in ("text_encoder", "vae")]
    if other:
        raise ModelError(f"a {PART_TITLES.get(other[0], other[0])} file '{files[other[0]]}' was given, but {reads}: "
                         "leave it empty")
    parts = {}
    if "text_encoder" in files:
        parts["text_encoder"] = text_part(files["text_encoder"], den_cfg, den_path)
        check_shapes(parts["text_encoder"], diffusers)
    if "vae" in files:
        vae_plan(diffusers, files["vae"], den_cfg, den_path)
    return parts


def looks(wf: WeightFile, n: int = 4) -> str:
    items = sorted(wf.tensors.items())[:n]
    if not items:
        return "no tensors"
    return ", ".join(f"{k} {list(v.shape)}" for k, v in items) + (f", … ({len(wf.tensors)} tensors)"
                                                                   if len(wf.tensors) > n else "")


def read_part(component: str, path: str) -> tuple[WeightFile, object]:
    """(header, recognised) of a part's file: a regular .safetensors file (no pickle), the kind
    its slot takes, else one message naming what it is (its first keys and shapes when unknown); an
    all-in-one checkpoint given as the part: the part's tensors inside it (checkpoint_parts.py)."""
    title = PART_TITLES[component]
    refuse_pickle(path)
    if not is_weight_file(path):
        raise ModelError(f"the {title} '{path}' is not a .safetensors or .gguf file")
    wf = read_weight_file(path)
    if wf.kind == "gguf":
        raise ModelError(f"the {title} '{path}' is GGUF: Studio reads GGUF denoisers; give this {title} as "
                         ".safetensors (bf16, fp16, fp32 or fp8)")
    r = recognise({k: v.shape for k, v in wf.tensors.items()}, filename=os.path.basename(path))
    if r.kind in ("checkpoint", "denoiser"):  # an all-in-one checkpoint holding the part (checkpoint_parts.py)
        from .checkpoint_parts import part_of
        inside = part_of(wf, component)
        if inside is not None:
            wf = inside
            r = recognise({k: v.shape for k, v in wf.tensors.items()}, filename=os.path.basename(path))
            if r.kind == PART_KINDS[component]:
                r = replace(r, variant=f"{r.variant} (in the checkpoint)")
    if r.kind != PART_KINDS[component]:
        kind = KIND_TITLES[r.kind]
        what = (f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} ({r.variant})" if r.kind != "unknown" else
                f"not a model Studio recognises: it holds {looks(wf)}")
        raise ModelError(f"'{path}' was given as the {title} but is {what}")
    return wf, r


def shapes_of(wf: WeightFile) -> dict:
    return {k: tuple(v.shape) for k, v in wf.tensors.items()}


def strip_prefix(wf: WeightFile, prefixes: tuple[str, ...]) -> WeightFile:
    """``wf`` with a prefix every weight name has removed (ComfyUI's 'vae.', 'text_encoders.t5xxl.transformer.')."""
    for p in prefixes:
        if wf.tensors and all(k.startswith(p) or k == SPIECE for k in wf.tensors):
            return WeightFile(wf.path, wf.kind, {(k[len(p):] if k.startswith(p) else k): v for k, v in wf.tensors.items()},
                              {w[len(p):]: s for w, s in wf.scales.items()}, wf.data_start, wf.aside)
    return wf


def _class_and_config(part: Part, diffusers=None):
    """(the part's model class, its config object or dict): nothing built."""
    if part.component in DIFFUSERS_PARTS:
        cls = getattr(diffusers, part.cls_name, None)
        if cls is None:  # LTX-2's text connectors and vocoder live with their pipeline
            import diffusers.pipelines.ltx2 as ltx2
            cls = getattr(ltx2, part.cls_name)
        return cls, part.cfg
    import transformers
    return getattr(transformers, part.cls_name), part_config(part)


def _skeleton(part: Part, diffusers=None):
    """(class, config object or dict, the part's model built on the meta device)."""
    from accelerate import init_empty_weights

    from studio.engine.meta_device import skip_init_on_meta
    cls, conf = _class_and_config(part, diffusers)
    skip_init_on_meta()
    with init_empty_weights():
        return cls, conf, (cls.from_config(conf) if part.component in DIFFUSERS_PARTS else cls(conf))


def part_config(part: Part):
    """The config object of a transformers part (its text encoder's, CLIP vision's): no weights read."""
    import transformers
    return getattr(transformers, part.cls_name).config_class(**part.cfg)  # the class's own config class


def check_shapes(part: Part, diffusers) -> None:
    """The config read from the part's shapes, built on the meta device, against every tensor of
    the file: a file whose tensors do not make one model is named (its first misfit), before any load."""
    from ..base.config_check import built_shapes  # torch's side of the house: not for the converter's imports
    cls, _ = _class_and_config(part, diffusers)
    own = built_shapes(cls, part.cfg, lambda: _skeleton(part, diffusers)[2])
    if part.cls_name == "CLIPVisionModel" and not any(k.startswith("vision_model.") for k in own):
        part.wf = _without(part.wf, "vision_model.")  # transformers 5 names CLIP's tower without it
    have = {k: tuple(v.shape) for k, v in part.wf.tensors.items() if k != SPIECE}
    tied = {"encoder.embed_tokens.weight", "lm_head.weight"}  # a T5's input embedding is its 'shared' table;
    # Gemma 4's LM head is its input embedding (tied after the load)
    bad = [k for k in own if k in have and own[k] != have[k]]
    missing = [k for k in own if k not in have and k not in tied]
    if bad or missing:
        k = (bad or missing)[0]
        held = f"is {list(have[k])} there" if bad else "is not there"
        raise ModelError(f"the {PART_TITLES[part.component]} '{part.wf.path}' ({part.what}) does not make one "
                         f"{part.cls_name}: '{k}' {held}, but its other tensors' shapes make it "
                         f"{list(own[k])} ({len(bad)} tensors differ, {len(missing)} missing)")


def _without(wf: WeightFile, prefix: str) -> WeightFile:
    tensors = {(k[len(prefix):] if k.startswith(prefix) else k): v for k, v in wf.tensors.items()}
    return WeightFile(wf.path, wf.kind, tensors, {(w[len(prefix):] if w.startswith(prefix) else w): n
                                                  for w, n in wf.scales.items()}, wf.data_start, wf.aside)


def tokenizer_for(part: Part, base: str | None, folder: str = "tokenizer"):
    """The tokenizer of a text encoder: from the file's ``spiece_model`` (a T5 tokenizer built from
    the sentencepiece model's pieces: nothing is downloaded), else a ``folder`` beside the file
    (tokenizer/; a second text encoder's: tokenizer_2/, as in a diffusers folder), else None when
    ``base`` gives one; else refused, saying where Studio looked."""
    # transformers' classes of text encoders, not a family's names: Gemma 3 (LTX-2's, its spiece model BPE; told
    # by the class, so a Unigram model in its file is refused in Gemma's words), Qwen2.5-VL (shared by HunyuanVideo
    # 1.5 and Kandinsky 5: files/qwen_parts.py)
    if SPIECE in part.wf.tensors:  # Gemma's (LTX-2) is BPE, T5's and UMT5's unigram
        return gemma_from_spiece(part) if part.cls_name == "Gemma3TextModel" else t5_from_spiece(part)
    beside = os.path.join(os.path.dirname(part.wf.path), folder)
    if os.path.isdir(beside):
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(beside, local_files_only=True)
        if part.cls_name == "Qwen2_5_VLTextModel":
            tok.padding_side = "right"  # HunyuanVideo 1.5 crops its template off the left (diffusers' folders: right)
        return tok
    if base:
        return None
    if part.cls_name == "Qwen2_5_VLTextModel":
        raise qwen_no_tokenizer(part.wf.path, beside)
    raise ModelError(f"the text encoder '{part.wf.path}' carries no tokenizer (no '{SPIECE}' tensor, as ComfyUI's "
                     f"umt5_xxl files have) and none was found: Studio looked in the file, in '{beside}', and in "
                     "'base' (empty). Give a text-encoder file with its tokenizer inside, or set 'base' to a diffusers "
                     "Wan folder (its tokenizer/ is used)")


def qwen_no_tokenizer(path: str, beside: str) -> ModelError:
    """What to give when no Qwen2.5-VL tokenizer is anywhere local (ComfyUI keeps it in its code,
    not in the file; Studio downloads nothing)."""
    return ModelError(f"the text encoder '{path}' (Qwen2.5-VL) carries no tokenizer (ComfyUI keeps it in its code) "
                      f"and none was found: Studio looked in the file, in '{beside}', and in 'base' (empty). Put "
                      "Qwen2.5-VL-7B-Instruct's tokenizer files (tokenizer.json, tokenizer_config.json with its chat "
                      "template) in that folder, or set 'base' to a diffusers HunyuanVideo 1.5 folder")


def fitting_tokenizer(part: Part, base: str | None, nowhere, folder: str = "tokenizer"):
    """``tokenizer_for``'s tokenizer (None: 'base''s), refused when it holds more tokens than the
    encoder has embeddings (another model's), or with ``nowhere(beside)``, the family's words, when
    there is none to look for (no ``spiece_model``, no ``folder`` beside the file, no 'base')."""
    beside = os.path.join(os.path.dirname(part.wf.path), folder)
    if not (SPIECE in part.wf.tensors or os.path.isdir(beside) or base):
        raise ModelError(nowhere(beside))
    tok = tokenizer_for(part, base, folder)
    if tok is not None and len(tok) > part.cfg["vocab_size"]:
        raise ModelError(f"the tokenizer of the text encoder '{part.wf.path}' holds {len(tok)} tokens, but the "
                         f"encoder's embedding has {part.cfg['vocab_size']} rows: they are not one model's")
    return tok


def qwen3_text(path: str, family: str, give: str) -> tuple[WeightFile, dict, str]:
    """(the file under transformers' Qwen3Model names, their shapes, what it was recognised as) of the text-encoder
    file ``path`` (ComfyUI's: the language model under 'model.'), refused in words where it is no Qwen3 (its
    attention has no q_norm, or has biases: Qwen2.5's), ``family`` reading Qwen3's text states (``give``: what to give
    instead): Z-Image's and FLUX.2 [klein]'s. Headers only."""
    from .qwen_parts import qwen_names, renamed
    wf, r = read_part("text_encoder", path)
    named = renamed(wf, qwen_names(list(wf.tensors)))
    shapes = {k: tuple(v.shape) for k, v in named.tensors.items()}
    if "layers.0.self_attn.q_norm.weight" not in shapes or "layers.0.self_attn.k_proj.bias" in shapes:
        raise ModelError(f"the text encoder '{path}' is {r.variant}, but {family} reads Qwen3's text states: {give}")
    return named, shapes, r.variant


def qwen3_tokenizer(part: Part, model: str, family: str):
    """Qwen3's tokenizer from a tokenizer/ folder beside the text-encoder file, with its chat template (``family``'s
    pipeline wraps each prompt in it; ``model``: the Qwen3 named in the refusals, 'Qwen3-4B'): Z-Image's and
    FLUX.2 [klein]'s."""
    def nowhere(beside: str) -> str:
        return (f"the text encoder '{part.wf.path}' (Qwen3) carries no tokenizer (ComfyUI keeps it in its code) and "
                f"none was found: Studio looked in the file, in '{beside}', and in 'base' (empty). Put {model}'s "
                "tokenizer files (tokenizer.json, tokenizer_config.json with its chat template) in that folder")
    tok = fitting_tokenizer(part, None, nowhere)
    if not getattr(tok, "chat_template", None):
        raise ModelError(f"the tokenizer beside '{part.wf.path}' has no chat template, which {family} wraps each "
                         f"prompt in: give {model}'s tokenizer_config.json with it")
    return tok


def load_part(part: Part, torch_dtype):
    """The part (checked by check_parts), lean: its skeleton on the meta device, the file's weights
    read into it."""
    import diffusers

    from .single_file import lean_load
    cls, conf = _class_and_config(part, diffusers)  # lean_load builds it
    tensors = {k: v for k, v in part.wf.tensors.items() if k != SPIECE}
    wf = WeightFile(part.wf.path, part.wf.kind, tensors, part.wf.scales, part.wf.data_start, part.wf.aside)
    return lean_load(cls, conf, wf, torch_dtype)


def parts_words(parts: dict[str, Part]) -> str:
    """'text encoder UMT5-XXL (Wan), fp8 e4m3 (scaled); VAE Wan 2.1 VAE, bf16' ('' : none)."""
    return "; ".join(f"{PART_TITLES[c]} {p.what}, {describe(p.wf)}" for c, p in parts.items())


def part_components(parts: dict[str, Part], base: str, torch_dtype, info, waiting: tuple = ()) -> dict:
    """The parts (checked by check_parts) loaded to replace a base folder's components
    (from_pretrained's keyword arguments); a text encoder with its tokenizer inside brings it.
    A component in ``waiting`` is left on disk (its tokenizer still comes): loading/deferred_text.py
    loads it when a prompt is not in the prompt-embedding cache."""
    out = {}
    for c, part in parts.items():
        if c == "text_encoder":
            tok = tokenizer_for(part, base)
            if tok is not None:
                out["tokenizer"] = tok
        if c in waiting:
            info(f"{PART_TITLES[c]}: {part.words} (instead of the base folder's; read when a prompt is not in "
                 "the prompt cache)")
            continue
        out[c] = load_part(part, torch_dtype)
        info(f"{PART_TITLES[c]}: {part.words} (instead of the base folder's)")
    return out
