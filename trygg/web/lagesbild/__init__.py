"""trygg.web.lagesbild"""
