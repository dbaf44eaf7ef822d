"""Eye refinement checked on synthetic twins, where the eye centres are known exactly.

Twins (256 px, gaze 0, eyes open, |yaw| <= 12) are pasted into a 640x480 photo at random scale
and rotation. End to end: detect, align, error of the true eyes in the crop (as ground_truth.py).
Refiner only: the true eyes plus noise as the guess, error of the refined eyes in eye gaps
(0.071 gaps ~ 3% of a swap crop), reading the grey frame or its iris_contrast.
"""
import json, cv2, numpy as np, skimage.data
from deepfake_edu.data.twins import make_identities, sample_factors, image_seed, render_face, with_factors, LANDMARK_INDEX
from deepfake_edu.faces.align import apply_affine, align_face
from deepfake_edu.faces.ground_truth import face_at, label_error
from deepfake_edu.faces.backends.opencv import OpenCVBackend, iris_contrast, refine_eye_pair

def cases(n=80, seed=7):
    ids = make_identities(12, seed=seed)
    bg = cv2.resize(skimage.data.coffee(), (640, 480))
    rng = np.random.default_rng(seed)
    for k in range(n):
        ident = ids[k % len(ids)]
        f = sample_factors(image_seed(seed, k % len(ids), k))
        f = with_factors(f, gaze_x=0.0, gaze_y=0.0, blink=0.0, yaw=float(np.clip(f.yaw, -12, 12)), pitch=float(np.clip(f.pitch, -10, 10)))
        r = render_face(ident, f, 256)
        eyes = r.landmarks[[LANDMARK_INDEX["eye_left"], LANDMARK_INDEX["eye_right"]]].astype(np.float64)
        scale = float(np.exp(rng.uniform(np.log(0.25), np.log(1.6))))
        deg = float(rng.uniform(-15, 15))
        cx, cy = rng.uniform(240, 400), rng.uniform(220, 260)
        m = cv2.getRotationMatrix2D((128, 128), deg, scale); m[:, 2] += (cx - 128, cy - 128)
        canvas = bg.copy()
        mask = cv2.warpAffine(np.full((256, 256), 255, np.uint8), m, (640, 480), flags=cv2.INTER_NEAREST)
        warped = cv2.warpAffine(r.image, m, (640, 480), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
        canvas[mask > 0] = warped[mask > 0]
        yield canvas, apply_affine(m, eyes), scale, deg, ident

def evaluate(backend, n=80):
    rows = []
    for canvas, eyes, scale, deg, ident in cases(n):
        face = face_at(backend.detect(canvas), eyes)
        if face is None:
            rows.append(None); continue
        e = [label_error(align_face(canvas, face, k, s), eyes) for k, s in (("swap", 128), ("mesonet", 256))]
        rows.append((e[0], e[1], face.eyes, float(np.linalg.norm(eyes[1]-eyes[0])), deg))
    return rows

def summary(rows):
    ok = [r for r in rows if r is not None]
    out = {"found": f"{len(ok)} of {len(rows)}"}
    for i, k in enumerate(("swap_128", "mesonet_256")):
        v = np.array([r[i] for r in ok])
        out[k] = {"median": round(float(np.median(v)), 4), "p90": round(float(np.percentile(v, 90)), 4), "max": round(float(v.max()), 4), "within_3": f"{int((v <= 0.03).sum())} of {len(v)}"}
    small = np.array([r[0] for r in ok if r[3] < 30]); big = np.array([r[0] for r in ok if r[3] >= 30])
    out["swap_median_gap<30px"] = round(float(np.median(small)), 4) if len(small) else None
    out["swap_median_gap>=30px"] = round(float(np.median(big)), 4) if len(big) else None
    return out


def run(n=80, noise=0.08, wide=False, contrast=True):
    rng = np.random.default_rng(3)
    errs = []
    for canvas, eyes, scale, deg, ident in cases(n):
        grey = iris_contrast(canvas) if contrast else cv2.cvtColor(canvas, cv2.COLOR_RGB2GRAY)
        gap = np.linalg.norm(eyes[1] - eyes[0])
        guess = eyes + rng.normal(0, noise * gap, (2, 2))
        if wide:  # a box estimate: level guesses, both eyes at the mean height
            guess[:, 1] = guess[:, 1].mean()
        l, r = refine_eye_pair(grey, tuple(guess[0]), tuple(guess[1]), searched_wide=wide)
        e = np.linalg.norm(np.array([l, r]) - eyes, axis=1).max() / gap
        errs.append((e, gap))
    return errs

def report(errs, label):
    e = np.array([x[0] for x in errs]); g = np.array([x[1] for x in errs])
    # eye error / gap * 0.42 ~ fraction of a swap crop's width
    f = lambda v: round(float(v), 4)
    print(label, json.dumps({"median_gap_frac": f(np.median(e)), "p90": f(np.percentile(e, 90)), "within_0.07gap(~3%swap)": f"{int((e <= 0.0714).sum())} of {len(e)}",
          "median_small(<30px)": f(np.median(e[g < 30])), "median_large": f(np.median(e[g >= 30]))}))

if __name__ == "__main__":
    # Run from the repository root: PYTHONPATH=. python scripts/eye_refine_twins.py
    for refine in (False, True):
        print("end to end, refine", refine, json.dumps(summary(evaluate(OpenCVBackend(refine_eyes=refine)))))
    for contrast in (False, True):
        image = "iris_contrast" if contrast else "grey"
        report(run(noise=0.0, contrast=contrast), f"refiner only on {image}, guess = truth      ")
        report(run(noise=0.04, contrast=contrast), f"refiner only on {image}, cascade-like guess ")
        report(run(noise=0.08, wide=True, contrast=contrast), f"refiner only on {image}, box-estimate guess ")
