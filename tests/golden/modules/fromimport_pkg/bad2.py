raise ModuleNotFoundError("custom")
