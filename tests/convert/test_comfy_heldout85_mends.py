"""Issue 112, heldout85's mends (fresh set judged on main 89e92b46): each test builds its workflow from node types,
values and links and fails without its mend.

1. An API file keeping an 'Anything Everywhere' node with what it broadcasts wired in, and nodes lacking a socket
   their type requires, of that type (85/11: two CLIPTextEncode nodes with no 'clip', the DualCLIPLoader feeding only
   the broadcaster): the loader was said to "reach no output ... so nothing of it is lost" and the prompts' text
   encoder (and the VAE told by it) left off Load Video Model. Now read as wired from the broadcast, and said.
2. A held pack sampler whose model comes from a loader of a type no pack declares (85/07: a fork's renamed
   'WanVideoModelLoader_jc' naming 'WanVideo\\SCAIL2_14B_bf16.safetensors') was said to be made "with an unrecognised
   model" by "a sampler it has no counterpart for": the family its file names, the file and the loader are said, and
   the sampler's type is said to be declared by no pack.
3. Nothing made though a sampler Studio knows samples the take (85/06: SamplerCustomAdvanced given its conditioning
   and latent by a worker's own node, its take written by another): "no video output with a sampler found" named the
   references and the plan nodes as maybe the sampler. Now the sampler is named with the undeclared nodes on its
   ways."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui


def _broadcast_api(two: bool = False) -> dict:
    nodes = {
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a lighthouse in fog"}),  # its clip left to the broadcast
        "5": ("CLIPTextEncode", {"text": "blurry"}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "7": ("KSampler", {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0], "latent_image": ["6", 0],
                           "seed": 3, "steps": 20, "cfg": 5.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1.0}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "9": ("SaveAnimatedWEBP", {"images": ["8", 0], "filename_prefix": "fog", "fps": 16.0, "lossless": False,
                                   "quality": 90, "method": "default"}),
        "20": ("Anything Everywhere", {"anything": ["2", 0]}),
    }
    if two:  # a second CLIP loader broadcast too: which reaches the prompts is not known from an API file
        nodes["21"] = ("CLIPLoader", {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"})
        nodes["22"] = ("Anything Everywhere", {"anything": ["21", 0]})
    return api(nodes)


def test_an_api_files_broadcast_fills_the_required_sockets_its_nodes_lack():
    conv = convert(_broadcast_api(), "broadcast_api")
    load = nodes_of(conv, "video_models.load")[0].params
    assert load["text_encoder"] == "umt5_xxl_fp8_e4m3fn_scaled.safetensors"
    gen = next(n for n in conv.graph.nodes.values() if "prompt" in n.params)
    assert gen.params["prompt"] == "a lighthouse in fog" and gen.params["negative_prompt"] == "blurry"
    text = said(conv)
    assert ("'Anything Everywhere' (Anything Everywhere, #20) broadcasts what 'CLIPLoader' (CLIPLoader, #2) gives "
            "(CLIP) to every input of its type left unwired; this API file leaves 'CLIPTextEncode' (#4)'s 'clip', "
            "'CLIPTextEncode' (#5)'s 'clip' unwired") in text
    assert "read as wired from 'CLIPLoader' (CLIPLoader, #2)" in text
    assert "nothing of it is lost" not in text


def test_two_broadcasts_of_one_type_leave_the_socket_unwired_and_say_so():
    conv = convert(_broadcast_api(two=True), "broadcast_api_two")
    text = said(conv)
    assert ("'CLIPTextEncode' (#4)'s 'clip', 'CLIPTextEncode' (#5)'s 'clip', each required by its node's type, left "
            "unwired in this API file: 2 broadcasts of CLIP could reach it") in text
    assert "read as wired from" not in text


def _renamed_wrapper(model_file: str) -> dict:
    """A fork's renamed WanVideoWrapper nodes ('_x': no pack declares them) sampling a take from a model file."""
    return ui([
        (1, "WanVideoModelLoader_x", [], ["WANVIDEOMODEL"], [model_file, "bf16", "disabled", "offload_device"]),
        (2, "WanVideoVAELoader_x", [], ["WANVAE"], ["wanvideo\\Wan2_1_VAE_bf16.safetensors", "bf16"]),
        (3, "WanVideoTextEncodeCached_x", [], ["WANVIDEOTEXTEMBEDS", "WANVIDEOTEXTEMBEDS", "STRING"],
         ["umt5-xxl-enc-bf16.safetensors", "bf16", "a dancer in a studio", "blurry"]),
        (4, "LoadImage", [], ["IMAGE", "MASK"], ["dancer.png", "image"]),
        (5, "WanVideoPoseEmbeds_x", [("vae", "WANVAE"), ("ref_image", "IMAGE")], ["WANVIDIMAGE_EMBEDS"],
         [512, 896, 81]),
        (6, "WanVideoSampler_x", [("model", "WANVIDEOMODEL"), ("image_embeds", "WANVIDIMAGE_EMBEDS"),
                                  ("text_embeds", "WANVIDEOTEXTEMBEDS")], ["LATENT", "LATENT"],
         [40, 5.0, 3.0, 42, "fixed"]),
        (7, "WanVideoDecode_x", [("vae", "WANVAE"), ("samples", "LATENT")], ["IMAGE"], [False]),
        (8, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["dance", 16.0, False, 90, "default"]),
    ], [(2, 0, 5, "vae"), (4, 0, 5, "ref_image"), (1, 0, 6, "model"), (5, 0, 6, "image_embeds"),
        (3, 0, 6, "text_embeds"), (2, 0, 7, "vae"), (6, 0, 7, "samples"), (7, 0, 8, "images")])


def test_a_held_samplers_undeclared_loader_names_its_model_file_and_family():
    text = said(convert(_renamed_wrapper("WanVideo\\SCAIL2_14B_bf16.safetensors"), "renamed_wrapper"))
    assert ("with Wan ('SCAIL2_14B_bf16.safetensors', the file 'WanVideoModelLoader_x' (WanVideoModelLoader_x, #1) "
            "loads, a type no pack in Studio's catalogue declares)") in text
    assert "read WanVideoSampler_x, a sampler whose type no pack in its catalogue declares" in text
    assert "unrecognised model" not in text and "a sampler it has no counterpart for" not in text


def _sampler_between_unknown_nodes() -> dict:
    """A worker's own conditioning and export nodes (no pack declares them) around ComfyUI's custom sampler."""
    return ui([
        (1, "UNETLoader", [], ["MODEL"], ["minimax_h3_ref2va_bf16.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["qwen3vl_32b_minimax_h3_bf16.safetensors", "minimax", "default"]),
        (3, "VAELoader", [], ["VAE"], ["minimax_h3_video_vae_fp16.safetensors"]),
        (4, "MediaConditioning_x", [("clip", "CLIP"), ("vae", "VAE")], ["CONDITIONING", "LATENT"], []),
        (5, "RandomNoise", [], ["NOISE"], [42, "fixed"]),
        (6, "BasicGuider", [("model", "MODEL"), ("conditioning", "CONDITIONING")], ["GUIDER"], []),
        (7, "KSamplerSelect", [], ["SAMPLER"], ["res_multistep"]),
        (8, "BasicScheduler", [("model", "MODEL")], ["SIGMAS"], ["beta", 25, 1.0]),
        (9, "SamplerCustomAdvanced", [("noise", "NOISE"), ("guider", "GUIDER"), ("sampler", "SAMPLER"),
                                      ("sigmas", "SIGMAS"), ("latent_image", "LATENT")], ["LATENT", "LATENT"], []),
        (10, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (11, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [24.0]),
        (12, "MediaExport_x", [("video", "VIDEO")], ["EXPORTED_VIDEO"], ["out/video", 18]),
    ], [(2, 0, 4, "clip"), (3, 0, 4, "vae"), (1, 0, 6, "model"), (4, 0, 6, "conditioning"), (1, 0, 8, "model"),
        (5, 0, 9, "noise"), (6, 0, 9, "guider"), (7, 0, 9, "sampler"), (8, 0, 9, "sigmas"), (4, 1, 9, "latent_image"),
        (9, 0, 10, "samples"), (3, 0, 10, "vae"), (10, 0, 11, "images"), (11, 0, 12, "video")])


def test_a_known_sampler_between_undeclared_nodes_is_named_with_them_where_nothing_is_made():
    text = said(convert(_sampler_between_unknown_nodes(), "unknown_ways"))
    assert ("no video output Studio reads after the sampler 'SamplerCustomAdvanced' (SamplerCustomAdvanced, #9): only "
            "notes made (it is given what it samples by 'MediaConditioning_x' (MediaConditioning_x, #4) and its take "
            "reaches 'MediaExport_x' (MediaExport_x, #12), of types no pack in Studio's catalogue declares") in text
    assert "no video output with a sampler found" not in text and "a sampler or another node" not in text


def test_a_known_samplers_take_reaching_an_undeclared_save_alone_is_said_so():
    w = _sampler_between_unknown_nodes()
    for n in w["nodes"]:  # the conditioning made by ComfyUI's own node: only the save is undeclared
        if n["type"] == "MediaConditioning_x":
            n["type"] = "WanImageToVideo"
    text = said(convert(w, "unknown_save"))
    line = next(x for x in text.splitlines() if "no video output Studio reads after the sampler" in x)
    assert "only notes made (its take reaches 'MediaExport_x' (MediaExport_x, #12), of types" in line
