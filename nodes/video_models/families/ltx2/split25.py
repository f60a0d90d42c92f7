"""LTX-2.5 from ComfyUI's split files with no diffusers folder, as its templates (video_ltx2_5_*) and
Lightricks' release (LTX-2 400fd31, README and ``ltx_pipelines/utils/blocks.py``) lay them out:

- the transformer (``diffusion_models/ltx-2.5-22b-{dev,distilled}-transformer-*``, ComfyUI's UNETLoader):
  its blocks and the text connectors (``model.diffusion_model.video_embeddings_connector.*`` /
  ``audio_embeddings_connector.*``, perhaps without the prefix);
- the text encoder (``text_encoders/gemma4-12b-with-proj-ltx-2.5-*``, CLIPLoader of type ltxv): Gemma 4
  with the text projections, its tokenizer and its config (gemma4_file.py);
- the video VAE (``vae/ltx-2.5-video-vae-conv-*``: ``vae.encoder.*`` / ``vae.decoder.*`` or the same
  bare, Lightricks' ``VAE_*_COMFY_KEYS_FILTER``), or the release's default ``ltx-2.5-video-vae-bf16``, whose
  decoder is a diffusion decoder (``NADiffusionDecoder``), read into diffusers' LTX2VideoDiffusionDecoderModel
  (diffusion_vae.py);
- the audio VAE with its vocoder (``vae/ltx-2.5-audio-vae-*``: ``audio_vae.*`` and ``vocoder.*``), the
  second VAE of ComfyUI's templates: Studio's load node has one VAE slot (the picture's), so this file
  is the one ``*audio*vae*.safetensors`` beside the video VAE (or the transformer), said in the log.

Every part is checked against the transformer before the first is loaded (parts.py's checks); the
connectors load from the transformer file with the projections read from the text-encoder file beside
them. Files quantised as Studio cannot read (int8 'convrot', the templates' own) are refused by name
where their header is read (weight_formats.py)."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...files.parts import PART_TITLES, WAITS, Part, check_shapes, load_part, read_part, shapes_of
from ...files.single_file import lean_load, load_with_config
from ...files.weight_formats import WeightFile, read_weight_file
from . import diffusion_vae as dv
from . import gemma4_file as g4
from . import part_configs as pc2
from . import parts as p2

VAE_FILES = "ltx-2.5-video-vae-bf16 or its convolutional ltx-2.5-video-vae-conv-bf16 (ComfyUI's vae folder)"
AUDIO_FILES = "ltx-2.5-audio-vae-bf16"


def _need(wf: WeightFile, files: dict[str, str]) -> None:
    need = [w for c, w in (("text_encoder", f"the text encoder ({g4.FILES})"),
                           ("vae", f"the VAE ({VAE_FILES})")) if c not in files]
    if need:
        raise ModelError(f"'{wf.path}' is LTX-2.5's transformer, which its release ships as split files: set "
                         f"{' and '.join(need)}, as ComfyUI's LTX-2.5 templates load them (the audio VAE "
                         f"{AUDIO_FILES} beside the VAE), or give a diffusers LTX-2.5 folder as 'model'")


def _text(path: str, den: str) -> tuple[Part, WeightFile]:
    wf, r = read_part("text_encoder", path)
    if not g4.is_gemma4(wf.tensors):
        raise ModelError(f"the text encoder '{path}' is {r.variant}, but the transformer '{den}' is LTX-2.5's, which "
                         f"reads its prompts with Gemma 4 and the text projection in its file: give {g4.FILES}")
    if not g4.projection(wf):
        raise ModelError(f"the text encoder '{path}' is Gemma 4 without LTX-2.5's text projection "
                         "(text_embedding_projection.video_aggregate_embed / audio_aggregate_embed): Google's Gemma "
                         f"4 is not LTX-2.5's fine-tuned encoder; give {g4.FILES}")
    return g4.text_part(wf, path), wf


def _vae(diffusers, path: str, den: str) -> Part:
    wf, r = read_part("vae", path)
    if r.family == "ltx2":  # the audio VAE file (recognise.py) given in the picture's VAE slot
        raise ModelError(f"the VAE '{path}' is {r.variant}, but 'vae' takes LTX-2.5's video VAE ({VAE_FILES}); "
                         "the audio VAE is read from beside it")
    if dv.is_diffusion_decoder(wf.tensors):
        return dv.vae_part(diffusers, wf, path)
    return p2.configured(p2.vae_file(diffusers, wf, r.variant, r.family, path, den))


def audio_file(vae: str, den: str) -> str:
    """The one ``*audio*vae*.safetensors`` beside the video VAE (else beside the transformer)."""
    from ...files.parts import one_audio_vae_beside
    found = one_audio_vae_beside((vae, den), "LTX-2.5")
    if found:
        return found
    raise ModelError(f"LTX-2.5 makes its sound with an audio VAE and vocoder ({AUDIO_FILES}, the templates' second "
                     f"VAELoader), which Studio looks for beside the VAE '{vae}' (a file named *audio*vae*."
                     "safetensors) and found none: put it there")


def _audio(diffusers, path: str) -> dict[str, Part]:
    wf = read_weight_file(path)
    parts, missing = p2.checkpoint_parts(diffusers, wf, {"vae": "given"})
    missing = [m for m in missing if "connectors" not in m]
    if missing:
        raise ModelError(f"'{path}' was taken as LTX-2.5's audio VAE but holds not {', '.join(missing)}: give "
                         f"{AUDIO_FILES} (audio_vae.* and vocoder.*)")
    return {c: Part(c, parts[c].wf, f"LTX-2.5 {PART_TITLES[c]}") for c in ("audio_vae", "vocoder")}


def _connectors(wf: WeightFile, te_wf: WeightFile, width: int) -> tuple[Part, WeightFile]:
    """(the connectors with the projections' shapes, for the checks; the transformer file's own tensors)."""
    own = p2.connectors_part(wf)
    if own is None or not any(k.startswith("video_connector.") for k in own.wf.tensors):
        raise ModelError(f"'{wf.path}' is LTX-2.5's transformer without its text connectors "
                         "(model.diffusion_model.video_embeddings_connector.*): give the release's transformer file")
    both = WeightFile(wf.path, wf.kind, {**own.wf.tensors, **g4.projection(te_wf)}, {}, wf.data_start, wf.aside)
    part = p2.configured(Part("connectors", both, "LTX-2.5 text connectors (in the transformer, their projections "
                                                   "in the text encoder)"), text_width=width)
    return part, own.wf


def checked(diffusers, wf: WeightFile, files: dict[str, str], cfg: dict) -> tuple[dict[str, Part], WeightFile, WeightFile]:
    """Every part of LTX-2.5's split files, configured and checked against the transformer (``cfg``)
    and each other, headers only: (parts, the connectors' own tensors, the text-encoder file)."""
    den = os.path.basename(wf.path)
    _need(wf, files)
    te, te_wf = _text(files["text_encoder"], den)
    check_shapes(te, diffusers)
    width = te.cfg["text_config"]["hidden_size"]
    conn, conn_wf = _connectors(wf, te_wf, width)
    layers = te.cfg["text_config"]["num_hidden_layers"]
    if layers + 1 != conn.cfg["text_proj_in_factor"]:
        raise ModelError(f"the text encoder '{te_wf.path}' ({te.what}) has {layers} layers ({layers + 1} states), but "
                         f"its text projection stacks {conn.cfg['text_proj_in_factor']}: its file is not one model's")
    audio = _audio(diffusers, audio_file(files["vae"], wf.path))
    voc = p2.configured(audio["vocoder"])
    mel_bins, rem = divmod(voc.cfg["in_channels"], max(1, int(shapes_of(audio["audio_vae"].wf)
                                                                  ["decoder.conv_out.conv.weight"][0])))
    if rem:
        raise ModelError(f"'{voc.wf.path}': the vocoder reads {voc.cfg['in_channels']} mel values a step, which is "
                         "not whole mel bins of the audio VAE's channels")
    parts = {"connectors": conn, "vae": _vae(diffusers, files["vae"], den),
             "audio_vae": p2.configured(audio["audio_vae"], mel_bins), "vocoder": voc}
    p2.fit_parts(parts, cfg, den)
    for part in parts.values():
        if not hasattr(part, "diffusion"):  # the diffusion decoder's VAE: checked by diffusion_vae.vae_part
            check_shapes(part, diffusers)
    return {"text_encoder": te, **parts}, conn_wf, te_wf


def build_pipeline(diffusers, fam, wf: WeightFile, files: dict[str, str], torch_dtype, info, waiting, cls_name, cfg):
    """(LTX2Pipeline, weights in words, model_index-like dict, parts) from LTX-2.5's split files."""
    cfg["caption_channels"] = pc2.GEMMA_WIDTH  # read by nothing: LTX-2.5's connectors project the text
    allp, conn_wf, te_wf = checked(diffusers, wf, files, cfg)
    tok = g4.tokenizer(te_wf)
    if len(tok) > allp["text_encoder"].cfg["text_config"]["vocab_size"]:
        raise ModelError(f"the tokenizer of the text encoder '{te_wf.path}' holds {len(tok)} tokens, but the encoder's "
                         f"embedding has {allp['text_encoder'].cfg['text_config']['vocab_size']} rows")
    [(transformer, weights, how)], index = load_with_config(diffusers, fam, "LTX2Pipeline", cls_name, cfg,
                                                            [p2.transformer_file(wf)], torch_dtype)
    sched = pc2.scheduler(wf.path)
    info(f"weights: {how}; LTX-2.5, config from the file's shapes ({pc2.ASSUMED_23}"
         f"{'; distilled: sigmas as they are' if not sched['use_dynamic_shifting'] else ''}); the text encoder's "
         f"config and tokenizer from its file; {pc2.LICENCE}")
    comps = {"transformer": transformer, "tokenizer": tok,
             "scheduler": getattr(diffusers, sched["_class_name"]).from_config(sched)}
    for c in ("text_encoder", "connectors", "vae", "audio_vae", "vocoder"):
        part = allp[c]
        if c in waiting:
            comps[c] = None
        elif c == "connectors":
            import diffusers.pipelines.ltx2 as ltx2
            comps[c] = lean_load(getattr(ltx2, part.cls_name), part.cfg, conn_wf, torch_dtype,
                                 extra=g4.read_projection(te_wf))
        elif hasattr(part, "diffusion"):
            comps[c] = dv.load_vae(part, torch_dtype)
        else:
            comps[c] = load_part(part, torch_dtype)
        said = ", tokenizer from the file" if c == "text_encoder" else \
            " (found beside the VAE)" if c == "audio_vae" else \
            f"; the decoder's {part.diffusion[2]}" if hasattr(part, "diffusion") else ""
        info(f"{PART_TITLES[c]}: {part.words}{said}{WAITS if c in waiting else ''}")
    return diffusers.LTX2Pipeline(**comps), weights, index, {"text_encoder": allp["text_encoder"],
                                                             "vae": allp["vae"]}
