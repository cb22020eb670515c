"""Exercises and predictions for notebook 06 (MNIST with PyTorch): Adam's first step, the epoch loop with an
optimiser, a linear baseline, a gradient-descent step written by hand, the evaluation (accuracy over a loader),
the most confused pair of digits, per-class accuracy from a confusion matrix, and the loss floor of label
smoothing. `yours_or_reference` lets the notebook run the learner's loop and evaluation once they pass."""

from __future__ import annotations

import contextlib
import io
import math

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

from helpers.exercises.core import (
    ChoiceExercise,
    CustomExercise,
    Exercise,
    FunctionExercise,
    NotAttempted,
    Wrong,
    call_learner,
    compare,
    show,
)

NOTEBOOK = "06_mnist_pytorch"

# ---- p1: how far Adam's first step moves each weight ----

p1 = ChoiceExercise(
    "Prediction 1 (Adam's first step)", "b",
    options={"a": "each weight by 0.001 × its gradient: the weights with large gradients move most, most others "
                  "barely move",
             "b": "every weight with a nonzero gradient by almost exactly 0.001, whatever the size of its gradient",
             "c": "every one of the 101,770 weights by almost exactly 0.001",
             "d": "no weight moves yet: Adam first collects gradients for a few steps"},
    feedback={"a": "that is plain gradient descent, w ← w − η·∂L/∂w. Adam divides the (averaged) gradient by the "
                   "square root of the (averaged) squared gradient. On the very first step, what is g / √(g²)?",
              "c": "Adam's step is proportional to the gradient divided by its own size. What happens to a weight "
                   "whose gradient is exactly 0, for example one attached to a pixel that is dark in all 64 images?",
              "d": "Adam corrects its running averages for their start at 0 (the bias correction of notebook 05), "
                   "so it takes a full step from the very first batch. How big is that step?"},
    hint="Adam's step is η · m̂ / (√ŝ + 10⁻⁸), with m̂ and ŝ the bias-corrected running means of the gradient g "
         "and of its square (notebook 05). After one batch, m̂ = g and ŝ = g².",
    solution='p1_answer = "b"  # step = 0.001 · g / (|g| + 1e-8) ≈ 0.001 for any g ≠ 0, and 0 where g = 0',
)

# ---- p2: what a linear model reaches ----

p2 = ChoiceExercise(
    "Prediction 2 (a model without a hidden layer)", "c",
    options={"a": "about 10%: without a hidden layer it can only guess",
             "b": "about 50%",
             "c": "about 92%",
             "d": "about 97.5%: the hidden layer adds nothing on MNIST"},
    feedback={"a": "a linear model is weak, but not blind: one weight per pixel per digit already says where "
                   "each digit usually has ink. Is that worth nothing?",
              "b": "one 28 × 28 weight template per digit separates most digits well: most 1s have ink where "
                   "most 0s have none. Think higher.",
              "d": "if a straight-line boundary were enough, nobody would bother with hidden layers. Think of "
                   "XOR in notebook 03: some patterns need one."},
    hint="Each of the 10 outputs is a weighted sum of the pixels: a template of where that digit has ink. "
         "Most digits differ a lot in where their ink is; a few (4 and 9, 3 and 5) do not.",
    solution='p2_answer = "c"  # a good template per digit gets most digits right, but not the hard pairs',
)

# ---- q1: the epoch loop with an optimiser ----


def train_epoch(model, loader, optimizer, loss_fn):
    """One epoch: for every batch of `loader`, zero_grad, forward, loss, backward, step; returns the mean batch loss."""
    model.train()  # training mode: dropout (if any) on
    losses = []
    for x, y in loader:
        optimizer.zero_grad()  # backward() adds to p.grad: clear the last batch's gradients
        loss = loss_fn(model(x), y)  # forward and loss
        loss.backward()  # p.grad = ∂L/∂p for every weight p
        optimizer.step()  # move every weight, using p.grad
        losses.append(loss.item())
    return sum(losses) / len(losses)


def _epoch_without_zero_grad(model, loader, optimizer, loss_fn) -> None:
    """The slip: no zero_grad, so each batch's gradients add to those of the batches before."""
    model.train()
    for x, y in loader:
        loss_fn(model(x), y).backward()
        optimizer.step()


def _epoch_mean_per_image(model, loader, optimizer, loss_fn) -> float:
    """train_epoch, returning the mean loss per image instead (each batch weighted by its size): not what q1 asks."""
    seen = []

    def recorded(logits, y):
        loss = loss_fn(logits, y)
        seen.append((loss.item(), len(y)))
        return loss

    train_epoch(model, loader, optimizer, recorded)
    return sum(loss * n for loss, n in seen) / sum(n for _, n in seen)


def _small_net(dropout: float):
    """A tiny network (12 -> 16 -> 3) with a Dropout layer, where train() and eval() differ; the same every time."""
    torch.manual_seed(6)
    return nn.Sequential(nn.Linear(12, 16), nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, 3))


def _small_loader(n: int, batch_size: int, seed: int, labels_from=None):
    """A DataLoader of n examples (12 features, 3 classes) in batches of batch_size, without shuffling."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 12, generator=g)
    y = torch.randint(0, 3, (n,), generator=g)
    if labels_from is not None:  # about 2 in 3 labels agree with this network's predictions: an accuracy to measure
        with torch.no_grad():
            labels_from.eval()
            agree = torch.rand(n, generator=g) < 0.65
            y = torch.where(agree, labels_from(x).argmax(dim=1), y)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size)


class _Watch:
    """Records, for every forward pass of a module, whether it was in training mode and autograd was recording."""

    def __init__(self, module: nn.Module):
        self.training, self.grad = [], []
        module.register_forward_pre_hook(self)

    def __call__(self, module, inputs):
        self.training.append(module.training)
        self.grad.append(torch.is_grad_enabled())


def _epoch_batches(as_list: bool):
    """21 examples in batches of 8, 8 and 5: a plain list of (x, y) pairs, as the timing cell passes, or a loader."""
    loader = _small_loader(21, 8, 7)
    return [(x, y) for x, y in loader] if as_list else loader


def _run_epoch(fn, as_list: bool = True):
    """Run fn on a fresh tiny network and optimiser, the network in eval mode; return (result, weights, watch)."""
    model = _small_net(0.3)
    model.eval()  # it arrives in eval mode, as after an evaluation
    watch = _Watch(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    batches = _epoch_batches(as_list)
    torch.manual_seed(0)  # the dropout masks: the same for every run (a DataLoader draws its seed after this)
    got = fn(model, batches, optimizer, nn.CrossEntropyLoss())
    return got, _weights(model), watch


_NOT_ON_A_LOADER = ("right on a plain list of batches, but not on a DataLoader of the same batches: treat the "
                    "loader only as something to loop over, `for x, y in loader`.")


def _learner_epoch(fn, as_list: bool):
    """_run_epoch for the learner's function, a crash told as a Wrong; a loader used as more than batches named."""
    described = ("a tiny network with a Dropout layer, in eval mode, and "
                 + ("a plain list of 3 (x, y) batches of 8, 8 and 5 examples" if as_list
                    else "a DataLoader of the same 3 batches"))
    try:
        return _run_epoch(lambda *args: call_learner(fn, args, described), as_list)
    except Wrong as wrong:
        if as_list and "'list' object" in str(wrong):
            raise Wrong("the loader may be a plain list of (x, y) batches, as the timing cell below passes: it has "
                        "no .dataset, .batch_size or other DataLoader attributes. Use only `for x, y in loader`, "
                        f"and count whatever you need as you go.\n  ({wrong})") from None
        if not as_list:  # the list run passed: what differs is the DataLoader
            raise Wrong(f"{_NOT_ON_A_LOADER}\n  ({wrong})") from None
        raise


def _check_train_epoch(fn) -> None:
    if not callable(fn):
        raise Wrong(f"expected a function (def train_epoch(...)), got {type(fn).__name__}")
    with torch.random.fork_rng():  # the notebook's own random stream is left as it was
        loss, expected, _ = _run_epoch(train_epoch)
        start = _weights(_small_net(0.3))
        got, weights, watch = _learner_epoch(fn, as_list=True)
        piled_up = _run_epoch(_epoch_without_zero_grad)[1]
        per_image = _run_epoch(_epoch_mean_per_image)[0]
    if _same(weights, start):
        if got is ... or (got is None and not watch.training):
            raise NotAttempted
        raise Wrong("the weights did not change. optimizer.step() moves them using the gradients in p.grad, so it "
                    "must come after loss.backward(), and nothing may clear the gradients between the two.")
    if watch.training and not any(watch.training):
        raise Wrong("the network trained in evaluation mode: it arrived in eval mode (as it does after an "
                    "evaluation), so its Dropout layer was off. Switch it to training mode at the start of the epoch.")
    if _same(weights, piled_up):
        raise Wrong("the first batch was right, the later ones not: backward() adds the new gradients to those "
                    "still in p.grad. Clear them once per batch, before backward().")
    if not _same(weights, expected):
        raise Wrong("the weights end the epoch differently from one optimiser step per batch. For every batch, in "
                    "order: clear the gradients, forward, loss, backward, step; use the optimizer and loss_fn that "
                    "are passed in.")
    if got is None or got is ...:
        raise Wrong("the weights are right, but your function returned nothing: did you forget `return`?")
    if isinstance(got, torch.Tensor):
        raise Wrong("return the mean loss as a Python float (loss.item() gives one batch's loss as a float), "
                    f"not a tensor: {show(got)}")
    if not isinstance(got, float | int):
        raise Wrong(f"return the mean of the batches' losses as a float, got {type(got).__name__}: {show(got)}")
    if abs(got - 3 * loss) < 1e-4:
        raise Wrong("you returned the sum of the 3 batches' losses: return their mean.")
    if abs(got - per_image) < 1e-5:
        raise Wrong("you returned the mean loss per image (each batch weighted by its number of images). This "
                    "exercise asks for the mean of the batches' losses, each batch counting once: the last batch "
                    "here holds 5 images, not 8, so the two differ.")
    try:
        compare(got, loss, atol=1e-5)
    except Wrong as wrong:
        raise Wrong(f"the weights are right, but the loss you returned is not the mean of the 3 batches' losses: "
                    f"{wrong}") from None
    with torch.random.fork_rng():
        loader_loss, loader_expected, _ = _run_epoch(train_epoch, as_list=False)
        loader_got, loader_weights, _ = _learner_epoch(fn, as_list=False)
    if not _same(loader_weights, loader_expected) or not isinstance(loader_got, float | int) \
            or abs(loader_got - loader_loss) > 1e-5:
        raise Wrong(_NOT_ON_A_LOADER)


q1 = CustomExercise(
    "Exercise 1 (the epoch loop with an optimiser)", train_epoch, _check_train_epoch,
    hint=["Switch the network to training mode first. Then, for each batch the loader hands out: clear the "
          "gradients left from the batch before, run the network and the loss, let autograd fill in the gradients, "
          "and only then let the optimiser move the weights. Keep each batch's loss as a plain number, and return "
          "their mean.",
          "model.train() once; then for x, y in loader: optimizer.zero_grad(), loss = loss_fn(model(x), y), "
          "loss.backward(), optimizer.step(). loss.item() is one batch's loss as a float: collect them in a list.",
          "The order inside the loop matters: zero_grad before backward (backward adds to p.grad), and step after "
          "backward (step reads p.grad). After the loop, return sum(losses) / len(losses)."],
    forbid=("helpers.training",),
    # solution: train_epoch's own source (above), which uses only the notebook's names
)


# ---- q2: one gradient-descent step, written by hand ----


def sgd_step(model, x, y, loss_fn, lr):
    """One step of plain gradient descent without an optimiser; returns the batch's loss as a Python float."""
    loss = loss_fn(model(x), y)  # forward pass and loss
    loss.backward()  # p.grad = ∂L/∂p for every weight p
    with torch.no_grad():  # the update itself must not be recorded by autograd
        for p in model.parameters():
            p -= lr * p.grad  # in place: the model's own tensor changes
            p.grad = None  # clear, so the next batch's gradients do not add to these
    return loss.item()


def _net():
    """A tiny network (12 -> 5 -> 3) and two batches, the same every time."""
    torch.manual_seed(6)
    model = nn.Sequential(nn.Linear(12, 5), nn.ReLU(), nn.Linear(5, 3))
    g = torch.Generator().manual_seed(7)
    batches = [(torch.randn(8, 12, generator=g), torch.randint(0, 3, (8,), generator=g)) for _ in range(2)]
    return model, batches


def _weights(model) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


def _same(a, b) -> bool:
    return all(torch.allclose(u, v, atol=1e-6) for u, v in zip(a, b, strict=True))


def _check_sgd_step(step) -> None:
    if not callable(step):
        raise Wrong(f"expected a function (def sgd_step(...)), got {type(step).__name__}")
    lr = 0.5
    ref_model, batches = _net()
    start = _weights(ref_model)
    expected = []
    for x, y in batches:
        loss = sgd_step(ref_model, x, y, nn.CrossEntropyLoss(), lr)
        expected.append((loss, _weights(ref_model)))
    uphill, _ = _net()
    loss_up = nn.CrossEntropyLoss()(uphill(batches[0][0]), batches[0][1])
    loss_up.backward()
    climbed = [w + lr * p.grad for w, p in zip(start, uphill.parameters(), strict=True)]

    model, _ = _net()
    for k, (x, y) in enumerate(batches):
        try:
            got = step(model, x.clone(), y.clone(), nn.CrossEntropyLoss(), lr)
        except Wrong:  # a tripwire: the step called what the exercise forbids
            raise
        except RuntimeError as err:
            if "in-place" in str(err) or "leaf Variable" in str(err):
                raise Wrong("PyTorch refused to change a weight in place while autograd was recording: do the "
                            "update inside `with torch.no_grad():`.") from None
            raise Wrong(f"your function raised RuntimeError: {err}") from None
        except Exception as err:  # noqa: BLE001 - the learner's code crashed: report it
            raise Wrong(f"your function raised {type(err).__name__}: {err}") from None
        now = _weights(model)
        if k == 0 and _same(now, start):
            if (got is None or got is ...) and all(p.grad is None for p in model.parameters()):
                raise NotAttempted
            raise Wrong("the model's weights did not change. `p = p - lr * p.grad` makes a new tensor and "
                        "leaves the model's own weight as it was: change it in place, `p -= lr * p.grad` "
                        "(inside `with torch.no_grad():`).")
        if k == 0 and _same(now, climbed):
            raise Wrong("the weights moved uphill: the loss grows. Gradient descent subtracts η·∂L/∂w.")
        if not _same(now, expected[k][1]):
            if k == 1:
                raise Wrong("the first step was right, the second was not: the first batch's gradients were still "
                            "in p.grad, and backward() adds to them. Clear them after the update "
                            "(p.grad = None, or p.grad.zero_()).")
            raise Wrong("the weights moved, but not by η·∂L/∂w: use the learning rate `lr` that is passed in "
                        "and the gradient p.grad of each weight p.")
        if got is None or got is ...:
            raise Wrong("the weights are right, but your function returned nothing: did you forget `return`?")
        if not isinstance(got, float):
            raise Wrong(f"return the loss as a Python float (loss.item()), got {type(got).__name__}: {show(got)}")
        with torch.no_grad():
            after = nn.CrossEntropyLoss()(model(x), y).item()  # the loss of the updated weights
        if abs(got - expected[k][0]) > 1e-6 and abs(got - after) < 1e-6:
            raise Wrong("the weights are right, but you returned the loss computed after the update: return the "
                        "loss of the batch you backpropagated, the one computed before the step.")
        compare(got, expected[k][0])


q2 = CustomExercise(
    "Exercise 2 (a gradient-descent step by hand)", sgd_step, _check_sgd_step,
    hint=["Four things, in order: compute the batch's loss; let autograd fill in every weight's gradient; move each "
          "weight a small step against its gradient, without autograd recording that move; and clear the gradients, "
          "so that the next batch starts afresh. Return the loss as a plain number.",
          "loss_fn(model(x), y) is the batch's loss; loss.backward() then fills p.grad for every weight p in "
          "model.parameters(). The update goes inside a `with torch.no_grad():` block and changes each weight in "
          "place; loss.item() is the loss as a float.",
          "Forward and loss: loss = loss_fn(model(x), y); then loss.backward() fills p.grad for every p in "
          "model.parameters(). Inside `with torch.no_grad():` go through the parameters: move each one in place "
          "(an in-place operator, not p = ...), by lr times its gradient, downhill, and clear its gradient "
          "(p.grad = None). Return loss.item()."],
    forbid=("torch.optim", "helpers.nn"),
    solution='''def sgd_step(model, x, y, loss_fn, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
            p.grad = None
    return loss.item()''',
)


# ---- q3: the evaluation: accuracy over a loader ----


def accuracy_on(model, loader):
    """The fraction of the loader's examples whose largest logit is the label, in eval mode and without autograd."""
    model.eval()  # evaluation mode: dropout (if any) off
    correct = total = 0
    with torch.no_grad():  # no graph for backward: faster, and less memory
        for x, y in loader:
            predicted = model(x).argmax(dim=1)  # (batch,): the largest logit of each row
            correct += (predicted == y).sum().item()
            total += len(y)
    return correct / total


def _mean_of_batch_accuracies(model, loader):
    model.eval()
    with torch.no_grad():
        accs = [(model(x).argmax(dim=1) == y).float().mean().item() for x, y in loader]
    return sum(accs) / len(accs)


def _check_accuracy_on(fn) -> None:
    if not callable(fn):
        raise Wrong(f"expected a function (def accuracy_on(model, loader)), got {type(fn).__name__}")
    with torch.random.fork_rng():  # the notebook's own random stream is left as it was
        model = _small_net(0.5)
        loader = _small_loader(21, 8, 8, labels_from=model)  # batches of 8, 8 and 5
        expected, by_batch = accuracy_on(model, loader), _mean_of_batch_accuracies(model, loader)
        model.train()  # it arrives in training mode, as after training
        watch = _Watch(model)
        torch.manual_seed(0)
        try:
            got = fn(model, loader)
        except Wrong:  # a tripwire
            raise
        except Exception as err:  # noqa: BLE001 - the learner's code crashed: report it
            if "must match the size" in str(err):
                raise Wrong(f"your function raised {type(err).__name__}: {err}. The predictions have the wrong "
                            "shape: the logits are (batch, classes), and each image's prediction is the largest "
                            "of its own row, so take the argmax over the classes, dim=1.") from None
            raise Wrong(f"your function raised {type(err).__name__}: {err}\n  when called with a tiny network "
                        "and a loader of 21 examples in batches of 8, 8 and 5") from None
    if got is ... and not watch.training:
        raise NotAttempted
    if any(watch.training):
        raise Wrong("the network measured in training mode: it arrived in train mode (as it does after training), "
                    "so its Dropout layer switched off random units on every forward pass. Switch it to evaluation "
                    "mode first.")
    if any(watch.grad):
        raise Wrong("autograd recorded every forward pass, building a graph for a backward pass that never comes "
                    "(slower, and it holds the memory of every batch). Run the loop inside `with torch.no_grad():`.")
    if got is None:
        raise Wrong("your function returned None: did you forget `return`?")
    if isinstance(got, torch.Tensor):
        raise Wrong(f"return the accuracy as a Python float (.item() or float(...)), not a tensor: {show(got)}")
    if not isinstance(got, float | int):
        raise Wrong(f"return the accuracy as a float between 0 and 1, got {type(got).__name__}: {show(got)}")
    if abs(got - expected * 21) < 1e-6:
        raise Wrong(f"you returned {show(got)}, the number of correct images: divide it by the number of images, "
                    "so that the accuracy is a fraction between 0 and 1.")
    if abs(got - 100 * expected) < 1e-4:
        raise Wrong(f"you returned {show(got)}, a percentage: return the fraction, between 0 and 1.")
    if abs(got - by_batch) < 1e-6:
        raise Wrong("you averaged the batches' accuracies, but the last batch is smaller (5 images, not 8), so its "
                    "images weigh more. Count the correct images over all batches, then divide by the total count.")
    if abs(got - expected) > 1e-6:
        raise Wrong(f"you returned {show(got)}, which is not the fraction of images whose largest logit is the "
                    "label. Count, batch by batch, where the prediction equals y, and the images seen.")


q3 = CustomExercise(
    "Exercise 3 (the evaluation)", accuracy_on, _check_accuracy_on,
    hint=["Three things make it an evaluation: evaluation mode (dropout off), no recording for autograd, and a "
          "count over every image. For each batch, the predicted digit of an image is the position of its largest "
          "logit; count the images where it equals the label, and divide by the number of images at the end.",
          "model.eval() first, then the loop inside with torch.no_grad(). In the loop: predicted = "
          "model(x).argmax(dim=1), one digit per row; (predicted == y).sum().item() counts the right ones, len(y) "
          "the images.",
          "Keep two running totals, correct and total, over all batches (not an accuracy per batch: the last batch "
          "may be smaller). Return correct / total, a float between 0 and 1."],
    forbid=("helpers.training",),
    # solution: accuracy_on's own source (above), which uses only the notebook's names
)


# ---- q4: the most confused pair of digits ----


def most_confused(cm):
    """The (true, predicted) pair off the diagonal with the largest count in confusion matrix cm."""
    off = np.array(cm, dtype=float)
    np.fill_diagonal(off, -1)  # correct answers are not confusions
    true, predicted = np.unravel_index(np.argmax(off), off.shape)
    return int(true), int(predicted)


def _cm_case(seed):
    rng = np.random.default_rng(seed)
    cm = rng.integers(0, 6, size=(10, 10))
    np.fill_diagonal(cm, rng.integers(900, 1100, size=10))
    t, p, a, b = rng.choice(10, size=4, replace=False)
    cm[t, p], cm[p, t] = 17, 9  # one clear winner, and its mirror smaller
    cm[a, b], cm[b, a] = 14, 13  # smaller than 17, but with its mirror the largest sum: catches cm + cm.T
    return cm


def _symmetrised_winners(cm) -> set:
    """The off-diagonal cells with the largest count of cm + cm.T: what adding the mirror cell finds."""
    both = np.array(cm + cm.T, dtype=float)
    np.fill_diagonal(both, -1)
    return {(int(t), int(p)) for t, p in zip(*np.nonzero(both == both.max()), strict=True)}


_CM_CASES = [_cm_case(s) for s in (0, 1, 2)]


def _check_most_confused(answer) -> None:
    if not callable(answer):
        raise Wrong(f"expected a function (def most_confused(cm)), got {type(answer).__name__}")
    for cm in _CM_CASES:
        given = cm.copy()
        try:
            got = answer(given)
        except Wrong:  # a tripwire
            raise
        except Exception as err:  # noqa: BLE001 - the learner's code crashed: report it
            raise Wrong(f"your function raised {type(err).__name__}: {err}") from None
        if got is ...:
            raise NotAttempted
        if not np.array_equal(given, cm):
            raise Wrong("your function changed cm in place (it wrote into the matrix it was given): in the "
                        "notebook that would overwrite the network's own confusion matrix. Work on a copy, "
                        "np.array(cm, dtype=float), and change that.")
        if got is None:
            raise Wrong("your function returned None: did you forget `return`?")
        t, p = most_confused(cm)
        try:
            pair = tuple(int(v) for v in got)
        except (TypeError, ValueError):
            raise Wrong(f"return a pair (true digit, predicted digit), got {show(got)}") from None
        if len(pair) != 2:
            raise Wrong(f"return a pair (true digit, predicted digit), got {show(got)}")
        off = np.array(cm)
        np.fill_diagonal(off, 0)
        apart = (int(off.sum(1).argmax()), int(off.sum(0).argmax()))  # the row and the column, each picked alone
        largest_correct = int(np.argmax(np.diag(cm)))  # where argmax lands if the diagonal stays in: that slip below
        if pair == apart and pair != (t, p) and pair != (largest_correct, largest_correct):
            raise Wrong(f"you returned {pair}: the true digit with the most mistakes and the predicted digit with the "
                        "most wrong predictions, found one apart from the other. Picking the row and the column "
                        "separately can land on a cell that holds few images, even one on the diagonal. The answer "
                        "is one cell: the largest single off-diagonal count, and its row and column together.")
        if pair[0] == pair[1]:
            raise Wrong(f"you returned {pair}, a cell on the diagonal: those are the correct answers. "
                        "Leave the diagonal out.")
        if pair in _symmetrised_winners(cm) and pair != (t, p):
            raise Wrong(f"you returned {pair}, which wins only if you added the mirror cell (cm + cm.T): a 4 "
                        "read as 9 and a 9 read as 4 are different mistakes. Look at each cell on its own.")
        if pair == (p, t):
            raise Wrong(f"you returned {pair}, the pair the other way round: rows are the true digit, "
                        "columns the predicted one.")
        if pair != (t, p):
            raise Wrong(f"you returned {pair} (count {cm[pair]}), but another off-diagonal cell holds more "
                        "images. Look for the largest count.")


q4 = CustomExercise(
    "Exercise 4 (the most confused pair)", most_confused, _check_most_confused,
    hint=["The diagonal holds the correct answers: take it out of the running first. Then find the largest cell that "
          "is left; its row is the true digit and its column the predicted one.",
          "Copy the matrix as floats and set its diagonal to −1 with np.fill_diagonal (those are correct "
          "answers). Then look for one cell, not a row and a column apart: np.argmax gives the largest cell's "
          "position in the flattened matrix, and np.unravel_index turns such a position into (row, column) = "
          "(true digit, predicted digit)."],
    solution='''def most_confused(cm):
    off = np.array(cm, dtype=float)
    np.fill_diagonal(off, -1)
    true, predicted = np.unravel_index(np.argmax(off), off.shape)
    return int(true), int(predicted)''',
)


# ---- q5: per-class accuracy from the confusion matrix ----


def per_class_accuracy(cm):
    """For each true digit (row), the fraction of its images predicted correctly: diagonal / row sums."""
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum(axis=1)


def _precision(cm):
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum(axis=0)


def _over_total(cm):
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum()


q5 = FunctionExercise(
    "Exercise 5 (per-class accuracy)", per_class_accuracy,
    [{"cm": np.array([[8, 2], [1, 9]])}, {"cm": np.array([[5, 0, 5], [0, 10, 0], [2, 2, 6]])},
     {"cm": _cm_case(3)}],
    hint=["A row holds every image of one true digit, and its correct ones sit where that row meets the diagonal. "
          "Divide that count by the row's total, digit by digit.",
          "Row t holds every image whose true digit is t. Its correct ones sit on the diagonal, cm[t, t]. "
          "Divide each diagonal entry by the sum of its row."],
    forbid=("helpers.training.per_class_accuracy",),
    solution='''def per_class_accuracy_from_cm(cm):
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum(axis=1)''',
    mistakes=[(_precision, "you divided by the column sums: that is the fraction of the *predictions* of each "
                           "digit that were right (the precision). Divide by the row sums: all images of that "
                           "true digit"),
              (_over_total, "you divided by the total of the whole matrix: divide each digit by its own number "
                            "of images, the sum of its row")],
)


# ---- p3: how low can a smoothed loss go? ----

p3 = ChoiceExercise(
    "Prediction 3 (the lowest smoothed loss)", "b",
    options={"a": "0, as with hard targets: a network that is right and sure on every image gets loss 0",
             "b": "it stops at a floor above 0, even for a perfect network",
             "c": "below 0: smoothing lets the loss go negative"},
    feedback={"a": "with smoothing the target itself is not 100% sure: it gives every wrong digit ε/K. Can a "
                   "network whose p matches that target have loss 0?",
              "c": "every term −q_k·log p_k is ≥ 0, because q_k ≥ 0 and p_k ≤ 1. Can their sum be negative?"},
    hint="The smoothed target is itself unsure: it gives every wrong digit ε/K, not 0. Each term of the loss is "
         "−q_k·log p_k. Can a network match a target that is itself unsure and still get loss 0?",
    solution='p3_answer = "b"  # the best p is p = q, and its loss, the entropy of q, is above 0',
)

# ---- q6: the floor of the label-smoothed loss ----


def smoothing_floor(eps, K):
    """The entropy of the smoothed target: the lowest loss label smoothing allows (natural log, as PyTorch)."""
    right, wrong = 1 - eps + eps / K, eps / K  # target for the true class, and for each of the K − 1 others
    return -(right * math.log(right) + (K - 1) * wrong * math.log(wrong))


def _floor_bits(eps, K):
    right, wrong = 1 - eps + eps / K, eps / K
    return -(right * math.log2(right) + (K - 1) * wrong * math.log2(wrong))


def _floor_no_share(eps, K):
    right, wrong = 1 - eps, eps / K
    return -(right * math.log(right) + (K - 1) * wrong * math.log(wrong))


def _floor_one_wrong(eps, K):
    right, wrong = 1 - eps + eps / K, eps / K
    return -(right * math.log(right) + wrong * math.log(wrong))


def _floor_other_convention(eps, K):
    right, wrong = 1 - eps, eps / (K - 1)  # ε shared over the K − 1 wrong digits only
    return -(right * math.log(right) + (K - 1) * wrong * math.log(wrong))


def _floor_k_wrong(eps, K):
    right, wrong = 1 - eps + eps / K, eps / K
    return -(right * math.log(right) + K * wrong * math.log(wrong))


def _floor_wrong_only(eps, K):
    wrong = eps / K
    return -(K - 1) * wrong * math.log(wrong)


q6 = FunctionExercise(
    "Exercise 6 (the floor of label smoothing)", smoothing_floor,
    [{"eps": 0.2, "K": 5}, {"eps": 0.05, "K": 3}, {"eps": 0.3, "K": 100}],
    hint=["Write down the smoothed target: what the true digit gets, and what each of the other digits gets. The "
          "floor is the entropy of that target: one term for the true digit, and the same term repeated for every "
          "other digit, with the natural logarithm.",
          "The true digit's target is q_y = 1 − ε + ε/K, each of the K − 1 others gets ε/K. The lowest loss is "
          "reached at p = q, where it equals −Σ_k q_k log q_k: one term for the true digit, K − 1 equal terms for "
          "the others. Use the natural log (math.log), as PyTorch does."],
    forbid=("torch.nn.functional", "torch.nn.CrossEntropyLoss", "torch.distributions", "torch.special.entr"),
    solution='''def smoothing_floor(eps, K):
    right, wrong = 1 - eps + eps / K, eps / K
    return -(right * math.log(right) + (K - 1) * wrong * math.log(wrong))''',
    names=("the floor",),
    mistakes=[(_floor_bits, "that is the floor in bits (log base 2): PyTorch's cross-entropy uses the natural "
                            "log, math.log"),
              (_floor_no_share, "the true digit's target is 1 − ε + ε/K, not 1 − ε: smoothing shares ε over "
                                "all K digits, the true one included"),
              (_floor_one_wrong, "there are K − 1 wrong digits, each with target ε/K: count each of them"),
              (_floor_other_convention, "that is another convention, 1 − ε for the true digit and ε/(K − 1) for "
                                        "each other one. PyTorch shares ε over all K classes: ε/K each, so the "
                                        "true digit gets 1 − ε + ε/K"),
              (_floor_k_wrong, "there are K − 1 wrong digits, not K: the true digit is not one of them"),
              (_floor_wrong_only, "the true digit's term, −q_y log q_y, is missing")],
)


# ---- the notebook runs your code once it passes ----


def yours_or_reference(name: str, yours, exercise: Exercise):
    """Your function if it passes its exercise's check now, else the reference; prints which one runs, and why."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # silent: the exercise's own cell gives the feedback
            exercise.verify(yours)
    except NotAttempted:
        reason = "it is still the placeholder"
    except Wrong as wrong:
        reason = str(wrong).split("\n")[0]
    except Exception as err:  # noqa: BLE001 - a checker failure must not stop the notebook
        reason = f"checking it failed with {type(err).__name__}"
    else:
        print(f"{name}: yours (it passes {exercise.title})")
        return yours
    print(f"{name}: the reference, because yours does not pass {exercise.title} yet: {reason}")
    return exercise.reference
