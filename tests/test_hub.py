"""The course on a real local JupyterHub (hub/): security properties, and two learners running a notebook.

Starts hub/launch.py's demo hub (loopback only, random passwords and proxy token) with two learners. Without the
proxy (`make hub-proxy`: npm ci in hub/) or jupyterhub these tests skip with the reason; under CI=true a skip
is a failure. The full load test is `make hub-load LEARNERS=N`, not part of `make test`.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import urllib.parse

import psutil
import pytest
import requests

from hub.launch import Hub, proxy_missing, snapshot_repo

A, B = "learner01", "learner02"


def _skip_or_fail(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the hub tests must run, not skip)")
    pytest.skip(reason)


def login(hub: Hub, user: str, password: str) -> requests.Session:
    """Log in on the hub's login form, as a browser does; the session carries the hub's cookies."""
    s = requests.Session()
    page = s.get(f"{hub.base}/hub/login", timeout=60)
    xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
    s.post(f"{hub.base}/hub/login", allow_redirects=False, timeout=60,
           data={"username": user, "password": password, "_xsrf": xsrf.group(1) if xsrf else ""})
    return s


def hub_xsrf(s: requests.Session) -> dict:
    return {"X-XSRFToken": next((c.value for c in s.cookies if c.name == "_xsrf" and c.path.startswith("/hub")),
                                "")}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    why = proxy_missing()
    if why:
        _skip_or_fail(why)
    repo_url = snapshot_repo(tmp_path_factory.mktemp("course"))
    h = Hub([A, B], threads=1)
    h.start()
    try:
        sessions = {u: login(h, u, h.passwords[u]) for u in (A, B)}
        for u, s in sessions.items():
            r = s.post(f"{h.base}/hub/api/users/{u}/server", headers=hub_xsrf(s), timeout=60)
            assert r.status_code in (201, 202), r.text
        for u, s in sessions.items():
            for _ in range(240):
                if s.get(f"{h.base}/hub/api/users/{u}", timeout=60).json()["servers"].get("", {}).get("ready"):
                    break
                time.sleep(0.5)
            else:
                pytest.fail(f"{u}'s server did not start in 120 s:\n{h.log_tail()}")
            # Opening the server once (OAuth with the hub) gives the browser its cookie for /user/<name>/.
            assert s.get(f"{h.base}/user/{u}/lab", timeout=60).status_code == 200  # OAuth: cookie for /user/<u>/
            assert s.get(f"{h.base}/user/{u}/api/status", timeout=60).status_code == 200
        secret = secrets.token_hex(16)
        (h.state / "home" / A / "secret.txt").write_text(secret)
        yield {"hub": h, "sessions": sessions, "secret": secret, "repo_url": repo_url}
    finally:
        h.stop()


def test_a_learner_reads_their_own_files(hub):
    """The positive control: without it the refusals below could pass for a broken hub."""
    h, a = hub["hub"], hub["sessions"][A]
    r = a.get(f"{h.base}/user/{A}/files/secret.txt", timeout=60)
    assert r.status_code == 200 and r.text == hub["secret"]
    r = a.get(f"{h.base}/user/{A}/api/contents/secret.txt", timeout=60)
    assert r.status_code == 200 and r.json()["content"] == hub["secret"]


PATHS = ["files/secret.txt", "api/contents/secret.txt", "api/contents", "api/kernels", "api/sessions", "lab",
         "api/terminals"]


def refused(r: requests.Response, secret: str) -> bool:
    """A 401/403, or a redirect to the login page; never the content."""
    if secret in r.text:
        return False
    if r.status_code in (401, 403):
        return True
    path = urllib.parse.urlparse(r.url).path
    return r.status_code == 200 and path.startswith("/hub/login")


@pytest.mark.parametrize("path", PATHS)
def test_unauthenticated_request_is_refused(hub, path):
    h = hub["hub"]
    r = requests.get(f"{h.base}/user/{A}/{path}", timeout=60)  # follows redirects, as a browser would
    assert refused(r, hub["secret"]), f"anonymous GET /user/{A}/{path}: HTTP {r.status_code} at {r.url}"


def get_insisting(s: requests.Session, url: str) -> requests.Response:
    """GET as a determined learner would: if the hub asks to authorize access to the server, say yes."""
    r = s.get(url, timeout=60)
    if urllib.parse.urlparse(r.url).path.endswith("/oauth2/authorize") and r.status_code == 200:
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', r.text))
        s.post(r.url, data=fields, timeout=60)
        r = s.get(url, timeout=60)
    return r


@pytest.mark.parametrize("path", PATHS)
def test_learner_cannot_open_another_learners_server(hub, path):
    h, b = hub["hub"], hub["sessions"][B]
    r = get_insisting(b, f"{h.base}/user/{A}/{path}")
    assert refused(r, hub["secret"]), f"{B} GET /user/{A}/{path}: HTTP {r.status_code} at {r.url}"


def test_learner_cannot_write_or_start_another_learners_things(hub):
    h, b = hub["hub"], hub["sessions"][B]
    r = b.put(f"{h.base}/user/{A}/api/contents/planted.txt", headers=hub_xsrf(b), timeout=60,
              json={"type": "file", "format": "text", "content": "x"}, allow_redirects=False)
    assert r.status_code in (302, 401, 403), r.status_code
    assert not (h.state / "home" / A / "planted.txt").exists()
    r = b.post(f"{h.base}/user/{A}/api/kernels", headers=hub_xsrf(b), timeout=60, allow_redirects=False)
    assert r.status_code in (302, 401, 403), r.status_code
    for method, path in [("get", f"users/{A}"), ("delete", f"users/{A}/server"), ("post", f"users/{A}/tokens")]:
        r = getattr(b, method)(f"{h.base}/hub/api/{path}", headers=hub_xsrf(b), timeout=60)
        assert r.status_code in (403, 404), f"{B} {method.upper()} /hub/api/{path}: HTTP {r.status_code}"


def test_wrong_password_is_refused(hub):
    h = hub["hub"]
    for user, password in [(A, hub["hub"].passwords[B]), (A, ""), ("teacher", h.passwords[A])]:
        s = login(h, user, password)
        assert "jupyterhub-session-id" not in s.cookies or s.get(
            f"{h.base}/hub/api/user", timeout=60).status_code == 403
        r = s.get(f"{h.base}/user/{A}/api/contents/secret.txt", timeout=60)
        assert refused(r, hub["secret"])


def test_hub_proxy_and_servers_listen_on_loopback_only(hub):
    h = hub["hub"]
    listening = []
    for p in h.processes():
        try:
            listening += [(p.name(), c.laddr) for c in p.net_connections(kind="inet")
                          if c.status == psutil.CONN_LISTEN]
        except psutil.Error:
            continue
    ports = {addr.port for _, addr in listening}
    # the proxy (public + API), the hub, and both learners' servers at least
    assert {h.port, h.api_port, h.hub_port} <= ports and len(ports) >= 5, listening
    wide = [(n, a) for n, a in listening if a.ip not in ("127.0.0.1", "::1")]
    assert not wide, f"listening beyond loopback: {wide}"


def test_proxy_api_token_is_random_and_required(hub):
    h = hub["hub"]
    proxy = [p for p in h.processes() if "configurable-http-proxy" in " ".join(p.cmdline())]
    assert proxy, "the proxy process was not found"
    token = proxy[0].environ().get("CONFIGPROXY_AUTH_TOKEN", "")
    assert token == h.proxy_token and len(token) >= 64 and len(set(token)) > 8
    api = f"http://127.0.0.1:{h.api_port}/api/routes"
    assert requests.get(api, timeout=30).status_code == 403
    assert requests.get(api, headers={"Authorization": "token wrong"}, timeout=30).status_code == 403
    assert requests.get(api, headers={"Authorization": f"token {token}"}, timeout=30).status_code == 200


def test_two_learners_pull_the_course_and_run_a_notebook(hub):
    """A short load test: both learners pull the course with nbgitpuller, run notebook 01, move its sliders."""
    from hub.load_test import LoadTest

    run = LoadTest(2, ["01_neurons.ipynb"], browsers=0, moves=1, threads=1, keep_kernels=False, seed=0,
                   hub=hub["hub"], repo_url=hub["repo_url"])
    result = run.run()
    assert result["errors"] == 0 and result["completed"] == 2, result
    assert result["cells_run"] >= 2 * 10 and result["slider_changes"] >= 2
    assert result["peak_rss_mib_total"] > 0 and result["slider_p95_ms"] is not None



def test_demo_hub_gives_nbgrader_an_exchange(hub):
    """Grading on the demo hub (docs/teaching-guide.md): one exchange folder that every server reads from its
    JUPYTER_CONFIG_PATH (the learner's Assignments panel lists what is in it), and a config that files a learner's
    submissions under their hub name (every demo user is the same system user)."""
    from traitlets.config import Config

    h, a = hub["hub"], hub["sessions"][A]
    exchange = h.state / "nbgrader" / "exchange"
    (exchange / "a-course" / "outbound" / "hw1").mkdir(parents=True)
    r = a.get(f"{h.base}/user/{A}/courses", timeout=60)  # nbgrader's course_list server extension
    assert r.status_code == 200 and r.json() == {"success": True, "value": ["a-course"]}, r.text
    config = Config()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTERHUB_USER", A)
        exec((h.state / "nbgrader" / "nbgrader_config.py").read_text(), {"get_config": lambda: config})  # noqa: S102
    assert config.Exchange.root == str(exchange) and config.CourseDirectory.student_id == A
