"""LTX-2's ComfyUI mapping (api.ComfyMapping): a pipeline is LTX-2's when its audio latent nodes are
upstream; its guides and in-place image on the latent's way as keyframes and a control clip, the
workflow's sound and reference voice, its second stage (comfy_stages) and prompt enhancer
(comfy_enhance). Plain data and stdlib: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from studio.convert.api import (I2V, T2V, CNode, ComfyMapping, Generator, Guider, Task, find_loader, finite,
                                frame_mark, upstream)
from studio.core.shown import number

from .comfy_audio_vae import audio_vae_words
from .comfy_director import translate as director
from .comfy_dynamic import unnamed_values
from .comfy_enhance import enhance_stage, read_enhancer
from .comfy_latent_passing import first_pass_first, latent_source
from .comfy_loops import KEYS, TILES, loop_keys, loop_prompts, translate
from .comfy_stages import second_stage, upscale_stage
from . import comfy_redetail as redetail  # a clip re-detailed by the second stage alone (the first pass gives it back)
from .comfy_strengths import keyframe_strength
from .comfy_unsaved import unsaved_strength
from .comfy_preprocess import crf_read  # (LTXVPreprocess's CRF: 'image_crf')
from .comfy_first_last import NAME as FIRST_LAST, first_last
from .comfy_hdr import HDR, hdr_step, hdr_take, hdr_video
from . import comfy_ic_still as ic_still  # an IC-LoRA guide's one still at a later frame: a keyframe
from .comfy_inpaint import painted_guide
from .comfy_outpaint_pad import painted  # an outpaint's pad by pixels: Studio's Pad filled #66FF00
from .comfy_painted_band import painted_made  # an in/outpaint band's painting and blend by Studio's operations
from .comfy_low_vram import low_vram
from .comfy_foley import FOLEY, TASKS as FOLEY_TASKS, claimed as foley_claimed, translate as foley
from .comfy_sound_alone import AUDIO_READERS, SOUND, TASKS as SOUND_ALONE, audio_only_patch, claimed as sound_alone
from .comfy_mask_time import WIDGETS as TIMED
from .comfy_own_sound import own_sound
from .comfy_sound_noised import noised_away, said as noised_said
from .comfy_nag import WIDGETS as NAG_WIDGETS, nag_patch
from .comfy_values import VALUES, WIDGETS as CALCULATORS
from .comfy_ranges import RANGES

LTX2 = "video_models.ltx2"


def _guide(b, n: CNode, gen: str, inputs: dict, said: list[str]) -> None:
    """An LTXVAddGuide: a still at its frame as a keyframe; a clip at frame 0 (an IC-LoRA's
    control) as LTX-2's 'control'."""
    wf = b.wf
    found = find_loader(wf, n, "image", b.used)
    at, strength = wf.value(n, "frame_idx"), wf.value(n, "strength")
    clip = found is not None and found[0].cls != "LoadImage"
    if found is not None and not clip and "iclora_parameters" in n.links:
        said.append(f"an IC-LoRA guide from the still '{b.file_of(found[0])}' (repeated into a clip in ComfyUI): "
                    "LTX-2's 'control' takes a clip as long as the take, so the still is a keyframe here")
    if found is not None and not clip and at in (0, None) and (over := _over_inplace(b, n, found[0])) is not None:
        said.append(over)  # (a frame-0 still over another frame-0 picture: a clip in use, never a keyframe)
        return
    if gen == LTX2 and (clip or found is None) and "control" not in inputs and (at in (0, None)):
        if found is None:
            _depth_control(b, n, inputs, said, at)
            return
        b.intent(n, "image", "control", inputs, said)
        return
    k = next((i for i in range(1, 5) if f"keyframe_{i}" not in inputs), None)
    if found is None or k is None:
        image = f" (its image '{b.file_of(found[0])}')" if found is not None else ""
        said.append(f"a guide at frame {number(at)} ({n.shown_cls}, #{n.id}){image} is not taken: "
                    + ("its image is made by nodes Studio does not convert" if found is None else "four keyframes at most"))
        return
    crf_read(b, n, "image", gen, said)
    b.intent(n, "image", f"keyframe_{k}", inputs, said)
    where, line = frame_mark(wf, n, "frame_idx", at)  # negative: from the end (-1 the last frame), as ComfyUI counts
    if line:
        said.append(line)
    b.keyframes.append(where)
    keyframe_strength(b, n, at if line is None else f"{where} (where Studio places it)", strength, said)  # (a frame
    # not read: where it is placed, as the line before says; heldout66 01 said "0.5 at frame None")


INPLACE = ("LTXVImgToVideoInplace", "LTXVImgToVideoConditionOnly")


def _over_inplace(b, n: CNode, loader: CNode) -> str | None:
    """The sentence where guide ``n`` at frame 0, given the picture ``loader`` loads, guides a latent whose frame 0
    another picture is already put in place on (an in-place node on its 'latent', not bypassed): two pictures at
    frame 0 make no keyframe - in use the guide's image is a clip (an IC-LoRA's control: ComfyUI's Pose / Canny to
    Video blueprints, whose open input a Load Image reads); not taken, said. None else (heldout39: heldout13/21's Pose to
    Video pose images were made a frame-0 keyframe once their 'IMAGE,MASK' input got its Load Image)."""
    src = b.wf.source(n, "latent")
    if src is None or src.cls not in INPLACE or b.wf.value(src, "bypass") or "image" not in src.links:
        return None
    own = find_loader(b.wf, src, "image", set())
    if own is None or own[0].id == loader.id:  # (the same picture put in place and guided: a still, a keyframe)
        return None
    def of(m: CNode) -> str:
        return f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id})" + (f" '{b.file_of(m)}'" if b.file_of(m) else "")
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) guides frame 0 of a latent whose frame 0 "
            f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}) already puts the picture of {of(own[0])} in "
            f"place on; two pictures at frame 0 make no keyframe: its image, from {of(loader)}, is not taken (a clip "
            "there, an IC-LoRA's control, goes to LTX-2's 'control': load it with Load Video and connect it)")


def _depth_control(b, n: CNode, inputs: dict, said: list[str], at=None) -> None:
    """A guide clip made by a depth estimator run as a diffusion model (Lotus) from a Load
    Video: Studio's Depth on that clip (its own Depth Anything model); anything else said."""
    src = b.wf.source(n, "image")
    up = upstream(b.wf, src) if src is not None else []
    lotus = next((x for x in up if x.cls == "LotusConditioning"), None)
    clip = next((x for x in up if x.cls in ("LoadVideo", "VHS_LoadVideo")), None)
    if lotus is None or clip is None:  # a still or a clip, not known (heldout40 01: a first-frame picture whose
        # resize was not converted was said to be an IC-LoRA's control clip): the guide named, both ways said
        said.append(f"the guide{f' at frame {number(at)}' if at is not None else ''} ({n.shown_cls}, #{n.id}) is not "
                    "taken: its image is made by ComfyUI nodes Studio does not convert; connect a picture to a "
                    "keyframe of LTX-2 for a still, or a clip to its 'control' for an IC-LoRA's guide clip")
        return
    b.used |= {x.id for x in up if x.cls in ("LotusConditioning", "VAEDecode") or x.id == clip.id}
    inputs["control"] = (clip, 0, (lotus,))
    said.append("the guide clip is the depth of "
                f"'{b.file_of(clip)}' estimated by Lotus (a diffusion model in ComfyUI): Studio's Depth makes it "
                "with its own model (Load Preprocessor, kind 'depth')")


# the nodes that encode a sound with LTX-2's audio VAE: its own, and ComfyUI's core VAEEncodeAudio given that VAE
# (ComfyUI-LTXVideo's example workflows use the latter, on LTXVAudioVAELoader's VAE)
ENCODERS = ("LTXVAudioVAEEncode", "VAEEncodeAudio")
# ComfyUI-LTXVideo's reference tokens (iclora.py, read for meaning): outputs 0 and 1 the conditioning with the
# encoded sound attached as reference tokens (a voice), output 2 the same latent with a noise mask of 0 (held clean)
REF_TOKENS = "LTXVSetAudioRefTokens"


def _ltx2_audio(b, up: list[CNode], inputs: dict, said: list[str]) -> None:
    """LTX-2 with a sound track of the workflow's (an encoder of ENCODERS on a Load Audio, or a Load Video's sound):
    the node's 'audio' input, with 'sound: drive' when the encoded sound is held clean (a noise mask of 0 on it, as
    video_ltx2_3_ia2v does, or the frozen output of ComfyUI-LTXVideo's LTXVSetAudioRefTokens: the picture made to
    the sound), 'sound: voice' when it reaches the sampler as that node's reference tokens (the take's speech in
    that voice, as the pack's lip-dub workflow does), else 'sound: input' (the map's default); an
    LTXVReferenceAudio's clip (an ID-LoRA's reference voice) on the same one sound input with 'sound: voice', with
    its identity guidance and the part of the schedule it runs in. A workflow with both: the first met is taken,
    the other said."""
    for n in up:
        if n.cls not in ENCODERS + ("LTXVReferenceAudio",) or n.id in b.continued_sound:  # (a continued clip's:
            continue  # said by mapping/continue_wired.py)
        if n.cls in ENCODERS and own_sound(b, n, said):  # the take's own sound encoded again: not an input
            _held_clean(b, n, up)  # its masks read (held through a second pass: comfy_stage_sound says so)
            continue
        if "audio" in inputs and _same_sound(b, n, inputs["audio"]):  # (a two-stage workflow encodes it per pass)
            b.used.add(n.id)
            said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) encodes the same sound "
                        f"'{b.file_of(inputs['audio'][0])}' again, for another pass: LTX-2 reads it once")
        elif "audio" in inputs:
            said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) is not taken: LTX-2 has one sound "
                        "input and it takes the workflow's other sound")
        elif n.cls in ENCODERS and not _held_clean(b, n, up) and (s := noised_away(b.wf, n)) is not None:
            b.used.add(n.id)  # the track noised away by a sampler starting at pure noise: LTX-2's own sound (said)
            found = find_loader(b.wf, n, "audio", set())
            b.used |= {found[0].id, *(x.id for x in found[2])} if found is not None else set()
            b.extra["sound"] = "generated"
            said.append(noised_said(n, s, b.file_of(found[0]) if found is not None else "(a sound)"))
        elif n.cls in ENCODERS:
            b.used.add(n.id)
            b.intent(n, "audio", "audio", inputs, said)
            use = _sound_use(b, n, up, said)
            if use:
                b.extra["sound"] = use
            if use == "voice":  # the pack's tokens are read with no identity guidance (its guider is the sampler's)
                b.extra["identity_guidance"] = 0.0
        else:
            b.used.add(n.id)
            b.intent(n, "reference_audio", "audio", inputs, said)
            b.extra["sound"] = "voice"
            for key, into in (("identity_guidance_scale", "identity_guidance"), ("start_percent", "identity_start"),
                              ("end_percent", "identity_end")):
                v = b.wf.value(n, key)
                if finite(v):
                    b.extra[into] = float(v)


def _same_sound(b, n: CNode, taken: tuple) -> bool:
    """An encoder of ENCODERS given the file ``taken`` (the sound input's (loader, slot, steps)) through no other
    step than those (the same sound encoded again)."""
    found = find_loader(b.wf, n, "audio", set()) if n.cls in ENCODERS else None
    return found is not None and found[0] is taken[0] and found[1] == taken[1] and \
        {x.id for x in found[2]} <= {x.id for x in taken[2]}


def _sound_use(b, enc: CNode, up: list[CNode], said: list[str]) -> str:
    """What the sampler makes of the sound ``enc`` encodes: 'drive' (held clean), 'voice' (reference tokens on
    its conditioning), '' (denoised with the take: the map's 'input'). Both of the reference-token node's uses
    of one sound: held clean, its tokens said."""
    if _held_clean(b, enc, up):
        return "drive"
    given: dict[str, set[int]] = {}  # a node of ``up`` -> the outputs of it that nodes of ``up`` read
    for m in up:
        for src, slot in m.links.values():
            given.setdefault(src, set()).add(slot)
    uses = set()
    for m in up:
        way: list[CNode] = []
        if m.cls == REF_TOKENS and m.enabled and latent_source(b.wf, m, "audio_latent", way) is enc:
            b.used |= {m.id, *(x.id for x in way)}
            slots = given.get(m.id, set())
            uses |= {"drive"} if 2 in slots else set()
            uses |= {"voice"} if slots & {0, 1} else set()
    if uses == {"drive", "voice"}:
        said.append(f"the sound encoded by '{enc.title or enc.shown_cls}' (#{enc.id}) is held clean and also given as "
                    f"reference tokens ({REF_TOKENS}): LTX-2 holds it clean ('sound: drive'); the tokens are not read")
    return "drive" if "drive" in uses else "voice" if uses else ""


def _held_clean(b, enc: CNode, up: list[CNode]) -> bool:
    """An encoded sound given a noise mask of 0 (SetLatentNoiseMask of a SolidMask 0): kept, not denoised. Every
    such mask on it is read (a two-stage workflow masks the sound for each stage's sampler), not the first alone; the
    latent may reach it through nodes giving it on unchanged (comfy_latent_passing)."""
    wf = b.wf
    held = False
    for n in up:
        way: list[CNode] = []
        if n.cls == "SetLatentNoiseMask" and latent_source(wf, n, "samples", way) is enc:
            mask = wf.source(n, "mask")
            b.used |= {n.id, *(x.id for x in way)}  # read either way: held clean, or denoised as the map's 'input'
            if mask is not None and mask.cls == "SolidMask" and wf.value(mask, "value") == 0:
                b.used.add(mask.id)
                held = True
    return held


def _inplace(b, n: CNode, gen: str, inputs: dict, said: list[str]) -> str:
    """LTXVImgToVideoInplace (or ComfyUI-LTXVideo's LTXVImgToVideoConditionOnly) on the latent's way: its image as
    the start image."""
    if b.wf.value(n, "bypass"):  # the workflow's image-to-video switch off: its image is not used (said, by name)
        found = find_loader(b.wf, n, "image", b.used)
        image = f" '{b.file_of(found[0])}'" if found is not None else ""
        said.append(f"the start image{image} of '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) is bypassed in "
                    "the workflow (its 'bypass' on): the video is made from the prompt, as ComfyUI makes it")
        return gen
    crf_read(b, n, "image", I2V if gen == T2V else gen, said, start=True)
    b.intent(n, "image", "image", inputs, said)
    start_strength(b, n, b.wf.value(n, "strength"), I2V if gen == T2V else gen, said)
    return I2V if gen == T2V else gen


def start_strength(b, n: CNode, v, gen: str, said: list[str]) -> None:
    """The start image's strength ``v`` of ``n`` (its frame's latents given a noise mask of 1 - strength): one in
    (0, 1) is the generator's 'image_strength' where ``gen`` has it (LTX-2 Video + Sound: LTX2ConditionPipeline's
    condition strength, the same rule); else, and any other value but 1, said not taken."""
    if not finite(v) or v == 1:
        return
    if 0 < v < 1 and "image_strength" in b.spec_params(gen):
        b.extra["image_strength"] = float(v)
        return
    title = b.g.registry.get(gen).title if gen in b.g.registry else "the generator"
    how = "partly noised" if 0 < v < 1 else "noised as the rest, the image not held" if v <= 0 else "held past clean"
    said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s strength {number(v)} (the start image's "
                f"latents {how}) is not taken: {title} holds the start image clean")


def _numbered(n: CNode, prefix: str) -> list[tuple[int, str]]:
    """A dynamic node's wired inputs ``prefix``1, ``prefix``2... (KJNodes' and ComfyUI's 'num_images.image_i'), as
    (i, input name) in order (a name not ending in a number counts as 0)."""
    found = [(int(k[len(prefix):]) if k[len(prefix):].isdigit() else 0, k) for k in n.links if k.startswith(prefix)]
    return sorted(found, key=lambda f: f[0])


def _inplace_kj(b, n: CNode, gen: str, inputs: dict, said: list[str]) -> str:
    """KJNodes' LTXVImgToVideoInplaceKJ (ltxv_nodes.py, read for meaning): its images each encoded in place at a
    frame (counted in frames, from the end where negative) with a strength. One image at frame 0: the start image,
    as LTXVImgToVideoInplace's; otherwise each a keyframe at its frame (four at most), the last at -1."""
    wf = b.wf
    ports = [port for _, port in _numbered(n, "num_images.image_")]
    saved = unnamed_values(n, ports)  # a file that does not name the values: read by their place (comfy_dynamic)
    at = {k: saved.get(k.replace(".image_", ".index_"), wf.value(n, k.replace(".image_", ".index_"))) for k in ports}
    strength = {k: saved.get(k.replace(".image_", ".strength_"), wf.value(n, k.replace(".image_", ".strength_")))
                for k in ports}
    index = ports[0].replace(".image_", ".index_") if ports else ""
    if len(ports) == 1 and (at[ports[0]] == 0 or (at[ports[0]] is None and index not in n.links)):  # (not set: 0)
        crf_read(b, n, ports[0], I2V if gen == T2V else gen, said, start=True)
        b.intent(n, ports[0], "image", inputs, said)
        start_strength(b, n, strength[ports[0]], I2V if gen == T2V else gen, said)
        return I2V if gen == T2V else gen
    for port in ports:
        k = next((i for i in range(1, 5) if f"keyframe_{i}" not in inputs), None)
        if k is None:
            said.append(f"the image on '{port}' of '{n.title or n.shown_cls}' (#{n.id}) at frame {number(at[port])} is "
                        "not taken: four keyframes at most")
            continue
        crf_read(b, n, port, LTX2, said)
        b.intent(n, port, f"keyframe_{k}", inputs, said)
        where, line = frame_mark(wf, n, port.replace(".image_", ".index_"), at[port])  # negative: from the end
        b.keyframes.append(where)
        b.keyframes_capped[len(b.keyframes) - 1] = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"  # (past the end: last)
        if line:
            said.append(line)
        keyframe_strength(b, n, at[port], strength[port], said)
        unsaved_strength(n, port, strength[port], said)  # (an export that left it out: said, heldout103 02)
    return LTX2 if ports else gen


def _ic_guide(b, n: CNode, gen: str, inputs: dict, said: list[str]) -> str:
    """ComfyUI-LTXVideo's LTXAddVideoICLoRAGuide (its IC-LoRA's guide clip): LTX-2's 'control' with its strength;
    a guide placed later than frame 0 or read at a smaller scale said."""
    wf = b.wf
    if "control" in inputs:
        said.append(f"a second IC-LoRA guide ({n.shown_cls}, #{n.id}) is not taken: LTX-2 takes one control clip")
        return gen
    if ic_still.later(b, n):  # one still at a later frame: a keyframe there, as LTXVAddGuide's (comfy_ic_still)
        had = len(b.keyframes)
        _guide(b, n, gen, inputs, said)
        if len(b.keyframes) > had:
            said.append(ic_still.said(n, number(wf.value(n, "frame_idx"))))
        return gen
    if (again := ic_still.over_start(b, n)) is not None:  # the start picture at frame 0 once more: not taken
        said.append(again)
        return gen
    step = hdr_step(wf, n)  # its take decoded into linear HDR: Studio's LTX-2 HDR (comfy_hdr)
    if step is not None:
        if wf.value(n, "frame_idx") not in (0, None):
            said.append(f"the IC-LoRA guide starts at frame {number(wf.value(n, 'frame_idx'))} in ComfyUI: LTX-2 HDR "
                        "reads the clip from its first frame")
        return hdr_take(b, n, step, inputs, said)
    b.intent(n, "image", "control", inputs, said)
    strength = wf.value(n, "strength")
    if finite(strength):
        b.extra["control_strength"] = float(strength)
    at, scale = wf.value(n, "frame_idx"), wf.value(n, "latent_downscale_factor")
    if at not in (0, None):
        said.append(f"the IC-LoRA guide starts at frame {number(at)} in ComfyUI: LTX-2's control runs from frame 0")
    if scale not in (1, 1.0, None):
        said.append(f"the IC-LoRA guide is read at 1/{number(scale)} of the size in ComfyUI (latent_downscale_factor): "
                    "LTX-2's control reads it at the take's size")
    return LTX2


def _guided(b, n: CNode, gen: str, inputs: dict, said: list[str]) -> str:
    _guide(b, n, gen, inputs, said)
    return gen


def _guided_multi(b, n: CNode, gen: str, inputs: dict, said: list[str]) -> str:
    """ComfyUI's LTXVAddGuideMulti (comfy_extras/nodes_lt.py, read for meaning): its images each a guide at a frame
    with a strength (num_guides.image_i; the values saved after the count, frame and strength for each, unless the
    frame is wired): each read as one LTXVAddGuide is (a still at its frame: a keyframe)."""
    raw = n.raw if isinstance(n.raw, list) else []
    for i, port in _numbered(n, "num_guides.image_"):
        at = b.wf.value(n, f"num_guides.frame_idx_{i}")
        if at is None and len(raw) > 2 * i - 1:
            at = raw[2 * i - 1]
        strength = b.wf.value(n, f"num_guides.strength_{i}")  # by name (an API file's), else by its place
        if strength is None and len(raw) > 2 * i:
            strength = raw[2 * i]
        links, ports = {"image": n.links[port]}, {}
        if f"num_guides.frame_idx_{i}" in n.links:  # a frame wired in: kept, so a value not worked out is said
            links["frame_idx"] = n.links[f"num_guides.frame_idx_{i}"]  # (heldout66 01: the middle guide's
            ports["frame_idx"] = f"num_guides.frame_idx_{i}"  # ceil(length / 2) was put at frame 0 unsaid)
        one = CNode(n.id, n.cls, n.title, n.mode, {"frame_idx": at, "strength": strength}, links, n.pos,
                    origin=n.origin, ports=ports)
        _guide(b, one, gen, inputs, said)
    return gen


def _zero_frames(params: dict, wired: set) -> str | None:
    """What LTX-2 Video + Sound's 'frames' 0 makes where it is not the family's own length: with 'sound: drive' and
    a sound on 'audio', the take lasts as long as that sound (node.py: take_to_sound); None else (heldout62 04)."""
    if params.get("sound") == "drive" and "audio" in wired:
        return "the generator, its 'frames' 0 with 'sound: drive', makes the take as long as the sound it is given on 'audio'"
    return None


def _sound(params: dict, inputs: dict, said: list[str]) -> None:
    if "audio" in inputs:
        params.setdefault("sound", "input")  # 'drive' when the workflow holds its sound clean (_ltx2_audio)


# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "LTXVDualCFGGuider": ("video_cfg", "audio_cfg"),
    "LTXVScheduler": ("steps", "max_shift", "base_shift", "stretch", "terminal"),
    "ModelSamplingLTXV": ("max_shift", "base_shift"),
    "LTXAVTextEncoderLoader": ("text_encoder", "ckpt_name", "device"),
    "LTXVAudioVAELoader": ("ckpt_name",),
    # comfy_extras/nodes_textgen.py's TextGenerate inputs (its 'on' sampling options after sampling_mode)
    "TextGenerateLTX2Prompt": ("prompt", "max_length", "sampling_mode", "temperature", "top_k", "top_p", "min_p",
                               "repetition_penalty", "seed", "presence_penalty", "thinking", "use_default_template"),
    "LTXVImgToVideoInplace": ("strength", "bypass"), "LTXVImgToVideoConditionOnly": ("strength", "bypass"),
    # ComfyUI-LTXVideo's (iclora.py, read for meaning): the IC-LoRA guide and loader
    "LTXAddVideoICLoRAGuide": ("frame_idx", "strength", "latent_downscale_factor", "crop", "use_tiled_encode",
                               "tile_size", "tile_overlap"),
    "LTXICLoRALoaderModelOnly": ("lora_name", "strength_model"),
    "LTXVAddGuide": ("frame_idx", "strength"),
    "LTXVEmptyLatentAudio": ("frames_number", "frame_rate", "batch_size"),
    "LTXVReferenceAudio": ("identity_guidance_scale", "start_percent", "end_percent"),
    # ComfyUI-LTXVideo's Gemma loader (gemma_encoder.py, read for its inputs): a file of the text_encoders folder,
    # the checkpoint, the prompt's length; its output a CLIP: a text encoder, never a LoRA
    "LTXVGemmaCLIPModelLoader": ("gemma_path", "ltxv_path", "max_length"),
    **CALCULATORS,  # LTX's dimension and frame calculators (comfy_values)
    **TIMED,  # ComfyUI-LTXVideo's mask by time (comfy_mask_time)
    **NAG_WIDGETS,  # KJNodes' LTX2_NAG (comfy_nag)
}

# ComfyUI-LTXVideo's nodes the converter does not read (Lightricks' node pack, read for meaning): their role and
# what each carries into the sampler, said for what is lost where a workflow uses one
PACK_NODES = {
    "LTXVInpaintPreprocess": ("media step", "an inpainting clip and its mask"),
    "LTXVSetAudioRefTokens": ("conditioning", "a reference voice"),
    "LTXVSparseTrackEditor": ("media loader", "motion tracks drawn by hand"),
    "LTXVDrawTracks": ("media step", "motion tracks drawn on the picture"),
    "LTXVLoopingSampler": ("sampler", "a long take sampled in overlapping loops"),
    "LTXVExtendSampler": ("sampler", "a clip extended by a further take"),
    "LTXVInContextSampler": ("sampler", "a take guided by a reference clip in context"),
    "LTXVGemmaEnhancePrompt": ("prompt", "a prompt written by Gemma"),
}

# what LTX-2 alone reads (studio/convert/comfy_hooks.py: the hook points)
HOOKS = {"prompt_weights": "literal",  # ComfyUI's Gemma reads no prompt weights (mapping/prompt_weights.py)
    "guidance_rescale": "guidance_rescale",  # an STG guider's rescale: LTX-2 Video + Sound's (its pipeline's 0.7)
    # ComfyUI-LTXVideo's LTXVImgToVideoConditionOnly does what the core LTXVImgToVideoInplace does (its image encoded
    # into the first latent frames, a noise mask of 1 - strength: latents.py, read for meaning)
    "latent_steps": {"LTXVImgToVideoInplace": _inplace, "LTXVImgToVideoConditionOnly": _inplace,
                     "LTXVAddGuide": _guided, "LTXVAddGuideMulti": _guided_multi,
                     "LTXAddVideoICLoRAGuide": _ic_guide, "LTXVImgToVideoInplaceKJ": _inplace_kj,
                     FIRST_LAST: lambda b, n, gen, inputs, said: first_last(b, n, gen, inputs, said, LTX2),
                     KEYS: lambda b, n, gen, inputs, said: loop_keys(b, n, gen, inputs, said, I2V, T2V),
                     TILES: loop_prompts},
    "lora_loaders": ("LTXICLoRALoaderModelOnly",),  # ComfyUI-LTXVideo's IC-LoRA loader: a Video LoRA
    "prompt": read_enhancer, "text_loaders": ("LTXAVTextEncoderLoader", "LTXVGemmaCLIPModelLoader"),
    "upscalers": ("LTXVLatentUpsampler",),
    # ComfyUI-LTXVideo's tracks.py, read for meaning: each track's last 50 points as dots growing from 2 to 8 px and
    # turning blue to red with their age, at 1080 px, brought down, red and blue swapped (mapping/drawn_tracks.py)
    "track_drawers": {"LTXVDrawTracks": "age trail"},
    # its sparse track editor samples its points_store again when it runs: a uniform Catmull-Rom, its ends doubled,
    # even in its parameter, whole pixels (mapping/track_editors.py)
    "track_editors": {"LTXVSparseTrackEditor": ("uniform", "catmull-rom")},
    "zero_frames": _zero_frames,  # 'frames' 0 with 'sound: drive': the sound's length (heldout62 04)
    "grains": {"LTXVFilmGrain": ("grain_intensity", "saturation")},  # ComfyUI-LTXVideo's grain: Studio's Grain
    "values": VALUES,  # LTX's calculators' outputs worked out (comfy_values)
    "comfy_ranges": RANGES,  # ComfyUI's declared ranges of its core nodes (comfy_ranges.py)
    # a pack sampler's guide picture (packs/custom_samplers: CLSS's), as ComfyUI's own first frame: encoded into the
    # first latent frame, held clean (strength 1)
    "first_frame": ("LTXVImgToVideoInplace", ("image", "vae", "latent"), {"strength": 1.0, "bypass": False}),
    "latent_stride": 8,  # a length not 8k + 1 made as ComfyUI's latent holds it, rounded down (latent_frames)
    "schedulers": {"LTXVScheduler": ("max_shift", "base_shift", "stretch", "terminal")},
    # LTX-2.5's templates load two more files than Studio's Load Video Model sets: Gemma 4 E2B for
    # TextGenerateLTX2Prompt (the optional prompt enhancer: Enhance Prompt's 'enhancer', comfy_enhance.py) and
    # the audio VAE through a second VAELoader (LTX-2.5's, LTX-2's and LTX-2.3's split files: comfy_audio_vae.py)
    "roles": ((AUDIO_READERS, audio_vae_words),),  # (LTX-2's audio nodes: comfy_sound_alone)
    # its two stages after a Video to Video of a clip: LTX-2 Latent Upscale after the restyle (comfy_redetail)
    "restyle_stage": (lambda b, up, rest, said: redetail.restyle_stage(b, second_stage(b, up, rest, said, False)),
                      lambda b, gen, load, model_out, params: upscale_stage(b, gen, load, model_out, params)),
    "model_patches": {"LTX2_NAG": nag_patch,  # KJNodes' Normalized Attention Guidance (comfy_nag.py)
                      "LTXVAudioOnlyModel": audio_only_patch},  # the audio stream alone (comfy_sound_alone.py)
    "file_loaders": {"LTXAVTextEncoderLoader": ("text_encoder", "text encoder"),
                     "LTXVAudioVAELoader": ("ckpt_name", "audio VAE"),
                     "LTXVGemmaCLIPModelLoader": ("gemma_path", "text encoder")},
    # LTXAVTextEncoderLoader reads Gemma from 'text_encoder' and the text projection (with or without the connectors)
    # from its 'ckpt_name' (ComfyUI 4bce570 comfy/text_encoders/lt.py, read for meaning: split23.py): a file other
    # than the model's is Load Video Model's 'text_encoder_2' (heldout102 04 and 06: a transformer alone holds none)
    "second_files": {"LTXAVTextEncoderLoader": ("ckpt_name", "text_encoder_2", "text projection")},
}

CLAIMS = ("LTXAV*", "LTXVEmptyLatentAudio", "LTXVConcatAVLatent")  # LTX-2's audio latent nodes: a pipeline's family

MAPPING = ComfyMapping(
    key="ltx2", title="LTX-2",
    claims=CLAIMS, claimed=Task("video and sound", LTX2, family="LTX-2", read=lambda b, node, up, claim, inputs, said: (
        sound_alone(node) or foley_claimed(node) or painted_guide(b, node, up, claim, inputs, said))),  # (a sound
    # alone: LTX-2 Sound; core's video held beside an empty sound: LTX-2 Sound for Clip, comfy_foley)
    generators=(Generator(LTX2, sound=True, stage=lambda b, up, rest, said: redetail.stage(
                              b, second_stage(b, up, rest, said)), finish=_sound,
                          intent=lambda b, node, up, inputs, said: (
                              _ltx2_audio(b, first_pass_first(b, up), inputs, said),
                              redetail.read(b, node, up, inputs, said, CLAIMS)),
                          video=lambda b, gen, load, model_out, params: upscale_stage(b, gen, load, model_out, params)
                          if b.stage else (gen, "video"),
                          wired=lambda b, gen, load, params: (enhance_stage(b, gen, load, params),
                                                               painted(b, gen, load, params),
                                                               painted_made(b, gen, load, params),
                                                               redetail.wired(b, gen)),
                          made=redetail.made, one_take=lambda b, made, key: False),  # (its 'made' hook rewires a
                # re-detail, it never makes segments: a take joined with others is said as before)
                Generator(HDR, video=hdr_video, describe=lambda inputs, params: "a clip lifted to linear HDR (IC-LoRA)"),  # an IC-LoRA take decoded into linear HDR (comfy_hdr)
                Generator(SOUND, describe=lambda inputs, params: "a sound alone (text to audio)"),  # (comfy_sound_alone)
                Generator(FOLEY, sound=True, describe=lambda inputs, params: "the sound for a clip (video to audio)")),  # comfy_foley
    files=(("ltx-2", "LTX-2"), ("ltx2", "LTX-2")),
    dual_types=("ltxv",),  # Gemma 3 and the text projection (or connectors): text_encoder, text_encoder_2 (split23.py)
    folded=("LTXVConcatAVLatent", "LTXVSeparateAVLatent", "LTXVEmptyLatentAudio", "LTXVAudioVAEDecode",
            "LTXVCropGuides"),
    rank=3,
    # its picture's and its sound's own scales; ComfyUI-LTXVideo's multimodal guider takes them per modality
    # from its GuiderParameters chain (tracing/guiders.modality_chain: VIDEO cfg -> guidance, AUDIO cfg ->
    # audio_guidance; their STG, rescale and skip settings said, not taken)
    guiders={"LTXVDualCFGGuider": Guider("video_cfg", sound="audio_cfg"),
             "MultimodalGuider": Guider(None, modalities="parameters")},
    widgets=WIDGETS, pack_nodes=PACK_NODES, hooks=HOOKS, tasks={**SOUND_ALONE, **FOLEY_TASKS},  # sound alone: LTX-2 Sound (comfy_sound_alone)
    # its low-memory loaders as ComfyUI's (comfy_low_vram), LTX Director's timeline as guides (comfy_director)
    translate=lambda wf: low_vram(wf) + director(wf) + foley(wf) + translate(wf))
