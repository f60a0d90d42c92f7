"""A Qwen2.5-VL or Qwen3-VL folder (transformers' layout: config.json with model_type 'qwen2_5_vl' or 'qwen3_vl' and
no 'auto_map', the tokenizer files, preprocessor_config.json, model.safetensors or its index) run by Studio's Caption
(through vlm_native.py's door): one picture, or a clip's frames as several pictures in one user turn, and an
instruction (a system prompt too where given) written as text, greedy (deterministic).

Only transformers' own classes: AutoTokenizer, AutoImageProcessor and Qwen2_5_VLForConditionalGeneration /
Qwen3VLForConditionalGeneration, never remote code, never a pickle. The processor class (AutoProcessor) is not built:
it wants torchvision for its video half, which Studio does not install; the picture's tokens are set out as
transformers' Qwen2_5_VLProcessor / Qwen3VLProcessor do (replace_image_token: one <|image_pad|> per merged patch,
image_grid_thw.prod() // merge_size**2, the Nth <|image_pad|> of the text for the Nth picture; mm_token_type_ids 1 on
those tokens; transformers 5.23, src/transformers/models/qwen2_5_vl/processing_qwen2_5_vl.py and
qwen3_vl/processing_qwen3_vl.py, Apache-2.0). A clip is given as several pictures, not as the video input (its
<|video_pad|> tokens are made by the video processor, which wants torchvision).
transformers is imported when it runs."""
from __future__ import annotations

import json
import os

KINDS = {"qwen2_5_vl": ("Qwen2.5-VL", "Qwen2_5_VLForConditionalGeneration"),
         "qwen3_vl": ("Qwen3-VL", "Qwen3VLForConditionalGeneration")}
DEFAULT_INSTRUCTION = "Describe this image in detail."
IMAGE_TOKEN = "<|image_pad|>"


class LayoutError(Exception):
    """The folder is not one Studio runs; the message names the file and what to get."""


def is_vlm(cfg: dict) -> bool:
    return cfg.get("model_type") in KINDS


def check(folder: str, cfg: dict) -> None:
    """The folder's files checked without reading a weight: no remote code, safetensors weights, a tokenizer and an
    image processor; else LayoutError naming the file."""
    check_files(folder, cfg, KINDS[cfg["model_type"]][0], (("the tokenizer", ("tokenizer.json", "vocab.json")),
                                                           ("the image processor", ("preprocessor_config.json",))))


def check_files(folder: str, cfg: dict, name: str, needs: tuple) -> None:
    """A vision-language folder's files checked for the kind ``name`` (also vlm_native's kinds): no remote code,
    safetensors weights, and each of ``needs`` ((what, any of these file names), ...); else LayoutError naming it."""
    if cfg.get("auto_map"):
        raise LayoutError(f"'{os.path.join(folder, 'config.json')}' asks for remote code ('auto_map'): Caption runs "
                          f"{name} through transformers' own classes only; get the folder in transformers' layout")
    files = set(os.listdir(folder))
    if not files & {"model.safetensors", "model.safetensors.index.json"}:
        extra = " (its pytorch_model.bin is never unpickled)" if any(f.endswith(".bin") for f in files) else ""
        raise LayoutError(f"'{folder}' holds no model.safetensors (nor model.safetensors.index.json){extra}: "
                          f"Caption runs {name} from safetensors only")
    for wanted, any_of in needs:
        if not files & set(any_of):
            raise LayoutError(f"'{folder}' holds no {' or '.join(any_of)} ({wanted} of {name})")


def _template(folder: str, tok) -> str | None:
    """The chat template: the tokenizer's, else the folder's chat_template.jinja or chat_template.json (the
    processor's, which Qwen's folders keep apart)."""
    if getattr(tok, "chat_template", None):
        return tok.chat_template
    jinja, js = os.path.join(folder, "chat_template.jinja"), os.path.join(folder, "chat_template.json")
    if os.path.isfile(jinja):
        with open(jinja, encoding="utf-8") as f:
            return f.read()
    if os.path.isfile(js):
        with open(js, encoding="utf-8") as f:
            return json.load(f).get("chat_template")
    return None


def load(folder: str, cfg: dict, device, dtype) -> tuple:
    """(tokenizer, image processor, model, chat template) of ``folder`` through transformers' own classes."""
    import transformers  # noqa: PLC0415
    from transformers import AutoImageProcessor, AutoTokenizer  # noqa: PLC0415
    tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    images = AutoImageProcessor.from_pretrained(folder, local_files_only=True)
    model_cls = getattr(transformers, KINDS[cfg["model_type"]][1])
    model = model_cls.from_pretrained(folder, local_files_only=True, dtype=dtype, use_safetensors=True)
    template = _template(folder, tok)
    if not template:
        raise LayoutError(f"'{folder}' holds no chat template (tokenizer_config.json's 'chat_template', "
                          "chat_template.jinja or chat_template.json)")
    return tok, images, model.to(device).eval(), template


def describe(parts: tuple, pictures: list, instruction: str, system: str, max_tokens: int, device) -> str:
    """The text the model writes of ``pictures`` (H x W x 3 uint8 each: one picture, or a clip's frames in order)
    asked ``instruction`` (after ``system`` where given), greedy: the same text each time."""
    tok, images, model, template = parts
    conv = [{"role": "system", "content": [{"type": "text", "text": system}]}] if system.strip() else []
    conv.append({"role": "user", "content": [*({"type": "image"} for _ in pictures),
                                             {"type": "text", "text": instruction.strip() or DEFAULT_INSTRUCTION}]})
    chat = tok.apply_chat_template(conv, chat_template=template, tokenize=False, add_generation_prompt=True)
    if chat.count(IMAGE_TOKEN) != len(pictures):
        raise LayoutError(f"the chat template writes {chat.count(IMAGE_TOKEN)} {IMAGE_TOKEN} for {len(pictures)} "
                          "picture(s)")
    pix = images(images=list(pictures), return_tensors="pt")
    counts = [int(g.prod()) // images.merge_size ** 2 for g in pix["image_grid_thw"]]
    pieces = chat.split(IMAGE_TOKEN)  # (the Nth picture's tokens where the Nth <|image_pad|> stands)
    chat = pieces[0] + "".join(IMAGE_TOKEN * k + rest for k, rest in zip(counts, pieces[1:]))
    enc = tok([chat], return_tensors="pt")
    kinds = (enc["input_ids"] == model.config.image_token_id).int()
    pixel_values = pix["pixel_values"].to(device=device, dtype=model.dtype)
    out = model.generate(input_ids=enc["input_ids"].to(device), attention_mask=enc["attention_mask"].to(device),
                         pixel_values=pixel_values, image_grid_thw=pix["image_grid_thw"].to(device),
                         mm_token_type_ids=kinds.to(device), max_new_tokens=max_tokens, do_sample=False, num_beams=1)
    return tok.decode(out[0, enc["input_ids"].shape[1]:], skip_special_tokens=True).strip()
