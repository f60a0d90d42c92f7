"""Screenshot and demo scripts (python -m scripts.shots...): the README pictures."""
