"""The deterministic Trollhättan demo: drawn areas, simulated EST reports, surveys and the 2022 plan.

Entry point: `trygg.demo.builder.build_demo`. The scenario (rates, hot spots, time patterns and the
one measure with a real effect, `EFFECT_MEASURE`) is declared in `trygg.demo.scenario`.
"""
