"""Issue 112, heldout110's mends (fresh set judged on main bb316e27): each test builds its workflow from node types,
values and links and fails without its mend.

1. A text encoder loader whose every reader writes text (its declared outputs all STRING: ComfyUI's TextGenerate
   writing the prompt from the first frame) was set as Load Video Model's 'text_encoder' over the loader the prompts'
   CLIPTextEncode reads (the later of the two upstream won), unsaid: now the writer's model is said not set, and the
   encoder's file is kept (110/01, LTX-2.5's IC-LoRA workflow: Gemma 4 E2B for TextGenerate, the 12B Gemma for the
   prompts).
2. ComfyUI's own loader of a web address (VHS_LoadVideoPath) whose address setting is wired from another node (a
   cloud node's video URL) was said to load the address its widget still saves, "save the clip as output.mp4": that
   saved value is stale, ComfyUI runs what the link gives; now only the link is said (110/06).
3. The sentence checks (benchmarks/sentence_checks.py) ended a setting's value at its own '; ' where a sentence shows a
   long text cut short ("... source video; it… (706 more characters)"), and called the true sentence false (110/01's
   TextGenerate prompt and StringReplace template)."""
from __future__ import annotations

from benchmarks.sentence_checks import clause_value
from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui

ENCODER = "gemma4-12b-with-proj-ltx-2.5-comfy-int8-convrot.safetensors"
WRITER = "gemma4_e2b_it_bf16.safetensors"


INSTRUCTION = ("You write prompts for a video model that adds water to a video; the attached image is its first frame. "
               "Write exactly one paragraph in English and output nothing else.")


def _ltx_with_a_prompt_writer(writer_reads_the_encoder: bool = False):
    """LTX-2.5 text to video whose positive prompt TextGenerate writes, given its own small Gemma (or the prompts'
    encoder itself)."""
    writer_clip = "2" if writer_reads_the_encoder else "3"
    return api({
        "1": ("UNETLoader", {"unet_name": "ltx-2.5-22b-distilled-transformer-comfy-int8-convrot.safetensors",
                             "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": ENCODER, "type": "ltxv", "device": "default"}),
        "3": ("CLIPLoader", {"clip_name": WRITER, "type": "ltxv", "device": "default"}),
        "5": ("TextGenerate", {"clip": [writer_clip, 0], "prompt": INSTRUCTION,
                               "max_length": 400, "sampling_mode": "off", "thinking": False}),
        "6": ("CLIPTextEncode", {"clip": ["2", 0], "text": ["5", 0]}),
        "7": ("CLIPTextEncode", {"clip": ["2", 0], "text": ""}),
        "8": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": 97, "batch_size": 1}),
        "9": ("LTXVConditioning", {"positive": ["6", 0], "negative": ["7", 0], "frame_rate": 24}),
        "10": ("KSampler", {"model": ["1", 0], "positive": ["9", 0], "negative": ["9", 1], "latent_image": ["8", 0],
                            "seed": 1212, "steps": 8, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1.0}),
        "11": ("VAELoader", {"vae_name": "ltx-2.5-video-vae-bf16.safetensors"}),
        "12": ("VAEDecode", {"samples": ["10", 0], "vae": ["11", 0]}),
        "13": ("CreateVideo", {"images": ["12", 0], "fps": 24}),
        "14": ("SaveVideo", {"video": ["13", 0], "filename_prefix": "ltx", "format": "auto", "codec": "auto"}),
    })


def test_a_prompt_writers_own_text_encoder_is_not_set_as_the_generators():
    conv = convert(_ltx_with_a_prompt_writer(), "writer")
    load = nodes_of(conv, "video_models.load")[0].params
    assert load["text_encoder"] == ENCODER
    assert (f"text encoder '{WRITER}' of 'CLIPLoader' (CLIPLoader, #3) is read by 'TextGenerate' (TextGenerate, #5) "
            "alone, which writes text when the workflow runs (not made by Studio): it is not the text encoder of the "
            "prompts the generator is given, and is not set on Load Video Model") in said(conv)


def test_an_encoder_the_writer_shares_with_the_prompts_is_still_the_generators():
    conv = convert(_ltx_with_a_prompt_writer(writer_reads_the_encoder=True), "writer_shared")
    assert nodes_of(conv, "video_models.load")[0].params["text_encoder"] == ENCODER
    assert "which writes text when the workflow runs" not in said(conv)


def _cloud_clip(wired: bool):
    """A cloud node's video URL wired into VHS_LoadVideoPath's 'video' (its widget still saving an older address),
    or the address alone."""
    address = "https://example.com/clips/old_take.mp4"
    load = {"video": address, "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
            "skip_first_frames": 0, "select_every_nth": 1}
    nodes = [(1, "MyCloudClipMaker", [], ["STRING"], ["a fox runs through snow", 5]),
             (2, "VHS_LoadVideoPath", [("video", "STRING")] if wired else [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
              load),
             (3, "VHS_VideoCombine", [("images", "IMAGE")], [],
              {"frame_rate": 30, "loop_count": 0, "filename_prefix": "cloud", "format": "video/h264-mp4"})]
    links = ([(1, 0, 2, "video")] if wired else []) + [(2, 0, 3, "images")]
    return convert(ui(nodes, links), "cloud"), address


def test_a_wired_loaders_saved_web_address_is_not_said_as_its_file():
    conv, address = _cloud_clip(wired=True)
    text = said(conv)
    assert "is the web address" not in text and address not in text.split("VHS_LoadVideoPath")[1][:200]
    assert "'VHS_LoadVideoPath' (VHS_LoadVideoPath, #2)'s video is given by 'MyCloudClipMaker'" in text
    assert ("when the workflow runs, a path or web address Studio cannot work out when converting: set Load Video's "
            "'path' to it (Studio reads files only: a web address's file saved first)") in text  # (its text: an address)
    conv, address = _cloud_clip(wired=False)  # (the address alone: still read as the file to save)
    assert f"'VHS_LoadVideoPath' (VHS_LoadVideoPath, #2)'s 'video' is the web address {address}" in said(conv)


def test_a_text_cut_short_after_its_own_semicolon_is_checked_as_cut():
    cut = "You write prompts for a video model that adds water to a video; it… (706 more characters)"
    assert clause_value(cut) == "You write prompts for a video model that adds water to a video…"
    assert clause_value("image_url wired; saved by place: #0 , #1 wanx2.1-i2v-plus") == "image_url wired"
    assert clause_value("lanczos") == "lanczos"
