"""The contradiction engine: pairs of claims at overlapping dates, contradictions
(pairs and groups), series and corroboration. It returns data; the words people
read are written in `contested.present`.
"""
