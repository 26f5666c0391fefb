//! Unicode normalization (UAX #15) over the Unicode 14.0 tables CPython 3.11 uses: full
//! decomposition per character (generated), canonical ordering by combining class, then for
//! NFC/NFKC canonical composition with the generated pairs (composition exclusions already
//! left out) and the Hangul syllable rules.

use super::unicodedata::{combining, compose_pair, decomposition_of};

#[derive(Clone, Copy, PartialEq)]
pub enum Form {
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

const S_BASE: u32 = 0xAC00;
const L_BASE: u32 = 0x1100;
const V_BASE: u32 = 0x1161;
const T_BASE: u32 = 0x11A7;
const L_COUNT: u32 = 19;
const V_COUNT: u32 = 21;
const T_COUNT: u32 = 28;
const N_COUNT: u32 = V_COUNT * T_COUNT;
const S_COUNT: u32 = L_COUNT * N_COUNT;

fn push_decomposed(c: char, compat: bool, out: &mut Vec<char>) {
    let s = (c as u32).wrapping_sub(S_BASE);
    if s < S_COUNT {
        let parts = [
            L_BASE + s / N_COUNT,
            V_BASE + (s % N_COUNT) / T_COUNT,
            T_BASE + s % T_COUNT,
        ];
        let n = if s.is_multiple_of(T_COUNT) { 2 } else { 3 };
        out.extend(parts[..n].iter().filter_map(|&p| char::from_u32(p)));
        return;
    }
    match decomposition_of(c) {
        Some(&(_, _, nfd, nfkd)) => out.extend(if compat { nfkd } else { nfd }.chars()),
        None => out.push(c),
    }
}

/// Sorts each run of non-starters by combining class, keeping equal classes in order.
fn canonical_order(chars: &mut [char]) {
    let mut i = 0;
    while i < chars.len() {
        if combining(chars[i]) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && combining(chars[i]) != 0 {
            i += 1;
        }
        chars[start..i].sort_by_key(|&c| combining(c));
    }
}

fn compose_hangul(a: char, b: char) -> Option<char> {
    let (a, b) = (a as u32, b as u32);
    let l = a.wrapping_sub(L_BASE);
    let v = b.wrapping_sub(V_BASE);
    if l < L_COUNT && v < V_COUNT {
        return char::from_u32(S_BASE + (l * V_COUNT + v) * T_COUNT);
    }
    let s = a.wrapping_sub(S_BASE);
    let t = b.wrapping_sub(T_BASE);
    if s < S_COUNT && s.is_multiple_of(T_COUNT) && t > 0 && t < T_COUNT {
        return char::from_u32(a + t);
    }
    None
}

/// Canonical composition: each character joins the last starter unless a character in
/// between blocks it (a starter, or a class at least its own).
fn compose(chars: &[char]) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut starter: Option<usize> = None;
    // Combining class of the last character kept since the starter.
    let mut last_class: Option<u8> = None;
    for &c in chars {
        let class = combining(c);
        if let Some(si) = starter {
            let blocked = last_class.is_some_and(|l| l == 0 || l >= class);
            if !blocked {
                if let Some(s) = out.get_mut(si) {
                    if let Some(joined) = compose_hangul(*s, c).or_else(|| compose_pair(*s, c)) {
                        *s = joined;
                        continue;
                    }
                }
            }
        }
        if class == 0 {
            starter = Some(out.len());
            last_class = None;
        } else {
            last_class = Some(class);
        }
        out.push(c);
    }
    out
}

pub fn normalize(text: &str, form: Form) -> String {
    let compat = matches!(form, Form::Nfkc | Form::Nfkd);
    let mut chars = Vec::with_capacity(text.len());
    for c in text.chars() {
        push_decomposed(c, compat, &mut chars);
    }
    canonical_order(&mut chars);
    if matches!(form, Form::Nfc | Form::Nfkc) {
        chars = compose(&chars);
    }
    chars.into_iter().collect()
}
