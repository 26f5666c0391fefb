//! The `math` module, with CPython 3.11's error rules: a NaN result from a non-NaN input
//! is "math domain error" (ValueError); an infinite result from finite input is "math range
//! error" (OverflowError) for the functions that can overflow, else a domain error.
//! `fsum` is Shewchuk's exact summation and `hypot`/`dist` use CPython's `vector_norm`,
//! so results match bit for bit. gamma, lgamma and cbrt live in math_special.rs, erf and
//! erfc in math_erf.rs.

use super::math_special::MathError;
use crate::obj::function::{Args, NativeFn};
use crate::obj::Obj;
use crate::syntax::ast::BinOp;
use crate::vm::errors::{overflow_error, type_error, value_error, zero_division, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

fn domain() -> crate::vm::ExcRef {
    value_error("math domain error")
}

fn range() -> crate::vm::ExcRef {
    overflow_error("math range error")
}

/// `float(v)` as math functions convert their arguments.
pub fn to_f64(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(x) => Ok(*x),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Obj(o) if matches!(&**o, Obj::BigInt(_)) => big_to_f64(v),
        _ => {
            if let Some(f) = vm.lookup_special(v, "__float__") {
                let r = vm.call(&f, std::slice::from_ref(v))?;
                return match r {
                    Value::Float(x) => Ok(x),
                    _ => Err(type_error(format!(
                        "{}.__float__ returned non-float (type {})",
                        vm.type_name(v),
                        vm.type_name(&r)
                    ))),
                };
            }
            if let Some(f) = vm.lookup_special(v, "__index__") {
                let r = vm.call(&f, std::slice::from_ref(v))?;
                if r.is_int() {
                    return to_f64(vm, &r);
                }
            }
            Err(type_error(format!(
                "must be real number, not {}",
                vm.type_name(v)
            )))
        }
    }
}

fn big_to_f64(v: &Value) -> PyResult<f64> {
    let b = v.to_bigint().unwrap_or_default();
    match b.to_f64() {
        Some(x) if x.is_finite() => Ok(x),
        _ => Err(overflow_error("int too large to convert to float")),
    }
}

/// An int argument via `__index__`, as a BigInt.
fn to_int(vm: &mut Vm, v: &Value) -> PyResult<BigInt> {
    if let Some(b) = v.to_bigint() {
        return Ok(b);
    }
    if !matches!(v, Value::Float(_)) {
        if let Some(f) = vm.lookup_special(v, "__index__") {
            let r = vm.call(&f, std::slice::from_ref(v))?;
            if let Some(b) = r.to_bigint() {
                return Ok(b);
            }
        }
    }
    Err(type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        vm.type_name(v)
    )))
}

/// Applies `f` with CPython's `math_1` error rules.
fn math_1(
    vm: &mut Vm,
    args: &Args,
    name: &str,
    f: fn(f64) -> f64,
    can_overflow: bool,
) -> PyResult<Value> {
    args.check(name, 1, 1)?;
    let x = to_f64(vm, &args.pos[0])?;
    let r = f(x);
    if r.is_nan() && !x.is_nan() {
        return Err(domain());
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow { range() } else { domain() });
    }
    Ok(Value::Float(r))
}

macro_rules! unary {
    ($($name:ident, $pyname:literal, $f:expr, $ovf:expr;)*) => {
        $(
            fn $name(vm: &mut Vm, args: &Args) -> PyResult<Value> {
                math_1(vm, args, $pyname, $f, $ovf)
            }
        )*
    };
}

unary! {
    m_sqrt, "sqrt", f64::sqrt, false;
    m_exp, "exp", f64::exp, true;
    m_exp2, "exp2", f64::exp2, true;
    m_expm1, "expm1", f64::exp_m1, true;
    m_sin, "sin", f64::sin, false;
    m_cos, "cos", f64::cos, false;
    m_tan, "tan", f64::tan, false;
    m_asin, "asin", f64::asin, false;
    m_acos, "acos", f64::acos, false;
    m_atan, "atan", f64::atan, false;
    m_sinh, "sinh", super::math_hyperbolic::sinh, true;
    m_cosh, "cosh", super::math_hyperbolic::cosh, true;
    m_tanh, "tanh", f64::tanh, false;
    m_asinh, "asinh", super::math_hyperbolic::asinh, false;
    m_acosh, "acosh", super::math_hyperbolic::acosh, false;
    m_atanh, "atanh", super::math_hyperbolic::atanh, false;
    m_fabs, "fabs", f64::abs, false;
    m_cbrt, "cbrt", super::math_special::cbrt, false;
    m_log1p, "log1p", f64::ln_1p, false;
    m_erf, "erf", super::math_erf::erf, false;
    m_erfc, "erfc", super::math_erf::erfc, false;
}

/// A function that reports its own errors, as CPython's `math_1a` does (gamma, lgamma).
fn math_1a(
    vm: &mut Vm,
    args: &Args,
    name: &str,
    f: fn(f64) -> Result<f64, MathError>,
) -> PyResult<Value> {
    args.check(name, 1, 1)?;
    let x = to_f64(vm, &args.pos[0])?;
    match f(x) {
        Ok(r) => Ok(Value::Float(r)),
        Err(MathError::Domain) => Err(domain()),
        Err(MathError::Range) => Err(range()),
    }
}

fn m_gamma(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    math_1a(vm, args, "gamma", super::math_special::gamma)
}

fn m_lgamma(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    math_1a(vm, args, "lgamma", super::math_special::lgamma)
}

fn m_degrees(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    math_1(
        vm,
        args,
        "degrees",
        |x| x * (180.0 / std::f64::consts::PI),
        true,
    )
}

fn m_radians(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    math_1(
        vm,
        args,
        "radians",
        |x| x * (std::f64::consts::PI / 180.0),
        true,
    )
}

/// `log` of a positive number; big ints beyond float range use their binary exponent.
fn log_helper(vm: &mut Vm, v: &Value, f: fn(f64) -> f64) -> PyResult<f64> {
    if let Some(b) = v.to_bigint() {
        if !b.is_positive() {
            return Err(domain());
        }
        return Ok(match b.to_f64() {
            Some(x) if x.is_finite() => f(x),
            _ => {
                // x = m * 2**e with m in [0.5, 1)
                let bits = b.bits();
                let shift = bits.saturating_sub(64);
                let top = (&b >> shift).to_f64().unwrap_or(0.0);
                let (m, e) = frexp(top);
                f(m) + f(2.0) * (e as f64 + shift as f64)
            }
        });
    }
    let x = to_f64(vm, v)?;
    if x.is_nan() {
        return Ok(x);
    }
    if x <= 0.0 {
        return Err(domain());
    }
    if x.is_infinite() {
        return Ok(x);
    }
    Ok(f(x))
}

fn m_log(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("log", 1, 2)?;
    let num = log_helper(vm, &args.pos[0], f64::ln)?;
    match args.pos.get(1) {
        None => Ok(Value::Float(num)),
        Some(base) => {
            let den = log_helper(vm, base, f64::ln)?;
            if den == 0.0 {
                return Err(zero_division("float division by zero"));
            }
            Ok(Value::Float(num / den))
        }
    }
}

fn m_log2(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("log2", 1, 1)?;
    Ok(Value::Float(log_helper(vm, &args.pos[0], f64::log2)?))
}

fn m_log10(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("log10", 1, 1)?;
    Ok(Value::Float(log_helper(vm, &args.pos[0], f64::log10)?))
}

/// Converts an integral float to an int value (errors for inf/nan as CPython's).
fn float_to_int(x: f64) -> PyResult<Value> {
    if x.is_nan() {
        return Err(value_error("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(overflow_error("cannot convert float infinity to integer"));
    }
    if x.abs() < 9.0e18 {
        Ok(Value::Int(x as i64))
    } else {
        use num_traits::FromPrimitive;
        Ok(Value::from_bigint(BigInt::from_f64(x).unwrap_or_default()))
    }
}

fn rounding(
    vm: &mut Vm,
    args: &Args,
    name: &str,
    dunder: &str,
    f: fn(f64) -> f64,
) -> PyResult<Value> {
    args.check(name, 1, 1)?;
    let v = &args.pos[0];
    match v {
        Value::Float(x) => float_to_int(f(*x)),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        _ if v.is_int() => Ok(v.clone()),
        _ => {
            if let Some(m) = vm.lookup_special(v, dunder) {
                return vm.call(&m, std::slice::from_ref(v));
            }
            let x = to_f64(vm, v)?;
            float_to_int(f(x))
        }
    }
}

fn m_floor(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    rounding(vm, args, "floor", "__floor__", f64::floor)
}

fn m_ceil(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    rounding(vm, args, "ceil", "__ceil__", f64::ceil)
}

fn m_trunc(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("trunc", 1, 1)?;
    let v = &args.pos[0];
    match v {
        Value::Float(x) => float_to_int(x.trunc()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        _ if v.is_int() => Ok(v.clone()),
        _ => match vm.lookup_special(v, "__trunc__") {
            Some(m) => vm.call(&m, std::slice::from_ref(v)),
            None => Err(type_error(format!(
                "type {} doesn't define __trunc__ method",
                vm.type_name(v)
            ))),
        },
    }
}

fn m_isqrt(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("isqrt", 1, 1)?;
    let n = to_int(vm, &args.pos[0])?;
    if n.is_negative() {
        return Err(value_error("isqrt() argument must be nonnegative"));
    }
    Ok(Value::from_bigint(n.sqrt()))
}

fn m_gcd(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("gcd")?;
    let mut g = BigInt::zero();
    for a in args.pos {
        let n = to_int(vm, a)?;
        g = g.gcd(&n);
    }
    Ok(Value::from_bigint(g))
}

fn m_lcm(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("lcm")?;
    let mut l = BigInt::one();
    for a in args.pos {
        let n = to_int(vm, a)?;
        l = if l.is_zero() || n.is_zero() {
            BigInt::zero()
        } else {
            l.lcm(&n)
        };
    }
    Ok(Value::from_bigint(l.abs()))
}

/// The product of the integers in `lo..=hi` (binary splitting keeps operands balanced).
fn range_product(lo: u64, hi: u64) -> BigInt {
    if lo > hi {
        return BigInt::one();
    }
    if hi - lo < 16 {
        let mut p = BigInt::one();
        for i in lo..=hi {
            p *= i;
        }
        return p;
    }
    let mid = lo + (hi - lo) / 2;
    range_product(lo, mid) * range_product(mid + 1, hi)
}

fn m_factorial(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("factorial", 1, 1)?;
    let n = to_int(vm, &args.pos[0])?;
    if n.is_negative() {
        return Err(value_error("factorial() not defined for negative values"));
    }
    let Some(n) = n.to_i64() else {
        return Err(overflow_error(
            "factorial() argument should not exceed 9223372036854775807",
        ));
    };
    Ok(Value::from_bigint(range_product(1, n as u64)))
}

fn comb_perm_args(
    vm: &mut Vm,
    args: &Args,
    name: &str,
    k_optional: bool,
) -> PyResult<(BigInt, Option<BigInt>)> {
    args.no_kwargs(name)?;
    let min = if k_optional { 1 } else { 2 };
    if args.pos.len() < min || args.pos.len() > 2 {
        return Err(type_error(if min == 2 {
            format!("{name} expected 2 arguments, got {}", args.pos.len())
        } else {
            format!(
                "{name} expected at most 2 arguments, got {}",
                args.pos.len()
            )
        }));
    }
    let n = to_int(vm, &args.pos[0])?;
    let k = match args.pos.get(1) {
        None | Some(Value::None) => None,
        Some(k) => Some(to_int(vm, k)?),
    };
    if n.is_negative() {
        // perm(n) is factorial(n), and says so.
        return Err(value_error(if k.is_none() && k_optional {
            "factorial() not defined for negative values"
        } else {
            "n must be a non-negative integer"
        }));
    }
    if let Some(k) = &k {
        if k.is_negative() {
            return Err(value_error("k must be a non-negative integer"));
        }
    }
    Ok((n, k))
}

/// n * (n-1) * ... * (n-k+1)
fn falling(n: &BigInt, k: u64) -> BigInt {
    let mut p = BigInt::one();
    let mut x = n.clone();
    for _ in 0..k {
        p *= &x;
        x -= 1u32;
    }
    p
}

fn too_big() -> crate::vm::ExcRef {
    overflow_error("min(n - k, k) must not exceed 9223372036854775807")
}

fn m_comb(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (n, k) = comb_perm_args(vm, args, "comb", false)?;
    let k = k.unwrap_or_default();
    if k > n {
        return Ok(Value::Int(0));
    }
    let j = std::cmp::min(k.clone(), &n - &k);
    let j = j.to_u64().ok_or_else(too_big)?;
    let num = falling(&n, j);
    let den = range_product(1, j);
    Ok(Value::from_bigint(num / den))
}

fn m_perm(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (n, k) = comb_perm_args(vm, args, "perm", true)?;
    let k = k.unwrap_or_else(|| n.clone());
    if k > n {
        return Ok(Value::Int(0));
    }
    let k = k
        .to_u64()
        .ok_or_else(|| overflow_error("k must not exceed 9223372036854775807"))?;
    Ok(Value::from_bigint(falling(&n, k)))
}

fn m_pow(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("pow", 2, 2)?;
    let x = to_f64(vm, &args.pos[0])?;
    let y = to_f64(vm, &args.pos[1])?;
    let r = x.powf(y);
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(if x == 0.0 { domain() } else { range() });
    }
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain());
    }
    Ok(Value::Float(r))
}

fn two_floats(vm: &mut Vm, args: &Args, name: &str) -> PyResult<(f64, f64)> {
    args.check(name, 2, 2)?;
    Ok((to_f64(vm, &args.pos[0])?, to_f64(vm, &args.pos[1])?))
}

fn m_atan2(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (y, x) = two_floats(vm, args, "atan2")?;
    Ok(Value::Float(y.atan2(x)))
}

fn m_copysign(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (x, y) = two_floats(vm, args, "copysign")?;
    Ok(Value::Float(x.copysign(y)))
}

fn m_fmod(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (x, y) = two_floats(vm, args, "fmod")?;
    if y.is_infinite() && x.is_finite() {
        return Ok(Value::Float(x));
    }
    let r = x % y;
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain());
    }
    Ok(Value::Float(r))
}

fn m_remainder(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (x, y) = two_floats(vm, args, "remainder")?;
    let r = if x.is_finite() && y.is_finite() {
        if y == 0.0 {
            return Err(domain());
        }
        let (ax, ay) = (x.abs(), y.abs());
        let m = ax % ay;
        let c = ay - m;
        let r = if m < c {
            m
        } else if m > c {
            -c
        } else {
            m - 2.0 * ((0.5 * (ax - m)) % ay)
        };
        1.0f64.copysign(x) * r
    } else if x.is_nan() {
        x
    } else if y.is_nan() {
        y
    } else if x.is_infinite() {
        return Err(domain());
    } else {
        x
    };
    Ok(Value::Float(r))
}

fn m_modf(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("modf", 1, 1)?;
    let x = to_f64(vm, &args.pos[0])?;
    let (frac, int) = if x.is_infinite() {
        (0.0f64.copysign(x), x)
    } else {
        let i = x.trunc();
        ((x - i).copysign(x), i)
    };
    Ok(Value::tuple(vec![Value::Float(frac), Value::Float(int)]))
}

/// C's `frexp`: x = m * 2**e with 0.5 <= |m| < 1 (m = x and e = 0 for 0, inf, nan).
pub fn frexp(x: f64) -> (f64, i64) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    if exp == 0 {
        let (m, e) = frexp(x * (1u64 << 54) as f64);
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, exp - 1022)
}

fn m_frexp(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("frexp", 1, 1)?;
    let x = to_f64(vm, &args.pos[0])?;
    let (m, e) = frexp(x);
    Ok(Value::tuple(vec![Value::Float(m), Value::Int(e)]))
}

/// C's `ldexp` with correct rounding of subnormal results.
pub(super) fn ldexp(x: f64, e: i64) -> f64 {
    let e = e.clamp(-2200, 2200) as i32;
    let mut r = x;
    let mut e = e;
    while e > 1000 {
        r *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        // Scale down in two steps so only the last one can round.
        r *= 2f64.powi(-1000);
        e += 1000;
        if r == 0.0 {
            break;
        }
    }
    r * 2f64.powi(e)
}

fn m_ldexp(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("ldexp", 2, 2)?;
    let x = to_f64(vm, &args.pos[0])?;
    if matches!(args.pos[1], Value::Float(_)) {
        return Err(type_error("Expected an int as second argument to ldexp."));
    }
    let e = to_int(vm, &args.pos[1])?;
    let e = e
        .to_i64()
        .unwrap_or(if e.is_negative() { i64::MIN } else { i64::MAX });
    if x == 0.0 || !x.is_finite() {
        return Ok(Value::Float(x));
    }
    let r = ldexp(x, e);
    if r.is_infinite() {
        return Err(range());
    }
    Ok(Value::Float(r))
}

fn m_isfinite(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("isfinite", 1, 1)?;
    Ok(Value::Bool(to_f64(vm, &args.pos[0])?.is_finite()))
}

fn m_isinf(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("isinf", 1, 1)?;
    Ok(Value::Bool(to_f64(vm, &args.pos[0])?.is_infinite()))
}

fn m_isnan(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("isnan", 1, 1)?;
    Ok(Value::Bool(to_f64(vm, &args.pos[0])?.is_nan()))
}

fn m_isclose(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if args.pos.len() > 2 {
        return Err(type_error(format!(
            "isclose() takes exactly 2 positional arguments ({} given)",
            args.pos.len()
        )));
    }
    let Some(a) = args.arg(0, "a").cloned() else {
        return Err(type_error(
            "isclose() missing required argument 'a' (pos 1)",
        ));
    };
    let Some(b) = args.arg(1, "b").cloned() else {
        return Err(type_error(
            "isclose() missing required argument 'b' (pos 2)",
        ));
    };
    // Argument Clinic reports a missing argument before an unknown keyword.
    args.only_kwargs("isclose", &["a", "b", "rel_tol", "abs_tol"])?;
    let a = to_f64(vm, &a)?;
    let b = to_f64(vm, &b)?;
    let rel = match args.kw("rel_tol") {
        Some(v) => to_f64(vm, &v.clone())?,
        None => 1e-9,
    };
    let abs = match args.kw("abs_tol") {
        Some(v) => to_f64(vm, &v.clone())?,
        None => 0.0,
    };
    if rel < 0.0 || abs < 0.0 {
        return Err(value_error("tolerances must be non-negative"));
    }
    if a == b {
        return Ok(Value::Bool(true));
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(Value::Bool(false));
    }
    let diff = (b - a).abs();
    Ok(Value::Bool(
        diff <= (rel * b).abs() || diff <= (rel * a).abs() || diff <= abs,
    ))
}

/// Shewchuk's exactly rounded sum (CPython's `math.fsum`).
fn m_fsum(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("fsum", 1, 1)?;
    let it = vm.iter(&args.pos[0])?;
    let mut p: Vec<f64> = Vec::new();
    let (mut special_sum, mut inf_sum) = (0.0f64, 0.0f64);
    while let Some(item) = vm.next(&it)? {
        let mut x = to_f64(vm, &item)?;
        let xsave = x;
        let mut i = 0;
        for j in 0..p.len() {
            let mut y = p[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let yr = hi - x;
            let lo = y - yr;
            if lo != 0.0 {
                p[i] = lo;
                i += 1;
            }
            x = hi;
        }
        p.truncate(i);
        if x != 0.0 {
            if !x.is_finite() {
                if xsave.is_finite() {
                    return Err(overflow_error("intermediate overflow in fsum"));
                }
                if xsave.is_infinite() {
                    inf_sum += xsave;
                }
                special_sum += xsave;
                p.clear();
            } else {
                p.push(x);
            }
        }
    }
    if special_sum != 0.0 {
        if inf_sum.is_nan() {
            return Err(value_error("-inf + inf in fsum"));
        }
        return Ok(Value::Float(special_sum));
    }
    let mut hi = 0.0f64;
    let mut n = p.len();
    if n > 0 {
        n -= 1;
        hi = p[n];
        let mut lo = 0.0f64;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
    }
    Ok(Value::Float(hi))
}

fn m_prod(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.only_kwargs("prod", &["start"])?;
    if args.pos.len() != 1 {
        return Err(type_error(format!(
            "prod() takes exactly 1 positional argument ({} given)",
            args.pos.len()
        )));
    }
    let mut acc = args.kw("start").cloned().unwrap_or(Value::Int(1));
    let it = vm.iter(&args.pos[0])?;
    while let Some(x) = vm.next(&it)? {
        acc = vm.binary_op(&acc, &x, BinOp::Mult, false)?;
    }
    Ok(acc)
}

/// CPython 3.11's `vector_norm`: an accurately rounded Euclidean norm.
fn vector_norm(vec: &mut [f64], max: f64, found_nan: bool) -> f64 {
    if max.is_infinite() {
        return max;
    }
    if found_nan {
        return f64::NAN;
    }
    if max == 0.0 || vec.len() <= 1 {
        return max;
    }
    let (_, max_e) = frexp(max);
    if max_e < -1023 {
        for x in vec.iter_mut() {
            *x /= f64::MIN_POSITIVE;
        }
        return f64::MIN_POSITIVE * vector_norm(vec, max / f64::MIN_POSITIVE, found_nan);
    }
    let scale = ldexp(1.0, -max_e);
    let (mut csum, mut frac1, mut frac2) = (1.0f64, 0.0f64, 0.0f64);
    let dl_mul = |x: f64, y: f64| {
        let hi = x * y;
        (hi, x.mul_add(y, -hi))
    };
    let dl_fast_sum = |a: f64, b: f64| {
        let hi = a + b;
        (hi, (a - hi) + b)
    };
    for &v in vec.iter() {
        let x = v * scale;
        let (prh, prl) = dl_mul(x, x);
        let (smh, sml) = dl_fast_sum(csum, prh);
        csum = smh;
        frac1 += prl;
        frac2 += sml;
    }
    let mut h = (csum - 1.0 + (frac1 + frac2)).sqrt();
    let (prh, prl) = dl_mul(-h, h);
    let (smh, sml) = dl_fast_sum(csum, prh);
    csum = smh;
    frac1 += prl;
    frac2 += sml;
    let x = csum - 1.0 + (frac1 + frac2);
    h += x / (2.0 * h);
    h / scale
}

fn norm_of(values: Vec<f64>) -> f64 {
    let mut max = 0.0f64;
    let mut found_nan = false;
    let mut v: Vec<f64> = Vec::with_capacity(values.len());
    for x in values {
        let a = x.abs();
        found_nan |= a.is_nan();
        if a > max {
            max = a;
        }
        v.push(a);
    }
    vector_norm(&mut v, max, found_nan)
}

fn m_hypot(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("hypot")?;
    let mut xs = Vec::with_capacity(args.pos.len());
    for a in args.pos {
        xs.push(to_f64(vm, a)?);
    }
    Ok(Value::Float(norm_of(xs)))
}

fn m_dist(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("dist", 2, 2)?;
    let mut points = Vec::with_capacity(2);
    for (i, p) in args.pos.iter().enumerate() {
        let is_seq = matches!(p, Value::Obj(o) if matches!(&**o, Obj::Tuple(_) | Obj::List(_)));
        if !is_seq {
            return Err(type_error(format!(
                "dist() argument {} must be tuple, not {}",
                i + 1,
                vm.type_name(p)
            )));
        }
        points.push(vm.collect(p)?);
    }
    if points[0].len() != points[1].len() {
        return Err(value_error(
            "both points must have the same number of dimensions",
        ));
    }
    let mut diffs = Vec::with_capacity(points[0].len());
    for (a, b) in points[0].iter().zip(points[1].iter()) {
        let x = to_f64(vm, a)?;
        let y = to_f64(vm, b)?;
        diffs.push(x - y);
    }
    Ok(Value::Float(norm_of(diffs)))
}

fn m_nextafter(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (x, y) = two_floats(vm, args, "nextafter")?;
    if x.is_nan() || y.is_nan() {
        return Ok(Value::Float(f64::NAN));
    }
    if x == y {
        return Ok(Value::Float(y));
    }
    if x == 0.0 {
        return Ok(Value::Float(f64::from_bits(1).copysign(y)));
    }
    let bits = x.to_bits();
    let up = (y > x) == (x > 0.0);
    Ok(Value::Float(f64::from_bits(if up {
        bits + 1
    } else {
        bits - 1
    })))
}

fn m_ulp(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("ulp", 1, 1)?;
    let x = to_f64(vm, &args.pos[0])?.abs();
    if x.is_nan() {
        return Ok(Value::Float(x));
    }
    if x.is_infinite() {
        return Ok(Value::Float(x));
    }
    let next = f64::from_bits(x.to_bits() + 1);
    if next.is_infinite() {
        let prev = f64::from_bits(x.to_bits() - 1);
        return Ok(Value::Float(x - prev));
    }
    Ok(Value::Float(next - x))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("sqrt", m_sqrt),
        ("exp", m_exp),
        ("exp2", m_exp2),
        ("expm1", m_expm1),
        ("sin", m_sin),
        ("cos", m_cos),
        ("tan", m_tan),
        ("asin", m_asin),
        ("acos", m_acos),
        ("atan", m_atan),
        ("sinh", m_sinh),
        ("cosh", m_cosh),
        ("tanh", m_tanh),
        ("asinh", m_asinh),
        ("acosh", m_acosh),
        ("atanh", m_atanh),
        ("fabs", m_fabs),
        ("cbrt", m_cbrt),
        ("log1p", m_log1p),
        ("degrees", m_degrees),
        ("radians", m_radians),
        ("log", m_log),
        ("log2", m_log2),
        ("log10", m_log10),
        ("floor", m_floor),
        ("ceil", m_ceil),
        ("trunc", m_trunc),
        ("isqrt", m_isqrt),
        ("gcd", m_gcd),
        ("lcm", m_lcm),
        ("factorial", m_factorial),
        ("comb", m_comb),
        ("perm", m_perm),
        ("pow", m_pow),
        ("atan2", m_atan2),
        ("copysign", m_copysign),
        ("fmod", m_fmod),
        ("remainder", m_remainder),
        ("modf", m_modf),
        ("frexp", m_frexp),
        ("ldexp", m_ldexp),
        ("isfinite", m_isfinite),
        ("isinf", m_isinf),
        ("isnan", m_isnan),
        ("isclose", m_isclose),
        ("fsum", m_fsum),
        ("prod", m_prod),
        ("hypot", m_hypot),
        ("dist", m_dist),
        ("nextafter", m_nextafter),
        ("ulp", m_ulp),
        ("erf", m_erf),
        ("erfc", m_erfc),
        ("gamma", m_gamma),
        ("lgamma", m_lgamma),
    ];
    let (_, d) = super::sys::new_module(vm, "math", funcs);
    for (name, v) in [
        ("pi", std::f64::consts::PI),
        ("e", std::f64::consts::E),
        ("tau", std::f64::consts::TAU),
        ("inf", f64::INFINITY),
        ("nan", f64::NAN),
    ] {
        super::sys::set_attr(vm, &d, name, Value::Float(v));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn call(vm: &mut Vm, name: &str, args: &[Value]) -> String {
        let key = Value::str("math");
        let m = match &*vm.modules {
            Obj::Dict(d) => crate::vm::dictops::get_str(&d.borrow(), &key).unwrap(),
            _ => panic!(),
        };
        let f = vm.get_attr_str(&m, name).unwrap();
        match vm.call(&f, args) {
            Ok(v) => match &v {
                Value::Obj(o) if matches!(&**o, Obj::Tuple(_)) => {
                    let items = vm.collect(&v).unwrap();
                    let parts: Vec<String> = items.iter().map(|i| vm.repr(i).unwrap()).collect();
                    format!("({})", parts.join(", "))
                }
                Value::Obj(o) if matches!(&**o, Obj::BigInt(_)) => {
                    v.to_bigint().unwrap().to_string()
                }
                _ => vm.repr(&v).unwrap(),
            },
            Err(e) => {
                let n = crate::vm::class::class_name(e.class());
                let s = vm.to_str(&e.value()).unwrap();
                format!("{n}: {s}")
            }
        }
    }

    #[test]
    fn math_results_match_cpython() {
        let mut vm = Vm::new();
        let f = Value::Float;
        let i = Value::Int;
        let big = Value::from_bigint(BigInt::from(2).pow(2000));
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            ("sqrt", vec![i(-1)], "ValueError: math domain error"),
            (
                "sqrt",
                vec![Value::str("a")],
                "TypeError: must be real number, not str",
            ),
            (
                "sqrt",
                vec![big.clone()],
                "OverflowError: int too large to convert to float",
            ),
            ("floor", vec![f(1.5)], "1"),
            (
                "floor",
                vec![f(f64::INFINITY)],
                "OverflowError: cannot convert float infinity to integer",
            ),
            ("ceil", vec![f(-0.5)], "0"),
            ("floor", vec![f(2f64.powi(70))], "1180591620717411303424"),
            (
                "isqrt",
                vec![i(-1)],
                "ValueError: isqrt() argument must be nonnegative",
            ),
            ("gcd", vec![i(12), i(18), i(4)], "2"),
            ("gcd", vec![], "0"),
            ("lcm", vec![i(4), i(6)], "12"),
            ("factorial", vec![i(20)], "2432902008176640000"),
            (
                "factorial",
                vec![i(-1)],
                "ValueError: factorial() not defined for negative values",
            ),
            ("pow", vec![i(0), i(-1)], "ValueError: math domain error"),
            (
                "pow",
                vec![i(10), i(400)],
                "OverflowError: math range error",
            ),
            ("exp", vec![i(1000)], "OverflowError: math range error"),
            ("log", vec![i(0)], "ValueError: math domain error"),
            ("log", vec![i(8), i(2)], "3.0"),
            ("log", vec![big.clone()], "1386.2943611198907"),
            ("log", vec![big.clone(), i(2)], "2000.0000000000002"),
            (
                "log",
                vec![i(10), i(1)],
                "ZeroDivisionError: float division by zero",
            ),
            ("log10", vec![i(1000)], "3.0"),
            ("expm1", vec![f(1e-10)], "1.00000000005e-10"),
            ("hypot", vec![i(3), i(4)], "5.0"),
            ("hypot", vec![], "0.0"),
            ("isclose", vec![i(1), f(1.0000000001)], "True"),
            ("copysign", vec![i(1), f(-0.0)], "-1.0"),
            ("fmod", vec![i(1), i(0)], "ValueError: math domain error"),
            ("fmod", vec![i(-7), i(3)], "-1.0"),
            ("modf", vec![f(-2.5)], "(-0.5, -2.0)"),
            ("frexp", vec![i(8)], "(0.5, 4)"),
            (
                "ldexp",
                vec![i(1), i(2000)],
                "OverflowError: math range error",
            ),
            ("fsum", vec![Value::list(vec![f(0.1); 10])], "1.0"),
            (
                "fsum",
                vec![Value::list(vec![f(1e308), f(1e308)])],
                "OverflowError: intermediate overflow in fsum",
            ),
            (
                "fsum",
                vec![Value::list(vec![f(f64::INFINITY), f(f64::NEG_INFINITY)])],
                "ValueError: -inf + inf in fsum",
            ),
            (
                "fsum",
                vec![Value::list(vec![i(1), f(1e100), i(1), f(-1e100)])],
                "2.0",
            ),
            ("prod", vec![Value::list(vec![i(1), i(2), i(3)])], "6"),
            ("comb", vec![i(5), i(2)], "10"),
            (
                "comb",
                vec![i(5), i(-1)],
                "ValueError: k must be a non-negative integer",
            ),
            ("perm", vec![i(5)], "120"),
            ("perm", vec![i(3), i(5)], "0"),
            (
                "dist",
                vec![
                    Value::tuple(vec![i(0), i(0)]),
                    Value::tuple(vec![i(3), i(4)]),
                ],
                "5.0",
            ),
            ("remainder", vec![i(5), i(3)], "-1.0"),
            ("nextafter", vec![i(1), i(2)], "1.0000000000000002"),
            ("ulp", vec![f(1.0)], "2.220446049250313e-16"),
            (
                "sin",
                vec![f(f64::INFINITY)],
                "ValueError: math domain error",
            ),
            (
                "trunc",
                vec![Value::str("a")],
                "TypeError: type str doesn't define __trunc__ method",
            ),
        ];
        for (name, args, expect) in cases {
            assert_eq!(call(&mut vm, name, &args), expect, "math.{name}");
        }
    }
}
