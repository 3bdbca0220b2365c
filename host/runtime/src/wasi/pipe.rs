//! A guest's stdout or stderr: keeps the first bytes, drops the rest, and
//! never fails or waits — a chatty guest neither panics on a full pipe nor
//! makes the host hold more than the cap.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// Most bytes one write may bring; the guest's toolchain splits bigger ones.
const WRITE_PERMIT: usize = 4096;

/// A capped in-memory pipe. Clones share the buffer.
#[derive(Debug, Clone)]
pub struct CappedPipe {
    /// What was kept and how much was dropped.
    shared: Arc<Mutex<Kept>>,
}

#[derive(Debug)]
struct Kept {
    /// The first `cap` bytes written.
    bytes: Vec<u8>,
    /// Most bytes kept.
    cap: usize,
    /// Bytes written past the cap.
    dropped: usize,
}

impl CappedPipe {
    /// A pipe keeping at most `cap` bytes.
    pub fn new(cap: usize) -> Self {
        CappedPipe {
            shared: Arc::new(Mutex::new(Kept {
                bytes: Vec::new(),
                cap,
                dropped: 0,
            })),
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn keep(&self, bytes: &[u8]) {
        let mut kept = self.kept();
        let room = kept.cap.saturating_sub(kept.bytes.len());
        let taken = bytes.len().min(room);
        kept.bytes.extend_from_slice(&bytes[..taken]);
        kept.dropped += bytes.len() - taken;
    }

    /// The bytes kept.
    pub fn contents(&self) -> Vec<u8> {
        self.kept().bytes.clone()
    }

    /// Forgets what was kept and dropped (an instance reused for another call).
    pub fn clear(&self) {
        let mut kept = self.kept();
        kept.bytes.clear();
        kept.dropped = 0;
    }

    /// How many bytes were written past the cap and dropped.
    pub fn dropped(&self) -> usize {
        self.kept().dropped
    }
}

impl IsTerminal for CappedPipe {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for CappedPipe {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

impl OutputStream for CappedPipe {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.keep(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(WRITE_PERMIT)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for CappedPipe {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for CappedPipe {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.keep(bytes);
        Poll::Ready(Ok(bytes.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_bytes_and_counts_the_rest() {
        let mut pipe = CappedPipe::new(10);
        pipe.write(Bytes::from_static(b"hello ")).unwrap();
        pipe.write(Bytes::from_static(b"world, again")).unwrap();
        assert_eq!(pipe.contents(), b"hello worl");
        assert_eq!(pipe.dropped(), 8);
        assert_eq!(pipe.check_write().unwrap(), WRITE_PERMIT);
    }
}
