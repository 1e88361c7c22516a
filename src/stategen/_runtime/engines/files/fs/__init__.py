"""The file engine's OS-level pieces: safe paths, directories, locks, temps, durable writes."""
