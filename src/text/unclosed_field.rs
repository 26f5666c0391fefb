//! The error of a `str.format` string that ends inside a replacement field. CPython reads
//! the field's name, then its conversion and spec, and names the part it was in when the
//! string ran out.

/// The message for a field whose `{` is followed by `rest`, the rest of the format
/// string, with no matching `}`.
pub fn message(rest: &str) -> &'static str {
    if rest.is_empty() {
        return "Single '{' encountered in format string";
    }
    let mut chars = rest.chars();
    // The name ends at '}', ':' or '!'; an index in brackets may hold them.
    let mut stop = None;
    while let Some(c) = chars.next() {
        match c {
            '{' => return "unexpected '{' in field name",
            // An index that never closes swallows the rest.
            '[' if !chars.by_ref().any(|d| d == ']') => break,
            ':' | '!' | '}' => {
                stop = Some(c);
                break;
            }
            _ => {}
        }
    }
    match stop {
        Some('!') => match (chars.next(), chars.next()) {
            (None, _) => "end of string while looking for conversion specifier",
            (Some(_), Some(c)) if c != ':' && c != '}' => "expected ':' after conversion specifier",
            _ => "unmatched '{' in format spec",
        },
        Some(':') => "unmatched '{' in format spec",
        _ => "expected '}' before end of string",
    }
}

#[cfg(test)]
mod tests {
    use super::message;

    #[test]
    fn names_the_part_the_string_ended_in() {
        assert_eq!(message(""), "Single '{' encountered in format string");
        assert_eq!(message("0"), "expected '}' before end of string");
        assert_eq!(message("0[}"), "expected '}' before end of string");
        assert_eq!(message(":>10"), "unmatched '{' in format spec");
        assert_eq!(message("0!r"), "unmatched '{' in format spec");
        assert_eq!(
            message("0!"),
            "end of string while looking for conversion specifier"
        );
        assert_eq!(message("0!rx"), "expected ':' after conversion specifier");
        assert_eq!(message("a{"), "unexpected '{' in field name");
    }
}
