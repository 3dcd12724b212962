//! Seeded damage to a file's bytes, for tests that a reader never panics:
//! truncation, overwritten bytes, cut-out spans and spliced-in copies.

/// `rounds` damaged copies of `base`, each with one to four edits drawn
/// from `alphabet` (bytes that matter to the format: delimiters, quotes,
/// invalid UTF-8). The same seed always gives the same copies.
pub fn damaged_copies(
    base: &[u8],
    alphabet: &[u8],
    seed: u64,
    rounds: usize,
) -> impl Iterator<Item = Vec<u8>> {
    let base = base.to_vec();
    let alphabet = if alphabet.is_empty() {
        vec![0xff]
    } else {
        alphabet.to_vec()
    };
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..rounds).map(move |_| {
        let mut doc = base.clone();
        for _ in 0..rng.usize(1..=4) {
            let at = rng.usize(..=doc.len());
            match rng.u8(..4) {
                0 => doc.truncate(at),
                1 => {
                    if let Some(b) = doc.get_mut(at) {
                        *b = alphabet[rng.usize(..alphabet.len())];
                    }
                }
                2 => {
                    let end = (at + rng.usize(..300)).min(doc.len());
                    doc.drain(at..end);
                }
                _ => {
                    let end = (at + rng.usize(..200)).min(doc.len());
                    let piece = doc[at..end].to_vec();
                    let to = rng.usize(..=doc.len());
                    doc.splice(to..to, piece);
                }
            }
        }
        doc
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_differ_from_the_base_and_repeat_by_seed() {
        let base: Vec<u8> = (0..2000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let a: Vec<Vec<u8>> = damaged_copies(&base, b",;", 1, 20).collect();
        let b: Vec<Vec<u8>> = damaged_copies(&base, b",;", 1, 20).collect();
        assert_eq!(a, b);
        assert!(a.iter().filter(|d| d.as_slice() != base.as_slice()).count() >= 15);
    }
}
