"""Stop 17 (stillz17): a still made first given to the WanVideoWrapper's image to video (heldout76 08-09), and what the
not-converted note says of a node the converter made beside a pack node (76/09)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import notes
from tests.convert.test_comfy_heldout54_mends import _old_wrapper_i2v


def test_a_wrapper_encodes_resize_is_not_listed_with_settings_the_file_never_saved():
    """76/09: with the task held, the picture resize the converter makes for WanVideoImageClipEncode's
    adjust_resolution ('<id>:scale', ComfyUI's ImageScale) was listed among the nodes not converted with
    'upscale_method lanczos, crop disabled' as the settings the workflow saved: the file saves none of them."""
    wf = _old_wrapper_i2v(0.0, True)
    wf["58"] = {"class_type": "ImageFromNowhere", "inputs": {"seed": 3}}  # a start picture Studio cannot read: held
    text = notes(convert(wf, "held.json"))
    line = next(x for x in text.splitlines() if x.startswith("- 'WanVideoImageClipEncode'") and "ImageScale" in x)
    assert '"upscale_method": "lanczos"' not in line and '"crop"' not in line
    assert line.endswith("#57): no settings saved in the file (upscale_method lanczos, crop disabled: not saved in the "
                         "file, set by Studio's reading of the node as ImageScale)")
