"""ctxapi6 (issue 112: 0 false, 0 silent): a text Studio does not take that reaches a text encoder said whole
(heldout36 05), rgthree-like context bundles in API files read from the declared types around them (heldout37 07),
and a refine after a latent upscale a family cannot make (hires5): each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said

FIRST = ("a fox runs through deep snow at dawn, the camera low behind it as flakes drift past the lens and the pines "
         "bend under their weight while a pale sun climbs over the ridge and lights the powder it kicks up.")
SECOND = "a fox stops at a frozen stream and looks back at the camera while its breath steams in the cold air."


def _story(reader_inputs: dict) -> dict:
    """A pack's project node (no pack declares it) holding two prompt lines, given to a pack's looper."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "wan2.2-aio.safetensors"}),
        "2": ("LoadImage", {"image": "fox.png"}),
        "3": ("StoryLines", {"name": "fox", "lines": FIRST + "\n" + SECOND}),
        "4": ("StoryLooper", {"model": ["1", 0], "vae": ["1", 2], "story": ["3", 0], "start_image": ["2", 0],
                              "seed": 3, "steps": 4, **reader_inputs}),
        "5": ("VHS_VideoCombine", {"images": ["4", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "fox",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_prompt_lines_reaching_a_text_encoder_are_said_whole_line_by_line():
    """heldout36 05: the Vantage project's prompt lines, given to a looper that takes the checkpoint's CLIP, were cut
    after 160 (240) characters, its second line named nowhere. A text reaching a node that takes a text encoder (by
    its types, whatever the nodes' names) is now said whole, each line numbered; one reaching no encoder is cut as
    before."""
    text = said(convert(_story({"clip": ["1", 1]}), "story.json"))
    assert "its 'lines' whole (a text reaching 'StoryLooper' (#4), which takes a text encoder ('clip', CLIP)): " \
           f"2 lines: (1) {FIRST!r}; (2) {SECOND!r}" in text
    assert "more characters" not in text
    alone = said(convert(_story({}), "no_encoder.json"))  # the same looper given no text encoder: nothing encodes it
    assert SECOND not in alone and "whole (a text reaching" not in alone


def _wan(extra: dict, model=("1", 0), positive=("6", 0), negative=("7", 0)) -> dict:
    """Wan 2.1 text to video in an API file, its sampler's model and prompts taken from where ``extra`` passes them."""
    wf = api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("UNETLoader", {"unet_name": "wan2.1_t2v_14B_fp16.safetensors", "weight_dtype": "default"}),
        "4": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8.safetensors", "type": "wan"}),
        "5": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "6": ("CLIPTextEncode", {"text": "a heron lands on a pier", "clip": ["4", 0]}),
        "7": ("CLIPTextEncode", {"text": "blurry", "clip": ["4", 0]}),
        "8": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "9": ("KSampler", {"seed": 7, "steps": 20, "cfg": 5.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1.0, "model": list(model), "positive": list(positive),
                           "negative": list(negative), "latent_image": ["8", 0]}),
        "11": ("VAEDecode", {"samples": ["9", 0], "vae": ["5", 0]}),
        "13": ("VHS_VideoCombine", {"images": ["11", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "heron",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })
    wf.update(api(extra))
    return wf


def _model_file(conv) -> str:
    (load,) = nodes_of(conv, "video_models.load")
    return load.params["model"]


def test_context_bundles_in_an_api_file_pass_the_model_on_by_the_types_around_them():
    """heldout37 07 (DaSiWa's API template): rgthree's Context (given the loader's model) and an empty Context go into a
    Context Switch whose second output the sampler takes as its model; the API file saves no types and the catalogue
    declares no outputs for them, so each was said "a node not declared to give a model ... not applied" (false: they
    pass the loader's model on). Now read from the declared types around them (the loader's MODEL in, the sampler's
    MODEL read): passed on, said so; the same for a pack's bundle no catalogue holds, and the prompts a bundle carries
    by the name the sampler reads them on."""
    for ctx, switch in (("Context (rgthree)", "Context Switch (rgthree)"), ("Bundle (somepack)", "Bundle Pick (somepack)")):
        extra = {"20": (ctx, {"model": ["1", 0], "positive": ["6", 0], "negative": ["7", 0]}), "21": (ctx, {}),
                 "22": (switch, {"ctx_01": ["20", 0], "ctx_02": ["21", 0]})}
        conv = convert(_wan(extra, model=("22", 1), positive=("20", 4), negative=("20", 5)), "ctx.json")
        text = said(conv)
        assert f"read as the input each passes on, as ComfyUI runs it: {ctx} x2, {switch}" in text
        assert "not applied" not in text and "not converted" not in text.replace("(ComfyUI nodes not converted", "")
        assert _model_file(conv) == "wan2.1_t2v_1.3B_fp16.safetensors"
        (gen,) = nodes_of(conv, "video_models.text_to_video")
        assert gen.params["prompt"] == "a heron lands on a pier" and gen.params["negative_prompt"] == "blurry"
    # two contexts each given a model into a node taking only bundles: a switch gives the first's, a merge the
    # second's, and the types do not tell which it is: not read away (still said not applied), never guessed
    extra = {"20": ("Context (rgthree)", {"model": ["1", 0]}), "21": ("Context (rgthree)", {"model": ["2", 0]}),
             "22": ("Context Switch (rgthree)", {"ctx_01": ["20", 0], "ctx_02": ["21", 0]})}
    text = said(convert(_wan(extra, model=("22", 1)), "unsure.json"))
    assert "read as the input each passes on" not in text
    assert "'Context Switch (rgthree)' (Context Switch (rgthree), #22)" in text and "not applied" in text
