"""Exclusion ratios R of every search at one point, on floats: :func:`.rate_tables.fast_ratios` for a single point.

A likelihood evaluated one point at a time (profile minimisers, plots along a line) would spend most
of its time in the per-call overhead of numpy on 1-element arrays. :class:`PointRatios` computes
the same quantities as :func:`.rate_tables.fast_ratios` with Python floats, term by term in the
same order (values agree to rounding; ``tests/test_resonances.py`` compares them):

* reference side — the per-search tables of :func:`.rate_tables.search_set` read at the interval
  of the common grid that holds m_X (log g_ref² linear in m, BR_ref and the reference width
  interpolated like ``_interp_log``, the lifetime acceptance of the reference);
* target side — partial widths per unit g² (:mod:`bayes_u1x.physics.widths` and the VMD widths of
  :mod:`bayes_u1x.physics.hadrons`), production factors (:mod:`.production`, including the
  running-width Breit–Wigners) and production mixtures, for the point's charges.

Outside the grid every R is 0 (no reference rate); an arithmetic exception (an overflow, a zero
division) hands the point to :func:`.rate_tables.fast_ratios` itself.
"""
from __future__ import annotations

import math

import numpy as np

from .. import hadrons
from ...constants import HBAR_GEV_S, LEPTON_MASSES
from ...couplings import CHARGED_LEPTONS
from ...errors import DataError
from .production import _mesons
from .rate_tables import common_grid, fast_ratios, search_set
from .recast import C_M_PER_S, REFERENCE_BR_INVISIBLE
from .registry import registry_constant

_TWELVE_PI = 12 * np.pi
_TWENTY_FOUR_PI = 24 * np.pi


def _t1_rule(search):
    """The proper-lifetime window of ``search`` as a function of m on floats (:func:`.recast.window_t1`)."""
    eff = search.efficiency
    kind = eff.get("kind")
    if kind == "unity":
        return lambda m: math.inf
    if kind == "decay_length":
        length = eff["max_length_m"]
        m_phi, m_eta = registry_constant("m_phi_gev"), registry_constant("m_eta_gev")
        boost = eff["boost"]
        if boost == "ee_to_gamma_X_at_phi":
            def gamma(m):
                return (m_phi ** 2 + m ** 2) / (2 * m_phi * m)
        elif boost == "phi_to_eta_X":
            def gamma(m):
                return (m_phi ** 2 + m ** 2 - m_eta ** 2) / (2 * m_phi * m)
        elif boost == "fixed_energy_50GeV":
            def gamma(m):
                return 50.0 / m
        else:
            raise DataError(f"unknown boost kind {boost!r}")
        return lambda m: length / (max(gamma(m), 1.0) * C_M_PER_S)
    if kind == "proper_time":
        if eff.get("t1_ps", "").replace(" ", "") != "0.004/(m-2*m_mu)+0.1":
            raise DataError(f"search {search.key}: unsupported proper-time window {eff}")
        two_mmu = 2 * registry_constant("m_mu_gev")
        return lambda m: (0.004 / (m - two_mmu) + 0.1) * 1e-12 if m - two_mmu > 0 else math.inf
    if kind == "proper_time_piecewise":
        return lambda m: math.inf if m < 45.0 else (5e-12 if m < 130.0 else -3.66e-11 + 3.12e-13 * m)
    raise DataError(f"search {search.key}: unknown efficiency kind {kind!r}")


def _bw_rule(meson: str):
    """Running-width Breit–Wigner of :func:`.production.breit_wigner` on floats (complex result)."""
    d = _mesons()["vector_mesons"][meson]
    mv, gv = d["mass_gev"], d["width_gev"]
    sv = mv ** 2
    chans = []
    for br, m1, m2 in d["channels"]:
        p2 = (sv - (m1 + m2) ** 2) * (sv - (m1 - m2) ** 2) / (4.0 * sv)
        chans.append((br, m1, m2, math.sqrt(max(p2, 0.0))))

    def bw(m):
        s = m * m
        k = 0.0
        for br, m1, m2, p_v in chans:
            if m > m1 + m2:
                p2 = (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2) / (4.0 * s)
                k = k + br * (math.sqrt(max(p2, 0.0)) / p_v) ** 3
            else:
                k = k + 0.0
        return sv / (sv - s - 1j * sv * gv * k / m)
    return bw


def _interp_log(lo: float, hi: float, t: float) -> float:
    """``rate_tables._interp_log`` for one value: exp of the linear log, linear where that is NaN."""
    y = lo + t * (hi - lo)
    if y != y:
        return math.exp(lo) * (1.0 - t) + math.exp(hi) * t
    return math.exp(y)


def _pair_width(gv, ga, m, mf):
    """:func:`bayes_u1x.physics.widths.fermion_pair_width` (N_c = 1) on floats."""
    r2 = (mf / m) ** 2
    b2 = max(1.0 - 4.0 * r2, 0.0)
    if not b2 > 0:
        return 0.0
    return m / _TWELVE_PI * math.sqrt(b2) * (gv ** 2 * (1 + 2 * r2) + ga ** 2 * b2)


def _heavy_width(gv, m, mq):
    r2 = (mq / m) ** 2
    b2 = 1.0 - 4.0 * r2
    return 3.0 * gv ** 2 * m / _TWELVE_PI * (1 + 2 * r2) * math.sqrt(b2) if b2 > 0 else 0.0


class PointRatios:
    """One-point R of the searches ``keys`` (the conventions ``invisible`` and ``br_dark`` fixed)."""

    def __init__(self, keys: tuple[str, ...], invisible: str = "physical", br_dark: float = 0.0):
        self.keys, self.invisible, self.br_dark = tuple(keys), invisible, float(br_dark)
        ss = self.ss = search_set(self.keys)
        self.G = common_grid()
        self.nG = self.G.size
        self.life = list(ss.lifetime)
        self.t1 = [_t1_rule(ss.searches[j]) for j in self.life]
        self.z = ss.z.tolist()
        self.need_pipi = any("pi+_pi-" in d for d in ss.decays)
        self.bw = {k: _bw_rule(k) for k in ("rho0", "omega", "phi")}
        # (big tables stay numpy arrays: Python lists of 10^5 floats would slow every garbage collection)
        self.fractions = dict(ss.fraction_tables)
        self.rows = []
        for j, s in enumerate(ss.searches):
            darkcast = s.is_invisible and invisible == "darkcast"
            self.rows.append((j, s.production, s.decay, darkcast))
        # VMD columns for the total (rho, omega, phi, omega-phi) and pi+ pi- (rho) widths
        per_channel, totals = hadrons._grouped_table()
        grid = hadrons.vmd_table()["mass_gev"]
        self.vmd0, self.vmd_dm, self.vmd_n = float(grid[0]), float(grid[1] - grid[0]), grid.size
        self.vmd_kinds = ("rho", "omega", "phi", "omegaphi")
        self.vmd_tot = np.ascontiguousarray(np.stack([totals[k] for k in self.vmd_kinds], axis=1))
        self.vmd_pipi = per_channel["pi+_pi-"]["rho"]
        # per grid interval: the searches with a finite log g_ref² at both ends (elsewhere R = 0), as a
        # bit mask, and the few distinct masks decoded once
        ns = len(self.keys)
        finite = np.isfinite(ss.g2_left) & np.isfinite(ss.g2_right)
        self.cand_mask = (finite.astype(np.int64) << np.arange(ns, dtype=np.int64)).sum(axis=1)
        self.cand_lists = {int(b): tuple(j for j in range(ns) if int(b) >> j & 1)
                           for b in np.unique(self.cand_mask)}

    # --- target side -------------------------------------------------------------------------
    def _vmd(self, m):
        x = (m - self.vmd0) / self.vmd_dm
        below = x < 0
        x = min(max(x, 0.0), self.vmd_n - 1.0)
        i = min(int(x), self.vmd_n - 2)
        return i, x - i, below

    def _target(self, cp, m):
        """(per-unit-g² widths of the decay channels, total width, production charges)."""
        qV, qA, q_nu = cp.qV, cp.qA, cp.q_nu
        pw = []
        for lep in CHARGED_LEPTONS:
            pw.append(_pair_width(float(qV[lep]), float(qA[lep]), m, LEPTON_MASSES[lep]))
        for lep in CHARGED_LEPTONS:
            pw.append(float(q_nu[lep]) ** 2 * m / _TWENTY_FOUR_PI)
        qu, qd, qs, qc = float(qV["u"]), float(qV["d"]), float(qV["s"]), float(qV["c"])
        c_rho, c_omega, c_phi = qu - qd, 3.0 * (qu + qd), -3.0 * qs
        i, w, below = self._vmd(m)
        if below:
            light = 0.0
        else:
            r0, r1 = self.vmd_tot[i].tolist(), self.vmd_tot[i + 1].tolist()
            rho, omega, phi, omegaphi = (a * (1.0 - w) + b * w for a, b in zip(r0, r1))
            light = m / _TWELVE_PI * (c_rho ** 2 * rho + c_omega ** 2 * omega + c_phi ** 2 * phi
                                      + 2.0 * c_omega * c_phi * omegaphi)
        pw.append(light + (_heavy_width(qc, m, hadrons.M_C_PERTURBATIVE)
                           + _heavy_width(qd, m, hadrons.M_B_PERTURBATIVE)))
        sm_total = 0.0
        for v in pw:
            sm_total = sm_total + v
        total = sm_total / (1.0 - self.br_dark)
        if self.br_dark > 0 and not sm_total > 0:
            total = 1.0
        dark = total - sm_total
        tw = {"e_e": pw[0], "mu_mu": pw[1], "invisible": pw[3] + pw[4] + pw[5] + dark}
        if self.need_pipi:
            r = 0.0 if below else float(self.vmd_pipi[i]) * (1.0 - w) + float(self.vmd_pipi[i + 1]) * w
            tw["pi+_pi-"] = m / _TWELVE_PI * (c_rho ** 2 * r)
        q = {"e2": float(qV["e"]) ** 2 + float(qA["e"]) ** 2, "mu2": float(qV["mu"]) ** 2 + float(qA["mu"]) ** 2,
             "u": qu, "d": qd, "s": qs, "c": qc, "b": qd}
        return tw, total, q

    def _production(self, mech, q, m, bw):
        if mech in ("e_brem", "ee_to_gamma_X"):
            return q["e2"]
        if mech in ("ee_to_mumu_X", "z_to_mumu_X"):
            return q["mu2"]
        qu, qd, qs = q["u"], q["d"], q["s"]
        if mech in ("pi0_to_gamma_X", "eta_to_gamma_X"):
            for k in ("rho0", "omega", "phi"):
                if k not in bw:
                    bw[k] = self.bw[k](m)
            br, bo = bw["rho0"], bw["omega"]
            if mech == "pi0_to_gamma_X":
                return abs((qu - qd) * br + 3 * (qu + qd) * bo) ** 2 / abs(br + bo) ** 2
            bp = bw["phi"]
            num = 3 * (qu - qd) * br + (qu + qd) * bo + 2 * qs * bp
            return abs(num) ** 2 / abs(3 * br + bo / 3 - 2 * bp / 3) ** 2
        if mech in ("phi_to_eta_X", "phi_mixing", "ss_annihilation"):
            return 9 * qs ** 2
        if mech in ("omega_to_pi0_X", "rho0_mixing"):
            return (qu - qd) ** 2
        if mech == "omega_mixing":
            return 9 * (qu + qd) ** 2
        if mech == "uu_annihilation":
            return 2.25 * qu ** 2
        if mech == "cc_annihilation":
            return 2.25 * q["c"] ** 2
        if mech == "dd_annihilation":
            return 9 * qd ** 2
        if mech == "bb_annihilation":
            return 9 * q["b"] ** 2
        raise DataError(f"unknown production mechanism {mech!r}")

    # --- the ratios --------------------------------------------------------------------------
    def ratios(self, cp) -> list[float]:
        """R per search (the order of ``keys``) at the single point of ``cp``."""
        m = float(cp.m)
        G = self.G
        i = int(G.searchsorted(m, side="right")) - 1
        if i < 0 or (i >= self.nG - 1 and m != G[-1]):
            return [0.0] * len(self.keys)                 # outside the grid: no reference rate (R = 0)
        try:
            return self._ratios(cp, m, i)
        except (ArithmeticError, ValueError):
            return fast_ratios(cp, self.keys, self.invisible, self.br_dark).reshape(-1).tolist()

    def _ratios(self, cp, m, i):
        ss = self.ss
        ic = min(i, self.nG - 2)
        g0, g1 = self.G[ic:ic + 2].tolist()
        t = (m - g0) / (g1 - g0)
        if float(self.G[i]) == m:                         # on a node: the curve's own value there
            node = ss.g2_node[i].tolist()
            cand = [j for j, v in enumerate(node) if -math.inf < v < math.inf]
            lg2 = dict(zip(cand, (node[j] for j in cand)))
        else:                 # log g_ref² is finite inside the interval iff it is at both ends
            cand = self.cand_lists[int(self.cand_mask[ic])]
            lo, hi = ss.g2_left[ic].tolist(), ss.g2_right[ic].tolist()
            lg2 = {j: lo[j] + t * (hi[j] - lo[j]) for j in cand}
        ns = len(self.keys)
        out = [0.0] * ns
        # only searches with a finite positive reference rate here can have R > 0 (4 of 16 on average)
        if not cand:
            return out
        b0, b1 = ss.br[ic].tolist(), ss.br[ic + 1].tolist()
        S = {j: math.exp(lg2[j]) * _interp_log(b0[j], b1[j], t) for j in cand}
        T1 = {}
        if self.life:
            w0, w1 = ss.width[ic].tolist(), ss.width[ic + 1].tolist()
            for n, j in enumerate(self.life):
                if j not in S:
                    continue
                t1 = T1[j] = self.t1[n](m)
                gam = math.exp(lg2[j]) * _interp_log(w0[n], w1[n], t)
                if math.isinf(t1):
                    S[j] = S[j] * (1.0 if gam > 0 else 0.0)
                else:
                    S[j] = S[j] * -math.expm1(-(t1 * gam / HBAR_GEV_S))
        act = [j for j in cand if math.isfinite(S[j]) and S[j] > 0]
        if not act:
            return out
        tw, total, q = self._target(cp, m)
        tot_ok = total > 0
        brs, mech, bw = {}, {}, {}
        u = float(cp.g) ** 2
        for j in act:
            _, prod, decay, darkcast = self.rows[j]
            if prod == "mixture":
                num = norm = 0.0
                names, F = self.fractions[j]
                for k, f0, f1 in zip(names, F[ic].tolist(), F[ic + 1].tolist()):
                    fi = f0 + t * (f1 - f0)
                    norm = norm + fi
                    if k not in mech:
                        mech[k] = self._production(k, q, m, bw)
                    num = num + fi * mech[k]
                pi = num / norm if norm > 0 else 0.0
            else:
                if prod not in mech:
                    mech[prod] = self._production(prod, q, m, bw)
                pi = mech[prod]
            if darkcast:
                A = pi * REFERENCE_BR_INVISIBLE
            else:
                if decay not in brs:
                    val = tw[decay[0]]
                    for c in decay[1:]:
                        val = val + tw[c]
                    brs[decay] = val / total if tot_ok else 0.0
                A = pi * brs[decay]
            if j in T1:             # target acceptance E = 1 - exp(-t1 Γ_X/ħ); none where t1 = inf
                t1 = T1[j]
                a = t1 * total / HBAR_GEV_S if (math.isfinite(t1) and total > 0) else 0.0
                E = -math.expm1(-a * u)
            else:
                E = 1.0 if u > 0 else 0.0
            out[j] = u * A * E / S[j]
        return out
