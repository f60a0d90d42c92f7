"""The RunningHub MiniMax H3 pack's take (exportAnything/ComfyUI_RH_MinMaxH3 @445fccb8, Apache-2.0: its
minimax_h3_nodes/api/*.py declarations and contracts/_impl.py target rules, read for meaning, no code of it here;
catalogued) read as the native MiniMax H3 take it makes, by the socket types the pack declares: a sampler taking
MINIMAX_H3_DIRECT_MODEL, MINIMAX_H3_CONDITIONING and MINIMAX_H3_AV_LATENT and giving MINIMAX_H3_AV_LATENT; the
model's loader (nothing of that type wired into it), the encode giving the conditioning (its prompt; its
MINIMAX_H3_TEXT_ENCODER loader; a MINIMAX_H3_FL_KEYFRAMES node's first / last IMAGE inputs as the start and last
picture), the empty latent made from a MINIMAX_H3_TARGET (its duration_seconds, width and height) and the decoder
taking a MINIMAX_H3_VAE_BUNDLE and the sampled latent (its IMAGE and AUDIO outputs: the take's pictures and sound).

What the pack declares of them: the target's frames are round(duration x 24) rounded up to 17n + 5 (5 s: 124); its
size is its width x height where both are set, else its canvas rule for the aspect ratio (contracts/_impl.py
``resolve_spatial_shape``: 768 on the short edge, at most 768 x 1344 pixels, sides to multiples of 32; a text take's
'auto' is 16:9, an image or reference take's 'auto' the first picture's shape, not known here: held); the
sampler's ``sigma_points`` N run N - 1 model calls ("50 sigma points produce 49 DiT forwards"), its ``sampler_mode``
'euler' or 'res_multistep' (ComfyUI's samplers of those names), its video / audio shifts 12 / 3 by default (MiniMax H3's
own), no negative prompt and no guidance. Held as before (not read): a reference-to-video encode, a sampler denoising
the sound only (``denoise_video`` off), a model wired through another node (a frame-rate or attention patch), a
latent made another way (encoded frames, split or joined streams), an 'auto' size taken from a picture.
The loaders' files are the pack's own conversions of the sharded release (``MiniMax-H3-FL2VA-int8_convrot``,
``qwen3-vl-32b-int8_convrot``, ``MiniMax-H3-video_vae`` / ``-audio_vae``): set on Load Video Model as they are, each
checked when it loads (comfy_file.interleaved: the DiT's q/k/v rows read per head, as the pack's loader reads them).
Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, Workflow, in_type, out_types

from .comfy_native import add, rewire, take

MODEL, TEXT, VAES = "MINIMAX_H3_DIRECT_MODEL", "MINIMAX_H3_TEXT_ENCODER", "MINIMAX_H3_VAE_BUNDLE"
TARGET, COND, AV = "MINIMAX_H3_TARGET", "MINIMAX_H3_CONDITIONING", "MINIMAX_H3_AV_LATENT"
KEYS, REFS = "MINIMAX_H3_FL_KEYFRAMES", "MINIMAX_H3_REFERENCES"
FPS, SHIFTS, MODES = 24, (12.0, 3.0), ("euler", "res_multistep")
SHORT, MOST, MULTIPLE = 768, 768 * 1344, 32  # the pack's canvas rule: short edge, pixels at most, multiple


def frames(seconds: float) -> int:
    """The pack's frame count of a duration: round(seconds x 24), rounded up to 17n + 5."""
    n = max(1, int(round(seconds * FPS)))
    return n + (5 - n) % 17


def canvas(aspect: str) -> tuple[int, int] | None:
    """The pack's size for an aspect ratio 'W:H' (its adapt_shape_v1 rule): the short edge 768, the long one by the
    ratio; scaled down to 768 x 1344 pixels where more; each side to its nearest multiple of 32. None: no W:H."""
    try:
        w, h = (float(x) for x in aspect.split(":"))
    except (AttributeError, ValueError):
        return None
    if w <= 0 or h <= 0 or not 0.25 <= w / h <= 4.0:
        return None
    nw, nh = (SHORT * w / h, SHORT) if w >= h else (SHORT, SHORT * h / w)
    if nw * nh > MOST:
        k = (MOST / (nw * nh)) ** 0.5
        nw, nh = nw * k, nh * k
    return tuple(max(MULTIPLE, int(round(x / MULTIPLE)) * MULTIPLE) for x in (nw, nh))


def _size(wf: Workflow, t: CNode) -> tuple[int, int, str] | None:
    """The target's width x height and how it was told ('' set; else the aspect rule's words); None where the pack
    takes it from a picture (an 'auto' target fed keyframes or references) or it is not a constant."""
    w, h, aspect = wf.value(t, "width"), wf.value(t, "height"), wf.value(t, "aspect_ratio")
    if isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0:
        return w, h, ""
    if w not in (0, None) or h not in (0, None) or not isinstance(aspect, str):
        return None
    if aspect == "auto" and (KEYS in _takes(t).values() or REFS in _takes(t).values()):
        return None  # the first picture's own shape: known only when it runs
    got = canvas("16:9" if aspect == "auto" else aspect)
    return None if got is None else (*got, f" by the pack's canvas rule for '{aspect}' (768 on the short edge, at most "
                                            "768 x 1344 pixels, sides to multiples of 32)")


def _takes(n: CNode) -> dict[str, str]:
    return {k: in_type(n, k) for k in n.links}


def _from(wf: Workflow, n: CNode, kind: str) -> CNode | None:
    """The node wired into ``n``'s input of declared type ``kind``."""
    src = next((s for k, (s, _) in n.links.items() if in_type(n, k) == kind), None)
    return wf.nodes.get(src) if src is not None else None


def _files(n: CNode) -> list[str]:
    """The model files a loader names (its values ending in a weights file's extension), in its order."""
    values = n.widgets.values() if n.widgets else (n.raw if isinstance(n.raw, list) else [])
    return [v for v in values if isinstance(v, str) and v.lower().endswith((".safetensors", ".gguf", ".sft"))]


def _loader(wf: Workflow, n: CNode | None, kind: str) -> CNode | None:
    """``n`` where it is a loader of ``kind`` (nothing of that type wired into it, a file named), else None."""
    if n is None or kind in _takes(n).values() or kind not in out_types(wf, n) or not _files(n):
        return None
    return n


def _decoder(wf: Workflow, s: CNode) -> CNode | None:
    return next((m for m in wf.nodes.values() if m.enabled and VAES in _takes(m).values() and any(
        src == s.id and in_type(m, k) == AV for k, (src, _) in m.links.items())), None)


def _pictures(wf: Workflow, keys: CNode | None) -> dict:
    """The start and last pictures' links of a keyframes node, by its declared IMAGE inputs' names."""
    if keys is None:
        return {}
    got = {}
    for k, link in keys.links.items():
        if in_type(keys, k) == "IMAGE":
            got["last_frame" if "last" in k else "first_frame"] = link
    return got


def _parts(wf: Workflow, s: CNode) -> dict | None:
    """The take's nodes around sampler ``s``, found by their declared types; None where one is not read here."""
    enc, latent = _from(wf, s, COND), _from(wf, s, AV)
    model = _loader(wf, _from(wf, s, MODEL), MODEL)
    if enc is None or latent is None or model is None or REFS in _takes(enc).values():
        return None
    target, keys = _from(wf, latent, TARGET), _from(wf, enc, KEYS)
    text, dec = _loader(wf, _from(wf, enc, TEXT), TEXT), _decoder(wf, s)
    vaes = _loader(wf, _from(wf, dec, VAES), VAES) if dec is not None else None
    if target is None or set(_takes(latent).values()) != {TARGET} or text is None or vaes is None:
        return None
    if TARGET in _takes(enc).values() and _from(wf, enc, TARGET) is not target:
        return None
    return {"enc": enc, "latent": latent, "model": model, "target": target, "keys": keys, "text": text, "dec": dec,
            "vaes": vaes}


def _settings(wf: Workflow, s: CNode, p: dict) -> tuple[dict, dict] | None:
    """(MiniMaxH3ImageToVideo's prompt / width / height / length, the KSampler's settings); None where not read."""
    t, v = p["target"], (lambda n, k: wf.value(n, k))
    seconds, size, prompt = v(t, "duration_seconds"), _size(wf, t), v(p["enc"], "prompt")
    points, mode, seed = v(s, "sigma_points"), v(s, "sampler_mode") or "euler", v(s, "seed")
    if not isinstance(seconds, (int, float)) or size is None:
        return None
    w, h, p["size_said"] = size
    if not isinstance(prompt, str) or not isinstance(points, int) or points < 2 or mode not in MODES:
        return None
    if v(s, "denoise_video") is False or not isinstance(seed, int):
        return None
    task = {"prompt": prompt, "width": w, "height": h, "length": frames(float(seconds))}
    return task, {"seed": seed, "steps": points - 1, "cfg": 1.0, "sampler_name": mode, "scheduler": "simple"}


def _words(wf: Workflow, s: CNode, p: dict, task: dict, sampling: dict, pics: dict) -> list[str]:
    who = s.named()
    kind = "image" if "first_frame" in pics else "text"
    said = [f"{who} is read as MiniMax H3 {kind} to video (its nodes' declared types: the loaders, "
            f"{p['enc'].named()}'s prompt, {p['target'].named()}'s {wf.value(p['target'], 'duration_seconds'):g} s as "
            f"{task['length']} frames at 24 fps, the pack's 17n + 5 rounding up, and {task['width']} x {task['height']}"
            f"{p['size_said']}, "
            f"{p['dec'].named()}'s pictures and sound): its {sampling['steps'] + 1} sigma points as {sampling['steps']} "
            f"steps (the pack runs one model call fewer than its points), sampler {sampling['sampler_name']}, no negative "
            "prompt and cfg 1, as the pack samples"]
    shifts = (wf.value(s, "video_shift"), wf.value(s, "audio_shift"))
    if all(isinstance(x, (int, float)) for x in shifts) and tuple(map(float, shifts)) != SHIFTS:
        said.append(f"{who}'s video / audio shifts {shifts[0]:g} / {shifts[1]:g} are not applied: Studio runs MiniMax "
                    "H3's own schedulers (shifts 12 / 3)")
    accel = wf.value(s, "accel")
    if isinstance(accel, str) and accel != "off":
        said.append(f"{who}'s accel '{accel}' (the pack's approximate caching of model calls) is not applied: every "
                    "step runs the model")
    files = [f for n in (p["model"], p["text"], p["vaes"]) for f in _files(n)]
    said.append(f"the pack's own model files ({', '.join(files)}) are set on Load Video Model as they are: Studio "
                "reads a MiniMax H3 DiT, VAE and Qwen3-VL file in ComfyUI's layout (a DiT file named by the pack's "
                "rule, MiniMax-H3-<partition>-<format>, with its q/k/v rows per head, as the pack's loader reads it), "
                "each checked when it loads and refused in words where it is in another layout; the pack's model_root "
                "release folder is not read: set Load Video Model's 'base' to a MiniMax H3 diffusers folder where they "
                "are refused")
    return said


def _sampler(wf: Workflow, n: CNode) -> bool:
    return n.enabled and {MODEL, COND, AV} <= set(_takes(n).values()) and AV in out_types(wf, n)


def _loaders(wf: Workflow, p: dict) -> dict:
    """The native loaders of the pack's files, each named as its loader: UNETLoader, CLIPLoader (type 'minimax'),
    the video and the audio VAELoader (the bundle's file naming 'audio' is the audio VAE's)."""
    vaes = _files(p["vaes"])
    audio = next((f for f in vaes if "audio" in f.lower()), None)
    video = next((f for f in vaes if f != audio), None)
    m, t, bundle = p["model"], p["text"], p["vaes"]
    return {"model": add(wf, m, f"{m.id}.rh", "UNETLoader", {"unet_name": _files(m)[0], "weight_dtype": "default"}, {}),
            "clip": add(wf, t, f"{t.id}.rh", "CLIPLoader", {"clip_name": _files(t)[0], "type": "minimax",
                                                             "device": "default"}, {}),
            "video_vae": add(wf, bundle, f"{bundle.id}.rh_video", "VAELoader", {"vae_name": video}, {}) if video else None,
            "audio_vae": add(wf, bundle, f"{bundle.id}.rh_audio", "VAELoader", {"vae_name": audio}, {}) if audio else None}


def _drop(wf: Workflow, nodes: list[CNode]) -> None:
    """The pack's nodes the take stands for removed, each once nothing left reads it (again until none goes)."""
    left = [n for n in nodes if n is not None]
    while True:
        read = {src for m in wf.nodes.values() for src, _ in m.links.values()}
        gone = [n for n in left if n.id in wf.nodes and n.id not in read]
        if not gone:
            return
        for n in gone:
            del wf.nodes[n.id]
        wf.__dict__.pop("_consumers", None)  # (the table of who reads whom made again: comfy_native.rewire)


def translate(wf: Workflow) -> list[str]:
    """The pack's MiniMax H3 takes read as native MiniMax H3 takes (in place); what is said."""
    said = []
    for s in [n for n in wf.nodes.values() if _sampler(wf, n)]:
        p = _parts(wf, s)
        got = _settings(wf, s, p) if p is not None else None
        if got is None:
            continue
        task, sampling = got
        pics = _pictures(wf, p["keys"])
        wires = {**_loaders(wf, p), **pics}
        frames_out, sound = take(wf, s, f"{s.id}.rh", task, sampling, wires)
        wf.nodes[f"{s.id}.rh.sampler"].worded.update(  # said in the pack's words: it names no scheduler
            sampler=f"{s.cls}'s sampler_mode '{sampling['sampler_name']}'", scheduler="")
        said += _words(wf, s, p, task, sampling, pics)
        rewire(wf, p["dec"].id, {0: frames_out, 1: sound})
        del wf.nodes[s.id]
        _drop(wf, [p["enc"], p["latent"], p["keys"], p["target"], p["model"], p["text"], p["vaes"]])
    return said
