//! Large buffers and the kernel's memory. Touching fresh memory costs a page fault per 4 KiB
//! page, and on virtual machines much more than the work done in it; the few buffers that are
//! tens of megabytes on a large bill (the text of a version, its clause arena, the rows of an
//! alignment) are worth asking for 2 MiB pages instead, and a buffer whose whole size is known
//! before it is filled is worth having backed in one call. The allocator keeps small
//! allocations on ordinary pages (huge pages there would cost memory, see `Cargo.toml`).

use std::mem::size_of;

/// Prepares a large buffer that is about to be filled to its capacity: asks for 2 MiB pages
/// ([`advise_huge_pages`]), then has it backed now ([`populate`]), in that order so that the
/// pages backed are huge ones where the kernel has them.
pub fn prepare_to_fill<T>(buf: &Vec<T>) {
    advise_huge_pages(buf);
    populate(buf);
}

/// Asks the kernel to back the whole 4 KiB pages inside `buf`'s allocation (its capacity) with
/// memory now, in one call, rather than in one page fault each as they are first written (a
/// file read into a fresh buffer: on a virtual machine the faults cost more than the copy).
/// Only for capacity that will be written; a kernel without `MADV_POPULATE_WRITE` (before
/// Linux 5.14) or another platform leaves the pages to be faulted in as before.
pub fn populate<T>(buf: &Vec<T>) {
    advise_allocation(buf, Advice::Populate);
}

/// [`populate`] for the next `n` elements of `buf`'s spare capacity only: for a buffer that
/// fills up to an estimated capacity (the clause arena), a stretch at a time as it is reached.
pub fn populate_next<T>(buf: &mut Vec<T>, n: usize) {
    let spare = buf.spare_capacity_mut();
    let n = n.min(spare.len());
    advise_capacity(spare.as_ptr() as usize, n, size_of::<T>(), Advice::Populate);
}

/// Asks the kernel to back the whole 2 MiB pages inside `buf`'s allocation (its capacity, not
/// only its length) with transparent huge pages. Advice only: the contents are not touched and
/// nothing changes when the kernel declines or the platform has no such pages.
pub fn advise_huge_pages<T>(buf: &Vec<T>) {
    advise_allocation(buf, Advice::HugePages);
}

/// Gives `advice` for the whole pages inside `buf`'s allocation (its capacity).
fn advise_allocation<T>(buf: &Vec<T>, advice: Advice) {
    advise_capacity(
        buf.as_ptr() as usize,
        buf.capacity(),
        size_of::<T>(),
        advice,
    );
}

#[derive(Clone, Copy)]
enum Advice {
    /// `MADV_POPULATE_WRITE` on 4 KiB pages.
    Populate,
    /// `MADV_HUGEPAGE` on 2 MiB pages.
    HugePages,
}

/// Gives `advice` for the whole pages inside `count` elements of `size` bytes from address
/// `start`, which must lie inside one live allocation (the callers take it from a `Vec`).
fn advise_capacity(start: usize, count: usize, size: usize, advice: Advice) {
    #[cfg(target_os = "linux")]
    {
        let (page, flag) = match advice {
            Advice::Populate => (4096, libc::MADV_POPULATE_WRITE),
            Advice::HugePages => (2 << 20, libc::MADV_HUGEPAGE),
        };
        let end = start.saturating_add(count.saturating_mul(size));
        let first = start.div_ceil(page) * page;
        let last = end / page * page;
        if last > first {
            // SAFETY: the range lies inside a live allocation, page-aligned at both ends.
            // MADV_HUGEPAGE neither reads nor writes memory; MADV_POPULATE_WRITE only faults the
            // pages in (as writing a zero byte to each would, without changing what they hold).
            // Neither can invalidate the memory.
            unsafe {
                libc::madvise(first as *mut libc::c_void, last - first, flag);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, count, size, advice);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The advice is only advice: buffers of any size (none, less than a page, several pages,
    /// more asked for than there is) keep their contents and can be filled as before.
    #[test]
    fn advice_leaves_buffers_as_they_were() {
        for capacity in [0, 1, 100, 4096, 3 * 4096 + 17, 1 << 20] {
            let mut buf: Vec<u64> = Vec::with_capacity(capacity);
            populate(&buf);
            advise_huge_pages(&buf);
            populate_next(&mut buf, capacity + 1000);
            buf.extend((0..capacity as u64).map(|i| i * 3));
            buf.push(7);
            populate_next(&mut buf, 10);
            assert_eq!(buf.len(), capacity + 1);
            assert!(buf[..capacity]
                .iter()
                .enumerate()
                .all(|(i, &v)| v == i as u64 * 3));
        }
    }
}
