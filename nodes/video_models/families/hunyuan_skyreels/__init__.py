"""SkyReels V1 (Skywork): HunyuanVideo fine-tuned for image to video."""
