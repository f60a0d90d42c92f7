"""Long takes and keyframes: context windows, continuation, colour held across windows, a take's latent decoded in time tiles, first-last frame and keyframes at any frame."""
