"""How a sentence names the file a pack's select node gives a model loader to merge into its model, by the select's
declared file input: kijai's WanVideoWrapper's WanVideoVACEModelSelect ('vace_model') gives a VACE module,
WanVideoExtraModelSelect ('extra_model') any extra part (a VACE module, FlashVSR's low-quality projection, MoCha's...).
Found by the twenty-ninth held-out set (12: FlashVSR's projection was called a VACE module). Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue


def what(sel) -> str:
    """'the VACE module' where ``sel``'s pack declares its file input 'vace_model', else 'the extra model'."""
    t = catalogue.node_type(sel.cls)
    files = [i.name for i in ((t.inputs or ()) if t is not None else ()) if i.files]
    return "the VACE module" if "vace_model" in files else "the extra model"
