"""A pack's prompt writer: a local language model writing a text from words and a system text when the workflow runs
(1038lab's AILab_QwenVL_PromptEnhancer on a Qwen3 text model, chflame163's PhiPrompt or SmolLM2 and the like), told by
its declared types, not its name: a node its pack declares with a STRING out reaching a prompt, no picture, clip or
sound wired, a model (named by its own setting or by the loader wired to a model socket: vlm_made.model_of), the words
it is asked and its system text (vlm_made.asked), and one of a seed, a token limit or a temperature. Where its model
is a folder a name finds (a language model's, looked for under the models folders' LLM/, prompt_generator/,
text_encoders/ or smol/ as Generate Text looks) or a Gemma 4 E2B / E4B file, it is made as Studio's Generate Text
(nodes/video_models/generate_text.py): those words, that system text, its token limit, seed, sampling on or off,
temperature, top_k, top_p, min_p, repetition_penalty and thinking, its text wired into the generator's prompt as
caption_made.place wires a caption; a system choice whose words its pack keeps, and settings Studio's node does not
take, said not applied. A model run on a server (a url or host setting, an Ollama or API connection), a GGUF file
(llama.cpp's), another single file (kijai's QwenLoader's Qwen2.5 file for WanVideoPromptExtender), a model the pack
picks itself ('auto'), a node naming a model's file in another setting too, or a vision-language model's name: None
(the caller keeps what it did: the prompt said written by ComfyUI's node). Plain data; linear in the node's
settings."""
from __future__ import annotations

import re

from studio.core.shown import cut

from .. import catalogue
from ..reading.workflow import CNode
from ..tracing.prompt_writers import DIFFUSION
from . import caption_made, cloud_nodes
from .textgen_made import GEMMA4
from .vlm_made import FILE, LLAMA_CPP, MODEL_SETTING, asked, feeding, kind_of, model_of

TOKENS = ("max_new_tokens", "max_tokens", "max_length", "num_predict", "max_output_tokens")
SAMPLING = ("temperature", "top_k", "top_p", "min_p", "repetition_penalty")
THINKING = ("thinking", "enable_thinking", "think")
RUNS = ("max_new_tokens", "seed", *SAMPLING)
SERVED = re.compile(r"url|host|endpoint|api|key|server", re.I)  # a setting naming where a server runs the model
SERVED_TYPE = re.compile(r"CONNECT|OLLAMA|API|CONFIG|CLIENT", re.I)  # a socket giving a connection to a server
OWN = {"top_k": 64, "min_p": 0.05, "repetition_penalty": 1.05, "temperature": 0.7, "top_p": 0.95}  # Generate Text's
_name = CNode.named


def writer(wf, n: CNode) -> tuple | None:
    """(its declared type, (the model's name or file, its loader)) where ``n`` is a local language model's prompt
    writer by its types (see the module); else None."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not t.outputs or not t.gives("STRING") or n.cls == "TextGenerate":
        return None
    names = {i.name for i in t.inputs}
    if any(i.type in ("IMAGE", "VIDEO", "AUDIO", "CLIP", *DIFFUSION) and i.name in n.links for i in t.inputs) or not (
            names & {*TOKENS, *SAMPLING, "seed"}):
        return None  # (a picture's: vlm_made; a diffusion model's or a CLIP's: not a language model of its own)
    got = model_of(wf, n, t)
    if got is None or got[0] is None or t.category.lower().startswith(cloud_nodes.API_CATEGORIES):
        return None
    loader = got[1]
    served = [k for k in (loader.settings() if loader is not None else {}) if SERVED.search(k)]
    served += [i.name for i in t.inputs if SERVED.search(i.name) and i.type in ("STRING", "COMBO")]
    served += [i.name for i in t.inputs if not i.widget and SERVED_TYPE.search(i.type) and i.name in n.links]
    if served or "gguf" in f"{t.name} {t.display}".lower() or names & set(LLAMA_CPP):
        return None
    return t, got


def slots(wf, n: CNode) -> list[int]:
    """The STRING outputs of a prompt writer by its types (where its text may reach a prompt); else none."""
    found = writer(wf, n)
    return [k for k, o in enumerate(found[0].outputs) if o.type == "STRING"] if found else []


def _model(name: str, n: CNode) -> str | None:
    """What Generate Text's 'model' is given for the model ``name``: a folder's name, or a Gemma 4 file; None where it
    runs neither (another file, a GGUF, a vision-language model, a choice the pack makes itself: 'auto'), or where
    another setting of ``n`` names a model's file (which one it runs is the pack's choice)."""
    if name.strip().lower() in ("auto", "default", "none", "") or any(
            isinstance(v, str) and v != name and FILE.search(v) for v in n.settings().values()):
        return None
    if FILE.search(name):
        return name if name.lower().endswith(".safetensors") and GEMMA4.search(name) else None
    return None if kind_of(name) else caption_made.folder_of(name)


def _number(v, kind):
    return v if isinstance(v, kind) and not isinstance(v, bool) else None


def make(b, n: CNode, slot: int, way: list[tuple[CNode, str]] | None,
         taken: bool = False) -> tuple[str, str] | str | None:
    """Generate Text made for the prompt writer ``n`` (its text on ``slot`` reaching the prompt the way ``way`` goes):
    (the note's sentence, the Log's); else why not, in words; None where ``n`` is not one Generate Text runs.
    ``taken``: the generator's prompt had taken its words (tracing/prompt_writers.py), not an encoder's own text."""
    wf = b.wf
    found = writer(wf, n)
    if found is None or found[0].outputs[slot].type != "STRING":
        return None
    t, (name, loader) = found
    model = _model(name, n)
    if model is None:
        return None
    words = asked(wf, n, t)
    if isinstance(words, str):
        return words
    if way is None:
        return "its way to the prompt is not one"
    key, text, system, _ = words
    got = {k: wf.value(n, k) for k in (*TOKENS, "seed", "do_sample", *SAMPLING, *THINKING)}
    tokens = next((v for k in TOKENS if (v := _number(got[k], int)) is not None), None)
    params = {"prompt": text, "system": system, "model": model, "sampling": got["do_sample"] is not False,
              "max_new_tokens": min(max(tokens, 1), 32768) if tokens is not None else None,
              "seed": s if (s := _number(got["seed"], int)) is not None and 0 <= s <= 2 ** 53 else None,
              "thinking": next((v for k in THINKING if isinstance(v := got[k], bool)), None)}
    params.update({k: v for k in SAMPLING if (v := _number(got[k], (int, float))) is not None})
    placed = caption_made.place(b, n, way, {k: v for k, v in params.items() if v is not None}, None,
                                "encode.generate_text")
    if isinstance(placed, str):
        return placed
    if loader is not None:
        b.used.add(loader.id)
    b.used.update(feeding(wf, n, [key] + [k for k in n.links if "system" in k.lower()]))
    if taken:
        placed.stale = None  # (the words the prompt had taken, now the model's: not a text the encoder saved)
    return _said(b, n, (name, loader), key, params, placed, t)


def _presets(wf, n: CNode, t) -> list[str]:
    """The settings choosing a system text or style whose words its pack keeps (a COMBO named so)."""
    return [i.name for i in t.inputs if i.widget and i.type == "COMBO" and re.search(
        r"system|style|preset|template", i.name, re.I) and isinstance(wf.value(n, i.name), str)]


def _said(b, n: CNode, model: tuple, key: str, params: dict, p, t) -> tuple[str, str]:
    """The sentence of the Generate Text made."""
    wf, (name, loader) = b.wf, model
    _, around, _ = caption_made.said_around(b, p, "reads", "Generate Text")
    whose = f" from {_name(loader)}" if loader is not None else ""
    given = f" (from {_name(src)})" if (src := wf.source(n, key)) is not None else ""
    told = ", ".join(f"{k} {params[k]}" for k in ("max_new_tokens", "seed", *SAMPLING, "thinking")
                     if params.get(k) is not None)
    own = [f"{k} {v}" for k, v in OWN.items() if params.get(k) is None] if params["sampling"] else []
    sys_said = f", its system text {cut(params['system'], 60)!r}" if params["system"] else ", no system text"
    used = {key, *TOKENS, *SAMPLING, *THINKING, "seed", "do_sample", "control_after_generate", *n.links}
    used |= {i.name for i in t.inputs if "system" in i.name.lower() and i.type == "STRING"}
    presets = _presets(wf, n, t)
    used |= set(presets)
    left = [f"{k} {v!r}" for k, v in n.settings().items() if k not in used and not MODEL_SETTING.fullmatch(k)]
    kept = [f"{k} {v!r}" for k, v in (loader.settings() if loader is not None else {}).items() if v != name]
    left += [f"{_name(loader)}'s {', '.join(kept)}"] if kept else []
    what = "Gemma 4 file" if FILE.search(name) else "folder"
    line = (f"{_name(n)} writes a text with its language model {name!r}{whose}, asked the words on '{key}'{given} "
            f"({cut(params['prompt'], 80)!r}){sys_said}: made as Studio's Generate Text, model {params['model']!r} "
            f"(a {what}" + (", looked for as typed, beside the graph, under a models folder or its LLM/, "
                            "prompt_generator/, text_encoders/ or smol/: a language model's folder in transformers' "
                            "layout; one it cannot read is refused when it runs, naming the cause"
                            if what == "folder" else "")
            + f"){', ' + told if told else ''}, sampling {'on' if params['sampling'] else 'off: greedy'}"
            + (f" (Generate Text's own {', '.join(own)}, which it does not set)" if own else "")
            + f", its text wired into {caption_made.wired(p)}{around}; "
            + ("its text is sampled anew, so its words may differ from those ComfyUI's node writes"
               if params["sampling"] else "its words may differ from those ComfyUI's node writes")
            + (f"; its {', '.join(f'{k!r} {wf.value(n, k)!r}' for k in presets)} not applied (a choice whose words "
               "its pack keeps" + ("; Generate Text's system text is the node's own" if params["system"] else
                                   ": write them in Generate Text's 'system'") + ")" if presets else "")
            + (f"; {'' if left[0].startswith(chr(39)) else 'its '}{', '.join(left)} not applied (Studio loads and "
               "runs the model its own way)" if left else "")
            + (f" (the text {cut(p.stale, 60)!r} the encoder saved is not used: ComfyUI replaces it with the "
               "model's)" if p.stale else ""))
    return line, line
