"""Generate Text: a local language model writes a text (a prompt) when the graph runs, from the words it is
asked, as ComfyUI core's ``TextGenerate`` does (read for its meaning, not copied: Comfy-Org/ComfyUI
comfy_extras/nodes_textgen.py, its inputs clip, prompt, image, max_length and the 'sampling_mode' on / off with
temperature, top_k, top_p, min_p, repetition_penalty and seed; comfy/text_encoders/gemma4.py's default template:
the user's turn, the model's turn opened, a system turn holding ``<|think|>`` with 'thinking'). Family-neutral:
any generator's prompt can take its text.

The model: any local causal language model's folder transformers loads (config.json, a tokenizer, *.safetensors:
Qwen2 / Qwen3, Llama, Gemma, Phi, Mistral..., as the prompt-writer packs keep them under models/LLM/,
models/prompt_generator/ or models/text_encoders/; text_model_folder.py), its prompt put in the tokenizer's own chat
template with the 'system' text as the system turn; or a Gemma 4 file as ComfyUI's CLIPLoader reads it (E2B / E4B,
``gemma4_e2b_it_int8_convrot.safetensors``), read by the same door LTX-2.5's Enhance Prompt reads its enhancer file
with (families/ltx2/enhancer_file.py: transformers' Gemma4ForCausalLM, its language model only). A folder it cannot
read (no weights, pickles only, a model type transformers' AutoModelForCausalLM does not know) is refused before any
weight is read. The image a workflow gives is said and not read (no vision part is loaded). 'replace', 'before' and
'after' keep the find-and-replace and the words a workflow puts around the text (as Caption's do). The same seed
gives the same text."""
from __future__ import annotations

import os

from studio.core.errors import StudioError
from studio.core.find_replace import replaced
from studio.core.params import Bool, Float, Int, Path, Text
from studio.core.spec import CLIP, In, Node, Out

from .base.errors import ModelError
from .loading.inputs import graph_base_dir

NODE = "Generate Text"


def chat(prompt: str, template: bool, thinking: bool, system: str = "") -> str:
    """The text a Gemma 4 file is given: the prompt in Gemma 4's turns (a system turn holding the system text, and
    asking it to think first with 'thinking'), or as it is without 'template' (or where it already starts with a
    turn; the system text, where given, before it)."""
    if not template or prompt.startswith("<|turn>"):
        return f"{system}\n\n{prompt}" if system.strip() else prompt
    think = "<|think|>\n" if thinking else ""
    turn = f"<|turn>system\n{think}{system}<turn|>\n" if think or system.strip() else ""
    return f"{turn}<|turn>user\n{prompt}<turn|>\n<|turn>model\n"


def find(name: str, base_dir: str | None) -> str:
    """The model folder or file ``name`` names: as typed, beside the graph, in a models folder or its LLM/,
    prompt_generator/, text_encoders/ or smol/; else ModelError naming where it looked."""
    from studio.core import models as model_paths

    from .text_model_folder import FOLDERS
    path = model_paths.resolve(name, base_dir, folders=FOLDERS)
    if path is None:
        raise ModelError(f"{NODE}: the model '{name}' is not found: looked beside the graph and in "
                         f"{', '.join(model_paths.model_dirs()) or 'no models folder'} (and their "
                         f"{'/, '.join(FOLDERS)}/; give a full path, or a name under a models folder)")
    return path


def _reworded(e: ModelError) -> ModelError:
    """The file door's refusal in this node's words (it names Enhance Prompt's 'enhancer file')."""
    return ModelError(str(e).replace("Enhance Prompt: the enhancer file", f"{NODE}: the model file"))


class GenerateText(Node):
    """Write a text with a local language model (a folder transformers loads: Qwen, Llama, Gemma, Phi..., under
    models/LLM/, models/prompt_generator/ or models/text_encoders/; or a Gemma 4 file, E2B or E4B, as ComfyUI's
    CLIPLoader reads it) from the words it is asked and a system text: ComfyUI's TextGenerate, the packs' prompt
    writers. Wire its text into a generator's prompt. The same seed gives the same text."""
    id = "encode.generate_text"
    title = "Generate Text"
    category = "Encode"
    keywords = ("TextGenerate", "llm", "gemma", "qwen", "llama", "phi", "language model", "write prompt",
                "generate text", "prompt enhancer", "prompt generator")
    timing = CLIP
    disk_cache = True  # a language model writing up to thousands of tokens: the text is kept between runs
    inputs = (In("prompt", "Text", optional=True, help="the words the model is asked (a wired one wins)"),
              In("image", "Image", optional=True, help="not read: Studio loads a language model only"))
    outputs = (Out("text", "Text", help="the text written, with 'before' and 'after' around it"),)
    params = (Text("prompt", "", help="the words the model is asked"),
              Path("model", "", mode="open", filters="Language model (config.json *.safetensors)",
                   models="text_encoder", lookup=True,
                   help="a language model's folder in transformers' layout (config.json, tokenizer, *.safetensors: "
                        "Qwen, Llama, Gemma, Phi...), or a Gemma 4 file (E2B / E4B; int8 convrot, bf16 or fp16) as "
                        "ComfyUI's CLIPLoader reads it. A relative path is next to the graph file, in a models "
                        "folder or its LLM/, prompt_generator/, text_encoders/ or smol/"),
              Text("system", "", help="the system text (the model's instructions), its system turn in the chat "
                                      "template"),
              Int("max_new_tokens", 512, min=1, max=32768, help="the most tokens written (ComfyUI's max_length)"),
              Bool("sampling", True, help="sample with the settings below (off: the most likely word each time, none "
                                          "of them applied, as ComfyUI's sampling 'off')"),
              Float("temperature", 0.7, min=0.01, max=4.0),
              Int("top_k", 64, min=0, max=100000),
              Float("top_p", 0.95, min=0.0, max=1.0),
              Float("min_p", 0.05, min=0.0, max=1.0),
              Float("repetition_penalty", 1.05, min=0.0, max=5.0),
              Int("seed", 0, min=0, max=2**53, help="the same seed gives the same text"),
              Bool("thinking", False, help="ask the model to think first (Gemma 4's <|think|>; a folder's template's "
                                           "'enable_thinking')"),
              Bool("template", True, help="put the prompt in the model's chat template (off: given as it is)"),
              Text("replace", "", help="'find -> replace', one a line, applied to the text written, in order"),
              Text("before", "", help="words written before the text (with their separator)"),
              Text("after", "", help="words written after the text (with their separator)"))

    @staticmethod
    def model_choices(kinds, refresh: bool = False) -> dict:
        """The window's picker for 'model': the text-encoder files and the language model folders (LLM/,
        prompt_generator/, text_encoders/, smol/) of the models folders (text_model_choices.py)."""
        from .text_model_choices import choices
        return choices(kinds, refresh)

    @classmethod
    def preflight(cls, params, base_dir):
        """The model found where the run would look, and a folder or file this node runs."""
        from .families.ltx2.enhancer_file import inspect
        from .text_model_folder import check
        if not (params.get("model") or "").strip():
            return [f"{NODE}: no model: set 'model' to a language model's folder or a Gemma 4 file"]
        try:
            path = find(params["model"], base_dir)
            check(path) if os.path.isdir(path) else inspect(path)
        except ModelError as e:
            return [str(_reworded(e))]
        return []

    @classmethod
    def signature_files(cls, params, base_dir=None) -> list[str]:
        """The model's files as a name finds them: replacing one re-runs the node."""
        from .text_model_folder import files
        try:
            path = find(params.get("model") or "", base_dir) if (params.get("model") or "").strip() else None
        except ModelError:
            return []
        return [] if path is None else files(path) if os.path.isdir(path) else [path]

    def run(self, ctx, prompt=None, image=None):
        import torch

        from .families.ltx2.enhance import generate
        from .families.ltx2.enhance_lm import device_and_dtype, on_device
        from .text_model_folder import answer
        p = ctx.params
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        if not text.strip():
            raise StudioError(f"{NODE}: no prompt: type one, or connect a Text input")
        if not p.model.strip():
            raise StudioError(f"{NODE}: no model: set 'model' to a language model's folder or a Gemma 4 file")
        path = find(p.model, graph_base_dir(ctx))
        device, dtype = device_and_dtype(ctx.device)
        try:  # read for this run and let go after it, as Enhance Prompt's file is (the text is disk-cached)
            lm, tok, ids, kw, what = (self._folder if os.path.isdir(path) else self._file)(path, dtype, text, p)
        except ModelError as e:
            raise _reworded(e) from None
        if image is not None:
            ctx.warn(f"{NODE}: the image is not read: Studio loads a language model only (no vision part); the text "
                     "is written from the words alone")
        ids = torch.tensor([ids], device=device)
        inputs = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
        with on_device(lm, device):
            out, n = generate(lm, tok, inputs, kw, p.seed, ctx)
        out = answer(out) if os.path.isdir(path) else out  # (a thinking model's thoughts left out)
        ctx.info(f"{NODE}: {n} tokens written by '{os.path.basename(path)}', {what} (seed {p.seed})")
        return {"text": p.before + replaced(out, p.replace) + p.after}

    @staticmethod
    def _file(path: str, dtype, text: str, p) -> tuple:
        """A Gemma 4 file's (model, tokenizer, input ids, generate()'s settings, what it is), in Gemma 4's turns."""
        from .families.ltx2.enhance import sampling_kwargs
        from .families.ltx2.enhancer_file import BOS, TURN_END, load
        lm, tok, what = load(path, dtype)
        bos = tok.bos_token_id if tok.bos_token_id is not None else BOS
        ids = [bos] + tok(chat(text, p.template, p.thinking, p.system), add_special_tokens=False)["input_ids"]
        return lm, tok, ids, sampling_kwargs(p, tok, TURN_END), what

    @staticmethod
    def _folder(path: str, dtype, text: str, p) -> tuple:
        """A folder's (model, tokenizer, input ids, generate()'s settings, what it is), in its own chat template."""
        from .families.ltx2.enhance import sampling_kwargs
        from .text_model_folder import chat_ids, load, stops
        lm, tok, what = load(path, dtype)
        ids, templated = chat_ids(tok, text, p.system, p.template, p.thinking)
        kw = sampling_kwargs(p, tok, tok.eos_token or "")
        kw.update(eos_token_id=stops(lm, tok) or None)
        if kw["pad_token_id"] is None or tok.pad_token_id is None:
            kw["pad_token_id"] = (kw["eos_token_id"] or [0])[0]
        return lm, tok, ids, kw, what + ("" if templated else ", given the words as they are (no chat template)"
                                         if p.template else "")
