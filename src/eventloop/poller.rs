//! Waiting for events: a `mio::Poll` (the timeout wait, and the descriptors `io` watches),
//! and a `mio::Waker` through which other threads hand work to the loop
//! (`call_soon_threadsafe`).

use crate::vm::Vm;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The waker's token; I/O sources will get the tokens after it.
pub const WAKER_TOKEN: mio::Token = mio::Token(0);

/// Work sent to the loop thread. Only `Send` data crosses threads; the closure turns it
/// into VM values on the loop thread.
pub type InboxItem = Box<dyn FnOnce(&mut Vm) + Send>;

/// The other threads' side of a loop: a queue plus the waker that interrupts the poll.
#[derive(Clone)]
pub struct Remote {
    pub inbox: Arc<Mutex<VecDeque<InboxItem>>>,
    pub waker: Arc<mio::Waker>,
}

impl Remote {
    /// Queues `item` for the loop thread and wakes the loop.
    pub fn send(&self, item: InboxItem) {
        if let Ok(mut q) = self.inbox.lock() {
            q.push_back(item);
        }
        let _ = self.waker.wake();
    }
}

pub struct Poller {
    poll: mio::Poll,
    events: mio::Events,
    pub remote: Remote,
}

/// What ended a wait.
pub enum Woke {
    /// Timeout or I/O.
    Events,
    /// The waker fired: drain the inbox.
    Waker,
    /// A signal interrupted the wait (EINTR): check the signal flags.
    Signal,
}

impl Poller {
    pub fn new() -> std::io::Result<Poller> {
        let poll = mio::Poll::new()?;
        let waker = Arc::new(mio::Waker::new(poll.registry(), WAKER_TOKEN)?);
        Ok(Poller {
            poll,
            events: mio::Events::with_capacity(64),
            remote: Remote {
                inbox: Arc::new(Mutex::new(VecDeque::new())),
                waker,
            },
        })
    }

    /// Waits up to `timeout` (forever when None).
    pub fn wait(&mut self, timeout: Option<Duration>) -> std::io::Result<Woke> {
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(Woke::Signal),
            Err(e) => return Err(e),
        }
        if self.events.iter().any(|e| e.token() == WAKER_TOKEN) {
            return Ok(Woke::Waker);
        }
        Ok(Woke::Events)
    }

    pub fn registry(&self) -> &mio::Registry {
        self.poll.registry()
    }

    /// What the last wait reported.
    pub fn events(&self) -> &mio::Events {
        &self.events
    }

    pub fn clear_events(&mut self) {
        self.events.clear();
    }

    /// Takes the queued cross-thread work.
    pub fn drain_inbox(&self) -> Vec<InboxItem> {
        match self.remote.inbox.lock() {
            Ok(mut q) => q.drain(..).collect(),
            Err(_) => Vec::new(),
        }
    }
}
