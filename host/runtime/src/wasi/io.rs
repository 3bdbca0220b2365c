//! Clocks, poll and streams that never wait: each operation's future is
//! polled once; one that is not ready at once traps the guest instead of
//! blocking the host thread (see the module docs of `wasi`).

use std::future::Future;
use std::task::{Context, Poll, Waker};

use wasmtime::component::Resource;
use wasmtime_wasi::p2::bindings::clocks::monotonic_clock::{self, Duration, Instant};
use wasmtime_wasi::p2::bindings::sync::io::{poll, streams};
use wasmtime_wasi::p2::{DynPollable, Pollable, StreamError, StreamResult, subscribe};
use wasmtime_wasi_io::bindings::wasi::io::poll as async_poll;
use wasmtime_wasi_io::bindings::wasi::io::streams::{
    HostInputStream as AsyncInput, HostOutputStream as AsyncOutput,
};

use super::{AtOnce, WAIT_FUEL};

/// What a guest waited on that would never become ready inside the sandbox.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error(
    "the plug-in waited on {0}, which is not ready and never will be inside the sandbox (plug-ins may not wait on the host)"
)]
pub struct WouldBlock(pub &'static str);

/// Polls `future` once.
fn at_once<F: Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

fn now_or_trap<F: Future>(future: F, what: &'static str) -> wasmtime::Result<F::Output> {
    at_once(future).ok_or_else(|| WouldBlock(what).into())
}

fn stream_now<T, F: Future<Output = StreamResult<T>>>(
    future: F,
    what: &'static str,
) -> StreamResult<T> {
    at_once(future).unwrap_or_else(|| Err(StreamError::Trap(WouldBlock(what).into())))
}

/// A clock subscription: the clocks do not move, so it is ready at once.
struct Elapsed;

#[wasmtime_wasi::async_trait]
impl Pollable for Elapsed {
    async fn ready(&mut self) {}
}

impl AtOnce<'_> {
    fn elapsed(&mut self) -> wasmtime::Result<Resource<DynPollable>> {
        self.owe(WAIT_FUEL as usize);
        let elapsed = self.table.push(Elapsed)?;
        subscribe(self.table, elapsed)
    }

    fn owe(&mut self, bytes: usize) {
        *self.owed = self.owed.saturating_add(bytes as u64);
    }
}

impl monotonic_clock::Host for AtOnce<'_> {
    /// Elapsed time is not an input: the clock always reads zero.
    fn now(&mut self) -> wasmtime::Result<Instant> {
        Ok(0)
    }

    fn resolution(&mut self) -> wasmtime::Result<Instant> {
        Ok(1)
    }

    fn subscribe_instant(&mut self, _when: Instant) -> wasmtime::Result<Resource<DynPollable>> {
        self.elapsed()
    }

    fn subscribe_duration(&mut self, _: Duration) -> wasmtime::Result<Resource<DynPollable>> {
        self.elapsed()
    }
}

impl poll::Host for AtOnce<'_> {
    fn poll(&mut self, pollables: Vec<Resource<DynPollable>>) -> wasmtime::Result<Vec<u32>> {
        self.owe(WAIT_FUEL as usize + pollables.len());
        now_or_trap(
            async_poll::Host::poll(self.table, pollables),
            "`poll` with nothing ready",
        )?
    }
}

impl poll::HostPollable for AtOnce<'_> {
    fn ready(&mut self, pollable: Resource<DynPollable>) -> wasmtime::Result<bool> {
        let ready = async_poll::HostPollable::ready(self.table, pollable);
        Ok(at_once(ready).transpose()?.unwrap_or(false))
    }

    fn block(&mut self, pollable: Resource<DynPollable>) -> wasmtime::Result<()> {
        self.owe(WAIT_FUEL as usize);
        now_or_trap(
            async_poll::HostPollable::block(self.table, pollable),
            "a pollable that is not ready (`block`)",
        )?
    }

    fn drop(&mut self, pollable: Resource<DynPollable>) -> wasmtime::Result<()> {
        async_poll::HostPollable::drop(self.table, pollable)
    }
}

impl streams::Host for AtOnce<'_> {
    fn convert_stream_error(
        &mut self,
        error: StreamError,
    ) -> wasmtime::Result<streams::StreamError> {
        use wasmtime_wasi_io::bindings::wasi::io::streams::Host as AsyncStreams;
        Ok(
            match AsyncStreams::convert_stream_error(&mut *self.table, error)? {
                wasmtime_wasi_io::bindings::wasi::io::streams::StreamError::LastOperationFailed(
                    error,
                ) => streams::StreamError::LastOperationFailed(error),
                wasmtime_wasi_io::bindings::wasi::io::streams::StreamError::Closed => {
                    streams::StreamError::Closed
                }
            },
        )
    }
}

impl streams::HostOutputStream for AtOnce<'_> {
    fn drop(&mut self, stream: Resource<streams::OutputStream>) -> wasmtime::Result<()> {
        // Dropping may flush; a stream that cannot finish at once is dropped anyway.
        at_once(AsyncOutput::drop(self.table, stream)).unwrap_or(Ok(()))
    }

    fn check_write(&mut self, stream: Resource<streams::OutputStream>) -> StreamResult<u64> {
        AsyncOutput::check_write(self.table, stream)
    }

    fn write(
        &mut self,
        stream: Resource<streams::OutputStream>,
        bytes: Vec<u8>,
    ) -> StreamResult<()> {
        self.owe(bytes.len());
        AsyncOutput::write(self.table, stream, bytes)
    }

    fn blocking_write_and_flush(
        &mut self,
        stream: Resource<streams::OutputStream>,
        bytes: Vec<u8>,
    ) -> StreamResult<()> {
        self.owe(bytes.len());
        stream_now(
            AsyncOutput::blocking_write_and_flush(self.table, stream, bytes),
            "an output stream (`blocking-write-and-flush`)",
        )
    }

    fn blocking_write_zeroes_and_flush(
        &mut self,
        stream: Resource<streams::OutputStream>,
        len: u64,
    ) -> StreamResult<()> {
        self.owe(len as usize);
        stream_now(
            AsyncOutput::blocking_write_zeroes_and_flush(self.table, stream, len),
            "an output stream (`blocking-write-zeroes-and-flush`)",
        )
    }

    fn subscribe(
        &mut self,
        stream: Resource<streams::OutputStream>,
    ) -> wasmtime::Result<Resource<DynPollable>> {
        AsyncOutput::subscribe(self.table, stream)
    }

    fn write_zeroes(
        &mut self,
        stream: Resource<streams::OutputStream>,
        len: u64,
    ) -> StreamResult<()> {
        self.owe(len as usize);
        AsyncOutput::write_zeroes(self.table, stream, len)
    }

    fn flush(&mut self, stream: Resource<streams::OutputStream>) -> StreamResult<()> {
        AsyncOutput::flush(self.table, stream)
    }

    fn blocking_flush(&mut self, stream: Resource<streams::OutputStream>) -> StreamResult<()> {
        stream_now(
            AsyncOutput::blocking_flush(self.table, stream),
            "an output stream (`blocking-flush`)",
        )
    }

    fn splice(
        &mut self,
        dst: Resource<streams::OutputStream>,
        src: Resource<streams::InputStream>,
        len: u64,
    ) -> StreamResult<u64> {
        let moved = AsyncOutput::splice(self.table, dst, src, len)?;
        self.owe(moved as usize);
        Ok(moved)
    }

    fn blocking_splice(
        &mut self,
        dst: Resource<streams::OutputStream>,
        src: Resource<streams::InputStream>,
        len: u64,
    ) -> StreamResult<u64> {
        let moved = stream_now(
            AsyncOutput::blocking_splice(self.table, dst, src, len),
            "a stream (`blocking-splice`)",
        )?;
        self.owe(moved as usize);
        Ok(moved)
    }
}

impl streams::HostInputStream for AtOnce<'_> {
    fn drop(&mut self, stream: Resource<streams::InputStream>) -> wasmtime::Result<()> {
        at_once(AsyncInput::drop(self.table, stream)).unwrap_or(Ok(()))
    }

    fn read(&mut self, stream: Resource<streams::InputStream>, len: u64) -> StreamResult<Vec<u8>> {
        let bytes = AsyncInput::read(self.table, stream, len)?;
        self.owe(bytes.len());
        Ok(bytes)
    }

    fn blocking_read(
        &mut self,
        stream: Resource<streams::InputStream>,
        len: u64,
    ) -> StreamResult<Vec<u8>> {
        let bytes = stream_now(
            AsyncInput::blocking_read(self.table, stream, len),
            "an input stream (`blocking-read`)",
        )?;
        self.owe(bytes.len());
        Ok(bytes)
    }

    fn skip(&mut self, stream: Resource<streams::InputStream>, len: u64) -> StreamResult<u64> {
        AsyncInput::skip(self.table, stream, len)
    }

    fn blocking_skip(
        &mut self,
        stream: Resource<streams::InputStream>,
        len: u64,
    ) -> StreamResult<u64> {
        stream_now(
            AsyncInput::blocking_skip(self.table, stream, len),
            "an input stream (`blocking-skip`)",
        )
    }

    fn subscribe(
        &mut self,
        stream: Resource<streams::InputStream>,
    ) -> wasmtime::Result<Resource<DynPollable>> {
        AsyncInput::subscribe(self.table, stream)
    }
}
