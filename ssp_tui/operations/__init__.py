"""What the TUI and the CLI both do with portal data; no Textual, rich or click here.

- ``downloads.BulkDownloader``: concurrent, cached, verified bulk downloads (separate files or one PDF);
  its vocabulary is in ``download_types``, its parts in ``download_cache``, ``file_placement``,
  ``pdf_combine`` and ``manifest``; ``download_jobs`` builds jobs from portal listings.
- ``safe_names``: safe file names, the filename template, paths that stay inside their folder.
- ``export.export_rows``: formula-safe XLSX and CSV.
- ``pdf_text.first_page_text``: the text preview of a PDF.
- ``dates.parse_date``: dates typed by people.
"""
