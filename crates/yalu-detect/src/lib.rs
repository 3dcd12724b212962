//! yalu-detect (being written).
