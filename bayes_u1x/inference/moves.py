"""Ensemble moves for emcee that add to its own (stretch, DE, walk, KDE).

:class:`LocalKDEMove` — an independence proposal drawn from a Gaussian mixture built on the
*complementary* half of the ensemble, in which every kernel sits on one walker and has the
covariance of that walker's ``k`` nearest neighbours. It is emcee's :class:`~emcee.moves.KDEMove`
(a simplified kombine proposal, Farr & Farr) with one change: emcee's KDE gives every kernel the
*global* covariance of the ensemble (Scott's bandwidth), which for a posterior made of a broad
plateau plus a thin sheet (L_μ−L_τ: the g−2 band at |εe/g_X| ≲ 0.05 next to the SM-like region
where εe/g_X spans the whole prior [−15, 15]) proposes into the sheet with probability ~1 %, so
walkers change component only every few hundred steps. Local covariances follow each component's
own shape, so a walker in the plateau proposes into the sheet at roughly the rate at which the
complementary walkers populate it.

Validity: for the half-ensemble being updated, the mixture q depends only on the other half,
which is held fixed during the update, so accepting with min(1, p(x′) q(x) / (p(x) q(x′))) is an
independence Metropolis–Hastings step that leaves the target invariant (the same argument as for
emcee's KDE move). Kernels are full-support Gaussians, so q > 0 everywhere.
The random numbers come from the sampler's own random state: seeded runs stay bit-identical.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from emcee.moves import RedBlueMove
from scipy.special import logsumexp


class Mixture(NamedTuple):
    """Equal-weight Gaussian mixture: kernel centres (n, d), Cholesky factors L_i and their
    inverses (n, d, d), and ln of each kernel's normalisation (n,)."""
    centres: np.ndarray
    chol: np.ndarray
    inv_chol: np.ndarray
    log_norm: np.ndarray


class LocalKDEMove(RedBlueMove):
    """Independence proposal from a k-nearest-neighbour Gaussian mixture of the complementary walkers.

    Parameters
    ----------
    n_neighbours : neighbours (including the walker itself) whose covariance a kernel gets;
        default ``d + 2`` in ``d`` dimensions. Small is deliberate: a component holding only a
        few walkers (the two φ-mass islands of L_μ−L_τ hold ~6 % of the mass each, ~4 of 64
        complementary walkers) keeps kernels of its own shape; with ``n // 8`` neighbours
        their kernels spanned both islands and the walkers crossed between them only every
        ~50-80 steps (measured: τ(εe/g_X) 47-81 vs 24 with d + 2, same seeds and settings).
    scale : factor on the kernel standard deviations (1 = the neighbours' own spread).
    ridge : added to each kernel covariance, as a fraction of the ensemble variance per
        parameter (keeps kernels of coincident walkers non-singular).
    """

    def __init__(self, n_neighbours: int | None = None, scale: float = 1.0, ridge: float = 1e-6, **kwargs):
        if n_neighbours is not None and n_neighbours < 2:
            raise ValueError("LocalKDEMove: n_neighbours must be >= 2")
        if not scale > 0 or not ridge > 0:
            raise ValueError("LocalKDEMove: scale and ridge must be > 0")
        self.n_neighbours = n_neighbours
        self.scale = float(scale)
        self.ridge = float(ridge)
        super().__init__(**kwargs)

    def mixture(self, c: np.ndarray) -> Mixture:
        """The kernels built on points ``c`` (n, d)."""
        n, d = c.shape
        k = self.n_neighbours or d + 2
        k = int(min(max(k, 2), n))
        sd = c.std(axis=0)
        sd = np.where(sd > 0, sd, 1.0)
        z = c / sd
        dist = np.sum((z[:, None, :] - z[None, :, :]) ** 2, axis=-1)
        nb = np.argsort(dist, axis=1, kind="stable")[:, :k]
        x = c[nb]                                           # (n, k, d)
        dev = x - x.mean(axis=1, keepdims=True)
        cov = np.einsum("nki,nkj->nij", dev, dev) / (k - 1) * self.scale ** 2
        cov += np.diag(self.ridge * sd ** 2)[None]
        chol = np.linalg.cholesky(cov)
        inv = np.linalg.solve(chol, np.broadcast_to(np.eye(d), chol.shape))
        log_norm = -np.sum(np.log(np.diagonal(chol, axis1=1, axis2=2)), axis=1) - 0.5 * d * np.log(2 * np.pi)
        return Mixture(c, chol, inv, log_norm)

    @staticmethod
    def log_density(x: np.ndarray, mix: Mixture) -> np.ndarray:
        """ln q(x) of the equal-weight mixture at points ``x`` (m, d)."""
        diff = x[:, None, :] - mix.centres[None, :, :]                         # (m, n, d)
        sol = np.einsum("nij,mnj->mni", mix.inv_chol, diff)
        return logsumexp(mix.log_norm[None, :] - 0.5 * np.sum(sol ** 2, axis=-1), axis=1) - np.log(len(mix.centres))

    def get_proposal(self, s, c, random):
        mix = self.mixture(np.concatenate(c, axis=0))
        m, d = s.shape
        comp = random.randint(len(mix.centres), size=m)
        q = mix.centres[comp] + np.einsum("mij,mj->mi", mix.chol[comp], random.randn(m, d))
        lq = self.log_density(np.concatenate([s, q]), mix)   # current and proposed in one pass
        return q, lq[:m] - lq[m:]
