"""LTX-2 and LTX-2.3 from the split files ComfyUI workflows load (issue 112), with no diffusers folder:

- the transformer alone (``diffusion_models/ltx-2.3-22b-dev_transformer_only_fp8_scaled``, ``-distilled-1.1_
  transformer_only``, ``ltx-2-19b-dev_transformer_only``, or a GGUF; ComfyUI's UNETLoader): the blocks under
  ``model.diffusion_model.`` (or bare), with the text connectors ``video_embeddings_connector.*`` /
  ``audio_embeddings_connector.*`` (ComfyUI's LTX-2 model holds them: KJNodes 3f20054 ``nodes/ltxv_nodes.py``
  calls ``diffusion_model.video_embeddings_connector``), no ``vae.`` / ``audio_vae.`` / ``vocoder.``; a GGUF
  transformer's own connectors are read dequantised (gguf_connectors), its blocks kept quantised;
- Gemma 3 12B (``text_encoders/gemma_3_12B_it*``) and a second file through DualCLIPLoader of type 'ltxv' (Load
  Video Model's ``text_encoder`` and ``text_encoder_2``): the text projection alone (``ltx-2.3_text_projection_
  bf16``: ``text_embedding_projection.video_aggregate_embed.{weight,bias}`` / ``audio_aggregate_embed.*``
  for LTX-2.3, ``text_embedding_projection.aggregate_embed.weight`` for LTX-2) or the projection with the
  connectors (``ltx-2.3-22b-dev_embeddings_connectors``, ``..._embeddings_connector_..``: the connectors under
  ``model.diffusion_model.``). Facts from ComfyUI 4bce570 (CrispTechnology+ComfyUI mirror, 2026-04-16):
  ``comfy/text_encoders/lt.py`` ``sd_detect`` (the projection's names, dual when
  ``text_embedding_projection.audio_aggregate_embed.bias`` is there) and ``LTXAVTEModel.load_sd`` (a file without
  Gemma's ``model.layers.47.`` read for ``text_embedding_projection.*``, and for the connectors under
  ``model.diffusion_model.`` in its compat mode); ``comfy/sd.py`` ``CLIPType.LTXV`` in the dual loader;
- the video VAE (``vae/LTX23_video_vae_bf16``, ``LTX2_video_vae_bf16``; VAELoader): ``encoder.*`` /
  ``decoder.*`` / ``per_channel_statistics.*``, bare or under ``vae.`` (``comfy/sd.py``: a Lightricks VAE told by
  ``decoder.up_blocks.0.res_blocks.0.conv1.conv.weight``);
- the audio VAE with its vocoder (``vae/LTX23_audio_vae_bf16``, ``LTX2_audio_vae_bf16``; a second VAELoader or
  LTXVAudioVAELoader): ``audio_vae.*`` and ``vocoder.*`` (``comfy/ldm/lightricks/vae/audio_vae.py``
  ``AudioVAE.__init__`` strips those two prefixes; LTX-2.3's vocoder holds ``vocoder.vocoder.*`` and
  ``vocoder.bwe_generator.*``). Load Video Model has no audio VAE slot: the one ``*audio*vae*.safetensors``
  beside the VAE file (else beside the transformer), as split25.py reads LTX-2.5's, said in the log.

Every part is checked against the transformer and each other before anything is allocated (parts.py's
checks); a part that is missing is refused naming the file to give."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...files.parts import PART_TITLES, WAITS, Part, check_shapes, one_audio_vae_beside, load_part, shapes_of
from ...files.single_file import lean_load, load_with_config
from ...files.weight_formats import WeightFile, read_weight_file
from . import part_configs as pc2
from . import parts as p2

SECOND = ("ltx-2.3_text_projection_bf16 or ltx-2.3-22b-dev_embeddings_connectors (LTX-2.3), "
          "ltx-2-19b-embeddings_connector_dev_bf16 (LTX-2): DualCLIPLoader's second file")
AUDIO = "LTX23_audio_vae_bf16 (LTX-2.3) or LTX2_audio_vae_bf16 (LTX-2)"
PROJECTIONS = ("text_proj_in.", "video_text_proj_in.", "audio_text_proj_in.")


def is_split(wf: WeightFile) -> bool:
    """Whether a transformer file holds no VAE, audio VAE or vocoder (a transformer-only file; one holding some of
    them is an all-in-one checkpoint, whose missing parts parts.py names)."""
    return not any(k.startswith(("vae.", "audio_vae.", "vocoder.")) for k in wf.tensors)


def _blocks(part: Part | None) -> bool:
    return part is not None and any(k.startswith("video_connector.") for k in part.wf.tensors)


def _projection(part: Part | None) -> dict:
    return {} if part is None else {k: v for k, v in part.wf.tensors.items() if k.startswith(PROJECTIONS)}


def second_file(files: dict[str, str], den: str) -> str | None:
    """The text projection's file: 'text_encoder_2', else the one file beside the text encoder whose name says
    projection or connector (None where none is)."""
    if files.get("text_encoder_2"):
        return files["text_encoder_2"]
    import glob
    where = os.path.dirname(os.path.abspath(files["text_encoder"]))
    found = sorted(p for p in glob.glob(os.path.join(glob.escape(where), "*.safetensors"))
                   if any(w in os.path.basename(p).lower() for w in ("projection", "connector")))
    if len(found) > 1:
        raise ModelError(f"the transformer '{den}' holds no text projection, and {len(found)} files beside the text "
                         f"encoder could hold it ({', '.join(os.path.basename(p) for p in found)}): set "
                         "'text_encoder_2' to one")
    return found[0] if found else None


def second_part(path: str) -> Part:
    """The second text-encoder file's text projection and connectors; refused where it holds neither."""
    part = p2.connectors_part(read_weight_file(path))
    if part is None:
        raise ModelError(f"the second text-encoder file '{path}' holds neither LTX-2's text projection "
                         "(text_embedding_projection.*) nor its text connectors (*_embeddings_connector.*): give "
                         f"{SECOND}")
    return part


def connectors(wf: WeightFile, files: dict[str, str], width: int, den: str, gen: str) -> tuple[Part, dict, str]:
    """(the connectors with their projection, for the checks; the projection's tensors to read from another
    file (diffusers' name -> (file, header entry)), or {}; words on where they come from)."""
    own = p2.connectors_part(wf)
    path = None if _blocks(own) and _projection(own) else second_file(files, den)
    other = None
    if path is not None:
        other = second_part(path)
    base = own if _blocks(own) else other if _blocks(other) else None
    if base is None:
        raise ModelError(f"the transformer '{den}' holds no text connectors (model.diffusion_model."
                         f"video_embeddings_connector.*)" + (f", nor does '{path}'" if path else "") +
                         f": give {gen}'s transformer file with them, or set 'text_encoder_2' to {SECOND}")
    proj, src = _projection(base), base
    if not proj:
        src = other if _projection(other) else own if _projection(own) else None
        if src is None:
            raise ModelError(f"{gen}'s text projection (text_embedding_projection.*) is in none of its files: the "
                             f"transformer '{den}' lacks it" + (f", and '{path}' too" if path else
                                                                 " and no second text-encoder file was given") +
                             f"; set 'text_encoder_2' to {SECOND}")
        proj = _projection(src)
    both = WeightFile(base.wf.path, base.wf.kind, {**base.wf.tensors, **proj}, base.wf.scales if src is base else
                      {w: s for w, s in base.wf.scales.items() if w not in proj}, base.wf.data_start, base.wf.aside)
    where = lambda p: "the transformer" if p is own else f"'{os.path.basename(p.wf.path)}'"  # noqa: E731
    words = f"{gen} text connectors (from {where(base)}, their projection from {where(src)})"
    part = p2.configured(Part("connectors", both, words), text_width=width)
    extra = {} if src is base else {k: (src.wf, k) for k in proj}
    note = "" if path is None or other is src or other is base else \
        f"; the second text-encoder file '{os.path.basename(path)}' not read: the transformer holds them"
    return part, extra, note


def audio_file(vae: str, den: str, gen: str) -> str:
    """The one ``*audio*vae*.safetensors`` beside the video VAE (else beside the transformer)."""
    found = one_audio_vae_beside((vae, den), gen)
    if found:
        return found
    raise ModelError(f"the transformer '{os.path.basename(den)}' is {gen}'s alone (no audio VAE in it): {gen} makes "
                     f"its sound with an audio VAE and vocoder ({AUDIO}, a workflow's second VAELoader), which Studio "
                     f"looks for beside the VAE '{vae}' or the transformer (a file named *audio*vae*.safetensors) and "
                     "found none: put it there, or give the all-in-one checkpoint as 'model'")


def _audio(diffusers, path: str, gen: str) -> dict[str, Part]:
    parts, missing = p2.checkpoint_parts(diffusers, read_weight_file(path), {"vae": "given"})
    missing = [m for m in missing if "connectors" not in m]
    if missing:
        raise ModelError(f"'{path}' was taken as {gen}'s audio VAE (its name says audio VAE) but holds not "
                         f"{', '.join(missing)}: give {AUDIO} (audio_vae.* and vocoder.*)")
    return {c: Part(c, parts[c].wf, f"{gen} {PART_TITLES[c]}") for c in ("audio_vae", "vocoder")}


def checked(diffusers, fam, wf: WeightFile, files: dict[str, str], cfg: dict):
    """Every part of the split files, configured and checked against the transformer (``cfg``) and each other,
    headers only: (parts, the projection's tensors read from another file, words on the connectors)."""
    den, gen = os.path.basename(wf.path), pc2.generation_of_config(cfg)
    need = [w for c, w in (("text_encoder", f"the text encoder ({p2.GEMMA_FILES})"),
                           ("vae", f"the VAE ({'LTX23' if gen == 'LTX-2.3' else 'LTX2'}_video_vae_bf16)"))
            if c not in files]
    if need:
        raise ModelError(f"'{wf.path}' is {gen}'s transformer alone (no VAE, audio VAE or vocoder in it): set "
                         f"{' and '.join(need)}, as ComfyUI's workflows load them beside it (the audio VAE {AUDIO} "
                         "beside the VAE), or give the all-in-one checkpoint or a diffusers folder as 'model'")
    parts = p2.check_parts(fam, cfg, wf.path, {c: files[c] for c in ("text_encoder", "vae")}, diffusers)
    width = parts["text_encoder"].cfg["hidden_size"]
    conn, extra, note = connectors(wf, files, width, den, gen)
    audio = _audio(diffusers, audio_file(files["vae"], wf.path, gen), gen)
    voc = p2.configured(audio["vocoder"])
    out = int(shapes_of(audio["audio_vae"].wf)["decoder.conv_out.conv.weight"][0])
    mel_bins, rem = divmod(voc.cfg["in_channels"], max(1, out))
    if rem:
        raise ModelError(f"'{voc.wf.path}': the vocoder reads {voc.cfg['in_channels']} mel values a step, which is "
                         "not whole mel bins of the audio VAE's channels")
    allp = {**parts, "connectors": conn, "audio_vae": p2.configured(audio["audio_vae"], mel_bins), "vocoder": voc}
    p2.fit_parts(allp, cfg, den)
    for c in ("connectors", "audio_vae", "vocoder"):
        check_shapes(allp[c], diffusers)
    return allp, extra, note


def gguf_connectors(wf: WeightFile) -> dict:
    """A GGUF transformer's text connectors (and projection), read and dequantised to fp32 under diffusers' names
    (they are small beside the blocks, which stay quantised)."""
    import gguf
    import numpy as np
    import torch

    from ...files.gguf_header import open_reader
    from ...files.tensor_reads import read_into
    names = p2.connector_names(wf)
    reader, out = open_reader(wf.path), {}
    with open(wf.path, "rb", buffering=0) as f:
        for t in reader.tensors:
            if t.name in names:
                raw = torch.empty(tuple(t.data.shape), dtype=torch.from_numpy(np.empty(0, t.data.dtype)).dtype)
                read_into(f, raw, int(t.data_offset), wf.path, t.name)
                values = gguf.quants.dequantize(raw.numpy(), t.tensor_type)
                shape = tuple(int(d) for d in reversed(t.shape))
                out[names[t.name]] = torch.from_numpy(np.ascontiguousarray(values, dtype=np.float32)).reshape(shape)
    del reader
    return out


def _read(extra: dict) -> dict:
    """The projection's tensors, read from their file (the transformer's connectors load beside them)."""
    from ...files.tensor_reads import read_tensor
    out = {}
    for name, (wf, key) in extra.items():
        with open(wf.path, "rb", buffering=0) as f:
            out[name] = read_tensor(f, wf, key)
    return out


def build_pipeline(diffusers, fam, wf: WeightFile, files: dict[str, str], torch_dtype, info, waiting, cls_name, cfg):
    """(LTX2Pipeline, weights in words, model_index-like dict, parts) from LTX-2's or LTX-2.3's split files."""
    gen = pc2.generation_of_config(cfg)
    allp, extra, note = checked(diffusers, fam, wf, files, cfg)
    if not cfg["use_prompt_embeddings"]:  # LTX-2.3's text width is its text encoder's (its connectors project it)
        cfg["caption_channels"] = allp["text_encoder"].cfg["hidden_size"]
    tok = p2.tokenizer(allp["text_encoder"], None)
    [(transformer, weights, how)], index = load_with_config(diffusers, fam, "LTX2Pipeline", cls_name, cfg,
                                                            [p2.transformer_file(wf)], torch_dtype)
    sched = pc2.scheduler(wf.path)
    info(f"weights: {how}; {gen}, config from the file's shapes ({pc2.ASSUMED if gen == 'LTX-2' else pc2.ASSUMED_23}"
         f"{'; distilled: sigmas as they are' if not sched['use_dynamic_shifting'] else ''}); {pc2.LICENCE}")
    comps = {"transformer": transformer, "tokenizer": tok,
             "scheduler": getattr(diffusers, sched["_class_name"]).from_config(sched)}
    for c in ("text_encoder", "connectors", "vae", "audio_vae", "vocoder"):
        part = allp[c]
        if c in waiting:
            comps[c] = None
        elif c == "connectors" and (extra or part.wf.kind == "gguf"):
            import diffusers.pipelines.ltx2 as ltx2
            own = WeightFile(part.wf.path, part.wf.kind, {k: v for k, v in part.wf.tensors.items() if k not in extra},
                             part.wf.scales, part.wf.data_start, part.wf.aside)
            state = gguf_connectors(wf) if part.wf.kind == "gguf" else None  # the GGUF transformer's own
            comps[c] = lean_load(getattr(ltx2, part.cls_name), part.cfg, own, torch_dtype, extra=_read(extra),
                                 state={k: v for k, v in state.items() if k not in extra} if state else None)
        else:
            comps[c] = load_part(part, torch_dtype)
        said = (", tokenizer from the file" if p2.SPIECE in part.wf.tensors else ", tokenizer beside it") \
            if c == "text_encoder" else note if c == "connectors" else \
            f" (found in '{os.path.dirname(part.wf.path)}', beside the VAE or the transformer)" \
            if c == "audio_vae" else ""
        info(f"{PART_TITLES[c]}: {part.words}{said}{WAITS if c in waiting else ''}")
    return diffusers.LTX2Pipeline(**comps), weights, index, {"text_encoder": allp["text_encoder"], "vae": allp["vae"]}
