// mimalloc: aio allocates and frees small objects (frames, coroutines, tasks, strings) at a
// high rate; glibc's malloc spends far longer per allocation on those patterns. The wrapper
// (src/gc/alloc.rs) calls mimalloc's unaligned entry points when they suffice.
#[global_allocator]
static ALLOCATOR: aio::gc::alloc::Mimalloc = aio::gc::alloc::Mimalloc;

fn main() {
    aio::gc::alloc::disable_transparent_huge_pages();
    std::process::exit(aio::cli::main());
}
