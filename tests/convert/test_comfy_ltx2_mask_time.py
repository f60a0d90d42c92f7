"""ComfyUI-LTXVideo's LTXVSetAudioVideoMaskByTime between LTX-2's stages (families/ltx2/comfy_mask_time.py) read as
LTX-2 Latent Upscale's refine (the picture refined, the sound held clean), what it does otherwise said; its
low-memory loaders read as ComfyUI's own, their 'dependencies' an ordering only (comfy_low_vram.py)."""
from __future__ import annotations

from types import SimpleNamespace

from nodes.video_models.families.ltx2.comfy_low_vram import low_vram
from nodes.video_models.families.ltx2.comfy_stage_sound import held_sound
from studio.convert.reading.workflow import Workflow


def _second_pass(**mask) -> Workflow:
    settings = {"start_time": 0, "end_time": 100, "video_fps": 24, "mask_video": True, "mask_audio": False,
                "mask_init_value_video": 0, "mask_init_value_audio": 0, "slope_len": 3, **mask}
    return Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in {
        "1": ("EmptyLTXVLatentVideo", {"width": 256, "height": 256, "length": 49}),
        "2": ("LTXVConcatAVLatent", {"video_latent": ["1", 0], "audio_latent": ["9", 1]}),
        "3": ("LTXVSetAudioVideoMaskByTime", {"av_latent": ["2", 0], **settings}),
        "4": ("LTXVSeparateAVLatent", {"av_latent": ["3", 2]}),
        "5": ("LTXVConcatAVLatent", {"video_latent": ["4", 0], "audio_latent": ["4", 1]}),
        "6": ("SamplerCustomAdvanced", {"latent_image": ["5", 0]})}.items()})


def _said(wf: Workflow) -> tuple[set, list[str]]:
    b, said = SimpleNamespace(wf=wf, used=set()), []
    held_sound(b, SimpleNamespace(node=wf.nodes["6"]), said)
    return b.used, said


def test_the_whole_picture_refined_and_the_sound_held_is_the_refine():
    used, said = _said(_second_pass())
    assert used == {"3"} and said == [
        "the second pass holds the first pass's sound clean ('LTXVSetAudioVideoMaskByTime' "
        "(LTXVSetAudioVideoMaskByTime, #3): mask_audio off, a noise mask of 0 on its audio latent), as LTX-2 Latent "
        "Upscale's refine holds the take's sound"]


def test_a_part_of_the_picture_left_or_the_sound_sampled_again_is_said_not_done():
    _, said = _said(_second_pass(start_time=1, mask_audio=True))
    assert said[0].startswith("'LTXVSetAudioVideoMaskByTime' (LTXVSetAudioVideoMaskByTime, #3) has the second pass "
                              "refine the picture from 1 s to 100 s of a 2.04 s take and leave the rest")
    assert "sample the sound again (mask_audio True, its init 0): not done" in said[1]


def test_the_low_memory_loaders_are_comfyuis_own_their_dependencies_an_order():
    wf = Workflow.read({"1": {"class_type": "LowVRAMCheckpointLoader",
                              "inputs": {"ckpt_name": "ltx-2-19b.safetensors", "dependencies": ["3", 0]}},
                        "2": {"class_type": "LowVRAMLatentUpscaleModelLoader",
                              "inputs": {"model_name": "up.safetensors"}},
                        "3": {"class_type": "Canny", "inputs": {}}})
    said = low_vram(wf)
    a, b = wf.nodes["1"], wf.nodes["2"]
    assert (a.cls, a.origin, a.widgets, a.links) == ("CheckpointLoaderSimple", "LowVRAMCheckpointLoader",
                                                     {"ckpt_name": "ltx-2-19b.safetensors"}, {})
    assert (b.cls, b.widgets) == ("LatentUpscaleModelLoader", {"model_name": "up.safetensors"})
    assert said[0].endswith("its 'dependencies' input (from 'Canny' (Canny, #3)) only has ComfyUI load it after "
                            "that node: nothing to apply")
