"""Mends from the sixty-seventh held-out set (workflows shared outside apps: packs' examples in forks, a ComfyUI
fork's blueprints, a research repository): each test builds a minimal workflow from node types, values and links
(no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.builders import wan_vace
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_vace_module import _vace_graph

LTX = "ltx-2.3-22b-dev.safetensors"


def _ltx2_multimodal(audio_cfg: float = 7.0) -> dict:
    """LTX-2.3 text to video with sound sampled by SamplerCustomAdvanced under ComfyUI-LTXVideo's MultimodalGuider,
    its 'parameters' a chain of two GuiderParameters: VIDEO (cfg 3, #21) given on to AUDIO (cfg ``audio_cfg``, #20)."""
    rest = {"stg": 1, "perturb_attn": True, "modality_scale": 3, "skip_step": 0, "cross_attn": True}
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": LTX}),
        "2": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma_3_12B_it.safetensors", "ckpt_name": LTX,
                                         "device": "default"}),
        "3": ("CLIPTextEncode", {"text": "a tea ceremony in a tatami room", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "cartoon", "clip": ["2", 0]}),
        "5": ("EmptyLTXVLatentVideo", {"width": 960, "height": 544, "length": 121, "batch_size": 1}),
        "8": ("LTXVAudioVAELoader", {"ckpt_name": LTX}),
        "9": ("LTXVEmptyLatentAudio", {"audio_vae": ["8", 0], "frames_number": 121, "frame_rate": 24,
                                       "batch_size": 1}),
        "10": ("LTXVConcatAVLatent", {"video_latent": ["5", 0], "audio_latent": ["9", 0]}),
        "11": ("LTXVConditioning", {"positive": ["3", 0], "negative": ["4", 0], "frame_rate": 24}),
        "20": ("GuiderParameters", {"modality": "AUDIO", "cfg": audio_cfg, "rescale": 0.7, **rest}),
        "21": ("GuiderParameters", {"modality": "VIDEO", "cfg": 3.0, "rescale": 0.9, **rest, "parameters": ["20", 0]}),
        "22": ("MultimodalGuider", {"model": ["1", 0], "positive": ["11", 0], "negative": ["11", 1],
                                    "parameters": ["21", 0], "skip_blocks": "28"}),
        "23": ("RandomNoise", {"noise_seed": 42}),
        "24": ("KSamplerSelect", {"sampler_name": "euler"}),
        "25": ("LTXVScheduler", {"steps": 15, "max_shift": 2.05, "base_shift": 0.95, "stretch": True, "terminal": 0.1,
                                 "latent": ["10", 0]}),
        "26": ("SamplerCustomAdvanced", {"noise": ["23", 0], "guider": ["22", 0], "sampler": ["24", 0],
                                         "sigmas": ["25", 0], "latent_image": ["10", 0]}),
        "13": ("LTXVSeparateAVLatent", {"av_latent": ["26", 0]}),
        "14": ("VAEDecode", {"samples": ["13", 0], "vae": ["1", 2]}),
        "15": ("LTXVAudioVAEDecode", {"samples": ["13", 1], "audio_vae": ["8", 0]}),
        "16": ("CreateVideo", {"images": ["14", 0], "audio": ["15", 0], "fps": 24}),
        "17": ("SaveVideo", {"video": ["16", 0], "filename_prefix": "tea", "format": "auto", "codec": "auto"}),
    })


def test_a_multimodal_guiders_per_modality_cfgs_are_the_guidance_and_the_sounds_guidance():
    """02 (LTX-2.3 T2V, branch F): MultimodalGuider was said to "set its guidance per step" and the generator's
    own 5.0 stood; its GuiderParameters chain gives one cfg per modality: VIDEO's is the generator's guidance,
    AUDIO's its 'audio_guidance', the chain's STG / rescale settings said not taken."""
    conv = convert(_ltx2_multimodal(), "tea.json")
    (gen,) = nodes_of(conv, "video_models.ltx2")
    assert (gen.params["guidance"], gen.params["audio_guidance"]) == (3.0, 7.0)
    text = said(conv)
    assert "per step" not in text
    assert "'MultimodalGuider' (MultimodalGuider, #22): the VIDEO cfg 3 of its 'parameters' is the generator's " \
           "guidance, the AUDIO cfg 7 its 'audio_guidance'" in text
    assert "'GuiderParameters' (GuiderParameters, #21) (VIDEO): its stg 1, perturb_attn True, rescale 0.9, " \
           "modality_scale 3, skip_step 0, cross_attn True not taken" in text
    assert "(GuiderParameters, #20) (AUDIO): its stg 1" in text and "its skip_blocks 28 not taken" in text
    assert "settings Studio's nodes do not take" not in text  # (the chain read, not passed over as unread)
    same = convert(_ltx2_multimodal(audio_cfg=3.0), "tea.json")  # one cfg for both: no audio_guidance of its own
    assert nodes_of(same, "video_models.ltx2")[0].params["audio_guidance"] == 0.0


def test_an_extra_module_named_as_no_vace_module_is_not_said_to_want_a_vace_model():
    """05 (Wan 2.1 T2V + Lynx): WanVideoExtraModelSelect's chained Lynx layers were said not read with "point Load
    Video Model at a Wan VACE model" (false: they are Lynx's layers; a VACE model makes another take). The wrapper
    types every extra module VACEPATH, so only a file name saying VACE keeps that advice."""
    lynx = "WanVideo\\lynx\\Wan2_1-T2V-Lynx_full_ref_layers_fp16.safetensors"
    conv, sel, model = _vace_graph(module=lynx, chained=True)
    text = said(conv)
    assert "point Load Video Model at a Wan VACE model" not in text
    assert f"'{lynx}', 'other_module.safetensors' name no VACE module, so what they add to the model is not made" \
        in text
    gguf, _, _ = _vace_graph(module="Wan2_1-VACE_module_14B_Q8_0.gguf")  # a VACE module Studio cannot merge here
    assert "('vace_module'): point Load Video Model at a Wan VACE model" in said(gguf)


def _fun_control_ref(made: bool) -> dict:
    """Wan 2.2 Fun Control from a clip at the clip's size (GetImageSize), its 'ref_image' given by a node no pack
    declares ('PickOne') from a picture a Flux pass samples (``made``) or from a loaded picture."""
    picture = {
        "30": ("CheckpointLoaderSimple", {"ckpt_name": "flux1-dev-fp8.safetensors"}),
        "31": ("CLIPTextEncode", {"clip": ["30", 1], "text": "a rainy street, photoreal"}),
        "32": ("EmptySD3LatentImage", {"width": 1024, "height": 576, "batch_size": 1}),
        "33": ("KSampler", {"model": ["30", 0], "positive": ["31", 0], "negative": ["31", 0], "latent_image": ["32", 0],
                            "seed": 3, "steps": 20, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1.0}),
        "34": ("VAEDecode", {"samples": ["33", 0], "vae": ["30", 2]}),
    } if made else {"34": ("LoadImage", {"image": "street.png"})}
    return api({
        **picture,
        "35": ("PickOne", {"images": ["34", 0]}),
        "1": ("UNETLoader", {"unet_name": "Wan2.2-Fun-A14B-Control_HighNoise.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"clip": ["2", 0], "text": "a rainy street"}),
        "5": ("CLIPTextEncode", {"clip": ["2", 0], "text": ""}),
        "6": ("LoadVideo", {"file": "town.mp4"}),
        "7": ("GetVideoComponents", {"video": ["6", 0]}),
        "12": ("Wan22FunControlToVideo", {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                          "ref_image": ["35", 0], "control_video": ["7", 0], "width": ["36", 0],
                                          "height": ["36", 1], "length": 81, "batch_size": 1}),
        "36": ("GetImageSize", {"image": ["7", 0]}),  # (the clip's size: an 'image' input no sampler feeds)
        "13": ("KSampler", {"model": ["1", 0], "positive": ["12", 0], "negative": ["12", 1], "latent_image": ["12", 2],
                            "seed": 1, "steps": 4, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1.0}),
        "15": ("VAEDecode", {"samples": ["13", 0], "vae": ["3", 0]}),
        "16": ("CreateVideo", {"images": ["15", 0], "fps": 16}),
        "17": ("SaveVideo", {"video": ["16", 0], "filename_prefix": "video/x", "format": "auto", "codec": "auto"}),
    })


def test_a_held_start_picture_a_pass_samples_is_not_said_sampled_by_none():
    """09 (Flux Kontext restyle -> Wan 2.2 Fun Control): the start picture reaching 'ref_image' through a node
    Studio does not know was said given by nodes "none of them samples it", though a Flux pass samples it. The
    picture inputs asked are every wired IMAGE input named as a picture, not 'image' alone."""
    text = said(convert(_fun_control_ref(made=True), "restyle.json"))
    assert "none of them samples it" not in text
    assert "make the start image the workflow generates first (with ComfyUI nodes it does not convert)" in text
    loaded = said(convert(_fun_control_ref(made=False), "restyle.json"))  # a loaded picture: as before
    assert "generates first" not in loaded


def test_another_packs_depth_estimator_on_a_control_clips_way_is_made_by_studios_depth_nodes():
    """01 (LTX-2.3 union-control IC-LoRA): DepthCrafter (ComfyUI-DepthCrafter-Nodes) between the clip and the
    control was passed over ("the file is wired without those steps"): the control was the clip itself. Told a
    depth estimator by its declared types (one picture in, pictures out, a model, its words), it is made by
    Studio's Depth as the controlnet_aux ones are; its own settings and its downloader's said."""
    wf = api(wan_vace(["9", 0], more={
        "8": ("DownloadAndLoadDepthCrafterModel", {"enable_model_cpu_offload": True,
                                                   "enable_sequential_cpu_offload": False}),
        "9": ("DepthCrafter", {"depthcrafter_model": ["8", 0], "images": ["7", 0], "force_size": True,
                               "num_inference_steps": 5, "guidance_scale": 1.0, "window_size": 110, "overlap": 25})}))
    conv = convert(wf, "depth.json")
    (depth,) = nodes_of(conv, "preprocess.depth")
    (gen,) = nodes_of(conv, "video_models.wan_vace")
    assert conv.graph.input_link(gen.id, "video").src == depth.id
    text = said(conv)
    assert "made by Studio's depth nodes for DepthCrafter (#9)" in text
    assert "'DownloadAndLoadDepthCrafterModel' (DownloadAndLoadDepthCrafterModel, #8) gives 'DepthCrafter' (#9)'s " \
           "'depthcrafter_model' settings Studio's nodes do not take: not applied (its settings: " \
           "enable_model_cpu_offload True, enable_sequential_cpu_offload False)" in text
    assert "'DepthCrafter' (#9)'s force_size True, num_inference_steps 5, guidance_scale 1.0, window_size 110, " \
           "overlap 25: not taken, Studio's Depth has no such settings" in text
    assert "wired without" not in text


def _vace_filled(invert: bool = True, source_of_mask: bool = True) -> dict:
    """Core Wan VACE on 'street.mp4' whose control clip is ImageCompositeMasked (#11) of the clip under the mask of
    'hole.png' (#8's MASK), its 'source' MaskToImage (#10) of that mask (inverted by #9 where ``invert``), or a loaded
    picture; the same mask as WanVaceToVideo's control_masks."""
    more = {"8": ("LoadImage", {"image": "hole.png"}),
            "9": ("InvertMask", {"mask": ["8", 1]}),
            "10": ("MaskToImage", {"mask": ["9", 0] if invert else ["8", 1]}) if source_of_mask else
            ("LoadImage", {"image": "grey.png"}),
            "11": ("ImageCompositeMasked", {"destination": ["7", 0], "source": ["10", 0], "mask": ["8", 1], "x": 0,
                                            "y": 0, "resize_source": True})}
    return api(wan_vace(["11", 0], masks=["8", 1], more=more))


def test_a_control_clip_filled_under_the_vace_mask_is_the_inpaint_task_with_its_fill():
    """10 (ComfyUI's 'Video Inpaint (Wan2.1 VACE)' blueprint): the clip's masked area blacked (ImageCompositeMasked of
    the inverted mask's picture) before WanVaceToVideo was said "wired without those steps": Wan VACE saw the masked
    area's own pixels. Read by declared types, the fill is Wan VACE's own: task 'inpaint', 'fill' black (white for the
    mask's own picture); a composite of another picture is left as before."""
    conv = convert(_vace_filled(), "inpaint.json")
    (gen,) = nodes_of(conv, "video_models.wan_vace")
    assert (gen.params["task"], gen.params["fill"]) == ("inpaint", "black")
    text = said(conv)
    assert "'control_video' of 'WanVaceToVideo' is the clip with its mask's area filled black by 'ImageCompositeMasked' " \
           "(ImageCompositeMasked, #11) (its 'source' a picture of the mask): Wan VACE's task 'inpaint' with 'fill' " \
           "black fills it so" in text
    assert "wired without" not in text.split("'control_masks'")[0] and "InvertMask" not in text
    white = convert(_vace_filled(invert=False), "inpaint.json")
    assert nodes_of(white, "video_models.wan_vace")[0].params["fill"] == "white"
    other = convert(_vace_filled(source_of_mask=False), "inpaint.json")
    assert nodes_of(other, "video_models.wan_vace")[0].params["fill"] == "none"
    assert "the file is wired without" in said(other)
