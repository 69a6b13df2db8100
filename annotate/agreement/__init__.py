"""Inter-annotator agreement, computed from annotators' submitted sets.

* ``metrics``   pure functions over plain data (no ORM): span F1, token kappa/alpha,
                event F1, the type confusion matrix, and the whole report.
* ``unitizing`` Krippendorff's unitizing alpha (αu), implemented here.
* ``data``      loads a project's (or one document's) submitted sets into that plain data
                in a few queries.
* ``jobs``      the background job and its cache (a finished Job row per state of the sets).
* ``charts``    server-rendered SVG bar charts; ``tables`` the CSV rows.
"""
