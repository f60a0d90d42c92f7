"""Issue 55: every local video template of ComfyUI's template package (comfyui-workflow-templates-json,
read where pip installed it) converts to the task, family and wired inputs this table holds, and
validates. A row that changes names the template that changed. The whole package's conversion time
is printed (not asserted: benchmarks are elsewhere).

Each row: template -> (the task in words, the family, the Studio generator (None: Studio cannot do
the task, or a utility chain), the generator's inputs wired). Rows marked PARTIAL keep their task
but not every input of it (said in the pipeline's note)."""
from __future__ import annotations

import functools
import json
import os
import time

import pytest

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow

from .workflow_labels import MODEL_FILES, judge, labels

templates = pytest.importorskip("comfyui_workflow_templates_json")
TEMPLATES = os.path.join(os.path.dirname(templates.__file__), "templates")

TASKS = {
    "hunyuan_video_text_to_video": ('text to video', 'HunyuanVideo', 'text_to_video', ()),
    "image_to_video_wan": ('image to video', 'Wan 2.1', 'image_to_video', ('image',)),
    "ltxv_image_to_video": ('image to video', 'LTX-Video', 'image_to_video', ('image',)),
    "ltxv_text_to_video": ('text to video', 'LTX-Video', 'text_to_video', ()),
    "template_image_speech_to_video": ('image to video', 'LTX-2', 'ltx2', ('image',)),  # its LoadAudio is muted in the template
    "template_ltx2_3_ic_lora_ingredients": ('image to video', 'LTX-2', 'ltx2', ('keyframe_1',)),  # PARTIAL: its IC-LoRA reference still made a keyframe (said)
    "template_ltx2_3_style_transition": ('keyframe video', 'LTX-2', 'ltx2', ('keyframe_1', 'keyframe_2')),
    "text_to_video_wan": ('text to video', 'Wan 2.1', 'text_to_video', ()),
    "3d_triposplat_image_to_gaussian_splat": ('a video from image given to the sampler by TripoSplatConditioning (latent maker)', 'an unrecognised model', None, ()),  # a 3D splat's turntable: held
    "templates-6-key-frames": ('first-and-last-frame video', 'Wan 2.2', 'image_to_video', ('image', 'last_image')),  # five takes, each its generator, concatenated
    "templates_mjm_looped_restyler": ('image to video', 'Wan 2.2', 'image_to_video', ('image',)),  # PARTIAL: the restyled still is a Gemini node's (said); the take starting from it held
    "templates_ohneis_i2v": ('a video made by KlingImageToVideoWithAudio from a picture its samplers make first', "ComfyUI's KlingImageToVideoWithAudio", None, ()),  # Z-Image makes the still, a paid Kling node the video
    "utility_sam3d_body": None,  # a 3D body fitted to a clip: no video generator (its notes)
    "llm_gemma4_text_gen": None,  # a text Gemma 4 writes about a clip: no video made (its notes)
    "txt_to_image_to_video": ('text to video', 'Stable Diffusion XL', 'text_to_video', ()),  # its start image: SDXL's still made first (one frame), then SVD's image to video from it (takes/still_first.py)
    "utility-gan_upscaler": ('upscale (learned upscaler)', 'utility', None, ('video',)),  # the same upscaler file: named on Upscale Video
    "utility_depth_anything3_video_depth_estimation": ('depth (Depth Anything 3)', 'utility', None, ('video',)),
    "utility_sdpose_multi_person_video": ('pose (SDPose) + draw the pose', 'utility', None, ('video',)),
    "utility_sdpose_ood_video_to_pose_map": ('pose (SDPose) + draw the pose', 'utility', None, ('video',)),
    "utility_seedvr2_3b_int8_upscale_video": ('upscale (SeedVR2)', 'SeedVR2', 'finishing.seedvr2', ('video',)),  # its int8 DiT named, not read (said)
    "utility_video_frame_interpolation": ('frame interpolation', 'utility', None, ('video',)),
    "utility_video_segment_sam3": ('segment by phrase (SAM 3)', 'utility', None, ('video',)),
    "utility_void_video_inpainting": ('object removal (video inpainting)', 'VOID', None, ()),
    "video_bernini_r_image_editing": ('video editing', 'Bernini-R', None, ()),
    "video_bernini_r_video_editing": ('video editing', 'Bernini-R', None, ()),
    "video_capybara_v0_1_image_to_video": ('image to video', 'HunyuanVideo 1.5', 'image_to_video', ('image',)),
    "video_capybara_v0_1_video_edit": ('image to video', 'HunyuanVideo 1.5', 'image_to_video', ('image',)),
    "video_causal_forcing_i2v": ('image to video by causal forcing', 'an autoregressive Wan', None, ()),
    "video_fasth3_ominiref_r2v": ('reference to video', 'MiniMax H3', 'minimax_h3_reference', ('image_1',)),  # its ComfyUI DiT, VAE and Qwen3-VL files read with no folder (said)
    "video_fastvideo_fasth3_i2v": ('image to video', 'MiniMax H3', 'image_to_video', ('image',)),  # its ComfyUI DiT, VAE and Qwen3-VL files read with no folder (said)
    "video_fastvideo_fasth3_t2v": ('text to video', 'MiniMax H3', 'text_to_video', ()),  # its ComfyUI DiT, VAE and Qwen3-VL files read with no folder (said)
    "video_humo": ('a human video from a reference and a voice', 'Wan HuMo', 'wan_humo', ('features', 'reference')),  # Whisper from ComfyUI's audio_encoders/ file
    "video_hunyuan_video_1.5_720p_i2v": ('image to video', 'HunyuanVideo 1.5', 'image_to_video', ('image',)),
    "video_hunyuan_video_1.5_720p_t2v": ('text to video', 'HunyuanVideo 1.5', 'text_to_video', ()),
    "video_kandinsky5_i2v": ('image to video', 'Kandinsky 5', 'image_to_video', ('image',)),  # its DiT, Qwen, CLIP-L and VAE files set (no 'base')
    "video_kandinsky5_t2v": ('text to video', 'Kandinsky 5', 'text_to_video', ()),  # its DiT, Qwen, CLIP-L and VAE files set (no 'base')
    "video_ltx2_3_flf2v": ('keyframe video', 'LTX-2', 'ltx2', ('keyframe_1', 'keyframe_2')),
    "video_ltx2_3_i2v": ('image to video', 'LTX-2', 'ltx2', ('image', 'prompt')),  # Enhance Prompt bypassed (off in the template)
    "video_ltx2_3_ia2v": ("image to video with the workflow's sound", 'LTX-2', 'ltx2', ('audio', 'image', 'prompt')),  # Enhance Prompt writes it
    "video_ltx2_3_ic_lora": ('image to video with a control clip (IC-LoRA)', 'LTX-2', 'ltx2', ('control', 'image', 'prompt')),  # Enhance Prompt bypassed
    "video_ltx2_3_id_lora": ('image to video speaking in a reference voice (ID-LoRA)', 'LTX-2', 'ltx2', ('audio', 'image')),
    "video_ltx2_3_t2v": ('text to video', 'LTX-2', 'ltx2', ('prompt',)),  # Enhance Prompt writes it (with its Gemma LoRA)
    "video_ltx2_5_flf2v": ('keyframe video', 'LTX-2', 'ltx2', ('keyframe_1', 'keyframe_2', 'prompt')),  # Enhance
    "video_ltx2_5_i2v": ('image to video', 'LTX-2', 'ltx2', ('image', 'prompt')),  # Prompt (bypassed) runs its
    "video_ltx2_5_t2v": ('text to video', 'LTX-2', 'ltx2', ('prompt',)),  # Gemma 4 E2B file
    "video_ltx2_canny_to_video": ('image to video with a control clip (IC-LoRA)', 'LTX-2', 'ltx2', ('control', 'image')),
    "video_ltx2_depth_to_video": ('image to video with a control clip (IC-LoRA)', 'LTX-2', 'ltx2', ('control', 'image')),  # Lotus depth -> Studio's Depth
    "video_ltx2_i2v": ('image to video', 'LTX-2', 'ltx2', ('image',)),
    "video_ltx2_i2v_distilled": ('image to video', 'LTX-2', 'ltx2', ('image',)),
    "video_ltx2_t2v": ('text to video', 'LTX-2', 'ltx2', ()),
    "video_ltx2_t2v_distilled": ('text to video', 'LTX-2', 'ltx2', ()),
    "video_minimax_h3_fun_controlnet_union": ('control video (Fun ControlNet-Union)', 'MiniMax H3', None, ()),  # diffusers has no model class for its control branch
    "video_minimax_h3_i2v": ('image to video', 'MiniMax H3', 'image_to_video', ('image',)),  # its ComfyUI DiT, VAE and Qwen3-VL files read with no folder (said)
    "video_minimax_h3_i2v_continuation": ('image to video', 'MiniMax H3', 'image_to_video', ('image',)),  # the frame it continues from as the start image
    "video_minimax_h3_multiframe_reference": ('reference to video', 'MiniMax H3', 'minimax_h3_reference', ('image_1',)),  # PARTIAL: its 3 Add Guide stills pinned in time said (ref2va takes no frames in time)
    "video_minimax_h3_r2v": ('reference to video', 'MiniMax H3', 'minimax_h3_reference', ('image_1', 'image_2')),  # its ComfyUI DiT, VAE and Qwen3-VL files read with no folder (said)
    "video_minimax_h3_t2v": ('text to video', 'MiniMax H3', 'text_to_video', ()),  # its ComfyUI DiT, VAE and Qwen3-VL files read with no folder (said)
    "video_wan2.1_alpha_t2v_14B": ('text to video', 'Wan 2.1', 'text_to_video', ()),
    "video_wan2.1_fun_camera_v1.1_1.3B": ('camera-controlled video (Fun Camera) from a start image', 'Wan Fun Camera', 'wan_fun_camera', ('camera', 'image')),
    "video_wan2.1_fun_camera_v1.1_14B": ('camera-controlled video (Fun Camera) from a start image', 'Wan Fun Camera', 'wan_fun_camera', ('camera', 'image')),
    "video_wan21_scail2_character_replacement": ('character replacement (SCAIL-2)', 'SCAIL-2', 'scail2', ('driving', 'driving_mask', 'reference', 'reference_mask')),  # SAM 3 -> Segment (painted by the node); the Extend output: one take of the whole clip; its LoRAs kept
    "video_wan21_scail2_character_replacement_int8": ('character replacement (SCAIL-2)', 'SCAIL-2', 'scail2', ('driving', 'driving_mask', 'reference', 'reference_mask')),  # its int8 convrot file is refused by Studio's reader when loaded (said there)
    "video_wan2_1_infinitetalk": ('a talking video from speech (InfiniteTalk)', 'Wan 2.1 InfiniteTalk', 'infinitetalk', ('image', 'speech')),  # PARTIAL: one speaker, one window (its second voice, masks and extension said)
    "video_wan2_2_14B_flf2v": ('first-and-last-frame video', 'Wan 2.2', 'image_to_video', ('image', 'last_image')),
    "video_wan2_2_14B_fun_camera": ('camera-controlled video (Fun Camera) from a start image', 'Wan Fun Camera', 'wan_fun_camera', ('camera', 'image')),
    "video_wan2_2_14B_fun_control": ('control video (Fun Control) from a start image', 'Wan 2.2 Fun Control', 'wan_fun_control', ('control', 'image')),
    "video_wan2_2_14B_fun_inpaint": ('first-and-last-frame video', 'Wan Fun InP', 'image_to_video', ('image', 'last_image')),
    "video_wan2_2_14B_i2v": ('image to video', 'Wan 2.2', 'image_to_video', ('image',)),
    "video_wan2_2_14B_s2v": ('speech-driven video (S2V)', 'Wan 2.2 S2V', 'wan_s2v', ('audio', 'image', 'speech')),
    "video_wan2_2_14B_t2v": ('text to video', 'Wan 2.2', 'text_to_video', ()),
    "video_wan2_2_5B_fun_control": ('control video (Fun Control) from a start image', 'Wan 2.2 Fun Control', 'wan_fun_control', ('control', 'image')),
    "video_wan2_2_5B_fun_inpaint": ('first-and-last-frame video', 'Wan Fun InP', 'image_to_video', ('image', 'last_image')),
    "video_wan2_2_5B_ti2v": ('text to video', 'Wan 2.2 TI2V 5B', 'text_to_video', ()),
    "video_wan_animate2": ('character animation from a driving video', 'Wan Animate 2', 'wan_animate_2', ('driving', 'reference')),  # its ComfyUI int8 convrot denoiser with its umt5_xxl, Wan 2.1 VAE and clip_vision_h files (no 'base'); its lightx2v LoRA kept (Video LoRA node)
    "video_wan_animate2_distilled": ('character animation from a driving video', 'Wan Animate 2', 'wan_animate_2', ('driving', 'reference')),  # its ComfyUI int8 convrot denoiser with its umt5_xxl, Wan 2.1 VAE and clip_vision_h files (no 'base')
    "video_wan_ati": ('image to video along tracks (ATI)', 'Wan ATI', 'image_to_video', ('image', 'tracks')),  # the drawn JSON -> Tracks from Coordinates
    "video_wan_dancer": ('a dance video from music', 'Wan Dancer', 'wan_dancer', ('audio', 'global_model', 'image', 'local_model')),
    "video_wan_vace_14B_ref2v": ('VACE video (reference)', 'Wan VACE', 'wan_vace', ('reference',)),
    "video_wan_vace_14B_t2v": ('VACE video (text only)', 'Wan VACE', 'wan_vace', ()),
    "video_wan_vace_14B_v2v": ('VACE video (video, reference)', 'Wan VACE', 'wan_vace', ('reference', 'video')),
    "video_wan_vace_flf2v": ('VACE video (keyframes)', 'Wan VACE', 'wan_vace', ('keyframe_1', 'keyframe_2')),  # its two stills at 0 and last
    "video_wan_vace_inpainting": ('VACE video (video, mask, reference)', 'Wan VACE', 'wan_vace', ('mask', 'reference', 'video')),  # SAM 3 -> Segment; its GrowMask not taken
    "video_wan_vace_outpainting": ('VACE video (video, mask)', 'Wan VACE', 'wan_vace', ('mask', 'video')),  # its pixel pads: Studio's Pad and its mask, task inpaint
    "video_wanmove_480p": ('image to video along tracks (Wan-Move)', 'Wan-Move', 'image_to_video', ('image', 'tracks')),
    "wan2.1_flf2v_720_f16": ('first-and-last-frame video', 'Wan 2.1', 'image_to_video', ('image', 'last_image')),
    "wan2.1_fun_control": ('control video (Fun Control) from a start image', 'Wan Fun Control', 'wan_fun_control', ('control', 'image')),
    "wan2.1_fun_inp": ('first-and-last-frame video', 'Wan Fun InP', 'image_to_video', ('image', 'last_image')),
}
NOTHING = {  # video templates that make nothing Studio can hold (said in the Log)
    "video_ltx2_i2v_lora": "its subgraph's output link (265) is missing from the file",
    "utility_hitpaw_video_enhance": "a paid API node (HitPawVideoEnhance), no local model",
}


def _local_video(wf: Workflow) -> bool:
    """A template whose video is made by model files on the machine (its output's nodes name one), or a video
    utility (a Load Video and a model file): told by its content, never by its name."""
    if labels(wf).local:
        return True
    return any(n.cls in ("LoadVideo", "VHS_LoadVideo") for n in wf.nodes.values()) and any(
        isinstance(v, str) and v.lower().endswith(MODEL_FILES) for n in wf.nodes.values() if n.enabled
        for v in n.settings().values())


@functools.lru_cache(maxsize=1)
def _names():
    """The package's local video templates (its paid API nodes' and its image workflows left out, by content)."""
    names = []
    for f in sorted(os.listdir(TEMPLATES)):
        if not f.endswith(".json"):
            continue
        with open(os.path.join(TEMPLATES, f), encoding="utf-8") as fh:
            try:
                wf = Workflow.read(json.load(fh))
            except Exception:  # noqa: BLE001 - not a workflow (an index)
                continue
        if _local_video(wf) or f[:-5] in NOTHING:
            names.append(f[:-5])
    return names


def _convert(name):
    with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
        return convert(json.load(f), name)


def test_every_video_template_keeps_its_task_family_and_inputs():
    """Each template judged against labels from its own nodes (workflow_labels.judge: files, the sampler's
    inputs and values kept or said, no generator of another task), then its row of the table (a change of
    task, family or inputs names the template)."""
    t0, changed, verdicts, silent = time.perf_counter(), [], {}, []
    names = [n for n in _names() if n in TASKS or n in NOTHING]
    for name in names:
        with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
            doc = json.load(f)
        conv = convert(json.loads(json.dumps(doc)), name)
        assert conv.graph.validate() == [], name
        verdict = judge(Workflow.read(doc), conv)
        verdicts[verdict.kind] = verdicts.get(verdict.kind, 0) + 1
        if verdict.kind == "silent":
            silent.append(f"{name}: {verdict.why}")
        got = conv.tasks[0] if conv.tasks else None
        row = None if got is None else (got["task"], got["family"],
                                        (got["generator"] or "").removeprefix("video_models.") or None,
                                        tuple(got["inputs"]))
        want = TASKS.get(name)
        if row != want:
            changed.append(f"{name}: table {want}, converted {row}")
        if want is not None and want[2] is None and want[1] != "utility":  # Studio cannot: its sentence, first
            assert conv.log[0].startswith(f"This workflow makes {want[0]} with {want[1]}; Studio cannot "), name
    elapsed = time.perf_counter() - t0
    kept = sum(1 for n in names if TASKS.get(n) and TASKS[n][2] is not None)
    utilities = sum(1 for n in names if TASKS.get(n) and TASKS[n][1] == "utility")
    said = sum(1 for n in names if TASKS.get(n) and TASKS[n][2] is None and TASKS[n][1] != "utility")
    print(f"\n{len(names)} video templates converted in {elapsed:.2f} s: {kept} as Studio generators, "
          f"{utilities} as Studio utilities, {said} held with one sentence, {len(NOTHING)} nothing; judged against "
          f"their own nodes: {verdicts}")
    assert not silent, "\n".join(silent)
    assert not changed, "\n".join(changed)


def test_the_gan_upscaler_becomes_load_upscale_save_with_its_file():
    """ComfyUI's GAN upscaler (LoadVideo -> GetVideoComponents -> ImageUpscaleWithModel with an
    UpscaleModelLoader -> CreateVideo -> SaveVideo): Studio's Upscale Video reads the same file from a
    models folder's upscale_models/, so it is given the file's name; the clip's audio goes through."""
    conv = _convert("utility-gan_upscaler")
    types = {nid: n.type_id for nid, n in conv.graph.nodes.items()}
    assert sorted(types.values()) == ["finishing.upscale", "io.load_video", "io.save_video"]
    up = next(n for n in conv.graph.nodes.values() if n.type_id == "finishing.upscale")
    assert up.params["model"] == "RealESRGAN_x4plus.safetensors"
    wires = {(types[l.src], types[l.dst]) for l in conv.graph.links}
    assert wires == {("io.load_video", "finishing.upscale"), ("finishing.upscale", "io.save_video")}
    assert not any("UpscaleModelLoader" in line or "ImageUpscaleWithModel" in line for line in conv.log), conv.log


def test_frame_interpolation_with_a_rife_file_keeps_its_file_and_multiplier():
    """ComfyUI's frame interpolation template (FrameInterpolationModelLoader + FrameInterpolate in a
    subgraph) with a RIFE file chosen: Load Video -> Interpolate Frames with that file and the
    multiplier -> Save Video; nothing said about FILM."""
    with open(os.path.join(TEMPLATES, "utility_video_frame_interpolation.json"), encoding="utf-8") as f:
        doc = json.load(f)
    for sg in doc["definitions"]["subgraphs"]:
        for n in sg["nodes"]:
            if n["type"] == "FrameInterpolationModelLoader":
                n["widgets_values"] = ["rife_v4.25_lite.safetensors"]
            if n["type"] == "PrimitiveInt":
                n["widgets_values"] = [4, "fixed"]
    conv = convert(doc, "utility_video_frame_interpolation")
    assert conv.graph.validate() == []
    types = {nid: n.type_id for nid, n in conv.graph.nodes.items()}
    assert sorted(types.values()) == ["io.load_video", "io.save_video", "motion.interpolate_rife"]
    rife = next(n for n in conv.graph.nodes.values() if n.type_id == "motion.interpolate_rife")
    assert (rife.params["model"], rife.params["multiplier"]) == ("rife_v4.25_lite.safetensors", 4)
    wires = {(types[l.src], types[l.dst]) for l in conv.graph.links}
    assert wires == {("io.load_video", "motion.interpolate_rife"), ("motion.interpolate_rife", "io.save_video")}
    assert "FILM" not in "\n".join(n["text"] for n in conv.graph.ui["notes"][:1])


def test_the_table_covers_the_package():
    """A template added to the package (or renamed) is named here, to be given its row."""
    missing = [n for n in _names() if n not in TASKS and n not in NOTHING]
    assert not missing, missing


def test_minimax_h3_text_to_video_reads_its_prompt_and_its_dit_file_with_a_base():
    """MiniMax H3's ComfyUI text to video (its MiniMaxH3ImageToVideo with no frame): Text to Video with
    the subgraph node's own prompt, duration (5 s: 124 frames, 17k + 5) and seed (its 13 values read by the
    subgraph's unwired inputs; the inner nodes' saved defaults, a 2 s clip, are not what ComfyUI runs); its
    DiT file on Load Video Model's 'model' and its video VAE file on 'vae' (the audio VAE read from beside it),
    and its Qwen3-VL file on 'text_encoder' (its tokenizer from beside it or a MiniMax H3 folder as 'base'), said
    in one sentence."""
    conv = _convert("video_minimax_h3_t2v")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    # the subgraph node's own prompt (its 13 values read by the subgraph's 13 unwired inputs), not the inner
    # CLIPTextEncode's saved default ('Vaporwave title sequence look...'), which ComfyUI does not run
    assert gen.params["prompt"].startswith("Realistic live-action cinematic look") and gen.params["frames"] == 124
    assert gen.params["seed"] == 757358688076805 % 2**31  # the subgraph node's seed, past Studio's range (said)
    notes = "\n".join(n["text"] for n in conv.graph.ui["notes"])
    assert ("of MiniMax H3's ComfyUI files (minimax_h3_fl2va_pruned_int8_convrot.safetensors, "
            "minimax_h3_audio_vae_fp32.safetensors, minimax_h3_video_vae_int8_convrot.safetensors, "
            "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors) Studio reads the DiT file, in ComfyUI's 'pruned' curve "
            "form (") \
        in notes
    assert "and the Qwen3-VL file (set as 'text_encoder', any NVFP4 layers kept packed) with no diffusers folder: put " \
        "Qwen3-VL's tokenizer files, which ComfyUI keeps in its code, in a tokenizer/ folder beside the Qwen3-VL " \
        "file, or set Load Video Model's 'base' to a MiniMax H3 diffusers folder" in notes
    assert "the audio VAE read from beside it" in notes
    assert "or its full, unpruned form (read into diffusers' MiniMax H3 transformer by diffusers' converter)" in notes
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"] == "minimax_h3_fl2va_pruned_int8_convrot.safetensors"
    assert load.params["vae"] == "minimax_h3_video_vae_int8_convrot.safetensors"
    assert load.params["text_encoder"] == "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors"


def test_minimax_h3_turbo_lora_path_is_said_when_off_and_converted_when_on():
    """MiniMax H3's templates ship their turbo LoRA behind an 'If/Else Switch (Model)' switched off (the base
    model at 20 steps, which is converted): the note says the LoRA path is off and not converted, with the
    steps its side would run; switched on (the subgraph's boolean), the LoRA becomes a Video LoRA between
    Load Video Model and the generator, and the steps are the turbo side's (8 for text to video, 4 for
    reference to video)."""
    for name, lora, gen_id, off_steps, on_steps in (
            ("video_minimax_h3_t2v", "minimax_h3_fl2v_turbo_8step_v1.0_comfyui_bf16.safetensors", "text_to_video", 20, 8),
            ("video_minimax_h3_r2v", "minimax_h3_ref2v_turbo_4step_v0.1_comfyui_bf16.safetensors", "minimax_h3_reference",
             20, 4)):
        with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
            doc = json.load(f)
        conv = convert(json.loads(json.dumps(doc)), name)
        notes = "\n".join(n["text"] for n in conv.graph.ui["notes"])
        assert (f"is switched off in the template and not converted: '{lora}' (strength 1) (ComfyUI runs the model "
                f"without it, as Studio does); to run it, put a Video LoRA with that file between Load Video Model "
                f"and the generator and set steps to {on_steps}") in notes, name
        assert "(LoraLoaderModelOnly," not in notes  # not among the nodes Studio has no node for
        assert not any(n.type_id == "video_models.lora" for n in conv.graph.nodes.values())
        gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models." + gen_id)
        assert gen.params["steps"] == off_steps
        for n in doc["nodes"] + [m for sg in doc.get("definitions", {}).get("subgraphs", []) for m in sg["nodes"]]:
            wv = n.get("widgets_values")
            if isinstance(wv, list) and False in wv and (n["type"] == "PrimitiveBoolean" or lora in wv):  # the switch: on
                wv[wv.index(False)] = True
        conv = convert(doc, name)
        assert conv.graph.validate() == [], name
        lora_node = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.lora")
        gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models." + gen_id)
        assert lora_node.params["lora"] == lora and lora_node.params["strength"] == 1.0
        assert gen.params["steps"] == on_steps
        wires = {(e.src, e.dst) for e in conv.graph.links}
        load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
        assert (load.id, lora_node.id) in wires and (lora_node.id, gen.id) in wires
        assert "switched off" not in "\n".join(n["text"] for n in conv.graph.ui["notes"])


def test_frame_interpolation_with_a_pickle_names_a_safetensors_and_says_so():
    """A FrameInterpolationModelLoader file that is not a .safetensors (a FILM .pt): Interpolate
    Frames is set to film_net_fp16.safetensors (a RIFE .pth: rife_v4.26), and the note says why."""
    with open(os.path.join(TEMPLATES, "utility_video_frame_interpolation.json"), encoding="utf-8") as f:
        text = f.read()
    for chosen, want in (("film_net_fp32.pt", "film_net_fp16.safetensors"), ("rife47.pth", "rife_v4.26.safetensors")):
        doc = json.loads(text)
        for sg in doc["definitions"]["subgraphs"]:
            for n in sg["nodes"]:
                if n["type"] == "FrameInterpolationModelLoader":
                    n["widgets_values"] = [chosen]
        conv = convert(doc, "utility_video_frame_interpolation")
        node = next(n for n in conv.graph.nodes.values() if n.type_id == "motion.interpolate_rife")
        assert node.params["model"] == want
        notes = "\n".join(n["text"] for n in conv.graph.ui["notes"])
        assert f"'{chosen}' is not a .safetensors (Studio never opens a pickle), so Interpolate Frames is set to {want}" \
            in notes


def test_ltx2_3_two_stages_become_ltx2_then_latent_upscale_with_its_refine():
    """ComfyUI's LTX-2.3 text to video samples at half size (640x360), upscales the latent x2 with
    LTXVLatentUpsampler and refines it with a second sampler pass from ManualSigmas: LTX-2 at the first
    stage's size -> LTX-2 Latent Upscale (its upsampler file, refine on, the second pass's sigmas without
    the trailing 0, its seed) -> Save Video with LTX-2's sound; said in the pipeline's note."""
    conv = _convert("video_ltx2_3_t2v")
    g = conv.graph
    assert g.validate() == []
    types = {nid: n.type_id for nid, n in g.nodes.items()}
    by = {t: nid for nid, t in types.items()}
    gen, up = g.nodes[by["video_models.ltx2"]], g.nodes[by["video_models.ltx2_latent_upscale"]]
    assert (gen.params["width"], gen.params["height"]) == (640, 360)
    assert up.params["upsampler"] == "ltx-2.3-spatial-upscaler-x2-1.1.safetensors"
    assert up.params["refine"] is True
    assert up.params["sigmas"] == "0.85, 0.7250, 0.4219"
    assert up.params["seed"] == 42
    assert up.params["prompt"] == gen.params["prompt"]
    wires = {(types[l.src], l.src_port, types[l.dst], l.dst_port) for l in g.links}
    assert ("video_models.ltx2", "video", "video_models.ltx2_latent_upscale", "video") in wires
    assert ("video_models.ltx2_latent_upscale", "video", "io.save_video", "video") in wires
    assert ("video_models.ltx2", "audio", "io.save_video", "audio") in wires
    assert ("video_models.lora", "model", "video_models.ltx2_latent_upscale", "model") in wires
    assert not any(t == "video_models.ltx2" and d == "io.save_video" and dp == "video" for t, _, d, dp in wires)
    note = next(n["text"] for n in g.ui["notes"] if n["text"].startswith("Converted from ComfyUI"))
    # (ComfyUI's LTX latent holds 640x352 of the 640x360 asked, as Studio's LTX-2 makes it: heldout101's mend 1)
    assert "two stages: LTX-2 makes the take at 640x352 (640x360 asked" in note and "x2 (1280x704)" in note
    assert "sigmas 0.85, 0.7250, 0.4219 (seed 42)" in note
    assert not any("LTXVLatentUpsampler" in line or "LatentUpscaleModelLoader" in line
                   for line in conv.log if "not converted" in line), conv.log


def test_ltx2_5_sets_gemma4_with_its_projection_and_the_enhancer_file_and_says_the_audio_vae():
    """LTX-2.5's templates load two Gemma 4 files (the 12B with LTX-2.5's projection for CLIPTextEncode,
    E2B for the optional TextGenerateLTX2Prompt) and two VAEs (the picture's, the sound's): Load Video
    Model gets the transformer, the 12B and the templates' own video VAE (its decoder LTX-2.5's diffusion
    decoder, read since issue 56); the E2B file is Enhance Prompt's 'enhancer' (tests/convert/
    test_comfy_enhance.py), never Load Video Model's; the audio VAE is said in the note."""
    for name in ("video_ltx2_5_t2v", "video_ltx2_5_i2v", "video_ltx2_5_flf2v"):
        g = _convert(name).graph
        assert g.validate() == [], name
        load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
        assert load.params["model"] == "ltx-2.5-22b-distilled-transformer-comfy-int8-convrot.safetensors"
        assert load.params["text_encoder"] == "gemma4-12b-with-proj-ltx-2.5-comfy-int8-convrot.safetensors", name
        assert load.params["vae"] == "ltx-2.5-video-vae-bf16.safetensors"
        notes = "\n".join(n["text"] for n in g.ui["notes"])
        assert "diffusion decoder" not in notes and "-conv-" not in notes, name
        en = next(n for n in g.nodes.values() if n.type_id == "video_models.ltx2_enhance_prompt")
        assert en.params["enhancer"] == "gemma4_e2b_it_int8_convrot.safetensors", name
        assert "gemma4_e2b" not in " ".join(str(v) for v in load.params.values()), name
        assert "audio VAE 'ltx-2.5-audio-vae-bf16.safetensors': read from 'ltx-2.5-audio-vae-bf16.safetensors' " \
               "beside the VAE file: keep it there" in notes, name
