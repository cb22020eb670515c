"""Notebook 06's exercises and predictions: the shared exercise suite, plus checks specific to them."""

from __future__ import annotations

import math
from itertools import islice

import numpy as np
import torch
import torch.nn as nn

from helpers.exercises import mnist as ex
from helpers.models import SimpleNN
from tests.exercise_checks import exercise_suite, run_check

# ---------------------------------------------------------------- learners' answers, right and wrong


def epoch_own_names(net, batches, opt, criterion):
    """Right too: model.zero_grad() at the end of each batch (the grads start empty), a running sum."""
    net.train()
    total, count = 0.0, 0
    for inputs, targets in batches:
        out = net(inputs)
        loss = criterion(out, targets)
        loss.backward()
        opt.step()
        net.zero_grad()
        total += loss.item()
        count += 1
    return total / count


def epoch_variant(order="zfbs", train_mode=True, returns=None, own_optimiser=False):
    """The epoch loop with the steps in `order` (z: zero_grad, f: forward and loss, b: backward, s: step)."""
    def epoch(model, loader, optimizer, loss_fn):
        if train_mode:
            model.train()
        if own_optimiser:  # ignores the optimizer passed in
            optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        losses = []
        for x, y in loader:
            for step in order:
                if step == "z":
                    optimizer.zero_grad()
                elif step == "f":
                    losses.append(loss_fn(model(x), y))
                elif step == "b":
                    losses[-1].backward()
                else:
                    optimizer.step()
        return returns(losses) if returns else sum(loss.item() for loss in losses) / len(losses)
    return epoch


def epoch_per_image(model, loader, optimizer, loss_fn, size=lambda loader, count: count):
    """PyTorch's MNIST example's idiom: the loss summed per image, divided by the number of images (or `size`)."""
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / size(loader, count)


def epoch_by_index(model, loader, optimizer, loss_fn):
    """Right on a list of batches, but a DataLoader cannot be indexed."""
    model.train()
    losses = []
    for i in range(len(loader)):
        x, y = loader[i]
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def epoch_placeholder(model, loader, optimizer, loss_fn):
    return ...


def accuracy_by_max(net, batches):
    """Right too: torch.max as the original recipe, inference_mode, counts as tensors."""
    net.eval()
    right, seen = torch.tensor(0), 0
    with torch.inference_mode():
        for images, labels in batches:
            _, guess = torch.max(net(images), 1)
            right += (guess == labels).sum()
            seen += labels.size(0)
    return right.item() / seen


def accuracy_variant(eval_mode=True, no_grad=True, dim=1, returns=lambda c, t: c / t):
    """The evaluation with one slip switched on."""
    def acc(model, loader):
        if eval_mode:
            model.eval()
        correct = total = 0
        with torch.set_grad_enabled(not no_grad):
            for x, y in loader:
                correct += (model(x).argmax(dim=dim) == y).sum().item()
                total += len(y)
        return returns(correct, total)
    return acc


def accuracy_by_batch(model, loader):
    model.eval()
    with torch.no_grad():
        accs = [(model(x).argmax(1) == y).float().mean().item() for x, y in loader]
    return sum(accs) / len(accs)


def accuracy_placeholder(model, loader):
    return ...


def step_zero_grad_first(model, x, y, loss_fn, lr):
    """Right too: clear the gradients before backward instead of after the update; own parameter names."""
    model.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for weight in model.parameters():
            weight.sub_(lr * weight.grad)
    return loss.item()


def step_no_no_grad(model, x, y, loss_fn, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    for p in model.parameters():
        p -= lr * p.grad  # RuntimeError: a leaf Variable that requires grad is used in an in-place operation
    return loss.item()


def step_rebinds(model, x, y, loss_fn, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p = p - lr * p.grad  # noqa: PLW2901 - the slip: a new tensor, the model unchanged
    return loss.item()


def step_uphill(model, x, y, loss_fn, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p += lr * p.grad
            p.grad = None
    return loss.item()


def step_keeps_grads(model, x, y, loss_fn, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
    return loss.item()


def step_fixed_lr(model, x, y, loss_fn, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= 0.01 * p.grad
            p.grad = None
    return loss.item()


def step_returns_tensor(model, x, y, loss_fn, lr):
    step_zero_grad_first(model, x, y, loss_fn, lr)  # a right step (not the reference: core refuses that)
    return loss_fn(model(x), y)


def step_loss_after(model, x, y, loss_fn, lr):
    """A slip: the loss recomputed after the update is returned."""
    step_zero_grad_first(model, x, y, loss_fn, lr)  # a right step (not the reference: core refuses that)
    with torch.no_grad():
        return loss_fn(model(x), y).item()


def step_no_return(model, x, y, loss_fn, lr):
    step_zero_grad_first(model, x, y, loss_fn, lr)  # a right step (not the reference: core refuses that)


def step_placeholder(model, x, y, loss_fn, lr):
    ...


def most_confused_loop(matrix):
    best, pair = -1, None
    for t in range(len(matrix)):
        for p in range(len(matrix)):
            if t != p and matrix[t][p] > best:
                best, pair = matrix[t][p], (t, p)
    return pair


def most_confused_in_place(cm):
    """Right on a copy, but it zeroes the diagonal of the matrix it is given: the notebook's own cm."""
    np.fill_diagonal(cm, 0)
    return np.unravel_index(np.argmax(cm), cm.shape)


def most_confused_row_and_column_apart(cm):
    """A slip: the diagonal left out, then the true digit with the most mistakes and the predicted digit with the most
    wrong predictions picked one apart from the other (on the check's first matrix: a cell on the diagonal)."""
    m = np.array(cm)
    np.fill_diagonal(m, 0)
    return m.sum(1).argmax(), m.sum(0).argmax()


def floor_by_vector(e, k):
    t = np.full(k, e / k)
    t[0] += 1 - e
    return float(-(t * np.log(t)).sum())


REFERENCE = {
    "p1": "b", "p2": "c", "p3": "b",
    "q1": epoch_own_names,
    "q2": step_zero_grad_first,
    "q3": accuracy_by_max,
    "q4": most_confused_loop,
    "q5": lambda m: np.diag(m) / np.sum(m, axis=1),
    "q6": floor_by_vector,
}

WRONG = {
    "p1": [("a", "plain gradient descent"), ("c", "exactly 0"), ("d", "bias correction"), ("e", 'one of "a"')],
    "p2": [("a", "not blind"), ("b", "Think higher"), ("d", "XOR")],
    "p3": [("a", "Can a network whose p matches"), ("c", "negative?")],
    "q1": [
        (epoch_variant("fbs"), "Clear them once per batch, before backward()"),
        (epoch_variant(train_mode=False), "trained in evaluation mode"),
        (epoch_variant("zfsb"), "must come after loss.backward()"),
        (epoch_variant("fbzs"), "nothing may clear the gradients between the two"),
        (epoch_variant(returns=lambda losses: sum(losses) / len(losses)), "not a tensor"),
        (epoch_variant(returns=lambda losses: sum(loss.item() for loss in losses)), "sum of the 3 batches"),
        (epoch_variant(returns=lambda losses: None), "did you forget `return`"),
        (epoch_variant(returns=lambda losses: losses[-1].item()), "not the mean of the 3 batches' losses"),
        (epoch_variant(own_optimiser=True), "use the optimizer and loss_fn that are passed in"),
        (lambda *args: epoch_per_image(*args, size=lambda loader, count: len(loader.dataset)),
         "the loader may be a plain list of (x, y) batches"),
        (epoch_per_image, "the mean loss per image"),
        (epoch_by_index, "not on a DataLoader"),
        (lambda model, loader, optimizer, loss_fn: model(torch.zeros(2, 5)), "raised RuntimeError"),
        (3.0, "expected a function"),
    ],
    "q3": [
        (accuracy_variant(eval_mode=False), "Switch it to evaluation mode"),
        (accuracy_variant(no_grad=False), "with torch.no_grad()"),
        (accuracy_variant(returns=lambda c, t: c), "the number of correct images"),
        (accuracy_variant(returns=lambda c, t: 100 * c / t), "a percentage"),
        (accuracy_variant(returns=lambda c, t: torch.tensor(c / t)), "not a tensor"),
        (accuracy_variant(returns=lambda c, t: None), "did you forget `return`"),
        (accuracy_variant(returns=lambda c, t: 1 - c / t), "not the fraction of images"),
        (accuracy_variant(dim=0), "argmax over the classes, dim=1"),
        (accuracy_by_batch, "the last batch is smaller"),
        (lambda model, loader: model(torch.zeros(2, 5)), "raised RuntimeError"),
        (["a"], "expected a function"),
    ],
    "q2": [
        (step_no_no_grad, "with torch.no_grad()"),
        (step_rebinds, "in place"),
        (step_uphill, "uphill"),
        (step_keeps_grads, "the second was not"),
        (step_fixed_lr, "use the learning rate"),
        (step_returns_tensor, "loss.item()"),
        (step_loss_after, "loss computed after the update"),
        (step_no_return, "did you forget `return`"),
        (lambda model, x, y, loss_fn, lr: model(x.reshape(3, -1)), "raised RuntimeError"),
        (3.0, "expected a function"),
    ],
    "q4": [
        (lambda cm: np.unravel_index(np.argmax(cm), cm.shape), "diagonal"),
        (lambda cm: most_confused_loop(cm)[::-1], "other way round"),
        (lambda cm: most_confused_loop(cm + cm.T), "added the mirror cell"),
        (most_confused_in_place, "changed cm in place"),
        (most_confused_row_and_column_apart, "the row and the column separately"),
        (lambda cm: (np.argmax(cm.sum(1) - np.diag(cm)), np.argmax(cm.sum(0) - np.diag(cm))),
         "the row and the column separately"),
        (lambda cm: np.unravel_index(np.argmin(cm + 10**6 * np.eye(len(cm))), cm.shape), "Look for the largest"),
        (lambda cm: 7, "pair"),
        (lambda cm: None, "did you forget `return`"),
        (lambda cm: cm[10, 10], "raised IndexError"),
    ],
    "q5": [
        (lambda m: np.diag(m) / np.sum(m, axis=0), "precision"),
        (lambda m: np.diag(m) / np.sum(m), "total of the whole matrix"),
        (lambda cm: np.diag(cm), "when called with"),
        (lambda cm: None, "did you forget `return`"),
    ],
    "q6": [
        (lambda e, k: floor_by_vector(e, k) / math.log(2), "natural log"),
        (lambda e, k: -((1 - e) * math.log(1 - e) + (k - 1) * e / k * math.log(e / k)), "1 − ε + ε/K"),
        (lambda e, k: floor_by_vector(e, 2) if k == 2 else -((1 - e + e / k) * math.log(1 - e + e / k)
                                                              + e / k * math.log(e / k)), "K − 1 wrong digits"),
        (lambda e, k: -(k - 1) * e / k * math.log(e / k), "true digit's term"),
        (lambda e, k: -((1 - e) * math.log(1 - e) + e * math.log(e / (k - 1))), "ε/(K − 1)"),
        (lambda e, k: floor_by_vector(e, k) - e / k * math.log(e / k), "K − 1 wrong digits, not K"),
        (lambda eps, K: -math.log(1 - eps), "when called with"),
    ],
}

globals().update(exercise_suite(ex, REFERENCE, WRONG, namespace=dict))


# ---------------------------------------------------------------- checks specific to these exercises


def test_q2_placeholder_function_is_not_attempted(capsys):
    ok, out = run_check(ex.q2, step_placeholder, capsys)
    assert not ok and "Not attempted yet" in out and "✗" not in out


def test_q2_reference_is_plain_gradient_descent():
    """sgd_step moves the weights exactly as torch.optim.SGD does, two batches in a row."""
    a, batches = ex._net()
    b, _ = ex._net()
    opt = torch.optim.SGD(b.parameters(), lr=0.3)
    for x, y in batches:
        ex.sgd_step(a, x, y, nn.CrossEntropyLoss(), 0.3)
        opt.zero_grad()
        nn.CrossEntropyLoss()(b(x), y).backward()
        opt.step()
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(p, q)


def test_q5_reference_matches_the_training_helper():
    from helpers.training import per_class_accuracy

    labels, predicted = torch.tensor([0, 1, 1, 2, 2, 2]), torch.tensor([0, 1, 2, 2, 2, 0])
    cm = np.zeros((3, 3))
    np.add.at(cm, (labels.numpy(), predicted.numpy()), 1)
    np.testing.assert_allclose(ex.per_class_accuracy(cm), per_class_accuracy(labels, predicted)[:3].numpy())


def test_q6_floor_is_the_smoothed_loss_at_its_best():
    """PyTorch's label-smoothed cross-entropy, at logits log t (so p = t), equals the floor; for 0.1 and 10 ≈ 0.50."""
    for eps, k in [(0.1, 10), (0.2, 5), (0.05, 3)]:
        t = torch.full((k,), eps / k, dtype=torch.float64)
        t[2] += 1 - eps
        loss = nn.CrossEntropyLoss(label_smoothing=eps)(t.log()[None], torch.tensor([2]))
        assert abs(loss.item() - ex.smoothing_floor(eps, k)) < 1e-9
        other = (t.log() + 0.3 * torch.randn(k, dtype=torch.float64))[None]  # any other p does worse
        assert nn.CrossEntropyLoss(label_smoothing=eps)(other, torch.tensor([2])).item() > loss.item()
    assert abs(ex.smoothing_floor(0.1, 10) - 0.5003) < 1e-3


def test_p1_reference_is_true_for_adams_first_step():
    """One Adam step (lr 0.001) on a fresh SimpleNN: the weights with a gradient move by about 0.001, the rest not."""
    torch.manual_seed(0)
    net = SimpleNN()
    x = torch.rand(64, 1, 28, 28) * (torch.rand(64, 1, 28, 28) < 0.2)  # sparse ink: some pixels dark in all 64
    x[:, :, :3] = 0
    before = [p.detach().clone() for p in net.parameters()]
    optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
    nn.CrossEntropyLoss()(net(x), torch.randint(0, 10, (64,))).backward()
    optimizer.step()
    grads = torch.cat([p.grad.flatten() for p in net.parameters()])
    steps = torch.cat([(p.detach() - b).abs().flatten() for p, b in zip(net.parameters(), before, strict=True)])
    assert torch.equal(steps > 0, grads != 0) and (grads == 0).sum() > 1000
    assert torch.quantile(steps[steps > 0], 0.01) > 0.00099 and steps.max() <= 0.0010001


# ---- q1 and q3: the loop and the evaluation


def test_q1_and_q3_placeholder_functions_are_not_attempted(capsys):
    for q, placeholder in [(ex.q1, epoch_placeholder), (ex.q3, accuracy_placeholder)]:
        ok, out = run_check(q, placeholder, capsys)
        assert not ok and "Not attempted yet" in out and "✗" not in out, out


def test_q1_reference_matches_the_training_helper_on_one_epoch():
    """train_epoch over batches of a tensor moves the weights exactly as helpers.training.train does."""
    from helpers.training import train

    g = torch.Generator().manual_seed(0)
    images, labels = torch.rand(200, 1, 28, 28, generator=g), torch.randint(0, 10, (200,), generator=g)
    torch.manual_seed(0)
    a, b = SimpleNN(), SimpleNN()
    b.load_state_dict(a.state_dict())
    train(b, images, labels, epochs=1, batch_size=64, optimizer=torch.optim.Adam(b.parameters(), lr=0.01),
          device="cpu", seed=3, progress=False)
    order = torch.randperm(200, generator=torch.Generator().manual_seed(3))  # the helper's shuffle
    batches = [(images[order[i:i + 64]], labels[order[i:i + 64]]) for i in range(0, 200, 64)]
    ex.train_epoch(a, batches, torch.optim.Adam(a.parameters(), lr=0.01), nn.CrossEntropyLoss())
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(p, q)


def test_q3_reference_matches_the_training_helper():
    from helpers.training import evaluate

    torch.manual_seed(0)
    net = SimpleNN()
    images, labels = torch.rand(300, 1, 28, 28), torch.randint(0, 10, (300,))
    loader = [(images[i:i + 64], labels[i:i + 64]) for i in range(0, 300, 64)]  # the last batch holds 44
    assert math.isclose(ex.accuracy_on(net, loader), evaluate(net, images, labels), abs_tol=1e-6)


def test_the_checks_leave_the_notebooks_random_stream_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    ex.q1.verify(epoch_own_names)
    ex.q3.verify(accuracy_by_max)
    assert torch.equal(torch.rand(3), expected)


def test_a_loop_or_evaluation_that_hands_the_work_to_the_course_helpers_is_refused(capsys):
    from helpers.training import predict, train

    def epoch_with_train(model, loader, optimizer, loss_fn):
        xs, ys = zip(*loader, strict=True)
        history = train(model, torch.cat(xs), torch.cat(ys), 1, 8, optimizer, "cpu", loss_fn=loss_fn,
                        progress=False)
        return history["loss"][0]

    def accuracy_with_predict(model, loader):
        pairs = [(predict(model, x), y) for x, y in loader]
        return sum((p == y).sum().item() for p, y in pairs) / sum(len(y) for _, y in pairs)

    ok, out = run_check(ex.q1, epoch_with_train, capsys)
    assert not ok and "calls train from helpers.training" in out and "Do it by hand" in out, out
    ok, out = run_check(ex.q3, accuracy_with_predict, capsys)
    assert not ok and "calls predict from helpers.training" in out, out
    # honest answers: torch.optim's optimizer and nn's loss (passed in), torch.max and inference_mode are allowed
    assert run_check(ex.q1, epoch_own_names, capsys)[0] and run_check(ex.q3, accuracy_by_max, capsys)[0]


def test_the_most_confused_check_cases_catch_a_symmetrised_matrix():
    # adding the mirror cell must give a wrong pair on at least one case, whichever order argmax breaks a tie in
    wrong = [cm for cm in ex._CM_CASES if most_confused_loop(cm + cm.T) != ex.most_confused(cm)]
    assert wrong


def test_yours_or_reference_runs_yours_once_it_passes_and_says_why_not_otherwise(capsys):
    assert ex.yours_or_reference("train_epoch", epoch_placeholder, ex.q1) is ex.train_epoch
    assert "the reference, because yours does not pass Exercise 1" in capsys.readouterr().out
    assert ex.yours_or_reference("train_epoch", epoch_variant("fbs"), ex.q1) is ex.train_epoch
    assert "yet: the first batch was right" in capsys.readouterr().out
    assert ex.yours_or_reference("accuracy_on", accuracy_by_max, ex.q3) is accuracy_by_max
    assert "accuracy_on: yours (it passes Exercise 3" in capsys.readouterr().out
    per_class = REFERENCE["q5"]
    assert ex.yours_or_reference("per_class_accuracy_from_cm", per_class, ex.q5) is per_class
    assert "per_class_accuracy_from_cm: yours (it passes Exercise 5" in capsys.readouterr().out
    assert ex.yours_or_reference("per_class_accuracy_from_cm", ..., ex.q5) is ex.q5.reference
    # the notebook's 100-batch timing gives the loop a slice of a loader: both versions take one
    torch.manual_seed(0)
    net = SimpleNN()
    batches = [(torch.rand(8, 1, 28, 28), torch.randint(0, 10, (8,))) for _ in range(5)]
    loss = epoch_own_names(net, islice(batches, 3), torch.optim.Adam(net.parameters()), nn.CrossEntropyLoss())
    assert 1.5 < loss < 3.5


# ---- tripwires: the step is written without an optimiser, the floor without PyTorch's loss


def test_a_step_that_uses_an_optimiser_is_refused(capsys):
    def step_with_sgd(model, x, y, loss_fn, lr):
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    from torch.optim import SGD

    def step_with_imported_sgd(model, x, y, loss_fn, lr):
        SGD(model.parameters(), lr=lr).step()
        return loss_fn(model(x), y).item()

    ok, out = run_check(ex.q2, step_with_sgd, capsys)
    assert not ok and "your function calls SGD from torch.optim" in out and "Do it by hand" in out, out
    ok, out = run_check(ex.q2, step_with_imported_sgd, capsys)
    assert not ok and "calls SGD from torch.optim" in out, out
    assert torch.optim.SGD is SGD  # put back
    ok, out = run_check(ex.q2, step_zero_grad_first, capsys)  # nn.CrossEntropyLoss and backward() are allowed
    assert ok, out


def test_a_step_that_uses_the_course_optimiser_is_refused(capsys):
    import helpers.nn

    def step_with_course_sgd(model, x, y, loss_fn, lr):
        model.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        helpers.nn.SGD(list(model.parameters()), lr).step()
        return loss.item()

    ok, out = run_check(ex.q2, step_with_course_sgd, capsys)
    assert not ok and "SGD from helpers.nn" in out, out


def test_a_floor_computed_by_torch_label_smoothing_is_refused(capsys):
    import torch.nn.functional as F

    def floor_by_torch(eps, K):
        t = torch.full((K,), eps / K, dtype=torch.float64)
        t[0] += 1 - eps
        return F.cross_entropy(t.log()[None], torch.tensor([0]), label_smoothing=eps).item()

    def floor_by_module(eps, K):
        t = torch.full((K,), eps / K, dtype=torch.float64)
        t[0] += 1 - eps
        return nn.CrossEntropyLoss(label_smoothing=eps)(t.log()[None], torch.tensor([0])).item()

    for cheat, what in [(floor_by_torch, "cross_entropy from torch.nn.functional"),
                        (floor_by_module, "CrossEntropyLoss from torch.nn")]:  # named as the learner wrote it
        ok, out = run_check(ex.q6, cheat, capsys)
        assert not ok and f"calls {what}" in out, out
    assert nn.CrossEntropyLoss.__name__ == "CrossEntropyLoss" and callable(F.cross_entropy)  # put back
    ok, out = run_check(ex.q6, floor_by_vector, capsys)  # NumPy's log is allowed
    assert ok, out


def test_a_floor_computed_by_torch_entropy_is_refused(capsys):
    def floor_by_distribution(eps, K):
        t = torch.full((K,), eps / K, dtype=torch.float64)
        t[0] += 1 - eps
        return torch.distributions.Categorical(probs=t).entropy().item()

    def floor_by_entr(eps, K):
        t = torch.full((K,), eps / K, dtype=torch.float64)
        t[0] += 1 - eps
        return torch.special.entr(t).sum().item()

    for cheat in (floor_by_distribution, floor_by_entr):
        ok, out = run_check(ex.q6, cheat, capsys)
        assert not ok and "calls" in out, out
    ok, out = run_check(ex.q6, floor_by_vector, capsys)  # an honest answer still passes
    assert ok, out
