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
    assert "its 'lines' whole (its links lead on to 'StoryLooper' (StoryLooper, node 4), which takes a text encoder " \
           "('clip', CLIP)): " \
           f"2 lines: (1) {FIRST!r}; (2) {SECOND!r}" in text
    assert "more characters" not in text
    alone = said(convert(_story({}), "no_encoder.json"))  # the same looper given no text encoder: nothing encodes it
    assert "whole (its links lead on to" not in alone
    # (layout23: its lines are said only in the held task's list of settings, as the file saves them)
    held = "Settings of the held task's nodes"
    assert alone.count(held) == 2 and alone.count(SECOND) == 2  # (the Log's sentence and its note on the canvas)
    assert all(SECOND not in x.split(held, 1)[0] for x in alone.split("\n") if held in x)


def _ui_node(i: int, t: str, ins: list, outs: list, w: list) -> dict:
    return {"id": i, "type": t, "mode": 0, "inputs": [{"name": n, "type": k, "link": link} for n, k, link in ins],
            "outputs": [{"name": n, "type": k, "links": links} for n, k, links in outs], "widgets_values": w}


def test_a_text_node_s_prompt_lines_given_to_a_text_encoding_node_are_said_whole():
    """heldout24's wan-video-extender: each 'Prompt Loop' DF_Text given to a looper that takes the CLIP was said
    "gives ... 'prompt_loop_1' 'The scene explodes into action as a violent gust of wind… (160 more characters)', which
    Studio does not read there": the rest of the prompt named nowhere. Now said whole, each line numbered (a UI file:
    the text node's output is known as its text)."""
    wf = {"nodes": [
        _ui_node(1, "CheckpointLoaderSimple", [], [("MODEL", "MODEL", [1]), ("CLIP", "CLIP", [2]), ("VAE", "VAE", [3])],
                 ["wan2.2-aio.safetensors"]),
        _ui_node(2, "LoadImage", [], [("IMAGE", "IMAGE", [4]), ("MASK", "MASK", [])], ["fox.png", "image"]),
        _ui_node(3, "DF_Text", [], [("STRING", "STRING", [5])], [FIRST + "\n" + SECOND]),
        _ui_node(4, "StoryLooper", [("model", "MODEL", 1), ("clip", "CLIP", 2), ("vae", "VAE", 3),
                                    ("start_image", "IMAGE", 4), ("prompt_1", "STRING", 5)], [("images", "IMAGE", [6])], [3]),
        _ui_node(5, "SaveAnimatedWEBP", [("images", "IMAGE", 6)], [], ["fox", 16, False, 90, "default"])],
        "links": [[1, 1, 0, 4, 0, "MODEL"], [2, 1, 1, 4, 1, "CLIP"], [3, 1, 2, 4, 2, "VAE"], [4, 2, 0, 4, 3, "IMAGE"],
                  [5, 3, 0, 4, 4, "STRING"], [6, 4, 0, 5, 0, "IMAGE"]], "last_node_id": 5, "last_link_id": 6, "version": 0.4}
    text = said(convert(wf, "loops.json"))
    assert (f"'DF_Text' (DF_Text, #3) gives 'StoryLooper' (#4)'s 'prompt_1' a text of 2 lines: (1) {FIRST!r}; "
            f"(2) {SECOND!r}, which Studio does not read there") in text


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


def _hires(ckpt: str, denoise: float, clip_type: str = "ltxv", empty: tuple | None = None) -> dict:
    """A take sampled, upscaled x1.5 as a latent (LatentUpscaleBy) and sampled again at ``denoise`` (a "hires fix")."""
    empty = empty or ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": 97, "batch_size": 1})
    sampler = {"cfg": 3.0, "sampler_name": "euler", "scheduler": "simple", "model": ["1", 0], "positive": ["6", 0],
               "negative": ["7", 0]}
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": ckpt}),
        "2": ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": clip_type}),
        "6": ("CLIPTextEncode", {"text": "a heron lands on a pier", "clip": ["2", 0]}),
        "7": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "8": empty,
        "9": ("KSampler", {**sampler, "seed": 7, "steps": 20, "denoise": 1.0, "latent_image": ["8", 0]}),
        "10": ("LatentUpscaleBy", {"samples": ["9", 0], "upscale_method": "nearest-exact", "scale_by": 1.5}),
        "12": ("KSampler", {**sampler, "seed": 8, "steps": 10, "denoise": denoise, "latent_image": ["10", 0]}),
        "11": ("VAEDecode", {"samples": ["12", 0], "vae": ["1", 2]}),
        "13": ("VHS_VideoCombine", {"images": ["11", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "heron",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_a_refine_after_a_latent_upscale_is_not_made_where_the_family_does_no_video_to_video():
    """hires5 made the refine after a latent upscale as Video to Video for any family: for a family whose Family
    declares no video to video (Mochi 1; LTX-Video's until ltxv2v8, HunyuanVideo's until restyle10) that graph cannot
    run. Now the family's declared abilities decide: the first take alone, no Scale and no Video to Video, and the
    refine's line says it is not made, why, and its settings; a family that does video to video (Wan, LTX-Video,
    HunyuanVideo) keeps the refine."""
    conv = convert(_hires("mochi_preview_bf16.safetensors", 0.45, "mochi", (
        "EmptyMochiLatentVideo", {"width": 848, "height": 480, "length": 25, "batch_size": 1})), "mochi.json")
    assert not nodes_of(conv, "video_models.video_to_video") and not nodes_of(conv, "transform.scale")
    assert len(nodes_of(conv, "video_models.text_to_video")) == 1
    text = said(conv)
    assert ("a later pass: 'KSampler' (KSampler, #12) refines the take (denoise 0.45, 10 steps, cfg 3.0, seed 8) after "
            "ComfyUI's 'LatentUpscaleBy' (LatentUpscaleBy, #10): scale_by 1.5; Studio's graph makes the first pass alone "
            "at 848x480: the refine is not made, as Mochi 1 does no video to video in Studio") in text
    assert "add a Video to Video" not in text
    hy = convert(_hires("hunyuan_video_t2v_720p_bf16.safetensors", 0.45, "hunyuan_video", (
        "EmptyHunyuanLatentVideo", {"width": 768, "height": 512, "length": 97, "batch_size": 1})), "hy.json")
    assert len(nodes_of(hy, "video_models.video_to_video")) == 1 and len(nodes_of(hy, "transform.scale")) == 1
    wan = convert(_hires("wan2.1_t2v_1.3B_fp16.safetensors", 0.45, "wan", (
        "EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1})), "wan.json")
    assert len(nodes_of(wan, "video_models.video_to_video")) == 1 and len(nodes_of(wan, "transform.scale")) == 1
    ltx = convert(_hires("ltx-video-2b-v0.9.5.safetensors", 0.45), "ltxv.json")
    assert len(nodes_of(ltx, "video_models.video_to_video")) == 1 and len(nodes_of(ltx, "transform.scale")) == 1


def test_a_later_pass_studio_does_not_make_says_so_on_its_own_line():
    """heldout38 05: the tiled pass's line ("a second pass: 'LTXVTiledSampler' (#1872), steps 30, steps 18 to the
    end") did not say itself that the pass is not made. A later pass on the same model that no rule reads (here a
    whole second sampling of an upscaled latent) now says so on its line."""
    conv = convert(_hires("wan2.1_t2v_1.3B_fp16.safetensors", 1.0, "wan", (
        "EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1})), "second.json")
    assert not nodes_of(conv, "video_models.video_to_video")
    assert ("- a second pass: 'KSampler' (#12), steps 10, cfg 3.0: this pass is not made (Studio's generator makes the "
            "take without it)") in said(conv)


def test_the_families_doing_video_to_video_are_those_their_declarations_say():
    """families.abilities names the mappings whose families do video to video (the converter never imports nodes):
    held here to every registered family's declared task kinds, so a family added or changed fails until it agrees."""
    from nodes.video_models.base.registry import all_families
    from nodes.video_models.base.tasks import task_kinds
    from studio.convert.families import abilities, registry
    declared = {f.key: "video" in {t.key for t in task_kinds(f)} for f in all_families()}
    for m in registry.mappings():
        if m.key in declared:
            assert (m.key in abilities.VIDEO_TO_VIDEO) == declared[m.key], m.key
            assert abilities.video_to_video(m.title) is declared[m.key], m.title
    assert abilities.video_to_video("LTX-Video") is True and abilities.video_to_video("Wan 2.1") is True
    assert abilities.video_to_video("LTX-2") is True  # since ltx2v2v8 (LTX2ConditionPipeline)
    assert abilities.video_to_video("HunyuanVideo") is True and abilities.video_to_video("EasyAnimate") is True
    assert abilities.video_to_video("Mochi 1") is False and abilities.video_to_video("HunyuanVideo 1.5") is False
    assert abilities.video_to_video("no such family") is None
