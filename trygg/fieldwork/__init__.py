"""Field work: safety walks, volunteer night walkers, neighbourhood watch, bar inspections,
certified gyms and information meetings — services over `trygg.storage.fieldwork`.

The plans engineer counts field work towards an activity's indicators with
`trygg.fieldwork.counts.fieldwork_counts(session, activity_id, start, end)`.
"""
