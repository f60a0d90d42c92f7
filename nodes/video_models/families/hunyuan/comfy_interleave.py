"""HunyuanVideo I2V's picture in its prompt (ComfyUI's TextEncodeHunyuanVideo_ImageToVideo): its 'image_interleave'
(the LLaVA encoder's picture tokens taken one in N among the prompt's: the higher, the more the text weighs; ComfyUI's
declaration: 'How much the image influences things vs the text prompt. Higher number means more influence from the
text prompt.') has no setting in Studio: its HunyuanVideo I2V runs diffusers' HunyuanVideoImageToVideoPipeline, which
takes one in 2 for a 'latent_concat' model (ComfyUI's guidance_type 'v1 (concat)'), one in 4 for 'token_replace'
('v2 (replace)') and one in 1 else (pipeline_hunyuan_video_image2video.py's image_embed_interleave default). A value
other than the one its HunyuanImageToVideo's guidance_type gives is said not taken (heldout121 06: 6, read nowhere,
unsaid); a prompt on another family's way (HunyuanVideo 1.5's I2V node) is not this pipeline's: nothing said.
Plain stdlib."""
from __future__ import annotations

from studio.convert.api import upstream

NODE, KEY = "TextEncodeHunyuanVideo_ImageToVideo", "image_interleave"
I2V_NODE, TYPE = "HunyuanImageToVideo", "guidance_type"
DIFFUSERS = {"v1 (concat)": 2, "v2 (replace)": 4}  # the pipeline's default for the model of that guidance type


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def say_interleave(b, start, pos, said: list) -> object:
    """The positive prompt as read (unchanged); a TextEncodeHunyuanVideo_ImageToVideo on the way to ``start`` whose
    image_interleave is not what Studio's pipeline takes for the workflow's guidance type said (the prompt hook)."""
    wf = b.wf
    way = upstream(wf, start) if start is not None else []
    # (a file saved before the node had a guidance_type: its concat, ComfyUI's default; HunyuanVideo's own I2V task:
    types = {wf.value(n, TYPE) or "v1 (concat)" for n in way if n.cls == I2V_NODE and n.enabled}
    if not types:  # not HunyuanVideo 1.5's, whose task node and pipeline are others: nothing said there)
        return pos
    own = DIFFUSERS.get(next(iter(types))) if len(types) == 1 else None
    for n in way:
        v = wf.value(n, KEY) if n.cls == NODE and n.enabled else None
        if not _number(v) or (own is not None and v == own):
            continue
        line = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s {KEY} {v:g} (the picture's tokens taken one in "
                f"{v:g} among the prompt's: the higher, the more the text weighs) is not taken: Studio's HunyuanVideo "
                "I2V takes one in 2 for a 'v1 (concat)' model, one in 4 for a 'v2 (replace)' one (diffusers' "
                "image_embed_interleave for its model)")
        if line not in said:
            said.append(line)
    return pos
