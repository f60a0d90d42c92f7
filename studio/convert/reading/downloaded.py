"""The file name a downloader node gives (ComfyUI_HuggingFace_Downloader's 'Hugging Face Download Model' and its
kind), told by its declared types: nothing wired into it, no file socket (not a file loader), one output of text or
any type ('STRING', '*'), and one link to a file among its settings. The pack fetches the link when the workflow runs
and gives the name of the file it wrote, as a loader's file-name setting takes it: the link's last part; where its
folder setting names no model folder of ComfyUI's and a relative path of its settings starts with one (the pack's
'custom' target 'loras/<sub>'), that path after its first part, then the file ('<sub>/<file>'). A link wired in, a
template ('{{...}}') or two links: no name (the setting stays 'given when the workflow runs', reading/wired_names).
Studio never downloads: the name is a fact of the workflow, looked for in the user's models folders as any file.
Found by the thirteenth held-out set (a course's Wan 2.2 workflows fetch every file this way). Plain stdlib."""
from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import unquote, urlparse

from .. import catalogue

MODEL_FOLDERS = frozenset({"diffusion_models", "unet", "text_encoders", "clip", "vae", "loras", "clip_vision",
                           "checkpoints", "diffusers", "animatediff_models", "upscale_models", "controlnet",
                           "embeddings", "style_models", "model_patches", "audio_encoders", "vae_approx"})  # ComfyUI's
FILE_ENDS = (".safetensors", ".gguf", ".ckpt", ".pt", ".pth", ".bin", ".sft", ".onnx")  # a model file's name


def _outputs(n: Any) -> list[str] | None:
    """Its output types, as the pack declares them, else as the UI file saved them; None where neither says."""
    t = catalogue.node_type(n.shown_cls)
    if t is not None and t.outputs is not None:
        return None if catalogue.loader_kind(t) else list(t.output_types)  # (a file loader: not a downloader)
    return list(n.out_types) or None


def _strings(n: Any) -> list[str]:
    return [v.strip() for v in n.settings().values() if isinstance(v, str) and v.strip()]


def link(n: Any) -> str | None:
    """The one link to a file among ``n``'s settings where its declared types are a downloader's; None else."""
    outs = _outputs(n)
    if n.links or outs is None or len(outs) != 1 or outs[0] not in ("STRING", "*") or \
            any(t not in ("STRING", "COMBO", "INT", "FLOAT", "BOOLEAN", "") for t in n.in_types.values()):
        return None
    links = {s for s in _strings(n) if urlparse(s).scheme in ("http", "https")}
    if len(links) != 1:
        return None
    url = links.pop()
    return None if "{" in url or "}" in url or not _file(url) else url


def _file(url: str) -> str:
    """The link's last part where it names a model file ('' else)."""
    last = posixpath.basename(unquote(urlparse(url).path))
    return last if last.lower().endswith(FILE_ENDS) else ""


def file_name(n: Any, slot: int = 0) -> str | None:
    """The file name ``n`` gives on output ``slot`` when the workflow runs (see above); None where not told."""
    if slot != 0 or (url := link(n)) is None:
        return None
    others = [s for s in _strings(n) if s != url]
    if any(s in MODEL_FOLDERS for s in others):
        return _file(url)  # a model folder chosen: the file lands there, its name alone
    paths = [s.replace("\\", "/").strip("/") for s in others if "/" in s.replace("\\", "/").strip("/")]
    if len(paths) == 1 and paths[0].split("/")[0] in MODEL_FOLDERS and "{" not in paths[0]:
        return paths[0].split("/", 1)[1] + "/" + _file(url)  # a path under a model folder: the rest, then the file
    return _file(url) if not paths else None


def said(n: Any, into: str, name: str) -> str:
    """The sentence: ``n`` downloads its link when the workflow runs; ``into`` is given the file name ``name``."""
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) downloads '{link(n)}' when the workflow runs; Studio "
            f"does not download: {into} is given its file name '{name}' (put the file in your models folder)")
