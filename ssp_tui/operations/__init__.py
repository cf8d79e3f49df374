"""What the TUI and the CLI both do with portal data; no Textual, rich or click here.

- ``downloads``: one ``DownloadPlan`` run by one ``DownloadEngine``: concurrent, cached, verified bulk
  downloads (separate files or one PDF), private and independent on disk; see the package's docstring.
- ``safe_names``: safe file names, the filename template, paths that stay inside their folder.
- ``export.export_rows``: formula-safe XLSX and CSV.
- ``pdf_text.first_page_text``: the text preview of a PDF.
- ``dates.parse_date``: dates typed by people.
"""
