"""The K = 30 model space (10,370 models) by evidence on a Dask cluster, with a worker-kill test.

Starts a real ``dask scheduler`` and ``--workers`` separate ``dask worker`` processes (one thread
each) on this machine, unless ``--scheduler ADDRESS`` names a running cluster (then nothing is
started and nothing is killed: the same scan command runs unchanged against it). Then runs

    bayes-u1x scan --evidence --max-charge 30 --scheduler ADDRESS --out OUT

for ``--minutes`` minutes. After ``--kill-after`` minutes one worker is killed with SIGKILL (its
running model is lost with it; the scheduler hands the model to the other worker) and a fresh
worker is started in its place. At the end the scan is stopped with SIGINT (it records everything
finished and exits 130) and started again for ``--resume-minutes`` to show that it resumes from
its file. The scan file is then checked: every record once, no model missing from the part done.
Writes a JSON report (throughput, the kill test, the 100-worker projection) to ``--report``:

    python benchmarks/dask_scan.py --minutes 12 --kill-after 5 --out results/k30 \\
        --report docs/model_space/k30_dask.json

A scan finished in several sessions is resumed by the same command (or the plain ``scan`` line
above): records already in ``OUT/evidence.jsonl`` are never recomputed.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _count(scan_file: Path) -> tuple[int, int]:
    """(records, distinct keys) in a scan file (its first line is the settings header)."""
    keys = [r["key"] for r in _records(scan_file)]
    return len(keys), len(set(keys))


def _start_worker(address: str, log_dir: Path, k: int) -> subprocess.Popen:
    log = open(log_dir / f"worker{k}.log", "w")
    return subprocess.Popen([_exe("dask"), "worker", address, "--nthreads", "1", "--nworkers", "1",
                             "--no-nanny", "--name", f"w{k}"], stdout=log, stderr=subprocess.STDOUT)


def _exe(name: str) -> str:
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


def _scan(address: str, out: Path, max_charge: int, extra: list[str], log: Path) -> subprocess.Popen:
    cmd = [_exe("bayes-u1x"), "scan", "--evidence", "--max-charge", str(max_charge), "--scheduler", address,
           "--out", str(out), *extra]
    return subprocess.Popen(cmd, stdout=open(log, "a"), stderr=subprocess.STDOUT)


def _run_for(proc: subprocess.Popen, seconds: float, scan_file: Path, samples: list, t0: float,
             on_time=None) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and proc.poll() is None:
        time.sleep(5)
        samples.append((time.monotonic() - t0, _count(scan_file)[0]))
        if on_time is not None:
            on_time(time.monotonic() - t0)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--max-charge", type=int, default=30)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--minutes", type=float, default=12.0)
    p.add_argument("--kill-after", type=float, default=5.0, help="minutes; 0: no kill test")
    p.add_argument("--resume-minutes", type=float, default=2.0)
    p.add_argument("--scheduler", default=None, help="a running cluster (nothing is started or killed)")
    p.add_argument("--out", default="results/k30")
    p.add_argument("--report", default=None)
    p.add_argument("--scan-arg", action="append", default=[], help="extra argument for bayes-u1x scan")
    a = p.parse_args(argv)

    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    scan_file = out / "evidence.jsonl"
    log_dir = Path(tempfile.mkdtemp(prefix="dask_scan_"))
    procs: list[subprocess.Popen] = []
    report: dict = {"max_charge": a.max_charge, "workers": a.workers}
    print(f"scheduler, worker and scan logs: {log_dir}", file=sys.stderr)   # a local path: not in the report
    try:
        if a.scheduler is None:
            sched_file = log_dir / "scheduler.json"
            procs.append(subprocess.Popen([_exe("dask"), "scheduler", "--port", "0", "--no-dashboard",
                                           "--scheduler-file", str(sched_file)],
                                          stdout=open(log_dir / "scheduler.log", "w"), stderr=subprocess.STDOUT))
            for _ in range(120):
                if sched_file.exists():
                    break
                time.sleep(0.5)
            address = json.loads(sched_file.read_text())["address"]
            workers = [_start_worker(address, log_dir, k) for k in range(a.workers)]
            procs.extend(workers)
        else:
            address, workers = a.scheduler, []
        report["scheduler"] = address
        n0, _ = _count(scan_file)
        report["records_at_start"] = n0
        t0 = time.monotonic()
        samples: list = [(0.0, n0)]
        scan = _scan(address, out, a.max_charge, a.scan_arg, log_dir / "scan.log")
        kill = {"done": a.kill_after <= 0 or not workers}

        def maybe_kill(t):
            if not kill["done"] and t >= 60 * a.kill_after:
                victim = workers[0]
                before = _count(scan_file)[0]
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                fresh = _start_worker(address, log_dir, len(procs))
                procs.append(fresh)
                workers[0] = fresh
                kill.update(done=True, at_seconds=round(t, 1), records_before=before, killed_pid=victim.pid)

        _run_for(scan, 60 * a.minutes, scan_file, samples, t0, maybe_kill)
        finished_early = scan.poll() is not None
        if not finished_early:
            scan.send_signal(signal.SIGINT)
        rc1 = scan.wait(timeout=300)
        t1 = time.monotonic() - t0
        n1, _ = _count(scan_file)
        kill.pop("done")
        if "at_seconds" in kill:
            after = [n for t, n in samples if t > kill["at_seconds"]]
            kill["records_after_kill"] = (after[-1] if after else n1) - kill["records_before"]
        report["kill_test"] = kill or None
        report["first_run"] = {"seconds": round(t1, 1), "records": n1 - n0, "exit_code": rc1}
        # resume: the same command; must continue from the file, not start over
        resumed = None
        if not finished_early and a.resume_minutes > 0:
            t_r = time.monotonic()
            scan = _scan(address, out, a.max_charge, a.scan_arg, log_dir / "scan.log")
            _run_for(scan, 60 * a.resume_minutes, scan_file, samples, t0)
            if scan.poll() is None:
                scan.send_signal(signal.SIGINT)
            rc2 = scan.wait(timeout=300)
            n2, _ = _count(scan_file)
            resumed = {"seconds": round(time.monotonic() - t_r, 1), "records_added": n2 - n1, "exit_code": rc2}
        report["resume"] = resumed
        n_rec, n_keys = _count(scan_file)
        report["records"] = n_rec
        report["distinct_models"] = n_keys
        report["duplicates"] = n_rec - n_keys
        from bayes_u1x.models import enumerate_vector_models

        total = len(enumerate_vector_models(a.max_charge))
        report["models_total"] = total
        busy = sum(r.get("seconds", 0.0) for r in _records(scan_file))
        report["mean_seconds_per_model_on_a_worker"] = round(busy / max(n_rec, 1), 2)
        wall = report["first_run"]["seconds"] + (resumed or {}).get("seconds", 0.0)
        done_here = n_rec - n0
        rate = done_here / wall if wall > 0 else float("nan")          # models per second, whole cluster
        report["throughput_models_per_minute"] = round(60 * rate, 2)
        per_worker = rate / a.workers
        report["throughput_per_worker_models_per_minute"] = round(60 * per_worker, 2)
        report["projection_100_workers_minutes"] = round(total / (100 * per_worker) / 60, 1) if per_worker > 0 else None
        report["remaining_here_hours"] = round((total - n_rec) / rate / 3600, 1) if rate > 0 else None
        report["samples"] = samples[::6]
    finally:
        for pr in reversed(procs):
            if pr.poll() is None:
                pr.send_signal(signal.SIGTERM)
        for pr in procs:
            try:
                pr.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pr.kill()
    from bayes_u1x.provenance import environment

    report["environment"] = environment()
    text = json.dumps(report, indent=1)
    print(text)
    if a.report:
        Path(a.report).parent.mkdir(parents=True, exist_ok=True)
        Path(a.report).write_text(text + "\n")
    return 0


def _records(scan_file: Path):
    if not scan_file.exists():
        return []
    out = []
    with open(scan_file, encoding="utf-8") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "key" in rec:
                out.append(rec)
    return out


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
