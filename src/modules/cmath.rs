//! The `cmath` module, ported from CPython 3.11's Modules/cmathmodule.c: the same formulas,
//! the same C99 Annex G special-value tables for infinite and NaN inputs, and the same
//! errno rules (EDOM → ValueError "math domain error", ERANGE → OverflowError "math range
//! error"), over the same libm functions (glibc's sinh/cosh/asinh from math_hyperbolic.rs),
//! so results match CPython bit for bit.

use super::math::{ldexp, to_f64};
use super::math_hyperbolic::{asinh, cosh, sinh};
use crate::obj::complex::{self as cx, Complex};
use crate::obj::function::{Args, NativeFn};
use crate::vm::errors::{not_implemented, overflow_error, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use std::f64::consts::{E, LN_2, PI};

/// What CPython's C functions leave in `errno`.
#[derive(Clone, Copy, PartialEq)]
enum Errno {
    None,
    Dom,
    Range,
}

type Out = (Complex, Errno);

const LARGE_DOUBLE: f64 = f64::MAX / 4.0;
const DBL_MIN: f64 = f64::MIN_POSITIVE;
const MANT_DIG: i64 = 53;
/// An odd exponent that makes any subnormal normal (CM_SCALE_UP).
const SCALE_UP: i64 = 2 * (MANT_DIG / 2) + 1;
const SCALE_DOWN: i64 = -(SCALE_UP + 1) / 2;
const LN10: f64 = std::f64::consts::LN_10;

fn sqrt_large_double() -> f64 {
    LARGE_DOUBLE.sqrt()
}

fn log_large_double() -> f64 {
    LARGE_DOUBLE.ln()
}

fn c(re: f64, im: f64) -> Complex {
    Complex::new(re, im)
}

/// CPython's m_log1p: log1p that keeps the sign of zero.
fn log1p(x: f64) -> f64 {
    if x == 0.0 {
        x
    } else {
        x.ln_1p()
    }
}

// ---- special values ----

/// The row/column of a double in the special-value tables (CPython's `special_type`).
fn special_type(d: f64) -> usize {
    if d.is_finite() {
        match (d != 0.0, d.is_sign_positive()) {
            (true, true) => 4,
            (true, false) => 1,
            (false, true) => 3,
            (false, false) => 2,
        }
    } else if d.is_nan() {
        6
    } else if d > 0.0 {
        5
    } else {
        0
    }
}

const P: f64 = PI;
const P14: f64 = 0.25 * PI;
const P12: f64 = 0.5 * PI;
const P34: f64 = 0.75 * PI;
const INF: f64 = f64::INFINITY;
const N: f64 = f64::NAN;
/// Placeholder for entries that finite inputs never reach.
const U: f64 = -9.542_631_940_771_103e33;

type Table = [[(f64, f64); 7]; 7];

const ACOS: Table = [
    [
        (P34, INF),
        (P, INF),
        (P, INF),
        (P, -INF),
        (P, -INF),
        (P34, -INF),
        (N, INF),
    ],
    [
        (P12, INF),
        (U, U),
        (U, U),
        (U, U),
        (U, U),
        (P12, -INF),
        (N, N),
    ],
    [
        (P12, INF),
        (U, U),
        (P12, 0.),
        (P12, -0.),
        (U, U),
        (P12, -INF),
        (P12, N),
    ],
    [
        (P12, INF),
        (U, U),
        (P12, 0.),
        (P12, -0.),
        (U, U),
        (P12, -INF),
        (P12, N),
    ],
    [
        (P12, INF),
        (U, U),
        (U, U),
        (U, U),
        (U, U),
        (P12, -INF),
        (N, N),
    ],
    [
        (P14, INF),
        (0., INF),
        (0., INF),
        (0., -INF),
        (0., -INF),
        (P14, -INF),
        (N, INF),
    ],
    [(N, INF), (N, N), (N, N), (N, N), (N, N), (N, -INF), (N, N)],
];

const ACOSH: Table = [
    [
        (INF, -P34),
        (INF, -P),
        (INF, -P),
        (INF, P),
        (INF, P),
        (INF, P34),
        (INF, N),
    ],
    [
        (INF, -P12),
        (U, U),
        (U, U),
        (U, U),
        (U, U),
        (INF, P12),
        (N, N),
    ],
    [
        (INF, -P12),
        (U, U),
        (0., -P12),
        (0., P12),
        (U, U),
        (INF, P12),
        (N, N),
    ],
    [
        (INF, -P12),
        (U, U),
        (0., -P12),
        (0., P12),
        (U, U),
        (INF, P12),
        (N, N),
    ],
    [
        (INF, -P12),
        (U, U),
        (U, U),
        (U, U),
        (U, U),
        (INF, P12),
        (N, N),
    ],
    [
        (INF, -P14),
        (INF, -0.),
        (INF, -0.),
        (INF, 0.),
        (INF, 0.),
        (INF, P14),
        (INF, N),
    ],
    [(INF, N), (N, N), (N, N), (N, N), (N, N), (INF, N), (N, N)],
];

const ASINH: Table = [
    [
        (-INF, -P14),
        (-INF, -0.),
        (-INF, -0.),
        (-INF, 0.),
        (-INF, 0.),
        (-INF, P14),
        (-INF, N),
    ],
    [
        (-INF, -P12),
        (U, U),
        (U, U),
        (U, U),
        (U, U),
        (-INF, P12),
        (N, N),
    ],
    [
        (-INF, -P12),
        (U, U),
        (-0., -0.),
        (-0., 0.),
        (U, U),
        (-INF, P12),
        (N, N),
    ],
    [
        (INF, -P12),
        (U, U),
        (0., -0.),
        (0., 0.),
        (U, U),
        (INF, P12),
        (N, N),
    ],
    [
        (INF, -P12),
        (U, U),
        (U, U),
        (U, U),
        (U, U),
        (INF, P12),
        (N, N),
    ],
    [
        (INF, -P14),
        (INF, -0.),
        (INF, -0.),
        (INF, 0.),
        (INF, 0.),
        (INF, P14),
        (INF, N),
    ],
    [
        (INF, N),
        (N, N),
        (N, -0.),
        (N, 0.),
        (N, N),
        (INF, N),
        (N, N),
    ],
];

const ATANH: Table = [
    [
        (-0., -P12),
        (-0., -P12),
        (-0., -P12),
        (-0., P12),
        (-0., P12),
        (-0., P12),
        (-0., N),
    ],
    [
        (-0., -P12),
        (U, U),
        (U, U),
        (U, U),
        (U, U),
        (-0., P12),
        (N, N),
    ],
    [
        (-0., -P12),
        (U, U),
        (-0., -0.),
        (-0., 0.),
        (U, U),
        (-0., P12),
        (-0., N),
    ],
    [
        (0., -P12),
        (U, U),
        (0., -0.),
        (0., 0.),
        (U, U),
        (0., P12),
        (0., N),
    ],
    [
        (0., -P12),
        (U, U),
        (U, U),
        (U, U),
        (U, U),
        (0., P12),
        (N, N),
    ],
    [
        (0., -P12),
        (0., -P12),
        (0., -P12),
        (0., P12),
        (0., P12),
        (0., P12),
        (0., N),
    ],
    [
        (0., -P12),
        (N, N),
        (N, N),
        (N, N),
        (N, N),
        (0., P12),
        (N, N),
    ],
];

const COSH: Table = [
    [
        (INF, N),
        (U, U),
        (INF, 0.),
        (INF, -0.),
        (U, U),
        (INF, N),
        (INF, N),
    ],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [
        (N, 0.),
        (U, U),
        (1., 0.),
        (1., -0.),
        (U, U),
        (N, 0.),
        (N, 0.),
    ],
    [
        (N, 0.),
        (U, U),
        (1., -0.),
        (1., 0.),
        (U, U),
        (N, 0.),
        (N, 0.),
    ],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [
        (INF, N),
        (U, U),
        (INF, -0.),
        (INF, 0.),
        (U, U),
        (INF, N),
        (INF, N),
    ],
    [(N, N), (N, N), (N, 0.), (N, 0.), (N, N), (N, N), (N, N)],
];

const EXP: Table = [
    [
        (0., 0.),
        (U, U),
        (0., -0.),
        (0., 0.),
        (U, U),
        (0., 0.),
        (0., 0.),
    ],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [(N, N), (U, U), (1., -0.), (1., 0.), (U, U), (N, N), (N, N)],
    [(N, N), (U, U), (1., -0.), (1., 0.), (U, U), (N, N), (N, N)],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [
        (INF, N),
        (U, U),
        (INF, -0.),
        (INF, 0.),
        (U, U),
        (INF, N),
        (INF, N),
    ],
    [(N, N), (N, N), (N, -0.), (N, 0.), (N, N), (N, N), (N, N)],
];

const LOG: Table = [
    [
        (INF, -P34),
        (INF, -P),
        (INF, -P),
        (INF, P),
        (INF, P),
        (INF, P34),
        (INF, N),
    ],
    [
        (INF, -P12),
        (U, U),
        (U, U),
        (U, U),
        (U, U),
        (INF, P12),
        (N, N),
    ],
    [
        (INF, -P12),
        (U, U),
        (-INF, -P),
        (-INF, P),
        (U, U),
        (INF, P12),
        (N, N),
    ],
    [
        (INF, -P12),
        (U, U),
        (-INF, -0.),
        (-INF, 0.),
        (U, U),
        (INF, P12),
        (N, N),
    ],
    [
        (INF, -P12),
        (U, U),
        (U, U),
        (U, U),
        (U, U),
        (INF, P12),
        (N, N),
    ],
    [
        (INF, -P14),
        (INF, -0.),
        (INF, -0.),
        (INF, 0.),
        (INF, 0.),
        (INF, P14),
        (INF, N),
    ],
    [(INF, N), (N, N), (N, N), (N, N), (N, N), (INF, N), (N, N)],
];

const SINH: Table = [
    [
        (INF, N),
        (U, U),
        (-INF, -0.),
        (-INF, 0.),
        (U, U),
        (INF, N),
        (INF, N),
    ],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [
        (0., N),
        (U, U),
        (-0., -0.),
        (-0., 0.),
        (U, U),
        (0., N),
        (0., N),
    ],
    [
        (0., N),
        (U, U),
        (0., -0.),
        (0., 0.),
        (U, U),
        (0., N),
        (0., N),
    ],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [
        (INF, N),
        (U, U),
        (INF, -0.),
        (INF, 0.),
        (U, U),
        (INF, N),
        (INF, N),
    ],
    [(N, N), (N, N), (N, -0.), (N, 0.), (N, N), (N, N), (N, N)],
];

const SQRT: Table = [
    [
        (INF, -INF),
        (0., -INF),
        (0., -INF),
        (0., INF),
        (0., INF),
        (INF, INF),
        (N, INF),
    ],
    [
        (INF, -INF),
        (U, U),
        (U, U),
        (U, U),
        (U, U),
        (INF, INF),
        (N, N),
    ],
    [
        (INF, -INF),
        (U, U),
        (0., -0.),
        (0., 0.),
        (U, U),
        (INF, INF),
        (N, N),
    ],
    [
        (INF, -INF),
        (U, U),
        (0., -0.),
        (0., 0.),
        (U, U),
        (INF, INF),
        (N, N),
    ],
    [
        (INF, -INF),
        (U, U),
        (U, U),
        (U, U),
        (U, U),
        (INF, INF),
        (N, N),
    ],
    [
        (INF, -INF),
        (INF, -0.),
        (INF, -0.),
        (INF, 0.),
        (INF, 0.),
        (INF, INF),
        (INF, N),
    ],
    [
        (INF, -INF),
        (N, N),
        (N, N),
        (N, N),
        (N, N),
        (INF, INF),
        (N, N),
    ],
];

const TANH: Table = [
    [
        (-1., 0.),
        (U, U),
        (-1., -0.),
        (-1., 0.),
        (U, U),
        (-1., 0.),
        (-1., 0.),
    ],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [
        (N, N),
        (U, U),
        (-0., -0.),
        (-0., 0.),
        (U, U),
        (N, N),
        (N, N),
    ],
    [(N, N), (U, U), (0., -0.), (0., 0.), (U, U), (N, N), (N, N)],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [
        (1., 0.),
        (U, U),
        (1., -0.),
        (1., 0.),
        (U, U),
        (1., 0.),
        (1., 0.),
    ],
    [(N, N), (N, N), (N, -0.), (N, 0.), (N, N), (N, N), (N, N)],
];

const RECT: Table = [
    [
        (INF, N),
        (U, U),
        (-INF, 0.),
        (-INF, -0.),
        (U, U),
        (INF, N),
        (INF, N),
    ],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [
        (0., 0.),
        (U, U),
        (-0., 0.),
        (-0., -0.),
        (U, U),
        (0., 0.),
        (0., 0.),
    ],
    [
        (0., 0.),
        (U, U),
        (0., -0.),
        (0., 0.),
        (U, U),
        (0., 0.),
        (0., 0.),
    ],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [
        (INF, N),
        (U, U),
        (INF, -0.),
        (INF, 0.),
        (U, U),
        (INF, N),
        (INF, N),
    ],
    [(N, N), (N, N), (N, 0.), (N, 0.), (N, N), (N, N), (N, N)],
];

fn lookup(table: &Table, re: f64, im: f64) -> Complex {
    let (r, i) = table[special_type(re)][special_type(im)];
    c(r, i)
}

/// CPython's SPECIAL_VALUE macro: the table entry when either part is not finite.
fn special(z: Complex, table: &Table) -> Option<Out> {
    if z.re.is_finite() && z.im.is_finite() {
        None
    } else {
        Some((lookup(table, z.re, z.im), Errno::None))
    }
}

fn neg(z: Complex) -> Complex {
    c(-z.re, -z.im)
}

// ---- the functions ----

fn c_acos(z: Complex) -> Out {
    if let Some(r) = special(z, &ACOS) {
        return r;
    }
    let r = if z.re.abs() > LARGE_DOUBLE || z.im.abs() > LARGE_DOUBLE {
        let re = z.im.abs().atan2(z.re);
        let l = (z.re / 2.).hypot(z.im / 2.).ln() + LN_2 * 2.;
        let im = if z.re < 0. {
            -l.copysign(z.im)
        } else {
            l.copysign(-z.im)
        };
        c(re, im)
    } else {
        let s1 = c_sqrt(c(1. - z.re, -z.im)).0;
        let s2 = c_sqrt(c(1. + z.re, z.im)).0;
        c(
            2. * s1.re.atan2(s2.re),
            asinh(s2.re * s1.im - s2.im * s1.re),
        )
    };
    (r, Errno::None)
}

fn c_acosh(z: Complex) -> Out {
    if let Some(r) = special(z, &ACOSH) {
        return r;
    }
    let r = if z.re.abs() > LARGE_DOUBLE || z.im.abs() > LARGE_DOUBLE {
        c(
            (z.re / 2.).hypot(z.im / 2.).ln() + LN_2 * 2.,
            z.im.atan2(z.re),
        )
    } else {
        let s1 = c_sqrt(c(z.re - 1., z.im)).0;
        let s2 = c_sqrt(c(z.re + 1., z.im)).0;
        c(
            asinh(s1.re * s2.re + s1.im * s2.im),
            2. * s1.im.atan2(s2.re),
        )
    };
    (r, Errno::None)
}

/// asin(z) = -i asinh(iz)
fn c_asin(z: Complex) -> Out {
    let (s, e) = c_asinh(c(-z.im, z.re));
    (c(s.im, -s.re), e)
}

fn c_asinh(z: Complex) -> Out {
    if let Some(r) = special(z, &ASINH) {
        return r;
    }
    let r = if z.re.abs() > LARGE_DOUBLE || z.im.abs() > LARGE_DOUBLE {
        let l = (z.re / 2.).hypot(z.im / 2.).ln() + LN_2 * 2.;
        let re = if z.im >= 0. {
            l.copysign(z.re)
        } else {
            -l.copysign(-z.re)
        };
        c(re, z.im.atan2(z.re.abs()))
    } else {
        let s1 = c_sqrt(c(1. + z.im, -z.re)).0;
        let s2 = c_sqrt(c(1. - z.im, z.re)).0;
        c(
            asinh(s1.re * s2.im - s2.re * s1.im),
            z.im.atan2(s1.re * s2.re - s1.im * s2.im),
        )
    };
    (r, Errno::None)
}

/// atan(z) = -i atanh(iz)
fn c_atan(z: Complex) -> Out {
    let (s, e) = c_atanh(c(-z.im, z.re));
    (c(s.im, -s.re), e)
}

/// atan2 with C99's answers for infinities and zeros (CPython's `c_atan2`).
fn c_atan2(z: Complex) -> f64 {
    if z.re.is_nan() || z.im.is_nan() {
        return f64::NAN;
    }
    if z.im.is_infinite() {
        if z.re.is_infinite() {
            return if z.re.is_sign_positive() {
                (0.25 * PI).copysign(z.im)
            } else {
                (0.75 * PI).copysign(z.im)
            };
        }
        return (0.5 * PI).copysign(z.im);
    }
    if z.re.is_infinite() || z.im == 0. {
        return if z.re.is_sign_positive() {
            0f64.copysign(z.im)
        } else {
            PI.copysign(z.im)
        };
    }
    z.im.atan2(z.re)
}

fn c_atanh(z: Complex) -> Out {
    if let Some(r) = special(z, &ATANH) {
        return r;
    }
    if z.re < 0. {
        let (r, e) = c_atanh(neg(z));
        return (neg(r), e);
    }
    let ay = z.im.abs();
    if z.re > sqrt_large_double() || ay > sqrt_large_double() {
        let h = (z.re / 2.).hypot(z.im / 2.);
        (
            c(z.re / 4. / h / h, -(PI / 2.).copysign(-z.im)),
            Errno::None,
        )
    } else if z.re == 1. && ay < DBL_MIN.sqrt() {
        if ay == 0. {
            (c(INF, z.im), Errno::Dom)
        } else {
            let re = -(ay.sqrt() / ay.hypot(2.).sqrt()).ln();
            (c(re, (2f64.atan2(-ay) / 2.).copysign(z.im)), Errno::None)
        }
    } else {
        let re = log1p(4. * z.re / ((1. - z.re) * (1. - z.re) + ay * ay)) / 4.;
        let im = -(-2. * z.im).atan2((1. - z.re) * (1. + z.re) - ay * ay) / 2.;
        (c(re, im), Errno::None)
    }
}

/// cos(z) = cosh(iz)
fn c_cos(z: Complex) -> Out {
    c_cosh(c(-z.im, z.re))
}

fn overflowed(r: Complex) -> Errno {
    if r.re.is_infinite() || r.im.is_infinite() {
        Errno::Range
    } else {
        Errno::None
    }
}

fn c_cosh(z: Complex) -> Out {
    if !z.re.is_finite() || !z.im.is_finite() {
        let r = if z.re.is_infinite() && z.im.is_finite() && z.im != 0. {
            if z.re > 0. {
                c(INF.copysign(z.im.cos()), INF.copysign(z.im.sin()))
            } else {
                c(INF.copysign(z.im.cos()), -INF.copysign(z.im.sin()))
            }
        } else {
            lookup(&COSH, z.re, z.im)
        };
        let e = if z.im.is_infinite() && !z.re.is_nan() {
            Errno::Dom
        } else {
            Errno::None
        };
        return (r, e);
    }
    let r = if z.re.abs() > log_large_double() {
        let x_minus_one = z.re - 1f64.copysign(z.re);
        c(
            z.im.cos() * cosh(x_minus_one) * E,
            z.im.sin() * sinh(x_minus_one) * E,
        )
    } else {
        c(z.im.cos() * cosh(z.re), z.im.sin() * sinh(z.re))
    };
    (r, overflowed(r))
}

fn c_exp(z: Complex) -> Out {
    if !z.re.is_finite() || !z.im.is_finite() {
        let r = if z.re.is_infinite() && z.im.is_finite() && z.im != 0. {
            if z.re > 0. {
                c(INF.copysign(z.im.cos()), INF.copysign(z.im.sin()))
            } else {
                c(0f64.copysign(z.im.cos()), 0f64.copysign(z.im.sin()))
            }
        } else {
            lookup(&EXP, z.re, z.im)
        };
        let e = if z.im.is_infinite() && (z.re.is_finite() || (z.re.is_infinite() && z.re > 0.)) {
            Errno::Dom
        } else {
            Errno::None
        };
        return (r, e);
    }
    let r = if z.re > log_large_double() {
        let l = (z.re - 1.).exp();
        c(l * z.im.cos() * E, l * z.im.sin() * E)
    } else {
        let l = z.re.exp();
        c(l * z.im.cos(), l * z.im.sin())
    };
    (r, overflowed(r))
}

fn c_log(z: Complex) -> Out {
    if let Some(r) = special(z, &LOG) {
        return r;
    }
    let (ax, ay) = (z.re.abs(), z.im.abs());
    let re = if ax > LARGE_DOUBLE || ay > LARGE_DOUBLE {
        (ax / 2.).hypot(ay / 2.).ln() + LN_2
    } else if ax < DBL_MIN && ay < DBL_MIN {
        if ax > 0. || ay > 0. {
            // hypot(ax, ay) would be subnormal: scale up first.
            ldexp(ax, MANT_DIG).hypot(ldexp(ay, MANT_DIG)).ln() - MANT_DIG as f64 * LN_2
        } else {
            return (c(-INF, z.im.atan2(z.re)), Errno::Dom);
        }
    } else {
        let h = ax.hypot(ay);
        if (0.71..=1.73).contains(&h) {
            let (am, an) = if ax > ay { (ax, ay) } else { (ay, ax) };
            log1p((am - 1.) * (am + 1.) + an * an) / 2.
        } else {
            h.ln()
        }
    };
    (c(re, z.im.atan2(z.re)), Errno::None)
}

fn c_log10(z: Complex) -> Out {
    let (r, e) = c_log(z);
    (c(r.re / LN10, r.im / LN10), e)
}

/// sin(z) = -i sinh(iz)
fn c_sin(z: Complex) -> Out {
    let (s, e) = c_sinh(c(-z.im, z.re));
    (c(s.im, -s.re), e)
}

fn c_sinh(z: Complex) -> Out {
    if !z.re.is_finite() || !z.im.is_finite() {
        let r = if z.re.is_infinite() && z.im.is_finite() && z.im != 0. {
            if z.re > 0. {
                c(INF.copysign(z.im.cos()), INF.copysign(z.im.sin()))
            } else {
                c(-INF.copysign(z.im.cos()), INF.copysign(z.im.sin()))
            }
        } else {
            lookup(&SINH, z.re, z.im)
        };
        let e = if z.im.is_infinite() && !z.re.is_nan() {
            Errno::Dom
        } else {
            Errno::None
        };
        return (r, e);
    }
    let r = if z.re.abs() > log_large_double() {
        let x_minus_one = z.re - 1f64.copysign(z.re);
        c(
            z.im.cos() * sinh(x_minus_one) * E,
            z.im.sin() * cosh(x_minus_one) * E,
        )
    } else {
        c(z.im.cos() * sinh(z.re), z.im.sin() * cosh(z.re))
    };
    (r, overflowed(r))
}

fn c_sqrt(z: Complex) -> Out {
    if let Some(r) = special(z, &SQRT) {
        return r;
    }
    if z.re == 0. && z.im == 0. {
        return (c(0., z.im), Errno::None);
    }
    let (mut ax, ay) = (z.re.abs(), z.im.abs());
    let s = if ax < DBL_MIN && ay < DBL_MIN && (ax > 0. || ay > 0.) {
        // hypot(ax, ay) would be subnormal: scale up first.
        ax = ldexp(ax, SCALE_UP);
        ldexp((ax + ax.hypot(ldexp(ay, SCALE_UP))).sqrt(), SCALE_DOWN)
    } else {
        ax /= 8.;
        2. * (ax + ax.hypot(ay / 8.)).sqrt()
    };
    let d = ay / (2. * s);
    let r = if z.re >= 0. {
        c(s, d.copysign(z.im))
    } else {
        c(d, s.copysign(z.im))
    };
    (r, Errno::None)
}

/// tan(z) = -i tanh(iz)
fn c_tan(z: Complex) -> Out {
    let (s, e) = c_tanh(c(-z.im, z.re));
    (c(s.im, -s.re), e)
}

fn c_tanh(z: Complex) -> Out {
    if !z.re.is_finite() || !z.im.is_finite() {
        let r = if z.re.is_infinite() && z.im.is_finite() && z.im != 0. {
            let im = 0f64.copysign(2. * z.im.sin() * z.im.cos());
            c(if z.re > 0. { 1.0 } else { -1.0 }, im)
        } else {
            lookup(&TANH, z.re, z.im)
        };
        let e = if z.im.is_infinite() && z.re.is_finite() {
            Errno::Dom
        } else {
            Errno::None
        };
        return (r, e);
    }
    let r = if z.re.abs() > log_large_double() {
        c(
            1f64.copysign(z.re),
            4. * z.im.sin() * z.im.cos() * (-2. * z.re.abs()).exp(),
        )
    } else {
        let tx = z.re.tanh();
        let ty = z.im.tan();
        let cx = 1. / cosh(z.re);
        let txty = tx * ty;
        let denom = 1. + txty * txty;
        c(tx * (1. + ty * ty) / denom, ((ty / denom) * cx) * cx)
    };
    (r, Errno::None)
}

fn c_rect(r: f64, phi: f64) -> Out {
    if !r.is_finite() || !phi.is_finite() {
        let z = if r.is_infinite() && phi.is_finite() && phi != 0. {
            if r > 0. {
                c(INF.copysign(phi.cos()), INF.copysign(phi.sin()))
            } else {
                c(-INF.copysign(phi.cos()), -INF.copysign(phi.sin()))
            }
        } else {
            lookup(&RECT, r, phi)
        };
        let e = if r != 0. && !r.is_nan() && phi.is_infinite() {
            Errno::Dom
        } else {
            Errno::None
        };
        return (z, e);
    }
    if phi == 0.0 {
        return (c(r, r * phi), Errno::None);
    }
    (c(r * phi.cos(), r * phi.sin()), Errno::None)
}

/// CPython's `_Py_c_abs`: infinite if either part is, NaN if either is NaN; ERANGE when
/// `hypot` overflows.
fn c_abs(z: Complex) -> (f64, Errno) {
    if z.re.is_infinite() {
        return (z.re.abs(), Errno::None);
    }
    if z.im.is_infinite() {
        return (z.im.abs(), Errno::None);
    }
    if z.re.is_nan() || z.im.is_nan() {
        return (f64::NAN, Errno::None);
    }
    let r = z.re.hypot(z.im);
    (
        r,
        if r.is_finite() {
            Errno::None
        } else {
            Errno::Range
        },
    )
}

// ---- glue ----

/// PyComplex_AsCComplex: a complex (a subclass's value, whatever its `__complex__`),
/// `__complex__`, or a real number.
fn to_complex(vm: &mut Vm, v: &Value) -> PyResult<Complex> {
    if let Some(z) = cx::as_complex(crate::vm::payload::builtin_view(v)) {
        return Ok(z);
    }
    if let Some(f) = vm.lookup_special(v, "__complex__") {
        let r = vm.call(&f, std::slice::from_ref(v))?;
        if cx::as_complex(&r).is_none()
            && cx::as_complex(crate::vm::payload::builtin_view(&r)).is_some()
        {
            return Err(not_implemented(
                "__complex__ returning a complex subclass (CPython warns DeprecationWarning)",
            ));
        }
        return cx::as_complex(&r).ok_or_else(|| {
            type_error(format!(
                "__complex__ returned non-complex (type {})",
                vm.type_name(&r)
            ))
        });
    }
    Ok(c(to_f64(vm, v)?, 0.0))
}

fn raise(e: Errno) -> PyResult<()> {
    match e {
        Errno::None => Ok(()),
        Errno::Dom => Err(value_error("math domain error")),
        Errno::Range => Err(overflow_error("math range error")),
    }
}

fn one_complex(vm: &mut Vm, args: &Args, name: &str) -> PyResult<Complex> {
    args.check(name, 1, 1)?;
    to_complex(vm, &args.pos[0])
}

macro_rules! unary {
    ($($fname:ident, $name:literal, $f:ident;)*) => {
        $(fn $fname(vm: &mut Vm, args: &Args) -> PyResult<Value> {
            let z = one_complex(vm, args, concat!("cmath.", $name))?;
            let (r, e) = $f(z);
            raise(e)?;
            Ok(cx::value(r))
        })*
    };
}

unary! {
    m_acos, "acos", c_acos;
    m_acosh, "acosh", c_acosh;
    m_asin, "asin", c_asin;
    m_asinh, "asinh", c_asinh;
    m_atan, "atan", c_atan;
    m_atanh, "atanh", c_atanh;
    m_cos, "cos", c_cos;
    m_cosh, "cosh", c_cosh;
    m_exp, "exp", c_exp;
    m_log10, "log10", c_log10;
    m_sin, "sin", c_sin;
    m_sinh, "sinh", c_sinh;
    m_sqrt, "sqrt", c_sqrt;
    m_tan, "tan", c_tan;
    m_tanh, "tanh", c_tanh;
}

/// `log(x[, base])`: errno is whatever the last step left, as in CPython (so `log(0, 2)`
/// is `-inf+nanj` but `log(2, 0)` is a domain error).
fn m_log(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("log", 1, 2)?;
    let x = to_complex(vm, &args.pos[0])?;
    let (mut r, mut e) = c_log(x);
    if let Some(base) = args.pos.get(1) {
        let y = to_complex(vm, base)?;
        let (ly, ey) = c_log(y);
        e = ey;
        match cx::quot(r, ly) {
            Some(q) => r = q,
            None => {
                r = c(0.0, 0.0);
                e = Errno::Dom;
            }
        }
    }
    raise(e)?;
    Ok(cx::value(r))
}

fn m_phase(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let z = one_complex(vm, args, "cmath.phase")?;
    let phi = c_atan2(z);
    // glibc's atan2 sets ERANGE when a nonzero y/x underflows to 0, and phase checks errno.
    if phi == 0.0 && z.im != 0.0 && z.re.is_finite() && z.im.is_finite() {
        raise(Errno::Range)?;
    }
    Ok(Value::Float(phi))
}

fn m_polar(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let z = one_complex(vm, args, "cmath.polar")?;
    let phi = c_atan2(z);
    let (r, e) = c_abs(z);
    raise(e)?;
    Ok(Value::tuple(vec![Value::Float(r), Value::Float(phi)]))
}

fn m_rect(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("rect", 2, 2)?;
    let r = to_f64(vm, &args.pos[0])?;
    let phi = to_f64(vm, &args.pos[1])?;
    let (z, e) = c_rect(r, phi);
    raise(e)?;
    Ok(cx::value(z))
}

fn m_isfinite(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let z = one_complex(vm, args, "cmath.isfinite")?;
    Ok(Value::Bool(z.re.is_finite() && z.im.is_finite()))
}

fn m_isnan(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let z = one_complex(vm, args, "cmath.isnan")?;
    Ok(Value::Bool(z.re.is_nan() || z.im.is_nan()))
}

fn m_isinf(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let z = one_complex(vm, args, "cmath.isinf")?;
    Ok(Value::Bool(z.re.is_infinite() || z.im.is_infinite()))
}

/// `isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)`, with Argument Clinic's messages.
fn m_isclose(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    for k in args.kwnames {
        let k = k.as_str().unwrap_or("?");
        if !["a", "b", "rel_tol", "abs_tol"].contains(&k) {
            return Err(type_error(format!(
                "'{k}' is an invalid keyword argument for isclose()"
            )));
        }
    }
    if args.pos.len() > 2 {
        return Err(type_error(format!(
            "isclose() takes exactly 2 positional arguments ({} given)",
            args.pos.len()
        )));
    }
    let mut zs = [c(0., 0.); 2];
    for (i, name) in ["a", "b"].iter().enumerate() {
        let Some(v) = args.arg(i, name) else {
            return Err(type_error(format!(
                "isclose() missing required argument '{name}' (pos {})",
                i + 1
            )));
        };
        zs[i] = to_complex(vm, v)?;
    }
    // Argument Clinic reports a missing argument before a duplicated one.
    for (i, name) in ["a", "b"].iter().enumerate() {
        if i < args.pos.len() && args.kw(name).is_some() {
            return Err(type_error(format!(
                "argument for isclose() given by name ('{name}') and position ({})",
                i + 1
            )));
        }
    }
    let [a, b] = zs;
    let rel_tol = match args.kw("rel_tol") {
        Some(v) => to_f64(vm, v)?,
        None => 1e-09,
    };
    let abs_tol = match args.kw("abs_tol") {
        Some(v) => to_f64(vm, v)?,
        None => 0.0,
    };
    if rel_tol < 0.0 || abs_tol < 0.0 {
        return Err(value_error("tolerances must be non-negative"));
    }
    if a.re == b.re && a.im == b.im {
        return Ok(Value::Bool(true));
    }
    if a.re.is_infinite() || a.im.is_infinite() || b.re.is_infinite() || b.im.is_infinite() {
        return Ok(Value::Bool(false));
    }
    let diff = c_abs(c(a.re - b.re, a.im - b.im)).0;
    let close = diff <= rel_tol * c_abs(b).0 || diff <= rel_tol * c_abs(a).0 || diff <= abs_tol;
    Ok(Value::Bool(close))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("acos", m_acos),
        ("acosh", m_acosh),
        ("asin", m_asin),
        ("asinh", m_asinh),
        ("atan", m_atan),
        ("atanh", m_atanh),
        ("cos", m_cos),
        ("cosh", m_cosh),
        ("exp", m_exp),
        ("isclose", m_isclose),
        ("isfinite", m_isfinite),
        ("isinf", m_isinf),
        ("isnan", m_isnan),
        ("log", m_log),
        ("log10", m_log10),
        ("phase", m_phase),
        ("polar", m_polar),
        ("rect", m_rect),
        ("sin", m_sin),
        ("sinh", m_sinh),
        ("sqrt", m_sqrt),
        ("tan", m_tan),
        ("tanh", m_tanh),
    ];
    let (_, d) = super::sys::new_module(vm, "cmath", funcs);
    for (name, v) in [
        ("pi", Value::Float(PI)),
        ("e", Value::Float(E)),
        ("tau", Value::Float(std::f64::consts::TAU)),
        ("inf", Value::Float(f64::INFINITY)),
        ("nan", Value::Float(f64::NAN)),
        ("infj", cx::value(c(0.0, f64::INFINITY))),
        ("nanj", cx::value(c(0.0, f64::NAN))),
    ] {
        super::sys::set_attr(vm, &d, name, v);
    }
}
