"""ArtVentureX's 2023 AnimateDiff pack (ArtVentureX/comfyui-animatediff, Apache-2.0), read for its node names, inputs
and widget order (animatediff/nodes.py and sampler.py at 08aad389); nothing of it is copied. Its
AnimateDiffModuleLoader gives a MOTION_MODULE ('model_name', a file of its models folder) to AnimateDiffSampler, a
subclass of ComfyUI's KSampler taking that module, an 'inject_method', a 'frame_number' and optional
'sliding_window_opts' besides KSampler's own inputs. The sampler is read as ComfyUI's KSampler (its motion module
and window options kept wired on it, so the loader is upstream and claims the pipeline for AnimateDiff, as
AnimateDiff-Evolved's loaders do), its 'frame_number' as the take's frames: the pack repeats the latent's last frame
up to that many (a latent of more frames keeps them all) and samples with ComfyUI's 'sqrt_linear' betas, which it
sets itself. Its AnimateDiffSlidingWindowOptions are context options read as Evolved's (context_length,
context_overlap, context_stride, closed_loop; its 'uniform' schedule shifts the windows from step to step, as
Evolved's does); its AnimateDiffLoraLoader a motion LoRA (lora_name, alpha) on the module's 'lora_stack'. Plain
data."""
from __future__ import annotations

from studio.convert.api import CONTROL, node_type

LOADER = "AnimateDiffModuleLoader"
SAMPLER = "AnimateDiffSampler"
WINDOWS = "AnimateDiffSlidingWindowOptions"
LORA = "AnimateDiffLoraLoader"
# the pack's nodes read here: their widgets in the order a UI file saves them (INPUT_TYPES, required then optional)
WIDGETS = {
    LOADER: ("model_name",),
    LORA: ("lora_name", "alpha"),
    SAMPLER: ("inject_method", "frame_number", "seed", CONTROL, "steps", "cfg", "sampler_name", "scheduler", "denoise"),
    WINDOWS: ("context_length", "context_stride", "context_overlap", "context_schedule", "closed_loop"),
}
OWN = ("motion_module", "inject_method", "frame_number", "sliding_window_opts")  # the sampler's inputs beyond KSampler's


def translate(wf) -> list[str]:
    """Each AnimateDiffSampler read as ComfyUI's KSampler, in place (its own inputs kept, read by the family's
    reading: comfy.read); each of the pack's LoadVideo nodes (core's type name: _frames_loader) as VideoHelperSuite's
    Load Video of the same picks, said."""
    said = []
    for n in wf.nodes.values():
        if n.cls == SAMPLER and not n.origin:
            n.origin, n.cls = n.cls, "KSampler"
        elif n.cls == "LoadVideo" and not n.origin and (picks := _frames_loader(n)) is not None:
            start, limit = picks
            n.origin, n.cls = n.cls, "VHS_LoadVideo"
            n.widgets = {"video": n.widgets.get("file"), "force_rate": 0, "custom_width": 0, "custom_height": 0,
                         "frame_load_cap": limit, "skip_first_frames": start, "select_every_nth": 1}
            said.append(f"{n.named()} saves the values of ArtVentureX/comfyui-animatediff's LoadVideo (a file, its "
                        f"upload word, frame_start {start}, frame_limit {limit}), not ComfyUI's: read as "
                        f"VideoHelperSuite's Load Video of the same frames (skip_first_frames {start}, "
                        f"frame_load_cap {limit})")
    return said


def _frames_loader(n) -> tuple[int, int] | None:
    """(frame_start, frame_limit) where a 'LoadVideo' node's saved values are the pack's LoadVideo's (video, the
    upload button's word, frame_start, frame_limit, then the preview's address its page adds), not ComfyUI's (file,
    upload); None otherwise."""
    raw = n.raw if isinstance(n.raw, list) else []
    ints = [v for v in raw[2:4] if isinstance(v, int) and not isinstance(v, bool)]
    if len(raw) < 4 or not isinstance(raw[0], str) or raw[1] not in ("image", "video") or len(ints) != 2 or \
            ints[1] < 1 or any(not (isinstance(v, str) and v.startswith("/view?")) for v in raw[4:]):
        return None
    return ints[0], ints[1]


def frames(b, sampler, said: list[str]) -> int | None:
    """The take's frames where ``sampler`` is the pack's (its 'frame_number', more than the latent's batch: the pack
    repeats the latent's last frame up to it), said; its own inputs marked read. None where it is not the pack's or
    its frame_number is not known when converting."""
    if sampler is None or sampler.origin != SAMPLER:
        return None
    wf = b.wf
    wf.settings_read |= {(sampler.id, k) for k in OWN}
    method = wf.value(sampler, "inject_method")
    if isinstance(method, str) and method not in ("default", ""):
        said.append(f"{sampler.named()}'s inject_method '{method}' (where the motion module is put in the model) is "
                    "not taken: Studio's AnimateDiff puts it where diffusers' AnimateDiff does")
    n = wf.value(sampler, "frame_number")
    if not isinstance(n, int) or isinstance(n, bool):
        return _counted(b, sampler, said) if "frame_number" in sampler.links else None
    batch = b.extra.get("frames")
    if isinstance(batch, int) and batch >= n:
        return None  # (a latent of as many frames or more: the pack samples them all)
    said.append(f"{sampler.named()}'s frame_number {n} is the take's frames (the pack repeats its latent's last frame "
                f"up to that many{f': a batch of {batch} made {n} frames' if isinstance(batch, int) else ''}), "
                "sampled with ComfyUI's 'sqrt_linear' betas the pack sets, the betas Studio samples AnimateDiff with")
    return n


def _counted(b, sampler, said: list[str]) -> int | None:
    """0 (the take as long as its control clip) where the sampler's frame_number is wired from a node's 'batch_size'
    counting the frames of the clip that steers the take (the pack's ImageSizeAndBatchSize of the ControlNet's
    'image': cn-vid2vid.json); None, said, where it is not known when converting."""
    wf = b.wf
    src, slot = sampler.links["frame_number"][:2]
    m = wf.nodes.get(src)
    outs = [o.name for o in (node_type(m.cls).outputs or ())] if m is not None and node_type(m.cls) else []
    clip = wf.source(m, "image") if m is not None and slot < len(outs) and outs[slot] == "batch_size" else None
    steers = clip is not None and any(k == "image" and wf.source(c, k) is clip for c in wf.nodes.values()
                                      if c.cls.startswith("ControlNetApply") for k in c.links)
    if steers:
        said.append(f"{sampler.named()}'s frame_number is wired from {m.named()}'s batch_size, the number of frames "
                    f"{clip.named()} gives, the clip that steers the take: the take is as long as the control clip "
                    "(the pack repeats the latent's last frame up to that many)")
        return 0
    said.append(f"{sampler.named()}'s frame_number is wired from a node whose value is not known when converting: not "
                "applied (the take as long as its latent's batch)")
    return None
