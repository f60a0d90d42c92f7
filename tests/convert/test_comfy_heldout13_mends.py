"""Mechanisms a thirteenth held-out set (benchmarks/results/heldout13_2026-11-29.md: creators' tutorial and course
repositories) showed, each on a small hand-written workflow, with invented pack node names where the rule is by types:
a subgraph node's proxied setting saved as null; a number saved as text in a constant's number setting; a loader's
file name a downloader gives; a wrapper sampler's size wired from a measure of the clip it restyles; an input a
family's reading leaves unwired; a setting an older frontend showed as an input, reached by a broadcast; joined takes
written at their output's rate; a held prompt zeroed on its way; a dual text encoder's second file; two experts whose
files a downloader names; a video loader's frame selection (Trim); an older ImageResizeKJ saved by place (Scale)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.test_comfy_wiring import UI, _shown_settings_workflow, _wan_t2v_frames, wan_sampler


def _params(conv, type_id: str) -> list[dict]:
    return [n.params for n in conv.graph.nodes.values() if n.type_id == type_id]


def test_a_proxied_setting_saved_as_null_keeps_the_inner_nodes_value():
    """ComfyUI's LTX-2 template saves its subgraph node's proxied seed (and its control) as null, the seed itself
    being the inner RandomNoise's 10: the generator's seed is the inner node's own 7 here, never 'made by ... when the
    workflow runs' with Studio's 0; the proxied values that are saved still land."""
    proxies = [("-1", "text"), ("-1", "width"), ("-1", "height"), ("ks", "seed"), ("ks", "control_after_generate")]
    conv = convert(_shown_settings_workflow(proxies, ["a red fox in the snow", 640, 352, None, None]), "null")
    gen = _params(conv, "video_models.text_to_video")[0]
    assert (gen["prompt"], gen["width"], gen["height"], gen["seed"]) == ("a red fox in the snow", 640, 352, 7)
    assert "when the workflow runs" not in _said(conv)


def _wan_v2v(w, image: int, **sizes) -> None:
    """The WanVideoWrapper's video to video (a family that does it in Studio) of what ``image`` gives: encoded,
    sampled at denoise 0.85 on empty embeds (their width, height, num_frames wired from ``sizes``), decoded, written."""
    from tests.convert.test_comfy_wrappers import _common as wan_common, _sampler, _save
    model, text, vae = wan_common(w)
    enc = w.add("WanVideoEncode", [True, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=(image, 0))
    emb = w.add("WanVideoEmptyEmbeds", [512, 512, 49], **sizes)
    _save(w, _sampler(w, model, text, emb, widgets=(30, 6.0, 9.0, 13, "fixed", True, "unipc", 0, 0.85),
                      samples=(enc, 0)), vae)


def _wire(w: UI, src: int, dst_type: str, name: str, kind: str) -> None:
    """``src``'s first output wired into the first ``dst_type`` node's setting ``name`` (shown as an input)."""
    dst = next(n for n in w.nodes if n["type"] == dst_type)
    lid = len(w.links) + 1
    w.links.append([lid, src, 0, dst["id"], len(dst["inputs"]), kind])
    dst["inputs"].append({"name": name, "type": kind, "widget": {"name": name}, "link": lid})


def _saved(w: UI, dec: int) -> dict:
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["fox", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def test_a_number_saved_as_text_in_a_constants_number_setting_is_that_number():
    """An invented pack constant whose one setting is declared FLOAT saved '1.5' as text (comfyui-logic's Float in
    aitrepreneur's workflow saved '1'): ComfyUI's server casts it before the node runs, so the sampler's cfg is 1.5,
    never 'a value Studio cannot work out' with the generator's own guidance; a STRING setting's text is no number."""
    w = UI()
    dec = _wan_t2v_frames(w)
    _wire(w, w.add("InventedFloatBox", ["1.5"], ["FLOAT"], {"value": "FLOAT"}), "KSampler", "cfg", "FLOAT")
    w.nodes[-1]["inputs"][0]["widget"] = {"name": "value"}
    conv = convert(_saved(w, dec), "float_text")
    assert _params(conv, "video_models.text_to_video")[0]["guidance"] == 1.5
    assert "cannot work out" not in _said(conv)
    w = UI()
    dec = _wan_t2v_frames(w)
    _wire(w, w.add("InventedFloatBox", ["1.5"], ["FLOAT"], {"value": "STRING"}), "KSampler", "cfg", "FLOAT")
    w.nodes[-1]["inputs"][0]["widget"] = {"name": "value"}
    assert _params(convert(_saved(w, dec), "float_text"), "video_models.text_to_video")[0]["guidance"] != 1.5


def _named_by(w: UI, cls: str, widgets: list, outs: list, key: str, inputs: dict | None = None) -> int:
    """A ``cls`` loader whose setting ``key`` (saved as the stale ``widgets``) is wired from an invented downloader
    whose link is a template (no file name Studio can work out: test_comfy_download_names has those it can)."""
    dl = w.add("InventedDownloader", ["https://example.org/{{MODEL_FILE}}"], ["*"])
    nid = w.add(cls, widgets, outs, {**(inputs or {}), key: (dl, 0, "COMBO")})
    w.nodes[-1]["inputs"][-1]["widget"] = {"name": key}
    return nid


def test_a_loaders_file_name_given_by_a_node_studio_cannot_work_out_is_said_never_its_stale_name():
    """A course's workflows fetch every file with a downloader node wired into the loaders' names: each loader is
    said to take the file that node gives when the workflow runs; never 'no model loader found', 'VAE None' or 'none
    does here', and the LoRA is not applied under the loader's stale saved name."""
    w = UI()
    unet = _named_by(w, "UNETLoader", ["stale_model.safetensors", "default"], ["MODEL"], "unet_name")
    lora = _named_by(w, "LoraLoaderModelOnly", ["stale_lora.safetensors", 1.0], ["MODEL"], "lora_name",
                     {"model": (unet, 0, "MODEL")})
    clip = _named_by(w, "CLIPLoader", ["stale_te.safetensors", "wan", "default"], ["CLIP"], "clip_name")
    vae = _named_by(w, "VAELoader", ["stale_vae.safetensors"], ["VAE"], "vae_name")
    _, ks = wan_sampler(w, lora, clip, "a red fox in the snow", 7)
    conv = convert(_saved(w, w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})),
                   "downloads")
    said = _said(conv)
    assert "stale" not in said and not _params(conv, "video_models.lora")
    assert "no model loader found" not in said and "'None'" not in said and "none does here" not in said
    for cls, key in (("UNETLoader", "unet_name"), ("LoraLoaderModelOnly", "lora_name"), ("CLIPLoader", "clip_name"),
                     ("VAELoader", "vae_name")):
        assert any(f"({cls}, #" in x and f"'s {key} is given by 'InventedDownloader'" in x for x in said.splitlines())


def test_a_wrapper_samplers_size_wired_from_a_measure_of_the_clip_it_restyles_is_not_said_used():
    """HunyuanVideoWrapper video to video (ttio2tech's): the sampler's width, height and num_frames are wired from an
    invented measuring node of the clip it is given on 'samples': they are said not read (the take is the clip's),
    never 'the value saved in the file (512) is used'. (The wrapper's own reading, hunyuan/comfy_wrapper.py's ENCODED:
    kept on HunyuanVideo, whose video to video was held from v2vhold8 to restyle10 and is made since: the take's size
    and length are the clip's, Video to Video's own 0.)"""
    from tests.convert.test_comfy_hunyuan_mochi_wrappers import PROMPT, _common, _finish
    from tests.convert.test_comfy_wrappers import UI as WUI
    w = WUI()
    loader, te, vae = _common(w)
    text = w.add("HyVideoTextEncode", [PROMPT, True, "video"], text_encoders=(te, 0))
    clip = w.add("VHS_LoadVideo", {"video": "bear.mp4", "format": "None"})
    measure = w.add("InventedMeasure", [], image=(clip, 0))
    enc = w.add("HyVideoEncode", [True, 16], vae=(vae, 0), image=(measure, 0))
    _finish(w, loader, text, vae, sampler=[512, 512, 49, 30, 6, 9, 13, "fixed", True, 0.85], samples=(enc, 0),
            width=(measure, 1), height=(measure, 2), num_frames=(measure, 3))
    conv = convert(w.doc(), "hy_v2v_measured")
    (p,) = _params(conv, "video_models.video_to_video")
    assert (p["width"], p["height"], p["frames"], p["strength"]) == (0, 0, 0, 0.85)
    said = _said(conv)
    assert "is used" not in said
    assert all(f"'s {k} comes from 'InventedMeasure'" in said and "not read: the take's size and length" in said
               for k in ("width", "height", "num_frames"))


def test_an_input_a_familys_reading_leaves_unwired_is_not_said_wired_without_its_steps():
    """Wan VACE given a reference picture and its control clip from WanVideoVACEStartToEndFrame with control frames
    between (the course's marionette step): the clip is not made, as its own sentence says; its 'control_video' and
    'control_masks' are never also said to be 'LoadImage's file ... wired without that step'."""
    from tests.convert.test_comfy_wan_start_to_end import _vace_flf
    doc = _vace_flf()
    w = UI()
    w.nodes, w.links = doc["nodes"], doc["links"]
    pose = w.add("LoadImage", ["pose.png", "image"], ["IMAGE", "MASK"])
    for target, name, src in (("WanVideoVACEStartToEndFrame", "control_images", pose),
                              ("WanVaceToVideo", "reference_image", 4)):
        node = next(n for n in w.nodes if n["type"] == target)
        lid = len(w.links) + 1
        w.links.append([lid, src, 0, node["id"], len(node["inputs"]), "IMAGE"])
        node["inputs"].append({"name": name, "type": "IMAGE", "link": lid})
    conv = convert(w.doc(), "vace_reference_control")
    said = _said(conv)
    assert _params(conv, "video_models.wan_vace") and "is given neither 'video' nor 'mask'" in said
    assert "wired without" not in said


def test_a_setting_the_older_frontend_showed_as_an_input_is_reached_by_a_broadcast():
    """An older file (no use-everywhere 7.x properties) whose KSampler shows its seed alone as an input: that socket
    took broadcasts then, so 'Seed Everywhere' through 'Anything Everywhere' gives the seed (ttio2tech's AnimateDiff),
    never the sampler's stale widget, nor 'Seed Everywhere reaches no output'."""
    w = UI()
    dec = _wan_t2v_frames(w)
    seed = w.add("Seed Everywhere", [1234, "fixed"], ["INT"])
    w.add("Anything Everywhere", [], [], {"INT": (seed, 0, "INT")})
    ks = next(n for n in w.nodes if n["type"] == "KSampler")
    ks["inputs"].append({"name": "seed", "type": "INT", "link": None, "widget": {"name": "seed"}})
    conv = convert(_saved(w, dec), "old_broadcast")
    assert _params(conv, "video_models.text_to_video")[0]["seed"] == 1234
    assert "Seed Everywhere" not in _said(conv)


def test_joined_takes_are_written_at_the_rate_the_outputs_own_nodes_write_them():
    """Two segments, each previewed at 16 fps, joined and written at 24 by the joined output's CreateVideo (AI Joe's
    loop: its 'Full video' at 25 over RIFE x2): Studio's joined video (16 fps) goes through a Frame Rate at 24 before
    its Save Video, said; the segments' own saves stay at their 16."""
    from tests.convert.test_comfy_extend_chains import _chain
    doc = _chain(n=2, saves=("91", "92"))
    doc["206"]["inputs"]["fps"] = 24
    conv = convert(doc, "joined_rate")
    g = conv.graph
    joined = next(n for n in g.nodes.values() if n.type_id == "io.save_video" and "seg1-2" in n.params["path"])
    rate = g.nodes[g.input_link(joined.id, "video").src]
    assert rate.type_id == "edit.frame_rate" and rate.params["fps"] == 24.0
    assert g.nodes[g.input_link(rate.id, "video").src].type_id == "edit.concatenate"
    assert "writes the joined takes at 24 fps, not the 16 fps Studio's joined video has" in _said(conv)
    assert sum(1 for n in g.nodes.values() if n.type_id == "edit.frame_rate") == 1


def test_a_held_prompt_zeroed_on_its_way_is_never_called_empty():
    """The still's sampler before a held LTX-2 take is given its negative prompt zeroed (ConditioningZeroOut of a
    CLIPTextEncode holding text: the FLUX-then-LTX workflow): the held sentence names it zeroed, with its text, never
    'an empty negative prompt', whatever order the encoders were walked in."""
    from tests.convert.test_comfy_heldout12_mends import _api, _picture_for_a_guide
    wf = _picture_for_a_guide()
    wf.update(_api({"29": ("CLIPTextEncode", {"text": "ugly hands", "clip": ["20", 1]}),
                    "30": ("ConditioningZeroOut", {"conditioning": ["29", 0]})}))
    wf["24"]["inputs"]["negative"] = ["30", 0]
    first = convert(wf, "zeroed.json").log[0]
    assert "a zeroed negative prompt (" in first and "'ugly hands' zeroed on its way" in first
    assert "an empty negative prompt" not in first


def test_a_dual_text_encoder_loaders_second_file_is_named():
    """HunyuanVideoWrapper's text encoder loader (read as a DualCLIPLoader) names CLIP-L and llava-llama-3: both files
    are said (the llava one was named nowhere), the second taken from 'base' as the first is."""
    from tests.convert.test_comfy_hunyuan_mochi_wrappers import PROMPT, _common, _finish
    from tests.convert.test_comfy_wrappers import UI as WUI
    w = WUI()
    loader, te, vae = _common(w)
    _finish(w, loader, w.add("HyVideoTextEncode", [PROMPT, True, "video"], text_encoders=(te, 0)), vae)
    said = _said(convert(w.doc(), "hy_t2v_encoders"))
    assert "text encoder 'Kijai/llava-llama-3-8b-text-encoder-tokenizer' (" in said
    assert "text encoder 'openai/clip-vit-large-patch14'" in said


def test_two_experts_whose_files_a_downloader_names_are_two_models():
    """Wan 2.2's two experts each loaded by a UNETLoader whose name a downloader gives (the course's FLF workflow):
    two loaders of unknown files are not 'one file loaded twice': the low-noise one is said given when the workflow
    runs, for 'model_2', and its sampler named the low-noise expert (it was named nowhere)."""
    from tests.convert.test_comfy_heldout12_mends import _api
    n = {"1": ("InventedDownloader", {"url": "https://example.org/high.safetensors"}),
         "2": ("InventedDownloader", {"url": "https://example.org/low.safetensors"}),
         "3": ("UNETLoader", {"unet_name": ["1", 0], "weight_dtype": "default"}),
         "4": ("UNETLoader", {"unet_name": ["2", 0], "weight_dtype": "default"}),
         "5": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
         "6": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
         "7": ("CLIPTextEncode", {"text": "a cat walks", "clip": ["5", 0]}),
         "8": ("CLIPTextEncode", {"text": "blurry", "clip": ["5", 0]}),
         "9": ("LoadImage", {"image": "cat.png"}),
         "10": ("WanImageToVideo", {"width": 640, "height": 640, "length": 33, "batch_size": 1, "positive": ["7", 0],
                                    "negative": ["8", 0], "vae": ["6", 0], "start_image": ["9", 0]})}
    for k, (model, first, last, noise) in {"11": ("3", 0, 2, "enable"), "12": ("4", 2, 10000, "disable")}.items():
        n[k] = ("KSamplerAdvanced", {"add_noise": noise, "noise_seed": 1, "steps": 4, "cfg": 1, "sampler_name": "euler",
                                     "scheduler": "simple", "start_at_step": first, "end_at_step": last,
                                     "return_with_leftover_noise": "enable", "model": [model, 0], "positive": ["10", 0],
                                     "negative": ["10", 1], "latent_image": ["10", 2] if k == "11" else ["11", 0]})
    n.update({"13": ("VAEDecode", {"samples": ["12", 0], "vae": ["6", 0]}),
              "14": ("CreateVideo", {"fps": 16, "images": ["13", 0]}),
              "15": ("SaveVideo", {"filename_prefix": "v", "format": "mp4", "codec": "auto", "video": ["14", 0]})})
    said = _said(convert(_api(n), "two_downloads.json"))
    assert "'UNETLoader' (UNETLoader, #3)'s unet_name is given by 'InventedDownloader'" in said
    assert "'UNETLoader' (UNETLoader, #4)'s unet_name is given by 'InventedDownloader'" in said
    assert "set Load Video Model's 'model_2' to that file" in said and "the low-noise expert: 'KSamplerAdvanced' (#12)" in said


def test_a_video_loaders_frame_selection_is_made_by_a_trim():
    """VideoHelperSuite's Load Video skipping 5 frames, then one in every 3, at most 40 (ttio2tech's v2v: every 3rd
    of 101): Studio's Trim (start 5, end 125, step 3) after its Load Video gives the generator those frames, said;
    the loader's settings are not also said 'not applied'. A loader whose sound is read keeps the old sentence."""
    from tests.convert.test_comfy_wrappers import UI as WUI
    w = WUI()  # (ttio2tech's is HunyuanVideoWrapper's, held now: Wan's video to video here)
    clip = w.add("VHS_LoadVideo", {"video": "bear.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                   "frame_load_cap": 40, "skip_first_frames": 5, "select_every_nth": 3,
                                   "format": "None"})
    _wan_v2v(w, clip)
    conv = convert(w.doc(), "hy_v2v_trim")
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.video_to_video")
    trim = g.nodes[g.input_link(gen.id, "video").src]
    assert trim.type_id == "transform.trim" and trim.params == {"start": 5, "end": 125, "step": 3}
    assert g.nodes[g.input_link(trim.id, "video").src].type_id == "io.load_video"
    said = _said(conv)
    assert "picks frames 5 to 124, every 3 of 'bear.mp4': Studio's Trim after its Load Video keeps the same frames" \
        in said  # (heldout14's load_trim, merged: the same Trim)
    assert "not applied, Studio's Load Video reads every frame" not in said
    combine = next(n for n in w.nodes if n["type"] == "VHS_VideoCombine")  # its sound muxed into the output
    w.links.append([len(w.links) + 1, clip, 2, combine["id"], len(combine["inputs"]), "*"])
    combine["inputs"].append({"name": "audio", "type": "*", "link": len(w.links)})
    conv = convert(w.doc(), "hy_v2v_sound")  # the frames still trimmed; the sound the whole file's, said
    assert any(n.type_id == "transform.trim" for n in conv.graph.nodes.values())
    assert "Studio's Audio Trim after its Load Video keeps the same seconds, counted at that rate when it runs" in \
        _said(conv)  # (its frames at the file's own rate: since rate3, the sound cut with them)


def test_an_older_image_resize_kj_saved_by_place_is_made_by_scale():
    """KJNodes' ImageResizeKJ as an older frontend saves it (eight values by place, with width_input and height_input,
    no names listed: ttio2tech's v2v): read by place, its fit within 768x768 rounded to 16 is Studio's Scale on the
    clip's way, never 'wired without that step'; values in another layout are not read so."""
    from tests.convert.test_comfy_wrappers import UI as WUI

    def doc(values):
        w = WUI()  # (ttio2tech's is HunyuanVideoWrapper's, held now: Wan's video to video here)
        clip = w.add("VHS_LoadVideo", {"video": "bear.mp4", "format": "None"})
        _wan_v2v(w, w.add("ImageResizeKJ", values, image=(clip, 0)))
        return convert(w.doc(), "hy_v2v_resize")

    conv = doc([768, 768, "lanczos", True, 16, 0, 0, "disabled"])
    scale = _params(conv, "transform.scale")
    assert scale and (scale[0]["width"], scale[0]["height"], scale[0]["fit"], scale[0]["multiple"]) == (768, 768,
                                                                                                         "within", 16)
    assert "wired without" not in _said(conv)
    assert not _params(doc(["lanczos", 768, 768, True, 16, 0, 0, "disabled"]), "transform.scale")
