"""The storage engines behind the contract in `storage`: files, and PostgreSQL."""
