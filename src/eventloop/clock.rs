//! `loop.time()`: the monotonic clock, or with `AIO_VIRTUAL_TIME=1` a virtual clock that
//! jumps straight to the next timer whenever the loop would otherwise wait for it.

/// Seconds on a monotonic clock. `std` offers no absolute monotonic reading (and `unsafe`
/// stays in `src/gc/`), so this counts from the first call, offset so it never reads 0.
pub fn monotonic() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    let origin = ORIGIN.get_or_init(Instant::now);
    origin.elapsed().as_secs_f64() + CLOCK_BASE
}

/// The reading of `monotonic()` at its first call.
const CLOCK_BASE: f64 = 1000.0;

/// Whether `AIO_VIRTUAL_TIME=1` is set.
pub fn virtual_time_enabled() -> bool {
    std::env::var("AIO_VIRTUAL_TIME").is_ok_and(|v| v == "1")
}

pub struct Clock {
    /// The virtual clock's reading, when virtual time is on.
    virtual_now: Option<f64>,
}

impl Clock {
    pub fn new() -> Clock {
        Clock {
            virtual_now: virtual_time_enabled().then(monotonic),
        }
    }

    pub fn is_virtual(&self) -> bool {
        self.virtual_now.is_some()
    }

    pub fn now(&self) -> f64 {
        match self.virtual_now {
            Some(t) => t,
            None => monotonic(),
        }
    }

    /// Virtual time: moves the clock forward to `t` (never backwards).
    pub fn advance_to(&mut self, t: f64) {
        if let Some(v) = &mut self.virtual_now {
            if t > *v {
                *v = t;
            }
        }
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::new()
    }
}
