"""Training dynamics of a small MLP on 2-D toy datasets (numpy only).

Run as `python experiment.py --out_dir=run_i`. Writes `<out_dir>/final_info.json` in the seed's
format ({dataset: {"means": {...}, "stds": {...}}}) and `<out_dir>/curves.json` (mean loss curves).
Every reported number is rounded to 4 decimals here, so the paper can quote them verbatim.
"""
import argparse
import json
import math
import os
import time

# One BLAS thread: the sandbox gives us one core, and single-threaded sums keep runs bit-identical.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402

# Divergence is detected explicitly (non-finite weights, exploded loss); overflow warnings would only
# bury the real error in the stderr tail the coder gets back.
np.seterr(over="ignore", invalid="ignore")

# Knobs: optimizer "sgd" (heavy-ball with `momentum`; 0 = plain SGD) or "adam" (betas 0.9/0.999);
# activation "tanh" | "relu" | "gelu"; init_scale multiplies the 1/sqrt(fan_in) init std; weight_decay is L2
# on weight matrices; label_noise is the fraction of training labels flipped (validation stays clean).
# --- scientist:params begin (the rules coder rewrites this block) ---
PARAMS = {"learning_rate": 0.05, "width": 32, "depth": 1, "init_scale": 1.0, "optimizer": "sgd", "momentum": 0.9, "weight_decay": 0.0, "label_noise": 0.0, "activation": "tanh", "epochs": 300, "batch_size": 32}
# --- scientist:params end ---

DATASETS = ["moons", "circles", "spirals"]
DATA_SEEDS = {"moons": 11, "circles": 12, "spirals": 13}  # fixed: every run sees the same points
TRAIN_SEEDS = [0, 1, 2]
N_TRAIN, N_VAL = 500, 1000
N_CURVE_POINTS = 80  # evenly spaced loss evaluations, plus every one of the first EARLY_EPOCHS
EARLY_EPOCHS = 20  # dense early, where epochs_to_90 is decided
DIVERGED_LOSS = 10.0  # loss reported for a run whose weights became non-finite (JSON has no NaN)


# ---------------------------------------------------------------- data
def make_moons(n, rng):
    n_out = n // 2
    n_in = n - n_out
    t_out = rng.uniform(0, math.pi, n_out)
    t_in = rng.uniform(0, math.pi, n_in)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1)])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    x += rng.normal(0, 0.2, x.shape)
    return (x - np.array([0.5, 0.25])) / np.array([0.85, 0.5]), y


def make_circles(n, rng):
    n_out = n // 2
    n_in = n - n_out
    t = rng.uniform(0, 2 * math.pi, n)
    r = np.concatenate([np.ones(n_out), 0.5 * np.ones(n_in)])
    x = np.stack([r * np.cos(t), r * np.sin(t)], 1) + rng.normal(0, 0.1, (n, 2))
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    return x / 0.7, y


def make_spirals(n, rng):
    n_a = n // 2
    t = np.sqrt(rng.uniform(0.05, 1, n)) * 4 * math.pi
    arm = np.concatenate([np.zeros(n_a), np.ones(n - n_a)])
    angle = t + math.pi * arm
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], 1) / (4 * math.pi)
    x += rng.normal(0, 0.04, x.shape)
    return x / 0.6, arm


GENERATORS = {"moons": make_moons, "circles": make_circles, "spirals": make_spirals}


def load_dataset(name):
    rng = np.random.default_rng(DATA_SEEDS[name])
    x, y = GENERATORS[name](N_TRAIN + N_VAL, rng)
    order = rng.permutation(len(y))
    x, y = x[order], y[order]
    return x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:]


def corrupt_labels(y, fraction, rng):
    """Flip a fixed fraction of training labels; validation labels stay clean."""
    y = y.copy()
    n_flip = int(round(fraction * len(y)))
    if n_flip > 0:
        idx = rng.choice(len(y), n_flip, replace=False)
        y[idx] = 1 - y[idx]
    return y


# ---------------------------------------------------------------- model
def activation(name):
    if name == "tanh":
        return np.tanh, lambda h, a: 1 - a * a
    if name == "relu":
        return lambda h: np.maximum(h, 0), lambda h, a: (h > 0).astype(h.dtype)
    if name == "gelu":  # tanh approximation
        c = math.sqrt(2 / math.pi)

        # h * h * h, not h ** 3: numpy's generic power is several times slower than two multiplies
        def f(h):
            return 0.5 * h * (1 + np.tanh(c * (h + 0.044715 * h * h * h)))

        def df(h, a):
            h2 = h * h
            u = np.tanh(c * h * (1 + 0.044715 * h2))
            return 0.5 * (1 + u) + 0.5 * h * (1 - u * u) * c * (1 + 3 * 0.044715 * h2)

        return f, df
    raise ValueError(f"unknown activation {name!r}")


def init_params(rng, p):
    sizes = [2] + [int(p["width"])] * int(p["depth"]) + [1]
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        w = rng.normal(0, p["init_scale"] / math.sqrt(fan_in), (fan_in, fan_out))
        weights += [w, np.zeros(fan_out)]
    return weights


def forward(weights, x, act):
    cache, a = [], x
    n_layers = len(weights) // 2
    for i in range(n_layers):
        h = a @ weights[2 * i] + weights[2 * i + 1]
        if i < n_layers - 1:
            out = act(h)
            cache.append((a, h, out))
            a = out
        else:
            cache.append((a, h, None))
            a = h
    return a[:, 0], cache


def bce_from_logits(z, y):
    # log(1 + e^z) - y z, written stably
    return float(np.mean(np.logaddexp(0, z) - y * z))


def backward(weights, cache, z, y, dact):
    grads = [None] * len(weights)
    g = (0.5 * (1 + np.tanh(0.5 * z)) - y)[:, None] / len(y)  # sigmoid via tanh: no overflow, no clip
    for i in reversed(range(len(weights) // 2)):
        a_in, h, out = cache[i]
        if out is not None:
            g = g * dact(h, out)
        grads[2 * i] = a_in.T @ g
        grads[2 * i + 1] = g.sum(0)
        g = g @ weights[2 * i].T
    return grads


class Optimizer:
    def __init__(self, weights, p):
        self.kind, self.lr = p["optimizer"], p["learning_rate"]
        self.mu, self.wd, self.t = p["momentum"], p["weight_decay"], 0
        if self.kind == "momentum":  # accepted alias: heavy-ball SGD is "sgd" with momentum > 0
            self.kind = "sgd"
        if self.kind not in ("sgd", "adam"):
            raise ValueError(f"unknown optimizer {self.kind!r}")
        self.m = [np.zeros_like(w) for w in weights]
        self.v = [np.zeros_like(w) for w in weights]

    def step(self, weights, grads):
        self.t += 1
        for i, (w, g) in enumerate(zip(weights, grads)):
            if self.wd and w.ndim == 2:  # L2 on weight matrices only, not biases
                g = g + self.wd * w
            if self.kind == "sgd":  # as torch.optim.SGD: momentum 0 is plain SGD
                self.m[i] = self.mu * self.m[i] + g
                w -= self.lr * self.m[i]
            else:
                self.m[i] = 0.9 * self.m[i] + 0.1 * g
                self.v[i] = 0.999 * self.v[i] + 0.001 * g * g
                m_hat = self.m[i] / (1 - 0.9 ** self.t)
                v_hat = self.v[i] / (1 - 0.999 ** self.t)
                w -= self.lr * m_hat / (np.sqrt(v_hat) + 1e-8)


# ---------------------------------------------------------------- training
def evaluate(weights, x, y, act):
    z, _ = forward(weights, x, act)
    return bce_from_logits(z, y), float(np.mean((z > 0) == (y > 0.5)))


def train_one(data, seed, p):
    x_tr, y_tr_clean, x_va, y_va = data
    rng = np.random.default_rng(1000 + seed)
    y_tr = corrupt_labels(y_tr_clean, p["label_noise"], rng)
    act, dact = activation(p["activation"])
    weights = init_params(rng, p)
    opt = Optimizer(weights, p)
    bs = int(p["batch_size"])
    n_epochs = int(p["epochs"])
    eval_at = set(eval_epochs(n_epochs))
    train_curve, val_curve = [], []
    epochs_to_90, diverged = None, False
    for epoch in range(1, n_epochs + 1):
        order = rng.permutation(len(y_tr))
        for start in range(0, len(order), bs):
            idx = order[start:start + bs]
            z, cache = forward(weights, x_tr[idx], act)
            opt.step(weights, backward(weights, cache, z, y_tr[idx], dact))
        if not all(np.all(np.isfinite(w)) for w in weights):
            diverged = True
            break
        # Full-data evaluation costs more than an epoch of small batches on wide nets: only at eval_at.
        if epoch not in eval_at:
            continue
        tr_loss, _ = evaluate(weights, x_tr, y_tr, act)
        va_loss, va_acc = evaluate(weights, x_va, y_va, act)
        train_curve.append(min(tr_loss, DIVERGED_LOSS))
        val_curve.append(min(va_loss, DIVERGED_LOSS))
        if epochs_to_90 is None and va_acc >= 0.9:
            epochs_to_90 = epoch
    # finite but exploded (loss far above chance, log 2) counts as diverged too
    diverged = diverged or not train_curve or not train_curve[-1] < DIVERGED_LOSS
    if diverged:
        tr_loss = va_loss = DIVERGED_LOSS
        tr_acc = va_acc = 0.5
        pad = len(eval_at) - len(train_curve)
        train_curve += [DIVERGED_LOSS] * pad
        val_curve += [DIVERGED_LOSS] * pad
    else:
        tr_loss, _ = evaluate(weights, x_tr, y_tr, act)
        _, tr_acc = evaluate(weights, x_tr, y_tr_clean, act)  # accuracy against the true labels
        va_loss, va_acc = evaluate(weights, x_va, y_va, act)
    metrics = {
        "val_acc": va_acc,
        "train_acc": tr_acc,
        "train_loss": min(tr_loss, DIVERGED_LOSS),
        "val_loss": min(va_loss, DIVERGED_LOSS),
        "generalization_gap": min(va_loss, DIVERGED_LOSS) - min(tr_loss, DIVERGED_LOSS),
        # never reaching 90% counts as the full budget, so the mean stays a number
        "epochs_to_90": float(epochs_to_90 if epochs_to_90 is not None else n_epochs),
        "diverged": float(diverged),
    }
    return metrics, train_curve, val_curve


def eval_epochs(n_epochs):
    """Epochs (1-based) after which losses are measured: every early one, then evenly spaced."""
    spaced = np.linspace(1, n_epochs, N_CURVE_POINTS).round().astype(int).tolist() if n_epochs > 0 else []
    return sorted(set(range(1, min(n_epochs, EARLY_EPOCHS) + 1)) | set(spaced))


def r4(x):
    return round(float(x), 4)


def main():
    parser = argparse.ArgumentParser(description="MLP training dynamics on 2-D datasets")
    parser.add_argument("--out_dir", type=str, default="run_0")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    print("PARAMS", json.dumps(PARAMS))
    final_info, curves = {}, {}
    for name in DATASETS:
        t0 = time.time()
        data = load_dataset(name)
        runs = [train_one(data, seed, PARAMS) for seed in TRAIN_SEEDS]
        keys = list(runs[0][0].keys())
        final_info[name] = {
            "means": {k: r4(np.mean([r[0][k] for r in runs])) for k in keys},
            "stds": {k: r4(np.std([r[0][k] for r in runs])) for k in keys},
        }
        curves[name] = {"epoch": eval_epochs(int(PARAMS["epochs"])),
                        "train_loss": [r4(v) for v in np.mean([r[1] for r in runs], 0)],
                        "val_loss": [r4(v) for v in np.mean([r[2] for r in runs], 0)]}
        m = final_info[name]["means"]
        print(f"{name}: val_acc={m['val_acc']} train_loss={m['train_loss']} "
              f"val_loss={m['val_loss']} ({time.time() - t0:.1f}s)")
    with open(os.path.join(args.out_dir, "final_info.json"), "w") as f:
        json.dump(final_info, f, indent=2)
    with open(os.path.join(args.out_dir, "curves.json"), "w") as f:
        json.dump(curves, f)


if __name__ == "__main__":
    main()
