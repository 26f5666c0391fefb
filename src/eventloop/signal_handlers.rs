//! `loop.add_signal_handler` / `remove_signal_handler` (CPython's unix event loop). A
//! signal sets its pending flag and writes a byte to a wake-up socket (signal-hook does
//! both, async-signal-safely); a loop with handlers watches that socket like any
//! descriptor, so a signal that arrives just before the loop waits still wakes it. The
//! wake-up callback queues the handle of each pending signal. While a signal has a
//! handler its default action (terminating, for most) is suppressed, and restored when the
//! handler is removed, as `signal.signal(sig, SIG_DFL)` does in CPython. SIGINT keeps aio's
//! own KeyboardInterrupt machinery (`vm::signals`) unless a loop handles it.

use super::io::Side;
use super::Ready;
use crate::obj::Obj;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::collections::HashMap;
use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const SIGINT: i32 = 2;

/// The process-wide side: the wake-up socket pair and, per signal registered with
/// signal-hook, its pending flag and whether its default action runs.
pub struct SignalWake {
    read: UnixStream,
    write: UnixStream,
    signals: HashMap<i32, Registered>,
}

struct Registered {
    pending: Arc<AtomicBool>,
    default_on: Arc<AtomicBool>,
}

/// Why a handler could not be installed.
pub enum AddError {
    /// The signal cannot be caught (SIGKILL, SIGSTOP, ...).
    Uncatchable,
    Io(std::io::Error),
}

impl SignalWake {
    fn new() -> std::io::Result<SignalWake> {
        let (read, write) = UnixStream::pair()?;
        read.set_nonblocking(true)?;
        write.set_nonblocking(true)?;
        Ok(SignalWake {
            read,
            write,
            signals: HashMap::new(),
        })
    }

    /// Makes signal-hook record `sig` (once per process).
    fn register(&mut self, sig: i32) -> Result<&Registered, AddError> {
        if !self.signals.contains_key(&sig) {
            let pending = Arc::new(AtomicBool::new(false));
            let default_on = Arc::new(AtomicBool::new(false));
            let uncatchable = |_| AddError::Uncatchable;
            if signal_hook::consts::FORBIDDEN.contains(&sig) {
                return Err(AddError::Uncatchable);
            }
            // signal-hook runs a signal's actions in the order they were registered. The
            // default action's check comes first: the handler may run on another OS thread
            // than the VM's, and once the pipe is written the loop can handle the signal
            // and remove its handler (turning the default on) before a check placed after
            // it ran, which then killed the process for the very signal just handled.
            // SIGINT's default is KeyboardInterrupt, which aio's own handler gives.
            if sig != SIGINT {
                signal_hook::flag::register_conditional_default(sig, default_on.clone())
                    .map_err(uncatchable)?;
            }
            signal_hook::flag::register(sig, pending.clone()).map_err(uncatchable)?;
            let pipe = self.write.try_clone().map_err(AddError::Io)?;
            signal_hook::low_level::pipe::register(sig, pipe).map_err(uncatchable)?;
            self.signals.insert(
                sig,
                Registered {
                    pending,
                    default_on,
                },
            );
        }
        match self.signals.get(&sig) {
            Some(r) => Ok(r),
            None => unreachable!("inserted above"),
        }
    }
}

impl Vm {
    /// `loop.add_signal_handler(sig, ...)` with its handle made: installs it.
    pub fn loop_add_signal_handler(
        &mut self,
        lp: &ObjRef,
        sig: i32,
        handle: ObjRef,
        wakeup: ObjRef,
    ) -> Result<(), AddError> {
        if self.aio.signal_wake.is_none() {
            self.aio.signal_wake = Some(SignalWake::new().map_err(AddError::Io)?);
        }
        let Some(wake) = self.aio.signal_wake.as_mut() else {
            unreachable!("created above")
        };
        let read_fd = wake.read.as_raw_fd();
        wake.register(sig)?
            .default_on
            .store(false, Ordering::SeqCst);
        let Some(st) = self.aio.state(lp) else {
            return Ok(());
        };
        if st.signal_handlers.is_empty() {
            st.io_add(read_fd, Side::Read, wakeup)
                .map_err(AddError::Io)?;
        }
        st.signal_handlers.insert(sig, handle);
        Ok(())
    }

    /// `loop.remove_signal_handler(sig)`: whether a handler was there.
    pub fn loop_remove_signal_handler(&mut self, lp: &ObjRef, sig: i32) -> bool {
        let read_fd = self.aio.signal_wake.as_ref().map(|w| w.read.as_raw_fd());
        let Some(st) = self.aio.state(lp) else {
            return false;
        };
        if st.signal_handlers.remove(&sig).is_none() {
            return false;
        }
        if st.signal_handlers.is_empty() {
            if let Some(fd) = read_fd {
                st.io_remove(fd, Side::Read);
            }
        }
        let handled_elsewhere = self
            .aio
            .loops
            .iter()
            .any(|s| s.signal_handlers.contains_key(&sig));
        if !handled_elsewhere {
            if let Some(r) = self
                .aio
                .signal_wake
                .as_ref()
                .and_then(|w| w.signals.get(&sig))
            {
                r.default_on.store(true, Ordering::SeqCst);
            }
        }
        true
    }

    /// The wake-up socket turned readable: queues the handle of each pending signal that
    /// `lp` handles (a cancelled one is removed instead, as CPython's `_handle_signal`).
    pub fn loop_signal_wakeup(&mut self, lp: &ObjRef) {
        let Some(wake) = self.aio.signal_wake.as_mut() else {
            return;
        };
        let mut buf = [0u8; 64];
        while matches!((&wake.read).read(&mut buf), Ok(n) if n > 0) {}
        let read_fd = wake.read.as_raw_fd();
        self.io_not_ready(read_fd, Side::Read);
        let Some(st) = self.aio.state(lp) else {
            return;
        };
        let handlers: Vec<(i32, ObjRef)> = st
            .signal_handlers
            .iter()
            .map(|(s, h)| (*s, h.clone()))
            .collect();
        for (sig, handle) in handlers {
            let fired = self
                .aio
                .signal_wake
                .as_ref()
                .and_then(|w| w.signals.get(&sig))
                .is_some_and(|r| r.pending.swap(false, Ordering::SeqCst));
            if !fired {
                continue;
            }
            let cancelled = match &*handle {
                Obj::Handle(h) => h.cancelled.get(),
                _ => true,
            };
            if cancelled {
                self.loop_remove_signal_handler(lp, sig);
            } else if let Some(st) = self.aio.state(lp) {
                st.ready.push_back(Ready::Handle(handle));
            }
        }
    }

    /// Whether a loop handles SIGINT itself (then Ctrl-C is not a KeyboardInterrupt).
    pub fn sigint_handled_by_loop(&self) -> bool {
        self.aio
            .loops
            .iter()
            .any(|s| s.signal_handlers.contains_key(&SIGINT))
    }
}

/// The loop object a wake-up handle was made for.
pub fn wakeup_loop(args: &[Value]) -> Option<ObjRef> {
    match args.first() {
        Some(Value::Obj(o)) => Some(o.clone()),
        _ => None,
    }
}
