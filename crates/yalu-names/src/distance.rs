//! Edit distance on short byte strings without heap allocation.

/// Longest input handled on the stack; longer inputs are truncated to this many bytes.
pub const MAX_LEN: usize = 48;

/// The bytes of a word as a set of bits (folded onto 64). One edit
/// (insertion, deletion, substitution, transposition) changes at most two
/// bits of it, so words whose sets differ in more than `2 * k` bits are more
/// than `k` edits apart: a filter to apply before [`osa`].
///
/// ```
/// use yalu_names::distance::byte_set;
/// assert_eq!((byte_set("kim") ^ byte_set("kin")).count_ones(), 2);
/// assert_eq!(byte_set("chol"), byte_set("hcol"));
/// ```
pub fn byte_set(word: &str) -> u64 {
    word.bytes().fold(0, |m, b| m | 1 << (b % 64))
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions) between two
/// byte strings, each truncated to [`MAX_LEN`] bytes.
///
/// ```
/// use yalu_names::distance::osa;
/// assert_eq!(osa(b"chol", b"crhol"), 1);
/// assert_eq!(osa(b"kim", b"kmi"), 1);
/// assert_eq!(osa(b"", b"abc"), 3);
/// ```
pub fn osa(a: &[u8], b: &[u8]) -> usize {
    let a = &a[..a.len().min(MAX_LEN)];
    let b = &b[..b.len().min(MAX_LEN)];
    if a == b {
        return 0;
    }
    if a.is_empty() {
        return b.len();
    }
    if b.is_empty() {
        return a.len();
    }
    let n = b.len();
    // three rolling rows: two rows back (for transpositions), previous, current
    let mut rows = [[0u8; MAX_LEN + 1]; 3];
    for (j, p) in rows[1].iter_mut().enumerate().take(n + 1) {
        *p = j as u8;
    }
    let (mut r2, mut r1, mut r0) = (0usize, 1usize, 2usize);
    for i in 1..=a.len() {
        rows[r0][0] = i as u8;
        let ai = a[i - 1];
        for j in 1..=n {
            let cost = u8::from(ai != b[j - 1]);
            let mut v = (rows[r1][j] + 1)
                .min(rows[r0][j - 1] + 1)
                .min(rows[r1][j - 1] + cost);
            if i > 1 && j > 1 && ai == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[r2][j - 2] + 1);
            }
            rows[r0][j] = v;
        }
        (r2, r1, r0) = (r1, r0, r2);
    }
    usize::from(rows[r1][n])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(osa(b"jong", b"jong"), 0);
        assert_eq!(osa(b"un", b"il"), 2);
        assert_eq!(osa(b"john", b"jon"), 1);
        assert_eq!(osa(b"ca", b"abc"), 3);
        let long = [b'a'; 100];
        assert_eq!(osa(&long, &long[..60]), 0);
    }
}
