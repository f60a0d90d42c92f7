"""mend19: (1) a ComfyUI text-to-video workflow given Wan 2.2 A14B's image-to-video experts (heldout86 05 / 06)
converts to Text to Video on those files and runs (the denoisers given ComfyUI's all-zero picture condition:
nodes/video_models/families/wan/zero_condition.py); (2) a held task's translation sentences."""
from __future__ import annotations

import os
import shutil

import pytest

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
