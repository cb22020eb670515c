"""Training benchmark (`make bench`): the original recipe's loop vs notebook 06's loop vs its improved recipe.

In one run, on one machine, with the same SimpleNN (784-128-10), trained on all 60,000 training images:
  (a) original: the original recipe's loop as printed: transforms.ToTensor() + DataLoader(batch 64,
                shuffle), CrossEntropyLoss, Adam lr 1e-3, 5 epochs;
  (b) ours:     the same model and hyperparameters, fed from tensors preloaded on the device and
                batched by index (helpers.training.train), with Adam's fused implementation where this
                torch has it (helpers.training.FUSED_ADAM: the same update rule, in one kernel);
  (c) improved: notebook 06's "training better" recipe (same network, same 5 epochs), 3 seeds:
                standardised inputs, one-cycle lr up to 3e-3 with cycle_momentum=False (Adam's beta1
                stays 0.9, as in the notebook), label smoothing 0.1.
Times cover the 5 training epochs only (not loading the files, not the test pass); (a) and (b)
are each run REPEATS times, interleaved, and the median is reported. (The notebook chooses its recipe on
a validation split; this benchmark only re-measures the chosen recipes, on the test set.)
It prints a table; the LAST line is one JSON object (keys: device, seed_loop_s, ours_s, speedup,
seed_acc, ours_acc, improved_acc, improved_accs, peak_rss_mib; the "seed_" keys are the original recipe's).
Needs MNIST (NN_DATA_DIR or data/). Run: python bench/bench_training.py
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader
from torchvision import transforms

from helpers.data import MNIST_MEAN, MNIST_STD, MNISTNotFoundError, load_mnist, load_mnist_tensors
from helpers.device import pick_device
from helpers.models import SimpleNN
from helpers.training import FUSED_ADAM, evaluate, train

EPOCHS, BATCH, LR = 5, 64, 0.001
IMPROVED_SEEDS = (0, 1, 2)
REPEATS = 3  # (a) and (b) are timed this many times, interleaved; the median time is reported


def original_loop(device, seed: int = 0) -> tuple[float, float]:
    """(a) The original recipe's loop as printed; returns (training seconds, test accuracy)."""
    torch.manual_seed(seed)
    transform = transforms.ToTensor()
    train_dataset = load_mnist(train=True, transform=transform)
    test_dataset = load_mnist(train=False, transform=transform)
    train_loader = DataLoader(train_dataset, batch_size=BATCH, shuffle=True)
    test_loader = DataLoader(test_dataset, batch_size=BATCH, shuffle=False)

    model = SimpleNN().to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=LR)
    sync(device)
    start = time.perf_counter()
    for _epoch in range(EPOCHS):
        for images, labels in train_loader:
            images, labels = images.to(device), labels.to(device)
            optimizer.zero_grad()
            outputs = model(images)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
    sync(device)
    seconds = time.perf_counter() - start

    correct = total = 0
    model.eval()
    with torch.no_grad():
        for images, labels in test_loader:
            images, labels = images.to(device), labels.to(device)
            predicted = model(images).argmax(dim=1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return seconds, correct / total


def ours(data, device, seed: int = 0) -> tuple[float, float]:
    """(b) Notebook 06's path: same model and hyperparameters, preloaded tensors batched by index."""
    (train_x, train_y), test = data
    torch.manual_seed(seed)
    model = SimpleNN().to(device)
    optimizer = optim.Adam(model.parameters(), lr=LR, fused=FUSED_ADAM)
    sync(device)
    start = time.perf_counter()
    train(model, train_x, train_y, EPOCHS, BATCH, optimizer, device, seed=seed, progress=False)
    sync(device)
    return time.perf_counter() - start, evaluate(model, *test)


def improved(data, device, seed: int) -> tuple[float, float]:
    """(c) Notebook 06's "training better": standardised inputs, one-cycle lr up to 3e-3, label smoothing."""
    (train_x, train_y), (test_x, test_y) = data
    train_x, test_x = (train_x - MNIST_MEAN).div_(MNIST_STD), (test_x - MNIST_MEAN).div_(MNIST_STD)
    torch.manual_seed(seed)
    model = SimpleNN().to(device)
    optimizer = optim.Adam(model.parameters(), lr=0.003, fused=FUSED_ADAM)
    steps = (len(train_x) + BATCH - 1) // BATCH
    scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.003, epochs=EPOCHS, steps_per_epoch=steps,
                                              cycle_momentum=False)  # as in notebook 06: beta1 stays 0.9
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    sync(device)
    start = time.perf_counter()
    train(model, train_x, train_y, EPOCHS, BATCH, optimizer, device, scheduler=scheduler, seed=seed,
          loss_fn=loss_fn, progress=False)
    sync(device)
    return time.perf_counter() - start, evaluate(model, test_x, test_y)


def sync(device) -> None:
    """Wait for the GPU to finish, so a timer measures the work and not just its queueing."""
    if device.type == "cuda":
        torch.cuda.synchronize()
    elif device.type == "mps":
        torch.mps.synchronize()


def peak_rss_mib() -> float:
    """The peak resident memory of this process, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> int:
    device, reason = pick_device()
    name = torch.cuda.get_device_name(0) if device.type == "cuda" else platform.processor() or platform.machine()
    print(f"device: {device} ({reason}); torch {torch.__version__}, {torch.get_num_threads()} threads, {name}")
    try:
        data = (load_mnist_tensors(True, device=device), load_mnist_tensors(False, device=device))
    except MNISTNotFoundError as err:
        print(err, file=sys.stderr)
        return 1

    rows = []
    seed_runs, ours_runs = [], []
    for _ in range(REPEATS):  # interleaved, so a busy moment on the machine hits both alike
        seed_runs.append(original_loop(device))
        ours_runs.append(ours(data, device))
    seed_s, seed_acc = statistics.median(t for t, _ in seed_runs), seed_runs[0][1]  # same seed: same accuracy
    ours_s, ours_acc = statistics.median(t for t, _ in ours_runs), ours_runs[0][1]
    spread = lambda runs: f"  (runs: {', '.join(f'{t:.2f}' for t, _ in runs)} s)"  # noqa: E731
    rows.append((f"(a) original loop: ToTensor + DataLoader, median of {REPEATS}", seed_s, seed_acc))
    fused = "fused Adam" if FUSED_ADAM else "Adam (fused needs torch >= 2.4)"
    rows.append((f"(b) ours: preloaded tensors, {fused}, median of {REPEATS}", ours_s, ours_acc))
    runs = [improved(data, device, seed) for seed in IMPROVED_SEEDS]
    for seed, (s, acc) in zip(IMPROVED_SEEDS, runs, strict=True):
        rows.append((f"(c) improved recipe, random seed {seed}", s, acc))
    accs = [acc for _, acc in runs]

    print(f"\n{'run':<56} {'train 5 epochs (s)':>19} {'test acc':>9}")
    for label, seconds, acc in rows:
        print(f"{label:<56} {seconds:>19.2f} {acc:>9.2%}")
    print(f"(a){spread(seed_runs)}   (b){spread(ours_runs)}")
    print(f"speedup (a)/(b): {seed_s / ours_s:.1f}x    improved, median of {len(accs)} seeds: "
          f"{statistics.median(accs):.2%}")
    result = {
        "device": str(device), "seed_loop_s": round(seed_s, 2), "ours_s": round(ours_s, 2),
        "speedup": round(seed_s / ours_s, 2), "seed_acc": round(seed_acc, 4), "ours_acc": round(ours_acc, 4),
        "improved_acc": round(statistics.median(accs), 4), "improved_accs": [round(a, 4) for a in accs],
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
