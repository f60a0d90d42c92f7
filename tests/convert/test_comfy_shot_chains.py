"""Shots chained by their latents (issue 112; packs/shot_chains.py): a node no pack in Studio's catalogue declares that
takes an image-to-video node's sockets and, beside them, an earlier shot's take (a LATENT from its sampler, directly or
through a node passing the latent on) and that take's last decoded frames (an IMAGE through a frame pick) is a later
shot of one continued take: read as the task node started from those frames, a generator per shot with its own prompt
(a later shot's written by a text node giving its one setting, Comfyroll's CR Text) and seed, joined where the
workflow joins them, each keeping the frames the join picks (takes/join_trims.py). A latent from anything else is
no continuation. The shot and latent nodes invented (the heldout12 SVI four-shot take's shape)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.packs import uncatalogued_twins
from studio.convert.reading.workflow import Workflow
from tests.convert.test_comfy_wan_frames import _said
from tests.convert.test_comfy_wiring import UI
from tests.convert.test_comfy_wrappers import _nodes

COND, LAT, IMG = "CONDITIONING", "LATENT", "IMAGE"
SHOT = "ZetaShotToVideo"  # invented: Wan's image-to-video sockets, plus 'tail_frames' and 'carry_latent'


def _shot(w: UI, pos, neg, vae, image, frames=None, latent=None):
    return w.add(SHOT, [480, 832, 33, 1, 1], [COND, COND, LAT], {
        "positive": (pos, 0, COND), "negative": (neg, 0, COND), "vae": (vae, 0, "VAE"), "start_image": (image, 0, IMG),
        "tail_frames": (frames, 0, IMG) if frames else IMG, "carry_latent": (latent, 0, LAT) if latent else LAT})


def _ui(elsewhere: bool = False) -> tuple[dict, dict]:
    """Two shots: the second continues the first's take (its latent through an invented latent pass-through, its last
    frame picked from its decoded frames); joined by ImageBatch into one save. ``elsewhere``: the second's latent is a
    loaded picture encoded instead (no continuation)."""
    w = UI()
    model = w.add("UNETLoader", ["wan2.1_i2v_480p_14B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    image = w.add("LoadImage", ["fox.png", "image"], [IMG, "MASK"])
    neg = w.add("CLIPTextEncode", ["blurry"], [COND], {"clip": (clip, 0, "CLIP")})
    pos1 = w.add("CLIPTextEncode", ["a fox sits in the snow"], [COND], {"clip": (clip, 0, "CLIP")})
    text = w.add("CR Text", ["the fox leaps over a log"], ["*", "STRING"])  # (Comfyroll's: gives its one setting)
    pos2 = w.add("CLIPTextEncode", [""], [COND], {"clip": (clip, 0, "CLIP"), "text": (text, 0, "STRING")})
    one = _shot(w, pos1, neg, vae, image)
    ks1 = w.add("KSampler", [11, "fixed", 20, 5.0, "euler", "simple", 1.0], [LAT], {
        "model": (model, 0, "MODEL"), "positive": (one, 0, COND), "negative": (one, 1, COND),
        "latent_image": (one, 2, LAT)})
    dec1 = w.add("VAEDecode", [], [IMG], {"samples": (ks1, 0, LAT), "vae": (vae, 0, "VAE")})
    last = w.add("GetImageRangeFromBatch", [-1, 1], [IMG, "MASK"], {"images": (dec1, 0, IMG), "masks": "MASK"})
    if elsewhere:
        kept = w.add("VAEEncode", [], [LAT], {"pixels": (image, 0, IMG), "vae": (vae, 0, "VAE")})
    else:
        kept = w.add("ZetaKeepLastLatents", [1], [LAT], {"samples": (ks1, 0, LAT)})
    two = _shot(w, pos2, neg, vae, image, last, kept)
    ks2 = w.add("KSampler", [22, "fixed", 20, 5.0, "euler", "simple", 1.0], [LAT], {
        "model": (model, 0, "MODEL"), "positive": (two, 0, COND), "negative": (two, 1, COND),
        "latent_image": (two, 2, LAT)})
    dec2 = w.add("VAEDecode", [], [IMG], {"samples": (ks2, 0, LAT), "vae": (vae, 0, "VAE")})
    keep1 = w.add("GetImageRangeFromBatch", [0, 32], [IMG, "MASK"], {"images": (dec1, 0, IMG), "masks": "MASK"})
    keep2 = w.add("GetImageRangeFromBatch", [1, 32], [IMG, "MASK"], {"images": (dec2, 0, IMG), "masks": "MASK"})
    both = w.add("ImageBatch", [], [IMG], {"image1": (keep1, 0, IMG), "image2": (keep2, 0, IMG)})  # (the seam's
    # frame once: the first shot's last frame dropped, the second's first)
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (both, 0, IMG)})
    w.add("SaveVideo", ["long", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc(), {"one": one, "two": two, "ks1": ks1, "kept": kept, "last": last, "keep1": keep1, "keep2": keep2}


def _api() -> dict:
    """The same two shots as an API file (no types saved: a linked input's type its source's declared output), the
    second's latent straight from the first's sampler."""
    def shot(pos, frames=None, latent=None):
        ins = {"positive": [pos, 0], "negative": ["5", 0], "vae": ["3", 0], "start_image": ["4", 0], "width": 480,
               "height": 832, "length": 33, "batch_size": 1}
        if frames:
            ins.update(tail_frames=[frames, 0], carry_latent=[latent, 0])
        return SHOT, ins
    nodes = {"1": ("UNETLoader", {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors", "weight_dtype": "default"}),
             "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
             "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
             "4": ("LoadImage", {"image": "fox.png"}),
             "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
             "6": ("CLIPTextEncode", {"text": "a fox sits in the snow", "clip": ["2", 0]}),
             "7": ("CLIPTextEncode", {"text": "the fox leaps over a log", "clip": ["2", 0]}),
             "8": shot("6"),
             "9": ("KSampler", {"seed": 11, "steps": 20, "cfg": 5.0, "sampler_name": "euler", "scheduler": "simple",
                                "denoise": 1.0, "model": ["1", 0], "positive": ["8", 0], "negative": ["8", 1],
                                "latent_image": ["8", 2]}),
             "10": ("VAEDecode", {"samples": ["9", 0], "vae": ["3", 0]}),
             "11": ("GetImageRangeFromBatch", {"images": ["10", 0], "start_index": -1, "num_frames": 1}),
             "12": shot("7", "11", "9"),
             "13": ("KSampler", {"seed": 22, "steps": 20, "cfg": 5.0, "sampler_name": "euler", "scheduler": "simple",
                                 "denoise": 1.0, "model": ["1", 0], "positive": ["12", 0], "negative": ["12", 1],
                                 "latent_image": ["12", 2]}),
             "14": ("VAEDecode", {"samples": ["13", 0], "vae": ["3", 0]}),
             "15": ("ImageBatch", {"image1": ["10", 0], "image2": ["14", 0]}),
             "16": ("CreateVideo", {"images": ["15", 0], "fps": 16}),
             "17": ("SaveVideo", {"video": ["16", 0], "filename_prefix": "long", "format": "auto", "codec": "auto"})}
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def _shots(conv) -> list:
    gens = _nodes(conv, "video_models.image_to_video")
    assert len(gens) == 2, _said(conv)
    return gens


def _continues(conv, first, second) -> list:
    """The second shot's start image is a Frame Hold of the first shot's video; both joined by one Concatenate, in
    order (through a Time each where the join picks their frames); the nodes it joins."""
    g = conv.graph
    hold = g.nodes[g.input_link(second.id, "image").src]
    assert hold.type_id == "edit.frame_hold" and g.input_link(hold.id, "video").src == first.id
    cat = _nodes(conv, "edit.concatenate")
    assert len(cat) == 1
    joined = [g.nodes[g.input_link(cat[0].id, p).src] for p in "ab"]
    assert [g.input_link(n.id, "video").src if n.type_id == "edit.time" else n.id for n in joined] == \
        [first.id, second.id]
    return joined


def test_a_shot_continuing_an_earlier_shots_latent_is_a_later_segment_with_its_own_prompt_and_seed():
    doc, ids = _ui()
    conv = convert(doc)
    first, second = _shots(conv)
    assert (first.params["prompt"], first.params["seed"]) == ("a fox sits in the snow", 11)
    assert (second.params["prompt"], second.params["seed"]) == ("the fox leaps over a log", 22)
    trims = _continues(conv, first, second)
    assert [(n.type_id, n.params["start"], n.params["length"]) for n in trims] == [("edit.time", 0, 32),
                                                                                   ("edit.time", 1, 32)]
    said = _said(conv)
    assert (f"take 2 keeps its frames 1 to 32 in the join, as 'GetImageRangeFromBatch' (GetImageRangeFromBatch, "
            f"#{ids['keep2']}) picks them: Time's trim") in said and "not trimmed" not in said
    assert (f"'{SHOT}' ({SHOT}, #{ids['two']}) continues the take of 'KSampler' (KSampler, #{ids['ks1']}) (its "
            f"'carry_latent' is that take's latent, through 'ZetaKeepLastLatents' (ZetaKeepLastLatents, "
            f"#{ids['kept']}); its 'tail_frames' frames picked from that take)") in said
    assert "its 'start_image' (from 'LoadImage' (LoadImage, #4)) is not taken" in said
    assert str(ids["kept"]) not in conv.dropped  # the latent's way is read with the shot, said there


def test_an_api_shot_continuing_an_earlier_sampler_is_read_the_same():
    conv = convert(_api())
    first, second = _shots(conv)
    assert (second.params["prompt"], second.params["seed"]) == ("the fox leaps over a log", 22)
    _continues(conv, first, second)
    assert f"'{SHOT}' ({SHOT}, #12) continues the take of 'KSampler' (KSampler, #9) (its 'carry_latent'" in _said(conv)


def test_a_latent_from_elsewhere_is_no_continuation_and_the_type_is_read_as_the_task_node_nowhere():
    doc, ids = _ui(elsewhere=True)
    wf = Workflow.read(doc)
    said = uncatalogued_twins.translate(wf)
    assert said == [] and wf.nodes[str(ids["two"])].cls == wf.nodes[str(ids["one"])].cls == SHOT
    assert "continues the take" not in _said(convert(_ui(elsewhere=True)[0]))


def _shown_on_the_way() -> dict:
    """A take decoded and passed through Easy-Use's 'easy showAnything' (a display passing on what it is given, the
    text it last showed saved as its setting) on its way to the save: IAMCCS's SVI Pro workflow has one so."""
    w = UI()
    model = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    pos = w.add("CLIPTextEncode", ["a fox sits in the snow"], [COND], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], [COND], {"clip": (clip, 0, "CLIP")})
    empty = w.add("EmptyHunyuanLatentVideo", [480, 832, 33, 1], [LAT])
    ks = w.add("KSampler", [11, "fixed", 20, 5.0, "euler", "simple", 1.0], [LAT], {
        "model": (model, 0, "MODEL"), "positive": (pos, 0, COND), "negative": (neg, 0, COND),
        "latent_image": (empty, 0, LAT)})
    dec = w.add("VAEDecode", [], [IMG], {"samples": (ks, 0, LAT), "vae": (vae, 0, "VAE")})
    shown = w.add("easy showAnything", ["Subject: her hair lifts slightly as the breeze stirs"], ["*"],
                  {"anything": (dec, 0, "*")})
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (shown, 0, IMG)})
    w.add("SaveVideo", ["fox", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def test_a_display_passing_its_input_on_is_not_taken_as_the_node_making_the_video():
    """A display node's saved text made it 'a video made by easy showAnything' (held, a false sentence)."""
    conv = convert(_shown_on_the_way())
    assert len(_nodes(conv, "video_models.text_to_video")) == 1, _said(conv)
    assert "a video made by easy showAnything" not in _said(conv)
