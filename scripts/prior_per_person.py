"""Does an encoder pretrained with one decoder PER person help a new pair? (ARCHITECTURE.md, "The face prior")

The shipped recipe's generic-decoder prior made a new pair worse; this is the design named as the
next step: the classroom model's encoder trained with 16 decoders on 16 twins of seed 1 (200
pictures each, 4 per twin and step, for PRIOR_MINUTES), then the unseen pair of seed 2
(``swap.prior.UNSEEN_PAIR_DATA``) trained for PAIR_STEPS from that encoder with random decoders
("encoder"), from random weights ("scratch"), or with the prior's first two decoders too
("encoder+decoders"); swap SSIM against the true answer every 400 steps.

    python scripts/prior_per_person.py PRIOR_MINUTES PAIR_STEPS MODES [FOLDER]
    python scripts/prior_per_person.py 25 1600 encoder,scratch      # what ARCHITECTURE.md reports
"""
import sys, time, json, copy, numpy as np, torch
from pathlib import Path
from deepfake_edu.data.twins import generate_twins_dataset
from deepfake_edu.data.dataset import load_dataset
from deepfake_edu.swap.facesets import load_face_sets
from deepfake_edu.swap.metrics import true_answer_sets, evaluate_swaps
from deepfake_edu.swap.train import SwapTask, preset_augment
from deepfake_edu.swap.model import SwapConfig, FaceSwapModel
from deepfake_edu.training import seed_everything
from deepfake_edu.swap.prior import UNSEEN_PAIR_DATA
torch.set_num_threads(1)
from deepfake_edu.paths import runs_dir

W = Path(sys.argv[4]) if len(sys.argv) > 4 else runs_dir() / "prior-per-person"  # the lab home's runs/, never the clone

def task_for(fs, batch, seed):
    faces = [torch.from_numpy(f) for f in fs.faces]
    masks = [torch.from_numpy(m) for m in fs.masks] if fs.masks is not None else None
    return SwapTask(faces, batch, seed, preset_augment("classroom"), masks, "l1", 1.0, 2.0)

def train(model, task, steps=None, seconds=None, every=None, sets=None, tag=""):
    opt = torch.optim.Adam(model.parameters(), lr=model.config.learning_rate, betas=(0.5, 0.999))
    t0, step, log = time.time(), 0, []
    model.train()
    while (steps is None or step < steps) and (seconds is None or time.time() - t0 < seconds):
        step += 1
        loss, _ = task.loss_fn(model, task.make_batch(step, 0, 1))
        opt.zero_grad(); loss.backward(); opt.step()
        if every and step % every == 0:
            if sets:
                r = evaluate_swaps(model, sets); model.train()
                log.append({"step": step, "s": round(time.time() - t0), "swap_ssim": round(r["swap_ssim"], 4), "swap_face_ssim": round(r["swap_face_ssim"], 4)})
            else:
                log.append({"step": step, "s": round(time.time() - t0), "loss": round(float(loss.detach()), 4)})
            print(tag, log[-1], flush=True)
    return step, log

if __name__ == "__main__":
    prior_minutes, pair_steps = float(sys.argv[1]), int(sys.argv[2])
    W.mkdir(parents=True, exist_ok=True)
    if not (W / "prior-data" / "dataset.json").exists():
        generate_twins_dataset(W / "prior-data", identities=16, per_identity=200, size=128, seed=1, workers=1)
    if not (W / "pair-data" / "dataset.json").exists():
        generate_twins_dataset(W / "pair-data", workers=1, **UNSEEN_PAIR_DATA)
    results = {}
    prior_path = W / "prior.pt"
    if not prior_path.exists():
        people = load_dataset(str(W / "prior-data")).identities()
        fs = load_face_sets([str(W / "prior-data")], people, 64, None)
        seed_everything(1)
        prior = FaceSwapModel(SwapConfig.from_preset("classroom", n_identities=len(people)))
        steps, log = train(prior, task_for(fs, 4, 1), seconds=prior_minutes * 60, every=500, tag="prior")
        torch.save(prior.state_dict(), prior_path)
        results["prior"] = {"identities": len(people), "batch_per_identity": 4, "steps": steps, "minutes": prior_minutes, "log": log}
    prior_state = torch.load(prior_path)
    fs = load_face_sets([str(W / "pair-data")], None, 64, None)
    sets = true_answer_sets(fs, 64, 64)
    for mode in sys.argv[3].split(","):
        seed_everything(0)
        model = FaceSwapModel(SwapConfig.from_preset("classroom", n_identities=2))
        if mode in ("encoder", "encoder+decoders"):
            model.encoder.load_state_dict({k[len("encoder."):]: v for k, v in prior_state.items() if k.startswith("encoder.")})
        if mode == "encoder+decoders":
            for i in (0, 1):
                model.decoders[i].load_state_dict({k[len(f"decoders.{i}."):]: v for k, v in prior_state.items() if k.startswith(f"decoders.{i}.")})
        steps, log = train(model, task_for(fs, 16, 0), steps=pair_steps, every=400, sets=sets, tag=mode)
        results[mode] = log
        json.dump(results, open(W / f"results-{sys.argv[3]}.json", "w"), indent=1)
