//! What the str and bytes methods compute alike, over characters or bytes: the
//! `istitle()` rule and `expandtabs()`.

use super::str::check_repeat;
use crate::vm::errors::PyResult;

/// How `istitle()` sees one character or byte.
pub enum Case {
    Upper,
    Lower,
    Uncased,
}

/// `istitle()`: something cased, each uppercase one after an uncased one and each
/// lowercase one after a cased one.
pub fn is_titlecased(cases: impl Iterator<Item = Case>) -> bool {
    let (mut cased, mut prev_cased) = (false, false);
    for case in cases {
        match case {
            Case::Upper if prev_cased => return false,
            Case::Lower if !prev_cased => return false,
            Case::Upper | Case::Lower => {
                prev_cased = true;
                cased = true;
            }
            Case::Uncased => prev_cased = false,
        }
    }
    cased
}

/// The units (chars or bytes) `expandtabs(tabsize)` uses: tab, the two line ends that
/// restart the column, the space that fills, and how many bytes a unit takes (for the
/// size limit).
pub struct Tabs<T> {
    pub tab: T,
    pub line_ends: [T; 2],
    pub space: T,
    pub bytes: fn(T) -> usize,
}

/// `expandtabs(tabsize)`: each tab becomes spaces up to the next multiple of `tabsize`
/// (the column restarting after a line end); MemoryError past the size limit.
pub fn expand_tabs<T: Copy + PartialEq>(
    units: impl Iterator<Item = T>,
    tabsize: i64,
    kind: &Tabs<T>,
    out: &mut impl Extend<T>,
) -> PyResult<()> {
    let (mut col, mut produced): (i64, usize) = (0, 0);
    for u in units {
        if u == kind.tab {
            if tabsize > 0 {
                let n = tabsize - col % tabsize;
                check_repeat(1, produced + n as usize)?;
                out.extend(std::iter::repeat_n(kind.space, n as usize));
                produced += n as usize;
                col += n;
            }
        } else {
            out.extend(std::iter::once(u));
            produced += (kind.bytes)(u);
            col = if kind.line_ends.contains(&u) {
                0
            } else {
                col + 1
            };
        }
    }
    Ok(())
}
