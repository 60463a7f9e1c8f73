//! Queuescope app
