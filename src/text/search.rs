//! Substring search tuned for the short strings programs mostly search: a byte scan for
//! one-byte needles (memchr's vectorised one past `SHORT_HAY`, whose set-up costs more
//! than a short loop), a first-byte scan plus compare over short haystacks, and the
//! standard library's Two-Way searcher (linear time, but with a set-up cost) for long ones.
//!
//! Offsets are byte offsets. A match of a valid UTF-8 needle always starts on a char
//! boundary of a valid UTF-8 haystack, so slicing at the results is safe.

/// Haystacks up to this many bytes are searched naively (at most this many times the
/// needle's length byte compares), which beats Two-Way's set-up on short text.
const SHORT_HAY: usize = 64;

/// The first occurrence of `needle` in `hay` (`Some(0)` for an empty needle).
#[inline]
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    match n.len() {
        0 => Some(0),
        1 if h.len() <= SHORT_HAY => h.iter().position(|&b| b == n[0]),
        1 => memchr::memchr(n[0], h),
        m if m > h.len() => None,
        m if h.len() <= SHORT_HAY => {
            (0..=h.len() - m).find(|&i| h[i] == n[0] && same(&h[i..i + m], n))
        }
        _ => find_long(hay, needle),
    }
}

/// Whether two short byte strings of the same length are equal: an inlined loop, cheaper
/// than a `memcmp` call for the few bytes a short needle has.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Two-Way search, kept out of line so the short cases' callers carry no large frame.
#[inline(never)]
fn find_long(hay: &str, needle: &str) -> Option<usize> {
    hay.find(needle)
}

#[inline(never)]
fn rfind_long(hay: &str, needle: &str) -> Option<usize> {
    hay.rfind(needle)
}

/// The last occurrence of `needle` in `hay` (`Some(hay.len())` for an empty needle).
#[inline]
pub fn rfind(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    match n.len() {
        0 => Some(h.len()),
        1 if h.len() <= SHORT_HAY => h.iter().rposition(|&b| b == n[0]),
        1 => memchr::memrchr(n[0], h),
        m if m > h.len() => None,
        m if h.len() <= SHORT_HAY => (0..=h.len() - m)
            .rev()
            .find(|&i| h[i] == n[0] && same(&h[i..i + m], n)),
        _ => rfind_long(hay, needle),
    }
}

/// Start offsets of the non-overlapping occurrences of a non-empty `needle`, left to right
/// (an empty needle yields nothing: callers give it its own meaning).
pub fn matches<'a>(hay: &'a str, needle: &'a str) -> Matches<'a> {
    Matches {
        hay,
        needle,
        pos: 0,
    }
}

pub struct Matches<'a> {
    hay: &'a str,
    needle: &'a str,
    pos: usize,
}

impl Iterator for Matches<'_> {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.needle.is_empty() {
            return None;
        }
        let at = self.pos + find(self.hay.get(self.pos..)?, self.needle)?;
        self.pos = at + self.needle.len();
        Some(at)
    }
}

/// `hay` with the first `limit` (all when `None`) occurrences of a non-empty `old`
/// replaced by `new`, in one pass.
pub fn replace(hay: &str, old: &str, new: &str, limit: Option<usize>) -> String {
    match find(hay, old) {
        Some(first) => replace_from(hay, first, old, new, limit, hay.len()),
        None => hay.to_string(),
    }
}

/// `replace` when the caller already found the first occurrence (at byte `first`) and
/// knows a good capacity for the result (its exact length avoids a reallocation when the
/// result is turned into a boxed str).
pub fn replace_from(
    hay: &str,
    first: usize,
    old: &str,
    new: &str,
    limit: Option<usize>,
    capacity: usize,
) -> String {
    let mut out = String::with_capacity(capacity);
    let mut at = first;
    let mut last = 0;
    let mut left = limit.unwrap_or(usize::MAX);
    while left > 0 {
        out.push_str(&hay[last..at]);
        out.push_str(new);
        last = at + old.len();
        left -= 1;
        match find(&hay[last..], old) {
            Some(p) => at = last + p,
            None => break,
        }
    }
    out.push_str(&hay[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every needle/haystack pair agrees with the standard library, on both sides of the
    /// short-haystack threshold and with multi-byte characters.
    #[test]
    fn agrees_with_std() {
        let long = "ab".repeat(SHORT_HAY) + "abc" + &"é".repeat(10) + "abc";
        let hays = [
            "",
            "a",
            "abc",
            "aaab",
            "xyzabcabc",
            "héllo wörld",
            long.as_str(),
        ];
        let needles = [
            "", "a", "b", "c", "ab", "abc", "ca", "é", "éa", "ö", "lo w", "zz",
        ];
        for h in hays {
            for n in needles {
                assert_eq!(find(h, n), h.find(n), "find {h:?} {n:?}");
                assert_eq!(rfind(h, n), h.rfind(n), "rfind {h:?} {n:?}");
                if !n.is_empty() {
                    let want: Vec<usize> = h.match_indices(n).map(|(i, _)| i).collect();
                    assert_eq!(matches(h, n).collect::<Vec<_>>(), want, "{h:?} {n:?}");
                    assert_eq!(replace(h, n, "<>", None), h.replace(n, "<>"));
                    assert_eq!(replace(h, n, "", Some(1)), h.replacen(n, "", 1));
                }
            }
        }
    }
}
