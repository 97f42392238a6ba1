"""Plots for the MLP-dynamics template, in the seed's style: edit `labels`, run `python plot.py`.

Discovers every `run_*` folder that holds a final_info.json (missing or failed runs are simply left out)
and writes val_acc.png (bars per dataset per run), train_loss.png and val_loss.png (mean loss curves).
"""
import json
import os
import os.path as osp
import re

import matplotlib

matplotlib.use("Agg")  # no display in the sandbox
import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# CREATE LEGEND -- PLEASE FILL IN YOUR RUN NAMES HERE
# Keep the names short, as these will be in the legend.
labels = {
    "run_0": "Baseline",
}


def run_number(name):
    match = re.match(r"run_(\d+)$", name)
    return int(match.group(1)) if match else None


# LOAD FINAL RESULTS (run_10 sorts after run_9)
final_results, curves = {}, {}
for folder in sorted(os.listdir("."), key=lambda f: (run_number(f) is None, run_number(f) or 0, f)):
    if run_number(folder) is None or not osp.isfile(osp.join(folder, "final_info.json")):
        continue
    with open(osp.join(folder, "final_info.json")) as f:
        final_results[folder] = json.load(f)
    if osp.isfile(osp.join(folder, "curves.json")):
        with open(osp.join(folder, "curves.json")) as f:
            curves[folder] = json.load(f)

runs = list(final_results.keys())
for run in runs:  # use the run key as the default label if not specified
    labels.setdefault(run, run)
datasets = []
for run in runs:
    datasets += [d for d in final_results[run] if d not in datasets]


def generate_color_palette(n):
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    return [mcolors.rgb2hex(cmap(i % cmap.N)) for i in range(n)]


colors = generate_color_palette(max(len(runs), 1))

if not runs:
    print("no run_* folder with final_info.json; nothing to plot")
else:
    # Plot 1: validation accuracy, one group of bars per dataset, one bar per run (error bar = seed std)
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(datasets) * len(runs) / 2), 4))
    width = 0.8 / len(runs)
    x = np.arange(len(datasets))
    for i, run in enumerate(runs):
        means = [final_results[run].get(d, {}).get("means", {}).get("val_acc", np.nan) for d in datasets]
        stds = [final_results[run].get(d, {}).get("stds", {}).get("val_acc", 0.0) for d in datasets]
        ax.bar(x + (i - (len(runs) - 1) / 2) * width, means, width, yerr=stds, capsize=3,
               label=labels[run], color=colors[i])
    ax.set_xticks(x)
    ax.set_xticklabels(datasets)
    ax.set_ylabel("Validation accuracy")
    ax.set_ylim(0.4, 1.0)
    ax.legend(fontsize="small")
    ax.set_title("Validation accuracy (mean over seeds)")
    plt.tight_layout()
    plt.savefig("val_acc.png")
    plt.close(fig)

    # Plots 2 and 3: mean training / validation loss curves per dataset
    for key, title in [("train_loss", "Training loss"), ("val_loss", "Validation loss")]:
        fig, axs = plt.subplots(1, len(datasets), figsize=(4.5 * len(datasets), 3.5), squeeze=False)
        for j, dataset in enumerate(datasets):
            ax = axs[0, j]
            for i, run in enumerate(runs):
                curve = curves.get(run, {}).get(dataset)
                if curve and key in curve:
                    ax.plot(curve["epoch"], curve[key], label=labels[run], color=colors[i])
            ax.set_title(dataset)
            ax.set_xlabel("Epoch")
            ax.set_ylabel(title)
            ax.set_yscale("log")
            ax.legend(fontsize="small")
        plt.tight_layout()
        plt.savefig(f"{key}.png")
        plt.close(fig)
    print(f"plotted {len(runs)} runs: {', '.join(runs)}")
