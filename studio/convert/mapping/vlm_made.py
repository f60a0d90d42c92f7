"""A vision-language model's text of a picture on its way into a prompt (1038lab's AILab_QwenVL writing the prompt from
the start picture), told by the declared types: a node its pack declares with a picture in (IMAGE, wired), a STRING
out and a model, named by its own setting (a 'model_name' combo) or by the loader wired to a model socket. Where that
model is a Qwen2.5-VL or Qwen3-VL folder (by its name, not a file: what Studio's Caption runs through transformers'
own classes), it is made as Caption (nodes/encoders/caption.py): that model, the words the node is asked as the
instruction (a system prompt as its system), its max tokens and seed, its text wired into the generator's prompt as
caption_made.place wires Florence-2's; else why not, in words that name what is needed (the caller keeps its hold:
mapping/captions.py). None where the node is not one by its types. Plain data; linear in the workflow's size."""
from __future__ import annotations

import re

from studio.core.shown import cut

from .. import catalogue
from ..reading.workflow import CNode
from . import caption_made, cloud_nodes

QWEN_VL = re.compile(r"qwen[\W_]*(2[._]?5|3)[\W_]*vl", re.I)  # Qwen2.5-VL, Qwen2_5-VL, qwen3-vl, Qwen3VL
FILE = re.compile(r"\.(gguf|safetensors|sft|bin|pt|pth|ckpt|onnx)\b", re.I)  # one file, not a folder
MODEL_TYPE = re.compile(r"MODEL|LLM|VLM|QWEN|CONNECT|OLLAMA", re.I)  # a socket giving a model or a connection to one
MODEL_SETTING = re.compile(r"(model|llm|vlm)(_?name|_?id|_?path)?", re.I)
NOT_ASKED = ("url", "api", "key", "path", "file", "model", "format", "stop", "keep_alive", "negative", "seed",
             "device", "image", "video")  # STRING inputs that are not the words the model is asked
PRESET = re.compile(r"preset|template|caption_type|prompt_type|task", re.I)
TOKENS = ("max_tokens", "max_new_tokens", "max_length")
LLAMA_CPP = ("ctx", "n_ctx", "n_batch", "gpu_layers", "n_gpu_layers", "mmproj")  # a GGUF runner's own settings
RUNS = "Studio's Caption runs Florence-2, Qwen2.5-VL and Qwen3-VL folders in transformers' layout"
_name = CNode.named


def _model(wf, n: CNode, t) -> tuple[str | None, CNode | None] | None:
    """(the model's name or file, the loader it comes from) ``n`` runs, by its types; None where it runs none."""
    for i in t.inputs:
        if i.widget or i.name not in n.links or not MODEL_TYPE.search(i.type) or i.type in ("IMAGE", "MASK"):
            continue
        src = wf.source(n, i.name)
        if src is None:
            return None
        named = next((v for k, v in src.settings().items() if isinstance(v, str) and v.strip() and (
            any(w in k.lower() for w in ("model", "llm", "vlm", "ckpt")) or k.endswith("_name") or FILE.search(v))),
            None)
        return named, src
    for i in t.inputs:
        if i.widget and MODEL_SETTING.fullmatch(i.name) and i.type in ("COMBO", "STRING"):
            v = wf.value(n, i.name)
            return (v if isinstance(v, str) and v.strip() else None), None
    return None


def _asked(wf, n: CNode, t) -> tuple[str, str, str, list[str]] | str:
    """(the input holding the words the model is asked, those words, the system prompt, the presets not applied)
    by the inputs' names; else why not, in words."""
    texts = [i for i in t.inputs if i.type == "STRING"]
    system = [i.name for i in texts if "system" in i.name.lower()]
    user = [i.name for i in texts if "system" not in i.name.lower() and
            not any(w in i.name.lower() for w in NOT_ASKED)]
    values = {k: wf.value(n, k) for k in system + user}
    unknown = [k for k in system + user if values[k] is None and k in n.links]
    if unknown:
        return f"the words it is given on '{unknown[0]}' are not known when converting"
    filled = [k for k in user if isinstance(values[k], str) and values[k].strip()]
    presets = [i.name for i in t.inputs if i.widget and i.type == "COMBO" and PRESET.search(i.name)
               and isinstance(wf.value(n, i.name), str)]
    if len(filled) > 1:
        return f"it is given words on {', '.join(repr(k) for k in filled)}: which one it is asked is not known"
    if not filled:
        if presets:
            empty = f" ('{user[0]}' is empty)" if user else ""
            return (f"it is asked its {presets[0]!r} {wf.value(n, presets[0])!r}, whose words its pack keeps{empty}: "
                    "write them in a Caption's 'instruction'")
        if user:
            return (f"the words it asks the model are on no text input Studio reads (its "
                    f"{', '.join(repr(k) for k in user)} {'is' if len(user) == 1 else 'are'} empty): write them in a "
                    "Caption's 'instruction'")
        return "it takes no text input giving the words it asks the model: write them in a Caption's 'instruction'"
    sys_text = next((values[k] for k in system if isinstance(values[k], str) and values[k].strip()), "")
    return filled[0], values[filled[0]], sys_text, [f"{k} {wf.value(n, k)!r}" for k in presets]


def _why_not_model(model: str | None, loader: CNode | None, t) -> str | None:
    """Why Caption cannot run the model named ``model``, in words; None where it can."""
    whose = f" from {_name(loader)}" if loader is not None else ""
    if t.category.lower().startswith(cloud_nodes.API_CATEGORIES):  # ('api node/...', later 'partner/...')
        return f"it sends the picture to a cloud service (one of ComfyUI's API nodes): no local model; {RUNS}"
    if model is None and loader is not None and loader.settings():
        return f"no setting of {_name(loader)} Studio reads names the model it loads; {RUNS}"
    if model is None:
        return f"its model{whose} is not known when converting (the file does not save it); {RUNS}"
    served = [(loader, k) for k in loader.settings() if k.lower() in ("url", "host")] if loader is not None else []
    served += [(None, i.name) for i in t.inputs if i.name.lower() in ("url", "host")]
    if served:
        at = f"{_name(served[0][0])}'s" if served[0][0] is not None else "its"
        also = "; with the model's folder in transformers' layout a Caption can run it" if QWEN_VL.search(model) \
            else f"; {model!r} is not a Qwen2.5-VL or Qwen3-VL either"
        return f"its model {model!r}{whose} runs on the server at {at} '{served[0][1]}': {RUNS}{also}"
    if "gguf" in f"{t.name} {t.display}".lower() or any(i.name.lower() in LLAMA_CPP for i in t.inputs):
        also = "; with the model's folder in transformers' layout a Caption can run it" if QWEN_VL.search(model) else ""
        return f"it runs its model {model!r}{whose} as a GGUF file (llama.cpp's format): {RUNS}{also}"
    if FILE.search(model):
        return f"its model {model!r}{whose} is one file ({model.rsplit('.', 1)[-1]}), not a folder: {RUNS}"
    if not QWEN_VL.search(model):
        return f"its model {model!r}{whose} is not a Qwen2.5-VL or Qwen3-VL: {RUNS}"
    return None


def make(b, n: CNode, slot: int, way: list[tuple[CNode, str]] | None) -> tuple[str, str] | str | None:
    """The Caption made for ``n`` (its text on output ``slot`` reaching the prompt the way ``way`` goes): (the
    note's sentence, the Log's); else why not, in words; None where ``n`` is not a vision-language model's node."""
    wf = b.wf
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not t.outputs or t.outputs[slot].type != "STRING":
        return None
    pics = [i.name for i in t.inputs if i.type == "IMAGE" and i.name in n.links]
    got = _model(wf, n, t)
    if not pics or got is None:
        return None
    model, loader = got
    why = _why_not_model(model, loader, t)
    if why is not None:
        return why
    if len(pics) > 1 or "video" in pics[0].lower():
        return f"it reads {' and '.join(repr(k) for k in pics)}, and Studio's Caption one picture"
    asked = _asked(wf, n, t)
    if isinstance(asked, str):
        return asked
    if way is None:
        return "its way to the prompt is not one"
    key, words, system, presets = asked
    tokens = next((v for k in TOKENS if isinstance(v := wf.value(n, k), int)), None)
    seed = wf.value(n, "seed")
    folder = caption_made.folder_of(model)
    params = {"model": folder, "every": 0, "instruction": words, "system": system,
              "max_tokens": min(max(tokens, 1), 4096) if tokens is not None else None,
              "seed": seed if isinstance(seed, int) and 0 <= seed < 2 ** 32 else None}
    placed = caption_made.place(b, n, way, params, pics[0])
    if isinstance(placed, str):
        return placed
    if loader is not None:
        b.used.add(loader.id)
    b.used.update(_feeding(wf, n, [key] + [k for k in n.links if "system" in k.lower()]))
    return _said(b, n, (model, loader, folder), (key, words, system, presets), params, placed)


def _feeding(wf, n: CNode, names: list[str]) -> set[str]:
    """The nodes whose texts make the words given on ``names`` (read: a text node, a join), ``n`` not included."""
    out: set[str] = set()
    todo = [s for k, (s, _) in n.links.items() if k in names]
    while todo and len(out) < 64:
        k = todo.pop()
        if k in out or (m := wf.nodes.get(k)) is None:
            continue
        out.add(k)
        todo += [s for s, _ in m.links.values()]
    return out


def _said(b, n: CNode, model: tuple, asked: tuple, params: dict, p: caption_made.Placed) -> tuple[str, str]:
    """The sentence of the Caption made (the note's, the Log's)."""
    wf, (name, loader, folder), (key, words, system, presets) = b.wf, model, asked
    after_pic, around, first = caption_made.said_around(b, p, "reads")
    whose = f" from {_name(loader)}" if loader is not None else ""
    given = f" (from {_name(src)})" if (src := wf.source(n, key)) is not None else ""
    sys_said = f", its system prompt {cut(system, 60)!r}" if system else ""
    told = ", ".join(f"{k} {params[k]}" for k in ("max_tokens", "seed") if params.get(k) is not None)
    t = catalogue.node_type(n.origin or n.cls)
    used = {key, *TOKENS, "seed", "control_after_generate", *n.links, *(k.split(" ")[0] for k in presets)}
    used |= {i.name for i in t.inputs if "system" in i.name.lower()} if system else set()
    left = [f"{k} {v!r}" for k, v in n.settings().items() if k not in used and not MODEL_SETTING.fullmatch(k)]
    line = (f"{_name(n)} writes a text of the picture of Studio's {b.g.nodes[p.made].label!r}{first}{after_pic} "
            f"with its model {name!r}{whose}, asked the words on '{key}'{given}: made as Studio's Caption, model "
            f"{folder!r} (looked for as typed, under a models folder or its LLM/, LLM/Qwen-VL/, VLM/ or "
            "prompt_generator/: a Qwen2.5-VL or Qwen3-VL folder in transformers' layout, run from its safetensors; "
            "another is refused when it runs, naming the file), its instruction those words "
            f"({cut(words, 80)!r}){sys_said}{', ' + told if told else ''}, its text wired into "
            f"{caption_made.wired(p)}{around}; Studio's Caption decodes greedily, so its words may differ from those "
            "ComfyUI's node writes" + (f"; its {', '.join(presets)} not applied (it is asked the words on "
                                       f"'{key}')" if presets else "") +
            (f"; its {', '.join(left)} not applied (Studio loads and runs the model its own way)" if left else "") +
            (f" (the text {cut(p.stale, 60)!r} the encoder saved is not used: ComfyUI replaces it with the model's)"
             if p.stale else ""))
    return line, line
