//! Fmt: the canonical layout of .cit files (issue 5, in progress).
