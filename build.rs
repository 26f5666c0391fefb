// Generates the parser from grammar/*.lalrpop (DESIGN.md section 2).
fn main() {
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .process()
        .expect("grammar/aio.lalrpop must generate a parser");
    println!("cargo:rerun-if-changed=grammar");
    zlib_version();
}

/// zlib.ZLIB_VERSION: the version in the zlib.h that libz-sys links against (the system's),
/// else the version of the copy libz-sys bundles and builds when the system has none.
fn zlib_version() {
    let header = "/usr/include/zlib.h";
    println!("cargo:rerun-if-changed={header}");
    let version = std::fs::read_to_string(header)
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("#define ZLIB_VERSION \""))
                .and_then(|rest| rest.split('"').next().map(str::to_string))
        })
        .unwrap_or_else(|| "1.3.1".to_string());
    println!("cargo:rustc-env=AIO_ZLIB_VERSION={version}");
}
