"""The sandbox portal: Portal API v1 over SQLite, seeded demo data and generated PDFs."""
