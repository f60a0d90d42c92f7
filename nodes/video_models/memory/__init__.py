"""Where a model's weights live while it runs and how fast it runs: memory modes, block residency, speed settings."""
