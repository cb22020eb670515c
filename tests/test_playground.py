"""The playground's engine (helpers/playground.py): data, drawing, CSV, settings, training, maps and export to code."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

from helpers.errors import CourseError
from helpers.playground import (
    FEATURES,
    LIMIT,
    PRESETS,
    Playground,
    PlaygroundError,
    feature_matrix,
    grid_points,
    make_data,
    parse_csv,
)

REPO = __import__("pathlib").Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------- presets


@pytest.mark.parametrize("preset", PRESETS)
def test_presets_give_points_of_both_classes_inside_the_plane(preset):
    X, y = make_data(preset, n=101, noise=0.3, seed=2)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64 and set(y) == {0, 1}
    assert 0.3 < y.mean() < 0.7
    assert np.abs(X).max() <= LIMIT


@pytest.mark.parametrize("preset", PRESETS)
def test_presets_are_deterministic_per_seed_and_noise_changes_them(preset):
    X, y = make_data(preset, seed=5)
    X2, y2 = make_data(preset, seed=5)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(X, make_data(preset, seed=6)[0])
    noisy, noisy_y = make_data(preset, noise=0.5, seed=5)
    assert not (np.array_equal(noisy, X) and np.array_equal(noisy_y, y))


def test_without_noise_the_labels_follow_the_shape_and_noise_blurs_them():
    X, y = make_data("circle", n=400)
    assert np.array_equal(y, np.linalg.norm(X, axis=1) < 2.5)
    X, y = make_data("xor", n=400)
    assert np.array_equal(y, X[:, 0] * X[:, 1] >= 0)
    assert np.abs(X).min() >= 0.3  # the gap along the axes
    X, y = make_data("gauss", n=400)
    assert np.array_equal(y, X.sum(axis=1) > 0)  # two well separated clouds
    X, y = make_data("xor", n=400, noise=0.5)
    assert 0.05 < np.mean(y != (X[:, 0] * X[:, 1] >= 0)) < 0.5  # noise flips labels near the axes
    wide, narrow = make_data("gauss", n=400, noise=0.5)[0], make_data("gauss", n=400)[0]
    assert wide.std() > narrow.std() + 0.5


def test_spiral_arms_are_half_a_turn_apart():
    X, y = make_data("spiral", n=400)
    radius = np.linalg.norm(X, axis=1)
    assert radius.max() <= 5.0
    b, a = X[(y == 1) & (radius > 1)], X[(y == 0) & (radius > 1)]
    # arm A is arm B turned by π: every point of A has a point of B at minus its position
    assert np.abs(-a[:, None, :] - b[None, :, :]).sum(axis=2).min(axis=1).max() < 0.02


@pytest.mark.parametrize("kwargs, words", [
    ({"preset": "moons"}, "unknown data set 'moons'"),
    ({"preset": "circle", "n": 2}, "from 4 to"),
    ({"preset": "circle", "noise": 0.8}, "from 0 to 0.5"),
])
def test_bad_preset_settings_say_what_is_allowed(kwargs, words):
    with pytest.raises(PlaygroundError, match=words):
        make_data(**kwargs)


def test_the_split_is_stratified_and_follows_test_fraction():
    pg = Playground("spiral", n=200, test_fraction=0.9)
    assert (len(pg.y_train), len(pg.y_test)) == (20, 180)
    assert pg.y_train.sum() == 10 and pg.y_test.sum() == 90
    pg.set_preset("xor", test_fraction=0.3)
    assert (len(pg.y_train), len(pg.y_test)) == (140, 60) and pg.data == "xor"
    all_points = np.vstack([pg.X_train, pg.X_test])
    assert np.array_equal(np.sort(all_points, axis=0), np.sort(make_data("xor", seed=0)[0], axis=0))
    with pytest.raises(PlaygroundError, match="test_fraction"):
        pg.set_preset("xor", test_fraction=0.95)
    assert pg.data == "xor" and len(pg.y_test) == 60  # unchanged


# ----------------------------------------------------------------------------- CSV


GOOD = "x1,x2,label\n1.5, -2, 0\n# a comment\n\n-3,4,1\n0;0;B\n2\t1\ta\n"


def test_parse_csv_reads_numbers_labels_a_b_header_comments_and_separators():
    X, y = parse_csv(GOOD)
    assert np.array_equal(X, [[1.5, -2], [-3, 4], [0, 0], [2, 1]])
    assert np.array_equal(y, [0, 1, 1, 0]) and y.dtype == np.int64


@pytest.mark.parametrize("text, words", [
    ("1,2,0\n3,4\n", "line 2 ('3,4'): 2 fields, expected 3"),
    ("1,2,0\n3,4,1,5\n", "line 2 ('3,4,1,5'): 4 fields"),
    ("x1,x2,label\n1,2,0\n1,two,1\n", "line 3 ('1,two,1'): x2 = 'two' is not a number"),
    ("1,2,0\nabc,2,1\n", "line 2 ('abc,2,1'): x1 = 'abc' is not a number"),
    ("1,2,0\n1,inf,1\n", "line 2 ('1,inf,1'): x2 = 'inf' is not a finite number"),
    ("1,2,0\n1,2,2\n", "line 2 ('1,2,2'): the label '2' is neither 0/1 nor A/B"),
    ("1,2,0\n1,2,C\n", "the label 'C' is neither"),
    ("1,2,0\n\n7,1,1\n", "line 3 ('7,1,1'): the point (7, 1) lies outside the plane [-6, 6] × [-6, 6]"),
    ("", "the file holds no points"),
    ("x1,x2,label\n\n", "the file holds no points"),
    ("1,2,0\n", "only 1 point"),
    ("1,2,1\n3,4,B\n", "every point has label 1 (class B): the network needs points of both classes"),
])
def test_parse_csv_names_the_line_and_why(text, words):
    with pytest.raises(PlaygroundError) as err:
        parse_csv(text)
    assert words in str(err.value)
    assert isinstance(err.value, CourseError)


def test_a_bad_csv_keeps_the_data_and_the_training():
    pg = Playground("gauss")
    pg.step(2)
    before = (pg.X_train.copy(), pg.y_train.copy(), pg.X_test.copy(), pg.epoch, pg.data)
    with pytest.raises(PlaygroundError, match="line 3"):
        pg.load_csv("1,2,0\n2,3,1\n3,4,5\n")
    with pytest.raises(PlaygroundError, match="not text"):
        pg.load_csv(b"\xff\xfe\x00")
    with pytest.raises(PlaygroundError, match="no file"):
        pg.load_csv("missing.csv")
    assert np.array_equal(pg.X_train, before[0]) and np.array_equal(pg.y_train, before[1])
    assert np.array_equal(pg.X_test, before[2]) and (pg.epoch, pg.data) == before[3:]


def test_load_csv_from_text_bytes_and_a_path(tmp_path):
    text = "\n".join(f"{x},{-x},{int(x > 0)}" for x in np.linspace(-5, 5, 20))
    path = tmp_path / "mine.csv"
    path.write_text(text)
    for source in (text, text.encode(), memoryview(text.encode()), path, str(path)):
        pg = Playground("gauss", test_fraction=0.5)
        pg.step(1)
        pg.load_csv(source)
        assert (pg.data, pg.epoch, len(pg.y_train), len(pg.y_test)) == ("csv", 0, 10, 10)
        assert pg.y_train.sum() == 5


def test_a_csv_does_not_change_the_number_of_points_of_the_presets():
    pg = Playground("circle")
    pg.load_csv("1,1,0\n2,2,1\n-1,-1,0\n-2,-2,1\n")
    pg.set_preset("spiral")
    assert len(pg.y_train) + len(pg.y_test) == 200


def test_resplit_keeps_loaded_and_drawn_points():
    text = "\n".join(f"{x},{-x},{int(x > 0)}" for x in np.linspace(-5, 5, 20))
    pg = Playground("gauss", test_fraction=0.5)
    pg.load_csv(text)
    points = {tuple(p) for p in np.vstack([pg.X_train, pg.X_test])}
    pg.resplit(0.2)
    assert (pg.data, len(pg.y_train), len(pg.y_test), pg.test_fraction) == ("csv", 16, 4, 0.2)
    assert {tuple(p) for p in np.vstack([pg.X_train, pg.X_test])} == points
    pg.set_preset("circle")
    pg.add_point(1.0, 1.0, "A")
    pg.resplit(0.5)
    assert (pg.data, len(pg.y_train) + len(pg.y_test), pg.drawn) == ("drawn", 201, 0)
    assert [1.0, 1.0] in np.vstack([pg.X_train, pg.X_test]).tolist()
    fresh = Playground("xor", test_fraction=0.3)
    pg.set_preset("xor")
    pg.resplit(0.3)  # a preset's own points: the same split as asking the preset for it
    assert np.array_equal(pg.X_test, fresh.X_test) and pg.data == "xor"
    with pytest.raises(PlaygroundError, match="test_fraction"):
        pg.resplit(0.95)


def test_a_file_of_words_says_its_line_was_taken_for_a_header():
    with pytest.raises(PlaygroundError, match="line 1 .'hello'. holds no numbers"):
        parse_csv("hello\n")


def test_the_repr_shows_no_activation_without_a_hidden_layer():
    assert "2 → 2, no activation," in repr(Playground("xor", hidden=()))


# ----------------------------------------------------------------------------- drawing


def test_drawn_points_go_to_the_training_set_and_undo_and_clear_work():
    pg = Playground("circle")
    pg.step(1)
    n, weights = len(pg.y_train), pg.weights()
    pg.add_point(1.0, -2.5, "B")
    pg.add_point(-3, 3, 0)
    assert len(pg.y_train) == n + 2 and pg.y_train[-2:].tolist() == [1, 0]
    assert pg.X_train[-1].tolist() == [-3.0, 3.0] and pg.can_undo
    assert all(np.array_equal(a, b) for a, b in zip(weights, pg.weights(), strict=True))  # training goes on
    pg.undo()
    assert len(pg.y_train) == n + 1 and pg.X_train[-1].tolist() == [1.0, -2.5]
    pg.undo()
    assert len(pg.y_train) == n and not pg.can_undo
    with pytest.raises(PlaygroundError, match="nothing to undo"):
        pg.undo()
    assert len(pg.y_train) == n
    pg.clear()
    assert len(pg.y_train) == len(pg.y_test) == 0 and pg.data == "drawn"
    assert np.isnan(pg.loss("test")) and np.isnan(pg.accuracy("train"))
    with pytest.raises(PlaygroundError, match="no training points"):
        pg.step()
    for x1, x2, label in ((-2, -2, "A"), (2, 2, "b"), (-2.5, -1.5, 0), (2.5, 1.5, 1)):
        pg.add_point(x1, x2, label)
    pg.step(50)
    assert pg.accuracy("train") == 1.0 and pg.epoch == 51


@pytest.mark.parametrize("point, words", [
    ((7, 0, 0), "outside the plane"), ((0, "x", 0), "x2 = 'x' is not a number"), ((0, 0, "C"), "neither 0/1 nor A/B"),
])
def test_a_bad_drawn_point_is_refused_and_nothing_changes(point, words):
    pg = Playground("xor")
    n = len(pg.y_train)
    with pytest.raises(PlaygroundError, match=words):
        pg.add_point(*point)
    assert len(pg.y_train) == len(pg.X_train) == n and not pg.can_undo


# ----------------------------------------------------------------------------- settings


def test_configure_rebuilds_the_network_only_for_its_shape():
    pg = Playground("circle", hidden=(4, 2))
    pg.step(3)
    pg.configure(lr=0.1, batch_size=5, l2=0.001)  # as in TensorFlow Playground: training goes on
    assert (pg.epoch, pg.lr, pg.batch_size, pg.l2) == (3, 0.1, 5, 0.001) and pg._optimizer.lr == 0.1
    pg.configure(hidden=(3, 3, 2), features=("x2", "x1", "x1*x2"), activation="relu")
    assert pg.epoch == 0 and len(pg.history) == 1 and pg.step_losses == []
    assert pg.features == ("x1", "x2", "x1*x2")  # kept in the order of FEATURES
    assert [W.shape for W in pg.weights()] == [(3, 3), (3, 3), (2, 3), (2, 2)]
    assert pg.state()["neurons"] == 8


def test_the_same_seed_gives_the_same_weights_and_reset_restores_them():
    pg = Playground("spiral", seed=3)
    start = pg.weights()
    pg.step(2)
    assert not np.array_equal(start[0], pg.weights()[0])
    pg.reset()
    assert all(np.array_equal(a, b) for a, b in zip(start, pg.weights(), strict=True))
    assert pg.epoch == 0 and len(pg.history) == 1
    pg.configure(seed=4)
    assert not np.array_equal(start[0], pg.weights()[0])


@pytest.mark.parametrize("settings, words", [
    ({"hidden": (4, 9)}, "1 to 8 neurons"), ({"hidden": (1, 1, 1, 1, 1)}, "at most 4 hidden layers"),
    ({"features": ()}, "at least one input feature"), ({"features": ("x3",)}, "unknown feature 'x3'"),
    ({"activation": "softplus"}, "activation must be one of relu, tanh, sigmoid"),
    ({"lr": 0}, "learning rate lr must be a number above 0"), ({"l2": -1}, "L2 strength"),
    ({"batch_size": 0}, "batch_size must be a whole number"), ({"speed": 2}, "unknown setting 'speed'"),
    ({"lr": 0.1, "hidden": (0,)}, "1 to 8 neurons"),
])
def test_bad_settings_are_refused_and_nothing_changes(settings, words):
    pg = Playground("circle")
    pg.step(1)
    with pytest.raises(PlaygroundError, match=words):
        pg.configure(**settings)
    assert (pg.lr, pg.hidden, pg.epoch) == (0.03, (4, 2), 1)


# ----------------------------------------------------------------------------- training


def test_training_lowers_the_loss_on_the_circle_with_squared_features():
    pg = Playground("circle", features=("x1", "x2", "x1^2", "x2^2"), hidden=(4, 2))
    start = pg.loss("train")
    pg.step(60)
    assert pg.loss("train") < 0.5 * start and pg.loss("test") < 0.5 * start
    assert pg.accuracy("test") >= 0.95
    epochs, train, test = zip(*pg.history, strict=True)
    assert epochs == tuple(range(61)) and train[0] == start and train[-1] == pg.loss("train")
    assert test[-1] == pg.loss("test")


def test_a_step_is_one_minibatch_and_an_epoch_every_point_once():
    pg = Playground("xor", n=100, test_fraction=0.3, batch_size=8)  # 70 training points: 9 steps, the last of 6
    pg.step(2)
    assert len(pg.step_losses) == 2 * 9 and pg.epoch == 2
    seen = []
    pg._update = lambda inputs, labels: seen.append(len(labels)) or 0.0  # count the points of each step
    pg.step()
    assert seen == [8] * 8 + [6]


def test_a_layer_with_no_hidden_layer_is_linear_and_learns_the_gauss_clouds():
    pg = Playground("gauss", hidden=())
    assert [W.shape for W in pg.weights()] == [(2, 2)]
    output, neurons = pg.grid_outputs(20)
    assert neurons == [] and output.shape == (20, 20)
    pg.step(20)
    assert pg.accuracy("test") >= 0.95
    # one Linear layer then softmax: the boundary is a straight line, so p(B) changes monotonically along x1 = x2
    diagonal = pg.predict_proba(np.column_stack([np.linspace(-6, 6, 50)] * 2))
    assert np.all(np.diff(diagonal) > 0)


def test_l2_pulls_the_weights_but_not_the_biases_towards_zero():
    plain, l2 = Playground("spiral", hidden=(8,)), Playground("spiral", hidden=(8,), l2=0.05)
    plain.step(30)
    l2.step(30)
    assert sum((W**2).sum() for W in l2.weights()) < 0.5 * sum((W**2).sum() for W in plain.weights())
    # one step by hand: the L2 term adds l2·W to W's gradient and nothing to b's
    pg = Playground("circle", l2=0.5, lr=0.1, batch_size=200, test_fraction=0.5)
    free = Playground("circle", l2=0.0, lr=0.1, batch_size=200, test_fraction=0.5)
    W0 = pg.weights()
    pg.step()
    free.step()
    for before, layer, other in zip(W0, pg.linears(), free.linears(), strict=True):
        assert np.allclose(layer.W.data, other.W.data - 0.1 * 0.5 * before, atol=1e-12)
        assert np.array_equal(layer.b.data, other.b.data)


def test_a_learning_rate_too_large_shows_as_a_loss_that_explodes_without_warnings():
    pg = Playground("spiral", features=FEATURES, hidden=(8, 8), activation="tanh", lr=10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings under the widget: the loss curve shows it
        pg.step(5)
        output, _ = pg.grid_outputs(10)
    assert pg.loss("train") > 10 * pg.history[0][1]
    assert output.shape == (10, 10)


def test_a_network_that_diverges_stops_with_a_clear_error():
    pg = Playground("circle", hidden=(4,), lr=3.0, l2=10.0)  # each step multiplies the weights by about -29
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(PlaygroundError, match="the training diverged.*Lower the learning rate"):
            pg.step(40)
        assert np.isnan(pg.loss("train")) and np.isnan(pg.state()["test_loss"])
        output, neurons = pg.grid_outputs(5)
        with pytest.raises(PlaygroundError, match="diverged"):
            pg.step()
    assert output.shape == (5, 5) and len(neurons) == 4
    pg.configure(lr=0.03, l2=0.0)
    pg.reset()
    pg.step(2)
    assert np.isfinite(pg.loss("train"))


# ----------------------------------------------------------------------------- the pictures


def test_grid_outputs_are_the_network_over_the_plane():
    pg = Playground("spiral", features=("x1", "x2", "sin(x1)"), hidden=(3, 2), activation="relu")
    pg.step(2)
    output, neurons = pg.grid_outputs(30)
    assert output.shape == (30, 30) and len(neurons) == 5 and all(m.shape == (30, 30) for m in neurons)
    points = grid_points(30)
    assert points[0].tolist() == [-LIMIT, LIMIT] and points[-1].tolist() == [LIMIT, -LIMIT]  # top left, bottom right
    assert np.allclose(output.ravel(), pg.predict_proba(points), atol=1e-12)
    hidden1 = np.maximum(feature_matrix(points, pg.features) @ pg.weights()[0].T + pg.linears()[0].b.data, 0)
    assert np.allclose(np.stack([m.ravel() for m in neurons[:3]], axis=1), hidden1, atol=1e-12)
    hidden2 = np.maximum(hidden1 @ pg.weights()[1].T + pg.linears()[1].b.data, 0)
    assert np.allclose(np.stack([m.ravel() for m in neurons[3:]], axis=1), hidden2, atol=1e-12)


def test_drawing_the_pictures_does_not_change_training():
    seen, unseen = Playground("xor", hidden=(4, 4)), Playground("xor", hidden=(4, 4))
    for _ in range(5):  # the widget draws after every step, at whatever frame rate the browser manages
        seen.grid_outputs(40)
        seen.step()
    unseen.step(5)
    assert seen.step_losses == unseen.step_losses and seen.history == unseen.history
    assert all(np.array_equal(a, b) for a, b in zip(seen.weights(), unseen.weights(), strict=True))


def test_feature_matrix_columns():
    X = np.array([[1.0, 2.0], [-0.5, 3.0]])
    got = feature_matrix(X, FEATURES)
    x1, x2 = X.T
    assert np.array_equal(got, np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)]))


def test_state_reports_what_a_check_needs():
    pg = Playground("gauss", n=100, noise=0.1, test_fraction=0.2, hidden=(3,), l2=0.01)
    pg.step(2)
    state = pg.state()
    assert {k: state[k] for k in ("data", "noise", "n_train", "n_test", "drawn", "hidden", "neurons", "epoch")} == {
        "data": "gauss", "noise": 0.1, "n_train": 80, "n_test": 20, "drawn": 0, "hidden": (3,), "neurons": 3,
        "epoch": 2}
    assert state["test_accuracy"] == pg.accuracy("test") and state["train_loss"] == pg.loss("train")


def test_epochs_since_change_counts_from_the_last_change_of_l2_data_split_or_network():
    """Challenge 4 reads it: epochs trained with other settings before the fix do not count."""
    pg = Playground("circle", hidden=(3,))
    pg.step(3)
    assert pg.state()["epochs_since_change"] == 3
    pg.configure(lr=0.1, batch_size=5)  # these apply from the next step on and keep the count
    pg.step(1)
    assert pg.state()["epochs_since_change"] == 4
    pg.configure(l2=0.01)  # a new L2 trains another model: the count starts again, the epoch goes on
    pg.step(2)
    assert (pg.state()["epoch"], pg.state()["epochs_since_change"]) == (6, 2)
    pg.configure(l2=0.01)  # the same value is no change
    assert pg.state()["epochs_since_change"] == 2
    pg.add_point(1.0, 1.0, "A")
    assert pg.state()["epochs_since_change"] == 0
    pg.step(1)
    pg.undo()
    assert pg.state()["epochs_since_change"] == 0
    pg.step(1)
    pg.reset()
    assert pg.state()["epochs_since_change"] == 0
    pg.step(2)
    pg.resplit(0.3)
    assert (pg.state()["epoch"], pg.state()["epochs_since_change"]) == (0, 0)
    pg.step(1)
    pg.clear()
    assert (pg.state()["epoch"], pg.state()["epochs_since_change"]) == (1, 0)


# ----------------------------------------------------------------------------- export to code


def _run_script(source: str) -> dict:
    """Run an exported script as a module (not as __main__): its names, ready to call."""
    namespace = {"__name__": "exported"}
    exec(compile(source, "<exported>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace


def _steps(namespace: dict, steps: int) -> list[float]:
    """Train the exported model for `steps` minibatch steps, epoch by epoch from its EPOCH; each step's loss."""
    losses, epoch = [], namespace["EPOCH"]
    while len(losses) < steps:
        losses += namespace["train_epoch"](epoch)
        epoch += 1
    return losses[:steps]


EXPORTED = [  # a trained default; every feature, ReLU, L2 and a batch that does not divide the data; no hidden layer
    ({"preset": "circle"}, 4),
    ({"preset": "spiral", "features": FEATURES, "hidden": (5, 4, 3), "activation": "relu", "lr": 0.01,
      "batch_size": 7, "l2": 0.003, "seed": 7, "noise": 0.2}, 3),
    ({"preset": "xor", "features": ("x1", "x2", "x1*x2"), "hidden": (), "activation": "sigmoid", "lr": 0.1}, 0),
    ({"preset": "gauss", "hidden": (8, 8, 8, 8), "activation": "sigmoid", "batch_size": 1, "lr": 0.3}, 1),
]


TOLERANCE = {"torch": (1e-5, 1e-4), "numpy": (1e-12, 1e-12)}  # (predictions, loss per step): the issue's, for torch


@pytest.mark.parametrize("kind", ["torch", "numpy"])
@pytest.mark.parametrize("settings, epochs", EXPORTED)
def test_the_exported_script_reproduces_predictions_and_the_loss_curve(settings, epochs, kind):
    predictions, losses = TOLERANCE[kind]
    pg = Playground(**settings)
    if epochs:
        pg.step(epochs)
    exported = _run_script(getattr(pg, f"export_{kind}")())
    if kind == "torch":
        assert isinstance(exported["model"], torch.nn.Sequential)
    points = np.vstack([pg.X_train, pg.X_test, np.random.default_rng(0).uniform(-LIMIT, LIMIT, (200, 2))])
    assert np.abs(exported["predict_proba"](points) - pg.predict_proba(points)).max() < predictions
    # trained from the same start: 100 steps (minibatch updates), the loss of each step the same to 1e-4
    epochs_for_100 = -(-100 // -(-len(pg.y_train) // pg.batch_size))  # whole epochs holding at least 100 steps
    before = len(pg.step_losses)
    pg.step(epochs_for_100)
    ours = np.array(pg.step_losses[before:])
    theirs = np.array(_steps(exported, len(ours)))
    assert len(ours) == len(theirs) >= 100
    assert np.abs(ours[:100] - theirs[:100]).max() < losses
    # ... and after those epochs, the same network
    assert np.abs(exported["predict_proba"](points) - pg.predict_proba(points)).max() < predictions
    assert abs(exported["mean_loss"](pg.X_test, pg.y_test) - pg.loss("test")) < predictions


def test_the_exported_loss_curve_is_not_reproduced_by_another_order_or_start():
    """The reproduction tests can fail: a script trained in another minibatch order, or from other weights, is off."""
    pg = Playground("spiral", hidden=(6, 6))
    pg.step(2)
    source = pg.export_torch()
    before = len(pg.step_losses)
    pg.step(10)
    ours = np.array(pg.step_losses[before:before + 100])
    shuffled = _run_script(source.replace("default_rng([SEED, epoch])", "default_rng([SEED + 1, epoch])"))
    assert np.abs(np.array(_steps(shuffled, 100)) - ours).max() > 1e-3
    restarted = _run_script(Playground("spiral", hidden=(6, 6)).export_torch())
    restarted["EPOCH"] = 2
    assert np.abs(np.array(_steps(restarted, 100)) - ours).max() > 1e-3


@pytest.mark.parametrize("kind", ["torch", "numpy"])
def test_the_exported_script_runs_on_its_own(kind, tmp_path):
    pg = Playground("xor", features=("x1", "x2", "x1*x2"), hidden=(3,))
    pg.step(2)
    script = tmp_path / f"playground_{kind}.py"
    script.write_text(getattr(pg, f"export_{kind}")())
    env = {"PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1", "PATH": ""}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 11 and lines[0].startswith("epoch 2: train loss ") and lines[-1].startswith("epoch 102: ")
    assert f"{pg.loss('train'):.4f}" in lines[0] and f"{pg.loss('test'):.4f}" in lines[0]
    pg.step(100)
    assert f"train loss {pg.loss('train'):.4f}" in lines[-1]


def test_the_export_of_an_empty_test_set_runs():
    pg = Playground("xor")
    pg.clear()
    pg.add_point(1, 1, 1)
    pg.add_point(-1, 1, 0)
    namespace = _run_script(pg.export_numpy())
    assert namespace["X_test"].shape == (0, 2) and namespace["y_train"].tolist() == [1, 0]
    assert np.allclose(namespace["predict_proba"](pg.X_train), pg.predict_proba(pg.X_train))


def test_running_the_exported_script_leaves_torchs_default_dtype_alone():
    """The script runs in the learner's kernel (and in this test process): it must not switch torch to float64 for
    everything after it (it did once, and the MNIST plots built later in the same process broke)."""
    import torch

    before = torch.get_default_dtype()
    _run_script(Playground("xor", hidden=(4,)).export_torch())
    assert torch.get_default_dtype() == before


def test_a_copy_is_frozen_and_trains_on_as_the_original_would():
    pg = Playground("circle", hidden=(3,), noise=0.1)
    pg.step(2)
    frozen = pg.copy()
    pg.step(3)
    pg.set_preset("xor")
    assert frozen.data == "circle" and frozen.epoch == 2 and len(frozen.history) == 3
    twin = Playground("circle", hidden=(3,), noise=0.1)
    twin.step(2)
    frozen.step(3)
    twin.step(3)
    assert frozen.step_losses == twin.step_losses
    assert all(np.array_equal(a, b) for a, b in zip(frozen.weights(), twin.weights(), strict=True))


def test_no_training_points_after_a_split_says_to_move_the_slider():
    """A small CSV at a 10% split keeps every point for testing: the message names the slider, not a CSV."""
    pg = Playground("circle", test_fraction=0.9)
    pg.load_csv("1,1,0\n2,2,1\n-1,-1,0\n-2,-2,1\n1,-1,0\n2,-2,1\n-1,1,0\n-2,2,1\n")
    assert len(pg.y_train) == 0 and len(pg.y_test) == 8
    with pytest.raises(PlaygroundError, match="all 8 points are test points: raise the training-data slider"):
        pg.step()
