// Generates the parser from grammar/*.lalrpop (DESIGN.md section 2).
fn main() {
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .process()
        .expect("grammar/aio.lalrpop must generate a parser");
    println!("cargo:rerun-if-changed=grammar");
}
