"""The WanVideoWrapper's SCAIL (WanVideoAddSCAILReferenceEmbeds and WanVideoAddSCAILPoseEmbeds, kijai's
ComfyUI-WanVideoWrapper, read for meaning: the reference image encoded with four mask channels of ones, the pose
images encoded as they are given): the conditioning of Zhipu's SCAIL (zai-org/SCAIL, SCAIL-Preview), with no
identity masks. Studio runs SCAIL-2 (families/wan_scail: its identity-mask embedding too, read from ComfyUI's
WanSCAILToVideo), not SCAIL (wan/recognise.py: SCAIL_REASON), so the take is held, the reason recorded for the held
task's sentence (tracing.declined) instead of the wrapper's generic one. Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, decline

POSE = "WanVideoAddSCAILPoseEmbeds"
WHY = ("it gives the model pose images and a reference with no identity masks, SCAIL's (SCAIL-Preview's) "
       "conditioning, and Studio does not run SCAIL; Studio runs SCAIL-2 (its SCAIL-2 Character node, read from "
       "ComfyUI's WanSCAILToVideo), another model, which takes identity masks too")


def scail(t, n: CNode, pos, neg, sampler: CNode):
    """Nothing made (the task held): the reason recorded for ``n`` and its ``sampler`` (tracing.declined)."""
    decline(t.wf, [n.id, sampler.id], CNode.named(n), WHY)
    return None
