//! yalu-store (being written).
