"""CogVideoX-Fun InP models from VideoX-Fun's own ComfyUI nodes (issue 112): small workflows of our own in the shape
of the release's comfyui/cogvideox_fun examples (UI JSON, values by place in the pack's INPUT_TYPES order) become
the CogVideoX Fun InP node: the text sampler's length and size, the inpaint sampler's start and end images, the
video sampler's clip and denoise strength, a LoadCogVideoXFunLora as Video LoRA on its model; the picture the
sampler sizes its take by scaled to its base resolution's bucket. Before, every one was held with no generator."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from tests.convert.said import nodes_of, said, source_file
from tests.convert.test_comfy_videox_fun import _workflow

INP = "video_models.cogvideox_fun_inp"


def _inp(w):
    return w.add("LoadCogVideoXFunModel", ["CogVideoX-Fun-V1.1-2b-InP", "Inpaint", "model_cpu_offload", "bf16"],
                 ["FunModels"])


def test_text_to_video_takes_the_samplers_length_size_and_settings():
    conv = convert(_workflow(_inp, "CogVideoXFunT2VSampler", [49, 672, 384, False, 43, "fixed", 30, 7.0, "DDIM"]),
                   "cog_inp_t2v")
    (gen,) = nodes_of(conv, INP)
    p = gen.params
    assert (p["frames"], p["width"], p["height"], p["steps"], p["guidance"], p["seed"]) == (49, 672, 384, 30, 7.0, 43)
    assert (p["prompt"], p["negative_prompt"]) == ("fireworks over a city", "blurry")
    assert nodes_of(conv, "video_models.load")[0].params["model"] == "CogVideoX-Fun-V1.1-2b-InP"
    assert "cannot run" not in said(conv) and conv.tasks[0]["generator"] == INP


def test_the_inpaint_sampler_gives_its_start_and_end_images_and_says_its_base_resolution():
    conv = convert(_workflow(_inp, "CogVideoXFunInpaintSampler", [49, 512, 43, "fixed", 50, 6.0, "DDIM"],
                             {"start_img": "a.png", "end_img": "b.png"}), "cog_inp_flf")
    (gen,) = nodes_of(conv, INP)
    assert (source_file(conv, gen.id, "image"), source_file(conv, gen.id, "last_image")) == ("a.png", "b.png")
    assert gen.params["frames"] == 49 and source_file(conv, gen.id, "video") is None
    (size,) = nodes_of(conv, "transform.scale")  # the start image at the bucket the sampler picks when it runs
    assert (size.params["fit"], size.params["width"], size.params["multiple"]) == ("buckets", 512, 16)
    assert conv.graph.input_link(gen.id, "image") is not None and (gen.params["width"], gen.params["height"]) == (0, 0)
    assert "'start_img' of 'CogVideoXFunInpaintSampler' is scaled to the size in VideoX-Fun's aspect table nearest " \
           "its aspect at base resolution 512" in said(conv) and "base resolution 512 and its input" not in said(conv)


def test_the_video_sampler_gives_its_clip_and_denoise_strength_and_a_lora_goes_on_its_model():
    def lora(w):
        m = _inp(w)
        return w.add("LoadCogVideoXFunLora", ["cogvideox_fun/hps.safetensors", 0.6, False], ["FunModels"],
                     {"cogvideoxfun_model": (m, 0, "FunModels")})
    conv = convert(_workflow(lora, "CogVideoXFunV2VSampler", [45, 768, 43, "fixed", 50, 6.0, 0.7, "DDIM"],
                             {"validation_video": "cat.mp4"}), "cog_inp_v2v")
    (gen,) = nodes_of(conv, INP)
    assert source_file(conv, gen.id, "video") is not None  # (the clip's Load Video, through its Scale)
    assert source_file(conv, gen.id, "image") is None
    assert (gen.params["strength"], gen.params["frames"]) == (0.7, 45)
    (lo,) = nodes_of(conv, "video_models.lora")
    assert (lo.params["lora"], lo.params["strength"]) == ("cogvideox_fun/hps.safetensors", 0.6)
    assert conv.graph.input_link(gen.id, "model").src == lo.id
    assert "not applied" not in said(conv)
