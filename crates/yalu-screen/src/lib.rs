//! yalu-screen (being written).
