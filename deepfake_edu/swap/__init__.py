"""The face-swap autoencoder ("make a fake"): one shared encoder, one decoder per person.

model: the network and its presets; losses: L1/MSE + SSIM; augment: warps, flips, colour on the
device; facesets: the faces of each person, as the model sees them; train: training on two or
more identities; timelapse: preview grids and the training timelapse; convert: swapping photos
and videos; metrics: SSIM/PSNR of a swap against the twins' true answer; commands/bench: the CLI.
"""
