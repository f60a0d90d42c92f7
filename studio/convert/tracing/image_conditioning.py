"""A conditioning made from pictures alone, told by its pack's declaration: a node giving CONDITIONING whose
declared inputs take no text and no conditioning (SVD_img2vid_Conditioning: its CLIP vision, the image, the VAE
and numbers). A sampler fed it has no prompt to ask the user for. A node of settings alone is not one: a saved
conditioning's loader (endman100's LoadContditioning, its one input a file) gives a prompt Studio cannot read (cat21:
declared, its workflows' prompt was no longer said to come from it). Plain stdlib."""
from __future__ import annotations

from .. import catalogue


def no_text(n) -> bool:
    """Such a node (see the module); False for a node whose type is not catalogued or takes a text. A node a pack's
    translation made (its type a core one, ``origin`` the pack node it stands for: left8's one-node SVD) is told by
    the type it was made as too."""
    return any(t is not None and t.inputs and "CONDITIONING" in t.output_types and any(not i.widget for i in t.inputs)
               and not any(i.type in ("STRING", "CONDITIONING") for i in t.inputs)
               for t in {catalogue.node_type(n.origin or n.shown_cls), catalogue.node_type(n.cls)})
