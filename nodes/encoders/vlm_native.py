"""The vision-language models Studio's Caption runs, one door for all: a small table of kinds by config.json's
model_type, each run through transformers' own classes (never remote code, never a pickle: safetensors only).

- Qwen2.5-VL, Qwen3-VL: qwen_vl.py (its tokenizer and image processor; the picture tokens set out as transformers'
  processor does, as its AutoProcessor wants torchvision for its video half, which Studio does not install).
- LLaVA layout (LlavaForConditionalGeneration: JoyCaption's fancyfeast/llama-joycaption-*-hf-llava), Llama 3.2 Vision
  (MllamaForConditionalGeneration), Idefics3 (Idefics3ForConditionalGeneration: SmolVLM-Instruct, Idefics3-8B):
  transformers' AutoProcessor (these processors have no video half), its chat template, the pictures in one user turn.
  SmolVLM2 (model_type 'smolvlm') is not one: its processor wants a video processor (torchvision).

Several pictures (a clip's frames sampled evenly) go in one user turn, one image entry each, as the chat templates set
them out. Decoding is greedy: the same text each time. transformers is imported when it runs."""
from __future__ import annotations


from . import qwen_vl

# model_type: (the name said, transformers' class, how its inputs are made: 'qwen' by qwen_vl, 'processor' by
# AutoProcessor)
KINDS = {"qwen2_5_vl": ("Qwen2.5-VL", "Qwen2_5_VLForConditionalGeneration", "qwen"),
         "qwen3_vl": ("Qwen3-VL", "Qwen3VLForConditionalGeneration", "qwen"),
         "llava": ("LLaVA (JoyCaption)", "LlavaForConditionalGeneration", "processor"),
         "mllama": ("Llama 3.2 Vision", "MllamaForConditionalGeneration", "processor"),
         "idefics3": ("Idefics3 / SmolVLM", "Idefics3ForConditionalGeneration", "processor")}
NAMES = ", ".join(v[0] for v in KINDS.values())
DEFAULT_INSTRUCTION = qwen_vl.DEFAULT_INSTRUCTION
MAX_FRAMES = 16  # the most pictures of a clip one model is given at once
LayoutError = qwen_vl.LayoutError


def is_vlm(cfg: dict) -> bool:
    return cfg.get("model_type") in KINDS


def check(folder: str, cfg: dict) -> None:
    """The folder's files checked without reading a weight: no remote code, safetensors weights, a tokenizer and an
    image processor; else LayoutError naming the file."""
    name, _, how = KINDS[cfg["model_type"]]
    if how == "qwen":
        return qwen_vl.check(folder, cfg)
    qwen_vl.check_files(folder, cfg, name, (("the tokenizer", ("tokenizer.json", "tokenizer.model", "vocab.json")),
                                            ("the processor", ("processor_config.json", "preprocessor_config.json"))))


def load(folder: str, cfg: dict, device, dtype) -> tuple:
    """What describe() takes: (the kind's way, its parts), loaded through transformers' own classes."""
    how = KINDS[cfg["model_type"]][2]
    if how == "qwen":
        return how, qwen_vl.load(folder, cfg, device, dtype)
    import transformers  # noqa: PLC0415
    from transformers import AutoProcessor  # noqa: PLC0415
    processor = AutoProcessor.from_pretrained(folder, local_files_only=True)
    model = getattr(transformers, KINDS[cfg["model_type"]][1]).from_pretrained(
        folder, local_files_only=True, dtype=dtype, use_safetensors=True)
    if not getattr(processor, "chat_template", None):
        raise LayoutError(f"'{folder}' holds no chat template (chat_template.jinja, chat_template.json or the "
                          "processor's 'chat_template')")
    return how, (processor, model.to(device).eval())


def _chat(processor, n: int, words: str, system: str) -> str:
    """The conversation as the processor's chat template writes it: the pictures and the words in one user turn;
    where the template writes no picture mark for them, the words alone as one string (JoyCaption's folders are given
    their words so: chflame163's LayerStyle_Advance py/joycaption_beta_1.py, the template setting the picture); else
    LayoutError."""
    mark = getattr(processor, "image_token", None)
    for content in ([*({"type": "image"} for _ in range(n)), {"type": "text", "text": words}], words):
        said = system if isinstance(content, str) else [{"type": "text", "text": system}]
        conv = [{"role": "system", "content": said}] if system else []
        conv.append({"role": "user", "content": content})
        try:
            chat = processor.apply_chat_template(conv, add_generation_prompt=True, tokenize=False)
        except Exception:  # noqa: BLE001 (a template that takes the other form of content: tried next)
            continue
        if mark is None or chat.count(mark) == n:
            return chat
    raise LayoutError(f"the processor's chat template writes no {mark} for each of {n} picture(s)")


def describe(loaded: tuple, pictures: list, instruction: str, system: str, max_tokens: int, device) -> str:
    """The text the model writes of ``pictures`` (H x W x 3 uint8 each, a clip's frames in order) asked
    ``instruction`` (after ``system`` where given), greedy: the same text each time."""
    how, parts = loaded
    if how == "qwen":
        return qwen_vl.describe(parts, pictures, instruction, system, max_tokens, device)
    processor, model = parts
    chat = _chat(processor, len(pictures), instruction.strip() or DEFAULT_INSTRUCTION, system.strip())
    enc = processor(text=[chat], images=[list(pictures)], return_tensors="pt").to(device)
    if "pixel_values" in enc:
        enc["pixel_values"] = enc["pixel_values"].to(model.dtype)
    out = model.generate(**enc, max_new_tokens=max_tokens, do_sample=False, num_beams=1)
    return processor.decode(out[0, enc["input_ids"].shape[1]:], skip_special_tokens=True).strip()
