"""Report writers: one module per format, all fed by session_engine.reports.report."""
