"""Motif Video's ComfyUI mapping (api.ComfyMapping): Motif Technologies' ComfyUI-MotifVideo2B pack (nodes/*.py at
its May 2026 head: MotifTextEncoderLoader, MotifTextEncode, EmptyMotifLatent, MotifVAELoader, MotifImageEncode),
which Studio's catalogue does not hold: its settings' names and order as the pack declares them. Its image to video
puts the start image on the conditioning (MotifImageEncode: the picture encoded as 'concat_latent_image'), its size
and length on EmptyMotifLatent. Studio reads Motif Video from a diffusers folder (its ComfyUI files in one
sentence). Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, T2V, ComfyMapping, Task

IMAGE_ENCODE = "MotifImageEncode"
GUIDANCE = ("Motif Video's guidance is its diffusers folder's guider's (guider/config.json: classifier-free or adaptive "
            "projected guidance), at the sampler's cfg: ComfyUI's sampler guides with plain CFG where no model patch "
            "(such as APG) is put on the model")

WIDGETS = {
    "EmptyMotifLatent": ("width", "height", "num_frames", "batch_size"),
    "MotifTextEncode": ("text", "negative_prompt"),
    "MotifTextEncoderLoader": ("clip_name", "dtype", "device"),
    "MotifVAELoader": ("vae_name",),
}


def _start_image(b, node, up, spec: Task, inputs: dict, said: list[str]) -> Task | None:
    """EmptyMotifLatent's take: image to video where a MotifImageEncode upstream gives the sampler its picture (on
    the conditioning: the picture read from its 'image'), else text to video; its guidance said."""
    said.append(GUIDANCE)
    enc = next((n for n in up if n.cls == IMAGE_ENCODE and n.enabled and "image" in n.links), None)
    if enc is None:
        return None
    b.used.add(enc.id)
    b.intent(enc, "image", "image", inputs, said)
    return Task("image to video", I2V, (("image", "image"),), "Motif Video")


MAPPING = ComfyMapping(
    key="motif_video", title="Motif Video",
    tasks={"EmptyMotifLatent": Task("text to video", T2V, (), "Motif Video", read=_start_image)},
    files=(("motif-video", "Motif Video"), ("motif_video", "Motif Video"), ("motifvideo", "Motif Video")),
    widgets=WIDGETS, hooks={"file_loaders": {"MotifTextEncoderLoader": ("clip_name", "text encoder"),
                                              "MotifVAELoader": ("vae_name", "VAE")}},
    folder_only="of Motif Video's ComfyUI files ({files}) Studio reads none (the family is read from a diffusers "
                "folder, its model class's own): set Load Video Model's 'model' to a Motif Video diffusers folder in "
                "place of the file (the image-to-video folder for image to video)")
