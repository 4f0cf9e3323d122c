//! A counting allocator for the library's unit tests: live and peak heap bytes of the
//! current thread, so that a test can measure what one decode costs even while other
//! tests run on other threads.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct PerThread;

#[global_allocator]
static COUNTING: PerThread = PerThread;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn grow(by: usize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + by;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn shrink(by: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(by)));
}

// SAFETY: every call is forwarded unchanged to `System`; the counters use const-initialised
// thread locals without destructors, which never allocate.
unsafe impl GlobalAlloc for PerThread {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrink(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grow(new_size);
        shrink(layout.size());
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// The most heap `f` had allocated at once on this thread, beyond what was live before.
pub(crate) fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(before));
    let out = f();
    (out, PEAK.with(Cell::get) - before)
}

/// Decodes each case's body, checks it is accepted or refused as expected, and that the
/// decode never held more than `max_ratio` times the body in heap at once.
pub(crate) fn assert_decodes_within(
    cases: impl IntoIterator<Item = (&'static str, String, bool)>,
    decode: impl Fn(&[u8]) -> bool,
    max_ratio: f64,
) {
    for (name, body, accepted) in cases {
        let (decoded, peak) = peak_during(|| decode(body.as_bytes()));
        let ratio = peak as f64 / body.len() as f64;
        eprintln!(
            "{name}: {} bytes, peak {peak} bytes ({ratio:.2}x)",
            body.len()
        );
        assert_eq!(decoded, accepted, "{name}");
        assert!(ratio < max_ratio, "{name}: {ratio:.2}x the body");
    }
}
