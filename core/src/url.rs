//! The view in the URL (SPEC §5).
