"""Notebook 08's live playground, in-process: every control over its grid changes the playground and the picture,
clicks add points (Undo, Clear), a CSV upload loads its points and a bad one keeps the data with its message shown,
Play trains on the event loop and Pause stops it, a control moved while playing reconfigures, Export shows code."""

from __future__ import annotations

import asyncio
import io
import time

import numpy as np
import PIL.Image

from helpers.playground import FEATURES, LIMIT, MAX_LAYERS, Playground
from helpers.plots import control_grid
from helpers.plots.playground import (
    OUTPUT,
    RESOLUTION,
    PlaygroundWidget,
    output_edges,
    plane_map,
    playground,
    to_pixels,
    to_plane,
)

GOOD_CSV = b"x1,x2,label\n-3,-3,A\n-2,-4,A\n-4,-2,A\n-3,-4,A\n3,3,B\n2,4,B\n4,2,B\n3,4,B\n"


def picture(widget: PlaygroundWidget) -> bytes:
    return bytes(widget.image.value)


def data(pg: Playground) -> tuple:
    return pg.X_train.copy(), pg.y_train.copy(), pg.X_test.copy(), pg.y_test.copy()


def same_data(a: tuple, b: tuple) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def click(widget: PlaygroundWidget, x: float, y: float) -> None:
    """What ipycanvas does when the browser reports a mouse press on the canvas at pixel (x, y)."""
    widget.plane._handle_frontend_event(None, {"event": "mouse_down", "x": x, "y": y}, None)


def upload(widget: PlaygroundWidget, content: bytes, name: str = "points.csv") -> None:
    """What the browser sends the FileUpload widget when a file is chosen (its value, as JSON and a buffer)."""
    widget.upload.set_state({"value": [{"name": name, "type": "text/csv", "size": len(content),
                                        "content": memoryview(content), "last_modified": 0}]})


def test_every_control_over_its_grid_sets_the_playground_and_the_picture():
    w = playground()
    start = {name: c.value for name, c in w.controls.items()}
    for name, control in w.controls.items():
        for value in control_grid(control):
            before, alt = picture(w), w.image.tooltip
            moved = value != control.value
            control.value = value
            assert w.error is None, f"{name}={value!r}: {w.error}"
            pg, v = w.pg, w.values
            # the playground follows the controls (a refusal puts the control back, with a note)
            assert pg.features == tuple(f for f in FEATURES if v[f]), name
            assert pg.hidden == tuple(v[f"layer{i + 1}"] for i in range(MAX_LAYERS) if v[f"layer{i + 1}"]), name
            assert (pg.activation, pg.lr, pg.batch_size, pg.l2) == (v["activation"], v["lr"], v["batch_size"],
                                                                    v["l2"])
            assert (pg.data, round(100 * pg.noise), round(100 * (1 - pg.test_fraction))) == (
                v["preset"], v["noise"], v["train_percent"])
            if moved and (name, value) != ("preset", "own"):  # "your points" is refused: nothing to change
                assert w.image.tooltip != alt, f"{name}: the alt text did not follow"
                if name != "show_test":  # the test points are shown on the plane only
                    assert picture(w) != before, f"{name}={value!r}: the picture did not change"
            assert picture(w) == w._render(full=True)
        control.value = start[name]


def test_hidden_layers_come_from_the_non_zero_sliders():
    w = playground()
    w.controls["layer1"].value = 0
    assert w.pg.hidden == (2,)
    w.controls["layer3"].value = 5
    w.controls["layer4"].value = 8
    assert w.pg.hidden == (2, 5, 8)
    assert "2 → 2 → 5 → 8 → 2" in w.image.tooltip


def test_controls_follow_code_and_a_later_slider_move_keeps_the_trained_network():
    w = playground()
    w.pg.configure(hidden=(8, 8, 8), activation="relu", lr=0.1, seed=3)  # what a learner may do in code
    w.pg.step(5)
    w.redraw()
    v = w.values
    assert (v["layer1"], v["layer2"], v["layer3"], v["layer4"]) == (8, 8, 8, 0)
    assert (v["activation"], v["lr"], v["seed"]) == ("relu", 0.1, 3)
    weights = [layer.W.data.copy() for layer in w.pg.linears()]
    w.controls["batch_size"].value = 20  # applies from the next step on: the network stays
    pg = w.pg
    assert (pg.hidden, pg.activation, pg.lr, pg.seed, pg.batch_size, pg.epoch) == ((8, 8, 8), "relu", 0.1, 3, 20, 5)
    assert all(np.array_equal(a, layer.W.data) for a, layer in zip(weights, pg.linears(), strict=True))
    w.pg.configure(lr=0.05, l2=0.002)  # values not on the menus: the menus get them
    w.redraw()
    assert (w.values["lr"], w.values["l2"]) == (0.05, 0.002)


def test_unchecking_the_last_feature_is_refused_and_the_box_comes_back():
    w = playground(Playground(features=("x1",)))
    w.controls["x1"].value = False
    assert w.pg.features == ("x1",) and w.controls["x1"].value is True
    assert "at least one input feature" in w.note.value


def test_a_click_adds_a_point_of_the_chosen_class_where_it_lands_and_undo_and_clear_work():
    w = playground()
    n, before = len(w.pg.y_train), picture(w)
    assert w.undo_button.disabled  # nothing drawn yet
    w.label_choice.value = 1
    click(w, w.size * 0.75, w.size * 0.25)  # right and up: x1 = 3, x2 = 3
    assert len(w.pg.y_train) == n + 1 and w.pg.y_train[-1] == 1
    assert np.allclose(w.pg.X_train[-1], [LIMIT / 2, LIMIT / 2])
    assert picture(w) != before and "1 drawn" in w.image.tooltip
    assert not w.undo_button.disabled
    w.undo_button.click()
    assert len(w.pg.y_train) == n and w.undo_button.disabled
    w.clear_button.click()
    assert len(w.pg.y_train) == len(w.pg.y_test) == 0
    w.label_choice.value = 0
    click(w, 0, w.size)  # the bottom left corner
    assert w.pg.y_train.tolist() == [0] and np.allclose(w.pg.X_train[-1], [-LIMIT, -LIMIT])


def test_a_typed_point_is_the_keyboards_way_to_draw_and_a_bad_one_says_why():
    w = playground()
    n = len(w.pg.y_train)
    w.label_choice.value = 1
    w.point_box.value = "1.5, -2"  # what Enter sends from the box
    assert len(w.pg.y_train) == n + 1 and w.pg.y_train[-1] == 1 and np.allclose(w.pg.X_train[-1], [1.5, -2])
    assert w.point_box.value == "" and "1 drawn" in w.image.tooltip
    bad = (("1.5", "two numbers"), ("1.5, x", "x2 = &#x27;x&#x27; is not a number"), ("9, 0", "outside the plane"))
    for text, says in bad:
        w.point_box.value = text
        assert len(w.pg.y_train) == n + 1, text  # nothing added
        assert says in w.note.value and w.point_box.value == text, (text, w.note.value)  # kept, to be corrected
    w.point_box.value = "-3 4"  # a space works as well as a comma
    assert len(w.pg.y_train) == n + 2 and w.note.value == ""


def test_pixels_and_points_map_both_ways():
    X = np.array([[-6.0, 6.0], [0.0, 0.0], [6.0, -6.0], [1.5, -4.5]])
    assert np.allclose(to_pixels(X, 300), [[0, 0], [150, 150], [300, 300], [187.5, 262.5]])
    for (x, y), point in zip(to_pixels(X, 300), X, strict=True):
        assert np.allclose(to_plane(x, y, 300), point)


def test_the_plane_shows_each_class_where_the_network_puts_it():
    """The map's orientation and colours: trained on two Gaussians (B around (2, 2), A around (-2, -2)), the plane's
    top right has B's colour and its bottom left A's. A map flipped either way, or swapped colours, fail this."""
    pg = Playground("gauss")
    pg.step(50)
    rgb = plane_map(pg.grid_outputs(RESOLUTION)[0], 300).astype(int)
    a_colour, b_colour = OUTPUT[0].astype(int), OUTPUT[-1].astype(int)

    def nearer_b(pixel):
        return np.abs(pixel - b_colour).sum() < np.abs(pixel - a_colour).sum()

    top_right, bottom_left = np.array([[4.0, 4.0]]), np.array([[-4.0, -4.0]])
    assert pg.predict_proba(top_right)[0] > 0.9 and pg.predict_proba(bottom_left)[0] < 0.1
    (x, y), = to_pixels(top_right, 300)
    assert nearer_b(rgb[int(y), int(x)])
    (x, y), = to_pixels(bottom_left, 300)
    assert not nearer_b(rgb[int(y), int(x)])


def test_an_edge_into_the_output_is_blue_where_a_high_neuron_pushes_towards_class_a():
    """One colour rule from the last hidden layer to the output: a neuron's value up (bluer) along a positive
    (blue) edge moves the output towards class A (blue), along a negative (orange) edge towards class B."""
    pg = Playground("circle", hidden=(3,))
    pg.step(20)
    edges = output_edges(pg)  # (1, 3)
    last = pg.linears()[-1]
    h = np.zeros((1, 3))
    for k in range(3):
        up = h.copy()
        up[0, k] = 0.5
        before, after = (np.exp(last(v)) for v in (h, up))  # the two scores' exponentials, (1, 2)
        change = after[0, 1] / after.sum() - before[0, 1] / before.sum()  # how p(class B) moved
        assert edges[0, k] != 0 and np.sign(change) == -np.sign(edges[0, k])


def test_a_csv_upload_loads_its_points():
    w = playground()
    upload(w, GOOD_CSV)
    assert w.pg.data == "csv" and len(w.pg.y_train) + len(w.pg.y_test) == 8
    assert "Loaded points.csv" in w.note.value
    assert w.upload.value == ()  # ready for the next file, the same one included


def test_your_points_stay_when_the_split_or_noise_moves_and_reload_brings_the_data_set_back():
    w = playground()
    upload(w, GOOD_CSV)
    assert w.controls["preset"].value == "own"  # the menu says the points are yours
    points = {tuple(p) for p in np.vstack([w.pg.X_train, w.pg.X_test])}
    w.controls["train_percent"].value = 70
    assert w.pg.data == "csv" and {tuple(p) for p in np.vstack([w.pg.X_train, w.pg.X_test])} == points
    assert "Your points split again" in w.note.value and "Undo" not in w.note.value  # no point was drawn
    click(w, 10, 10)
    w.controls["train_percent"].value = 60
    assert "Undo cannot remove them" in w.note.value and w.pg.drawn == 0  # the drawn point joined the data
    w.controls["noise"].value = 20
    assert w.pg.data == "csv" and "your points are unchanged" in w.note.value
    w.controls["preset"].value = "spiral"  # a data set of the menu: its own 200 points, not the CSV's 8
    assert len(w.pg.y_train) + len(w.pg.y_test) == 200 and "your points went" in w.note.value
    click(w, 10, 10)
    w.controls["preset"].value = "spiral"  # already chosen: no change, so Reload is the way back
    assert w.pg.drawn == 1
    w.reload_button.click()
    assert (w.pg.data, w.pg.drawn, len(w.pg.y_train) + len(w.pg.y_test)) == ("spiral", 0, 200)
    w.clear_button.click()
    assert w.controls["preset"].value == "own"
    w.reload_button.click()
    assert w.pg.data == "drawn" and "pick a data set" in w.note.value


def test_the_picture_shows_accuracies_and_the_seed_gives_another_start():
    w = playground()
    w.step_button.click()
    assert f"({w.pg.accuracy('test'):.0%} right)" in w.image.tooltip
    weights = w.pg.weights()
    w.controls["seed"].value = 3
    assert w.pg.seed == 3 and not np.array_equal(weights[0], w.pg.weights()[0])


def test_a_bad_csv_shows_its_message_and_keeps_the_data():
    w = playground()
    w.label_choice.value = 1
    click(w, 10, 10)  # a drawn point is data too
    kept, before = data(w.pg), picture(w)
    upload(w, GOOD_CSV + b"5,oops,B\n", "mine.csv")
    assert same_data(data(w.pg), kept)
    assert "mine.csv was not loaded" in w.note.value and "line 10" in w.note.value and "oops" in w.note.value
    assert "role='alert'" in w.note.value
    assert picture(w) == before and w.error is None
    upload(w, b"x1,x2,label\n1,1,A\n2,2,A\n", "one_class.csv")
    assert same_data(data(w.pg), kept) and "both classes" in w.note.value


def test_step_reset_and_export_buttons():
    w = playground()
    before = picture(w)
    w.step_button.click()
    assert w.pg.epoch == 1 and "Epoch 1" in w.epoch_label.value and picture(w) != before
    w.reset_button.click()
    assert w.pg.epoch == 0 and picture(w) == before
    w.torch_button.click()
    assert "PyTorch script" in w.code.value and "nn.Sequential(" in w.code.value
    w.numpy_button.click()
    assert "NumPy" in w.code.value and "from helpers.nn import" in w.code.value


def test_training_with_no_points_is_refused_with_a_note():
    w = playground()
    w.clear_button.click()
    w.step_button.click()
    assert w.pg.epoch == 0 and "no training points" in w.note.value and w.error is None


def test_a_diverging_network_still_draws():
    w = playground()
    w.controls["lr"].value = 10.0
    for _ in range(30):
        w.step_button.click()
    assert w.error is None
    PIL.Image.open(io.BytesIO(picture(w))).verify()


async def _until(condition, timeout: float = 20.0) -> None:
    """Let the loop run until `condition()` holds (or fail after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_play_trains_on_the_event_loop_a_control_reconfigures_and_pause_stops():
    w = playground()
    ticks = []

    async def other_work():  # another task on the same loop: it must keep getting turns while training runs
        while True:
            ticks.append(w.pg.epoch)
            await asyncio.sleep(0.005)

    async def scenario():
        other = asyncio.get_running_loop().create_task(other_work())
        w.play_button.value = True
        assert w.play_button.description == "Pause"
        await _until(lambda: w.pg.epoch >= 3)
        pictures = {picture(w)}
        await _until(lambda: w.pg.epoch >= 5)
        pictures.add(picture(w))
        assert len(pictures) == 2, "the picture does not change while playing"
        w.controls["layer2"].value = 6  # moved while playing: a new network, and training goes on
        assert w.pg.hidden == (4, 6) and w.pg.epoch <= 1
        await _until(lambda: w.pg.epoch >= 3)
        assert w.error is None
        w.play_button.value = False  # Pause
        await _until(lambda: w._task is None, 5)
        stopped = w.pg.epoch
        await asyncio.sleep(0.3)
        assert w.pg.epoch == stopped, "training went on after Pause"
        assert w.play_button.description == "Play"
        other.cancel()

    asyncio.run(scenario())
    assert len(set(ticks)) >= 3, "the loop did not give other tasks turns while playing"


def test_play_stops_by_itself_when_the_points_are_cleared():
    w = playground()

    async def scenario():
        w.play_button.value = True
        await _until(lambda: w.pg.epoch >= 2)
        w.clear_button.click()
        await _until(lambda: not w.play_button.value, 5)

    asyncio.run(scenario())
    assert "no training points" in w.note.value and w.error is None


def test_play_outside_a_running_loop_says_how_to_train():
    w = playground()
    w.play_button.value = True
    assert not w.play_button.value and "pg.step" in w.note.value


def test_static_picture_shows_the_network_and_the_plane_with_alt_text():
    w = playground()
    bundle = w._repr_mimebundle_()
    data_ = bundle[0] if isinstance(bundle, tuple) else bundle
    page = data_["text/html"]
    assert "A static picture of a live plot" in page and "Plot: the playground at epoch 0" in page
    import base64
    import re

    png = base64.b64decode(re.search(r'base64,([A-Za-z0-9+/=]+)"', page).group(1))
    width, height = PIL.Image.open(io.BytesIO(png)).size
    network_width = PIL.Image.open(io.BytesIO(picture(w))).size[0]
    assert width >= network_width + w.size, "the plane is missing from the static picture"
    assert len(png) < 60_000
