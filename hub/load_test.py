"""Load test: N learners on the local demo hub, each working through the course like a person in a class.

    python -m hub.load_test --learners 10                      # notebooks 01-05 (make hub-load LEARNERS=10)
    python -m hub.load_test --learners 3 --notebooks 06 --browser 0 --threads 1

Each learner logs in to the hub, starts its server, pulls the course with the nbgitpuller link, and opens the
notebooks through the hub's proxy as a browser does: cookies, the REST API (sessions, contents) and the kernel
websocket. It runs every code cell in order, and after each cell that shows live plots it moves their sliders by
sending the same `comm_msg` "update" a slider sends, paced like a person: one change every 0.6-1.4 s (uniform
jitter; the next change also waits for the previous plot to come back). One learner (--browser 1) is real
Chromium: it logs in on the login page, follows the link, runs all cells and moves a slider with the keyboard.

Measured: each cell's execution time (execute_request -> reply and idle), each slider round trip (control change
-> the comm message with the new image bytes), and the memory (RSS) of all learners' servers and kernels
together (psutil, every second). The machine's load average is sampled too. Everything started is stopped,
also on failure. The LAST line printed is JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import uuid
from pathlib import Path

import psutil
import requests
import websocket

from .lab_page import error_outputs, run_all_cells, wait_for_new_picture
from .launch import REPO, TARGET, Hub, pull_link, snapshot_repo

CHROMIUM = os.environ.get("NN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
SLIDERS = {"FloatSliderModel", "IntSliderModel", "FloatLogSliderModel"}
PACE = (0.6, 1.4)  # seconds between one learner's control changes (uniform), about one per second
CELL_TIMEOUT = float(os.environ.get("NN_HUB_CELL_TIMEOUT", 900))
SLIDER_TIMEOUT = 60.0


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return round(v[lo] + (v[hi] - v[lo]) * (k - lo), 1)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class LearnerError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------
class Kernel:
    """One notebook's kernel, over the websocket a browser opens; keeps the widget models it is sent."""

    def __init__(self, ws: websocket.WebSocket, session: str):
        self.ws, self.session = ws, session
        self.models: dict[str, dict] = {}
        self.opened: list[str] = []  # comm ids in the order the kernel opened them

    def send(self, channel: str, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "username": "learner", "session": self.session,
                       "date": dt.datetime.now(dt.UTC).isoformat(), "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}))
        return msg_id

    def recv(self, timeout: float) -> dict | None:
        self.ws.settimeout(max(timeout, 0.05))
        try:
            frame = self.ws.recv()
        except websocket.WebSocketTimeoutException:
            return None
        if isinstance(frame, bytes):  # a message with binary buffers (image bytes)
            n = struct.unpack("!I", frame[:4])[0]
            offsets = [*struct.unpack("!" + "I" * n, frame[4:4 * (n + 1)]), None]
            parts = [frame[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
            msg = json.loads(parts[0])
            msg["buffers"] = parts[1:]
        else:
            msg = json.loads(frame)
        self._track(msg)
        return msg

    def _track(self, msg: dict) -> None:
        kind, content = msg.get("msg_type") or msg["header"]["msg_type"], msg.get("content", {})
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.models[content["comm_id"]] = dict(content["data"].get("state", {}))
            self.opened.append(content["comm_id"])
        elif kind == "comm_msg" and content.get("comm_id") in self.models:
            data = content.get("data", {})
            if data.get("method") in ("update", "echo_update"):
                self.models[content["comm_id"]].update(data.get("state", {}))

    def run(self, code: str, expressions: dict | None = None) -> tuple[float, list[str], dict]:
        """Execute code; return (seconds, errors, reply content)."""
        t0 = time.perf_counter()
        msg_id = self.send("shell", "execute_request", {
            "code": code, "silent": False, "store_history": expressions is None,
            "user_expressions": expressions or {}, "allow_stdin": False, "stop_on_error": True})
        errors, reply, idle = [], None, False
        deadline = time.monotonic() + CELL_TIMEOUT
        while reply is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LearnerError(f"cell did not finish within {CELL_TIMEOUT:.0f} s: {code[:80]!r}")
            msg = self.recv(min(left, 5))
            if msg is None or msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "execute_reply":
                reply = msg["content"]
                if reply.get("status") != "ok":
                    errors.append(f"{reply.get('ename')}: {reply.get('evalue')}")
            elif kind == "error":
                errors.append(f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}")
            elif kind == "status" and msg["content"].get("execution_state") == "idle":
                idle = True
        return time.perf_counter() - t0, sorted(set(errors)), reply

    def liveplots(self, comm_ids: list[str]) -> list[tuple[str, list[str]]]:
        """(image comm id, [slider comm ids]) of each LivePlot among `comm_ids`."""
        found = []
        for cid in comm_ids:
            state = self.models.get(cid, {})
            if state.get("_model_name") != "VBoxModel" or "nn-liveplot" not in state.get("_dom_classes", []):
                continue
            image, sliders, todo = None, [], list(state.get("children", []))
            while todo:
                ref = todo.pop(0)
                child = ref.removeprefix("IPY_MODEL_")
                cs = self.models.get(child, {})
                name = cs.get("_model_name")
                if name == "ImageModel" and "nn-liveplot-image" in cs.get("_dom_classes", []):
                    image = child
                elif name in SLIDERS and not cs.get("disabled"):
                    sliders.append(child)
                elif name in ("HBoxModel", "VBoxModel", "BoxModel", "GridBoxModel"):
                    todo.extend(cs.get("children", []))
            if image and sliders:
                found.append((image, sliders))
        return found

    def move(self, slider: str, image: str, rng: random.Random) -> float:
        """Send a slider's 'update' (a new value), wait for the image's new bytes; return the round trip (s)."""
        s = self.models[slider]
        lo, hi, step = s["min"], s["max"], s.get("step") or 1
        n = max(int(round((hi - lo) / step)), 1)
        value = s["value"]
        for _ in range(10):
            value = lo + rng.randint(0, n) * step
            value = int(value) if s["_model_name"] == "IntSliderModel" else round(value, 10)
            if value != s["value"]:
                break
        t0 = time.perf_counter()
        msg_id = self.send("shell", "comm_msg", {
            "comm_id": slider, "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}})
        self.models[slider]["value"] = value
        deadline = time.monotonic() + SLIDER_TIMEOUT
        got_image = idle = False
        elapsed = None
        while not (got_image and idle):
            left = deadline - time.monotonic()
            if left <= 0:
                raise LearnerError(f"no new image {SLIDER_TIMEOUT:.0f} s after moving a slider")
            msg = self.recv(min(left, 5))
            if msg is None or msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["header"]["msg_type"], msg.get("content", {})
            if (kind == "comm_msg" and content.get("comm_id") == image and msg.get("buffers")
                    and content.get("data", {}).get("method") == "update" and not got_image):
                elapsed, got_image = time.perf_counter() - t0, True
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
                if not got_image:
                    break  # the plot did not redraw (e.g. same image): no round trip to count
        return elapsed


# ---------------------------------------------------------------------------------------------------------
class Learner(threading.Thread):
    """A learner driving the hub with HTTP and the kernel websocket."""

    def __init__(self, run: LoadTest, name: str, seed: int):
        super().__init__(name=name, daemon=True)
        self.t, self.user, self.rng = run, name, random.Random(seed)
        self.http = requests.Session()
        self.cells: list[tuple[str, float]] = []
        self.sliders: list[float] = []
        self.errors: list[str] = []
        self.kernel_pids: dict[int, str] = {}
        self.done: list[str] = []
        self.notebook_s: dict[str, float] = {}

    def url(self, path: str) -> str:
        return f"{self.t.hub.base}{path}"

    def xsrf(self, path: str) -> str:
        found = sorted((len(c.path or "/"), c.value) for c in self.http.cookies
                       if c.name == "_xsrf" and path.startswith(c.path or "/"))
        return found[-1][1] if found else ""

    def login(self) -> None:
        r = self.http.get(self.url("/hub/login"), timeout=60)
        r.raise_for_status()
        form_xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', r.text)
        data = {"username": self.user, "password": self.t.hub.passwords[self.user],
                "_xsrf": form_xsrf.group(1) if form_xsrf else self.xsrf("/hub/")}
        r = self.http.post(self.url("/hub/login"), data=data, allow_redirects=False, timeout=60)
        if r.status_code not in (302, 303) or "jupyterhub-session-id" not in self.http.cookies:
            raise LearnerError(f"login failed: HTTP {r.status_code}")

    def start_server(self) -> None:
        h = {"X-XSRFToken": self.xsrf("/hub/")}
        r = self.http.post(self.url(f"/hub/api/users/{self.user}/server"), headers=h, timeout=60)
        if r.status_code not in (201, 202, 400):  # 400: already running
            raise LearnerError(f"could not start the server: HTTP {r.status_code} {r.text[:200]}")
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            r = self.http.get(self.url(f"/hub/api/users/{self.user}"), headers=h, timeout=60)
            server = r.json().get("servers", {}).get("", {})
            if server.get("ready"):
                return
            time.sleep(1)
        raise LearnerError("server not ready within 300 s")

    def pull(self) -> None:
        """Follow the nbgitpuller link: its page (OAuth to the server happens here), then its event stream."""
        link = pull_link(self.t.hub.base, self.t.repo_url, "main", user=self.user)
        r = self.http.get(link, timeout=120)
        if r.status_code != 200 or "git-pull" not in r.text:
            raise LearnerError(f"nbgitpuller page: HTTP {r.status_code} at {r.url}")
        api = link.replace("/git-pull?", "/git-pull/api?")
        with self.http.get(api, stream=True, timeout=300) as r:
            r.raise_for_status()
            for line in r.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    if event.get("phase") == "error":
                        raise LearnerError(f"nbgitpuller: {event.get('message')}")
                    if event.get("phase") == "finished":
                        return
        raise LearnerError("nbgitpuller stream ended without 'finished'")

    def notebook(self, nb: str) -> None:
        base = f"/user/{self.user}"
        path = f"{TARGET}/notebooks/{nb}"
        h = {"X-XSRFToken": self.xsrf(base + "/")}
        r = self.http.get(self.url(f"{base}/api/contents/{urllib.parse.quote(path)}?content=1"), timeout=60)
        r.raise_for_status()
        cells = [c["source"] for c in r.json()["content"]["cells"] if c["cell_type"] == "code"]
        r = self.http.post(self.url(f"{base}/api/sessions"), headers=h, timeout=120, json={
            "path": path, "name": nb, "type": "notebook", "kernel": {"name": "python3"}})
        r.raise_for_status()
        sess = r.json()
        kid = sess["kernel"]["id"]
        ws_url = self.url(f"{base}/api/kernels/{kid}/channels?session_id={uuid.uuid4().hex}").replace(
            "http://", "ws://")
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        ws = websocket.create_connection(ws_url, header=[f"Cookie: {cookie}"], timeout=60,
                                         origin=self.t.hub.base)
        t_nb = time.perf_counter()
        try:
            k = Kernel(ws, uuid.uuid4().hex)
            _, _, reply = k.run("", {"pid": "__import__('os').getpid()"})
            pid = int(reply["user_expressions"]["pid"]["data"]["text/plain"])
            self.kernel_pids[pid] = nb
            self.t.kernel_pids[pid] = (self.user, nb)
            for i, code in enumerate(cells):
                if self.t.stopping.is_set():
                    raise LearnerError("stopped")
                before = len(k.opened)
                seconds, errors, _ = k.run(code)
                self.cells.append((nb, seconds))
                self.t.cell_log.append((self.user, nb, i, seconds))
                for e in errors:
                    self.errors.append(f"{nb} cell {i}: {e}")
                for image, sliders in k.liveplots(k.opened[before:]):
                    for _ in range(self.t.moves):
                        t_next = time.monotonic() + self.rng.uniform(*PACE)
                        rt = k.move(self.rng.choice(sliders), image, self.rng)
                        if rt is not None:
                            self.sliders.append(rt)
                        msg = [m.get("value", "") for m in k.models.values()
                               if "Could not redraw" in str(m.get("value", ""))]
                        if msg:
                            self.errors.append(f"{nb} cell {i}: {msg[0][:200]}")
                        time.sleep(max(0.0, t_next - time.monotonic()))
        finally:
            ws.close()
            self.notebook_s[nb] = time.perf_counter() - t_nb
            if not self.t.keep_kernels:
                self.http.delete(self.url(f"{base}/api/sessions/{sess['id']}"), headers=h, timeout=60)
        self.done.append(nb)

    def run(self) -> None:
        try:
            time.sleep(self.rng.uniform(0, 2))  # a class does not log in in the same millisecond
            self.login()
            self.start_server()
            self.pull()
            for nb in self.t.notebooks:
                t0 = time.perf_counter()
                self.notebook(nb)
                log(f"{self.user}: {nb} done in {time.perf_counter() - t0:.0f} s "
                    f"({len([c for c in self.cells if c[0] == nb])} cells)")
        except Exception as err:  # noqa: BLE001 - reported, counted as an error
            self.errors.append(f"{type(err).__name__}: {err}")
            log(f"{self.user}: FAILED: {type(err).__name__}: {err}")
            if not isinstance(err, LearnerError):
                traceback.print_exc()


class BrowserLearner(Learner):
    """The same course, in real headless Chromium: login page, nbgitpuller link, Run All, a slider by keyboard."""

    def run(self) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            self.errors.append("playwright is not installed")
            return
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
                try:
                    self._course(browser.new_page(viewport={"width": 1400, "height": 1000}))
                finally:
                    browser.close()
        except Exception as err:  # noqa: BLE001
            self.errors.append(f"browser: {type(err).__name__}: {str(err)[:300]}")
            log(f"{self.user} (Chromium): FAILED: {type(err).__name__}: {str(err)[:300]}")

    def _course(self, page) -> None:
        base = self.t.hub.base
        page.goto(f"{base}/hub/login")
        page.fill("input[name=username]", self.user)
        page.fill("input[name=password]", self.t.hub.passwords[self.user])
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_load_state()
        first = self.t.notebooks[0]
        page.goto(pull_link(base, self.t.repo_url, "main", notebook=first), timeout=300_000)
        page.wait_for_url(re.compile(r".*/lab/tree/.*"), timeout=300_000)
        log(f"{self.user} (Chromium): logged in, server started, course pulled, JupyterLab open")
        for nb in self.t.notebooks:
            t0 = time.perf_counter()
            run_all_cells(page, f"{base}/user/{self.user}/lab/tree/{TARGET}/notebooks/{nb}?reset",
                          open_timeout_ms=120_000, run_timeout_ms=CELL_TIMEOUT * 1000)
            self.notebook_s[nb] = time.perf_counter() - t0
            self.errors.extend(f"{nb} (Chromium): {e[:200]}" for e in error_outputs(page))
            if "Error displaying widget" in page.locator(".jp-Notebook").inner_text():
                self.errors.append(f"{nb} (Chromium): a widget failed to display")
            plots = page.locator(".nn-liveplot").filter(has=page.locator(".widget-slider .noUi-handle")).filter(
                has=page.locator(".nn-liveplot-image"))
            for i in range(min(plots.count(), self.t.moves)):
                plot = plots.nth(i)
                handle = plot.locator(".widget-slider .noUi-handle").first
                image = plot.locator(".nn-liveplot-image").first
                handle.scroll_into_view_if_needed()
                before = image.get_attribute("src")
                handle.focus()
                t_next = time.monotonic() + self.rng.uniform(*PACE)
                t1 = time.perf_counter()
                handle.press(self.rng.choice(["ArrowRight", "ArrowLeft"]))
                try:
                    wait_for_new_picture(page, image, before)
                    self.sliders.append(time.perf_counter() - t1)
                except Exception:  # noqa: BLE001 - at the end of its range the key changes nothing
                    handle.press("ArrowLeft")
                time.sleep(max(0.0, t_next - time.monotonic()))
            # Save, then shut the kernel down (the menu's "Close and Shut Down" would ask in a dialog).
            page.evaluate("""async () => {
                const w = window.jupyterapp.shell.currentWidget;
                await w.context.save();
                await w.sessionContext.shutdown();
            }""")
            self.done.append(nb)
            log(f"{self.user} (Chromium): {nb} done in {self.notebook_s[nb]:.0f} s (Run All)")


# ---------------------------------------------------------------------------------------------------------
class LoadTest:
    def __init__(self, learners: int, notebooks: list[str], browsers: int, moves: int, threads: int | None,
                 keep_kernels: bool, seed: int, hub: Hub | None = None, repo_url: str = ""):
        """With `hub` (already running, its users the learners) and `repo_url`, drive that hub; otherwise
        start one, and a snapshot of this working tree to pull, and stop both at the end."""
        self.n, self.notebooks, self.browsers, self.moves = learners, notebooks, min(browsers, learners), moves
        self.threads, self.keep_kernels, self.seed = threads, keep_kernels, seed
        self.own_hub = hub is None
        self.users = [f"learner{i:02d}" for i in range(1, learners + 1)] if self.own_hub else hub.users[:learners]
        self.hub = Hub(self.users, threads=threads) if self.own_hub else hub
        self.stopping = threading.Event()
        self.kernel_pids: dict[int, tuple[str, str]] = {}
        self.cell_log: list[tuple[str, str, int, float]] = []
        self.samples: list[dict] = []
        self.cpu: dict[tuple[int, float], float] = {}
        self.repo_url = repo_url
        self.hub_log = ""

    def sample(self) -> None:
        """Every second: RSS of every learner server and kernel (psutil), and the load average."""
        while not self.stopping.wait(1.0):
            servers = kernels = 0
            per_kernel: dict[int, int] = {}
            for p in self.hub.processes():
                try:
                    t = p.cpu_times()  # hub, proxy, servers, kernels: the CPU the class costs
                    self.cpu[(p.pid, p.create_time())] = t.user + t.system
                    cmd = " ".join(p.cmdline())
                    if "jupyterhub-singleuser" not in cmd:
                        continue
                    servers += p.memory_info().rss
                    for k in p.children(recursive=True):
                        rss = k.memory_info().rss
                        kernels += rss
                        per_kernel[k.pid] = rss
                except psutil.Error:
                    continue
            self.samples.append({"t": time.time(), "servers": servers, "kernels": kernels,
                                 "per_kernel": per_kernel, "load": os.getloadavg()[0]})

    def run(self) -> dict:
        tmp = Path(tempfile.mkdtemp(prefix="nn-hub-load-"))
        sampler = threading.Thread(target=self.sample, daemon=True)
        t0 = time.perf_counter()
        learners: list[Learner] = []
        try:
            if self.own_hub:
                self.start_hub(tmp)
            log(f"pacing: after each cell that shows live plots, {self.moves} slider changes per plot, one every "
                f"{PACE[0]}-{PACE[1]} s per learner (uniform jitter, and never before the last plot came back)")
            sampler.start()
            learners = [(BrowserLearner if i < self.browsers else Learner)(self, u, self.seed + i)
                        for i, u in enumerate(self.users)]
            for learner in learners:
                learner.start()
            for learner in learners:
                learner.join()
        finally:
            self.stopping.set()
            if sampler.is_alive():
                sampler.join(timeout=5)
            self.hub_log = self.hub.log_tail(4000)
            if self.own_hub:
                t_stop = time.perf_counter()
                self.hub.stop()
                log(f"stopped the hub, its proxy, every server and kernel in {time.perf_counter() - t_stop:.0f} s")
            shutil.rmtree(tmp, ignore_errors=True)
        return self.report(learners, time.perf_counter() - t0)

    def start_hub(self, tmp: Path) -> None:
        self.repo_url = snapshot_repo(tmp)
        os.environ["NN_HUB_EXPOSE_APP"] = "1" if self.browsers else ""
        for u in self.users[:self.browsers]:  # Chromium: render every cell, so every output is on the page
            settings = self.hub.state / "home" / u / ".jupyter" / "lab" / "user-settings" / "@jupyterlab"
            (settings / "notebook-extension").mkdir(parents=True, exist_ok=True)
            (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
                json.dumps({"windowingMode": "none"}))
            (settings / "apputils-extension").mkdir(parents=True, exist_ok=True)
            (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
                json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        log(f"starting the hub for {self.n} learners ({self.browsers} in Chromium), notebooks "
            f"{', '.join(self.notebooks)}; CPU threads per kernel: {self.threads or 'library default'}")
        self.hub.start()
        log(f"hub up at {self.hub.base}; course pulled from a snapshot of this working tree ({self.repo_url})")

    def report(self, learners: list[Learner], wall: float) -> dict:
        mib = 1 / 2**20
        cells = [s for lr in learners for _, s in lr.cells]
        sliders = [s for lr in learners if not isinstance(lr, BrowserLearner) for s in lr.sliders]
        browser_sliders = [s for lr in learners if isinstance(lr, BrowserLearner) for s in lr.sliders]
        errors = [f"{lr.user}: {e}" for lr in learners for e in lr.errors]
        completed = sum(lr.done == self.notebooks and not lr.errors for lr in learners)
        totals = [(s["servers"] + s["kernels"]) * mib for s in self.samples]
        peak_total = max(totals, default=0.0)
        kernel_peak: dict[str, list[float]] = {}
        peak_by_pid: dict[int, int] = {}
        for s in self.samples:
            for pid, rss in s["per_kernel"].items():
                peak_by_pid[pid] = max(peak_by_pid.get(pid, 0), rss)
        for pid, (_, nb) in self.kernel_pids.items():
            if pid in peak_by_pid:
                kernel_peak.setdefault(nb, []).append(peak_by_pid[pid] * mib)
        server_peak = max((s["servers"] for s in self.samples), default=0) * mib / max(self.n, 1)
        per_nb = {}
        for nb in self.notebooks:
            nb_cells = [s for lr in learners for n, s in lr.cells if n == nb]
            per_nb[nb] = {"cells": len(nb_cells), "cell_p50_ms": pct([c * 1000 for c in nb_cells], 0.5),
                          "cell_p95_ms": pct([c * 1000 for c in nb_cells], 0.95),
                          "slowest_cell_s": round(max(nb_cells, default=0), 1),
                          "slowest_cell_s_by_learner": [round(max((c for n, c in lr.cells if n == nb), default=0), 1)
                                                        for lr in learners if not isinstance(lr, BrowserLearner)],
                          "kernel_rss_mib_max": round(max(kernel_peak.get(nb, [0])), 0),
                          "kernel_rss_mib_p50": round(statistics.median(kernel_peak.get(nb, [0])), 0),
                          "notebook_s_p50": round(statistics.median(
                              [lr.notebook_s[nb] for lr in learners if nb in lr.notebook_s] or [0]), 1)}
        loads = [s["load"] for s in self.samples]
        span = (self.samples[-1]["t"] - self.samples[0]["t"]) if len(self.samples) > 1 else 1.0
        cpu_s = sum(self.cpu.values())
        out = {
            "learners": self.n, "completed": completed, "errors": len(errors),
            "cell_p95_ms": pct([c * 1000 for c in cells], 0.95),
            "slider_p50_ms": pct([s * 1000 for s in sliders], 0.5),
            "slider_p95_ms": pct([s * 1000 for s in sliders], 0.95),
            "peak_rss_mib_total": round(peak_total, 0),
            "rss_mib_per_learner": round(peak_total / max(self.n, 1), 0),
            "server_rss_mib_per_learner": round(server_peak, 0),
            "cpu_s_total": round(cpu_s, 0), "cpu_cores_busy_mean": round(cpu_s / span, 2),
            "cpu_s_per_learner_minute": round(cpu_s / max(self.n, 1) / (span / 60), 1),
            "browser_slider_p50_ms": pct([s * 1000 for s in browser_sliders], 0.5),
            "slider_changes": len(sliders) + len(browser_sliders), "cells_run": len(cells),
            "browser_learners": self.browsers,
            "notebooks": self.notebooks, "threads_per_kernel": self.threads, "per_notebook": per_nb,
            "pacing_s": list(PACE), "moves_per_plot": self.moves, "wall_s": round(wall, 0),
            "loadavg_max": round(max(loads, default=0), 2), "loadavg_mean": round(statistics.mean(loads or [0]), 2),
            "cpus": os.cpu_count(), "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "machine": f"{platform.node()} {platform.machine()} {platform.processor() or ''}".strip(),
            "date": dt.datetime.now().isoformat(timespec="minutes"),
        }
        print("\n--- per learner ---")
        for lr in learners:
            kind = "Chromium" if isinstance(lr, BrowserLearner) else "REST+websocket"
            nbs = ", ".join(f"{nb} {lr.notebook_s[nb]:.0f}s" for nb in self.notebooks if nb in lr.notebook_s)
            print(f"{lr.user} ({kind}): {len(lr.done)}/{len(self.notebooks)} notebooks [{nbs}], "
                  f"{len(lr.cells)} cells, {len(lr.sliders)} slider changes, {len(lr.errors)} errors")
        print("--- per notebook ---")
        for nb, d in per_nb.items():
            print(f"{nb}: {d}")
        for e in errors[:30]:
            print(f"ERROR {e}")
        if errors:
            print(f"--- hub log (tail) ---\n{self.hub_log}")
        print(f"load average during the run: mean {out['loadavg_mean']}, max {out['loadavg_max']} "
              f"on {out['cpus']} CPUs (other work on this machine counts too)")
        return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--learners", type=int, default=int(os.environ.get("LEARNERS", 2)))
    ap.add_argument("--notebooks", default="01,02,03,04,05",
                    help="comma-separated numbers or names, e.g. 01,02 or 06 (default 01-05)")
    ap.add_argument("--browser", type=int, default=1, help="how many learners use real Chromium (default 1)")
    ap.add_argument("--moves", type=int, default=3, help="slider changes per live plot (default 3)")
    ap.add_argument("--threads", type=int, default=1,
                    help="CPU threads per kernel (OMP/MKL); 0 = the libraries' default (all cores)")
    ap.add_argument("--keep-kernels", action="store_true", help="leave each notebook's kernel running")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    names = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    notebooks = []
    for key in args.notebooks.split(","):
        match = [n for n in names if n.startswith(key.strip())]
        if len(match) != 1:
            ap.error(f"no single notebook matches {key!r}")
        notebooks.append(match[0])
    if args.browser and not Path(CHROMIUM).exists():
        log(f"Chromium not found at {CHROMIUM}: every learner uses REST+websocket")
        args.browser = 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    log(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    result = LoadTest(args.learners, notebooks, args.browser, args.moves, args.threads or None,
                      args.keep_kernels, args.seed).run()
    print(json.dumps(result))
    return 0 if result["errors"] == 0 and result["completed"] == result["learners"] else 1


if __name__ == "__main__":
    sys.exit(main())
