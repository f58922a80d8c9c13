"""Background work: QRunnables on QThreadPool that adapt the Qt-free job functions, and the jobs list."""
