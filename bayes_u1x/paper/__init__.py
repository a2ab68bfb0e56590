"""Reproductions of arXiv:2203.13731 (Greljo, Stangl, Thomsen, Zupan): the only room of the package that
knows the paper's table and figure numbers.

- :mod:`.reference` — the numbers printed in the paper (Table 1, SM Δχ², stated edges, Fig. 5 panels);
- :mod:`.table1` — Table 1 and Fig. 4 (profile minima at 200 MeV, ``table1`` likelihood);
- :mod:`.table2` — App. A: the NSI refit of Table 3 from Table 2, and its effect at the Table-1 points;
- :mod:`.fig1` — Sec. 4.1: the generic upper bound on m_X from a_μ + CCFR + T (Fig. 1, Eq. 4.2);
- :mod:`.fig2` — Sec. 4.2: Δχ²_min over the (α, R) model plane (Fig. 2);
- :mod:`.exclusion_figures` — Figs. 3, 5 and 6 and the edges of Sec. 5;
- :mod:`.nsi_systematics` — the viable set of Sec. 4.2 over every App.-A refit that fits Table 2.
"""
