"""Caption: a picture (or some frames of a clip) written as text by Florence-2, or by a vision-language model
(Qwen2.5-VL, Qwen3-VL, LLaVA's layout as JoyCaption's, Llama 3.2 Vision, Idefics3 / SmolVLM) asked an instruction, run
through transformers' own classes (AutoProcessor, Florence2ForConditionalGeneration; vlm_native.py's table of kinds
for the others), never remote code. A vision-language model reads one picture, or 'frames' frames of a clip sampled
evenly, given together (at most vlm_native.MAX_FRAMES). Its text wires into a
generator's prompt as a Text Prompt does; 'before' and 'after' keep the words a workflow joins around the caption.

The model is a Florence-2 folder, found as typed, under a models folder or in its LLM/ kind folder (where ComfyUI's
Florence-2 pack keeps them: models/LLM/<name>): transformers' native layout (config.json with model_type 'florence2'
and no 'auto_map', processor_config.json, the tokenizer files, model.safetensors), or Microsoft's original one made
for remote code (microsoft/Florence-2-*, MiaoshouAI's PromptGen...), read as the native model by florence_layout
without running its code, from its model.safetensors (a pytorch_model.bin alone is refused: never unpickled).
A vision-language model's folder (transformers' layout, model_type 'qwen2_5_vl', 'qwen3_vl', 'llava', 'mllama' or
'idefics3') is found the same way, also where the packs keep them: models/LLM/Qwen-VL/ (1038lab's ComfyUI-QwenVL),
models/VLM/, models/prompt_generator/, models/LLavacheckpoints/ and models/smol/ (chflame163's LayerStyle_Advance's
JoyCaption Beta One and SmolVLM). Deterministic: Florence-2 by beam search (the pack's 3 beams), a
vision-language model greedily; no sampling.
transformers is imported when the node runs, never when Studio starts."""
from __future__ import annotations

import json
import os

import numpy as np

from studio.core import models as model_paths
from studio.core.errors import StudioError
from studio.core.find_replace import replaced
from studio.core.params import Choice, Int, Path, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import StillClip, as_clip

from . import florence_layout, vlm_native

FOLDER = "LLM"  # ComfyUI's kind folder for Florence-2 (kijai's ComfyUI-Florence2)
# and the vision-language models' (1038lab's ComfyUI-QwenVL: LLM/Qwen-VL; other Qwen2.5-VL / Qwen3-VL packs: VLM;
# prompt-writer packs: prompt_generator; chflame163's LayerStyle_Advance: LLavacheckpoints for JoyCaption Beta One,
# smol for SmolVLM, py/joycaption_beta_1.py and py/smol.py)
FOLDERS = (FOLDER, "LLM/Qwen-VL", "VLM", "prompt_generator", "LLavacheckpoints", "smol")
TASKS = {"caption": "<CAPTION>", "detailed": "<DETAILED_CAPTION>", "more detailed": "<MORE_DETAILED_CAPTION>"}
NATIVE = ("transformers' florence-community/Florence-2-base (or -large), or Microsoft's own layout with a "
          "model.safetensors: microsoft/Florence-2-*, MiaoshouAI's PromptGen; or a vision-language model folder in "
          "transformers' layout: Qwen/Qwen2.5-VL-*-Instruct, Qwen/Qwen3-VL-*-Instruct, "
          "fancyfeast/llama-joycaption-*-hf-llava, meta-llama/Llama-3.2-*-Vision-Instruct, "
          "HuggingFaceTB/SmolVLM-Instruct")


class CaptionModelError(StudioError):
    """The captioning model is missing or not one Studio runs."""


def find_captioner(name: str, base_dir: str | None = None) -> str:
    """The folder of the Florence-2 or vision-language model named ``name`` (a path, or a name under the models
    folders or their FOLDERS), checked to be one Studio reads (native, or Florence-2's original layout with its safetensors); else
    CaptionModelError saying which file and what to get."""
    if not (name or "").strip():
        raise CaptionModelError(f"no captioning model chosen: set 'model' to a Florence-2 or vision-language model "
                                f"folder ({NATIVE}) under a models folder or its {FOLDER}/")
    path = model_paths.resolve(name, base_dir, folders=FOLDERS)
    if path is None or not os.path.isdir(path):
        raise CaptionModelError(f"captioning model '{name}' not found: looked in "
                                f"{', '.join(model_paths.model_dirs()) or 'no models folder'} (and their "
                                f"{'/, '.join(FOLDERS)}/). Wanted: a Florence-2 or vision-language model folder "
                                f"({NATIVE}). Studio never downloads.")
    cfg_path = os.path.join(path, "config.json")
    try:
        with open(cfg_path, encoding="utf-8") as f:
            cfg = json.load(f)
    except (OSError, ValueError):
        raise CaptionModelError(f"'{cfg_path}' is missing or not JSON: Caption's model wants a Florence-2 or "
                                f"vision-language model "
                                f"folder ({NATIVE})") from None
    if vlm_native.is_vlm(cfg):
        try:
            vlm_native.check(path, cfg)
        except vlm_native.LayoutError as e:
            raise CaptionModelError(f"Caption's model: {e}") from None
    elif cfg.get("model_type") == "florence2" and florence_layout.is_original(path, cfg):
        try:
            florence_layout.weights_file(path)
        except florence_layout.LayoutError as e:
            raise CaptionModelError(str(e)) from None
    elif cfg.get("model_type") != "florence2":
        raise CaptionModelError(f"'{cfg_path}' is a '{cfg.get('model_type')}' model, not Florence-2 nor one of "
                                f"{vlm_native.NAMES}: Caption's model wants one of those folders ({NATIVE})")
    return path


def _frames(clip, every: int) -> list[int]:
    """The first frame (``every`` 0, or a still), else frames 0, every, 2*every, ..."""
    if every <= 0 or isinstance(clip, StillClip) or clip.n_frames <= 1:
        return [0]
    return list(range(0, clip.n_frames, every))


def _spread(clip, n: int) -> list[int]:
    """``n`` frames of ``clip`` sampled evenly, first to last, as np.linspace(0, count - 1, n, dtype=int) picks them
    (1038lab's ComfyUI-QwenVL AILab_QwenVL.py does so for its frame_count); its frames all where it has fewer."""
    count = 1 if isinstance(clip, StillClip) else clip.n_frames
    if n <= 1 or count <= 1:
        return [0]
    if n >= count:
        return list(range(count))
    return [int(v) for v in np.linspace(0, count - 1, n)]


def _rgb(clip, i: int):
    return (np.clip(clip.frame(i)[..., :3], 0, 1) * 255 + 0.5).astype(np.uint8)


_held: dict[tuple, tuple] = {}  # the last model loaded, by folder, its files' times, device and dtype


def _load(folder: str, device, dtype) -> tuple:
    """(processor, model) of a Florence-2 ``folder``, ('vlm', its parts) of a vision-language model's, through
    transformers'
    own classes, the last one kept loaded."""
    from transformers import AutoProcessor, Florence2ForConditionalGeneration  # noqa: PLC0415
    stamp = tuple(sorted((f, os.stat(os.path.join(folder, f)).st_mtime_ns) for f in os.listdir(folder)))
    key = (os.path.abspath(folder), stamp, str(device), str(dtype))
    if key not in _held:
        _held.clear()
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        if vlm_native.is_vlm(cfg):
            import torch  # noqa: PLC0415
            if dtype == torch.float16 and torch.cuda.is_available() and torch.cuda.is_bf16_supported():
                dtype = torch.bfloat16  # (these models' own weights and precision; float16 can overflow)
            try:
                _held[key] = ("vlm", vlm_native.load(folder, cfg, device, dtype))
            except vlm_native.LayoutError as e:
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


class Caption(Node):
    """Write a picture as text with Florence-2 (a caption, a detailed one or a paragraph), or with a vision-language
    model (Qwen2.5-VL, Qwen3-VL, JoyCaption's LLaVA, Llama 3.2 Vision, Idefics3 / SmolVLM) as an instruction asks: the
    first frame, every Nth frame's text on its own line, or (a vision-language model) N frames read together. Wire
    its text into a
    generator's prompt."""
    id = "encode.caption"
    keywords = ("florence", "describe", "prompt", "vlm", "image to text")
    title = "Caption"
    category = "Encode"
    timing = CLIP
    code_version = 3
    inputs = (In("image", "Video", help="a picture, or a clip (its first frame, every Nth, or N "
                                                      "sampled evenly)"),)
    outputs = (Out("text", "Text", help="the caption, with 'before' and 'after' around it"),)
    params = (Path("model", "Florence-2-base", mode="dir", lookup=True,
                   help=f"a Florence-2 folder (transformers' or Microsoft's layout) or a vision-language "
                        f"model's ({vlm_native.NAMES}; transformers' layout), or its name under a models "
                        f"folder's {'/, '.join(FOLDERS)}/"),
              Choice("task", "more detailed", choices=tuple(TASKS),
                     help="Florence-2: a short caption, a detailed one, a paragraph"),
              Text("instruction", "", help=f"a vision-language model: what it is asked of the picture (empty: "
                                           f"{vlm_native.DEFAULT_INSTRUCTION!r})"),
              Text("system", "", help="a vision-language model: a system prompt before the instruction (empty: the "
                                      "model's own)"),
              Int("frames", 1, min=1, max=vlm_native.MAX_FRAMES,
                  help="a vision-language model: 1 reads the first frame; N reads N frames of the clip sampled evenly "
                       "(first to last), given together as N pictures ('every' then not used)"),
              Int("seed", 0, min=0, max=2**32 - 1, help="set before the model writes (its decoding is greedy: the "
                                                       "same text for any seed)"),
              Int("every", 0, min=0, max=100000, help="0: the first frame; N: frames 0, N, 2N... each on its own line"),
              Int("max_tokens", 1024, min=1, max=4096, help="the most tokens a caption may have"),
              Int("beams", 3, min=1, max=16, help="Florence-2's beam search width (deterministic: no sampling; a "
                                                  "vision-language model decodes greedily)"),
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
        vlm = isinstance(processor, str)  # ('vlm', its parts)
        groups = [_spread(clip, p.frames)] if vlm and p.frames > 1 else [[i] for i in _frames(clip, p.every)]
        lines = []
        with torch.no_grad():
            for k, picked in enumerate(groups):
                ctx.check_cancelled()
                shown = [_rgb(clip, i) for i in picked]
                if vlm:
                    torch.manual_seed(p.seed)
                    text = vlm_native.describe(model, shown, p.instruction, p.system, p.max_tokens, ctx.device)
                else:
                    inputs = processor(text=TASKS[p.task], images=shown[0], return_tensors="pt").to(ctx.device)
                    inputs["pixel_values"] = inputs["pixel_values"].to(dtype)
                    out = model.generate(**inputs, max_new_tokens=p.max_tokens, num_beams=p.beams, do_sample=False)
                    text = processor.batch_decode(out, skip_special_tokens=True)[0].strip()
                lines.append(replaced(text, p.replace))
                ctx.progress(k + 1, len(groups), frame=picked[0])
        return p.before + "\n".join(lines) + p.after
