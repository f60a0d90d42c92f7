"""heldout49's mends (benchmarks/results/heldout49_2026-11-30.md), each on a minimal workflow of our own.

1. A pack node saved by an older version of its pack, with fewer values than the pack's order names (VideoX-Fun's
   Wan 2.2 samplers before 'shift' and 'boundary' were added), is read by its values' declared types, not by
   place: its TeaCache threshold is not read as the shift, and the sentence says which settings the file lacks.
"""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading import fewer_values
from studio.convert import catalogue

from tests.convert.said import said
from tests.convert.test_comfy_videox_fun import _gen, _workflow

OLD_I2V = [81, 960, 43, "fixed", 50, 6, "Flow", 0.1, True, 5, True, 0]  # 12 values: no 'shift', no 'boundary'


def _folder(w):
    return w.add("LoadWan2_2Model", ["Wan2.2-TI2V-5B", "sequential_cpu_offload", "wan2.2/wan_civitai_5b.yaml", "bf16"],
                 ["FunModels"])


def test_an_older_samplers_fewer_values_are_read_by_their_declared_types():
    conv = convert(_workflow(_folder, "Wan2_2I2VSampler", OLD_I2V, {"start_img": "a.png"}), "fun_old")
    gen, text = _gen(conv), said(conv)
    p = gen.params
    assert (p["frames"], p["steps"], p["guidance"], p["seed"]) == (81, 50, 6.0, 43)
    assert p["shift"] != 0.1  # the TeaCache threshold is not the shift
    assert "shift 0.1" not in text
    assert "TeaCache (threshold 0.1, from step 5)" in text
    assert "saves 12 values where its pack's order has 14: read by their declared types, the file has no 'shift', " \
           "'boundary'" in text


def test_the_newer_values_stay_read_by_place():
    newer = [81, 960, 43, "fixed", 50, 6, "Flow", 8, 0.875, 0.1, True, 5, True, 0]
    conv = convert(_workflow(_folder, "Wan2_2I2VSampler", newer, {"start_img": "a.png"}), "fun_new")
    assert _gen(conv).params["shift"] == 8.0
    assert "read by their declared types" not in said(conv)


def test_an_ambiguous_or_unfitting_reading_is_left_to_place():
    t = catalogue.node_type("Wan2_2I2VSampler")
    declared = {i.name: i for i in t.widgets}
    from nodes.video_models.families.wan.comfy_videox_fun_data import WIDGETS
    order = WIDGETS["Wan2_2I2VSampler"]
    assert fewer_values.named(order, OLD_I2V, declared)[1] == ["shift", "boundary"]
    assert fewer_values.named(order, ["x"] * 12, declared) is None  # nothing fits
    assert fewer_values.named(order, OLD_I2V[:-1] + [0, 0], declared) is None  # (13 values: no one setting left out fits them)


# 2. A sampler's latent given on through a node's one LATENT input of another name (FizzNodes' Batch Prompt Schedule
#    (Latent Input): 'num_latents' in, 'INPUT_LATENTS' out), followed by its declared types to the empty latent, so
#    the take's size and length are the workflow's.

def _latent_input_schedule_ui() -> dict:
    from tests.convert.test_comfy_animatediff_ways import CKPT, FIZZ, _ad_ui
    from tests.convert.test_comfy_wrappers import UI
    w = UI()
    ck = w.add("CheckpointLoaderSimple", [CKPT])
    empty = w.add("ADE_EmptyLatentImageLarge", [512, 768, 30])
    sched = w.add("BatchPromptScheduleLatentInput", [FIZZ, False, 0, 7], clip=(ck, 1), num_latents=(empty, 0))
    neg = w.add("CLIPTextEncode", ["blurry"], clip=(ck, 1))
    s = _ad_ui(w, (ck, 0), (sched, 0), (neg, 0), (sched, 2))
    dec = w.add("VAEDecode", [], samples=(s, 0), vae=(ck, 2))
    w.add("VHS_VideoCombine", {"frame_rate": 8, "filename_prefix": "ad", "format": "video/h264-mp4"}, images=(dec, 0))
    return w.doc()


def test_a_latent_through_a_prompt_schedules_latent_input_gives_the_takes_size_and_length():
    conv = convert(_latent_input_schedule_ui(), "ad_sched")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (512, 768, 30)
    assert "which Studio does not read" not in said(conv)
    assert "ADE_EmptyLatentImageLarge" not in str(conv.dropped)


# 3. A prompt node of an API file that holds neither its text nor a link for it (an export that left the prompt out):
#    the generator's empty prompt said, not made silently.

def test_an_api_prompt_node_holding_no_text_is_said():
    from tests.convert.said import api
    wf = api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("CLIPTextEncode", {"clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "6": ("KSampler", {"seed": 1, "steps": 20, "cfg": 5.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1.0, "model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0],
                           "latent_image": ["5", 0]}),
        "7": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "8": ("VAEDecode", {"samples": ["6", 0], "vae": ["7", 0]}),
        "9": ("CreateVideo", {"images": ["8", 0], "fps": 16}),
        "10": ("SaveVideo", {"video": ["9", 0], "filename_prefix": "t2v", "format": "auto", "codec": "auto"}),
    })
    conv = convert(wf, "no_text")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["prompt"] == "" and gen.params["negative_prompt"] == "blurry"
    assert "'CLIPTextEncode' (CLIPTextEncode, #3) holds no 'text' in the file (neither a value nor a link): the " \
           "generator's prompt is left empty" in said(conv)


# 4. A FramePack start image stretched to the size FramePackFindNearestBucket picks (the release's 640 buckets, from
#    the picture when the workflow runs) is the Framepack node's 'bucket' 640, the picture itself its image; with the
#    end image stretched to the same bucket, that picture its last image.

def _bucket_ui(end: bool, method: str = "stretch") -> dict:
    from tests.convert.test_comfy_framepack_wrapper import SAMPLER, loaders
    from tests.convert.test_comfy_wrappers import UI
    w = UI()
    model, pos, neg, vae = loaders(w)
    first = w.add("LoadImage", ["first.png", "image"])
    bucket = w.add("FramePackFindNearestBucket", [640], image=(first, 0))

    def stretched(pic):
        resize = w.add("ImageResize+", [512, 512, "lanczos", method, "always", 0], image=(pic, 0), width=(bucket, 0),
                       height=(bucket, 1))
        sized = w.add("GetImageSizeAndCount", [], image=(resize, 0))
        return w.add("VAEEncode", [], pixels=(sized, 0), vae=(vae, 0))
    more = {"end_latent": (stretched(w.add("LoadImage", ["last.png", "image"])), 0)} if end else {}
    s = w.add("FramePackSampler", list(SAMPLER), model=(model, 0), positive=(pos, 0), negative=(neg, 0),
              start_latent=(stretched(first), 0), **more)
    dec = w.add("VAEDecodeTiled", [256, 64, 64, 8], samples=(s, 0), vae=(vae, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 30, "filename_prefix": "fp"}, images=(dec, 0))
    return w.doc()


def test_a_start_image_stretched_to_framepacks_bucket_is_the_nodes_bucket():
    for end in (False, True):
        conv = convert(_bucket_ui(end), "bucket")
        assert conv.graph.validate() == []
        gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.framepack")
        assert gen.params["bucket"] == "640" and (gen.params["width"], gen.params["height"]) == (0, 0)
        wired = {k: conv.graph.nodes[conv.graph.input_link(gen.id, k)[0]].params["path"]
                 for k in ("image", "last_image") if conv.graph.input_link(gen.id, k)}
        assert wired == ({"image": "first.png", "last_image": "last.png"} if end else {"image": "first.png"})
        text = said(conv)
        assert "picks the FramePack bucket at 640 nearest the picture's aspect and 'ImageResize+' (ImageResize+" in text
        assert "could not be read from its nodes" not in text and "not read there" not in text


def test_a_resize_that_keeps_the_aspect_is_not_read_as_the_bucket():
    conv = convert(_bucket_ui(False, method="keep proportion"), "kept")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.framepack")
    assert gen.params["bucket"] == "off"
