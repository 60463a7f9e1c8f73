//! The wasm's allocator: std's own (dlmalloc), with every large block
//! asked in a size class.
//!
//! A refresh builds each large derived value (the spliced columns, the
//! lanes' bars, the run ids' index) anew while the last one is still
//! shown, then frees the last one. Asked at their exact sizes, which grow
//! a little with the data at every refresh, the new blocks were often a
//! little larger than the holes the generation before last left (or those
//! holes had been split by smaller blocks meanwhile), so the linear memory
//! grew in 2-4 MB steps for many refreshes of a page that stays open for
//! days (wasm memory never shrinks). Rounded up to one of 16 sizes per
//! doubling, successive generations of a value ask the *same* size until
//! it grows by a 16th, and the allocator's best fit hands back the block
//! the generation before last freed.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks from this size on are asked in a size class; smaller ones live
/// in the allocator's own small bins.
const LARGE: usize = 64 * 1024;

/// `size` rounded up to one of 16 sizes per doubling (at most 1/16 more)
/// from [`LARGE`] on; a smaller size as it is.
pub fn size_class(size: usize) -> usize {
    if size < LARGE {
        return size;
    }
    let step = 1usize << (usize::BITS - size.leading_zeros() - 5);
    size.div_ceil(step).saturating_mul(step)
}

/// `l` with its size in its class (`None`: too large to exist).
fn classed(l: Layout) -> Option<Layout> {
    Layout::from_size_align(size_class(l.size()), l.align()).ok()
}

/// [`System`] with large blocks in size classes ([`size_class`]).
pub struct SizeClasses;

// SAFETY: each call passes on to `System` a layout of the same alignment
// and a size at least the one asked; a block is always freed or resized
// with the layout it was allocated with (the class of a size is a
// function of the size), as `System` requires.
unsafe impl GlobalAlloc for SizeClasses {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        match classed(l) {
            // SAFETY: as `alloc`'s caller promised for `l` (non-zero size).
            Some(c) => unsafe { System.alloc(c) },
            None => std::ptr::null_mut(),
        }
    }

    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        match classed(l) {
            // SAFETY: as for `alloc`.
            Some(c) => unsafe { System.alloc_zeroed(c) },
            None => std::ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if let Some(c) = classed(l) {
            // SAFETY: `p` was allocated by `System` with `c` (`alloc`).
            unsafe { System.dealloc(p, c) }
        }
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align(new_size, l.align())
            .ok()
            .and_then(classed);
        let (Some(c), Some(new)) = (classed(l), new) else {
            return std::ptr::null_mut();
        };
        if new.size() == c.size() {
            // The block already has the class of the new size.
            return p;
        }
        // SAFETY: `p` was allocated by `System` with `c`; `new` is a valid
        // layout of a non-zero size (at least `new_size`) and the same
        // alignment.
        unsafe { System.realloc(p, c, new.size()) }
    }
}

#[cfg(test)]
mod tests {
    use super::{size_class, LARGE};

    #[test]
    fn large_sizes_come_in_sixteen_classes_a_doubling() {
        for n in (0..LARGE + 5000).chain([2_900_000, 3_600_000, 1 << 20, (1 << 20) + 1]) {
            let c = size_class(n);
            assert!(c >= n && c - n <= n / 16, "{n} -> {c}");
            assert_eq!(size_class(c), c, "{n} -> {c} is a class");
        }
        assert_eq!(size_class(LARGE - 1), LARGE - 1);
        // A refresh's slightly larger block asks the same class.
        assert_eq!(size_class(2_900_000), size_class(2_903_200));
        let classes: std::collections::BTreeSet<usize> = ((1 << 20) + 1..=1 << 21)
            .step_by(97)
            .map(size_class)
            .collect();
        assert_eq!(classes.len(), 16);
    }
}
