"""Mechanisms the hundred-and-twelfth held-out set (benchmarks/results/heldout112_2026-12-01.md) showed: a model
loader's values saved by an older version of its pack (two where today's type declares four) named by their declared
types, so the loader is read (AnimateDiff-Evolved's CheckpointLoaderSimpleWithNoiseSelect of Dec 2023: its SD 1.5
checkpoint had been lost and the generator said to have "no model loader found"); a file that reaches the sampler only
as a number (a sound's frame count given to EmptyLatentImage's batch_size) no longer makes the task "a video from
audio given to the sampler by EmptyLatentImage", and where the take is made, its length not worked out is said.
Fixtures written here from the facts (node types, their inputs)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from tests.convert.said import said as _said

NOISE_SELECT = {"id": 1, "type": "CheckpointLoaderSimpleWithNoiseSelect", "pos": [0, 0], "mode": 0,
                "inputs": [], "outputs": [{"name": "MODEL", "type": "MODEL", "links": []},
                                          {"name": "CLIP", "type": "CLIP", "links": []},
                                          {"name": "VAE", "type": "VAE", "links": []}],
                "widgets_values": ["toon25d.safetensors", "sqrt_linear (AnimateDiff)"]}


def test_an_older_model_loaders_two_values_are_named_by_their_declared_types():
    wf = Workflow.read({"nodes": [NOISE_SELECT], "links": []})
    n = wf.nodes["1"]
    assert n.widgets.get("ckpt_name") == "toon25d.safetensors"
    assert n.widgets.get("beta_schedule") == "sqrt_linear (AnimateDiff)"


def test_a_values_list_as_long_as_the_declared_widgets_is_not_read_as_another_version():
    from studio.convert.reading.older_model_values import model_prefix
    assert model_prefix("CheckpointLoaderSimpleWithNoiseSelect",
                        ["a.safetensors", "sqrt_linear (AnimateDiff)", False, 0.18215]) == {}
    assert model_prefix("CheckpointLoaderSimpleWithNoiseSelect", ["not a file", "linear"]) == {}


def _animatediff(checkpoint: dict, batch) -> dict:
    return {
        "1": checkpoint,
        "2": {"class_type": "ADE_AnimateDiffLoaderGen1", "inputs": {"model_name": "mm_sd_v15_v2.safetensors",
              "beta_schedule": "autoselect", "model": ["1", 0]}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse at dusk", "clip": ["1", 1]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["1", 1]}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": batch}},
        "6": {"class_type": "KSampler", "inputs": {"seed": 7, "steps": 20, "cfg": 7.0, "sampler_name": "euler",
              "scheduler": "normal", "denoise": 1.0, "model": ["2", 0], "positive": ["3", 0], "negative": ["4", 0],
              "latent_image": ["5", 0]}},
        "7": {"class_type": "VAEDecode", "inputs": {"samples": ["6", 0], "vae": ["1", 2]}},
        "8": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["7", 0], "frame_rate": 8, "loop_count": 0,
              "filename_prefix": "AD", "format": "video/h264-mp4", "pingpong": False, "save_output": True}},
    }


def _load(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")


def test_the_older_checkpoint_loader_gives_the_animatediff_take_its_checkpoint():
    doc = {"nodes": [dict(NOISE_SELECT, id=1)], "links": []}
    api = _animatediff({"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "x"}}, 16)
    # the UI node read, then given its class's place in an API workflow of the same graph
    wf = Workflow.read(doc)
    api["1"] = {"class_type": "CheckpointLoaderSimpleWithNoiseSelect", "inputs": dict(wf.nodes["1"].widgets)}
    conv = convert(api, "noise_select")
    assert _load(conv).params["image_model"] == "toon25d.safetensors"
    assert "no model loader found" not in _said(conv)


def test_a_sounds_frame_count_is_no_file_the_sampler_is_given():
    api = _animatediff({"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15.safetensors"}},
                       ["11", 1])
    api["10"] = {"class_type": "LoadAudio", "inputs": {"audio": "beat.wav"}}
    api["11"] = {"class_type": "AudioToFFTs", "inputs": {"audio": ["10", 0], "channel": 0, "frames_per_second": 12}}
    # the sound's loudness also reaches the sampler, only as a number (its cfg): nothing of the file either
    api["12"] = {"class_type": "BatchAmplitudeSchedule", "inputs": {"audio_fft": ["11", 0], "operation": "avg"}}
    api["13"] = {"class_type": "NormalizedAmplitudeToNumber", "inputs": {"normalized_amp": ["12", 0]}}
    api["6"]["inputs"]["cfg"] = ["13", 0]
    conv = convert(api, "fft_count")
    said = _said(conv)
    assert "a video from audio given to the sampler" not in said
    gen = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video"]
    assert gen and gen[0].params["prompt"] == "a lighthouse at dusk"
    assert "the take's length is not worked out when converting" in said  # (its 16 frames said, not the sound's)


def _schedule(text: str, clip: list) -> dict:
    return {"class_type": "BatchPromptSchedule", "inputs": {"text": text, "max_frames": 32, "print_output": False,
            "pre_text": "", "app_text": "", "start_frame": 0, "end_frame": 0, "pw_a": 0, "pw_b": 0, "pw_c": 0,
            "pw_d": 0, "clip": clip}}


def test_a_schedule_given_as_the_negative_on_its_first_output_is_the_negative_prompt_said():
    api = _animatediff({"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15.safetensors"}}, 16)
    api["3"] = _schedule('"0": "a lighthouse at dusk", "16": "a lighthouse at night"', ["1", 1])
    api["4"] = _schedule('"0": "blurry, low quality", "16": "blurry, low quality"', ["1", 1])
    conv = convert(api, "negative_schedule")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["negative_prompt"].startswith("blurry, low quality")
    assert "give the sampler its negative" in _said(conv)
