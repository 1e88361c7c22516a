"""The PostgreSQL engine: a state as a row, its history in a second table; psycopg only here."""
