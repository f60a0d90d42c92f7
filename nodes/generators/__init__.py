"""Generator and training nodes: captioned datasets (clips of one shape, scenes of several, a
folder), a video VAE, a spatio-temporal GAN and video diffusion (motion as a generated dense
flow field by default: ``flowvideo``), trained in the app (train node with live loss, previews,
checkpoints, resume, cancel), sampled from a prompt, and scored (PSNR, SSIM, warping error, an
analyser of the objects of the synthetic clips).

Only ``nodes.generators.*`` modules that declare nodes are registered; helpers live beside them.
"""
