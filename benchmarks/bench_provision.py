"""Seconds a fresh checkout spends provisioning the model when another checkout already
filled the shared model cache (issue 19): the second venv's wheels are copies with their
own modification times, as a new `pip install` leaves them.

    .venv/bin/python benchmarks/bench_provision.py [--cache DIR]

It prints the seconds and whether anything was built or exported (the log says so); the
cache is the user's (where scripts/setup put the model), or DIR.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from checkouts import second_install  # noqa: E402

from index.settings import default_model_cache  # noqa: E402

PROVISION = """
import logging, sys
from pathlib import Path
logging.basicConfig(level=logging.INFO, format="%(message)s")
from index.provision import provision
from index.onnx_encoder import onnx_model
onnx_model(provision(Path(sys.argv[1])), "fp32")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args()
    cache = args.cache or Path(os.environ.get("NEWSDESK_MODEL_CACHE") or default_model_cache())
    with tempfile.TemporaryDirectory(prefix="newsdesk-second-checkout-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", "--local", str(ROOT), str(clone)], check=True)
        site = second_install(Path(tmp) / "site")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(site), str(clone)))}
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", PROVISION, str(cache)], cwd=clone,
                              env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(done.stderr)
    built = [line for line in done.stderr.splitlines() if "building" in line
             or "exporting" in line]
    print(f"provisioning in a fresh clone with a warm cache ({cache}): {seconds:.1f} s, "
          f"{'built: ' + '; '.join(built) if built else 'nothing built or exported'}")


if __name__ == "__main__":
    main()
