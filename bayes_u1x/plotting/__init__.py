"""Plots of results (matplotlib, Agg backend): :mod:`.corner_plot` for posteriors."""
