//! How a request waits until what it changed is on disk: it takes a ticket, wakes the
//! writer, and waits until the writer has saved everything changed up to that ticket.
//! The writer saves all that gathered since its last save in one transaction and one
//! sync, so requests that arrive while it syncs share its next sync (group commit).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

use tokio::sync::watch;

/// The requests' side of the writer.
pub(crate) struct Saver {
    /// The last ticket handed out.
    requested: AtomicU64,
    /// Wakes the writer.
    wake: mpsc::Sender<()>,
    progress: watch::Sender<Progress>,
}

/// What the writer has done.
#[derive(Debug, Clone, Default)]
pub(crate) struct Progress {
    /// Every change made before this ticket was handed out is on disk.
    pub saved_through: u64,
    /// Why the data directory cannot be written any more: from then on nothing is
    /// acknowledged, since memory and disk may differ.
    pub failure: Option<Arc<str>>,
}

impl Saver {
    /// A saver, and the receiving end of its wake-ups for the writer.
    #[cfg_attr(not(feature = "durable"), allow(dead_code))]
    pub(crate) fn new() -> (Arc<Saver>, mpsc::Receiver<()>) {
        let (wake, woken) = mpsc::channel();
        let saver = Saver {
            requested: AtomicU64::new(0),
            wake,
            progress: watch::channel(Progress::default()).0,
        };
        (Arc::new(saver), woken)
    }

    /// Waits until everything changed before this call is on disk; the reason when the
    /// data directory cannot be written.
    pub(crate) async fn saved(&self) -> Result<(), Arc<str>> {
        let ticket = self.requested.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = self.wake.send(());
        let mut progress = self.progress.subscribe();
        let result = progress
            .wait_for(|p| p.failure.is_some() || p.saved_through >= ticket)
            .await;
        match result {
            Ok(progress) => match &progress.failure {
                Some(failure) => Err(failure.clone()),
                None => Ok(()),
            },
            // The writer is gone: the fake is shutting down.
            Err(_) => Err("the data directory's writer has stopped".into()),
        }
    }

    /// The writer's side: the last ticket handed out, read before it takes the changes.
    #[cfg_attr(not(feature = "durable"), allow(dead_code))]
    pub(crate) fn requested(&self) -> u64 {
        self.requested.load(Ordering::SeqCst)
    }

    /// The writer's side: tells waiting requests what it saved.
    #[cfg_attr(not(feature = "durable"), allow(dead_code))]
    pub(crate) fn report(&self, progress: Progress) {
        self.progress.send_replace(progress);
    }
}
