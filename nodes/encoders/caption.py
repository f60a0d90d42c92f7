"""Caption: a picture (or some frames of a clip) written as text by Florence-2, run through transformers' own classes
(AutoProcessor, Florence2ForConditionalGeneration), never its remote code. Its text wires into a generator's prompt
as a Text Prompt does; 'before' and 'after' keep the words a workflow joins around the caption.

The model is a folder in the transformers-native Florence-2 layout (config.json with model_type 'florence2' and no
'auto_map', processor_config.json, the tokenizer files, model.safetensors), found as typed, under a models folder or
in its LLM/ kind folder (where ComfyUI's Florence-2 pack keeps them: models/LLM/<name>). Microsoft's original
Florence-2 folders are made for remote code: transformers ships no conversion of their keys, so they are refused in
one sentence naming the file and what to get. Deterministic: beam search (the pack's 3 beams), no sampling.
transformers is imported when the node runs, never when Studio starts."""
from __future__ import annotations

import json
import os

import numpy as np

from studio.core import models as model_paths
from studio.core.errors import StudioError
from studio.core.params import Choice, Int, Path, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import StillClip, as_clip

FOLDER = "LLM"  # ComfyUI's kind folder for Florence-2 (kijai's ComfyUI-Florence2)
TASKS = {"caption": "<CAPTION>", "detailed": "<DETAILED_CAPTION>", "more detailed": "<MORE_DETAILED_CAPTION>"}
NATIVE = "florence-community/Florence-2-base (or -large)"


class CaptionModelError(StudioError):
    """The captioning model is missing or not one Studio runs."""


def find_captioner(name: str, base_dir: str | None = None) -> str:
    """The folder of the Florence-2 named ``name`` (a path, or a name under the models folders or their LLM/),
    checked to be transformers-native; else CaptionModelError saying which file and what to get."""
    if not (name or "").strip():
        raise CaptionModelError(f"no captioning model chosen: set 'model' to a Florence-2 folder (transformers' "
                                f"layout, e.g. {NATIVE}) under a models folder or its {FOLDER}/")
    path = model_paths.resolve(name, base_dir, folders=(FOLDER,))
    if path is None or not os.path.isdir(path):
        raise CaptionModelError(f"captioning model '{name}' not found: looked in "
                                f"{', '.join(model_paths.model_dirs()) or 'no models folder'} (and their {FOLDER}/). "
                                f"Wanted: a Florence-2 folder in transformers' layout ({NATIVE}). Studio never "
                                "downloads.")
    cfg_path = os.path.join(path, "config.json")
    try:
        with open(cfg_path, encoding="utf-8") as f:
            cfg = json.load(f)
    except (OSError, ValueError):
        raise CaptionModelError(f"'{cfg_path}' is missing or not JSON: the captioning model wants a Florence-2 "
                                f"folder in transformers' layout ({NATIVE})") from None
    remote = cfg.get("auto_map") or os.path.isfile(os.path.join(path, "modeling_florence2.py"))
    if remote:
        raise CaptionModelError(f"'{cfg_path}' is a Florence-2 made for remote code (its own modeling_florence2.py), "
                                "which Studio never runs and whose keys transformers ships no conversion for: get a "
                                f"transformers-native Florence-2 ({NATIVE}) into a models folder's {FOLDER}/ and set "
                                "'model' to its folder's name")
    if cfg.get("model_type") != "florence2":
        raise CaptionModelError(f"'{cfg_path}' is a '{cfg.get('model_type')}' model, not Florence-2: the captioning "
                                f"model wants a Florence-2 folder in transformers' layout ({NATIVE})")
    return path


def _frames(clip, every: int) -> list[int]:
    """The first frame (``every`` 0, or a still), else frames 0, every, 2*every, ..."""
    if every <= 0 or isinstance(clip, StillClip) or clip.n_frames <= 1:
        return [0]
    return list(range(0, clip.n_frames, every))


_held: dict[tuple, tuple] = {}  # the last model loaded, by folder, its files' times, device and dtype


def _load(folder: str, device, dtype) -> tuple:
    """(processor, model) of ``folder`` through transformers' own classes, the last one kept loaded."""
    from transformers import AutoProcessor, Florence2ForConditionalGeneration  # noqa: PLC0415
    stamp = tuple(sorted((f, os.stat(os.path.join(folder, f)).st_mtime_ns) for f in os.listdir(folder)))
    key = (os.path.abspath(folder), stamp, str(device), str(dtype))
    if key not in _held:
        _held.clear()
        processor = AutoProcessor.from_pretrained(folder, local_files_only=True)
        model = Florence2ForConditionalGeneration.from_pretrained(folder, local_files_only=True, dtype=dtype)
        _held[key] = (processor, model.to(device).eval())
    return _held[key]


def _replaced(text: str, rules: str) -> str:
    """``text`` with each 'find -> replace' line of ``rules`` applied in order (a workflow's find-and-replace)."""
    for line in rules.splitlines():
        find, sep, by = line.partition(" -> ")
        if sep and find:
            text = text.replace(find, by)
    return text


class Caption(Node):
    """Write a picture as text with Florence-2 (a caption, a detailed one or a paragraph): the first frame, or
    every Nth frame's caption on its own line. Wire its text into a generator's prompt."""
    id = "encode.caption"
    keywords = ("florence", "describe", "prompt", "vlm", "image to text")
    title = "Caption"
    category = "Encode"
    timing = CLIP
    code_version = 1
    inputs = (In("image", "Video", help="a picture, or a clip (its first frame, or every Nth)"),)
    outputs = (Out("text", "Text", help="the caption, with 'before' and 'after' around it"),)
    params = (Path("model", "Florence-2-base", mode="dir", lookup=True,
                   help=f"a Florence-2 folder in transformers' layout, or its name under a models folder's {FOLDER}/"),
              Choice("task", "more detailed", choices=tuple(TASKS),
                     help="a short caption, a detailed one, a paragraph"),
              Int("every", 0, min=0, max=100000, help="0: the first frame; N: frames 0, N, 2N... each on its own line"),
              Int("max_tokens", 1024, min=1, max=4096, help="the most tokens a caption may have"),
              Int("beams", 3, min=1, max=16, help="beam search width (deterministic: no sampling)"),
              Text("replace", "", help="'find -> replace', one a line, applied to each caption in order"),
              Text("before", "", help="words written before the caption (with their separator)"),
              Text("after", "", help="words written after the caption (with their separator)"))

    def run(self, ctx, image):
        p = ctx.params
        folder = find_captioner(p.model, getattr(ctx.options.get("graph"), "base_dir", None))
        clip = as_clip(image)
        if clip.n_frames == 0:
            raise ValueError("the picture has no frames")
        import torch  # noqa: PLC0415
        dtype = torch.float16 if ctx.device.type == "cuda" else torch.float32
        processor, model = _load(folder, ctx.device, dtype)
        picks = _frames(clip, p.every)
        lines = []
        with torch.no_grad():
            for k, i in enumerate(picks):
                ctx.check_cancelled()
                rgb = (np.clip(clip.frame(i)[..., :3], 0, 1) * 255 + 0.5).astype(np.uint8)
                inputs = processor(text=TASKS[p.task], images=rgb, return_tensors="pt").to(ctx.device)
                inputs["pixel_values"] = inputs["pixel_values"].to(dtype)
                out = model.generate(**inputs, max_new_tokens=p.max_tokens, num_beams=p.beams, do_sample=False)
                lines.append(_replaced(processor.batch_decode(out, skip_special_tokens=True)[0].strip(), p.replace))
                ctx.progress(k + 1, len(picks), frame=i)
        return p.before + "\n".join(lines) + p.after
