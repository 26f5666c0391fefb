//! `loop.time()`: the monotonic clock, or with `AIO_VIRTUAL_TIME=1` a virtual clock that
//! jumps straight to the next timer whenever the loop would otherwise wait for it.

/// Seconds on the monotonic clock `time.monotonic()` reads, as CPython's `loop.time()`.
pub fn monotonic() -> f64 {
    crate::modules::time::monotonic_duration().as_secs_f64()
}

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
