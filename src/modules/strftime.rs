//! `time.strftime`'s formatter: glibc's strftime in the C locale, flags, widths and the
//! E/O modifiers included, since CPython on Linux hands the format to glibc unchanged.

use super::time_calendar::Tm;

const WDAY: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MON: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// What the caller knows that the broken-down time alone does not say.
pub struct Zone<'a> {
    /// `%Z` when the struct has no zone name: glibc's `tzname[isdst]`, read when met,
    /// as a `%s` before it may change it.
    pub tzname: &'a dyn Fn(usize) -> String,
    /// `%s`: the local timestamp of the fields (glibc calls mktime).
    pub epoch: &'a dyn Fn(&Tm) -> i64,
}

/// One conversion's flags: `pad` is glibc's pad character (0 when not given).
struct Spec {
    pad: char,
    upper: bool,
    swap: bool,
    width: Option<usize>,
}

impl Spec {
    /// Text padded to the width: zeros with the `0` flag, else spaces.
    fn text(&self, out: &mut String, s: &str) {
        let n = s.chars().count();
        if let Some(w) = self.width {
            let c = if self.pad == '0' { '0' } else { ' ' };
            out.extend(std::iter::repeat_n(c, w.saturating_sub(n)));
        }
        out.push_str(s);
    }

    /// A number of at least `digits` digits (no `-` flag), signed if negative.
    fn number(&self, out: &mut String, digits: usize, v: i64, default_pad: char) {
        let pad = if self.pad == '\0' {
            default_pad
        } else {
            self.pad
        };
        let body = v.unsigned_abs().to_string();
        let width = match (self.width, pad) {
            (Some(w), _) => w,
            (None, '-') => 0,
            (None, _) => digits,
        };
        let fill = if pad == '0' { '0' } else { ' ' };
        if v < 0 {
            let short = width.saturating_sub(1 + body.len());
            if fill == ' ' {
                out.extend(std::iter::repeat_n(' ', short));
                out.push('-');
            } else {
                out.push('-');
                out.extend(std::iter::repeat_n('0', short));
            }
        } else {
            out.extend(std::iter::repeat_n(fill, width.saturating_sub(body.len())));
        }
        out.push_str(&body);
    }
}

fn floor_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b)
}

/// ISO 8601 week-based year and week (glibc's `iso_week_days`).
fn iso_week(tm: &Tm) -> (i64, i64) {
    let iso_days = |yday: i64, wday: i64| -> i64 {
        const BIG: i64 = 378;
        yday - (yday - wday + 4 + BIG) % 7 + 3
    };
    let leap = |y: i64| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let mut year = tm.year;
    let yday = tm.yday as i64;
    let wday = tm.wday as i64;
    let mut days = iso_days(yday, wday);
    if days < 0 {
        year -= 1;
        let len = if leap(year) { 366 } else { 365 };
        days = iso_days(yday + len, wday);
    } else {
        let len = if leap(year) { 366 } else { 365 };
        let d = iso_days(yday - len, wday);
        if d >= 0 {
            year += 1;
            days = d;
        }
    }
    (year, days / 7 + 1)
}

/// Formats `tm` by `fmt` as glibc's strftime does in the C locale.
pub fn format(fmt: &str, tm: &Tm, zone: &Zone) -> String {
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut spec = Spec {
            pad: '\0',
            upper: false,
            swap: false,
            width: None,
        };
        while let Some(&c) = chars.get(i) {
            match c {
                '_' | '-' | '0' => spec.pad = c,
                '^' => spec.upper = true,
                '#' => spec.swap = true,
                _ => break,
            }
            i += 1;
        }
        let mut w: Option<usize> = None;
        while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
            w = Some(w.unwrap_or(0).saturating_mul(10).saturating_add(d as usize));
            i += 1;
        }
        spec.width = w;
        let mut modifier = None;
        if let Some(&c @ ('E' | 'O')) = chars.get(i) {
            modifier = Some(c);
            i += 1;
        }
        let Some(&c) = chars.get(i) else {
            // A lone conversion at the end: glibc copies it as it is.
            out.extend(&chars[start..]);
            break;
        };
        i += 1;
        if !one(&mut out, c, modifier, &spec, tm, zone) {
            let raw: String = chars[start..i].iter().collect();
            spec.text(&mut out, &raw);
        }
    }
    out
}

/// Formats one conversion; false when glibc would copy the conversion text instead.
fn one(out: &mut String, c: char, modifier: Option<char>, s: &Spec, tm: &Tm, z: &Zone) -> bool {
    let e_ok = "cCnpPrRstTuxXyYzZ%";
    let o_bad = "aAcDFxXY";
    match modifier {
        Some('E') if !e_ok.contains(c) => return false,
        Some('O') if o_bad.contains(c) => return false,
        _ => {}
    }
    let wday = tm.wday.rem_euclid(7) as usize;
    let mon = tm.mon.rem_euclid(12) as usize;
    let name = |full: &str, abbr: bool| -> String {
        let t = if abbr { &full[..3] } else { full };
        if s.upper || s.swap {
            t.to_uppercase()
        } else {
            t.to_string()
        }
    };
    let hour12 = match tm.hour % 12 {
        0 => 12,
        h => h,
    } as i64;
    let year = tm.year;
    match c {
        'a' => s.text(out, &name(WDAY[wday], true)),
        'A' => s.text(out, &name(WDAY[wday], false)),
        'b' | 'h' => s.text(out, &name(MON[mon], true)),
        'B' => s.text(out, &name(MON[mon], false)),
        'c' | 'D' | 'F' | 'r' | 'R' | 'T' | 'x' | 'X' => {
            let sub = match c {
                'c' => "%a %b %e %H:%M:%S %Y",
                'D' | 'x' => "%m/%d/%y",
                'F' => "%Y-%m-%d",
                'r' => "%I:%M:%S %p",
                'R' => "%H:%M",
                _ => "%H:%M:%S",
            };
            let mut t = format(sub, tm, z);
            if s.upper {
                t = t.to_uppercase();
            }
            s.text(out, &t);
        }
        'C' => s.number(out, 1, floor_div(year, 100), '0'),
        'd' => s.number(out, 2, tm.mday as i64, '0'),
        'e' => s.number(out, 2, tm.mday as i64, '_'),
        'g' => s.number(out, 2, iso_week(tm).0.rem_euclid(100), '0'),
        'G' => s.number(out, 1, iso_week(tm).0, '0'),
        'H' => s.number(out, 2, tm.hour as i64, '0'),
        'I' => s.number(out, 2, hour12, '0'),
        'j' => s.number(out, 3, tm.yday as i64 + 1, '0'),
        'k' => s.number(out, 2, tm.hour as i64, '_'),
        'l' => s.number(out, 2, hour12, '_'),
        'm' => s.number(out, 2, tm.mon as i64 + 1, '0'),
        'M' => s.number(out, 2, tm.min as i64, '0'),
        'n' => s.text(out, "\n"),
        't' => s.text(out, "\t"),
        '%' => s.text(out, "%"),
        'p' | 'P' => {
            let am = tm.hour < 12;
            let lower = c == 'P' || s.swap;
            let t = match (am, lower) {
                (true, false) => "AM",
                (false, false) => "PM",
                (true, true) => "am",
                (false, true) => "pm",
            };
            s.text(out, t);
        }
        's' => s.number(out, 1, (z.epoch)(tm), '0'),
        'S' => s.number(out, 2, tm.sec as i64, '0'),
        'u' => s.number(out, 1, (tm.wday as i64 + 6).rem_euclid(7) + 1, '0'),
        'U' => s.number(out, 2, (tm.yday as i64 - tm.wday as i64 + 7) / 7, '0'),
        'V' => s.number(out, 2, iso_week(tm).1, '0'),
        'w' => s.number(out, 1, tm.wday as i64, '0'),
        'W' => {
            let monday_based = (tm.wday as i64 - 1 + 7).rem_euclid(7);
            s.number(out, 2, (tm.yday as i64 - monday_based + 7) / 7, '0')
        }
        'y' => s.number(out, 2, year.rem_euclid(100), '0'),
        'Y' => s.number(out, 1, year, '0'),
        'z' => zone_offset(out, s, tm),
        'Z' => {
            let name = match &tm.zone {
                Some(n) if !n.is_empty() => n.clone(),
                _ if tm.isdst < 0 => String::new(),
                _ => (z.tzname)((tm.isdst > 0) as usize),
            };
            let name = if s.swap {
                name.to_lowercase()
            } else if s.upper {
                name.to_uppercase()
            } else {
                name
            };
            s.text(out, &name);
        }
        _ => return false,
    }
    true
}

/// `%z`: +hhmm from tm_gmtoff, nothing when isdst is negative.
fn zone_offset(out: &mut String, s: &Spec, tm: &Tm) {
    if tm.isdst < 0 {
        return;
    }
    let minutes = tm.gmtoff / 60;
    let sign = if tm.gmtoff < 0 { '-' } else { '+' };
    let v = (minutes.abs() / 60) * 100 + minutes.abs() % 60;
    let body = v.to_string();
    // glibc pads the sign to the width, then the digits to the width (at least 4).
    let w = s.width.unwrap_or(0);
    let prefix = if s.pad == '0' { '0' } else { ' ' };
    out.extend(std::iter::repeat_n(prefix, w.saturating_sub(1)));
    out.push(sign);
    let (fill, digits) = match s.pad {
        '-' => (' ', w),
        '_' => (' ', w.max(4)),
        _ => ('0', w.max(4)),
    };
    out.extend(std::iter::repeat_n(fill, digits.saturating_sub(body.len())));
    out.push_str(&body);
}
