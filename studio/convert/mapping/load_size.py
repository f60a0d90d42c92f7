"""The size a video loader gives its frames (VideoHelperSuite's custom_width, custom_height and format: the rule in
reading/loader_size.py) made as Studio's Scale after its Load Video (and its Frame Rate and Trim: load_trim), and an
image loader's resize (KJNodes' LoadAndResizeImage: reading/image_resize.py) after its Load Image, said.
Found by the sixteenth held-out set (marknt0053's AnimateDiff video to video: a 512x512 take said read at the
clip's own size) and the fourteenth (kelvinweijun's Wan Animate)."""
from __future__ import annotations

from ..reading import image_resize, loader_size


def made(b, loader, last: str) -> dict | None:
    """Studio's Scale after ``last`` (the loader's Load Video, or its Trim) where ``loader`` gives its frames another
    size than the file's, wired as the loader's frames (b.loaded[id + '#']) and said; its settings ({} where it keeps
    the file's own size, a format's frame cut said); None where Studio cannot tell the size when converting."""
    image = b.g.nodes[last].type_id == "io.load_image"  # (an image loader's resize: KJNodes' LoadAndResizeImage)
    p = (image_resize.image_params if image else loader_size.params)(b.wf, loader)
    if p:
        nid = b.add("transform.scale", p, loader)
        b.g.connect(last, "image" if image else "video", nid, "video")
        b.loaded[f"{loader.id}#"] = nid
        b.say(image_resize.image_said(loader, b.file_of(loader), p) if image else
              loader_size.said(loader, b.file_of(loader), p, b.wf))
    elif p == {} and (cut := loader_size.frames_said(b.wf, loader)):
        b.say(f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) loads '{b.file_of(loader)}' "
              f"at its own size{cut}")
    return p


def taken(made: dict | None) -> tuple[str, ...]:
    """The loader's settings the Scale after it keeps (``made``: made's answer; none where None)."""
    return (*loader_size.SIDES, loader_size.FORMAT, loader_size.FORCE, *image_resize.RESIZE) if made is not None else ()
