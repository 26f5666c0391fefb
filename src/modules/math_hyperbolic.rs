//! Hyperbolic functions as glibc computes them (fdlibm's algorithms over exp, expm1, log and
//! log1p): CPython 3.11 calls the platform's, and Rust's std versions round differently.

const LN2: f64 = std::f64::consts::LN_2;

fn high_word(x: f64) -> u32 {
    (x.to_bits() >> 32) as u32
}

fn low_word(x: f64) -> u32 {
    x.to_bits() as u32
}

/// Below exp's overflow threshold ~709.78, exp(|x|/2)^2 still fits.
fn below_overflow_threshold(ix: u32, x: f64) -> bool {
    ix < 0x4086_33ce || (ix == 0x4086_33ce && low_word(x) <= 0x8fb9_f87d)
}

pub fn sinh(x: f64) -> f64 {
    let ix = high_word(x) & 0x7fff_ffff;
    if ix >= 0x7ff0_0000 {
        return x + x;
    }
    let h = if x.is_sign_negative() { -0.5 } else { 0.5 };
    if ix < 0x4036_0000 {
        // |x| < 22
        if ix < 0x3e30_0000 {
            return x;
        }
        let t = x.abs().exp_m1();
        if ix < 0x3ff0_0000 {
            return h * (2.0 * t - t * t / (t + 1.0));
        }
        return h * (t + t / (t + 1.0));
    }
    if ix < 0x4086_2e42 {
        return h * x.abs().exp();
    }
    if below_overflow_threshold(ix, x) {
        let w = (0.5 * x.abs()).exp();
        return h * w * w;
    }
    x * 1.0e307
}

pub fn cosh(x: f64) -> f64 {
    let ix = high_word(x) & 0x7fff_ffff;
    if ix < 0x4036_0000 {
        if ix < 0x3fd6_2e43 {
            // |x| < ln2/2: 1 + expm1(|x|)^2 / (2 exp(|x|))
            if ix < 0x3c80_0000 {
                return 1.0;
            }
            let t = x.abs().exp_m1();
            let w = 1.0 + t;
            return 1.0 + (t * t) / (w + w);
        }
        let t = x.abs().exp();
        return 0.5 * t + 0.5 / t;
    }
    if ix < 0x4086_2e42 {
        return 0.5 * x.abs().exp();
    }
    if below_overflow_threshold(ix, x) {
        let w = (0.5 * x.abs()).exp();
        return 0.5 * w * w;
    }
    if ix >= 0x7ff0_0000 {
        return x * x;
    }
    f64::INFINITY
}

pub fn asinh(x: f64) -> f64 {
    let ix = high_word(x) & 0x7fff_ffff;
    if ix < 0x3e30_0000 {
        return x;
    }
    let w = if ix > 0x41b0_0000 {
        if ix >= 0x7ff0_0000 {
            return x + x;
        }
        x.abs().ln() + LN2
    } else {
        let xa = x.abs();
        if ix > 0x4000_0000 {
            (2.0 * xa + 1.0 / ((xa * xa + 1.0).sqrt() + xa)).ln()
        } else {
            let t = xa * xa;
            (xa + t / (1.0 + (1.0 + t).sqrt())).ln_1p()
        }
    };
    w.copysign(x)
}

pub fn acosh(x: f64) -> f64 {
    let hx = high_word(x) as i32;
    if hx < 0x3ff0_0000 {
        return f64::NAN;
    }
    if hx >= 0x41b0_0000 {
        if hx >= 0x7ff0_0000 {
            return x + x;
        }
        return x.ln() + LN2;
    }
    if x == 1.0 {
        return 0.0;
    }
    if hx > 0x4000_0000 {
        let t = x * x;
        return (2.0 * x - 1.0 / (x + (t - 1.0).sqrt())).ln();
    }
    let t = x - 1.0;
    (t + (2.0 * t + t * t).sqrt()).ln_1p()
}

pub fn atanh(x: f64) -> f64 {
    let xa = x.abs();
    let t = if xa < 0.5 {
        if xa < f64::powi(2.0, -28) {
            return x;
        }
        let t = xa + xa;
        0.5 * (t + t * xa / (1.0 - xa)).ln_1p()
    } else if xa < 1.0 {
        0.5 * ((xa + xa) / (1.0 - xa)).ln_1p()
    } else if xa > 1.0 {
        return f64::NAN;
    } else if x.is_nan() {
        return x;
    } else {
        return x / 0.0;
    };
    t.copysign(x)
}
