"""Train and evaluate a digit classifier on tensors that already sit on the device.

The whole data set is one tensor in memory (on the GPU if there is one). An epoch shuffles
the row numbers with `torch.randperm` and walks through them `batch_size` at a time, so a
batch is one indexing operation, not 64 separate image conversions.

    history = train(model, images, labels, epochs=5, batch_size=64, optimizer=opt, device=device)
    evaluate(model, val_images, val_labels)   # -> accuracy, e.g. 0.9768

Independent runs (other seeds, other recipes) can share the CPU cores with `run_in_parallel`.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable

import torch
import torch.nn as nn
from tqdm.auto import tqdm

from helpers.device import usable_cpus
from helpers.errors import CourseError

NUM_CLASSES = 10
TORCH_VERSION = tuple(int(part) for part in torch.__version__.split("+")[0].split(".")[:2])  # e.g. (2, 4)
# Adam(fused=True) updates every weight in one combined kernel. On a CPU that kernel exists only from
# torch 2.4 on (before, fused=True raises on a CPU tensor), so ask for it only where it exists.
# The update rule is the same either way; only the speed differs.
FUSED_ADAM = TORCH_VERSION >= (2, 4)


MAX_WORKERS = 4  # each process holds its own model and batches: a cap keeps memory modest on many-core machines
_job: Callable | None = None  # the function the worker processes run (they inherit it when they fork)


class DataShapeError(CourseError, ValueError):
    """Images or labels have the wrong type, shape or values for the MNIST helpers."""


def check_data(images, labels=None) -> None:
    """Raise DataShapeError unless images are float (n, 1, 28, 28) or (n, 784) and labels int64 (n,) in 0..9."""
    if not isinstance(images, torch.Tensor):
        raise DataShapeError(
            f"images must be a torch.Tensor, got {type(images).__name__}. "
            "Convert a NumPy array with torch.from_numpy(array).float()."
        )
    if images.shape[1:] not in (torch.Size([1, 28, 28]), torch.Size([784])):
        hint = " One image? Add the batch axis: images.unsqueeze(0)." if images.dim() < 3 else ""
        raise DataShapeError(
            f"images must have shape (n, 1, 28, 28) or (n, 784), got {tuple(images.shape)}.{hint}"
        )
    if not images.is_floating_point():
        raise DataShapeError(
            f"images must be floating point (pixels in 0..1), got {images.dtype}. Use images.float() / 255."
        )
    if labels is None:
        return
    if not isinstance(labels, torch.Tensor):
        raise DataShapeError(f"labels must be a torch.Tensor, got {type(labels).__name__}.")
    if labels.dim() != 1 or len(labels) != len(images):
        raise DataShapeError(
            f"labels must have shape ({len(images)},), one digit per image, got {tuple(labels.shape)}."
        )
    if labels.dtype != torch.int64:
        raise DataShapeError(f"labels must be int64 (torch.long), got {labels.dtype}. Use labels.long().")
    if len(labels) and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
        raise DataShapeError(f"labels must be digits 0..9, got values from {labels.min()} to {labels.max()}.")


def train(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, epochs: int, batch_size: int,
          optimizer: torch.optim.Optimizer, device, scheduler=None, seed: int = 0, loss_fn=None,
          val: tuple[torch.Tensor, torch.Tensor] | None = None, progress: bool = True) -> dict:
    """Train `model` in place; return the history: per-epoch loss, train accuracy, validation accuracy, seconds.

    `scheduler` (optional) is stepped after every batch. `val=(images, labels)` adds a validation
    accuracy after each epoch. Train accuracy counts the predictions made *during* the epoch.
    """
    check_data(images, labels)
    device = torch.device(device)
    model.to(device)
    images, labels = images.to(device), labels.to(device)  # no copy if already there
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    shuffle = torch.Generator(device=device).manual_seed(seed)
    n = len(images)
    n_batches = (n + batch_size - 1) // batch_size
    history = {"loss": [], "train_acc": [], "val_acc": [], "seconds": []}

    for epoch in range(epochs):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(n, device=device, generator=shuffle)  # a new shuffle each epoch
        total_loss = torch.zeros((), device=device)  # summed on the device: no sync per batch
        correct = torch.zeros((), device=device, dtype=torch.int64)
        bar = tqdm(range(n_batches), desc=f"epoch {epoch + 1}/{epochs}", disable=not progress)
        for b in bar:
            idx = order[b * batch_size:(b + 1) * batch_size]
            x, y = images[idx], labels[idx]  # one gather: (batch, 1, 28, 28), (batch,)

            logits = model(x)  # forward pass: (batch, 10)
            loss = loss_fn(logits, y)
            optimizer.zero_grad()
            loss.backward()  # gradients of the loss for every weight
            optimizer.step()  # move every weight a little downhill
            if scheduler is not None:
                scheduler.step()

            total_loss += loss.detach() * len(idx)
            correct += (logits.argmax(dim=1) == y).sum()
            if progress and (b % 50 == 0 or b == n_batches - 1):  # .item() waits for the GPU: not every batch
                bar.set_postfix(loss=f"{total_loss.item() / min(n, (b + 1) * batch_size):.4f}")
        history["loss"].append(total_loss.item() / n)
        history["train_acc"].append(correct.item() / n)
        if val is not None:
            history["val_acc"].append(evaluate(model, *val))
        history["seconds"].append(time.perf_counter() - start)
        if progress:
            extra = f", validation acc {history['val_acc'][-1]:.4f}" if val is not None else ""
            print(f"epoch {epoch + 1}: loss {history['loss'][-1]:.4f}, "
                  f"train acc {history['train_acc'][-1]:.4f}{extra}")
    return history


@torch.no_grad()
def predict_proba(model: nn.Module, images: torch.Tensor, batch_size: int = 4096) -> torch.Tensor:
    """Return softmax probabilities (n, 10) for each image, computed in evaluation mode."""
    check_data(images)
    model.eval()
    device = next(model.parameters()).device
    chunks = [torch.softmax(model(images[i:i + batch_size].to(device)), dim=1)
              for i in range(0, len(images), batch_size)]
    return torch.cat(chunks) if chunks else torch.empty(0, NUM_CLASSES, device=device)


def predict(model: nn.Module, images: torch.Tensor, batch_size: int = 4096) -> torch.Tensor:
    """Return the predicted digit (n,) for each image: the class with the highest probability."""
    return predict_proba(model, images, batch_size).argmax(dim=1)


def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Return the accuracy: the fraction of images whose predicted digit equals the label."""
    check_data(images, labels)
    return accuracy(predict(model, images).cpu(), labels.cpu())


def accuracy(predicted: torch.Tensor, labels: torch.Tensor) -> float:
    """Fraction of positions where `predicted` equals `labels`."""
    if predicted.shape != labels.shape:
        raise DataShapeError(f"predicted {tuple(predicted.shape)} and labels {tuple(labels.shape)} differ in shape.")
    return (predicted == labels).float().mean().item()


def confusion_matrix(labels: torch.Tensor, predicted: torch.Tensor, num_classes: int = NUM_CLASSES) -> torch.Tensor:
    """Return the (10, 10) count matrix: row = true digit, column = predicted digit."""
    labels, predicted = labels.cpu().long(), predicted.cpu().long()
    if labels.shape != predicted.shape or labels.dim() != 1:
        raise DataShapeError(f"labels {tuple(labels.shape)} and predicted {tuple(predicted.shape)} "
                             "must both have shape (n,).")
    pairs = labels * num_classes + predicted  # one number per (true, predicted) pair
    return torch.bincount(pairs, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def per_class_accuracy(labels: torch.Tensor, predicted: torch.Tensor) -> torch.Tensor:
    """Return (10,) accuracies: for each true digit, the fraction predicted correctly (nan if absent)."""
    cm = confusion_matrix(labels, predicted).double()
    return cm.diagonal() / cm.sum(dim=1)  # 0 / 0 = nan for a digit with no images


def _run_job(kwargs: dict):
    """In a worker process: one thread (the cores are shared out by process), then one run."""
    torch.set_num_threads(1)
    return _job(**kwargs)


def run_in_parallel(fn: Callable, jobs: list[dict], device) -> list:
    """Return [fn(**job) for job in jobs], with one job per CPU core at a time when training on the CPU.

    Each job must seed itself: the results are then the same as one after another, only sooner.
    On a GPU, with one core, where processes cannot fork (Windows, macOS), or with the environment variable
    NN_WORKERS=1 (a shared hub, so that each learner uses one core), the jobs run one after another.
    """
    global _job
    workers = min(usable_cpus(), MAX_WORKERS, len(jobs), int(os.environ.get("NN_WORKERS", MAX_WORKERS)))
    can_fork = "fork" in multiprocessing.get_all_start_methods() and multiprocessing.get_start_method() != "spawn"
    if torch.device(device).type != "cpu" or workers < 2 or not can_fork:
        return [fn(**job) for job in jobs]  # a forked process cannot use the parent's GPU
    _job = fn
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_run_job, jobs, chunksize=1)  # results come back in the order of `jobs`
    finally:
        _job = None
