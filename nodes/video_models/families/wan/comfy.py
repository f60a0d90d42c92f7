"""Wan's ComfyUI mapping (api.ComfyMapping, found by studio.convert's discovery): its task nodes, core
and node packs (image to video, first and last frames, TI2V 5B, VACE, Animate, InfiniteTalk, HuMo, Fun
Camera / Control / InP, ATI, Wan-Move, Dancer), what each means in Studio's terms, and the hooks the
converter calls for its generators (comfy_talk, comfy_motion, comfy_dancer: the readings too large for
here; comfy_wrappers: kijai's ComfyUI-WanVideoWrapper read as core nodes).

Plain data and stdlib: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from dataclasses import replace

from studio.convert.api import I2V, ComfyMapping, Generator, Task, Voice, find_loader, held_task
from studio.core.shown import number

from .dancer.comfy_dancer import dancer_output
from .comfy_animate_extend import extends as animate_extends, longer_settings as animate_longer
from .comfy_animate_extend import one_take as animate_one_take
from . import comfy_animate_one_pass as animate_one_pass
from . import comfy_animate_matte as matte
from .comfy_frames import translate as frames_translate
from .comfy_pass_prompts import PROMPTS as PASS_PROMPTS, wire as pass_prompts
from .comfy_triple import translate as triple_translate
from .comfy_unread_conditioning import said_unread
from .comfy_eighth_latent import decoded_scale as eighth_decoded, doubled as eighth_doubled
from .comfy_wrapper_resize_closest import translate as resize_closest
from .comfy_vace_ends import read_ends
from .comfy_vace_prep import read_prep
from .comfy_vace_extension import read_extension
from .comfy_vace_pad import padded, read_pad
from . import comfy_vace_outpaint_sides as outpaint_sides
from .comfy_vace_fill import read as vace_fill
from .comfy_motion import ati_tracks, camera_from, tracks_from
from .comfy_wrapper_standin import STANDIN, loose_standin, standin_file
from . import comfy_fantasy as fantasy
from .comfy_wrapper_ctrl_lora import CTRL_LORA, NODE as CTRL_LORA_NODE, control_file
from . import comfy_wrapper_ctrl_lora as ctrl_lora
from .comfy_wrapper_controlnet import CONTROLNET, NODE as CONTROLNET_NODE
from .talk.comfy_talk import HEARD, VOICE as TALK_VOICE, talk_settings
from .talk.comfy_turns import take_turns
from .talk.comfy_mask_boxes import wired as masks_wired
from .comfy_wrappers import HELD, PACK_NODES, PREFIXES, translate as wrapper_translate
from .comfy_wrappers import TRANSLATED
from .comfy_wrapper_ttm import TTM
from .comfy_ttm_latent import translate as ttm_translate
from .comfy_wrapper_scheduler import PASS_VALUES as SCHEDULER_VALUES, WIDGETS as SCHEDULER_WIDGETS
from .comfy_wrapper_scheduler import VALUES as SCHEDULER_OWN
from .comfy_moe_scheduler import VALUES as MOE_VALUES
from .comfy_ranges import DECLARED, RANGES
from .comfy_videox_fun import translate as fun_translate
from .comfy_videox_fun_tasks import FUN_TASKS, FUN_WIDGETS
from .comfy_pusa import GENERATOR as PUSA_GENERATOR
from .comfy_pusa import TASKS as PUSA_TASKS
from .comfy_pusa import WIDGETS as PUSA_WIDGETS
from . import comfy_flowedit as flowedit
from . import comfy_phantom as phantom
from .humo.humo_rate import FPS as HUMO_FPS  # HuMo's frame rate: its Whisper features are made at it

VACE, ANIMATE = "video_models.wan_vace", "video_models.wan_animate"
FUN_CONTROL, FUN_CAMERA = "video_models.wan_fun_control", "video_models.wan_fun_camera"
TALK, HUMO = "video_models.infinitetalk", "video_models.wan_humo"
DANCER = "video_models.wan_dancer"  # Wan Dancer: dancer_node.py
STANDIN_NODE = "video_models.standin"  # Stand-In: standin/standin_node.py
WHISPER = "openai/whisper-large-v3"  # HuMo's speech encoder as a Hugging Face folder (when no file is named)


def _talk(b, node, up, spec, inputs, said):
    """InfiniteTalk's settings; a second speaker's voice and faces wired when they come from files."""
    for port, into in talk_settings(b, node, said, find_loader, up):
        b.intent(node, port, into, inputs, said)


def _talk_wired(b, gen, load, params):
    """InfiniteTalk made: two voices given their turns (comfy_turns), the wrapper's drawn face masks made on mask_1 /
    mask_2 (comfy_mask_boxes)."""
    take_turns(b, gen, load, params)
    masks_wired(b, gen)


def _camera(b, node, up, spec, inputs, said):
    path = camera_from(b, b.wf.source(node, "camera_conditions"), said)
    if path is not None:
        b.motion["camera"] = path


def _ati(b, node, up, spec, inputs, said):
    tracks = ati_tracks(b, node, "normal", said)
    if tracks is not None:
        b.motion["tracks"] = tracks


def _move(b, node, up, spec, inputs, said):
    """WanMove's tracks (GenerateTracks, WanMoveTracksFromCoords, WanMoveConcatTrack) as Path
    Tracks / Tracks from Coordinates / Merge Tracks, for Image to Video's 'tracks' (comfy_motion)."""
    strength = b.wf.value(node, "strength")
    if isinstance(strength, (int, float)) and not isinstance(strength, bool) and strength != 1:
        said.append(f"WanMove's track strength {number(strength)} ({node.where('strength')}) is not taken: the tracks "
                    "carry the features at full strength, as the released model was trained")
    tracks = tracks_from(b, b.wf.source(node, "tracks"), "normal", said)
    if tracks is not None:
        b.motion["tracks"] = tracks


def _fun_control_22(b, node, up, spec, inputs, said):
    if "image" in inputs:
        said.append("Wan 2.2 Fun Control's ref_image is wired as Wan Fun Control's start image ('image'); a model "
                    "that reads a separate reference (ref_conv) is refused by the node, in words")


MIDDLE_PORT = "wan22fmlf_middle_image"  # comfy_middle.PORT: the pack's middle picture alone (comfy_middle)
MIDDLE = tuple((k, k, "") for k in ("middle_frame", "middle_strength", "middle_strength_2"))
TASKS = {
    # (a pack's variant read as it by its types, reading/variants.py, may hold a 'motion_amplitude': PainterI2V's
    # and its copies', whose meaning no declaration tells: carried to Image to Video's own, amplitude.py)
    # (a middle picture and its strengths: the Wan22FMLF pack's WanAdvancedI2V read as them, comfy_middle)
    "WanImageToVideo": Task("image to video", I2V, (("start_image", "image"), (MIDDLE_PORT, "middle_image")), "Wan",
                            settings=(("motion_amplitude", "motion_amplitude", "", 1.0),) + MIDDLE),
    "WanFirstLastFrameToVideo": Task("first-and-last-frame video", I2V,
                                     (("start_image", "image"), ("end_image", "last_image"),
                                      (MIDDLE_PORT, "middle_image")), "Wan", settings=MIDDLE),
    "Wan22ImageToVideoLatent": Task("image to video", I2V, (("start_image", "image"),), "Wan 2.2 TI2V 5B",
                                    needs="start_image"),
    "WanVaceToVideo": Task("VACE video (control, reference, masks)", VACE,
                           (("control_video", "video"), ("control_masks", "mask"), ("reference_image", "reference")),
                           "Wan VACE"),
    "WanAnimateToVideo": Task("character animation", ANIMATE,
                              (("reference_image", "reference"), ("pose_video", "pose"), ("face_video", "face"),
                               ("background_video", "background"), ("character_mask", "mask")), "Wan 2.2 Animate"),
    # the first voice through AudioEncoderEncode -> Speech Features (wav2vec2); patch, second speaker: comfy_talk
    "WanInfiniteTalkToVideo": Task("a talking video from speech (InfiniteTalk)", TALK,
                                   (("start_image", "image"), ("audio_encoder_output_1", "speech")),
                                   "Wan 2.1 InfiniteTalk", read=_talk),
    # the voice (AudioEncoderEncode of a Load Audio) as Speech Features (Whisper, every hidden state: VOICES)
    "WanHuMoImageToVideo": Task("a human video from a reference and a voice (HuMo)", HUMO,
                                (("ref_image", "reference"), ("audio_encoder_output", "features")), "Wan HuMo"),
    "WanCameraImageToVideo": Task("camera-controlled video", FUN_CAMERA, (("start_image", "image"),),
                                  "Wan Fun Camera", read=_camera),
    "WanTrackToVideo": Task("video along drawn tracks (ATI)", I2V, (("start_image", "image"),), "Wan ATI", read=_ati),
    "WanMoveTrackToVideo": Task("video along tracks (Wan-Move)", I2V, (("start_image", "image"),), "Wan-Move",
                                read=_move),
    # the wrapper's WanVideoAddTTMLatents on its image-to-video encode (comfy_wrapper_ttm): Time-to-Move's reference
    # clip and mask, its two steps the node's own settings
    TTM: Task("motion-guided image to video (Time-to-Move)", I2V,
              (("start_image", "image"), ("motion_reference", "motion_reference"), ("motion_mask", "motion_mask")),
              "Wan", settings=(("start_step", "motion_start_step", ""), ("end_step", "motion_end_step", ""))),
    "WanFunControlToVideo": Task("control video (Fun Control)", FUN_CONTROL,
                                 (("control_video", "control"), ("start_image", "image")), "Wan Fun Control"),
    "Wan22FunControlToVideo": Task("control video (Fun Control)", FUN_CONTROL,
                                   (("control_video", "control"), ("ref_image", "image")),
                                   "Wan 2.2 Fun Control", read=_fun_control_22),
    # Fun InP models are Wan image-to-video models (36 input channels: the noise, the mask, the first and
    # last frames' latents), conditioned as Wan's first-and-last-frame call conditions them
    "WanFunInpaintToVideo": Task("first-and-last-frame video (Fun InP)", I2V,
                                 (("start_image", "image"), ("end_image", "last_image")), "Wan Fun InP"),
    # the global pass's and the local pass's WanDancerVideo: one Wan Dancer node (comfy_dancer); the start image from
    # the global pass's start_image, the music behind WanDancerEncodeAudio
    "WanDancerVideo": Task("a dance video from music", DANCER,
                           (("start_image", "image"), ("audio_encoder_output", "audio")), "Wan Dancer"),
    # the wrapper's WanVideoAddStandInLatent on a WanVideoEmptyEmbeds, read as one node (comfy_wrapper_standin)
    STANDIN: Task("text to video keeping a face (Stand-In)", STANDIN_NODE, (("face", "face"),), "Wan 2.1 Stand-In",
                  settings=(("freq_offset", "reference_offset", ""),)),
    # the wrapper's WanVideoControlEmbeds on a plain Wan model given a LoRA: a control LoRA (comfy_wrapper_ctrl_lora)
    fantasy.TASK: fantasy.TASK_SPEC,  # the wrapper's FantasyTalking read as one node (comfy_wrapper_fantasy)
    CTRL_LORA: Task("control video (a control LoRA)", CTRL_LORA_NODE, (("control", "control"),), "Wan 2.1 control LoRA",
                    settings=(("start_percent", "start", ""), ("end_percent", "end", ""))),
    # the wrapper's WanVideoControlnet on the sampler's model: TheDenk's ControlNet (comfy_wrapper_controlnet)
    CONTROLNET: Task("control video (a ControlNet)", CONTROLNET_NODE, (("control", "control"), ("start_image", "image")),
                     "Wan ControlNet", settings=(("controlnet", "controlnet", ""), ("strength", "strength", ""),
                                                 ("control_stride", "stride", ""),
                                                 ("control_start_percent", "start", ""),
                                                 ("control_end_percent", "end", ""))),
}


def _vace_task(b, node, up, inputs: dict, said: list[str]) -> None:
    """Wan VACE's task from how ComfyUI made its control video and masks: padded
    (ImagePadForOutpaint) -> outpaint, a mask by SAM 3 -> inpaint, two stills batched at the
    ends of a grey clip (first-and-last-frame) -> keyframes at 0 and last."""
    wf = b.wf
    if b.pad is not None and read_pad(b, node, inputs, said):  # pixels straight into control_video: Studio's Pad
        pass
    elif b.pad is not None and b.pad.cls == "ImagePadForOutpaint":  # (a pack's pad not read so: said passed over)
        words, fixed = outpaint_sides.read(b, b.pad)  # (a side wired to a value worked out when it runs: named so)
        b.extra["task"] = "outpaint"
        b.extra.update(fixed)
        said.append(outpaint_sides.sentence(words, fixed))
    elif "mask" in inputs and any(s.cls in ("SAM3_Detect", "SAM3_VideoTrack") for s in inputs["mask"][2]):
        b.extra["task"] = "inpaint"
    else:  # the clip's masked area filled by a picture of that mask before WanVaceToVideo (comfy_vace_fill)
        vace_fill(b, node, inputs, said)
    src = wf.source(node, "control_video")
    if read_ends(b, node, inputs, said):  # WanVideoVACEStartToEndFrame's first/last-frame clip: keyframes
        pass
    elif read_prep(b, node, inputs, said):  # a pack's join / extend / outpaint prep node, read by its shape
        pass
    elif read_extension(b, node, inputs, said):  # core ComfyUI's extension: a clip's last frames, grey, solid masks
        pass
    elif src is not None and src.cls == "BatchImagesNode":
        ends = [find_loader(wf, src, k, b.used) for k in sorted(k for k in src.links if k.startswith("images."))]
        if len(ends) >= 2 and ends[0] and ends[-1] and {e[0].cls for e in (ends[0], ends[-1])} == {"LoadImage"}:
            inputs.pop("video", None)
            inputs.pop("mask", None)
            inputs["keyframe_1"], inputs["keyframe_2"] = ((ends[0][0], 0, ()), (ends[-1][0], 0, ()))
            b.keyframes += ["0", "last"]
            said[:] = [line for line in said if "'control_" not in line]
    elif src is not None and src.cls in STILLS:  # the loader itself, nothing between
        _still_control(b, node, inputs, said)


STILLS = ("LoadImage", "LoadImageOutput")  # loaders of one picture


def _still_control(b, node, inputs: dict, said: list[str]) -> None:
    """A control 'video' that is one picture (a LoadImage, its own mask or none as the masks: a turnaround from a
    still): ComfyUI pads it to the take with grey frames to make (masks of 1) and keeps the picture as the first frame;
    Studio's Wan VACE gets it as a keyframe at frame 0, never a still fed as both its control clip and its mask."""
    video, mask = inputs.get("video"), inputs.get("mask")
    if video is None or video[0].cls not in STILLS or video[2] or "keyframe_1" in inputs:
        return
    if mask is not None and (mask[0].id != video[0].id or mask[1] != 1 or mask[2]):  # (its MASK output alone)
        same = mask[0].id == video[0].id
        said.append(f"Wan VACE's control video is the still '{b.file_of(video[0])}' ({video[0].shown_cls}, "
                    f"#{video[0].id}), one picture ComfyUI pads to the take with grey frames"
                    + (", its mask made from the same picture" if same else "") + ": Studio's Wan VACE is given the "
                    "still itself as its control video" + (" and its mask" if same else "") + "; for a take that starts "
                    "from it, connect it to 'keyframe_1' at frame 0 instead")
        return
    inputs.pop("video")
    inputs.pop("mask", None)
    inputs["keyframe_1"] = (video[0], video[1], ())
    b.keyframes.append("0")
    said.append(f"Wan VACE's control video is the still '{b.file_of(video[0])}' ({video[0].shown_cls}, #{video[0].id})"
                + (" with its own mask" if mask is not None else "") + ": ComfyUI pads a one-picture control to the "
                "take with grey frames to make, keeping the picture as the first frame; Studio's Wan VACE takes it as a "
                "keyframe at frame 0 (its 'keyframes' '0')")


def _vace_settings(b, latent, params, loras, said, continued):
    params["conditioning_scale"] = b.wf.value(latent, "strength")
    return loras


def _vace_words(inputs, params) -> str:
    parts = [k for k in ("video", "mask", "reference") if k in inputs] + (["keyframes"] if "keyframe_1" in inputs else [])
    return "VACE video" + (f" ({', '.join(parts)})" if parts else " (text only)")


def _animate_mode(b, node, up, inputs: dict, said: list[str]) -> None:
    """Wan Animate's mode from WanAnimateToVideo's wiring, as ComfyUI decides it: its background_video and
    character_mask wired -> 'replace' (the character put into that clip where the mask is white); neither ->
    'animate'. One of the two alone is ComfyUI's half-replace, which Studio's node has no mode for: said, the
    mode left 'animate' (it does not use either), never a silent change of the task. (A first take and its extensions
    joined: one longer take, comfy_animate_extend.)"""
    animate_longer(b)
    animate_one_pass.plan(b, node, up, said)  # a lone native take sampled in one pass (heldout99 09)
    if node is None:
        return
    wired = [k for k in ("background_video", "character_mask") if b.wf.source(node, k) is not None]
    if len(wired) == 2:
        b.extra["mode"] = "replace"
        lost = [into for into in ("background", "mask") if into not in inputs]
        if lost:
            said.append(f"'{node.title or node.shown_cls}' (#{node.id}) is wired for replacing the person in a clip "
                        f"(mode 'replace'), but its {' and '.join(lost)} could not be wired (said above): wire "
                        f"{'them' if len(lost) == 2 else 'it'} into Wan Animate before running")
    elif wired:
        other = "character_mask" if wired[0] == "background_video" else "background_video"
        said.append(f"'{node.title or node.shown_cls}' (#{node.id}) has its {wired[0]} wired but no {other}: ComfyUI "
                    "then replaces only in part, which Studio's Wan Animate has no mode for; its mode is left "
                    "'animate', which does not use it: wire both 'background' and 'mask' and set mode 'replace' "
                    "to put the character into the clip")
    matte.plan(b, node, inputs, said)  # its background with the mask drawn black: Studio's Composite


def _humo_params(params: dict, inputs, said: list[str]) -> None:
    """HuMo's guidance from the sampler's cfg: 1 (a distilled LoRA's, as ComfyUI's template) -> one model call a
    step ('off'); above -> the release's text and audio guidance (ComfyUI's plain cfg is not HuMo's: said)."""
    cfg = params.get("guidance")
    if isinstance(cfg, (int, float)) and not isinstance(cfg, bool) and cfg <= 1:
        params["guidance_mode"] = "off"
    elif cfg is not None:
        params["guidance_mode"] = "release"
        said.append(f"ComfyUI's cfg {cfg} is plain classifier-free guidance; Wan HuMo guides as the release does "
                    "(text 5.0, audio 5.5): set its scales to taste")


def _humo_words(inputs, params) -> str:
    return "a human video from " + " and ".join(w for k, w in (("reference", "a reference"), ("features", "a voice"))
                                                if k in inputs) if inputs else "a human video from a prompt"


GENERATORS = (
    Generator(VACE, describe=_vace_words, intent=_vace_task, settings=_vace_settings, wired=padded),
    Generator(ANIMATE, describe=lambda inputs, params: "character replacement" if params.get("mode") == "replace"
              else "character animation", intent=_animate_mode, made=animate_one_take, wired=matte.wired,
              one_take=animate_extends),
    Generator(FUN_CONTROL, describe=lambda inputs, params: "control video (Fun Control)"
              + (" from a start image" if "image" in inputs else "")),
    Generator(TALK, describe=lambda inputs, params: "a talking video from speech (InfiniteTalk)",
              heard=HEARD, wired=_talk_wired),
    Generator(HUMO, describe=_humo_words, finish=_humo_params, heard=("features",)),
    Generator(FUN_CAMERA, describe=lambda inputs, params: "camera-controlled video (Fun Camera)"
              + (" from a start image" if "image" in inputs else "")),
    Generator(DANCER, output=dancer_output),  # its two passes, one Studio node
    PUSA_GENERATOR,  # Pusa V1's pictures kept at their own timesteps (comfy_pusa)
    flowedit.GENERATOR,  # the wrapper's FlowEdit of a clip (comfy_wrapper_flowedit, comfy_flowedit)
    Generator(STANDIN_NODE, describe=lambda inputs, params: "text to video keeping a face (Stand-In)",
              settings=lambda b, node, params, loras, said, continued: standin_file(loras, params, said, b.wf)),
    Generator(CONTROLNET_NODE, describe=lambda inputs, params: "control video (a ControlNet)"
              + (" from a start image" if "image" in inputs else "")),
    Generator(CTRL_LORA_NODE, describe=lambda inputs, params: "control video (a control LoRA)",
              intent=ctrl_lora.plan, wired=ctrl_lora.wired,
              settings=lambda b, node, params, loras, said, continued: control_file(loras, params, said)),
) + phantom.GENERATORS + (fantasy.GENERATOR,)
VOICES = (  # InfiniteTalk's wav2vec2 (comfy_talk; also for its node where no file tells the encoder: the wrapper's
    TALK_VOICE, replace(TALK_VOICE, feeds="WanInfiniteTalkToVideo"),  # folder download); HuMo's Whisper
    Voice(False, None, {"layers": "all", "fps": HUMO_FPS}, WHISPER, "Whisper encoder (HuMo's), every hidden state"),
    fantasy.VOICE,
)
WIDGETS = {
    "Wan22ImageToVideoLatent": ("width", "height", "length", "batch_size"),
    "WanImageToVideo": ("width", "height", "length", "batch_size"),
    "WanFirstLastFrameToVideo": ("width", "height", "length", "batch_size"),
    "WanFunInpaintToVideo": ("width", "height", "length", "batch_size"),
    "WanVaceToVideo": ("width", "height", "length", "batch_size", "strength"),
    "WanMoveTrackToVideo": ("strength", "width", "height", "length", "batch_size"),
    "WanFunControlToVideo": ("width", "height", "length", "batch_size"),
    "WanCameraImageToVideo": ("width", "height", "length", "batch_size"),
    "WanCameraEmbedding": ("camera_pose", "width", "height", "length", "speed", "fx", "fy", "cx", "cy"),
    "Wan22FunControlToVideo": ("width", "height", "length", "batch_size"),
    "WanInfiniteTalkToVideo": ("mode", "width", "height", "length", "motion_frame_count", "audio_scale"),
    "WanMoveTracksFromCoords": ("track_coords",),
    "WanTrackToVideo": ("tracks", "width", "height", "length", "batch_size", "temperature", "topk"),
    "WanHuMoImageToVideo": ("width", "height", "length", "batch_size"),
    "WanAnimateToVideo": ("width", "height", "length", "batch_size", "continue_motion_max_frames",
                          "video_frame_offset"),
    HELD: ("input", "from", "carries"),  # comfy_wrappers: a sampler input Studio cannot carry
    fantasy.TASK: fantasy.WIDGETS,
}
TASKS[HELD] = Task("a video", None, family="Wan", read=held_task("Wan"))
TASKS.update(FUN_TASKS)  # VideoX-Fun's VACE sampler read as its task node (comfy_videox_fun)
TASKS.update(PUSA_TASKS)  # the wrapper's Pusa embeds read as one node (comfy_wrapper_pusa, comfy_pusa)
WIDGETS.update(PUSA_WIDGETS)
TASKS.update(flowedit.TASKS)  # the wrapper's FlowEdit and its clip read as one node (comfy_wrapper_flowedit)
WIDGETS.update(flowedit.WIDGETS)
TASKS.update(phantom.TASKS)  # Phantom-Wan's subject to video, core and the wrapper's (comfy_phantom)
WIDGETS.update(phantom.WIDGETS)
WIDGETS.update(FUN_WIDGETS)
WIDGETS["WanVideoNAG"] = ("nag_scale", "nag_alpha", "nag_tau", "input_type")  # (KJNodes' INPUT_TYPES order)
WIDGETS.update(SCHEDULER_WIDGETS)  # the wrapper's WanVideoScheduler: its values passed on (pass_values)


def translate(wf):
    """kijai's ComfyUI-WanVideoWrapper's nodes, VideoX-Fun's and the packs' multi-frame nodes, read as ComfyUI's own
    (each says nothing where the workflow has none of its nodes)."""
    return resize_closest(wf) + wrapper_translate(wf) + fun_translate(wf) + frames_translate(wf) + triple_translate(wf) + ttm_translate(wf)

from .comfy_nag import nag_patch  # noqa: E402

def _by_sampler(b, s, params, said) -> None:
    """The 'sampler_params' hook: the pictures on an unread conditioning; a TI2V 5B take's size from an eighth-size
    empty latent."""
    said_unread(b, s, params, said)
    eighth_doubled(b, s, params, said)


MAPPING = ComfyMapping(
    key="wan", title="Wan", tasks=TASKS, generators=GENERATORS, voices=VOICES,
    files=(("wan2.2", "Wan 2.2"), ("wan2_2", "Wan 2.2"), ("wan2.1", "Wan 2.1"), ("wan2_1", "Wan 2.1"), ("wan", "Wan")),
    text_types=("wan",), rank=1, passing={"WanDancerEncodeAudio": ()},  # the music's encoding: the Wan Dancer node's own
    packs=tuple((p, "ComfyUI-WanVideoWrapper", "Wan") for p in PREFIXES), translate=translate, translated=TRANSLATED,
    widgets=WIDGETS, pack_nodes=PACK_NODES,
    hooks={"prompt_weights": "weighs",  # ComfyUI's prompt weights (mapping/prompt_weights.py)
           "file_names_version": True, "experts": "Wan 2.2 A14B",
           # Wan 2.1 I2V's image encoder: part_configs.CLIP_IMAGE_PROCESSOR's do_center_crop (2.2's files use none);
           # a file naming no version given an image encoder ('Wan'): parts.py gives it the same processor
           # (heldout121 07: a FusionX merge's crop 'none' was said nowhere)
           "image_crop": {"Wan 2.1": "center", "Wan": "center"},
           "task_loras": loose_standin,  # Stand-In's file on the model of another generator: said, not loaded
           "checkpoint_parts": ("text_encoder", "vae"),  # an all-in-one checkpoint's, read by parts.CHECKPOINT_PARTS
           "comfy_shift": 8.0,  # ComfyUI's WAN21_T2V sampling_settings, every Wan model config made from it
           "latent_stride": 4,  # its VAE's time stride: ComfyUI's latents hold (length - 1) // 4 + 1 (latent_frames)
           "latent_steps": {PASS_PROMPTS: pass_prompts},  # a chain of passes' own prompts (comfy_pass_prompts)
           "tracks": lambda params: "ATI" if params.get("tracks_as") == "ati" else "Wan-Move",
           "pass_values": {"WanCameraEmbedding": ("width", "height", "length"), **SCHEDULER_VALUES},  # as given
           "values": {**MOE_VALUES, **SCHEDULER_OWN},  # WanMoEScheduler's steps, switch step and shift worked out
           # (comfy_moe_scheduler); an earlier WanVideoScheduler's one choice (comfy_wrapper_scheduler.own_choice)
           # kijai's ComfyUI-WanAnimatePreprocess (read for meaning) on Wan Animate's pose and face clips:
           # PoseAndFaceDetection finds the poses (output 0) and crops the face (output 1), DrawViTPose draws them
           "steps": {"DrawViTPose": "pose", "PoseAndFaceDetection": "face"},
           "comfy_ranges": RANGES, "comfy_declared": DECLARED,  # ComfyUI's declarations of its nodes (comfy_ranges.py)
           # ComfyUI's WanContextWindowsManual: ContextWindowsManual's settings, its lengths in frames (nodes_wan.py)
           "context_windows": {"WanContextWindowsManual": "frames"},
           # ComfyUI's WanPhantomSubjectToVideo: what it does is Phantom-Wan's (its pictures read as references
           # appended after the video's latent frames), not told by its inputs; a pack's node with them is not it
           "model_tasks": (phantom.CORE,),
           # ComfyUI's nodes_wan.py: each picture common_upscale'd 'bilinear', 'center' to the take's size (Image to
           # Video's image_fit 'crop': studio/convert/mapping/picture_fit.py); Wan22ImageToVideoLatent's start image
           # too (its execute: common_upscale(start_image[:length], width, height, "bilinear", "center"), heldout99 04)
           "centre_cropped": {"WanImageToVideo": ("start_image",),
                              "WanFirstLastFrameToVideo": ("start_image", "end_image"),
                              "Wan22ImageToVideoLatent": ("start_image",),
                              # WanFunInpaintToVideo runs WanFirstLastFrameToVideo's execute (nodes_wan.py); Flow-two's
                              # WanImageToVideo_F2 (ComfyUI-WanStartEndFramesNative nodes/nodes.py: common_upscale
                              # 'bilinear', 'center' of both) is looked up by its own type (its origin; rejudge25)
                              "WanFunInpaintToVideo": ("start_image", "end_image"),
                              "WanImageToVideo_F2": ("start_image", "end_image")},
           "load_formats": {"Wan": (8, 4)},  # VideoHelperSuite's load format 'Wan': dim 8, 4n + 1 frames
           "model_patches": {"WanVideoNAG": nag_patch},  # Normalized Attention Guidance (comfy_nag.py)
           "decoded_scale": eighth_decoded,  # its picture measured after the decode, twice the asked size too
           "sampler_params": _by_sampler})  # pictures on a conditioning its sampler does not read (heldout106 03);
    # a TI2V 5B take from an eighth-size empty latent made at the size ComfyUI writes (comfy_eighth_latent)
