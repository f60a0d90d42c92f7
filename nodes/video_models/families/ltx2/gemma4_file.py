"""LTX-2.5's text-encoder file (ComfyUI's ``text_encoders/gemma4-12b-with-proj-ltx-2.5-*.safetensors``),
as Lightricks packs it (LTX-2 400fd31, ``ltx_core/text_encoders/gemma/gemma_assets.py``:
``build_text_encoder_tensors_from_gemma_root`` and ``GemmaAssets.from_single_file``): Gemma 4 unified's
language model in ComfyUI's flat names (``model.layers.*``, ``model.embed_tokens.*``, ``model.norm.*``;
its vision and audio embedders beside as ``vision_model.*`` / ``multi_modal_projector.*`` /
``audio_projector.*``, not read: LTX-2.5 reads the text states only), LTX-2.5's text projections
(``text_embedding_projection.video_aggregate_embed`` / ``audio_aggregate_embed``: the connectors'
``video_text_proj_in`` / ``audio_text_proj_in`` in diffusers' names), its tokenizer (``tokenizer_json``
and ``hf_asset__<file>`` sidecars, bytes as uint8 tensors) and its Hugging Face config as JSON in the
header's metadata (``gemma_config``).

The text model is built as transformers' ``Gemma4UnifiedForConditionalGeneration`` without its vision
and audio parts (diffusers' LTX-2.5 folders hold that class: the same text states, the same
``model_type`` the image CRF is read from); its config is the file's own, checked against every
tensor's shape before anything is loaded. Plain data and stdlib here; torch only to read the
tokenizer's bytes."""
from __future__ import annotations

import os

from studio.core import json_limits

from ...base.errors import ModelError
from ...files.headers import read_safetensors_header
from ...files.parts import Part
from ...files.weight_formats import WeightFile

CONFIG_KEY, TOKENIZER_KEY, ASSET_PREFIX = "gemma_config", "tokenizer_json", "hf_asset__"
FLAT = {"model.layers.": "model.language_model.layers.", "model.embed_tokens.": "model.language_model.embed_tokens.",
        "model.norm.": "model.language_model.norm."}
PROJECTIONS = {"text_embedding_projection.video_aggregate_embed.": "video_text_proj_in.",
               "text_embedding_projection.audio_aggregate_embed.": "audio_text_proj_in."}
FILES = "gemma4-12b-with-proj-ltx-2.5 (ComfyUI's text_encoders; Lightricks' LTX-2.5 release)"
CLASS = "Gemma4UnifiedForConditionalGeneration"


def is_gemma4(names) -> bool:
    """Gemma 4's decoder layers carry a ``layer_scalar`` (Gemma 3's do not)."""
    return any(k.endswith("layers.0.layer_scalar") for k in names)


def _with(wf: WeightFile, names: dict[str, str]) -> WeightFile:
    return WeightFile(wf.path, wf.kind, {new: wf.tensors[old] for old, new in names.items()},
                      {names[w]: s for w, s in wf.scales.items() if w in names}, wf.data_start, wf.aside)


def _config(path: str) -> dict:
    """The file's Gemma 4 config (its header's ``gemma_config``), the text model's only."""
    header, _, _ = read_safetensors_header(path)
    raw = (header.get("__metadata__") or {}).get(CONFIG_KEY)
    if raw is None:
        raise ModelError(f"the text encoder '{path}' holds Gemma 4's weights but not its config (the header's "
                         f"'{CONFIG_KEY}' metadata, which Lightricks' LTX-2.5 text-encoder files carry): LTX-2.5 "
                         f"cannot build it from its shapes alone; give {FILES}")
    try:
        conf = json_limits.loads(raw)
        text = dict(conf["text_config"])
        kind = conf.get("model_type")
    except (ValueError, KeyError, TypeError):
        raise ModelError(f"the text encoder '{path}': its '{CONFIG_KEY}' metadata is not a Gemma 4 config "
                         "(JSON with a text_config)") from None
    if kind != "gemma4_unified":
        raise ModelError(f"the text encoder '{path}' is Gemma 4 of model type '{kind}', but LTX-2.5 encodes its "
                         f"prompts with Gemma 4 unified (gemma4_unified; the dense Gemma 4 is its prompt enhancer, "
                         f"which Studio does not use): give {FILES}")
    for k in ("model_type", "transformers_version", "architectures", "_name_or_path"):
        text.pop(k, None)
    return {"text_config": text, "vision_config": None, "audio_config": None, "tie_word_embeddings": True}


def text_part(wf: WeightFile, path: str) -> Part:
    """The language model of an LTX-2.5 text-encoder file under transformers' names, its config the
    file's (the vision and audio embedders beside it are not read: said in its words)."""
    names = {k: next(to + k[len(fr):] for fr, to in FLAT.items() if k.startswith(fr)) for k in wf.tensors
             if k.startswith(tuple(FLAT))}
    if not names:  # Hugging Face's nesting (a file that only kept model.language_model.*)
        names = {k: k for k in wf.tensors if k.startswith("model.language_model.")}
    what = "Gemma 4 (LTX-2.5's text encoder)"
    if any(k.startswith(("vision_model.", "multi_modal_projector.", "audio_projector.", "model.vision_embedder."))
           for k in wf.tensors):
        what += ", its language model (the vision and audio embedders beside it not read)"
    return Part("text_encoder", _with(wf, names), what, CLASS, _config(path))


def projection(wf: WeightFile) -> dict[str, object]:
    """diffusers' name -> the header entry of each of LTX-2.5's text projections in the file."""
    return {to + k[len(fr):]: wf.tensors[k] for k in wf.tensors for fr, to in PROJECTIONS.items() if k.startswith(fr)}


def read_projection(wf: WeightFile) -> dict:
    """The text projections' tensors, read (a few MB: the transformer's connectors load beside them)."""
    from ...files.tensor_reads import read_tensor
    back = {to: fr for fr, to in PROJECTIONS.items()}
    out = {}
    with open(wf.path, "rb", buffering=0) as f:
        for name in projection(wf):
            pre = next(p for p in back if name.startswith(p))
            out[name] = read_tensor(f, wf, back[pre] + name[len(pre):])
    return out


def tokenizer(wf: WeightFile):
    """The file's own tokenizer: its ``tokenizer.json`` and sidecars written to a temporary folder
    and read by transformers' AutoTokenizer, as Hugging Face's folder would be (nothing downloaded)."""
    import tempfile

    from transformers import AutoTokenizer

    from ...files.tensor_reads import read_tensor
    if TOKENIZER_KEY not in wf.tensors:
        raise ModelError(f"the text encoder '{wf.path}' carries no tokenizer (no '{TOKENIZER_KEY}' tensor, which "
                         f"Lightricks' LTX-2.5 text-encoder files hold): give {FILES}")
    files = {"tokenizer.json": TOKENIZER_KEY, **{k[len(ASSET_PREFIX):]: k for k in wf.tensors
                                                 if k.startswith(ASSET_PREFIX)}}
    with tempfile.TemporaryDirectory(prefix="studio-gemma4-tok-") as tmp, open(wf.path, "rb", buffering=0) as f:
        for name, key in files.items():
            if os.path.basename(name) != name or not name.endswith((".json", ".jinja", ".model", ".txt")):
                continue  # a sidecar's name is a file name of the tokenizer's kinds, nothing else written
            with open(os.path.join(tmp, name), "wb") as out:
                out.write(read_tensor(f, wf, key).numpy().tobytes())
        return AutoTokenizer.from_pretrained(tmp, local_files_only=True)
