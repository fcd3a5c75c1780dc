//! Diff: semantic comparison of two catalogs' documents (issue 4, in progress).
