//! Local-storage schema of links, saved views and custom groupings.
