"""MiniMax H3's ComfyUI mapping (api.ComfyMapping): its image-to-video and reference-to-video nodes (its
ComfyUI DiT file read with a diffusers folder as 'base', modular_model_index.json, or its own files), its
part files in one sentence and what Load Video Model reads of them (its shortest clip is ComfyUI's: the
generator makes the frames asked from 5, family.py / shortest.py). Plain data and
stdlib: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from studio.convert.api import I2V, T2V, CNode, ComfyMapping, Generator, Task, find_loader

from .comfy_after import keyframes, latent_given
from .comfy_director import translate as director
from .comfy_multishot import translate as multishot
from .comfy_rh import SHIFTS, translate as runninghub
from .comfy_ranges import RANGES

MINIMAX_REF = "video_models.minimax_h3_reference"
# MiniMaxH3FunControlNetApply (a model patch on the model the sampler uses): held with this sentence
MINIMAX_CONTROL = Task("control video (Fun ControlNet-Union)", None, family="MiniMax H3",
                       cannot="run MiniMax H3's Fun ControlNet-Union: diffusers 0.42.1 has no model class for its "
                              "control branch (alibaba-pai/MiniMax-H3-Fun-Controlnet-Union, a VideoX-Fun checkpoint "
                              "loaded by ComfyUI's ModelPatchLoader)")
FOLDER_ONLY = ("of MiniMax H3's ComfyUI files ({files}) Studio reads the DiT file, in ComfyUI's 'pruned' "
               "curve form (its adaln_t_table and rank-8 AdaLN read into diffusers' MiniMax H3 transformer with "
               "that time path) or its full, unpruned form (read into diffusers' MiniMax H3 transformer by "
               "diffusers' converter), any int8 'convrot' layers kept in int8, MXFP8 ones dequantised (an fl2va "
               "file as the text and image to video transformer, a ref2va file as the reference one), the VAE files (the video VAE "
               "set as Load Video Model's 'vae', any int8 'convrot' decoder layers kept in int8; the audio "
               "VAE read from beside it: keep both in one folder) and the Qwen3-VL file (set as "
               "'text_encoder', any NVFP4 layers kept packed) with no diffusers folder: put Qwen3-VL's "
               "tokenizer files, which ComfyUI keeps in its code, in a tokenizer/ folder beside the "
               "Qwen3-VL file, or set Load Video Model's 'base' to a MiniMax H3 diffusers folder "
               "(modular_model_index.json) for its tokenizer")


# the parts Load Video Model reads from ComfyUI's .safetensors files only: its Qwen3-VL (parts.text_part: "is not a
# .safetensors file") and its VAEs (comfy_vae.header: "is not a .safetensors file"); a GGUF one is said (heldout120 01)
PART_FORMS = {"text encoder": (".safetensors",), "VAE": (".safetensors",)}


def _minimax_reference(b, node: CNode, up: list[CNode], spec: Task, inputs: dict, said: list[str]) -> Task:
    """MiniMax H3's MiniMaxH3ReferenceToVideo: its ref_image_size as 'reference_size'; a sound wired
    beside a reference video and its MiniMaxH3AddGuide stills pinned in time said; held in one
    sentence when a Fun ControlNet patches the model (MINIMAX_CONTROL)."""
    if any(n.cls == "MiniMaxH3FunControlNetApply" for n in up):
        return MINIMAX_CONTROL
    held = latent_given(b, node, up)  # a clip or sound put into the latent it starts from (comfy_after.py)
    if held is not None:
        return held
    size = b.wf.value(node, "ref_image_size")
    if size in ("match", "max"):
        b.extra["reference_size"] = size
    for i in range(3):
        if f"ref_video_audios.ref_video_audio_{i}" in node.links:
            said.append(f"ComfyUI's ref_video_audio_{i} (a sound given beside reference video {i + 1}) is not "
                        "wired: MiniMax H3 Reference to Video takes a reference clip's own sound, from its file")
    guides = sorted((n for n in up if n.cls == "MiniMaxH3AddGuide"), key=lambda n: n.id)
    if guides:
        found = [find_loader(b.wf, g, "image", set()) for g in guides]
        files = ", ".join(f"'{b.file_of(f[0])}'" for f in found if f is not None)
        said.append(f"its {len(guides)} MiniMaxH3AddGuide stills ({files or 'made by other nodes'}) pinned at "
                    "frames of the clip are not converted: diffusers' ref2va takes references, not frames in time "
                    "(connect them to MiniMax H3 Reference to Video's image inputs to name them in the prompt)")
    return spec


def _first_frame(b, node: CNode, up: list[CNode], spec: Task, inputs: dict, said: list[str]) -> Task | None:
    """No first frame: its text to video; a last frame alone: held in words. A clip or sound put into the latent it
    starts from holds it; pictures pinned on its conditioning at its first and last frame are its start and last
    image, at a frame between they hold it (comfy_after.py)."""
    held = latent_given(b, node, up) or keyframes(b, node, up, inputs, said)
    if held is not None:
        return held
    if "image" in inputs:
        return None
    return Task("text to video", T2V, (), spec.family) if "last_image" not in inputs else Task(
        "video up to a last frame", None, family=spec.family, cannot="make a MiniMax H3 video up to a "
        "last frame without a first one (Image to Video takes a start image)")


def _folder_files(b, up: list[CNode], load: str, lp: set) -> list[str]:
    """Its part files Load Video Model takes beside the DiT file: the video VAE (the audio one beside it is
    read from its folder) and the Qwen3-VL file of a CLIPLoader of type 'minimax' (the tokenizer beside it, or
    'base'); where the one CLIPLoader on its way is of another type (heldout93 07: 'qwen_image'), its file all the
    same, its type said not applied (the sentence of its files calls it the Qwen3-VL file set as 'text_encoder')."""
    wf = b.wf
    vae = next((v for n in up if n.cls == "VAELoader" and isinstance(v := wf.value(n, "vae_name"), str)
                and v.strip() and "audio" not in v.lower()), None)
    if vae and "vae" in lp:
        b.g.set_param(load, "vae", vae)
    clips = [n for n in up if n.cls == "CLIPLoader" and isinstance(wf.value(n, "clip_name"), str)
             and wf.value(n, "clip_name").strip()]
    typed = [n for n in clips if wf.value(n, "type") == "minimax"]
    te = (typed or clips)[0] if (typed or len(clips) == 1) and "text_encoder" in lp else None
    if te is None:
        return []
    b.g.set_param(load, "text_encoder", wf.value(te, "clip_name"))
    kind = wf.value(te, "type")  # (none: a pack's loader read as CLIPLoader, its type said there; heldout93 03)
    return [] if te in typed or not isinstance(kind, str) else [
        f"{te.named()}'s type '{kind}' is not applied: its file "
        f"'{wf.value(te, 'clip_name')}' is read as MiniMax H3's Qwen3-VL text encoder, the one text encoder the "
        "workflow loads for it"]


# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "MiniMaxH3ImageToVideo": ("prompt", "width", "height", "length"),
    "MiniMaxH3ReferenceToVideo": ("prompt", "width", "height", "length", "ref_image_size"),
    "MiniMaxH3AddGuide": ("frame_idx",),
}

MAPPING = ComfyMapping(
    key="minimax_h3", title="MiniMax H3",
    tasks={
        "MiniMaxH3ImageToVideo": Task("image to video", I2V, (("first_frame", "image"), ("last_frame", "last_image")),
                                      "MiniMax H3", needs="first_frame", read=_first_frame),
        # its autogrow inputs (ref_images.ref_image_0 ...) -> MiniMax H3 Reference to Video's image_1 ...; a
        # ref_video_audio_N is the clip's own sound in Studio (said)
        "MiniMaxH3ReferenceToVideo": Task("reference to video", MINIMAX_REF,
                                          tuple((f"ref_images.ref_image_{i}", f"image_{i + 1}") for i in range(9))
                                          + tuple((f"ref_videos.ref_video_{i}", f"video_{i + 1}") for i in range(3))
                                          + tuple((f"ref_audios.ref_audio_{i}", f"audio_{i + 1}") for i in range(3)),
                                          "MiniMax H3", read=_minimax_reference),
    },
    generators=(Generator(MINIMAX_REF, keeps_sound=True, describe=lambda inputs, params: "reference to video"),),
    # (its files named with either separator: 'MiniMax-H3_Ref2VA-NVFP4.safetensors', heldout111 03)
    files=(("minimax_h3", "MiniMax H3"), ("minimax-h3", "MiniMax H3")), folder_only=FOLDER_ONLY,
    prompt_nodes={"MiniMaxH3ImageToVideo": "prompt", "MiniMaxH3ReferenceToVideo": "prompt"},  # their own prompt
    # the soundtrack its text and image to video make goes with their clip (family.py: its Modular's keeps_sound)
    widgets=WIDGETS, hooks={"folder_files": _folder_files, "part_forms": PART_FORMS, "keeps_sound": (T2V, I2V),
                            "comfy_ranges": RANGES,  # ComfyUI's declared ranges of its nodes (comfy_ranges.py)
                            "prompt_weights": "literal",  # ComfyUI's Qwen3-VL encoder reads no prompt weights
                            "schedule_shifts": SHIFTS},  # its video / audio schedulers' (parts.SCHEDULERS)
    # an app's MiniMaxH3Director's timeline, a pack's one-shot H3MultishotSampler, the RunningHub pack's take by its
    # declared types as native nodes (comfy_director.py, comfy_multishot.py, comfy_rh.py)
    translate=lambda wf: director(wf) + multishot(wf) + runninghub(wf))
