"""Start and stop the course's local demo JupyterHub (`make hub`; also used by the load test and tests/test_hub.py).

    python -m hub.launch [--port 8000] [--learners 3] [--course head|worktree|URL]

FOR LOCAL TRIAL ONLY (see hub/jupyterhub_config.py). Everything listens on 127.0.0.1. Passwords and the
proxy's API token are drawn at random at every start and printed; none is written in the repository.
`Hub.stop()` (also run at exit and on Ctrl-C) stops the hub, its proxy, every learner's server and kernel.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CONFIG = HERE / "jupyterhub_config.py"
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
TARGET = "nn-step-by-step"  # the folder the course lands in, in each learner's home


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proxy_missing() -> str | None:
    """Why the hub cannot start here (None when it can)."""
    if not PROXY.exists():
        return f"configurable-http-proxy is not installed at {PROXY}: run `make hub-proxy` (npm ci in hub/)"
    if shutil.which("node") is None:
        return "node is not installed (the proxy, configurable-http-proxy, runs on Node.js 20+)"
    try:
        import jupyterhub  # noqa: F401
        import nbgitpuller  # noqa: F401
    except ImportError as err:
        return f"{err.name} is not installed: run `make install` (or pip install -e '.[hub]')"
    return None


def snapshot_repo(dest: Path) -> str:
    """A bare git repository of this working tree as it is now (tracked and new files, not ignored ones).

    The load test pulls this, so it tests the notebooks on disk, committed or not. Returns a file:// URL.
    """
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, check=True,
                           capture_output=True).stdout.decode().split("\0")
    work = dest / "work"
    for name in filter(None, files):
        src = REPO / name
        if src.is_file():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, work / name)
    git = ["git", "-c", "user.name=hub", "-c", "user.email=hub@localhost", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=work, check=True)
    subprocess.run([*git, "add", "-A"], cwd=work, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "course snapshot"], cwd=work, check=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(dest / "course.git")], check=True)
    shutil.rmtree(work)
    return (dest / "course.git").as_uri()


def pull_link(base: str, repo_url: str, branch: str, notebook: str = "00_start_here.ipynb",
              user: str | None = None) -> str:
    """The nbgitpuller link: pulls the course into the learner's home, then opens `notebook` in JupyterLab.

    Without `user` it is the link to hand out (`/hub/user-redirect/...` finds each learner's own server).
    """
    query = urllib.parse.urlencode({"repo": repo_url, "branch": branch, "targetpath": TARGET,
                                    "urlpath": f"lab/tree/{TARGET}/notebooks/{notebook}"})
    where = f"user/{user}" if user else "hub/user-redirect"
    return f"{base}/{where}/git-pull?{query}"


class Hub:
    """A running demo hub. Use as a context manager, or call start() and stop() (stop is idempotent)."""

    def __init__(self, users: list[str], admins: tuple[str, ...] = (), port: int | None = None,
                 state: Path | None = None, threads: int | None = None, log=None, quiet: bool = False):
        self.users, self.admins = list(users), [a for a in admins if a in users]
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._tmp = None if state else tempfile.mkdtemp(prefix="nn-hub-")
        self.state = Path(state or self._tmp).resolve()
        self.threads, self.log, self.quiet = threads, log, quiet
        self.passwords = {u: secrets.token_urlsafe(12) for u in self.users}
        self.proxy_token = secrets.token_hex(32)
        self.api_port, self.hub_port = free_port(), free_port()
        self.proc: subprocess.Popen | None = None
        self._known: dict[int, psutil.Process] = {}

    # -- life cycle ---------------------------------------------------------------------------------------
    def start(self, timeout: float = 120) -> Hub:
        why = proxy_missing()
        if why:
            raise RuntimeError(why)
        self.state.mkdir(parents=True, exist_ok=True)
        pw = self.state / "passwords.json"
        pw.touch(mode=0o600)
        pw.chmod(0o600)
        pw.write_text(json.dumps(self.passwords))
        env = {**os.environ, "NN_HUB_STATE": str(self.state), "NN_HUB_PORT": str(self.port),
               "NN_HUB_HUB_PORT": str(self.hub_port), "NN_HUB_API_PORT": str(self.api_port),
               "NN_HUB_USERS": ",".join(self.users), "NN_HUB_ADMINS": ",".join(self.admins),
               "NN_HUB_PASSWORDS": str(pw), "CONFIGPROXY_AUTH_TOKEN": self.proxy_token}
        if self.threads:
            env["NN_HUB_THREADS"] = str(self.threads)
        env.pop("JUPYTERHUB_API_TOKEN", None)
        # `node` is found next to npm's install; the hub runs from the state folder (its files stay there).
        out = self.log if self.log is not None else open(self.state / "hub.log", "a")
        self.proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], cwd=self.state,
                                     env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited ({self.proc.returncode}); log:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base}/hub/api/", timeout=3) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the hub did not answer within {timeout:.0f} s; log:\n{self.log_tail()}")

    def log_tail(self, n: int = 3000) -> str:
        path = self.state / "hub.log"
        return path.read_text(errors="replace")[-n:] if path.exists() else "(log not in state folder)"

    def processes(self) -> list[psutil.Process]:
        """The hub and everything under it: proxy, learners' servers (own sessions) and their kernels."""
        if self.proc is None:
            return []
        try:
            root = psutil.Process(self.proc.pid)
            found = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            found = []
        for p in found:
            self._known.setdefault(p.pid, p)
        return found

    def stop(self) -> None:
        if self.proc is None:
            return
        self.processes()  # remember every descendant before the tree comes apart
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # the hub stops the servers and the proxy itself
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                pass
        for p in list(self._known.values()):
            try:
                if p.is_running():
                    p.terminate()
            except psutil.Error:
                pass
        _, alive = psutil.wait_procs([p for p in self._known.values() if _running(p)], timeout=10)
        for p in alive:
            try:
                p.kill()
            except psutil.Error:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait(timeout=10)
        (self.state / "passwords.json").unlink(missing_ok=True)  # this run's passwords die with it
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> Hub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _running(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Start the course's local demo JupyterHub (Ctrl-C stops it).")
    ap.add_argument("--port", type=int, default=int(os.environ.get("HUB_PORT", 8000)))
    ap.add_argument("--learners", type=int, default=3, help="how many learner accounts (learner1..N)")
    ap.add_argument("--course", default="head",
                    help="what the nbgitpuller link pulls: 'head' (this repository's current branch, "
                         "committed files), 'worktree' (a snapshot of the files on disk) or a git URL")
    ap.add_argument("--state", default=str(HERE / "state"), help="database, cookie secret, learners' homes")
    ap.add_argument("--threads", type=int, default=1, help="CPU threads per kernel (0: library default)")
    args = ap.parse_args(argv)
    users = ["teacher", *(f"learner{i}" for i in range(1, args.learners + 1))]
    hub = Hub(users, admins=("teacher",), port=args.port, state=Path(args.state), threads=args.threads or None)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    tmp = None
    try:
        if args.course == "head":
            repo_url = REPO.as_uri()
            branch = subprocess.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=REPO, check=True,
                                    capture_output=True, text=True).stdout.strip()
        elif args.course == "worktree":
            tmp = Path(tempfile.mkdtemp(prefix="nn-course-"))
            repo_url, branch = snapshot_repo(tmp), "main"
        else:
            repo_url, branch = args.course, "main"
        sys.path.insert(0, str(HERE))
        from demo_auth import WARNING

        print(WARNING, flush=True)
        print(f"Starting JupyterHub on {hub.base} (state in {hub.state}, log in {hub.state / 'hub.log'}) ...",
              flush=True)
        hub.start()
        print(f"\nHub running: {hub.base}/hub/login   (127.0.0.1 only)\n")
        print("Accounts (passwords drawn at random for this run only):")
        for u in users:
            print(f"  {u:<10} {hub.passwords[u]}{'   (admin)' if u in hub.admins else ''}")
        print("\nThe course link to hand out (nbgitpuller; log in first, or it asks you to):")
        print(f"  {pull_link(hub.base, repo_url, branch)}\n")
        print("Press Ctrl-C to stop the hub and every learner's server.", flush=True)
        while hub.proc and hub.proc.poll() is None:
            time.sleep(1)
        print(f"jupyterhub exited; log tail:\n{hub.log_tail()}")
        return 1
    except KeyboardInterrupt:
        print("\nStopping ...")
        return 0
    finally:
        hub.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
