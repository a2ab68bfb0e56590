"""Faults of the model-space scans (issue 'Nothing lost, nothing silently wrong', cases 1, 3, 10, 11).

Small settings: g-2-only profile scans over the 14 models with |charges| <= 3 (a second each).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bayes_u1x.errors import ResultsError
from bayes_u1x.inference.runtime import exclusive_lock
from bayes_u1x.inference.scans import read_scan_file, scan
from bayes_u1x.models import enumerate_vector_models

from faultkit import one_line_error

SMALL = dict(max_charge=2, terms="amu", processes=1, data="2021")


def test_1_resume_under_other_settings_is_refused_naming_the_setting(tmp_path, cli):
    out = tmp_path / "s.jsonl"
    first = scan(mass=0.2, out=out, **SMALL)
    before = out.read_text()
    with pytest.raises(ResultsError, match=r"mass_gev: 0\.2, now 1\.5"):
        scan(mass=1.5, out=out, **SMALL)
    assert out.read_text() == before  # nothing appended from the other mass
    rc, _, err = cli("scan", "--mass", "1.5", "--max-charge", "2", "--terms", "amu", "--processes", "1", "--out", out)
    assert rc == 2 and one_line_error(err) and "mass_gev" in err and "--force" in err
    for other in (dict(terms="amu,ew_t"), dict(data="2025")):
        with pytest.raises(ResultsError, match="other settings"):
            scan(mass=0.2, out=out, **{**SMALL, **other})
    # --force starts over and keeps the old file
    again = scan(mass=1.5, out=out, force=True, **SMALL)
    assert Path(f"{out}.previous").read_text() == before
    assert {r["m_x_gev"] for r in again} == {1.5} and len(again) == len(first)


def test_1_an_evidence_scan_refuses_another_method_prior_or_nsi_set(tmp_path):
    from bayes_u1x.inference.evidence import evidence_scan

    out = tmp_path / "z.jsonl"
    small = dict(models=["Lmu-Ltau"], terms="amu,nsi", data="2021", method="mc", settings={"n": 400, "n_chunks": 4},
                 profile=False, processes=1, out=out)
    evidence_scan(**small)
    before = out.read_text()
    for other, named in ((dict(method="grid"), "method"), (dict(prior="small_mixing"), "prior"),
                         (dict(term_options={"nsi": {"params": "earth-yn"}}), "term_options")):
        with pytest.raises(ResultsError, match=named):
            evidence_scan(**{**small, **other})
        assert out.read_text() == before


def test_3_a_second_writer_of_the_same_scan_file_is_refused_naming_the_holder(tmp_path):
    out = tmp_path / "s.jsonl"
    with exclusive_lock(out.with_name(f".{out.name}.lock"), "scan file"):
        with pytest.raises(ResultsError, match=rf"in use by pid {os.getpid()}"):
            scan(mass=0.2, out=out, **SMALL)
    assert len(scan(mass=0.2, out=out, **SMALL)) == len(enumerate_vector_models(2))  # released: the scan runs


def _start_pooled_scan(out, **popen):
    """A 2-process scan in a subprocess and the pids of its pool workers, once both are up."""
    cmd = [sys.executable, "-m", "bayes_u1x", "scan", "--max-charge", "4", "--terms", "amu,borexino,nsi",
           "--processes", "2", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, **popen)
    children: set[int] = set()
    t0 = time.time()
    while time.time() - t0 < 120 and len(children) < 2:
        for task in Path(f"/proc/{proc.pid}/task").glob("*/children"):
            children |= {int(c) for c in task.read_text().split()}
        time.sleep(0.05)
    assert len(children) >= 2, "the pool did not start"
    return proc, children


def _still_running(pids, wait: float = 20.0) -> set[int]:
    deadline = time.time() + wait
    alive = set(pids)
    while time.time() < deadline and alive:
        alive = {c for c in alive if Path(f"/proc/{c}").exists()
                 and "Z" not in (Path(f"/proc/{c}/stat").read_text().split()[2:3] or ["Z"])}
        time.sleep(0.1)
    return alive


def test_10_pool_workers_die_with_a_killed_scan(tmp_path):
    proc, children = _start_pooled_scan(tmp_path / "s.jsonl", stderr=subprocess.DEVNULL)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    alive = _still_running(children)
    assert not alive, f"orphaned workers still running: {alive}"


def test_10_a_scan_stopped_by_sigint_exits_130_without_a_traceback_and_stops_its_pool(tmp_path):
    # Python 3.11's ProcessPoolExecutor.shutdown() sets _processes to None: stopping the pool after it
    # once raised AttributeError, so Ctrl-C ended in a traceback and left the parent hanging
    proc, children = _start_pooled_scan(tmp_path / "s.jsonl", stderr=subprocess.PIPE, text=True)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    alive = _still_running(children)
    assert not alive, f"pool workers still running after SIGINT: {alive}"


def test_11_scan_never_appends_to_a_file_that_is_not_a_scan_file(tmp_path, cli):
    toml = tmp_path / "run.toml"
    toml.write_text('[run]\nmodel = "Lmu-Ltau"\n')
    rc, _, err = cli("scan", "--max-charge", "2", "--terms", "amu", "--processes", "1", "--out", toml)
    assert rc == 2 and one_line_error(err) and "not a folder" in err  # --out is a folder
    assert toml.read_text() == '[run]\nmodel = "Lmu-Ltau"\n'
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "scan.jsonl").write_text('[run]\nmodel = "Lmu-Ltau"\n')  # something else under the scan's name
    rc, _, err = cli("scan", "--max-charge", "2", "--terms", "amu", "--processes", "1", "--out", folder)
    assert rc == 2 and one_line_error(err) and "not a bayes_u1x scan file" in err
    assert (folder / "scan.jsonl").read_text() == '[run]\nmodel = "Lmu-Ltau"\n'
    # an endless one-line file is refused after reading at most one bounded line
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as fh:
        fh.write(b"x" * 30_000_000)
    t0 = time.time()
    with pytest.raises(ResultsError, match="not a bayes_u1x scan file"):
        read_scan_file(huge)
    assert time.time() - t0 < 10
    with pytest.raises(ResultsError, match="not a regular file"):
        scan(mass=0.2, out="/dev/full", **SMALL)


def test_11_records_are_keyed_and_a_cut_line_is_recomputed(tmp_path):
    out = tmp_path / "s.jsonl"
    scan(mass=0.2, out=out, **SMALL)
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:20])  # the last record cut by a kill
    assert len(read_scan_file(out)) == len(lines) - 2
    again = scan(mass=0.2, out=out, **SMALL)
    assert len(again) == len(lines) - 1 and json.loads(out.read_text().splitlines()[0])["kind"] == "profile"
