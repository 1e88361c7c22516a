"""Evidence checks: heavy runs against a generated project's library, each recording one row."""
