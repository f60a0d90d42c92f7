"""A vision-language model's text of a picture or a clip on its way into a prompt (1038lab's AILab_QwenVL writing the
prompt from the start picture or from a clip's frames), told by the declared types: a node its pack declares with a
picture or clip in (IMAGE or VIDEO, wired), a STRING out and a model, named by its own setting (a 'model_name' combo)
or by the loader wired to a model socket. Where that model is one of KINDS by its name (a folder, not a file: what
Studio's Caption runs through transformers' own classes: Qwen2.5-VL, Qwen3-VL, JoyCaption's LLaVA layout, Llama 3.2
Vision, Idefics3 / SmolVLM), it is made as Caption (nodes/encoders/caption.py): that model, the words the node is asked
as the instruction (a system prompt as its system), its max tokens and seed, a clip's frame count (sampled evenly, at
most 16: the pack's frame_count, as 1038lab's AILab_QwenVL.py picks them with np.linspace), its text wired into the
generator's prompt as caption_made.place wires Florence-2's; else why not, in words that name what is needed (the
caller keeps its hold: mapping/captions.py). None where the node is not one by its types. Plain data; linear in the
workflow's size."""
from __future__ import annotations

import re

from studio.core.shown import cut

from .. import catalogue
from ..reading.workflow import CNode
from . import caption_made, cloud_nodes

QWEN_VL = re.compile(r"qwen[\W_]*(2[._]?5|3)[\W_]*vl", re.I)  # Qwen2.5-VL, Qwen2_5-VL, qwen3-vl, Qwen3VL
# the kinds Caption runs (nodes/encoders/vlm_native.py), told by the model's name: JoyCaption's transformers layout is
# its '-hf-llava' repositories (fancyfeast/llama-joycaption-beta-one-hf-llava); SmolVLM2 (another processor) is not one
KINDS = ((QWEN_VL, "Qwen2.5-VL / Qwen3-VL"),
         (re.compile(r"joycaption[\w.-]*?hf[\W_]*llava", re.I), "JoyCaption (LLaVA layout)"),
         (re.compile(r"llama[\W_]*3[._]2[\W_]*(\d+b[\W_]*)?vision", re.I), "Llama 3.2 Vision"),
         (re.compile(r"smolvlm(?!2)|idefics[\W_]*3", re.I), "Idefics3 / SmolVLM"))
CLIP_INPUT = re.compile(r"video|frame", re.I)  # an IMAGE input given a clip's frames by its name
FRAME_COUNT = ("frame_count", "frame_sample_count", "num_frames", "max_frames")
MAX_FRAMES = 16  # Caption's most frames read together (nodes/encoders/vlm_native.py)
FILE = re.compile(r"\.(gguf|safetensors|sft|bin|pt|pth|ckpt|onnx)\b", re.I)  # one file, not a folder
MODEL_TYPE = re.compile(r"MODEL|LLM|VLM|QWEN|CONNECT|OLLAMA", re.I)  # a socket giving a model or a connection to one
MODEL_SETTING = re.compile(r"(model|llm|vlm)(_?name|_?id|_?path)?", re.I)
NOT_ASKED = ("url", "api", "key", "path", "file", "model", "format", "stop", "keep_alive", "negative", "seed",
             "device", "image", "video")  # STRING inputs that are not the words the model is asked
PRESET = re.compile(r"preset|template|caption_type|prompt_type|task", re.I)
TOKENS = ("max_tokens", "max_new_tokens", "max_length")
LLAMA_CPP = ("ctx", "n_ctx", "n_batch", "gpu_layers", "n_gpu_layers", "mmproj")  # a GGUF runner's own settings
RUNS = ("Studio's Caption runs Florence-2, Qwen2.5-VL, Qwen3-VL, JoyCaption's LLaVA layout, Llama 3.2 Vision and "
        "Idefics3 / SmolVLM folders in transformers' layout")
_name = CNode.named


def model_of(wf, n: CNode, t) -> tuple[str | None, CNode | None] | None:
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


def asked(wf, n: CNode, t) -> tuple[str, str, str, list[str]] | str:
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


def kind_of(model: str) -> str | None:
    """The kind of vision-language model Caption runs that ``model`` names; None where it names none."""
    return next((said for name, said in KINDS if name.search(model)), None)


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
        also = "; with the model's folder in transformers' layout a Caption can run it" if kind_of(model) \
            else f"; {model!r} is not one of those either"
        return f"its model {model!r}{whose} runs on the server at {at} '{served[0][1]}': {RUNS}{also}"
    if "gguf" in f"{t.name} {t.display}".lower() or any(i.name.lower() in LLAMA_CPP for i in t.inputs):
        also = "; with the model's folder in transformers' layout a Caption can run it" if kind_of(model) else ""
        return f"it runs its model {model!r}{whose} as a GGUF file (llama.cpp's format): {RUNS}{also}"
    if FILE.search(model):
        return f"its model {model!r}{whose} is one file ({model.rsplit('.', 1)[-1]}), not a folder: {RUNS}"
    if not kind_of(model):
        return f"its model {model!r}{whose} is not one of the kinds Caption runs, by its name: {RUNS}"
    return None


def make(b, n: CNode, slot: int, way: list[tuple[CNode, str]] | None) -> tuple[str, str] | str | None:
    """The Caption made for ``n`` (its text on output ``slot`` reaching the prompt the way ``way`` goes): (the
    note's sentence, the Log's); else why not, in words; None where ``n`` is not a vision-language model's node."""
    wf = b.wf
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not t.outputs or t.outputs[slot].type != "STRING":
        return None
    pics = [i.name for i in t.inputs if i.type in ("IMAGE", "VIDEO") and i.name in n.links]
    got = model_of(wf, n, t)
    if not pics or got is None:
        return None
    model, loader = got
    why = _why_not_model(model, loader, t)
    if why is not None:
        return why
    if len(pics) > 1:
        return f"it reads {' and '.join(repr(k) for k in pics)} together, and Studio's Caption one picture or one clip"
    frames = _frames(wf, n, t, pics[0])
    words_of = asked(wf, n, t)
    if isinstance(words_of, str):
        return words_of
    if way is None:
        return "its way to the prompt is not one"
    key, words, system, presets = words_of
    tokens = next((v for k in TOKENS if isinstance(v := wf.value(n, k), int)), None)
    seed = wf.value(n, "seed")
    folder = caption_made.folder_of(model)
    params = {"model": folder, "every": 0, "frames": frames[0], "instruction": words, "system": system,
              "max_tokens": min(max(tokens, 1), 4096) if tokens is not None else None,
              "seed": seed if isinstance(seed, int) and 0 <= seed < 2 ** 32 else None}
    placed = caption_made.place(b, n, way, params, pics[0])
    if isinstance(placed, str):
        return placed
    if loader is not None:
        b.used.add(loader.id)
    b.used.update(feeding(wf, n, [key] + [k for k in n.links if "system" in k.lower()]))
    return _said(b, n, (model, loader, folder), (key, words, system, presets), params, (placed, frames))


def _frames(wf, n: CNode, t, given: str) -> tuple[int, str | None, int | None]:
    """(the frames Caption reads together, the frame-count setting read, its value where over MAX_FRAMES) of the
    picture or clip on ``given``: 1 for a picture (ComfyUI's packs read a batch's first: AILab_QwenVL.py's
    tensor_to_pil), else the node's frame count (its setting; where it saves none, MAX_FRAMES)."""
    if not (CLIP_INPUT.search(given) or next(i.type for i in t.inputs if i.name == given) == "VIDEO"):
        return 1, None, None
    key = next((k for k in FRAME_COUNT if isinstance(wf.value(n, k), int)), None)
    count = wf.value(n, key) if key is not None else MAX_FRAMES
    return min(max(count, 1), MAX_FRAMES), key, (count if count > MAX_FRAMES else None)


def feeding(wf, n: CNode, names: list[str]) -> set[str]:
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


def _said(b, n: CNode, model: tuple, asked: tuple, params: dict, placed: tuple) -> tuple[str, str]:
    """The sentence of the Caption made (the note's, the Log's)."""
    wf, (name, loader, folder), (key, words, system, presets) = b.wf, model, asked
    p, (frames, count_key, over) = placed
    after_pic, around, first = caption_made.said_around(b, p, "reads")
    if not any(o.type == "Video" for o in b.g.nodes[p.made].spec.outputs):  # (a still given as the clip)
        frames, count_key = 1, None
    if frames == 1 and count_key is not None:
        first = f" (the clip's first frame: its '{count_key}' 1; ComfyUI's node gives it to the model as a video)"
    elif frames > 1:
        first = (f" ({frames} frames of the clip sampled evenly, first to last (all of them where it has fewer), "
                 "read together as pictures" +
                 (f": its '{count_key}' {over} kept at {MAX_FRAMES}, the most Caption reads" if over else
                  f" (its '{count_key}')" if count_key else ", the most Caption reads: the file saves no frame count "
                  "for ComfyUI's node") + "; ComfyUI's node gives them to the model as a video)")
    whose = f" from {_name(loader)}" if loader is not None else ""
    given = f" (from {_name(src)})" if (src := wf.source(n, key)) is not None else ""
    sys_said = f", its system prompt {cut(system, 60)!r}" if system else ""
    told = ", ".join(f"{k} {params[k]}" for k in ("max_tokens", "seed") if params.get(k) is not None)
    t = catalogue.node_type(n.origin or n.cls)
    used = {key, *TOKENS, *([count_key] if count_key else ()), "seed", "control_after_generate", *n.links,
            *(k.split(" ")[0] for k in presets)}
    used |= {i.name for i in t.inputs if "system" in i.name.lower()} if system else set()
    left = [f"{k} {v!r}" for k, v in n.settings().items() if k not in used and not MODEL_SETTING.fullmatch(k)]
    kept = [f"{k} {v!r}" for k, v in (loader.settings() if loader is not None else {}).items() if v != name]
    left += [f"{_name(loader)}'s {', '.join(kept)}"] if kept else []
    what = "clip" if count_key or frames > 1 else "picture"
    line = (f"{_name(n)} writes a text of the {what} of Studio's {b.g.nodes[p.made].label!r}{first}{after_pic} "
            f"with its model {name!r}{whose}, asked the words on '{key}'{given}: made as Studio's Caption, model "
            f"{folder!r} (looked for as typed, under a models folder or its LLM/, LLM/Qwen-VL/, VLM/, "
            f"prompt_generator/, LLavacheckpoints/ or smol/: its folder in transformers' layout ({kind_of(name)}), "
            "run from its safetensors; "
            "another is refused when it runs, naming the file), its instruction those words "
            f"({cut(words, 80)!r}){sys_said}{', ' + told if told else ''}, its text wired into "
            f"{caption_made.wired(p)}{around}; Studio's Caption decodes greedily, so its words may differ from those "
            "ComfyUI's node writes" + (f"; its {', '.join(presets)} not applied (it is asked the words on "
                                       f"'{key}')" if presets else "") +
            (f"; {'' if left[0].startswith(chr(39)) else 'its '}{', '.join(left)} not applied (Studio loads and runs "
             "the model its own way)" if left else "") +
            (f" (the text {cut(p.stale, 60)!r} the encoder saved is not used: ComfyUI replaces it with the model's)"
             if p.stale else ""))
    return line, line
