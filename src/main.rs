// mimalloc: aio allocates and frees small objects (frames, coroutines, tasks, strings) at a
// high rate; glibc's malloc spends far longer per allocation on those patterns.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(aio::cli::main());
}
