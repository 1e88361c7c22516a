"""Generated Python computed in Python: code blocks, the model module, the template answers."""
