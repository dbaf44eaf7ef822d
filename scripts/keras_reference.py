"""The authors' MesoNet in Keras: reference logits and timings for the PyTorch port.

A STANDALONE script: it never imports deepfake_edu and runs under a separate Python that has
TensorFlow (the lab itself never needs TensorFlow). Make that Python once, outside the repo:

    python3 -m venv /tmp/tfenv && /tmp/tfenv/bin/pip install tensorflow-cpu h5py numpy pillow

Modes:

    # Reference logits (pre-sigmoid, the authors' orientation: sigmoid(logit) = P(real))
    /tmp/tfenv/bin/python scripts/keras_reference.py logits \
        --weights ../shared/mesonet-original/weights/*.h5 \
        --images ../shared/mesonet-original/test_images/*/*.jpg \
        --random 3 --seed 0 --out tests/detect/keras_reference_logits.json

    # Timing server used by `deepfake-edu bench detect --keras-python ...`: reads one JSON
    # request per line on stdin ({"batch": 32, "seconds": 2.0}), answers one JSON line each.
    /tmp/tfenv/bin/python scripts/keras_reference.py serve-timing --arch meso4 --threads 2

The architecture is rebuilt from the authors' classifiers.py (DariusAf/MesoNet) with the last
Dense layer left linear so that its output is the logit the sigmoid would receive. The weight
files are weights-only HDF5 written by Keras 2.1.5; layers are matched BY NAME: the file's
Keras auto-names (conv2d_5, batch_normalization_5, ...) number layers in creation order, so the
k-th Conv2D created by the authors' code gets the k-th smallest conv2d number in the file.
The script also loads each file the authors' way (Keras' topological order) and records whether
both loads give the same logits.

Images are read as the authors' example.py reads them (Keras ImageDataGenerator with
target_size=(256, 256): PIL decode, RGB, NEAREST resize, then pixels / 255). Each image's
resized uint8 array is recorded by SHA-256, so a test can check it feeds the port the very
same pixels.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

IMAGE_SIZE = 256
RANDOM_RECIPE = "numpy.random.default_rng(seed).random((count, 256, 256, 3), dtype=numpy.float32)"


def _quiet_tensorflow(threads: int | None) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    if threads:
        # Must be set before TensorFlow starts its thread pools.
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)


def build_model(arch: str):
    """The authors' Meso4 / MesoInception4, last Dense linear (outputs the logit of P(real))."""
    from keras import Model, layers

    created = []  # every layer in creation order; the weight files number layers this way

    def conv(filters, size, dilation=1):
        created.append(layers.Conv2D(filters, (size, size), dilation_rate=dilation, padding="same", activation="relu"))
        return created[-1]

    def norm():
        created.append(layers.BatchNormalization())
        return created[-1]

    def dense(units):
        created.append(layers.Dense(units))
        return created[-1]

    def inception(x, a, b, c, d):
        # Creation order matters for the name matching: a, b-1x1, b-3x3, c-1x1, c-dil2, d-1x1, d-dil3.
        x1 = conv(a, 1)(x)
        x2 = conv(b, 1)(x)
        x2 = conv(b, 3)(x2)
        x3 = conv(c, 1)(x)
        x3 = conv(c, 3, dilation=2)(x3)
        x4 = conv(d, 1)(x)
        x4 = conv(d, 3, dilation=3)(x4)
        return layers.Concatenate(axis=-1)([x1, x2, x3, x4])

    inputs = layers.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 3))
    if arch == "meso4":
        x = conv(8, 3)(inputs)
        x = norm()(x)
        x = layers.MaxPooling2D(pool_size=(2, 2), padding="same")(x)
        x = conv(8, 5)(x)
    elif arch == "mesoinception4":
        x = inception(inputs, 1, 4, 4, 2)
        x = norm()(x)
        x = layers.MaxPooling2D(pool_size=(2, 2), padding="same")(x)
        x = inception(x, 2, 4, 4, 2)
    else:
        raise SystemExit(f"unknown arch {arch!r}")
    x = norm()(x)
    x = layers.MaxPooling2D(pool_size=(2, 2), padding="same")(x)
    x = conv(16, 5)(x)
    x = norm()(x)
    x = layers.MaxPooling2D(pool_size=(2, 2), padding="same")(x)
    x = conv(16, 5)(x)
    x = norm()(x)
    x = layers.MaxPooling2D(pool_size=(4, 4), padding="same")(x)
    y = layers.Flatten()(x)
    y = layers.Dropout(0.5)(y)
    y = dense(16)(y)
    y = layers.LeakyReLU(negative_slope=0.1)(y)
    y = layers.Dropout(0.5)(y)
    logit = dense(1)(y)  # the authors apply activation="sigmoid" here
    model = Model(inputs, logit)
    model.created_layers = created
    return model


def arch_of(weights_path: Path) -> str:
    import h5py

    with h5py.File(weights_path, "r") as handle:
        names = [n.decode() if isinstance(n, bytes) else n for n in handle.attrs["layer_names"]]
    return "mesoinception4" if any(n.startswith("concatenate") for n in names) else "meso4"


def _suffix(name: str) -> int:
    match = re.search(r"_(\d+)$", name)
    return int(match.group(1)) if match else 0


def load_by_creation_order(model, weights_path: Path) -> None:
    """Rename the model's layers to the file's names (k-th created <-> k-th numbered), load by name."""
    import h5py

    with h5py.File(weights_path, "r") as handle:
        file_names = [n.decode() if isinstance(n, bytes) else n for n in handle.attrs["layer_names"]]
    kinds = {"Conv2D": "conv2d", "BatchNormalization": "batch_normalization", "Dense": "dense"}
    for class_name, prefix in kinds.items():
        ours = [layer for layer in model.created_layers if type(layer).__name__ == class_name]
        theirs = sorted((n for n in file_names if re.fullmatch(prefix + r"_\d+", n)), key=_suffix)
        if len(ours) != len(theirs):
            raise SystemExit(f"{weights_path}: {len(theirs)} {class_name} layers in the file, model has {len(ours)}")
        for layer, name in zip(ours, theirs):
            layer.name = name  # Keras 3 allows renaming before loading
    model.load_weights(str(weights_path), by_name=True)


def read_authors_image(path: Path):
    """uint8 RGB (256, 256, 3) as Keras' load_img(target_size=(256, 256)) gives it (NEAREST)."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("RGB")
        original = image.size
        if image.size != (IMAGE_SIZE, IMAGE_SIZE):
            image = image.resize((IMAGE_SIZE, IMAGE_SIZE), Image.NEAREST)
        return np.asarray(image, dtype=np.uint8), original


def command_logits(args) -> int:
    _quiet_tensorflow(args.threads)
    import keras
    import numpy as np

    images, records = [], []
    for path in args.images:
        pixels, original = read_authors_image(Path(path))
        images.append(pixels)
        records.append({
            "path": Path(path).parent.name + "/" + Path(path).name,  # e.g. df/df00204.jpg
            "original_size": list(original),
            "uint8_sha256": hashlib.sha256(pixels.tobytes()).hexdigest(),
        })
    image_batch = np.stack(images).astype(np.float32) / 255.0 if images else None
    random_batch = np.random.default_rng(args.seed).random((args.random, IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.float32)

    results = {}
    for weights in args.weights:
        weights = Path(weights)
        arch = arch_of(weights)
        model = build_model(arch)
        load_by_creation_order(model, weights)
        topological = build_model(arch)
        topological.load_weights(str(weights))  # how the authors' classifier.load() did it
        entry = {"arch": arch}
        for key, batch in (("images", image_batch), ("random", random_batch)):
            if batch is None or len(batch) == 0:
                continue
            logits = np.asarray(model(batch, training=False)).reshape(-1).astype(np.float64)
            other = np.asarray(topological(batch, training=False)).reshape(-1).astype(np.float64)
            entry[f"{key}_logits"] = logits.tolist()
            entry[f"{key}_p_real"] = (1 / (1 + np.exp(-logits))).tolist()
            entry[f"{key}_topological_load_max_abs_diff"] = float(np.max(np.abs(logits - other)))
        results[weights.name] = entry
        print(f"{weights.name} ({arch}):", " ".join(f"{v:+.4f}" for v in entry.get("images_logits", [])), file=sys.stderr)

    document = {
        "about": "Pre-sigmoid logits of the authors' Keras MesoNet models; sigmoid(logit) = P(real) "
                 "(their folders: df = 0, real = 1). Written by scripts/keras_reference.py.",
        "keras_version": keras.__version__,
        "images": records,
        "image_reading": "PIL decode, convert('RGB'), resize to 256x256 with NEAREST if needed (Keras load_img default), "
                         "float32 pixels / 255, channels last",
        "random_inputs": {"recipe": RANDOM_RECIPE, "seed": args.seed, "count": args.random},
        "weights": results,
    }
    text = json.dumps(document, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n")
    else:
        print(text)
    return 0


def command_serve_timing(args) -> int:
    """Answer timing requests on stdin; each runs the compiled model on random input for a time window."""
    _quiet_tensorflow(args.threads)
    import numpy as np
    import tensorflow as tf

    model = build_model(args.arch)
    if args.weights:
        load_by_creation_order(model, Path(args.weights))
    compiled = {}

    def runner(batch):
        if batch not in compiled:
            function = tf.function(lambda x: model(x, training=False), input_signature=[tf.TensorSpec((batch, IMAGE_SIZE, IMAGE_SIZE, 3), tf.float32)])
            data = tf.constant(np.random.default_rng(0).random((batch, IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.float32))
            for _ in range(3):  # trace and warm up
                function(data).numpy()
            compiled[batch] = (function, data)
        return compiled[batch]

    print(json.dumps({"ready": True, "tensorflow": tf.__version__, "threads": args.threads}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        batch, seconds = int(request["batch"]), float(request.get("seconds", 2.0))
        function, data = runner(batch)
        calls, start = 0, time.perf_counter()
        while True:
            function(data).numpy()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        print(json.dumps({"batch": batch, "calls": calls, "seconds": elapsed, "images_per_s": calls * batch / elapsed}), flush=True)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    logits = sub.add_parser("logits", help="reference logits for images and seeded random inputs")
    logits.add_argument("--weights", nargs="+", required=True, help="the authors' .h5 files")
    logits.add_argument("--images", nargs="*", default=[], help="face crops (any size; resized as the authors did)")
    logits.add_argument("--random", type=int, default=3, help="how many seeded random inputs")
    logits.add_argument("--seed", type=int, default=0)
    logits.add_argument("--threads", type=int, default=0, help="TensorFlow intra-op threads (0: its default)")
    logits.add_argument("--out", help="write the JSON here (default: stdout)")
    logits.set_defaults(run=command_logits)
    serve = sub.add_parser("serve-timing", help="timing server for the benchmark (JSON lines on stdin/stdout)")
    serve.add_argument("--arch", choices=("meso4", "mesoinception4"), default="meso4")
    serve.add_argument("--weights", help="optional .h5 weights (timing does not depend on them)")
    serve.add_argument("--threads", type=int, default=2)
    serve.set_defaults(run=command_serve_timing)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
