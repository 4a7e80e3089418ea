// Grading module.
