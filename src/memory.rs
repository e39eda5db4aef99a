//! Large buffers and the kernel's huge pages. Touching fresh memory costs a page fault per
//! 4 KiB page, and on virtual machines much more than the work done in it; the few buffers
//! that are tens of megabytes on a large bill (the text of a version, its clause arena, the
//! rows of an alignment) are worth asking for 2 MiB pages instead. The allocator keeps small
//! allocations on ordinary pages (huge pages there would cost memory, see `Cargo.toml`).

/// Asks the kernel to back the whole 2 MiB pages inside `buf`'s allocation (its capacity, not
/// only its length) with transparent huge pages. Advice only: the contents are not touched and
/// nothing changes when the kernel declines or the platform has no such pages.
pub fn advise_huge_pages<T>(buf: &Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE_PAGE: usize = 2 << 20;
        let start = buf.as_ptr() as usize;
        let end = start.saturating_add(buf.capacity().saturating_mul(std::mem::size_of::<T>()));
        let first = start.div_ceil(HUGE_PAGE) * HUGE_PAGE;
        let last = end / HUGE_PAGE * HUGE_PAGE;
        if last > first {
            // SAFETY: the range lies inside the live allocation of `buf`, page-aligned at both
            // ends; MADV_HUGEPAGE neither reads nor writes memory and cannot invalidate it.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = buf;
}
