"""Enhance Prompt: LTX-2's own text encoder (Gemma 3) writes the take's prompt from a short one, and
from the start image where its Gemma has a vision tower, as ComfyUI's ``TextGenerateLTX2Prompt`` does in
the LTX-2.3 templates (read for its meaning, not copied: Comfy-Org/ComfyUI comfy_extras/nodes_textgen.py,
its Gemma 3 branch: a system turn, a user turn 'User Raw Input Prompt: <prompt>.', the model's turn
opened; ``max_length`` new tokens; sampling by temperature, top-k, top-p, min-p and a repetition
penalty, seeded).

The system prompt: Lightricks' released ones (Lightricks/LTX-2 400fd31054597515f47125691032c04b1c3ee24e
packages/ltx-core/src/ltx_core/text_encoders/gemma/encoders/prompts/gemma3_t2v_system_prompt.txt and
gemma3_i2v_system_prompt.txt; Lightricks/ComfyUI-LTXVideo aceeae9635f6 system_prompts/) come under the
LTX-2.x Community License, whose terms (use restrictions passed on to every user, the agreement shipped
with any copy) Studio's code cannot carry: Studio's own, written here to the same ends, is the default;
'system_prompt' takes another (paste Lightricks' text there to run their enhancer as released).

Text only when the loaded Gemma has no vision tower (ComfyUI's Gemma file is read as its language model
alone: families/ltx2/parts.py): an image given then is said and not read.

LTX-2.5's templates run their enhancer from another file, Gemma 4 E2B (``CLIPLoader('gemma4_e2b_it_int8_
convrot.safetensors', 'ltxv')``): set 'enhancer' to it and that model writes the prompt (enhancer_file.py:
read into transformers' Gemma4ForCausalLM, text only, in Gemma 4's turns); the model input is then not
needed, and not used when wired."""
from __future__ import annotations

import os

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Bool, Float, Int, Path, Text
from studio.core.spec import CLIP, In, Node, Out

from ...base.errors import ModelError
from ...loading.inputs import graph_base_dir, video_model_input
from ...loading.node import CATEGORY

NEITHER = ("Enhance Prompt: nothing to write the prompt with: connect an LTX-2 model to its 'model' input "
           "(its Gemma 3 writes it), or set 'enhancer' to a Gemma 4 E2B file")

T2V_SYSTEM = """You turn a short idea for a video into the full prompt a text-to-video model with sound reads.
Write one paragraph of plain prose, in English, describing what is seen and heard as it happens:
- Keep everything the idea asks for (subjects, actions, style, camera, sound) and add nothing that contradicts it.
- Fill in what the idea leaves open with concrete, visible detail: the place, light, materials, colours,
  clothing, hair and faces of people, the positions of things. Do not add people the idea does not ask for.
- Describe motion in the present progressive ("is walking") and in the order it happens, joined by
  words such as "as", "then", "while". With no action given, describe small natural movement.
- Describe the sound that goes with it: the ambience, the noises of the actions, music or speech when
  asked for. Any spoken words go in quotes, with how they are said.
- Say the camera's framing; move the camera only if the idea asks for it. No cuts, no timestamps.
- Use plain, calm words; describe only what can be seen or heard.
Begin with the scene itself (not "The scene opens"); output the prompt and nothing else."""

I2V_SYSTEM = """You turn a short idea for a video, and the picture it starts from, into the full prompt an
image-to-video model with sound reads. Write one paragraph of plain prose, in English:
- Begin with what the picture shows (subjects, their looks and clothing, the place, the light, the framing),
  as it is, then describe what happens next as the idea asks, in the order it happens.
- Keep everything the idea asks for and never contradict the picture; add no new people or objects.
- Describe motion in the present progressive and the sound that goes with it: ambience, the noises of
  the actions, music or speech when asked for (spoken words in quotes, with how they are said).
- Say the camera's framing; move the camera only if the idea asks for it. No cuts, no timestamps.
- Use plain, calm words; describe only what can be seen or heard.
Output the prompt and nothing else."""


def chat(system: str, prompt: str, image_tokens: str = "") -> str:
    """The Gemma 3 turns the enhancer sends (the meaning of ComfyUI's: the system's turn, the user's
    with the image first, the model's opened)."""
    media = f"\n{image_tokens}\n" if image_tokens else ""
    return (f"<start_of_turn>system\n{system}<end_of_turn>\n"
            f"<start_of_turn>user\n{media}\nUser Raw Input Prompt: {prompt}.<end_of_turn>\n"
            f"<start_of_turn>model\n")


def sampling_kwargs(p, tok, turn_end: str = "<end_of_turn>") -> dict:
    """generate()'s settings from the node's parameters (greedy when 'sampling' is off); it stops at
    <eos> and at the end of the model's turn (Gemma 3's <end_of_turn>, Gemma 4's <turn|>)."""
    stop = [tok.eos_token_id] if tok.eos_token_id is not None else []
    turn = tok.convert_tokens_to_ids(turn_end)
    if isinstance(turn, int) and turn != tok.unk_token_id and turn not in stop:
        stop.append(turn)
    kw = {"max_new_tokens": int(p.max_new_tokens), "do_sample": bool(p.sampling), "eos_token_id": stop or None,
          "pad_token_id": tok.pad_token_id if tok.pad_token_id is not None else (stop or [0])[0]}
    if p.sampling:
        kw.update(temperature=float(p.temperature), top_k=int(p.top_k), top_p=float(p.top_p),
                  min_p=float(p.min_p) or None, repetition_penalty=float(p.repetition_penalty))
    else:
        kw.update(temperature=None, top_k=None, top_p=None, min_p=None, repetition_penalty=None)  # plain greedy
    return kw


def image_inputs(lm, tok, image, text_before: str, text_after: str, device, dtype) -> dict:
    """input_ids with the image's tokens spliced in, and its pixels from transformers' Gemma 3 image
    processor (the vision tower's square size, bilinear, scaled to [-1, 1]; its PIL backend)."""
    import torch
    from transformers import Gemma3ImageProcessorPil

    from ...base.calls import to_pil
    cfg = lm.config
    size = int(cfg.vision_config.image_size)
    pil = to_pil(np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32))
    pixels = Gemma3ImageProcessorPil(size={"height": size, "width": size})(images=pil, return_tensors="pt")
    pixels = pixels["pixel_values"].to(device, dtype)
    n = int(cfg.mm_tokens_per_image)
    ids = (tok(text_before, add_special_tokens=True)["input_ids"] + [cfg.boi_token_index] +
           [cfg.image_token_index] * n + [cfg.eoi_token_index] + tok(text_after, add_special_tokens=False)["input_ids"])
    ids_t = torch.tensor([ids], device=device)
    return {"input_ids": ids_t, "attention_mask": torch.ones_like(ids_t), "pixel_values": pixels,
            "token_type_ids": (ids_t == cfg.image_token_index).long()}


def model_inputs(lm, tok, system: str, prompt: str, image, device, dtype) -> dict:
    """The tokens (and the image) generate() is given."""
    if image is not None:
        mark = "\x00IMAGE\x00"
        before, after = chat(system, prompt, mark).split(mark)
        return image_inputs(lm, tok, image, before, after, device, dtype)
    enc = tok(chat(system, prompt), return_tensors="pt", add_special_tokens=True)
    return {"input_ids": enc["input_ids"].to(device), "attention_mask": enc["attention_mask"].to(device)}


def generate(lm, tok, inputs: dict, kw: dict, seed: int, ctx=None) -> tuple[str, int]:
    """(the new text, its token count) of one seeded generate() call (torch's global generators put
    back after); with ``ctx``: progress a token, and Stop ends it between tokens (Cancelled)."""
    import torch
    dev = inputs["input_ids"].device
    if ctx is not None:
        kw = dict(kw, stopping_criteria=_steps(ctx, inputs["input_ids"].shape[1], kw["max_new_tokens"]))
    with torch.random.fork_rng(devices=[dev] if dev.type == "cuda" else []), torch.no_grad():
        torch.manual_seed(int(seed))
        out = lm.generate(**inputs, **kw)
    new = out[0, inputs["input_ids"].shape[1]:]
    return tok.decode(new, skip_special_tokens=True).strip(), int(new.shape[0])


def _steps(ctx, start: int, total: int):
    """A stopping criterion that never stops the text itself: it reports each token and raises
    Cancelled when Stop was pressed."""
    from transformers import StoppingCriteria, StoppingCriteriaList

    class Steps(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            import torch
            ctx.progress(int(input_ids.shape[1]) - start, total, unit="token")  # checks Stop first
            return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
    return StoppingCriteriaList([Steps()])


class EnhancePrompt(Node):
    """Write the take's prompt from a short one with the LTX-2 model's own Gemma 3 text encoder (and the
    start image, where that Gemma has a vision tower), as LTX-2.3's ComfyUI templates do with their prompt
    enhancer; or, with 'enhancer' set, with that Gemma 4 E2B file (LTX-2.5's templates' enhancer: no
    model input needed). The same seed gives the same text. A LoRA on the Gemma is used for this call only."""
    id = "video_models.ltx2_enhance_prompt"
    title = "Enhance Prompt"
    category = CATEGORY
    keywords = ("prompt enhancer", "enhance", "gemma", "ltx-2", "llm", "rewrite prompt", "TextGenerateLTX2Prompt")
    timing = CLIP
    disk_cache = True  # a 12B model writing up to thousands of tokens: the text is kept between runs and processes
    inputs = (In("model", "Video Model", optional=True,
                 help="an LTX-2 model: its Gemma 3 text encoder writes the prompt (not needed with 'enhancer')"),
              In("prompt", "Text", optional=True, help="the short prompt (a wired one wins over the parameter)"),
              In("image", "Image", optional=True, help="the start image, described first (a Gemma with a vision "
                                                       "tower only: ComfyUI's Gemma file is read as text only)"))
    outputs = (Out("text", "Text", help="the written prompt"),)
    params = (Text("prompt", "a fox in the snow"),
              Int("max_new_tokens", 512, min=1, max=8192, help="the most tokens written (ComfyUI's max_length)"),
              Bool("sampling", True, help="sample with the settings below (off: the most likely word each time, "
                                          "none of them applied, as ComfyUI's sampling 'off')"),
              Float("temperature", 0.7, min=0.01, max=4.0),
              Int("top_k", 64, min=0, max=100000),
              Float("top_p", 0.95, min=0.0, max=1.0),
              Float("min_p", 0.05, min=0.0, max=1.0),
              Float("repetition_penalty", 1.05, min=0.5, max=3.0),
              Int("seed", 0, min=0, max=2**53, help="the same seed gives the same text"),
              Text("system_prompt", "", help="empty: Studio's own (text, or image with a start image); else this"),
              Path("enhancer", "", mode="open", filters="Gemma 4 (*.safetensors)", models="text_encoder", lookup=True,
                   help="a Gemma 4 E2B file that writes the prompt instead of the model's Gemma (LTX-2.5's templates' "
                        "gemma4_e2b_it_int8_convrot.safetensors; int8 convrot, bf16 or fp16); then no model input is "
                        "needed. A relative path is next to the graph file or in a models folder"),
              Path("lora", "", mode="open", filters="LoRA (*.safetensors)", models="lora", lookup=True,
                   help="a LoRA for the text encoder (ComfyUI's LoraLoader on the CLIP), used for this call only"),
              Float("lora_strength", 1.0, min=-4.0, max=4.0, help="its strength (ComfyUI's strength_clip)"))

    @classmethod
    def preflight(cls, params, base_dir):
        """The LoRA and the enhancer file are found where the run would look, and the enhancer file's
        header is one Gemma 4 Enhance Prompt runs, with its tokenizer (validate says so, not the run)."""
        from ...loading.node import find_part, part_problems
        problems = part_problems("lora", params.get("lora") or "", base_dir)
        if (params.get("enhancer") or "").strip():
            from .enhancer_file import inspect
            try:
                inspect(find_part("enhancer", params["enhancer"], base_dir))
            except ModelError as e:
                problems.append(str(e))
        return problems

    @classmethod
    def advise(cls, params, base_dir, inputs):
        """Neither a model wired in nor an enhancer file set: nothing to write the prompt with."""
        if "model" not in inputs and not (params.get("enhancer") or "").strip():
            return [("error", NEITHER)]
        return []

    @classmethod
    def signature_files(cls, params, base_dir=None) -> list[str]:
        """The LoRA's and the enhancer's files as a name finds them in a models folder: replacing one
        re-runs the node."""
        from ...loading.node import find_part
        out = []
        for key in ("lora", "enhancer"):
            try:
                out += [find_part(key, params.get(key) or "", base_dir)] if (params.get(key) or "").strip() else []
            except ModelError:
                pass
        return out

    def run(self, ctx, model=None, prompt=None, image=None):
        p = ctx.params
        if p.enhancer.strip():
            return self._run_file(ctx, model, prompt, image)
        if model is None:
            raise StudioError(NEITHER)
        ref = video_model_input(model)
        if ref.fam.key != "ltx2":
            raise ModelError(f"Enhance Prompt: model '{ref.path}' is a {ref.fam.title} model; it needs an LTX-2 "
                             "model (its Gemma 3 writes the prompt)")
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        if not text.strip():
            raise StudioError("Enhance Prompt: no prompt: type one, or connect a Text input")
        from .enhance_lm import check_gemma3
        waiting = ref.shared.text_loader
        check_gemma3(waiting.configs.get("text_encoder") if waiting is not None else
                     getattr(ref.module.text_encoder, "config", None), ref.path)
        layers, name = self._lora(ctx, ref)
        ref.load_text_encoder()  # one that waited on disk for a prompt (deferred_text.py)
        te, tok = ref.module.text_encoder, ref.module.tokenizer
        if te is None or tok is None:
            raise ModelError(f"Enhance Prompt: the model '{ref.path}' has no text encoder or tokenizer loaded")
        from .enhance_lm import causal_lm, lora_on, on_device, text_model, torch_device
        key = ("enhance_lm", id(te))  # the wrapper made once per loaded text encoder, kept with the model
        lm, sees = ref.shared.own_modules.get(key) or (None, False)
        if lm is None or not (lm is te or lm.model is te):
            lm, sees = causal_lm(te)
            ref.shared.own_modules[key] = (lm, sees)
        if image is not None and not sees:
            ctx.warn("Enhance Prompt: the image is not read: this Gemma 3 has no vision tower (Studio reads "
                     "ComfyUI's Gemma file as its language model only); the prompt is written from the text alone")
            image = None
        system = p.system_prompt.strip() or (I2V_SYSTEM if image is not None else T2V_SYSTEM)
        emb = text_model(te).embed_tokens.weight
        device = torch_device(ref.device)
        inputs = model_inputs(lm, tok, system, text, image, device, emb.dtype)
        with on_device(te, device), lora_on(text_model(te), layers, p.lora_strength):
            out, n = generate(lm, tok, inputs, sampling_kwargs(p, tok), p.seed, ctx)
        ctx.info(f"Enhance Prompt: {n} tokens written (seed {p.seed}"
                 f"{', with the image' if image is not None else ''}{f', LoRA {name}' if name else ''})")
        return {"text": out}

    def _run_file(self, ctx, model, prompt, image):
        """The prompt written by the Gemma 4 file in 'enhancer' (enhancer_file.py), text only."""
        from ...loading.node import find_part
        from .enhance_lm import device_and_dtype, lora_on, on_device
        from .enhancer_file import TURN_END, load, model_inputs
        p = ctx.params
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        if not text.strip():
            raise StudioError("Enhance Prompt: no prompt: type one, or connect a Text input")
        path = find_part("enhancer", p.enhancer, graph_base_dir(ctx))
        device, dtype = device_and_dtype(ctx.device)
        # read for this run and let go after it, as SeedVR2's and RIFE's files are: a model held here, outside the
        # engine's model cache, would be neither budgeted nor unloaded by Run > Pause (the text is disk-cached)
        lm, tok, what = load(path, dtype)
        layers, name = self._lora_on_file(ctx, lm)
        if model is not None:
            ctx.info("Enhance Prompt: the enhancer file writes the prompt; the model input's Gemma is not used")
        if image is not None:
            ctx.warn("Enhance Prompt: the image is not read: Studio reads the enhancer file's language model only "
                     "(its vision part is not loaded); the prompt is written from the text alone")
            image = None
        system = p.system_prompt.strip() or T2V_SYSTEM
        inputs = model_inputs(tok, system, text, device)
        with on_device(lm, device), lora_on(lm.model, layers, p.lora_strength):
            out, n = generate(lm, tok, inputs, sampling_kwargs(p, tok, TURN_END), p.seed, ctx)
        ctx.info(f"Enhance Prompt: {n} tokens written by '{os.path.basename(path)}', {what} (seed {p.seed}"
                 f"{f', LoRA {name}' if name else ''})")
        return {"text": out}

    def _lora_on_file(self, ctx, lm) -> tuple[dict, str]:
        """The LoRA's layers on the enhancer file's Gemma 4 ({} when none)."""
        if not ctx.params.lora.strip():
            return {}, ""
        from safetensors.torch import load_file

        from ...loading.node import find_part
        from .enhance_lm import lora_layers
        path = find_part("lora", ctx.params.lora, graph_base_dir(ctx))
        name = os.path.basename(path)
        layers, left = lora_layers(load_file(path), lm.model, name)
        if left:
            ctx.warn(f"Enhance Prompt: {len(left)} key(s) of the LoRA '{name}' name no layer of the enhancer's "
                     f"language model and are not used (e.g. {', '.join(left[:3])})")
        return layers, name

    def _lora(self, ctx, ref) -> tuple[dict, str]:
        """The LoRA's layers ({} when none), read and checked against the text encoder's layers (a waiting
        one loaded for it) before anything is put on them."""
        if not ctx.params.lora.strip():
            return {}, ""
        from safetensors.torch import load_file

        from ...loading.node import find_part
        from .enhance_lm import lora_layers, text_model
        path = find_part("lora", ctx.params.lora, graph_base_dir(ctx))
        name = os.path.basename(path)
        if ref.shared.text_loader is not None:
            ref.load_text_encoder()
        layers, left = lora_layers(load_file(path), text_model(ref.module.text_encoder), name)
        if left:
            ctx.warn(f"Enhance Prompt: {len(left)} key(s) of the LoRA '{name}' name no layer of Gemma 3's language "
                     f"model and are not used (e.g. {', '.join(left[:3])})")
        return layers, name
