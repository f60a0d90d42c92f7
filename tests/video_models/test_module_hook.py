"""base/hooks.module_hook: one hook in torch's forms through diffusers' HookRegistry, taken off as
torch's handle is, the module left as it was."""
import torch

from nodes.video_models.base.hooks import module_hook


def test_before_and_after_change_the_call_and_remove_leaves_the_module_as_it_was():
    lin = torch.nn.Linear(2, 2)
    x = torch.ones(1, 2)
    plain = lin(x)
    seen = []
    before = module_hook(lin, "double", before=lambda m, args: (args[0] * 2,))
    after = module_hook(lin, "plus", after=lambda m, args, out: seen.append(args[0].sum().item()) or out + 1)
    doubled = torch.nn.functional.linear(x * 2, lin.weight, lin.bias)
    # hooks nest: the later one wraps the earlier, so its ``after`` sees the call as it came (not doubled)
    assert torch.allclose(lin(x), doubled + 1) and seen[-1] == 2.0
    both = module_hook(lin, "both", before=lambda m, args: (args[0] * 3,),
                       after=lambda m, args, out: seen.append(args[0].sum().item()))
    lin(x)
    assert seen[-1] == 6.0  # one hook's ``after`` sees what its ``before`` gave, as torch's hooks do
    both.remove()
    after.remove()
    assert torch.allclose(lin(x), doubled)
    before.remove()
    before.remove()  # twice: nothing, as torch's handle
    assert "forward" not in lin.__dict__ and torch.equal(lin(x), plain)


def test_a_hook_under_a_name_taken_on_that_module_is_refused():
    lin = torch.nn.Linear(2, 2)
    h = module_hook(lin, "same", after=lambda m, args, out: None)
    try:
        module_hook(lin, "same", after=lambda m, args, out: None)
        raise AssertionError("a second hook under one name was taken")
    except ValueError:
        pass
    h.remove()
    module_hook(lin, "same", after=lambda m, args, out: None).remove()
    assert "forward" not in lin.__dict__
