//! Character classes and case mappings as sre sees them: ASCII rules for bytes and
//! `re.ASCII`, Unicode rules (simple case mappings, `str.isalnum`-style words) for str.

/// CPython's `_PyUnicode_ToLowercase`: the simple lowercase mapping, or the first
/// character of the full one where Unicode has a special case (U+0130 gives 'i').
pub fn lower_uni(ch: u32) -> u32 {
    if ch < 128 {
        return lower_ascii(ch);
    }
    match char::from_u32(ch).and_then(|c| c.to_lowercase().next()) {
        Some(l) => l as u32,
        None => ch,
    }
}

/// CPython's `_PyUnicode_ToUppercase`: the first character of the uppercase mapping
/// ('ß' gives 'S').
pub fn upper_uni(ch: u32) -> u32 {
    if ch < 128 {
        return upper_ascii(ch);
    }
    match char::from_u32(ch).and_then(|c| c.to_uppercase().next()) {
        Some(u) => u as u32,
        None => ch,
    }
}

pub fn lower_ascii(ch: u32) -> u32 {
    if (b'A' as u32..=b'Z' as u32).contains(&ch) {
        ch + 32
    } else {
        ch
    }
}

pub fn upper_ascii(ch: u32) -> u32 {
    if (b'a' as u32..=b'z' as u32).contains(&ch) {
        ch - 32
    } else {
        ch
    }
}

/// `LITERAL_LOC_IGNORE` in the C locale (bytes patterns with `re.LOCALE`).
pub fn char_loc_ignore(pattern: u32, ch: u32) -> bool {
    ch == pattern || lower_ascii(ch) == pattern || upper_ascii(ch) == pattern
}

pub fn is_word_ascii(ch: u32) -> bool {
    ch < 128 && ((ch as u8).is_ascii_alphanumeric() || ch == b'_' as u32)
}

/// `\w` for str: `str.isalnum()` or '_', from CPython 3.11's own table (Rust's
/// `is_alphanumeric` also counts combining marks, which CPython does not).
pub fn is_word_uni(ch: u32) -> bool {
    if ch < 128 {
        return is_word_ascii(ch);
    }
    let table = super::word_table::WORD_RANGES;
    match table.binary_search_by(|&(lo, _)| lo.cmp(&ch)) {
        Ok(_) => true,
        Err(0) => false,
        Err(i) => table.get(i - 1).is_some_and(|&(_, hi)| ch <= hi),
    }
}

fn is_digit_ascii(ch: u32) -> bool {
    ch < 128 && (ch as u8).is_ascii_digit()
}

fn is_space_ascii(ch: u32) -> bool {
    matches!(ch, 9..=13 | 32)
}

fn is_digit_uni(ch: u32) -> bool {
    if ch < 128 {
        return is_digit_ascii(ch);
    }
    char::from_u32(ch).is_some_and(|c| crate::text::decimal_value(c).is_some())
}

fn is_space_uni(ch: u32) -> bool {
    if ch < 128 {
        return matches!(ch, 9..=13 | 28..=32);
    }
    char::from_u32(ch).is_some_and(crate::text::is_space)
}

fn is_linebreak_uni(ch: u32) -> bool {
    matches!(ch, 0x0a..=0x0d | 0x1c..=0x1e | 0x85 | 0x2028 | 0x2029)
}

/// sre's `category`: the `CATEGORY_*` codes of re._constants.CHCODES, in order.
pub fn category(code: u32, ch: u32) -> bool {
    match code {
        0 => is_digit_ascii(ch),
        1 => !is_digit_ascii(ch),
        2 => is_space_ascii(ch),
        3 => !is_space_ascii(ch),
        4 => is_word_ascii(ch),
        5 => !is_word_ascii(ch),
        6 => ch == b'\n' as u32,
        7 => ch != b'\n' as u32,
        8 => is_word_ascii(ch),
        9 => !is_word_ascii(ch),
        10 => is_digit_uni(ch),
        11 => !is_digit_uni(ch),
        12 => is_space_uni(ch),
        13 => !is_space_uni(ch),
        14 => is_word_uni(ch),
        15 => !is_word_uni(ch),
        16 => is_linebreak_uni(ch),
        17 => !is_linebreak_uni(ch),
        _ => false,
    }
}
