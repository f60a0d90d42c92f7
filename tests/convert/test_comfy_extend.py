"""Issue 99, item 2: a chain of segments, each extending the one before from its last frame with its own prompt,
seed and LoRAs, joined in order into one output (a workflow of our own: Wan 2.1 image to video, API JSON), becomes
one Image to Video per segment, each after the first starting from a Frame Hold of the take before, joined in
order by Concatenate into one Save Video; never N copies of segment 1, nor one take with the rest said as
'second passes'."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert

WAN = {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                    "weight_dtype": "default"}},
       "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan",
                                                    "device": "default"}},
       "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
       "4": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "clip_vision_h.safetensors"}},
       "5": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
       "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}}}


def _chain(n: int, index) -> dict:
    """``n`` segments of 33 frames; segment k's start image is frame ``index`` of segment k-1's decoded frames
    (ImageFromBatch); segment 2 runs through a LoRA of its own; the frames joined by ImageBatch in order."""
    d, image, frames = {k: dict(v) for k, v in WAN.items()}, ["5", 0], []
    d["50"] = {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": "second.safetensors", "strength_model": 0.6,
                                                               "model": ["1", 0]}}
    for k in range(1, n + 1):
        b = 100 * k
        d.update({
            f"{b}": {"class_type": "CLIPTextEncode", "inputs": {"text": f"segment {k}", "clip": ["2", 0]}},
            f"{b + 1}": {"class_type": "CLIPVisionEncode", "inputs": {"crop": "none", "clip_vision": ["4", 0],
                                                                      "image": image}},
            f"{b + 2}": {"class_type": "WanImageToVideo", "inputs": {
                "width": 832, "height": 480, "length": 33, "batch_size": 1, "positive": [f"{b}", 0],
                "negative": ["7", 0], "vae": ["3", 0], "clip_vision_output": [f"{b + 1}", 0], "start_image": image}},
            f"{b + 3}": {"class_type": "KSampler", "inputs": {
                "seed": k, "steps": 20, "cfg": 5.0, "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0,
                "model": ["50", 0] if k == 2 else ["1", 0], "positive": [f"{b + 2}", 0], "negative": [f"{b + 2}", 1],
                "latent_image": [f"{b + 2}", 2]}},
            f"{b + 4}": {"class_type": "VAEDecode", "inputs": {"samples": [f"{b + 3}", 0], "vae": ["3", 0]}},
            f"{b + 5}": {"class_type": "ImageFromBatch", "inputs": {"image": [f"{b + 4}", 0], "batch_index": index,
                                                                    "length": 1}}})
        frames.append([f"{b + 4}", 0])
        image = [f"{b + 5}", 0]
    return _joined(d, frames)


def _joined(d: dict, frames: list) -> dict:
    """``d`` with its takes' ``frames`` joined in order by ImageBatch into CreateVideo -> SaveVideo."""
    joined = frames[0]
    for k, f in enumerate(frames[1:], 1):
        d[f"90{k}"] = {"class_type": "ImageBatch", "inputs": {"image1": joined, "image2": f}}
        joined = [f"90{k}", 0]
    d["98"] = {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": joined}}
    d["99"] = {"class_type": "SaveVideo", "inputs": {"filename_prefix": "ext", "format": "auto", "codec": "auto",
                                                     "video": ["98", 0]}}
    return d


@pytest.mark.parametrize("index", [32, -1, 4095], ids=["frame_32", "last_frame", "past_the_end"])
def test_an_extension_chain_becomes_a_generator_per_segment_joined_in_order(index):
    conv = convert(_chain(3, index), "extend")
    g = conv.graph
    assert g.validate() == []
    gens = {n.params["prompt"]: n for n in g.nodes.values() if n.type_id == "video_models.image_to_video"}
    assert sorted(gens) == ["segment 1", "segment 2", "segment 3"]
    assert [gens[f"segment {k}"].params["seed"] for k in (1, 2, 3)] == [1, 2, 3]

    def source(node_id, port):
        link = g.input_link(node_id, port)
        return g.nodes[link.src]
    assert source(gens["segment 1"].id, "image").params["path"] == "start.png"
    for k in (2, 3):  # each later take starts from the last frame (32 of 33) of the take before
        hold = source(gens[f"segment {k}"].id, "image")
        assert hold.type_id == "edit.frame_hold" and hold.params["frame"] == 32
        assert g.input_link(hold.id, "video").src == gens[f"segment {k - 1}"].id
    cat = next(n for n in g.nodes.values() if n.type_id == "edit.concatenate")
    assert [source(cat.id, p).params["prompt"] for p in "abc"] == ["segment 1", "segment 2", "segment 3"]
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    assert g.input_link(save.id, "video").src == cat.id
    loras = [n for n in g.nodes.values() if n.type_id == "video_models.lora"]  # segment 2's own LoRA, on its take
    assert [(n.params["lora"], n.params["strength"]) for n in loras] == [("second.safetensors", 0.6)]
    assert g.nodes[next(l.dst for l in g.links if l.src == loras[0].id)].params["prompt"] == "segment 2"
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert "take 2 starts from frame 32 of take 1's video" in notes and "second pass" not in notes
    # the ImageBatch nodes joining the takes are Concatenate's: not listed among the nodes not converted
    assert not [line for line in conv.log if "not converted" in line and "ImageBatch" in line]


def test_an_upscale_after_the_takes_are_joined_is_made_after_the_concatenation():
    """The joined frames upscaled by a learned upscaler before the save: Concatenate -> Upscale Video -> Save Video
    (ImageBatch, where the takes meet, is Concatenate's: not said as a step Studio does not convert)."""
    d = _chain(2, 32)
    d["95"] = {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "4x_esrgan.safetensors"}}
    d["96"] = {"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["95", 0], "image": ["901", 0]}}
    d["98"]["inputs"]["images"] = ["96", 0]
    conv = convert(d, "joined_upscale")
    g = conv.graph
    assert g.validate() == []
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    up = g.nodes[g.input_link(save.id, "video").src]
    assert up.type_id == "finishing.upscale" and up.params["model"] == "4x_esrgan.safetensors"
    assert g.nodes[g.input_link(up.id, "video").src].type_id == "edit.concatenate"
    assert "ImageBatch" not in "\n".join(n["text"] for n in g.ui["notes"] if n["text"].startswith("Converted"))


def test_segments_started_from_several_frames_are_a_generator_each_from_the_last_of_them_said():
    """Each segment starts from the last 5 frames of the one before (KJNodes' GetImageRangeFromBatch): still one
    Image to Video per segment, joined in order, each later one from the last of those frames (a Frame Hold of the
    take before), and one sentence each saying the other 4 frames' motion is not carried; never the first take alone
    nor 'a second pass' of it."""
    d = _chain(3, 32)
    for k in (105, 205, 305):
        d[str(k)] = {"class_type": "GetImageRangeFromBatch", "inputs": {"images": d[str(k)]["inputs"]["image"],
                                                                         "start_index": 28, "num_frames": 5}}
    conv = convert(d, "several_frames")
    g = conv.graph
    gens = {n.params["prompt"]: n for n in g.nodes.values() if n.type_id == "video_models.image_to_video"}
    assert sorted(gens) == ["segment 1", "segment 2", "segment 3"] and g.validate() == []
    for k in (2, 3):
        hold = g.nodes[g.input_link(gens[f"segment {k}"].id, "image").src]
        assert hold.type_id == "edit.frame_hold" and hold.params["frame"] == 32
        assert g.input_link(hold.id, "video").src == gens[f"segment {k - 1}"].id
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert "take 3 starts from 5 frames (28-32) of take 2's video (ComfyUI's GetImageRangeFromBatch, #205) in " \
           "ComfyUI; Studio's generator starts from one picture: Frame Hold gives it the last of them (frame 32), " \
           "the motion of the 4 before it is not carried" in notes
    assert "a second pass" not in notes and "another take" not in notes


VACE = {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_vace_14B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": WAN["2"], "3": WAN["3"], "7": WAN["7"],
        "5": {"class_type": "LoadImage", "inputs": {"image": "character.png"}}}


def _vace_chain(n: int, kept: int) -> dict:
    """``n`` Wan VACE segments of 33 frames (API JSON, as ComfyUI's VACE extension workflows wire them): the first
    from a reference image; each later one's control clip the last ``kept`` frames of the one before (ImageFromBatch)
    padded with grey frames (ImageBatch of an EmptyImage), its masks made by ComfyUI's mask nodes; the latent's
    trim applied after each sampler; the frames joined by ImageBatch in order."""
    d, frames = {k: dict(v) for k, v in VACE.items()}, []
    for k in range(1, n + 1):
        b = 100 * k
        vace = {"width": 832, "height": 480, "length": 33, "batch_size": 1, "strength": 1.0,
                "positive": [f"{b}", 0], "negative": ["7", 0], "vae": ["3", 0]}
        if k == 1:
            vace["reference_image"] = ["5", 0]
        else:
            prev = f"{b - 100 + 4}"
            d.update({
                f"{b + 10}": {"class_type": "ImageFromBatch", "inputs": {"image": [prev, 0], "batch_index": 33 - kept,
                                                                         "length": kept}},
                f"{b + 11}": {"class_type": "EmptyImage", "inputs": {"width": 832, "height": 480,
                                                                     "batch_size": 33 - kept, "color": 8421504}},
                f"{b + 12}": {"class_type": "ImageBatch", "inputs": {"image1": [f"{b + 10}", 0],
                                                                     "image2": [f"{b + 11}", 0]}},
                f"{b + 13}": {"class_type": "SolidMask", "inputs": {"value": 0.0, "width": 832, "height": 480}},
                f"{b + 14}": {"class_type": "RepeatMask", "inputs": {"mask": [f"{b + 13}", 0], "amount": kept}}})
            vace.update(control_video=[f"{b + 12}", 0], control_masks=[f"{b + 14}", 0])
        d.update({
            f"{b}": {"class_type": "CLIPTextEncode", "inputs": {"text": f"segment {k}", "clip": ["2", 0]}},
            f"{b + 2}": {"class_type": "WanVaceToVideo", "inputs": vace},
            f"{b + 3}": {"class_type": "KSampler", "inputs": {
                "seed": k, "steps": 20, "cfg": 5.0, "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0,
                "model": ["1", 0], "positive": [f"{b + 2}", 0], "negative": [f"{b + 2}", 1],
                "latent_image": [f"{b + 2}", 2]}},
            f"{b + 5}": {"class_type": "TrimVideoLatent", "inputs": {"samples": [f"{b + 3}", 0],
                                                                     "trim_amount": [f"{b + 2}", 3]}},
            f"{b + 4}": {"class_type": "VAEDecode", "inputs": {"samples": [f"{b + 5}", 0], "vae": ["3", 0]}}})
        frames.append([f"{b + 4}", 0])
    return _joined(d, frames)


def test_a_wan_vace_extension_chain_extends_the_last_frames_of_each_take_in_order():
    """Wan VACE segments each extending the last 8 frames of the one before: a Wan VACE generator per segment (its
    prompt and seed), each later one on the 'extend' preset with Time (trim) giving it frames 25-32 of the take
    before and 25 new frames after them (33 less the 8 kept), joined in order by Concatenate; never one take with
    the others said, nor a control clip read as a pose or depth video."""
    conv = convert(_vace_chain(3, 8), "vace_extend")
    g = conv.graph
    assert g.validate() == []
    gens = {n.params["prompt"]: n for n in g.nodes.values() if n.type_id == "video_models.wan_vace"}
    assert sorted(gens) == ["segment 1", "segment 2", "segment 3"]
    assert [gens[f"segment {k}"].params["seed"] for k in (1, 2, 3)] == [1, 2, 3]
    assert gens["segment 1"].params["task"] != "extend"
    for k in (2, 3):
        gen = gens[f"segment {k}"]
        assert (gen.params["task"], gen.params["extend"]) == ("extend", 25)
        trim = g.nodes[g.input_link(gen.id, "video").src]
        assert trim.type_id == "edit.time" and (trim.params["mode"], trim.params["start"], trim.params["length"]) == \
            ("trim", 25, 8)
        assert g.input_link(trim.id, "video").src == gens[f"segment {k - 1}"].id
        assert g.input_link(gen.id, "mask") is None  # the preset's own mask
    cat = next(n for n in g.nodes.values() if n.type_id == "edit.concatenate")
    assert [g.nodes[g.input_link(cat.id, p).src].params["prompt"] for p in "abc"] == [f"segment {k}" for k in (1, 2, 3)]
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert "take 2 extends frames 25-32 of take 1's video (ComfyUI's ImageFromBatch, #210): Time (trim) gives them " \
           "as Wan VACE's video, its 'extend' preset keeping them" in notes
    assert "a second pass" not in notes and "another take" not in notes


def test_a_vace_take_extending_the_frames_a_videohelpersuite_split_leaves_after_its_index():
    """VideoHelperSuite's Split Images (its second output: the frames from split_index on) gives the frames kept: the
    take extends frames 21-32 (12 of them) of the take before, its new frames 33 less 12."""
    d = _vace_chain(2, 8)
    d["210"] = {"class_type": "VHS_SplitImages", "inputs": {"images": ["104", 0], "split_index": 21}}
    d["212"]["inputs"]["image1"] = ["210", 1]
    g = convert(d, "vace_split").graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.wan_vace" and n.params["prompt"] == "segment 2")
    trim = g.nodes[g.input_link(gen.id, "video").src]
    assert (trim.params["start"], trim.params["length"], gen.params["extend"]) == (21, 12, 21)


def test_a_colour_match_on_the_way_to_the_next_start_image_is_read_through_and_said():
    """KJNodes' ColorMatch between the picked frame and the next segment's start image (its colour matched to the
    first start image): still a generator per segment from a Frame Hold, the match said as not applied; never the
    second segment read as 'a second pass' of the first."""
    d = _chain(2, 32)
    d["106"] = {"class_type": "ColorMatch", "inputs": {"image_ref": ["5", 0], "image_target": ["105", 0],
                                                       "method": "mkl"}}
    d["201"]["inputs"]["image"] = d["202"]["inputs"]["start_image"] = ["106", 0]
    conv = convert(d, "colour_matched")
    g = conv.graph
    gens = {n.params["prompt"]: n for n in g.nodes.values() if n.type_id == "video_models.image_to_video"}
    assert sorted(gens) == ["segment 1", "segment 2"]
    assert g.nodes[g.input_link(gens["segment 2"].id, "image").src].type_id == "edit.frame_hold"
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert "ComfyUI's ColorMatch (#106) matching their colour to another picture on the way is not applied" in notes
    assert "a second pass" not in notes


def test_a_segment_started_from_frames_through_a_node_studio_does_not_read_is_said_as_another_take():
    """The picked frame reaches the next segment's start image through a pack's filter Studio does not read: the
    first take is made and the second said as another take started from frames of the first, never as 'a second
    pass' of it."""
    d = _chain(2, 32)
    d["106"] = {"class_type": "SomePackFilter", "inputs": {"image": ["105", 0], "amount": 0.5}}
    d["201"]["inputs"]["image"] = d["202"]["inputs"]["start_image"] = ["106", 0]
    notes = "\n".join(n["text"] for n in convert(d, "unread_filter").graph.ui["notes"])
    assert "another take: 'KSampler' (KSampler, #203) samples a segment of its own (20 steps, cfg 5.0), started " \
           "from frames of the take of 'KSampler' (KSampler, #103) through nodes Studio does not read" in notes
    assert "a second pass" not in notes


def _i2v_chain(join: bool) -> dict:
    """Three Wan 2.1 image-to-video segments, each starting from frame 80 of the one before (ImageFromBatch of its
    decoded frames), each its own prompt and seed; saved each on its own (``join`` False) or joined by ImageBatch."""
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_i2v_480p_14B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    src, decs = (w.add("LoadImage", ["start.png", "image"], ["IMAGE", "MASK"]), 0), []
    for k in range(3):
        pos = w.add("CLIPTextEncode", [f"segment {k}"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
        neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
        i2v = w.add("WanImageToVideo", [832, 480, 81, 1], ["CONDITIONING", "CONDITIONING", "LATENT"],
                    {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"), "vae": (vae, 0, "VAE"),
                     "start_image": (*src, "IMAGE")})
        ks = w.add("KSampler", [k + 1, "fixed", 20, 5.0, "uni_pc", "simple", 1.0], ["LATENT"],
                   {"model": (unet, 0, "MODEL"), "positive": (i2v, 0, "CONDITIONING"),
                    "negative": (i2v, 1, "CONDITIONING"), "latent_image": (i2v, 2, "LATENT")})
        decs.append(w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")}))
        src = (w.add("ImageFromBatch", [80, 1], ["IMAGE"], {"image": (decs[-1], 0, "IMAGE")}), 0)
        if not join:
            cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (decs[-1], 0, "IMAGE")})
            w.add("SaveVideo", [f"seg{k}", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    if join:
        b1 = w.add("ImageBatch", [], ["IMAGE"], {"image1": (decs[0], 0, "IMAGE"), "image2": (decs[1], 0, "IMAGE")})
        b2 = w.add("ImageBatch", [], ["IMAGE"], {"image1": (b1, 0, "IMAGE"), "image2": (decs[2], 0, "IMAGE")})
        cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (b2, 0, "IMAGE")})
        w.add("SaveVideo", ["joined", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def test_an_extend_chain_saved_segment_by_segment_continues_never_held_nor_copies():
    """Issue 112: each segment saved on its own, each starting from the one before's frame 80: a generator each with
    its own prompt and seed, each later one's start image a Frame Hold of the earlier generator's video (was: the
    later two held with a false sentence, 'cannot make the start image the workflow generates first')."""
    for join in (False, True):
        conv = convert(_i2v_chain(join), "chain")
        g = conv.graph
        assert g.validate() == []
        gens = [n for n in g.nodes.values() if n.type_id == "video_models.image_to_video"]
        assert [(n.params["prompt"], n.params["seed"]) for n in gens] == [(f"segment {k}", k + 1) for k in range(3)]
        for earlier, later in zip(gens, gens[1:]):
            hold = g.nodes[g.input_link(later.id, "image").src]
            assert hold.type_id == "edit.frame_hold" and hold.params["frame"] == 80
            assert g.input_link(hold.id, "video").src == earlier.id
        said = "\n".join(conv.log + [n["text"] for n in g.ui["notes"]])
        assert "This workflow makes" not in said
        assert ("starts from frame 80 of the take of 'SaveVideo' (#" if not join else "take 2 starts from frame 80 of "
                "take 1's video") in said
