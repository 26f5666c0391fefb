//! The file descriptors a loop watches (`add_reader` / `add_writer`), on the loop's
//! poller. mio is edge-triggered, CPython's selector level-triggered (DESIGN.md section
//! 5): here a descriptor, once reported ready, stays ready until the socket functions
//! find it is not (`Vm::io_not_ready`: an operation would block, or a short read or write
//! emptied or filled the kernel's buffer), and its callback is queued on every iteration
//! meanwhile, as a level-triggered selector would. After a short read the edge-triggered
//! poller reports any later data as a new event, so nothing is missed.

use super::poller::Poller;
use super::{LoopState, Ready};
use crate::obj::Obj;
use crate::vm::value::ObjRef;
use crate::vm::Vm;
use std::collections::{BTreeMap, BTreeSet};

/// Which side of a descriptor.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Read,
    Write,
}

/// One watched descriptor: its callbacks (`Handle`s) and what the poller last reported.
#[derive(Default)]
struct Watch {
    reader: Option<ObjRef>,
    writer: Option<ObjRef>,
    readable: bool,
    writable: bool,
    /// The poller reported end of stream or an error: the descriptor stays readable for
    /// good, whatever a read returned.
    read_closed: bool,
    /// In `Watches::order` (possibly no longer due: dropped at the next dispatch).
    queued: bool,
}

impl Watch {
    fn handle(&mut self, side: Side) -> &mut Option<ObjRef> {
        match side {
            Side::Read => &mut self.reader,
            Side::Write => &mut self.writer,
        }
    }

    fn ready(&mut self, side: Side) -> &mut bool {
        match side {
            Side::Read => &mut self.readable,
            Side::Write => &mut self.writable,
        }
    }

    /// Whether a callback of this descriptor is due: its side is ready.
    fn due(&self) -> bool {
        (self.readable && self.reader.is_some()) || (self.writable && self.writer.is_some())
    }
}

/// A loop's watched descriptors, and those with a callback due, so that an iteration
/// looks at those only (an idle connection is writable, with no writer, for as long as
/// it lives).
///
/// Callbacks are queued in the order of epoll's level-triggered ready list, which is the
/// order CPython's selector reports descriptors in: a descriptor joins the back when it
/// becomes ready, and keeps its place for as long as it stays ready (so a connection with
/// data left, or end of stream, to read goes before one that became readable since).
#[derive(Default)]
pub struct Watches {
    fds: BTreeMap<i32, Watch>,
    due: BTreeSet<i32>,
    order: Vec<i32>,
}

impl Watches {
    pub fn is_empty(&self) -> bool {
        self.fds.is_empty()
    }

    /// Whether `fd` has a reader and a writer.
    pub fn watching(&self, fd: i32) -> (bool, bool) {
        self.fds
            .get(&fd)
            .map_or((false, false), |w| (w.reader.is_some(), w.writer.is_some()))
    }

    /// Whether some callback is due without waiting: its side is still ready.
    pub fn any_due(&self) -> bool {
        !self.due.is_empty()
    }

    /// Runs `f` on the watch of `fd`, if watched, keeping `due` in step.
    fn update<R>(&mut self, fd: i32, f: impl FnOnce(&mut Watch) -> R) -> Option<R> {
        let w = self.fds.get_mut(&fd)?;
        let r = f(w);
        if w.due() {
            self.due.insert(fd);
            if !w.queued {
                w.queued = true;
                self.order.push(fd);
            }
        } else {
            self.due.remove(&fd);
        }
        Some(r)
    }

    /// Drops from the ready list the descriptors no longer due: it is then what the
    /// next wait would report, in order.
    fn prune_order(&mut self) {
        let (fds, due) = (&mut self.fds, &self.due);
        self.order.retain(|fd| {
            let keep = due.contains(fd);
            if !keep {
                if let Some(w) = fds.get_mut(fd) {
                    w.queued = false;
                }
            }
            keep
        });
    }
}

/// mio's token for descriptor `fd` (token 0 is the waker's).
fn token(fd: i32) -> mio::Token {
    mio::Token(fd as usize + 1)
}

fn fd_of(token: mio::Token) -> Option<i32> {
    i32::try_from(token.0.checked_sub(1)?).ok()
}

impl LoopState {
    fn poller(&mut self) -> std::io::Result<&mut Poller> {
        if self.poller.is_none() {
            self.poller = Some(Poller::new()?);
        }
        match &mut self.poller {
            Some(p) => Ok(p),
            None => unreachable!("created above"),
        }
    }

    /// `add_reader` / `add_writer`: `handle` runs whenever `fd`'s side is ready. A handle
    /// already there is cancelled (CPython replaces it the same way).
    pub fn io_add(&mut self, fd: i32, side: Side, handle: ObjRef) -> std::io::Result<()> {
        if !self.watches.fds.contains_key(&fd) {
            let interest = mio::Interest::READABLE | mio::Interest::WRITABLE;
            let registry = self.poller()?.registry();
            registry.register(&mut mio::unix::SourceFd(&fd), token(fd), interest)?;
            self.watches.fds.insert(fd, Watch::default());
        }
        let old = self.watches.update(fd, |w| w.handle(side).replace(handle));
        if let Some(Some(old)) = old {
            cancel(&old);
        }
        Ok(())
    }

    /// `remove_reader` / `remove_writer`: whether a callback was registered. A descriptor
    /// with neither left is no longer watched.
    pub fn io_remove(&mut self, fd: i32, side: Side) -> bool {
        let Some((old, idle)) = self.watches.update(fd, |w| {
            let old = w.handle(side).take();
            (old, w.reader.is_none() && w.writer.is_none())
        }) else {
            return false;
        };
        if let Some(h) = &old {
            cancel(h);
        }
        if idle {
            self.watches.fds.remove(&fd);
            self.watches.order.retain(|f| *f != fd);
            if let Some(p) = &self.poller {
                // Fails only when the descriptor is already closed, which unregistered it.
                let _ = p.registry().deregister(&mut mio::unix::SourceFd(&fd));
            }
        }
        old.is_some()
    }

    /// Records what the last wait reported, then queues the callback of every side that
    /// is ready (CPython's `_process_events`).
    pub fn io_dispatch(&mut self) {
        if let Some(p) = &mut self.poller {
            for e in p.take_io_events() {
                self.watches.update(e.fd, |w| {
                    w.readable |= e.readable;
                    w.writable |= e.writable;
                    w.read_closed |= e.read_closed;
                });
            }
        }
        let mut cancelled = Vec::new();
        self.watches.prune_order();
        let order = std::mem::take(&mut self.watches.order);
        for fd in order.iter() {
            let Some(w) = self.watches.fds.get(fd) else {
                continue;
            };
            for (ready, handle, side) in [
                (w.readable, &w.reader, Side::Read),
                (w.writable, &w.writer, Side::Write),
            ] {
                let Some(h) = handle.as_ref().filter(|_| ready) else {
                    continue;
                };
                if is_cancelled(h) {
                    cancelled.push((*fd, side));
                } else {
                    self.ready.push_back(Ready::Handle(h.clone()));
                }
            }
        }
        self.watches.order = order;
        for (fd, side) in cancelled {
            self.io_remove(fd, side);
        }
    }
}

fn cancel(handle: &ObjRef) {
    if let Obj::Handle(h) = &**handle {
        h.cancelled.set(true);
    }
}

fn is_cancelled(handle: &ObjRef) -> bool {
    match &**handle {
        Obj::Handle(h) => h.cancelled.get(),
        _ => true,
    }
}

impl Vm {
    /// `fd` is no longer ready on `side` (an operation would block, or a short write
    /// filled it): its callback waits for the poller's next report.
    pub fn io_not_ready(&mut self, fd: i32, side: Side) {
        for st in self.aio.loops.iter_mut() {
            st.watches.update(fd, |w| *w.ready(side) = false);
        }
    }

    /// Keeps `fd`'s readiness true to what a read of up to `asked` bytes found: nothing
    /// (it would block), or, on a stream, a short read, which emptied its buffer.
    pub fn io_after_read(
        &mut self,
        fd: i32,
        got: &std::io::Result<usize>,
        asked: usize,
        stream: bool,
    ) {
        match got {
            Ok(n) if stream && *n > 0 && *n < asked => self.io_drained(fd),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                self.io_not_ready(fd, Side::Read)
            }
            _ => {}
        }
    }

    /// Keeps `fd`'s readiness true to what a write of `len` bytes found: a full buffer
    /// (a short write, or one that would block).
    pub fn io_after_write(&mut self, fd: i32, wrote: &std::io::Result<usize>, len: usize) {
        let full = match wrote {
            Ok(n) => *n < len,
            Err(e) => e.kind() == std::io::ErrorKind::WouldBlock,
        };
        if full {
            self.io_not_ready(fd, Side::Write);
        }
    }

    /// A short read emptied `fd`'s receive buffer: not readable any more, unless the end
    /// of the stream (or an error) is there to read, which no new event would announce.
    fn io_drained(&mut self, fd: i32) {
        for st in self.aio.loops.iter_mut() {
            st.watches.update(fd, |w| w.readable &= w.read_closed);
        }
    }

    /// `fd` is being closed: no loop watches it any more (the kernel forgets it too).
    pub fn io_forget(&mut self, fd: i32) {
        for st in self.aio.loops.iter_mut() {
            st.io_remove(fd, Side::Read);
            st.io_remove(fd, Side::Write);
        }
    }
}

/// The buffer reads of sockets and pipes go into, kept between reads: transports ask for
/// 256 KiB and mostly get a few bytes, and a fresh zeroed buffer per read cost more than
/// the read itself.
#[derive(Default)]
pub struct ReadScratch(Vec<u8>);

impl ReadScratch {
    /// Runs `read` on the first `want` bytes of the buffer: its result and a copy of the
    /// bytes it read.
    pub fn read(
        &mut self,
        want: usize,
        read: impl FnOnce(&mut [u8]) -> std::io::Result<usize>,
    ) -> (std::io::Result<usize>, Vec<u8>) {
        if self.0.len() < want {
            self.0.resize(want, 0);
        }
        let got = read(&mut self.0[..want]);
        let data = match &got {
            Ok(n) => self.0.get(..*n).map(<[u8]>::to_vec).unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        (got, data)
    }
}

/// What the poller reported for one descriptor.
pub struct IoEvent {
    fd: i32,
    readable: bool,
    writable: bool,
    read_closed: bool,
}

impl Poller {
    /// The descriptors the last wait reported, once. Errors and hang-ups count as both
    /// sides ready, so that the callbacks run and meet them.
    pub fn take_io_events(&mut self) -> Vec<IoEvent> {
        let found = self
            .events()
            .iter()
            .filter_map(|e| {
                let fd = fd_of(e.token())?;
                let broken = e.is_error();
                let read_closed = e.is_read_closed() || broken;
                Some(IoEvent {
                    fd,
                    readable: e.is_readable() || read_closed,
                    writable: e.is_writable() || e.is_write_closed() || broken,
                    read_closed,
                })
            })
            .collect();
        self.clear_events();
        found
    }
}
