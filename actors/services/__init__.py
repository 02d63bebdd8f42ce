"""Services of the actors app, one module per concern: the writes coordinators and visitors trigger on
organisations.

- ``publication``: publishing (``actors_set_published``), attaching organisations to a pole
  (``actors_attach_to_pole``), the public address (``unique_slug``);
- ``csv_format``: the CSV file shared by the import and the export (columns, aliases, decoding);
- ``imports``: the CSV import of a pole's organisations (``actors_import``: check every row, then write
  all or nothing), run by the worker through an ``ImportJob`` (``import_jobs``: ``import_job_create``,
  ``import_job_run``);
- ``exports``: the matching CSV export (``actors_export_rows``);
- ``proposals``: public proposals (``actor_propose``, ``actor_proposals_approve``,
  ``actor_proposal_reject``), routed to the pole whose territory contains the commune
  (``Pole.objects.territory_of``), else the regional team;
- ``reference``: the sector taxonomy, seeded with the reference data (``reference_data_load``).
"""
