"""The commands, one module each (`new`, `bump`, `check`, `update`); none imports another."""
