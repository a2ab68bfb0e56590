"""Physical constants used throughout bayes_u1x, each with its source.

Units: GeV (and powers of GeV) everywhere inside the package. Conversion factors to laboratory
units (cm, fm, s) are given here so that modules convert at their edges only.

Sources
-------
- PDG20: P.A. Zyla et al. (Particle Data Group), PTEP 2020, 083C01 -- the edition cited by the
  reference paper (arXiv:2203.13731, ref. [67]).
- CODATA18: E. Tiesinga et al., Rev. Mod. Phys. 93 (2021) 025010 (CODATA 2018).
"""
from __future__ import annotations

import math

# --- couplings -----------------------------------------------------------------------------
ALPHA_EM = 1.0 / 137.035999084        #: fine-structure constant alpha(0) [CODATA18]
ALPHA_MZ = 1.0 / 127.952              #: MS-bar alpha(m_Z) [PDG20, EW review, Eq. 10.10]
E_CHARGE = math.sqrt(4.0 * math.pi * ALPHA_EM)  #: elementary charge e = sqrt(4 pi alpha(0))
G_F = 1.1663787e-5                    #: Fermi constant [GeV^-2] [PDG20]
SW2_MZ = 0.23121                      #: MS-bar sin^2(theta_W)(m_Z) [PDG20]
SW2_LOW = 0.23868                     #: MS-bar sin^2(theta_W) at Q -> 0 [arXiv:1712.09146]
CW2_MZ = 1.0 - SW2_MZ                 #: cos^2(theta_W)(m_Z)

# --- masses [GeV] ---------------------------------------------------------------------------
M_E = 0.51099895000e-3                #: electron mass [PDG20]
M_MU = 0.1056583755                   #: muon mass [PDG20]
M_TAU = 1.77686                       #: tau mass [PDG20]
M_PI_CHARGED = 0.13957039             #: pi+- mass [PDG20]
M_PI0 = 0.1349768                     #: pi0 mass [PDG20]
M_K_CHARGED = 0.493677                #: K+- mass [PDG20]
M_ETA = 0.547862                      #: eta mass [PDG20]
M_PHI = 1.019461                      #: phi(1020) mass [PDG20]
M_P = 0.93827208816                   #: proton mass [PDG20 / CODATA18]
M_N = 0.93956542052                   #: neutron mass [PDG20 / CODATA18]
M_U_ATOMIC = 0.93149410242            #: atomic mass unit [GeV] [CODATA18]
M_Z = 91.1876                         #: Z mass [PDG20]
M_W = 80.379                          #: W mass [PDG20]
M_B = 5.27934                         #: B+ mass [PDG20]
M_CHARM = 1.27                        #: MS-bar m_c(m_c) [PDG20]
M_BOTTOM = 4.18                       #: MS-bar m_b(m_b) [PDG20]
M_TOP = 172.76                        #: top mass from direct measurements [PDG20]

LEPTON_MASSES = {"e": M_E, "mu": M_MU, "tau": M_TAU}

# --- unit conversions -------------------------------------------------------------------------
HBARC_GEV_FM = 0.1973269804           #: hbar c [GeV fm] [CODATA18]
HBARC_GEV_CM = HBARC_GEV_FM * 1e-13   #: hbar c [GeV cm]
GEV2_TO_CM2 = 0.3893793721e-27        #: (hbar c)^2: 1 GeV^-2 = 0.3894e-27 cm^2 [PDG20]
HBAR_GEV_S = 6.582119569e-25          #: hbar [GeV s] [CODATA18]
MEV = 1e-3                            #: 1 MeV in GeV
KEV = 1e-6                            #: 1 keV in GeV

# --- supported parameter range ----------------------------------------------------------------
#: lowest X mass the likelihood supports [GeV]: BBN, Sec. 2.5 of arXiv:2203.13731 (10 MeV)
M_X_MIN = 1e-2
#: highest X mass the low-energy likelihood supports [GeV]: trident + T bound, Eq. 4.2 (~4 GeV)
M_X_MAX = 4.0
