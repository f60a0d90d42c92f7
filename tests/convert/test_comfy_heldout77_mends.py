"""Issue 112, heldout77's mends (fresh set judged on main 1b245c87): each test builds its workflow from node types,
values and links and fails without its mend.

1. A blur (or sharpen) on a file's way to a generator's input, told by its declared types and kernel widgets as a
   finishing effect is (finishing.effects), is made there as Studio's Blur (mapping/way_effects): a tile ControlNet's
   control clip scaled down, blurred and scaled back up had the blur passed over (77/05).
2. A setting of a pack node wired from the number a node no pack in the catalogue declares gives beside its pictures
   was said "the saved value is not what runs: a measure of the pictures that node gives"; that node (Stand-In's
   VideoInputPreprocessor) gives out its own 'denoise_strength' setting: what it gives cannot be told, said so (77/07).
3. The restyle's strength said unknown named the type the wrapper's sampler is read as ('KSamplerAdvanced'), not the
   workflow's node ('WanVideoSampler' (#7)) (77/07).
4. Stand-In's file on the wrapper's model loader, where no Stand-In node is made (a Video to Video of a clip), went
   onto a plain Video LoRA, unsaid: said and not loaded (Wan's 'task_loras' hook); a LoRA file that is not a
   .safetensors (which the Video LoRA refuses when run) is said."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.builders import DECODE, ENCODE, T5, TEXT, VAE, combine, load_video, wan_vace
from tests.convert.said import api, nodes_of, said, source_of, ui


def test_a_blur_on_the_control_clips_way_is_made_as_studios_blur_between_its_resizes():
    wf = api(wan_vace(["9", 0], more={
        "8": ("ImageScale", {"image": ["7", 0], "upscale_method": "nearest-exact", "width": 208, "height": 120,
                             "crop": "disabled"}),
        "10": ("ImageBlur", {"image": ["8", 0], "blur_radius": 5, "sigma": 2.0}),
        "9": ("ImageScale", {"image": ["10", 0], "upscale_method": "nearest-exact", "width": 832, "height": 480,
                             "crop": "disabled"})}))
    conv = convert(wf, "wan")
    gen = nodes_of(conv, "video_models.wan_vace")[0]
    up = source_of(conv, gen.id, "video")  # (VACE's control clip)
    assert up.type_id == "transform.scale" and up.params["width"] == 832
    blur = source_of(conv, up.id, "video")
    assert blur.type_id == "edit.blur" and blur.params == {"radius": 10.0, "reach": 5}
    assert source_of(conv, blur.id, "video").params["width"] == 208
    assert "'control_video' of 'WanVaceToVideo' is LoadVideo's file through 'ImageBlur' (ImageBlur, #10)'s blur " \
           "(its 'image'): Studio's Blur (radius 10, reach 5) before the Wan VACE node's 'video'" in said(conv)
    assert "without that step" not in said(conv)


# -- a wrapper restyle of a clip with Stand-In's file on its model (the release's face swap, heldout77 07) ----------

def _face_swap(lora: str) -> dict:
    model = (3, "WanVideoModelLoader", [("lora", "WANVIDLORA")], ["WANVIDEOMODEL"],
             ["Wan2_1-T2V-14B_fp8_e4m3fn.safetensors", "fp16_fast", "fp8_e4m3fn_scaled", "offload_device", "sdpa"])
    select = (20, "WanVideoLoraSelect", [], ["WANVIDLORA"], [lora, 1.0, False, False])
    mixer = (21, "SomeFacePaster", [("images", "IMAGE")], ["IMAGE", "FLOAT"], [0.5, 0.5])  # no pack declares it
    empty = (12, "WanVideoEmptyEmbeds", [], ["WANVIDIMAGE_EMBEDS"], [832, 480, 81])
    sampler = (7, "WanVideoSampler", [("model", "WANVIDEOMODEL"), ("image_embeds", "WANVIDIMAGE_EMBEDS"),
                                      ("text_embeds", "WANVIDEOTEXTEMBEDS"), ("samples", "LATENT"),
                                      ("denoise_strength", "FLOAT")], ["LATENT"],
               [4, 1, 5, 44, "fixed", True, "dpm++_sde", 0, 0.5, "", "comfy", 0, -1, False])
    nodes = [T5, TEXT, model, VAE, load_video(5, "clip.mp4"), select, mixer, ENCODE, empty, sampler, DECODE,
             combine(9, "swap")]
    links = [(1, 0, 2, "t5"), (20, 0, 3, "lora"), (5, 0, 21, "images"), (4, 0, 13, "vae"), (21, 0, 13, "image"),
             (3, 0, 7, "model"), (12, 0, 7, "image_embeds"), (2, 0, 7, "text_embeds"), (13, 0, 7, "samples"),
             (21, 1, 7, "denoise_strength"), (4, 0, 8, "vae"), (7, 0, 8, "samples"), (8, 0, 9, "images")]
    return convert(ui(nodes, links), "wan")


def test_a_number_an_undeclared_node_gives_beside_its_pictures_is_not_said_to_be_a_measure_of_them():
    text = said(_face_swap("Stand-In_wan2.1_T2V_14B_ver1.0.ckpt"))
    assert "'WanVideoSampler' (#7)'s denoise_strength comes from 'SomeFacePaster' (SomeFacePaster, #21)" in text
    assert "may not be what runs: the number that node gives there, a node whose type no pack in Studio's " \
           "catalogue declares" in text
    assert "a measure of the pictures" not in text


def test_the_unknown_restyle_strength_names_the_workflows_sampler_not_the_type_it_is_read_as():
    text = said(_face_swap("Stand-In_wan2.1_T2V_14B_ver1.0.ckpt"))
    assert "how far 'WanVideoSampler' (WanVideoSampler, #7) denoises its encoded latent is given by nodes" in text
    assert "'KSamplerAdvanced' denoises" not in text


def test_stand_ins_file_on_a_restyles_model_is_said_and_not_loaded_as_a_lora():
    conv = _face_swap("Stand-In_wan2.1_T2V_14B_ver1.0.ckpt")
    assert nodes_of(conv, "video_models.video_to_video")
    assert not [n for n in nodes_of(conv, "video_models.lora") if "Stand-In" in n.params["lora"]]
    assert "'Stand-In_wan2.1_T2V_14B_ver1.0.ckpt' on 'WanVideoLoraSelect' (WanVideoLoraSelect, #20) is, by its " \
           "name, Stand-In's file, not a LoRA" in said(conv)


def test_a_lora_file_that_is_not_a_safetensors_is_said_to_be_refused_when_run():
    conv = _face_swap("my_style_lora.ckpt")
    assert [n for n in nodes_of(conv, "video_models.lora") if n.params["lora"] == "my_style_lora.ckpt"]
    assert "LoRA 'my_style_lora.ckpt' on 'WanVideoLoraSelect' (WanVideoLoraSelect, #20) is a pickle, not a " \
           ".safetensors file: Studio's Video LoRA loads .safetensors LoRAs only" in said(conv)
    assert "is a pickle" not in said(_face_swap("my_style_lora.safetensors"))
