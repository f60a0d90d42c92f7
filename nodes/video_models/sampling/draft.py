"""A generator's 'quality': draft runs the family's distilled recipe (base/drafts.py, declared in
``families/<key>/drafts.py``) found in the models folders: its distill LoRAs put on the run's model
(through loading/loras.py, each on the expert the recipe names) and its steps, cfg, shift and sampler
set for this run; the node says which recipe ran, or which files it looked for and did not find (the
final settings then run, said as information). The seed is left as it is."""
from __future__ import annotations

import os

from ..base.errors import ModelError

# the generator parameters a recipe sets, from its fields
SETS = (("steps", "steps"), ("guidance", "cfg"), ("shift", "shift"), ("sampler", "sampler"))


def drafting(params) -> bool:
    get = params.get if hasattr(params, "get") else (lambda _k, d=None: d)
    return get("quality", "final") == "draft"


def draft_folders() -> list[str]:
    """The models folders' LoRA folders (their fingerprints join a draft run's key: a distill LoRA added
    or removed re-runs it)."""
    from studio.core.models import kind_folders
    return kind_folders("lora")


def foreseen_draft(fam, task: str, experts: int, variant: str, title: str, path: str = "") -> str | None:
    """What a draft will not do, said before the run (advice.py, at edit time on the node): no recipe of
    the family fits this model (its recipes are for other sizes), or none's files are in the models
    folders and, for a recipe that is a distilled checkpoint, the model at ``path`` is not it (as the run
    tells it: apply_draft); None when one will run, or where the model's path is not known."""
    from ..base.capabilities import Drafts
    drafts = fam.capability(Drafts)
    recipes = drafts.recipes if drafts is not None else ()
    fitting = [r for r in recipes if r.fits(task, experts, variant or "")]
    model = variant or title or fam.title
    if not fitting:
        sized = sorted({v for r in recipes if not r.tasks or task in r.tasks for v in r.variants})
        why = (f"{fam.title}'s distilled recipes for this task are for {' and '.join(sized)} models, not {model}"
               if sized else f"{fam.title} has no distilled recipe for this task ({model})")
        return f"Draft will not draft: {why}; the final settings will run"
    if any(r.checkpoint for r in fitting) and not path:
        return None  # the run tells the distilled checkpoint by the model's name
    missing = []
    for r in fitting:
        if r.checkpoint and not all(f in path.lower() for f in r.checkpoint):
            missing.append(f"a model named '*{'*'.join(r.checkpoint)}*' for {r.title}")
        elif not r.checkpoint and not all(_first(f) for _, f in r.loras):
            missing.append(f"{r.looked_for()} in the models folders' loras for {r.title}")
    if len(missing) < len(fitting):
        return None
    return f"Draft will not draft: no distilled file for {model}: looked for {'; '.join(missing)}; the final " \
           "settings will run"


def apply_draft(ctx, ref, task: str):
    """(``ref`` with the draft recipe's LoRAs on, the recipe), ``ctx.params`` set to its steps, cfg, shift
    and sampler; (``ref`` as it is, None), said, when no recipe fits or none's files are found. Final:
    (``ref`` untouched, None)."""
    if not drafting(ctx.params):
        return ref, None
    fam = ref.fam
    experts = 2 if getattr(ref.module, "transformer_2", None) is not None else 1
    model = ref.variant or fam.title
    from ..base.capabilities import Drafts
    drafts = fam.capability(Drafts)
    recipes = drafts.recipes if drafts is not None else ()
    fitting = [r for r in recipes if r.fits(task, experts, ref.variant or "")]
    if not fitting:
        sized = sorted({v for r in recipes if not r.tasks or task in r.tasks for v in r.variants})
        why = (f"{fam.title}'s distilled recipes for this node's task ({task}) are for {' and '.join(sized)} models"
               if sized else f"{fam.title} has no distilled recipe for this node's task ({task})")
        ctx.info(f"draft: {why}, not {model}: the final settings run")
        return ref, None
    missing = []
    for r in fitting:
        if r.checkpoint:
            name = os.path.basename(ref.path.rstrip(os.sep))
            if all(f in ref.path.lower() for f in r.checkpoint):  # the whole path (a Hugging Face cache: its folder)
                _set(ctx, r)
                ctx.info(f"draft: {r.title} ('{name}' is the distilled model): {r.words()}; Final runs this same "
                         "model at the node's settings (load the full model for it; the seed stays the same)")
                return ref, r
            missing.append(f"a model named '*{'*'.join(r.checkpoint)}*' for {r.title} (this one is '{name}')")
            continue
        found = [_first(frags) for _, frags in r.loras]
        if not all(found):
            missing.append(f"{r.looked_for()} in the models folders' loras for {r.title}")
            continue
        for (expert, _), path in zip(r.loras, found):
            check_lora(fam, model, experts, expert, path, r.title)
            ref = ref.with_lora(path, r.strength, expert or "auto")
        _set(ctx, r)
        files = " and ".join(f"'{os.path.basename(p)}'" for p in found)
        ctx.info(f"draft: {r.title} ({files}, strength {r.strength:g}): {r.words()}")
        return ref, r
    ctx.info(f"draft: no distilled file found for {model}: looked for {'; '.join(missing)}: the final settings run")
    return ref, None


def with_sigmas(pipe, recipe, kwargs: dict) -> dict:
    """The call's arguments with the recipe's own sigmas, where it has some and the pipeline takes them."""
    if recipe is None or not recipe.sigmas:
        return kwargs
    from ..base.calls import call_defaults
    if "sigmas" not in call_defaults(pipe):
        return kwargs
    return dict(kwargs, sigmas=list(recipe.sigmas), num_inference_steps=len(recipe.sigmas))


def _first(fragments: tuple[str, ...]) -> str | None:
    from studio.core.models import find_kind
    got = find_kind("lora", fragments)
    return got[0].path if got else None


def _set(ctx, recipe) -> None:
    p = ctx.params
    for name, field in SETS:
        if name in p:
            p[name] = getattr(recipe, field)
    if "guidance_2" in p:
        p["guidance_2"] = 0.0  # the low-noise expert's guidance: the same as 'guidance'


def check_lora(fam, model: str, experts: int, expert: str, path: str, recipe: str) -> None:
    """A distill LoRA found for ``recipe``, refused naming both when its tensors say another family, or
    its name another expert (or one of Wan 2.2 A14B's experts on a one-denoiser model)."""
    from ..base.recognise import recognise
    from ..base.registry import family
    from ..files.headers import safetensors_header
    from ..loading.loras import lora_role
    name = os.path.basename(path)
    shapes = {k: tuple(v.get("shape", ())) for k, v in safetensors_header(path).items()
              if k != "__metadata__" and isinstance(v, dict)}
    got = recognise(shapes, "lora", name)
    if got.kind != "lora":
        raise ModelError(f"draft: '{name}' (found for {recipe}) is not a LoRA: {got.variant or got.kind}")
    if got.family and got.family != fam.key:
        raise ModelError(f"draft: '{name}' is a LoRA for {family(got.family).title}, not for {fam.title}: "
                         f"{recipe} needs {fam.title}'s ({model} here)")
    role = lora_role(path)
    if role and expert and f"{role} noise" != expert:
        raise ModelError(f"draft: '{name}' is for the {role}-noise expert, not the {expert} expert {recipe} "
                         "puts it on")
    if role and experts == 1:
        raise ModelError(f"draft: '{name}' is for Wan 2.2 A14B's {role}-noise expert, but this {model} model has "
                         f"one denoiser ({recipe})")
