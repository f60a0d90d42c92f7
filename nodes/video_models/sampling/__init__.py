"""Running a pipeline as a node: the generator nodes, the sampler, Stop hooks, live previews, prompt schedules."""
