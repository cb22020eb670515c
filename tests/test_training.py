"""helpers.training and helpers.models: the loop learns, the metrics match hand-computed values,
and wrong inputs get clear errors."""

from __future__ import annotations

import math
import os

import pytest
import torch
import torch.nn as nn

from helpers import training
from helpers.errors import CourseError
from helpers.models import SimpleNN
from helpers.training import (
    FUSED_ADAM,
    TORCH_VERSION,
    DataShapeError,
    accuracy,
    confusion_matrix,
    evaluate,
    per_class_accuracy,
    predict,
    predict_proba,
    run_in_parallel,
    train,
)


def blobs(n: int = 600, seed: int = 0, noise: float = 0.35):
    """A learnable fake MNIST: each class is a random 28 x 28 prototype plus noise."""
    g = torch.Generator().manual_seed(seed)
    prototypes = torch.rand(10, 1, 28, 28, generator=torch.Generator().manual_seed(99))
    labels = torch.arange(n) % 10
    images = (prototypes[labels] + noise * torch.randn(n, 1, 28, 28, generator=g)).clamp(0, 1)
    return images, labels


def fit(epochs=4, seed=0, **kwargs):
    images, labels = blobs()
    torch.manual_seed(0)
    model = SimpleNN()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    history = train(model, images, labels, epochs, 32, opt, "cpu", seed=seed, progress=False, **kwargs)
    return model, history


class FixedLogits(nn.Module):
    """A stand-in network: image i (every pixel equal to i) gets the logits in row i of a table."""

    def __init__(self, table):
        super().__init__()
        self.table = nn.Parameter(torch.as_tensor(table, dtype=torch.float32), requires_grad=False)

    def forward(self, x):
        return self.table[x.reshape(len(x), -1)[:, 0].long()]


def hand_example():
    """Five images, labels [0, 1, 2, 2, 1], predictions [0, 2, 2, 2, 1]."""
    predicted = torch.tensor([0, 2, 2, 2, 1])
    logits = torch.full((5, 10), -5.0)
    logits[torch.arange(5), predicted] = 5.0
    images = torch.arange(5, dtype=torch.float32).reshape(5, 1, 1, 1).expand(5, 1, 28, 28).clone()
    return FixedLogits(logits), images, torch.tensor([0, 1, 2, 2, 1])


# ---------------------------------------------------------------- the model


@pytest.mark.parametrize("shape", [(5, 1, 28, 28), (5, 784), (5, 28, 28)])
def test_simple_nn_maps_images_to_ten_scores(shape):
    torch.manual_seed(0)
    assert SimpleNN()(torch.rand(shape)).shape == (5, 10)


def test_simple_nn_is_the_original_recipes_784_128_10_network():
    model = SimpleNN()
    assert [tuple(p.shape) for p in model.parameters()] == [(128, 784), (128,), (10, 128), (10,)]
    assert sum(p.numel() for p in model.parameters()) == 784 * 128 + 128 + 128 * 10 + 10
    x = torch.rand(3, 1, 28, 28)
    manual = model.fc2(torch.relu(model.fc1(x.reshape(3, 784))))
    torch.testing.assert_close(model(x), manual)


# ---------------------------------------------------------------- training


def test_training_lowers_the_loss_and_raises_accuracy():
    model, history = fit(epochs=4)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["train_acc"][-1] > history["train_acc"][0]
    assert history["train_acc"][-1] > 0.9
    assert evaluate(model, *blobs(seed=1)) > 0.9  # fresh noise: it learned the classes


def test_history_has_one_entry_per_epoch_and_validation_accuracy_when_asked(capsys):
    _, history = fit(epochs=3, val=blobs(n=100, seed=2))
    assert {k: len(v) for k, v in history.items()} == {"loss": 3, "train_acc": 3, "val_acc": 3, "seconds": 3}
    assert all(0 <= a <= 1 for a in history["train_acc"] + history["val_acc"])
    _, without = fit(epochs=2)
    assert without["val_acc"] == []
    images, labels = blobs(n=64)
    model = SimpleNN()
    train(model, images, labels, 1, 16, torch.optim.SGD(model.parameters(), lr=0.1), "cpu", val=(images, labels))
    assert "validation acc" in capsys.readouterr().out


def test_fused_adam_is_asked_for_only_where_this_torch_has_it():
    assert FUSED_ADAM == (TORCH_VERSION >= (2, 4))
    assert TORCH_VERSION >= (2, 2) and len(TORCH_VERSION) == 2
    model = SimpleNN()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=FUSED_ADAM)  # must not raise on a CPU
    images, labels = blobs(n=64)
    train(model, images, labels, 1, 32, opt, "cpu", progress=False)


def test_one_cycle_without_momentum_cycling_keeps_adams_beta1():
    """Notebook 06 turns cycle_momentum off, so its one-cycle change is the learning rate only."""
    model = SimpleNN()
    opt = torch.optim.Adam(model.parameters(), lr=0.003)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.003, epochs=1, steps_per_epoch=10, cycle_momentum=False)
    images, labels = blobs(n=100)
    train(model, images, labels, 1, 10, opt, "cpu", scheduler=sched, progress=False)
    assert opt.param_groups[0]["betas"][0] == 0.9


def test_same_seed_same_history_other_seed_other_order():
    _, a = fit(epochs=2, seed=3)
    _, b = fit(epochs=2, seed=3)
    _, c = fit(epochs=2, seed=4)
    assert a["loss"] == b["loss"]
    assert a["loss"] != c["loss"]


def test_scheduler_steps_once_per_batch():
    images, labels = blobs(n=100)
    model = SimpleNN()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1.0)
    train(model, images, labels, 2, 32, opt, "cpu", scheduler=sched, progress=False)
    assert sched.last_epoch == 2 * math.ceil(100 / 32)


def test_train_accepts_flat_images_and_shows_a_progress_bar(capsys):
    images, labels = blobs(n=64)
    model = SimpleNN()
    history = train(model, images.reshape(64, 784), labels, 1, 16, torch.optim.Adam(model.parameters()), "cpu")
    out = capsys.readouterr()
    assert "epoch 1: loss" in out.out and "epoch 1/1" in out.err  # summary line and tqdm bar
    assert len(history["loss"]) == 1


def test_learns_real_mnist_quickly(real_data_dir):
    from helpers.data import load_mnist_tensors

    x, y = load_mnist_tensors(True, root=real_data_dir, download=False)
    tx, ty = load_mnist_tensors(False, root=real_data_dir, download=False)
    torch.manual_seed(0)
    model = SimpleNN()
    train(model, x[:6000], y[:6000], 1, 64, torch.optim.Adam(model.parameters(), 1e-3), "cpu", progress=False)
    assert evaluate(model, tx[:2000], ty[:2000]) > 0.85



@pytest.mark.parametrize("seed", [1, 2])
def test_the_original_recipe_lands_in_its_band_on_other_seeds(real_data_dir, seed):
    """Notebook 06 checks seed 0 against the band "at least 96.0% on validation"; other seeds land there too.

    A trained accuracy differs in its last digits between CPUs and seeds, so it is checked against a band with room
    on both sides (seeds 0-2 measured 96.7-97.1% here), never digit for digit."""
    from helpers.data import load_mnist_tensors

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as notebook 06 trains: small products, and two xdist workers share the cores
    x, y = load_mnist_tensors(True, root=real_data_dir, download=False)
    order = torch.randperm(60000, generator=torch.Generator().manual_seed(0))  # notebook 06's split
    torch.manual_seed(seed)
    model = SimpleNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, fused=FUSED_ADAM)
    try:
        train(model, x[order[:50000]], y[order[:50000]], 5, 64, optimizer, "cpu", seed=seed, progress=False)
    finally:
        torch.set_num_threads(threads)
    assert 0.96 <= evaluate(model, x[order[50000:]], y[order[50000:]]) <= 0.99


# ---------------------------------------------------------------- evaluation, by hand


def test_predictions_and_accuracy_match_a_hand_example():
    model, images, labels = hand_example()
    assert predict(model, images).tolist() == [0, 2, 2, 2, 1]
    probs = predict_proba(model, images)
    torch.testing.assert_close(probs.sum(dim=1), torch.ones(5))
    assert evaluate(model, images, labels) == pytest.approx(0.8)
    assert accuracy(torch.tensor([1, 2, 3]), torch.tensor([1, 0, 3])) == pytest.approx(2 / 3)


def test_confusion_matrix_counts_true_rows_predicted_columns():
    cm = confusion_matrix(torch.tensor([0, 1, 2, 2, 1]), torch.tensor([0, 2, 2, 2, 1]))
    expected = torch.zeros(10, 10, dtype=torch.int64)
    expected[0, 0], expected[1, 2], expected[2, 2], expected[1, 1] = 1, 1, 2, 1
    assert cm.shape == (10, 10)
    assert torch.equal(cm, expected)


def test_confusion_matrix_rows_sum_to_class_counts():
    g = torch.Generator().manual_seed(0)
    labels, predicted = torch.randint(0, 10, (500,), generator=g), torch.randint(0, 10, (500,), generator=g)
    cm = confusion_matrix(labels, predicted)
    assert torch.equal(cm.sum(dim=1), torch.bincount(labels, minlength=10))
    assert torch.equal(cm.sum(dim=0), torch.bincount(predicted, minlength=10))
    assert cm.trace().item() == (labels == predicted).sum().item()


def test_per_class_accuracy_by_hand():
    acc = per_class_accuracy(torch.tensor([0, 1, 2, 2, 1]), torch.tensor([0, 2, 2, 2, 1]))
    assert acc[:3].tolist() == [1.0, 0.5, 1.0]
    assert torch.isnan(acc[3:]).all()  # no images of those digits


def test_predict_on_an_empty_batch():
    assert predict_proba(SimpleNN(), torch.zeros(0, 1, 28, 28)).shape == (0, 10)


# ---------------------------------------------------------------- clear errors


@pytest.mark.parametrize(("images", "labels", "words"), [
    (torch.rand(28, 28), None, ["(n, 1, 28, 28)", "unsqueeze(0)"]),
    (torch.rand(4, 3, 28, 28), None, ["(4, 3, 28, 28)"]),
    (torch.rand(4, 100), None, ["(n, 784)"]),
    (torch.rand(4, 1, 28, 28).numpy(), None, ["torch.Tensor", "from_numpy"]),
    ((torch.rand(4, 1, 28, 28) * 255).to(torch.uint8), None, ["floating point", "uint8"]),
    (torch.rand(4, 1, 28, 28), torch.tensor([1.0, 2.0, 3.0, 4.0]), ["int64", "long()"]),
    (torch.rand(4, 1, 28, 28), torch.tensor([1, 2, 3]), ["(4,)", "one digit per image"]),
    (torch.rand(4, 1, 28, 28), torch.tensor([[1, 2, 3, 4]]), ["(4,)"]),
    (torch.rand(4, 1, 28, 28), torch.tensor([1, 2, 3, 10]), ["0..9"]),
    (torch.rand(4, 1, 28, 28), [1, 2, 3, 4], ["labels must be a torch.Tensor"]),
])
def test_wrong_inputs_get_a_clear_error(images, labels, words):
    model = SimpleNN()
    with pytest.raises(DataShapeError) as info:
        if labels is None:
            predict(model, images)
        else:
            train(model, images, labels, 1, 2, torch.optim.SGD(model.parameters(), lr=0.1), "cpu", progress=False)
    for word in words:
        assert word in str(info.value)
    assert isinstance(info.value, CourseError) and isinstance(info.value, ValueError)


def test_metrics_refuse_mismatched_shapes():
    with pytest.raises(DataShapeError, match="shape"):
        accuracy(torch.tensor([1, 2]), torch.tensor([1, 2, 3]))
    with pytest.raises(DataShapeError, match=r"\(n,\)"):
        confusion_matrix(torch.tensor([[1, 2]]), torch.tensor([[1, 2]]))


def _seeded_run(seed: int, epochs: int = 1) -> tuple[float, list[float]]:
    """One small seeded training run: (final train loss, first layer's first 3 weights)."""
    images, labels = blobs(200)
    torch.manual_seed(seed)
    model = SimpleNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    history = train(model, images, labels, epochs=epochs, batch_size=32, optimizer=optimizer, device="cpu",
                    seed=seed, progress=False)
    return history["loss"][-1], model.fc1.weight[0, :3].tolist()


def test_run_in_parallel_gives_the_serial_results_in_order(monkeypatch):
    monkeypatch.setattr(training, "usable_cpus", lambda: 2)
    jobs = [dict(seed=s) for s in (3, 1, 2)]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the workers use one thread; so must the serial reference
    try:
        serial = [_seeded_run(**job) for job in jobs]
    finally:
        torch.set_num_threads(threads)
    assert run_in_parallel(_seeded_run, jobs, device="cpu") == serial
    assert len({loss for loss, _ in serial}) == 3  # three different runs, not one repeated


def test_run_in_parallel_uses_other_processes_and_reports_their_errors(monkeypatch):
    monkeypatch.setattr(training, "usable_cpus", lambda: 2)
    parent = os.getpid()
    assert run_in_parallel(lambda i: os.getpid() != parent, [dict(i=0), dict(i=1)], device="cpu") == [True, True]
    with pytest.raises(ZeroDivisionError):
        run_in_parallel(lambda i: 1 / i, [dict(i=1), dict(i=0)], device="cpu")


def test_run_in_parallel_runs_in_this_process_with_one_core_a_gpu_or_nn_workers_1(monkeypatch):
    parent = os.getpid()
    monkeypatch.setattr(training, "usable_cpus", lambda: 1)
    assert run_in_parallel(lambda i: os.getpid() == parent, [dict(i=0), dict(i=1)], device="cpu") == [True, True]
    monkeypatch.setattr(training, "usable_cpus", lambda: 8)
    assert run_in_parallel(lambda i: os.getpid() == parent, [dict(i=0), dict(i=1)], device="cuda") == [True, True]
    monkeypatch.setenv("NN_WORKERS", "1")  # a hub's setting: one core per learner
    assert run_in_parallel(lambda i: os.getpid() == parent, [dict(i=0), dict(i=1)], device="cpu") == [True, True]
