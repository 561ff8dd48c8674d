"""Scale-out on PostgreSQL: the order loop's stages as procrastinate jobs run by ``kuajing worker``.

``app`` (the procrastinate App and its database), ``tasks`` (the jobs and the periodic dispatch),
``cli`` (``kuajing worker``). SQLite keeps the one-process loop (``kuajing run``).
"""
