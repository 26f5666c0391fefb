//! Waiting for events: a `mio::Poll` (the timeout wait, and the descriptors `io` watches),
//! and a self-pipe through which other threads hand work to the loop
//! (`call_soon_threadsafe`).
//!
//! The self-pipe is a socket pair, as CPython's selector loop makes one, and the poller
//! is made with the loop: a new loop holds the same three descriptors as CPython's
//! (epoll, then the pair), so the descriptors a program opens next get the same numbers,
//! which transport and socket reprs show.

use crate::vm::Vm;
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// The inbox may hold work: set with the lock held when work is queued, so that the
    /// loop, which looks on every iteration, takes the lock only then.
    pub queued: Arc<AtomicBool>,
    pub waker: Arc<Waker>,
}

/// The write end of the self-pipe.
pub struct Waker(UnixStream);

impl Waker {
    /// Interrupts the loop's wait. A full pipe already holds a wake-up.
    pub fn wake(&self) -> std::io::Result<()> {
        match (&self.0).write(&[0]) {
            Err(e) if e.kind() != ErrorKind::WouldBlock => Err(e),
            _ => Ok(()),
        }
    }
}

impl Remote {
    /// Queues `item` for the loop thread and wakes the loop.
    pub fn send(&self, item: InboxItem) {
        if let Ok(mut q) = self.inbox.lock() {
            q.push_back(item);
            self.queued.store(true, Ordering::Release);
        }
        // A flag the loop read just before it was set is seen on the iteration this wakes.
        let _ = self.waker.wake();
    }
}

pub struct Poller {
    poll: mio::Poll,
    events: mio::Events,
    /// The read end of the self-pipe (the write end is `remote.waker`'s).
    wake_read: UnixStream,
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
        let (wake_read, wake_write) = UnixStream::pair()?;
        wake_read.set_nonblocking(true)?;
        wake_write.set_nonblocking(true)?;
        poll.registry().register(
            &mut mio::unix::SourceFd(&wake_read.as_raw_fd()),
            WAKER_TOKEN,
            mio::Interest::READABLE,
        )?;
        Ok(Poller {
            poll,
            events: mio::Events::with_capacity(64),
            wake_read,
            remote: Remote {
                inbox: Arc::new(Mutex::new(VecDeque::new())),
                queued: Arc::new(AtomicBool::new(false)),
                waker: Arc::new(Waker(wake_write)),
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
            // Edge-triggered: empty the pipe so that the next wake-up is a new edge.
            let mut buf = [0u8; 256];
            while matches!((&self.wake_read).read(&mut buf), Ok(n) if n > 0) {}
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
        if !self.remote.queued.load(Ordering::Acquire) {
            return Vec::new();
        }
        match self.remote.inbox.lock() {
            Ok(mut q) => {
                self.remote.queued.store(false, Ordering::Relaxed);
                q.drain(..).collect()
            }
            Err(_) => Vec::new(),
        }
    }
}
