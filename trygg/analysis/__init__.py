"""trygg.analysis: the lägesbild engine, pure functions on NumPy arrays.

Arrays in, frozen dataclasses out; no files, no database, randomness only through ``seed``.
Methods are documented in docs/analysis.md.

- :mod:`~trygg.analysis.grid` aligned grids and cell counts
- :mod:`~trygg.analysis.kde` kernel density (quartic, Gaussian; exact and fast)
- :mod:`~trygg.analysis.getis_ord` Getis-Ord Gi* hot spots
- :mod:`~trygg.analysis.fdr` Benjamini–Hochberg
- :mod:`~trygg.analysis.near_repeat` Knox test, Near Repeat Calculator compatible
- :mod:`~trygg.analysis.trends` weekly trend alarms; :mod:`~trygg.analysis.evaluation` their simulation
- :mod:`~trygg.analysis.aggregate` counts, hour of week, rates, comparisons
- :mod:`~trygg.analysis.survey` survey shares with Wilson intervals
- :mod:`~trygg.analysis.repeat_locations` places with repeated reports
- :mod:`~trygg.analysis.lagesbild` the whole weekly picture
"""
