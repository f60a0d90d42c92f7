"""A prompt written when the workflow runs by a node Studio does not run (issue 112, prompts written by nodes), read by
its declared types: a node giving a STRING that reaches a text encoder's text (directly, through text joins or nodes
passing anything on), which runs a model of its own (a model, CLIP or connection wired in, or a setting naming a
model: an LLM prompt enhancer, an Ollama or Qwen node) and takes the user's words as a STRING input (a setting or a
text node wired in), but no picture, clip or sound (a captioner's words are an instruction about its picture, not the
prompt: held as before). The prompt becomes those words, joined as the workflow joins them, with one sentence naming
the node, its input and what is not applied. Where any step of the way is not known, None: the caller keeps its hold.
Plain stdlib."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from studio.core.shown import cut

from .. import catalogue
from ..families import registry as families
from ..reading.line_pick import by_place
from ..reading.pass_any import any_through
from ..reading.workflow import CNode, Workflow
from ..values import strings

PLAIN = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO", "*", ""})
MEDIA = frozenset({"IMAGE", "MASK", "VIDEO", "AUDIO", "LATENT"})
# ComfyUI's own diffusion types: a node taking one works on the picture's model (a wildcard node loading LoRAs on
# it), not a language model writing words
DIFFUSION = frozenset({"MODEL", "VAE", "CONDITIONING", "CLIP_VISION", "CLIP_VISION_OUTPUT", "CONTROL_NET",
                       "STYLE_MODEL", "UPSCALE_MODEL", "GLIGEN", "SIGMAS", "NOISE", "SAMPLER", "GUIDER"})
# words naming a STRING input that instructs the model rather than holding the user's words (a system prompt)
INSTRUCTIONS = ("system", "instruction", "template", "preset", "negative", "url", "api", "key", "path", "file",
                "model", "format", "stop", "keep_alive")
MODEL_WORDS = ("model", "llm", "engine", "ckpt")  # a loader's setting naming the model it loads
# a socket type naming a model or a connection to one (a CLIP, an Ollama connection, LTXVideo's LTXV_PROMPT_ENHANCER,
# kijai's QWENMODEL), not a data structure (a schedule, a dictionary, a list, boxes)
MODEL_TYPE = re.compile(r"MODEL|LLM|CLIP|ENHANCER|OLLAMA|CONNECT|QWEN|GEMMA|GPT|VLM", re.I)
MODEL_SETTING = re.compile(r"(model|llm|engine)(_?name|_?id)?|\w+_(model|llm)", re.I)  # its own setting naming one
MODEL_FILE = re.compile(r"\.(gguf|safetensors|sft|bin|onnx)\b", re.I)  # a setting naming a model's file (a UI
# file's values of a node no pack declares are saved unnamed: a Qwen GGUF enhancer's 'model.Q6_K.gguf [~7.5GB]')
MAX_STEPS = 32  # nodes followed from the encoder's text back to the writer


@dataclass
class Written:
    text: str
    writers: list[tuple[CNode, str, str]] = field(default_factory=list)  # (node, the input read, its model in words)
    way: list[CNode] = field(default_factory=list)  # joins and pass-throughs read on the way


def _types(n: CNode) -> tuple[dict[str, str], list[str]]:
    """Its inputs' and outputs' types: its pack's declared ones, else the file's own."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None and t.outputs is not None:
        return {i.name: i.type for i in t.inputs}, list(t.output_types)
    ins = dict(n.in_types)
    ins.update({k: "STRING" for k, v in n.widgets.items() if isinstance(v, str) and k not in ins})
    return ins, list(n.out_types)


def _wired_types(wf: Workflow, n: CNode, ins: dict[str, str]) -> dict[str, str]:
    """``ins`` with the inputs an API file wires into a node no pack declares, each typed by what its source gives
    (as declared; a value worked out to a text: STRING)."""
    out = dict(ins)
    for k, (src, slot) in n.links.items():
        if out.get(k) or (m := wf.nodes.get(src)) is None:
            continue
        gives = _types(m)[1]
        kind = gives[slot] if 0 <= slot < len(gives) else ""
        out[k] = kind or ("STRING" if isinstance(wf.output(m, slot), str) else "")
    return out


def _setting(wf: Workflow, n: CNode, k: str):
    v = wf.value(n, k)
    return v if v is not None or k in n.links else by_place(n).get(k)


def _read_by_family(n: CNode) -> bool:
    """A node a family's mapping reads itself (LTX-2's Gemma enhancers: Studio's Enhance Prompt)."""
    cls = n.origin or n.cls
    return cls in families.declared() or families.lookup("pack_nodes").get(cls, ("",))[0] == "prompt"


def _model_words(wf: Workflow, n: CNode, ins: dict[str, str]) -> str | None:
    """The model ``n`` runs, in words: the file or name its model's loader (or its own setting) names, else that
    loader; None where it runs none by its types (a plain text step: not a writer)."""
    for k, kind in ins.items():
        if kind in PLAIN or kind in MEDIA or k not in n.links or not MODEL_TYPE.search(kind):
            continue
        src = wf.source(n, k)
        if src is None:
            continue
        named = next((v for key, v in src.settings().items() if isinstance(v, str) and v.strip() and (
            any(w in key.lower() for w in MODEL_WORDS) or key.endswith("_name") or MODEL_FILE.search(v))), None)
        return (f"{named!r} from {src.named()}" if named else f"the model {src.named()} gives")
    for k in ins:
        if MODEL_SETTING.fullmatch(k) and isinstance(v := _setting(wf, n, k), str) and v.strip():
            return repr(v)
    return next((repr(v) for v in n.settings().values() if isinstance(v, str) and MODEL_FILE.search(v)), None)


def _user_input(ins: dict[str, str], texts: dict[str, str]) -> str | None:
    """The input holding the user's words: the one STRING input not named as an instruction (a list of prompts, a
    node taking several texts, does not tell which: None), where its text is known and not empty."""
    left = [k for k, kind in ins.items() if kind == "STRING" and not any(w in k.lower() for w in INSTRUCTIONS)]
    return left[0] if len(left) == 1 and left[0] in texts else None


def _writer(wf: Workflow, n: CNode, slot: int, depth: int, acc: Written) -> str | None:
    """The words ``n`` is given, where it is a writer by its types (see the module's docstring); else None."""
    ins, outs = _types(n)
    ins = _wired_types(wf, n, ins)
    if outs and (not 0 <= slot < len(outs) or outs[slot] != "STRING") or _read_by_family(n):
        return None  # (an API file's node no pack declares saves no types: its output is read where a text is)
    if any(kind in MEDIA and k in n.links for k, kind in ins.items()):
        return None  # a picture, clip or sound read by the model: its words instruct it about them (a caption)
    if any(kind in DIFFUSION for kind in ins.values()):
        return None
    model = _model_words(wf, n, ins)
    if model is None:
        return None
    texts = {}
    for k, kind in ins.items():
        if kind != "STRING":
            continue
        src = wf.source(n, k) if k in n.links else None
        v = _text(wf, src, n.links[k][1], depth + 1, acc) if src is not None else _setting(wf, n, k)
        if isinstance(v, str) and v.strip():
            texts[k] = v
    k = _user_input(ins, texts)
    if k is None:
        return None
    acc.writers.append((n, k, model))
    return texts[k]


def _text(wf: Workflow, n: CNode | None, slot: int, depth: int, acc: Written) -> str | None:
    """The text output ``slot`` of ``n`` gives, a writer's output read as the words it is given; None if not known."""
    if n is None or depth > MAX_STEPS:
        return None
    v = wf.output(n, slot)
    if isinstance(v, str):
        return v
    if strings.is_join(n.cls) and slot == 0:
        names = list(dict.fromkeys([*n.widgets, *n.links]))

        def given(k: str):
            src = wf.source(n, k) if k in n.links else None
            return _text(wf, src, n.links[k][1], depth + 1, acc) if src is not None else n.widgets.get(k)
        out = strings.joined(names, given, any(k in names for k in strings.DELIMITERS), set(n.links))
        if out is not None:
            acc.way.append(n)
        return out
    if (k := any_through(wf, n, slot)) is not None and k in n.links:
        acc.way.append(n)
        return _text(wf, wf.source(n, k), n.links[k][1], depth + 1, acc)
    return _writer(wf, n, slot, depth, acc)


def written(wf: Workflow, encoder: CNode, name: str = "text") -> Written | None:
    """The text ``encoder``'s input ``name`` is given where one writer or more Studio does not run write it (each
    read as the words it is given); None where no writer is on the way or a text on it is not known."""
    src = wf.source(encoder, name)
    if src is None:
        return None
    acc = Written("")
    text = _text(wf, src, encoder.links[name][1], 0, acc)
    if text is None or not acc.writers:
        return None
    acc.text = text
    return acc


def said(w: Written, which: str) -> str:
    """The one sentence of a prompt so read: the writers, their inputs, what is not applied."""
    role = "prompt" if which != "negative" else "negative prompt ('negative_prompt')"
    who = "; ".join(f"{n.named()} writes its text from the words it is given on '{k}' with {model} when the "
                    "workflow runs" for n, k, model in w.writers)
    joins = [n.named() for n in w.way if strings.is_join(n.cls)]
    how = f" (joined as {', '.join(joins)} join{'s' if len(joins) == 1 else ''} it)" if joins else ""
    return (f"the {which} prompt is written by a node Studio does not run: {who}: not applied, the generator's {role} "
            f"takes those words{how}, {cut(w.text, 80)!r}")
