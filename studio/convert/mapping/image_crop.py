"""A CLIP vision encode's crop on the way to a made generator's image encoder, against the square its family's image
processor makes (its mapping's 'image_crop' hook, by family title: Wan 2.1's and Stable Video Diffusion's released
image processors cut the picture's middle square): ComfyUI's crop 'none' squashes the whole picture into the encoder's
square, which Studio's encoder does not do, said in the generator's note (heldout87 02 and heldout90 03 found it read
nowhere: a wide picture is encoded from less of it). Told by the node's declared setting and the family's
declaration; plain stdlib."""
from __future__ import annotations

from ..families import registry as families
from ..tracing.walks import upstream
from .own_placing import load_of

BASE = "center, base"  # the hook's value for a family whose image encoder and its processor come from 'base'
I2V_NODE = "video_models.image_to_video"
ENCODES = ("CLIPVisionEncode",)  # ComfyUI's node encoding a picture for a model's image encoder ('crop')


def say(b, gen: str, said: list[str]) -> None:
    """Each CLIP vision encode on generator ``gen``'s way whose crop is 'none' where its family's processor cuts the
    middle square: one sentence each."""
    title = b.gen_family.get(gen)
    m = families.titled(title)
    own = (families.hook(m, "image_crop") or {}).get(title) if m is not None else None
    sampler = b.wf.nodes.get(b.out.origin.get(gen, ""))
    if sampler is None or not (own == "center" and _encoder(b.g, gen) or own == BASE and _from_base(b.g, gen)):
        return
    for n in sorted(upstream(b.wf, sampler), key=lambda n: n.id):
        if n.cls not in ENCODES or not n.enabled or b.wf.value(n, "crop") != "none":
            continue
        said.append(f"{n.named()}'s crop 'none' (ComfyUI squashes the whole picture into the image encoder's "
                    f"square) is not taken: {_instead(own)}")


def _instead(own: str) -> str:
    if own == BASE:  # diffusers' HunyuanVideoImageToVideoPipeline: self.image_processor(image) before its Llava
        return ("Studio's pipeline gives the start picture to the image processor of its 'base' folder (its "
                "image_processor, a CLIPImageProcessor), which scales its short side and cuts its middle square where "
                "that folder's preprocessor config says so (do_center_crop, as the released model's does)")
    return "Studio's image encoder cuts the picture's middle square, as the model's released image processor does"


def _from_base(g, gen: str) -> bool:
    """Whether generator ``gen`` makes a picture's take (Image to Video) on a model whose image encoder comes with
    its 'base' folder (HunyuanVideo I2V's Llava: Load Video Model reads no separate file of it)."""
    return g.nodes[gen].type_id == I2V_NODE and load_of(g, gen) is not None


def _encoder(g, gen: str) -> bool:
    """Whether the Load Video Model giving ``gen`` its model (through Video LoRAs) loads an image encoder its pipeline
    uses: not with a second expert ('model_2': Wan 2.2 A14B's, whose transformer takes no image embedding, diffusers'
    WanImageToVideoPipeline encoding the picture only for a transformer with an image_dim, Wan 2.1 I2V's;
    heldout121's regression dumps: two-expert files whose names give no version were told of a crop no encoder
    makes)."""
    load = load_of(g, gen)
    return load is not None and bool(load.params.get("clip_vision")) and not load.params.get("model_2")
