//! The matcher on sre code as CPython 3.11's `re._compiler` emits it (lists taken from
//! `_compiler._code(_parser.parse(p, re.U), re.U)`).

use super::state::{State, Stop};
use std::sync::atomic::AtomicBool;

/// `(a|b)*c`, one group.
const A_OR_B_STAR_C: &[u32] = &[
    14, 4, 0, 1, 4294967295, 23, 13, 0, 4294967295, 17, 0, 13, 5, 22, 97, 98, 0, 17, 1, 18, 16, 99,
    1,
];
/// `(?:x+x+)+y`: exponential backtracking on a run of x without y.
const CATASTROPHIC: &[u32] = &[
    14, 4, 0, 3, 4294967295, 23, 17, 1, 4294967295, 24, 6, 1, 4294967295, 16, 120, 1, 24, 6, 1,
    4294967295, 16, 120, 1, 18, 16, 121, 1,
];
/// `a(?=b)|\d+`
const LOOKAHEAD_OR_DIGITS: &[u32] = &[
    14, 4, 0, 1, 4294967295, 7, 11, 16, 97, 4, 5, 0, 16, 98, 1, 15, 15, 13, 24, 9, 1, 4294967295,
    13, 4, 8, 10, 0, 1, 15, 2, 0, 1,
];

#[test]
fn search_spans_and_groups() {
    let flag = AtomicBool::new(false);
    let s = b"xxabbac!";
    let mut st = State::new(A_OR_B_STAR_C, &s[..], 0, s.len(), 1, &flag);
    assert!(st.search().unwrap_or(false));
    assert_eq!((st.start, st.ptr), (2, 7));
    assert_eq!(st.group_span(1), Some((5, 6)));

    let t: Vec<u32> = "é ab 42".chars().map(|c| c as u32).collect();
    let mut st = State::new(LOOKAHEAD_OR_DIGITS, &t[..], 0, t.len(), 0, &flag);
    assert!(st.search().unwrap_or(false));
    assert_eq!((st.start, st.ptr), (2, 3));
}

#[test]
fn a_long_subject_needs_no_native_stack() {
    // Test threads have small stacks: a recursive matcher would overflow here.
    let flag = AtomicBool::new(false);
    let mut s = b"ab".repeat(500_000);
    s.push(b'c');
    let mut st = State::new(A_OR_B_STAR_C, &s[..], 0, s.len(), 1, &flag);
    assert!(st.run(0, true).unwrap_or(false));
    assert_eq!(st.ptr, s.len());
}

#[test]
fn an_interrupt_stops_a_catastrophic_match() {
    let flag = AtomicBool::new(true);
    let s = b"x".repeat(60);
    let mut st = State::new(CATASTROPHIC, &s[..], 0, s.len(), 0, &flag);
    assert!(matches!(st.search(), Err(Stop::Interrupted)));
}

#[test]
fn malformed_code_fails_without_panicking() {
    let flag = AtomicBool::new(false);
    for code in [
        &[17u32, 4_000_000_000, 1][..],
        &[18],
        &[23],
        &[7, 100, 1],
        &[10, 9, 1],
    ] {
        let mut st = State::new(code, &b"xyz"[..], 0, 3, 0, &flag);
        let _ = st.search();
    }
}
