"""Scripts run from the project folder (python -m scripts.<name>), never imported by the product (studio/, nodes/)."""
