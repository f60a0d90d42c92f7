"""heldout86's mends (fresh set judged on main 89e92b46): each test builds its workflow from node types, values and
links and fails without its mend.

1. A Wan 2.2 task's VAE on a VAE loader was said not read because "separate files are read for Wan, LTX-Video, ...
   only", Wan being its family: Load Video Model reads Wan 2.2's separate files where its text encoder is a
   CLIPLoader of type 'wan', and that is what is said (86/01, 86/02).
2. Two experts' passes each sampling a sigma list of their own (ManualSigmas, four numbers apiece: a Lightx2v 4 + 4
   chain) were made as the first list's steps alone, unsaid: the generator's steps are the two lists' together,
   said, and the later pass's fresh noise (SamplerCustom's add_noise on a take it continues) said not applied
   (86/01, 86/02).
3. A UI file's wrapper sampler whose cfg is wired from a CreateCFGScheduleFloatList saves its cfg widget beside the
   wire: that stale value stopped the list being read (its API copy read it): the list is read (86/07, 86/08).
4. A held task's rate (CreateVideo's fps, off the samplers' way) was named nowhere: said among the values to set by
   hand (86/03, 86/10, 86/11).
5. An undeclared text-encoder loader of a held task, whose file no setting names, was said to load "the text
   encoder" with no file and no values: its settings saved by place are said (86/11).
6. Motif-Video 2B's own ComfyUI pack (ComfyUI-MotifVideo2B, not in Studio's catalogue) was held as "an unrecognised
   model" though Studio runs Motif Video: Motif Video's mapping (families/motif_video/comfy.py) reads EmptyMotifLatent
   as its take and a MotifImageEncode's picture as Image to Video's start image; its files said, to be replaced by a
   diffusers folder; its guidance said (86/10, 86/11)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said, source_file, ui
from tests.convert.test_comfy_wrappers import UI, _common, _sampler, _save


def _chain(add_noise: bool = True):
    """A Wan 2.2 I2V of two experts, each pass a SamplerCustom on a ManualSigmas of its own (heldout86 01 trimmed:
    its prompt from a conditioning file, its VAE a plain VAELoader)."""
    w = UI()
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"])
    cond = w.add("LoadContditioning", ["00000_conditionings.bin"])
    zero = w.add("ConditioningZeroOut", [], conditioning=(cond, 0))
    img = w.add("LoadImage", ["example.png", "image"])
    i2v = w.add("WanImageToVideo", [832, 480, 33, 1], positive=(cond, 0), negative=(zero, 0), vae=(vae, 0),
                start_image=(img, 0))
    high = w.add("UNETLoader", ["wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors", "default"])
    low = w.add("UNETLoader", ["wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors", "default"])
    shift = w.add("ModelSamplingSD3", [5], model=(high, 0))
    first = w.add("ManualSigmas", ["1.0000, 0.9844, 0.9643, 0.9375, 0.9000"])
    second = w.add("ManualSigmas", ["0.9000, 0.8438, 0.7500, 0.5625, 0.0000"])
    pick = w.add("KSamplerSelect", ["euler"])
    a = w.add("SamplerCustom", [True, 0, "fixed", 1], model=(shift, 0), positive=(i2v, 0), negative=(i2v, 1),
              sampler=(pick, 0), sigmas=(first, 0), latent_image=(i2v, 2))
    b = w.add("SamplerCustom", [add_noise, 0, "fixed", 1], model=(low, 0), positive=(i2v, 0), negative=(i2v, 1),
              sampler=(pick, 0), sigmas=(second, 0), latent_image=(a, 1))
    dec = w.add("VAEDecode", [], samples=(b, 1), vae=(vae, 0))
    vid = w.add("CreateVideo", [16], images=(dec, 0))
    w.add("SaveVideo", ["video/ComfyUI", "mp4", "h264"], video=(vid, 0))
    return convert(w.doc(), "chain"), (first, second, b)


def test_a_wan_2_2_vae_not_read_is_said_as_load_video_model_reads_wans_separate_files():
    conv, _ = _chain()
    line = next(x for x in said(conv).splitlines() if "VAE 'wan_2.1_vae.safetensors'" in x)
    assert "separate files are read for" not in line, line
    assert "not set on Load Video Model, which reads Wan 2.2's separate files where the prompts' text encoder comes " \
           "from CLIPLoader of type 'wan'" in line, line


def test_two_experts_own_sigma_lists_make_their_steps_together_and_fresh_noise_is_said():
    conv, (first, second, low) = _chain()
    text = said(conv)
    assert nodes_of(conv, "video_models.image_to_video")[0].params["steps"] == 8, text
    assert (f"the two experts each sample a sigma list of their own ('ManualSigmas' (ManualSigmas, #{first}): 4 "
            f"steps; 'ManualSigmas' (ManualSigmas, #{second}): 4 steps): the generator makes 4 + 4 = 8 steps in one "
            "schedule, switching experts at the model's boundary_ratio") in text, text
    assert f"'SamplerCustom' (#{low}) adds fresh noise to the take it continues (add_noise on, at its first sigma " \
           "0.9000)" in text, text
    conv, _ = _chain(add_noise=False)
    assert nodes_of(conv, "video_models.image_to_video")[0].params["steps"] == 8
    assert "adds fresh noise" not in said(conv)


def test_a_ui_files_cfg_list_is_read_though_its_sampler_saves_a_cfg_widget():
    w = UI()
    model, text, vae = _common(w)
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 33])
    cfg = w.add("CreateCFGScheduleFloatList", [6, 2, 2, "linear", 0, 0.01])
    s = _sampler(w, model, text, emb, widgets=(6, 1.0, 8.0, 43, "fixed", True, "unipc", 0, 1.0), cfg=(cfg, 0))
    _save(w, s, vae)
    conv = convert(w.doc(), "listed")
    gen = nodes_of(conv, "video_models.text_to_video")[0].params
    assert gen["guidance"] == 2.0 and gen["guidance_steps"] == 1, said(conv)
    assert f"(CreateCFGScheduleFloatList, #{cfg}): 2 on its first 1 step, 1 after: the generator's guidance 2 with " \
           "guidance_steps 1" in said(conv)


def _held():
    """A video model no rule knows (heldout86 11 renamed): its text encoder loader, encode, VAE and image encode of
    undeclared types, a KSampler, and CreateVideo's fps 24."""
    return convert(ui([
        (1, "LoadImage", [], ["IMAGE", "MASK"], ["example.png", "image"]),
        (2, "UNETLoader", [], ["MODEL"], ["acme-video-2b.safetensors", "default"]),
        (3, "AcmeTextEncoderLoader", [], ["CLIP"], ["acme_t5/model.safetensors", "bfloat16", "default"]),
        (4, "AcmeVAELoader", [], ["VAE"], ["acme_vae.safetensors"]),
        (5, "AcmeTextEncode", [("clip", "CLIP")], ["CONDITIONING", "CONDITIONING"], ["a woman on a beach", "blurry"]),
        (6, "AcmeImageEncode", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                ("image", "IMAGE")], ["CONDITIONING", "CONDITIONING"], []),
        (7, "EmptyAcmeLatent", [], ["LATENT"], [1280, 736, 121, 1]),
        (8, "ModelSamplingSD3", [("model", "MODEL")], ["MODEL"], [2.5]),
        (9, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                         ("latent_image", "LATENT")], ["LATENT"], [6, "fixed", 50, 8.0, "euler", "simple", 1.0]),
        (10, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (11, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [24]),
        (12, "SaveVideo", [("video", "VIDEO")], [], ["video/acme", "auto", "auto"]),
    ], [(3, 0, 5, "clip"), (5, 0, 6, "positive"), (5, 1, 6, "negative"), (4, 0, 6, "vae"), (1, 0, 6, "image"),
        (2, 0, 8, "model"), (8, 0, 9, "model"), (6, 0, 9, "positive"), (6, 1, 9, "negative"),
        (7, 0, 9, "latent_image"), (9, 0, 10, "samples"), (4, 0, 10, "vae"), (10, 0, 11, "images"),
        (11, 0, 12, "video")]), "held")


def test_a_held_tasks_written_rate_is_among_its_values_to_set_by_hand():
    text = said(_held())
    assert "(to set by hand): 'KSampler' (#9) seed 6, steps 50" in text, text
    assert "'ModelSamplingSD3' (#8) shift 2.5; 'CreateVideo' (#11) fps 24." in text, text


def test_an_undeclared_text_encoder_loader_naming_no_file_has_its_values_said():
    text = said(_held())
    assert "'AcmeTextEncoderLoader' (AcmeTextEncoderLoader, #3) loads the text encoder that encodes the held task's " \
           "prompts (#5) (its settings: #0 acme_t5/model.safetensors, #1 bfloat16, #2 default): not made" in text, text


def _motif(image: bool = True):
    """Motif-Video 2B through its pack (heldout86 11's shape, values of our own): text encode, empty latent, KSampler,
    CreateVideo; with ``image``, MotifImageEncode putting a picture on the conditioning."""
    nodes = [
        (1, "LoadImage", [], ["IMAGE", "MASK"], ["beach.png", "image"]),
        (2, "UNETLoader", [], ["MODEL"], ["motif-video-1.9b-720p.safetensors", "default"]),
        (3, "MotifTextEncoderLoader", [], ["CLIP"], ["motifvideo_t5gemma2.safetensors", "bfloat16", "default"]),
        (4, "MotifVAELoader", [], ["VAE"], ["motifvideo_vae.safetensors"]),
        (5, "MotifTextEncode", [("clip", "CLIP")], ["CONDITIONING", "CONDITIONING"], ["a heron by a lake", "blurry"]),
        (6, "MotifImageEncode", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                 ("image", "IMAGE")], ["CONDITIONING", "CONDITIONING"], []),
        (7, "EmptyMotifLatent", [], ["LATENT"], [960, 544, 49, 1]),
        (8, "ModelSamplingSD3", [("model", "MODEL")], ["MODEL"], [3.0]),
        (9, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                         ("latent_image", "LATENT")], ["LATENT"], [7, "fixed", 30, 6.0, "euler", "simple", 1.0]),
        (10, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (11, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [24]),
        (12, "SaveVideo", [("video", "VIDEO")], [], ["video/motif", "auto", "auto"]),
    ]
    cond = [(6, 0, 9, "positive"), (6, 1, 9, "negative")] if image else [(5, 0, 9, "positive"), (5, 1, 9, "negative")]
    links = [(3, 0, 5, "clip"), (2, 0, 8, "model"), (8, 0, 9, "model"), (7, 0, 9, "latent_image"),
             (9, 0, 10, "samples"), (4, 0, 10, "vae"), (10, 0, 11, "images"), (11, 0, 12, "video")] + cond
    if image:
        links += [(5, 0, 6, "positive"), (5, 1, 6, "negative"), (4, 0, 6, "vae"), (1, 0, 6, "image")]
    else:
        nodes = [n for n in nodes if n[0] not in (1, 6)]
    return convert(ui(nodes, links), "motif")


def test_motif_videos_own_pack_is_made_by_studios_motif_video():
    conv = _motif()
    text = said(conv)
    (gen,) = nodes_of(conv, "video_models.image_to_video")
    p = gen.params
    assert (p["prompt"], p["negative_prompt"], p["width"], p["height"], p["frames"], p["steps"], p["guidance"],
            p["shift"], p["seed"], p["fps"]) == ("a heron by a lake", "blurry", 960, 544, 49, 30, 6.0, 3.0, 7, 24.0)
    assert source_file(conv, gen.id, "image") == "beach.png"
    assert "of Motif Video's ComfyUI files (motif-video-1.9b-720p.safetensors, motifvideo_vae.safetensors, " \
           "motifvideo_t5gemma2.safetensors) Studio reads none" in text, text
    assert "Motif Video's guidance is its diffusers folder's guider's" in text
    assert "the negative prompt comes from ComfyUI's 'MotifTextEncode' (MotifTextEncode, #5), which Studio does not " \
           "read: the text it is given is the generator's negative prompt" in text
    assert [t["family"] for t in conv.tasks] == ["Motif Video"]
    conv = _motif(image=False)
    assert nodes_of(conv, "video_models.text_to_video") and not nodes_of(conv, "video_models.image_to_video")
