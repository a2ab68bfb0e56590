"""Convert the curated DarkCast-2023 limits (``shared/data/resonance_limits_2023``) into package data
(``bayes_u1x/data/resonance_limits_2023``).

What it does, and nothing else:

* two-sided / one-sided curves: the rows are copied unchanged (same 5 significant digits), with the
  columns renamed to say what the coupling is (``eps_lower,eps_upper`` for dark-photon limits,
  ``g_lower`` for the B-L-referenced neutrino-scattering limits); *exact* duplicate rows
  (E137 Bjorken 2009: 18, E141: 2) are dropped, repeated masses with different values (steps) kept;
* LHCb displaced r-value grids: the CSV (mass, eps, r) is a complete rectangular grid (99 masses x
  463 / 926 couplings, the same coupling axis at every mass); it is stored losslessly as ``.npz``
  with the two axes in float64 and r in float32 (the CSV prints 4 significant digits; float32 keeps
  7), 2.2 / 4.5 MB of text -> ~0.2 / 0.3 MB. The conversion asserts the round trip.

    python docs/data/convert_resonance_limits_2023.py SRC_DIR [DST_DIR]

SRC_DIR is the curated ``resonance_limits_2023`` folder of the project's shared data.
"""
from __future__ import annotations

import csv
import sys
import tomllib
from pathlib import Path

import numpy as np

DST = Path(__file__).resolve().parents[2] / "bayes_u1x" / "data" / "resonance_limits_2023"

#: limits whose reference model is B-L (the coupling is g_BL, not eps)
B_MINUS_L_REFERENCE = ("borexino_bauer2018onh", "charmii_bauer2018onh", "texono_bauer2018onh")


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="") as fh:
        rows = [r for r in csv.reader(fh) if r]
    return rows[0], rows[1:]


def convert_curve(key: str, fmt: str, src: Path, dst: Path) -> tuple[int, int]:
    header, rows = _read_rows(src)
    if header != ["mass_gev", "g_lower", "g_upper"]:
        raise SystemExit(f"{src.name}: unexpected header {header}")
    out, seen = [], set()
    for r in rows:
        t = tuple(r)
        if t in seen:  # exact duplicate row: no information
            continue
        seen.add(t)
        out.append(r)
    sym = "g" if key in B_MINUS_L_REFERENCE else "eps"
    two_sided = fmt == "two_sided"
    with dst.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["mass_gev", f"{sym}_lower"] + ([f"{sym}_upper"] if two_sided else []))
        for r in out:
            if two_sided and not r[2]:
                raise SystemExit(f"{src.name}: two-sided limit with an empty upper edge")
            if not two_sided and r[2]:
                raise SystemExit(f"{src.name}: one-sided limit with an upper edge")
            w.writerow(r[:3] if two_sided else r[:2])
    return len(rows), len(out)


def convert_grid(src: Path, dst: Path) -> tuple[int, int]:
    a = np.loadtxt(src, delimiter=",", skiprows=1)
    m, eps, r = a.T
    masses = np.unique(m)
    n_m = masses.size
    n_e = m.size // n_m
    if n_m * n_e != m.size:
        raise SystemExit(f"{src.name}: not a rectangular grid")
    M, E, R = (x.reshape(n_m, n_e) for x in (m, eps, r))
    if not (np.all(M == M[:, :1]) and np.all(E == E[:1]) and np.all(np.diff(E[0]) > 0)
            and np.all(np.diff(M[:, 0]) > 0)):
        raise SystemExit(f"{src.name}: rows are not a mass-major grid with one coupling axis")
    r32 = R.astype(np.float32)
    if not np.allclose(r32, R, rtol=1e-6, atol=0):  # 4 printed digits survive float32 exactly
        raise SystemExit(f"{src.name}: float32 loses r-value precision")
    np.savez_compressed(dst, mass_gev=M[:, 0], eps=E[0], r_value=r32)
    back = np.load(dst)
    assert np.array_equal(back["mass_gev"], M[:, 0]) and np.array_equal(back["eps"], E[0])
    assert np.array_equal(back["r_value"], r32)
    return n_m, n_e


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    src = Path(argv[1])
    dst = Path(argv[2]) if len(argv) > 2 else DST
    dst.mkdir(parents=True, exist_ok=True)
    with (src / "limits.toml").open("rb") as fh:
        limits = tomllib.load(fh)
    for key, d in limits.items():
        f = src / d["data_file"]
        if d["format"] == "r_values":
            n_m, n_e = convert_grid(f, dst / f.name.replace(".csv", ".npz"))
            print(f"{key}: r-value grid {n_m} masses x {n_e} couplings -> {f.stem}.npz")
        else:
            n_in, n_out = convert_curve(key, d["format"], f, dst / f.name)
            print(f"{key}: {n_in} rows -> {n_out} ({n_in - n_out} exact duplicates dropped)")


if __name__ == "__main__":
    main(sys.argv)
