// GitStore module.
