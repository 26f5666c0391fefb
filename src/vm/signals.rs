//! Ctrl-C: SIGINT sets a flag that the dispatch loop checks at back-edges and calls
//! (`Vm::periodic`), raising KeyboardInterrupt in the running code, as CPython does.

use super::errors::{exc_empty, PyResult};
use super::types::ExcKind;
use super::Vm;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Installs the SIGINT handler; returns the flag it sets.
pub fn install_sigint() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    // Registration fails only for forbidden signals; SIGINT is not one.
    let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, flag.clone());
    flag
}

impl Vm {
    /// Raises KeyboardInterrupt if Ctrl-C was pressed since the last check.
    pub fn check_signals(&mut self) -> PyResult<()> {
        // Signals go to the main thread only: an executor job leaves them pending.
        if self.aio.vthreads.depth > 0 {
            return Ok(());
        }
        if self.interrupt.swap(false, Ordering::Relaxed) {
            // A loop's add_signal_handler(SIGINT, ...) takes Ctrl-C instead.
            if self.sigint_handled_by_loop() {
                return Ok(());
            }
            if self.aio.main_task.is_some() {
                // Inside asyncio.run: runners.py's SIGINT handler.
                return self.on_sigint();
            }
            return Err(exc_empty(ExcKind::KeyboardInterrupt));
        }
        Ok(())
    }

    /// Whether Ctrl-C is pending (without consuming it).
    pub fn interrupt_pending(&self) -> bool {
        self.interrupt.load(Ordering::Relaxed)
    }
}
