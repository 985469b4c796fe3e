//! Wiping the stack after a call that handled a secret.
//!
//! Rust moves values by copying them: a secret that is wiped when its owner
//! drops it may have left copies in the stack frames it passed through (a
//! `WebhookSecret` moved into a `RepositorySetup`, a seed read into a key).
//! On wasm32 the stack is a region of the module's linear memory that
//! outlives the call, so the exports that handle secrets end by overwriting
//! the stack below their own frame: [`StackScrub`], created first in the
//! export, is dropped last, on every return path. (No JS exception unwinds
//! through these frames: every JS call they make is a catching one.)

use zeroize::Zeroize;

/// How much stack below the export's frame is wiped: far more than the
/// deepest call of the library uses.
const SCRUB_BYTES: usize = 128 << 10;

/// Wipes 128 KiB of stack below the frame that drops it.
#[derive(Debug)]
pub struct StackScrub;

impl Drop for StackScrub {
    fn drop(&mut self) {
        scrub();
    }
}

/// Overwrite the stack below the caller's frame (volatile writes, so the
/// compiler keeps them).
#[inline(never)]
fn scrub() {
    let mut area = [0xa5u8; SCRUB_BYTES];
    area.zeroize();
    core::hint::black_box(&area);
}
