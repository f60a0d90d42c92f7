"""LTX-2 from ComfyUI's files with no diffusers folder: the all-in-one checkpoint
(``checkpoints/ltx-2-19b-dev.safetensors``, ``-distilled``, fp8) in Lightricks' names, which
ComfyUI's CheckpointLoaderSimple, LTXVAudioVAELoader and LTXAVTextEncoderLoader each read a part of:
the transformer under ``model.diffusion_model.`` (with the text connectors
``video_embeddings_connector.`` / ``audio_embeddings_connector.``), the text projection
``text_embedding_projection.aggregate_embed`` (at the top, or under ``model.diffusion_model.``), the
video VAE under ``vae.``, the audio VAE under ``audio_vae.`` and the vocoder under ``vocoder.``;
with the Gemma 3 12B text-encoder file (``text_encoders/gemma_3_12B_it*.safetensors``: the language
model under ``model.``, perhaps a vision tower, perhaps its tokenizer as ``spiece_model``). A VAE
file (ComfyUI's VAELoader) may replace the checkpoint's video VAE. LTX-2.3's checkpoint
(``ltx-2.3-22b-dev``) is read the same way: its per-stream text projections
(``text_embedding_projection.video_aggregate_embed`` / ``audio_aggregate_embed``), its VAE's fourth up
block and its vocoder with bandwidth extension (``vocoder.vocoder.`` / ``vocoder.bwe_generator.`` /
``vocoder.mel_stft.``) renamed with diffusers' conversion script's 2.3 tables; every part must be of the
transformer's generation. LTX-2.5's split files (its transformer, Gemma 4 text encoder with the
text projection, video and audio VAE files) are read by split25.py.

The transformer, video VAE and audio VAE are renamed by diffusers' single-file converters (run on
shapes: nothing is read). diffusers 0.42.1 has no single-file converter for ``LTX2TextConnectors``
or ``LTX2Vocoder`` (its conversion script, ``scripts/convert_ltx2_to_diffusers.py``, renames them
while loading whole state dicts, which is not a library function): their rename maps are ported
from that script here. The text encoder is built as ``Gemma3TextModel``: LTX2Pipeline reads only
the hidden states of every layer (``_get_gemma_prompt_embeds``), which the text model gives without
the vision tower or the 262k-word LM head (a file's vision tower is not read).

Every part is checked against the transformer (the text width and the Gemma layers the connectors
stack, the video and audio latent channels, the mel bins) before anything is allocated; the configs
come from the shapes (part_configs_ltx2.py); the parts are loaded lean (parts.py), in bf16, fp8,
scaled fp8 or ComfyUI's mixed precision (fp8 with ``weight_scale``, NVFP4 as in
``gemma_3_12B_it_fp4_mixed``: weight_formats.py, comfy_quant.py)."""
from __future__ import annotations

import os

from ...files.parts import (PART_TITLES, WAITS, Part, check_shapes, fitting_tokenizer, load_part, read_part,
                            shapes_of)
from ...files.spiece_tokenizers import SPIECE
from ...files.single_file import load_with_config, renamed
from ...files.weight_formats import WeightFile
from ...base.errors import ModelError
from ...base.registry import FAMILIES
from ...base.family import Family
from . import part_configs as pc2

DIT = "model.diffusion_model."
CONNECTORS = ("video_embeddings_connector.", "audio_embeddings_connector.")
PROJECTION = "text_embedding_projection."
GEMMA_PREFIXES = ("model.language_model.", "language_model.model.", "model.", "")
GEMMA_TOPS = ("embed_tokens.", "layers.", "norm.")
GEMMA_FILES = "gemma_3_12B_it (or its fp8 / fp4_mixed version: ComfyUI's text_encoders)"
# diffusers' scripts/convert_ltx2_to_diffusers.py: LTX_2_0_CONNECTORS_KEYS_RENAME_DICT and
# LTX_2_0_VOCODER_RENAME_DICT (applied in order, as substring replacements, as the script does)
CONNECTOR_RENAMES = (("connectors.", ""), ("video_embeddings_connector", "video_connector"),
                     ("audio_embeddings_connector", "audio_connector"), ("transformer_1d_blocks", "transformer_blocks"),
                     ("text_embedding_projection.aggregate_embed", "text_proj_in"), ("q_norm", "norm_q"),
                     ("k_norm", "norm_k"),  # LTX-2.3's per-stream projections (LTX_2_3_CONNECTORS_KEYS_RENAME_DICT)
                     ("text_embedding_projection.video_aggregate_embed", "video_text_proj_in"),
                     ("text_embedding_projection.audio_aggregate_embed", "audio_text_proj_in"),
                     # LTX-2's projection as ComfyUI names it once loaded (comfy/text_encoders/lt.py, load_sd)
                     ("text_embedding_projection.weight", "text_proj_in.weight"))
VOCODER_RENAMES = (("ups", "upsamplers"), ("resblocks", "resnets"), ("conv_pre", "conv_in"), ("conv_post", "conv_out"))
# LTX-2.3's vocoder with its bandwidth extender (LTX_2_3_VOCODER_RENAME_DICT and its '.ups.' remap: 'ups'
# alone would hit the anti-aliasing 'upsample' filters)
VOCODER_RENAMES_23 = ((".ups.", ".upsamplers."), ("resblocks", "resnets"), ("conv_pre", "conv_in"),
                      ("conv_post", "conv_out"), ("act_post", "act_out"), ("downsample.lowpass", "downsample"))
# What diffusers 0.42.1's single-file converters lack for LTX-2.3 (its conversion script's 2.3 tables,
# LTX_2_3_TRANSFORMER_KEYS_RENAME_DICT and LTX_2_3_VIDEO_VAE_RENAME_DICT): the prompt AdaLN, renamed
# before diffusers' transformer converter (which leaves it alone), and the VAE's fourth up block and
# last-layer names, renamed after diffusers' VAE converter (which leaves them alone)
TRANSFORMER_BEFORE = (("audio_prompt_adaln_single.", "audio_prompt_adaln."), ("prompt_adaln_single.", "prompt_adaln."))
VAE_AFTER = (("up_blocks.7", "up_blocks.3.upsamplers.0"), ("up_blocks.8", "up_blocks.3"),
             ("last_time_embedder", "time_embedder"), ("last_scale_shift_table", "scale_shift_table"))


def _with(wf: WeightFile, names: dict[str, str]) -> WeightFile:
    """The tensors of ``wf`` named in ``names`` (old -> new), renamed; their fp8 scales kept with them."""
    return WeightFile(wf.path, wf.kind, {new: wf.tensors[old] for old, new in names.items()},
                      {names[w]: s for w, s in wf.scales.items() if w in names}, wf.data_start, wf.aside)


def _replaced(name: str, renames) -> str:
    for a, b in renames:
        name = name.replace(a, b)
    return name


def renamed_state(state: dict) -> dict:
    """A transformer's tensors (a GGUF file's, as read) with LTX-2.3's names diffusers' converter lacks."""
    return {_replaced(k, TRANSFORMER_BEFORE): v for k, v in state.items()}


def _vae_after(named: WeightFile | None) -> WeightFile | None:
    """A video VAE renamed by diffusers' converter, LTX-2.3's names it leaves alone renamed too."""
    return None if named is None else _with(named, {k: _replaced(k, VAE_AFTER) for k in named.tensors})


def _under(wf: WeightFile, prefix: str) -> dict[str, str]:
    return {k: k for k in wf.tensors if k.startswith(prefix)}


def transformer_file(wf: WeightFile) -> WeightFile:
    """The transformer's own tensors of a checkpoint or transformer file (Lightricks' names; the
    text connectors and the other parts left out)."""
    text = CONNECTORS + (PROJECTION,)
    if any(k.startswith(DIT) for k in wf.tensors):
        keep = [k for k in wf.tensors if k.startswith(DIT) and not k[len(DIT):].startswith(text)]
    else:  # a transformer file without the checkpoint's prefix
        keep = [k for k in wf.tensors if not k.startswith(text + ("vae.", "audio_vae.", "vocoder."))]
    return _with(wf, {k: _replaced(k, TRANSFORMER_BEFORE) for k in keep})


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """(class name, config, the transformer under diffusers' names) of an LTX-2 checkpoint or
    transformer file: renamed by diffusers' converter (on shapes), the config read from the shapes."""
    own = transformer_file(wf)
    named = own if "proj_in.weight" in own.tensors else renamed(diffusers.LTX2VideoTransformer3DModel, {}, own,
                                                                   shapes_only=True)
    if named is None:
        raise ModelError(f"'{wf.path}' is an LTX-2 transformer in a layout diffusers' converter does more than rename: "
                         "give its diffusers folder as 'model'")
    cls_name, cfg = pc2.transformer(shapes_of(named), wf.path)
    return cls_name, cfg, named


def connector_names(wf: WeightFile) -> dict[str, str]:
    """The text connectors' and projection's tensors of a file: its name -> diffusers' name."""
    return {k: _replaced(k[len(DIT):] if k.startswith(DIT) else k, CONNECTOR_RENAMES) for k in wf.tensors
            if (k[len(DIT):] if k.startswith(DIT) else k).startswith(CONNECTORS + (PROJECTION,))}


def connectors_part(wf: WeightFile) -> Part | None:
    """The text connectors (a checkpoint's ``…_embeddings_connector.`` tensors and the text
    projection) under diffusers' names."""
    names = connector_names(wf)
    return Part("connectors", _with(wf, names), "LTX-2 text connectors (in the checkpoint)") if names else None


def checkpoint_parts(diffusers, wf: WeightFile, files: dict[str, str]) -> tuple[dict[str, Part], list[str]]:
    """The parts an all-in-one checkpoint holds under diffusers' names (the video VAE only when no
    VAE file replaces it), and the titles of those it lacks."""
    parts, missing = {}, []
    conn = connectors_part(wf)
    if conn is None or not {"text_proj_in.weight", "video_text_proj_in.weight"} & set(conn.wf.tensors):
        missing.append("the text connectors (model.diffusion_model.video_embeddings_connector.*, "
                       "text_embedding_projection.*)")
    else:
        parts["connectors"] = conn
    for c, prefix, cls in (("vae", "vae.", diffusers.AutoencoderKLLTX2Video),
                           ("audio_vae", "audio_vae.", diffusers.AutoencoderKLLTX2Audio)):
        if c == "vae" and "vae" in files:
            continue
        mine = _under(wf, prefix)
        named = _vae_after(renamed(cls, {}, _with(wf, mine))) if mine else None
        if named is None:
            missing.append(f"the {PART_TITLES[c]} ({prefix}*)")
        else:
            parts[c] = Part(c, named, f"LTX-2 {'video VAE' if c == 'vae' else 'audio VAE'} (in the checkpoint)")
    table = VOCODER_RENAMES_23 if any(k.startswith("vocoder.bwe_generator.") for k in wf.tensors) else VOCODER_RENAMES
    voc = {k: _replaced(k[len("vocoder."):], table) for k in wf.tensors if k.startswith("vocoder.")}
    if voc:
        parts["vocoder"] = Part("vocoder", _with(wf, voc), "LTX-2 vocoder (in the checkpoint)")
    else:
        missing.append("the vocoder (vocoder.*)")
    return parts, missing


def _gemma(wf: WeightFile, variant: str, family: str, path: str, den_cfg: dict, den: str) -> Part:
    names = {}
    for k in wf.tensors:
        pre = next((p for p in GEMMA_PREFIXES if k.startswith(p) and k[len(p):].startswith(GEMMA_TOPS)), None)
        if pre is not None:
            names[k] = k[len(pre):]
        elif k == SPIECE:
            names[k] = k
    named = _with(wf, names)
    if any(k.endswith("layers.0.layer_scalar") for k in wf.tensors):  # Gemma 4: gemma4_file.py, with split25.py
        raise ModelError(f"the text encoder '{path}' is Gemma 4 (LTX-2.5's), but the transformer '{den}' is "
                         f"{pc2.generation_of_config(den_cfg)}'s, which reads Gemma 3 12B's text states; or "
                         f"LTX-2.5's encoder was given over a diffusers folder: give {GEMMA_FILES}, or LTX-2.5's "
                         "transformer file with no folder")
    if "layers.0.self_attn.q_norm.weight" not in named.tensors or "layers.0.pre_feedforward_layernorm.weight" not in \
            named.tensors:
        raise ModelError(f"the text encoder '{path}' is {variant}, but LTX-2's transformer reads Gemma 3 12B's text "
                         f"states: give {GEMMA_FILES}")
    if family and family != "ltx2":
        raise ModelError(f"the text encoder '{path}' is {variant}, made for {FAMILIES[family].title}, but the "
                         f"transformer '{den}' is LTX-2's: give {GEMMA_FILES}")
    if any(k.startswith(("vision_model.", "vision_tower.", "multi_modal_projector.", "model.vision_tower."))
           for k in wf.tensors):  # said, not read: LTX-2 reads the text states only
        variant = f"{variant}, its language model (the vision tower beside it not read)"
    cls_name, cfg = pc2.gemma3_text(shapes_of(named), path)
    if den_cfg.get("use_prompt_embeddings", True) and cfg["hidden_size"] != den_cfg["caption_channels"]:
        raise ModelError(f"the text encoder '{path}' ({variant}) gives text states {cfg['hidden_size']} wide, but the "
                         f"transformer '{den}' reads {den_cfg['caption_channels']} (Gemma 3 12B's): they do not fit; "
                         f"give {GEMMA_FILES}")
    return Part("text_encoder", named, variant, cls_name, cfg)


def vae_file(diffusers, wf: WeightFile, variant: str, family: str, path: str, den: str) -> Part:
    if family not in ("", "ltx", "ltx2"):  # LTX-2's video VAE has LTX-Video's names: told apart by its shapes
        raise ModelError(f"the VAE '{path}' is {variant}, made for {FAMILIES[family].title}, but the transformer "
                         f"'{den}' is LTX-2's")
    named = wf if "decoder.conv_in.conv.weight" in wf.tensors and "latents_mean" in wf.tensors else None
    if named is None:
        prefixed = wf if all(k.startswith("vae.") for k in wf.tensors) else WeightFile(
            wf.path, wf.kind, {"vae." + k: v for k, v in wf.tensors.items()},
            {"vae." + w: s for w, s in wf.scales.items()}, wf.data_start, wf.aside)
        named = _vae_after(renamed(diffusers.AutoencoderKLLTX2Video, {}, prefixed))
    if named is None:
        raise ModelError(f"'{path}' is not an LTX-2 video VAE in a layout diffusers' converter renames")
    return Part("vae", named, "LTX-2 video VAE")


def configured(part: Part, mel_bins: int = 0, text_width: int = 0) -> Part:
    shapes, path = shapes_of(part.wf), part.wf.path
    part.cls_name, part.cfg = {"connectors": lambda: pc2.connectors(shapes, path, text_width),
                               "vae": lambda: pc2.video_vae(shapes, path),
                               "audio_vae": lambda: pc2.audio_vae(shapes, mel_bins, path),
                               "vocoder": lambda: pc2.vocoder(shapes, path)}[part.component]()
    return part


def fit_parts(parts: dict[str, Part], den_cfg: dict, den: str) -> None:
    """The parts against the transformer and each other: widths, channels, mel bins, Gemma's layers."""
    def no(c, what):
        raise ModelError(f"the {PART_TITLES[c]} '{parts[c].wf.path}' ({parts[c].what}) {what}: they are not one "
                         "LTX-2's parts")
    _same_generation(parts, den_cfg, den, no)
    if "vae" in parts and parts["vae"].cfg["latent_channels"] != den_cfg["in_channels"]:
        no("vae", f"makes latents of {parts['vae'].cfg['latent_channels']} channels, but the transformer '{den}' "
                  f"takes {den_cfg['in_channels']}")
    conn = parts.get("connectors")
    if conn is not None:
        _fit_connectors(conn.cfg, den_cfg, den, no)
    if "audio_vae" in parts:
        a = parts["audio_vae"].cfg
        if a["latent_channels"] * (a["mel_bins"] // pc2.MEL_COMPRESSION) != den_cfg["audio_in_channels"]:
            no("audio_vae", f"makes {a['latent_channels']} x {a['mel_bins'] // pc2.MEL_COMPRESSION} audio latent "
                            f"values a step, but the transformer '{den}' takes {den_cfg['audio_in_channels']}")
    te = parts.get("text_encoder")
    if te is not None and conn is not None and te.cfg["num_hidden_layers"] + 1 != conn.cfg["text_proj_in_factor"]:
        raise ModelError(f"the text encoder '{te.wf.path}' ({te.what}) has {te.cfg['num_hidden_layers']} layers "
                         f"({te.cfg['num_hidden_layers'] + 1} states), but the checkpoint's text projection stacks "
                         f"{conn.cfg['text_proj_in_factor']}: give {GEMMA_FILES}")


# what tells a part's generation: (LTX-2's, LTX-2.3's in words, whether a config is LTX-2.3's)
PART_GENERATIONS = {
    "connectors": ("one text projection", "a text projection a stream", lambda c: c.get("per_modality_projections")),
    "vae": ("three up blocks", "four up blocks", lambda c: len(c["decoder_block_out_channels"]) > 3),
    "vocoder": ("no bandwidth extender", "a bandwidth extender", lambda c: "bwe_in_channels" in c)}


def _same_generation(parts: dict[str, Part], den_cfg: dict, den: str, no) -> None:
    """LTX-2's parts with LTX-2's transformer, LTX-2.3's with LTX-2.3's (its VAE's latents, its
    connectors' streams and its vocoder's rate are its own); LTX-2.5's parts are its folder's."""
    gen = pc2.generation_of_config(den_cfg)
    if gen == "LTX-2.5":
        return
    for c, (old, new, newer) in PART_GENERATIONS.items():
        if c in parts and bool(newer(parts[c].cfg)) != (gen == "LTX-2.3"):
            is_new = bool(newer(parts[c].cfg))
            no(c, f"{'are' if c == 'connectors' else 'is'} LTX-2{'.3' if is_new else ''}'s ({new if is_new else old}), "
                  f"but the transformer '{den}' is {gen}'s")


def _fit_connectors(c: dict, den_cfg: dict, den: str, no) -> None:
    """The text connectors against the transformer: LTX-2's one projection for its caption projection,
    LTX-2.3's per-stream projections as wide as its cross-attention reads."""
    per, projects = c.get("per_modality_projections", False), den_cfg.get("use_prompt_embeddings", True)
    if per == projects:
        no("connectors", f"are LTX-2{'.3' if per else ''}'s (" + ("a text projection a stream" if per else
                         "one text projection") + f"), but the transformer '{den}' is "
                         f"{pc2.generation_of_config(den_cfg)}'s")
    if not per and c["caption_channels"] != den_cfg["caption_channels"]:
        no("connectors", f"make text states {c['caption_channels']} wide, but the transformer '{den}' reads "
                         f"{den_cfg['caption_channels']}")
    for m, k in (("video", "cross_attention_dim"), ("audio", "audio_cross_attention_dim")):
        if per and c[f"{m}_hidden_dim"] != den_cfg[k]:
            no("connectors", f"make {'picture' if m == 'video' else 'sound'} text states {c[f'{m}_hidden_dim']} wide, "
                             f"but the transformer '{den}' attends to {den_cfg[k]}")


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict[str, Part]:
    """Each part's file (the Gemma 3 text encoder, a video VAE) recognised and checked against the
    transformer (its config ``den_cfg``, in diffusers' names). Headers only: nothing is allocated."""
    den = os.path.basename(den_path)
    parts: dict[str, Part] = {}
    for component, path in files.items():
        if component == "text_encoder_2":  # the split files' text projection (split23.py): no folder's
            raise ModelError(f"a second text-encoder file '{path}' was given over a diffusers LTX-2 folder, whose text "
                             "connectors and projection are its own: leave it empty")
        if component not in ("text_encoder", "vae"):
            raise ModelError(f"a {PART_TITLES[component]} file '{path}' was given, but LTX-2 takes none (it reads one "
                             "text encoder, Gemma 3 12B, and its images go through its VAE): leave it empty")
        wf, r = read_part(component, path)
        parts[component] = (_gemma(wf, r.variant, r.family, path, den_cfg, den) if component == "text_encoder" else
                            configured(vae_file(diffusers, wf, r.variant, r.family, path, den)))
    fit_parts(parts, den_cfg, den)
    for part in parts.values():
        check_shapes(part, diffusers)
    return parts


def tokenizer(part: Part, base: str | None):
    """Gemma 3's tokenizer: the file's ``spiece_model``, a tokenizer/ folder beside the file, or
    (None) the base folder's; else refused, saying where Studio looked."""
    return fitting_tokenizer(part, base, lambda beside: (
        f"the text encoder '{part.wf.path}' carries no tokenizer and none was found: Studio looked in the file (no "
        f"'{SPIECE}' tensor), in '{beside}', and in 'base' (empty). Put Gemma 3's tokenizer files in '{beside}' (a "
        "diffusers LTX-2 folder's tokenizer/ folder), or give that folder as 'model'"))


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info,
                   waiting: tuple = ()):
    """(LTX2Pipeline, weights in words, model_index-like dict, parts) from an LTX-2 all-in-one
    checkpoint and a Gemma 3 text-encoder file (and perhaps a VAE file), with no folder: every part
    checked before the first is loaded. A component in ``waiting`` (Gemma, while the prompt-embedding
    cache is on) is left on disk (loading/deferred_text.py)."""
    den = os.path.basename(wf.path)
    cls_name, cfg, _ = denoiser_config(diffusers, fam, wf)
    gen = pc2.generation_of_config(cfg)
    inside, missing = checkpoint_parts(diffusers, wf, files)
    if missing:
        raise ModelError(f"'{wf.path}' holds {gen}'s transformer but not {', '.join(missing)}: Studio reads {gen} "
                         "from its all-in-one checkpoint (ltx-2-19b-dev, ltx-2.3-22b-dev or -distilled, ComfyUI's "
                         "checkpoints folder) with the Gemma 3 12B text-encoder file; or give a diffusers "
                         f"{gen} folder as 'model'")
    if "text_encoder" not in files:
        raise ModelError(f"'{wf.path}' is an LTX-2 checkpoint: set the text encoder file ({GEMMA_FILES}), as "
                         "ComfyUI's LTXAV text-encoder loader takes it, or give a diffusers LTX-2 folder as 'model'")
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    if not cfg["use_prompt_embeddings"]:  # LTX-2.3's text width is its text encoder's (its connectors project it)
        cfg["caption_channels"] = parts["text_encoder"].cfg["hidden_size"]
    voc = configured(inside.pop("vocoder"))
    mel_bins, rem = divmod(voc.cfg["in_channels"], max(1, int(shapes_of(inside["audio_vae"].wf)
                                                              ["decoder.conv_out.conv.weight"][0])))
    if rem:
        raise ModelError(f"'{wf.path}': the vocoder reads {voc.cfg['in_channels']} mel values a step, which is not "
                         "whole mel bins of the audio VAE's channels")
    for c, part in inside.items():
        configured(part, mel_bins, parts["text_encoder"].cfg["hidden_size"])
    allp = {**inside, "vocoder": voc, **parts}
    fit_parts(allp, cfg, den)
    for c in inside:
        check_shapes(allp[c], diffusers)
    check_shapes(voc, diffusers)
    tok = tokenizer(parts["text_encoder"], None)
    [(transformer, weights, how)], index = load_with_config(diffusers, fam, "LTX2Pipeline", cls_name, cfg,
                                                            [transformer_file(wf)], torch_dtype)
    sched = pc2.scheduler(wf.path)
    info(f"weights: {how}; {gen}, config from the file's shapes ({pc2.ASSUMED if gen == 'LTX-2' else pc2.ASSUMED_23}"
         f"{'; distilled: sigmas as they are' if not sched['use_dynamic_shifting'] else ''}); {pc2.LICENCE}")
    comps = {"transformer": transformer, "tokenizer": tok,
             "scheduler": getattr(diffusers, sched["_class_name"]).from_config(sched)}
    beside = os.path.join(os.path.dirname(parts["text_encoder"].wf.path), "tokenizer")
    for c in ("text_encoder", "connectors", "vae", "audio_vae", "vocoder"):
        comps[c] = None if c in waiting else load_part(allp[c], torch_dtype)
        said = (", tokenizer from the file" if SPIECE in allp[c].wf.tensors else f", tokenizer from '{beside}'") \
            if c == "text_encoder" else \
            " (instead of the checkpoint's own)" if c == "vae" and c in files and _under(wf, "vae.") else ""
        info(f"{PART_TITLES[c]}: {allp[c].words}{said}{WAITS if c in waiting else ''}")
    return diffusers.LTX2Pipeline(**comps), weights, index, parts
