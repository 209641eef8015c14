"""The lägesbild service: the weekly situational picture built from storage and ``trygg.analysis``."""
