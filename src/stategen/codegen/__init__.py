"""Generated Python, computed in Python: the serializer, code blocks, and the template answers."""
