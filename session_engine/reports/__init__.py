"""Reports: a session's or programme's report as plain data, and its databases per format."""
