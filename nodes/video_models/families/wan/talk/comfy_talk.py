"""ComfyUI's InfiniteTalk (WanInfiniteTalkToVideo) as Studio's InfiniteTalk node (part of comfy_map's
builder): the patch file of its ModelPatchLoader and its audio scale as the node's settings, each
voice's AudioEncoderEncode (with its AudioEncoderLoader) as Speech Features (layers 'all', align
'encoder input') from the Load Audio, reading the loader's audio_encoders/ file (encoder_step, shared
with S2V's and HuMo's voices); a second speaker's voice and
face masks when they come from files (core's dynamic combo 'mode' two_speakers; a mask made a picture and taken
back, or a picture's colour channel, read as the builder makes them); 'Video Extend' groups (later
WanInfiniteTalkToVideo fed previous_frames) as one continued take of their frames, and a later pass over the next
speaker's turn as the take of both turns (comfy_turn_passes); what Studio's node does not take said: masks
drawn by ComfyUI nodes.

ComfyUI is read for its node meanings only (comfy_extras/nodes_wan.py WanInfiniteTalkToVideo,
nodes_model_patch.py ModelPatchLoader, nodes_audio_encoder.py); nothing of it is imported or run."""
from __future__ import annotations

from studio.convert.api import CNode, Voice, mask_carried as carried, mask_picked

from .comfy_mask_boxes import said as masks_said
from .comfy_windows import joined_windows
from . import comfy_turn_passes as turn_passes
from .talk_rate import FPS as SPEECH_FPS  # InfiniteTalk's frame rate: the features are made at it

WAV2VEC2 = "TencentGameMate/chinese-wav2vec2-base"  # InfiniteTalk's speech encoder (its README's wav2vec_dir)
# its voice (AudioEncoderEncode of a wav2vec2 file) as Speech Features: every layer, aligned before the encoder's
# layers, at its frame rate (the converter's generic reading, comfy_intent.speech_features, makes the node)
VOICE = Voice(True, None, {"layers": "all", "fps": SPEECH_FPS, "align": "encoder input"}, WAV2VEC2,
              "wav2vec2 (InfiniteTalk's), every layer, aligned before the encoder's layers")
HEARD = ("speech", "speech_2")  # the Save Video carries the voice (a dialogue's two, mixed as the model hears them)


def _other_rate(b, up: list[CNode], said: list[str]) -> None:
    """The rate the workflow writes the take at (the first node on the output's way that sets a number 'fps' or
    'frame_rate': CreateVideo, a Video Combine), said where it is not InfiniteTalk's: the take is made at 25."""
    for n in up:
        for k in ("fps", "frame_rate"):
            v = b.wf.value(n, k) if k in n.widgets else None
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0:
                if abs(float(v) - SPEECH_FPS) > 1e-6:
                    said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) writes the video at {v:g} fps: "
                                f"Studio's InfiniteTalk makes it at {SPEECH_FPS:g} fps, the rate its voice features "
                                f"are made at (at {v:g} fps the lips would not keep time with the voice)")
                return


def _mask_way(wf, node: CNode, port: str, find_loader):
    """find_loader's (loader, slot, steps) for a face mask, less what the builder makes of it: a MASK made a picture
    and taken back by a colour channel (MaskToImage, ImageToMask: the same mask, mask_round_trip) and a picture's
    colour channel taken as the mask (ImageToMask of a Load Image's picture: Mask Tools, mapping/picture_mask)."""
    walked: list[CNode] = []
    found = find_loader(wf, node, port, set(), walked)
    if found is None:
        return None
    same = carried(wf, walked)
    return found[0], found[1], [n for n in found[2] if n.id not in same and mask_picked(wf, n) is None]


def talk_settings(b, node: CNode, said: list[str], find_loader, up: list[CNode]) -> list[tuple[str, str]]:
    """The InfiniteTalk node's settings from WanInfiniteTalkToVideo (into ``b.extra``), what is not
    taken said, and the second speaker's ports to wire (ComfyUI port, the node's input) when its voice
    and both face masks come from files (``find_loader``: comfy_intent's). The extension groups on the
    output (``up``: the nodes it is made from) make one continued take."""
    wf = b.wf
    loader = wf.source(node, "model_patch")
    name = wf.value(loader, "name") if loader is not None else None
    if loader is not None:
        b.used.add(loader.id)
    if isinstance(name, str) and name.strip():
        b.extra["patch"] = name.replace("\\", "/")
    else:
        said.append("the InfiniteTalk patch file is not given by a ModelPatchLoader: set InfiniteTalk's 'patch' "
                    "(model_patches/wan2.1_infiniteTalk_single_fp16.safetensors)")
    scale = wf.value(node, "audio_scale")
    if isinstance(scale, (int, float)) and not isinstance(scale, bool):
        b.extra["audio_scale"] = float(scale)
    b.extra["fps"] = SPEECH_FPS
    _other_rate(b, up, said)
    ports: list[tuple[str, str]] = []
    b.wf.talk_masks = None  # the wrapper's drawn face masks, made on the node once it is (comfy_mask_boxes.wired)
    if wf.value(node, "mode") == "two_speakers" or "mode.audio_encoder_output_2" in node.links:
        masks = [_mask_way(wf, node, f"mode.mask_{i}", find_loader) for i in (1, 2)]
        laid = getattr(wf, "talk_layouts", {}).get(node.id)  # the wrapper's two voices with no masks
        if laid and not any(f"mode.mask_{i}" in node.links for i in (1, 2)):
            ports = [("mode.audio_encoder_output_2", "speech_2")]
            if len(laid) > 2 and laid[2]:  # its two face masks drawn as boxes: Control Masks (comfy_mask_boxes)
                b.wf.talk_masks = laid[2]
                said.append(f"'{node.title or node.shown_cls}' (#{node.id}) is given two voices: {masks_said(laid[2])}")
            else:
                said.append(f"'{node.title or node.shown_cls}' (#{node.id}) is given two voices and no face masks: "
                            "Studio's InfiniteTalk puts the first voice on the picture's left half and the second on "
                            "its right, as the wrapper and InfiniteTalk's reference do with no masks (Studio's boxes "
                            "the reference's, 5 % in from each half's edges; the wrapper's are 10 % in; connect mask_1 "
                            "and mask_2 for other places)")
        elif "mode.audio_encoder_output_2" in node.links and all(m is not None and not m[2] for m in masks):
            ports = [("mode.audio_encoder_output_2", "speech_2"), ("mode.mask_1", "mask_1"), ("mode.mask_2", "mask_2")]
        else:
            how = sorted({n.cls for m in masks if m is not None for n in m[2]}
                         | {s.shown_cls for i, m in enumerate(masks, 1)  # (no file behind it: LoadImageMask's)
                            if m is None and (s := wf.source(node, f"mode.mask_{i}")) is not None}) \
                or ["nodes Studio does not convert"]
            said.append("the workflow's second speaker is not taken: its face masks are made by ComfyUI's "
                        f"{', '.join(how)}, so InfiniteTalk makes the first voice (audio_encoder_output_1) over "
                        "the whole image; for the dialogue, connect the second voice's Speech Features to its "
                        "speech_2 and each face's mask (Segment, or a drawn mask) to mask_1 and mask_2")
    if "clip" in node.links:  # the wrapper's video to video (comfy_wrapper_talk.dubbed): the clip to dub
        ports.append(("clip", "clip"))
    if "previous_frames" in node.links:
        said.append(f"'{node.title or node.cls}' (#{node.id}) starts from earlier frames (previous_frames): Studio's "
                    "InfiniteTalk starts from the start image")
    later = [n for n in up if n.cls == node.cls and n.id != node.id and n.enabled and "previous_frames" in n.links]
    length = wf.value(node, "length")
    if later and not isinstance(length, int) and any(into == "speech_2" for _, into in ports) and \
            turn_passes.read(b, node, later, up, said, find_loader):  # both turns made in passes (comfy_turn_passes)
        return ports
    if later and isinstance(length, int) and length > 1:  # the template's 'Video Extend' groups on this output
        motion = wf.value(later[0], "motion_frame_count")
        motion = motion if isinstance(motion, int) and 0 < motion < length else 9
        total = length + len(later) * (length - motion)
        b.extra.update(frames=total, motion_frames=motion)
        b.continued.update(n.id for n in later)  # their passes sample windows of this take (mapping.settings)
        said.append(f"{len(later)} later {node.cls} ({', '.join(f'#{n.id}' for n in later)}) extend the clip from its "
                    f"last {motion} frames: one continued take of {total} frames ({total / SPEECH_FPS:g} s) in "
                    f"windows of {length}; the voice must last that long (set frames to 0 for the voice's length)")
        joined_windows(b, later, up, length - motion, said)  # their frames joined on the way as the take does
    return ports
