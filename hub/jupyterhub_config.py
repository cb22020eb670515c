# JupyterHub configuration of the course's LOCAL DEMO hub (`make hub`, `make hub-load`, tests/test_hub.py).
#
# FOR LOCAL TRIAL ONLY: a demo login (random passwords, see demo_auth.py) and SimpleLocalProcessSpawner, which
# runs every learner's server as the same system user with no isolation. Everything listens on 127.0.0.1.
# A real class hub (The Littlest JupyterHub, Zero to JupyterHub) has its own configuration: see docs/hub.md.
#
# hub/launch.py starts `jupyterhub -f hub/jupyterhub_config.py` with these environment variables set:
#   NN_HUB_STATE          folder for the database, cookie secret, proxy pid and the learners' homes
#   NN_HUB_PORT           the public port (proxy), NN_HUB_HUB_PORT the hub's own, NN_HUB_API_PORT the proxy's API
#   NN_HUB_USERS          comma-separated users allowed to log in; NN_HUB_ADMINS the admins among them
#   NN_HUB_PASSWORDS      JSON file {user: password}, mode 0600, random passwords drawn at start
#   CONFIGPROXY_AUTH_TOKEN the proxy's API token: random, drawn at start (never the empty default)
#   NN_HUB_THREADS        optional: OMP/MKL/OpenBLAS threads per kernel (1 keeps a shared CPU fair, docs/hub.md)
import os
import sys
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from demo_auth import DemoAuthenticator, warn_at_start  # noqa: E402

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

STATE = Path(os.environ["NN_HUB_STATE"]).resolve()
LOOPBACK = "127.0.0.1"


def _port(name: str) -> int:
    port = int(os.environ[name])
    if not 0 < port < 65536:
        raise ValueError(f"{name}={port} is not a port")
    return port


warn_at_start()

# --- network: loopback only -------------------------------------------------------------------------------
c.JupyterHub.bind_url = f"http://{LOOPBACK}:{_port('NN_HUB_PORT')}"
c.JupyterHub.hub_bind_url = f"http://{LOOPBACK}:{_port('NN_HUB_HUB_PORT')}"
c.ConfigurableHTTPProxy.api_url = f"http://{LOOPBACK}:{_port('NN_HUB_API_PORT')}"
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
token = os.environ.get("CONFIGPROXY_AUTH_TOKEN", "")
if len(token) < 32:
    raise SystemExit("CONFIGPROXY_AUTH_TOKEN must be a random token of 32+ characters (hub/launch.py draws one)")
c.ConfigurableHTTPProxy.auth_token = token
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server
c.JupyterHub.cleanup_proxy = True

# --- state ----------------------------------------------------------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")

# --- login: demo only ------------------------------------------------------------------------------------
users = {u for u in os.environ.get("NN_HUB_USERS", "").split(",") if u}
c.JupyterHub.authenticator_class = DemoAuthenticator
c.DemoAuthenticator.passwords_file = os.environ["NN_HUB_PASSWORDS"]
c.Authenticator.allowed_users = users
c.Authenticator.admin_users = {u for u in os.environ.get("NN_HUB_ADMINS", "").split(",") if u} & users

# --- learners' servers: JupyterLab from this course's environment -----------------------------------------
c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "home" / "{username}")
c.Spawner.ip = LOOPBACK
c.Spawner.cmd = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180  # a crowded 2-core machine starts 10 servers slowly
c.Spawner.http_timeout = 180
c.LocalProcessSpawner.interrupt_timeout = 5  # stopping: SIGINT, then SIGTERM after 5 s, then SIGKILL
c.LocalProcessSpawner.term_timeout = 3
c.Spawner.args = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    # A kernel nobody used for 20 minutes is shut down: learners leave notebooks open, memory stays bounded.
    "--MappingKernelManager.cull_idle_timeout=1200",
    "--MappingKernelManager.cull_interval=120",
]
if os.environ.get("NN_HUB_EXPOSE_APP"):  # the load test's Chromium learner reads JupyterLab's state
    c.Spawner.args.append("--LabApp.expose_app_in_browser=True")
if os.getuid() == 0:  # containers and CI run as root; JupyterLab refuses that unless told
    c.Spawner.args.append("--allow-root")
# The course's environment comes first on PATH, so a terminal in JupyterLab finds its python, jupyter and nbgrader;
# its shell is not a login shell, whose /etc/profile would reset PATH.
c.Spawner.args.append(f"--ServerApp.terminado_settings=shell_command={os.environ.get('SHELL') or '/bin/sh'}")
env = {"NBGITPULLER_APP": "lab", "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
if os.environ.get("NN_DATA_DIR"):
    env["NN_DATA_DIR"] = os.environ["NN_DATA_DIR"]
if os.environ.get("NN_HUB_THREADS"):
    n = str(int(os.environ["NN_HUB_THREADS"]))
    # NN_WORKERS: notebook 06's independent runs also stay within the learner's cores (helpers.training)
    env.update(OMP_NUM_THREADS=n, MKL_NUM_THREADS=n, OPENBLAS_NUM_THREADS=n, NN_WORKERS=n)

# --- grading with nbgrader (docs/teaching-guide.md, "Grading with nbgrader") -------------------------------
# nbgrader's exchange: one folder every user reaches, and an nbgrader_config.py every server and terminal reads
# (on JUPYTER_CONFIG_PATH). A real hub keeps them in /srv/nbgrader/exchange and /etc/jupyter/. Every demo user
# is the same system user, so nbgrader would file every submission under that one name: the config names each
# learner by their hub name. Admins (the teacher) keep nbgrader's default, every student.
NBGRADER = STATE / "nbgrader"
(NBGRADER / "exchange").mkdir(parents=True, exist_ok=True)
(NBGRADER / "nbgrader_config.py").write_text(f"""\
# Written by hub/jupyterhub_config.py for the local demo hub.
import os
c = get_config()  # noqa: F821
c.Exchange.root = {str(NBGRADER / "exchange")!r}
if os.environ.get("JUPYTERHUB_USER", "") not in {sorted(c.Authenticator.admin_users)!r}:
    c.CourseDirectory.student_id = os.environ.get("JUPYTERHUB_USER", "*")
# Every file in the exchange has the same owner here: collecting need not compare owners and names.
c.ExchangeCollect.check_owner = False
""")
env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(NBGRADER), os.environ.get("JUPYTER_CONFIG_PATH")]))
c.Spawner.environment = env
c.JupyterHub.log_level = os.environ.get("NN_HUB_LOG_LEVEL", "INFO")
