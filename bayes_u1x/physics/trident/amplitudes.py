"""ν γ → ν μ⁺ μ⁻ at tree level with a contact weak current plus X exchange: |M|² and phase space.

The squared matrix element is evaluated numerically (Weyl-representation Dirac matrices, explicit
massless-neutrino spinors, traces over muon spins, −g for the photon polarisation sum) and
integrated over the muon solid angle in the μμ rest frame; :func:`dsigma_nu_gamma` gives
dσ(νγ → νμμ)/dW² dQ² for unit couplings (see the package docstring for the coupling structure).
"""
from __future__ import annotations

import numpy as np

from ...constants import ALPHA_EM, G_F, M_MU

# ---------------------------------------------------------------------------------------------
# Dirac algebra (Weyl representation, metric diag(+,−,−,−))
# ---------------------------------------------------------------------------------------------
_I2 = np.eye(2, dtype=complex)
_SIG = [np.array([[0, 1], [1, 0]], dtype=complex), np.array([[0, -1j], [1j, 0]], dtype=complex),
        np.array([[1, 0], [0, -1]], dtype=complex)]
_Z2 = np.zeros((2, 2), dtype=complex)
GAMMA = np.array([np.block([[_Z2, _I2], [_I2, _Z2]])]
                 + [np.block([[_Z2, s], [-s, _Z2]]) for s in _SIG])   # γ^μ, shape (4, 4, 4)
GAMMA5 = np.diag([-1, -1, 1, 1]).astype(complex)
METRIC = np.array([1.0, -1.0, -1.0, -1.0])
_ID4 = np.eye(4, dtype=complex)


def slash(p):
    """p̸ = p_μ γ^μ for momenta of shape (..., 4) (contravariant components)."""
    return np.einsum("...m,mij->...ij", np.asarray(p) * METRIC, GAMMA)


def mdot(a, b):
    """Minkowski product of (..., 4) arrays."""
    return a[..., 0] * b[..., 0] - np.sum(a[..., 1:] * b[..., 1:], axis=-1)


def left_spinor(p):
    """Massless left-handed (helicity −½) Dirac spinor u_L(p), shape (..., 4)."""
    p = np.asarray(p, dtype=float)
    e = p[..., 0]
    px, py, pz = p[..., 1], p[..., 2], p[..., 3]
    # ξ_− ∝ (−(px − i py), E + pz) normalised; handle p along −z
    a = -(px - 1j * py)
    b = (e + pz).astype(complex)
    norm = np.sqrt(np.abs(a) ** 2 + np.abs(b) ** 2)
    along_minus_z = norm < 1e-14 * np.maximum(e, 1e-300)
    a = np.where(along_minus_z, -1.0 + 0j, a / np.where(along_minus_z, 1.0, norm))
    b = np.where(along_minus_z, 0.0 + 0j, b / np.where(along_minus_z, 1.0, norm))
    out = np.zeros(p.shape[:-1] + (4,), dtype=complex)
    out[..., 0] = np.sqrt(2 * e) * a
    out[..., 1] = np.sqrt(2 * e) * b
    return out


def neutrino_current(p1, p3):
    """N^μ = ū_L(p3) γ^μ P_L u_L(p1) (contravariant), shape (..., 4)."""
    u1, u3 = left_spinor(p1), left_spinor(p3)
    ubar3 = np.einsum("...i,ij->...j", u3.conj(), GAMMA[0])
    return np.einsum("...i,mij,...j->...m", ubar3, GAMMA, u1)


# ---------------------------------------------------------------------------------------------
# |M|² of ν(p1) γ(p2) → ν(p3) μ⁻(p4) μ⁺(p5), unit weak coupling
# ---------------------------------------------------------------------------------------------
def squared_amplitudes(p1, p2, p3, p4, p5, m=M_MU, gauge_check=False):
    """Spin-summed (VV, AA, VA) parts of |M|²/(2 G_F² e²) for muon current γ^α(g_V − g_A γ5).

    Σ|M|² = 2 G_F² e² (g_V² VV + g_A² AA − 2 g_V g_A VA) (neutrino left-handed, photon polarisations
    and muon spins summed). With ``gauge_check`` the photon polarisation is replaced by p2 and the
    (VV, AA) of that amplitude returned (must vanish: Ward identity).
    """
    n = neutrino_current(p1, p3)
    nslash = slash(n)
    s4 = (slash(p4 - p2) + m * _ID4) / (-2.0 * mdot(p4, p2))[..., None, None]
    s5 = (slash(p2 - p5) + m * _ID4) / (-2.0 * mdot(p5, p2))[..., None, None]
    x4v = s4 @ nslash
    x4a = x4v @ GAMMA5
    y5v = nslash @ s5
    y5a = nslash @ GAMMA5 @ s5
    pp4 = slash(p4) + m * _ID4
    pp5 = slash(p5) - m * _ID4
    vv = aa = va = 0.0
    rhos = [(slash(p2), 1.0)] if gauge_check else [(GAMMA[r], -METRIC[r]) for r in range(4)]
    for gr, sign in rhos:
        gv = gr @ x4v + y5v @ gr
        ga = gr @ x4a + y5a @ gr
        gvbar = GAMMA[0] @ np.conj(np.swapaxes(gv, -1, -2)) @ GAMMA[0]
        gabar = GAMMA[0] @ np.conj(np.swapaxes(ga, -1, -2)) @ GAMMA[0]
        left_v = pp4 @ gv
        left_a = pp4 @ ga
        rv = pp5 @ gvbar
        ra = pp5 @ gabar
        vv = vv + sign * np.einsum("...ij,...ji->...", left_v, rv)
        aa = aa + sign * np.einsum("...ij,...ji->...", left_a, ra)
        va = va + sign * np.einsum("...ij,...ji->...", left_v, ra)
    return vv.real, aa.real, va.real


def _kinematics(s, w2, q2, cth, phi, m=M_MU):
    """Momenta in the μμ rest frame (photon along −z) for arrays broadcast together."""
    s, w2, q2, cth, phi = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (s, w2, q2, cth, phi)))
    w = np.sqrt(w2)
    om = (w2 + q2) / (2 * w)                          # photon energy
    p2 = np.stack([om, 0 * om, 0 * om, -om], axis=-1)
    k = np.stack([w - om, 0 * om, 0 * om, om], axis=-1)
    # p1·p2 = s/2 -> om (E1 + p1z) = s/2;  p1·k = −Q²/2 -> E1 (w − om) − p1z om = −Q²/2
    a = s / (2 * om)
    e1 = (a * om - 0.5 * q2) / w
    p1z = a - e1
    pt = np.sqrt(np.clip(e1 ** 2 - p1z ** 2, 0.0, None))
    p1 = np.stack([e1, pt, 0 * pt, p1z], axis=-1)
    p3 = p1 - k
    pm = np.sqrt(np.clip(w2 / 4 - m * m, 0.0, None))
    sth = np.sqrt(np.clip(1 - cth ** 2, 0.0, None))
    dirn = np.stack([sth * np.cos(phi), sth * np.sin(phi), cth], axis=-1)
    p4 = np.concatenate([(w / 2)[..., None], pm[..., None] * dirn], axis=-1)
    p5 = np.concatenate([(w / 2)[..., None], -pm[..., None] * dirn], axis=-1)
    return p1, p2, p3, p4, p5


def _gauss(n, a, b):
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (b - a) * x + 0.5 * (b + a), 0.5 * (b - a) * w


def angular_average(s, w2, q2, n_y=24, n_phi=10, m=M_MU, chunk=200_000):
    """⟨VV⟩, ⟨AA⟩, ⟨VA⟩ averaged over the muon direction in the μμ rest frame (dΩ*/4π).

    ``s, w2, q2`` are 1-D arrays of equal length (nodes). The polar angle is integrated with the
    substitution cosθ* = tanh(y)/β, which flattens the collinear peaks 1/(1 ∓ β cosθ*).
    """
    s, w2, q2 = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (s, w2, q2))
    beta = np.sqrt(np.clip(1 - 4 * m * m / w2, 1e-300, None))
    ymax = np.arctanh(np.minimum(beta, 1 - 1e-16))
    yx, yw = np.polynomial.legendre.leggauss(n_y)
    phis = (np.arange(n_phi) + 0.5) * 2 * np.pi / n_phi
    # node arrays: (nodes, n_y, n_phi)
    y = ymax[:, None] * yx[None, :]
    cth = np.tanh(y) / beta[:, None]
    jac = ymax[:, None] * yw[None, :] * (1 - (beta[:, None] * cth) ** 2) / beta[:, None]  # dcos
    weight = (jac / 2.0)[:, :, None] * np.full(n_phi, 1.0 / n_phi)[None, None, :]        # dΩ/4π
    shape = (len(s), n_y, n_phi)
    S = np.broadcast_to(s[:, None, None], shape).ravel()
    W2 = np.broadcast_to(w2[:, None, None], shape).ravel()
    Q2 = np.broadcast_to(q2[:, None, None], shape).ravel()
    C = np.broadcast_to(cth[:, :, None], shape).ravel()
    P = np.broadcast_to(phis[None, None, :], shape).ravel()
    out = np.empty((3, S.size))
    for i in range(0, S.size, chunk):
        sl = slice(i, i + chunk)
        mom = _kinematics(S[sl], W2[sl], Q2[sl], C[sl], P[sl], m)
        out[:, sl] = squared_amplitudes(*mom, m=m)
    out = out.reshape((3,) + shape)
    return tuple(np.sum(out * weight[None], axis=(2, 3)))


# ---------------------------------------------------------------------------------------------
# ν γ → ν μμ, differential in (W², Q²); phase space
# ---------------------------------------------------------------------------------------------
def dsigma_nu_gamma(s, w2, q2, **kw):
    """dσ(νγ→νμμ)/dW²dQ² [GeV⁻⁶] for unit (g_V, g_A) = (1, 0) and (0, 1) and the V–A part.

    dσ = 1/(2s)·½(photon pol.)·Σ|M|²·dΦ₃ with dΦ₃ = dW²/2π · dQ²/(8πs) · β/(8π) · dΩ*/4π.
    """
    vv, aa, va = angular_average(s, w2, q2, **kw)
    beta = np.sqrt(np.clip(1 - 4 * M_MU ** 2 / np.asarray(w2), 0, None))
    e2 = 4 * np.pi * ALPHA_EM
    pref = 2 * G_F ** 2 * e2 / (4 * s) / (2 * np.pi) / (8 * np.pi * s) * beta / (8 * np.pi)
    return pref * vv, pref * aa, pref * va


def _nodes_nu_gamma(s, n_w=20, n_q=20, q0sq=1e-6, m=M_MU):
    """Quadrature nodes (w2, q2, weight) over 4m² < W² < s, 0 < Q² < s − W² for scalar s."""
    thr = 4 * m * m
    lo = np.log((s - thr) * 1e-7)
    v, vw = _gauss(n_w, lo, np.log(s - thr))
    w2 = thr + np.exp(v)
    ww = vw * np.exp(v)
    qmax = s - w2
    # Q² = exp(t) − q0²,  t from ln q0² to ln(qmax + q0²)
    tx, tw = np.polynomial.legendre.leggauss(n_q)
    t_lo = np.log(q0sq)
    t_hi = np.log(qmax + q0sq)
    t = 0.5 * (t_hi - t_lo)[:, None] * tx[None, :] + 0.5 * (t_hi + t_lo)[:, None]
    q2 = np.exp(t) - q0sq
    qw = 0.5 * (t_hi - t_lo)[:, None] * tw[None, :] * np.exp(t)
    W2 = np.broadcast_to(w2[:, None], q2.shape)
    wt = ww[:, None] * qw
    return W2.ravel(), q2.ravel(), wt.ravel()
