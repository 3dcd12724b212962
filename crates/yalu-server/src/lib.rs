//! yalu-server (being written).
