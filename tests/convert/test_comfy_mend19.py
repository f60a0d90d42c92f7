"""mend19: (1) a ComfyUI text-to-video workflow given Wan 2.2 A14B's image-to-video experts (heldout86 05 / 06)
converts to Text to Video on those files and runs (the denoisers given ComfyUI's all-zero picture condition:
nodes/video_models/families/wan/zero_condition.py); (2) a held task's translation sentences."""
from __future__ import annotations

import os
import shutil

from studio.convert.mapping.convert import convert

HIGH, LOW = "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors", "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors"
TE, VAE = "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan_2.1_vae.safetensors"


def _t2v_on_i2v_experts() -> dict:
    """An API workflow as ComfyUI's Wan 2.2 templates: two experts, an empty latent, two KSamplerAdvanced passes."""
    def ks(model, latent, add, start, end, leftover):
        return {"class_type": "KSamplerAdvanced", "inputs": {
            "model": model, "add_noise": add, "noise_seed": 5, "steps": 2, "cfg": 2.0, "sampler_name": "euler",
            "scheduler": "simple", "positive": ["5", 0], "negative": ["6", 0], "latent_image": latent,
            "start_at_step": start, "end_at_step": end, "return_with_leftover_noise": leftover}}
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": HIGH, "weight_dtype": "default"}},
        "2": {"class_type": "UNETLoader", "inputs": {"unet_name": LOW, "weight_dtype": "default"}},
        "3": {"class_type": "CLIPLoader", "inputs": {"clip_name": TE, "type": "wan", "device": "default"}},
        "4": {"class_type": "VAELoader", "inputs": {"vae_name": VAE}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox in the snow", "clip": ["3", 0]}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "blur", "clip": ["3", 0]}},
        "7": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 16, "height": 16, "length": 5,
                                                                  "batch_size": 1}},
        "8": {"class_type": "ModelSamplingSD3", "inputs": {"shift": 8.0, "model": ["1", 0]}},
        "9": {"class_type": "ModelSamplingSD3", "inputs": {"shift": 8.0, "model": ["2", 0]}},
        "10": ks(["8", 0], ["7", 0], "enable", 0, 1, "enable"),
        "11": ks(["9", 0], ["10", 0], "disable", 1, 10000, "disable"),
        "12": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0], "vae": ["4", 0]}},
        "13": {"class_type": "CreateVideo", "inputs": {"images": ["12", 0], "fps": 16}},
        "14": {"class_type": "SaveVideo", "inputs": {"video": ["13", 0], "filename_prefix": "video/wan",
                                                    "format": "auto", "codec": "auto"}},
    }


def test_text_to_video_on_wan22_i2v_experts_converts_and_runs_with_the_zero_condition(tmp_path, monkeypatch):
    from studio.engine.executor import Executor
    from studio.engine.media import probe
    from tests.video_models import tiny_parts as tp
    from tests.video_models import tiny_wan22 as tw
    models = tmp_path / "models"
    monkeypatch.setenv("STUDIO_MODELS", str(models))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    g = convert(_t2v_on_i2v_experts(), "t2v_on_i2v").graph
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    gen = next(n for n in g.nodes.values() if n.type_id.startswith("video_models.") and "frames" in n.params)
    assert gen.type_id == "video_models.text_to_video"
    assert (load.params["model"], load.params["model_2"], load.params["text_encoder"], load.params["vae"]) == \
        (HIGH, LOW, TE, VAE)
    folder = tw.build_a14b(str(tmp_path / "wan22-i2v"), i2v=True)
    parts = tp.write_parts(folder, str(tmp_path / "parts"))
    parts.update(tw.write_experts(folder, str(tmp_path / "parts"), task="i2v"))
    for key, sub, name in (("high", "diffusion_models", HIGH), ("low", "diffusion_models", LOW),
                           ("text_encoder", "text_encoders", TE), ("vae", "vae", VAE)):
        os.makedirs(models / sub, exist_ok=True)
        shutil.copy(parts[key], models / sub / name)
    g.set_param(gen.id, "preview_size", "off")
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    out = tmp_path / "out.mp4"
    g.set_param(save.id, "path", str(out))
    said = []
    Executor(frame_caching=False).run(g, device="cpu", on_event=said.append)
    info = probe(str(out))
    assert info["frames"] == 5 and info["width"] == 16
    texts = [getattr(e, "text", "") for e in said]
    assert any("its 20 picture-condition channels (mask included) are all zeros" in t for t in texts), texts


def _made_and_held() -> dict:
    """wanmid18's take (WanAdvancedI2V #52 into KSampler #53: Image to Video, made) and beside it the same pack's
    WanFirstMiddleLastFrameToVideo (#152) conditioning a KSampler (#153) that restyles a loaded clip's encoded
    frames (#160 -> #161): a video to video Studio holds, with no generator."""
    from tests.convert.test_comfy_wanmid18 import _take
    d = _take()
    d.update({
        "156": {"class_type": "LoadImage", "inputs": {"image": "middle2.png"}},
        "152": {"class_type": "WanFirstMiddleLastFrameToVideo", "inputs": {
            "positive": ["6", 0], "negative": ["7", 0], "vae": ["3", 0], "start_image": ["5", 0],
            "middle_image": ["156", 0], "end_image": ["55", 0], "width": 832, "height": 480, "length": 81,
            "batch_size": 1, "mode": "NORMAL", "middle_frame_ratio": 0.5, "high_noise_mid_strength": 0.8,
            "low_noise_mid_strength": 0.2}},
        "160": {"class_type": "VHS_LoadVideo", "inputs": {"video": "clip.mp4", "force_rate": 0, "custom_width": 0,
                                                          "custom_height": 0, "frame_load_cap": 81,
                                                          "skip_first_frames": 0, "select_every_nth": 1}},
        "161": {"class_type": "VAEEncode", "inputs": {"pixels": ["160", 0], "vae": ["3", 0]}},
        "153": {"class_type": "KSampler", "inputs": {
            "seed": 7, "steps": 6, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple", "denoise": 0.6,
            "model": ["1", 0], "positive": ["152", 0], "negative": ["152", 2], "latent_image": ["161", 0]}},
        "154": {"class_type": "VAEDecode", "inputs": {"samples": ["153", 0], "vae": ["3", 0]}},
        "170": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["154", 0]}},
        "171": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "held", "format": "auto", "codec": "auto",
                                                      "video": ["170", 0]}}})
    return d


def test_a_held_tasks_translation_sentences_say_what_studio_would_make_the_made_ones_as_they_were():
    from studio.convert.mapping.held_translations import HELD
    conv = convert(_made_and_held(), "mid")
    gens = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video"]
    assert len(gens) == 1  # the take of #52 made, that of #152 held
    assert any(line.startswith("This workflow makes video to video from an encoded clip") for line in conv.log) or \
        any("with no generator" in line for line in conv.log), conv.log
    made = [x for x in conv.log if "'WanAdvancedI2V' (WanAdvancedI2V, #52)'s middle_image" in x]
    held = [x for x in conv.log if "(WanFirstMiddleLastFrameToVideo, #152)'s middle_image" in x]
    assert len(made) == 1 and HELD not in made[0]
    assert " is read as Image to Video's middle picture at frame 24" in made[0]
    assert len(held) == 1 and held[0].endswith(HELD), held
    assert " would be read as Image to Video's middle picture at frame 40" in held[0], held
    notes = "\n".join(n["text"] for n in conv.graph.ui["notes"])
    assert held[0].split(": ", 1)[1] in notes and " is read as Image to Video's middle picture at frame 40" not in notes
    # its reading as ComfyUI's counterpart (a fact of the reading), as said
    assert "mid: 'WanFirstMiddleLastFrameToVideo' (WanFirstMiddleLastFrameToVideo, #152) is read as ComfyUI's " \
           "WanFirstLastFrameToVideo (its first and last images as Wan's start and end images)" in conv.log


def test_a_sentence_is_reworded_only_where_its_subject_is_a_held_tasks_node_alone():
    from studio.convert.mapping.held_translations import HELD, reworded
    line = "'X' (X, #12)'s picture 'Y' (Y, #3) is read as Image to Video's middle picture"
    assert reworded(line, {"12"}) == "'X' (X, #12)'s picture 'Y' (Y, #3) would be read as Image to Video's middle " \
                                     "picture" + HELD
    assert reworded(line, {"3"}) == line  # (the subject is #12: another node named after it is not what it is about)
    core = "'X' (X, #12) is read as ComfyUI's KSampler"
    assert reworded(core, {"12"}) == core
    assert reworded("'X' (#12)'s width comes from 'Y' (Y, #3): the value saved in the file (832) is used", {"12"}) \
        .endswith("(832) is used" + HELD)
    assert reworded("no node named here", {"12"}) == "no node named here"
    told = "'X' (X, #12) is read as Studio's Image to Video where its clip is made apart: here not, so the task is held"
    assert reworded(told, {"12"}) == told  # (a translation telling of the holding itself: as it says)
    drawn = "'X' (X, #12) draws tracks: that picture is not made (wire the Keypoints the generator's 'tracks' takes)"
    assert reworded(drawn, {"12"}) == drawn  # (a made generator's input named, the held picture said not made)
    assert reworded("'X' (X, #12)'s memory setting: not applied", {"12"}) == "'X' (X, #12)'s memory setting: not " \
        "applied"  # (nothing said of what Studio makes)
