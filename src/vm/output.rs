//! Writing to the standard streams from the VM (print, tracebacks, the REPL), through
//! `sys.stdout`/`sys.stderr` so that a program replacing them is honoured.

use super::errors::PyResult;
use super::value::Value;
use super::Vm;
use std::io::Write;

impl Vm {
    fn sys_stream(&mut self, name: &str) -> Option<Value> {
        let sys = match &*self.modules {
            crate::obj::Obj::Dict(d) => super::dictops::get_str(&d.borrow(), &Value::str("sys")),
            _ => None,
        }?;
        let key = self.intern(name);
        self.get_attr_opt(&sys, &key).ok().flatten()
    }

    /// Writes to `sys.stdout`.
    pub fn write_stdout(&mut self, s: &str) -> PyResult<()> {
        match self.sys_stream("stdout") {
            Some(out) if !out.is_none() => {
                self.call_method(&out, "write", &[Value::str(s)])?;
                Ok(())
            }
            _ => {
                let _ = std::io::stdout().write_all(s.as_bytes());
                Ok(())
            }
        }
    }

    /// Writes to `sys.stderr`, falling back to the process's stderr if that fails.
    pub fn write_stderr(&mut self, s: &str) {
        if let Some(err) = self.sys_stream("stderr") {
            if !err.is_none() && self.call_method(&err, "write", &[Value::str(s)]).is_ok() {
                let _ = self.call_method(&err, "flush", &[]);
                return;
            }
        }
        let _ = std::io::stderr().write_all(s.as_bytes());
    }

    /// Flushes `sys.stdout` and `sys.stderr` (at exit and before printing tracebacks).
    pub fn flush_std_streams(&mut self) {
        for name in ["stdout", "stderr", "__stdout__", "__stderr__"] {
            if let Some(s) = self.sys_stream(name) {
                if !s.is_none() {
                    let _ = self.call_method(&s, "flush", &[]);
                }
            }
        }
        let _ = std::io::stdout().flush();
    }

    /// Work done every few thousand back-edges/calls and between event-loop callbacks:
    /// pending finalizers and cycle collection.
    pub(crate) fn periodic(&mut self) -> PyResult<()> {
        self.check_signals()?;
        // Checked first: this runs between every two callbacks of the event loop.
        if crate::gc::finalize::pending() {
            crate::gc::finalize::run_pending(self);
        }
        if crate::gc::collector::should_collect() {
            crate::gc::collector::collect_auto(self);
        }
        Ok(())
    }
}
