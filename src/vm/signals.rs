//! Signals in aio code: a signal sets its pending flag and `Vm::interrupt` (some signal
//! arrived), and the dispatch loop checks at back-edges and calls (`Vm::periodic`), where
//! CPython runs its Python-level handlers too. Ctrl-C raises KeyboardInterrupt (or cancels
//! `asyncio.run`'s main task) unless the program set a SIGINT handler of its own; other
//! signals reach the handlers `signal.signal()` set (`PyHandlers`).

use super::errors::{exc_empty, PyResult};
use super::types::ExcKind;
use super::value::Value;
use super::Vm;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const SIGINT: i32 = 2;

/// What `signal.signal()` set for a signal.
#[derive(Clone)]
pub enum Disposition {
    /// SIG_DFL: the system's default action.
    Default,
    /// SIG_IGN.
    Ignore,
    /// An aio callable, called with (signum, frame).
    Handler(Value),
}

/// A signal registered with signal-hook for `signal.signal()`.
struct Entry {
    pending: Arc<AtomicBool>,
    /// Whether its default action runs (for SIG_DFL after a handler was set).
    default_on: Arc<AtomicBool>,
    disposition: Disposition,
}

/// The signals aio code handles, and SIGINT's own state.
pub struct PyHandlers {
    entries: BTreeMap<i32, Entry>,
    /// Set by SIGINT (`Vm::interrupt` is set by every handled signal).
    sigint: Arc<AtomicBool>,
    /// What the program set for SIGINT; None for `default_int_handler` (KeyboardInterrupt).
    sigint_disposition: Option<Disposition>,
    /// Whether aio's SIGINT handler is in place (not while SIGINT stays ignored).
    sigint_installed: bool,
    /// SIGINT was ignored when aio started (e.g. a background job of a shell): as CPython,
    /// it stays ignored until the program sets a handler.
    pub sigint_ignored_at_start: bool,
}

impl Default for PyHandlers {
    fn default() -> PyHandlers {
        PyHandlers {
            entries: BTreeMap::new(),
            sigint: Arc::new(AtomicBool::new(false)),
            sigint_disposition: None,
            sigint_installed: false,
            sigint_ignored_at_start: false,
        }
    }
}

/// Installs the SIGINT handler at start-up — unless SIGINT is ignored then, which CPython
/// leaves as it is (a process started with Ctrl-C ignored keeps ignoring it).
pub fn install_sigint(interrupt: &Arc<AtomicBool>, handlers: &mut PyHandlers) {
    if ignored_now(SIGINT) {
        handlers.sigint_ignored_at_start = true;
        handlers.sigint_disposition = Some(Disposition::Ignore);
        return;
    }
    register_sigint(interrupt, handlers);
}

/// The SIGINT handler: it sets `interrupt` and the handlers' SIGINT flag.
fn register_sigint(interrupt: &Arc<AtomicBool>, handlers: &mut PyHandlers) {
    if handlers.sigint_installed {
        return;
    }
    // Registration fails only for forbidden signals; SIGINT is not one.
    let _ = signal_hook::flag::register(SIGINT, interrupt.clone());
    let _ = signal_hook::flag::register(SIGINT, handlers.sigint.clone());
    handlers.sigint_installed = true;
}

/// Whether signal `sig` is ignored (SIG_IGN) in this process: the kernel's `SigIgn` mask
/// in /proc/self/status, which needs no unsafe sigaction call to read.
fn ignored_now(sig: i32) -> bool {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return false;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1u64 << (sig - 1)) != 0)
}

impl Vm {
    /// `signal.signal(sig, ...)`: from now on `sig` gets `disposition`. False when the
    /// signal cannot be caught.
    pub fn set_signal_disposition(&mut self, sig: i32, disposition: Disposition) -> bool {
        if sig == SIGINT {
            if !matches!(disposition, Disposition::Ignore) {
                // SIGINT was left ignored at start-up: from now on aio handles it.
                register_sigint(&self.interrupt, &mut self.py_signals);
            }
            self.py_signals.sigint_disposition = Some(disposition);
            return true;
        }
        if signal_hook::consts::FORBIDDEN.contains(&sig) {
            return false;
        }
        if !self.py_signals.entries.contains_key(&sig) {
            if matches!(disposition, Disposition::Default) {
                // Never handled: the system's default is still in place.
                return true;
            }
            let pending = Arc::new(AtomicBool::new(false));
            let default_on = Arc::new(AtomicBool::new(false));
            let registered = signal_hook::flag::register(sig, pending.clone())
                .and_then(|_| signal_hook::flag::register(sig, self.interrupt.clone()))
                .and_then(|_| {
                    signal_hook::flag::register_conditional_default(sig, default_on.clone())
                });
            if registered.is_err() {
                return false;
            }
            self.py_signals.entries.insert(
                sig,
                Entry {
                    pending,
                    default_on,
                    disposition: Disposition::Default,
                },
            );
        }
        if let Some(e) = self.py_signals.entries.get_mut(&sig) {
            e.default_on.store(
                matches!(disposition, Disposition::Default),
                Ordering::SeqCst,
            );
            e.disposition = disposition;
        }
        true
    }

    /// Runs the handlers of the signals that arrived since the last check (lowest number
    /// first, as CPython), then deals with Ctrl-C. An exception a handler raises comes out
    /// here, in the code that was running.
    pub fn check_signals(&mut self) -> PyResult<()> {
        // Signals go to the main thread only: a VM thread leaves them pending.
        if self.aio.vthreads.depth > 0 {
            return Ok(());
        }
        // A plain load first: the swap is a locked instruction, and this check runs
        // between every two callbacks of the event loop.
        if !self.interrupt.load(Ordering::Relaxed) || !self.interrupt.swap(false, Ordering::Relaxed)
        {
            return Ok(());
        }
        let due: Vec<(i32, Value)> = self
            .py_signals
            .entries
            .iter()
            .filter(|(_, e)| e.pending.swap(false, Ordering::SeqCst))
            .filter_map(|(sig, e)| match &e.disposition {
                Disposition::Handler(h) => Some((*sig, h.clone())),
                _ => None,
            })
            .collect();
        for (i, (sig, h)) in due.iter().enumerate() {
            if let Err(e) = self.call_signal_handler(h, *sig) {
                // The others stay pending for the next check.
                for (later, _) in &due[i + 1..] {
                    if let Some(entry) = self.py_signals.entries.get(later) {
                        entry.pending.store(true, Ordering::SeqCst);
                    }
                }
                if i + 1 < due.len() {
                    self.interrupt.store(true, Ordering::SeqCst);
                }
                return Err(e);
            }
        }
        if !self.py_signals.sigint.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        match self.py_signals.sigint_disposition.clone() {
            Some(Disposition::Ignore) => Ok(()),
            Some(Disposition::Default) => {
                // The system's action for SIGINT: the process ends by the signal.
                let _ = signal_hook::low_level::emulate_default_handler(SIGINT);
                Ok(())
            }
            Some(Disposition::Handler(h)) => self.call_signal_handler(&h, SIGINT),
            None => {
                // A loop's add_signal_handler(SIGINT, ...) takes Ctrl-C instead.
                if self.sigint_handled_by_loop() {
                    return Ok(());
                }
                if self.aio.main_task.is_some() {
                    // Inside asyncio.run: runners.py's SIGINT handler.
                    return self.on_sigint();
                }
                Err(exc_empty(ExcKind::KeyboardInterrupt))
            }
        }
    }

    /// `handler(signum, frame)`, the frame being the innermost one running.
    fn call_signal_handler(&mut self, handler: &Value, sig: i32) -> PyResult<()> {
        let frame = match self.frames.len() {
            0 => Value::None,
            n => self.frame_object_at(n - 1).map_or(Value::None, Value::Obj),
        };
        self.call(handler, &[Value::Int(sig as i64), frame])?;
        Ok(())
    }

    /// Whether a signal is pending (without consuming it).
    pub fn interrupt_pending(&self) -> bool {
        self.interrupt.load(Ordering::Relaxed)
    }

    /// `signal.signal(SIGINT, default_int_handler)`: Ctrl-C raises KeyboardInterrupt
    /// again (or cancels `asyncio.run`'s main task), as at start.
    pub fn reset_sigint(&mut self) {
        register_sigint(&self.interrupt, &mut self.py_signals);
        self.py_signals.sigint_disposition = None;
    }
}
