"""A later pass sampling with another model, in a family whose generator takes one model (mapping.models._models): the
second model is no expert (Wan 2.2 A14B's low-noise model is, its family declaring the 'experts' hook), so it is not
set on Load Video Model's 'model_2' (which such a generator does not read) nor said "the low-noise expert ...
(diffusers switches experts at the model's boundary_ratio)": the pass is said not made, with its model and the
LoRAs on that model's way. Found by the thirty-sixth held-out set: an LTXV 13B example's distilled pass after a dev
pass was read as LTX-Video's second expert and said so. Told by the family's declared hook, never by a file name."""
from __future__ import annotations

from ..families import registry as families
from ..tracing.tasks import family, task_node, task_of
from ..tracing.walks import model_file, upstream


def family_of(b, loaders: list, first=None) -> str | None:
    """The family the first model loader's file is of (None where its file names none Studio knows); where the
    loader gives no file name Studio reads and sampler ``first`` is given, the family the take is read as: its task
    node's, or one a mapping claims by the node types upstream (as the pipeline's is, mapping.outputs), so a file name
    the workflow does not give (a request's re-keyed loaders) does not make a one-model family's later pass an
    expert's (heldout65 01: a HunyuanVideo 1.5 SR pass was said "the low-noise expert"). A file named but of no
    family Studio knows is read as before (a pack's chunked files: Wan 2.2's experts)."""
    file = model_file(b.wf, loaders[0]) if loaders else None
    fam = family(file, None, []) if loaders else None
    if first is not None and loaders and not isinstance(file, str):
        up = upstream(b.wf, first)
        fam = family(None, task_of(task_node(b.wf, first, up)[0]), up)
    return fam


def has_experts(b, fam: str | None) -> bool:
    """Family ``fam`` declares two experts (its 'experts' hook: a model of two experts), or is not known (a pack's
    chunked files read as core loaders: Wan 2.2's experts as ever)."""
    return not fam or families.lookup("by_title").get(fam) is None or bool(families.family_hook(fam, "experts"))


def other_models(b, loaders: list, others: list, said: list[str], first=None) -> tuple[list, list]:
    """``loaders`` and ``others`` (the second model's LoRAs) as the family reads them: unchanged where it has experts;
    else the first loader alone, each pass on another model said not made (its LoRAs with it) and dropped from the
    passes sampling on a second expert."""
    fam = family_of(b, loaders, first)
    if len(loaders) < 2 or has_experts(b, fam):
        return loaders, others
    for pid in sorted(b.low_passes):
        s = b.wf.nodes.get(pid)
        if s is None:
            continue
        loader = loaders[1]
        loras = "".join(f", its LoRA '{n}' (strength {v:g})" if isinstance(v, (int, float)) else f", its LoRA '{n}'"
                        for n, v, *_ in others)
        file = model_file(b.wf, loader)
        said.append(f"'{s.title or s.shown_cls}' ({s.shown_cls}, #{s.id}) samples on with another model"
                    + (f", '{file}' " if isinstance(file, str) else " ")
                    + f"('{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id})"
                    + ("" if isinstance(file, str) else ", whose file Studio does not read") + f"){loras}: {fam}'s "
                    "generator takes one model, not two experts, so that pass is not made (the take is the first "
                    "model's)")
    b.low_passes = set()
    return loaders[:1], []
