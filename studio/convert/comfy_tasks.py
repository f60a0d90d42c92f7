"""What a ComfyUI video workflow makes, read from its conditioning and latent nodes: one declared
table of ComfyUI node types -> the task, the Studio generator that does it (None where Studio has
none) and which of the node's inputs carry the intent (the start image, last frame, control video,
masks, reference, pose...), wired into which input of the generator.

The table is here, not in nodes/video_models/families/<key>/: the import contract keeps nodes and
studio.convert beside each other (the converters know Studio's nodes by their type ids only), so a
family's ComfyUI node types are declared once, in this table, by family.

Plain data and stdlib, as comfy_read: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .comfy_read import CNode, Workflow

T2V, I2V, VACE, ANIMATE, LTX2 = ("video_models.text_to_video", "video_models.image_to_video", "video_models.wan_vace",
                                 "video_models.wan_animate", "video_models.ltx2")
FUN_CONTROL, FUN_CAMERA = "video_models.wan_fun_control", "video_models.wan_fun_camera"
TALK = "video_models.infinitetalk"
S2V = "video_models.wan_s2v"  # Speech to Video (S2V): nodes/video_models/families/wan_s2v/node.py
MINIMAX_REF = "video_models.minimax_h3_reference"
HUMO = "video_models.wan_humo"
DANCER = "video_models.wan_dancer"  # Wan Dancer: nodes/video_models/families/wan/dancer_node.py
V2V = "video_models.video_to_video"
ANIMATE2 = "video_models.wan_animate_2"
SCAIL2 = "video_models.scail2"  # SCAIL-2 Character: nodes/video_models/families/wan_scail/node.py
# WanAnimate2ToVideo's settings diffusers' pipeline has no argument for, with the value that changes nothing
ANIMATE2_UNTAKEN = (("pose_strength", 1.0), ("pose_start_percent", 0.0), ("pose_end_percent", 1.0),
                    ("reference_image_strength", 1.0), ("video_frame_offset", 0))


@dataclass(frozen=True)
class Task:
    what: str  # the task, as the sentence names it ("image to video")
    generator: str | None = None  # the Studio node that makes it; None: Studio cannot
    ports: tuple[tuple[str, str], ...] = ()  # ComfyUI input -> the generator's input
    family: str | None = None  # where the node names the family
    cannot: str = ""  # what Studio cannot do, for the sentence
    needs: str | None = None  # the input without which it is text to video (Wan 2.2 TI2V, HunyuanVideo 1.5)


# -- the families' ComfyUI node types -------------------------------------------------------------
WAN = {
    "WanImageToVideo": Task("image to video", I2V, (("start_image", "image"),), "Wan"),
    "WanFirstLastFrameToVideo": Task("first-and-last-frame video", I2V,
                                     (("start_image", "image"), ("end_image", "last_image")), "Wan"),
    "Wan22ImageToVideoLatent": Task("image to video", I2V, (("start_image", "image"),), "Wan 2.2 TI2V 5B",
                                    needs="start_image"),
    "WanVaceToVideo": Task("VACE video (control, reference, masks)", VACE,
                           (("control_video", "video"), ("control_masks", "mask"), ("reference_image", "reference")),
                           "Wan VACE"),
    "WanAnimateToVideo": Task("character animation", ANIMATE,
                              (("reference_image", "reference"), ("pose_video", "pose"), ("face_video", "face"),
                               ("background_video", "background"), ("character_mask", "mask")), "Wan 2.2 Animate"),
    # Wan Animate 2: the reference character moved by a driving video (its 'pose_video': a plain video of a
    # person moving), read from its ComfyUI int8 convrot denoiser with the umt5_xxl, Wan 2.1 VAE and clip_vision_h
    # files its templates load (Load Video Model's text_encoder, vae, clip_vision, as plain Wan's), or its folder
    "WanAnimate2ToVideo": Task("character animation from a driving video", ANIMATE2,
                               (("reference_image", "reference"), ("pose_video", "driving")), "Wan Animate 2"),
    "WanSoundImageToVideo": Task("speech-driven video (S2V)", S2V,
                                 (("ref_image", "image"), ("audio_encoder_output", "speech"),
                                  ("control_video", "pose")), "Wan 2.2 S2V"),
    # the first voice through AudioEncoderEncode -> Speech Features (wav2vec2); patch, second speaker: comfy_talk
    "WanInfiniteTalkToVideo": Task("a talking video from speech (InfiniteTalk)", TALK,
                                   (("start_image", "image"), ("audio_encoder_output_1", "speech")),
                                   "Wan 2.1 InfiniteTalk"),
    # the voice (AudioEncoderEncode of a Load Audio) as Speech Features (Whisper, every hidden state: comfy_intent)
    "WanHuMoImageToVideo": Task("a human video from a reference and a voice (HuMo)", HUMO,
                                (("ref_image", "reference"), ("audio_encoder_output", "features")), "Wan HuMo"),
    "WanCameraImageToVideo": Task("camera-controlled video", FUN_CAMERA, (("start_image", "image"),),
                                  "Wan Fun Camera"),
    "WanTrackToVideo": Task("video along drawn tracks (ATI)", I2V, (("start_image", "image"),), "Wan ATI"),
    "WanMoveTrackToVideo": Task("video along tracks (Wan-Move)", I2V, (("start_image", "image"),), "Wan-Move"),
    "WanFunControlToVideo": Task("control video (Fun Control)", FUN_CONTROL,
                                 (("control_video", "control"), ("start_image", "image")), "Wan Fun Control"),
    "Wan22FunControlToVideo": Task("control video (Fun Control)", FUN_CONTROL,
                                   (("control_video", "control"), ("ref_image", "image")),
                                   "Wan 2.2 Fun Control"),
    # Fun InP models are Wan image-to-video models (36 input channels: the noise, the mask, the first and
    # last frames' latents), conditioned as Wan's first-and-last-frame call conditions them
    "WanFunInpaintToVideo": Task("first-and-last-frame video (Fun InP)", I2V,
                                 (("start_image", "image"), ("end_image", "last_image")), "Wan Fun InP"),
    # Zhipu's SCAIL-2 (zai-org/SCAIL-2): the reference, the driving video ('pose_video') and the identity masks
    # (SCAIL2ColoredMask of SAM 3's tracks: Studio's Segment, painted by the node); replace/animate, window and
    # overlap read by comfy_scail. SCAIL (SCAIL-Preview, no masks) is refused by its file (families/wan/recognise.py)
    "WanSCAILToVideo": Task("character replacement (SCAIL-2)", SCAIL2,
                            (("reference_image", "reference"), ("pose_video", "driving"),
                             ("pose_video_mask", "driving_mask"), ("reference_image_mask", "reference_mask")),
                            "SCAIL-2"),
    # the global pass's and the local pass's WanDancerVideo: one Wan Dancer node (comfy_dancer); the start image from
    # the global pass's start_image, the music behind WanDancerEncodeAudio
    "WanDancerVideo": Task("a dance video from music", DANCER,
                           (("start_image", "image"), ("audio_encoder_output", "audio")), "Wan Dancer"),
}
LTX = {
    "LTXVImgToVideo": Task("image to video", I2V, (("image", "image"),), "LTX-Video"),
}
HUNYUAN15 = {
    "EmptyHunyuanVideo15Latent": Task("text to video", T2V, (), "HunyuanVideo 1.5"),
    "HunyuanVideo15ImageToVideo": Task("image to video", I2V, (("start_image", "image"),), "HunyuanVideo 1.5",
                                       needs="start_image"),
}
SVD = {
    "SVD_img2vid_Conditioning": Task("image to video", I2V, (("init_image", "image"),), "Stable Video Diffusion"),
}
KANDINSKY5 = {  # its DiT, Qwen2.5-VL, CLIP-L and VAE files set on Load Video Model (no 'base')
    "Kandinsky5ImageToVideo": Task("image to video", I2V, (("start_image", "image"),), "Kandinsky 5",
                                   needs="start_image"),
}
MINIMAX_H3 = {  # its ComfyUI DiT file read with a diffusers folder as 'base' (modular_model_index.json); said
    "MiniMaxH3ImageToVideo": Task("image to video", I2V, (("first_frame", "image"), ("last_frame", "last_image")),
                                  "MiniMax H3", needs="first_frame"),
    # its autogrow inputs (ref_images.ref_image_0 ...) -> MiniMax H3 Reference to Video's image_1 ...; a
    # ref_video_audio_N is the clip's own sound in Studio (said where one is wired: comfy_intent)
    "MiniMaxH3ReferenceToVideo": Task("reference to video", MINIMAX_REF,
                                      tuple((f"ref_images.ref_image_{i}", f"image_{i + 1}") for i in range(9))
                                      + tuple((f"ref_videos.ref_video_{i}", f"video_{i + 1}") for i in range(3))
                                      + tuple((f"ref_audios.ref_audio_{i}", f"audio_{i + 1}") for i in range(3)),
                                      "MiniMax H3"),
}
# MiniMaxH3FunControlNetApply (a model patch on the model the sampler uses): held with this sentence
MINIMAX_CONTROL = Task("control video (Fun ControlNet-Union)", None, family="MiniMax H3",
                       cannot="run MiniMax H3's Fun ControlNet-Union: diffusers 0.42.1 has no model class for its "
                              "control branch (alibaba-pai/MiniMax-H3-Fun-Controlnet-Union, a VideoX-Fun checkpoint "
                              "loaded by ComfyUI's ModelPatchLoader)")
# DualCLIPLoader types whose two files Load Video Model reads (text_encoder, text_encoder_2)
DUAL_TYPES = ("hunyuan_video_15", "kandinsky5")
# families read from a diffusers folder (or their denoiser file with one as 'base'): their ComfyUI part files in
# one sentence
FOLDER_ONLY = {"MiniMax H3": "of MiniMax H3's ComfyUI files ({files}) Studio reads the DiT file (ComfyUI's 'pruned' "
                             "curve form: its adaln_t_table and rank-8 AdaLN read into diffusers' MiniMax H3 "
                             "transformer, its int8 'convrot' layers kept in int8; an fl2va file as the text and image "
                             "to video transformer, a ref2va file as the reference one), the VAE files (the video VAE "
                             "set as Load Video Model's 'vae', its int8 'convrot' decoder layers kept in int8; the audio "
                             "VAE read from beside it: keep both in one folder) and the Qwen3-VL file (set as "
                             "'text_encoder', its NVFP4 layers kept packed) with no diffusers folder: put Qwen3-VL's "
                             "tokenizer files, which ComfyUI keeps in its code, in a tokenizer/ folder beside the "
                             "Qwen3-VL file, or set Load Video Model's 'base' to a MiniMax H3 diffusers folder "
                             "(modular_model_index.json) for its tokenizer"}
VAE_FILES_READ = ("MiniMax H3",)  # of those, the families whose ComfyUI VAE files Load Video Model reads ('vae')
TEXT_FILES_READ = {"MiniMax H3": "minimax"}  # ... and whose text-encoder file (CLIPLoader of this type) it reads
# generators whose model, read from ComfyUI's files, gets a scheduler of Studio's with this shift (no shift setting):
# Wan Animate 2's FlowMatchEuler shift 5 (families/wan_animate2/parts.py SCHEDULER, as ComfyUI's templates sample it)
FILES_SHIFT = {ANIMATE2: 5.0}
SHORTEST = {"MiniMax H3": (120, 124)}  # frames it makes at least (diffusers: 5 s at 24 fps) -> the shortest it makes


def folder_only_params(fam: str, params: dict, said: list[str]) -> None:
    """A clip shorter than the family makes, made as its shortest (said)."""
    least = SHORTEST.get(fam)
    frames = params.get("frames")
    if least and isinstance(frames, int) and frames < least[0]:
        said.append(f"{fam} makes 5 to 15 seconds in diffusers: the workflow's {frames} frames are made as {least[1]} "
                    f"(the shortest)")
        params["frames"] = least[1]


OTHERS = {  # families Studio does not run
    "ARVideoI2V": Task("image to video by causal forcing", None, family="an autoregressive Wan",
                       cannot="sample a video autoregressively (causal forcing)"),
    "BerniniConditioning": Task("video editing", None, family="Bernini-R", cannot="run Bernini-R"),
    "SeedVR2Conditioning": Task("a video upscale", None, family="SeedVR2", cannot="run SeedVR2"),
    "VOIDInpaintConditioning": Task("object removal (video inpainting)", None, family="VOID", cannot="run VOID"),
}
# a sampler's latent encoded from a clip (VAEEncode), denoised part way: video to video, its strength
# the sampler's denoise (comfy_intent reads it; denoised whole, the clip is lost: text to video)
ENCODED = {"VAEEncode": Task("video to video", V2V, (("pixels", "video"),))}
TASKS: dict[str, Task] = {**WAN, **LTX, **HUNYUAN15, **SVD, **KANDINSKY5, **MINIMAX_H3, **OTHERS, **ENCODED}
WRAPPER = ("WanVideo", "LoadWanVideo")  # kijai's ComfyUI-WanVideoWrapper (comfy_wrappers reads what it can)
EMPTY = ("EmptyHunyuanLatentVideo", "EmptyLTXVLatentVideo", "EmptyMochiLatentVideo")  # text to video
LATENT_NAMES = ("latent_image", "samples", "latent", "video_latent", "av_latent")

# a family named by its model file (lower case, first match)
FAMILY_FILES = (("ltx-2", "LTX-2"), ("ltx2", "LTX-2"), ("ltxv", "LTX-Video"), ("ltx-video", "LTX-Video"),
                ("hunyuanvideo1.5", "HunyuanVideo 1.5"), ("hunyuanvideo15", "HunyuanVideo 1.5"),
                ("hunyuan_video_1.5", "HunyuanVideo 1.5"), ("hunyuan_video", "HunyuanVideo"),
                ("wan2.2", "Wan 2.2"), ("wan2_2", "Wan 2.2"), ("wan2.1", "Wan 2.1"), ("wan2_1", "Wan 2.1"),
                ("wan", "Wan"), ("mochi", "Mochi"), ("cosmos", "Cosmos"), ("kandinsky", "Kandinsky 5"),
                ("minimax_h3", "MiniMax H3"))


def family(model_file: Any, task: Task | None, up: list[CNode]) -> str:
    """The family a pipeline uses: the task node's, else its model file's, else LTX-2 by its audio nodes."""
    if is_ltx2(up):
        return "LTX-2"
    if task is not None and task.family and task.generator is None:
        return task.family
    name = model_file.lower().replace(" ", "") if isinstance(model_file, str) else ""
    hit = next((f for k, f in FAMILY_FILES if k in name), None)
    if task is not None and task.family and task.family != "Wan":  # the node names it more closely
        return task.family
    return hit or (task.family if task is not None and task.family else "an unrecognised model")


def is_ltx2(up: list[CNode]) -> bool:
    """An LTX-2 pipeline (video and sound): its audio latent nodes are upstream of the output."""
    return any(n.cls.startswith("LTXAV") or n.cls in ("LTXVEmptyLatentAudio", "LTXVConcatAVLatent") for n in up)


def task_node(wf: Workflow, first: CNode, up: list[CNode]) -> tuple[CNode | None, list[CNode]]:
    """The node that says the task: the first sampler's latent through the latent nodes (and those
    nodes on the way: LTX's in-place image and guides), else a node of the table upstream of the
    output."""
    seen, chain, node = set(), [], wf.source(first, "latent_image")
    while node is not None and node.id not in seen and len(seen) < 64:
        seen.add(node.id)
        if node.cls in TASKS or node.cls in EMPTY or node.cls.startswith(WRAPPER):
            return node, chain
        chain.append(node)
        name = next((k for k in LATENT_NAMES if k in node.links), None)
        if name is None and node.cls == "ComfySwitchNode":
            name = "on_true" if wf.value(node, "switch") else "on_false"
        node = wf.source(node, name) if name else None
    return next((n for n in up if n.cls in TASKS), None), chain


def feeds_s2v(wf: Workflow, n: CNode) -> bool:
    """Whether ``n`` (an AudioEncoderEncode) feeds Wan S2V's node (its wav2vec2 features are S2V's,
    not InfiniteTalk's)."""
    return any(m.cls.startswith("WanSoundImageToVideo") and any(src[0] == n.id for src in m.links.values())
               for m in wf.nodes.values())


def task_of(node: CNode | None) -> Task | None:
    """The task ``node`` says (TASKS); a WanVideoWrapper node that comfy_wrappers could not read as
    a core node: a task Studio cannot keep, in words."""
    if node is None:
        return None
    spec = TASKS.get(node.cls)
    if spec is None and node.cls.startswith(WRAPPER):
        return Task(f"a video from {node.cls}", None, family="Wan (ComfyUI-WanVideoWrapper)",
                    cannot=f"read ComfyUI-WanVideoWrapper's {node.cls}, which has no ComfyUI core counterpart Studio "
                           "converts")
    return spec


def made_task(generator: str, inputs: dict, params: dict | None = None) -> str:
    """The task a converted pipeline does, in words, from its generator, the inputs wired and its settings."""
    if generator == VACE:
        parts = [k for k in ("video", "mask", "reference") if k in inputs] + (["keyframes"] if "keyframe_1" in inputs else [])
        return "VACE video" + (f" ({', '.join(parts)})" if parts else " (text only)")
    if generator == ANIMATE:
        return "character animation"
    if generator == S2V:
        return "speech-driven video (S2V)" + (" moved by a pose clip" if "pose" in inputs else "")
    if generator == MINIMAX_REF:
        return "reference to video"
    if generator == ANIMATE2:
        return "character animation from a driving video"
    if generator == SCAIL2:
        return f"character {'animation' if (params or {}).get('mode') == 'animate' else 'replacement'} (SCAIL-2)"
    if generator == FUN_CONTROL:
        return "control video (Fun Control)" + (" from a start image" if "image" in inputs else "")
    if generator == TALK:
        return "a talking video from speech (InfiniteTalk)"
    if generator == HUMO:
        return "a human video from " + " and ".join(w for k, w in (("reference", "a reference"), ("features", "a voice"))
                                                    if k in inputs) if inputs else "a human video from a prompt"
    if generator == FUN_CAMERA:
        return "camera-controlled video (Fun Camera)" + (" from a start image" if "image" in inputs else "")
    if generator == V2V:
        return "video to video"
    if "tracks" in inputs:
        return f"image to video along tracks ({'ATI' if (params or {}).get('tracks_as') == 'ati' else 'Wan-Move'})"
    what = ("first-and-last-frame video" if "last_image" in inputs else "keyframe video" if "keyframe_2" in inputs
            else "image to video" if "image" in inputs or "keyframe_1" in inputs else "text to video")
    if "control" in inputs:
        what += " with a control clip (IC-LoRA)"
    if "voice" in inputs:
        what += " speaking in a reference voice (ID-LoRA)"
    return what + (" with the workflow's sound" if "audio" in inputs else "")


def sentence(task: Task, fam: str, held: list[str], loader: bool = True) -> str:
    """The one sentence said first where Studio cannot do a workflow's task."""
    what = ["its model loader"] * loader + [f"its inputs ({', '.join(held)})"] * bool(held)
    instead = f"holds {' and '.join(what)}, with no generator" if what else "holds only its notes"
    return (f"This workflow makes {task.what} with {fam}; Studio cannot {task.cannot or 'do that task'}; "
            f"the graph instead {instead}.")


def humo_params(params: dict, said: list[str]) -> None:
    """HuMo's guidance from the sampler's cfg: 1 (a distilled LoRA's, as ComfyUI's template) -> one model call a
    step ('off'); above -> the release's text and audio guidance (ComfyUI's plain cfg is not HuMo's: said)."""
    cfg = params.get("guidance")
    if isinstance(cfg, (int, float)) and not isinstance(cfg, bool) and cfg <= 1:
        params["guidance_mode"] = "off"
    elif cfg is not None:
        params["guidance_mode"] = "release"
        said.append(f"ComfyUI's cfg {cfg} is plain classifier-free guidance; Wan HuMo guides as the release does "
                    "(text 5.0, audio 5.5): set its scales to taste")
