//! Line numbers of byte offsets in a text being read, for messages that
//! name the line of a bad row.
//!
//! The `csv` crate gives each record a line number, but it counts a `\r\n`
//! line end wrongly and gives a record after blank lines the number of the
//! first blank line. Its byte offsets are right, so readers wrap their input
//! in a [`LineCounter`] and ask it for the line of a record's byte offset:
//!
//! ```
//! use std::io::Read;
//! use yalu_model::LineCounter;
//!
//! let mut text = LineCounter::new(&b"id,name\r\nc1,Kim\r\n\r\nc2,Ri\n"[..]);
//! let mut all = String::new();
//! text.read_to_string(&mut all).unwrap();
//! assert_eq!(text.line_of(0), 1);
//! assert_eq!(text.line_of(9), 2);
//! // `c2` starts at byte 19; reading from byte 17 (the blank line) skips it
//! assert_eq!(text.line_of(17), 4);
//! ```

use std::collections::VecDeque;
use std::io::{self, Read};

/// A reader that remembers where its lines start. A line ends at `\n`,
/// `\r\n` or a lone `\r`, as the `csv` crate reads them.
///
/// Offsets must be asked for in increasing order: the counter forgets the
/// lines before the last one asked for, so it holds only the lines read
/// ahead (a buffer's worth), however long the text.
#[derive(Debug)]
pub struct LineCounter<R> {
    inner: R,
    /// Bytes read so far.
    read: u64,
    /// The line number of `starts[0]`.
    first_line: u64,
    /// The lines not yet forgotten: where each starts (for a line after a
    /// `\r\n`, at its `\n`, where the `csv` crate starts the next record),
    /// where its text starts, and whether it is empty (known once its end
    /// has been read).
    starts: VecDeque<Line>,
    /// The last byte read was a `\r` (a `\n` right after it ends no line).
    after_cr: bool,
}

impl<R> LineCounter<R> {
    /// Counts the lines of `inner` as it is read.
    pub fn new(inner: R) -> Self {
        LineCounter {
            inner,
            read: 0,
            first_line: 1,
            starts: VecDeque::from([Line::default()]),
            after_cr: false,
        }
    }

    /// The line (from 1) of the first non-empty line at or after byte
    /// `offset`: the line a record read from `offset` starts on, blank
    /// lines before it skipped. Past what was read, the last line started.
    pub fn line_of(&mut self, offset: u64) -> u64 {
        // the last line starting at or before `offset`
        let mut i = match self.starts.binary_search_by(|l| l.start.cmp(&offset)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        while i + 1 < self.starts.len() && self.starts[i].empty {
            i += 1;
        }
        self.starts.drain(..i);
        self.first_line += i as u64;
        self.first_line
    }

    /// The reader inside.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    fn saw(&mut self, bytes: &[u8]) {
        for (k, &b) in bytes.iter().enumerate() {
            let at = self.read + k as u64;
            match b {
                b'\n' if self.after_cr => {
                    // the `\n` of a `\r\n`: the line's text starts after it
                    if let Some(last) = self.starts.back_mut() {
                        last.text = at + 1;
                    }
                }
                b'\n' | b'\r' => {
                    if let Some(last) = self.starts.back_mut() {
                        last.empty = last.text == at;
                    }
                    self.starts.push_back(Line {
                        start: at + 1,
                        text: at + 1,
                        empty: false,
                    });
                }
                _ => {}
            }
            self.after_cr = b == b'\r';
        }
        self.read += bytes.len() as u64;
    }
}

/// One line of a [`LineCounter`].
#[derive(Debug, Default, Clone, Copy)]
struct Line {
    start: u64,
    text: u64,
    empty: bool,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.saw(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(text: &[u8], chunk: usize) -> LineCounter<&[u8]> {
        let mut c = LineCounter::new(text);
        let mut buf = vec![0; chunk];
        while c.read(&mut buf).unwrap() > 0 {}
        c
    }

    #[test]
    fn every_line_end_counts_once_whatever_the_read_sizes() {
        let text = b"a\nbb\r\nccc\rdd\r\n\n\r\nee";
        // a:0 bb:2 ccc:6 dd:10 (blank):14 (blank):15 ee:17
        for chunk in [1, 2, 3, 64] {
            let mut c = counted(text, chunk);
            let lines: Vec<u64> = [0, 2, 6, 10, 14, 17]
                .iter()
                .map(|&o| c.line_of(o))
                .collect();
            assert_eq!(lines, [1, 2, 3, 4, 7, 7], "chunk {chunk}");
        }
    }

    #[test]
    fn the_newline_of_a_crlf_starts_the_next_line() {
        // the csv crate starts a record after `\r\n` at its `\n`
        let mut c = counted(b"h\r\nx\r\ny\r\n", 4);
        assert_eq!(c.line_of(2), 2);
        assert_eq!(c.line_of(5), 3);
        let mut c = counted(b"h\r\n\r\ny\r\n", 4);
        assert_eq!(c.line_of(2), 3, "a blank CRLF line");
    }

    #[test]
    fn blank_lines_before_a_record_are_skipped() {
        let mut c = counted(b"h\n\n\nx\n", 8);
        assert_eq!(c.line_of(2), 4);
        // an offset inside a line is that line
        let mut c = counted(b"head\nabcdef\n", 8);
        assert_eq!(c.line_of(7), 2);
    }

    #[test]
    fn forgets_what_it_no_longer_needs() {
        let text = "x\n".repeat(10_000);
        let mut c = LineCounter::new(text.as_bytes());
        let mut buf = [0; 100];
        let mut most = 0;
        let mut line = 0;
        while c.read(&mut buf).unwrap() > 0 {
            let at = c.read.saturating_sub(50);
            line = c.line_of(at - at % 2);
            most = most.max(c.starts.len());
        }
        assert_eq!(line, 9_976);
        assert!(most < 100, "{most}");
    }
}
