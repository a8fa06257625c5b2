//! Where log lines go: appended to a buffer in memory, and written to standard
//! error by a thread of their own, so that a request never waits on a `write`
//! system call for its access-log line. Under load one `write` then carries the
//! lines of many requests. `flush` writes out what is pending; the binary calls it
//! before it exits, so that no line is lost at shutdown.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

/// How long the writer thread lets lines gather after the first one arrives: short
/// enough that a log follower sees a request at once, long enough that a busy
/// service writes hundreds of lines in one call.
const GATHER_FOR: Duration = Duration::from_millis(20);

/// Pending bytes past which a logging thread writes them itself, in order, instead
/// of adding more: when standard error is slower than the service logs (a full pipe),
/// requests slow down rather than memory grow without bound.
const HIGH_WATER: usize = 1 << 20;

struct Shared {
    /// Lines not yet written.
    pending: Mutex<Vec<u8>>,
    /// Wakes the writer thread when `pending` stops being empty.
    arrived: Condvar,
    /// Held while writing to standard error, so that batches keep their order.
    output: Mutex<()>,
    /// Set when the writer thread could not start: every line is then written at once.
    direct: AtomicBool,
}

impl Shared {
    /// Writes out everything pending, after what an earlier call is writing.
    fn write_out(&self) {
        let _output = lock(&self.output);
        let batch = std::mem::take(&mut *lock(&self.pending));
        write_stderr(&batch);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn write_stderr(bytes: &[u8]) {
    if !bytes.is_empty() {
        // Nowhere to report a failure to write the log.
        let _ = io::stderr().lock().write_all(bytes);
    }
}

static SHARED: OnceLock<Arc<Shared>> = OnceLock::new();

/// The writer env_logger is given (its `Target::Pipe`).
pub(super) struct Sink(Arc<Shared>);

impl Sink {
    /// The process's one sink, its writer thread started on first use.
    pub(super) fn new() -> Self {
        let shared = SHARED.get_or_init(|| {
            let shared = Arc::new(Shared {
                pending: Mutex::new(Vec::new()),
                arrived: Condvar::new(),
                output: Mutex::new(()),
                direct: AtomicBool::new(false),
            });
            let writer = Arc::clone(&shared);
            let spawned = std::thread::Builder::new().name("log-writer".into()).spawn(move || {
                loop {
                    let mut pending = lock(&writer.pending);
                    while pending.is_empty() {
                        pending = writer.arrived.wait(pending).unwrap_or_else(PoisonError::into_inner);
                    }
                    drop(pending);
                    std::thread::sleep(GATHER_FOR);
                    writer.write_out();
                }
            });
            if let Err(e) = spawned {
                shared.direct.store(true, Ordering::Relaxed);
                eprintln!("cannot start the log writer ({e}); writing each log line at once");
            }
            shared
        });
        Self(Arc::clone(shared))
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut pending = lock(&self.0.pending);
        if pending.len() + buf.len() > HIGH_WATER {
            drop(pending);
            self.0.write_out();
            pending = lock(&self.0.pending);
        }
        let was_empty = pending.is_empty();
        pending.extend_from_slice(buf);
        drop(pending);
        if self.0.direct.load(Ordering::Relaxed) {
            self.0.write_out();
        } else if was_empty {
            self.0.arrived.notify_one();
        }
        Ok(buf.len())
    }

    /// env_logger flushes after every record; the writer thread does that here.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes every pending line now. Called before the process exits.
pub fn flush() {
    if let Some(shared) = SHARED.get() {
        shared.write_out();
    }
}
