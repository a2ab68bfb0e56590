"""Coherent neutrino trident production ν_μ N → ν_μ N μ⁺μ⁻ with an X of any mass (EPA).

Physics (arXiv:2203.13731, Sec. 3.2; method of Altmannshofer, Gori, Pospelov, Yavin,
arXiv:1406.2332):

1. **Equivalent-photon approximation.** The nucleus (iron, Z = 26, A = 56, the CCFR target) emits
   a quasi-real photon with three-momentum q; for a neutrino of energy E::

       σ(ν N → ν N μμ) = (Z²α/π) ∫ ds/s σ(νγ → νμμ)(s) Φ((s/2E)²),
       Φ(x) = ∫_x^∞ dq² (q² − x)/q⁴ F(q²)²        (Weizsäcker–Williams, default "ww"),

   s = 2 p_ν·q the νγ invariant mass², x = q²_min = (s/2E)². The factor (q² − x)/q² is the
   transverse-momentum weight q_T²/(q_T² + q²_min) of the photon cloud of a charge moving past;
   option ``flux="log"`` drops it (Φ = ∫_x dq²/q² F², the leading-log form of arXiv:1406.2332),
   which overweights large s: σ_SM +67 %, ⟨Q²⟩ 3.3 instead of 2.6 GeV² at 160 GeV. F is the
   nuclear charge form factor, for which we use
   the Helm form factor with the Lewin–Smith parameters (c = 1.23 A^{1/3} − 0.60 fm, a = 0.52 fm,
   s = 0.9 fm; J.D. Lewin, P.F. Smith, Astropart. Phys. 6 (1996) 87). By default only the
   coherent (elastic on the nucleus) part is computed, as in arXiv:1406.2332. Option
   ``target="coherent+diffractive"`` adds the Z protons scattered one by one (photon flux with the
   dipole form factor and Fermi-gas Pauli blocking, k_F = 0.25 GeV; neutrons neglected): +22 % to
   σ_SM at 160 GeV, with ⟨Q²⟩ 5.3 instead of 2.6 GeV², so a light X is slightly more suppressed.
   The EPA is cruder for this part (arXiv:1807.10973); it serves as a systematic check.
2. **ν γ → ν μ⁺ μ⁻** at tree level with the weak current coupled through a contact (Z and W,
   Fierzed) plus X exchange. For a spacelike momentum transfer k = p_ν − p_ν′, Q² = −k², the
   muon current is γ^α(G_V − G_A γ5) with::

       G_{V,A}(Q²) = g_{V,A}^SM + c_{V,A}/(m_X² + Q²),   c_{V,A} = g_X² q_ν q_{V,A}/(√2 G_F),

   g_V^SM = ½ + 2 s_w², g_A^SM = ½. As m_X → ∞, c/(m_X²) = C_{V,A} of Eq. 3.22. The squared matrix
   element is evaluated numerically (Dirac matrices, explicit massless-neutrino spinors, traces
   over muon spins, −g for the photon polarisation sum) and integrated over the 3-body phase
   space: μμ invariant mass W², Q², and the muon solid angle in the μμ rest frame.
   V–A interference vanishes after the symmetric μ⁺↔μ⁻ integration (C parity), which is checked
   numerically in the tests.
3. **m_X dependence precomputed once.** Since σ is quadratic in G_{V,A}::

       σ = Σ_{i=V,A} [g_i² S_0^i + 2 g_i c_i S_1^i(m_X) + c_i² S_2^i(m_X)],
       S_n^i(m_X) = ∫ dσ_i (m_X² + Q²)^{−n}        (dσ_i: unit coupling, SM kinematics)

   The table S_n^i on a log grid of m_X (1 MeV – 1 TeV) is built once and cached with
   :func:`bayes_u1x.cache.cached_arrays`; evaluation interpolates log(m_X^{2n} S_n) (smooth,
   → log S_0 for m_X ≫ √Q²). For m_X ≫ √⟨Q²⟩ the ratio reduces to the EFT form Eq. 3.21 with
   1.13 → S_0^A/S_0^V.

**Beam.** The CCFR wide-band beam spectrum is not published in a usable form; we evaluate at the
mean energy ⟨E_ν⟩ = 160 GeV (the choice of arXiv:1406.2332 for CCFR). The trident ratio
σ/σ_SM changes slowly with E (reported in the tests/benchmarks for 100 and 250 GeV).
"""

from .amplitudes import dsigma_nu_gamma, squared_amplitudes
from .nucleus import (A_FE, DEFAULT_FLUX, FLUX_FORMS, FORM_FACTORS, Z_FE, dipole_form_factor,
                      helm_form_factor, pauli_blocking, photon_flux_integral, proton_form_factor)
from .tables import (DEFAULT_GRID, DEFAULT_TARGET, E_NU_CCFR, G_A_SM, G_V_SM, M_GRID, TABLE_VERSION, TARGETS,
                     TridentRatio, direct_ratio, eft_ratio, trident_table)

__all__ = ["A_FE", "DEFAULT_FLUX", "DEFAULT_GRID", "DEFAULT_TARGET", "E_NU_CCFR", "FLUX_FORMS", "FORM_FACTORS",
           "G_A_SM", "G_V_SM", "M_GRID", "TABLE_VERSION", "TARGETS", "TridentRatio", "Z_FE", "direct_ratio",
           "dipole_form_factor", "dsigma_nu_gamma", "eft_ratio", "helm_form_factor", "pauli_blocking",
           "photon_flux_integral", "proton_form_factor", "squared_amplitudes", "trident_table"]
