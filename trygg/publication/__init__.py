"""Public figures: published once per month from settled, triaged data, stored, and read by every
public surface through one suppression gate (``trygg.publication.gate``).

- ``groups``: the category groups of the public statistics;
- ``months``: computing one month's suppressed tables from the reports;
- ``schedule``: the scheduled publication (``publish_due_months``) and deliberate republication;
- ``gate``: the only way a public surface reads figures.
"""
