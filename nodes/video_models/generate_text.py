"""Generate Text: a local language model writes a text (a prompt) when the graph runs, from the words it is
asked, as ComfyUI core's ``TextGenerate`` does (read for its meaning, not copied: Comfy-Org/ComfyUI
comfy_extras/nodes_textgen.py, its inputs clip, prompt, image, max_length and the 'sampling_mode' on / off with
temperature, top_k, top_p, min_p, repetition_penalty and seed; comfy/text_encoders/gemma4.py's default template:
the user's turn, the model's turn opened, a system turn holding ``<|think|>`` with 'thinking'). Family-neutral:
any generator's prompt can take its text.

The model: a Gemma 4 file as ComfyUI's CLIPLoader reads it (E2B / E4B, ``gemma4_e2b_it_int8_convrot
.safetensors``), read by the same door LTX-2.5's Enhance Prompt reads its enhancer file with
(families/ltx2/enhancer_file.py: transformers' Gemma4ForCausalLM, its language model only). The image a workflow
gives is said and not read (the vision part is not loaded). 'replace', 'before' and 'after' keep the find-and-replace
and the words a workflow puts around the text (as Caption's do). The same seed gives the same text."""
from __future__ import annotations

import os

from studio.core.errors import StudioError
from studio.core.params import Bool, Float, Int, Path, Text
from studio.core.spec import CLIP, In, Node, Out

from .base.errors import ModelError
from .loading.inputs import graph_base_dir

NODE = "Generate Text"


def chat(prompt: str, template: bool, thinking: bool) -> str:
    """The text the model is given: the prompt in Gemma 4's turns (a system turn asking it to think first with
    'thinking'), or as it is without 'template' (or where it already starts with a turn)."""
    if not template or prompt.startswith("<|turn>"):
        return prompt
    system = "<|turn>system\n<|think|>\n<turn|>\n" if thinking else ""
    return f"{system}<|turn>user\n{prompt}<turn|>\n<|turn>model\n"


def replaced(text: str, rules: str) -> str:
    """``text`` with each 'find -> replace' line of ``rules`` applied in order."""
    for line in rules.splitlines():
        find, sep, by = line.partition(" -> ")
        if sep and find:
            text = text.replace(find, by)
    return text


def _reworded(e: ModelError) -> ModelError:
    """The file door's refusal in this node's words (it names Enhance Prompt's 'enhancer file')."""
    return ModelError(str(e).replace("Enhance Prompt: the enhancer file", f"{NODE}: the model file"))


class GenerateText(Node):
    """Write a text with a local language model (a Gemma 4 file, E2B or E4B, as ComfyUI's CLIPLoader reads it) from
    the words it is asked: ComfyUI's TextGenerate. Wire its text into a generator's prompt. The same seed gives the
    same text."""
    id = "encode.generate_text"
    title = "Generate Text"
    category = "Encode"
    keywords = ("TextGenerate", "llm", "gemma", "language model", "write prompt", "generate text")
    timing = CLIP
    disk_cache = True  # a language model writing up to thousands of tokens: the text is kept between runs
    inputs = (In("prompt", "Text", optional=True, help="the words the model is asked (a wired one wins)"),
              In("image", "Image", optional=True, help="not read: Studio loads the file's language model only"))
    outputs = (Out("text", "Text", help="the text written, with 'before' and 'after' around it"),)
    params = (Text("prompt", "", help="the words the model is asked"),
              Path("model", "", mode="open", filters="Gemma 4 (*.safetensors)", models="text_encoder", lookup=True,
                   help="a Gemma 4 file (E2B / E4B; int8 convrot, bf16 or fp16), as ComfyUI's CLIPLoader reads it. A "
                        "relative path is next to the graph file or in a models folder"),
              Int("max_new_tokens", 512, min=1, max=32768, help="the most tokens written (ComfyUI's max_length)"),
              Bool("sampling", True, help="sample with the settings below (off: the most likely word each time, none "
                                          "of them applied, as ComfyUI's sampling 'off')"),
              Float("temperature", 0.7, min=0.01, max=4.0),
              Int("top_k", 64, min=0, max=100000),
              Float("top_p", 0.95, min=0.0, max=1.0),
              Float("min_p", 0.05, min=0.0, max=1.0),
              Float("repetition_penalty", 1.05, min=0.0, max=5.0),
              Int("seed", 0, min=0, max=2**53, help="the same seed gives the same text"),
              Bool("thinking", False, help="ask the model to think first (a system turn with <|think|>)"),
              Bool("template", True, help="put the prompt in Gemma 4's turns (off: given as it is)"),
              Text("replace", "", help="'find -> replace', one a line, applied to the text written, in order"),
              Text("before", "", help="words written before the text (with their separator)"),
              Text("after", "", help="words written after the text (with their separator)"))

    @classmethod
    def preflight(cls, params, base_dir):
        """The model file found where the run would look and its header one this node runs."""
        from .families.ltx2.enhancer_file import inspect
        from .loading.node import find_part
        if not (params.get("model") or "").strip():
            return [f"{NODE}: no model file: set 'model' to a Gemma 4 file"]
        try:
            inspect(find_part("model", params["model"], base_dir))
        except ModelError as e:
            return [str(_reworded(e))]
        return []

    @classmethod
    def signature_files(cls, params, base_dir=None) -> list[str]:
        """The model's file as a name finds it: replacing it re-runs the node."""
        from .loading.node import find_part
        try:
            return [find_part("model", params.get("model") or "", base_dir)] if (params.get("model") or "").strip() \
                else []
        except ModelError:
            return []

    def run(self, ctx, prompt=None, image=None):
        import torch

        from .families.ltx2.enhance import generate, sampling_kwargs
        from .families.ltx2.enhance_lm import on_device, torch_device
        from .families.ltx2.enhancer_file import BOS, TURN_END, load
        from .loading.node import find_part
        p = ctx.params
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        if not text.strip():
            raise StudioError(f"{NODE}: no prompt: type one, or connect a Text input")
        if not p.model.strip():
            raise StudioError(f"{NODE}: no model file: set 'model' to a Gemma 4 file")
        path = find_part("model", p.model, graph_base_dir(ctx))
        device = torch_device(ctx.device)
        dtype = torch.float32 if device.type == "cpu" else torch.bfloat16
        try:  # read for this run and let go after it, as Enhance Prompt's file is (the text is disk-cached)
            lm, tok, what = load(path, dtype)
        except ModelError as e:
            raise _reworded(e) from None
        if image is not None:
            ctx.warn(f"{NODE}: the image is not read: Studio loads the file's language model only (its vision part "
                     "is not loaded); the text is written from the words alone")
        bos = tok.bos_token_id if tok.bos_token_id is not None else BOS
        ids = torch.tensor([[bos] + tok(chat(text, p.template, p.thinking), add_special_tokens=False)["input_ids"]],
                           device=device)
        inputs = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
        with on_device(lm, device):
            out, n = generate(lm, tok, inputs, sampling_kwargs(p, tok, TURN_END), p.seed, ctx)
        ctx.info(f"{NODE}: {n} tokens written by '{os.path.basename(path)}', {what} (seed {p.seed})")
        return {"text": p.before + replaced(out, p.replace) + p.after}
