//! A line reader that never trusts its input: each line is bounded in length and checked for
//! UTF-8 on its own, so one bad line yields one located error instead of a failed read or an
//! allocation the size of the file.

use std::io::{self, BufRead, Read};

use crate::engine::error::InputProblem;

/// Longest line accepted, in bytes. The longest abstract in the 75k arXiv corpus is 3.5 KB; a
/// megabyte leaves room for anything real and stops a runaway file early.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Iterator over `(line_number, line)` where the line is either text (without its line ending)
/// or the problem that made it unreadable. I/O errors end the iteration with `Err`.
pub struct BoundedLines<R> {
    reader: R,
    line_no: usize,
    limit: usize,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> BoundedLines<R> {
    /// Reads lines of at most [`MAX_LINE_BYTES`].
    pub fn new(reader: R) -> Self {
        Self::with_limit(reader, MAX_LINE_BYTES)
    }

    /// Reads lines of at most `limit` bytes (used by tests to keep fixtures small).
    pub fn with_limit(reader: R, limit: usize) -> Self {
        BoundedLines { reader, line_no: 0, limit, buf: Vec::new(), done: false }
    }

    /// Discards bytes up to and including the next newline.
    fn skip_rest_of_line(&mut self) -> io::Result<()> {
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                return Ok(());
            }
            match available.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.reader.consume(i + 1);
                    return Ok(());
                }
                None => {
                    let n = available.len();
                    self.reader.consume(n);
                }
            }
        }
    }
}

impl<R: BufRead> Iterator for BoundedLines<R> {
    type Item = io::Result<(usize, Result<String, InputProblem>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.buf.clear();
        // Read one byte past the limit so "exactly at the limit" is distinguishable from "over".
        let read = (&mut self.reader).take(self.limit as u64 + 1).read_until(b'\n', &mut self.buf);
        let n = match read {
            Ok(n) => n,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        if n == 0 {
            self.done = true;
            return None;
        }
        self.line_no += 1;
        let line_no = self.line_no;
        let ended = self.buf.last() == Some(&b'\n');
        if ended {
            self.buf.pop();
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
        }
        if !ended && self.buf.len() > self.limit {
            if let Err(e) = self.skip_rest_of_line() {
                self.done = true;
                return Some(Err(e));
            }
            return Some(Ok((line_no, Err(InputProblem::LineTooLong { limit: self.limit }))));
        }
        let mut bytes = std::mem::take(&mut self.buf);
        if line_no == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        match String::from_utf8(bytes) {
            Ok(text) => Some(Ok((line_no, Ok(text)))),
            Err(e) => {
                let byte = e.utf8_error().valid_up_to();
                self.buf = e.into_bytes();
                Some(Ok((line_no, Err(InputProblem::InvalidUtf8 { byte }))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8], limit: usize) -> Vec<(usize, Result<String, InputProblem>)> {
        BoundedLines::with_limit(input, limit).map(|r| r.expect("in-memory reads cannot fail")).collect()
    }

    #[test]
    fn splits_lines_and_strips_endings() {
        let got = collect(b"\xEF\xBB\xBFone\r\ntwo\n\nthree", 100);
        let texts: Vec<_> = got.iter().map(|(n, l)| (*n, l.clone().unwrap())).collect();
        assert_eq!(
            texts,
            vec![(1, "one".to_string()), (2, "two".to_string()), (3, String::new()), (4, "three".to_string())]
        );
    }

    #[test]
    fn over_long_line_is_one_error_and_reading_resumes() {
        let mut input = vec![b'a'; 50];
        input.extend_from_slice(b"\nok\n");
        let got = collect(&input, 10);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], (1, Err(InputProblem::LineTooLong { limit: 10 })));
        assert_eq!(got[1], (2, Ok("ok".to_string())));
    }

    #[test]
    fn line_exactly_at_limit_is_accepted() {
        let got = collect(b"abcde\nfghij", 5);
        assert_eq!(got[0].1, Ok("abcde".to_string()));
        assert_eq!(got[1].1, Ok("fghij".to_string()));
    }

    #[test]
    fn invalid_utf8_is_located() {
        let got = collect(b"fine\nbad \xFF byte\nfine again", 100);
        assert_eq!(got[1], (2, Err(InputProblem::InvalidUtf8 { byte: 4 })));
        assert_eq!(got[2].1, Ok("fine again".to_string()));
    }
}
