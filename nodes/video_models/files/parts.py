"""ComfyUI's three loaders: a pipeline from a denoiser file, a text-encoder file and a VAE file
(and, for Wan 2.1 I2V / FLF2V, a CLIP-vision file), each recognised from its tensors' names and
shapes (catalog/recognise.py), checked against the denoiser before anything is allocated, and
loaded lean like the denoiser (a meta skeleton, the weights read straight into it: bf16 / fp16 /
fp32 / fp8 / scaled fp8). The configs come from the files' shapes and Studio's data
(part_configs.py); the tokenizer from the text-encoder file (ComfyUI's ``spiece_model``).

Wan's, and helpers the other families' modules share (family_parts.py picks: parts_ltx.py...).
diffusers and transformers are imported inside functions."""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..catalog.recognise import KIND_TITLES, recognise
from . import part_configs as pc
from ..layouts import parts_hunyuan
from ..base.errors import ModelError
from ..files.headers import refuse_pickle
from ..base.registry import FAMILIES
from ..base.family import Family
from ..layouts import wan22
from .spiece_tokenizers import SPIECE, gemma_from_spiece, t5_from_spiece
from .weight_formats import WeightFile, describe, is_weight_file, read_weight_file

PART_KINDS = {"text_encoder": "text_encoder", "text_encoder_2": "text_encoder", "vae": "vae",
              "image_encoder": "clip_vision"}  # component -> file kind
PART_TITLES = {"text_encoder": "text encoder", "text_encoder_2": "second text encoder", "vae": "VAE",
               "image_encoder": "CLIP vision", "connectors": "text connectors", "audio_vae": "audio VAE",
               "vocoder": "vocoder"}  # the last three: inside an LTX-2 checkpoint (parts_ltx2.py)
DIFFUSERS_PARTS = ("vae", "connectors", "audio_vae", "vocoder")  # components built by diffusers' classes


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


def _looks(wf: WeightFile, n: int = 4) -> str:
    items = sorted(wf.tensors.items())[:n]
    if not items:
        return "no tensors"
    return ", ".join(f"{k} {list(v.shape)}" for k, v in items) + (f", … ({len(wf.tensors)} tensors)"
                                                                   if len(wf.tensors) > n else "")


def read_part(component: str, path: str) -> tuple[WeightFile, object]:
    """(header, recognised) of a part's file: a regular .safetensors file (no pickle), the kind
    its slot takes, else one message naming what it is (its first keys and shapes when unknown)."""
    title = PART_TITLES[component]
    refuse_pickle(path)
    if not is_weight_file(path):
        raise ModelError(f"the {title} '{path}' is not a .safetensors or .gguf file")
    wf = read_weight_file(path)
    if wf.kind == "gguf":
        raise ModelError(f"the {title} '{path}' is GGUF: Studio reads GGUF denoisers; give this {title} as "
                         ".safetensors (bf16, fp16, fp32 or fp8)")
    r = recognise({k: v.shape for k, v in wf.tensors.items()}, filename=os.path.basename(path))
    if r.kind != PART_KINDS[component]:
        kind = KIND_TITLES[r.kind]
        what = (f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} ({r.variant})" if r.kind != "unknown" else
                f"not a model Studio recognises: it holds {_looks(wf)}")
        raise ModelError(f"'{path}' was given as the {title} but is {what}")
    return wf, r


def _shapes(wf: WeightFile) -> dict:
    return {k: tuple(v.shape) for k, v in wf.tensors.items()}


def strip_prefix(wf: WeightFile, prefixes: tuple[str, ...]) -> WeightFile:
    """``wf`` with a prefix every weight name has removed (ComfyUI's 'vae.', 'text_encoders.t5xxl.transformer.')."""
    for p in prefixes:
        if wf.tensors and all(k.startswith(p) or k == SPIECE for k in wf.tensors):
            return WeightFile(wf.path, wf.kind, {(k[len(p):] if k.startswith(p) else k): v for k, v in wf.tensors.items()},
                              {w[len(p):]: s for w, s in wf.scales.items()}, wf.data_start, wf.aside)
    return wf


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict[str, Part]:
    """Each part's file of a Wan denoiser (family_parts.py sends other families elsewhere or refuses
    them) recognised and checked against the denoiser (its config ``den_cfg``, in diffusers' names): the family, the text states' width, the latent channels, the image tokens'
    width. Headers only: nothing is allocated."""
    if "text_encoder_2" in files:
        raise ModelError(f"a second text-encoder file '{files['text_encoder_2']}' was given, but a {fam.title} denoiser "
                         "reads one text encoder (HunyuanVideo 1.5 takes its byT5 glyph encoder there): leave it empty")
    parts: dict[str, Part] = {}
    for component, path in files.items():
        wf, r = read_part(component, path)
        title = PART_TITLES[component]
        if r.family and r.family != fam.key:
            raise ModelError(f"the {title} '{path}' is {r.variant}, made for {FAMILIES[r.family].title}, but the "
                             f"denoiser '{os.path.basename(den_path)}' is {fam.title}'s")
        if component == "text_encoder":
            wf = strip_prefix(wf, ("text_encoders.umt5xxl.transformer.", "umt5xxl.transformer.", "transformer."))
            cls_name, cfg, umt5 = pc.t5_encoder(_shapes(wf), path)
            if not umt5:
                raise ModelError(f"the text encoder '{path}' is {r.variant} (T5: only its first block has a position "
                                 f"bias), but Wan's denoiser reads UMT5-XXL's text states: give umt5_xxl")
            if cfg["d_model"] != den_cfg["text_dim"]:
                raise ModelError(f"the text encoder '{path}' ({r.variant}) gives text states {cfg['d_model']} wide, but "
                                 f"the denoiser '{os.path.basename(den_path)}' reads {den_cfg['text_dim']} (its "
                                 f"text_embedding): they do not fit")
        elif component == "vae":
            wf = strip_prefix(wf, ("vae.", "first_stage_model."))
            if "decoder.conv_in.weight" not in wf.tensors:  # Wan's original names: diffusers' converter renames
                wf = wan22.vae22_renamed(wf) if "2.2" in r.variant else _renamed(diffusers, "AutoencoderKLWan", wf, path)
            cls_name, cfg = pc.wan_vae(_shapes(wf), path)
            if cfg["z_dim"] != den_cfg["out_channels"]:
                raise ModelError(f"the VAE '{path}' ({r.variant}) makes latents of {cfg['z_dim']} channels, but the "
                                 f"denoiser '{os.path.basename(den_path)}' makes {den_cfg['out_channels']}")
        else:
            cls_name, cfg = pc.clip_vision(_shapes(wf), path)
            if "image_dim" not in den_cfg:
                raise ModelError(f"a CLIP-vision file '{path}' was given, but the denoiser "
                                 f"'{os.path.basename(den_path)}' takes no image tokens (Wan 2.1 I2V and FLF2V do)")
            if cfg["hidden_size"] != den_cfg["image_dim"]:
                raise ModelError(f"the CLIP vision '{path}' ({r.variant}) is {cfg['hidden_size']} wide, but the "
                                 f"denoiser reads image tokens {den_cfg['image_dim']} wide")
        part = parts[component] = Part(component, wf, r.variant, cls_name, cfg)
        check_shapes(part, diffusers)
    return parts


def _skeleton(part: Part, diffusers=None):
    """(class, config object or dict, the part's model built on the meta device)."""
    from accelerate import init_empty_weights
    if part.component in DIFFUSERS_PARTS:
        cls = getattr(diffusers, part.cls_name, None)
        if cls is None:  # LTX-2's text connectors and vocoder live with their pipeline
            import diffusers.pipelines.ltx2 as ltx2
            cls = getattr(ltx2, part.cls_name)
        with init_empty_weights():
            return cls, part.cfg, cls.from_config(part.cfg)
    import transformers
    cls = getattr(transformers, part.cls_name)
    conf = getattr(transformers, {"UMT5EncoderModel": "UMT5Config", "T5EncoderModel": "T5Config",
                                  "Qwen2_5_VLTextModel": "Qwen2_5_VLTextConfig", "Gemma3TextModel": "Gemma3TextConfig",
                                  "SiglipVisionModel": "SiglipVisionConfig"}
                   .get(part.cls_name, "CLIPVisionConfig"))(**part.cfg)
    with init_empty_weights():
        return cls, conf, cls(conf)


def check_shapes(part: Part, diffusers) -> None:
    """The config read from the part's shapes, built on the meta device, against every tensor of
    the file: a file whose tensors do not make one model is named (its first misfit), before any load."""
    _, _, model = _skeleton(part, diffusers)
    own = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    del model
    if part.cls_name == "CLIPVisionModel" and not any(k.startswith("vision_model.") for k in own):
        part.wf = _without(part.wf, "vision_model.")  # transformers 5 names CLIP's tower without it
    have = {k: tuple(v.shape) for k, v in part.wf.tensors.items() if k != SPIECE}
    tied = {"encoder.embed_tokens.weight"}  # a T5's input embedding is its 'shared' table
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


def _renamed(diffusers, cls_name: str, wf: WeightFile, path: str) -> WeightFile:
    from .single_file import renamed
    out = renamed(getattr(diffusers, cls_name), {}, wf)
    if out is None:
        raise ModelError(f"'{path}' is not in a layout of a {cls_name} Studio can rename (diffusers' converter does "
                         f"more than rename it); it holds {_looks(wf)}")
    return out


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """(class name, config, the file under diffusers' names) of a Wan denoiser with no folder:
    renamed by diffusers' converter (on shapes), the config read from the shapes."""
    from .single_file import renamed
    named = wf
    if "condition_embedder.time_proj.weight" not in wf.tensors:
        named = renamed(diffusers.WanTransformer3DModel, {}, wf, shapes_only=True)
        if named is None:
            raise ModelError(f"'{wf.path}' is a Wan denoiser in a layout diffusers' converter does more than rename: "
                             "set 'base' to a diffusers Wan folder")
    cls_name, cfg = pc.wan_transformer(_shapes(named), wf.path)
    return cls_name, cfg, named


def tokenizer_for(part: Part, base: str | None):
    """The tokenizer of a text encoder: from the file's ``spiece_model`` (a T5 tokenizer built from
    the sentencepiece model's pieces: nothing is downloaded), else a tokenizer/ folder beside the
    file, else None when ``base`` gives one; else refused, saying where Studio looked."""
    if SPIECE in part.wf.tensors:  # Gemma's (LTX-2) is BPE, T5's and UMT5's unigram
        return gemma_from_spiece(part) if part.cls_name == "Gemma3TextModel" else t5_from_spiece(part)
    beside = os.path.join(os.path.dirname(part.wf.path), "tokenizer")
    if os.path.isdir(beside):
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(beside, local_files_only=True)
        if part.cls_name == "Qwen2_5_VLTextModel":
            tok.padding_side = "right"  # HunyuanVideo 1.5 crops its template off the left (diffusers' folders: right)
        return tok
    if base:
        return None
    if part.cls_name == "Qwen2_5_VLTextModel":
        raise parts_hunyuan.no_tokenizer(part.wf.path, beside)
    raise ModelError(f"the text encoder '{part.wf.path}' carries no tokenizer (no '{SPIECE}' tensor, as ComfyUI's "
                     f"umt5_xxl files have) and none was found: Studio looked in the file, in '{beside}', and in "
                     "'base' (empty). Give a text-encoder file with its tokenizer inside, or set 'base' to a diffusers "
                     "Wan folder (its tokenizer/ is used)")


def fitting_tokenizer(part: Part, base: str | None, nowhere):
    """``tokenizer_for``'s tokenizer (None: 'base''s), refused when it holds more tokens than the
    encoder has embeddings (another model's), or with ``nowhere(beside)``, the family's words, when
    there is none to look for (no ``spiece_model``, no tokenizer/ beside the file, no 'base')."""
    beside = os.path.join(os.path.dirname(part.wf.path), "tokenizer")
    if not (SPIECE in part.wf.tensors or os.path.isdir(beside) or base):
        raise ModelError(nowhere(beside))
    tok = tokenizer_for(part, base)
    if tok is not None and len(tok) > part.cfg["vocab_size"]:
        raise ModelError(f"the tokenizer of the text encoder '{part.wf.path}' holds {len(tok)} tokens, but the "
                         f"encoder's embedding has {part.cfg['vocab_size']} rows: they are not one model's")
    return tok


def load_part(part: Part, torch_dtype):
    """The part (checked by check_parts), lean: its skeleton on the meta device, the file's weights
    read into it."""
    import diffusers

    from .single_file import lean_load
    cls, conf, _ = _skeleton(part, diffusers)
    tensors = {k: v for k, v in part.wf.tensors.items() if k != SPIECE}
    wf = WeightFile(part.wf.path, part.wf.kind, tensors, part.wf.scales, part.wf.data_start, part.wf.aside)
    return lean_load(cls, conf, wf, torch_dtype)


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info,
                   second: str | None = None):
    """(pipeline, weights in words, model_index-like dict) from a denoiser file and its parts' files
    (``second``: Wan 2.2 A14B's other expert, wan22.py), with no folder: every part checked before
    the first is loaded."""
    missing = [PART_TITLES[c] for c in ("text_encoder", "vae") if c not in files]
    cls_name, cfg, named = denoiser_config(diffusers, fam, wf)
    experts = wan22.check_experts(diffusers, fam, wf, second, cfg)
    wf = experts.high if experts else wf
    if missing:
        raise ModelError(f"'{wf.path}' is a single {fam.title} denoiser: set the {' and the '.join(missing)} file"
                         f"{'s' if len(missing) > 1 else ''} (as ComfyUI's loaders take them), or 'base' to a diffusers "
                         f"{fam.title} folder")
    if "image_dim" in cfg and "image_encoder" not in files:
        raise ModelError(f"'{wf.path}' is a Wan 2.1 image-to-video denoiser (it reads CLIP image tokens): set the "
                         "CLIP vision file (clip_vision_h)")
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    tokenizer = tokenizer_for(parts["text_encoder"], None)
    from .single_file import load_with_config
    loaded, index = load_with_config(diffusers, fam, "WanPipeline", cls_name, cfg,
                                     [wf, experts.low] if experts else [wf], torch_dtype)
    den, weights, how = loaded[0]
    scheduler, own, assumed = pc.wan_pipeline(cfg)
    info(f"weights: {how}; config from the file's shapes ({assumed})")
    if experts:  # the low-noise expert: the same config (check_experts compared every shape)
        den2, _, how2 = loaded[1]
        own = {**own, "transformer_2": den2, "boundary_ratio": experts.ratio}
        info(f"{experts.words}; low-noise weights: {how2}")
        weights = f"{weights}; {experts.short}"
    comps = {"transformer": den, "tokenizer": tokenizer,
             "scheduler": getattr(diffusers, scheduler["_class_name"]).from_config(scheduler)}
    for c, part in parts.items():
        comps[c] = load_part(part, torch_dtype)
        info(f"{PART_TITLES[c]}: {part.words}" + (", tokenizer from the file" if c == "text_encoder" else ""))
    if cls_name == "WanVACETransformer3DModel":
        pipe_cls = "WanVACEPipeline"
    elif cfg["in_channels"] != cfg["out_channels"]:  # image to video: Wan 2.1's (CLIP vision) or Wan 2.2 A14B's
        pipe_cls = "WanImageToVideoPipeline"
        if "image_encoder" in parts:
            from transformers import CLIPImageProcessor
            comps["image_processor"] = CLIPImageProcessor(**pc.CLIP_IMAGE_PROCESSOR)
    else:
        pipe_cls = "WanPipeline"
    pipe = getattr(diffusers, pipe_cls)(**comps, **own)
    index.update({"_class_name": pipe_cls, **{k: v for k, v in own.items() if k != "transformer_2"}})
    if experts:
        index["transformer_2"] = ["diffusers", cls_name]
    return pipe, weights, index, parts


def parts_words(parts: dict[str, Part]) -> str:
    """'text encoder UMT5-XXL (Wan), fp8 e4m3 (scaled); VAE Wan 2.1 VAE, bf16' ('' : none)."""
    return "; ".join(f"{PART_TITLES[c]} {p.what}, {describe(p.wf)}" for c, p in parts.items())


def part_components(parts: dict[str, Part], base: str, torch_dtype, info) -> dict:
    """The parts (checked by check_parts) loaded to replace a base folder's components
    (from_pretrained's keyword arguments); a text encoder with its tokenizer inside brings it."""
    out = {}
    for c, part in parts.items():
        if c == "text_encoder":
            tok = tokenizer_for(part, base)
            if tok is not None:
                out["tokenizer"] = tok
        out[c] = load_part(part, torch_dtype)
        info(f"{PART_TITLES[c]}: {part.words} (instead of the base folder's)")
    return out
