//! printf-style `str % args` formatting.
