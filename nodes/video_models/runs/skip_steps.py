"""A plain take (one pipeline call, no context windows) resumes from its last finished step too.

kept_steps.py keeps the latent and the scheduler's state of the last finished step when a run is
stopped; a re-run puts them back at the end of that step. The steps before it need no denoiser: a
hook on every denoiser of the pipeline (diffusers' ``ModelHook`` through ``HookRegistry``, on
``transformer`` and ``transformer_2``) returns zeros of the prediction's shape while the keeper says
the step under way was made by the stopped run, and calls the denoiser as it is otherwise. The
scheduler steps those zeros cheaply and its state is replaced at the kept step, so the take is the one
an uninterrupted run makes. The prediction's shape is the input's with the denoiser's
``out_channels`` on the family's channel axis (``BCTHW``: axis 1; ``packed`` tokens: the last), so
only families that declare ``ContextWindows`` keep the steps of a plain take."""
from __future__ import annotations

HOOK = "studio_kept_steps"


def make_hook(layout: str, skip):
    from diffusers.hooks import ModelHook

    from ..base.hooks import hidden_states_of, no_prediction

    class _Skip(ModelHook):
        def new_forward(self, module, *args, **kwargs):
            if not skip():
                return self.fn_ref.original_forward(*args, **kwargs)
            return no_prediction(module, hidden_states_of(args, kwargs), layout, kwargs.get("return_dict", True))
    return _Skip()


def kept_steps_skipped(pipe, layout: str, skip):
    """The hook on every denoiser of ``pipe`` inside the block (base.hooks: removed however it ends)."""
    from ..base.hooks import denoiser_hooks
    return denoiser_hooks(pipe, HOOK, lambda mod: make_hook(layout, skip))
