"""The face-swap autoencoder ("make a fake"): one shared encoder, one decoder per person.

model: the network and its presets; losses: L1/MSE + SSIM; augment: warps, flips, colour on the
device; train: training on two or more identities; convert: swapping photos and videos;
metrics: SSIM/PSNR of a swap against the twins' true answer; commands/bench: the CLI.
"""
