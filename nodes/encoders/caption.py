"""Caption: a picture (or some frames of a clip) written as text by Florence-2, or by a vision-language model
(Qwen2.5-VL, Qwen3-VL) asked an instruction, run through transformers' own classes (AutoProcessor,
Florence2ForConditionalGeneration; qwen_vl.py for the Qwen ones), never remote code. Its text wires into a
generator's prompt as a Text Prompt does; 'before' and 'after' keep the words a workflow joins around the caption.

The model is a Florence-2 folder, found as typed, under a models folder or in its LLM/ kind folder (where ComfyUI's
Florence-2 pack keeps them: models/LLM/<name>): transformers' native layout (config.json with model_type 'florence2'
and no 'auto_map', processor_config.json, the tokenizer files, model.safetensors), or Microsoft's original one made
for remote code (microsoft/Florence-2-*, MiaoshouAI's PromptGen...), read as the native model by florence_layout
without running its code, from its model.safetensors (a pytorch_model.bin alone is refused: never unpickled).
A Qwen2.5-VL / Qwen3-VL folder (transformers' layout, model_type 'qwen2_5_vl' / 'qwen3_vl') is found the same way, also
where the packs keep them: models/LLM/Qwen-VL/ (1038lab's ComfyUI-QwenVL), models/VLM/, models/prompt_generator/.
Deterministic: Florence-2 by beam search (the pack's 3 beams), a Qwen-VL greedily; no sampling.
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

from . import florence_layout, qwen_vl

FOLDER = "LLM"  # ComfyUI's kind folder for Florence-2 (kijai's ComfyUI-Florence2)
# and the vision-language models' (1038lab's ComfyUI-QwenVL: LLM/Qwen-VL; other Qwen2.5-VL / Qwen3-VL packs: VLM;
# prompt-writer packs: prompt_generator)
FOLDERS = (FOLDER, "LLM/Qwen-VL", "VLM", "prompt_generator")
TASKS = {"caption": "<CAPTION>", "detailed": "<DETAILED_CAPTION>", "more detailed": "<MORE_DETAILED_CAPTION>"}
NATIVE = ("transformers' florence-community/Florence-2-base (or -large), or Microsoft's own layout with a "
          "model.safetensors: microsoft/Florence-2-*, MiaoshouAI's PromptGen; or a Qwen2.5-VL / Qwen3-VL folder in "
          "transformers' layout: Qwen/Qwen2.5-VL-*-Instruct, Qwen/Qwen3-VL-*-Instruct")


class CaptionModelError(StudioError):
    """The captioning model is missing or not one Studio runs."""


def find_captioner(name: str, base_dir: str | None = None) -> str:
    """The folder of the Florence-2 or Qwen-VL named ``name`` (a path, or a name under the models folders or their
    FOLDERS), checked to be one Studio reads (native, or Florence-2's original layout with its safetensors); else
    CaptionModelError saying which file and what to get."""
    if not (name or "").strip():
        raise CaptionModelError(f"no captioning model chosen: set 'model' to a Florence-2 or Qwen-VL folder "
                                f"({NATIVE}) under a models folder or its {FOLDER}/")
    path = model_paths.resolve(name, base_dir, folders=FOLDERS)
    if path is None or not os.path.isdir(path):
        raise CaptionModelError(f"captioning model '{name}' not found: looked in "
                                f"{', '.join(model_paths.model_dirs()) or 'no models folder'} (and their "
                                f"{'/, '.join(FOLDERS)}/). Wanted: a Florence-2 or Qwen-VL folder ({NATIVE}). "
                                "Studio never downloads.")
    cfg_path = os.path.join(path, "config.json")
    try:
        with open(cfg_path, encoding="utf-8") as f:
            cfg = json.load(f)
    except (OSError, ValueError):
        raise CaptionModelError(f"'{cfg_path}' is missing or not JSON: Caption's model wants a Florence-2 or Qwen-VL "
                                f"folder ({NATIVE})") from None
    if qwen_vl.is_vlm(cfg):
        try:
            qwen_vl.check(path, cfg)
        except qwen_vl.LayoutError as e:
            raise CaptionModelError(f"Caption's model: {e}") from None
    elif cfg.get("model_type") == "florence2" and florence_layout.is_original(path, cfg):
        try:
            florence_layout.weights_file(path)
        except florence_layout.LayoutError as e:
            raise CaptionModelError(str(e)) from None
    elif cfg.get("model_type") != "florence2":
        raise CaptionModelError(f"'{cfg_path}' is a '{cfg.get('model_type')}' model, not Florence-2, Qwen2.5-VL or "
                                f"Qwen3-VL: Caption's model wants one of those folders ({NATIVE})")
    return path


def _frames(clip, every: int) -> list[int]:
    """The first frame (``every`` 0, or a still), else frames 0, every, 2*every, ..."""
    if every <= 0 or isinstance(clip, StillClip) or clip.n_frames <= 1:
        return [0]
    return list(range(0, clip.n_frames, every))


_held: dict[tuple, tuple] = {}  # the last model loaded, by folder, its files' times, device and dtype


def _load(folder: str, device, dtype) -> tuple:
    """(processor, model) of a Florence-2 ``folder``, ('vlm', its parts) of a Qwen-VL one, through transformers'
    own classes, the last one kept loaded."""
    from transformers import AutoProcessor, Florence2ForConditionalGeneration  # noqa: PLC0415
    stamp = tuple(sorted((f, os.stat(os.path.join(folder, f)).st_mtime_ns) for f in os.listdir(folder)))
    key = (os.path.abspath(folder), stamp, str(device), str(dtype))
    if key not in _held:
        _held.clear()
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        if qwen_vl.is_vlm(cfg):
            import torch  # noqa: PLC0415
            if dtype == torch.float16 and torch.cuda.is_available() and torch.cuda.is_bf16_supported():
                dtype = torch.bfloat16  # (Qwen-VL's own weights and recommended precision; float16 can overflow)
            try:
                _held[key] = ("vlm", qwen_vl.load(folder, cfg, device, dtype))
            except qwen_vl.LayoutError as e:
                raise CaptionModelError(f"Caption's model: {e}") from None
            return _held[key]
        if florence_layout.is_original(folder, cfg):
            try:
                processor, model = florence_layout.load(folder, cfg, dtype)
            except florence_layout.LayoutError as e:
                raise CaptionModelError(str(e)) from None
        else:
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
    """Write a picture as text with Florence-2 (a caption, a detailed one or a paragraph), or with Qwen2.5-VL /
    Qwen3-VL as an instruction asks: the first frame, or every Nth frame's text on its own line. Wire its text into a
    generator's prompt."""
    id = "encode.caption"
    keywords = ("florence", "describe", "prompt", "vlm", "image to text")
    title = "Caption"
    category = "Encode"
    timing = CLIP
    code_version = 2
    inputs = (In("image", "Video", help="a picture, or a clip (its first frame, or every Nth)"),)
    outputs = (Out("text", "Text", help="the caption, with 'before' and 'after' around it"),)
    params = (Path("model", "Florence-2-base", mode="dir", lookup=True,
                   help=f"a Florence-2 folder (transformers' or Microsoft's layout) or a Qwen2.5-VL / Qwen3-VL one "
                        f"(transformers' layout), or its name under a models folder's {'/, '.join(FOLDERS)}/"),
              Choice("task", "more detailed", choices=tuple(TASKS),
                     help="Florence-2: a short caption, a detailed one, a paragraph"),
              Text("instruction", "", help=f"Qwen-VL: what the model is asked of the picture (empty: "
                                           f"{qwen_vl.DEFAULT_INSTRUCTION!r})"),
              Text("system", "", help="Qwen-VL: a system prompt before the instruction (empty: the model's own)"),
              Int("seed", 0, min=0, max=2**32 - 1, help="set before the model writes (its decoding is greedy: the "
                                                       "same text for any seed)"),
              Int("every", 0, min=0, max=100000, help="0: the first frame; N: frames 0, N, 2N... each on its own line"),
              Int("max_tokens", 1024, min=1, max=4096, help="the most tokens a caption may have"),
              Int("beams", 3, min=1, max=16, help="Florence-2's beam search width (deterministic: no sampling; a "
                                                  "Qwen-VL decodes greedily)"),
              Text("replace", "", help="'find -> replace', one a line, applied to each caption in order"),
              Text("before", "", help="words written before the caption (with their separator)"),
              Text("after", "", help="words written after the caption (with their separator)"))

    @classmethod
    def preflight(cls, params, base_dir):
        """The model folder checked before the graph runs (the canvas shows it on the node, as a missing
        video model is): its config and weight file only, no weight read."""
        try:
            find_captioner(params.get("model") or "", base_dir)
        except CaptionModelError as e:
            return [str(e)]
        return []

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
                if isinstance(processor, str):  # ('vlm', its parts)
                    torch.manual_seed(p.seed)
                    text = qwen_vl.describe(model, rgb, p.instruction, p.system, p.max_tokens, ctx.device)
                else:
                    inputs = processor(text=TASKS[p.task], images=rgb, return_tensors="pt").to(ctx.device)
                    inputs["pixel_values"] = inputs["pixel_values"].to(dtype)
                    out = model.generate(**inputs, max_new_tokens=p.max_tokens, num_beams=p.beams, do_sample=False)
                    text = processor.batch_decode(out, skip_special_tokens=True)[0].strip()
                lines.append(_replaced(text, p.replace))
                ctx.progress(k + 1, len(picks), frame=i)
        return p.before + "\n".join(lines) + p.after
