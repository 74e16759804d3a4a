fn main() {
    // ANCHOR: greet
    println!("こんにちは");
    // ANCHOR_END: greet
}
