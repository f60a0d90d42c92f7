"""What a read workflow's nodes mean, traced back from an output: each node's role from its types (roles.py),
the task and the Studio generator that does it (tasks.py), the sampler's settings and the nearest diffusers
scheduler (sampling.py), the guider's (guiders.py), the prompts (prompts.py), and the walks the builder and the
takes share (walks.py: upstream, an output's samplers, a port's file loader). Plain data: it makes no node."""
