"""Forensics and explanation: the noise-residual baseline (microscopic scale), the compression
study, Grad-CAM / layer activations / occlusion by facial region, and the generalisation study.

Modules: ``noise``, ``compression``, ``explain``, ``generalise``, ``toy`` (toy noise-signature
sets), ``commands`` (CLI). Import the module you need; nothing heavy is imported here.
"""
