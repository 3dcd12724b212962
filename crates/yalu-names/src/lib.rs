//! Name normalisation (in progress).
