// Rendering module.
