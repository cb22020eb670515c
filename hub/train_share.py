"""Notebook 06's training on a shared CPU: how its time grows with concurrent learners, per thread setting.

    python -m hub.train_share [--learners 1,2,3,4] [--threads 0,1] [--epochs 1]

Each "learner" is a separate process, as each learner has its own kernel: it loads MNIST (NN_DATA_DIR), then
trains notebook 06's network (784 -> 128 -> 10, Adam, batch 64) with `helpers.training.train`, all learners
starting together. Threads per process: 0 = PyTorch's default (one per core), n = OMP_NUM_THREADS=n, set before
torch is imported, as the hub does for a kernel. Reports, per setting: the epoch time of each learner, the mean,
and the spread (slowest / fastest: 1.0 is fair). The machine's load average is printed too. Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

WORKER = r"""
import json, sys, time
import torch
from helpers.data import load_mnist_tensors
from helpers.models import SimpleNN
from helpers.training import train
images, labels = load_mnist_tensors(train=True)[:2]
start_at = float(sys.argv[1])
torch.manual_seed(0)
model = SimpleNN()
opt = torch.optim.Adam(model.parameters(), lr=0.001)
time.sleep(max(0.0, start_at - time.time()))
t0 = time.perf_counter()
train(model, images, labels, epochs=int(sys.argv[2]), batch_size=64, optimizer=opt, device="cpu", progress=False)
print(json.dumps({"seconds": time.perf_counter() - t0, "threads": torch.get_num_threads()}))
"""


def run(n: int, threads: int, epochs: int) -> dict:
    env = {**os.environ}
    for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env.pop(key, None)
        if threads:
            env[key] = str(threads)
    start_at = time.time() + 20  # every process loads MNIST first, then all start training together
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(start_at), str(epochs)], env=env,
                              stdout=subprocess.PIPE, text=True) for _ in range(n)]
    out = []
    try:
        for p in procs:
            stdout, _ = p.communicate(timeout=1800)
            out.append(json.loads(stdout.strip().splitlines()[-1]))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    secs = [o["seconds"] for o in out]
    return {"learners": n, "threads": threads or f"default ({out[0]['threads']})",
            "epoch_s": [round(s, 1) for s in secs], "mean_s": round(statistics.mean(secs), 1),
            "spread": round(max(secs) / min(secs), 2), "loadavg_1min": round(os.getloadavg()[0], 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--learners", default="1,2,3,4")
    ap.add_argument("--threads", default="0,1")
    ap.add_argument("--epochs", type=int, default=1)
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start "
          f"(other work on this machine counts too)", flush=True)
    results = []
    for threads in (int(t) for t in args.threads.split(",")):
        for n in (int(x) for x in args.learners.split(",")):
            r = run(n, threads, args.epochs)
            results.append(r)
            print(r, flush=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
