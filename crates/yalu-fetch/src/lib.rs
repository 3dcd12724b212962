//! yalu-fetch (being written).
