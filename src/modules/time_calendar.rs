//! The `time` module's calendar side: struct_time, gmtime, localtime, mktime, asctime,
//! ctime and strftime, with CPython 3.11's argument checks and messages. The local zone
//! comes from jiff (the system tz database, TZ and /etc/localtime, without libc FFI).

use crate::obj::function::{Args, NativeFn};
use crate::obj::Obj;
use crate::vm::errors::{exc_args, overflow_error, type_error, value_error, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// A C `struct tm` as CPython fills it: year is the full year, mon/yday 0-based, wday 0=Sunday.
#[derive(Clone, Default)]
pub struct Tm {
    pub year: i64,
    pub mon: i32,
    pub mday: i32,
    pub hour: i32,
    pub min: i32,
    pub sec: i32,
    pub wday: i32,
    pub yday: i32,
    pub isdst: i32,
    pub zone: Option<String>,
    pub gmtoff: i64,
}

const FIELDS: [&str; 9] = [
    "tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst",
];

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// Broken-down UTC fields of `secs` shifted by `gmtoff`; EOVERFLOW past a C int year.
fn breakdown(secs: i64, gmtoff: i64) -> PyResult<Tm> {
    let local = secs as i128 + gmtoff as i128;
    let days = local.div_euclid(86400) as i64;
    let rem = local.rem_euclid(86400) as i64;
    let (y, m, d) = civil_from_days(days);
    if y - 1900 > i32::MAX as i64 || y - 1900 < i32::MIN as i64 {
        return Err(exc_args(
            ExcKind::OSError,
            vec![
                Value::Int(75),
                Value::str("Value too large for defined data type"),
            ],
        ));
    }
    Ok(Tm {
        year: y,
        mon: m as i32 - 1,
        mday: d as i32,
        hour: (rem / 3600) as i32,
        min: (rem / 60 % 60) as i32,
        sec: (rem % 60) as i32,
        wday: (days + 4).rem_euclid(7) as i32,
        yday: (days - days_from_civil(y, 1, 1)) as i32,
        isdst: 0,
        zone: None,
        gmtoff,
    })
}

fn out_of_range() -> crate::vm::errors::ExcRef {
    overflow_error("timestamp out of range for platform time_t")
}

/// The nearest timestamp jiff can represent (years -9999..=9999): zones beyond are
/// taken to keep the offset they have at the edge.
fn jiff_ts(secs: i64) -> jiff::Timestamp {
    let lo = jiff::Timestamp::MIN.as_second();
    let hi = jiff::Timestamp::MAX.as_second();
    jiff::Timestamp::from_second(secs.clamp(lo, hi)).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// `localtime_r`: the fields, zone name and offset of the system zone at `secs`.
fn local_tm(secs: i64) -> PyResult<Tm> {
    let tz = jiff::tz::TimeZone::system();
    let info = tz.to_offset_info(jiff_ts(secs));
    let mut tm = breakdown(secs, info.offset().seconds() as i64)?;
    note_tzname(&tz, secs);
    tm.isdst = info.dst().is_dst() as i32;
    tm.zone = Some(info.abbreviation().to_string());
    Ok(tm)
}

fn utc_tm(secs: i64) -> PyResult<Tm> {
    let mut tm = breakdown(secs, 0)?;
    tm.zone = Some("GMT".to_string());
    Ok(tm)
}

thread_local! {
    /// The offset glibc's mktime found last: its first guess next time.
    static MKTIME_OFFSET: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
    /// glibc's global `tzname`, which every local conversion rewrites; `%Z` shows it for
    /// tuples without a zone name. None until the first use.
    static TZNAME: std::cell::RefCell<Option<[String; 2]>> = const { std::cell::RefCell::new(None) };
}

/// Sets `tzname` as glibc's `__tzfile_compute` does after converting `secs`: the name in
/// force, and the other kind's name from the following transitions.
fn note_tzname(tz: &jiff::tz::TimeZone, secs: i64) {
    let ts = jiff_ts(secs);
    let info = tz.to_offset_info(ts);
    let mut names: [Option<String>; 2] = [None, None];
    names[info.dst().is_dst() as usize] = Some(info.abbreviation().to_string());
    for t in tz.following(ts) {
        let i = t.dst().is_dst() as usize;
        if names[i].is_none() {
            names[i] = Some(t.abbreviation().to_string());
            if names[1 - i].is_some() {
                break;
            }
        }
    }
    let [a, b] = names;
    let (a, b) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        (Some(a), None) => (a.clone(), a),
        (None, Some(b)) => (b.clone(), b),
        (None, None) => (String::new(), String::new()),
    };
    TZNAME.with(|t| *t.borrow_mut() = Some([a, b]));
}

/// `tzname[i]`; at first as CPython's import leaves it (it converts mid-year last).
fn tzname(i: usize) -> String {
    if TZNAME.with(|t| t.borrow().is_none()) {
        const YEAR: i64 = (365 * 24 + 6) * 3600;
        let now = jiff::Timestamp::now().as_second();
        note_tzname(&jiff::tz::TimeZone::system(), now / YEAR * YEAR + YEAR / 2);
    }
    TZNAME.with(|t| {
        t.borrow()
            .as_ref()
            .map(|n| n[i].clone())
            .unwrap_or_default()
    })
}

/// glibc's `mktime` on the fields (normalising out-of-range ones), in the system zone.
fn local_mktime(tm: &Tm) -> Option<i64> {
    let t = mktime_fields(tm)?;
    note_tzname(&jiff::tz::TimeZone::system(), t);
    Some(t)
}

fn mktime_fields(tm: &Tm) -> Option<i64> {
    let months = tm.year * 12 + tm.mon as i64;
    let (y, m) = (months.div_euclid(12), months.rem_euclid(12) + 1);
    let days = days_from_civil(y, m, 1) + tm.mday as i64 - 1;
    let local = days * 86400 + tm.hour as i64 * 3600 + tm.min as i64 * 60 + tm.sec as i64;
    let tz = jiff::tz::TimeZone::system();
    let (cy, cm, cd) = civil_from_days(local.div_euclid(86400));
    let rem = local.rem_euclid(86400);
    let dt = i16::try_from(cy).ok().and_then(|y| {
        let (h, mi, s) = (rem / 3600, rem / 60 % 60, rem % 60);
        jiff::civil::DateTime::new(y, cm as i8, cd as i8, h as i8, mi as i8, s as i8, 0).ok()
    });
    let Some(dt) = dt else {
        // Past jiff's years: the offset at the edge, like localtime.
        let guess = tz.to_offset(jiff_ts(local)).seconds() as i64;
        let t = local
            .checked_sub(guess)
            .filter(|t| breakdown(*t, guess).is_ok())?;
        return Some(match_isdst(&tz, tm.isdst, local, t));
    };
    use jiff::tz::AmbiguousOffset;
    let offset = match tz.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset,
        // A skipped time reads with the offset before the gap, or the one after when
        // that has the requested isdst, as glibc does.
        AmbiguousOffset::Gap { before, after } => {
            let ts = jiff_ts(local - before.seconds() as i64);
            let after_dst = tz.to_offset_info(ts).dst().is_dst();
            let off = if tm.isdst >= 0 && (tm.isdst > 0) == after_dst {
                after
            } else {
                before
            };
            let t = local - off.seconds() as i64;
            MKTIME_OFFSET.with(|o| o.set(off.seconds() as i64));
            return Some(t);
        }
        AmbiguousOffset::Fold { before, after } if tm.isdst >= 0 => {
            let ts = jiff_ts(local - after.seconds() as i64);
            if tz.to_offset_info(ts).dst().is_dst() == (tm.isdst > 0) {
                after
            } else {
                before
            }
        }
        // glibc starts from the offset its previous mktime found and walks to a fix point.
        AmbiguousOffset::Fold { .. } => {
            let mut t = local - MKTIME_OFFSET.with(|o| o.get());
            for _ in 0..6 {
                let next = local - tz.to_offset(jiff_ts(t)).seconds() as i64;
                if next == t {
                    break;
                }
                t = next;
            }
            jiff::tz::Offset::from_seconds((local - t) as i32).ok()?
        }
    };
    let t = match_isdst(&tz, tm.isdst, local, local - offset.seconds() as i64);
    MKTIME_OFFSET.with(|o| o.set(local - t));
    Some(t)
}

/// `t` when the requested isdst (negative: any) is in force there, else glibc's fix-up.
fn match_isdst(tz: &jiff::tz::TimeZone, isdst: i32, local: i64, t: i64) -> i64 {
    if isdst < 0 || tz.to_offset_info(jiff_ts(t)).dst().is_dst() == (isdst > 0) {
        return t;
    }
    isdst_mismatch(tz, local, t, isdst > 0)
}

/// glibc's mktime when the requested isdst is not in force at `t`: the offset of the
/// nearest time (probing weekly, up to ~7 years away) that has it, else one hour.
fn isdst_mismatch(tz: &jiff::tz::TimeZone, local: i64, t: i64, want_dst: bool) -> i64 {
    const STRIDE: i64 = 601_200;
    // glibc searches half the longest non-one-hour DST period (TZDB 2021e) either way.
    const BOUND: i64 = 457_243_200 / 2 + STRIDE;
    let mut delta = STRIDE;
    while delta < BOUND {
        for probe in [t - delta, t + delta] {
            let info = tz.to_offset_info(jiff_ts(probe));
            if info.dst().is_dst() == want_dst {
                return local - info.offset().seconds() as i64;
            }
        }
        delta += STRIDE;
    }
    if want_dst {
        t - 3600
    } else {
        t + 3600
    }
}

// ---- arguments ----

/// CPython's `_PyTime_ObjectToTime_t` with floor rounding; None means now.
fn secs_arg(vm: &mut Vm, v: Option<&Value>) -> PyResult<i64> {
    let v = match v {
        None | Some(Value::None) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            return Ok(now);
        }
        Some(v) => v,
    };
    match v {
        Value::Float(x) => {
            if x.is_nan() {
                return Err(value_error("Invalid value NaN (not a number)"));
            }
            let f = x.floor();
            if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
                return Err(out_of_range());
            }
            Ok(f as i64)
        }
        _ if v.is_int() => {
            use num_traits::ToPrimitive;
            v.to_bigint()
                .and_then(|b| b.to_i64())
                .ok_or_else(out_of_range)
        }
        _ => vm.index_value(v),
    }
}

fn one_optional<'a>(args: &'a Args, name: &str) -> PyResult<Option<&'a Value>> {
    args.no_kwargs(name)?;
    if args.pos.len() > 1 {
        return Err(type_error(format!(
            "{name}() takes at most 1 argument ({} given)",
            args.pos.len()
        )));
    }
    Ok(args.pos.first())
}

fn c_int(vm: &mut Vm, v: &Value) -> PyResult<i32> {
    use num_traits::ToPrimitive;
    let i = match v {
        Value::Float(_) => {
            return Err(type_error(
                "'float' object cannot be interpreted as an integer",
            ))
        }
        _ if v.is_int() => v
            .to_bigint()
            .and_then(|b| b.to_i64())
            .ok_or_else(|| overflow_error("Python int too large to convert to C long"))?,
        _ => vm.index_value(v)?,
    };
    if i > i32::MAX as i64 {
        return Err(overflow_error("signed integer is greater than maximum"));
    }
    if i < i32::MIN as i64 {
        return Err(overflow_error("signed integer is less than minimum"));
    }
    Ok(i as i32)
}

fn struct_time_class(vm: &mut Vm) -> PyResult<ObjRef> {
    let key = vm.intern("time");
    let m = match &*vm.modules {
        Obj::Dict(d) => crate::vm::dictops::get_str(&d.borrow(), &key),
        _ => None,
    };
    let m = m.ok_or_else(|| type_error("time module missing"))?;
    match vm.get_attr_str(&m, "struct_time")? {
        Value::Obj(o) => Ok(o),
        _ => Err(type_error("time.struct_time missing")),
    }
}

/// CPython's `gettmarg`: a 9-tuple or struct_time, as C would see it.
fn gettmarg(vm: &mut Vm, v: &Value, fname: &str) -> PyResult<Tm> {
    let cls = struct_time_class(vm)?;
    let is_struct = vm.isinstance(v, &cls) && v.as_tuple().is_none();
    let items: Vec<Value> = if is_struct {
        let mut out = Vec::with_capacity(9);
        for f in FIELDS {
            out.push(vm.get_attr_str(v, f)?);
        }
        out
    } else if let Some(t) = v.as_tuple() {
        t.to_vec()
    } else {
        return Err(type_error("Tuple or struct_time argument required"));
    };
    if items.len() != 9 {
        return Err(type_error(format!(
            "{fname}(): illegal time tuple argument"
        )));
    }
    let mut n = [0i32; 9];
    for (slot, item) in n.iter_mut().zip(&items) {
        *slot = c_int(vm, item)?;
    }
    let mut tm = Tm {
        year: n[0] as i64,
        mon: n[1].wrapping_sub(1),
        mday: n[2],
        hour: n[3],
        min: n[4],
        sec: n[5],
        wday: (n[6].wrapping_add(1)) % 7,
        yday: n[7].wrapping_sub(1),
        isdst: n[8],
        zone: None,
        gmtoff: 0,
    };
    if is_struct {
        let bad = || type_error("bad argument type for built-in operation");
        let zone = vm.get_attr_str(v, "tm_zone")?;
        if !zone.is_none() {
            tm.zone = Some(zone.as_str().ok_or_else(bad)?.to_string());
        }
        let off = vm.get_attr_str(v, "tm_gmtoff")?;
        if !off.is_none() {
            tm.gmtoff = c_long(&off).ok_or_else(bad)?;
        }
    }
    Ok(tm)
}

fn c_long(v: &Value) -> Option<i64> {
    use num_traits::ToPrimitive;
    if v.is_int() {
        v.to_bigint().and_then(|b| b.to_i64())
    } else {
        None
    }
}

/// CPython's `checktm`: range checks so asctime/strftime never index out of bounds.
fn checktm(tm: &mut Tm) -> PyResult<()> {
    if tm.mon == -1 {
        tm.mon = 0;
    } else if !(0..=11).contains(&tm.mon) {
        return Err(value_error("month out of range"));
    }
    if tm.mday == 0 {
        tm.mday = 1;
    } else if !(0..=31).contains(&tm.mday) {
        return Err(value_error("day of month out of range"));
    }
    if !(0..=23).contains(&tm.hour) {
        return Err(value_error("hour out of range"));
    }
    if !(0..=59).contains(&tm.min) {
        return Err(value_error("minute out of range"));
    }
    if !(0..=61).contains(&tm.sec) {
        return Err(value_error("seconds out of range"));
    }
    if tm.wday < 0 {
        return Err(value_error("day of week out of range"));
    }
    if tm.yday == -1 {
        tm.yday = 0;
    } else if !(0..=365).contains(&tm.yday) {
        return Err(value_error("day of year out of range"));
    }
    Ok(())
}

fn to_struct_time(vm: &mut Vm, tm: &Tm) -> PyResult<Value> {
    let cls = struct_time_class(vm)?;
    let vals = [
        tm.year,
        tm.mon as i64 + 1,
        tm.mday as i64,
        tm.hour as i64,
        tm.min as i64,
        tm.sec as i64,
        (tm.wday as i64 + 6) % 7,
        tm.yday as i64 + 1,
        tm.isdst as i64,
    ];
    let mut attrs: Vec<(&str, Value)> = FIELDS
        .iter()
        .zip(vals)
        .map(|(k, v)| (*k, Value::Int(v)))
        .collect();
    attrs.push((
        "tm_zone",
        tm.zone.as_deref().map(Value::str).unwrap_or(Value::None),
    ));
    attrs.push(("tm_gmtoff", Value::Int(tm.gmtoff)));
    Ok(super::sys::instance_of(cls, &attrs))
}

fn asctime_text(tm: &Tm) -> String {
    const WD: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MO: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {}{:3} {:02}:{:02}:{:02} {}",
        WD[tm.wday.rem_euclid(7) as usize],
        MO[tm.mon.rem_euclid(12) as usize],
        tm.mday,
        tm.hour,
        tm.min,
        tm.sec,
        tm.year
    )
}

// ---- functions ----

fn t_gmtime(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let secs = secs_arg(vm, one_optional(args, "gmtime")?)?;
    let tm = utc_tm(secs)?;
    to_struct_time(vm, &tm)
}

fn t_localtime(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let secs = secs_arg(vm, one_optional(args, "localtime")?)?;
    let tm = local_tm(secs)?;
    to_struct_time(vm, &tm)
}

fn t_mktime(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("time.mktime", 1, 1)?;
    let tm = gettmarg(vm, &args.pos[0], "mktime")?;
    match local_mktime(&tm) {
        Some(t) => Ok(Value::Float(t as f64)),
        None => Err(overflow_error("mktime argument out of range")),
    }
}

fn t_asctime(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("asctime", 0, 1)?;
    let mut tm = match args.pos.first() {
        Some(v) => gettmarg(vm, v, "asctime")?,
        None => local_tm(secs_arg(vm, None)?)?,
    };
    checktm(&mut tm)?;
    Ok(Value::string(asctime_text(&tm)))
}

fn t_ctime(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let secs = secs_arg(vm, one_optional(args, "ctime")?)?;
    let tm = local_tm(secs)?;
    Ok(Value::string(asctime_text(&tm)))
}

fn t_strftime(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("strftime")?;
    let n = args.pos.len();
    if n == 0 {
        return Err(type_error("strftime() takes at least 1 argument (0 given)"));
    }
    if n > 2 {
        return Err(type_error(format!(
            "strftime() takes at most 2 arguments ({n} given)"
        )));
    }
    let Some(fmt) = args.pos[0].as_str().map(str::to_string) else {
        let t = vm.type_name(&args.pos[0]);
        return Err(type_error(format!(
            "strftime() argument 1 must be str, not {t}"
        )));
    };
    let mut tm = match args.pos.get(1) {
        Some(v) => gettmarg(vm, v, "strftime")?,
        None => local_tm(secs_arg(vm, None)?)?,
    };
    checktm(&mut tm)?;
    tm.isdst = tm.isdst.clamp(-1, 1);
    if fmt.contains('\0') {
        return Err(value_error("embedded null character"));
    }
    let zone = super::strftime::Zone {
        tzname: &tzname,
        epoch: &|tm: &Tm| local_mktime(tm).unwrap_or(-1),
    };
    Ok(Value::string(super::strftime::format(&fmt, &tm, &zone)))
}

/// `time.struct_time(sequence, dict=None)`: 9 to 11 items; the last two are tm_zone
/// and tm_gmtoff.
fn struct_time_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let Some(this) = args.pos.first().cloned() else {
        return Err(type_error("struct_time.__init__ needs self"));
    };
    let Some(seq) = args.pos.get(1).or_else(|| args.kw("sequence")).cloned() else {
        return Err(type_error(
            "structseq() missing required argument 'sequence' (pos 1)",
        ));
    };
    // Argument Clinic reports a missing argument before an unknown keyword.
    args.only_kwargs("structseq", &["sequence", "dict"])?;
    let items = vm
        .collect(&seq)
        .map_err(|_| type_error("constructor requires a sequence"))?;
    let n = items.len();
    if n < 9 {
        return Err(type_error(format!(
            "time.struct_time() takes an at least 9-sequence ({n}-sequence given)"
        )));
    }
    if n > 11 {
        return Err(type_error(format!(
            "time.struct_time() takes an at most 11-sequence ({n}-sequence given)"
        )));
    }
    let Value::Obj(o) = &this else {
        return Err(type_error("struct_time.__init__ needs an instance"));
    };
    let Obj::Instance(inst) = &**o else {
        return Err(type_error("struct_time.__init__ needs an instance"));
    };
    // Straight into the instance dict: the fields are read-only through setattr.
    let names = FIELDS.iter().chain(&["tm_zone", "tm_gmtoff"]);
    for (i, name) in names.enumerate() {
        let v = items.get(i).cloned().unwrap_or(Value::None);
        let key = vm.intern(name);
        inst.set_attr(key, v);
    }
    Ok(Value::None)
}

/// The nine fields as a plain tuple (struct_time is a tuple in CPython).
fn fields_tuple(vm: &mut Vm, v: &Value) -> PyResult<Value> {
    let mut out = Vec::with_capacity(9);
    for f in FIELDS {
        out.push(vm.get_attr_str(v, f)?);
    }
    Ok(Value::tuple(out))
}

fn self_tuple(vm: &mut Vm, args: &Args, name: &str) -> PyResult<Value> {
    match args.pos.first() {
        Some(v) => fields_tuple(vm, v),
        None => Err(type_error(format!(
            "struct_time.{name}() needs an argument"
        ))),
    }
}

/// Tuple methods a struct_time inherits in CPython: delegate to the fields' tuple.
fn delegate(vm: &mut Vm, args: &Args, name: &str) -> PyResult<Value> {
    let t = self_tuple(vm, args, name)?;
    let f = vm.get_attr_str(&t, name)?;
    vm.call(&f, &args.pos[1..])
}

fn st_count(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    delegate(vm, args, "count")
}

fn st_index(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    delegate(vm, args, "index")
}

fn st_add(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    delegate(vm, args, "__add__")
}

fn st_mul(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    delegate(vm, args, "__mul__")
}

fn st_contains(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    delegate(vm, args, "__contains__")
}

fn st_setattr(_vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Err(crate::vm::errors::attribute_error("readonly attribute"))
}

/// `(struct_time, (fields, {'tm_zone': ..., 'tm_gmtoff': ...}))`, as CPython pickles it.
fn st_reduce(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = self_tuple(vm, args, "__reduce__")?;
    let this = &args.pos[0];
    let mut d = crate::obj::DictData::new();
    for k in ["tm_zone", "tm_gmtoff"] {
        let v = vm.get_attr_str(this, k)?;
        crate::vm::dictops::set_str(&mut d, Value::str(k), v);
    }
    let dict = Value::obj(Obj::Dict(std::cell::RefCell::new(d)));
    let cls = Value::Obj(vm.type_of(this));
    Ok(Value::tuple(vec![cls, Value::tuple(vec![t, dict])]))
}

/// Adds struct_time to the `time` module's namespace.
pub fn register(vm: &mut Vm, dict: &ObjRef) {
    use super::sys::set_attr;
    if let Some(cls) = super::sys::struct_seq_class(vm, "struct_time", "time", &FIELDS) {
        let cv = Value::Obj(cls.clone());
        for (k, v) in [
            ("n_fields", 11),
            ("n_sequence_fields", 9),
            ("n_unnamed_fields", 0),
        ] {
            let key = vm.intern(k);
            vm.set_attr(&cv, &key, Value::Int(v)).ok();
        }
        let methods: &[(&'static str, NativeFn)] = &[
            ("__init__", struct_time_init),
            ("count", st_count),
            ("index", st_index),
            ("__add__", st_add),
            ("__mul__", st_mul),
            ("__rmul__", st_mul),
            ("__contains__", st_contains),
            ("__setattr__", st_setattr),
            ("__delattr__", st_setattr),
            ("__reduce__", st_reduce),
        ];
        for &(name, f) in methods {
            let m = crate::vm::native::native("time.struct_time", name, f);
            let key = vm.intern(name);
            vm.set_attr(&cv, &key, m).ok();
        }
        set_attr(vm, dict, "struct_time", cv);
    }
    // The zone constants on first use (PEP 562): finding the system zone reads the time
    // zone database, which every start-up would pay for otherwise.
    let getattr = crate::vm::native::native("time", "__getattr__", zone_getattr);
    set_attr(vm, dict, "__getattr__", getattr);
}

/// The `time` module's `__getattr__`: `tzname`, `timezone`, `altzone` and `daylight`,
/// computed once and then kept in the module.
fn zone_getattr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("__getattr__", 1, 1)?;
    let name = args.pos[0].as_str().unwrap_or_default().to_string();
    if !matches!(
        name.as_str(),
        "tzname" | "timezone" | "altzone" | "daylight"
    ) {
        return Err(crate::vm::errors::exc(
            crate::vm::types::ExcKind::AttributeError,
            format!("module 'time' has no attribute '{name}'"),
        ));
    }
    let (tzname, timezone, altzone, daylight) = zone_constants();
    let names = Value::tuple(tzname.iter().map(|n| Value::str(n)).collect());
    let values = [
        ("tzname", names),
        ("timezone", Value::Int(timezone)),
        ("altzone", Value::Int(altzone)),
        ("daylight", Value::Int(daylight as i64)),
    ];
    let module = vm.import_module("time")?;
    let mut found = Value::None;
    for (k, v) in values {
        if k == name {
            found = v.clone();
        }
        let key = vm.intern(k);
        vm.set_attr(&module, &key, v)?;
    }
    Ok(found)
}

/// `tzname`, `timezone`, `altzone` and `daylight` as CPython's `init_timezone` sets
/// them: from the zone in force on January 1 and July 1 of this year (the one with the
/// larger offset west being standard time, for the southern hemisphere's summers).
fn zone_constants() -> ([String; 2], i64, i64, bool) {
    let tz = jiff::tz::TimeZone::system();
    let now = jiff::Timestamp::now().as_second();
    let (year, _, _) = civil_from_days(now.div_euclid(86400));
    let at = |month: i64| {
        let info = tz.to_offset_info(jiff_ts(days_from_civil(year, month, 1) * 86400));
        (
            -(info.offset().seconds() as i64),
            info.abbreviation().to_string(),
        )
    };
    let (janzone, janname) = at(1);
    let (julyzone, julyname) = at(7);
    if janzone < julyzone {
        ([julyname, janname], julyzone, janzone, janzone != julyzone)
    } else {
        ([janname, julyname], janzone, julyzone, janzone != julyzone)
    }
}

/// The calendar functions, registered with the rest of the `time` module's.
pub const FUNCS: &[(&str, NativeFn)] = &[
    ("gmtime", t_gmtime),
    ("localtime", t_localtime),
    ("mktime", t_mktime),
    ("asctime", t_asctime),
    ("ctime", t_ctime),
    ("strftime", t_strftime),
];
